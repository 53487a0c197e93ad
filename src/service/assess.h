// AssessCycle: the assessment of one cycle over a store (`mara assess`, the
// reports and the API all call it).
//
// Contract: reads the registry once (Store::LoadRegistry) and streams the
// incidents' facts once (Store::ScanIncidentFacts), so memory grows with
// parties, cycles and distinct locations, not with incidents. The result
// carries the data digest (service/digest.h) and the policy digest. Store
// failures come back unchanged (kIOError, kCorruption); a cycle outside
// 1000..9999 is kInvalidArgument. This Store-level core does not compare
// the cycle with the current year (the engine is a pure function of its
// inputs, and the case suite assesses any year); the Session-level
// AssessCycle (authorized.h) does. A Store is used from one thread.
// The Store-level functions of this contract are declared in
// service/core.h, inside the service layer; the layers above it call the
// Session operations (authorized.h), which authorise and audit them.
#ifndef MARA_SERVICE_ASSESS_H_
#define MARA_SERVICE_ASSESS_H_

#include "common/status.h"
#include "policy/engine.h"
#include "policy/policy.h"

namespace mara {

// kInvalidArgument for a cycle outside 1000..9999.
Status CheckCycle(int cycle);
// The same, and kInvalidArgument for a cycle after `current_year` (the
// caller's clock's year): "cycle 2030 is after the current year (2026)".
// A cycle that has not begun is neither assessed, reported, given a
// statement of case, decided nor petitioned about.
Status CheckCycle(int cycle, int current_year);

}  // namespace mara

#endif  // MARA_SERVICE_ASSESS_H_
