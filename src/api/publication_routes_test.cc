// The publication routes end to end over a real server and SQLite store
// (api_world_test_support.h): request, four-eyes sign-off, the files as
// published, the annex's `published` member before and after a later
// write, a second publication, refusals as problem documents, and the
// OpenAPI document naming the routes.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "api/api_world_test_support.h"
#include "common/text.h"

namespace mara::api {
namespace {

using testing_support::ExpectProblem;
using testing_support::Json;
using testing_support::Login;
using testing_support::World;

class PublicationRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    world_ = World::Create(&error);
    ASSERT_EQ(error, "");
  }

  httplib::Result Request(const Login& who, int cycle, const std::string& rationale) {
    Json body = {{"cycle", cycle}, {"rationale", rationale}};
    return world_->Send(who, "POST", "/api/v1/publications", body.dump());
  }

  std::unique_ptr<World> world_;
};

TEST_F(PublicationRoutesTest, FourEyesPublishAndFreeze) {
  Login dana = world_->LogIn("dana");
  Login op = world_->LogIn("operator");
  Login vera = world_->LogIn("vera");
  ASSERT_FALSE(dana.cookie.empty());
  ASSERT_FALSE(op.cookie.empty());
  ASSERT_FALSE(vera.cookie.empty());

  // Before any publication the annex is live data only.
  auto annex = world_->Get(vera, "/api/v1/annex/2025");
  ASSERT_TRUE(annex && annex->status == 200);
  EXPECT_TRUE(Json::parse(annex->body)["published"].is_null()) << annex->body;

  ExpectProblem(Request(vera, 2025, "The annex"), 403, "");
  ExpectProblem(Request(dana, 2025, " "), 400, "/rationale");
  ExpectProblem(world_->Send(dana, "POST", "/api/v1/publications", R"({"rationale":"x"})"), 400,
                "/cycle");
  ExpectProblem(Request(dana, 2999, "Too early"), 400, "/cycle");
  ExpectProblem(world_->Send(op, "POST", "/api/v1/publications/2025/signoff", ""), 404, "cycle");

  auto requested = Request(dana, 2025, "The annex of 2025 as reviewed");
  ASSERT_TRUE(requested);
  ASSERT_EQ(requested->status, 201) << requested->body;
  Json request = Json::parse(requested->body);
  EXPECT_EQ(request["number"], 1);
  EXPECT_EQ(request["state"], "requested");
  EXPECT_EQ(request["requested_by"], "dana");
  ExpectProblem(Request(op, 2025, "Again"), 409, "");
  // Pending requests are for decision makers, not for the public.
  auto listed = world_->Get(vera, "/api/v1/publications");
  ASSERT_TRUE(listed && listed->status == 200);
  EXPECT_TRUE(Json::parse(listed->body)["items"].empty()) << listed->body;

  // Four eyes: the requester cannot sign off; another decision maker can.
  ExpectProblem(world_->Send(dana, "POST", "/api/v1/publications/2025/signoff", ""), 403, "");
  ExpectProblem(world_->Send(vera, "POST", "/api/v1/publications/2025/signoff", ""), 403, "");
  auto signed_off = world_->Send(op, "POST", "/api/v1/publications/2025/signoff", "");
  ASSERT_TRUE(signed_off);
  ASSERT_EQ(signed_off->status, 200) << signed_off->body;
  Json first = Json::parse(signed_off->body);
  EXPECT_EQ(first["state"], "published");
  EXPECT_EQ(first["signed_off_by"], "operator");
  EXPECT_EQ(first["data_digest"].get<std::string>().size(), 64u);
  ASSERT_EQ(first["files"].size(), 10u);  // html, md, json, csv, ftm and their signatures
  ExpectProblem(world_->Send(op, "POST", "/api/v1/publications/2025/signoff", ""), 404, "cycle");

  // Every file downloads as published, for a viewer too.
  std::map<std::string, std::string> frozen;
  for (const Json& f : first["files"]) {
    auto file = world_->Get(vera, f["href"].get<std::string>());
    ASSERT_TRUE(file);
    ASSERT_EQ(file->status, 200) << f["href"];
    EXPECT_EQ(Sha256Hex(file->body), f["sha256"].get<std::string>()) << f["name"];
    EXPECT_NE(file->get_header_value("Content-Disposition").find("attachment"), std::string::npos);
    frozen[f["href"].get<std::string>()] = file->body;
  }
  auto json_file = world_->Get(vera, "/api/v1/publications/2025/1/files/report-2025-public.json");
  ASSERT_TRUE(json_file && json_file->status == 200);
  Json report = Json::parse(json_file->body);
  EXPECT_EQ(report["edition"], "public");
  EXPECT_EQ(report["data_digest"], first["data_digest"]);
  ExpectProblem(world_->Get(vera, "/api/v1/publications/2025/1/files/mara.keys"), 404, "name");
  ExpectProblem(world_->Get(vera, "/api/v1/publications/2025/7/files/report-2025-public.json"), 404,
                "name");

  // The viewer's list: published, without statement or names.
  listed = world_->Get(vera, "/api/v1/publications");
  ASSERT_TRUE(listed && listed->status == 200);
  Json items = Json::parse(listed->body)["items"];
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["rationale"], "");
  EXPECT_EQ(items[0]["requested_by"], "");
  EXPECT_EQ(items[0]["signed_off_by"], "");
  annex = world_->Get(vera, "/api/v1/annex/2025");
  ASSERT_TRUE(annex && annex->status == 200);
  Json published = Json::parse(annex->body)["published"];
  ASSERT_TRUE(published.is_object()) << annex->body;
  EXPECT_EQ(published["number"], 1);
  EXPECT_EQ(published["data_digest"], first["data_digest"]);
  EXPECT_EQ(published["same_data"], true);

  // A later write changes the live data, not the publication.
  Json petition = {{"party", "P-KB"}, {"grounds", "New material"}, {"new_material", true}};
  auto filed = world_->Send(dana, "POST", "/api/v1/petitions", petition.dump());
  ASSERT_TRUE(filed);
  ASSERT_EQ(filed->status, 201) << filed->body;
  annex = world_->Get(vera, "/api/v1/annex/2025");
  ASSERT_TRUE(annex && annex->status == 200);
  published = Json::parse(annex->body)["published"];
  EXPECT_EQ(published["number"], 1);
  EXPECT_EQ(published["same_data"], false);
  for (const auto& [href, bytes] : frozen) {
    auto file = world_->Get(vera, href);
    ASSERT_TRUE(file && file->status == 200) << href;
    EXPECT_EQ(file->body, bytes) << href;
  }

  // A second publication of the cycle is number 2; the first stays.
  requested = Request(op, 2025, "After the petition");
  ASSERT_TRUE(requested && requested->status == 201);
  EXPECT_EQ(Json::parse(requested->body)["number"], 2);
  signed_off = world_->Send(dana, "POST", "/api/v1/publications/2025/signoff", "{}");
  ASSERT_TRUE(signed_off);
  ASSERT_EQ(signed_off->status, 200) << signed_off->body;
  Json second = Json::parse(signed_off->body);
  EXPECT_EQ(second["number"], 2);
  EXPECT_NE(second["data_digest"], first["data_digest"]);
  listed = world_->Get(dana, "/api/v1/publications?cycle=2025");
  ASSERT_TRUE(listed && listed->status == 200);
  items = Json::parse(listed->body)["items"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]["number"], 1);
  EXPECT_EQ(items[0]["rationale"], "The annex of 2025 as reviewed");
  EXPECT_EQ(items[0]["data_digest"], first["data_digest"]);
  EXPECT_EQ(items[1]["signed_off_by"], "dana");
  annex = world_->Get(vera, "/api/v1/annex/2025");
  ASSERT_TRUE(annex && annex->status == 200);
  published = Json::parse(annex->body)["published"];
  EXPECT_EQ(published["number"], 2);
  EXPECT_EQ(published["same_data"], true);

  // The audit log holds both steps of both publications.
  auto audit = world_->Get(world_->LogIn("adi"), "/api/v1/audit?limit=1000");
  ASSERT_TRUE(audit && audit->status == 200);
  EXPECT_NE(audit->body.find("publication.request"), std::string::npos);
  EXPECT_NE(audit->body.find("publication.signoff"), std::string::npos);
}

TEST_F(PublicationRoutesTest, OpenApiNamesTheRoutes) {
  Login vera = world_->LogIn("vera");
  auto doc = world_->Get(vera, "/api/v1/openapi.json");
  ASSERT_TRUE(doc && doc->status == 200);
  Json paths = Json::parse(doc->body)["paths"];
  EXPECT_TRUE(paths["/api/v1/publications"].contains("get"));
  EXPECT_TRUE(paths["/api/v1/publications"].contains("post"));
  EXPECT_TRUE(paths["/api/v1/publications"]["post"]["responses"].contains("409"));
  EXPECT_TRUE(paths["/api/v1/publications/{cycle}/signoff"].contains("post"));
  EXPECT_TRUE(paths["/api/v1/publications/{cycle}/{number}/files/{name}"].contains("get"));
}

}  // namespace
}  // namespace mara::api
