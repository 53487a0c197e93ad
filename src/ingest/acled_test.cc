#include "ingest/acled.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/text.h"
#include "domain/json_codec.h"
#include "ingest/import_test_support.h"

namespace mara {
namespace {

using testing_support::Fixture;
using testing_support::Total;

class AcledTest : public testing_support::ImporterTest {
 protected:
  // The registry the fixture's names are resolved against.
  void StoreRegistry() {
    ASSERT_TRUE(store_->Begin().ok());
    ASSERT_TRUE(store_->Put(Situation{"SIT-country-x", "Country X", true}).ok());
    Party army;
    army.id = "P-ARMY";
    army.name = "Military Forces of Country X";
    army.kind = PartyKind::kState;
    army.situation = "SIT-country-x";
    ASSERT_TRUE(store_->Put(army).ok());
    Party front;
    front.id = "P-PLF";
    front.name = "Patriotic Liberation Front of Country X";
    front.aliases = {"Patriotic Liberation Front"};
    front.situation = "SIT-country-x";
    ASSERT_TRUE(store_->Put(front).ok());
    ASSERT_TRUE(store_->Commit().ok());
  }

  std::optional<Incident> Get(const std::string& id) {
    auto v = store_->GetIncident(id);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : std::nullopt;
  }
};

TEST_F(AcledTest, SexualViolenceEventsBecomeIncidentsAndNamesAreResolved) {
  StoreRegistry();
  auto r = Run(ImportAcled, Fixture("acled_sample.csv"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->inserted.Of(Collection::kIncidents), 4);
  ASSERT_GE(r->notes.size(), 2u);
  EXPECT_EQ(r->notes[0], "acled: 4 sexual-violence events, 2 other events skipped");

  auto first = Get("ACLED-XYZ101");
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->date.ToString(), "2023-05-14");
  EXPECT_EQ(first->date_precision, DatePrecision::kDay);
  EXPECT_EQ(first->status, IncidentStatus::kReported);
  EXPECT_EQ(first->situation, "SIT-country-x");
  EXPECT_EQ(first->location.name, "Town A");
  EXPECT_EQ(first->location.admin1, "North");
  EXPECT_DOUBLE_EQ(*first->location.lat, 1.5);
  EXPECT_EQ(first->violations, std::vector<Violation>{Violation::kRape});
  ASSERT_TRUE(first->narrative.has_value());
  EXPECT_EQ(*first->narrative, "On 14 May 2023, soldiers raped two women in Town A.");
  // "(2019-)" is noise: the army is matched exactly.
  ASSERT_EQ(first->perpetrators.size(), 1u);
  EXPECT_EQ(first->perpetrators[0].party, "P-ARMY");
  EXPECT_EQ(first->perpetrators[0].standard, Standard::kCredibleInformation);
  EXPECT_EQ(first->sources,
            (std::vector<std::string>{"ACLED", SlugId("ACLED-SRC", "Local Radio; Newspaper A")}));

  // "Patriotic Front" is close enough to ask a person; the associated militia
  // is new.
  auto second = Get("ACLED-XYZ102");
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->date_precision, DatePrecision::kWeek);
  EXPECT_EQ(second->violations, std::vector<Violation>{Violation::kForcedMarriage});
  ASSERT_EQ(second->perpetrators.size(), 2u);
  auto reviews = store_->ListNameReviews().value();
  ASSERT_EQ(reviews.size(), 1u);
  EXPECT_EQ(reviews[0].origin, "acled");
  EXPECT_EQ(reviews[0].query, "Patriotic Front");
  EXPECT_EQ(reviews[0].provisional_party, second->perpetrators[0].party);
  Json candidates = Json::parse(reviews[0].candidates);
  ASSERT_FALSE(candidates.empty());
  EXPECT_EQ(candidates[0]["party"], "P-PLF");
  EXPECT_EQ(second->perpetrators[1].party, SlugId("ACLED", "Militia of Town B"));

  auto third = Get("ACLED-XYZ103");
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->date.ToString(), "2023-06-03");
  EXPECT_EQ(third->date_precision, DatePrecision::kMonth);
  EXPECT_EQ(third->location.name, "South") << "admin1 when there is no location";
  EXPECT_FALSE(third->location.lat.has_value());
  EXPECT_EQ(third->violations, std::vector<Violation>{Violation::kOtherComparableGravity});
  EXPECT_FALSE(Get("ACLED-XYZ104").has_value()) << "a battle is skipped";
  auto sixth = Get("ACLED-XYZ106");
  ASSERT_TRUE(sixth.has_value());
  EXPECT_EQ(sixth->perpetrators[0].party, "P-PLF") << "the alias matches exactly";

  auto again = Run(ImportAcled, Fixture("acled_sample.csv"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(Total(again->inserted), 0);
  EXPECT_EQ(again->updated.Of(Collection::kIncidents), 4);
  EXPECT_EQ(store_->ListNameReviews().value().size(), 1u);
}

TEST_F(AcledTest, MalformedInput) {
  auto missing = Run(ImportAcled, Fixture("acled_missing_column.csv"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(),
            "line 1: missing column 'actor1' (is this the right --format?)");

  auto shifted = Run(ImportAcled, Fixture("acled_shifted_columns.csv"));
  ASSERT_FALSE(shifted.ok());
  EXPECT_EQ(shifted.status().message(), "line 3: expected 31 fields as in the header, got 32");

  auto utf8 = Run(ImportAcled, Fixture("acled_bad_utf8.csv"));
  ASSERT_FALSE(utf8.ok());
  EXPECT_NE(utf8.status().message().find("line 3"), std::string::npos) << utf8.status().message();
  EXPECT_NE(utf8.status().message().find("UTF-8"), std::string::npos) << utf8.status().message();

  auto types = Run(ImportAcled, Fixture("acled_wrong_types.csv"));
  ASSERT_FALSE(types.ok());
  EXPECT_EQ(types.status().message(),
            "line 3, column 23 'latitude': expected a number, got 'north'");
  EXPECT_EQ(store_->Counts().value().Of(Collection::kIncidents), 0) << "nothing was written";

  DatasetImportOptions skip;
  skip.skip_invalid = true;
  auto skipped = Run(ImportAcled, Fixture("acled_bad_utf8.csv"), skip);
  ASSERT_TRUE(skipped.ok()) << skipped.status().ToString();
  EXPECT_EQ(skipped->rejected, 1);
  EXPECT_EQ(skipped->inserted.Of(Collection::kIncidents), 3);
  ASSERT_EQ(rejected_.rows.size(), 1u);
  EXPECT_EQ(rejected_.rows[0][0], "XYZ102");

  auto svac = Run(ImportAcled, Fixture("svac_small.csv"));
  ASSERT_FALSE(svac.ok());
  EXPECT_EQ(svac.status().message(),
            "line 1: missing columns 'event_id_cnty', 'event_date', 'time_precision', "
            "'sub_event_type', 'actor1', 'inter1', 'country' (is this the right --format?)");
}

// An export written by R's write.csv: a row-name column with an empty name,
// quoted strings, NA for missing values, no actor2, assoc_actor_2 or inter2
// columns and a column ACLED does not have.
TEST_F(AcledTest, RExportWithNaCellsAndMissingOptionalColumns) {
  auto r = Run(ImportAcled, Fixture("acled_r_export.csv"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->inserted.Of(Collection::kIncidents), 2);
  EXPECT_EQ(r->notes[0], "acled: 2 sexual-violence events, 1 other events skipped");

  auto first = Get("ACLED-RQA1");
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(first->perpetrators.size(), 1u) << "assoc_actor_1 NA names no one";
  EXPECT_FALSE(first->location.lat.has_value());
  EXPECT_FALSE(first->location.lon.has_value());
  EXPECT_EQ(first->sources, std::vector<std::string>{"ACLED"}) << "source NA cites nothing";
  EXPECT_EQ(first->violations, std::vector<Violation>{Violation::kRape});

  auto second = Get("ACLED-RQA2");
  ASSERT_TRUE(second.has_value());
  EXPECT_FALSE(second->location.admin1.has_value()) << "admin1 N/A";
  EXPECT_EQ(second->location.name, "Town R");
  EXPECT_FALSE(second->narrative.has_value()) << "notes NA";
  EXPECT_EQ(second->violations, std::vector<Violation>{Violation::kOtherComparableGravity});
  ASSERT_EQ(second->perpetrators.size(), 1u) << "assoc_actor_1 null names no one";

  const Bundle b = Registry();
  for (const Party& p : b.parties) {
    EXPECT_NE(Fold(p.name), "na") << p.id;
    EXPECT_NE(Fold(p.name), "null") << p.id;
  }
  const Party* army = FindParty(b, first->perpetrators[0].party);
  ASSERT_NE(army, nullptr);
  EXPECT_EQ(army->kind, PartyKind::kState);
  const Party* rebels = FindParty(b, second->perpetrators[0].party);
  ASSERT_NE(rebels, nullptr);
  EXPECT_EQ(rebels->kind, PartyKind::kNonState);
}

// A byte order mark, CRLF line ends, header names in other cases and with
// blanks, sub_event_type in other cases and spacing, and notes over two
// lines.
TEST_F(AcledTest, BomCrlfHeaderCaseAndQuotedNewline) {
  StoreRegistry();
  auto failed = Run(ImportAcled, Fixture("acled_bom_crlf.csv"));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().message(),
            "line 5, column 3 'time_precision': missing value (got 'NA')")
      << "the quoted line break counts as a line";

  DatasetImportOptions skip;
  skip.skip_invalid = true;
  auto r = Run(ImportAcled, Fixture("acled_bom_crlf.csv"), skip);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->inserted.Of(Collection::kIncidents), 2);
  EXPECT_EQ(r->rejected, 1);
  ASSERT_EQ(rejected_.header.size(), 14u);
  EXPECT_EQ(rejected_.header[0], "Event_ID_Cnty");
  auto first = Get("ACLED-BCR1");
  ASSERT_TRUE(first.has_value()) << "' sexual  violence ' is the sexual-violence sub-event";
  EXPECT_EQ(first->violations, std::vector<Violation>{Violation::kForcedMarriage});
  ASSERT_TRUE(first->narrative.has_value());
  EXPECT_EQ(*first->narrative,
            "Fighters abducted a girl.\r\nShe was forced into marriage with a commander.");
  EXPECT_EQ(first->perpetrators[0].party, "P-PLF");
  auto second = Get("ACLED-BCR2");
  ASSERT_TRUE(second.has_value()) << "'SEXUAL VIOLENCE' too";
  EXPECT_EQ(second->violations, std::vector<Violation>{Violation::kForcedNudity});
  EXPECT_EQ(second->perpetrators[0].party, "P-ARMY");
}

// inter1 8 (external/other forces) is a state party: Russia's forces in
// Ukraine's situation; state-forces names among the associated actors are
// state parties too; inter1 may be the code's name.
TEST_F(AcledTest, ExternalForcesAreStateParties) {
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->Put(Situation{"SIT-country-z", "Country Z", true}).ok());
  Party z;
  z.id = "P-GOVZ";
  z.name = "Government of Country Z";
  z.kind = PartyKind::kState;
  z.situation = "SIT-country-z";
  ASSERT_TRUE(store_->Put(z).ok());
  ASSERT_TRUE(store_->Commit().ok());

  auto r = Run(ImportAcled, Fixture("acled_external_forces.csv"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->inserted.Of(Collection::kIncidents), 3);
  const Bundle b = Registry();

  auto first = Get("ACLED-UKR1");
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->situation, "SIT-UKR");
  EXPECT_EQ(first->violations,
            (std::vector<Violation>{Violation::kSexualTorture, Violation::kSexualMutilation}));
  ASSERT_EQ(first->perpetrators.size(), 3u);
  const Party* russia = FindParty(b, first->perpetrators[0].party);
  ASSERT_NE(russia, nullptr);
  EXPECT_EQ(russia->name, "Military Forces of Russia (2000-)");
  EXPECT_EQ(russia->kind, PartyKind::kState);
  EXPECT_EQ(russia->situation, "SIT-UKR");
  const Party* police = FindParty(b, first->perpetrators[1].party);
  ASSERT_NE(police, nullptr);
  EXPECT_EQ(police->name, "Police Forces of Russia (2000-)");
  EXPECT_EQ(police->kind, PartyKind::kState) << "a state-forces name among assoc_actor_1";
  const Party* militia = FindParty(b, first->perpetrators[2].party);
  ASSERT_NE(militia, nullptr);
  EXPECT_EQ(militia->kind, PartyKind::kNonState);

  auto second = Get("ACLED-UKR2");
  ASSERT_TRUE(second.has_value());
  const Party* ukraine = FindParty(b, second->perpetrators[0].party);
  ASSERT_NE(ukraine, nullptr);
  EXPECT_EQ(ukraine->kind, PartyKind::kState) << "inter1 'State forces'";
  EXPECT_EQ(second->violations, std::vector<Violation>{Violation::kOtherComparableGravity});

  auto third = Get("ACLED-UKR3");
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->perpetrators[0].party, "P-GOVZ")
      << "Country Z's forces are the stored Government of Country Z";
  EXPECT_EQ(third->violations, std::vector<Violation>{Violation::kSexualSlavery});
}

// A state's force met in the data becomes a unit of the state's government
// (so its incidents count for the unit and, rolled up, for the state), and
// a second import finds the same unit.
TEST_F(AcledTest, StateForcesBecomeUnitsOfTheirGovernment) {
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->Put(Situation{"SIT-SDN", "Sudan", true}).ok());
  Party gos;
  gos.id = "P-GOS";
  gos.name = "Government of Sudan";
  gos.kind = PartyKind::kState;
  gos.situation = "SIT-SDN";
  ASSERT_TRUE(store_->Put(gos).ok());
  ASSERT_TRUE(store_->Commit().ok());

  auto r = Run(ImportAcled, Fixture("acled_state_units.csv"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Bundle b = Registry();
  std::vector<std::string> units;
  for (const char* id : {"ACLED-SDN1", "ACLED-SDN2"}) {
    auto incident = Get(id);
    ASSERT_TRUE(incident.has_value()) << id;
    ASSERT_EQ(incident->perpetrators.size(), 1u);
    const Party* unit = FindParty(b, incident->perpetrators[0].party);
    ASSERT_NE(unit, nullptr);
    EXPECT_EQ(unit->kind, PartyKind::kState);
    EXPECT_EQ(unit->parent, std::optional<std::string>("P-GOS")) << unit->name;
    EXPECT_EQ(unit->situation, "SIT-SDN");
    units.push_back(unit->id);
  }
  EXPECT_NE(units[0], units[1]) << "the army and the police are two units";
  EXPECT_EQ(FindParty(b, units[0])->name, "Military Forces of Sudan (2019-)");
  // The match is kept with its score, pointing at the unit.
  auto reviews = store_->ListNameReviews();
  ASSERT_TRUE(reviews.ok());
  auto kept = std::find_if(reviews->begin(), reviews->end(), [](const NameReview& e) {
    return e.query == "Military Forces of Sudan (2019-)";
  });
  ASSERT_NE(kept, reviews->end());
  EXPECT_EQ(kept->status, "accepted");
  EXPECT_EQ(kept->decided_by, "auto");
  EXPECT_EQ(kept->resolved_party, units[0]);
  EXPECT_NE(kept->reason.find("unit of P-GOS"), std::string::npos) << kept->reason;

  auto again = Run(ImportAcled, Fixture("acled_state_units.csv"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(Get("ACLED-SDN1")->perpetrators[0].party, units[0]);
  EXPECT_EQ(Registry().parties.size(), b.parties.size());
}

TEST_F(AcledTest, MissingColumnsAreNamedTogether) {
  auto r = Run(ImportAcled, Fixture("acled_missing_columns.csv"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "line 1: missing columns 'actor1', 'inter1', 'country' (is this the right --format?)");
}

// A required value that is missing (empty, NA, N/A, NULL) or wrong fails the
// import naming its line and column, or rejects the row with
// --skip-invalid.
TEST_F(AcledTest, MissingRequiredValues) {
  auto failed = Run(ImportAcled, Fixture("acled_missing_values.csv"));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().message(), "line 2, column 8 'actor1': missing value (got 'NA')");
  EXPECT_EQ(store_->Counts().value().Of(Collection::kIncidents), 0);

  DatasetImportOptions skip;
  skip.skip_invalid = true;
  auto r = Run(ImportAcled, Fixture("acled_missing_values.csv"), skip);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->inserted.Of(Collection::kIncidents), 1);
  EXPECT_EQ(r->rejected, 5);
  std::vector<std::string> reasons;
  for (const auto& row : rejected_.rows) reasons.push_back(row.back());
  EXPECT_EQ(reasons,
            (std::vector<std::string>{
                "line 2, column 8 'actor1': missing value (got 'NA')",
                "line 3, column 10 'inter1': expected an ACLED inter code, 0..8 or its name such "
                "as 'State forces', got '9'",
                "line 4, column 2 'event_date': missing value (got 'NULL')",
                "line 5, column 22 'location': missing value in both location and admin1",
                "line 6, column 18 'country': missing value (got 'NA')",
            }));
  for (const Party& p : Registry().parties) EXPECT_NE(Fold(p.name), "na") << p.id;
}

TEST(AcledParsing, InterCodes) {
  EXPECT_EQ(ParseAcledInterCode("1"), 1);
  EXPECT_EQ(ParseAcledInterCode(" 8 "), 8);
  EXPECT_EQ(ParseAcledInterCode("State forces"), 1);
  EXPECT_EQ(ParseAcledInterCode("external/other  FORCES"), 8);
  EXPECT_EQ(ParseAcledInterCode("Rebel group"), 2);
  EXPECT_EQ(ParseAcledInterCode("9"), std::nullopt);
  EXPECT_EQ(ParseAcledInterCode("NA"), std::nullopt);
  EXPECT_EQ(ParseAcledInterCode("army"), std::nullopt);
}

TEST(AcledParsing, StateForcesCountry) {
  EXPECT_EQ(AcledStateForcesCountry("Military Forces of Russia (2000-)"), "Russia");
  EXPECT_EQ(AcledStateForcesCountry("Police Forces of Sudan (1989-2019)"), "Sudan");
  EXPECT_EQ(AcledStateForcesCountry("military forces of Democratic Republic of Congo (2019-)"),
            "Democratic Republic of Congo");
  EXPECT_EQ(AcledStateForcesCountry("Military Forces of Myanmar (2021-) Navy"), "Myanmar");
  EXPECT_EQ(AcledStateForcesCountry("Government of Ukraine (2019-)"), "Ukraine");
  EXPECT_EQ(AcledStateForcesCountry("Police Forces of Chad"), "Chad");
  EXPECT_EQ(AcledStateForcesCountry("Military Forces of Country X (Unit 3) (2019-)"),
            "Country X (Unit 3)");
  EXPECT_EQ(AcledStateForcesCountry("Wagner Group"), std::nullopt);
  EXPECT_EQ(AcledStateForcesCountry("Militia of Town B"), std::nullopt);
  EXPECT_EQ(AcledStateForcesCountry("Military Forces of (2000-)"), std::nullopt);
  EXPECT_EQ(AcledStateForcesCountry("Mutiny of Military Forces of Sudan (2019-)"), std::nullopt);
}

TEST(AcledParsing, Dates) {
  EXPECT_EQ(ParseAcledDate("2023-05-14")->ToString(), "2023-05-14");
  EXPECT_EQ(ParseAcledDate("3 June 2023")->ToString(), "2023-06-03");
  EXPECT_EQ(ParseAcledDate("14 Sep 2021")->ToString(), "2021-09-14");
  EXPECT_FALSE(ParseAcledDate("31 June 2023").has_value());
  EXPECT_FALSE(ParseAcledDate("14/05/2023").has_value());
  EXPECT_FALSE(ParseAcledDate("").has_value());
}

}  // namespace
}  // namespace mara
