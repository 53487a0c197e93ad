// The Session-checked name-review entry points declared in authorized.h.
#include <nlohmann/json.hpp>

#include "common/text.h"
#include "ingest/party_matcher.h"
#include "service/authorized.h"
#include "service/core.h"

namespace mara {

Result<std::vector<NameReview>> ListNameReviews(Session& session, bool all) {
  MARA_RETURN_IF_ERROR(session.RequireEverywhere(security::Operation::kReviewNames));
  return ListNameReviews(session.store(), all);
}

Result<ReviewOutcome> DecideNameReview(Session& session, ReviewDecision decision) {
  MARA_RETURN_IF_ERROR(session.RequireEverywhere(security::Operation::kReviewNames));
  decision.decided_by = session.name();
  decision.decided_at = NowIso(session.clock());
  // The decision and its audit record commit together, or neither does.
  Transaction tx(&session.store());
  MARA_RETURN_IF_ERROR(tx.Begin());
  MARA_ASSIGN_OR_RETURN(ReviewOutcome outcome, DecideNameReview(session.store(), decision));
  const NameReview& e = outcome.entry;
  nlohmann::ordered_json stored = {{"id", e.id},
                                   {"query", e.query},
                                   {"status", e.status},
                                   {"resolved_party", e.resolved_party},
                                   {"decided_by", e.decided_by},
                                   {"decided_at", e.decided_at}};
  MARA_RETURN_IF_ERROR(session.Audit(
      {"", "names.review", "name_reviews", std::to_string(e.id), "", Blake2bHex(stored.dump())}));
  MARA_RETURN_IF_ERROR(tx.Commit());
  return outcome;
}

Result<NameResolution> ResolveName(Session& session, const std::string& name,
                                   const std::string& situation) {
  MARA_RETURN_IF_ERROR(session.RequireEverywhere(security::Operation::kReviewNames));
  if (!IsValidUtf8(name) || TrimBlanks(name).empty()) {
    return Status::InvalidArgument("the name to resolve must be valid UTF-8 and not blank");
  }
  if (!IsValidUtf8(situation)) return Status::InvalidArgument("--situation: invalid UTF-8");
  MARA_ASSIGN_OR_RETURN(Bundle registry, session.store().LoadRegistry());
  MARA_ASSIGN_OR_RETURN(names::NameResolver resolver,
                        names::NameResolver::Build(ResolverNames(registry.parties)));
  std::string context = situation;
  // A situation id or name of the registry: its name reads as a country.
  for (const Situation& s : registry.situations) {
    if (s.id == situation || s.name == situation) context = s.name;
  }
  NameResolution out;
  out.situation = situation;
  out.resolution = resolver.Resolve(name, names::QueryContext{context});
  return out;
}

}  // namespace mara
