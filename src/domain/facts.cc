#include "domain/facts.h"

namespace mara {

IncidentFacts FactsOf(const Incident& incident) {
  IncidentFacts f;
  f.id = incident.id;
  f.situation = incident.situation;
  f.date = incident.date;
  f.status = incident.status;
  f.consent = incident.consent;
  f.violation_count = incident.violations.size();
  f.nexus_count = incident.nexus.size();
  f.location_name = incident.location.name;
  f.perpetrators.reserve(incident.perpetrators.size());
  for (const auto& a : incident.perpetrators) f.perpetrators.push_back({a.party, a.standard});
  return f;
}

}  // namespace mara
