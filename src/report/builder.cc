#include "report/builder.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <deque>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>

#include "domain/facts.h"
#include "policy/explain.h"
#include "service/case.h"
#include "service/report_input.h"

namespace mara::report {
namespace {

struct CycleAgg {
  int64_t by_status[EnumCount<IncidentStatus>()] = {};
  Victims victims;  // verified incidents
};

struct SituationAgg {
  int64_t verified = 0;
  int64_t previous_verified = 0;
  int64_t unverified = 0;
  Victims victims;
  std::array<int64_t, EnumCount<Violation>()> by_violation{};
};

void AddVictims(Victims* to, const Victims& v) {
  to->women += v.women;
  to->girls += v.girls;
  to->men += v.men;
  to->boys += v.boys;
  to->unknown += v.unknown;
}

// The decision a decided status follows, as the edition may show it.
std::string DecisionText(const PartyAssessment& pa, const std::vector<Decision>& decisions,
                         int cycle, Edition edition) {
  for (const Decision& stored : decisions) {
    if (stored.party == pa.id && stored.cycle == cycle) {
      const Decision d = Disclosed(stored, edition);
      if (d.rationale.empty()) return fmt::format("decision of {}", d.date.ToString());
      return fmt::format("decision of {} by {}: {}", d.date.ToString(), d.decided_by, d.rationale);
    }
  }
  return "decision for the cycle";
}

std::string StandardWords(Standard s) {
  std::string out(ToString(s));
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

// Why a listed or on-notice party has its status in the cycle: the
// criteria of docs/policy.md it met (a pattern of incidents, findings of
// enough sources), the rule that kept it (2: the delisting conditions not
// met; 4: the minimum cycles on notice not served), or a decision.
std::string StatusBasis(const PartyAssessment& pa, const Policy& policy,
                        const std::vector<Decision>& decisions, int cycle, Edition edition) {
  auto find = [&pa](std::string_view rule, std::string_view evidence) {
    return FindCriterion(pa, rule, evidence);
  };
  auto met = [&pa](std::string_view rule, std::string_view evidence) {
    return CriterionMet(pa, rule, evidence);
  };
  auto num = [](const Criterion* c) {
    return c != nullptr && std::holds_alternative<int64_t>(c->observed)
               ? std::get<int64_t>(c->observed)
               : int64_t{0};
  };
  auto limit = [](const Criterion* c) {
    return c != nullptr && std::holds_alternative<int64_t>(c->threshold)
               ? std::get<int64_t>(c->threshold)
               : int64_t{0};
  };
  auto pattern = [&pa](std::string_view evidence) { return PatternMet(pa, evidence); };
  const Evidence& e = pa.evidence;
  const bool listed = pa.status == PartyStatus::kListed;
  // The rules' own reason for the recommended status.
  std::string rules;
  if (pa.rule == 1 || pa.rule == 3) {
    std::vector<std::string> parts;
    if (pa.rule == 1 && pattern("listing")) {
      parts.push_back(fmt::format(
          "a pattern of {} verified incidents at the listing standard ({} or higher) in {} "
          "location(s) over {} day(s)",
          e.listing_incidents, StandardWords(policy.listing_min_standard), e.locations,
          e.span_days));
    }
    if (pa.rule == 1 && met("findings.list_min_sources", "findings")) {
      parts.push_back(fmt::format("findings of a pattern from {} source(s) at level {} or higher",
                                  e.findings_list_sources, policy.findings_list_level));
    }
    if (pa.rule == 3 && pattern("notice")) {
      parts.push_back(fmt::format(
          "a pattern of {} incidents of notice evidence (verified or under verification, {} or "
          "higher) in {} location(s) over {} day(s)",
          e.notice_incidents, StandardWords(policy.notice_min_standard), e.notice_locations,
          e.notice_span_days));
    }
    if (pa.rule == 3 && met("findings.notice_min_sources", "findings")) {
      parts.push_back(fmt::format("findings from {} source(s) at level {} or higher",
                                  e.findings_notice_sources, policy.findings_notice_level));
    }
    std::string joined;
    for (const std::string& part : parts) joined += (joined.empty() ? "" : ", and ") + part;
    rules = fmt::format("{} in {}: {}",
                        pa.rule == 1 ? "credibly suspected of a pattern of conflict-related "
                                       "sexual violence"
                                     : "put on notice, a pattern of conflict-related sexual "
                                       "violence indicated",
                        cycle, joined);
  } else if (pa.rule == 2) {
    std::vector<std::string> unmet;
    if (const Criterion* c = find("delisting.clean_cycles", "delisting"); c && !c->met) {
      unmet.push_back(fmt::format("{} of the {} clean cycle(s) required", num(c), limit(c)));
    }
    if (const Criterion* c = find("listing.min_cycles", "delisting"); c && !c->met) {
      unmet.push_back(fmt::format("listed {} of the minimum {} cycle(s)", num(c), limit(c)));
    }
    if (const Criterion* c = find("delisting.requires_commitments", "delisting"); c && !c->met) {
      unmet.push_back("its commitments not all verified implemented");
    }
    std::string joined;
    for (const std::string& part : unmet) joined += (joined.empty() ? "" : "; ") + part;
    rules = "kept listed by rule 2: the conditions for delisting are not met" +
            (joined.empty() ? std::string() : " (" + joined + ")");
  } else if (pa.rule == 4) {
    const Criterion* c = find("notice.min_cycles", "notice period");
    rules = fmt::format("kept on notice by rule 4: {} of the minimum {} cycle(s) on notice served",
                        num(c), limit(c));
  } else {
    rules = fmt::format("status given by rule {} of the policy", pa.rule);
  }
  std::string out;
  if (pa.decided) {
    out = fmt::format("{} by {}", listed ? "Listed" : "Put on notice",
                      DecisionText(pa, decisions, cycle, edition));
    if (!pa.override) out += "; the policy's rules give the same status: " + rules;
  } else {
    out = rules;
    out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  }
  if (listed && pa.persistent) {
    out += fmt::format("; persistent perpetrator, listed {} consecutive cycles",
                       pa.consecutive_listed_cycles);
  }
  return out;
}

// Why a party left the list or notice, in the words of the rules of docs/policy.md.
std::string RemovalReason(const PartyAssessment& pa, const Policy& policy,
                          const std::vector<Decision>& decisions, int cycle, Edition edition) {
  if (pa.decided) return DecisionText(pa, decisions, cycle, edition);
  if (pa.delisted) {
    return fmt::format(
        "delisted: no listing evidence and no finding in the last {} cycle(s), listed for at "
        "least {} cycle(s){}",
        policy.delisting_clean_cycles, policy.listing_min_cycles,
        policy.delisting_requires_commitments
            ? ", and every measure of its commitments verified implemented"
            : "");
  }
  if (pa.previous_status == PartyStatus::kOnNotice && pa.status == PartyStatus::kNone) {
    return fmt::format(
        "removed from notice: no pattern of notice evidence or findings in the cycle, and the "
        "minimum of {} cycle(s) on notice served",
        policy.notice_min_cycles);
  }
  return fmt::format("status given by rule {} of the policy", pa.rule);
}

// The report's reader of the record (service/report_input.h): counts the
// incidents it is given as they come, keeps the candidates for statements
// of case, and assembles the report when the engine has finished.
class Builder : public ReportReader {
 public:
  Builder(const Policy& policy, int cycle, Edition edition)
      : policy_(policy), cycle_(cycle), edition_(edition) {}

  void Begin(const Bundle& registry, const std::string& data_digest,
             const std::optional<SignedAuditHead>& audit_head) override {
    registry_ = &registry;
    data_digest_ = data_digest;
    r_.audit_head = audit_head;
    for (size_t i = 0; i < registry.situations.size(); ++i) {
      situation_index_[registry.situations[i].id] = i;
    }
    for (const Party& p : registry.parties) parties_[p.id] = &p;
    for (const Source& s : registry.sources) sources_[s.id] = &s;
    for (const Statement& st : registry.statements) {
      for (const std::string& id : st.incidents) statement_incidents_.emplace(id, std::nullopt);
    }
    situations_.resize(registry.situations.size());
    r_.cycle = cycle_;
    r_.edition = edition_;
    r_.min_cell = policy_.publication_min_cell;
  }

  void Add(const Incident& inc) override {
    const int cycle = cycle_;
    Report& r = r_;
    const int c = inc.cycle();
    const bool verified = inc.status == IncidentStatus::kVerified;
    CycleAgg& agg = cycles_[c];
    ++agg.by_status[static_cast<size_t>(inc.status)];
    if (verified) AddVictims(&agg.victims, inc.victims);
    auto sit = situation_index_.find(inc.situation);
    if (c == cycle) {
      if (verified) {
        ++r.verified;
        AddVictims(&victims_, inc.victims);
        for (Violation v : inc.violations) ++r.by_violation[static_cast<size_t>(v)];
        ++r.by_context[static_cast<size_t>(inc.context)];
      }
      if (sit != situation_index_.end()) {
        SituationAgg& s = situations_[sit->second];
        if (verified) {
          ++s.verified;
          AddVictims(&s.victims, inc.victims);
          for (Violation v : inc.violations) ++s.by_violation[static_cast<size_t>(v)];
        } else {
          ++s.unverified;
        }
      }
      if ((verified || inc.status == IncidentStatus::kUnderVerification) &&
          !inc.perpetrators.empty()) {
        case_candidates_.push_back(inc);
      }
    } else if (c == cycle - 1 && verified && sit != situation_index_.end()) {
      ++situations_[sit->second].previous_verified;
    }
    if (verified && c < cycle && inc.verified_on && inc.verified_on->year() == cycle) {
      ++r.late_verified;
      ++late_counts_[{inc.situation, c}];
      if (edition_ == Edition::kConfidential) {
        r.late.push_back({inc.id, inc.situation, inc.date, *inc.verified_on});
      }
    }
    if (!statement_incidents_.empty()) {
      auto it = statement_incidents_.find(inc.id);
      if (it != statement_incidents_.end()) it->second = inc.date;
    }
  }

  Status Finish(const Assessor& assessor, const Assessment& assessment) override;

  Report Take() { return std::move(r_); }

 private:
  const Policy& policy_;
  const int cycle_;
  const Edition edition_;
  const Bundle* registry_ = nullptr;
  std::string data_digest_;
  std::unordered_map<std::string_view, size_t> situation_index_;
  std::unordered_map<std::string_view, const Party*> parties_;
  std::map<std::string_view, const Source*> sources_;
  // Incidents that statements are about: id -> date once seen.
  std::unordered_map<std::string, std::optional<Date>> statement_incidents_;
  std::map<int, CycleAgg> cycles_;
  std::vector<SituationAgg> situations_;
  Report r_;
  Victims victims_;
  // A deque grows without moving what it holds: a million-incident store
  // has about a hundred thousand candidates in a cycle.
  std::deque<Incident> case_candidates_;
  std::map<std::pair<std::string, int>, int64_t> late_counts_;
};

Status Builder::Finish(const Assessor& assessor, const Assessment& assessment) {
  const Policy& policy = policy_;
  const int cycle = cycle_;
  const Edition edition = edition_;
  const Bundle& registry = *registry_;
  const std::string& data_digest = data_digest_;
  const int min_cell = policy.publication_min_cell;
  auto& situation_index = situation_index_;
  auto& parties = parties_;
  auto& sources = sources_;
  auto& statement_incidents = statement_incidents_;
  auto& cycles = cycles_;
  auto& situations = situations_;
  Report& r = r_;
  Victims& victims = victims_;
  auto& case_candidates = case_candidates_;
  auto& late_counts = late_counts_;
  r.policy_name = policy.name;
  r.policy = policy;
  r.policy_version = policy.version;
  r.policy_digest = assessment.policy_digest;
  r.data_digest = data_digest;

  // 1. Summary.
  const CycleAgg& here = cycles[cycle];
  r.under_verification = here.by_status[static_cast<size_t>(IncidentStatus::kUnderVerification)];
  r.reported = here.by_status[static_cast<size_t>(IncidentStatus::kReported)];
  r.not_verified = here.by_status[static_cast<size_t>(IncidentStatus::kNotVerified)];
  r.victims = PublishVictims(victims, edition, min_cell);
  auto verified_in = [&](int c) {
    auto it = cycles.find(c);
    return it == cycles.end()
               ? 0
               : it->second.by_status[static_cast<size_t>(IncidentStatus::kVerified)];
  };
  const int first = cycles.begin()->first;
  const int last = std::max(cycles.rbegin()->first, cycle);
  if (first < cycle) r.previous_verified = verified_in(cycle - 1);
  int64_t best = 0;
  for (int c = first; c <= last; ++c) best = std::max(best, verified_in(c));
  r.highest_on_record = r.verified > 0 && r.verified >= best;
  for (int c = cycle; c > first; --c) {
    int64_t before = 0;
    for (int e = first; e < c; ++e) before = std::max(before, verified_in(e));
    if (verified_in(c) <= before) break;
    ++r.record_streak;
  }
  for (const SituationAgg& s : situations) r.situations_covered += s.verified > 0 ? 1 : 0;

  // Party lines, from the assessment.
  std::map<std::string, std::vector<Designation>> designations;
  const std::set<std::string> hidden_sources = HiddenSources(registry, edition);
  for (const Designation& d : registry.designations) {
    designations[d.party].push_back(Disclosed(d, hidden_sources));
  }
  auto line_of = [&](const PartyAssessment& pa) {
    PartyLine l;
    l.id = pa.id;
    l.name = pa.name;
    l.kind = pa.kind;
    l.situation = pa.situation;
    l.aliases = parties.at(pa.id)->aliases;
    l.names = parties.at(pa.id)->names;
    l.status = pa.status;
    l.status_since = pa.history.empty() ? cycle : pa.history.back().cycle;
    for (auto h = pa.history.rbegin(); h != pa.history.rend() && h->status == pa.status; ++h) {
      l.status_since = h->cycle;
    }
    l.previous_status = pa.previous_status;
    l.newly_listed =
        pa.status == PartyStatus::kListed && pa.previous_status != PartyStatus::kListed;
    l.persistent = pa.persistent;
    l.consecutive_listed_cycles = pa.consecutive_listed_cycles;
    l.decided = pa.decided;
    l.override = pa.override;
    l.listing_incidents = pa.evidence.listing_incidents;
    l.notice_incidents = pa.evidence.notice_incidents;
    if (pa.status != PartyStatus::kNone) {
      l.basis = StatusBasis(pa, policy, registry.decisions, cycle, edition);
    }
    auto it = designations.find(pa.id);
    if (it != designations.end()) l.designations = it->second;
    return l;
  };

  // 2. Trends.
  std::map<int, std::pair<int64_t, int64_t>> statuses_by_cycle;  // listed, on notice
  for (const PartyAssessment& pa : assessment.parties) {
    if (pa.status == PartyStatus::kListed) ++r.listed_parties;
    if (pa.status == PartyStatus::kOnNotice) ++r.on_notice_parties;
    for (const CycleStatus& h : pa.history) {
      auto& [listed, notice] = statuses_by_cycle[h.cycle];
      if (h.status == PartyStatus::kListed) ++listed;
      if (h.status == PartyStatus::kOnNotice) ++notice;
    }
  }
  for (int c = first; c <= last; ++c) {
    CycleRow row;
    row.cycle = c;
    auto it = cycles.find(c);
    CycleAgg agg = it == cycles.end() ? CycleAgg{} : it->second;
    row.verified = agg.by_status[static_cast<size_t>(IncidentStatus::kVerified)];
    row.under_verification = agg.by_status[static_cast<size_t>(IncidentStatus::kUnderVerification)];
    row.reported = agg.by_status[static_cast<size_t>(IncidentStatus::kReported)];
    row.not_verified = agg.by_status[static_cast<size_t>(IncidentStatus::kNotVerified)];
    row.victims = PublishVictims(agg.victims, edition, min_cell);
    if (c <= cycle && assessment.first_cycle && c >= *assessment.first_cycle) {
      auto s = statuses_by_cycle.find(c);
      row.listed = s == statuses_by_cycle.end() ? 0 : s->second.first;
      row.on_notice = s == statuses_by_cycle.end() ? 0 : s->second.second;
    }
    r.trends.push_back(std::move(row));
  }

  // 3. Situations (registry order is by id).
  for (size_t i = 0; i < registry.situations.size(); ++i) {
    const Situation& s = registry.situations[i];
    const SituationAgg& agg = situations[i];
    SituationSection sec;
    sec.id = s.id;
    sec.name = s.name;
    sec.on_council_agenda = s.on_council_agenda;
    sec.iso3 = s.iso3;
    sec.verified = agg.verified;
    sec.previous_verified = agg.previous_verified;
    sec.unverified = agg.unverified;
    sec.victims = PublishVictims(agg.victims, edition, min_cell);
    sec.by_violation = agg.by_violation;
    for (const PartyAssessment& pa : assessment.parties) {
      if (pa.situation != s.id) continue;
      sec.parties.push_back(line_of(pa));
      if (pa.status != pa.previous_status) sec.changes.push_back(sec.parties.back());
    }
    r.situations.push_back(std::move(sec));
  }

  // 4. Annex, 5. notice and removals, 8. engagement.
  std::map<std::pair<std::string, std::string>, AnnexGroup> annex;  // (name, id)
  std::set<std::string> of_interest;
  for (const PartyAssessment& pa : assessment.parties) {
    PartyLine l = line_of(pa);
    if (pa.status == PartyStatus::kListed || pa.status == PartyStatus::kOnNotice) {
      of_interest.insert(pa.id);
      EngagementLine e;
      e.party = l;
      for (const Engagement& g : registry.engagements) {
        if (g.party == pa.id && (!e.latest || e.latest->date <= g.date)) e.latest = g;
      }
      if (e.latest && edition == Edition::kPublic) e.latest->note.clear();
      r.engagement.push_back(std::move(e));
    }
    if (pa.status == PartyStatus::kListed) {
      std::string name = pa.situation;
      auto it = situation_index.find(pa.situation);
      if (it != situation_index.end()) name = registry.situations[it->second].name;
      AnnexGroup& g = annex[{name, pa.situation}];
      g.situation = pa.situation;
      g.situation_name = name;
      (pa.kind == PartyKind::kState ? g.state_parties : g.non_state_parties).push_back(l);
    } else if (pa.status == PartyStatus::kOnNotice) {
      NoticeEntry n;
      n.party = l;
      n.evidence = pa.evidence;
      n.review_cycle = cycle + 1;
      for (const Commitment& cm : registry.commitments) {
        if (cm.party != pa.id) continue;
        for (const Measure& m : cm.measures) {
          if (m.status != MeasureStatus::kVerifiedImplemented) {
            n.pending_measures.push_back({cm.id, cm.kind, m});
          }
        }
      }
      r.notice.push_back(std::move(n));
    }
    if ((pa.previous_status == PartyStatus::kListed && pa.status != PartyStatus::kListed) ||
        (pa.previous_status == PartyStatus::kOnNotice && pa.status == PartyStatus::kNone)) {
      r.removals.push_back({l, RemovalReason(pa, policy, registry.decisions, cycle, edition)});
    }
  }
  auto by_name = [](const PartyLine& a, const PartyLine& b) {
    return std::tie(a.name, a.id) < std::tie(b.name, b.id);
  };
  for (auto& [key, g] : annex) {
    std::sort(g.state_parties.begin(), g.state_parties.end(), by_name);
    std::sort(g.non_state_parties.begin(), g.non_state_parties.end(), by_name);
    r.annex.push_back(std::move(g));
  }
  std::stable_sort(
      r.notice.begin(), r.notice.end(), [](const NoticeEntry& a, const NoticeEntry& b) {
        return std::tie(a.party.situation, a.party.id) < std::tie(b.party.situation, b.party.id);
      });

  // 6. Late verifications.
  for (const auto& [key, n] : late_counts) r.late_counts.push_back({key.first, key.second, n});

  // 7. Responses: statements about shown incidents of the cycle.
  std::map<std::string, std::vector<int64_t>> latencies;
  for (const Statement& st : registry.statements) {
    Response resp;
    std::optional<Date> earliest;
    bool about_cycle = false;
    for (const std::string& id : st.incidents) {
      auto it = statement_incidents.find(id);
      if (it == statement_incidents.end() || !it->second) continue;
      ++resp.incidents;
      about_cycle = about_cycle || it->second->year() == cycle;
      if (!earliest || *it->second < *earliest) earliest = it->second;
    }
    if (!about_cycle) continue;
    resp.id = st.id;
    resp.by = st.by;
    resp.date = st.date;
    resp.kind = st.kind;
    resp.earliest_incident = *earliest;
    resp.latency_days = st.date.DaysSinceEpoch() - earliest->DaysSinceEpoch();
    if (edition == Edition::kConfidential) resp.text = st.text;
    latencies[st.by].push_back(resp.latency_days);
    r.responses.push_back(std::move(resp));
  }
  std::sort(r.responses.begin(), r.responses.end(), [](const Response& a, const Response& b) {
    return std::tie(a.date, a.id) < std::tie(b.date, b.id);
  });
  for (const Response& resp : r.responses) {
    if (resp.kind == StatementKind::kDispute) r.disputes.push_back(resp);
  }
  for (auto& [by, days] : latencies) {
    InstitutionLatency inst;
    inst.by = by;
    inst.statements = static_cast<int64_t>(days.size());
    std::sort(days.begin(), days.end());
    size_t n = days.size();
    inst.median_days = n % 2 ? static_cast<double>(days[n / 2])
                             : (static_cast<double>(days[n / 2 - 1]) + days[n / 2]) / 2.0;
    inst.slowest_days = days.back();
    for (const Response& resp : r.responses) {
      if (resp.by == by && resp.latency_days == inst.slowest_days) {
        inst.slowest_statement = resp.id;
        break;
      }
    }
    r.institutions.push_back(std::move(inst));
  }

  // 9. Statements of case for listed and on-notice parties.
  std::map<std::string, StatementOfCase> cases;
  for (const std::string& id : of_interest) {
    const StatementOfCase* shared = cases.empty() ? nullptr : &cases.begin()->second;
    StatementOfCase s =
        StatementOfCaseFrom(registry, policy, assessment, *parties.at(id), cycle, shared);
    cases.emplace(id, std::move(s));
  }
  for (const Incident& inc : case_candidates) {
    std::unordered_set<std::string_view> seen;
    for (const Attribution& a : inc.perpetrators) {
      // The engine decides what counts; this only walks the candidates:
      // each named party and the parties it belongs to.
      for (auto p = parties.find(a.party); p != parties.end();) {
        std::string_view id = p->second->id;
        if (!seen.insert(id).second) break;
        auto cs = cases.find(std::string(id));
        if (cs != cases.end()) {
          std::optional<CaseIncident> ci =
              CaseIncidentFor(assessor, policy, inc, id, cycle, sources);
          if (ci) cs->second.incidents.push_back(std::move(*ci));
        }
        if (!p->second->parent) break;
        p = parties.find(*p->second->parent);
      }
    }
  }
  case_candidates.clear();
  for (auto& [id, s] : cases) {
    std::sort(s.incidents.begin(), s.incidents.end(),
              [](const CaseIncident& a, const CaseIncident& b) {
                return std::tie(a.incident.date, a.incident.id) <
                       std::tie(b.incident.date, b.incident.id);
              });
    if (edition == Edition::kConfidential) {
      r.cases.push_back(std::move(s));
      continue;
    }
    CaseSummary sum;
    sum.party = line_of(s.assessment);
    sum.criteria = s.assessment.criteria;
    sum.explanation = s.explanation;
    sum.assessment = s.assessment;
    std::map<std::string, Source> cited;
    for (const CaseIncident& ci : s.incidents) {
      if (!IncludesConsent(edition, ci.incident.consent)) continue;
      ++sum.counted_incidents;
      if (ci.listing_evidence) ++sum.listing_evidence;
      for (Violation v : ci.incident.violations) ++sum.by_violation[static_cast<size_t>(v)];
      for (const Source& src : ci.sources) {
        if (ShowsSource(edition, src)) cited.emplace(src.id, src);
      }
    }
    for (auto& [sid, src] : cited) sum.sources.push_back(std::move(src));
    sum.commitments = s.commitments;
    sum.designations = sum.party.designations;
    r.case_summaries.push_back(std::move(sum));
  }
  return Status::Ok();
}

}  // namespace

Result<Report> BuildReport(Session& session, const Policy& policy, int cycle, Edition edition,
                           const std::vector<ReferenceEntry>* reference) {
  Builder builder(policy, cycle, edition);
  MARA_RETURN_IF_ERROR(ReadForReport(session, policy, cycle, edition, builder));
  Report report = builder.Take();
  if (reference != nullptr) {
    MARA_ASSIGN_OR_RETURN(report.comparison,
                          CompareWithReference(session, policy, *reference, cycle));
  }
  return report;
}

}  // namespace mara::report
