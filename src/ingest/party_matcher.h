// Party-name resolution for the importers: turns a name as a data set
// spells it into the id of a party, writing whatever that takes, so that no
// name is ever silently dropped.
//
// Contract:
// - Load() builds a names::NameResolver (ingest/names/resolver.h) over the
//   registry as the RegistryWriter loaded it (each party's name, aliases and
//   names over time) and reads the name-review queue once.
// - Match(name, situation, kind) decides, in this order:
//   1. a name this import already matched: the same party;
//   2. a name with a decided review entry (any origin, compared folded): the
//      party the reviewer chose (accepted or created), or the provisional
//      party when the match was rejected;
//   3. resolver decision accept (with the situation as the query's
//      context): the best party. A state's force (army, police, prison
//      service, ...) accepted as its government becomes a unit of it: a
//      party named `name` (id SlugId(prefix, name)), of kind state, in the
//      government's situation, with the government as its parent, so the
//      records count for the unit and, rolled up, for the government. Then,
//      unless the name is exactly the party's
//      own name or alias, the match is kept as a name-review entry already
//      decided: status "accepted", decided_by "auto", decided_at the
//      time of the match, the score and its reasons in `reason` and the
//      candidates, no provisional party (`mara names review --all`);
//   4. review: a provisional party named `name` (id SlugId(prefix, name),
//      in `situation`, of `kind`) is created and the name is queued (origin,
//      query, provisional party, candidates as JSON, reason) for
//      `mara names review`; the record is attributed to the provisional
//      party until a person decides;
//   5. new: a party named `name` is created the same way, not queued.
//   Between 3 and 4, each of `fallbacks` (other names the same party may
//   go by, such as "Government of X" for X's state forces) is resolved, and
//   the first the resolver accepts is the party.
//   A pending entry for the same (origin, query) is updated, never doubled.
// - Failures: kInvalidArgument for a name that is empty or not valid UTF-8
//   (the caller rejects the row), else the Store's status.
// - Used from one thread, inside the import's transaction.
#ifndef MARA_INGEST_PARTY_MATCHER_H_
#define MARA_INGEST_PARTY_MATCHER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "domain/json_codec.h"
#include "ingest/dataset_import.h"
#include "ingest/names/resolver.h"

namespace mara {

struct MatchCounts {
  int64_t accepted = 0;  // matched by the resolver above the accept threshold
  int64_t decided = 0;   // matched by an earlier review decision
  int64_t reviewed = 0;  // distinct names queued for review
  int64_t created = 0;   // distinct names that became new parties
};

class PartyMatcher {
 public:
  static Result<std::unique_ptr<PartyMatcher>> Load(RegistryWriter& writer, std::string origin,
                                                    std::string id_prefix,
                                                    const names::ResolverOptions& options);

  Result<std::string> Match(std::string_view name, std::string_view situation,
                            PartyKind kind_if_new, const std::vector<std::string>& fallbacks = {});

  const MatchCounts& counts() const { return counts_; }
  // "acled names: 40 matched (2 by earlier review decisions), 3 in review,
  // 5 new parties".
  std::string Note() const;

  PartyMatcher(RegistryWriter& writer, std::string origin, std::string id_prefix,
               names::NameResolver resolver)
      : writer_(writer),
        origin_(std::move(origin)),
        id_prefix_(std::move(id_prefix)),
        resolver_(std::move(resolver)) {}

 private:
  // Keeps an auto-accepted match in the name-review queue as an entry
  // already decided (status "accepted", decided_by "auto", the score and
  // its reasons), unless the name is the party's own name or alias.
  // `party`: the party the name now denotes ("" for the best candidate).
  Status RecordAccept(std::string_view name, const names::Resolution& r, const std::string& how,
                      const std::string& party = "");
  Result<std::string> CreateParty(std::string_view name, std::string_view situation,
                                  PartyKind kind);
  // The unit `name` of the state whose government is `government`, created
  // when missing; `government` itself when the unit would take its id.
  Result<std::string> CreateUnit(std::string_view name, const std::string& government);

  RegistryWriter& writer_;
  std::string origin_;
  std::string id_prefix_;
  names::NameResolver resolver_;
  std::unordered_map<std::string, std::string> matched_;  // folded name -> party
  std::unordered_map<std::string, NameReview> decided_;   // folded query -> decided entry
  MatchCounts counts_;
};

// The resolution's candidates as the review queue stores them.
Json CandidatesJson(const names::Resolution& r);
// The current time, UTC, as ISO 8601 ("2026-12-04T18:30:00Z"): when a
// review entry is decided.
std::string NowUtc();
// The party names the resolver indexes for a registry (name, aliases and
// names over time; names that fold to nothing are left out).
std::vector<names::PartyNames> ResolverNames(const std::vector<Party>& parties);

}  // namespace mara

#endif  // MARA_INGEST_PARTY_MATCHER_H_
