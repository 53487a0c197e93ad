// The flat incidents CSV (docs/formats.md, "Incidents CSV"): one row per
// incident, the columns of kIncidentColumns, ';' between the values of a
// multi-valued cell and `party:standard` perpetrators.
//
// Contract:
// - IncidentCsvLayout::FromHeader() maps a header row to the columns. The
//   required columns must be there, each at most once; any other name is an
//   error naming it; the order is free.
// - Decode() turns one row into an Incident, reusing the storage of *out
//   (strings and vectors keep their capacity), so a loop over millions of
//   rows allocates almost nothing. Empty optional cells are absent, empty
//   counts are 0, an empty date_precision is day and an empty consent is
//   aggregate_reporting. It checks syntax (numbers, dates, enums, the shape
//   of lists); the record's own rules (validate.h CheckRecord) and its
//   references are the caller's. Errors are kInvalidArgument
//   "field 'date': no such calendar date '2025-02-30'".
// - AppendIncidentRow() writes the canonical row (all columns in canonical
//   order, LF-terminated, quoted only when needed; lat/lon in the shortest
//   form that reads back to the same double), so equal incidents give equal
//   bytes. WriteIncidentsCsv() streams a whole store that way.
// Pure functions are thread-safe; a layout is immutable after FromHeader.
#ifndef MARA_INGEST_INCIDENTS_CSV_H_
#define MARA_INGEST_INCIDENTS_CSV_H_

#include <array>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/model.h"
#include "storage/store.h"

namespace mara {

inline constexpr std::array<std::string_view, 22> kIncidentColumns = {
    "id",           "situation", "date",       "date_precision", "location", "admin1",
    "lat",          "lon",       "violations", "women",          "girls",    "men",
    "boys",         "unknown",   "context",    "nexus",          "status",   "verified_on",
    "perpetrators", "sources",   "narrative",  "consent"};

enum class IncidentColumn {
  kId,
  kSituation,
  kDate,
  kDatePrecision,
  kLocation,
  kAdmin1,
  kLat,
  kLon,
  kViolations,
  kWomen,
  kGirls,
  kMen,
  kBoys,
  kUnknown,
  kContext,
  kNexus,
  kStatus,
  kVerifiedOn,
  kPerpetrators,
  kSources,
  kNarrative,
  kConsent,
};

// The column a CheckRecord/CheckReferences field pointer belongs to:
// "/perpetrators/2/party" -> "perpetrators", "/location/name" -> "location".
std::string_view ColumnForPointer(std::string_view pointer);

class IncidentCsvLayout {
 public:
  static Result<IncidentCsvLayout> FromHeader(const std::vector<std::string_view>& header);

  // Number of fields every row must have (the header's).
  size_t width() const { return width_; }
  Status Decode(const std::vector<std::string_view>& row, Incident* out) const;

 private:
  size_t width_ = 0;
  std::array<int, kIncidentColumns.size()> index_{};  // -1 when the column is absent
};

// Appends one CSV field, quoted when it holds ',', '"', CR or LF.
void AppendCsvField(std::string_view value, std::string* out);
// The canonical header line, LF-terminated.
std::string IncidentCsvHeader();
void AppendIncidentRow(const Incident& incident, std::string* out);

// Header plus every stored incident in id order; kIOError when the stream
// fails.
Status WriteIncidentsCsv(Store& store, std::ostream& out);

}  // namespace mara

#endif  // MARA_INGEST_INCIDENTS_CSV_H_
