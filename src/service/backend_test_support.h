// A test fixture over both backends: a scratch SQLite file or a scratch
// PostgreSQL database (storage/postgres/test_server.h) per test, a key file
// and an evidence directory in a temporary directory, and sessions opened on
// them. Parameterise with "sqlite" or "postgresql".
#ifndef MARA_SERVICE_BACKEND_TEST_SUPPORT_H_
#define MARA_SERVICE_BACKEND_TEST_SUPPORT_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "service/session.h"
#include "storage/postgres/test_server.h"

namespace mara::testing {

class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  // `prefix` names the temporary directory and the scratch database.
  explicit BackendTest(std::string prefix) : prefix_(std::move(prefix)) {}

  void SetUp() override {
    name_ = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : name_) {
      if (c == '/') c = '_';
    }
    dir_ = std::filesystem::temp_directory_path() /
           ("mara_" + prefix_ + "_" + std::to_string(::getpid()) + "_" + name_);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    if (GetParam() == "postgresql") {
      key_ = prefix_ + "/" + name_;
      auto url = pg::testing::ScratchDatabaseUrl(key_);
      ASSERT_TRUE(url.ok()) << url.status().ToString();
      db_ = *url;
    } else {
      db_ = (dir_ / "mara.db").string();
    }
  }
  void TearDown() override {
    if (!key_.empty()) {
      Status s = pg::testing::DropScratchDatabase(key_);
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
    std::filesystem::remove_all(dir_);
  }
  SessionOptions Options(bool create = false) const {
    SessionOptions o;
    o.db = db_;
    o.key_file = (dir_ / "mara.keys").string();
    o.evidence_dir = (dir_ / "evidence").string();
    o.create = create;
    return o;
  }
  std::unique_ptr<Session> Open(bool create = false, std::string principal = "") {
    SessionOptions o = Options(create);
    o.principal = std::move(principal);
    auto s = Session::Open(o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  std::string prefix_;
  std::string name_;
  std::filesystem::path dir_;
  std::string db_;
  std::string key_;
};

}  // namespace mara::testing

#endif  // MARA_SERVICE_BACKEND_TEST_SUPPORT_H_
