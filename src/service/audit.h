// Reading and checking the audit log (docs/audit_log_format.md): `mara audit
// verify|head|pin|settings` and the API's audit resources.
//
// Contract:
// - VerifyAudit needs security::Operation::kReadAuditLog and checks the
//   store's whole chain against the trusted keys: `options.public_keys`
//   when given, else the pinned keys of security::TrustedKeysPath(). The
//   store's own key file is never trusted by itself: with no trusted key
//   at all the call is kNotFound, saying how to pin one. With an anchor (a
//   signed head kept outside the store) the chain must still hold it. The
//   result names the first damaged record; ToStatus() turns it into
//   kCorruption. When the chain holds, the state is checked against it
//   (service/state_ledger.h, VerifyState): every current record must have
//   the state its latest audited change recorded, and each that does not is
//   named in `state_findings` (edited, inserted or deleted outside the
//   chain), as is an altered ledger. Verification reads only: it appends
//   and signs nothing.
// - ReadSignedHead needs kReadAuditLog: the head record's signed checkpoint
//   (made with the store's signing key) and the record's time; kNotFound
//   for an empty log, kCorruption when the head has no valid checkpoint.
//   SignedHeadJson and ParseSignedHead are the `mara-audit-head/1` file
//   that anchors it outside the store (docs/audit_log_format.md §4a);
//   ParseSignedHead also takes a JSON report (its /audit_head) and is
//   kInvalidArgument naming the field for a malformed file.
// - PinSigningKey needs kReadAuditLog and adds the key file's public key to
//   the trusted keys at `path` (TrustedKeysPath() when empty): the operator's
//   explicit decision to trust this installation's key. Returns the key.
// - SetCheckpointEvery needs kManageKeys: the interval N (1 to
//   kMaxCheckpointEvery, else kInvalidArgument) between signed checkpoints
//   from the next record on, stored in the store and recorded in the chain
//   (so a value changed behind Mara's back shows in verification).
//   CheckpointEveryOf reads the store's setting (the default when unset).
// - AuditHeadSeq needs kReadAuditLog: the sequence number of the chain's
//   head record (0 for an empty log), from one read of the head alone.
// - ScanAuditLog needs kReadAuditLog and calls `visit` with each record
//   whose seq is above `after_seq`, in order; a visit's error stops the scan
//   and is returned.
// A Session is used from one thread.
#ifndef MARA_SERVICE_AUDIT_H_
#define MARA_SERVICE_AUDIT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "security/audit_log.h"
#include "service/session.h"

namespace mara {

inline constexpr std::string_view kAuditHeadFormat = "mara-audit-head/1";

struct AuditVerifyOptions {
  std::vector<security::PublicKey> public_keys;     // empty: the pinned keys
  std::optional<security::AuditCheckpoint> anchor;  // a signed head kept elsewhere
};

struct SignedAuditHead {
  security::AuditCheckpoint checkpoint;  // seq, hash, key id, signature, interval
  int64_t time_ms = 0;                   // the head record's time
  std::string public_key;                // the signing key, "ed25519:<base64>"
};

Result<security::AuditVerification> VerifyAudit(Session& session,
                                                const AuditVerifyOptions& options = {});
Result<SignedAuditHead> ReadSignedHead(Session& session);
Result<uint64_t> AuditHeadSeq(Session& session);
std::string SignedHeadJson(const SignedAuditHead& head);
Result<SignedAuditHead> ParseSignedHead(std::string_view text, std::string_view origin);
Result<security::PublicKey> PinSigningKey(Session& session, const std::string& path = "");
Status SetCheckpointEvery(Session& session, uint64_t every);
Result<uint64_t> CheckpointEveryOf(Session& session);
Status ScanAuditLog(Session& session, uint64_t after_seq,
                    const std::function<Status(const security::AuditRecord&)>& visit);

}  // namespace mara

#endif  // MARA_SERVICE_AUDIT_H_
