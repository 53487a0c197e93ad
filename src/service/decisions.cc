#include "service/decisions.h"

#include <algorithm>
#include <vector>

#include "common/text.h"
#include "domain/validate.h"
#include "service/assess.h"
#include "service/core.h"

namespace mara {
namespace {

Status CheckText(std::string_view field, const std::string& text, bool required) {
  if (required && Fold(text).empty()) {
    return Status::InvalidArgument(std::string(field) + ": required and may not be blank");
  }
  size_t bad = 0;
  if (!IsValidUtf8(text, &bad)) {
    return Status::InvalidArgument(std::string(field) + ": invalid UTF-8 at byte " +
                                   std::to_string(bad));
  }
  if (text.size() > kMaxTextLength) {
    return Status::InvalidArgument(std::string(field) + ": longer than " +
                                   std::to_string(kMaxTextLength) + " bytes");
  }
  return Status::Ok();
}

Status CheckPartyExists(const Bundle& registry, std::string_view party) {
  bool found = std::any_of(registry.parties.begin(), registry.parties.end(),
                           [&](const Party& p) { return p.id == party; });
  if (!found) return Status::NotFound("party " + QuoteForMessage(party) + ": no such party");
  return Status::Ok();
}

std::vector<const Petition*> PetitionsOf(const Bundle& registry, std::string_view party) {
  std::vector<const Petition*> out;
  for (const Petition& p : registry.petitions) {
    if (p.party == party) out.push_back(&p);
  }
  std::sort(out.begin(), out.end(),
            [](const Petition* a, const Petition* b) { return a->filed < b->filed; });
  return out;
}

Status CheckNotAfter(std::string_view option, Date date, Date today) {
  if (today < date) {
    return Status::InvalidArgument(std::string(option) + ": " + AfterTodayMessage(date, today));
  }
  return Status::Ok();
}

bool DecidedOnMerits(const Petition& p) {
  return p.outcome == PetitionOutcome::kGranted || p.outcome == PetitionOutcome::kRejected;
}

}  // namespace

Status RecordDecision(Store& store, const Decision& decision, Date today) {
  MARA_RETURN_IF_ERROR(CheckCycle(decision.cycle, today.year()).WithPrefix("--cycle"));
  MARA_RETURN_IF_ERROR(CheckNotAfter("--date", decision.date, today));
  MARA_RETURN_IF_ERROR(CheckText("rationale", decision.rationale, true));
  MARA_RETURN_IF_ERROR(CheckText("decided_by", decision.decided_by, true));
  MARA_ASSIGN_OR_RETURN(Bundle registry, store.LoadRegistry());
  MARA_RETURN_IF_ERROR(CheckPartyExists(registry, decision.party));
  // Inside the caller's transaction (the audited service wrapper's, so the
  // change and its audit record commit together) no new one is begun.
  const bool own = !store.InTransaction();
  Transaction txn(&store);
  if (own) MARA_RETURN_IF_ERROR(txn.Begin());
  MARA_RETURN_IF_ERROR(store.Put(decision));
  return own ? txn.Commit() : Status::Ok();
}

Result<Petition> FilePetition(Store& store, const PetitionFiling& filing, Date today) {
  MARA_RETURN_IF_ERROR(CheckText("grounds", filing.grounds, true));
  MARA_RETURN_IF_ERROR(CheckNotAfter("--filed", filing.filed, today));
  if (filing.cycle) {
    MARA_RETURN_IF_ERROR(CheckCycle(*filing.cycle, today.year()).WithPrefix("--cycle"));
  }
  MARA_ASSIGN_OR_RETURN(Bundle registry, store.LoadRegistry());
  MARA_RETURN_IF_ERROR(CheckPartyExists(registry, filing.party));
  Petition petition;
  petition.party = filing.party;
  petition.filed = filing.filed;
  petition.cycle = filing.cycle;
  petition.grounds = filing.grounds;
  petition.new_material = filing.new_material;
  const Petition* last_decided = nullptr;
  for (const Petition* p : PetitionsOf(registry, filing.party)) {
    if (p->filed == filing.filed) {
      return Status::Conflict("party " + filing.party + " already filed a petition on " +
                              filing.filed.ToString());
    }
    if (p->outcome == PetitionOutcome::kPending) {
      return Status::Conflict("party " + filing.party + " has a pending petition filed on " +
                              p->filed.ToString() + "; it must be decided first");
    }
    if (DecidedOnMerits(*p)) last_decided = p;
  }
  if (last_decided != nullptr && !filing.new_material) {
    petition.outcome = PetitionOutcome::kInadmissible;
    petition.decided = filing.filed;
    petition.decided_by = "mara";
    petition.reason =
        "inadmissible: repeat petition without new material since the petition "
        "filed on " +
        last_decided->filed.ToString() + " was " + std::string(ToString(last_decided->outcome));
  }
  const bool own = !store.InTransaction();  // as in RecordDecision
  Transaction txn(&store);
  if (own) MARA_RETURN_IF_ERROR(txn.Begin());
  MARA_RETURN_IF_ERROR(store.Put(petition));
  if (own) MARA_RETURN_IF_ERROR(txn.Commit());
  return petition;
}

Result<PetitionRulingResult> DecidePetition(Store& store, const Policy& policy,
                                            const PetitionRuling& ruling, Date today) {
  if (ruling.outcome != PetitionOutcome::kGranted && ruling.outcome != PetitionOutcome::kRejected) {
    return Status::InvalidArgument("--outcome: expected granted or rejected");
  }
  MARA_RETURN_IF_ERROR(CheckText("decided_by", ruling.decided_by, true));
  // A ruling replaces or confirms a panel's decision: it always says why.
  if (!ruling.reason || Fold(*ruling.reason).empty()) {
    return Status::InvalidArgument(
        "--reason: a petition ruling needs a reason (why it is granted or rejected)");
  }
  MARA_RETURN_IF_ERROR(CheckText("--reason", *ruling.reason, true));
  MARA_RETURN_IF_ERROR(CheckNotAfter("decided", ruling.decided, today));
  if (ruling.cycle) {
    MARA_RETURN_IF_ERROR(CheckCycle(*ruling.cycle, today.year()).WithPrefix("--cycle"));
  }
  MARA_ASSIGN_OR_RETURN(Bundle registry, store.LoadRegistry());
  MARA_RETURN_IF_ERROR(CheckPartyExists(registry, ruling.party));
  const Petition* found = nullptr;
  for (const Petition* p : PetitionsOf(registry, ruling.party)) {
    if (p->filed == ruling.filed) found = p;
  }
  if (found == nullptr) {
    return Status::NotFound("party " + ruling.party + " filed no petition on " +
                            ruling.filed.ToString());
  }
  if (found->outcome != PetitionOutcome::kPending) {
    return Status::Conflict("the petition of " + ruling.party + " filed on " +
                            ruling.filed.ToString() + " is already " +
                            std::string(ToString(found->outcome)));
  }
  PetitionRulingResult result;
  result.petition = *found;
  Petition& petition = result.petition;
  petition.outcome = ruling.outcome;
  petition.decided = ruling.decided;
  petition.decided_by = ruling.decided_by;
  petition.reason = ruling.reason;
  if (ruling.cycle) petition.cycle = ruling.cycle;
  if (ruling.outcome == PetitionOutcome::kGranted) {
    if (!petition.cycle) {
      return Status::InvalidArgument(
          "--cycle: a granted petition must name the cycle whose status it removes");
    }
    MARA_ASSIGN_OR_RETURN(Assessment assessment, AssessCycle(store, policy, *petition.cycle));
    const PartyAssessment* p = assessment.Find(ruling.party);
    if (p != nullptr && p->status != PartyStatus::kNone) {
      Decision d;
      d.party = ruling.party;
      d.cycle = *petition.cycle;
      d.status = PartyStatus::kNone;
      d.decided_by = ruling.decided_by;
      d.date = ruling.decided;
      d.rationale = "petition filed on " + ruling.filed.ToString() + " granted: " + *ruling.reason;
      result.decision = std::move(d);
    }
  }
  const bool own = !store.InTransaction();  // as in RecordDecision
  Transaction txn(&store);
  if (own) MARA_RETURN_IF_ERROR(txn.Begin());
  MARA_RETURN_IF_ERROR(store.Put(petition));
  if (result.decision) MARA_RETURN_IF_ERROR(store.Put(*result.decision));
  if (own) MARA_RETURN_IF_ERROR(txn.Commit());
  return result;
}

}  // namespace mara
