// A labelled evaluation set for the name resolver, built from the UCDP
// actor list, and the measures reported on it (docs/name-resolution.md).
//
// Contract:
// - LoadUcdpActors() reads the UCDP Actor Dataset CSV (23.1 layout) with
//   CsvReader. Per actor it keeps `ActorId`, `NameData` and the other
//   spellings: `NameOrig`, `NameOrigFull`, `NameOrigFullEng` whole, and the
//   rename columns (`NewName`, `NewNameFullMotherTongue`, `NewNameFullEng`)
//   split at commas, since they list every later name. "n/a" and empty
//   cells are not spellings. Failures: kNotFound / kIOError from opening,
//   kInvalidArgument naming the file and line for malformed CSV, a missing
//   column, an empty ActorId or NameData, or a repeated ActorId.
// - BuildEvaluationSet() makes a registry holding only each actor's
//   NameData and the queries: every other spelling that does not fold to
//   the NameData (kind kUcdpAlternative) and generated variants of the
//   NameData (typos, transliterations, articles, abbreviations), drawn from
//   a SplitMix64 generator seeded by `seed`: the same actors and seed give
//   the same set on every machine. Queries whose actor shares its folded
//   NameData with another actor are flagged `shared_name`: no resolver can
//   tell those actors apart from a registry that holds only NameData.
// - Evaluate() resolves every query and counts decisions against labels.
// - All functions are reentrant; Evaluate() only reads the resolver.
#ifndef MARA_INGEST_NAMES_EVALUATION_H_
#define MARA_INGEST_NAMES_EVALUATION_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "ingest/names/resolver.h"

namespace mara::names {

struct UcdpActor {
  std::string id;
  std::string name_data;
  std::vector<std::string> alternatives;  // other spellings, as written
  uint64_t line = 0;                      // where the record starts in the file
  std::vector<std::string> locations;     // Location split at commas (optional column)
  int org = 0;                            // Org (4: a government; optional column, 0 if absent)
};

Result<std::vector<UcdpActor>> LoadUcdpActors(const std::string& path);

enum class QueryKind {
  kUcdpAlternative,
  kTypo,             // one or two character edits
  kTransliteration,  // one spelling substitution such as ou/u, kh/k, q/k, y/i
  kArticle,          // an article or connecting word dropped or added
  kAbbreviation,     // acronym of the name, or a word abbreviated
};
inline constexpr size_t kQueryKindCount = 5;
std::string_view QueryKindName(QueryKind k);

struct LabelledQuery {
  std::string text;
  std::string actor_id;
  QueryKind kind = QueryKind::kUcdpAlternative;
  bool shared_name = false;
  std::string situation;  // the actor's first location: the query's context
};

struct EvaluationSet {
  std::vector<PartyNames> registry;
  std::vector<LabelledQuery> queries;
};

EvaluationSet BuildEvaluationSet(const std::vector<UcdpActor>& actors, uint64_t seed);

// Changes `text` as a given kind of variant would, or returns false when the
// kind does not apply (a typo needs at least five letters, an acronym three
// words). Exposed so that the generator itself can be tested.
bool MakeVariant(std::string_view text, QueryKind kind, uint64_t& rng_state, std::string* out);

struct DecisionCounts {
  size_t queries = 0;
  size_t top1_correct = 0;  // the best candidate is the labelled actor
  size_t accepted = 0;
  size_t accepted_correct = 0;
  size_t reviewed = 0;
  size_t reviewed_top1 = 0;    // in review with the labelled actor first
  size_t reviewed_listed = 0;  // in review with the labelled actor anywhere in the list
  size_t proposed_new = 0;

  void Add(const DecisionCounts& other);
  // Precision and recall of auto-accept and of the review band, as defined
  // in docs/name-resolution.md; 0 when the denominator is 0.
  double Top1Accuracy() const;
  double AcceptPrecision() const;
  double AcceptRecall() const;
  double ReviewPrecision() const;
  double ReviewRecall() const;
};

struct EvaluationReport {
  std::array<DecisionCounts, kQueryKindCount> by_kind;  // shared_name queries left out
  DecisionCounts generated;                             // every generated kind together
  DecisionCounts ucdp;                                  // UCDP's own alternative names
  DecisionCounts shared_name;  // queries for actors whose NameData another actor shares

  // A Markdown table, one row per group.
  std::string ToMarkdown() const;
};

// Each query is resolved with its situation as context when `with_situation`.
EvaluationReport Evaluate(const NameResolver& resolver, const std::vector<LabelledQuery>& queries,
                          bool with_situation = true);

// A held-out list of party names as reports word them
// (src/ingest/testdata/un_annex_parties.tsv): name, situation, the party
// expected ("UCDP-112", or "new" when the registry has none) and whether
// the name is a state's forces. LoadHeldOutNames: kInvalidArgument naming
// the line for a line without four tab-separated fields or a kind other
// than "state"/"non-state"; kNotFound / kIOError from reading.
struct HeldOutName {
  std::string name;
  std::string situation;
  std::string expected;
  bool state = false;
};
Result<std::vector<HeldOutName>> LoadHeldOutNames(const std::string& path);

struct HeldOutReport {
  size_t names = 0;
  size_t with_party = 0;  // expected != "new"
  size_t accepted = 0;
  size_t accepted_correct = 0;
  size_t state_forces = 0;
  size_t state_forces_resolved = 0;  // accepted to the expected party
  std::vector<std::string> lines;    // one per name: decision, party, score, why

  double AcceptPrecision() const;  // correct accepts / accepts
  double AcceptRecall() const;     // correct accepts / names with a party
  std::string Summary() const;
};
HeldOutReport EvaluateHeldOut(const NameResolver& resolver, const std::vector<HeldOutName>& names);

}  // namespace mara::names

#endif  // MARA_INGEST_NAMES_EVALUATION_H_
