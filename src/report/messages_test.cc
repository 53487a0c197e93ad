// The message catalogues (i18n/messages.h), the report's and the policy's
// explanations': every language has exactly the English keys, every message
// parses under ICU in its language with the English arguments, every key is
// one the code asks for (report/ or policy/), no key is defined by two
// catalogues, nothing the code asks for is missing, and the demo report
// reads in Arabic and Chinese.
#include "i18n/messages.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "common/temp_dir.h"
#include "domain/enums.h"
#include "policy/policy.h"
#include "report/builder.h"
#include "report/document.h"
#include "report/render.h"
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

class LanguageReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<ScopedTempDir> dir = ScopedTempDir::Create("mara-lang-test");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    dir_ = std::move(*dir);
    SessionOptions options;
    options.db = dir_.path() + "/mara.db";
    options.create = true;
    options.clock = &clock_;
    Result<std::unique_ptr<Session>> s = Session::Open(options);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    session_ = std::move(*s);
    Result<Policy> p = DefaultPolicy();
    ASSERT_TRUE(p.ok());
    policy_ = *p;
    Result<ImportReport> r =
        ImportFile(*session_, kSourceDir + "/examples/demo.json", ImportOptions{});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  Report Build(Edition edition) {
    Result<Report> r = BuildReport(*session_, policy_, 2025, edition);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(*r) : Report{};
  }

  ScopedTempDir dir_;
  security::FixedClock clock_{1780272000000};
  std::unique_ptr<Session> session_;
  Policy policy_;
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
  EXPECT_NE(fr.find("Inscrite sur la liste en application de la règle 1 : "), std::string::npos);
  EXPECT_NE(fr.find("Combinaison des critères : "), std::string::npos);
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
