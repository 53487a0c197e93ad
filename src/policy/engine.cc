#include "policy/engine.h"

#include <algorithm>
#include <array>
#include <climits>
#include <functional>
#include <map>
#include <unordered_map>
#include <utility>

#include "common/text.h"
#include "domain/disclosure.h"

namespace mara {
namespace {

// Status classes of the evidence: listing evidence takes verified incidents
// only, notice evidence verified or under verification.
constexpr int kVerified = 0;
constexpr int kVerifiedOrPending = 1;
constexpr int kClasses = 2;
constexpr int kLevels = static_cast<int>(EnumCount<Standard>());
// Cycles before the first one have no evidence, so they are clean for the
// delisting test; a run this long satisfies any valid delisting.clean_cycles.
constexpr int kCleanBeforeHistory = 1 << 20;

// Flat open-addressing map from strings to ids, for the per-incident
// lookups of party ids and location names: node-based maps cost a cache
// miss per probe, which dominated the scan.
class StringIndex {
 public:
  StringIndex() : slots_(64) {}

  std::optional<uint32_t> Find(std::string_view s) const {
    uint64_t h = Hash(s);
    size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot& slot = slots_[i];
      if (slot.len == kEmpty) return std::nullopt;
      if (slot.hash == h && Key(slot) == s) return slot.id;
    }
  }

  // Inserts `s` with `id` unless present; returns the id it maps to.
  uint32_t Emplace(std::string_view s, uint32_t id) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    uint64_t h = Hash(s);
    size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.len == kEmpty) {
        slot = {h, id, static_cast<uint32_t>(s.size()), arena_.size()};
        arena_.append(s);
        ++size_;
        return id;
      }
      if (slot.hash == h && Key(slot) == s) return slot.id;
    }
  }

  size_t size() const { return size_; }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    uint64_t hash = 0;
    uint32_t id = 0;
    uint32_t len = kEmpty;
    size_t offset = 0;
  };
  static uint64_t Hash(std::string_view s) { return std::hash<std::string_view>{}(s); }
  std::string_view Key(const Slot& slot) const {
    return std::string_view(arena_).substr(slot.offset, slot.len);
  }
  void Grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    size_t mask = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.len == kEmpty) continue;
      size_t i = slot.hash & mask;
      while (slots_[i].len != kEmpty) i = (i + 1) & mask;
      slots_[i] = slot;
    }
  }

  std::vector<Slot> slots_;
  std::string arena_;
  size_t size_ = 0;
};

// Per (party, cycle): for each status class and minimum standard level, the
// number of incidents and their first and last day. An incident of standard
// s counts at every level <= s.
struct SlotStats {
  uint32_t count[kClasses][kLevels] = {};
  int32_t min_day[kClasses][kLevels];
  int32_t max_day[kClasses][kLevels];
  SlotStats() {
    for (auto& row : min_day) std::fill(std::begin(row), std::end(row), INT32_MAX);
    for (auto& row : max_day) std::fill(std::begin(row), std::end(row), INT32_MIN);
  }
};
using SlotLocations = std::array<std::array<uint32_t, kLevels>, kClasses>;

// Open-addressing map from (slot, location) to the highest standard seen at
// that location, per status class (a nibble each, standard + 1, 0 = none).
// Distinct locations at level l are then the keys whose nibble is > l.
class LocationTable {
 public:
  LocationTable() : keys_(1024, 0), values_(1024, 0) {}

  void Merge(uint64_t key, uint8_t bits) {
    if ((size_ + 1) * 2 > keys_.size()) Grow();
    InsertOrMerge(key + 1, bits);
  }

  // Replaces the value of `key` (a removal's new maximum).
  void Set(uint64_t key, uint8_t bits) {
    if ((size_ + 1) * 2 > keys_.size()) Grow();
    const uint64_t stored_key = key + 1;
    size_t mask = keys_.size() - 1;
    size_t i = Mix(stored_key) & mask;
    while (keys_[i] != 0 && keys_[i] != stored_key) i = (i + 1) & mask;
    if (keys_[i] == 0) {
      keys_[i] = stored_key;
      ++size_;
    }
    values_[i] = bits;
  }

  template <typename Fn>
  void ForEach(Fn fn) const {
    for (size_t i = 0; i < keys_.size(); ++i) {
      if (keys_[i] != 0) fn(keys_[i] - 1, values_[i]);
    }
  }

 private:
  static uint64_t Mix(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
  }

  static uint8_t MaxNibbles(uint8_t a, uint8_t b) {
    uint8_t lo = std::max<uint8_t>(a & 0x0f, b & 0x0f);
    uint8_t hi = std::max<uint8_t>(a & 0xf0, b & 0xf0);
    return lo | hi;
  }

  void InsertOrMerge(uint64_t stored_key, uint8_t bits) {
    size_t mask = keys_.size() - 1;
    size_t i = Mix(stored_key) & mask;
    while (true) {
      if (keys_[i] == stored_key) {
        values_[i] = MaxNibbles(values_[i], bits);
        return;
      }
      if (keys_[i] == 0) {
        keys_[i] = stored_key;
        values_[i] = bits;
        ++size_;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  void Grow() {
    std::vector<uint64_t> old_keys(keys_.size() * 2, 0);
    std::vector<uint8_t> old_values(values_.size() * 2, 0);
    old_keys.swap(keys_);
    old_values.swap(values_);
    size_ = 0;
    for (size_t i = 0; i < old_keys.size(); ++i) {
      if (old_keys[i] != 0) InsertOrMerge(old_keys[i], old_values[i]);
    }
  }

  std::vector<uint64_t> keys_;
  std::vector<uint8_t> values_;
  size_t size_ = 0;
};

struct Target {
  uint32_t party;
  int standard;
};

// A party that has something to assess, with its data in cycle order.
struct ActiveParty {
  uint32_t party = 0;
  std::vector<std::pair<int, uint32_t>> slots;  // (cycle, slot)
  // (cycle, number of distinct sources whose highest level is >= L, L=0..3)
  std::vector<std::pair<int, std::array<int64_t, 4>>> findings;
  std::vector<std::pair<int, PartyStatus>> decisions;
  bool attributed = false;
};

struct CycleResult {
  PartyStatus recommended = PartyStatus::kNone;
  PartyStatus status = PartyStatus::kNone;
  uint8_t rule = 5;
  bool decided = false;
  bool delisted = false;
  bool commitments_fulfilled = false;
  int32_t listed_run = 0;
  int32_t notice_run = 0;
  int32_t clean_run = 0;
};

// What the rules read for one party in one cycle.
struct CycleData {
  const SlotStats* stats = nullptr;
  const SlotLocations* locations = nullptr;
  const std::array<int64_t, 4>* findings = nullptr;
  std::optional<PartyStatus> decision;
};

int64_t Count(const CycleData& d, int cls, int level) {
  return d.stats ? d.stats->count[cls][level] : 0;
}
int64_t Locations(const CycleData& d, int cls, int level) {
  return d.locations ? (*d.locations)[cls][level] : 0;
}
int64_t Span(const CycleData& d, int cls, int level) {
  if (Count(d, cls, level) == 0) return 0;
  return static_cast<int64_t>(d.stats->max_day[cls][level]) - d.stats->min_day[cls][level];
}
int64_t SourcesAtLeast(const CycleData& d, int level) {
  return d.findings ? (*d.findings)[level] : 0;
}

bool Pattern(const CycleData& d, int cls, int level, const Policy& p) {
  return Count(d, cls, level) >= p.pattern_min_incidents &&
         (Locations(d, cls, level) >= p.pattern_min_locations ||
          Span(d, cls, level) >= p.pattern_min_span_days);
}

int Level(Standard s) { return static_cast<int>(s); }

}  // namespace

struct Assessor::Impl {
  // One sensitivity run's policy: a threshold moved one step down or up.
  struct Variant {
    std::string parameter;
    std::string direction;
    ParamValue value;
    ParamValue new_value;
    Policy policy;
  };

  // What Finish keeps of one party: whether it is shown, its assessment,
  // and its last cycle's result under the policy and under each variant.
  struct PartyResult {
    bool shown = false;
    PartyAssessment assessment;
    CycleResult base;
    std::vector<CycleResult> variants;
  };

  const Bundle& registry;
  Policy policy;
  int cycle;
  AssessmentScenario scenario;

  std::vector<const Party*> parties;  // sorted by id
  StringIndex party_index;
  std::vector<std::vector<uint32_t>> chains;  // self, parent, grandparent...
  std::vector<bool> in_scope;
  std::vector<std::vector<const Commitment*>> commitments;

  std::vector<std::vector<std::pair<int, uint32_t>>> party_slots;
  // Per party: the incidents that name it or one of its units (within the
  // assessed cycles), whether or not they count.
  std::vector<uint32_t> attributed;
  std::vector<SlotStats> slots;
  LocationTable location_table;
  StringIndex raw_locations;
  StringIndex folded_locations;
  // Per name code (domain/facts.h): the party index or location id found for
  // it, so a store that codes names saves a string hash per fact.
  std::vector<int64_t> party_by_code;
  std::vector<int64_t> location_by_code;
  int min_year = INT_MAX;
  std::vector<Target> targets;  // scratch

  // Kept only by a removable Assessor, so Remove() can undo an Add(): the
  // incidents of each year; each slot's days with their incidents per
  // (first status class, standard); the incidents per (slot, location) and
  // (first status class, standard).
  bool removable = false;
  using ClassStandardCounts = std::array<uint32_t, kClasses * kLevels>;
  struct DayCount {
    int32_t day = 0;
    ClassStandardCounts n{};
  };
  std::map<int, int64_t> year_counts;
  std::vector<std::vector<DayCount>> slot_days;
  std::unordered_map<uint64_t, ClassStandardCounts> location_counts;
  // Each slot's distinct locations, kept as location_counts change (what
  // Prepare() otherwise counts from location_table).
  std::vector<SlotLocations> slot_locations;
  // Finish()'s result per party, reused while nothing the party's rules read
  // has changed: Add() and Remove() clear `cached` for the parties they
  // touch, and a new first cycle clears it for all.
  mutable std::vector<PartyResult> results;
  mutable std::vector<bool> cached;
  mutable int cached_first_cycle = INT_MIN;

  Impl(const Bundle& r, const Policy& p, int y, AssessmentScenario s)
      : registry(r), policy(p), cycle(y), scenario(std::move(s)) {
    for (const Party& party : registry.parties) parties.push_back(&party);
    std::sort(parties.begin(), parties.end(),
              [](const Party* a, const Party* b) { return a->id < b->id; });
    for (uint32_t i = 0; i < parties.size(); ++i) party_index.Emplace(parties[i]->id, i);
    std::unordered_map<std::string_view, bool> agenda;
    for (const Situation& s : registry.situations) agenda[s.id] = s.on_council_agenda;
    chains.resize(parties.size());
    in_scope.resize(parties.size());
    commitments.resize(parties.size());
    party_slots.resize(parties.size());
    attributed.resize(parties.size());
    for (uint32_t i = 0; i < parties.size(); ++i) {
      auto it = agenda.find(parties[i]->situation);
      in_scope[i] = it != agenda.end() && it->second;
      std::vector<uint32_t>& chain = chains[i];
      chain.push_back(i);
      const Party* cur = parties[i];
      // Validation refuses parent cycles; the bound keeps bad data finite.
      while (cur->parent && chain.size() <= parties.size()) {
        std::optional<uint32_t> p = party_index.Find(*cur->parent);
        if (!p) break;
        if (std::find(chain.begin(), chain.end(), *p) != chain.end()) break;
        chain.push_back(*p);
        cur = parties[*p];
      }
    }
    for (const Commitment& c : registry.commitments) {
      if (std::optional<uint32_t> p = party_index.Find(c.party)) commitments[*p].push_back(&c);
    }
  }

  // Fills `targets` with each party the incident counts for and the highest
  // standard among its attributions to that party or its units.
  void CollectTargets(const IncidentFacts& f) {
    targets.clear();
    for (const FactAttribution& a : f.perpetrators) {
      std::optional<uint32_t> party = PartyOf(a);
      if (!party) continue;
      int level = Level(a.standard);
      const std::vector<uint32_t>& chain = chains[*party];
      size_t n = policy.roll_up_to_parent ? chain.size() : 1;
      for (size_t k = 0; k < n; ++k) {
        uint32_t p = chain[k];
        auto t = std::find_if(targets.begin(), targets.end(),
                              [p](const Target& x) { return x.party == p; });
        if (t == targets.end()) {
          targets.push_back({p, level});
        } else {
          t->standard = std::max(t->standard, level);
        }
      }
    }
  }

  bool Counts(const IncidentFacts& f) const {
    return CountsInAssessment(f.consent) && f.violation_count > 0 &&
           (!policy.require_nexus || f.nexus_count > 0);
  }

  static constexpr int64_t kUncached = -2;
  static constexpr int64_t kNotAParty = -1;
  // Codes beyond this are looked up by string rather than cached.
  static constexpr uint32_t kMaxCachedCode = 1u << 24;

  std::optional<uint32_t> PartyOf(const FactAttribution& a) {
    if (a.party_code == 0 || a.party_code >= kMaxCachedCode) return party_index.Find(a.party);
    if (a.party_code >= party_by_code.size()) party_by_code.resize(a.party_code + 1, kUncached);
    int64_t& cached = party_by_code[a.party_code];
    if (cached == kUncached) {
      std::optional<uint32_t> p = party_index.Find(a.party);
      cached = p ? static_cast<int64_t>(*p) : kNotAParty;
    }
    if (cached == kNotAParty) return std::nullopt;
    return static_cast<uint32_t>(cached);
  }

  uint32_t LocationOf(const IncidentFacts& f) {
    const uint32_t code = f.location_code;
    if (code == 0 || code >= kMaxCachedCode) return InternLocation(f.location_name);
    if (code >= location_by_code.size()) location_by_code.resize(code + 1, kUncached);
    int64_t& cached = location_by_code[code];
    if (cached == kUncached) cached = InternLocation(f.location_name);
    return static_cast<uint32_t>(cached);
  }

  // Folds each distinct raw name once.
  uint32_t InternLocation(std::string_view raw) {
    if (std::optional<uint32_t> id = raw_locations.Find(raw)) return *id;
    uint32_t id =
        folded_locations.Emplace(Fold(raw), static_cast<uint32_t>(folded_locations.size()));
    raw_locations.Emplace(raw, id);
    return id;
  }

  uint32_t SlotFor(uint32_t party, int year) {
    auto& list = party_slots[party];
    for (const auto& [y, s] : list) {
      if (y == year) return s;
    }
    uint32_t s = static_cast<uint32_t>(slots.size());
    slots.emplace_back();
    if (removable) {
      slot_days.emplace_back();
      slot_locations.emplace_back();
    }
    list.emplace_back(year, s);
    return s;
  }

  // The nibbles LocationTable keeps for these counts: the highest verified
  // standard + 1 (low) and the highest standard of either class + 1 (high).
  static uint8_t LocationBits(const ClassStandardCounts& n) {
    int verified = 0, any = 0;
    for (int l = 0; l < kLevels; ++l) {
      if (n[kVerified * kLevels + l] > 0) verified = any = l + 1;
      if (n[kVerifiedOrPending * kLevels + l] > 0) any = l + 1;
    }
    return static_cast<uint8_t>(verified | (any << 4));
  }

  // Records (or, with delta -1, removes) one incident of a removable
  // Assessor in `slot` on `day` at `location`.
  void Note(uint32_t slot, uint32_t location, int32_t day, int first_class, int standard,
            int delta) {
    const size_t k = static_cast<size_t>(first_class * kLevels + standard);
    std::vector<DayCount>& days = slot_days[slot];
    auto d = std::lower_bound(days.begin(), days.end(), day,
                              [](const DayCount& x, int32_t v) { return x.day < v; });
    if (d == days.end() || d->day != day) d = days.insert(d, DayCount{day, {}});
    if (delta > 0) {
      ++d->n[k];
    } else {
      --d->n[k];
    }
    if (std::all_of(d->n.begin(), d->n.end(), [](uint32_t v) { return v == 0; })) days.erase(d);
    const uint64_t key = (static_cast<uint64_t>(slot) << 32) | location;
    ClassStandardCounts& at = location_counts[key];
    const uint8_t before = LocationBits(at);
    if (delta > 0) {
      ++at[k];
    } else {
      --at[k];
    }
    const uint8_t after = LocationBits(at);
    if (after == before) return;
    // The location counts at each level below its highest standard + 1.
    SlotLocations& loc = slot_locations[slot];
    for (int l = 0; l < (before & 0x0f); ++l) --loc[kVerified][l];
    for (int l = 0; l < (before >> 4); ++l) --loc[kVerifiedOrPending][l];
    for (int l = 0; l < (after & 0x0f); ++l) ++loc[kVerified][l];
    for (int l = 0; l < (after >> 4); ++l) ++loc[kVerifiedOrPending][l];
  }

  // Recomputes a slot's first and last days from its days (after a removal).
  void RecomputeSpan(uint32_t slot) {
    SlotStats& st = slots[slot];
    for (int c = 0; c < kClasses; ++c) {
      for (int l = 0; l < kLevels; ++l) {
        st.min_day[c][l] = INT32_MAX;
        st.max_day[c][l] = INT32_MIN;
      }
    }
    for (const DayCount& d : slot_days[slot]) {
      for (int fc = 0; fc < kClasses; ++fc) {
        for (int s = 0; s < kLevels; ++s) {
          if (d.n[fc * kLevels + s] == 0) continue;
          for (int c = fc; c < kClasses; ++c) {
            for (int l = 0; l <= s; ++l) {
              st.min_day[c][l] = std::min(st.min_day[c][l], d.day);
              st.max_day[c][l] = std::max(st.max_day[c][l], d.day);
            }
          }
        }
      }
    }
  }

  void Add(const IncidentFacts& f) {
    if (!CountsInAssessment(f.consent)) return;
    int year = f.date.year();
    min_year = std::min(min_year, year);
    if (removable) ++year_counts[year];
    if (year > cycle) return;
    if (!Attribute(f, +1)) return;
    const std::optional<int> counted = FirstClass(f);
    if (!counted) return;
    const int first_class = *counted;
    uint32_t location = LocationOf(f);
    int32_t day = static_cast<int32_t>(f.date.DaysSinceEpoch());
    for (const Target& t : targets) {
      uint32_t slot = SlotFor(t.party, year);
      SlotStats& st = slots[slot];
      for (int c = first_class; c < kClasses; ++c) {
        for (int l = 0; l <= t.standard; ++l) {
          ++st.count[c][l];
          st.min_day[c][l] = std::min(st.min_day[c][l], day);
          st.max_day[c][l] = std::max(st.max_day[c][l], day);
        }
      }
      uint8_t nibble = static_cast<uint8_t>(t.standard + 1);
      uint8_t bits = first_class == kVerified ? static_cast<uint8_t>(nibble | (nibble << 4))
                                              : static_cast<uint8_t>(nibble << 4);
      if (removable) {
        Note(slot, location, day, first_class, t.standard, +1);
      } else {
        location_table.Merge((static_cast<uint64_t>(slot) << 32) | location, bits);
      }
    }
  }

  // Collects the incident's targets and counts it as naming each (delta +1)
  // or no longer (-1); false when it names no party of the registry.
  bool Attribute(const IncidentFacts& f, int delta) {
    CollectTargets(f);
    if (targets.empty()) return false;
    for (const Target& t : targets) {
      if (delta > 0) {
        ++attributed[t.party];
      } else {
        --attributed[t.party];
      }
      Touch(t.party);
    }
    return true;
  }

  // The first status class a counted incident enters (verified, or notice
  // evidence only); nullopt when it does not count.
  std::optional<int> FirstClass(const IncidentFacts& f) const {
    if (!Counts(f)) return std::nullopt;
    if (f.status == IncidentStatus::kVerified) return kVerified;
    if (f.status == IncidentStatus::kUnderVerification) return kVerifiedOrPending;
    return std::nullopt;
  }

  // A removable Assessor's party whose data changed: its kept result is stale.
  void Touch(uint32_t party) {
    if (party < cached.size()) cached[party] = false;
  }

  // The exact inverse of Add(`f`), for a removable Assessor.
  void Remove(const IncidentFacts& f) {
    if (!CountsInAssessment(f.consent)) return;
    int year = f.date.year();
    auto y = year_counts.find(year);
    if (y != year_counts.end() && --y->second == 0) year_counts.erase(y);
    min_year = year_counts.empty() ? INT_MAX : year_counts.begin()->first;
    if (year > cycle) return;
    if (!Attribute(f, -1)) return;
    const std::optional<int> counted = FirstClass(f);
    if (!counted) return;
    const int first_class = *counted;
    uint32_t location = LocationOf(f);
    int32_t day = static_cast<int32_t>(f.date.DaysSinceEpoch());
    for (const Target& t : targets) {
      uint32_t slot = SlotFor(t.party, year);
      SlotStats& st = slots[slot];
      for (int c = first_class; c < kClasses; ++c) {
        for (int l = 0; l <= t.standard; ++l) --st.count[c][l];
      }
      Note(slot, location, day, first_class, t.standard, -1);
      RecomputeSpan(slot);
    }
  }

  // Whether `party`'s situation is on the agenda in `year`.
  bool InScope(uint32_t party, int year) const {
    auto it = scenario.agenda_by_cycle.find(year);
    if (it == scenario.agenda_by_cycle.end()) return in_scope[party];
    return it->second.count(parties[party]->situation) > 0;
  }

  // Rule 2's commitment test: at least one commitment in force by the end of
  // `year`, and every measure of those verified implemented by then.
  bool CommitmentsFulfilled(uint32_t party, int year) const {
    Date end = Date::FromYmd(year, 12, 31);
    bool any = false;
    for (const Commitment* c : commitments[party]) {
      // A commitment signed after the cycle did not exist in it.
      if (c->signed_on && *c->signed_on > end) continue;
      any = true;
      for (const Measure& m : c->measures) {
        if (m.status != MeasureStatus::kVerifiedImplemented) return false;
        if (m.verified_on && *m.verified_on > end) return false;
      }
    }
    return any;
  }

  // Whether the registry records `party` as dissolved by the end of `year`
  // (a dissolution without a date counts in every cycle).
  bool DissolvedBy(uint32_t party, int year) const {
    const std::optional<Dissolution>& d = parties[party]->dissolved;
    return d && (!d->date || *d->date <= Date::FromYmd(year, 12, 31));
  }

  // Rule 2's path for a dissolved party: enough clean cycles, no commitment.
  bool DissolvedEligible(uint32_t party, int year, int32_t clean_run, const Policy& p) const {
    return p.delisting_dissolved_clean_cycles > 0 && DissolvedBy(party, year) &&
           clean_run >= p.delisting_dissolved_clean_cycles;
  }

  struct Prepared {
    int first_cycle = 0;
    std::vector<ActiveParty> active;
    std::vector<SlotLocations> locations;
  };

  Prepared Prepare() const {
    Prepared out;
    if (removable) {
      out.locations = slot_locations;
    } else {
      out.locations.assign(slots.size(), SlotLocations{});
    }
    location_table.ForEach([&](uint64_t key, uint8_t bits) {
      SlotLocations& loc = out.locations[key >> 32];
      int verified_max = bits & 0x0f;
      int pending_max = bits >> 4;
      for (int l = 0; l < verified_max; ++l) ++loc[kVerified][l];
      for (int l = 0; l < pending_max; ++l) ++loc[kVerifiedOrPending][l];
    });

    int first = min_year;
    // (party, cycle) -> source -> highest level
    std::map<std::pair<uint32_t, int>, std::map<std::string_view, int>> finding_levels;
    for (const Finding& f : registry.findings) {
      std::optional<uint32_t> party = party_index.Find(f.party);
      if (!party) continue;
      first = std::min(first, f.cycle);
      if (f.cycle > cycle) continue;
      int& level = finding_levels[{*party, f.cycle}][f.source];
      level = std::max(level, f.level);
    }
    std::vector<std::vector<std::pair<int, PartyStatus>>> decisions(parties.size());
    for (const Decision& d : registry.decisions) {
      std::optional<uint32_t> party = party_index.Find(d.party);
      if (!party) continue;
      first = std::min(first, d.cycle);
      if (d.cycle > cycle) continue;
      decisions[*party].emplace_back(d.cycle, d.status);
    }
    if (scenario.first_cycle && first != INT_MAX) first = std::max(first, *scenario.first_cycle);
    out.first_cycle = first;

    std::vector<std::vector<std::pair<int, std::array<int64_t, 4>>>> findings(parties.size());
    for (const auto& [key, by_source] : finding_levels) {
      std::array<int64_t, 4> at_least{};
      for (const auto& [source, level] : by_source) {
        for (int l = 0; l <= std::clamp(level, 0, 3); ++l) ++at_least[l];
      }
      findings[key.first].emplace_back(key.second, at_least);
    }

    for (uint32_t p = 0; p < parties.size(); ++p) {
      ActiveParty a;
      a.party = p;
      // A slot whose incidents were all removed is no slot: every counted
      // incident counts in the notice class at the lowest level.
      for (const auto& slot : party_slots[p]) {
        if (slots[slot.second].count[kVerifiedOrPending][0] > 0) a.slots.push_back(slot);
      }
      if (a.slots.empty() && findings[p].empty() && decisions[p].empty() && attributed[p] == 0) {
        continue;
      }
      std::sort(a.slots.begin(), a.slots.end());
      a.findings = std::move(findings[p]);  // already in cycle order
      a.decisions = std::move(decisions[p]);
      // Stable: of two decisions for one cycle the later record wins.
      std::stable_sort(a.decisions.begin(), a.decisions.end(),
                       [](const auto& x, const auto& y) { return x.first < y.first; });
      a.attributed = attributed[p] > 0;
      out.active.push_back(std::move(a));
    }
    return out;
  }

  // Runs rules 1-5 for one party from the first cycle to `cycle`; keeps every
  // cycle's result in `history` when given, and returns the last.
  CycleResult Evaluate(const Prepared& prep, const ActiveParty& a, const Policy& p,
                       std::vector<CycleResult>* history) const {
    CycleResult prev;
    prev.clean_run = kCleanBeforeHistory;
    size_t si = 0, fi = 0, di = 0;
    const int list_level = Level(p.listing_min_standard);
    const int notice_level = Level(p.notice_min_standard);
    for (int year = prep.first_cycle; year <= cycle; ++year) {
      const bool scope = InScope(a.party, year);
      CycleData d = DataAt(prep, a, year, &si, &fi, &di);
      CycleResult r;
      const PartyStatus s = prev.status;
      const bool clean = Count(d, kVerified, list_level) == 0 && SourcesAtLeast(d, 1) == 0;
      r.clean_run = clean ? std::min(prev.clean_run + 1, kCleanBeforeHistory) : 0;
      const bool list_pattern =
          Pattern(d, kVerified, list_level, p) ||
          SourcesAtLeast(d, p.findings_list_level) >= p.findings_list_min_sources;
      if (list_pattern && (scope || s == PartyStatus::kListed)) {
        r.recommended = PartyStatus::kListed;
        r.rule = 1;
      } else if (s == PartyStatus::kListed) {
        r.rule = 2;
        r.commitments_fulfilled = CommitmentsFulfilled(a.party, year);
        bool eligible =
            (r.clean_run >= p.delisting_clean_cycles && prev.listed_run >= p.listing_min_cycles &&
             (!p.delisting_requires_commitments || r.commitments_fulfilled)) ||
            DissolvedEligible(a.party, year, r.clean_run, p);
        r.recommended = eligible ? PartyStatus::kNone : PartyStatus::kListed;
        r.delisted = eligible;
      } else if (scope &&
                 (Pattern(d, kVerifiedOrPending, notice_level, p) ||
                  SourcesAtLeast(d, p.findings_notice_level) >= p.findings_notice_min_sources)) {
        r.recommended = PartyStatus::kOnNotice;
        r.rule = 3;
      } else if (s == PartyStatus::kOnNotice && prev.notice_run < p.notice_min_cycles) {
        r.recommended = PartyStatus::kOnNotice;
        r.rule = 4;
      } else {
        r.recommended = PartyStatus::kNone;
        r.rule = 5;
      }
      r.status = r.recommended;
      if (d.decision) {
        r.status = *d.decision;
        r.decided = true;
      }
      r.listed_run = r.status == PartyStatus::kListed ? prev.listed_run + 1 : 0;
      r.notice_run = r.status == PartyStatus::kOnNotice ? prev.notice_run + 1 : 0;
      if (history) history->push_back(r);
      prev = r;
    }
    return prev;
  }

  // The data of `a` for `year`; the cursors advance through its sorted lists.
  CycleData DataAt(const Prepared& prep, const ActiveParty& a, int year, size_t* si, size_t* fi,
                   size_t* di) const {
    CycleData d;
    while (*si < a.slots.size() && a.slots[*si].first < year) ++*si;
    if (*si < a.slots.size() && a.slots[*si].first == year) {
      d.stats = &slots[a.slots[*si].second];
      d.locations = &prep.locations[a.slots[*si].second];
    }
    while (*fi < a.findings.size() && a.findings[*fi].first < year) ++*fi;
    if (*fi < a.findings.size() && a.findings[*fi].first == year)
      d.findings = &a.findings[*fi].second;
    while (*di < a.decisions.size() && a.decisions[*di].first < year) ++*di;
    while (*di < a.decisions.size() && a.decisions[*di].first == year) {
      d.decision = a.decisions[*di].second;
      ++*di;
    }
    return d;
  }

  PartyAssessment Describe(const Prepared& prep, const ActiveParty& a,
                           const std::vector<CycleResult>& history) const {
    const Party& party = *parties[a.party];
    PartyAssessment out;
    out.id = party.id;
    out.name = party.name;
    out.situation = party.situation;
    out.kind = party.kind;
    out.parent = party.parent;
    out.splinter_of = party.splinter_of;
    out.in_scope = InScope(a.party, cycle);
    const CycleResult& r = history.back();
    const CycleResult* prev = history.size() > 1 ? &history[history.size() - 2] : nullptr;
    out.previous_status = prev ? prev->status : PartyStatus::kNone;
    out.recommended_status = r.recommended;
    out.status = r.status;
    out.decided = r.decided;
    out.override = r.decided && r.status != r.recommended;
    out.consecutive_listed_cycles = r.listed_run;
    out.persistent = r.listed_run >= policy.persistent_cycles;
    out.rule = r.rule;
    out.delisted = r.delisted;
    for (size_t i = 0; i < history.size(); ++i) {
      out.history.push_back({prep.first_cycle + static_cast<int>(i), history[i].recommended,
                             history[i].status, history[i].decided, history[i].rule});
    }

    size_t si = 0, fi = 0, di = 0;
    CycleData d = DataAt(prep, a, cycle, &si, &fi, &di);
    const int ll = Level(policy.listing_min_standard);
    const int nl = Level(policy.notice_min_standard);
    Evidence& e = out.evidence;
    e.listing_incidents = Count(d, kVerified, ll);
    e.locations = Locations(d, kVerified, ll);
    e.span_days = Span(d, kVerified, ll);
    e.notice_incidents = Count(d, kVerifiedOrPending, nl);
    e.notice_locations = Locations(d, kVerifiedOrPending, nl);
    e.notice_span_days = Span(d, kVerifiedOrPending, nl);
    for (int l = kLevels - 1; l >= 0; --l) {
      if (Count(d, kVerified, l) > 0) {
        e.max_standard = static_cast<Standard>(l);
        break;
      }
    }
    for (int l = 3; l >= 1; --l) {
      if (SourcesAtLeast(d, l) > 0) {
        e.findings_level = l;
        break;
      }
    }
    e.findings_list_sources = SourcesAtLeast(d, policy.findings_list_level);
    e.findings_notice_sources = SourcesAtLeast(d, policy.findings_notice_level);

    const Policy& p = policy;
    auto add = [&out](std::string rule, std::string evidence, ParamValue threshold,
                      ParamValue observed, bool met) {
      out.criteria.push_back(
          {std::move(rule), std::move(evidence), std::move(threshold), std::move(observed), met});
    };
    auto i64 = [](int64_t v) { return ParamValue(v); };
    add("pattern.min_incidents", "listing", i64(p.pattern_min_incidents), i64(e.listing_incidents),
        e.listing_incidents >= p.pattern_min_incidents);
    add("pattern.min_locations", "listing", i64(p.pattern_min_locations), i64(e.locations),
        e.locations >= p.pattern_min_locations);
    add("pattern.min_span_days", "listing", i64(p.pattern_min_span_days), i64(e.span_days),
        e.span_days >= p.pattern_min_span_days);
    add("findings.list_min_sources", "findings", i64(p.findings_list_min_sources),
        i64(e.findings_list_sources), e.findings_list_sources >= p.findings_list_min_sources);
    add("situation.on_council_agenda", "scope", ParamValue(true), ParamValue(out.in_scope),
        out.in_scope);
    add("pattern.min_incidents", "notice", i64(p.pattern_min_incidents), i64(e.notice_incidents),
        e.notice_incidents >= p.pattern_min_incidents);
    add("pattern.min_locations", "notice", i64(p.pattern_min_locations), i64(e.notice_locations),
        e.notice_locations >= p.pattern_min_locations);
    add("pattern.min_span_days", "notice", i64(p.pattern_min_span_days), i64(e.notice_span_days),
        e.notice_span_days >= p.pattern_min_span_days);
    add("findings.notice_min_sources", "findings", i64(p.findings_notice_min_sources),
        i64(e.findings_notice_sources), e.findings_notice_sources >= p.findings_notice_min_sources);
    if (out.previous_status == PartyStatus::kListed) {
      int64_t span = static_cast<int64_t>(history.size());
      int64_t clean =
          std::min<int64_t>(r.clean_run, std::max<int64_t>(p.delisting_clean_cycles, span));
      add("delisting.clean_cycles", "delisting", i64(p.delisting_clean_cycles), i64(clean),
          r.clean_run >= p.delisting_clean_cycles);
      add("listing.min_cycles", "delisting", i64(p.listing_min_cycles), i64(prev->listed_run),
          prev->listed_run >= p.listing_min_cycles);
      bool fulfilled = CommitmentsFulfilled(a.party, cycle);
      add("delisting.requires_commitments", "delisting",
          ParamValue(p.delisting_requires_commitments), ParamValue(fulfilled),
          !p.delisting_requires_commitments || fulfilled);
      if (party.dissolved) {
        // Observed: the clean cycles if the dissolution counts in this
        // cycle, else 0 (it dates from a later cycle).
        const bool counts = DissolvedBy(a.party, cycle);
        const int64_t dissolved_clean = std::min<int64_t>(
            r.clean_run, std::max<int64_t>(p.delisting_dissolved_clean_cycles, span));
        add("delisting.dissolved_clean_cycles", "delisting",
            i64(p.delisting_dissolved_clean_cycles), i64(counts ? dissolved_clean : 0),
            DissolvedEligible(a.party, cycle, r.clean_run, p));
      }
    }
    if (out.previous_status == PartyStatus::kOnNotice) {
      add("notice.min_cycles", "notice period", i64(p.notice_min_cycles), i64(prev->notice_run),
          prev->notice_run >= p.notice_min_cycles);
    }
    add("persistent.cycles", "persistence", i64(p.persistent_cycles), i64(r.listed_run),
        out.persistent);
    return out;
  }

  static bool AtLeast(const Evidence& a, const Evidence& b) {
    int as = a.max_standard ? Level(*a.max_standard) : -1;
    int bs = b.max_standard ? Level(*b.max_standard) : -1;
    return a.listing_incidents >= b.listing_incidents && a.locations >= b.locations &&
           a.span_days >= b.span_days && as >= bs && a.findings_level >= b.findings_level;
  }

  static std::string Reason(const PartyAssessment& a, const PartyAssessment& b) {
    if (a.override || b.override) return "override";
    // Rules 2 and 4, and rule 1 out of scope, keep a status because of the
    // status before it.
    if (b.rule == 2 || b.rule == 4 || (b.rule == 1 && !b.in_scope)) return "history";
    if (!a.in_scope) return "scope";
    // Measures the audit does not compare: the number of finding sources
    // and the notice evidence.
    return "evidence";
  }

  std::vector<ConsistencyFinding> Audit(const std::vector<PartyAssessment>& parties_out) const {
    std::vector<ConsistencyFinding> out;
    // Only a party with a higher status can be compared with: for each
    // status, the parties above it, in output order, so the pairs are not
    // all visited.
    std::map<PartyStatus, std::vector<const PartyAssessment*>> above;
    for (const PartyAssessment& a : parties_out) {
      auto [it, added] = above.try_emplace(a.status);
      if (!added) continue;
      for (const PartyAssessment& b : parties_out) {
        if (a.status < b.status) it->second.push_back(&b);
      }
    }
    for (const PartyAssessment& a : parties_out) {
      const std::vector<const PartyAssessment*>& higher = above.at(a.status);
      std::map<std::string, std::vector<std::string>> by_reason;
      for (const PartyAssessment* bp : higher) {
        const PartyAssessment& b = *bp;
        if (!AtLeast(a.evidence, b.evidence)) continue;
        by_reason[Reason(a, b)].push_back(b.id);
      }
      for (auto& [reason, ids] : by_reason) {
        out.push_back({a.id, a.status, reason, std::move(ids)});
      }
    }
    return out;
  }

  // Every threshold moved one step each way, where the step stays in range,
  // in the parameter table's order.
  std::vector<Variant> Variants() const {
    std::vector<Variant> out;
    for (const ParamSpec& spec : PolicyParams()) {
      if (!spec.is_threshold) continue;
      for (int step : {-1, 1}) {
        Policy variant = policy;
        ParamValue value = GetParam(policy, spec);
        if (spec.type == ParamType::kInt) {
          int64_t v = std::get<int64_t>(value) + step;
          if (v < spec.min || v > spec.max) continue;
          variant.*spec.int_field = static_cast<int>(v);
        } else {
          int v = Level(policy.*spec.standard_field) + step;
          if (v < 0 || v >= kLevels) continue;
          variant.*spec.standard_field = static_cast<Standard>(v);
        }
        ParamValue new_value = GetParam(variant, spec);
        out.push_back({std::string(spec.key), step < 0 ? "down" : "up", std::move(value),
                       std::move(new_value), std::move(variant)});
      }
    }
    return out;
  }

  PartyResult Assess(const Prepared& prep, const ActiveParty& a,
                     const std::vector<Variant>& variants) const {
    PartyResult out;
    std::vector<CycleResult> history;
    Evaluate(prep, a, policy, &history);
    bool any_status = std::any_of(history.begin(), history.end(), [](const CycleResult& r) {
      return r.status != PartyStatus::kNone;
    });
    if (!a.attributed && a.findings.empty() && !any_status) return out;
    out.shown = true;
    out.assessment = Describe(prep, a, history);
    out.base = history.back();
    out.variants.reserve(variants.size());
    for (const Variant& v : variants) out.variants.push_back(Evaluate(prep, a, v.policy, nullptr));
    return out;
  }

  std::vector<SensitivityRun> Sensitivity(const std::vector<Variant>& variants,
                                          const std::vector<const PartyResult*>& shown) const {
    std::vector<SensitivityRun> out;
    for (size_t k = 0; k < variants.size(); ++k) {
      const Variant& v = variants[k];
      SensitivityRun run;
      run.parameter = v.parameter;
      run.direction = v.direction;
      run.value = v.value;
      run.new_value = v.new_value;
      for (const PartyResult* p : shown) {
        const CycleResult& base = p->base;
        const CycleResult& r = p->variants[k];
        bool was = base.listed_run >= policy.persistent_cycles;
        bool now = r.listed_run >= v.policy.persistent_cycles;
        if (r.status != base.status || was != now) {
          run.changes.push_back({p->assessment.id, base.status, r.status, was, now});
        }
      }
      out.push_back(std::move(run));
    }
    return out;
  }

  Assessment Finish(std::string data_digest, bool audits) const {
    Assessment out;
    out.cycle = cycle;
    out.policy_name = policy.name;
    out.policy_version = policy.version;
    out.policy_digest = PolicyDigest(policy);
    out.data_digest = std::move(data_digest);
    Prepared prep = Prepare();
    if (prep.first_cycle != INT_MAX) out.first_cycle = prep.first_cycle;
    // A kept result serves later Finish()es, with or without the audits.
    const std::vector<Variant> variants = audits || removable ? Variants() : std::vector<Variant>();
    std::vector<const PartyResult*> shown;
    std::vector<PartyResult> fresh;  // without a cache
    if (removable && results.size() != parties.size()) {
      results.resize(parties.size());
      cached.assign(parties.size(), false);
    }
    if (removable && cached_first_cycle != prep.first_cycle) {
      // Every party's history starts at the first cycle: all are stale.
      std::fill(cached.begin(), cached.end(), false);
      cached_first_cycle = prep.first_cycle;
    }
    if (prep.first_cycle <= cycle) {
      if (!removable) fresh.reserve(prep.active.size());
      for (const ActiveParty& a : prep.active) {
        const PartyResult* r;
        if (removable) {
          if (!cached[a.party]) {
            results[a.party] = Assess(prep, a, variants);
            cached[a.party] = true;
          }
          r = &results[a.party];
        } else {
          fresh.push_back(Assess(prep, a, variants));
          r = &fresh.back();
        }
        if (!r->shown) continue;
        shown.push_back(r);
        out.parties.push_back(r->assessment);
      }
    }
    if (audits) {
      out.consistency = Audit(out.parties);
      out.sensitivity = Sensitivity(variants, shown);
    }
    return out;
  }

  std::optional<Standard> CountedStandard(const IncidentFacts& f, std::string_view party) const {
    if (!Counts(f)) return std::nullopt;
    std::optional<uint32_t> target = party_index.Find(party);
    if (!target) return std::nullopt;
    int best = -1;
    for (const FactAttribution& a : f.perpetrators) {
      std::optional<uint32_t> named = party_index.Find(a.party);
      if (!named) continue;
      const std::vector<uint32_t>& chain = chains[*named];
      size_t n = policy.roll_up_to_parent ? chain.size() : 1;
      if (std::find(chain.begin(), chain.begin() + n, *target) != chain.begin() + n) {
        best = std::max(best, Level(a.standard));
      }
    }
    if (best < 0) return std::nullopt;
    return static_cast<Standard>(best);
  }
};

const PartyAssessment* Assessment::Find(std::string_view party_id) const {
  auto it =
      std::lower_bound(parties.begin(), parties.end(), party_id,
                       [](const PartyAssessment& p, std::string_view id) { return p.id < id; });
  if (it == parties.end() || it->id != party_id) return nullptr;
  return &*it;
}

Assessor::Assessor(const Bundle& registry, const Policy& policy, int cycle,
                   AssessmentScenario scenario, Removals removals)
    : impl_(std::make_unique<Impl>(registry, policy, cycle, std::move(scenario))) {
  impl_->removable = removals == Removals::kAllowed;
}
Assessor::~Assessor() = default;

void Assessor::Add(const IncidentFacts& facts) { impl_->Add(facts); }

Status Assessor::Remove(const IncidentFacts& facts) {
  if (!impl_->removable) {
    return Status::InvalidArgument("this assessment was not built to take removals");
  }
  impl_->Remove(facts);
  return Status::Ok();
}

Assessment Assessor::Finish(std::string data_digest, Audits audits) const {
  return impl_->Finish(std::move(data_digest), audits == Audits::kAll);
}

std::optional<Standard> Assessor::CountedStandard(const IncidentFacts& facts,
                                                  std::string_view party_id) const {
  return impl_->CountedStandard(facts, party_id);
}

Assessment AssessBundle(const Bundle& bundle, const Policy& policy, int cycle,
                        std::string data_digest) {
  Assessor assessor(bundle, policy, cycle);
  for (const Incident& incident : bundle.incidents) assessor.Add(FactsOf(incident));
  return assessor.Finish(std::move(data_digest));
}

}  // namespace mara
