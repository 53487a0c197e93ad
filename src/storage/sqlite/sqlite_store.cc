#include "storage/sqlite/sqlite_store.h"

#include <algorithm>
#include <charconv>
#include <exception>
#include <filesystem>
#include <string>
#include <utility>

#include "common/text.h"
#include "domain/json_codec.h"
#include "storage/facts_projection.h"
#include "storage/sqlite/facts_tables.h"
#include "storage/sqlite/migrations.h"
#include "storage/sqlite/security_tables.h"
#include "storage/sqlite/sqlite.h"

namespace mara {
namespace {

using sqlite::Db;
using sqlite::Stmt;
using sqlite::StmtRef;

// The page cache is bounded so that memory stays flat however large the
// database grows: an import appends to the right edge of the incidents
// B-tree, so it needs the interior pages, not the whole table, in memory.
constexpr int kPageCacheKiB = 32 * 1024;
constexpr int kBusyTimeoutMs = 5000;
// Large pages: the store's work is bulk appends and full scans, where 64 KiB
// pages took markedly less CPU than 4 KiB ones (fewer page reads, splits and
// B-tree levels) for 1M incidents; the small collections do not notice.
constexpr int kPageSize = 65536;

// The incident columns, in the order of the bind parameters ?1..?23 and of
// the columns of kSelectIncident.
#define MARA_INCIDENT_COLUMNS                                                                 \
  "id, situation, date, date_precision, location_name, admin1, lat, lon, violations, women, " \
  "girls, men, boys, unknown, context, nexus, status, verified_on, perpetrators, sources, "   \
  "narrative, consent, import_id"

// An import first tries a plain insert, which is what almost every row of a
// first import is; only ids that exist already pay for the second statement.
// The update skips rows written by the same import (a duplicate id within one
// file), and import 0 (no import) always overwrites.
constexpr std::string_view kInsertIncident =
    "INSERT INTO incidents(" MARA_INCIDENT_COLUMNS
    ", created_by, edited_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
    "?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?24) ON CONFLICT(id) DO NOTHING";
constexpr std::string_view kUpdateIncident =
    "UPDATE incidents SET situation = ?2, date = ?3, date_precision = ?4, location_name = ?5, "
    "admin1 = ?6, lat = ?7, lon = ?8, violations = ?9, women = ?10, girls = ?11, men = ?12, "
    "boys = ?13, unknown = ?14, context = ?15, nexus = ?16, status = ?17, verified_on = ?18, "
    "perpetrators = ?19, sources = ?20, narrative = ?21, consent = ?22, import_id = ?23, "
    "edited_by = CASE WHEN ?24 = '' THEN edited_by ELSE ?24 END "
    "WHERE id = ?1 AND (?23 = 0 OR import_id <> ?23)";
constexpr std::string_view kSelectIncidents =
    "SELECT " MARA_INCIDENT_COLUMNS " FROM incidents ORDER BY id";
constexpr std::string_view kSelectIncident =
    "SELECT " MARA_INCIDENT_COLUMNS " FROM incidents WHERE id = ?1";
#undef MARA_INCIDENT_COLUMNS

constexpr std::string_view kDataVersionKey = "data_version";

// Calls fn(part) for each ';'-separated part of `joined` ("" has none).
template <typename Fn>
Status ForEachPart(std::string_view joined, char separator, Fn&& fn) {
  if (joined.empty()) return Status::Ok();
  size_t start = 0;
  while (true) {
    const size_t end = joined.find(separator, start);
    MARA_RETURN_IF_ERROR(
        fn(joined.substr(start, end == std::string_view::npos ? end : end - start)));
    if (end == std::string_view::npos) return Status::Ok();
    start = end + 1;
  }
}

size_t CountParts(std::string_view joined) {
  if (joined.empty()) return 0;
  return static_cast<size_t>(std::count(joined.begin(), joined.end(), ';')) + 1;
}

class SqliteStore final : public Store {
 public:
  SqliteStore(std::unique_ptr<Db> db, int version,
              std::shared_ptr<const security::KeyMaterial> keys)
      : db_(std::move(db)),
        version_(version),
        sealer_(std::move(keys)),
        facts_tables_(*db_),
        facts_(std::make_unique<FactsProjection>(facts_tables_, sealer_.FactsLocationScheme())) {}

  // Builds the facts projection when it is missing or was built under
  // another location scheme (a database migrated from an older version, a
  // rotated key, a store last written without keys). If another process
  // holds the write lock, or the rows cannot be read without the data key,
  // the projection is left as it is and scans read the incident rows.
  Status EnsureFactsProjection();

  std::string_view Backend() const override { return "sqlite"; }
  int SchemaVersion() const override { return version_; }

  Status Begin() override;
  Status Commit() override;
  void Rollback() override;
  bool InTransaction() const override { return db_->InTransaction(); }

  Result<int64_t> StartImport(const ImportRecord& record) override;
  Status FinishImport(int64_t import_id, int64_t accepted, int64_t rejected) override;
  Result<std::vector<ImportRecord>> ListImports() override;

  Status Put(const Situation& v) override;
  Status Put(const Party& v) override;
  Status Put(const Source& v) override;
  Status Put(const EvidenceItem& v) override;
  Status Put(const Finding& v) override;
  Status Put(const Commitment& v) override;
  Status Put(const Decision& v) override;
  Status Put(const Designation& v) override;
  Status Put(const Statement& v) override;
  Status Put(const Engagement& v) override;
  Status Put(const Petition& v) override;
  Result<PutOutcome> PutIncident(const Incident& v, int64_t import_id) override {
    return PutIncidentReplacing(v, import_id, nullptr);
  }
  Status PrepareIncident(const Incident& v, PreparedIncident* out) const override {
    return sealer_.PrepareIncident(v, out);
  }
  Result<PutOutcome> PutPreparedIncident(const Incident& v, const PreparedIncident& prepared,
                                         int64_t import_id,
                                         std::optional<Incident>* replaced) override;
  Result<PutOutcome> PutIncidentReplacing(const Incident& v, int64_t import_id,
                                          std::optional<Incident>* replaced) override;

  Status DeleteDecision(std::string_view party, int cycle) override;

  Status PutCommunication(const Communication& v) override;
  Result<std::optional<Communication>> GetCommunication(std::string_view id) override;
  Result<std::optional<Communication>> FindCommunicationByFollowDigest(
      std::string_view follow_digest) override;
  Result<std::vector<Communication>> ListCommunications() override;

  Result<Bundle> LoadRegistry() override;
  Result<std::optional<Incident>> GetIncident(std::string_view id) override;
  Result<bool> HasIncident(std::string_view id) override;
  Status ScanIncidents(const std::function<Status(const Incident&)>& fn) override;
  Status ScanIncidentsWithoutNarratives(const std::function<Status(const Incident&)>& fn) override;
  Status ScanIncidentFacts(const std::function<Status(const IncidentFacts&)>& fn) override;
  Result<CollectionCounts> Counts() override;

  Result<std::optional<std::string>> GetMeta(std::string_view key) override;
  Status PutMeta(std::string_view key, std::string_view value) override;
  Result<std::vector<std::pair<std::string, std::string>>> ListMeta(
      std::string_view prefix) override;
  Result<int64_t> DataVersion() override;

  Result<std::string> IntegrityCheck() override;
  Result<bool> ReadOnly() override { return sqlite3_db_readonly(db_->handle(), "main") == 1; }

  Status PutUser(const UserRecord& user) override { return sqlite::PutUser(*db_, user); }
  Result<std::optional<UserRecord>> GetUser(std::string_view name) override {
    return sqlite::GetUser(*db_, name);
  }
  Result<std::vector<UserRecord>> ListUsers() override { return sqlite::ListUsers(*db_); }
  Result<std::optional<IncidentProvenance>> GetIncidentProvenance(std::string_view id) override {
    return sqlite::GetIncidentProvenance(*db_, id);
  }
  Status SetIncidentEditor(std::string_view id, std::string_view principal) override {
    return sqlite::SetIncidentEditor(*db_, id, principal);
  }
  Status AppendAuditRecord(const security::AuditRecord& record) override {
    return sqlite::AppendAuditRecord(*db_, record);
  }
  Status AppendAuditCheckpoint(const security::AuditCheckpoint& checkpoint) override {
    return sqlite::AppendAuditCheckpoint(*db_, checkpoint);
  }
  Result<security::AuditHead> GetAuditHead() override { return sqlite::GetAuditHead(*db_); }
  Status ScanAuditRecords(const std::function<Status(const security::AuditRecord&)>& fn) override {
    return sqlite::ScanAuditRecords(*db_, fn);
  }
  Result<std::vector<security::AuditCheckpoint>> ListAuditCheckpoints() override {
    return sqlite::ListAuditCheckpoints(*db_);
  }
  Status AppendStateEntries(std::span<const StateEntry> entries) override {
    return sqlite::AppendStateEntries(*db_, entries);
  }
  Status ScanStateEntries(const std::function<Status(const StateEntry&)>& fn) override {
    return sqlite::ScanStateEntries(*db_, fn);
  }
  Result<std::optional<std::string>> LatestStateDigest(std::string_view collection,
                                                       std::string_view id) override {
    return sqlite::LatestStateDigest(*db_, collection, id);
  }
  bool PendingDataChange() const override { return db_->InTransaction() && dirty_; }
  int64_t CommittedVersion() const override { return committed_version_; }
  bool HasDataKey() const override { return sealer_.enabled(); }
  Result<int64_t> ResealFields() override {
    MARA_RETURN_IF_ERROR(RequireTransaction("ResealFields"));
    MARA_ASSIGN_OR_RETURN(int64_t n, sqlite::ResealFields(*db_, sealer_));
    if (n > 0) dirty_ = true;
    return n;
  }

  Result<int64_t> PutNameReview(const NameReview& v) override;
  Result<std::optional<NameReview>> GetNameReview(int64_t id) override;
  Result<std::vector<NameReview>> ListNameReviews() override;

 private:
  std::string Where() const { return "database " + sqlite::QuotePath(db_->path()); }
  Status RequireTransaction(std::string_view operation) const;
  // Runs a prepared write and marks the transaction as having written.
  Status Write(StmtRef& stmt);
  template <typename T>
  Result<std::string> Encode(const T& v, std::string_view collection, std::string_view key);
  // Binds ?1 and ?2 and upserts a record whose only key column is its id.
  Status PutById(std::string_view sql, std::string_view id, const std::string& doc);
  template <typename T>
  Status LoadDocs(std::string_view sql, std::string_view collection, std::vector<T>* out);
  // LoadDocs over a prepared statement whose parameters are bound.
  template <typename T>
  Status LoadDocsFrom(StmtRef& stmt, std::string_view collection, std::vector<T>* out);
  void BindIncident(Stmt& stmt, const Incident& v, const PreparedIncident& prepared,
                    int64_t import_id);
  Status DecodeIncident(const Stmt& stmt, Incident* out, bool narrative = true) const;
  Status ScanIncidentRows(const std::function<Status(const Incident&)>& fn, bool narrative);
  Status CorruptIncident(std::string_view id, std::string_view column,
                         std::string_view value) const;
  // The facts of every incident decoded from its row, in id order: the
  // source of the projection and the fallback when it is missing.
  Status ScanFactRows(const std::function<Status(const IncidentFacts&)>& fn);
  // Replaces a name review's stored note with its plain text.
  Status UnsealNote(NameReview* v) const {
    if (v->note.empty()) return Status::Ok();
    MARA_ASSIGN_OR_RETURN(v->note,
                          sealer_.Unseal(v->note, "name_reviews", SealedDocKey(*v), "note"));
    return Status::Ok();
  }
  // Stages the facts of an incident just written, its location as a token.
  // When this transaction does not maintain the projection (it is missing or
  // under another location scheme), marks it incomplete instead, so that a
  // store opened later under that scheme rebuilds it rather than trust it.
  Status StageFacts(const Incident& v) {
    if (!facts_ready_) {
      if (facts_marked_stale_) return Status::Ok();
      MARA_RETURN_IF_ERROR(db_->Exec("DELETE FROM meta WHERE key = 'facts_projection'"));
      facts_marked_stale_ = true;
      return Status::Ok();
    }
    IncidentFacts f = FactsOf(v);
    f.location_name = sealer_.FactsLocation(f.location_name);
    return facts_->Stage(f);
  }
  // Each row of PRAGMA foreign_key_check, as "parties 'P-2': situation
  // 'SIT-9' does not exist in situations".
  Result<std::vector<std::string>> ForeignKeyProblems();

  std::unique_ptr<Db> db_;
  int version_;
  bool dirty_ = false;
  int64_t committed_version_ = 0;
  sqlite::Sealer sealer_;
  // The principal of the import being written (StartImport), recorded as
  // the creator and editor of the incidents it writes.
  int64_t import_principal_id_ = 0;
  std::string import_principal_;
  PreparedIncident prepared_;  // for PutIncidentReplacing
  sqlite::SqliteFactsTables facts_tables_;
  std::unique_ptr<FactsProjection> facts_;
  // Read at Begin(): whether this transaction maintains the projection.
  bool facts_ready_ = false;
  // Whether this transaction has marked the projection incomplete.
  bool facts_marked_stale_ = false;

  // Kept for the store's lifetime and reused row after row: the import and
  // the assessment each run them a million times.
  std::unique_ptr<Stmt> insert_incident_;
  std::unique_ptr<Stmt> update_incident_;
};

// ---------------------------------------------------------------- transactions

Status SqliteStore::RequireTransaction(std::string_view operation) const {
  if (!db_->InTransaction()) {
    return Status::InvalidArgument(Where() + ": " + std::string(operation) +
                                   " outside a transaction (call Begin() first)");
  }
  return Status::Ok();
}

Status SqliteStore::Write(StmtRef& stmt) {
  MARA_RETURN_IF_ERROR(stmt->Run());
  dirty_ = true;
  return Status::Ok();
}

Status SqliteStore::Begin() {
  if (db_->InTransaction()) {
    return Status::InvalidArgument(Where() + ": Begin() while a transaction is open");
  }
  dirty_ = false;
  Status s = db_->Exec("BEGIN IMMEDIATE");
  if (!s.ok() && (sqlite3_extended_errcode(db_->handle()) & 0xff) == SQLITE_BUSY) {
    return Status::IOError(Where() + " is locked by another writer (waited " +
                           std::to_string(kBusyTimeoutMs / 1000) + " s); try again when it ends");
  }
  if (!s.ok()) return s;
  Result<bool> ready = facts_->Ready();
  if (!ready.ok()) {
    Rollback();
    return ready.status();
  }
  facts_ready_ = *ready;
  facts_marked_stale_ = false;
  return Status::Ok();
}

Status SqliteStore::Commit() {
  if (!db_->InTransaction()) {
    return Status::InvalidArgument(Where() + ": Commit() without an open transaction");
  }
  Status s;
  committed_version_ = 0;
  int64_t produced = 0;
  if (facts_ready_) s = facts_->Flush();
  if (s.ok() && dirty_) {
    s = db_->Exec(
        "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
        "WHERE key = 'data_version'");
    if (s.ok()) {
      Result<int64_t> v = DataVersion();
      s = v.status();
      if (v.ok()) produced = *v;
    }
  }
  if (s.ok()) s = db_->Exec("COMMIT");
  if (s.ok()) committed_version_ = produced;
  if (!s.ok() && db_->InTransaction() &&
      sqlite3_extended_errcode(db_->handle()) == SQLITE_CONSTRAINT_FOREIGNKEY) {
    // The failed COMMIT left the transaction open, so the offending rows can
    // still be named before it is rolled back.
    auto problems = ForeignKeyProblems();
    if (problems.ok() && !problems->empty()) {
      std::string message = Where() + ": commit refused, a record refers to one that is missing: ";
      for (size_t i = 0; i < problems->size() && i < 5; ++i) {
        if (i > 0) message += "; ";
        message += (*problems)[i];
      }
      if (problems->size() > 5) {
        message += "; and " + std::to_string(problems->size() - 5) + " more";
      }
      s = Status::Conflict(std::move(message));
    }
  }
  if (!s.ok()) {
    Rollback();
  } else {
    facts_->Committed();
  }
  dirty_ = false;
  return s;
}

void SqliteStore::Rollback() {
  // ROLLBACK can fail only when there is nothing to roll back.
  if (db_->InTransaction()) (void)db_->Exec("ROLLBACK");
  facts_->Discard();
  dirty_ = false;
}

// ---------------------------------------------------------------- imports

Result<int64_t> SqliteStore::StartImport(const ImportRecord& record) {
  MARA_RETURN_IF_ERROR(RequireTransaction("StartImport"));
  MARA_ASSIGN_OR_RETURN(StmtRef stmt,
                        db_->Prepare("INSERT INTO imports(file, format, file_digest, started_at, "
                                     "accepted, rejected, principal) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  stmt->BindText(1, record.file);
  stmt->BindText(2, record.format);
  stmt->BindText(3, record.file_digest);
  stmt->BindText(4, record.started_at);
  stmt->BindInt(5, record.accepted);
  stmt->BindInt(6, record.rejected);
  stmt->BindText(7, record.principal);
  MARA_RETURN_IF_ERROR(Write(stmt));
  import_principal_id_ = db_->LastInsertRowid();
  import_principal_ = record.principal;
  return import_principal_id_;
}

Status SqliteStore::FinishImport(int64_t import_id, int64_t accepted, int64_t rejected) {
  MARA_RETURN_IF_ERROR(RequireTransaction("FinishImport"));
  MARA_ASSIGN_OR_RETURN(
      StmtRef stmt, db_->Prepare("UPDATE imports SET accepted = ?2, rejected = ?3 WHERE id = ?1"));
  stmt->BindInt(1, import_id);
  stmt->BindInt(2, accepted);
  stmt->BindInt(3, rejected);
  MARA_RETURN_IF_ERROR(Write(stmt));
  if (db_->Changes() == 0) {
    return Status::NotFound(Where() + ": no import with id " + std::to_string(import_id));
  }
  return Status::Ok();
}

Result<std::vector<ImportRecord>> SqliteStore::ListImports() {
  MARA_ASSIGN_OR_RETURN(StmtRef stmt,
                        db_->Prepare("SELECT id, file, format, file_digest, started_at, accepted, "
                                     "rejected, principal FROM imports ORDER BY id"));
  std::vector<ImportRecord> out;
  while (true) {
    MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) break;
    ImportRecord r;
    r.id = stmt->ColumnInt(0);
    r.file = stmt->ColumnText(1);
    r.format = stmt->ColumnText(2);
    r.file_digest = stmt->ColumnText(3);
    r.started_at = stmt->ColumnText(4);
    r.accepted = stmt->ColumnInt(5);
    r.rejected = stmt->ColumnInt(6);
    r.principal = stmt->ColumnText(7);
    out.push_back(std::move(r));
  }
  return out;
}

// ---------------------------------------------------------------- registry writes

template <typename T>
Result<std::string> SqliteStore::Encode(const T& v, std::string_view collection,
                                        std::string_view key) {
  try {
    return ToJson(v).dump();
  } catch (const std::exception& e) {
    // nlohmann refuses to dump strings that are not UTF-8; validation should
    // have caught them, so say which record slipped through.
    return Status::InvalidArgument(Where() + ": cannot store " + std::string(collection) + " " +
                                   QuoteForMessage(key) + ": " + e.what());
  }
}

Status SqliteStore::PutById(std::string_view sql, std::string_view id, const std::string& doc) {
  MARA_ASSIGN_OR_RETURN(StmtRef stmt, db_->Prepare(sql));
  stmt->BindText(1, id);
  stmt->BindText(2, doc);
  return Write(stmt);
}

Status SqliteStore::Put(const Situation& v) {
  MARA_RETURN_IF_ERROR(RequireTransaction("Put(situation)"));
  MARA_ASSIGN_OR_RETURN(std::string doc, Encode(v, "situation", v.id));
  return PutById(
      "INSERT INTO situations(id, doc) VALUES (?1, ?2) "
      "ON CONFLICT(id) DO UPDATE SET doc = excluded.doc",
      v.id, doc);
}

Status SqliteStore::Put(const Party& v) {
  MARA_RETURN_IF_ERROR(RequireTransaction("Put(party)"));
  MARA_ASSIGN_OR_RETURN(std::string doc, Encode(v, "party", v.id));
  MARA_ASSIGN_OR_RETURN(
      StmtRef stmt,
      db_->Prepare("INSERT INTO parties(id, situation, parent, doc) VALUES (?1, ?2, ?3, ?4) "
                   "ON CONFLICT(id) DO UPDATE SET situation = excluded.situation, "
                   "parent = excluded.parent, doc = excluded.doc"));
  stmt->BindText(1, v.id);
  stmt->BindText(2, v.situation);
  stmt->BindOptionalText(3, v.parent);
  stmt->BindText(4, doc);
  return Write(stmt);
}

Status SqliteStore::Put(const Source& v) {
  MARA_RETURN_IF_ERROR(RequireTransaction("Put(source)"));
  MARA_ASSIGN_OR_RETURN(std::string doc, Encode(v, "source", v.id));
  if (SourceIsSealed(v)) {
    MARA_ASSIGN_OR_RETURN(doc, sealer_.Seal(doc, "sources", v.id, "doc"));
  }
  return PutById(
      "INSERT INTO sources(id, doc) VALUES (?1, ?2) "
      "ON CONFLICT(id) DO UPDATE SET doc = excluded.doc",
      v.id, doc);
}

Status SqliteStore::Put(const EvidenceItem& v) {
  MARA_RETURN_IF_ERROR(RequireTransaction("Put(evidence)"));
  MARA_ASSIGN_OR_RETURN(std::string doc, Encode(v, "evidence item", v.id));
  MARA_ASSIGN_OR_RETURN(doc, sealer_.Seal(doc, "evidence", v.id, "doc"));
  return PutById(
      "INSERT INTO evidence(id, doc) VALUES (?1, ?2) "
      "ON CONFLICT(id) DO UPDATE SET doc = excluded.doc",
      v.id, doc);
}

Status SqliteStore::Put(const Finding& v) {
  MARA_RETURN_IF_ERROR(RequireTransaction("Put(finding)"));
  MARA_ASSIGN_OR_RETURN(std::string doc, Encode(v, "finding of party", v.party));
  MARA_ASSIGN_OR_RETURN(
      StmtRef stmt,
      db_->Prepare("INSERT INTO findings(party, cycle, source, doc) VALUES (?1, ?2, ?3, ?4) "
                   "ON CONFLICT(party, cycle, source) DO UPDATE SET doc = excluded.doc"));
  stmt->BindText(1, v.party);
  stmt->BindInt(2, v.cycle);
  stmt->BindText(3, v.source);
  stmt->BindText(4, doc);
  return Write(stmt);
}

Status SqliteStore::Put(const Commitment& v) {
  MARA_RETURN_IF_ERROR(RequireTransaction("Put(commitment)"));
  MARA_ASSIGN_OR_RETURN(std::string doc, Encode(v, "commitment", v.id));
  MARA_ASSIGN_OR_RETURN(StmtRef stmt,
                        db_->Prepare("INSERT INTO commitments(id, party, doc) VALUES (?1, ?2, ?3) "
                                     "ON CONFLICT(id) DO UPDATE SET party = excluded.party, "
                                     "doc = excluded.doc"));
  stmt->BindText(1, v.id);
  stmt->BindText(2, v.party);
  stmt->BindText(3, doc);
  return Write(stmt);
}

Status SqliteStore::Put(const Decision& v) {
  MARA_RETURN_IF_ERROR(RequireTransaction("Put(decision)"));
  MARA_ASSIGN_OR_RETURN(std::string doc, Encode(v, "decision of party", v.party));
  MARA_ASSIGN_OR_RETURN(doc, sealer_.Seal(doc, "decisions", SealedDocKey(v), "doc"));
  MARA_ASSIGN_OR_RETURN(StmtRef stmt,
                        db_->Prepare("INSERT INTO decisions(party, cycle, doc) VALUES (?1, ?2, ?3) "
                                     "ON CONFLICT(party, cycle) DO UPDATE SET doc = excluded.doc"));
  stmt->BindText(1, v.party);
  stmt->BindInt(2, v.cycle);
  stmt->BindText(3, doc);
  return Write(stmt);
}

Status SqliteStore::Put(const Designation& v) {
  MARA_RETURN_IF_ERROR(RequireTransaction("Put(designation)"));
  MARA_ASSIGN_OR_RETURN(std::string doc, Encode(v, "designation of party", v.party));
  MARA_ASSIGN_OR_RETURN(
      StmtRef stmt,
      db_->Prepare("INSERT INTO designations(party, authority, program, listed_on, doc) "
                   "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(party, authority, program, "
                   "listed_on) DO UPDATE SET doc = excluded.doc"));
  const std::string listed_on = v.listed_on.ToString();
  stmt->BindText(1, v.party);
  stmt->BindText(2, v.authority);
  stmt->BindText(3, v.program);
  stmt->BindText(4, listed_on);
  stmt->BindText(5, doc);
  return Write(stmt);
}

Status SqliteStore::Put(const Statement& v) {
  MARA_RETURN_IF_ERROR(RequireTransaction("Put(statement)"));
  MARA_ASSIGN_OR_RETURN(std::string doc, Encode(v, "statement", v.id));
  return PutById(
      "INSERT INTO statements(id, doc) VALUES (?1, ?2) "
      "ON CONFLICT(id) DO UPDATE SET doc = excluded.doc",
      v.id, doc);
}

Status SqliteStore::Put(const Engagement& v) {
  MARA_RETURN_IF_ERROR(RequireTransaction("Put(engagement)"));
  MARA_ASSIGN_OR_RETURN(std::string doc, Encode(v, "engagement of party", v.party));
  MARA_ASSIGN_OR_RETURN(doc, sealer_.Seal(doc, "engagements", SealedDocKey(v), "doc"));
  MARA_ASSIGN_OR_RETURN(
      StmtRef stmt,
      db_->Prepare("INSERT INTO engagements(party, date, kind, doc) VALUES (?1, ?2, ?3, ?4) "
                   "ON CONFLICT(party, date, kind) DO UPDATE SET doc = excluded.doc"));
  const std::string date = v.date.ToString();
  stmt->BindText(1, v.party);
  stmt->BindText(2, date);
  stmt->BindText(3, ToString(v.kind));
  stmt->BindText(4, doc);
  return Write(stmt);
}

Status SqliteStore::Put(const Petition& v) {
  MARA_RETURN_IF_ERROR(RequireTransaction("Put(petition)"));
  MARA_ASSIGN_OR_RETURN(std::string doc, Encode(v, "petition of party", v.party));
  MARA_ASSIGN_OR_RETURN(doc, sealer_.Seal(doc, "petitions", SealedDocKey(v), "doc"));
  MARA_ASSIGN_OR_RETURN(StmtRef stmt,
                        db_->Prepare("INSERT INTO petitions(party, filed, doc) VALUES (?1, ?2, ?3) "
                                     "ON CONFLICT(party, filed) DO UPDATE SET doc = excluded.doc"));
  const std::string filed = v.filed.ToString();
  stmt->BindText(1, v.party);
  stmt->BindText(2, filed);
  stmt->BindText(3, doc);
  return Write(stmt);
}

Status SqliteStore::PutCommunication(const Communication& v) {
  MARA_RETURN_IF_ERROR(RequireTransaction("PutCommunication"));
  MARA_ASSIGN_OR_RETURN(std::string doc, Encode(v, "communication", v.id));
  MARA_ASSIGN_OR_RETURN(doc, sealer_.Seal(doc, "communications", v.id, "doc"));
  MARA_ASSIGN_OR_RETURN(
      StmtRef stmt, db_->Prepare("INSERT INTO communications(id, party, follow_digest, doc) "
                                 "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(id) DO UPDATE SET "
                                 "party = excluded.party, follow_digest = excluded.follow_digest, "
                                 "doc = excluded.doc"));
  stmt->BindText(1, v.id);
  if (v.party) {
    stmt->BindText(2, *v.party);
  } else {
    stmt->BindNull(2);
  }
  stmt->BindText(3, v.follow_digest);
  stmt->BindText(4, doc);
  return Write(stmt);
}

Result<std::optional<Communication>> SqliteStore::GetCommunication(std::string_view id) {
  std::vector<Communication> found;
  MARA_ASSIGN_OR_RETURN(StmtRef stmt,
                        db_->Prepare("SELECT id, doc FROM communications WHERE id = ?1"));
  stmt->BindText(1, id);
  MARA_RETURN_IF_ERROR(LoadDocsFrom(stmt, "communications", &found));
  if (found.empty()) return std::optional<Communication>();
  return std::optional<Communication>(std::move(found.front()));
}

Result<std::optional<Communication>> SqliteStore::FindCommunicationByFollowDigest(
    std::string_view follow_digest) {
  std::vector<Communication> found;
  MARA_ASSIGN_OR_RETURN(
      StmtRef stmt, db_->Prepare("SELECT id, doc FROM communications WHERE follow_digest = ?1"));
  stmt->BindText(1, follow_digest);
  MARA_RETURN_IF_ERROR(LoadDocsFrom(stmt, "communications", &found));
  if (found.empty()) return std::optional<Communication>();
  return std::optional<Communication>(std::move(found.front()));
}

Result<std::vector<Communication>> SqliteStore::ListCommunications() {
  std::vector<Communication> out;
  MARA_RETURN_IF_ERROR(
      LoadDocs("SELECT id, doc FROM communications ORDER BY id", "communications", &out));
  return out;
}

Status SqliteStore::DeleteDecision(std::string_view party, int cycle) {
  MARA_RETURN_IF_ERROR(RequireTransaction("DeleteDecision"));
  MARA_ASSIGN_OR_RETURN(StmtRef stmt,
                        db_->Prepare("DELETE FROM decisions WHERE party = ?1 AND cycle = ?2"));
  stmt->BindText(1, party);
  stmt->BindInt(2, cycle);
  MARA_RETURN_IF_ERROR(stmt->Run());
  if (db_->Changes() == 0) {
    return Status::NotFound(Where() + ": no decision for party " + QuoteForMessage(party) +
                            " in cycle " + std::to_string(cycle));
  }
  dirty_ = true;
  return Status::Ok();
}

// ---------------------------------------------------------------- incidents

void SqliteStore::BindIncident(Stmt& stmt, const Incident& v, const PreparedIncident& prepared,
                               int64_t import_id) {
  stmt.BindText(1, v.id);
  stmt.BindText(2, v.situation);
  stmt.BindText(3, prepared.date);
  stmt.BindText(4, ToString(v.date_precision));
  stmt.BindText(5, prepared.location.name);
  stmt.BindOptionalText(6, prepared.location.admin1);
  stmt.BindOptionalDouble(7, prepared.location.lat);
  stmt.BindOptionalDouble(8, prepared.location.lon);
  stmt.BindText(9, prepared.violations);
  stmt.BindInt(10, v.victims.women);
  stmt.BindInt(11, v.victims.girls);
  stmt.BindInt(12, v.victims.men);
  stmt.BindInt(13, v.victims.boys);
  stmt.BindInt(14, v.victims.unknown);
  stmt.BindText(15, ToString(v.context));
  stmt.BindText(16, prepared.nexus);
  stmt.BindText(17, ToString(v.status));
  stmt.BindOptionalText(18, prepared.verified_on);
  stmt.BindText(19, prepared.perpetrators);
  stmt.BindText(20, prepared.sources);
  stmt.BindOptionalText(21, prepared.narrative);
  stmt.BindText(22, ToString(v.consent));
  stmt.BindInt(23, import_id);
  // Bound text is not copied, so bind a member, never a temporary.
  stmt.BindText(24, import_id != 0 && import_id == import_principal_id_
                        ? std::string_view(import_principal_)
                        : std::string_view());
}

Result<PutOutcome> SqliteStore::PutIncidentReplacing(const Incident& v, int64_t import_id,
                                                     std::optional<Incident>* replaced) {
  MARA_RETURN_IF_ERROR(sealer_.PrepareIncident(v, &prepared_));
  return PutPreparedIncident(v, prepared_, import_id, replaced);
}

Result<PutOutcome> SqliteStore::PutPreparedIncident(const Incident& v,
                                                    const PreparedIncident& prepared,
                                                    int64_t import_id,
                                                    std::optional<Incident>* replaced) {
  MARA_RETURN_IF_ERROR(RequireTransaction("PutIncident"));
  if (!insert_incident_) {
    MARA_ASSIGN_OR_RETURN(insert_incident_, db_->PrepareUncached(kInsertIncident));
    MARA_ASSIGN_OR_RETURN(update_incident_, db_->PrepareUncached(kUpdateIncident));
  }
  {
    StmtRef stmt(insert_incident_.get());
    BindIncident(*stmt, v, prepared, import_id);
    MARA_RETURN_IF_ERROR(stmt->Run());
  }
  if (db_->Changes() > 0) {
    dirty_ = true;
    MARA_RETURN_IF_ERROR(StageFacts(v));
    return PutOutcome::kInserted;
  }
  if (replaced != nullptr) {
    MARA_ASSIGN_OR_RETURN(*replaced, GetIncident(v.id));
  }
  {
    StmtRef stmt(update_incident_.get());
    BindIncident(*stmt, v, prepared, import_id);
    MARA_RETURN_IF_ERROR(stmt->Run());
  }
  if (db_->Changes() > 0) {
    dirty_ = true;
    MARA_RETURN_IF_ERROR(StageFacts(v));
    return PutOutcome::kUpdated;
  }
  return PutOutcome::kDuplicateInImport;
}

Status SqliteStore::CorruptIncident(std::string_view id, std::string_view column,
                                    std::string_view value) const {
  return Status::Corruption(Where() + ": incident " + QuoteForMessage(id) + " has " +
                            std::string(column) + " " + QuoteForMessage(value) +
                            ", which is not a valid value");
}

template <typename E>
Status ParseStored(std::string_view text, E* out) {
  std::optional<E> e = ParseEnum<E>(text);
  if (!e) return Status::Corruption("");
  *out = *e;
  return Status::Ok();
}

Status SqliteStore::DecodeIncident(const Stmt& stmt, Incident* out, bool narrative) const {
  Incident& v = *out;
  v.id = stmt.ColumnText(0);
  v.situation = stmt.ColumnText(1);
  auto bad = [&](std::string_view column, std::string_view value) {
    return CorruptIncident(v.id, column, value);
  };
  auto date = Date::Parse(stmt.ColumnText(2));
  if (!date.ok()) return bad("date", stmt.ColumnText(2));
  v.date = *date;
  if (!ParseStored(stmt.ColumnText(3), &v.date_precision).ok()) {
    return bad("date_precision", stmt.ColumnText(3));
  }
  v.location.name = stmt.ColumnText(4);
  v.location.admin1 = stmt.ColumnOptionalText(5);
  v.location.lat.reset();
  v.location.lon.reset();
  if (!stmt.IsNull(6)) v.location.lat = stmt.ColumnDouble(6);
  if (!stmt.IsNull(7)) v.location.lon = stmt.ColumnDouble(7);
  MARA_RETURN_IF_ERROR(sealer_.UnsealLocation(v.id, stmt.ColumnText(4), &v.location));
  v.violations.clear();
  MARA_RETURN_IF_ERROR(ForEachPart(stmt.ColumnText(8), ';', [&](std::string_view part) {
    std::optional<Violation> e = ParseEnum<Violation>(part);
    if (!e) return bad("violation", part);
    v.violations.push_back(*e);
    return Status::Ok();
  }));
  v.victims.women = stmt.ColumnInt(9);
  v.victims.girls = stmt.ColumnInt(10);
  v.victims.men = stmt.ColumnInt(11);
  v.victims.boys = stmt.ColumnInt(12);
  v.victims.unknown = stmt.ColumnInt(13);
  if (!ParseStored(stmt.ColumnText(14), &v.context).ok()) {
    return bad("context", stmt.ColumnText(14));
  }
  v.nexus.clear();
  MARA_RETURN_IF_ERROR(ForEachPart(stmt.ColumnText(15), ';', [&](std::string_view part) {
    std::optional<Nexus> e = ParseEnum<Nexus>(part);
    if (!e) return bad("nexus", part);
    v.nexus.push_back(*e);
    return Status::Ok();
  }));
  if (!ParseStored(stmt.ColumnText(16), &v.status).ok()) {
    return bad("status", stmt.ColumnText(16));
  }
  v.verified_on.reset();
  if (!stmt.IsNull(17)) {
    auto verified_on = Date::Parse(stmt.ColumnText(17));
    if (!verified_on.ok()) return bad("verified_on", stmt.ColumnText(17));
    v.verified_on = *verified_on;
  }
  v.perpetrators.clear();
  MARA_RETURN_IF_ERROR(ForEachPart(stmt.ColumnText(18), ';', [&](std::string_view part) {
    const size_t colon = part.rfind(':');
    std::optional<Standard> standard;
    if (colon != std::string_view::npos) standard = ParseEnum<Standard>(part.substr(colon + 1));
    if (!standard) return bad("perpetrator", part);
    v.perpetrators.push_back({std::string(part.substr(0, colon)), *standard});
    return Status::Ok();
  }));
  v.sources.clear();
  MARA_RETURN_IF_ERROR(ForEachPart(stmt.ColumnText(19), ';', [&](std::string_view part) {
    v.sources.emplace_back(part);
    return Status::Ok();
  }));
  v.narrative.reset();
  if (narrative && !stmt.IsNull(20)) {
    MARA_ASSIGN_OR_RETURN(v.narrative,
                          sealer_.Unseal(stmt.ColumnText(20), "incidents", v.id, "narrative"));
  }
  if (!ParseStored(stmt.ColumnText(21), &v.consent).ok()) {
    return bad("consent", stmt.ColumnText(21));
  }
  return Status::Ok();
}

Result<std::optional<Incident>> SqliteStore::GetIncident(std::string_view id) {
  MARA_ASSIGN_OR_RETURN(StmtRef stmt, db_->Prepare(kSelectIncident));
  stmt->BindText(1, id);
  MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::optional<Incident>();
  Incident v;
  MARA_RETURN_IF_ERROR(DecodeIncident(*stmt, &v));
  return std::optional<Incident>(std::move(v));
}

Result<bool> SqliteStore::HasIncident(std::string_view id) {
  MARA_ASSIGN_OR_RETURN(StmtRef stmt, db_->Prepare("SELECT 1 FROM incidents WHERE id = ?1"));
  stmt->BindText(1, id);
  return stmt->Step();
}

Status SqliteStore::ScanIncidents(const std::function<Status(const Incident&)>& fn) {
  return ScanIncidentRows(fn, /*narrative=*/true);
}

Status SqliteStore::ScanIncidentsWithoutNarratives(
    const std::function<Status(const Incident&)>& fn) {
  return ScanIncidentRows(fn, /*narrative=*/false);
}

Status SqliteStore::ScanIncidentRows(const std::function<Status(const Incident&)>& fn,
                                     bool narrative) {
  MARA_ASSIGN_OR_RETURN(StmtRef stmt, db_->Prepare(kSelectIncidents));
  Incident v;  // reused, so its vectors and strings keep their capacity
  while (true) {
    MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return Status::Ok();
    MARA_RETURN_IF_ERROR(DecodeIncident(*stmt, &v, narrative));
    MARA_RETURN_IF_ERROR(fn(v));
  }
}

Status SqliteStore::ScanIncidentFacts(const std::function<Status(const IncidentFacts&)>& fn) {
  bool ready = facts_ready_;
  if (!db_->InTransaction()) {
    MARA_ASSIGN_OR_RETURN(ready, facts_->Ready());
  }
  if (ready) return facts_->Scan(fn);
  return ScanFactRows(fn);
}

Status SqliteStore::EnsureFactsProjection() {
  MARA_ASSIGN_OR_RETURN(bool ready, facts_->Ready());
  if (ready) return Status::Ok();
  if (!db_->Exec("BEGIN IMMEDIATE").ok()) return Status::Ok();
  // Another process may have built it while this one waited for the lock.
  Result<bool> again = facts_->Ready();
  Status s = again.ok() ? Status::Ok() : again.status();
  if (s.ok() && !*again) {
    s = facts_->Rebuild([this](const auto& fn) { return ScanFactRows(fn); });
  }
  if (s.ok()) s = db_->Exec("COMMIT");
  if (!s.ok()) {
    Rollback();
    // Opened without the data key: sealed locations cannot be projected.
    if (s.code() == StatusCode::kPermissionDenied) return Status::Ok();
    return s;
  }
  facts_->Committed();
  return Status::Ok();
}

Status SqliteStore::ScanFactRows(const std::function<Status(const IncidentFacts&)>& fn) {
  MARA_ASSIGN_OR_RETURN(
      StmtRef stmt, db_->Prepare("SELECT id, situation, date, status, consent, violations, nexus, "
                                 "location_name, perpetrators FROM incidents ORDER BY id"));
  // Reused row after row: the views point into SQLite's row buffers.
  IncidentFacts f;
  f.perpetrators.reserve(8);
  Location sealed;
  while (true) {
    MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return Status::Ok();
    f.id = stmt->ColumnText(0);
    f.situation = stmt->ColumnText(1);
    auto date = Date::Parse(stmt->ColumnText(2));
    if (!date.ok()) return CorruptIncident(f.id, "date", stmt->ColumnText(2));
    f.date = *date;
    if (!ParseStored(stmt->ColumnText(3), &f.status).ok()) {
      return CorruptIncident(f.id, "status", stmt->ColumnText(3));
    }
    if (!ParseStored(stmt->ColumnText(4), &f.consent).ok()) {
      return CorruptIncident(f.id, "consent", stmt->ColumnText(4));
    }
    f.violation_count = CountParts(stmt->ColumnText(5));
    f.nexus_count = CountParts(stmt->ColumnText(6));
    f.location_name = stmt->ColumnText(7);
    if (security::IsEncryptedField(f.location_name)) {
      MARA_RETURN_IF_ERROR(sealer_.UnsealLocation(f.id, f.location_name, &sealed));
      f.location_name = sealed.name;
    }
    f.location_name = sealer_.FactsLocation(f.location_name);
    f.perpetrators.clear();
    MARA_RETURN_IF_ERROR(ForEachPart(stmt->ColumnText(8), ';', [&](std::string_view part) {
      const size_t colon = part.rfind(':');
      std::optional<Standard> standard;
      if (colon != std::string_view::npos) standard = ParseEnum<Standard>(part.substr(colon + 1));
      if (!standard) return CorruptIncident(f.id, "perpetrator", part);
      f.perpetrators.push_back({part.substr(0, colon), *standard});
      return Status::Ok();
    }));
    MARA_RETURN_IF_ERROR(fn(f));
  }
}

// ---------------------------------------------------------------- registry reads

template <typename T>
Status SqliteStore::LoadDocs(std::string_view sql, std::string_view collection,
                             std::vector<T>* out) {
  MARA_ASSIGN_OR_RETURN(StmtRef stmt, db_->Prepare(sql));
  return LoadDocsFrom(stmt, collection, out);
}

template <typename T>
Status SqliteStore::LoadDocsFrom(StmtRef& stmt, std::string_view collection, std::vector<T>* out) {
  while (true) {
    MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return Status::Ok();
    const std::string_view key = stmt->ColumnText(0);
    std::string_view doc = stmt->ColumnText(1);
    std::string unsealed;
    if (security::IsEncryptedField(doc)) {
      MARA_ASSIGN_OR_RETURN(unsealed, sealer_.Unseal(doc, collection, key, "doc"));
      doc = unsealed;
    }
    auto corrupt = [&](std::string_view why) {
      return Status::Corruption(Where() + ": stored " + std::string(collection) + " record " +
                                QuoteForMessage(key) + " cannot be read: " + std::string(why));
    };
    Json json;
    try {
      json = Json::parse(doc, nullptr, /*allow_exceptions=*/false);
    } catch (const std::exception& e) {
      return corrupt(e.what());
    }
    if (json.is_discarded()) return corrupt("not a JSON document");
    T value;
    Status s = FromJson(json, &value);
    if (!s.ok()) return corrupt(s.message());
    out->push_back(std::move(value));
  }
}

Result<Bundle> SqliteStore::LoadRegistry() {
  Bundle b;
  MARA_RETURN_IF_ERROR(
      LoadDocs("SELECT id, doc FROM situations ORDER BY id", "situations", &b.situations));
  MARA_RETURN_IF_ERROR(LoadDocs("SELECT id, doc FROM parties ORDER BY id", "parties", &b.parties));
  MARA_RETURN_IF_ERROR(LoadDocs("SELECT id, doc FROM sources ORDER BY id", "sources", &b.sources));
  MARA_RETURN_IF_ERROR(
      LoadDocs("SELECT id, doc FROM evidence ORDER BY id", "evidence", &b.evidence));
  MARA_RETURN_IF_ERROR(
      LoadDocs("SELECT party || '/' || cycle || '/' || source, doc FROM findings "
               "ORDER BY party, cycle, source",
               "findings", &b.findings));
  MARA_RETURN_IF_ERROR(
      LoadDocs("SELECT id, doc FROM commitments ORDER BY id", "commitments", &b.commitments));
  MARA_RETURN_IF_ERROR(
      LoadDocs("SELECT party || '/' || cycle, doc FROM decisions ORDER BY party, cycle",
               "decisions", &b.decisions));
  MARA_RETURN_IF_ERROR(
      LoadDocs("SELECT party || '/' || authority || '/' || program || '/' || listed_on, doc "
               "FROM designations ORDER BY party, authority, program, listed_on",
               "designations", &b.designations));
  MARA_RETURN_IF_ERROR(
      LoadDocs("SELECT id, doc FROM statements ORDER BY id", "statements", &b.statements));
  MARA_RETURN_IF_ERROR(
      LoadDocs("SELECT party || '/' || date || '/' || kind, doc FROM engagements "
               "ORDER BY party, date, kind",
               "engagements", &b.engagements));
  MARA_RETURN_IF_ERROR(
      LoadDocs("SELECT party || '/' || filed, doc FROM petitions ORDER BY party, filed",
               "petitions", &b.petitions));
  return b;
}

Result<CollectionCounts> SqliteStore::Counts() {
  // One column per Collection, in the enum's order.
  MARA_ASSIGN_OR_RETURN(
      StmtRef stmt,
      db_->Prepare("SELECT (SELECT count(*) FROM situations), (SELECT count(*) FROM parties), "
                   "(SELECT count(*) FROM sources), (SELECT count(*) FROM incidents), "
                   "(SELECT count(*) FROM evidence), (SELECT count(*) FROM findings), "
                   "(SELECT count(*) FROM commitments), (SELECT count(*) FROM decisions), "
                   "(SELECT count(*) FROM designations), (SELECT count(*) FROM statements), "
                   "(SELECT count(*) FROM engagements), (SELECT count(*) FROM petitions)"));
  MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
  CollectionCounts counts;
  if (!row) return counts;
  for (int i = 0; i < 12; ++i) counts.counts[i] = stmt->ColumnInt(i);
  return counts;
}

// ---------------------------------------------------------------- meta

Result<std::optional<std::string>> SqliteStore::GetMeta(std::string_view key) {
  MARA_ASSIGN_OR_RETURN(StmtRef stmt, db_->Prepare("SELECT value FROM meta WHERE key = ?1"));
  stmt->BindText(1, key);
  MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::optional<std::string>();
  if (MetaIsSealed(key)) {
    MARA_ASSIGN_OR_RETURN(std::string plain,
                          sealer_.Unseal(stmt->ColumnText(0), "meta", key, "value"));
    return std::optional<std::string>(std::move(plain));
  }
  return std::optional<std::string>(std::string(stmt->ColumnText(0)));
}

Result<std::vector<std::pair<std::string, std::string>>> SqliteStore::ListMeta(
    std::string_view prefix) {
  MARA_ASSIGN_OR_RETURN(StmtRef stmt,
                        db_->Prepare("SELECT key, value FROM meta WHERE substr(key, 1, ?2) = ?1 "
                                     "ORDER BY key"));
  stmt->BindText(1, prefix);
  stmt->BindInt(2, static_cast<int64_t>(prefix.size()));
  std::vector<std::pair<std::string, std::string>> out;
  while (true) {
    MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) break;
    std::string key(stmt->ColumnText(0));
    std::string value(stmt->ColumnText(1));
    if (MetaIsSealed(key)) {
      MARA_ASSIGN_OR_RETURN(value, sealer_.Unseal(value, "meta", key, "value"));
    }
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

Status SqliteStore::PutMeta(std::string_view key, std::string_view value) {
  if (key == kDataVersionKey) {
    return Status::InvalidArgument(Where() + ": meta key 'data_version' belongs to the store");
  }
  MARA_ASSIGN_OR_RETURN(StmtRef stmt,
                        db_->Prepare("INSERT INTO meta(key, value) VALUES (?1, ?2) "
                                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
  std::string sealed;
  if (MetaIsSealed(key)) {
    MARA_ASSIGN_OR_RETURN(sealed, sealer_.Seal(value, "meta", key, "value"));
    value = sealed;
  }
  stmt->BindText(1, key);
  stmt->BindText(2, value);
  // Meta holds caches of derived data, so writing it is not a data change.
  return stmt->Run();
}

Result<int64_t> SqliteStore::DataVersion() {
  MARA_ASSIGN_OR_RETURN(std::optional<std::string> text, GetMeta(kDataVersionKey));
  if (!text) return Status::Corruption(Where() + ": meta has no data_version");
  int64_t version = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), version);
  if (ec != std::errc() || end != text->data() + text->size()) {
    return Status::Corruption(Where() + ": data_version " + QuoteForMessage(*text) +
                              " is not a number");
  }
  return version;
}

// ---------------------------------------------------------------- name reviews

namespace {

constexpr std::string_view kNameReviewColumns =
    "id, origin, query, provisional_party, candidates, reason, status, resolved_party, "
    "decided_by, decided_at, note";

NameReview ReadNameReview(const Stmt& stmt) {
  NameReview v;
  v.id = stmt.ColumnInt(0);
  v.origin = stmt.ColumnText(1);
  v.query = stmt.ColumnText(2);
  v.provisional_party = stmt.ColumnText(3);
  v.candidates = stmt.ColumnText(4);
  v.reason = stmt.ColumnText(5);
  v.status = stmt.ColumnText(6);
  v.resolved_party = stmt.ColumnText(7);
  v.decided_by = stmt.ColumnText(8);
  v.decided_at = stmt.ColumnText(9);
  v.note = stmt.ColumnText(10);  // as stored: the caller unseals it
  return v;
}

}  // namespace

Result<int64_t> SqliteStore::PutNameReview(const NameReview& v) {
  MARA_RETURN_IF_ERROR(RequireTransaction("PutNameReview"));
  if (v.status != "pending" && v.status != "accepted" && v.status != "rejected" &&
      v.status != "created") {
    return Status::InvalidArgument(Where() + ": name review status " + QuoteForMessage(v.status) +
                                   " (expected pending, accepted, rejected or created)");
  }
  MARA_ASSIGN_OR_RETURN(
      StmtRef stmt,
      db_->Prepare("INSERT INTO name_reviews(origin, query, provisional_party, candidates, reason, "
                   "status, resolved_party, decided_by, decided_at, note) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
                   "ON CONFLICT(origin, query) DO UPDATE SET "
                   "provisional_party = excluded.provisional_party, "
                   "candidates = excluded.candidates, reason = excluded.reason, "
                   "status = excluded.status, resolved_party = excluded.resolved_party, "
                   "decided_by = excluded.decided_by, decided_at = excluded.decided_at, "
                   "note = excluded.note RETURNING id"));
  std::string note;
  if (!v.note.empty()) {
    MARA_ASSIGN_OR_RETURN(note, sealer_.Seal(v.note, "name_reviews", SealedDocKey(v), "note"));
  }
  stmt->BindText(1, v.origin);
  stmt->BindText(2, v.query);
  stmt->BindText(3, v.provisional_party);
  stmt->BindText(4, v.candidates);
  stmt->BindText(5, v.reason);
  stmt->BindText(6, v.status);
  stmt->BindText(7, v.resolved_party);
  stmt->BindText(8, v.decided_by);
  stmt->BindText(9, v.decided_at);
  stmt->BindText(10, note);
  MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return Status::IOError(Where() + ": upsert of a name review returned no id");
  const int64_t id = stmt->ColumnInt(0);
  MARA_ASSIGN_OR_RETURN(bool more, stmt->Step());
  (void)more;
  dirty_ = true;
  return id;
}

Result<std::optional<NameReview>> SqliteStore::GetNameReview(int64_t id) {
  MARA_ASSIGN_OR_RETURN(StmtRef stmt, db_->Prepare("SELECT " + std::string(kNameReviewColumns) +
                                                   " FROM name_reviews WHERE id = ?1"));
  stmt->BindInt(1, id);
  MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::optional<NameReview>();
  NameReview v = ReadNameReview(*stmt);
  MARA_RETURN_IF_ERROR(UnsealNote(&v));
  return std::optional<NameReview>(std::move(v));
}

Result<std::vector<NameReview>> SqliteStore::ListNameReviews() {
  MARA_ASSIGN_OR_RETURN(StmtRef stmt, db_->Prepare("SELECT " + std::string(kNameReviewColumns) +
                                                   " FROM name_reviews ORDER BY id"));
  std::vector<NameReview> out;
  while (true) {
    MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) break;
    out.push_back(ReadNameReview(*stmt));
    MARA_RETURN_IF_ERROR(UnsealNote(&out.back()));
  }
  return out;
}

// ---------------------------------------------------------------- integrity

Result<std::vector<std::string>> SqliteStore::ForeignKeyProblems() {
  std::vector<std::string> problems;
  MARA_ASSIGN_OR_RETURN(
      StmtRef check,
      db_->Prepare("SELECT \"table\", rowid, parent, fkid FROM pragma_foreign_key_check"));
  while (true) {
    MARA_ASSIGN_OR_RETURN(bool row, check->Step());
    if (!row) break;
    const std::string table(check->ColumnText(0));
    const int64_t rowid = check->ColumnInt(1);
    const std::string parent(check->ColumnText(2));
    const int64_t fkid = check->ColumnInt(3);
    MARA_ASSIGN_OR_RETURN(
        StmtRef column,
        db_->Prepare("SELECT \"from\" FROM pragma_foreign_key_list(?1) WHERE id = ?2"));
    column->BindText(1, table);
    column->BindInt(2, fkid);
    MARA_ASSIGN_OR_RETURN(bool found, column->Step());
    const std::string from = found ? std::string(column->ColumnText(0)) : "?";
    // Table and column names come from this schema's own catalogue.
    const std::string key_column =
        (table == "situations" || table == "parties" || table == "sources" ||
         table == "commitments" || table == "evidence" || table == "statements")
            ? "id"
            : "party";
    MARA_ASSIGN_OR_RETURN(StmtRef values,
                          db_->Prepare("SELECT \"" + key_column + "\", \"" + from + "\" FROM \"" +
                                       table + "\" WHERE rowid = ?1"));
    values->BindInt(1, rowid);
    MARA_ASSIGN_OR_RETURN(bool has_values, values->Step());
    std::string key = has_values ? std::string(values->ColumnText(0)) : std::to_string(rowid);
    std::string value = has_values ? std::string(values->ColumnText(1)) : "?";
    problems.push_back(table + " " + QuoteForMessage(key) + ": " + from + " " +
                       QuoteForMessage(value) + " does not exist in " + parent);
  }
  return problems;
}

Result<std::string> SqliteStore::IntegrityCheck() {
  std::vector<std::string> problems;
  {
    MARA_ASSIGN_OR_RETURN(StmtRef stmt, db_->Prepare("PRAGMA integrity_check"));
    while (true) {
      MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) break;
      std::string line(stmt->ColumnText(0));
      if (line != "ok") problems.push_back(std::move(line));
    }
  }
  MARA_ASSIGN_OR_RETURN(std::vector<std::string> fk, ForeignKeyProblems());
  problems.insert(problems.end(), fk.begin(), fk.end());
  MARA_ASSIGN_OR_RETURN(bool facts_ready, facts_->Ready());
  if (facts_ready) {
    MARA_RETURN_IF_ERROR(
        facts_->Check([this](const auto& fn) { return ScanFactRows(fn); }, &problems));
  }
  if (problems.empty()) return std::string("ok");
  std::string out;
  for (const std::string& p : problems) {
    if (!out.empty()) out += '\n';
    out += p;
  }
  return out;
}

// SQLite takes a file shorter than one page for an empty database and would
// write its own pages over it, so a small file of anything else must be
// refused here. An empty file is a database not yet initialised.
//
// The header is read through SQLite's own open file: POSIX locks belong to
// the process, so opening and closing the file any other way would drop
// the locks of every connection this process holds on it (`mara serve` has
// several), and the next process to close the store would delete its log.
Status CheckHeader(sqlite::Db& db, const std::string& path) {
  sqlite3_file* file = nullptr;
  if (sqlite3_file_control(db.handle(), "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK ||
      file == nullptr || file->pMethods == nullptr) {
    return Status::Ok();  // nothing opened yet: the first statement says what is wrong
  }
  // stat() opens nothing, so it is as safe as SQLite's own read.
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec || size == 0) return Status::Ok();
  static constexpr std::string_view kMagic("SQLite format 3\0", 16);
  char header[16] = {};
  const int rc = file->pMethods->xRead(file, header, sizeof header, 0);
  if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) return Status::Ok();
  if (rc == SQLITE_OK && std::string_view(header, sizeof header) == kMagic) return Status::Ok();
  return Status::Corruption("database " + sqlite::QuotePath(path) +
                            " is not a Mara database or is damaged: file is not a database");
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const StoreOptions& options) {
  const std::string where = "database " + sqlite::QuotePath(path);
  const bool in_memory = path == ":memory:";
  if (!options.create_if_missing && !in_memory) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      return Status::NotFound(where + " does not exist (run `mara init`)");
    }
  }
  int flags =
      (options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX;
  if (options.create_if_missing && !options.read_only) flags |= SQLITE_OPEN_CREATE;
  MARA_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(path, flags));
  if (!in_memory) MARA_RETURN_IF_ERROR(CheckHeader(*db, path));
  sqlite3_busy_timeout(db->handle(), kBusyTimeoutMs);

  // The first statement reads the file header: this is where a file that is
  // not a SQLite database shows itself. The page size only applies to a new
  // database and must be set before WAL is.
  // A read-only connection (asked for, or a write-protected file SQLite
  // fell back to) sets nothing that writes: it only reads the mode.
  const bool read_only = options.read_only || sqlite3_db_readonly(db->handle(), "main") == 1;
  auto mode = read_only ? db->QueryText("PRAGMA journal_mode")
                        : db->QueryText("PRAGMA page_size = " + std::to_string(kPageSize));
  if (mode.ok() && !read_only) mode = db->QueryText("PRAGMA journal_mode = WAL");
  if (!mode.ok()) {
    if (mode.status().code() == StatusCode::kCorruption) {
      return Status::Corruption(
          where + " is not a Mara database or is damaged: " + sqlite3_errmsg(db->handle()));
    }
    return mode.status();
  }
  // journal_size_limit: after a large import is checkpointed, the WAL file
  // shrinks back instead of keeping the size of that import on disk.
  MARA_RETURN_IF_ERROR(
      db->Exec("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; "
               "PRAGMA journal_size_limit = 67108864; PRAGMA cache_size = -" +
               std::to_string(kPageCacheKiB)));
  MARA_ASSIGN_OR_RETURN(int version, sqlite::Migrate(*db));
  auto store = std::make_unique<SqliteStore>(std::move(db), version, options.keys);
  MARA_RETURN_IF_ERROR(store->EnsureFactsProjection());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace mara
