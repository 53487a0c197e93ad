// The CSV rendering: the annex and the per-situation counts, as two tables
// in one RFC 4180 file (docs/reports.md gives the columns).
#include <fmt/format.h>

#include <cctype>
#include <map>

#include "report/render.h"

namespace mara::report {
namespace {

// Quotes when needed; a cell that a spreadsheet would run as a formula gets
// a leading apostrophe, since names come from outside.
std::string Field(std::string_view text) {
  std::string v(text);
  if (!v.empty() &&
      (v[0] == '=' || v[0] == '+' || v[0] == '@' || v[0] == '\t' ||
       (v[0] == '-' && v.size() > 1 && !std::isdigit(static_cast<unsigned char>(v[1]))))) {
    v.insert(v.begin(), '\'');
  }
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void Row(std::initializer_list<std::string_view> cells, std::string* out) {
  bool first = true;
  for (std::string_view c : cells) {
    if (!first) *out += ',';
    *out += Field(c);
    first = false;
  }
  *out += "\r\n";
}

std::string DesignationCell(const PartyLine& p) {
  std::string out;
  for (const Designation& d : p.designations) {
    if (!out.empty()) out += "; ";
    out += fmt::format("{}: {} ({}, {}{})", d.authority, d.program, ToString(d.kind),
                       d.listed_on.ToString(), d.ended_on ? " to " + d.ended_on->ToString() : "");
  }
  return out;
}

void AnnexRow(const PartyLine& p, std::string_view situation_name, std::string_view reason,
              std::string* out) {
  Row({p.situation, situation_name, p.id, p.name, ToString(p.kind), ToString(p.status),
       ToString(p.previous_status), p.newly_listed ? "true" : "false",
       p.persistent ? "true" : "false", std::to_string(p.listing_incidents),
       std::to_string(p.notice_incidents), DesignationCell(p), reason},
      out);
}

}  // namespace

std::string RenderCsv(const Report& r) {
  std::string out =
      fmt::format("# {} cycle={} edition={} policy={} {} policy_digest={} data_digest={}\r\n",
                  kReportFormat, r.cycle, EditionName(r.edition), r.policy_name, r.policy_version,
                  r.policy_digest, r.data_digest);
  out += "# table: annex\r\n";
  Row({"situation", "situation_name", "party", "name", "kind", "status", "previous_status",
       "newly_listed", "persistent", "listing_incidents", "notice_incidents", "designations",
       "reason"},
      &out);
  std::map<std::string, std::string> names;
  for (const SituationSection& s : r.situations) names[s.id] = s.name;
  for (const AnnexGroup& g : r.annex) {
    for (const PartyLine& p : g.state_parties) AnnexRow(p, g.situation_name, "", &out);
    for (const PartyLine& p : g.non_state_parties) AnnexRow(p, g.situation_name, "", &out);
  }
  for (const NoticeEntry& n : r.notice) AnnexRow(n.party, names[n.party.situation], "", &out);
  for (const Removal& m : r.removals) {
    AnnexRow(m.party, names[m.party.situation], m.reason, &out);
  }
  out += "\r\n# table: situations\r\n";
  Row({"situation", "name", "on_council_agenda", "verified_incidents",
       "previous_cycle_verified_incidents", "unverified_incidents", "victims_women",
       "victims_girls", "victims_men", "victims_boys", "victims_unknown", "victims_total",
       "listed_parties", "on_notice_parties"},
      &out);
  for (const SituationSection& s : r.situations) {
    int64_t listed = 0, notice = 0;
    for (const PartyLine& p : s.parties) {
      listed += p.status == PartyStatus::kListed;
      notice += p.status == PartyStatus::kOnNotice;
    }
    const VictimCells& v = s.victims;
    Row({s.id, s.name, s.on_council_agenda ? "true" : "false", std::to_string(s.verified),
         std::to_string(s.previous_verified), std::to_string(s.unverified), v.women.text,
         v.girls.text, v.men.text, v.boys.text, v.unknown.text, v.total.text,
         std::to_string(listed), std::to_string(notice)},
        &out);
  }
  return out;
}

}  // namespace mara::report
