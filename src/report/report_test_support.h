// A fixture the report tests share: a fresh store in a temporary directory,
// opened as a session whose clock reads 2026-06-01 (the reports' "today"),
// and the built-in default policy. Tests import what they need and build
// reports with Build().
#ifndef MARA_REPORT_REPORT_TEST_SUPPORT_H_
#define MARA_REPORT_REPORT_TEST_SUPPORT_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>

#include "common/temp_dir.h"
#include "policy/policy.h"
#include "report/builder.h"
#include "security/clock.h"
#include "service/core.h"

namespace mara::report::testing {

class ReportSessionTest : public ::testing::Test {
 protected:
  // Opens the session on a new store in a directory named after `prefix`.
  void OpenSession(const std::string& prefix) {
    Result<ScopedTempDir> dir = ScopedTempDir::Create(prefix);
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
  }

  // The report of `cycle` in `edition`; an empty report (and a failure)
  // when it cannot be built.
  Report Build(int cycle, Edition edition) {
    Result<Report> r = BuildReport(*session_, policy_, cycle, edition);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(*r) : Report{};
  }

  ScopedTempDir dir_;
  security::FixedClock clock_{1780272000000};  // 2026-06-01
  std::unique_ptr<Session> session_;
  Policy policy_;
};

}  // namespace mara::report::testing

#endif  // MARA_REPORT_REPORT_TEST_SUPPORT_H_
