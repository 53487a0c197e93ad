// ResponseCache: whole GET responses of the read-only routes whose answer is
// a function of the stored data, the principal and the request alone (the
// assessment and the views built on it: annex, consistency, sensitivity,
// statements of case, dossiers, dashboard), kept per data version, so a
// repeated request neither reassesses nor opens a Session.
//
// Contract:
// - KeyFor() names a request's entry: the store's DataVersion() (bumped by
//   every committed data change, from any process or machine), the digest
//   of the publication records (service/freshness.h), a digest of
//   the principal's stored record (roles, situations, disabled, password),
//   the path and the route's declared query parameters (Request::spec), in
//   the order the route declares them, each with the first value given, as
//   handlers read them (the server refuses undeclared ones before), and for
//   a route that varies by language (RouteSpec::varies_by_language) the
//   language the request is answered in (api/language.h RequestLanguage,
//   with the principal's preferred language read with the key, which the
//   Key carries for the handler: a principal whose language changed never
//   meets an entry of another language). nullopt
//   when the request is not cacheable (not GET or HEAD, another route, no
//   matched route) or the store cannot be read; the caller then serves it
//   without the cache.
// - A route that answers every principal it admits alike
//   (RouteSpec::same_for_readers) has one entry for all of them: the key
//   leaves out the principal's digest and carries it as the admission
//   instead. Find() serves such an entry only to an admission Put() has
//   seen with a 200 answer of that route (that stored record was admitted
//   by running the route), so a principal the route refuses, or one whose
//   roles changed, runs the route itself.
// - Find() on a miss makes the caller the one that answers that entry
//   (Key::flying) when nobody is, and an admitted caller waits while
//   another request answers it, then takes its answer: readers arriving
//   together after a write cost one answer, not one each. The caller that
//   flies must call Land() when its answer is Put() or given up (a
//   waiter whose wait ends without an entry answers the request itself).
// - PrincipalDigest() is that digest of the principal's stored record, as
//   fresh as the keys (the server ends a login whose principal changed);
//   PrincipalLanguage() its preferred language, read the same way.
// - Put() keeps only 200 responses, adding their ETag, within max_bytes in
//   all (the entries are dropped together when it would be exceeded). It
//   moves the body into an immutable shared buffer (Response::shared_body)
//   that Find() hands to every hit: a hit copies the headers, not the body.
// - The version is read before the handler runs, so an entry never holds
//   data older than its key says; a change committed meanwhile only makes
//   the entry unreachable.
// - Freshness: the version and the principal's record come from store
//   reads that began at most `staleness` before the request arrived, and
//   after the last Invalidate(). The server calls Invalidate() when one of
//   its own writes has committed, so a client sees its writes at once;
//   changes by other processes (the CLI, other servers on one PostgreSQL
//   database) are seen within `staleness`. Zero staleness: every request
//   waits for a read that began after it arrived.
// - DataVersion() is the version alone, read as freshly as the keys (the
//   readiness check): a failed read is its error.
// - Find() counts a hit or a miss (hits(), misses()) for the server's
//   metrics.
// - Cost: those reads ran once per request at first, and 64 readers at
//   once on two cores made SQLite's lock retries the p99 (bench/api). Now
//   one read runs at a time, on one kept store, reading the version and the
//   principals of the requests waiting for it; a request whose last read
//   is a quarter of `staleness` old starts the next one itself, so under
//   steady load requests rarely wait for a read at all.
// Thread-safe. The store it reads with is opened without data keys: it
// reads no sealed field.
#ifndef MARA_API_RESPONSE_CACHE_H_
#define MARA_API_RESPONSE_CACHE_H_

#include <atomic>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "api/router.h"
#include "service/freshness.h"

namespace mara::api {

class ResponseCache {
 public:
  ResponseCache(std::string db, size_t max_bytes,
                std::chrono::milliseconds staleness = std::chrono::milliseconds(0))
      : db_(std::move(db)), max_bytes_(max_bytes), staleness_(staleness) {}

  static bool Cacheable(std::string_view method, std::string_view path);

  struct Key {
    std::string entry;
    std::string admission;  // "": the entry is the principal's own
    bool flying = false;    // set by Find(): this caller answers the entry
    // The principal's preferred language as read with the key ("" when
    // none): the caller answers in the language the key names.
    std::string saved_language;
  };
  std::optional<Key> KeyFor(const Request& req, const std::string& principal);
  // nullopt: no such principal.
  Result<std::optional<std::string>> PrincipalDigest(const std::string& principal);
  Result<int64_t> DataVersion();
  // The principal's preferred language, read as freshly as the keys; ""
  // when it has none, is unknown or the read failed.
  std::string PrincipalLanguage(const std::string& principal);
  std::optional<Response> Find(Key& key);
  uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }
  void Put(const Key& key, Response& response);
  void Land(Key& key);
  // A write has committed: later keys come from reads begun after now.
  void Invalidate();

 private:
  struct Reading {
    int64_t version = 0;
    std::string publications;
    std::optional<PrincipalFreshness> principal;  // nullopt: no such principal
  };
  // The data version and the digest of the principal's record, from reads
  // fresh enough for a request arriving now (see the contract); "" reads
  // the version alone (Reading::digest then nullopt).
  Result<Reading> Read(const std::string& principal);
  // One read of the version and of these principals' digests.
  void ReadStore(const std::set<std::string>& principals, Result<int64_t>* version,
                 std::map<std::string, Result<std::optional<PrincipalFreshness>>>* digests);
  // Runs one read for `principal` and pending_ on this thread; called and
  // returns with probe_mu_ held (released during the read).
  void Probe(std::unique_lock<std::mutex>& lock, const std::string& principal);

  std::string db_;
  size_t max_bytes_;
  std::chrono::milliseconds staleness_;
  std::mutex mu_;
  std::condition_variable landed_;
  std::map<std::string, std::shared_ptr<const Response>> entries_;
  std::set<std::string> flying_;    // entries being answered
  std::set<std::string> admitted_;  // admissions with a 200 answer
  size_t bytes_ = 0;
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> misses_{0};

  // Times are steady_clock nanoseconds. Under probe_mu_: the last read's
  // version and when it began; the read running now (probing_), when it
  // began and whom it reads; the principals waiting for the next read; the
  // last Invalidate().
  std::mutex probe_mu_;
  std::condition_variable probe_cv_;
  Result<int64_t> version_{int64_t{0}};
  std::string publications_;  // read with version_
  int64_t version_read_at_ = INT64_MIN;
  bool probing_ = false;
  int64_t probe_began_ = 0;
  std::set<std::string> probing_for_;
  std::set<std::string> pending_;
  int64_t invalidated_at_ = INT64_MIN;
  struct Principal {
    int64_t read_at = INT64_MIN;
    Result<std::optional<PrincipalFreshness>> digest{std::optional<PrincipalFreshness>()};
  };
  std::map<std::string, Principal> principals_;
  FreshnessReader reader_{db_};  // used by the running read alone
};

}  // namespace mara::api

#endif  // MARA_API_RESPONSE_CACHE_H_
