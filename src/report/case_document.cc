// A statement of case as a document of its own (document.h
// BuildCaseDocument), built from the statement's JSON in one edition: what
// the edition may show was decided there (service/case.h), and this file
// only lays it out.
#include <fmt/format.h>

#include <string>
#include <vector>

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

std::string WordsList(const OJson& items) {
  std::string out;
  for (const OJson& v : items) {
    if (v.is_string()) out += (out.empty() ? "" : ", ") + Words(v.get<std::string>());
  }
  return out.empty() ? "-" : out;
}

// "women 2, men <3": the counts as the edition shows them (small ones
// masked in the public edition), zeros left out.
std::string Victims(const OJson& victims) {
  if (!victims.is_object()) return "-";
  std::string out;
  for (const auto& [group, count] : victims.items()) {
    if (count.is_number_integer() && count.get<int64_t>() == 0) continue;
    out += (out.empty() ? "" : ", ") + group + " " +
           (count.is_string() ? count.get<std::string>() : count.dump());
  }
  return out.empty() ? "-" : out;
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

}  // namespace

Document BuildCaseDocument(const OJson& s) {
  const bool confidential = Text(s, "edition") == "confidential";
  const std::string party = Text(s, "party");
  const std::string cycle = Text(s, "cycle");
  const OJson& record = s.contains("party_record") ? s["party_record"] : OJson::object();
  const OJson& policy = s.contains("policy") ? s["policy"] : OJson::object();

  Document d;
  d.title = fmt::format("Statement of case: {} ({}), {}", Text(s, "name"), party, cycle);
  if (confidential) d.edition_mark = "CONFIDENTIAL EDITION - not for publication";
  d.provenance = {
      {"Party", party},
      {"Cycle", cycle},
      {"Edition", Text(s, "edition")},
      {"Policy", fmt::format("{} {}", Text(policy, "name"), Text(policy, "version"))},
      {"Policy digest", Text(policy, "digest")},
      {"Data digest", Text(s, "data_digest")},
  };

  Section status{"status", "Status"};
  status.blocks.push_back(ParagraphOf(
      fmt::format("{} party of {}; status {} (recommended {}, previous {}){}{}{}.",
                  Words(Text(record, "kind")), Text(record, "situation"), Words(Text(s, "status")),
                  Words(Text(s, "recommended_status")), Words(Text(s, "previous_status")),
                  Flag(s, "decided") ? ", decided" : "", Flag(s, "override") ? ", override" : "",
                  Flag(s, "persistent") ? ", persistent perpetrator" : "")));
  if (s.contains("splinter_of") && s["splinter_of"].is_object()) {
    status.blocks.push_back(
        NoteOf(fmt::format("Split from {} ({}); its history is not carried over.",
                           Text(s["splinter_of"], "name"), Text(s["splinter_of"], "id"))));
  }
  if (s.contains("parent") && s["parent"].is_object()) {
    status.blocks.push_back(NoteOf(
        fmt::format("Unit of {} ({}).", Text(s["parent"], "name"), Text(s["parent"], "id"))));
  }
  for (const OJson& n : Array(record, "names_over_time")) {
    status.blocks.push_back(NoteOf(fmt::format("Also known as {} ({} to {}).", Text(n, "name"),
                                               Text(n, "from", "?"), Text(n, "to", "?"))));
  }
  if (record.contains("dissolved") && record["dissolved"].is_object()) {
    status.blocks.push_back(
        NoteOf(fmt::format("Dissolved on {} (source: {}).", Text(record["dissolved"], "date", "?"),
                           Text(record["dissolved"], "source"))));
  }
  const OJson& explanation = s.contains("explanation") ? s["explanation"] : OJson::object();
  status.blocks.push_back(ParagraphOf(Text(explanation, "summary", "")));
  std::vector<std::vector<std::string>> criteria;
  for (const OJson& c : Array(explanation, "criteria")) {
    criteria.push_back({Text(c, "sentence"), Flag(c, "met") ? "yes" : "no"});
  }
  if (!criteria.empty()) {
    status.blocks.push_back(TableOf({"Criterion", "Met"}, {false, false}, std::move(criteria)));
  }
  status.blocks.push_back(ParagraphOf(Text(explanation, "combination", "")));
  std::vector<std::string> would_change;
  for (const OJson& w : Array(explanation, "would_change")) {
    if (w.is_string()) would_change.push_back(w.get<std::string>());
  }
  if (!would_change.empty()) {
    status.blocks.push_back(ParagraphOf("What would change it:"));
    status.blocks.push_back(ListOf(std::move(would_change)));
  }
  d.sections.push_back(std::move(status));

  Section incidents{"incidents", "Counted incidents"};
  const OJson& shown = Array(s, "incidents");
  incidents.blocks.push_back(ParagraphOf(
      fmt::format("Counted incidents in {} shown in this edition: {}.", cycle, shown.size())));
  if (s.contains("incidents_withheld")) {
    incidents.blocks.push_back(
        NoteOf(fmt::format("{} more counted incidents are for internal use only and are not shown "
                           "in this edition.",
                           Text(s, "incidents_withheld"))));
  }
  std::vector<std::vector<std::string>> rows;
  bool narratives = false;
  for (const OJson& i : shown) {
    std::string sources;
    for (const OJson& src : Array(i, "sources")) {
      sources += (sources.empty() ? "" : "; ") +
                 fmt::format("{} ({}{})", Text(src, "publisher"), Words(Text(src, "kind")),
                             Flag(src, "confidential") ? ", confidential" : "");
    }
    const std::string evidence = Flag(i, "listing_evidence")  ? "listing"
                                 : Flag(i, "notice_evidence") ? "notice"
                                                              : "-";
    const OJson& location = i.contains("location") ? i["location"] : OJson::object();
    std::string place = Text(location, "name");
    if (location.contains("admin1")) place += ", " + Text(location, "admin1");
    std::vector<std::string> row = {Text(i, "id"),
                                    Text(i, "date"),
                                    place,
                                    WordsList(Array(i, "violations")),
                                    Victims(i.contains("victims") ? i["victims"] : OJson()),
                                    Words(Text(i, "standard")),
                                    evidence,
                                    sources.empty() ? "-" : sources};
    if (i.contains("narrative")) narratives = true;
    row.push_back(Text(i, "narrative"));
    rows.push_back(std::move(row));
  }
  if (!rows.empty()) {
    std::vector<std::string> header = {"Incident", "Date",     "Location", "Violations",
                                       "Victims",  "Standard", "Evidence", "Sources"};
    std::vector<bool> numeric(header.size(), false);
    if (narratives) {
      header.push_back("Narrative");
      numeric.push_back(false);
    } else {
      for (auto& row : rows) row.pop_back();
    }
    incidents.blocks.push_back(TableOf(std::move(header), std::move(numeric), std::move(rows)));
  }
  d.sections.push_back(std::move(incidents));

  Section party_record{"record", "The party's record"};
  std::vector<std::vector<std::string>> findings;
  for (const OJson& f : Array(s, "findings")) {
    findings.push_back({Text(f, "cycle"), Text(f, "source"), Text(f, "level")});
  }
  party_record.blocks.push_back(
      ParagraphOf(fmt::format("Findings of monitoring bodies: {}.", findings.size())));
  if (!findings.empty()) {
    party_record.blocks.push_back(
        TableOf({"Cycle", "Source", "Level"}, {true, false, true}, std::move(findings)));
  }
  std::vector<std::vector<std::string>> measures;
  for (const OJson& c : Array(s, "commitments")) {
    const std::string commitment =
        fmt::format("{} ({}, signed {})", Text(c, "id"), Words(Text(c, "kind")), Text(c, "signed"));
    for (const OJson& m : Array(c, "measures")) {
      measures.push_back({commitment, Text(m, "text"), Text(m, "due"), Words(Text(m, "status"))});
    }
  }
  if (!measures.empty()) {
    party_record.blocks.push_back(TableOf({"Commitment", "Measure", "Due", "Status"},
                                          {false, false, false, false}, std::move(measures)));
  }
  std::vector<std::string> items;
  for (const OJson& x : Array(s, "designations")) {
    items.push_back(fmt::format("Designation: {}, {} ({}), since {}{}", Text(x, "authority"),
                                Text(x, "program"), Words(Text(x, "kind")), Text(x, "listed_on"),
                                x.contains("ended_on") && !x["ended_on"].is_null()
                                    ? ", ended " + Text(x, "ended_on")
                                    : ""));
  }
  for (const OJson& e : Array(s, "engagements")) {
    std::string line = fmt::format("Engagement {}: {}.", Text(e, "date"), Words(Text(e, "kind")));
    if (e.contains("note")) line += " " + Text(e, "note");
    items.push_back(std::move(line));
  }
  for (const OJson& x : Array(s, "decisions")) {
    std::string line =
        fmt::format("Decision for {}: {}", Text(x, "cycle"), Words(Text(x, "status")));
    if (x.contains("decided_by")) line += " by " + Text(x, "decided_by");
    if (x.contains("date")) line += " on " + Text(x, "date");
    if (x.contains("rationale")) line += ": " + Text(x, "rationale");
    items.push_back(std::move(line));
  }
  for (const OJson& p : Array(s, "petitions")) {
    std::string line =
        fmt::format("Petition filed {}: {}", Text(p, "filed"), Words(Text(p, "outcome")));
    if (p.contains("grounds")) line += "; grounds: " + Text(p, "grounds");
    if (p.contains("decided")) line += "; ruled on " + Text(p, "decided");
    if (p.contains("decided_by")) line += " by " + Text(p, "decided_by");
    if (p.contains("reason")) line += ": " + Text(p, "reason");
    items.push_back(std::move(line));
  }
  std::string history;
  for (const OJson& h : Array(s, "history")) {
    history += (history.empty() ? "" : ", ") + fmt::format("{} {}{}", Text(h, "cycle"),
                                                           Words(Text(h, "status")),
                                                           Flag(h, "decided") ? " (decided)" : "");
  }
  items.push_back("Status history: " + (history.empty() ? "-" : history));
  party_record.blocks.push_back(ListOf(std::move(items)));
  d.sections.push_back(std::move(party_record));
  return d;
}

}  // namespace mara::report
