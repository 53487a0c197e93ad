#include "storage/postgres/migrations.h"

#include <array>
#include <string>

namespace mara::postgres {
namespace {

// Version 1, the SQLite schema of the same version in PostgreSQL's words:
// the same tables, columns, keys and deferred foreign keys. Ids of the
// import log are given by the store (max + 1, as SQLite's rowid), not by a
// sequence, so a rolled-back import leaves no gap and both backends number
// imports alike.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE meta(
  key TEXT COLLATE "C" PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO meta(key, value) VALUES ('data_version', '0');

CREATE TABLE imports(
  id BIGINT PRIMARY KEY,
  file TEXT NOT NULL,
  format TEXT NOT NULL,
  file_digest TEXT NOT NULL,
  started_at TEXT NOT NULL,
  accepted BIGINT NOT NULL DEFAULT 0,
  rejected BIGINT NOT NULL DEFAULT 0,
  principal TEXT NOT NULL DEFAULT ''
);

CREATE TABLE situations(
  id TEXT COLLATE "C" PRIMARY KEY,
  doc TEXT NOT NULL
);
CREATE TABLE parties(
  id TEXT COLLATE "C" PRIMARY KEY,
  situation TEXT COLLATE "C" NOT NULL REFERENCES situations(id) DEFERRABLE INITIALLY DEFERRED,
  parent TEXT COLLATE "C" REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  doc TEXT NOT NULL
);
CREATE TABLE sources(
  id TEXT COLLATE "C" PRIMARY KEY,
  doc TEXT NOT NULL
);
CREATE TABLE evidence(
  id TEXT COLLATE "C" PRIMARY KEY,
  doc TEXT NOT NULL
);
CREATE TABLE findings(
  party TEXT COLLATE "C" NOT NULL REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  cycle INTEGER NOT NULL,
  source TEXT COLLATE "C" NOT NULL REFERENCES sources(id) DEFERRABLE INITIALLY DEFERRED,
  doc TEXT NOT NULL,
  PRIMARY KEY (party, cycle, source)
);
CREATE TABLE commitments(
  id TEXT COLLATE "C" PRIMARY KEY,
  party TEXT COLLATE "C" NOT NULL REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  doc TEXT NOT NULL
);
CREATE TABLE decisions(
  party TEXT COLLATE "C" NOT NULL REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  cycle INTEGER NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (party, cycle)
);
CREATE TABLE designations(
  party TEXT COLLATE "C" NOT NULL REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  authority TEXT COLLATE "C" NOT NULL,
  program TEXT COLLATE "C" NOT NULL,
  listed_on TEXT COLLATE "C" NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (party, authority, program, listed_on)
);
CREATE TABLE statements(
  id TEXT COLLATE "C" PRIMARY KEY,
  doc TEXT NOT NULL
);
CREATE TABLE engagements(
  party TEXT COLLATE "C" NOT NULL REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  date TEXT COLLATE "C" NOT NULL,
  kind TEXT COLLATE "C" NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (party, date, kind)
);
CREATE TABLE petitions(
  party TEXT COLLATE "C" NOT NULL REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  filed TEXT COLLATE "C" NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (party, filed)
);

CREATE TABLE incidents(
  id TEXT COLLATE "C" PRIMARY KEY,
  situation TEXT NOT NULL,
  date TEXT NOT NULL,
  date_precision TEXT NOT NULL,
  location_name TEXT NOT NULL,
  admin1 TEXT,
  lat DOUBLE PRECISION,
  lon DOUBLE PRECISION,
  violations TEXT NOT NULL,
  women BIGINT NOT NULL,
  girls BIGINT NOT NULL,
  men BIGINT NOT NULL,
  boys BIGINT NOT NULL,
  unknown BIGINT NOT NULL,
  context TEXT NOT NULL,
  nexus TEXT NOT NULL,
  status TEXT NOT NULL,
  verified_on TEXT,
  perpetrators TEXT NOT NULL,
  sources TEXT NOT NULL,
  narrative TEXT,
  consent TEXT NOT NULL,
  import_id BIGINT NOT NULL
);
)sql";

// Version 2. SQLite packs the assessment's projection into blobs because
// decoding its wide rows dominated the assessment; PostgreSQL streams the
// nine columns the projection needs through a cursor in a sequential scan,
// so this version only keeps the numbering of both backends aligned.
constexpr std::string_view kSchemaV2 = R"sql(
DELETE FROM meta WHERE key = 'facts_projection';
)sql";

// Version 3. The name-review queue, keyed by (origin, query).
constexpr std::string_view kSchemaNameReviews = R"sql(
CREATE TABLE name_reviews(
  id BIGINT PRIMARY KEY,
  origin TEXT COLLATE "C" NOT NULL,
  query TEXT COLLATE "C" NOT NULL,
  provisional_party TEXT NOT NULL,
  candidates TEXT NOT NULL,
  reason TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'created')),
  resolved_party TEXT NOT NULL,
  decided_by TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  UNIQUE (origin, query)
);
)sql";

// Version 4. Principals, incident provenance and the audit chain. The
// chain's invariants are also constraints: seq is the key and positive, and
// a prev_hash can be extended only once (no fork).
constexpr std::string_view kSchemaSecurity = R"sql(
CREATE TABLE users(
  name TEXT COLLATE "C" PRIMARY KEY,
  password_hash TEXT NOT NULL,
  roles TEXT NOT NULL,
  situations TEXT NOT NULL,
  disabled BOOLEAN NOT NULL,
  created_at TEXT NOT NULL
);
ALTER TABLE incidents ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN edited_by TEXT NOT NULL DEFAULT '';
CREATE TABLE audit_records(
  seq BIGINT PRIMARY KEY CHECK (seq > 0),
  time_ms BIGINT NOT NULL,
  principal TEXT NOT NULL,
  action TEXT NOT NULL,
  collection TEXT NOT NULL,
  target_id TEXT NOT NULL,
  before_digest TEXT NOT NULL,
  after_digest TEXT NOT NULL,
  prev_hash TEXT NOT NULL UNIQUE,
  hash TEXT NOT NULL
);
CREATE TABLE audit_checkpoints(
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL,
  key_id TEXT NOT NULL,
  signature TEXT NOT NULL
);
CREATE TABLE audit_head(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head(id, seq, hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
)sql";

// Version 5. Each audit checkpoint signs the checkpoint interval in force
// (0: a version-1 checkpoint, which signs none).
constexpr std::string_view kSchemaCheckpointInterval = R"sql(
ALTER TABLE audit_checkpoints ADD COLUMN every BIGINT NOT NULL DEFAULT 0;
)sql";

// Version 6. The chain covers the state: each audit record carries the
// digest of the record states its change wrote, and audit_state keeps those
// states, in write order, per record (docs/audit_log_format.md §4b).
constexpr std::string_view kSchemaStateLedger = R"sql(
ALTER TABLE audit_records ADD COLUMN state_digest TEXT NOT NULL DEFAULT '';
CREATE TABLE audit_state(
  seq BIGINT NOT NULL,
  ord BIGINT NOT NULL,
  collection TEXT NOT NULL,
  id TEXT NOT NULL,
  digest TEXT NOT NULL,
  PRIMARY KEY (seq, ord)
);
)sql";

// Version 7. A name-review decision can carry the decider's note (sealed
// like the other confidential free text).
constexpr std::string_view kSchemaReviewNotes = R"sql(
ALTER TABLE name_reviews ADD COLUMN note TEXT NOT NULL DEFAULT '';
)sql";

// Version 8. The data digest is kept up to date by every write, which needs
// the latest state digest of a registry record (an incident's comes from
// the row it replaces): an index of the ledger by record, without the
// incidents, so a bulk import does not maintain it.
constexpr std::string_view kSchemaLedgerByRecord = R"sql(
CREATE INDEX audit_state_record ON audit_state(collection, id, seq, ord)
  WHERE collection <> 'incidents';
)sql";

// Version 9. The assessment's facts projection (storage/facts_projection.h),
// as the SQLite store keeps it: names coded as integers and the facts of
// all incidents packed into 1,024 buckets. Built on the first open that
// can (it needs the data key when locations are sealed).
constexpr std::string_view kSchemaFactsProjection = R"sql(
CREATE TABLE fact_names(
  code BIGSERIAL PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL UNIQUE
);
CREATE TABLE fact_buckets(
  bucket INTEGER PRIMARY KEY,
  records BYTEA NOT NULL
);
DELETE FROM meta WHERE key = 'facts_projection';
)sql";

// Version 10. Communications from outside: the sealed document by id, its
// party (for listing and delisting requests) and the digest of its private
// link's token, by which the follower's page finds it.
constexpr std::string_view kSchemaCommunications = R"sql(
CREATE TABLE communications(
  id TEXT COLLATE "C" PRIMARY KEY,
  party TEXT COLLATE "C" REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  follow_digest TEXT NOT NULL UNIQUE,
  doc TEXT NOT NULL
);
)sql";

// Version 11. A principal's preferred language ("" when none is set).
constexpr std::string_view kSchemaUserLanguage = R"sql(
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';
)sql";

constexpr std::array<Migration, 11> kMigrations = {{
    {1, "initial schema", kSchemaV1},
    {2, "facts projection for the assessment", kSchemaV2},
    {3, "name-review queue", kSchemaNameReviews},
    {4, "principals, incident editors and the audit chain", kSchemaSecurity},
    {5, "the checkpoint interval signed into audit checkpoints", kSchemaCheckpointInterval},
    {6, "the state ledger of the audit chain", kSchemaStateLedger},
    {7, "notes on name-review decisions", kSchemaReviewNotes},
    {8, "the state ledger indexed by record, for the incremental data digest",
     kSchemaLedgerByRecord},
    {9, "the facts projection on PostgreSQL", kSchemaFactsProjection},
    {10, "communications from outside", kSchemaCommunications},
    {11, "a principal's preferred language", kSchemaUserLanguage},
}};

// pg_advisory_xact_lock key of schema changes ("MaraMigr").
constexpr int64_t kMigrationLock = 0x4d6172614d696772;

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }
int LatestSchemaVersion() { return static_cast<int>(kMigrations.size()); }

Result<int> RecordedSchemaVersion(pg::Conn& conn) {
  pg::Params none;
  MARA_ASSIGN_OR_RETURN(
      pg::Rows tables,
      conn.Query("SELECT count(*) FILTER (WHERE tablename = 'schema_version'), count(*) "
                 "FROM pg_tables WHERE schemaname = current_schema()",
                 none));
  MARA_ASSIGN_OR_RETURN(int64_t has_version_table, tables.Int(0, 0));
  MARA_ASSIGN_OR_RETURN(int64_t table_count, tables.Int(0, 1));
  if (has_version_table == 0) {
    if (table_count > 0) {
      return Status::InvalidArgument(conn.where() +
                                     " holds tables of another application in its schema (there "
                                     "is no schema_version table)");
    }
    return 0;
  }
  MARA_ASSIGN_OR_RETURN(pg::Rows version,
                        conn.Query("SELECT coalesce(max(version), 0) FROM schema_version", none));
  MARA_ASSIGN_OR_RETURN(int64_t v, version.Int(0, 0));
  return static_cast<int>(v);
}

namespace {

Status CheckNotNewer(const pg::Conn& conn, int version) {
  if (version > LatestSchemaVersion()) {
    return Status::InvalidArgument(conn.where() + " has schema version " + std::to_string(version) +
                                   ", newer than the version " +
                                   std::to_string(LatestSchemaVersion()) +
                                   " this mara understands; upgrade mara to open it");
  }
  return Status::Ok();
}

Status ApplyMissing(pg::Conn& conn, int from) {
  if (from == 0) {
    MARA_RETURN_IF_ERROR(
        conn.Exec("CREATE TABLE schema_version(version INTEGER PRIMARY KEY, description TEXT NOT "
                  "NULL, applied_at TEXT NOT NULL)"));
  }
  pg::Params params;
  for (const Migration& m : Migrations()) {
    if (m.version <= from) continue;
    MARA_RETURN_IF_ERROR(conn.Exec(m.sql));
    params.Clear();
    params.AddInt(m.version);
    params.Add(m.description);
    MARA_ASSIGN_OR_RETURN(
        pg::Rows ignored,
        conn.Query("INSERT INTO schema_version(version, description, applied_at) VALUES ($1, $2, "
                   "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))",
                   params));
  }
  return Status::Ok();
}

}  // namespace

Result<int> Migrate(pg::Conn& conn, bool create) {
  // A read first, so opening an up-to-date database takes no lock.
  MARA_ASSIGN_OR_RETURN(int version, RecordedSchemaVersion(conn));
  MARA_RETURN_IF_ERROR(CheckNotNewer(conn, version));
  if (version == LatestSchemaVersion()) return version;
  if (version == 0 && !create) {
    return Status::NotFound(conn.where() + " holds no Mara store (run `mara init`)");
  }
  MARA_RETURN_IF_ERROR(conn.Exec("BEGIN"));
  Status s = [&]() -> Status {
    pg::Params params;
    params.AddInt(kMigrationLock);
    MARA_ASSIGN_OR_RETURN(pg::Rows locked, conn.Query("SELECT pg_advisory_xact_lock($1)", params));
    // Another process may have migrated while this one waited for the lock.
    MARA_ASSIGN_OR_RETURN(version, RecordedSchemaVersion(conn));
    MARA_RETURN_IF_ERROR(CheckNotNewer(conn, version));
    if (version < LatestSchemaVersion()) MARA_RETURN_IF_ERROR(ApplyMissing(conn, version));
    return conn.Exec("COMMIT");
  }();
  if (!s.ok()) {
    if (conn.InTransactionBlock()) (void)conn.Exec("ROLLBACK");
    return s;
  }
  return LatestSchemaVersion();
}

}  // namespace mara::postgres
