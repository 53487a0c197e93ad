#include "service/compare.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <variant>

#include "common/text.h"
#include "domain/model.h"
#include "ingest/countries.h"
#include "ingest/dataset_import.h"
#include "ingest/names/resolver.h"
#include "service/authorized.h"
#include "service/core.h"

namespace mara {
namespace {

using OJson = nlohmann::ordered_json;

constexpr size_t kMaxReferenceRecordBytes = 64 << 10;

int Rank(PartyStatus s) { return static_cast<int>(s); }

std::string Figure(const ParamValue& v) { return ParamValueToString(v); }

// "pattern.min_incidents 2 < 3" (or "delisting.requires_commitments not
// met" for a yes/no rule) for each unmet criterion of `evidence`.
std::string Unmet(const PartyAssessment& a, std::string_view evidence) {
  std::string out;
  for (const Criterion& c : a.criteria) {
    if (c.evidence != evidence || c.met) continue;
    if (!out.empty()) out += "; ";
    if (std::holds_alternative<bool>(c.threshold)) {
      out += c.rule + " not met";
    } else {
      out += c.rule + " " + Figure(c.observed) + " < " + Figure(c.threshold);
    }
  }
  return out;
}

std::string Met(const PartyAssessment& a, std::string_view evidence) {
  std::string out;
  for (const Criterion& c : a.criteria) {
    if (c.evidence != evidence || !c.met) continue;
    if (!out.empty()) out += "; ";
    out += c.rule + " " + Figure(c.observed) + " >= " + Figure(c.threshold);
  }
  return out;
}

const Criterion* FindCriterion(const PartyAssessment& a, std::string_view rule) {
  for (const Criterion& c : a.criteria) {
    if (c.rule == rule) return &c;
  }
  return nullptr;
}

// Why Mara gives `a` a lower status than the reference.
void ExplainLower(const PartyAssessment* a, const Party* party, const Policy& policy, int cycle,
                  Disagreement* d) {
  if (a == nullptr) {
    d->criterion = "not in the data";
    d->explanation =
        fmt::format("no incident, finding or decision about the party up to {}", cycle);
    return;
  }
  if (a->decided) {
    d->criterion = "decided otherwise";
    d->explanation =
        fmt::format("a recorded decision made it {} in {}", ToString(a->status), cycle);
    return;
  }
  // A dissolved party that was listed and is no longer: delisted under the
  // dissolution rule, in this cycle or an earlier one.
  int last_listed = 0;
  for (const CycleStatus& h : a->history) {
    if (h.status == PartyStatus::kListed) last_listed = h.cycle;
  }
  if (party != nullptr && party->dissolved && last_listed > 0 &&
      a->status != PartyStatus::kListed && policy.delisting_dissolved_clean_cycles > 0 &&
      (!party->dissolved->date || party->dissolved->date->year() <= cycle)) {
    d->criterion = "dissolved";
    d->explanation = fmt::format(
        "dissolved {} ({}); last listed in {}, then delisted after "
        "delisting.dissolved_clean_cycles ({}) clean cycles",
        party->dissolved->date ? "on " + party->dissolved->date->ToString()
                               : std::string("(date unknown)"),
        party->dissolved->source, last_listed, policy.delisting_dissolved_clean_cycles);
    return;
  }
  if (!a->in_scope) {
    d->criterion = "out of scope";
    d->explanation = "the party's situation is not on the Council's agenda";
    return;
  }
  const Evidence& e = a->evidence;
  const bool wants_listing = d->reference_status == PartyStatus::kListed;
  const std::string incidents = Unmet(*a, wants_listing ? "listing" : "notice");
  const int64_t sources = wants_listing ? e.findings_list_sources : e.findings_notice_sources;
  const int64_t needed =
      wants_listing ? policy.findings_list_min_sources : policy.findings_notice_min_sources;
  const int level = wants_listing ? policy.findings_list_level : policy.findings_notice_level;
  if (sources == 1 && needed > 1) {
    d->criterion = "one source only";
    d->explanation =
        fmt::format("one source gives a finding at level >= {}; findings.{}_min_sources is {}{}",
                    level, wants_listing ? "list" : "notice", needed,
                    incidents.empty() ? "" : "; incidents: " + incidents);
    return;
  }
  d->criterion = "below a threshold";
  d->explanation = fmt::format("{}{}findings: {} source(s) at level >= {} < {}", incidents,
                               incidents.empty() ? "" : "; ", sources, level, needed);
}

// Why Mara gives `a` a higher status than the reference.
void ExplainHigher(const PartyAssessment& a, const Policy& p, Disagreement* d) {
  if (a.decided) {
    d->criterion = "decided otherwise";
    d->explanation = fmt::format("a recorded decision made it {}", std::string(ToString(a.status)));
    return;
  }
  switch (a.rule) {
    case 2: {
      d->criterion = "kept listed";
      std::string unmet = Unmet(a, "delisting");
      d->explanation = "listed before and not eligible for delisting" +
                       (unmet.empty() ? std::string() : ": " + unmet);
      const Criterion* c = FindCriterion(a, "delisting.requires_commitments");
      if (c != nullptr && !c->met) d->explanation += " (no fully implemented commitment)";
      return;
    }
    case 4:
      d->criterion = "kept listed";
      d->explanation = "on notice for fewer than notice.min_cycles cycles";
      return;
    default:
      break;
  }
  const bool listing = a.status == PartyStatus::kListed;
  const Evidence& e = a.evidence;
  const int64_t sources = listing ? e.findings_list_sources : e.findings_notice_sources;
  const int64_t incidents = listing ? e.listing_incidents : e.notice_incidents;
  const int64_t locations = listing ? e.locations : e.notice_locations;
  const int64_t span = listing ? e.span_days : e.notice_span_days;
  const bool pattern = incidents >= p.pattern_min_incidents &&
                       (locations >= p.pattern_min_locations || span >= p.pattern_min_span_days);
  if (pattern) {
    d->criterion = "pattern met";
    d->explanation = fmt::format("{} incidents in {} location(s) over {} day(s): {}", incidents,
                                 locations, span, Met(a, listing ? "listing" : "notice"));
  } else {
    d->criterion = "findings met";
    d->explanation = fmt::format("{} source(s) give findings at the {} level", sources,
                                 listing ? "listing" : "notice");
  }
}

OJson Ratio(const std::optional<double>& v) { return v ? OJson(*v) : OJson(nullptr); }

std::string Percent(const std::optional<double>& v) {
  return v ? fmt::format("{:.1f}%", *v * 100.0) : std::string("n/a");
}

}  // namespace

std::string SituationKey(std::string_view name) {
  if (const Country* c = FindCountryByName(name)) return "iso:" + c->alpha3;
  return "name:" + Fold(name);
}

std::optional<double> StatusAgreement::precision() const {
  if (mara == 0) return std::nullopt;
  return static_cast<double>(agreed) / static_cast<double>(mara);
}

std::optional<double> StatusAgreement::recall() const {
  if (reference == 0) return std::nullopt;
  return static_cast<double>(agreed) / static_cast<double>(reference);
}

Result<std::vector<ReferenceEntry>> ReadReferenceList(const std::string& path) {
  MARA_ASSIGN_OR_RETURN(std::unique_ptr<CsvTable> table,
                        CsvTable::Open(path, {"cycle", "situation", "party", "status"}, {"ucdp_id"},
                                       kMaxReferenceRecordBytes));
  std::vector<ReferenceEntry> out;
  while (true) {
    MARA_ASSIGN_OR_RETURN(bool row, table->Next());
    if (!row) break;
    ReferenceEntry e;
    e.line = table->line();
    MARA_ASSIGN_OR_RETURN(int64_t cycle, table->Int("cycle"));
    if (cycle < 1000 || cycle > 9999) {
      return table->FieldError("cycle",
                               "expected a year (1000..9999), got " + std::to_string(cycle));
    }
    e.cycle = static_cast<int>(cycle);
    MARA_ASSIGN_OR_RETURN(std::string_view situation, table->Required("situation"));
    MARA_ASSIGN_OR_RETURN(std::string_view party, table->Required("party"));
    MARA_ASSIGN_OR_RETURN(std::string_view status, table->Required("status"));
    e.situation = situation;
    e.party = party;
    if (SameVocabulary(status, "listed")) {
      e.status = PartyStatus::kListed;
    } else if (SameVocabulary(status, "on_notice") || SameVocabulary(status, "on notice")) {
      e.status = PartyStatus::kOnNotice;
    } else {
      return table->FieldError("status",
                               "expected listed or on_notice, got " + QuoteForMessage(status));
    }
    MARA_ASSIGN_OR_RETURN(e.ucdp_id, table->OptionalInt("ucdp_id"));
    out.push_back(std::move(e));
  }
  return out;
}

Result<Comparison> CompareWithReference(Session& session, const Policy& policy,
                                        const std::vector<ReferenceEntry>& reference, int cycle) {
  MARA_RETURN_IF_ERROR(session.RequireEverywhere(security::Operation::kRunAssessment));
  MARA_ASSIGN_OR_RETURN(Assessment assessment, AssessCycle(session, policy, cycle));
  MARA_ASSIGN_OR_RETURN(Bundle registry, session.store().LoadRegistry());

  Comparison out;
  out.cycle = cycle;
  out.policy_name = assessment.policy_name;
  out.policy_version = assessment.policy_version;
  out.policy_digest = assessment.policy_digest;
  out.data_digest = assessment.data_digest;

  std::map<std::string, const Party*> party_by_id;
  for (const Party& p : registry.parties) party_by_id[p.id] = &p;
  std::map<std::string, std::string> situation_key;  // Mara situation id -> key
  for (const Situation& s : registry.situations) situation_key[s.id] = SituationKey(s.name);

  // One resolver per situation key the reference names, plus one over all.
  std::map<std::string, names::NameResolver> resolvers;
  auto resolver_for = [&](const std::string& key) -> Result<const names::NameResolver*> {
    if (auto it = resolvers.find(key); it != resolvers.end()) return &it->second;
    std::vector<names::PartyNames> names;
    for (const Party& p : registry.parties) {
      if (!key.empty() && situation_key[p.situation] != key) continue;
      names.push_back({p.id, p.name, p.aliases});
    }
    MARA_ASSIGN_OR_RETURN(names::NameResolver r, names::NameResolver::Build(names));
    return &resolvers.emplace(key, std::move(r)).first->second;
  };

  std::set<std::string> keys;                           // the reference's situations
  std::map<std::string, PartyStatus> reference_status;  // resolved party -> status
  std::vector<Disagreement> disagreements;
  for (const ReferenceEntry& e : reference) {
    if (e.cycle != cycle) {
      ++out.other_cycle_rows;
      continue;
    }
    ++out.reference_rows;
    const std::string key = SituationKey(e.situation);
    if (keys.insert(key).second) out.situations.push_back(e.situation);
    (e.status == PartyStatus::kListed ? out.listed : out.on_notice).reference++;

    std::string party_id;
    std::string why_unresolved;
    if (e.ucdp_id) {
      const std::string id = "UCDP-" + std::to_string(*e.ucdp_id);
      if (party_by_id.count(id) > 0) party_id = id;
    }
    if (party_id.empty()) {
      bool any_in_situation = false;
      for (const auto& [id, k] : situation_key) any_in_situation = any_in_situation || k == key;
      MARA_ASSIGN_OR_RETURN(const names::NameResolver* r,
                            resolver_for(any_in_situation ? key : std::string()));
      names::Resolution res = r->Resolve(e.party);
      if (res.decision != names::Decision::kAccept && any_in_situation) {
        // The data may place the party in another situation (a group that
        // crosses borders): an accepted match over every party counts.
        MARA_ASSIGN_OR_RETURN(const names::NameResolver* all, resolver_for(std::string()));
        names::Resolution wider = all->Resolve(e.party);
        if (wider.decision == names::Decision::kAccept) res = std::move(wider);
      }
      if (res.decision == names::Decision::kAccept && res.best() != nullptr) {
        party_id = res.best()->party_id;
      } else if (res.ambiguous && res.candidates.size() > 1) {
        why_unresolved = fmt::format("the name fits several parties equally ({} {}, {} {})",
                                     res.candidates[0].party_id, res.candidates[0].matched_name,
                                     res.candidates[1].party_id, res.candidates[1].matched_name);
      } else if (res.best() != nullptr) {
        why_unresolved = fmt::format("no confident match in Mara's registry (nearest: {} {:.3f})",
                                     res.best()->matched_name, res.score());
      } else {
        why_unresolved = "no party of Mara's registry has a similar name";
      }
    }
    Disagreement d;
    d.reference_party = e.party;
    d.situation = e.situation;
    d.reference_status = e.status;
    if (party_id.empty()) {
      ++out.unresolved;
      d.criterion = "not in the data";
      d.explanation = why_unresolved;
      disagreements.push_back(std::move(d));
      continue;
    }
    const Party* party = party_by_id[party_id];
    keys.insert(situation_key[party->situation]);
    d.party_id = party_id;
    d.party_name = party->name;
    PartyStatus& seen = reference_status[party_id];
    seen = std::max(seen, e.status);
    const PartyAssessment* a = assessment.Find(party_id);
    d.mara_status = a != nullptr ? a->status : PartyStatus::kNone;
    if (d.mara_status == e.status) {
      (e.status == PartyStatus::kListed ? out.listed : out.on_notice).agreed++;
      continue;
    }
    if (Rank(d.mara_status) < Rank(e.status)) {
      ExplainLower(a, party, policy, cycle, &d);
    } else {
      ExplainHigher(*a, policy, &d);
    }
    disagreements.push_back(std::move(d));
  }

  // Mara's side, in the reference's situations.
  for (const PartyAssessment& a : assessment.parties) {
    if (a.status == PartyStatus::kNone) continue;
    if (keys.count(situation_key[a.situation]) == 0) continue;
    (a.status == PartyStatus::kListed ? out.listed : out.on_notice).mara++;
    if (reference_status.count(a.id) > 0) continue;  // agreed, or explained above
    Disagreement d;
    d.situation = a.situation;
    d.party_id = a.id;
    d.party_name = a.name;
    d.reference_status = PartyStatus::kNone;
    d.mara_status = a.status;
    ExplainHigher(a, policy, &d);
    disagreements.push_back(std::move(d));
  }
  out.disagreements = std::move(disagreements);
  return out;
}

std::string ComparisonToText(const Comparison& c) {
  std::string out = fmt::format(
      "Comparison with the reference list, cycle {} (policy {} {}, {}; data {})\n", c.cycle,
      c.policy_name, c.policy_version, c.policy_digest.substr(0, 16), c.data_digest.substr(0, 16));
  out += fmt::format(
      "Reference: {} row(s) for {} in {} situation(s); {} row(s) of other cycles "
      "left out; {} name(s) not resolved\n",
      c.reference_rows, c.cycle, c.situations.size(), c.other_cycle_rows, c.unresolved);
  for (const auto& [label, s] :
       {std::pair{"listed", &c.listed}, std::pair{"on notice", &c.on_notice}}) {
    out += fmt::format("{:<10} reference {:>4}  Mara {:>4}  both {:>4}  precision {}  recall {}\n",
                       label, s->reference, s->mara, s->agreed, Percent(s->precision()),
                       Percent(s->recall()));
  }
  if (c.disagreements.empty()) {
    out += "No disagreement.\n";
    return out;
  }
  out += fmt::format("\n{} disagreement(s):\n", c.disagreements.size());
  for (const Disagreement& d : c.disagreements) {
    std::string who =
        d.party_id.empty() ? d.reference_party : fmt::format("{} ({})", d.party_name, d.party_id);
    if (!d.party_id.empty() && !d.reference_party.empty() && d.reference_party != d.party_name) {
      who += fmt::format(" [reference: {}]", d.reference_party);
    }
    out += fmt::format("- {} in {}: reference {}, Mara {}: {}: {}\n", who, d.situation,
                       ToString(d.reference_status), ToString(d.mara_status), d.criterion,
                       d.explanation);
  }
  return out;
}

nlohmann::ordered_json ComparisonToJson(const Comparison& c) {
  OJson j;
  j["cycle"] = c.cycle;
  j["policy"] = {
      {"name", c.policy_name}, {"version", c.policy_version}, {"digest", c.policy_digest}};
  j["data_digest"] = c.data_digest;
  j["reference_rows"] = c.reference_rows;
  j["other_cycle_rows"] = c.other_cycle_rows;
  j["situations"] = c.situations;
  j["unresolved"] = c.unresolved;
  for (const auto& [label, s] :
       {std::pair{"listed", &c.listed}, std::pair{"on_notice", &c.on_notice}}) {
    j[label] = {{"reference", s->reference},
                {"mara", s->mara},
                {"agreed", s->agreed},
                {"precision", Ratio(s->precision())},
                {"recall", Ratio(s->recall())}};
  }
  OJson list = OJson::array();
  for (const Disagreement& d : c.disagreements) {
    OJson e;
    e["reference_party"] = d.reference_party.empty() ? OJson(nullptr) : OJson(d.reference_party);
    e["situation"] = d.situation;
    e["party"] = d.party_id.empty() ? OJson(nullptr) : OJson(d.party_id);
    e["party_name"] = d.party_id.empty() ? OJson(nullptr) : OJson(d.party_name);
    e["reference_status"] = ToString(d.reference_status);
    e["mara_status"] = ToString(d.mara_status);
    e["criterion"] = d.criterion;
    e["explanation"] = d.explanation;
    list.push_back(std::move(e));
  }
  j["disagreements"] = std::move(list);
  return j;
}

}  // namespace mara
