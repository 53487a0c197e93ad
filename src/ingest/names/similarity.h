// String similarity for party names: Jaro-Winkler on folded strings, an
// IDF-weighted token measure, an acronym test, and their combination into
// one score in [0, 1] together with the features that decided it.
//
// Contract:
// - Inputs are folded names (name_fold.h); nothing here folds again.
// - JaroWinkler() is Winkler's definition: Jaro similarity plus a bonus of
//   0.1 per shared leading code point (at most 4), given only when the Jaro
//   similarity exceeds 0.7. Values: MARTHA/MARHTA 0.961, DIXON/DICKSONX
//   0.813. Two empty strings are 1, one empty string against another is 0.
// - CompareNames() is symmetric in the sense that swapping query and
//   candidate changes no feature except which side carries the acronym.
// - Pure functions over their arguments: thread-safe.
#ifndef MARA_INGEST_NAMES_SIMILARITY_H_
#define MARA_INGEST_NAMES_SIMILARITY_H_

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/names/name_fold.h"

namespace mara::names {

double Jaro(std::u32string_view a, std::u32string_view b);
double JaroWinkler(std::u32string_view a, std::u32string_view b);
// UTF-8 convenience: decodes both sides first.
double JaroWinklerUtf8(std::string_view a, std::string_view b);

// One side of many Jaro-Winkler comparisons, precomputed: for strings of at
// most 64 code points below U+0080 (nearly every folded name) a bit mask of
// positions per character lets Jaro run in time linear in the other string;
// other strings fall back to JaroWinkler(). Same results as JaroWinkler().
class JaroPattern {
 public:
  JaroPattern() = default;
  explicit JaroPattern(std::u32string_view s);
  double JaroWinkler(std::u32string_view other) const;
  const std::u32string& text() const { return text_; }

 private:
  double FastJaro(std::u32string_view other) const;

  std::u32string text_;
  bool fast_ = false;
  std::array<uint8_t, 128> slot_{};  // 0: absent, else 1 + index into masks_
  std::vector<uint64_t> masks_;
};

// Symmetric Monge-Elkan: each token of one side takes its best Jaro-Winkler
// against the other side's tokens, averaged with the given weights; the
// score is the mean of both directions. Empty sides give 0. When
// `reordered` is given it is set to whether the tokens of `a` find their
// best partners (Jaro-Winkler >= 0.85) in `b` out of order.
double WeightedTokenSimilarity(const std::vector<JaroPattern>& a,
                               const std::vector<double>& a_weights,
                               const std::vector<std::u32string>& b,
                               const std::vector<double>& b_weights, bool* reordered = nullptr);

// True when `name` is one token equal to the acronym of `other`'s core
// tokens or of all its tokens: "adf" and "allied democratic forces", "fln"
// and "front de liberation nationale" (core), "potf" and "party of the
// future" (all tokens).
bool IsAcronymOf(const FoldedName& name, const FoldedName& other);

// A folded name with what comparison needs precomputed: code points of the
// text and core, and a positive weight per core token (the resolver uses
// inverse document frequency over its registry).
struct PreparedName {
  FoldedName folded;
  std::u32string text32;
  std::u32string core32;
  std::vector<std::u32string> core_tokens32;
  std::vector<double> weights;
  // Patterns of text32, core32 and core_tokens32; CompareNames uses the
  // query's, so a registry may leave them empty (with_patterns = false).
  JaroPattern text_pattern;
  JaroPattern core_pattern;
  std::vector<JaroPattern> token_patterns;
};

// `token_weight` maps a folded core token to its weight (> 0).
PreparedName Prepare(FoldedName folded, const std::function<double(std::string_view)>& token_weight,
                     bool with_patterns = true);

enum class Feature {
  kNone,
  kExactName,   // folded texts are equal
  kSameCore,    // equal once articles and connecting words are dropped
  kCharacters,  // Jaro-Winkler of the whole names carried the score
  kTokens,      // the token measure carried the score
  kAcronym,     // one name is the acronym of the other
};
std::string_view FeatureName(Feature f);

// Weights of the combination; the defaults are the ones documented in
// docs/name-resolution.md and chosen on the UCDP evaluation set.
struct ScoreWeights {
  double character_weight = 0.5;  // the rest goes to the token measure
  // Names equal but for one article or connecting word.
  double same_core_score = 0.97;
  // One name is the acronym of the other: below the default accept
  // threshold, since acronyms collide.
  double acronym_score = 0.88;
  // The token measure ignores order; "National Liberation Front" and
  // "National Front for Liberation" are different parties, so reordered
  // tokens count for this fraction.
  double reordered_factor = 0.85;
  // A fuzzy match where either name has at most this many code points
  // (spaces included) scores at most short_name_cap: one letter more or
  // less makes another acronym.
  size_t short_name_length = 5;
  double short_name_cap = 0.90;
};

struct MatchFeatures {
  double score = 0;             // in [0, 1]
  double jaro_winkler = 0;      // best of whole text and core text
  double token_similarity = 0;  // WeightedTokenSimilarity of the cores
  bool acronym = false;
  bool articles_differ = false;  // the stop words of the two names differ
  bool reordered = false;        // the tokens match in another order
  bool short_name = false;       // the short-name cap applied
  Feature decided_by = Feature::kNone;

  // "score 0.934 by tokens (jw 0.951, tokens 0.917)" and so on.
  std::string Describe() const;
};

// `query` must have been prepared with patterns.
MatchFeatures CompareNames(const PreparedName& query, const PreparedName& candidate,
                           const ScoreWeights& weights = {});

// Two names as written, folded and compared with every token weighing 1
// (no registry to weigh them by): for a pair met outside a resolver, such
// as two names the same actor id carries in two data sets.
MatchFeatures CompareNameTexts(std::string_view a, std::string_view b,
                               const ScoreWeights& weights = {});

}  // namespace mara::names

#endif  // MARA_INGEST_NAMES_SIMILARITY_H_
