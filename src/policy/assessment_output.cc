#include "policy/assessment_output.h"

#include <fmt/format.h>

namespace mara {

using Json = nlohmann::ordered_json;

Json ParamValueToJson(const ParamValue& value) {
  switch (value.index()) {
    case 0:
      return std::get<bool>(value);
    case 1:
      return std::get<int64_t>(value);
    default:
      return std::get<std::string>(value);
  }
}

Json CriterionToJson(const Criterion& c) {
  Json j;
  j["rule"] = c.rule;
  j["threshold"] = ParamValueToJson(c.threshold);
  j["observed"] = ParamValueToJson(c.observed);
  j["met"] = c.met;
  j["evidence"] = c.evidence;
  return j;
}

Json PartyAssessmentToJson(const PartyAssessment& p) {
  Json j;
  j["id"] = p.id;
  j["name"] = p.name;
  j["situation"] = p.situation;
  j["kind"] = ToString(p.kind);
  j["previous_status"] = ToString(p.previous_status);
  j["recommended_status"] = ToString(p.recommended_status);
  j["status"] = ToString(p.status);
  j["decided"] = p.decided;
  j["override"] = p.override;
  j["persistent"] = p.persistent;
  j["consecutive_listed_cycles"] = p.consecutive_listed_cycles;
  const Evidence& e = p.evidence;
  Json ev;
  ev["listing_incidents"] = e.listing_incidents;
  ev["notice_incidents"] = e.notice_incidents;
  ev["locations"] = e.locations;
  ev["span_days"] = e.span_days;
  ev["max_standard"] = e.max_standard ? Json(ToString(*e.max_standard)) : Json(nullptr);
  ev["findings_level"] = e.findings_level;
  ev["notice_locations"] = e.notice_locations;
  ev["notice_span_days"] = e.notice_span_days;
  ev["findings_list_sources"] = e.findings_list_sources;
  ev["findings_notice_sources"] = e.findings_notice_sources;
  j["evidence"] = std::move(ev);
  Json criteria = Json::array();
  for (const Criterion& c : p.criteria) criteria.push_back(CriterionToJson(c));
  j["criteria"] = std::move(criteria);
  j["in_scope"] = p.in_scope;
  j["parent"] = p.parent ? Json(*p.parent) : Json(nullptr);
  j["splinter_of"] = p.splinter_of ? Json(*p.splinter_of) : Json(nullptr);
  j["rule"] = p.rule;
  j["delisted"] = p.delisted;
  Json history = Json::array();
  for (const CycleStatus& h : p.history) {
    history.push_back({{"cycle", h.cycle},
                       {"recommended_status", ToString(h.recommended)},
                       {"status", ToString(h.status)},
                       {"decided", h.decided},
                       {"rule", h.rule}});
  }
  j["history"] = std::move(history);
  return j;
}

Json AssessmentToJson(const Assessment& a) {
  Json j;
  j["cycle"] = a.cycle;
  j["policy"] = {
      {"name", a.policy_name}, {"version", a.policy_version}, {"digest", a.policy_digest}};
  j["data_digest"] = a.data_digest;
  Json parties = Json::array();
  for (const PartyAssessment& p : a.parties) parties.push_back(PartyAssessmentToJson(p));
  j["parties"] = std::move(parties);
  Json consistency = Json::array();
  for (const ConsistencyFinding& c : a.consistency) {
    consistency.push_back({{"party", c.party},
                           {"status", ToString(c.status)},
                           {"reason", c.reason},
                           {"compared_with", c.compared_with}});
  }
  j["consistency"] = std::move(consistency);
  Json sensitivity = Json::array();
  for (const SensitivityRun& s : a.sensitivity) {
    Json changes = Json::array();
    for (const StatusChange& c : s.changes) {
      changes.push_back({{"party", c.party},
                         {"status", ToString(c.status)},
                         {"new_status", ToString(c.new_status)},
                         {"persistent", c.persistent},
                         {"new_persistent", c.new_persistent}});
    }
    sensitivity.push_back({{"parameter", s.parameter},
                           {"direction", s.direction},
                           {"value", ParamValueToJson(s.value)},
                           {"new_value", ParamValueToJson(s.new_value)},
                           {"changes", std::move(changes)}});
  }
  j["sensitivity"] = std::move(sensitivity);
  j["first_cycle"] = a.first_cycle ? Json(*a.first_cycle) : Json(nullptr);
  return j;
}

std::string AssessmentToText(const Assessment& a) {
  std::string out = fmt::format("Assessment of cycle {} under policy {} {} ({})\n", a.cycle,
                                a.policy_name, a.policy_version, a.policy_digest.substr(0, 16));
  if (!a.data_digest.empty()) out += fmt::format("Data digest {}\n", a.data_digest);
  if (a.parties.empty()) {
    out += "No party has any attributed incident, finding or status up to this cycle.\n";
    return out;
  }
  out += fmt::format(
      "\n{:<20} {:<12} {:<10} {:<10} {:<10} {:<5} {:>6} {:>6} {:>4} {:>5} {:<21} {:>4}\n", "PARTY",
      "SITUATION", "PREVIOUS", "RECOMMEND", "STATUS", "FLAGS", "LIST", "NOTICE", "LOC", "SPAN",
      "MAX STANDARD", "FIND");
  int listed = 0, notice = 0, persistent = 0;
  for (const PartyAssessment& p : a.parties) {
    std::string flags;
    if (p.decided) flags += 'D';
    if (p.override) flags += 'O';
    if (p.persistent) flags += 'P';
    if (!p.in_scope) flags += 'S';
    if (flags.empty()) flags.push_back('-');
    const Evidence& e = p.evidence;
    out += fmt::format(
        "{:<20} {:<12} {:<10} {:<10} {:<10} {:<5} {:>6} {:>6} {:>4} {:>5} {:<21} {:>4}\n", p.id,
        p.situation, ToString(p.previous_status), ToString(p.recommended_status),
        ToString(p.status), flags, e.listing_incidents, e.notice_incidents, e.locations,
        e.span_days, e.max_standard ? ToString(*e.max_standard) : "-", e.findings_level);
    if (p.status == PartyStatus::kListed) ++listed;
    if (p.status == PartyStatus::kOnNotice) ++notice;
    if (p.persistent) ++persistent;
  }
  out +=
      "FLAGS: D decided, O override of the recommendation, P persistent perpetrator, "
      "S situation not on the Council's agenda\n";
  out += fmt::format("\n{} listed ({} persistent), {} on notice, {} parties assessed\n", listed,
                     persistent, notice, a.parties.size());
  size_t pairs = 0;
  for (const ConsistencyFinding& c : a.consistency) pairs += c.compared_with.size();
  out += fmt::format(
      "Consistency audit: {} pair(s) where a party with at least another's evidence "
      "has a lower status\n",
      pairs);
  for (const ConsistencyFinding& c : a.consistency) {
    out += fmt::format("  {} ({}) vs {} party(ies), reason {}\n", c.party, ToString(c.status),
                       c.compared_with.size(), c.reason);
  }
  out += "Sensitivity (parties whose status changes when a threshold moves one step):\n";
  for (const SensitivityRun& s : a.sensitivity) {
    out +=
        fmt::format("  {:<30} {} -> {}: {} change(s)\n", s.parameter, ParamValueToString(s.value),
                    ParamValueToString(s.new_value), s.changes.size());
  }
  return out;
}

}  // namespace mara
