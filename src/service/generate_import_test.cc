// Generated data sets (ingest/generator.h) import cleanly through the one
// import path, in both forms, into real SQLite stores, and both forms give
// the same stored data.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <sstream>
#include <string>

#include "ingest/bundle.h"
#include "ingest/generator.h"
#include "service/core.h"
#include "service/import.h"
#include "storage/store.h"

namespace mara {
namespace {

namespace fs = std::filesystem;

class GenerateImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mara_generate_import_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  std::unique_ptr<Store> Open(const std::string& name) {
    auto store = OpenStore(Path(name));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  static void Import(Store& store, const std::string& path) {
    auto report = ImportFile(store, path, ImportOptions());
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->rejected, 0);
  }

  static std::string Export(Store& store) {
    std::ostringstream out;
    EXPECT_TRUE(WriteBundle(store, out).ok());
    return out.str();
  }

  fs::path dir_;
};

TEST_F(GenerateImportTest, BothFormsImportAndHoldTheSameData) {
  GeneratorOptions o;
  o.incidents = 4000;
  o.cycles = 4;
  o.first_cycle = 2021;
  o.seed = 17;
  ASSERT_TRUE(Generate(o, Path("g.json"), nullptr).ok());
  ASSERT_TRUE(Generate(o, Path("g.csv"), nullptr).ok());

  std::unique_ptr<Store> from_json = Open("json.db");
  ASSERT_NE(from_json, nullptr);
  Import(*from_json, Path("g.json"));

  std::unique_ptr<Store> from_csv = Open("csv.db");
  ASSERT_NE(from_csv, nullptr);
  const CsvCompanions companions = CompanionPaths(Path("g.csv"));
  Import(*from_csv, companions.registry);
  Import(*from_csv, Path("g.csv"));
  Import(*from_csv, companions.statements);
  if (HasFailure()) return;

  auto counts = from_json->Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->Of(Collection::kIncidents), 4000);
  EXPECT_EQ(counts->Of(Collection::kParties), EffectivePartyCount(o));
  EXPECT_GT(counts->Of(Collection::kStatements), 0);
  EXPECT_GT(counts->Of(Collection::kCommitments), 0);
  auto integrity = from_csv->IntegrityCheck();
  ASSERT_TRUE(integrity.ok());
  EXPECT_EQ(*integrity, "ok");

  EXPECT_EQ(Export(*from_json), Export(*from_csv));
}

TEST_F(GenerateImportTest, ReimportingChangesNothing) {
  GeneratorOptions o;
  o.incidents = 1500;
  o.parties = 30;
  ASSERT_TRUE(Generate(o, Path("g.json"), nullptr).ok());
  std::unique_ptr<Store> store = Open("m.db");
  ASSERT_NE(store, nullptr);
  Import(*store, Path("g.json"));
  const std::string first = Export(*store);
  Import(*store, Path("g.json"));
  EXPECT_EQ(Export(*store), first);
}

}  // namespace
}  // namespace mara
