#include "service/case.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "common/text.h"
#include "domain/disclosure.h"
#include "domain/json_codec.h"
#include "policy/assessment_output.h"
#include "service/assess.h"
#include "service/core.h"
#include "service/digest.h"

namespace mara {
namespace {

using OJson = nlohmann::ordered_json;

template <typename T>
std::vector<T> OfParty(const std::vector<T>& all, std::string_view party) {
  std::vector<T> out;
  for (const T& v : all) {
    if (v.party == party) out.push_back(v);
  }
  return out;
}

// A published count: the number when the edition shows it, else its text.
OJson CountJson(const Cell& cell) {
  if (cell.value) return *cell.value;
  return cell.text;
}

OJson IncidentToCaseJson(const CaseIncident& c, Edition edition, int min_cell) {
  const Incident& i = c.incident;
  OJson j;
  j["id"] = i.id;
  j["date"] = i.date.ToString();
  j["date_precision"] = ToString(i.date_precision);
  j["location"] = {{"name", i.location.name}};
  if (i.location.admin1) j["location"]["admin1"] = *i.location.admin1;
  OJson violations = OJson::array();
  for (Violation v : i.violations) violations.push_back(ToString(v));
  j["violations"] = std::move(violations);
  j["status"] = ToString(i.status);
  j["standard"] = ToString(c.standard);
  j["listing_evidence"] = c.listing_evidence;
  j["notice_evidence"] = c.notice_evidence;
  j["context"] = ToString(i.context);
  const VictimCells cells = PublishVictims(i.victims, edition, min_cell);
  j["victims"] = {{"women", CountJson(cells.women)},
                  {"girls", CountJson(cells.girls)},
                  {"men", CountJson(cells.men)},
                  {"boys", CountJson(cells.boys)},
                  {"unknown", CountJson(cells.unknown)}};
  OJson sources = OJson::array();
  for (const Source& s : c.sources) {
    if (!ShowsSource(edition, s)) continue;
    sources.push_back({{"id", s.id},
                       {"kind", ToString(s.kind)},
                       {"publisher", s.publisher},
                       {"title", s.title},
                       {"confidential", s.confidential}});
  }
  j["sources"] = std::move(sources);
  if (edition == Edition::kConfidential && i.narrative) j["narrative"] = *i.narrative;
  return j;
}

template <typename T>
OJson ArrayOf(const std::vector<T>& values) {
  OJson out = OJson::array();
  for (const T& v : values) out.push_back(ToJson(v));
  return out;
}

}  // namespace

StatementOfCase StatementOfCaseFrom(const Bundle& registry, const Policy& policy,
                                    const Assessment& assessment, const Party& party, int cycle,
                                    const StatementOfCase* shared, i18n::Language lang) {
  StatementOfCase s;
  s.cycle = cycle;
  s.policy_name = policy.name;
  s.policy_version = policy.version;
  s.policy_digest = assessment.policy_digest;
  s.data_digest = assessment.data_digest;
  s.publication_min_cell = policy.publication_min_cell;
  s.party = party;
  for (const Party& p : registry.parties) {
    if (party.splinter_of && p.id == *party.splinter_of) s.splinter_origin = p;
    if (party.parent && p.id == *party.parent) s.parent = p;
  }
  if (const PartyAssessment* pa = assessment.Find(party.id)) {
    s.assessment = *pa;
  } else {
    s.assessment.id = party.id;
    s.assessment.name = party.name;
    s.assessment.situation = party.situation;
    s.assessment.kind = party.kind;
    s.assessment.parent = party.parent;
    s.assessment.splinter_of = party.splinter_of;
  }
  s.explanation = Explain(s.assessment, policy, cycle, lang);
  for (const Finding& f : OfParty(registry.findings, party.id)) {
    if (f.cycle <= cycle) s.findings.push_back(f);
  }
  s.commitments = OfParty(registry.commitments, party.id);
  s.designations = OfParty(registry.designations, party.id);
  s.engagements = OfParty(registry.engagements, party.id);
  for (const Decision& d : OfParty(registry.decisions, party.id)) {
    if (d.cycle <= cycle) s.decisions.push_back(d);
  }
  s.petitions = OfParty(registry.petitions, party.id);
  if (shared != nullptr && shared->hidden_sources_public && shared->hidden_sources_confidential) {
    s.hidden_sources_public = shared->hidden_sources_public;
    s.hidden_sources_confidential = shared->hidden_sources_confidential;
  } else {
    s.hidden_sources_public =
        std::make_shared<const std::set<std::string>>(HiddenSources(registry, Edition::kPublic));
    s.hidden_sources_confidential = std::make_shared<const std::set<std::string>>(
        HiddenSources(registry, Edition::kConfidential));
  }
  return s;
}

std::optional<CaseIncident> CaseIncidentFor(
    const Assessor& assessor, const Policy& policy, const Incident& incident,
    std::string_view party_id, int cycle,
    const std::map<std::string_view, const Source*>& sources) {
  if (incident.cycle() != cycle) return std::nullopt;
  bool verified = incident.status == IncidentStatus::kVerified;
  if (!verified && incident.status != IncidentStatus::kUnderVerification) return std::nullopt;
  std::optional<Standard> standard = assessor.CountedStandard(FactsOf(incident), party_id);
  if (!standard) return std::nullopt;
  CaseIncident c;
  c.incident = incident;
  c.standard = *standard;
  c.listing_evidence = verified && *standard >= policy.listing_min_standard;
  c.notice_evidence = *standard >= policy.notice_min_standard;
  for (const std::string& id : incident.sources) {
    auto it = sources.find(id);
    // A withdrawn testimony is cited by no statement, in any edition.
    if (it == sources.end() || (it->second->consent && IsWithdrawn(*it->second->consent))) continue;
    c.sources.push_back(*it->second);
  }
  return c;
}

Result<StatementOfCase> BuildStatementOfCase(Store& store, const Policy& policy,
                                             std::string_view party_id, int cycle,
                                             i18n::Language lang) {
  MARA_RETURN_IF_ERROR(CheckCycle(cycle));
  MARA_ASSIGN_OR_RETURN(Bundle registry, store.LoadRegistry());
  auto party_it = std::find_if(registry.parties.begin(), registry.parties.end(),
                               [&](const Party& p) { return p.id == party_id; });
  if (party_it == registry.parties.end()) {
    return Status::NotFound("party " + QuoteForMessage(party_id) + ": no such party");
  }
  MARA_ASSIGN_OR_RETURN(std::string data_digest, DataDigest(store));
  Assessor assessor(registry, policy, cycle);
  MARA_RETURN_IF_ERROR(store.ScanIncidentFacts([&assessor](const IncidentFacts& facts) {
    assessor.Add(facts);
    return Status::Ok();
  }));
  Assessment assessment = assessor.Finish(data_digest);
  StatementOfCase s =
      StatementOfCaseFrom(registry, policy, assessment, *party_it, cycle, nullptr, lang);
  MARA_ASSIGN_OR_RETURN(std::vector<Communication> communications, store.ListCommunications());
  for (Communication& c : communications) {
    if (c.party == party_it->id) s.communications.push_back(std::move(c));
  }

  std::map<std::string_view, const Source*> sources;
  for (Source& src : registry.sources) {
    src = Disclosable(src);
    sources[src.id] = &src;
  }
  MARA_RETURN_IF_ERROR(store.ScanIncidents([&](const Incident& incident) {
    std::optional<CaseIncident> c =
        CaseIncidentFor(assessor, policy, incident, party_id, cycle, sources);
    if (c) s.incidents.push_back(std::move(*c));
    return Status::Ok();
  }));
  std::sort(s.incidents.begin(), s.incidents.end(),
            [](const CaseIncident& a, const CaseIncident& b) {
              if (a.incident.date != b.incident.date) return a.incident.date < b.incident.date;
              return a.incident.id < b.incident.id;
            });
  return s;
}

namespace {

// The sources the edition may not name. A statement built without its
// hidden-source sets (StatementOfCaseFrom always sets them) names none of
// the sources of its findings and designations.
// `all` holds that set when it is needed.
const std::set<std::string>& HiddenSourcesOf(const StatementOfCase& s, bool public_edition,
                                             std::set<std::string>* all) {
  const auto& shared = public_edition ? s.hidden_sources_public : s.hidden_sources_confidential;
  if (shared) return *shared;
  for (const Finding& f : s.findings) all->insert(f.source);
  for (const Designation& d : s.designations) {
    if (d.source) all->insert(*d.source);
  }
  return *all;
}

}  // namespace

OJson StatementOfCaseToJson(const StatementOfCase& s, bool public_edition) {
  const Edition edition = public_edition ? Edition::kPublic : Edition::kConfidential;
  std::set<std::string> all_sources;
  const std::set<std::string>& hidden = HiddenSourcesOf(s, public_edition, &all_sources);
  OJson j;
  j["party"] = s.party.id;
  j["name"] = s.party.name;
  j["cycle"] = s.cycle;
  j["edition"] = public_edition ? "public" : "confidential";
  j["policy"] = {
      {"name", s.policy_name}, {"version", s.policy_version}, {"digest", s.policy_digest}};
  j["data_digest"] = s.data_digest;
  j["status"] = ToString(s.assessment.status);
  j["recommended_status"] = ToString(s.assessment.recommended_status);
  j["previous_status"] = ToString(s.assessment.previous_status);
  j["decided"] = s.assessment.decided;
  j["override"] = s.assessment.override;
  j["persistent"] = s.assessment.persistent;
  OJson record = ToJson(s.party);
  j["party_record"] = std::move(record);
  // A related party: its id and name, and its names by language when it has
  // any (left out otherwise, so such statements keep their JSON).
  auto related = [](const std::optional<Party>& p) {
    if (!p) return OJson(nullptr);
    OJson out{{"id", p->id}, {"name", p->name}};
    if (!p->names.empty()) out["names"] = p->names;
    return out;
  };
  j["splinter_of"] = related(s.splinter_origin);
  j["parent"] = related(s.parent);
  OJson party_json = PartyAssessmentToJson(s.assessment);
  j["evidence"] = party_json["evidence"];
  j["criteria"] = party_json["criteria"];
  j["explanation"] = ExplanationToJson(s.explanation);
  j["history"] = party_json["history"];
  OJson incidents = OJson::array();
  int64_t withheld = 0;
  for (const CaseIncident& c : s.incidents) {
    // internal_use records count but never leave the confidential edition.
    if (!IncludesConsent(edition, c.incident.consent)) {
      ++withheld;
      continue;
    }
    incidents.push_back(IncidentToCaseJson(c, edition, s.publication_min_cell));
  }
  j["incidents"] = std::move(incidents);
  if (withheld > 0) j["incidents_withheld"] = withheld;
  OJson findings = OJson::array();
  for (const Finding& f : s.findings) findings.push_back(FindingJson(f, hidden));
  j["findings"] = std::move(findings);
  j["commitments"] = ArrayOf(s.commitments);
  OJson designations = OJson::array();
  for (const Designation& d : s.designations) designations.push_back(DesignationJson(d, hidden));
  j["designations"] = std::move(designations);
  OJson engagements = OJson::array();
  for (const Engagement& e : s.engagements) engagements.push_back(EngagementJson(e, edition));
  j["engagements"] = std::move(engagements);
  OJson decisions = OJson::array();
  for (const Decision& d : s.decisions) decisions.push_back(DecisionJson(d, edition));
  j["decisions"] = std::move(decisions);
  OJson petitions = OJson::array();
  for (const Petition& p : s.petitions) petitions.push_back(PetitionJson(p, edition));
  j["petitions"] = std::move(petitions);
  // Only a statement that has communications names them: the annual
  // report's statements (StatementOfCaseFrom) never carry any.
  if (!s.communications.empty()) {
    OJson communications = OJson::array();
    for (const Communication& c : s.communications) {
      communications.push_back(CommunicationJson(c, edition));
    }
    j["communications"] = std::move(communications);
  }
  return j;
}

std::string StatementOfCaseToText(const StatementOfCase& s, bool public_edition) {
  const Edition edition = public_edition ? Edition::kPublic : Edition::kConfidential;
  std::set<std::string> all_sources;
  const std::set<std::string>& hidden = HiddenSourcesOf(s, public_edition, &all_sources);
  const PartyAssessment& a = s.assessment;
  std::string out =
      fmt::format("Statement of case: {} ({}), cycle {}\n", s.party.name, s.party.id, s.cycle);
  out += fmt::format("Situation {}, {} party{}\n", s.party.situation, ToString(s.party.kind),
                     a.in_scope ? "" : " (situation not on the Council's agenda)");
  if (s.splinter_origin) {
    out += fmt::format("Split from {} ({}); its history is not carried over.\n",
                       s.splinter_origin->name, s.splinter_origin->id);
  }
  if (s.parent) out += fmt::format("Unit of {} ({}).\n", s.parent->name, s.parent->id);
  if (s.party.dissolved) {
    out += fmt::format("Dissolved {} (source: {}).\n",
                       s.party.dissolved->date ? "on " + s.party.dissolved->date->ToString()
                                               : std::string("(date unknown)"),
                       s.party.dissolved->source);
  }
  for (const NameOverTime& n : s.party.names_over_time) {
    out += fmt::format("Also known as {} ({} to {})\n", n.name, n.from ? n.from->ToString() : "?",
                       n.to ? n.to->ToString() : "?");
  }
  out += fmt::format("Status {} (recommended {}, previous {}){}{}{}\n", ToString(a.status),
                     ToString(a.recommended_status), ToString(a.previous_status),
                     a.decided ? ", decided" : "", a.override ? ", override" : "",
                     a.persistent ? ", persistent perpetrator" : "");
  out += fmt::format("Policy {} {} ({})\n\nWhy: {}\n\nCriteria ([x] met, [ ] not met):\n",
                     s.policy_name, s.policy_version, s.policy_digest.substr(0, 16),
                     s.explanation.summary);
  for (const ExplainedCriterion& c : s.explanation.criteria) {
    out += fmt::format("  [{}] {}\n", c.met ? "x" : " ", c.sentence);
  }
  out += "\n" + s.explanation.combination + "\n";
  if (!s.explanation.would_change.empty()) {
    out += "\nWhat would change it:\n";
    for (const std::string& w : s.explanation.would_change) out += "  - " + w + "\n";
  }
  out += fmt::format("\nCounted incidents in {} ({}):\n", s.cycle, s.incidents.size());
  for (const CaseIncident& c : s.incidents) {
    if (!IncludesConsent(edition, c.incident.consent)) continue;
    std::string violations;
    for (Violation v : c.incident.violations) {
      if (!violations.empty()) violations += ",";
      violations += ToString(v);
    }
    std::string sources;
    for (const Source& src : c.sources) {
      if (!ShowsSource(edition, src)) continue;
      if (!sources.empty()) sources += "; ";
      sources += fmt::format("{} ({})", ToString(src.kind), src.publisher);
    }
    out += fmt::format("  {} {} {} [{}] {} {}{} sources: {}\n", c.incident.id,
                       c.incident.date.ToString(), c.incident.location.name, violations,
                       ToString(c.incident.status), ToString(c.standard),
                       c.listing_evidence ? " listing" : (c.notice_evidence ? " notice" : ""),
                       sources.empty() ? "-" : sources);
  }
  out += fmt::format("\nFindings ({}):\n", s.findings.size());
  for (const Finding& f : s.findings) {
    out += fmt::format("  cycle {} source {} level {}\n", f.cycle,
                       hidden.count(f.source) > 0 ? "(withheld)" : f.source, f.level);
  }
  out += fmt::format("\nCommitments ({}):\n", s.commitments.size());
  for (const Commitment& c : s.commitments) {
    out += fmt::format("  {} {} signed {}\n", c.id, ToString(c.kind),
                       c.signed_on ? c.signed_on->ToString() : "-");
    for (const Measure& m : c.measures) {
      out += fmt::format("    {} {}{}: {}\n", m.id, ToString(m.status),
                         m.verified_on ? " on " + m.verified_on->ToString() : "", m.text);
    }
  }
  out += fmt::format("\nDesignations ({}):\n", s.designations.size());
  for (const Designation& d : s.designations) {
    out += fmt::format("  {} {} {} from {}{}\n", d.authority, d.program, ToString(d.kind),
                       d.listed_on.ToString(), d.ended_on ? " to " + d.ended_on->ToString() : "");
  }
  out += fmt::format("\nEngagements ({}):\n", s.engagements.size());
  for (const Engagement& e : s.engagements) {
    const Engagement shown = Disclosed(e, edition);
    out += fmt::format("  {} {}{}{}\n", shown.date.ToString(), ToString(shown.kind),
                       shown.note.empty() ? "" : " ", shown.note);
  }
  if (!s.petitions.empty()) out += fmt::format("\nPetitions ({}):\n", s.petitions.size());
  for (const Petition& p : s.petitions) {
    const Petition shown = Disclosed(p, edition);
    out += fmt::format("  filed {} {}{}{}\n", shown.filed.ToString(), ToString(shown.outcome),
                       shown.decided ? " on " + shown.decided->ToString() : "",
                       shown.reason ? ": " + *shown.reason : "");
  }
  if (!s.communications.empty()) {
    out += fmt::format("\nCommunications ({}):\n", s.communications.size());
  }
  for (const Communication& c : s.communications) {
    const Communication shown = Disclosed(c, edition);
    out += fmt::format("  {} {} received {} {}{}{}{}\n", shown.id, ToString(shown.kind),
                       shown.received.ToString(), ToString(shown.status),
                       shown.ruled ? " on " + shown.ruled->ToString() : "",
                       shown.submitter.empty() ? "" : " from " + shown.submitter,
                       shown.reason ? ": " + *shown.reason : "");
  }
  out += "\nStatus history:\n";
  for (const CycleStatus& h : a.history) {
    out += fmt::format("  {} {}{} (rule {})\n", h.cycle, ToString(h.status),
                       h.decided ? " decided" : "", h.rule);
  }
  return out;
}

}  // namespace mara
