// Stats: what a store holds, at a glance (`mara stats`).
//
// Contract:
// - ComputeStats() reads the registry once and streams the incidents with
//   Store::ScanIncidents, so memory stays constant in the number of
//   incidents (it grows only with the number of cycles and situations).
//   Store failures come back unchanged (kIOError, kCorruption).
// - Incidents are counted per cycle (year of the incident date), per
//   situation (every registered situation appears, with 0 when it has no
//   incidents), per status and per violation type (every value of the
//   vocabulary appears; an incident with two violation types counts once
//   under each). Collection totals come from Store::Counts() (stored
//   records); every incident breakdown leaves out incidents whose consent
//   was withdrawn, which appear in no output (docs/security.md).
// - StatsToJson() is deterministic: object keys of maps are sorted, so the
//   same store always prints the same bytes. StatsToText() is the readable
//   table printed by default.
// Pure functions over their arguments; a Store is used from one thread.
// The Store-level functions of this contract are declared in
// service/core.h, inside the service layer; the layers above it call the
// Session operations (authorized.h), which authorise and audit them.
#ifndef MARA_SERVICE_STATS_H_
#define MARA_SERVICE_STATS_H_

#include <cstdint>
#include <map>
#include <string>

#include "common/status.h"
#include "domain/json_codec.h"

namespace mara {

struct Stats {
  std::map<std::string, int64_t> collections;  // collection name -> records
  int64_t incidents = 0;
  int64_t victims = 0;  // sum of every incident's victim counts
  std::map<int, int64_t> by_cycle;
  std::map<std::string, int64_t> by_situation;         // situation id -> incidents
  std::map<std::string, std::string> situation_names;  // id -> name, registered ones
  std::map<std::string, int64_t> by_status;            // every IncidentStatus spelling
  std::map<std::string, int64_t> by_violation;         // every Violation spelling
};

// {"collections": {...}, "incidents": {"total", "victims", "by_cycle",
//  "by_situation", "by_status", "by_violation"}}; by_cycle keys are the
// years as strings, in numeric order.
Json StatsToJson(const Stats& stats);

// A plain-text table, one section per breakdown, ending with a newline.
std::string StatsToText(const Stats& stats);

}  // namespace mara

#endif  // MARA_SERVICE_STATS_H_
