#include "ingest/violation_keywords.h"

#include <set>

#include "common/text.h"
#include "ingest/dataset_import.h"

namespace mara {
namespace {

// Folded words of `text`: cut at every ASCII byte that is not a letter or a
// digit (bytes of other scripts stay inside words).
std::vector<std::string> KeywordTokens(std::string_view text) {
  const std::string folded = Fold(text);
  std::vector<std::string> out;
  std::string word;
  for (unsigned char c : folded) {
    const bool inside =
        c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (inside) {
      word.push_back(static_cast<char>(c));
    } else if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

}  // namespace

Result<ViolationKeywords> ViolationKeywords::Parse(std::string_view table) {
  ViolationKeywords out;
  uint64_t number = 0;
  while (!table.empty()) {
    const size_t end = table.find('\n');
    std::string_view line = table.substr(0, end);
    table = end == std::string_view::npos ? std::string_view() : table.substr(end + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (TrimBlanks(line).empty() || TrimBlanks(line).front() == '#') continue;
    const std::string where = "line " + std::to_string(number) + ": ";
    const size_t tab = line.find('\t');
    if (tab == std::string_view::npos) {
      return Status::InvalidArgument(where + "expected phrase<TAB>violation, got " +
                                     QuoteForMessage(line));
    }
    const std::string_view name = TrimBlanks(line.substr(line.find_last_of('\t') + 1));
    const std::optional<Violation> violation = ParseVocabulary<Violation>(name);
    if (!violation) {
      return Status::InvalidArgument(where + "unknown violation " + QuoteForMessage(name) +
                                     " (expected " + AllowedValues<Violation>() + ")");
    }
    Rule rule;
    rule.violation = *violation;
    bool gap = false;
    std::string_view phrase = line.substr(0, tab);
    while (!phrase.empty()) {
      const size_t space = phrase.find(' ');
      std::string_view word = phrase.substr(0, space);
      phrase = space == std::string_view::npos ? std::string_view() : phrase.substr(space + 1);
      if (word.empty()) continue;
      if (word == "...") {
        if (rule.words.empty()) {
          return Status::InvalidArgument(where + "a phrase cannot start with '...'");
        }
        gap = true;
        continue;
      }
      const bool prefix = word.back() == '*';
      if (prefix) word.remove_suffix(1);
      std::vector<std::string> tokens = KeywordTokens(word);
      for (size_t i = 0; i < tokens.size(); ++i) {
        rule.words.push_back({std::move(tokens[i]), prefix && i + 1 == tokens.size(), gap});
        gap = false;
      }
    }
    if (rule.words.empty()) return Status::InvalidArgument(where + "a phrase with no words");
    if (gap) return Status::InvalidArgument(where + "a phrase cannot end with '...'");
    out.rules_.push_back(std::move(rule));
  }
  return out;
}

Result<const ViolationKeywords*> ViolationKeywords::Builtin() {
  static const Result<ViolationKeywords> table = Parse(BuiltinViolationKeywordsText());
  if (!table.ok()) {
    return Status::Corruption("the built-in violation keyword table is broken: " +
                              table.status().message());
  }
  return &*table;
}

bool ViolationKeywords::MatchFrom(const std::vector<std::string>& tokens, size_t at,
                                  const Rule& rule, size_t word) {
  const Word& w = rule.words[word];
  const std::string& token = tokens[at];
  const bool same = w.prefix ? token.starts_with(w.text) : token == w.text;
  if (!same) return false;
  if (word + 1 == rule.words.size()) return true;
  const size_t reach = rule.words[word + 1].gap_before ? kMaxKeywordGap + 1 : 1;
  for (size_t next = at + 1; next < tokens.size() && next <= at + reach; ++next) {
    if (MatchFrom(tokens, next, rule, word + 1)) return true;
  }
  return false;
}

std::vector<Violation> ViolationKeywords::Find(std::string_view text) const {
  const std::vector<std::string> tokens = KeywordTokens(text);
  std::set<Violation> found;
  for (const Rule& rule : rules_) {
    if (found.count(rule.violation)) continue;
    for (size_t at = 0; at < tokens.size(); ++at) {
      if (MatchFrom(tokens, at, rule, 0)) {
        found.insert(rule.violation);
        break;
      }
    }
  }
  if (found.size() > 1) found.erase(Violation::kOtherComparableGravity);
  if (found.empty()) return {Violation::kOtherComparableGravity};
  return std::vector<Violation>(found.begin(), found.end());
}

Result<std::vector<Violation>> ViolationsFromText(std::string_view text) {
  MARA_ASSIGN_OR_RETURN(const ViolationKeywords* table, ViolationKeywords::Builtin());
  return table->Find(text);
}

}  // namespace mara
