#include "report/document.h"

#include <fmt/format.h>

#include <map>

#include "i18n/messages.h"
#include "policy/policy.h"
#include "report/edition.h"
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

// The header of a table: each key's message.
std::vector<std::string> Headers(Language lang, std::initializer_list<const char*> keys) {
  std::vector<std::string> out;
  for (const char* key : keys) out.push_back(Message(lang, key));
  return out;
}

const char* YesNo(bool b) { return b ? "yes" : "no"; }

// A number printed without grouping (years, and the small counts the
// English report writes with std::to_string), in the language's digits.
std::string Plain(Language lang, int64_t n) {
  return lang == Language::kEn ? std::to_string(n) : FormatCount(lang, n, /*grouping=*/false);
}

std::string Signed(Language lang, int64_t n) {
  return (n < 0 ? "-" : "+") + FormatCount(lang, n < 0 ? -n : n);
}

std::string Change(Language lang, int64_t now, int64_t before) {
  if (before == 0) return Message(lang, now == 0 ? "change.unchanged" : "change.new");
  double pct = 100.0 * static_cast<double>(now - before) / static_cast<double>(before);
  if (lang == Language::kEn) return fmt::format("{:+} ({:+.1f}%)", now - before, pct);
  return Message(lang, "change.delta",
                 {{"delta", Signed(lang, now - before)},
                  {"pct", (pct < 0 ? "-" : "+") + FormatDecimal(lang, pct < 0 ? -pct : pct, 1)}});
}

std::string Joined(Language lang, const char* separator_key,
                   const std::vector<std::string>& parts) {
  std::string out;
  const std::string sep = parts.size() > 1 ? Message(lang, separator_key) : "";
  for (const std::string& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

std::string Marks(Language lang, const PartyLine& p) {
  std::vector<std::string> marks;
  if (p.newly_listed) marks.push_back(Message(lang, "mark.newly_listed"));
  if (p.persistent) {
    marks.push_back(Message(lang, "mark.persistent", {{"cycles", p.consecutive_listed_cycles}}));
  }
  if (p.decided)
    marks.push_back(Message(lang, p.override ? "mark.decision_override" : "mark.decision"));
  std::string out = Joined(lang, "sep.semicolon", marks);
  return out.empty() ? "-" : out;
}

// One designation in words: the message `key` (designation.line or
// case.designation) with the designation's authority, program, kind and dates.
std::string DesignationText(Language lang, std::string_view key, const Designation& d) {
  return Message(lang, key,
                 {{"authority", Isolate(lang, d.authority)},
                  {"program", Isolate(lang, d.program)},
                  {"kind", VocabularyWord(lang, "designation_kind.", ToString(d.kind))},
                  {"listed_on", Isolate(lang, d.listed_on.ToString())},
                  {"ended", d.ended_on ? Message(lang, "designation.ended",
                                                 {{"date", Isolate(lang, d.ended_on->ToString())}})
                                       : ""}});
}

std::string DesignationSentence(Language lang, const PartyLine& p) {
  std::vector<std::string> parts;
  for (const Designation& d : p.designations) {
    parts.push_back(DesignationText(lang, "designation.line", d));
  }
  std::string out = Joined(lang, "sep.semicolon", parts);
  return out.empty() ? "-" : out;
}

// "Name (id)", with the party's name in the report's language when it has
// one (domain/model.h PartyNameIn), its canonical name otherwise.
std::string PartyName(Language lang, const PartyLine& p) {
  auto it = p.names.find(std::string(LanguageCode(lang)));
  const std::string& name = it != p.names.end() && !it->second.empty() ? it->second : p.name;
  return fmt::format("{} ({})", name, p.id);
}
std::string PartyName(Language lang, const Party& p) {
  return fmt::format("{} ({})", PartyNameIn(p, LanguageCode(lang)), p.id);
}

// A published victim count: "withheld" in the language; numbers and "<N"
// as they are.
std::string CellText(Language lang, const std::string& text) {
  if (lang == Language::kEn || text != kWithheld) return text;
  return Message(lang, "word.withheld");
}

Table VictimTable(Language lang, const VictimCells& v) {
  Table t = MakeTable(Headers(lang, {"victims.women", "victims.girls", "victims.men",
                                     "victims.boys", "victims.unknown", "victims.total",
                                     "victims.women_and_girls", "victims.children"}),
                      std::vector<bool>(8, true));
  for (const std::string* cell :
       {&v.women.text, &v.girls.text, &v.men.text, &v.boys.text, &v.unknown.text, &v.total.text,
        &v.women_and_girls.text, &v.children.text}) {
    if (t.rows.empty()) t.rows.emplace_back();
    t.rows.back().push_back(CellText(lang, *cell));
  }
  return t;
}

template <typename E, size_t N>
std::pair<Table, std::vector<Bar>> Breakdown(Language lang, const char* what_key,
                                             const char* prefix,
                                             const std::array<int64_t, N>& counts,
                                             std::optional<E> highlight = std::nullopt) {
  Table t = MakeTable(Headers(lang, {what_key, "table.verified_incidents"}), {false, true});
  std::vector<Bar> bars;
  for (size_t i = 0; i < N; ++i) {
    std::string label = VocabularyWord(lang, prefix, ToString(static_cast<E>(i)));
    t.rows.push_back({label, FormatCount(lang, counts[i])});
    bars.push_back({label, counts[i], highlight && static_cast<size_t>(*highlight) == i});
  }
  return {std::move(t), std::move(bars)};
}

Table PartyTable(Language lang, const std::vector<PartyLine>& parties) {
  Table t =
      MakeTable(Headers(lang, {"table.party", "table.kind", "table.status", "table.previous",
                               "table.listing_evidence", "table.notice_evidence", "table.marks"}),
                {false, false, false, false, true, true, false});
  for (const PartyLine& p : parties) {
    t.rows.push_back({PartyName(lang, p), VocabularyWord(lang, "party_kind.", ToString(p.kind)),
                      VocabularyWord(lang, "party_status.", ToString(p.status)),
                      VocabularyWord(lang, "party_status.", ToString(p.previous_status)),
                      FormatCount(lang, p.listing_incidents), FormatCount(lang, p.notice_incidents),
                      Marks(lang, p)});
  }
  return t;
}

// The status in sentences (policy/explain.h): why, each criterion, how
// they combine, what would change it. The report holds them in English;
// in another language they are worded again from the assessment and the
// report's policy.
void AddExplanation(Language lang, const Report& r, const PartyAssessment& a,
                    const Explanation& english, Section* sec) {
  const Explanation e = lang == Language::kEn ? english : Explain(a, r.policy, r.cycle, lang);
  sec->blocks.push_back(Paragraph(e.summary));
  Table t = MakeTable(Headers(lang, {"table.criterion", "table.met"}), {false, false});
  for (const ExplainedCriterion& c : e.criteria)
    t.rows.push_back({c.sentence, Message(lang, c.met ? "word.yes" : "word.no")});
  sec->blocks.push_back(TableBlock(std::move(t)));
  sec->blocks.push_back(Paragraph(e.combination));
  if (!e.would_change.empty()) {
    std::string text = Message(lang, "explain.would_change");
    for (const std::string& w : e.would_change) text += (lang == Language::kZh ? "" : " ") + w;
    sec->blocks.push_back(Paragraph(text));
  }
}

Table CommitmentTable(Language lang, const std::vector<Commitment>& commitments) {
  Table t =
      MakeTable(Headers(lang, {"table.commitment", "table.measure", "table.due", "table.status"}),
                {false, false, false, false});
  for (const Commitment& c : commitments) {
    for (const Measure& m : c.measures) {
      t.rows.push_back(
          {Message(lang, "commitment.line",
                   {{"id", c.id},
                    {"kind", VocabularyWord(lang, "commitment_kind.", ToString(c.kind))},
                    {"signed", c.signed_on ? c.signed_on->ToString() : "-"}}),
           m.text, m.due ? m.due->ToString() : "-",
           VocabularyCode(lang, "measure_status.", ToString(m.status))});
    }
  }
  return t;
}

std::string ViolationList(Language lang, const std::vector<Violation>& violations) {
  std::vector<std::string> words;
  for (Violation v : violations) words.push_back(VocabularyWord(lang, "violation.", ToString(v)));
  return Joined(lang, "sep.comma", words);
}

// "rape 3, sexual slavery 1": the violations with a count, zeros left out.
template <size_t N>
std::string ViolationCounts(Language lang, const std::array<int64_t, N>& counts) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < N; ++i) {
    if (counts[i] == 0) continue;
    parts.push_back(Message(
        lang, "violation.count",
        {{"violation", VocabularyWord(lang, "violation.", ToString(static_cast<Violation>(i)))},
         {"count", FormatCount(lang, counts[i])}}));
  }
  return Joined(lang, "sep.comma", parts);
}

void AddCase(Language lang, const StatementOfCase& s, const Report& r, Section* sec) {
  const PartyAssessment& a = s.assessment;
  sec->blocks.push_back(Paragraph(Message(
      lang, "case.status_line",
      {{"kind", VocabularyWord(lang, "party_kind.", ToString(s.party.kind))},
       {"situation", Isolate(lang, s.party.situation)},
       {"status", VocabularyWord(lang, "party_status.", ToString(a.status))},
       {"recommended", VocabularyWord(lang, "party_status.", ToString(a.recommended_status))},
       {"previous", VocabularyWord(lang, "party_status.", ToString(a.previous_status))},
       {"decided", YesNo(a.decided)},
       {"override", "no"},
       {"persistent", YesNo(a.persistent)}})));
  if (s.splinter_origin) {
    sec->blocks.push_back(
        Note(Message(lang, "case.split_from",
                     {{"name", Isolate(lang, PartyNameIn(*s.splinter_origin, LanguageCode(lang)))},
                      {"id", Isolate(lang, s.splinter_origin->id)}})));
  }
  if (s.parent) {
    sec->blocks.push_back(
        Note(Message(lang, "case.unit_of",
                     {{"name", Isolate(lang, PartyNameIn(*s.parent, LanguageCode(lang)))},
                      {"id", Isolate(lang, s.parent->id)}})));
  }
  if (s.party.dissolved) {
    const std::string source = Isolate(lang, s.party.dissolved->source);
    sec->blocks.push_back(
        Note(s.party.dissolved->date
                 ? Message(lang, "case.dissolved_on",
                           {{"date", Isolate(lang, s.party.dissolved->date->ToString())},
                            {"source", source}})
                 : Message(lang, "case.dissolved_date_unknown", {{"source", source}})));
  }
  AddExplanation(lang, r, s.assessment, s.explanation, sec);
  Table inc = MakeTable(Headers(lang, {"table.incident", "table.date", "table.location",
                                       "table.violations", "table.victims", "table.standard",
                                       "table.evidence", "table.sources", "table.narrative"}),
                        {false, false, false, false, true, false, false, false, false});
  for (const CaseIncident& c : s.incidents) {
    const Incident& i = c.incident;
    std::vector<std::string> sources;
    for (const Source& src : c.sources) {
      sources.push_back(Message(lang, "source.line",
                                {{"publisher", Isolate(lang, src.publisher)},
                                 {"kind", VocabularyWord(lang, "source_kind.", ToString(src.kind))},
                                 {"confidential", YesNo(src.confidential)}}));
    }
    inc.rows.push_back({i.id, i.date.ToString(), i.location.name, ViolationList(lang, i.violations),
                        FormatCount(lang, i.victims.Total()),
                        VocabularyWord(lang, "standard.", ToString(c.standard)),
                        c.listing_evidence
                            ? Message(lang, "evidence.listing")
                            : (c.notice_evidence ? Message(lang, "evidence.notice") : "-"),
                        sources.empty() ? "-" : Joined(lang, "sep.semicolon", sources),
                        i.narrative ? *i.narrative : "-"});
  }
  sec->blocks.push_back(Paragraph(Message(
      lang, "case.counted",
      {{"cycle", Plain(lang, r.cycle)}, {"count", static_cast<int64_t>(s.incidents.size())}})));
  if (!inc.rows.empty()) sec->blocks.push_back(TableBlock(std::move(inc)));
  if (!s.findings.empty()) {
    Table f = MakeTable(Headers(lang, {"table.cycle", "table.source", "table.level"}),
                        {true, false, true});
    for (const Finding& x : s.findings) {
      f.rows.push_back({Plain(lang, x.cycle), x.source, Plain(lang, x.level)});
    }
    sec->blocks.push_back(TableBlock(std::move(f)));
  }
  if (!s.commitments.empty()) {
    sec->blocks.push_back(TableBlock(CommitmentTable(lang, s.commitments)));
  }
  std::vector<std::string> items;
  for (const Designation& d : s.designations) {
    items.push_back(DesignationText(lang, "case.designation", d));
  }
  for (const Engagement& e : s.engagements) {
    items.push_back(
        Message(lang, "case.engagement",
                {{"date", Isolate(lang, e.date.ToString())},
                 {"kind", VocabularyWord(lang, "engagement_kind.", ToString(e.kind))}}) +
        " " + e.note);
  }
  for (const Decision& d : s.decisions) {
    items.push_back(
        Message(lang, "case.decision_for",
                {{"cycle", Plain(lang, d.cycle)},
                 {"status", VocabularyWord(lang, "party_status.", ToString(d.status))}}) +
        Message(lang, "case.decided_by", {{"by", Isolate(lang, d.decided_by)}}) +
        Message(lang, "case.decided_on", {{"date", Isolate(lang, d.date.ToString())}}) +
        Message(lang, "case.rationale", {{"text", d.rationale}}));
  }
  std::vector<std::string> history;
  for (const CycleStatus& h : a.history) {
    history.push_back(
        Message(lang, "history.entry",
                {{"cycle", Plain(lang, h.cycle)},
                 {"status", VocabularyWord(lang, "party_status.", ToString(h.status))},
                 {"decided", YesNo(h.decided)}}));
  }
  items.push_back(
      Message(lang, "case.history",
              {{"history", history.empty() ? "-" : Joined(lang, "sep.comma", history)}}));
  sec->blocks.push_back(List(std::move(items)));
}

void AddCaseSummary(Language lang, const CaseSummary& s, const Report& r, Section* sec) {
  sec->blocks.push_back(Paragraph(Message(
      lang, "summary.case_line",
      {{"kind", VocabularyWord(lang, "party_kind.", ToString(s.party.kind))},
       {"situation", Isolate(lang, s.party.situation)},
       {"status", VocabularyWord(lang, "party_status.", ToString(s.party.status))},
       {"previous", VocabularyWord(lang, "party_status.", ToString(s.party.previous_status))},
       {"cycle", Plain(lang, r.cycle)},
       {"counted", s.counted_incidents},
       {"listing", s.listing_evidence}})));
  AddExplanation(lang, r, s.assessment, s.explanation, sec);
  const std::string violations = ViolationCounts(lang, s.by_violation);
  std::vector<std::string> items;
  items.push_back(
      Message(lang, "list.violations", {{"list", violations.empty() ? "-" : violations}}));
  for (const Source& src : s.sources) {
    std::initializer_list<MessageArg> args = {
        {"publisher", Isolate(lang, src.publisher)},
        {"title", Isolate(lang, src.title)},
        {"kind", VocabularyWord(lang, "source_kind.", ToString(src.kind))},
        {"date", src.date ? Isolate(lang, src.date->ToString()) : ""}};
    items.push_back(Message(lang, src.date ? "summary.source_dated" : "summary.source", args));
  }
  items.push_back(
      Message(lang, "summary.designations", {{"list", DesignationSentence(lang, s.party)}}));
  sec->blocks.push_back(List(std::move(items)));
  if (!s.commitments.empty()) {
    sec->blocks.push_back(TableBlock(CommitmentTable(lang, s.commitments)));
  }
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

std::string Isolate(Language lang, std::string_view data) {
  if (lang == Language::kEn) return std::string(data);
  return "\u2068" + std::string(data) + "\u2069";
}

std::string VocabularyWord(Language lang, std::string_view prefix, std::string_view name) {
  const std::string key = std::string(prefix) + std::string(name);
  return HasMessage(lang, key) ? Message(lang, key) : Words(name);
}

std::string VocabularyCode(Language lang, std::string_view prefix, std::string_view name) {
  if (lang == Language::kEn) return std::string(name);
  return VocabularyWord(lang, prefix, name);
}

Document BuildDocument(const Report& r, Language lang) {
  const bool confidential = r.edition == Edition::kConfidential;
  std::map<std::string, std::string> situation_names;
  for (const SituationSection& s : r.situations) situation_names[s.id] = s.name;
  auto situation_name = [&](const std::string& id) {
    auto it = situation_names.find(id);
    return it == situation_names.end() ? id : it->second;
  };
  const std::string cycle = Plain(lang, r.cycle);
  const std::string previous_cycle = Plain(lang, r.cycle - 1);

  Document d;
  d.lang = lang;
  d.title = Message(lang, "doc.title", {{"cycle", cycle}});
  if (confidential) d.edition_mark = Message(lang, "doc.confidential_mark");
  auto provenance = [&](const char* key, std::string value) {
    d.provenance.push_back({Message(lang, key), std::move(value)});
    d.provenance_names.push_back(Message(Language::kEn, key));
  };
  provenance("prov.cycle", cycle);
  provenance("prov.edition", VocabularyCode(lang, "edition_name.", EditionName(r.edition)));
  provenance("prov.policy", fmt::format("{} {}", r.policy_name, r.policy_version));
  provenance("prov.policy_digest", r.policy_digest);
  provenance("prov.data_digest", r.data_digest);
  provenance("prov.format", std::string(kReportFormat));
  if (r.audit_head) {
    provenance("prov.audit_head",
               Message(lang, "prov.audit_head_value",
                       {{"seq", std::to_string(r.audit_head->checkpoint.seq)},
                        {"hash", r.audit_head->checkpoint.hash},
                        {"key", r.audit_head->checkpoint.key_id},
                        {"time", security::FormatMillisUtc(r.audit_head->time_ms)}}));
  }

  // 1. Summary.
  Section s1{"summary", Message(lang, "section.summary")};
  std::string headline = Message(
      lang, "summary.headline",
      {{"cycle", cycle},
       {"verified", r.verified},
       {"has_previous", YesNo(r.previous_verified.has_value())},
       {"previous", r.previous_verified.value_or(0)},
       {"previous_cycle", previous_cycle},
       {"change", r.previous_verified ? Change(lang, r.verified, *r.previous_verified) : ""}});
  if (r.highest_on_record) {
    headline += r.record_streak > 1
                    ? Message(lang, "summary.record_streak", {{"streak", r.record_streak}})
                    : Message(lang, "summary.record");
  }
  s1.blocks.push_back(Paragraph(headline));
  s1.blocks.push_back(Note(Message(lang, "summary.not_counted",
                                   {{"under", r.under_verification},
                                    {"reported", r.reported},
                                    {"not_verified", r.not_verified}})));
  s1.blocks.push_back(Paragraph(Message(lang, "summary.coverage",
                                        {{"covered", r.situations_covered},
                                         {"total", static_cast<int64_t>(r.situations.size())},
                                         {"listed", r.listed_parties},
                                         {"notice", r.on_notice_parties}})));
  s1.blocks.push_back(Paragraph(Message(lang, "summary.victims_intro")));
  s1.blocks.push_back(TableBlock(VictimTable(lang, r.victims)));
  if (!confidential) {
    s1.blocks.push_back(Note(Message(
        lang, "summary.small_cells",
        {{"min", Plain(lang, r.min_cell)},
         {"cell", lang == Language::kEn ? "<" + Plain(lang, r.min_cell)
                                        // Left to right, isolated (U+2066 ... U+2069).
                                        : "\u2066<" + Plain(lang, r.min_cell) + "\u2069"}})));
  }
  auto [vt, vb] = Breakdown<Violation>(lang, "table.violation", "violation.", r.by_violation);
  const std::string by_violation = Message(lang, "chart.by_violation");
  s1.blocks.push_back(Chart(by_violation, BarChartSvg(by_violation, vb)));
  s1.blocks.push_back(TableBlock(std::move(vt)));
  auto [ct, cb] = Breakdown<Context>(lang, "table.context", "context.", r.by_context,
                                     std::optional(Context::kDetention));
  const std::string by_context = Message(lang, "chart.by_context");
  s1.blocks.push_back(Chart(by_context, BarChartSvg(by_context, cb)));
  s1.blocks.push_back(TableBlock(std::move(ct)));
  Table st = MakeTable(Headers(lang, {"table.situation", "table.verified_incidents",
                                      "table.previous_cycle", "table.change"}),
                       {false, true, true, false});
  for (const SituationSection& s : r.situations) {
    st.rows.push_back({s.name, FormatCount(lang, s.verified),
                       FormatCount(lang, s.previous_verified),
                       Change(lang, s.verified, s.previous_verified)});
  }
  s1.blocks.push_back(TableBlock(std::move(st)));
  d.sections.push_back(std::move(s1));

  // 2. Trends.
  Section s2{"trends", Message(lang, "section.trends")};
  std::vector<Bar> bars;
  Table tt =
      MakeTable(Headers(lang, {"table.cycle", "table.verified", "table.under_verification",
                               "table.reported", "table.not_verified", "table.victims_verified",
                               "table.listed_parties", "table.parties_on_notice"}),
                std::vector<bool>(8, true));
  for (const CycleRow& c : r.trends) {
    bars.push_back({std::to_string(c.cycle), c.verified, c.cycle == r.cycle});
    tt.rows.push_back({Plain(lang, c.cycle), FormatCount(lang, c.verified),
                       FormatCount(lang, c.under_verification), FormatCount(lang, c.reported),
                       FormatCount(lang, c.not_verified), CellText(lang, c.victims.total.text),
                       c.listed ? FormatCount(lang, *c.listed) : "-",
                       c.on_notice ? FormatCount(lang, *c.on_notice) : "-"});
  }
  const std::string by_cycle = Message(lang, "chart.by_cycle");
  s2.blocks.push_back(Chart(by_cycle, ColumnChartSvg(by_cycle, bars)));
  s2.blocks.push_back(TableBlock(std::move(tt)));
  d.sections.push_back(std::move(s2));

  // 3. Situations.
  Section s3{"situations", Message(lang, "section.situations")};
  s3.blocks.push_back(Paragraph(Message(lang, "situations.intro")));
  d.sections.push_back(std::move(s3));
  for (const SituationSection& s : r.situations) {
    Section sec{"situation-" + s.id, Isolate(lang, fmt::format("{} ({})", s.name, s.id)), 3};
    sec.blocks.push_back(Paragraph(Message(lang, "situation.counts",
                                           {{"agenda", YesNo(s.on_council_agenda)},
                                            {"verified", s.verified},
                                            {"cycle", cycle},
                                            {"previous", s.previous_verified},
                                            {"previous_cycle", previous_cycle},
                                            {"unverified", s.unverified}})));
    sec.blocks.push_back(TableBlock(VictimTable(lang, s.victims)));
    const std::string violations = ViolationCounts(lang, s.by_violation);
    sec.blocks.push_back(Paragraph(
        Message(lang, "situation.violations",
                {{"list", violations.empty() ? Message(lang, "word.none") : violations}})));
    if (!s.parties.empty()) sec.blocks.push_back(TableBlock(PartyTable(lang, s.parties)));
    std::vector<std::string> changes;
    for (const PartyLine& p : s.changes) {
      changes.push_back(
          Message(lang, "situation.change",
                  {{"party", Isolate(lang, PartyName(lang, p))},
                   {"from", VocabularyWord(lang, "party_status.", ToString(p.previous_status))},
                   {"to", VocabularyWord(lang, "party_status.", ToString(p.status))}}));
    }
    sec.blocks.push_back(changes.empty() ? Paragraph(Message(lang, "situation.no_change"))
                                         : List(std::move(changes)));
    d.sections.push_back(std::move(sec));
  }

  // 4. Annex.
  Section s4{"annex", Message(lang, "section.annex")};
  s4.blocks.push_back(Note(Message(lang, "annex.note")));
  if (r.annex.empty()) s4.blocks.push_back(Paragraph(Message(lang, "annex.none")));
  d.sections.push_back(std::move(s4));
  for (const AnnexGroup& g : r.annex) {
    Section sec{"annex-" + g.situation, Isolate(lang, g.situation_name), 3};
    for (const auto& [label, list] : {std::pair{"annex.state_parties", &g.state_parties},
                                      std::pair{"annex.non_state_parties", &g.non_state_parties}}) {
      if (list->empty()) continue;
      sec.blocks.push_back(Paragraph(Message(lang, label)));
      Table t =
          MakeTable(Headers(lang, {"table.party", "table.marks", "table.outside_designations"}),
                    {false, false, false});
      for (const PartyLine& p : *list)
        t.rows.push_back({PartyName(lang, p), Marks(lang, p), DesignationSentence(lang, p)});
      sec.blocks.push_back(TableBlock(std::move(t)));
    }
    d.sections.push_back(std::move(sec));
  }

  // 5. Notice and removals.
  Section s5{"notice", Message(lang, "section.notice")};
  if (r.notice.empty()) s5.blocks.push_back(Paragraph(Message(lang, "notice.none")));
  if (!r.notice.empty()) {
    Table t = MakeTable(Headers(lang, {"table.party", "table.situation", "table.evidence_indicated",
                                       "table.pending_measures", "table.review"}),
                        {false, false, false, false, true});
    for (const NoticeEntry& n : r.notice) {
      const Evidence& e = n.evidence;
      std::string evidence = Message(lang, "notice.evidence",
                                     {{"incidents", e.notice_incidents},
                                      {"locations", e.notice_locations},
                                      {"days", e.notice_span_days},
                                      {"level", Plain(lang, e.findings_level)}});
      std::vector<std::string> pending;
      for (const PendingMeasure& m : n.pending_measures) {
        std::initializer_list<MessageArg> args = {
            {"measure", m.measure.text},
            {"commitment", m.commitment},
            {"status", VocabularyCode(lang, "measure_status.", ToString(m.measure.status))},
            {"due", m.measure.due ? m.measure.due->ToString() : ""}};
        pending.push_back(
            Message(lang, m.measure.due ? "notice.pending_due" : "notice.pending", args));
      }
      t.rows.push_back({PartyName(lang, n.party), situation_name(n.party.situation), evidence,
                        pending.empty() ? Message(lang, "word.none_recorded")
                                        : Joined(lang, "sep.semicolon", pending),
                        Plain(lang, n.review_cycle)});
    }
    s5.blocks.push_back(TableBlock(std::move(t)));
  }
  Section removals{"removals", Message(lang, "section.removals"), 3};
  if (r.removals.empty()) removals.blocks.push_back(Paragraph(Message(lang, "removals.none")));
  if (!r.removals.empty()) {
    Table t = MakeTable(
        Headers(lang, {"table.party", "table.situation", "table.from", "table.to", "table.reason"}),
        {false, false, false, false, false});
    for (const Removal& m : r.removals) {
      t.rows.push_back({PartyName(lang, m.party), situation_name(m.party.situation),
                        VocabularyWord(lang, "party_status.", ToString(m.party.previous_status)),
                        VocabularyWord(lang, "party_status.", ToString(m.party.status)), m.reason});
    }
    removals.blocks.push_back(TableBlock(std::move(t)));
  }
  d.sections.push_back(std::move(s5));
  d.sections.push_back(std::move(removals));

  // 6. Late verifications.
  Section s6{"late", Message(lang, "section.late")};
  s6.blocks.push_back(
      Paragraph(Message(lang, "late.intro", {{"late", r.late_verified}, {"cycle", cycle}})));
  if (!r.late_counts.empty()) {
    Table t =
        MakeTable(Headers(lang, {"table.situation", "table.cycle_of_incident", "table.incidents"}),
                  {false, true, true});
    for (const LateCount& c : r.late_counts) {
      t.rows.push_back(
          {situation_name(c.situation), Plain(lang, c.cycle), FormatCount(lang, c.incidents)});
    }
    s6.blocks.push_back(TableBlock(std::move(t)));
  }
  if (confidential && !r.late.empty()) {
    Table t = MakeTable(
        Headers(lang, {"table.incident", "table.situation", "table.date", "table.verified_on"}),
        {false, false, false, false});
    for (const LateVerification& l : r.late) {
      t.rows.push_back(
          {l.id, situation_name(l.situation), l.date.ToString(), l.verified_on.ToString()});
    }
    s6.blocks.push_back(TableBlock(std::move(t)));
  }
  d.sections.push_back(std::move(s6));

  // 7. Responses.
  Section s7{"responses", Message(lang, "section.responses")};
  s7.blocks.push_back(Paragraph(Message(lang, "responses.intro")));
  if (r.responses.empty()) s7.blocks.push_back(Paragraph(Message(lang, "responses.none")));
  auto response_table = [&](const std::vector<Response>& list) {
    std::vector<std::string> header =
        Headers(lang, {"table.statement", "table.by", "table.date", "table.kind", "table.incidents",
                       "table.latency_days"});
    std::vector<bool> numeric = {false, false, false, false, true, true};
    if (confidential) {
      header.push_back(Message(lang, "table.text"));
      numeric.push_back(false);
    }
    Table t = MakeTable(header, numeric);
    for (const Response& s : list) {
      std::vector<std::string> row = {s.id,
                                      s.by,
                                      s.date.ToString(),
                                      VocabularyWord(lang, "statement_kind.", ToString(s.kind)),
                                      FormatCount(lang, s.incidents),
                                      FormatCount(lang, s.latency_days)};
      if (confidential) row.push_back(s.text);
      t.rows.push_back(std::move(row));
    }
    return t;
  };
  if (!r.responses.empty()) {
    s7.blocks.push_back(TableBlock(response_table(r.responses)));
    Table t =
        MakeTable(Headers(lang, {"table.institution", "table.statements", "table.median_latency",
                                 "table.slowest_days", "table.slowest_statement"}),
                  {false, true, true, true, false});
    for (const InstitutionLatency& i : r.institutions) {
      t.rows.push_back({i.by, FormatCount(lang, i.statements),
                        lang == Language::kEn ? fmt::format("{:.1f}", i.median_days)
                                              : FormatDecimal(lang, i.median_days, 1),
                        FormatCount(lang, i.slowest_days), i.slowest_statement});
    }
    s7.blocks.push_back(TableBlock(std::move(t)));
  }
  s7.blocks.push_back(
      Paragraph(Message(lang, r.disputes.empty() ? "responses.no_dispute" : "responses.disputes")));
  if (!r.disputes.empty()) s7.blocks.push_back(TableBlock(response_table(r.disputes)));
  d.sections.push_back(std::move(s7));

  // 8. Engagement.
  Section s8{"engagement", Message(lang, "section.engagement")};
  s8.blocks.push_back(Paragraph(Message(lang, "engagement.intro")));
  if (!r.engagement.empty()) {
    std::vector<std::string> header =
        Headers(lang, {"table.party", "table.status", "table.latest_engagement", "table.date"});
    if (confidential) header.push_back(Message(lang, "table.note"));
    Table t = MakeTable(header, std::vector<bool>(header.size(), false));
    for (const EngagementLine& e : r.engagement) {
      std::vector<std::string> row = {
          PartyName(lang, e.party), VocabularyWord(lang, "party_status.", ToString(e.party.status)),
          e.latest ? VocabularyWord(lang, "engagement_kind.", ToString(e.latest->kind))
                   : Message(lang, "word.none_recorded"),
          e.latest ? e.latest->date.ToString() : "-"};
      if (confidential) row.push_back(e.latest ? e.latest->note : "-");
      t.rows.push_back(std::move(row));
    }
    s8.blocks.push_back(TableBlock(std::move(t)));
  }
  d.sections.push_back(std::move(s8));

  // 9. Statements of case.
  Section s9{"cases", Message(lang, "section.cases")};
  s9.blocks.push_back(
      Paragraph(Message(lang, confidential ? "cases.intro_confidential" : "cases.intro_public")));
  d.sections.push_back(std::move(s9));
  for (const StatementOfCase& s : r.cases) {
    Section sec{"case-" + s.party.id, Isolate(lang, PartyName(lang, s.party)), 3};
    AddCase(lang, s, r, &sec);
    d.sections.push_back(std::move(sec));
  }
  for (const CaseSummary& s : r.case_summaries) {
    Section sec{"case-" + s.party.id, Isolate(lang, PartyName(lang, s.party)), 3};
    AddCaseSummary(lang, s, r, &sec);
    d.sections.push_back(std::move(sec));
  }

  // 10. Comparison with a reference list.
  if (r.comparison) {
    const Comparison& c = *r.comparison;
    Section s10{"comparison", Message(lang, "section.comparison")};
    s10.blocks.push_back(Paragraph(
        Message(lang, "comparison.intro",
                {{"rows", c.reference_rows},
                 {"rows_text", Plain(lang, c.reference_rows)},
                 {"cycle", Plain(lang, c.cycle)},
                 {"situations", static_cast<int64_t>(c.situations.size())},
                 {"situations_text", Plain(lang, static_cast<int64_t>(c.situations.size()))},
                 {"unresolved", Plain(lang, c.unresolved)}})));
    auto percent = [lang](const std::optional<double>& v) {
      if (!v) return Message(lang, "word.not_applicable");
      return lang == Language::kEn ? fmt::format("{:.1f}%", *v * 100.0)
                                   : Message(lang, "comparison.percent",
                                             {{"value", FormatDecimal(lang, *v * 100.0, 1)}});
    };
    Table t = MakeTable(Headers(lang, {"table.status", "table.reference", "table.mara",
                                       "table.both", "table.precision", "table.recall"}),
                        {false, true, true, true, true, true});
    for (const auto& [label, s] : {std::pair{"comparison.listed", &c.listed},
                                   std::pair{"comparison.on_notice", &c.on_notice}}) {
      t.rows.push_back({Message(lang, label), Plain(lang, s->reference), Plain(lang, s->mara),
                        Plain(lang, s->agreed), percent(s->precision()), percent(s->recall())});
    }
    s10.blocks.push_back(TableBlock(std::move(t)));
    if (!c.disagreements.empty()) {
      Table d2 = MakeTable(Headers(lang, {"table.party", "table.situation", "table.reference",
                                          "table.mara", "table.criterion", "table.why"}),
                           std::vector<bool>(6, false));
      for (const Disagreement& d : c.disagreements) {
        std::string who = d.party_id.empty() ? d.reference_party
                                             : fmt::format("{} ({})", d.party_name, d.party_id);
        d2.rows.push_back({who, d.situation,
                           VocabularyWord(lang, "party_status.", ToString(d.reference_status)),
                           VocabularyWord(lang, "party_status.", ToString(d.mara_status)),
                           d.criterion, d.explanation});
      }
      s10.blocks.push_back(TableBlock(std::move(d2)));
    }
    d.sections.push_back(std::move(s10));
  }

  // Provenance.
  Section about{"about", Message(lang, "section.about")};
  about.blocks.push_back(Paragraph(Message(lang, "about.made_by",
                                           {{"data_digest", Isolate(lang, r.data_digest)},
                                            {"policy", Isolate(lang, r.policy_name)},
                                            {"version", Isolate(lang, r.policy_version)},
                                            {"policy_digest", Isolate(lang, r.policy_digest)}})));
  about.blocks.push_back(
      Paragraph(confidential ? Message(lang, "about.confidential")
                             : Message(lang, "about.public", {{"min", Plain(lang, r.min_cell)}})));
  d.sections.push_back(std::move(about));
  return d;
}

}  // namespace mara::report
