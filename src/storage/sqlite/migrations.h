// The SQLite schema as an ordered list of forward migrations.
//
// Contract: schema version N is reached by applying migrations 1..N in
// order; each is applied once and recorded in the `schema_version` table
// (version, applied_at). Migrate() runs the missing ones in one IMMEDIATE
// transaction, so a database is never left between two versions. A database
// whose version is newer than kLatestSchemaVersion is refused with
// kInvalidArgument (this build cannot know what the newer schema means); a
// SQLite file with tables but no `schema_version` is refused the same way
// (it belongs to another application). Other failures are those of
// sqlite.h. Not thread-safe (like the Db it works on).
#ifndef MARA_STORAGE_SQLITE_MIGRATIONS_H_
#define MARA_STORAGE_SQLITE_MIGRATIONS_H_

#include <span>
#include <string_view>

#include "common/status.h"
#include "storage/sqlite/sqlite.h"

namespace mara::sqlite {

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

// Every migration, in version order (versions 1, 2, ... without gaps).
std::span<const Migration> Migrations();
inline constexpr int kLatestSchemaVersion = 11;

// Brings `db` to kLatestSchemaVersion; returns the version it is at.
Result<int> Migrate(Db& db);

// The version recorded in `db` (0 for an empty database).
Result<int> RecordedSchemaVersion(Db& db);

}  // namespace mara::sqlite

#endif  // MARA_STORAGE_SQLITE_MIGRATIONS_H_
