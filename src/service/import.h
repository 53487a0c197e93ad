// Importing a file into a Store: a mara-bundle/1 document or an incidents
// CSV (docs/formats.md). The one import path for the CLI and the HTTP API.
//
// Contract:
// - ImportFile() picks the format from ImportOptions::format ("bundle",
//   "incidents-csv", or a dataset format: "svac", "ucdp-actors", "acled",
//   "hxl", see ingest/dataset_import.h) or, when it is empty, from the
//   extension (.json, .csv); any other name is kInvalidArgument asking for
//   --format. Dataset formats follow the same atomicity and rejects rules;
//   their rejects file has the original columns plus `reject_reason`.
// - Atomic by default: everything happens in one transaction (the import
//   log row included); the first invalid record rolls it back and its error
//   is returned, so the store is exactly as before. The message is one line
//   naming the file, the record (CSV line or JSON pointer) and the field:
//   "in.csv: line 17: field 'date': no such calendar date '2025-02-30'",
//   "b.json: /incidents/3/perpetrators/0/party: unknown party 'P-9'".
// - A date after today (ImportOptions::clock) is invalid like any broken
//   rule: "b.json: /incidents/3/date: 2030-01-05 is after today
//   (2026-12-03)", "in.csv: line 4: field 'verified_on': ...".
// - With skip_invalid the valid records are committed and each rejected one
//   is written with its reason to "<file>.rejects.csv" (always written in
//   this mode, header only when nothing was rejected): for a CSV the
//   original columns plus `reject_reason`; for a bundle the columns
//   `pointer,reason,record` (the record as JSON). A broken file (bad JSON,
//   an unterminated CSV quote) still fails as a whole.
// - Records are upserted by key, so importing the same file twice changes
//   nothing the second time. Incident CSVs stream in constant memory (a
//   few slots of 256 rows; duplicate ids are found by the store, not a set):
//   a second thread reads, decodes and checks the rows while the calling
//   thread writes them (the reading thread calls only the thread-safe
//   Store::PrepareIncident). Their references must already be stored. Bundles
//   are parsed whole.
// - Status codes: kNotFound for a missing file, kInvalidArgument for bad
//   input, kIOError/kCorruption/kConflict from the store or file system.
// - The Store is written from the calling thread only; `progress` is called
//   on it with bytes read so far and the file size.
// The Store-level functions of this contract are declared in
// service/core.h, inside the service layer; the layers above it call the
// Session operations (authorized.h), which authorise and audit them.
#ifndef MARA_SERVICE_IMPORT_H_
#define MARA_SERVICE_IMPORT_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/records.h"

namespace mara {

struct ImportReport;

struct ImportOptions {
  std::string format;  // "bundle", "incidents-csv", or "" for the file's extension
  bool skip_invalid = false;
  std::function<void(uint64_t done, uint64_t total)> progress;  // bytes
  std::string principal;                                        // who imports, for the import log
  // The clock for the import log's start time and for "today" (its UTC
  // date): bundle and incidents-CSV records dated after today are invalid
  // (domain/validate.h CheckNotAfter). The system clock when empty.
  std::function<std::chrono::system_clock::time_point()> clock;
  // Largest CSV record accepted (the CSV reader's limit).
  size_t max_csv_record_bytes = size_t{64} << 20;
  // Dataset formats (svac, ucdp-actors, acled, hxl; docs/importers.md):
  std::string agenda = "all";  // situations the import names on the agenda: all, none or a file
  std::string mapping;         // hxl: a mapping file, "" for the default mapping
  std::string names_config;    // name-resolution thresholds (TOML), "" for the defaults
  // Called inside the import's transaction just before it commits (the
  // import's audit record goes in there); an error rolls the import back.
  std::function<Status(const ImportReport&)> before_commit;
};

struct ImportReport {
  std::string file;
  std::string format;       // "bundle" or "incidents-csv"
  std::string file_digest;  // BLAKE2b-256 hex of the file's bytes
  int64_t import_id = 0;
  CollectionCounts inserted;
  CollectionCounts updated;
  int64_t rejected = 0;
  std::string rejects_path;        // set in skip_invalid mode
  std::vector<std::string> notes;  // dataset formats: matching and merging counts

  int64_t Accepted() const;
};
using ImportSummary = ImportReport;

// A few lines for people: per collection inserted/updated, rejected count and
// the rejects file.
std::string FormatImportSummary(const ImportReport& report);

}  // namespace mara

#endif  // MARA_SERVICE_IMPORT_H_
