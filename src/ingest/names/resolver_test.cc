#include "ingest/names/resolver.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace mara::names {
namespace {

std::vector<PartyNames> SmallRegistry() {
  return {
      {"P-ADF", "Allied Democratic Forces", {"ADF", "ADF-NALU"}},
      {"P-LRA", "Lord's Resistance Army", {"LRA"}},
      {"P-UGA", "Government of Uganda", {}},
      {"P-FLN", "National Liberation Front", {"FLN"}},
      {"P-FLN2", "Front de Lib\u00e9ration Nationale", {"FLN"}},
      {"P-MM1", "Mai-Mai Yakutumba", {}},
      {"P-MM2", "Mai-Mai Yakutumbo", {}},
      {"P-ISIS", "Islamic State", {}},
  };
}

NameResolver BuildOrDie(const std::vector<PartyNames>& parties, ResolverOptions options = {}) {
  auto r = NameResolver::Build(parties, options);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

TEST(ResolverTest, ExactAliasIsAccepted) {
  NameResolver r = BuildOrDie(SmallRegistry());
  Resolution res = r.Resolve("adf");
  EXPECT_EQ(res.decision, Decision::kAccept);
  ASSERT_NE(res.best(), nullptr);
  EXPECT_EQ(res.best()->party_id, "P-ADF");
  EXPECT_EQ(res.best()->matched_name, "ADF");
  EXPECT_DOUBLE_EQ(res.score(), 1.0);
  EXPECT_EQ(res.best()->features.decided_by, Feature::kExactName);
  // Date noise and punctuation fold away before the exact match.
  res = r.Resolve("Government of Uganda (1986-)");
  EXPECT_EQ(res.decision, Decision::kAccept);
  EXPECT_EQ(res.best()->party_id, "P-UGA");
  EXPECT_EQ(res.folded, "government of uganda");
}

TEST(ResolverTest, TypoIsAccepted) {
  NameResolver r = BuildOrDie(SmallRegistry());
  Resolution res = r.Resolve("Allied Democratc Forcs");
  EXPECT_EQ(res.decision, Decision::kAccept);
  ASSERT_NE(res.best(), nullptr);
  EXPECT_EQ(res.best()->party_id, "P-ADF");
  EXPECT_GE(res.score(), r.options().accept_threshold);
  EXPECT_LT(res.score(), 1.0);
}

TEST(ResolverTest, DroppedArticleIsAccepted) {
  NameResolver r = BuildOrDie(SmallRegistry());
  Resolution res = r.Resolve("The Islamic State");
  EXPECT_EQ(res.decision, Decision::kAccept);
  EXPECT_EQ(res.best()->party_id, "P-ISIS");
  EXPECT_EQ(res.best()->features.decided_by, Feature::kSameCore);
}

TEST(ResolverTest, AliasSharedByTwoPartiesGoesToReview) {
  NameResolver r = BuildOrDie(SmallRegistry());
  Resolution res = r.Resolve("FLN");
  EXPECT_EQ(res.decision, Decision::kReview);
  EXPECT_TRUE(res.ambiguous);
  ASSERT_EQ(res.candidates.size(), 2u);
  EXPECT_EQ(res.candidates[0].party_id, "P-FLN");  // registry order breaks the tie
  EXPECT_EQ(res.candidates[1].party_id, "P-FLN2");
}

TEST(ResolverTest, EquallyCloseNamesGoToReview) {
  NameResolver r = BuildOrDie(SmallRegistry());
  Resolution res = r.Resolve("Mai-Mai Yakutumbi");
  EXPECT_EQ(res.decision, Decision::kReview);
  EXPECT_TRUE(res.ambiguous);
  ASSERT_GE(res.candidates.size(), 2u);
  EXPECT_EQ(res.candidates[0].party_id, "P-MM1");
  EXPECT_EQ(res.candidates[1].party_id, "P-MM2");
  EXPECT_GE(res.score(), r.options().accept_threshold);
}

TEST(ResolverTest, AcronymOfANameGoesToReview) {
  NameResolver r = BuildOrDie(
      {{"P-1", "Mozambican National Resistance", {}}, {"P-2", "Government of Uganda", {}}});
  Resolution res = r.Resolve("MNR");
  EXPECT_EQ(res.decision, Decision::kReview);
  ASSERT_NE(res.best(), nullptr);
  EXPECT_EQ(res.best()->party_id, "P-1");
  EXPECT_EQ(res.best()->features.decided_by, Feature::kAcronym);
}

TEST(ResolverTest, UnknownNameIsNew) {
  NameResolver r = BuildOrDie(SmallRegistry());
  Resolution res = r.Resolve("Kamuina Nsapu");
  EXPECT_EQ(res.decision, Decision::kNew);
  EXPECT_LT(res.score(), r.options().review_threshold);
  EXPECT_TRUE(res.note.empty());
}

TEST(ResolverTest, UnusableQueriesGoToReviewWithANote) {
  NameResolver r = BuildOrDie(SmallRegistry());
  Resolution bad = r.Resolve("Allied \xff Forces");
  EXPECT_EQ(bad.decision, Decision::kReview);
  EXPECT_EQ(bad.note, "invalid UTF-8 at byte 7");
  EXPECT_TRUE(bad.candidates.empty());
  Resolution empty = r.Resolve(" (1990-1995) ");
  EXPECT_EQ(empty.decision, Decision::kReview);
  EXPECT_EQ(empty.note, "nothing left after folding");
}

TEST(ResolverTest, ThresholdsDecide) {
  ResolverOptions strict;
  strict.accept_threshold = 1.0;
  strict.review_threshold = 0.99;
  NameResolver r = BuildOrDie(SmallRegistry(), strict);
  EXPECT_EQ(r.Resolve("Allied Democratc Forcs").decision, Decision::kNew);
  EXPECT_EQ(r.Resolve("ADF").decision, Decision::kAccept);
  ResolverOptions lenient;
  lenient.accept_threshold = 0.5;
  lenient.review_threshold = 0.4;
  lenient.ambiguity_margin = 0.0;
  NameResolver l = BuildOrDie(SmallRegistry(), lenient);
  EXPECT_EQ(l.Resolve("Allied Democratik").decision, Decision::kAccept);
}

TEST(ResolverTest, BuildRejectsBadInput) {
  EXPECT_EQ(NameResolver::Build({{"P-1", "A", {}}, {"P-1", "B", {}}}).status().code(),
            StatusCode::kConflict);
  auto empty_id = NameResolver::Build({{"", "Army", {}}});
  EXPECT_EQ(empty_id.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(empty_id.status().message().find("party #1"), std::string::npos);
  auto bad_utf8 = NameResolver::Build({{"P-1", "Army", {"Arm\xc3"}}});
  EXPECT_EQ(bad_utf8.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_utf8.status().message().find("'P-1' alias"), std::string::npos);
  auto nothing = NameResolver::Build({{"P-1", "--", {}}});
  EXPECT_EQ(nothing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(nothing.status().message().find("nothing left after folding"), std::string::npos);
  ResolverOptions inverted;
  inverted.accept_threshold = 0.5;
  inverted.review_threshold = 0.6;
  EXPECT_EQ(NameResolver::Build(SmallRegistry(), inverted).status().code(),
            StatusCode::kInvalidArgument);
  ResolverOptions no_candidates;
  no_candidates.trigram_candidates = 0;
  EXPECT_FALSE(no_candidates.Validate().ok());
  EXPECT_TRUE(ResolverOptions().Validate().ok());
}

TEST(ResolverTest, RepeatedSpellingsOfOnePartyCountOnce) {
  NameResolver r = BuildOrDie({{"P-1", "Renamo", {"RENAMO", "Renamo (1977-)"}}});
  EXPECT_EQ(r.party_count(), 1u);
  EXPECT_EQ(r.name_count(), 1u);
}

bool SameResolution(const Resolution& a, const Resolution& b) {
  if (a.decision != b.decision || a.ambiguous != b.ambiguous ||
      a.candidates.size() != b.candidates.size()) {
    return false;
  }
  for (size_t i = 0; i < a.candidates.size(); ++i) {
    if (a.candidates[i].party_id != b.candidates[i].party_id ||
        a.candidates[i].matched_name != b.candidates[i].matched_name ||
        a.candidates[i].features.score != b.candidates[i].features.score) {
      return false;
    }
  }
  return true;
}

const std::vector<std::string> kQueries = {"ADF",
                                           "Allied Democratc Forcs",
                                           "FLN",
                                           "Mai-Mai Yakutumbi",
                                           "Kamuina Nsapu",
                                           "Lords Resistence Army",
                                           "Govt of Uganda",
                                           "Islamic",
                                           "Front Liberation",
                                           "\xff"};

TEST(ResolverTest, DeterministicAcrossBuilds) {
  NameResolver a = BuildOrDie(SmallRegistry());
  NameResolver b = BuildOrDie(SmallRegistry());
  for (const auto& q : kQueries) {
    EXPECT_TRUE(SameResolution(a.Resolve(q), b.Resolve(q))) << q;
    EXPECT_TRUE(SameResolution(a.Resolve(q), a.Resolve(q))) << q;
  }
}

TEST(ResolverTest, ConcurrentLookupsAgreeWithSerialOnes) {
  NameResolver r = BuildOrDie(SmallRegistry());
  std::vector<Resolution> expected;
  for (const auto& q : kQueries) expected.push_back(r.Resolve(q));
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t]() {
      for (int round = 0; round < 200; ++round) {
        for (size_t i = 0; i < kQueries.size(); ++i) {
          if (!SameResolution(r.Resolve(kQueries[i]), expected[i])) ++mismatches[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace mara::names

namespace mara::names {
namespace {

// State forces, bracketed alternatives and situation countries, case by
// case from testdata/resolver_state_force_cases.tsv.
TEST(NameResolverCases, StateForcesAlternativesAndCountries) {
  const std::vector<PartyNames> registry = {
      {"G-SDN", "Government of Sudan", {}, true, {"Sudan"}},
      {"G-SOM", "Government of Somalia", {}, true, {"Somalia"}},
      {"G-COD", "Government of DR Congo (Zaire)", {}, true, {"SIT-dr-congo-zaire"}},
      {"G-MMR", "Government of Myanmar (Burma)", {}, true, {"Myanmar (Burma)"}},
      {"G-SYR", "Government of Syria", {}, true, {"Syria"}},
      {"U-SPF", "Somali Police Force", {}, true, {"Somalia"}},
      {"N-PAF", "People's Armed Forces", {}, false, {"Sudan"}},
      {"N-SNF", "Somali National Front", {}, false, {"Somalia"}},
      {"N-CNLF", "Congolese National Liberation Front", {}, false, {"DR Congo"}},
      {"N-ADF", "Allied Democratic Forces (ADF)", {}, false, {"DR Congo"}},
      {"N-FSA", "Free Syrian Army", {}, false, {"Syria"}},
      {"N-MS13", "Mara Salvatrucha (El Salvador)", {}, false, {"El Salvador"}},
      {"N-MS13G", "Mara Salvatrucha (Guatemala)", {}, false, {"Guatemala"}},
  };
  const NameResolver r = BuildOrDie(registry);
  std::ifstream in(MARA_SOURCE_DIR "/src/ingest/testdata/resolver_state_force_cases.tsv");
  ASSERT_TRUE(in) << "resolver_state_force_cases.tsv";
  std::string line;
  int cases = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, '\t');) f.push_back(cell);
    ASSERT_EQ(f.size(), 5u) << line;
    ++cases;
    const Resolution res = r.Resolve(f[0], QueryContext{f[1]});
    SCOPED_TRACE(f[0] + " [" + f[1] + "]: " + std::string(DecisionName(res.decision)) + " " +
                 (res.best() ? res.best()->party_id + " " + res.best()->Describe() : res.note));
    EXPECT_EQ(DecisionName(res.decision), f[2]);
    if (f[3] != "-") {
      ASSERT_NE(res.best(), nullptr);
      EXPECT_EQ(res.best()->party_id, f[3]);
      if (f[4] != "-") {
        EXPECT_NE(res.best()->Describe().find(f[4]), std::string::npos);
      }
    }
    // A state force is never matched to a non-state party.
    if (!res.state_force.empty()) {
      for (const Candidate& c : res.candidates) EXPECT_NE(c.party_id.substr(0, 2), "N-");
    }
  }
  EXPECT_GE(cases, 20);
}

}  // namespace
}  // namespace mara::names
