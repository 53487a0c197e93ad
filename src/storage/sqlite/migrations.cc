#include "storage/sqlite/migrations.h"

#include <array>
#include <charconv>
#include <string>

#include "common/text.h"

namespace mara::sqlite {
namespace {

// Version 1. Incidents have real columns (the import and the assessment
// read them in bulk); every other collection is small and stores its
// canonical JSON document beside the key columns used for order and
// references. Foreign keys guard the small collections only and are
// deferred to COMMIT, because the records of one bundle arrive in any order;
// incidents carry none, so the import hot path pays for no lookups, and the
// validation layer checks their references.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE meta(
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
);
INSERT INTO meta(key, value) VALUES ('data_version', '0');

CREATE TABLE imports(
  id INTEGER PRIMARY KEY,
  file TEXT NOT NULL,
  format TEXT NOT NULL,
  file_digest TEXT NOT NULL,
  started_at TEXT NOT NULL,
  accepted INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  principal TEXT NOT NULL DEFAULT ''
);

CREATE TABLE situations(
  id TEXT PRIMARY KEY NOT NULL,
  doc TEXT NOT NULL
);
CREATE TABLE parties(
  id TEXT PRIMARY KEY NOT NULL,
  situation TEXT NOT NULL REFERENCES situations(id) DEFERRABLE INITIALLY DEFERRED,
  parent TEXT REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  doc TEXT NOT NULL
);
CREATE TABLE sources(
  id TEXT PRIMARY KEY NOT NULL,
  doc TEXT NOT NULL
);
CREATE TABLE evidence(
  id TEXT PRIMARY KEY NOT NULL,
  doc TEXT NOT NULL
);
CREATE TABLE findings(
  party TEXT NOT NULL REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  cycle INTEGER NOT NULL,
  source TEXT NOT NULL REFERENCES sources(id) DEFERRABLE INITIALLY DEFERRED,
  doc TEXT NOT NULL,
  PRIMARY KEY (party, cycle, source)
);
CREATE TABLE commitments(
  id TEXT PRIMARY KEY NOT NULL,
  party TEXT NOT NULL REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  doc TEXT NOT NULL
);
CREATE TABLE decisions(
  party TEXT NOT NULL REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  cycle INTEGER NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (party, cycle)
);
CREATE TABLE designations(
  party TEXT NOT NULL REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  authority TEXT NOT NULL,
  program TEXT NOT NULL,
  listed_on TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (party, authority, program, listed_on)
);
CREATE TABLE statements(
  id TEXT PRIMARY KEY NOT NULL,
  doc TEXT NOT NULL
);
CREATE TABLE engagements(
  party TEXT NOT NULL REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  date TEXT NOT NULL,
  kind TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (party, date, kind)
);
CREATE TABLE petitions(
  party TEXT NOT NULL REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  filed TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (party, filed)
);

CREATE TABLE incidents(
  id TEXT PRIMARY KEY NOT NULL,
  situation TEXT NOT NULL,
  date TEXT NOT NULL,
  date_precision TEXT NOT NULL,
  location_name TEXT NOT NULL,
  admin1 TEXT,
  lat REAL,
  lon REAL,
  violations TEXT NOT NULL,
  women INTEGER NOT NULL,
  girls INTEGER NOT NULL,
  men INTEGER NOT NULL,
  boys INTEGER NOT NULL,
  unknown INTEGER NOT NULL,
  context TEXT NOT NULL,
  nexus TEXT NOT NULL,
  status TEXT NOT NULL,
  verified_on TEXT,
  perpetrators TEXT NOT NULL,
  sources TEXT NOT NULL,
  narrative TEXT,
  consent TEXT NOT NULL,
  import_id INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Version 2. The assessment's projection of the incidents (facts_projection.h):
// names coded as integers, and the incidents' facts packed into buckets by a
// hash of the incident id, so the assessment reads a few hundred blobs
// instead of decoding a million rows. It is derived data, maintained in the
// same transaction as the incidents it projects; meta 'facts_projection'
// records that it is complete, and the store rebuilds it when that is
// missing (as after this migration on a database that already has
// incidents).
constexpr std::string_view kSchemaV2 = R"sql(
CREATE TABLE fact_names(
  code INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
CREATE TABLE fact_buckets(
  bucket INTEGER PRIMARY KEY,
  records BLOB NOT NULL
);
DELETE FROM meta WHERE key = 'facts_projection';
)sql";

// Version 3. The name-review queue (`mara names review`): names that an
// importer could not match to a party with confidence, with the candidates
// it found, until a person accepts, rejects or creates. Keyed by (origin,
// query) so that importing the same file again updates an entry instead of
// queueing the name twice.
constexpr std::string_view kSchemaNameReviews = R"sql(
CREATE TABLE name_reviews(
  id INTEGER PRIMARY KEY,
  origin TEXT NOT NULL,
  query TEXT NOT NULL,
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

// Version 4. Protection of survivors and of the record (docs/security.md):
// principals with their roles, who created and last edited each incident
// (the four-eyes rule), and the tamper-evident audit chain
// (docs/audit_log_format.md) with its head and signed checkpoints.
// Sealed fields need no schema: they are text columns holding mara-enc1.
constexpr std::string_view kSchemaSecurity = R"sql(
CREATE TABLE users(
  name TEXT PRIMARY KEY NOT NULL,
  password_hash TEXT NOT NULL,
  roles TEXT NOT NULL,
  situations TEXT NOT NULL,
  disabled INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
ALTER TABLE incidents ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN edited_by TEXT NOT NULL DEFAULT '';
CREATE TABLE audit_records(
  seq INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  principal TEXT NOT NULL,
  action TEXT NOT NULL,
  collection TEXT NOT NULL,
  target_id TEXT NOT NULL,
  before_digest TEXT NOT NULL,
  after_digest TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TABLE audit_checkpoints(
  id INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL,
  key_id TEXT NOT NULL,
  signature TEXT NOT NULL
);
CREATE TABLE audit_head(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head(id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
)sql";

// Version 5. Each audit checkpoint signs the checkpoint interval in force
// (0: a version-1 checkpoint, which signs none).
constexpr std::string_view kSchemaCheckpointInterval = R"sql(
ALTER TABLE audit_checkpoints ADD COLUMN every INTEGER NOT NULL DEFAULT 0;
)sql";

// Version 6. The chain covers the state: each audit record carries the
// digest of the record states its change wrote, and audit_state keeps those
// states, in write order, per record (docs/audit_log_format.md §4b).
constexpr std::string_view kSchemaStateLedger = R"sql(
ALTER TABLE audit_records ADD COLUMN state_digest TEXT NOT NULL DEFAULT '';
CREATE TABLE audit_state(
  seq INTEGER NOT NULL,
  ord INTEGER NOT NULL,
  collection TEXT NOT NULL,
  id TEXT NOT NULL,
  digest TEXT NOT NULL,
  PRIMARY KEY (seq, ord)
) WITHOUT ROWID;
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

// Version 9. PostgreSQL gains the facts projection SQLite has kept since
// version 2; the versions of the two backends stay the same.
constexpr std::string_view kSchemaFactsOnBothBackends = R"sql(
-- Nothing changes in a SQLite store.
)sql";

// Version 10. Communications from outside: the sealed document by id, its
// party (for listing and delisting requests) and the digest of its private
// link's token, by which the follower's page finds it.
constexpr std::string_view kSchemaCommunications = R"sql(
CREATE TABLE communications(
  id TEXT PRIMARY KEY NOT NULL,
  party TEXT REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
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
    {9, "the facts projection on PostgreSQL", kSchemaFactsOnBothBackends},
    {10, "communications from outside", kSchemaCommunications},
    {11, "a principal's preferred language", kSchemaUserLanguage},
}};

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

Result<int> RecordedSchemaVersion(Db& db) {
  MARA_ASSIGN_OR_RETURN(
      auto has_table,
      db.QueryText("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = "
                   "'schema_version'"));
  if (has_table.value_or("0") == "0") {
    MARA_ASSIGN_OR_RETURN(
        auto other_tables,
        db.QueryText("SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' "
                     "ESCAPE '\\'"));
    if (other_tables.value_or("0") != "0") {
      return Status::InvalidArgument("database " + QuotePath(db.path()) +
                                     " is a SQLite database of another application (it has no "
                                     "schema_version table)");
    }
    return 0;
  }
  MARA_ASSIGN_OR_RETURN(auto version,
                        db.QueryText("SELECT coalesce(max(version), 0) FROM schema_version"));
  const std::string text = version.value_or("0");
  int parsed = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Status::Corruption("database " + QuotePath(db.path()) + ": schema_version holds " +
                              QuoteForMessage(text) + ", not a version number");
  }
  return parsed;
}

namespace {

Status CheckNotNewer(const Db& db, int version) {
  if (version > kLatestSchemaVersion) {
    return Status::InvalidArgument("database " + QuotePath(db.path()) + " has schema version " +
                                   std::to_string(version) + ", newer than the version " +
                                   std::to_string(kLatestSchemaVersion) +
                                   " this mara understands; upgrade mara to open it");
  }
  return Status::Ok();
}

Status ApplyMissing(Db& db, int from) {
  if (from == 0) {
    MARA_RETURN_IF_ERROR(
        db.Exec("CREATE TABLE schema_version(version INTEGER PRIMARY KEY, description TEXT NOT "
                "NULL, applied_at TEXT NOT NULL)"));
  }
  for (const Migration& m : Migrations()) {
    if (m.version <= from) continue;
    MARA_RETURN_IF_ERROR(db.Exec(m.sql));
    MARA_ASSIGN_OR_RETURN(StmtRef record,
                          db.Prepare("INSERT INTO schema_version(version, description, applied_at) "
                                     "VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"));
    record->BindInt(1, m.version);
    record->BindText(2, m.description);
    MARA_RETURN_IF_ERROR(record->Run());
  }
  return Status::Ok();
}

}  // namespace

Result<int> Migrate(Db& db) {
  // A read first, so opening an up-to-date database never waits for the
  // write lock another process may be holding during a long import.
  MARA_ASSIGN_OR_RETURN(int version, RecordedSchemaVersion(db));
  MARA_RETURN_IF_ERROR(CheckNotNewer(db, version));
  if (version == kLatestSchemaVersion) return version;

  MARA_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  Status s = [&]() -> Status {
    // Another process may have migrated while this one waited for the lock.
    MARA_ASSIGN_OR_RETURN(version, RecordedSchemaVersion(db));
    MARA_RETURN_IF_ERROR(CheckNotNewer(db, version));
    if (version < kLatestSchemaVersion) MARA_RETURN_IF_ERROR(ApplyMissing(db, version));
    return db.Exec("COMMIT");
  }();
  if (!s.ok()) {
    if (db.InTransaction()) (void)db.Exec("ROLLBACK");
    return s;
  }
  return kLatestSchemaVersion;
}

}  // namespace mara::sqlite
