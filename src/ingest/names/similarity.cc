#include "ingest/names/similarity.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <memory>
#include <vector>

namespace mara::names {
namespace {

constexpr size_t kStackLimit = 128;

double JaroImpl(std::u32string_view a, std::u32string_view b, bool* a_used, bool* b_used) {
  const size_t la = a.size();
  const size_t lb = b.size();
  const size_t window = std::max(la, lb) / 2 > 0 ? std::max(la, lb) / 2 - 1 : 0;
  size_t matches = 0;
  for (size_t i = 0; i < la; ++i) {
    const size_t lo = i > window ? i - window : 0;
    const size_t hi = std::min(lb, i + window + 1);
    for (size_t j = lo; j < hi; ++j) {
      if (!b_used[j] && a[i] == b[j]) {
        a_used[i] = true;
        b_used[j] = true;
        ++matches;
        break;
      }
    }
  }
  if (matches == 0) return 0.0;
  size_t half_transpositions = 0;
  size_t k = 0;
  for (size_t i = 0; i < la; ++i) {
    if (!a_used[i]) continue;
    while (!b_used[k]) ++k;
    if (a[i] != b[k]) ++half_transpositions;
    ++k;
  }
  const double m = static_cast<double>(matches);
  const double t = static_cast<double>(half_transpositions / 2);
  return (m / static_cast<double>(la) + m / static_cast<double>(lb) + (m - t) / m) / 3.0;
}

}  // namespace

double Jaro(std::u32string_view a, std::u32string_view b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  if (a == b) return 1.0;
  if (a.size() <= kStackLimit && b.size() <= kStackLimit) {
    std::array<bool, kStackLimit> a_used{};
    std::array<bool, kStackLimit> b_used{};
    return JaroImpl(a, b, a_used.data(), b_used.data());
  }
  auto a_used = std::make_unique<bool[]>(a.size());
  auto b_used = std::make_unique<bool[]>(b.size());
  return JaroImpl(a, b, a_used.get(), b_used.get());
}

namespace {

double WinklerBonus(double jaro, std::u32string_view a, std::u32string_view b) {
  if (jaro <= 0.7) return jaro;
  size_t prefix = 0;
  const size_t limit = std::min<size_t>({4, a.size(), b.size()});
  while (prefix < limit && a[prefix] == b[prefix]) ++prefix;
  return jaro + static_cast<double>(prefix) * 0.1 * (1.0 - jaro);
}

}  // namespace

double JaroWinkler(std::u32string_view a, std::u32string_view b) {
  return WinklerBonus(Jaro(a, b), a, b);
}

JaroPattern::JaroPattern(std::u32string_view s) : text_(s) {
  if (s.size() > 64) return;
  for (char32_t c : s) {
    if (c >= 128) return;
  }
  fast_ = true;
  for (size_t j = 0; j < s.size(); ++j) {
    uint8_t& slot = slot_[s[j]];
    if (slot == 0) {
      masks_.push_back(0);
      slot = static_cast<uint8_t>(masks_.size());
    }
    masks_[slot - 1] |= uint64_t{1} << j;
  }
}

// The greedy matching of JaroImpl with the pattern as `b`: each code point
// of `other` takes the first unmatched equal code point of the pattern
// inside the window, found with one mask operation.
double JaroPattern::FastJaro(std::u32string_view other) const {
  const size_t la = other.size();
  const size_t lb = text_.size();
  const size_t window = std::max(la, lb) / 2 > 0 ? std::max(la, lb) / 2 - 1 : 0;
  uint64_t used_b = 0;
  uint64_t matched_a = 0;
  size_t matches = 0;
  for (size_t i = 0; i < la; ++i) {
    const char32_t c = other[i];
    if (c >= 128 || slot_[c] == 0) continue;
    const size_t lo = i > window ? i - window : 0;
    const size_t hi = std::min(lb, i + window + 1);
    if (lo >= hi) continue;
    const uint64_t range = (hi - lo == 64 ? ~uint64_t{0} : ((uint64_t{1} << (hi - lo)) - 1)) << lo;
    const uint64_t m = masks_[slot_[c] - 1] & ~used_b & range;
    if (m == 0) continue;
    used_b |= m & (~m + 1);
    matched_a |= uint64_t{1} << i;
    ++matches;
  }
  if (matches == 0) return 0.0;
  size_t half_transpositions = 0;
  uint64_t a_bits = matched_a;
  uint64_t b_bits = used_b;
  while (a_bits != 0) {
    const int i = __builtin_ctzll(a_bits);
    const int j = __builtin_ctzll(b_bits);
    if (other[static_cast<size_t>(i)] != text_[static_cast<size_t>(j)]) ++half_transpositions;
    a_bits &= a_bits - 1;
    b_bits &= b_bits - 1;
  }
  const double m = static_cast<double>(matches);
  const double t = static_cast<double>(half_transpositions / 2);
  return (m / static_cast<double>(la) + m / static_cast<double>(lb) + (m - t) / m) / 3.0;
}

double JaroPattern::JaroWinkler(std::u32string_view other) const {
  if (!fast_ || other.size() > 64 || other.empty() || text_.empty() || other == text_) {
    return names::JaroWinkler(other, text_);
  }
  return WinklerBonus(FastJaro(other), text_, other);
}

double JaroWinklerUtf8(std::string_view a, std::string_view b) {
  return JaroWinkler(DecodeUtf8(a), DecodeUtf8(b));
}

namespace {

// Each row takes its best column (forward) or each column its best row,
// averaged with the weights of the side that takes.
double DirectedMongeElkan(const double* sim, size_t rows, size_t cols,
                          const std::vector<double>& weights, bool by_rows) {
  double sum = 0;
  double total = 0;
  const size_t outer = by_rows ? rows : cols;
  const size_t inner = by_rows ? cols : rows;
  for (size_t i = 0; i < outer; ++i) {
    double best = 0;
    for (size_t j = 0; j < inner; ++j) {
      best = std::max(best, by_rows ? sim[i * cols + j] : sim[j * cols + i]);
    }
    sum += weights[i] * best;
    total += weights[i];
  }
  return total > 0 ? sum / total : 0.0;
}

bool SameStopTokens(const FoldedName& a, const FoldedName& b) {
  size_t i = 0;
  size_t j = 0;
  while (true) {
    while (i < a.tokens.size() && !a.is_stop[i]) ++i;
    while (j < b.tokens.size() && !b.is_stop[j]) ++j;
    if (i == a.tokens.size() || j == b.tokens.size()) {
      return i == a.tokens.size() && j == b.tokens.size();
    }
    if (a.tokens[i] != b.tokens[j]) return false;
    ++i;
    ++j;
  }
}

}  // namespace

double WeightedTokenSimilarity(const std::vector<JaroPattern>& a,
                               const std::vector<double>& a_weights,
                               const std::vector<std::u32string>& b,
                               const std::vector<double>& b_weights, bool* reordered) {
  if (a.empty() || b.empty()) return 0.0;
  // Every pair once, shared by both directions.
  constexpr size_t kStackCells = 256;
  std::array<double, kStackCells> stack_cells;
  std::vector<double> heap_cells;
  double* sim = stack_cells.data();
  if (a.size() * b.size() > kStackCells) {
    heap_cells.resize(a.size() * b.size());
    sim = heap_cells.data();
  }
  for (size_t i = 0; i < a.size(); ++i) {
    for (size_t j = 0; j < b.size(); ++j) sim[i * b.size() + j] = a[i].JaroWinkler(b[j]);
  }
  if (reordered != nullptr) {
    *reordered = false;
    size_t last = 0;
    bool any = false;
    for (size_t i = 0; i < a.size(); ++i) {
      const double* row = sim + i * b.size();
      const size_t j = static_cast<size_t>(std::max_element(row, row + b.size()) - row);
      if (row[j] < 0.85) continue;
      if (any && j < last) *reordered = true;
      last = j;
      any = true;
    }
  }
  return 0.5 * (DirectedMongeElkan(sim, a.size(), b.size(), a_weights, true) +
                DirectedMongeElkan(sim, a.size(), b.size(), b_weights, false));
}

bool IsAcronymOf(const FoldedName& name, const FoldedName& other) {
  if (name.tokens.size() != 1) return false;
  const std::string& t = name.tokens[0];
  return (!other.core_acronym.empty() && t == other.core_acronym) ||
         (!other.full_acronym.empty() && t == other.full_acronym);
}

PreparedName Prepare(FoldedName folded, const std::function<double(std::string_view)>& token_weight,
                     bool with_patterns) {
  PreparedName p;
  p.text32 = DecodeUtf8(folded.text);
  p.core32 = DecodeUtf8(folded.core);
  p.core_tokens32.reserve(folded.core_tokens.size());
  p.weights.reserve(folded.core_tokens.size());
  for (const auto& t : folded.core_tokens) {
    p.core_tokens32.push_back(DecodeUtf8(t));
    p.weights.push_back(token_weight(t));
  }
  if (with_patterns) {
    p.text_pattern = JaroPattern(p.text32);
    p.core_pattern = JaroPattern(p.core32);
    p.token_patterns.reserve(p.core_tokens32.size());
    for (const auto& t : p.core_tokens32) p.token_patterns.emplace_back(t);
  }
  p.folded = std::move(folded);
  return p;
}

std::string_view FeatureName(Feature f) {
  switch (f) {
    case Feature::kNone:
      return "none";
    case Feature::kExactName:
      return "exact name";
    case Feature::kSameCore:
      return "same name without articles";
    case Feature::kCharacters:
      return "characters";
    case Feature::kTokens:
      return "tokens";
    case Feature::kAcronym:
      return "acronym";
  }
  return "none";
}

std::string MatchFeatures::Describe() const {
  std::string s = fmt::format("score {:.3f} by {} (jw {:.3f}, tokens {:.3f}", score,
                              FeatureName(decided_by), jaro_winkler, token_similarity);
  if (acronym) s += ", acronym";
  if (articles_differ) s += ", articles differ";
  if (reordered) s += ", reordered";
  if (short_name) s += ", short name";
  s += ")";
  return s;
}

MatchFeatures CompareNames(const PreparedName& q, const PreparedName& c,
                           const ScoreWeights& weights) {
  MatchFeatures f;
  f.articles_differ = !SameStopTokens(q.folded, c.folded);
  if (q.folded.text == c.folded.text) {
    f.score = f.jaro_winkler = f.token_similarity = 1.0;
    f.articles_differ = false;
    f.decided_by = Feature::kExactName;
    return f;
  }
  f.jaro_winkler = q.text_pattern.JaroWinkler(c.text32);
  // Without stop words on either side the cores are the texts.
  if (q.folded.core.size() != q.folded.text.size() ||
      c.folded.core.size() != c.folded.text.size()) {
    f.jaro_winkler = std::max(f.jaro_winkler, q.core_pattern.JaroWinkler(c.core32));
  }
  f.token_similarity = WeightedTokenSimilarity(q.token_patterns, q.weights, c.core_tokens32,
                                               c.weights, &f.reordered);
  f.acronym = IsAcronymOf(q.folded, c.folded) || IsAcronymOf(c.folded, q.folded);
  const size_t q_stops = q.folded.tokens.size() - q.folded.core_tokens.size();
  const size_t c_stops = c.folded.tokens.size() - c.folded.core_tokens.size();
  // One article more or less; several at once are more likely a different
  // name whose words happen to be short ("Cartel - El Teo" misspelt "El To").
  if (q.folded.core == c.folded.core &&
      std::max(q_stops, c_stops) - std::min(q_stops, c_stops) <= 1) {
    f.score = weights.same_core_score;
    f.decided_by = Feature::kSameCore;
    return f;
  }
  const double cw = weights.character_weight;
  const double tokens = f.token_similarity * (f.reordered ? weights.reordered_factor : 1.0);
  f.score = cw * f.jaro_winkler + (1.0 - cw) * tokens;
  f.decided_by =
      cw * f.jaro_winkler >= (1.0 - cw) * tokens ? Feature::kCharacters : Feature::kTokens;
  if (std::min(q.text32.size(), c.text32.size()) <= weights.short_name_length &&
      f.score > weights.short_name_cap) {
    f.score = weights.short_name_cap;
    f.short_name = true;
  }
  if (f.acronym && weights.acronym_score > f.score) {
    f.score = weights.acronym_score;
    f.decided_by = Feature::kAcronym;
  }
  f.score = std::clamp(f.score, 0.0, 1.0);
  return f;
}

MatchFeatures CompareNameTexts(std::string_view a, std::string_view b,
                               const ScoreWeights& weights) {
  auto unit = [](std::string_view) { return 1.0; };
  const PreparedName pa = Prepare(FoldName(a), unit);
  const PreparedName pb = Prepare(FoldName(b), unit, false);
  if (pa.folded.text.empty() || pb.folded.text.empty()) return MatchFeatures{};
  return CompareNames(pa, pb, weights);
}

}  // namespace mara::names
