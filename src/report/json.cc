// The JSON rendering, "mara-report/1": the whole Report as data. Field names
// and order are the schema of docs/reports.md; victim counts are the
// published cells (a number, or a string such as "<3" or "withheld").
#include <cmath>

#include "policy/assessment_output.h"
#include "report/render.h"
#include "security/clock.h"

namespace mara::report {
namespace {

using OJson = nlohmann::ordered_json;

OJson CellJson(const Cell& c) { return c.value ? OJson(*c.value) : OJson(c.text); }

OJson ShareJson(const Share& s) {
  if (s.percent) return OJson(std::round(*s.percent * 10) / 10);
  return s.text == "-" ? OJson(nullptr) : OJson(s.text);
}

OJson VictimsJson(const VictimCells& v) {
  return {{"women", CellJson(v.women)},
          {"girls", CellJson(v.girls)},
          {"men", CellJson(v.men)},
          {"boys", CellJson(v.boys)},
          {"unknown", CellJson(v.unknown)},
          {"total", CellJson(v.total)},
          {"share_women_and_girls", ShareJson(v.women_and_girls)},
          {"share_children", ShareJson(v.children)}};
}

template <typename E, size_t N>
OJson EnumCounts(const std::array<int64_t, N>& counts) {
  OJson j = OJson::object();
  for (size_t i = 0; i < N; ++i) j[std::string(ToString(static_cast<E>(i)))] = counts[i];
  return j;
}

OJson DesignationJson(const Designation& d) {
  OJson j = {{"authority", d.authority},
             {"program", d.program},
             {"kind", ToString(d.kind)},
             {"listed_on", d.listed_on.ToString()},
             {"ended_on", d.ended_on ? OJson(d.ended_on->ToString()) : OJson(nullptr)}};
  if (d.source) j["source"] = *d.source;
  return j;
}

OJson PartyJson(const PartyLine& p) {
  OJson designations = OJson::array();
  for (const Designation& d : p.designations) designations.push_back(DesignationJson(d));
  OJson j = {{"id", p.id},
             {"name", p.name},
             {"kind", ToString(p.kind)},
             {"situation", p.situation},
             {"status", ToString(p.status)},
             {"previous_status", ToString(p.previous_status)},
             {"newly_listed", p.newly_listed},
             {"persistent", p.persistent},
             {"consecutive_listed_cycles", p.consecutive_listed_cycles},
             {"decided", p.decided},
             {"override", p.override},
             {"listing_incidents", p.listing_incidents},
             {"notice_incidents", p.notice_incidents},
             {"designations", std::move(designations)}};
  // The party's names by language, when it has any; `name` stays canonical.
  if (!p.names.empty()) j["names"] = p.names;
  return j;
}

OJson PartiesJson(const std::vector<PartyLine>& v) {
  OJson a = OJson::array();
  for (const PartyLine& p : v) a.push_back(PartyJson(p));
  return a;
}

OJson ResponseJson(const Response& s, bool with_text) {
  OJson j = {{"id", s.id},
             {"by", s.by},
             {"date", s.date.ToString()},
             {"kind", ToString(s.kind)},
             {"incidents", s.incidents},
             {"earliest_incident", s.earliest_incident.ToString()},
             {"latency_days", s.latency_days}};
  if (with_text) j["text"] = s.text;
  return j;
}

OJson SourceJson(const Source& s) {
  OJson j = {{"id", s.id},
             {"kind", ToString(s.kind)},
             {"title", s.title},
             {"publisher", s.publisher},
             {"date", s.date ? OJson(s.date->ToString()) : OJson(nullptr)}};
  if (s.url) j["url"] = *s.url;
  return j;
}

OJson MeasureJson(const Measure& m) {
  return {{"id", m.id},
          {"text", m.text},
          {"due", m.due ? OJson(m.due->ToString()) : OJson(nullptr)},
          {"status", ToString(m.status)}};
}

}  // namespace

OJson ReportToJson(const Report& r) {
  const bool confidential = r.edition == Edition::kConfidential;
  OJson j;
  j["format"] = kReportFormat;
  j["cycle"] = r.cycle;
  j["edition"] = EditionName(r.edition);
  j["policy"] = {
      {"name", r.policy_name}, {"version", r.policy_version}, {"digest", r.policy_digest}};
  j["data_digest"] = r.data_digest;
  if (r.audit_head) {
    const security::AuditCheckpoint& head = r.audit_head->checkpoint;
    j["audit_head"] = {{"seq", head.seq},
                       {"hash", head.hash},
                       {"time", security::FormatMillisUtc(r.audit_head->time_ms)},
                       {"key_id", head.key_id},
                       {"checkpoint_every", head.every},
                       {"signature", head.signature}};
  } else {
    j["audit_head"] = nullptr;
  }
  j["publication_min_cell"] = r.min_cell;

  OJson summary;
  summary["verified_incidents"] = r.verified;
  summary["previous_cycle_verified_incidents"] =
      r.previous_verified ? OJson(*r.previous_verified) : OJson(nullptr);
  summary["change"] =
      r.previous_verified ? OJson(r.verified - *r.previous_verified) : OJson(nullptr);
  summary["highest_on_record"] = r.highest_on_record;
  summary["consecutive_record_cycles"] = r.record_streak;
  summary["not_counted"] = {{"under_verification", r.under_verification},
                            {"reported", r.reported},
                            {"not_verified", r.not_verified}};
  summary["victims"] = VictimsJson(r.victims);
  summary["by_violation"] = EnumCounts<Violation>(r.by_violation);
  summary["by_context"] = EnumCounts<Context>(r.by_context);
  OJson by_situation = OJson::object();
  for (const SituationSection& s : r.situations) by_situation[s.id] = s.verified;
  summary["by_situation"] = std::move(by_situation);
  summary["situations_covered"] = r.situations_covered;
  summary["listed_parties"] = r.listed_parties;
  summary["on_notice_parties"] = r.on_notice_parties;
  j["summary"] = std::move(summary);

  OJson trends = OJson::array();
  for (const CycleRow& c : r.trends) {
    trends.push_back({{"cycle", c.cycle},
                      {"verified", c.verified},
                      {"under_verification", c.under_verification},
                      {"reported", c.reported},
                      {"not_verified", c.not_verified},
                      {"victims", VictimsJson(c.victims)},
                      {"listed_parties", c.listed ? OJson(*c.listed) : OJson(nullptr)},
                      {"on_notice_parties", c.on_notice ? OJson(*c.on_notice) : OJson(nullptr)}});
  }
  j["trends"] = std::move(trends);

  OJson situations = OJson::array();
  for (const SituationSection& s : r.situations) {
    situations.push_back({{"id", s.id},
                          {"name", s.name},
                          {"on_council_agenda", s.on_council_agenda},
                          {"verified_incidents", s.verified},
                          {"previous_cycle_verified_incidents", s.previous_verified},
                          {"unverified_incidents", s.unverified},
                          {"victims", VictimsJson(s.victims)},
                          {"by_violation", EnumCounts<Violation>(s.by_violation)},
                          {"parties", PartiesJson(s.parties)},
                          {"status_changes", PartiesJson(s.changes)}});
  }
  j["situations"] = std::move(situations);

  OJson annex = OJson::array();
  for (const AnnexGroup& g : r.annex) {
    annex.push_back({{"situation", g.situation},
                     {"situation_name", g.situation_name},
                     {"state_parties", PartiesJson(g.state_parties)},
                     {"non_state_parties", PartiesJson(g.non_state_parties)}});
  }
  j["annex"] = std::move(annex);

  OJson notice = OJson::array();
  for (const NoticeEntry& n : r.notice) {
    OJson pending = OJson::array();
    for (const PendingMeasure& m : n.pending_measures) {
      OJson mj = MeasureJson(m.measure);
      mj["commitment"] = m.commitment;
      mj["commitment_kind"] = ToString(m.kind);
      pending.push_back(std::move(mj));
    }
    const Evidence& e = n.evidence;
    notice.push_back(
        {{"party", PartyJson(n.party)},
         {"evidence",
          {{"notice_incidents", e.notice_incidents},
           {"notice_locations", e.notice_locations},
           {"notice_span_days", e.notice_span_days},
           {"listing_incidents", e.listing_incidents},
           {"findings_level", e.findings_level},
           {"max_standard", e.max_standard ? OJson(ToString(*e.max_standard)) : OJson(nullptr)}}},
         {"pending_measures", std::move(pending)},
         {"review_cycle", n.review_cycle}});
  }
  j["notice"] = std::move(notice);

  OJson removals = OJson::array();
  for (const Removal& m : r.removals) {
    removals.push_back({{"party", PartyJson(m.party)}, {"reason", m.reason}});
  }
  j["removals"] = std::move(removals);

  OJson late;
  late["incidents"] = r.late_verified;
  OJson counts = OJson::array();
  for (const LateCount& c : r.late_counts) {
    counts.push_back({{"situation", c.situation}, {"cycle", c.cycle}, {"incidents", c.incidents}});
  }
  late["by_situation_and_cycle"] = std::move(counts);
  if (confidential) {
    OJson list = OJson::array();
    for (const LateVerification& l : r.late) {
      list.push_back({{"id", l.id},
                      {"situation", l.situation},
                      {"date", l.date.ToString()},
                      {"verified_on", l.verified_on.ToString()}});
    }
    late["list"] = std::move(list);
  }
  j["late_verifications"] = std::move(late);

  OJson responses;
  OJson statements = OJson::array();
  for (const Response& s : r.responses) statements.push_back(ResponseJson(s, confidential));
  responses["statements"] = std::move(statements);
  OJson institutions = OJson::array();
  for (const InstitutionLatency& i : r.institutions) {
    institutions.push_back({{"by", i.by},
                            {"statements", i.statements},
                            {"median_latency_days", i.median_days},
                            {"slowest_latency_days", i.slowest_days},
                            {"slowest_statement", i.slowest_statement}});
  }
  responses["institutions"] = std::move(institutions);
  OJson disputes = OJson::array();
  for (const Response& s : r.disputes) disputes.push_back(ResponseJson(s, confidential));
  responses["disputes"] = std::move(disputes);
  j["responses"] = std::move(responses);

  OJson engagement = OJson::array();
  for (const EngagementLine& e : r.engagement) {
    OJson latest = nullptr;
    if (e.latest) {
      latest = {{"date", e.latest->date.ToString()}, {"kind", ToString(e.latest->kind)}};
      if (confidential) latest["note"] = e.latest->note;
    }
    engagement.push_back({{"party", e.party.id},
                          {"name", e.party.name},
                          {"status", ToString(e.party.status)},
                          {"latest", std::move(latest)}});
  }
  j["engagement"] = std::move(engagement);

  OJson cases = OJson::array();
  if (confidential) {
    for (const StatementOfCase& s : r.cases) cases.push_back(StatementOfCaseToJson(s, false));
  } else {
    for (const CaseSummary& s : r.case_summaries) {
      OJson criteria = OJson::array();
      for (const Criterion& c : s.criteria) criteria.push_back(CriterionToJson(c));
      OJson srcs = OJson::array();
      for (const Source& src : s.sources) srcs.push_back(SourceJson(src));
      OJson commitments = OJson::array();
      for (const Commitment& c : s.commitments) {
        OJson measures = OJson::array();
        for (const Measure& m : c.measures) measures.push_back(MeasureJson(m));
        commitments.push_back(
            {{"id", c.id},
             {"kind", ToString(c.kind)},
             {"signed", c.signed_on ? OJson(c.signed_on->ToString()) : OJson(nullptr)},
             {"measures", std::move(measures)}});
      }
      cases.push_back({{"party", PartyJson(s.party)},
                       {"criteria", std::move(criteria)},
                       {"explanation", ExplanationToJson(s.explanation)},
                       {"counted_incidents", s.counted_incidents},
                       {"listing_evidence_incidents", s.listing_evidence},
                       {"by_violation", EnumCounts<Violation>(s.by_violation)},
                       {"sources", std::move(srcs)},
                       {"commitments", std::move(commitments)}});
    }
  }
  j["statements_of_case"] = std::move(cases);
  if (r.comparison) j["comparison"] = ComparisonToJson(*r.comparison);
  return j;
}

std::string RenderJson(const Report& r) { return ReportToJson(r).dump(2) + "\n"; }

}  // namespace mara::report
