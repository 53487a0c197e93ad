#include "domain/validate.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace mara {
namespace {

// A lookup over an in-memory "store".
class FakeStored : public ReferenceLookup {
 public:
  std::set<std::pair<Collection, std::string>> ids;
  std::map<std::string, std::string> parents;
  Result<bool> Exists(Collection c, std::string_view id) override {
    return ids.count({c, std::string(id)}) > 0;
  }
  Result<std::optional<std::string>> ParentOf(std::string_view party) override {
    auto it = parents.find(std::string(party));
    if (it == parents.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
};

Party MakeParty(std::string id, std::optional<std::string> parent = std::nullopt) {
  Party p;
  p.id = std::move(id);
  p.name = "Name of " + p.id;
  p.situation = "SIT-A";
  p.parent = std::move(parent);
  return p;
}

Incident MakeIncident(std::string id) {
  Incident v;
  v.id = std::move(id);
  v.situation = "SIT-A";
  v.date = Date::FromYmd(2025, 1, 1);
  v.location.name = "Town";
  v.violations = {Violation::kRape};
  v.perpetrators = {{"P-1", Standard::kReasonableGrounds}};
  v.sources = {"S-1"};
  return v;
}

Bundle Base() {
  Bundle b;
  b.situations.push_back({"SIT-A", "A", true});
  b.parties.push_back(MakeParty("P-1"));
  b.sources.push_back({"S-1", SourceKind::kNgo, "T", "P", {}, {}, 'B', 2, false});
  b.incidents.push_back(MakeIncident("I-1"));
  return b;
}

std::vector<std::string> Pointers(const Bundle& b, ReferenceLookup& lookup, bool stop = false) {
  auto r = ValidateBundle(b, lookup, stop);
  EXPECT_TRUE(r.ok());
  std::vector<std::string> out;
  for (const auto& e : *r) out.push_back(e.ToStatus().message());
  return out;
}

TEST(ValidateTest, AcceptsAConsistentBundle) {
  EmptyLookup none;
  EXPECT_TRUE(Pointers(Base(), none).empty());
}

TEST(ValidateTest, DuplicateIdsAndNaturalKeys) {
  EmptyLookup none;
  Bundle b = Base();
  b.incidents.push_back(MakeIncident("I-1"));
  b.decisions.push_back({"P-1", 2025, PartyStatus::kListed, "O", Date::FromYmd(2026, 1, 1), "r"});
  b.decisions.push_back({"P-1", 2025, PartyStatus::kNone, "O", Date::FromYmd(2026, 1, 2), "r"});
  EXPECT_EQ(Pointers(b, none), (std::vector<std::string>{
                                   "/incidents/1/id: duplicate id 'I-1' (first at /incidents/0)",
                                   "/decisions/1: duplicate decision: same key as /decisions/0"}));
}

TEST(ValidateTest, UnknownReferences) {
  EmptyLookup none;
  Bundle b = Base();
  b.incidents[0].perpetrators.push_back({"P-9", Standard::kCredibleInformation});
  b.incidents[0].sources.push_back("S-9");
  b.parties.push_back(MakeParty("P-2"));
  b.parties.back().situation = "SIT-X";
  b.findings.push_back({"P-1", 2024, "S-8", 2, {}});
  b.statements.push_back(
      {"ST-1", "UN", Date::FromYmd(2025, 1, 1), StatementKind::kReport, {"I-1", "I-7"}, ""});
  b.commitments.push_back({"C-1", "P-7", CommitmentKind::kUnilateral, {}, {}});
  b.engagements.push_back({"P-6", Date::FromYmd(2025, 1, 1), EngagementKind::kContact, ""});
  EXPECT_EQ(Pointers(b, none), (std::vector<std::string>{
                                   "/parties/1/situation: unknown situation 'SIT-X'",
                                   "/incidents/0/perpetrators/1/party: unknown party 'P-9'",
                                   "/findings/0/source: unknown source 'S-8'",
                                   "/commitments/0/party: unknown party 'P-7'",
                                   // I-1 was rejected above, so it does not resolve.
                                   "/statements/0/incidents/0: unknown incident 'I-1'",
                                   "/engagements/0/party: unknown party 'P-6'",
                               }));
  auto first = ValidateBundle(b, none, /*stop_at_first=*/true);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].Pointer(), "/parties/1/situation");
}

TEST(ValidateTest, ReferencesResolveAgainstTheStore) {
  FakeStored stored;
  stored.ids = {{Collection::kSituations, "SIT-A"},
                {Collection::kParties, "P-1"},
                {Collection::kSources, "S-1"},
                {Collection::kIncidents, "I-0"}};
  Bundle b;
  b.incidents.push_back(MakeIncident("I-1"));
  b.statements.push_back(
      {"ST-1", "UN", Date::FromYmd(2025, 1, 1), StatementKind::kReport, {"I-0", "I-1"}, ""});
  EXPECT_TRUE(Pointers(b, stored).empty());
}

TEST(ValidateTest, RecordsPointingAtRejectedRecordsFailToo) {
  EmptyLookup none;
  Bundle b = Base();
  b.parties[0].situation = "SIT-X";  // P-1 rejected
  b.parties.push_back(MakeParty("P-2", "P-1"));
  auto errors = Pointers(b, none);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0], "/parties/0/situation: unknown situation 'SIT-X'");
  EXPECT_EQ(errors[1], "/parties/1/parent: unknown party 'P-1'");
  EXPECT_EQ(errors[2], "/incidents/0/perpetrators/0/party: unknown party 'P-1'");
}

TEST(ValidateTest, ParentCycles) {
  EmptyLookup none;
  Bundle b = Base();
  b.parties.push_back(MakeParty("P-2", "P-3"));
  b.parties.push_back(MakeParty("P-3", "P-2"));
  auto errors = Pointers(b, none);
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0], "/parties/1/parent: the parent chain returns to 'P-2' (P-2 -> P-3 -> P-2)");

  Bundle self = Base();
  self.parties[0].parent = "P-1";
  EXPECT_EQ(Pointers(self, none)[0], "/parties/0/parent: a party cannot be its own parent");

  // Across the store: stored P-5's parent is P-4; the input makes P-4 a unit of P-5.
  FakeStored stored;
  stored.ids = {{Collection::kSituations, "SIT-A"}, {Collection::kParties, "P-5"}};
  stored.parents = {{"P-5", "P-4"}};
  Bundle across;
  across.parties.push_back(MakeParty("P-4", "P-5"));
  EXPECT_EQ(Pointers(across, stored),
            (std::vector<std::string>{
                "/parties/0/parent: the parent chain returns to 'P-4' (P-4 -> P-5 -> P-4)"}));
}

TEST(ValidateTest, OwnRules) {
  EmptyLookup none;
  Bundle b = Base();
  b.incidents[0].violations.clear();
  b.decisions.push_back({"P-1", 2025, PartyStatus::kListed, "O", Date::FromYmd(2026, 1, 1), ""});
  b.findings.push_back({"P-1", 2024, "S-1", 7, {}});
  EXPECT_EQ(Pointers(b, none),
            (std::vector<std::string>{"/incidents/0/violations: at least one violation is required",
                                      "/findings/0/level: expected a level from 0 to 3, got 7",
                                      "/decisions/0/rationale: a decision requires a rationale"}));
  Incident neg = MakeIncident("I-2");
  neg.victims.women = -2;
  ASSERT_TRUE(CheckRecord(neg).has_value());
  EXPECT_EQ(CheckRecord(neg)->field, "/victims/women");
  EXPECT_EQ(CheckRecord(neg)->message, "expected a non-negative integer, got -2");
}

TEST(ValidateTest, DatesAfterTodayAreRefusedWhenTodayIsGiven) {
  const Date today = Date::FromYmd(2026, 12, 3);
  Incident inc = MakeIncident("I-2");
  EXPECT_FALSE(CheckNotAfter(inc, today).has_value());
  inc.date = today;
  EXPECT_FALSE(CheckNotAfter(inc, today).has_value());
  inc.verified_on = Date::FromYmd(2026, 12, 4);
  ASSERT_TRUE(CheckNotAfter(inc, today).has_value());
  EXPECT_EQ(CheckNotAfter(inc, today)->field, "/verified_on");
  EXPECT_EQ(CheckNotAfter(inc, today)->message, "2026-12-04 is after today (2026-12-03)");

  Commitment c{"C-1", "P-1", CommitmentKind::kUnilateral, Date::FromYmd(2025, 1, 1), {}};
  c.measures.push_back({"M-1", "Orders", Date::FromYmd(2030, 1, 1), MeasureStatus::kPending, {}});
  EXPECT_FALSE(CheckNotAfter(c, today).has_value()) << "a due date may lie ahead";
  c.measures.push_back(
      {"M-2", "Training", {}, MeasureStatus::kVerifiedImplemented, Date::FromYmd(2027, 1, 1)});
  EXPECT_EQ(CheckNotAfter(c, today)->field, "/measures/1/verified_on");
  c.measures.pop_back();
  c.signed_on = Date::FromYmd(2027, 1, 1);
  EXPECT_EQ(CheckNotAfter(c, today)->field, "/signed");

  Petition p;
  p.party = "P-1";
  p.grounds = "g";
  p.filed = Date::FromYmd(2026, 1, 1);
  p.decided = Date::FromYmd(2027, 1, 1);
  EXPECT_EQ(CheckNotAfter(p, today)->field, "/decided");
  p.filed = Date::FromYmd(2027, 1, 1);
  EXPECT_EQ(CheckNotAfter(p, today)->field, "/filed");
  EXPECT_EQ(CheckNotAfter(Engagement{"P-1", Date::FromYmd(2027, 1, 1), {}, ""}, today)->field,
            "/date");
  Statement st{"ST-1", "UN", Date::FromYmd(2027, 1, 1), StatementKind::kStatement, {}, ""};
  EXPECT_EQ(CheckNotAfter(st, today)->field, "/date");
  Designation future_end{"P-1",
                         "EU",
                         "R",
                         DesignationKind::kSanctions,
                         Date::FromYmd(2020, 1, 1),
                         Date::FromYmd(2030, 1, 1),
                         {}};
  EXPECT_FALSE(CheckNotAfter(future_end, today).has_value());

  EmptyLookup none;
  Bundle b = Base();
  b.incidents[0].date = Date::FromYmd(2030, 1, 5);
  b.decisions.push_back({"P-1", 2025, PartyStatus::kListed, "O", Date::FromYmd(2027, 1, 1), "r"});
  EXPECT_EQ(Pointers(b, none), std::vector<std::string>{}) << "no today, no rule";
  auto r = ValidateBundle(b, none, /*stop_at_first=*/false, today);
  ASSERT_TRUE(r.ok());
  std::vector<std::string> messages;
  for (const auto& e : *r) messages.push_back(e.ToStatus().message());
  EXPECT_EQ(messages, (std::vector<std::string>{
                          "/incidents/0/date: 2030-01-05 is after today (2026-12-03)",
                          "/decisions/0/date: 2027-01-01 is after today (2026-12-03)"}));
}

TEST(ValidateTest, RecordKeys) {
  EXPECT_EQ(RecordKey(Decision{"P-1", 2025, PartyStatus::kNone, "", {}, ""}),
            "P-1\x1f"
            "2025");
  EXPECT_EQ(RecordKey(MakeIncident("I-9")), "I-9");
}

}  // namespace
}  // namespace mara
