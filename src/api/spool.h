// The store's private temporary folder and the request bodies the
// transport writes there instead of holding them in memory.
//
// Contract:
// - ResolveTempDir() names the folder: "<db>.tmp" beside a SQLite file,
//   "<evidence dir>.tmp" beside the evidence directory for a PostgreSQL URL
//   (the evidence directory resolves as service/session.h says).
//   PrepareTempDir() creates it 0700 when missing (kIOError when it cannot)
//   and removes what a previous process left there: spool files
//   ("spool-*") and import or upload folders ("upload-*").
// - SpooledBody::Create() makes a new "spool-XXXXXX" file, mode 0600, in
//   `dir`. Append() writes to it; Finish() maps it read-only so bytes()
//   views the whole body without a copy in memory. The destructor unmaps,
//   closes and unlinks the file: every path that drops the last reference
//   (answer, refusal, exception, disconnect, stop) removes it.
// Thread-safety: a SpooledBody is written by one thread, then only read.
#ifndef MARA_API_SPOOL_H_
#define MARA_API_SPOOL_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mara::api {

std::string ResolveTempDir(const std::string& db, const std::string& evidence_dir);
Status PrepareTempDir(const std::string& dir);

class SpooledBody {
 public:
  static Result<std::shared_ptr<SpooledBody>> Create(const std::string& dir);
  ~SpooledBody();
  SpooledBody(const SpooledBody&) = delete;
  SpooledBody& operator=(const SpooledBody&) = delete;

  Status Append(std::string_view bytes);
  Status Finish();
  // The body once finished.
  std::string_view bytes() const;
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  SpooledBody() = default;
  std::string path_;
  int fd_ = -1;
  size_t size_ = 0;
  void* map_ = nullptr;
};

}  // namespace mara::api

#endif  // MARA_API_SPOOL_H_
