// The server's counters for GET /metrics (docs/api.md "Operator routes"),
// in the Prometheus text exposition format 0.0.4.
//
// Contract:
// - Observe() counts one answered request under its route template (the
//   router's pattern, such as "/api/v1/incidents/{id}"; "static" for the
//   browser application's files; "unmatched" for a path no route takes),
//   its method (GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, else
//   "other") and its status class ("2xx" ... "5xx"), with its duration in
//   the latency histogram of the same labels. Labels come from these fixed
//   sets only: no raw path, id, query or client-chosen string is ever a
//   label, so the series are bounded by the route table.
// - Refused() counts a request the transport refused before it was routed
//   (malformed or oversized head or body), by status class.
// - Render() is the whole exposition: the series above plus the gauges and
//   counters the caller passes in `extra` (each already formatted as
//   "# HELP", "# TYPE" and sample lines), sorted by label values.
// Thread-safe: Observe/Refused from the request threads, Render from any.
#ifndef MARA_API_METRICS_H_
#define MARA_API_METRICS_H_

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace mara::api {

inline constexpr std::string_view kPrometheusTextType = "text/plain; version=0.0.4; charset=utf-8";

class Metrics {
 public:
  // Upper bounds of the latency histogram's buckets, in seconds (+Inf added).
  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1.0,  2.5,   10.0};

  void Observe(std::string_view method, std::string_view route, int status,
               std::chrono::nanoseconds duration);
  void Refused(int status);
  std::string Render(std::string_view extra = "") const;

  // The label values Observe uses.
  static std::string_view MethodLabel(std::string_view method);
  static std::string_view StatusClass(int status);

 private:
  struct Series {
    std::array<uint64_t, kBuckets.size()> buckets{};  // not cumulative
    uint64_t count = 0;
    double sum_seconds = 0;
  };
  using Key = std::tuple<std::string, std::string_view, std::string_view>;  // route, method, class

  mutable std::mutex mu_;
  std::map<Key, Series> series_;
  std::map<std::string_view, uint64_t> refused_;
};

// One sample line, "name{label="value",...} value\n", with the values
// escaped as the format requires (backslash, double quote, newline).
std::string PrometheusSample(
    std::string_view name,
    std::initializer_list<std::pair<std::string_view, std::string_view>> labels,
    std::string_view value);

}  // namespace mara::api

#endif  // MARA_API_METRICS_H_
