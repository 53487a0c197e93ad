// The router, query parsing and the Status-to-HTTP mapping, without a
// network.
#include "api/router.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/problem.h"
#include "api/resources.h"

namespace mara::api {
namespace {

Router MakeRouter() {
  Router router;
  Handler echo = [](Request&) { return Response{}; };
  router.Add({.method = "GET", .pattern = "/api/v1/parties"}, echo);
  router.Add({.method = "GET", .pattern = "/api/v1/parties/{id}"}, echo);
  router.Add({.method = "GET", .pattern = "/api/v1/decisions/{party}/{cycle}"}, echo);
  router.Add({.method = "POST", .pattern = "/api/v1/decisions"}, echo);
  return router;
}

TEST(RouterTest, MatchesPatternsAndDecodesParameters) {
  Router router = MakeRouter();
  auto m = router.Find("GET", "/api/v1/decisions/P%2DNLF/2025");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_NE(m->route, nullptr);
  EXPECT_EQ(m->route->spec.pattern, "/api/v1/decisions/{party}/{cycle}");
  EXPECT_EQ(m->params.at("party"), "P-NLF");
  EXPECT_EQ(m->params.at("cycle"), "2025");
  auto list = router.Find("GET", "/api/v1/parties");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->route->spec.pattern, "/api/v1/parties");
}

TEST(RouterTest, WrongMethodListsTheAllowedOnes) {
  Router router = MakeRouter();
  auto m = router.Find("DELETE", "/api/v1/decisions");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->route, nullptr);
  ASSERT_EQ(m->allowed.size(), 1u);
  EXPECT_EQ(m->allowed[0], "POST");
}

TEST(RouterTest, UnknownPathsEmptySegmentsAndBadBytes) {
  Router router = MakeRouter();
  EXPECT_EQ(router.Find("GET", "/api/v1/nothing").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(router.Find("GET", "/api/v1/parties/").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(router.Find("GET", "/api/v1/parties/a/b").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(router.Find("GET", "/api/v1/parties/%FF").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(router.Find("GET", "/api/v1/parties/%4").status().code(), StatusCode::kInvalidArgument);
}

TEST(QueryTest, DecodesPlusPercentAndKeepsOrder) {
  auto q = ParseQuery("a=1&b=x+y&c=%C3%A9&&d&a=2");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_EQ(q->size(), 5u);
  EXPECT_EQ((*q)[1].second, "x y");
  EXPECT_EQ((*q)[2].second, "\xC3\xA9");
  EXPECT_EQ((*q)[3].first, "d");
  EXPECT_EQ((*q)[3].second, "");
  Request req;
  req.query = *q;
  EXPECT_EQ(req.Query("a").value_or(""), "1");
  EXPECT_FALSE(req.Query("z").has_value());
}

TEST(QueryTest, RefusesInvalidUtf8AndBadEscapesNamingTheParameter) {
  auto bad = ParseQuery("situation=%FF%FE");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("situation"), std::string::npos);
  EXPECT_FALSE(ParseQuery("x=%G1").ok());
  EXPECT_FALSE(ParseQuery("x=%").ok());
  EXPECT_FALSE(ParseQuery("%C0%AF=1").ok());  // overlong encoding of '/'
}

TEST(ProblemTest, StatusCodesMapToHttpStatusesInOnePlace) {
  EXPECT_EQ(HttpStatusFor(StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFor(StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(StatusCode::kConflict), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kCorruption), 500);
  EXPECT_EQ(HttpStatusFor(StatusCode::kIOError), 500);
  Response r = ProblemFor(Status::InvalidArgument("cycle: bad"), "cycle");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "application/problem+json");
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["type"], "urn:mara:problem:invalid_argument");
  EXPECT_EQ(j["field"], "cycle");
  EXPECT_EQ(j["status"], 400);
  // Hostile bytes in a detail still give a valid document.
  Response hostile = Problem(400, "invalid_argument", "bad \xFF byte");
  EXPECT_TRUE(nlohmann::json::accept(hostile.body));
}

TEST(IfMatchTest, MissingStaleListedAndStar) {
  Request req;
  const std::optional<std::string> current = EtagOf("body");
  EXPECT_EQ(CheckIfMatch(req, current)->status, 428);
  EXPECT_FALSE(CheckIfMatch(req, std::nullopt).has_value());
  req.headers["if-match"] = "\"stale\"";
  EXPECT_EQ(CheckIfMatch(req, current)->status, 412);
  EXPECT_EQ(CheckIfMatch(req, std::nullopt)->status, 412);
  req.headers["if-match"] = "\"stale\", " + *current;
  EXPECT_FALSE(CheckIfMatch(req, current).has_value());
  req.headers["if-match"] = "W/" + *current;  // weak tags never match
  EXPECT_EQ(CheckIfMatch(req, current)->status, 412);
  req.headers["if-match"] = "*";
  EXPECT_FALSE(CheckIfMatch(req, current).has_value());
  EXPECT_NE(EtagOf("a"), EtagOf("b"));
}

}  // namespace
}  // namespace mara::api
