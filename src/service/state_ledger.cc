#include "service/state_ledger.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "common/text.h"
#include "domain/json_codec.h"
#include "security/encoding.h"

namespace mara {
namespace {

constexpr std::string_view kStateTag("mara-audit-state/1\0", 19);

std::string Text(const nlohmann::json& j, const char* field) {
  const auto it = j.find(field);
  if (it == j.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

template <typename T>
std::string JsonDigest(const T& v) {
  return Blake2bHex(ToJson(v).dump());
}

// The lowercase hex of a finished BLAKE2b-256.
std::string FinalHex(crypto_generichash_state* state) {
  std::array<uint8_t, crypto_generichash_BYTES> out{};
  crypto_generichash_final(state, out.data(), out.size());
  return security::ToHex(out);
}

void AddLength(crypto_generichash_state* state, std::string_view s) {
  const uint32_t n = static_cast<uint32_t>(s.size());
  const std::array<unsigned char, 4> be = {
      static_cast<unsigned char>(n >> 24), static_cast<unsigned char>(n >> 16),
      static_cast<unsigned char>(n >> 8), static_cast<unsigned char>(n)};
  crypto_generichash_update(state, be.data(), be.size());
  crypto_generichash_update(state, reinterpret_cast<const unsigned char*>(s.data()), s.size());
}

}  // namespace

std::string StateKey(const Situation& v) { return v.id; }
std::string StateKey(const Party& v) { return v.id; }
std::string StateKey(const Source& v) { return v.id; }
std::string StateKey(const EvidenceItem& v) { return v.id; }
std::string StateKey(const Finding& v) {
  return v.party + "/" + std::to_string(v.cycle) + "/" + v.source;
}
std::string StateKey(const Commitment& v) { return v.id; }
std::string StateKey(const Decision& v) { return v.party + "/" + std::to_string(v.cycle); }
std::string StateKey(const Designation& v) {
  const nlohmann::json j = ToJson(v);
  return v.party + "/" + v.authority + "/" + v.program + "/" + Text(j, "listed_on");
}
std::string StateKey(const Statement& v) { return v.id; }
std::string StateKey(const Engagement& v) {
  const nlohmann::json j = ToJson(v);
  return v.party + "/" + Text(j, "date") + "/" + Text(j, "kind");
}
std::string StateKey(const Petition& v) {
  const nlohmann::json j = ToJson(v);
  return v.party + "/" + Text(j, "filed");
}
std::string StateKey(const Incident& v) { return v.id; }
std::string StateKey(const Communication& v) { return v.id; }

std::string StateDigest(const Situation& v) { return JsonDigest(v); }
std::string StateDigest(const Party& v) { return JsonDigest(v); }
std::string StateDigest(const Source& v) { return JsonDigest(v); }
std::string StateDigest(const EvidenceItem& v) { return JsonDigest(v); }
std::string StateDigest(const Finding& v) { return JsonDigest(v); }
std::string StateDigest(const Commitment& v) { return JsonDigest(v); }
std::string StateDigest(const Decision& v) { return JsonDigest(v); }
std::string StateDigest(const Designation& v) { return JsonDigest(v); }
std::string StateDigest(const Statement& v) { return JsonDigest(v); }
std::string StateDigest(const Engagement& v) { return JsonDigest(v); }
std::string StateDigest(const Petition& v) { return JsonDigest(v); }
std::string StateDigest(const Communication& v) { return JsonDigest(v); }
// Incidents are the bulk of a store, so their digest is a streaming one over
// a length-prefixed binary encoding of every field (no JSON tree to build):
// an import of a million incidents spends no measurable time on it.
namespace {

// The encoding is gathered in one buffer and hashed in one call: the same
// bytes, so the same digest, as updating the hash field by field, without
// the cost of some fifty small updates per incident.
class FieldHasher {
 public:
  explicit FieldHasher(std::string_view tag) : buf_(Buffer()) {
    buf_.clear();
    Str(tag);
  }
  void Str(std::string_view s) {
    const uint32_t n = static_cast<uint32_t>(s.size());
    const char be[4] = {static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                        static_cast<char>(n >> 8), static_cast<char>(n)};
    buf_.append(be, 4);
    buf_.append(s);
  }
  void Int(int64_t v) {
    char be[8];
    for (int i = 0; i < 8; ++i) {
      be[i] = static_cast<char>(static_cast<uint64_t>(v) >> (56 - 8 * i));
    }
    buf_.append(be, 8);
  }
  void Flag(bool present) { Int(present ? 1 : 0); }
  void Real(double d) {
    uint64_t bits = 0;
    static_assert(sizeof bits == sizeof d);
    std::memcpy(&bits, &d, sizeof d);
    Int(static_cast<int64_t>(bits));
  }
  void Day(const Date& d) { Int(d.DaysSinceEpoch()); }
  // Enumerations by name, so the digest never depends on their order.
  template <typename E>
  void Enum(E e) {
    Str(ToString(e));
  }
  std::string Hex() {
    std::array<uint8_t, crypto_generichash_BYTES> out{};
    crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(buf_.data()),
                       buf_.size(), nullptr, 0);
    return security::ToHex(out);
  }

 private:
  // One per thread, reused digest after digest.
  static std::string& Buffer() {
    static thread_local std::string buffer;
    return buffer;
  }
  std::string& buf_;
};

}  // namespace

std::string StateDigest(const Incident& v) {
  FieldHasher h("mara-incident-state/1");
  h.Str(v.id);
  h.Str(v.situation);
  h.Day(v.date);
  h.Enum(v.date_precision);
  h.Str(v.location.name);
  h.Flag(v.location.admin1.has_value());
  if (v.location.admin1) h.Str(*v.location.admin1);
  h.Flag(v.location.lat.has_value());
  if (v.location.lat) h.Real(*v.location.lat);
  h.Flag(v.location.lon.has_value());
  if (v.location.lon) h.Real(*v.location.lon);
  h.Int(static_cast<int64_t>(v.violations.size()));
  for (Violation x : v.violations) h.Enum(x);
  for (int64_t n :
       {v.victims.women, v.victims.girls, v.victims.men, v.victims.boys, v.victims.unknown}) {
    h.Int(n);
  }
  h.Enum(v.context);
  h.Int(static_cast<int64_t>(v.nexus.size()));
  for (Nexus x : v.nexus) h.Enum(x);
  h.Enum(v.status);
  h.Flag(v.verified_on.has_value());
  if (v.verified_on) h.Day(*v.verified_on);
  h.Int(static_cast<int64_t>(v.perpetrators.size()));
  for (const Attribution& a : v.perpetrators) {
    h.Str(a.party);
    h.Enum(a.standard);
  }
  h.Int(static_cast<int64_t>(v.sources.size()));
  for (const std::string& src : v.sources) h.Str(src);
  h.Flag(v.narrative.has_value());
  if (v.narrative) h.Str(*v.narrative);
  h.Enum(v.consent);
  return h.Hex();
}
std::string StateDigest(const UserRecord& v) {
  nlohmann::json j;
  j["name"] = v.name;
  j["password_hash"] = v.password_hash;
  j["roles"] = v.roles;
  j["situations"] = v.situations;
  j["disabled"] = v.disabled;
  j["created_at"] = v.created_at;
  // Only when set, so the states of principals without one keep the digests
  // the chain recorded before principals had languages.
  if (!v.language.empty()) j["language"] = v.language;
  return Blake2bHex(j.dump());
}
std::string StateDigest(const NameReview& v) {
  nlohmann::json j;
  j["id"] = v.id;
  j["origin"] = v.origin;
  j["query"] = v.query;
  j["provisional_party"] = v.provisional_party;
  j["candidates"] = v.candidates;
  j["reason"] = v.reason;
  j["status"] = v.status;
  j["resolved_party"] = v.resolved_party;
  j["decided_by"] = v.decided_by;
  j["decided_at"] = v.decided_at;
  // Only when given, so entries ledgered before notes existed keep their digest.
  if (!v.note.empty()) j["note"] = v.note;
  return Blake2bHex(j.dump());
}

// ---------------------------------------------------------------- digester

void StateDigester::Reset() {
  crypto_generichash_init(&state_, nullptr, 0, crypto_generichash_BYTES);
  crypto_generichash_update(&state_, reinterpret_cast<const unsigned char*>(kStateTag.data()),
                            kStateTag.size());
  count_ = 0;
}

void StateDigester::Add(std::string_view collection, std::string_view id, std::string_view digest) {
  AddLength(&state_, collection);
  AddLength(&state_, id);
  AddLength(&state_, digest);
  ++count_;
}

std::string StateDigester::Finish() {
  std::string hex = FinalHex(&state_);
  Reset();
  return hex;
}

const std::string& EmptyStateDigest() {
  static const std::string empty = StateDigester().Finish();
  return empty;
}

// ---------------------------------------------------------------- store

Status LedgeredStore::Begin() {
  Drop();
  return inner_.Begin();
}

Status LedgeredStore::Commit() {
  if (digester_.count() > 0) {
    const uint64_t unaudited = digester_.count();
    inner_.Rollback();
    Drop();
    return Status::Corruption("a transaction wrote " + std::to_string(unaudited) +
                              " record(s) without an audit record; nothing was stored");
  }
  Status s = StoreDigest();
  if (!s.ok()) {
    inner_.Rollback();
    Drop();
    return s;
  }
  if (change_log_ == nullptr || !inner_.PendingDataChange()) {
    Drop();
    return inner_.Commit();
  }
  std::shared_ptr<DataChange> change = change_ ? change_ : std::make_shared<DataChange>();
  const bool digest_kept = digest_mode_ == DigestMode::kMaintained;
  const StoredDigestState stored = digest_;
  Drop();
  change_log_->Committing();
  s = inner_.Commit();
  const int64_t version = s.ok() ? inner_.CommittedVersion() : 0;
  if (version == 0) {
    change_log_->Committed(nullptr);
    return s;
  }
  change->version = version;
  // The accumulator was stored under the version read when the transaction
  // began; a concurrent commit in between makes it another version's.
  if (digest_kept && stored.data_version + 1 == version) {
    change->data_digest = stored.accumulator.Hex();
  }
  change_log_->Committed(std::move(change));
  return s;
}

DataChange& LedgeredStore::PendingChange() {
  if (!change_) change_ = std::make_shared<DataChange>();
  return *change_;
}

void LedgeredStore::NoteChange(std::string_view collection) {
  if (change_log_ == nullptr) return;
  PendingChange().collections.emplace(collection);
}

Status LedgeredStore::StoreDigest() {
  // A commit that bumps the data version moves the accumulator to the new
  // version, whether or not its writes were exported records.
  if (!inner_.PendingDataChange()) return Status::Ok();
  MARA_RETURN_IF_ERROR(LoadDigest());
  if (digest_mode_ != DigestMode::kMaintained) return Status::Ok();
  digest_.accumulator.Merge(elements_.Settle());
  StoredDigestState next = digest_;
  next.data_version += 1;
  return inner_.PutMeta(kDataDigestStateKey, EncodeDigestState(next));
}

Status LedgeredStore::LoadDigest() {
  if (digest_mode_ != DigestMode::kUnread) return Status::Ok();
  if (!inner_.InTransaction()) {
    return Status::InvalidArgument("the data digest is maintained inside a transaction only");
  }
  MARA_ASSIGN_OR_RETURN(int64_t version, inner_.DataVersion());
  MARA_ASSIGN_OR_RETURN(std::optional<std::string> text, inner_.GetMeta(kDataDigestStateKey));
  digest_mode_ = DigestMode::kStale;
  if (text) {
    std::optional<StoredDigestState> state = DecodeDigestState(*text);
    if (state && state->data_version == version) {
      digest_ = *state;
      digest_mode_ = DigestMode::kMaintained;
    }
    return Status::Ok();
  }
  // No accumulator yet: a store without records starts from zero.
  MARA_ASSIGN_OR_RETURN(CollectionCounts counts, inner_.Counts());
  for (int64_t n : counts.counts) {
    if (n != 0) return Status::Ok();
  }
  digest_ = StoredDigestState{version, DigestAccumulator()};
  digest_mode_ = DigestMode::kMaintained;
  return Status::Ok();
}

Result<std::optional<DigestAccumulator>> LedgeredStore::PendingDigest() {
  if (!inner_.InTransaction()) return std::optional<DigestAccumulator>();
  MARA_RETURN_IF_ERROR(LoadDigest());
  if (digest_mode_ != DigestMode::kMaintained) return std::optional<DigestAccumulator>();
  digest_.accumulator.Merge(elements_.Settle());
  return std::optional<DigestAccumulator>(digest_.accumulator);
}

Result<std::optional<std::string>> LedgeredStore::PreviousDigest(std::string_view collection,
                                                                 std::string_view key) {
  MARA_RETURN_IF_ERROR(LoadDigest());
  if (digest_mode_ != DigestMode::kMaintained) return std::optional<std::string>();
  MARA_ASSIGN_OR_RETURN(std::optional<std::string> latest, LatestStateDigest(collection, key));
  return std::optional<std::string>(latest.value_or(""));
}

void LedgeredStore::Track(std::string_view collection, std::string_view key,
                          const std::optional<std::string>& before, std::string_view after) {
  if (!before || digest_mode_ != DigestMode::kMaintained) return;
  if (!before->empty()) elements_.Remove(collection, key, *before);
  if (!after.empty()) elements_.Add(collection, key, after);
}

void LedgeredStore::Rollback() {
  Drop();
  inner_.Rollback();
}

void LedgeredStore::Drop() {
  seq_.reset();
  ord_ = 0;
  digest_mode_ = DigestMode::kUnread;
  elements_.Clear();
  digester_.Reset();
  pending_.clear();
  change_.reset();
}

Status LedgeredStore::Note(std::string_view collection, std::string id, std::string digest) {
  if (!seq_) {
    MARA_ASSIGN_OR_RETURN(security::AuditHead head, inner_.GetAuditHead());
    seq_ = head.seq + 1;
    ord_ = 0;
  }
  digester_.Add(collection, id, digest);
  pending_.push_back({*seq_, ord_++, std::string(collection), std::move(id), std::move(digest)});
  if (pending_.size() >= kStateFlushEntries) return Flush();
  return Status::Ok();
}

Status LedgeredStore::Flush() {
  if (pending_.empty()) return Status::Ok();
  Status s = inner_.AppendStateEntries(pending_);
  pending_.clear();
  return s;
}

Result<std::pair<std::string, uint64_t>> LedgeredStore::TakeStateDigest() {
  MARA_RETURN_IF_ERROR(Flush());
  const uint64_t seq = digester_.count() > 0 ? seq_.value_or(0) : 0;
  std::string digest = digester_.Finish();
  seq_.reset();
  ord_ = 0;
  return std::make_pair(std::move(digest), seq);
}

Result<PutOutcome> LedgeredStore::PutIncident(const Incident& v, int64_t import_id) {
  return PutIncidentReplacing(v, import_id, nullptr);
}

Result<PutOutcome> LedgeredStore::PutIncidentReplacing(const Incident& v, int64_t import_id,
                                                       std::optional<Incident>* replaced) {
  PreparedIncident prepared;
  MARA_RETURN_IF_ERROR(PrepareIncident(v, &prepared));
  return PutPreparedIncident(v, prepared, import_id, replaced);
}

Status LedgeredStore::PrepareIncident(const Incident& v, PreparedIncident* out) const {
  MARA_RETURN_IF_ERROR(inner_.PrepareIncident(v, out));
  out->state_digest = StateDigest(v);
  return Status::Ok();
}

Result<PutOutcome> LedgeredStore::PutPreparedIncident(const Incident& v,
                                                      const PreparedIncident& prepared,
                                                      int64_t import_id,
                                                      std::optional<Incident>* replaced) {
  MARA_RETURN_IF_ERROR(LoadDigest());
  const bool track = digest_mode_ == DigestMode::kMaintained;
  std::optional<Incident> old;
  MARA_ASSIGN_OR_RETURN(
      PutOutcome outcome,
      inner_.PutPreparedIncident(
          v, prepared, import_id,
          track || replaced != nullptr || change_log_ != nullptr ? &old : nullptr));
  if (outcome == PutOutcome::kDuplicateInImport) return outcome;
  if (change_log_ != nullptr) {
    DataChange& change = PendingChange();
    if (change.complete && change.incidents.size() < DataChangeLog::kMaxIncidents) {
      IncidentChange c;
      if (outcome == PutOutcome::kUpdated && old) c.before = TrimmedForChanges(*old);
      c.after = TrimmedForChanges(v);
      change.incidents.push_back(std::move(c));
    } else {
      change.complete = false;
      change.incidents.clear();
    }
  }
  std::string digest = prepared.state_digest;
  if (track) {
    // An inserted incident had no element, nor had a withdrawn one.
    std::optional<std::string> before("");
    if (outcome == PutOutcome::kUpdated && old && old->consent != Consent::kWithdrawn) {
      before = StateDigest(*old);
    }
    Track("incidents", v.id, before, v.consent == Consent::kWithdrawn ? std::string() : digest);
  }
  MARA_RETURN_IF_ERROR(Note("incidents", v.id, std::move(digest)));
  if (replaced != nullptr) *replaced = std::move(old);
  return outcome;
}

Status LedgeredStore::DeleteDecision(std::string_view party, int cycle) {
  std::string key = std::string(party) + "/" + std::to_string(cycle);
  MARA_ASSIGN_OR_RETURN(std::optional<std::string> before, PreviousDigest("decisions", key));
  MARA_RETURN_IF_ERROR(inner_.DeleteDecision(party, cycle));
  Track("decisions", key, before, "");
  NoteChange("decisions");
  return Note("decisions", std::move(key), "");
}

Status LedgeredStore::PutCommunication(const Communication& v) {
  std::string key = StateKey(v);
  std::string digest = StateDigest(v);
  MARA_ASSIGN_OR_RETURN(std::optional<std::string> before, PreviousDigest("communications", key));
  MARA_RETURN_IF_ERROR(inner_.PutCommunication(v));
  Track("communications", key, before, digest);
  return Note("communications", std::move(key), std::move(digest));
}

Result<int64_t> LedgeredStore::PutNameReview(const NameReview& v) {
  MARA_ASSIGN_OR_RETURN(int64_t id, inner_.PutNameReview(v));
  NameReview stored = v;
  stored.id = id;
  MARA_RETURN_IF_ERROR(Note("name_reviews", std::to_string(id), StateDigest(stored)));
  return id;
}

bool IsLedgeredMeta(std::string_view key) {
  for (std::string_view prefix : kLedgeredMetaPrefixes) {
    if (key.starts_with(prefix)) return true;
  }
  return false;
}

Status LedgeredStore::PutMeta(std::string_view key, std::string_view value) {
  MARA_RETURN_IF_ERROR(inner_.PutMeta(key, value));
  if (!IsLedgeredMeta(key)) return Status::Ok();
  return Note("meta", std::string(key), Blake2bHex(value));
}

Status LedgeredStore::PutUser(const UserRecord& user) {
  MARA_RETURN_IF_ERROR(inner_.PutUser(user));
  return Note("users", user.name, StateDigest(user));
}

namespace {

// Calls `visit(collection, id, digest)` for every record the store holds.
Status ForEachRecord(
    Store& store,
    const std::function<Status(std::string_view, const std::string&, const std::string&)>& visit) {
  MARA_ASSIGN_OR_RETURN(Bundle registry, store.LoadRegistry());
  auto all = [&](const auto& records, std::string_view collection) -> Status {
    for (const auto& v : records)
      MARA_RETURN_IF_ERROR(visit(collection, StateKey(v), StateDigest(v)));
    return Status::Ok();
  };
  MARA_RETURN_IF_ERROR(all(registry.situations, "situations"));
  MARA_RETURN_IF_ERROR(all(registry.parties, "parties"));
  MARA_RETURN_IF_ERROR(all(registry.sources, "sources"));
  MARA_RETURN_IF_ERROR(all(registry.evidence, "evidence"));
  MARA_RETURN_IF_ERROR(all(registry.findings, "findings"));
  MARA_RETURN_IF_ERROR(all(registry.commitments, "commitments"));
  MARA_RETURN_IF_ERROR(all(registry.decisions, "decisions"));
  MARA_RETURN_IF_ERROR(all(registry.designations, "designations"));
  MARA_RETURN_IF_ERROR(all(registry.statements, "statements"));
  MARA_RETURN_IF_ERROR(all(registry.engagements, "engagements"));
  MARA_RETURN_IF_ERROR(all(registry.petitions, "petitions"));
  MARA_ASSIGN_OR_RETURN(std::vector<Communication> communications, store.ListCommunications());
  MARA_RETURN_IF_ERROR(all(communications, "communications"));
  MARA_ASSIGN_OR_RETURN(std::vector<UserRecord> users, store.ListUsers());
  for (const UserRecord& u : users) MARA_RETURN_IF_ERROR(visit("users", u.name, StateDigest(u)));
  for (std::string_view prefix : kLedgeredMetaPrefixes) {
    MARA_ASSIGN_OR_RETURN(auto ledgered_meta, store.ListMeta(prefix));
    for (const auto& [key, value] : ledgered_meta) {
      MARA_RETURN_IF_ERROR(visit("meta", key, Blake2bHex(value)));
    }
  }
  MARA_ASSIGN_OR_RETURN(std::vector<NameReview> reviews, store.ListNameReviews());
  for (const NameReview& r : reviews) {
    MARA_RETURN_IF_ERROR(visit("name_reviews", std::to_string(r.id), StateDigest(r)));
  }
  return store.ScanIncidents(
      [&](const Incident& v) -> Status { return visit("incidents", StateKey(v), StateDigest(v)); });
}

}  // namespace

Status LedgeredStore::LedgerEverything() {
  // Collected first: the store is not written to while it is being scanned.
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>> all;
  MARA_RETURN_IF_ERROR(ForEachRecord(
      inner_, [&](std::string_view collection, const std::string& id, const std::string& digest) {
        all.push_back({std::string(collection), {id, digest}});
        return Status::Ok();
      }));
  for (auto& [collection, record] : all) {
    MARA_RETURN_IF_ERROR(Note(collection, std::move(record.first), std::move(record.second)));
  }
  return Status::Ok();
}

// ---------------------------------------------------------------- verify

Result<StateVerification> VerifyState(Store& store) {
  StateVerification out;
  std::map<uint64_t, std::string> digests;  // covered records' state digests
  uint64_t first_covered = 0;
  std::string first_action;
  std::optional<security::AuditProblem> problem;
  auto flag = [&problem](uint64_t seq, std::string what) {
    if (!problem) problem = security::AuditProblem{seq, std::move(what)};
  };
  MARA_RETURN_IF_ERROR(store.ScanAuditRecords([&](const security::AuditRecord& r) -> Status {
    if (r.state_digest.empty()) {
      if (first_covered != 0) {
        flag(r.seq, "it carries no state digest, though the chain covers the state from record " +
                        std::to_string(first_covered));
      }
      return Status::Ok();
    }
    if (first_covered == 0) {
      first_covered = r.seq;
      first_action = r.action;
    } else if (r.action == kStateBaselineAction) {
      flag(r.seq,
           "a second state baseline (the first is record " + std::to_string(first_covered) + ")");
    }
    digests.emplace(r.seq, r.state_digest);
    return Status::Ok();
  }));
  if (first_covered == 0) {
    out.note =
        "the chain records no state yet (a store from before state coverage: any write "
        "command records a baseline)";
    return out;
  }
  if (first_covered > 1 && first_action != kStateBaselineAction) {
    out.note = "the chain's state coverage begins at record " + std::to_string(first_covered) +
               " without a baseline of the records written before it";
    return out;
  }
  out.covered = true;
  out.since_seq = first_covered;

  struct Latest {
    std::string digest;
    uint64_t seq = 0;
  };
  std::unordered_map<std::string, Latest> latest;
  auto key_of = [](std::string_view collection, std::string_view id) {
    std::string k(collection);
    k.push_back('\0');
    k.append(id);
    return k;
  };
  StateDigester digester;
  uint64_t group = 0;
  uint64_t next_ord = 0;
  std::map<uint64_t, bool> seen;
  auto close_group = [&]() {
    if (group == 0) return;
    const std::string got = digester.Finish();
    auto it = digests.find(group);
    if (it == digests.end()) {
      flag(group, "the state ledger holds entries for it, but the record carries no state digest");
    } else if (it->second != got) {
      flag(group,
           "its entries in the state ledger were altered (their digest is not the one the "
           "record carries)");
    }
    seen[group] = true;
  };
  MARA_RETURN_IF_ERROR(store.ScanStateEntries([&](const StateEntry& e) -> Status {
    if (e.seq != group) {
      close_group();
      group = e.seq;
      next_ord = 0;
    }
    if (e.ord != next_ord) {
      flag(e.seq, "its state ledger entry " + std::to_string(next_ord) + " is missing");
      next_ord = e.ord;
    }
    ++next_ord;
    digester.Add(e.collection, e.id, e.digest);
    latest[key_of(e.collection, e.id)] = Latest{e.digest, e.seq};
    ++out.entries;
    return Status::Ok();
  }));
  close_group();
  for (const auto& [seq, digest] : digests) {
    if (!seen.count(seq) && digest != EmptyStateDigest()) {
      flag(seq, "its entries in the state ledger were deleted");
    }
  }
  out.ledger_problem = problem;

  std::vector<StateFinding> findings;
  auto find = [&](std::string_view collection, const std::string& id, std::string what) {
    if (findings.size() < kMaxStateFindings) {
      findings.push_back({std::string(collection), id, std::move(what)});
    } else {
      ++out.more_findings;
    }
  };
  MARA_RETURN_IF_ERROR(ForEachRecord(store, [&](std::string_view collection, const std::string& id,
                                                const std::string& digest) {
    ++out.records;
    auto it = latest.find(key_of(collection, id));
    if (it == latest.end()) {
      find(collection, id, "inserted outside the chain: no audited change wrote it");
      return Status::Ok();
    }
    if (it->second.digest.empty()) {
      find(collection, id,
           "inserted outside the chain: record " + std::to_string(it->second.seq) + " deleted it");
    } else if (it->second.digest != digest) {
      find(collection, id,
           "edited outside the chain: it differs from the state record " +
               std::to_string(it->second.seq) + " wrote");
    }
    latest.erase(it);
    return Status::Ok();
  }));
  std::vector<std::pair<std::string, Latest>> gone;
  for (auto& [key, value] : latest) {
    if (!value.digest.empty()) gone.emplace_back(key, value);
  }
  std::sort(gone.begin(), gone.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [key, value] : gone) {
    const size_t nul = key.find('\0');
    find(key.substr(0, nul), key.substr(nul + 1),
         "deleted outside the chain: record " + std::to_string(value.seq) +
             " wrote it and no audited change removed it");
  }
  // What the store derives from the records (the assessment's projection of
  // the incidents, references between records) must agree with them.
  MARA_ASSIGN_OR_RETURN(std::string integrity, store.IntegrityCheck());
  if (integrity != "ok") {
    size_t start = 0;
    while (start < integrity.size()) {
      size_t end = integrity.find('\n', start);
      if (end == std::string::npos) end = integrity.size();
      find("store", "integrity",
           "derived data disagrees with the records: " + integrity.substr(start, end - start));
      start = end + 1;
    }
  }
  std::stable_sort(findings.begin(), findings.end(), [](const auto& a, const auto& b) {
    return std::tie(a.collection, a.id) < std::tie(b.collection, b.id);
  });
  out.findings = std::move(findings);
  return out;
}

Status WriteStateBaseline(LedgeredStore& store,
                          const std::function<Status(security::AuditEntry)>& audit) {
  MARA_ASSIGN_OR_RETURN(std::optional<std::string> since, store.GetMeta(kStateCoverageMeta));
  if (since && !since->empty()) return Status::Ok();
  MARA_ASSIGN_OR_RETURN(bool read_only, store.ReadOnly());
  if (read_only) return Status::Ok();
  MARA_ASSIGN_OR_RETURN(security::AuditHead head, store.GetAuditHead());
  if (head.seq == 0) return Status::Ok();  // the first record begins coverage
  uint64_t first_covered = 0;
  MARA_RETURN_IF_ERROR(store.ScanAuditRecords([&](const security::AuditRecord& r) -> Status {
    if (first_covered == 0 && !r.state_digest.empty()) first_covered = r.seq;
    return Status::Ok();
  }));
  Transaction tx(&store);
  MARA_RETURN_IF_ERROR(tx.Begin());
  if (first_covered == 0) {
    MARA_RETURN_IF_ERROR(store.LedgerEverything());
    MARA_ASSIGN_OR_RETURN(security::AuditHead now, store.GetAuditHead());
    first_covered = now.seq + 1;
    MARA_RETURN_IF_ERROR(audit({"", std::string(kStateBaselineAction), "", "", "", "", ""}));
  }
  MARA_RETURN_IF_ERROR(store.PutMeta(kStateCoverageMeta, std::to_string(first_covered)));
  return tx.Commit();
}

}  // namespace mara
