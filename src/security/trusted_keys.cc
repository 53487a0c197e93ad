#include "security/trusted_keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/text.h"

namespace mara::security {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::string(value) : std::string();
}

}  // namespace

std::string TrustedKeysPath() {
  if (std::string explicit_path = Env(std::string(kTrustedKeysEnvVar).c_str());
      !explicit_path.empty()) {
    return explicit_path;
  }
  if (std::string config = Env("XDG_CONFIG_HOME"); !config.empty()) {
    return config + "/mara/trusted-keys";
  }
  if (std::string home = Env("HOME"); !home.empty()) return home + "/.config/mara/trusted-keys";
  return "";
}

Result<std::vector<PublicKey>> ReadTrustedKeys(const std::string& path) {
  std::vector<PublicKey> keys;
  if (path.empty()) return keys;
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return keys;
    return Status::IOError("trusted keys " + QuoteForMessage(path) + ": " + std::strerror(errno));
  }
  if (S_ISLNK(st.st_mode) || !S_ISREG(st.st_mode)) {
    return Status::PermissionDenied("trusted keys " + QuoteForMessage(path) +
                                    " is not a regular file (a symbolic link is refused)");
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return Status::PermissionDenied("trusted keys " + QuoteForMessage(path) +
                                    " may be written by others (make it 0600 or 0644)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("trusted keys " + QuoteForMessage(path) + ": cannot be read");
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    const size_t end = line.find_first_of(" \t", start);
    auto key =
        PublicKey::FromText(line.substr(start, end == std::string::npos ? end : end - start));
    if (!key.ok()) {
      return Status::Corruption("trusted keys " + QuoteForMessage(path) + " line " +
                                std::to_string(number) + ": " + key.status().message());
    }
    keys.push_back(*key);
  }
  return keys;
}

Status TrustKey(const std::string& path, const PublicKey& key, std::string_view comment) {
  if (path.empty()) {
    return Status::IOError(
        "no place for trusted keys: set MARA_TRUSTED_KEYS, XDG_CONFIG_HOME or HOME");
  }
  MARA_ASSIGN_OR_RETURN(std::vector<PublicKey> known, ReadTrustedKeys(path));
  for (const PublicKey& k : known) {
    if (k.bytes == key.bytes) return Status::Ok();
  }
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !std::filesystem::exists(parent, ec)) {
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return Status::IOError("trusted keys folder " + QuoteForMessage(parent.string()) + ": " +
                             ec.message());
    }
    std::filesystem::permissions(parent, std::filesystem::perms::owner_all, ec);
  }
  std::string one_line;
  for (char c : comment) one_line.push_back(c == '\n' || c == '\r' ? ' ' : c);
  const std::string text = key.ToText() + (one_line.empty() ? "" : " " + one_line) + "\n";
  const int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return Status::IOError("trusted keys " + QuoteForMessage(path) + ": " + std::strerror(errno));
  }
  const ssize_t written = write(fd, text.data(), text.size());
  const int saved = errno;
  close(fd);
  if (written != static_cast<ssize_t>(text.size())) {
    return Status::IOError("trusted keys " + QuoteForMessage(path) + ": " + std::strerror(saved));
  }
  return Status::Ok();
}

}  // namespace mara::security
