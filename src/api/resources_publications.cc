// The publications of cycles' annexes (docs/api.md, "Publications"): the
// list, a decision maker's request, another decision maker's sign-off,
// which writes the signed public edition (service/publication.h,
// report/publication.h), and the download of a published file. Each is a
// service call; none reads the publications folder itself.
#include <string>
#include <utility>

#include "api/problem.h"
#include "api/resources_internal.h"
#include "common/text.h"
#include "report/publication.h"
#include "service/authorized.h"
#include "service/publication.h"

namespace mara::api::internal {
namespace {

#define MARA_API_PUB_ASSIGN(lhs, expr, field)                               \
  auto MARA_API_PUB_CONCAT(r_, __LINE__) = (expr);                          \
  if (!MARA_API_PUB_CONCAT(r_, __LINE__).ok())                              \
    return ProblemFor(MARA_API_PUB_CONCAT(r_, __LINE__).status(), (field)); \
  lhs = std::move(*MARA_API_PUB_CONCAT(r_, __LINE__))
#define MARA_API_PUB_CONCAT_INNER(a, b) a##b
#define MARA_API_PUB_CONCAT(a, b) MARA_API_PUB_CONCAT_INNER(a, b)

std::string FileHref(const Publication& p, const std::string& name) {
  return "/api/v1/publications/" + std::to_string(p.cycle) + "/" + std::to_string(p.number) +
         "/files/" + name;
}

// The record with each file's download route.
Json PublicationView(const Publication& p) {
  Json j = PublicationToJson(p);
  for (Json& f : j["files"]) f["href"] = FileHref(p, f["name"].get<std::string>());
  return j;
}

Result<int> CycleOf(std::string_view text, std::string_view field) {
  MARA_ASSIGN_OR_RETURN(int64_t v, ParseInt(text, 1000, 9999, field));
  return static_cast<int>(v);
}

// A problem's field for the service's refusals: the cycle for a request
// that does not exist, nothing for the others.
std::string FieldFor(const Status& s, std::string_view not_found_field) {
  return s.code() == StatusCode::kNotFound ? std::string(not_found_field) : FieldOf(s, "");
}

Response ListPublicationsRoute(Request& req, Session& session) {
  MARA_API_PUB_ASSIGN(std::optional<int64_t> cycle, IntQuery(req, "cycle", 1000, 9999), "cycle");
  std::optional<int> c;
  if (cycle) c = static_cast<int>(*cycle);
  MARA_API_PUB_ASSIGN(std::vector<Publication> all, ListPublications(session, c), "");
  Json items = Json::array();
  for (const Publication& p : all) items.push_back(PublicationView(p));
  return JsonResponse({{"items", std::move(items)}});
}

Response PostPublication(Request& req, Session& session, const PolicySet& policies) {
  MARA_API_PUB_ASSIGN(Json body, ParseBody(req), "body");
  auto it = body.find("cycle");
  if (it == body.end() || !it->is_number_integer()) {
    return Problem(400, "invalid_argument", "/cycle: expected an integer from 1000 to 9999",
                   "/cycle");
  }
  const int64_t cycle = it->get<int64_t>();
  if (cycle < 1000 || cycle > 9999) {
    return Problem(400, "invalid_argument", "/cycle: expected an integer from 1000 to 9999",
                   "/cycle");
  }
  MARA_API_PUB_ASSIGN(std::string rationale, StringMember(body, "rationale", true), "/rationale");
  if (TrimBlanks(rationale).empty()) {
    return Problem(400, "invalid_argument", "/rationale: must not be empty", "/rationale");
  }
  Result<Publication> requested =
      RequestPublication(session, *policies.server, static_cast<int>(cycle), rationale);
  if (!requested.ok()) {
    const Status& s = requested.status();
    return ProblemFor(s, s.code() == StatusCode::kInvalidArgument ? "/cycle" : FieldOf(s, ""));
  }
  Response r = JsonResponse(PublicationView(*requested), 201);
  r.headers.emplace_back("Location", "/api/v1/publications?cycle=" + std::to_string(cycle));
  return r;
}

Response PostSignOff(Request& req, Session& session, const PolicySet& policies) {
  MARA_API_PUB_ASSIGN(int cycle, CycleOf(req.params.at("cycle"), "cycle"), "cycle");
  MARA_API_PUB_ASSIGN(Json body, ParseBody(req), "body");
  (void)body;
  Result<Publication> published =
      SignOffPublication(session, *policies.server, cycle, report::RenderPublicEdition);
  if (!published.ok()) return ProblemFor(published.status(), FieldFor(published.status(), "cycle"));
  return JsonResponse(PublicationView(*published));
}

std::string MediaTypeOf(std::string_view name) {
  auto ends = [&](std::string_view suffix) { return name.ends_with(suffix); };
  if (ends(".sig")) return "text/plain; charset=utf-8";
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".md")) return "text/markdown; charset=utf-8";
  if (ends(".json")) return "application/json";
  if (ends(".csv")) return "text/csv; charset=utf-8";
  if (ends(".ftm")) return "application/x-ndjson";
  return "application/octet-stream";
}

Response GetPublishedFile(Request& req, Session& session) {
  MARA_API_PUB_ASSIGN(int cycle, CycleOf(req.params.at("cycle"), "cycle"), "cycle");
  MARA_API_PUB_ASSIGN(int64_t number, ParseInt(req.params.at("number"), 1, 9999, "number"),
                      "number");
  const std::string& name = req.params.at("name");
  MARA_API_PUB_ASSIGN(std::string bytes,
                      ReadPublishedFile(session, cycle, static_cast<int>(number), name), "name");
  Response r;
  r.status = 200;
  r.content_type = MediaTypeOf(name);
  r.body = std::move(bytes);
  // Saved, never shown in the application's origin.
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + "\"");
  return r;
}

}  // namespace

Result<Json> PublishedJson(Session& session, int cycle) {
  MARA_ASSIGN_OR_RETURN(std::optional<Publication> latest, LatestPublication(session, cycle));
  if (!latest) return Json(nullptr);
  Json files = Json::array();
  for (const PublishedFile& f : latest->files) {
    files.push_back({{"name", f.name}, {"format", f.format}, {"href", FileHref(*latest, f.name)}});
  }
  MARA_ASSIGN_OR_RETURN(bool same_data, PublicationIsCurrent(session, *latest));
  return Json{{"number", latest->number},
              {"signed_off_at", latest->signed_off_at},
              {"data_digest", latest->data_digest},
              {"policy",
               {{"name", latest->policy_name},
                {"version", latest->policy_version},
                {"digest", latest->policy_digest}}},
              {"same_data", same_data},
              {"files", std::move(files)}};
}

std::vector<SessionRoute> PublicationRoutes(const PolicySet& policies) {
  std::vector<SessionRoute> routes;
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/publications",
                     .summary = "Publications of cycles' annexes, with their files (pending "
                                "requests, statements and names for decision makers and "
                                "confidential readers)",
                     .query = {{"cycle", "only this cycle", true}},
                     .response_schema = "PublicationList"},
                    ListPublicationsRoute});
  routes.push_back(
      {{.method = "POST",
        .pattern = "/api/v1/publications/{cycle}/signoff",
        .summary = "Sign off the cycle's pending publication request (another "
                   "decision maker than its requester): writes and signs the public "
                   "edition's files",
        .has_body = true,
        .request_schema = "SignOffInput",
        .response_schema = "Publication"},
       [policies](Request& req, Session& session) { return PostSignOff(req, session, policies); }});
  routes.push_back({{.method = "POST",
                     .pattern = "/api/v1/publications",
                     .summary = "Request the publication of a cycle's annex {cycle, rationale} "
                                "(decision makers)",
                     .has_body = true,
                     .success_status = 201,
                     .request_schema = "PublicationInput",
                     .response_schema = "Publication"},
                    [policies](Request& req, Session& session) {
                      return PostPublication(req, session, policies);
                    }});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/publications/{cycle}/{number}/files/{name}",
                     .summary = "One file of a publication, as published (its SHA-256 checked)",
                     .produces = "*/*"},
                    GetPublishedFile});
  return routes;
}

}  // namespace mara::api::internal
