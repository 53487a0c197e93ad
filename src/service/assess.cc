#include "service/assess.h"

#include <string>

#include "service/core.h"
#include "service/digest.h"

namespace mara {

Status CheckCycle(int cycle) {
  if (cycle < 1000 || cycle > 9999) {
    return Status::InvalidArgument("cycle " + std::to_string(cycle) +
                                   " is out of range (a year from 1000 to 9999)");
  }
  return Status::Ok();
}

Status CheckCycle(int cycle, int current_year) {
  MARA_RETURN_IF_ERROR(CheckCycle(cycle));
  if (cycle > current_year) {
    return Status::InvalidArgument("cycle " + std::to_string(cycle) +
                                   " is after the current year (" + std::to_string(current_year) +
                                   ")");
  }
  return Status::Ok();
}

Result<Assessment> AssessCycle(Store& store, const Policy& policy, int cycle) {
  MARA_RETURN_IF_ERROR(CheckCycle(cycle));
  MARA_ASSIGN_OR_RETURN(Bundle registry, store.LoadRegistry());
  MARA_ASSIGN_OR_RETURN(std::string data_digest, DataDigest(store));
  Assessor assessor(registry, policy, cycle);
  MARA_RETURN_IF_ERROR(store.ScanIncidentFacts([&assessor](const IncidentFacts& facts) {
    assessor.Add(facts);
    return Status::Ok();
  }));
  return assessor.Finish(std::move(data_digest));
}

}  // namespace mara
