#include "ingest/acled.h"

#include <gtest/gtest.h>

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

TEST(AcledParsing, Dates) {
  EXPECT_EQ(ParseAcledDate("2023-05-14")->ToString(), "2023-05-14");
  EXPECT_EQ(ParseAcledDate("3 June 2023")->ToString(), "2023-06-03");
  EXPECT_EQ(ParseAcledDate("14 Sep 2021")->ToString(), "2021-09-14");
  EXPECT_FALSE(ParseAcledDate("31 June 2023").has_value());
  EXPECT_FALSE(ParseAcledDate("14/05/2023").has_value());
  EXPECT_FALSE(ParseAcledDate("").has_value());
}

TEST(AcledParsing, ViolationsFromNotes) {
  EXPECT_EQ(ViolationsFromNotes("Two women were RAPED"), std::vector<Violation>{Violation::kRape});
  EXPECT_EQ(ViolationsFromNotes("held as sex slaves and raped"),
            (std::vector<Violation>{Violation::kRape, Violation::kSexualSlavery}));
  EXPECT_EQ(ViolationsFromNotes("assault"),
            std::vector<Violation>{Violation::kOtherComparableGravity});
}

}  // namespace
}  // namespace mara
