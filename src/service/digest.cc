#include "service/digest.h"

#include <sodium.h>

#include <charconv>
#include <cstring>

#include "domain/json_codec.h"
#include "ingest/bundle.h"
#include "security/encoding.h"
#include "service/core.h"
#include "service/state_ledger.h"
#include "storage/store.h"

namespace mara {
namespace {

constexpr std::string_view kElementTag = "mara-data-element/1";
constexpr std::string_view kDigestTag = "mara-data-digest/2";
constexpr std::string_view kStateFormat = "2";

void AddLengthPrefixed(crypto_generichash_state* state, std::string_view s) {
  const uint32_t n = static_cast<uint32_t>(s.size());
  const unsigned char be[4] = {static_cast<unsigned char>(n >> 24),
                               static_cast<unsigned char>(n >> 16),
                               static_cast<unsigned char>(n >> 8), static_cast<unsigned char>(n)};
  crypto_generichash_update(state, be, sizeof be);
  crypto_generichash_update(state, reinterpret_cast<const unsigned char*>(s.data()), s.size());
}

}  // namespace

void DigestAccumulator::Element(std::string_view collection, std::string_view key,
                                std::string_view state_digest,
                                std::array<uint16_t, kLanes>* out) const {
  crypto_generichash_state h;
  crypto_generichash_init(&h, nullptr, 0, crypto_stream_chacha20_ietf_KEYBYTES);
  crypto_generichash_update(&h, reinterpret_cast<const unsigned char*>(kElementTag.data()),
                            kElementTag.size());
  AddLengthPrefixed(&h, collection);
  AddLengthPrefixed(&h, key);
  AddLengthPrefixed(&h, state_digest);
  unsigned char stream_key[crypto_stream_chacha20_ietf_KEYBYTES];
  crypto_generichash_final(&h, stream_key, sizeof stream_key);
  const unsigned char nonce[crypto_stream_chacha20_ietf_NONCEBYTES] = {};
  unsigned char bytes[kLanes * 2];
  crypto_stream_chacha20_ietf(bytes, sizeof bytes, nonce, stream_key);
  for (size_t i = 0; i < kLanes; ++i) {
    (*out)[i] = static_cast<uint16_t>(bytes[2 * i] | (bytes[2 * i + 1] << 8));
  }
}

void DigestAccumulator::Add(std::string_view collection, std::string_view key,
                            std::string_view state_digest) {
  std::array<uint16_t, kLanes> e;
  Element(collection, key, state_digest, &e);
  for (size_t i = 0; i < kLanes; ++i) lanes_[i] = static_cast<uint16_t>(lanes_[i] + e[i]);
}

void DigestAccumulator::Remove(std::string_view collection, std::string_view key,
                               std::string_view state_digest) {
  std::array<uint16_t, kLanes> e;
  Element(collection, key, state_digest, &e);
  for (size_t i = 0; i < kLanes; ++i) lanes_[i] = static_cast<uint16_t>(lanes_[i] - e[i]);
}

void DigestAccumulator::Merge(const DigestAccumulator& other) {
  for (size_t i = 0; i < kLanes; ++i) {
    lanes_[i] = static_cast<uint16_t>(lanes_[i] + other.lanes_[i]);
  }
}

void ElementBatcher::Queue(bool add, std::string_view collection, std::string_view key,
                           std::string_view state_digest) {
  queued_.push_back({add, std::string(collection), std::string(key), std::string(state_digest)});
  if (queued_.size() < kBatch) return;
  if (running_.valid()) settled_.Merge(running_.get());
  running_ = std::async(std::launch::async | std::launch::deferred,
                        [ops = std::move(queued_)] { return Sum(ops); });
  queued_ = {};
}

DigestAccumulator ElementBatcher::Sum(const std::vector<Op>& ops) {
  DigestAccumulator sum;
  for (const Op& op : ops) {
    if (op.add) {
      sum.Add(op.collection, op.key, op.digest);
    } else {
      sum.Remove(op.collection, op.key, op.digest);
    }
  }
  return sum;
}

DigestAccumulator ElementBatcher::Settle() {
  if (running_.valid()) settled_.Merge(running_.get());
  DigestAccumulator out = settled_;
  out.Merge(Sum(queued_));
  queued_.clear();
  settled_.Clear();
  return out;
}

void ElementBatcher::Clear() {
  if (running_.valid()) running_.wait();
  running_ = {};
  queued_.clear();
  settled_.Clear();
}

namespace {

std::array<uint8_t, DigestAccumulator::kLanes * 2> LaneBytes(
    const std::array<uint16_t, DigestAccumulator::kLanes>& lanes) {
  std::array<uint8_t, DigestAccumulator::kLanes * 2> bytes{};
  for (size_t i = 0; i < lanes.size(); ++i) {
    bytes[2 * i] = static_cast<uint8_t>(lanes[i] & 0xff);
    bytes[2 * i + 1] = static_cast<uint8_t>(lanes[i] >> 8);
  }
  return bytes;
}

}  // namespace

std::string DigestAccumulator::Hex() const {
  const auto bytes = LaneBytes(lanes_);
  crypto_generichash_state h;
  crypto_generichash_init(&h, nullptr, 0, crypto_generichash_BYTES);
  crypto_generichash_update(&h, reinterpret_cast<const unsigned char*>(kDigestTag.data()),
                            kDigestTag.size());
  crypto_generichash_update(&h, bytes.data(), bytes.size());
  std::array<uint8_t, crypto_generichash_BYTES> out{};
  crypto_generichash_final(&h, out.data(), out.size());
  return security::ToHex(out);
}

std::string DigestAccumulator::Encode() const { return security::ToBase64(LaneBytes(lanes_)); }

std::optional<DigestAccumulator> DigestAccumulator::Decode(std::string_view text) {
  auto bytes = security::FromBase64(text, "data digest state");
  if (!bytes.ok() || bytes->size() != kLanes * 2) return std::nullopt;
  DigestAccumulator acc;
  for (size_t i = 0; i < kLanes; ++i) {
    acc.lanes_[i] = static_cast<uint16_t>((*bytes)[2 * i] | ((*bytes)[2 * i + 1] << 8));
  }
  return acc;
}

std::string EncodeDigestState(const StoredDigestState& state) {
  return std::string(kStateFormat) + " " + std::to_string(state.data_version) + " " +
         state.accumulator.Encode();
}

std::optional<StoredDigestState> DecodeDigestState(std::string_view text) {
  const size_t a = text.find(' ');
  if (a == std::string_view::npos || text.substr(0, a) != kStateFormat) return std::nullopt;
  const size_t b = text.find(' ', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  StoredDigestState out;
  const std::string_view version = text.substr(a + 1, b - a - 1);
  auto [end, ec] =
      std::from_chars(version.data(), version.data() + version.size(), out.data_version);
  if (ec != std::errc() || end != version.data() + version.size()) return std::nullopt;
  std::optional<DigestAccumulator> acc = DigestAccumulator::Decode(text.substr(b + 1));
  if (!acc) return std::nullopt;
  out.accumulator = *acc;
  return out;
}

namespace {

template <typename T>
void AddAll(const std::vector<T>& records, std::string_view collection, DigestAccumulator* acc) {
  for (const T& v : records) acc->Add(collection, StateKey(v), StateDigest(v));
}

void AccumulateRegistry(const Bundle& b, DigestAccumulator* acc) {
  AddAll(b.situations, "situations", acc);
  AddAll(b.parties, "parties", acc);
  AddAll(b.sources, "sources", acc);
  AddAll(b.evidence, "evidence", acc);
  AddAll(b.findings, "findings", acc);
  AddAll(b.commitments, "commitments", acc);
  AddAll(b.decisions, "decisions", acc);
  AddAll(b.designations, "designations", acc);
  AddAll(b.statements, "statements", acc);
  AddAll(b.engagements, "engagements", acc);
  AddAll(b.petitions, "petitions", acc);
}

}  // namespace

void AccumulateBundle(const Bundle& bundle, DigestAccumulator* acc) {
  AccumulateRegistry(bundle, acc);
  for (const Incident& v : bundle.incidents) {
    if (v.consent != Consent::kWithdrawn) acc->Add("incidents", StateKey(v), StateDigest(v));
  }
}

Result<StoredDigestState> RecomputeDigestState(Store& store) {
  StoredDigestState out;
  MARA_ASSIGN_OR_RETURN(Bundle registry, store.LoadRegistry());
  AccumulateRegistry(registry, &out.accumulator);
  MARA_ASSIGN_OR_RETURN(std::vector<Communication> communications, store.ListCommunications());
  AddAll(communications, "communications", &out.accumulator);
  MARA_RETURN_IF_ERROR(store.ScanIncidents([&out](const Incident& v) {
    if (v.consent != Consent::kWithdrawn) {
      out.accumulator.Add("incidents", StateKey(v), StateDigest(v));
    }
    return Status::Ok();
  }));
  return out;
}

Result<DigestAccumulator> RecomputeDigest(Store& store) {
  MARA_ASSIGN_OR_RETURN(StoredDigestState state, RecomputeDigestState(store));
  return state.accumulator;
}

Result<std::string> BundleDataDigest(const std::string& path) {
  std::string bytes;
  MARA_ASSIGN_OR_RETURN(Json document, ReadBundleFile(path, &bytes));
  Result<DecodedBundle> decoded = DecodeBundle(document, /*keep_going=*/false);
  if (!decoded.ok()) return decoded.status().WithPrefix(path);
  DigestAccumulator acc;
  AccumulateBundle(decoded->bundle, &acc);
  AddAll(decoded->communications, "communications", &acc);
  return acc.Hex();
}

Result<std::string> DataDigest(Store& store) {
  // Inside a transaction the ledgered store holds the accumulator with the
  // transaction's writes.
  if (auto* ledgered = dynamic_cast<LedgeredStore*>(&store)) {
    MARA_ASSIGN_OR_RETURN(std::optional<DigestAccumulator> pending, ledgered->PendingDigest());
    if (pending) return pending->Hex();
  }
  MARA_ASSIGN_OR_RETURN(int64_t version, store.DataVersion());
  MARA_ASSIGN_OR_RETURN(std::optional<std::string> text, store.GetMeta(kDataDigestStateKey));
  if (text) {
    std::optional<StoredDigestState> state = DecodeDigestState(*text);
    if (state && state->data_version == version) return state->accumulator.Hex();
  }
  // Absent or stale: recompute. Outside a transaction the scan is checked
  // against the data version, so a commit that lands during it is not
  // stored as current.
  MARA_ASSIGN_OR_RETURN(StoredDigestState state, RecomputeDigestState(store));
  if (store.InTransaction()) return state.accumulator.Hex();
  MARA_ASSIGN_OR_RETURN(bool read_only, store.ReadOnly());
  if (read_only) return state.accumulator.Hex();
  Transaction tx(&store);
  MARA_RETURN_IF_ERROR(tx.Begin());
  MARA_ASSIGN_OR_RETURN(int64_t now, store.DataVersion());
  if (now != version) {
    // Data changed during the scan: compute again inside the transaction,
    // where nothing else can write.
    MARA_ASSIGN_OR_RETURN(state, RecomputeDigestState(store));
  }
  state.data_version = now;
  MARA_RETURN_IF_ERROR(store.PutMeta(kDataDigestStateKey, EncodeDigestState(state)));
  MARA_RETURN_IF_ERROR(tx.Commit());
  return state.accumulator.Hex();
}

}  // namespace mara
