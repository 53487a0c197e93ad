// Historical simulation (`mara simulate`): the list the policy would have
// given, cycle after cycle, under a scenario: rules that start at a chosen
// first cycle, and the situations on the Council's agenda per cycle taken
// as data (docs/historical-simulation.md).
//
// Contract:
// - ReadAgendaByCycle() reads a CSV file whose header is `cycle,situation`
//   (names matched ignoring case and blanks; BOM, CRLF, quoted fields; NA,
//   N/A, NULL and empty cells are missing values, and both cells are
//   required). kInvalidArgument names the line and column.
// - SimulateHistory() needs kRunAssessment in every situation and only
//   reads. It assesses every cycle from `from` to `to` (both within
//   1000..current year, from <= to) under `policy` and the scenario built
//   from `first_cycle` and `agenda`: each agenda row's situation is a
//   situation id of the store, or a country or situation name compared as
//   SituationKey (compare.h); a row matching none is kInvalidArgument
//   naming its line. Cycles the agenda file does not name keep each
//   situation's on_council_agenda.
// - SimulationToText / SimulationToJson render the result; pure.
#ifndef MARA_SERVICE_SIMULATE_H_
#define MARA_SERVICE_SIMULATE_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "policy/policy.h"
#include "service/session.h"

namespace mara {

struct AgendaRow {
  uint64_t line = 0;
  int cycle = 0;
  std::string situation;
};

Result<std::vector<AgendaRow>> ReadAgendaByCycle(const std::string& path);

struct SimulatedCycle {
  int cycle = 0;
  std::vector<std::string> listed;     // party ids
  std::vector<std::string> on_notice;  // party ids
  int64_t in_scope_situations = -1;    // from the agenda file; -1: the store's flags
};

struct Simulation {
  std::string policy_name;
  std::string policy_version;
  std::string policy_digest;
  std::string data_digest;
  std::optional<int> first_cycle;  // as asked
  bool agenda_from_file = false;
  std::vector<SimulatedCycle> cycles;
};

Result<Simulation> SimulateHistory(Session& session, const Policy& policy, int from, int to,
                                   std::optional<int> first_cycle,
                                   const std::vector<AgendaRow>& agenda);

std::string SimulationToText(const Simulation& s);
nlohmann::ordered_json SimulationToJson(const Simulation& s);

}  // namespace mara

#endif  // MARA_SERVICE_SIMULATE_H_
