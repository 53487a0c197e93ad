// DataChangeLog: what each committed write changed, kept in memory by the
// process that wrote it, so views derived from the record (the live
// assessment, live_assessment.h) can follow a write with its changes
// instead of reading the store again.
//
// Contract:
// - A Session opened with SessionOptions::changes hands the log to its
//   LedgeredStore, which collects, during a transaction, each incident it
//   writes (the stored row it replaced, none for an insertion, and the new
//   one, both trimmed to what the assessment and the annex read: no
//   narrative, no victims, no sources) and the names of the other
//   collections written; and, when the commit bumps the data version, adds
//   the change under the version the commit produced
//   (Store::CommittedVersion), with the data digest of that version when
//   the ledger maintained it.
// - A change of more than kMaxIncidents incidents (an import) is kept
//   without them and marked incomplete: a consumer reads the store again.
// - Changes() returns the changes that produced from+1 .. to, in order, or
//   nullopt when one of them is not in the log (written by another process,
//   by a session without the log, or dropped as older than the last
//   kKeptChanges). A commit of this process that has bumped the version but
//   not yet reached the log is waited for, at most `wait`.
// Thread-safe.
#ifndef MARA_SERVICE_DATA_CHANGES_H_
#define MARA_SERVICE_DATA_CHANGES_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "domain/model.h"

namespace mara {

struct IncidentChange {
  std::optional<Incident> before;  // nullopt: the write inserted it
  Incident after;
};

struct DataChange {
  int64_t version = 0;  // the data version the commit produced
  std::vector<IncidentChange> incidents;
  std::set<std::string> collections;       // the other collections written
  bool complete = true;                    // false: `incidents` was not kept
  std::optional<std::string> data_digest;  // of `version`, when maintained
};

// The fields of `incident` the assessment and the annex read.
Incident TrimmedForChanges(const Incident& incident);

class DataChangeLog {
 public:
  static constexpr size_t kMaxIncidents = 1024;
  static constexpr size_t kKeptChanges = 4096;

  // Around each commit of a change: Committing() before, Committed() after
  // (`change` null when the commit failed or bumped no version).
  void Committing();
  void Committed(std::shared_ptr<const DataChange> change);

  std::optional<std::vector<std::shared_ptr<const DataChange>>> Changes(
      int64_t from, int64_t to, std::chrono::milliseconds wait);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int committing_ = 0;
  std::map<int64_t, std::shared_ptr<const DataChange>> changes_;
};

}  // namespace mara

#endif  // MARA_SERVICE_DATA_CHANGES_H_
