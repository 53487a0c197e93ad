#include "service/live_assessment.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/disclosure.h"
#include "domain/facts.h"
#include "service/assess.h"
#include "service/core.h"
#include "storage/store.h"

namespace mara {
namespace {

// The collections besides incidents that the rules read: a change to one
// of them is followed by reading the store again.
bool ChangesTheRules(const DataChange& change) {
  for (std::string_view c : {"situations", "parties", "commitments", "findings", "decisions"}) {
    if (change.collections.count(std::string(c))) return true;
  }
  return false;
}

// One assessment kept current: the registry it was read with, a removable
// Assessor and the forms.
class LiveState {
 public:
  // Reads the store; `*stable` says whether no write landed meanwhile.
  static Result<std::unique_ptr<LiveState>> Read(Store& store, const Policy& policy, int cycle,
                                                 bool with_forms, bool* stable) {
    auto state = std::unique_ptr<LiveState>(new LiveState(policy, cycle, with_forms));
    MARA_ASSIGN_OR_RETURN(int64_t before, store.DataVersion());
    MARA_ASSIGN_OR_RETURN(Bundle registry, store.LoadRegistry());
    MARA_ASSIGN_OR_RETURN(state->digest_, DataDigest(store));
    state->registry_ = std::make_shared<const Bundle>(std::move(registry));
    for (const Party& p : state->registry_->parties) state->parties_[p.id] = &p;
    state->assessor_ =
        std::make_unique<Assessor>(*state->registry_, state->policy_, cycle, AssessmentScenario{},
                                   Assessor::Removals::kAllowed);
    LiveState* s = state.get();
    if (with_forms) {
      MARA_RETURN_IF_ERROR(store.ScanIncidentsWithoutNarratives([s](const Incident& incident) {
        s->assessor_->Add(FactsOf(incident));
        s->Forms(incident, +1);
        return Status::Ok();
      }));
    } else {
      MARA_RETURN_IF_ERROR(store.ScanIncidentFacts([s](const IncidentFacts& facts) {
        s->assessor_->Add(facts);
        return Status::Ok();
      }));
    }
    MARA_ASSIGN_OR_RETURN(int64_t after, store.DataVersion());
    *stable = before == after;
    state->version_ = after;
    return state;
  }

  int64_t version() const { return version_; }
  bool has_forms() const { return with_forms_; }

  // Whether `change` can be applied (else the store is read again).
  static bool Applicable(const DataChange& change) {
    return change.complete && change.data_digest && !ChangesTheRules(change);
  }

  void Apply(const DataChange& change) {
    for (const IncidentChange& c : change.incidents) {
      if (c.before) {
        // Removal mirrors an earlier Add of the same content: it cannot fail
        // on a removable Assessor.
        (void)assessor_->Remove(FactsOf(*c.before));
        Forms(*c.before, -1);
      }
      assessor_->Add(FactsOf(c.after));
      Forms(c.after, +1);
    }
    version_ = change.version;
    digest_ = *change.data_digest;
    full_view_.reset();
    parties_view_.reset();
  }

  // The view at version(); `audits`: with the consistency audit and the
  // sensitivity runs. Kept until the next Apply().
  std::shared_ptr<const LiveView> View(bool audits) {
    std::shared_ptr<const LiveView>& kept = audits ? full_view_ : parties_view_;
    if (kept) return kept;
    auto view = std::make_shared<LiveView>();
    view->version = version_;
    view->registry = registry_;
    view->assessment = assessor_->Finish(
        digest_, audits ? Assessor::Audits::kAll : Assessor::Audits::kPartiesOnly);
    view->has_audits = audits;
    view->has_forms = with_forms_;
    view->forms = forms_;
    kept = std::move(view);
    return kept;
  }

 private:
  LiveState(const Policy& policy, int cycle, bool with_forms)
      : policy_(policy), cycle_(cycle), with_forms_(with_forms) {}

  // Adds (sign +1) or removes (-1) the incident's forms for every party it
  // counts for in the cycle, as the public statement of case counts them:
  // each named party and the parties it belongs to, when the engine counts
  // the incident for them.
  void Forms(const Incident& incident, int sign) {
    if (!with_forms_ || incident.cycle() != cycle_) return;
    if (incident.status != IncidentStatus::kVerified &&
        incident.status != IncidentStatus::kUnderVerification) {
      return;
    }
    if (!IncludesConsent(Edition::kPublic, incident.consent)) return;
    const IncidentFacts facts = FactsOf(incident);
    std::vector<std::string_view> seen;
    for (const Attribution& a : incident.perpetrators) {
      for (auto p = parties_.find(a.party); p != parties_.end();) {
        std::string_view id = p->second->id;
        if (std::find(seen.begin(), seen.end(), id) != seen.end()) break;
        seen.push_back(id);
        if (assessor_->CountedStandard(facts, id)) {
          auto it = forms_.try_emplace(std::string(id)).first;
          for (Violation v : incident.violations) it->second[static_cast<size_t>(v)] += sign;
          bool empty = true;
          for (int64_t n : it->second) empty = empty && n == 0;
          if (empty) forms_.erase(it);
        }
        if (!p->second->parent) break;
        p = parties_.find(*p->second->parent);
      }
    }
  }

  std::shared_ptr<const Bundle> registry_;
  Policy policy_;
  int cycle_;
  bool with_forms_;
  std::unordered_map<std::string_view, const Party*> parties_;
  std::unique_ptr<Assessor> assessor_;
  std::map<std::string, ViolationCounts> forms_;
  int64_t version_ = 0;
  std::string digest_;
  std::shared_ptr<const LiveView> full_view_;
  std::shared_ptr<const LiveView> parties_view_;
};

}  // namespace

struct LiveAssessments::Entry {
  std::mutex mu;
  std::unique_ptr<LiveState> state;
};

Result<std::shared_ptr<const LiveView>> LiveAssessments::View(Store& store, const Policy& policy,
                                                              int cycle, bool with_forms,
                                                              bool audits) {
  MARA_RETURN_IF_ERROR(CheckCycle(cycle));
  const std::string key = PolicyDigest(policy) + "/" + std::to_string(cycle);
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->first == key) {
        entry = it->second;
        entries_.splice(entries_.begin(), entries_, it);
        break;
      }
    }
    if (!entry) {
      entry = std::make_shared<Entry>();
      entries_.emplace_front(key, entry);
      if (entries_.size() > kKeptViews) entries_.pop_back();
    }
  }
  std::lock_guard<std::mutex> lock(entry->mu);
  MARA_ASSIGN_OR_RETURN(int64_t version, store.DataVersion());
  LiveState* state = entry->state.get();
  if (state != nullptr && (state->has_forms() || !with_forms) && state->version() <= version) {
    if (state->version() == version) return state->View(audits);
    auto changes = changes_.Changes(state->version(), version, kChangeWait);
    bool applicable = changes.has_value();
    if (applicable) {
      for (const auto& c : *changes) applicable = applicable && LiveState::Applicable(*c);
    }
    if (applicable) {
      for (const auto& c : *changes) state->Apply(*c);
      std::lock_guard<std::mutex> count(mu_);
      ++applied_;
      return state->View(audits);
    }
  }
  const bool forms = with_forms || (state != nullptr && state->has_forms());
  entry->state.reset();
  bool stable = false;
  for (int attempt = 0; attempt < 2 && !stable; ++attempt) {
    MARA_ASSIGN_OR_RETURN(entry->state, LiveState::Read(store, policy, cycle, forms, &stable));
  }
  {
    std::lock_guard<std::mutex> count(mu_);
    ++rebuilt_;
  }
  std::shared_ptr<const LiveView> view = entry->state->View(audits);
  if (!stable) entry->state.reset();
  return view;
}

uint64_t LiveAssessments::applied() const {
  std::lock_guard<std::mutex> lock(mu_);
  return applied_;
}

uint64_t LiveAssessments::rebuilt() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rebuilt_;
}

Result<std::shared_ptr<const LiveView>> ReadLiveView(Store& store, const Policy& policy, int cycle,
                                                     bool with_forms, bool audits) {
  MARA_RETURN_IF_ERROR(CheckCycle(cycle));
  bool stable = false;
  MARA_ASSIGN_OR_RETURN(std::unique_ptr<LiveState> state,
                        LiveState::Read(store, policy, cycle, with_forms, &stable));
  return state->View(audits);
}

}  // namespace mara
