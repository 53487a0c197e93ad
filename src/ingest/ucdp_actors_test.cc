#include "ingest/ucdp_actors.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "domain/json_codec.h"
#include "ingest/import_test_support.h"
#include "ingest/svac.h"

namespace mara {
namespace {

using testing_support::Fixture;
using testing_support::Total;

class UcdpActorsTest : public testing_support::ImporterTest {};

bool HasAlias(const Party& p, std::string_view alias) {
  return std::find(p.aliases.begin(), p.aliases.end(), alias) != p.aliases.end();
}

TEST_F(UcdpActorsTest, RealFileAloneIsTheRegistry) {
  MARA_REAL_DATA(actors, "ucdp_actor_list_v23_1.csv");
  auto r = Run(ImportUcdpActors, actors);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rejected, 0);
  Bundle b = Registry();
  ASSERT_EQ(b.parties.size(), 1777u);
  const Party* us = FindParty(b, "UCDP-3");
  ASSERT_NE(us, nullptr);
  EXPECT_EQ(us->name, "Government of United States of America");
  EXPECT_EQ(us->kind, PartyKind::kState) << "Org 4";
  EXPECT_EQ(us->situation, "SIT-PRK") << "the first location, North Korea";
  // A splinter: KNU (180) split from actor 890.
  const Party* knu = FindParty(b, "UCDP-180");
  ASSERT_NE(knu, nullptr);
  ASSERT_TRUE(knu->splinter_of.has_value());
  EXPECT_EQ(*knu->splinter_of, "UCDP-890");
  // A rename keeps the party: names over time, later names as aliases.
  const Party* renamed = nullptr;
  for (const Party& p : b.parties) {
    if (p.names_over_time.size() >= 3) {
      renamed = &p;
      break;
    }
  }
  ASSERT_NE(renamed, nullptr);
  for (const NameOverTime& n : renamed->names_over_time) {
    EXPECT_TRUE(n.name == renamed->name || HasAlias(*renamed, n.name)) << n.name;
  }
  // Alliances and every location are kept beside the party.
  auto meta = store_->GetMeta("ucdp-actor/193");
  ASSERT_TRUE(meta.ok() && meta->has_value());
  Json extra = Json::parse(**meta);
  EXPECT_EQ(extra["alliance_ids"], Json::array({"195"}));
  EXPECT_EQ(extra["release"], "23.1");

  auto again = Run(ImportUcdpActors, actors);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(Total(again->inserted), 0);
  EXPECT_EQ(again->updated.Of(Collection::kParties), 1777);
  EXPECT_EQ(Registry().parties.size(), 1777u);
  EXPECT_TRUE(store_->ListNameReviews().value().empty());
}

TEST_F(UcdpActorsTest, AfterSvacMergesAgreeingIdsAndQueuesConflicts) {
  MARA_REAL_DATA(svac, "svac_3.2_complete.csv");
  MARA_REAL_DATA(actors, "ucdp_actor_list_v23_1.csv");
  ASSERT_TRUE(Run(ImportSvac, svac).ok());
  const Bundle before = Registry();
  auto r = Run(ImportUcdpActors, actors);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_FALSE(r->notes.empty());
  const std::string note = r->notes.back();
  SCOPED_TRACE(note);
  int merged = 0, conflicted = 0;
  ASSERT_EQ(std::sscanf(note.c_str(), "ucdp-actors: 1777 actors, %d merged into stored parties, %d",
                        &merged, &conflicted),
            2);
  EXPECT_GT(merged, 500);
  EXPECT_GT(conflicted, 0);
  auto all_reviews = store_->ListNameReviews();
  ASSERT_TRUE(all_reviews.ok());
  // SVAC queued names of its own (ids whose names disagree across years).
  std::vector<NameReview> svac_reviews, ucdp_reviews;
  for (const NameReview& e : *all_reviews) {
    (e.origin == "svac" ? svac_reviews : ucdp_reviews).push_back(e);
  }
  const std::vector<NameReview>* reviews = &ucdp_reviews;
  EXPECT_EQ(static_cast<int>(reviews->size()), conflicted);

  Bundle after = Registry();
  // State actors: SVAC's "Iran" and UCDP's "Government of Iran" agree.
  const Party* iran = FindParty(after, "UCDP-114");
  ASSERT_NE(iran, nullptr);
  EXPECT_EQ(iran->name, "Iran") << "a merged party keeps its name";
  EXPECT_TRUE(HasAlias(*iran, "Government of Iran"));
  EXPECT_EQ(iran->situation, FindParty(before, "UCDP-114")->situation);
  // Every conflict left the stored party alone and stored the actor apart.
  for (const NameReview& e : *reviews) {
    EXPECT_EQ(e.origin, "ucdp-actors");
    EXPECT_EQ(e.status, "pending");
    ASSERT_NE(FindParty(after, e.provisional_party), nullptr) << e.provisional_party;
    EXPECT_TRUE(e.provisional_party.starts_with("UCDP-23.1-")) << e.provisional_party;
  }
  // The two names of a conflict are compared, not reported as 0.000: SVAC's
  // "ASWJ" and UCDP's spellings of the same actor are alike.
  int scored = 0;
  for (const NameReview& e : *reviews) {
    const Json c = Json::parse(e.candidates);
    scored += c[0]["score"].get<double>() > 0.0;
    EXPECT_EQ(e.reason.find("similarity 0.000"), std::string::npos) << e.reason;
  }
  EXPECT_EQ(scored, static_cast<int>(reviews->size()));
  // Parties: SVAC's plus one per UCDP actor that SVAC does not have or
  // that conflicted.
  int svac_ucdp_ids = 0;
  for (const Party& p : before.parties) svac_ucdp_ids += p.id.starts_with("UCDP-");
  EXPECT_EQ(after.parties.size(), before.parties.size() + 1777 - static_cast<size_t>(merged));
  EXPECT_LE(merged + conflicted, svac_ucdp_ids) << "only ids SVAC stored can merge or conflict";

  auto again = Run(ImportUcdpActors, actors);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Total(again->inserted), 0);
  // Now every actor's id is stored: the conflicts stay conflicts, the rest
  // merge (with themselves, the second time).
  EXPECT_EQ(again->notes.back(),
            "ucdp-actors: 1777 actors, " + std::to_string(1777 - conflicted) +
                " merged into stored parties, " + std::to_string(conflicted) +
                " conflicted (same id, other names; in review: mara names review), 80 joined "
                "another group (dissolved)");
  EXPECT_EQ(store_->ListNameReviews().value().size(), all_reviews->size());
}

TEST_F(UcdpActorsTest, MissingColumnAndRepeatedIds) {
  const std::string path = dir_.path() + "/actors.csv";
  std::ofstream(path) << "ActorId,NameData\n1,A\n";
  auto r = Run(ImportUcdpActors, path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "line 1: missing columns 'Org', 'Version' (is this the right --format?)");

  const std::string header =
      "ActorId,NameData,NameOrig,NameOrigFull,NameOrigFullEng,NameChange,NewName,Org,Splinter,"
      "ActorIdPrev,Alliance,ActorIdAlliance,NameAlliance,Location,Version\n";
  std::ofstream(path) << header << "1,Front A,n/a,n/a,n/a,0,,1,0,,0,,,Country X,23.1\n"
                      << "1,Front B,n/a,n/a,n/a,0,,1,0,,0,,,Country X,23.1\n"
                      << "x,Front C,n/a,n/a,n/a,0,,1,0,,0,,,Country X,23.1\n";
  r = Run(ImportUcdpActors, path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "line 3, column 1 'ActorId': actor id 1 repeats the record on line 2");
  DatasetImportOptions skip;
  skip.skip_invalid = true;
  r = Run(ImportUcdpActors, path, skip);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rejected, 2);
  EXPECT_EQ(rejected_.rows[1].back(), "line 4, column 1 'ActorId': expected an integer, got 'x'");
  EXPECT_EQ(Registry().parties.size(), 1u);
}

// Only ActorId, NameData, Org and Version are required; NA, N/A and NULL
// are no spelling and no value.
TEST_F(UcdpActorsTest, OptionalColumnsAndMissingValues) {
  const std::string path = dir_.path() + "/actors.csv";
  std::ofstream(path) << " actorid ,NAMEDATA,NameOrig,Org,Splinter,Location,Version,Extra\n"
                      << "1,Front A,NA,1,NA,Country X,23.1,x\n"
                      << "2,Army of Country X,null,4,,N/A,23.1,x\n"
                      << "3,NULL,Front C,1,0,Country X,23.1,x\n";
  auto r = Run(ImportUcdpActors, path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "line 4, column 2 'NameData': missing value (got 'NULL')");
  DatasetImportOptions skip;
  skip.skip_invalid = true;
  r = Run(ImportUcdpActors, path, skip);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rejected, 1);
  Bundle b = Registry();
  ASSERT_EQ(b.parties.size(), 2u);
  const Party* front = FindParty(b, "UCDP-1");
  ASSERT_NE(front, nullptr);
  EXPECT_TRUE(front->aliases.empty()) << "NameOrig NA is no spelling";
  EXPECT_FALSE(front->splinter_of.has_value());
  EXPECT_EQ(front->situation, "SIT-country-x");
  const Party* army = FindParty(b, "UCDP-2");
  ASSERT_NE(army, nullptr);
  EXPECT_EQ(army->kind, PartyKind::kState);
  EXPECT_EQ(army->situation, SituationIdFor("Unknown location")) << "Location N/A";
}

TEST_F(UcdpActorsTest, ActorsThatJoinedAnotherGroupAreDissolved) {
  MARA_REAL_DATA(actors, "ucdp_actor_list_v23_1.csv");
  auto r = Run(ImportUcdpActors, actors);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NE(r->notes.back().find(", 80 joined another group (dissolved)"), std::string::npos)
      << r->notes.back();
  const Bundle b = Registry();
  int dissolved = 0;
  for (const Party& p : b.parties) {
    if (!p.dissolved) continue;
    ++dissolved;
    EXPECT_EQ(p.dissolved->date, std::nullopt) << p.id;
  }
  EXPECT_EQ(dissolved, 80);
  const Party* pflp = FindParty(b, "UCDP-205");
  ASSERT_NE(pflp, nullptr);
  ASSERT_TRUE(pflp->dissolved.has_value());
  EXPECT_EQ(pflp->dissolved->source,
            "UCDP actor list 23.1: joined PLO, Rejectionist Front (204, 1067)");
  const Party* south_yemen = FindParty(b, "UCDP-124");
  ASSERT_NE(south_yemen, nullptr);
  ASSERT_TRUE(south_yemen->dissolved.has_value());
  EXPECT_EQ(south_yemen->dissolved->source,
            "UCDP actor list 23.1: joined Government of Yemen (North Yemen) (123)");
  EXPECT_FALSE(FindParty(b, "UCDP-2")->dissolved.has_value()) << "JoinGroup 0";
}

TEST_F(UcdpActorsTest, JoinQuirksAndRecordedDissolutions) {
  // A dissolution entered by hand with a date, and one without a date from
  // another source, are kept; the actor list's own reading is replaced.
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->Put(Situation{"SIT-X", "X", true}).ok());
  Party dated;
  dated.id = "UCDP-9605";
  dated.name = "Dated Front";
  dated.situation = "SIT-X";
  dated.dissolved = Dissolution{Date::FromYmd(2019, 6, 30), "S-12: disbanded at the peace accord"};
  ASSERT_TRUE(store_->Put(dated).ok());
  Party undated = dated;
  undated.id = "UCDP-9606";
  undated.name = "Undated Front";
  undated.dissolved = Dissolution{std::nullopt, "S-13: absorbed into the army"};
  ASSERT_TRUE(store_->Put(undated).ok());
  Party old = dated;
  old.id = "UCDP-9607";
  old.name = "Old Front";
  old.dissolved = Dissolution{std::nullopt, "UCDP actor list 22.1: joined Someone (1)"};
  ASSERT_TRUE(store_->Put(old).ok());
  ASSERT_TRUE(store_->Commit().ok());

  auto r = Run(ImportUcdpActors, Fixture("ucdp_join_group.csv"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Bundle b = Registry();
  auto source = [&](const std::string& id) {
    const Party* p = FindParty(b, id);
    EXPECT_NE(p, nullptr) << id;
    return p && p->dissolved ? p->dissolved->source : std::string("(none)");
  };
  EXPECT_EQ(source("UCDP-9601"), "UCDP actor list 23.1: joined Northern Alliance (9602)");
  EXPECT_EQ(source("UCDP-9602"), "(none)") << "JoinGroup NA is missing: not joined";
  EXPECT_EQ(source("UCDP-9603"), "UCDP actor list 23.1: joined another group")
      << "GroupName NA, ActorIdGroup empty";
  EXPECT_EQ(source("UCDP-9604"), "(none)") << "JoinGroup 0";
  EXPECT_EQ(source("UCDP-9605"), "S-12: disbanded at the peace accord");
  EXPECT_EQ(FindParty(b, "UCDP-9605")->dissolved->date, Date::FromYmd(2019, 6, 30));
  EXPECT_EQ(source("UCDP-9606"), "S-13: absorbed into the army");
  EXPECT_EQ(source("UCDP-9607"), "UCDP actor list 23.1: joined Northern Alliance (9602)");
  // Countries: "Myanmar (Burma), Thailand" is Myanmar (the first), "Burma"
  // too; "Hyderabad, India" keeps its own situation; no Location but
  // GWNOLoc 520 is Somalia.
  EXPECT_EQ(FindParty(b, "UCDP-9601")->situation, "SIT-MMR");
  EXPECT_EQ(FindParty(b, "UCDP-9602")->situation, "SIT-MMR");
  EXPECT_EQ(FindParty(b, "UCDP-9603")->situation, "SIT-hyderabad");
  EXPECT_EQ(FindParty(b, "UCDP-9604")->situation, "SIT-SOM");

  auto again = Run(ImportUcdpActors, Fixture("ucdp_join_group.csv"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(Total(again->inserted), 0);
  const Bundle after = Registry();
  ASSERT_EQ(after.parties.size(), b.parties.size());
  for (size_t i = 0; i < b.parties.size(); ++i) {
    EXPECT_EQ(ToJson(after.parties[i]).dump(), ToJson(b.parties[i]).dump()) << "unchanged";
  }
}

}  // namespace
}  // namespace mara
