// A JSON Schema (2020-12) validator for the subset the API's schemas use
// (api/schemas.h): the server checks every JSON request body against its
// route's declared schema before the handler runs, so the schema the
// OpenAPI document publishes is the one the server enforces.
//
// Keywords: type (a name or a list of names, "null" among them for a
// member that may be null), required, properties, additionalProperties
// (false or a schema), enum, minimum, maximum, minLength, maxLength (in
// characters), pattern (ECMAScript, unanchored as JSON Schema has it),
// format "date" (YYYY-MM-DD, a real day), items, minItems, maxItems, oneOf,
// and $ref to "#/components/schemas/<name>". Annotations (description,
// title, examples, default, format "date-time", "binary") are ignored.
// Any other keyword is refused by UnsupportedKeyword(), which the tests run
// over every schema the API declares, so no keyword is silently skipped.
//
// Contract: pure functions, thread-safe.
#ifndef MARA_API_JSON_SCHEMA_H_
#define MARA_API_JSON_SCHEMA_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace mara::api {

// Where a value breaks its schema and why.
struct SchemaViolation {
  // The JSON pointer of the member at fault ("" for the whole document,
  // "/victims/women", "/perpetrators/0/party").
  std::string pointer;
  // The member in plain words: "victims, women", "perpetrator 1, party"
  // ("body" for the whole document).
  std::string field;
  // What is wrong, one line without the field: "expected an integer from
  // 1000 to 9999, got 12". Values from the input are quoted and truncated.
  std::string message;

  // "field 'victims, women': expected a non-negative integer, got -1".
  std::string Detail() const;
};

// The first violation of `schema` by `value`, members in the order the
// schema lists them; nullopt when `value` is valid. `components` is the
// object of named schemas that "$ref": "#/components/schemas/<name>"
// resolves against (a $ref to a name it lacks is a violation naming it).
std::optional<SchemaViolation> Validate(const nlohmann::ordered_json& value,
                                        const nlohmann::ordered_json& schema,
                                        const nlohmann::ordered_json& components);

// The pointer's member in plain words, as SchemaViolation::field.
std::string PlainFieldName(const std::string& pointer);

// The first keyword of `schema` or its subschemas this validator does not
// implement (as "<pointer into the schema>: <keyword>"), or a $ref to a name
// `components` lacks; nullopt when every keyword is understood.
std::optional<std::string> UnsupportedKeyword(const nlohmann::ordered_json& schema,
                                              const nlohmann::ordered_json& components);

}  // namespace mara::api

#endif  // MARA_API_JSON_SCHEMA_H_
