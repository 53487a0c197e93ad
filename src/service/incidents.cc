#include "service/incidents.h"

#include <algorithm>

#include "common/text.h"
#include "domain/json_codec.h"
#include "domain/validate.h"
#include "ingest/store_lookup.h"

namespace mara {
namespace {

Result<Incident> Load(Store& store, const std::string& id) {
  MARA_ASSIGN_OR_RETURN(std::optional<Incident> incident, store.GetIncident(id));
  if (!incident) return Status::NotFound("no incident " + QuoteForMessage(id));
  return std::move(*incident);
}

// Runs inside the write transaction: no other writer can change the record
// between this comparison and the caller's commit.
Status CheckVersion(const std::string& id, const Incident* stored, std::string_view if_version) {
  if (if_version.empty()) return Status::Ok();
  if (stored == nullptr) {
    return Status::Conflict("incident " + QuoteForMessage(id) + " does not exist, but version " +
                            QuoteForMessage(if_version) + " of it was expected; nothing written");
  }
  const std::string current = IncidentVersion(*stored);
  if (current == if_version) return Status::Ok();
  return Status::Conflict("incident " + QuoteForMessage(id) +
                          " changed since it was read (version " + QuoteForMessage(if_version) +
                          ", now " + current + "); nothing written");
}

}  // namespace

std::string IncidentVersion(const Incident& incident) { return RecordDigest(incident); }

Status VerifyIncident(Session& session, const std::string& id, Date verified_on,
                      std::string_view if_version) {
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
  MARA_RETURN_IF_ERROR(CheckVersion(id, &incident, if_version));
  if (incident.status == IncidentStatus::kVerified) {
    return Status::Conflict("incident " + QuoteForMessage(id) + " is already verified");
  }
  if (const Date today = Today(session.clock()); today < verified_on) {
    return Status::InvalidArgument("incident " + QuoteForMessage(id) +
                                   " verified_on: " + AfterTodayMessage(verified_on, today));
  }
  const std::string before = RecordDigest(incident);
  incident.status = IncidentStatus::kVerified;
  incident.verified_on = verified_on;
  MARA_RETURN_IF_ERROR(store.PutIncident(incident, 0).status());
  MARA_RETURN_IF_ERROR(
      session.Audit({"", "incident.verify", "incidents", id, before, RecordDigest(incident)}));
  return tx.Commit();
}

Status SetIncidentConsent(Session& session, const std::string& id, Consent consent,
                          std::string_view if_version) {
  Store& store = session.store();
  Transaction tx(&store);
  MARA_RETURN_IF_ERROR(tx.Begin());
  MARA_ASSIGN_OR_RETURN(Incident incident, Load(store, id));
  security::Scope scope;
  scope.situation = incident.situation;
  scope.target = "incident " + id;
  MARA_RETURN_IF_ERROR(session.Authorize(security::Operation::kEditIncident, scope));
  MARA_RETURN_IF_ERROR(CheckVersion(id, &incident, if_version));
  const std::string before = RecordDigest(incident);
  incident.consent = consent;
  MARA_RETURN_IF_ERROR(store.PutIncident(incident, 0).status());
  MARA_RETURN_IF_ERROR(store.SetIncidentEditor(id, session.name()));
  MARA_RETURN_IF_ERROR(
      session.Audit({"", std::string("incident.consent.") + std::string(ToString(consent)),
                     "incidents", id, before, RecordDigest(incident)}));
  return tx.Commit();
}

Result<PutOutcome> SaveIncident(Session& session, const Incident& incident,
                                std::string_view if_version) {
  const std::string where = "incident " + QuoteForMessage(incident.id);
  if (std::optional<FieldError> error = CheckRecord(incident)) {
    return Status::InvalidArgument(where + (error->field.empty() ? "" : " " + error->field) + ": " +
                                   error->message);
  }
  if (std::optional<FieldError> error = CheckNotAfter(incident, Today(session.clock()))) {
    return Status::InvalidArgument(where + " " + error->field.substr(1) + ": " + error->message);
  }
  Store& store = session.store();
  Transaction tx(&store);
  MARA_RETURN_IF_ERROR(tx.Begin());
  MARA_ASSIGN_OR_RETURN(std::optional<Incident> stored, store.GetIncident(incident.id));
  security::Scope scope;
  scope.target = "incident " + incident.id;
  if (stored) {
    scope.situation = stored->situation;
    MARA_RETURN_IF_ERROR(session.Authorize(security::Operation::kEditIncident, scope));
  }
  scope.situation = incident.situation;
  MARA_RETURN_IF_ERROR(session.Authorize(
      stored ? security::Operation::kEditIncident : security::Operation::kCreateIncident, scope));
  MARA_RETURN_IF_ERROR(CheckVersion(incident.id, stored ? &*stored : nullptr, if_version));
  MARA_ASSIGN_OR_RETURN(std::unique_ptr<StoreLookup> lookup, StoreLookup::Load(store));
  MARA_ASSIGN_OR_RETURN(std::optional<FieldError> reference, CheckReferences(incident, *lookup));
  if (reference) {
    return Status::InvalidArgument(where +
                                   (reference->field.empty() ? "" : " " + reference->field) + ": " +
                                   reference->message);
  }
  const std::string before = stored ? RecordDigest(*stored) : "";
  MARA_ASSIGN_OR_RETURN(PutOutcome outcome, store.PutIncident(incident, 0));
  MARA_RETURN_IF_ERROR(store.SetIncidentEditor(incident.id, session.name()));
  MARA_RETURN_IF_ERROR(session.Audit({"", stored ? "incident.edit" : "incident.create", "incidents",
                                      incident.id, before, RecordDigest(incident)}));
  MARA_RETURN_IF_ERROR(tx.Commit());
  return outcome;
}

Status SetTestimonyConsent(Session& session, const std::string& source_id, Consent consent) {
  MARA_RETURN_IF_ERROR(session.AuthorizeEverywhere(security::Operation::kEditIncident));
  Store& store = session.store();
  Transaction tx(&store);
  MARA_RETURN_IF_ERROR(tx.Begin());
  MARA_ASSIGN_OR_RETURN(Bundle registry, store.LoadRegistry());
  auto it = std::find_if(registry.sources.begin(), registry.sources.end(),
                         [&](const Source& s) { return s.id == source_id; });
  if (it == registry.sources.end()) {
    return Status::NotFound("no source " + QuoteForMessage(source_id));
  }
  if (!IsTestimony(it->kind)) {
    return Status::InvalidArgument("source " + QuoteForMessage(source_id) + " is " +
                                   std::string(ToString(it->kind)) +
                                   "; only testimony carries a consent scope");
  }
  const std::string before = Blake2bHex(ToJson(*it).dump());
  it->consent = consent;
  MARA_RETURN_IF_ERROR(store.Put(*it));
  MARA_RETURN_IF_ERROR(
      session.Audit({"", std::string("source.consent.") + std::string(ToString(consent)), "sources",
                     source_id, before, Blake2bHex(ToJson(*it).dump())}));
  return tx.Commit();
}

}  // namespace mara
