#include "service/decisions.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "service/assess.h"
#include "service/case.h"
#include "service/core.h"

namespace mara {
namespace {

namespace fs = std::filesystem;

Date D(const char* s) { return Date::Parse(s).value(); }

// The callers' "today": dates and cycles after it are refused.
const Date kToday = Date::FromYmd(2026, 12, 3);

class DecisionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mara_decisions_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Result<std::unique_ptr<Store>> s = OpenStore((dir_ / "mara.db").string());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    Transaction txn(store_.get());
    ASSERT_TRUE(txn.Begin().ok());
    ASSERT_TRUE(store_->Put(Situation{"SIT-A", "Country A", true}).ok());
    Party p;
    p.id = "P-1";
    p.name = "Front";
    p.situation = "SIT-A";
    ASSERT_TRUE(store_->Put(p).ok());
    Source src;
    src.id = "S-1";
    src.kind = SourceKind::kUnMonitoring;
    src.title = "Report";
    src.publisher = "Mission";
    ASSERT_TRUE(store_->Put(src).ok());
    for (int i = 0; i < 3; ++i) {
      Incident inc;
      inc.id = "I-" + std::to_string(i);
      inc.situation = "SIT-A";
      inc.date = Date::FromYmd(2025, 2, 1 + i);
      inc.location.name = "Town " + std::to_string(i);
      inc.violations = {Violation::kRape};
      inc.nexus = {Nexus::kPerpetratorAffiliation};
      inc.status = IncidentStatus::kVerified;
      inc.perpetrators = {{"P-1", Standard::kReasonableGrounds}};
      inc.sources = {"S-1"};
      inc.victims.women = 1;
      Result<PutOutcome> put = store_->PutIncident(inc, 0);
      ASSERT_TRUE(put.ok()) << put.status().ToString();
    }
    ASSERT_TRUE(txn.Commit().ok());
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  Decision MakeDecision(PartyStatus status) {
    return {"P-1", 2025, status, "Listing office", D("2026-03-01"), "Reviewed"};
  }

  fs::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(DecisionsTest, DecisionNeedsRationaleAndAKnownParty) {
  Decision d = MakeDecision(PartyStatus::kNone);
  d.rationale = "   ";
  EXPECT_EQ(RecordDecision(*store_, d, kToday).code(), StatusCode::kInvalidArgument);
  d = MakeDecision(PartyStatus::kNone);
  d.party = "P-404";
  EXPECT_EQ(RecordDecision(*store_, d, kToday).code(), StatusCode::kNotFound);
  d = MakeDecision(PartyStatus::kNone);
  d.cycle = 99;
  EXPECT_EQ(RecordDecision(*store_, d, kToday).code(), StatusCode::kInvalidArgument);
  Result<Bundle> registry = store_->LoadRegistry();
  ASSERT_TRUE(registry.ok());
  EXPECT_TRUE(registry->decisions.empty());
}

TEST_F(DecisionsTest, DatesAndCyclesAfterTodayAreRefused) {
  Decision d = MakeDecision(PartyStatus::kNone);
  d.date = D("2026-12-04");
  Status s = RecordDecision(*store_, d, kToday);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "--date: 2026-12-04 is after today (2026-12-03)");
  d = MakeDecision(PartyStatus::kNone);
  d.cycle = 2027;
  s = RecordDecision(*store_, d, kToday);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "--cycle: cycle 2027 is after the current year (2026)");
  d.cycle = 2026;
  d.date = kToday;
  EXPECT_TRUE(RecordDecision(*store_, d, kToday).ok());

  PetitionFiling f{"P-1", "Review", true, 2025, D("2026-12-04")};
  s = FilePetition(*store_, f, kToday).status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "--filed: 2026-12-04 is after today (2026-12-03)");
  f.filed = kToday;
  f.cycle = 2027;
  EXPECT_EQ(FilePetition(*store_, f, kToday).status().code(), StatusCode::kInvalidArgument);
  f.cycle = 2025;
  ASSERT_TRUE(FilePetition(*store_, f, kToday).ok());
  PetitionRuling r{"P-1",           kToday,      PetitionOutcome::kRejected, "no change", "Office",
                   D("2027-01-01"), std::nullopt};
  s = DecidePetition(*store_, Policy{}, r, kToday).status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "decided: 2027-01-01 is after today (2026-12-03)");
  r.decided = kToday;
  r.cycle = 2027;
  EXPECT_EQ(DecidePetition(*store_, Policy{}, r, kToday).status().code(),
            StatusCode::kInvalidArgument);
  Result<Bundle> registry = store_->LoadRegistry();
  ASSERT_TRUE(registry.ok());
  ASSERT_EQ(registry->petitions.size(), 1u);
  EXPECT_EQ(registry->petitions[0].outcome, PetitionOutcome::kPending);
}

TEST_F(DecisionsTest, DecisionOverridesTheAssessment) {
  Result<Assessment> before = AssessCycle(*store_, Policy{}, 2025);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_EQ(before->Find("P-1")->status, PartyStatus::kListed);
  ASSERT_TRUE(RecordDecision(*store_, MakeDecision(PartyStatus::kOnNotice), kToday).ok());
  Result<Assessment> after = AssessCycle(*store_, Policy{}, 2025);
  ASSERT_TRUE(after.ok());
  const PartyAssessment* p = after->Find("P-1");
  EXPECT_EQ(p->status, PartyStatus::kOnNotice);
  EXPECT_EQ(p->recommended_status, PartyStatus::kListed);
  EXPECT_TRUE(p->decided);
  EXPECT_TRUE(p->override);
  EXPECT_NE(after->data_digest, before->data_digest);
}

TEST_F(DecisionsTest, RepeatPetitionWithoutNewMaterialIsInadmissible) {
  PetitionFiling f{"P-1", "We reformed", false, 2025, D("2026-04-01")};
  Result<Petition> first = FilePetition(*store_, f, kToday);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->outcome, PetitionOutcome::kPending);
  // A second one while the first is pending is refused outright.
  PetitionFiling again = f;
  again.filed = D("2026-04-02");
  EXPECT_EQ(FilePetition(*store_, again, kToday).status().code(), StatusCode::kConflict);

  PetitionRuling r{"P-1",       D("2026-04-01"), PetitionOutcome::kRejected,
                   "no change", "Office",        D("2026-05-01"),
                   std::nullopt};
  Result<PetitionRulingResult> ruled = DecidePetition(*store_, Policy{}, r, kToday);
  ASSERT_TRUE(ruled.ok()) << ruled.status().ToString();
  EXPECT_FALSE(ruled->decision.has_value());
  EXPECT_EQ(DecidePetition(*store_, Policy{}, r, kToday).status().code(), StatusCode::kConflict);

  again.filed = D("2026-06-01");
  Result<Petition> repeat = FilePetition(*store_, again, kToday);
  ASSERT_TRUE(repeat.ok());
  EXPECT_EQ(repeat->outcome, PetitionOutcome::kInadmissible);
  ASSERT_TRUE(repeat->reason.has_value());
  EXPECT_NE(repeat->reason->find("without new material"), std::string::npos);
  EXPECT_NE(repeat->reason->find("2026-04-01"), std::string::npos);

  PetitionFiling with_material = again;
  with_material.filed = D("2026-07-01");
  with_material.new_material = true;
  Result<Petition> admitted = FilePetition(*store_, with_material, kToday);
  ASSERT_TRUE(admitted.ok());
  EXPECT_EQ(admitted->outcome, PetitionOutcome::kPending);
  Result<Bundle> registry = store_->LoadRegistry();
  ASSERT_TRUE(registry.ok());
  EXPECT_EQ(registry->petitions.size(), 3u);
}

TEST_F(DecisionsTest, GrantedPetitionRecordsADecisionForItsCycle) {
  ASSERT_TRUE(
      FilePetition(*store_, {"P-1", "Wrong attribution", true, 2025, D("2026-04-01")}, kToday)
          .ok());
  PetitionRuling r{
      "P-1",           D("2026-04-01"), PetitionOutcome::kGranted, "attribution revised", "Office",
      D("2026-05-01"), std::nullopt};
  Result<PetitionRulingResult> ruled = DecidePetition(*store_, Policy{}, r, kToday);
  ASSERT_TRUE(ruled.ok()) << ruled.status().ToString();
  ASSERT_TRUE(ruled->decision.has_value());
  EXPECT_EQ(ruled->decision->status, PartyStatus::kNone);
  EXPECT_EQ(ruled->decision->cycle, 2025);
  Result<Assessment> a = AssessCycle(*store_, Policy{}, 2025);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->Find("P-1")->status, PartyStatus::kNone);
  EXPECT_TRUE(a->Find("P-1")->override);
}

TEST_F(DecisionsTest, GrantedPetitionMustNameACycle) {
  ASSERT_TRUE(
      FilePetition(*store_, {"P-1", "Review", false, std::nullopt, D("2026-04-01")}, kToday).ok());
  PetitionRuling r{"P-1",       D("2026-04-01"), PetitionOutcome::kGranted,
                   "reviewed",  "Office",        D("2026-05-01"),
                   std::nullopt};
  EXPECT_EQ(DecidePetition(*store_, Policy{}, r, kToday).status().code(),
            StatusCode::kInvalidArgument);
  r.filed = D("2026-04-09");
  EXPECT_EQ(DecidePetition(*store_, Policy{}, r, kToday).status().code(), StatusCode::kNotFound);
}

TEST_F(DecisionsTest, EveryRulingNeedsAReason) {
  ASSERT_TRUE(
      FilePetition(*store_, {"P-1", "Wrong attribution", true, 2025, D("2026-04-01")}, kToday)
          .ok());
  for (PetitionOutcome outcome : {PetitionOutcome::kGranted, PetitionOutcome::kRejected}) {
    for (std::optional<std::string> reason :
         {std::optional<std::string>(), std::optional<std::string>("  ")}) {
      PetitionRuling r{"P-1", D("2026-04-01"), outcome, reason, "Office", D("2026-05-01"), 2025};
      Status s = DecidePetition(*store_, Policy{}, r, kToday).status();
      EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
      EXPECT_EQ(s.message().rfind("--reason: ", 0), 0u) << s.message();
    }
  }
  Result<Bundle> registry = store_->LoadRegistry();
  ASSERT_TRUE(registry.ok());
  EXPECT_TRUE(registry->decisions.empty()) << "the panel's decision stands";
  EXPECT_EQ(registry->petitions[0].outcome, PetitionOutcome::kPending);
}

TEST_F(DecisionsTest, StatementOfCaseCitesTheEvidence) {
  Result<StatementOfCase> s = BuildStatementOfCase(*store_, Policy{}, "P-1", 2025);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->assessment.status, PartyStatus::kListed);
  ASSERT_EQ(s->incidents.size(), 3u);
  EXPECT_EQ(s->incidents[0].incident.id, "I-0");
  EXPECT_TRUE(s->incidents[0].listing_evidence);
  ASSERT_EQ(s->incidents[0].sources.size(), 1u);
  EXPECT_EQ(s->incidents[0].sources[0].publisher, "Mission");
  nlohmann::ordered_json pub = StatementOfCaseToJson(*s, /*public_edition=*/true);
  EXPECT_EQ(pub["incidents"][0]["victims"]["women"], "<3");
  nlohmann::ordered_json conf = StatementOfCaseToJson(*s, /*public_edition=*/false);
  EXPECT_EQ(conf["incidents"][0]["victims"]["women"], 1);
  EXPECT_EQ(conf["criteria"][0]["rule"], "pattern.min_incidents");
  std::string text = StatementOfCaseToText(*s, false);
  EXPECT_NE(text.find("un_monitoring (Mission)"), std::string::npos);
  EXPECT_EQ(BuildStatementOfCase(*store_, Policy{}, "P-404", 2025).status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace mara
