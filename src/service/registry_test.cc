// The registry kept in Mara (service/registry.h) on both backends: each
// kind created and updated, the field named in every refusal, stale
// versions refused with nothing written, permissions, the four eyes over
// measures, histories, and the chain and ledger accounting for every write.
#include "service/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "service/audit.h"
#include "service/authorized.h"
#include "service/backend_test_support.h"
#include "service/core.h"
#include "service/state_ledger.h"
#include "service/users.h"
#include "service/visibility.h"

namespace mara {
namespace {

using ::testing::HasSubstr;

constexpr char kRegistryBundle[] = R"({"format": "mara-bundle/1",
  "situations": [{"id": "SIT-A", "name": "Country A", "on_council_agenda": true},
                 {"id": "SIT-B", "name": "Country B", "on_council_agenda": false}],
  "parties": [{"id": "P-B", "name": "Army of B", "kind": "state", "situation": "SIT-B"}],
  "incidents": [{"id": "I-1", "situation": "SIT-A", "date": "2025-01-10",
      "location": {"name": "Town"}, "violations": ["rape"], "victims": {"women": 1},
      "context": "detention", "nexus": ["perpetrator_affiliation"], "status": "reported",
      "perpetrators": [], "sources": []}]})";

class RegistryTest : public testing::BackendTest {
 protected:
  RegistryTest() : BackendTest("registry") {}

  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    auto admin = Open(/*create=*/true);
    ASSERT_NE(admin, nullptr);
    const std::string bundle = (dir_ / "bundle.json").string();
    std::ofstream(bundle) << kRegistryBundle;
    auto imported = ImportFile(*admin, bundle, {});
    ASSERT_TRUE(imported.ok()) << imported.status().ToString();
    const std::vector<std::pair<std::string, std::vector<std::string>>> users = {
        {"analyst-a", {"analyst"}},   {"reviewer-1", {"reviewer"}},
        {"viewer-1", {"viewer"}},     {"keeper", {"analyst", "reviewer"}},
        {"analyst-all", {"analyst"}}, {"dm-1", {"decision_maker"}}};
    for (const auto& [name, roles] : users) {
      NewUser u;
      u.name = name;
      u.roles = roles;
      u.situations = name == "analyst-all" || name == "keeper"
                         ? std::vector<std::string>{"SIT-A", "SIT-B"}
                         : std::vector<std::string>{"SIT-A"};
      ASSERT_TRUE(AddUser(*admin, u).ok()) << name;
    }
    ASSERT_TRUE(admin->Finish().ok());
  }

  Party MakeParty(const std::string& id, const std::string& name) {
    Party p;
    p.id = id;
    p.name = name;
    p.kind = PartyKind::kNonState;
    p.situation = "SIT-A";
    return p;
  }

  Result<Bundle> Registry() {
    auto s = Open(false, "operator");
    return s->store().LoadRegistry();
  }

  void ExpectChainAndLedgerWhole() {
    auto s = Open(false, "operator");
    auto state = VerifyState(s->store());
    ASSERT_TRUE(state.ok()) << state.status().ToString();
    EXPECT_TRUE(state->findings.empty() && !state->ledger_problem) << state->findings.size();
  }
};

TEST_P(RegistryTest, PartiesUnitsRenamesSplintersAndDissolution) {
  auto analyst = Open(false, "analyst-a");
  ASSERT_TRUE(CreateParty(*analyst, MakeParty("P-1", "Front A")).ok());
  Party unit = MakeParty("P-1-U", "First Brigade");
  unit.parent = "P-1";
  ASSERT_TRUE(CreateParty(*analyst, unit).ok());
  Party splinter = MakeParty("P-2", "Front A (Renewal)");
  splinter.splinter_of = "P-1";
  ASSERT_TRUE(CreateParty(*analyst, splinter).ok());

  auto renamed = RenameParty(*analyst, "P-1", "Front for A", Date::FromYmd(2025, 6, 1));
  ASSERT_TRUE(renamed.ok()) << renamed.status().ToString();
  ASSERT_EQ(renamed->names_over_time.size(), 1u);
  EXPECT_EQ(renamed->names_over_time[0].name, "Front A");
  EXPECT_EQ(renamed->names_over_time[0].to, Date::FromYmd(2025, 5, 31));

  // The dissolution moves the listing: the analyst may not record it.
  Party dissolved = *renamed;
  dissolved.dissolved = Dissolution{Date::FromYmd(2025, 9, 1), "S-press"};
  Status refused = UpdateParty(*analyst, dissolved, RegistryVersion(*renamed));
  EXPECT_EQ(refused.code(), StatusCode::kPermissionDenied) << refused.ToString();
  auto dm_and_admin = Open(false, "operator");  // admin and decision_maker
  ASSERT_TRUE(UpdateParty(*dm_and_admin, dissolved, RegistryVersion(*renamed)).ok());

  auto registry = Registry();
  ASSERT_TRUE(registry.ok());
  ASSERT_EQ(registry->parties.size(), 4u);
  const Party& p1 = registry->parties[0];
  EXPECT_EQ(p1.name, "Front for A");
  ASSERT_TRUE(p1.dissolved.has_value());
  EXPECT_EQ(registry->parties[1].parent, "P-1");
  EXPECT_EQ(registry->parties[2].splinter_of, "P-1");

  auto history = RegistryHistory(*analyst, RegistryKind::kParty, "P-1");
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  const Json& entries = (*history)["history"];
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0]["action"], "created");
  EXPECT_EQ(entries[0]["by"], "analyst-a");
  EXPECT_EQ(entries[1]["action"], "renamed");
  EXPECT_EQ(entries[2]["action"], "updated");
  EXPECT_EQ(entries[2]["by"], "operator");
  // A viewer reads what changed and when, not the values or the people.
  auto viewer = Open(false, "viewer-1");
  auto public_history = RegistryHistory(*viewer, RegistryKind::kParty, "P-1");
  ASSERT_TRUE(public_history.ok());
  const Json& first = (*public_history)["history"][0];
  EXPECT_FALSE(first.contains("by"));
  EXPECT_FALSE(first["changes"][0].contains("after"));
  ExpectChainAndLedgerWhole();
}

TEST_P(RegistryTest, RefusalsNameTheField) {
  auto analyst = Open(false, "analyst-a");
  Party orphan = MakeParty("P-9", "Orphan unit");
  orphan.parent = "P-404";
  Status s = CreateParty(*analyst, orphan);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), ::testing::StartsWith("/parent: unknown party"));

  Party blank = MakeParty("P-9", "");
  s = CreateParty(*analyst, blank);
  EXPECT_THAT(s.message(), ::testing::StartsWith("/name"));

  // A loop in the parent chain, through a stored party.
  ASSERT_TRUE(CreateParty(*analyst, MakeParty("P-1", "Front A")).ok());
  Party unit = MakeParty("P-1-U", "Brigade");
  unit.parent = "P-1";
  ASSERT_TRUE(CreateParty(*analyst, unit).ok());
  Party looped = MakeParty("P-1", "Front A");
  looped.parent = "P-1-U";
  s = UpdateParty(*analyst, looped);
  EXPECT_THAT(s.message(), ::testing::StartsWith("/parent: the parent chain returns"));

  Engagement future;
  future.party = "P-1";
  future.date = Date::FromYmd(2999, 1, 1);
  future.note = "call";
  s = CreateEngagement(*analyst, future);
  EXPECT_THAT(s.message(), ::testing::StartsWith("/date:")) << s.ToString();

  EXPECT_EQ(CreateParty(*analyst, MakeParty("P-1", "Again")).code(), StatusCode::kConflict);
  EXPECT_EQ(UpdateParty(*analyst, MakeParty("P-404", "Nobody")).code(), StatusCode::kNotFound);
}

TEST_P(RegistryTest, AStaleVersionWritesNothing) {
  auto analyst = Open(false, "analyst-a");
  Source source;
  source.id = "S-1";
  source.kind = SourceKind::kNgo;
  source.title = "Field report";
  source.publisher = "NGO";
  source.reliability = 'C';
  source.credibility = 3;
  ASSERT_TRUE(CreateSource(*Open(false, "analyst-all"), source).ok());
  const std::string read = RegistryVersion(source);
  Source first = source;
  first.reliability = 'B';
  auto other = Open(false, "analyst-all");
  ASSERT_TRUE(UpdateSource(*other, first, read).ok());
  Source second = source;
  second.credibility = 2;
  Status stale = UpdateSource(*other, second, read);
  EXPECT_EQ(stale.code(), StatusCode::kConflict);
  EXPECT_THAT(stale.message(), HasSubstr("nothing written"));
  auto registry = Registry();
  ASSERT_EQ(registry->sources.size(), 1u);
  EXPECT_EQ(registry->sources[0].reliability, 'B');
  EXPECT_EQ(registry->sources[0].credibility, 3);
  // A source is not tied to one situation: an analyst of one is refused.
  EXPECT_EQ(UpdateSource(*analyst, second).code(), StatusCode::kPermissionDenied);
}

TEST_P(RegistryTest, PermissionsFollowTheSituation) {
  auto analyst = Open(false, "analyst-a");
  Designation d;
  d.party = "P-B";
  d.authority = "UN Security Council";
  d.program = "1267";
  d.listed_on = Date::FromYmd(2024, 2, 1);
  EXPECT_EQ(CreateDesignation(*analyst, d).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(CreateDesignation(*Open(false, "viewer-1"), d).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(CreateDesignation(*Open(false, "reviewer-1"), d).code(), StatusCode::kPermissionDenied);
  ASSERT_TRUE(CreateDesignation(*Open(false, "analyst-all"), d).ok());
  d.ended_on = Date::FromYmd(2025, 2, 1);
  ASSERT_TRUE(UpdateDesignation(*Open(false, "operator"), d).ok());
  auto history = RegistryHistory(*analyst, RegistryKind::kDesignation, RegistryKey(d));
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  EXPECT_EQ((*history)["history"].size(), 2u);

  // A statement is where its incidents are.
  Statement st;
  st.id = "ST-1";
  st.by = "Ministry of Defence";
  st.date = Date::FromYmd(2025, 2, 1);
  st.incidents = {"I-1"};
  st.text = "We are investigating.";
  ASSERT_TRUE(CreateStatement(*analyst, st).ok());
  st.incidents = {"I-404"};
  Status unknown = UpdateStatement(*analyst, st);
  EXPECT_THAT(unknown.message(), ::testing::StartsWith("/incidents/0: unknown incident"));
  ExpectChainAndLedgerWhole();
}

TEST_P(RegistryTest, MeasuresAreVerifiedByASecondPerson) {
  auto keeper = Open(false, "keeper");  // analyst and reviewer
  Commitment c;
  c.id = "C-1";
  c.party = "P-B";
  c.kind = CommitmentKind::kActionPlan;
  c.signed_on = Date::FromYmd(2024, 5, 1);
  Measure m;
  m.id = "M-1";
  m.text = "Train every unit";
  m.status = MeasureStatus::kVerifiedImplemented;
  m.verified_on = Date::FromYmd(2025, 1, 1);
  c.measures = {m};
  Status self_verified = CreateCommitment(*keeper, c);
  EXPECT_EQ(self_verified.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(self_verified.message(), ::testing::StartsWith("/measures/0/status:"));

  c.measures[0].status = MeasureStatus::kInProgress;
  c.measures[0].verified_on.reset();
  ASSERT_TRUE(CreateCommitment(*keeper, c).ok());
  // The keeper created it: four eyes refuse its verification.
  auto own = VerifyMeasure(*keeper, "C-1", "M-1", Date::FromYmd(2025, 3, 1));
  EXPECT_EQ(own.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(own.status().message(), HasSubstr("four-eyes"));
  auto reviewer = Open(false, "reviewer-1");
  auto verified =
      VerifyMeasure(*reviewer, "C-1", "M-1", Date::FromYmd(2025, 3, 1), RegistryVersion(c));
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(verified->measures[0].status, MeasureStatus::kVerifiedImplemented);
  EXPECT_EQ(VerifyMeasure(*reviewer, "C-1", "M-1", std::nullopt).status().code(),
            StatusCode::kConflict);

  // An edit of the verified measure's text sets the verification aside.
  Commitment edited = *verified;
  edited.measures[0].text = "Train most units";
  ASSERT_TRUE(UpdateCommitment(*keeper, edited, RegistryVersion(*verified)).ok());
  auto registry = Registry();
  ASSERT_EQ(registry->commitments.size(), 1u);
  EXPECT_EQ(registry->commitments[0].measures[0].status, MeasureStatus::kInProgress);
  EXPECT_FALSE(registry->commitments[0].measures[0].verified_on.has_value());
  auto history = RegistryHistory(*keeper, RegistryKind::kCommitment, "C-1");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ((*history)["history"].size(), 3u);
  EXPECT_EQ((*history)["history"][1]["action"], "measure verified");
  EXPECT_THAT((*history)["history"][2]["comment"].get<std::string>(), HasSubstr("set aside"));

  // Engagements: the note is the only member an update changes.
  Engagement e;
  e.party = "P-B";
  e.date = Date::FromYmd(2025, 4, 2);
  e.kind = EngagementKind::kContact;
  e.note = "Met the liaison officer";
  ASSERT_TRUE(CreateEngagement(*keeper, e).ok());
  e.note = "Met the liaison officer and the commander";
  ASSERT_TRUE(UpdateEngagement(*keeper, e).ok());
  EXPECT_EQ(Registry()->engagements[0].note, e.note);
  ExpectChainAndLedgerWhole();
}

INSTANTIATE_TEST_SUITE_P(Backends, RegistryTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mara
