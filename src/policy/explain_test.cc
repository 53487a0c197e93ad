#include "policy/explain.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

namespace mara {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A small registry: SIT-A on the agenda, SIT-B not.
class Registry {
 public:
  Registry() {
    b.situations.push_back({"SIT-A", "Country A", true});
    b.situations.push_back({"SIT-B", "Country B", false});
  }
  Registry& Party(const std::string& id, const std::string& situation = "SIT-A") {
    mara::Party p;
    p.id = id;
    p.name = "Name of " + id;
    p.situation = situation;
    b.parties.push_back(p);
    return *this;
  }
  Registry& Incidents(const std::string& party, int year, int n,
                      IncidentStatus status = IncidentStatus::kVerified) {
    for (int i = 0; i < n; ++i) {
      Incident inc;
      inc.id = "I-" + std::to_string(next_++);
      inc.situation = "SIT-A";
      inc.date = Date::FromYmd(year, 3, 1 + i);
      inc.location.name = "Town " + std::to_string(i);
      inc.violations = {Violation::kRape};
      inc.nexus = {Nexus::kPerpetratorAffiliation};
      inc.status = status;
      inc.perpetrators = {{party, Standard::kReasonableGrounds}};
      b.incidents.push_back(inc);
    }
    return *this;
  }
  Explanation Of(const std::string& party, int cycle) {
    Assessment a = AssessBundle(b, Policy{}, cycle);
    const PartyAssessment* p = a.Find(party);
    EXPECT_NE(p, nullptr) << party;
    return p != nullptr ? Explain(*p, Policy{}, cycle) : Explanation{};
  }
  Bundle b;

 private:
  int next_ = 1;
};

// No sentence names a policy key alone, every criterion has one.
void ExpectReadable(const Explanation& e) {
  const std::regex key(R"((^|\s)[a-z_]+\.[a-z_]+($|[\s,;.]))");
  EXPECT_FALSE(e.summary.empty());
  EXPECT_FALSE(std::regex_search(e.summary, key)) << e.summary;
  for (const ExplainedCriterion& c : e.criteria) {
    EXPECT_FALSE(c.sentence.empty()) << c.rule;
    EXPECT_FALSE(std::regex_search(c.sentence, key)) << c.sentence;
    EXPECT_EQ(c.sentence.back(), '.') << c.sentence;
  }
  EXPECT_THAT(e.combination, HasSubstr("either is enough"));
}

TEST(ExplainTest, ListedByAPatternSaysSoAndThatFindingsAreNotNeeded) {
  Registry r;
  r.Party("P-1").Incidents("P-1", 2025, 3);
  Explanation e = r.Of("P-1", 2025);
  ExpectReadable(e);
  EXPECT_THAT(e.summary, HasSubstr("Listed by rule 1"));
  EXPECT_THAT(e.summary, HasSubstr("form a pattern"));
  EXPECT_THAT(e.combination, HasSubstr("the findings criterion need not be met"));
  ASSERT_FALSE(e.criteria.empty());
  EXPECT_EQ(e.criteria[0].rule, "pattern.min_incidents");
  EXPECT_TRUE(e.criteria[0].met);
  EXPECT_THAT(e.criteria[0].sentence, HasSubstr("3 counted incidents in 2025"));
  EXPECT_THAT(e.criteria[0].sentence, HasSubstr("at least 3"));
}

TEST(ExplainTest, NoStatusSaysWhatWouldPutItOnNoticeOrList) {
  Registry r;
  r.Party("P-1").Incidents("P-1", 2025, 1);
  Explanation e = r.Of("P-1", 2025);
  ExpectReadable(e);
  EXPECT_THAT(e.summary, HasSubstr("No status by rule 5"));
  ASSERT_EQ(e.would_change.size(), 2u);
  EXPECT_THAT(e.would_change[0], HasSubstr("2 more incidents"));
  EXPECT_THAT(e.would_change[0], HasSubstr("on notice"));
  EXPECT_THAT(e.would_change[1], HasSubstr("2 more verified incidents"));
  EXPECT_THAT(e.criteria[0].sentence, HasSubstr("1 counted incident in 2025"));
}

TEST(ExplainTest, OutsideTheAgendaItCannotBeListed) {
  Registry r;
  r.Party("P-B", "SIT-B").Incidents("P-B", 2025, 4);
  Explanation e = r.Of("P-B", 2025);
  ExpectReadable(e);
  EXPECT_THAT(e.summary, HasSubstr("not on the Security Council's agenda"));
  ASSERT_EQ(e.would_change.size(), 1u);
  EXPECT_THAT(e.would_change[0], HasSubstr("agenda"));
}

TEST(ExplainTest, OnNoticeByUnverifiedIncidents) {
  Registry r;
  r.Party("P-1").Incidents("P-1", 2025, 3, IncidentStatus::kUnderVerification);
  Explanation e = r.Of("P-1", 2025);
  ExpectReadable(e);
  EXPECT_THAT(e.summary, HasSubstr("On notice by rule 3"));
  EXPECT_THAT(e.combination, HasSubstr("notice is the highest status"));
  EXPECT_THAT(e.would_change[0], HasSubstr("would list it"));
}

TEST(ExplainTest, StaysListedNamesTheMissingDelistingConditions) {
  Registry r;
  r.Party("P-1").Incidents("P-1", 2024, 3);
  Explanation e = r.Of("P-1", 2025);
  ExpectReadable(e);
  EXPECT_THAT(e.summary, HasSubstr("Listed by rule 2"));
  EXPECT_THAT(e.combination, HasSubstr("only the conditions of delisting"));
  bool commitments = false;
  for (const std::string& w : e.would_change) {
    if (w.find("commitment") != std::string::npos) commitments = true;
  }
  EXPECT_TRUE(commitments) << "the missing commitment is named";
}

TEST(ExplainTest, ADecisionIsNamedWithWhatTheRulesSay) {
  Registry r;
  r.Party("P-1").Incidents("P-1", 2025, 3);
  r.b.decisions.push_back(
      {"P-1", 2025, PartyStatus::kOnNotice, "office", Date::FromYmd(2026, 1, 1), "reviewed"});
  Explanation e = r.Of("P-1", 2025);
  ExpectReadable(e);
  EXPECT_THAT(e.summary, HasSubstr("Status on notice: a decision recorded for 2025"));
  EXPECT_THAT(e.summary, HasSubstr("where the rules recommend listed"));
  EXPECT_THAT(e.summary, HasSubstr("Listed by rule 1"));
  EXPECT_THAT(e.would_change[0], HasSubstr("new decision"));
  EXPECT_THAT(e.summary, Not(HasSubstr("rule 5")));
}

}  // namespace
}  // namespace mara
