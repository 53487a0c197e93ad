#include "storage/postgres/postgres_store.h"

#include <algorithm>
#include <charconv>
#include <exception>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>

#include "common/text.h"
#include "domain/json_codec.h"
#include "storage/facts_projection.h"
#include "storage/postgres/migrations.h"
#include "storage/postgres/pg.h"
// The sealing of fields is the same for both backends.
#include "storage/sqlite/security_tables.h"

namespace mara {
namespace {

using pg::Params;
using pg::Rows;

// pg_advisory_xact_lock key of the writer lock ("MaraWrit").
constexpr int64_t kWriterLock = 0x4d61726157726974;
constexpr int kLockWaitSeconds = 5;
constexpr int kFetchRows = 4096;
constexpr std::string_view kDataVersionKey = "data_version";

#define MARA_INCIDENT_COLUMNS                                                                 \
  "id, situation, date, date_precision, location_name, admin1, lat, lon, violations, women, " \
  "girls, men, boys, unknown, context, nexus, status, verified_on, perpetrators, sources, "   \
  "narrative, consent, import_id, created_by, edited_by"

// $25 is the principal of the writing import; the update skips rows
// written by the same import (a duplicate id within one file), and import 0
// (no import) always overwrites.
constexpr std::string_view kInsertIncident =
    "INSERT INTO incidents(" MARA_INCIDENT_COLUMNS
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
    "$19, $20, $21, $22, $23, $24, $24) ON CONFLICT (id) DO NOTHING";
constexpr std::string_view kUpdateIncident =
    "UPDATE incidents SET situation = $2, date = $3, date_precision = $4, location_name = $5, "
    "admin1 = $6, lat = $7, lon = $8, violations = $9, women = $10, girls = $11, men = $12, "
    "boys = $13, unknown = $14, context = $15, nexus = $16, status = $17, verified_on = $18, "
    "perpetrators = $19, sources = $20, narrative = $21, consent = $22, import_id = $23, "
    "edited_by = CASE WHEN $24 = '' THEN edited_by ELSE $24 END "
    "WHERE id = $1 AND ($23 = 0 OR import_id <> $23)";
constexpr std::string_view kCopyIncidents = "COPY incidents(" MARA_INCIDENT_COLUMNS ") FROM STDIN";
constexpr std::string_view kSelectIncidents =
    "SELECT " MARA_INCIDENT_COLUMNS " FROM incidents ORDER BY id";
constexpr std::string_view kSelectIncident =
    "SELECT " MARA_INCIDENT_COLUMNS " FROM incidents WHERE id = $1";
#undef MARA_INCIDENT_COLUMNS

template <typename Fn>
Status ForEachPart(std::string_view joined, Fn&& fn) {
  if (joined.empty()) return Status::Ok();
  size_t start = 0;
  while (true) {
    const size_t end = joined.find(';', start);
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

void JoinStrings(const std::vector<std::string>& values, std::string* out) {
  out->clear();
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out->push_back(';');
    out->append(values[i]);
  }
}

std::vector<std::string> SplitStrings(std::string_view joined) {
  std::vector<std::string> out;
  (void)ForEachPart(joined, [&](std::string_view part) {
    out.emplace_back(part);
    return Status::Ok();
  });
  return out;
}

template <typename E>
bool ParseStored(std::string_view text, E* out) {
  std::optional<E> e = ParseEnum<E>(text);
  if (!e) return false;
  *out = *e;
  return true;
}

// The facts projection's tables on the store's connection. Bucket blobs
// travel as bytea in binary format, both ways; a scan of the buckets reads
// them through a cursor, a few at a time.
class PgFactsTables final : public FactsTables {
 public:
  explicit PgFactsTables(pg::Conn& conn) : conn_(conn) {}

  std::string Where() const override { return conn_.where(); }
  Result<std::optional<std::string>> GetMeta(std::string_view key) override {
    Params p;
    p.Add(key);
    MARA_ASSIGN_OR_RETURN(
        Rows rows, conn_.Prepared("facts_get_meta", "SELECT value FROM meta WHERE key = $1", p));
    if (rows.size() == 0) return std::optional<std::string>();
    return std::optional<std::string>(std::string(rows.Text(0, 0)));
  }
  Status PutMeta(std::string_view key, std::string_view value) override {
    Params p;
    p.Add(key);
    p.Add(value);
    MARA_ASSIGN_OR_RETURN(Rows rows, conn_.Prepared("facts_put_meta",
                                                    "INSERT INTO meta(key, value) VALUES ($1, $2) "
                                                    "ON CONFLICT (key) DO UPDATE SET value = $2",
                                                    p));
    return Status::Ok();
  }
  Result<int64_t> FindName(std::string_view name) override {
    Params p;
    p.Add(name);
    MARA_ASSIGN_OR_RETURN(
        Rows rows,
        conn_.Prepared("facts_find_name", "SELECT code FROM fact_names WHERE name = $1", p));
    if (rows.size() == 0) return int64_t{0};
    return rows.Int(0, 0);
  }
  Result<int64_t> InsertName(std::string_view name) override {
    Params p;
    p.Add(name);
    MARA_ASSIGN_OR_RETURN(
        Rows rows, conn_.Prepared("facts_insert_name",
                                  "INSERT INTO fact_names(name) VALUES ($1) RETURNING code", p));
    return rows.Int(0, 0);
  }
  // Two statements for any number of names: the codes of those known, then
  // the new ones added together.
  Status CodeNames(std::span<const std::string_view> names, std::vector<int64_t>* codes) override {
    codes->assign(names.size(), 0);
    if (names.empty()) return Status::Ok();
    std::unordered_map<std::string_view, size_t> index;
    for (size_t i = 0; i < names.size(); ++i) index.emplace(names[i], i);
    auto fill = [&](const Rows& rows) -> Status {
      for (int r = 0; r < rows.size(); ++r) {
        auto it = index.find(rows.Text(r, 0));
        if (it == index.end()) {
          return Status::Corruption(Where() + ": fact_names answered a name not asked for");
        }
        MARA_ASSIGN_OR_RETURN((*codes)[it->second], rows.Int(r, 1));
      }
      return Status::Ok();
    };
    Params p;
    p.Add(TextArray(names));
    MARA_ASSIGN_OR_RETURN(
        Rows found,
        conn_.Prepared("facts_find_names",
                       "SELECT name, code FROM fact_names WHERE name = ANY($1::text[])", p));
    MARA_RETURN_IF_ERROR(fill(found));
    std::vector<std::string_view> fresh;
    for (size_t i = 0; i < names.size(); ++i) {
      if ((*codes)[i] == 0) fresh.push_back(names[i]);
    }
    if (fresh.empty()) return Status::Ok();
    p.Clear();
    p.Add(TextArray(fresh));
    MARA_ASSIGN_OR_RETURN(Rows added, conn_.Prepared("facts_insert_names",
                                                     "INSERT INTO fact_names(name) SELECT "
                                                     "unnest($1::text[]) RETURNING name, code",
                                                     p));
    if (added.size() != static_cast<int>(fresh.size())) {
      return Status::Corruption(Where() + ": fact_names added " + std::to_string(added.size()) +
                                " of " + std::to_string(fresh.size()) + " names");
    }
    return fill(added);
  }
  Status ForEachName(const std::function<Status(int64_t, std::string_view)>& fn) override {
    Params none;
    MARA_ASSIGN_OR_RETURN(Rows rows,
                          conn_.Query("SELECT code, name FROM fact_names ORDER BY code", none));
    for (int i = 0; i < rows.size(); ++i) {
      MARA_ASSIGN_OR_RETURN(int64_t code, rows.Int(i, 0));
      MARA_RETURN_IF_ERROR(fn(code, rows.Text(i, 1)));
    }
    return Status::Ok();
  }
  Result<std::optional<std::string>> ReadBucket(uint32_t bucket) override {
    Params p;
    p.AddInt(bucket);
    MARA_ASSIGN_OR_RETURN(Rows rows,
                          conn_.Prepared("facts_read_bucket_binary",
                                         "SELECT records FROM fact_buckets WHERE bucket = $1", p,
                                         pg::ResultFormat::kBinary));
    if (rows.size() == 0) return std::optional<std::string>();
    return std::optional<std::string>(std::string(rows.Text(0, 0)));
  }
  Status WriteBucket(uint32_t bucket, std::string_view blob) override {
    Params p;
    p.AddInt(bucket);
    p.AddBytes(blob);
    MARA_ASSIGN_OR_RETURN(Rows rows, conn_.Prepared("facts_write_bucket_binary",
                                                    "INSERT INTO fact_buckets(bucket, records) "
                                                    "VALUES ($1, $2::bytea) ON CONFLICT (bucket) "
                                                    "DO UPDATE SET records = $2::bytea",
                                                    p));
    return Status::Ok();
  }
  Status ClearBuckets() override { return conn_.Exec("DELETE FROM fact_buckets"); }
  // Runs inside the caller's transaction block (the store opens a snapshot
  // for a scan outside one, so the names and the buckets agree).
  Status ForEachBucket(const std::function<Status(uint32_t, std::string_view)>& fn) override {
    if (!conn_.InTransactionBlock()) {
      return Status::InvalidArgument(Where() +
                                     ": the facts projection is scanned in a transaction");
    }
    MARA_RETURN_IF_ERROR(conn_.Exec(
        "DECLARE mara_fact_buckets NO SCROLL CURSOR FOR SELECT bucket, records FROM fact_buckets "
        "ORDER BY bucket"));
    Params none;
    Status s = [&]() -> Status {
      while (true) {
        MARA_ASSIGN_OR_RETURN(Rows rows, conn_.Query("FETCH 8 FROM mara_fact_buckets", none,
                                                     pg::ResultFormat::kBinary));
        for (int i = 0; i < rows.size(); ++i) {
          MARA_ASSIGN_OR_RETURN(int64_t bucket, rows.BinaryInt(i, 0));
          if (bucket < 0 || bucket >= FactsProjection::kBuckets) {
            return Status::Corruption(Where() + ": facts projection bucket " +
                                      std::to_string(bucket) + " is out of range");
          }
          MARA_RETURN_IF_ERROR(fn(static_cast<uint32_t>(bucket), rows.Text(i, 1)));
        }
        if (rows.size() < 8) return Status::Ok();
      }
    }();
    if (PQtransactionStatus(conn_.handle()) != PQTRANS_INERROR) {
      Status closed = conn_.Exec("CLOSE mara_fact_buckets");
      if (s.ok()) s = closed;
    }
    return s;
  }

 private:
  // A text[] literal: every element quoted, '"' and '\\' escaped.
  static std::string TextArray(std::span<const std::string_view> values) {
    std::string out = "{";
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out.push_back(',');
      out.push_back('"');
      for (char c : values[i]) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
      }
      out.push_back('"');
    }
    out.push_back('}');
    return out;
  }

  pg::Conn& conn_;
};

class PostgresStore final : public Store {
 public:
  PostgresStore(pg::Lease lease, int version, std::shared_ptr<const security::KeyMaterial> keys)
      : conn_(std::move(lease)),
        version_(version),
        sealer_(std::move(keys)),
        facts_tables_(*conn_),
        facts_(std::make_unique<FactsProjection>(facts_tables_, sealer_.FactsLocationScheme())) {}

  // Builds the facts projection when it is missing or was built under
  // another location scheme; without the data key a store with sealed
  // locations cannot, and its scans read the incident rows instead.
  Status EnsureFactsProjection();
  ~PostgresStore() override { Rollback(); }

  std::string_view Backend() const override { return "postgresql"; }
  int SchemaVersion() const override { return version_; }

  Status Begin() override;
  Status Commit() override;
  void Rollback() override;
  bool InTransaction() const override { return in_txn_; }

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

  Result<std::optional<std::string>> LatestStateDigest(std::string_view collection,
                                                       std::string_view id) override;
  bool PendingDataChange() const override { return in_txn_ && dirty_; }
  int64_t CommittedVersion() const override { return committed_version_; }
  Result<std::optional<std::string>> GetMeta(std::string_view key) override;
  Status PutMeta(std::string_view key, std::string_view value) override;
  Result<std::vector<std::pair<std::string, std::string>>> ListMeta(
      std::string_view prefix) override;
  Result<int64_t> DataVersion() override;

  Result<int64_t> PutNameReview(const NameReview& v) override;
  Result<std::optional<NameReview>> GetNameReview(int64_t id) override;
  Result<std::vector<NameReview>> ListNameReviews() override;

  Status PutUser(const UserRecord& user) override;
  Result<std::optional<UserRecord>> GetUser(std::string_view name) override;
  Result<std::vector<UserRecord>> ListUsers() override;

  Result<std::optional<IncidentProvenance>> GetIncidentProvenance(std::string_view id) override;
  Status SetIncidentEditor(std::string_view id, std::string_view principal) override;

  Status AppendAuditRecord(const security::AuditRecord& record) override;
  Status AppendAuditCheckpoint(const security::AuditCheckpoint& checkpoint) override;
  Result<security::AuditHead> GetAuditHead() override;
  Status ScanAuditRecords(const std::function<Status(const security::AuditRecord&)>& fn) override;
  Result<std::vector<security::AuditCheckpoint>> ListAuditCheckpoints() override;
  Status AppendStateEntries(std::span<const StateEntry> entries) override;
  Status ScanStateEntries(const std::function<Status(const StateEntry&)>& fn) override;

  bool HasDataKey() const override { return sealer_.enabled(); }
  Result<int64_t> ResealFields() override;

  Result<std::string> IntegrityCheck() override;
  Result<bool> ReadOnly() override {
    params_.Clear();
    MARA_ASSIGN_OR_RETURN(Rows rows,
                          Read("read_only", "SELECT current_setting('transaction_read_only')"));
    return rows.size() > 0 && rows.Text(0, 0) == "on";
  }

 private:
  const std::string& Where() const { return conn_->where(); }
  Status RequireTransaction(std::string_view operation) const;
  // Runs a prepared write and marks the transaction as having written.
  Result<Rows> Write(std::string_view name, std::string_view sql);
  Result<Rows> Read(std::string_view name, std::string_view sql) {
    return conn_->Prepared(name, sql, params_);
  }
  template <typename T>
  Result<std::string> Encode(const T& v, std::string_view collection, std::string_view key);
  Status PutById(std::string_view name, std::string_view sql, std::string_view id,
                 const std::string& doc);
  template <typename T>
  Status LoadDocs(std::string_view sql, std::string_view collection, std::vector<T>* out,
                  bool sealed = false);
  // LoadDocs over rows already read (key, doc).
  template <typename T>
  Status DecodeDocs(const Rows& rows, std::string_view collection, std::vector<T>* out,
                    bool sealed);
  // Runs `sql` (a constant SELECT) through a cursor in batches, inside the
  // open transaction or a snapshot transaction of its own, so the callback
  // may use the store meanwhile and memory stays bounded.
  Status ScanRows(std::string_view sql, const std::function<Status(const Rows&, int)>& fn);
  void AddIncidentParams(const Incident& v, const PreparedIncident& prepared, int64_t import_id);
  Status AppendCopyLine(const Incident& v, const PreparedIncident& prepared, int64_t import_id);
  Status DecodeIncident(const Rows& rows, int row, Incident* out, bool narrative = true) const;
  Status ScanIncidentRows(const std::function<Status(const Incident&)>& fn, bool narrative);
  Status CorruptIncident(std::string_view id, std::string_view column,
                         std::string_view value) const;
  // Replaces a name review's stored note with its plain text.
  Status UnsealNote(NameReview* v) const {
    if (v->note.empty()) return Status::Ok();
    MARA_ASSIGN_OR_RETURN(v->note,
                          sealer_.Unseal(v->note, "name_reviews", SealedDocKey(*v), "note"));
    return Status::Ok();
  }
  // The principal of an import started by this store ("" for any other).
  std::string PrincipalOf(int64_t import_id) const;
  void ResetTransactionState();
  // Stages the facts of an incident just written (its location as a token),
  // or marks the projection incomplete when this transaction does not
  // maintain it.
  Status StageFacts(const Incident& v);
  // Stages the facts held back while the incidents' COPY stream runs: a
  // new name's code is a query, which would end the stream.
  Status StagePending();
  // The facts read from the incident rows.
  Status ScanFactRows(const std::function<Status(const IncidentFacts&)>& fn);

  pg::Lease conn_;
  int version_;
  sqlite::Sealer sealer_;
  PgFactsTables facts_tables_;
  std::unique_ptr<FactsProjection> facts_;
  // Per transaction: whether the projection is complete (then every
  // incident written is staged into it), and whether this one has already
  // marked it incomplete.
  bool facts_ready_ = false;
  bool facts_marked_stale_ = false;
  struct PendingFacts {
    std::string id, situation, location;
    Date date;
    IncidentStatus status = IncidentStatus::kReported;
    Consent consent = Consent::kAggregateReporting;
    size_t violations = 0, nexus = 0;
    std::vector<std::pair<std::string, Standard>> perpetrators;
  };
  static constexpr size_t kPendingFacts = 65536;
  std::vector<PendingFacts> pending_facts_;
  PreparedIncident prepared_;  // for PutIncidentReplacing
  bool in_txn_ = false;
  bool dirty_ = false;
  int64_t committed_version_ = 0;
  int scan_depth_ = 0;
  Params params_;

  // Per transaction: the largest incident id known to be stored (ids above
  // it can be appended through COPY without a lookup), and the principals
  // of imports.
  bool max_id_loaded_ = false;
  std::optional<std::string> max_id_;
  std::unordered_map<int64_t, std::string> principals_;
  std::string copy_line_;
};

// ---------------------------------------------------------------- transactions

Status PostgresStore::RequireTransaction(std::string_view operation) const {
  if (!in_txn_) {
    return Status::InvalidArgument(Where() + ": " + std::string(operation) +
                                   " outside a transaction (call Begin() first)");
  }
  return Status::Ok();
}

Result<Rows> PostgresStore::Write(std::string_view name, std::string_view sql) {
  MARA_ASSIGN_OR_RETURN(Rows rows, conn_->Prepared(name, sql, params_));
  dirty_ = true;
  return rows;
}

void PostgresStore::ResetTransactionState() {
  dirty_ = false;
  max_id_loaded_ = false;
  max_id_.reset();
  principals_.clear();
}

Status PostgresStore::Begin() {
  if (in_txn_) return Status::InvalidArgument(Where() + ": Begin() while a transaction is open");
  if (conn_->InTransactionBlock()) {
    return Status::InvalidArgument(Where() + ": Begin() inside a scan's callback");
  }
  ResetTransactionState();
  MARA_RETURN_IF_ERROR(
      conn_->Exec("BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = '" +
                  std::to_string(kLockWaitSeconds) + "s'"));
  params_.Clear();
  params_.AddInt(kWriterLock);
  auto locked = conn_->Prepared("writer_lock", "SELECT pg_advisory_xact_lock($1)", params_);
  if (!locked.ok()) {
    (void)conn_->Exec("ROLLBACK");
    if (locked.status().message().find("lock timeout") != std::string::npos) {
      return Status::IOError(Where() + " is locked by another writer (waited " +
                             std::to_string(kLockWaitSeconds) + " s); try again when it ends");
    }
    return locked.status();
  }
  in_txn_ = true;
  Result<bool> ready = facts_->Ready();
  if (!ready.ok()) {
    Rollback();
    return ready.status();
  }
  facts_ready_ = *ready;
  facts_marked_stale_ = false;
  return Status::Ok();
}

Status PostgresStore::Commit() {
  if (!in_txn_) {
    return Status::InvalidArgument(Where() + ": Commit() without an open transaction");
  }
  Status s = conn_->EndCopy();
  if (s.ok() && PQtransactionStatus(conn_->handle()) == PQTRANS_INERROR) {
    s = Status::IOError(Where() + ": commit refused, an earlier statement of the transaction " +
                        "failed; nothing was written");
  }
  committed_version_ = 0;
  int64_t produced = 0;
  if (s.ok() && facts_ready_) s = StagePending();
  if (s.ok() && facts_ready_) s = facts_->Flush();
  if (s.ok() && dirty_) {
    s = conn_->Exec("UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'data_version'");
    if (s.ok()) {
      // The row is this transaction's until it ends: the value is the one
      // the commit produces.
      Result<int64_t> v = DataVersion();
      s = v.status();
      if (v.ok()) produced = *v;
    }
  }
  if (s.ok()) {
    s = conn_->Exec("COMMIT");
    if (s.ok()) {
      committed_version_ = produced;
      facts_->Committed();
    }
    if (s.code() == StatusCode::kConflict) {
      // Deferred foreign keys are checked here; the server names the table,
      // the constraint and the missing key.
      s = Status::Conflict(Where() + ": commit refused, a record refers to one that is missing: " +
                           s.message().substr(std::min(s.message().size(), Where().size() + 2)));
    }
  }
  if (!s.ok()) Rollback();
  in_txn_ = false;
  ResetTransactionState();
  return s;
}

void PostgresStore::Rollback() {
  // A COPY or a ROLLBACK can fail only on a broken connection, which the
  // pool then refuses to reuse.
  (void)conn_->EndCopy();
  // Outside a transaction of the caller's, an open block belongs to a
  // running scan, which ends it itself.
  if (in_txn_ && conn_->InTransactionBlock()) (void)conn_->Exec("ROLLBACK");
  in_txn_ = false;
  pending_facts_.clear();
  facts_->Discard();
  ResetTransactionState();
}

// ---------------------------------------------------------------- imports

Result<int64_t> PostgresStore::StartImport(const ImportRecord& record) {
  MARA_RETURN_IF_ERROR(RequireTransaction("StartImport"));
  params_.Clear();
  params_.Add(record.file);
  params_.Add(record.format);
  params_.Add(record.file_digest);
  params_.Add(record.started_at);
  params_.AddInt(record.accepted);
  params_.AddInt(record.rejected);
  params_.Add(record.principal);
  // max + 1 like SQLite's rowid: safe because writers are serialised.
  MARA_ASSIGN_OR_RETURN(
      Rows rows, Write("start_import",
                       "INSERT INTO imports(id, file, format, file_digest, started_at, accepted, "
                       "rejected, principal) SELECT coalesce(max(id), 0) + 1, $1, $2, $3, $4, $5, "
                       "$6, $7 FROM imports RETURNING id"));
  MARA_ASSIGN_OR_RETURN(int64_t id, rows.Int(0, 0));
  principals_[id] = record.principal;
  return id;
}

Status PostgresStore::FinishImport(int64_t import_id, int64_t accepted, int64_t rejected) {
  MARA_RETURN_IF_ERROR(RequireTransaction("FinishImport"));
  params_.Clear();
  params_.AddInt(import_id);
  params_.AddInt(accepted);
  params_.AddInt(rejected);
  MARA_ASSIGN_OR_RETURN(
      Rows rows,
      Write("finish_import", "UPDATE imports SET accepted = $2, rejected = $3 WHERE id = $1"));
  if (rows.Affected() == 0) {
    return Status::NotFound(Where() + ": no import with id " + std::to_string(import_id));
  }
  return Status::Ok();
}

Result<std::vector<ImportRecord>> PostgresStore::ListImports() {
  params_.Clear();
  MARA_ASSIGN_OR_RETURN(Rows rows,
                        Read("list_imports",
                             "SELECT id, file, format, file_digest, started_at, accepted, "
                             "rejected, principal FROM imports ORDER BY id"));
  std::vector<ImportRecord> out;
  for (int i = 0; i < rows.size(); ++i) {
    ImportRecord r;
    MARA_ASSIGN_OR_RETURN(r.id, rows.Int(i, 0));
    r.file = rows.Text(i, 1);
    r.format = rows.Text(i, 2);
    r.file_digest = rows.Text(i, 3);
    r.started_at = rows.Text(i, 4);
    MARA_ASSIGN_OR_RETURN(r.accepted, rows.Int(i, 5));
    MARA_ASSIGN_OR_RETURN(r.rejected, rows.Int(i, 6));
    r.principal = rows.Text(i, 7);
    out.push_back(std::move(r));
  }
  return out;
}

std::string PostgresStore::PrincipalOf(int64_t import_id) const {
  auto it = principals_.find(import_id);
  return it != principals_.end() ? it->second : std::string();
}

// ---------------------------------------------------------------- registry writes

template <typename T>
Result<std::string> PostgresStore::Encode(const T& v, std::string_view collection,
                                          std::string_view key) {
  try {
    return ToJson(v).dump();
  } catch (const std::exception& e) {
    return Status::InvalidArgument(Where() + ": cannot store " + std::string(collection) + " " +
                                   QuoteForMessage(key) + ": " + e.what());
  }
}

Status PostgresStore::PutById(std::string_view name, std::string_view sql, std::string_view id,
                              const std::string& doc) {
  params_.Clear();
  params_.Add(id);
  params_.Add(doc);
  MARA_ASSIGN_OR_RETURN(Rows rows, Write(name, sql));
  return Status::Ok();
}

Status PostgresStore::Put(const Situation& v) {
  MARA_RETURN_IF_ERROR(RequireTransaction("Put(situation)"));
  MARA_ASSIGN_OR_RETURN(std::string doc, Encode(v, "situation", v.id));
  return PutById("put_situation",
                 "INSERT INTO situations(id, doc) VALUES ($1, $2) "
                 "ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
                 v.id, doc);
}

Status PostgresStore::Put(const Party& v) {
  MARA_RETURN_IF_ERROR(RequireTransaction("Put(party)"));
  MARA_ASSIGN_OR_RETURN(std::string doc, Encode(v, "party", v.id));
  params_.Clear();
  params_.Add(v.id);
  params_.Add(v.situation);
  params_.AddOptional(v.parent);
  params_.Add(doc);
  MARA_ASSIGN_OR_RETURN(
      Rows rows, Write("put_party",
                       "INSERT INTO parties(id, situation, parent, doc) VALUES ($1, $2, $3, $4) "
                       "ON CONFLICT (id) DO UPDATE SET situation = excluded.situation, "
                       "parent = excluded.parent, doc = excluded.doc"));
  return Status::Ok();
}

Status PostgresStore::Put(const Source& v) {
  MARA_RETURN_IF_ERROR(RequireTransaction("Put(source)"));
  MARA_ASSIGN_OR_RETURN(std::string doc, Encode(v, "source", v.id));
  if (SourceIsSealed(v)) {
    MARA_ASSIGN_OR_RETURN(doc, sealer_.Seal(doc, "sources", v.id, "doc"));
  }
  return PutById("put_source",
                 "INSERT INTO sources(id, doc) VALUES ($1, $2) "
                 "ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
                 v.id, doc);
}

Status PostgresStore::Put(const EvidenceItem& v) {
  MARA_RETURN_IF_ERROR(RequireTransaction("Put(evidence)"));
  MARA_ASSIGN_OR_RETURN(std::string doc, Encode(v, "evidence item", v.id));
  MARA_ASSIGN_OR_RETURN(doc, sealer_.Seal(doc, "evidence", v.id, "doc"));
  return PutById("put_evidence",
                 "INSERT INTO evidence(id, doc) VALUES ($1, $2) "
                 "ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
                 v.id, doc);
}

Status PostgresStore::Put(const Finding& v) {
  MARA_RETURN_IF_ERROR(RequireTransaction("Put(finding)"));
  MARA_ASSIGN_OR_RETURN(std::string doc, Encode(v, "finding of party", v.party));
  params_.Clear();
  params_.Add(v.party);
  params_.AddInt(v.cycle);
  params_.Add(v.source);
  params_.Add(doc);
  MARA_ASSIGN_OR_RETURN(
      Rows rows, Write("put_finding",
                       "INSERT INTO findings(party, cycle, source, doc) VALUES ($1, $2, $3, $4) "
                       "ON CONFLICT (party, cycle, source) DO UPDATE SET doc = excluded.doc"));
  return Status::Ok();
}

Status PostgresStore::Put(const Commitment& v) {
  MARA_RETURN_IF_ERROR(RequireTransaction("Put(commitment)"));
  MARA_ASSIGN_OR_RETURN(std::string doc, Encode(v, "commitment", v.id));
  params_.Clear();
  params_.Add(v.id);
  params_.Add(v.party);
  params_.Add(doc);
  MARA_ASSIGN_OR_RETURN(
      Rows rows,
      Write("put_commitment",
            "INSERT INTO commitments(id, party, doc) VALUES ($1, $2, $3) "
            "ON CONFLICT (id) DO UPDATE SET party = excluded.party, doc = excluded.doc"));
  return Status::Ok();
}

Status PostgresStore::Put(const Decision& v) {
  MARA_RETURN_IF_ERROR(RequireTransaction("Put(decision)"));
  MARA_ASSIGN_OR_RETURN(std::string doc, Encode(v, "decision of party", v.party));
  MARA_ASSIGN_OR_RETURN(doc, sealer_.Seal(doc, "decisions", SealedDocKey(v), "doc"));
  params_.Clear();
  params_.Add(v.party);
  params_.AddInt(v.cycle);
  params_.Add(doc);
  MARA_ASSIGN_OR_RETURN(Rows rows,
                        Write("put_decision",
                              "INSERT INTO decisions(party, cycle, doc) VALUES ($1, $2, $3) "
                              "ON CONFLICT (party, cycle) DO UPDATE SET doc = excluded.doc"));
  return Status::Ok();
}

Status PostgresStore::Put(const Designation& v) {
  MARA_RETURN_IF_ERROR(RequireTransaction("Put(designation)"));
  MARA_ASSIGN_OR_RETURN(std::string doc, Encode(v, "designation of party", v.party));
  params_.Clear();
  params_.Add(v.party);
  params_.Add(v.authority);
  params_.Add(v.program);
  params_.Add(v.listed_on.ToString());
  params_.Add(doc);
  MARA_ASSIGN_OR_RETURN(Rows rows,
                        Write("put_designation",
                              "INSERT INTO designations(party, authority, program, listed_on, doc) "
                              "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (party, authority, program, "
                              "listed_on) DO UPDATE SET doc = excluded.doc"));
  return Status::Ok();
}

Status PostgresStore::Put(const Statement& v) {
  MARA_RETURN_IF_ERROR(RequireTransaction("Put(statement)"));
  MARA_ASSIGN_OR_RETURN(std::string doc, Encode(v, "statement", v.id));
  return PutById("put_statement",
                 "INSERT INTO statements(id, doc) VALUES ($1, $2) "
                 "ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
                 v.id, doc);
}

Status PostgresStore::Put(const Engagement& v) {
  MARA_RETURN_IF_ERROR(RequireTransaction("Put(engagement)"));
  MARA_ASSIGN_OR_RETURN(std::string doc, Encode(v, "engagement of party", v.party));
  MARA_ASSIGN_OR_RETURN(doc, sealer_.Seal(doc, "engagements", SealedDocKey(v), "doc"));
  params_.Clear();
  params_.Add(v.party);
  params_.Add(v.date.ToString());
  params_.Add(ToString(v.kind));
  params_.Add(doc);
  MARA_ASSIGN_OR_RETURN(
      Rows rows, Write("put_engagement",
                       "INSERT INTO engagements(party, date, kind, doc) VALUES ($1, $2, $3, $4) "
                       "ON CONFLICT (party, date, kind) DO UPDATE SET doc = excluded.doc"));
  return Status::Ok();
}

Status PostgresStore::Put(const Petition& v) {
  MARA_RETURN_IF_ERROR(RequireTransaction("Put(petition)"));
  MARA_ASSIGN_OR_RETURN(std::string doc, Encode(v, "petition of party", v.party));
  MARA_ASSIGN_OR_RETURN(doc, sealer_.Seal(doc, "petitions", SealedDocKey(v), "doc"));
  params_.Clear();
  params_.Add(v.party);
  params_.Add(v.filed.ToString());
  params_.Add(doc);
  MARA_ASSIGN_OR_RETURN(Rows rows,
                        Write("put_petition",
                              "INSERT INTO petitions(party, filed, doc) VALUES ($1, $2, $3) "
                              "ON CONFLICT (party, filed) DO UPDATE SET doc = excluded.doc"));
  return Status::Ok();
}

Status PostgresStore::PutCommunication(const Communication& v) {
  MARA_RETURN_IF_ERROR(RequireTransaction("PutCommunication"));
  MARA_ASSIGN_OR_RETURN(std::string doc, Encode(v, "communication", v.id));
  MARA_ASSIGN_OR_RETURN(doc, sealer_.Seal(doc, "communications", v.id, "doc"));
  params_.Clear();
  params_.Add(v.id);
  params_.AddOptional(v.party);
  params_.Add(v.follow_digest);
  params_.Add(doc);
  MARA_ASSIGN_OR_RETURN(Rows rows,
                        Write("put_communication",
                              "INSERT INTO communications(id, party, follow_digest, doc) "
                              "VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET "
                              "party = excluded.party, follow_digest = excluded.follow_digest, "
                              "doc = excluded.doc"));
  return Status::Ok();
}

Result<std::optional<Communication>> PostgresStore::GetCommunication(std::string_view id) {
  params_.Clear();
  params_.Add(id);
  MARA_ASSIGN_OR_RETURN(
      Rows rows, Read("get_communication", "SELECT id, doc FROM communications WHERE id = $1"));
  std::vector<Communication> found;
  MARA_RETURN_IF_ERROR(DecodeDocs(rows, "communications", &found, true));
  if (found.empty()) return std::optional<Communication>();
  return std::optional<Communication>(std::move(found.front()));
}

Result<std::optional<Communication>> PostgresStore::FindCommunicationByFollowDigest(
    std::string_view follow_digest) {
  params_.Clear();
  params_.Add(follow_digest);
  MARA_ASSIGN_OR_RETURN(
      Rows rows,
      Read("find_communication", "SELECT id, doc FROM communications WHERE follow_digest = $1"));
  std::vector<Communication> found;
  MARA_RETURN_IF_ERROR(DecodeDocs(rows, "communications", &found, true));
  if (found.empty()) return std::optional<Communication>();
  return std::optional<Communication>(std::move(found.front()));
}

Result<std::vector<Communication>> PostgresStore::ListCommunications() {
  std::vector<Communication> out;
  MARA_RETURN_IF_ERROR(
      LoadDocs("SELECT id, doc FROM communications ORDER BY id", "communications", &out, true));
  return out;
}

Status PostgresStore::DeleteDecision(std::string_view party, int cycle) {
  MARA_RETURN_IF_ERROR(RequireTransaction("DeleteDecision"));
  params_.Clear();
  params_.Add(party);
  params_.AddInt(cycle);
  MARA_ASSIGN_OR_RETURN(
      Rows rows, conn_->Prepared("delete_decision",
                                 "DELETE FROM decisions WHERE party = $1 AND cycle = $2", params_));
  if (rows.Affected() == 0) {
    return Status::NotFound(Where() + ": no decision for party " + QuoteForMessage(party) +
                            " in cycle " + std::to_string(cycle));
  }
  dirty_ = true;
  return Status::Ok();
}

// ---------------------------------------------------------------- incidents

void PostgresStore::AddIncidentParams(const Incident& v, const PreparedIncident& prepared,
                                      int64_t import_id) {
  params_.Clear();
  params_.Add(v.id);
  params_.Add(v.situation);
  params_.Add(prepared.date);
  params_.Add(ToString(v.date_precision));
  params_.Add(prepared.location.name);
  params_.AddOptional(prepared.location.admin1);
  params_.AddOptionalDouble(prepared.location.lat);
  params_.AddOptionalDouble(prepared.location.lon);
  params_.Add(prepared.violations);
  params_.AddInt(v.victims.women);
  params_.AddInt(v.victims.girls);
  params_.AddInt(v.victims.men);
  params_.AddInt(v.victims.boys);
  params_.AddInt(v.victims.unknown);
  params_.Add(ToString(v.context));
  params_.Add(prepared.nexus);
  params_.Add(ToString(v.status));
  params_.AddOptional(prepared.verified_on);
  params_.Add(prepared.perpetrators);
  params_.Add(prepared.sources);
  if (prepared.narrative) {
    params_.Add(*prepared.narrative);
  } else {
    params_.AddNull();
  }
  params_.Add(ToString(v.consent));
  params_.AddInt(import_id);
}

Status PostgresStore::AppendCopyLine(const Incident& v, const PreparedIncident& prepared,
                                     int64_t import_id) {
  // The same values as the insert statement's, as one line of COPY text.
  const std::string principal = PrincipalOf(import_id);
  AddIncidentParams(v, prepared, import_id);
  params_.Add(principal);
  params_.Add(principal);
  if (int bad = params_.FirstWithNul()) {
    return Status::InvalidArgument(Where() + ": incident " + QuoteForMessage(v.id) + ": value $" +
                                   std::to_string(bad) + " holds a NUL byte");
  }
  const char* const* values = params_.values();
  copy_line_.clear();
  for (int i = 0; i < params_.size(); ++i) {
    if (i > 0) copy_line_.push_back('\t');
    if (values[i] == nullptr) {
      copy_line_.append("\\N");
    } else {
      pg::AppendCopyText(values[i], &copy_line_);
    }
  }
  copy_line_.push_back('\n');
  MARA_RETURN_IF_ERROR(conn_->BeginCopy(kCopyIncidents));
  return conn_->CopyRow(copy_line_);
}

Result<PutOutcome> PostgresStore::PutIncidentReplacing(const Incident& v, int64_t import_id,
                                                       std::optional<Incident>* replaced) {
  MARA_RETURN_IF_ERROR(sealer_.PrepareIncident(v, &prepared_));
  return PutPreparedIncident(v, prepared_, import_id, replaced);
}

Result<PutOutcome> PostgresStore::PutPreparedIncident(const Incident& v,
                                                      const PreparedIncident& prepared,
                                                      int64_t import_id,
                                                      std::optional<Incident>* replaced) {
  MARA_RETURN_IF_ERROR(RequireTransaction("PutIncident"));
  if (!max_id_loaded_) {
    params_.Clear();
    MARA_ASSIGN_OR_RETURN(Rows rows, Read("max_incident", "SELECT max(id) FROM incidents"));
    max_id_ = rows.OptionalText(0, 0);
    max_id_loaded_ = true;
  }
  // Byte order, as the "C" collation of the id column.
  if (!max_id_ || v.id > *max_id_) {
    MARA_RETURN_IF_ERROR(AppendCopyLine(v, prepared, import_id));
    max_id_ = v.id;
    dirty_ = true;
    MARA_RETURN_IF_ERROR(StageFacts(v));
    return PutOutcome::kInserted;
  }
  AddIncidentParams(v, prepared, import_id);
  params_.Add(PrincipalOf(import_id));
  MARA_ASSIGN_OR_RETURN(Rows inserted, Write("insert_incident", kInsertIncident));
  if (inserted.Affected() > 0) {
    MARA_RETURN_IF_ERROR(StageFacts(v));
    return PutOutcome::kInserted;
  }
  if (replaced != nullptr) {
    MARA_ASSIGN_OR_RETURN(*replaced, GetIncident(v.id));
    // The read used the shared parameters: the update's are set again.
    AddIncidentParams(v, prepared, import_id);
    params_.Add(PrincipalOf(import_id));
  }
  MARA_ASSIGN_OR_RETURN(Rows updated, Write("update_incident", kUpdateIncident));
  if (updated.Affected() > 0) {
    MARA_RETURN_IF_ERROR(StageFacts(v));
    return PutOutcome::kUpdated;
  }
  return PutOutcome::kDuplicateInImport;
}

Status PostgresStore::StageFacts(const Incident& v) {
  if (!facts_ready_) {
    if (facts_marked_stale_) return Status::Ok();
    MARA_RETURN_IF_ERROR(conn_->Exec("DELETE FROM meta WHERE key = 'facts_projection'"));
    facts_marked_stale_ = true;
    return Status::Ok();
  }
  const std::string_view location = sealer_.FactsLocation(v.location.name);
  if (pending_facts_.empty()) {
    // Every name already coded (most rows): staged at once, without the
    // copies; else held back, and so is every later row until the held ones
    // are staged, to keep the order of writes.
    IncidentFacts f = FactsOf(v);
    f.location_name = location;
    MARA_ASSIGN_OR_RETURN(bool staged, facts_->StageIfCoded(f));
    if (staged) return Status::Ok();
  }
  PendingFacts p;
  p.id = v.id;
  p.situation = v.situation;
  p.location = location;
  p.date = v.date;
  p.status = v.status;
  p.consent = v.consent;
  p.violations = v.violations.size();
  p.nexus = v.nexus.size();
  for (const Attribution& a : v.perpetrators) p.perpetrators.emplace_back(a.party, a.standard);
  pending_facts_.push_back(std::move(p));
  if (pending_facts_.size() >= kPendingFacts) return StagePending();
  return Status::Ok();
}

Status PostgresStore::StagePending() {
  // The new names of every held-back record coded at once.
  std::vector<std::string_view> names;
  for (const PendingFacts& p : pending_facts_) {
    names.push_back(p.situation);
    names.push_back(p.location);
    for (const auto& perpetrator : p.perpetrators) names.push_back(perpetrator.first);
  }
  MARA_RETURN_IF_ERROR(facts_->CodeNames(names));
  IncidentFacts f;
  for (const PendingFacts& p : pending_facts_) {
    f.id = p.id;
    f.situation = p.situation;
    f.location_name = p.location;
    f.date = p.date;
    f.status = p.status;
    f.consent = p.consent;
    f.violation_count = p.violations;
    f.nexus_count = p.nexus;
    f.perpetrators.clear();
    for (const auto& [party, standard] : p.perpetrators) {
      FactAttribution a;
      a.party = party;
      a.standard = standard;
      f.perpetrators.push_back(a);
    }
    MARA_RETURN_IF_ERROR(facts_->Stage(f));
  }
  pending_facts_.clear();
  return Status::Ok();
}

Status PostgresStore::CorruptIncident(std::string_view id, std::string_view column,
                                      std::string_view value) const {
  return Status::Corruption(Where() + ": incident " + QuoteForMessage(id) + " has " +
                            std::string(column) + " " + QuoteForMessage(value) +
                            ", which is not a valid value");
}

Status PostgresStore::DecodeIncident(const Rows& rows, int row, Incident* out,
                                     bool narrative) const {
  Incident& v = *out;
  v.id = rows.Text(row, 0);
  v.situation = rows.Text(row, 1);
  auto bad = [&](std::string_view column, std::string_view value) {
    return CorruptIncident(v.id, column, value);
  };
  auto date = Date::Parse(rows.Text(row, 2));
  if (!date.ok()) return bad("date", rows.Text(row, 2));
  v.date = *date;
  if (!ParseStored(rows.Text(row, 3), &v.date_precision)) {
    return bad("date_precision", rows.Text(row, 3));
  }
  v.location.name = rows.Text(row, 4);
  v.location.admin1 = rows.OptionalText(row, 5);
  v.location.lat.reset();
  v.location.lon.reset();
  if (!rows.IsNull(row, 6)) {
    auto lat = rows.Double(row, 6);
    if (!lat.ok()) return bad("lat", rows.Text(row, 6));
    v.location.lat = *lat;
  }
  if (!rows.IsNull(row, 7)) {
    auto lon = rows.Double(row, 7);
    if (!lon.ok()) return bad("lon", rows.Text(row, 7));
    v.location.lon = *lon;
  }
  MARA_RETURN_IF_ERROR(sealer_.UnsealLocation(v.id, rows.Text(row, 4), &v.location));
  v.violations.clear();
  MARA_RETURN_IF_ERROR(ForEachPart(rows.Text(row, 8), [&](std::string_view part) {
    std::optional<Violation> e = ParseEnum<Violation>(part);
    if (!e) return bad("violation", part);
    v.violations.push_back(*e);
    return Status::Ok();
  }));
  int64_t* counts[] = {&v.victims.women, &v.victims.girls, &v.victims.men, &v.victims.boys,
                       &v.victims.unknown};
  for (int i = 0; i < 5; ++i) {
    auto n = rows.Int(row, 9 + i);
    if (!n.ok()) return bad("victims", rows.Text(row, 9 + i));
    *counts[i] = *n;
  }
  if (!ParseStored(rows.Text(row, 14), &v.context)) return bad("context", rows.Text(row, 14));
  v.nexus.clear();
  MARA_RETURN_IF_ERROR(ForEachPart(rows.Text(row, 15), [&](std::string_view part) {
    std::optional<Nexus> e = ParseEnum<Nexus>(part);
    if (!e) return bad("nexus", part);
    v.nexus.push_back(*e);
    return Status::Ok();
  }));
  if (!ParseStored(rows.Text(row, 16), &v.status)) return bad("status", rows.Text(row, 16));
  v.verified_on.reset();
  if (!rows.IsNull(row, 17)) {
    auto verified_on = Date::Parse(rows.Text(row, 17));
    if (!verified_on.ok()) return bad("verified_on", rows.Text(row, 17));
    v.verified_on = *verified_on;
  }
  v.perpetrators.clear();
  MARA_RETURN_IF_ERROR(ForEachPart(rows.Text(row, 18), [&](std::string_view part) {
    const size_t colon = part.rfind(':');
    std::optional<Standard> standard;
    if (colon != std::string_view::npos) standard = ParseEnum<Standard>(part.substr(colon + 1));
    if (!standard) return bad("perpetrator", part);
    v.perpetrators.push_back({std::string(part.substr(0, colon)), *standard});
    return Status::Ok();
  }));
  v.sources = SplitStrings(rows.Text(row, 19));
  v.narrative.reset();
  if (narrative && !rows.IsNull(row, 20)) {
    MARA_ASSIGN_OR_RETURN(v.narrative,
                          sealer_.Unseal(rows.Text(row, 20), "incidents", v.id, "narrative"));
  }
  if (!ParseStored(rows.Text(row, 21), &v.consent)) return bad("consent", rows.Text(row, 21));
  return Status::Ok();
}

Result<std::optional<Incident>> PostgresStore::GetIncident(std::string_view id) {
  params_.Clear();
  params_.Add(id);
  MARA_ASSIGN_OR_RETURN(Rows rows, Read("get_incident", kSelectIncident));
  if (rows.size() == 0) return std::optional<Incident>();
  Incident v;
  MARA_RETURN_IF_ERROR(DecodeIncident(rows, 0, &v));
  return std::optional<Incident>(std::move(v));
}

Result<bool> PostgresStore::HasIncident(std::string_view id) {
  params_.Clear();
  params_.Add(id);
  MARA_ASSIGN_OR_RETURN(Rows rows, Read("has_incident", "SELECT 1 FROM incidents WHERE id = $1"));
  return rows.size() > 0;
}

Status PostgresStore::ScanRows(std::string_view sql,
                               const std::function<Status(const Rows&, int)>& fn) {
  MARA_RETURN_IF_ERROR(conn_->EndCopy());
  const bool own = !conn_->InTransactionBlock();
  if (own) {
    MARA_RETURN_IF_ERROR(conn_->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ"));
  }
  const std::string cursor = "mara_scan_" + std::to_string(scan_depth_);
  ++scan_depth_;
  Status s = [&]() -> Status {
    MARA_RETURN_IF_ERROR(
        conn_->Exec("DECLARE " + cursor + " NO SCROLL CURSOR FOR " + std::string(sql)));
    const std::string fetch = "FETCH " + std::to_string(kFetchRows) + " FROM " + cursor;
    Params none;
    while (true) {
      MARA_ASSIGN_OR_RETURN(Rows rows, conn_->Query(fetch, none));
      for (int i = 0; i < rows.size(); ++i) MARA_RETURN_IF_ERROR(fn(rows, i));
      if (rows.size() < kFetchRows) break;
    }
    return conn_->Exec("CLOSE " + cursor);
  }();
  --scan_depth_;
  if (own) {
    (void)conn_->Exec(s.ok() ? "COMMIT" : "ROLLBACK");
  } else if (!s.ok() && PQtransactionStatus(conn_->handle()) != PQTRANS_INERROR) {
    (void)conn_->Exec("CLOSE " + cursor);
  }
  return s;
}

Status PostgresStore::ScanIncidents(const std::function<Status(const Incident&)>& fn) {
  return ScanIncidentRows(fn, /*narrative=*/true);
}

Status PostgresStore::ScanIncidentsWithoutNarratives(
    const std::function<Status(const Incident&)>& fn) {
  return ScanIncidentRows(fn, /*narrative=*/false);
}

Status PostgresStore::ScanIncidentRows(const std::function<Status(const Incident&)>& fn,
                                       bool narrative) {
  Incident v;  // reused, so its vectors and strings keep their capacity
  return ScanRows(kSelectIncidents, [&](const Rows& rows, int row) -> Status {
    MARA_RETURN_IF_ERROR(DecodeIncident(rows, row, &v, narrative));
    return fn(v);
  });
}

Status PostgresStore::ScanIncidentFacts(const std::function<Status(const IncidentFacts&)>& fn) {
  if (in_txn_) {
    if (!facts_ready_) return ScanFactRows(fn);
    MARA_RETURN_IF_ERROR(StagePending());
    return facts_->Scan(fn);
  }
  // The names and the buckets are read in one snapshot, so a commit in
  // between cannot give a bucket codes the names do not have.
  const bool own = !conn_->InTransactionBlock();
  if (own) MARA_RETURN_IF_ERROR(conn_->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ"));
  Status s = [&]() -> Status {
    MARA_ASSIGN_OR_RETURN(bool ready, facts_->Ready());
    return ready ? facts_->Scan(fn) : ScanFactRows(fn);
  }();
  if (own) {
    Status ended = conn_->Exec(s.ok() ? "COMMIT" : "ROLLBACK");
    if (s.ok()) s = ended;
  }
  return s;
}

Status PostgresStore::EnsureFactsProjection() {
  MARA_ASSIGN_OR_RETURN(bool ready, facts_->Ready());
  if (ready) return Status::Ok();
  MARA_ASSIGN_OR_RETURN(bool read_only, ReadOnly());
  if (read_only) return Status::Ok();
  MARA_RETURN_IF_ERROR(Begin());
  // Another process may have built it while this one waited for the lock.
  Status s = facts_ready_ ? Status::Ok()
                          : facts_->Rebuild([this](const auto& fn) { return ScanFactRows(fn); });
  if (s.ok()) {
    facts_ready_ = true;
    s = Commit();
  } else {
    Rollback();
  }
  // Opened without the data key: sealed locations cannot be projected.
  if (s.code() == StatusCode::kPermissionDenied) return Status::Ok();
  return s;
}

Status PostgresStore::ScanFactRows(const std::function<Status(const IncidentFacts&)>& fn) {
  IncidentFacts f;
  f.perpetrators.reserve(8);
  Location sealed;
  // No ORDER BY: the contract allows any order, and a sequential scan is
  // what a million rows want.
  return ScanRows(
      "SELECT id, situation, date, status, consent, violations, nexus, location_name, "
      "perpetrators FROM incidents",
      [&](const Rows& rows, int row) -> Status {
        f.id = rows.Text(row, 0);
        f.situation = rows.Text(row, 1);
        auto date = Date::Parse(rows.Text(row, 2));
        if (!date.ok()) return CorruptIncident(f.id, "date", rows.Text(row, 2));
        f.date = *date;
        if (!ParseStored(rows.Text(row, 3), &f.status)) {
          return CorruptIncident(f.id, "status", rows.Text(row, 3));
        }
        if (!ParseStored(rows.Text(row, 4), &f.consent)) {
          return CorruptIncident(f.id, "consent", rows.Text(row, 4));
        }
        f.violation_count = CountParts(rows.Text(row, 5));
        f.nexus_count = CountParts(rows.Text(row, 6));
        f.location_name = rows.Text(row, 7);
        if (security::IsEncryptedField(f.location_name)) {
          MARA_RETURN_IF_ERROR(sealer_.UnsealLocation(f.id, f.location_name, &sealed));
          f.location_name = sealed.name;
        }
        // As the projection holds it: a token when locations are sealed.
        f.location_name = sealer_.FactsLocation(f.location_name);
        f.perpetrators.clear();
        MARA_RETURN_IF_ERROR(ForEachPart(rows.Text(row, 8), [&](std::string_view part) {
          const size_t colon = part.rfind(':');
          std::optional<Standard> standard;
          if (colon != std::string_view::npos) {
            standard = ParseEnum<Standard>(part.substr(colon + 1));
          }
          if (!standard) return CorruptIncident(f.id, "perpetrator", part);
          FactAttribution a;
          a.party = part.substr(0, colon);
          a.standard = *standard;
          f.perpetrators.push_back(a);
          return Status::Ok();
        }));
        return fn(f);
      });
}

// ---------------------------------------------------------------- registry reads

template <typename T>
Status PostgresStore::LoadDocs(std::string_view sql, std::string_view collection,
                               std::vector<T>* out, bool sealed) {
  Params none;
  MARA_ASSIGN_OR_RETURN(Rows rows, conn_->Query(sql, none));
  return DecodeDocs(rows, collection, out, sealed);
}

template <typename T>
Status PostgresStore::DecodeDocs(const Rows& rows, std::string_view collection, std::vector<T>* out,
                                 bool sealed) {
  for (int i = 0; i < rows.size(); ++i) {
    const std::string_view key = rows.Text(i, 0);
    std::string doc(rows.Text(i, 1));
    if (sealed) {
      MARA_ASSIGN_OR_RETURN(doc, sealer_.Unseal(doc, collection, key, "doc"));
    }
    auto corrupt = [&](std::string_view why) {
      return Status::Corruption(Where() + ": stored " + std::string(collection) + " record " +
                                QuoteForMessage(key) + " cannot be read: " + std::string(why));
    };
    Json json = Json::parse(doc, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) return corrupt("not a JSON document");
    T value;
    Status s = FromJson(json, &value);
    if (!s.ok()) return corrupt(s.message());
    out->push_back(std::move(value));
  }
  return Status::Ok();
}

Result<Bundle> PostgresStore::LoadRegistry() {
  Bundle b;
  MARA_RETURN_IF_ERROR(
      LoadDocs("SELECT id, doc FROM situations ORDER BY id", "situations", &b.situations));
  MARA_RETURN_IF_ERROR(LoadDocs("SELECT id, doc FROM parties ORDER BY id", "parties", &b.parties));
  MARA_RETURN_IF_ERROR(
      LoadDocs("SELECT id, doc FROM sources ORDER BY id", "sources", &b.sources, true));
  MARA_RETURN_IF_ERROR(
      LoadDocs("SELECT id, doc FROM evidence ORDER BY id", "evidence", &b.evidence, true));
  MARA_RETURN_IF_ERROR(
      LoadDocs("SELECT party || '/' || cycle || '/' || source, doc FROM findings "
               "ORDER BY party, cycle, source",
               "findings", &b.findings));
  MARA_RETURN_IF_ERROR(
      LoadDocs("SELECT id, doc FROM commitments ORDER BY id", "commitments", &b.commitments));
  MARA_RETURN_IF_ERROR(
      LoadDocs("SELECT party || '/' || cycle, doc FROM decisions ORDER BY party, cycle",
               "decisions", &b.decisions, true));
  MARA_RETURN_IF_ERROR(
      LoadDocs("SELECT party || '/' || authority || '/' || program || '/' || listed_on, doc "
               "FROM designations ORDER BY party, authority, program, listed_on",
               "designations", &b.designations));
  MARA_RETURN_IF_ERROR(
      LoadDocs("SELECT id, doc FROM statements ORDER BY id", "statements", &b.statements));
  MARA_RETURN_IF_ERROR(
      LoadDocs("SELECT party || '/' || date || '/' || kind, doc FROM engagements "
               "ORDER BY party, date, kind",
               "engagements", &b.engagements, true));
  MARA_RETURN_IF_ERROR(
      LoadDocs("SELECT party || '/' || filed, doc FROM petitions ORDER BY party, filed",
               "petitions", &b.petitions, true));
  return b;
}

Result<CollectionCounts> PostgresStore::Counts() {
  params_.Clear();
  MARA_ASSIGN_OR_RETURN(
      Rows rows, Read("counts",
                      "SELECT (SELECT count(*) FROM situations), (SELECT count(*) FROM parties), "
                      "(SELECT count(*) FROM sources), (SELECT count(*) FROM incidents), "
                      "(SELECT count(*) FROM evidence), (SELECT count(*) FROM findings), "
                      "(SELECT count(*) FROM commitments), (SELECT count(*) FROM decisions), "
                      "(SELECT count(*) FROM designations), (SELECT count(*) FROM statements), "
                      "(SELECT count(*) FROM engagements), (SELECT count(*) FROM petitions)"));
  CollectionCounts counts;
  for (int i = 0; i < 12; ++i) {
    MARA_ASSIGN_OR_RETURN(counts.counts[i], rows.Int(0, i));
  }
  return counts;
}

// ---------------------------------------------------------------- meta

Result<std::optional<std::string>> PostgresStore::GetMeta(std::string_view key) {
  params_.Clear();
  params_.Add(key);
  MARA_ASSIGN_OR_RETURN(Rows rows, Read("get_meta", "SELECT value FROM meta WHERE key = $1"));
  if (rows.size() == 0) return std::optional<std::string>();
  if (MetaIsSealed(key)) {
    MARA_ASSIGN_OR_RETURN(std::string plain, sealer_.Unseal(rows.Text(0, 0), "meta", key, "value"));
    return std::optional<std::string>(std::move(plain));
  }
  return std::optional<std::string>(std::string(rows.Text(0, 0)));
}

Result<std::vector<std::pair<std::string, std::string>>> PostgresStore::ListMeta(
    std::string_view prefix) {
  params_.Clear();
  params_.Add(prefix);
  MARA_ASSIGN_OR_RETURN(
      Rows rows, Read("list_meta",
                      "SELECT key, value FROM meta WHERE left(key, length($1::text)) = $1::text "
                      "ORDER BY key"));
  std::vector<std::pair<std::string, std::string>> out;
  for (int i = 0; i < rows.size(); ++i) {
    std::string key(rows.Text(i, 0));
    std::string value(rows.Text(i, 1));
    if (MetaIsSealed(key)) {
      MARA_ASSIGN_OR_RETURN(value, sealer_.Unseal(value, "meta", key, "value"));
    }
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

Status PostgresStore::PutMeta(std::string_view key, std::string_view value) {
  if (key == kDataVersionKey) {
    return Status::InvalidArgument(Where() + ": meta key 'data_version' belongs to the store");
  }
  std::string sealed;
  if (MetaIsSealed(key)) {
    MARA_ASSIGN_OR_RETURN(sealed, sealer_.Seal(value, "meta", key, "value"));
    value = sealed;
  }
  params_.Clear();
  params_.Add(key);
  params_.Add(value);
  // Meta holds caches of derived data, so writing it is not a data change.
  MARA_ASSIGN_OR_RETURN(Rows rows, Read("put_meta",
                                        "INSERT INTO meta(key, value) VALUES ($1, $2) "
                                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
  return Status::Ok();
}

Result<int64_t> PostgresStore::DataVersion() {
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

constexpr std::string_view kNameReviewColumns =
    "id, origin, query, provisional_party, candidates, reason, status, resolved_party, "
    "decided_by, decided_at, note";

Result<NameReview> ReadNameReview(const Rows& rows, int i) {
  NameReview v;
  MARA_ASSIGN_OR_RETURN(v.id, rows.Int(i, 0));
  v.origin = rows.Text(i, 1);
  v.query = rows.Text(i, 2);
  v.provisional_party = rows.Text(i, 3);
  v.candidates = rows.Text(i, 4);
  v.reason = rows.Text(i, 5);
  v.status = rows.Text(i, 6);
  v.resolved_party = rows.Text(i, 7);
  v.decided_by = rows.Text(i, 8);
  v.decided_at = rows.Text(i, 9);
  v.note = rows.Text(i, 10);  // as stored: the caller unseals it
  return v;
}

Result<int64_t> PostgresStore::PutNameReview(const NameReview& v) {
  MARA_RETURN_IF_ERROR(RequireTransaction("PutNameReview"));
  if (v.status != "pending" && v.status != "accepted" && v.status != "rejected" &&
      v.status != "created") {
    return Status::InvalidArgument(Where() + ": name review status " + QuoteForMessage(v.status) +
                                   " (expected pending, accepted, rejected or created)");
  }
  params_.Clear();
  for (const std::string* s : {&v.origin, &v.query, &v.provisional_party, &v.candidates, &v.reason,
                               &v.status, &v.resolved_party, &v.decided_by, &v.decided_at}) {
    params_.Add(*s);
  }
  std::string note;
  if (!v.note.empty()) {
    MARA_ASSIGN_OR_RETURN(note, sealer_.Seal(v.note, "name_reviews", SealedDocKey(v), "note"));
  }
  params_.Add(note);
  // A new entry's id is max + 1 like SQLite's rowid (writers are serialised).
  MARA_ASSIGN_OR_RETURN(
      Rows rows,
      Write("put_name_review",
            "INSERT INTO name_reviews(id, origin, query, provisional_party, candidates, reason, "
            "status, resolved_party, decided_by, decided_at, note) "
            "SELECT coalesce(max(id), 0) + 1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 "
            "FROM name_reviews ON CONFLICT (origin, query) DO UPDATE SET "
            "provisional_party = excluded.provisional_party, candidates = excluded.candidates, "
            "reason = excluded.reason, status = excluded.status, "
            "resolved_party = excluded.resolved_party, decided_by = excluded.decided_by, "
            "decided_at = excluded.decided_at, note = excluded.note RETURNING id"));
  if (rows.size() == 0)
    return Status::IOError(Where() + ": upsert of a name review returned no id");
  return rows.Int(0, 0);
}

Result<std::optional<NameReview>> PostgresStore::GetNameReview(int64_t id) {
  params_.Clear();
  params_.AddInt(id);
  MARA_ASSIGN_OR_RETURN(Rows rows,
                        Read("get_name_review", "SELECT " + std::string(kNameReviewColumns) +
                                                    " FROM name_reviews WHERE id = $1"));
  if (rows.size() == 0) return std::optional<NameReview>();
  MARA_ASSIGN_OR_RETURN(NameReview v, ReadNameReview(rows, 0));
  MARA_RETURN_IF_ERROR(UnsealNote(&v));
  return std::optional<NameReview>(std::move(v));
}

Result<std::vector<NameReview>> PostgresStore::ListNameReviews() {
  params_.Clear();
  MARA_ASSIGN_OR_RETURN(Rows rows,
                        Read("list_name_reviews", "SELECT " + std::string(kNameReviewColumns) +
                                                      " FROM name_reviews ORDER BY id"));
  std::vector<NameReview> out;
  for (int i = 0; i < rows.size(); ++i) {
    MARA_ASSIGN_OR_RETURN(NameReview v, ReadNameReview(rows, i));
    MARA_RETURN_IF_ERROR(UnsealNote(&v));
    out.push_back(std::move(v));
  }
  return out;
}

// ---------------------------------------------------------------- users

constexpr std::string_view kUserColumns =
    "name, password_hash, roles, situations, disabled, created_at, language";

UserRecord ReadUser(const Rows& rows, int i) {
  UserRecord u;
  u.name = rows.Text(i, 0);
  u.password_hash = rows.Text(i, 1);
  u.roles = SplitStrings(rows.Text(i, 2));
  u.situations = SplitStrings(rows.Text(i, 3));
  u.disabled = rows.Text(i, 4) == "t";
  u.created_at = rows.Text(i, 5);
  u.language = rows.Text(i, 6);
  return u;
}

Status PostgresStore::PutUser(const UserRecord& user) {
  MARA_RETURN_IF_ERROR(RequireTransaction("PutUser"));
  std::string roles;
  std::string situations;
  JoinStrings(user.roles, &roles);
  JoinStrings(user.situations, &situations);
  params_.Clear();
  params_.Add(user.name);
  params_.Add(user.password_hash);
  params_.Add(roles);
  params_.Add(situations);
  params_.Add(user.disabled ? "true" : "false");
  params_.Add(user.created_at);
  params_.Add(user.language);
  // Principals are not data of the listing: no DataVersion bump.
  MARA_ASSIGN_OR_RETURN(
      Rows rows,
      Read("put_user",
           "INSERT INTO users(name, password_hash, roles, situations, disabled, created_at, "
           "language) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO UPDATE SET "
           "password_hash = excluded.password_hash, roles = excluded.roles, "
           "situations = excluded.situations, disabled = excluded.disabled, "
           "created_at = excluded.created_at, language = excluded.language"));
  return Status::Ok();
}

Result<std::optional<UserRecord>> PostgresStore::GetUser(std::string_view name) {
  params_.Clear();
  params_.Add(name);
  MARA_ASSIGN_OR_RETURN(Rows rows, Read("get_user", "SELECT " + std::string(kUserColumns) +
                                                        " FROM users WHERE name = $1"));
  if (rows.size() == 0) return std::optional<UserRecord>();
  return std::optional<UserRecord>(ReadUser(rows, 0));
}

Result<std::vector<UserRecord>> PostgresStore::ListUsers() {
  params_.Clear();
  MARA_ASSIGN_OR_RETURN(Rows rows, Read("list_users", "SELECT " + std::string(kUserColumns) +
                                                          " FROM users ORDER BY name"));
  std::vector<UserRecord> out;
  for (int i = 0; i < rows.size(); ++i) out.push_back(ReadUser(rows, i));
  return out;
}

// ---------------------------------------------------------------- provenance

Result<std::optional<IncidentProvenance>> PostgresStore::GetIncidentProvenance(
    std::string_view id) {
  params_.Clear();
  params_.Add(id);
  MARA_ASSIGN_OR_RETURN(
      Rows rows,
      Read("get_provenance", "SELECT created_by, edited_by FROM incidents WHERE id = $1"));
  if (rows.size() == 0) return std::optional<IncidentProvenance>();
  return std::optional<IncidentProvenance>(
      IncidentProvenance{std::string(rows.Text(0, 0)), std::string(rows.Text(0, 1))});
}

Status PostgresStore::SetIncidentEditor(std::string_view id, std::string_view principal) {
  MARA_RETURN_IF_ERROR(RequireTransaction("SetIncidentEditor"));
  params_.Clear();
  params_.Add(id);
  params_.Add(principal);
  MARA_ASSIGN_OR_RETURN(
      Rows rows, Read("set_editor",
                      "UPDATE incidents SET edited_by = $2, created_by = CASE WHEN created_by = "
                      "'' THEN $2 ELSE created_by END WHERE id = $1"));
  if (rows.Affected() == 0) {
    return Status::NotFound(Where() + ": no incident " + QuoteForMessage(id));
  }
  return Status::Ok();
}

// ---------------------------------------------------------------- audit

Result<security::AuditHead> PostgresStore::GetAuditHead() {
  params_.Clear();
  MARA_ASSIGN_OR_RETURN(Rows rows, Read("audit_head", "SELECT seq, hash FROM audit_head"));
  if (rows.size() == 0) return Status::Corruption(Where() + ": the audit log has no head row");
  MARA_ASSIGN_OR_RETURN(int64_t seq, rows.Int(0, 0));
  return security::AuditHead{static_cast<uint64_t>(seq), std::string(rows.Text(0, 1))};
}

Status PostgresStore::AppendAuditRecord(const security::AuditRecord& r) {
  // Outside a transaction the append is a transaction of its own. Either
  // way the head row is locked before it is compared, so a second appender
  // waits, then sees the moved head and gets kConflict: no fork.
  const bool own = !in_txn_;
  if (own) {
    if (conn_->InTransactionBlock()) {
      return Status::InvalidArgument(Where() + ": audit append inside a scan's callback");
    }
    MARA_RETURN_IF_ERROR(
        conn_->Exec("BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL "
                    "lock_timeout = '" +
                    std::to_string(kLockWaitSeconds) + "s'"));
  } else {
    MARA_RETURN_IF_ERROR(conn_->Exec("SAVEPOINT mara_audit"));
  }
  Status s = [&]() -> Status {
    params_.Clear();
    MARA_ASSIGN_OR_RETURN(Rows head,
                          Read("audit_head_lock", "SELECT seq, hash FROM audit_head FOR UPDATE"));
    if (head.size() == 0) return Status::Corruption(Where() + ": the audit log has no head row");
    MARA_ASSIGN_OR_RETURN(int64_t seq, head.Int(0, 0));
    if (r.seq != static_cast<uint64_t>(seq) + 1 || r.prev_hash != head.Text(0, 1)) {
      return Status::Conflict(Where() + ": audit record " + std::to_string(r.seq) +
                              " does not extend the head (record " + std::to_string(seq) +
                              "); another writer appended first");
    }
    params_.Clear();
    params_.AddInt(static_cast<int64_t>(r.seq));
    params_.AddInt(r.time_ms);
    for (const std::string* f :
         {&r.principal, &r.action, &r.collection, &r.target_id, &r.before_digest, &r.after_digest,
          &r.prev_hash, &r.hash, &r.state_digest}) {
      params_.Add(*f);
    }
    MARA_ASSIGN_OR_RETURN(
        Rows inserted,
        Read("audit_insert",
             "INSERT INTO audit_records(seq, time_ms, principal, action, collection, target_id, "
             "before_digest, after_digest, prev_hash, hash, state_digest) "
             "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"));
    params_.Clear();
    params_.AddInt(static_cast<int64_t>(r.seq));
    params_.Add(r.hash);
    MARA_ASSIGN_OR_RETURN(Rows moved,
                          Read("audit_move_head", "UPDATE audit_head SET seq = $1, hash = $2"));
    return Status::Ok();
  }();
  if (own) {
    if (s.ok()) {
      s = conn_->Exec("COMMIT");
    } else {
      (void)conn_->Exec("ROLLBACK");
    }
  } else if (s.ok()) {
    s = conn_->Exec("RELEASE SAVEPOINT mara_audit");
  } else {
    (void)conn_->Exec("ROLLBACK TO SAVEPOINT mara_audit; RELEASE SAVEPOINT mara_audit");
  }
  return s;
}

Status PostgresStore::AppendAuditCheckpoint(const security::AuditCheckpoint& cp) {
  params_.Clear();
  params_.AddInt(static_cast<int64_t>(cp.seq));
  params_.Add(cp.hash);
  params_.Add(cp.key_id);
  params_.Add(cp.signature);
  params_.AddInt(static_cast<int64_t>(cp.every));
  MARA_ASSIGN_OR_RETURN(Rows rows,
                        Read("audit_checkpoint",
                             "INSERT INTO audit_checkpoints(seq, hash, key_id, signature, every) "
                             "VALUES ($1, $2, $3, $4, $5)"));
  return Status::Ok();
}

Status PostgresStore::ScanAuditRecords(
    const std::function<Status(const security::AuditRecord&)>& fn) {
  security::AuditRecord r;
  return ScanRows(
      "SELECT seq, time_ms, principal, action, collection, target_id, before_digest, "
      "after_digest, prev_hash, hash, state_digest FROM audit_records ORDER BY seq",
      [&](const Rows& rows, int i) -> Status {
        MARA_ASSIGN_OR_RETURN(int64_t seq, rows.Int(i, 0));
        r.seq = static_cast<uint64_t>(seq);
        MARA_ASSIGN_OR_RETURN(r.time_ms, rows.Int(i, 1));
        r.principal = rows.Text(i, 2);
        r.action = rows.Text(i, 3);
        r.collection = rows.Text(i, 4);
        r.target_id = rows.Text(i, 5);
        r.before_digest = rows.Text(i, 6);
        r.after_digest = rows.Text(i, 7);
        r.prev_hash = rows.Text(i, 8);
        r.hash = rows.Text(i, 9);
        r.state_digest = rows.Text(i, 10);
        return fn(r);
      });
}

Status PostgresStore::AppendStateEntries(std::span<const StateEntry> entries) {
  MARA_RETURN_IF_ERROR(RequireTransaction("AppendStateEntries"));
  if (entries.empty()) return Status::Ok();
  MARA_RETURN_IF_ERROR(
      conn_->BeginCopy("COPY audit_state(seq, ord, collection, id, digest) FROM STDIN"));
  dirty_ = true;
  for (const StateEntry& e : entries) {
    for (std::string_view text :
         {std::string_view(e.collection), std::string_view(e.id), std::string_view(e.digest)}) {
      if (text.find('\0') != std::string_view::npos) {
        return Status::InvalidArgument(Where() + ": state entry " + QuoteForMessage(e.id) +
                                       " holds a NUL byte");
      }
    }
    copy_line_ = std::to_string(e.seq);
    copy_line_.push_back('\t');
    copy_line_.append(std::to_string(e.ord));
    copy_line_.push_back('\t');
    pg::AppendCopyText(e.collection, &copy_line_);
    copy_line_.push_back('\t');
    pg::AppendCopyText(e.id, &copy_line_);
    copy_line_.push_back('\t');
    pg::AppendCopyText(e.digest, &copy_line_);
    copy_line_.push_back('\n');
    MARA_RETURN_IF_ERROR(conn_->CopyRow(copy_line_));
  }
  return Status::Ok();
}

Result<std::optional<std::string>> PostgresStore::LatestStateDigest(std::string_view collection,
                                                                    std::string_view id) {
  if (collection == "incidents") {
    return Status::InvalidArgument(Where() + ": the state ledger is not indexed for incidents");
  }
  params_.Clear();
  params_.Add(collection);
  params_.Add(id);
  // The literal term lets the partial index audit_state_record serve a
  // generic plan too.
  MARA_ASSIGN_OR_RETURN(Rows rows, Read("latest_state_digest",
                                        "SELECT digest FROM audit_state WHERE collection = $1 "
                                        "AND id = $2 AND collection <> 'incidents' "
                                        "ORDER BY seq DESC, ord DESC LIMIT 1"));
  if (rows.size() == 0) return std::optional<std::string>();
  return std::optional<std::string>(std::string(rows.Text(0, 0)));
}

Status PostgresStore::ScanStateEntries(const std::function<Status(const StateEntry&)>& fn) {
  StateEntry e;
  return ScanRows("SELECT seq, ord, collection, id, digest FROM audit_state ORDER BY seq, ord",
                  [&](const Rows& rows, int i) -> Status {
                    MARA_ASSIGN_OR_RETURN(int64_t seq, rows.Int(i, 0));
                    MARA_ASSIGN_OR_RETURN(int64_t ord, rows.Int(i, 1));
                    e.seq = static_cast<uint64_t>(seq);
                    e.ord = static_cast<uint64_t>(ord);
                    e.collection = rows.Text(i, 2);
                    e.id = rows.Text(i, 3);
                    e.digest = rows.Text(i, 4);
                    return fn(e);
                  });
}

Result<std::vector<security::AuditCheckpoint>> PostgresStore::ListAuditCheckpoints() {
  params_.Clear();
  MARA_ASSIGN_OR_RETURN(Rows rows,
                        Read("list_checkpoints",
                             "SELECT seq, hash, key_id, signature, every FROM audit_checkpoints "
                             "ORDER BY id"));
  std::vector<security::AuditCheckpoint> out;
  for (int i = 0; i < rows.size(); ++i) {
    MARA_ASSIGN_OR_RETURN(int64_t seq, rows.Int(i, 0));
    MARA_ASSIGN_OR_RETURN(int64_t every, rows.Int(i, 4));
    out.push_back({static_cast<uint64_t>(seq), std::string(rows.Text(i, 1)),
                   std::string(rows.Text(i, 2)), std::string(rows.Text(i, 3)),
                   static_cast<uint64_t>(every)});
  }
  return out;
}

// ---------------------------------------------------------------- resealing

Result<int64_t> PostgresStore::ResealFields() {
  if (!sealer_.enabled()) {
    return Status::PermissionDenied(Where() + ": re-encryption needs the data key");
  }
  MARA_RETURN_IF_ERROR(RequireTransaction("ResealFields"));
  int64_t rewritten = 0;
  // Narratives in batches by id, so memory stays bounded.
  constexpr int kBatch = 4096;
  std::string after;
  while (true) {
    std::vector<std::pair<std::string, std::string>> batch;
    params_.Clear();
    params_.Add(after);
    params_.AddInt(kBatch);
    MARA_ASSIGN_OR_RETURN(Rows rows, Read("reseal_batch",
                                          "SELECT id, narrative FROM incidents WHERE id > $1 AND "
                                          "narrative IS NOT NULL ORDER BY id LIMIT $2"));
    for (int i = 0; i < rows.size(); ++i) batch.emplace_back(rows.Text(i, 0), rows.Text(i, 1));
    if (batch.empty()) break;
    after = batch.back().first;
    for (auto& [id, stored] : batch) {
      if (!sealer_.NeedsReseal(stored)) continue;
      MARA_ASSIGN_OR_RETURN(std::string plain,
                            sealer_.Unseal(stored, "incidents", id, "narrative"));
      MARA_ASSIGN_OR_RETURN(std::string sealed, sealer_.Seal(plain, "incidents", id, "narrative"));
      params_.Clear();
      params_.Add(id);
      params_.Add(sealed);
      MARA_ASSIGN_OR_RETURN(
          Rows up, Read("reseal_narrative", "UPDATE incidents SET narrative = $2 WHERE id = $1"));
      ++rewritten;
    }
  }
  // Locations of the incidents no output shows, the same way.
  after.clear();
  while (true) {
    std::vector<Incident> batch;
    params_.Clear();
    params_.Add(after);
    params_.AddInt(kBatch);
    params_.Add(ToString(Consent::kInternalUse));
    params_.Add(ToString(Consent::kWithdrawn));
    MARA_ASSIGN_OR_RETURN(
        Rows rows, Read("reseal_location_batch",
                        "SELECT id, location_name, admin1, lat, lon FROM incidents WHERE id > $1 "
                        "AND consent IN ($3, $4) ORDER BY id LIMIT $2"));
    for (int i = 0; i < rows.size(); ++i) {
      Incident& v = batch.emplace_back();
      v.id = rows.Text(i, 0);
      v.consent = Consent::kInternalUse;
      v.location.name = rows.Text(i, 1);
      v.location.admin1 = rows.OptionalText(i, 2);
      if (!rows.IsNull(i, 3)) {
        MARA_ASSIGN_OR_RETURN(v.location.lat, rows.Double(i, 3));
      }
      if (!rows.IsNull(i, 4)) {
        MARA_ASSIGN_OR_RETURN(v.location.lon, rows.Double(i, 4));
      }
    }
    if (batch.empty()) break;
    after = batch.back().id;
    for (Incident& v : batch) {
      if (security::IsEncryptedField(v.location.name) && !sealer_.NeedsReseal(v.location.name)) {
        continue;
      }
      MARA_RETURN_IF_ERROR(sealer_.UnsealLocation(v.id, v.location.name, &v.location));
      MARA_ASSIGN_OR_RETURN(StoredLocation stored, sealer_.SealLocation(v));
      params_.Clear();
      params_.Add(v.id);
      params_.Add(stored.name);
      MARA_ASSIGN_OR_RETURN(Rows up, Read("reseal_location",
                                          "UPDATE incidents SET location_name = $2, admin1 = "
                                          "NULL, lat = NULL, lon = NULL WHERE id = $1"));
      ++rewritten;
    }
  }
  params_.Clear();
  MARA_ASSIGN_OR_RETURN(Rows sources,
                        Read("reseal_sources", "SELECT id, doc FROM sources ORDER BY id"));
  for (int i = 0; i < sources.size(); ++i) {
    const std::string id(sources.Text(i, 0));
    const std::string stored(sources.Text(i, 1));
    if (!sealer_.NeedsReseal(stored)) continue;
    MARA_ASSIGN_OR_RETURN(std::string plain, sealer_.Unseal(stored, "sources", id, "doc"));
    Source source;
    Json json = Json::parse(plain, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !FromJson(json, &source).ok()) {
      return Status::Corruption(Where() + ": stored source " + QuoteForMessage(id) +
                                " cannot be read");
    }
    if (!SourceIsSealed(source) && !security::IsEncryptedField(stored)) continue;
    MARA_ASSIGN_OR_RETURN(std::string sealed, sealer_.Seal(plain, "sources", id, "doc"));
    params_.Clear();
    params_.Add(id);
    params_.Add(sealed);
    MARA_ASSIGN_OR_RETURN(Rows up,
                          Read("reseal_source", "UPDATE sources SET doc = $2 WHERE id = $1"));
    ++rewritten;
  }
  for (const SealedDocTable& t : kSealedDocTables) {
    const std::string table(t.table);
    params_.Clear();
    MARA_ASSIGN_OR_RETURN(
        Rows docs,
        Read("reseal_list_" + table, "SELECT " + std::string(t.key_sql) + ", doc FROM " + table));
    std::vector<std::pair<std::string, std::string>> pending;
    for (int i = 0; i < docs.size(); ++i) {
      std::string stored(docs.Text(i, 1));
      if (sealer_.NeedsReseal(stored)) pending.emplace_back(docs.Text(i, 0), std::move(stored));
    }
    for (auto& [key, stored] : pending) {
      MARA_ASSIGN_OR_RETURN(std::string plain, sealer_.Unseal(stored, t.table, key, "doc"));
      MARA_ASSIGN_OR_RETURN(std::string sealed, sealer_.Seal(plain, t.table, key, "doc"));
      params_.Clear();
      params_.Add(key);
      params_.Add(sealed);
      MARA_ASSIGN_OR_RETURN(Rows up,
                            Read("reseal_doc_" + table, "UPDATE " + table + " SET doc = $2 WHERE " +
                                                            std::string(t.key_sql) + " = $1"));
      ++rewritten;
    }
  }
  // Sealed meta entries, bound to their key.
  for (std::string_view prefix : kSealedMetaPrefixes) {
    params_.Clear();
    params_.Add(prefix);
    MARA_ASSIGN_OR_RETURN(Rows entries, Read("reseal_list_meta",
                                             "SELECT key, value FROM meta WHERE "
                                             "left(key, length($1::text)) = $1::text"));
    std::vector<std::pair<std::string, std::string>> pending;
    for (int i = 0; i < entries.size(); ++i) {
      if (sealer_.NeedsReseal(entries.Text(i, 1))) {
        pending.emplace_back(entries.Text(i, 0), entries.Text(i, 1));
      }
    }
    for (auto& [key, stored] : pending) {
      MARA_ASSIGN_OR_RETURN(std::string plain, sealer_.Unseal(stored, "meta", key, "value"));
      MARA_ASSIGN_OR_RETURN(std::string sealed, sealer_.Seal(plain, "meta", key, "value"));
      params_.Clear();
      params_.Add(key);
      params_.Add(sealed);
      MARA_ASSIGN_OR_RETURN(Rows up,
                            Read("reseal_meta", "UPDATE meta SET value = $2 WHERE key = $1"));
      ++rewritten;
    }
  }
  // Name-review notes, bound to origin/query.
  params_.Clear();
  MARA_ASSIGN_OR_RETURN(Rows notes, Read("reseal_list_notes",
                                         "SELECT id, origin, query, note FROM name_reviews "
                                         "WHERE note <> '' ORDER BY id"));
  std::vector<NameReview> pending;
  for (int i = 0; i < notes.size(); ++i) {
    if (!sealer_.NeedsReseal(notes.Text(i, 3))) continue;
    NameReview& v = pending.emplace_back();
    MARA_ASSIGN_OR_RETURN(v.id, notes.Int(i, 0));
    v.origin = notes.Text(i, 1);
    v.query = notes.Text(i, 2);
    v.note = notes.Text(i, 3);
  }
  for (NameReview& v : pending) {
    MARA_RETURN_IF_ERROR(UnsealNote(&v));
    MARA_ASSIGN_OR_RETURN(std::string sealed,
                          sealer_.Seal(v.note, "name_reviews", SealedDocKey(v), "note"));
    params_.Clear();
    params_.AddInt(v.id);
    params_.Add(sealed);
    MARA_ASSIGN_OR_RETURN(Rows up,
                          Read("reseal_note", "UPDATE name_reviews SET note = $2 WHERE id = $1"));
    ++rewritten;
  }
  return rewritten;
}

// ---------------------------------------------------------------- integrity

Result<std::string> PostgresStore::IntegrityCheck() {
  // The server enforces the foreign keys; these queries find rows that
  // slipped past them (constraints disabled during a restore, for one).
  struct Reference {
    std::string_view table, key, column, parent;
  };
  static constexpr Reference kReferences[] = {
      {"parties", "id", "situation", "situations"},  {"parties", "id", "parent", "parties"},
      {"findings", "party", "party", "parties"},     {"findings", "party", "source", "sources"},
      {"commitments", "id", "party", "parties"},     {"decisions", "party", "party", "parties"},
      {"designations", "party", "party", "parties"}, {"engagements", "party", "party", "parties"},
      {"petitions", "party", "party", "parties"},    {"communications", "id", "party", "parties"},
  };
  std::vector<std::string> problems;
  Params none;
  for (const Reference& r : kReferences) {
    // Names come from this schema's own catalogue above, never from input.
    const std::string sql = "SELECT t." + std::string(r.key) + ", t." + std::string(r.column) +
                            " FROM " + std::string(r.table) + " t WHERE t." +
                            std::string(r.column) + " IS NOT NULL AND NOT EXISTS (SELECT 1 FROM " +
                            std::string(r.parent) + " p WHERE p.id = t." + std::string(r.column) +
                            ") ORDER BY 1";
    MARA_ASSIGN_OR_RETURN(Rows rows, conn_->Query(sql, none));
    for (int i = 0; i < rows.size(); ++i) {
      problems.push_back(std::string(r.table) + " " + QuoteForMessage(rows.Text(i, 0)) + ": " +
                         std::string(r.column) + " " + QuoteForMessage(rows.Text(i, 1)) +
                         " does not exist in " + std::string(r.parent));
    }
  }
  MARA_ASSIGN_OR_RETURN(Rows chain,
                        conn_->Query("SELECT (SELECT count(*) FROM audit_records), "
                                     "(SELECT coalesce(max(seq), 0) FROM audit_records), "
                                     "(SELECT seq FROM audit_head)",
                                     none));
  MARA_ASSIGN_OR_RETURN(int64_t records, chain.Int(0, 0));
  MARA_ASSIGN_OR_RETURN(int64_t max_seq, chain.Int(0, 1));
  MARA_ASSIGN_OR_RETURN(int64_t head_seq, chain.Int(0, 2));
  if (records != max_seq || head_seq != max_seq) {
    problems.push_back("audit_records: " + std::to_string(records) + " records, last seq " +
                       std::to_string(max_seq) + ", head at " + std::to_string(head_seq));
  }
  MARA_ASSIGN_OR_RETURN(bool facts_ready, facts_->Ready());
  if (facts_ready) {
    // The rows, the names and the buckets in one snapshot.
    const bool own = !conn_->InTransactionBlock();
    if (own) MARA_RETURN_IF_ERROR(conn_->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ"));
    Status checked = facts_->Check([this](const auto& fn) { return ScanFactRows(fn); }, &problems);
    if (own) (void)conn_->Exec(checked.ok() ? "COMMIT" : "ROLLBACK");
    MARA_RETURN_IF_ERROR(checked);
  }
  if (problems.empty()) return std::string("ok");
  std::string out;
  for (const std::string& p : problems) {
    if (!out.empty()) out += '\n';
    out += p;
  }
  return out;
}

}  // namespace

bool IsPostgresUrl(std::string_view url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url,
                                                 const StoreOptions& options) {
  // Read-only sessions get a pool of their own: the setting travels in the
  // connection's options, never onto a connection others may lease.
  std::string effective = url;
  if (options.read_only) {
    effective += url.find('?') == std::string::npos ? "?" : "&";
    effective += "options=-c%20default_transaction_read_only%3Don";
  }
  std::shared_ptr<pg::Pool> pool = pg::Pool::For(effective);
  MARA_ASSIGN_OR_RETURN(pg::Lease lease, pool->Acquire());
  MARA_ASSIGN_OR_RETURN(int version, postgres::Migrate(*lease, options.create_if_missing));
  auto store = std::make_unique<PostgresStore>(std::move(lease), version, options.keys);
  MARA_RETURN_IF_ERROR(store->EnsureFactsProjection());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace mara
