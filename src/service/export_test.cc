#include "service/export.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <sstream>

#include "common/temp_dir.h"
#include "domain/model.h"
#include "service/core.h"

namespace mara {
namespace {

class ExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tmp = ScopedTempDir::Create("mara-export");
    ASSERT_TRUE(tmp.ok()) << tmp.status().message();
    tmp_ = std::move(tmp).value();
    dir_ = tmp_.path();
    auto store = OpenStore(dir_ + "/mara.db");
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(store).value();
  }
  void TearDown() override { store_.reset(); }
  ScopedTempDir tmp_;
  std::string dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(ExportTest, EmptyStoreHasEveryCollection) {
  std::ostringstream out;
  ASSERT_TRUE(ExportStore(*store_, ExportFormat::kBundle, out).ok());
  std::string expected = "{\"format\":\"mara-bundle/1\"";
  for (std::string_view name : kCollectionNames) expected += ",\n\"" + std::string(name) + "\":[]";
  expected += "\n}\n";
  EXPECT_EQ(out.str(), expected);
  std::ostringstream csv;
  ASSERT_TRUE(ExportStore(*store_, "incidents-csv", csv).ok());
  EXPECT_EQ(
      csv.str(),
      "id,situation,date,date_precision,location,admin1,lat,lon,violations,women,girls,men,"
      "boys,unknown,context,nexus,status,verified_on,perpetrators,sources,narrative,consent\n");
}

TEST_F(ExportTest, WritesIncidentsInIdOrder) {
  Transaction tx(store_.get());
  ASSERT_TRUE(tx.Begin().ok());
  ASSERT_TRUE(store_->Put(Situation{"SIT-A", "A", true}).ok());
  for (const char* id : {"I-2", "I-1"}) {
    Incident v;
    v.id = id;
    v.situation = "SIT-A";
    v.date = Date::FromYmd(2025, 1, 2);
    v.location.name = "Town";
    v.violations = {Violation::kRape};
    ASSERT_TRUE(store_->PutIncident(v, 0).ok());
  }
  ASSERT_TRUE(tx.Commit().ok());
  std::ostringstream csv;
  ASSERT_TRUE(ExportStore(*store_, ExportFormat::kIncidentsCsv, csv).ok());
  const std::string text = csv.str();
  EXPECT_NE(text.find("\nI-1,SIT-A,2025-01-02,day,Town,,,,rape,0,0,0,0,0,other,,reported,,,,,"
                      "aggregate_reporting\nI-2,"),
            std::string::npos);
}

TEST_F(ExportTest, UnknownFormatAndFailingStream) {
  std::ostringstream out;
  Status s = ExportStore(*store_, "xml", out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "unknown export format 'xml' (expected bundle or incidents-csv)");
  std::ostringstream broken;
  broken.setstate(std::ios::badbit);
  EXPECT_EQ(ExportStore(*store_, ExportFormat::kBundle, broken).code(), StatusCode::kIOError);
}

}  // namespace
}  // namespace mara
