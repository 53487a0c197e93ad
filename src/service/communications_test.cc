#include "service/communications.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common/text.h"
#include "service/audit.h"
#include "service/authorized.h"
#include "service/backend_test_support.h"
#include "service/core.h"
#include "service/state_ledger.h"
#include "service/users.h"

namespace mara {
namespace {

namespace fs = std::filesystem;

std::string FileBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::set<std::string> KeysOf(const Json& j) {
  std::set<std::string> out;
  for (auto it = j.begin(); it != j.end(); ++it) out.insert(it.key());
  return out;
}

class CommunicationsTest : public testing::BackendTest {
 protected:
  CommunicationsTest() : BackendTest("communications") {}

  void SetUp() override {
    BackendTest::SetUp();
    auto admin = Open(/*create=*/true);
    ASSERT_NE(admin, nullptr);
    auto imported = ImportFile(*admin, std::string(MARA_SOURCE_DIR) + "/examples/demo.json", {});
    ASSERT_TRUE(imported.ok()) << imported.status().ToString();
    party_ = admin->store().LoadRegistry().value().parties.front().id;
    for (auto [name, role] : std::map<std::string, std::string>{{"partner", "viewer"},
                                                                {"other", "viewer"},
                                                                {"dm", "decision_maker"},
                                                                {"checker", "reviewer"}}) {
      NewUser u;
      u.name = name;
      u.roles = {role};
      ASSERT_TRUE(AddUser(*admin, u).ok());
    }
    ASSERT_TRUE(admin->Finish().ok());
  }

  std::unique_ptr<Session> As(const std::string& name) { return Open(false, name); }

  CommunicationSubmission Request(std::string text) {
    CommunicationSubmission s;
    s.kind = CommunicationKind::kListingRequest;
    s.party = party_;
    s.submitter_kind = SubmitterKind::kSurvivorsOrganisation;
    s.submitter = "Survivors' Network of the North";
    s.text = std::move(text);
    return s;
  }

  std::string party_;
};

TEST_P(CommunicationsTest, SubmitReviewRuleAndFollowShowsOnlyItsOwnStatus) {
  const fs::path attachment = dir_ / "statement.txt";
  { std::ofstream(attachment) << "names of the witnesses: A, B"; }
  auto partner = As("partner");
  CommunicationSubmission sub = Request("Pattern of abductions near the river camps");
  sub.attachment_paths = {attachment.string()};
  auto submitted = SubmitCommunication(*partner, sub);
  ASSERT_TRUE(submitted.ok()) << submitted.status().ToString();
  const Communication& c = submitted->communication;
  const int year = Today(partner->clock()).year();
  EXPECT_EQ(c.id, "COM-" + std::to_string(year) + "-0001");
  EXPECT_EQ(c.status, CommunicationStatus::kReceived);
  EXPECT_EQ(c.submitted_by, "partner");
  ASSERT_EQ(c.attachments.size(), 1u);
  EXPECT_EQ(c.attachments[0].sha256, Sha256Hex("names of the witnesses: A, B"));
  EXPECT_EQ(c.attachments[0].media_type, "text/plain");
  // The attachment is stored like evidence: encrypted, by its hash.
  const fs::path stored = dir_ / "evidence" / c.attachments[0].sha256;
  ASSERT_TRUE(fs::exists(stored));
  EXPECT_EQ(FileBytes(stored).find("witnesses"), std::string::npos);
  // Only the token's digest is stored.
  ASSERT_EQ(submitted->follow_token.size(), 64u);
  EXPECT_EQ(c.follow_digest, FollowDigest(submitted->follow_token));
  EXPECT_NE(c.follow_digest, submitted->follow_token);

  // The follower sees the reference, dates and status, nothing else.
  auto anyone = As("other");
  auto followed = FollowCommunication(*anyone, submitted->follow_token);
  ASSERT_TRUE(followed.ok()) << followed.status().ToString();
  EXPECT_EQ(KeysOf(*followed), (std::set<std::string>{"id", "received", "status"}));
  EXPECT_EQ((*followed)["status"], "received");
  EXPECT_EQ(followed->dump().find("abductions"), std::string::npos);
  EXPECT_EQ(followed->dump().find("Survivors"), std::string::npos);
  EXPECT_EQ(followed->dump().find(party_), std::string::npos);

  // A wrong or malformed token sees nothing, with one message for both.
  std::string wrong = submitted->follow_token;
  wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
  auto w = FollowCommunication(*anyone, wrong);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), StatusCode::kNotFound);
  auto m = FollowCommunication(*anyone, "COM-2026-0001");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().ToString(), w.status().ToString());

  // Outsiders cannot list; confidential readers see everything.
  auto denied = ListCommunications(*partner, std::nullopt);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
  auto listed = ListCommunications(*As("checker"), party_);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].text, "Pattern of abductions near the river camps");

  // Only a decision maker rules, a final ruling needs reasons, and is final.
  auto dm = As("dm");
  auto refused = RuleCommunication(*As("checker"), {c.id, CommunicationStatus::kNoted, "seen"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied);
  auto review = RuleCommunication(*dm, {c.id, CommunicationStatus::kUnderReview, ""});
  ASSERT_TRUE(review.ok()) << review.status().ToString();
  EXPECT_EQ(review->status, CommunicationStatus::kUnderReview);
  auto again = RuleCommunication(*dm, {c.id, CommunicationStatus::kUnderReview, ""});
  EXPECT_EQ(again.status().code(), StatusCode::kConflict);
  auto no_reason = RuleCommunication(*dm, {c.id, CommunicationStatus::kAccepted, "  "});
  ASSERT_FALSE(no_reason.ok());
  EXPECT_EQ(no_reason.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(no_reason.status().message().starts_with("reason:")) << no_reason.status().message();
  auto received = RuleCommunication(*dm, {c.id, CommunicationStatus::kReceived, "x"});
  EXPECT_TRUE(received.status().message().starts_with("status:"));
  auto unknown = RuleCommunication(*dm, {"COM-1999-0001", CommunicationStatus::kNoted, "x"});
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  auto ruled = RuleCommunication(
      *dm, {c.id, CommunicationStatus::kAccepted, "The pattern is documented further."});
  ASSERT_TRUE(ruled.ok()) << ruled.status().ToString();
  EXPECT_EQ(ruled->ruled_by, "dm");
  auto twice = RuleCommunication(*dm, {c.id, CommunicationStatus::kDeclined, "changed"});
  EXPECT_EQ(twice.status().code(), StatusCode::kConflict);

  followed = FollowCommunication(*anyone, submitted->follow_token);
  ASSERT_TRUE(followed.ok());
  EXPECT_EQ(KeysOf(*followed), (std::set<std::string>{"id", "received", "review_started", "ruled",
                                                      "status", "reason"}));
  EXPECT_EQ((*followed)["status"], "accepted");
  EXPECT_EQ((*followed)["reason"], "The pattern is documented further.");
  EXPECT_EQ(followed->dump().find("\"dm\""), std::string::npos);
}

// The material a survivors' organisation sends is read back whole by a
// confidential reader, never by an outsider, and each read is on record.
TEST_P(CommunicationsTest, AttachmentsAreReadBackByConfidentialReadersAndTheReadIsAudited) {
  const fs::path first = dir_ / "statement.txt";
  const fs::path second = dir_ / "photo.jpg";
  { std::ofstream(first) << "names of the witnesses: A, B"; }
  const std::string binary("\x00\xff\xd8 jpeg bytes \x00", 17);
  { std::ofstream(second, std::ios::binary) << binary; }
  CommunicationSubmission sub = Request("Two files");
  sub.attachment_paths = {first.string(), second.string()};
  auto submitted = SubmitCommunication(*As("partner"), sub);
  ASSERT_TRUE(submitted.ok()) << submitted.status().ToString();
  const std::string id = submitted->communication.id;

  auto checker = As("checker");
  auto one = ReadCommunicationAttachment(*checker, id, 1);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(one->bytes, "names of the witnesses: A, B");
  EXPECT_EQ(one->attachment.media_type, "text/plain");
  auto two = ReadCommunicationAttachment(*checker, id, 2);
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  EXPECT_EQ(two->bytes, binary);
  EXPECT_EQ(two->attachment.sha256, Sha256Hex(binary));
  for (size_t bad : {size_t{0}, size_t{3}}) {
    auto past = ReadCommunicationAttachment(*checker, id, bad);
    ASSERT_FALSE(past.ok());
    EXPECT_EQ(past.status().code(), StatusCode::kNotFound);
  }
  EXPECT_EQ(ReadCommunicationAttachment(*checker, "COM-1999-0001", 1).status().code(),
            StatusCode::kNotFound);
  // The submitter and other outsiders cannot read it back.
  EXPECT_EQ(ReadCommunicationAttachment(*As("partner"), id, 1).status().code(),
            StatusCode::kPermissionDenied);
  ASSERT_TRUE(checker->Finish().ok());

  auto admin = Open(false);
  AuditQuery q;
  q.action = "communication.attachment.read";
  auto page = ListAuditRecords(*admin, q);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].record.principal, "checker");
  EXPECT_EQ(page->items[0].record.target_id, id + "#1");
  EXPECT_EQ(page->items[1].record.target_id, id + "#2");

  // A stored file altered on disk is refused, not served.
  const fs::path stored = dir_ / "evidence" / one->attachment.sha256;
  {
    std::fstream f(stored, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-1, std::ios::end);
    f.put('\x01');
  }
  auto altered = ReadCommunicationAttachment(*As("checker"), id, 1);
  ASSERT_FALSE(altered.ok());
  EXPECT_NE(altered.status().code(), StatusCode::kOk);
}

TEST_P(CommunicationsTest, ReferencesCountUpAndBadSubmissionsNameTheField) {
  auto partner = As("partner");
  auto first = SubmitCommunication(*partner, Request("one"));
  CommunicationSubmission info = Request("two");
  info.kind = CommunicationKind::kInformation;
  info.party.reset();
  auto second = SubmitCommunication(*partner, info);
  ASSERT_TRUE(first.ok() && second.ok());
  const std::string year = std::to_string(Today(partner->clock()).year());
  EXPECT_EQ(second->communication.id, "COM-" + year + "-0002");
  EXPECT_NE(first->follow_token, second->follow_token);

  CommunicationSubmission no_party = Request("x");
  no_party.party.reset();
  EXPECT_TRUE(SubmitCommunication(*partner, no_party).status().message().starts_with("party:"));
  CommunicationSubmission unknown = Request("x");
  unknown.party = "P-NOBODY";
  EXPECT_EQ(SubmitCommunication(*partner, unknown).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(SubmitCommunication(*partner, Request(" ")).status().message().starts_with("text:"));
  CommunicationSubmission missing_file = Request("x");
  missing_file.attachment_paths = {(dir_ / "absent.pdf").string()};
  EXPECT_EQ(SubmitCommunication(*partner, missing_file).status().code(), StatusCode::kNotFound);
  auto admin = As("");
  EXPECT_EQ(ListCommunications(*admin, std::nullopt).value().size(), 2u);
}

TEST_P(CommunicationsTest, LedgeredDigestedExportedAndImportedWithTheirFollowLinks) {
  auto partner = As("partner");
  auto submitted = SubmitCommunication(*partner, Request("for the record"));
  ASSERT_TRUE(submitted.ok()) << submitted.status().ToString();
  ASSERT_TRUE(RuleCommunication(*As("dm"), {submitted->communication.id,
                                            CommunicationStatus::kNoted, "Kept on file."})
                  .ok());
  auto admin = As("");
  // The write moved the maintained digest exactly as a recomputation does.
  const std::string digest = DataDigest(*admin).value();
  EXPECT_EQ(RecomputeDigest(admin->store()).value().Hex(), digest);
  auto state = VerifyState(admin->store());
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_TRUE(state->covered);
  EXPECT_TRUE(state->findings.empty()) << state->findings.front().collection;

  const fs::path bundle = dir_ / "export.json";
  {
    std::ofstream out(bundle);
    ASSERT_TRUE(ExportStore(*admin, "bundle", out).ok());
  }
  const std::string text = FileBytes(bundle);
  EXPECT_NE(text.find("\"communications\":["), std::string::npos);
  EXPECT_EQ(BundleDataDigest(bundle.string()).value(), digest);

  // Into an empty store: the same digest, and the private link still works.
  SessionOptions o = Options(true);
  o.db = (dir_ / "copy.db").string();
  o.key_file = (dir_ / "copy.keys").string();
  auto copy = Session::Open(o);
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  auto imported = ImportFile(**copy, bundle.string(), {});
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  EXPECT_EQ(DataDigest(**copy).value(), digest);
  auto followed = FollowCommunication(**copy, submitted->follow_token);
  ASSERT_TRUE(followed.ok()) << followed.status().ToString();
  EXPECT_EQ((*followed)["reason"], "Kept on file.");
}

TEST_P(CommunicationsTest, StatementOfCaseShowsEachAudienceItsPart) {
  ASSERT_TRUE(SubmitCommunication(*As("partner"), Request("private words")).ok());
  Policy policy;
  auto admin = As("");
  auto s = BuildStatementOfCase(*admin, policy, party_, Today(admin->clock()).year() - 1,
                                /*public_edition=*/false);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->communications.size(), 1u);
  const Json confidential = StatementOfCaseToJson(*s, false)["communications"][0];
  EXPECT_EQ(confidential["submitter"], "Survivors' Network of the North");
  EXPECT_EQ(confidential["text"], "private words");
  EXPECT_FALSE(confidential.contains("follow_digest"));
  const Json shown = StatementOfCaseToJson(*s, true)["communications"][0];
  EXPECT_EQ(KeysOf(shown), (std::set<std::string>{"id", "kind", "party", "received", "status"}));
  EXPECT_EQ(StatementOfCaseToText(*s, true).find("private words"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, CommunicationsTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mara
