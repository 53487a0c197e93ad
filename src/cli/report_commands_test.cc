// `mara report --lang`: the report in a language, the language in the
// signature's metadata, and a refused language named with the accepted ones.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern char** environ;

namespace mara {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

struct ReportCliRun {
  int code = -1;
  std::string out;
  std::string err;
};

std::string ReadReportFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

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

  ReportCliRun Mara(std::vector<std::string> args) {
    std::vector<std::string> all = {MARA_BINARY, "--db", db_};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& s : all) argv.push_back(s.data());
    argv.push_back(nullptr);
    const fs::path out = dir_ / "out.txt", err = dir_ / "err.txt";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid = 0;
    ReportCliRun r;
    if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) return r;
    posix_spawn_file_actions_destroy(&actions);
    int status = 0;
    waitpid(pid, &status, 0);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    r.out = ReadReportFile(out);
    r.err = ReadReportFile(err);
    return r;
  }

  fs::path dir_;
  std::string db_;
};

TEST_F(ReportLangCliTest, ArabicReportIsRightToLeftAndSignedWithItsLanguage) {
  const std::string html = (dir_ / "report.ar.html").string();
  ReportCliRun r =
      Mara({"report", "--cycle", "2025", "--format", "html", "--lang", "ar", "--out", html});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string page = ReadReportFile(html);
  EXPECT_THAT(page, HasSubstr("<html lang=\"ar\" dir=\"rtl\">"));
  EXPECT_THAT(page, HasSubstr("1. موجز"));
  EXPECT_THAT(ReadReportFile(html + ".sig"), HasSubstr("\nlanguage: ar\n"));

  const std::string md = (dir_ / "report.zh.md").string();
  r = Mara({"report", "--cycle", "2025", "--format", "md", "--lang", "zh", "--out", md});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(ReadReportFile(md), HasSubstr("## 目录"));

  // The default is English; json has no language.
  const std::string en = (dir_ / "report.html").string();
  ASSERT_EQ(Mara({"report", "--cycle", "2025", "--format", "html", "--out", en}).code, 0);
  EXPECT_THAT(ReadReportFile(en), HasSubstr("<html lang=\"en\">"));
  EXPECT_THAT(ReadReportFile(en + ".sig"), HasSubstr("\nlanguage: en\n"));
  const std::string json = (dir_ / "report.json").string();
  ASSERT_EQ(
      Mara({"report", "--cycle", "2025", "--format", "json", "--lang", "fr", "--out", json}).code,
      0);
  EXPECT_THAT(ReadReportFile(json + ".sig"), Not(HasSubstr("language:")));
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
