#include "report/document.h"

#include <fmt/format.h>

#include <map>

#include "policy/policy.h"
#include "report/svg.h"
#include "security/clock.h"

namespace mara::report {
namespace {

using Kind = Block::Kind;

Block Paragraph(std::string text) { return Block{Kind::kParagraph, std::move(text)}; }
Block Note(std::string text) { return Block{Kind::kNote, std::move(text)}; }
Block List(std::vector<std::string> items) {
  Block b{Kind::kList};
  b.items = std::move(items);
  return b;
}
Block TableBlock(Table t) {
  Block b{Kind::kTable};
  b.table = std::move(t);
  return b;
}
Block Chart(std::string title, std::string svg) {
  Block b{Kind::kChart, std::move(title)};
  b.svg = std::move(svg);
  return b;
}

Table MakeTable(std::vector<std::string> header, std::vector<bool> numeric) {
  Table t;
  t.header = std::move(header);
  t.numeric = std::move(numeric);
  return t;
}

std::string Plural(int64_t n, std::string_view one, std::string_view many) {
  return Thousands(n) + " " + std::string(n == 1 ? one : many);
}

std::string Change(int64_t now, int64_t before) {
  if (before == 0) return now == 0 ? "unchanged" : "new";
  double pct = 100.0 * static_cast<double>(now - before) / static_cast<double>(before);
  return fmt::format("{:+} ({:+.1f}%)", now - before, pct);
}

std::string Marks(const PartyLine& p) {
  std::vector<std::string> marks;
  if (p.newly_listed) marks.push_back("newly listed");
  if (p.persistent) {
    marks.push_back(fmt::format("persistent perpetrator ({} cycles)", p.consecutive_listed_cycles));
  }
  if (p.decided) marks.push_back(p.override ? "decision (override)" : "decision");
  std::string out;
  for (const std::string& m : marks) out += (out.empty() ? "" : "; ") + m;
  return out.empty() ? "-" : out;
}

std::string DesignationSentence(const PartyLine& p) {
  std::string out;
  for (const Designation& d : p.designations) {
    if (!out.empty()) out += "; ";
    out +=
        fmt::format("{}: {} ({}, since {}{})", d.authority, d.program, Words(ToString(d.kind)),
                    d.listed_on.ToString(), d.ended_on ? ", ended " + d.ended_on->ToString() : "");
  }
  return out.empty() ? "-" : out;
}

std::string Ordinal(int n) {
  const int tens = n % 100;
  const char* suffix = (tens >= 11 && tens <= 13) ? "th"
                       : n % 10 == 1              ? "st"
                       : n % 10 == 2              ? "nd"
                       : n % 10 == 3              ? "rd"
                                                  : "th";
  return std::to_string(n) + suffix;
}

std::string PartyName(const PartyLine& p) { return fmt::format("{} ({})", p.name, p.id); }

Table VictimTable(const VictimCells& v) {
  Table t = MakeTable(
      {"Women", "Girls", "Men", "Boys", "Unknown", "Total", "Women and girls", "Children"},
      std::vector<bool>(8, true));
  t.rows.push_back({v.women.text, v.girls.text, v.men.text, v.boys.text, v.unknown.text,
                    v.total.text, v.women_and_girls.text, v.children.text});
  return t;
}

template <typename E, size_t N>
std::pair<Table, std::vector<Bar>> Breakdown(std::string_view what,
                                             const std::array<int64_t, N>& counts,
                                             std::optional<E> highlight = std::nullopt) {
  Table t = MakeTable({std::string(what), "Verified incidents"}, {false, true});
  std::vector<Bar> bars;
  for (size_t i = 0; i < N; ++i) {
    std::string label = Words(ToString(static_cast<E>(i)));
    t.rows.push_back({label, Thousands(counts[i])});
    bars.push_back({label, counts[i], highlight && static_cast<size_t>(*highlight) == i});
  }
  return {std::move(t), std::move(bars)};
}

Table PartyTable(const std::vector<PartyLine>& parties) {
  Table t = MakeTable(
      {"Party", "Kind", "Status", "Previous", "Listing evidence", "Notice evidence", "Marks"},
      {false, false, false, false, true, true, false});
  for (const PartyLine& p : parties) {
    t.rows.push_back({PartyName(p), Words(ToString(p.kind)), Words(ToString(p.status)),
                      Words(ToString(p.previous_status)), Thousands(p.listing_incidents),
                      Thousands(p.notice_incidents), Marks(p)});
  }
  return t;
}

// The status in sentences (policy/explain.h): why, each criterion, how
// they combine, what would change it.
void AddExplanation(const Explanation& e, Section* sec) {
  sec->blocks.push_back(Paragraph(e.summary));
  Table t = MakeTable({"Criterion", "Met"}, {false, false});
  for (const ExplainedCriterion& c : e.criteria)
    t.rows.push_back({c.sentence, c.met ? "yes" : "no"});
  sec->blocks.push_back(TableBlock(std::move(t)));
  sec->blocks.push_back(Paragraph(e.combination));
  if (!e.would_change.empty()) {
    std::string text = "What would change it:";
    for (const std::string& w : e.would_change) text += " " + w;
    sec->blocks.push_back(Paragraph(text));
  }
}

Table CommitmentTable(const std::vector<Commitment>& commitments) {
  Table t = MakeTable({"Commitment", "Measure", "Due", "Status"}, {false, false, false, false});
  for (const Commitment& c : commitments) {
    for (const Measure& m : c.measures) {
      t.rows.push_back({fmt::format("{} ({}, signed {})", c.id, Words(ToString(c.kind)),
                                    c.signed_on ? c.signed_on->ToString() : "-"),
                        m.text, m.due ? m.due->ToString() : "-", std::string(ToString(m.status))});
    }
  }
  return t;
}

std::string ViolationList(const std::vector<Violation>& violations) {
  std::string out;
  for (Violation v : violations) out += (out.empty() ? "" : ", ") + Words(ToString(v));
  return out;
}

void AddCase(const StatementOfCase& s, const Report& r, Section* sec) {
  const PartyAssessment& a = s.assessment;
  sec->blocks.push_back(Paragraph(
      fmt::format("{} party of {}; status {} (recommended {}, previous {}){}{}.",
                  Words(ToString(s.party.kind)), s.party.situation, Words(ToString(a.status)),
                  Words(ToString(a.recommended_status)), Words(ToString(a.previous_status)),
                  a.decided ? ", decided" : "", a.persistent ? ", persistent perpetrator" : "")));
  if (s.splinter_origin) {
    sec->blocks.push_back(Note(fmt::format("Split from {} ({}); its history is not carried over.",
                                           s.splinter_origin->name, s.splinter_origin->id)));
  }
  if (s.parent) {
    sec->blocks.push_back(Note(fmt::format("Unit of {} ({}).", s.parent->name, s.parent->id)));
  }
  if (s.party.dissolved) {
    sec->blocks.push_back(
        Note(fmt::format("Dissolved {} (source: {}).",
                         s.party.dissolved->date ? "on " + s.party.dissolved->date->ToString()
                                                 : std::string("(date unknown)"),
                         s.party.dissolved->source)));
  }
  AddExplanation(s.explanation, sec);
  Table inc = MakeTable({"Incident", "Date", "Location", "Violations", "Victims", "Standard",
                         "Evidence", "Sources", "Narrative"},
                        {false, false, false, false, true, false, false, false, false});
  for (const CaseIncident& c : s.incidents) {
    const Incident& i = c.incident;
    std::string sources;
    for (const Source& src : c.sources) {
      sources += (sources.empty() ? "" : "; ") +
                 fmt::format("{} ({}{})", src.publisher, Words(ToString(src.kind)),
                             src.confidential ? ", confidential" : "");
    }
    inc.rows.push_back({i.id, i.date.ToString(), i.location.name, ViolationList(i.violations),
                        Thousands(i.victims.Total()), Words(ToString(c.standard)),
                        c.listing_evidence ? "listing" : (c.notice_evidence ? "notice" : "-"),
                        sources.empty() ? "-" : sources, i.narrative ? *i.narrative : "-"});
  }
  sec->blocks.push_back(Paragraph(
      fmt::format("Counted incidents in {}: {}.", r.cycle, Thousands(s.incidents.size()))));
  if (!inc.rows.empty()) sec->blocks.push_back(TableBlock(std::move(inc)));
  if (!s.findings.empty()) {
    Table f = MakeTable({"Cycle", "Source", "Level"}, {true, false, true});
    for (const Finding& x : s.findings) {
      f.rows.push_back({std::to_string(x.cycle), x.source, std::to_string(x.level)});
    }
    sec->blocks.push_back(TableBlock(std::move(f)));
  }
  if (!s.commitments.empty()) sec->blocks.push_back(TableBlock(CommitmentTable(s.commitments)));
  std::vector<std::string> items;
  for (const Designation& d : s.designations) {
    items.push_back(fmt::format("Designation: {}, {} ({}), since {}{}", d.authority, d.program,
                                Words(ToString(d.kind)), d.listed_on.ToString(),
                                d.ended_on ? ", ended " + d.ended_on->ToString() : ""));
  }
  for (const Engagement& e : s.engagements) {
    items.push_back(
        fmt::format("Engagement {}: {}. {}", e.date.ToString(), Words(ToString(e.kind)), e.note));
  }
  for (const Decision& d : s.decisions) {
    items.push_back(fmt::format("Decision for {}: {} by {} on {}: {}", d.cycle,
                                Words(ToString(d.status)), d.decided_by, d.date.ToString(),
                                d.rationale));
  }
  std::string history;
  for (const CycleStatus& h : a.history) {
    history +=
        (history.empty() ? "" : ", ") +
        fmt::format("{} {}{}", h.cycle, Words(ToString(h.status)), h.decided ? " (decided)" : "");
  }
  items.push_back("Status history: " + (history.empty() ? "-" : history));
  sec->blocks.push_back(List(std::move(items)));
}

void AddCaseSummary(const CaseSummary& s, const Report& r, Section* sec) {
  sec->blocks.push_back(Paragraph(fmt::format(
      "{} party of {}; status {} (previous {}). Counted incidents in {} shown in this edition: {}, "
      "of which {} listing evidence.",
      Words(ToString(s.party.kind)), s.party.situation, Words(ToString(s.party.status)),
      Words(ToString(s.party.previous_status)), r.cycle, Thousands(s.counted_incidents),
      Thousands(s.listing_evidence))));
  AddExplanation(s.explanation, sec);
  std::string violations;
  for (size_t i = 0; i < s.by_violation.size(); ++i) {
    if (s.by_violation[i] == 0) continue;
    violations += (violations.empty() ? "" : ", ") +
                  fmt::format("{} {}", Words(ToString(static_cast<Violation>(i))),
                              Thousands(s.by_violation[i]));
  }
  std::vector<std::string> items;
  items.push_back("Violations: " + (violations.empty() ? "-" : violations));
  for (const Source& src : s.sources) {
    items.push_back(fmt::format("Source: {}, {} ({}{})", src.publisher, src.title,
                                Words(ToString(src.kind)),
                                src.date ? ", " + src.date->ToString() : ""));
  }
  items.push_back("Outside designations: " + DesignationSentence(s.party));
  sec->blocks.push_back(List(std::move(items)));
  if (!s.commitments.empty()) sec->blocks.push_back(TableBlock(CommitmentTable(s.commitments)));
}

}  // namespace

std::string Words(std::string_view snake) {
  std::string out(snake);
  for (char& c : out) {
    if (c == '_') c = ' ';
  }
  return out;
}

std::string Thousands(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

Document BuildDocument(const Report& r) {
  const bool confidential = r.edition == Edition::kConfidential;
  std::map<std::string, std::string> situation_names;
  for (const SituationSection& s : r.situations) situation_names[s.id] = s.name;
  auto situation_name = [&](const std::string& id) {
    auto it = situation_names.find(id);
    return it == situation_names.end() ? id : it->second;
  };

  Document d;
  d.title = fmt::format("Conflict-related sexual violence: annual report on {}", r.cycle);
  if (confidential) d.edition_mark = "CONFIDENTIAL EDITION - not for publication";
  d.provenance = {
      {"Cycle", std::to_string(r.cycle)},
      {"Edition", std::string(EditionName(r.edition))},
      {"Policy", fmt::format("{} {}", r.policy_name, r.policy_version)},
      {"Policy digest", r.policy_digest},
      {"Data digest", r.data_digest},
      {"Format", std::string(kReportFormat)},
  };
  if (r.audit_head) {
    d.provenance.push_back(
        {"Audit head",
         fmt::format("record {}, hash {}, signed by key {} at {}", r.audit_head->checkpoint.seq,
                     r.audit_head->checkpoint.hash, r.audit_head->checkpoint.key_id,
                     security::FormatMillisUtc(r.audit_head->time_ms))});
  }

  // 1. Summary.
  Section s1{"summary", "1. Summary"};
  std::string headline = fmt::format("In {}, {} of conflict-related sexual violence were verified",
                                     r.cycle, Plural(r.verified, "incident", "incidents"));
  if (r.previous_verified) {
    headline += fmt::format(", against {} in {}: {}", Thousands(*r.previous_verified), r.cycle - 1,
                            Change(r.verified, *r.previous_verified));
  }
  headline += ".";
  if (r.highest_on_record) {
    headline += " This is the highest number on record";
    headline += r.record_streak > 1 ? fmt::format(", and the {} consecutive cycle to set a record.",
                                                  Ordinal(r.record_streak))
                                    : ".";
  }
  s1.blocks.push_back(Paragraph(headline));
  s1.blocks.push_back(Note(fmt::format(
      "Only verified incidents enter these figures. Not counted: {} under verification, {} "
      "reported and not yet verified, {} that could not be verified.",
      Thousands(r.under_verification), Thousands(r.reported), Thousands(r.not_verified))));
  s1.blocks.push_back(Paragraph(fmt::format(
      "The verified incidents cover {} of {}. {} listed in the annex and {} on notice.",
      Plural(r.situations_covered, "situation", "situations"), Thousands(r.situations.size()),
      Plural(r.listed_parties, "party is", "parties are"), Thousands(r.on_notice_parties))));
  s1.blocks.push_back(Paragraph("Victims of verified incidents, by sex and age:"));
  s1.blocks.push_back(TableBlock(VictimTable(r.victims)));
  if (!confidential) {
    s1.blocks.push_back(Note(fmt::format(
        "Counts below {} are shown as \"<{}\"; a total or share from which such a count could be "
        "worked out is withheld.",
        r.min_cell, r.min_cell)));
  }
  auto [vt, vb] = Breakdown<Violation>("Violation", r.by_violation);
  s1.blocks.push_back(Chart("Verified incidents by violation type",
                            BarChartSvg("Verified incidents by violation type", vb)));
  s1.blocks.push_back(TableBlock(std::move(vt)));
  auto [ct, cb] = Breakdown<Context>("Context", r.by_context, std::optional(Context::kDetention));
  s1.blocks.push_back(
      Chart("Verified incidents by context", BarChartSvg("Verified incidents by context", cb)));
  s1.blocks.push_back(TableBlock(std::move(ct)));
  Table st = MakeTable({"Situation", "Verified incidents", "Previous cycle", "Change"},
                       {false, true, true, false});
  for (const SituationSection& s : r.situations) {
    st.rows.push_back({s.name, Thousands(s.verified), Thousands(s.previous_verified),
                       Change(s.verified, s.previous_verified)});
  }
  s1.blocks.push_back(TableBlock(std::move(st)));
  d.sections.push_back(std::move(s1));

  // 2. Trends.
  Section s2{"trends", "2. Trends"};
  std::vector<Bar> bars;
  Table tt = MakeTable({"Cycle", "Verified", "Under verification", "Reported", "Not verified",
                        "Victims (verified)", "Listed parties", "Parties on notice"},
                       std::vector<bool>(8, true));
  for (const CycleRow& c : r.trends) {
    bars.push_back({std::to_string(c.cycle), c.verified, c.cycle == r.cycle});
    tt.rows.push_back(
        {std::to_string(c.cycle), Thousands(c.verified), Thousands(c.under_verification),
         Thousands(c.reported), Thousands(c.not_verified), c.victims.total.text,
         c.listed ? Thousands(*c.listed) : "-", c.on_notice ? Thousands(*c.on_notice) : "-"});
  }
  s2.blocks.push_back(
      Chart("Verified incidents by cycle", ColumnChartSvg("Verified incidents by cycle", bars)));
  s2.blocks.push_back(TableBlock(std::move(tt)));
  d.sections.push_back(std::move(s2));

  // 3. Situations.
  Section s3{"situations", "3. Situations"};
  s3.blocks.push_back(
      Paragraph("One section per situation: counts, parties and changes of status."));
  d.sections.push_back(std::move(s3));
  for (const SituationSection& s : r.situations) {
    Section sec{"situation-" + s.id, fmt::format("{} ({})", s.name, s.id), 3};
    sec.blocks.push_back(Paragraph(fmt::format(
        "{} the Security Council's agenda. {} verified in {} ({} in {}); {} not verified or "
        "still under verification.",
        s.on_council_agenda ? "On" : "Not on", Plural(s.verified, "incident", "incidents"), r.cycle,
        Thousands(s.previous_verified), r.cycle - 1, Thousands(s.unverified))));
    sec.blocks.push_back(TableBlock(VictimTable(s.victims)));
    std::string violations;
    for (size_t i = 0; i < s.by_violation.size(); ++i) {
      if (s.by_violation[i] == 0) continue;
      violations += (violations.empty() ? "" : ", ") +
                    fmt::format("{} {}", Words(ToString(static_cast<Violation>(i))),
                                Thousands(s.by_violation[i]));
    }
    sec.blocks.push_back(
        Paragraph("Violations: " + (violations.empty() ? "none" : violations) + "."));
    if (!s.parties.empty()) sec.blocks.push_back(TableBlock(PartyTable(s.parties)));
    std::vector<std::string> changes;
    for (const PartyLine& p : s.changes) {
      changes.push_back(fmt::format("{}: {} to {}", PartyName(p),
                                    Words(ToString(p.previous_status)), Words(ToString(p.status))));
    }
    sec.blocks.push_back(changes.empty() ? Paragraph("No change of status.")
                                         : List(std::move(changes)));
    d.sections.push_back(std::move(sec));
  }

  // 4. Annex.
  Section s4{"annex", "4. Annex: parties credibly suspected of patterns of sexual violence"};
  s4.blocks.push_back(Note(
      "The naming of a situation does not imply the responsibility of the State concerned; the "
      "annex lists parties, grouped by situation, state parties first."));
  if (r.annex.empty()) s4.blocks.push_back(Paragraph("No party is listed."));
  d.sections.push_back(std::move(s4));
  for (const AnnexGroup& g : r.annex) {
    Section sec{"annex-" + g.situation, g.situation_name, 3};
    for (const auto& [label, list] : {std::pair{"State parties", &g.state_parties},
                                      std::pair{"Non-state parties", &g.non_state_parties}}) {
      if (list->empty()) continue;
      sec.blocks.push_back(Paragraph(std::string(label) + ":"));
      Table t = MakeTable({"Party", "Marks", "Outside designations"}, {false, false, false});
      for (const PartyLine& p : *list)
        t.rows.push_back({PartyName(p), Marks(p), DesignationSentence(p)});
      sec.blocks.push_back(TableBlock(std::move(t)));
    }
    d.sections.push_back(std::move(sec));
  }

  // 5. Notice and removals.
  Section s5{"notice", "5. Parties on notice, delistings and removals"};
  if (r.notice.empty()) s5.blocks.push_back(Paragraph("No party is on notice."));
  if (!r.notice.empty()) {
    Table t = MakeTable({"Party", "Situation", "Evidence indicated", "Pending measures", "Review"},
                        {false, false, false, false, true});
    for (const NoticeEntry& n : r.notice) {
      const Evidence& e = n.evidence;
      std::string evidence =
          fmt::format("{} notice incidents at {} locations over {} days; findings level {}",
                      Thousands(e.notice_incidents), Thousands(e.notice_locations),
                      Thousands(e.notice_span_days), e.findings_level);
      std::string pending;
      for (const PendingMeasure& m : n.pending_measures) {
        pending +=
            (pending.empty() ? "" : "; ") +
            fmt::format("{} ({}, {}{})", m.measure.text, m.commitment, ToString(m.measure.status),
                        m.measure.due ? ", due " + m.measure.due->ToString() : "");
      }
      t.rows.push_back({PartyName(n.party), situation_name(n.party.situation), evidence,
                        pending.empty() ? "none recorded" : pending,
                        std::to_string(n.review_cycle)});
    }
    s5.blocks.push_back(TableBlock(std::move(t)));
  }
  Section removals{"removals", "Delistings and removals from notice", 3};
  if (r.removals.empty()) removals.blocks.push_back(Paragraph("None in this cycle."));
  if (!r.removals.empty()) {
    Table t = MakeTable({"Party", "Situation", "From", "To", "Reason"},
                        {false, false, false, false, false});
    for (const Removal& m : r.removals) {
      t.rows.push_back({PartyName(m.party), situation_name(m.party.situation),
                        Words(ToString(m.party.previous_status)), Words(ToString(m.party.status)),
                        m.reason});
    }
    removals.blocks.push_back(TableBlock(std::move(t)));
  }
  d.sections.push_back(std::move(s5));
  d.sections.push_back(std::move(removals));

  // 6. Late verifications.
  Section s6{"late", "6. Late verifications"};
  s6.blocks.push_back(Paragraph(fmt::format(
      "{} verified in {} happened in an earlier cycle; they are counted in the cycle in which they "
      "happened.",
      Plural(r.late_verified, "incident", "incidents"), r.cycle)));
  if (!r.late_counts.empty()) {
    Table t = MakeTable({"Situation", "Cycle of the incident", "Incidents"}, {false, true, true});
    for (const LateCount& c : r.late_counts) {
      t.rows.push_back(
          {situation_name(c.situation), std::to_string(c.cycle), Thousands(c.incidents)});
    }
    s6.blocks.push_back(TableBlock(std::move(t)));
  }
  if (confidential && !r.late.empty()) {
    Table t =
        MakeTable({"Incident", "Situation", "Date", "Verified on"}, {false, false, false, false});
    for (const LateVerification& l : r.late) {
      t.rows.push_back(
          {l.id, situation_name(l.situation), l.date.ToString(), l.verified_on.ToString()});
    }
    s6.blocks.push_back(TableBlock(std::move(t)));
  }
  d.sections.push_back(std::move(s6));

  // 7. Responses.
  Section s7{"responses", "7. Responses"};
  s7.blocks.push_back(Paragraph(
      "Statements about incidents of the cycle. Latency is the statement's date minus the earliest "
      "date of the incidents it is about."));
  if (r.responses.empty()) s7.blocks.push_back(Paragraph("No statement in this cycle."));
  auto response_table = [&](const std::vector<Response>& list) {
    std::vector<std::string> header = {"Statement", "By",        "Date",
                                       "Kind",      "Incidents", "Latency (days)"};
    std::vector<bool> numeric = {false, false, false, false, true, true};
    if (confidential) {
      header.push_back("Text");
      numeric.push_back(false);
    }
    Table t = MakeTable(header, numeric);
    for (const Response& s : list) {
      std::vector<std::string> row = {s.id,
                                      s.by,
                                      s.date.ToString(),
                                      Words(ToString(s.kind)),
                                      Thousands(s.incidents),
                                      Thousands(s.latency_days)};
      if (confidential) row.push_back(s.text);
      t.rows.push_back(std::move(row));
    }
    return t;
  };
  if (!r.responses.empty()) {
    s7.blocks.push_back(TableBlock(response_table(r.responses)));
    Table t = MakeTable({"Institution", "Statements", "Median latency (days)", "Slowest (days)",
                         "Slowest statement"},
                        {false, true, true, true, false});
    for (const InstitutionLatency& i : r.institutions) {
      t.rows.push_back({i.by, Thousands(i.statements), fmt::format("{:.1f}", i.median_days),
                        Thousands(i.slowest_days), i.slowest_statement});
    }
    s7.blocks.push_back(TableBlock(std::move(t)));
  }
  s7.blocks.push_back(
      Paragraph(r.disputes.empty() ? "No finding was disputed." : "Disputes of findings:"));
  if (!r.disputes.empty()) s7.blocks.push_back(TableBlock(response_table(r.disputes)));
  d.sections.push_back(std::move(s7));

  // 8. Engagement.
  Section s8{"engagement", "8. Engagement"};
  s8.blocks.push_back(Paragraph("The latest engagement with each listed or on-notice party."));
  if (!r.engagement.empty()) {
    std::vector<std::string> header = {"Party", "Status", "Latest engagement", "Date"};
    if (confidential) header.push_back("Note");
    Table t = MakeTable(header, std::vector<bool>(header.size(), false));
    for (const EngagementLine& e : r.engagement) {
      std::vector<std::string> row = {PartyName(e.party), Words(ToString(e.party.status)),
                                      e.latest ? Words(ToString(e.latest->kind)) : "none recorded",
                                      e.latest ? e.latest->date.ToString() : "-"};
      if (confidential) row.push_back(e.latest ? e.latest->note : "-");
      t.rows.push_back(std::move(row));
    }
    s8.blocks.push_back(TableBlock(std::move(t)));
  }
  d.sections.push_back(std::move(s8));

  // 9. Statements of case.
  Section s9{"cases", "9. Statements of case"};
  s9.blocks.push_back(Paragraph(
      confidential
          ? "In full: every criterion, every counted incident with its sources and narrative, "
            "findings, commitments, designations, engagement, decisions and the status history."
          : "Summaries: every criterion, the counted incidents in figures, the non-confidential "
            "sources cited, commitments and designations."));
  d.sections.push_back(std::move(s9));
  for (const StatementOfCase& s : r.cases) {
    Section sec{"case-" + s.party.id, PartyName(PartyLine{s.party.id, s.party.name}), 3};
    AddCase(s, r, &sec);
    d.sections.push_back(std::move(sec));
  }
  for (const CaseSummary& s : r.case_summaries) {
    Section sec{"case-" + s.party.id, PartyName(s.party), 3};
    AddCaseSummary(s, r, &sec);
    d.sections.push_back(std::move(sec));
  }

  // 10. Comparison with a reference list.
  if (r.comparison) {
    const Comparison& c = *r.comparison;
    Section s10{"comparison", "10. Comparison with a reference list"};
    s10.blocks.push_back(Paragraph(fmt::format(
        "The reference names {} part{} for {} in {} situation{}; {} of its names match no party "
        "of Mara's registry. Precision is the share of Mara's parties the reference also gives "
        "the status, recall the share of the reference's parties Mara gives it, both in the "
        "reference's situations.",
        c.reference_rows, c.reference_rows == 1 ? "y" : "ies", c.cycle, c.situations.size(),
        c.situations.size() == 1 ? "" : "s", c.unresolved)));
    auto percent = [](const std::optional<double>& v) {
      return v ? fmt::format("{:.1f}%", *v * 100.0) : std::string("n/a");
    };
    Table t = MakeTable({"Status", "Reference", "Mara", "Both", "Precision", "Recall"},
                        {false, true, true, true, true, true});
    for (const auto& [label, s] :
         {std::pair{"Listed", &c.listed}, std::pair{"On notice", &c.on_notice}}) {
      t.rows.push_back({label, std::to_string(s->reference), std::to_string(s->mara),
                        std::to_string(s->agreed), percent(s->precision()), percent(s->recall())});
    }
    s10.blocks.push_back(TableBlock(std::move(t)));
    if (!c.disagreements.empty()) {
      Table d2 = MakeTable({"Party", "Situation", "Reference", "Mara", "Criterion", "Why"},
                           std::vector<bool>(6, false));
      for (const Disagreement& d : c.disagreements) {
        std::string who = d.party_id.empty() ? d.reference_party
                                             : fmt::format("{} ({})", d.party_name, d.party_id);
        d2.rows.push_back({who, d.situation, Words(ToString(d.reference_status)),
                           Words(ToString(d.mara_status)), d.criterion, d.explanation});
      }
      s10.blocks.push_back(TableBlock(std::move(d2)));
    }
    d.sections.push_back(std::move(s10));
  }

  // Provenance.
  Section about{"about", "About this report"};
  about.blocks.push_back(Paragraph(fmt::format(
      "Made by Mara from the data with digest {} under policy {} {} (digest {}). The same data "
      "and policy give the same report.",
      r.data_digest, r.policy_name, r.policy_version, r.policy_digest)));
  about.blocks.push_back(Paragraph(
      confidential
          ? "Confidential edition: it names confidential sources and carries narratives and exact "
            "victim counts. Records whose consent was withdrawn are left out."
          : fmt::format("Public edition: no confidential source, no narrative, no free-text note, "
                        "no record kept for internal use or withdrawn by consent, and no victim "
                        "count below {}.",
                        r.min_cell)));
  d.sections.push_back(std::move(about));
  return d;
}

}  // namespace mara::report
