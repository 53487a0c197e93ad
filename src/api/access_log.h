// The access log of `mara serve` (docs/api.md "Operator routes"): one JSON
// line per answered request.
//
// Contract:
// - Open("") logs nothing, Open("-") writes to standard error, any other
//   value appends to that file (created 0600); kIOError when it cannot be
//   opened.
// - Write() emits one line: {"time": RFC 3339 UTC with milliseconds,
//   "request_id", "method", "route", "status", "duration_ms", "bytes"}.
//   `route` is a route template or one of the fixed labels of
//   api/metrics.h and `method` is Metrics::MethodLabel's, so no line holds
//   a raw path, an id from one, a query string, a user name or a client
//   address. Each line goes out in one write(2) (only a short write is
//   continued), so lines from concurrent requests do not interleave.
// - NewRequestId() is unique within the process: a random prefix fixed at
//   construction and a counter, 16 hex digits in all.
// Thread-safe.
#ifndef MARA_API_ACCESS_LOG_H_
#define MARA_API_ACCESS_LOG_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mara::api {

struct AccessRecord {
  std::chrono::system_clock::time_point time;  // when the request arrived
  std::string_view request_id;
  std::string_view method;
  std::string_view route;
  int status = 0;
  std::chrono::nanoseconds duration{0};
  size_t bytes = 0;  // of the body sent
};

class AccessLog {
 public:
  static Result<std::unique_ptr<AccessLog>> Open(const std::string& target);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  bool enabled() const { return fd_ >= 0; }
  void Write(const AccessRecord& record);
  std::string NewRequestId();
  // The line Write() emits, without its newline.
  static std::string Line(const AccessRecord& record);

 private:
  AccessLog(int fd, bool owned);
  int fd_ = -1;
  bool owned_ = false;
  uint32_t prefix_ = 0;
  std::atomic<uint32_t> next_{0};
};

}  // namespace mara::api

#endif  // MARA_API_ACCESS_LOG_H_
