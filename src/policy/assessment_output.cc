#include "policy/assessment_output.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <tuple>
#include <vector>

namespace mara {

using Json = nlohmann::ordered_json;

namespace {

void WriteParamValue(JsonWriter& w, const ParamValue& value) {
  switch (value.index()) {
    case 0:
      w.Bool(std::get<bool>(value));
      break;
    case 1:
      w.Int(std::get<int64_t>(value));
      break;
    default:
      w.String(std::get<std::string>(value));
  }
}

void WriteCriterion(JsonWriter& w, const Criterion& c) {
  w.BeginObject().Field("rule", c.rule).Key("threshold");
  WriteParamValue(w, c.threshold);
  w.Key("observed");
  WriteParamValue(w, c.observed);
  w.Field("met", c.met).Field("evidence", c.evidence).EndObject();
}

void WriteOptional(JsonWriter& w, std::string_view key, const std::optional<std::string>& v) {
  w.Key(key);
  if (v) {
    w.String(*v);
  } else {
    w.Null();
  }
}

}  // namespace

void WritePartyAssessmentJson(JsonWriter& w, const PartyAssessment& p) {
  w.BeginObject()
      .Field("id", p.id)
      .Field("name", p.name)
      .Field("situation", p.situation)
      .Field("kind", ToString(p.kind))
      .Field("previous_status", ToString(p.previous_status))
      .Field("recommended_status", ToString(p.recommended_status))
      .Field("status", ToString(p.status))
      .Field("decided", p.decided)
      .Field("override", p.override)
      .Field("persistent", p.persistent)
      .Field("consecutive_listed_cycles", p.consecutive_listed_cycles);
  const Evidence& e = p.evidence;
  w.Key("evidence")
      .BeginObject()
      .Field("listing_incidents", e.listing_incidents)
      .Field("notice_incidents", e.notice_incidents)
      .Field("locations", e.locations)
      .Field("span_days", e.span_days)
      .Key("max_standard");
  if (e.max_standard) {
    w.String(ToString(*e.max_standard));
  } else {
    w.Null();
  }
  w.Field("findings_level", e.findings_level)
      .Field("notice_locations", e.notice_locations)
      .Field("notice_span_days", e.notice_span_days)
      .Field("findings_list_sources", e.findings_list_sources)
      .Field("findings_notice_sources", e.findings_notice_sources)
      .EndObject();
  w.Key("criteria").BeginArray();
  for (const Criterion& c : p.criteria) WriteCriterion(w, c);
  w.EndArray().Field("in_scope", p.in_scope);
  WriteOptional(w, "parent", p.parent);
  WriteOptional(w, "splinter_of", p.splinter_of);
  w.Field("rule", p.rule).Field("delisted", p.delisted).Key("history").BeginArray();
  for (const CycleStatus& h : p.history) {
    w.BeginObject()
        .Field("cycle", h.cycle)
        .Field("recommended_status", ToString(h.recommended))
        .Field("status", ToString(h.status))
        .Field("decided", h.decided)
        .Field("rule", h.rule)
        .EndObject();
  }
  w.EndArray().EndObject();
}

void WriteAssessmentJson(JsonWriter& w, const Assessment& a) {
  w.BeginObject()
      .Field("cycle", a.cycle)
      .Key("policy")
      .BeginObject()
      .Field("name", a.policy_name)
      .Field("version", a.policy_version)
      .Field("digest", a.policy_digest)
      .EndObject()
      .Field("data_digest", a.data_digest)
      .Key("parties")
      .BeginArray();
  for (const PartyAssessment& p : a.parties) WritePartyAssessmentJson(w, p);
  w.EndArray().Key("consistency").BeginArray();
  for (const ConsistencyFinding& c : a.consistency) {
    w.BeginObject()
        .Field("party", c.party)
        .Field("status", ToString(c.status))
        .Field("reason", c.reason)
        .Key("compared_with")
        .BeginArray();
    for (const std::string& other : c.compared_with) w.String(other);
    w.EndArray().EndObject();
  }
  w.EndArray().Key("sensitivity").BeginArray();
  for (const SensitivityRun& run : a.sensitivity) {
    w.BeginObject()
        .Field("parameter", run.parameter)
        .Field("direction", run.direction)
        .Key("value");
    WriteParamValue(w, run.value);
    w.Key("new_value");
    WriteParamValue(w, run.new_value);
    w.Key("changes").BeginArray();
    for (const StatusChange& c : run.changes) {
      w.BeginObject()
          .Field("party", c.party)
          .Field("status", ToString(c.status))
          .Field("new_status", ToString(c.new_status))
          .Field("persistent", c.persistent)
          .Field("new_persistent", c.new_persistent)
          .EndObject();
    }
    w.EndArray().EndObject();
  }
  w.EndArray().Key("first_cycle");
  if (a.first_cycle) {
    w.Int(*a.first_cycle);
  } else {
    w.Null();
  }
  w.EndObject();
}

Json ParamValueToJson(const ParamValue& value) {
  std::string text;
  JsonWriter w(&text, -1);
  WriteParamValue(w, value);
  return Json::parse(text);
}

Json CriterionToJson(const Criterion& c) {
  std::string text;
  JsonWriter w(&text, -1);
  WriteCriterion(w, c);
  return Json::parse(text);
}

std::string AssessmentJsonText(const Assessment& a, int indent) {
  std::string out;
  JsonWriter w(&out, indent);
  WriteAssessmentJson(w, a);
  return out;
}

Json PartyAssessmentToJson(const PartyAssessment& p) {
  std::string text;
  JsonWriter w(&text, -1);
  WritePartyAssessmentJson(w, p);
  return Json::parse(text);
}

Json AssessmentToJson(const Assessment& a) { return Json::parse(AssessmentJsonText(a, -1)); }

namespace {

std::string Marks(const PartyAssessment& p) {
  std::vector<std::string> marks;
  if (p.previous_status != p.status) marks.push_back("new");
  if (p.persistent) marks.push_back("persistent perpetrator");
  if (p.decided) marks.push_back(p.override ? "decision overriding the recommendation" : "decided");
  if (marks.empty()) return "";
  std::string out = " (";
  for (size_t i = 0; i < marks.size(); ++i) out += (i > 0 ? ", " : "") + marks[i];
  return out + ")";
}

// The annex as the listing office reads it: listed parties by situation,
// state parties before non-state parties, then the parties on notice, then
// every change of status since the previous cycle.
void AppendAnnex(const Assessment& a, std::string* out) {
  std::vector<const PartyAssessment*> listed, notice, changed;
  for (const PartyAssessment& p : a.parties) {
    if (p.status == PartyStatus::kListed) listed.push_back(&p);
    if (p.status == PartyStatus::kOnNotice) notice.push_back(&p);
    if (p.status != p.previous_status) changed.push_back(&p);
  }
  auto by_situation = [](const PartyAssessment* x, const PartyAssessment* y) {
    return std::tie(x->situation, x->kind, x->id) < std::tie(y->situation, y->kind, y->id);
  };
  std::sort(listed.begin(), listed.end(), by_situation);
  std::sort(notice.begin(), notice.end(), by_situation);
  auto grouped = [&](const std::vector<const PartyAssessment*>& parties) {
    std::string_view situation;
    std::optional<PartyKind> kind;
    for (size_t i = 0; i < parties.size(); ++i) {
      const PartyAssessment& p = *parties[i];
      if (i == 0 || p.situation != situation) {
        *out += fmt::format("  {}\n", p.situation);
        situation = p.situation;
        kind.reset();
      }
      if (kind != p.kind) {
        *out += p.kind == PartyKind::kState ? "    State parties\n" : "    Non-state parties\n";
        kind = p.kind;
      }
      *out += fmt::format("      {} {}{}\n", p.id, p.name, Marks(p));
    }
  };
  *out += fmt::format("\nAnnex, cycle {}: parties listed, by situation\n", a.cycle);
  if (listed.empty()) *out += "  (none)\n";
  grouped(listed);
  *out += fmt::format("\nParties on notice, cycle {}\n", a.cycle);
  if (notice.empty()) *out += "  (none)\n";
  grouped(notice);
  *out += fmt::format("\nChanges since cycle {}\n", a.cycle - 1);
  if (changed.empty()) *out += "  (none)\n";
  for (const PartyAssessment* p : changed) {
    *out += fmt::format("  {} {}: {} -> {}{}\n", p->id, p->name, ToString(p->previous_status),
                        ToString(p->status), p->decided ? " (decided)" : "");
  }
}

}  // namespace

std::string AssessmentToText(const Assessment& a) {
  std::string out = fmt::format("Assessment of cycle {} under policy {} {} ({})\n", a.cycle,
                                a.policy_name, a.policy_version, a.policy_digest.substr(0, 16));
  if (!a.data_digest.empty()) out += fmt::format("Data digest {}\n", a.data_digest);
  if (a.parties.empty()) {
    out += "No party has any attributed incident, finding or status up to this cycle.\n";
    return out;
  }
  AppendAnnex(a, &out);
  out += "\nEvery party assessed";
  out += fmt::format(
      ":\n{:<20} {:<12} {:<10} {:<10} {:<10} {:<5} {:>6} {:>6} {:>4} {:>5} {:<21} {:>4}\n", "PARTY",
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

nlohmann::ordered_json ExplanationToJson(const Explanation& e) {
  nlohmann::ordered_json criteria = nlohmann::ordered_json::array();
  for (const ExplainedCriterion& c : e.criteria) {
    criteria.push_back(
        {{"rule", c.rule}, {"evidence", c.evidence}, {"met", c.met}, {"sentence", c.sentence}});
  }
  return {{"summary", e.summary},
          {"combination", e.combination},
          {"criteria", std::move(criteria)},
          {"would_change", e.would_change}};
}

}  // namespace mara
