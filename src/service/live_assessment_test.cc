#include "service/live_assessment.h"

#include <gtest/gtest.h>

#include <random>

#include "policy/assessment_output.h"
#include "service/authorized.h"
#include "service/backend_test_support.h"
#include "service/core.h"
#include "service/incidents.h"
#include "service/users.h"

namespace mara {
namespace {

constexpr int kLiveCycle = 2025;

// Kept assessments followed through a random sequence of writes, against a
// full recomputation after each one, on both backends.
class LiveAssessmentTest : public testing::BackendTest {
 protected:
  LiveAssessmentTest() : BackendTest("live") {}

  // The session's view equals a recomputation from the store: the
  // assessment's JSON byte for byte, and the forms.
  void ExpectCurrent(Session& session, const std::string& when) {
    auto view = AnnexView(session, policy_, kLiveCycle);
    ASSERT_TRUE(view.ok()) << when << ": " << view.status().ToString();
    auto full = AssessCycle(session.store(), policy_, kLiveCycle);
    ASSERT_TRUE(full.ok()) << full.status().ToString();
    // The annex's view has the parties alone.
    Assessment parties_only = *full;
    parties_only.consistency.clear();
    parties_only.sensitivity.clear();
    EXPECT_EQ(AssessmentToJson((*view)->assessment).dump(), AssessmentToJson(parties_only).dump())
        << when;
    auto fresh = ReadLiveView(session.store(), policy_, kLiveCycle, true, false);
    ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
    EXPECT_EQ((*view)->forms, (*fresh)->forms) << when;
    EXPECT_EQ((*view)->version, session.store().DataVersion().value()) << when;
    // The assessment route reads the same kept state.
    auto assessed = AssessCycle(session, policy_, kLiveCycle);
    ASSERT_TRUE(assessed.ok()) << assessed.status().ToString();
    EXPECT_EQ(AssessmentToJson(*assessed).dump(), AssessmentToJson(*full).dump()) << when;
  }

  Policy policy_;
};

TEST_P(LiveAssessmentTest, FollowsEveryWriteAsAFullRecomputationWould) {
  auto live = std::make_shared<LiveAssessments>();
  auto session = Open(/*create=*/true);
  ASSERT_NE(session, nullptr);
  ASSERT_TRUE(ImportFile(*session, std::string(MARA_SOURCE_DIR) + "/examples/demo.json", {}).ok());
  NewUser editor;
  editor.name = "editor";
  editor.roles = {"monitor", "analyst", "decision_maker"};
  const Bundle registry = session->store().LoadRegistry().value();
  for (const Situation& v : registry.situations) editor.situations.push_back(v.id);
  ASSERT_TRUE(AddUser(*session, editor).ok());
  NewUser verifier = editor;
  verifier.name = "verifier";
  verifier.roles = {"monitor", "reviewer"};
  ASSERT_TRUE(AddUser(*session, verifier).ok());
  session = Open(/*create=*/false, "editor");
  ASSERT_NE(session, nullptr);
  session->set_live(live);
  auto other = Open(/*create=*/false, "verifier");
  ASSERT_NE(other, nullptr);
  other->set_live(live);
  // A session of another process: its writes never reach the log.
  auto outsider = Open(/*create=*/false, "verifier");
  ASSERT_NE(outsider, nullptr);
  ExpectCurrent(*session, "after the import");

  std::vector<std::string> ids;
  ASSERT_TRUE(session->store()
                  .ScanIncidents([&](const Incident& v) {
                    ids.push_back(v.id);
                    return Status::Ok();
                  })
                  .ok());
  std::mt19937 rng(GetParam() == "sqlite" ? 11 : 12);
  auto pick = [&rng](size_t n) { return rng() % n; };
  int fresh = 0;
  int written = 0;
  for (int step = 0; step < 60; ++step) {
    const std::string when = "step " + std::to_string(step);
    const std::string id = ids[pick(ids.size())];
    auto current = session->store().GetIncident(id).value();
    ASSERT_TRUE(current.has_value());
    Status s;
    switch (pick(8)) {
      case 0:
      case 1: {  // perpetrators, standard and place edited
        Incident edited = *current;
        std::vector<const Party*> same;  // an incident keeps its situation
        for (const Party& p : registry.parties) {
          if (p.situation == current->situation) same.push_back(&p);
        }
        if (same.empty()) break;
        const Party& party = *same[pick(same.size())];
        edited.perpetrators = {{party.id, static_cast<Standard>(pick(EnumCount<Standard>()))}};
        edited.location.name = "Place " + std::to_string(pick(4));
        s = SaveIncident(*session, edited, IncidentVersion(*current)).status();
        break;
      }
      case 2: {  // the date moved, within or out of the cycle
        Incident edited = *current;
        edited.date = Date::FromYmd(2023 + static_cast<int>(pick(3)), 1 + static_cast<int>(pick(6)),
                                    1 + static_cast<int>(pick(9)));
        if (edited.verified_on && *edited.verified_on < edited.date) {
          edited.verified_on = edited.date;
        }
        s = SaveIncident(*session, edited, IncidentVersion(*current)).status();
        break;
      }
      case 3: {  // a new incident, then verified by the other user
        Incident added = *current;
        added.id = "INC-LIVE-" + std::to_string(++fresh);
        added.status = IncidentStatus::kUnderVerification;
        added.verified_on.reset();
        added.consent = Consent::kAggregateReporting;
        s = SaveIncident(*session, added).status();
        if (s.ok()) {
          ids.push_back(added.id);
          ExpectCurrent(*session, when + " (added)");
          s = VerifyIncident(*other, added.id, Date::FromYmd(2025, 12, 1));
        }
        break;
      }
      case 4: {  // consent
        if (current->consent == Consent::kWithdrawn) {
          s = RestoreIncidentConsent(*session, id, Consent::kAggregateReporting,
                                     "The survivor agreed again");
        } else {
          const Consent next[] = {Consent::kInternalUse, Consent::kAggregateReporting,
                                  Consent::kIdentifiedSharing, Consent::kWithdrawn};
          s = SetIncidentConsent(*session, id, next[pick(4)]);
        }
        break;
      }
      case 5: {  // a decision: the rules' inputs change, the store is read again
        const Party& party = registry.parties[pick(registry.parties.size())];
        Decision d{party.id,
                   2024,
                   PartyStatus::kListed,
                   "",
                   Date::FromYmd(2025, 4, 1),
                   "Reviewed at " + when};
        s = RecordDecision(*session, d);
        break;
      }
      case 6: {  // a write this process did not make
        Incident edited = *current;
        edited.victims.women += 1;
        edited.location.name = "Elsewhere";
        s = SaveIncident(*outsider, edited, IncidentVersion(*current)).status();
        break;
      }
      default: {  // violations
        Incident edited = *current;
        edited.violations = {Violation::kRape};
        if (pick(2) == 0) edited.violations.push_back(Violation::kSexualSlavery);
        s = SaveIncident(*session, edited, IncidentVersion(*current)).status();
        break;
      }
    }
    // An incident whose consent keeps it from this principal is refused as
    // if it did not exist; nothing changed then, which is checked too.
    ASSERT_TRUE(s.ok() || s.code() == StatusCode::kNotFound) << when << ": " << s.ToString();
    if (s.ok()) ++written;
    ExpectCurrent(*session, when);
  }
  // Both ways were taken: changes applied, and the store read again after
  // decisions and the outsider's writes.
  EXPECT_GT(written, 40);
  EXPECT_GT(live->applied(), 20u);
  EXPECT_GT(live->rebuilt(), 2u);
}

TEST_P(LiveAssessmentTest, AnImportIsFollowedByReadingTheStore) {
  auto live = std::make_shared<LiveAssessments>();
  auto session = Open(/*create=*/true);
  ASSERT_NE(session, nullptr);
  session->set_live(live);
  ExpectCurrent(*session, "empty");
  ASSERT_TRUE(ImportFile(*session, std::string(MARA_SOURCE_DIR) + "/examples/demo.json", {}).ok());
  ExpectCurrent(*session, "after the import");
  EXPECT_EQ(live->rebuilt(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, LiveAssessmentTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mara
