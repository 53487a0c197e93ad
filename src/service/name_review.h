// The name-review queue as a service (`mara names review`): names the
// importers could not match with confidence (ingest/party_matcher.h), and
// the decisions people take on them. Also reads the name-resolution
// thresholds from a config file.
//
// Contract:
// - LoadNameResolutionConfig() reads a TOML file with a [names] table:
//   accept_threshold, review_threshold, ambiguity_margin (numbers),
//   trigram_candidates, max_alternatives (integers). Absent keys keep the
//   defaults of names::ResolverOptions; unknown keys, wrong types and values
//   out of range are kInvalidArgument naming the file and key; a missing
//   file is kNotFound. toml++ exceptions never escape.
// - DecideNameReview() applies one decision in one transaction (the
//   caller's when one is open):
//   accept: the queried name (and the provisional party's name and aliases)
//     become aliases of the chosen party (by default the best candidate),
//     and incidents attributed to the provisional party are attributed to
//     the chosen one instead (with the higher standard where both appear);
//   reject: the candidates were wrong; the name stays with its provisional
//     party, and later imports send it there without asking again;
//   create: the name is confirmed as a party of its own (the provisional
//     party).
//   kNotFound for an unknown entry or party, kConflict for an entry already
//   decided, kInvalidArgument for an accept with no party to accept. Store
//   failures come back unchanged. Later imports follow decided entries
//   (any origin, names compared folded).
// - One thread per Store, as always.
// The Store-level functions of this contract are declared in
// service/core.h, inside the service layer; the layers above it call the
// Session operations (authorized.h), which authorise and audit them.
#ifndef MARA_SERVICE_NAME_REVIEW_H_
#define MARA_SERVICE_NAME_REVIEW_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "ingest/names/resolver.h"
#include "storage/records.h"

namespace mara {

Result<names::ResolverOptions> LoadNameResolutionConfig(const std::string& path);

enum class ReviewChoice { kAccept, kReject, kCreate };

struct ReviewDecision {
  int64_t id = 0;
  ReviewChoice choice = ReviewChoice::kAccept;
  std::string party;       // accept: the party to match; "" for the best candidate
  std::string decided_by;  // who decides
  std::string decided_at;  // ISO 8601 UTC; "" for now
  std::string note;        // the decider's note; "" for none (valid UTF-8, at most kMaxTextLength)
};

struct ReviewOutcome {
  NameReview entry;  // as stored after the decision
  int64_t aliases_added = 0;
  int64_t incidents_moved = 0;
};

// A listing for people: one block per entry with its candidates. Names,
// reasons and notes are shown whole and as written, in double quotes where
// they are names; PlainText() replaces control characters and bytes that
// are not UTF-8, so nothing reaches the terminal raw.
std::string FormatNameReviews(const std::vector<NameReview>& entries);
// `s` on one line: tab, CR and LF become spaces, other control characters
// and invalid UTF-8 become U+FFFD.
std::string PlainText(std::string_view s);

// `mara names resolve`: what the resolver decides for one name against the
// stored registry (the parties' names, aliases and names over time, their
// kinds and situations), with the situation as context when given.
struct NameResolution {
  std::string situation;  // as given, "" for none
  names::Resolution resolution;
};
// For people: the decision, the best party, then every candidate with its
// score and why.
std::string FormatNameResolution(const NameResolution& r);
// {"query", "situation", "decision", "ambiguous", "state_force", "note",
//  "candidates": [{"party", "name", "score", "features"}]}, one line.
std::string NameResolutionJson(const NameResolution& r);

}  // namespace mara

#endif  // MARA_SERVICE_NAME_REVIEW_H_
