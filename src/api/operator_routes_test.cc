// The operator routes (/healthz, /readyz, /metrics) and the access log, over
// a real server on loopback (api_world_test_support.h): who may read what,
// the Prometheus text, labels that are route templates and never raw paths
// or ids, readiness failing while the store cannot be read, and access-log
// lines that hold no personal data.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "api/api_world_test_support.h"
#include "api/metrics.h"

namespace mara::api {
namespace {

using testing_support::Json;
using testing_support::Login;
using testing_support::World;

class OperatorRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    world_ = World::Create(&error);
    ASSERT_EQ(error, "");
  }

  // A second server on the world's store, with these changes.
  std::unique_ptr<Server> StartServer(const std::function<void(ServerOptions&)>& change) {
    ServerOptions options;
    options.db = world_->dir() + "/mara.db";
    options.port = 0;
    options.threads = 2;
    change(options);
    auto server = std::make_unique<Server>(options);
    Status started = server->Start();
    EXPECT_TRUE(started.ok()) << started.ToString();
    return server;
  }

  // Runs one statement on the store with a connection of the test's own.
  void Sql(const std::string& statement) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((world_->dir() + "/mara.db").c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char* message = nullptr;
    EXPECT_EQ(sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &message), SQLITE_OK)
        << (message != nullptr ? message : "");
    sqlite3_free(message);
    sqlite3_close(db);
  }

  std::unique_ptr<World> world_;
};

TEST_F(OperatorRoutesTest, LivenessAndReadinessNeedNoLogin) {
  httplib::Client& c = world_->client();
  auto health = c.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(Json::parse(health->body)["status"], "ok");
  EXPECT_EQ(health->get_header_value("Cache-Control"), "no-store");
  EXPECT_EQ(health->get_header_value("X-Request-Id").size(), 16u);
  auto ready = c.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  EXPECT_EQ(Json::parse(ready->body)["status"], "ready");
  auto head = c.Head("/healthz");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  // Routes of the router, not files of the browser application.
  auto post = c.Post("/healthz", "", "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(post->get_header_value("Allow"), "GET");
  auto query = c.Get("/readyz?verbose=1");
  ASSERT_TRUE(query);
  EXPECT_EQ(query->status, 400);
  // Two requests never share an id.
  auto again = c.Get("/healthz");
  ASSERT_TRUE(again);
  EXPECT_NE(again->get_header_value("X-Request-Id"), health->get_header_value("X-Request-Id"));
}

TEST_F(OperatorRoutesTest, ReadinessFailsWhileTheStoreCannotBeRead) {
  std::unique_ptr<Server> server =
      StartServer([](ServerOptions& o) { o.cache_staleness = std::chrono::milliseconds(0); });
  httplib::Client c("127.0.0.1", server->port());
  auto ready = c.Get("/readyz");
  ASSERT_TRUE(ready);
  ASSERT_EQ(ready->status, 200);
  // A data version that is not a number is a store that does not answer.
  Sql("UPDATE meta SET value = value || 'x' WHERE key = 'data_version'");
  auto broken = c.Get("/readyz");
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->status, 503);
  EXPECT_EQ(broken->get_header_value("Content-Type"), "application/problem+json");
  EXPECT_EQ(broken->body.find(world_->dir()), std::string::npos) << broken->body;
  auto alive = c.Get("/healthz");
  ASSERT_TRUE(alive);
  EXPECT_EQ(alive->status, 200);
  Sql("UPDATE meta SET value = substr(value, 1, length(value) - 1) WHERE key = 'data_version'");
  auto back = c.Get("/readyz");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->status, 200);
  server->Stop();
}

TEST_F(OperatorRoutesTest, MetricsAreForAuditReadersAndNameRouteTemplatesOnly) {
  httplib::Client& c = world_->client();
  auto anonymous = c.Get("/metrics");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  Login viewer = world_->LogIn("vera");
  Login admin = world_->LogIn("adi");
  auto refused = world_->Get(viewer, "/metrics");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);

  // Traffic with ids in the path, a query string, a cached view twice, a
  // client route of the browser application and an unknown API path.
  ASSERT_EQ(world_->Get(viewer, "/api/v1/incidents/I-2022-001")->status, 200);
  ASSERT_EQ(world_->Get(viewer, "/api/v1/incidents?party=P-VAF")->status, 200);
  ASSERT_EQ(world_->Get(viewer, "/api/v1/annex/2025")->status, 200);
  ASSERT_EQ(world_->Get(viewer, "/api/v1/annex/2025")->status, 200);
  ASSERT_EQ(c.Get("/incidents/I-2022-003")->status, 200);
  ASSERT_EQ(c.Get("/api/v1/nothing-I-2022-004")->status, 404);
  ASSERT_EQ(c.Get("/api/v1/incidents/I-NOPE-5")->status, 401);

  // A bearer token of the admin reads them as well as its login.
  auto issued = world_->Send(admin, "POST", "/api/v1/tokens", "{}");
  ASSERT_TRUE(issued && issued->status == 201);
  const std::string token = Json::parse(issued->body)["token"];
  auto res =
      c.Get("/metrics", {{"Authorization", "Bearer " + token}, {"Accept-Encoding", "identity"}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(res->get_header_value("Content-Type"), std::string(kPrometheusTextType));
  const std::string& text = res->body;
  auto has = [&](const std::string& s) { return text.find(s) != std::string::npos; };
  EXPECT_TRUE(
      has("mara_http_requests_total{route=\"/api/v1/incidents/{id}\",method=\"GET\","
          "status=\"2xx\"} 1\n"))
      << text;
  EXPECT_TRUE(
      has("mara_http_requests_total{route=\"/api/v1/incidents/{id}\",method=\"GET\","
          "status=\"4xx\"} 1\n"));
  EXPECT_TRUE(
      has("mara_http_requests_total{route=\"/api/v1/incidents\",method=\"GET\","
          "status=\"2xx\"} 1\n"));
  EXPECT_TRUE(has("mara_http_requests_total{route=\"static\",method=\"GET\",status=\"2xx\"}"));
  EXPECT_TRUE(has("mara_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"4xx\"}"));
  EXPECT_TRUE(
      has("mara_http_request_duration_seconds_bucket{route=\"/api/v1/annex/{cycle}\","
          "method=\"GET\",status=\"2xx\",le=\"+Inf\"} 2\n"));
  EXPECT_TRUE(has("# TYPE mara_http_request_duration_seconds histogram\n"));
  EXPECT_TRUE(has("mara_response_cache_hits_total 1\n")) << text;
  EXPECT_TRUE(has("mara_response_cache_misses_total 1\n")) << text;
  EXPECT_TRUE(has("mara_imports_started_total 0\n"));
  EXPECT_TRUE(has("mara_imports_finished_total 0\n"));
  EXPECT_TRUE(has("mara_imports_failed_total 0\n"));
  // No id, query, user name or address anywhere.
  for (const char* leak : {"I-2022", "I-NOPE", "P-VAF", "party=", "vera", "127.0.0.1"}) {
    EXPECT_FALSE(has(leak)) << leak;
  }
  // Every line is a comment or a sample of the text format.
  const std::regex sample(R"re(^[a-z_]+(\{([a-z]+="[^"\\]*",)*[a-z]+="[^"\\]*"\})? [0-9.e+-]+$)re");
  std::istringstream lines(text);
  std::string line;
  uint64_t head_seq = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) continue;
    EXPECT_TRUE(std::regex_match(line, sample)) << line;
    if (line.rfind("mara_audit_head_seq ", 0) == 0) head_seq = std::stoull(line.substr(20));
  }
  // The world's setup and the token issued are in the audit chain.
  EXPECT_GT(head_seq, 0u);
}

TEST_F(OperatorRoutesTest, ImportsAreCounted) {
  Login analyst = world_->LogIn("ana");
  Login admin = world_->LogIn("adi");
  auto started =
      world_->Upload(analyst, "/api/v1/imports",
                     {{"file", R"({"format":"mara-bundle/1","situations":[]})", "empty.json", ""}});
  ASSERT_TRUE(started && started->status == 202) << (started ? started->body : "");
  auto failed = world_->Upload(analyst, "/api/v1/imports", {{"file", "{broken", "bad.json", ""}});
  ASSERT_TRUE(failed && failed->status == 202) << (failed ? failed->body : "");
  std::string text;
  for (int i = 0; i < 200; ++i) {
    auto res = world_->Get(admin, "/metrics", {{"Accept-Encoding", "identity"}});
    ASSERT_TRUE(res && res->status == 200);
    text = res->body;
    if (text.find("mara_imports_finished_total 1\n") != std::string::npos &&
        text.find("mara_imports_failed_total 1\n") != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(text.find("mara_imports_started_total 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("mara_imports_finished_total 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("mara_imports_failed_total 1\n"), std::string::npos) << text;
}

TEST_F(OperatorRoutesTest, TheAccessLogHasOneLinePerRequestAndNoPersonalData) {
  const std::string log = world_->dir() + "/access.log";
  std::unique_ptr<Server> server = StartServer([&](ServerOptions& o) {
    o.access_log = log;
    o.max_body_bytes = 16 * 1024;
  });
  httplib::Client c("127.0.0.1", server->port());
  Json login = {{"name", "vera"}, {"password", testing_support::kPassword}};
  auto session = c.Post("/api/v1/session", login.dump(), "application/json");
  ASSERT_TRUE(session && session->status == 201);
  std::string cookie = session->get_header_value("Set-Cookie");
  cookie = cookie.substr(0, cookie.find(';'));
  std::vector<std::string> ids;
  for (const char* path : {"/api/v1/incidents/I-2022-001", "/api/v1/incidents?party=P-VAF",
                           "/incidents/I-2022-003", "/assets/missing-I-2022-004.js"}) {
    auto res = c.Get(path, {{"Cookie", cookie}});
    ASSERT_TRUE(res) << path;
    ids.push_back(res->get_header_value("X-Request-Id"));
  }
  // Refused by the transport before routing: a body over the limit.
  auto big = c.Post("/api/v1/session", std::string(20 * 1024, 'x'), "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  server->Stop();
  server.reset();

  std::ifstream in(log);
  std::vector<Json> lines;
  std::string line;
  while (std::getline(in, line)) {
    for (const char* leak : {"I-2022", "P-VAF", "party=", "vera", "127.0.0.1", "?"}) {
      EXPECT_EQ(line.find(leak), std::string::npos) << leak << " in " << line;
    }
    Json j = Json::parse(line, nullptr, false);
    ASSERT_TRUE(j.is_object()) << line;
    std::set<std::string> keys;
    for (const auto& item : j.items()) keys.insert(item.key());
    EXPECT_EQ(keys, (std::set<std::string>{"time", "request_id", "method", "route", "status",
                                           "duration_ms", "bytes"}))
        << line;
    EXPECT_TRUE(std::regex_match(j["time"].get<std::string>(),
                                 std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
        << line;
    EXPECT_GE(j["duration_ms"].get<double>(), 0.0);
    lines.push_back(j);
  }
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0]["route"], "/api/v1/session");
  EXPECT_EQ(lines[0]["method"], "POST");
  EXPECT_EQ(lines[0]["status"], 201);
  EXPECT_EQ(lines[1]["route"], "/api/v1/incidents/{id}");
  EXPECT_EQ(lines[1]["status"], 200);
  EXPECT_GT(lines[1]["bytes"].get<size_t>(), 0u);
  EXPECT_EQ(lines[2]["route"], "/api/v1/incidents");
  EXPECT_EQ(lines[3]["route"], "static");
  EXPECT_EQ(lines[4]["route"], "static");
  EXPECT_EQ(lines[4]["status"], 404);
  EXPECT_EQ(lines[5]["route"], "refused");
  EXPECT_EQ(lines[5]["status"], 413);
  EXPECT_EQ(lines[5]["request_id"], big->get_header_value("X-Request-Id"));
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(lines[i + 1]["request_id"], ids[i]);
  struct stat st {};
  ASSERT_EQ(::stat(log.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(AccessLogTest, AnUnwritableFileStopsTheStart) {
  ServerOptions options;
  options.db = "/nonexistent-mara/mara.db";
  options.access_log = "/nonexistent-mara/access.log";
  Server server(options);
  Status started = server.Start();
  EXPECT_EQ(started.code(), StatusCode::kIOError) << started.ToString();
}

TEST(MetricsTest, LabelsComeFromFixedSets) {
  Metrics m;
  m.Observe("BREW", "/api/v1/x", 418, std::chrono::milliseconds(3));
  m.Observe("GET", "/api/v1/x", 200, std::chrono::seconds(30));
  m.Refused(431);
  const std::string text = m.Render();
  EXPECT_NE(text.find("route=\"/api/v1/x\",method=\"other\",status=\"4xx\"} 1"), std::string::npos)
      << text;
  EXPECT_NE(text.find("le=\"0.005\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("method=\"GET\",status=\"2xx\",le=\"10\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("method=\"GET\",status=\"2xx\",le=\"+Inf\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("mara_http_refused_total{status=\"4xx\"} 1\n"), std::string::npos);
  EXPECT_EQ(PrometheusSample("x", {{"a", "q\"\\\n"}}, "1"), "x{a=\"q\\\"\\\\\\n\"} 1\n");
}

}  // namespace
}  // namespace mara::api
