#include "ingest/names/similarity.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mara::names {
namespace {

double JW(std::string_view a, std::string_view b) { return JaroWinklerUtf8(a, b); }

PreparedName Prep(std::string_view name) {
  return Prepare(FoldName(name), [](std::string_view) { return 1.0; });
}

TEST(JaroWinklerTest, KnownValues) {
  EXPECT_NEAR(JW("MARTHA", "MARHTA"), 0.961, 0.0005);
  EXPECT_NEAR(JW("DIXON", "DICKSONX"), 0.813, 0.0005);
  EXPECT_NEAR(JW("DWAYNE", "DUANE"), 0.840, 0.0005);
  EXPECT_NEAR(Jaro(U"MARTHA", U"MARHTA"), 0.944, 0.0005);
  EXPECT_DOUBLE_EQ(JW("same", "same"), 1.0);
  EXPECT_DOUBLE_EQ(JW("", ""), 1.0);
  EXPECT_DOUBLE_EQ(JW("abc", ""), 0.0);
  EXPECT_DOUBLE_EQ(JW("abc", "xyz"), 0.0);
  EXPECT_NEAR(JW("MARTHA", "MARHTA"), JW("MARHTA", "MARTHA"), 1e-12);
}

TEST(JaroWinklerTest, NoPrefixBonusBelowSevenTenths) {
  // Jaro("abcd", "axyz") = (1/4 + 1/4 + 1) / 3 = 0.5: no bonus despite "a".
  EXPECT_NEAR(JW("abcd", "axyz"), 0.5, 1e-12);
}

TEST(JaroWinklerTest, PatternAgreesWithPlainAlgorithm) {
  // Deterministic pseudo-random strings over a small alphabet (so that
  // matches and transpositions are frequent), some longer than 64 code
  // points or outside ASCII, which take the fallback path.
  uint64_t state = 12345;
  auto next = [&state]() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state >> 33);
  };
  const std::u32string alphabet = U"abcde \u00e9";
  for (int trial = 0; trial < 3000; ++trial) {
    std::u32string a, b;
    const size_t la = next() % (trial % 10 == 0 ? 90 : 20);
    const size_t lb = next() % (trial % 10 == 0 ? 90 : 20);
    for (size_t i = 0; i < la; ++i) a.push_back(alphabet[next() % (trial % 3 == 0 ? 7 : 6)]);
    for (size_t i = 0; i < lb; ++i) b.push_back(alphabet[next() % 6]);
    JaroPattern p(a);
    ASSERT_DOUBLE_EQ(p.JaroWinkler(b), JaroWinkler(b, a)) << "trial " << trial;
  }
}

TEST(TokenSimilarityTest, OrderFreeAndWeighted) {
  PreparedName a = Prep("Democratic Forces Allied");
  PreparedName b = Prep("Allied Democratic Forces");
  EXPECT_DOUBLE_EQ(WeightedTokenSimilarity(a.token_patterns, a.weights, b.core_tokens32, b.weights),
                   1.0);
  // A heavy token that matches nothing drags the score down more than a
  // light one.
  PreparedName c = Prep("Government Narnia");
  PreparedName d = Prep("Government Zembla");
  const std::vector<double> heavy_country = {0.1, 5.0};
  const std::vector<double> heavy_government = {5.0, 0.1};
  EXPECT_LT(
      WeightedTokenSimilarity(c.token_patterns, heavy_country, d.core_tokens32, heavy_country),
      0.6);
  EXPECT_GT(WeightedTokenSimilarity(c.token_patterns, heavy_government, d.core_tokens32,
                                    heavy_government),
            0.9);
  EXPECT_DOUBLE_EQ(WeightedTokenSimilarity({}, {}, b.core_tokens32, b.weights), 0.0);
}

TEST(AcronymTest, MatchesCoreOrFullAcronym) {
  EXPECT_TRUE(IsAcronymOf(FoldName("ADF"), FoldName("Allied Democratic Forces")));
  // "F.L.N." folds to three tokens, not one.
  EXPECT_FALSE(IsAcronymOf(FoldName("F.L.N."), FoldName("Front de Lib\u00e9ration Nationale")));
  EXPECT_TRUE(IsAcronymOf(FoldName("FLN"), FoldName("Front de Lib\u00e9ration Nationale")));
  EXPECT_TRUE(IsAcronymOf(FoldName("POTF"), FoldName("Party of the Future")));
  EXPECT_FALSE(IsAcronymOf(FoldName("ADF"), FoldName("Alliance of Democratic Fronts Union")));
  EXPECT_FALSE(IsAcronymOf(FoldName("Allied Democratic Forces"), FoldName("ADF")));
  EXPECT_FALSE(IsAcronymOf(FoldName("A"), FoldName("Army")));
}

TEST(CompareNamesTest, ExactNameScoresOne) {
  MatchFeatures f =
      CompareNames(Prep("Allied Democratic Forces"), Prep("ALLIED  democratic forces"));
  EXPECT_DOUBLE_EQ(f.score, 1.0);
  EXPECT_EQ(f.decided_by, Feature::kExactName);
}

TEST(CompareNamesTest, ArticlesOnlyGiveSameCore) {
  ScoreWeights w;
  MatchFeatures f = CompareNames(Prep("The Islamic State"), Prep("Islamic State"), w);
  EXPECT_DOUBLE_EQ(f.score, w.same_core_score);
  EXPECT_EQ(f.decided_by, Feature::kSameCore);
  EXPECT_TRUE(f.articles_differ);
}

TEST(CompareNamesTest, AcronymLiftsScoreToAcronymScore) {
  ScoreWeights w;
  MatchFeatures f = CompareNames(Prep("ADF"), Prep("Allied Democratic Forces"), w);
  EXPECT_TRUE(f.acronym);
  EXPECT_DOUBLE_EQ(f.score, w.acronym_score);
  EXPECT_EQ(f.decided_by, Feature::kAcronym);
  EXPECT_NE(f.Describe().find("acronym"), std::string::npos);
}

TEST(CompareNamesTest, TypoScoresHighUnrelatedLow) {
  MatchFeatures typo =
      CompareNames(Prep("Allied Democratc Forces"), Prep("Allied Democratic Forces"));
  EXPECT_GT(typo.score, 0.95);
  EXPECT_LT(typo.score, 1.0);
  EXPECT_TRUE(typo.decided_by == Feature::kCharacters || typo.decided_by == Feature::kTokens);
  MatchFeatures unrelated = CompareNames(Prep("Kamuina Nsapu"), Prep("Allied Democratic Forces"));
  EXPECT_LT(unrelated.score, 0.6);
  EXPECT_NE(typo.Describe().find("score 0.9"), std::string::npos);
}

}  // namespace
}  // namespace mara::names
