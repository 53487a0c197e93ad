// ResponseCache against a real SQLite store: which requests it keeps, and
// that a data change or a change to the principal makes a new key.
#include "api/response_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "api/resources.h"
#include "common/temp_dir.h"
#include "service/authorized.h"
#include "service/freshness.h"
#include "service/session.h"
#include "service/users.h"

namespace mara::api {
namespace {

class ResponseCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = ScopedTempDir::Create("mara-response-cache");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    dir_ = std::move(dir).value();
    db_ = (std::filesystem::path(dir_.path()) / "mara.db").string();
    SessionOptions o;
    o.db = db_;
    o.create = true;
    auto opened = Session::Open(o);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    session_ = std::move(opened).value();
    NewUser ana;
    ana.name = "ana";
    ana.roles = {"analyst"};
    ana.situations = {"SIT-A"};
    ASSERT_TRUE(AddUser(*session_, ana).ok());
  }

  // A data change committed through another connection: an import.
  void ChangeData(const std::string& name) {
    const std::string path = dir_.path() + "/change.json";
    std::ofstream(path) << R"({"format": "mara-bundle/1", "situations": [{"id": "SIT-A", "name": ")"
                        << name << R"(", "on_council_agenda": true}]})";
    auto imported = ImportFile(*session_, path, {});
    ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  }

  int64_t DataVersion() {
    FreshnessReader reader(db_);
    Result<int64_t> version{int64_t{0}};
    std::map<std::string, Result<std::optional<std::string>>> digests;
    reader.Read({}, &version, &digests);
    EXPECT_TRUE(version.ok()) << version.status().ToString();
    return version.ok() ? *version : -1;
  }

  // The route a request matched: its declared query parameters make the key.
  static const RouteSpec& Spec() {
    static const RouteSpec* spec =
        new RouteSpec{.method = "GET",
                      .pattern = "/api/v1/annex/{cycle}",
                      .query = {{"policy", "the policy"}, {"cycle", "the cycle", true}}};
    return *spec;
  }

  static Request Get(std::string path) {
    Request req;
    req.method = "GET";
    req.path = std::move(path);
    req.spec = &Spec();
    return req;
  }

  ScopedTempDir dir_;
  std::string db_;
  std::unique_ptr<Session> session_;
};

TEST_F(ResponseCacheTest, OnlyTheAssessmentViewsAreCacheable) {
  for (const char* path :
       {"/api/v1/annex/2025", "/api/v1/assessments/2025", "/api/v1/consistency/2025",
        "/api/v1/sensitivity/2025", "/api/v1/cases/P-1/2025", "/api/v1/dashboard",
        "/api/v1/parties/P-1/dossier"}) {
    EXPECT_TRUE(ResponseCache::Cacheable("GET", path)) << path;
    EXPECT_TRUE(ResponseCache::Cacheable("HEAD", path)) << path;
    EXPECT_FALSE(ResponseCache::Cacheable("POST", path)) << path;
  }
  for (const char* path : {"/api/v1/parties/P-1", "/api/v1/incidents", "/api/v1/audit",
                           "/api/v1/evidence/E-1/content", "/api/v1/reports/2025"}) {
    EXPECT_FALSE(ResponseCache::Cacheable("GET", path)) << path;
  }
}

TEST_F(ResponseCacheTest, KeysFollowTheDataThePrincipalAndTheQuery) {
  ResponseCache cache(db_, 1 << 20);
  Request req = Get("/api/v1/annex/2025");
  const std::optional<std::string> key = cache.KeyFor(req, "ana");
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(cache.KeyFor(req, "ana"), key);
  EXPECT_FALSE(cache.KeyFor(req, "nobody").has_value());  // unknown principal: no caching
  EXPECT_FALSE(cache.KeyFor(Get("/api/v1/incidents"), "ana").has_value());

  Request with_policy = req;
  with_policy.query = {{"policy", "strict"}};
  EXPECT_NE(cache.KeyFor(with_policy, "ana"), key);
  // Only declared parameters, in the route's order, with their first value:
  // an undeclared one, a repeat or another order names the same entry.
  Request noisy = req;
  noisy.query = {{"x", "1"}, {"cycle", "7"}, {"policy", "strict"}, {"policy", "other"}};
  Request plain = req;
  plain.query = {{"policy", "strict"}, {"cycle", "7"}};
  EXPECT_EQ(cache.KeyFor(noisy, "ana"), cache.KeyFor(plain, "ana"));
  Request only_unknown = req;
  only_unknown.query = {{"x", "2"}};
  EXPECT_EQ(cache.KeyFor(only_unknown, "ana"), key);
  Request unmatched = req;
  unmatched.spec = nullptr;  // no route matched: never cached
  EXPECT_FALSE(cache.KeyFor(unmatched, "ana").has_value());

  Response r;
  r.body = R"({"cycle": 2025})";
  cache.Put(*key, r);
  // The body moved into a buffer the cache shares with every hit.
  EXPECT_EQ(r.Body(), R"({"cycle": 2025})");
  std::optional<Response> hit = cache.Find(*key);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->Body(), R"({"cycle": 2025})");
  EXPECT_EQ(hit->shared_body, r.shared_body);  // not a copy
  ASSERT_EQ(hit->headers.size(), 1u);
  EXPECT_EQ(hit->headers[0].first, "ETag");
  EXPECT_EQ(hit->headers[0].second, EtagOf(R"({"cycle": 2025})"));

  // A data change, from another connection, moves every key.
  ChangeData("Country A");
  const std::optional<std::string> after_data = cache.KeyFor(req, "ana");
  ASSERT_TRUE(after_data.has_value());
  EXPECT_NE(after_data, key);
  EXPECT_FALSE(cache.Find(*after_data).has_value());

  // So does a change to the principal's roles or situations.
  ASSERT_TRUE(AssignUser(*session_, "ana", {}, {"SIT-B"}, false).ok());
  const std::optional<std::string> after_user = cache.KeyFor(req, "ana");
  ASSERT_TRUE(after_user.has_value());
  EXPECT_NE(after_user, after_data);
}

TEST_F(ResponseCacheTest, KeepsOnlySuccessesWithinItsBound) {
  ResponseCache cache(db_, 64);
  Response refused;
  refused.status = 403;
  cache.Put("a", refused);
  EXPECT_FALSE(cache.Find("a").has_value());
  Response big;
  big.body = std::string(100, 'x');
  cache.Put("b", big);
  EXPECT_FALSE(cache.Find("b").has_value());
  Response small;
  small.body = std::string(40, 'x');
  cache.Put("c", small);
  EXPECT_TRUE(cache.Find("c").has_value());
  cache.Put("d", small);  // would exceed 64 bytes: the older entries go
  EXPECT_FALSE(cache.Find("c").has_value());
  EXPECT_TRUE(cache.Find("d").has_value());
}

int64_t VersionOf(const std::string& key) { return std::stoll(key.substr(0, key.find('\n'))); }

// With no staleness allowed, a key never comes from a read that began
// before the request: many threads asking at once while another connection
// commits never see a version older than one committed before they asked.
TEST_F(ResponseCacheTest, StrictKeysAreNeverOlderThanTheRequestUnderConcurrency) {
  ResponseCache cache(db_, 1 << 20);
  const Request req = Get("/api/v1/annex/2025");
  std::atomic<int64_t> committed{0};
  std::atomic<bool> done{false};
  std::atomic<int> stale{0};
  std::atomic<int> answered{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 8; ++t) {
    readers.emplace_back([&] {
      while (!done.load()) {
        const int64_t before = committed.load();
        std::optional<std::string> key = cache.KeyFor(req, "ana");
        if (!key) continue;
        ++answered;
        if (VersionOf(*key) < before) ++stale;
      }
    });
  }
  std::optional<std::string> previous = cache.KeyFor(req, "ana");
  ASSERT_TRUE(previous.has_value());
  for (int i = 0; i < 40; ++i) {
    ChangeData("Country " + std::to_string(i));
    const int64_t version = DataVersion();
    committed.store(version);
    std::optional<std::string> key = cache.KeyFor(req, "ana");
    ASSERT_TRUE(key.has_value());
    EXPECT_EQ(VersionOf(*key), version);
    EXPECT_NE(key, previous);
    previous = key;
  }
  done.store(true);
  for (std::thread& t : readers) t.join();
  EXPECT_GT(answered.load(), 0);
  EXPECT_EQ(stale.load(), 0);
}

// With staleness allowed, another process's change waits for the bound,
// but one the server reports through Invalidate() is seen by the next key:
// a change to the data and a change to the principal alike.
TEST_F(ResponseCacheTest, BoundedStalenessEndsAtInvalidate) {
  ResponseCache cache(db_, 1 << 20, std::chrono::minutes(10));
  const Request req = Get("/api/v1/annex/2025");
  const std::optional<std::string> key = cache.KeyFor(req, "ana");
  ASSERT_TRUE(key.has_value());

  ChangeData("Country A");
  EXPECT_EQ(cache.KeyFor(req, "ana"), key);  // within the bound: the old version
  cache.Invalidate();
  const std::optional<std::string> after_data = cache.KeyFor(req, "ana");
  ASSERT_TRUE(after_data.has_value());
  EXPECT_GT(VersionOf(*after_data), VersionOf(*key));

  ASSERT_TRUE(SetUserDisabled(*session_, "ana", true).ok());
  EXPECT_EQ(cache.KeyFor(req, "ana"), after_data);
  cache.Invalidate();
  const std::optional<std::string> after_user = cache.KeyFor(req, "ana");
  ASSERT_TRUE(after_user.has_value());
  EXPECT_NE(after_user, after_data);
  EXPECT_EQ(VersionOf(*after_user), VersionOf(*after_data));
}

// A short bound ends by itself.
TEST_F(ResponseCacheTest, BoundedStalenessEndsWithTime) {
  ResponseCache cache(db_, 1 << 20, std::chrono::milliseconds(50));
  const Request req = Get("/api/v1/annex/2025");
  const std::optional<std::string> key = cache.KeyFor(req, "ana");
  ASSERT_TRUE(key.has_value());
  ChangeData("Country A");
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  const std::optional<std::string> later = cache.KeyFor(req, "ana");
  ASSERT_TRUE(later.has_value());
  EXPECT_GT(VersionOf(*later), VersionOf(*key));
}

}  // namespace
}  // namespace mara::api
