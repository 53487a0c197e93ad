#include "api/access_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>

#include "security/random.h"

namespace mara::api {
namespace {

std::string Rfc3339Millis(std::chrono::system_clock::time_point t) {
  const int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(ms % 1000));
  return buffer;
}

}  // namespace

AccessLog::AccessLog(int fd, bool owned) : fd_(fd), owned_(owned) {
  security::SystemRandom random;
  std::array<uint8_t, 4> bytes{};
  random.Fill(bytes);
  std::memcpy(&prefix_, bytes.data(), sizeof prefix_);
}

AccessLog::~AccessLog() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<AccessLog>> AccessLog::Open(const std::string& target) {
  if (target.empty()) return std::unique_ptr<AccessLog>(new AccessLog(-1, false));
  if (target == "-") return std::unique_ptr<AccessLog>(new AccessLog(STDERR_FILENO, false));
  const int fd = ::open(target.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::IOError("access log " + target + ": cannot open (" + std::strerror(errno) + ")");
  }
  return std::unique_ptr<AccessLog>(new AccessLog(fd, true));
}

std::string AccessLog::NewRequestId() {
  const uint32_t n = next_.fetch_add(1, std::memory_order_relaxed);
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%08x%08x", prefix_, n);
  return buffer;
}

std::string AccessLog::Line(const AccessRecord& r) {
  nlohmann::ordered_json j;
  j["time"] = Rfc3339Millis(r.time);
  j["request_id"] = std::string(r.request_id);
  j["method"] = std::string(r.method);
  j["route"] = std::string(r.route);
  j["status"] = r.status;
  j["duration_ms"] = static_cast<double>(r.duration.count() / 1000) / 1000.0;
  j["bytes"] = r.bytes;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void AccessLog::Write(const AccessRecord& record) {
  if (fd_ < 0) return;
  std::string line = Line(record);
  line.push_back('\n');
  // One write per line (O_APPEND for files); a short write is finished.
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

}  // namespace mara::api
