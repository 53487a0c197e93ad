// FactsProjection: a store's compact copy of what the assessment reads of
// each incident (domain/facts.h), kept in tables fact_names and
// fact_buckets (SQLite schema version 2, PostgreSQL schema version 9) and
// reached through FactsTables, which each backend implements.
//
// Why: the assessment of a million incidents spent most of its time decoding
// wide incident rows. The projection codes every party, situation and
// location name as an integer (fact_names, codes never change or get reused)
// and packs the facts of all incidents into kBuckets blobs chosen by a hash
// of the incident id, each sorted by id, so a full scan reads a few hundred
// blobs and hands the engine name codes it can cache on.
//
// Contract: derived data in the same database and the same transactions as
// the incidents. The store calls Stage() for every incident it writes,
// Flush() before COMMIT (and before a scan inside its own transaction), and
// Discard() after ROLLBACK. Staged records are held in memory up to
// kFlushBytes; beyond that, within one transaction, they are written sorted
// by bucket to an unnamed temporary file (a spill run, tmpfile(3)), and
// Flush() merges each bucket that received records once, with its records
// from every run and from memory. So a flush reads and rewrites only the
// buckets it adds to, and a transaction rewrites each of them once, however
// large the import (when no temporary file can be made, the records are
// merged into their buckets at each bound instead). meta 'facts_projection'
// records that the projection is complete and under which scheme its
// location names were written (kFormat, a space, the store's location
// scheme: plain names, or tokens under one data key); without it, or under
// another scheme (a database migrated from an older version, a key
// rotated), the store rebuilds it from the incidents table. Check()
// compares the projection with the incidents for IntegrityCheck. A damaged
// blob comes back as kCorruption naming the bucket. Not thread-safe: one
// per store, used from the store's thread.
#ifndef MARA_STORAGE_FACTS_PROJECTION_H_
#define MARA_STORAGE_FACTS_PROJECTION_H_

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/name_map.h"
#include "common/status.h"
#include "domain/facts.h"

namespace mara {

// The tables of the projection in one backend's database, inside the
// store's transaction (or, for reads outside one, a consistent snapshot).
// Codes of fact_names are assigned by the database, dense from 1.
class FactsTables {
 public:
  virtual ~FactsTables() = default;
  // How the database is named in messages ("database '/x/mara.db'").
  virtual std::string Where() const = 0;
  virtual Result<std::optional<std::string>> GetMeta(std::string_view key) = 0;
  virtual Status PutMeta(std::string_view key, std::string_view value) = 0;
  // The code of `name`, 0 when it has none.
  virtual Result<int64_t> FindName(std::string_view name) = 0;
  // Adds `name` and returns its new code.
  virtual Result<int64_t> InsertName(std::string_view name) = 0;
  // The codes of `names` (distinct, none holding a NUL byte) in the same
  // order, adding those that have none. The default asks FindName and
  // InsertName for each; a backend where each statement is a round trip
  // does it in a few.
  virtual Status CodeNames(std::span<const std::string_view> names, std::vector<int64_t>* codes);
  // Every (code, name), in code order.
  virtual Status ForEachName(const std::function<Status(int64_t, std::string_view)>& fn) = 0;
  virtual Result<std::optional<std::string>> ReadBucket(uint32_t bucket) = 0;
  virtual Status WriteBucket(uint32_t bucket, std::string_view blob) = 0;
  virtual Status ClearBuckets() = 0;
  // Every (bucket, blob), in bucket order.
  virtual Status ForEachBucket(const std::function<Status(uint32_t, std::string_view)>& fn) = 0;
};

class FactsProjection {
 public:
  using FactsFn = std::function<Status(const IncidentFacts&)>;
  using ScanFn = std::function<Status(const FactsFn&)>;

  static constexpr uint32_t kBuckets = 1024;
  static constexpr size_t kFlushBytes = 16u << 20;
  static constexpr std::string_view kMetaKey = "facts_projection";
  static constexpr std::string_view kFormat = "2";

  // `flush_bytes` bounds the staged records held in memory (tests lower it).
  // `location_scheme` names how the location names it is given are formed
  // (sqlite::Sealer::FactsLocationScheme).
  explicit FactsProjection(FactsTables& tables, std::string_view location_scheme = "plain",
                           size_t flush_bytes = kFlushBytes)
      : db_(tables),
        format_(std::string(kFormat) + " " + std::string(location_scheme)),
        flush_bytes_(flush_bytes) {}

  // Whether the stored projection is complete and under this scheme (meta
  // 'facts_projection').
  Result<bool> Ready();

  // Replaces the projection with one built from `scan_rows` (every incident
  // as stored) and marks it complete. Runs in the caller's write transaction.
  Status Rebuild(const ScanFn& scan_rows);

  // Records the facts of an incident just written in the open transaction.
  Status Stage(const IncidentFacts& facts);
  // Gives each of `names` that has no code known here one, in a single call
  // of FactsTables::CodeNames: a caller about to stage many records saves
  // a statement per new name.
  Status CodeNames(std::span<const std::string_view> names);
  // Stage() when every name of `facts` already has a code known here, so
  // that no statement runs (a caller streaming a COPY keeps its stream);
  // false, staging nothing, when one has none yet. A spill to the temporary
  // file runs no statement either; without one, reaching the bound merges
  // into the buckets as Stage() does.
  Result<bool> StageIfCoded(const IncidentFacts& facts);
  Status Flush();
  // Forgets staged records and the codes of names added since the last
  // commit, which the rollback removed from fact_names.
  void Discard();
  // Called after a successful COMMIT: the names added are now permanent.
  // Also gives the staging arena back: it is needed again only by a write.
  void Committed();

  // Every projected incident, bucket by bucket.
  Status Scan(const FactsFn& fn);

  // Appends a line to `problems` for each difference between the projection
  // and `scan_rows` (compared as a multiset digest per bucket).
  Status Check(const ScanFn& scan_rows, std::vector<std::string>* problems);

  static uint32_t BucketOf(std::string_view id);

 private:
  Result<uint32_t> CodeFor(std::string_view name);
  // Encodes `facts` with its names' codes (the parties' in party_codes_)
  // into the arena, spilling or flushing at the bound.
  Status Append(const IncidentFacts& facts, uint32_t situation, uint32_t location);
  Status LoadNames(std::vector<std::string>* names);
  // The staged records' positions in the arena, grouped by bucket in the
  // order they were written (a counting sort): bucket b's are
  // order[starts[b]] .. order[starts[b + 1] - 1].
  void GroupStaged(std::vector<uint32_t>* order, std::vector<uint32_t>* starts) const;
  // Writes the staged records to the temporary file as one more run and
  // empties the arena; false (nothing written) when there is no file.
  Result<bool> SpillStaged();
  void ClearStaged();
  void CloseSpill();
  // `staged`: the bucket's staged records, in the order they were written.
  Status MergeBucket(uint32_t bucket, const std::vector<std::string_view>& staged);
  Status DecodeBucket(uint32_t bucket, std::string_view blob, const std::vector<std::string>& names,
                      const FactsFn& fn);

  FactsTables& db_;
  const std::string format_;
  // Codes of the names seen, a cache of fact_names. The first
  // `committed_codes_` entries are known to be committed; Discard() drops
  // the rest (names added by a rolled-back transaction, and cached ones
  // that are looked up again).
  NameMap<uint32_t> codes_;
  size_t committed_codes_ = 0;
  // One arena for every staged record, reserved once and reused after each
  // flush, so the staging memory is the same for any size of import.
  struct StagedRecord {
    uint32_t bucket;
    uint32_t offset;
    uint32_t size;
  };
  std::string staged_;
  std::vector<StagedRecord> staged_index_;
  std::vector<uint32_t> party_codes_;
  size_t flush_bytes_;
  size_t staged_bytes_ = 0;
  // Spill runs of this transaction: the file, and per run kBuckets + 1
  // offsets into it (bucket b's records of run r are
  // [runs_[r][b], runs_[r][b + 1])).
  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, FileCloser> spill_;
  bool spill_unavailable_ = false;
  uint64_t spill_size_ = 0;
  std::vector<std::vector<uint64_t>> runs_;
};

}  // namespace mara

#endif  // MARA_STORAGE_FACTS_PROJECTION_H_
