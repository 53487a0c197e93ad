// The ACLED importer (`mara import FILE --format acled`): events of an
// ACLED export whose sub_event_type is "Sexual violence" become incidents
// (docs/importers.md, "acled").
//
// Contract:
// - Required columns: event_id_cnty, event_date, time_precision,
//   sub_event_type, actor1, assoc_actor_1, inter1, country, admin1,
//   location, latitude, longitude, source, notes. The other columns of the
//   export are allowed and ignored.
// - Any other sub_event_type is skipped and counted (a note), never an
//   error. A sexual-violence event becomes incident "ACLED-<event_id_cnty>":
//   status reported; date event_date (YYYY-MM-DD, or "14 May 2023") with
//   precision from time_precision (1 day, 2 week, 3 month); location from
//   location/admin1/latitude/longitude; situation SituationIdFor(country),
//   created when missing (agenda rule of DatasetImportOptions); violations
//   read from the notes (rape, sexual slavery, forced marriage, forced
//   prostitution, sexual torture, mutilation, forced nudity; else
//   other_comparable_gravity); nexus perpetrator_affiliation; sources the
//   ACLED data set ("ACLED") and the reporting source named in `source`;
//   notes as the (confidential) narrative; actor1 and each actor of
//   assoc_actor_1 (split at ';') resolved by PartyMatcher (origin "acled",
//   new parties "ACLED-..."; state when inter1 is 1) and attributed with
//   standard credible_information.
// - Row errors: an empty or malformed event id or actor1, a bad date,
//   time_precision or coordinate. Re-importing the same file changes
//   nothing. Streams the file; one thread.
#ifndef MARA_INGEST_ACLED_H_
#define MARA_INGEST_ACLED_H_

#include <string>

#include "common/status.h"
#include "ingest/dataset_import.h"
#include "storage/store.h"

namespace mara {

Status ImportAcled(Store& store, const std::string& path, const DatasetImportOptions& options,
                   const DatasetSink& sink, DatasetImportResult* result);

// Parses "2023-05-14" or "14 May 2023" (English month names, full or
// three-letter); nullopt otherwise.
std::optional<Date> ParseAcledDate(std::string_view text);

// The violations the notes of an event name, in taxonomy order; never empty.
std::vector<Violation> ViolationsFromNotes(std::string_view notes);

}  // namespace mara

#endif  // MARA_INGEST_ACLED_H_
