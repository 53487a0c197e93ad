// NameMap: a map from names to small values (codes, offsets), for the hot
// lookups of a bulk write: the facts projection's name codes and the
// location tokens of the Sealer, each probed once or more per incident.
//
// Why: std::unordered_map<std::string, ...> costs a chain of dependent
// cache misses per probe (bucket, node, the key's heap bytes), which made
// these lookups about a tenth of an import's CPU time. Here a probe reads
// one 8-byte slot of an open-addressing table (a part of the hash stored
// in it, so a mismatch rarely touches the key) and then the key's bytes in
// an arena.
//
// Contract: keys are stored once, in insertion order, in chunks that never
// move: a string_view of a key or of a value kept as bytes (Bytes) stays
// valid until Clear() or TruncateTo() drops that entry. Not thread-safe.
#ifndef MARA_COMMON_NAME_MAP_H_
#define MARA_COMMON_NAME_MAP_H_

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

namespace mara {

template <typename V>
class NameMap {
 public:
  // The value stored for `key`, or nullptr.
  const V* Find(std::string_view key) const {
    if (slots_.empty()) return nullptr;
    const uint64_t h = Hash(key);
    const uint32_t tag = static_cast<uint32_t>(h >> 32);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.index == 0) return nullptr;
      if (s.tag == tag) {
        const Entry& e = entries_[s.index - 1];
        if (e.key == key) return &e.value;
      }
    }
  }

  // Adds `key`, which must be absent, and returns its stored value.
  const V& Insert(std::string_view key, V value) {
    if ((entries_.size() + 1) * 2 > slots_.size()) Grow();
    entries_.push_back({Store(key), std::move(value)});
    Place(static_cast<uint32_t>(entries_.size()));
    return entries_.back().value;
  }

  // Copies `bytes` into the arena (for values that are strings).
  std::string_view Bytes(std::string_view bytes) { return Store(bytes); }

  size_t size() const { return entries_.size(); }

  // Keeps the first `n` entries added, drops the rest (their arena bytes
  // stay until Clear()).
  void TruncateTo(size_t n) {
    if (n >= entries_.size()) return;
    entries_.resize(n);
    std::fill(slots_.begin(), slots_.end(), Slot{});
    for (uint32_t i = 1; i <= entries_.size(); ++i) Place(i);
  }

  void Clear() {
    entries_.clear();
    slots_.clear();
    mask_ = 0;
    chunks_.clear();
    used_ = kChunk;
  }

 private:
  struct Entry {
    std::string_view key;
    V value;
  };
  struct Slot {
    uint32_t tag = 0;
    uint32_t index = 0;  // 1-based into entries_; 0 is empty
  };
  static constexpr size_t kChunk = 64 << 10;

  static uint64_t Hash(std::string_view key) { return std::hash<std::string_view>{}(key); }

  std::string_view Store(std::string_view bytes) {
    if (bytes.empty()) return {};
    if (bytes.size() > kChunk / 4) {
      // A chunk of its own, placed before the one being filled.
      auto big = std::make_unique<char[]>(bytes.size());
      std::memcpy(big.get(), bytes.data(), bytes.size());
      const char* at = big.get();
      chunks_.insert(chunks_.empty() ? chunks_.end() : chunks_.end() - 1, std::move(big));
      return {at, bytes.size()};
    }
    if (used_ + bytes.size() > kChunk) {
      chunks_.push_back(std::make_unique<char[]>(kChunk));
      used_ = 0;
    }
    char* at = chunks_.back().get() + used_;
    std::memcpy(at, bytes.data(), bytes.size());
    used_ += bytes.size();
    return {at, bytes.size()};
  }

  void Place(uint32_t index) {
    const uint64_t h = Hash(entries_[index - 1].key);
    size_t i = h & mask_;
    while (slots_[i].index != 0) i = (i + 1) & mask_;
    slots_[i] = {static_cast<uint32_t>(h >> 32), index};
  }

  void Grow() {
    const size_t size = slots_.empty() ? 1024 : slots_.size() * 2;
    slots_.assign(size, Slot{});
    mask_ = size - 1;
    for (uint32_t i = 1; i <= entries_.size(); ++i) Place(i);
  }

  std::vector<Entry> entries_;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  std::vector<std::unique_ptr<char[]>> chunks_;
  size_t used_ = kChunk;
};

}  // namespace mara

#endif  // MARA_COMMON_NAME_MAP_H_
