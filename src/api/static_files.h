// Serving the built browser application (ui/, docs/api.md "Browser
// application") for every GET outside /api/: from one directory, or from
// the copy compiled into the `mara` executable (EmbeddedFile).
//
// Contract:
// - StaticFiles::Serve() maps a raw request path (still percent-encoded)
//   to a regular file inside the UI directory, or to an embedded file of
//   that path, and answers it with its content type. Paths that name no
//   file get index.html (client-side routing), except under /assets/,
//   where a missing file is 404.
// - Nothing outside the directory is ever read: the path is decoded
//   strictly (bad escapes and invalid UTF-8 refused), encoded slashes or
//   backslashes, NUL, "." and ".." segments are refused with 400, and the
//   resolved real path (symlinks followed) must lie inside the directory's
//   real path, else 404. Embedded files go through the same checks and are
//   only ever looked up by their exact path.
// - Hashed assets under /assets/ are cacheable for a year (immutable);
//   everything else must be revalidated (no-cache). Every answer has the
//   ETag of its bytes.
// - File contents are kept in a small shared cache keyed by real path,
//   modification time and size (at most 64 MiB in all): an answer's body is
//   the cached bytes (Response::shared_body), so many slow readers of one
//   large file share one copy. A changed file is read again.
// - Embedded files are copied once at construction, each with its ETag;
//   a table without "/index.html" serves nothing.
// - FindUiDir() picks the directory as `mara serve` documents: the
//   explicit one, else $MARA_UI_DIR, else <exe dir>/../share/mara/ui; the
//   first that holds index.html, or "" for none (`mara serve` then serves
//   its embedded copy, when it has one).
// Thread-safety: Serve() is const and safe to call concurrently.
#ifndef MARA_API_STATIC_FILES_H_
#define MARA_API_STATIC_FILES_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "api/router.h"

namespace mara::api {

inline constexpr std::string_view kUiCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

// One file of the browser application compiled into the executable:
// `path` as requested ("/index.html", "/assets/index-3f2a.js"), `bytes`
// in static storage.
struct EmbeddedFile {
  std::string_view path;
  std::string_view bytes;
};

// The shared contents of the files served (see the file comment).
class FileCache {
 public:
  struct Entry {
    int64_t mtime_ns = 0;
    std::shared_ptr<const std::string> bytes;
    std::string etag;
  };
  static constexpr size_t kMaxBytes = size_t{64} << 20;
  // The entry when its file still has that modification time and size.
  std::shared_ptr<const Entry> Find(const std::string& path, int64_t mtime_ns, size_t size);
  void Put(const std::string& path, std::shared_ptr<const Entry> entry);

 private:
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const Entry>> entries_;
  size_t bytes_ = 0;
};

class StaticFiles {
 public:
  // `dir` "" serves nothing: every path is a 404 problem saying so.
  explicit StaticFiles(std::string dir);
  // The embedded copy (see the file comment).
  explicit StaticFiles(std::span<const EmbeddedFile> files);
  Response Serve(std::string_view raw_path) const;
  const std::string& dir() const { return root_; }
  // Whether it serves an embedded copy.
  bool embedded() const { return !embedded_.empty(); }

 private:
  Response File(const std::string& real_path, bool immutable) const;
  Response Embedded(const std::string& path, bool asset) const;
  std::string root_;  // real path, without a trailing slash; "" when none
  // The embedded files by path, with their ETags (mtime_ns unused).
  std::map<std::string, FileCache::Entry, std::less<>> embedded_;
  std::shared_ptr<FileCache> cache_ = std::make_shared<FileCache>();
};

std::string_view ContentTypeForPath(std::string_view path);

// See the file comment. `explicit_dir` may be "".
std::string FindUiDir(const std::string& explicit_dir);

}  // namespace mara::api

#endif  // MARA_API_STATIC_FILES_H_
