// Session: who is acting on which store with which keys. Every authorised
// operation of the service layer takes one (docs/security.md); the CLI opens
// one per command (`--as NAME`), the HTTP API one per request.
//
// Contract:
// - Open() resolves the key file (SessionOptions::key_file, else
//   $MARA_KEY_FILE, else "<db>.keys"), loads the keys (MARA_KEY may supply
//   the data key), opens the store with them so sensitive fields are sealed
//   at rest, and loads the acting principal. With `create` it first creates
//   what is missing: the database, the key file (mode 0600) and, in a store
//   without principals, the `operator` admin. Without `create`, a missing
//   key file is kNotFound. An unknown principal is kPermissionDenied; a
//   disabled one is loaded (so it can be named) but Authorize refuses it
//   everything.
// - Authorize() applies security::Authorize (roles.h) to the principal.
//   AuthorizeEverywhere() is for operations over the whole store: roles
//   that are not situation-scoped pass directly, situation-scoped ones must
//   be assigned to every registered situation. AuthorizeSomewhere() is for
//   listing what a principal may see: everywhere, or in at least one of
//   its assigned situations. These three only answer; they record nothing,
//   so a service may ask them to choose what to show.
// - Require(), RequireEverywhere() and RequireSomewhere() are the same
//   checks where an operation stops on a refusal: a kPermissionDenied is
//   also recorded in the audit chain as action `refused` (collection: the
//   operation's name, target: the scope's target or "situation S"; no
//   digests), at most one per session. The refusal is returned unchanged,
//   whatever becomes of the record. The record is never appended inside a
//   transaction (which the refused operation is about to roll back): it
//   waits until none is open, and is appended on its own by the next
//   Require* outside one, or by Finish(). On a read-only store, or when the
//   append fails, nothing is recorded.
// - Audit() appends one record to the store's audit chain (principal and
//   time filled in): inside the caller's open transaction, so it commits or
//   rolls back with the change, or on its own. Finish() signs a checkpoint
//   of the head (the destructor does it too, ignoring failure) only when
//   this session appended something, so a session that only reads writes
//   nothing. AuditRead() is for reads that are recorded (an export, a
//   signed report, an audit verification): on a read-only store
//   (Store::ReadOnly, e.g. a replica) the chain cannot grow there, so the
//   read goes unrecorded and nothing is written; elsewhere it is Audit().
//   An Audit() that fails on a read-only store says so (kIOError naming
//   the action and the primary). Checkpoints are signed at the interval
//   the store sets (meta key kCheckpointEveryMeta; every record when
//   unset), in the transaction of the record they seal.
// - Open() with `create`, when it makes a new key file, pins the new
//   signing key's public half in security::TrustedKeysPath() (best effort:
//   an unwritable place leaves `mara audit pin` to do it).
// Ownership and threads: a Session owns (Open) or borrows (Attach) its
// store, and is used from one thread at a time.
#ifndef MARA_SERVICE_SESSION_H_
#define MARA_SERVICE_SESSION_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/date.h"
#include "common/status.h"
#include "security/audit_log.h"
#include "security/clock.h"
#include "security/key_file.h"
#include "security/roles.h"
#include "storage/records.h"

namespace mara {

// The store is an incomplete type here: only the service layer itself
// (service/core.h) reaches it.
class Store;
class LedgeredStore;
class LiveAssessments;
class Session;
// service/audit.h
Status RecordFailedLogin(Session& session, std::string_view typed_name, std::string_view reason);

inline constexpr std::string_view kOperatorPrincipal = "operator";
inline constexpr std::string_view kKeyFileEnvVar = "MARA_KEY_FILE";
inline constexpr std::string_view kCheckpointEveryMeta = "audit_checkpoint_every";
// The audit action of an operation refused for permission (Require*).
inline constexpr std::string_view kRefusedAction = "refused";

struct SessionOptions {
  std::string db = "./mara.db";  // path or postgresql:// URL
  std::string key_file;          // "": $MARA_KEY_FILE, else "<db>.keys" ("./mara.keys" for URLs)
  std::string evidence_dir;      // "": "<db>.evidence" ("./mara.evidence" for URLs)
  std::string principal;         // "": operator
  bool create = false;           // create the store, key file and operator when missing
  bool read_only = false;        // open the store read-only (StoreOptions::read_only)
  const security::Clock* clock = nullptr;  // the system clock when null
  // Kept assessments this session's writes update and its reads use
  // (service/live_assessment.h); null: none.
  std::shared_ptr<LiveAssessments> live;
};

// The key file and evidence directory SessionOptions resolves to.
std::string ResolveKeyFile(const SessionOptions& options);
std::string ResolveEvidenceDir(const SessionOptions& options);

class Session {
 public:
  static Result<std::unique_ptr<Session>> Open(const SessionOptions& options);
  // Wraps a store opened by the caller (with StoreOptions::keys = keys for
  // sealing). Creates the operator when the store has no principal yet.
  static Result<std::unique_ptr<Session>> Attach(Store& store, std::string_view principal,
                                                 std::shared_ptr<const security::KeyMaterial> keys,
                                                 std::string evidence_dir = "",
                                                 const security::Clock* clock = nullptr);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // The store, for the service layer's own operations (service/core.h).
  Store& store() { return *store_; }
  // The store's backend ("sqlite", "postgresql") and schema version.
  std::string_view backend() const;
  int schema_version() const;
  const security::Principal& principal() const { return principal_; }
  const std::string& name() const { return principal_.name; }
  const security::KeyMaterial& keys() const { return *keys_; }
  std::shared_ptr<const security::KeyMaterial> shared_keys() const { return keys_; }
  const std::string& evidence_dir() const { return evidence_dir_; }
  const std::string& key_file() const { return key_file_; }
  // The store's URL ("" for an attached store).
  const std::string& db() const { return db_; }
  const security::Clock& clock() const { return *clock_; }
  // The kept assessments (null: none). Setting them makes this session's
  // commits reach their change log.
  LiveAssessments* live() const { return live_.get(); }
  void set_live(std::shared_ptr<LiveAssessments> live);

  Status Authorize(security::Operation op, const security::Scope& scope = {}) const;
  Status AuthorizeEverywhere(security::Operation op);
  Status AuthorizeSomewhere(security::Operation op) const;
  Status Require(security::Operation op, const security::Scope& scope = {});
  Status RequireEverywhere(security::Operation op);
  Status RequireSomewhere(security::Operation op);

  Status Audit(security::AuditEntry entry);
  Status AuditRead(security::AuditEntry entry);
  Status Finish();
  // For the audit settings operation (service/audit.h): seals the head now,
  // then signs checkpoints every `every` records from the next one on.
  Status ChangeCheckpointEvery(uint64_t every);

  // Re-reads the principal (after `mara user` changed it).
  Status ReloadPrincipal();

 private:
  Session();
  Status Init(std::string_view principal);
  // Keeps a refusal for the audit chain (Require*) and returns it.
  Status Refused(Status refusal, security::Operation op, const security::Scope& scope);
  // Appends the kept refusal when no transaction is open (best effort).
  void RecordRefusal();
  // Appends `entry` under `principal` outside any transaction, unless the
  // store is read-only (best effort; service/audit.h RecordFailedLogin).
  Status AppendStandalone(const std::string& principal, security::AuditEntry entry);
  // Appends `entry` as given (its principal filled in by the caller).
  Status AppendRecord(security::AuditEntry entry);
  friend Status RecordFailedLogin(Session& session, std::string_view typed_name,
                                  std::string_view reason);

  std::unique_ptr<Store> owned_store_;
  // Every read and write of the session goes through the ledger, which
  // wraps the owned or attached store (service/state_ledger.h).
  std::unique_ptr<LedgeredStore> ledger_;
  Store* store_ = nullptr;
  std::shared_ptr<LiveAssessments> live_;
  std::shared_ptr<const security::KeyMaterial> keys_;
  security::Principal principal_;
  std::string key_file_;
  std::string evidence_dir_;
  std::string db_;
  security::SystemClock system_clock_;
  const security::Clock* clock_ = nullptr;
  std::unique_ptr<security::AuditSink> sink_;
  std::unique_ptr<security::AuditLog> audit_;
  bool appended_ = false;                        // this session wrote to the audit log
  std::optional<security::AuditEntry> refusal_;  // kept by Require*, not yet appended
  bool refusal_recorded_ = false;                // at most one per session
};

// A Principal from its stored form (kCorruption for an unknown role name).
Result<security::Principal> PrincipalFromRecord(const UserRecord& record);

// Lowercase hex BLAKE2b-256 of a record's canonical JSON: the before and
// after digests of audit records.
std::string RecordDigest(const Incident& incident);

// "2025-01-31T12:00:00Z" for the clock's now.
std::string NowIso(const security::Clock& clock);

// The clock's date (UTC): "today" for the rule that refuses dates after it.
Date Today(const security::Clock& clock);

}  // namespace mara

#endif  // MARA_SERVICE_SESSION_H_
