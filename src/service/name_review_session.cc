// The Session-checked name-review entry points declared in authorized.h.
#include <nlohmann/json.hpp>

#include "common/text.h"
#include "service/authorized.h"
#include "service/core.h"

namespace mara {

Result<std::vector<NameReview>> ListNameReviews(Session& session, bool all) {
  MARA_RETURN_IF_ERROR(session.AuthorizeEverywhere(security::Operation::kReviewNames));
  return ListNameReviews(session.store(), all);
}

Result<ReviewOutcome> DecideNameReview(Session& session, ReviewDecision decision) {
  MARA_RETURN_IF_ERROR(session.AuthorizeEverywhere(security::Operation::kReviewNames));
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

}  // namespace mara
