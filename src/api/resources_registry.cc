// The registry kept in Mara over /api/v1 (docs/api.md): parties, sources,
// designations, engagements, commitments and statements created (POST),
// changed (PUT with If-Match), one read each, their histories, a party's
// rename and a measure's verification. Every rule lives in
// service/registry.h; these handlers parse, check If-Match and call it.
// The representation a GET returns is the one whose ETag a PUT's If-Match
// must carry.
#include <utility>

#include "api/problem.h"
#include "api/resources_internal.h"
#include "common/text.h"
#include "domain/json_codec.h"
#include "domain/validate.h"
#include "service/registry.h"
#include "service/visibility.h"

namespace mara::api::internal {
namespace {

#define MARA_REG_ASSIGN(lhs, expr, field)                               \
  auto MARA_REG_CONCAT(r_, __LINE__) = (expr);                          \
  if (!MARA_REG_CONCAT(r_, __LINE__).ok())                              \
    return ProblemFor(MARA_REG_CONCAT(r_, __LINE__).status(), (field)); \
  lhs = std::move(*MARA_REG_CONCAT(r_, __LINE__))
#define MARA_REG_CONCAT_INNER(a, b) a##b
#define MARA_REG_CONCAT(a, b) MARA_REG_CONCAT_INNER(a, b)

Edition EditionEverywhere(Session& session) {
  return ReadsConfidential(session) ? Edition::kConfidential : Edition::kPublic;
}

// --- what each kind needs here ---

template <typename T>
struct Api;

template <>
struct Api<Party> {
  static constexpr RegistryKind kind = RegistryKind::kParty;
  static const std::vector<Party>& In(const Bundle& b) { return b.parties; }
  static Result<std::optional<Json>> View(Session&, const Bundle& registry, const Party& p) {
    return std::optional<Json>(PartyView(registry, p));
  }
  static Status Create(Session& s, const Party& v) { return CreateParty(s, v); }
  static Status Update(Session& s, const Party& v, std::string_view version) {
    return UpdateParty(s, v, version);
  }
};

template <>
struct Api<Source> {
  static constexpr RegistryKind kind = RegistryKind::kSource;
  static const std::vector<Source>& In(const Bundle& b) { return b.sources; }
  static Result<std::optional<Json>> View(Session& session, const Bundle&, const Source& s) {
    if (!ShowsSource(EditionEverywhere(session), s)) return std::optional<Json>();
    return std::optional<Json>(ToJson(Disclosable(s)));
  }
  static Status Create(Session& s, const Source& v) { return CreateSource(s, v); }
  static Status Update(Session& s, const Source& v, std::string_view version) {
    return UpdateSource(s, v, version);
  }
};

template <>
struct Api<Designation> {
  static constexpr RegistryKind kind = RegistryKind::kDesignation;
  static const std::vector<Designation>& In(const Bundle& b) { return b.designations; }
  static Result<std::optional<Json>> View(Session& session, const Bundle& registry,
                                          const Designation& d) {
    return std::optional<Json>(
        DesignationJson(d, HiddenSources(registry, EditionEverywhere(session))));
  }
  static Status Create(Session& s, const Designation& v) { return CreateDesignation(s, v); }
  static Status Update(Session& s, const Designation& v, std::string_view version) {
    return UpdateDesignation(s, v, version);
  }
};

template <>
struct Api<Engagement> {
  static constexpr RegistryKind kind = RegistryKind::kEngagement;
  static const std::vector<Engagement>& In(const Bundle& b) { return b.engagements; }
  static Result<std::optional<Json>> View(Session& session, const Bundle&, const Engagement& e) {
    return std::optional<Json>(EngagementJson(e, EditionEverywhere(session)));
  }
  static Status Create(Session& s, const Engagement& v) { return CreateEngagement(s, v); }
  static Status Update(Session& s, const Engagement& v, std::string_view version) {
    return UpdateEngagement(s, v, version);
  }
};

template <>
struct Api<Commitment> {
  static constexpr RegistryKind kind = RegistryKind::kCommitment;
  static const std::vector<Commitment>& In(const Bundle& b) { return b.commitments; }
  static Result<std::optional<Json>> View(Session&, const Bundle&, const Commitment& c) {
    return std::optional<Json>(ToJson(c));
  }
  static Status Create(Session& s, const Commitment& v) { return CreateCommitment(s, v); }
  static Status Update(Session& s, const Commitment& v, std::string_view version) {
    return UpdateCommitment(s, v, version);
  }
};

template <>
struct Api<Statement> {
  static constexpr RegistryKind kind = RegistryKind::kStatement;
  static const std::vector<Statement>& In(const Bundle& b) { return b.statements; }
  static Result<std::optional<Json>> View(Session& session, const Bundle&, const Statement& st) {
    MARA_ASSIGN_OR_RETURN(std::set<std::string> withdrawn, WithdrawnIncidentIds(session));
    return std::optional<Json>(StatementJson(st, EditionEverywhere(session), withdrawn));
  }
  static Status Create(Session& s, const Statement& v) { return CreateStatement(s, v); }
  static Status Update(Session& s, const Statement& v, std::string_view version) {
    return UpdateStatement(s, v, version);
  }
};

// The stored record with this key (domain RecordKey), or null.
template <typename T>
const T* Find(const Bundle& registry, const std::string& key) {
  for (const T& r : Api<T>::In(registry)) {
    if (RecordKey(r) == key) return &r;
  }
  return nullptr;
}

Response NoRecord(RegistryKind kind, const std::string& key, std::string_view field) {
  return Problem(404, "not_found",
                 "no " + std::string(SingularName(kind)) + " " + QuoteForMessage(key), field);
}

// GET one record: its view and ETag, or 404 when it is absent or hidden.
template <typename T>
Response GetOne(Session& session, const std::string& key, std::string_view field) {
  MARA_REG_ASSIGN(Bundle registry, ReadRegistry(session), "");
  const T* stored = Find<T>(registry, key);
  if (stored == nullptr) return NoRecord(Api<T>::kind, key, field);
  MARA_REG_ASSIGN(std::optional<Json> view, Api<T>::View(session, registry, *stored), "");
  if (!view) return NoRecord(Api<T>::kind, key, field);
  Response r = JsonResponse(*view);
  r.headers.emplace_back("ETag", EtagOfJson(*view));
  return r;
}

// POST (create) or PUT (update) of one record decoded from `body`; the
// PUT's path members have been put into the body by the caller.
template <typename T>
Response Save(Request& req, Session& session, Json body, bool create, std::string location) {
  T record;
  Status parsed = FromJson(body, &record);
  if (!parsed.ok()) return ProblemFor(parsed, FieldOf(parsed, "body"));
  const std::string key = RecordKey(record);
  MARA_REG_ASSIGN(Bundle registry, ReadRegistry(session), "");
  const T* stored = Find<T>(registry, key);
  std::optional<std::string> current;
  std::string version;
  if (stored) {
    MARA_REG_ASSIGN(std::optional<Json> view, Api<T>::View(session, registry, *stored), "");
    if (!view && !create) return NoRecord(Api<T>::kind, key, "");
    if (view) current = EtagOfJson(*view);
    // The version of the record read here, before the ETag's view: the
    // service compares it inside the write, so a change made in between by
    // another server is refused instead of overwritten.
    version = RegistryVersion(*stored);
  }
  if (create) {
    if (stored) {
      // The service answers the taken key; asked first so that a caller
      // without the permission learns nothing from a 409.
      Status s = Api<T>::Create(session, record);
      return Refused(s.ok() ? Status::Conflict("already exists") : s);
    }
  } else {
    if (!stored) {
      // Permission first: the service answers an unknown key after it.
      Status s = Api<T>::Update(session, record, "");
      return Refused(s.ok() ? Status::NotFound("no such record") : s);
    }
    if (req.Header("if-match").empty()) {
      return Problem(428, "precondition_required",
                     "send If-Match with the record's current ETag (from GET " + location + ")",
                     "If-Match");
    }
    if (std::optional<Response> refused = CheckIfMatch(req, current)) return *refused;
  }
  Status written =
      create ? Api<T>::Create(session, record) : Api<T>::Update(session, record, version);
  if (!written.ok()) return Refused(written);
  MARA_REG_ASSIGN(Bundle after, ReadRegistry(session), "");
  const T* saved = Find<T>(after, key);
  if (saved == nullptr) return Problem(500, "corruption", "the record cannot be read back");
  MARA_REG_ASSIGN(std::optional<Json> view, Api<T>::View(session, after, *saved), "");
  if (!view) {
    Response r;
    r.status = 204;
    r.content_type.clear();
    return r;
  }
  Response r = JsonResponse(*view, create ? 201 : 200);
  r.headers.emplace_back("ETag", EtagOfJson(*view));
  r.headers.emplace_back("Location", location);
  return r;
}

// Sets the path's members into the body (or refuses a body that names
// other values for them).
std::optional<Response> FromPath(
    Json& body, std::initializer_list<std::pair<const char*, std::string>> members) {
  for (const auto& [name, value] : members) {
    auto it = body.find(name);
    if (it == body.end()) {
      body[name] = value;
    } else if (!it->is_string() || it->get<std::string>() != value) {
      return Problem(
          400, "invalid_argument",
          "/" + std::string(name) + ": must equal the value in the path " + QuoteForMessage(value),
          "/" + std::string(name));
    }
  }
  return std::nullopt;
}

Response History(Session& session, RegistryKind kind, const std::string& key) {
  Result<Json> history = RegistryHistory(session, kind, key);
  if (!history.ok()) return ProblemFor(history.status(), "");
  return JsonResponse(*history);
}

// The designation's key from the path and the authority and program
// query parameters (or body members).
Result<std::string> DesignationKey(const Request& req, const std::string& authority,
                                   const std::string& program) {
  if (authority.empty()) return Status::InvalidArgument("authority: required");
  Designation d;
  d.party = req.params.at("party");
  d.authority = authority;
  d.program = program;
  MARA_ASSIGN_OR_RETURN(d.listed_on, Date::Parse(req.params.at("listed_on")));
  return RecordKey(d);
}

Result<std::string> EngagementKey(const Request& req) {
  Engagement e;
  e.party = req.params.at("party");
  MARA_ASSIGN_OR_RETURN(e.date, Date::Parse(req.params.at("date")));
  std::optional<EngagementKind> kind = ParseEnum<EngagementKind>(req.params.at("kind"));
  if (!kind) {
    return Status::InvalidArgument("kind: unknown engagement kind " +
                                   QuoteForMessage(req.params.at("kind")) + " (expected " +
                                   AllowedValues<EngagementKind>() + ")");
  }
  e.kind = *kind;
  return RecordKey(e);
}

}  // namespace

Json PartyView(const Bundle& registry, const Party& p) {
  // Hierarchy and lineage seen from this party: who answers to it and who
  // split from it (its own parent and splinter_of are in the record).
  Json j = ToJson(p);
  Json children = Json::array();
  Json splinters = Json::array();
  for (const Party& other : registry.parties) {
    if (other.parent == p.id) children.push_back(other.id);
    if (other.splinter_of == p.id) splinters.push_back(other.id);
  }
  j["children"] = std::move(children);
  j["splinters"] = std::move(splinters);
  return j;
}

std::vector<SessionRoute> RegistryRoutes() {
  std::vector<SessionRoute> routes;
  // Parties.
  routes.push_back({{.method = "POST",
                     .pattern = "/api/v1/parties",
                     .summary = "Create a party (a unit names its parent, a breakaway group its "
                                "splinter_of)",
                     .has_body = true,
                     .success_status = 201,
                     .request_schema = "PartyInput",
                     .response_schema = "Party"},
                    [](Request& req, Session& session) -> Response {
                      MARA_REG_ASSIGN(Json body, ParseBody(req), "body");
                      const std::string id = body.value("id", "");
                      return Save<Party>(req, session, std::move(body), true,
                                         "/api/v1/parties/" + id);
                    }});
  routes.push_back({{.method = "PUT",
                     .pattern = "/api/v1/parties/{id}",
                     .summary = "Replace a party (If-Match; a change of `dissolved` needs a "
                                "decision maker)",
                     .has_body = true,
                     .if_match = true,
                     .request_schema = "PartyReplacement",
                     .response_schema = "Party"},
                    [](Request& req, Session& session) -> Response {
                      MARA_REG_ASSIGN(Json body, ParseBody(req), "body");
                      const std::string id = req.params.at("id");
                      if (auto bad = FromPath(body, {{"id", id}})) return *bad;
                      return Save<Party>(req, session, std::move(body), false,
                                         "/api/v1/parties/" + id);
                    }});
  routes.push_back(
      {{.method = "POST",
        .pattern = "/api/v1/parties/{id}/rename",
        .summary = "Rename a party from a date on (the old name is kept in names_over_time; "
                   "If-Match)",
        .has_body = true,
        .if_match = true,
        .request_schema = "RenameInput",
        .response_schema = "Party"},
       [](Request& req, Session& session) -> Response {
         const std::string id = req.params.at("id");
         MARA_REG_ASSIGN(Json body, ParseBody(req), "body");
         MARA_REG_ASSIGN(std::string name, StringMember(body, "name", true), "/name");
         MARA_REG_ASSIGN(std::string from_text, StringMember(body, "from", false), "/from");
         if (from_text.empty()) from_text = NowIso(session.clock()).substr(0, 10);
         MARA_REG_ASSIGN(Date from, Date::Parse(from_text), "/from");
         MARA_REG_ASSIGN(Bundle registry, ReadRegistry(session), "");
         const Party* stored = Find<Party>(registry, id);
         std::string version;
         if (stored) {
           version = RegistryVersion(*stored);
           if (req.Header("if-match").empty()) {
             return Problem(428, "precondition_required",
                            "send If-Match with the party's current ETag", "If-Match");
           }
           if (auto refused = CheckIfMatch(req, EtagOfJson(PartyView(registry, *stored)))) {
             return *refused;
           }
         }
         Result<Party> renamed = RenameParty(session, id, name, from, version);
         if (!renamed.ok()) return Refused(renamed.status());
         MARA_REG_ASSIGN(Bundle after, ReadRegistry(session), "");
         const Party* saved = Find<Party>(after, id);
         if (saved == nullptr) return Problem(500, "corruption", "the party cannot be read back");
         const Json view = PartyView(after, *saved);
         Response r = JsonResponse(view);
         r.headers.emplace_back("ETag", EtagOfJson(view));
         return r;
       }});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/parties/{id}/history",
                     .summary = "Who created or changed the party in Mara, when, and what changed",
                     .response_schema = "RegistryHistory"},
                    [](Request& req, Session& session) -> Response {
                      return History(session, RegistryKind::kParty, req.params.at("id"));
                    }});

  // Sources, commitments and statements: id-keyed.
  // `schema` names the record's schemas: the answer, its Input (POST)
  // and its Replacement (PUT).
  auto id_keyed = [&routes]<typename T>(std::string collection, std::string what,
                                        std::string put_note, std::string schema) {
    const std::string base = "/api/v1/" + collection;
    const RegistryKind kind = Api<T>::kind;
    routes.push_back({{.method = "GET",
                       .pattern = base + "/{id}",
                       .summary = "One " + what,
                       .response_schema = schema},
                      [](Request& req, Session& session) -> Response {
                        return GetOne<T>(session, req.params.at("id"), "id");
                      }});
    routes.push_back({{.method = "POST",
                       .pattern = base,
                       .summary = "Create a " + what,
                       .has_body = true,
                       .success_status = 201,
                       .request_schema = schema + "Input",
                       .response_schema = schema},
                      [base](Request& req, Session& session) -> Response {
                        MARA_REG_ASSIGN(Json body, ParseBody(req), "body");
                        const std::string id = body.value("id", "");
                        return Save<T>(req, session, std::move(body), true, base + "/" + id);
                      }});
    routes.push_back({{.method = "PUT",
                       .pattern = base + "/{id}",
                       .summary = "Replace a " + what + " (If-Match)" + put_note,
                       .has_body = true,
                       .if_match = true,
                       .request_schema = schema + "Replacement",
                       .response_schema = schema},
                      [base](Request& req, Session& session) -> Response {
                        MARA_REG_ASSIGN(Json body, ParseBody(req), "body");
                        const std::string id = req.params.at("id");
                        if (auto bad = FromPath(body, {{"id", id}})) return *bad;
                        return Save<T>(req, session, std::move(body), false, base + "/" + id);
                      }});
    routes.push_back({{.method = "GET",
                       .pattern = base + "/{id}/history",
                       .summary = "Who created or changed the " + what +
                                  " in Mara, when, and "
                                  "what changed",
                       .response_schema = "RegistryHistory"},
                      [kind](Request& req, Session& session) -> Response {
                        return History(session, kind, req.params.at("id"));
                      }});
  };
  id_keyed.operator()<Source>("sources", "source",
                              "; a testimony's consent changes only through /consent", "Source");
  id_keyed.operator()<Commitment>(
      "commitments", "commitment with its measures",
      "; a measure becomes verified_implemented only through its verification", "Commitment");
  id_keyed.operator()<Statement>("statements", "statement", "", "Statement");

  routes.push_back(
      {{.method = "POST",
        .pattern = "/api/v1/commitments/{id}/measures/{measure}/verification",
        .summary = "Verify a measure as implemented (four eyes: a reviewer who neither created "
                   "nor last edited the commitment; If-Match with the commitment's ETag)",
        .has_body = true,
        .if_match = true,
        .request_schema = "VerificationInput",
        .response_schema = "Commitment"},
       [](Request& req, Session& session) -> Response {
         const std::string id = req.params.at("id");
         const std::string measure = req.params.at("measure");
         MARA_REG_ASSIGN(Json body, ParseBody(req), "body");
         MARA_REG_ASSIGN(std::string date_text, StringMember(body, "verified_on", false),
                         "/verified_on");
         std::optional<Date> on;
         if (!date_text.empty()) {
           MARA_REG_ASSIGN(on, Date::Parse(date_text), "/verified_on");
         }
         MARA_REG_ASSIGN(Bundle registry, ReadRegistry(session), "");
         const Commitment* stored = Find<Commitment>(registry, id);
         std::string version;
         if (stored) {
           version = RegistryVersion(*stored);
           if (req.Header("if-match").empty()) {
             return Problem(428, "precondition_required",
                            "send If-Match with the commitment's current ETag", "If-Match");
           }
           if (auto refused = CheckIfMatch(req, EtagOfJson(ToJson(*stored)))) return *refused;
         }
         Result<Commitment> verified = VerifyMeasure(session, id, measure, on, version);
         if (!verified.ok()) return Refused(verified.status());
         const Json view = ToJson(*verified);
         Response r = JsonResponse(view);
         r.headers.emplace_back("ETag", EtagOfJson(view));
         return r;
       }});

  // Designations: key (party, authority, program, listed_on).
  routes.push_back({{.method = "POST",
                     .pattern = "/api/v1/designations",
                     .summary = "Create a designation",
                     .has_body = true,
                     .success_status = 201,
                     .request_schema = "DesignationInput",
                     .response_schema = "Designation"},
                    [](Request& req, Session& session) -> Response {
                      MARA_REG_ASSIGN(Json body, ParseBody(req), "body");
                      const std::string location = "/api/v1/designations/" +
                                                   body.value("party", "") + "/" +
                                                   body.value("listed_on", "");
                      return Save<Designation>(req, session, std::move(body), true, location);
                    }});
  routes.push_back(
      {{.method = "GET",
        .pattern = "/api/v1/designations/{party}/{listed_on}",
        .summary = "One designation (authority and program name it with the path)",
        .query = {{"authority", "the designating authority (part of the key)"},
                  {"program", "the list or regime (part of the key; absent when it has none)"}},
        .response_schema = "Designation"},
       [](Request& req, Session& session) -> Response {
         MARA_REG_ASSIGN(std::string key,
                         DesignationKey(req, req.Query("authority").value_or(""),
                                        req.Query("program").value_or("")),
                         "authority");
         return GetOne<Designation>(session, key, "party");
       }});
  routes.push_back(
      {{.method = "PUT",
        .pattern = "/api/v1/designations/{party}/{listed_on}",
        .summary = "Replace a designation named by the path and the body's authority and "
                   "program (If-Match)",
        .has_body = true,
        .if_match = true,
        .request_schema = "DesignationReplacement",
        .response_schema = "Designation"},
       [](Request& req, Session& session) -> Response {
         MARA_REG_ASSIGN(Json body, ParseBody(req), "body");
         const std::string party = req.params.at("party");
         const std::string listed_on = req.params.at("listed_on");
         if (auto bad = FromPath(body, {{"party", party}, {"listed_on", listed_on}})) return *bad;
         return Save<Designation>(req, session, std::move(body), false,
                                  "/api/v1/designations/" + party + "/" + listed_on);
       }});
  routes.push_back(
      {{.method = "GET",
        .pattern = "/api/v1/designations/{party}/{listed_on}/history",
        .summary = "Who created or changed the designation in Mara, when, and what changed",
        .query = {{"authority", "the designating authority (part of the key)"},
                  {"program", "the list or regime (part of the key; absent when it has none)"}},
        .response_schema = "RegistryHistory"},
       [](Request& req, Session& session) -> Response {
         Designation d;
         d.party = req.params.at("party");
         d.authority = req.Query("authority").value_or("");
         d.program = req.Query("program").value_or("");
         if (d.authority.empty()) {
           return Problem(400, "invalid_argument", "authority: required", "authority");
         }
         MARA_REG_ASSIGN(d.listed_on, Date::Parse(req.params.at("listed_on")), "listed_on");
         return History(session, RegistryKind::kDesignation, RegistryKey(d));
       }});

  // Engagements: key (party, date, kind).
  routes.push_back({{.method = "POST",
                     .pattern = "/api/v1/engagements",
                     .summary = "Record an engagement with a party",
                     .has_body = true,
                     .success_status = 201,
                     .request_schema = "EngagementInput",
                     .response_schema = "Engagement"},
                    [](Request& req, Session& session) -> Response {
                      MARA_REG_ASSIGN(Json body, ParseBody(req), "body");
                      const std::string location =
                          "/api/v1/engagements/" + body.value("party", "") + "/" +
                          body.value("date", "") + "/" + body.value("kind", "contact");
                      return Save<Engagement>(req, session, std::move(body), true, location);
                    }});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/engagements/{party}/{date}/{kind}",
                     .summary = "One engagement (its note for confidential readers only)",
                     .response_schema = "Engagement"},
                    [](Request& req, Session& session) -> Response {
                      MARA_REG_ASSIGN(std::string key, EngagementKey(req), "kind");
                      return GetOne<Engagement>(session, key, "party");
                    }});
  routes.push_back(
      {{.method = "PUT",
        .pattern = "/api/v1/engagements/{party}/{date}/{kind}",
        .summary = "Replace an engagement's note (If-Match)",
        .has_body = true,
        .if_match = true,
        .request_schema = "EngagementReplacement",
        .response_schema = "Engagement"},
       [](Request& req, Session& session) -> Response {
         MARA_REG_ASSIGN(Json body, ParseBody(req), "body");
         const std::string party = req.params.at("party");
         const std::string date = req.params.at("date");
         const std::string kind = req.params.at("kind");
         if (auto bad = FromPath(body, {{"party", party}, {"date", date}, {"kind", kind}})) {
           return *bad;
         }
         return Save<Engagement>(req, session, std::move(body), false,
                                 "/api/v1/engagements/" + party + "/" + date + "/" + kind);
       }});
  routes.push_back(
      {{.method = "GET",
        .pattern = "/api/v1/engagements/{party}/{date}/{kind}/history",
        .summary = "Who recorded or changed the engagement in Mara, when, and what changed",
        .response_schema = "RegistryHistory"},
       [](Request& req, Session& session) -> Response {
         // Checks the path's members (an unknown kind is a 400 naming it).
         MARA_REG_ASSIGN(std::string checked, EngagementKey(req), "kind");
         (void)checked;
         Engagement e;
         e.party = req.params.at("party");
         MARA_REG_ASSIGN(e.date, Date::Parse(req.params.at("date")), "date");
         e.kind = *ParseEnum<EngagementKind>(req.params.at("kind"));
         return History(session, RegistryKind::kEngagement, RegistryKey(e));
       }});
  return routes;
}

}  // namespace mara::api::internal
