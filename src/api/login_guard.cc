#include "api/login_guard.h"

#include <arpa/inet.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "common/text.h"
#include "security/random.h"

namespace mara::api {
namespace {

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string AddressText(const IpAddress& a) {
  char text[INET6_ADDRSTRLEN] = "";
  if (a.v4) {
    ::inet_ntop(AF_INET, a.bytes.data() + 12, text, sizeof text);
  } else {
    ::inet_ntop(AF_INET6, a.bytes.data(), text, sizeof text);
  }
  return text;
}

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// "host:80" for http and "host:443" for https name the default port.
std::string WithoutDefaultPort(std::string hostport, std::string_view scheme) {
  const std::string_view port = scheme == "https" ? ":443" : ":80";
  if (hostport.size() > port.size() && hostport.ends_with(port)) {
    hostport.resize(hostport.size() - port.size());
  }
  return hostport;
}

}  // namespace

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string s(text);
  IpAddress a;
  in_addr v4{};
  if (::inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    a.bytes[10] = 0xff;
    a.bytes[11] = 0xff;
    std::memcpy(a.bytes.data() + 12, &v4, 4);
    a.v4 = true;
    return a;
  }
  in6_addr v6{};
  if (::inet_pton(AF_INET6, s.c_str(), &v6) != 1) return std::nullopt;
  std::memcpy(a.bytes.data(), &v6, 16);
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  a.v4 = std::memcmp(a.bytes.data(), kMapped, 12) == 0;
  return a;
}

Result<TrustedProxies> TrustedProxies::Parse(const std::vector<std::string>& cidrs) {
  TrustedProxies out;
  for (const std::string& text : cidrs) {
    auto refuse = [&text](std::string_view why) {
      return Status::InvalidArgument("trusted proxy " + QuoteForMessage(text) + ": " +
                                     std::string(why) +
                                     " (expected an IPv4 or IPv6 address or CIDR, such as "
                                     "10.0.0.0/8, 127.0.0.1 or fd00::/8)");
    };
    const size_t slash = text.find('/');
    std::optional<IpAddress> base = ParseIpAddress(std::string_view(text).substr(0, slash));
    if (!base) return refuse("not an IP address");
    const int max = base->v4 ? 32 : 128;
    int length = max;
    if (slash != std::string::npos) {
      const std::string_view digits = std::string_view(text).substr(slash + 1);
      if (digits.empty() || digits.size() > 3 ||
          !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return refuse("the prefix length is not a number");
      }
      length = std::stoi(std::string(digits));
      if (length > max) {
        return refuse(base->v4 ? "the prefix length of an IPv4 network is 0 to 32"
                               : "the prefix length of an IPv6 network is 0 to 128");
      }
    }
    Net net{*base, base->v4 ? 96 + length : length};
    for (int bit = net.prefix; bit < 128; ++bit) {
      net.base.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
    }
    out.nets_.push_back(net);
  }
  return out;
}

bool TrustedProxies::Contains(const IpAddress& address) const {
  for (const Net& net : nets_) {
    bool inside = true;
    for (int bit = 0; bit < net.prefix && inside; ++bit) {
      const uint8_t mask = static_cast<uint8_t>(0x80u >> (bit % 8));
      inside = (address.bytes[bit / 8] & mask) == (net.base.bytes[bit / 8] & mask);
    }
    if (inside) return true;
  }
  return false;
}

std::string ClientAddress(const std::string& peer, std::string_view forwarded_for,
                          const TrustedProxies& proxies) {
  std::optional<IpAddress> hop = ParseIpAddress(peer);
  if (!hop) return peer;
  std::string client = AddressText(*hop);
  while (proxies.Contains(*hop)) {
    // The hop is a trusted proxy: the entry it appended names its client.
    if (forwarded_for.empty()) return client;
    const size_t comma = forwarded_for.rfind(',');
    const std::string_view entry = TrimSpaces(
        comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
    forwarded_for =
        comma == std::string_view::npos ? std::string_view() : forwarded_for.substr(0, comma);
    std::optional<IpAddress> next = ParseIpAddress(entry);
    if (!next) return client;
    hop = next;
    client = AddressText(*hop);
  }
  return client;
}

std::string LimiterAddress(const std::string& address) {
  std::optional<IpAddress> a = ParseIpAddress(address);
  if (!a) return address;
  if (a->v4) return AddressText(*a);
  std::fill(a->bytes.begin() + 8, a->bytes.end(), 0);
  return AddressText(*a) + "/64";
}

bool SameOrigin(std::string_view origin, std::string_view scheme, std::string_view host) {
  const std::string o = LowerAscii(TrimSpaces(origin));
  const std::string s = LowerAscii(scheme);
  const std::string prefix = s + "://";
  if (host.empty() || !o.starts_with(prefix)) return false;
  return WithoutDefaultPort(o.substr(prefix.size()), s) ==
         WithoutDefaultPort(LowerAscii(TrimSpaces(host)), s);
}

size_t LoginLimiter::KeyHash::operator()(const Key& k) const {
  size_t h;
  std::memcpy(&h, k.data(), sizeof h);
  return h;
}

LoginLimiter::LoginLimiter(LoginLimits limits) : limits_(limits) {
  security::SystemRandom random;
  random.Fill(secret_);
}

LoginLimiter::Key LoginLimiter::KeyOf(char kind, std::string_view text) const {
  crypto_generichash_state state;
  crypto_generichash_init(&state, secret_.data(), secret_.size(), 16);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(&kind), 1);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(text.data()),
                            text.size());
  Key key;
  crypto_generichash_final(&state, key.data(), key.size());
  return key;
}

void LoginLimiter::Prune(Window& w, Clock::time_point now) const {
  auto live = std::find_if(w.times.begin(), w.times.end(),
                           [&](Clock::time_point t) { return t + limits_.window > now; });
  w.times.erase(w.times.begin(), live);
}

int64_t LoginLimiter::Wait(Table& table, const Key& key, int limit, Clock::time_point now,
                           bool* first_refusal) {
  auto it = table.find(key);
  if (it == table.end()) return 0;
  Prune(it->second, now);
  const auto& times = it->second.times;
  if (limit <= 0 || static_cast<int>(times.size()) < limit) {
    it->second.refused = false;
    return 0;
  }
  if (!it->second.refused) {
    it->second.refused = true;
    if (first_refusal != nullptr) *first_refusal = true;
  }
  const auto wait = std::chrono::duration_cast<std::chrono::seconds>(times[times.size() - limit] +
                                                                     limits_.window - now);
  return std::max<int64_t>(1, wait.count());
}

void LoginLimiter::MakeRoom(Table& table, Clock::time_point now) {
  if (table.size() < limits_.max_entries) return;
  for (auto it = table.begin(); it != table.end();) {
    Prune(it->second, now);
    it = it->second.times.empty() ? table.erase(it) : std::next(it);
  }
  while (table.size() >= limits_.max_entries && !table.empty()) {
    auto oldest = std::min_element(table.begin(), table.end(), [](const auto& a, const auto& b) {
      return a.second.used < b.second.used;
    });
    table.erase(oldest);
  }
}

bool LoginLimiter::Count(Table& table, const Key& key, int limit, Clock::time_point now) {
  if (table.find(key) == table.end()) MakeRoom(table, now);
  Window& w = table[key];
  Prune(w, now);
  w.used = now;
  if (static_cast<int>(w.times.size()) >= std::max(limit, 1)) return false;
  w.times.push_back(now);
  return true;
}

void LoginLimiter::Release(Table& table, const Key& key, Clock::time_point at) {
  auto it = table.find(key);
  if (it == table.end()) return;
  auto& times = it->second.times;
  auto found = std::find(times.rbegin(), times.rend(), at);
  if (found != times.rend()) times.erase(std::next(found).base());
  if (times.empty()) table.erase(it);
}

std::variant<LoginLimiter::Attempt, int64_t> LoginLimiter::Begin(std::string_view name,
                                                                 std::string_view address,
                                                                 Clock::time_point now,
                                                                 bool* first_refusal) {
  if (first_refusal != nullptr) *first_refusal = false;
  Attempt a;
  a.name = KeyOf('n', name);
  a.address = KeyOf('a', address);
  {
    // The pair's key digests the two digests, so its input is bounded too.
    std::string both(reinterpret_cast<const char*>(a.name.data()), a.name.size());
    both.append(reinterpret_cast<const char*>(a.address.data()), a.address.size());
    a.pair = KeyOf('p', both);
  }
  a.at = now;
  std::lock_guard<std::mutex> lock(mu_);
  bool known = false;
  if (auto it = known_.find(a.pair); it != known_.end()) {
    known = it->second + limits_.known_for > now;
    if (!known) known_.erase(it);
  }
  int64_t wait = Wait(pairs_, a.pair, limits_.per_name_address, now, first_refusal);
  if (!known) {
    wait = std::max(wait, Wait(addresses_, a.address, limits_.per_address, now, first_refusal));
    wait = std::max(wait, Wait(names_, a.name, limits_.per_name, now, first_refusal));
  }
  if (wait > 0) return wait;
  Count(pairs_, a.pair, limits_.per_name_address, now);
  a.in_address = Count(addresses_, a.address, limits_.per_address, now);
  a.in_name = Count(names_, a.name, limits_.per_name, now);
  return a;
}

void LoginLimiter::Succeeded(const Attempt& attempt, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  pairs_.erase(attempt.pair);
  if (attempt.in_address) Release(addresses_, attempt.address, attempt.at);
  if (attempt.in_name) Release(names_, attempt.name, attempt.at);
  if (known_.find(attempt.pair) == known_.end() && known_.size() >= limits_.max_entries) {
    for (auto it = known_.begin(); it != known_.end();) {
      it = it->second + limits_.known_for <= now ? known_.erase(it) : std::next(it);
    }
    while (known_.size() >= limits_.max_entries && !known_.empty()) {
      known_.erase(std::min_element(known_.begin(), known_.end(), [](const auto& a, const auto& b) {
        return a.second < b.second;
      }));
    }
  }
  known_[attempt.pair] = now;
}

void LoginLimiter::Abandoned(const Attempt& attempt) {
  std::lock_guard<std::mutex> lock(mu_);
  Release(pairs_, attempt.pair, attempt.at);
  if (attempt.in_address) Release(addresses_, attempt.address, attempt.at);
  if (attempt.in_name) Release(names_, attempt.name, attempt.at);
}

size_t LoginLimiter::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pairs_.size() + addresses_.size() + names_.size() + known_.size();
}

size_t LoginLimiter::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t total = known_.size() * (sizeof(Key) + sizeof(Clock::time_point));
  for (const Table* table : {&pairs_, &addresses_, &names_}) {
    for (const auto& [key, w] : *table) {
      total += sizeof key + sizeof w + w.times.capacity() * sizeof(Clock::time_point);
    }
  }
  return total;
}

bool CheckSlots::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  if (!cv_.wait_for(lock, wait_, [this] { return free_ > 0; })) return false;
  --free_;
  return true;
}

void CheckSlots::Release() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++free_;
  }
  cv_.notify_one();
}

}  // namespace mara::api
