// The tamper-evident audit log: every change appended to a BLAKE2b-256 hash
// chain, with Ed25519-signed checkpoints. Layout and guarantees, version
// `mara-audit/1`, are specified in docs/audit_log_format.md.
//
// Pieces:
// - AuditSink: the append-only storage interface, implemented by the stores
//   (SQLite, PostgreSQL) and by MemoryAuditSink for tests. A sink stores
//   records, checkpoints and the head (seq and hash of the last record);
//   Append must store the record and move the head in one atomic step, and
//   must refuse (kConflict) a record that does not extend the current head,
//   so two writers can never fork the chain.
// - AuditLog: builds records (time from the injected Clock), chains them,
//   and signs a checkpoint of every record whose seq is a multiple of the
//   checkpoint interval N (1 by default: every record, in the transaction
//   that appends it) and on Checkpoint() (which the service calls at the end
//   of each command). Each checkpoint signs N with the record's hash, so the
//   interval cannot be raised behind the signer's back.
// - VerifyAuditLog: walks the whole chain and reports the first problem with
//   its seq: an altered field, a deleted record, reordered records, a
//   truncated tail (against the head, the latest checkpoint and an anchored
//   head kept outside the store), a record inserted out of chain, a
//   checkpoint that is not validly signed by a trusted key or that names a
//   different hash, more than N records without a signed checkpoint
//   (checkpoints deleted), a head that no checkpoint seals, and a
//   checkpoint whose N is not the interval the chain itself set.
//
// Errors: Append returns kInvalidArgument for an entry that breaks the field
// rules (empty principal or action, invalid UTF-8, over-long fields, a digest
// that is not lowercase hex) and passes sink failures through (kConflict,
// kIOError). VerifyAuditLog returns a sink failure as its Status; a damaged
// chain is not an error of the call but its finding: AuditVerification's
// problem, which ToStatus() turns into kCorruption.
//
// Ownership and threads: AuditLog borrows the sink, clock and signing key,
// which must outlive it. An AuditLog is used from one thread at a time;
// concurrent writers (other processes) are serialised by the sink's
// kConflict rule. MemoryAuditSink is not thread-safe.
#ifndef MARA_SECURITY_AUDIT_LOG_H_
#define MARA_SECURITY_AUDIT_LOG_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "security/clock.h"
#include "security/key_file.h"

namespace mara::security {

inline constexpr std::string_view kAuditFormat = "mara-audit/1";
// The checkpoint interval of a store that never set one: every record.
inline constexpr uint64_t kDefaultCheckpointEvery = 1;
// The interval of version-1 checkpoints (which do not sign theirs).
inline constexpr uint64_t kLegacyCheckpointEvery = 1000;
// The largest interval a store may set.
inline constexpr uint64_t kMaxCheckpointEvery = 1000000;
// The audit record that changes the interval: action kSettingsAction,
// collection "settings", target kCheckpointEveryTarget, after digest
// CheckpointEveryDigest(N). It takes effect after its own record.
inline constexpr std::string_view kSettingsAction = "audit.settings";
inline constexpr std::string_view kCheckpointEveryTarget = "checkpoint_every";
inline constexpr size_t kMaxAuditFieldBytes = 1024;

// What a caller records about one change.
struct AuditEntry {
  std::string principal;      // who
  std::string action;         // what: "incident.create", "import", "evidence.view"
  std::string collection;     // which collection, "" when none
  std::string target_id;      // which record, "" when none
  std::string before_digest;  // lowercase hex digest of the record before, "" when none
  std::string after_digest;   // lowercase hex digest after, "" when none
  // The digest of the record states this change wrote (the service's state
  // ledger, docs/audit_log_format.md §4b): 64 lowercase hex, or "" for a
  // change that wrote no record.
  std::string state_digest;
};

struct AuditRecord {
  uint64_t seq = 0;     // 1, 2, 3, ... without gaps
  int64_t time_ms = 0;  // Unix milliseconds, from the Clock
  std::string principal;
  std::string action;
  std::string collection;
  std::string target_id;
  std::string before_digest;
  std::string after_digest;
  std::string prev_hash;     // hash of record seq-1 (genesis for seq 1), 64 hex
  std::string hash;          // BLAKE2b-256 of this record's encoding, 64 hex
  std::string state_digest;  // "" or 64 hex: see AuditEntry

  bool operator==(const AuditRecord&) const = default;
};

struct AuditCheckpoint {
  uint64_t seq = 0;       // the record it seals
  std::string hash;       // that record's hash, 64 hex
  std::string key_id;     // signing key id
  std::string signature;  // base64 of the 64-byte Ed25519 signature
  // The checkpoint interval in force, signed with the rest (version 2);
  // 0 for a version-1 checkpoint, which signs seq and hash only.
  uint64_t every = 0;

  bool operator==(const AuditCheckpoint&) const = default;
};

struct AuditHead {
  uint64_t seq = 0;  // 0: empty log
  std::string hash;  // the genesis hash for an empty log
};

// 64 zeros: the prev_hash of record 1.
const std::string& AuditGenesisHash();

// The canonical byte encoding of a record (everything but `hash`):
// version 1 for a record without a state digest, version 2 (another tag,
// the state digest after prev_hash) for one with it. kCorruption when
// prev_hash or a non-empty state digest is not 64 lowercase hex digits.
Result<std::string> EncodeAuditRecord(const AuditRecord& record);
// BLAKE2b-256 of EncodeAuditRecord, as hex.
Result<std::string> ComputeAuditHash(const AuditRecord& record);
// The bytes a checkpoint signs (version 2 for every > 0, version 1 for 0);
// kCorruption for a malformed hash.
Result<std::string> CheckpointMessage(uint64_t seq, std::string_view hash, uint64_t every);
AuditCheckpoint SignCheckpoint(uint64_t seq, std::string_view hash, uint64_t every,
                               const SigningKey& key);
// The after digest of the record that sets the checkpoint interval to N.
std::string CheckpointEveryDigest(uint64_t every);

class AuditSink {
 public:
  virtual ~AuditSink() = default;
  virtual Status Append(const AuditRecord& record) = 0;
  virtual Status AppendCheckpoint(const AuditCheckpoint& checkpoint) = 0;
  virtual Result<AuditHead> Head() const = 0;
  // Calls `visit` for every record in storage order; stops at and returns
  // the first non-ok status `visit` returns.
  virtual Status ScanRecords(const std::function<Status(const AuditRecord&)>& visit) const = 0;
  virtual Result<std::vector<AuditCheckpoint>> Checkpoints() const = 0;
};

class MemoryAuditSink : public AuditSink {
 public:
  Status Append(const AuditRecord& record) override;
  Status AppendCheckpoint(const AuditCheckpoint& checkpoint) override;
  Result<AuditHead> Head() const override;
  Status ScanRecords(const std::function<Status(const AuditRecord&)>& visit) const override;
  Result<std::vector<AuditCheckpoint>> Checkpoints() const override;

  // Direct access, so tests can tamper as an attacker with write access to
  // the storage would.
  std::vector<AuditRecord>& records() { return records_; }
  std::vector<AuditCheckpoint>& checkpoints() { return checkpoints_; }
  AuditHead& head() { return head_; }

 private:
  std::vector<AuditRecord> records_;
  std::vector<AuditCheckpoint> checkpoints_;
  AuditHead head_{0, AuditGenesisHash()};
};

struct AuditOptions {
  uint64_t checkpoint_every = kDefaultCheckpointEvery;  // N, at least 1
};

class AuditLog {
 public:
  AuditLog(AuditSink& sink, const Clock& clock, const SigningKey& signer, AuditOptions options = {})
      : sink_(sink), clock_(clock), signer_(signer), options_(options) {}

  // Appends one record and returns it (with seq, time and hashes filled in).
  Result<AuditRecord> Append(const AuditEntry& entry);
  // Signs a checkpoint of the current head unless it is empty or this log
  // already signed it.
  Status Checkpoint();
  // The interval for the records appended from now on (at least 1). The
  // service calls it after appending and sealing the settings record.
  void set_checkpoint_every(uint64_t every) { options_.checkpoint_every = every; }
  uint64_t checkpoint_every() const { return options_.checkpoint_every; }

 private:
  AuditSink& sink_;
  const Clock& clock_;
  const SigningKey& signer_;
  AuditOptions options_;
  uint64_t last_checkpoint_seq_ = 0;
};

// Checks an entry against the field rules (see Append).
Status ValidateAuditEntry(const AuditEntry& entry);

struct AuditProblem {
  uint64_t seq = 0;  // the first record (or checkpoint) found wrong
  std::string what;
};

struct AuditVerification {
  uint64_t records = 0;      // records checked before stopping
  uint64_t checkpoints = 0;  // checkpoints whose signature and hash were checked
  uint64_t head_seq = 0;
  bool anchor_checked = false;  // an anchored head was given and found in the chain
  std::optional<AuditProblem> problem;
  // The state check, which the service layer adds (service/state_ledger.h):
  // whether the chain covers the records' state, how many current records
  // were compared, and each record the chain does not account for
  // ("incidents 'INC-1': edited outside the chain: ..."). Any finding is
  // also the problem (seq 0 when it names no audit record).
  bool state_covered = false;
  uint64_t state_records = 0;
  std::vector<std::string> state_findings;
  std::string state_note;  // why the state is not covered, when it is not

  bool ok() const { return !problem.has_value(); }
  // Ok, or kCorruption "audit log record <seq>: <what>" ("audit log: <what>"
  // for seq 0).
  Status ToStatus() const;
};

// Verifies the chain with the given trusted signing keys (the pinned public
// key of the installation; older keys after a signing-key rotation). With an
// `anchor` (a signed checkpoint kept outside the store, e.g. from `mara audit
// head`), the anchor must itself verify with a trusted key, and the chain
// must still hold its record with its hash: a chain rewritten or truncated
// below the anchor fails. Reads only; appends and signs nothing.
Result<AuditVerification> VerifyAuditLog(const AuditSink& sink,
                                         std::span<const PublicKey> trusted_keys,
                                         const AuditCheckpoint* anchor = nullptr);

}  // namespace mara::security

#endif  // MARA_SECURITY_AUDIT_LOG_H_
