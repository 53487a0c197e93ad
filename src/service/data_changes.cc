#include "service/data_changes.h"

#include <utility>

namespace mara {

Incident TrimmedForChanges(const Incident& incident) {
  Incident t;
  t.id = incident.id;
  t.situation = incident.situation;
  t.date = incident.date;
  t.date_precision = incident.date_precision;
  t.location.name = incident.location.name;
  t.violations = incident.violations;
  t.nexus = incident.nexus;
  t.status = incident.status;
  t.verified_on = incident.verified_on;
  t.perpetrators = incident.perpetrators;
  t.consent = incident.consent;
  return t;
}

void DataChangeLog::Committing() {
  std::lock_guard<std::mutex> lock(mu_);
  ++committing_;
}

void DataChangeLog::Committed(std::shared_ptr<const DataChange> change) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --committing_;
    if (change) {
      changes_[change->version] = std::move(change);
      while (changes_.size() > kKeptChanges) changes_.erase(changes_.begin());
    }
  }
  cv_.notify_all();
}

std::optional<std::vector<std::shared_ptr<const DataChange>>> DataChangeLog::Changes(
    int64_t from, int64_t to, std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(mu_);
  auto all_there = [&] {
    for (int64_t v = from + 1; v <= to; ++v) {
      if (!changes_.count(v)) return false;
    }
    return true;
  };
  // A missing version may be a commit of this process between its bump
  // and its entry here; none in flight means it is not coming.
  cv_.wait_for(lock, wait, [&] { return all_there() || committing_ == 0; });
  if (!all_there()) return std::nullopt;
  std::vector<std::shared_ptr<const DataChange>> out;
  for (int64_t v = from + 1; v <= to; ++v) out.push_back(changes_.at(v));
  return out;
}

}  // namespace mara
