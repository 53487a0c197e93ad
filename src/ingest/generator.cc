#include "ingest/generator.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "common/date.h"
#include "common/text.h"
#include "domain/enums.h"
#include "domain/json_codec.h"
#include "domain/model.h"
#include "ingest/incidents_csv.h"

namespace mara {
namespace {

// ---------------------------------------------------------------------------
// Randomness. Everything derives from splitmix64 and xoshiro256**, whose
// output is fixed by their definition, so a seed gives the same data on every
// platform (std:: distributions are implementation-defined).

uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t Hash(uint64_t a, uint64_t b, uint64_t c = 0, uint64_t d = 0) {
  return Mix64(Mix64(Mix64(Mix64(a) ^ b) ^ c) ^ d);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& word : s_) {
      seed += 0x9e3779b97f4a7c15ULL;
      word = Mix64(seed);
    }
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n) by multiply-shift; the bias (< n / 2^64) is irrelevant
  // here and the mapping is exactly reproducible.
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }
  int Between(int lo, int hi) { return lo + static_cast<int>(Below(hi - lo + 1)); }
  bool Percent(int p) { return Below(100) < static_cast<uint64_t>(p); }

  // Index drawn with the given integer weights.
  template <size_t N>
  size_t Weighted(const std::array<int, N>& weights) {
    int total = 0;
    for (int w : weights) total += w;
    int r = static_cast<int>(Below(total));
    for (size_t i = 0; i < N; ++i) {
      if (r < weights[i]) return i;
      r -= weights[i];
    }
    return N - 1;
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// ---------------------------------------------------------------------------
// Fictional names. A syllable is an onset followed by one vowel, and no onset
// starts with a vowel, so a run of syllables splits one way only: distinct
// indices give distinct names.

constexpr std::array<std::string_view, 16> kOnsets = {"b", "d", "g", "k", "l",  "m",  "n",  "r",
                                                      "s", "t", "v", "z", "dr", "kh", "sh", "th"};
constexpr std::array<char, 5> kVowels = {'a', 'e', 'i', 'o', 'u'};
constexpr uint64_t kSyllableCount = kOnsets.size() * kVowels.size();  // 80
constexpr std::array<std::string_view, 5> kCodas = {"", "n", "r", "l", "sh"};

void AppendSyllable(uint64_t k, std::string* out) {
  out->append(kOnsets[k / kVowels.size()]);
  out->push_back(kVowels[k % kVowels.size()]);
}

// A capitalised word of `syllables` syllables and a coda, bijective in
// `index` modulo kSyllableCount^syllables * kCodas.size().
std::string Word(uint64_t index, int syllables) {
  std::string out;
  const uint64_t coda = index % kCodas.size();
  index /= kCodas.size();
  for (int i = 0; i < syllables; ++i) {
    AppendSyllable(index % kSyllableCount, &out);
    index /= kSyllableCount;
  }
  out.append(kCodas[coda]);
  out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

constexpr uint64_t kTwoSyllableNames = kSyllableCount * kSyllableCount * kCodas.size();  // 32,000
constexpr uint64_t kThreeSyllableNames = kTwoSyllableNames * kSyllableCount;

// Spreads consecutive indices over the name space (7919 is coprime with it).
uint64_t Spread(uint64_t index, uint64_t salt, uint64_t space) {
  return (index * 7919 + salt) % space;
}

std::string CountryName(int situation) {
  static constexpr std::array<std::string_view, 4> kEndings = {"ria", "nia", "land", "stan"};
  const uint64_t k = Spread(situation, 1231, kThreeSyllableNames / kCodas.size());
  std::string word = Word(k * kCodas.size(), 2 + static_cast<int>(k % 2));
  return word + std::string(kEndings[situation % kEndings.size()]);
}

std::string GroupRoot(int party) { return Word(Spread(party, 40503, kThreeSyllableNames), 3); }

std::string Acronym(std::string_view name) {
  std::string out;
  bool at_word_start = true;
  for (char c : name) {
    if (c == ' ' || c == '-') {
      at_word_start = true;
    } else {
      if (at_word_start && c >= 'A' && c <= 'Z') out.push_back(c);
      at_word_start = false;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Output: a buffered file written under a temporary name and renamed into
// place by Commit(), so a failed run leaves nothing under the final name.

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

class OutFile {
 public:
  static Result<std::unique_ptr<OutFile>> Create(const std::string& path) {
    std::string tmp = path + ".partial";
    std::unique_ptr<std::FILE, FileCloser> f(std::fopen(tmp.c_str(), "wb"));
    if (!f) return Status::IOError("cannot create " + QuoteForMessage(tmp));
    return std::unique_ptr<OutFile>(new OutFile(path, std::move(tmp), std::move(f)));
  }
  OutFile(const OutFile&) = delete;
  OutFile& operator=(const OutFile&) = delete;
  ~OutFile() {
    if (file_) {
      file_.reset();
      std::error_code ignored;
      std::filesystem::remove(tmp_, ignored);
    }
  }

  std::string& buffer() { return buf_; }
  Status MaybeFlush() { return buf_.size() >= kFlushAt ? Flush() : Status::Ok(); }

  Status Commit() {
    MARA_RETURN_IF_ERROR(Flush());
    if (std::fclose(file_.release()) != 0) {
      return Status::IOError("cannot write " + QuoteForMessage(tmp_));
    }
    std::error_code ec;
    std::filesystem::rename(tmp_, path_, ec);
    if (ec) {
      std::filesystem::remove(tmp_, ec);
      return Status::IOError("cannot rename " + QuoteForMessage(tmp_) + " to " +
                             QuoteForMessage(path_));
    }
    return Status::Ok();
  }

 private:
  static constexpr size_t kFlushAt = 1 << 20;
  OutFile(std::string path, std::string tmp, std::unique_ptr<std::FILE, FileCloser> f)
      : path_(std::move(path)), tmp_(std::move(tmp)), file_(std::move(f)) {
    buf_.reserve(kFlushAt + 64 * 1024);
  }
  Status Flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), file_.get()) != buf_.size()) {
      return Status::IOError("cannot write " + QuoteForMessage(tmp_));
    }
    buf_.clear();
    return Status::Ok();
  }

  std::string path_;
  std::string tmp_;
  std::unique_ptr<std::FILE, FileCloser> file_;
  std::string buf_;
};

void AppendInt(int64_t v, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}

// Zero-padded to `width` digits.
void AppendPadded(int64_t v, int width, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  for (int i = static_cast<int>(r.ptr - buf); i < width; ++i) out->push_back('0');
  out->append(buf, r.ptr);
}

void AppendDate(Date d, std::string* out) {
  AppendPadded(d.year(), 4, out);
  out->push_back('-');
  AppendPadded(d.month(), 2, out);
  out->push_back('-');
  AppendPadded(d.day(), 2, out);
}

// A coordinate held in units of 1e-4 degree, written as the shortest decimal
// that reads back as the same double ("12.5", "-3.0", "0.0004"), which is
// also how the JSON codec prints it.
void AppendCoordinate(int32_t e4, std::string* out) {
  if (e4 < 0) {
    out->push_back('-');
    e4 = -e4;
  }
  AppendInt(e4 / 10000, out);
  out->push_back('.');
  int frac = e4 % 10000;
  if (frac == 0) {
    out->push_back('0');
    return;
  }
  char digits[4];
  for (int i = 3; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  int n = 4;
  while (digits[n - 1] == '0') --n;
  out->append(digits, n);
}

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out->append("\\u00");
          out->push_back(kHex[(c >> 4) & 0xf]);
          out->push_back(kHex[c & 0xf]);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

// ---------------------------------------------------------------------------
// The world: situations, parties and the pools incidents draw from. Its size
// depends on the number of parties and on a capped source pool, never on the
// number of incidents beyond those caps.

enum class Role {
  kStateForces,
  kMovement,
  kPrisonService,  // unit of the state forces
  kSplinter,       // splinter of the movement (or another non-state party)
  kArmedWing,      // unit of a non-state party
  kMilitia,
  kPolice,
  kBorderGuard,  // unit of the state forces
};

struct PartyInfo {
  int situation = 0;
  Role role = Role::kMilitia;
  int parent = -1;
  int splinter_of = -1;
  int first_active_cycle = 0;  // offset from first_cycle
  int last_active_cycle = 0;
  bool renamed = false;
};

struct SituationInfo {
  bool on_agenda = true;
  std::vector<int> parties;
  int32_t lat_e4 = 0;
  int32_t lon_e4 = 0;
};

constexpr int kRegionsPerSituation = 8;
constexpr int kMaxSources = 20000;

const std::array<std::string_view, 6> kNarratives = {
    "Survivor described the assault, at night, by armed men in uniform.",
    "Survivor was held for several days, then released at a roadside; referred for medical care.",
    "Witness reported that the perpetrators said it was \"punishment\" for the village.",
    "Abducted while collecting firewood, held at a camp, and forced to marry a fighter.",
    "Detainee reported sexual torture during interrogation, corroborated by a medical record.",
    "Several women from the same family were assaulted during a house search.",
};

class World {
 public:
  explicit World(const GeneratorOptions& o) : options_(o) {
    const int party_count = EffectivePartyCount(o);
    const int situation_count = std::max(2, party_count / 8);
    situations_.resize(situation_count);
    for (int s = 0; s < situation_count; ++s) {
      SituationInfo& si = situations_[s];
      si.on_agenda = s % 4 != 1;
      const uint64_t h = Hash(o.seed, 11, s);
      si.lat_e4 = -250000 + static_cast<int32_t>(h % 550000);
      si.lon_e4 = -150000 + static_cast<int32_t>((h >> 32) % 1100000);
    }
    // Sizes: even shares, except that a small world keeps the off-agenda
    // situation to a state and a movement so the first one shows every role.
    std::vector<int> sizes(situation_count, party_count / situation_count);
    for (int s = 0; s < party_count % situation_count; ++s) ++sizes[s];
    if (party_count < 16) {
      sizes[0] = party_count - 2;
      sizes[1] = 2;
    }
    parties_.reserve(party_count);
    for (int s = 0; s < situation_count; ++s) {
      for (int j = 0; j < sizes[s]; ++j) AddParty(s, j);
    }
    // Weights follow roughly 1/rank^2 over a seeded ranking, so a few parties
    // commit most incidents and a long tail commits few.
    std::vector<int> order(party_count);
    for (int p = 0; p < party_count; ++p) order[p] = p;
    Rng rng(Hash(o.seed, 12));
    for (int i = party_count - 1; i > 0; --i) {
      std::swap(order[i], order[static_cast<int>(rng.Below(i + 1))]);
    }
    std::vector<uint64_t> weight(party_count);
    for (int r = 0; r < party_count; ++r) {
      weight[order[r]] = 4000000000ULL / (static_cast<uint64_t>(r + 1) * (r + 9));
    }
    cumulative_.assign(o.cycles, std::vector<uint64_t>(party_count));
    for (int c = 0; c < o.cycles; ++c) {
      uint64_t total = 0;
      for (int p = 0; p < party_count; ++p) {
        const PartyInfo& pi = parties_[p];
        bool active = c >= pi.first_active_cycle && c <= pi.last_active_cycle &&
                      Hash(o.seed, 13, p, c) % 100 >= 15;
        if (p == order[0]) active = true;  // no cycle is empty
        total += active ? weight[p] : 0;
        cumulative_[c][p] = total;
      }
    }
    const int64_t source_target = std::max<int64_t>(
        std::max(24, 2 * situation_count), std::min<int64_t>(o.incidents / 100, kMaxSources));
    source_count_ = static_cast<int>(source_target);
    const int64_t per_situation = o.incidents / (situation_count * 20);
    locations_per_situation_ = static_cast<int>(std::clamp<int64_t>(per_situation, 12, 20000));
    for (int r = 0; r < situation_count * kRegionsPerSituation; ++r) {
      region_names_.push_back(Word(Spread(r, 3, kTwoSyllableNames), 2) + " Province");
    }
    id_width_ = 8;
    for (int64_t n = 100000000; n <= o.incidents; n *= 10) ++id_width_;
  }

  const GeneratorOptions& options() const { return options_; }
  int party_count() const { return static_cast<int>(parties_.size()); }
  int situation_count() const { return static_cast<int>(situations_.size()); }
  int source_count() const { return source_count_; }
  const PartyInfo& party(int p) const { return parties_[p]; }
  const SituationInfo& situation(int s) const { return situations_[s]; }
  int locations_per_situation() const { return locations_per_situation_; }

  static std::string SituationId(int s) { return Id("SIT-", s + 1, 3); }
  static std::string PartyId(int p) { return Id("P-", p + 1, 4); }
  static std::string SourceId(int k) { return Id("S-", k + 1, 5); }
  // Allocation-free forms for the incident formatters.
  static void AppendSituationId(int s, std::string* out) {
    out->append("SIT-");
    AppendPadded(s + 1, 3, out);
  }
  static void AppendPartyId(int p, std::string* out) {
    out->append("P-");
    AppendPadded(p + 1, 4, out);
  }
  static void AppendSourceId(int k, std::string* out) {
    out->append("S-");
    AppendPadded(k + 1, 5, out);
  }
  std::string IncidentId(int64_t i) const { return Id("I-", i + 1, id_width_); }
  void AppendIncidentId(int64_t i, std::string* out) const {
    out->append("I-");
    AppendPadded(i + 1, id_width_, out);
  }

  std::string PartyName(int p) const {
    const PartyInfo& pi = parties_[p];
    const std::string country = CountryName(pi.situation);
    switch (pi.role) {
      case Role::kStateForces:
        return "Armed Forces of " + country;
      case Role::kMovement:
        return GroupRoot(p) + " Liberation Movement";
      case Role::kPrisonService:
        return country + " Prison Service";
      case Role::kSplinter:
        return "Revolutionary " + GroupRoot(p) + " Front";
      case Role::kArmedWing:
        return GroupRoot(pi.parent) + " Brigades";
      case Role::kMilitia:
        return GroupRoot(p) + " Defence Militia";
      case Role::kPolice:
        return "National Police of " + country;
      case Role::kBorderGuard:
        return country + " Border Guard";
    }
    return GroupRoot(p);
  }

  Party MakeParty(int p) const {
    const PartyInfo& pi = parties_[p];
    Party party;
    party.id = PartyId(p);
    party.name = PartyName(p);
    party.kind = IsState(pi.role) ? PartyKind::kState : PartyKind::kNonState;
    party.situation = SituationId(pi.situation);
    if (pi.parent >= 0) party.parent = PartyId(pi.parent);
    if (pi.splinter_of >= 0) party.splinter_of = PartyId(pi.splinter_of);
    const std::string acronym = Acronym(party.name);
    if (acronym.size() >= 2) party.aliases.push_back(acronym);
    if (pi.role == Role::kMovement || pi.role == Role::kMilitia) {
      party.aliases.push_back(GroupRoot(p) + " fighters");
    }
    if (pi.renamed) {
      // The party changed its name during the period covered; the old name
      // stays an alias so older reports still resolve.
      const int year = options_.first_cycle + std::max(0, options_.cycles / 2 - 1);
      std::string old_name = GroupRoot(p) + " Resistance";
      NameOverTime before{old_name, std::nullopt, Date::FromYmd(year, 6, 30)};
      NameOverTime after{party.name, Date::FromYmd(year, 7, 1), std::nullopt};
      party.names_over_time = {before, after};
      party.aliases.push_back(old_name);
    }
    return party;
  }

  // Location `k` of situation `s`: a name unique within the situation, a
  // region, and coordinates near the situation's centre (a few have none).
  void AppendLocationName(int s, int k, std::string* out) const {
    out->append(Word(Spread(k, 104729 + s, kTwoSyllableNames), 2));
  }
  const std::string& RegionName(int s, int k) const {
    const int region = static_cast<int>(Hash(options_.seed, 21, s, k) % kRegionsPerSituation);
    return region_names_[s * kRegionsPerSituation + region];
  }
  bool HasAdmin1(int s, int k) const { return Hash(options_.seed, 22, s, k) % 20 != 0; }
  bool HasCoordinates(int s, int k) const { return Hash(options_.seed, 23, s, k) % 10 != 0; }
  int32_t Lat(int s, int k) const {
    return situations_[s].lat_e4 + static_cast<int32_t>(Hash(options_.seed, 24, s, k) % 60001) -
           30000;
  }
  int32_t Lon(int s, int k) const {
    return situations_[s].lon_e4 + static_cast<int32_t>(Hash(options_.seed, 25, s, k) % 60001) -
           30000;
  }

  // Party drawn for an incident of cycle offset `c`.
  int DrawParty(int c, Rng& rng) const {
    const std::vector<uint64_t>& cum = cumulative_[c];
    const uint64_t r = rng.Below(cum.back());
    return static_cast<int>(std::upper_bound(cum.begin(), cum.end(), r) - cum.begin());
  }

  // A source of situation `s` (sources are spread over situations by index).
  int DrawSource(int s, Rng& rng) const {
    const int n = situation_count();
    const int in_situation = (source_count_ - s + n - 1) / n;
    return s + n * static_cast<int>(rng.Below(in_situation));
  }

  static bool IsState(Role role) {
    return role == Role::kStateForces || role == Role::kPrisonService || role == Role::kPolice ||
           role == Role::kBorderGuard;
  }

 private:
  static std::string Id(std::string_view prefix, int64_t n, int width) {
    std::string out(prefix);
    AppendPadded(n, width, &out);
    return out;
  }

  void AddParty(int s, int j) {
    const int p = static_cast<int>(parties_.size());
    SituationInfo& si = situations_[s];
    PartyInfo pi;
    pi.situation = s;
    static constexpr std::array<Role, 8> kFirstRoles = {
        Role::kStateForces, Role::kMovement, Role::kPrisonService, Role::kSplinter,
        Role::kArmedWing,   Role::kMilitia,  Role::kPolice,        Role::kBorderGuard};
    static constexpr std::array<Role, 3> kLaterRoles = {Role::kMilitia, Role::kSplinter,
                                                        Role::kArmedWing};
    pi.role = j < static_cast<int>(kFirstRoles.size()) ? kFirstRoles[j]
                                                       : kLaterRoles[j % kLaterRoles.size()];
    const uint64_t h = Hash(options_.seed, 31, p);
    const auto& members = si.parties;
    auto pick_non_state = [&](bool base_only) {
      std::vector<int> candidates;
      for (int q : members) {
        const PartyInfo& qi = parties_[q];
        if (IsState(qi.role)) continue;
        if (base_only && qi.parent >= 0) continue;
        candidates.push_back(q);
      }
      return candidates.empty() ? -1 : candidates[h % candidates.size()];
    };
    switch (pi.role) {
      case Role::kPrisonService:
      case Role::kBorderGuard:
        pi.parent = members[0];
        break;
      case Role::kSplinter:
        pi.splinter_of = j == 3 ? members[1] : pick_non_state(false);
        break;
      case Role::kArmedWing:
        pi.parent = j == 4 ? members[1] : pick_non_state(true);
        break;
      default:
        break;
    }
    if (pi.role == Role::kArmedWing && pi.parent < 0) pi.role = Role::kMilitia;
    if (pi.role == Role::kSplinter && pi.splinter_of < 0) pi.role = Role::kMilitia;
    const int cycles = options_.cycles;
    pi.first_active_cycle = 0;
    pi.last_active_cycle = cycles - 1;
    if (pi.role == Role::kSplinter && cycles > 1) {
      pi.first_active_cycle = 1 + static_cast<int>((h >> 8) % (cycles - 1));
    } else if (j > 0 && (h >> 16) % 100 < 20) {
      pi.first_active_cycle = static_cast<int>((h >> 24) % cycles);
    }
    if (j > 0 && (h >> 32) % 100 < 20) {
      pi.last_active_cycle =
          pi.first_active_cycle + static_cast<int>((h >> 40) % (cycles - pi.first_active_cycle));
    }
    // The first movement is always renamed so even a tiny data set has one.
    pi.renamed = (pi.role == Role::kMovement || pi.role == Role::kMilitia) &&
                 ((h >> 48) % 4 == 0 || (s == 0 && j == 1));
    si.parties.push_back(p);
    parties_.push_back(pi);
  }

  GeneratorOptions options_;
  std::vector<SituationInfo> situations_;
  std::vector<PartyInfo> parties_;
  std::vector<std::vector<uint64_t>> cumulative_;  // per cycle, per party
  std::vector<std::string> region_names_;          // kRegionsPerSituation per situation
  int source_count_ = 0;
  int locations_per_situation_ = 12;
  int id_width_ = 8;
};

// ---------------------------------------------------------------------------
// Incidents, drawn from (seed, index) alone so that any incident can be
// recomputed (statements cite incidents and need their dates).

struct IncidentDraft {
  int64_t index = 0;
  int situation = 0;
  Date date;
  DatePrecision precision = DatePrecision::kDay;
  int location = 0;
  uint32_t violations = 0;  // bit per Violation
  int64_t victims[5] = {};  // women, girls, men, boys, unknown
  Context context = Context::kOther;
  uint32_t nexus = 0;  // bit per Nexus
  IncidentStatus status = IncidentStatus::kReported;
  std::optional<Date> verified_on;
  int perpetrators[2] = {-1, -1};
  Standard standards[2] = {};
  int perpetrator_count = 0;
  int sources[3] = {};
  int source_count = 0;
  int narrative = -1;
  Consent consent = Consent::kAggregateReporting;
};

IncidentDraft DrawIncident(const World& world, int64_t index) {
  const GeneratorOptions& o = world.options();
  Rng rng(Hash(o.seed, 1, static_cast<uint64_t>(index)));
  IncidentDraft d;
  d.index = index;
  const int c = static_cast<int>(rng.Below(o.cycles));
  const int year = o.first_cycle + c;
  const int p = world.DrawParty(c, rng);
  d.situation = world.party(p).situation;
  const int days_in_year =
      Date::FromYmd(year + 1, 1, 1).DaysSinceEpoch() - Date::FromYmd(year, 1, 1).DaysSinceEpoch();
  Date date = Date::FromDays(Date::FromYmd(year, 1, 1).DaysSinceEpoch() +
                             static_cast<int64_t>(rng.Below(days_in_year)));
  d.precision = static_cast<DatePrecision>(rng.Weighted(std::array<int, 4>{80, 8, 8, 4}));
  if (d.precision == DatePrecision::kMonth) date = Date::FromYmd(year, date.month(), 1);
  if (d.precision == DatePrecision::kYear) date = Date::FromYmd(year, 1, 1);
  d.date = date;
  d.location = static_cast<int>(rng.Below(world.locations_per_situation()));

  static constexpr std::array<int, 12> kViolationWeights = {60, 8, 4, 2, 1, 1, 6, 6, 2, 5, 3, 2};
  const int violation_count = 1 + static_cast<int>(rng.Weighted(std::array<int, 3>{75, 20, 5}));
  for (int i = 0; i < violation_count; ++i) d.violations |= 1u << rng.Weighted(kViolationWeights);

  // Victims: mostly women and girls, sometimes men, boys or unknown.
  d.victims[0] = static_cast<int64_t>(rng.Weighted(std::array<int, 6>{25, 45, 15, 8, 4, 3}));
  d.victims[1] = static_cast<int64_t>(rng.Weighted(std::array<int, 4>{60, 28, 9, 3}));
  d.victims[2] = rng.Percent(8) ? rng.Between(1, 3) : 0;
  d.victims[3] = rng.Percent(4) ? rng.Between(1, 2) : 0;
  d.victims[4] = rng.Percent(5) ? rng.Between(1, 6) : 0;
  if (d.victims[0] + d.victims[1] + d.victims[2] + d.victims[3] + d.victims[4] == 0) {
    d.victims[0] = 1;
  }

  d.context = static_cast<Context>(rng.Weighted(std::array<int, 7>{22, 30, 14, 10, 12, 8, 4}));
  const int nexus_count = static_cast<int>(rng.Weighted(std::array<int, 4>{3, 55, 30, 12}));
  for (int i = 0; i < nexus_count; ++i) {
    d.nexus |= 1u << rng.Weighted(std::array<int, 6>{40, 20, 12, 6, 8, 14});
  }

  d.status = static_cast<IncidentStatus>(rng.Weighted(std::array<int, 4>{12, 20, 58, 10}));
  if (d.status == IncidentStatus::kVerified) {
    d.verified_on = Date::FromDays(date.DaysSinceEpoch() + 10 + rng.Below(360));
  }

  const std::array<int, 3> kStandardWeights = {28, 52, 20};
  d.perpetrators[0] = p;
  d.standards[0] = static_cast<Standard>(rng.Weighted(kStandardWeights));
  d.perpetrator_count = 1;
  if (rng.Percent(15)) {
    const PartyInfo& pi = world.party(p);
    int second = -1;
    if (pi.parent >= 0 && rng.Percent(50)) {
      second = pi.parent;  // a unit named together with its parent
    } else {
      const std::vector<int>& members = world.situation(pi.situation).parties;
      const int q = members[rng.Below(members.size())];
      if (q != p) second = q;
    }
    if (second >= 0) {
      d.perpetrators[1] = second;
      d.standards[1] = static_cast<Standard>(rng.Weighted(kStandardWeights));
      d.perpetrator_count = 2;
    }
  }

  d.source_count = 1 + static_cast<int>(rng.Weighted(std::array<int, 3>{60, 30, 10}));
  for (int i = 0; i < d.source_count; ++i) {
    d.sources[i] = world.DrawSource(d.situation, rng);
    for (int j = 0; j < i; ++j) {
      if (d.sources[j] == d.sources[i]) {
        --d.source_count;
        --i;
        break;
      }
    }
  }
  std::sort(d.sources, d.sources + d.source_count);
  if (rng.Percent(12)) d.narrative = static_cast<int>(rng.Below(kNarratives.size()));
  d.consent = static_cast<Consent>(rng.Weighted(std::array<int, 4>{8, 80, 10, 2}));
  return d;
}

// Matches AppendIncidentRow() of incidents_csv.h byte for byte.
void AppendIncidentCsv(const World& world, const IncidentDraft& d, std::string* out) {
  world.AppendIncidentId(d.index, out);
  out->push_back(',');
  World::AppendSituationId(d.situation, out);
  out->push_back(',');
  AppendDate(d.date, out);
  out->push_back(',');
  out->append(ToString(d.precision));
  out->push_back(',');
  world.AppendLocationName(d.situation, d.location, out);
  out->push_back(',');
  if (world.HasAdmin1(d.situation, d.location)) {
    out->append(world.RegionName(d.situation, d.location));
  }
  out->push_back(',');
  if (world.HasCoordinates(d.situation, d.location)) {
    AppendCoordinate(world.Lat(d.situation, d.location), out);
    out->push_back(',');
    AppendCoordinate(world.Lon(d.situation, d.location), out);
  } else {
    out->push_back(',');
  }
  out->push_back(',');
  bool first = true;
  for (size_t v = 0; v < EnumCount<Violation>(); ++v) {
    if (!(d.violations & (1u << v))) continue;
    if (!first) out->push_back(';');
    out->append(ToString(static_cast<Violation>(v)));
    first = false;
  }
  for (int64_t n : d.victims) {
    out->push_back(',');
    AppendInt(n, out);
  }
  out->push_back(',');
  out->append(ToString(d.context));
  out->push_back(',');
  first = true;
  for (size_t x = 0; x < EnumCount<Nexus>(); ++x) {
    if (!(d.nexus & (1u << x))) continue;
    if (!first) out->push_back(';');
    out->append(ToString(static_cast<Nexus>(x)));
    first = false;
  }
  out->push_back(',');
  out->append(ToString(d.status));
  out->push_back(',');
  if (d.verified_on) AppendDate(*d.verified_on, out);
  out->push_back(',');
  for (int i = 0; i < d.perpetrator_count; ++i) {
    if (i > 0) out->push_back(';');
    World::AppendPartyId(d.perpetrators[i], out);
    out->push_back(':');
    out->append(ToString(d.standards[i]));
  }
  out->push_back(',');
  for (int i = 0; i < d.source_count; ++i) {
    if (i > 0) out->push_back(';');
    World::AppendSourceId(d.sources[i], out);
  }
  out->push_back(',');
  if (d.narrative >= 0) AppendCsvField(kNarratives[d.narrative], out);
  out->push_back(',');
  out->append(ToString(d.consent));
  out->push_back('\n');
}

// Matches ToJson(Incident).dump() of the codec: keys in the documented order,
// absent optionals omitted.
void AppendIncidentJson(const World& world, const IncidentDraft& d, std::string* out) {
  out->append("{\"id\":\"");
  world.AppendIncidentId(d.index, out);
  out->append("\",\"situation\":\"");
  World::AppendSituationId(d.situation, out);
  out->append("\",\"date\":\"");
  AppendDate(d.date, out);
  out->append("\",\"date_precision\":\"");
  out->append(ToString(d.precision));
  out->append("\",\"location\":{\"name\":\"");
  world.AppendLocationName(d.situation, d.location, out);
  out->push_back('"');
  if (world.HasAdmin1(d.situation, d.location)) {
    out->append(",\"admin1\":");
    AppendJsonString(world.RegionName(d.situation, d.location), out);
  }
  if (world.HasCoordinates(d.situation, d.location)) {
    out->append(",\"lat\":");
    AppendCoordinate(world.Lat(d.situation, d.location), out);
    out->append(",\"lon\":");
    AppendCoordinate(world.Lon(d.situation, d.location), out);
  }
  out->append("},\"violations\":[");
  bool first = true;
  for (size_t v = 0; v < EnumCount<Violation>(); ++v) {
    if (!(d.violations & (1u << v))) continue;
    if (!first) out->push_back(',');
    out->push_back('"');
    out->append(ToString(static_cast<Violation>(v)));
    out->push_back('"');
    first = false;
  }
  out->append("],\"victims\":{");
  static constexpr std::array<std::string_view, 5> kVictimKeys = {"women", "girls", "men", "boys",
                                                                  "unknown"};
  for (size_t i = 0; i < kVictimKeys.size(); ++i) {
    if (i > 0) out->push_back(',');
    out->push_back('"');
    out->append(kVictimKeys[i]);
    out->append("\":");
    AppendInt(d.victims[i], out);
  }
  out->append("},\"context\":\"");
  out->append(ToString(d.context));
  out->append("\",\"nexus\":[");
  first = true;
  for (size_t x = 0; x < EnumCount<Nexus>(); ++x) {
    if (!(d.nexus & (1u << x))) continue;
    if (!first) out->push_back(',');
    out->push_back('"');
    out->append(ToString(static_cast<Nexus>(x)));
    out->push_back('"');
    first = false;
  }
  out->append("],\"status\":\"");
  out->append(ToString(d.status));
  out->push_back('"');
  if (d.verified_on) {
    out->append(",\"verified_on\":\"");
    AppendDate(*d.verified_on, out);
    out->push_back('"');
  }
  out->append(",\"perpetrators\":[");
  for (int i = 0; i < d.perpetrator_count; ++i) {
    if (i > 0) out->push_back(',');
    out->append("{\"party\":\"");
    World::AppendPartyId(d.perpetrators[i], out);
    out->append("\",\"standard\":\"");
    out->append(ToString(d.standards[i]));
    out->append("\"}");
  }
  out->append("],\"sources\":[");
  for (int i = 0; i < d.source_count; ++i) {
    if (i > 0) out->push_back(',');
    out->push_back('"');
    World::AppendSourceId(d.sources[i], out);
    out->push_back('"');
  }
  out->push_back(']');
  if (d.narrative >= 0) {
    out->append(",\"narrative\":");
    AppendJsonString(kNarratives[d.narrative], out);
  }
  out->append(",\"consent\":\"");
  out->append(ToString(d.consent));
  out->append("\"}");
}

// ---------------------------------------------------------------------------
// Registry records (everything except incidents). These are few, so they go
// through the codec.

Situation MakeSituation(const World& world, int s) {
  Situation v;
  v.id = World::SituationId(s);
  v.name = CountryName(s);
  v.on_council_agenda = world.situation(s).on_agenda;
  return v;
}

Source MakeSource(const World& world, int k) {
  const GeneratorOptions& o = world.options();
  Rng rng(Hash(o.seed, 2, k));
  const int s = k % world.situation_count();
  const std::string country = CountryName(s);
  Source v;
  v.id = World::SourceId(k);
  // The first sources cover every kind; the rest follow a typical mix.
  if (k < static_cast<int>(EnumCount<SourceKind>())) {
    v.kind = static_cast<SourceKind>(k);
  } else {
    v.kind = static_cast<SourceKind>(
        rng.Weighted(std::array<int, 11>{25, 4, 20, 4, 2, 1, 8, 15, 10, 8, 3}));
  }
  const std::string root = GroupRoot(10000 + k);
  switch (v.kind) {
    case SourceKind::kUnMonitoring:
      v.publisher = "Joint Monitoring Team for " + country;
      v.title = "Monthly monitoring summary, " + country;
      break;
    case SourceKind::kUnInvestigation:
      v.publisher = "Commission of Inquiry on " + country;
      v.title = "Report of the Commission of Inquiry on " + country;
      break;
    case SourceKind::kNgo:
      v.publisher = root + " Women's Rights Network";
      v.title = "Documentation of sexual violence in " + country;
      v.url = "https://example.org/" + v.id;
      break;
    case SourceKind::kNationalAuthority:
      v.publisher = "Ministry of Justice of " + country;
      v.title = "Official statement on investigations";
      break;
    case SourceKind::kJudicial:
      v.publisher = "High Court of " + country;
      v.title = "Judgment in the case of the " + root + " detention facility";
      break;
    case SourceKind::kSanctionsDesignation:
      v.publisher = "Regional Sanctions Committee";
      v.title = "Designation notice concerning " + country;
      break;
    case SourceKind::kMedia:
      v.publisher = root + " Daily";
      v.title = "Reports of abuses near " + root;
      v.url = "https://example.com/news/" + v.id;
      break;
    case SourceKind::kSurvivorTestimony:
      v.publisher = "Field team interview";
      v.title = "Survivor interview " + v.id;
      break;
    case SourceKind::kWitnessTestimony:
      v.publisher = "Field team interview";
      v.title = "Witness interview " + v.id;
      break;
    case SourceKind::kMedicalRecord:
      v.publisher = root + " District Hospital";
      v.title = "Medical record summary " + v.id;
      break;
    case SourceKind::kAcademicDataset:
      v.publisher = "Conflict Sexual Violence Data Project";
      v.title = "Party-year dataset, " + country;
      v.url = "https://example.net/data/" + v.id;
      break;
  }
  const int year = o.first_cycle + static_cast<int>(rng.Below(o.cycles));
  v.date = Date::FromDays(Date::FromYmd(year, 1, 1).DaysSinceEpoch() + rng.Below(365));
  v.reliability = static_cast<char>('A' + rng.Weighted(std::array<int, 6>{10, 35, 30, 12, 3, 10}));
  v.credibility = 1 + static_cast<int>(rng.Weighted(std::array<int, 6>{10, 35, 30, 12, 3, 10}));
  const bool personal = v.kind == SourceKind::kSurvivorTestimony ||
                        v.kind == SourceKind::kWitnessTestimony ||
                        v.kind == SourceKind::kMedicalRecord;
  v.confidential = personal ? !rng.Percent(10) : rng.Percent(3);
  return v;
}

// Sources of a given kind within the pool (few: findings and designations
// cite them).
std::vector<int> SourcesOfKind(const World& world, SourceKind kind) {
  std::vector<int> out;
  for (int k = 0; k < world.source_count(); ++k) {
    if (MakeSource(world, k).kind == kind) out.push_back(k);
  }
  return out;
}

const std::array<std::string_view, 6> kMeasureTexts = {
    "Issue command orders prohibiting sexual violence through the chain of command",
    "Adopt a code of conduct with sanctions for sexual violence",
    "Investigate credible allegations and report on outcomes",
    "Hold commanders accountable for sexual violence by their subordinates",
    "Grant access to monitors to detention facilities and barracks",
    "Designate a high-level focal point on conflict-related sexual violence",
};

// Writes one collection: `count` records built by `make(i)` (which may return
// nullopt to skip an index).
template <typename MakeFn>
Status WriteCollection(OutFile& out, std::string_view name, int64_t count, MakeFn make) {
  std::string& buf = out.buffer();
  buf.append(",\n\"");
  buf.append(name);
  buf.append("\":[");
  bool first = true;
  for (int64_t i = 0; i < count; ++i) {
    auto record = make(i);
    if (!record) continue;
    buf.append(first ? "\n" : ",\n");
    buf.append(ToJson(*record).dump());
    first = false;
    MARA_RETURN_IF_ERROR(out.MaybeFlush());
  }
  buf.append(first ? "]" : "\n]");
  return Status::Ok();
}

Status WriteRegistryHead(const World& world, OutFile& out) {
  out.buffer().append("{\"format\":\"mara-bundle/1\"");
  MARA_RETURN_IF_ERROR(WriteCollection(out, "situations", world.situation_count(),
                                       [&](int64_t s) -> std::optional<Situation> {
                                         return MakeSituation(world, static_cast<int>(s));
                                       }));
  MARA_RETURN_IF_ERROR(WriteCollection(
      out, "parties", world.party_count(),
      [&](int64_t p) -> std::optional<Party> { return world.MakeParty(static_cast<int>(p)); }));
  return WriteCollection(
      out, "sources", world.source_count(),
      [&](int64_t k) -> std::optional<Source> { return MakeSource(world, static_cast<int>(k)); });
}

// Statements: responses citing incidents; their date follows the latest
// incident cited by a few days to a few months.
Status WriteStatements(const World& world, OutFile& out) {
  const GeneratorOptions& o = world.options();
  const int64_t statement_count =
      o.incidents == 0 ? 0 : std::clamp<int64_t>(o.incidents / 2000, 3, 1000);
  return WriteCollection(
      out, "statements", statement_count, [&](int64_t i) -> std::optional<Statement> {
        Rng rng(Hash(o.seed, 7, i));
        Statement st;
        st.id = "ST-";
        AppendPadded(i + 1, 4, &st.id);
        st.kind = static_cast<StatementKind>(rng.Weighted(std::array<int, 4>{40, 25, 20, 15}));
        static constexpr std::array<std::string_view, 4> kBy = {
            "Office of the Special Representative", "Joint Monitoring Team",
            "Coalition for Accountability", "Government spokesperson"};
        st.by = std::string(kBy[static_cast<size_t>(st.kind)]);
        const int cited = rng.Between(1, 3);
        Date latest = Date::FromYmd(o.first_cycle, 1, 1);
        for (int k = 0; k < cited; ++k) {
          const int64_t index = static_cast<int64_t>(rng.Below(o.incidents));
          const std::string id = world.IncidentId(index);
          if (std::find(st.incidents.begin(), st.incidents.end(), id) != st.incidents.end()) {
            continue;
          }
          st.incidents.push_back(id);
          latest = std::max(latest, DrawIncident(world, index).date);
        }
        std::sort(st.incidents.begin(), st.incidents.end());
        st.date = Date::FromDays(latest.DaysSinceEpoch() + 3 + rng.Below(90));
        static constexpr std::array<std::string_view, 4> kTexts = {
            "Condemns the reported acts of sexual violence and calls for accountability.",
            "Takes note of the allegations and urges access for monitors.",
            "Documents the incidents and their pattern in the period under review.",
            "Disputes the attribution of these incidents to state forces.",
        };
        st.text = std::string(kTexts[static_cast<size_t>(st.kind)]);
        return st;
      });
}

// Everything after the incidents; statements only when `with_statements`
// (they cite incidents, so a registry imported before the incidents CSV
// cannot hold them).
Status WriteRegistryTail(const World& world, OutFile& out, bool with_statements) {
  const GeneratorOptions& o = world.options();
  const int parties = world.party_count();
  const int cycles = o.cycles;
  const std::vector<int> dataset_sources = SourcesOfKind(world, SourceKind::kAcademicDataset);
  const std::vector<int> inquiry_sources = SourcesOfKind(world, SourceKind::kUnInvestigation);
  const std::vector<int> sanction_sources = SourcesOfKind(world, SourceKind::kSanctionsDesignation);

  // Findings: aggregate (party, cycle) judgements for about 6% of pairs, from
  // a dataset and sometimes also an inquiry.
  MARA_RETURN_IF_ERROR(WriteCollection(
      out, "findings", static_cast<int64_t>(parties) * cycles * 2,
      [&](int64_t i) -> std::optional<Finding> {
        const int p = static_cast<int>(i / (cycles * 2));
        const int c = static_cast<int>(i / 2 % cycles);
        const int which = static_cast<int>(i % 2);
        Rng rng(Hash(o.seed, 3, p, c));
        if (!rng.Percent(6)) return std::nullopt;
        if (which == 1 && !rng.Percent(40)) return std::nullopt;
        const std::vector<int>& pool = which == 0 ? dataset_sources : inquiry_sources;
        Finding f;
        f.party = World::PartyId(p);
        f.cycle = o.first_cycle + c;
        f.source = World::SourceId(pool[rng.Below(pool.size())]);
        f.level = static_cast<int>(rng.Weighted(std::array<int, 4>{15, 35, 35, 15}));
        if (f.level > 0) {
          f.forms.push_back(Violation::kRape);
          if (rng.Percent(40)) f.forms.push_back(Violation::kSexualSlavery);
        }
        return f;
      }));

  // Commitments: about one party in eight, and the first party.
  MARA_RETURN_IF_ERROR(
      WriteCollection(out, "commitments", parties, [&](int64_t pl) -> std::optional<Commitment> {
        const int p = static_cast<int>(pl);
        Rng rng(Hash(o.seed, 4, p));
        if (p != 0 && !rng.Percent(12)) return std::nullopt;
        Commitment cm;
        cm.id = "C-";
        AppendPadded(p + 1, 4, &cm.id);
        cm.party = World::PartyId(p);
        cm.kind =
            World::IsState(world.party(p).role)
                ? static_cast<CommitmentKind>(rng.Weighted(std::array<int, 5>{40, 30, 20, 10, 0}))
                : static_cast<CommitmentKind>(rng.Weighted(std::array<int, 5>{0, 45, 10, 0, 45}));
        const int year = o.first_cycle + static_cast<int>(rng.Below(cycles));
        const Date signed_on =
            Date::FromDays(Date::FromYmd(year, 1, 1).DaysSinceEpoch() + rng.Below(365));
        cm.signed_on = signed_on;
        // The first commitment has a measure in each state; of the others,
        // some have every measure verified and some are still under way.
        const bool showcase = p == 0;
        const bool all_done = !showcase && rng.Percent(40);
        const int measures =
            showcase ? static_cast<int>(EnumCount<MeasureStatus>()) : rng.Between(2, 4);
        for (int m = 0; m < measures; ++m) {
          Measure ms;
          ms.id = cm.id + "-M" + std::to_string(m + 1);
          ms.text = std::string(kMeasureTexts[(p + m) % kMeasureTexts.size()]);
          ms.due = Date::FromDays(signed_on.DaysSinceEpoch() + 180 + 90 * m);
          if (showcase) {
            ms.status = static_cast<MeasureStatus>(m);
          } else if (all_done) {
            ms.status = MeasureStatus::kVerifiedImplemented;
          } else {
            ms.status =
                static_cast<MeasureStatus>(rng.Weighted(std::array<int, 4>{25, 30, 30, 15}));
          }
          if (ms.status == MeasureStatus::kVerifiedImplemented) {
            ms.verified_on = Date::FromDays(ms.due->DaysSinceEpoch() - 30 + rng.Below(240));
          }
          cm.measures.push_back(ms);
        }
        return cm;
      }));

  // Decisions: a person's decision for about 2% of (party, cycle) pairs.
  MARA_RETURN_IF_ERROR(WriteCollection(
      out, "decisions", static_cast<int64_t>(parties) * cycles,
      [&](int64_t i) -> std::optional<Decision> {
        const int p = static_cast<int>(i / cycles);
        const int c = static_cast<int>(i % cycles);
        Rng rng(Hash(o.seed, 5, p, c));
        if (!rng.Percent(2)) return std::nullopt;
        Decision d;
        d.party = World::PartyId(p);
        d.cycle = o.first_cycle + c;
        d.status = static_cast<PartyStatus>(rng.Weighted(std::array<int, 3>{30, 35, 35}));
        d.decided_by = "Listing Review Panel";
        d.date = Date::FromYmd(d.cycle + 1, 4, 1 + static_cast<int>(rng.Below(28)));
        static constexpr std::array<std::string_view, 3> kRationales = {
            "Information received after the cutoff was weighed by the panel.",
            "The pattern is attributed to a unit whose command structure is disputed.",
            "Access restrictions prevented verification; status set on the available record.",
        };
        d.rationale = std::string(kRationales[rng.Below(kRationales.size())]);
        return d;
      }));

  // Designations: about one non-state party in seven.
  MARA_RETURN_IF_ERROR(
      WriteCollection(out, "designations", parties, [&](int64_t pl) -> std::optional<Designation> {
        const int p = static_cast<int>(pl);
        if (World::IsState(world.party(p).role)) return std::nullopt;
        Rng rng(Hash(o.seed, 6, p));
        if (!rng.Percent(14)) return std::nullopt;
        Designation d;
        d.party = World::PartyId(p);
        d.kind = static_cast<DesignationKind>(rng.Weighted(std::array<int, 3>{50, 35, 15}));
        static constexpr std::array<std::string_view, 3> kAuthorities = {
            "Government of ", "Regional Union", "International Criminal Tribunal for the Region"};
        static constexpr std::array<std::string_view, 3> kPrograms = {
            "Counter-terrorism list", "Restrictive measures regime", "Indictment"};
        const size_t k = static_cast<size_t>(d.kind);
        d.authority = std::string(kAuthorities[k]);
        // A terrorist listing comes from a neighbouring (fictional) state.
        if (k == 0) d.authority += CountryName(world.situation_count() + p % 7);
        d.program = std::string(kPrograms[k]);
        const int year = o.first_cycle + static_cast<int>(rng.Below(cycles));
        d.listed_on = Date::FromDays(Date::FromYmd(year, 1, 1).DaysSinceEpoch() + rng.Below(365));
        if (rng.Percent(20)) d.ended_on = Date::FromDays(d.listed_on.DaysSinceEpoch() + 400);
        if (!sanction_sources.empty() && rng.Percent(70)) {
          d.source = World::SourceId(sanction_sources[rng.Below(sanction_sources.size())]);
        }
        return d;
      }));

  if (with_statements) MARA_RETURN_IF_ERROR(WriteStatements(world, out));

  // Engagements: up to two per party, one in each half of a year, so their
  // (party, date, kind) keys never collide.
  MARA_RETURN_IF_ERROR(WriteCollection(
      out, "engagements", static_cast<int64_t>(parties) * 2,
      [&](int64_t i) -> std::optional<Engagement> {
        const int p = static_cast<int>(i / 2);
        Rng rng(Hash(o.seed, 8, i));
        if (!rng.Percent(35)) return std::nullopt;
        Engagement e;
        e.party = World::PartyId(p);
        const int year = o.first_cycle + static_cast<int>(rng.Below(cycles));
        e.date = Date::FromDays(Date::FromYmd(year, 1, 1).DaysSinceEpoch() + (i % 2) * 182 +
                                rng.Below(182));
        e.kind =
            static_cast<EngagementKind>(rng.Weighted(std::array<int, 6>{50, 15, 5, 10, 12, 8}));
        static constexpr std::array<std::string_view, 6> kNotes = {
            "Meeting with the focal point on the implementation of commitments.",
            "Request for a meeting declined.",
            "Party ended contact with the monitoring team.",
            "Contact resumed after mediation.",
            "Monitors refused entry to a detention facility.",
            "Senior adviser declared persona non grata.",
        };
        e.note = std::string(kNotes[static_cast<size_t>(e.kind)]);
        return e;
      }));

  // Petitions: about one party in twenty petitions; a few repeat without new
  // material, which is inadmissible.
  return WriteCollection(
      out, "petitions", static_cast<int64_t>(parties) * 2,
      [&](int64_t i) -> std::optional<Petition> {
        const int p = static_cast<int>(i / 2);
        const bool repeat = i % 2 == 1;
        Rng rng(Hash(o.seed, 9, p));
        if (!rng.Percent(5)) return std::nullopt;
        const bool has_repeat = rng.Percent(30);
        if (repeat && !has_repeat) return std::nullopt;
        const int c = static_cast<int>(rng.Below(cycles));
        Petition pt;
        pt.party = World::PartyId(p);
        pt.cycle = o.first_cycle + c;
        pt.filed = Date::FromYmd(o.first_cycle + c + 1, repeat ? 9 : 6, 1);
        if (repeat) {
          pt.grounds = "Renewed request for delisting.";
          pt.new_material = false;
          pt.outcome = PetitionOutcome::kInadmissible;
          pt.reason = "Repeat petition without new material since the last decided petition.";
        } else {
          pt.grounds = "The party has implemented its commitments and requests delisting.";
          pt.new_material = true;
          pt.outcome =
              static_cast<PetitionOutcome>(rng.Weighted(std::array<int, 4>{30, 20, 50, 0}));
          if (pt.outcome != PetitionOutcome::kPending) {
            pt.reason = pt.outcome == PetitionOutcome::kGranted
                            ? "Commitments verified as implemented."
                            : "Verified incidents continued in the period.";
          }
        }
        if (pt.outcome != PetitionOutcome::kPending) {
          pt.decided = Date::FromDays(pt.filed.DaysSinceEpoch() + 45);
          pt.decided_by = "Listing Review Panel";
        }
        return pt;
      });
}

constexpr int64_t kProgressEvery = 65536;

}  // namespace

int EffectivePartyCount(const GeneratorOptions& options) {
  if (options.parties > 0) return options.parties;
  return static_cast<int>(std::clamp<int64_t>(options.incidents / 500, 6, 5000));
}

CsvCompanions CompanionPaths(const std::string& csv_path) {
  const std::filesystem::path path(csv_path);
  const std::filesystem::path dir = path.parent_path();
  const std::string stem = path.stem().string();
  return {(dir / (stem + ".registry.json")).string(), (dir / (stem + ".statements.json")).string()};
}

Status Generate(const GeneratorOptions& options, const std::string& out_path,
                const std::function<void(int64_t done, int64_t total)>& progress) {
  if (options.incidents < 0 || options.incidents > 100000000) {
    return Status::InvalidArgument("--incidents: must be between 0 and 100000000, got " +
                                   std::to_string(options.incidents));
  }
  if (options.parties < 0 || options.parties > 5000 ||
      (options.parties > 0 && options.parties < 6)) {
    return Status::InvalidArgument("--parties: must be 0 (automatic) or between 6 and 5000, got " +
                                   std::to_string(options.parties));
  }
  if (options.cycles < 1 || options.cycles > 50) {
    return Status::InvalidArgument("--cycles: must be between 1 and 50, got " +
                                   std::to_string(options.cycles));
  }
  if (options.first_cycle < 1900 || options.first_cycle + options.cycles > 9000) {
    return Status::InvalidArgument("first cycle must be between 1900 and 9000, got " +
                                   std::to_string(options.first_cycle));
  }
  const std::filesystem::path path(out_path);
  const std::string ext = path.extension().string();
  if (ext != ".json" && ext != ".csv") {
    return Status::InvalidArgument("--out: " + QuoteForMessage(out_path) +
                                   " must end in .json (a bundle) or .csv (incidents CSV and "
                                   "registry bundle)");
  }

  const World world(options);
  const int64_t total = options.incidents;
  auto report = [&](int64_t done) {
    if (progress) progress(done, total);
  };

  if (ext == ".json") {
    MARA_ASSIGN_OR_RETURN(std::unique_ptr<OutFile> out, OutFile::Create(out_path));
    MARA_RETURN_IF_ERROR(WriteRegistryHead(world, *out));
    std::string& buf = out->buffer();
    buf.append(",\n\"incidents\":[");
    for (int64_t i = 0; i < total; ++i) {
      buf.append(i == 0 ? "\n" : ",\n");
      AppendIncidentJson(world, DrawIncident(world, i), &buf);
      MARA_RETURN_IF_ERROR(out->MaybeFlush());
      if ((i + 1) % kProgressEvery == 0) report(i + 1);
    }
    buf.append(total == 0 ? "]" : "\n]");
    MARA_RETURN_IF_ERROR(WriteRegistryTail(world, *out, /*with_statements=*/true));
    buf.append("\n}\n");
    MARA_RETURN_IF_ERROR(out->Commit());
    report(total);
    return Status::Ok();
  }

  const CsvCompanions companions = CompanionPaths(out_path);
  MARA_ASSIGN_OR_RETURN(std::unique_ptr<OutFile> registry, OutFile::Create(companions.registry));
  MARA_RETURN_IF_ERROR(WriteRegistryHead(world, *registry));
  MARA_RETURN_IF_ERROR(WriteRegistryTail(world, *registry, /*with_statements=*/false));
  registry->buffer().append("\n}\n");
  MARA_ASSIGN_OR_RETURN(std::unique_ptr<OutFile> statements,
                        OutFile::Create(companions.statements));
  statements->buffer().append("{\"format\":\"mara-bundle/1\"");
  MARA_RETURN_IF_ERROR(WriteStatements(world, *statements));
  statements->buffer().append("\n}\n");

  MARA_ASSIGN_OR_RETURN(std::unique_ptr<OutFile> csv, OutFile::Create(out_path));
  std::string& buf = csv->buffer();
  buf.append(IncidentCsvHeader());
  for (int64_t i = 0; i < total; ++i) {
    AppendIncidentCsv(world, DrawIncident(world, i), &buf);
    MARA_RETURN_IF_ERROR(csv->MaybeFlush());
    if ((i + 1) % kProgressEvery == 0) report(i + 1);
  }
  MARA_RETURN_IF_ERROR(registry->Commit());
  MARA_RETURN_IF_ERROR(statements->Commit());
  MARA_RETURN_IF_ERROR(csv->Commit());
  report(total);
  return Status::Ok();
}

}  // namespace mara
