// Every route of the live router against every role: the class of answer
// (2xx, 403, 404) each role gets, from a table that must name every route
// (a new route without an entry fails the test). Also: a viewer never sees a
// confidential string from any GET route; every unsafe route refuses a
// missing CSRF token and an oversized body.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "api/api_world_test_support.h"

namespace mara::api {
namespace {

using testing_support::Json;
using testing_support::kRoleUsers;
using testing_support::Login;
using testing_support::World;

// Expected class per role, in the order of kRoleUsers: viewer, monitor,
// reviewer, analyst, decision_maker, admin. '2' 2xx, '3' 403, '4' 404.
const std::map<std::string, std::string>& Expected() {
  static const std::map<std::string, std::string> table = {
      {"POST /api/v1/session", "222222"},
      {"GET /api/v1/session", "222222"},
      {"DELETE /api/v1/session", "222222"},
      {"GET /api/v1/openapi.json", "222222"},
      {"POST /api/v1/tokens", "222222"},
      {"DELETE /api/v1/tokens/{id}", "222222"},
      {"GET /api/v1/situations", "222222"},
      {"GET /api/v1/parties", "222222"},
      {"GET /api/v1/parties/{id}", "222222"},
      {"GET /api/v1/sources", "222222"},
      {"GET /api/v1/findings", "222222"},
      {"GET /api/v1/commitments", "222222"},
      {"GET /api/v1/decisions", "222222"},
      {"GET /api/v1/decisions/{party}/{cycle}", "222222"},
      {"POST /api/v1/decisions", "333323"},
      {"GET /api/v1/incidents", "222222"},
      {"GET /api/v1/incidents/{id}", "222222"},
      {"POST /api/v1/incidents/{id}/verification", "332333"},
      {"GET /api/v1/assessments/{cycle}", "333222"},
      {"GET /api/v1/cases/{party}/{cycle}", "222222"},
      {"GET /api/v1/stats", "222222"},
      {"GET /api/v1/reports/{cycle}", "222222"},
      {"GET /api/v1/designations", "222222"},
      {"GET /api/v1/statements", "222222"},
      {"GET /api/v1/engagements", "222222"},
      {"GET /api/v1/audit", "333332"},
      {"GET /api/v1/audit/verification", "333332"},
      // New routes.
      {"POST /api/v1/incidents", "323333"},
      {"PUT /api/v1/incidents/{id}", "323333"},
      {"PUT /api/v1/incidents/{id}/consent", "323333"},
      {"GET /api/v1/review-queue", "222222"},
      {"POST /api/v1/incidents/{id}/return", "332333"},
      {"GET /api/v1/incidents/{id}/history", "222222"},
      // I-2023-005 is withdrawn: only an editor of its situation (the
      // monitor) learns it exists; once restored, the others still get 404.
      {"POST /api/v1/incidents/{id}/consent-restoration", "424444"},
      // The testimony source is confidential: not visible (404) to those
      // who cannot read confidential data everywhere (the viewer, a monitor
      // of one situation); the rest lack edit rights in every situation.
      {"PUT /api/v1/sources/{id}/consent", "443333"},
      {"GET /api/v1/petitions", "222222"},
      {"POST /api/v1/petitions", "333322"},
      {"POST /api/v1/petitions/{id}/ruling", "333323"},
      // Every principal may submit a communication; listing is for those
      // who read the confidential record everywhere, rulings for decision
      // makers. The follow link needs no login: a token that answers no
      // communication is 404 for everyone.
      {"GET /api/v1/communications", "332322"},
      {"POST /api/v1/communications", "222222"},
      {"POST /api/v1/communications/{id}/ruling", "333323"},
      {"GET /api/v1/communications/{id}/attachments/{number}", "334344"},
      {"GET /api/v1/follow/{token}", "444444"},
      {"GET /api/v1/name-reviews", "333232"},
      {"POST /api/v1/name-reviews/{id}/decision", "333434"},
      {"POST /api/v1/evidence", "323232"},
      {"GET /api/v1/evidence", "322222"},
      {"GET /api/v1/evidence/{id}/content", "322222"},
      {"GET /api/v1/evidence/{id}/custody", "322222"},
      // The analyst received the item: only a reviewer may check it.
      {"POST /api/v1/evidence/{id}/verification", "332333"},
      {"GET /api/v1/consent-register", "323333"},
      {"GET /api/v1/users", "333332"},
      {"POST /api/v1/users", "333332"},
      {"POST /api/v1/users/{name}/assignment", "333332"},
      {"PUT /api/v1/users/{name}/disabled", "333332"},
      {"PUT /api/v1/users/{name}/language", "333332"},
      // One's own language: everyone, and the login goes on.
      {"PUT /api/v1/account/language", "222222"},
      // Exercised after the others: it ends the caller's logins.
      {"PUT /api/v1/account/password", "222222"},
      {"GET /api/v1/tokens", "222222"},
      {"POST /api/v1/imports", "333232"},
      {"GET /api/v1/imports", "222222"},
      {"GET /api/v1/imports/{id}", "444444"},
      {"GET /api/v1/annex/{cycle}", "222222"},
      {"GET /api/v1/consistency/{cycle}", "333222"},
      {"GET /api/v1/sensitivity/{cycle}", "333222"},
      {"GET /api/v1/policies", "222222"},
      {"GET /api/v1/parties/{id}/dossier", "222222"},
      {"GET /api/v1/dashboard", "222222"},
      // The operator requests a publication before each role signs it off
      // (four eyes: the decision maker signs off another's request); the
      // decision maker's own request then follows the published one, whose
      // files exist for it alone.
      {"GET /api/v1/publications", "222222"},
      {"POST /api/v1/publications/{cycle}/signoff", "333323"},
      {"POST /api/v1/publications", "333323"},
      {"GET /api/v1/publications/{cycle}/{number}/files/{name}", "444424"},
      // The registry: analysts (of every situation here) and admins write;
      // everyone reads; a reviewer verifies an imported measure.
      {"POST /api/v1/parties", "333232"},
      {"PUT /api/v1/parties/{id}", "333232"},
      {"POST /api/v1/parties/{id}/rename", "333232"},
      {"GET /api/v1/parties/{id}/history", "222222"},
      {"GET /api/v1/sources/{id}", "222222"},
      {"POST /api/v1/sources", "333232"},
      {"PUT /api/v1/sources/{id}", "333232"},
      {"GET /api/v1/sources/{id}/history", "222222"},
      {"GET /api/v1/commitments/{id}", "222222"},
      {"POST /api/v1/commitments", "333232"},
      {"PUT /api/v1/commitments/{id}", "333232"},
      {"GET /api/v1/commitments/{id}/history", "222222"},
      {"POST /api/v1/commitments/{id}/measures/{measure}/verification", "332333"},
      {"GET /api/v1/statements/{id}", "222222"},
      {"POST /api/v1/statements", "333232"},
      {"PUT /api/v1/statements/{id}", "333232"},
      {"GET /api/v1/statements/{id}/history", "222222"},
      {"POST /api/v1/designations", "333232"},
      {"GET /api/v1/designations/{party}/{listed_on}", "222222"},
      {"PUT /api/v1/designations/{party}/{listed_on}", "333232"},
      {"GET /api/v1/designations/{party}/{listed_on}/history", "222222"},
      {"POST /api/v1/engagements", "333232"},
      {"GET /api/v1/engagements/{party}/{date}/{kind}", "222222"},
      {"PUT /api/v1/engagements/{party}/{date}/{kind}", "333232"},
      {"GET /api/v1/engagements/{party}/{date}/{kind}/history", "222222"},
      // Operator routes: liveness and readiness for anyone, metrics for
      // those who may read the audit log.
      {"GET /healthz", "222222"},
      {"GET /readyz", "222222"},
      {"GET /metrics", "333332"},
  };
  return table;
}

// The concrete path of a pattern in the demo world.
// `method`: only the GET routes take the designation's query.
std::string PathFor(const std::string& pattern, World& world, const std::string& token_id,
                    const std::string& method = "GET") {
  static const std::map<std::string, std::string> paths = {
      {"/api/v1/tokens/{id}", ""},
      {"/api/v1/parties/{id}", "/api/v1/parties/P-VAF"},
      {"/api/v1/parties/{id}/dossier", "/api/v1/parties/P-VAF/dossier"},
      {"/api/v1/decisions/{party}/{cycle}", "/api/v1/decisions/P-NLF/2025"},
      {"/api/v1/incidents/{id}", "/api/v1/incidents/I-2022-001"},
      {"/api/v1/incidents/{id}/verification", "/api/v1/incidents/I-2025-005/verification"},
      {"/api/v1/incidents/{id}/consent", "/api/v1/incidents/I-2022-002/consent"},
      {"/api/v1/incidents/{id}/return", "/api/v1/incidents/I-2022-003/return"},
      {"/api/v1/incidents/{id}/history", "/api/v1/incidents/I-2022-001/history"},
      {"/api/v1/incidents/{id}/consent-restoration",
       "/api/v1/incidents/I-2023-005/consent-restoration"},
      {"/api/v1/assessments/{cycle}", "/api/v1/assessments/2025"},
      {"/api/v1/cases/{party}/{cycle}", "/api/v1/cases/P-VAF/2025"},
      {"/api/v1/reports/{cycle}", "/api/v1/reports/2025"},
      {"/api/v1/sources/{id}/consent", "/api/v1/sources/S-SURV-1/consent"},
      {"/api/v1/petitions/{id}/ruling", "/api/v1/petitions/P-TDF~2025-12-01/ruling"},
      {"/api/v1/communications/{id}/attachments/{number}",
       "/api/v1/communications/COM-1999-0001/attachments/1"},
      {"/api/v1/follow/{token}", "/api/v1/follow/" + std::string(64, 'a')},
      {"/api/v1/name-reviews/{id}/decision", "/api/v1/name-reviews/1/decision"},
      {"/api/v1/evidence/{id}/content", ""},
      {"/api/v1/evidence/{id}/custody", ""},
      {"/api/v1/evidence/{id}/verification", ""},
      {"/api/v1/users/{name}/assignment", "/api/v1/users/rex/assignment"},
      {"/api/v1/users/{name}/disabled", "/api/v1/users/rex/disabled"},
      {"/api/v1/users/{name}/language", "/api/v1/users/rex/language"},
      {"/api/v1/imports/{id}", "/api/v1/imports/IMP-000000000000000000000000"},
      {"/api/v1/annex/{cycle}", "/api/v1/annex/2025"},
      {"/api/v1/consistency/{cycle}", "/api/v1/consistency/2025"},
      {"/api/v1/sensitivity/{cycle}", "/api/v1/sensitivity/2025"},
      {"/api/v1/publications/{cycle}/signoff", "/api/v1/publications/2025/signoff"},
      {"/api/v1/parties/{id}/rename", "/api/v1/parties/P-VAF/rename"},
      {"/api/v1/parties/{id}/history", "/api/v1/parties/P-VAF/history"},
      {"/api/v1/sources/{id}", "/api/v1/sources/S-JMT-VAL"},
      {"/api/v1/sources/{id}/history", "/api/v1/sources/S-JMT-VAL/history"},
      {"/api/v1/commitments/{id}", "/api/v1/commitments/C-NLF-1"},
      {"/api/v1/commitments/{id}/history", "/api/v1/commitments/C-NLF-1/history"},
      {"/api/v1/commitments/{id}/measures/{measure}/verification",
       "/api/v1/commitments/C-NLF-1/measures/M-NLF-1/verification"},
      {"/api/v1/statements/{id}", "/api/v1/statements/ST-1"},
      {"/api/v1/statements/{id}/history", "/api/v1/statements/ST-1/history"},
      {"/api/v1/designations/{party}/{listed_on}", "/api/v1/designations/P-NLF/2021-05-01"},
      {"/api/v1/designations/{party}/{listed_on}/history",
       "/api/v1/designations/P-NLF/2021-05-01/history"},
      {"/api/v1/engagements/{party}/{date}/{kind}", "/api/v1/engagements/P-NLF/2025-02-11/refused"},
      {"/api/v1/engagements/{party}/{date}/{kind}/history",
       "/api/v1/engagements/P-NLF/2025-02-11/refused/history"},
      {"/api/v1/publications/{cycle}/{number}/files/{name}",
       "/api/v1/publications/2025/1/files/report-2025-public.json"},
  };
  if (pattern == "/api/v1/tokens/{id}") return "/api/v1/tokens/" + token_id;
  if (pattern == "/api/v1/evidence/{id}/content" || pattern == "/api/v1/evidence/{id}/custody" ||
      pattern == "/api/v1/evidence/{id}/verification") {
    std::string p = pattern;
    p.replace(p.find("{id}"), 4, world.evidence_id());
    return p;
  }
  auto it = paths.find(pattern);
  std::string path = it == paths.end() ? pattern : it->second;
  // A designation's authority and program complete its key.
  if (method == "GET" && (pattern == "/api/v1/designations/{party}/{listed_on}" ||
                          pattern == "/api/v1/designations/{party}/{listed_on}/history")) {
    path += "?authority=Government%20of%20Brennmark&program=Counter-terrorism%20list";
  }
  return path;
}

Json NewIncident(const std::string& id) {
  return {{"id", id},
          {"situation", "SIT-VAL"},
          {"date", "2025-08-01"},
          {"location", {{"name", "Korvane"}}},
          {"violations", {"rape"}},
          {"victims", {{"women", 1}}},
          {"context", "attack"},
          {"nexus", {"perpetrator_affiliation"}},
          {"status", "reported"},
          {"perpetrators", {{{"party", "P-VAF"}, {"standard", "credible_information"}}}},
          {"sources", {"S-JMT-VAL"}},
          {"consent", "aggregate_reporting"}};
}

// The body (and If-Match) of a registry write a permitted caller would
// send; false for other routes.
bool RegistryBody(World& world, const Login& who, const std::string& method,
                  const std::string& pattern, const std::string& path, Json& body,
                  httplib::Headers& headers) {
  // PUT and the other changes of a stored record: its view, changed, with
  // its ETag.
  auto current = [&](const std::string& read_path) {
    auto res = world.Get(who, read_path);
    if (res && res->status == 200) {
      headers.emplace("If-Match", res->get_header_value("ETag"));
      return Json::parse(res->body, nullptr, false);
    }
    return Json::object();
  };
  if (method == "POST" && pattern == "/api/v1/parties") {
    body = {{"id", "P-MATRIX"},
            {"name", "Matrix Front"},
            {"kind", "non_state"},
            {"situation", "SIT-VAL"},
            {"parent", "P-VAF"}};
  } else if (method == "PUT" && pattern == "/api/v1/parties/{id}") {
    body = current(path);
    body.erase("children");
    body.erase("splinters");
    body["aliases"] = Json::array({"Matrix alias"});
  } else if (pattern == "/api/v1/parties/{id}/rename") {
    current("/api/v1/parties/P-VAF");
    body = {{"name", "Valdorian Armed Forces (matrix)"}, {"from", "2025-01-01"}};
  } else if (method == "POST" && pattern == "/api/v1/sources") {
    body = {{"id", "S-MATRIX"},     {"kind", "ngo"},      {"title", "Matrix notes"},
            {"publisher", "NGO"},   {"reliability", "C"}, {"credibility", "3"},
            {"confidential", false}};
  } else if (method == "PUT" && pattern == "/api/v1/sources/{id}") {
    body = current(path);
    body["reliability"] = "A";
  } else if (method == "POST" && pattern == "/api/v1/commitments") {
    body = {
        {"id", "C-MATRIX"},
        {"party", "P-VAF"},
        {"kind", "unilateral"},
        {"measures", Json::array({{{"id", "M-1"}, {"text", "Orders"}, {"status", "pending"}}})}};
  } else if (method == "PUT" && pattern == "/api/v1/commitments/{id}") {
    body = current(path);
    body["measures"][0]["status"] = "in_progress";
  } else if (pattern == "/api/v1/commitments/{id}/measures/{measure}/verification") {
    current("/api/v1/commitments/C-NLF-1");
    body = {{"verified_on", "2025-06-01"}};
  } else if (method == "POST" && pattern == "/api/v1/statements") {
    body = {{"id", "ST-MATRIX"},
            {"by", "Matrix office"},
            {"date", "2025-05-01"},
            {"kind", "statement"},
            {"incidents", Json::array({"I-2025-001"})},
            {"text", "m"}};
  } else if (method == "PUT" && pattern == "/api/v1/statements/{id}") {
    body = current(path);
    body["text"] = "Matrix text";
  } else if (method == "POST" && pattern == "/api/v1/designations") {
    body = {{"party", "P-VAF"},
            {"authority", "Matrix"},
            {"program", "List"},
            {"kind", "sanctions"},
            {"listed_on", "2025-01-01"}};
  } else if (method == "PUT" && pattern == "/api/v1/designations/{party}/{listed_on}") {
    body =
        current(path + "?authority=Government%20of%20Brennmark&program=Counter-terrorism%20list");
    body["ended_on"] = "2025-06-01";
  } else if (method == "POST" && pattern == "/api/v1/engagements") {
    body = {{"party", "P-VAF"}, {"date", "2025-05-01"}, {"kind", "contact"}, {"note", "m"}};
  } else if (method == "PUT" && pattern == "/api/v1/engagements/{party}/{date}/{kind}") {
    body = current(path);
    body["note"] = "Matrix note";
  } else {
    return false;
  }
  return true;
}

// Sends the request a caller with the right role would send (valid body,
// fresh If-Match) and returns the HTTP status.
int Exercise(World& world, const Login& who, const std::string& user, const std::string& method,
             const std::string& pattern, const std::string& token_id) {
  const std::string path = PathFor(pattern, world, token_id, method);
  auto send = [&]() -> httplib::Result {
    if (method == "GET") {
      return world.Get(who, path);
    } else if (pattern == "/api/v1/session" && method == "POST") {
      Json body = {{"name", user}, {"password", testing_support::kPassword}};
      return world.client().Post(path, body.dump(), "application/json");
    } else if (pattern == "/api/v1/evidence") {
      return world.Upload(who, path,
                          {{"file", "bytes of a scan", "scan.txt", "text/plain"},
                           {"incident", "I-2022-001", "", ""},
                           {"description", "matrix", "", ""}});
    } else if (pattern == "/api/v1/communications") {
      return world.Upload(who, path,
                          {{"kind", "information", "", ""},
                           {"submitter_kind", "ngo", "", ""},
                           {"submitter", "Matrix Watch", "", ""},
                           {"text", "matrix", "", ""}});
    } else if (pattern == "/api/v1/communications/{id}/ruling") {
      // One communication to rule on, submitted by the operator.
      Login op = world.LogIn("operator");
      auto submitted = world.Upload(op, "/api/v1/communications",
                                    {{"kind", "information", "", ""},
                                     {"submitter_kind", "coalition", "", ""},
                                     {"submitter", "Matrix Coalition", "", ""},
                                     {"text", "matrix", "", ""}});
      if (!submitted || submitted->status != 201) ADD_FAILURE() << "the operator's communication";
      const std::string id = submitted ? Json::parse(submitted->body).value("id", "") : "";
      Json body = {{"status", "noted"}, {"reason", "matrix"}};
      return world.Send(who, method, "/api/v1/communications/" + id + "/ruling", body.dump());
    } else if (pattern == "/api/v1/imports") {
      return world.Upload(
          who, path, {{"file", R"({"format":"mara-bundle/1","situations":[]})", "empty.json", ""}});
    } else {
      Json body = Json::object();
      httplib::Headers headers;
      if (pattern == "/api/v1/decisions") {
        body = {{"party", "P-NLF"}, {"cycle", 2025}, {"status", "listed"}, {"rationale", "matrix"}};
        headers.emplace("If-Match", world.EtagOf(who, "/api/v1/decisions/P-NLF/2025"));
      } else if (pattern == "/api/v1/incidents/{id}/verification") {
        headers.emplace("If-Match", world.EtagOf(who, "/api/v1/incidents/I-2025-005"));
      } else if (pattern == "/api/v1/incidents") {
        body = NewIncident("I-NEW-" + user);
      } else if (pattern == "/api/v1/incidents/{id}") {
        auto current = world.Get(who, path);
        body = NewIncident("I-2022-001");
        body["location"]["name"] = "Korvane market";
        if (current && current->status == 200) {
          headers.emplace("If-Match", current->get_header_value("ETag"));
        }
      } else if (pattern == "/api/v1/incidents/{id}/consent") {
        body = {{"consent", "identified_sharing"}};
        headers.emplace("If-Match", world.EtagOf(who, "/api/v1/incidents/I-2022-002"));
      } else if (pattern == "/api/v1/incidents/{id}/return") {
        body = {{"comment", "matrix: check the date"}};
      } else if (pattern == "/api/v1/incidents/{id}/consent-restoration") {
        body = {{"consent", "aggregate_reporting"}, {"reason", "matrix: consent given again"}};
      } else if (pattern == "/api/v1/sources/{id}/consent") {
        body = {{"consent", "aggregate_reporting"}};
      } else if (pattern == "/api/v1/petitions") {
        body = {{"party", "P-KB"}, {"grounds", "matrix"}, {"new_material", true}};
      } else if (pattern == "/api/v1/petitions/{id}/ruling") {
        body = {{"outcome", "rejected"}, {"rationale", "matrix"}};
      } else if (pattern == "/api/v1/name-reviews/{id}/decision") {
        body = {{"action", "reject"}};
      } else if (pattern == "/api/v1/users" && method == "POST") {
        body = {
            {"name", "new-" + user}, {"roles", {"viewer"}}, {"password", "a long enough password"}};
      } else if (pattern == "/api/v1/users/{name}/assignment") {
        body = {{"action", "grant"}, {"situations", {"SIT-VAL"}}};
      } else if (pattern == "/api/v1/users/{name}/disabled") {
        body = {{"disabled", true}};
      } else if (pattern == "/api/v1/users/{name}/language" ||
                 pattern == "/api/v1/account/language") {
        body = {{"language", "en"}};
      } else if (pattern == "/api/v1/account/password") {
        body = {{"current_password", testing_support::kPassword},
                {"new_password", "another long password"}};
      } else if (RegistryBody(world, who, method, pattern, path, body, headers)) {
        // A registry write, its body and If-Match set.
      } else if (pattern == "/api/v1/publications") {
        body = {{"cycle", 2025}, {"rationale", "matrix"}};
      } else if (pattern == "/api/v1/publications/{cycle}/signoff") {
        Login op = world.LogIn("operator");
        Json request = {{"cycle", 2025}, {"rationale", "matrix: the operator's request"}};
        auto requested = world.Send(op, "POST", "/api/v1/publications", request.dump());
        if (!requested || requested->status != 201) ADD_FAILURE() << "the operator's request";
      }
      return world.Send(who, method, path, body.dump(), headers);
    }
  };
  httplib::Result res = send();
  if (!res) return -1;
  return res->status;
}

char ClassOf(int status) {
  if (status >= 200 && status < 300) return '2';
  if (status == 403) return '3';
  if (status == 404) return '4';
  return '?';
}

TEST(RouteMatrixTest, EveryRouteAnswersEachRoleAsTheTableSays) {
  std::string error;
  auto world = World::Create(&error);
  ASSERT_EQ(error, "");
  const auto& routes = world->server().router().routes();
  // The table and the router name the same routes.
  std::set<std::string> live;
  for (const Route& r : routes) live.insert(r.spec.method + " " + r.spec.pattern);
  for (const std::string& key : live) {
    EXPECT_TRUE(Expected().count(key) > 0) << "no matrix entry for " << key;
  }
  for (const auto& [key, classes] : Expected()) {
    EXPECT_TRUE(live.count(key) > 0) << "matrix names a route the router lacks: " << key;
  }
  // Each role on its own fresh store, so one role's writes cannot change
  // what the next one gets.
  for (size_t r = 0; r < std::size(kRoleUsers); ++r) {
    if (r > 0) {
      world.reset();
      world = World::Create(&error);
      ASSERT_EQ(error, "");
    }
    const std::string user = kRoleUsers[r].user;
    Login who = world->LogIn(user);
    ASSERT_FALSE(who.cookie.empty()) << user;
    // Own token to revoke.
    auto issued = world->Send(who, "POST", "/api/v1/tokens", "{}");
    ASSERT_TRUE(issued && issued->status == 201);
    const std::string token_id = Json::parse(issued->body).value("id", "");
    const Route* logout = nullptr;
    for (const Route& route : world->server().router().routes()) {
      const std::string key = route.spec.method + " " + route.spec.pattern;
      if (key == "DELETE /api/v1/session" || key == "PUT /api/v1/account/password") {
        if (key == "DELETE /api/v1/session") logout = &route;
        continue;
      }
      auto want = Expected().find(key);
      if (want == Expected().end()) continue;
      const int status =
          Exercise(*world, who, user, route.spec.method, route.spec.pattern, token_id);
      EXPECT_EQ(ClassOf(status), want->second[r])
          << kRoleUsers[r].role << " " << key << " answered " << status;
    }
    ASSERT_NE(logout, nullptr);
    const int status = Exercise(*world, who, user, "DELETE", "/api/v1/session", token_id);
    EXPECT_EQ(ClassOf(status), Expected().at("DELETE /api/v1/session")[r]);
    // The password change ends the caller's logins, so it comes last, on a
    // new login.
    Login again = world->LogIn(user);
    ASSERT_FALSE(again.cookie.empty()) << user;
    const int changed = Exercise(*world, again, user, "PUT", "/api/v1/account/password", token_id);
    EXPECT_EQ(ClassOf(changed), Expected().at("PUT /api/v1/account/password")[r])
        << kRoleUsers[r].role << " answered " << changed;
  }
}

TEST(RouteMatrixTest, AViewerNeverGetsAConfidentialString) {
  std::string error;
  auto world = World::Create(&error);
  ASSERT_EQ(error, "");
  Login admin = world->LogIn("adi");
  Login viewer = world->LogIn("vera");
  // The markers are really in the store: an admin sees them.
  auto full = world->Get(admin, "/api/v1/incidents/I-MARK-1");
  ASSERT_TRUE(full && full->status == 200);
  ASSERT_NE(full->body.find(testing_support::kNarrativeMarker), std::string::npos);
  auto sources = world->Get(admin, "/api/v1/sources");
  ASSERT_TRUE(sources && sources->status == 200);
  ASSERT_NE(sources->body.find(testing_support::kSourceMarker), std::string::npos);

  std::vector<std::string> paths;
  for (const Route& route : world->server().router().routes()) {
    if (route.spec.method != "GET") continue;
    paths.push_back(PathFor(route.spec.pattern, *world, "none"));
  }
  for (const char* extra :
       {"/api/v1/incidents/I-MARK-1", "/api/v1/incidents/I-MARK-2", "/api/v1/incidents?limit=1000",
        "/api/v1/incidents?q=ZZSECRET", "/api/v1/reports/2025?format=html",
        "/api/v1/reports/2025?format=md", "/api/v1/reports/2025?format=csv",
        "/api/v1/reports/2025?format=ftm", "/api/v1/reports/2025?edition=public",
        "/api/v1/cases/P-VAF/2025?edition=public", "/api/v1/parties/P-VAF/dossier?cycle=2025",
        "/api/v1/evidence?incident=I-2022-001", "/api/v1/review-queue", "/api/v1/dashboard",
        "/api/v1/findings?party=P-VAF", "/api/v1/designations?party=P-VAF"}) {
    paths.push_back(extra);
  }
  int answered = 0;
  for (const std::string& path : paths) {
    auto res = world->Get(viewer, path);
    ASSERT_TRUE(res) << path;
    if (res->status == 200) ++answered;
    for (const char* marker : {testing_support::kNarrativeMarker, testing_support::kSourceMarker,
                               testing_support::kPlaceMarker, testing_support::kEvidenceMarker}) {
      EXPECT_EQ(res->body.find(marker), std::string::npos)
          << path << " showed " << marker << " to a viewer";
    }
  }
  EXPECT_GT(answered, 25);
}

TEST(RouteMatrixTest, EveryUnsafeRouteRefusesAMissingCsrfTokenAndAnOversizedBody) {
  std::string error;
  auto world = World::Create(&error, /*max_body=*/16 * 1024, /*max_upload=*/64 * 1024);
  ASSERT_EQ(error, "");
  Login admin = world->LogIn("adi");
  int unsafe = 0;
  for (const Route& route : world->server().router().routes()) {
    const std::string& method = route.spec.method;
    if (method == "GET") continue;
    const std::string path = PathFor(route.spec.pattern, *world, "0123", method);
    const std::string key = method + " " + route.spec.pattern;
    ++unsafe;
    if (route.spec.needs_auth) {
      // The cookie alone is refused before anything else happens.
      auto res = world->Send(admin, method, path, "{}", {{"X-CSRF-Token", "wrong"}});
      ASSERT_TRUE(res) << key;
      EXPECT_EQ(res->status, 403) << key << ": " << res->body;
      EXPECT_NE(res->body.find("X-CSRF-Token"), std::string::npos) << key;
    }
    const size_t limit = route.spec.multipart ? 64 * 1024 : 16 * 1024;
    auto big = world->Send(admin, method, path, std::string(limit + 1024, 'x'));
    ASSERT_TRUE(big) << key;
    EXPECT_EQ(big->status, 413) << key << ": " << big->body;
    EXPECT_EQ(big->get_header_value("Content-Type"), "application/problem+json") << key;
  }
  EXPECT_GE(unsafe, 15);
  // A body between the two limits is fine for an upload only.
  auto upload = world->Upload(admin, "/api/v1/imports",
                              {{"file", std::string(20 * 1024, ' ') + "{}", "pad.json", ""}});
  ASSERT_TRUE(upload);
  EXPECT_EQ(upload->status, 202) << upload->body;
}

}  // namespace
}  // namespace mara::api
