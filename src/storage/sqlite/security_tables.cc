#include "storage/sqlite/security_tables.h"

#include <sodium.h>

#include <exception>
#include <utility>

#include "common/text.h"
#include "domain/json_codec.h"
#include "security/random.h"
#include "storage/incident_columns.h"

namespace mara {

std::string SealedDocKey(const Decision& v) { return v.party + "/" + std::to_string(v.cycle); }
std::string SealedDocKey(const Engagement& v) {
  return v.party + "/" + v.date.ToString() + "/" + std::string(ToString(v.kind));
}
std::string SealedDocKey(const Petition& v) { return v.party + "/" + v.filed.ToString(); }
std::string SealedDocKey(const NameReview& v) { return v.origin + "/" + v.query; }

bool MetaIsSealed(std::string_view key) {
  for (std::string_view prefix : kSealedMetaPrefixes) {
    if (key.starts_with(prefix)) return true;
  }
  return false;
}

bool LocationIsSealed(Consent consent) {
  return consent == Consent::kInternalUse || consent == Consent::kWithdrawn;
}

bool SourceIsSealed(const Source& source) {
  return source.confidential || source.kind == SourceKind::kSurvivorTestimony ||
         source.kind == SourceKind::kWitnessTestimony || source.kind == SourceKind::kMedicalRecord;
}

namespace sqlite {
namespace {

std::string Join(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& v : values) {
    if (!out.empty()) out += ';';
    out += v;
  }
  return out;
}

std::vector<std::string> Split(std::string_view joined) {
  std::vector<std::string> out;
  size_t start = 0;
  while (!joined.empty()) {
    const size_t end = joined.find(';', start);
    out.emplace_back(joined.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

std::string Where(const Db& db) { return "database " + QuotePath(db.path()); }

// Runs `body` atomically: in a savepoint of the caller's transaction, or in
// a transaction of its own that takes the write lock at once (a deferred
// one that reads first could not wait for the lock when it upgrades).
template <typename Fn>
Status Atomically(Db& db, Fn&& body) {
  const bool nested = db.InTransaction();
  MARA_RETURN_IF_ERROR(db.Exec(nested ? "SAVEPOINT mara_security" : "BEGIN IMMEDIATE"));
  Status s = body();
  if (!s.ok()) {
    (void)db.Exec(nested ? "ROLLBACK TO mara_security; RELEASE mara_security" : "ROLLBACK");
    return s;
  }
  s = db.Exec(nested ? "RELEASE mara_security" : "COMMIT");
  if (!s.ok() && !nested && db.InTransaction()) (void)db.Exec("ROLLBACK");
  return s;
}

}  // namespace

// ---------------------------------------------------------------- sealing

Sealer::Sealer(std::shared_ptr<const security::KeyMaterial> keys) : keys_(std::move(keys)) {
  if (keys_ && keys_->current_data_key() != nullptr) {
    cipher_ = std::make_unique<security::FieldCipher>(*keys_, security::DefaultRandom());
    static constexpr std::string_view kTokenContext = "mara-location-token/1";
    const security::SecretBytes& key = keys_->current_data_key()->bytes();
    crypto_generichash(token_key_.data(), token_key_.size(),
                       reinterpret_cast<const uint8_t*>(kTokenContext.data()), kTokenContext.size(),
                       key.data(), key.size());
  }
}

Sealer::~Sealer() { sodium_memzero(token_key_.data(), token_key_.size()); }

Result<std::string> Sealer::Seal(std::string_view plain, std::string_view table,
                                 std::string_view id, std::string_view column) const {
  if (!cipher_) return std::string(plain);
  return cipher_->Encrypt(plain, {table, id, column});
}

Result<std::string> Sealer::Unseal(std::string_view stored, std::string_view table,
                                   std::string_view id, std::string_view column) const {
  if (!security::IsEncryptedField(stored)) return std::string(stored);
  if (!cipher_) {
    return Status::PermissionDenied(std::string(table) + " " + QuoteForMessage(id) + " column " +
                                    std::string(column) +
                                    " is encrypted and this store was opened without the data "
                                    "key (give --key-file or MARA_KEY)");
  }
  return cipher_->Decrypt(stored, {table, id, column});
}

bool Sealer::NeedsReseal(std::string_view stored) const {
  if (!cipher_) return false;
  return security::FieldKeyId(stored) != keys_->current_data_key()->id();
}

Status Sealer::PrepareIncident(const Incident& incident, PreparedIncident* out) const {
  JoinIncidentColumns(incident, out);
  out->narrative.reset();
  if (incident.narrative) {
    MARA_ASSIGN_OR_RETURN(out->narrative,
                          Seal(*incident.narrative, "incidents", incident.id, "narrative"));
  }
  MARA_ASSIGN_OR_RETURN(out->location, SealLocation(incident));
  return Status::Ok();
}

Result<StoredLocation> Sealer::SealLocation(const Incident& incident) const {
  const Location& l = incident.location;
  if (!cipher_ || !LocationIsSealed(incident.consent)) {
    return StoredLocation{l.name, l.admin1, l.lat, l.lon};
  }
  Json doc = {{"name", l.name}};
  if (l.admin1) doc["admin1"] = *l.admin1;
  if (l.lat) doc["lat"] = *l.lat;
  if (l.lon) doc["lon"] = *l.lon;
  MARA_ASSIGN_OR_RETURN(std::string sealed,
                        cipher_->Encrypt(doc.dump(), {"incidents", incident.id, "location"}));
  return StoredLocation{std::move(sealed), std::nullopt, std::nullopt, std::nullopt};
}

Status Sealer::UnsealLocation(std::string_view id, std::string_view stored_name,
                              Location* location) const {
  if (!security::IsEncryptedField(stored_name)) return Status::Ok();
  MARA_ASSIGN_OR_RETURN(std::string plain, Unseal(stored_name, "incidents", id, "location"));
  Json doc = Json::parse(plain, nullptr, /*allow_exceptions=*/false);
  auto corrupt = [&] {
    return Status::Corruption("incident " + QuoteForMessage(id) +
                              ": the sealed location cannot be read");
  };
  if (!doc.is_object() || !doc.contains("name") || !doc["name"].is_string()) return corrupt();
  Location out;
  out.name = doc["name"].get<std::string>();
  if (doc.contains("admin1")) {
    if (!doc["admin1"].is_string()) return corrupt();
    out.admin1 = doc["admin1"].get<std::string>();
  }
  for (auto [key, field] : {std::pair{"lat", &out.lat}, std::pair{"lon", &out.lon}}) {
    if (!doc.contains(key)) continue;
    if (!doc[key].is_number()) return corrupt();
    *field = doc[key].get<double>();
  }
  *location = std::move(out);
  return Status::Ok();
}

std::string_view Sealer::FactsLocation(std::string_view plain) {
  if (!cipher_) return plain;
  if (const std::string_view* token = tokens_.Find(plain)) return *token;
  // Bounded: a scan of many distinct names starts the cache again.
  if (tokens_.size() >= (1u << 17)) tokens_.Clear();
  const std::string folded = Fold(plain);
  std::array<uint8_t, 16> mac{};
  crypto_generichash(mac.data(), mac.size(), reinterpret_cast<const uint8_t*>(folded.data()),
                     folded.size(), token_key_.data(), token_key_.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::array<char, 2 * 16> token{};
  for (size_t i = 0; i < mac.size(); ++i) {
    token[2 * i] = kHex[mac[i] >> 4];
    token[2 * i + 1] = kHex[mac[i] & 15];
  }
  return tokens_.Insert(plain, tokens_.Bytes(std::string_view(token.data(), token.size())));
}

std::string Sealer::FactsLocationScheme() const {
  if (!cipher_) return "plain";
  return "token:" + keys_->current_data_key()->id();
}

// ---------------------------------------------------------------- users

Status PutUser(Db& db, const UserRecord& user) {
  if (!db.InTransaction()) {
    return Status::InvalidArgument(Where(db) + ": PutUser outside a transaction");
  }
  MARA_ASSIGN_OR_RETURN(
      StmtRef stmt,
      db.Prepare("INSERT INTO users(name, password_hash, roles, situations, disabled, created_at, "
                 "language) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(name) DO UPDATE SET "
                 "password_hash = excluded.password_hash, roles = excluded.roles, "
                 "situations = excluded.situations, disabled = excluded.disabled, "
                 "created_at = excluded.created_at, language = excluded.language"));
  // Bound text is not copied: it must outlive Run().
  const std::string roles = Join(user.roles);
  const std::string situations = Join(user.situations);
  stmt->BindText(1, user.name);
  stmt->BindText(2, user.password_hash);
  stmt->BindText(3, roles);
  stmt->BindText(4, situations);
  stmt->BindInt(5, user.disabled ? 1 : 0);
  stmt->BindText(6, user.created_at);
  stmt->BindText(7, user.language);
  return stmt->Run();
}

namespace {
constexpr std::string_view kUserColumns =
    "name, password_hash, roles, situations, disabled, created_at, language";

UserRecord ReadUser(const Stmt& stmt) {
  UserRecord u;
  u.name = stmt.ColumnText(0);
  u.password_hash = stmt.ColumnText(1);
  u.roles = Split(stmt.ColumnText(2));
  u.situations = Split(stmt.ColumnText(3));
  u.disabled = stmt.ColumnInt(4) != 0;
  u.created_at = stmt.ColumnText(5);
  u.language = stmt.ColumnText(6);
  return u;
}
}  // namespace

Result<std::optional<UserRecord>> GetUser(Db& db, std::string_view name) {
  MARA_ASSIGN_OR_RETURN(StmtRef stmt, db.Prepare("SELECT " + std::string(kUserColumns) +
                                                 " FROM users WHERE name = ?1"));
  stmt->BindText(1, name);
  MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::optional<UserRecord>();
  return std::optional<UserRecord>(ReadUser(*stmt));
}

Result<std::vector<UserRecord>> ListUsers(Db& db) {
  MARA_ASSIGN_OR_RETURN(StmtRef stmt, db.Prepare("SELECT " + std::string(kUserColumns) +
                                                 " FROM users ORDER BY name"));
  std::vector<UserRecord> out;
  while (true) {
    MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return out;
    out.push_back(ReadUser(*stmt));
  }
}

// ---------------------------------------------------------------- provenance

Result<std::optional<IncidentProvenance>> GetIncidentProvenance(Db& db, std::string_view id) {
  MARA_ASSIGN_OR_RETURN(StmtRef stmt,
                        db.Prepare("SELECT created_by, edited_by FROM incidents WHERE id = ?1"));
  stmt->BindText(1, id);
  MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::optional<IncidentProvenance>();
  return std::optional<IncidentProvenance>(
      IncidentProvenance{std::string(stmt->ColumnText(0)), std::string(stmt->ColumnText(1))});
}

Status SetIncidentEditor(Db& db, std::string_view id, std::string_view principal) {
  if (!db.InTransaction()) {
    return Status::InvalidArgument(Where(db) + ": SetIncidentEditor outside a transaction");
  }
  MARA_ASSIGN_OR_RETURN(
      StmtRef stmt,
      db.Prepare("UPDATE incidents SET edited_by = ?2, created_by = CASE WHEN created_by = '' "
                 "THEN ?2 ELSE created_by END WHERE id = ?1"));
  stmt->BindText(1, id);
  stmt->BindText(2, principal);
  MARA_RETURN_IF_ERROR(stmt->Run());
  if (db.Changes() == 0) {
    return Status::NotFound(Where(db) + ": no incident " + QuoteForMessage(id));
  }
  return Status::Ok();
}

// ---------------------------------------------------------------- audit

Result<security::AuditHead> GetAuditHead(Db& db) {
  MARA_ASSIGN_OR_RETURN(StmtRef stmt, db.Prepare("SELECT seq, hash FROM audit_head WHERE id = 1"));
  MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return Status::Corruption(Where(db) + ": the audit log has no head row");
  return security::AuditHead{static_cast<uint64_t>(stmt->ColumnInt(0)),
                             std::string(stmt->ColumnText(1))};
}

Status AppendAuditRecord(Db& db, const security::AuditRecord& r) {
  return Atomically(db, [&]() -> Status {
    MARA_ASSIGN_OR_RETURN(security::AuditHead head, GetAuditHead(db));
    if (r.seq != head.seq + 1 || r.prev_hash != head.hash) {
      return Status::Conflict(Where(db) + ": audit record " + std::to_string(r.seq) +
                              " does not extend the head (record " + std::to_string(head.seq) +
                              "); another writer appended first");
    }
    MARA_ASSIGN_OR_RETURN(
        StmtRef stmt,
        db.Prepare("INSERT INTO audit_records(seq, time_ms, principal, action, collection, "
                   "target_id, before_digest, after_digest, prev_hash, hash, state_digest) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
    stmt->BindInt(1, static_cast<int64_t>(r.seq));
    stmt->BindInt(2, r.time_ms);
    stmt->BindText(3, r.principal);
    stmt->BindText(4, r.action);
    stmt->BindText(5, r.collection);
    stmt->BindText(6, r.target_id);
    stmt->BindText(7, r.before_digest);
    stmt->BindText(8, r.after_digest);
    stmt->BindText(9, r.prev_hash);
    stmt->BindText(10, r.hash);
    stmt->BindText(11, r.state_digest);
    MARA_RETURN_IF_ERROR(stmt->Run());
    MARA_ASSIGN_OR_RETURN(StmtRef head_stmt,
                          db.Prepare("UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1"));
    head_stmt->BindInt(1, static_cast<int64_t>(r.seq));
    head_stmt->BindText(2, r.hash);
    return head_stmt->Run();
  });
}

Status AppendAuditCheckpoint(Db& db, const security::AuditCheckpoint& cp) {
  MARA_ASSIGN_OR_RETURN(StmtRef stmt,
                        db.Prepare("INSERT INTO audit_checkpoints(seq, hash, key_id, signature, "
                                   "every) VALUES (?1, ?2, ?3, ?4, ?5)"));
  stmt->BindInt(1, static_cast<int64_t>(cp.seq));
  stmt->BindText(2, cp.hash);
  stmt->BindText(3, cp.key_id);
  stmt->BindText(4, cp.signature);
  stmt->BindInt(5, static_cast<int64_t>(cp.every));
  return stmt->Run();
}

Status ScanAuditRecords(Db& db, const std::function<Status(const security::AuditRecord&)>& fn) {
  // Storage order is rowid order, which for an INTEGER PRIMARY KEY is seq.
  MARA_ASSIGN_OR_RETURN(
      StmtRef stmt,
      db.Prepare("SELECT seq, time_ms, principal, action, collection, target_id, before_digest, "
                 "after_digest, prev_hash, hash, state_digest FROM audit_records ORDER BY rowid"));
  security::AuditRecord r;
  while (true) {
    MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return Status::Ok();
    r.seq = static_cast<uint64_t>(stmt->ColumnInt(0));
    r.time_ms = stmt->ColumnInt(1);
    r.principal = stmt->ColumnText(2);
    r.action = stmt->ColumnText(3);
    r.collection = stmt->ColumnText(4);
    r.target_id = stmt->ColumnText(5);
    r.before_digest = stmt->ColumnText(6);
    r.after_digest = stmt->ColumnText(7);
    r.prev_hash = stmt->ColumnText(8);
    r.hash = stmt->ColumnText(9);
    r.state_digest = stmt->ColumnText(10);
    MARA_RETURN_IF_ERROR(fn(r));
  }
}

Result<std::vector<security::AuditCheckpoint>> ListAuditCheckpoints(Db& db) {
  MARA_ASSIGN_OR_RETURN(
      StmtRef stmt,
      db.Prepare("SELECT seq, hash, key_id, signature, every FROM audit_checkpoints ORDER BY id"));
  std::vector<security::AuditCheckpoint> out;
  while (true) {
    MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return out;
    out.push_back({static_cast<uint64_t>(stmt->ColumnInt(0)), std::string(stmt->ColumnText(1)),
                   std::string(stmt->ColumnText(2)), std::string(stmt->ColumnText(3)),
                   static_cast<uint64_t>(stmt->ColumnInt(4))});
  }
}

Status AppendStateEntries(Db& db, std::span<const StateEntry> entries) {
  if (entries.empty()) return Status::Ok();
  MARA_ASSIGN_OR_RETURN(StmtRef stmt,
                        db.Prepare("INSERT INTO audit_state(seq, ord, collection, id, digest) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5)"));
  for (const StateEntry& e : entries) {
    stmt->BindInt(1, static_cast<int64_t>(e.seq));
    stmt->BindInt(2, static_cast<int64_t>(e.ord));
    stmt->BindText(3, e.collection);
    stmt->BindText(4, e.id);
    stmt->BindText(5, e.digest);
    MARA_RETURN_IF_ERROR(stmt->Run());
    stmt->Reset();
  }
  return Status::Ok();
}

Status ScanStateEntries(Db& db, const std::function<Status(const StateEntry&)>& fn) {
  MARA_ASSIGN_OR_RETURN(
      StmtRef stmt,
      db.Prepare("SELECT seq, ord, collection, id, digest FROM audit_state ORDER BY seq, ord"));
  StateEntry e;
  while (true) {
    MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return Status::Ok();
    e.seq = static_cast<uint64_t>(stmt->ColumnInt(0));
    e.ord = static_cast<uint64_t>(stmt->ColumnInt(1));
    e.collection = stmt->ColumnText(2);
    e.id = stmt->ColumnText(3);
    e.digest = stmt->ColumnText(4);
    MARA_RETURN_IF_ERROR(fn(e));
  }
}

Result<std::optional<std::string>> LatestStateDigest(Db& db, std::string_view collection,
                                                     std::string_view id) {
  if (collection == "incidents") {
    return Status::InvalidArgument("the state ledger is not indexed for incidents");
  }
  // The literal term lets the partial index audit_state_record serve.
  MARA_ASSIGN_OR_RETURN(StmtRef stmt, db.Prepare("SELECT digest FROM audit_state "
                                                 "WHERE collection = ?1 AND id = ?2 "
                                                 "AND collection <> 'incidents' "
                                                 "ORDER BY seq DESC, ord DESC LIMIT 1"));
  stmt->BindText(1, collection);
  stmt->BindText(2, id);
  MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(stmt->ColumnText(0));
}

// ---------------------------------------------------------------- resealing

Result<int64_t> ResealFields(Db& db, const Sealer& sealer) {
  if (!sealer.enabled()) {
    return Status::PermissionDenied(Where(db) + ": re-encryption needs the data key");
  }
  if (!db.InTransaction()) {
    return Status::InvalidArgument(Where(db) + ": ResealFields outside a transaction");
  }
  int64_t rewritten = 0;
  // Narratives in batches by id, so memory stays bounded and no row is
  // updated under a running scan of its own table.
  constexpr int kBatch = 4096;
  std::string after;
  while (true) {
    std::vector<std::pair<std::string, std::string>> batch;
    {
      MARA_ASSIGN_OR_RETURN(StmtRef stmt,
                            db.Prepare("SELECT id, narrative FROM incidents WHERE id > ?1 AND "
                                       "narrative IS NOT NULL ORDER BY id LIMIT ?2"));
      stmt->BindText(1, after);
      stmt->BindInt(2, kBatch);
      while (true) {
        MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
        if (!row) break;
        batch.emplace_back(stmt->ColumnText(0), stmt->ColumnText(1));
      }
    }
    if (batch.empty()) break;
    after = batch.back().first;
    for (auto& [id, stored] : batch) {
      if (!sealer.NeedsReseal(stored)) continue;
      MARA_ASSIGN_OR_RETURN(std::string plain, sealer.Unseal(stored, "incidents", id, "narrative"));
      MARA_ASSIGN_OR_RETURN(std::string sealed, sealer.Seal(plain, "incidents", id, "narrative"));
      MARA_ASSIGN_OR_RETURN(StmtRef up,
                            db.Prepare("UPDATE incidents SET narrative = ?2 WHERE id = ?1"));
      up->BindText(1, id);
      up->BindText(2, sealed);
      MARA_RETURN_IF_ERROR(up->Run());
      ++rewritten;
    }
  }
  // Locations of the incidents no output shows, the same way.
  const std::string sealed_consents = "('" + std::string(ToString(Consent::kInternalUse)) + "', '" +
                                      std::string(ToString(Consent::kWithdrawn)) + "')";
  after.clear();
  while (true) {
    std::vector<Incident> batch;
    {
      MARA_ASSIGN_OR_RETURN(
          StmtRef stmt,
          db.Prepare("SELECT id, location_name, admin1, lat, lon FROM incidents WHERE id > ?1 AND "
                     "consent IN " +
                     sealed_consents + " ORDER BY id LIMIT ?2"));
      stmt->BindText(1, after);
      stmt->BindInt(2, kBatch);
      while (true) {
        MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
        if (!row) break;
        Incident& v = batch.emplace_back();
        v.id = stmt->ColumnText(0);
        v.consent = Consent::kInternalUse;
        v.location.name = stmt->ColumnText(1);
        v.location.admin1 = stmt->ColumnOptionalText(2);
        if (!stmt->IsNull(3)) v.location.lat = stmt->ColumnDouble(3);
        if (!stmt->IsNull(4)) v.location.lon = stmt->ColumnDouble(4);
      }
    }
    if (batch.empty()) break;
    after = batch.back().id;
    for (Incident& v : batch) {
      if (security::IsEncryptedField(v.location.name) && !sealer.NeedsReseal(v.location.name)) {
        continue;
      }
      MARA_RETURN_IF_ERROR(sealer.UnsealLocation(v.id, v.location.name, &v.location));
      MARA_ASSIGN_OR_RETURN(StoredLocation stored, sealer.SealLocation(v));
      MARA_ASSIGN_OR_RETURN(StmtRef up, db.Prepare("UPDATE incidents SET location_name = ?2, "
                                                   "admin1 = NULL, lat = NULL, lon = NULL "
                                                   "WHERE id = ?1"));
      up->BindText(1, v.id);
      up->BindText(2, stored.name);
      MARA_RETURN_IF_ERROR(up->Run());
      ++rewritten;
    }
  }
  std::vector<std::pair<std::string, std::string>> sources;
  {
    MARA_ASSIGN_OR_RETURN(StmtRef stmt, db.Prepare("SELECT id, doc FROM sources ORDER BY id"));
    while (true) {
      MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) break;
      sources.emplace_back(stmt->ColumnText(0), stmt->ColumnText(1));
    }
  }
  for (auto& [id, stored] : sources) {
    if (!sealer.NeedsReseal(stored)) continue;
    MARA_ASSIGN_OR_RETURN(std::string plain, sealer.Unseal(stored, "sources", id, "doc"));
    Source source;
    Json json = Json::parse(plain, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !FromJson(json, &source).ok()) {
      return Status::Corruption(Where(db) + ": stored source " + QuoteForMessage(id) +
                                " cannot be read");
    }
    if (!SourceIsSealed(source) && !security::IsEncryptedField(stored)) continue;
    MARA_ASSIGN_OR_RETURN(std::string sealed, sealer.Seal(plain, "sources", id, "doc"));
    MARA_ASSIGN_OR_RETURN(StmtRef up, db.Prepare("UPDATE sources SET doc = ?2 WHERE id = ?1"));
    up->BindText(1, id);
    up->BindText(2, sealed);
    MARA_RETURN_IF_ERROR(up->Run());
    ++rewritten;
  }
  for (const SealedDocTable& t : kSealedDocTables) {
    std::vector<std::pair<std::string, std::string>> docs;
    {
      MARA_ASSIGN_OR_RETURN(StmtRef stmt, db.Prepare("SELECT " + std::string(t.key_sql) +
                                                     ", doc FROM " + std::string(t.table)));
      while (true) {
        MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
        if (!row) break;
        docs.emplace_back(stmt->ColumnText(0), stmt->ColumnText(1));
      }
    }
    for (auto& [key, stored] : docs) {
      if (!sealer.NeedsReseal(stored)) continue;
      MARA_ASSIGN_OR_RETURN(std::string plain, sealer.Unseal(stored, t.table, key, "doc"));
      MARA_ASSIGN_OR_RETURN(std::string sealed, sealer.Seal(plain, t.table, key, "doc"));
      MARA_ASSIGN_OR_RETURN(StmtRef up,
                            db.Prepare("UPDATE " + std::string(t.table) + " SET doc = ?2 WHERE " +
                                       std::string(t.key_sql) + " = ?1"));
      up->BindText(1, key);
      up->BindText(2, sealed);
      MARA_RETURN_IF_ERROR(up->Run());
      ++rewritten;
    }
  }
  // Sealed meta entries, bound to their key.
  for (std::string_view prefix : kSealedMetaPrefixes) {
    std::vector<std::pair<std::string, std::string>> entries;
    {
      MARA_ASSIGN_OR_RETURN(
          StmtRef stmt,
          db.Prepare("SELECT key, value FROM meta WHERE substr(key, 1, ?2) = ?1 ORDER BY key"));
      stmt->BindText(1, prefix);
      stmt->BindInt(2, static_cast<int64_t>(prefix.size()));
      while (true) {
        MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
        if (!row) break;
        if (!sealer.NeedsReseal(stmt->ColumnText(1))) continue;
        entries.emplace_back(stmt->ColumnText(0), stmt->ColumnText(1));
      }
    }
    for (auto& [key, stored] : entries) {
      MARA_ASSIGN_OR_RETURN(std::string plain, sealer.Unseal(stored, "meta", key, "value"));
      MARA_ASSIGN_OR_RETURN(std::string sealed, sealer.Seal(plain, "meta", key, "value"));
      MARA_ASSIGN_OR_RETURN(StmtRef up, db.Prepare("UPDATE meta SET value = ?2 WHERE key = ?1"));
      up->BindText(1, key);
      up->BindText(2, sealed);
      MARA_RETURN_IF_ERROR(up->Run());
      ++rewritten;
    }
  }
  // Name-review notes, bound to origin/query.
  std::vector<NameReview> notes;
  {
    MARA_ASSIGN_OR_RETURN(StmtRef stmt, db.Prepare("SELECT id, origin, query, note FROM "
                                                   "name_reviews WHERE note <> '' ORDER BY id"));
    while (true) {
      MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) break;
      if (!sealer.NeedsReseal(stmt->ColumnText(3))) continue;
      NameReview& v = notes.emplace_back();
      v.id = stmt->ColumnInt(0);
      v.origin = stmt->ColumnText(1);
      v.query = stmt->ColumnText(2);
      v.note = stmt->ColumnText(3);
    }
  }
  for (const NameReview& v : notes) {
    const std::string key = SealedDocKey(v);
    MARA_ASSIGN_OR_RETURN(std::string plain, sealer.Unseal(v.note, "name_reviews", key, "note"));
    MARA_ASSIGN_OR_RETURN(std::string sealed, sealer.Seal(plain, "name_reviews", key, "note"));
    MARA_ASSIGN_OR_RETURN(StmtRef up,
                          db.Prepare("UPDATE name_reviews SET note = ?2 WHERE id = ?1"));
    up->BindInt(1, v.id);
    up->BindText(2, sealed);
    MARA_RETURN_IF_ERROR(up->Run());
    ++rewritten;
  }
  return rewritten;
}

}  // namespace sqlite
}  // namespace mara
