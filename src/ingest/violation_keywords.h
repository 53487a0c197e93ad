// The violations that free text names (ACLED notes, HXL descriptions), read
// with a keyword table: by default the one of
// src/ingest/data/violation_keywords.tsv, compiled into the binary so that
// it works from any working directory and when installed
// (docs/importers.md, "Violation keywords").
//
// Contract:
// - The table has one rule a line, "phrase<TAB>violation"; blank lines and
//   lines starting with '#' are comments. The violation is a name of the
//   taxonomy (ParseVocabulary<Violation>). A phrase is words; a word ending
//   in '*' matches every word it begins; "..." between two words allows up
//   to kMaxKeywordGap other words between them. Parse() fails with
//   kInvalidArgument "line N: ..." for an unknown violation, a line without
//   a tab or a phrase with no words.
// - Text and phrases are folded (common/text.h Fold: case, accents) and cut
//   into words at every ASCII character that is not a letter or a digit,
//   so matches fall on word boundaries: "rape" matches "RAPE" and "rape,"
//   but not "raped" or "grape".
// - Find() gives the violations of every rule that matches, in taxonomy
//   order, other_comparable_gravity only when nothing else matched (and
//   then always: the result is never empty).
// - Builtin() parses the compiled table once; thread-safe.
#ifndef MARA_INGEST_VIOLATION_KEYWORDS_H_
#define MARA_INGEST_VIOLATION_KEYWORDS_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/enums.h"

namespace mara {

inline constexpr size_t kMaxKeywordGap = 8;

class ViolationKeywords {
 public:
  static Result<ViolationKeywords> Parse(std::string_view table);
  // The compiled table; kCorruption if it does not parse (a build defect
  // the tests catch).
  static Result<const ViolationKeywords*> Builtin();

  std::vector<Violation> Find(std::string_view text) const;
  size_t size() const { return rules_.size(); }

 private:
  struct Word {
    std::string text;
    bool prefix = false;      // "castrat*"
    bool gap_before = false;  // "..." stood before it
  };
  struct Rule {
    std::vector<Word> words;
    Violation violation;
  };
  static bool MatchFrom(const std::vector<std::string>& tokens, size_t at, const Rule& rule,
                        size_t word);

  std::vector<Rule> rules_;
};

// The text of src/ingest/data/violation_keywords.tsv as built in.
std::string_view BuiltinViolationKeywordsText();

// ViolationKeywords::Builtin()->Find(text).
Result<std::vector<Violation>> ViolationsFromText(std::string_view text);

}  // namespace mara

#endif  // MARA_INGEST_VIOLATION_KEYWORDS_H_
