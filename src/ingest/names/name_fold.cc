#include "ingest/names/name_fold.h"

#include <utf8proc.h>

#include <string>

#include "common/text.h"

namespace mara::names {
namespace {

bool IsDash(char32_t c) {
  return c == U'-' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFE63 || c == 0xFF0D;
}

bool IsApostrophe(char32_t c) {
  return c == U'\'' || c == U'`' || c == 0x00B4 || c == 0x2018 || c == 0x2019 || c == 0x02BC ||
         c == 0x02BE || c == 0x02BF || c == 0x02B9 || c == 0x2032;
}

bool IsWordChar(char32_t c) {
  if (c < 0x80) {
    return (c >= U'a' && c <= U'z') || (c >= U'0' && c <= U'9') || (c >= U'A' && c <= U'Z');
  }
  if (c > 0x10FFFF) return false;
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(c))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return true;
    default:
      return false;
  }
}

void AppendUtf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
    return;
  }
  utf8proc_uint8_t buf[4];
  utf8proc_ssize_t n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(c), buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
}

// Words that may stand beside years inside a date parenthetical.
bool IsDateWord(std::u32string_view w) {
  static constexpr std::u32string_view kWords[] = {
      U"since", U"from", U"to", U"until", U"present", U"onwards", U"ongoing", U"c", U"ca"};
  for (auto k : kWords) {
    if (w == k) return true;
  }
  return false;
}

// True when `content` (between brackets) is only years, date ranges and the
// words of IsDateWord: "2000-", "1989 - 1994", "since 2003", "1989-94".
bool IsDateContent(std::u32string_view content) {
  int four_digit_runs = 0;
  size_t i = 0;
  while (i < content.size()) {
    char32_t c = content[i];
    if (c >= U'0' && c <= U'9') {
      size_t j = i;
      while (j < content.size() && content[j] >= U'0' && content[j] <= U'9') ++j;
      size_t len = j - i;
      if (len == 4) {
        ++four_digit_runs;
      } else if (len != 2) {
        return false;
      }
      i = j;
    } else if (c >= U'a' && c <= U'z') {
      size_t j = i;
      while (j < content.size() && content[j] >= U'a' && content[j] <= U'z') ++j;
      if (!IsDateWord(content.substr(i, j - i))) return false;
      i = j;
    } else if (c == U' ' || IsDash(c) || c == U'/' || c == U'.' || c == U',') {
      ++i;
    } else {
      return false;
    }
  }
  return four_digit_runs > 0;
}

// Blanks out every bracketed group whose content is a date; returns whether
// any was removed.
bool RemoveDateGroups(std::u32string& s) {
  bool removed = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char32_t open = s[i];
    if (open != U'(' && open != U'[') continue;
    char32_t close = open == U'(' ? U')' : U']';
    size_t j = i + 1;
    while (j < s.size() && s[j] != close && s[j] != U'(' && s[j] != U'[') ++j;
    if (j >= s.size() || s[j] != close) continue;
    if (IsDateContent(std::u32string_view(s).substr(i + 1, j - i - 1))) {
      for (size_t k = i; k <= j; ++k) s[k] = U' ';
      removed = true;
    }
    i = j;
  }
  return removed;
}

}  // namespace

std::u32string DecodeUtf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(s.size());
  while (left > 0) {
    if (*p < 0x80) {
      out.push_back(*p);
      ++p;
      --left;
      continue;
    }
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) {
      out.push_back(0xFFFD);
      ++p;
      --left;
      continue;
    }
    out.push_back(static_cast<char32_t>(cp));
    p += n;
    left -= n;
  }
  return out;
}

bool IsStopWord(std::string_view t) {
  static constexpr std::string_view kStop[] = {
      // English
      "the", "of", "a", "an", "and", "for", "in", "on", "to", "at", "by",
      // French
      "le", "la", "les", "l", "de", "du", "des", "d", "et", "pour", "en", "au", "aux",
      // Spanish, Portuguese, Italian
      "el", "los", "las", "y", "e", "del", "da", "do", "dos", "das", "o", "para", "por", "di",
      // German
      "der", "die", "das", "und",
      // Transliterated Arabic article and particles
      "al", "wa", "li", "fi", "bi"};
  for (auto k : kStop) {
    if (t == k) return true;
  }
  return false;
}

FoldedName FoldName(std::string_view raw) {
  FoldedName out;
  std::u32string cps = DecodeUtf8(Fold(raw));
  out.removed_dates = RemoveDateGroups(cps);

  std::string current;
  auto flush = [&out, &current]() {
    if (current.empty()) return;
    out.tokens.push_back(std::move(current));
    current.clear();
  };
  for (char32_t c : cps) {
    if (IsWordChar(c)) {
      AppendUtf8(c, current);
    } else if (IsApostrophe(c)) {
      // "l'ouest" splits into the article and the word; inside a word
      // ("qa'ida", "people's") the apostrophe is a transliteration mark that
      // other spellings leave out.
      if (current == "l" || current == "d") flush();
    } else if (c == U'&') {
      flush();
      out.tokens.emplace_back("and");
    } else {
      flush();
    }
  }
  flush();

  out.is_stop.reserve(out.tokens.size());
  for (const auto& t : out.tokens) {
    bool stop = IsStopWord(t);
    out.is_stop.push_back(stop);
    if (!stop) out.core_tokens.push_back(t);
  }
  if (out.core_tokens.empty()) out.core_tokens = out.tokens;

  auto join = [](const std::vector<std::string>& parts) {
    std::string s;
    for (const auto& p : parts) {
      if (!s.empty()) s.push_back(' ');
      s += p;
    }
    return s;
  };
  out.text = join(out.tokens);
  out.core = join(out.core_tokens);

  auto acronym = [](const std::vector<std::string>& parts) {
    std::string a;
    if (parts.size() < 2) return a;
    for (const auto& p : parts) {
      // The first code point of a token: its lead byte and continuation bytes.
      size_t n = 1;
      while (n < p.size() && (static_cast<unsigned char>(p[n]) & 0xC0) == 0x80) ++n;
      a.append(p, 0, n);
    }
    return a;
  };
  out.core_acronym = acronym(out.core_tokens);
  out.full_acronym = acronym(out.tokens);
  return out;
}

std::string FoldNameText(std::string_view raw) { return FoldName(raw).text; }

}  // namespace mara::names
