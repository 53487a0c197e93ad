// The text an incident's lists and dates are stored as, the same on both
// backends: lists joined with ';' in their CSV spellings, perpetrators as
// `party:standard`, dates in ISO form (docs/formats.md, the incidents CSV).
#ifndef MARA_STORAGE_INCIDENT_COLUMNS_H_
#define MARA_STORAGE_INCIDENT_COLUMNS_H_

#include "domain/model.h"
#include "storage/inner_layer.h"
#include "storage/records.h"

namespace mara {

// Sets out->date, verified_on, violations, nexus, perpetrators and sources
// from `v`, reusing their buffers; touches nothing else. Thread-safe.
void JoinIncidentColumns(const Incident& v, PreparedIncident* out);

}  // namespace mara

#endif  // MARA_STORAGE_INCIDENT_COLUMNS_H_
