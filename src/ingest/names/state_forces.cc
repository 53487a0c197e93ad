#include "ingest/names/state_forces.h"

#include <cstdio>
#include <cstdlib>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace mara::names {
namespace {

// Words that name a force or the government: a state force has one.
constexpr std::string_view kHeads[] = {
    "government",  "govt",    "forces",   "force",    "army",    "armed",  "armee",
    "armees",      "police",  "military", "defence",  "defense", "troops", "navy",
    "gendarmerie", "fuerzas", "armadas",  "ejercito", "policia", "forcas", "tatmadaw"};
// Other words state forces' names are made of.
constexpr std::string_view kOthers[] = {
    "national",     "nationale", "nationales",   "nacional",   "peoples",      "people",
    "security",     "service",   "services",     "federal",    "regime",       "guard",
    "guards",       "border",    "presidential", "republican", "republicaine", "special",
    "intelligence", "air",       "naval",        "unit",       "units",        "elements",
    "members",      "personnel", "officers",     "soldiers",   "integrated",   "reserve",
    "defense",      "securite",  "defence",      "republic",   "republique",   "governmental",
    "mixed",        "joint",     "royal",        "auxiliary",  "auxiliaries"};

struct Table {
  std::unordered_set<std::string> heads, others;
  // Folded text of a country name, alias or demonym -> countries.
  std::unordered_map<std::string, std::vector<const Country*>> places;
  std::unordered_map<std::string, std::string> place_kind;  // "demonym", "country"
  std::unordered_map<std::string, const Country*> forces, acronyms;
  std::unordered_set<std::string> nots;
  size_t longest_place = 1;  // in tokens
};

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    const size_t at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + 1);
  }
}

[[noreturn]] void Abort(int line, const std::string& what) {
  std::fprintf(stderr, "state_forces.tsv: line %d: %s\n", line, what.c_str());
  std::abort();
}

void AddPlace(Table& t, const std::string& raw, const Country* c, std::string_view kind) {
  const FoldedName f = FoldName(raw);
  if (f.text.empty()) return;
  auto& v = t.places[f.text];
  for (const Country* x : v) {
    if (x == c) return;
  }
  v.push_back(c);
  t.place_kind.emplace(f.text, kind);
  t.longest_place = std::max(t.longest_place, f.tokens.size());
}

Table BuildTable() {
  Table t;
  for (auto w : kHeads) t.heads.emplace(w);
  for (auto w : kOthers) t.others.emplace(w);
  for (const Country& c : Countries()) {
    AddPlace(t, c.name, &c, "country");
    for (const std::string& a : c.aliases) AddPlace(t, a, &c, "country");
  }
  int line_no = 0;
  for (std::string_view line : Split(BuiltinStateForcesText(), '\n')) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    const std::vector<std::string_view> f = Split(line, '\t');
    if (f.size() != 3) Abort(line_no, "expected 3 tab-separated fields");
    const std::string name(f[2]);
    const std::string folded = FoldNameText(name);
    if (folded.empty()) Abort(line_no, "a name without letters");
    if (f[0] == "not") {
      t.nots.insert(folded);
      continue;
    }
    std::vector<const Country*> countries;
    for (std::string_view code : Split(f[1], ';')) {
      const Country* c = FindCountryByAlpha3(code);
      if (c == nullptr) Abort(line_no, "unknown alpha-3 code " + std::string(code));
      countries.push_back(c);
    }
    if (f[0] == "demonym" || f[0] == "country") {
      for (const Country* c : countries) AddPlace(t, name, c, f[0]);
    } else if (f[0] == "force") {
      t.forces[folded] = countries.front();
    } else if (f[0] == "acronym") {
      t.acronyms[folded] = countries.front();
    } else {
      Abort(line_no, "unknown kind " + std::string(f[0]));
    }
  }
  return t;
}

const Table& TheTable() {
  static const Table table = BuildTable();
  return table;
}

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

std::optional<StateForce> ReadStateForce(const FoldedName& name, const Country* situation) {
  const Table& t = TheTable();
  if (name.text.empty() || t.nots.count(name.text)) return std::nullopt;
  if (auto it = t.forces.find(name.text); it != t.forces.end()) {
    return StateForce{it->second, false, false, "force name " + Quoted(name.text)};
  }
  if (auto it = t.acronyms.find(name.text); it != t.acronyms.end()) {
    if (situation != nullptr && situation != it->second) return std::nullopt;
    return StateForce{it->second, false, false, "acronym " + Quoted(name.text)};
  }
  // Cheap test first: most names hold no word of a force.
  bool any_head = false;
  for (const std::string& tok : name.tokens) {
    if (t.heads.count(tok)) {
      any_head = true;
      break;
    }
  }
  if (!any_head) return std::nullopt;
  const Country* country = nullptr;
  std::string how;
  bool only_government = true;
  const size_t n = name.tokens.size();
  for (size_t i = 0; i < n;) {
    bool placed = false;
    for (size_t len = std::min(t.longest_place, n - i); len >= 1 && !placed; --len) {
      std::string span = name.tokens[i];
      for (size_t k = 1; k < len; ++k) span += " " + name.tokens[i + k];
      auto it = t.places.find(span);
      if (it == t.places.end()) continue;
      const Country* c = it->second.front();
      for (const Country* x : it->second) {
        if (x == situation) c = x;
      }
      if (country != nullptr && country != c) return std::nullopt;  // two countries
      if (country == nullptr) how = t.place_kind.at(span) + " " + Quoted(span);
      country = c;
      i += len;
      placed = true;
    }
    if (placed) continue;
    const std::string& tok = name.tokens[i];
    if (!name.is_stop[i] && !t.heads.count(tok) && !t.others.count(tok)) return std::nullopt;
    if (!name.is_stop[i] && tok != "government" && tok != "govt" && tok != "federal") {
      only_government = false;
    }
    ++i;
  }
  if (country == nullptr) {
    // Without a country, only words that belong to no armed group: "Armed
    // forces", "Government forces", "Security forces", "Police"; not
    // "People's Defence Force" or "National Army", which armed groups use.
    if (situation == nullptr) return std::nullopt;
    bool state_word = false;
    for (const std::string& tok : name.tokens) {
      if (tok == "peoples" || tok == "people") return std::nullopt;  // "People's Armed Forces"
      state_word = state_word || tok == "government" || tok == "govt" || tok == "armed" ||
                   tok == "military" || tok == "police" || tok == "gendarmerie" ||
                   tok == "security" || tok == "armees";
    }
    if (!state_word) return std::nullopt;
    return StateForce{situation, only_government, true, "the situation"};
  }
  return StateForce{country, only_government, false, how};
}

std::optional<StateForce> ReadStateForce(std::string_view raw, const Country* situation) {
  return ReadStateForce(FoldName(raw), situation);
}

const Country* CountryOfSituation(std::string_view situation) {
  std::string_view s = situation;
  if (s.rfind("SIT-", 0) == 0) {
    s.remove_prefix(4);
    std::string spaced(s);
    for (char& c : spaced) {
      if (c == '-') c = ' ';
    }
    return FindCountryByName(spaced);
  }
  return FindCountry(s);
}

}  // namespace mara::names
