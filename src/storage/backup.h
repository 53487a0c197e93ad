// Physical backups of a store's database, taken while it is in use.
//
// Contract:
// - BackupDatabase(url, out) writes a consistent copy of the database named
//   by `url` (as OpenStore takes it) to the file `out`, which must not exist
//   (kConflict otherwise; a backup never overwrites). The copy is written to
//   "<out>.partial" and renamed into place only when complete, so a failed
//   backup leaves nothing under `out`.
// - SQLite: the online backup API copies the pages from a separate read
//   connection; writers may go on meanwhile (a write during the copy makes
//   it restart from the new state). The result is an ordinary Mara database
//   file: restore by copying it back, or open it directly with --db.
// - PostgreSQL: runs `pg_dump --format=custom` on the same URL (pg_dump
//   takes one snapshot, so concurrent writers are fine); the password, if
//   any, reaches pg_dump in its environment, never on its command line.
//   Restore with `createdb NEW && pg_restore --no-owner -d NEW FILE`
//   (docs/deployment.md). pg_dump missing from PATH is kNotFound.
// - A missing SQLite file is kNotFound; other failures are kIOError with the
//   tool's or SQLite's message. Thread-safe (no shared state).
#ifndef MARA_STORAGE_BACKUP_H_
#define MARA_STORAGE_BACKUP_H_

#include <string>

#include "common/status.h"
#include "storage/inner_layer.h"

namespace mara {

Status BackupDatabase(const std::string& url, const std::string& out);

}  // namespace mara

#endif  // MARA_STORAGE_BACKUP_H_
