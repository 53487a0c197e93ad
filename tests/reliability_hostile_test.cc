// Hostile input against a real `mara serve` on loopback (docs/reliability.md):
// SQL injection in every text field and query parameter, path traversal
// in every name that could reach the file system, invalid UTF-8 in bodies,
// headers and query strings, oversized headers and bodies, slow clients,
// failed logins, forged and replayed sessions, CSRF without a token. Each
// must be refused or stored verbatim, never answered with a 5xx, and the
// server must stay up and answer within seconds; the database must pass
// PRAGMA integrity_check and `mara audit verify` afterwards.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "common/temp_dir.h"
#include "serve_harness.h"

namespace mara {
namespace {

using namespace ::mara::testing;  // NOLINT: the harness is this test's vocabulary
using ::testing::AnyOf;
using ::testing::Eq;

const std::vector<std::string> kInjections = {
    "' OR '1'='1",
    "'; DROP TABLE incidents; --",
    "\" OR \"\"=\"",
    "1; SELECT * FROM principals",
    "' UNION SELECT name, password_hash, 1, 1 FROM principals --",
    "%' OR 1=1 --",
    "admin'--",
    "'); DELETE FROM audit_log; --",
    "'; ATTACH DATABASE '/tmp/mara-pwned.db' AS x; CREATE TABLE x.t(a); --",
    "1' AND (SELECT count(*) FROM sqlite_master) > 0 --",
    "' || (SELECT sqlite_version()) || '",
    "\\'; PRAGMA writable_schema=1; --",
};

std::string UrlEncode(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string JsonEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// The integer after "key": in a JSON text; -1 when absent.
long JsonInt(const std::string& body, const std::string& key) {
  size_t p = body.find("\"" + key + "\":");
  if (p == std::string::npos) return -1;
  p += key.size() + 3;
  while (p < body.size() && body[p] == ' ') ++p;
  return std::atol(body.c_str() + p);
}

std::string IntegrityCheck(const fs::path& db) {
  sqlite3* raw = nullptr;
  std::string result = "cannot open";
  if (sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(raw, "PRAGMA integrity_check", -1, &stmt, nullptr) == SQLITE_OK) {
      result.clear();
      while (sqlite3_step(stmt) == SQLITE_ROW) {
        result += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      }
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(raw);
  return result;
}

class ReliabilityHostileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tmp = ScopedTempDir::Create("mara-hostile");
    ASSERT_TRUE(tmp.ok());
    tmp_ = std::move(*tmp);
    root_ = tmp_.path();
    db_ = root_ / "store" / "office.db";
    fs::create_directories(db_.parent_path());
    ASSERT_EQ(MakeDemoStore(db_), "");
    ASSERT_TRUE(server_.Start(db_, 4)) << server_.log();
    port_ = server_.port();
  }

  void TearDown() override {
    // Up and answering quickly, whatever came before.
    const auto start = std::chrono::steady_clock::now();
    const HttpAnswer a =
        Http(port_, "GET", "/api/v1/openapi.json", "", {}, std::chrono::seconds(5));
    EXPECT_EQ(a.status, 200);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
    EXPECT_TRUE(server_.Running()) << server_.log();
    server_.Kill(SIGTERM);
    EXPECT_EQ(IntegrityCheck(db_), "ok");
    const MaraRun verify = RunMara(db_, {"audit", "verify"});
    EXPECT_EQ(verify.code, 0) << verify.out << verify.err;
    std::printf("[reliability] %s: %d hostile inputs tried\n",
                ::testing::UnitTest::GetInstance()->current_test_info()->name(), tried_);
  }

  // One request that must not be a server failure.
  HttpAnswer Try(const std::string& method, const std::string& target, const std::string& body = "",
                 std::vector<std::string> headers = {}) {
    ++tried_;
    HttpAnswer a = Http(port_, method, target, body, headers);
    EXPECT_GT(a.status, 0) << method << " " << target << ": no answer";
    EXPECT_LT(a.status, 500) << method << " " << target << ": " << a.body;
    return a;
  }

  ScopedTempDir tmp_;
  fs::path root_, db_;
  ServeProcess server_;
  int port_ = 0;
  int tried_ = 0;
};

TEST_F(ReliabilityHostileTest, SqlInjectionIsRefusedOrStoredVerbatim) {
  Login op = LogIn(port_, "operator", "operator-pass-1");
  ASSERT_TRUE(op.ok());
  const std::vector<std::pair<std::string, std::vector<std::string>>> queries = {
      {"/api/v1/incidents",
       {"cycle", "situation", "party", "status", "violation", "q", "limit", "offset"}},
      {"/api/v1/parties", {"situation"}},
      {"/api/v1/findings", {"party", "cycle"}},
      {"/api/v1/commitments", {"party"}},
      {"/api/v1/designations", {"party"}},
      {"/api/v1/statements", {"by"}},
      {"/api/v1/engagements", {"party"}},
      {"/api/v1/decisions", {"party", "cycle"}},
      {"/api/v1/audit", {"after_seq", "limit"}},
      {"/api/v1/reports/2025", {"format", "edition"}},
      {"/api/v1/cases/P-VAF/2025", {"edition"}},
      {"/api/v1/evidence", {"incident"}},
      {"/api/v1/petitions", {"party"}},
  };
  const std::vector<std::string> path_routes = {
      "/api/v1/parties/{}",         "/api/v1/incidents/{}",  "/api/v1/decisions/{}/2025",
      "/api/v1/decisions/P-VAF/{}", "/api/v1/cases/{}/2025", "/api/v1/reports/{}",
      "/api/v1/assessments/{}",     "/api/v1/tokens/{}",     "/api/v1/evidence/{}/custody"};
  for (const std::string& s : kInjections) {
    for (const auto& [path, params] : queries) {
      for (const std::string& param : params) {
        const HttpAnswer a = Try("GET", path + "?" + param + "=" + UrlEncode(s), "", {op.cookie});
        if (param == "q") {
          EXPECT_EQ(a.status, 200);
          EXPECT_EQ(JsonInt(a.body, "total"), 0) << a.body;
        }
      }
    }
    for (std::string route : path_routes) {
      route.replace(route.find("{}"), 2, UrlEncode(s));
      const std::string method = route.rfind("/api/v1/tokens/", 0) == 0 ? "DELETE" : "GET";
      Try(method, route, "", op.Headers());
    }
  }
  // Every text field of a decision; the rationale is free text and must
  // come back byte for byte.
  int cycle = 1100;
  for (const std::string& s : kInjections) {
    const std::string e = JsonEscape(s);
    EXPECT_THAT(Try("POST", "/api/v1/decisions",
                    "{\"party\": \"" + e +
                        "\", \"cycle\": 1100, \"status\": \"listed\", "
                        "\"rationale\": \"x\"}",
                    op.Headers())
                    .status,
                AnyOf(Eq(400), Eq(404)));
    EXPECT_EQ(Try("POST", "/api/v1/decisions",
                  "{\"party\": \"P-KB\", \"cycle\": 1100, \"status\": \"" + e +
                      "\", \"rationale\": \"x\"}",
                  op.Headers())
                  .status,
              400);
    EXPECT_EQ(Try("POST", "/api/v1/decisions",
                  "{\"party\": \"P-KB\", \"cycle\": 1100, \"status\": \"listed\", "
                  "\"rationale\": \"x\", \"date\": \"" +
                      e + "\"}",
                  op.Headers())
                  .status,
              400);
    EXPECT_EQ(Try("POST", "/api/v1/decisions",
                  "{\"party\": \"P-KB\", \"cycle\": \"" + e +
                      "\", \"status\": \"listed\", \"rationale\": \"x\"}",
                  op.Headers())
                  .status,
              400);
    ++cycle;
    const std::string c = std::to_string(cycle);
    ASSERT_EQ(Try("POST", "/api/v1/decisions",
                  "{\"party\": \"P-KB\", \"cycle\": " + c +
                      ", \"status\": \"listed\", \"rationale\": \"" + e + "\"}",
                  op.Headers())
                  .status,
              201);
    const HttpAnswer back = Try("GET", "/api/v1/decisions/P-KB/" + c, "", {op.cookie});
    ASSERT_EQ(back.status, 200);
    EXPECT_NE(back.body.find("\"" + e + "\""), std::string::npos) << back.body;
    EXPECT_EQ(Try("POST", "/api/v1/tokens", "{\"days\": \"" + e + "\"}", op.Headers()).status, 400);
    EXPECT_THAT(Try("POST", "/api/v1/incidents/I-2022-001/verification",
                    "{\"verified_on\": \"" + e + "\"}", op.Headers())
                    .status,
                AnyOf(Eq(400), Eq(403), Eq(409), Eq(428)));
  }
  // Incidents saved through the API by a monitor (where the route
  // exists): free text stored verbatim, identifiers refused.
  Login mon = LogIn(port_, "monitor", "monitor-pass-1");
  ASSERT_TRUE(mon.ok());
  int n = 0;
  for (const std::string& s : kInjections) {
    const std::string e = JsonEscape(s);
    const std::string id = "I-SQLI-" + std::to_string(++n);
    const std::string incident =
        "{\"id\": \"" + id +
        "\", \"situation\": \"SIT-VAL\", \"date\": \"2025-03-01\", \"location\": {\"name\": \"" +
        e + "\", \"admin1\": \"" + e +
        "\"}, \"violations\": [\"rape\"], \"victims\": {\"women\": 1}, \"context\": \"attack\", "
        "\"status\": \"reported\", \"perpetrators\": [{\"party\": \"P-VAF\", \"standard\": "
        "\"credible_information\"}], \"sources\": [\"S-JMT-VAL\"], \"narrative\": \"" +
        e + "\"}";
    const HttpAnswer a = Try("POST", "/api/v1/incidents", incident, mon.Headers());
    EXPECT_THAT(a.status, AnyOf(Eq(201), Eq(404), Eq(405))) << a.body;
    if (a.status == 201) {
      const HttpAnswer back = Try("GET", "/api/v1/incidents/" + id, "", {mon.cookie});
      EXPECT_NE(back.body.find("\"" + e + "\""), std::string::npos) << back.body;
    }
    std::string bad_id = incident;
    bad_id.replace(bad_id.find(id), id.size(), e);
    EXPECT_THAT(Try("POST", "/api/v1/incidents", bad_id, mon.Headers()).status,
                AnyOf(Eq(400), Eq(404), Eq(405)));
  }
  // The store is whole: every table answers as before.
  const HttpAnswer incidents = Try("GET", "/api/v1/incidents?limit=1", "", {op.cookie});
  EXPECT_EQ(incidents.status, 200);
  EXPECT_EQ(Try("GET", "/api/v1/incidents/I-2022-001", "", {op.cookie}).status, 200);
  EXPECT_EQ(Try("GET", "/api/v1/stats", "", {op.cookie}).status, 200);
  EXPECT_EQ(Try("GET", "/api/v1/audit/verification", "", {op.cookie}).status, 200);
  EXPECT_FALSE(fs::exists("/tmp/mara-pwned.db"));
}

TEST_F(ReliabilityHostileTest, PathTraversalReachesNoFile) {
  Login op = LogIn(port_, "operator", "operator-pass-1");
  ASSERT_TRUE(op.ok());
  const std::vector<std::string> targets = {
      "/../../../../../../etc/passwd",
      "/api/v1/../../../../etc/passwd",
      "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
      "/..%2f..%2f..%2f..%2fetc%2fpasswd",
      "/%252e%252e/%252e%252e/etc/passwd",
      "/....//....//....//etc/passwd",
      "/..\\..\\..\\etc\\passwd",
      "/index.html/../../../../etc/passwd",
      "/assets/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
      "/assets/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
      "//etc/passwd",
      "/%2fetc%2fpasswd",
      "/../office.db",
      "/..%2foffice.db",
      "/../store/office.keys",
      "/api/v1/reports/..%2f..%2f..%2fetc%2fpasswd",
      "/api/v1/reports/2025?format=..%2f..%2f..%2fetc%2fpasswd",
      "/api/v1/reports/2025?format=html&edition=..%2f..%2fetc%2fpasswd",
      "/api/v1/cases/..%2f..%2fetc/passwd",
      "/api/v1/evidence/..%2f..%2f..%2fetc%2fpasswd/content",
      "/api/v1/imports/..%2f..%2fetc%2fpasswd",
  };
  for (const std::string& t : targets) {
    for (const std::vector<std::string>& headers :
         std::vector<std::vector<std::string>>{{}, {op.cookie}}) {
      const HttpAnswer a = Try("GET", t, "", headers);
      EXPECT_EQ(a.body.find("root:x:0:0"), std::string::npos) << t;
      EXPECT_EQ(a.body.find("SQLite format 3"), std::string::npos) << t;
      EXPECT_EQ(a.body.find("mara-keys"), std::string::npos) << t;
    }
  }
  // Uploads whose file names climb out of every directory: whatever the
  // answer, no file appears where the name points.
  const std::string outside = (root_ / "pwned").string();
  const std::vector<std::string> names = {"../../../../../../" + outside.substr(1) + "-rel",
                                          outside + "-abs", "..%2f..%2f..%2fpwned-enc",
                                          "....//....//pwned-dots", "..\\..\\pwned-back"};
  const std::string boundary = "----mara-boundary-7d3f";
  for (const std::string& name : names) {
    for (const char* route : {"/api/v1/evidence", "/api/v1/imports"}) {
      std::string body =
          "--" + boundary +
          "\r\nContent-Disposition: form-data; name=\"incident\"\r\n\r\n"
          "I-2022-001\r\n--" +
          boundary + "\r\nContent-Disposition: form-data; name=\"format\"\r\n\r\nbundle\r\n--" +
          boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name +
          "\"\r\nContent-Type: application/octet-stream\r\n\r\n"
          "{\"format\": \"mara-bundle/1\"}\r\n--" +
          boundary + "--\r\n";
      std::string req = "POST " + std::string(route) +
                        " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + op.cookie +
                        "\r\n" + op.csrf +
                        "\r\nContent-Type: multipart/form-data; boundary=" + boundary +
                        "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
      ++tried_;
      const HttpAnswer a = RawHttp(port_, req);
      EXPECT_GT(a.status, 0);
      EXPECT_LT(a.status, 500) << route << " " << name << ": " << a.body;
    }
  }
  // Imports run in the background: look for files only once none is running.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    const HttpAnswer list = Http(port_, "GET", "/api/v1/imports", "", {op.cookie});
    ASSERT_EQ(list.status, 200) << list.body;
    if (list.body.find("\"state\":\"running\"") == std::string::npos) break;
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "imports still running: " << list.body;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (const auto& e : fs::recursive_directory_iterator(root_)) {
    const std::string f = e.path().filename().string();
    EXPECT_EQ(f.find("pwned"), std::string::npos) << e.path();
  }
  for (const char* p :
       {"/pwned-rel", "/tmp/pwned-enc", "/tmp/pwned-dots", "/pwned-dots", "/pwned-back"}) {
    EXPECT_FALSE(fs::exists(p)) << p;
  }
}

TEST_F(ReliabilityHostileTest, InvalidUtf8IsRefused) {
  Login op = LogIn(port_, "operator", "operator-pass-1");
  ASSERT_TRUE(op.ok());
  const std::vector<std::string> bad = {
      "\xff\xfe", "\xc0\xaf",         "\xe0\x80\xaf", "\xed\xa0\x80",
      "\xe2\x82", "\xf4\x90\x80\x80", "a\x80z",       "\xf8\x88\x80\x80\x80"};
  const std::vector<std::string> bad_escaped = {"%ff%fe", "%c0%af",       "%e0%80%af", "%ed%a0%80",
                                                "%e2%82", "%f4%90%80%80", "a%80z"};
  int cycle = 1600;
  for (const std::string& b : bad) {
    // Bodies: every string field of a decision.
    for (const std::string& body :
         {"{\"party\": \"P-KB\", \"cycle\": " + std::to_string(++cycle) +
              ", \"status\": \"listed\", \"rationale\": \"" + b + "\"}",
          "{\"party\": \"" + b +
              "\", \"cycle\": 1600, \"status\": \"listed\", \"rationale\": \"x\"}",
          "{\"party\": \"P-KB\", \"cycle\": 1600, \"status\": \"" + b + "\", \"rationale\": \"x\"}",
          std::string("{\"days\": 3, \"") + b + "\": 1}"}) {
      const std::string route =
          body.find("days") != std::string::npos ? "/api/v1/tokens" : "/api/v1/decisions";
      EXPECT_EQ(Try("POST", route, body, op.Headers()).status, 400) << body;
    }
    EXPECT_EQ(
        Try("POST", "/api/v1/incidents/I-2022-001/verification",
            "{\"verified_on\": \"2024-01-0" + b + "\"}", {op.cookie, op.csrf, "If-Match: \"x\""})
            .status,
        400);
    // Headers.
    EXPECT_EQ(Try("GET", "/api/v1/session", "", {"Cookie: mara_session=" + b}).status, 401);
    EXPECT_EQ(Try("GET", "/api/v1/session", "", {"Authorization: Bearer mara_" + b}).status, 401);
    EXPECT_EQ(Try("POST", "/api/v1/tokens", "{}", {op.cookie, "X-CSRF-Token: " + b}).status, 403);
    EXPECT_THAT(Try("POST", "/api/v1/incidents/I-2022-001/verification", "{}",
                    {op.cookie, op.csrf, "If-Match: \"" + b + "\""})
                    .status,
                AnyOf(Eq(400), Eq(403), Eq(412)));
    EXPECT_EQ(Try("GET", "/api/v1/stats", "", {op.cookie, "User-Agent: " + b}).status, 200);
    // Raw bytes in the request target.
    EXPECT_EQ(Try("GET", "/api/v1/incidents?q=" + b, "", {op.cookie}).status, 400);
    EXPECT_THAT(Try("GET", "/api/v1/parties/" + b, "", {op.cookie}).status,
                AnyOf(Eq(400), Eq(404)));
  }
  for (const std::string& b : bad_escaped) {
    EXPECT_EQ(Try("GET", "/api/v1/incidents?q=" + b, "", {op.cookie}).status, 400);
    EXPECT_EQ(Try("GET", "/api/v1/incidents?situation=" + b, "", {op.cookie}).status, 400);
    EXPECT_EQ(Try("GET", "/api/v1/parties/" + b, "", {op.cookie}).status, 400);
    EXPECT_EQ(Try("GET", "/api/v1/decisions/P-KB/2025?x=" + b, "", {op.cookie}).status, 400);
  }
  // Nothing was stored.
  for (int c = 5001; c <= cycle; ++c) {
    EXPECT_EQ(Try("GET", "/api/v1/decisions/P-KB/" + std::to_string(c), "", {op.cookie}).status,
              404);
  }
}

TEST_F(ReliabilityHostileTest, OversizedHeadersAndBodiesAreRefused) {
  Login op = LogIn(port_, "operator", "operator-pass-1");
  ASSERT_TRUE(op.ok());
  auto refused = [&](const std::string& what, const std::string& req) {
    ++tried_;
    const HttpAnswer a = RawHttp(port_, req, std::chrono::seconds(3));
    // An answer in the 4xx range, or none: the connection is closed or
    // left to the read timeout.
    EXPECT_TRUE(a.status == 0 || (a.status >= 400 && a.status < 500))
        << what << ": " << a.status << " " << a.body.substr(0, 200);
  };
  const std::string head = "GET /api/v1/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  refused("a 100 KB header", head + "X-Big: " + std::string(100 * 1024, 'a') + "\r\n\r\n");
  refused("a 1 MB cookie", head + "Cookie: mara_session=" + std::string(1 << 20, 'b') + "\r\n\r\n");
  {
    std::string many = head;
    for (int i = 0; i < 5000; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
    refused("5000 headers", many + "\r\n");
  }
  refused("a 200 KB request target", "GET /api/v1/incidents?q=" + std::string(200 * 1024, 'c') +
                                         " HTTP/1.1\r\nHost: x\r\n\r\n");
  refused("a 64 KB query value", "GET /api/v1/incidents?q=" + std::string(64 * 1024, 'c') +
                                     " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + op.cookie +
                                     "\r\n\r\n");
  const std::string big(2 << 20, 'd');
  {
    ++tried_;
    const HttpAnswer a = Http(port_, "POST", "/api/v1/decisions",
                              "{\"party\": \"P-KB\", \"cycle\": 6000, \"status\": \"listed\", "
                              "\"rationale\": \"" +
                                  big + "\"}",
                              op.Headers());
    EXPECT_TRUE(a.status == 413 || a.status == 0) << a.status;
  }
  refused("a Content-Length of 10^12",
          "POST /api/v1/decisions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + op.cookie +
              "\r\n" + op.csrf +
              "\r\nContent-Type: application/json\r\nContent-Length: " + "1000000000000\r\n\r\n{}");
  refused("a negative Content-Length",
          "POST /api/v1/decisions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + op.cookie +
              "\r\n" + op.csrf +
              "\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n");
  {
    std::string chunked =
        "POST /api/v1/decisions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + op.cookie + "\r\n" +
        op.csrf + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 40; ++i) chunked += "10000\r\n" + std::string(0x10000, 'e') + "\r\n";
    refused("a 2.5 MB chunked body", chunked + "0\r\n\r\n");
  }
  // Deep JSON inside the limit: refused, not a crash.
  EXPECT_EQ(Try("POST", "/api/v1/decisions", std::string(200000, '[') + std::string(200000, ']'),
                op.Headers())
                .status,
            400);
  EXPECT_EQ(Try("POST", "/api/v1/decisions",
                "{\"party\": \"P-KB\", \"cycle\": 6001, \"status\": \"listed\", \"rationale\": " +
                    std::string(100000, '[') + "\"x\"" + std::string(100000, ']') + "}",
                op.Headers())
                .status,
            400);
  EXPECT_EQ(Try("GET", "/api/v1/decisions/P-KB/6000", "", {op.cookie}).status, 404);
}

TEST_F(ReliabilityHostileTest, SlowClientsDoNotHoldTheServer) {
  // Twice as many slow connections as worker threads: some trickle one
  // byte of headers every 300 ms, some send half a request and stall, some
  // send nothing.
  constexpr int kSlow = 8;
  std::atomic<bool> stop{false};
  std::vector<double> closed_after(kSlow, -1);
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> slow;
  for (int i = 0; i < kSlow; ++i) {
    slow.emplace_back([&, i] {
      const int fd = ConnectLoopback(port_);
      if (fd < 0) return;
      const std::string partial = "GET /api/v1/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
      if (i % 4 == 2) SendAll(fd, partial);
      size_t sent = 0;
      while (!stop) {
        if (i % 4 < 2) {  // trickle
          const char c = sent < partial.size() ? partial[sent] : 'a';
          ++sent;
          if (::send(fd, &c, 1, MSG_NOSIGNAL) != 1) break;
        }
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 300) > 0) {
          char buf[4096];
          if (::recv(fd, buf, sizeof buf, 0) <= 0) break;
        }
      }
      closed_after[i] =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      ::close(fd);
    });
  }
  tried_ += kSlow;
  std::this_thread::sleep_for(std::chrono::seconds(1));
  // A normal request is answered at once, though every worker is taken.
  for (int i = 0; i < 3; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const HttpAnswer a =
        Http(port_, "GET", "/api/v1/openapi.json", "", {}, std::chrono::seconds(5));
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(a.status, 200);
    EXPECT_LT(took, 2.0);
  }
  // The server frees every slow connection itself: within the request
  // deadline (2 x the 10 s read timeout) and a little.
  const auto give_up = start + std::chrono::seconds(26);
  while (std::chrono::steady_clock::now() < give_up) {
    bool all = true;
    for (double c : closed_after) all = all && c >= 0;
    if (all) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  stop = true;
  for (std::thread& t : slow) t.join();
  for (int i = 0; i < kSlow; ++i) {
    EXPECT_GE(closed_after[i], 0) << "slow connection " << i;
    EXPECT_LT(closed_after[i], 25.0)
        << "slow connection " << i << " was never closed by the server";
    std::printf("[reliability] slow connection %d (%s) closed by the server after %.1f s\n", i,
                i % 4 < 2 ? "trickling" : (i % 4 == 2 ? "half a request" : "silent"),
                closed_after[i]);
  }
}

TEST_F(ReliabilityHostileTest, FailedLoginsAreRateLimited) {
  // One name from one address gets 5 checks; other names from the same
  // address keep theirs (the address's own limit is 20).
  int limited = 0;
  int operator_failures = 0;
  for (size_t i = 0; i < kInjections.size(); ++i) {
    const bool as_operator = i % 2 == 0;
    const std::string name = as_operator ? "operator" : JsonEscape(kInjections[i]);
    const HttpAnswer a = Try("POST", "/api/v1/session",
                             "{\"name\": \"" + name + "\", \"password\": \"" +
                                 JsonEscape(kInjections[(i + 1) % kInjections.size()]) + "\"}");
    if (!as_operator || operator_failures++ < 5) {
      EXPECT_EQ(a.status, 401) << i;
      EXPECT_EQ(a.header("set-cookie"), "");
    } else {
      EXPECT_EQ(a.status, 429) << i;
      EXPECT_NE(a.header("retry-after"), "");
      ++limited;
    }
  }
  // The right password is refused too while the limit holds.
  const HttpAnswer a =
      Try("POST", "/api/v1/session", "{\"name\": \"operator\", \"password\": \"operator-pass-1\"}");
  EXPECT_EQ(a.status, 429);
  EXPECT_EQ(a.header("set-cookie"), "");
  EXPECT_GT(limited, 0);
}

TEST_F(ReliabilityHostileTest, ForgedReplayedAndCrossSiteRequestsAreRefused) {
  Login op = LogIn(port_, "operator", "operator-pass-1");
  Login rev = LogIn(port_, "reviewer", "reviewer-pass-1");
  ASSERT_TRUE(op.ok() && rev.ok());
  const std::string decision =
      "{\"party\": \"P-KB\", \"cycle\": 1900, \"status\": \"listed\", \"rationale\": \"csrf\"}";
  // Forged cookies.
  const std::string value = op.cookie.substr(op.cookie.find('=') + 1);
  std::string flipped = value;
  flipped[10] = flipped[10] == 'a' ? 'b' : 'a';
  for (const std::string& forged :
       {std::string(64, '0'), flipped, value.substr(0, 63), value + "0", std::string("")}) {
    EXPECT_EQ(Try("GET", "/api/v1/session", "", {"Cookie: mara_session=" + forged}).status, 401);
    EXPECT_EQ(
        Try("POST", "/api/v1/decisions", decision, {"Cookie: mara_session=" + forged, op.csrf})
            .status,
        401);
  }
  // CSRF: the right cookie without the token, with a wrong one, with
  // another session's.
  EXPECT_EQ(Try("POST", "/api/v1/decisions", decision, {op.cookie}).status, 403);
  EXPECT_EQ(Try("POST", "/api/v1/decisions", decision,
                {op.cookie, "X-CSRF-Token: " + std::string(64, 'f')})
                .status,
            403);
  EXPECT_EQ(Try("POST", "/api/v1/decisions", decision, {op.cookie, rev.csrf}).status, 403);
  EXPECT_EQ(Try("POST", "/api/v1/tokens", "{}", {op.cookie, "Origin: https://evil.example"}).status,
            403);
  EXPECT_EQ(Try("DELETE", "/api/v1/session", "", {op.cookie}).status, 403);
  // Forged and revoked API tokens.
  EXPECT_EQ(Try("GET", "/api/v1/session", "",
                {"Authorization: Bearer mara_0000000000000000_" + std::string(64, '0')})
                .status,
            401);
  const HttpAnswer issued = Try("POST", "/api/v1/tokens", "{\"days\": 1}", op.Headers());
  ASSERT_EQ(issued.status, 201);
  const std::string token = JsonString(issued.body, "token");
  const std::string id = JsonString(issued.body, "id");
  EXPECT_EQ(Try("GET", "/api/v1/session", "", {"Authorization: Bearer " + token}).status, 200);
  std::string wrong = token;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  EXPECT_EQ(Try("GET", "/api/v1/session", "", {"Authorization: Bearer " + wrong}).status, 401);
  EXPECT_THAT(Try("DELETE", "/api/v1/tokens/" + id, "", op.Headers()).status,
              AnyOf(Eq(200), Eq(204)));
  EXPECT_EQ(Try("GET", "/api/v1/session", "", {"Authorization: Bearer " + token}).status, 401);
  // Replay after logout.
  EXPECT_THAT(Try("DELETE", "/api/v1/session", "", op.Headers()).status, AnyOf(Eq(200), Eq(204)));
  EXPECT_EQ(Try("GET", "/api/v1/session", "", {op.cookie}).status, 401);
  EXPECT_EQ(Try("POST", "/api/v1/decisions", decision, op.Headers()).status, 401);
  // None of it wrote anything.
  EXPECT_EQ(Try("GET", "/api/v1/decisions/P-KB/1900", "", {rev.cookie}).status, 404);
}

}  // namespace
}  // namespace mara
