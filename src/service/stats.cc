#include "service/stats.h"

#include <algorithm>
#include <cstdio>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "domain/disclosure.h"
#include "domain/enums.h"
#include "service/core.h"

namespace mara {
namespace {

template <typename E>
void SeedEnumCounts(std::map<std::string, int64_t>* counts) {
  for (std::string_view name : EnumNames<E>::kNames) (*counts)[std::string(name)] = 0;
}

void AppendSection(std::string* out, std::string_view title,
                   const std::vector<std::pair<std::string, int64_t>>& rows) {
  size_t width = 0;
  for (const auto& [label, count] : rows) width = std::max(width, label.size());
  *out += title;
  *out += '\n';
  if (rows.empty()) *out += "  (none)\n";
  for (const auto& [label, count] : rows) {
    char number[32];
    std::snprintf(number, sizeof number, "%12lld", static_cast<long long>(count));
    *out += "  " + label + std::string(width - label.size(), ' ') + number + "\n";
  }
}

template <typename Map>
std::vector<std::pair<std::string, int64_t>> Rows(const Map& map) {
  std::vector<std::pair<std::string, int64_t>> rows;
  for (const auto& [key, count] : map) {
    if constexpr (std::is_same_v<typename Map::key_type, int>) {
      rows.emplace_back(std::to_string(key), count);
    } else {
      rows.emplace_back(key, count);
    }
  }
  return rows;
}

}  // namespace

Result<Stats> ComputeStats(Store& store) {
  Stats stats;
  MARA_ASSIGN_OR_RETURN(CollectionCounts counts, store.Counts());
  for (size_t i = 0; i < kCollectionNames.size(); ++i) {
    stats.collections[std::string(kCollectionNames[i])] = counts.counts[i];
  }
  MARA_ASSIGN_OR_RETURN(Bundle registry, store.LoadRegistry());
  for (const Situation& s : registry.situations) {
    stats.by_situation[s.id] = 0;
    stats.situation_names[s.id] = s.name;
  }
  SeedEnumCounts<IncidentStatus>(&stats.by_status);
  SeedEnumCounts<Violation>(&stats.by_violation);
  // Names of the vocabularies are looked up by index to avoid building a
  // std::string key per incident for the two closed sets.
  int64_t status_counts[EnumCount<IncidentStatus>()] = {};
  int64_t violation_counts[EnumCount<Violation>()] = {};
  MARA_RETURN_IF_ERROR(store.ScanIncidents([&](const Incident& incident) -> Status {
    // Withdrawn consent: counted in no output (domain/disclosure.h).
    if (!IncludesConsent(Edition::kConfidential, incident.consent)) return Status::Ok();
    ++stats.incidents;
    stats.victims += incident.victims.Total();
    ++stats.by_cycle[incident.cycle()];
    ++stats.by_situation[incident.situation];
    ++status_counts[static_cast<size_t>(incident.status)];
    // A type listed twice in one incident still counts the incident once.
    bool seen[EnumCount<Violation>()] = {};
    for (Violation v : incident.violations) {
      size_t i = static_cast<size_t>(v);
      if (!seen[i]) ++violation_counts[i];
      seen[i] = true;
    }
    return Status::Ok();
  }));
  for (size_t i = 0; i < EnumCount<IncidentStatus>(); ++i) {
    stats.by_status[std::string(EnumNames<IncidentStatus>::kNames[i])] = status_counts[i];
  }
  for (size_t i = 0; i < EnumCount<Violation>(); ++i) {
    stats.by_violation[std::string(EnumNames<Violation>::kNames[i])] = violation_counts[i];
  }
  return stats;
}

Json StatsToJson(const Stats& stats) {
  Json collections = Json::object();
  for (const auto& [name, count] : stats.collections) collections[name] = count;
  Json by_cycle = Json::object();
  for (const auto& [cycle, count] : stats.by_cycle) by_cycle[std::to_string(cycle)] = count;
  auto to_object = [](const std::map<std::string, int64_t>& map) {
    Json object = Json::object();
    for (const auto& [key, count] : map) object[key] = count;
    return object;
  };
  Json incidents = Json::object();
  incidents["total"] = stats.incidents;
  incidents["victims"] = stats.victims;
  incidents["by_cycle"] = std::move(by_cycle);
  incidents["by_situation"] = to_object(stats.by_situation);
  incidents["by_status"] = to_object(stats.by_status);
  incidents["by_violation"] = to_object(stats.by_violation);
  Json out = Json::object();
  out["collections"] = std::move(collections);
  out["incidents"] = std::move(incidents);
  return out;
}

std::string StatsToText(const Stats& stats) {
  std::string out;
  AppendSection(&out, "Records per collection", Rows(stats.collections));
  out += '\n';
  AppendSection(&out, "Incidents", {{"total", stats.incidents}, {"victims", stats.victims}});
  out += '\n';
  AppendSection(&out, "Incidents per cycle", Rows(stats.by_cycle));
  out += '\n';
  std::vector<std::pair<std::string, int64_t>> situations;
  for (const auto& [id, count] : stats.by_situation) {
    auto name = stats.situation_names.find(id);
    std::string label = id;
    if (name != stats.situation_names.end() && !name->second.empty()) {
      label += " (" + name->second + ")";
    }
    situations.emplace_back(std::move(label), count);
  }
  AppendSection(&out, "Incidents per situation", situations);
  out += '\n';
  AppendSection(&out, "Incidents per status", Rows(stats.by_status));
  out += '\n';
  AppendSection(&out, "Incidents per violation type", Rows(stats.by_violation));
  return out;
}

}  // namespace mara
