#include "ingest/incidents_csv.h"

#include <gtest/gtest.h>

#include "domain/json_codec.h"

namespace mara {
namespace {

std::vector<std::string_view> Split(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t comma = line.find(',', start);
    out.push_back(line.substr(start, comma == std::string_view::npos ? line.npos : comma - start));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

std::vector<std::string_view> Header() {
  return std::vector<std::string_view>(kIncidentColumns.begin(), kIncidentColumns.end());
}

const char* kRow =
    "I-1,SIT-A,2025-01-10,week,Town X,North,1.5,30.25,rape;forced_nudity,2,1,,3,0,detention,"
    "perpetrator_affiliation,verified,2025-03-01,P-1:reasonable_grounds;P-2:clear_and_convincing,"
    "S-1;S-2,Some text,identified_sharing";

TEST(IncidentsCsvTest, DecodesARow) {
  auto layout = IncidentCsvLayout::FromHeader(Header());
  ASSERT_TRUE(layout.ok());
  Incident v;
  Status s = layout->Decode(Split(kRow), &v);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(v.id, "I-1");
  EXPECT_EQ(v.date_precision, DatePrecision::kWeek);
  EXPECT_EQ(*v.location.lon, 30.25);
  EXPECT_EQ(v.violations.size(), 2u);
  EXPECT_EQ(v.victims.men, 0);
  EXPECT_EQ(v.victims.boys, 3);
  EXPECT_EQ(v.perpetrators[1].party, "P-2");
  EXPECT_EQ(v.perpetrators[1].standard, Standard::kClearAndConvincing);
  EXPECT_EQ(v.sources, (std::vector<std::string>{"S-1", "S-2"}));
  EXPECT_EQ(*v.narrative, "Some text");
  EXPECT_EQ(v.consent, Consent::kIdentifiedSharing);

  // The reused incident forgets the previous row's values.
  std::string sparse = "I-2,SIT-A,2025-01-11,,Town,,,,rape,,,,,,home,,reported,,,,,";
  ASSERT_TRUE(layout->Decode(Split(sparse), &v).ok());
  EXPECT_EQ(v.date_precision, DatePrecision::kDay);
  EXPECT_FALSE(v.location.admin1 || v.location.lat || v.narrative || v.verified_on);
  EXPECT_TRUE(v.perpetrators.empty() && v.sources.empty() && v.nexus.empty());
  EXPECT_EQ(v.victims.Total(), 0);
  EXPECT_EQ(v.consent, Consent::kAggregateReporting);
}

TEST(IncidentsCsvTest, RowRoundTripsThroughTheWriter) {
  auto layout = IncidentCsvLayout::FromHeader(Header());
  Incident v;
  ASSERT_TRUE(layout->Decode(Split(kRow), &v).ok());
  std::string row;
  AppendIncidentRow(v, &row);
  EXPECT_EQ(row, std::string(kRow).replace(std::string(kRow).find(",,3"), 3, ",0,3") + "\n");
  v.location.lat = 0.1 + 0.2;
  v.narrative = "with, comma and \"quote\"\nnewline";
  row.clear();
  AppendIncidentRow(v, &row);
  EXPECT_NE(row.find(",0.30000000000000004,"), std::string::npos);
  EXPECT_NE(row.find(",\"with, comma and \"\"quote\"\"\nnewline\","), std::string::npos);
  EXPECT_EQ(IncidentCsvHeader().substr(0, 30), "id,situation,date,date_precisi");
}

TEST(IncidentsCsvTest, HeaderRules) {
  std::vector<std::string_view> reordered = {"situation",  "id",      "date",  "location",
                                             "violations", "context", "status"};
  auto layout = IncidentCsvLayout::FromHeader(reordered);
  ASSERT_TRUE(layout.ok());
  Incident v;
  ASSERT_TRUE(layout->Decode(Split("SIT-A,I-3,2024-02-29,Town,rape,other,reported"), &v).ok());
  EXPECT_EQ(v.id, "I-3");
  EXPECT_EQ(v.situation, "SIT-A");

  auto extra = Header();
  extra.push_back("colour");
  extra.push_back("size");
  EXPECT_EQ(IncidentCsvLayout::FromHeader(extra).status().message(),
            "unknown column(s) 'colour', 'size' in the header (an incidents CSV has the columns of "
            "docs/formats.md)");
  EXPECT_EQ(IncidentCsvLayout::FromHeader({"id", "situation", "location"}).status().message(),
            "missing required column(s) in the header: date, violations, context, status");
  EXPECT_EQ(IncidentCsvLayout::FromHeader({"id", "id"}).status().message(),
            "column 'id' appears twice in the header");
}

TEST(IncidentsCsvTest, FieldErrors) {
  auto layout = IncidentCsvLayout::FromHeader(Header());
  auto error = [&](size_t column, std::string value) {
    auto fields = Split(kRow);
    fields[column] = value;
    Incident v;
    Status s = layout->Decode(fields, &v);
    return s.ok() ? std::string() : s.message();
  };
  EXPECT_EQ(error(2, "2025-02-30"), "field 'date': no such calendar date '2025-02-30'");
  EXPECT_EQ(error(9, "-2"), "field 'women': expected a non-negative integer, got -2");
  EXPECT_EQ(error(10, "two"), "field 'girls': expected a non-negative integer, got 'two'");
  EXPECT_EQ(error(6, "north"), "field 'lat': expected a number, got 'north'");
  EXPECT_EQ(error(16, "verifed"),
            "field 'status': unknown value 'verifed' (expected reported, under_verification, "
            "verified or not_verified)");
  EXPECT_EQ(error(8, "rape;;x").substr(0, 40), "field 'violations': empty item in the ';");
  EXPECT_EQ(error(18, "P-1").substr(0, 49), "field 'perpetrators': expected party:standard, go");
  EXPECT_EQ(error(18, "P-1:likely").substr(0, 40), "field 'perpetrators': unknown value 'lik");
  EXPECT_EQ(error(21, "public").substr(0, 39), "field 'consent': unknown value 'public'");
  EXPECT_EQ(error(17, "2025-3-1"),
            "field 'verified_on': expected a date as YYYY-MM-DD, got '2025-3-1'");
}

TEST(IncidentsCsvTest, ColumnForPointer) {
  EXPECT_EQ(ColumnForPointer("/victims/women"), "women");
  EXPECT_EQ(ColumnForPointer("/location/name"), "location");
  EXPECT_EQ(ColumnForPointer("/location/lat"), "lat");
  EXPECT_EQ(ColumnForPointer("/perpetrators/2/party"), "perpetrators");
  EXPECT_EQ(ColumnForPointer("/sources/0"), "sources");
  EXPECT_EQ(ColumnForPointer("/id"), "id");
}

}  // namespace
}  // namespace mara
