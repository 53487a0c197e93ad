// The OpenAPI 3.1 document of the API, generated from the router's own route
// table so that documentation and routes cannot drift apart: every route
// appears once under its pattern and method, with its path parameters,
// query parameters, conditional headers, security, the JSON Schema of its
// request body and of each answer (RouteSpec::request_schema and
// response_schema, components/schemas from api/schemas.h; problems as
// application/problem+json, `default` for the rarer statuses). Pure and
// thread-safe.
#ifndef MARA_API_OPENAPI_H_
#define MARA_API_OPENAPI_H_

#include <nlohmann/json.hpp>

#include "api/router.h"

namespace mara::api {

nlohmann::ordered_json OpenApiDocument(const Router& router);

}  // namespace mara::api

#endif  // MARA_API_OPENAPI_H_
