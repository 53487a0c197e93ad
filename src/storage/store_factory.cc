#include <string>

#include "storage/sqlite/sqlite_store.h"
#include "storage/store.h"

namespace mara {

Result<std::unique_ptr<Store>> OpenStore(const std::string& url, const StoreOptions& options) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return Status::InvalidArgument("--db " + url +
                                   ": this build of mara has only the embedded SQLite store");
  }
  if (url.empty()) return Status::InvalidArgument("--db: empty database path");
  return OpenSqliteStore(url, options);
}

}  // namespace mara
