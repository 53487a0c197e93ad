// A statement of case as a document of its own (document.h
// BuildCaseDocument), built from the statement's JSON in one edition: what
// the edition may show was decided there (service/case.h), and this file
// only lays it out.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "i18n/messages.h"
#include "report/document.h"

namespace mara::report {
namespace {

using OJson = nlohmann::ordered_json;

// The member as text: strings as they are, numbers and booleans written
// out, anything absent or null as `absent`.
std::string Text(const OJson& j, const char* key, const std::string& absent = "-") {
  if (!j.is_object()) return absent;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return absent;
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

bool Flag(const OJson& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

const OJson& Array(const OJson& j, const char* key) {
  static const OJson* empty = new OJson(OJson::array());
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : *empty;
}

std::string WordsList(Language lang, const OJson& items) {
  std::string out;
  const std::string sep = Message(lang, "sep.comma");
  for (const OJson& v : items) {
    if (v.is_string()) {
      out += (out.empty() ? "" : sep) + VocabularyWord(lang, "violation.", v.get<std::string>());
    }
  }
  return out.empty() ? "-" : out;
}

// "women 2, men <3": the counts as the edition shows them (small ones
// masked in the public edition), zeros left out.
std::string Victims(Language lang, const OJson& victims) {
  if (!victims.is_object()) return "-";
  std::string out;
  const std::string sep = Message(lang, "sep.comma");
  for (const auto& [group, count] : victims.items()) {
    if (count.is_number_integer() && count.get<int64_t>() == 0) continue;
    out += (out.empty() ? "" : sep) +
           Message(lang, "victims.group_count",
                   {{"group", VocabularyCode(lang, "victim_group.", group)},
                    {"count", count.is_string() ? count.get<std::string>() : count.dump()}});
  }
  return out.empty() ? "-" : out;
}

const char* CaseYesNo(bool b) { return b ? "yes" : "no"; }

std::vector<std::string> CaseHeaders(Language lang, std::initializer_list<const char*> keys) {
  std::vector<std::string> out;
  for (const char* key : keys) out.push_back(Message(lang, key));
  return out;
}

Block ParagraphOf(std::string text) {
  Block b;
  b.text = std::move(text);
  return b;
}

Block NoteOf(std::string text) {
  Block b;
  b.kind = Block::Kind::kNote;
  b.text = std::move(text);
  return b;
}

Block ListOf(std::vector<std::string> items) {
  Block b;
  b.kind = Block::Kind::kList;
  b.items = std::move(items);
  return b;
}

Block TableOf(std::vector<std::string> header, std::vector<bool> numeric,
              std::vector<std::vector<std::string>> rows) {
  Block b;
  b.kind = Block::Kind::kTable;
  b.table.header = std::move(header);
  b.table.numeric = std::move(numeric);
  b.table.rows = std::move(rows);
  return b;
}

// The name of a party object (a party record, or the {id, name, names} of a
// related party) in the language: its "names" entry when given, else
// `fallback`.
std::string NameIn(const OJson& party, Language lang, const std::string& fallback) {
  if (party.contains("names") && party["names"].is_object()) {
    const OJson& names = party["names"];
    auto it = names.find(std::string(LanguageCode(lang)));
    if (it != names.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
      return it->get<std::string>();
    }
  }
  return fallback;
}

}  // namespace

Document BuildCaseDocument(const OJson& s, Language lang) {
  const bool confidential = Text(s, "edition") == "confidential";
  const std::string party = Text(s, "party");
  const std::string cycle = Text(s, "cycle");
  const OJson& record = s.contains("party_record") ? s["party_record"] : OJson::object();
  const OJson& policy = s.contains("policy") ? s["policy"] : OJson::object();
  auto data = [lang](const std::string& text) { return Isolate(lang, text); };

  Document d;
  d.lang = lang;
  d.title = Message(lang, "casedoc.title",
                    {{"name", data(NameIn(record, lang, Text(s, "name")))},
                     {"party", data(party)},
                     {"cycle", cycle}});
  if (confidential) d.edition_mark = Message(lang, "doc.confidential_mark");
  auto provenance = [&](const char* key, std::string value) {
    d.provenance.push_back({Message(lang, key), std::move(value)});
    d.provenance_names.push_back(Message(Language::kEn, key));
  };
  provenance("prov.party", party);
  provenance("prov.cycle", cycle);
  provenance("prov.edition", VocabularyCode(lang, "edition_name.", Text(s, "edition")));
  provenance("prov.policy", fmt::format("{} {}", Text(policy, "name"), Text(policy, "version")));
  provenance("prov.policy_digest", Text(policy, "digest"));
  provenance("prov.data_digest", Text(s, "data_digest"));

  Section status{"status", Message(lang, "casedoc.section_status")};
  status.blocks.push_back(ParagraphOf(Message(
      lang, "case.status_line",
      {{"kind", VocabularyWord(lang, "party_kind.", Text(record, "kind"))},
       {"situation", data(Text(record, "situation"))},
       {"status", VocabularyWord(lang, "party_status.", Text(s, "status"))},
       {"recommended", VocabularyWord(lang, "party_status.", Text(s, "recommended_status"))},
       {"previous", VocabularyWord(lang, "party_status.", Text(s, "previous_status"))},
       {"decided", CaseYesNo(Flag(s, "decided"))},
       {"override", CaseYesNo(Flag(s, "override"))},
       {"persistent", CaseYesNo(Flag(s, "persistent"))}})));
  if (s.contains("splinter_of") && s["splinter_of"].is_object()) {
    status.blocks.push_back(NoteOf(
        Message(lang, "case.split_from",
                {{"name", data(NameIn(s["splinter_of"], lang, Text(s["splinter_of"], "name")))},
                 {"id", data(Text(s["splinter_of"], "id"))}})));
  }
  if (s.contains("parent") && s["parent"].is_object()) {
    status.blocks.push_back(
        NoteOf(Message(lang, "case.unit_of",
                       {{"name", data(NameIn(s["parent"], lang, Text(s["parent"], "name")))},
                        {"id", data(Text(s["parent"], "id"))}})));
  }
  for (const OJson& n : Array(record, "names_over_time")) {
    status.blocks.push_back(NoteOf(Message(lang, "case.also_known_as",
                                           {{"name", data(Text(n, "name"))},
                                            {"from", data(Text(n, "from", "?"))},
                                            {"to", data(Text(n, "to", "?"))}})));
  }
  if (record.contains("dissolved") && record["dissolved"].is_object()) {
    status.blocks.push_back(
        NoteOf(Message(lang, "case.dissolved_on",
                       {{"date", data(Text(record["dissolved"], "date", "?"))},
                        {"source", data(Text(record["dissolved"], "source"))}})));
  }
  const OJson& explanation = s.contains("explanation") ? s["explanation"] : OJson::object();
  status.blocks.push_back(ParagraphOf(data(Text(explanation, "summary", ""))));
  std::vector<std::vector<std::string>> criteria;
  for (const OJson& c : Array(explanation, "criteria")) {
    criteria.push_back(
        {Text(c, "sentence"), Message(lang, Flag(c, "met") ? "word.yes" : "word.no")});
  }
  if (!criteria.empty()) {
    status.blocks.push_back(TableOf(CaseHeaders(lang, {"table.criterion", "table.met"}),
                                    {false, false}, std::move(criteria)));
  }
  status.blocks.push_back(ParagraphOf(data(Text(explanation, "combination", ""))));
  std::vector<std::string> would_change;
  for (const OJson& w : Array(explanation, "would_change")) {
    if (w.is_string()) would_change.push_back(data(w.get<std::string>()));
  }
  if (!would_change.empty()) {
    status.blocks.push_back(ParagraphOf(Message(lang, "explain.would_change")));
    status.blocks.push_back(ListOf(std::move(would_change)));
  }
  d.sections.push_back(std::move(status));

  Section incidents{"incidents", Message(lang, "casedoc.section_incidents")};
  const OJson& shown = Array(s, "incidents");
  incidents.blocks.push_back(ParagraphOf(
      Message(lang, "casedoc.counted",
              {{"cycle", cycle},
               {"count", lang == Language::kEn
                             ? std::to_string(shown.size())
                             : FormatCount(lang, static_cast<int64_t>(shown.size()), false)}})));
  if (s.contains("incidents_withheld")) {
    const OJson& withheld = s["incidents_withheld"];
    incidents.blocks.push_back(NoteOf(
        Message(lang, "casedoc.withheld",
                {{"count", Text(s, "incidents_withheld")},
                 {"n", withheld.is_number_integer() ? withheld.get<int64_t>() : int64_t{0}}})));
  }
  std::vector<std::vector<std::string>> rows;
  bool narratives = false;
  const std::string semicolon = Message(lang, "sep.semicolon");
  for (const OJson& i : shown) {
    std::string sources;
    for (const OJson& src : Array(i, "sources")) {
      sources += (sources.empty() ? "" : semicolon) +
                 Message(lang, "source.line",
                         {{"publisher", data(Text(src, "publisher"))},
                          {"kind", VocabularyWord(lang, "source_kind.", Text(src, "kind"))},
                          {"confidential", CaseYesNo(Flag(src, "confidential"))}});
    }
    const std::string evidence = Flag(i, "listing_evidence")  ? Message(lang, "evidence.listing")
                                 : Flag(i, "notice_evidence") ? Message(lang, "evidence.notice")
                                                              : "-";
    const OJson& location = i.contains("location") ? i["location"] : OJson::object();
    std::string place = Text(location, "name");
    if (location.contains("admin1")) place += ", " + Text(location, "admin1");
    std::vector<std::string> row = {Text(i, "id"),
                                    Text(i, "date"),
                                    place,
                                    WordsList(lang, Array(i, "violations")),
                                    Victims(lang, i.contains("victims") ? i["victims"] : OJson()),
                                    VocabularyWord(lang, "standard.", Text(i, "standard")),
                                    evidence,
                                    sources.empty() ? "-" : sources};
    if (i.contains("narrative")) narratives = true;
    row.push_back(Text(i, "narrative"));
    rows.push_back(std::move(row));
  }
  if (!rows.empty()) {
    std::vector<std::string> header =
        CaseHeaders(lang, {"table.incident", "table.date", "table.location", "table.violations",
                           "table.victims", "table.standard", "table.evidence", "table.sources"});
    std::vector<bool> numeric(header.size(), false);
    if (narratives) {
      header.push_back(Message(lang, "table.narrative"));
      numeric.push_back(false);
    } else {
      for (auto& row : rows) row.pop_back();
    }
    incidents.blocks.push_back(TableOf(std::move(header), std::move(numeric), std::move(rows)));
  }
  d.sections.push_back(std::move(incidents));

  Section party_record{"record", Message(lang, "casedoc.section_record")};
  std::vector<std::vector<std::string>> findings;
  for (const OJson& f : Array(s, "findings")) {
    findings.push_back({Text(f, "cycle"), Text(f, "source"), Text(f, "level")});
  }
  party_record.blocks.push_back(ParagraphOf(
      Message(lang, "casedoc.findings",
              {{"count", lang == Language::kEn
                             ? std::to_string(findings.size())
                             : FormatCount(lang, static_cast<int64_t>(findings.size()), false)}})));
  if (!findings.empty()) {
    party_record.blocks.push_back(
        TableOf(CaseHeaders(lang, {"table.cycle", "table.source", "table.level"}),
                {true, false, true}, std::move(findings)));
  }
  std::vector<std::vector<std::string>> measures;
  for (const OJson& c : Array(s, "commitments")) {
    const std::string commitment =
        Message(lang, "commitment.line",
                {{"id", Text(c, "id")},
                 {"kind", VocabularyWord(lang, "commitment_kind.", Text(c, "kind"))},
                 {"signed", Text(c, "signed")}});
    for (const OJson& m : Array(c, "measures")) {
      measures.push_back({commitment, Text(m, "text"), Text(m, "due"),
                          VocabularyWord(lang, "measure_status.", Text(m, "status"))});
    }
  }
  if (!measures.empty()) {
    party_record.blocks.push_back(TableOf(
        CaseHeaders(lang, {"table.commitment", "table.measure", "table.due", "table.status"}),
        {false, false, false, false}, std::move(measures)));
  }
  std::vector<std::string> items;
  for (const OJson& x : Array(s, "designations")) {
    const bool ended = x.contains("ended_on") && !x["ended_on"].is_null();
    items.push_back(Message(
        lang, "case.designation",
        {{"authority", data(Text(x, "authority"))},
         {"program", data(Text(x, "program"))},
         {"kind", VocabularyWord(lang, "designation_kind.", Text(x, "kind"))},
         {"listed_on", data(Text(x, "listed_on"))},
         {"ended", ended ? Message(lang, "designation.ended", {{"date", data(Text(x, "ended_on"))}})
                         : ""}}));
  }
  for (const OJson& e : Array(s, "engagements")) {
    std::string line =
        Message(lang, "case.engagement",
                {{"date", data(Text(e, "date"))},
                 {"kind", VocabularyWord(lang, "engagement_kind.", Text(e, "kind"))}});
    if (e.contains("note")) line += " " + Text(e, "note");
    items.push_back(std::move(line));
  }
  for (const OJson& x : Array(s, "decisions")) {
    std::string line =
        Message(lang, "case.decision_for",
                {{"cycle", Text(x, "cycle")},
                 {"status", VocabularyWord(lang, "party_status.", Text(x, "status"))}});
    if (x.contains("decided_by")) {
      line += Message(lang, "case.decided_by", {{"by", data(Text(x, "decided_by"))}});
    }
    if (x.contains("date"))
      line += Message(lang, "case.decided_on", {{"date", data(Text(x, "date"))}});
    if (x.contains("rationale")) {
      line += Message(lang, "case.rationale", {{"text", Text(x, "rationale")}});
    }
    items.push_back(std::move(line));
  }
  for (const OJson& p : Array(s, "petitions")) {
    std::string line =
        Message(lang, "petition.filed",
                {{"filed", data(Text(p, "filed"))},
                 {"outcome", VocabularyWord(lang, "petition_outcome.", Text(p, "outcome"))}});
    if (p.contains("grounds")) {
      line += Message(lang, "petition.grounds", {{"text", Text(p, "grounds")}});
    }
    if (p.contains("decided")) {
      line += Message(lang, "petition.ruled_on", {{"date", data(Text(p, "decided"))}});
    }
    if (p.contains("decided_by")) {
      line += Message(lang, "case.decided_by", {{"by", data(Text(p, "decided_by"))}});
    }
    if (p.contains("reason"))
      line += Message(lang, "case.rationale", {{"text", Text(p, "reason")}});
    items.push_back(std::move(line));
  }
  std::vector<std::string> history;
  for (const OJson& h : Array(s, "history")) {
    history.push_back(Message(lang, "history.entry",
                              {{"cycle", Text(h, "cycle")},
                               {"status", VocabularyWord(lang, "party_status.", Text(h, "status"))},
                               {"decided", CaseYesNo(Flag(h, "decided"))}}));
  }
  std::string history_text;
  const std::string comma = Message(lang, "sep.comma");
  for (const std::string& h : history) history_text += (history_text.empty() ? "" : comma) + h;
  items.push_back(
      Message(lang, "case.history", {{"history", history_text.empty() ? "-" : history_text}}));
  party_record.blocks.push_back(ListOf(std::move(items)));
  d.sections.push_back(std::move(party_record));
  return d;
}

}  // namespace mara::report
