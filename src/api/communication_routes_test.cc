// The communication routes end to end over a real server and SQLite store
// (api_world_test_support.h): a viewer submits with an attachment and gets
// its follow token once; the follow route, without a login, shows only the
// reference, dates, status and reasons, and a wrong or malformed token is
// the same 404; listing is for confidential readers; a ruling needs a
// decision maker and reasons (problems naming the field); the statement of
// case shows each audience its part; petitions are filed and ruled.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "api/api_world_test_support.h"
#include "common/text.h"

namespace mara::api {
namespace {

using testing_support::ExpectProblem;
using testing_support::Json;
using testing_support::Login;
using testing_support::World;

std::set<std::string> MembersOf(const Json& j) {
  std::set<std::string> out;
  for (auto it = j.begin(); it != j.end(); ++it) out.insert(it.key());
  return out;
}

class CommunicationRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    world_ = World::Create(&error);
    ASSERT_EQ(error, "");
  }

  httplib::Result Submit(const Login& who, httplib::MultipartFormDataItems items) {
    return world_->Upload(who, "/api/v1/communications", items);
  }

  httplib::Result Rule(const Login& who, const std::string& id, const Json& body) {
    return world_->Send(who, "POST", "/api/v1/communications/" + id + "/ruling", body.dump());
  }

  std::unique_ptr<World> world_;
};

TEST_F(CommunicationRoutesTest, SubmitFollowListAndRule) {
  Login vera = world_->LogIn("vera");
  Login rita = world_->LogIn("rita");
  Login dana = world_->LogIn("dana");

  // Problems name the field: a part the form's schema refuses by its name,
  // a member the service refuses by its pointer.
  ExpectProblem(Submit(vera, {{"kind", "rumour", "", ""}, {"submitter_kind", "ngo", "", ""}}), 400,
                "kind");
  ExpectProblem(Submit(vera, {{"kind", "information", "", ""}}), 400, "submitter_kind");
  ExpectProblem(Submit(vera, {{"kind", "listing_request", "", ""},
                              {"submitter_kind", "ngo", "", ""},
                              {"submitter", "Delta Watch", "", ""},
                              {"text", "abductions", "", ""}}),
                400, "/party");
  ExpectProblem(Submit(vera, {{"kind", "information", "", ""},
                              {"submitter_kind", "ngo", "", ""},
                              {"submitter", "Delta Watch", "", ""},
                              {"text", " ", "", ""}}),
                400, "/text");
  ExpectProblem(Submit(vera, {{"kind", "listing_request", "", ""},
                              {"party", "P-NOBODY", "", ""},
                              {"submitter_kind", "ngo", "", ""},
                              {"submitter", "Delta Watch", "", ""},
                              {"text", "abductions", "", ""}}),
                404, "/party");

  auto submitted = Submit(vera, {{"kind", "listing_request", "", ""},
                                 {"party", "P-VAF", "", ""},
                                 {"submitter_kind", "survivors_organisation", "", ""},
                                 {"submitter", "Delta Survivors ZZPRIVATE-ORG", "", ""},
                                 {"text", "Abductions ZZPRIVATE-TEXT", "", ""},
                                 {"attachment", "witness list", "list.txt", "text/plain"}});
  ASSERT_TRUE(submitted);
  ASSERT_EQ(submitted->status, 201) << submitted->body;
  const Json receipt = Json::parse(submitted->body);
  const std::string id = receipt["id"];
  const std::string token = receipt["follow_token"];
  EXPECT_EQ(id.substr(0, 4), "COM-");
  EXPECT_EQ(token.size(), 64u);
  EXPECT_EQ(receipt["attachments"], 1);
  EXPECT_EQ(receipt["follow_path"], "/api/v1/follow/" + token);
  EXPECT_EQ(submitted->body.find("ZZPRIVATE"), std::string::npos);

  // Without any login: the follower's view, nothing else, never cached.
  auto followed = world_->client().Get("/api/v1/follow/" + token);
  ASSERT_TRUE(followed);
  ASSERT_EQ(followed->status, 200) << followed->body;
  EXPECT_EQ(MembersOf(Json::parse(followed->body)),
            (std::set<std::string>{"id", "received", "status"}));
  EXPECT_EQ(followed->body.find("ZZPRIVATE"), std::string::npos);
  EXPECT_EQ(followed->body.find("P-VAF"), std::string::npos);
  EXPECT_EQ(followed->get_header_value("Cache-Control"), "no-store");
  EXPECT_EQ(followed->get_header_value("Referrer-Policy"), "no-referrer");
  std::string wrong = token;
  wrong[5] = wrong[5] == '0' ? '1' : '0';
  auto missing = world_->client().Get("/api/v1/follow/" + wrong);
  ExpectProblem(missing, 404, "token");
  auto malformed = world_->client().Get("/api/v1/follow/" + id);
  ExpectProblem(malformed, 404, "token");
  EXPECT_EQ(Json::parse(missing->body)["detail"], Json::parse(malformed->body)["detail"]);

  // Listing: confidential readers only.
  ExpectProblem(world_->Get(vera, "/api/v1/communications"), 403, "");
  auto listed = world_->Get(rita, "/api/v1/communications?party=P-VAF");
  ASSERT_TRUE(listed && listed->status == 200) << (listed ? listed->body : "");
  const Json item = Json::parse(listed->body)["items"][0];
  EXPECT_EQ(item["text"], "Abductions ZZPRIVATE-TEXT");
  EXPECT_EQ(item["attachments"][0]["sha256"], Sha256Hex("witness list"));
  EXPECT_FALSE(item.contains("follow_digest"));

  // The material itself: confidential readers download it as sent, under
  // a name of the office's making; the sender cannot read it back.
  const std::string attachment = "/api/v1/communications/" + id + "/attachments/1";
  auto content = world_->Get(rita, attachment);
  ASSERT_TRUE(content);
  ASSERT_EQ(content->status, 200) << content->body;
  EXPECT_EQ(content->body, "witness list");
  EXPECT_EQ(content->get_header_value("Content-Type"), "text/plain");
  EXPECT_EQ(content->get_header_value("X-Mara-SHA256"), Sha256Hex("witness list"));
  EXPECT_EQ(content->get_header_value("Content-Disposition"),
            "attachment; filename=\"" + id + "-1\"");
  ExpectProblem(world_->Get(vera, attachment), 403, "");
  ExpectProblem(world_->Get(rita, "/api/v1/communications/" + id + "/attachments/2"), 404, "id");
  ExpectProblem(world_->Get(rita, "/api/v1/communications/" + id + "/attachments/0"), 400,
                "number");
  ExpectProblem(world_->Get(rita, "/api/v1/communications/" + id + "/attachments/one"), 400,
                "number");

  // Rulings: a decision maker, with reasons.
  ExpectProblem(Rule(rita, id, {{"status", "noted"}, {"reason", "Seen"}}), 403, "");
  ExpectProblem(Rule(dana, id, {{"status", "maybe"}}), 400, "/status");
  ExpectProblem(Rule(dana, id, {{"status", "declined"}, {"reason", ""}}), 400, "/reason");
  ExpectProblem(Rule(dana, "COM-1999-0001", {{"status", "noted"}, {"reason", "x"}}), 404, "id");
  auto ruled = Rule(dana, id, {{"status", "declined"}, {"reason", "Outside the mandate."}});
  ASSERT_TRUE(ruled);
  ASSERT_EQ(ruled->status, 200) << ruled->body;
  EXPECT_EQ(Json::parse(ruled->body)["ruled_by"], "dana");
  ExpectProblem(Rule(dana, id, {{"status", "accepted"}, {"reason", "Changed"}}), 409, "");

  followed = world_->client().Get("/api/v1/follow/" + token);
  ASSERT_TRUE(followed && followed->status == 200);
  const Json view = Json::parse(followed->body);
  EXPECT_EQ(view["status"], "declined");
  EXPECT_EQ(view["reason"], "Outside the mandate.");
  EXPECT_FALSE(view.contains("ruled_by"));

  // The statement of case: the public edition names it without its sender.
  auto public_case = world_->Get(vera, "/api/v1/cases/P-VAF/2025");
  ASSERT_TRUE(public_case && public_case->status == 200);
  const Json shown = Json::parse(public_case->body)["communications"][0];
  EXPECT_EQ(MembersOf(shown), (std::set<std::string>{"id", "kind", "party", "received",
                                                     "review_started", "ruled", "status"}));
  EXPECT_EQ(public_case->body.find("ZZPRIVATE"), std::string::npos);
  auto confidential_case = world_->Get(dana, "/api/v1/cases/P-VAF/2025");
  ASSERT_TRUE(confidential_case && confidential_case->status == 200);
  EXPECT_NE(confidential_case->body.find("ZZPRIVATE-ORG"), std::string::npos);
}

TEST_F(CommunicationRoutesTest, PetitionsAreFiledAndRuledWithAReason) {
  Login dana = world_->LogIn("dana");
  Login vera = world_->LogIn("vera");
  ExpectProblem(world_->Send(vera, "POST", "/api/v1/petitions",
                             R"({"party":"P-KB","grounds":"The unit disbanded."})"),
                403, "");
  auto filed = world_->Send(dana, "POST", "/api/v1/petitions",
                            R"({"party":"P-KB","grounds":"The unit disbanded."})");
  ASSERT_TRUE(filed);
  ASSERT_EQ(filed->status, 201) << filed->body;
  const std::string id = Json::parse(filed->body)["id"];
  ExpectProblem(world_->Send(dana, "POST", "/api/v1/petitions/" + id + "/ruling",
                             R"({"outcome":"rejected","rationale":""})"),
                400, "/rationale");
  auto ruled = world_->Send(dana, "POST", "/api/v1/petitions/" + id + "/ruling",
                            R"({"outcome":"rejected","rationale":"The unit still operates."})");
  ASSERT_TRUE(ruled);
  ASSERT_EQ(ruled->status, 200) << ruled->body;
  auto listed = world_->Get(vera, "/api/v1/petitions?party=P-KB");
  ASSERT_TRUE(listed && listed->status == 200);
  const Json p = Json::parse(listed->body)["items"][0];
  EXPECT_EQ(p["outcome"], "rejected");
  // The public view leaves out the ruling's reason and the decider.
  EXPECT_FALSE(p.contains("reason"));
  EXPECT_FALSE(p.contains("decided_by"));
}

}  // namespace
}  // namespace mara::api
