#include "ingest/svac.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "domain/json_codec.h"
#include "ingest/csv_reader.h"
#include "ingest/import_test_support.h"
#include "ingest/ucdp_actors.h"

namespace mara {
namespace {

using testing_support::Fixture;
using testing_support::Total;

class SvacTest : public testing_support::ImporterTest {};

TEST_F(SvacTest, SmallFileAggregatesActorYearsIntoPartiesAndFindings) {
  auto r = Run(ImportSvac, Fixture("svac_small.csv"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  Bundle b = Registry();
  ASSERT_EQ(b.parties.size(), 3u);
  const Party* government = FindParty(b, "UCDP-9001");
  ASSERT_NE(government, nullptr);
  EXPECT_EQ(government->kind, PartyKind::kState);
  EXPECT_EQ(government->situation, "SIT-country-x");
  const Party* front = FindParty(b, "UCDP-9002");
  ASSERT_NE(front, nullptr);
  EXPECT_EQ(front->kind, PartyKind::kNonState) << "the empty actor_type does not vote";
  EXPECT_EQ(front->name, "Front of Country X") << "names are trimmed";
  const Party* militia = FindParty(b, SlugId("SVAC", "Militia without id in Country Y"));
  ASSERT_NE(militia, nullptr) << "an actor without an id is keyed by name and situation";
  EXPECT_EQ(militia->situation, "SIT-country-y");

  std::map<std::tuple<std::string, int, std::string>, Finding> findings;
  for (const Finding& f : b.findings) findings[{f.party, f.cycle, f.source}] = f;
  // Two conflicts in 2001: the highest level per source.
  EXPECT_EQ(findings.at({"UCDP-9001", 2001, "SVAC-USSD"}).level, 3);
  EXPECT_EQ(findings.at({"UCDP-9001", 2001, "SVAC-AI"}).level, 3);
  EXPECT_EQ(findings.at({"UCDP-9001", 2001, "SVAC-HRW"}).level, 0);
  EXPECT_EQ(findings.at({"UCDP-9001", 2001, "SVAC-USSD"}).forms,
            (std::vector<Violation>{Violation::kRape, Violation::kSexualSlavery,
                                    Violation::kSexualTorture}));
  EXPECT_TRUE(findings.at({"UCDP-9001", 2001, "SVAC-HRW"}).forms.empty())
      << "a level-0 finding has no forms";
  EXPECT_FALSE(findings.count({"UCDP-9002", 2001, "SVAC-HRW"})) << "empty cell: no finding";
  EXPECT_FALSE(findings.count({"UCDP-9002", 2002, "SVAC-USSD"})) << "-99: no finding";
  EXPECT_EQ(b.sources.size(), 3u);
  EXPECT_EQ(b.situations.size(), 2u);
  for (const Situation& s : b.situations) EXPECT_TRUE(s.on_council_agenda);

  auto again = Run(ImportSvac, Fixture("svac_small.csv"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(Total(again->inserted), 0) << "re-import inserts nothing";
  EXPECT_EQ(Registry().findings.size(), b.findings.size());
}

TEST_F(SvacTest, AgendaNoneAndAgendaFile) {
  DatasetImportOptions none;
  none.agenda = "none";
  ASSERT_TRUE(Run(ImportSvac, Fixture("svac_small.csv"), none).ok());
  for (const Situation& s : Registry().situations) EXPECT_FALSE(s.on_council_agenda);

  const std::string agenda = dir_.path() + "/agenda.txt";
  std::ofstream(agenda) << "# on the agenda\ncountry y\n";
  DatasetImportOptions listed;
  listed.agenda = agenda;
  ASSERT_TRUE(Run(ImportSvac, Fixture("svac_small.csv"), listed).ok());
  for (const Situation& s : Registry().situations) {
    EXPECT_EQ(s.on_council_agenda, s.name == "Country Y") << s.name;
  }
  DatasetImportOptions missing;
  missing.agenda = dir_.path() + "/nope.txt";
  EXPECT_EQ(Run(ImportSvac, Fixture("svac_small.csv"), missing).status().code(),
            StatusCode::kNotFound);
}

TEST_F(SvacTest, WrongTypesFailWithLineAndColumnAndChangeNothing) {
  auto r = Run(ImportSvac, Fixture("svac_wrong_types.csv"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "line 3, column 5 'actor_type': expected an integer, got 'rebel'");
  EXPECT_TRUE(Registry().parties.empty());
}

TEST_F(SvacTest, SkipInvalidRejectsEachBadRowWithItsReason) {
  DatasetImportOptions options;
  options.skip_invalid = true;
  auto r = Run(ImportSvac, Fixture("svac_wrong_types.csv"), options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rejected, 3);
  ASSERT_EQ(rejected_.rows.size(), 3u);
  EXPECT_EQ(rejected_.header.front(), "year");
  EXPECT_EQ(rejected_.rows[0].back(),
            "line 3, column 5 'actor_type': expected an integer, got 'rebel'");
  EXPECT_EQ(rejected_.rows[1].back(),
            "line 4, column 15 'state_prev': expected -99 or 0..3, got 5");
  EXPECT_EQ(rejected_.rows[2].back(),
            "line 5, column 19 'form': unknown form code '9' (expected 1..7 or -99)");
  Bundle b = Registry();
  ASSERT_EQ(b.parties.size(), 1u) << "only the valid row's actor";
  EXPECT_EQ(b.parties[0].id, "UCDP-9001");
}

// Header names in other cases and with blanks, no actor_type or form
// columns, an extra column, and NA, N/A, NULL cells.
TEST_F(SvacTest, MissingValuesAndOptionalColumns) {
  auto failed = Run(ImportSvac, Fixture("svac_quirks.csv"));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().message(), "line 4, column 2 'actor': missing value (got 'NA')");

  DatasetImportOptions skip;
  skip.skip_invalid = true;
  auto r = Run(ImportSvac, Fixture("svac_quirks.csv"), skip);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rejected, 1);
  Bundle b = Registry();
  ASSERT_EQ(b.parties.size(), 1u) << "no party named NA";
  EXPECT_EQ(b.parties[0].id, "UCDP-9001");
  std::set<std::tuple<std::string, int, std::string>> findings;
  for (const Finding& f : b.findings) {
    findings.insert({f.party, f.cycle, f.source});
    EXPECT_TRUE(f.forms.empty()) << "no form column";
  }
  EXPECT_EQ(findings, (std::set<std::tuple<std::string, int, std::string>>{
                          {"UCDP-9001", 2001, "SVAC-USSD"}, {"UCDP-9001", 2002, "SVAC-AI"}}))
      << "N/A, NA, NULL and na are no finding";
}

TEST_F(SvacTest, WrongFormatFlagIsAMissingColumn) {
  auto r = Run(ImportSvac, Fixture("acled_sample.csv"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "line 1: missing columns 'actor', 'actorid', 'state_prev', 'ai_prev', 'hrw_prev' (is "
            "this the right --format?)");
}

std::map<int, int> UssdLevels(const Bundle& b, const std::string& party) {
  std::map<int, int> out;
  for (const Finding& f : b.findings) {
    if (f.party == party && f.source == "SVAC-USSD") out[f.cycle] = f.level;
  }
  return out;
}

bool HasSvacAlias(const Party& p, std::string_view alias) {
  return std::find(p.aliases.begin(), p.aliases.end(), alias) != p.aliases.end();
}

// Three ids pass their names round in 2005, as SVAC 3.2's 2021 rows do with
// M23, APCLS and CMC: each 2005 row goes to the id whose own name it
// carries. A name that is another id's only in another location is no move.
TEST_F(SvacTest, NameMovingBetweenIdsGoesToTheIdItNames) {
  const std::string path = Fixture("svac_name_moves.csv");
  auto r = Run(ImportSvac, path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  Bundle b = Registry();
  const std::map<std::string, std::pair<std::string, std::map<int, int>>> want = {
      {"UCDP-9201", {"Alpha Movement", {{2003, 1}, {2004, 1}, {2005, 2}}}},
      {"UCDP-9202", {"Beta Army", {{2003, 0}, {2004, 0}, {2005, 2}}}},
      {"UCDP-9203", {"Gamma Brigade", {{2003, 1}, {2004, 1}, {2005, 3}}}},
      {"UCDP-9204", {"Delta Front", {{2003, 1}, {2004, 1}}}},
      {"UCDP-9205", {"Omega Militia", {{2003, 0}, {2004, 0}}}},
  };
  for (const auto& [id, expected] : want) {
    const Party* p = FindParty(b, id);
    ASSERT_NE(p, nullptr) << id;
    EXPECT_EQ(p->name, expected.first) << id;
    EXPECT_TRUE(p->aliases.empty()) << id << " holds no other actor's name";
    EXPECT_EQ(UssdLevels(b, id), expected.second) << id;
  }
  // 9205's 2005 "Delta Front" is in Country Z, where 9204 never is: review.
  const std::string provisional = SlugId("SVAC", "9205 Delta Front");
  const Party* delta_z = FindParty(b, provisional);
  ASSERT_NE(delta_z, nullptr);
  EXPECT_EQ(delta_z->name, "Delta Front");
  EXPECT_EQ(delta_z->situation, "SIT-country-z");
  EXPECT_EQ(UssdLevels(b, provisional), (std::map<int, int>{{2005, 3}}));
  auto reviews = store_->ListNameReviews();
  ASSERT_TRUE(reviews.ok());
  ASSERT_EQ(reviews->size(), 1u);
  const NameReview& e = reviews->front();
  EXPECT_EQ(e.origin, "svac");
  EXPECT_EQ(e.query, "Delta Front");
  EXPECT_EQ(e.provisional_party, provisional);
  EXPECT_NE(e.reason.find("SVAC actor 9205 is \"Omega Militia\" in 2003-2004 (2 rows) but "
                          "\"Delta Front\" in 2005 (1 row)"),
            std::string::npos)
      << e.reason;
  EXPECT_NE(e.reason.find("name of actor 9204 only in other locations"), std::string::npos)
      << e.reason;
  const Json candidates = Json::parse(e.candidates);
  ASSERT_GE(candidates.size(), 2u);
  EXPECT_EQ(candidates[0]["party"], "UCDP-9205");
  EXPECT_LT(candidates[0]["score"].get<double>(), 0.8);
  EXPECT_EQ(candidates[1]["party"], "UCDP-9204");
  EXPECT_EQ(candidates[1]["score"].get<double>(), 1.0);
  ASSERT_FALSE(r->notes.empty());
  EXPECT_EQ(r->notes.back(),
            "svac ids: 4 carry more than one name (3 resolved by name, 1 with names in review; "
            "4 have more than one spelling); names: 3 moved to the id whose name they are, 0 the "
            "same actor, 0 placed by review decisions, 1 in review (mara names review)");

  auto again = Run(ImportSvac, path);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(Total(again->inserted), 0);
  EXPECT_EQ(store_->ListNameReviews().value().size(), 1u);
}

// An id that another actor took over, and spelling slips: the party keeps
// the name of most rows, best spelled; the other actor's rows wait for a
// person on a party of their own.
TEST_F(SvacTest, IdReusedByAnotherActorAndSpellingSlips) {
  auto r = Run(ImportSvac, Fixture("svac_id_reused.csv"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  Bundle b = Registry();
  const Party* front = FindParty(b, "UCDP-9101");
  ASSERT_NE(front, nullptr);
  EXPECT_EQ(front->name, "Front for the Liberation of Xland");
  EXPECT_FALSE(HasSvacAlias(*front, "Yland Defence Militia"));
  EXPECT_EQ(UssdLevels(b, "UCDP-9101"), (std::map<int, int>{{2001, 1}, {2002, 1}, {2003, 2}}));
  const std::string provisional = SlugId("SVAC", "9101 Yland Defence Militia");
  const Party* militia = FindParty(b, provisional);
  ASSERT_NE(militia, nullptr);
  EXPECT_EQ(militia->situation, "SIT-country-y");
  EXPECT_EQ(UssdLevels(b, provisional), (std::map<int, int>{{2005, 3}}));
  auto reviews = store_->ListNameReviews().value();
  ASSERT_EQ(reviews.size(), 1u);
  EXPECT_EQ(reviews[0].query, "Yland Defence Militia");
  const Json candidates = Json::parse(reviews[0].candidates);
  ASSERT_FALSE(candidates.empty());
  EXPECT_EQ(candidates[0]["party"], "UCDP-9101");
  EXPECT_GT(candidates[0]["score"].get<double>(), 0.0);
  EXPECT_LT(candidates[0]["score"].get<double>(), 0.92);

  const Party* sri_lanka = FindParty(b, "UCDP-9102");
  ASSERT_NE(sri_lanka, nullptr);
  EXPECT_EQ(sri_lanka->name, "Sri Lanka") << "a slip is no name, however often it is made";
  EXPECT_TRUE(HasSvacAlias(*sri_lanka, "SriLanka"));
  const Party* xland = FindParty(b, "UCDP-9103");
  ASSERT_NE(xland, nullptr);
  EXPECT_EQ(xland->name, "Republic of Xland") << "not the latest year's slip";
  EXPECT_TRUE(HasSvacAlias(*xland, "Republicof Xland"));
}

// The real SVAC 3.2: in 2021 actor ids 1160, 1200 and 6920 carry each
// other's names (1160 is M23 in 2012-2020, APCLS in 2021). M23 stays M23,
// APCLS is another party, and each holds the findings of its own name's
// rows, before and after the UCDP actor list.
TEST_F(SvacTest, RealFileKeepsM23AndApclsApart) {
  MARA_REAL_DATA(path, "svac_3.2_complete.csv");
  auto reader = CsvReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ASSERT_TRUE((*reader)->Next().value());
  std::vector<std::string> header((*reader)->fields().begin(), (*reader)->fields().end());
  auto col = [&header](std::string_view name) {
    return static_cast<size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  std::map<std::string, std::set<int>> years;  // actor name -> years with a USSD value
  std::map<std::string, std::set<std::string>> ids;
  while ((*reader)->Next().value()) {
    const auto& f = (*reader)->fields();
    const std::string name(f[col("actor")]);
    if (name != "M23" && name != "APCLS" && name != "CMC") continue;
    ids[name].insert(std::string(f[col("actorid")]));
    if (f[col("state_prev")] != "-99") years[name].insert(std::stoi(std::string(f[col("year")])));
  }
  ASSERT_EQ(ids["M23"], (std::set<std::string>{"1160", "6920"})) << "the file as described";
  ASSERT_EQ(ids["APCLS"], (std::set<std::string>{"1160", "1200"}));

  auto check = [&](const Bundle& b) {
    for (const auto& [id, name] : std::vector<std::pair<std::string, std::string>>{
             {"UCDP-1160", "M23"}, {"UCDP-1200", "APCLS"}, {"UCDP-6920", "CMC"}}) {
      const Party* p = FindParty(b, id);
      ASSERT_NE(p, nullptr) << id;
      EXPECT_EQ(p->name, name) << id;
      for (const std::string other : {"M23", "APCLS", "CMC"}) {
        if (other != name) {
          EXPECT_FALSE(HasSvacAlias(*p, other)) << id << " " << other;
        }
      }
      std::set<int> got;
      for (const auto& [year, level] : UssdLevels(b, id)) got.insert(year);
      EXPECT_EQ(got, years[name]) << id;
    }
    EXPECT_TRUE(UssdLevels(b, "UCDP-1160").count(2021)) << "M23's 2021 row, filed under 6920";
  };
  auto r = Run(ImportSvac, path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  check(Registry());

  MARA_REAL_DATA(actors, "ucdp_actor_list_v23_1.csv");
  auto ucdp = Run(ImportUcdpActors, actors);
  ASSERT_TRUE(ucdp.ok()) << ucdp.status().ToString();
  const Bundle after = Registry();
  check(after);
  for (const std::string id : {"1160", "1200", "6920"}) {
    EXPECT_EQ(FindParty(after, "UCDP-23.1-" + id), nullptr) << id << " merged: the names agree";
  }
}

// The real SVAC 3.2 file against counts computed here from the raw CSV.
TEST_F(SvacTest, RealFile) {
  MARA_REAL_DATA(path, "svac_3.2_complete.csv");
  auto reader = CsvReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ASSERT_TRUE((*reader)->Next().value());
  std::vector<std::string> header((*reader)->fields().begin(), (*reader)->fields().end());
  auto col = [&header](std::string_view name) {
    return static_cast<size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  auto trim = [](std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return std::string(s);
  };
  std::set<std::string> actors, locations;
  std::set<std::tuple<std::string, std::string, int>> findings;
  size_t rows = 0;
  while ((*reader)->Next().value()) {
    const auto& f = (*reader)->fields();
    ++rows;
    const std::string id = trim(f[col("actorid")]);
    const std::string key =
        id.empty() ? trim(f[col("actor")]) + "|" + trim(f[col("location")]) : "id " + id;
    actors.insert(key);
    const char* sources[] = {"state_prev", "ai_prev", "hrw_prev"};
    for (int s = 0; s < 3; ++s) {
      const std::string v = trim(f[col(sources[s])]);
      if (!v.empty() && v != "-99")
        findings.insert({key, sources[s], std::stoi(trim(f[col("year")]))});
    }
  }
  ASSERT_EQ(rows, 11911u);

  auto r = Run(ImportSvac, path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rejected, 0);
  Bundle b = Registry();
  // One party per actor id, plus one provisional party per name in review
  // (ids whose names disagree across years).
  const std::vector<NameReview> reviews = store_->ListNameReviews().value();
  EXPECT_EQ(b.parties.size(), actors.size() + reviews.size());
  EXPECT_EQ(reviews.size(), 16u);
  ASSERT_FALSE(r->notes.empty());
  EXPECT_EQ(r->notes.back(),
            "svac ids: 40 carry more than one name (24 resolved by name, 16 with names in "
            "review; 54 have more than one spelling); names: 6 moved to the id whose name they "
            "are, 20 the same actor, 0 placed by review decisions, 16 in review (mara names "
            "review)");
  // 24,080 (id, source, year) keys in the file; rows moved to another id or
  // held apart for review make 24,092 (party, source, year) findings.
  EXPECT_EQ(findings.size(), 24080u);
  const size_t party_findings = 24092;
  EXPECT_EQ(b.findings.size(), party_findings);
  const Party* iran = FindParty(b, "UCDP-114");
  ASSERT_NE(iran, nullptr);
  EXPECT_EQ(iran->name, "Iran");
  EXPECT_EQ(iran->kind, PartyKind::kState);
  const Party* kdpi = FindParty(b, "UCDP-164");
  ASSERT_NE(kdpi, nullptr);
  EXPECT_EQ(kdpi->name, "KDPI");
  EXPECT_EQ(kdpi->kind, PartyKind::kNonState);
  const Party* splm_united = FindParty(
      b,
      SlugId("SVAC", "Sudan People's Liberation Movement/Army - United (SPLM/A-United) in Sudan"));
  ASSERT_NE(splm_united, nullptr) << "the actor without an id";
  // Spelling slips of SVAC 3.2's 2021 rows are aliases, not names.
  for (const auto& [id, name] : std::vector<std::pair<std::string, std::string>>{
           {"UCDP-145", "Sri Lanka (Ceylon)"},
           {"UCDP-57", "Russia (Soviet Union)"},
           {"UCDP-13", "El Salvador"},
           {"UCDP-6252", "High Council of Afghanistan Islamic Emirate"}}) {
    const Party* p = FindParty(b, id);
    ASSERT_NE(p, nullptr) << id;
    EXPECT_EQ(p->name, name) << id;
  }
  // Armenia 2021 has an empty actor_type but other rows say state.
  const Party* armenia = FindParty(b, "UCDP-62");
  ASSERT_NE(armenia, nullptr);
  EXPECT_EQ(armenia->kind, PartyKind::kState);

  auto again = Run(ImportSvac, path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Total(again->inserted), 0);
  EXPECT_EQ(again->updated.Of(Collection::kFindings), static_cast<int64_t>(party_findings));
  EXPECT_EQ(store_->ListNameReviews().value().size(), reviews.size());
}

}  // namespace
}  // namespace mara
