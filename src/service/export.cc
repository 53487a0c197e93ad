#include "service/export.h"

#include <string>

#include "common/text.h"
#include "ingest/bundle.h"
#include "ingest/incidents_csv.h"
#include "service/core.h"

namespace mara {

Result<ExportFormat> ParseExportFormat(std::string_view name) {
  if (name == "bundle") return ExportFormat::kBundle;
  if (name == "incidents-csv") return ExportFormat::kIncidentsCsv;
  return Status::InvalidArgument("unknown export format " + QuoteForMessage(name) +
                                 " (expected bundle or incidents-csv)");
}

Status ExportStore(Store& store, ExportFormat format, std::ostream& out) {
  switch (format) {
    case ExportFormat::kBundle:
      return WriteBundle(store, out);
    case ExportFormat::kIncidentsCsv:
      return WriteIncidentsCsv(store, out);
  }
  return Status::InvalidArgument("unknown export format");
}

Status ExportStore(Store& store, std::string_view format, std::ostream& out) {
  MARA_ASSIGN_OR_RETURN(ExportFormat f, ParseExportFormat(format));
  return ExportStore(store, f, out);
}

}  // namespace mara
