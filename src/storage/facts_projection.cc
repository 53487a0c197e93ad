#include "storage/facts_projection.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "common/text.h"

namespace mara {
namespace {

// A bucket blob is its records followed by an 8-byte little-endian checksum
// of them, so damage is found rather than decoded into plausible facts.
// Record layout (records sorted by id, no separators):
//   varint id length, id bytes, varint zigzag(day since 1970-01-01),
//   byte status | consent << 4, varint violation count, varint nexus count,
//   varint situation code, varint location code, varint perpetrator count,
//   then per perpetrator: varint party code, byte standard.

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool GetVarint(std::string_view& in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    const auto byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

bool GetByte(std::string_view& in, uint8_t* b) {
  if (in.empty()) return false;
  *b = static_cast<uint8_t>(in.front());
  in.remove_prefix(1);
  return true;
}

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

struct Perpetrator {
  uint32_t party = 0;
  uint8_t standard = 0;
};

// One decoded record; `whole` spans its bytes in the blob.
struct Raw {
  std::string_view whole;
  std::string_view id;
  int64_t day = 0;
  uint8_t status = 0;
  uint8_t consent = 0;
  uint64_t violations = 0;
  uint64_t nexus = 0;
  uint64_t situation = 0;
  uint64_t location = 0;
  std::vector<Perpetrator> perpetrators;
};

bool Decode(std::string_view& in, Raw* r) {
  const std::string_view start = in;
  uint64_t len = 0, day = 0, n = 0;
  uint8_t flags = 0;
  if (!GetVarint(in, &len) || len == 0 || len > in.size()) return false;
  r->id = in.substr(0, len);
  in.remove_prefix(len);
  if (!GetVarint(in, &day) || !GetByte(in, &flags) || !GetVarint(in, &r->violations) ||
      !GetVarint(in, &r->nexus) || !GetVarint(in, &r->situation) || !GetVarint(in, &r->location) ||
      !GetVarint(in, &n) || n > in.size()) {
    return false;
  }
  r->day = UnZigZag(day);
  r->status = flags & 0x0f;
  r->consent = flags >> 4;
  r->perpetrators.clear();
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t party = 0;
    uint8_t standard = 0;
    if (!GetVarint(in, &party) || party > UINT32_MAX || !GetByte(in, &standard)) return false;
    r->perpetrators.push_back({static_cast<uint32_t>(party), standard});
  }
  r->whole = start.substr(0, start.size() - in.size());
  return true;
}

// FNV-1a: the integrity check's per-record fingerprint (not adversarial).
class Fingerprint {
 public:
  void Add(std::string_view s) {
    Add(static_cast<uint64_t>(s.size()));
    for (char c : s) Mix(static_cast<uint8_t>(c));
  }
  void Add(uint64_t v) {
    for (int i = 0; i < 8; ++i) Mix(static_cast<uint8_t>(v >> (8 * i)));
  }
  uint64_t value() const { return h_; }

 private:
  void Mix(uint8_t b) { h_ = (h_ ^ b) * 0x100000001b3ULL; }
  uint64_t h_ = 0xcbf29ce484222325ULL;
};

uint64_t FingerprintOf(const IncidentFacts& f) {
  Fingerprint fp;
  fp.Add(f.id);
  fp.Add(f.situation);
  fp.Add(static_cast<uint64_t>(f.date.DaysSinceEpoch()));
  fp.Add(static_cast<uint64_t>(f.status));
  fp.Add(static_cast<uint64_t>(f.consent));
  fp.Add(static_cast<uint64_t>(f.violation_count));
  fp.Add(static_cast<uint64_t>(f.nexus_count));
  fp.Add(f.location_name);
  fp.Add(static_cast<uint64_t>(f.perpetrators.size()));
  for (const FactAttribution& a : f.perpetrators) {
    fp.Add(a.party);
    fp.Add(static_cast<uint64_t>(a.standard));
  }
  return fp.value();
}

// A word at a time: the scan checks every blob, and bytewise hashing of the
// whole projection would cost more than decoding it.
uint64_t Checksum(std::string_view bytes) {
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ bytes.size();
  size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, bytes.data() + i, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdULL;
    h ^= h >> 32;
  }
  for (; i < bytes.size(); ++i) h = (h ^ static_cast<uint8_t>(bytes[i])) * 0x100000001b3ULL;
  h ^= h >> 29;
  return h;
}

constexpr size_t kChecksumBytes = 8;

void AppendChecksum(std::string& blob) {
  uint64_t sum = Checksum(blob);
  for (size_t i = 0; i < kChecksumBytes; ++i) blob.push_back(static_cast<char>(sum >> (8 * i)));
}

// The records of a stored blob, or false when its checksum does not match.
bool RecordsOf(std::string_view blob, std::string_view* records) {
  if (blob.size() < kChecksumBytes) return false;
  *records = blob.substr(0, blob.size() - kChecksumBytes);
  uint64_t stored = 0;
  for (size_t i = 0; i < kChecksumBytes; ++i) {
    stored |= static_cast<uint64_t>(static_cast<uint8_t>(blob[records->size() + i])) << (8 * i);
  }
  return stored == Checksum(*records);
}

struct BucketSummary {
  uint64_t count = 0;
  uint64_t sum = 0;
};

}  // namespace

Status FactsTables::CodeNames(std::span<const std::string_view> names,
                              std::vector<int64_t>* codes) {
  codes->clear();
  for (std::string_view name : names) {
    MARA_ASSIGN_OR_RETURN(int64_t code, FindName(name));
    if (code == 0) {
      MARA_ASSIGN_OR_RETURN(code, InsertName(name));
    }
    codes->push_back(code);
  }
  return Status::Ok();
}

uint32_t FactsProjection::BucketOf(std::string_view id) {
  // FNV-1a over the bytes, then a finalizer so that ids differing only in
  // their last characters spread over every bucket. Part of the stored
  // format: changing it needs a rebuild of every projection.
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : id) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ULL;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return static_cast<uint32_t>(h % kBuckets);
}

Result<bool> FactsProjection::Ready() {
  MARA_ASSIGN_OR_RETURN(std::optional<std::string> value, db_.GetMeta(kMetaKey));
  return value && *value == format_;
}

Result<uint32_t> FactsProjection::CodeFor(std::string_view name) {
  if (const uint32_t* code = codes_.Find(name)) return *code;
  MARA_ASSIGN_OR_RETURN(int64_t code, db_.FindName(name));
  if (code == 0) {
    MARA_ASSIGN_OR_RETURN(code, db_.InsertName(name));
  }
  if (code <= 0 || code > UINT32_MAX) {
    return Status::Corruption(db_.Where() + ": fact_names code " + std::to_string(code) + " for " +
                              QuoteForMessage(name) + " is out of range");
  }
  return codes_.Insert(name, static_cast<uint32_t>(code));
}

Status FactsProjection::CodeNames(std::span<const std::string_view> names) {
  std::vector<std::string_view> missing;
  NameMap<bool> seen;
  for (std::string_view name : names) {
    if (codes_.Find(name) != nullptr || seen.Find(name) != nullptr) continue;
    seen.Insert(name, true);
    missing.push_back(name);
  }
  if (missing.empty()) return Status::Ok();
  std::vector<int64_t> codes;
  MARA_RETURN_IF_ERROR(db_.CodeNames(missing, &codes));
  if (codes.size() != missing.size()) {
    return Status::Corruption(db_.Where() + ": fact_names gave " + std::to_string(codes.size()) +
                              " codes for " + std::to_string(missing.size()) + " names");
  }
  for (size_t i = 0; i < missing.size(); ++i) {
    if (codes[i] <= 0 || codes[i] > UINT32_MAX) {
      return Status::Corruption(db_.Where() + ": fact_names code " + std::to_string(codes[i]) +
                                " for " + QuoteForMessage(missing[i]) + " is out of range");
    }
    codes_.Insert(missing[i], static_cast<uint32_t>(codes[i]));
  }
  return Status::Ok();
}

Status FactsProjection::Stage(const IncidentFacts& f) {
  MARA_ASSIGN_OR_RETURN(uint32_t situation, CodeFor(f.situation));
  MARA_ASSIGN_OR_RETURN(uint32_t location, CodeFor(f.location_name));
  party_codes_.clear();
  for (const FactAttribution& a : f.perpetrators) {
    MARA_ASSIGN_OR_RETURN(uint32_t party, CodeFor(a.party));
    party_codes_.push_back(party);
  }
  return Append(f, situation, location);
}

Result<bool> FactsProjection::StageIfCoded(const IncidentFacts& f) {
  const uint32_t* situation = codes_.Find(f.situation);
  const uint32_t* location = codes_.Find(f.location_name);
  if (situation == nullptr || location == nullptr) return false;
  party_codes_.clear();
  for (const FactAttribution& a : f.perpetrators) {
    const uint32_t* party = codes_.Find(a.party);
    if (party == nullptr) return false;
    party_codes_.push_back(*party);
  }
  MARA_RETURN_IF_ERROR(Append(f, *situation, *location));
  return true;
}

Status FactsProjection::Append(const IncidentFacts& f, uint32_t situation, uint32_t location) {
  if (staged_.capacity() < flush_bytes_) staged_.reserve(flush_bytes_ + (64u << 10));
  std::string& out = staged_;
  const size_t before = out.size();
  PutVarint(out, f.id.size());
  out.append(f.id);
  PutVarint(out, ZigZag(f.date.DaysSinceEpoch()));
  out.push_back(
      static_cast<char>(static_cast<uint8_t>(f.status) | static_cast<uint8_t>(f.consent) << 4));
  PutVarint(out, f.violation_count);
  PutVarint(out, f.nexus_count);
  PutVarint(out, situation);
  PutVarint(out, location);
  PutVarint(out, f.perpetrators.size());
  for (size_t i = 0; i < f.perpetrators.size(); ++i) {
    PutVarint(out, party_codes_[i]);
    out.push_back(static_cast<char>(f.perpetrators[i].standard));
  }
  staged_index_.push_back(
      {BucketOf(f.id), static_cast<uint32_t>(before), static_cast<uint32_t>(out.size() - before)});
  staged_bytes_ += out.size() - before;
  if (staged_bytes_ > flush_bytes_) {
    MARA_ASSIGN_OR_RETURN(bool spilled, SpillStaged());
    if (!spilled) return Flush();
  }
  return Status::Ok();
}

void FactsProjection::GroupStaged(std::vector<uint32_t>* order,
                                  std::vector<uint32_t>* starts) const {
  starts->assign(kBuckets + 1, 0);
  for (const StagedRecord& r : staged_index_) ++(*starts)[r.bucket + 1];
  for (uint32_t b = 0; b < kBuckets; ++b) (*starts)[b + 1] += (*starts)[b];
  std::vector<uint32_t> next(starts->begin(), starts->end() - 1);
  order->resize(staged_index_.size());
  for (uint32_t i = 0; i < staged_index_.size(); ++i) {
    (*order)[next[staged_index_[i].bucket]++] = i;
  }
}

void FactsProjection::ClearStaged() {
  staged_.clear();
  staged_index_.clear();
  staged_bytes_ = 0;
}

void FactsProjection::CloseSpill() {
  spill_.reset();
  spill_size_ = 0;
  runs_.clear();
}

Result<bool> FactsProjection::SpillStaged() {
  if (!spill_) {
    if (spill_unavailable_) return false;
    spill_.reset(std::tmpfile());
    if (!spill_) {
      // No temporary directory: merge into the buckets at each bound.
      spill_unavailable_ = true;
      return false;
    }
    spill_size_ = 0;
  }
  std::vector<uint32_t> order, starts;
  GroupStaged(&order, &starts);
  std::vector<uint64_t> offsets(kBuckets + 1);
  uint64_t at = spill_size_;
  uint32_t k = 0;
  for (uint32_t b = 0; b < kBuckets; ++b) {
    offsets[b] = at;
    for (; k < starts[b + 1]; ++k) {
      const StagedRecord& r = staged_index_[order[k]];
      if (std::fwrite(staged_.data() + r.offset, 1, r.size, spill_.get()) != r.size) {
        CloseSpill();
        return Status::IOError(db_.Where() +
                               ": cannot write the facts projection's temporary file (" +
                               std::strerror(errno) + ")");
      }
      at += r.size;
    }
  }
  offsets[kBuckets] = at;
  spill_size_ = at;
  runs_.push_back(std::move(offsets));
  ClearStaged();
  return true;
}

Status FactsProjection::Flush() {
  if (staged_index_.empty() && runs_.empty()) return Status::Ok();
  std::vector<uint32_t> order, starts;
  GroupStaged(&order, &starts);
  if (spill_ && std::fflush(spill_.get()) != 0) {
    CloseSpill();
    return Status::IOError(db_.Where() + ": cannot write the facts projection's temporary file (" +
                           std::strerror(errno) + ")");
  }
  std::vector<std::string_view> records;
  std::string spilled;
  Raw raw;
  for (uint32_t bucket = 0; bucket < kBuckets; ++bucket) {
    records.clear();
    spilled.clear();
    // The runs in the order they were written, then the arena: the order
    // of writes, so that a later write of the same id wins.
    for (const std::vector<uint64_t>& run : runs_) {
      const uint64_t size = run[bucket + 1] - run[bucket];
      if (size == 0) continue;
      const size_t at = spilled.size();
      spilled.resize(at + size);
      const ssize_t got =
          pread(fileno(spill_.get()), spilled.data() + at, size, static_cast<off_t>(run[bucket]));
      if (got != static_cast<ssize_t>(size)) {
        CloseSpill();
        return Status::IOError(db_.Where() + ": cannot read the facts projection's temporary file");
      }
    }
    for (std::string_view in = spilled; !in.empty();) {
      if (!Decode(in, &raw)) {
        CloseSpill();
        return Status::IOError(db_.Where() +
                               ": the facts projection's temporary file reads back damaged");
      }
      records.push_back(raw.whole);
    }
    for (uint32_t k = starts[bucket]; k < starts[bucket + 1]; ++k) {
      const StagedRecord& r = staged_index_[order[k]];
      records.push_back(std::string_view(staged_).substr(r.offset, r.size));
    }
    if (records.empty()) continue;
    MARA_RETURN_IF_ERROR(MergeBucket(bucket, records));
  }
  ClearStaged();
  CloseSpill();
  return Status::Ok();
}

void FactsProjection::Committed() {
  committed_codes_ = codes_.size();
  std::string().swap(staged_);
  std::vector<StagedRecord>().swap(staged_index_);
  staged_bytes_ = 0;
  CloseSpill();
}

void FactsProjection::Discard() {
  std::string().swap(staged_);
  std::vector<StagedRecord>().swap(staged_index_);
  staged_bytes_ = 0;
  CloseSpill();
  codes_.TruncateTo(committed_codes_);
}

Status FactsProjection::MergeBucket(uint32_t bucket, const std::vector<std::string_view>& staged) {
  auto damaged = [&](std::string_view what) {
    return Status::Corruption(
        db_.Where() + ": facts projection bucket " + std::to_string(bucket) + " is damaged (" +
        std::string(what) +
        "); `mara audit verify` names the damage, and a restore from backup mends it");
  };
  // Staged records in id order; a later write of the same id wins.
  std::vector<std::pair<std::string_view, std::string_view>> fresh;
  Raw raw;
  size_t staged_size = 0;
  for (std::string_view record : staged) {
    std::string_view in = record;
    if (!Decode(in, &raw) || !in.empty()) return damaged("a staged record does not decode");
    fresh.emplace_back(raw.id, raw.whole);
    staged_size += record.size();
  }
  std::stable_sort(fresh.begin(), fresh.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string merged;
  std::string existing;
  {
    MARA_ASSIGN_OR_RETURN(std::optional<std::string> blob, db_.ReadBucket(bucket));
    if (blob) {
      std::string_view records;
      if (!RecordsOf(*blob, &records)) return damaged("its checksum does not match");
      existing.assign(records);
    }
  }
  merged.reserve(existing.size() + staged_size);
  std::string_view old = existing;
  bool have_old = false;
  auto next_old = [&]() -> Status {
    have_old = !old.empty();
    if (have_old && !Decode(old, &raw)) return damaged("a stored record does not decode");
    return Status::Ok();
  };
  MARA_RETURN_IF_ERROR(next_old());
  for (size_t i = 0; i < fresh.size(); ++i) {
    if (i + 1 < fresh.size() && fresh[i + 1].first == fresh[i].first) continue;
    while (have_old && raw.id < fresh[i].first) {
      merged.append(raw.whole);
      MARA_RETURN_IF_ERROR(next_old());
    }
    if (have_old && raw.id == fresh[i].first) MARA_RETURN_IF_ERROR(next_old());
    merged.append(fresh[i].second);
  }
  while (have_old) {
    merged.append(raw.whole);
    MARA_RETURN_IF_ERROR(next_old());
  }
  AppendChecksum(merged);
  return db_.WriteBucket(bucket, merged);
}

Status FactsProjection::Rebuild(const ScanFn& scan_rows) {
  Discard();
  MARA_RETURN_IF_ERROR(db_.ClearBuckets());
  MARA_RETURN_IF_ERROR(scan_rows([this](const IncidentFacts& f) { return Stage(f); }));
  MARA_RETURN_IF_ERROR(Flush());
  return db_.PutMeta(kMetaKey, format_);
}

Status FactsProjection::LoadNames(std::vector<std::string>* names) {
  names->clear();
  return db_.ForEachName([&](int64_t code, std::string_view name) -> Status {
    // Codes are dense unless a rollback left gaps; a huge gap means damage.
    if (code <= 0 || code > static_cast<int64_t>(names->size()) + (1 << 20)) {
      return Status::Corruption(db_.Where() + ": fact_names code " + std::to_string(code) +
                                " is out of range");
    }
    names->resize(std::max<size_t>(names->size(), static_cast<size_t>(code) + 1));
    (*names)[static_cast<size_t>(code)] = std::string(name);
    return Status::Ok();
  });
}

Status FactsProjection::DecodeBucket(uint32_t bucket, std::string_view blob,
                                     const std::vector<std::string>& names, const FactsFn& fn) {
  auto damaged = [&](std::string_view what) {
    return Status::Corruption(
        db_.Where() + ": facts projection bucket " + std::to_string(bucket) + " is damaged (" +
        std::string(what) +
        "); `mara audit verify` names the damage, and a restore from backup mends it");
  };
  auto name = [&](uint64_t code, std::string_view* out) {
    if (code == 0 || code >= names.size()) return false;
    *out = names[code];
    return true;
  };
  if (!RecordsOf(blob, &blob)) return damaged("its checksum does not match");
  IncidentFacts f;
  Raw raw;
  while (!blob.empty()) {
    if (!Decode(blob, &raw)) return damaged("a record does not decode");
    f.id = raw.id;
    if (!name(raw.situation, &f.situation) || !name(raw.location, &f.location_name)) {
      return damaged("incident " + QuoteForMessage(raw.id) + " has an unknown name code");
    }
    f.situation_code = static_cast<uint32_t>(raw.situation);
    f.location_code = static_cast<uint32_t>(raw.location);
    if (raw.status >= EnumCount<IncidentStatus>() || raw.consent >= EnumCount<Consent>()) {
      return damaged("incident " + QuoteForMessage(raw.id) + " has an invalid status or consent");
    }
    f.status = static_cast<IncidentStatus>(raw.status);
    f.consent = static_cast<Consent>(raw.consent);
    f.date = Date::FromDays(raw.day);
    f.violation_count = raw.violations;
    f.nexus_count = raw.nexus;
    f.perpetrators.clear();
    for (const Perpetrator& p : raw.perpetrators) {
      FactAttribution a;
      if (!name(p.party, &a.party) || p.standard >= EnumCount<Standard>()) {
        return damaged("incident " + QuoteForMessage(raw.id) + " has an invalid perpetrator");
      }
      a.party_code = p.party;
      a.standard = static_cast<Standard>(p.standard);
      f.perpetrators.push_back(a);
    }
    MARA_RETURN_IF_ERROR(fn(f));
  }
  return Status::Ok();
}

Status FactsProjection::Scan(const FactsFn& fn) {
  MARA_RETURN_IF_ERROR(Flush());
  std::vector<std::string> names;
  MARA_RETURN_IF_ERROR(LoadNames(&names));
  return db_.ForEachBucket([&](uint32_t bucket, std::string_view blob) {
    return DecodeBucket(bucket, blob, names, fn);
  });
}

Status FactsProjection::Check(const ScanFn& scan_rows, std::vector<std::string>* problems) {
  std::vector<BucketSummary> stored(kBuckets), projected(kBuckets);
  Status rows = scan_rows([&](const IncidentFacts& f) {
    BucketSummary& s = stored[BucketOf(f.id)];
    ++s.count;
    s.sum += FingerprintOf(f);
    return Status::Ok();
  });
  if (!rows.ok()) {
    problems->push_back(rows.message());
    return Status::Ok();
  }
  Status scanned = Scan([&](const IncidentFacts& f) {
    BucketSummary& s = projected[BucketOf(f.id)];
    ++s.count;
    s.sum += FingerprintOf(f);
    return Status::Ok();
  });
  if (!scanned.ok()) {
    problems->push_back(scanned.message());
    return Status::Ok();
  }
  size_t differing = 0;
  for (uint32_t b = 0; b < kBuckets; ++b) {
    if (stored[b].count == projected[b].count && stored[b].sum == projected[b].sum) continue;
    if (++differing <= 5) {
      problems->push_back("facts projection bucket " + std::to_string(b) +
                          " differs from the incidents (" + std::to_string(projected[b].count) +
                          " projected, " + std::to_string(stored[b].count) + " stored)");
    }
  }
  if (differing > 5) {
    problems->push_back("and " + std::to_string(differing - 5) +
                        " more facts projection buckets differ");
  }
  return Status::Ok();
}

}  // namespace mara
