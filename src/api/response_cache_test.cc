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

// The entry a request names, the answer kept under an entry, and keeping one
// (the cache's Key with no admission: a principal's own entry).
std::optional<std::string> EntryOf(ResponseCache& cache, const Request& req,
                                   const std::string& principal) {
  std::optional<ResponseCache::Key> key = cache.KeyFor(req, principal);
  if (!key) return std::nullopt;
  return key->entry;
}

std::optional<Response> FindEntry(ResponseCache& cache, const std::string& entry) {
  ResponseCache::Key key{.entry = entry};
  std::optional<Response> hit = cache.Find(key);
  cache.Land(key);
  return hit;
}

void PutEntry(ResponseCache& cache, const std::string& entry, Response& response) {
  cache.Put({.entry = entry}, response);
}

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
    std::map<std::string, Result<std::optional<PrincipalFreshness>>> digests;
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
  const std::optional<std::string> key = EntryOf(cache, req, "ana");
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(EntryOf(cache, req, "ana"), key);
  EXPECT_FALSE(EntryOf(cache, req, "nobody").has_value());  // unknown principal: no caching
  EXPECT_FALSE(EntryOf(cache, Get("/api/v1/incidents"), "ana").has_value());

  Request with_policy = req;
  with_policy.query = {{"policy", "strict"}};
  EXPECT_NE(EntryOf(cache, with_policy, "ana"), key);
  // Only declared parameters, in the route's order, with their first value:
  // an undeclared one, a repeat or another order names the same entry.
  Request noisy = req;
  noisy.query = {{"x", "1"}, {"cycle", "7"}, {"policy", "strict"}, {"policy", "other"}};
  Request plain = req;
  plain.query = {{"policy", "strict"}, {"cycle", "7"}};
  EXPECT_EQ(EntryOf(cache, noisy, "ana"), EntryOf(cache, plain, "ana"));
  Request only_unknown = req;
  only_unknown.query = {{"x", "2"}};
  EXPECT_EQ(EntryOf(cache, only_unknown, "ana"), key);
  Request unmatched = req;
  unmatched.spec = nullptr;  // no route matched: never cached
  EXPECT_FALSE(EntryOf(cache, unmatched, "ana").has_value());

  Response r;
  r.body = R"({"cycle": 2025})";
  PutEntry(cache, *key, r);
  // The body moved into a buffer the cache shares with every hit.
  EXPECT_EQ(r.Body(), R"({"cycle": 2025})");
  std::optional<Response> hit = FindEntry(cache, *key);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->Body(), R"({"cycle": 2025})");
  EXPECT_EQ(hit->shared_body, r.shared_body);  // not a copy
  ASSERT_EQ(hit->headers.size(), 1u);
  EXPECT_EQ(hit->headers[0].first, "ETag");
  EXPECT_EQ(hit->headers[0].second, EtagOf(R"({"cycle": 2025})"));

  // A data change, from another connection, moves every key.
  ChangeData("Country A");
  const std::optional<std::string> after_data = EntryOf(cache, req, "ana");
  ASSERT_TRUE(after_data.has_value());
  EXPECT_NE(after_data, key);
  EXPECT_FALSE(FindEntry(cache, *after_data).has_value());

  // So does a change to the principal's roles or situations.
  ASSERT_TRUE(AssignUser(*session_, "ana", {}, {"SIT-B"}, false).ok());
  const std::optional<std::string> after_user = EntryOf(cache, req, "ana");
  ASSERT_TRUE(after_user.has_value());
  EXPECT_NE(after_user, after_data);
}

TEST_F(ResponseCacheTest, ARouteThatVariesByLanguageIsKeyedByTheLanguageAnswered) {
  static const RouteSpec* spec = new RouteSpec{.method = "GET",
                                               .pattern = "/api/v1/annex/{cycle}",
                                               .query = {{"lang", "the language"}},
                                               .same_for_readers = true,
                                               .varies_by_language = true};
  NewUser zoe;
  zoe.name = "zoe";
  zoe.roles = {"analyst"};
  zoe.situations = {"SIT-A"};
  zoe.language = "ar";
  ASSERT_TRUE(AddUser(*session_, zoe).ok());
  ASSERT_TRUE(SetUserLanguage(*session_, "ana", "fr").ok());
  ResponseCache cache(db_, 1 << 20);
  Request req = Get("/api/v1/annex/2025");
  req.spec = spec;
  req.headers["accept-language"] = "es";
  // One entry for all readers, but one per language: ana (French) and zoe
  // (Arabic) never share an answer, whatever they send.
  std::optional<ResponseCache::Key> ana = cache.KeyFor(req, "ana");
  std::optional<ResponseCache::Key> zoe_key = cache.KeyFor(req, "zoe");
  ASSERT_TRUE(ana && zoe_key);
  EXPECT_EQ(ana->saved_language, "fr");
  EXPECT_EQ(zoe_key->saved_language, "ar");
  EXPECT_NE(ana->entry, zoe_key->entry);
  Response french;
  french.body = "fr";
  cache.Put(*ana, french);
  ResponseCache::Key probe = *zoe_key;
  std::optional<Response> hit = cache.Find(probe);
  cache.Land(probe);
  EXPECT_FALSE(hit.has_value());
  // `lang` beats the saved language: both asking for Spanish share one entry.
  Request spanish = req;
  spanish.query = {{"lang", "es"}};
  EXPECT_EQ(EntryOf(cache, spanish, "ana"), EntryOf(cache, spanish, "zoe"));
  EXPECT_NE(EntryOf(cache, spanish, "ana"), ana->entry);
  // A principal whose language changes moves to another entry (and is
  // not logged out: the principal's digest is the same).
  const std::optional<std::string> before = cache.PrincipalDigest("ana").value();
  ASSERT_TRUE(SetUserLanguage(*session_, "ana", "ar").ok());
  cache.Invalidate();
  std::optional<ResponseCache::Key> ana_arabic = cache.KeyFor(req, "ana");
  ASSERT_TRUE(ana_arabic);
  EXPECT_EQ(ana_arabic->saved_language, "ar");
  EXPECT_NE(ana_arabic->entry, ana->entry);
  EXPECT_EQ(ana_arabic->entry, zoe_key->entry);
  EXPECT_EQ(cache.PrincipalDigest("ana").value(), before);
  // Without a saved language, Accept-Language decides.
  ASSERT_TRUE(SetUserLanguage(*session_, "ana", "").ok());
  cache.Invalidate();
  Request english = req;
  english.headers["accept-language"] = "en";
  EXPECT_NE(EntryOf(cache, req, "ana"), EntryOf(cache, english, "ana"));
  EXPECT_EQ(cache.PrincipalLanguage("ana"), "");
  EXPECT_EQ(cache.PrincipalLanguage("zoe"), "ar");
  EXPECT_EQ(cache.PrincipalLanguage("nobody"), "");
}

TEST_F(ResponseCacheTest, KeepsOnlySuccessesWithinItsBound) {
  ResponseCache cache(db_, 64);
  Response refused;
  refused.status = 403;
  PutEntry(cache, "a", refused);
  EXPECT_FALSE(FindEntry(cache, "a").has_value());
  Response big;
  big.body = std::string(100, 'x');
  PutEntry(cache, "b", big);
  EXPECT_FALSE(FindEntry(cache, "b").has_value());
  Response small;
  small.body = std::string(40, 'x');
  PutEntry(cache, "c", small);
  EXPECT_TRUE(FindEntry(cache, "c").has_value());
  PutEntry(cache, "d", small);  // would exceed 64 bytes: the older entries go
  EXPECT_FALSE(FindEntry(cache, "c").has_value());
  EXPECT_TRUE(FindEntry(cache, "d").has_value());
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
        std::optional<std::string> key = EntryOf(cache, req, "ana");
        if (!key) continue;
        ++answered;
        if (VersionOf(*key) < before) ++stale;
      }
    });
  }
  std::optional<std::string> previous = EntryOf(cache, req, "ana");
  ASSERT_TRUE(previous.has_value());
  for (int i = 0; i < 40; ++i) {
    ChangeData("Country " + std::to_string(i));
    const int64_t version = DataVersion();
    committed.store(version);
    std::optional<std::string> key = EntryOf(cache, req, "ana");
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
  const std::optional<std::string> key = EntryOf(cache, req, "ana");
  ASSERT_TRUE(key.has_value());

  ChangeData("Country A");
  EXPECT_EQ(EntryOf(cache, req, "ana"), key);  // within the bound: the old version
  cache.Invalidate();
  const std::optional<std::string> after_data = EntryOf(cache, req, "ana");
  ASSERT_TRUE(after_data.has_value());
  EXPECT_GT(VersionOf(*after_data), VersionOf(*key));

  ASSERT_TRUE(SetUserDisabled(*session_, "ana", true).ok());
  EXPECT_EQ(EntryOf(cache, req, "ana"), after_data);
  cache.Invalidate();
  const std::optional<std::string> after_user = EntryOf(cache, req, "ana");
  ASSERT_TRUE(after_user.has_value());
  EXPECT_NE(after_user, after_data);
  EXPECT_EQ(VersionOf(*after_user), VersionOf(*after_data));
}

// A short bound ends by itself.
TEST_F(ResponseCacheTest, BoundedStalenessEndsWithTime) {
  ResponseCache cache(db_, 1 << 20, std::chrono::milliseconds(50));
  const Request req = Get("/api/v1/annex/2025");
  const std::optional<std::string> key = EntryOf(cache, req, "ana");
  ASSERT_TRUE(key.has_value());
  ChangeData("Country A");
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  const std::optional<std::string> later = EntryOf(cache, req, "ana");
  ASSERT_TRUE(later.has_value());
  EXPECT_GT(VersionOf(*later), VersionOf(*key));
}

// A route that answers every admitted principal alike keeps one entry for
// all of them, served only to principals the route has admitted.
TEST_F(ResponseCacheTest, SharedEntriesServeOnlyAdmittedPrincipals) {
  NewUser bea;
  bea.name = "bea";
  bea.roles = {"viewer"};
  bea.situations = {"SIT-B"};
  ASSERT_TRUE(AddUser(*session_, bea).ok());
  static const RouteSpec shared{.method = "GET",
                                .pattern = "/api/v1/annex/{cycle}",
                                .query = {{"policy", "the policy"}},
                                .same_for_readers = true};
  Request req = Get("/api/v1/annex/2025");
  req.spec = &shared;
  ResponseCache cache(db_, 1 << 20);
  std::optional<ResponseCache::Key> ana = cache.KeyFor(req, "ana");
  std::optional<ResponseCache::Key> bea_key = cache.KeyFor(req, "bea");
  ASSERT_TRUE(ana.has_value() && bea_key.has_value());
  EXPECT_EQ(ana->entry, bea_key->entry);
  EXPECT_NE(ana->admission, bea_key->admission);
  EXPECT_NE(ana->entry, EntryOf(cache, Get("/api/v1/annex/2025"), "ana"));  // not ana's own

  // A refusal admits nobody.
  EXPECT_FALSE(cache.Find(*ana).has_value());
  EXPECT_TRUE(ana->flying);
  Response refused;
  refused.status = 403;
  cache.Put(*ana, refused);
  cache.Land(*ana);
  EXPECT_FALSE(cache.Find(*ana).has_value());
  Response r;
  r.body = R"({"cycle": 2025})";
  cache.Put(*ana, r);
  cache.Land(*ana);
  std::optional<Response> hit = cache.Find(*ana);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->Body(), R"({"cycle": 2025})");
  // Bea's stored record has not been admitted: she runs the route herself.
  EXPECT_FALSE(cache.Find(*bea_key).has_value());
  EXPECT_TRUE(bea_key->flying);
  Response again;
  again.body = R"({"cycle": 2025})";
  cache.Put(*bea_key, again);
  cache.Land(*bea_key);
  EXPECT_TRUE(cache.Find(*bea_key).has_value());

  // Other roles are another stored record: admitted again by the route.
  ASSERT_TRUE(AssignUser(*session_, "ana", {"viewer"}, {"SIT-B"}, false).ok());
  std::optional<ResponseCache::Key> changed = cache.KeyFor(req, "ana");
  ASSERT_TRUE(changed.has_value());
  EXPECT_EQ(changed->entry, ana->entry);
  EXPECT_FALSE(cache.Find(*changed).has_value());
  cache.Land(*changed);
}

// Admitted requests for an entry being answered wait for that answer
// instead of answering it again; a request that is not admitted does not
// wait.
TEST_F(ResponseCacheTest, RequestsArrivingTogetherCostOneAnswer) {
  ResponseCache cache(db_, 1 << 20);
  ResponseCache::Key first{.entry = "7\n\nd\nannex"};
  EXPECT_FALSE(cache.Find(first).has_value());
  ASSERT_TRUE(first.flying);
  std::atomic<int> served{0};
  std::vector<std::thread> waiting;
  for (int i = 0; i < 4; ++i) {
    waiting.emplace_back([&] {
      ResponseCache::Key key{.entry = first.entry};
      std::optional<Response> hit = cache.Find(key);
      EXPECT_FALSE(key.flying);
      if (hit && hit->Body() == "answer") ++served;
      cache.Land(key);
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(served.load(), 0);
  // Not admitted to a shared entry: answers at once, without flying.
  ResponseCache::Key stranger{.entry = first.entry, .admission = "GET\nannex\nx"};
  EXPECT_FALSE(cache.Find(stranger).has_value());
  EXPECT_FALSE(stranger.flying);
  Response r;
  r.body = "answer";
  cache.Put(first, r);
  cache.Land(first);
  for (std::thread& t : waiting) t.join();
  EXPECT_EQ(served.load(), 4);

  // An answer given up releases the waiters, and the next one answers.
  ResponseCache::Key second{.entry = "8\n\nd\nannex"};
  EXPECT_FALSE(cache.Find(second).has_value());
  ASSERT_TRUE(second.flying);
  std::atomic<bool> next_flies{false};
  std::thread waiter([&] {
    ResponseCache::Key key{.entry = second.entry};
    EXPECT_FALSE(cache.Find(key).has_value());
    next_flies.store(key.flying);
    cache.Land(key);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  cache.Land(second);
  waiter.join();
  EXPECT_TRUE(next_flies.load());
}

}  // namespace
}  // namespace mara::api
