// Writes and work queues of /api/v1 (docs/api.md): incidents created and
// edited in the browser, consent, the review queue, petitions and the
// name-review queue. Every rule lives in the service layer; these handlers
// parse, check If-Match and call it.
#include <utility>

#include "api/problem.h"
#include "api/resources_internal.h"
#include "common/text.h"
#include "domain/json_codec.h"
#include "service/authorized.h"
#include "service/incidents.h"
#include "service/visibility.h"

namespace mara::api::internal {
namespace {

using security::Operation;

constexpr char kPetitionIdSeparator = '~';

#define MARA_API_TRY_ASSIGN(lhs, expr, field)                               \
  auto MARA_API_TRY_CONCAT(r_, __LINE__) = (expr);                          \
  if (!MARA_API_TRY_CONCAT(r_, __LINE__).ok())                              \
    return ProblemFor(MARA_API_TRY_CONCAT(r_, __LINE__).status(), (field)); \
  lhs = std::move(*MARA_API_TRY_CONCAT(r_, __LINE__))
#define MARA_API_TRY_CONCAT_INNER(a, b) a##b
#define MARA_API_TRY_CONCAT(a, b) MARA_API_TRY_CONCAT_INNER(a, b)
#define MARA_API_TRY(expr, field)               \
  do {                                          \
    Status s_ = (expr);                         \
    if (!s_.ok()) return ProblemFor(s_, field); \
  } while (0)

Response WithEtag(Response r) {
  r.headers.emplace_back("ETag", EtagOf(r.body));
  return r;
}

Response NotFound(std::string_view what, const std::string& id, std::string_view field) {
  return Problem(404, "not_found", "no " + std::string(what) + " " + QuoteForMessage(id), field);
}

// A consent scope from {consent}, or the 400 naming /consent.
Result<Consent> ConsentMember(const Json& body) {
  MARA_ASSIGN_OR_RETURN(std::string text, StringMember(body, "consent", true));
  std::optional<Consent> consent = ParseEnum<Consent>(text);
  if (!consent) {
    return Status::InvalidArgument("/consent: unknown consent " + QuoteForMessage(text) +
                                   " (expected " + AllowedValues<Consent>() + ")");
  }
  return *consent;
}

// --- incidents ---

// Creates (`path_id` empty: POST) or replaces (PUT) an incident.
Response SaveIncidentRoute(Request& req, Session& session, int min_cell, bool put) {
  MARA_API_TRY_ASSIGN(Json body, ParseBody(req), "body");
  if (put) {
    const std::string& id = req.params.at("id");
    auto it = body.find("id");
    if (it == body.end()) {
      body["id"] = id;
    } else if (!it->is_string() || it->get<std::string>() != id) {
      return Problem(400, "invalid_argument",
                     "/id: must equal the id in the path " + QuoteForMessage(id), "/id");
    }
  }
  // A new incident without an id gets one from the service.
  const bool generate_id = !put && (!body.contains("id") || body["id"] == "");
  if (generate_id) body["id"] = "I-0000-000000";
  Incident incident;
  Status parsed = FromJson(body, &incident);
  if (!parsed.ok()) return ProblemFor(parsed, FieldOf(parsed, "body"));
  if (generate_id) {
    incident.id.clear();
    Result<std::string> created = SaveNewIncident(session, incident);
    if (!created.ok()) return ProblemFor(created.status(), FieldOf(created.status(), ""));
    MARA_API_TRY_ASSIGN(std::optional<Json> view, IncidentFor(session, *created, min_cell), "");
    if (!view) {
      Response r;
      r.status = 204;
      r.content_type.clear();
      r.headers.emplace_back("Location", "/api/v1/incidents/" + *created);
      return r;
    }
    Response r = WithEtag(JsonResponse(*view, 201));
    r.headers.emplace_back("Location", "/api/v1/incidents/" + *created);
    return r;
  }

  // A record the caller cannot see is answered as one that does not exist.
  MARA_API_TRY_ASSIGN(std::optional<Incident> stored, FindVisibleIncident(session, incident.id),
                      "");
  std::optional<std::string> current;
  if (stored) {
    if (!put) {
      return Problem(409, "conflict",
                     "incident " + QuoteForMessage(incident.id) +
                         " exists: PUT /api/v1/incidents/{id} with If-Match replaces it",
                     "/id");
    }
    MARA_API_TRY_ASSIGN(std::optional<Json> view, IncidentFor(session, incident.id, min_cell), "");
    if (view) current = EtagOfJson(*view);
  }
  if (std::optional<Response> refused = CheckIfMatch(req, current)) return *refused;
  // The version of the record read above, before the ETag's view: the
  // service re-checks it inside the write, so another server's change in
  // between refuses this one instead of being overwritten.
  Result<PutOutcome> saved =
      SaveIncident(session, incident, stored ? IncidentVersion(*stored) : std::string());
  if (!saved.ok()) return ProblemFor(saved.status(), FieldOf(saved.status(), ""));
  MARA_API_TRY_ASSIGN(std::optional<Json> after, IncidentFor(session, incident.id, min_cell), "");
  if (!after) {
    // Saved but not visible to its author (e.g. withdrawn consent).
    Response r;
    r.status = 204;
    r.content_type.clear();
    return r;
  }
  Response r = WithEtag(JsonResponse(*after, stored ? 200 : 201));
  r.headers.emplace_back("Location", "/api/v1/incidents/" + incident.id);
  return r;
}

Response PutIncidentConsent(Request& req, Session& session, int min_cell) {
  const std::string& id = req.params.at("id");
  MARA_API_TRY_ASSIGN(Json body, ParseBody(req), "body");
  MARA_API_TRY_ASSIGN(Consent consent, ConsentMember(body), "/consent");
  // Read before the ETag's view, for the service's version check.
  MARA_API_TRY_ASSIGN(std::optional<Incident> stored, FindVisibleIncident(session, id), "");
  if (!stored) return NotFound("incident", id, "id");
  MARA_API_TRY_ASSIGN(std::optional<Json> view, IncidentFor(session, id, min_cell), "");
  if (!view) return NotFound("incident", id, "id");
  if (req.Header("if-match").empty()) {
    return Problem(428, "precondition_required", "send If-Match with the incident's current ETag",
                   "If-Match");
  }
  if (std::optional<Response> refused = CheckIfMatch(req, EtagOfJson(*view))) return *refused;
  MARA_API_TRY(SetIncidentConsent(session, id, consent, IncidentVersion(*stored)), "/consent");
  MARA_API_TRY_ASSIGN(std::optional<Json> after, IncidentFor(session, id, min_cell), "");
  Json out = after ? *after : Json{{"id", id}, {"consent", std::string(ToString(consent))}};
  return WithEtag(JsonResponse(out));
}

Response PostIncidentReturn(Request& req, Session& session, int min_cell) {
  const std::string& id = req.params.at("id");
  MARA_API_TRY_ASSIGN(Json body, ParseBody(req), "body");
  MARA_API_TRY_ASSIGN(std::string comment, StringMember(body, "comment", true), "/comment");
  MARA_API_TRY_ASSIGN(std::optional<Incident> stored, FindVisibleIncident(session, id), "");
  if (!stored) return NotFound("incident", id, "id");
  MARA_API_TRY_ASSIGN(std::optional<Json> view, IncidentFor(session, id, min_cell), "");
  if (!view) return NotFound("incident", id, "id");
  if (!req.Header("if-match").empty()) {
    if (std::optional<Response> refused = CheckIfMatch(req, EtagOfJson(*view))) return *refused;
  }
  Status returned = ReturnIncident(session, id, comment, IncidentVersion(*stored));
  if (!returned.ok()) return ProblemFor(returned, FieldOf(returned, "/comment"));
  MARA_API_TRY_ASSIGN(std::optional<Json> after, IncidentFor(session, id, min_cell), "");
  if (!after) return NotFound("incident", id, "id");
  return WithEtag(JsonResponse(*after));
}

Response GetIncidentHistory(Request& req, Session& session) {
  const std::string& id = req.params.at("id");
  Result<Json> history = IncidentHistory(session, id);
  if (!history.ok()) return ProblemFor(history.status(), "id");
  return JsonResponse(*history);
}

Response PostConsentRestoration(Request& req, Session& session, int min_cell) {
  const std::string& id = req.params.at("id");
  MARA_API_TRY_ASSIGN(Json body, ParseBody(req), "body");
  MARA_API_TRY_ASSIGN(Consent consent, ConsentMember(body), "/consent");
  MARA_API_TRY_ASSIGN(std::string reason, StringMember(body, "reason", true), "/reason");
  Status restored = RestoreIncidentConsent(session, id, consent, reason);
  if (!restored.ok()) return ProblemFor(restored, FieldOf(restored, "/reason"));
  MARA_API_TRY_ASSIGN(std::optional<Json> after, IncidentFor(session, id, min_cell), "");
  Json out = after ? *after : Json{{"id", id}, {"consent", std::string(ToString(consent))}};
  return WithEtag(JsonResponse(out));
}

// Incidents kept out of reports or withdrawn, for the editors of their
// situations (service/incidents.h ListRestrictedConsent).
Response ConsentRegister(Request&, Session& session) {
  MARA_API_TRY_ASSIGN(std::vector<RestrictedConsent> entries, ListRestrictedConsent(session), "");
  Json items = Json::array();
  for (const RestrictedConsent& e : entries) {
    Json j = {{"id", e.id},
              {"situation", e.situation},
              {"date", e.date.ToString()},
              {"consent", std::string(ToString(e.consent))}};
    if (!e.change.empty()) {
      j["last_change"] = {{"action", e.change}, {"by", e.changed_by}, {"at", e.changed_at}};
      if (!e.reason.empty()) j["last_change"]["reason"] = e.reason;
    }
    items.push_back(std::move(j));
  }
  return JsonResponse({{"items", std::move(items)}});
}

Response ReviewQueue(Request&, Session& session, int min_cell) {
  MARA_API_TRY(CanRead(session), "");
  MARA_API_TRY_ASSIGN(Bundle registry, ReadRegistry(session), "");
  const std::set<std::string> hidden = ConfidentialSources(registry);
  std::vector<Incident> candidates;
  MARA_API_TRY(ScanVisibleIncidents(session,
                                    [&](const Incident& incident, Edition) -> Status {
                                      if (incident.status == IncidentStatus::kVerified)
                                        return Status::Ok();
                                      candidates.push_back(incident);
                                      return Status::Ok();
                                    }),
               "");
  Json items = Json::array();
  for (const Incident& incident : candidates) {
    MARA_API_TRY_ASSIGN(std::optional<IncidentProvenance> who,
                        IncidentProvenanceOf(session, incident), "");
    security::Scope scope;
    scope.situation = incident.situation;
    scope.target = "incident " + incident.id;
    if (who) {
      scope.created_by = who->created_by;
      scope.last_edited_by = who->last_edited_by;
    }
    // The service's own rule (roles, situation, four eyes) decides.
    if (!session.Authorize(Operation::kVerifyIncident, scope).ok()) continue;
    std::optional<Json> view = IncidentView(session, incident, hidden, min_cell);
    if (!view) continue;
    if (who) {
      (*view)["created_by"] = who->created_by;
      (*view)["last_edited_by"] = who->last_edited_by;
    }
    items.push_back(std::move(*view));
  }
  return JsonResponse({{"items", std::move(items)}});
}

Response PutSourceConsent(Request& req, Session& session) {
  const std::string& id = req.params.at("id");
  MARA_API_TRY_ASSIGN(Json body, ParseBody(req), "body");
  MARA_API_TRY_ASSIGN(Consent consent, ConsentMember(body), "/consent");
  auto source_of = [&](const Bundle& registry) -> std::optional<Source> {
    for (const Source& s : registry.sources) {
      if (s.id == id) return s;
    }
    return std::nullopt;
  };
  MARA_API_TRY_ASSIGN(Bundle registry, ReadRegistry(session), "");
  std::optional<Source> source = source_of(registry);
  // Testimony belongs to no one situation: its reader must read
  // confidential records everywhere.
  const bool confidential = session.AuthorizeEverywhere(Operation::kReadConfidential).ok();
  if (!source || (!confidential && ConfidentialSources(registry).count(id) > 0)) {
    return NotFound("source", id, "id");
  }
  // If-Match is honoured when sent (the source list carries no per-item
  // ETag the browser must echo); a stale one refuses the change.
  if (!req.Header("if-match").empty()) {
    if (std::optional<Response> refused = CheckIfMatch(req, EtagOfJson(ToJson(*source)))) {
      return *refused;
    }
  }
  MARA_API_TRY(SetTestimonyConsent(session, id, consent), "id");
  MARA_API_TRY_ASSIGN(Bundle after, ReadRegistry(session), "");
  std::optional<Source> updated = source_of(after);
  if (!updated) return NotFound("source", id, "id");
  return WithEtag(JsonResponse(ToJson(*updated)));
}

// --- petitions ---

std::string PetitionId(const Petition& p) {
  return p.party + kPetitionIdSeparator + p.filed.ToString();
}

Json PetitionView(const Petition& p, bool confidential) {
  Json j = PetitionJson(p, confidential ? Edition::kConfidential : Edition::kPublic);
  Json out = {{"id", PetitionId(p)}};
  for (auto& [k, v] : j.items()) out[k] = v;
  return out;
}

Response ListPetitions(Request& req, Session& session) {
  MARA_API_TRY(CanRead(session), "");
  MARA_API_TRY_ASSIGN(Bundle registry, ReadRegistry(session), "");
  const bool confidential = ReadsConfidential(session);
  std::optional<std::string> party = req.Query("party");
  Json items = Json::array();
  for (const Petition& p : registry.petitions) {
    if (party && p.party != *party) continue;
    items.push_back(PetitionView(p, confidential));
  }
  return JsonResponse({{"items", std::move(items)}});
}

Result<std::optional<int>> OptionalCycle(const Json& body) {
  auto it = body.find("cycle");
  if (it == body.end() || it->is_null()) return std::optional<int>();
  if (!it->is_number_integer() || it->get<int64_t>() < 1000 || it->get<int64_t>() > 9999) {
    return Status::InvalidArgument("/cycle: expected an integer from 1000 to 9999");
  }
  return std::optional<int>(static_cast<int>(it->get<int64_t>()));
}

Response PostPetition(Request& req, Session& session) {
  MARA_API_TRY_ASSIGN(Json body, ParseBody(req), "body");
  PetitionFiling filing;
  MARA_API_TRY_ASSIGN(filing.party, StringMember(body, "party", true), "/party");
  MARA_API_TRY_ASSIGN(filing.grounds, StringMember(body, "grounds", true), "/grounds");
  if (filing.grounds.empty()) {
    return Problem(400, "invalid_argument", "/grounds: must not be empty", "/grounds");
  }
  MARA_API_TRY_ASSIGN(std::string filed, StringMember(body, "filed_on", false), "/filed_on");
  if (filed.empty()) filed = NowIso(session.clock()).substr(0, 10);
  MARA_API_TRY_ASSIGN(filing.filed, Date::Parse(filed), "/filed_on");
  MARA_API_TRY_ASSIGN(filing.cycle, OptionalCycle(body), "/cycle");
  if (auto it = body.find("new_material"); it != body.end()) {
    if (!it->is_boolean()) {
      return Problem(400, "invalid_argument", "/new_material: expected true or false",
                     "/new_material");
    }
    filing.new_material = it->get<bool>();
  }
  Result<Petition> filed_petition = FilePetition(session, filing);
  if (!filed_petition.ok()) {
    const Status& s = filed_petition.status();
    return ProblemFor(s, s.code() == StatusCode::kNotFound ? "/party" : FieldOf(s, ""));
  }
  const Petition& p = *filed_petition;
  if (p.outcome == PetitionOutcome::kInadmissible) {
    return Problem(409, "conflict",
                   "the petition of " + p.party + " filed on " + p.filed.ToString() +
                       " is recorded as inadmissible: " + p.reason.value_or("no new material"),
                   "/new_material");
  }
  Response r = WithEtag(JsonResponse(PetitionView(p, ReadsConfidential(session)), 201));
  r.headers.emplace_back("Location", "/api/v1/petitions?party=" + p.party);
  return r;
}

Response PostPetitionRuling(Request& req, Session& session, const PolicySet& policies) {
  const std::string& id = req.params.at("id");
  const size_t sep = id.rfind(kPetitionIdSeparator);
  Result<Date> filed = Date::Parse(sep == std::string::npos ? "" : id.substr(sep + 1));
  if (sep == std::string::npos || !filed.ok()) {
    return Problem(400, "invalid_argument",
                   "id: expected PARTY~YYYY-MM-DD (the id of GET /api/v1/petitions), got " +
                       QuoteForMessage(id),
                   "id");
  }
  MARA_API_TRY_ASSIGN(Json body, ParseBody(req), "body");
  MARA_API_TRY_ASSIGN(std::string outcome, StringMember(body, "outcome", true), "/outcome");
  PetitionRuling ruling;
  ruling.party = id.substr(0, sep);
  ruling.filed = *filed;
  if (outcome == "granted") {
    ruling.outcome = PetitionOutcome::kGranted;
  } else if (outcome == "rejected") {
    ruling.outcome = PetitionOutcome::kRejected;
  } else {
    return Problem(400, "invalid_argument",
                   "/outcome: expected granted or rejected, got " + QuoteForMessage(outcome),
                   "/outcome");
  }
  MARA_API_TRY_ASSIGN(std::string rationale, StringMember(body, "rationale", true), "/rationale");
  if (rationale.empty()) {
    return Problem(400, "invalid_argument", "/rationale: must not be empty", "/rationale");
  }
  ruling.reason = rationale;
  MARA_API_TRY_ASSIGN(ruling.cycle, OptionalCycle(body), "/cycle");
  ruling.decided = Date::Parse(NowIso(session.clock()).substr(0, 10)).value();
  Result<PetitionRulingResult> ruled = DecidePetition(session, *policies.server, ruling);
  if (!ruled.ok()) {
    const Status& s = ruled.status();
    return ProblemFor(s, s.code() == StatusCode::kNotFound ? "id" : FieldOf(s, ""));
  }
  Json out = PetitionView(ruled->petition, ReadsConfidential(session));
  if (ruled->decision) out["decision"] = ToJson(*ruled->decision);
  return WithEtag(JsonResponse(out));
}

// --- name reviews ---

Json NameReviewView(const NameReview& e) {
  Json candidates = Json::parse(e.candidates, nullptr, false);
  if (candidates.is_discarded()) candidates = Json::array();
  Json j = {{"id", e.id},
            {"origin", e.origin},
            {"query", e.query},
            {"provisional_party", e.provisional_party},
            {"candidates", std::move(candidates)},
            {"reason", e.reason},
            {"status", e.status}};
  if (!e.resolved_party.empty()) j["resolved_party"] = e.resolved_party;
  if (!e.decided_by.empty()) j["decided_by"] = e.decided_by;
  if (!e.decided_at.empty()) j["decided_at"] = e.decided_at;
  if (!e.note.empty()) j["note"] = e.note;
  return j;
}

Response ListNameReviewsRoute(Request& req, Session& session) {
  bool all = false;
  if (std::optional<std::string> text = req.Query("all")) {
    if (*text != "true" && *text != "false") {
      return Problem(400, "invalid_argument",
                     "all: expected true or false, got " + QuoteForMessage(*text), "all");
    }
    all = *text == "true";
  }
  MARA_API_TRY_ASSIGN(std::vector<NameReview> entries, ListNameReviews(session, all), "");
  Json items = Json::array();
  for (const NameReview& e : entries) items.push_back(NameReviewView(e));
  return JsonResponse({{"items", std::move(items)}});
}

Response PostNameReviewDecision(Request& req, Session& session) {
  MARA_API_TRY_ASSIGN(int64_t id, ParseInt(req.params.at("id"), 1, INT64_MAX / 2, "id"), "id");
  MARA_API_TRY_ASSIGN(Json body, ParseBody(req), "body");
  MARA_API_TRY_ASSIGN(std::string action, StringMember(body, "action", true), "/action");
  MARA_API_TRY_ASSIGN(std::string target, StringMember(body, "target", false), "/target");
  MARA_API_TRY_ASSIGN(std::string note, StringMember(body, "note", false), "/note");
  if (note.size() > kMaxTextLength) {
    return Problem(400, "invalid_argument",
                   "/note: longer than " + std::to_string(kMaxTextLength) + " bytes", "/note");
  }
  ReviewDecision decision;
  decision.id = id;
  decision.note = std::move(note);
  // `merge` and `separate` are the words of the browser application.
  if (action == "accept" || action == "merge") {
    decision.choice = ReviewChoice::kAccept;
    decision.party = target;
  } else if (action == "reject") {
    decision.choice = ReviewChoice::kReject;
  } else if (action == "create" || action == "separate") {
    decision.choice = ReviewChoice::kCreate;
  } else {
    return Problem(400, "invalid_argument",
                   "/action: expected accept (merge), reject or create (separate), got " +
                       QuoteForMessage(action),
                   "/action");
  }
  if (!target.empty() && decision.choice != ReviewChoice::kAccept) {
    return Problem(400, "invalid_argument", "/target: only an accept (merge) names a target",
                   "/target");
  }
  Result<ReviewOutcome> outcome = DecideNameReview(session, decision);
  if (!outcome.ok()) {
    const Status& s = outcome.status();
    std::string field = "id";
    if (s.code() == StatusCode::kNotFound && !target.empty() &&
        s.message().find(target) != std::string::npos) {
      field = "/target";
    } else if (s.code() == StatusCode::kInvalidArgument) {
      field = "/target";
    }
    return ProblemFor(s, field);
  }
  Json out = NameReviewView(outcome->entry);
  out["aliases_added"] = outcome->aliases_added;
  out["incidents_moved"] = outcome->incidents_moved;
  return WithEtag(JsonResponse(out));
}

}  // namespace

std::vector<SessionRoute> WriteRoutes(const PolicySet& policies) {
  const int min_cell = policies.server->publication_min_cell;
  std::vector<SessionRoute> routes;
  routes.push_back({{.method = "POST",
                     .pattern = "/api/v1/incidents",
                     .summary = "Create an incident (bundle format; without an id Mara "
                                "chooses one, I-YYYY-NNNNNN); you become its creator",
                     .has_body = true,
                     .success_status = 201,
                     .request_schema = "IncidentInput",
                     .response_schema = "Incident"},
                    [min_cell](Request& req, Session& session) {
                      return SaveIncidentRoute(req, session, min_cell, false);
                    }});
  routes.push_back({{.method = "PUT",
                     .pattern = "/api/v1/incidents/{id}",
                     .summary = "Replace an incident (If-Match); you become its last editor",
                     .has_body = true,
                     .if_match = true,
                     .request_schema = "IncidentReplacement",
                     .response_schema = "Incident"},
                    [min_cell](Request& req, Session& session) {
                      return SaveIncidentRoute(req, session, min_cell, true);
                    }});
  routes.push_back({{.method = "PUT",
                     .pattern = "/api/v1/incidents/{id}/consent",
                     .summary = "Record the survivor's consent scope of an incident (If-Match)",
                     .has_body = true,
                     .if_match = true,
                     .request_schema = "ConsentInput",
                     .response_schema = "ConsentOutcome"},
                    [min_cell](Request& req, Session& session) {
                      return PutIncidentConsent(req, session, min_cell);
                    }});
  routes.push_back({{.method = "POST",
                     .pattern = "/api/v1/incidents/{id}/return",
                     .summary = "Return an unverified incident to its author {comment} "
                                "(a reviewer other than its creator and last editor; If-Match "
                                "honoured when sent)",
                     .has_body = true,
                     .if_match = true,
                     .request_schema = "ReturnInput",
                     .response_schema = "Incident"},
                    [min_cell](Request& req, Session& session) {
                      return PostIncidentReturn(req, session, min_cell);
                    }});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/incidents/{id}/history",
                     .summary = "Who created, edited, verified or returned the incident, when, "
                                "and what changed (values for confidential readers)",
                     .response_schema = "IncidentHistory"},
                    GetIncidentHistory});
  routes.push_back({{.method = "POST",
                     .pattern = "/api/v1/incidents/{id}/consent-restoration",
                     .summary = "Restore the consent of a withdrawn incident {consent, reason} "
                                "(an editor of its situation)",
                     .has_body = true,
                     .request_schema = "ConsentRestorationInput",
                     .response_schema = "ConsentOutcome"},
                    [min_cell](Request& req, Session& session) {
                      return PostConsentRestoration(req, session, min_cell);
                    }});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/consent-register",
                     .summary = "Incidents with consent internal_use or withdrawn in the "
                                "situations where the caller edits incidents",
                     .response_schema = "ConsentRegister"},
                    ConsentRegister});
  routes.push_back(
      {{.method = "GET",
        .pattern = "/api/v1/review-queue",
        .summary = "Incidents the caller may verify now (four eyes applied)",
        .response_schema = "IncidentQueue"},
       [min_cell](Request& req, Session& session) { return ReviewQueue(req, session, min_cell); }});
  routes.push_back({{.method = "PUT",
                     .pattern = "/api/v1/sources/{id}/consent",
                     .summary = "Record the consent scope of a testimony source (If-Match "
                                "honoured when sent)",
                     .has_body = true,
                     .if_match = true,
                     .request_schema = "ConsentInput",
                     .response_schema = "Source"},
                    PutSourceConsent});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/petitions",
                     .summary = "Petitions of parties (id PARTY~FILED)",
                     .query = {{"party", "only this party"}},
                     .response_schema = "PetitionList"},
                    ListPetitions});
  routes.push_back({{.method = "POST",
                     .pattern = "/api/v1/petitions",
                     .summary = "File a petition {party, filed_on, cycle?, grounds, new_material?}",
                     .has_body = true,
                     .success_status = 201,
                     .request_schema = "PetitionInput",
                     .response_schema = "Petition"},
                    PostPetition});
  routes.push_back({{.method = "POST",
                     .pattern = "/api/v1/petitions/{id}/ruling",
                     .summary = "Rule on a pending petition {outcome, rationale, cycle?} "
                                "(decision makers)",
                     .has_body = true,
                     .request_schema = "RulingInput",
                     .response_schema = "Petition"},
                    [policies](Request& req, Session& session) {
                      return PostPetitionRuling(req, session, policies);
                    }});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/name-reviews",
                     .summary = "Party names waiting for review (analysts and admins)",
                     .query = {{"all", "true: decided entries too (default false)"}},
                     .response_schema = "NameReviewList"},
                    ListNameReviewsRoute});
  routes.push_back({{.method = "POST",
                     .pattern = "/api/v1/name-reviews/{id}/decision",
                     .summary = "Decide a name review {action: accept|reject|create, target?}",
                     .has_body = true,
                     .request_schema = "NameReviewDecisionInput",
                     .response_schema = "NameReview"},
                    PostNameReviewDecision});
  return routes;
}

}  // namespace mara::api::internal
