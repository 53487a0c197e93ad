// The service operations behind the browser's consent, evidence and account
// pages, on both backends: the register of restricted consent (who sees
// which incidents, the last change), evidence verified under the four-eyes
// rule and recorded in custody, one's own password and one's own tokens.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "service/api_tokens.h"
#include "service/audit.h"
#include "service/authorized.h"
#include "service/backend_test_support.h"
#include "service/evidence.h"
#include "service/incidents.h"
#include "service/users.h"

namespace mara {
namespace {

class PagesServiceTest : public testing::BackendTest {
 protected:
  PagesServiceTest() : BackendTest("pages") {}

  void SetUp() override {
    BackendTest::SetUp();
    auto admin = Open(/*create=*/true);
    ASSERT_NE(admin, nullptr);
    auto imported = ImportFile(*admin, std::string(MARA_SOURCE_DIR) + "/examples/demo.json", {});
    ASSERT_TRUE(imported.ok()) << imported.status().ToString();
    const auto limits = security::PasswordLimits::ForTests();
    struct U {
      const char* name;
      std::vector<std::string> roles;
      std::vector<std::string> situations;
    };
    for (const U& u : {U{"val", {"monitor"}, {"SIT-VAL"}}, U{"tar", {"monitor"}, {"SIT-TAR"}},
                       U{"both", {"monitor", "reviewer"}, {"SIT-VAL"}}, U{"rev", {"reviewer"}, {}},
                       U{"view", {"viewer"}, {}}}) {
      NewUser n;
      n.name = u.name;
      n.roles = u.roles;
      n.situations = u.situations;
      n.password = "the first password";
      n.limits = limits;
      Status added = AddUser(*admin, n);
      ASSERT_TRUE(added.ok()) << added.ToString();
    }
  }
};

TEST_P(PagesServiceTest, TheConsentRegisterListsRestrictedIncidentsToTheirEditorsOnly) {
  auto val = Open(false, "val");
  ASSERT_NE(val, nullptr);
  ASSERT_TRUE(SetIncidentConsent(*val, "I-2023-003", Consent::kInternalUse).ok());
  auto listed = ListRestrictedConsent(*val);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  std::map<std::string, RestrictedConsent> by_id;
  for (const RestrictedConsent& e : *listed) by_id[e.id] = e;
  ASSERT_EQ(by_id.count("I-2023-005"), 1u);  // withdrawn in the demo data
  EXPECT_EQ(by_id["I-2023-005"].consent, Consent::kWithdrawn);
  EXPECT_EQ(by_id["I-2023-005"].change, "");
  ASSERT_EQ(by_id.count("I-2023-003"), 1u);
  EXPECT_EQ(by_id["I-2023-003"].consent, Consent::kInternalUse);
  EXPECT_EQ(by_id["I-2023-003"].change, "consent changed");
  EXPECT_EQ(by_id["I-2023-003"].changed_by, "val");
  for (const RestrictedConsent& e : *listed) {
    EXPECT_EQ(e.situation, "SIT-VAL") << e.id;
    EXPECT_TRUE(e.consent == Consent::kWithdrawn || e.consent == Consent::kInternalUse) << e.id;
  }
  // Oldest first.
  for (size_t i = 1; i < listed->size(); ++i) {
    EXPECT_LE((*listed)[i - 1].date, (*listed)[i].date);
  }

  // A monitor of another situation learns nothing of these; a reader is refused.
  auto tar = Open(false, "tar");
  auto other = ListRestrictedConsent(*tar);
  ASSERT_TRUE(other.ok());
  for (const RestrictedConsent& e : *other) EXPECT_EQ(e.situation, "SIT-TAR") << e.id;
  auto view = Open(false, "view");
  EXPECT_EQ(ListRestrictedConsent(*view).status().code(), StatusCode::kPermissionDenied);

  // A restoration is the entry's last change, with its reason.
  ASSERT_TRUE(
      RestoreIncidentConsent(*val, "I-2023-005", Consent::kInternalUse, "consent given again")
          .ok());
  auto again = ListRestrictedConsent(*val);
  ASSERT_TRUE(again.ok());
  bool seen = false;
  for (const RestrictedConsent& e : *again) {
    if (e.id != "I-2023-005") continue;
    seen = true;
    EXPECT_EQ(e.consent, Consent::kInternalUse);
    EXPECT_EQ(e.change, "consent restored");
    EXPECT_EQ(e.reason, "consent given again");
  }
  EXPECT_TRUE(seen);
}

TEST_P(PagesServiceTest, EvidenceIsVerifiedByAReviewerWhoDidNotReceiveIt) {
  const std::string file = (dir_ / "scan.txt").string();
  std::ofstream(file) << "a scanned note";
  auto both = Open(false, "both");
  EvidenceIntake intake;
  intake.incident = "I-2023-003";
  auto item = AddEvidence(*both, file, intake);
  ASSERT_TRUE(item.ok()) << item.status().ToString();

  auto own = VerifyEvidenceItem(*both, item->id);
  EXPECT_EQ(own.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(own.status().message().find("four-eyes"), std::string::npos) << own.status().ToString();
  auto val = Open(false, "val");  // views it, but is no reviewer
  EXPECT_EQ(VerifyEvidenceItem(*val, item->id).status().code(), StatusCode::kPermissionDenied);
  auto rev = Open(false, "rev");
  EXPECT_EQ(VerifyEvidenceItem(*rev, "EV-NONE").status().code(), StatusCode::kNotFound);

  auto checked = VerifyEvidenceItem(*rev, item->id);
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  EXPECT_TRUE(checked->intact);
  EXPECT_EQ(checked->verified_by, "rev");

  // A stored file that was altered is reported, not an error, and recorded.
  const std::string stored = (dir_ / "evidence" / item->sha256).string();
  std::ofstream(stored, std::ios::binary | std::ios::trunc) << "not what was received";
  auto broken = VerifyEvidenceItem(*rev, item->id);
  ASSERT_TRUE(broken.ok()) << broken.status().ToString();
  EXPECT_FALSE(broken->intact);
  EXPECT_FALSE(broken->problem.empty());

  auto custody = CustodyLog(*rev, item->id);
  ASSERT_TRUE(custody.ok());
  std::vector<std::string> verifications;
  for (const auto& r : *custody) {
    if (r.action == "evidence.verify") verifications.push_back(r.principal + ":" + r.after_digest);
  }
  ASSERT_EQ(verifications.size(), 2u);
  EXPECT_EQ(verifications[0], "rev:" + item->sha256);
  EXPECT_EQ(verifications[1], "rev:");
}

TEST_P(PagesServiceTest, OwnPasswordNeedsTheCurrentOneAndRevokesOwnTokens) {
  auto val = Open(false, "val");
  auto issued = IssueApiToken(*val, 30);
  ASSERT_TRUE(issued.ok());
  auto rev = Open(false, "rev");
  ASSERT_TRUE(IssueApiToken(*rev, 30).ok());
  auto mine = ListOwnApiTokens(*val);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 1u);  // never another principal's
  EXPECT_EQ((*mine)[0].id, issued->id);
  EXPECT_FALSE((*mine)[0].revoked);
  EXPECT_FALSE((*mine)[0].issued_at.empty());

  const auto limits = security::PasswordLimits::ForTests();
  Status wrong = ChangeOwnPassword(*val, "not the password", "a second password", limits);
  EXPECT_EQ(wrong.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(wrong.message().rfind("current password: ", 0), 0u) << wrong.ToString();
  // The wrong guess is in the audit chain.
  auto admin = Open(false, "");
  int refused = 0;
  ASSERT_TRUE(ScanAuditLog(*admin, 0, [&](const security::AuditRecord& r) {
                if (r.action == "user.passwd.refused" && r.principal == "val") ++refused;
                return Status::Ok();
              }).ok());
  EXPECT_EQ(refused, 1);
  Status short_one = ChangeOwnPassword(*val, "the first password", "short", limits);
  EXPECT_EQ(short_one.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(short_one.message().rfind("new password: ", 0), 0u) << short_one.ToString();
  EXPECT_EQ(ChangeOwnPassword(*val, "the first password", "the first password", limits).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ChangeOwnPassword(*val, "the first password",
                              "ab\xff"
                              "cdefghijklmnop",
                              limits)
                .code(),
            StatusCode::kInvalidArgument);

  Status changed = ChangeOwnPassword(*val, "the first password", "a second password", limits);
  ASSERT_TRUE(changed.ok()) << changed.ToString();
  EXPECT_TRUE(CheckPassword(*val, "a second password").ok());
  EXPECT_FALSE(CheckPassword(*val, "the first password").ok());
  auto after = ListOwnApiTokens(*val);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_TRUE((*after)[0].revoked);
  auto others = ListOwnApiTokens(*rev);
  ASSERT_TRUE(others.ok());
  ASSERT_EQ(others->size(), 1u);
  EXPECT_FALSE((*others)[0].revoked);
}

INSTANTIATE_TEST_SUITE_P(Backends, PagesServiceTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mara
