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
//   Before 1-3, a query that reads as a state's forces (state_forces.h:
//   "Sudanese Armed Forces", "Government forces of X", "Tatmadaw") is
//   resolved among that state's parties only: a state party of the country
//   whose name scores at least accept_threshold (a unit of that name), else
//   the country's government ("Government of X", score state_force_score);
//   never a non-state party. With no state party of the country the query
//   is new, with a note.
//   A query "Name (ACRONYM)" or "Name, including ..." is resolved as "Name"
//   and as each bracketed acronym; each party keeps its best score.
//   Registry names "Name (ACRONYM)" are indexed as "Name" and "ACRONYM" too.
//   With a situation country (QueryContext), a fuzzy candidate of that
//   country gains same_country_bonus, one whose countries are all others
//   loses other_country_penalty, and of several parties sharing an exact
//   name those of the country are preferred.
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
#include "ingest/names/state_forces.h"

namespace mara::names {

struct PartyNames {
  std::string id;
  std::string name;
  std::vector<std::string> aliases;
  // A state party (a government or one of its forces); names read as
  // "Government of X" (state_forces.h) make a party a state's government
  // whatever this says.
  bool state = false;
  // Where the party is: situation ids ("SIT-sudan"), situation or country
  // names, or codes (CountryOfSituation); those that name no country are
  // left out.
  std::vector<std::string> countries;
};

// What is known of a query besides its text.
struct QueryContext {
  // The situation the name was met in: a situation id, a situation or
  // country name or a code; "" when unknown.
  std::string situation;
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
  // Score of a state's government for a query read as its forces.
  double state_force_score = 0.95;
  double same_country_bonus = 0.03;
  double other_country_penalty = 0.05;
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
  // What besides the string measure decided the score, "; "-separated:
  // "state force of Sudan (demonym \"sudanese\") -> Government of Sudan",
  // "same country", "other country", "parenthesised alternative \"ADF\"".
  std::string why;

  // features.Describe(), then why.
  std::string Describe() const;
};

struct Resolution {
  std::string query;   // as given
  std::string folded;  // FoldName(query).text
  Decision decision = Decision::kNew;
  std::vector<Candidate> candidates;  // best first, one per party
  bool ambiguous = false;             // several parties share the best score (within the margin)
  std::string note;                   // why a query could not be matched at all, else empty
  // The country's name when the query reads as a state's forces (its
  // candidates are then that state's parties only), else empty.
  std::string state_force;
  // For a state force: whether the query names the government itself
  // ("Government of X") rather than one of its forces, and whether the best
  // candidate is the state's government rather than a unit of it.
  bool names_government = false;
  bool best_is_government = false;

  const Candidate* best() const { return candidates.empty() ? nullptr : &candidates.front(); }
  double score() const { return candidates.empty() ? 0.0 : candidates.front().features.score; }
};

// A name split into the name proper and its bracketed acronyms: "Allied
// Democratic Forces (ADF)" -> "Allied Democratic Forces", {"ADF"};
// "Myanmar armed forces, including Border Guard Forces" -> "Myanmar armed
// forces", {}. Other brackets stay in the name ("Military faction (forces
// of X)", "(Tatmadaw)"). False when the name has neither.
bool SplitAlternatives(std::string_view raw, std::string* main, std::vector<std::string>* alts);

class NameResolver {
 public:
  static Result<NameResolver> Build(const std::vector<PartyNames>& parties,
                                    ResolverOptions options = {});

  Resolution Resolve(std::string_view query, const QueryContext& context = {}) const;

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
  // One spelling (the query without its parenthesised alternatives, or one
  // of them); `country` is the situation's, or nullptr.
  Resolution ResolveText(std::string_view text, const Country* country) const;
  Resolution ResolveStateForce(std::string_view text, PreparedName q, const StateForce& force,
                               bool exact_elsewhere) const;
  void Decide(Resolution& res, bool exact) const;
  bool InCountry(uint32_t party, const Country* country) const;
  void AddTrigramCandidates(const std::u32string& core32, std::vector<uint32_t>& out) const;

  ResolverOptions options_;
  std::vector<std::string> party_ids_;
  std::vector<std::string> party_names_;
  std::unordered_map<std::string, uint32_t> party_index_;
  std::vector<bool> party_state_;
  std::vector<std::vector<const Country*>> party_countries_;
  // A state's government party, and every entry of its state parties.
  std::unordered_map<const Country*, uint32_t> government_of_;
  std::unordered_map<const Country*, std::vector<uint32_t>> state_entries_;
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
