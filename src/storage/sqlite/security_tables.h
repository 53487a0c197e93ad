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
#ifndef MARA_STORAGE_SQLITE_SECURITY_TABLES_H_
#define MARA_STORAGE_SQLITE_SECURITY_TABLES_H_

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

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
  bool enabled() const { return cipher_ != nullptr; }
  // Plain text without keys; sealed text with them.
  Result<std::string> Seal(std::string_view plain, std::string_view table, std::string_view id,
                           std::string_view column) const;
  Result<std::string> Unseal(std::string_view stored, std::string_view table, std::string_view id,
                             std::string_view column) const;
  // True when `stored` is plain or sealed under another key than the current.
  bool NeedsReseal(std::string_view stored) const;

 private:
  std::shared_ptr<const security::KeyMaterial> keys_;
  std::unique_ptr<security::FieldCipher> cipher_;
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

// Re-seals incident narratives and sealed source documents under the
// current key (and seals plain ones); returns how many were rewritten.
Result<int64_t> ResealFields(Db& db, const Sealer& sealer);

}  // namespace mara::sqlite

#endif  // MARA_STORAGE_SQLITE_SECURITY_TABLES_H_
