#include "ingest/countries.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "common/real_data_test_support.h"
#include "ingest/csv_reader.h"

namespace mara {
namespace {

TEST(CountriesTest, TheWholeTableParsesWithoutRepeatedKeysAndEveryKeyFindsItsRow) {
  auto parsed = ParseCountries(BuiltinCountriesText());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const std::vector<Country>& all = Countries();
  EXPECT_EQ(all.size(), 249u) << "every ISO 3166-1 country";
  for (const Country& c : all) {
    SCOPED_TRACE(c.alpha3);
    EXPECT_EQ(FindCountryByAlpha3(c.alpha3), &c);
    EXPECT_EQ(FindCountryByAlpha2(c.alpha2), &c);
    EXPECT_EQ(FindCountryByNumeric(c.numeric), &c);
    if (c.gwno) EXPECT_EQ(FindCountryByGwno(*c.gwno), &c);
    EXPECT_EQ(FindCountryByName(c.name), &c);
    for (const std::string& a : c.aliases) EXPECT_EQ(FindCountryByName(a), &c) << a;
  }
}

TEST(CountriesTest, RepeatedKeysAndBadLinesAreRefused) {
  EXPECT_EQ(ParseCountries("AAA\tAA\t001\t\tA\t\nBBB\tBB\t002\t\tB\tA\n").status().message(),
            "line 2: repeats name:a of line 1");
  EXPECT_EQ(ParseCountries("AAA\tAA\t001\t\tA\t\nBBB\tAA\t002\t\tB\t\n").status().message(),
            "line 2: repeats a2:AA of line 1");
  EXPECT_EQ(ParseCountries("AAA\tAA\t1\t\tA\t\n").status().message(), "line 1: bad numeric code");
  EXPECT_FALSE(ParseCountries("AAA\tAA\t001\n").ok());
}

TEST(CountriesTest, NamesAndCodesAsDataSetsWriteThem) {
  struct Case {
    std::string query;
    std::string alpha3;
  };
  for (const Case& c : std::vector<Case>{{"DR Congo (Zaire)", "COD"},
                                         {"Democratic Republic of Congo", "COD"},
                                         {"Congo, DRC", "COD"},
                                         {"congo", "COG"},
                                         {"Myanmar (Burma)", "MMR"},
                                         {" MYANMAR ", "MMR"},
                                         {"Russia (Soviet Union)", "RUS"},
                                         {"Russia (SovietUnion)", "RUS"},
                                         {"Côte d'Ivoire", "CIV"},
                                         {"Cote d’Ivoire", "CIV"},
                                         {"Ivory Coast", "CIV"},
                                         {"Yemen (North Yemen)", "YEM"},
                                         {"Macedonia, FYR", "MKD"},
                                         {"Kingdom of eSwatini (Swaziland)", "SWZ"},
                                         {"BGD", "BGD"},
                                         {"bd", "BGD"},
                                         {"104", "MMR"},
                                         {"4", "AFG"}}) {
    const Country* found = FindCountry(c.query);
    ASSERT_NE(found, nullptr) << c.query;
    EXPECT_EQ(found->alpha3, c.alpha3) << c.query;
  }
  EXPECT_EQ(FindCountry("Hyderabad"), nullptr);
  EXPECT_EQ(FindCountry(""), nullptr);
  // Gleditsch-Ward numbers the importers meet.
  for (const auto& [gw, alpha3] : std::vector<std::pair<int, std::string>>{
           {490, "COD"}, {775, "MMR"}, {365, "RUS"}, {625, "SDN"}, {626, "SSD"}, {520, "SOM"},
           {645, "IRQ"}, {652, "SYR"}, {700, "AFG"}, {770, "PAK"}, {771, "BGD"}, {850, "IDN"},
           {840, "PHL"}, {100, "COL"}, {475, "NGA"}, {432, "MLI"}, {483, "TCD"}, {482, "CAF"},
           {540, "AGO"}, {451, "SLE"}, {450, "LBR"}, {437, "CIV"}, {530, "ETH"}, {500, "UGA"},
           {517, "RWA"}, {516, "BDI"}, {369, "UKR"}, {678, "YEM"}, {620, "LBY"}, {666, "ISR"},
           {2, "USA"},   {200, "GBR"}, {220, "FRA"}}) {
    const Country* c = FindCountryByGwno(gw);
    ASSERT_NE(c, nullptr) << gw;
    EXPECT_EQ(c->alpha3, alpha3) << gw;
  }
}

// Every location of the real SVAC, UCDP actor, GED and HXL files resolves,
// a cell naming several countries ("Iran, Israel") country by country,
// except the states that are no ISO 3166-1 country.
TEST(CountriesTest, EveryRealDataLocationResolves) {
  const std::set<std::string> historical = {"Hyderabad", "South Vietnam", "South Yemen"};
  std::set<std::string> unresolved;
  auto check = [&unresolved, &historical](std::string_view cell) {
    const std::string_view value = TrimBlanks(cell);
    if (value.empty() || FindCountry(value) != nullptr) return;
    // "Macedonia, FYR" has a comma of its own inside UCDP's lists.
    std::string_view rest = value;
    std::string previous;
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      const std::string part(TrimBlanks(rest.substr(0, comma)));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      if (FindCountry(part) == nullptr && !historical.count(part) &&
          FindCountry(previous + ", " + part) == nullptr) {
        unresolved.insert(part);
      }
      previous = part;
    }
  };
  auto scan = [&check](const std::string& path, const std::vector<std::string>& columns,
                       int header_rows) {
    auto reader = CsvReader::Open(path);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    ASSERT_TRUE((*reader)->Next().value());
    std::vector<size_t> at;
    const auto& header = (*reader)->fields();
    for (size_t i = 0; i < header.size(); ++i) {
      for (const std::string& c : columns) {
        if (TrimBlanks(header[i]) == c) at.push_back(i);
      }
    }
    ASSERT_EQ(at.size(), columns.size()) << path;
    for (int i = 1; i < header_rows; ++i) ASSERT_TRUE((*reader)->Next().value());
    while ((*reader)->Next().value()) {
      for (size_t i : at) check((*reader)->fields()[i]);
    }
  };
  MARA_REAL_DATA(svac, "svac_3.2_complete.csv");
  MARA_REAL_DATA(actors, "ucdp_actor_list_v23_1.csv");
  MARA_REAL_DATA(ged, "ucdp_ged191_subset_MMR_BGD.csv");
  MARA_REAL_DATA(hxl, "ucdp_ged_hxl_conflict_data_BGD.csv");
  scan(svac, {"location"}, 1);
  scan(actors, {"Location"}, 1);
  scan(ged, {"country"}, 1);
  scan(hxl, {"country", "iso3"}, 2);
  EXPECT_TRUE(unresolved.empty()) << [&unresolved] {
    std::string s;
    for (const std::string& u : unresolved) s += "'" + u + "' ";
    return s;
  }();
}

}  // namespace
}  // namespace mara
