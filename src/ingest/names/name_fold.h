// Folding of party names for matching: the canonical form that the name
// resolver compares, indexes and looks up.
//
// Contract:
// - FoldName() applies mara::Fold() (NFKC, case fold, marks stripped), then
//   removes noise that does not tell parties apart: parenthesised or
//   bracketed years and date ranges ("(2000-)", "(1989-1994)", "[since
//   2003]"), apostrophes inside words ("Qa'ida" -> "qaida"; the elided
//   articles "l'" and "d'" become their own token), every other
//   non-alphanumeric code point becomes a space, "&" becomes "and", and
//   runs of spaces collapse.
// - Articles and connecting words ("the", "of", "la", "el", "al", ...) are
//   kept in `tokens` and flagged in `is_stop`; `core_tokens` leaves them out
//   so that "The Islamic State" and "Islamic State" share a core. When a
//   name has nothing but stop words, its core is all of its tokens.
// - Input must be valid UTF-8 (IsValidUtf8); invalid bytes are carried
//   through unchanged by Fold() and then treated as punctuation.
// - Pure functions, no shared state: thread-safe.
#ifndef MARA_INGEST_NAMES_NAME_FOLD_H_
#define MARA_INGEST_NAMES_NAME_FOLD_H_

#include <string>
#include <string_view>
#include <vector>

namespace mara::names {

struct FoldedName {
  std::string text;                 // all tokens joined by one space
  std::vector<std::string> tokens;  // every token, in order
  std::vector<bool> is_stop;        // parallel to tokens
  std::string core;                 // core_tokens joined by one space
  std::vector<std::string> core_tokens;
  // First code point of each core token / of each token; empty for names of
  // fewer than two tokens (a single word has no acronym worth matching).
  std::string core_acronym;
  std::string full_acronym;
  bool removed_dates = false;  // a date parenthetical was taken out
};

FoldedName FoldName(std::string_view raw);

// FoldName(raw).text: the key for exact alias matches.
std::string FoldNameText(std::string_view raw);

// True for the articles and connecting words in English, French, Spanish,
// Portuguese, German and transliterated Arabic that FoldName flags.
bool IsStopWord(std::string_view folded_token);

// Decodes UTF-8 into code points (invalid bytes become U+FFFD one by one).
std::u32string DecodeUtf8(std::string_view s);

}  // namespace mara::names

#endif  // MARA_INGEST_NAMES_NAME_FOLD_H_
