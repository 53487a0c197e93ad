// The ACLED importer (`mara import FILE --format acled`): events of an
// ACLED export whose sub_event_type is "Sexual violence" become incidents
// (docs/importers.md, "acled").
//
// Contract:
// - Required columns: event_id_cnty, event_date, time_precision,
//   sub_event_type, actor1, inter1, country. Optional: assoc_actor_1,
//   admin1, location, latitude, longitude, source, notes, iso (and actor2,
//   assoc_actor_2, inter2, which are not used). Other columns are ignored.
//   Header names and cells follow the rules of dataset_import.h: case and
//   blanks around header names do not matter, and NA, N/A, NULL or an
//   empty cell is a missing value.
// - An event whose sub_event_type is not "Sexual violence" (compared
//   ignoring case and spacing) is skipped and counted (a note), never an
//   error. A sexual-violence event becomes incident "ACLED-<event_id_cnty>":
//   status reported; date event_date (YYYY-MM-DD, or "14 May 2023") with
//   precision from time_precision (1 day, 2 week, 3 month); location from
//   location/admin1/latitude/longitude; situation that of the country of
//   the ISO numeric code iso, else of the country name (SituationOfPlace,
//   "SIT-<alpha-3>"; a name the country table does not know keeps
//   SituationIdFor(country)), created when missing (agenda rule of DatasetImportOptions);
//   violations read from the notes with the keyword table (violation_keywords.h); nexus
//   perpetrator_affiliation; sources the ACLED data set ("ACLED") and the reporting source named in
//   `source`; notes as the (confidential) narrative; actor1 and each actor of assoc_actor_1 (split
//   at ';') resolved by PartyMatcher (origin "acled", new parties "ACLED-...", in the incident's
//   situation) and attributed with standard credible_information.
// - Party kinds: actor1 is a state party when inter1 is 1 (state forces)
//   or 8 (external/other forces), else non-state; an associated actor is a
//   state party when its name is a state-forces name of the codebook
//   (AcledStateForcesCountry). A state-forces name of country X that the
//   registry does not know as spelled is also tried as "Government of X",
//   the name SVAC and UCDP give states.
// - Row errors: a missing or malformed event id, event_date,
//   time_precision, country, actor1 or inter1, a missing location and
//   admin1, a bad coordinate. Re-importing the same file changes nothing.
//   Streams the file; one thread.
#ifndef MARA_INGEST_ACLED_H_
#define MARA_INGEST_ACLED_H_

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "ingest/dataset_import.h"
#include "storage/store.h"

namespace mara {

Status ImportAcled(Store& store, const std::string& path, const DatasetImportOptions& options,
                   const DatasetSink& sink, DatasetImportResult* result);

// Parses "2023-05-14" or "14 May 2023" (English month names, full or
// three-letter); nullopt otherwise.
std::optional<Date> ParseAcledDate(std::string_view text);

// An inter code of ACLED's codebook: "0".."8", or its name ("State
// forces", "Rebel group", ..., "External/Other forces"; case and spacing
// ignored); nullopt otherwise.
std::optional<int> ParseAcledInterCode(std::string_view cell);

// The country X of a state-forces actor as ACLED's codebook names them:
// "Military Forces of X (2000-)", "Police Forces of X (1989-2019)",
// "Government of X (2019-)", with anything after the period ("Military
// Forces of X (2019-) Navy") left out; the period itself may be absent.
// The prefix is compared ignoring case. nullopt for any other name.
std::optional<std::string> AcledStateForcesCountry(std::string_view actor);

}  // namespace mara

#endif  // MARA_INGEST_ACLED_H_
