// LiveAssessments: the assessments a server keeps in memory and brings up
// to date with each write's changes (data_changes.h), so a view read after
// a write costs the changed incidents and the rules, not a scan of the
// store.
//
// Contract:
// - View(store, policy, cycle) returns the LiveView of `cycle` under
//   `policy` at the store's current data version: the registry, the
//   assessment (equal, byte for byte in its JSON, to AssessCycle's over the
//   same store) and, per party, the violation forms of the incidents that
//   count for it in the cycle and that the public edition may include (the
//   annex's forms; the statement of case counts the same incidents), when
//   asked for (`with_forms`): they need every incident whole, the
//   assessment alone reads the store's facts projection. Without `audits`
//   the assessment has no consistency audit and no sensitivity runs (the
//   annex shows neither, and the audit compares every party with every
//   other, so it is what a view after a write would cost most).
// - Kept per (policy digest, cycle), at most kKeptViews of them (the least
//   recently used goes). A kept view at version v reaches version V by
//   applying the changes v+1..V from changes(): each changed incident is
//   removed as it was and added as it is (Assessor removals). It reads the
//   store again when a change is missing from the log (another process
//   wrote), incomplete (an import), without its data digest, or wrote a
//   collection the rules read besides incidents (situations, parties,
//   commitments, findings, decisions).
// - Reading the store again is one scan of the incidents (the facts, or
//   the incidents without narratives for the forms) between two reads of the data version; when a
//   write lands during it, it is tried once more and, if a write lands again, the view is returned
//   for that request and not kept.
// - Store failures come back unchanged. The caller authorises (the
//   Session operations of authorized.h); a view holds no narrative and no
//   location beyond the place name the assessment folds.
// Thread-safe: concurrent View() calls for one key wait for one another;
// each call uses its own Store, from its own thread.
#ifndef MARA_SERVICE_LIVE_ASSESSMENT_H_
#define MARA_SERVICE_LIVE_ASSESSMENT_H_

#include <array>
#include <chrono>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "common/status.h"
#include "domain/enums.h"
#include "domain/model.h"
#include "policy/engine.h"
#include "policy/policy.h"
#include "service/data_changes.h"

namespace mara {

class Store;

using ViolationCounts = std::array<int64_t, EnumCount<Violation>()>;

struct LiveView {
  int64_t version = 0;
  std::shared_ptr<const Bundle> registry;
  Assessment assessment;
  bool has_audits = false;  // the assessment has its consistency audit and sensitivity runs
  bool has_forms = false;
  std::map<std::string, ViolationCounts> forms;  // by party id; absent: none
};

class LiveAssessments {
 public:
  static constexpr size_t kKeptViews = 8;
  // How long View() waits for a commit of this process to reach the log.
  static constexpr std::chrono::milliseconds kChangeWait{1000};

  DataChangeLog& changes() { return changes_; }

  Result<std::shared_ptr<const LiveView>> View(Store& store, const Policy& policy, int cycle,
                                               bool with_forms, bool audits);

  // How views were brought up to date since the start: by applying
  // changes, or by reading the store.
  uint64_t applied() const;
  uint64_t rebuilt() const;

 private:
  struct Entry;
  DataChangeLog changes_;
  mutable std::mutex mu_;
  std::list<std::pair<std::string, std::shared_ptr<Entry>>> entries_;  // most recent first
  uint64_t applied_ = 0;
  uint64_t rebuilt_ = 0;
};

// One view read from the store alone (no log, nothing kept): what a
// process without LiveAssessments uses.
Result<std::shared_ptr<const LiveView>> ReadLiveView(Store& store, const Policy& policy, int cycle,
                                                     bool with_forms, bool audits);

}  // namespace mara

#endif  // MARA_SERVICE_LIVE_ASSESSMENT_H_
