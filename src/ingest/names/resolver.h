// The party-name resolver: matches a name as spelled in some data set to a
// party of a registry and says how sure it is.
//
// Contract:
// - Build() takes every party's id, name and aliases, folds them
//   (name_fold.h) and indexes them: a map from folded text to parties for
//   exact matches, the same for the text without articles, an acronym map,
//   and an inverted index of code-point trigrams. Failures:
//   kInvalidArgument for options out of range, an empty id, a name or alias
//   that is not valid UTF-8 or folds to nothing (the message names the party
//   and quotes the name); kConflict for a repeated party id.
// - Resolve() never drops a name: every query gets a Decision.
//   1. A query equal after folding to the name or an alias of exactly one
//      party is accepted with score 1 (feature "exact name"); if it equals
//      names of several parties it goes to review with all of them.
//   2. Otherwise the candidates are the top `trigram_candidates` names by
//      shared trigrams (Dice coefficient), names equal without articles,
//      and acronym matches; each is scored by CompareNames (similarity.h)
//      and each party keeps its best-scoring name.
//   3. Best score >= accept_threshold: accept, unless another party scores
//      within ambiguity_margin of it (then review). >= review_threshold:
//      review. Below: new (a new party is proposed; the nearest parties are
//      still listed).
//   Queries that are not valid UTF-8 or fold to nothing go to review with a
//   note and no candidates, since neither a match nor a new party can be
//   made of them.
// - Deterministic: ties are broken by the order parties were given to
//   Build(), so equal inputs give equal resolutions on every run.
// - Thread-safety: a built NameResolver is immutable; any number of threads
//   may call Resolve() concurrently without locking. Build() is a plain
//   function with no shared state.
#ifndef MARA_INGEST_NAMES_RESOLVER_H_
#define MARA_INGEST_NAMES_RESOLVER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "ingest/names/similarity.h"

namespace mara::names {

struct PartyNames {
  std::string id;
  std::string name;
  std::vector<std::string> aliases;
};

// The policy or a config file fills this; the defaults are documented in
// docs/name-resolution.md with the evaluation that chose them.
struct ResolverOptions {
  double accept_threshold = 0.92;
  double review_threshold = 0.80;
  // A runner-up party this close to the best turns an accept into a review.
  double ambiguity_margin = 0.02;
  size_t trigram_candidates = 10;
  // Parties listed in a resolution besides the best one.
  size_t max_alternatives = 4;
  ScoreWeights weights;

  // kInvalidArgument unless 0 <= review <= accept <= 1, the margin is in
  // [0, 1], trigram_candidates >= 1, and the character weight is in [0, 1].
  Status Validate() const;
};

enum class Decision { kAccept, kReview, kNew };
std::string_view DecisionName(Decision d);  // "accept", "review", "new"

struct Candidate {
  std::string party_id;
  std::string matched_name;  // the party's name or alias, as given to Build()
  MatchFeatures features;
};

struct Resolution {
  std::string query;   // as given
  std::string folded;  // FoldName(query).text
  Decision decision = Decision::kNew;
  std::vector<Candidate> candidates;  // best first, one per party
  bool ambiguous = false;             // several parties share the best score (within the margin)
  std::string note;                   // why a query could not be matched at all, else empty

  const Candidate* best() const { return candidates.empty() ? nullptr : &candidates.front(); }
  double score() const { return candidates.empty() ? 0.0 : candidates.front().features.score; }
};

class NameResolver {
 public:
  static Result<NameResolver> Build(const std::vector<PartyNames>& parties,
                                    ResolverOptions options = {});

  Resolution Resolve(std::string_view query) const;

  size_t party_count() const { return party_ids_.size(); }
  size_t name_count() const { return entries_.size(); }
  const ResolverOptions& options() const { return options_; }

 private:
  struct Entry {
    uint32_t party;
    std::string name;
    PreparedName prepared;
    uint32_t trigram_count;
  };

  NameResolver() = default;
  double TokenWeight(std::string_view token) const;
  void AddTrigramCandidates(const std::u32string& core32, std::vector<uint32_t>& out) const;

  ResolverOptions options_;
  std::vector<std::string> party_ids_;
  std::vector<Entry> entries_;
  std::unordered_map<std::string, std::vector<uint32_t>> by_text_;
  std::unordered_map<std::string, std::vector<uint32_t>> by_core_;
  std::unordered_map<std::string, std::vector<uint32_t>> by_acronym_;
  // Inverted trigram index, flat: the entries holding trigram_keys_[i] are
  // trigram_postings_[trigram_starts_[i] .. trigram_starts_[i + 1]).
  std::vector<uint64_t> trigram_keys_;
  std::vector<uint32_t> trigram_starts_;
  std::vector<uint32_t> trigram_postings_;
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, double, StringHash, std::equal_to<>> token_weight_;
  double unseen_token_weight_ = 1.0;
};

}  // namespace mara::names

#endif  // MARA_INGEST_NAMES_RESOLVER_H_
