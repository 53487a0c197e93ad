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

std::string TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == ',' || s.front() == ';'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == ',' || s.back() == ';')) s.remove_suffix(1);
  return std::string(s);
}

// A single word of capitals (and digits), as acronyms are written.
bool LooksLikeAcronym(std::string_view s) {
  int upper = 0, alnum = 0;
  for (char c : s) {
    if (c >= 'a' && c <= 'z') return false;
    if (c == ' ') return false;
    if (c >= 'A' && c <= 'Z') ++upper;
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) ++alnum;
  }
  return upper >= 1 && alnum >= 2;
}

void AddWhy(std::string& why, std::string_view what) {
  if (what.empty()) return;
  if (!why.empty()) why += "; ";
  why += what;
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

bool SplitAlternatives(std::string_view raw, std::string* main, std::vector<std::string>* alts) {
  main->clear();
  alts->clear();
  std::string rest;
  bool changed = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    const char open = raw[i];
    if (open != '(' && open != '[') {
      rest.push_back(open);
      continue;
    }
    const size_t close = raw.find(open == '(' ? ')' : ']', i + 1);
    if (close == std::string_view::npos) {
      rest.push_back(open);
      continue;
    }
    const std::string_view inner = raw.substr(i + 1, close - i - 1);
    std::string alt = TrimSpaces(inner);
    // Only a separate bracket holding an acronym is another name: other
    // brackets tell parties apart ("Military faction (forces of X)") and
    // stay, as do brackets inside a word ("LTS(p)A").
    if ((i > 0 && raw[i - 1] != ' ') || !LooksLikeAcronym(alt)) {
      rest.push_back(open);
      continue;
    }
    changed = true;
    alts->push_back(std::move(alt));
    rest.push_back(' ');
    i = close;
  }
  // What follows "including" or "and associated ..." names other units.
  std::string lower = rest;
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  size_t cut = std::string::npos;
  for (std::string_view marker :
       {" including ", ",including ", " and associated ", " and affiliated ", " and allied "}) {
    const size_t at = lower.find(marker);
    if (at != std::string::npos) cut = std::min(cut, at);
  }
  if (cut != std::string::npos) {
    rest.resize(cut);
    changed = true;
  }
  *main = TrimSpaces(rest);
  return changed;
}

std::string Candidate::Describe() const {
  std::string out = features.Describe();
  if (!why.empty()) out += "; " + why;
  return out;
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
    r.party_names_.push_back(p.name);
    r.party_index_.emplace(p.id, party);
    std::vector<const Country*> countries;
    for (const std::string& c : p.countries) {
      const Country* country = CountryOfSituation(c);
      if (country != nullptr &&
          std::find(countries.begin(), countries.end(), country) == countries.end()) {
        countries.push_back(country);
      }
    }
    bool state = p.state;
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
      // "Government of X" makes the party X's government; the name (not
      // an alias) read as X's forces makes it a unit of X.
      if (std::optional<StateForce> sf = ReadStateForce(folded, nullptr)) {
        // Acronyms collide ("SNA"), so they make no party a state's.
        const bool acronym = sf->how.rfind("acronym", 0) == 0;
        if (sf->government || (field == "name" && !sf->from_situation && !acronym)) {
          state = true;
          if (std::find(countries.begin(), countries.end(), sf->country) == countries.end()) {
            countries.push_back(sf->country);
          }
          if (sf->government) r.government_of_.emplace(sf->country, party);
        }
      }
      pending.push_back({party, name, std::move(folded)});
      return Status::Ok();
    };
    MARA_RETURN_IF_ERROR(add(p.name, "name"));
    for (const auto& a : p.aliases) MARA_RETURN_IF_ERROR(add(a, "alias"));
    // "Name (ACRONYM)" is also "Name" and "ACRONYM" (not when the bracket
    // names a country: "Mara Salvatrucha (El Salvador)").
    std::vector<std::string> spelled = p.aliases;
    spelled.insert(spelled.begin(), p.name);
    for (const std::string& n : spelled) {
      std::string main;
      std::vector<std::string> alts;
      if (!IsValidUtf8(n) || !SplitAlternatives(n, &main, &alts)) continue;
      bool acronym = false;
      for (const std::string& alt : alts) {
        if (!LooksLikeAcronym(alt) || FindCountryByName(alt) != nullptr) continue;
        acronym = true;
        if (!FoldNameText(alt).empty()) MARA_RETURN_IF_ERROR(add(alt, "alias"));
      }
      if (acronym && !FoldNameText(main).empty()) MARA_RETURN_IF_ERROR(add(main, "alias"));
    }
    r.party_state_.push_back(state);
    r.party_countries_.push_back(std::move(countries));
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
  for (uint32_t e = 0; e < r.entries_.size(); ++e) {
    const uint32_t party = r.entries_[e].party;
    if (!r.party_state_[party]) continue;
    for (const Country* c : r.party_countries_[party]) {
      // Another state's government is no party of this state, wherever it
      // fought.
      auto gov = std::find_if(r.government_of_.begin(), r.government_of_.end(),
                              [party](const auto& g) { return g.second == party; });
      if (gov != r.government_of_.end() && gov->first != c) continue;
      r.state_entries_[c].push_back(e);
    }
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

bool NameResolver::InCountry(uint32_t party, const Country* country) const {
  const auto& cs = party_countries_[party];
  return std::find(cs.begin(), cs.end(), country) != cs.end();
}

void NameResolver::Decide(Resolution& res, bool exact) const {
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
}

Resolution NameResolver::Resolve(std::string_view query, const QueryContext& context) const {
  size_t bad = 0;
  if (!IsValidUtf8(query, &bad)) {
    Resolution res;
    res.query = std::string(query);
    res.decision = Decision::kReview;
    res.note = fmt::format("invalid UTF-8 at byte {}", bad);
    return res;
  }
  const Country* country =
      context.situation.empty() ? nullptr : CountryOfSituation(context.situation);
  std::string main;
  std::vector<std::string> alts;
  // A name written whole in the registry is matched whole.
  if (!SplitAlternatives(query, &main, &alts) || (main.empty() && alts.empty()) ||
      by_text_.count(FoldNameText(query)) > 0) {
    return ResolveText(query, country);
  }
  Resolution res = ResolveText(main.empty() ? alts.front() : main, country);
  res.query = std::string(query);
  res.folded = FoldNameText(query);
  for (const std::string& alt : alts) {
    Resolution a = ResolveText(alt, country);
    if (res.state_force.empty() && !a.state_force.empty() && a.decision == Decision::kAccept) {
      // The bracket names the state's forces ("... (Tatmadaw)").
      res.state_force = a.state_force;
      std::erase_if(res.candidates, [this](const Candidate& c) {
        return !party_state_[party_index_.at(c.party_id)];
      });
    }
    for (Candidate& c : a.candidates) {
      if (!res.state_force.empty() && !party_state_[party_index_.at(c.party_id)]) continue;
      AddWhy(c.why, "bracketed alternative \"" + alt + "\"");
      auto same = std::find_if(res.candidates.begin(), res.candidates.end(),
                               [&c](const Candidate& x) { return x.party_id == c.party_id; });
      if (same == res.candidates.end()) {
        res.candidates.push_back(std::move(c));
      } else if (c.features.score > same->features.score) {
        *same = std::move(c);
      }
    }
  }
  std::stable_sort(
      res.candidates.begin(), res.candidates.end(),
      [](const Candidate& a, const Candidate& b) { return a.features.score > b.features.score; });
  if (res.candidates.size() > options_.max_alternatives + 1) {
    res.candidates.resize(options_.max_alternatives + 1);
  }
  if (!res.candidates.empty()) res.note.clear();
  Decide(res, res.score() >= 1.0);
  return res;
}

Resolution NameResolver::ResolveStateForce(std::string_view text, PreparedName q,
                                           const StateForce& force, bool exact_elsewhere) const {
  Resolution res;
  res.query = std::string(text);
  res.folded = q.folded.text;
  res.state_force = force.country->name;
  const std::string read = "state force of " + force.country->name + " (" + force.how + ")";
  auto entries = state_entries_.find(force.country);
  auto government = government_of_.find(force.country);
  if (entries == state_entries_.end()) {
    res.decision = Decision::kNew;
    res.note = read + "; the registry has no party of the state " + force.country->name;
    if (exact_elsewhere) res.note += " (the name is also a non-state party's, not taken)";
    return res;
  }
  struct Scored {
    uint32_t party;
    uint32_t entry;
    MatchFeatures features;
  };
  std::vector<Scored> scored;
  for (uint32_t e : entries->second) {
    const Entry& entry = entries_[e];
    MatchFeatures f = CompareNames(q, entry.prepared, options_.weights);
    auto same = std::find_if(scored.begin(), scored.end(),
                             [&entry](const Scored& x) { return x.party == entry.party; });
    if (same == scored.end()) {
      scored.push_back({entry.party, e, f});
    } else if (f.score > same->features.score) {
      *same = {entry.party, e, f};
    }
  }
  const bool has_government = government != government_of_.end();
  bool unit_accepted = false;
  for (const Scored& x : scored) {
    if ((!has_government || x.party != government->second) &&
        x.features.score >= options_.accept_threshold) {
      unit_accepted = true;
    }
  }
  std::vector<std::string> why(scored.size());
  for (size_t i = 0; i < scored.size(); ++i) {
    Scored& x = scored[i];
    if (has_government && x.party == government->second) {
      why[i] = read + " -> " + party_names_[x.party];
      if ((!unit_accepted || force.government) && x.features.score < options_.state_force_score) {
        x.features.score = options_.state_force_score;
      }
    } else {
      why[i] = "a state party of " + force.country->name;
    }
  }
  std::vector<size_t> order(scored.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&scored](size_t a, size_t b) {
    return scored[a].features.score > scored[b].features.score;
  });
  for (size_t i = 0; i < order.size() && i <= options_.max_alternatives; ++i) {
    const Scored& x = scored[order[i]];
    res.candidates.push_back(
        {party_ids_[x.party], entries_[x.entry].name, x.features, why[order[i]]});
  }
  Decide(res, false);
  res.names_government = force.government;
  res.best_is_government =
      has_government && !order.empty() && scored[order.front()].party == government->second;
  return res;
}

Resolution NameResolver::ResolveText(std::string_view query, const Country* country) const {
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
  if (std::optional<StateForce> force = ReadStateForce(folded, country)) {
    bool exact_non_state = false;
    for (uint32_t e : entries) exact_non_state |= !party_state_[entries_[e].party];
    // An acronym, or words read as the situation's forces, that are a
    // non-state party's own name are that party's.
    if (!(exact_non_state && (force->from_situation || force->how.rfind("acronym", 0) == 0))) {
      PreparedName q =
          Prepare(std::move(folded), [this](std::string_view t) { return TokenWeight(t); });
      return ResolveStateForce(query, std::move(q), *force, exact_non_state);
    }
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
    const char* why;
  };
  std::vector<Scored> scored;
  scored.reserve(entries.size());
  for (uint32_t e : entries) {
    const Entry& entry = entries_[e];
    MatchFeatures f = CompareNames(q, entry.prepared, options_.weights);
    auto same_party = std::find_if(scored.begin(), scored.end(),
                                   [&entry](const Scored& x) { return x.party == entry.party; });
    if (same_party == scored.end()) {
      scored.push_back({entry.party, e, f, nullptr});
    } else if (f.score > same_party->features.score) {
      *same_party = {entry.party, e, f, nullptr};
    }
  }
  // The situation's country: its parties first.
  if (country != nullptr) {
    bool any_in_country = false;
    for (const Scored& x : scored) any_in_country |= InCountry(x.party, country);
    for (Scored& x : scored) {
      if (party_countries_[x.party].empty()) continue;
      if (InCountry(x.party, country)) {
        x.why = "same country";
        if (!exact) {
          x.features.score = std::min(
              0.99, std::max(x.features.score, x.features.score + options_.same_country_bonus));
        }
      } else {
        x.why = "other country";
        if (!exact || any_in_country) {
          x.features.score = std::max(0.0, x.features.score - options_.other_country_penalty);
        }
      }
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
    res.candidates.push_back({party_ids_[scored[i].party], entries_[scored[i].entry].name,
                              scored[i].features, scored[i].why ? scored[i].why : ""});
  }
  Decide(res, exact);
  return res;
}

}  // namespace mara::names
