// The dataset formats through ImportFile (atomicity, rejects file, notes),
// the name-review decisions, and the SVAC historical simulation: the yearly
// counts of listed and on-notice parties under the default policy against
// an independent computation from the raw CSV.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common/real_data_test_support.h"
#include "common/temp_dir.h"
#include "ingest/csv_reader.h"
#include "policy/policy.h"
#include "service/assess.h"
#include "service/core.h"
#include "service/import.h"
#include "service/name_review.h"

namespace mara {
namespace {

std::string Fixture(const std::string& file) {
  return std::string(MARA_SOURCE_DIR) + "/src/ingest/testdata/" + file;
}

class DatasetImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = ScopedTempDir::Create("mara-dataset");
    ASSERT_TRUE(dir.ok());
    dir_ = std::move(dir).value();
    auto store = OpenStore(dir_.path() + "/mara.db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  Result<ImportReport> Import(const std::string& path, const std::string& format,
                              bool skip_invalid = false) {
    ImportOptions options;
    options.format = format;
    options.skip_invalid = skip_invalid;
    return ImportFile(*store_, path, options);
  }

  // A copy of a fixture in the temporary directory (rejects files are
  // written beside the input).
  std::string Copy(const std::string& fixture) {
    const std::string to = dir_.path() + "/" + std::filesystem::path(fixture).filename().string();
    std::filesystem::copy_file(fixture, to, std::filesystem::copy_options::overwrite_existing);
    return to;
  }

  ScopedTempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(DatasetImportTest, AFailedDatasetImportChangesNothing) {
  const std::string path = Copy(Fixture("svac_wrong_types.csv"));
  auto r = Import(path, "svac");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            path + ": line 3, column 5 'actor_type': expected an integer, got 'rebel'");
  EXPECT_TRUE(store_->ListImports().value().empty()) << "no import log row either";
  EXPECT_EQ(store_->DataVersion().value(), 0);

  auto skipped = Import(path, "svac", /*skip_invalid=*/true);
  ASSERT_TRUE(skipped.ok()) << skipped.status().ToString();
  EXPECT_EQ(skipped->rejected, 3);
  std::ifstream rejects(skipped->rejects_path);
  std::string header;
  std::getline(rejects, header);
  EXPECT_TRUE(header.starts_with("year,conflictid,actor")) << header;
  EXPECT_TRUE(header.ends_with(",reject_reason")) << header;
  std::string line;
  int rows = 0;
  while (std::getline(rejects, line)) ++rows;
  EXPECT_EQ(rows, 3);
  EXPECT_NE(FormatImportSummary(*skipped).find("svac: 1 actors"), std::string::npos);

  auto unknown = Import(path, "sav");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("unknown import format 'sav'"), std::string::npos);
}

TEST_F(DatasetImportTest, ReviewDecisionsBecomeAliasesAndMoveIncidents) {
  std::ofstream(dir_.path() + "/registry.json") << R"({"format": "mara-bundle/1",
    "situations": [{"id": "SIT-country-x", "name": "Country X", "on_council_agenda": true}],
    "parties": [{"id": "P-PLF", "name": "Patriotic Liberation Front of Country X",
                 "aliases": ["Patriotic Liberation Front"], "kind": "non_state",
                 "situation": "SIT-country-x"}]})";
  ASSERT_TRUE(Import(dir_.path() + "/registry.json", "bundle").ok());
  const std::string acled = Copy(Fixture("acled_sample.csv"));
  auto first = Import(acled, "acled");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto pending = ListNameReviews(*store_, /*all=*/false).value();
  ASSERT_EQ(pending.size(), 1u);
  const NameReview entry = pending[0];
  EXPECT_EQ(entry.query, "Patriotic Front");
  EXPECT_NE(FormatNameReviews(pending).find("candidate P-PLF"), std::string::npos);
  auto before = store_->GetIncident("ACLED-XYZ102").value();
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(before->perpetrators[0].party, entry.provisional_party);

  ReviewDecision accept;
  accept.id = entry.id;
  accept.decided_by = "analyst";
  accept.decided_at = "2025-03-01T00:00:00Z";
  auto outcome = DecideNameReview(*store_, accept);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->entry.status, "accepted");
  EXPECT_EQ(outcome->entry.resolved_party, "P-PLF");
  EXPECT_EQ(outcome->incidents_moved, 1);
  auto after = store_->GetIncident("ACLED-XYZ102").value();
  EXPECT_EQ(after->perpetrators[0].party, "P-PLF");
  Bundle registry = store_->LoadRegistry().value();
  const auto plf = std::find_if(registry.parties.begin(), registry.parties.end(),
                                [](const Party& p) { return p.id == "P-PLF"; });
  ASSERT_NE(plf, registry.parties.end());
  EXPECT_NE(std::find(plf->aliases.begin(), plf->aliases.end(), "Patriotic Front"),
            plf->aliases.end());
  EXPECT_EQ(DecideNameReview(*store_, accept).status().code(), StatusCode::kConflict);
  accept.id = 999;
  EXPECT_EQ(DecideNameReview(*store_, accept).status().code(), StatusCode::kNotFound);

  // The decision holds on re-import: the name now matches the alias.
  auto again = Import(acled, "acled");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(ListNameReviews(*store_, false).value().empty());
  EXPECT_EQ(store_->GetIncident("ACLED-XYZ102").value()->perpetrators[0].party, "P-PLF");
}

TEST_F(DatasetImportTest, RejectAndCreate) {
  MARA_REAL_DATA(svac, "svac_3.2_complete.csv");
  MARA_REAL_DATA(actors, "ucdp_actor_list_v23_1.csv");
  ASSERT_TRUE(Import(svac, "svac").ok());
  auto ucdp = Import(actors, "ucdp-actors");
  ASSERT_TRUE(ucdp.ok()) << ucdp.status().ToString();
  auto pending = ListNameReviews(*store_, false).value();
  ASSERT_GE(pending.size(), 2u);
  ReviewDecision reject{pending[0].id, ReviewChoice::kReject, "", "analyst", ""};
  auto rejected = DecideNameReview(*store_, reject);
  ASSERT_TRUE(rejected.ok()) << rejected.status().ToString();
  EXPECT_EQ(rejected->entry.status, "rejected");
  ReviewDecision create{pending[1].id, ReviewChoice::kCreate, "", "analyst", ""};
  auto created = DecideNameReview(*store_, create);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->entry.resolved_party, pending[1].provisional_party);
  EXPECT_EQ(ListNameReviews(*store_, false).value().size(), pending.size() - 2);
  EXPECT_EQ(ListNameReviews(*store_, true).value().size(), pending.size());
  // Re-importing keeps the decisions.
  ASSERT_TRUE(Import(actors, "ucdp-actors").ok());
  EXPECT_EQ(store_->GetNameReview(pending[0].id).value()->status, "rejected");
  EXPECT_EQ(ListNameReviews(*store_, false).value().size(), pending.size() - 2);
}

TEST_F(DatasetImportTest, NameResolutionConfig) {
  const std::string good = dir_.path() + "/names.toml";
  std::ofstream(good) << "[names]\naccept_threshold = 0.95\nreview_threshold = 0.7\n";
  auto options = LoadNameResolutionConfig(good);
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  EXPECT_DOUBLE_EQ(options->accept_threshold, 0.95);
  EXPECT_DOUBLE_EQ(options->review_threshold, 0.7);
  const std::string bad = dir_.path() + "/bad.toml";
  std::ofstream(bad) << "[names]\naccept = 0.95\n";
  EXPECT_EQ(LoadNameResolutionConfig(bad).status().message(),
            bad + ": line 2: names.accept: unknown key");
  std::ofstream(bad) << "[names]\naccept_threshold = 0.5\nreview_threshold = 0.9\n";
  EXPECT_EQ(LoadNameResolutionConfig(bad).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadNameResolutionConfig(dir_.path() + "/none.toml").status().code(),
            StatusCode::kNotFound);
}

// Statuses by the default policy's rules for findings only (no incidents,
// decisions or commitments in SVAC, so a listed party is never delisted),
// computed straight from the CSV.
std::map<int, std::pair<int, int>> IndependentSimulation(const std::string& path) {
  auto reader = CsvReader::Open(path).value();
  EXPECT_TRUE(reader->Next().value());
  std::vector<std::string> header(reader->fields().begin(), reader->fields().end());
  auto col = [&header](std::string_view name) {
    return static_cast<size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  auto trim = [](std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return std::string(s);
  };
  // (actor, year) -> highest level per source.
  std::map<std::pair<std::string, int>, std::array<int, 3>> levels;
  std::set<std::string> actors;
  while (reader->Next().value()) {
    const auto& f = reader->fields();
    const std::string id = trim(f[col("actorid")]);
    const std::string key =
        id.empty() ? trim(f[col("actor")]) + "|" + trim(f[col("location")]) : id;
    actors.insert(key);
    auto [it, added] = levels.try_emplace({key, std::stoi(trim(f[col("year")]))});
    if (added) it->second = {-1, -1, -1};
    const char* sources[] = {"state_prev", "ai_prev", "hrw_prev"};
    for (int s = 0; s < 3; ++s) {
      const std::string v = trim(f[col(sources[s])]);
      if (!v.empty() && v != "-99") it->second[s] = std::max(it->second[s], std::stoi(v));
    }
  }
  std::map<int, std::pair<int, int>> counts;
  for (const std::string& actor : actors) {
    bool listed = false;
    for (int year = 1989; year <= 2021; ++year) {
      int at_two = 0;
      if (auto it = levels.find({actor, year}); it != levels.end()) {
        for (int level : it->second) at_two += level >= 2;
      }
      const bool pattern = at_two >= 2;  // findings.list_min_sources, list_level
      const bool notice = at_two >= 1;   // findings.notice_min_sources, notice_level
      listed = listed || pattern;
      if (listed) {
        ++counts[year].first;
      } else if (notice) {
        ++counts[year].second;
      }
    }
  }
  return counts;
}

TEST_F(DatasetImportTest, SvacHistoricalSimulationMatchesAnIndependentComputation) {
  MARA_REAL_DATA(path, "svac_3.2_complete.csv");
  ASSERT_TRUE(Import(path, "svac").ok());
  const std::map<int, std::pair<int, int>> expected = IndependentSimulation(path);
  auto policy = DefaultPolicy();
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  std::ostringstream table;
  int total_listed = 0;
  for (int year = 1989; year <= 2021; ++year) {
    auto assessment = AssessCycle(*store_, *policy, year);
    ASSERT_TRUE(assessment.ok()) << assessment.status().ToString();
    int listed = 0, on_notice = 0;
    for (const PartyAssessment& p : assessment->parties) {
      listed += p.status == PartyStatus::kListed;
      on_notice += p.status == PartyStatus::kOnNotice;
    }
    const auto want = expected.count(year) ? expected.at(year) : std::pair<int, int>{0, 0};
    EXPECT_EQ(listed, want.first) << year;
    EXPECT_EQ(on_notice, want.second) << year;
    total_listed += listed;
    table << year << "," << listed << "," << on_notice << "\n";
  }
  EXPECT_GT(total_listed, 0);
  if (const char* out = std::getenv("MARA_SIMULATION_CSV"); out != nullptr && *out != '\0') {
    std::ofstream(out) << "year,listed,on_notice\n" << table.str();
  }
}

}  // namespace
}  // namespace mara
