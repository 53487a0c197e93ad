// Imports over HTTP (docs/api.md "Imports"): POST /api/v1/imports takes a
// multipart upload and answers 202 at once; the import itself runs on a
// background thread through the service layer's ImportFile (which checks
// the role, writes the import log and the audit record), and GET
// /api/v1/imports/{id} reports its progress and outcome.
//
// Contract:
// - The upload goes to a private temporary file (0600 in a 0700 directory)
//   that is removed when the import ends, whatever the outcome.
// - A running import holds the server's write mutex for its whole duration,
//   so no other write (and no audited read) interleaves with it; reads go on.
// - Only the principal who started an import sees it, and admins (who read
//   the audit log) see every import. Jobs live in memory: the latest
//   kMaxKeptImports are kept, finished ones are forgotten first.
// - Failures of the import itself (bad file, refused role found late) are
//   reported in the job (state "failed", error {detail, field}); the POST
//   answers 400/403/413 only for what it can check before starting.
// - started(), finished(), failed() count the imports this server began,
//   that ended done, and that ended failed (for the server's metrics).
// Thread-safety: all members are safe to call concurrently; the destructor
// waits for running imports to finish.
#ifndef MARA_API_RESOURCES_IMPORTS_H_
#define MARA_API_RESOURCES_IMPORTS_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "api/resources.h"
#include "common/status.h"
#include "service/session.h"

namespace mara::api {

// The `format` values an import takes (its ImportUpload schema lists them).
inline constexpr std::array<std::string_view, 6> kImportFormats = {
    "bundle", "incidents-csv", "svac", "ucdp-actors", "acled", "hxl"};

class ImportManager {
 public:
  static constexpr size_t kMaxKeptImports = 50;
  static constexpr size_t kMaxRejectsShown = 1000;

  using SessionOpener = std::function<Result<std::unique_ptr<Session>>(const std::string&)>;

  // `write_mu` is the server's write serialisation; `open` opens a Session
  // as the named principal (on the import's own thread); `written` is
  // called when an import has ended, before its job shows it.
  ImportManager(std::mutex& write_mu, SessionOpener open, std::function<void()> written = nullptr);
  ~ImportManager();
  ImportManager(const ImportManager&) = delete;
  ImportManager& operator=(const ImportManager&) = delete;

  // POST /api/v1/imports, GET /api/v1/imports, GET /api/v1/imports/{id}.
  std::vector<SessionRoute> Routes();

  uint64_t started() const { return started_.load(std::memory_order_relaxed); }
  uint64_t finished() const { return finished_.load(std::memory_order_relaxed); }
  uint64_t failed() const { return failed_.load(std::memory_order_relaxed); }

 private:
  struct Job;
  Response Start(Request& req, Session& session);
  Response Get(Request& req, Session& session);
  Response List(Request& req, Session& session);
  void Run(std::shared_ptr<Job> job, std::string path);

  std::mutex& write_mu_;
  SessionOpener open_;
  std::function<void()> written_;
  std::mutex mu_;
  std::vector<std::shared_ptr<Job>> jobs_;  // oldest first
  std::atomic<uint64_t> started_{0};
  std::atomic<uint64_t> finished_{0};
  std::atomic<uint64_t> failed_{0};
};

}  // namespace mara::api

#endif  // MARA_API_RESOURCES_IMPORTS_H_
