// Conversion between the entities and their mara-bundle/1 JSON form
// (docs/formats.md is the specification).
//
// Contract:
// - ToJson() writes the canonical form: keys in the order of docs/formats.md,
//   absent optionals omitted, enums by their canonical spelling, dates as
//   "YYYY-MM-DD". Encoding the same value always yields the same bytes when
//   dumped with Json::dump() (no indentation).
// - FromJson() accepts the canonical form plus the documented leniencies
//   (e.g. credibility as "2" or 2, a missing consent meaning
//   aggregate_reporting). It rejects unknown keys, wrong types, unknown enum
//   values, impossible dates, negative counts, ids that break kIdPattern,
//   text longer than kMaxTextLength and strings that are not valid UTF-8.
//   On failure the Status is kInvalidArgument and its message starts with the
//   JSON pointer of the offending value relative to the record, then ": ",
//   e.g. "/location/lat: expected a number, got a string".
// - FromJson checks one record's own fields only; cross-record rules
//   (references, duplicates, parent cycles) are in validate.h.
// Pure, thread-safe.
#ifndef MARA_DOMAIN_JSON_CODEC_H_
#define MARA_DOMAIN_JSON_CODEC_H_

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "domain/model.h"

namespace mara {

using Json = nlohmann::ordered_json;

Json ToJson(const Situation& v);
Json ToJson(const Party& v);
Json ToJson(const Source& v);
Json ToJson(const Incident& v);
Json ToJson(const EvidenceItem& v);
Json ToJson(const Finding& v);
Json ToJson(const Commitment& v);
Json ToJson(const Decision& v);
Json ToJson(const Designation& v);
Json ToJson(const Statement& v);
Json ToJson(const Engagement& v);
Json ToJson(const Petition& v);
Json ToJson(const Communication& v);

Status FromJson(const Json& j, Situation* out);
Status FromJson(const Json& j, Party* out);
Status FromJson(const Json& j, Source* out);
Status FromJson(const Json& j, Incident* out);
Status FromJson(const Json& j, EvidenceItem* out);
Status FromJson(const Json& j, Finding* out);
Status FromJson(const Json& j, Commitment* out);
Status FromJson(const Json& j, Decision* out);
Status FromJson(const Json& j, Designation* out);
Status FromJson(const Json& j, Statement* out);
Status FromJson(const Json& j, Engagement* out);
Status FromJson(const Json& j, Petition* out);
Status FromJson(const Json& j, Communication* out);

// Prepends `pointer_prefix` (e.g. "/incidents/3") to the pointer that starts
// a FromJson error message.
Status PrefixPointer(const Status& status, std::string_view pointer_prefix);

}  // namespace mara

#endif  // MARA_DOMAIN_JSON_CODEC_H_
