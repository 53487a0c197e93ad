#include "ingest/svac.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "ingest/csv_reader.h"
#include "ingest/import_test_support.h"

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
  EXPECT_EQ(b.parties.size(), actors.size());
  EXPECT_EQ(b.findings.size(), findings.size());
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
  // Armenia 2021 has an empty actor_type but other rows say state.
  const Party* armenia = FindParty(b, "UCDP-62");
  ASSERT_NE(armenia, nullptr);
  EXPECT_EQ(armenia->kind, PartyKind::kState);

  auto again = Run(ImportSvac, path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Total(again->inserted), 0);
  EXPECT_EQ(again->updated.Of(Collection::kFindings), static_cast<int64_t>(findings.size()));
}

}  // namespace
}  // namespace mara
