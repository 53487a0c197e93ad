// Serving the built browser application (ui/, docs/api.md "Browser
// application") from one directory, for every GET outside /api/.
//
// Contract:
// - StaticFiles::Serve() maps a raw request path (still percent-encoded)
//   to a regular file inside the UI directory and answers it with its
//   content type. Paths that name no file get index.html (client-side
//   routing), except under /assets/, where a missing file is 404.
// - Nothing outside the directory is ever read: the path is decoded
//   strictly (bad escapes and invalid UTF-8 refused), encoded slashes or
//   backslashes, NUL, "." and ".." segments are refused with 400, and the
//   resolved real path (symlinks followed) must lie inside the directory's
//   real path, else 404.
// - Hashed assets under /assets/ are cacheable for a year (immutable);
//   everything else must be revalidated (no-cache).
// - FindUiDir() picks the directory as `mara serve` documents: the
//   explicit one, else $MARA_UI_DIR, else <exe dir>/../share/mara/ui, else
//   <exe dir>/../ui/dist; the first that holds index.html, or "" for none.
// Thread-safety: Serve() is const and safe to call concurrently.
#ifndef MARA_API_STATIC_FILES_H_
#define MARA_API_STATIC_FILES_H_

#include <string>
#include <string_view>

#include "api/router.h"

namespace mara::api {

inline constexpr std::string_view kUiCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

class StaticFiles {
 public:
  // `dir` "" serves nothing: every path is a 404 problem saying so.
  explicit StaticFiles(std::string dir);
  Response Serve(std::string_view raw_path) const;
  const std::string& dir() const { return root_; }

 private:
  Response File(const std::string& real_path, bool immutable) const;
  std::string root_;  // real path, without a trailing slash; "" when none
};

std::string_view ContentTypeForPath(std::string_view path);

// See the file comment. `explicit_dir` may be "".
std::string FindUiDir(const std::string& explicit_dir);

}  // namespace mara::api

#endif  // MARA_API_STATIC_FILES_H_
