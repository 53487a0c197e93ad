#include "api/router.h"

#include <algorithm>

#include "common/text.h"

namespace mara::api {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 0;
  if (!path.empty() && path[0] == '/') start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    out.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool IsParam(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::string Request::Header(std::string_view lowercase_name) const {
  auto it = headers.find(std::string(lowercase_name));
  return it == headers.end() ? std::string() : it->second;
}

std::optional<std::string> Request::Query(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return v;
  }
  return std::nullopt;
}

const FormPart* Request::Part(std::string_view name) const {
  for (const FormPart& part : parts) {
    if (part.name == name) return &part;
  }
  return nullptr;
}

Result<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      int hi = i + 1 < text.size() ? HexValue(text[i + 1]) : -1;
      int lo = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return Status::InvalidArgument("bad percent escape at byte " + std::to_string(i));
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  if (!IsValidUtf8(out)) return Status::InvalidArgument("not valid UTF-8");
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> ParseQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (start < query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view pair = query.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string_view raw_name = pair.substr(0, eq);
    std::string_view raw_value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    auto name = PercentDecode(raw_name, true);
    if (!name.ok()) {
      return Status::InvalidArgument("query parameter name " + QuoteForMessage(raw_name) + ": " +
                                     name.status().message());
    }
    auto value = PercentDecode(raw_value, true);
    if (!value.ok()) {
      return Status::InvalidArgument("query parameter " + QuoteForMessage(*name) + ": " +
                                     value.status().message());
    }
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

void Router::Add(RouteSpec spec, Handler handler) {
  Route route;
  route.segments = SplitPath(spec.pattern);
  route.spec = std::move(spec);
  route.handler = std::move(handler);
  routes_.push_back(std::move(route));
}

Result<Match> Router::Find(std::string_view method, std::string_view path) const {
  std::vector<std::string> segments;
  for (const std::string& raw : SplitPath(path)) {
    auto decoded = PercentDecode(raw, false);
    if (!decoded.ok()) {
      return Status::InvalidArgument("path segment " + QuoteForMessage(raw) + ": " +
                                     decoded.status().message());
    }
    segments.push_back(std::move(*decoded));
  }
  Match result;
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (size_t i = 0; i < segments.size() && ok; ++i) {
      const std::string& want = route.segments[i];
      if (IsParam(want)) {
        if (segments[i].empty()) ok = false;
        params[want.substr(1, want.size() - 2)] = segments[i];
      } else {
        ok = want == segments[i];
      }
    }
    if (!ok) continue;
    if (route.spec.method == method) {
      result.route = &route;
      result.params = std::move(params);
      result.allowed.clear();
      return result;
    }
    if (std::find(result.allowed.begin(), result.allowed.end(), route.spec.method) ==
        result.allowed.end()) {
      result.allowed.push_back(route.spec.method);
    }
  }
  if (result.allowed.empty()) {
    return Status::NotFound("no resource at " + QuoteForMessage(path));
  }
  return result;
}

}  // namespace mara::api
