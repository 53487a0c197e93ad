// libFuzzer target: HTTP request handling end to end (api/server.h): a real
// Server in this process on a loopback port over a SQLite store holding
// examples/demo.json, logged in as the operator, fed one request per input
// through a keep-alive connection. Exercises the transport (api/http_wire.h,
// http_transport.h), Dispatch (query strings, routing, ETags), authentication
// and CSRF, and every handler with JSON, form and multipart bodies. A crash or
// sanitizer report in a server thread aborts the process, and the input in
// flight is the one that caused it, because requests are sent one at a time.
//
// Input: byte 0 picks the method, byte 1 the body's content type and
// whether the session cookie and CSRF token go along; then the target up to
// the first newline; the rest is the body.
#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <thread>

#include "api/server.h"
#include "fuzz_support.h"
#include "security/password.h"
#include "service/authorized.h"
#include "service/session.h"
#include "service/users.h"

namespace {

constexpr char kPassword[] = "fuzzing password 0123456789";
constexpr char kBoundary[] = "mara-fuzz-boundary";

struct Fixture {
  std::unique_ptr<mara::api::Server> server;
  std::unique_ptr<httplib::Client> client;
  std::string cookie;
  std::string csrf;

  void LogIn() {
    // An import an input started may hold the store's write lock for a
    // while (the login writes the audit log): wait for it, as a client would.
    for (int attempt = 0; attempt < 10; ++attempt) {
      auto res = client->Post(
          "/api/v1/session", nlohmann::json({{"name", "operator"}, {"password", kPassword}}).dump(),
          "application/json");
      if (res && res->status == 201) {
        const std::string set_cookie = res->get_header_value("Set-Cookie");
        cookie = set_cookie.substr(0, set_cookie.find(';'));
        csrf = nlohmann::json::parse(res->body).at("csrf_token").get<std::string>();
        return;
      }
      const std::string why = res ? std::to_string(res->status) + " " + res->body : "no answer";
      std::fprintf(stderr, "login attempt %d: %s\n", attempt, why.c_str());
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    FUZZ_CHECK(false, "the operator logs in");
  }
};

Fixture& TheFixture() {
  static Fixture* fixture = [] {
    // A PDF report would start Chromium for every such request.
    setenv("MARA_CHROMIUM", "/nonexistent/chromium", 1);
    static Fixture f;
    const std::string db = mara::fuzz::ScratchDir() + "/mara.db";
    mara::SessionOptions o;
    o.db = db;
    o.create = true;
    auto admin = mara::Session::Open(o);
    FUZZ_CHECK(admin.ok(), "the store opens");
    auto imported =
        mara::ImportFile(**admin, std::string(MARA_SOURCE_DIR) + "/examples/demo.json", {});
    FUZZ_CHECK(imported.ok(), "the demo imports");
    FUZZ_CHECK(mara::SetUserPassword(**admin, "operator", kPassword,
                                     mara::security::PasswordLimits::ForTests())
                   .ok(),
               "the operator gets a password");
    admin->reset();
    mara::api::ServerOptions options;
    options.db = db;
    options.port = 0;
    options.threads = 2;
    options.max_body_bytes = 64 * 1024;
    options.read_timeout_seconds = 2;
    // Failed logins in the corpus must not lock the fixture's own login out.
    options.login_max_failures = 1 << 30;
    f.server = std::make_unique<mara::api::Server>(options);
    FUZZ_CHECK(f.server->Start().ok(), "the server starts");
    f.client = std::make_unique<httplib::Client>("127.0.0.1", f.server->port());
    f.client->set_keep_alive(true);
    f.client->set_url_encode(false);
    f.client->set_read_timeout(10, 0);
    f.LogIn();
    return &f;
  }();
  return *fixture;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  Fixture& f = TheFixture();
  static const char* const kMethods[] = {"GET",   "POST", "PUT",    "DELETE",
                                         "PATCH", "HEAD", "OPTIONS"};
  std::string_view input(reinterpret_cast<const char*>(data + 2), size - 2);
  const size_t newline = input.find('\n');
  std::string target(input.substr(0, newline));
  if (target.empty() || target[0] != '/') target.insert(0, "/");
  // httplib's client refuses to send a request line with these; the server
  // side sees them only split across lines, which other inputs cover.
  for (char& c : target) {
    if (c == '\r' || c == '\n' || c == ' ' || c == '\0') c = '_';
  }

  httplib::Request req;
  req.method = kMethods[data[0] % 7];
  req.path = target;
  req.body = std::string(newline == std::string_view::npos ? "" : input.substr(newline + 1));
  const uint8_t flags = data[1];
  switch (flags & 3) {
    case 0:
      req.set_header("Content-Type", "application/json");
      break;
    case 1:
      req.set_header("Content-Type", std::string("multipart/form-data; boundary=") + kBoundary);
      break;
    case 2:
      req.set_header("Content-Type", "application/x-www-form-urlencoded");
      break;
    default:
      break;
  }
  if (!(flags & 4)) req.set_header("Cookie", f.cookie);
  if (!(flags & 8)) req.set_header("X-CSRF-Token", f.csrf);
  if (flags & 16) req.set_header("If-Match", "*");

  httplib::Result res = f.client->send(req);
  // A request the server refuses to read ends the connection; the server
  // must still answer the next one.
  if (!res) {
    auto probe = f.client->Get("/api/v1/openapi.json");
    FUZZ_CHECK(probe && probe->status == 200, "the server still answers");
    return 0;
  }
  // Dispatch turns an exception escaping a handler into this 500: a bug.
  FUZZ_CHECK(res->body.find("unexpected failure") == std::string::npos, "no handler throws");
  // The input may have logged the fixture out.
  if (req.method == "DELETE") f.LogIn();
  return 0;
}
