#include "ingest/hxl.h"

#include <gtest/gtest.h>

#include "ingest/import_test_support.h"

namespace mara {
namespace {

using testing_support::Fixture;
using testing_support::Total;

class HxlTest : public testing_support::ImporterTest {};

TEST(HxlHashtags, PatternAttributesMustBeASubset) {
  EXPECT_TRUE(HxlMatches("#group+name", "#group+name+first"));
  EXPECT_TRUE(HxlMatches("#date", "#date+year"));
  EXPECT_TRUE(HxlMatches("#GEO+lat", " #geo +lat"));
  EXPECT_FALSE(HxlMatches("#group+name+first", "#group+name+second"));
  EXPECT_FALSE(HxlMatches("#geo+lat", "#geo+lon"));
  EXPECT_FALSE(HxlMatches("#adm1", "#adm2+name"));
}

TEST_F(HxlTest, SmallFileWithTheDefaultMapping) {
  auto r = Run(ImportHxl, Fixture("hxl_small.csv"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->inserted.Of(Collection::kIncidents), 2);
  auto v = store_->GetIncident("HXL-E-1").value();
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->date.ToString(), "2020-03-04");
  EXPECT_EQ(v->location.name, "Town A");
  EXPECT_EQ(v->location.admin1, "North");
  EXPECT_DOUBLE_EQ(*v->location.lon, 30.25);
  EXPECT_EQ(v->victims.unknown, 2);
  EXPECT_EQ(v->situation, "SIT-country-x");
  EXPECT_EQ(v->violations, std::vector<Violation>{Violation::kOtherComparableGravity});
  ASSERT_EQ(v->perpetrators.size(), 1u);
  EXPECT_EQ(v->perpetrators[0].party, SlugId("HXL", "Army of Country X"));
  auto w = store_->GetIncident("HXL-E-2").value();
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->date_precision, DatePrecision::kYear);
  EXPECT_EQ(w->location.name, "North");
  EXPECT_EQ(w->perpetrators.size(), 2u) << "several names separated by ';'";
  EXPECT_EQ(w->perpetrators[0].party, v->perpetrators[0].party);
}

TEST_F(HxlTest, MappingFile) {
  DatasetImportOptions options;
  options.mapping = Fixture("hxl_mapping.txt");
  auto r = Run(ImportHxl, Fixture("hxl_small.csv"), options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto v = store_->GetIncident("HXL-E-1").value();
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->violations, std::vector<Violation>{Violation::kRape});
  EXPECT_EQ(v->status, IncidentStatus::kUnderVerification);

  options.mapping = Fixture("hxl_bad_mapping.txt");
  auto bad = Run(ImportHxl, Fixture("hxl_small.csv"), options);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            Fixture("hxl_bad_mapping.txt") + ": line 1: unknown violation 'robbery'");
}

TEST_F(HxlTest, MalformedInput) {
  auto none = Run(ImportHxl, Fixture("hxl_no_tags.csv"));
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("no HXL hashtag row"), std::string::npos);
  auto acled = Run(ImportHxl, Fixture("acled_sample.csv"));
  ASSERT_FALSE(acled.ok()) << "a wrong --format is refused";
}

TEST_F(HxlTest, UcdpEventsFile) {
  MARA_REAL_DATA(path, "ucdp_ged_hxl_conflict_data_BGD.csv");
  auto r = Run(ImportHxl, path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rejected, 0);
  EXPECT_EQ(r->inserted.Of(Collection::kIncidents), 601);
  // The first event of the file: Bhāndāria town, 2013-12-13, one killed.
  int64_t found = 0;
  ASSERT_TRUE(store_
                  ->ScanIncidents([&](const Incident& v) {
                    if (v.location.name == "Bhāndāria town" && v.date.ToString() == "2013-12-13") {
                      ++found;
                      EXPECT_EQ(v.location.admin1, "Barisāl Division");
                      EXPECT_DOUBLE_EQ(*v.location.lat, 22.488976);
                      EXPECT_EQ(v.victims.unknown, 1);
                      EXPECT_EQ(v.situation, "SIT-bangladesh");
                      EXPECT_EQ(v.perpetrators.size(), 1u);
                    }
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(found, 1);
  auto again = Run(ImportHxl, path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Total(again->inserted), 0);
  EXPECT_EQ(again->updated.Of(Collection::kIncidents), 601);
}

}  // namespace
}  // namespace mara
