// `mara report --lang`: the report in a language, the language in the
// signature's metadata, and a refused language named with the accepted ones.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "cli/cli_test_support.h"

namespace mara {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

using ReportCliRun = cli_test::CliRun;

class ReportLangCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mara_report_lang_cli_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "office.db").string();
    ASSERT_EQ(Mara({"init"}).code, 0);
    ReportCliRun r = Mara({"import", std::string(MARA_SOURCE_DIR) + "/examples/demo.json"});
    ASSERT_EQ(r.code, 0) << r.err;
  }
  void TearDown() override { fs::remove_all(dir_); }

  ReportCliRun Mara(std::vector<std::string> args) { return cli_test::RunMara(db_, args, dir_); }

  fs::path dir_;
  std::string db_;
};

TEST_F(ReportLangCliTest, ArabicReportIsRightToLeftAndSignedWithItsLanguage) {
  const std::string html = (dir_ / "report.ar.html").string();
  ReportCliRun r =
      Mara({"report", "--cycle", "2025", "--format", "html", "--lang", "ar", "--out", html});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string page = cli_test::ReadFileBytes(html);
  EXPECT_THAT(page, HasSubstr("<html lang=\"ar\" dir=\"rtl\">"));
  EXPECT_THAT(page, HasSubstr("1. موجز"));
  EXPECT_THAT(cli_test::ReadFileBytes(html + ".sig"), HasSubstr("\nlanguage: ar\n"));

  const std::string md = (dir_ / "report.zh.md").string();
  r = Mara({"report", "--cycle", "2025", "--format", "md", "--lang", "zh", "--out", md});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(cli_test::ReadFileBytes(md), HasSubstr("## 目录"));

  // The default is English; json has no language.
  const std::string en = (dir_ / "report.html").string();
  ASSERT_EQ(Mara({"report", "--cycle", "2025", "--format", "html", "--out", en}).code, 0);
  EXPECT_THAT(cli_test::ReadFileBytes(en), HasSubstr("<html lang=\"en\">"));
  EXPECT_THAT(cli_test::ReadFileBytes(en + ".sig"), HasSubstr("\nlanguage: en\n"));
  const std::string json = (dir_ / "report.json").string();
  ASSERT_EQ(
      Mara({"report", "--cycle", "2025", "--format", "json", "--lang", "fr", "--out", json}).code,
      0);
  EXPECT_THAT(cli_test::ReadFileBytes(json + ".sig"), Not(HasSubstr("language:")));
}

TEST_F(ReportLangCliTest, UnknownLanguageIsRefused) {
  ReportCliRun r = Mara({"report", "--cycle", "2025", "--format", "html", "--lang", "xx", "--out",
                         (dir_ / "x.html").string()});
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.err, HasSubstr("--lang"));
  EXPECT_THAT(r.err, HasSubstr("xx"));
  EXPECT_THAT(r.err, HasSubstr("ar"));
  EXPECT_THAT(r.err, HasSubstr("zh"));
  EXPECT_FALSE(fs::exists(dir_ / "x.html"));
}

}  // namespace
}  // namespace mara
