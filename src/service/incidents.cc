#include "service/incidents.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "common/text.h"
#include "domain/disclosure.h"
#include "domain/json_codec.h"
#include "domain/validate.h"
#include "ingest/store_lookup.h"
#include "service/core.h"
#include "service/visibility.h"

namespace mara {
namespace {

constexpr std::string_view kHistoryPrefix = "incident.history/";
// The members of an incident that are not its substance: a change to any
// other member of a verified incident returns it to under_verification.
constexpr std::string_view kNotSubstance[] = {"status", "verified_on", "narrative", "consent"};

Status NoIncident(const std::string& id) {
  return Status::NotFound("no incident " + QuoteForMessage(id));
}

// The incident when the principal can see it; kNotFound alike when it does
// not exist and when it is hidden from the principal.
Result<Incident> Load(Session& session, const std::string& id) {
  MARA_ASSIGN_OR_RETURN(std::optional<Incident> incident, FindVisibleIncident(session, id));
  if (!incident) return NoIncident(id);
  return std::move(*incident);
}

// Field-level changes between two versions of an incident, by member of
// the mara-bundle/1 form. The narrative is sealed at rest, so its change is
// recorded without its text.
Json Changes(const Incident* before, const Incident& after) {
  const Json b = before ? ToJson(*before) : Json::object();
  const Json a = ToJson(after);
  Json out = Json::array();
  std::set<std::string> keys;
  for (const auto& [k, v] : b.items()) keys.insert(k);
  for (const auto& [k, v] : a.items()) keys.insert(k);
  for (const std::string& k : keys) {
    const Json none = nullptr;
    const Json& x = b.contains(k) ? b[k] : none;
    const Json& y = a.contains(k) ? a[k] : none;
    if (x == y) continue;
    Json change = {{"field", k}};
    if (k != "narrative") {
      change["before"] = x;
      change["after"] = y;
    }
    out.push_back(std::move(change));
  }
  return out;
}

bool SameSubstance(const Incident& a, const Incident& b) {
  Json x = ToJson(a);
  Json y = ToJson(b);
  for (std::string_view k : kNotSubstance) {
    x.erase(std::string(k));
    y.erase(std::string(k));
  }
  return x == y;
}

// Appends one entry to the incident's history (inside the caller's
// transaction).
Status AppendHistory(Session& session, const std::string& id, std::string_view action,
                     const Incident* before, const Incident& after, std::string_view comment) {
  const std::string key = std::string(kHistoryPrefix) + id;
  MARA_ASSIGN_OR_RETURN(std::optional<std::string> text, session.store().GetMeta(key));
  Json history = Json::array();
  if (text) {
    history = Json::parse(*text, nullptr, false);
    if (!history.is_array()) {
      return Status::Corruption("the history of incident " + QuoteForMessage(id) +
                                " is not a JSON array");
    }
  }
  Json entry = {{"action", std::string(action)},
                {"by", session.name()},
                {"at", NowIso(session.clock())},
                {"status", std::string(ToString(after.status))}};
  if (!comment.empty()) entry["comment"] = std::string(comment);
  entry["changes"] = Changes(before, after);
  history.push_back(std::move(entry));
  return session.store().PutMeta(key, history.dump());
}

// Runs inside the write transaction: no other writer can change the record
// between this comparison and the caller's commit.
Status CheckVersion(const std::string& id, const Incident* stored, std::string_view if_version) {
  if (if_version.empty()) return Status::Ok();
  if (stored == nullptr) {
    return Status::Conflict("incident " + QuoteForMessage(id) + " does not exist, but version " +
                            QuoteForMessage(if_version) + " of it was expected; nothing written");
  }
  const std::string current = IncidentVersion(*stored);
  if (current == if_version) return Status::Ok();
  return Status::Conflict("incident " + QuoteForMessage(id) +
                          " changed since it was read (version " + QuoteForMessage(if_version) +
                          ", now " + current + "); nothing written");
}

// The incident a reviewer verifies or returns, once the principal may:
// kVerifyIncident in its situation, by someone who neither created nor last
// edited it (the four-eyes rule). Inside the caller's transaction.
Result<Incident> LoadForReview(Session& session, const std::string& id) {
  MARA_ASSIGN_OR_RETURN(Incident incident, Load(session, id));
  MARA_ASSIGN_OR_RETURN(std::optional<IncidentProvenance> provenance,
                        session.store().GetIncidentProvenance(id));
  security::Scope scope;
  scope.situation = incident.situation;
  scope.target = "incident " + id;
  if (provenance) {
    scope.created_by = provenance->created_by;
    scope.last_edited_by = provenance->last_edited_by;
  }
  MARA_RETURN_IF_ERROR(session.Require(security::Operation::kVerifyIncident, scope));
  return incident;
}

}  // namespace

std::string IncidentVersion(const Incident& incident) { return RecordDigest(incident); }

Status VerifyIncident(Session& session, const std::string& id, Date verified_on,
                      std::string_view if_version) {
  Store& store = session.store();
  Transaction tx(&store);
  MARA_RETURN_IF_ERROR(tx.Begin());
  MARA_ASSIGN_OR_RETURN(Incident incident, LoadForReview(session, id));
  MARA_RETURN_IF_ERROR(CheckVersion(id, &incident, if_version));
  if (incident.status == IncidentStatus::kVerified) {
    return Status::Conflict("incident " + QuoteForMessage(id) + " is already verified");
  }
  if (verified_on < incident.date) {
    return Status::InvalidArgument("incident " + QuoteForMessage(id) +
                                   " verified_on: " + verified_on.ToString() +
                                   " is before the incident's date " + incident.date.ToString());
  }
  if (const Date today = Today(session.clock()); today < verified_on) {
    return Status::InvalidArgument("incident " + QuoteForMessage(id) +
                                   " verified_on: " + AfterTodayMessage(verified_on, today));
  }
  const Incident before = incident;
  incident.status = IncidentStatus::kVerified;
  incident.verified_on = verified_on;
  MARA_RETURN_IF_ERROR(store.PutIncident(incident, 0).status());
  MARA_RETURN_IF_ERROR(AppendHistory(session, id, "verified", &before, incident, ""));
  MARA_RETURN_IF_ERROR(session.Audit(
      {"", "incident.verify", "incidents", id, RecordDigest(before), RecordDigest(incident)}));
  return tx.Commit();
}

Status ReturnIncident(Session& session, const std::string& id, std::string_view comment,
                      std::string_view if_version) {
  if (TrimBlanks(comment).empty()) {
    return Status::InvalidArgument("--comment: say what the author should look at again");
  }
  Store& store = session.store();
  Transaction tx(&store);
  MARA_RETURN_IF_ERROR(tx.Begin());
  // Returning is the reviewer's other answer to a verification request:
  // the same permission and the same four eyes.
  MARA_ASSIGN_OR_RETURN(Incident incident, LoadForReview(session, id));
  MARA_RETURN_IF_ERROR(CheckVersion(id, &incident, if_version));
  if (incident.status == IncidentStatus::kVerified) {
    return Status::Conflict("incident " + QuoteForMessage(id) +
                            " is verified; an edit of its substance returns it to verification");
  }
  const Incident before = incident;
  incident.status = IncidentStatus::kReported;
  MARA_RETURN_IF_ERROR(store.PutIncident(incident, 0).status());
  MARA_RETURN_IF_ERROR(AppendHistory(session, id, "returned", &before, incident, comment));
  MARA_RETURN_IF_ERROR(session.Audit(
      {"", "incident.return", "incidents", id, RecordDigest(before), RecordDigest(incident)}));
  return tx.Commit();
}

Status SetIncidentConsent(Session& session, const std::string& id, Consent consent,
                          std::string_view if_version) {
  Store& store = session.store();
  Transaction tx(&store);
  MARA_RETURN_IF_ERROR(tx.Begin());
  // A withdrawn incident is hidden: it can only be restored, explicitly.
  MARA_ASSIGN_OR_RETURN(Incident incident, Load(session, id));
  security::Scope scope;
  scope.situation = incident.situation;
  scope.target = "incident " + id;
  MARA_RETURN_IF_ERROR(session.Require(security::Operation::kEditIncident, scope));
  MARA_RETURN_IF_ERROR(CheckVersion(id, &incident, if_version));
  const Incident before = incident;
  incident.consent = consent;
  MARA_RETURN_IF_ERROR(store.PutIncident(incident, 0).status());
  MARA_RETURN_IF_ERROR(store.SetIncidentEditor(id, session.name()));
  MARA_RETURN_IF_ERROR(AppendHistory(
      session, id, consent == Consent::kWithdrawn ? "consent withdrawn" : "consent changed",
      &before, incident, ""));
  MARA_RETURN_IF_ERROR(
      session.Audit({"", std::string("incident.consent.") + std::string(ToString(consent)),
                     "incidents", id, RecordDigest(before), RecordDigest(incident)}));
  return tx.Commit();
}

Status RestoreIncidentConsent(Session& session, const std::string& id, Consent consent,
                              std::string_view reason) {
  if (consent == Consent::kWithdrawn) {
    return Status::InvalidArgument("--consent: a restored consent cannot be `withdrawn`");
  }
  if (TrimBlanks(reason).empty()) {
    return Status::InvalidArgument("--reason: say how the survivor or witness gave consent again");
  }
  Store& store = session.store();
  Transaction tx(&store);
  MARA_RETURN_IF_ERROR(tx.Begin());
  MARA_ASSIGN_OR_RETURN(std::optional<Incident> stored, store.GetIncident(id));
  // Only the situation's editors learn that a withdrawn incident exists.
  security::Scope scope;
  scope.target = "incident " + id;
  if (stored) scope.situation = stored->situation;
  if (!stored || !session.Authorize(security::Operation::kEditIncident, scope).ok()) {
    return NoIncident(id);
  }
  if (stored->consent != Consent::kWithdrawn) {
    return Status::Conflict("incident " + QuoteForMessage(id) +
                            " is not withdrawn; change its consent with `incident consent`");
  }
  const Incident before = *stored;
  Incident incident = *stored;
  incident.consent = consent;
  MARA_RETURN_IF_ERROR(store.PutIncident(incident, 0).status());
  MARA_RETURN_IF_ERROR(store.SetIncidentEditor(id, session.name()));
  MARA_RETURN_IF_ERROR(AppendHistory(session, id, "consent restored", &before, incident, reason));
  MARA_RETURN_IF_ERROR(session.Audit({"", "incident.consent.restore", "incidents", id,
                                      RecordDigest(before), RecordDigest(incident)}));
  return tx.Commit();
}

namespace {

// The id a new incident is given: "I-YYYY-NNNNNN", YYYY its year and NNNNNN
// the next number of that year's counter (meta "incident_counter:YYYY"),
// skipping ids in use (imported ones keep theirs). Inside the caller's
// write transaction, so concurrent creations get distinct ids.
Result<std::string> NextIncidentId(Store& store, int year) {
  const std::string key = "incident_counter:" + std::to_string(year);
  MARA_ASSIGN_OR_RETURN(std::optional<std::string> text, store.GetMeta(key));
  int64_t n = 0;
  if (text) {
    char* end = nullptr;
    n = std::strtoll(text->c_str(), &end, 10);
    if (text->empty() || *end != '\0' || n < 0) {
      return Status::Corruption("meta " + key + " is not a count: " + QuoteForMessage(*text));
    }
  }
  while (true) {
    ++n;
    std::string id = fmt::format("I-{:04d}-{:06d}", year, n);
    MARA_ASSIGN_OR_RETURN(std::optional<Incident> taken, store.GetIncident(id));
    if (taken) continue;
    MARA_RETURN_IF_ERROR(store.PutMeta(key, std::to_string(n)));
    return id;
  }
}

// SaveIncident, and SaveNewIncident when `generate_id`: the id is chosen
// inside the transaction, after the checks that need none.
Result<PutOutcome> SaveIncidentImpl(Session& session, const Incident& proposed,
                                    std::string_view if_version, bool generate_id,
                                    std::string* id_out) {
  Incident incident = proposed;
  if (generate_id) {
    if (!incident.id.empty()) {
      return Status::InvalidArgument("new incident id: leave it empty; Mara chooses it");
    }
    incident.id = "I-0000-000000";  // a well-formed stand-in until the id is chosen
  }
  const std::string where =
      generate_id ? std::string("new incident") : "incident " + QuoteForMessage(incident.id);
  if (std::optional<FieldError> error = CheckRecord(incident)) {
    return Status::InvalidArgument(where + (error->field.empty() ? "" : " " + error->field) + ": " +
                                   error->message);
  }
  if (std::optional<FieldError> error = CheckNotAfter(incident, mara::Today(session.clock()))) {
    return Status::InvalidArgument(where + " " + error->field.substr(1) + ": " + error->message);
  }
  Store& store = session.store();
  Transaction tx(&store);
  MARA_RETURN_IF_ERROR(tx.Begin());
  if (generate_id) {
    // Only a principal who may create here moves the counter.
    security::Scope create;
    create.situation = incident.situation;
    create.target = "incident (new)";
    MARA_RETURN_IF_ERROR(session.Require(security::Operation::kCreateIncident, create));
    MARA_ASSIGN_OR_RETURN(incident.id, NextIncidentId(store, incident.date.year()));
  }
  if (id_out != nullptr) *id_out = incident.id;
  MARA_ASSIGN_OR_RETURN(std::optional<Incident> stored, store.GetIncident(incident.id));
  if (stored && !CanSeeIncident(session, *stored)) {
    // The id is taken by a record this principal cannot see: refused as any
    // id in use is, without saying where or what it is.
    if (!if_version.empty()) return NoIncident(incident.id);
    return Status::Conflict(where + " is an id already in use; choose another id");
  }
  security::Scope scope;
  scope.target = "incident " + incident.id;
  if (stored) {
    scope.situation = stored->situation;
    MARA_RETURN_IF_ERROR(session.Require(security::Operation::kEditIncident, scope));
  }
  scope.situation = incident.situation;
  MARA_RETURN_IF_ERROR(session.Require(
      stored ? security::Operation::kEditIncident : security::Operation::kCreateIncident, scope));
  MARA_RETURN_IF_ERROR(CheckVersion(incident.id, stored ? &*stored : nullptr, if_version));

  // Four eyes: only the verify operation makes an incident verified, and a
  // change of a verified incident's substance returns it to verification.
  const bool was_verified = stored && stored->status == IncidentStatus::kVerified;
  const bool keeps_verification = was_verified && SameSubstance(*stored, incident);
  const std::optional<Date> stored_verified_on = stored ? stored->verified_on : std::nullopt;
  if (incident.status == IncidentStatus::kVerified) {
    if (!was_verified) {
      return Status::InvalidArgument(
          where +
          " status: `verified` is set only by a reviewer's verification, by someone "
          "who neither created nor last edited the incident (send reported or "
          "under_verification)");
    }
    if (keeps_verification) {
      incident.verified_on = stored_verified_on;
    } else {
      incident.status = IncidentStatus::kUnderVerification;
      incident.verified_on.reset();
    }
  }
  if (incident.verified_on && incident.verified_on != stored_verified_on) {
    return Status::InvalidArgument(where + " verified_on: set only by a reviewer's verification");
  }
  if (incident.status != IncidentStatus::kVerified) incident.verified_on.reset();
  // Consent changes are their own operations (withdrawal, restoration).
  if (stored && stored->consent != incident.consent) {
    return Status::InvalidArgument(where + " consent: change it with the consent operation, " +
                                   "not with an edit");
  }

  MARA_ASSIGN_OR_RETURN(std::unique_ptr<StoreLookup> lookup, StoreLookup::Load(store));
  MARA_ASSIGN_OR_RETURN(std::optional<FieldError> reference, CheckReferences(incident, *lookup));
  if (reference) {
    return Status::InvalidArgument(where +
                                   (reference->field.empty() ? "" : " " + reference->field) + ": " +
                                   reference->message);
  }
  const std::string before = stored ? RecordDigest(*stored) : "";
  MARA_ASSIGN_OR_RETURN(PutOutcome outcome, store.PutIncident(incident, 0));
  MARA_RETURN_IF_ERROR(store.SetIncidentEditor(incident.id, session.name()));
  MARA_RETURN_IF_ERROR(AppendHistory(
      session, incident.id, stored ? "edited" : "created", stored ? &*stored : nullptr, incident,
      was_verified && !keeps_verification
          ? "verification of " + (stored->verified_on ? stored->verified_on->ToString() : "?") +
                " set aside: the incident's substance changed"
          : ""));
  MARA_RETURN_IF_ERROR(session.Audit({"", stored ? "incident.edit" : "incident.create", "incidents",
                                      incident.id, before, RecordDigest(incident)}));
  MARA_RETURN_IF_ERROR(tx.Commit());
  return outcome;
}

}  // namespace

Result<PutOutcome> SaveIncident(Session& session, const Incident& proposed,
                                std::string_view if_version) {
  return SaveIncidentImpl(session, proposed, if_version, false, nullptr);
}

Result<std::string> SaveNewIncident(Session& session, const Incident& proposed) {
  std::string id;
  MARA_RETURN_IF_ERROR(SaveIncidentImpl(session, proposed, {}, true, &id).status());
  return id;
}

namespace {

// The stored review history of an incident (an empty array when none).
Result<Json> StoredHistory(Session& session, const std::string& id) {
  MARA_ASSIGN_OR_RETURN(std::optional<std::string> text,
                        session.store().GetMeta(std::string(kHistoryPrefix) + id));
  Json history = Json::array();
  if (text) {
    history = Json::parse(*text, nullptr, false);
    if (!history.is_array()) {
      return Status::Corruption("the history of incident " + QuoteForMessage(id) +
                                " is not a JSON array");
    }
  }
  return history;
}

// Public readers learn what changed and when, not the values, the people
// or the comments.
void WithoutValues(Json& history) {
  for (Json& entry : history) {
    entry.erase("by");
    entry.erase("comment");
    if (!entry.contains("changes")) continue;
    for (Json& change : entry["changes"]) {
      change.erase("before");
      change.erase("after");
    }
  }
}

}  // namespace

Result<Json> IncidentHistory(Session& session, const std::string& id) {
  MARA_ASSIGN_OR_RETURN(Incident incident, Load(session, id));
  const Edition edition = EditionFor(session, incident.situation);
  MARA_ASSIGN_OR_RETURN(Json history, StoredHistory(session, id));
  if (edition == Edition::kPublic) WithoutValues(history);
  return Json{{"id", id}, {"history", std::move(history)}};
}

Result<std::vector<RestrictedConsent>> ListRestrictedConsent(Session& session) {
  MARA_RETURN_IF_ERROR(session.RequireSomewhere(security::Operation::kEditIncident));
  std::vector<RestrictedConsent> out;
  MARA_RETURN_IF_ERROR(session.store().ScanIncidentFacts([&](const IncidentFacts& facts) {
    if (facts.consent != Consent::kWithdrawn && facts.consent != Consent::kInternalUse) {
      return Status::Ok();
    }
    security::Scope scope;
    scope.situation = std::string(facts.situation);
    if (!session.Authorize(security::Operation::kEditIncident, scope).ok()) return Status::Ok();
    out.push_back({.id = std::string(facts.id),
                   .situation = std::string(facts.situation),
                   .date = facts.date,
                   .consent = facts.consent});
    return Status::Ok();
  }));
  for (RestrictedConsent& entry : out) {
    MARA_ASSIGN_OR_RETURN(Json history, StoredHistory(session, entry.id));
    for (const Json& h : history) {
      const std::string action = h.value("action", "");
      if (!action.starts_with("consent ")) continue;
      entry.changed_at = h.value("at", "");
      entry.changed_by = h.value("by", "");
      entry.change = action;
      entry.reason = h.value("comment", "");
    }
  }
  std::sort(out.begin(), out.end(), [](const RestrictedConsent& a, const RestrictedConsent& b) {
    return a.date != b.date ? a.date < b.date : a.id < b.id;
  });
  return out;
}

Result<std::optional<Json>> IncidentHistoryForAudit(Session& session, const std::string& id) {
  MARA_ASSIGN_OR_RETURN(Json history, StoredHistory(session, id));
  if (history.empty()) return std::optional<Json>();
  MARA_ASSIGN_OR_RETURN(std::optional<Incident> visible, FindVisibleIncident(session, id));
  const bool values = visible && EditionFor(session, visible->situation) == Edition::kConfidential;
  if (!values) WithoutValues(history);
  return std::optional<Json>(std::move(history));
}

namespace {

// Records a testimony's new consent scope: `restore` is the explicit way
// back from withdrawn (with its reason), the plain change refuses it.
Status ChangeTestimonyConsent(Session& session, const std::string& source_id, Consent consent,
                              bool restore, std::string_view reason) {
  MARA_RETURN_IF_ERROR(session.RequireEverywhere(security::Operation::kEditIncident));
  Store& store = session.store();
  Transaction tx(&store);
  MARA_RETURN_IF_ERROR(tx.Begin());
  MARA_ASSIGN_OR_RETURN(Bundle registry, store.LoadRegistry());
  auto it = std::find_if(registry.sources.begin(), registry.sources.end(),
                         [&](const Source& s) { return s.id == source_id; });
  if (it == registry.sources.end()) {
    return Status::NotFound("no source " + QuoteForMessage(source_id));
  }
  if (!IsTestimony(it->kind)) {
    return Status::InvalidArgument("source " + QuoteForMessage(source_id) + " is " +
                                   std::string(ToString(it->kind)) +
                                   "; only testimony carries a consent scope");
  }
  const bool withdrawn = it->consent == Consent::kWithdrawn;
  if (restore && !withdrawn) {
    return Status::Conflict("source " + QuoteForMessage(source_id) +
                            " is not withdrawn; change its consent with `source consent`");
  }
  if (!restore && withdrawn) {
    return Status::Conflict("source " + QuoteForMessage(source_id) +
                            " is withdrawn; only `source restore-consent`, with a reason, brings "
                            "it back");
  }
  const std::string before = Blake2bHex(ToJson(*it).dump());
  it->consent = consent;
  MARA_RETURN_IF_ERROR(store.Put(*it));
  const std::string action = restore ? std::string("source.consent.restore")
                                     : "source.consent." + std::string(ToString(consent));
  if (restore) {
    // The reason is kept beside the source (the chain holds digests only),
    // written before the audit record that covers it.
    const std::string key = "source.consent.restorations/" + source_id;
    MARA_ASSIGN_OR_RETURN(std::optional<std::string> text, store.GetMeta(key));
    Json notes = text ? Json::parse(*text, nullptr, false) : Json::array();
    if (!notes.is_array()) notes = Json::array();
    notes.push_back({{"by", session.name()},
                     {"at", NowIso(session.clock())},
                     {"consent", std::string(ToString(consent))},
                     {"reason", std::string(reason)}});
    MARA_RETURN_IF_ERROR(store.PutMeta(key, notes.dump()));
  }
  MARA_RETURN_IF_ERROR(
      session.Audit({"", action, "sources", source_id, before, Blake2bHex(ToJson(*it).dump())}));
  return tx.Commit();
}

}  // namespace

Status SetTestimonyConsent(Session& session, const std::string& source_id, Consent consent) {
  return ChangeTestimonyConsent(session, source_id, consent, /*restore=*/false, "");
}

Status RestoreTestimonyConsent(Session& session, const std::string& source_id, Consent consent,
                               std::string_view reason) {
  if (consent == Consent::kWithdrawn) {
    return Status::InvalidArgument("--consent: a restored consent cannot be `withdrawn`");
  }
  if (TrimBlanks(reason).empty()) {
    return Status::InvalidArgument("--reason: say how the survivor or witness gave consent again");
  }
  return ChangeTestimonyConsent(session, source_id, consent, /*restore=*/true, reason);
}

}  // namespace mara
