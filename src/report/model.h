// The annual report as data (docs/reports.md): what BuildReport
// computes from a store and every renderer prints.
//
// Contract: plain values, built for one edition. Every victim count is an
// already published Cell (report/edition.h), so a public Report holds no
// suppressed number, confidential source or narrative: renderers print what
// they are given. Lists are in a fixed order (documented per field) so the
// same data, policy and cycle give byte-identical renderings.
#ifndef MARA_REPORT_MODEL_H_
#define MARA_REPORT_MODEL_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/enums.h"
#include "domain/model.h"
#include "i18n/messages.h"
#include "policy/engine.h"
#include "policy/explain.h"
#include "policy/policy.h"
#include "report/edition.h"
#include "service/audit.h"
#include "service/case.h"
#include "service/compare.h"

namespace mara::report {

// The language machinery (i18n/messages.h) by its short names.
using i18n::ArgumentNames;
using i18n::CatalogueKeys;
using i18n::CataloguePattern;
using i18n::Direction;
using i18n::FormatCount;
using i18n::FormatDecimal;
using i18n::HasMessage;
using i18n::kAllLanguages;
using i18n::Language;
using i18n::LanguageCode;
using i18n::Message;
using i18n::MessageArg;
using i18n::MissingLookups;
using i18n::NegotiateLanguage;
using i18n::ParseLanguage;

inline constexpr std::string_view kReportFormat = "mara-report/1";

// Incidents of one cycle by status; victims of verified incidents only.
struct CycleRow {
  int cycle = 0;
  int64_t verified = 0;
  int64_t under_verification = 0;
  int64_t reported = 0;
  int64_t not_verified = 0;
  VictimCells victims;
  std::optional<int64_t> listed;     // parties listed (cycles up to the report's)
  std::optional<int64_t> on_notice;  // parties on notice
};

// A party as the report names it, with its status in the cycle.
struct PartyLine {
  std::string id;
  std::string name;
  PartyKind kind = PartyKind::kNonState;
  std::string situation;
  std::vector<std::string> aliases;
  // The party's name in other languages (domain Party::names); the
  // renderers print the report language's one (PartyNameIn), `name` when none.
  std::map<std::string, std::string> names;
  PartyStatus status = PartyStatus::kNone;
  int status_since = 0;  // first cycle of the run of cycles with this status
  PartyStatus previous_status = PartyStatus::kNone;
  bool newly_listed = false;
  bool persistent = false;
  int consecutive_listed_cycles = 0;
  bool decided = false;
  bool override = false;
  int64_t listing_incidents = 0;
  int64_t notice_incidents = 0;
  std::vector<Designation> designations;  // `source` cleared when not shown
  // Listed or on notice: what the status rests on, in words (the criteria
  // met, the rule that kept it, or the decision); "" otherwise.
  std::string basis;
};

struct SituationSection {
  std::string id;
  std::string name;
  bool on_council_agenda = false;
  std::optional<std::string> iso3;  // the situation's country (ISO alpha-3), when it is one
  int64_t verified = 0;
  int64_t previous_verified = 0;
  int64_t unverified = 0;  // reported, under verification or not verified
  VictimCells victims;
  std::array<int64_t, EnumCount<Violation>()> by_violation{};
  std::vector<PartyLine> parties;  // every assessed party of the situation, by id
  std::vector<PartyLine> changes;  // those whose status changed in the cycle
};

struct AnnexGroup {
  std::string situation;
  std::string situation_name;
  std::vector<PartyLine> state_parties;  // by name, then id
  std::vector<PartyLine> non_state_parties;
};

struct PendingMeasure {
  std::string commitment;
  CommitmentKind kind = CommitmentKind::kUnilateral;
  Measure measure;
};

struct NoticeEntry {
  PartyLine party;
  Evidence evidence;
  std::vector<PendingMeasure> pending_measures;
  int review_cycle = 0;
};

struct Removal {
  PartyLine party;
  std::string reason;
};

struct LateVerification {
  std::string id;
  std::string situation;
  Date date;
  Date verified_on;
};

// Late verifications of the cycle counted by situation and incident cycle.
struct LateCount {
  std::string situation;
  int cycle = 0;
  int64_t incidents = 0;
};

struct Response {
  std::string id;
  std::string by;
  Date date;
  StatementKind kind = StatementKind::kStatement;
  int64_t incidents = 0;  // incidents it is about that this edition shows
  Date earliest_incident;
  int64_t latency_days = 0;
  std::string text;  // confidential edition only
};

struct InstitutionLatency {
  std::string by;
  int64_t statements = 0;
  double median_days = 0;
  int64_t slowest_days = 0;
  std::string slowest_statement;
};

struct EngagementLine {
  PartyLine party;
  std::optional<Engagement> latest;  // `note` cleared in the public edition
};

// The public edition's summary of a statement of case.
struct CaseSummary {
  PartyLine party;
  std::vector<Criterion> criteria;
  Explanation explanation;     // the status in sentences (policy/explain.h), in English
  PartyAssessment assessment;  // what the explanation reads, to word it in another language
  int64_t counted_incidents = 0;
  int64_t listing_evidence = 0;
  std::array<int64_t, EnumCount<Violation>()> by_violation{};
  std::vector<Source> sources;  // non-confidential sources cited, by id
  std::vector<Commitment> commitments;
  std::vector<Designation> designations;
};

struct Report {
  int cycle = 0;
  Edition edition = Edition::kPublic;
  std::string policy_name;
  std::string policy_version;
  std::string policy_digest;
  std::string data_digest;
  // The policy itself: the explanations of the statements of case hold
  // English sentences, and a rendering in another language words them
  // again from the assessment and this policy (policy/explain.h).
  Policy policy;
  // The signed head of the store's audit chain when the report was made
  // (absent for an empty chain): a reader who keeps the report holds an
  // anchor for `mara audit verify --head`.
  std::optional<SignedAuditHead> audit_head;
  int min_cell = 3;

  // 1. Summary (verified incidents only).
  int64_t verified = 0;
  std::optional<int64_t> previous_verified;  // absent when the store has no earlier cycle
  bool highest_on_record = false;
  int record_streak = 0;  // consecutive cycles up to this one, each above all before it
  int64_t under_verification = 0;
  int64_t reported = 0;
  int64_t not_verified = 0;
  VictimCells victims;
  std::array<int64_t, EnumCount<Violation>()> by_violation{};
  std::array<int64_t, EnumCount<Context>()> by_context{};
  int64_t situations_covered = 0;  // situations with a verified incident in the cycle
  int64_t listed_parties = 0;
  int64_t on_notice_parties = 0;

  std::vector<CycleRow> trends;                  // 2. every cycle with incidents, ascending
  std::vector<SituationSection> situations;      // 3. every situation, by id
  std::vector<AnnexGroup> annex;                 // 4. situations with a listed party, by name
  std::vector<NoticeEntry> notice;               // 5. by situation, then party id
  std::vector<Removal> removals;                 //    delistings and removals from notice
  int64_t late_verified = 0;                     // 6.
  std::vector<LateVerification> late;            //    confidential: each incident, by id
  std::vector<LateCount> late_counts;            //    both editions
  std::vector<Response> responses;               // 7. by date, then id
  std::vector<InstitutionLatency> institutions;  // by name
  std::vector<Response> disputes;                // the responses of kind dispute
  std::vector<EngagementLine> engagement;        // 8. listed and on-notice parties, by id
  std::vector<StatementOfCase> cases;            // 9. confidential: in full, by party id
  std::vector<CaseSummary> case_summaries;       //    public: summaries, by party id
  // 10. With a reference list (mara report --reference): Mara's list set
  // beside it (service/compare.h).
  std::optional<Comparison> comparison;
};

}  // namespace mara::report

#endif  // MARA_REPORT_MODEL_H_
