// Moving a whole store between backends, and backups.
//
// Contract:
// - CopyStore(from, to) copies everything `from` holds into `to`: the
//   registry, every incident with who created and last edited it, the import
//   log, principals, the name-review queue, and the audit chain with its
//   checkpoints record for record (so the chain and its signatures still
//   verify; evidence custody is part of that chain). Sealed fields are
//   unsealed with `from`'s keys and sealed again with `to`'s, so both must be
//   opened with the data key when the source holds sealed fields. `to` must
//   be empty (kConflict naming what it holds otherwise), and everything is
//   written in one transaction of `to`: a failed copy leaves it empty. The
//   data digest (service/digest.h) of both stores is compared afterwards; a
//   difference is kCorruption. Other failures are those of the stores.
// - Incidents stream in id order in constant memory, so copies of millions
//   of incidents work (and PostgreSQL takes them through COPY).
// - BackupStore(url, out) takes a physical backup (storage/backup.h) and
//   reports the data digest of the store at that moment.
// - The Session overloads are the entry points of `mara store copy` and
//   `mara backup`: the session's principal needs kTransferStore (admins;
//   kPermissionDenied otherwise) and its store is the source. Each is
//   audited in the source's chain: `store.copy` (target: the destination as
//   given, with any password removed) is appended before the copy begins,
//   so the copied chain in the destination holds it too, and a failed copy
//   keeps it as the record of the attempt; `store.backup` (target: the
//   backup's file name; after digest: the data digest) is appended once the
//   backup is written. On a read-only source (a replica) the chain cannot
//   grow and both go unrecorded (Session::AuditRead).
// - Each Store is used from the calling thread only.
// The Store-level functions of this contract are declared in
// service/core.h, inside the service layer; the layers above it call the
// Session operations (authorized.h), which authorise and audit them.
#ifndef MARA_SERVICE_STORE_TRANSFER_H_
#define MARA_SERVICE_STORE_TRANSFER_H_

#include <cstdint>
#include <string>

#include "common/status.h"
#include "service/session.h"
#include "storage/records.h"

namespace mara {

struct CopyReport {
  CollectionCounts counts;  // records copied per collection
  int64_t imports = 0;
  int64_t users = 0;
  int64_t name_reviews = 0;
  int64_t communications = 0;
  int64_t audit_records = 0;
  int64_t audit_checkpoints = 0;
  std::string data_digest;  // equal in both stores
};

// A few lines for people.
std::string FormatCopyReport(const CopyReport& report);

struct BackupReport {
  std::string file;
  std::string backend;      // "sqlite" or "postgresql"
  std::string data_digest;  // of the store when the backup began
};

// As CopyStore(session, to, name) for the store `to` names (to.db, created
// when missing, opened read-write with the data key of the key file
// ResolveKeyFile(to) names when that file exists). The principal is
// authorised before the destination is opened, so a refused principal
// creates nothing.
Result<CopyReport> CopyStoreTo(Session& session, const SessionOptions& to);
Result<BackupReport> BackupStore(Session& session, const std::string& out);

}  // namespace mara

#endif  // MARA_SERVICE_STORE_TRANSFER_H_
