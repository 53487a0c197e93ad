#include "api/metrics.h"

#include <fmt/format.h>

#include <utility>

namespace mara::api {
namespace {

void AppendEscaped(std::string_view value, std::string* out) {
  for (char c : value) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '"') {
      out->append("\\\"");
    } else if (c == '\n') {
      out->append("\\n");
    } else {
      out->push_back(c);
    }
  }
}

std::string Number(double v) { return fmt::format("{}", v); }

}  // namespace

std::string PrometheusSample(
    std::string_view name,
    std::initializer_list<std::pair<std::string_view, std::string_view>> labels,
    std::string_view value) {
  std::string line(name);
  if (labels.size() > 0) {
    line.push_back('{');
    bool first = true;
    for (const auto& label : labels) {
      if (!first) line.push_back(',');
      first = false;
      line.append(label.first);
      line.append("=\"");
      AppendEscaped(label.second, &line);
      line.push_back('"');
    }
    line.push_back('}');
  }
  line.push_back(' ');
  line.append(value);
  line.push_back('\n');
  return line;
}

std::string_view Metrics::MethodLabel(std::string_view method) {
  for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    if (method == known) return known;
  }
  return "other";
}

std::string_view Metrics::StatusClass(int status) {
  if (status >= 100 && status < 200) return "1xx";
  if (status < 300) return "2xx";
  if (status < 400) return "3xx";
  if (status < 500) return "4xx";
  return "5xx";
}

void Metrics::Observe(std::string_view method, std::string_view route, int status,
                      std::chrono::nanoseconds duration) {
  const double seconds = std::chrono::duration<double>(duration).count();
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  std::lock_guard<std::mutex> lock(mu_);
  Series& s = series_[Key(std::string(route), MethodLabel(method), StatusClass(status))];
  if (bucket < kBuckets.size()) ++s.buckets[bucket];
  ++s.count;
  s.sum_seconds += seconds;
}

void Metrics::Refused(int status) {
  std::lock_guard<std::mutex> lock(mu_);
  ++refused_[StatusClass(status)];
}

std::string Metrics::Render(std::string_view extra) const {
  std::map<Key, Series> series;
  std::map<std::string_view, uint64_t> refused;
  {
    std::lock_guard<std::mutex> lock(mu_);
    series = series_;
    refused = refused_;
  }
  std::string out;
  out +=
      "# HELP mara_http_requests_total HTTP requests answered, by route template, method and "
      "status class.\n";
  out += "# TYPE mara_http_requests_total counter\n";
  for (const auto& entry : series) {
    const Key& key = entry.first;
    out += PrometheusSample(
        "mara_http_requests_total",
        {{"route", std::get<0>(key)}, {"method", std::get<1>(key)}, {"status", std::get<2>(key)}},
        std::to_string(entry.second.count));
  }
  out +=
      "# HELP mara_http_request_duration_seconds Time from a whole request to its answer, "
      "by route template, method and status class.\n";
  out += "# TYPE mara_http_request_duration_seconds histogram\n";
  for (const auto& entry : series) {
    const Key& key = entry.first;
    const Series& s = entry.second;
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= kBuckets.size(); ++i) {
      if (i < kBuckets.size()) cumulative += s.buckets[i];
      const std::string le = i < kBuckets.size() ? Number(kBuckets[i]) : "+Inf";
      out += PrometheusSample("mara_http_request_duration_seconds_bucket",
                              {{"route", std::get<0>(key)},
                               {"method", std::get<1>(key)},
                               {"status", std::get<2>(key)},
                               {"le", le}},
                              std::to_string(i < kBuckets.size() ? cumulative : s.count));
    }
    out += PrometheusSample(
        "mara_http_request_duration_seconds_sum",
        {{"route", std::get<0>(key)}, {"method", std::get<1>(key)}, {"status", std::get<2>(key)}},
        Number(s.sum_seconds));
    out += PrometheusSample(
        "mara_http_request_duration_seconds_count",
        {{"route", std::get<0>(key)}, {"method", std::get<1>(key)}, {"status", std::get<2>(key)}},
        std::to_string(s.count));
  }
  out +=
      "# HELP mara_http_refused_total Requests refused before routing (malformed or too "
      "large), by status class.\n";
  out += "# TYPE mara_http_refused_total counter\n";
  for (const auto& entry : refused) {
    out += PrometheusSample("mara_http_refused_total", {{"status", entry.first}},
                            std::to_string(entry.second));
  }
  out.append(extra);
  return out;
}

}  // namespace mara::api
