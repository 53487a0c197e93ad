// A party's names by language in the reports: the demo with the Northern
// Liberation Front (P-NLF, listed, with a statement of case, the parent of
// P-KB and the party P-RNF split from) given an Arabic and a French name.
// The Arabic report prints the Arabic name wherever it names the party, the
// French one the French name, and English and the languages without a name
// the canonical one; the data formats keep `name` canonical.
#include <gtest/gtest.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/temp_dir.h"
#include "i18n/messages.h"
#include "report/builder.h"
#include "report/render.h"
#include "report/report_test_support.h"
#include "service/authorized.h"
#include "service/case.h"
#include "service/import.h"

namespace mara::report {
namespace {

constexpr char kNamesArabic[] = "جبهة الشمال";
constexpr char kNamesFrench[] = "Front du Nord";
constexpr char kNamesCanonical[] = "Northern Liberation Front";

std::string NamesReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

size_t NamesCount(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// NFKC (Arabic presentation forms back to letters), with every run of
// white space and bidirectional marks made one space.
std::string NamesNormalised(const std::string& text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(text);
  icu::UnicodeString n = U_SUCCESS(status) ? nfkc->normalize(s, status) : s;
  std::string utf8;
  n.toUTF8String(utf8);
  std::string out;
  bool space = false;
  for (size_t i = 0; i < utf8.size(); ++i) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    // U+200E/U+200F and U+2066..U+2069 (E2 80 8E/8F, E2 81 A6..A9).
    const bool mark =
        c == 0xE2 && i + 2 < utf8.size() &&
        ((utf8[i + 1] == '\x80' && (utf8[i + 2] == '\x8E' || utf8[i + 2] == '\x8F')) ||
         (utf8[i + 1] == '\x81' && static_cast<unsigned char>(utf8[i + 2]) >= 0xA6 &&
          static_cast<unsigned char>(utf8[i + 2]) <= 0xA9));
    if (mark) {
      i += 2;
      continue;
    }
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(utf8[i]);
  }
  return out;
}

class PartyNamesReportTest : public testing::ReportSessionTest {
 protected:
  void SetUp() override {
    OpenSession("mara-party-names-report");
    if (HasFatalFailure()) return;
    nlohmann::ordered_json demo = nlohmann::ordered_json::parse(
        NamesReadAll(std::string(MARA_SOURCE_DIR) + "/examples/demo.json"));
    for (auto& party : demo["parties"]) {
      if (party["id"] == "P-NLF") party["names"] = {{"ar", kNamesArabic}, {"fr", kNamesFrench}};
    }
    const std::string path = dir_.path() + "/demo-names.json";
    std::ofstream(path, std::ios::binary) << demo.dump();
    Result<ImportReport> r = ImportFile(*session_, path, ImportOptions{});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  Report Build(Edition edition) { return ReportSessionTest::Build(2025, edition); }

  // The pdftotext text of the report's PDF in `lang`, normalised.
  std::string PdfText(const Report& r, Language lang) {
    Result<std::string> pdf = RenderPdf(r, {}, lang);
    EXPECT_TRUE(pdf.ok()) << pdf.status().ToString();
    if (!pdf.ok()) return "";
    const std::string path = dir_.path() + "/names-" + std::string(LanguageCode(lang)) + ".pdf";
    std::ofstream(path, std::ios::binary) << *pdf;
    EXPECT_EQ(std::system(("pdftotext -enc UTF-8 " + path + " " + path + ".txt").c_str()), 0);
    return NamesNormalised(NamesReadAll(path + ".txt"));
  }
};

TEST_F(PartyNamesReportTest, EachLanguagePrintsItsNameOrTheCanonicalOne) {
  for (Edition edition : {Edition::kPublic, Edition::kConfidential}) {
    const Report r = Build(edition);
    SCOPED_TRACE(std::string(EditionName(edition)));
    for (Language lang : kAllLanguages) {
      const std::string code(LanguageCode(lang));
      SCOPED_TRACE(code);
      const std::string expected = lang == Language::kAr   ? kNamesArabic
                                   : lang == Language::kFr ? kNamesFrench
                                                           : kNamesCanonical;
      for (const std::string& text : {RenderHtml(r, lang), RenderMarkdown(r, lang)}) {
        const std::string plain = NamesNormalised(text);
        // The annex row, the situation's table, the statement of case (and
        // its heading), the engagement table: every place that names it.
        EXPECT_GE(NamesCount(plain, expected), 3u);
        for (const char* other : {kNamesArabic, kNamesFrench, kNamesCanonical}) {
          if (other != expected) EXPECT_EQ(NamesCount(plain, other), 0u) << other;
        }
      }
    }
  }
}

TEST_F(PartyNamesReportTest, EnglishIsTheReportWithoutNames) {
  // The English renderings are those of a party without names: only the
  // JSON carries the names, beside the canonical name.
  const Report r = Build(Edition::kConfidential);
  Report without = r;
  auto strip = [](std::vector<PartyLine>& lines) {
    for (PartyLine& l : lines) l.names.clear();
  };
  for (SituationSection& s : without.situations) {
    strip(s.parties);
    strip(s.changes);
  }
  for (AnnexGroup& g : without.annex) {
    strip(g.state_parties);
    strip(g.non_state_parties);
  }
  for (NoticeEntry& n : without.notice) n.party.names.clear();
  for (Removal& m : without.removals) m.party.names.clear();
  for (EngagementLine& e : without.engagement) e.party.names.clear();
  for (CaseSummary& c : without.case_summaries) c.party.names.clear();
  for (StatementOfCase& s : without.cases) {
    s.party.names.clear();
    if (s.parent) s.parent->names.clear();
    if (s.splinter_origin) s.splinter_origin->names.clear();
  }
  EXPECT_EQ(RenderHtml(r), RenderHtml(without));
  EXPECT_EQ(RenderMarkdown(r), RenderMarkdown(without));
  EXPECT_EQ(RenderCsv(r), RenderCsv(without));
  const std::string json = RenderJson(r);
  EXPECT_NE(json, RenderJson(without));
  nlohmann::json j = nlohmann::json::parse(json);
  bool found = false;
  for (const auto& group : j["annex"]) {
    for (const char* kind : {"state_parties", "non_state_parties"}) {
      for (const auto& p : group[kind]) {
        if (p["id"] != "P-NLF") continue;
        found = true;
        EXPECT_EQ(p["name"], kNamesCanonical);
        EXPECT_EQ(p["names"]["ar"], kNamesArabic);
        EXPECT_EQ(p["names"]["fr"], kNamesFrench);
      }
    }
  }
  EXPECT_TRUE(found) << j["annex"].dump();
  // FtM: the canonical name, the others as aliases.
  const std::string ftm = RenderFtm(r);
  bool organisation = false;
  std::istringstream lines(ftm);
  for (std::string line; std::getline(lines, line);) {
    nlohmann::json e = nlohmann::json::parse(line);
    if (e["id"] != "mara-party-P-NLF") continue;
    organisation = true;
    EXPECT_EQ(e["properties"]["name"], nlohmann::json::array({kNamesCanonical}));
    const std::string aliases = e["properties"]["alias"].dump();
    EXPECT_NE(aliases.find(kNamesArabic), std::string::npos) << aliases;
    EXPECT_NE(aliases.find(kNamesFrench), std::string::npos) << aliases;
  }
  EXPECT_TRUE(organisation);
}

TEST_F(PartyNamesReportTest, StatementsOfCaseNameThePartyAndItsRelativesInTheLanguage) {
  for (const char* id : {"P-NLF", "P-KB", "P-RNF"}) {
    SCOPED_TRACE(id);
    Result<StatementOfCase> s = BuildStatementOfCase(*session_, policy_, id, 2025, false);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    const std::string ar = NamesNormalised(RenderCaseHtml(*s, false, Language::kAr));
    const std::string fr = NamesNormalised(RenderCaseHtml(*s, false, Language::kFr));
    const std::string ru = NamesNormalised(RenderCaseHtml(*s, false, Language::kRu));
    EXPECT_GE(NamesCount(ar, kNamesArabic), 1u);
    EXPECT_GE(NamesCount(fr, kNamesFrench), 1u);
    EXPECT_GE(NamesCount(ru, kNamesCanonical), 1u);
    EXPECT_EQ(NamesCount(ru, kNamesArabic) + NamesCount(ru, kNamesFrench), 0u);
  }
}

TEST_F(PartyNamesReportTest, PdfTextCarriesTheLanguagesName) {
  const Report r = Build(Edition::kPublic);
  const std::string ar = PdfText(r, Language::kAr);
  const std::string fr = PdfText(r, Language::kFr);
  const std::string en = PdfText(r, Language::kEn);
  EXPECT_GE(NamesCount(fr, kNamesFrench), 2u) << fr.substr(0, 2000);
  EXPECT_EQ(NamesCount(fr, kNamesCanonical), 0u);
  EXPECT_GE(NamesCount(en, kNamesCanonical), 2u);
  EXPECT_EQ(NamesCount(en, kNamesFrench), 0u);
  EXPECT_EQ(NamesCount(ar, kNamesCanonical), 0u);
  // pdftotext gives Arabic in logical or in visual order.
  icu::UnicodeString reversed = icu::UnicodeString::fromUTF8(kNamesArabic);
  reversed.reverse();
  std::string backwards;
  reversed.toUTF8String(backwards);
  EXPECT_GE(NamesCount(ar, kNamesArabic) + NamesCount(ar, backwards), 2u) << ar.substr(0, 2000);
}

}  // namespace
}  // namespace mara::report
