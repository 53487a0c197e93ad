#include "service/stats.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "service/core.h"
#include "storage/store.h"

namespace mara {
namespace {

namespace fs = std::filesystem;

class StatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mara_stats_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto store = OpenStore((dir_ / "mara.db").string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  static Incident MakeIncident(std::string id, std::string situation, int year,
                               IncidentStatus status, std::vector<Violation> violations,
                               int64_t women) {
    Incident i;
    i.id = std::move(id);
    i.situation = std::move(situation);
    i.date = Date::FromYmd(year, 3, 14);
    i.location.name = "Town X";
    i.violations = std::move(violations);
    i.victims.women = women;
    i.status = status;
    i.perpetrators.push_back({"P-1", Standard::kReasonableGrounds});
    return i;
  }

  void Fill() {
    ASSERT_TRUE(store_->Begin().ok());
    ASSERT_TRUE(store_->Put(Situation{"SIT-A", "Country A", true}).ok());
    ASSERT_TRUE(store_->Put(Situation{"SIT-B", "Country B", false}).ok());
    Party p;
    p.id = "P-1";
    p.name = "Army of A";
    p.kind = PartyKind::kState;
    p.situation = "SIT-A";
    ASSERT_TRUE(store_->Put(p).ok());
    const Incident incidents[] = {
        MakeIncident("I-1", "SIT-A", 2024, IncidentStatus::kVerified, {Violation::kRape}, 2),
        MakeIncident("I-2", "SIT-A", 2025, IncidentStatus::kVerified,
                     {Violation::kRape, Violation::kSexualSlavery}, 3),
        MakeIncident("I-3", "SIT-A", 2025, IncidentStatus::kReported,
                     {Violation::kForcedMarriage, Violation::kForcedMarriage}, 0),
    };
    for (const Incident& i : incidents) {
      auto outcome = store_->PutIncident(i, 0);
      ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
    }
    ASSERT_TRUE(store_->Commit().ok());
  }

  fs::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StatsTest, EmptyStoreHasEveryCategoryAtZero) {
  auto stats = ComputeStats(*store_);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->incidents, 0);
  EXPECT_TRUE(stats->by_cycle.empty());
  EXPECT_EQ(stats->by_status.size(), EnumCount<IncidentStatus>());
  EXPECT_EQ(stats->by_violation.size(), EnumCount<Violation>());
  EXPECT_EQ(stats->collections.size(), kCollectionNames.size());
  EXPECT_EQ(stats->collections.at("incidents"), 0);
}

TEST_F(StatsTest, CountsPerCycleSituationStatusAndViolation) {
  Fill();
  auto stats = ComputeStats(*store_);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->incidents, 3);
  EXPECT_EQ(stats->victims, 5);
  EXPECT_EQ(stats->by_cycle, (std::map<int, int64_t>{{2024, 1}, {2025, 2}}));
  EXPECT_EQ(stats->by_situation, (std::map<std::string, int64_t>{{"SIT-A", 3}, {"SIT-B", 0}}));
  EXPECT_EQ(stats->by_status.at("verified"), 2);
  EXPECT_EQ(stats->by_status.at("reported"), 1);
  EXPECT_EQ(stats->by_status.at("not_verified"), 0);
  EXPECT_EQ(stats->by_violation.at("rape"), 2);
  EXPECT_EQ(stats->by_violation.at("sexual_slavery"), 1);
  EXPECT_EQ(stats->by_violation.at("forced_marriage"), 1) << "a repeated type counts once";
  EXPECT_EQ(stats->collections.at("situations"), 2);
  EXPECT_EQ(stats->collections.at("parties"), 1);
  EXPECT_EQ(stats->collections.at("incidents"), 3);
}

TEST_F(StatsTest, JsonIsSortedAndStable) {
  Fill();
  auto stats = ComputeStats(*store_);
  ASSERT_TRUE(stats.ok());
  Json j = StatsToJson(*stats);
  EXPECT_EQ(j["incidents"]["total"], 3);
  EXPECT_EQ(j["incidents"]["by_cycle"].dump(), R"({"2024":1,"2025":2})");
  EXPECT_EQ(j["incidents"]["by_situation"].dump(), R"({"SIT-A":3,"SIT-B":0})");
  EXPECT_EQ(j["incidents"]["by_status"].dump(),
            R"({"not_verified":0,"reported":1,"under_verification":0,"verified":2})");
  std::string previous;
  for (auto it = j["collections"].begin(); it != j["collections"].end(); ++it) {
    EXPECT_LT(previous, it.key());
    previous = it.key();
  }
  auto again = ComputeStats(*store_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(StatsToJson(*again).dump(), j.dump());
}

TEST_F(StatsTest, TextTableNamesSituationsAndCounts) {
  Fill();
  auto stats = ComputeStats(*store_);
  ASSERT_TRUE(stats.ok());
  std::string text = StatsToText(*stats);
  EXPECT_NE(text.find("Incidents per cycle\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  2025           2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("SIT-A (Country A)"), std::string::npos) << text;
  EXPECT_NE(text.find("Incidents per violation type\n"), std::string::npos) << text;
  EXPECT_EQ(text.back(), '\n');
}

}  // namespace
}  // namespace mara
