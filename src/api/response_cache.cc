#include "api/response_cache.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "api/language.h"
#include "api/resources.h"
#include "common/text.h"
#include "i18n/messages.h"

namespace mara::api {
namespace {

// Principal digests kept at most (they are dropped together).
constexpr size_t kMaxPrincipals = 4096;

void AppendField(std::string_view field, std::string* out) {
  out->append(std::to_string(field.size()));
  out->push_back(':');
  out->append(field);
}

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

bool ResponseCache::Cacheable(std::string_view method, std::string_view path) {
  if (method != "GET" && method != "HEAD") return false;
  for (std::string_view prefix : {"/api/v1/annex/", "/api/v1/assessments/", "/api/v1/consistency/",
                                  "/api/v1/sensitivity/", "/api/v1/cases/"}) {
    if (path.starts_with(prefix)) return true;
  }
  return path == "/api/v1/dashboard" ||
         (path.starts_with("/api/v1/parties/") && path.ends_with("/dossier"));
}

void ResponseCache::ReadStore(
    const std::set<std::string>& principals, Result<int64_t>* version,
    std::map<std::string, Result<std::optional<PrincipalFreshness>>>* digests) {
  reader_.Read(principals, version, digests);
}

void ResponseCache::Probe(std::unique_lock<std::mutex>& lock, const std::string& principal) {
  probing_ = true;
  probe_began_ = NowNs();
  probing_for_.swap(pending_);
  pending_.clear();
  if (!principal.empty()) probing_for_.insert(principal);
  const int64_t began = probe_began_;
  const std::set<std::string> principals = probing_for_;
  lock.unlock();
  Result<int64_t> version = Status::IOError("the store was not read");
  std::map<std::string, Result<std::optional<PrincipalFreshness>>> digests;
  ReadStore(principals, &version, &digests);
  std::string publications = reader_.publications();
  lock.lock();
  version_ = std::move(version);
  publications_ = std::move(publications);
  version_read_at_ = began;
  if (principals_.size() + digests.size() > kMaxPrincipals) principals_.clear();
  for (auto& [name, digest] : digests) principals_[name] = {began, std::move(digest)};
  probing_ = false;
  probing_for_.clear();
  probe_cv_.notify_all();
}

Result<ResponseCache::Reading> ResponseCache::Read(const std::string& principal) {
  const int64_t now = NowNs();
  const int64_t staleness =
      std::chrono::duration_cast<std::chrono::nanoseconds>(staleness_).count();
  std::unique_lock<std::mutex> lock(probe_mu_);
  // Reads that began before `oldest` are too old for this request.
  const int64_t oldest = std::max(now - staleness, invalidated_at_);
  while (true) {
    if (principal.empty()) {
      // The version alone: the last read serves when it began late enough.
      if (version_read_at_ >= oldest) {
        if (!version_.ok()) return version_.status();
        return Reading{*version_, publications_, std::nullopt};
      }
      if (!probing_) {
        Probe(lock, principal);
        continue;
      }
      probe_cv_.wait(lock);
      continue;
    }
    auto it = principals_.find(principal);
    const bool fresh =
        version_read_at_ >= oldest && it != principals_.end() && it->second.read_at >= oldest;
    if (fresh) {
      // Refresh ahead, so that the requests after this one need not wait.
      const int64_t ahead = now - staleness / 4;
      if (staleness > 0 && !probing_ && (version_read_at_ < ahead || it->second.read_at < ahead)) {
        Probe(lock, principal);
        it = principals_.find(principal);
        if (it == principals_.end()) continue;
      }
      if (!version_.ok()) return version_.status();
      if (!it->second.digest.ok()) return it->second.digest.status();
      return Reading{*version_, publications_, *it->second.digest};
    }
    if (!probing_) {
      Probe(lock, principal);
      continue;
    }
    // The running read serves this request if it began late enough and
    // reads this principal; otherwise the next one does.
    if (probe_began_ < oldest || probing_for_.count(principal) == 0) pending_.insert(principal);
    probe_cv_.wait(lock);
  }
}

void ResponseCache::Invalidate() {
  std::lock_guard<std::mutex> lock(probe_mu_);
  invalidated_at_ = NowNs();
}

Result<int64_t> ResponseCache::DataVersion() {
  MARA_ASSIGN_OR_RETURN(Reading read, Read(""));
  return read.version;
}

Result<std::optional<std::string>> ResponseCache::PrincipalDigest(const std::string& principal) {
  MARA_ASSIGN_OR_RETURN(Reading read, Read(principal));
  if (!read.principal) return std::optional<std::string>();
  return std::optional<std::string>(read.principal->digest);
}

std::string ResponseCache::PrincipalLanguage(const std::string& principal) {
  Result<Reading> read = Read(principal);
  if (!read.ok() || !read->principal) return "";
  return read->principal->language;
}

std::optional<ResponseCache::Key> ResponseCache::KeyFor(const Request& req,
                                                        const std::string& principal) {
  if (req.spec == nullptr || !Cacheable(req.method, req.path)) return std::nullopt;
  Result<Reading> read = Read(principal);
  if (!read.ok() || !read->principal.has_value()) return std::nullopt;
  Key key;
  std::string& entry = key.entry;
  entry = std::to_string(read->version);
  entry.push_back('\n');
  entry += read->publications;
  entry.push_back('\n');
  if (req.spec->same_for_readers) {
    // A digest is hexadecimal: "*" names no principal's entry.
    entry.push_back('*');
    AppendField(req.spec->method, &key.admission);
    AppendField(req.spec->pattern, &key.admission);
    key.admission += read->principal->digest;
  } else {
    entry += read->principal->digest;
  }
  key.saved_language = read->principal->language;
  entry.push_back('\n');
  AppendField(req.path, &entry);
  // Declared parameters only, in the route's order: "?x=1" or a reordered
  // query names the same entry as the plain request.
  for (const QueryParam& param : req.spec->query) {
    std::optional<std::string> value = req.Query(param.name);
    if (!value) continue;
    AppendField(param.name, &entry);
    AppendField(*value, &entry);
  }
  if (req.spec->varies_by_language) {
    AppendField("language", &entry);
    AppendField(i18n::LanguageCode(AnswerLanguage(req, key.saved_language)), &entry);
  }
  return key;
}

std::optional<Response> ResponseCache::Find(Key& key) {
  std::shared_ptr<const Response> hit;
  {
    std::unique_lock<std::mutex> lock(mu_);
    const bool admitted = key.admission.empty() || admitted_.count(key.admission) > 0;
    // An answer is waited for this long at most; then the caller answers
    // the request itself.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (true) {
      auto it = entries_.find(key.entry);
      if (it != entries_.end() && admitted) {
        hit = it->second;
        break;
      }
      if (admitted && flying_.count(key.entry) > 0 &&
          landed_.wait_until(lock, deadline) != std::cv_status::timeout) {
        continue;
      }
      if (flying_.insert(key.entry).second) key.flying = true;
      misses_.fetch_add(1, std::memory_order_relaxed);
      return std::nullopt;
    }
  }
  hits_.fetch_add(1, std::memory_order_relaxed);
  return *hit;  // the headers; the body stays shared
}

void ResponseCache::Land(Key& key) {
  if (!key.flying) return;
  key.flying = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    flying_.erase(key.entry);
  }
  landed_.notify_all();
}

void ResponseCache::Put(const Key& key, Response& response) {
  if (response.status != 200) return;
  const bool has_etag = std::any_of(response.headers.begin(), response.headers.end(),
                                    [](const auto& h) { return h.first == "ETag"; });
  if (!has_etag) response.headers.emplace_back("ETag", EtagOf(response.Body()));
  const size_t size = response.Body().size() + key.entry.size();
  if (size > max_bytes_) return;
  auto entry = std::make_shared<Response>();
  entry->status = response.status;
  entry->content_type = response.content_type;
  entry->headers = response.headers;
  if (response.shared_body == nullptr) {
    response.shared_body = std::make_shared<const std::string>(std::move(response.body));
    response.body.clear();
  }
  entry->shared_body = response.shared_body;
  std::lock_guard<std::mutex> lock(mu_);
  if (bytes_ + size > max_bytes_) {
    entries_.clear();
    bytes_ = 0;
  }
  if (!key.admission.empty()) {
    if (admitted_.size() >= kMaxPrincipals) admitted_.clear();
    admitted_.insert(key.admission);
  }
  auto [it, inserted] =
      entries_.emplace(key.entry, std::shared_ptr<const Response>(std::move(entry)));
  if (inserted) bytes_ += size;
}

}  // namespace mara::api
