// Helpers shared by the libFuzzer targets in this folder (tests/fuzz/).
//
// Contract: ScratchFile() gives a path, in a private directory created once
// per process and removed at exit, that a target overwrites with its input
// for readers that take a path. FUZZ_CHECK aborts (which libFuzzer reports as
// a crash) when a property of the code under test does not hold; it is only
// for properties the code's own contract promises. One thread.
#ifndef MARA_TESTS_FUZZ_FUZZ_SUPPORT_H_
#define MARA_TESTS_FUZZ_FUZZ_SUPPORT_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

#include "common/temp_dir.h"

#define FUZZ_CHECK(cond, what)                                                \
  do {                                                                        \
    if (!(cond)) {                                                            \
      std::fprintf(stderr, "fuzz property failed: %s (%s)\n", #cond, (what)); \
      std::abort();                                                           \
    }                                                                         \
  } while (false)

namespace mara::fuzz {

inline const std::string& ScratchDir() {
  static const ScopedTempDir* dir = [] {
    auto created = ScopedTempDir::Create("mara-fuzz");
    if (!created.ok()) {
      std::fprintf(stderr, "cannot create a scratch directory: %s\n",
                   created.status().ToString().c_str());
      std::abort();
    }
    // Kept for the life of the process; its destructor removes it at exit.
    static ScopedTempDir kept = std::move(*created);
    return &kept;
  }();
  return dir->path();
}

// Writes `bytes` to <scratch>/<name> and returns the path.
inline std::string ScratchFile(std::string_view name, std::string_view bytes) {
  std::string path = ScratchDir() + "/" + std::string(name);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    std::abort();
  }
  return path;
}

}  // namespace mara::fuzz

#endif  // MARA_TESTS_FUZZ_FUZZ_SUPPORT_H_
