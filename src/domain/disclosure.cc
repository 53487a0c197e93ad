#include "domain/disclosure.h"

#include <fmt/format.h>

#include <utility>

#include "common/text.h"

namespace mara {
namespace {

constexpr std::string_view kTombstonePlace = "withdrawn";

Cell Shown(int64_t n) { return Cell{n, std::to_string(n)}; }

Share ShareOf(int64_t part, int64_t total) {
  if (total == 0) return Share{std::nullopt, "-"};
  double percent = 100.0 * static_cast<double>(part) / static_cast<double>(total);
  return Share{percent, fmt::format("{:.1f}%", percent)};
}

Share WithheldShare() { return Share{std::nullopt, std::string(kWithheld)}; }

bool Public(Edition edition) { return edition == Edition::kPublic; }

}  // namespace

std::string_view EditionName(Edition edition) {
  return edition == Edition::kPublic ? "public" : "confidential";
}

Result<Edition> ParseEdition(std::string_view text) {
  if (text == "public") return Edition::kPublic;
  if (text == "confidential") return Edition::kConfidential;
  return Status::InvalidArgument("--edition: unknown edition " + QuoteForMessage(text) +
                                 " (expected public or confidential)");
}

bool IncludesConsent(Edition edition, Consent consent) {
  if (IsWithdrawn(consent)) return false;
  return edition == Edition::kConfidential || consent != Consent::kInternalUse;
}

bool ShowsSource(Edition edition, const Source& source) {
  if (source.consent && !IncludesConsent(edition, *source.consent)) return false;
  return edition == Edition::kConfidential || !source.confidential;
}

Source Disclosable(const Source& source) {
  Source out = source;
  if (source.consent == Consent::kWithdrawn) {
    out.title = "withdrawn testimony";
    out.publisher.clear();
    out.date.reset();
    out.url.reset();
  }
  return out;
}

Incident Tombstone(const Incident& incident) {
  Incident t;
  t.id = incident.id;
  t.situation = incident.situation;
  t.date = Date::FromYmd(incident.date.year(), 1, 1);
  t.date_precision = DatePrecision::kYear;
  t.location.name = std::string(kTombstonePlace);
  t.violations = {Violation::kOtherComparableGravity};
  t.status = IncidentStatus::kReported;
  t.consent = Consent::kWithdrawn;
  return t;
}

bool IsTombstone(const Incident& incident) {
  return incident.consent == Consent::kWithdrawn && incident.location.name == kTombstonePlace &&
         incident.perpetrators.empty() && incident.sources.empty() && !incident.narrative &&
         incident.victims.Total() == 0;
}

bool OfWithdrawn(const EvidenceItem& item, const std::set<std::string>& withdrawn) {
  return (item.incident && withdrawn.count(*item.incident) > 0) ||
         (item.source && withdrawn.count(*item.source) > 0);
}

EvidenceItem Disclosable(const EvidenceItem& item, const std::set<std::string>& withdrawn) {
  EvidenceItem out = item;
  if (OfWithdrawn(item, withdrawn)) out.description.reset();
  return out;
}

Cell PublishVictimCount(int64_t n, Edition edition, int min_cell) {
  if (Public(edition) && n < min_cell) return Cell{std::nullopt, "<" + std::to_string(min_cell)};
  return Shown(n);
}

VictimCells PublishVictims(const Victims& v, Edition edition, int min_cell) {
  VictimCells c;
  c.women = PublishVictimCount(v.women, edition, min_cell);
  c.girls = PublishVictimCount(v.girls, edition, min_cell);
  c.men = PublishVictimCount(v.men, edition, min_cell);
  c.boys = PublishVictimCount(v.boys, edition, min_cell);
  c.unknown = PublishVictimCount(v.unknown, edition, min_cell);
  const int64_t total = v.Total();
  c.total = PublishVictimCount(total, edition, min_cell);
  c.women_and_girls = ShareOf(v.women + v.girls, total);
  c.children = ShareOf(v.girls + v.boys, total);
  if (!Public(edition)) return c;
  // The total minus the published parts gives back the sum of the
  // suppressed ones: publish it only when that sum is itself no small cell
  // and spreads over at least two parts, so no single part can be derived.
  int masked = 0;
  int64_t masked_sum = 0;
  for (const auto& [cell, n] :
       {std::pair{&c.women, v.women}, std::pair{&c.girls, v.girls}, std::pair{&c.men, v.men},
        std::pair{&c.boys, v.boys}, std::pair{&c.unknown, v.unknown}}) {
    if (!cell->value) {
      ++masked;
      masked_sum += n;
    }
  }
  bool total_safe = masked == 0 || (masked >= 2 && masked_sum >= min_cell);
  if (c.total.value && !total_safe) c.total = Cell{std::nullopt, std::string(kWithheld)};
  // A share with a published total reveals its numerator.
  if (!c.total.value || !c.women.value || !c.girls.value) c.women_and_girls = WithheldShare();
  if (!c.total.value || !c.girls.value || !c.boys.value) c.children = WithheldShare();
  return c;
}

std::set<std::string> HiddenSources(const Bundle& registry, Edition edition) {
  std::set<std::string> out;
  for (const Source& s : registry.sources) {
    if (!ShowsSource(edition, s)) out.insert(s.id);
  }
  return out;
}

Incident Disclosed(const Incident& incident, Edition edition,
                   const std::set<std::string>& hidden_sources) {
  Incident d = incident;
  if (!hidden_sources.empty()) {
    std::erase_if(d.sources, [&](const std::string& id) { return hidden_sources.count(id) > 0; });
  }
  if (Public(edition)) {
    d.narrative.reset();
    // Coordinates stay with confidential readers; the public sees the place
    // name and the first administrative level.
    d.location.lat.reset();
    d.location.lon.reset();
  }
  return d;
}

Json IncidentJson(const Incident& incident, Edition edition,
                  const std::set<std::string>& hidden_sources, int min_cell) {
  Json j = ToJson(Disclosed(incident, edition, hidden_sources));
  if (!Public(edition)) return j;
  VictimCells cells = PublishVictims(incident.victims, edition, min_cell);
  Json victims = Json::object();
  victims["women"] = cells.women.text;
  victims["girls"] = cells.girls.text;
  victims["men"] = cells.men.text;
  victims["boys"] = cells.boys.text;
  victims["unknown"] = cells.unknown.text;
  victims["total"] = cells.total.text;
  j["victims"] = std::move(victims);
  return j;
}

Decision Disclosed(const Decision& decision, Edition edition) {
  Decision d = decision;
  if (Public(edition)) {
    d.rationale.clear();
    d.decided_by.clear();
  }
  return d;
}

Engagement Disclosed(const Engagement& engagement, Edition edition) {
  Engagement e = engagement;
  if (Public(edition)) e.note.clear();
  return e;
}

Petition Disclosed(const Petition& petition, Edition edition) {
  Petition p = petition;
  if (Public(edition)) {
    p.decided_by.reset();
    p.reason.reset();
  }
  return p;
}

Communication Disclosed(const Communication& communication, Edition edition) {
  Communication c = communication;
  c.follow_digest.clear();
  if (Public(edition)) {
    c.submitter.clear();
    c.submitted_by.clear();
    c.text.clear();
    c.attachments.clear();
    c.ruled_by.reset();
    c.reason.reset();
  }
  return c;
}

Designation Disclosed(const Designation& designation, const std::set<std::string>& hidden_sources) {
  Designation d = designation;
  if (d.source && hidden_sources.count(*d.source) > 0) d.source.reset();
  return d;
}

Finding Disclosed(const Finding& finding, const std::set<std::string>& hidden_sources) {
  Finding f = finding;
  if (hidden_sources.count(f.source) > 0) f.source.clear();
  return f;
}

namespace {

// The JSON view of a record from its disclosed view (Disclosed above, the
// one statement of each rule): members the view emptied are left out
// rather than sent empty.
template <typename T>
Json ViewJson(const T& record, const T& shown) {
  const Json full = ToJson(record);
  Json j = ToJson(shown);
  for (auto it = full.begin(); it != full.end(); ++it) {
    auto s = j.find(it.key());
    if (s == j.end() || *s == *it) continue;
    if (s->is_null() || (s->is_string() && s->template get_ref<const std::string&>().empty())) {
      j.erase(it.key());
    }
  }
  return j;
}

}  // namespace

Json DecisionJson(const Decision& decision, Edition edition) {
  return ViewJson(decision, Disclosed(decision, edition));
}

Json EngagementJson(const Engagement& engagement, Edition edition) {
  return ViewJson(engagement, Disclosed(engagement, edition));
}

Json PetitionJson(const Petition& petition, Edition edition) {
  return ViewJson(petition, Disclosed(petition, edition));
}

Json CommunicationJson(const Communication& communication, Edition edition) {
  const Communication shown = Disclosed(communication, edition);
  Json j = ViewJson(communication, shown);
  if (Public(edition)) {
    // Which kind of organisation wrote may point to its members.
    j.erase("attachments");
    j.erase("submitter_kind");
  }
  return j;
}

Json CommunicationFollowJson(const Communication& communication) {
  Json j = Json::object();
  j["id"] = communication.id;
  j["received"] = communication.received.ToString();
  if (communication.review_started) {
    j["review_started"] = communication.review_started->ToString();
  }
  if (communication.ruled) j["ruled"] = communication.ruled->ToString();
  j["status"] = std::string(ToString(communication.status));
  if (communication.reason && IsRuled(communication.status)) j["reason"] = *communication.reason;
  return j;
}

Json StatementJson(const Statement& statement, Edition edition,
                   const std::set<std::string>& withdrawn_incidents) {
  Json j = ToJson(statement);
  if (Public(edition)) {
    // Free text and incident references stay with confidential readers.
    j.erase("text");
    j.erase("incidents");
    return j;
  }
  Json incidents = Json::array();
  for (const std::string& id : statement.incidents) {
    if (withdrawn_incidents.count(id) == 0) incidents.push_back(id);
  }
  j["incidents"] = std::move(incidents);
  return j;
}

Json DesignationJson(const Designation& designation, const std::set<std::string>& hidden_sources) {
  return ViewJson(designation, Disclosed(designation, hidden_sources));
}

Json FindingJson(const Finding& finding, const std::set<std::string>& hidden_sources) {
  return ViewJson(finding, Disclosed(finding, hidden_sources));
}

}  // namespace mara
