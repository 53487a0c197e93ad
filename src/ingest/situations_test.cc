// How the importers name situations: one country's data lands in one
// situation ("SIT-<alpha-3>", the country table's name, iso3 and gwno)
// whatever the spelling, and a place the table does not know keeps a
// situation of its own spelled as the data spells it.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "ingest/acled.h"
#include "ingest/hxl.h"
#include "ingest/import_test_support.h"
#include "ingest/svac.h"
#include "ingest/ucdp_actors.h"

namespace mara {
namespace {

using testing_support::Fixture;
using testing_support::Total;

class SituationsTest : public testing_support::ImporterTest {
 protected:
  std::map<std::string, Situation> Situations() {
    std::map<std::string, Situation> out;
    for (const Situation& s : Registry().situations) out[s.id] = s;
    return out;
  }

  std::string SituationOfIncident(const std::string& id) {
    auto v = store_->GetIncident(id);
    EXPECT_TRUE(v.ok() && v->has_value()) << id;
    return v.ok() && v->has_value() ? (*v)->situation : "";
  }

  DatasetImportOptions HxlOptions() {
    DatasetImportOptions o;
    o.mapping = Fixture("hxl_sexual_violence.txt");
    return o;
  }
};

TEST(SituationOfPlaceTest, CountryOrSpelling) {
  const Situation mmr = SituationOfPlace("Myanmar (Burma)", FindCountryByName("Myanmar (Burma)"));
  EXPECT_EQ(mmr.id, "SIT-MMR");
  EXPECT_EQ(mmr.name, "Myanmar");
  EXPECT_EQ(mmr.iso3, "MMR");
  EXPECT_EQ(mmr.gwno, 775);
  EXPECT_FALSE(mmr.on_council_agenda);
  const Situation pse = SituationOfPlace("Palestine", FindCountryByName("Palestine"));
  EXPECT_EQ(pse.id, "SIT-PSE");
  EXPECT_EQ(pse.gwno, std::nullopt) << "no Gleditsch-Ward number";
  const Situation two = SituationOfPlace("Iran, Israel", nullptr);
  EXPECT_EQ(two.id, "SIT-iran-israel");
  EXPECT_EQ(two.name, "Iran, Israel");
  EXPECT_EQ(two.iso3, std::nullopt);
  EXPECT_EQ(two.gwno, std::nullopt);
}

TEST(AgendaRuleTest, CountrySituationMatchesAnyNameOfTheCountry) {
  auto dir = ScopedTempDir::Create("mara-agenda");
  ASSERT_TRUE(dir.ok());
  const std::string path = dir->path() + "/agenda.txt";
  std::ofstream(path) << "Burma\nCOD\nIran, Israel\n";
  auto rule = AgendaRule::Parse(path);
  ASSERT_TRUE(rule.ok()) << rule.status().ToString();
  EXPECT_TRUE(rule->OnAgenda(SituationOfCountry(*FindCountryByAlpha3("MMR"))));
  EXPECT_TRUE(rule->OnAgenda(SituationOfCountry(*FindCountryByAlpha3("COD"))));
  EXPECT_FALSE(rule->OnAgenda(SituationOfCountry(*FindCountryByAlpha3("SDN"))));
  EXPECT_TRUE(rule->OnAgenda(SituationOfPlace("Iran, Israel", nullptr)));
  EXPECT_FALSE(rule->OnAgenda(SituationOfPlace("Atlantis", nullptr)));
}

TEST_F(SituationsTest, SpellingsOfOneCountryLandInOneSituation) {
  auto svac = Run(ImportSvac, Fixture("svac_countries.csv"));
  ASSERT_TRUE(svac.ok()) << svac.status().ToString();
  auto acled = Run(ImportAcled, Fixture("acled_countries.csv"));
  ASSERT_TRUE(acled.ok()) << acled.status().ToString();
  auto hxl = Run(ImportHxl, Fixture("hxl_countries.csv"), HxlOptions());
  ASSERT_TRUE(hxl.ok()) << hxl.status().ToString();

  const std::map<std::string, Situation> s = Situations();
  std::vector<std::string> ids;
  for (const auto& entry : s) ids.push_back(entry.first);
  EXPECT_EQ(ids, (std::vector<std::string>{"SIT-COD", "SIT-MMR", "SIT-SSD", "SIT-atlantis",
                                           "SIT-iran-israel", "SIT-kosovo"}));
  const Situation& mmr = s.at("SIT-MMR");
  EXPECT_EQ(mmr.name, "Myanmar");
  EXPECT_EQ(mmr.iso3, "MMR");
  EXPECT_EQ(mmr.gwno, 775);
  EXPECT_TRUE(mmr.on_council_agenda);
  const Situation& cod = s.at("SIT-COD");
  EXPECT_EQ(cod.name, "Democratic Republic of the Congo");
  EXPECT_EQ(cod.iso3, "COD");
  EXPECT_EQ(cod.gwno, 490);
  // A location the table does not know names itself, with its gwnoloc
  // giving the country when it is one number ("Equatoria Region", 626).
  EXPECT_EQ(s.at("SIT-SSD").name, "South Sudan");
  EXPECT_EQ(s.at("SIT-atlantis").name, "Atlantis");
  EXPECT_EQ(s.at("SIT-atlantis").iso3, std::nullopt);
  EXPECT_EQ(s.at("SIT-iran-israel").iso3, std::nullopt) << "several countries: as before";
  EXPECT_EQ(s.at("SIT-kosovo").iso3, std::nullopt) << "no ISO country (ACLED iso 0)";

  // SVAC's "Myanmar (Burma)" and "Myanmar" rows, ACLED's "Myanmar" and
  // "Burma" (iso 104) and HXL's "Burma"/MMR are one situation.
  const Bundle b = Registry();
  EXPECT_EQ(FindParty(b, "UCDP-9101")->situation, "SIT-MMR");
  EXPECT_EQ(FindParty(b, "UCDP-9102")->situation, "SIT-MMR");
  EXPECT_EQ(FindParty(b, "UCDP-9201")->situation, "SIT-COD");
  EXPECT_EQ(FindParty(b, "UCDP-9202")->situation, "SIT-COD");
  EXPECT_EQ(FindParty(b, "UCDP-9402")->situation, "SIT-SSD");
  EXPECT_EQ(SituationOfIncident("ACLED-MMR1"), "SIT-MMR");
  EXPECT_EQ(SituationOfIncident("ACLED-MMR2"), "SIT-MMR");
  EXPECT_EQ(SituationOfIncident("ACLED-COD1"), "SIT-COD");
  EXPECT_EQ(SituationOfIncident("ACLED-COD2"), "SIT-COD") << "'Congo, DRC' without iso";
  EXPECT_EQ(SituationOfIncident("HXL-C-1"), "SIT-MMR");
  EXPECT_EQ(SituationOfIncident("HXL-C-2"), "SIT-COD") << "alpha-2 code, any case";
  EXPECT_EQ(SituationOfIncident("HXL-C-3"), "SIT-COD") << "name without code";
  EXPECT_EQ(SituationOfIncident("HXL-C-4"), "SIT-atlantis");

  // Re-imports change nothing.
  auto again = Run(ImportSvac, Fixture("svac_countries.csv"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(Total(again->inserted), 0);
  auto acled_again = Run(ImportAcled, Fixture("acled_countries.csv"));
  ASSERT_TRUE(acled_again.ok()) << acled_again.status().ToString();
  EXPECT_EQ(Total(acled_again->inserted), 0);
  auto hxl_again = Run(ImportHxl, Fixture("hxl_countries.csv"), HxlOptions());
  ASSERT_TRUE(hxl_again.ok()) << hxl_again.status().ToString();
  EXPECT_EQ(Total(hxl_again->inserted), 0);
  EXPECT_EQ(Situations().size(), 6u);
}

TEST_F(SituationsTest, RealSvacAndUcdpFilesNameOneSituationPerCountry) {
  MARA_REAL_DATA(svac_path, "svac_3.2_complete.csv");
  MARA_REAL_DATA(actors_path, "ucdp_actor_list_v23_1.csv");
  auto svac = Run(ImportSvac, svac_path);
  ASSERT_TRUE(svac.ok()) << svac.status().ToString();
  std::map<std::string, Situation> s = Situations();
  std::vector<std::string> not_countries;
  for (const auto& entry : s) {
    if (!entry.second.iso3) not_countries.push_back(entry.first);
  }
  // 106 location spellings; parties lived in 91 situations by spelling, in
  // 83 by country now: 79 countries and the interstate locations below.
  EXPECT_EQ(s.size(), 83u);
  EXPECT_EQ(not_countries,
            (std::vector<std::string>{"SIT-ecuador-peru", "SIT-eritrea-ethiopia", "SIT-iraq-kuwait",
                                      "SIT-kyrgyzstan-tajikistan"}));
  EXPECT_EQ(s.count("SIT-myanmar-burma"), 0u);
  EXPECT_EQ(s.count("SIT-democratic-republic-of-congo-zaire"), 0u);
  ASSERT_EQ(s.count("SIT-MMR"), 1u);
  ASSERT_EQ(s.count("SIT-COD"), 1u);
  const Bundle b = Registry();
  // Myanmar's government (144) and ARSA (6692) have rows under "Myanmar" and
  // "Myanmar (Burma)": one situation now.
  for (const std::string id : {"UCDP-144", "UCDP-6692"}) {
    const Party* p = FindParty(b, id);
    ASSERT_NE(p, nullptr) << id;
    EXPECT_EQ(p->situation, "SIT-MMR") << id;
  }

  auto ucdp = Run(ImportUcdpActors, actors_path);
  ASSERT_TRUE(ucdp.ok()) << ucdp.status().ToString();
  s = Situations();
  EXPECT_EQ(s.count("SIT-myanmar-burma"), 0u);
  EXPECT_EQ(s.count("SIT-dr-congo-zaire"), 0u);
  EXPECT_EQ(s.count("SIT-hyderabad"), 1u) << "no ISO country";
  EXPECT_EQ(s.at("SIT-MMR").name, "Myanmar");
  int64_t in_mmr = 0;
  for (const Party& p : Registry().parties) in_mmr += p.situation == "SIT-MMR" ? 1 : 0;
  EXPECT_GT(in_mmr, 40);
}

}  // namespace
}  // namespace mara
