#include "ingest/names/resolver.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "common/text.h"

namespace mara::names {
namespace {

// Distinct trigrams of "  <s> ", three code points packed into 63 bits; the
// padding lets short names and word starts weigh in.
std::vector<uint64_t> Trigrams(const std::u32string& s) {
  std::u32string padded;
  padded.reserve(s.size() + 3);
  padded += U"  ";
  padded += s;
  padded += U' ';
  std::vector<uint64_t> out;
  out.reserve(padded.size());
  for (size_t i = 0; i + 3 <= padded.size(); ++i) {
    out.push_back((static_cast<uint64_t>(padded[i] & 0x1FFFFF) << 42) |
                  (static_cast<uint64_t>(padded[i + 1] & 0x1FFFFF) << 21) |
                  static_cast<uint64_t>(padded[i + 2] & 0x1FFFFF));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void AddUnique(std::vector<uint32_t>& v, uint32_t x) {
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

}  // namespace

Status ResolverOptions::Validate() const {
  auto in_unit = [](double x) { return x >= 0.0 && x <= 1.0; };
  if (!in_unit(review_threshold) || !in_unit(accept_threshold) ||
      review_threshold > accept_threshold) {
    return Status::InvalidArgument(
        fmt::format("name resolver thresholds: need 0 <= review ({}) <= accept ({}) <= 1",
                    review_threshold, accept_threshold));
  }
  if (!in_unit(ambiguity_margin)) {
    return Status::InvalidArgument(
        fmt::format("name resolver ambiguity margin {} is outside [0, 1]", ambiguity_margin));
  }
  if (trigram_candidates == 0) {
    return Status::InvalidArgument("name resolver trigram candidates must be at least 1");
  }
  if (!in_unit(weights.character_weight) || !in_unit(weights.same_core_score) ||
      !in_unit(weights.acronym_score) || !in_unit(weights.reordered_factor) ||
      !in_unit(weights.short_name_cap)) {
    return Status::InvalidArgument("name resolver score weights must lie in [0, 1]");
  }
  return Status::Ok();
}

std::string_view DecisionName(Decision d) {
  switch (d) {
    case Decision::kAccept:
      return "accept";
    case Decision::kReview:
      return "review";
    case Decision::kNew:
      return "new";
  }
  return "new";
}

Result<NameResolver> NameResolver::Build(const std::vector<PartyNames>& parties,
                                         ResolverOptions options) {
  MARA_RETURN_IF_ERROR(options.Validate());
  NameResolver r;
  r.options_ = options;
  std::unordered_set<std::string> seen_ids;
  // Folded names first, so that token weights can be known before any name
  // is prepared.
  struct Pending {
    uint32_t party;
    std::string name;
    FoldedName folded;
  };
  std::vector<Pending> pending;
  std::unordered_map<std::string, uint32_t> document_frequency;
  for (size_t i = 0; i < parties.size(); ++i) {
    const PartyNames& p = parties[i];
    if (p.id.empty()) {
      return Status::InvalidArgument(
          fmt::format("party #{} (name {}): empty id", i + 1, QuoteForMessage(p.name)));
    }
    if (!seen_ids.insert(p.id).second) {
      return Status::Conflict(fmt::format("party {}: id given twice", QuoteForMessage(p.id)));
    }
    const auto party = static_cast<uint32_t>(r.party_ids_.size());
    r.party_ids_.push_back(p.id);
    std::unordered_set<std::string> party_texts;
    std::unordered_set<std::string> party_tokens;
    auto add = [&](const std::string& name, std::string_view field) -> Status {
      size_t bad = 0;
      if (!IsValidUtf8(name, &bad)) {
        return Status::InvalidArgument(fmt::format("party {} {} {}: invalid UTF-8 at byte {}",
                                                   QuoteForMessage(p.id), field,
                                                   QuoteForMessage(name), bad));
      }
      FoldedName folded = FoldName(name);
      if (folded.text.empty()) {
        return Status::InvalidArgument(fmt::format("party {} {} {}: nothing left after folding",
                                                   QuoteForMessage(p.id), field,
                                                   QuoteForMessage(name)));
      }
      if (!party_texts.insert(folded.text).second) return Status::Ok();
      for (const auto& t : folded.core_tokens) party_tokens.insert(t);
      pending.push_back({party, name, std::move(folded)});
      return Status::Ok();
    };
    MARA_RETURN_IF_ERROR(add(p.name, "name"));
    for (const auto& a : p.aliases) MARA_RETURN_IF_ERROR(add(a, "alias"));
    for (const auto& t : party_tokens) ++document_frequency[t];
  }

  const double n = static_cast<double>(std::max<size_t>(1, r.party_ids_.size()));
  for (const auto& [token, df] : document_frequency) {
    r.token_weight_[token] = std::log(1.0 + n / static_cast<double>(df));
  }
  r.unseen_token_weight_ = std::log(1.0 + n);

  r.entries_.reserve(pending.size());
  std::vector<std::pair<uint64_t, uint32_t>> gram_entries;
  for (auto& p : pending) {
    const auto index = static_cast<uint32_t>(r.entries_.size());
    PreparedName prepared = Prepare(
        std::move(p.folded), [&r](std::string_view t) { return r.TokenWeight(t); }, false);
    AddUnique(r.by_text_[prepared.folded.text], index);
    AddUnique(r.by_core_[prepared.folded.core], index);
    if (!prepared.folded.core_acronym.empty()) {
      AddUnique(r.by_acronym_[prepared.folded.core_acronym], index);
    }
    if (!prepared.folded.full_acronym.empty()) {
      AddUnique(r.by_acronym_[prepared.folded.full_acronym], index);
    }
    std::vector<uint64_t> grams = Trigrams(prepared.core32);
    for (uint64_t g : grams) gram_entries.emplace_back(g, index);
    r.entries_.push_back(
        {p.party, std::move(p.name), std::move(prepared), static_cast<uint32_t>(grams.size())});
  }
  std::sort(gram_entries.begin(), gram_entries.end());
  r.trigram_postings_.reserve(gram_entries.size());
  for (const auto& [gram, entry] : gram_entries) {
    if (r.trigram_keys_.empty() || r.trigram_keys_.back() != gram) {
      r.trigram_keys_.push_back(gram);
      r.trigram_starts_.push_back(static_cast<uint32_t>(r.trigram_postings_.size()));
    }
    r.trigram_postings_.push_back(entry);
  }
  r.trigram_starts_.push_back(static_cast<uint32_t>(r.trigram_postings_.size()));
  return r;
}

double NameResolver::TokenWeight(std::string_view token) const {
  auto it = token_weight_.find(token);
  return it == token_weight_.end() ? unseen_token_weight_ : it->second;
}

void NameResolver::AddTrigramCandidates(const std::u32string& core32,
                                        std::vector<uint32_t>& out) const {
  const std::vector<uint64_t> grams = Trigrams(core32);
  std::vector<uint16_t> shared(entries_.size(), 0);
  std::vector<uint32_t> touched;
  for (uint64_t g : grams) {
    auto it = std::lower_bound(trigram_keys_.begin(), trigram_keys_.end(), g);
    if (it == trigram_keys_.end() || *it != g) continue;
    const auto k = static_cast<size_t>(it - trigram_keys_.begin());
    for (uint32_t p = trigram_starts_[k]; p < trigram_starts_[k + 1]; ++p) {
      const uint32_t e = trigram_postings_[p];
      if (shared[e]++ == 0) touched.push_back(e);
    }
  }
  // Top K by Dice coefficient 2s / (q + e), s shared trigrams, q and e the
  // trigram counts, kept sorted best first (ties: lower entry first). Since
  // e >= s, an entry can only enter the top K if 2s / (q + s) beats the K-th
  // best so far, that is if s >= kth * q / (2 - kth); most touched entries
  // fail that integer test and cost no division.
  const double qn = static_cast<double>(grams.size());
  const size_t k = options_.trigram_candidates;
  std::vector<std::pair<double, uint32_t>> ranked;  // (Dice coefficient, entry)
  ranked.reserve(k + 1);
  auto better = [](const std::pair<double, uint32_t>& a, const std::pair<double, uint32_t>& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  };
  uint32_t min_shared = 1;
  for (uint32_t e : touched) {
    const uint32_t s = shared[e];
    if (s < min_shared) continue;
    const std::pair<double, uint32_t> item(
        2.0 * s / (qn + static_cast<double>(entries_[e].trigram_count)), e);
    if (ranked.size() == k && !better(item, ranked.back())) continue;
    ranked.insert(std::upper_bound(ranked.begin(), ranked.end(), item, better), item);
    if (ranked.size() > k) ranked.pop_back();
    if (ranked.size() == k) {
      const double kth = ranked.back().first;
      // Entries with fewer shared trigrams than this cannot reach kth; the
      // floor keeps those that might tie it.
      min_shared = std::max(min_shared, static_cast<uint32_t>(std::floor(kth * qn / (2.0 - kth))));
    }
  }
  for (const auto& [dice, e] : ranked) AddUnique(out, e);
}

Resolution NameResolver::Resolve(std::string_view query) const {
  Resolution res;
  res.query = std::string(query);
  size_t bad = 0;
  if (!IsValidUtf8(query, &bad)) {
    res.decision = Decision::kReview;
    res.note = fmt::format("invalid UTF-8 at byte {}", bad);
    return res;
  }
  FoldedName folded = FoldName(query);
  res.folded = folded.text;
  if (folded.text.empty()) {
    res.decision = Decision::kReview;
    res.note = "nothing left after folding";
    return res;
  }

  std::vector<uint32_t> entries;
  if (auto it = by_text_.find(folded.text); it != by_text_.end()) {
    entries = it->second;
  }
  PreparedName q =
      Prepare(std::move(folded), [this](std::string_view t) { return TokenWeight(t); });
  const bool exact = !entries.empty();
  if (!exact) {
    if (auto it = by_core_.find(q.folded.core); it != by_core_.end()) {
      for (uint32_t e : it->second) AddUnique(entries, e);
    }
    if (q.folded.tokens.size() == 1) {
      if (auto it = by_acronym_.find(q.folded.tokens[0]); it != by_acronym_.end()) {
        for (uint32_t e : it->second) AddUnique(entries, e);
      }
    }
    for (const std::string* acronym : {&q.folded.core_acronym, &q.folded.full_acronym}) {
      if (acronym->empty()) continue;
      if (auto it = by_text_.find(*acronym); it != by_text_.end()) {
        for (uint32_t e : it->second) AddUnique(entries, e);
      }
    }
    AddTrigramCandidates(q.core32, entries);
  }

  // Best-scoring name per party.
  struct Scored {
    uint32_t party;
    uint32_t entry;
    MatchFeatures features;
  };
  std::vector<Scored> scored;
  scored.reserve(entries.size());
  for (uint32_t e : entries) {
    const Entry& entry = entries_[e];
    MatchFeatures f = CompareNames(q, entry.prepared, options_.weights);
    auto same_party = std::find_if(scored.begin(), scored.end(),
                                   [&entry](const Scored& x) { return x.party == entry.party; });
    if (same_party == scored.end()) {
      scored.push_back({entry.party, e, f});
    } else if (f.score > same_party->features.score) {
      *same_party = {entry.party, e, f};
    }
  }
  const size_t keep = std::min(scored.size(), options_.max_alternatives + 1);
  auto better = [](const Scored& a, const Scored& b) {
    return a.features.score != b.features.score ? a.features.score > b.features.score
                                                : a.party < b.party;
  };
  std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(keep),
                    scored.end(), better);
  res.candidates.reserve(keep);
  for (size_t i = 0; i < keep; ++i) {
    res.candidates.push_back(
        {party_ids_[scored[i].party], entries_[scored[i].entry].name, scored[i].features});
  }

  const double best = res.score();
  res.ambiguous = res.candidates.size() > 1 &&
                  res.candidates[1].features.score >= best - options_.ambiguity_margin;
  if (best >= options_.accept_threshold && !res.ambiguous) {
    res.decision = Decision::kAccept;
  } else if (best >= options_.review_threshold || (exact && res.ambiguous)) {
    res.decision = Decision::kReview;
  } else {
    res.decision = Decision::kNew;
  }
  return res;
}

}  // namespace mara::names
