#include "service/simulate.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "common/text.h"
#include "ingest/dataset_import.h"
#include "policy/engine.h"
#include "service/assess.h"
#include "service/compare.h"
#include "service/core.h"

namespace mara {
namespace {

using OJson = nlohmann::ordered_json;

constexpr size_t kMaxAgendaRecordBytes = 64 << 10;

}  // namespace

Result<std::vector<AgendaRow>> ReadAgendaByCycle(const std::string& path) {
  MARA_ASSIGN_OR_RETURN(std::unique_ptr<CsvTable> table,
                        CsvTable::Open(path, {"cycle", "situation"}, {}, kMaxAgendaRecordBytes));
  std::vector<AgendaRow> out;
  while (true) {
    MARA_ASSIGN_OR_RETURN(bool row, table->Next());
    if (!row) break;
    AgendaRow r;
    r.line = table->line();
    MARA_ASSIGN_OR_RETURN(int64_t cycle, table->Int("cycle"));
    if (cycle < 1000 || cycle > 9999) {
      return table->FieldError("cycle",
                               "expected a year (1000..9999), got " + std::to_string(cycle));
    }
    r.cycle = static_cast<int>(cycle);
    MARA_ASSIGN_OR_RETURN(std::string_view situation, table->Required("situation"));
    r.situation = situation;
    out.push_back(std::move(r));
  }
  return out;
}

Result<Simulation> SimulateHistory(Session& session, const Policy& policy, int from, int to,
                                   std::optional<int> first_cycle,
                                   const std::vector<AgendaRow>& agenda) {
  MARA_RETURN_IF_ERROR(session.RequireEverywhere(security::Operation::kRunAssessment));
  const int current = Today(session.clock()).year();
  MARA_RETURN_IF_ERROR(CheckCycle(from, current));
  MARA_RETURN_IF_ERROR(CheckCycle(to, current));
  if (from > to) {
    return Status::InvalidArgument(
        fmt::format("--from {} is after --to {}: give the first cycle first", from, to));
  }
  if (first_cycle && (*first_cycle < 1000 || *first_cycle > to)) {
    return Status::InvalidArgument(
        fmt::format("--first-cycle {}: expected a year from 1000 to --to ({})", *first_cycle, to));
  }
  Store& store = session.store();
  MARA_ASSIGN_OR_RETURN(Bundle registry, store.LoadRegistry());
  MARA_ASSIGN_OR_RETURN(std::string data_digest, DataDigest(store));

  AssessmentScenario scenario;
  scenario.first_cycle = first_cycle;
  std::map<std::string, std::vector<std::string>> by_key;  // SituationKey -> ids
  std::set<std::string> ids;
  for (const Situation& s : registry.situations) {
    by_key[SituationKey(s.name)].push_back(s.id);
    ids.insert(s.id);
  }
  std::map<int, int64_t> in_scope_count;
  for (const AgendaRow& row : agenda) {
    std::set<std::string>& scope = scenario.agenda_by_cycle[row.cycle];
    if (ids.count(row.situation) > 0) {
      scope.insert(row.situation);
      continue;
    }
    auto it = by_key.find(SituationKey(row.situation));
    if (it == by_key.end()) {
      return Status::InvalidArgument(fmt::format(
          "line {}, column 2 'situation': {} matches no situation of the store (an id, a country "
          "or a situation name)",
          row.line, QuoteForMessage(row.situation)));
    }
    scope.insert(it->second.begin(), it->second.end());
  }

  Simulation out;
  out.first_cycle = first_cycle;
  out.agenda_from_file = !agenda.empty();
  for (int cycle = from; cycle <= to; ++cycle) {
    Assessor assessor(registry, policy, cycle, scenario);
    MARA_RETURN_IF_ERROR(store.ScanIncidentFacts([&assessor](const IncidentFacts& facts) {
      assessor.Add(facts);
      return Status::Ok();
    }));
    Assessment a = assessor.Finish(data_digest);
    if (out.policy_digest.empty()) {
      out.policy_name = a.policy_name;
      out.policy_version = a.policy_version;
      out.policy_digest = a.policy_digest;
      out.data_digest = a.data_digest;
    }
    SimulatedCycle c;
    c.cycle = cycle;
    if (auto it = scenario.agenda_by_cycle.find(cycle); it != scenario.agenda_by_cycle.end()) {
      c.in_scope_situations = static_cast<int64_t>(it->second.size());
    }
    for (const PartyAssessment& p : a.parties) {
      if (p.status == PartyStatus::kListed) c.listed.push_back(p.id);
      if (p.status == PartyStatus::kOnNotice) c.on_notice.push_back(p.id);
    }
    out.cycles.push_back(std::move(c));
  }
  return out;
}

std::string SimulationToText(const Simulation& s) {
  std::string out =
      fmt::format("Historical simulation under policy {} {} ({}); data {}\n", s.policy_name,
                  s.policy_version, s.policy_digest.substr(0, 16), s.data_digest.substr(0, 16));
  out += fmt::format(
      "Rules from {}; agenda {}\n",
      s.first_cycle ? std::to_string(*s.first_cycle) : std::string("the first cycle with data"),
      s.agenda_from_file ? "per cycle from the agenda file (other cycles: the "
                           "store's situations on the agenda)"
                         : "the store's situations on the agenda");
  out += "cycle  listed  on_notice  situations_in_scope\n";
  for (const SimulatedCycle& c : s.cycles) {
    out += fmt::format(
        "{:<6} {:>6}  {:>9}  {}\n", c.cycle, c.listed.size(), c.on_notice.size(),
        c.in_scope_situations < 0 ? std::string("-") : std::to_string(c.in_scope_situations));
  }
  return out;
}

nlohmann::ordered_json SimulationToJson(const Simulation& s) {
  OJson j;
  j["policy"] = {
      {"name", s.policy_name}, {"version", s.policy_version}, {"digest", s.policy_digest}};
  j["data_digest"] = s.data_digest;
  j["first_cycle"] = s.first_cycle ? OJson(*s.first_cycle) : OJson(nullptr);
  j["agenda_from_file"] = s.agenda_from_file;
  OJson cycles = OJson::array();
  for (const SimulatedCycle& c : s.cycles) {
    OJson e;
    e["cycle"] = c.cycle;
    e["listed"] = c.listed;
    e["on_notice"] = c.on_notice;
    e["situations_in_scope"] =
        c.in_scope_situations < 0 ? OJson(nullptr) : OJson(c.in_scope_situations);
    cycles.push_back(std::move(e));
  }
  j["cycles"] = std::move(cycles);
  return j;
}

}  // namespace mara
