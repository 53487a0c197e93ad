// Comparison of Mara's list with a reference list: a published annex, an
// NGO coalition's demand, another office's list (`mara compare`).
//
// The reference is a CSV file (docs/policy.md, "Comparing with a reference
// list") whose header is `cycle,situation,party,status,ucdp_id`: the
// situation a country name, the party as the reference names it, the status
// `listed` or `on_notice`, the UCDP actor id optional (the column may be
// left out). Header names are matched ignoring case and blanks; a BOM, CRLF
// line ends and quoted fields are read; NA, N/A, NULL and empty cells are
// missing values.
//
// Contract:
// - ReadReferenceList() reads every row (any cycle) or fails with
//   kInvalidArgument naming the line and column ("line 4, column 4
//   'status': expected listed or on_notice, got 'banned'"); a file without
//   the required columns names them all. kNotFound / kIOError for the file.
// - CompareWithReference() needs kRunAssessment in every situation (the
//   comparison speaks of the whole list). It assesses `cycle` under `policy`
//   through the service, then resolves each reference row of that cycle to
//   a party of the registry: by UCDP id ("UCDP-<id>") when given and
//   stored, else by the name resolver (ingest/names) over the parties of the
//   reference's situation (a country, matched through the country table,
//   else by folded name), else over every party; only an accepted match
//   resolves. Mara's side is every party listed or on notice in the
//   situations the reference names. It returns precision and recall per
//   status, and every disagreement with the criterion that explains it:
//   `not in the data`, `out of scope`, `one source only`, `below a
//   threshold`, `dissolved`, `decided otherwise` for a reference status
//   Mara does not give; `pattern met`, `findings met`, `kept listed`,
//   `decided otherwise` for a status Mara gives and the reference does not.
//   Reads only.
// - ComparisonToText / ComparisonToJson render the result; pure.
#ifndef MARA_SERVICE_COMPARE_H_
#define MARA_SERVICE_COMPARE_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "domain/enums.h"
#include "policy/policy.h"
#include "service/session.h"

namespace mara {

struct ReferenceEntry {
  uint64_t line = 0;  // in the file, for messages
  int cycle = 0;
  std::string situation;  // as the reference writes it
  std::string party;      // as the reference writes it
  PartyStatus status = PartyStatus::kListed;
  std::optional<int64_t> ucdp_id;
};

Result<std::vector<ReferenceEntry>> ReadReferenceList(const std::string& path);

// How a situation named by a country is compared with Mara's situations:
// "iso:<alpha-3>" when the country table knows the name ("Myanmar" and
// "Myanmar (Burma)" give "iso:MMR"), else "name:" and the folded name.
std::string SituationKey(std::string_view name);

// Agreement on one status: how many parties the reference and Mara give it,
// how many of them both; precision = agreed / mara, recall = agreed /
// reference (nullopt when the denominator is 0).
struct StatusAgreement {
  int64_t reference = 0;
  int64_t mara = 0;
  int64_t agreed = 0;
  std::optional<double> precision() const;
  std::optional<double> recall() const;
};

struct Disagreement {
  std::string reference_party;  // as the reference names it; "" when only Mara has it
  std::string situation;        // the reference's situation, else Mara's situation id
  std::string party_id;         // "" when the reference's name resolves to no party
  std::string party_name;       // Mara's name of the party
  PartyStatus reference_status = PartyStatus::kNone;
  PartyStatus mara_status = PartyStatus::kNone;
  std::string criterion;    // one of the contract's words
  std::string explanation;  // the figures behind it, one line
};

struct Comparison {
  int cycle = 0;
  std::string policy_name;
  std::string policy_version;
  std::string policy_digest;
  std::string data_digest;
  int64_t reference_rows = 0;           // rows of `cycle`
  int64_t other_cycle_rows = 0;         // rows of other cycles, left out
  std::vector<std::string> situations;  // the reference's situations, as written
  int64_t unresolved = 0;               // reference rows resolved to no party
  StatusAgreement listed;
  StatusAgreement on_notice;
  std::vector<Disagreement> disagreements;  // reference order, then Mara's by party id
};

Result<Comparison> CompareWithReference(Session& session, const Policy& policy,
                                        const std::vector<ReferenceEntry>& reference, int cycle);

std::string ComparisonToText(const Comparison& c);
nlohmann::ordered_json ComparisonToJson(const Comparison& c);

}  // namespace mara

#endif  // MARA_SERVICE_COMPARE_H_
