// The routes behind the browser's pages for users, one's own account, the
// consent register and evidence verification, end to end over a real server
// and SQLite store (api_world_test_support.h): success, problems naming the
// field, refusals, four eyes on evidence, a password change ending the
// caller's logins and tokens.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "api/api_world_test_support.h"

namespace mara::api {
namespace {

using testing_support::ExpectProblem;
using testing_support::Json;
using testing_support::Login;
using testing_support::World;

class AccountRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    world_ = World::Create(&error);
    ASSERT_EQ(error, "");
  }
  static Json Parsed(const httplib::Result& res) { return Json::parse(res->body, nullptr, false); }
  std::unique_ptr<World> world_;
};

TEST_F(AccountRoutesTest, AnAdminCreatesAUserAndGrantsAndRevokesRoles) {
  Login adi = world_->LogIn("adi");
  Json body = {{"name", "nadia"},
               {"roles", {"monitor"}},
               {"situations", {"SIT-VAL"}},
               {"password", "nadia's long password"}};
  auto created = world_->Send(adi, "POST", "/api/v1/users", body.dump());
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  EXPECT_EQ(Parsed(created)["roles"], Json::array({"monitor"}));
  EXPECT_EQ(Parsed(created).value("has_password", false), true);
  EXPECT_EQ(created->body.find("argon2"), std::string::npos);
  // She logs in with that password.
  auto login = world_->client().Post(
      "/api/v1/session", Json{{"name", "nadia"}, {"password", "nadia's long password"}}.dump(),
      "application/json");
  ASSERT_TRUE(login);
  EXPECT_EQ(login->status, 201);

  ExpectProblem(world_->Send(adi, "POST", "/api/v1/users", body.dump()), 409, "/name");
  Json bad = body;
  bad["name"] = "other";
  bad["roles"] = {"boss"};
  ExpectProblem(world_->Send(adi, "POST", "/api/v1/users", bad.dump()), 400, "/roles");
  bad["roles"] = {"viewer"};
  bad["password"] = "short";
  ExpectProblem(world_->Send(adi, "POST", "/api/v1/users", bad.dump()), 400, "/password");
  bad["password"] = "long enough password";
  bad["name"] = "no spaces allowed";
  ExpectProblem(world_->Send(adi, "POST", "/api/v1/users", bad.dump()), 400, "/name");

  Json grant = {{"action", "grant"}, {"roles", {"reviewer"}}, {"situations", {"SIT-TAR"}}};
  auto granted = world_->Send(adi, "POST", "/api/v1/users/nadia/assignment", grant.dump());
  ASSERT_TRUE(granted);
  ASSERT_EQ(granted->status, 200) << granted->body;
  EXPECT_EQ(Parsed(granted)["roles"], Json::array({"monitor", "reviewer"}));
  EXPECT_EQ(Parsed(granted)["situations"], Json::array({"SIT-TAR", "SIT-VAL"}));
  Json revoke = {{"action", "revoke"}, {"roles", {"monitor"}}, {"situations", {"SIT-VAL"}}};
  auto revoked = world_->Send(adi, "POST", "/api/v1/users/nadia/assignment", revoke.dump());
  ASSERT_TRUE(revoked);
  ASSERT_EQ(revoked->status, 200) << revoked->body;
  EXPECT_EQ(Parsed(revoked)["roles"], Json::array({"reviewer"}));
  EXPECT_EQ(Parsed(revoked)["situations"], Json::array({"SIT-TAR"}));

  ExpectProblem(world_->Send(adi, "POST", "/api/v1/users/nadia/assignment",
                             Json{{"action", "give"}, {"roles", {"viewer"}}}.dump()),
                400, "/action");
  ExpectProblem(
      world_->Send(adi, "POST", "/api/v1/users/nadia/assignment", Json{{"action", "grant"}}.dump()),
      400, "/roles");
  ExpectProblem(world_->Send(adi, "POST", "/api/v1/users/nobody/assignment", grant.dump()), 404,
                "name");
  // An admin keeps their own admin role.
  ExpectProblem(world_->Send(adi, "POST", "/api/v1/users/adi/assignment",
                             Json{{"action", "revoke"}, {"roles", {"admin"}}}.dump()),
                409, "/roles");
}

TEST_F(AccountRoutesTest, OnlyAnAdminReachesTheUsersAndNobodyDisablesThemselves) {
  for (const char* name : {"vera", "mo", "rita", "ana", "dana"}) {
    Login who = world_->LogIn(name);
    ExpectProblem(world_->Get(who, "/api/v1/users"), 403, "");
    ExpectProblem(world_->Send(who, "POST", "/api/v1/users",
                               Json{{"name", "x1"}, {"password", "long enough password"}}.dump()),
                  403, "");
  }
  Login adi = world_->LogIn("adi");
  ExpectProblem(
      world_->Send(adi, "PUT", "/api/v1/users/adi/disabled", Json{{"disabled", true}}.dump()), 409,
      "/disabled");
  ExpectProblem(
      world_->Send(adi, "PUT", "/api/v1/users/rex/disabled", Json{{"disabled", "yes"}}.dump()), 400,
      "/disabled");
  Login rex = world_->LogIn("rex");
  ASSERT_FALSE(rex.cookie.empty());
  auto disabled =
      world_->Send(adi, "PUT", "/api/v1/users/rex/disabled", Json{{"disabled", true}}.dump());
  ASSERT_TRUE(disabled);
  ASSERT_EQ(disabled->status, 200) << disabled->body;
  EXPECT_TRUE(Parsed(disabled).value("disabled", false));
  // The disabled principal's login has ended and a new one is refused.
  auto after = world_->Get(rex, "/api/v1/session");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 401);
  EXPECT_TRUE(world_->LogIn("rex").cookie.empty());
  auto enabled =
      world_->Send(adi, "PUT", "/api/v1/users/rex/disabled", Json{{"disabled", false}}.dump());
  ASSERT_TRUE(enabled && enabled->status == 200);
  EXPECT_FALSE(world_->LogIn("rex").cookie.empty());
}

TEST_F(AccountRoutesTest, OwnPasswordNeedsTheCurrentOneAndEndsLoginsAndTokens) {
  Login dana = world_->LogIn("dana");
  auto issued = world_->Send(dana, "POST", "/api/v1/tokens", "{}");
  ASSERT_TRUE(issued && issued->status == 201);
  const std::string token = Parsed(issued).value("token", "");
  const std::string id = Parsed(issued).value("id", "");

  auto listed = world_->Get(dana, "/api/v1/tokens");
  ASSERT_TRUE(listed && listed->status == 200);
  ASSERT_EQ(Parsed(listed)["items"].size(), 1u);
  EXPECT_EQ(Parsed(listed)["items"][0].value("id", ""), id);
  EXPECT_FALSE(Parsed(listed)["items"][0].value("revoked", true));
  EXPECT_EQ(listed->body.find(token.substr(token.rfind('_') + 1)), std::string::npos);
  // Another principal's list does not hold it.
  Login vera = world_->LogIn("vera");
  auto others = world_->Get(vera, "/api/v1/tokens");
  ASSERT_TRUE(others && others->status == 200);
  EXPECT_EQ(others->body.find(id), std::string::npos);

  ExpectProblem(world_->Send(dana, "PUT", "/api/v1/account/password",
                             Json{{"current_password", "not it at all"},
                                  {"new_password", "a brand new password"}}
                                 .dump()),
                403, "/current_password");
  ExpectProblem(
      world_->Send(
          dana, "PUT", "/api/v1/account/password",
          Json{{"current_password", testing_support::kPassword}, {"new_password", "short"}}.dump()),
      400, "/new_password");
  ExpectProblem(world_->Send(dana, "PUT", "/api/v1/account/password",
                             Json{{"new_password", "a brand new password"}}.dump()),
                400, "/current_password");
  auto changed = world_->Send(dana, "PUT", "/api/v1/account/password",
                              Json{{"current_password", testing_support::kPassword},
                                   {"new_password", "a brand new password"}}
                                  .dump());
  ASSERT_TRUE(changed);
  ASSERT_EQ(changed->status, 204) << changed->body;
  auto ended = world_->Get(dana, "/api/v1/session");
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->status, 401);
  auto bearer = world_->client().Get("/api/v1/session", {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->status, 401);
  EXPECT_TRUE(world_->LogIn("dana").cookie.empty());
  auto fresh = world_->client().Post(
      "/api/v1/session", Json{{"name", "dana"}, {"password", "a brand new password"}}.dump(),
      "application/json");
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->status, 201);
}

// A stolen login cannot guess its principal's password through the
// password change: wrong current passwords count in the failed-login
// limiter (five per name and address), after which even the right one is
// refused with 429 and Retry-After, and so is a login with it.
TEST_F(AccountRoutesTest, WrongCurrentPasswordsAreLimitedLikeFailedLogins) {
  Login dana = world_->LogIn("dana");
  const auto attempt = [&](const std::string& current) {
    return world_->Send(
        dana, "PUT", "/api/v1/account/password",
        Json{{"current_password", current}, {"new_password", "a brand new password"}}.dump());
  };
  // A refusal that never checks the current password does not count.
  for (int i = 0; i < 6; ++i) {
    ExpectProblem(world_->Send(dana, "PUT", "/api/v1/account/password",
                               Json{{"current_password", testing_support::kPassword},
                                    {"new_password", "short"}}
                                   .dump()),
                  400, "/new_password");
  }
  for (int i = 0; i < 5; ++i)
    ExpectProblem(attempt("guess number " + std::to_string(i)), 403, "/current_password");
  auto limited = attempt(testing_support::kPassword);
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429) << limited->body;
  ASSERT_TRUE(limited->has_header("Retry-After"));
  EXPECT_GE(std::stoi(limited->get_header_value("Retry-After")), 1);
  auto login = world_->client().Post(
      "/api/v1/session", Json{{"name", "dana"}, {"password", testing_support::kPassword}}.dump(),
      "application/json");
  ASSERT_TRUE(login);
  EXPECT_EQ(login->status, 429);
  // Another principal is not held back.
  Login vera = world_->LogIn("vera");
  EXPECT_FALSE(vera.cookie.empty());
}

TEST_F(AccountRoutesTest, TheConsentRegisterShowsEditorsTheirRestrictedIncidents) {
  Login mo = world_->LogIn("mo");
  auto listed = world_->Get(mo, "/api/v1/consent-register");
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->status, 200) << listed->body;
  std::map<std::string, std::string> consent;
  const Json entries = Parsed(listed);
  for (const Json& e : entries["items"]) {
    consent[e.value("id", "")] = e.value("consent", "");
    EXPECT_EQ(e.value("situation", ""), "SIT-VAL");
    // Never more than the tombstone keeps.
    EXPECT_FALSE(e.contains("location"));
    EXPECT_FALSE(e.contains("narrative"));
  }
  EXPECT_EQ(consent["I-2023-005"], "withdrawn");
  EXPECT_EQ(consent["I-MARK-2"], "internal_use");
  EXPECT_EQ(consent.count("I-2023-003"), 0u);
  EXPECT_EQ(listed->body.find(testing_support::kPlaceMarker), std::string::npos);

  for (const char* name : {"vera", "rita", "ana", "dana", "adi"}) {
    ExpectProblem(world_->Get(world_->LogIn(name), "/api/v1/consent-register"), 403, "");
  }
  Json restore = {{"consent", "internal_use"}, {"reason", "consent given again in person"}};
  auto restored =
      world_->Send(mo, "POST", "/api/v1/incidents/I-2023-005/consent-restoration", restore.dump());
  ASSERT_TRUE(restored && restored->status == 200) << (restored ? restored->body : "");
  auto again = world_->Get(mo, "/api/v1/consent-register");
  ASSERT_TRUE(again && again->status == 200);
  bool seen = false;
  const Json entries_after = Parsed(again);
  for (const Json& e : entries_after["items"]) {
    if (e.value("id", "") != "I-2023-005") continue;
    seen = true;
    EXPECT_EQ(e.value("consent", ""), "internal_use");
    EXPECT_EQ(e["last_change"].value("action", ""), "consent restored");
    EXPECT_EQ(e["last_change"].value("by", ""), "mo");
    EXPECT_EQ(e["last_change"].value("reason", ""), "consent given again in person");
  }
  EXPECT_TRUE(seen) << again->body;
}

TEST_F(AccountRoutesTest, EvidenceIsVerifiedByAReviewerWhoDidNotReceiveIt) {
  Login adi = world_->LogIn("adi");
  // A monitor who is also a reviewer: may verify in general, never what it received.
  Json both = {{"name", "both"},
               {"roles", {"monitor", "reviewer"}},
               {"situations", {"SIT-VAL"}},
               {"password", testing_support::kPassword}};
  auto made = world_->Send(adi, "POST", "/api/v1/users", both.dump());
  ASSERT_TRUE(made && made->status == 201) << (made ? made->body : "");
  Login mine = world_->LogIn("both");
  auto uploaded = world_->Upload(mine, "/api/v1/evidence",
                                 {{"file", "a photograph's bytes", "photo.jpg", "image/jpeg"},
                                  {"incident", "I-2022-001", "", ""},
                                  {"description", "photo", "", ""}});
  ASSERT_TRUE(uploaded && uploaded->status == 201) << (uploaded ? uploaded->body : "");
  const std::string id = Parsed(uploaded).value("id", "");
  const std::string path = "/api/v1/evidence/" + id + "/verification";

  auto own = world_->Send(mine, "POST", path, "");
  ExpectProblem(own, 403, "id");
  EXPECT_NE(own->body.find("four-eyes"), std::string::npos) << own->body;
  ExpectProblem(world_->Send(world_->LogIn("ana"), "POST", path, ""), 403, "id");
  ExpectProblem(
      world_->Send(world_->LogIn("rita"), "POST", "/api/v1/evidence/EV-NONE/verification", ""), 404,
      "id");

  Login rita = world_->LogIn("rita");
  auto checked = world_->Send(rita, "POST", path, "");
  ASSERT_TRUE(checked);
  ASSERT_EQ(checked->status, 200) << checked->body;
  EXPECT_TRUE(Parsed(checked).value("intact", false));
  EXPECT_EQ(Parsed(checked).value("verified_by", ""), "rita");
  auto custody = world_->Get(rita, "/api/v1/evidence/" + id + "/custody");
  ASSERT_TRUE(custody && custody->status == 200);
  bool verified = false;
  const Json records = Parsed(custody);
  for (const Json& r : records["items"]) {
    verified = verified ||
               (r.value("action", "") == "evidence.verify" && r.value("principal", "") == "rita");
  }
  EXPECT_TRUE(verified) << custody->body;
}

}  // namespace
}  // namespace mara::api
