// Reading and writing mara-bundle/1 documents (docs/formats.md).
//
// Contract:
// - ParseBundleText() checks a document's bytes before and while parsing:
//   empty input, invalid UTF-8 (with the byte), nesting deeper than
//   kMaxBundleDepth (found by a linear pre-scan, without recursion, so a
//   document nested 100,000 deep fails fast), JSON syntax ("byte 1234:
//   unexpected end of input"), a top level that is not an object, a
//   "format" other than kBundleFormat and unknown top-level keys. Messages
//   start with `name` (the file path). nlohmann exceptions never escape.
// - ReadBundleFile() reads a file whole (kNotFound naming it when missing)
//   and parses it; bundles are parsed in memory, so very large incident sets
//   go by the incidents CSV instead.
// - DecodeBundle() decodes every record with FromJson. Without keep_going
//   the first bad record's error is returned, its message starting with the
//   record's pointer ("/incidents/3/date: ..."); with keep_going bad records
//   are collected as BundleRejects and the rest decoded.
// - WriteBundle() writes the canonical layout: the format line, then every
//   collection in kCollectionNames order (empty ones too), one record per
//   line, each record as ToJson().dump(). The same records give the same
//   bytes. The Store overload streams incidents with ScanIncidents, and
//   after the collections writes "name_reviews" (kNameReviewsMember) when
//   the store has name-review entries, then "communications"
//   (kCommunicationsMember) when it has communications, each as
//   ToJson().dump(), in id order. A failing stream gives kIOError.
// - DecodeBundle() decodes "name_reviews" when present: an array of
//   objects with the string members origin, query, status (pending,
//   accepted, rejected or created) and, optionally, provisional_party,
//   reason, resolved_party, decided_by, decided_at, and candidates (an
//   array). Any other member or type is an error naming its pointer
//   ("/name_reviews/2/status: ..."), with or without keep_going: the queue
//   is the office's own record of decisions, never skipped in part.
// - DecodeBundle() decodes "communications" when present: an array of
//   communications (domain/json_codec.h); an error names its pointer
//   ("/communications/0/reason: ..."), with or without keep_going.
// Thread-safe as far as the Store and stream arguments are.
#ifndef MARA_INGEST_BUNDLE_H_
#define MARA_INGEST_BUNDLE_H_

#include <array>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/json_codec.h"
#include "domain/model.h"
#include "storage/store.h"

namespace mara {

inline constexpr std::string_view kBundleFormat = "mara-bundle/1";
inline constexpr int kMaxBundleDepth = 64;

Result<Json> ParseBundleText(std::string_view text, std::string_view name);

// Reads `path` whole into *bytes (the caller digests them) and parses it.
Result<Json> ReadBundleFile(const std::string& path, std::string* bytes);

struct BundleReject {
  Collection collection = Collection::kSituations;
  size_t index = 0;     // position in the document's array
  std::string pointer;  // "/incidents/3"
  std::string reason;   // "/incidents/3/date: no such calendar date '2025-02-30'"
  Json record;
};

// The top-level member after the collections that carries the name-review
// queue and its decisions (ingest/party_matcher.h), in id order, without the
// store-assigned ids. Written only when the store has entries.
inline constexpr std::string_view kNameReviewsMember = "name_reviews";

// The top-level member after the name reviews that carries communications
// from outside (domain/model.h), in id order. Written only when the store
// has some.
inline constexpr std::string_view kCommunicationsMember = "communications";

struct DecodedBundle {
  Bundle bundle;
  // For each collection, the document index of each decoded record.
  std::array<std::vector<size_t>, kCollectionNames.size()> origin;
  std::vector<BundleReject> rejects;
  std::vector<NameReview> name_reviews;       // in document order; ids 0
  std::vector<Communication> communications;  // in document order
};

Result<DecodedBundle> DecodeBundle(const Json& document, bool keep_going);

Status WriteBundle(const Bundle& bundle, std::ostream& out);
Status WriteBundle(Store& store, std::ostream& out);

}  // namespace mara

#endif  // MARA_INGEST_BUNDLE_H_
