// Test support, for test binaries only (it includes GoogleTest): where the
// tests find the real public data sets (SVAC, the UCDP actor list, UCDP
// events), which are not part of the repository.
//
// Contract:
// - The folder is $MARA_DATA_DIR when that variable is set and not empty,
//   otherwise `../shared/data` beside the source tree.
// - MARA_REAL_DATA(var, "file.csv") declares `const std::string var` holding
//   the file's path when the file is there.
// - When the file is missing and MARA_DATA_DIR is set, the test fails
//   naming the file: whoever set the variable promised the data (CI does).
// - When the file is missing and MARA_DATA_DIR is not set, the test is
//   skipped with a one-line note naming the file, so a fresh clone without
//   the data still passes everything else.
// Use it only in a function that returns void (a test body or SetUp).
#ifndef MARA_COMMON_REAL_DATA_TEST_SUPPORT_H_
#define MARA_COMMON_REAL_DATA_TEST_SUPPORT_H_

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace mara::testing_support {

// The folder the real data sets are read from (see the contract above).
inline std::string RealDataDir() {
  const char* dir = std::getenv("MARA_DATA_DIR");
  if (dir != nullptr && *dir != '\0') return dir;
  return std::string(MARA_SOURCE_DIR) + "/../shared/data";
}

// True when MARA_DATA_DIR names the folder, so a missing file is a failure.
inline bool RealDataRequired() {
  const char* dir = std::getenv("MARA_DATA_DIR");
  return dir != nullptr && *dir != '\0';
}

// The path of `file` in RealDataDir(), or "" when no regular file is there.
inline std::string RealDataPath(const std::string& file) {
  const std::string path = RealDataDir() + "/" + file;
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec) ? path : std::string();
}

}  // namespace mara::testing_support

#define MARA_REAL_DATA(var, file)                                                            \
  const std::string var = ::mara::testing_support::RealDataPath(file);                       \
  if (var.empty()) {                                                                         \
    if (::mara::testing_support::RealDataRequired()) {                                       \
      FAIL() << "real data file " << (file)                                                  \
             << " is missing from MARA_DATA_DIR=" << ::mara::testing_support::RealDataDir(); \
    }                                                                                        \
    GTEST_SKIP() << "real data file " << (file) << " not found in "                          \
                 << ::mara::testing_support::RealDataDir() << " (set MARA_DATA_DIR)";        \
  }                                                                                          \
  static_assert(true, "")

#endif  // MARA_COMMON_REAL_DATA_TEST_SUPPORT_H_
