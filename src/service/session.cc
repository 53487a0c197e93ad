#include "service/session.h"

#include <cstdlib>
#include <filesystem>
#include <utility>

#include "common/text.h"
#include "domain/json_codec.h"
#include "security/random.h"
#include "security/trusted_keys.h"
#include "service/core.h"
#include "service/live_assessment.h"
#include "service/state_ledger.h"

namespace mara {
namespace {

namespace fs = std::filesystem;

bool IsUrl(const std::string& db) { return db.find("://") != std::string::npos; }

// The first principal of every store: an admin, so that somebody can add
// the others.
UserRecord OperatorRecord(const security::Clock& clock) {
  UserRecord u;
  u.name = std::string(kOperatorPrincipal);
  // decision_maker too, so that a single-person installation can record
  // decisions; separate the duties with `mara user assign operator
  // --role decision_maker --remove`.
  u.roles = {"admin", "decision_maker"};
  u.created_at = NowIso(clock);
  return u;
}

}  // namespace

std::string ResolveKeyFile(const SessionOptions& options) {
  if (!options.key_file.empty()) return options.key_file;
  if (const char* env = std::getenv(std::string(kKeyFileEnvVar).c_str());
      env != nullptr && *env != '\0') {
    return env;
  }
  return IsUrl(options.db) ? "./mara.keys" : options.db + ".keys";
}

std::string ResolveEvidenceDir(const SessionOptions& options) {
  if (!options.evidence_dir.empty()) return options.evidence_dir;
  return IsUrl(options.db) ? "./mara.evidence" : options.db + ".evidence";
}

std::string NowIso(const security::Clock& clock) {
  std::string s = security::FormatMillisUtc(clock.NowMillis());
  // Seconds are precise enough for people; drop ".mmm".
  if (const size_t dot = s.find('.'); dot != std::string::npos) s = s.substr(0, dot) + "Z";
  return s;
}

Date Today(const security::Clock& clock) {
  const int64_t millis = clock.NowMillis();
  // Floor division, so instants before 1970 fall on the right day too.
  const int64_t day = 86'400'000;
  return Date::FromDays(millis / day - (millis % day < 0 ? 1 : 0));
}

std::string RecordDigest(const Incident& incident) { return Blake2bHex(ToJson(incident).dump()); }

Result<security::Principal> PrincipalFromRecord(const UserRecord& record) {
  security::Principal p;
  p.name = record.name;
  p.disabled = record.disabled;
  p.language = record.language;
  for (const std::string& role : record.roles) {
    Result<security::Role> r = security::ParseRole(role);
    if (!r.ok()) {
      return Status::Corruption("stored principal " + QuoteForMessage(record.name) + ": " +
                                r.status().message());
    }
    p.roles.insert(*r);
  }
  p.situations.insert(record.situations.begin(), record.situations.end());
  return p;
}

// ---------------------------------------------------------------- sink

Status StoreAuditSink::Append(const security::AuditRecord& record) {
  return store_.AppendAuditRecord(record);
}
Status StoreAuditSink::AppendCheckpoint(const security::AuditCheckpoint& checkpoint) {
  return store_.AppendAuditCheckpoint(checkpoint);
}
Result<security::AuditHead> StoreAuditSink::Head() const { return store_.GetAuditHead(); }
Status StoreAuditSink::ScanRecords(
    const std::function<Status(const security::AuditRecord&)>& visit) const {
  return store_.ScanAuditRecords(visit);
}
Result<std::vector<security::AuditCheckpoint>> StoreAuditSink::Checkpoints() const {
  return store_.ListAuditCheckpoints();
}

// ---------------------------------------------------------------- session

Result<std::unique_ptr<Session>> Session::Open(const SessionOptions& options) {
  const std::string key_path = ResolveKeyFile(options);
  std::error_code ec;
  if (!options.create && !IsUrl(options.db) && !fs::exists(options.db, ec)) {
    // A mistyped --db is named as such, not as a missing key file.
    StoreOptions probe;
    probe.create_if_missing = false;
    return OpenStore(options.db, probe).status();
  }
  if (!fs::exists(key_path, ec)) {
    if (!options.create) {
      return Status::NotFound("key file " + QuoteForMessage(key_path) +
                              " does not exist (run `mara init`, or give --key-file or " +
                              std::string(kKeyFileEnvVar) + ")");
    }
    const bool env_key = std::getenv(std::string(security::kKeyEnvVar).c_str()) != nullptr;
    MARA_ASSIGN_OR_RETURN(security::KeyMaterial created,
                          security::CreateKeyFile(key_path, security::DefaultRandom(), !env_key));
    // Best effort: without a writable place, `mara audit pin` does it.
    (void)security::TrustKey(security::TrustedKeysPath(), created.signing_key->public_key(),
                             "created with " + key_path);
  }
  MARA_ASSIGN_OR_RETURN(security::KeyMaterial keys,
                        security::LoadKeys(security::KeySourceFromEnvironment(key_path)));
  auto shared = std::make_shared<const security::KeyMaterial>(std::move(keys));
  StoreOptions store_options;
  store_options.create_if_missing = options.create;
  store_options.read_only = options.read_only;
  store_options.keys = shared;
  MARA_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(options.db, store_options));
  std::unique_ptr<Session> session(new Session());
  session->owned_store_ = std::move(store);
  session->ledger_ = std::make_unique<LedgeredStore>(*session->owned_store_);
  session->store_ = session->ledger_.get();
  session->keys_ = std::move(shared);
  session->key_file_ = key_path;
  session->db_ = options.db;
  session->evidence_dir_ = ResolveEvidenceDir(options);
  session->clock_ = options.clock != nullptr ? options.clock : &session->system_clock_;
  session->set_live(options.live);
  MARA_RETURN_IF_ERROR(session->Init(options.principal));
  return session;
}

void Session::set_live(std::shared_ptr<LiveAssessments> live) {
  live_ = std::move(live);
  ledger_->set_change_log(live_ ? &live_->changes() : nullptr);
}

Result<std::unique_ptr<Session>> Session::Attach(Store& store, std::string_view principal,
                                                 std::shared_ptr<const security::KeyMaterial> keys,
                                                 std::string evidence_dir,
                                                 const security::Clock* clock) {
  if (!keys || !keys->signing_key) {
    return Status::InvalidArgument("a session needs the signing key for the audit log");
  }
  std::unique_ptr<Session> session(new Session());
  session->ledger_ = std::make_unique<LedgeredStore>(store);
  session->store_ = session->ledger_.get();
  session->keys_ = std::move(keys);
  session->evidence_dir_ = std::move(evidence_dir);
  session->clock_ = clock != nullptr ? clock : &session->system_clock_;
  MARA_RETURN_IF_ERROR(session->Init(principal));
  return session;
}

Status Session::Init(std::string_view principal) {
  if (!keys_->signing_key) {
    return Status::NotFound("key file " + QuoteForMessage(key_file_) + " has no signing key");
  }
  sink_ = std::make_unique<StoreAuditSink>(*store_);
  security::AuditOptions audit_options;
  MARA_ASSIGN_OR_RETURN(audit_options.checkpoint_every, CheckpointEveryIn(*store_));
  audit_ =
      std::make_unique<security::AuditLog>(*sink_, *clock_, *keys_->signing_key, audit_options);
  const std::string name(principal.empty() ? kOperatorPrincipal : principal);
  MARA_ASSIGN_OR_RETURN(std::vector<UserRecord> users, store_->ListUsers());
  if (users.empty()) {
    Transaction tx(store_);
    MARA_RETURN_IF_ERROR(tx.Begin());
    const UserRecord op = OperatorRecord(*clock_);
    MARA_RETURN_IF_ERROR(store_->PutUser(op));
    principal_.name = op.name;
    MARA_RETURN_IF_ERROR(Audit({op.name, "user.add", "users", op.name, "", Blake2bHex("admin")}));
    MARA_ASSIGN_OR_RETURN(security::AuditHead head, store_->GetAuditHead());
    if (head.seq == 1) MARA_RETURN_IF_ERROR(store_->PutMeta(kStateCoverageMeta, "1"));
    MARA_RETURN_IF_ERROR(tx.Commit());
  }
  principal_.name = name;
  MARA_RETURN_IF_ERROR(ReloadPrincipal());
  // A store from before state coverage is ledgered once, by whoever opens it
  // first for writing.
  Status baseline = WriteStateBaseline(
      *ledger_, [this](security::AuditEntry entry) { return Audit(std::move(entry)); });
  if (baseline.code() == StatusCode::kConflict) return Status::Ok();  // another process did it
  return baseline;
}

Status Session::ReloadPrincipal() {
  MARA_ASSIGN_OR_RETURN(std::optional<UserRecord> user, store_->GetUser(principal_.name));
  if (!user) {
    return Status::PermissionDenied("no principal " + QuoteForMessage(principal_.name) +
                                    " in this store (see `mara user list`)");
  }
  MARA_ASSIGN_OR_RETURN(principal_, PrincipalFromRecord(*user));
  return Status::Ok();
}

Session::Session() = default;

Session::~Session() {
  if (audit_) (void)Finish();
}

std::string_view Session::backend() const { return store_->Backend(); }
int Session::schema_version() const { return store_->SchemaVersion(); }

Status Session::Authorize(security::Operation op, const security::Scope& scope) const {
  return security::Authorize(principal_, op, scope);
}

Status Session::AuthorizeSomewhere(security::Operation op) const {
  Status everywhere = Authorize(op);
  if (everywhere.ok()) return everywhere;
  for (const std::string& situation : principal_.situations) {
    security::Scope scope;
    scope.situation = situation;
    if (Authorize(op, scope).ok()) return Status::Ok();
  }
  return everywhere;
}

Status Session::AuthorizeEverywhere(security::Operation op) {
  Status direct = Authorize(op);
  if (direct.ok()) return direct;
  bool scoped = false;
  for (security::Role role : principal_.roles) scoped = scoped || security::IsSituationScoped(role);
  if (!scoped || principal_.disabled) return direct;
  // Unless a role grants `op` in a situation the principal is assigned to,
  // no list of situations can change the answer: the registry is not read.
  bool granted_somewhere = false;
  for (const std::string& situation : principal_.situations) {
    security::Scope scope;
    scope.situation = situation;
    if (Authorize(op, scope).ok()) {
      granted_somewhere = true;
      break;
    }
  }
  if (!granted_somewhere) return direct;
  MARA_ASSIGN_OR_RETURN(Bundle registry, store_->LoadRegistry());
  if (registry.situations.empty()) return direct;
  for (const Situation& s : registry.situations) {
    security::Scope scope;
    scope.situation = s.id;
    MARA_RETURN_IF_ERROR(Authorize(op, scope));
  }
  return Status::Ok();
}

Status Session::Require(security::Operation op, const security::Scope& scope) {
  Status s = Authorize(op, scope);
  return s.ok() ? s : Refused(std::move(s), op, scope);
}

Status Session::RequireEverywhere(security::Operation op) {
  Status s = AuthorizeEverywhere(op);
  return s.ok() ? s : Refused(std::move(s), op, {});
}

Status Session::RequireSomewhere(security::Operation op) {
  Status s = AuthorizeSomewhere(op);
  return s.ok() ? s : Refused(std::move(s), op, {});
}

Status Session::Refused(Status refusal, security::Operation op, const security::Scope& scope) {
  if (refusal.code() != StatusCode::kPermissionDenied || refusal_ || refusal_recorded_) {
    return refusal;
  }
  security::AuditEntry entry;
  entry.action = std::string(kRefusedAction);
  entry.collection = std::string(security::ToString(op));
  entry.target_id = !scope.target.empty()      ? scope.target
                    : !scope.situation.empty() ? "situation " + scope.situation
                                               : std::string();
  refusal_ = std::move(entry);
  RecordRefusal();
  return refusal;
}

void Session::RecordRefusal() {
  if (!refusal_ || store_->InTransaction()) return;
  security::AuditEntry entry = std::move(*refusal_);
  refusal_.reset();
  refusal_recorded_ = true;
  (void)AppendStandalone(principal_.name, std::move(entry));
}

Status Session::AppendStandalone(const std::string& principal, security::AuditEntry entry) {
  if (store_->InTransaction()) {
    return Status::InvalidArgument("a standalone audit record cannot join an open transaction");
  }
  MARA_ASSIGN_OR_RETURN(bool read_only, store_->ReadOnly());
  if (read_only) return Status::Ok();
  entry.principal = principal;
  return AppendRecord(std::move(entry));
}

Status Session::Audit(security::AuditEntry entry) {
  entry.principal = principal_.name;
  return AppendRecord(std::move(entry));
}

Status Session::AppendRecord(security::AuditEntry entry) {
  MARA_ASSIGN_OR_RETURN(auto state, ledger_->TakeStateDigest());
  entry.state_digest = std::move(state.first);
  Result<security::AuditRecord> record = audit_->Append(entry);
  if (record.ok() && state.second != 0 && record->seq != state.second) {
    return Status::Conflict("another writer appended audit record " + std::to_string(state.second) +
                            " first; try again");
  }
  Status appended = record.status();
  if (!appended.ok()) {
    Result<bool> read_only = store_->ReadOnly();
    if (read_only.ok() && *read_only) {
      return Status::IOError("the store is read-only (a replica?): " + entry.action +
                             " must be recorded in its audit log; run it against the primary");
    }
    return appended;
  }
  appended_ = true;
  return Status::Ok();
}

Status Session::AuditRead(security::AuditEntry entry) {
  MARA_ASSIGN_OR_RETURN(bool read_only, store_->ReadOnly());
  if (read_only) return Status::Ok();
  return Audit(std::move(entry));
}

Status Session::ChangeCheckpointEvery(uint64_t every) {
  MARA_RETURN_IF_ERROR(audit_->Checkpoint());
  audit_->set_checkpoint_every(every);
  return Status::Ok();
}

Status Session::Finish() {
  RecordRefusal();
  if (!appended_) return Status::Ok();
  MARA_RETURN_IF_ERROR(audit_->Checkpoint());
  appended_ = false;
  return Status::Ok();
}

}  // namespace mara
