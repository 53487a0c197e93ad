// `mara user` and principals' preferred languages through the binary: set
// on `user add --language`, changed and cleared by `user assign
// --language`, shown by `user list` (text and JSON), an unknown code
// refused naming the six, and every change in the audit log.
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

class UserCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mara_user_cli_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "office.db").string();
    ASSERT_EQ(Mara({"init"}).code, 0);
  }
  void TearDown() override { fs::remove_all(dir_); }

  cli_test::CliRun Mara(std::vector<std::string> args) {
    return cli_test::RunMara(db_, args, dir_);
  }

  // name -> language (null when none) from `user list --json`.
  nlohmann::json Languages() {
    cli_test::CliRun r = Mara({"user", "list", "--json"});
    EXPECT_EQ(r.code, 0) << r.err;
    nlohmann::json out = nlohmann::json::object();
    for (const nlohmann::json& u : nlohmann::json::parse(r.out)) {
      out[u.at("name").get<std::string>()] = u.at("language");
    }
    return out;
  }

  fs::path dir_;
  std::string db_;
};

TEST_F(UserCliTest, APrincipalsPreferredLanguageIsSetChangedClearedAndListed) {
  cli_test::CliRun r = Mara({"user", "add", "amal", "--role", "viewer", "--language", "ar"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(Mara({"user", "add", "zoe", "--role", "analyst"}).code, 0);
  nlohmann::json langs = Languages();
  EXPECT_EQ(langs["amal"], "ar");
  EXPECT_TRUE(langs["zoe"].is_null());

  // The text list has a language column: the code, "-" when none.
  r = Mara({"user", "list"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::ContainsRegex("amal +viewer +- +ar"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("zoe +analyst +- +-"));

  // Changed alone, or with roles; "none" clears it.
  ASSERT_EQ(Mara({"user", "assign", "zoe", "--language", "zh"}).code, 0);
  ASSERT_EQ(Mara({"user", "assign", "amal", "--role", "reviewer", "--language", "fr"}).code, 0);
  langs = Languages();
  EXPECT_EQ(langs["zoe"], "zh");
  EXPECT_EQ(langs["amal"], "fr");
  ASSERT_EQ(Mara({"user", "assign", "amal", "--language", "none"}).code, 0);
  EXPECT_TRUE(Languages()["amal"].is_null());

  // Only the six codes.
  r = Mara({"user", "add", "xavier", "--role", "viewer", "--language", "de"});
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.err, HasSubstr("expected ar, en, es, fr, ru or zh"));
  EXPECT_FALSE(Languages().contains("xavier"));
  r = Mara({"user", "assign", "zoe", "--language", "EN"});
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.err, HasSubstr("language"));
  EXPECT_EQ(Languages()["zoe"], "zh");
  r = Mara({"user", "assign", "zoe"});
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.err, HasSubstr("--language"));

  // Each change is in the audit log.
  r = Mara({"audit", "list", "--action", "user.language"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("zoe"));
  EXPECT_THAT(r.out, HasSubstr("amal"));
}

}  // namespace
}  // namespace mara
