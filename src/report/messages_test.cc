// The message catalogues (i18n/messages.h), the report's and the policy's
// explanations': every language has exactly the English keys, every message
// parses under ICU in its language with the English arguments, every key is
// one the code asks for (report/ or policy/), no key is defined by two
// catalogues, nothing the code asks for is missing, and the demo report
// reads in Arabic and Chinese; the French messages follow French typography.
#include "i18n/messages.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/temp_dir.h"
#include "domain/enums.h"
#include "policy/policy.h"
#include "report/builder.h"
#include "report/document.h"
#include "report/render.h"
#include "report/report_test_support.h"
#include "security/clock.h"
#include "service/authorized.h"
#include "service/case.h"
#include "service/core.h"
#include "service/import.h"

namespace mara::report {
namespace {

namespace fs = std::filesystem;

const std::string kSourceDir = MARA_SOURCE_DIR;

template <typename E>
std::set<std::string> VocabularyOf() {
  std::set<std::string> out;
  for (std::string_view n : EnumNames<E>::kNames) out.insert(std::string(n));
  return out;
}

// The closed vocabularies the report prints, by key prefix (document.h
// VocabularyWord).
std::map<std::string, std::set<std::string>> Vocabularies() {
  return {
      {"violation.", VocabularyOf<Violation>()},
      {"context.", VocabularyOf<Context>()},
      {"party_kind.", VocabularyOf<PartyKind>()},
      {"party_status.", VocabularyOf<PartyStatus>()},
      {"standard.", VocabularyOf<Standard>()},
      {"source_kind.", VocabularyOf<SourceKind>()},
      {"commitment_kind.", VocabularyOf<CommitmentKind>()},
      {"measure_status.", VocabularyOf<MeasureStatus>()},
      {"designation_kind.", VocabularyOf<DesignationKind>()},
      {"statement_kind.", VocabularyOf<StatementKind>()},
      {"engagement_kind.", VocabularyOf<EngagementKind>()},
      {"petition_outcome.", VocabularyOf<PetitionOutcome>()},
      {"edition_name.", {"public", "confidential"}},
      {"victim_group.", {"women", "girls", "men", "boys", "unknown"}},
  };
}

// Every string literal of the sources of the layers that ask for messages:
// the report and the policy's explanations (tests left out).
std::set<std::string> LiteralsOfTheCode() {
  std::set<std::string> out;
  const std::regex literal("\"([a-z0-9_.]+)\"");
  for (const char* dir : {"/src/report", "/src/policy"}) {
    for (const auto& entry : fs::directory_iterator(kSourceDir + dir)) {
      const std::string name = entry.path().filename().string();
      if (entry.path().extension() != ".cc" || name.ends_with("_test.cc")) continue;
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      const std::string s = text.str();
      for (std::sregex_iterator it(s.begin(), s.end(), literal), end; it != end; ++it) {
        out.insert((*it)[1].str());
      }
    }
  }
  return out;
}

TEST(CatalogueTest, EveryLanguageHasExactlyTheEnglishKeys) {
  const std::vector<std::string> english = CatalogueKeys(Language::kEn);
  ASSERT_GT(english.size(), 100u);
  const std::set<std::string> en(english.begin(), english.end());
  for (Language lang : kAllLanguages) {
    const std::vector<std::string> keys = CatalogueKeys(lang);
    const std::set<std::string> have(keys.begin(), keys.end());
    for (const std::string& k : en) {
      EXPECT_TRUE(have.count(k)) << LanguageCode(lang) << ".json lacks the key " << k;
    }
    for (const std::string& k : have) {
      EXPECT_TRUE(en.count(k)) << LanguageCode(lang) << ".json has the key " << k
                               << ", which en.json does not";
    }
  }
}

TEST(CatalogueTest, NoKeyIsDefinedByTwoCatalogues) {
  EXPECT_THAT(i18n::CatalogueCollisions(), ::testing::IsEmpty());
  EXPECT_EQ(i18n::CatalogueNames(), (std::vector<std::string>{"report", "policy"}));
  for (Language lang : kAllLanguages) {
    const std::vector<std::string> report = i18n::CatalogueKeys(lang, "report");
    const std::vector<std::string> policy = i18n::CatalogueKeys(lang, "policy");
    EXPECT_GT(report.size(), 100u) << LanguageCode(lang);
    EXPECT_GT(policy.size(), 30u) << LanguageCode(lang);
    EXPECT_EQ(report.size() + policy.size(), CatalogueKeys(lang).size()) << LanguageCode(lang);
    // Each catalogue has its own keys in every language.
    EXPECT_EQ(report, i18n::CatalogueKeys(Language::kEn, "report")) << LanguageCode(lang);
    EXPECT_EQ(policy, i18n::CatalogueKeys(Language::kEn, "policy")) << LanguageCode(lang);
    for (const std::string& key : policy) {
      EXPECT_TRUE(key.starts_with("explain."))
          << "src/policy/locales/" << LanguageCode(lang) << ".json: " << key;
    }
  }
  EXPECT_EQ(i18n::CatalogueOf(Language::kFr, "explain.rule1"), "policy");
  EXPECT_EQ(i18n::CatalogueOf(Language::kFr, "party_status.listed"), "report");
  EXPECT_EQ(i18n::CatalogueOf(Language::kFr, "no.such.key"), std::nullopt);
}

TEST(CatalogueTest, EveryMessageParsesInItsLanguageWithTheEnglishArguments) {
  for (const std::string& key : CatalogueKeys(Language::kEn)) {
    Result<std::set<std::string>> english = ArgumentNames(Language::kEn, key);
    ASSERT_TRUE(english.ok()) << english.status().ToString();
    for (Language lang : kAllLanguages) {
      Result<std::set<std::string>> names = ArgumentNames(lang, key);
      if (!names.ok()) {
        ADD_FAILURE() << names.status().ToString();
        continue;
      }
      EXPECT_EQ(*names, *english) << LanguageCode(lang) << ":" << key
                                  << " does not use the English arguments";
    }
  }
}

TEST(CatalogueTest, EveryKeyIsOneTheCodeAsksFor) {
  const std::set<std::string> literals = LiteralsOfTheCode();
  const auto vocabularies = Vocabularies();
  for (const std::string& key : CatalogueKeys(Language::kEn)) {
    bool used = literals.count(key) > 0;
    const size_t dot = key.rfind('.');
    const std::string prefix = key.substr(0, dot + 1);
    auto vocabulary = vocabularies.find(prefix);
    if (!used && vocabulary != vocabularies.end() && literals.count(prefix)) {
      used = vocabulary->second.count(key.substr(dot + 1)) > 0;
    }
    EXPECT_TRUE(used) << "the catalogues hold the key " << key << ", which the code never asks for";
  }
  // And every value of each vocabulary the code prints has its key.
  for (const auto& [prefix, values] : vocabularies) {
    if (!literals.count(prefix)) continue;
    for (const std::string& v : values) {
      EXPECT_TRUE(HasMessage(Language::kEn, prefix + v)) << "no message for " << prefix + v;
    }
  }
}

TEST(CatalogueTest, LanguagesAndNumbers) {
  for (std::string_view code : {"ar", "en", "es", "fr", "ru", "zh"}) {
    Result<Language> lang = ParseLanguage(code);
    ASSERT_TRUE(lang.ok());
    EXPECT_EQ(LanguageCode(*lang), code);
  }
  for (std::string_view bad : {"xx", "EN", "", "en-GB", "pt"}) {
    Result<Language> lang = ParseLanguage(bad);
    ASSERT_FALSE(lang.ok());
    EXPECT_NE(lang.status().message().find("ar, en, es, fr, ru or zh"), std::string::npos)
        << lang.status().message();
  }
  EXPECT_EQ(Direction(Language::kAr), "rtl");
  EXPECT_EQ(Direction(Language::kZh), "ltr");
  EXPECT_EQ(FormatCount(Language::kEn, 1234567), Thousands(1234567));
  EXPECT_EQ(FormatCount(Language::kEn, -1234), Thousands(-1234));
  EXPECT_EQ(FormatCount(Language::kAr, 1234), "1,234");
  EXPECT_EQ(FormatCount(Language::kFr, 2025, /*grouping=*/false), "2025");
  EXPECT_EQ(FormatDecimal(Language::kFr, 3.25, 1), "3,2");
  // Plurals: Russian has one, few and many.
  EXPECT_EQ(Message(Language::kRu, "mark.persistent", {{"cycles", 2}}),
            "систематический нарушитель (2 цикла)");
  EXPECT_EQ(Message(Language::kRu, "mark.persistent", {{"cycles", 5}}),
            "систематический нарушитель (5 циклов)");
  EXPECT_EQ(Message(Language::kEn, "summary.record_streak", {{"streak", 22}}),
            " This is the highest number on record, and the 22nd consecutive cycle to set a "
            "record.");
  EXPECT_EQ(Message(Language::kEn, "no.such.key"), "[[no.such.key]]");
}

// The texts a message can show, its ICU syntax removed (as the browser
// application's catalogue test does): an argument is "{name}", a plural's #
// stays, and a plural or select gives one text per option (all
// combinations, at most 256). Quoting follows ICU: '' is an apostrophe, and
// ' before { } # or | quotes up to the next '.
class MessageTexts {
 public:
  explicit MessageTexts(std::string_view pattern) : p_(pattern) {}

  std::vector<std::string> All() {
    size_t i = 0;
    return Texts(i);
  }

 private:
  static std::vector<std::string> Combined(const std::vector<std::string>& heads,
                                           const std::vector<std::string>& tails) {
    std::vector<std::string> out;
    for (const std::string& h : heads) {
      for (const std::string& t : tails) {
        if (out.size() < 256) out.push_back(h + t);
      }
    }
    return out;
  }

  // From p_[i] to the end or to the '}' that closes an option (left at i).
  std::vector<std::string> Texts(size_t& i) {
    std::vector<std::string> texts = {""};
    std::string literal;
    while (i < p_.size() && p_[i] != '}') {
      if (p_[i] == '{') {
        texts = Combined(texts, {literal});
        literal.clear();
        texts = Combined(texts, Argument(i));
      } else if (p_[i] == '\'' && i + 1 < p_.size() && p_[i + 1] == '\'') {
        literal += '\'';
        i += 2;
      } else if (p_[i] == '\'' && i + 1 < p_.size() &&
                 std::string_view("{}#|").find(p_[i + 1]) != std::string_view::npos) {
        for (++i; i < p_.size(); ++i) {
          if (p_[i] != '\'') {
            literal += p_[i];
          } else if (i + 1 < p_.size() && p_[i + 1] == '\'') {
            literal += '\'';
            ++i;
          } else {
            ++i;
            break;
          }
        }
      } else {
        literal += p_[i++];
      }
    }
    return Combined(texts, {literal});
  }

  // Up to one of `stops` (left at i), trimmed.
  std::string Until(size_t& i, std::string_view stops) {
    const size_t start = i;
    while (i < p_.size() && stops.find(p_[i]) == std::string_view::npos) ++i;
    std::string out(p_.substr(start, i - start));
    out.erase(0, out.find_first_not_of(" \n\t"));
    out.erase(out.find_last_not_of(" \n\t") + 1);
    return out;
  }

  // The argument at p_[i] == '{', through its closing '}'.
  std::vector<std::string> Argument(size_t& i) {
    ++i;
    const std::string name = "{" + Until(i, ",}") + "}";
    if (i >= p_.size() || p_[i++] == '}') return {name};
    const std::string type = Until(i, ",}");
    if (i >= p_.size() || p_[i++] == '}') return {name};
    if (type == "plural" || type == "select" || type == "selectordinal") {
      std::vector<std::string> out;
      for (;;) {
        Until(i, "{}");  // the option's selector (and a plural's offset)
        if (i >= p_.size() || p_[i++] == '}') return out;
        for (std::string& t : Texts(i)) out.push_back(std::move(t));
        ++i;
      }
    }
    for (int depth = 1; i < p_.size() && depth > 0; ++i) {  // the style
      if (p_[i] == '{') ++depth;
      if (p_[i] == '}') --depth;
    }
    return {name};
  }

  std::string_view p_;
};

// What breaks French typography in a text: a ; ? ! not after a narrow
// no-break space (U+202F), a : not after a no-break space (U+00A0 or
// U+202F; a time such as 10:30 and a URL's :// aside), a « not followed or
// a » not preceded by one.
std::vector<std::string> FrenchTypographyProblems(const std::string& text) {
  const std::string nbsp = "\u00A0", narrow = "\u202F";
  auto at = [&](size_t i, const std::string& s) { return text.compare(i, s.size(), s) == 0; };
  auto after = [&](size_t i, const std::string& s) { return i >= s.size() && at(i - s.size(), s); };
  auto no_break_before = [&](size_t i) { return after(i, nbsp) || after(i, narrow); };
  auto digit = [&](size_t i) { return i < text.size() && text[i] >= '0' && text[i] <= '9'; };
  // A piece of the text around byte i, cut between characters.
  auto around = [&](size_t i) {
    size_t from = i > 24 ? i - 24 : 0, to = std::min(text.size(), i + 24);
    while (from > 0 && (text[from] & 0xC0) == 0x80) --from;
    while (to < text.size() && (text[to] & 0xC0) == 0x80) ++to;
    return ", in \"" + text.substr(from, to - from) + "\"";
  };
  auto before = [&](size_t i) -> std::string {
    if (i == 0) return "nothing";
    if (text[i - 1] == ' ') return "a plain space";
    if (after(i, nbsp)) return "U+00A0";
    return "\"" + std::string(1, text[i - 1]) + "\"";
  };
  std::vector<std::string> problems;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ';' || c == '?' || c == '!') {
      if (!after(i, narrow) && !(i > 0 && (text[i - 1] == '?' || text[i - 1] == '!'))) {
        problems.push_back("\"" + std::string(1, c) + "\" after " + before(i) + ", not U+202F" +
                           around(i));
      }
    } else if (c == ':') {
      if (no_break_before(i) || (i > 0 && digit(i - 1) && digit(i + 1)) || at(i + 1, "//")) {
        continue;
      }
      problems.push_back("\":\" after " + before(i) + ", not a no-break space" + around(i));
    } else if (at(i, "\u00AB") && !at(i + 2, nbsp) && !at(i + 2, narrow)) {
      problems.push_back("\"\u00AB\" not followed by a no-break space" + around(i));
    } else if (at(i, "\u00BB") && !no_break_before(i)) {
      problems.push_back("\"\u00BB\" after " + before(i) + ", not a no-break space" + around(i));
    }
  }
  return problems;
}

TEST(CatalogueTest, FrenchFollowsFrenchTypography) {
  EXPECT_EQ(MessageTexts("{n, plural, one {# a} other {b {x}}}; '{c}' {d, number}").All(),
            (std::vector<std::string>{"# a; {c} {d}", "b {x}; {c} {d}"}));
  EXPECT_TRUE(FrenchTypographyProblems("Motif\u00A0: {a}\u202F; \u00AB\u00A0{b}\u00A0\u00BB "
                                       "\u00E0 10:30, https://example.org")
                  .empty());
  EXPECT_EQ(FrenchTypographyProblems("Motif : {a}; \u00AB {b}\u00BB").size(), 4u);

  std::string problems;
  for (const std::string& key : CatalogueKeys(Language::kFr)) {
    std::optional<std::string> pattern = CataloguePattern(Language::kFr, key);
    ASSERT_TRUE(pattern.has_value()) << key;
    std::set<std::string> found;
    for (const std::string& text : MessageTexts(*pattern).All()) {
      for (std::string& p : FrenchTypographyProblems(text)) found.insert(std::move(p));
    }
    for (const std::string& p : found) problems += "\n  fr.json " + key + ": " + p;
  }
  EXPECT_TRUE(problems.empty()) << "French messages that break French typography:" << problems;
}

class LanguageReportTest : public testing::ReportSessionTest {
 protected:
  void SetUp() override {
    OpenSession("mara-lang-test");
    if (HasFatalFailure()) return;
    Result<ImportReport> r =
        ImportFile(*session_, kSourceDir + "/examples/demo.json", ImportOptions{});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  Report Build(Edition edition) { return ReportSessionTest::Build(2025, edition); }
};

TEST_F(LanguageReportTest, EveryLanguageRendersWithoutAMissingMessage) {
  for (Edition edition : {Edition::kPublic, Edition::kConfidential}) {
    const Report r = Build(edition);
    for (Language lang : kAllLanguages) {
      const std::string html = RenderHtml(r, lang);
      const std::string md = RenderMarkdown(r, lang);
      EXPECT_EQ(html.find("[["), std::string::npos) << LanguageCode(lang);
      EXPECT_EQ(md.find("[["), std::string::npos) << LanguageCode(lang);
      for (const StatementOfCase& s : r.cases) {
        EXPECT_EQ(RenderCaseHtml(s, edition == Edition::kPublic, lang).find("[["),
                  std::string::npos);
      }
    }
  }
  std::vector<std::string> missing;
  for (const std::string& m : MissingLookups()) {
    if (m != "en:no.such.key") missing.push_back(m);  // asked for on purpose above
  }
  EXPECT_TRUE(missing.empty()) << ::testing::PrintToString(missing);
}

TEST_F(LanguageReportTest, ArabicIsRightToLeftAndChineseIsChinese) {
  const Report r = Build(Edition::kPublic);
  const std::string ar = RenderHtml(r, Language::kAr);
  EXPECT_NE(ar.find("<html lang=\"ar\" dir=\"rtl\">"), std::string::npos);
  EXPECT_NE(ar.find("<h2 id=\"summary\">1. موجز</h2>"), std::string::npos);
  EXPECT_NE(ar.find("<h2 id=\"annex\">4. المرفق"), std::string::npos);
  EXPECT_NE(ar.find("العنف الجنسي المرتبط بالنزاعات"), std::string::npos);
  EXPECT_NE(ar.find("في عام 2025،"), std::string::npos);  // a year, not "2,025"
  EXPECT_NE(ar.find("<bdi>"), std::string::npos);
  EXPECT_NE(ar.find("<td dir=\"auto\">"), std::string::npos);
  EXPECT_NE(ar.find("<td class=\"n\"><span dir=\"ltr\">&lt;3</span></td>"), std::string::npos);
  EXPECT_NE(ar.find("«<bdi dir=\"ltr\">&lt;3</bdi>»"), std::string::npos);
  EXPECT_NE(ar.find("محجوب"), std::string::npos);  // "withheld"
  EXPECT_NE(ar.find("svg.chart { direction: ltr; }"), std::string::npos);
  EXPECT_NE(ar.find("border-inline-start:"), std::string::npos);
  EXPECT_EQ(ar.find("text-align: left"), std::string::npos);
  EXPECT_NE(ar.find("<meta name=\"mara-Data digest\""), std::string::npos);

  const std::string zh = RenderHtml(r, Language::kZh);
  EXPECT_NE(zh.find("<html lang=\"zh\" dir=\"ltr\">"), std::string::npos);
  EXPECT_NE(zh.find("<h2 id=\"summary\">1. 摘要</h2>"), std::string::npos);
  EXPECT_NE(zh.find("<h2 id=\"trends\">2. 趋势</h2>"), std::string::npos);
  EXPECT_NE(zh.find("与冲突有关的性暴力"), std::string::npos);

  const std::string fr = RenderMarkdown(r, Language::kFr);
  EXPECT_NE(fr.find("## Table des matières"), std::string::npos);
  EXPECT_NE(fr.find("Violences sexuelles liées aux conflits"), std::string::npos);

  // The statements of case explain each status in the report's language,
  // with the annex's words for statuses and standards.
  EXPECT_NE(fr.find("Inscrite sur la liste en application de la règle 1\u00a0: "),
            std::string::npos);
  EXPECT_NE(fr.find("Combinaison des critères\u00a0: "), std::string::npos);
  EXPECT_EQ(fr.find("Listed by rule"), std::string::npos);
  EXPECT_NE(ar.find("مدرج في القائمة بموجب القاعدة 1"), std::string::npos);
  EXPECT_NE(ar.find("«أسباب معقولة»"), std::string::npos);
  EXPECT_EQ(ar.find("How the criteria combine"), std::string::npos);
  EXPECT_NE(zh.find("依规则 1 列入名单"), std::string::npos);
  EXPECT_NE(RenderMarkdown(r, Language::kRu).find("Включена в перечень по правилу 1"),
            std::string::npos);
  EXPECT_NE(RenderMarkdown(r, Language::kEs).find("Incluida en la lista en virtud de la regla 1"),
            std::string::npos);

  // English: no isolates, no bdi, no dir.
  const std::string en = RenderHtml(r);
  EXPECT_EQ(en, RenderHtml(r, Language::kEn));
  EXPECT_NE(en.find("<html lang=\"en\">\n"), std::string::npos);
  EXPECT_EQ(en.find("<bdi>"), std::string::npos);
  EXPECT_EQ(en.find("\u2068"), std::string::npos);
}

}  // namespace
}  // namespace mara::report
