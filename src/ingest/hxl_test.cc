#include "ingest/hxl.h"

#include <gtest/gtest.h>

#include <fstream>

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

TEST_F(HxlTest, NothingIsAnIncidentByDefault) {
  auto r = Run(ImportHxl, Fixture("hxl_small.csv"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "the mapping does not say which rows are sexual-violence incidents: give a mapping "
            "file (--mapping FILE) with a line such as 'incident_filter = #event+type sexual "
            "violence' (the rows whose #event+type cell is 'sexual violence') or "
            "'incident_filter = all' (every row of the file is one)");
  EXPECT_EQ(store_->Counts().value().Of(Collection::kIncidents), 0);

  DatasetImportOptions options;
  options.mapping = Fixture("hxl_bad_filter.txt");
  auto bad = Run(ImportHxl, Fixture("hxl_small.csv"), options);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            Fixture("hxl_bad_filter.txt") +
                ": line 1: expected 'all' or a hashtag pattern and the value of the rows that are "
                "incidents (incident_filter = #event+type sexual violence), got 'sexual violence'");

  const std::string mapping = dir_.path() + "/other_tag.txt";
  std::ofstream(mapping) << "incident_filter = #crisis+type sexual violence\n";
  options.mapping = mapping;
  auto absent = Run(ImportHxl, Fixture("hxl_small.csv"), options);
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.status().message(),
            "no column matches the incident_filter pattern '#crisis+type' of the mapping, so no "
            "row can be told to be an incident");
}

TEST_F(HxlTest, SmallFileWithAnIncidentFilter) {
  DatasetImportOptions options;
  options.mapping = Fixture("hxl_sexual_violence.txt");
  auto r = Run(ImportHxl, Fixture("hxl_small.csv"), options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->inserted.Of(Collection::kIncidents), 2);
  EXPECT_EQ(r->notes[0], "hxl: 2 incidents, 1 other rows skipped by the incident filter");
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
  ASSERT_TRUE(w.has_value()) << "' SEXUAL  violence ' passes the filter";
  EXPECT_EQ(w->date_precision, DatePrecision::kYear);
  EXPECT_EQ(w->location.name, "North") << "location NA: admin1 stands in";
  EXPECT_FALSE(w->location.lat.has_value()) << "NA";
  EXPECT_FALSE(w->location.lon.has_value()) << "null";
  EXPECT_EQ(w->perpetrators.size(), 2u) << "several names separated by ';'";
  EXPECT_EQ(w->perpetrators[0].party, v->perpetrators[0].party);
  EXPECT_FALSE(store_->GetIncident("HXL-E-3").value().has_value()) << "a battle is no incident";
}

TEST_F(HxlTest, ViolationsFromADescriptionColumn) {
  DatasetImportOptions options;
  options.mapping = Fixture("hxl_description_mapping.txt");
  auto r = Run(ImportHxl, Fixture("hxl_small.csv"), options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto v = store_->GetIncident("HXL-E-1").value();
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->violations, (std::vector<Violation>{Violation::kRape, Violation::kForcedNudity}))
      << "free text through the keyword table";
  auto w = store_->GetIncident("HXL-E-2").value();
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->violations,
            (std::vector<Violation>{Violation::kSexualSlavery, Violation::kForcedMarriage}))
      << "violation names";
}

TEST_F(HxlTest, MappingFile) {
  DatasetImportOptions options;
  options.mapping = Fixture("hxl_mapping.txt");
  auto r = Run(ImportHxl, Fixture("hxl_small.csv"), options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto v = store_->GetIncident("HXL-E-1").value();
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->violations, std::vector<Violation>{Violation::kRape}) << "'Rape' is rape";
  EXPECT_EQ(v->status, IncidentStatus::kUnderVerification);

  options.mapping = Fixture("hxl_bad_mapping.txt");
  auto bad = Run(ImportHxl, Fixture("hxl_small.csv"), options);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            Fixture("hxl_bad_mapping.txt") + ": line 1: unknown violation 'robbery'");
}

TEST_F(HxlTest, MalformedInput) {
  DatasetImportOptions options;
  options.mapping = Fixture("hxl_all_rows.txt");
  auto none = Run(ImportHxl, Fixture("hxl_no_tags.csv"), options);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("no HXL hashtag row"), std::string::npos);
  auto acled = Run(ImportHxl, Fixture("acled_sample.csv"), options);
  ASSERT_FALSE(acled.ok()) << "a wrong --format is refused";
}

// GED records lethal violence, not sexual violence: without a mapping the
// file is refused, and only a mapping that says every row is an incident
// imports it (a test of the mapping on real data).
TEST_F(HxlTest, UcdpEventsFile) {
  MARA_REAL_DATA(path, "ucdp_ged_hxl_conflict_data_BGD.csv");
  auto refused = Run(ImportHxl, path);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("incident_filter"), std::string::npos);
  DatasetImportOptions options;
  options.mapping = Fixture("hxl_all_rows.txt");
  auto r = Run(ImportHxl, path, options);
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
                      EXPECT_EQ(v.situation, "SIT-BGD");
                      EXPECT_EQ(v.perpetrators.size(), 1u);
                    }
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(found, 1);
  auto again = Run(ImportHxl, path, options);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Total(again->inserted), 0);
  EXPECT_EQ(again->updated.Of(Collection::kIncidents), 601);
}

}  // namespace
}  // namespace mara
