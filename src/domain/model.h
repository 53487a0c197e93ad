// The entities of the domain (docs/design.md) as plain value types, and the Bundle that
// holds a set of them (the in-memory form of a mara-bundle/1 document).
//
// Contract: these are passive data; they carry no I/O and enforce nothing by
// themselves. validate.h checks them; json_codec.h converts them to and from
// the bundle format. Optional fields are std::optional; an empty optional is
// "absent" and is omitted on export. Ids are strings matching kIdPattern.
// Values are not thread-safe to mutate concurrently.
#ifndef MARA_DOMAIN_MODEL_H_
#define MARA_DOMAIN_MODEL_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.h"
#include "domain/enums.h"

namespace mara {

// Ids: 1..64 bytes of [A-Za-z0-9._-], starting with a letter or digit. The
// CSV form uses ';' and ':' as separators, so ids never contain them.
inline constexpr size_t kMaxIdLength = 64;
// Longest accepted free-text field (names, titles, narratives, rationales).
inline constexpr size_t kMaxTextLength = 1 << 20;  // 1 MiB
bool IsValidId(std::string_view id);

struct Situation {
  std::string id;
  std::string name;
  bool on_council_agenda = false;
  // The country the situation is, when it is one: its ISO 3166-1 alpha-3
  // code ("MMR") and Gleditsch-Ward number (775). Importers set them from
  // the country table; absent for a situation that is not one country.
  std::optional<std::string> iso3;
  std::optional<int> gwno;
};

struct NameOverTime {
  std::string name;
  std::optional<Date> from;
  std::optional<Date> to;
};

// A party's end as an organisation (disbanded, absorbed into another group,
// demobilised), as the registry records it.
struct Dissolution {
  std::optional<Date> date;  // absent: known to be dissolved, date unknown
  std::string source;        // what says so: a source id or a citation
};

struct Party {
  std::string id;
  std::string name;
  std::vector<std::string> aliases;
  PartyKind kind = PartyKind::kNonState;
  std::string situation;
  std::optional<std::string> parent;
  std::optional<std::string> splinter_of;
  std::vector<NameOverTime> names_over_time;
  std::optional<Dissolution> dissolved;
  // The party's name in other languages and scripts, by report language code
  // (kNameLanguages below). `name` stays
  // the canonical name; a reader in a language sees PartyNameIn(party, code).
  // Empty: the JSON form omits "names".
  std::map<std::string, std::string> names;
};

// The languages a party's name may be given in (Party::names): the six of
// the reports (i18n/messages.h).
inline constexpr std::string_view kNameLanguages[] = {"ar", "en", "es", "fr", "ru", "zh"};

// The name a reader of `language` (a report language code) sees: the party's
// name in that language when it has one, else its canonical `name`.
const std::string& PartyNameIn(const Party& party, std::string_view language);

struct Location {
  std::string name;
  std::optional<std::string> admin1;
  std::optional<double> lat;  // -90..90
  std::optional<double> lon;  // -180..180
};

struct Victims {
  int64_t women = 0;
  int64_t girls = 0;
  int64_t men = 0;
  int64_t boys = 0;
  int64_t unknown = 0;
  int64_t Total() const { return women + girls + men + boys + unknown; }
};

struct Attribution {
  std::string party;
  Standard standard = Standard::kCredibleInformation;
};

struct Incident {
  std::string id;
  std::string situation;
  Date date;
  DatePrecision date_precision = DatePrecision::kDay;
  Location location;
  std::vector<Violation> violations;  // at least one
  Victims victims;
  Context context = Context::kOther;
  std::vector<Nexus> nexus;
  IncidentStatus status = IncidentStatus::kReported;
  std::optional<Date> verified_on;
  std::vector<Attribution> perpetrators;
  std::vector<std::string> sources;
  std::optional<std::string> narrative;  // confidential
  Consent consent = Consent::kAggregateReporting;

  int cycle() const { return date.year(); }
};

struct Source {
  std::string id;
  SourceKind kind = SourceKind::kNgo;
  std::string title;
  std::string publisher;
  std::optional<Date> date;
  std::optional<std::string> url;
  char reliability = 'F';  // 'A'..'F' (F: cannot be judged)
  int credibility = 6;     // 1..6 (6: cannot be judged)
  bool confidential = false;
  // Testimony only (IsTestimony): the consent scope the survivor or witness
  // gave. A testimony arriving without one gets aggregate_reporting; other
  // kinds never carry one. Withdrawn: the content leaves every output.
  std::optional<Consent> consent;
};

// Survivor and witness testimony: the sources that carry a consent scope.
bool IsTestimony(SourceKind kind);

// Metadata of a stored evidence file; the content lives in the evidence
// store, addressed by sha256.
struct EvidenceItem {
  std::string id;
  std::string sha256;  // 64 lowercase hex
  int64_t size = 0;
  std::string media_type;  // e.g. "application/pdf"
  std::optional<std::string> source;
  std::optional<std::string> incident;
  std::optional<std::string> description;
  std::optional<Date> added;
  // When the file was captured, before it reached Mara (a monitor's device
  // offline): ISO 8601 UTC, "2026-03-01T09:30:00Z". Its SHA-256 was taken at
  // capture and matched `sha256` at intake.
  std::optional<std::string> captured_at;
};

struct Finding {
  std::string party;
  int cycle = 0;
  std::string source;
  int level = 0;  // 0 none, 1 isolated, 2 numerous, 3 massive/systematic
  std::vector<Violation> forms;
};

struct Measure {
  std::string id;
  std::string text;
  std::optional<Date> due;
  MeasureStatus status = MeasureStatus::kPending;
  std::optional<Date> verified_on;
};

struct Commitment {
  std::string id;
  std::string party;
  CommitmentKind kind = CommitmentKind::kUnilateral;
  std::optional<Date> signed_on;  // "signed" in the bundle
  std::vector<Measure> measures;
};

// Key: (party, cycle).
struct Decision {
  std::string party;
  int cycle = 0;
  PartyStatus status = PartyStatus::kNone;
  std::string decided_by;
  Date date;
  std::string rationale;  // required, non-empty
};

// Key: (party, authority, program, listed_on).
struct Designation {
  std::string party;
  std::string authority;
  std::string program;
  DesignationKind kind = DesignationKind::kSanctions;
  Date listed_on;
  std::optional<Date> ended_on;
  std::optional<std::string> source;
};

struct Statement {
  std::string id;
  std::string by;
  Date date;
  StatementKind kind = StatementKind::kStatement;
  std::vector<std::string> incidents;
  std::string text;
};

// Key: (party, date, kind).
struct Engagement {
  std::string party;
  Date date;
  EngagementKind kind = EngagementKind::kContact;
  std::string note;
};

// Key: (party, filed).
struct Petition {
  std::string party;
  Date filed;
  std::optional<int> cycle;  // the cycle whose status the petition contests
  std::string grounds;
  bool new_material = false;
  PetitionOutcome outcome = PetitionOutcome::kPending;
  std::optional<Date> decided;
  std::optional<std::string> decided_by;
  std::optional<std::string> reason;  // why granted, rejected or inadmissible
};

// A file sent with a communication, stored like an evidence item: encrypted
// and content-addressed in the evidence directory by the SHA-256 of its
// bytes. The name it had outside is not kept.
struct Attachment {
  std::string sha256;  // lowercase hex
  int64_t size = 0;
  std::string media_type;
};

// A communication from outside (docs/design.md): an NGO, a coalition or a
// survivors' organisation asks for a party's listing or delisting, or sends
// information. Key: id, "COM-<year>-<4 digits>". Not part of a Bundle's
// collections: the store keeps it in its own table and the export writes it
// as the top-level member "communications". The submitter, the text, the
// attachments and the reason are confidential; the follower of the private
// link sees the id, dates, status and reason only (domain/disclosure.h).
struct Communication {
  std::string id;
  CommunicationKind kind = CommunicationKind::kInformation;
  std::optional<std::string> party;  // required for listing and delisting requests
  SubmitterKind submitter_kind = SubmitterKind::kNgo;
  std::string submitter;     // the organisation, as it names itself
  std::string submitted_by;  // the principal that entered it
  Date received;
  std::string text;
  std::vector<Attachment> attachments;
  CommunicationStatus status = CommunicationStatus::kReceived;
  std::optional<Date> review_started;  // when it went under review
  std::optional<Date> ruled;           // when it was accepted, declined or noted
  std::optional<std::string> ruled_by;
  std::optional<std::string> reason;  // the ruling's reasons, shown to the follower
  // Lowercase hex BLAKE2b-256 of the private-link token; the token itself
  // is never stored.
  std::string follow_digest;
};

// Whether the communication has been ruled on (accepted, declined, noted).
inline bool IsRuled(CommunicationStatus s) {
  return s == CommunicationStatus::kAccepted || s == CommunicationStatus::kDeclined ||
         s == CommunicationStatus::kNoted;
}

// A set of records, e.g. one bundle file or a whole store's contents.
struct Bundle {
  std::vector<Situation> situations;
  std::vector<Party> parties;
  std::vector<Source> sources;
  std::vector<Incident> incidents;
  std::vector<EvidenceItem> evidence;
  std::vector<Finding> findings;
  std::vector<Commitment> commitments;
  std::vector<Decision> decisions;
  std::vector<Designation> designations;
  std::vector<Statement> statements;
  std::vector<Engagement> engagements;
  std::vector<Petition> petitions;
};

// Collection names as they appear in the bundle, in canonical export order.
enum class Collection {
  kSituations,
  kParties,
  kSources,
  kIncidents,
  kEvidence,
  kFindings,
  kCommitments,
  kDecisions,
  kDesignations,
  kStatements,
  kEngagements,
  kPetitions,
};
inline constexpr std::array<std::string_view, 12> kCollectionNames = {
    "situations",  "parties",   "sources",      "incidents",  "evidence",    "findings",
    "commitments", "decisions", "designations", "statements", "engagements", "petitions"};

}  // namespace mara

#endif  // MARA_DOMAIN_MODEL_H_
