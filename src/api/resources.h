// The resources of /api/v1 as handlers over an authenticated Session
// (docs/api.md lists them). server.cc authenticates the caller, opens the
// Session as the caller's principal and hands it to these handlers.
//
// Contract:
// - Every handler authorises through the Session (the same checks as the
//   CLI) and answers a problem document for any failure, the HTTP status
//   from problem.h. Withdrawn incidents never appear; a principal without
//   kReadConfidential where a record lives gets the public view: no
//   internal_use incident, no narrative, no confidential source, no
//   rationale, victim counts as published cells (report/edition.h).
// - Conditional updates (routes with RouteSpec::if_match) recompute the
//   ETag of the current representation for the same principal and refuse a
//   missing If-Match with 428 and a stale one with 412 before writing.
// - Handlers are thread-safe given distinct Sessions; the policy is shared
//   read-only.
#ifndef MARA_API_RESOURCES_H_
#define MARA_API_RESOURCES_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/router.h"
#include "policy/policy.h"
#include "service/session.h"

namespace mara::api {

using SessionHandler = std::function<Response(Request&, Session&)>;

struct SessionRoute {
  RouteSpec spec;
  SessionHandler handler;
};

std::vector<SessionRoute> ResourceRoutes(std::shared_ptr<const Policy> policy);

// A strong entity tag for a representation: "\"<32 hex>\"".
std::string EtagOf(std::string_view body);

// For a conditional update of a resource whose current representation has
// `current_etag` (nullopt: the resource does not exist yet, so no If-Match
// is needed): nullopt to go ahead, else the 428 or 412 problem.
std::optional<Response> CheckIfMatch(const Request& request,
                                     const std::optional<std::string>& current_etag);

}  // namespace mara::api

#endif  // MARA_API_RESOURCES_H_
