#include "api/response_cache.h"

#include <algorithm>
#include <utility>

#include "api/resources.h"
#include "common/text.h"

namespace mara::api {
namespace {

// As many as the server has workers, so a busy server never reopens one:
// an open costs more than the whole cached answer.
constexpr size_t kMaxIdleStores = 128;

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

void AppendField(std::string_view field, std::string* out) {
  out->append(std::to_string(field.size()));
  out->push_back(':');
  out->append(field);
}

}  // namespace

bool ResponseCache::Cacheable(std::string_view method, std::string_view path) {
  if (method != "GET" && method != "HEAD") return false;
  for (std::string_view prefix : {"/api/v1/annex/", "/api/v1/assessments/", "/api/v1/consistency/",
                                  "/api/v1/sensitivity/", "/api/v1/cases/"}) {
    if (StartsWith(path, prefix)) return true;
  }
  return path == "/api/v1/dashboard" ||
         (StartsWith(path, "/api/v1/parties/") && EndsWith(path, "/dossier"));
}

std::optional<std::string> ResponseCache::KeyFor(const Request& req, const std::string& principal) {
  if (!Cacheable(req.method, req.path)) return std::nullopt;
  std::unique_ptr<Store> store;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stores_.empty()) {
      store = std::move(stores_.back());
      stores_.pop_back();
    }
  }
  if (store == nullptr) {
    Result<std::unique_ptr<Store>> opened =
        OpenStore(db_, StoreOptions{.create_if_missing = false});
    if (!opened.ok()) return std::nullopt;
    store = std::move(opened).value();
  }
  Result<int64_t> version = store->DataVersion();
  Result<std::optional<UserRecord>> user = store->GetUser(principal);
  const bool usable = version.ok() && user.ok() && user->has_value();
  if (version.ok() && user.ok()) {
    // A store that answered is healthy enough to reuse.
    std::lock_guard<std::mutex> lock(mu_);
    if (stores_.size() < kMaxIdleStores) stores_.push_back(std::move(store));
  }
  if (!usable) return std::nullopt;
  std::string key = std::to_string(*version);
  key.push_back('\n');
  const UserRecord& u = **user;
  std::string who;
  AppendField(u.name, &who);
  AppendField(u.password_hash, &who);
  for (const std::string& r : u.roles) AppendField(r, &who);
  who.push_back('|');
  for (const std::string& s : u.situations) AppendField(s, &who);
  who.push_back(u.disabled ? 'd' : 'e');
  key += Blake2bHex(who);
  key.push_back('\n');
  AppendField(req.path, &key);
  for (const auto& [name, value] : req.query) {
    AppendField(name, &key);
    AppendField(value, &key);
  }
  return key;
}

std::optional<Response> ResponseCache::Find(const std::string& key) {
  std::shared_ptr<const Response> hit;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    hit = it->second;
  }
  return *hit;
}

void ResponseCache::Put(const std::string& key, Response& response) {
  if (response.status != 200) return;
  const bool has_etag = std::any_of(response.headers.begin(), response.headers.end(),
                                    [](const auto& h) { return h.first == "ETag"; });
  if (!has_etag) response.headers.emplace_back("ETag", EtagOf(response.body));
  const size_t size = response.body.size() + key.size();
  if (size > max_bytes_) return;
  auto entry = std::make_shared<const Response>(response);
  std::lock_guard<std::mutex> lock(mu_);
  if (bytes_ + size > max_bytes_) {
    entries_.clear();
    bytes_ = 0;
  }
  auto [it, inserted] = entries_.emplace(key, std::move(entry));
  if (inserted) bytes_ += size;
}

}  // namespace mara::api
