// The statement of case (docs/policy.md) for one party and cycle: why the
// party has its status, with the evidence cited. `mara case`, the reports
// and the API reuse it.
//
// Contract:
// - BuildStatementOfCase assesses the cycle (service/assess.h), then reads
//   the party's counted incidents of that cycle with one scan of the store.
//   Counted incidents are those that count for the party under the policy
//   (consent, violations, nexus, attribution with roll-up) and are verified
//   or under verification; each says whether it is listing or notice
//   evidence. kNotFound for an unknown party; store failures unchanged.
// - The JSON and text renderings are deterministic (the JSON has
//   "communications", and the text its petitions and communications, only
//   when there are some) and take every view of a
//   record from the disclosure module (domain/disclosure.h): the public
//   edition omits internal_use incidents, confidential sources, narratives,
//   engagement notes, decision rationales and deciders, petition rulings'
//   reasons and deciders, communications' submitters, texts, attachments,
//   deciders and reasons, and shows victim counts below
//   policy.publication_min_cell as "<N"; no edition names a withdrawn
//   testimony or shows a withdrawn incident.
// A Store is used from one thread; the renderers are pure.
// The Store-level functions of this contract are declared in
// service/core.h, inside the service layer; the layers above it call the
// Session operations (authorized.h), which authorise and audit them.
#ifndef MARA_SERVICE_CASE_H_
#define MARA_SERVICE_CASE_H_

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/model.h"
#include "policy/engine.h"
#include "policy/explain.h"
#include "policy/policy.h"

namespace mara {

struct CaseIncident {
  Incident incident;
  Standard standard = Standard::kCredibleInformation;  // for this party
  bool listing_evidence = false;
  bool notice_evidence = false;
  std::vector<Source> sources;  // resolved; unknown ids are left out
};

struct StatementOfCase {
  int cycle = 0;
  std::string policy_name;
  std::string policy_version;
  std::string policy_digest;
  std::string data_digest;
  int publication_min_cell = 3;
  Party party;
  std::optional<Party> splinter_origin;  // the party it split from
  std::optional<Party> parent;
  PartyAssessment assessment;  // criteria, evidence and status history
  Explanation explanation;     // the status in sentences (policy/explain.h), in one language
  std::vector<CaseIncident> incidents;  // by date, then id
  std::vector<Finding> findings;        // about the party, cycles up to Y
  std::vector<Commitment> commitments;
  std::vector<Designation> designations;
  std::vector<Engagement> engagements;
  std::vector<Decision> decisions;  // cycles up to Y
  std::vector<Petition> petitions;
  // Communications from outside about the party (BuildStatementOfCase reads
  // them; StatementOfCaseFrom, which has only the registry, leaves them out).
  std::vector<Communication> communications;
  // Sources each edition may not name (disclosure.h HiddenSources),
  // shared by the statements built from one registry.
  std::shared_ptr<const std::set<std::string>> hidden_sources_public;
  std::shared_ptr<const std::set<std::string>> hidden_sources_confidential;
};

// The two halves of BuildStatementOfCase, for callers that build many
// statements from one assessment and one scan (the annual report).
// StatementOfCaseFrom fills everything but `incidents` from the registry and
// an assessment of `cycle`. CaseIncidentFor is the entry of `incident` in
// `party_id`'s statement, or nullopt when it is not one of the party's
// counted incidents of `cycle`; `assessor` must have been built with
// `policy`, and `sources` maps ids to registry sources (it must outlive the
// call only). `shared`, when given, is a statement built earlier from the
// same registry whose hidden-source sets are shared instead of computed
// again (the report builds hundreds of statements).
// The explanation is worded in `lang` (policy/explain.h).
StatementOfCase StatementOfCaseFrom(const Bundle& registry, const Policy& policy,
                                    const Assessment& assessment, const Party& party, int cycle,
                                    const StatementOfCase* shared = nullptr,
                                    i18n::Language lang = i18n::Language::kEn);
std::optional<CaseIncident> CaseIncidentFor(
    const Assessor& assessor, const Policy& policy, const Incident& incident,
    std::string_view party_id, int cycle, const std::map<std::string_view, const Source*>& sources);

nlohmann::ordered_json StatementOfCaseToJson(const StatementOfCase& s, bool public_edition);
std::string StatementOfCaseToText(const StatementOfCase& s, bool public_edition);

}  // namespace mara

#endif  // MARA_SERVICE_CASE_H_
