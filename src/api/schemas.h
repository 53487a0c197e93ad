// The JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of the API's request
// and response bodies, by name: the records (Incident, Party, Decision, ...),
// the views (Annex, Assessment, Dashboard, ...), the list envelopes
// ({"items": [...]}), the request bodies (DecisionInput, IncidentInput, ...)
// and Problem. A route names its schemas in RouteSpec::request_schema and
// RouteSpec::response_schema; the OpenAPI document publishes all of them
// under components/schemas and the server validates request bodies against
// them (api/json_schema.h) before the handler runs.
//
// Enumerations come from the domain's own spellings (domain/enums.h), so a
// new enum value appears in the schemas with no edit here.
//
// Request schemas are closed (additionalProperties: false): a member the
// handler would not read is refused instead of silently dropped. Response
// schemas list every member the server writes and which are always present,
// and stay open, so a client keeps working when a member is added.
//
// Contract: built once on first use, then read-only; thread-safe.
#ifndef MARA_API_SCHEMAS_H_
#define MARA_API_SCHEMAS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace mara::api {

// Every named schema, as the value of components/schemas. A $ref inside
// one is "#/components/schemas/<name>".
const nlohmann::ordered_json& ComponentSchemas();

// True when `name` is one of ComponentSchemas().
bool HasSchema(std::string_view name);

// {"$ref": "#/components/schemas/<name>"}.
nlohmann::ordered_json SchemaRef(std::string_view name);

}  // namespace mara::api

#endif  // MARA_API_SCHEMAS_H_
