#include <string>

#include "storage/postgres/postgres_store.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/store.h"

namespace mara {

Result<std::unique_ptr<Store>> OpenStore(const std::string& url, const StoreOptions& options) {
  if (IsPostgresUrl(url)) return OpenPostgresStore(url, options);
  if (url.empty()) return Status::InvalidArgument("--db: empty database path");
  return OpenSqliteStore(url, options);
}

}  // namespace mara
