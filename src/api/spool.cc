#include "api/spool.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "common/text.h"

namespace mara::api {

std::string ResolveTempDir(const std::string& db, const std::string& evidence_dir) {
  if (db.find("://") != std::string::npos) {
    std::string base = evidence_dir.empty() ? std::string("./mara.evidence") : evidence_dir;
    while (base.size() > 1 && base.back() == '/') base.pop_back();
    return base + ".tmp";
  }
  return db + ".tmp";
}

Status PrepareTempDir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status::IOError("cannot create the temporary folder " + QuoteForMessage(dir) + ": " +
                           std::strerror(errno));
  }
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status::IOError("the temporary folder " + QuoteForMessage(dir) + " is not a folder");
  }
  if ((st.st_mode & 0077) != 0) (void)::chmod(dir.c_str(), 0700);
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("spool-", 0) == 0 || name.rfind("upload-", 0) == 0) {
      std::error_code ignored;
      std::filesystem::remove_all(entry.path(), ignored);
    }
  }
  return Status::Ok();
}

Result<std::shared_ptr<SpooledBody>> SpooledBody::Create(const std::string& dir) {
  std::string pattern = dir + "/spool-XXXXXX";
  const int fd = ::mkostemp(pattern.data(), O_CLOEXEC);  // mode 0600
  if (fd < 0) {
    return Status::IOError("cannot create a spool file: " + std::string(std::strerror(errno)));
  }
  std::shared_ptr<SpooledBody> body(new SpooledBody());
  body->path_ = std::move(pattern);
  body->fd_ = fd;
  return body;
}

SpooledBody::~SpooledBody() {
  if (map_ != nullptr) ::munmap(map_, size_);
  if (fd_ >= 0) ::close(fd_);
  if (!path_.empty()) ::unlink(path_.c_str());
}

Status SpooledBody::Append(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("cannot write a spool file: " + std::string(std::strerror(errno)));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
    size_ += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status SpooledBody::Finish() {
  if (size_ == 0 || map_ != nullptr) return Status::Ok();
  void* map = ::mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd_, 0);
  if (map == MAP_FAILED) {
    return Status::IOError("cannot map a spool file: " + std::string(std::strerror(errno)));
  }
  ::madvise(map, size_, MADV_SEQUENTIAL);
  map_ = map;
  return Status::Ok();
}

std::string_view SpooledBody::bytes() const {
  return map_ == nullptr ? std::string_view() : std::string_view(static_cast<char*>(map_), size_);
}

}  // namespace mara::api
