// Mara's texts in six languages (docs/reports.md, "Languages"): message
// catalogues, one JSON file per language and catalogue (a flat object:
// key -> ICU MessageFormat pattern), compiled into the binary at build time
// (CMakeLists.txt writes generated/messages_data.cc), and the numbers of
// each language. Two catalogues share one lookup: the report's fixed texts
// (src/report/locales/LANG.json) and the policy's explanations
// (src/policy/locales/LANG.json, keys "explain.*"); a key is defined in one
// catalogue only (CatalogueCollisions, which the tests keep empty).
//
// Contract:
// - ParseLanguage accepts exactly "ar", "en", "es", "fr", "ru" and "zh";
//   anything else is kInvalidArgument naming the accepted values.
// - Message(lang, key, args) formats the key's pattern in that language with
//   icu::MessageFormat and named arguments: integers and doubles as numbers
//   (so plural and select work), strings as strings. Each pattern is parsed
//   once per language and key and cached. A key missing from the catalogue,
//   or a pattern ICU rejects, never throws: the result is "[[key]]" and the
//   key is recorded (MissingLookups), which the tests turn into failures.
// - FormatCount and FormatDecimal use the language's icu::NumberFormat
//   (Arabic with Western digits, as the United Nations' Arabic documents
//   print them); in English FormatCount(1234567) is "1,234,567".
// - Direction is "rtl" for Arabic, "ltr" for the others.
// - Catalogue access (CatalogueNames, CatalogueKeys, CataloguePattern,
//   CatalogueOf, CatalogueCollisions, ArgumentNames) is for tests and
//   tools; ArgumentNames is kInvalidArgument when ICU cannot
//   parse the pattern in its language, kNotFound when the key is missing.
// All functions are thread-safe.
#ifndef MARA_I18N_MESSAGES_H_
#define MARA_I18N_MESSAGES_H_

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"

namespace mara::i18n {

enum class Language { kAr, kEn, kEs, kFr, kRu, kZh };
inline constexpr Language kAllLanguages[] = {Language::kAr, Language::kEn, Language::kEs,
                                             Language::kFr, Language::kRu, Language::kZh};

// "ar", "en", "es", "fr", "ru" or "zh"; kInvalidArgument naming --lang otherwise.
Result<Language> ParseLanguage(std::string_view text);
// The language an HTTP Accept-Language header asks for: of the ranges it
// lists ("fr-CA,fr;q=0.9,ar;q=0.5"), the one with the highest q whose
// primary subtag is one of the six (ties: the first listed); English when
// none is, when the header is empty or malformed, or for "*".
Language NegotiateLanguage(std::string_view accept_language);
// "ar", "en", ... (the BCP 47 tag written in <html lang>).
std::string_view LanguageCode(Language lang);
// "rtl" for Arabic, "ltr" otherwise.
std::string_view Direction(Language lang);

// One named argument of a message.
class MessageArg {
 public:
  template <std::integral T>
  MessageArg(std::string_view name, T value) : name_(name), value_(static_cast<int64_t>(value)) {}
  MessageArg(std::string_view name, double value) : name_(name), value_(value) {}
  MessageArg(std::string_view name, std::string value) : name_(name), value_(std::move(value)) {}
  MessageArg(std::string_view name, std::string_view value)
      : name_(name), value_(std::string(value)) {}
  MessageArg(std::string_view name, const char* value) : name_(name), value_(std::string(value)) {}

  const std::string& name() const { return name_; }
  const std::variant<int64_t, double, std::string>& value() const { return value_; }

 private:
  std::string name_;
  std::variant<int64_t, double, std::string> value_;
};

// The key's message in `lang` with the named arguments (see the contract).
// (Named Message, not Format: the report's enum Format is used beside it.)
std::string Message(Language lang, std::string_view key,
                    std::initializer_list<MessageArg> args = {});
// Whether the language's catalogue has the key.
bool HasMessage(Language lang, std::string_view key);

// 1234567 -> "1,234,567" (en), "1 234 567" (fr, with narrow no-break spaces), ...;
// without grouping ("2025") for years and other numbers that are names.
std::string FormatCount(Language lang, int64_t value, bool grouping = true);
// The number with exactly `decimals` fraction digits: 3.25, 1 -> "3.3" (en), "3,3" (fr).
std::string FormatDecimal(Language lang, double value, int decimals);

// The names of the catalogues, in the order their files are read: "report"
// (src/report/locales) and "policy" (src/policy/locales).
std::vector<std::string> CatalogueNames();
// The keys of a language's catalogues, sorted; with `catalogue` (one of
// CatalogueNames), of that catalogue only.
std::vector<std::string> CatalogueKeys(Language lang);
std::vector<std::string> CatalogueKeys(Language lang, std::string_view catalogue);
// The name of the catalogue that defines the key in `lang`, or nullopt.
std::optional<std::string> CatalogueOf(Language lang, std::string_view key);
// Keys defined by more than one catalogue of a language ("ar:key"), sorted;
// the later catalogue's pattern is never used.
std::vector<std::string> CatalogueCollisions();
// The key's pattern, or nullopt when the catalogue lacks it.
std::optional<std::string> CataloguePattern(Language lang, std::string_view key);
// The names of the arguments the key's pattern uses, once ICU has parsed it
// in its language.
Result<std::set<std::string>> ArgumentNames(Language lang, std::string_view key);
// The keys asked for and missing since the program started ("ar:key"), sorted.
std::vector<std::string> MissingLookups();

}  // namespace mara::i18n

#endif  // MARA_I18N_MESSAGES_H_
