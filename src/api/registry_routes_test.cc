// The registry's routes (resources_registry.cc) over a real server and
// store holding the demo data: each kind created and replaced, problems
// naming the field, If-Match (428/412, nothing written on a stale one),
// refusals by role, a party's rename, a measure's four-eyes verification
// and the histories (values only for confidential readers).
#include <gtest/gtest.h>

#include <string>

#include "api/api_world_test_support.h"

namespace mara::api {
namespace {

using testing_support::ExpectProblem;
using testing_support::Json;
using testing_support::Login;
using testing_support::World;

class RegistryRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    world_ = World::Create(&error);
    ASSERT_EQ(error, "");
  }

  static Json Body(const httplib::Result& res) { return Json::parse(res->body, nullptr, false); }

  httplib::Result Post(const Login& who, const std::string& path, const Json& body) {
    return world_->Send(who, "POST", path, body.dump());
  }
  httplib::Result Put(const Login& who, const std::string& path, const Json& body,
                      const std::string& etag) {
    httplib::Headers headers;
    if (!etag.empty()) headers.emplace("If-Match", etag);
    return world_->Send(who, "PUT", path, body.dump(), headers);
  }

  std::unique_ptr<World> world_;
};

TEST_F(RegistryRoutesTest, PartiesUnitsRenamesAndTheirHistory) {
  Login ana = world_->LogIn("ana");
  Json party = {
      {"id", "P-WEB"}, {"name", "Web Front"}, {"kind", "non_state"}, {"situation", "SIT-VAL"}};
  auto created = Post(ana, "/api/v1/parties", party);
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  EXPECT_EQ(created->get_header_value("Location"), "/api/v1/parties/P-WEB");
  ExpectProblem(Post(ana, "/api/v1/parties", party), 409, "/id");

  Json unit = {{"id", "P-WEB-U"},
               {"name", "Web Brigade"},
               {"kind", "non_state"},
               {"situation", "SIT-VAL"},
               {"parent", "P-WEB"}};
  auto unit_created = Post(ana, "/api/v1/parties", unit);
  ASSERT_EQ(unit_created->status, 201) << unit_created->body;
  Json orphan = unit;
  orphan["id"] = "P-WEB-X";
  orphan["parent"] = "P-NOBODY";
  auto refused = Post(ana, "/api/v1/parties", orphan);
  ExpectProblem(refused, 400, "/parent");
  EXPECT_NE(Body(refused)["detail"].get<std::string>().find("unknown party"), std::string::npos);
  orphan.erase("name");
  ExpectProblem(Post(ana, "/api/v1/parties", orphan), 400, "/name");

  // The party's view lists its unit; its ETag guards the rename.
  auto read = world_->Get(ana, "/api/v1/parties/P-WEB");
  ASSERT_EQ(read->status, 200);
  EXPECT_EQ(Body(read)["children"], Json::array({"P-WEB-U"}));
  const std::string etag = read->get_header_value("ETag");
  auto no_match = world_->Send(ana, "POST", "/api/v1/parties/P-WEB/rename",
                               Json{{"name", "Renewed Front"}, {"from", "2025-06-01"}}.dump());
  EXPECT_EQ(no_match->status, 428);
  auto renamed = world_->Send(ana, "POST", "/api/v1/parties/P-WEB/rename",
                              Json{{"name", "Renewed Front"}, {"from", "2025-06-01"}}.dump(),
                              {{"If-Match", etag}});
  ASSERT_EQ(renamed->status, 200) << renamed->body;
  EXPECT_EQ(Body(renamed)["names_over_time"][0]["name"], "Web Front");

  // A PUT with the ETag read before the rename is refused; nothing changes.
  Json edited = party;
  edited["aliases"] = Json::array({"WF"});
  auto stale = Put(ana, "/api/v1/parties/P-WEB", edited, etag);
  ExpectProblem(stale, 412, "If-Match");
  ExpectProblem(Put(ana, "/api/v1/parties/P-WEB", edited, ""), 428, "If-Match");
  EXPECT_EQ(Body(world_->Get(ana, "/api/v1/parties/P-WEB"))["name"], "Renewed Front");

  auto history = world_->Get(ana, "/api/v1/parties/P-WEB/history");
  ASSERT_EQ(history->status, 200);
  const Json entries = Body(history)["history"];
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1]["action"], "renamed");
  EXPECT_EQ(entries[1]["by"], "ana");

  // Viewers and reviewers read; they do not write.
  Json another = party;
  another["id"] = "P-WEB-2";
  ExpectProblem(Post(world_->LogIn("vera"), "/api/v1/parties", another), 403, "");
  ExpectProblem(Post(world_->LogIn("rita"), "/api/v1/parties", another), 403, "");
  auto public_history = world_->Get(world_->LogIn("vera"), "/api/v1/parties/P-WEB/history");
  ASSERT_EQ(public_history->status, 200);
  EXPECT_FALSE(Body(public_history)["history"][0].contains("by"));
}

TEST_F(RegistryRoutesTest, SourcesDesignationsEngagementsAndStatements) {
  Login ana = world_->LogIn("ana");
  Json source = {{"id", "S-WEB"},        {"kind", "ngo"},      {"title", "Field notes"},
                 {"publisher", "NGO"},   {"reliability", "C"}, {"credibility", 3},
                 {"confidential", false}};
  auto created = Post(ana, "/api/v1/sources", source);
  ASSERT_EQ(created->status, 201) << created->body;
  source["reliability"] = "Z";
  ExpectProblem(Put(ana, "/api/v1/sources/S-WEB", source, created->get_header_value("ETag")), 400,
                "/reliability");
  source["reliability"] = "B";
  auto graded = Put(ana, "/api/v1/sources/S-WEB", source, created->get_header_value("ETag"));
  ASSERT_EQ(graded->status, 200) << graded->body;
  EXPECT_EQ(Body(graded)["reliability"], "B");

  Json designation = {{"party", "P-VAF"},          {"authority", "Regional Union"},
                      {"program", "Web measures"}, {"kind", "sanctions"},
                      {"listed_on", "2025-03-01"}, {"source", "S-WEB"}};
  auto designated = Post(ana, "/api/v1/designations", designation);
  ASSERT_EQ(designated->status, 201) << designated->body;
  const std::string d_path =
      "/api/v1/designations/P-VAF/2025-03-01?authority=Regional%20Union&program=Web%20measures";
  auto d_read = world_->Get(ana, d_path);
  ASSERT_EQ(d_read->status, 200) << d_read->body;
  designation["ended_on"] = "2025-09-01";
  auto ended = Put(ana, "/api/v1/designations/P-VAF/2025-03-01", designation,
                   d_read->get_header_value("ETag"));
  ASSERT_EQ(ended->status, 200) << ended->body;
  EXPECT_EQ(Body(ended)["ended_on"], "2025-09-01");

  Json engagement = {{"party", "P-VAF"},
                     {"date", "2025-05-02"},
                     {"kind", "contact"},
                     {"note", "Web-only liaison meeting"}};
  auto engaged = Post(ana, "/api/v1/engagements", engagement);
  ASSERT_EQ(engaged->status, 201) << engaged->body;
  engagement["date"] = "2999-01-01";
  ExpectProblem(Post(ana, "/api/v1/engagements", engagement), 400, "/date");

  Json statement = {{"id", "ST-WEB"},
                    {"by", "Ministry of Defence"},
                    {"date", "2025-05-03"},
                    {"kind", "dispute"},
                    {"incidents", Json::array({"I-2025-001"})},
                    {"text", "We dispute the account."}};
  auto stated = Post(ana, "/api/v1/statements", statement);
  ASSERT_EQ(stated->status, 201) << stated->body;
  statement["incidents"] = Json::array({"I-NOPE"});
  ExpectProblem(Put(ana, "/api/v1/statements/ST-WEB", statement, stated->get_header_value("ETag")),
                400, "/incidents/0");
  // A viewer's statement carries no text; its history no values.
  auto viewer_history = world_->Get(world_->LogIn("vera"), "/api/v1/statements/ST-WEB/history");
  ASSERT_EQ(viewer_history->status, 200);
  EXPECT_EQ(viewer_history->body.find("We dispute"), std::string::npos);
  auto e_history = world_->Get(ana, "/api/v1/engagements/P-VAF/2025-05-02/contact/history");
  ASSERT_EQ(e_history->status, 200) << e_history->body;
  EXPECT_NE(e_history->body.find("Web-only liaison"), std::string::npos);
}

TEST_F(RegistryRoutesTest, AMeasureIsVerifiedByAnotherPerson) {
  Login ana = world_->LogIn("ana");
  Json commitment = {{"id", "C-WEB"},
                     {"party", "P-VAF"},
                     {"kind", "action_plan"},
                     {"signed", "2025-01-15"},
                     {"measures", Json::array({{{"id", "M-1"},
                                                {"text", "Train every unit"},
                                                {"status", "verified_implemented"},
                                                {"verified_on", "2025-02-01"}}})}};
  ExpectProblem(Post(ana, "/api/v1/commitments", commitment), 400, "/measures/0/status");
  commitment["measures"][0]["status"] = "in_progress";
  commitment["measures"][0].erase("verified_on");
  auto created = Post(ana, "/api/v1/commitments", commitment);
  ASSERT_EQ(created->status, 201) << created->body;
  const std::string etag = created->get_header_value("ETag");
  // The analyst may not verify; a reviewer who did not write it may.
  auto by_analyst = world_->Send(ana, "POST", "/api/v1/commitments/C-WEB/measures/M-1/verification",
                                 "{}", {{"If-Match", etag}});
  ExpectProblem(by_analyst, 403, "");
  Login rita = world_->LogIn("rita");
  auto verified = world_->Send(rita, "POST", "/api/v1/commitments/C-WEB/measures/M-1/verification",
                               Json{{"verified_on", "2025-04-01"}}.dump(), {{"If-Match", etag}});
  ASSERT_EQ(verified->status, 200) << verified->body;
  EXPECT_EQ(Body(verified)["measures"][0]["status"], "verified_implemented");
  // The ETag from before the verification no longer matches.
  commitment["measures"][0]["text"] = "Train most units";
  ExpectProblem(Put(ana, "/api/v1/commitments/C-WEB", commitment, etag), 412, "If-Match");
  auto history = world_->Get(ana, "/api/v1/commitments/C-WEB/history");
  ASSERT_EQ(history->status, 200);
  EXPECT_EQ(Body(history)["history"][1]["action"], "measure verified");
  EXPECT_EQ(Body(history)["history"][1]["by"], "rita");
}

TEST_F(RegistryRoutesTest, PartyNamesByLanguageAndTheReportsInThoseLanguages) {
  Login ana = world_->LogIn("ana");
  const std::string arabic = "جبهة الشمال";
  const std::string french = "Front du Nord";
  Json party = {{"id", "P-NAMES"},
                {"name", "Names Front"},
                {"kind", "non_state"},
                {"situation", "SIT-VAL"},
                {"names", {{"ar", arabic}, {"fr", french}, {"zh", nullptr}}}};
  auto created = Post(ana, "/api/v1/parties", party);
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  auto read = world_->Get(ana, "/api/v1/parties/P-NAMES");
  ASSERT_EQ(read->status, 200);
  EXPECT_EQ(Body(read)["names"], (Json{{"ar", arabic}, {"fr", french}}));

  // Unknown languages, empty names and control characters are refused,
  // naming the member.
  Json bad = party;
  bad["id"] = "P-NAMES-2";
  bad["names"] = {{"de", "Namensfront"}};
  auto unknown = Post(ana, "/api/v1/parties", bad);
  ASSERT_EQ(unknown->status, 400) << unknown->body;
  EXPECT_NE(Body(unknown).value("field", "").find("/names"), std::string::npos) << unknown->body;
  bad["names"] = {{"fr", ""}};
  auto empty = Post(ana, "/api/v1/parties", bad);
  ASSERT_EQ(empty->status, 400) << empty->body;
  EXPECT_EQ(Body(empty).value("field", ""), "/names/fr") << empty->body;
  bad["names"] = {{"fr", "Front\x07"}};
  ExpectProblem(Post(ana, "/api/v1/parties", bad), 400, "/names/fr");
  EXPECT_EQ(world_->Get(ana, "/api/v1/parties/P-NAMES-2")->status, 404);

  // PUT replaces them; null removes them.
  Json replaced = party;
  replaced["names"] = {{"ru", "Фронт имён"}};
  auto put = Put(ana, "/api/v1/parties/P-NAMES", replaced, read->get_header_value("ETag"));
  ASSERT_EQ(put->status, 200) << put->body;
  read = world_->Get(ana, "/api/v1/parties/P-NAMES");
  EXPECT_EQ(Body(read)["names"], (Json{{"ru", "Фронт имён"}}));
  replaced["names"] = nullptr;
  put = Put(ana, "/api/v1/parties/P-NAMES", replaced, read->get_header_value("ETag"));
  ASSERT_EQ(put->status, 200) << put->body;
  EXPECT_FALSE(Body(world_->Get(ana, "/api/v1/parties/P-NAMES")).contains("names"));

  // A listed party with an Arabic and a French name: the report in each
  // language (by lang= or by Accept-Language) prints that name.
  auto nlf = world_->Get(ana, "/api/v1/parties/P-NLF");
  ASSERT_EQ(nlf->status, 200) << nlf->body;
  Json named = Body(nlf);
  for (const char* derived : {"children", "splinters"}) named.erase(derived);
  named["names"] = {{"ar", arabic}, {"fr", french}};
  put = Put(ana, "/api/v1/parties/P-NLF", named, nlf->get_header_value("ETag"));
  ASSERT_EQ(put->status, 200) << put->body;
  auto report = [&](const std::string& query, httplib::Headers headers = {}) {
    auto res = world_->Get(ana, "/api/v1/reports/2025?" + query, headers);
    EXPECT_EQ(res->status, 200) << res->body;
    return res->body;
  };
  const std::string ar_html = report("format=html&lang=ar");
  EXPECT_NE(ar_html.find(arabic), std::string::npos);
  EXPECT_EQ(ar_html.find("Northern Liberation Front"), std::string::npos);
  const std::string ar_md = report("format=md", {{"Accept-Language", "ar"}});
  EXPECT_NE(ar_md.find(arabic), std::string::npos);
  const std::string fr_md = report("format=md&lang=fr");
  EXPECT_NE(fr_md.find(french), std::string::npos);
  EXPECT_EQ(fr_md.find(arabic), std::string::npos);
  const std::string en_md = report("format=md&lang=en");
  EXPECT_NE(en_md.find("Northern Liberation Front (P-NLF)"), std::string::npos);
  EXPECT_EQ(en_md.find(arabic), std::string::npos);
  EXPECT_EQ(en_md.find(french), std::string::npos);
  const std::string es_md = report("format=md", {{"Accept-Language", "es"}});
  EXPECT_NE(es_md.find("Northern Liberation Front"), std::string::npos);
  // The data formats keep the canonical name, and the JSON adds the others.
  const Json json = Json::parse(report("format=json&lang=ar"));
  bool found = false;
  for (const auto& group : json["annex"]) {
    for (const auto& p : group["non_state_parties"]) {
      if (p["id"] != "P-NLF") continue;
      found = true;
      EXPECT_EQ(p["name"], "Northern Liberation Front");
      EXPECT_EQ(p["names"]["ar"], arabic);
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace mara::api
