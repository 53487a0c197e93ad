#include "service/report_input.h"

#include "domain/facts.h"
#include "service/assess.h"
#include "service/core.h"
#include "service/digest.h"

namespace mara {

using security::Operation;

Status ReadForReport(Session& session, const Policy& policy, int cycle, Edition edition,
                     ReportReader& reader) {
  if (edition == Edition::kPublic) {
    MARA_RETURN_IF_ERROR(session.RequireSomewhere(Operation::kReadPublic));
  } else {
    MARA_RETURN_IF_ERROR(session.RequireEverywhere(Operation::kReadConfidential));
  }
  MARA_RETURN_IF_ERROR(CheckCycle(cycle, Today(session.clock()).year()));
  Store& store = session.store();
  MARA_ASSIGN_OR_RETURN(Bundle registry, store.LoadRegistry());
  MARA_ASSIGN_OR_RETURN(std::string data_digest, DataDigest(store));
  // The head is public knowledge (a sequence number, a hash, a time and a
  // key id): every reader of a report may hold it as an anchor.
  auto head = SignedHeadIn(store, session.keys().signing_key->public_key());
  std::optional<SignedAuditHead> audit_head;
  if (head.ok()) {
    audit_head = *head;
  } else if (head.status().code() != StatusCode::kNotFound &&
             head.status().code() != StatusCode::kCorruption) {
    return head.status();
  }
  reader.Begin(registry, data_digest, audit_head);
  Assessor assessor(registry, policy, cycle);
  auto visit = [&](const Incident& incident) {
    assessor.Add(FactsOf(incident));
    if (!IncludesConsent(edition, incident.consent)) return Status::Ok();
    if (edition == Edition::kConfidential) {
      reader.Add(incident);
    } else {
      reader.Add(Disclosed(incident, edition));
    }
    return Status::Ok();
  };
  // The public edition shows no narrative: it is not even decrypted.
  MARA_RETURN_IF_ERROR(edition == Edition::kPublic ? store.ScanIncidentsWithoutNarratives(visit)
                                                   : store.ScanIncidents(visit));
  const Assessment assessment = assessor.Finish(data_digest);
  return reader.Finish(assessor, assessment);
}

Edition ReportEditionFor(Session& session, std::optional<Edition> requested) {
  if (requested) return *requested;
  return session.AuthorizeEverywhere(Operation::kReadConfidential).ok() ? Edition::kConfidential
                                                                        : Edition::kPublic;
}

}  // namespace mara
