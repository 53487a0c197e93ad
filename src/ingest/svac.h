// The SVAC 3.2 importer (`mara import FILE --format svac`): Sexual Violence
// in Armed Conflict actor-years become parties, situations, three sources
// and party-level findings (docs/importers.md, "svac").
//
// Contract:
// - Required columns: year, actor, actorid, location, state_prev, ai_prev,
//   hrw_prev; optional: actor_type, form. Others are ignored. NA, N/A,
//   NULL and empty cells are missing values (dataset_import.h).
// - Each actor is one party: id "UCDP-<actorid>", or, for a row without an
//   actorid, SlugId("SVAC", actor + " in " + location). Names are compared
//   by spelling key (folded, spaces removed: "SriLanka" is "Sri Lanka").
//   Its name is the key of most rows (ties: the latest year) in its best
//   spelling (most words, then most rows, then latest year); other
//   spellings are aliases; its kind is the majority over its rows of
//   actor_type (1, 2, 4, 5 state; 3, 6 non-state; missing values do not
//   vote); its situation is the location it appears in most (ties: the
//   first). A party already stored keeps its name, kind and situation and
//   gains SVAC's spellings as aliases.
// - An actorid whose rows carry names of several actors keeps the actor of
//   most rows; each other name goes, in order, where a decided "svac"
//   review entry sends it, to the one other id whose own name it is in a
//   location it shares, stays when it scores >= the accept threshold
//   against the own name, or else to a provisional party
//   SlugId("SVAC", "<actorid> <name>") and the review queue (origin
//   "svac", candidates with resolver scores). docs/importers.md gives the
//   rule and the real file's figures.
// - Each location is a situation: the country it names (countries.h), else
//   the country of the row's gwnoloc when that is one number and gwnoloc2
//   is missing or 0, gives "SIT-<alpha-3>" (SituationOfPlace), so every
//   spelling of a country ("Myanmar", "Myanmar (Burma)") is one situation;
//   any other location (one that names several countries, "Iran, Israel")
//   is SituationIdFor(location). A party's situation is the one of most of
//   its rows. On the agenda by DatasetImportOptions::agenda.
// - Each prevalence column is a source (SVAC-USSD, SVAC-AI, SVAC-HRW); per
//   party, year and source the finding's level is the highest value over the
//   party's rows that year; -99 or a missing value is no finding. `form` (1
//   rape, 2 sexual slavery, 3 forced prostitution, 4 forced pregnancy, 5
//   forced sterilisation/abortion, 6 sexual mutilation, 7 sexual torture;
//   -99 unknown) gives the forms of findings with level >= 1, unioned over
//   the rows.
// - Row errors (kInvalidArgument, "line N, column C 'name': ...") cover a
//   missing year or one outside 1000..9999, a missing actor or location, a
//   non-integer actorid, actor_type outside 1..6, a prevalence outside
//   {-99, 0..3}, an unknown form code. Re-importing the same file changes nothing.
// - Reads the whole file before writing (11,911 rows); one thread.
#ifndef MARA_INGEST_SVAC_H_
#define MARA_INGEST_SVAC_H_

#include <string>

#include "common/status.h"
#include "ingest/dataset_import.h"
#include "storage/store.h"

namespace mara {

inline constexpr std::string_view kSvacSourceIds[3] = {"SVAC-USSD", "SVAC-AI", "SVAC-HRW"};

Status ImportSvac(Store& store, const std::string& path, const DatasetImportOptions& options,
                  const DatasetSink& sink, DatasetImportResult* result);

}  // namespace mara

#endif  // MARA_INGEST_SVAC_H_
