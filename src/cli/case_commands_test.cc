// `mara case --lang`: the explanation of a status in a language, in the
// text, JSON and HTML statements of case, the language in the signature's
// metadata, and a refused language named with the accepted ones.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_test_support.h"

namespace mara {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

using CaseCliRun = cli_test::CliRun;

class CaseLangCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mara_case_lang_cli_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "office.db").string();
    ASSERT_EQ(Mara({"init"}).code, 0);
    CaseCliRun r = Mara({"import", std::string(MARA_SOURCE_DIR) + "/examples/demo.json"});
    ASSERT_EQ(r.code, 0) << r.err;
  }
  void TearDown() override { fs::remove_all(dir_); }

  CaseCliRun Mara(std::vector<std::string> args) { return cli_test::RunMara(db_, args, dir_); }

  fs::path dir_;
  std::string db_;
};

TEST_F(CaseLangCliTest, FrenchExplainsTheStatusInFrench) {
  CaseCliRun fr = Mara({"case", "--party", "P-VAF", "--cycle", "2025", "--lang", "fr"});
  ASSERT_EQ(fr.code, 0) << fr.err;
  EXPECT_THAT(fr.out,
              HasSubstr("Inscrite sur la liste en application de la règle 1\u00a0: ses "
                        "incidents confirmés au niveau de preuve «\u00a0motifs raisonnables\u00a0» "
                        "ou supérieur font apparaître une pratique systématique"));
  EXPECT_THAT(fr.out, HasSubstr("Combinaison des critères\u00a0: "));
  EXPECT_THAT(fr.out, Not(HasSubstr("Listed by rule 1")));

  // The default is English, as it has always been.
  CaseCliRun en = Mara({"case", "--party", "P-VAF", "--cycle", "2025"});
  ASSERT_EQ(en.code, 0) << en.err;
  EXPECT_THAT(en.out, HasSubstr("Why: Listed by rule 1: its verified incidents at reasonable "
                                "grounds or higher form a pattern, and its situation is on the "
                                "agenda."));
  CaseCliRun en2 = Mara({"case", "--party", "P-VAF", "--cycle", "2025", "--lang", "en"});
  EXPECT_EQ(en2.out, en.out);

  // JSON: the explanation's sentences in the language, the rest data.
  CaseCliRun json =
      Mara({"case", "--party", "P-VAF", "--cycle", "2025", "--lang", "fr", "--format", "json"});
  ASSERT_EQ(json.code, 0) << json.err;
  const nlohmann::json j = nlohmann::json::parse(json.out);
  EXPECT_THAT(j["explanation"]["summary"].get<std::string>(),
              HasSubstr("en application de la règle 1"));
  ASSERT_FALSE(j["explanation"]["criteria"].empty());
  EXPECT_EQ(j["explanation"]["criteria"][0]["rule"], "pattern.min_incidents");
  EXPECT_THAT(j["explanation"]["criteria"][0]["sentence"].get<std::string>(),
              HasSubstr("pris en compte en 2025"));

  // HTML: the page's fixed texts too, and the language in the signature.
  const std::string html = (dir_ / "case.fr.html").string();
  CaseCliRun page = Mara({"case", "--party", "P-VAF", "--cycle", "2025", "--lang", "fr", "--format",
                          "html", "--out", html});
  ASSERT_EQ(page.code, 0) << page.err;
  const std::string text = cli_test::ReadFileBytes(html);
  EXPECT_THAT(text, HasSubstr("<html lang=\"fr\" dir=\"ltr\">"));
  EXPECT_THAT(text, HasSubstr("en application de la règle 1"));
  EXPECT_THAT(cli_test::ReadFileBytes(html + ".sig"), HasSubstr("\nlanguage: fr\n"));
}

TEST_F(CaseLangCliTest, ArabicAndChineseAndAnUnknownLanguage) {
  CaseCliRun ar = Mara({"case", "--party", "P-KB", "--cycle", "2025", "--lang", "ar"});
  ASSERT_EQ(ar.code, 0) << ar.err;
  EXPECT_THAT(ar.out, HasSubstr("قيد الإنذار بموجب القاعدة 3"));
  CaseCliRun zh = Mara({"case", "--party", "P-KB", "--cycle", "2025", "--lang", "zh"});
  ASSERT_EQ(zh.code, 0) << zh.err;
  EXPECT_THAT(zh.out, HasSubstr("依规则 3 受到警告"));

  CaseCliRun bad = Mara({"case", "--party", "P-KB", "--cycle", "2025", "--lang", "xx"});
  EXPECT_NE(bad.code, 0);
  EXPECT_THAT(bad.err, HasSubstr("--lang"));
  EXPECT_THAT(bad.err, HasSubstr("xx"));
}

}  // namespace
}  // namespace mara
