#include "service/audit.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "common/text.h"
#include "domain/model.h"
#include "security/encoding.h"
#include "security/trusted_keys.h"
#include "service/core.h"
#include "service/incidents.h"
#include "service/state_ledger.h"

namespace mara {
namespace {

std::string PinHint() {
  return "pin the installation's signing key where it was created (`mara audit pin`, which "
         "writes " +
         std::string(security::kTrustedKeysEnvVar) +
         " or ~/.config/mara/trusted-keys), or give the key with --public-key";
}

}  // namespace

Result<uint64_t> CheckpointEveryIn(Store& store) {
  MARA_ASSIGN_OR_RETURN(std::optional<std::string> text, store.GetMeta(kCheckpointEveryMeta));
  if (!text) return security::kDefaultCheckpointEvery;
  uint64_t every = 0;
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, every);
  if (ec != std::errc() || ptr != end || every < 1 || every > security::kMaxCheckpointEvery) {
    return Status::Corruption("the store's audit checkpoint interval " + QuoteForMessage(*text) +
                              " is not a number from 1 to " +
                              std::to_string(security::kMaxCheckpointEvery));
  }
  return every;
}

Result<security::AuditVerification> VerifyAudit(Session& session,
                                                const AuditVerifyOptions& options) {
  MARA_RETURN_IF_ERROR(session.Require(security::Operation::kReadAuditLog));
  std::vector<security::PublicKey> trusted = options.public_keys;
  if (trusted.empty()) {
    const std::string path = security::TrustedKeysPath();
    MARA_ASSIGN_OR_RETURN(trusted, security::ReadTrustedKeys(path));
    if (trusted.empty()) {
      return Status::NotFound(
          "no trusted audit key: the store's own key file is not trusted by "
          "itself; " +
          PinHint());
    }
  }
  StoreAuditSink sink(session.store());
  const security::AuditCheckpoint* anchor = options.anchor ? &*options.anchor : nullptr;
  MARA_ASSIGN_OR_RETURN(security::AuditVerification result,
                        security::VerifyAuditLog(sink, trusted, anchor));
  if (!result.ok() && result.problem->what.find("not trusted") != std::string::npos) {
    result.problem->what += " (" + PinHint() + ")";
  }
  if (!result.ok()) return result;
  // The chain holds: now the records against the state it recorded.
  MARA_ASSIGN_OR_RETURN(StateVerification state, VerifyState(session.store()));
  result.state_covered = state.covered;
  result.state_records = state.records;
  result.state_note = state.note;
  for (const StateFinding& f : state.findings) {
    result.state_findings.push_back(f.collection + " " + QuoteForMessage(f.id) + ": " + f.what);
  }
  if (state.more_findings > 0) {
    result.state_findings.push_back("... and " + std::to_string(state.more_findings) + " more");
  }
  if (state.ledger_problem) {
    result.problem = state.ledger_problem;
  } else if (!result.state_findings.empty()) {
    const size_t n = state.findings.size() + state.more_findings;
    result.problem = security::AuditProblem{
        0, std::to_string(n) + (n == 1 ? " record differs" : " records differ") +
               " from the state the chain recorded: " + result.state_findings.front() +
               (n > 1 ? " (and " + std::to_string(n - 1) + " more)" : "")};
  }
  return result;
}

Result<SignedAuditHead> ReadSignedHead(Session& session) {
  MARA_RETURN_IF_ERROR(session.Require(security::Operation::kReadAuditLog));
  return SignedHeadIn(session.store(), session.keys().signing_key->public_key());
}

Result<uint64_t> AuditHeadSeq(Session& session) {
  MARA_RETURN_IF_ERROR(session.Require(security::Operation::kReadAuditLog));
  MARA_ASSIGN_OR_RETURN(security::AuditHead head, session.store().GetAuditHead());
  return head.seq;
}

Result<SignedAuditHead> SignedHeadIn(Store& store, const security::PublicKey& key) {
  MARA_ASSIGN_OR_RETURN(security::AuditHead head, store.GetAuditHead());
  if (head.seq == 0) return Status::NotFound("the audit log is empty: there is no head to sign");
  MARA_ASSIGN_OR_RETURN(std::vector<security::AuditCheckpoint> checkpoints,
                        store.ListAuditCheckpoints());
  SignedAuditHead out;
  bool found = false;
  for (auto it = checkpoints.rbegin(); it != checkpoints.rend() && !found; ++it) {
    if (it->seq != head.seq || it->hash != head.hash || it->key_id != key.id) continue;
    auto message = security::CheckpointMessage(it->seq, it->hash, it->every);
    auto signature = security::FromBase64(it->signature, "checkpoint signature");
    if (message.ok() && signature.ok() && key.Verify(security::AsBytes(*message), *signature)) {
      out.checkpoint = *it;
      found = true;
    }
  }
  if (!found) {
    return Status::Corruption("the audit head (record " + std::to_string(head.seq) +
                              ") has no valid checkpoint signed with this store's key (run `mara "
                              "audit verify`)");
  }
  MARA_RETURN_IF_ERROR(store.ScanAuditRecords([&](const security::AuditRecord& r) -> Status {
    if (r.seq == head.seq) out.time_ms = r.time_ms;
    return Status::Ok();
  }));
  out.public_key = key.ToText();
  return out;
}

std::string SignedHeadJson(const SignedAuditHead& head) {
  nlohmann::ordered_json j;
  j["format"] = kAuditHeadFormat;
  j["seq"] = head.checkpoint.seq;
  j["hash"] = head.checkpoint.hash;
  j["time"] = security::FormatMillisUtc(head.time_ms);
  j["time_ms"] = head.time_ms;
  j["key_id"] = head.checkpoint.key_id;
  j["public_key"] = head.public_key;
  j["checkpoint_every"] = head.checkpoint.every;
  j["signature"] = head.checkpoint.signature;
  return j.dump(2) + "\n";
}

Result<SignedAuditHead> ParseSignedHead(std::string_view text, std::string_view origin) {
  const std::string where = std::string(origin);
  nlohmann::json j;
  if (!IsValidUtf8(text)) return Status::InvalidArgument(where + ": not valid UTF-8");
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    return Status::InvalidArgument(where + ": not JSON (expected a " +
                                   std::string(kAuditHeadFormat) + " file from `mara audit head`)");
  }
  // A mara-audit-head/1 file, or a JSON report whose metadata carries one.
  std::string prefix = "/";
  if (j.is_object() && j.value("format", "") != kAuditHeadFormat && j.contains("audit_head") &&
      j["audit_head"].is_object()) {
    j = nlohmann::json(j["audit_head"]);
    prefix = "/audit_head/";
  } else if (!j.is_object() || j.value("format", "") != kAuditHeadFormat) {
    return Status::InvalidArgument(where + ": /format must be \"" + std::string(kAuditHeadFormat) +
                                   "\" (or give a JSON report with /audit_head)");
  }
  SignedAuditHead head;
  auto text_field = [&](const char* name, std::string& out) -> Status {
    auto it = j.find(name);
    if (it == j.end() || !it->is_string()) {
      return Status::InvalidArgument(where + ": " + prefix + name + " must be a string");
    }
    out = it->get<std::string>();
    return Status::Ok();
  };
  auto number_field = [&](const char* name, uint64_t& out) -> Status {
    auto it = j.find(name);
    if (it == j.end() || !it->is_number_unsigned()) {
      return Status::InvalidArgument(where + ": " + prefix + name + " must be a whole number");
    }
    out = it->get<uint64_t>();
    return Status::Ok();
  };
  MARA_RETURN_IF_ERROR(number_field("seq", head.checkpoint.seq));
  MARA_RETURN_IF_ERROR(text_field("hash", head.checkpoint.hash));
  MARA_RETURN_IF_ERROR(text_field("key_id", head.checkpoint.key_id));
  MARA_RETURN_IF_ERROR(text_field("signature", head.checkpoint.signature));
  MARA_RETURN_IF_ERROR(number_field("checkpoint_every", head.checkpoint.every));
  if (auto it = j.find("public_key"); it != j.end() && it->is_string()) {
    head.public_key = it->get<std::string>();
  }
  if (head.checkpoint.hash.size() != 64 || !security::IsLowerHex(head.checkpoint.hash)) {
    return Status::InvalidArgument(where + ": " + prefix + "hash must be 64 lowercase hex digits");
  }
  if (auto it = j.find("time_ms"); it != j.end() && it->is_number_integer()) {
    head.time_ms = it->get<int64_t>();
  }
  return head;
}

Result<security::PublicKey> PinSigningKey(Session& session, const std::string& path) {
  MARA_RETURN_IF_ERROR(session.Require(security::Operation::kReadAuditLog));
  const security::PublicKey key = session.keys().signing_key->public_key();
  const std::string where = path.empty() ? security::TrustedKeysPath() : path;
  MARA_RETURN_IF_ERROR(security::TrustKey(where, key, "pinned for " + session.key_file()));
  return key;
}

Status SetCheckpointEvery(Session& session, uint64_t every) {
  MARA_RETURN_IF_ERROR(session.Require(security::Operation::kManageKeys));
  if (every < 1 || every > security::kMaxCheckpointEvery) {
    return Status::InvalidArgument("the checkpoint interval must be from 1 to " +
                                   std::to_string(security::kMaxCheckpointEvery) + " records");
  }
  Store& store = session.store();
  MARA_ASSIGN_OR_RETURN(uint64_t before, CheckpointEveryIn(store));
  Transaction tx(&store);
  MARA_RETURN_IF_ERROR(tx.Begin());
  MARA_RETURN_IF_ERROR(store.PutMeta(kCheckpointEveryMeta, std::to_string(every)));
  MARA_RETURN_IF_ERROR(session.Audit({"", std::string(security::kSettingsAction), "settings",
                                      std::string(security::kCheckpointEveryTarget),
                                      security::CheckpointEveryDigest(before),
                                      security::CheckpointEveryDigest(every)}));
  // The settings record is sealed at the old interval; the new one starts
  // with the next record.
  MARA_RETURN_IF_ERROR(session.ChangeCheckpointEvery(every));
  return tx.Commit();
}

Result<uint64_t> CheckpointEveryOf(Session& session) {
  MARA_RETURN_IF_ERROR(session.Require(security::Operation::kReadAuditLog));
  return CheckpointEveryIn(session.store());
}

Status ScanAuditLog(Session& session, uint64_t after_seq,
                    const std::function<Status(const security::AuditRecord&)>& visit) {
  MARA_RETURN_IF_ERROR(session.Require(security::Operation::kReadAuditLog));
  return session.store().ScanAuditRecords([&](const security::AuditRecord& r) -> Status {
    if (r.seq <= after_seq) return Status::Ok();
    return visit(r);
  });
}

namespace {

bool ActionMatches(std::string_view wanted, std::string_view action) {
  if (wanted.empty()) return true;
  if (wanted.back() == '*') return action.starts_with(wanted.substr(0, wanted.size() - 1));
  if (wanted.back() == '.') return action.starts_with(wanted);
  return action == wanted;
}

Status CheckFilter(std::string_view name, const std::string& value) {
  if (value.size() > 1024 || !IsValidUtf8(value)) {
    return Status::InvalidArgument(std::string(name) +
                                   ": at most 1024 bytes of UTF-8 text are allowed");
  }
  return Status::Ok();
}

// An incident's change made in Mara: these audit actions append an entry
// to its review history in the same transaction (service/incidents.cc).
bool IsIncidentChange(const security::AuditRecord& r) {
  return r.collection == "incidents" && r.action.starts_with("incident.");
}

// The history entry's action an incident's audit action appends.
std::string HistoryActionOf(std::string_view action) {
  if (action == "incident.create") return "created";
  if (action == "incident.edit") return "edited";
  if (action == "incident.verify") return "verified";
  if (action == "incident.return") return "returned";
  if (action == "incident.consent.restore") return "consent restored";
  if (action == "incident.consent.withdrawn") return "consent withdrawn";
  if (action.starts_with("incident.consent.")) return "consent changed";
  return "";
}

// Whether a history entry was written with the audit record: same action,
// same principal, and its time (whole seconds, taken just before the
// record's) is the record's second or the one before.
bool SameChange(const Json& entry, const security::AuditRecord& r) {
  if (!entry.is_object()) return false;
  if (entry.value("action", "") != HistoryActionOf(r.action)) return false;
  if (entry.contains("by") && entry.value("by", "") != r.principal) return false;
  const std::string at = entry.value("at", "");
  auto iso = [](int64_t ms) {
    std::string s = security::FormatMillisUtc(ms);
    if (const size_t dot = s.find('.'); dot != std::string::npos) s = s.substr(0, dot) + "Z";
    return s;
  };
  return at == iso(r.time_ms) || at == iso(r.time_ms - 1000);
}

}  // namespace

Result<AuditPage> ListAuditRecords(Session& session, const AuditQuery& query) {
  MARA_RETURN_IF_ERROR(session.Require(security::Operation::kReadAuditLog));
  if (query.limit < 1 || query.limit > kMaxAuditPage) {
    return Status::InvalidArgument("limit: expected 1 to " + std::to_string(kMaxAuditPage));
  }
  MARA_RETURN_IF_ERROR(CheckFilter("principal", query.principal));
  MARA_RETURN_IF_ERROR(CheckFilter("action", query.action));
  MARA_RETURN_IF_ERROR(CheckFilter("record", query.record));
  if (query.from && query.to && *query.to < *query.from) {
    return Status::InvalidArgument("from: " + query.from->ToString() + " is after to " +
                                   query.to->ToString());
  }
  constexpr int64_t kDay = 86'400'000;
  const int64_t from_ms =
      query.from ? query.from->DaysSinceEpoch() * kDay : std::numeric_limits<int64_t>::min();
  const int64_t to_ms =
      query.to ? (query.to->DaysSinceEpoch() + 1) * kDay : std::numeric_limits<int64_t>::max();

  AuditPage page;
  // The position of each incident change among its incident's changes, for
  // the page's records: the n-th change wrote the n-th history entry.
  std::map<std::string, size_t> changes_seen;
  std::vector<size_t> ordinal;  // per page item, when an incident change
  MARA_RETURN_IF_ERROR(session.store().ScanAuditRecords([&](const security::AuditRecord& r) {
    size_t n = 0;
    if (IsIncidentChange(r)) n = changes_seen[r.target_id]++;
    if (r.seq <= query.after_seq || page.next_after_seq) return Status::Ok();
    if (!query.principal.empty() && r.principal != query.principal) return Status::Ok();
    if (!ActionMatches(query.action, r.action)) return Status::Ok();
    if (!query.record.empty() && r.target_id.find(query.record) == std::string::npos) {
      return Status::Ok();
    }
    if (r.time_ms < from_ms || r.time_ms >= to_ms) return Status::Ok();
    if (page.items.size() == query.limit) {
      page.next_after_seq = page.items.back().record.seq;
      return Status::Ok();
    }
    page.items.push_back({r, std::nullopt});
    ordinal.push_back(n);
    return Status::Ok();
  }));

  std::map<std::string, std::optional<Json>> histories;
  for (size_t i = 0; i < page.items.size(); ++i) {
    AuditItem& item = page.items[i];
    if (!IsIncidentChange(item.record)) continue;
    auto it = histories.find(item.record.target_id);
    if (it == histories.end()) {
      MARA_ASSIGN_OR_RETURN(std::optional<Json> history,
                            IncidentHistoryForAudit(session, item.record.target_id));
      it = histories.emplace(item.record.target_id, std::move(history)).first;
    }
    if (!it->second) continue;
    const Json& history = *it->second;
    const Json* entry = nullptr;
    if (ordinal[i] < history.size() && SameChange(history[ordinal[i]], item.record)) {
      entry = &history[ordinal[i]];
    } else {
      // A store whose early changes kept no history: the first entry
      // written with this record.
      for (const Json& e : history) {
        if (SameChange(e, item.record)) {
          entry = &e;
          break;
        }
      }
    }
    if (entry != nullptr && entry->contains("changes")) item.changes = (*entry)["changes"];
  }
  return page;
}

Status RecordFailedLogin(Session& session, std::string_view typed_name, std::string_view reason) {
  if (std::find(std::begin(kLoginFailureReasons), std::end(kLoginFailureReasons), reason) ==
      std::end(kLoginFailureReasons)) {
    return Status::InvalidArgument("no failed-login reason " + QuoteForMessage(reason));
  }
  std::string principal(kUnknownPrincipal);
  if (IsValidId(typed_name)) {
    MARA_ASSIGN_OR_RETURN(std::optional<UserRecord> user,
                          session.store().GetUser(std::string(typed_name)));
    if (user) principal = user->name;
  }
  std::string why(reason);
  if (principal == kUnknownPrincipal && reason != kLoginLockedOut) why = kLoginUnknownName;
  return session.AppendStandalone(principal,
                                  {"", std::string(kLoginFailedAction), "session", why, "", ""});
}

}  // namespace mara
