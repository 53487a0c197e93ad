#include "domain/validate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "common/text.h"

namespace mara {
namespace {

using Check = std::optional<FieldError>;

#define MARA_RETURN_IF_FIELD_ERROR(expr) \
  do {                                   \
    if (Check e_ = (expr)) return e_;    \
  } while (0)

Check Fail(std::string field, std::string message) {
  return FieldError{std::move(field), std::move(message)};
}

std::string Idx(std::string_view base, size_t i) {
  return std::string(base) + "/" + std::to_string(i);
}

Check CheckId(std::string_view field, std::string_view id) {
  if (id.empty()) return Fail(std::string(field), "an id is required");
  if (!IsValidId(id)) {
    return Fail(std::string(field),
                "invalid id " + QuoteForMessage(id) +
                    " (expected 1 to 64 of A-Z a-z 0-9 . _ -, starting with a letter or digit)");
  }
  return std::nullopt;
}

Check CheckOptId(std::string_view field, const std::optional<std::string>& id) {
  if (!id) return std::nullopt;
  return CheckId(field, *id);
}

Check CheckText(std::string_view field, std::string_view text, bool required) {
  size_t bad = 0;
  if (!IsValidUtf8(text, &bad)) {
    return Fail(std::string(field),
                "invalid UTF-8 at byte " + std::to_string(bad) + " of the text");
  }
  if (text.size() > kMaxTextLength) {
    return Fail(std::string(field), "text of " + std::to_string(text.size()) +
                                        " bytes is longer than the limit of " +
                                        std::to_string(kMaxTextLength));
  }
  if (required && text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Fail(std::string(field), "must not be empty");
  }
  return std::nullopt;
}

Check CheckOptText(std::string_view field, const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return CheckText(field, *text, false);
}

Check CheckCount(std::string_view field, int64_t n) {
  if (n < 0) {
    return Fail(std::string(field), "expected a non-negative integer, got " + std::to_string(n));
  }
  return std::nullopt;
}

Check CheckCycle(std::string_view field, int64_t cycle) {
  if (cycle < 1000 || cycle > 9999) {
    return Fail(std::string(field),
                "expected a cycle (year) from 1000 to 9999, got " + std::to_string(cycle));
  }
  return std::nullopt;
}

Check CheckCoordinate(std::string_view field, const std::optional<double>& v, double limit) {
  if (!v) return std::nullopt;
  if (!std::isfinite(*v) || *v < -limit || *v > limit) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", *v);
    return Fail(std::string(field), "expected a number from " + std::to_string(int(-limit)) +
                                        " to " + std::to_string(int(limit)) + ", got " + buf);
  }
  return std::nullopt;
}

Check CheckOrder(std::string_view field, const std::optional<Date>& from,
                 const std::optional<Date>& to, std::string_view from_name) {
  if (from && to && *to < *from) {
    return Fail(std::string(field),
                to->ToString() + " is before " + std::string(from_name) + " " + from->ToString());
  }
  return std::nullopt;
}

Check NotAfter(std::string_view field, const std::optional<Date>& date, Date today) {
  if (date && today < *date) return Fail(std::string(field), AfterTodayMessage(*date, today));
  return std::nullopt;
}

// A name in one language (Party::names): required, no surrounding spaces,
// no control characters (C0, DEL, C1), within kMaxTextLength.
Check CheckNameText(std::string_view field, std::string_view text) {
  MARA_RETURN_IF_FIELD_ERROR(CheckText(field, text, true));
  constexpr std::string_view kSpace = " \t\r\n\v\f";
  if (kSpace.find(text.front()) != std::string_view::npos ||
      kSpace.find(text.back()) != std::string_view::npos) {
    return Fail(std::string(field), "must not begin or end with spaces");
  }
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool c1 = c == 0xC2 && i + 1 < text.size() &&
                    static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(text[i + 1]) <= 0x9F;
    if (c < 0x20 || c == 0x7F || c1) {
      return Fail(std::string(field),
                  "must not contain control characters (byte " + std::to_string(i) + ")");
    }
  }
  return std::nullopt;
}

std::string JoinKey(std::initializer_list<std::string_view> parts) {
  std::string out;
  bool first = true;
  for (std::string_view p : parts) {
    if (!first) out.push_back('\x1f');
    out.append(p);
    first = false;
  }
  return out;
}

}  // namespace

Check CheckRecord(const Situation& v) {
  MARA_RETURN_IF_FIELD_ERROR(CheckId("/id", v.id));
  MARA_RETURN_IF_FIELD_ERROR(CheckText("/name", v.name, true));
  if (v.iso3 && (v.iso3->size() != 3 || !std::all_of(v.iso3->begin(), v.iso3->end(), [](char c) {
                   return c >= 'A' && c <= 'Z';
                 }))) {
    return Fail("/iso3", "expected an ISO 3166-1 alpha-3 code of three capital letters, got " +
                             QuoteForMessage(*v.iso3));
  }
  if (v.gwno && (*v.gwno < 1 || *v.gwno > 999)) {
    return Fail("/gwno", "expected a Gleditsch-Ward number 1..999, got " + std::to_string(*v.gwno));
  }
  return std::nullopt;
}

Check CheckRecord(const Party& v) {
  MARA_RETURN_IF_FIELD_ERROR(CheckId("/id", v.id));
  MARA_RETURN_IF_FIELD_ERROR(CheckText("/name", v.name, true));
  for (size_t i = 0; i < v.aliases.size(); ++i) {
    MARA_RETURN_IF_FIELD_ERROR(CheckText(Idx("/aliases", i), v.aliases[i], true));
  }
  MARA_RETURN_IF_FIELD_ERROR(CheckId("/situation", v.situation));
  MARA_RETURN_IF_FIELD_ERROR(CheckOptId("/parent", v.parent));
  if (v.parent && *v.parent == v.id) return Fail("/parent", "a party cannot be its own parent");
  MARA_RETURN_IF_FIELD_ERROR(CheckOptId("/splinter_of", v.splinter_of));
  if (v.splinter_of && *v.splinter_of == v.id) {
    return Fail("/splinter_of", "a party cannot be a splinter of itself");
  }
  for (size_t i = 0; i < v.names_over_time.size(); ++i) {
    const std::string base = Idx("/names_over_time", i);
    const NameOverTime& n = v.names_over_time[i];
    MARA_RETURN_IF_FIELD_ERROR(CheckText(base + "/name", n.name, true));
    MARA_RETURN_IF_FIELD_ERROR(CheckOrder(base + "/to", n.from, n.to, "from"));
  }
  if (v.dissolved) {
    MARA_RETURN_IF_FIELD_ERROR(CheckText("/dissolved/source", v.dissolved->source, true));
  }
  for (const auto& [language, name] : v.names) {
    const bool known = std::find(std::begin(kNameLanguages), std::end(kNameLanguages), language) !=
                       std::end(kNameLanguages);
    if (!known) {
      return Fail("/names", "unknown language " + QuoteForMessage(language) +
                                " (expected one of: ar, en, es, fr, ru, zh)");
    }
    MARA_RETURN_IF_FIELD_ERROR(CheckNameText("/names/" + language, name));
  }
  return std::nullopt;
}

Check CheckRecord(const Source& v) {
  MARA_RETURN_IF_FIELD_ERROR(CheckId("/id", v.id));
  MARA_RETURN_IF_FIELD_ERROR(CheckText("/title", v.title, true));
  MARA_RETURN_IF_FIELD_ERROR(CheckText("/publisher", v.publisher, false));
  MARA_RETURN_IF_FIELD_ERROR(CheckOptText("/url", v.url));
  if (v.reliability < 'A' || v.reliability > 'F') {
    return Fail("/reliability", "expected one letter from A to F, got " +
                                    QuoteForMessage(std::string_view(&v.reliability, 1)));
  }
  if (v.credibility < 1 || v.credibility > 6) {
    return Fail("/credibility",
                "expected a grade from 1 to 6, got " + std::to_string(v.credibility));
  }
  if (v.consent && !IsTestimony(v.kind)) {
    return Fail("/consent",
                "only survivor_testimony and witness_testimony sources carry a "
                "consent scope, not " +
                    std::string(ToString(v.kind)));
  }
  return std::nullopt;
}

Check CheckRecord(const Incident& v) {
  MARA_RETURN_IF_FIELD_ERROR(CheckId("/id", v.id));
  MARA_RETURN_IF_FIELD_ERROR(CheckId("/situation", v.situation));
  MARA_RETURN_IF_FIELD_ERROR(CheckText("/location/name", v.location.name, true));
  MARA_RETURN_IF_FIELD_ERROR(CheckOptText("/location/admin1", v.location.admin1));
  MARA_RETURN_IF_FIELD_ERROR(CheckCoordinate("/location/lat", v.location.lat, 90));
  MARA_RETURN_IF_FIELD_ERROR(CheckCoordinate("/location/lon", v.location.lon, 180));
  if (v.violations.empty()) return Fail("/violations", "at least one violation is required");
  MARA_RETURN_IF_FIELD_ERROR(CheckCount("/victims/women", v.victims.women));
  MARA_RETURN_IF_FIELD_ERROR(CheckCount("/victims/girls", v.victims.girls));
  MARA_RETURN_IF_FIELD_ERROR(CheckCount("/victims/men", v.victims.men));
  MARA_RETURN_IF_FIELD_ERROR(CheckCount("/victims/boys", v.victims.boys));
  MARA_RETURN_IF_FIELD_ERROR(CheckCount("/victims/unknown", v.victims.unknown));
  for (size_t i = 0; i < v.perpetrators.size(); ++i) {
    MARA_RETURN_IF_FIELD_ERROR(
        CheckId(Idx("/perpetrators", i) + "/party", v.perpetrators[i].party));
  }
  for (size_t i = 0; i < v.sources.size(); ++i) {
    MARA_RETURN_IF_FIELD_ERROR(CheckId(Idx("/sources", i), v.sources[i]));
  }
  return CheckOptText("/narrative", v.narrative);
}

// An instant in UTC as ISO 8601 with seconds and an optional fraction:
// "2026-03-01T09:30:00Z", "2026-03-01T09:30:00.250Z".
Check CheckUtcTime(std::string_view field, std::string_view text) {
  auto digits = [&](size_t from, size_t n) {
    for (size_t i = from; i < from + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
    }
    return true;
  };
  auto number = [&](size_t from, size_t n) {
    int v = 0;
    for (size_t i = from; i < from + n; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  bool ok = text.size() >= 20 && text.size() <= 30 && text.back() == 'Z' && text[10] == 'T' &&
            text[13] == ':' && text[16] == ':' && digits(11, 2) && digits(14, 2) && digits(17, 2) &&
            Date::Parse(text.substr(0, 10)).ok() && number(11, 2) < 24 && number(14, 2) < 60 &&
            number(17, 2) < 60;
  if (ok && text.size() > 20)
    ok = text[19] == '.' && text.size() > 21 && digits(20, text.size() - 21);
  if (!ok) {
    return Fail(
        std::string(field),
        "expected an instant in UTC such as 2026-03-01T09:30:00Z, got " + QuoteForMessage(text));
  }
  return std::nullopt;
}

Check CheckRecord(const EvidenceItem& v) {
  MARA_RETURN_IF_FIELD_ERROR(CheckId("/id", v.id));
  bool hex = v.sha256.size() == 64;
  for (char c : v.sha256) hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!hex) {
    return Fail("/sha256",
                "expected 64 lowercase hexadecimal digits, got " + QuoteForMessage(v.sha256));
  }
  MARA_RETURN_IF_FIELD_ERROR(CheckCount("/size", v.size));
  MARA_RETURN_IF_FIELD_ERROR(CheckText("/media_type", v.media_type, true));
  MARA_RETURN_IF_FIELD_ERROR(CheckOptId("/source", v.source));
  MARA_RETURN_IF_FIELD_ERROR(CheckOptId("/incident", v.incident));
  if (v.captured_at) MARA_RETURN_IF_FIELD_ERROR(CheckUtcTime("/captured_at", *v.captured_at));
  return CheckOptText("/description", v.description);
}

Check CheckRecord(const Finding& v) {
  MARA_RETURN_IF_FIELD_ERROR(CheckId("/party", v.party));
  MARA_RETURN_IF_FIELD_ERROR(CheckCycle("/cycle", v.cycle));
  MARA_RETURN_IF_FIELD_ERROR(CheckId("/source", v.source));
  if (v.level < 0 || v.level > 3) {
    return Fail("/level", "expected a level from 0 to 3, got " + std::to_string(v.level));
  }
  return std::nullopt;
}

Check CheckRecord(const Commitment& v) {
  MARA_RETURN_IF_FIELD_ERROR(CheckId("/id", v.id));
  MARA_RETURN_IF_FIELD_ERROR(CheckId("/party", v.party));
  std::unordered_set<std::string_view> ids;
  for (size_t i = 0; i < v.measures.size(); ++i) {
    const std::string base = Idx("/measures", i);
    const Measure& m = v.measures[i];
    MARA_RETURN_IF_FIELD_ERROR(CheckId(base + "/id", m.id));
    if (!ids.insert(m.id).second) {
      return Fail(base + "/id", "duplicate measure id " + QuoteForMessage(m.id));
    }
    MARA_RETURN_IF_FIELD_ERROR(CheckText(base + "/text", m.text, true));
  }
  return std::nullopt;
}

Check CheckRecord(const Decision& v) {
  MARA_RETURN_IF_FIELD_ERROR(CheckId("/party", v.party));
  MARA_RETURN_IF_FIELD_ERROR(CheckCycle("/cycle", v.cycle));
  MARA_RETURN_IF_FIELD_ERROR(CheckText("/decided_by", v.decided_by, true));
  if (v.rationale.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Fail("/rationale", "a decision requires a rationale");
  }
  return CheckText("/rationale", v.rationale, true);
}

Check CheckRecord(const Designation& v) {
  MARA_RETURN_IF_FIELD_ERROR(CheckId("/party", v.party));
  MARA_RETURN_IF_FIELD_ERROR(CheckText("/authority", v.authority, true));
  MARA_RETURN_IF_FIELD_ERROR(CheckText("/program", v.program, false));
  MARA_RETURN_IF_FIELD_ERROR(CheckOrder("/ended_on", v.listed_on, v.ended_on, "listed_on"));
  return CheckOptId("/source", v.source);
}

Check CheckRecord(const Statement& v) {
  MARA_RETURN_IF_FIELD_ERROR(CheckId("/id", v.id));
  MARA_RETURN_IF_FIELD_ERROR(CheckText("/by", v.by, true));
  for (size_t i = 0; i < v.incidents.size(); ++i) {
    MARA_RETURN_IF_FIELD_ERROR(CheckId(Idx("/incidents", i), v.incidents[i]));
  }
  return CheckText("/text", v.text, false);
}

Check CheckRecord(const Engagement& v) {
  MARA_RETURN_IF_FIELD_ERROR(CheckId("/party", v.party));
  return CheckText("/note", v.note, false);
}

Check CheckRecord(const Petition& v) {
  MARA_RETURN_IF_FIELD_ERROR(CheckId("/party", v.party));
  if (v.cycle) MARA_RETURN_IF_FIELD_ERROR(CheckCycle("/cycle", *v.cycle));
  MARA_RETURN_IF_FIELD_ERROR(CheckText("/grounds", v.grounds, true));
  MARA_RETURN_IF_FIELD_ERROR(CheckOrder("/decided", v.filed, v.decided, "filed"));
  MARA_RETURN_IF_FIELD_ERROR(CheckOptText("/decided_by", v.decided_by));
  return CheckOptText("/reason", v.reason);
}

Check CheckHex64(std::string_view field, std::string_view text) {
  bool hex = text.size() == 64;
  for (char c : text) hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!hex) {
    return Fail(std::string(field),
                "expected 64 lowercase hexadecimal digits, got " + QuoteForMessage(text));
  }
  return std::nullopt;
}

Check CheckRecord(const Communication& v) {
  bool id_ok = v.id.size() >= 13 && v.id.compare(0, 4, "COM-") == 0 && v.id[8] == '-';
  for (size_t i = 4; id_ok && i < v.id.size(); ++i) {
    id_ok = i == 8 || (v.id[i] >= '0' && v.id[i] <= '9');
  }
  if (!id_ok) {
    return Fail("/id", "expected COM-YYYY-NNNN (a year and a number of at least 4 digits), got " +
                           QuoteForMessage(v.id));
  }
  if (v.kind != CommunicationKind::kInformation && !v.party) {
    return Fail("/party", "a listing or delisting request must name the party it concerns");
  }
  MARA_RETURN_IF_FIELD_ERROR(CheckOptId("/party", v.party));
  MARA_RETURN_IF_FIELD_ERROR(CheckText("/submitter", v.submitter, true));
  MARA_RETURN_IF_FIELD_ERROR(CheckText("/submitted_by", v.submitted_by, true));
  MARA_RETURN_IF_FIELD_ERROR(CheckText("/text", v.text, true));
  for (size_t i = 0; i < v.attachments.size(); ++i) {
    const std::string base = Idx("/attachments", i);
    MARA_RETURN_IF_FIELD_ERROR(CheckHex64(base + "/sha256", v.attachments[i].sha256));
    MARA_RETURN_IF_FIELD_ERROR(CheckCount(base + "/size", v.attachments[i].size));
    MARA_RETURN_IF_FIELD_ERROR(CheckText(base + "/media_type", v.attachments[i].media_type, true));
  }
  MARA_RETURN_IF_FIELD_ERROR(
      CheckOrder("/review_started", v.received, v.review_started, "received"));
  MARA_RETURN_IF_FIELD_ERROR(CheckOrder("/ruled", v.received, v.ruled, "received"));
  if (IsRuled(v.status)) {
    if (!v.ruled) return Fail("/ruled", "a ruled communication needs the date of its ruling");
    if (!v.ruled_by || v.ruled_by->empty()) {
      return Fail("/ruled_by", "a ruled communication names who ruled");
    }
    if (!v.reason) return Fail("/reason", "a ruling needs its reasons");
    MARA_RETURN_IF_FIELD_ERROR(CheckText("/reason", *v.reason, true));
  } else {
    if (v.ruled)
      return Fail("/ruled", "only an accepted, declined or noted communication is ruled");
    MARA_RETURN_IF_FIELD_ERROR(CheckOptText("/reason", v.reason));
  }
  MARA_RETURN_IF_FIELD_ERROR(CheckOptText("/ruled_by", v.ruled_by));
  return CheckHex64("/follow_digest", v.follow_digest);
}

std::string AfterTodayMessage(Date date, Date today) {
  return date.ToString() + " is after today (" + today.ToString() + ")";
}

Check CheckNotAfter(const Situation&, Date) { return std::nullopt; }
Check CheckNotAfter(const Party& v, Date today) {
  if (v.dissolved && v.dissolved->date) {
    MARA_RETURN_IF_FIELD_ERROR(NotAfter("/dissolved/date", *v.dissolved->date, today));
  }
  return std::nullopt;
}
Check CheckNotAfter(const Source&, Date) { return std::nullopt; }
Check CheckNotAfter(const EvidenceItem& v, Date today) {
  if (!v.captured_at) return std::nullopt;
  Result<Date> day = Date::Parse(std::string_view(*v.captured_at).substr(0, 10));
  return day.ok() ? NotAfter("/captured_at", *day, today) : std::nullopt;
}
Check CheckNotAfter(const Finding&, Date) { return std::nullopt; }
Check CheckNotAfter(const Designation&, Date) { return std::nullopt; }

Check CheckNotAfter(const Incident& v, Date today) {
  MARA_RETURN_IF_FIELD_ERROR(NotAfter("/date", v.date, today));
  return NotAfter("/verified_on", v.verified_on, today);
}

Check CheckNotAfter(const Commitment& v, Date today) {
  MARA_RETURN_IF_FIELD_ERROR(NotAfter("/signed", v.signed_on, today));
  for (size_t i = 0; i < v.measures.size(); ++i) {
    MARA_RETURN_IF_FIELD_ERROR(
        NotAfter(Idx("/measures", i) + "/verified_on", v.measures[i].verified_on, today));
  }
  return std::nullopt;
}

Check CheckNotAfter(const Decision& v, Date today) { return NotAfter("/date", v.date, today); }
Check CheckNotAfter(const Statement& v, Date today) { return NotAfter("/date", v.date, today); }
Check CheckNotAfter(const Engagement& v, Date today) { return NotAfter("/date", v.date, today); }

Check CheckNotAfter(const Petition& v, Date today) {
  MARA_RETURN_IF_FIELD_ERROR(NotAfter("/filed", v.filed, today));
  return NotAfter("/decided", v.decided, today);
}

Check CheckNotAfter(const Communication& v, Date today) {
  MARA_RETURN_IF_FIELD_ERROR(NotAfter("/received", v.received, today));
  MARA_RETURN_IF_FIELD_ERROR(NotAfter("/review_started", v.review_started, today));
  return NotAfter("/ruled", v.ruled, today);
}

std::string RecordKey(const Situation& v) { return v.id; }
std::string RecordKey(const Party& v) { return v.id; }
std::string RecordKey(const Source& v) { return v.id; }
std::string RecordKey(const Incident& v) { return v.id; }
std::string RecordKey(const EvidenceItem& v) { return v.id; }
std::string RecordKey(const Finding& v) {
  return JoinKey({v.party, std::to_string(v.cycle), v.source});
}
std::string RecordKey(const Commitment& v) { return v.id; }
std::string RecordKey(const Decision& v) { return JoinKey({v.party, std::to_string(v.cycle)}); }
std::string RecordKey(const Designation& v) {
  return JoinKey({v.party, v.authority, v.program, v.listed_on.ToString()});
}
std::string RecordKey(const Statement& v) { return v.id; }
std::string RecordKey(const Engagement& v) {
  return JoinKey({v.party, v.date.ToString(), ToString(v.kind)});
}
std::string RecordKey(const Petition& v) { return JoinKey({v.party, v.filed.ToString()}); }

std::string ValidationError::Pointer() const {
  return "/" + std::string(kCollectionNames[static_cast<size_t>(collection)]) + "/" +
         std::to_string(index) + field;
}

Status ValidationError::ToStatus() const {
  return Status::InvalidArgument(Pointer() + ": " + message);
}

namespace {

std::string_view Singular(Collection c) {
  switch (c) {
    case Collection::kSituations:
      return "situation";
    case Collection::kParties:
      return "party";
    case Collection::kSources:
      return "source";
    case Collection::kIncidents:
      return "incident";
    case Collection::kEvidence:
      return "evidence item";
    case Collection::kFindings:
      return "finding";
    case Collection::kCommitments:
      return "commitment";
    case Collection::kDecisions:
      return "decision";
    case Collection::kDesignations:
      return "designation";
    case Collection::kStatements:
      return "statement";
    case Collection::kEngagements:
      return "engagement";
    case Collection::kPetitions:
      return "petition";
  }
  return "record";
}

// Resolves a reference or reports it as unknown.
Result<Check> Resolve(ReferenceLookup& lookup, Collection c, std::string field,
                      std::string_view id) {
  MARA_ASSIGN_OR_RETURN(bool found, lookup.Exists(c, id));
  if (found) return Check();
  return Check(FieldError{std::move(field),
                          "unknown " + std::string(Singular(c)) + " " + QuoteForMessage(id)});
}

#define MARA_RESOLVE(lookup, c, field, id)                                 \
  do {                                                                     \
    MARA_ASSIGN_OR_RETURN(Check resolved_, Resolve(lookup, c, field, id)); \
    if (resolved_) return resolved_;                                       \
  } while (0)

Result<Check> PartyRef(ReferenceLookup& l, std::string field, std::string_view id) {
  return Resolve(l, Collection::kParties, std::move(field), id);
}

class Validator : public ReferenceLookup {
 public:
  Validator(const Bundle& bundle, ReferenceLookup& stored, bool stop, std::optional<Date> today)
      : b_(bundle), stored_(stored), stop_(stop), today_(today) {}

  Result<std::vector<ValidationError>> Run() {
    MARA_RETURN_IF_ERROR(Own(Collection::kSituations, b_.situations));
    MARA_RETURN_IF_ERROR(Own(Collection::kParties, b_.parties));
    if (!done()) MARA_RETURN_IF_ERROR(Parties());
    MARA_RETURN_IF_ERROR(Own(Collection::kSources, b_.sources));
    MARA_RETURN_IF_ERROR(Own(Collection::kIncidents, b_.incidents));
    MARA_RETURN_IF_ERROR(Refs(Collection::kIncidents, b_.incidents,
                              [&](const Incident& v) { return CheckReferences(v, *this); }));
    MARA_RETURN_IF_ERROR(Own(Collection::kEvidence, b_.evidence));
    MARA_RETURN_IF_ERROR(
        Refs(Collection::kEvidence, b_.evidence, [&](const EvidenceItem& v) -> Result<Check> {
          if (v.source) {
            MARA_RESOLVE(*this, Collection::kSources, "/source", *v.source);
          }
          if (v.incident) {
            MARA_RESOLVE(*this, Collection::kIncidents, "/incident", *v.incident);
          }
          return Check();
        }));
    MARA_RETURN_IF_ERROR(Own(Collection::kFindings, b_.findings));
    MARA_RETURN_IF_ERROR(
        Refs(Collection::kFindings, b_.findings, [&](const Finding& v) -> Result<Check> {
          MARA_RESOLVE(*this, Collection::kParties, "/party", v.party);
          MARA_RESOLVE(*this, Collection::kSources, "/source", v.source);
          return Check();
        }));
    MARA_RETURN_IF_ERROR(Own(Collection::kCommitments, b_.commitments));
    MARA_RETURN_IF_ERROR(PartyOnly(Collection::kCommitments, b_.commitments));
    MARA_RETURN_IF_ERROR(Own(Collection::kDecisions, b_.decisions));
    MARA_RETURN_IF_ERROR(PartyOnly(Collection::kDecisions, b_.decisions));
    MARA_RETURN_IF_ERROR(Own(Collection::kDesignations, b_.designations));
    MARA_RETURN_IF_ERROR(Refs(Collection::kDesignations, b_.designations,
                              [&](const Designation& v) -> Result<Check> {
                                MARA_RESOLVE(*this, Collection::kParties, "/party", v.party);
                                if (v.source) {
                                  MARA_RESOLVE(*this, Collection::kSources, "/source", *v.source);
                                }
                                return Check();
                              }));
    MARA_RETURN_IF_ERROR(Own(Collection::kStatements, b_.statements));
    MARA_RETURN_IF_ERROR(
        Refs(Collection::kStatements, b_.statements, [&](const Statement& v) -> Result<Check> {
          for (size_t i = 0; i < v.incidents.size(); ++i) {
            MARA_RESOLVE(*this, Collection::kIncidents, Idx("/incidents", i), v.incidents[i]);
          }
          return Check();
        }));
    MARA_RETURN_IF_ERROR(Own(Collection::kEngagements, b_.engagements));
    MARA_RETURN_IF_ERROR(PartyOnly(Collection::kEngagements, b_.engagements));
    MARA_RETURN_IF_ERROR(Own(Collection::kPetitions, b_.petitions));
    MARA_RETURN_IF_ERROR(PartyOnly(Collection::kPetitions, b_.petitions));
    return std::move(errors_);
  }

  // The input's accepted records first, then what is stored.
  Result<bool> Exists(Collection c, std::string_view id) override {
    if (Accepted(c, id)) return true;
    return stored_.Exists(c, id);
  }
  Result<std::optional<std::string>> ParentOf(std::string_view party) override {
    if (const Party* p = AcceptedParty(party)) return p->parent;
    // A rejected input party keeps its stored version.
    return stored_.ParentOf(party);
  }

 private:
  bool done() const { return stop_ && !errors_.empty(); }

  void Reject(Collection c, size_t index, FieldError e) {
    rejected_[static_cast<size_t>(c)][index] = true;
    errors_.push_back({c, index, std::move(e.field), std::move(e.message)});
  }
  bool IsRejected(Collection c, size_t index) const {
    return rejected_[static_cast<size_t>(c)][index];
  }

  bool Accepted(Collection c, std::string_view key) const {
    const auto& m = first_[static_cast<size_t>(c)];
    auto it = m.find(std::string(key));
    return it != m.end() && !IsRejected(c, it->second);
  }
  const Party* AcceptedParty(std::string_view id) const {
    const auto& m = first_[static_cast<size_t>(Collection::kParties)];
    auto it = m.find(std::string(id));
    if (it == m.end() || IsRejected(Collection::kParties, it->second)) return nullptr;
    return &b_.parties[it->second];
  }

  // Own rules and duplicate keys.
  template <typename T>
  Status Own(Collection c, const std::vector<T>& records) {
    auto& rejected = rejected_[static_cast<size_t>(c)];
    rejected.assign(records.size(), false);
    auto& first = first_[static_cast<size_t>(c)];
    if (done()) return Status::Ok();
    for (size_t i = 0; i < records.size(); ++i) {
      Check e = CheckRecord(records[i]);
      if (!e && today_) e = CheckNotAfter(records[i], *today_);
      if (e) {
        Reject(c, i, std::move(*e));
        if (done()) return Status::Ok();
        continue;
      }
      auto [it, inserted] = first.emplace(RecordKey(records[i]), i);
      if (!inserted) {
        Reject(c, i, Duplicate(c, records[i], it->second));
        if (done()) return Status::Ok();
      }
    }
    return Status::Ok();
  }

  template <typename T>
  FieldError Duplicate(Collection c, const T& v, size_t first_index) {
    const std::string where = "/" + std::string(kCollectionNames[static_cast<size_t>(c)]) + "/" +
                              std::to_string(first_index);
    if constexpr (requires { v.id; }) {
      return {"/id", "duplicate id " + QuoteForMessage(v.id) + " (first at " + where + ")"};
    } else {
      return {"", "duplicate " + std::string(Singular(c)) + ": same key as " + where};
    }
  }

  template <typename T, typename F>
  Status Refs(Collection c, const std::vector<T>& records, F&& check) {
    if (done()) return Status::Ok();
    for (size_t i = 0; i < records.size(); ++i) {
      if (IsRejected(c, i)) continue;
      MARA_ASSIGN_OR_RETURN(Check e, check(records[i]));
      if (e) {
        Reject(c, i, std::move(*e));
        if (done()) return Status::Ok();
      }
    }
    return Status::Ok();
  }

  template <typename T>
  Status PartyOnly(Collection c, const std::vector<T>& records) {
    return Refs(c, records, [&](const T& v) { return PartyRef(*this, "/party", v.party); });
  }

  // Parties refer to each other, so rejecting one can break another: repeat
  // until nothing changes.
  Status Parties() {
    bool changed = true;
    while (changed) {
      changed = false;
      for (size_t i = 0; i < b_.parties.size(); ++i) {
        if (IsRejected(Collection::kParties, i)) continue;
        MARA_ASSIGN_OR_RETURN(Check e, OneParty(b_.parties[i]));
        if (e) {
          Reject(Collection::kParties, i, std::move(*e));
          if (done()) return Status::Ok();
          changed = true;
        }
      }
    }
    return Status::Ok();
  }

  Result<Check> OneParty(const Party& p) {
    MARA_RESOLVE(*this, Collection::kSituations, "/situation", p.situation);
    if (p.parent) MARA_RESOLVE(*this, Collection::kParties, "/parent", *p.parent);
    if (p.splinter_of) MARA_RESOLVE(*this, Collection::kParties, "/splinter_of", *p.splinter_of);
    if (!p.parent) return Check();
    std::string chain = p.id;
    std::unordered_set<std::string> seen = {p.id};
    std::optional<std::string> cur = p.parent;
    size_t steps = 0;
    while (cur) {
      if (steps < 8) chain += " -> " + *cur;
      if (steps == 8) chain += " -> ...";
      ++steps;
      if (*cur == p.id) {
        return Check(FieldError{"/parent", "the parent chain returns to " + QuoteForMessage(p.id) +
                                               " (" + chain + ")"});
      }
      if (!seen.insert(*cur).second) break;  // a loop elsewhere, reported on its own members
      MARA_ASSIGN_OR_RETURN(cur, ParentOf(*cur));
    }
    return Check();
  }

  const Bundle& b_;
  ReferenceLookup& stored_;
  bool stop_;
  std::optional<Date> today_;
  std::vector<ValidationError> errors_;
  std::vector<bool> rejected_[kCollectionNames.size()];
  std::unordered_map<std::string, size_t> first_[kCollectionNames.size()];
};

}  // namespace

Result<std::optional<FieldError>> CheckReferences(const Incident& v, ReferenceLookup& lookup) {
  MARA_RESOLVE(lookup, Collection::kSituations, "/situation", v.situation);
  for (size_t i = 0; i < v.perpetrators.size(); ++i) {
    MARA_RESOLVE(lookup, Collection::kParties, Idx("/perpetrators", i) + "/party",
                 v.perpetrators[i].party);
  }
  for (size_t i = 0; i < v.sources.size(); ++i) {
    MARA_RESOLVE(lookup, Collection::kSources, Idx("/sources", i), v.sources[i]);
  }
  return Check();
}

Result<std::vector<ValidationError>> ValidateBundle(const Bundle& bundle, ReferenceLookup& stored,
                                                    bool stop_at_first, std::optional<Date> today) {
  Validator validator(bundle, stored, stop_at_first, today);
  return validator.Run();
}

}  // namespace mara
