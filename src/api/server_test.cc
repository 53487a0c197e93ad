// The HTTP API end to end: a real server on a free loopback port, in
// process, over a real SQLite store holding examples/demo.json, spoken to
// with httplib::Client.
#include "api/server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "../../tests/serve_harness.h"
#include "api/api_world_test_support.h"
#include "api/problem.h"
#include "api/schemas.h"
#include "common/temp_dir.h"
#include "policy/assessment_output.h"
#include "policy/policy.h"
#include "service/api_tokens.h"
#include "service/authorized.h"
#include "service/session.h"
#include "service/users.h"

namespace mara::api {
namespace {

using testing_support::ExpectProblem;

using Json = nlohmann::json;

constexpr char kPassword[] = "correct horse battery staple";
// A sentence of one demo incident's narrative and a confidential source.
constexpr char kNarrative[] = "Two women stopped on the road to the market";
constexpr char kConfidentialSource[] = "S-SURV-1";

using testing_support::Login;  // cookie ("mara_session=...") and CSRF token

class ApiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = ScopedTempDir::Create("mara-api-test");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    dir_ = std::move(*dir);
    db_ = dir_.path() + "/mara.db";
    SessionOptions o;
    o.db = db_;
    o.create = true;
    auto admin = Session::Open(o);
    ASSERT_TRUE(admin.ok()) << admin.status().ToString();
    auto imported = ImportFile(**admin, std::string(MARA_SOURCE_DIR) + "/examples/demo.json", {});
    ASSERT_TRUE(imported.ok()) << imported.status().ToString();
    const auto limits = security::PasswordLimits::ForTests();
    ASSERT_TRUE(SetUserPassword(**admin, "operator", kPassword, limits).ok());
    struct U {
      const char* name;
      std::vector<std::string> roles;
      std::vector<std::string> situations;
    };
    for (const U& u : {U{"vera", {"viewer"}, {}}, U{"rita", {"reviewer"}, {}},
                       U{"dana", {"decision_maker"}, {}}, U{"mo", {"monitor"}, {"SIT-VAL"}}}) {
      NewUser n;
      n.name = u.name;
      n.roles = u.roles;
      n.situations = u.situations;
      n.password = kPassword;
      n.limits = limits;
      Status added = AddUser(**admin, n);
      ASSERT_TRUE(added.ok()) << added.ToString();
    }
    admin->reset();
    ServerOptions options;
    options.db = db_;
    options.port = 0;
    options.threads = 2;
    options.max_body_bytes = 64 * 1024;
    options.login_max_failures = 3;
    options.login_max_address_failures = 6;
    server_ = std::make_unique<Server>(options);
    Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(60, 0);
  }

  void TearDown() override {
    client_.reset();
    if (server_) server_->Stop();
  }

  httplib::Result PostLogin(const std::string& name, const std::string& password) {
    Json body = {{"name", name}, {"password", password}};
    return client_->Post("/api/v1/session", body.dump(), "application/json");
  }

  Login LogIn(const std::string& name) {
    auto res = PostLogin(name, kPassword);
    EXPECT_TRUE(res);
    if (!res) return {};
    EXPECT_EQ(res->status, 201) << res->body;
    std::string cookie = res->get_header_value("Set-Cookie");
    cookie = cookie.substr(0, cookie.find(';'));
    return {cookie, Json::parse(res->body).value("csrf_token", "")};
  }

  httplib::Result Get(const Login& who, const std::string& path, httplib::Headers extra = {}) {
    extra.emplace("Cookie", who.cookie);
    return client_->Get(path, extra);
  }

  httplib::Result Post(const Login& who, const std::string& path, const Json& body,
                       httplib::Headers extra = {}) {
    extra.emplace("Cookie", who.cookie);
    extra.emplace("X-CSRF-Token", who.csrf);
    return client_->Post(path, extra, body.dump(), "application/json");
  }

  ScopedTempDir dir_;
  std::string db_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ApiServerTest, LoginSetsAHardenedCookieAndSecurityHeaders) {
  auto res = PostLogin("vera", kPassword);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  const std::string cookie = res->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("mara_session="), std::string::npos);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);  // not configured behind TLS
  const std::string csp = res->get_header_value("Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(res->get_header_value("X-Frame-Options"), "DENY");

  Login vera = LogIn("vera");
  auto me = Get(vera, "/api/v1/session");
  ASSERT_TRUE(me);
  ASSERT_EQ(me->status, 200) << me->body;
  Json j = Json::parse(me->body);
  EXPECT_EQ(j["name"], "vera");
  EXPECT_EQ(j["roles"], Json::array({"viewer"}));
  EXPECT_EQ(j["csrf_token"], vera.csrf);

  // Logging out ends the session.
  httplib::Headers h = {{"Cookie", vera.cookie}, {"X-CSRF-Token", vera.csrf}};
  auto out = client_->Delete("/api/v1/session", h);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 204);
  ExpectProblem(Get(vera, "/api/v1/session"), 401, "Cookie");
}

TEST(ApiServerOptionsTest, SecureCookiesBehindTls) {
  auto dir = ScopedTempDir::Create("mara-api-tls");
  ASSERT_TRUE(dir.ok());
  SessionOptions o;
  o.db = dir->path() + "/mara.db";
  o.create = true;
  {
    auto admin = Session::Open(o);
    ASSERT_TRUE(admin.ok());
    ASSERT_TRUE(
        SetUserPassword(**admin, "operator", kPassword, security::PasswordLimits::ForTests()).ok());
  }
  ServerOptions options;
  options.db = o.db;
  options.port = 0;
  options.secure_cookies = true;
  Server server(options);
  ASSERT_TRUE(server.Start().ok());
  httplib::Client client("127.0.0.1", server.port());
  auto res =
      client.Post("/api/v1/session", Json{{"name", "operator"}, {"password", kPassword}}.dump(),
                  "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201);
  EXPECT_NE(res->get_header_value("Set-Cookie").find("; Secure"), std::string::npos);
  server.Stop();
}

TEST_F(ApiServerTest, RequestsWithoutASessionAreRefused) {
  ExpectProblem(client_->Get("/api/v1/situations"), 401, "Cookie");
  httplib::Headers forged = {{"Cookie", "mara_session=0123456789abcdef"}};
  ExpectProblem(client_->Get("/api/v1/situations", forged), 401, "Cookie");
  ExpectProblem(PostLogin("vera", "wrong password"), 401, "/password");
  ExpectProblem(PostLogin("nobody", kPassword), 401, "/password");
  ExpectProblem(client_->Post("/api/v1/session", "not json", "application/json"), 400, "");
  ExpectProblem(client_->Post("/api/v1/session", Json{{"name", "vera"}}.dump(), "application/json"),
                400, "/password");
}

TEST_F(ApiServerTest, LoginAttemptsAreRateLimitedPerNameAndAddress) {
  for (int i = 0; i < 3; ++i) ExpectProblem(PostLogin("dana", "guess"), 401, "/password");
  // Even the right password is refused while the window lasts.
  auto limited = PostLogin("dana", kPassword);
  ExpectProblem(limited, 429, "");
  EXPECT_FALSE(limited->get_header_value("Retry-After").empty());
  // Another name from the address still gets its check...
  auto rita = PostLogin("rita", kPassword);
  ASSERT_TRUE(rita);
  EXPECT_EQ(rita->status, 201) << rita->body;
  // ...until the address has failed six times: then every name waits but
  // rita, who logged in from it.
  for (const char* name : {"n1", "n2", "n3"}) {
    ExpectProblem(PostLogin(name, "guess"), 401, "/password");
  }
  ExpectProblem(PostLogin("vera", kPassword), 429, "");
  auto known = PostLogin("rita", kPassword);
  ASSERT_TRUE(known);
  EXPECT_EQ(known->status, 201) << known->body;
  // A long name (login_guard_test.cc tries a megabyte) is refused like any other.
  ExpectProblem(PostLogin(std::string(40 * 1024, 'n'), "guess"), 429, "");
}

// Counted when they begin: of 40 wrong guesses at once, only the limit's
// worth reach a password check (401); the rest are 429 without a check.
TEST_F(ApiServerTest, ParallelWrongGuessesGetNoMoreChecksThanTheLimit) {
  std::atomic<int> checked{0}, limited{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 40; ++i) {
    threads.emplace_back([&, i] {
      httplib::Client client("127.0.0.1", server_->port());
      client.set_read_timeout(60, 0);
      const std::string body =
          Json{{"name", "dana"}, {"password", "guess " + std::to_string(i)}}.dump();
      for (int tries = 0; tries < 200; ++tries) {
        auto res = client.Post("/api/v1/session", body, "application/json");
        if (res && res->status == 503) {  // every check slot busy: not counted, try again
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
          continue;
        }
        if (res && res->status == 401) {
          ++checked;
        } else if (res && res->status == 429) {
          ++limited;
        } else {
          ++other;
        }
        return;
      }
      ++other;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(checked.load(), 3);  // login_max_failures
  EXPECT_EQ(limited.load(), 37);
  EXPECT_EQ(other.load(), 0);
}

TEST_F(ApiServerTest, LoginTakesOnlyJsonFromItsOwnOrigin) {
  const std::string body = Json{{"name", "vera"}, {"password", kPassword}}.dump();
  ExpectProblem(client_->Post("/api/v1/session", body, "text/plain"), 415, "Content-Type");
  ExpectProblem(
      client_->Post("/api/v1/session", "name=vera&password=x", "application/x-www-form-urlencoded"),
      415, "Content-Type");
  ExpectProblem(client_->Post("/api/v1/session", httplib::Headers{}, body, ""), 415,
                "Content-Type");
  auto with_charset = client_->Post("/api/v1/session", body, "Application/JSON; charset=utf-8");
  ASSERT_TRUE(with_charset);
  EXPECT_EQ(with_charset->status, 201) << with_charset->body;

  const std::string self = "http://127.0.0.1:" + std::to_string(server_->port());
  for (const std::string& foreign : {std::string("http://evil.example"), std::string("null"),
                                     "https://127.0.0.1:" + std::to_string(server_->port()),
                                     "http://127.0.0.1:" + std::to_string(server_->port() + 1)}) {
    ExpectProblem(client_->Post("/api/v1/session", httplib::Headers{{"Origin", foreign}}, body,
                                "application/json"),
                  403, "Origin");
  }
  auto same = client_->Post("/api/v1/session", httplib::Headers{{"Origin", self}}, body,
                            "application/json");
  ASSERT_TRUE(same);
  EXPECT_EQ(same->status, 201) << same->body;
}

// Behind a trusted proxy the limits count the forwarded client address, so
// a person failing from one place locks neither another place nor a
// colleague who works where they failed.
TEST(ApiLoginLimitsTest, LimitsCountTheForwardedClientAndSpareOthers) {
  auto dir = ScopedTempDir::Create("mara-api-limits");
  ASSERT_TRUE(dir.ok());
  SessionOptions o;
  o.db = dir->path() + "/mara.db";
  o.create = true;
  {
    auto admin = Session::Open(o);
    ASSERT_TRUE(admin.ok());
    const auto limits = security::PasswordLimits::ForTests();
    for (const char* name : {"dana", "rita", "vera"}) {
      NewUser n;
      n.name = name;
      n.roles = {"viewer"};
      n.password = kPassword;
      n.limits = limits;
      ASSERT_TRUE(AddUser(**admin, n).ok());
    }
  }
  ServerOptions options;
  options.db = o.db;
  options.port = 0;
  options.login_max_failures = 3;
  options.login_max_address_failures = 5;
  options.login_max_name_failures = 5;
  options.trusted_proxies = {"127.0.0.1/32", "::1"};
  Server server(options);
  ASSERT_TRUE(server.Start().ok());
  httplib::Client client("127.0.0.1", server.port());
  auto login = [&](const std::string& name, const std::string& password,
                   const std::string& forwarded_for) {
    auto res = client.Post("/api/v1/session", httplib::Headers{{"X-Forwarded-For", forwarded_for}},
                           Json{{"name", name}, {"password", password}}.dump(), "application/json");
    return res ? res->status : -1;
  };
  // dana's own place, 198.51.100.1, is known from a success.
  EXPECT_EQ(login("dana", kPassword, "198.51.100.1"), 201);
  // Three wrong guesses from 203.0.113.5 lock dana out there only.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(login("dana", "guess", "203.0.113.5"), 401);
  EXPECT_EQ(login("dana", kPassword, "203.0.113.5"), 429);
  EXPECT_EQ(login("dana", kPassword, "203.0.113.6"), 201);
  // The right-most address not a trusted proxy is the client: a claim on
  // the left changes nothing.
  EXPECT_EQ(login("dana", kPassword, "203.0.113.5, 203.0.113.7"), 201);
  EXPECT_EQ(login("dana", kPassword, "203.0.113.7, 203.0.113.5"), 429);
  // Two more failures elsewhere spend the name's limit: new places wait,
  // dana's known ones do not.
  EXPECT_EQ(login("dana", "guess", "192.0.2.10"), 401);
  EXPECT_EQ(login("dana", "guess", "192.0.2.11"), 401);
  EXPECT_EQ(login("dana", kPassword, "192.0.2.12"), 429);
  EXPECT_EQ(login("dana", kPassword, "198.51.100.1"), 201);
  // One person spraying names from an office spends the office's limit,
  // but rita, who logs in there, still can.
  EXPECT_EQ(login("rita", kPassword, "198.51.100.50"), 201);
  for (const char* name : {"n1", "n2", "n3", "n4", "n5"}) {
    EXPECT_EQ(login(name, "guess", "198.51.100.50"), 401);
  }
  EXPECT_EQ(login("vera", kPassword, "198.51.100.50"), 429);
  EXPECT_EQ(login("rita", kPassword, "198.51.100.50"), 201);
  server.Stop();

  // Without trusted proxies the header is ignored: the peer is the client.
  options.trusted_proxies.clear();
  Server plain(options);
  ASSERT_TRUE(plain.Start().ok());
  httplib::Client direct("127.0.0.1", plain.port());
  for (int i = 0; i < 3; ++i) {
    auto res = direct.Post(
        "/api/v1/session", httplib::Headers{{"X-Forwarded-For", "203.0.113." + std::to_string(i)}},
        Json{{"name", "vera"}, {"password", "guess"}}.dump(), "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401);
  }
  auto spoofed =
      direct.Post("/api/v1/session", httplib::Headers{{"X-Forwarded-For", "203.0.113.99"}},
                  Json{{"name", "vera"}, {"password", kPassword}}.dump(), "application/json");
  ASSERT_TRUE(spoofed);
  EXPECT_EQ(spoofed->status, 429);
  plain.Stop();

  options.trusted_proxies = {"10.0.0.0/33"};
  Server bad(options);
  Status refused = bad.Start();
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("10.0.0.0/33"), std::string::npos);
}

// A bound on password hashes at once: with one slot and no waiting, logins
// arriving together find it busy and get 503 with Retry-After, uncounted.
TEST(ApiLoginLimitsTest, ConcurrentPasswordChecksAreBounded) {
  auto dir = ScopedTempDir::Create("mara-api-slots");
  ASSERT_TRUE(dir.ok());
  SessionOptions o;
  o.db = dir->path() + "/mara.db";
  o.create = true;
  ASSERT_TRUE(Session::Open(o).ok());
  ServerOptions options;
  options.db = o.db;
  options.port = 0;
  options.threads = 8;
  options.login_concurrent_checks = 1;
  options.login_check_wait = std::chrono::milliseconds(0);
  options.login_max_address_failures = 1000;
  Server server(options);
  ASSERT_TRUE(server.Start().ok());
  std::atomic<int> busy{0}, refused{0}, other{0};
  std::atomic<bool> retry_after{true};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      httplib::Client client("127.0.0.1", server.port());
      client.set_read_timeout(60, 0);
      // Unknown names: each pays for a full Argon2id check of the dummy hash.
      auto res =
          client.Post("/api/v1/session",
                      Json{{"name", "nobody" + std::to_string(i)}, {"password", "guess"}}.dump(),
                      "application/json");
      if (res && res->status == 503) {
        ++busy;
        if (res->get_header_value("Retry-After") != "1") retry_after = false;
      } else if (res && res->status == 401) {
        ++refused;
      } else {
        ++other;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_GE(busy.load(), 1);
  EXPECT_GE(refused.load(), 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_TRUE(retry_after.load());
  server.Stop();
}

// A changed password, a disabling or another role ends the principal's
// login sessions and revokes its API tokens, whoever made the change (here
// the service calls `mara user ...` makes, from another process's view).
TEST_F(ApiServerTest, CredentialChangesEndSessionsAndTokens) {
  struct Who {
    Login login;
    std::string token;
  };
  auto start = [&](const std::string& name) {
    Who w{LogIn(name), ""};
    auto issued = Post(w.login, "/api/v1/tokens", {{"days", 7}});
    EXPECT_TRUE(issued);
    if (issued) {
      EXPECT_EQ(issued->status, 201) << issued->body;
      w.token = Json::parse(issued->body).value("token", "");
    }
    return w;
  };
  Who rita = start("rita");
  Who vera = start("vera");
  Who dana = start("dana");
  Who mo = start("mo");
  {
    SessionOptions o;
    o.db = db_;
    auto admin = Session::Open(o);
    ASSERT_TRUE(admin.ok());
    const auto limits = security::PasswordLimits::ForTests();
    ASSERT_TRUE(SetUserPassword(**admin, "rita", "another long password", limits).ok());
    ASSERT_TRUE(SetUserDisabled(**admin, "vera", true).ok());
    ASSERT_TRUE(AssignUser(**admin, "dana", {"analyst"}, {}, false).ok());
  }
  // Changes by another process are seen within the cache staleness.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (const Who* w : {&rita, &vera, &dana}) {
    ExpectProblem(Get(w->login, "/api/v1/session"), 401, "Cookie");
    ExpectProblem(Get(w->login, "/api/v1/situations"), 401, "Cookie");
    ExpectProblem(client_->Get("/api/v1/session", {{"Authorization", "Bearer " + w->token}}), 401,
                  "Authorization");
    ExpectProblem(client_->Get("/api/v1/annex/2025", {{"Authorization", "Bearer " + w->token}}),
                  401, "Authorization");
  }
  // The others are untouched.
  auto still = Get(mo.login, "/api/v1/session");
  ASSERT_TRUE(still);
  EXPECT_EQ(still->status, 200) << still->body;
  auto token_still = client_->Get("/api/v1/session", {{"Authorization", "Bearer " + mo.token}});
  ASSERT_TRUE(token_still);
  EXPECT_EQ(token_still->status, 200) << token_still->body;
  // A disabled principal cannot log in; the new password and the new role do.
  ExpectProblem(PostLogin("vera", kPassword), 401, "/password");
  auto again = PostLogin("rita", "another long password");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 201) << again->body;
  Login dana2 = LogIn("dana");
  auto me = Get(dana2, "/api/v1/session");
  ASSERT_TRUE(me);
  EXPECT_EQ(Json::parse(me->body)["roles"], Json::array({"analyst", "decision_maker"}));
}

TEST_F(ApiServerTest, UnknownQueryParametersAreRefused) {
  Login admin = LogIn("operator");
  ExpectProblem(Get(admin, "/api/v1/situations?x=1"), 400, "x");
  auto bogus = Get(admin, "/api/v1/incidents?limit=5&bogus=1");
  ExpectProblem(bogus, 400, "bogus");
  EXPECT_NE(bogus->body.find("limit"), std::string::npos);  // names what the route takes
  // A cached view cannot be defeated by a parameter of the caller's choice.
  ExpectProblem(Get(admin, "/api/v1/annex/2025?nocache=123"), 400, "nocache");
  ExpectProblem(Get(admin, "/api/v1/dashboard?policy=default"), 400, "policy");
  auto declared = Get(admin, "/api/v1/annex/2025?policy=default");
  ASSERT_TRUE(declared);
  EXPECT_NE(declared->status, 400) << declared->body;
  auto ok = Get(admin, "/api/v1/incidents?limit=5&offset=0");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
}

// No problem document names a file: here the key file has gone, so every
// request fails opening its Session.
// An upload is authenticated from its head: a client that may not upload
// gets its refusal before it has sent a byte of the body it announced.
TEST_F(ApiServerTest, UploadsAreRefusedFromTheHeadBeforeTheBodyIsRead) {
  const Login op = LogIn("operator");
  auto head = [](const std::string& extra) {
    return "POST /api/v1/imports HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           "Content-Type: multipart/form-data; boundary=b\r\n"
           "Content-Length: 209715200\r\n" +
           extra + "\r\n";
  };
  struct Case {
    std::string extra;
    int status;
  };
  for (const Case& c : {Case{"", 401}, Case{"Cookie: mara_session=forged\r\n", 401},
                        Case{"Cookie: " + op.cookie + "\r\n", 403},
                        Case{"Authorization: Bearer not-a-token\r\n", 401}}) {
    const int fd = mara::testing::ConnectLoopback(server_->port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(mara::testing::SendAll(fd, head(c.extra)));
    const auto start = std::chrono::steady_clock::now();
    mara::testing::HttpAnswer a = mara::testing::ReadAnswer(fd, std::chrono::seconds(10));
    const auto waited = std::chrono::steady_clock::now() - start;
    ::close(fd);
    EXPECT_EQ(a.status, c.status) << c.extra << a.body;
    EXPECT_LT(std::chrono::duration_cast<std::chrono::seconds>(waited).count(), 5) << c.extra;
  }
  // Admitted: the server waits for the body instead of answering.
  const int fd = mara::testing::ConnectLoopback(server_->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(mara::testing::SendAll(
      fd, head("Cookie: " + op.cookie + "\r\nX-CSRF-Token: " + op.csrf + "\r\n")));
  mara::testing::HttpAnswer a = mara::testing::ReadAnswer(fd, std::chrono::milliseconds(500));
  EXPECT_EQ(a.status, 0) << "an admitted upload was answered before its body: " << a.body;
  ::close(fd);
}

TEST_F(ApiServerTest, UploadsAreSpooledAndBoundedInNumber) {
  const Login op = LogIn("operator");
  const std::string spool = db_ + ".tmp";
  auto count_spooled = [&spool] {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(spool)) {
      if (e.path().filename().string().rfind("spool-", 0) == 0) ++n;
    }
    return n;
  };
  const std::string head =
      "POST /api/v1/imports HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Type: multipart/form-data; boundary=b\r\n"
      "Content-Length: 10485760\r\nCookie: " +
      op.cookie + "\r\nX-CSRF-Token: " + op.csrf + "\r\n\r\n";
  // Four uploads are read at once, each to its own 0600 spool file.
  std::vector<int> fds;
  for (int i = 0; i < 4; ++i) {
    const int fd = mara::testing::ConnectLoopback(server_->port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(mara::testing::SendAll(fd, head + std::string(200 * 1024, 'x')));
    fds.push_back(fd);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (count_spooled() < 4 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(count_spooled(), 4u);
  for (const auto& e : std::filesystem::directory_iterator(spool)) {
    EXPECT_EQ(std::filesystem::status(e.path()).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }
  // A fifth is 503 with Retry-After, before its body.
  int fd = mara::testing::ConnectLoopback(server_->port());
  ASSERT_TRUE(mara::testing::SendAll(fd, head));
  mara::testing::HttpAnswer a = mara::testing::ReadAnswer(fd, std::chrono::seconds(5));
  ::close(fd);
  EXPECT_EQ(a.status, 503) << a.body;
  EXPECT_FALSE(a.header("retry-after").empty());
  // Clients that go away mid-body leave no spool file and free their place.
  for (int f : fds) ::close(f);
  const auto gone = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (count_spooled() > 0 && std::chrono::steady_clock::now() < gone) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(count_spooled(), 0u);
  fd = mara::testing::ConnectLoopback(server_->port());
  ASSERT_TRUE(mara::testing::SendAll(fd, head));
  a = mara::testing::ReadAnswer(fd, std::chrono::milliseconds(500));
  ::close(fd);
  EXPECT_EQ(a.status, 0) << "admitted again once the others went: " << a.body;
}

TEST_F(ApiServerTest, StartSweepsTheTemporaryFolder) {
  const std::string temp = db_ + ".tmp";
  server_->Stop();
  ASSERT_TRUE(std::filesystem::exists(temp));
  std::filesystem::create_directory(temp + "/upload-leftover");
  { std::ofstream(temp + "/upload-leftover/upload.csv") << "plaintext"; }
  { std::ofstream(temp + "/spool-leftover") << "plaintext"; }
  { std::ofstream(temp + "/unrelated") << "kept"; }
  ServerOptions options;
  options.db = db_;
  options.port = 0;
  Server again(options);
  ASSERT_TRUE(again.Start().ok());
  EXPECT_FALSE(std::filesystem::exists(temp + "/upload-leftover"));
  EXPECT_FALSE(std::filesystem::exists(temp + "/spool-leftover"));
  EXPECT_TRUE(std::filesystem::exists(temp + "/unrelated"));
  EXPECT_EQ(std::filesystem::status(temp).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_all);
  again.Stop();
}

TEST_F(ApiServerTest, ProblemsShowNoFileSystemPaths) {
  Login admin = LogIn("operator");
  const std::string keys = db_ + ".keys";
  ASSERT_EQ(std::rename(keys.c_str(), (keys + ".away").c_str()), 0);
  auto res = Get(admin, "/api/v1/situations");
  ASSERT_EQ(std::rename((keys + ".away").c_str(), keys.c_str()), 0);
  ASSERT_TRUE(res);
  EXPECT_GE(res->status, 400);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/problem+json");
  EXPECT_EQ(res->body.find(dir_.path()), std::string::npos) << res->body;
  EXPECT_EQ(res->body.find("mara.db"), std::string::npos) << res->body;
  EXPECT_NE(res->body.find("<key file>"), std::string::npos) << res->body;
  auto back = Get(admin, "/api/v1/situations");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->status, 200) << back->body;
}

TEST(ProblemTest, DetailsLoseFileSystemPathsButKeepApiPathsAndPointers) {
  RegisterPrivatePath("/srv/mara-data/mara.db", "<database>");
  EXPECT_EQ(WithoutPaths("cannot open /srv/mara-data/mara.db-wal: disk I/O error"),
            "cannot open <database>-wal: disk I/O error");
  EXPECT_EQ(WithoutPaths("writing key file /srv/mara-data/other.keys: No space left"),
            "writing key file <path>: No space left");
  // "<path>", or "<temporary directory>" once a server has registered it.
  const std::string upload = WithoutPaths("creating '/tmp/mara-upload-1a2b/part' failed");
  EXPECT_EQ(upload.find("/tmp"), std::string::npos) << upload;
  EXPECT_EQ(upload.find("mara-upload"), std::string::npos) << upload;
  EXPECT_TRUE(upload.starts_with("creating '<") && upload.ends_with(">' failed")) << upload;
  EXPECT_EQ(WithoutPaths("filesystem error: cannot remove: [/home/rita/x]"),
            "filesystem error: cannot remove: [<path>]");
  EXPECT_EQ(WithoutPaths("log in first: POST /api/v1/session"),
            "log in first: POST /api/v1/session");
  EXPECT_EQ(WithoutPaths("/location/lat: expected a number"), "/location/lat: expected a number");
  const Response r = Problem(500, "io_error", "open /var/lib/mara/mara.db failed");
  EXPECT_EQ(r.body.find("/var/lib"), std::string::npos);
}

TEST_F(ApiServerTest, UnsafeMethodsNeedTheCsrfToken) {
  Login dana = LogIn("dana");
  Json decision = {{"party", "P-VAF"},
                   {"cycle", 2025},
                   {"status", "listed"},
                   {"rationale", "Verified pattern across the cycle."}};
  httplib::Headers no_token = {{"Cookie", dana.cookie}};
  ExpectProblem(client_->Post("/api/v1/decisions", no_token, decision.dump(), "application/json"),
                403, "X-CSRF-Token");
  httplib::Headers wrong = {{"Cookie", dana.cookie}, {"X-CSRF-Token", "00" + dana.csrf.substr(2)}};
  ExpectProblem(client_->Post("/api/v1/decisions", wrong, decision.dump(), "application/json"), 403,
                "X-CSRF-Token");
  // Nothing was written.
  ExpectProblem(Get(dana, "/api/v1/decisions/P-VAF/2025"), 404, "party");
  auto ok = Post(dana, "/api/v1/decisions", decision);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 201) << ok->body;
  EXPECT_EQ(ok->get_header_value("Location"), "/api/v1/decisions/P-VAF/2025");
  EXPECT_EQ(Json::parse(ok->body)["decided_by"], "dana");
}

// The annex is one answer for every principal the route admits, kept once
// for all of them; a principal the route refuses is never served it.
TEST_F(ApiServerTest, TheAnnexIsOneAnswerForTheReadersItAdmits) {
  {
    SessionOptions o;
    o.db = db_;
    o.principal = "operator";
    auto admin = Session::Open(o);
    ASSERT_TRUE(admin.ok()) << admin.status().ToString();
    NewUser n;
    n.name = "nemo";  // no role: reads nothing
    n.password = kPassword;
    n.limits = security::PasswordLimits::ForTests();
    ASSERT_TRUE(AddUser(**admin, n).ok());
  }
  std::string body;
  for (const char* name : {"vera", "mo", "dana", "operator"}) {
    auto annex = Get(LogIn(name), "/api/v1/annex/2025");
    ASSERT_TRUE(annex);
    ASSERT_EQ(annex->status, 200) << name << ": " << annex->body;
    if (body.empty()) body = annex->body;
    EXPECT_EQ(annex->body, body) << name;
  }
  EXPECT_NE(body.find("\"listed\""), std::string::npos);
  // After a data change the first reader answers it and the others are
  // served that answer, whatever their roles and situations.
  auto counter = [&](const std::string& name) {
    auto m = Get(LogIn("operator"), "/metrics", {{"Accept-Encoding", "identity"}});
    EXPECT_TRUE(m);
    const std::string text = m ? m->body : std::string();
    const size_t at = text.find("\n" + name + " ");
    return at == std::string::npos ? int64_t{-1} : std::stoll(text.substr(at + 2 + name.size()));
  };
  {
    SessionOptions o;
    o.db = db_;
    o.principal = "operator";
    auto admin = Session::Open(o);
    ASSERT_TRUE(admin.ok()) << admin.status().ToString();
    const std::string path = dir_.path() + "/rename.json";
    std::ofstream(path) << R"j({"format": "mara-bundle/1", "situations": [{"id": "SIT-VAL",
      "name": "Valdoria (renamed)", "on_council_agenda": true}]})j";
    auto imported = ImportFile(**admin, path, {});
    ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  }
  // Another process's change is seen within the cache's staleness bound.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const int64_t hits = counter("mara_response_cache_hits_total");
  const int64_t misses = counter("mara_response_cache_misses_total");
  std::string renamed;
  for (const char* name : {"vera", "mo", "dana", "operator"}) {
    auto again = Get(LogIn(name), "/api/v1/annex/2025");
    ASSERT_TRUE(again);
    ASSERT_EQ(again->status, 200) << name << ": " << again->body;
    if (renamed.empty()) renamed = again->body;
    EXPECT_EQ(again->body, renamed) << name;
  }
  EXPECT_NE(renamed.find("Valdoria (renamed)"), std::string::npos);
  EXPECT_EQ(counter("mara_response_cache_misses_total"), misses + 1);
  EXPECT_EQ(counter("mara_response_cache_hits_total"), hits + 3);
  ExpectProblem(Get(LogIn("nemo"), "/api/v1/annex/2025"), 403, "");
}

TEST_F(ApiServerTest, ReportsSpeakTheLanguageTheRequestAsksFor) {
  Login vera = LogIn("vera");
  struct Case {
    std::string query, accept, lang;
  };
  // One after another, so that the response cache has to keep them apart.
  for (const Case& c :
       {Case{"", "", "en"}, Case{"", "ar", "ar"}, Case{"", "fr-CA,fr;q=0.9,en;q=0.8", "fr"},
        Case{"", "de-DE, zh;q=0.5, ru;q=0.7", "ru"}, Case{"", "de, *", "en"},
        Case{"&lang=zh", "ar", "zh"}, Case{"", "AR-eg", "ar"}, Case{"", "", "en"},
        Case{"", "es;q=0", "en"}}) {
    httplib::Headers h;
    if (!c.accept.empty()) h.emplace("Accept-Language", c.accept);
    auto r = Get(vera, "/api/v1/reports/2025?format=html" + c.query, h);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Language"), c.lang) << c.accept << c.query;
    EXPECT_NE(r->get_header_value("Vary").find("Accept-Language"), std::string::npos);
    const std::string head =
        c.lang == "en" ? "<html lang=\"en\">"
                       : "<html lang=\"" + c.lang + "\" dir=\"" + (c.lang == "ar" ? "rtl" : "ltr");
    EXPECT_NE(r->body.find(head), std::string::npos) << c.accept << c.query;
  }
  ExpectProblem(Get(vera, "/api/v1/reports/2025?format=html&lang=xx"), 400, "lang");
}

// The statement of case and the dossier word their explanation in the
// request's language, and the response cache never answers one language
// with another's entry.
TEST_F(ApiServerTest, ExplanationsSpeakTheLanguageTheRequestAsksFor) {
  Login vera = LogIn("vera");
  auto summary_of = [](const std::string& body, bool dossier) {
    Json j = Json::parse(body, nullptr, false);
    const Json& e = dossier ? j["case"]["explanation"] : j["explanation"];
    return e.is_object() ? e["summary"].get<std::string>() : std::string();
  };
  auto has_arabic = [](const std::string& s) {
    return s.find("\xd8") != std::string::npos || s.find("\xd9") != std::string::npos;
  };
  for (const bool dossier : {false, true}) {
    const std::string path = dossier ? "/api/v1/parties/P-VAF/dossier?cycle=2025"
                                     : "/api/v1/cases/P-VAF/2025?edition=public";
    struct Case {
      std::string query, accept, lang;
    };
    std::map<std::string, std::string> summaries;
    // One after another, twice, so that the second round comes from the
    // cache where the route is cached.
    for (int round = 0; round < 2; ++round) {
      for (const Case& c : {Case{"", "", "en"}, Case{"", "ar", "ar"}, Case{"&lang=fr", "ar", "fr"},
                            Case{"", "zh-CN,zh;q=0.9", "zh"}, Case{"", "en-GB", "en"},
                            Case{"&lang=ru", "", "ru"}}) {
        httplib::Headers h;
        if (!c.accept.empty()) h.emplace("Accept-Language", c.accept);
        auto r = Get(vera, path + c.query, h);
        ASSERT_TRUE(r);
        ASSERT_EQ(r->status, 200) << r->body;
        EXPECT_EQ(r->get_header_value("Content-Language"), c.lang) << path << c.query << c.accept;
        EXPECT_NE(r->get_header_value("Vary").find("Accept-Language"), std::string::npos);
        const std::string summary = summary_of(r->body, dossier);
        ASSERT_FALSE(summary.empty()) << r->body;
        EXPECT_EQ(summary.find("[["), std::string::npos) << summary;
        auto [it, fresh] = summaries.emplace(c.lang, summary);
        EXPECT_EQ(it->second, summary) << "a different answer for " << c.lang;
        if (c.lang == "en") EXPECT_NE(summary.find(" by rule "), std::string::npos) << summary;
        if (c.lang == "ar") EXPECT_TRUE(has_arabic(summary)) << summary;
        if (c.lang == "fr") EXPECT_NE(summary.find("règle"), std::string::npos) << summary;
        if (c.lang == "zh") EXPECT_NE(summary.find("规则"), std::string::npos) << summary;
        if (c.lang == "ru") EXPECT_NE(summary.find("правилу"), std::string::npos) << summary;
      }
    }
    EXPECT_EQ(summaries.size(), 5u);
    ExpectProblem(Get(vera, path + "&lang=xx"), 400, "lang");
  }
  // The statement of case's page: its fixed texts and its explanation.
  auto page = Get(vera, "/api/v1/cases/P-VAF/2025?format=html&lang=fr");
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200) << page->body;
  EXPECT_EQ(page->get_header_value("Content-Language"), "fr");
  EXPECT_NE(page->body.find("<html lang=\"fr\""), std::string::npos);
  EXPECT_NE(page->body.find("règle"), std::string::npos);
}

TEST_F(ApiServerTest, ViewerSeesOnlyThePublicEdition) {
  Login vera = LogIn("vera");
  Login admin = LogIn("operator");
  auto pub = Get(vera, "/api/v1/reports/2025?format=json");
  ASSERT_TRUE(pub);
  ASSERT_EQ(pub->status, 200) << pub->body;
  EXPECT_EQ(pub->get_header_value("X-Mara-Edition"), "public");
  EXPECT_EQ(pub->body.find(kNarrative), std::string::npos);
  ExpectProblem(Get(vera, "/api/v1/reports/2025?format=json&edition=confidential"), 403, "edition");
  auto html = Get(vera, "/api/v1/reports/2025?format=html");
  ASSERT_TRUE(html);
  ASSERT_EQ(html->status, 200);
  EXPECT_EQ(html->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(html->get_header_value("Content-Security-Policy").find("sandbox"), std::string::npos);
  auto conf = Get(admin, "/api/v1/reports/2025?format=json");
  ASSERT_TRUE(conf);
  ASSERT_EQ(conf->status, 200);
  EXPECT_EQ(conf->get_header_value("X-Mara-Edition"), "confidential");

  // Incidents: no narrative, no confidential source, no withdrawn record.
  auto list = Get(vera, "/api/v1/incidents?limit=1000");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200) << list->body;
  EXPECT_EQ(list->body.find(kNarrative), std::string::npos);
  EXPECT_EQ(list->body.find(kConfidentialSource), std::string::npos);
  EXPECT_EQ(list->body.find("I-2023-005"), std::string::npos);  // withdrawn
  EXPECT_EQ(list->body.find("\"narrative\""), std::string::npos);
  auto full = Get(admin, "/api/v1/incidents?limit=1000");
  ASSERT_TRUE(full);
  EXPECT_NE(full->body.find(kNarrative), std::string::npos);
  EXPECT_EQ(full->body.find("I-2023-005"), std::string::npos);
  EXPECT_GT(Json::parse(full->body)["total"].get<int>(),
            Json::parse(list->body)["total"].get<int>() - 1);

  auto sources = Get(vera, "/api/v1/sources");
  ASSERT_TRUE(sources);
  EXPECT_EQ(sources->body.find(kConfidentialSource), std::string::npos);
  auto decisions = Get(vera, "/api/v1/decisions");
  ASSERT_TRUE(decisions);
  EXPECT_EQ(decisions->body.find("rationale"), std::string::npos);
  ExpectProblem(Get(vera, "/api/v1/cases/P-NLF/2025?edition=confidential"), 403, "edition");
  auto case_pub = Get(vera, "/api/v1/cases/P-NLF/2025");
  ASSERT_TRUE(case_pub);
  EXPECT_EQ(case_pub->status, 200) << case_pub->body;
  EXPECT_EQ(case_pub->body.find(kNarrative), std::string::npos);

  // Role refusals: a viewer neither decides, verifies, assesses nor audits.
  ExpectProblem(
      Post(vera, "/api/v1/decisions",
           {{"party", "P-VAF"}, {"cycle", 2025}, {"status", "listed"}, {"rationale", "r"}}),
      403, "");
  ExpectProblem(Get(vera, "/api/v1/assessments/2025"), 403, "");
  ExpectProblem(Get(vera, "/api/v1/audit/verification"), 403, "");
}

TEST_F(ApiServerTest, StatementsOfCaseComeAsOnePageInTheReadersEdition) {
  Login vera = LogIn("vera");
  Login admin = LogIn("operator");
  auto pub = Get(vera, "/api/v1/cases/P-VAF/2025?format=html");
  ASSERT_TRUE(pub);
  ASSERT_EQ(pub->status, 200) << pub->body;
  EXPECT_EQ(pub->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(pub->get_header_value("X-Mara-Edition"), "public");
  EXPECT_NE(pub->get_header_value("Content-Security-Policy").find("sandbox"), std::string::npos);
  EXPECT_NE(pub->body.find("<h1>Statement of case: "), std::string::npos);
  EXPECT_EQ(pub->body.find(kNarrative), std::string::npos);
  EXPECT_EQ(pub->body.find("CONFIDENTIAL EDITION"), std::string::npos);
  auto conf = Get(admin, "/api/v1/cases/P-VAF/2025?format=html");
  ASSERT_TRUE(conf);
  ASSERT_EQ(conf->status, 200) << conf->body;
  EXPECT_EQ(conf->get_header_value("X-Mara-Edition"), "confidential");
  EXPECT_NE(conf->body.find("CONFIDENTIAL EDITION"), std::string::npos);
  ExpectProblem(Get(vera, "/api/v1/cases/P-VAF/2025?format=html&edition=confidential"), 403,
                "edition");
  ExpectProblem(Get(vera, "/api/v1/cases/P-VAF/2025?format=pdf"), 400, "format");
}

TEST_F(ApiServerTest, ANewIncidentWithoutAnIdGetsTheNextNumberOfItsYear) {
  Login mo = LogIn("mo");
  Json incident = {{"situation", "SIT-VAL"},
                   {"date", "2025-07-02"},
                   {"location", {{"name", "Ombrel"}}},
                   {"violations", {"rape"}},
                   {"victims", {{"women", 1}}},
                   {"context", "attack"},
                   {"nexus", {"perpetrator_affiliation"}},
                   {"status", "under_verification"},
                   {"perpetrators", {{{"party", "P-VAF"}, {"standard", "reasonable_grounds"}}}},
                   {"sources", {"S-JMT-VAL"}},
                   {"consent", "aggregate_reporting"}};
  std::vector<std::string> ids;
  for (int i = 0; i < 2; ++i) {
    auto created = Post(mo, "/api/v1/incidents", incident);
    ASSERT_TRUE(created);
    ASSERT_EQ(created->status, 201) << created->body;
    const std::string id = Json::parse(created->body).value("id", "");
    EXPECT_EQ(created->get_header_value("Location"), "/api/v1/incidents/" + id);
    ids.push_back(id);
  }
  ASSERT_EQ(ids[0].size(), std::string("I-2025-000001").size()) << ids[0];
  EXPECT_EQ(ids[0].rfind("I-2025-", 0), 0u) << ids[0];
  EXPECT_EQ(std::stoi(ids[1].substr(7)), std::stoi(ids[0].substr(7)) + 1);
  auto read = Get(mo, "/api/v1/incidents/" + ids[1]);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 200) << read->body;
  // An empty place is refused, and takes no number.
  Json bad = incident;
  bad["location"]["name"] = "";
  auto refused = Post(mo, "/api/v1/incidents", bad);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400) << refused->body;
  auto third = Post(mo, "/api/v1/incidents", incident);
  ASSERT_TRUE(third);
  ASSERT_EQ(third->status, 201) << third->body;
  EXPECT_EQ(std::stoi(Json::parse(third->body).value("id", "").substr(7)),
            std::stoi(ids[1].substr(7)) + 1);
}

TEST_F(ApiServerTest, ReadResourcesMatchTheServiceLayer) {
  Login admin = LogIn("operator");
  auto assessment = Get(admin, "/api/v1/assessments/2025");
  ASSERT_TRUE(assessment);
  ASSERT_EQ(assessment->status, 200) << assessment->body;
  {
    SessionOptions o;
    o.db = db_;
    auto session = Session::Open(o);
    ASSERT_TRUE(session.ok());
    auto policy = DefaultPolicy();
    ASSERT_TRUE(policy.ok());
    auto direct = AssessCycle(**session, *policy, 2025);
    ASSERT_TRUE(direct.ok());
    EXPECT_EQ(assessment->body, AssessmentJsonText(*direct));  // as `mara assess --json`
  }
  auto head = client_->Head("/api/v1/situations", {{"Cookie", admin.cookie}});
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_FALSE(head->get_header_value("ETag").empty());
  auto situations = Get(admin, "/api/v1/situations");
  ASSERT_TRUE(situations);
  EXPECT_EQ(Json::parse(situations->body)["items"].size(), 3u);
  auto parties = Get(admin, "/api/v1/parties?situation=SIT-VAL");
  ASSERT_TRUE(parties);
  EXPECT_EQ(Json::parse(parties->body)["items"].size(), 5u);
  auto party = Get(admin, "/api/v1/parties/P-VAF");
  ASSERT_TRUE(party);
  EXPECT_EQ(Json::parse(party->body)["id"], "P-VAF");
  EXPECT_EQ(Json::parse(party->body)["children"], Json::array({"P-VPS"}));
  auto nlf = Get(admin, "/api/v1/parties/P-NLF");
  ASSERT_TRUE(nlf);
  EXPECT_EQ(Json::parse(nlf->body)["children"], Json::array({"P-KB"}));
  EXPECT_EQ(Json::parse(nlf->body)["splinters"], Json::array({"P-RNF"}));
  ExpectProblem(Get(admin, "/api/v1/parties/P-NONE"), 404, "id");
  auto stats = Get(admin, "/api/v1/stats");
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->status, 200);
  auto audit = Get(admin, "/api/v1/audit/verification");
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->status, 200) << audit->body;
  EXPECT_TRUE(Json::parse(audit->body)["ok"].get<bool>());
  for (const char* path : {"/api/v1/findings?cycle=2025", "/api/v1/commitments?party=P-NLF",
                           "/api/v1/decisions?party=P-NLF", "/api/v1/reports/2025?format=csv",
                           "/api/v1/reports/2025?format=md", "/api/v1/reports/2025?format=ftm"}) {
    auto res = Get(admin, path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << path << ": " << res->body;
  }
}

TEST_F(ApiServerTest, IncidentFiltersAndPagination) {
  Login admin = LogIn("operator");
  auto page1 = Get(admin, "/api/v1/incidents?situation=SIT-VAL&limit=5");
  ASSERT_TRUE(page1);
  ASSERT_EQ(page1->status, 200) << page1->body;
  Json j1 = Json::parse(page1->body);
  const int total = j1["total"].get<int>();
  ASSERT_GT(total, 5);
  EXPECT_EQ(j1["items"].size(), 5u);
  EXPECT_EQ(j1["next_offset"], 5);
  auto page2 = Get(admin, "/api/v1/incidents?situation=SIT-VAL&limit=5&offset=5");
  Json j2 = Json::parse(page2->body);
  EXPECT_NE(j1["items"][0]["id"], j2["items"][0]["id"]);
  for (const auto& item : j2["items"]) EXPECT_EQ(item["situation"], "SIT-VAL");
  auto verified =
      Get(admin, "/api/v1/incidents?cycle=2025&status=verified&violation=rape&limit=1000");
  ASSERT_TRUE(verified);
  const Json verified_page = Json::parse(verified->body);
  for (const auto& item : verified_page["items"]) {
    EXPECT_EQ(item["status"], "verified");
    EXPECT_EQ(item["date"].get<std::string>().substr(0, 4), "2025");
  }
  auto by_party = Get(admin, "/api/v1/incidents?party=P-NLF&limit=1000");
  ASSERT_TRUE(by_party);
  EXPECT_GT(Json::parse(by_party->body)["total"].get<int>(), 0);
  ExpectProblem(Get(admin, "/api/v1/incidents?cycle=abc"), 400, "cycle");
  ExpectProblem(Get(admin, "/api/v1/incidents?status=bogus"), 400, "status");
  ExpectProblem(Get(admin, "/api/v1/incidents?violation=x"), 400, "violation");
  ExpectProblem(Get(admin, "/api/v1/incidents?limit=0"), 400, "limit");
  ExpectProblem(Get(admin, "/api/v1/incidents?offset=-1"), 400, "offset");
  ExpectProblem(Get(admin, "/api/v1/reports/12?format=json"), 400, "cycle");
  ExpectProblem(Get(admin, "/api/v1/reports/2025?format=exe"), 400, "format");
}

TEST_F(ApiServerTest, HostileQueryStringsAreRefusedOrHarmless) {
  Login admin = LogIn("operator");
  auto injection =
      Get(admin, "/api/v1/incidents?situation=SIT-VAL%27%20OR%201%3D1--&party=x%22%3B%20DROP");
  ASSERT_TRUE(injection);
  ASSERT_EQ(injection->status, 200) << injection->body;
  EXPECT_EQ(Json::parse(injection->body)["total"], 0);
  ExpectProblem(Get(admin, "/api/v1/parties/P-VAF%27%3B%20DROP%20TABLE%20parties%3B--"), 404, "id");
  ExpectProblem(Get(admin, "/api/v1/incidents?situation=%FF%FE"), 400, "query");
  ExpectProblem(Get(admin, "/api/v1/incidents?situation=%C0%AF"), 400, "query");
  ExpectProblem(Get(admin, "/api/v1/parties/%FF"), 400, "path");
  ExpectProblem(Get(admin, "/api/v1/incidents?cycle=%00"), 400, "cycle");
  // The store is intact.
  auto parties = Get(admin, "/api/v1/parties");
  ASSERT_TRUE(parties);
  EXPECT_EQ(Json::parse(parties->body)["items"].size(), 9u);
  ExpectProblem(Get(admin, "/api/v1/nowhere"), 404, "");
  httplib::Headers h = {{"Cookie", admin.cookie}, {"X-CSRF-Token", admin.csrf}};
  auto wrong_method = client_->Delete("/api/v1/situations", h);
  ExpectProblem(wrong_method, 405, "");
  EXPECT_EQ(wrong_method->get_header_value("Allow"), "GET");
}

TEST_F(ApiServerTest, OversizedBodiesAreRefused) {
  std::string big(100 * 1024, 'a');
  auto res = client_->Post("/api/v1/session", big, "application/json");
  ExpectProblem(res, 413, "body");
  Login dana = LogIn("dana");
  Json huge = {{"party", "P-VAF"}, {"cycle", 2025}, {"status", "listed"}, {"rationale", big}};
  ExpectProblem(Post(dana, "/api/v1/decisions", huge), 413, "body");
  ExpectProblem(Get(dana, "/api/v1/decisions/P-VAF/2025"), 404, "party");
}

TEST_F(ApiServerTest, DecisionUpdatesNeedACurrentETag) {
  Login dana = LogIn("dana");
  auto before = Get(dana, "/api/v1/decisions/P-NLF/2025");
  ASSERT_TRUE(before);
  ASSERT_EQ(before->status, 200) << before->body;
  const std::string etag = before->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  auto not_modified = Get(dana, "/api/v1/decisions/P-NLF/2025", {{"If-None-Match", etag}});
  ASSERT_TRUE(not_modified);
  EXPECT_EQ(not_modified->status, 304);

  Json update = {{"party", "P-NLF"},
                 {"cycle", 2025},
                 {"status", "on_notice"},
                 {"rationale", "Override: the engagement produced a signed action plan."}};
  ExpectProblem(Post(dana, "/api/v1/decisions", update), 428, "If-Match");
  ExpectProblem(Post(dana, "/api/v1/decisions", update, {{"If-Match", "\"0123abcd\""}}), 412,
                "If-Match");
  auto unchanged = Get(dana, "/api/v1/decisions/P-NLF/2025");
  EXPECT_EQ(unchanged->body, before->body);

  auto updated = Post(dana, "/api/v1/decisions", update, {{"If-Match", etag}});
  ASSERT_TRUE(updated);
  ASSERT_EQ(updated->status, 200) << updated->body;
  EXPECT_EQ(Json::parse(updated->body)["status"], "on_notice");
  const std::string new_etag = updated->get_header_value("ETag");
  EXPECT_NE(new_etag, etag);
  EXPECT_EQ(Get(dana, "/api/v1/decisions/P-NLF/2025")->get_header_value("ETag"), new_etag);
  // The first reader's tag is stale now: the second writer is refused.
  update["status"] = "none";
  ExpectProblem(Post(dana, "/api/v1/decisions", update, {{"If-Match", etag}}), 412, "If-Match");
  EXPECT_EQ(Json::parse(Get(dana, "/api/v1/decisions/P-NLF/2025")->body)["status"], "on_notice");
  // Validation errors name the field.
  ExpectProblem(Post(dana, "/api/v1/decisions", {{"party", "P-VAF"}, {"cycle", 2025}}), 400,
                "/status");
  ExpectProblem(
      Post(dana, "/api/v1/decisions",
           {{"party", "P-VAF"}, {"cycle", 2025}, {"status", "banned"}, {"rationale", "r"}}),
      400, "/status");
  ExpectProblem(Post(dana, "/api/v1/decisions",
                     {{"party", "P-VAF"},
                      {"cycle", 2025},
                      {"status", "listed"},
                      {"rationale", "r"},
                      {"date", "2025-02-30"}}),
                400, "/date");
}

TEST_F(ApiServerTest, VerificationFollowsFourEyesAndIfMatch) {
  Login rita = LogIn("rita");
  Login mo = LogIn("mo");
  const std::string path = "/api/v1/incidents/I-2025-005";
  auto before = Get(rita, path);
  ASSERT_TRUE(before);
  ASSERT_EQ(before->status, 200) << before->body;
  const std::string etag = before->get_header_value("ETag");
  ExpectProblem(Post(rita, path + "/verification", Json::object()), 428, "If-Match");
  ExpectProblem(Post(rita, path + "/verification", Json::object(), {{"If-Match", "\"x\""}}), 412,
                "If-Match");
  // A monitor may not verify.
  auto mo_view = Get(mo, path);
  ASSERT_TRUE(mo_view);
  ExpectProblem(Post(mo, path + "/verification", Json::object(),
                     {{"If-Match", mo_view->get_header_value("ETag")}}),
                403, "");
  auto done =
      Post(rita, path + "/verification", {{"verified_on", "2026-01-15"}}, {{"If-Match", etag}});
  ASSERT_TRUE(done);
  ASSERT_EQ(done->status, 200) << done->body;
  Json j = Json::parse(done->body);
  EXPECT_EQ(j["status"], "verified");
  EXPECT_EQ(j["verified_on"], "2026-01-15");
  // Verifying twice is a conflict, reported with the current tag.
  ExpectProblem(Post(rita, path + "/verification", Json::object(),
                     {{"If-Match", done->get_header_value("ETag")}}),
                409, "");
  ExpectProblem(Get(rita, "/api/v1/incidents/I-NONE"), 404, "id");
  ExpectProblem(Get(rita, "/api/v1/incidents/I-2023-005"), 404, "id");  // withdrawn
}

TEST_F(ApiServerTest, ApiTokensActAsTheirPrincipalUntilRevoked) {
  Login dana = LogIn("dana");
  auto issued = Post(dana, "/api/v1/tokens", {{"days", 7}});
  ASSERT_TRUE(issued);
  ASSERT_EQ(issued->status, 201) << issued->body;
  Json j = Json::parse(issued->body);
  const std::string token = j["token"];
  const std::string id = j["id"];
  EXPECT_EQ(j["principal"], "dana");
  ExpectProblem(Post(dana, "/api/v1/tokens", {{"days", 9999}}), 400, "/days");

  httplib::Headers bearer = {{"Authorization", "Bearer " + token}};
  auto me = client_->Get("/api/v1/session", bearer);
  ASSERT_TRUE(me);
  ASSERT_EQ(me->status, 200) << me->body;
  EXPECT_EQ(Json::parse(me->body)["name"], "dana");
  // Unsafe methods need no CSRF token with a bearer credential.
  Json decision = {{"party", "P-VAF"},
                   {"cycle", 2024},
                   {"status", "on_notice"},
                   {"rationale", "Recorded by a script."}};
  auto posted = client_->Post("/api/v1/decisions", bearer, decision.dump(), "application/json");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 201) << posted->body;
  EXPECT_EQ(Json::parse(posted->body)["decided_by"], "dana");

  // Tokens live in the store: a restarted server still accepts it.
  server_->Stop();
  ServerOptions options;
  options.db = db_;
  options.port = 0;
  server_ = std::make_unique<Server>(options);
  ASSERT_TRUE(server_->Start().ok());
  client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  auto again = client_->Get("/api/v1/stats", bearer);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200) << again->body;

  httplib::Headers forged = {{"Authorization", "Bearer " + token.substr(0, token.size() - 1) +
                                                   (token.back() == '0' ? "1" : "0")}};
  ExpectProblem(client_->Get("/api/v1/stats", forged), 401, "Authorization");
  ExpectProblem(client_->Get("/api/v1/stats", {{"Authorization", "Bearer x' OR 1=1"}}), 401,
                "Authorization");
  // Another principal may not revoke it; its owner may.
  Login vera = LogIn("vera");
  httplib::Headers vera_h = {{"Cookie", vera.cookie}, {"X-CSRF-Token", vera.csrf}};
  ExpectProblem(client_->Delete("/api/v1/tokens/" + id, vera_h), 403, "id");
  ExpectProblem(client_->Delete("/api/v1/tokens/0000000000000000", vera_h), 404, "id");
  auto revoked = client_->Delete("/api/v1/tokens/" + id, bearer);
  ASSERT_TRUE(revoked);
  EXPECT_EQ(revoked->status, 204);
  ExpectProblem(client_->Get("/api/v1/stats", bearer), 401, "Authorization");
}

TEST(ApiTokenTest, ExpiredTokensAreRefused) {
  auto dir = ScopedTempDir::Create("mara-api-token");
  ASSERT_TRUE(dir.ok());
  SessionOptions o;
  o.db = dir->path() + "/mara.db";
  o.create = true;
  auto session = Session::Open(o);
  ASSERT_TRUE(session.ok());
  auto issued = IssueApiToken(**session, 1);
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  auto now = ResolveApiToken(**session, issued->token, issued->expires_at - 10);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(*now, "operator");
  auto later = ResolveApiToken(**session, issued->token, issued->expires_at);
  EXPECT_EQ(later.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(IssueApiToken(**session, 0).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ApiServerTest, SearchRegistryListsAndTheAuditLog) {
  Login admin = LogIn("operator");
  Login vera = LogIn("vera");
  auto korvane = Get(admin, "/api/v1/incidents?q=korv%C3%A1ne&limit=1000");  // folded
  ASSERT_TRUE(korvane);
  ASSERT_EQ(korvane->status, 200) << korvane->body;
  Json k = Json::parse(korvane->body);
  EXPECT_EQ(k["total"], 5);
  for (const auto& item : k["items"]) EXPECT_EQ(item["location"]["name"], "Korvane");
  auto alias = Get(admin, "/api/v1/incidents?q=Northern%20Resistance&limit=1000");
  ASSERT_TRUE(alias);
  Json a = Json::parse(alias->body);
  EXPECT_GT(a["total"].get<int>(), 0);
  for (const auto& item : a["items"]) {
    bool nlf = false;
    for (const auto& p : item["perpetrators"]) nlf = nlf || p["party"] == "P-NLF";
    EXPECT_TRUE(nlf) << item.dump();
  }
  ExpectProblem(Get(admin, "/api/v1/incidents?q=" + std::string(201, 'x')), 400, "q");

  auto engagements = Get(admin, "/api/v1/engagements?party=P-NLF");
  ASSERT_TRUE(engagements);
  EXPECT_NE(engagements->body.find("Declined a meeting"), std::string::npos);
  auto public_engagements = Get(vera, "/api/v1/engagements?party=P-NLF");
  ASSERT_TRUE(public_engagements);
  EXPECT_EQ(public_engagements->status, 200);
  EXPECT_EQ(public_engagements->body.find("Declined a meeting"), std::string::npos);
  auto statements = Get(vera, "/api/v1/statements");
  ASSERT_TRUE(statements);
  EXPECT_EQ(Json::parse(statements->body)["items"].size(), 3u);
  EXPECT_EQ(statements->body.find("Documents abductions"), std::string::npos);
  auto designations = Get(vera, "/api/v1/designations");
  ASSERT_TRUE(designations);
  EXPECT_EQ(Json::parse(designations->body)["items"].size(), 3u);

  ExpectProblem(Get(vera, "/api/v1/audit"), 403, "");
  auto page = Get(admin, "/api/v1/audit?limit=2");
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200) << page->body;
  Json p = Json::parse(page->body);
  ASSERT_EQ(p["items"].size(), 2u);
  EXPECT_EQ(p["items"][0]["seq"], 1);
  ASSERT_TRUE(p.contains("next_after_seq"));
  auto next = Get(
      admin, "/api/v1/audit?limit=2&after_seq=" + std::to_string(p["next_after_seq"].get<int>()));
  ASSERT_TRUE(next);
  EXPECT_EQ(Json::parse(next->body)["items"][0]["seq"], 3);
}

TEST_F(ApiServerTest, TheAuditLogRecordsRefusalsAndFailedLoginsAndFilters) {
  ExpectProblem(PostLogin("typed-secret-42", "guess"), 401, "/password");
  ExpectProblem(PostLogin("vera", "wrong password"), 401, "/password");
  Login admin = LogIn("operator");
  Login vera = LogIn("vera");
  ExpectProblem(Get(vera, "/api/v1/audit?action=refused"), 403, "");

  auto failed = Get(admin, "/api/v1/audit?action=login.failed");
  ASSERT_TRUE(failed);
  ASSERT_EQ(failed->status, 200) << failed->body;
  EXPECT_EQ(failed->body.find("typed-secret"), std::string::npos);
  Json f = Json::parse(failed->body);
  ASSERT_EQ(f["items"].size(), 2u) << f.dump();
  EXPECT_EQ(f["items"][0]["principal"], "(unknown)");
  EXPECT_EQ(f["items"][0]["target_id"], "unknown_name");
  EXPECT_EQ(f["items"][1]["principal"], "vera");
  EXPECT_EQ(f["items"][1]["target_id"], "wrong_password");
  EXPECT_TRUE(f["items"][1]["changes"].is_null());

  auto refused = Get(admin, "/api/v1/audit?action=refused&principal=vera");
  ASSERT_TRUE(refused);
  Json r = Json::parse(refused->body);
  ASSERT_EQ(r["items"].size(), 1u) << r.dump();
  EXPECT_EQ(r["items"][0]["collection"], "read_audit_log");

  // Filters combine: a prefix, a principal, a record and a day range.
  auto none = Get(admin, "/api/v1/audit?action=login.&principal=operator");
  ASSERT_TRUE(none);
  EXPECT_EQ(Json::parse(none->body)["items"].size(), 0u);
  auto by_record = Get(admin, "/api/v1/audit?record=wrong_pass&from=2000-01-01&to=9999-12-31");
  ASSERT_TRUE(by_record);
  ASSERT_EQ(by_record->status, 200) << by_record->body;
  EXPECT_EQ(Json::parse(by_record->body)["items"].size(), 1u);
  auto past = Get(admin, "/api/v1/audit?action=login.failed&to=2000-01-01");
  ASSERT_TRUE(past);
  EXPECT_EQ(Json::parse(past->body)["items"].size(), 0u);
  ExpectProblem(Get(admin, "/api/v1/audit?from=yesterday"), 400, "from");
  ExpectProblem(Get(admin, "/api/v1/audit?from=2026-02-02&to=2026-02-01"), 400, "from");

  // A lockout is recorded once, not once per refused attempt.
  for (int i = 0; i < 3; ++i) ExpectProblem(PostLogin("dana", "guess"), 401, "/password");
  for (int i = 0; i < 3; ++i) ExpectProblem(PostLogin("dana", "guess"), 429, "");
  auto dana = Get(admin, "/api/v1/audit?action=login.failed&principal=dana");
  ASSERT_TRUE(dana);
  Json d = Json::parse(dana->body);
  ASSERT_EQ(d["items"].size(), 4u) << d.dump();
  EXPECT_EQ(d["items"][3]["target_id"], "locked_out");

  auto verified = Get(admin, "/api/v1/audit/verification");
  ASSERT_TRUE(verified);
  ASSERT_EQ(verified->status, 200) << verified->body;
  EXPECT_TRUE(Json::parse(verified->body)["ok"].get<bool>()) << verified->body;
}

TEST_F(ApiServerTest, ConcurrentWritersWithOneETagOnlyOneWins) {
  Login dana = LogIn("dana");
  const std::string etag = Get(dana, "/api/v1/decisions/P-NLF/2025")->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  constexpr int kWriters = 4;
  std::vector<int> statuses(kWriters, 0);
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] {
      httplib::Client client("127.0.0.1", server_->port());
      client.set_read_timeout(60, 0);
      Json body = {{"party", "P-NLF"},
                   {"cycle", 2025},
                   {"status", i % 2 == 0 ? "on_notice" : "none"},
                   {"rationale", "Writer " + std::to_string(i)}};
      httplib::Headers h = {
          {"Cookie", dana.cookie}, {"X-CSRF-Token", dana.csrf}, {"If-Match", etag}};
      auto res = client.Post("/api/v1/decisions", h, body.dump(), "application/json");
      statuses[i] = res ? res->status : -1;
    });
  }
  for (std::thread& t : writers) t.join();
  int won = 0;
  int stale = 0;
  for (int s : statuses) {
    won += s == 200;
    stale += s == 412;
  }
  EXPECT_EQ(won, 1);
  EXPECT_EQ(stale, kWriters - 1);
}

TEST_F(ApiServerTest, WritesAreRefusedToRolesThatMayNotMakeThem) {
  Login mo = LogIn("mo");
  Login rita = LogIn("rita");
  Json decision = {{"party", "P-VAF"},
                   {"cycle", 2025},
                   {"status", "listed"},
                   {"rationale", "Not this principal's call."}};
  ExpectProblem(Post(mo, "/api/v1/decisions", decision), 403, "");
  ExpectProblem(Post(rita, "/api/v1/decisions", decision), 403, "");
  ExpectProblem(Get(rita, "/api/v1/decisions/P-VAF/2025"), 404, "party");
  // A monitor reads the confidential record of its own situation only.
  auto own = Get(mo, "/api/v1/incidents/I-2022-001");
  ASSERT_TRUE(own);
  ASSERT_EQ(own->status, 200) << own->body;
  EXPECT_NE(own->body.find(kNarrative), std::string::npos);
  auto other = Get(mo, "/api/v1/incidents?situation=SIT-QUE&limit=1000");
  ASSERT_TRUE(other);
  ASSERT_EQ(other->status, 200) << other->body;
  EXPECT_EQ(other->body.find("\"narrative\""), std::string::npos);
  // A disabled principal's session ends at once: 401, not a role refusal.
  {
    SessionOptions o;
    o.db = db_;
    auto admin = Session::Open(o);
    ASSERT_TRUE(admin.ok());
    ASSERT_TRUE(SetUserDisabled(**admin, "mo", true).ok());
  }
  ExpectProblem(Get(mo, "/api/v1/situations"), 401, "Cookie");
  ExpectProblem(PostLogin("mo", kPassword), 401, "/password");
}

TEST_F(ApiServerTest, OpenApiDocumentsExactlyTheRoutes) {
  auto res = client_->Get("/api/v1/openapi.json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  Json doc = Json::parse(res->body);
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  std::set<std::pair<std::string, std::string>> routes;
  for (const Route& route : server_->router().routes()) {
    std::string method = route.spec.method;
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    routes.emplace(route.spec.pattern, method);
    ASSERT_TRUE(doc["paths"].contains(route.spec.pattern)) << route.spec.pattern;
    EXPECT_TRUE(doc["paths"][route.spec.pattern].contains(method))
        << method << " " << route.spec.pattern;
  }
  size_t documented = 0;
  for (const auto& [pattern, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      ++documented;
      EXPECT_EQ(routes.count({pattern, method}), 1u) << method << " " << pattern;
      // Each documented route answers on the live server (not 404/405).
      std::string concrete = pattern;
      for (const char* param : {"{id}", "{party}", "{cycle}", "{name}"}) {
        size_t at = concrete.find(param);
        if (at != std::string::npos) {
          concrete.replace(at, std::string(param).size(),
                           std::string(param) == "{cycle}" ? "2025" : "X");
        }
      }
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      auto found = server_->router().Find(upper, concrete);
      ASSERT_TRUE(found.ok()) << concrete;
      ASSERT_NE(found->route, nullptr) << upper << " " << concrete;
      EXPECT_EQ(found->route->spec.pattern, pattern);
    }
  }
  EXPECT_EQ(documented, routes.size());
  EXPECT_GE(routes.size(), 20u);
}

// Every route names the schemas of its bodies (api/schemas.h), and the
// document publishes them: the request schema a route is checked against,
// the response schema of its success, problems for its errors.
TEST_F(ApiServerTest, EveryRouteDeclaresItsBodySchemas) {
  auto res = client_->Get("/api/v1/openapi.json");
  ASSERT_TRUE(res && res->status == 200);
  Json doc = Json::parse(res->body);
  EXPECT_EQ(doc["openapi"], "3.1.0");
  for (const Route& route : server_->router().routes()) {
    const RouteSpec& spec = route.spec;
    const std::string name = spec.method + " " + spec.pattern;
    if (spec.has_body || spec.multipart) {
      EXPECT_TRUE(HasSchema(spec.request_schema)) << name << ": request " << spec.request_schema;
    } else {
      EXPECT_EQ(spec.request_schema, "") << name << " takes no body";
    }
    if (spec.success_status == 204 || (spec.response_schema.empty() && !spec.produces.empty())) {
      EXPECT_EQ(spec.response_schema, "") << name;
    } else {
      EXPECT_TRUE(HasSchema(spec.response_schema)) << name << ": response " << spec.response_schema;
    }
    std::string method = spec.method;
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const Json& op = doc["paths"][spec.pattern][method];
    if (spec.has_body || spec.multipart) {
      const char* media = spec.multipart ? "multipart/form-data" : "application/json";
      EXPECT_EQ(op["requestBody"]["content"][media]["schema"]["$ref"],
                "#/components/schemas/" + spec.request_schema)
          << name;
    }
    if (!spec.response_schema.empty()) {
      EXPECT_EQ(op["responses"][std::to_string(spec.success_status)]["content"]["application/json"]
                  ["schema"]["$ref"],
                "#/components/schemas/" + spec.response_schema)
          << name;
    }
    EXPECT_EQ(op["responses"]["400"]["content"]["application/problem+json"]["schema"]["$ref"],
              "#/components/schemas/Problem")
        << name;
  }
  EXPECT_EQ(doc["components"]["schemas"].size(), ComponentSchemas().size());
}

// A body that breaks its route's schema is refused before the handler runs,
// with the member at fault named: its pointer in `field`, its name in words
// in the detail. The caller is authenticated first: a stranger's bad body
// is a 401.
TEST_F(ApiServerTest, RouteRefusesABodyThatBreaksItsSchemaNamingTheField) {
  Login dana = LogIn("dana");
  const Json decision = {
      {"party", "P-NLF"}, {"cycle", 2025}, {"status", "listed"}, {"rationale", "r"}};
  Json wrong = decision;
  wrong["cycle"] = "2025";
  auto res = Post(dana, "/api/v1/decisions", wrong);
  ExpectProblem(res, 400, "/cycle");
  EXPECT_EQ(Json::parse(res->body)["detail"], "field 'cycle': expected an integer, got a string");
  wrong = decision;
  wrong["colour"] = "red";
  res = Post(dana, "/api/v1/decisions", wrong);
  ExpectProblem(res, 400, "/colour");
  EXPECT_NE(
      Json::parse(res->body)["detail"].get<std::string>().find("field 'colour': unknown field"),
      std::string::npos)
      << res->body;
  wrong = decision;
  wrong.erase("rationale");
  ExpectProblem(Post(dana, "/api/v1/decisions", wrong), 400, "/rationale");
  res = client_->Post("/api/v1/decisions", decision.dump(), "application/json");
  ExpectProblem(res, 401, "");
  // Nothing was written by the refused bodies.
  auto stored = Get(dana, "/api/v1/decisions/P-NLF/2025");
  ASSERT_TRUE(stored);
  if (stored->status == 200) EXPECT_NE(Json::parse(stored->body)["rationale"], "r");
  // A nested member is named by its path in words.
  Login mo = LogIn("mo");
  Json incident = {{"id", "I-SCHEMA"},       {"situation", "SIT-VAL"},
                   {"date", "2025-08-01"},   {"location", {{"name", "Korvane"}}},
                   {"violations", {"rape"}}, {"victims", {{"women", -2}}},
                   {"context", "attack"},    {"status", "reported"}};
  res = Post(mo, "/api/v1/incidents", incident);
  ExpectProblem(res, 400, "/victims/women");
  EXPECT_EQ(Json::parse(res->body)["detail"],
            "field 'victims, women': expected a non-negative integer, got -2");
  // Not JSON at all.
  res = client_->Post("/api/v1/session", "{\"name\":", "application/json");
  ExpectProblem(res, 400, "body");
  // An upload's parts are the members of its schema.
  httplib::Headers headers = {{"Cookie", mo.cookie}, {"X-CSRF-Token", mo.csrf}};
  res = client_->Post("/api/v1/evidence", headers,
                      httplib::MultipartFormDataItems{{"file", "scan", "scan.txt", "text/plain"},
                                                      {"description", "no incident", "", ""}});
  ExpectProblem(res, 400, "incident");
  EXPECT_EQ(Json::parse(res->body)["detail"], "field 'incident': missing required field");
  res = client_->Post("/api/v1/evidence", headers,
                      httplib::MultipartFormDataItems{{"file", "scan", "scan.txt", "text/plain"},
                                                      {"incident", "I-2022-001", "", ""},
                                                      {"colour", "red", "", ""}});
  ExpectProblem(res, 400, "colour");
  // A login's body has its schema too.
  res = client_->Post("/api/v1/session", R"({"name": "dana", "password": 7})", "application/json");
  ExpectProblem(res, 400, "/password");
}

}  // namespace
}  // namespace mara::api
