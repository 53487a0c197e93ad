// A principal's preferred language over HTTP (docs/api.md, "Languages"):
// one's own set and cleared through /account/language and shown by
// /session, an admin's through /users, the order that decides a request's
// language (lang=, then the saved language, then Accept-Language, then
// English), two principals with different languages never served each
// other's answers, and problem titles in the request's language with
// Content-Language, their English the HTTP reason phrases.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/api_world_test_support.h"
#include "api/problem.h"
#include "report/problem_titles.h"

namespace mara::api {
namespace {

using testing_support::ExpectProblem;
using testing_support::Json;
using testing_support::Login;
using testing_support::World;

class LanguageRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    world_ = World::Create(&error);
    ASSERT_EQ(error, "");
  }
  static Json Parsed(const httplib::Result& res) { return Json::parse(res->body, nullptr, false); }

  httplib::Result SetOwn(const Login& who, const Json& language) {
    return world_->Send(who, "PUT", "/api/v1/account/language",
                        Json{{"language", language}}.dump());
  }

  // The Content-Language of the HTML report as `who`, with these headers.
  std::string ReportLanguage(const Login& who, const std::string& query,
                             const std::string& accept = "") {
    httplib::Headers h;
    if (!accept.empty()) h.emplace("Accept-Language", accept);
    auto r = world_->Get(who, "/api/v1/reports/2025?format=html" + query, h);
    if (!r || r->status != 200) {
      ADD_FAILURE() << (r ? r->body : std::string("no answer"));
      return "";
    }
    const std::string lang = r->get_header_value("Content-Language");
    EXPECT_NE(r->body.find("<html lang=\"" + lang + "\""), std::string::npos) << lang;
    return lang;
  }

  std::unique_ptr<World> world_;
};

TEST_F(LanguageRoutesTest, OnesOwnLanguageIsSavedShownAndKeepsTheLogin) {
  Login vera = world_->LogIn("vera");
  auto me = world_->Get(vera, "/api/v1/session");
  ASSERT_TRUE(me && me->status == 200);
  EXPECT_TRUE(Parsed(me)["language"].is_null()) << me->body;

  auto set = SetOwn(vera, "ar");
  ASSERT_TRUE(set);
  ASSERT_EQ(set->status, 200) << set->body;
  EXPECT_EQ(Parsed(set), (Json{{"language", "ar"}}));
  // The same login goes on, and says the language.
  me = world_->Get(vera, "/api/v1/session");
  ASSERT_TRUE(me && me->status == 200) << (me ? me->body : "");
  EXPECT_EQ(Parsed(me)["language"], "ar");
  // A new login says it too.
  auto login = world_->client().Post(
      "/api/v1/session", Json{{"name", "vera"}, {"password", testing_support::kPassword}}.dump(),
      "application/json");
  ASSERT_TRUE(login && login->status == 201);
  EXPECT_EQ(Parsed(login)["language"], "ar");

  // Only the six codes, or null to clear it.
  for (const Json& bad : {Json("de"), Json("EN"), Json("fr-CA"), Json(""), Json(7)}) {
    ExpectProblem(SetOwn(vera, bad), 400, "/language");
  }
  ExpectProblem(world_->Send(vera, "PUT", "/api/v1/account/language", "{}"), 400, "/language");
  me = world_->Get(vera, "/api/v1/session");
  EXPECT_EQ(Parsed(me)["language"], "ar");
  set = SetOwn(vera, nullptr);
  ASSERT_TRUE(set && set->status == 200) << (set ? set->body : "");
  EXPECT_TRUE(Parsed(set)["language"].is_null());
  me = world_->Get(vera, "/api/v1/session");
  EXPECT_TRUE(Parsed(me)["language"].is_null());
}

TEST_F(LanguageRoutesTest, AnAdminSetsAPrincipalsLanguageOnCreationAndAfter) {
  Login adi = world_->LogIn("adi");
  Json body = {{"name", "nadia"},
               {"roles", {"viewer"}},
               {"password", "nadia's long password"},
               {"language", "ru"}};
  auto created = world_->Send(adi, "POST", "/api/v1/users", body.dump());
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  EXPECT_EQ(Parsed(created)["language"], "ru");
  body["name"] = "omar";
  body["language"] = "de";
  ExpectProblem(world_->Send(adi, "POST", "/api/v1/users", body.dump()), 400, "/language");

  auto changed =
      world_->Send(adi, "PUT", "/api/v1/users/nadia/language", Json{{"language", "zh"}}.dump());
  ASSERT_TRUE(changed);
  ASSERT_EQ(changed->status, 200) << changed->body;
  EXPECT_EQ(Parsed(changed)["language"], "zh");
  auto list = world_->Get(adi, "/api/v1/users");
  ASSERT_TRUE(list && list->status == 200);
  const Json users = Parsed(list);
  for (const Json& u : users["items"]) {
    if (u["name"] == "nadia") {
      EXPECT_EQ(u["language"], "zh");
    }
    if (u["name"] == "vera") {
      EXPECT_TRUE(u["language"].is_null());
    }
  }
  ExpectProblem(
      world_->Send(adi, "PUT", "/api/v1/users/nobody/language", Json{{"language", "zh"}}.dump()),
      404, "name");
  // Another principal's language is an admin's to set.
  Login vera = world_->LogIn("vera");
  ExpectProblem(
      world_->Send(vera, "PUT", "/api/v1/users/nadia/language", Json{{"language", "fr"}}.dump()),
      403, "");
}

TEST_F(LanguageRoutesTest, LangBeatsTheSavedLanguageWhichBeatsAcceptLanguage) {
  Login vera = world_->LogIn("vera");
  EXPECT_EQ(ReportLanguage(vera, ""), "en");
  EXPECT_EQ(ReportLanguage(vera, "", "es"), "es");
  ASSERT_EQ(SetOwn(vera, "fr")->status, 200);
  EXPECT_EQ(ReportLanguage(vera, ""), "fr");
  EXPECT_EQ(ReportLanguage(vera, "", "es"), "fr");
  EXPECT_EQ(ReportLanguage(vera, "&lang=ru", "es"), "ru");
  EXPECT_EQ(ReportLanguage(vera, "&lang=en", "es"), "en");
  // A bearer token's principal is the same principal.
  auto issued = world_->Send(vera, "POST", "/api/v1/tokens", "{}");
  ASSERT_TRUE(issued && issued->status == 201);
  httplib::Headers bearer = {
      {"Authorization", "Bearer " + Parsed(issued)["token"].get<std::string>()},
      {"Accept-Language", "zh"}};
  auto by_token = world_->client().Get("/api/v1/reports/2025?format=html", bearer);
  ASSERT_TRUE(by_token && by_token->status == 200);
  EXPECT_EQ(by_token->get_header_value("Content-Language"), "fr");
  ASSERT_EQ(SetOwn(vera, nullptr)->status, 200);
  EXPECT_EQ(ReportLanguage(vera, "", "es"), "es");
  EXPECT_EQ(ReportLanguage(vera, ""), "en");
}

TEST_F(LanguageRoutesTest, TwoPrincipalsWithTheirOwnLanguagesNeverGetEachOthersAnswer) {
  Login vera = world_->LogIn("vera");
  Login rita = world_->LogIn("rita");
  ASSERT_EQ(SetOwn(vera, "ar")->status, 200);
  ASSERT_EQ(SetOwn(rita, "zh")->status, 200);
  // Alternating, with one Accept-Language, so that whatever keeps answers
  // has to keep them apart.
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(ReportLanguage(vera, "", "en"), "ar") << round;
    EXPECT_EQ(ReportLanguage(rita, "", "en"), "zh") << round;
  }
  // A change is seen by the next request.
  ASSERT_EQ(SetOwn(vera, "ru")->status, 200);
  EXPECT_EQ(ReportLanguage(vera, "", "en"), "ru");
  EXPECT_EQ(ReportLanguage(rita, "", "en"), "zh");
}

TEST_F(LanguageRoutesTest, ProblemTitlesSpeakTheRequestsLanguage) {
  Login vera = world_->LogIn("vera");
  auto title_of = [](const httplib::Result& r) { return Json::parse(r->body).value("title", ""); };

  // English as before, saying so.
  auto bad = world_->Get(vera, "/api/v1/reports/12?format=json");
  ExpectProblem(bad, 400, "cycle");
  EXPECT_EQ(title_of(bad), "Bad Request");
  EXPECT_EQ(bad->get_header_value("Content-Language"), "en");
  const std::string detail = Json::parse(bad->body).value("detail", "");

  // Accept-Language; the detail stays English.
  auto french = world_->Get(vera, "/api/v1/reports/12?format=json", {{"Accept-Language", "fr"}});
  ExpectProblem(french, 400, "cycle");
  EXPECT_EQ(title_of(french), "Requête incorrecte");
  EXPECT_EQ(french->get_header_value("Content-Language"), "fr");
  EXPECT_EQ(Json::parse(french->body).value("detail", ""), detail);

  // Before any login: 401 in Arabic.
  auto anonymous = world_->client().Get("/api/v1/incidents", {{"Accept-Language", "ar"}});
  ExpectProblem(anonymous, 401, "");
  EXPECT_EQ(title_of(anonymous), "غير مصرح به");
  EXPECT_EQ(anonymous->get_header_value("Content-Language"), "ar");

  // The saved language beats Accept-Language; lang= beats both, and a lang
  // that is none of the six is passed over for the title of its refusal.
  ASSERT_EQ(SetOwn(vera, "zh")->status, 200);
  auto missing = world_->Get(vera, "/api/v1/incidents/I-NOPE", {{"Accept-Language", "fr"}});
  ExpectProblem(missing, 404, "");
  EXPECT_EQ(title_of(missing), "未找到");
  EXPECT_EQ(missing->get_header_value("Content-Language"), "zh");
  auto asked = world_->Get(vera, "/api/v1/reports/12?format=json&lang=ru");
  EXPECT_EQ(title_of(asked), "Неверный запрос");
  EXPECT_EQ(asked->get_header_value("Content-Language"), "ru");
  auto wrong = world_->Get(vera, "/api/v1/reports/2025?format=json&lang=xx");
  ExpectProblem(wrong, 400, "lang");
  EXPECT_EQ(title_of(wrong), "错误的请求");
  // A refused language is a problem in the language the request would have
  // had otherwise.
  auto refused = SetOwn(vera, "de");
  ExpectProblem(refused, 400, "/language");
  EXPECT_EQ(refused->get_header_value("Content-Language"), "zh");
}

TEST(ProblemTitlesTest, EnglishTitlesAreTheReasonPhrasesAndEveryLanguageHasEach) {
  std::vector<int> statuses = report::ProblemTitleStatuses();
  statuses.push_back(418);  // no title of its own: "Client Error"
  statuses.push_back(599);  // "Server Error"
  ASSERT_GT(statuses.size(), 20u);
  for (int status : statuses) {
    EXPECT_EQ(report::ProblemTitle(i18n::Language::kEn, status), std::string(ReasonPhrase(status)))
        << status;
    for (i18n::Language lang : i18n::kAllLanguages) {
      std::optional<std::string> title = report::ProblemTitle(lang, status);
      ASSERT_TRUE(title.has_value());
      EXPECT_FALSE(title->empty());
      EXPECT_EQ(title->find("[["), std::string::npos) << *title;
      if (lang != i18n::Language::kEn) {
        EXPECT_NE(*title, std::string(ReasonPhrase(status)))
            << i18n::LanguageCode(lang) << " " << status;
      }
    }
  }
  EXPECT_FALSE(report::ProblemTitle(i18n::Language::kFr, 200).has_value());
}

}  // namespace
}  // namespace mara::api
