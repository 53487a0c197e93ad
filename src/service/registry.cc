#include "service/registry.h"

#include <algorithm>
#include <set>
#include <type_traits>
#include <vector>

#include "common/text.h"
#include "domain/disclosure.h"
#include "domain/validate.h"
#include "ingest/store_lookup.h"
#include "service/core.h"
#include "service/state_ledger.h"
#include "service/visibility.h"

namespace mara {
namespace {

using security::Operation;

constexpr std::string_view kHistoryPrefix = "registry.history/";

// What differs between the kinds, for the one write path below.
template <typename T>
struct Kind;

template <>
struct Kind<Party> {
  static constexpr RegistryKind kind = RegistryKind::kParty;
  static std::vector<Party>& In(Bundle& b) { return b.parties; }
};
template <>
struct Kind<Source> {
  static constexpr RegistryKind kind = RegistryKind::kSource;
  static std::vector<Source>& In(Bundle& b) { return b.sources; }
};
template <>
struct Kind<Designation> {
  static constexpr RegistryKind kind = RegistryKind::kDesignation;
  static std::vector<Designation>& In(Bundle& b) { return b.designations; }
};
template <>
struct Kind<Engagement> {
  static constexpr RegistryKind kind = RegistryKind::kEngagement;
  static std::vector<Engagement>& In(Bundle& b) { return b.engagements; }
};
template <>
struct Kind<Commitment> {
  static constexpr RegistryKind kind = RegistryKind::kCommitment;
  static std::vector<Commitment>& In(Bundle& b) { return b.commitments; }
};
template <>
struct Kind<Statement> {
  static constexpr RegistryKind kind = RegistryKind::kStatement;
  static std::vector<Statement>& In(Bundle& b) { return b.statements; }
};

template <typename T>
std::string RecordJsonDigest(const T& v) {
  return Blake2bHex(ToJson(v).dump());
}

template <typename T>
std::string Describe(const T& v) {
  return std::string(SingularName(Kind<T>::kind)) + " " + QuoteForMessage(StateKey(v));
}

template <typename T>
const T* FindByKey(const std::vector<T>& records, const std::string& key) {
  for (const T& r : records) {
    if (RecordKey(r) == key) return &r;
  }
  return nullptr;
}

const Party* FindParty(const Bundle& registry, std::string_view id) {
  for (const Party& p : registry.parties) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

std::string HistoryKey(RegistryKind kind, const std::string& key) {
  return std::string(kHistoryPrefix) + std::string(CollectionName(kind)) + "/" + key;
}

Result<Json> StoredHistory(Session& session, RegistryKind kind, const std::string& key) {
  MARA_ASSIGN_OR_RETURN(std::optional<std::string> text,
                        session.store().GetMeta(HistoryKey(kind, key)));
  Json history = Json::array();
  if (text) {
    history = Json::parse(*text, nullptr, false);
    if (!history.is_array()) {
      return Status::Corruption("the history of " + std::string(SingularName(kind)) + " " +
                                QuoteForMessage(key) + " is not a JSON array");
    }
  }
  return history;
}

// Field-level changes between two versions, by member of the bundle form.
Json Changes(const Json& before, const Json& after) {
  std::set<std::string> keys;
  for (const auto& [k, v] : before.items()) keys.insert(k);
  for (const auto& [k, v] : after.items()) keys.insert(k);
  Json out = Json::array();
  for (const std::string& k : keys) {
    const Json none = nullptr;
    const Json& x = before.contains(k) ? before[k] : none;
    const Json& y = after.contains(k) ? after[k] : none;
    if (x == y) continue;
    out.push_back({{"field", k}, {"before", x}, {"after", y}});
  }
  return out;
}

// Appends one entry to the record's history, inside the caller's
// transaction.
template <typename T>
Status AppendHistory(Session& session, std::string_view action, const T* before, const T& after,
                     std::string_view comment) {
  const RegistryKind kind = Kind<T>::kind;
  const std::string key = StateKey(after);
  MARA_ASSIGN_OR_RETURN(Json history, StoredHistory(session, kind, key));
  Json entry = {
      {"action", std::string(action)}, {"by", session.name()}, {"at", NowIso(session.clock())}};
  if (!comment.empty()) entry["comment"] = std::string(comment);
  entry["changes"] = Changes(before ? ToJson(*before) : Json::object(), ToJson(after));
  history.push_back(std::move(entry));
  return session.store().PutMeta(HistoryKey(kind, key), history.dump());
}

// Who created and who last edited a record in Mara, from its history
// (empty when it came by import).
struct Provenance {
  std::string created_by;
  std::string last_edited_by;
};
Result<Provenance> ProvenanceOf(Session& session, RegistryKind kind, const std::string& key) {
  MARA_ASSIGN_OR_RETURN(Json history, StoredHistory(session, kind, key));
  Provenance p;
  for (const Json& entry : history) {
    const std::string action = entry.value("action", "");
    const std::string by = entry.value("by", "");
    if (action == "created" && p.created_by.empty()) p.created_by = by;
    if (action == "created" || action == "updated" || action == "renamed") p.last_edited_by = by;
  }
  return p;
}

// The first broken rule of `record` against the store, as
// "/field: message".
template <typename T>
Status Validate(Session& session, const T& record) {
  Bundle one;
  Kind<T>::In(one).push_back(record);
  MARA_ASSIGN_OR_RETURN(std::unique_ptr<StoreLookup> lookup, StoreLookup::Load(session.store()));
  MARA_ASSIGN_OR_RETURN(
      std::vector<ValidationError> errors,
      ValidateBundle(one, *lookup, /*stop_at_first=*/true, Today(session.clock())));
  if (errors.empty()) return Status::Ok();
  const ValidationError& e = errors.front();
  return Status::InvalidArgument((e.field.empty() ? std::string("/") : e.field) + ": " + e.message);
}

Status CheckVersion(const std::string& what, const std::string& current,
                    std::string_view if_version) {
  if (if_version.empty() || current == if_version) return Status::Ok();
  return Status::Conflict(what + " changed since it was read (version " +
                          QuoteForMessage(if_version) + ", now " + current + "); nothing written");
}

// kEditRegistry in each situation ("" : everywhere).
Status RequireEdit(Session& session, const std::set<std::string>& situations,
                   const std::string& target) {
  for (const std::string& situation : situations) {
    if (situation.empty()) {
      MARA_RETURN_IF_ERROR(session.RequireEverywhere(Operation::kEditRegistry));
      continue;
    }
    security::Scope scope;
    scope.situation = situation;
    scope.target = target;
    MARA_RETURN_IF_ERROR(session.Require(Operation::kEditRegistry, scope));
  }
  return Status::Ok();
}

std::string PartySituation(const Bundle& registry, std::string_view party) {
  const Party* p = FindParty(registry, party);
  return p ? p->situation : std::string();
}

// The situations a record lies in, for its permission ("": every one).
Result<std::set<std::string>> SituationsOf(Session&, const Bundle&, const Party& v) {
  return std::set<std::string>{v.situation};
}
Result<std::set<std::string>> SituationsOf(Session&, const Bundle&, const Source&) {
  return std::set<std::string>{""};
}
Result<std::set<std::string>> SituationsOf(Session&, const Bundle& r, const Designation& v) {
  return std::set<std::string>{PartySituation(r, v.party)};
}
Result<std::set<std::string>> SituationsOf(Session&, const Bundle& r, const Engagement& v) {
  return std::set<std::string>{PartySituation(r, v.party)};
}
Result<std::set<std::string>> SituationsOf(Session&, const Bundle& r, const Commitment& v) {
  return std::set<std::string>{PartySituation(r, v.party)};
}
Result<std::set<std::string>> SituationsOf(Session& session, const Bundle& registry,
                                           const Statement& v) {
  // The incidents the stored statement names already stay nameable, seen
  // or not (one withdrawn since, for instance).
  std::set<std::string> named;
  if (const Statement* stored = FindByKey(registry.statements, v.id)) {
    named.insert(stored->incidents.begin(), stored->incidents.end());
  }
  std::set<std::string> out;
  for (size_t i = 0; i < v.incidents.size(); ++i) {
    std::optional<Incident> incident;
    if (named.count(v.incidents[i]) > 0) {
      MARA_ASSIGN_OR_RETURN(incident, session.store().GetIncident(v.incidents[i]));
    } else {
      MARA_ASSIGN_OR_RETURN(incident, FindVisibleIncident(session, v.incidents[i]));
    }
    // An incident hidden from the principal is answered as an unknown one.
    if (!incident) {
      return Status::InvalidArgument("/incidents/" + std::to_string(i) + ": unknown incident " +
                                     QuoteForMessage(v.incidents[i]));
    }
    out.insert(incident->situation);
  }
  if (out.empty()) out.insert("");
  return out;
}

// The situations of a stored record: a stored statement's incidents count
// where they are, seen or not, since the statement is there already.
template <typename T>
Result<std::set<std::string>> StoredSituationsOf(Session& session, const Bundle& registry,
                                                 const T& v) {
  if constexpr (std::is_same_v<T, Statement>) {
    std::set<std::string> out;
    for (const std::string& id : v.incidents) {
      MARA_ASSIGN_OR_RETURN(std::optional<Incident> incident, session.store().GetIncident(id));
      if (incident) out.insert(incident->situation);
    }
    if (out.empty()) out.insert("");
    return out;
  } else {
    return SituationsOf(session, registry, v);
  }
}

// The rules of one kind beyond validation, with the stored version (null
// for a create); may adjust the record and say why in `comment`.
Status KindRules(Session& session, const Party* stored, Party& party, std::string&) {
  const std::optional<Dissolution> before = stored ? stored->dissolved : std::nullopt;
  auto same = [](const std::optional<Dissolution>& a, const std::optional<Dissolution>& b) {
    if (!a || !b) return !a && !b;
    return a->date == b->date && a->source == b->source;
  };
  if (same(before, party.dissolved)) return Status::Ok();
  // A dissolution moves the listing, as a decision does.
  security::Scope scope;
  scope.situation = party.situation;
  scope.target = party.id;
  scope.rationale = party.dissolved ? party.dissolved->source : std::string("clear");
  return session.Require(Operation::kRecordDecision, scope);
}

Status KindRules(Session&, const Source* stored, Source& source, std::string&) {
  if (stored && stored->consent != source.consent) {
    return Status::InvalidArgument(
        "/consent: a testimony's consent is changed with `mara source consent` (or "
        "`restore-consent`), not with an update");
  }
  return Status::Ok();
}

Status KindRules(Session&, const Designation*, Designation&, std::string&) { return Status::Ok(); }
Status KindRules(Session&, const Engagement*, Engagement&, std::string&) { return Status::Ok(); }
Status KindRules(Session&, const Statement*, Statement&, std::string&) { return Status::Ok(); }

// Four eyes over measures: only VerifyMeasure makes one verified.
Status KindRules(Session&, const Commitment* stored, Commitment& commitment, std::string& comment) {
  for (size_t i = 0; i < commitment.measures.size(); ++i) {
    Measure& m = commitment.measures[i];
    const Measure* was = nullptr;
    if (stored) {
      for (const Measure& s : stored->measures) {
        if (s.id == m.id) was = &s;
      }
    }
    const std::string where = "/measures/" + std::to_string(i);
    const bool was_verified = was && was->status == MeasureStatus::kVerifiedImplemented;
    const bool same_substance = was && was->text == m.text && was->due == m.due;
    if (m.status == MeasureStatus::kVerifiedImplemented) {
      if (!was_verified) {
        return Status::InvalidArgument(
            where +
            "/status: `verified_implemented` is set only by a reviewer's verification of the "
            "measure, by someone who neither created nor last edited the commitment");
      }
      if (!same_substance) {
        m.status = MeasureStatus::kInProgress;
        m.verified_on.reset();
        if (!comment.empty()) comment += "; ";
        comment += "verification of measure " + QuoteForMessage(m.id) +
                   " set aside: its text or due date changed";
        continue;
      }
      if (m.verified_on != was->verified_on) {
        return Status::InvalidArgument(where +
                                       "/verified_on: set only by a reviewer's verification");
      }
      continue;
    }
    if (m.verified_on && !(was_verified && was->verified_on == m.verified_on)) {
      return Status::InvalidArgument(where + "/verified_on: set only by a reviewer's verification");
    }
    // A verified measure set back to another status keeps no verification.
    m.verified_on.reset();
  }
  return Status::Ok();
}

// The one write path: validation, permission, existence and version,
// the kind's rules, the write, the history and the audit record, in one
// transaction. `create` refuses an existing key, an update a missing one.
template <typename T>
Result<T> Save(Session& session, const T& proposed, bool create, std::string_view if_version,
               std::string_view action) {
  const RegistryKind kind = Kind<T>::kind;
  T record = proposed;
  Store& store = session.store();
  Transaction tx(&store);
  MARA_RETURN_IF_ERROR(tx.Begin());
  MARA_ASSIGN_OR_RETURN(Bundle registry, store.LoadRegistry());
  const std::string key = RecordKey(record);
  const T* stored_ptr = FindByKey(Kind<T>::In(registry), key);
  std::optional<T> stored;
  if (stored_ptr) stored = *stored_ptr;

  MARA_RETURN_IF_ERROR(Validate(session, record));
  MARA_ASSIGN_OR_RETURN(std::set<std::string> situations, SituationsOf(session, registry, record));
  if (stored) {
    MARA_ASSIGN_OR_RETURN(std::set<std::string> was,
                          StoredSituationsOf(session, registry, *stored));
    situations.insert(was.begin(), was.end());
  }
  MARA_RETURN_IF_ERROR(RequireEdit(session, situations, Describe(record)));

  if (create && stored) {
    if constexpr (requires { record.id; }) {
      return Status::Conflict("/id: " + Describe(record) + " exists already; update it instead");
    } else {
      return Status::Conflict("/" + std::string(SingularName(kind)) + ": " + Describe(record) +
                              " exists already; update it instead");
    }
  }
  if (!create && !stored) {
    return Status::NotFound("no " + Describe(record));
  }
  if (stored)
    MARA_RETURN_IF_ERROR(CheckVersion(Describe(record), RecordJsonDigest(*stored), if_version));

  std::string comment;
  MARA_RETURN_IF_ERROR(KindRules(session, stored ? &*stored : nullptr, record, comment));
  if (stored && RecordJsonDigest(*stored) == RecordJsonDigest(record)) {
    // Nothing changes: nothing is written, nothing is audited.
    return record;
  }
  MARA_RETURN_IF_ERROR(store.Put(record));
  MARA_RETURN_IF_ERROR(AppendHistory(session,
                                     action.empty() ? (create ? "created" : "updated") : action,
                                     stored ? &*stored : nullptr, record, comment));
  const std::string audit_action = std::string(SingularName(kind)) + "." +
                                   (action == "renamed" ? "rename"
                                    : create            ? "create"
                                                        : "update");
  MARA_RETURN_IF_ERROR(
      session.Audit({"", audit_action, std::string(CollectionName(kind)), StateKey(record),
                     stored ? RecordJsonDigest(*stored) : "", RecordJsonDigest(record)}));
  MARA_RETURN_IF_ERROR(tx.Commit());
  return record;
}

template <typename T>
Status Create(Session& session, const T& record) {
  return Save(session, record, /*create=*/true, {}, {}).status();
}
template <typename T>
Status Update(Session& session, const T& record, std::string_view if_version) {
  return Save(session, record, /*create=*/false, if_version, {}).status();
}

}  // namespace

std::string_view CollectionName(RegistryKind kind) {
  switch (kind) {
    case RegistryKind::kParty:
      return "parties";
    case RegistryKind::kSource:
      return "sources";
    case RegistryKind::kDesignation:
      return "designations";
    case RegistryKind::kEngagement:
      return "engagements";
    case RegistryKind::kCommitment:
      return "commitments";
    case RegistryKind::kStatement:
      return "statements";
  }
  return "unknown";
}

std::string_view SingularName(RegistryKind kind) {
  switch (kind) {
    case RegistryKind::kParty:
      return "party";
    case RegistryKind::kSource:
      return "source";
    case RegistryKind::kDesignation:
      return "designation";
    case RegistryKind::kEngagement:
      return "engagement";
    case RegistryKind::kCommitment:
      return "commitment";
    case RegistryKind::kStatement:
      return "statement";
  }
  return "unknown";
}

Result<RegistryKind> ParseRegistryKind(std::string_view text) {
  std::string names;
  for (RegistryKind k : kRegistryKinds) {
    if (text == CollectionName(k) || text == SingularName(k)) return k;
    if (!names.empty()) names += ", ";
    names += SingularName(k);
  }
  return Status::InvalidArgument("unknown registry kind " + QuoteForMessage(text) +
                                 " (expected one of " + names + ")");
}

std::string RegistryVersion(const Party& v) { return RecordJsonDigest(v); }
std::string RegistryVersion(const Source& v) { return RecordJsonDigest(v); }
std::string RegistryVersion(const Designation& v) { return RecordJsonDigest(v); }
std::string RegistryVersion(const Engagement& v) { return RecordJsonDigest(v); }
std::string RegistryVersion(const Commitment& v) { return RecordJsonDigest(v); }
std::string RegistryVersion(const Statement& v) { return RecordJsonDigest(v); }

std::string RegistryKey(const Designation& v) { return StateKey(v); }
std::string RegistryKey(const Engagement& v) { return StateKey(v); }

Status CreateParty(Session& session, const Party& party) { return Create(session, party); }
Status UpdateParty(Session& session, const Party& party, std::string_view if_version) {
  return Update(session, party, if_version);
}

Result<Party> RenameParty(Session& session, const std::string& id, const std::string& new_name,
                          Date from, std::string_view if_version) {
  if (TrimBlanks(new_name).empty()) {
    return Status::InvalidArgument("/name: say the party's new name");
  }
  if (const Date today = Today(session.clock()); today < from) {
    return Status::InvalidArgument("/from: " + AfterTodayMessage(from, today));
  }
  MARA_ASSIGN_OR_RETURN(Bundle registry, session.store().LoadRegistry());
  const Party* stored = FindParty(registry, id);
  if (stored == nullptr) {
    // The permission is asked first, so an outsider learns nothing.
    MARA_RETURN_IF_ERROR(session.RequireSomewhere(Operation::kEditRegistry));
    return Status::NotFound("no party " + QuoteForMessage(id));
  }
  if (stored->name == new_name) {
    return Status::InvalidArgument("/name: the party is already called " +
                                   QuoteForMessage(new_name));
  }
  Party party = *stored;
  NameOverTime former;
  former.name = party.name;
  former.to = Date::FromDays(from.DaysSinceEpoch() - 1);
  party.names_over_time.push_back(std::move(former));
  party.name = new_name;
  // The version the caller read, or the one just read: a rename in
  // between is refused inside the write.
  const std::string version =
      if_version.empty() ? RecordJsonDigest(*stored) : std::string(if_version);
  return Save(session, party, /*create=*/false, version, "renamed");
}

Status CreateSource(Session& session, const Source& source) { return Create(session, source); }
Status UpdateSource(Session& session, const Source& source, std::string_view if_version) {
  return Update(session, source, if_version);
}

Status CreateDesignation(Session& session, const Designation& designation) {
  return Create(session, designation);
}
Status UpdateDesignation(Session& session, const Designation& designation,
                         std::string_view if_version) {
  return Update(session, designation, if_version);
}

Status CreateEngagement(Session& session, const Engagement& engagement) {
  return Create(session, engagement);
}
Status UpdateEngagement(Session& session, const Engagement& engagement,
                        std::string_view if_version) {
  return Update(session, engagement, if_version);
}

Status CreateCommitment(Session& session, const Commitment& commitment) {
  return Create(session, commitment);
}
Status UpdateCommitment(Session& session, const Commitment& commitment,
                        std::string_view if_version) {
  return Update(session, commitment, if_version);
}

Result<Commitment> VerifyMeasure(Session& session, const std::string& commitment_id,
                                 const std::string& measure_id, std::optional<Date> verified_on,
                                 std::string_view if_version) {
  Store& store = session.store();
  Transaction tx(&store);
  MARA_RETURN_IF_ERROR(tx.Begin());
  MARA_ASSIGN_OR_RETURN(Bundle registry, store.LoadRegistry());
  const Commitment* stored = FindByKey(registry.commitments, commitment_id);
  const std::string target = "commitment " + commitment_id + " measure " + measure_id;
  MARA_ASSIGN_OR_RETURN(Provenance provenance,
                        ProvenanceOf(session, RegistryKind::kCommitment, commitment_id));
  security::Scope scope;
  scope.situation = stored ? PartySituation(registry, stored->party) : std::string();
  scope.target = target;
  scope.created_by = provenance.created_by;
  scope.last_edited_by = provenance.last_edited_by;
  MARA_RETURN_IF_ERROR(session.Require(Operation::kVerifyMeasure, scope));
  if (stored == nullptr) return Status::NotFound("no commitment " + QuoteForMessage(commitment_id));
  MARA_RETURN_IF_ERROR(CheckVersion("commitment " + QuoteForMessage(commitment_id),
                                    RecordJsonDigest(*stored), if_version));
  Commitment commitment = *stored;
  auto it = std::find_if(commitment.measures.begin(), commitment.measures.end(),
                         [&](const Measure& m) { return m.id == measure_id; });
  if (it == commitment.measures.end()) {
    return Status::NotFound("commitment " + QuoteForMessage(commitment_id) + " has no measure " +
                            QuoteForMessage(measure_id));
  }
  if (it->status == MeasureStatus::kVerifiedImplemented) {
    return Status::Conflict("measure " + QuoteForMessage(measure_id) + " of commitment " +
                            QuoteForMessage(commitment_id) + " is already verified");
  }
  const Date today = Today(session.clock());
  const Date on = verified_on.value_or(today);
  if (today < on) return Status::InvalidArgument("/verified_on: " + AfterTodayMessage(on, today));
  if (commitment.signed_on && on < *commitment.signed_on) {
    return Status::InvalidArgument("/verified_on: " + on.ToString() +
                                   " is before the commitment was signed (" +
                                   commitment.signed_on->ToString() + ")");
  }
  it->status = MeasureStatus::kVerifiedImplemented;
  it->verified_on = on;
  MARA_RETURN_IF_ERROR(store.Put(commitment));
  MARA_RETURN_IF_ERROR(AppendHistory(session, "measure verified", stored, commitment,
                                     "measure " + QuoteForMessage(measure_id)));
  MARA_RETURN_IF_ERROR(session.Audit({"", "commitment.measure.verify", "commitments", commitment_id,
                                      RecordJsonDigest(*stored), RecordJsonDigest(commitment)}));
  MARA_RETURN_IF_ERROR(tx.Commit());
  return commitment;
}

Status CreateStatement(Session& session, const Statement& statement) {
  return Create(session, statement);
}
Status UpdateStatement(Session& session, const Statement& statement, std::string_view if_version) {
  return Update(session, statement, if_version);
}

namespace {

template <typename T>
const T* FindByStateKey(const std::vector<T>& records, const std::string& key) {
  for (const T& r : records) {
    if (StateKey(r) == key) return &r;
  }
  return nullptr;
}

// The edition of the record for this principal; nullopt when the record
// does not exist or is hidden from it.
Result<std::optional<Edition>> EditionOfRecord(Session& session, const Bundle& registry,
                                               RegistryKind kind, const std::string& key) {
  auto of_party = [&](const std::string& party) -> std::optional<Edition> {
    return EditionFor(session, PartySituation(registry, party));
  };
  switch (kind) {
    case RegistryKind::kParty:
      if (const Party* p = FindParty(registry, key)) return of_party(p->id);
      break;
    case RegistryKind::kSource:
      if (const Source* s = FindByStateKey(registry.sources, key)) {
        const Edition edition = EditionFor(session, "");
        if (ShowsSource(edition, *s)) return std::optional<Edition>(edition);
      }
      break;
    case RegistryKind::kDesignation:
      if (const Designation* d = FindByStateKey(registry.designations, key))
        return of_party(d->party);
      break;
    case RegistryKind::kEngagement:
      if (const Engagement* e = FindByStateKey(registry.engagements, key))
        return of_party(e->party);
      break;
    case RegistryKind::kCommitment:
      if (const Commitment* c = FindByStateKey(registry.commitments, key))
        return of_party(c->party);
      break;
    case RegistryKind::kStatement:
      if (FindByStateKey(registry.statements, key))
        return std::optional<Edition>(EditionFor(session, ""));
      break;
  }
  return std::optional<Edition>();
}

}  // namespace

Result<Json> RegistryHistory(Session& session, RegistryKind kind, const std::string& key) {
  MARA_ASSIGN_OR_RETURN(Bundle registry, ReadRegistry(session));
  MARA_ASSIGN_OR_RETURN(std::optional<Edition> edition,
                        EditionOfRecord(session, registry, kind, key));
  if (!edition) {
    return Status::NotFound("no " + std::string(SingularName(kind)) + " " + QuoteForMessage(key));
  }
  MARA_ASSIGN_OR_RETURN(Json history, StoredHistory(session, kind, key));
  if (*edition == Edition::kPublic) {
    // Public readers learn what changed and when, not the values, the
    // people or the comments.
    for (Json& entry : history) {
      entry.erase("by");
      entry.erase("comment");
      for (Json& change : entry["changes"]) {
        change.erase("before");
        change.erase("after");
      }
    }
  }
  return Json{
      {"kind", std::string(CollectionName(kind))}, {"key", key}, {"history", std::move(history)}};
}

}  // namespace mara
