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
// - ListAuditRecords needs kReadAuditLog (refused, and the refusal
//   recorded, otherwise): a page of the records above `after_seq`, oldest
//   first, that match every filter given: `principal` exactly; `action`
//   exactly, or as a prefix when it ends with '.' or '*' ("incident.",
//   "incident.*"); `record` as a substring of the target id (an exact id
//   matches its own records); `from`/`to` as UTC days, inclusive.
//   kInvalidArgument for a limit outside 1..kMaxAuditPage, a filter of
//   more than 1024 bytes or invalid UTF-8, or `from` after `to`.
//   `next_after_seq` is set when more records match. Each item carries
//   `changes` when its change is known field by field (an incident's
//   change made in Mara: the matching entry of its review history): an
//   array of {field, before, after} with the values only where the reader
//   reads the incident's confidential edition (service/visibility.h
//   EditionFor; field names alone otherwise, and for an incident it cannot
//   see); a narrative's change never carries its text. Every other record
//   (digests only) has no changes (nullopt).
// - RecordFailedLogin appends a failed login (action `login.failed`,
//   collection `session`, target the reason: one of kLoginFailureReasons)
//   under the name tried when it names a principal of the store, else
//   under kUnknownPrincipal with the reason `unknown_name` (the typed text
//   is never kept: it may be a mistyped password), unless the reason is
//   `locked_out`. It needs no permission (nobody is logged in); the
//   session only carries the store. On a read-only store nothing is
//   recorded and the result is Ok; kInvalidArgument for another reason.
// A Session is used from one thread.
#ifndef MARA_SERVICE_AUDIT_H_
#define MARA_SERVICE_AUDIT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.h"
#include "common/status.h"
#include "domain/json_codec.h"
#include "security/audit_log.h"
#include "service/session.h"

namespace mara {

inline constexpr std::string_view kAuditHeadFormat = "mara-audit-head/1";
inline constexpr std::string_view kLoginFailedAction = "login.failed";
// The principal of a failed login whose name names nobody.
inline constexpr std::string_view kUnknownPrincipal = "(unknown)";
inline constexpr std::string_view kLoginUnknownName = "unknown_name";
inline constexpr std::string_view kLoginWrongPassword = "wrong_password";
inline constexpr std::string_view kLoginDisabled = "disabled";
inline constexpr std::string_view kLoginLockedOut = "locked_out";
inline constexpr std::string_view kLoginFailureReasons[] = {kLoginUnknownName, kLoginWrongPassword,
                                                            kLoginDisabled, kLoginLockedOut};
inline constexpr size_t kMaxAuditPage = 1000;

struct AuditQuery {
  uint64_t after_seq = 0;
  size_t limit = 100;
  std::string principal;  // "" any
  std::string action;     // "" any; a prefix when it ends with '.' or '*'
  std::string record;     // "" any; a substring of the target id
  std::optional<Date> from, to;
};

struct AuditItem {
  security::AuditRecord record;
  std::optional<Json> changes;  // [{field, before?, after?}], or none known
};

struct AuditPage {
  std::vector<AuditItem> items;
  std::optional<uint64_t> next_after_seq;
};

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
Result<AuditPage> ListAuditRecords(Session& session, const AuditQuery& query);
Status RecordFailedLogin(Session& session, std::string_view typed_name, std::string_view reason);

}  // namespace mara

#endif  // MARA_SERVICE_AUDIT_H_
