// ScopedTempDir: a fresh private directory under the system temporary
// directory, removed with everything in it when the object is destroyed.
//
// Contract: Create() makes a new directory named "<prefix>-XXXXXX" (mode
// 0700, via mkdtemp) or returns kIOError naming what failed; CreateIn()
// makes it in a given directory. The object owns
// the directory: moving transfers ownership, destruction removes it
// recursively and ignores errors (nothing useful can be done with them
// there). Not thread-safe to mutate; used by tests and tools that need
// scratch space.
#ifndef MARA_COMMON_TEMP_DIR_H_
#define MARA_COMMON_TEMP_DIR_H_

#include <string>
#include <string_view>

#include "common/status.h"

namespace mara {

class ScopedTempDir {
 public:
  ScopedTempDir() = default;
  static Result<ScopedTempDir> Create(std::string_view prefix);
  // The same under `parent` (an existing directory) instead.
  static Result<ScopedTempDir> CreateIn(std::string_view parent, std::string_view prefix);

  ScopedTempDir(ScopedTempDir&& other) noexcept;
  ScopedTempDir& operator=(ScopedTempDir&& other) noexcept;
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;
  ~ScopedTempDir();

  // Empty for a default-constructed or moved-from object.
  const std::string& path() const { return path_; }

 private:
  void Remove();
  std::string path_;
};

}  // namespace mara

#endif  // MARA_COMMON_TEMP_DIR_H_
