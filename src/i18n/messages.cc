#include "i18n/messages.h"

#include <unicode/fmtable.h>
#include <unicode/locid.h>
#include <unicode/messagepattern.h>
#include <unicode/msgfmt.h>
#include <unicode/numfmt.h>
#include <unicode/unistr.h>

#include <cctype>
#include <cstdlib>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "common/text.h"

namespace mara::i18n {

// Generated from the catalogue files (messages_data.cc.in): per catalogue,
// its name and its text in each language, in the order of enum Language.
extern const std::string_view kCatalogueNames[2];
extern const std::string_view kCatalogueText[2][6];

namespace {

constexpr std::string_view kCodes[] = {"ar", "en", "es", "fr", "ru", "zh"};
// The ICU locales: Arabic with Western digits (the United Nations' Arabic
// documents print them), Chinese in Simplified characters.
constexpr const char* kLocales[] = {"ar@numbers=latn", "en", "es", "fr", "ru", "zh_Hans"};

size_t Index(Language lang) { return static_cast<size_t>(lang); }

icu::Locale LocaleOf(Language lang) { return icu::Locale(kLocales[Index(lang)]); }

std::string Utf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

// Everything parsed lazily and kept for the life of the program; one mutex
// guards the caches and the formatters (ICU formatters are not meant to be
// shared between threads without it).
struct State {
  std::mutex mu;
  bool loaded = false;
  std::map<std::string, std::string, std::less<>> catalogue[6];
  // Per language, the catalogue each key comes from.
  std::map<std::string, std::string, std::less<>> origin[6];
  std::set<std::string> collisions;
  std::map<std::string, std::unique_ptr<icu::MessageFormat>, std::less<>> formats[6];
  std::unique_ptr<icu::NumberFormat> counts[6];
  std::unique_ptr<icu::NumberFormat> plain[6];
  std::map<int, std::unique_ptr<icu::NumberFormat>> decimals[6];
  std::set<std::string> missing;
};

State& TheState() {
  static State* state = new State();
  return *state;
}

void LoadLocked(State& st) {
  if (st.loaded) return;
  st.loaded = true;
  for (size_t c = 0; c < std::size(kCatalogueNames); ++c) {
    for (size_t i = 0; i < 6; ++i) {
      nlohmann::json j =
          nlohmann::json::parse(kCatalogueText[c][i], nullptr, /*allow_exceptions=*/false);
      if (!j.is_object()) continue;  // the catalogue tests name the broken file
      for (const auto& [key, value] : j.items()) {
        if (!value.is_string()) continue;
        if (!st.catalogue[i].emplace(key, value.get<std::string>()).second) {
          st.collisions.insert(std::string(kCodes[i]) + ":" + key);
          continue;
        }
        st.origin[i].emplace(key, std::string(kCatalogueNames[c]));
      }
    }
  }
}

icu::MessageFormat* FormatLocked(State& st, Language lang, std::string_view key) {
  const size_t i = Index(lang);
  auto cached = st.formats[i].find(key);
  if (cached != st.formats[i].end()) return cached->second.get();
  auto pattern = st.catalogue[i].find(key);
  if (pattern == st.catalogue[i].end()) return nullptr;
  UErrorCode status = U_ZERO_ERROR;
  UParseError parse_error;
  auto format = std::make_unique<icu::MessageFormat>(icu::UnicodeString::fromUTF8(pattern->second),
                                                     LocaleOf(lang), parse_error, status);
  if (U_FAILURE(status)) return nullptr;
  icu::MessageFormat* out = format.get();
  st.formats[i].emplace(std::string(key), std::move(format));
  return out;
}

icu::NumberFormat* CountFormatLocked(State& st, Language lang, bool grouping) {
  std::unique_ptr<icu::NumberFormat>& f = (grouping ? st.counts : st.plain)[Index(lang)];
  if (!f) {
    UErrorCode status = U_ZERO_ERROR;
    f.reset(icu::NumberFormat::createInstance(LocaleOf(lang), status));
    if (U_FAILURE(status)) {
      f.reset();
    } else {
      f->setGroupingUsed(grouping);
    }
  }
  return f.get();
}

}  // namespace

Result<Language> ParseLanguage(std::string_view text) {
  for (size_t i = 0; i < 6; ++i) {
    if (kCodes[i] == text) return static_cast<Language>(i);
  }
  return Status::InvalidArgument("--lang: unknown language " + QuoteForMessage(text) +
                                 " (expected ar, en, es, fr, ru or zh)");
}

Language NegotiateLanguage(std::string_view header) {
  Language best = Language::kEn;
  double best_q = 0;
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view range = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    double q = 1;
    if (const size_t semi = range.find(';'); semi != std::string_view::npos) {
      std::string_view param = range.substr(semi + 1);
      range = range.substr(0, semi);
      while (!param.empty() && param.front() == ' ') param.remove_prefix(1);
      if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
        const std::string value(param.substr(2, 5));
        char* end = nullptr;
        q = std::strtod(value.c_str(), &end);
        if (end == value.c_str() || q < 0 || q > 1) q = 0;
      }
    }
    while (!range.empty() && range.front() == ' ') range.remove_prefix(1);
    while (!range.empty() && range.back() == ' ') range.remove_suffix(1);
    std::string primary(range.substr(0, range.find('-')));
    for (char& c : primary) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (size_t i = 0; i < 6; ++i) {
      if (kCodes[i] == primary && q > best_q) {
        best = static_cast<Language>(i);
        best_q = q;
      }
    }
  }
  return best;
}

std::string_view LanguageCode(Language lang) { return kCodes[Index(lang)]; }

std::string_view Direction(Language lang) { return lang == Language::kAr ? "rtl" : "ltr"; }

std::string Message(Language lang, std::string_view key, std::initializer_list<MessageArg> args) {
  State& st = TheState();
  std::lock_guard<std::mutex> lock(st.mu);
  LoadLocked(st);
  icu::MessageFormat* format = FormatLocked(st, lang, key);
  auto fail = [&] {
    st.missing.insert(std::string(LanguageCode(lang)) + ":" + std::string(key));
    return "[[" + std::string(key) + "]]";
  };
  if (format == nullptr) return fail();
  std::vector<icu::UnicodeString> names;
  std::vector<icu::Formattable> values;
  names.reserve(args.size());
  values.reserve(args.size());
  for (const MessageArg& a : args) {
    names.push_back(icu::UnicodeString::fromUTF8(a.name()));
    const auto& v = a.value();
    if (const int64_t* n = std::get_if<int64_t>(&v)) {
      values.emplace_back(*n);
    } else if (const double* d = std::get_if<double>(&v)) {
      values.emplace_back(*d);
    } else {
      values.emplace_back(icu::UnicodeString::fromUTF8(std::get<std::string>(v)));
    }
  }
  icu::UnicodeString out;
  UErrorCode status = U_ZERO_ERROR;
  format->format(names.data(), values.data(), static_cast<int32_t>(values.size()), out, status);
  if (U_FAILURE(status)) return fail();
  return Utf8(out);
}

bool HasMessage(Language lang, std::string_view key) {
  State& st = TheState();
  std::lock_guard<std::mutex> lock(st.mu);
  LoadLocked(st);
  return st.catalogue[Index(lang)].count(key) > 0;
}

std::string FormatCount(Language lang, int64_t value, bool grouping) {
  State& st = TheState();
  std::lock_guard<std::mutex> lock(st.mu);
  icu::NumberFormat* f = CountFormatLocked(st, lang, grouping);
  if (f == nullptr) return std::to_string(value);
  icu::UnicodeString out;
  f->format(value, out);
  return Utf8(out);
}

std::string FormatDecimal(Language lang, double value, int decimals) {
  State& st = TheState();
  std::lock_guard<std::mutex> lock(st.mu);
  std::unique_ptr<icu::NumberFormat>& f = st.decimals[Index(lang)][decimals];
  if (!f) {
    UErrorCode status = U_ZERO_ERROR;
    f.reset(icu::NumberFormat::createInstance(LocaleOf(lang), status));
    if (U_FAILURE(status)) {
      f.reset();
      return std::to_string(value);
    }
    f->setMinimumFractionDigits(decimals);
    f->setMaximumFractionDigits(decimals);
  }
  icu::UnicodeString out;
  f->format(value, out);
  return Utf8(out);
}

std::vector<std::string> CatalogueKeys(Language lang) {
  State& st = TheState();
  std::lock_guard<std::mutex> lock(st.mu);
  LoadLocked(st);
  std::vector<std::string> keys;
  for (const auto& [key, pattern] : st.catalogue[Index(lang)]) keys.push_back(key);
  return keys;
}

std::vector<std::string> CatalogueNames() {
  return {std::begin(kCatalogueNames), std::end(kCatalogueNames)};
}

std::vector<std::string> CatalogueKeys(Language lang, std::string_view catalogue) {
  State& st = TheState();
  std::lock_guard<std::mutex> lock(st.mu);
  LoadLocked(st);
  std::vector<std::string> keys;
  for (const auto& [key, name] : st.origin[Index(lang)]) {
    if (name == catalogue) keys.push_back(key);
  }
  return keys;
}

std::optional<std::string> CatalogueOf(Language lang, std::string_view key) {
  State& st = TheState();
  std::lock_guard<std::mutex> lock(st.mu);
  LoadLocked(st);
  auto it = st.origin[Index(lang)].find(key);
  if (it == st.origin[Index(lang)].end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> CatalogueCollisions() {
  State& st = TheState();
  std::lock_guard<std::mutex> lock(st.mu);
  LoadLocked(st);
  return {st.collisions.begin(), st.collisions.end()};
}

std::optional<std::string> CataloguePattern(Language lang, std::string_view key) {
  State& st = TheState();
  std::lock_guard<std::mutex> lock(st.mu);
  LoadLocked(st);
  auto it = st.catalogue[Index(lang)].find(key);
  if (it == st.catalogue[Index(lang)].end()) return std::nullopt;
  return it->second;
}

Result<std::set<std::string>> ArgumentNames(Language lang, std::string_view key) {
  std::optional<std::string> pattern = CataloguePattern(lang, key);
  const std::string where = std::string(LanguageCode(lang)) + ":" + std::string(key);
  if (!pattern) return Status::NotFound(where + ": no such message");
  UErrorCode status = U_ZERO_ERROR;
  UParseError parse_error;
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(*pattern);
  icu::MessageFormat format(text, LocaleOf(lang), parse_error, status);
  if (U_FAILURE(status)) {
    return Status::InvalidArgument(where + ": ICU cannot parse the message (" +
                                   u_errorName(status) + ")");
  }
  icu::MessagePattern parsed(text, &parse_error, status);
  if (U_FAILURE(status)) {
    return Status::InvalidArgument(where + ": ICU cannot parse the message (" +
                                   u_errorName(status) + ")");
  }
  std::set<std::string> names;
  for (int32_t i = 0; i < parsed.countParts(); ++i) {
    const icu::MessagePattern::Part& part = parsed.getPart(i);
    if (part.getType() == UMSGPAT_PART_TYPE_ARG_NAME) names.insert(Utf8(parsed.getSubstring(part)));
  }
  return names;
}

std::vector<std::string> MissingLookups() {
  State& st = TheState();
  std::lock_guard<std::mutex> lock(st.mu);
  return {st.missing.begin(), st.missing.end()};
}

}  // namespace mara::i18n
