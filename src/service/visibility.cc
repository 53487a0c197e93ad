#include "service/visibility.h"

#include "service/core.h"

namespace mara {

Edition EditionFor(const Session& session, const std::string& situation) {
  return session.Authorize(security::Operation::kReadConfidential, {.situation = situation}).ok()
             ? Edition::kConfidential
             : Edition::kPublic;
}

bool CanSeeIncident(const Session& session, const Incident& incident) {
  if (!session.Authorize(security::Operation::kReadPublic, {.situation = incident.situation})
           .ok()) {
    return false;
  }
  return IncludesConsent(EditionFor(session, incident.situation), incident.consent);
}

Result<std::optional<Incident>> FindVisibleIncident(Session& session, const std::string& id) {
  MARA_ASSIGN_OR_RETURN(std::optional<Incident> incident, session.store().GetIncident(id));
  if (!incident || !CanSeeIncident(session, *incident)) return std::optional<Incident>();
  return incident;
}

Result<Bundle> ReadRegistry(Session& session) {
  MARA_RETURN_IF_ERROR(session.RequireSomewhere(security::Operation::kReadPublic));
  return session.store().LoadRegistry();
}

Result<std::optional<IncidentProvenance>> IncidentProvenanceOf(Session& session,
                                                               const Incident& incident) {
  if (!CanSeeIncident(session, incident)) return std::optional<IncidentProvenance>();
  return session.store().GetIncidentProvenance(incident.id);
}

Result<std::set<std::string>> WithdrawnIncidentIds(Session& session) {
  std::set<std::string> out;
  MARA_RETURN_IF_ERROR(session.store().ScanIncidentFacts([&](const IncidentFacts& facts) {
    if (IsWithdrawn(facts.consent)) out.emplace(facts.id);
    return Status::Ok();
  }));
  return out;
}

Status ScanVisibleIncidents(Session& session,
                            const std::function<Status(const Incident&, Edition)>& visit) {
  return session.store().ScanIncidents([&](const Incident& incident) -> Status {
    if (!CanSeeIncident(session, incident)) return Status::Ok();
    return visit(incident, EditionFor(session, incident.situation));
  });
}

}  // namespace mara
