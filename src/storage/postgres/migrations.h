// The PostgreSQL schema as an ordered list of forward migrations, one for
// each SQLite migration (storage/sqlite/migrations.h) with the same version
// number and description, so both backends are always at the same schema.
//
// Contract: version N is reached by applying migrations 1..N in order, each
// recorded in `schema_version` (version, description, applied_at). Migrate()
// applies the missing ones in one transaction under a transaction-level
// advisory lock, so two processes opening a new database at once neither
// race nor leave it between two versions. Tables live in the connection's
// current schema (the first of its search_path), so one database can hold
// several Mara stores in separate schemas. Every text column that orders
// records uses COLLATE "C": byte order, the order SQLite gives, so both
// backends list records identically. A database whose version is newer
// than kLatestSchemaVersion, or whose schema holds other tables but no
// `schema_version`, is refused with kInvalidArgument; an empty one without
// `create` is kNotFound. Other failures are those of pg.h. Not thread-safe
// (like the Conn it works on).
#ifndef MARA_STORAGE_POSTGRES_MIGRATIONS_H_
#define MARA_STORAGE_POSTGRES_MIGRATIONS_H_

#include <span>
#include <string_view>

#include "common/status.h"
#include "storage/postgres/pg.h"

namespace mara::postgres {

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

// Every migration, in version order (versions 1, 2, ... without gaps).
std::span<const Migration> Migrations();
int LatestSchemaVersion();

// Brings the schema to LatestSchemaVersion() (creating it when `create`);
// returns the version it is at.
Result<int> Migrate(pg::Conn& conn, bool create);

// The version recorded (0 for a schema with no Mara tables).
Result<int> RecordedSchemaVersion(pg::Conn& conn);

}  // namespace mara::postgres

#endif  // MARA_STORAGE_POSTGRES_MIGRATIONS_H_
