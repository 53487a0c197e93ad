#include "api/resources.h"

#include <charconv>
#include <map>
#include <set>
#include <utility>

#include "api/language.h"
#include "api/problem.h"
#include "api/resources_internal.h"
#include "common/text.h"
#include "domain/json_codec.h"
#include "i18n/messages.h"
#include "policy/assessment_output.h"
#include "report/builder.h"
#include "report/edition.h"
#include "report/render.h"
#include "service/audit.h"
#include "service/authorized.h"
#include "service/incidents.h"
#include "service/report_input.h"
#include "service/visibility.h"

namespace mara::api {
namespace {

using security::Operation;
using Json = nlohmann::ordered_json;

constexpr int64_t kDefaultLimit = 100;
constexpr int64_t kMaxLimit = 1000;

// A strictly decimal integer within [lo, hi], or the 400 naming `field`.
Result<int64_t> ParseInt(std::string_view text, int64_t lo, int64_t hi, std::string_view field) {
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value < lo ||
      value > hi) {
    return Status::InvalidArgument(std::string(field) + ": expected an integer from " +
                                   std::to_string(lo) + " to " + std::to_string(hi) + ", got " +
                                   QuoteForMessage(text));
  }
  return value;
}

// The Response for a failed Result, with the field at fault.
#define MARA_API_ASSIGN(lhs, expr, field)                             \
  auto MARA_API_CONCAT(r_, __LINE__) = (expr);                        \
  if (!MARA_API_CONCAT(r_, __LINE__).ok())                            \
    return ProblemFor(MARA_API_CONCAT(r_, __LINE__).status(), field); \
  lhs = std::move(*MARA_API_CONCAT(r_, __LINE__))
#define MARA_API_CONCAT_INNER(a, b) a##b
#define MARA_API_CONCAT(a, b) MARA_API_CONCAT_INNER(a, b)
#define MARA_API_CHECK(expr, field)             \
  do {                                          \
    Status s_ = (expr);                         \
    if (!s_.ok()) return ProblemFor(s_, field); \
  } while (0)

Result<int> CycleParam(const Request& req) {
  MARA_ASSIGN_OR_RETURN(int64_t v, ParseInt(req.params.at("cycle"), 1000, 9999, "cycle"));
  return static_cast<int>(v);
}

// An optional integer query parameter.
Result<std::optional<int64_t>> IntQuery(const Request& req, std::string_view name, int64_t lo,
                                        int64_t hi) {
  std::optional<std::string> text = req.Query(name);
  if (!text) return std::optional<int64_t>();
  MARA_ASSIGN_OR_RETURN(int64_t v, ParseInt(*text, lo, hi, name));
  return std::optional<int64_t>(v);
}

// Reading anything needs kReadPublic somewhere: everywhere for unscoped
// roles, or in one assigned situation for scoped ones.
Status CanRead(Session& session) { return session.RequireSomewhere(Operation::kReadPublic); }

bool ReadsConfidential(Session& session, const std::string& situation = "") {
  return session.Authorize(Operation::kReadConfidential, {.situation = situation}).ok();
}

std::set<std::string> ConfidentialSources(const Bundle& registry) {
  return HiddenSources(registry, Edition::kPublic);
}

Edition EditionIn(Session& session, const std::string& situation) {
  return ReadsConfidential(session, situation) ? Edition::kConfidential : Edition::kPublic;
}

// The incident as this principal may see it; nullopt when it may not.
std::optional<Json> IncidentView(Session& session, const Incident& incident,
                                 const std::set<std::string>& confidential_sources, int min_cell) {
  const Edition edition = EditionIn(session, incident.situation);
  if (!IncludesConsent(edition, incident.consent)) return std::nullopt;
  static const std::set<std::string> kNone;
  return IncidentJson(incident, edition, edition == Edition::kPublic ? confidential_sources : kNone,
                      min_cell);
}

Json DecisionView(const Decision& d, bool confidential) {
  return DecisionJson(d, confidential ? Edition::kConfidential : Edition::kPublic);
}

const Decision* FindDecision(const Bundle& registry, std::string_view party, int cycle) {
  for (const Decision& d : registry.decisions) {
    if (d.party == party && d.cycle == cycle) return &d;
  }
  return nullptr;
}

Response WithEtag(Response r) {
  r.headers.emplace_back("ETag", EtagOf(r.body));
  return r;
}

Result<Json> ParseBody(const Request& req) {
  if (req.body.empty()) return Json::object();
  if (!IsValidUtf8(req.body)) return Status::InvalidArgument("body: not valid UTF-8");
  try {
    Json j = Json::parse(req.body);
    if (!j.is_object()) return Status::InvalidArgument("body: expected a JSON object");
    return j;
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("body: not JSON: ") + e.what());
  }
}

// A required (or optional, when `required` is false: "" if absent) string
// member of a JSON object.
Result<std::string> StringMember(const Json& body, const std::string& name, bool required) {
  auto it = body.find(name);
  if (it == body.end()) {
    if (!required) return std::string();
    return Status::InvalidArgument("/" + name + ": required");
  }
  if (!it->is_string()) return Status::InvalidArgument("/" + name + ": expected a string");
  return it->get<std::string>();
}

// --- handlers ---

Response ListSituations(Request&, Session& session) {
  MARA_API_CHECK(CanRead(session), "");
  MARA_API_ASSIGN(Bundle registry, ReadRegistry(session), "");
  Json items = Json::array();
  for (const Situation& s : registry.situations) items.push_back(ToJson(s));
  return JsonResponse({{"items", std::move(items)}});
}

Response ListParties(Request& req, Session& session) {
  MARA_API_CHECK(CanRead(session), "");
  MARA_API_ASSIGN(Bundle registry, ReadRegistry(session), "");
  std::optional<std::string> situation = req.Query("situation");
  Json items = Json::array();
  for (const Party& p : registry.parties) {
    if (situation && p.situation != *situation) continue;
    items.push_back(ToJson(p));
  }
  return JsonResponse({{"items", std::move(items)}});
}

Response GetParty(Request& req, Session& session) {
  MARA_API_CHECK(CanRead(session), "");
  MARA_API_ASSIGN(Bundle registry, ReadRegistry(session), "");
  const std::string& id = req.params.at("id");
  for (const Party& p : registry.parties) {
    if (p.id == id) return JsonResponse(internal::PartyView(registry, p));
  }
  return Problem(404, "not_found", "no party " + QuoteForMessage(id), "id");
}

Response ListSources(Request&, Session& session) {
  MARA_API_CHECK(CanRead(session), "");
  MARA_API_ASSIGN(Bundle registry, ReadRegistry(session), "");
  const Edition edition = EditionIn(session, "");
  Json items = Json::array();
  for (const Source& s : registry.sources) {
    if (!ShowsSource(edition, s)) continue;
    items.push_back(ToJson(Disclosable(s)));
  }
  return JsonResponse({{"items", std::move(items)}});
}

Response ListFindings(Request& req, Session& session) {
  MARA_API_CHECK(CanRead(session), "");
  MARA_API_ASSIGN(std::optional<int64_t> cycle, IntQuery(req, "cycle", 1000, 9999), "cycle");
  MARA_API_ASSIGN(Bundle registry, ReadRegistry(session), "");
  const std::set<std::string> hidden = HiddenSources(registry, EditionIn(session, ""));
  std::optional<std::string> party = req.Query("party");
  Json items = Json::array();
  for (const Finding& f : registry.findings) {
    if (party && f.party != *party) continue;
    if (cycle && f.cycle != *cycle) continue;
    items.push_back(FindingJson(f, hidden));
  }
  return JsonResponse({{"items", std::move(items)}});
}

Response ListCommitments(Request& req, Session& session) {
  MARA_API_CHECK(CanRead(session), "");
  MARA_API_ASSIGN(Bundle registry, ReadRegistry(session), "");
  std::optional<std::string> party = req.Query("party");
  Json items = Json::array();
  for (const Commitment& c : registry.commitments) {
    if (party && c.party != *party) continue;
    items.push_back(ToJson(c));
  }
  return JsonResponse({{"items", std::move(items)}});
}

Response ListDecisions(Request& req, Session& session) {
  MARA_API_CHECK(CanRead(session), "");
  MARA_API_ASSIGN(std::optional<int64_t> cycle, IntQuery(req, "cycle", 1000, 9999), "cycle");
  MARA_API_ASSIGN(Bundle registry, ReadRegistry(session), "");
  const bool confidential = ReadsConfidential(session);
  std::optional<std::string> party = req.Query("party");
  Json items = Json::array();
  for (const Decision& d : registry.decisions) {
    if (party && d.party != *party) continue;
    if (cycle && d.cycle != *cycle) continue;
    items.push_back(DecisionView(d, confidential));
  }
  return JsonResponse({{"items", std::move(items)}});
}

Response GetDecision(Request& req, Session& session) {
  MARA_API_CHECK(CanRead(session), "");
  MARA_API_ASSIGN(int cycle, CycleParam(req), "cycle");
  MARA_API_ASSIGN(Bundle registry, ReadRegistry(session), "");
  const std::string& party = req.params.at("party");
  const Decision* d = FindDecision(registry, party, cycle);
  if (d == nullptr) {
    return Problem(
        404, "not_found",
        "no decision for party " + QuoteForMessage(party) + " in " + std::to_string(cycle),
        "party");
  }
  return JsonResponse(DecisionView(*d, ReadsConfidential(session)));
}

Response PostDecision(Request& req, Session& session) {
  MARA_API_ASSIGN(Json body, ParseBody(req), "");
  MARA_API_ASSIGN(std::string party, StringMember(body, "party", true), "/party");
  auto cycle_it = body.find("cycle");
  if (cycle_it == body.end() || !cycle_it->is_number_integer()) {
    return Problem(400, "invalid_argument", "/cycle: required, an integer", "/cycle");
  }
  const int64_t cycle = cycle_it->get<int64_t>();
  if (cycle < 1000 || cycle > 9999) {
    return Problem(400, "invalid_argument", "/cycle: expected 1000 to 9999", "/cycle");
  }
  MARA_API_ASSIGN(std::string status_text, StringMember(body, "status", true), "/status");
  std::optional<PartyStatus> status = ParseEnum<PartyStatus>(status_text);
  if (!status) {
    return Problem(400, "invalid_argument",
                   "/status: unknown status " + QuoteForMessage(status_text) + " (expected " +
                       AllowedValues<PartyStatus>() + ")",
                   "/status");
  }
  MARA_API_ASSIGN(std::string rationale, StringMember(body, "rationale", true), "/rationale");
  MARA_API_ASSIGN(std::string date_text, StringMember(body, "date", false), "/date");
  if (date_text.empty()) date_text = NowIso(session.clock()).substr(0, 10);
  MARA_API_ASSIGN(Date date, Date::Parse(date_text), "/date");

  // The current decision, as this principal sees it, decides the ETag.
  MARA_API_ASSIGN(Bundle registry, ReadRegistry(session), "");
  const bool confidential = ReadsConfidential(session);
  std::optional<std::string> current;
  if (const Decision* d = FindDecision(registry, party, static_cast<int>(cycle))) {
    current = EtagOf(DecisionView(*d, confidential)
                         .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  }
  if (std::optional<Response> refused = CheckIfMatch(req, current)) return *refused;

  Decision decision;
  decision.party = party;
  decision.cycle = static_cast<int>(cycle);
  decision.status = *status;
  decision.date = date;
  decision.rationale = rationale;
  MARA_API_CHECK(RecordDecision(session, decision), "");
  MARA_API_ASSIGN(Bundle after, ReadRegistry(session), "");
  const Decision* stored = FindDecision(after, party, static_cast<int>(cycle));
  if (stored == nullptr) {
    return Problem(500, "corruption", "the recorded decision cannot be read back");
  }
  Response r = JsonResponse(DecisionView(*stored, ReadsConfidential(session)), current ? 200 : 201);
  r.headers.emplace_back("Location", "/api/v1/decisions/" + party + "/" + std::to_string(cycle));
  return WithEtag(std::move(r));
}

Response ListDesignations(Request& req, Session& session) {
  MARA_API_CHECK(CanRead(session), "");
  MARA_API_ASSIGN(Bundle registry, ReadRegistry(session), "");
  const std::set<std::string> hidden = HiddenSources(registry, EditionIn(session, ""));
  std::optional<std::string> party = req.Query("party");
  Json items = Json::array();
  for (const Designation& d : registry.designations) {
    if (party && d.party != *party) continue;
    items.push_back(DesignationJson(d, hidden));
  }
  return JsonResponse({{"items", std::move(items)}});
}

Response ListStatements(Request& req, Session& session) {
  MARA_API_CHECK(CanRead(session), "");
  MARA_API_ASSIGN(Bundle registry, ReadRegistry(session), "");
  const Edition edition = EditionIn(session, "");
  MARA_API_ASSIGN(std::set<std::string> withdrawn, WithdrawnIncidentIds(session), "");
  std::optional<std::string> by = req.Query("by");
  Json items = Json::array();
  for (const Statement& st : registry.statements) {
    if (by && st.by != *by) continue;
    items.push_back(StatementJson(st, edition, withdrawn));
  }
  return JsonResponse({{"items", std::move(items)}});
}

Response ListEngagements(Request& req, Session& session) {
  MARA_API_CHECK(CanRead(session), "");
  MARA_API_ASSIGN(Bundle registry, ReadRegistry(session), "");
  const Edition edition = EditionIn(session, "");
  std::optional<std::string> party = req.Query("party");
  Json items = Json::array();
  for (const Engagement& e : registry.engagements) {
    if (party && e.party != *party) continue;
    items.push_back(EngagementJson(e, edition));
  }
  return JsonResponse({{"items", std::move(items)}});
}

Response ListAudit(Request& req, Session& session) {
  AuditQuery query;
  MARA_API_ASSIGN(std::optional<int64_t> after, IntQuery(req, "after_seq", 0, INT64_MAX / 2),
                  "after_seq");
  MARA_API_ASSIGN(std::optional<int64_t> limit,
                  IntQuery(req, "limit", 1, static_cast<int64_t>(kMaxAuditPage)), "limit");
  query.after_seq = static_cast<uint64_t>(after.value_or(0));
  query.limit = static_cast<size_t>(limit.value_or(kDefaultLimit));
  query.principal = req.Query("principal").value_or("");
  query.action = req.Query("action").value_or("");
  query.record = req.Query("record").value_or("");
  for (const char* name : {"from", "to"}) {
    std::optional<std::string> text = req.Query(name);
    if (!text || text->empty()) continue;
    Result<Date> date = Date::Parse(*text);
    if (!date.ok()) {
      return ProblemFor(Status::InvalidArgument(std::string(name) + ": expected YYYY-MM-DD, got " +
                                                QuoteForMessage(text->substr(0, 64))),
                        name);
    }
    (std::string_view(name) == "from" ? query.from : query.to) = *date;
  }
  Result<AuditPage> page = ListAuditRecords(session, query);
  if (!page.ok()) {
    const std::string& m = page.status().message();
    std::string field;
    for (const char* name : {"limit", "principal", "action", "record", "from"}) {
      if (m.starts_with(std::string(name) + ":")) field = name;
    }
    return ProblemFor(page.status(), field);
  }
  Json items = Json::array();
  for (const AuditItem& item : page->items) {
    Json j = internal::AuditRecordJson(item.record);
    j["changes"] = item.changes ? *item.changes : Json(nullptr);
    items.push_back(std::move(j));
  }
  Json body;
  body["items"] = std::move(items);
  if (page->next_after_seq) body["next_after_seq"] = *page->next_after_seq;
  return JsonResponse(body);
}

struct IncidentFilter {
  std::optional<int64_t> cycle;
  std::optional<std::string> situation, party;
  std::optional<std::string> text;  // folded
  std::optional<IncidentStatus> status;
  std::optional<Violation> violation;
};

Response ListIncidents(Request& req, Session& session, int min_cell) {
  MARA_API_CHECK(CanRead(session), "");
  IncidentFilter filter;
  MARA_API_ASSIGN(filter.cycle, IntQuery(req, "cycle", 1000, 9999), "cycle");
  filter.situation = req.Query("situation");
  filter.party = req.Query("party");
  if (std::optional<std::string> q = req.Query("q")) {
    if (q->size() > 200) {
      return Problem(400, "invalid_argument", "q: at most 200 bytes", "q");
    }
    filter.text = Fold(*q);
  }
  if (std::optional<std::string> text = req.Query("status")) {
    filter.status = ParseEnum<IncidentStatus>(*text);
    if (!filter.status) {
      return Problem(400, "invalid_argument",
                     "status: unknown status " + QuoteForMessage(*text) + " (expected " +
                         AllowedValues<IncidentStatus>() + ")",
                     "status");
    }
  }
  if (std::optional<std::string> text = req.Query("violation")) {
    filter.violation = ParseEnum<Violation>(*text);
    if (!filter.violation) {
      return Problem(400, "invalid_argument",
                     "violation: unknown violation " + QuoteForMessage(*text) + " (expected " +
                         AllowedValues<Violation>() + ")",
                     "violation");
    }
  }
  MARA_API_ASSIGN(std::optional<int64_t> limit, IntQuery(req, "limit", 1, kMaxLimit), "limit");
  MARA_API_ASSIGN(std::optional<int64_t> offset, IntQuery(req, "offset", 0, INT64_MAX / 2),
                  "offset");
  const int64_t want = limit.value_or(kDefaultLimit);
  const int64_t skip = offset.value_or(0);

  MARA_API_ASSIGN(Bundle registry, ReadRegistry(session), "");
  const std::set<std::string> hidden = ConfidentialSources(registry);
  std::map<std::string, std::string> party_names;  // id -> folded name and aliases
  if (filter.text) {
    for (const Party& p : registry.parties) {
      std::string names = Fold(p.name);
      for (const std::string& alias : p.aliases) names += "\n" + Fold(alias);
      party_names[p.id] = std::move(names);
    }
  }
  Json items = Json::array();
  int64_t matched = 0;
  Status scanned = ScanVisibleIncidents(session, [&](const Incident& incident, Edition) -> Status {
    if (filter.cycle && incident.cycle() != *filter.cycle) return Status::Ok();
    if (filter.situation && incident.situation != *filter.situation) return Status::Ok();
    if (filter.status && incident.status != *filter.status) return Status::Ok();
    if (filter.violation) {
      bool found = false;
      for (Violation v : incident.violations) found = found || v == *filter.violation;
      if (!found) return Status::Ok();
    }
    if (filter.party) {
      bool found = false;
      for (const Attribution& a : incident.perpetrators) found = found || a.party == *filter.party;
      if (!found) return Status::Ok();
    }
    if (filter.text && !filter.text->empty()) {
      // Names and places only: narratives are sealed and never searched.
      std::string hay = Fold(incident.location.name);
      if (incident.location.admin1) hay += "\n" + Fold(*incident.location.admin1);
      for (const Attribution& a : incident.perpetrators) {
        auto it = party_names.find(a.party);
        if (it != party_names.end()) hay += "\n" + it->second;
      }
      if (hay.find(*filter.text) == std::string::npos) return Status::Ok();
    }
    std::optional<Json> view = IncidentView(session, incident, hidden, min_cell);
    if (!view) return Status::Ok();
    if (matched >= skip && matched < skip + want) items.push_back(std::move(*view));
    ++matched;
    return Status::Ok();
  });
  MARA_API_CHECK(scanned, "");
  Json body;
  body["items"] = std::move(items);
  body["total"] = matched;
  body["limit"] = want;
  body["offset"] = skip;
  if (skip + want < matched) body["next_offset"] = skip + want;
  return JsonResponse(body);
}

// The incident's representation for this principal, or the problem.
Result<std::optional<Json>> IncidentFor(Session& session, const std::string& id, int min_cell) {
  MARA_ASSIGN_OR_RETURN(std::optional<Incident> incident, FindVisibleIncident(session, id));
  if (!incident) return std::optional<Json>();
  MARA_ASSIGN_OR_RETURN(Bundle registry, ReadRegistry(session));
  return IncidentView(session, *incident, ConfidentialSources(registry), min_cell);
}

Response IncidentNotFound(const std::string& id) {
  return Problem(404, "not_found", "no incident " + QuoteForMessage(id), "id");
}

Response AssessmentFor(Request& req, Session& session, const Policy& policy) {
  MARA_API_ASSIGN(int cycle, CycleParam(req), "cycle");
  MARA_API_ASSIGN(Assessment assessment, AssessCycle(session, policy, cycle), "");
  Response r;
  r.body = AssessmentJsonText(assessment);
  return r;
}

// The edition ?edition= names, else the most the principal may read
// (service/report_input.h ReportEditionFor); BuildReport authorises it.
Result<report::Edition> ReportEditionOf(const Request& req, Session& session) {
  std::optional<report::Edition> requested;
  if (std::optional<std::string> text = req.Query("edition")) {
    MARA_ASSIGN_OR_RETURN(requested, report::ParseEdition(*text));
  }
  return ReportEditionFor(session, requested);
}

std::string_view ContentTypeFor(report::Format format) {
  switch (format) {
    case report::Format::kHtml:
      return "text/html; charset=utf-8";
    case report::Format::kMarkdown:
      return "text/markdown; charset=utf-8";
    case report::Format::kJson:
      return "application/json";
    case report::Format::kCsv:
      return "text/csv; charset=utf-8";
    case report::Format::kFtm:
      return "application/x-ndjson";
    case report::Format::kPdf:
      return "application/pdf";
  }
  return "application/octet-stream";
}

}  // namespace

// The helpers above, for the other resource files (resources_internal.h).
namespace internal {
Status CanRead(Session& session) { return api::CanRead(session); }
bool ReadsConfidential(Session& session, const std::string& situation) {
  return api::ReadsConfidential(session, situation);
}
std::set<std::string> ConfidentialSources(const Bundle& registry) {
  return api::ConfidentialSources(registry);
}
std::optional<Json> IncidentView(Session& session, const Incident& incident,
                                 const std::set<std::string>& confidential_sources, int min_cell) {
  return api::IncidentView(session, incident, confidential_sources, min_cell);
}
Result<std::optional<Json>> IncidentFor(Session& session, const std::string& id, int min_cell) {
  return api::IncidentFor(session, id, min_cell);
}
Result<Json> ParseBody(const Request& req) { return api::ParseBody(req); }
Result<std::string> StringMember(const Json& body, const std::string& name, bool required) {
  return api::StringMember(body, name, required);
}
Result<int64_t> ParseInt(std::string_view text, int64_t lo, int64_t hi, std::string_view field) {
  return api::ParseInt(text, lo, hi, field);
}
Result<std::optional<int64_t>> IntQuery(const Request& req, std::string_view name, int64_t lo,
                                        int64_t hi) {
  return api::IntQuery(req, name, lo, hi);
}
}  // namespace internal

std::string EtagOf(std::string_view body) { return "\"" + Blake2bHex(body).substr(0, 32) + "\""; }

std::optional<Response> CheckIfMatch(const Request& request,
                                     const std::optional<std::string>& current_etag) {
  const std::string if_match = request.Header("if-match");
  if (!current_etag) {
    if (if_match.empty() || if_match == "*") return std::nullopt;
    return Problem(412, "precondition_failed",
                   "If-Match names a version but the resource does not exist yet", "If-Match");
  }
  if (if_match.empty()) {
    return Problem(428, "precondition_required",
                   "this resource exists: send If-Match with its current ETag", "If-Match");
  }
  if (if_match == "*") return std::nullopt;
  // A list of tags; weak tags never match a strong comparison.
  size_t start = 0;
  while (start < if_match.size()) {
    size_t end = if_match.find(',', start);
    if (end == std::string::npos) end = if_match.size();
    std::string tag = if_match.substr(start, end - start);
    while (!tag.empty() && tag.front() == ' ') tag.erase(0, 1);
    while (!tag.empty() && tag.back() == ' ') tag.pop_back();
    if (tag == *current_etag) return std::nullopt;
    start = end + 1;
  }
  return Problem(412, "precondition_failed",
                 "the resource changed since it was read (its ETag is now " + *current_etag +
                     "); nothing was written",
                 "If-Match");
}

std::vector<SessionRoute> ResourceRoutes(std::shared_ptr<const Policy> policy) {
  const int min_cell = policy->publication_min_cell;
  const internal::PolicySet policies = internal::MakePolicySet(policy);
  std::vector<SessionRoute> routes;
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/situations",
                     .summary = "Situations",
                     .response_schema = "SituationList"},
                    ListSituations});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/parties",
                     .summary = "Parties",
                     .query = {{"situation", "only parties of this situation"}},
                     .response_schema = "PartyList"},
                    ListParties});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/parties/{id}",
                     .summary = "One party, with its children and splinters",
                     .response_schema = "Party"},
                    GetParty});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/sources",
                     .summary = "Sources (confidential ones only to confidential readers)",
                     .response_schema = "SourceList"},
                    ListSources});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/findings",
                     .summary = "Findings of monitoring bodies",
                     .query = {{"party", "only this party"}, {"cycle", "only this cycle", true}},
                     .response_schema = "FindingList"},
                    ListFindings});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/commitments",
                     .summary = "Commitments and their measures",
                     .query = {{"party", "only this party"}},
                     .response_schema = "CommitmentList"},
                    ListCommitments});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/decisions",
                     .summary = "Decisions",
                     .query = {{"party", "only this party"}, {"cycle", "only this cycle", true}},
                     .response_schema = "DecisionList"},
                    ListDecisions});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/decisions/{party}/{cycle}",
                     .summary = "The decision on a party for a cycle",
                     .response_schema = "Decision"},
                    GetDecision});
  routes.push_back({{.method = "POST",
                     .pattern = "/api/v1/decisions",
                     .summary = "Record a decision (If-Match when one exists for the party and "
                                "cycle)",
                     .has_body = true,
                     .if_match = true,
                     .request_schema = "DecisionInput",
                     .response_schema = "Decision"},
                    PostDecision});
  routes.push_back(
      {{.method = "GET",
        .pattern = "/api/v1/incidents",
        .summary = "Incidents, filtered and paginated",
        .query = {{"cycle", "only this cycle (year)", true},
                  {"situation", "only this situation"},
                  {"party", "only incidents attributed to this party"},
                  {"q", "text in the location, region or perpetrator names and aliases"},
                  {"status", "reported, corroborated or verified"},
                  {"violation", "only incidents with this violation"},
                  {"limit", "page size, 1 to 1000 (default 100)", true},
                  {"offset", "items to skip (default 0)", true}},
        .response_schema = "IncidentList"},
       [min_cell](Request& req, Session& session) {
         return ListIncidents(req, session, min_cell);
       }});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/incidents/{id}",
                     .summary = "One incident",
                     .response_schema = "Incident"},
                    [min_cell](Request& req, Session& session) -> Response {
                      MARA_API_CHECK(CanRead(session), "");
                      const std::string& id = req.params.at("id");
                      MARA_API_ASSIGN(std::optional<Json> view, IncidentFor(session, id, min_cell),
                                      "");
                      if (!view) return IncidentNotFound(id);
                      return JsonResponse(*view);
                    }});
  routes.push_back(
      {{.method = "POST",
        .pattern = "/api/v1/incidents/{id}/verification",
        .summary = "Verify an incident (four eyes; If-Match with the incident's ETag)",
        .has_body = true,
        .if_match = true,
        .request_schema = "VerificationInput",
        .response_schema = "Incident"},
       [min_cell](Request& req, Session& session) -> Response {
         const std::string& id = req.params.at("id");
         MARA_API_ASSIGN(Json body, ParseBody(req), "");
         MARA_API_ASSIGN(std::string date_text, StringMember(body, "verified_on", false),
                         "/verified_on");
         if (date_text.empty()) date_text = NowIso(session.clock()).substr(0, 10);
         MARA_API_ASSIGN(Date date, Date::Parse(date_text), "/verified_on");
         // Read before the ETag's view: a change in between then makes the
         // service refuse the write instead of passing a stale If-Match.
         MARA_API_ASSIGN(std::optional<Incident> read, FindVisibleIncident(session, id), "");
         if (!read) return IncidentNotFound(id);
         const std::string version = IncidentVersion(*read);
         MARA_API_ASSIGN(std::optional<Json> view, IncidentFor(session, id, min_cell), "");
         if (!view) return IncidentNotFound(id);
         const std::string current =
             EtagOf(view->dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
         if (req.Header("if-match").empty()) {
           return Problem(428, "precondition_required",
                          "send If-Match with the incident's current ETag", "If-Match");
         }
         if (std::optional<Response> refused = CheckIfMatch(req, current)) return *refused;
         MARA_API_CHECK(VerifyIncident(session, id, date, version), "");
         MARA_API_ASSIGN(std::optional<Json> after, IncidentFor(session, id, min_cell), "");
         if (!after) return IncidentNotFound(id);
         return WithEtag(JsonResponse(*after));
       }});
  routes.push_back(
      {{.method = "GET",
        .pattern = "/api/v1/assessments/{cycle}",
        .summary = "The assessment of a cycle (as `mara assess --json`)",
        .query = {{"policy", "a policy of GET /api/v1/policies (default: the server's)"}},
        .response_schema = "Assessment"},
       [policies](Request& req, Session& session) -> Response {
         MARA_API_ASSIGN(std::shared_ptr<const Policy> chosen, internal::PolicyFor(req, policies),
                         "policy");
         return AssessmentFor(req, session, *chosen);
       }});
  routes.push_back(
      {{.method = "GET",
        .pattern = "/api/v1/cases/{party}/{cycle}",
        .summary = "Statement of case for a party and cycle",
        .query = {{"edition", "public or confidential (default: the most the caller may read)"},
                  {"format", "json (default) or html (one self-contained page)"},
                  internal::LanguageParam("the explanation (and of the page's fixed texts)")},
        .produces = "text/html",
        .response_schema = "StatementOfCase",
        .varies_by_language = true},
       [policy](Request& req, Session& session) -> Response {
         MARA_API_ASSIGN(int cycle, CycleParam(req), "cycle");
         MARA_API_ASSIGN(i18n::Language lang, RequestLanguage(req), "lang");
         std::optional<Edition> requested;
         if (std::optional<std::string> text = req.Query("edition")) {
           MARA_API_ASSIGN(requested, ParseEdition(*text), "edition");
           MARA_API_CHECK(session.RequireSomewhere(*requested == Edition::kPublic
                                                       ? Operation::kReadPublic
                                                       : Operation::kReadConfidential),
                          "edition");
         }
         MARA_API_ASSIGN(Edition edition,
                         CaseEditionFor(session, req.params.at("party"), requested), "");
         const bool public_edition = edition == Edition::kPublic;
         MARA_API_ASSIGN(StatementOfCase statement,
                         BuildStatementOfCase(session, *policy, req.params.at("party"), cycle,
                                              public_edition, lang),
                         "party");
         const std::string format = req.Query("format").value_or("json");
         if (format == "html") {
           Response out;
           out.content_type = "text/html; charset=utf-8";
           out.body = report::RenderCaseHtml(statement, public_edition, lang);
           out.headers.emplace_back("X-Mara-Edition", public_edition ? "public" : "confidential");
           internal::AddLanguageHeaders(lang, &out);
           return out;
         }
         if (format != "json") {
           return Problem(400, "invalid_argument",
                          "format: json or html (a signed PDF comes from `mara case --format pdf "
                          "--out FILE`)",
                          "format");
         }
         Response out = JsonResponse(StatementOfCaseToJson(statement, public_edition));
         internal::AddLanguageHeaders(lang, &out);
         return out;
       }});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/stats",
                     .summary = "Counts",
                     .response_schema = "Stats"},
                    [](Request&, Session& session) -> Response {
                      MARA_API_ASSIGN(Stats stats, ComputeStats(session), "");
                      return JsonResponse(StatsToJson(stats));
                    }});
  routes.push_back(
      {{.method = "GET",
        .pattern = "/api/v1/reports/{cycle}",
        .summary = "The annual report of a cycle",
        .query = {{"format", "html, md, json (default), csv or ftm"},
                  {"edition", "public or confidential (default: the most the caller may read)"},
                  internal::LanguageParam("the fixed texts")},
        .produces = "text/html, text/markdown, text/csv, application/x-ndjson",
        .response_schema = "Report",
        .varies_by_language = true},
       [policy](Request& req, Session& session) -> Response {
         MARA_API_ASSIGN(int cycle, CycleParam(req), "cycle");
         const std::string format_text = req.Query("format").value_or("json");
         MARA_API_ASSIGN(report::Format format, report::ParseFormat(format_text), "format");
         if (format == report::Format::kPdf) {
           return Problem(400, "invalid_argument",
                          "format: pdf is produced by `mara report`, not served", "format");
         }
         MARA_API_ASSIGN(report::Edition edition, ReportEditionOf(req, session), "edition");
         MARA_API_ASSIGN(i18n::Language lang, RequestLanguage(req), "lang");
         Result<report::Report> built = report::BuildReport(session, *policy, cycle, edition);
         if (!built.ok()) {
           // A refusal is about the edition asked for (or granted by default).
           const bool refused = built.status().code() == StatusCode::kPermissionDenied;
           return ProblemFor(built.status(), refused ? "edition" : "");
         }
         report::Report& r = *built;
         MARA_API_ASSIGN(std::string bytes, report::Render(r, format, lang), "");
         Response out;
         out.content_type = std::string(ContentTypeFor(format));
         out.body = std::move(bytes);
         out.headers.emplace_back("X-Mara-Edition", std::string(report::EditionName(edition)));
         internal::AddLanguageHeaders(lang, &out);
         return out;
       }});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/designations",
                     .summary = "Designations (sanctions and other lists)",
                     .query = {{"party", "only this party"}},
                     .response_schema = "DesignationList"},
                    ListDesignations});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/statements",
                     .summary = "Statements received (text for confidential readers only)",
                     .query = {{"by", "only statements by this author"}},
                     .response_schema = "StatementList"},
                    ListStatements});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/engagements",
                     .summary = "Engagement with parties (notes for confidential readers only)",
                     .query = {{"party", "only this party"}},
                     .response_schema = "EngagementList"},
                    ListEngagements});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/audit",
                     .summary = "The audit log, oldest first, filtered (admins)",
                     .query = {{"after_seq", "records after this sequence number", true},
                               {"limit", "page size, 1 to 1000 (default 100)", true},
                               {"principal", "only this principal"},
                               {"action", "this action, or a prefix ending in '.' or '*'"},
                               {"record", "target ids containing this text"},
                               {"from", "from this UTC day, YYYY-MM-DD"},
                               {"to", "to this UTC day, YYYY-MM-DD, inclusive"}},
                     .response_schema = "AuditPage"},
                    ListAudit});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/audit/verification",
                     .summary = "Verify the audit chain against the pinned keys (admins)",
                     .response_schema = "AuditVerification"},
                    [](Request&, Session& session) -> Response {
                      MARA_API_ASSIGN(security::AuditVerification v, VerifyAudit(session), "");
                      Json j;
                      j["ok"] = v.ok();
                      j["records"] = v.records;
                      j["checkpoints"] = v.checkpoints;
                      j["head_seq"] = v.head_seq;
                      j["state_covered"] = v.state_covered;
                      j["state_records"] = v.state_records;
                      j["state_findings"] = v.state_findings;
                      if (!v.state_note.empty()) j["state_note"] = v.state_note;
                      if (!v.ok()) j["problem"] = WithoutPaths(v.ToStatus().message());
                      return JsonResponse(j);
                    }});
  for (auto* more : {&internal::WriteRoutes, &internal::ViewRoutes, &internal::PublicationRoutes}) {
    for (SessionRoute& route : (*more)(policies)) routes.push_back(std::move(route));
  }
  for (SessionRoute& route : internal::EvidenceRoutes()) routes.push_back(std::move(route));
  for (SessionRoute& route : internal::AccountRoutes()) routes.push_back(std::move(route));
  for (SessionRoute& route : internal::RegistryRoutes()) routes.push_back(std::move(route));
  for (SessionRoute& route : internal::CommunicationRoutes()) routes.push_back(std::move(route));
  return routes;
}

}  // namespace mara::api
