// Evidence custody (docs/security.md §5): files attached to a source or an
// incident, stored content-addressed and encrypted, with a chain-of-custody
// log.
//
// Storage: the evidence directory (Session::evidence_dir(), mode 0700) holds
// one file per distinct content, named by the lowercase hex SHA-256 of the
// original bytes computed at intake. The name a file had outside never
// becomes a path: it is read once, through the path the caller gives, and
// only its extension is used, to guess a media type from a fixed list. Each
// stored file is encrypted with the data key, format `mara-evidence/1`
// (docs/security.md): the magic line, the key id, a libsodium secretstream
// (XChaCha20-Poly1305) header and 64 KiB chunks, the last one tagged final,
// every chunk authenticated with the magic and key id as associated data.
// Streaming keeps memory constant whatever the file size.
//
// Custody: every intake, view, export and verification is an audit record
// (collection "evidence", target the item id, principal and time), so the
// custody log is part of the tamper-evident chain; CustodyLog() reads it.
//
// Errors: kNotFound (no such file, source, incident or item),
// kInvalidArgument (not a regular file, neither source nor incident given,
// an invalid id), kConflict (the id exists with other content),
// kCorruption (a stored file that fails authentication or whose hash no
// longer matches), kIOError (the file system), kPermissionDenied (roles).
// A Session is used from one thread.
#ifndef MARA_SERVICE_EVIDENCE_H_
#define MARA_SERVICE_EVIDENCE_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "security/audit_log.h"
#include "security/key_file.h"
#include "service/session.h"

namespace mara {

inline constexpr std::string_view kEvidenceFormat = "mara-evidence/1";

struct EvidenceIntake {
  std::optional<std::string> source;
  std::optional<std::string> incident;
  std::optional<std::string> id;  // default "EV-" + the first 16 hex digits of the SHA-256
  std::optional<std::string> description;
  // A file captured before it reached Mara (offline, on a monitor's device):
  // the SHA-256 taken at capture (64 lowercase hex), which must equal the
  // received bytes' (else kInvalidArgument naming "captured_sha256" and
  // nothing is kept), and the instant of capture (ISO 8601 UTC, not after
  // now), kept on the item as `captured_at`. Either may come alone.
  std::optional<std::string> captured_sha256;
  std::optional<std::string> captured_at;
};

// kAddEvidence (in the incident's situation when an incident is named).
Result<EvidenceItem> AddEvidence(Session& session, const std::string& path,
                                 const EvidenceIntake& intake);
// kViewEvidence: decrypts item `id` to `out_path` (a new file, kConflict if
// it exists), checking its hash on the way, and logs the view.
Status ExportEvidence(Session& session, const std::string& id, const std::string& out_path);

struct EvidenceProblem {
  std::string id;
  std::string sha256;
  std::string what;  // "missing", "hash mismatch: ...", "unreadable: ..."
};
struct EvidenceVerification {
  int64_t checked = 0;
  std::vector<EvidenceProblem> problems;
  bool ok() const { return problems.empty(); }
};
// kViewEvidence everywhere: re-hashes every stored item.
Result<EvidenceVerification> VerifyEvidence(Session& session);
// The four-eyes check of one item: another person than the one who received
// it confirms that the stored file still decrypts and hashes to the SHA-256
// recorded at intake. Needs kViewEvidence and kVerifyIncident (a reviewer) in
// the item's situation (its incident's; every situation for an item of a
// source only), by a principal who recorded none of its intakes (its
// `evidence.add` custody records): kPermissionDenied naming the four-eyes
// rule otherwise. kNotFound as ExportEvidence. A file that is missing or
// fails is not an error: `intact` is false and `problem` says why. Either
// way the check is a custody record, `evidence.verify` with the item as
// target, the recorded SHA-256 before and, when intact, after.
struct EvidenceItemCheck {
  std::string id;
  std::string sha256;
  bool intact = false;
  std::string problem;  // "" when intact
  std::string verified_by;
  std::string verified_at;  // ISO 8601 UTC
};
Result<EvidenceItemCheck> VerifyEvidenceItem(Session& session, const std::string& id);
// kViewEvidence somewhere: the items the principal may view (in its
// situations), of one incident when `incident` is given. Evidence of a
// withdrawn incident or testimony is in no listing, and ExportEvidence and
// CustodyLog answer it as kNotFound.
Result<std::vector<EvidenceItem>> ListEvidenceItems(Session& session,
                                                    const std::optional<std::string>& incident);
// kViewEvidence: the custody records of item `id`, oldest first.
Result<std::vector<security::AuditRecord>> CustodyLog(Session& session, const std::string& id);

// The codec, for rotation and tests. EncryptEvidenceStream reads `in` to its
// end and writes the sealed form to `out_path` (created, 0600), returning
// the SHA-256 and size of the plain bytes. DecryptEvidenceFile calls `sink`
// with the plain bytes chunk by chunk.
struct SealedEvidence {
  std::string sha256;
  int64_t size = 0;
};
Result<SealedEvidence> EncryptEvidenceStream(int in_fd, const std::string& out_path,
                                             const security::DataKey& key);
Status DecryptEvidenceFile(const std::string& path, const security::KeyMaterial& keys,
                           const std::function<Status(std::string_view)>& sink);
// Re-encrypts one stored file under keys' current data key, atomically
// (temporary file, then rename). No-op when it already uses that key.
Status ResealEvidenceFile(const std::string& path, const security::KeyMaterial& keys);

// The write and fsync calls through which evidence files reach the disk
// (::write and ::fsync by default). Tests replace them to force a full disk,
// a short write or an fsync error; an intake that meets one fails with
// kIOError and leaves neither a file nor a custody record. Process-wide:
// swap them only while no intake runs.
struct EvidenceFileOps {
  ssize_t (*write)(int fd, const void* data, size_t size);
  int (*fsync)(int fd);
};
// Installs `ops` and returns the ones it replaces.
EvidenceFileOps SetEvidenceFileOpsForTesting(EvidenceFileOps ops);

}  // namespace mara

#endif  // MARA_SERVICE_EVIDENCE_H_
