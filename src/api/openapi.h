// The OpenAPI 3 document of the API, generated from the router's own route
// table so that documentation and routes cannot drift apart: every route
// appears once under its pattern and method, with its path parameters,
// query parameters, body, conditional headers, security and problem
// responses. Pure and thread-safe.
#ifndef MARA_API_OPENAPI_H_
#define MARA_API_OPENAPI_H_

#include <nlohmann/json.hpp>

#include "api/router.h"

namespace mara::api {

nlohmann::ordered_json OpenApiDocument(const Router& router);

}  // namespace mara::api

#endif  // MARA_API_OPENAPI_H_
