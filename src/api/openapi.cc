#include "api/openapi.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "api/schemas.h"

namespace mara::api {
namespace {

using Json = nlohmann::ordered_json;

Json ProblemRef(const std::string& description) {
  Json r;
  r["description"] = description;
  r["content"]["application/problem+json"]["schema"]["$ref"] = "#/components/schemas/Problem";
  return r;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// "a, b" -> {"a", "b"}.
std::vector<std::string> MediaTypes(const std::string& produces) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < produces.size()) {
    size_t end = produces.find(',', start);
    if (end == std::string::npos) end = produces.size();
    std::string one = produces.substr(start, end - start);
    while (!one.empty() && one.front() == ' ') one.erase(0, 1);
    while (!one.empty() && one.back() == ' ') one.pop_back();
    if (!one.empty()) out.push_back(std::move(one));
    start = end + 1;
  }
  return out;
}

}  // namespace

Json OpenApiDocument(const Router& router) {
  Json doc;
  doc["openapi"] = "3.1.0";
  doc["info"]["title"] = "Mara API";
  doc["info"]["version"] = "1";
  doc["info"]["description"] =
      "The HTTP API of `mara serve` (docs/api.md). Errors are application/problem+json. "
      "Every JSON request body is checked against its schema here before the route runs.";
  Json paths = Json::object();
  for (const Route& route : router.routes()) {
    const RouteSpec& spec = route.spec;
    Json op;
    op["summary"] = spec.summary;
    op["operationId"] = Lower(spec.method) + spec.pattern;
    Json params = Json::array();
    for (const std::string& segment : route.segments) {
      if (segment.size() > 2 && segment.front() == '{' && segment.back() == '}') {
        Json p;
        p["name"] = segment.substr(1, segment.size() - 2);
        p["in"] = "path";
        p["required"] = true;
        p["schema"]["type"] = "string";
        params.push_back(std::move(p));
      }
    }
    for (const QueryParam& q : spec.query) {
      Json p;
      p["name"] = q.name;
      p["in"] = "query";
      p["required"] = false;
      p["description"] = q.description;
      p["schema"]["type"] = q.integer ? "integer" : "string";
      params.push_back(std::move(p));
    }
    if (spec.if_match) {
      Json p;
      p["name"] = "If-Match";
      p["in"] = "header";
      p["required"] = false;
      p["description"] = "The ETag of the current representation; required when it exists";
      p["schema"]["type"] = "string";
      params.push_back(std::move(p));
    }
    if (!params.empty()) op["parameters"] = std::move(params);
    if (spec.has_body) {
      // A body whose schema requires no member may be left out (it is
      // checked as {}): {id}/verification, a sign-off, a token's days.
      const Json& schemas = ComponentSchemas();
      auto schema = schemas.find(spec.request_schema);
      op["requestBody"]["required"] =
          schema != schemas.end() && !schema->value("required", Json::array()).empty();
      op["requestBody"]["content"]["application/json"]["schema"] =
          spec.request_schema.empty() ? Json{{"type", "object"}} : SchemaRef(spec.request_schema);
    }
    if (spec.multipart) {
      op["requestBody"]["required"] = true;
      op["requestBody"]["content"]["multipart/form-data"]["schema"] =
          SchemaRef(spec.request_schema);
    }
    Json responses;
    responses["200"]["description"] = "Success";
    // A JSON schema's media type first, then the others the route answers.
    if (!spec.response_schema.empty()) {
      responses["200"]["content"]["application/json"]["schema"] = SchemaRef(spec.response_schema);
    }
    for (const std::string& media_type : MediaTypes(spec.produces)) {
      responses["200"]["content"][media_type]["schema"]["type"] = "string";
    }
    if (spec.method == "POST" && spec.pattern == "/api/v1/decisions") {
      responses["201"]["description"] = "Created";
    }
    if (spec.success_status == 201) {
      responses.erase("200");
      responses["201"]["description"] = "Created";
    } else if (spec.success_status == 202) {
      responses.erase("200");
      responses["202"]["description"] = "Accepted: poll the Location";
    } else if (spec.success_status == 204) {
      responses.erase("200");
      responses["204"]["description"] = "Done; no body";
    }
    if (!spec.response_schema.empty()) {
      for (auto& [status, response] : responses.items()) {
        if (status == "204") continue;
        response["content"]["application/json"]["schema"] = SchemaRef(spec.response_schema);
      }
    }
    // An incident written with PUT may be new (201); a saved incident its
    // author may no longer see (withdrawn consent) is answered without a body.
    if (spec.pattern == "/api/v1/incidents" || spec.pattern == "/api/v1/incidents/{id}") {
      if (spec.method == "PUT") {
        responses["201"]["description"] = "Created";
        responses["201"]["content"]["application/json"]["schema"] = SchemaRef(spec.response_schema);
      }
      if (spec.method == "POST" || spec.method == "PUT") {
        responses["204"]["description"] = "Saved, but no longer visible to its author";
      }
    }
    responses["400"] = ProblemRef("Invalid input; `field` names it");
    if (spec.needs_auth) {
      responses["401"] = ProblemRef("Not logged in");
      responses["403"] = ProblemRef("The principal may not do this");
    } else {
      op["security"] = Json::array();
    }
    responses["404"] = ProblemRef("No such record");
    if (spec.if_match) {
      responses["412"] = ProblemRef("Stale If-Match: nothing was written");
      responses["428"] = ProblemRef("If-Match missing");
    }
    if (spec.method != "GET") responses["413"] = ProblemRef("Body too large");
    if (spec.method == "POST" && spec.pattern.starts_with("/api/v1/publications")) {
      responses["409"] = ProblemRef(
          "A request already awaits sign-off, the policy is not the request's, or the data "
          "changed during the sign-off");
    }
    if (spec.method == "POST" && spec.pattern == "/api/v1/communications/{id}/ruling") {
      responses["409"] = ProblemRef("Already under review, or already ruled: a ruling is final");
    }
    if (spec.may_be_unavailable) responses["503"] = ProblemRef("Not ready");
    responses["default"] =
        ProblemRef("Any other refusal or failure (409, 415, 429, 500, 503, ...)");
    op["responses"] = std::move(responses);
    paths[spec.pattern][Lower(spec.method)] = std::move(op);
  }
  doc["paths"] = std::move(paths);
  Json& components = doc["components"];
  components["securitySchemes"]["cookie"]["type"] = "apiKey";
  components["securitySchemes"]["cookie"]["in"] = "cookie";
  components["securitySchemes"]["cookie"]["name"] = "mara_session";
  components["securitySchemes"]["cookie"]["description"] =
      "From POST /api/v1/session; unsafe methods also need the X-CSRF-Token header";
  components["securitySchemes"]["bearer"]["type"] = "http";
  components["securitySchemes"]["bearer"]["scheme"] = "bearer";
  components["securitySchemes"]["bearer"]["description"] =
      "An API token from POST /api/v1/tokens: Authorization: Bearer mara_...";
  components["schemas"] = ComponentSchemas();
  doc["security"] = Json::array({Json{{"cookie", Json::array()}}, Json{{"bearer", Json::array()}}});
  return doc;
}

}  // namespace mara::api
