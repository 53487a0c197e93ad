#include "policy/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "policy/assessment_output.h"

namespace mara {
namespace {

Date D(const char* s) { return Date::Parse(s).value(); }

class World {
 public:
  World() {
    b.situations.push_back({"SIT-A", "Country A", true});
    b.situations.push_back({"SIT-B", "Country B", false});
  }
  World& AddParty(const std::string& id, const std::string& situation = "SIT-A",
                  std::optional<std::string> parent = std::nullopt) {
    Party p;
    p.id = id;
    p.name = "Name of " + id;
    p.situation = situation;
    p.parent = std::move(parent);
    b.parties.push_back(p);
    return *this;
  }
  // `n` verified incidents of `party` in `year` at distinct locations.
  World& AddIncidents(const std::string& party, int year, int n,
                      Standard standard = Standard::kReasonableGrounds,
                      IncidentStatus status = IncidentStatus::kVerified, bool same_place = false) {
    for (int i = 0; i < n; ++i) {
      Incident inc;
      inc.id = "I-" + std::to_string(next_++);
      inc.situation = "SIT-A";
      inc.date = Date::FromYmd(year, 3, 1 + i);
      inc.location.name = same_place ? "Town" : "Town " + std::to_string(i);
      inc.violations = {Violation::kRape};
      inc.nexus = {Nexus::kPerpetratorAffiliation};
      inc.status = status;
      inc.perpetrators = {{party, standard}};
      b.incidents.push_back(inc);
    }
    return *this;
  }
  World& Decide(const std::string& party, int cycle, PartyStatus status) {
    b.decisions.push_back({party, cycle, status, "office", D("2026-01-01"), "reviewed"});
    return *this;
  }
  Bundle b;

 private:
  int next_ = 1;
};

TEST(EngineTest, PatternListsAndHistoryFollows) {
  World w;
  w.AddParty("P-1").AddParty("P-2").AddIncidents("P-1", 2024, 3).AddIncidents("P-2", 2024, 2);
  Assessment a = AssessBundle(w.b, Policy{}, 2025, "d");
  ASSERT_EQ(a.parties.size(), 2u);
  const PartyAssessment* p1 = a.Find("P-1");
  ASSERT_NE(p1, nullptr);
  EXPECT_EQ(p1->previous_status, PartyStatus::kListed);
  // Retained in 2025 without commitments (rule 2).
  EXPECT_EQ(p1->status, PartyStatus::kListed);
  EXPECT_EQ(p1->rule, 2);
  EXPECT_EQ(p1->consecutive_listed_cycles, 2);
  ASSERT_EQ(p1->history.size(), 2u);
  EXPECT_EQ(p1->history[0].cycle, 2024);
  EXPECT_EQ(a.Find("P-2")->history[0].status, PartyStatus::kNone);
  EXPECT_EQ(a.Find("P-2")->status, PartyStatus::kNone);
  EXPECT_EQ(a.first_cycle, 2024);
}

TEST(EngineTest, EvidenceAndCriteriaAreReported) {
  World w;
  w.AddParty("P-1").AddIncidents("P-1", 2025, 4, Standard::kClearAndConvincing);
  w.AddIncidents("P-1", 2025, 1, Standard::kCredibleInformation,
                 IncidentStatus::kUnderVerification);
  Assessment a = AssessBundle(w.b, Policy{}, 2025);
  const PartyAssessment& p = a.parties.at(0);
  EXPECT_EQ(p.evidence.listing_incidents, 4);
  EXPECT_EQ(p.evidence.notice_incidents, 5);
  EXPECT_EQ(p.evidence.locations, 4);
  EXPECT_EQ(p.evidence.span_days, 3);
  EXPECT_EQ(p.evidence.max_standard, Standard::kClearAndConvincing);
  ASSERT_FALSE(p.criteria.empty());
  EXPECT_EQ(p.criteria[0].rule, "pattern.min_incidents");
  EXPECT_EQ(std::get<int64_t>(p.criteria[0].observed), 4);
  EXPECT_TRUE(p.criteria[0].met);
  EXPECT_EQ(p.criteria[2].rule, "pattern.min_span_days");
  EXPECT_FALSE(p.criteria[2].met);
}

TEST(EngineTest, LocationsFoldCaseAndAccents) {
  World w;
  w.AddParty("P-1").AddIncidents("P-1", 2025, 3);
  w.b.incidents[0].location.name = "Ville-Évêque";
  w.b.incidents[1].location.name = "  ville-eveque ";
  w.b.incidents[2].location.name = "VILLE-EVEQUE";
  Assessment a = AssessBundle(w.b, Policy{}, 2025);
  EXPECT_EQ(a.parties.at(0).evidence.locations, 1);
  // Three incidents at one place within three days: no pattern of either kind.
  EXPECT_EQ(a.parties.at(0).status, PartyStatus::kNone);
}

TEST(EngineTest, ConsistencyAuditFindsScopeAndOverridePairs) {
  World w;
  w.AddParty("A-OUT", "SIT-B").AddParty("B-IN").AddParty("C-DOWN");
  w.AddIncidents("A-OUT", 2025, 5).AddIncidents("B-IN", 2025, 3).AddIncidents("C-DOWN", 2025, 4);
  w.Decide("C-DOWN", 2025, PartyStatus::kNone);
  Assessment a = AssessBundle(w.b, Policy{}, 2025);
  EXPECT_EQ(a.Find("A-OUT")->status, PartyStatus::kNone);
  EXPECT_EQ(a.Find("B-IN")->status, PartyStatus::kListed);
  EXPECT_TRUE(a.Find("C-DOWN")->override);
  // A-OUT (5 incidents, none) vs B-IN (3, listed): scope.
  // C-DOWN (4, none by decision) vs B-IN: override.
  ASSERT_EQ(a.consistency.size(), 2u);
  EXPECT_EQ(a.consistency[0].party, "A-OUT");
  EXPECT_EQ(a.consistency[0].reason, "scope");
  EXPECT_EQ(a.consistency[0].compared_with, std::vector<std::string>{"B-IN"});
  EXPECT_EQ(a.consistency[1].party, "C-DOWN");
  EXPECT_EQ(a.consistency[1].reason, "override");
}

TEST(EngineTest, ConsistencyAuditNamesHistory) {
  World w;
  w.AddParty("OLD").AddParty("NEW");
  w.AddIncidents("OLD", 2024, 3).AddIncidents("NEW", 2025, 2);
  Assessment a = AssessBundle(w.b, Policy{}, 2025);
  // OLD is retained with no evidence in 2025; NEW has more but no pattern.
  EXPECT_EQ(a.Find("OLD")->status, PartyStatus::kListed);
  EXPECT_EQ(a.Find("NEW")->status, PartyStatus::kNone);
  ASSERT_EQ(a.consistency.size(), 1u);
  EXPECT_EQ(a.consistency[0].party, "NEW");
  EXPECT_EQ(a.consistency[0].reason, "history");
}

const SensitivityRun* FindRun(const Assessment& a, const std::string& param,
                              const std::string& direction) {
  for (const SensitivityRun& r : a.sensitivity) {
    if (r.parameter == param && r.direction == direction) return &r;
  }
  return nullptr;
}

TEST(EngineTest, SensitivityMovesEachThresholdOneStep) {
  World w;
  w.AddParty("AT").AddParty("SHORT").AddParty("LOW");
  w.AddIncidents("AT", 2025, 3).AddIncidents("SHORT", 2025, 2);
  w.AddIncidents("LOW", 2025, 3, Standard::kCredibleInformation);
  Assessment a = AssessBundle(w.b, Policy{}, 2025);
  EXPECT_EQ(a.Find("AT")->status, PartyStatus::kListed);
  EXPECT_EQ(a.Find("SHORT")->status, PartyStatus::kNone);
  EXPECT_EQ(a.Find("LOW")->status, PartyStatus::kOnNotice);

  const SensitivityRun* up = FindRun(a, "pattern.min_incidents", "up");
  ASSERT_NE(up, nullptr);
  EXPECT_EQ(std::get<int64_t>(up->new_value), 4);
  // At 4 nobody has a pattern: AT and LOW fall to none.
  ASSERT_EQ(up->changes.size(), 2u);
  EXPECT_EQ(up->changes[0].party, "AT");
  EXPECT_EQ(up->changes[0].new_status, PartyStatus::kNone);
  EXPECT_EQ(up->changes[1].party, "LOW");

  const SensitivityRun* down = FindRun(a, "pattern.min_incidents", "down");
  ASSERT_NE(down, nullptr);
  ASSERT_EQ(down->changes.size(), 1u);
  EXPECT_EQ(down->changes[0].party, "SHORT");
  EXPECT_EQ(down->changes[0].new_status, PartyStatus::kListed);

  const SensitivityRun* std_down = FindRun(a, "listing.min_standard", "down");
  ASSERT_NE(std_down, nullptr);
  ASSERT_EQ(std_down->changes.size(), 1u);
  EXPECT_EQ(std_down->changes[0].party, "LOW");
  EXPECT_EQ(std_down->changes[0].new_status, PartyStatus::kListed);
  EXPECT_EQ(std::get<std::string>(std_down->new_value), "credible_information");

  // notice.min_standard is already the lowest: no "down" run.
  EXPECT_EQ(FindRun(a, "notice.min_standard", "down"), nullptr);
  EXPECT_NE(FindRun(a, "notice.min_standard", "up"), nullptr);
  EXPECT_EQ(FindRun(a, "publication.min_cell", "up"), nullptr);
}

TEST(EngineTest, ReproducibleAndSensitiveToDecisions) {
  World w;
  w.AddParty("P-1").AddParty("P-2").AddParty("U-1", "SIT-A", "P-2");
  w.AddIncidents("P-1", 2023, 4).AddIncidents("U-1", 2024, 3).AddIncidents("P-2", 2025, 2);
  std::string first = AssessmentToJson(AssessBundle(w.b, Policy{}, 2025, "x")).dump();
  Bundle shuffled = w.b;
  std::reverse(shuffled.incidents.begin(), shuffled.incidents.end());
  std::reverse(shuffled.parties.begin(), shuffled.parties.end());
  EXPECT_EQ(AssessmentToJson(AssessBundle(shuffled, Policy{}, 2025, "x")).dump(), first);
  EXPECT_EQ(AssessmentToJson(AssessBundle(w.b, Policy{}, 2025, "x")).dump(), first);

  w.Decide("P-1", 2024, PartyStatus::kNone);
  std::string decided = AssessmentToJson(AssessBundle(w.b, Policy{}, 2025, "x")).dump();
  EXPECT_NE(decided, first);
  Assessment a = AssessBundle(w.b, Policy{}, 2025, "x");
  EXPECT_EQ(a.Find("P-1")->history[1].status, PartyStatus::kNone);
  EXPECT_TRUE(a.Find("P-1")->history[1].decided);
  // Later cycles follow from the decision: nothing new in 2025, so none.
  EXPECT_EQ(a.Find("P-1")->status, PartyStatus::kNone);
}

TEST(EngineTest, JsonHasTheDocumentedShape) {
  World w;
  w.AddParty("P-1").AddIncidents("P-1", 2025, 3);
  nlohmann::ordered_json j = AssessmentToJson(AssessBundle(w.b, Policy{}, 2025, "dd"));
  std::vector<std::string> keys;
  for (auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(std::vector<std::string>(keys.begin(), keys.begin() + 6),
            (std::vector<std::string>{"cycle", "policy", "data_digest", "parties", "consistency",
                                      "sensitivity"}));
  EXPECT_EQ(j["policy"]["name"], "default");
  EXPECT_EQ(j["policy"]["digest"], PolicyDigest(Policy{}));
  const auto& p = j["parties"][0];
  std::vector<std::string> pkeys;
  for (auto& [k, v] : p.items()) pkeys.push_back(k);
  EXPECT_EQ(
      std::vector<std::string>(pkeys.begin(), pkeys.begin() + 14),
      (std::vector<std::string>{"id", "name", "situation", "kind", "previous_status",
                                "recommended_status", "status", "decided", "override", "persistent",
                                "consecutive_listed_cycles", "evidence", "criteria", "in_scope"}));
  EXPECT_EQ(p["evidence"]["max_standard"], "reasonable_grounds");
  EXPECT_EQ(p["status"], "listed");
  EXPECT_NE(AssessmentToText(AssessBundle(w.b, Policy{}, 2025)).find("P-1"), std::string::npos);
}

TEST(EngineTest, CountedStandardRollsUpOncePerParty) {
  World w;
  w.AddParty("P").AddParty("U", "SIT-A", "P").AddParty("X");
  Incident inc;
  inc.id = "I";
  inc.date = D("2025-01-01");
  inc.violations = {Violation::kRape};
  inc.nexus = {Nexus::kVictimProfile};
  inc.perpetrators = {{"U", Standard::kClearAndConvincing}, {"P", Standard::kCredibleInformation}};
  Assessor assessor(w.b, Policy{}, 2025);
  EXPECT_EQ(assessor.CountedStandard(FactsOf(inc), "P"), Standard::kClearAndConvincing);
  EXPECT_EQ(assessor.CountedStandard(FactsOf(inc), "U"), Standard::kClearAndConvincing);
  EXPECT_EQ(assessor.CountedStandard(FactsOf(inc), "X"), std::nullopt);
  inc.consent = Consent::kWithdrawn;
  EXPECT_EQ(assessor.CountedStandard(FactsOf(inc), "P"), std::nullopt);
  Policy flat;
  flat.roll_up_to_parent = false;
  inc.consent = Consent::kAggregateReporting;
  inc.perpetrators = {{"U", Standard::kClearAndConvincing}};
  Assessor flat_assessor(w.b, flat, 2025);
  EXPECT_EQ(flat_assessor.CountedStandard(FactsOf(inc), "P"), std::nullopt);
}

TEST(EngineTest, NoDataGivesNoParties) {
  World w;
  w.AddParty("P-1").AddIncidents("P-1", 2025, 3);
  Assessment a = AssessBundle(w.b, Policy{}, 2020);
  EXPECT_TRUE(a.parties.empty());
  EXPECT_EQ(a.first_cycle, 2025);
}

// A small, dense world for the removal tests: few days and places, so
// removals hit shared first and last days and shared locations.
Incident RandomIncident(std::mt19937& rng, const std::string& id,
                        const std::vector<std::string>& parties) {
  auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  Incident inc;
  inc.id = id;
  inc.situation = pick(2) == 0 ? "SIT-A" : "SIT-B";
  inc.date = Date::FromYmd(2021 + pick(5), 1 + pick(3), 1 + pick(4));
  inc.location.name = "Town " + std::to_string(pick(5));
  const IncidentStatus statuses[] = {IncidentStatus::kVerified, IncidentStatus::kVerified,
                                     IncidentStatus::kUnderVerification, IncidentStatus::kReported,
                                     IncidentStatus::kNotVerified};
  inc.status = statuses[pick(5)];
  const Consent consents[] = {Consent::kAggregateReporting, Consent::kAggregateReporting,
                              Consent::kIdentifiedSharing, Consent::kInternalUse,
                              Consent::kWithdrawn};
  inc.consent = consents[pick(5)];
  if (pick(6) != 0) inc.violations.push_back(Violation::kRape);
  if (pick(3) == 0) inc.violations.push_back(Violation::kSexualSlavery);
  if (pick(5) != 0) inc.nexus = {Nexus::kPerpetratorAffiliation};
  for (int n = pick(3); n > 0; --n) {
    inc.perpetrators.push_back(
        {parties[static_cast<size_t>(pick(static_cast<int>(parties.size())))],
         static_cast<Standard>(pick(static_cast<int>(EnumCount<Standard>())))});
  }
  return inc;
}

// Remove(old) + Add(new) for every change gives, after any sequence of
// changes, the same assessment as a fresh Assessor over the changed data.
TEST(EngineTest, RemovalsMatchAFreshAssessment) {
  for (unsigned seed : {1u, 2u, 3u}) {
    World w;
    w.AddParty("P-A").AddParty("P-A-1", "SIT-A", "P-A").AddParty("P-A-1-x", "SIT-A", "P-A-1");
    w.AddParty("P-B", "SIT-B").AddParty("P-C").AddParty("P-D", "SIT-B");
    w.Decide("P-C", 2023, PartyStatus::kListed);
    const std::vector<std::string> names = {"P-A", "P-A-1", "P-A-1-x", "P-B", "P-C", "P-D", "X"};
    std::mt19937 rng(seed);
    for (int i = 0; i < 150; ++i) {
      w.b.incidents.push_back(RandomIncident(rng, "I-" + std::to_string(i), names));
    }
    Policy policy;
    policy.pattern_min_incidents = 2;
    policy.roll_up_to_parent = seed != 2;
    Assessor live(w.b, policy, 2025, {}, Assessor::Removals::kAllowed);
    for (const Incident& inc : w.b.incidents) live.Add(FactsOf(inc));
    for (int step = 0; step < 400; ++step) {
      Incident& old = w.b.incidents[rng() % w.b.incidents.size()];
      Incident next = RandomIncident(rng, old.id, names);
      ASSERT_TRUE(live.Remove(FactsOf(old)).ok());
      old = next;
      live.Add(FactsOf(old));
      if (step % 25 == 24) {
        Assessment fresh = AssessBundle(w.b, policy, 2025, "d");
        ASSERT_EQ(AssessmentToJson(live.Finish("d")).dump(), AssessmentToJson(fresh).dump())
            << "seed " << seed << ", step " << step;
      } else if (step % 25 == 12) {
        // The kept results serve a view without the audits alike.
        Assessment fresh = AssessBundle(w.b, policy, 2025, "d");
        fresh.consistency.clear();
        fresh.sensitivity.clear();
        ASSERT_EQ(AssessmentToJson(live.Finish("d", Assessor::Audits::kPartiesOnly)).dump(),
                  AssessmentToJson(fresh).dump())
            << "seed " << seed << ", step " << step;
      }
    }
    // Every incident removed: what is left is what a store without
    // incidents gives.
    for (const Incident& inc : w.b.incidents) ASSERT_TRUE(live.Remove(FactsOf(inc)).ok());
    w.b.incidents.clear();
    EXPECT_EQ(AssessmentToJson(live.Finish("d")).dump(),
              AssessmentToJson(AssessBundle(w.b, policy, 2025, "d")).dump());
  }
}

TEST(EngineTest, RemovalsAreRefusedUnlessAsked) {
  World w;
  w.AddParty("P-A").AddIncidents("P-A", 2025, 1);
  Assessor plain(w.b, Policy{}, 2025);
  plain.Add(FactsOf(w.b.incidents[0]));
  EXPECT_EQ(plain.Remove(FactsOf(w.b.incidents[0])).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mara
