// Errors of the HTTP API as RFC 9457 problem documents
// (application/problem+json), and the one place where the closed Status
// codes of common/status.h become HTTP statuses.
//
// Contract: pure functions, thread-safe. Every problem carries `type`
// (urn:mara:problem:<name>), `title` (the HTTP reason), `status`, `detail`
// (one line, hostile text already quoted by whoever built the Status) and,
// when the fault lies in one input, `field` naming it (a query parameter, a
// path parameter, a header or a JSON pointer into the body).
//
// No detail shows a file-system path: Problem() passes every detail through
// WithoutPaths(), which replaces the paths registered with
// RegisterPrivatePath() (the server registers its database, key file,
// evidence directory, their directory and the temporary directory, each
// with a label such as "<database>") and then any other absolute path whose
// first component is a common file-system root (/tmp, /home, /var, /srv,
// ...) or the first component of a registered path, with "<path>". API
// paths (/api/...) and JSON pointers (/location/lat) are left alone.
#ifndef MARA_API_PROBLEM_H_
#define MARA_API_PROBLEM_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "api/router.h"
#include "common/status.h"

namespace mara::api {

inline constexpr std::string_view kProblemJson = "application/problem+json";

// kInvalidArgument 400, kPermissionDenied 403, kNotFound 404, kConflict 409,
// kCorruption and kIOError 500 (kOk 200).
int HttpStatusFor(StatusCode code);
std::string_view ReasonPhrase(int http_status);

// `name` is the problem type's last part, e.g. "invalid_argument".
Response Problem(int http_status, std::string_view name, std::string_view detail,
                 std::string_view field = "");
// A service failure, its code mapped by HttpStatusFor.
Response ProblemFor(const Status& status, std::string_view field = "");

// Registers a path that no client may see and the label shown instead.
// Thread-safe; the registry is process-wide and keeps the latest 256.
void RegisterPrivatePath(std::string_view path, std::string_view label);
// `text` with every registered and every root-anchored path replaced.
std::string WithoutPaths(std::string_view text);

// A JSON body with the given status.
Response JsonResponse(const nlohmann::ordered_json& body, int http_status = 200);

}  // namespace mara::api

#endif  // MARA_API_PROBLEM_H_
