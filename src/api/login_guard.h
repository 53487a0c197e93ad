// What stands in front of a password check (POST /api/v1/session,
// docs/security.md §1a): the client's address behind trusted proxies, the
// same-origin rule, the failed-login limiter and the bound on concurrent
// password hashes. No I/O; server.cc wires them in.
//
// Contract:
// - TrustedProxies::Parse() takes IPv4 and IPv6 CIDRs ("10.0.0.0/8",
//   "::1/128"; a bare address is a /32 or /128) and refuses anything else
//   with kInvalidArgument naming the text. ClientAddress() is the TCP peer,
//   unless the peer is a trusted proxy: then it walks X-Forwarded-For from
//   the right and takes the first address that is not itself a trusted
//   proxy (the left-most when all are). An entry that is not an address
//   stops the walk at the proxy that passed it on.
// - LimiterAddress() is the part of an address the limiter counts: the
//   whole IPv4 address, the /64 of an IPv6 one (one site's allocation).
// - SameOrigin() compares an Origin header with "scheme://host" of the
//   request, case-insensitively, the scheme's default port ignored.
// - LoginLimiter counts an attempt when it begins (Begin() reserves it
//   under its lock, before any password hash), in three sliding windows:
//   per (name, address), per address and per name, each keyed by a keyed
//   BLAKE2b-128 of the name or address, never the text, so a key costs 16
//   bytes whatever its length. A (name, address) pair at its limit is
//   refused. An address or a name at its limit is refused too, except to a
//   pair that logged in successfully within `known_for` (so one person
//   cannot lock an office or a colleague out of where they usually work).
//   Begin() sets `*first_refusal` when it refuses and some window that
//   refuses had not refused since it last fell below its limit (so a
//   lockout is reported once per window, not once per refused attempt).
//   Succeeded() clears the pair's failures, releases the attempt from the
//   other windows and remembers the pair; Abandoned() releases an attempt
//   whose password was never checked. Every table holds at most
//   `max_entries`; past that, expired entries go, then the least recently
//   used.
// - CheckSlots bounds concurrent password checks: Acquire() waits up to
//   `wait` for one of `slots`.
// Thread-safe (LoginLimiter, CheckSlots); the others are pure.
#ifndef MARA_API_LOGIN_GUARD_H_
#define MARA_API_LOGIN_GUARD_H_

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "common/status.h"

namespace mara::api {

// An IPv4 address is held as its IPv4-mapped IPv6 form (::ffff:a.b.c.d).
struct IpAddress {
  std::array<uint8_t, 16> bytes{};
  bool v4 = false;
};

// "192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1" (taken as IPv4).
std::optional<IpAddress> ParseIpAddress(std::string_view text);

class TrustedProxies {
 public:
  static Result<TrustedProxies> Parse(const std::vector<std::string>& cidrs);
  bool Contains(const IpAddress& address) const;
  bool empty() const { return nets_.empty(); }

 private:
  struct Net {
    IpAddress base;
    int prefix = 0;  // over the 128 bits of the mapped form
  };
  std::vector<Net> nets_;
};

std::string ClientAddress(const std::string& peer, std::string_view forwarded_for,
                          const TrustedProxies& proxies);
std::string LimiterAddress(const std::string& address);
bool SameOrigin(std::string_view origin, std::string_view scheme, std::string_view host);

struct LoginLimits {
  int per_name_address = 5;  // failures of one name from one address
  int per_address = 20;      // failures from one address, any name
  int per_name = 20;         // failures of one name, any address
  std::chrono::seconds window{300};
  std::chrono::seconds known_for{30 * 86400};  // a pair that logged in is known this long
  size_t max_entries = 10000;                  // per table
};

class LoginLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  using Key = std::array<uint8_t, 16>;
  struct Attempt {
    Key pair{}, address{}, name{};
    Clock::time_point at;
    // A known pair's attempt is not added to a window already at its limit.
    bool in_address = false, in_name = false;
  };

  explicit LoginLimiter(LoginLimits limits);

  // The reserved attempt, or the seconds to wait (at least 1).
  std::variant<Attempt, int64_t> Begin(std::string_view name, std::string_view address,
                                       Clock::time_point now, bool* first_refusal = nullptr);
  void Succeeded(const Attempt& attempt, Clock::time_point now);
  void Abandoned(const Attempt& attempt);

  // Entries in all tables, and the bytes they hold (for tests).
  size_t entries() const;
  size_t bytes() const;

 private:
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  struct Window {
    std::vector<Clock::time_point> times;  // oldest first, at most the limit
    Clock::time_point used;
    bool refused = false;  // refused since it last fell below its limit
  };
  using Table = std::unordered_map<Key, Window, KeyHash>;

  Key KeyOf(char kind, std::string_view text) const;
  void Prune(Window& w, Clock::time_point now) const;
  // Sets `*first_refusal` when the window refuses for the first time since
  // it last fell below its limit.
  int64_t Wait(Table& table, const Key& key, int limit, Clock::time_point now,
               bool* first_refusal = nullptr);
  // Adds `now` unless the window is at its limit; whether it did.
  bool Count(Table& table, const Key& key, int limit, Clock::time_point now);
  void Release(Table& table, const Key& key, Clock::time_point at);
  void MakeRoom(Table& table, Clock::time_point now);

  const LoginLimits limits_;
  std::array<uint8_t, 32> secret_{};
  mutable std::mutex mu_;
  Table pairs_, addresses_, names_;
  std::unordered_map<Key, Clock::time_point, KeyHash> known_;  // pair -> last success
};

class CheckSlots {
 public:
  CheckSlots(int slots, std::chrono::milliseconds wait) : free_(slots), wait_(wait) {}
  bool Acquire();
  void Release();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int free_;
  const std::chrono::milliseconds wait_;
};

}  // namespace mara::api

#endif  // MARA_API_LOGIN_GUARD_H_
