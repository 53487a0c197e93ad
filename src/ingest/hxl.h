// The HXL importer (`mara import FILE --format hxl [--mapping FILE]`): a
// CSV whose second row (or first, when there is no header of column names)
// holds HXL hashtags; each data row becomes an incident, its fields found
// by hashtag through a mapping (docs/importers.md, "hxl").
//
// Contract:
// - A mapping is lines "field = value" ('#' at the start of a line is a
//   comment). A value starting with '#' is a list of hashtag patterns
//   separated by spaces, tried in order: a pattern matches a column whose
//   tag is the pattern's and whose attributes include all of the pattern's
//   ("#group+name" matches "#group+name+first"). Any other value is a
//   constant for the field (vocabulary compared ignoring case and spacing:
//   "violations = Forced marriage"). Fields: id, date, location, admin1,
//   lat, lon, perpetrators, victims, situation, country_code, violations,
//   status, standard, incident_filter. DefaultHxlMapping() is the default; a
//   mapping file overrides the fields it names. Unknown fields, bad
//   patterns and bad constants are kInvalidArgument naming the mapping file
//   and line.
// - No row is an incident by default: the mapping must name the rows that
//   are, "incident_filter = #event+type sexual violence" (the rows whose
//   cell under the first column matching the pattern is one of the values,
//   separated by ';', compared ignoring case and spacing) or
//   "incident_filter = all". Without one the import is refused with a
//   message that says how to add it; the other rows are skipped and
//   counted.
// - violations mapped to a column: the cell is violation names separated
//   by ';', or else free text read with the keyword table
//   (violation_keywords.h).
// - Cells that are empty or NA, N/A, NULL are missing (dataset_import.h).
// - Per row: date "YYYY-MM-DD" (precision day) or "YYYY" (precision year),
//   required; situation that of the country of the country_code cell
//   (alpha-3, alpha-2 or ISO numeric), else of the situation cell (a name
//   or code): "SIT-<alpha-3>" (SituationOfPlace); a place the country
//   table does not know keeps SituationIdFor(name); created with the
//   agenda rule; location, else admin1, else the situation's name;
//   victims an integer count of unknown sex and age; perpetrators resolved
//   by PartyMatcher (origin "hxl", new parties "HXL-..."), several
//   separated by ';'; the incident id "HXL-" + the mapped id, or else a
//   digest of the row's cells (with a counter for identical rows), so a
//   re-import changes nothing; every incident cites one source for the file.
// - Errors name the line and column; with skip_invalid bad rows are
//   rejected. Streams the file; one thread.
#ifndef MARA_INGEST_HXL_H_
#define MARA_INGEST_HXL_H_

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "ingest/dataset_import.h"
#include "storage/store.h"

namespace mara {

// field -> either hashtag patterns (each starting with '#') or one constant;
// incident_filter -> {"all"} or {pattern, values}.
using HxlMapping = std::map<std::string, std::vector<std::string>>;

// The default mapping; it has no incident_filter.
HxlMapping DefaultHxlMapping();
// The default mapping with the fields of `path` replaced.
Result<HxlMapping> LoadHxlMapping(const std::string& path);

// Whether column hashtag `tag` ("#group+name+first") matches `pattern`
// ("#group+name"): same tag, pattern attributes a subset. Case-insensitive.
bool HxlMatches(std::string_view pattern, std::string_view tag);

Status ImportHxl(Store& store, const std::string& path, const DatasetImportOptions& options,
                 const DatasetSink& sink, DatasetImportResult* result);

}  // namespace mara

#endif  // MARA_INGEST_HXL_H_
