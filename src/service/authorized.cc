#include "service/authorized.h"

#include <chrono>
#include <functional>

#include "common/text.h"
#include "domain/json_codec.h"
#include "service/assess.h"

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
  MARA_RETURN_IF_ERROR(session.AuthorizeEverywhere(Operation::kImport));
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
  MARA_RETURN_IF_ERROR(session.AuthorizeEverywhere(Operation::kExport));
  MARA_RETURN_IF_ERROR(session.AuthorizeEverywhere(Operation::kReadConfidential));
  MARA_RETURN_IF_ERROR(ExportStore(session.store(), format, out));
  return session.AuditRead({"", "export", "", std::string(format), "", ""});
}

Result<Assessment> AssessCycle(Session& session, const Policy& policy, int cycle) {
  MARA_RETURN_IF_ERROR(session.AuthorizeEverywhere(Operation::kRunAssessment));
  MARA_RETURN_IF_ERROR(CheckCycle(cycle, Today(session.clock()).year()));
  return AssessCycle(session.store(), policy, cycle);
}

Result<StatementOfCase> BuildStatementOfCase(Session& session, const Policy& policy,
                                             std::string_view party_id, int cycle,
                                             bool public_edition) {
  MARA_RETURN_IF_ERROR(session.AuthorizeEverywhere(public_edition ? Operation::kReadPublic
                                                                  : Operation::kReadConfidential));
  MARA_RETURN_IF_ERROR(CheckCycle(cycle, Today(session.clock()).year()));
  return BuildStatementOfCase(session.store(), policy, party_id, cycle);
}

Result<Stats> ComputeStats(Session& session) {
  MARA_RETURN_IF_ERROR(session.AuthorizeEverywhere(Operation::kReadPublic));
  return ComputeStats(session.store());
}

Status RecordDecision(Session& session, Decision decision) {
  security::Scope scope;
  scope.rationale = decision.rationale;
  scope.target = DecisionKey(decision.party, decision.cycle);
  MARA_RETURN_IF_ERROR(session.Authorize(Operation::kRecordDecision, scope));
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

Result<Petition> FilePetition(Session& session, const PetitionFiling& filing) {
  if (!session.Authorize(Operation::kDecidePetition).ok()) {
    MARA_RETURN_IF_ERROR(session.Authorize(Operation::kImport));
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
  MARA_RETURN_IF_ERROR(session.Authorize(Operation::kDecidePetition));
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
