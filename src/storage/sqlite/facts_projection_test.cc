#include "storage/facts_projection.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "common/name_map.h"
#include "common/temp_dir.h"
#include "storage/sqlite/facts_tables.h"
#include "storage/sqlite/migrations.h"
#include "storage/sqlite/sqlite_store.h"

namespace mara {
namespace {

Incident MakeIncident(const std::string& id, int day, const std::string& location,
                      std::vector<Attribution> perpetrators) {
  Incident v;
  v.id = id;
  v.situation = "SIT-A";
  v.date = Date::FromYmd(2024, 1, 1 + day % 28);
  v.location.name = location;
  v.violations = {Violation::kRape};
  v.nexus = {Nexus::kPerpetratorAffiliation};
  v.status = IncidentStatus::kVerified;
  v.perpetrators = std::move(perpetrators);
  v.sources = {"S-1"};
  v.consent = Consent::kAggregateReporting;
  return v;
}

// One line per incident, sorted, with names spelled out: equal vectors mean
// equal facts whatever order or coding a scan used.
std::string Line(const IncidentFacts& f) {
  std::string out = std::string(f.id) + "|" + std::string(f.situation) + "|" + f.date.ToString() +
                    "|" + std::string(ToString(f.status)) + "|" + std::string(ToString(f.consent)) +
                    "|" + std::to_string(f.violation_count) + "|" + std::to_string(f.nexus_count) +
                    "|" + std::string(f.location_name);
  for (const FactAttribution& a : f.perpetrators) {
    out += "|" + std::string(a.party) + ":" + std::string(ToString(a.standard));
  }
  return out;
}

std::vector<std::string> ScanLines(Store& store) {
  std::vector<std::string> lines;
  Status s = store.ScanIncidentFacts([&](const IncidentFacts& f) {
    lines.push_back(Line(f));
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  std::sort(lines.begin(), lines.end());
  return lines;
}

std::vector<std::string> RowLines(Store& store) {
  std::vector<std::string> lines;
  Status s = store.ScanIncidents([&](const Incident& v) {
    lines.push_back(Line(FactsOf(v)));
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  std::sort(lines.begin(), lines.end());
  return lines;
}

void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

class FactsProjectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = ScopedTempDir::Create("mara-facts");
    ASSERT_TRUE(dir.ok());
    dir_ = std::move(dir).value();
    path_ = dir_.path() + "/facts.db";
  }

  std::unique_ptr<Store> Open() {
    auto s = OpenSqliteStore(path_, {});
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  // n incidents over a few parties and locations, in one transaction.
  void Write(Store& store, int n, const std::string& prefix, const std::string& location) {
    ASSERT_TRUE(store.Begin().ok());
    for (int i = 0; i < n; ++i) {
      std::vector<Attribution> perpetrators = {
          {"P-" + std::to_string(i % 7), Standard::kReasonableGrounds}};
      if (i % 3 == 0)
        perpetrators.push_back({"P-U" + std::to_string(i % 5), Standard::kCredibleInformation});
      auto put = store.PutIncident(MakeIncident(prefix + std::to_string(i), i,
                                                location + std::to_string(i % 11), perpetrators),
                                   0);
      ASSERT_TRUE(put.ok()) << put.status().ToString();
    }
    ASSERT_TRUE(store.Commit().ok());
  }

  ScopedTempDir dir_;
  std::string path_;
};

TEST_F(FactsProjectionTest, ScanEqualsTheRowsAfterInsertsAndUpdates) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  Write(*store, 500, "I-", "Town ");
  EXPECT_EQ(ScanLines(*store), RowLines(*store));
  // Rewrites of existing ids (new location, standard and date) and new ids.
  Write(*store, 800, "I-", "Village ");
  EXPECT_EQ(ScanLines(*store).size(), 800u);
  EXPECT_EQ(ScanLines(*store), RowLines(*store));
  EXPECT_EQ(*store->IntegrityCheck(), "ok");

  // A fresh handle reads what the first one wrote.
  store.reset();
  auto again = Open();
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(ScanLines(*again), RowLines(*again));
}

TEST_F(FactsProjectionTest, ScanInsideTheWritingTransactionSeesStagedRecords) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(store
                  ->PutIncident(
                      MakeIncident("I-1", 1, "Town", {{"P-1", Standard::kCredibleInformation}}), 0)
                  .ok());
  EXPECT_EQ(ScanLines(*store).size(), 1u);
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_EQ(ScanLines(*store), RowLines(*store));
}

TEST_F(FactsProjectionTest, RollbackLeavesNoStagedRecordsOrNames) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  Write(*store, 10, "I-", "Town ");
  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(
      store
          ->PutIncident(
              MakeIncident("I-99", 1, "Nowhere", {{"P-NEW", Standard::kCredibleInformation}}), 0)
          .ok());
  ASSERT_TRUE(store->PutIncident(MakeIncident("I-1", 1, "Elsewhere", {}), 0).ok());
  store->Rollback();
  EXPECT_EQ(ScanLines(*store), RowLines(*store));
  // The names coded in the rolled-back transaction are gone from the cache
  // too: writing them again codes them afresh and the scan still agrees.
  Write(*store, 2, "I-N", "Nowhere");
  EXPECT_EQ(ScanLines(*store), RowLines(*store));
  EXPECT_EQ(*store->IntegrityCheck(), "ok");
}

TEST_F(FactsProjectionTest, MissingProjectionIsRebuiltOnOpen) {
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    Write(*store, 300, "I-", "Town ");
  }
  // As a database migrated from schema version 1 would be.
  RawExec(path_,
          "DELETE FROM fact_buckets; DELETE FROM fact_names; DELETE FROM meta WHERE key = "
          "'facts_projection'");
  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(ScanLines(*store).size(), 300u);
  EXPECT_EQ(ScanLines(*store), RowLines(*store));
  EXPECT_EQ(*store->IntegrityCheck(), "ok");
}

TEST_F(FactsProjectionTest, DamagedBucketIsCorruptionNamingIt) {
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    Write(*store, 50, "I-", "Town ");
  }
  RawExec(path_,
          "UPDATE fact_buckets SET records = X'05' || records WHERE bucket = (SELECT min(bucket) "
          "FROM fact_buckets)");
  auto store = Open();
  ASSERT_NE(store, nullptr);
  Status s = store->ScanIncidentFacts([](const IncidentFacts&) { return Status::Ok(); });
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("facts projection bucket"), std::string::npos) << s.message();
  auto check = store->IntegrityCheck();
  ASSERT_TRUE(check.ok());
  EXPECT_NE(check->find("facts projection bucket"), std::string::npos) << *check;
}

TEST_F(FactsProjectionTest, IntegrityCheckFindsRowsChangedBehindTheStore) {
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    Write(*store, 50, "I-", "Town ");
  }
  RawExec(path_, "UPDATE incidents SET location_name = 'Moved' WHERE id = 'I-7'");
  auto store = Open();
  ASSERT_NE(store, nullptr);
  auto check = store->IntegrityCheck();
  ASSERT_TRUE(check.ok());
  EXPECT_NE(check->find("differs from the incidents (1 projected, 1 stored)"), std::string::npos)
      << *check;
}

TEST_F(FactsProjectionTest, FlushesWhenStagedRecordsExceedTheBound) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  store.reset();
  auto db = sqlite::Db::Open(path_, SQLITE_OPEN_READWRITE);
  ASSERT_TRUE(db.ok());
  sqlite::SqliteFactsTables tables(**db);
  FactsProjection projection(tables, "plain", /*flush_bytes=*/256);
  ASSERT_TRUE((*db)->Exec("BEGIN IMMEDIATE").ok());
  std::vector<Incident> incidents;
  for (int i = 0; i < 400; ++i) {
    incidents.push_back(
        MakeIncident("I-" + std::to_string(i % 250), i, "L" + std::to_string(i),
                     {{"P-" + std::to_string(i % 9), Standard::kCredibleInformation}}));
  }
  for (const Incident& v : incidents) ASSERT_TRUE(projection.Stage(FactsOf(v)).ok());
  ASSERT_TRUE(projection.Flush().ok());
  ASSERT_TRUE((*db)->Exec("COMMIT").ok());
  projection.Committed();
  // The last write of each id wins, across flushes.
  std::vector<std::string> expected, got;
  for (int i = 150; i < 400; ++i) expected.push_back(Line(FactsOf(incidents[i])));
  ASSERT_TRUE(projection
                  .Scan([&](const IncidentFacts& f) {
                    EXPECT_NE(f.location_code, 0u);
                    EXPECT_NE(f.situation_code, 0u);
                    got.push_back(Line(f));
                    return Status::Ok();
                  })
                  .ok());
  std::sort(expected.begin(), expected.end());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, expected);
}

// Spill runs (flush_bytes 256: a run every few records), a scan in the
// middle of the transaction, more writes, a rollback, and StageIfCoded.
TEST_F(FactsProjectionTest, SpillRunsMergeOncePerBucketAndRollBack) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  store.reset();
  auto db = sqlite::Db::Open(path_, SQLITE_OPEN_READWRITE);
  ASSERT_TRUE(db.ok());
  sqlite::SqliteFactsTables tables(**db);
  FactsProjection projection(tables, "plain", /*flush_bytes=*/256);
  std::vector<Incident> incidents;
  for (int i = 0; i < 900; ++i) {
    incidents.push_back(
        MakeIncident("J-" + std::to_string((i * 7919) % 600), i, "L" + std::to_string(i % 37),
                     {{"P-" + std::to_string(i % 11), Standard::kReasonableGrounds}}));
  }
  auto scan = [&]() {
    std::vector<std::string> got;
    EXPECT_TRUE(projection
                    .Scan([&](const IncidentFacts& f) {
                      got.push_back(Line(f));
                      return Status::Ok();
                    })
                    .ok());
    std::sort(got.begin(), got.end());
    return got;
  };
  auto expect_last_writes = [&](size_t n) {
    std::map<std::string, std::string> last;
    for (size_t i = 0; i < n; ++i) last[incidents[i].id] = Line(FactsOf(incidents[i]));
    std::vector<std::string> expected;
    for (const auto& [id, line] : last) expected.push_back(line);
    std::sort(expected.begin(), expected.end());
    return expected;
  };
  ASSERT_TRUE((*db)->Exec("BEGIN IMMEDIATE").ok());
  for (size_t i = 0; i < 400; ++i) ASSERT_TRUE(projection.Stage(FactsOf(incidents[i])).ok());
  EXPECT_EQ(scan(), expect_last_writes(400));
  for (size_t i = 400; i < 700; ++i) {
    // Every name was met in the first 400: staged without a statement.
    auto staged = projection.StageIfCoded(FactsOf(incidents[i]));
    ASSERT_TRUE(staged.ok());
    EXPECT_TRUE(*staged);
  }
  ASSERT_TRUE(projection.Flush().ok());
  ASSERT_TRUE((*db)->Exec("COMMIT").ok());
  projection.Committed();
  EXPECT_EQ(scan(), expect_last_writes(700));

  // A rolled-back transaction leaves the projection and the codes as they
  // were, however many runs it spilled.
  ASSERT_TRUE((*db)->Exec("BEGIN IMMEDIATE").ok());
  Incident fresh = MakeIncident("J-new", 3, "Nowhere", {{"P-new", Standard::kCredibleInformation}});
  auto coded = projection.StageIfCoded(FactsOf(fresh));
  ASSERT_TRUE(coded.ok());
  EXPECT_FALSE(*coded);
  ASSERT_TRUE(projection.Stage(FactsOf(fresh)).ok());
  for (size_t i = 700; i < 900; ++i) ASSERT_TRUE(projection.Stage(FactsOf(incidents[i])).ok());
  ASSERT_TRUE((*db)->Exec("ROLLBACK").ok());
  projection.Discard();
  EXPECT_EQ(scan(), expect_last_writes(700));
  ASSERT_TRUE((*db)->Exec("BEGIN IMMEDIATE").ok());
  coded = projection.StageIfCoded(FactsOf(fresh));
  ASSERT_TRUE(coded.ok());
  EXPECT_FALSE(*coded) << "a code of a rolled-back name was kept";
  ASSERT_TRUE(projection.Stage(FactsOf(fresh)).ok());
  ASSERT_TRUE(projection.Flush().ok());
  ASSERT_TRUE((*db)->Exec("COMMIT").ok());
  projection.Committed();
  std::vector<std::string> expected = expect_last_writes(700);
  expected.push_back(Line(FactsOf(fresh)));
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(scan(), expected);
}

TEST(NameMapTest, FindsInsertsTruncatesAndKeepsViews) {
  NameMap<uint32_t> map;
  std::vector<std::string> keys;
  for (int i = 0; i < 5000; ++i) keys.push_back("name-" + std::to_string(i));
  keys.push_back(std::string(40000, 'x'));  // larger than a quarter chunk
  keys.push_back("");
  for (size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(map.Insert(keys[i], i + 1), i + 1);
  for (size_t i = 0; i < keys.size(); ++i) {
    const uint32_t* v = map.Find(keys[i]);
    ASSERT_NE(v, nullptr) << i;
    EXPECT_EQ(*v, i + 1);
  }
  EXPECT_EQ(map.Find("name-5000"), nullptr);
  map.TruncateTo(100);
  EXPECT_EQ(map.size(), 100u);
  EXPECT_NE(map.Find("name-99"), nullptr);
  EXPECT_EQ(map.Find("name-100"), nullptr);
  EXPECT_EQ(map.Find(""), nullptr);
  NameMap<std::string_view> tokens;
  const std::string_view kept = tokens.Insert("a", tokens.Bytes("token-a"));
  for (int i = 0; i < 20000; ++i) {
    tokens.Insert("k" + std::to_string(i), tokens.Bytes("v" + std::to_string(i)));
  }
  EXPECT_EQ(kept, "token-a");
  EXPECT_EQ(*tokens.Find("k19999"), "v19999");
}

}  // namespace
}  // namespace mara
