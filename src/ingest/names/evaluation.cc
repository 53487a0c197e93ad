#include "ingest/names/evaluation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <unordered_map>
#include <unordered_set>

#include "common/text.h"
#include "ingest/csv_reader.h"
#include "ingest/names/name_fold.h"

namespace mara::names {
namespace {

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

size_t Below(uint64_t& state, size_t n) { return static_cast<size_t>(SplitMix64(state) % n); }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsSpelling(std::string_view s) { return !s.empty() && s != "n/a" && s != "N/A"; }

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Spelling substitutions seen between transliterations of the same name
// (Arabic, Persian, Russian, Swahili and others into Latin script).
constexpr std::pair<std::string_view, std::string_view> kTransliterations[] = {
    {"ou", "u"},   {"u", "ou"},  {"kh", "k"},    {"q", "k"},     {"k", "q"},  {"sh", "ch"},
    {"ch", "sh"},  {"dj", "j"},  {"j", "dj"},    {"y", "i"},     {"i", "y"},  {"ee", "i"},
    {"oo", "u"},   {"ph", "f"},  {"c", "k"},     {"w", "v"},     {"v", "w"},  {"aa", "a"},
    {"ei", "ai"},  {"ai", "ei"}, {"dh", "d"},    {"th", "t"},    {"gh", "g"}, {"iyya", "iya"},
    {"ia", "iya"}, {"z", "s"},   {"al-", "el-"}, {"el-", "al-"}, {"e", "a"},  {"x", "ks"}};

// Word abbreviations common in reports and data sets.
constexpr std::pair<std::string_view, std::string_view> kAbbreviations[] = {
    {"government", "Govt."},   {"democratic", "Dem."},    {"movement", "Mvt."},
    {"national", "Nat."},      {"liberation", "Lib."},    {"republic", "Rep."},
    {"revolutionary", "Rev."}, {"united", "Utd."},        {"islamic", "Isl."},
    {"council", "Cncl."},      {"association", "Assn."},  {"organization", "Org."},
    {"organisation", "Org."},  {"independent", "Indep."}, {"popular", "Pop."},
    {"military", "Mil."},      {"federation", "Fed."},    {"brigade", "Brig."},
    {"brigades", "Brigs."}};

std::vector<std::string> SplitWords(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string JoinWords(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) {
    if (!s.empty()) s.push_back(' ');
    s += w;
  }
  return s;
}

bool Typo(std::string_view text, uint64_t& rng, std::string* out) {
  std::string s(text);
  auto letters = [&s]() {
    std::vector<size_t> pos;
    for (size_t i = 0; i < s.size(); ++i) {
      if (IsAsciiLetter(s[i])) pos.push_back(i);
    }
    return pos;
  };
  const size_t n = letters().size();
  if (n < 5) return false;
  const int edits = n >= 8 && Below(rng, 2) == 1 ? 2 : 1;
  for (int e = 0; e < edits; ++e) {
    std::vector<size_t> pos = letters();
    const size_t p = pos[Below(rng, pos.size())];
    const char letter = static_cast<char>('a' + Below(rng, 26));
    switch (Below(rng, 4)) {
      case 0:  // substitution
        s[p] = letter == std::tolower(static_cast<unsigned char>(s[p]))
                   ? static_cast<char>('a' + (letter - 'a' + 1) % 26)
                   : letter;
        break;
      case 1:  // deletion
        s.erase(p, 1);
        break;
      case 2:  // insertion
        s.insert(p + 1, 1, letter);
        break;
      default:  // transposition with the next letter, else a substitution
        if (p + 1 < s.size() && IsAsciiLetter(s[p + 1]) && s[p] != s[p + 1]) {
          std::swap(s[p], s[p + 1]);
        } else {
          s[p] = static_cast<char>('a' + (letter - 'a' + 7) % 26);
        }
        break;
    }
  }
  *out = std::move(s);
  return true;
}

bool Transliterate(std::string_view text, uint64_t& rng, std::string* out) {
  const std::string lower = AsciiLower(text);
  // Transliteration changes words, not acronyms: only positions inside
  // words of four or more letters that are not written in capitals.
  std::vector<bool> in_word(text.size(), false);
  for (size_t i = 0; i < text.size();) {
    size_t j = i;
    bool all_caps = true;
    while (j < text.size() && (IsAsciiLetter(text[j]) || text[j] == '-')) {
      if (text[j] >= 'a' && text[j] <= 'z') all_caps = false;
      ++j;
    }
    if (j - i >= 4 && !all_caps) {
      for (size_t k = i; k < j; ++k) in_word[k] = true;
    }
    i = j == i ? i + 1 : j;
  }
  std::vector<std::pair<size_t, size_t>> options;  // (rule, position)
  for (size_t r = 0; r < std::size(kTransliterations); ++r) {
    const auto& from = kTransliterations[r].first;
    for (size_t pos = lower.find(from); pos != std::string::npos; pos = lower.find(from, pos + 1)) {
      if (in_word[pos] && in_word[pos + from.size() - 1]) options.emplace_back(r, pos);
    }
  }
  if (options.empty()) return false;
  const auto [rule, pos] = options[Below(rng, options.size())];
  std::string s(text);
  s.replace(pos, kTransliterations[rule].first.size(), kTransliterations[rule].second);
  *out = std::move(s);
  return true;
}

bool ChangeArticles(std::string_view text, uint64_t& rng, std::string* out) {
  std::vector<std::string> words = SplitWords(text);
  std::vector<size_t> droppable;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string lower = AsciiLower(words[i]);
    if (words.size() > 1 && IsStopWord(lower)) droppable.push_back(i);
    if (lower.size() > 3 && (lower.starts_with("al-") || lower.starts_with("el-"))) {
      droppable.push_back(i);
    }
  }
  if (droppable.empty()) {
    *out = "The " + std::string(text);
    return true;
  }
  const size_t i = droppable[Below(rng, droppable.size())];
  const std::string lower = AsciiLower(words[i]);
  if (lower.size() > 3 && (lower.starts_with("al-") || lower.starts_with("el-"))) {
    words[i].erase(0, 3);
  } else {
    words.erase(words.begin() + static_cast<std::ptrdiff_t>(i));
  }
  *out = JoinWords(words);
  return true;
}

bool Abbreviate(std::string_view text, uint64_t& rng, std::string* out) {
  const FoldedName folded = FoldName(text);
  std::vector<std::string> words = SplitWords(text);
  std::vector<size_t> abbreviable;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string lower = AsciiLower(words[i]);
    for (const auto& [word, abbreviation] : kAbbreviations) {
      if (lower == word) abbreviable.push_back(i);
    }
  }
  const bool can_acronym = folded.core_tokens.size() >= 3;
  if (!can_acronym && abbreviable.empty()) return false;
  if (can_acronym && (abbreviable.empty() || Below(rng, 2) == 0)) {
    std::string acronym;
    for (const auto& t : folded.core_tokens) {
      acronym.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(t[0]))));
    }
    *out = std::move(acronym);
    return true;
  }
  const size_t i = abbreviable[Below(rng, abbreviable.size())];
  const std::string lower = AsciiLower(words[i]);
  for (const auto& [word, abbreviation] : kAbbreviations) {
    if (lower == word) words[i] = std::string(abbreviation);
  }
  *out = JoinWords(words);
  return true;
}

}  // namespace

std::string_view QueryKindName(QueryKind k) {
  switch (k) {
    case QueryKind::kUcdpAlternative:
      return "UCDP alternative names";
    case QueryKind::kTypo:
      return "typos (1-2 edits)";
    case QueryKind::kTransliteration:
      return "transliterations";
    case QueryKind::kArticle:
      return "articles dropped or added";
    case QueryKind::kAbbreviation:
      return "abbreviations and acronyms";
  }
  return "unknown";
}

Result<std::vector<UcdpActor>> LoadUcdpActors(const std::string& path) {
  MARA_ASSIGN_OR_RETURN(std::unique_ptr<CsvReader> reader, CsvReader::Open(path));
  auto fail = [&path](const Status& s) { return s.WithPrefix(path); };
  Result<bool> got = reader->Next();
  if (!got.ok()) return fail(got.status());
  if (!*got) return Status::InvalidArgument(path + ": empty file, expected a header row");
  const std::vector<std::string_view>& header_view = reader->fields();
  std::vector<std::string> header(header_view.begin(), header_view.end());
  auto column = [&header](std::string_view name) -> int {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return static_cast<int>(i);
    }
    return -1;
  };
  constexpr std::string_view kWhole[] = {"NameOrig", "NameOrigFull", "NameOrigFullEng"};
  constexpr std::string_view kListed[] = {"NewName", "NewNameFullMotherTongue", "NewNameFullEng"};
  std::vector<std::string_view> required = {"ActorId", "NameData"};
  required.insert(required.end(), std::begin(kWhole), std::end(kWhole));
  required.insert(required.end(), std::begin(kListed), std::end(kListed));
  for (std::string_view name : required) {
    if (column(name) < 0) {
      return Status::InvalidArgument(
          fmt::format("{}: line 1: missing column {}", path, QuoteForMessage(name)));
    }
  }

  std::vector<UcdpActor> actors;
  std::unordered_set<std::string> ids;
  while (true) {
    got = reader->Next();
    if (!got.ok()) return fail(got.status());
    if (!*got) break;
    const auto& f = reader->fields();
    const uint64_t line = reader->line();
    if (f.size() != header.size()) {
      return Status::InvalidArgument(fmt::format("{}: line {}: {} fields, the header has {}", path,
                                                 line, f.size(), header.size()));
    }
    UcdpActor actor;
    actor.line = line;
    actor.id = std::string(Trim(f[column("ActorId")]));
    actor.name_data = std::string(Trim(f[column("NameData")]));
    if (actor.id.empty() || actor.name_data.empty()) {
      return Status::InvalidArgument(
          fmt::format("{}: line {}: {} is empty", path, line,
                      actor.id.empty() ? "field ActorId" : "field NameData"));
    }
    if (!ids.insert(actor.id).second) {
      return Status::InvalidArgument(fmt::format("{}: line {}: ActorId {} repeats an earlier row",
                                                 path, line, QuoteForMessage(actor.id)));
    }
    auto add = [&actor](std::string_view s) {
      s = Trim(s);
      if (!IsSpelling(s)) return;
      if (std::find(actor.alternatives.begin(), actor.alternatives.end(), s) ==
          actor.alternatives.end()) {
        actor.alternatives.emplace_back(s);
      }
    };
    for (std::string_view name : kWhole) add(f[column(name)]);
    if (const int loc = column("Location"); loc >= 0) {
      std::string_view cell = f[loc];
      size_t start = 0;
      while (start < cell.size()) {
        size_t comma = cell.find(',', start);
        if (comma == std::string_view::npos) comma = cell.size();
        const std::string_view place = Trim(cell.substr(start, comma - start));
        if (!place.empty()) actor.locations.emplace_back(place);
        start = comma + 1;
      }
    }
    if (const int org = column("Org"); org >= 0) {
      const std::string_view cell = Trim(f[org]);
      actor.org = cell == "4" ? 4 : (cell.empty() ? 0 : 1);
    }
    for (std::string_view name : kListed) {
      std::string_view cell = f[column(name)];
      size_t start = 0;
      while (start <= cell.size()) {
        size_t comma = cell.find(',', start);
        if (comma == std::string_view::npos) comma = cell.size();
        add(cell.substr(start, comma - start));
        start = comma + 1;
      }
    }
    actors.push_back(std::move(actor));
  }
  return actors;
}

bool MakeVariant(std::string_view text, QueryKind kind, uint64_t& rng_state, std::string* out) {
  switch (kind) {
    case QueryKind::kTypo:
      return Typo(text, rng_state, out);
    case QueryKind::kTransliteration:
      return Transliterate(text, rng_state, out);
    case QueryKind::kArticle:
      return ChangeArticles(text, rng_state, out);
    case QueryKind::kAbbreviation:
      return Abbreviate(text, rng_state, out);
    case QueryKind::kUcdpAlternative:
      return false;
  }
  return false;
}

EvaluationSet BuildEvaluationSet(const std::vector<UcdpActor>& actors, uint64_t seed) {
  EvaluationSet set;
  std::unordered_map<std::string, size_t> name_users;  // folded NameData -> actors
  for (const auto& a : actors) ++name_users[FoldNameText(a.name_data)];
  uint64_t rng = seed;
  for (const auto& a : actors) {
    set.registry.push_back({a.id, a.name_data, {}, a.org == 4, a.locations});
    const std::string situation = a.locations.empty() ? std::string() : a.locations.front();
    const std::string own = FoldNameText(a.name_data);
    const bool shared = name_users[own] > 1;
    std::unordered_set<std::string> seen = {own};
    for (const auto& alt : a.alternatives) {
      const std::string folded = FoldNameText(alt);
      if (folded.empty() || !seen.insert(folded).second) continue;
      set.queries.push_back({alt, a.id, QueryKind::kUcdpAlternative, shared, situation});
    }
    for (QueryKind kind : {QueryKind::kTypo, QueryKind::kTransliteration, QueryKind::kArticle,
                           QueryKind::kAbbreviation}) {
      std::string variant;
      if (!MakeVariant(a.name_data, kind, rng, &variant)) continue;
      const std::string folded = FoldNameText(variant);
      // A variant that spells another actor's name is no longer a spelling
      // of this one.
      if (folded.empty() || folded == own || name_users.count(folded) > 0) continue;
      set.queries.push_back({std::move(variant), a.id, kind, shared, situation});
    }
  }
  return set;
}

void DecisionCounts::Add(const DecisionCounts& o) {
  queries += o.queries;
  top1_correct += o.top1_correct;
  accepted += o.accepted;
  accepted_correct += o.accepted_correct;
  reviewed += o.reviewed;
  reviewed_top1 += o.reviewed_top1;
  reviewed_listed += o.reviewed_listed;
  proposed_new += o.proposed_new;
}

namespace {
double Ratio(size_t a, size_t b) { return b == 0 ? 0.0 : static_cast<double>(a) / b; }
}  // namespace

double DecisionCounts::Top1Accuracy() const { return Ratio(top1_correct, queries); }
double DecisionCounts::AcceptPrecision() const { return Ratio(accepted_correct, accepted); }
double DecisionCounts::AcceptRecall() const { return Ratio(accepted_correct, queries); }
double DecisionCounts::ReviewPrecision() const { return Ratio(reviewed_listed, reviewed); }
double DecisionCounts::ReviewRecall() const { return Ratio(reviewed_listed, queries); }

EvaluationReport Evaluate(const NameResolver& resolver, const std::vector<LabelledQuery>& queries,
                          bool with_situation) {
  EvaluationReport report;
  for (const auto& q : queries) {
    const Resolution r =
        resolver.Resolve(q.text, QueryContext{with_situation ? q.situation : std::string()});
    DecisionCounts c;
    c.queries = 1;
    const bool top1 = r.best() != nullptr && r.best()->party_id == q.actor_id;
    const bool listed = std::any_of(r.candidates.begin(), r.candidates.end(),
                                    [&q](const Candidate& k) { return k.party_id == q.actor_id; });
    c.top1_correct = top1 ? 1 : 0;
    switch (r.decision) {
      case Decision::kAccept:
        c.accepted = 1;
        c.accepted_correct = top1 ? 1 : 0;
        break;
      case Decision::kReview:
        c.reviewed = 1;
        c.reviewed_top1 = top1 ? 1 : 0;
        c.reviewed_listed = listed ? 1 : 0;
        break;
      case Decision::kNew:
        c.proposed_new = 1;
        break;
    }
    if (q.shared_name) {
      report.shared_name.Add(c);
    } else {
      report.by_kind[static_cast<size_t>(q.kind)].Add(c);
      if (q.kind == QueryKind::kUcdpAlternative) {
        report.ucdp.Add(c);
      } else {
        report.generated.Add(c);
      }
    }
  }
  return report;
}

std::string EvaluationReport::ToMarkdown() const {
  std::string s =
      "| queries | n | top-1 | accept P | accept R | review share | review P | review R | new "
      "share |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  auto row = [&s](std::string_view label, const DecisionCounts& c) {
    s += fmt::format(
        "| {} | {} | {:.1f}% | {:.1f}% | {:.1f}% | {:.1f}% | {:.1f}% | {:.1f}% | {:.1f}% |\n",
        label, c.queries, 100 * c.Top1Accuracy(), 100 * c.AcceptPrecision(), 100 * c.AcceptRecall(),
        100 * Ratio(c.reviewed, c.queries), 100 * c.ReviewPrecision(), 100 * c.ReviewRecall(),
        100 * Ratio(c.proposed_new, c.queries));
  };
  for (size_t k = 1; k < kQueryKindCount; ++k) {
    row(QueryKindName(static_cast<QueryKind>(k)), by_kind[k]);
  }
  row("all generated variants", generated);
  row("UCDP alternative names", ucdp);
  row("shared NameData (indistinguishable)", shared_name);
  return s;
}

Result<std::vector<HeldOutName>> LoadHeldOutNames(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot open");
  std::vector<HeldOutName> out;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string> f;
    size_t start = 0;
    while (true) {
      const size_t tab = line.find('\t', start);
      f.push_back(line.substr(start, tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    if (f.size() != 4 || f[0].empty() || (f[3] != "state" && f[3] != "non-state")) {
      return Status::InvalidArgument(fmt::format(
          "{}: line {}: expected name, situation, expected party, state|non-state", path, line_no));
    }
    out.push_back({f[0], f[1], f[2], f[3] == "state"});
  }
  if (in.bad()) return Status::IOError(path + ": read error");
  return out;
}

double HeldOutReport::AcceptPrecision() const {
  return accepted == 0 ? 0.0 : static_cast<double>(accepted_correct) / accepted;
}
double HeldOutReport::AcceptRecall() const {
  return with_party == 0 ? 0.0 : static_cast<double>(accepted_correct) / with_party;
}
std::string HeldOutReport::Summary() const {
  return fmt::format(
      "{} names ({} with a party): {} accepted, {} correctly: accept precision {:.3f}, recall "
      "{:.3f}; state forces resolved {} of {}",
      names, with_party, accepted, accepted_correct, AcceptPrecision(), AcceptRecall(),
      state_forces_resolved, state_forces);
}

HeldOutReport EvaluateHeldOut(const NameResolver& resolver, const std::vector<HeldOutName>& names) {
  HeldOutReport report;
  for (const HeldOutName& n : names) {
    const Resolution r = resolver.Resolve(n.name, QueryContext{n.situation});
    ++report.names;
    const bool has_party = n.expected != "new";
    report.with_party += has_party;
    report.state_forces += n.state;
    const bool accepted = r.decision == Decision::kAccept;
    const bool correct = accepted && r.best()->party_id == n.expected;
    report.accepted += accepted;
    report.accepted_correct += correct;
    report.state_forces_resolved += n.state && correct;
    const bool right = correct || (!has_party && !accepted);
    std::string line =
        fmt::format("{} {} [{}] expected {}: {}", right ? "ok  " : (accepted ? "WRONG" : "miss"),
                    n.name, n.situation, n.expected, DecisionName(r.decision));
    if (const Candidate* best = r.best()) {
      line +=
          fmt::format(" {} {:.3f} ({})", best->party_id, best->features.score, best->Describe());
    } else if (!r.note.empty()) {
      line += " (" + r.note + ")";
    }
    report.lines.push_back(std::move(line));
  }
  return report;
}

}  // namespace mara::names
