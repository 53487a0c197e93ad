// Exporting a whole Store as a mara-bundle/1 document or an incidents CSV
// (docs/formats.md). The one export path for the CLI and the HTTP API.
//
// Contract: the output is canonical and byte-stable: the same stored data
// always gives the same bytes, and import -> export -> import into a fresh
// store -> export reproduces them exactly. Memory stays constant in the
// number of incidents (they are streamed). A stream failure is kIOError;
// store failures come back unchanged. An unknown format name is
// kInvalidArgument. The Store is used from the calling thread only.
// The Store-level functions of this contract are declared in
// service/core.h, inside the service layer; the layers above it call the
// Session operations (authorized.h), which authorise and audit them.
#ifndef MARA_SERVICE_EXPORT_H_
#define MARA_SERVICE_EXPORT_H_

#include <ostream>
#include <string_view>

#include "common/status.h"

namespace mara {

enum class ExportFormat { kBundle, kIncidentsCsv };

// "bundle" or "incidents-csv".
Result<ExportFormat> ParseExportFormat(std::string_view name);

}  // namespace mara

#endif  // MARA_SERVICE_EXPORT_H_
