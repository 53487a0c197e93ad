#include "service/authorized.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <set>
#include <vector>

#include "common/text.h"
#include "domain/json_codec.h"
#include "domain/validate.h"
#include "service/assess.h"
#include "service/core.h"
#include "service/visibility.h"

namespace mara {
namespace {

using security::Operation;

std::string DecisionKey(std::string_view party, int cycle) {
  return std::string(party) + "/" + std::to_string(cycle);
}

// Runs `change`, which makes a change and appends its audit record, in one
// transaction: a full disk or a crash never leaves a change without its
// record in the chain, nor a record without its change.
Status InOneTransaction(Session& session, const std::function<Status()>& change) {
  Transaction tx(&session.store());
  MARA_RETURN_IF_ERROR(tx.Begin());
  MARA_RETURN_IF_ERROR(change());
  return tx.Commit();
}

}  // namespace

Result<ImportReport> ImportFile(Session& session, const std::string& path, ImportOptions options) {
  MARA_RETURN_IF_ERROR(session.RequireEverywhere(Operation::kImport));
  options.principal = session.name();
  if (!options.clock) {
    const security::Clock& clock = session.clock();
    options.clock = [&clock] {
      return std::chrono::system_clock::time_point(std::chrono::milliseconds(clock.NowMillis()));
    };
  }
  // The audit record commits with the import, so no import is ever stored
  // without its record in the chain.
  options.before_commit = [&session](const ImportReport& report) {
    return session.Audit(
        {"", "import", "imports", std::to_string(report.import_id), "", report.file_digest});
  };
  return ImportFile(session.store(), path, options);
}

Status ExportStore(Session& session, std::string_view format, std::ostream& out) {
  MARA_RETURN_IF_ERROR(session.RequireEverywhere(Operation::kExport));
  MARA_RETURN_IF_ERROR(session.RequireEverywhere(Operation::kReadConfidential));
  MARA_RETURN_IF_ERROR(ExportStore(session.store(), format, out));
  return session.AuditRead({"", "export", "", std::string(format), "", ""});
}

namespace {

// The assessment of `cycle`, from the session's kept assessments when it has
// them.
Result<Assessment> Assessed(Session& session, const Policy& policy, int cycle) {
  if (session.live() == nullptr) return AssessCycle(session.store(), policy, cycle);
  MARA_ASSIGN_OR_RETURN(std::shared_ptr<const LiveView> view,
                        session.live()->View(session.store(), policy, cycle, false, true));
  return view->assessment;
}

}  // namespace

Result<std::shared_ptr<const LiveView>> AnnexView(Session& session, const Policy& policy,
                                                  int cycle) {
  MARA_RETURN_IF_ERROR(session.RequireSomewhere(Operation::kReadPublic));
  MARA_RETURN_IF_ERROR(CheckCycle(cycle, Today(session.clock()).year()));
  if (session.live() == nullptr) return ReadLiveView(session.store(), policy, cycle, true, false);
  return session.live()->View(session.store(), policy, cycle, true, false);
}

Result<Assessment> AssessCycle(Session& session, const Policy& policy, int cycle) {
  if (session.AuthorizeEverywhere(Operation::kRunAssessment).ok()) {
    MARA_RETURN_IF_ERROR(CheckCycle(cycle, Today(session.clock()).year()));
    return Assessed(session, policy, cycle);
  }
  // A situation-scoped principal assesses its own situations: the whole
  // store is assessed (the rules compare parties across situations), and
  // only its situations' parties leave this function.
  MARA_RETURN_IF_ERROR(session.RequireSomewhere(Operation::kRunAssessment));
  MARA_RETURN_IF_ERROR(CheckCycle(cycle, Today(session.clock()).year()));
  MARA_ASSIGN_OR_RETURN(Assessment assessment, Assessed(session, policy, cycle));
  std::set<std::string> kept;
  std::vector<PartyAssessment> parties;
  for (PartyAssessment& p : assessment.parties) {
    if (!session.Authorize(Operation::kRunAssessment, {.situation = p.situation}).ok()) continue;
    kept.insert(p.id);
    parties.push_back(std::move(p));
  }
  assessment.parties = std::move(parties);
  std::vector<ConsistencyFinding> consistency;
  for (ConsistencyFinding& f : assessment.consistency) {
    if (kept.count(f.party) == 0) continue;
    std::erase_if(f.compared_with, [&](const std::string& id) { return kept.count(id) == 0; });
    consistency.push_back(std::move(f));
  }
  assessment.consistency = std::move(consistency);
  for (SensitivityRun& run : assessment.sensitivity) {
    std::erase_if(run.changes, [&](const StatusChange& c) { return kept.count(c.party) == 0; });
  }
  return assessment;
}

Result<StatementOfCase> BuildStatementOfCase(Session& session, const Policy& policy,
                                             std::string_view party_id, int cycle,
                                             bool public_edition, i18n::Language lang) {
  const Operation read = public_edition ? Operation::kReadPublic : Operation::kReadConfidential;
  if (session.AuthorizeEverywhere(read).ok()) {
    MARA_RETURN_IF_ERROR(CheckCycle(cycle, Today(session.clock()).year()));
    return BuildStatementOfCase(session.store(), policy, party_id, cycle, lang);
  }
  // A situation-scoped principal reads the cases of its situations' parties;
  // any other party is answered as one that does not exist.
  MARA_RETURN_IF_ERROR(session.RequireSomewhere(read));
  MARA_ASSIGN_OR_RETURN(Bundle registry, session.store().LoadRegistry());
  auto it = std::find_if(registry.parties.begin(), registry.parties.end(),
                         [&](const Party& p) { return p.id == party_id; });
  if (it == registry.parties.end() || !session.Authorize(read, {.situation = it->situation}).ok()) {
    return Status::NotFound("party " + QuoteForMessage(party_id) + ": no such party");
  }
  MARA_RETURN_IF_ERROR(CheckCycle(cycle, Today(session.clock()).year()));
  return BuildStatementOfCase(session.store(), policy, party_id, cycle, lang);
}

Result<Edition> CaseEditionFor(Session& session, std::string_view party_id,
                               std::optional<Edition> requested) {
  if (requested) return *requested;
  if (session.AuthorizeEverywhere(Operation::kReadConfidential).ok()) {
    return Edition::kConfidential;
  }
  MARA_ASSIGN_OR_RETURN(Bundle registry, session.store().LoadRegistry());
  for (const Party& p : registry.parties) {
    if (p.id == party_id) return EditionFor(session, p.situation);
  }
  return Edition::kPublic;
}

Result<Stats> ComputeStats(Session& session) {
  MARA_RETURN_IF_ERROR(session.RequireEverywhere(Operation::kReadPublic));
  return ComputeStats(session.store());
}

Result<std::string> DataDigest(Session& session) {
  MARA_RETURN_IF_ERROR(session.RequireEverywhere(Operation::kReadPublic));
  return DataDigest(session.store());
}

Status RecordDecision(Session& session, Decision decision) {
  security::Scope scope;
  scope.rationale = decision.rationale;
  scope.target = DecisionKey(decision.party, decision.cycle);
  MARA_RETURN_IF_ERROR(session.Require(Operation::kRecordDecision, scope));
  decision.decided_by = session.name();
  MARA_ASSIGN_OR_RETURN(Bundle registry, session.store().LoadRegistry());
  std::string before;
  for (const Decision& d : registry.decisions) {
    if (d.party == decision.party && d.cycle == decision.cycle)
      before = Blake2bHex(ToJson(d).dump());
  }
  return InOneTransaction(session, [&]() -> Status {
    MARA_RETURN_IF_ERROR(RecordDecision(session.store(), decision, Today(session.clock())));
    return session.Audit({"", "decision.record", "decisions", scope.target, before,
                          Blake2bHex(ToJson(decision).dump())});
  });
}

Result<Party> RecordDissolution(Session& session, const std::string& party_id,
                                std::optional<Dissolution> dissolution) {
  MARA_ASSIGN_OR_RETURN(Bundle registry, session.store().LoadRegistry());
  auto it = std::find_if(registry.parties.begin(), registry.parties.end(),
                         [&](const Party& p) { return p.id == party_id; });
  security::Scope scope;
  scope.situation = it == registry.parties.end() ? std::string() : it->situation;
  scope.target = party_id;
  scope.rationale = dissolution ? dissolution->source : std::string("clear");
  MARA_RETURN_IF_ERROR(session.Require(Operation::kRecordDecision, scope));
  if (it == registry.parties.end()) {
    return Status::NotFound("party " + QuoteForMessage(party_id) + ": no such party");
  }
  Party party = *it;
  const std::string before = Blake2bHex(ToJson(party).dump());
  party.dissolved = std::move(dissolution);
  std::optional<FieldError> bad = CheckRecord(party);
  if (!bad) bad = CheckNotAfter(party, Today(session.clock()));
  if (bad) {
    return Status::InvalidArgument("party " + QuoteForMessage(party_id) + ": " + bad->field + ": " +
                                   bad->message);
  }
  MARA_RETURN_IF_ERROR(InOneTransaction(session, [&]() -> Status {
    MARA_RETURN_IF_ERROR(session.store().Put(party));
    return session.Audit({"", party.dissolved ? "party.dissolve" : "party.dissolve.clear",
                          "parties", party_id, before, Blake2bHex(ToJson(party).dump())});
  }));
  return party;
}

Result<Petition> FilePetition(Session& session, const PetitionFiling& filing) {
  if (!session.Authorize(Operation::kDecidePetition).ok()) {
    MARA_RETURN_IF_ERROR(session.Require(Operation::kImport));
  }
  Petition petition;
  MARA_RETURN_IF_ERROR(InOneTransaction(session, [&]() -> Status {
    MARA_ASSIGN_OR_RETURN(petition, FilePetition(session.store(), filing, Today(session.clock())));
    return session.Audit({"", "petition.file", "petitions",
                          petition.party + "/" + petition.filed.ToString(), "",
                          Blake2bHex(ToJson(petition).dump())});
  }));
  return petition;
}

Result<PetitionRulingResult> DecidePetition(Session& session, const Policy& policy,
                                            PetitionRuling ruling) {
  MARA_RETURN_IF_ERROR(session.Require(Operation::kDecidePetition));
  ruling.decided_by = session.name();
  PetitionRulingResult result;
  MARA_RETURN_IF_ERROR(InOneTransaction(session, [&]() -> Status {
    MARA_ASSIGN_OR_RETURN(result,
                          DecidePetition(session.store(), policy, ruling, Today(session.clock())));
    MARA_RETURN_IF_ERROR(
        session.Audit({"", "petition.decide", "petitions",
                       result.petition.party + "/" + result.petition.filed.ToString(), "",
                       Blake2bHex(ToJson(result.petition).dump())}));
    if (!result.decision) return Status::Ok();
    return session.Audit({"", "decision.record", "decisions",
                          DecisionKey(result.decision->party, result.decision->cycle), "",
                          Blake2bHex(ToJson(*result.decision).dump())});
  }));
  return result;
}

}  // namespace mara
