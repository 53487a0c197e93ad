#include "storage/incident_columns.h"

#include <string>
#include <vector>

#include "domain/enums.h"

namespace mara {
namespace {

template <typename E>
void JoinEnumsInto(const std::vector<E>& values, std::string* out) {
  out->clear();
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out->push_back(';');
    out->append(ToString(values[i]));
  }
}

}  // namespace

void JoinIncidentColumns(const Incident& v, PreparedIncident* out) {
  out->date = v.date.ToString();
  if (v.verified_on) {
    out->verified_on = v.verified_on->ToString();
  } else {
    out->verified_on.reset();
  }
  JoinEnumsInto(v.violations, &out->violations);
  JoinEnumsInto(v.nexus, &out->nexus);
  out->perpetrators.clear();
  for (size_t i = 0; i < v.perpetrators.size(); ++i) {
    if (i > 0) out->perpetrators.push_back(';');
    out->perpetrators.append(v.perpetrators[i].party);
    out->perpetrators.push_back(':');
    out->perpetrators.append(ToString(v.perpetrators[i].standard));
  }
  out->sources.clear();
  for (size_t i = 0; i < v.sources.size(); ++i) {
    if (i > 0) out->sources.push_back(';');
    out->sources.append(v.sources[i]);
  }
}

}  // namespace mara
