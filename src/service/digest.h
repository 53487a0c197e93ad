// The data digest: one hash that identifies everything a store holds, so an
// assessment can say which data it was computed from (docs/formats.md §4).
//
// Definition. Every record of the twelve exported collections (situations,
// parties, sources, evidence, findings, commitments, decisions,
// designations, statements, engagements, petitions, incidents) and every
// communication (the export's "communications" member) is an
// element (collection, key, state digest), with the key and the state digest
// of the audit chain's state ledger (service/state_ledger.h), except
// incidents whose consent is withdrawn, which no export holds. The store's
// elements are summed in a lattice multiset hash (DigestAccumulator: 1,024
// 16-bit lanes added modulo 2^16), and the data digest is the lowercase hex
// BLAKE2b-256 of a tag and the lanes. The sum does not depend on order, so
// a write changes it by subtracting the record's old element and adding the
// new one, and `mara digest --bundle FILE` recomputes it from an export.
//
// Contract of DataDigest(store):
// - Returns the digest of what the store holds now (inside an open
//   transaction: with the transaction's writes).
// - Reads it from the accumulator the store keeps in meta
//   (kDataDigestStateKey), which LedgeredStore updates in the transaction of
//   every write; the accumulator carries the DataVersion it is current at.
//   When it is absent or stale (a store written before it existed, or
//   written around the service layer), the digest is recomputed from every
//   record and, on a writable store outside a transaction, stored, so it is
//   computed from scratch once. A read-only store (a replica) is never
//   written. Store failures come back unchanged.
// The Store is used from the calling thread only.
#ifndef MARA_SERVICE_DIGEST_H_
#define MARA_SERVICE_DIGEST_H_

#include <array>
#include <cstdint>
#include <future>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/model.h"

namespace mara {

class Store;

// The meta key of the accumulator: "2 <data version> <base64 lanes>".
inline constexpr std::string_view kDataDigestStateKey = "data_digest_state";

// A lattice multiset hash (LtHash with 1,024 lanes of 16 bits). An
// element's vector is the ChaCha20 (IETF, zero nonce) key stream of 2,048
// bytes under the key BLAKE2b-256("mara-data-element/1" || len||collection ||
// len||key || len||state digest), lengths as 4-byte big-endian, read as
// little-endian 16-bit lanes. Add and Remove are exact inverses and
// commute, so the value depends only on the multiset of elements.
class DigestAccumulator {
 public:
  static constexpr size_t kLanes = 1024;

  void Add(std::string_view collection, std::string_view key, std::string_view state_digest);
  void Remove(std::string_view collection, std::string_view key, std::string_view state_digest);
  void Clear() { lanes_.fill(0); }
  // Adds the elements summed in `other` (lane-wise).
  void Merge(const DigestAccumulator& other);

  // Lowercase hex BLAKE2b-256 of "mara-data-digest/2" followed by the lanes
  // as little-endian 16-bit words: the data digest.
  std::string Hex() const;

  // The lanes as base64 (2,048 bytes before encoding), and back; nullopt for
  // text that is not such an encoding.
  std::string Encode() const;
  static std::optional<DigestAccumulator> Decode(std::string_view text);

  bool operator==(const DigestAccumulator&) const = default;

 private:
  void Element(std::string_view collection, std::string_view key, std::string_view state_digest,
               std::array<uint16_t, kLanes>* out) const;
  std::array<uint16_t, kLanes> lanes_{};
};

// Sums elements on a second thread while the caller goes on, so a bulk
// write's elements are computed beside the store's own work: Add and Remove
// queue an element, and every kBatch queued elements are summed by one
// asynchronous task (one at a time). Settle() waits for the task, sums
// what is still queued on the calling thread and returns the sum of
// everything queued since the last Settle() or Clear(). Clear() waits and
// forgets. Used from one thread.
class ElementBatcher {
 public:
  static constexpr size_t kBatch = 4096;
  ElementBatcher() = default;
  ElementBatcher(const ElementBatcher&) = delete;
  ElementBatcher& operator=(const ElementBatcher&) = delete;
  ~ElementBatcher() { Clear(); }

  void Add(std::string_view collection, std::string_view key, std::string_view state_digest) {
    Queue(true, collection, key, state_digest);
  }
  void Remove(std::string_view collection, std::string_view key, std::string_view state_digest) {
    Queue(false, collection, key, state_digest);
  }
  DigestAccumulator Settle();
  void Clear();

 private:
  struct Op {
    bool add = true;
    std::string collection;
    std::string key;
    std::string digest;
  };
  void Queue(bool add, std::string_view collection, std::string_view key,
             std::string_view state_digest);
  static DigestAccumulator Sum(const std::vector<Op>& ops);

  std::vector<Op> queued_;
  std::future<DigestAccumulator> running_;
  DigestAccumulator settled_;  // sums of the tasks that have finished
};

// The accumulator as stored in meta, with the DataVersion it is current at.
struct StoredDigestState {
  int64_t data_version = 0;
  DigestAccumulator accumulator;
};
std::string EncodeDigestState(const StoredDigestState& state);
// nullopt for an absent or unreadable entry (it is then recomputed).
std::optional<StoredDigestState> DecodeDigestState(std::string_view text);

// Adds every record of `bundle` (registry and incidents) to `acc`: the
// digest of an export read back.
void AccumulateBundle(const Bundle& bundle, DigestAccumulator* acc);

// Recomputes the accumulator from every record the store holds
// (data_version left 0).
Result<StoredDigestState> RecomputeDigestState(Store& store);
Result<DigestAccumulator> RecomputeDigest(Store& store);

// The data digest of an exported bundle file (`mara export --format
// bundle`): equal to the store's DataDigest() when the file is its export.
// A file that is not a valid bundle is the reading error, naming the file
// and the record.
Result<std::string> BundleDataDigest(const std::string& path);

}  // namespace mara

#endif  // MARA_SERVICE_DIGEST_H_
