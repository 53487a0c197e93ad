// ResponseCache: whole GET responses of the read-only routes whose answer is
// a function of the stored data, the principal and the request alone (the
// assessment and the views built on it: annex, consistency, sensitivity,
// statements of case, dossiers, dashboard), kept per data version, so a
// repeated request neither reassesses nor opens a Session.
//
// Contract:
// - KeyFor() names a request's entry: the store's DataVersion() (bumped by
//   every committed data change, from any process or machine), a digest of
//   the principal's stored record (roles, situations, disabled, password),
//   the path and the decoded query. nullopt when the request is not
//   cacheable (not GET or HEAD, another route) or the store cannot be read;
//   the caller then serves it without the cache.
// - Put() keeps only 200 responses, adding their ETag, within max_bytes in
//   all (the entries are dropped together when it would be exceeded).
// - The version is read before the handler runs, so an entry never holds
//   data older than its key says; a change committed meanwhile only makes
//   the entry unreachable.
// Thread-safe. The stores it reads the version with (opened without data
// keys: it reads no sealed field) are pooled.
#ifndef MARA_API_RESPONSE_CACHE_H_
#define MARA_API_RESPONSE_CACHE_H_

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/router.h"
#include "storage/store.h"

namespace mara::api {

class ResponseCache {
 public:
  ResponseCache(std::string db, size_t max_bytes) : db_(std::move(db)), max_bytes_(max_bytes) {}

  static bool Cacheable(std::string_view method, std::string_view path);

  std::optional<std::string> KeyFor(const Request& req, const std::string& principal);
  std::optional<Response> Find(const std::string& key);
  void Put(const std::string& key, Response& response);

 private:
  std::string db_;
  size_t max_bytes_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const Response>> entries_;
  size_t bytes_ = 0;
  std::vector<std::unique_ptr<Store>> stores_;  // idle version probes
};

}  // namespace mara::api

#endif  // MARA_API_RESPONSE_CACHE_H_
