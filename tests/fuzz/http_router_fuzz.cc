// libFuzzer target: the API's own request parsing without a socket
// (api/router.h): query strings, percent-decoding and routing over the real
// route table of /api/v1 (ResourceRoutes plus the session, token and
// OpenAPI routes server.cc adds). The input's first line is "METHOD
// TARGET"; the rest is a string whose percent-encoding must decode back.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "api/resources.h"
#include "api/router.h"
#include "common/text.h"
#include "fuzz_support.h"
#include "policy/policy.h"

namespace {

const mara::api::Router& TheRouter() {
  static const mara::api::Router* router = [] {
    auto policy = mara::DefaultPolicy();
    FUZZ_CHECK(policy.ok(), "the default policy loads");
    static mara::api::Router r;
    auto answer = [](mara::api::Request&) { return mara::api::Response{}; };
    r.Add({.method = "POST", .pattern = "/api/v1/session", .needs_auth = false}, answer);
    r.Add({.method = "GET", .pattern = "/api/v1/session"}, answer);
    r.Add({.method = "DELETE", .pattern = "/api/v1/session"}, answer);
    r.Add({.method = "GET", .pattern = "/api/v1/openapi.json", .needs_auth = false}, answer);
    r.Add({.method = "POST", .pattern = "/api/v1/tokens"}, answer);
    r.Add({.method = "DELETE", .pattern = "/api/v1/tokens/{id}"}, answer);
    for (mara::api::SessionRoute& route :
         mara::api::ResourceRoutes(std::make_shared<const mara::Policy>(std::move(*policy)))) {
      r.Add(std::move(route.spec), answer);
    }
    return &r;
  }();
  return *router;
}

std::string PercentEncode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    out += '%';
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  std::string_view line = input.substr(0, newline);
  std::string_view rest = newline == std::string_view::npos ? "" : input.substr(newline + 1);

  const size_t space = line.find(' ');
  std::string_view method = space == std::string_view::npos ? "GET" : line.substr(0, space);
  std::string_view target = space == std::string_view::npos ? line : line.substr(space + 1);
  const size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);

  auto params = mara::api::ParseQuery(query);
  if (params.ok()) {
    for (const auto& [name, value] : *params) {
      FUZZ_CHECK(mara::IsValidUtf8(name) && mara::IsValidUtf8(value), "decoded query is UTF-8");
    }
  }
  auto match = TheRouter().Find(method, path);
  if (match.ok()) {
    if (match->route != nullptr) {
      FUZZ_CHECK(match->route->spec.method == method, "a route answers its own method");
      std::set<std::string> names;
      for (const std::string& segment : match->route->segments) {
        if (segment.size() > 2 && segment.front() == '{' && segment.back() == '}') {
          names.insert(segment.substr(1, segment.size() - 2));
        }
      }
      FUZZ_CHECK(names.size() == match->params.size(), "every pattern parameter is bound");
      for (const auto& [name, value] : match->params) {
        FUZZ_CHECK(names.count(name) == 1, "only pattern parameters are bound");
        FUZZ_CHECK(mara::IsValidUtf8(value), "path parameters are UTF-8");
      }
    } else {
      FUZZ_CHECK(!match->allowed.empty(), "a 405 lists the allowed methods");
    }
  }

  auto decoded = mara::api::PercentDecode(PercentEncode(rest), /*plus_is_space=*/true);
  FUZZ_CHECK(decoded.ok() == mara::IsValidUtf8(rest), "encoded UTF-8 decodes, other bytes fail");
  if (decoded.ok()) FUZZ_CHECK(*decoded == rest, "percent-decoding inverts percent-encoding");
  return 0;
}
