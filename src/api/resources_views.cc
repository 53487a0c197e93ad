// Read-only views of /api/v1 composed for the browser application
// (docs/api.md): the published annex, the assessment's consistency and
// sensitivity entries, the policies on offer, a party's dossier and the
// dashboard. Each composes service results; none decides anything.
#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>
#include <utility>

#include "api/language.h"
#include "api/problem.h"
#include "api/resources_internal.h"
#include "common/text.h"
#include "domain/json_codec.h"
#include "policy/assessment_output.h"
#include "report/builder.h"
#include "report/edition.h"
#include "service/authorized.h"
#include "service/report_input.h"
#include "service/visibility.h"

namespace mara::api::internal {
namespace {

using security::Operation;

#define MARA_API_VIEW_ASSIGN(lhs, expr, field)                               \
  auto MARA_API_VIEW_CONCAT(r_, __LINE__) = (expr);                          \
  if (!MARA_API_VIEW_CONCAT(r_, __LINE__).ok())                              \
    return ProblemFor(MARA_API_VIEW_CONCAT(r_, __LINE__).status(), (field)); \
  lhs = std::move(*MARA_API_VIEW_CONCAT(r_, __LINE__))
#define MARA_API_VIEW_CONCAT_INNER(a, b) a##b
#define MARA_API_VIEW_CONCAT(a, b) MARA_API_VIEW_CONCAT_INNER(a, b)
#define MARA_API_VIEW_CHECK(expr, field)        \
  do {                                          \
    Status s_ = (expr);                         \
    if (!s_.ok()) return ProblemFor(s_, field); \
  } while (0)

Result<int> CycleParam(const Request& req) {
  MARA_ASSIGN_OR_RETURN(int64_t v, ParseInt(req.params.at("cycle"), 1000, 9999, "cycle"));
  return static_cast<int>(v);
}

// The annex of `cycle` as published, the same for every reader: the
// listed parties by situation (state parties first, each group by name),
// those on notice, and the changes of status, as the public edition of the
// report has them, each party with the forms of violence its counted
// incidents show. Built from the server's kept assessment (AnnexView), so
// after a write it costs the changed incidents, not a report.
Result<Json> AnnexJson(Session& session, const Policy& policy, int cycle) {
  MARA_RETURN_IF_ERROR(CanRead(session));
  MARA_ASSIGN_OR_RETURN(std::shared_ptr<const LiveView> view, AnnexView(session, policy, cycle));
  const Bundle& registry = *view->registry;
  const Assessment& a = view->assessment;
  auto line = [&](const PartyAssessment& p) {
    Json forms = Json::array();
    auto it = view->forms.find(p.id);
    if (it != view->forms.end()) {
      for (size_t i = 0; i < it->second.size(); ++i) {
        if (it->second[i] > 0) forms.push_back(std::string(ToString(static_cast<Violation>(i))));
      }
    }
    return Json{{"id", p.id},
                {"name", p.name},
                {"kind", std::string(ToString(p.kind))},
                {"status", std::string(ToString(p.status))},
                {"violations", std::move(forms)}};
  };
  auto by_name = [](const PartyAssessment* x, const PartyAssessment* y) {
    return std::tie(x->name, x->id) < std::tie(y->name, y->id);
  };
  std::map<std::string, std::string> situation_names;
  for (const Situation& s : registry.situations) situation_names[s.id] = s.name;
  // (situation name, id) -> state parties, non-state parties
  std::map<std::pair<std::string, std::string>,
           std::pair<std::vector<const PartyAssessment*>, std::vector<const PartyAssessment*>>>
      listed_groups;
  std::vector<const PartyAssessment*> notice;
  std::map<std::string, std::vector<const PartyAssessment*>> changed;  // by situation
  for (const PartyAssessment& p : a.parties) {
    auto name = situation_names.find(p.situation);
    if (p.status == PartyStatus::kListed) {
      auto& g =
          listed_groups[{name == situation_names.end() ? p.situation : name->second, p.situation}];
      (p.kind == PartyKind::kState ? g.first : g.second).push_back(&p);
    } else if (p.status == PartyStatus::kOnNotice) {
      notice.push_back(&p);
    }
    if (p.status != p.previous_status) changed[p.situation].push_back(&p);
  }
  Json listed = Json::array();
  for (auto& [key, g] : listed_groups) {
    std::sort(g.first.begin(), g.first.end(), by_name);
    std::sort(g.second.begin(), g.second.end(), by_name);
    Json parties = Json::array();
    for (const PartyAssessment* p : g.first) parties.push_back(line(*p));
    for (const PartyAssessment* p : g.second) parties.push_back(line(*p));
    listed.push_back({{"situation", key.second},
                      {"situation_name", key.first},
                      {"parties", std::move(parties)}});
  }
  std::stable_sort(notice.begin(), notice.end(), [](const auto* x, const auto* y) {
    return std::tie(x->situation, x->id) < std::tie(y->situation, y->id);
  });
  Json on_notice = Json::array();
  for (const PartyAssessment* p : notice) {
    if (on_notice.empty() || on_notice.back()["situation"] != p->situation) {
      on_notice.push_back({{"situation", p->situation}, {"parties", Json::array()}});
    }
    on_notice.back()["parties"].push_back(line(*p));
  }
  // In the registry's order of situations, as the report's sections.
  Json changes = Json::array();
  for (const Situation& s : registry.situations) {
    auto it = changed.find(s.id);
    if (it == changed.end()) continue;
    for (const PartyAssessment* p : it->second) {
      changes.push_back({{"party", p->id},
                         {"name", p->name},
                         {"situation", s.id},
                         {"from", std::string(ToString(p->previous_status))},
                         {"to", std::string(ToString(p->status))}});
    }
  }
  MARA_ASSIGN_OR_RETURN(Json published, PublishedJson(session, cycle));
  return Json{{"cycle", cycle},
              {"policy", {{"name", a.policy_name}, {"version", a.policy_version}}},
              {"listed", std::move(listed)},
              {"on_notice", std::move(on_notice)},
              {"changes", std::move(changes)},
              {"published", std::move(published)}};
}

Response AssessmentPart(Request& req, Session& session, const PolicySet& policies,
                        const char* part) {
  MARA_API_VIEW_ASSIGN(int cycle, CycleParam(req), "cycle");
  MARA_API_VIEW_ASSIGN(std::shared_ptr<const Policy> policy, PolicyFor(req, policies), "policy");
  MARA_API_VIEW_ASSIGN(Assessment assessment, AssessCycle(session, *policy, cycle), "");
  Json all = AssessmentToJson(assessment);
  Json items = all.contains(part) ? all[part] : Json::array();
  return JsonResponse({{"cycle", cycle}, {"items", std::move(items)}});
}

Response ListPolicies(Request&, Session& session, const PolicySet& policies) {
  MARA_API_VIEW_CHECK(CanRead(session), "");
  Json items = Json::array();
  items.push_back({{"name", policies.server->name},
                   {"version", policies.server->version},
                   {"digest", PolicyDigest(*policies.server)},
                   {"default", true}});
  if (policies.builtin) {
    items.push_back({{"name", policies.builtin->name},
                     {"version", policies.builtin->version},
                     {"digest", PolicyDigest(*policies.builtin)},
                     {"default", false}});
  }
  return JsonResponse({{"items", std::move(items)}});
}

Response Dossier(Request& req, Session& session, const PolicySet& policies) {
  MARA_API_VIEW_CHECK(CanRead(session), "");
  const std::string& id = req.params.at("id");
  MARA_API_VIEW_ASSIGN(i18n::Language lang, RequestLanguage(req), "lang");
  MARA_API_VIEW_ASSIGN(std::optional<int64_t> cycle_query, IntQuery(req, "cycle", 1000, 9999),
                       "cycle");
  MARA_API_VIEW_ASSIGN(Bundle registry, ReadRegistry(session), "");
  const Party* party = nullptr;
  for (const Party& p : registry.parties) {
    if (p.id == id) party = &p;
  }
  if (party == nullptr) return Problem(404, "not_found", "no party " + QuoteForMessage(id), "id");
  int cycle = 0;
  if (cycle_query) {
    cycle = static_cast<int>(*cycle_query);
  } else {
    MARA_API_VIEW_ASSIGN(std::optional<int> latest, LatestCycle(session), "");
    cycle = latest.value_or(std::stoi(NowIso(session.clock()).substr(0, 4)));
  }
  MARA_API_VIEW_ASSIGN(Edition granted, CaseEditionFor(session, id, std::nullopt), "");
  const bool confidential = granted == Edition::kConfidential;
  MARA_API_VIEW_ASSIGN(
      StatementOfCase statement,
      BuildStatementOfCase(session, *policies.server, id, cycle, !confidential, lang), "id");

  Json children = Json::array();
  Json lineage = Json::array();
  for (const Party& other : registry.parties) {
    if (other.parent == party->id) children.push_back({{"id", other.id}, {"name", other.name}});
    if (other.splinter_of == party->id) {
      lineage.push_back({{"relation", "splinter"}, {"id", other.id}, {"name", other.name}});
    }
  }
  if (party->splinter_of) {
    lineage.push_back({{"relation", "splinter_of"}, {"id", *party->splinter_of}});
  }
  if (party->parent) lineage.push_back({{"relation", "parent"}, {"id", *party->parent}});
  for (const auto& n : party->names_over_time) {
    Json j = {{"relation", "name"}, {"name", n.name}};
    if (n.from) j["from"] = n.from->ToString();
    if (n.to) j["to"] = n.to->ToString();
    lineage.push_back(std::move(j));
  }

  Json history = Json::array();
  for (const CycleStatus& h : statement.assessment.history) {
    Json j = {{"cycle", h.cycle},
              {"recommended", std::string(ToString(h.recommended))},
              {"status", std::string(ToString(h.status))}};
    if (h.decided) j["decided"] = std::string(ToString(h.status));
    history.push_back(std::move(j));
  }

  // Verified incidents attributed to the party per cycle, as this reader
  // may see them.
  const Edition edition = confidential ? Edition::kConfidential : Edition::kPublic;
  const std::set<std::string> hidden = HiddenSources(registry, edition);
  const int min_cell = policies.server->publication_min_cell;
  std::map<int, int64_t> by_cycle;
  MARA_API_VIEW_CHECK(ScanVisibleIncidents(session,
                                           [&](const Incident& incident, Edition) -> Status {
                                             if (incident.status != IncidentStatus::kVerified)
                                               return Status::Ok();
                                             bool attributed = false;
                                             for (const Attribution& a : incident.perpetrators)
                                               attributed = attributed || a.party == id;
                                             if (!attributed) return Status::Ok();
                                             if (!IncidentView(session, incident, hidden, min_cell))
                                               return Status::Ok();
                                             ++by_cycle[incident.cycle()];
                                             return Status::Ok();
                                           }),
                      "");
  Json by_cycle_json = Json::array();
  for (const auto& [c, n] : by_cycle) by_cycle_json.push_back({{"cycle", c}, {"count", n}});

  Json met = Json::array();
  Json missed = Json::array();
  Json criteria = Json::array();
  for (const Criterion& c : statement.assessment.criteria) {
    (c.met ? met : missed).push_back(c.rule);
    criteria.push_back(CriterionToJson(c));
  }
  Json case_json = {{"cycle", cycle},
                    {"edition", confidential ? "confidential" : "public"},
                    {"status", std::string(ToString(statement.assessment.status))},
                    {"recommended", std::string(ToString(statement.assessment.recommended_status))},
                    {"decided", statement.assessment.decided},
                    {"rule", statement.assessment.rule},
                    {"criteria_met", std::move(met)},
                    {"criteria_missed", std::move(missed)},
                    {"criteria", std::move(criteria)},
                    {"explanation", ExplanationToJson(statement.explanation)}};

  Json commitments = Json::array();
  for (const Commitment& c : registry.commitments) {
    if (c.party == id) commitments.push_back(ToJson(c));
  }
  Json designations = Json::array();
  for (const Designation& d : registry.designations) {
    if (d.party != id) continue;
    designations.push_back(DesignationJson(d, hidden));
  }
  Json engagements = Json::array();
  for (const Engagement& e : registry.engagements) {
    if (e.party != id) continue;
    engagements.push_back(EngagementJson(e, edition));
  }
  Json petitions = Json::array();
  for (const Petition& p : registry.petitions) {
    if (p.party != id) continue;
    Json j = {{"id", p.party + "~" + p.filed.ToString()}};
    const Json record = PetitionJson(p, edition);
    for (const auto& [k, v] : record.items()) j[k] = v;
    petitions.push_back(std::move(j));
  }
  Json party_json = ToJson(*party);
  Json aliases = party_json.contains("aliases") ? party_json["aliases"] : Json::array();
  Json body = {{"party", std::move(party_json)},
               {"aliases", std::move(aliases)},
               {"children", std::move(children)},
               {"lineage", std::move(lineage)},
               {"history", std::move(history)},
               {"incidents",
                {{"counted", static_cast<int64_t>(statement.incidents.size())},
                 {"by_cycle", std::move(by_cycle_json)}}},
               {"case", std::move(case_json)},
               {"commitments", std::move(commitments)},
               {"designations", std::move(designations)},
               {"engagements", std::move(engagements)},
               {"petitions", std::move(petitions)}};
  Response out = JsonResponse(body);
  AddLanguageHeaders(lang, &out);
  return out;
}

Response Dashboard(Request&, Session& session, const PolicySet& policies) {
  MARA_API_VIEW_CHECK(CanRead(session), "");
  const int min_cell = policies.server->publication_min_cell;
  struct CycleCounts {
    int64_t verified = 0;
    std::map<std::string, int64_t> by_situation;
    std::map<std::string, int64_t> by_violation;
  };
  struct Place {
    std::string name;
    double lat = 0, lon = 0;
    int64_t count = 0;
  };
  std::map<int, CycleCounts> cycles;
  std::map<std::pair<int64_t, int64_t>, Place> places;
  std::optional<int> latest;
  bool all_confidential = true;
  MARA_API_VIEW_CHECK(
      ScanVisibleIncidents(session,
                           [&](const Incident& incident, Edition edition) -> Status {
                             // Small places are suppressed unless every incident shown is read in
                             // the confidential edition.
                             if (edition != Edition::kConfidential) all_confidential = false;
                             if (!latest || incident.cycle() > *latest) latest = incident.cycle();
                             if (incident.status != IncidentStatus::kVerified) return Status::Ok();
                             CycleCounts& c = cycles[incident.cycle()];
                             ++c.verified;
                             ++c.by_situation[incident.situation];
                             for (Violation v : incident.violations)
                               ++c.by_violation[std::string(ToString(v))];
                             if (incident.location.lat && incident.location.lon) {
                               // One decimal degree (about 11 km): close enough for a map, coarse
                               // enough not to pinpoint a place.
                               const auto key =
                                   std::make_pair(std::llround(*incident.location.lat * 10),
                                                  std::llround(*incident.location.lon * 10));
                               Place& p = places[key];
                               if (p.count == 0) {
                                 p.name = incident.location.admin1.value_or(incident.location.name);
                                 p.lat = static_cast<double>(key.first) / 10;
                                 p.lon = static_cast<double>(key.second) / 10;
                               }
                               ++p.count;
                             }
                             return Status::Ok();
                           }),
      "");
  Json cycles_json = Json::array();
  for (const auto& [cycle, c] : cycles) {
    Json by_situation = Json::object();
    for (const auto& [k, n] : c.by_situation) by_situation[k] = n;
    Json by_violation = Json::object();
    for (const auto& [k, n] : c.by_violation) by_violation[k] = n;
    cycles_json.push_back({{"cycle", cycle},
                           {"verified", c.verified},
                           {"by_situation", std::move(by_situation)},
                           {"by_violation", std::move(by_violation)}});
  }
  // Small cells could point at a survivor: only confidential readers of
  // every situation see them.
  const bool show_small =
      all_confidential && session.AuthorizeEverywhere(Operation::kReadConfidential).ok();
  Json locations = Json::array();
  for (const auto& [key, p] : places) {
    if (!show_small && p.count < min_cell) continue;
    locations.push_back({{"lat", p.lat}, {"lon", p.lon}, {"name", p.name}, {"count", p.count}});
  }
  Json body = {{"cycles", std::move(cycles_json)}, {"locations", std::move(locations)}};
  if (latest) {
    body["annex_cycle"] = *latest;
    Result<Json> annex = AnnexJson(session, *policies.server, *latest);
    if (!annex.ok()) return ProblemFor(annex.status());
    body["annex"] = std::move(*annex);
  } else {
    body["annex_cycle"] = nullptr;
    body["annex"] = nullptr;
  }
  return JsonResponse(body);
}

}  // namespace

std::vector<SessionRoute> ViewRoutes(const PolicySet& policies) {
  std::vector<SessionRoute> routes;
  const QueryParam policy_param{"policy",
                                "a policy of GET /api/v1/policies (default: the "
                                "server's)"};
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/annex/{cycle}",
                     .summary = "The annex of a cycle as published (listed, on notice, changes)",
                     .query = {policy_param},
                     .response_schema = "Annex",
                     .same_for_readers = true},
                    [policies](Request& req, Session& session) -> Response {
                      MARA_API_VIEW_ASSIGN(int cycle, CycleParam(req), "cycle");
                      MARA_API_VIEW_ASSIGN(std::shared_ptr<const Policy> policy,
                                           PolicyFor(req, policies), "policy");
                      MARA_API_VIEW_ASSIGN(Json annex, AnnexJson(session, *policy, cycle), "");
                      return JsonResponse(annex);
                    }});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/consistency/{cycle}",
                     .summary = "The assessment's consistency audit of a cycle",
                     .query = {policy_param},
                     .response_schema = "Consistency"},
                    [policies](Request& req, Session& session) {
                      return AssessmentPart(req, session, policies, "consistency");
                    }});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/sensitivity/{cycle}",
                     .summary = "The assessment's sensitivity runs of a cycle",
                     .query = {policy_param},
                     .response_schema = "Sensitivity"},
                    [policies](Request& req, Session& session) {
                      return AssessmentPart(req, session, policies, "sensitivity");
                    }});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/policies",
                     .summary = "The policies this server assesses with",
                     .response_schema = "PolicyList"},
                    [policies](Request& req, Session& session) {
                      return ListPolicies(req, session, policies);
                    }});
  routes.push_back(
      {{.method = "GET",
        .pattern = "/api/v1/parties/{id}/dossier",
        .summary = "A party's dossier: hierarchy, lineage, status history, statement of case",
        .query = {{"cycle", "the cycle of the statement of case (default: the latest)", true},
                  LanguageParam("the explanation of the status")},
        .response_schema = "Dossier",
        .varies_by_language = true},
       [policies](Request& req, Session& session) { return Dossier(req, session, policies); }});
  routes.push_back(
      {{.method = "GET",
        .pattern = "/api/v1/dashboard",
        .summary = "Verified incidents per cycle, the map's places and the annex",
        .response_schema = "Dashboard"},
       [policies](Request& req, Session& session) { return Dashboard(req, session, policies); }});
  return routes;
}

}  // namespace mara::api::internal
