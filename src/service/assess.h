// AssessCycle: the assessment of one cycle over a store (`mara assess`, the
// reports and the API all call it).
//
// Contract: reads the registry once (Store::LoadRegistry) and streams the
// incidents' facts once (Store::ScanIncidentFacts), so memory grows with
// parties, cycles and distinct locations, not with incidents. The result
// carries the data digest (service/digest.h) and the policy digest. Store
// failures come back unchanged (kIOError, kCorruption); a cycle outside
// 1000..9999 is kInvalidArgument. A Store is used from one thread.
#ifndef MARA_SERVICE_ASSESS_H_
#define MARA_SERVICE_ASSESS_H_

#include "common/status.h"
#include "policy/engine.h"
#include "policy/policy.h"
#include "storage/store.h"

namespace mara {

Status CheckCycle(int cycle);

Result<Assessment> AssessCycle(Store& store, const Policy& policy, int cycle);

}  // namespace mara

#endif  // MARA_SERVICE_ASSESS_H_
