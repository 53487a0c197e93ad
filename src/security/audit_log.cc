#include "security/audit_log.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <map>

#include "common/text.h"
#include "security/encoding.h"

namespace mara::security {
namespace {

constexpr size_t kHashBytes = 32;
constexpr std::string_view kRecordTag("mara-audit/1\0", 13);
constexpr std::string_view kRecordTagV2("mara-audit/2\0", 13);
constexpr std::string_view kCheckpointTag("mara-audit-checkpoint/1\0", 24);
constexpr std::string_view kCheckpointTagV2("mara-audit-checkpoint/2\0", 24);
constexpr std::string_view kEveryTag("mara-audit-checkpoint-every/1\0", 30);

void AppendU64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void AppendString(std::string& out, std::string_view s) {
  const uint32_t n = static_cast<uint32_t>(s.size());
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((n >> shift) & 0xff));
  out.append(s);
}

Status AppendHash(std::string& out, std::string_view hex, std::string_view what) {
  if (hex.size() != kHashBytes * 2 || !IsLowerHex(hex)) {
    return Status::Corruption(std::string(what) + " is not 64 lowercase hex digits");
  }
  std::array<uint8_t, kHashBytes> raw{};
  sodium_hex2bin(raw.data(), raw.size(), hex.data(), hex.size(), nullptr, nullptr, nullptr);
  out.append(reinterpret_cast<const char*>(raw.data()), raw.size());
  return Status::Ok();
}

Status CheckField(std::string_view name, std::string_view value, bool required) {
  if (required && value.empty())
    return Status::InvalidArgument("audit " + std::string(name) + " is empty");
  if (value.size() > kMaxAuditFieldBytes) {
    return Status::InvalidArgument("audit " + std::string(name) + " is longer than " +
                                   std::to_string(kMaxAuditFieldBytes) + " bytes");
  }
  size_t bad = 0;
  if (!IsValidUtf8(value, &bad)) {
    return Status::InvalidArgument("audit " + std::string(name) + " is not valid UTF-8 (byte " +
                                   std::to_string(bad) + ")");
  }
  return Status::Ok();
}

Status CheckDigest(std::string_view name, std::string_view value) {
  if (value.size() > 128 || !IsLowerHex(value)) {
    return Status::InvalidArgument("audit " + std::string(name) +
                                   " must be empty or up to 128 lowercase hex digits");
  }
  return Status::Ok();
}

}  // namespace

const std::string& AuditGenesisHash() {
  static const std::string genesis(kHashBytes * 2, '0');
  return genesis;
}

Result<std::string> EncodeAuditRecord(const AuditRecord& record) {
  std::string out;
  out.reserve(kRecordTag.size() + 16 + 6 * 4 + kHashBytes + record.principal.size() +
              record.action.size() + record.collection.size() + record.target_id.size() +
              record.before_digest.size() + record.after_digest.size());
  out.append(record.state_digest.empty() ? kRecordTag : kRecordTagV2);
  AppendU64(out, record.seq);
  AppendU64(out, static_cast<uint64_t>(record.time_ms));
  AppendString(out, record.principal);
  AppendString(out, record.action);
  AppendString(out, record.collection);
  AppendString(out, record.target_id);
  AppendString(out, record.before_digest);
  AppendString(out, record.after_digest);
  MARA_RETURN_IF_ERROR(AppendHash(out, record.prev_hash, "prev_hash"));
  if (!record.state_digest.empty()) {
    MARA_RETURN_IF_ERROR(AppendHash(out, record.state_digest, "state digest"));
  }
  return out;
}

Result<std::string> ComputeAuditHash(const AuditRecord& record) {
  EnsureSodium();
  MARA_ASSIGN_OR_RETURN(std::string encoded, EncodeAuditRecord(record));
  std::array<uint8_t, kHashBytes> digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(encoded.data()), encoded.size(),
                     nullptr, 0);
  return ToHex(digest);
}

Result<std::string> CheckpointMessage(uint64_t seq, std::string_view hash, uint64_t every) {
  std::string out(every == 0 ? kCheckpointTag : kCheckpointTagV2);
  AppendU64(out, seq);
  MARA_RETURN_IF_ERROR(AppendHash(out, hash, "checkpoint hash"));
  if (every != 0) AppendU64(out, every);
  return out;
}

AuditCheckpoint SignCheckpoint(uint64_t seq, std::string_view hash, uint64_t every,
                               const SigningKey& key) {
  AuditCheckpoint cp{seq, std::string(hash), key.id(), "", every};
  auto message = CheckpointMessage(seq, hash, every);
  // A hash that does not parse gets an empty signature, which never verifies.
  if (message.ok()) cp.signature = ToBase64(key.Sign(AsBytes(*message)));
  return cp;
}

std::string CheckpointEveryDigest(uint64_t every) {
  EnsureSodium();
  std::string message(kEveryTag);
  AppendU64(message, every);
  std::array<uint8_t, kHashBytes> digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                     nullptr, 0);
  return ToHex(digest);
}

Status MemoryAuditSink::Append(const AuditRecord& record) {
  if (record.seq != head_.seq + 1 || record.prev_hash != head_.hash) {
    return Status::Conflict("audit record " + std::to_string(record.seq) +
                            " does not extend the head (seq " + std::to_string(head_.seq) + ")");
  }
  records_.push_back(record);
  head_ = {record.seq, record.hash};
  return Status::Ok();
}

Status MemoryAuditSink::AppendCheckpoint(const AuditCheckpoint& checkpoint) {
  checkpoints_.push_back(checkpoint);
  return Status::Ok();
}

Result<AuditHead> MemoryAuditSink::Head() const { return head_; }

Status MemoryAuditSink::ScanRecords(const std::function<Status(const AuditRecord&)>& visit) const {
  for (const AuditRecord& record : records_) MARA_RETURN_IF_ERROR(visit(record));
  return Status::Ok();
}

Result<std::vector<AuditCheckpoint>> MemoryAuditSink::Checkpoints() const { return checkpoints_; }

Status ValidateAuditEntry(const AuditEntry& entry) {
  MARA_RETURN_IF_ERROR(CheckField("principal", entry.principal, true));
  MARA_RETURN_IF_ERROR(CheckField("action", entry.action, true));
  MARA_RETURN_IF_ERROR(CheckField("collection", entry.collection, false));
  MARA_RETURN_IF_ERROR(CheckField("target id", entry.target_id, false));
  MARA_RETURN_IF_ERROR(CheckDigest("before digest", entry.before_digest));
  MARA_RETURN_IF_ERROR(CheckDigest("after digest", entry.after_digest));
  if (!entry.state_digest.empty() &&
      (entry.state_digest.size() != kHashBytes * 2 || !IsLowerHex(entry.state_digest))) {
    return Status::InvalidArgument("audit state digest must be empty or 64 lowercase hex digits");
  }
  return Status::Ok();
}

Result<AuditRecord> AuditLog::Append(const AuditEntry& entry) {
  MARA_RETURN_IF_ERROR(ValidateAuditEntry(entry));
  MARA_ASSIGN_OR_RETURN(AuditHead head, sink_.Head());
  AuditRecord record;
  record.seq = head.seq + 1;
  record.time_ms = clock_.NowMillis();
  record.principal = entry.principal;
  record.action = entry.action;
  record.collection = entry.collection;
  record.target_id = entry.target_id;
  record.before_digest = entry.before_digest;
  record.after_digest = entry.after_digest;
  record.state_digest = entry.state_digest;
  record.prev_hash = head.hash;
  auto hash = ComputeAuditHash(record);
  if (!hash.ok()) return hash.status().WithPrefix("audit log head");
  record.hash = std::move(hash).value();
  MARA_RETURN_IF_ERROR(sink_.Append(record));
  const uint64_t every = std::max<uint64_t>(1, options_.checkpoint_every);
  if (record.seq % every == 0) {
    MARA_RETURN_IF_ERROR(
        sink_.AppendCheckpoint(SignCheckpoint(record.seq, record.hash, every, signer_)));
    last_checkpoint_seq_ = record.seq;
  }
  return record;
}

Status AuditLog::Checkpoint() {
  MARA_ASSIGN_OR_RETURN(AuditHead head, sink_.Head());
  if (head.seq == 0 || head.seq == last_checkpoint_seq_) return Status::Ok();
  const uint64_t every = std::max<uint64_t>(1, options_.checkpoint_every);
  MARA_RETURN_IF_ERROR(sink_.AppendCheckpoint(SignCheckpoint(head.seq, head.hash, every, signer_)));
  last_checkpoint_seq_ = head.seq;
  return Status::Ok();
}

Status AuditVerification::ToStatus() const {
  if (!problem) return Status::Ok();
  if (problem->seq == 0) return Status::Corruption("audit log: " + problem->what);
  return Status::Corruption("audit log record " + std::to_string(problem->seq) + ": " +
                            problem->what);
}

namespace {

// Checks a checkpoint's key and signature; returns the problem, if any.
std::optional<std::string> CheckCheckpoint(const AuditCheckpoint& cp,
                                           std::span<const PublicKey> trusted_keys) {
  const PublicKey* key = nullptr;
  for (const PublicKey& k : trusted_keys) {
    if (k.id == cp.key_id) key = &k;
  }
  if (key == nullptr) {
    return "checkpoint is signed by key " + QuoteForMessage(cp.key_id) + ", which is not trusted";
  }
  auto message = CheckpointMessage(cp.seq, cp.hash, cp.every);
  if (!message.ok()) return "checkpoint hash is not 64 lowercase hex digits";
  auto signature = FromBase64(cp.signature, "checkpoint signature");
  if (!signature.ok() || !key->Verify(AsBytes(*message), *signature)) {
    return "checkpoint signature does not verify with trusted key " + key->id +
           " (altered, or signed with another key)";
  }
  return std::nullopt;
}

}  // namespace

Result<AuditVerification> VerifyAuditLog(const AuditSink& sink,
                                         std::span<const PublicKey> trusted_keys,
                                         const AuditCheckpoint* anchor) {
  EnsureSodium();
  AuditVerification result;
  MARA_ASSIGN_OR_RETURN(AuditHead head, sink.Head());
  MARA_ASSIGN_OR_RETURN(std::vector<AuditCheckpoint> checkpoints, sink.Checkpoints());
  result.head_seq = head.seq;

  auto fail = [&result](uint64_t seq, std::string what) {
    if (!result.problem) result.problem = AuditProblem{seq, std::move(what)};
  };
  if (anchor != nullptr) {
    if (auto bad = CheckCheckpoint(*anchor, trusted_keys)) {
      fail(anchor->seq, "the anchored head does not verify: " + *bad);
      return result;
    }
  }

  // Every checkpoint is checked when the walk reaches its seq, so problems
  // are reported in seq order whichever kind they are.
  std::multimap<uint64_t, const AuditCheckpoint*> by_seq;
  for (const AuditCheckpoint& cp : checkpoints) by_seq.emplace(cp.seq, &cp);

  uint64_t expected = 1;
  std::string prev = AuditGenesisHash();
  uint64_t sealed = 0;  // the last record sealed by a valid checkpoint
  // The interval the chain set (its settings record's digest); none: the
  // default.
  std::optional<std::string> every_digest;
  // After a gap, the scan keeps reading seqs only, to tell a deleted record
  // from one stored out of order.
  std::optional<uint64_t> missing;
  uint64_t seen_after_gap = 0;
  bool missing_found_later = false;
  Status scan = sink.ScanRecords([&](const AuditRecord& r) -> Status {
    if (missing) {
      if (r.seq == *missing) missing_found_later = true;
      return Status::Ok();
    }
    if (result.problem) return Status::Ok();
    if (r.seq != expected) {
      if (r.seq > expected) {
        missing = expected;
        seen_after_gap = r.seq;
      } else {
        fail(r.seq, "out of order: stored after record " + std::to_string(expected - 1) +
                        " (reordered, duplicated or inserted)");
      }
      return Status::Ok();
    }
    if (r.prev_hash != prev) {
      fail(r.seq, "prev_hash does not match the hash of record " + std::to_string(r.seq - 1) +
                      " (inserted out of chain, or the chain was altered)");
      return Status::Ok();
    }
    auto hash = ComputeAuditHash(r);
    if (!hash.ok() || *hash != r.hash) {
      fail(r.seq, "content does not match its hash (a field was altered)");
      return Status::Ok();
    }
    if (anchor != nullptr && anchor->seq == r.seq) {
      if (anchor->hash != r.hash) {
        fail(r.seq,
             "differs from the anchored head kept outside the store (the chain was "
             "rewritten)");
        return Status::Ok();
      }
      result.anchor_checked = true;
    }
    auto [first, last] = by_seq.equal_range(r.seq);
    uint64_t limit = 0;  // the widest interval a valid checkpoint here allows
    for (auto it = first; it != last; ++it) {
      const AuditCheckpoint& cp = *it->second;
      if (auto bad = CheckCheckpoint(cp, trusted_keys)) {
        fail(r.seq, *bad);
        return Status::Ok();
      }
      if (cp.hash != r.hash) {
        fail(r.seq, "the signed checkpoint names a different hash (the chain was rewritten)");
        return Status::Ok();
      }
      if (cp.every != 0) {
        const bool as_set = every_digest ? CheckpointEveryDigest(cp.every) == *every_digest
                                         : cp.every == kDefaultCheckpointEvery;
        if (!as_set) {
          fail(r.seq, "the checkpoint signs an interval of " + std::to_string(cp.every) +
                          " records, which is not the interval the audit chain set (the "
                          "store's setting was changed outside Mara)");
          return Status::Ok();
        }
      }
      limit = std::max(limit, cp.every == 0 ? kLegacyCheckpointEvery : cp.every);
      ++result.checkpoints;
    }
    if (limit > 0) {
      if (r.seq - sealed > limit) {
        fail(sealed + 1, "no signed checkpoint seals records " + std::to_string(sealed + 1) +
                             " to " + std::to_string(r.seq - 1) + ", more than the interval of " +
                             std::to_string(limit) + " (checkpoints were deleted)");
        return Status::Ok();
      }
      sealed = r.seq;
    }
    if (r.action == kSettingsAction && r.collection == "settings" &&
        r.target_id == kCheckpointEveryTarget) {
      every_digest = r.after_digest;
    }
    prev = r.hash;
    ++result.records;
    ++expected;
    return Status::Ok();
  });
  MARA_RETURN_IF_ERROR(scan);
  if (missing) {
    fail(*missing, missing_found_later
                       ? "out of order: stored after record " + std::to_string(seen_after_gap) +
                             " (reordered)"
                       : "missing: record " + std::to_string(seen_after_gap) + " follows record " +
                             std::to_string(*missing - 1) + " (deleted)");
  }
  if (result.problem) return result;

  const uint64_t last = expected - 1;
  if (anchor != nullptr && anchor->seq > last) {
    fail(last + 1, "missing: the anchored head kept outside the store is record " +
                       std::to_string(anchor->seq) + " but the log ends at record " +
                       std::to_string(last) + " (truncated)");
    return result;
  }
  if (head.seq > last) {
    fail(last + 1, "missing: the head is record " + std::to_string(head.seq) +
                       " but the log ends at record " + std::to_string(last) + " (truncated)");
  } else if (head.seq < last) {
    fail(head.seq + 1,
         "beyond the head (record " + std::to_string(head.seq) + "): appended outside the log");
  } else if (head.hash != prev) {
    fail(last, "the head's hash does not match the last record");
  }
  if (result.problem) return result;
  for (const auto& [seq, cp] : by_seq) {
    if (seq == 0) {
      fail(0, "a checkpoint seals record 0, which cannot exist");
      break;
    }
    if (seq > last) {
      // Check the signature first: a forged checkpoint is not evidence of
      // truncation.
      if (auto bad = CheckCheckpoint(*cp, trusted_keys)) {
        fail(seq, *bad);
      } else {
        fail(last + 1, "missing: a signed checkpoint seals record " + std::to_string(seq) +
                           " but the log ends at record " + std::to_string(last) + " (truncated)");
      }
      break;
    }
  }
  if (result.problem) return result;
  if (last > sealed) {
    fail(sealed + 1, "the head (record " + std::to_string(last) +
                         ") is not sealed by a signed checkpoint: records " +
                         std::to_string(sealed + 1) + " to " + std::to_string(last) +
                         " are unsigned (checkpoints were deleted, or records were appended "
                         "outside Mara)");
  }
  return result;
}

}  // namespace mara::security
