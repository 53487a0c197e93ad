// The FollowTheMoney rendering: one JSON object per line, an Organization
// for each listed, on-notice or removed party and a Sanction carrying its
// listing, so that screening tools built for sanctions lists can use Mara's
// list (docs/reports.md maps each property).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "report/render.h"
#include "service/countries.h"

namespace mara::report {
namespace {

using OJson = nlohmann::ordered_json;

OJson Values(std::initializer_list<std::string> values) {
  OJson a = OJson::array();
  for (const std::string& v : values) {
    if (!v.empty()) a.push_back(v);
  }
  return a;
}

// FtM's `country` is a lower-case ISO 3166-1 alpha-2 code.
std::string FtmCountry(const std::optional<std::string>& iso3) {
  if (!iso3) return "";
  std::string code = CountryAlpha2(*iso3).value_or("");
  for (char& c : code) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return code;
}

}  // namespace

std::string RenderFtm(const Report& r) {
  std::map<std::string, std::string> countries;  // situation id -> FtM country code
  for (const SituationSection& s : r.situations) countries[s.id] = FtmCountry(s.iso3);
  std::map<std::string, std::set<std::string>> urls;
  for (const StatementOfCase& s : r.cases) {
    for (const CaseIncident& c : s.incidents) {
      for (const Source& src : c.sources) {
        if (src.url && ShowsSource(r.edition, src)) urls[s.party.id].insert(*src.url);
      }
    }
  }
  for (const CaseSummary& s : r.case_summaries) {
    for (const Source& src : s.sources) {
      if (src.url) urls[s.party.id].insert(*src.url);
    }
  }
  const std::string authority = fmt::format("Mara, policy {} {}", r.policy_name, r.policy_version);
  const std::string summary =
      fmt::format("{} annual report on {}, {} edition; policy {} {} digest {}; data digest {}",
                  kReportFormat, r.cycle, EditionName(r.edition), r.policy_name, r.policy_version,
                  r.policy_digest, r.data_digest);

  std::string out;
  auto emit = [&](const PartyLine& p, std::string_view program, std::string_view status,
                  const std::string& reason, bool ended) {
    OJson org;
    org["id"] = "mara-party-" + p.id;
    org["schema"] = "Organization";
    OJson props;
    props["name"] = Values({p.name});
    OJson aliases = OJson::array();
    for (const std::string& a : p.aliases) aliases.push_back(a);
    // Its names in other languages are further aliases; `name` stays canonical.
    for (const auto& [language, name] : p.names) {
      if (name != p.name && std::find(aliases.begin(), aliases.end(), name) == aliases.end()) {
        aliases.push_back(name);
      }
    }
    props["alias"] = std::move(aliases);
    // The country of the party's situation; left out where it has none.
    if (auto sit = countries.find(p.situation); sit != countries.end() && !sit->second.empty()) {
      props["country"] = Values({sit->second});
    }
    props["topics"] = Values({"sanction"});
    org["properties"] = std::move(props);
    out += org.dump() + "\n";

    OJson sanction;
    sanction["id"] = fmt::format("mara-sanction-{}-{}", p.id, r.cycle);
    sanction["schema"] = "Sanction";
    OJson s;
    s["entity"] = Values({"mara-party-" + p.id});
    s["authority"] = Values({authority});
    s["program"] = Values({std::string(program)});
    s["listingDate"] = Values({std::to_string(r.cycle)});
    s["startDate"] = ended ? OJson::array() : Values({std::to_string(p.status_since)});
    s["endDate"] = ended ? Values({std::to_string(r.cycle)}) : OJson::array();
    s["status"] = Values({std::string(status)});
    s["reason"] = Values({reason});
    OJson source_urls = OJson::array();
    for (const std::string& u : urls[p.id]) source_urls.push_back(u);
    s["sourceUrl"] = std::move(source_urls);
    s["summary"] = Values({summary});
    sanction["properties"] = std::move(s);
    out += sanction.dump() + "\n";
  };
  for (const AnnexGroup& g : r.annex) {
    for (const auto* list : {&g.state_parties, &g.non_state_parties}) {
      for (const PartyLine& p : *list) {
        emit(p, "CRSV annex", "listed", p.basis, false);
      }
    }
  }
  for (const NoticeEntry& n : r.notice) {
    emit(n.party, "notice", "on_notice",
         fmt::format("{}; review in {}", n.party.basis, n.review_cycle), false);
  }
  for (const Removal& m : r.removals) {
    emit(m.party, m.party.previous_status == PartyStatus::kListed ? "CRSV annex" : "notice",
         m.party.previous_status == PartyStatus::kListed ? "delisted" : "removed_from_notice",
         m.reason, true);
  }
  return out;
}

}  // namespace mara::report
