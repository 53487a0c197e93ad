// The SQLite side of the security tables (migration 4, docs/security.md): principals, incident
// provenance for the four-eyes rule, the audit chain, and the sealing of
// sensitive fields. SqliteStore delegates to these functions; the contract
// of each is that of the Store method of the same name (storage/store.h).
//
// Sealer wraps security::FieldCipher for the store: with keys it seals and
// unseals; without keys it leaves plain text alone and refuses a sealed
// field with kPermissionDenied. Text without the mara-enc1 prefix is read as
// plain text, so a database written before encryption stays readable until
// ResealFields seals it. Not thread-safe (like the Db).
//
// Locations: an incident whose consent is LocationIsSealed keeps its whole
// location (name, admin1, lat, lon) as one sealed JSON document in the
// location_name column, bound to column "location", with the other three
// columns NULL. The assessment only compares folded location names, so
// with keys the facts it reads name each location by a token: a keyed
// BLAKE2b-128 of the folded name under a subkey of the current data key
// (hex). Equal folded names give equal tokens; the tokens, unlike the
// names, are safe to keep in the facts projection.
#ifndef MARA_STORAGE_SQLITE_SECURITY_TABLES_H_
#define MARA_STORAGE_SQLITE_SECURITY_TABLES_H_

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/name_map.h"
#include "common/status.h"
#include "security/audit_log.h"
#include "security/field_cipher.h"
#include "security/key_file.h"
#include "storage/sqlite/sqlite.h"
#include "storage/store.h"

namespace mara::sqlite {

class Sealer {
 public:
  explicit Sealer(std::shared_ptr<const security::KeyMaterial> keys);
  ~Sealer();
  Sealer(const Sealer&) = delete;
  Sealer& operator=(const Sealer&) = delete;
  bool enabled() const { return cipher_ != nullptr; }
  // Plain text without keys; sealed text with them.
  Result<std::string> Seal(std::string_view plain, std::string_view table, std::string_view id,
                           std::string_view column) const;
  Result<std::string> Unseal(std::string_view stored, std::string_view table, std::string_view id,
                             std::string_view column) const;
  // True when `stored` is plain or sealed under another key than the current.
  bool NeedsReseal(std::string_view stored) const;

  // The columns to write for `incident`: sealed when keys are loaded and
  // its consent is LocationIsSealed, else the location as it is.
  Result<StoredLocation> SealLocation(const Incident& incident) const;
  // Everything of `incident` as its row stores it (Store::PrepareIncident):
  // the narrative and location sealed as Seal and SealLocation do, the lists
  // and dates joined (storage/incident_columns.h); leaves out->state_digest
  // alone. Thread-safe, like Seal.
  Status PrepareIncident(const Incident& incident, PreparedIncident* out) const;
  // Replaces *location with the sealed document when `stored_name` (the
  // location_name column of incident `id`) is one; leaves it alone else.
  // kPermissionDenied without keys, kCorruption for a damaged document.
  Status UnsealLocation(std::string_view id, std::string_view stored_name,
                        Location* location) const;
  // The location name the facts hand the assessment: `plain` without
  // keys, its token with them. The view is valid until the next call.
  std::string_view FactsLocation(std::string_view plain);
  // Names the scheme of FactsLocation, so that a projection built under
  // another one (no keys, a retired key) is rebuilt: "plain" or
  // "token:<data key id>".
  std::string FactsLocationScheme() const;

 private:
  std::shared_ptr<const security::KeyMaterial> keys_;
  std::unique_ptr<security::FieldCipher> cipher_;
  std::array<uint8_t, 32> token_key_{};
  // Tokens of the names met, so each distinct name is folded and hashed once
  // (the token's bytes are in the map's arena).
  NameMap<std::string_view> tokens_;
};

Status PutUser(Db& db, const UserRecord& user);
Result<std::optional<UserRecord>> GetUser(Db& db, std::string_view name);
Result<std::vector<UserRecord>> ListUsers(Db& db);

Result<std::optional<IncidentProvenance>> GetIncidentProvenance(Db& db, std::string_view id);
Status SetIncidentEditor(Db& db, std::string_view id, std::string_view principal);

Status AppendAuditRecord(Db& db, const security::AuditRecord& record);
Status AppendAuditCheckpoint(Db& db, const security::AuditCheckpoint& checkpoint);
Result<security::AuditHead> GetAuditHead(Db& db);
Status ScanAuditRecords(Db& db, const std::function<Status(const security::AuditRecord&)>& fn);
Result<std::vector<security::AuditCheckpoint>> ListAuditCheckpoints(Db& db);
Status AppendStateEntries(Db& db, std::span<const StateEntry> entries);
Status ScanStateEntries(Db& db, const std::function<Status(const StateEntry&)>& fn);
Result<std::optional<std::string>> LatestStateDigest(Db& db, std::string_view collection,
                                                     std::string_view id);

// Re-seals incident narratives, sealed incident locations, sealed source
// documents and name-review notes under the current key (and seals plain
// ones); returns how many were rewritten.
Result<int64_t> ResealFields(Db& db, const Sealer& sealer);

}  // namespace mara::sqlite

#endif  // MARA_STORAGE_SQLITE_SECURITY_TABLES_H_
