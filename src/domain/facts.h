// IncidentFacts: the projection of an incident that the assessment reads.
//
// Contract: produced by Store::ScanIncidentFacts for each stored incident
// (and by FactsOf() for an in-memory Incident). Every string_view points into
// storage owned by the producer and is valid only for the duration of the
// callback that receives it; consumers copy or intern what they keep.
//
// Name codes: a producer may also give each party, situation and location
// name a small integer code (0 = none). Within one scan equal non-zero codes
// mean equal names and different codes different names, so a consumer may
// cache per code what it would otherwise look up per string. Facts arrive in
// no particular order.
#ifndef MARA_DOMAIN_FACTS_H_
#define MARA_DOMAIN_FACTS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.h"
#include "domain/enums.h"
#include "domain/model.h"

namespace mara {

struct FactAttribution {
  std::string_view party;
  Standard standard = Standard::kCredibleInformation;
  uint32_t party_code = 0;
};

struct IncidentFacts {
  std::string_view id;
  std::string_view situation;
  Date date;
  IncidentStatus status = IncidentStatus::kReported;
  Consent consent = Consent::kAggregateReporting;
  size_t violation_count = 0;
  size_t nexus_count = 0;
  std::string_view location_name;  // raw; the engine folds it
  std::vector<FactAttribution> perpetrators;
  uint32_t situation_code = 0;
  uint32_t location_code = 0;
};

// Views into `incident`, which must outlive the result.
IncidentFacts FactsOf(const Incident& incident);

}  // namespace mara

#endif  // MARA_DOMAIN_FACTS_H_
