#include "common/temp_dir.h"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

namespace mara {

Result<ScopedTempDir> ScopedTempDir::Create(std::string_view prefix) {
  std::error_code ec;
  const std::filesystem::path base = std::filesystem::temp_directory_path(ec);
  if (ec) return Status::IOError("no temporary directory: " + ec.message());
  return CreateIn(base.string(), prefix);
}

Result<ScopedTempDir> ScopedTempDir::CreateIn(std::string_view parent, std::string_view prefix) {
  std::string pattern =
      (std::filesystem::path(parent) / (std::string(prefix) + "-XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return Status::IOError("cannot create a directory like " + pattern + ": " +
                           std::strerror(errno));
  }
  ScopedTempDir dir;
  dir.path_ = std::move(pattern);
  return dir;
}

ScopedTempDir::ScopedTempDir(ScopedTempDir&& other) noexcept
    : path_(std::exchange(other.path_, std::string())) {}

ScopedTempDir& ScopedTempDir::operator=(ScopedTempDir&& other) noexcept {
  if (this != &other) {
    Remove();
    path_ = std::exchange(other.path_, std::string());
  }
  return *this;
}

ScopedTempDir::~ScopedTempDir() { Remove(); }

void ScopedTempDir::Remove() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
  path_.clear();
}

}  // namespace mara
