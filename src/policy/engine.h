// The assessment engine: statuses of every party for every cycle from the
// first cycle with data up to the assessed cycle Y, by the rules of
// docs/policy.md, with the consistency audit and the sensitivity analysis.
//
// Contract:
// - Pure: no I/O, no clock, no randomness. The same registry, incident
//   facts (in any order), policy and cycle give the same Assessment, and
//   every list in it is sorted, so its JSON is byte-identical.
// - Usage: build an Assessor over a registry (a Bundle whose incidents are
//   ignored; it must outlive the Assessor), feed every incident with Add()
//   (views may die after the call: ids and locations are interned), then
//   Finish(). Finish() may be called more than once and does not change the
//   Assessor. Add() after Finish() is allowed and affects later Finish()es.
// - Removals: an Assessor built with Removals::kAllowed also takes
//   Remove(facts), the exact inverse of an earlier Add(facts) (the same
//   facts, in content), so an incident's change is Remove(old), Add(new),
//   and Finish() then equals, byte for byte, a fresh Assessor fed the
//   changed incidents. It keeps, besides, each (party, cycle)'s days and
//   each (party, cycle, location)'s incidents per status class and
//   standard: memory grows with distinct days and locations per party and
//   cycle (at most 366 days each), still not with incidents. Remove() of
//   facts never added is undefined. Finish() then reuses each party's
//   result while no Add() or Remove() touched the party (or a unit of it)
//   and the first cycle is unchanged, so after a change it re-runs the
//   rules for the touched parties only (the consistency audit, which
//   compares every party with every other, runs whole).
// - One pass: Add() keeps, per (party, cycle), compact statistics for each
//   status class and minimum standard, so the rules, the audit and every
//   sensitivity re-run are O(parties x cycles) and never re-read incidents.
// - Attributions to parties that are not in the registry are ignored (the
//   store and bundle validation refuse them before they get here).
// - Not thread-safe: one Assessor per thread.
#ifndef MARA_POLICY_ENGINE_H_
#define MARA_POLICY_ENGINE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/facts.h"
#include "domain/model.h"
#include "policy/policy.h"

namespace mara {

// One tested condition: `rule` is the policy key of its threshold (or
// "situation.on_council_agenda" for scope); `evidence` says which evidence
// it was measured on: listing, notice, findings, scope, delisting, notice
// period or persistence.
struct Criterion {
  std::string rule;
  std::string evidence;
  ParamValue threshold;
  ParamValue observed;
  bool met = false;
};

// A party's evidence in the assessed cycle. locations and span_days are
// those of the listing evidence; max_standard is the highest standard among
// the party's counted verified incidents (none when it has none).
struct Evidence {
  int64_t listing_incidents = 0;
  int64_t notice_incidents = 0;
  int64_t locations = 0;
  int64_t span_days = 0;
  std::optional<Standard> max_standard;
  int findings_level = 0;
  int64_t notice_locations = 0;
  int64_t notice_span_days = 0;
  int64_t findings_list_sources = 0;    // sources at >= findings.list_level
  int64_t findings_notice_sources = 0;  // sources at >= findings.notice_level
};

struct CycleStatus {
  int cycle = 0;
  PartyStatus recommended = PartyStatus::kNone;
  PartyStatus status = PartyStatus::kNone;
  bool decided = false;
  int rule = 5;  // the rule (1..5, docs/policy.md) that gave the recommendation
};

struct PartyAssessment {
  std::string id;
  std::string name;
  std::string situation;
  PartyKind kind = PartyKind::kNonState;
  std::optional<std::string> parent;
  std::optional<std::string> splinter_of;
  bool in_scope = false;
  PartyStatus previous_status = PartyStatus::kNone;
  PartyStatus recommended_status = PartyStatus::kNone;
  PartyStatus status = PartyStatus::kNone;
  bool decided = false;
  bool override = false;
  bool persistent = false;
  int consecutive_listed_cycles = 0;
  int rule = 5;
  bool delisted = false;  // rule 2 took the party off the list in this cycle
  Evidence evidence;
  std::vector<Criterion> criteria;
  std::vector<CycleStatus> history;  // first cycle .. assessed cycle
};

// Party `party` has at least the evidence of every party in `compared_with`
// on every audited measure, yet a lower status than each of them.
struct ConsistencyFinding {
  std::string party;
  PartyStatus status = PartyStatus::kNone;
  std::string reason;  // override, history, scope or evidence
  std::vector<std::string> compared_with;
};

struct StatusChange {
  std::string party;
  PartyStatus status = PartyStatus::kNone;
  PartyStatus new_status = PartyStatus::kNone;
  bool persistent = false;
  bool new_persistent = false;
};

struct SensitivityRun {
  std::string parameter;
  std::string direction;  // "down" or "up"
  ParamValue value;
  ParamValue new_value;
  std::vector<StatusChange> changes;
};

struct Assessment {
  int cycle = 0;
  std::optional<int> first_cycle;  // absent when there is no data at all
  std::string policy_name;
  std::string policy_version;
  std::string policy_digest;
  std::string data_digest;
  std::vector<PartyAssessment> parties;  // sorted by id
  std::vector<ConsistencyFinding> consistency;
  std::vector<SensitivityRun> sensitivity;

  const PartyAssessment* Find(std::string_view party_id) const;
};

// What a historical simulation (`mara simulate`) changes in an assessment;
// the default changes nothing.
struct AssessmentScenario {
  // The rules run from this cycle: data of earlier cycles is left out and
  // every party starts it with status none, as if listing began then.
  std::optional<int> first_cycle;
  // The situations (ids) on the Council's agenda, per cycle. A cycle present
  // here has exactly these situations in scope; any other cycle uses each
  // situation's on_council_agenda.
  std::map<int, std::set<std::string>> agenda_by_cycle;
};

class Assessor {
 public:
  enum class Removals { kRefused, kAllowed };
  Assessor(const Bundle& registry, const Policy& policy, int cycle,
           AssessmentScenario scenario = {}, Removals removals = Removals::kRefused);
  ~Assessor();
  Assessor(const Assessor&) = delete;
  Assessor& operator=(const Assessor&) = delete;

  void Add(const IncidentFacts& facts);
  // kInvalidArgument unless built with Removals::kAllowed.
  Status Remove(const IncidentFacts& facts);
  // kPartiesOnly leaves the consistency audit and the sensitivity runs
  // empty, for a view that shows neither (the annex); the parties are those
  // of kAll.
  enum class Audits { kAll, kPartiesOnly };
  Assessment Finish(std::string data_digest, Audits audits = Audits::kAll) const;

  // Whether `facts` counts for `party_id` under the policy (consent,
  // violations, nexus, attribution with roll-up) and, if so, the standard
  // for that party; the incident's status and cycle are not considered.
  std::optional<Standard> CountedStandard(const IncidentFacts& facts,
                                          std::string_view party_id) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Convenience for tests and small data: assesses `bundle` including its
// incidents.
Assessment AssessBundle(const Bundle& bundle, const Policy& policy, int cycle,
                        std::string data_digest = "");

}  // namespace mara

#endif  // MARA_POLICY_ENGINE_H_
