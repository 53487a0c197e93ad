#include "api/static_files.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

#include "api/problem.h"
#include "api/resources.h"
#include "common/text.h"

namespace mara::api {
namespace {

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";

// realpath(3), or "" when the path does not resolve.
std::string RealPath(const std::string& path) {
  std::vector<char> buffer(PATH_MAX + 1);
  if (::realpath(path.c_str(), buffer.data()) == nullptr) return "";
  return buffer.data();
}

bool IsRegularFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool Inside(const std::string& real, const std::string& root) {
  return real.size() > root.size() && real.compare(0, root.size(), root) == 0 &&
         real[root.size()] == '/';
}

std::string ExecutableDir() {
  std::vector<char> buffer(PATH_MAX + 1);
  ssize_t n = ::readlink("/proc/self/exe", buffer.data(), buffer.size() - 1);
  if (n <= 0) return "";
  std::string exe(buffer.data(), static_cast<size_t>(n));
  size_t slash = exe.rfind('/');
  return slash == std::string::npos ? "" : exe.substr(0, slash);
}

}  // namespace

std::string_view ContentTypeForPath(std::string_view path) {
  struct Type {
    std::string_view ext, type;
  };
  static constexpr Type kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".json", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".map", "application/json"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".webp", "image/webp"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const Type& t : kTypes) {
    if (path.ends_with(t.ext)) return t.type;
  }
  return "application/octet-stream";
}

StaticFiles::StaticFiles(std::string dir) {
  if (!dir.empty()) root_ = RealPath(dir);
}

StaticFiles::StaticFiles(std::span<const EmbeddedFile> files) {
  const bool has_index = std::any_of(files.begin(), files.end(),
                                     [](const EmbeddedFile& f) { return f.path == "/index.html"; });
  if (!has_index) return;
  for (const EmbeddedFile& file : files) {
    FileCache::Entry entry;
    entry.bytes = std::make_shared<const std::string>(file.bytes);
    entry.etag = EtagOf(*entry.bytes);
    embedded_.emplace(std::string(file.path), std::move(entry));
  }
}

Response StaticFiles::Embedded(const std::string& path, bool asset) const {
  auto it = embedded_.end();
  if (path != "/") it = embedded_.find(path);
  if (it == embedded_.end()) {
    if (asset) return Problem(404, "not_found", "no file at " + QuoteForMessage(path), "path");
    it = embedded_.find(std::string_view("/index.html"));
  }
  Response r;
  r.body.clear();
  r.shared_body = it->second.bytes;
  r.content_type = std::string(ContentTypeForPath(it->first));
  r.headers.emplace_back("Cache-Control",
                         asset ? std::string(kImmutable) : std::string("no-cache"));
  r.headers.emplace_back("ETag", it->second.etag);
  return r;
}

Response StaticFiles::File(const std::string& real_path, bool immutable) const {
  const int fd = ::open(real_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Problem(404, "not_found", "the file cannot be read");
  struct stat st {};
  std::shared_ptr<const FileCache::Entry> entry;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    const int64_t mtime_ns = int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
    const size_t size = static_cast<size_t>(st.st_size);
    entry = cache_->Find(real_path, mtime_ns, size);
    if (!entry) {
      std::string bytes(size, '\0');
      size_t done = 0;
      while (done < size) {
        const ssize_t n = ::read(fd, bytes.data() + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += static_cast<size_t>(n);
      }
      if (done == size) {
        auto fresh = std::make_shared<FileCache::Entry>();
        fresh->mtime_ns = mtime_ns;
        fresh->bytes = std::make_shared<const std::string>(std::move(bytes));
        fresh->etag = EtagOf(*fresh->bytes);
        entry = fresh;
        cache_->Put(real_path, entry);
      }
    }
  }
  ::close(fd);
  if (!entry) return Problem(404, "not_found", "the file cannot be read");
  Response r;
  r.body.clear();
  r.shared_body = entry->bytes;  // shared by every reader, never copied
  r.content_type = std::string(ContentTypeForPath(real_path));
  r.headers.emplace_back("Cache-Control", immutable ? std::string(kImmutable) : "no-cache");
  r.headers.emplace_back("ETag", entry->etag);
  return r;
}

std::shared_ptr<const FileCache::Entry> FileCache::Find(const std::string& path, int64_t mtime_ns,
                                                        size_t size) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(path);
  if (it == entries_.end()) return nullptr;
  if (it->second->mtime_ns != mtime_ns || it->second->bytes->size() != size) {
    bytes_ -= it->second->bytes->size();
    entries_.erase(it);
    return nullptr;
  }
  return it->second;
}

void FileCache::Put(const std::string& path, std::shared_ptr<const Entry> entry) {
  const size_t size = entry->bytes->size();
  if (size > kMaxBytes) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = entries_.find(path); it != entries_.end()) {
    bytes_ -= it->second->bytes->size();
    entries_.erase(it);
  }
  // Over the bound, older entries go (readers still sending one keep it).
  while (bytes_ + size > kMaxBytes && !entries_.empty()) {
    bytes_ -= entries_.begin()->second->bytes->size();
    entries_.erase(entries_.begin());
  }
  bytes_ += size;
  entries_.emplace(path, std::move(entry));
}

Response StaticFiles::Serve(std::string_view raw_path) const {
  if (root_.empty() && embedded_.empty()) {
    return Problem(404, "no_ui",
                   "no browser application is installed or built into mara: start `mara serve "
                   "--ui DIR` or set MARA_UI_DIR; the API under /api/v1 works without it");
  }
  // Encoded separators would let one decoded segment hide a path.
  std::string lowered(raw_path);
  for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lowered.find("%2f") != std::string::npos || lowered.find("%5c") != std::string::npos ||
      lowered.find("%00") != std::string::npos) {
    return Problem(400, "invalid_path", "encoded separators are not allowed in a path", "path");
  }
  Result<std::string> decoded = PercentDecode(raw_path, false);
  if (!decoded.ok()) return ProblemFor(decoded.status(), "path");
  const std::string& path = *decoded;
  if (path.empty() || path[0] != '/' || path.find('\\') != std::string::npos ||
      path.find('\0') != std::string::npos) {
    return Problem(400, "invalid_path", "not a valid path: " + QuoteForMessage(path), "path");
  }
  // No "." or ".." segment, and no empty one inside the path ("//").
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string_view segment = std::string_view(path).substr(start, end - start);
    if (segment == "." || segment == ".." || (segment.empty() && end != path.size())) {
      return Problem(400, "invalid_path", "not a valid path: " + QuoteForMessage(path), "path");
    }
    start = end + 1;
  }
  const bool asset = path.rfind("/assets/", 0) == 0;
  if (!embedded_.empty()) return Embedded(path, asset);
  if (path != "/") {
    const std::string real = RealPath(root_ + path);
    if (!real.empty()) {
      if (!Inside(real, root_)) {
        return Problem(404, "not_found", "no file at " + QuoteForMessage(path), "path");
      }
      if (IsRegularFile(real)) return File(real, asset);
    }
    if (asset) return Problem(404, "not_found", "no file at " + QuoteForMessage(path), "path");
  }
  const std::string index = RealPath(root_ + "/index.html");
  if (index.empty() || !Inside(index, root_) || !IsRegularFile(index)) {
    return Problem(404, "no_ui", "the UI directory has no index.html");
  }
  return File(index, false);
}

std::string FindUiDir(const std::string& explicit_dir) {
  std::vector<std::string> candidates;
  if (!explicit_dir.empty()) {
    candidates.push_back(explicit_dir);
  } else {
    if (const char* env = std::getenv("MARA_UI_DIR"); env != nullptr && *env != '\0') {
      candidates.emplace_back(env);
    }
    const std::string exe_dir = ExecutableDir();
    if (!exe_dir.empty()) candidates.push_back(exe_dir + "/../share/mara/ui");
  }
  for (const std::string& dir : candidates) {
    if (IsRegularFile(dir + "/index.html")) return dir;
  }
  return "";
}

}  // namespace mara::api
