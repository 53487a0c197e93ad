#include "service/incidents.h"

#include "common/text.h"

namespace mara {
namespace {

Result<Incident> Load(Store& store, const std::string& id) {
  MARA_ASSIGN_OR_RETURN(std::optional<Incident> incident, store.GetIncident(id));
  if (!incident) return Status::NotFound("no incident " + QuoteForMessage(id));
  return std::move(*incident);
}

}  // namespace

Status VerifyIncident(Session& session, const std::string& id, Date verified_on) {
  Store& store = session.store();
  Transaction tx(&store);
  MARA_RETURN_IF_ERROR(tx.Begin());
  MARA_ASSIGN_OR_RETURN(Incident incident, Load(store, id));
  MARA_ASSIGN_OR_RETURN(std::optional<IncidentProvenance> provenance,
                        store.GetIncidentProvenance(id));
  security::Scope scope;
  scope.situation = incident.situation;
  scope.target = "incident " + id;
  if (provenance) {
    scope.created_by = provenance->created_by;
    scope.last_edited_by = provenance->last_edited_by;
  }
  MARA_RETURN_IF_ERROR(session.Authorize(security::Operation::kVerifyIncident, scope));
  if (incident.status == IncidentStatus::kVerified) {
    return Status::Conflict("incident " + QuoteForMessage(id) + " is already verified");
  }
  const std::string before = RecordDigest(incident);
  incident.status = IncidentStatus::kVerified;
  incident.verified_on = verified_on;
  MARA_RETURN_IF_ERROR(store.PutIncident(incident, 0).status());
  MARA_RETURN_IF_ERROR(
      session.Audit({"", "incident.verify", "incidents", id, before, RecordDigest(incident)}));
  return tx.Commit();
}

Status SetIncidentConsent(Session& session, const std::string& id, Consent consent) {
  Store& store = session.store();
  Transaction tx(&store);
  MARA_RETURN_IF_ERROR(tx.Begin());
  MARA_ASSIGN_OR_RETURN(Incident incident, Load(store, id));
  security::Scope scope;
  scope.situation = incident.situation;
  scope.target = "incident " + id;
  MARA_RETURN_IF_ERROR(session.Authorize(security::Operation::kEditIncident, scope));
  const std::string before = RecordDigest(incident);
  incident.consent = consent;
  MARA_RETURN_IF_ERROR(store.PutIncident(incident, 0).status());
  MARA_RETURN_IF_ERROR(store.SetIncidentEditor(id, session.name()));
  MARA_RETURN_IF_ERROR(
      session.Audit({"", std::string("incident.consent.") + std::string(ToString(consent)),
                     "incidents", id, before, RecordDigest(incident)}));
  return tx.Commit();
}

}  // namespace mara
