// The UCDP Actor Dataset importer (`mara import FILE --format ucdp-actors`,
// layout 23.1): the party registry, merged with the parties already stored
// (docs/importers.md, "ucdp-actors").
//
// Contract:
// - Required columns: ActorId, NameData, Org, Version. Optional:
//   NameOrig, NameOrigFull, NameOrigFullEng, NameChange, NewName, Splinter,
//   ActorIdPrev, Alliance, ActorIdAlliance, NameAlliance, Location (a
//   missing NameChange or Splinter is 0, a missing Location "Unknown
//   location"). NA, N/A, NULL and empty cells are missing values
//   (dataset_import.h); a missing spelling is no alias.
// - Each actor is a party "UCDP-<ActorId>" named NameData; NameOrig,
//   NameOrigFull, NameOrigFullEng and the later names of a rename
//   (NameChange = 1, NewName split at commas) are aliases, and NameData
//   followed by the later names are its names over time (UCDP gives no
//   dates); kind state for Org 4 (governments), else non-state; situation
//   the first of its Locations: the country it names, else the country of
//   the first GWNOLoc number, gives "SIT-<alpha-3>" (SituationOfPlace);
//   other places are SituationIdFor(location). A splinter (Splinter = 1) gets splinter_of
//   the party of its first ActorIdPrev that the file holds. An actor that
//   joined another group (JoinGroup = 1) is dissolved, without a date,
//   source "UCDP actor list <Version>: joined <GroupName> (<ActorIdGroup>)";
//   a dissolution recorded with a date or from another source is kept. Alliances,
//   every location and the release are kept in the store's meta table under
//   "ucdp-actor/<ActorId>" as a JSON object.
// - Merging: when a party "UCDP-<ActorId>" was stored before this import
//   (by SVAC, whose ids come from an older UCDP release), the names must
//   agree: the stored party's name or one of its aliases, alone or as
//   "Government of <name>", resolves (names::NameResolver over this file's
//   actors) to this ActorId with decision accept. Then the stored party is
//   enriched: it keeps its id, name, kind and situation and gains the
//   aliases, names over time and splinter_of. Otherwise the id conflicts:
//   the actor is stored as a party "UCDP-<Version>-<ActorId>" and its
//   NameData is queued for review against the stored party. The result's
//   notes count merged and conflicted ids.
// - Row errors: a missing, non-integer or repeated ActorId, a missing
//   NameData, Org or Version, NameChange/Splinter/Org that are not
//   integers. Re-importing changes
//   nothing. Reads the whole file before writing; one thread.
#ifndef MARA_INGEST_UCDP_ACTORS_H_
#define MARA_INGEST_UCDP_ACTORS_H_

#include <string>

#include "common/status.h"
#include "ingest/dataset_import.h"
#include "storage/store.h"

namespace mara {

Status ImportUcdpActors(Store& store, const std::string& path, const DatasetImportOptions& options,
                        const DatasetSink& sink, DatasetImportResult* result);

}  // namespace mara

#endif  // MARA_INGEST_UCDP_ACTORS_H_
