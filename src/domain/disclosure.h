// Disclosure: what each audience may see of each record, decided here and
// nowhere else (docs/security.md, "Disclosure"). Every output of Mara (API
// views, statements of case, every report format and edition, exports, the
// review queues) takes its views of records from these functions.
//
// The two audiences are the editions of the reports:
// - kConfidential: a reader holding kReadConfidential (for the situation the
//   record belongs to). Sees everything the store holds except what a
//   survivor or witness withdrew.
// - kPublic: everyone else. Also loses incidents whose consent is
//   internal_use, confidential sources, narratives, every free-text note
//   (engagement notes, decision rationales and deciders, petition rulings'
//   reasons and deciders, statements' text and incident references),
//   coordinates (the place name and admin1 stay) and small victim counts
//   (PublishVictims).
// Withdrawn consent (an incident's or a testimony's) removes the content
// from every audience; only a content-free tombstone (its id, and for a
// testimony its kind, grades and consent) stays where references must
// resolve.
//
// Contract: pure functions over plain values; thread-safe.
#ifndef MARA_DOMAIN_DISCLOSURE_H_
#define MARA_DOMAIN_DISCLOSURE_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "common/status.h"
#include "domain/json_codec.h"
#include "domain/model.h"

namespace mara {

enum class Edition { kPublic, kConfidential };

std::string_view EditionName(Edition edition);
// "public" or "confidential"; kInvalidArgument naming --edition otherwise.
Result<Edition> ParseEdition(std::string_view text);

// Whether consent has been withdrawn: the record leaves every list, view,
// edition, statement, evidence listing, export (as a content-free
// tombstone) and analysis, for every role, until its consent is restored
// by its own audited operation.
inline bool IsWithdrawn(Consent consent) { return consent == Consent::kWithdrawn; }
// Whether an incident with this consent counts in the assessment (the
// policy engine's evidence and the consistency checks): every scope but
// withdrawn, internal use included, since the assessment is the office's
// internal work and publishes no incident. Inline: the assessment asks
// once per incident and party.
inline bool CountsInAssessment(Consent consent) { return !IsWithdrawn(consent); }
// Whether an incident with this consent enters the edition at all.
bool IncludesConsent(Edition edition, Consent consent);
// Whether the edition may name this source (a withdrawn testimony: never).
bool ShowsSource(Edition edition, const Source& source);
// A withdrawn testimony keeps its id, kind, grades and consent and loses
// its title ("withdrawn testimony"), publisher, date and url; any other
// source is returned unchanged.
Source Disclosable(const Source& source);
// A withdrawn incident's tombstone: its id, situation, date (the cycle its
// references belong to), consent `withdrawn`, status reported and the
// minimum the format requires (one violation `other_comparable_gravity`,
// location "withdrawn", no victims, perpetrators, sources or narrative).
// Exports carry it so that every reference to the id still resolves.
Incident Tombstone(const Incident& incident);
// Whether an incident is a tombstone (as Tombstone builds them).
bool IsTombstone(const Incident& incident);
// An evidence item whose incident or source is in `withdrawn` (ids of
// withdrawn incidents and testimony) loses its description: it stays only
// so that the record of what was held resolves.
EvidenceItem Disclosable(const EvidenceItem& item, const std::set<std::string>& withdrawn);
// Whether an evidence item belongs to a withdrawn incident or testimony.
bool OfWithdrawn(const EvidenceItem& item, const std::set<std::string>& withdrawn);

// One published count: `text` is what every renderer prints ("12", "<3",
// "withheld"); `value` is the number when it is published, else absent.
struct Cell {
  std::optional<int64_t> value;
  std::string text;
};

// A share in percent with one decimal, or withheld.
struct Share {
  std::optional<double> percent;
  std::string text;  // "42.5%", "withheld" or "-" when the total is 0
};

struct VictimCells {
  Cell women, girls, men, boys, unknown, total;
  Share women_and_girls;  // (women + girls) / total
  Share children;         // (girls + boys) / total
};

inline constexpr std::string_view kWithheld = "withheld";

// Victim counts for the edition: in the public edition a count below
// `min_cell` reads "<N", and a total or share from which such a count could
// be worked back is withheld. Withheld numbers are never stored in the
// result, so no renderer can print them by mistake.
VictimCells PublishVictims(const Victims& v, Edition edition, int min_cell);
// A single victim count outside a breakdown.
Cell PublishVictimCount(int64_t n, Edition edition, int min_cell);

// The ids of sources the edition may not name.
std::set<std::string> HiddenSources(const Bundle& registry, Edition edition);

// The JSON view of one record for the edition (the mara-bundle/1 form of
// json_codec.h with the members the edition may not see removed).
// `hidden_sources` is HiddenSources of the registry; `withdrawn_incidents`
// the ids of incidents whose consent is withdrawn.
Json IncidentJson(const Incident& incident, Edition edition,
                  const std::set<std::string>& hidden_sources, int min_cell);
Json DecisionJson(const Decision& decision, Edition edition);
Json EngagementJson(const Engagement& engagement, Edition edition);
Json PetitionJson(const Petition& petition, Edition edition);
// A communication: the confidential edition sees everything but the follow
// digest; the public edition only its id, kind, party, dates and status
// (never the submitter or the kind of organisation it is, the text, the
// attachments, who ruled or the reasons).
Json CommunicationJson(const Communication& communication, Edition edition);
// What the holder of a communication's private link sees, and nothing
// else: the id, the dates (received, review_started, ruled), the status and
// the ruling's reasons. Not the party, the kind, the submitter, the text
// or the attachments: the link may reach someone the submitter did not
// mean it for.
Json CommunicationFollowJson(const Communication& communication);
Json StatementJson(const Statement& statement, Edition edition,
                   const std::set<std::string>& withdrawn_incidents);
Json DesignationJson(const Designation& designation, const std::set<std::string>& hidden_sources);
Json FindingJson(const Finding& finding, const std::set<std::string>& hidden_sources);

// The record-level views, where each rule is stated once: renderers that
// print fields (text statements, reports) use them, and the JSON views
// above are built from them (a member the view empties is left out of the
// JSON).
Decision Disclosed(const Decision& decision, Edition edition);
// An incident as the edition may see it, for outputs that aggregate or
// print fields: the public loses the narrative and the coordinates (the
// place name and admin1 stay); every edition loses the ids of
// `hidden_sources`. Victim counts stay exact: outputs publish them, and
// the totals built from them, through PublishVictims and PublishCell.
Incident Disclosed(const Incident& incident, Edition edition,
                   const std::set<std::string>& hidden_sources = {});
Engagement Disclosed(const Engagement& engagement, Edition edition);
Petition Disclosed(const Petition& petition, Edition edition);
Communication Disclosed(const Communication& communication, Edition edition);
// Designations and findings lose the reference to a source the edition may
// not name (`hidden_sources`, HiddenSources of the registry).
Designation Disclosed(const Designation& designation, const std::set<std::string>& hidden_sources);
Finding Disclosed(const Finding& finding, const std::set<std::string>& hidden_sources);

}  // namespace mara

#endif  // MARA_DOMAIN_DISCLOSURE_H_
