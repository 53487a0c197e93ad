// The embedded SQLite backend of Store (see storage/store.h for the
// contract). WAL journal, foreign keys on, synchronous=NORMAL in WAL (a
// committed transaction survives a process crash; the last transactions may
// be lost on power failure only), schema migrations applied on open.
#ifndef MARA_STORAGE_SQLITE_SQLITE_STORE_H_
#define MARA_STORAGE_SQLITE_SQLITE_STORE_H_

#include <memory>
#include <string>

#include "storage/store.h"

namespace mara {

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const StoreOptions& options);

}  // namespace mara

#endif  // MARA_STORAGE_SQLITE_SQLITE_STORE_H_
