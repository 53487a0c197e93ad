#include "service/publication.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "common/text.h"
#include "policy/assessment_output.h"
#include "service/audit.h"
#include "service/authorized.h"
#include "service/backend_test_support.h"
#include "service/core.h"
#include "service/signing.h"
#include "service/users.h"

namespace mara {
namespace {

namespace fs = std::filesystem;

constexpr int kCycle = 2025;

std::string ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A renderer that needs no report layer: the assessment of the cycle as
// JSON and a line naming the data digest, so the files follow the data.
Result<RenderedSet> RenderAssessment(Session& session, const Policy& policy, int cycle) {
  MARA_ASSIGN_OR_RETURN(Assessment a, AssessCycle(session, policy, cycle));
  MARA_ASSIGN_OR_RETURN(std::string digest, DataDigest(session));
  RenderedSet set;
  set.data_digest = digest;
  set.files.push_back(
      {"annex-" + std::to_string(cycle) + ".json", "json", AssessmentToJson(a).dump(2)});
  set.files.push_back({"annex-" + std::to_string(cycle) + ".csv", "csv",
                       "cycle,data_digest\r\n" + std::to_string(cycle) + "," + digest + "\r\n"});
  return set;
}

class PublicationTest : public testing::BackendTest {
 protected:
  PublicationTest() : BackendTest("publication") {}

  void SetUp() override {
    BackendTest::SetUp();
    auto admin = Open(/*create=*/true);
    ASSERT_NE(admin, nullptr);
    auto imported = ImportFile(*admin, std::string(MARA_SOURCE_DIR) + "/examples/demo.json", {});
    ASSERT_TRUE(imported.ok()) << imported.status().ToString();
    const Bundle registry = admin->store().LoadRegistry().value();
    ASSERT_FALSE(registry.parties.empty());
    party_ = registry.parties.front().id;
    for (auto [name, role] : std::map<std::string, std::string>{{"dm1", "decision_maker"},
                                                                {"dm2", "decision_maker"},
                                                                {"reader", "viewer"},
                                                                {"checker", "reviewer"}}) {
      NewUser u;
      u.name = name;
      u.roles = {role};
      ASSERT_TRUE(AddUser(*admin, u).ok());
    }
    ASSERT_TRUE(admin->Finish().ok());
  }

  std::unique_ptr<Session> As(const std::string& name) { return Open(false, name); }

  std::vector<security::AuditRecord> AuditRecords(const std::string& action) {
    auto admin = As("");
    std::vector<security::AuditRecord> out;
    EXPECT_TRUE(ScanAuditLog(*admin, 0, [&](const security::AuditRecord& r) {
                  if (r.action == action) out.push_back(r);
                  return Status::Ok();
                }).ok());
    return out;
  }

  Policy policy_;
  std::string party_;
};

TEST_P(PublicationTest, FourEyesRefusals) {
  auto dm1 = As("dm1");
  auto dm2 = As("dm2");
  auto checker = As("checker");
  auto reader = As("reader");
  const int next_year = Today(dm1->clock()).year() + 1;

  EXPECT_EQ(RequestPublication(*checker, policy_, kCycle, "Annex of 2025").status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(RequestPublication(*reader, policy_, kCycle, "Annex of 2025").status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(RequestPublication(*dm1, policy_, kCycle, "  ").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(RequestPublication(*dm1, policy_, next_year, "Too early").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SignOffPublication(*dm2, policy_, kCycle, RenderAssessment).status().code(),
            StatusCode::kNotFound);

  auto requested = RequestPublication(*dm1, policy_, kCycle, "The annex of 2025");
  ASSERT_TRUE(requested.ok()) << requested.status().ToString();
  EXPECT_EQ(requested->number, 1);
  EXPECT_EQ(requested->state, "requested");
  EXPECT_EQ(requested->requested_by, "dm1");
  EXPECT_EQ(requested->policy_digest, PolicyDigest(policy_));
  EXPECT_EQ(RequestPublication(*dm2, policy_, kCycle, "Again").status().code(),
            StatusCode::kConflict);

  // Nobody signs off their own request; a non-decision-maker signs off nothing.
  auto own = SignOffPublication(*dm1, policy_, kCycle, RenderAssessment);
  EXPECT_EQ(own.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(own.status().message().find("four eyes"), std::string::npos);
  EXPECT_EQ(SignOffPublication(*checker, policy_, kCycle, RenderAssessment).status().code(),
            StatusCode::kPermissionDenied);
  Policy other = policy_;
  other.version = "9.9";
  EXPECT_EQ(SignOffPublication(*dm2, other, kCycle, RenderAssessment).status().code(),
            StatusCode::kConflict);
  EXPECT_FALSE(fs::exists(fs::path(PublicationsDir(*dm2)) / "2025-1"));

  auto published = SignOffPublication(*dm2, policy_, kCycle, RenderAssessment);
  ASSERT_TRUE(published.ok()) << published.status().ToString();
  EXPECT_EQ(published->state, "published");
  EXPECT_EQ(published->signed_off_by, "dm2");
  // Signed already: nothing awaits sign-off.
  EXPECT_EQ(SignOffPublication(*dm1, policy_, kCycle, RenderAssessment).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(AuditRecords("publication.request").size(), 1u);
  ASSERT_EQ(AuditRecords("publication.signoff").size(), 1u);
  EXPECT_EQ(AuditRecords("publication.signoff")[0].principal, "dm2");
  EXPECT_EQ(AuditRecords("publication.signoff")[0].target_id, "2025/1");
}

TEST_P(PublicationTest, SignOffFreezesTheAnnexAndLaterPublicationsAreNumbered) {
  auto dm1 = As("dm1");
  auto dm2 = As("dm2");
  ASSERT_TRUE(RequestPublication(*dm1, policy_, kCycle, "The annex of 2025").ok());
  const uint64_t head_before = AuditHeadSeq(*As("")).value();
  auto first = SignOffPublication(*dm2, policy_, kCycle, RenderAssessment);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->number, 1);
  EXPECT_EQ(first->directory, "2025-1");
  EXPECT_EQ(first->data_digest, DataDigest(*dm2).value());
  EXPECT_EQ(first->audit_seq, head_before);
  EXPECT_EQ(first->audit_hash.size(), 64u);
  EXPECT_EQ(first->policy_name, policy_.name);
  EXPECT_EQ(first->policy_version, policy_.version);
  ASSERT_EQ(first->files.size(), 4u);  // two files, each with its signature

  const fs::path dir = fs::path(PublicationsDir(*dm2)) / "2025-1";
  std::map<std::string, std::string> frozen;
  for (const PublishedFile& f : first->files) {
    const std::string bytes = ReadBytes(dir / f.name);
    EXPECT_EQ(Sha256Hex(bytes), f.sha256) << f.name;
    EXPECT_EQ(bytes.size(), f.bytes) << f.name;
    frozen[f.name] = bytes;
  }
  // Each file's signature checks with the installation's key and names the
  // data digest.
  auto info = VerifyReportFile((dir / "annex-2025.json").string(), "",
                               dm2->keys().signing_key->public_key());
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->metadata.at("data-digest"), first->data_digest);
  EXPECT_EQ(info->metadata.at("edition"), "public");
  const std::string record_before = PublicationToJson(ListPublications(*dm1).value().at(0)).dump();

  // The data changes after the publication.
  Decision decision{
      party_, kCycle, PartyStatus::kListed, "", Today(dm1->clock()), "Listed after review"};
  ASSERT_TRUE(RecordDecision(*dm1, decision).ok());
  const std::string digest_after = DataDigest(*dm1).value();
  ASSERT_NE(digest_after, first->data_digest);

  // The publication does not.
  for (const auto& [name, bytes] : frozen) EXPECT_EQ(ReadBytes(dir / name), bytes) << name;
  auto listed = ListPublications(*dm1);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(PublicationToJson(listed->at(0)).dump(), record_before);
  EXPECT_EQ(ReadPublishedFile(*dm1, kCycle, 1, "annex-2025.csv").value(), frozen["annex-2025.csv"]);

  // A second publication of the cycle is number 2, with the new data; the
  // first stays listed.
  auto second_request = RequestPublication(*dm2, policy_, kCycle, "After the decision");
  ASSERT_TRUE(second_request.ok()) << second_request.status().ToString();
  EXPECT_EQ(second_request->number, 2);
  EXPECT_EQ(second_request->requested_data_digest, digest_after);
  auto second = SignOffPublication(*dm1, policy_, kCycle, RenderAssessment);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->number, 2);
  EXPECT_EQ(second->data_digest, digest_after);
  EXPECT_GT(second->audit_seq, first->audit_seq);
  EXPECT_NE(ReadBytes(fs::path(PublicationsDir(*dm1)) / "2025-2" / "annex-2025.csv"),
            frozen["annex-2025.csv"]);
  for (const auto& [name, bytes] : frozen) EXPECT_EQ(ReadBytes(dir / name), bytes) << name;
  listed = ListPublications(*dm1, kCycle);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ(PublicationToJson(listed->at(0)).dump(), record_before);
  EXPECT_EQ(listed->at(1).number, 2);
  auto latest = LatestPublication(*dm1, kCycle);
  ASSERT_TRUE(latest.ok());
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ((*latest)->number, 2);
  EXPECT_FALSE(LatestPublication(*dm1, 2024).value().has_value());
  EXPECT_EQ(AuditRecords("publication.request").size(), 2u);
  EXPECT_EQ(AuditRecords("publication.signoff").size(), 2u);

  // The chain accounts for the records: verification finds nothing.
  auto admin = As("");
  auto verified = VerifyAudit(*admin);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_FALSE(verified->problem.has_value()) << verified->problem->what;
}

TEST_P(PublicationTest, ReadersSeePublishedRecordsWithoutStatementsOrNames) {
  auto dm1 = As("dm1");
  auto dm2 = As("dm2");
  ASSERT_TRUE(RequestPublication(*dm1, policy_, kCycle, "The annex of 2025").ok());
  auto reader = As("reader");
  EXPECT_TRUE(ListPublications(*reader).value().empty());  // a request is not published
  ASSERT_TRUE(SignOffPublication(*dm2, policy_, kCycle, RenderAssessment).ok());
  auto listed = ListPublications(*reader);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->at(0).rationale, "");
  EXPECT_EQ(listed->at(0).requested_by, "");
  EXPECT_EQ(listed->at(0).signed_off_by, "");
  EXPECT_FALSE(listed->at(0).data_digest.empty());
  EXPECT_TRUE(ReadPublishedFile(*reader, kCycle, 1, "annex-2025.json").ok());
  EXPECT_EQ(ReadPublishedFile(*reader, kCycle, 1, "../mara.keys").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(ReadPublishedFile(*reader, kCycle, 2, "annex-2025.json").status().code(),
            StatusCode::kNotFound);
  // A file changed on disk is not the file published.
  {
    std::ofstream out(fs::path(PublicationsDir(*dm1)) / "2025-1" / "annex-2025.json",
                      std::ios::app);
    out << " ";
  }
  EXPECT_EQ(ReadPublishedFile(*reader, kCycle, 1, "annex-2025.json").status().code(),
            StatusCode::kCorruption);
}

TEST_P(PublicationTest, DataChangedWhileRenderingKeepsNothing) {
  auto dm1 = As("dm1");
  auto dm2 = As("dm2");
  ASSERT_TRUE(RequestPublication(*dm1, policy_, kCycle, "The annex of 2025").ok());
  auto racing = [&](Session& session, const Policy& policy, int cycle) -> Result<RenderedSet> {
    MARA_ASSIGN_OR_RETURN(RenderedSet set, RenderAssessment(session, policy, cycle));
    Decision decision{
        party_, kCycle, PartyStatus::kOnNotice, "", Today(dm1->clock()), "Written meanwhile"};
    MARA_RETURN_IF_ERROR(RecordDecision(*dm1, decision));
    return set;
  };
  auto refused = SignOffPublication(*dm2, policy_, kCycle, racing);
  EXPECT_EQ(refused.status().code(), StatusCode::kConflict) << refused.status().ToString();
  const fs::path root = PublicationsDir(*dm2);
  EXPECT_FALSE(fs::exists(root / "2025-1"));
  EXPECT_FALSE(fs::exists(root / ".2025-1.partial"));
  auto listed = ListPublications(*dm2).value();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].state, "requested");
  EXPECT_TRUE(AuditRecords("publication.signoff").empty());
  // The request is still there to sign off.
  auto published = SignOffPublication(*dm2, policy_, kCycle, RenderAssessment);
  ASSERT_TRUE(published.ok()) << published.status().ToString();
  EXPECT_EQ(published->number, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, PublicationTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mara
