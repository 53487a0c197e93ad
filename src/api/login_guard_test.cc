// The pieces in front of a login (api/login_guard.h) without a network:
// trusted proxies and the client address, the same-origin rule, and the
// failed-login limiter's counting, exemptions and bounds.
#include "api/login_guard.h"

#include <gtest/gtest.h>

#include <string>
#include <variant>

namespace mara::api {
namespace {

using Clock = LoginLimiter::Clock;

TEST(TrustedProxiesTest, ParsesIpv4AndIpv6CidrsAndRefusesTheRest) {
  auto proxies = TrustedProxies::Parse({"10.0.0.0/8", "192.168.1.7", "::1", "fd00::/8"});
  ASSERT_TRUE(proxies.ok()) << proxies.status().ToString();
  for (const char* in : {"10.1.2.3", "192.168.1.7", "::1", "fd12:3456::1", "::ffff:10.9.9.9"}) {
    EXPECT_TRUE(proxies->Contains(*ParseIpAddress(in))) << in;
  }
  for (const char* out : {"11.0.0.1", "192.168.1.8", "::2", "fe80::1", "127.0.0.1"}) {
    EXPECT_FALSE(proxies->Contains(*ParseIpAddress(out))) << out;
  }
  for (const char* bad : {"10.0.0.0/33", "fd00::/129", "proxy.example", "10.0.0.0/", "10.0.0.0/x",
                          "10.0.0/8", "", "1.2.3.4/-1"}) {
    auto refused = TrustedProxies::Parse({bad});
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(refused.status().message().find("trusted proxy"), std::string::npos);
  }
  EXPECT_NE(TrustedProxies::Parse({"10.0.0.0/33"}).status().message().find("0 to 32"),
            std::string::npos);
}

TEST(TrustedProxiesTest, ClientAddressIsTheRightMostUntrustedHop) {
  auto proxies = TrustedProxies::Parse({"127.0.0.0/8", "10.0.0.0/8", "::1"});
  ASSERT_TRUE(proxies.ok());
  // Behind two proxies: the client's own claim on the left is ignored.
  EXPECT_EQ(ClientAddress("127.0.0.1", "198.51.100.9, 203.0.113.5, 10.0.0.2", *proxies),
            "203.0.113.5");
  EXPECT_EQ(ClientAddress("::1", "2001:db8::7", *proxies), "2001:db8::7");
  EXPECT_EQ(ClientAddress("::ffff:127.0.0.1", "203.0.113.5", *proxies), "203.0.113.5");
  // A peer that is not a trusted proxy is the client, whatever it claims.
  EXPECT_EQ(ClientAddress("198.51.100.1", "203.0.113.5", *proxies), "198.51.100.1");
  // No header, or only trusted hops: the furthest trusted hop.
  EXPECT_EQ(ClientAddress("127.0.0.1", "", *proxies), "127.0.0.1");
  EXPECT_EQ(ClientAddress("127.0.0.1", "10.0.0.3, 10.0.0.2", *proxies), "10.0.0.3");
  // An entry that is not an address stops at the proxy that passed it on.
  EXPECT_EQ(ClientAddress("127.0.0.1", "203.0.113.5, junk, 10.0.0.2", *proxies), "10.0.0.2");
  // Without trusted proxies the header means nothing.
  auto none = TrustedProxies::Parse({});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(ClientAddress("127.0.0.1", "203.0.113.5", *none), "127.0.0.1");
}

TEST(TrustedProxiesTest, LimiterAddressesAreIpv4OrAnIpv6Slash64) {
  EXPECT_EQ(LimiterAddress("192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(LimiterAddress("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
  EXPECT_EQ(LimiterAddress("2001:db8:1:2:ffff::9"), "2001:db8:1:2::/64");
  EXPECT_EQ(LimiterAddress("::ffff:192.0.2.1"), "192.0.2.1");
}

TEST(SameOriginTest, ComparesSchemeHostAndPort) {
  EXPECT_TRUE(SameOrigin("http://127.0.0.1:8080", "http", "127.0.0.1:8080"));
  EXPECT_TRUE(SameOrigin("https://Mara.Example", "https", "mara.example:443"));
  EXPECT_TRUE(SameOrigin("http://mara.example:80", "http", "mara.example"));
  EXPECT_FALSE(SameOrigin("https://127.0.0.1:8080", "http", "127.0.0.1:8080"));
  EXPECT_FALSE(SameOrigin("http://127.0.0.1:8081", "http", "127.0.0.1:8080"));
  EXPECT_FALSE(SameOrigin("http://evil.example", "http", "mara.example"));
  EXPECT_FALSE(SameOrigin("http://mara.example.evil.example", "http", "mara.example"));
  EXPECT_FALSE(SameOrigin("null", "http", "mara.example"));
  EXPECT_FALSE(SameOrigin("http://mara.example", "http", ""));
}

LoginLimits SmallLimits() {
  LoginLimits limits;
  limits.per_name_address = 3;
  limits.per_address = 5;
  limits.per_name = 5;
  limits.window = std::chrono::seconds(300);
  limits.max_entries = 100;
  return limits;
}

bool Refused(const std::variant<LoginLimiter::Attempt, int64_t>& v) {
  return std::holds_alternative<int64_t>(v);
}

TEST(LoginLimiterTest, AnAttemptCountsWhenItBegins) {
  LoginLimiter limiter(SmallLimits());
  const Clock::time_point now = Clock::now();
  // Three attempts still running: the fourth is refused before any check.
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(Refused(limiter.Begin("dana", "192.0.2.1", now)));
  auto fourth = limiter.Begin("dana", "192.0.2.1", now);
  ASSERT_TRUE(Refused(fourth));
  EXPECT_GE(std::get<int64_t>(fourth), 1);
  EXPECT_LE(std::get<int64_t>(fourth), 300);
  // Another address may still try the name; the window ends it.
  EXPECT_FALSE(Refused(limiter.Begin("dana", "192.0.2.2", now)));
  EXPECT_FALSE(Refused(limiter.Begin("dana", "192.0.2.1", now + std::chrono::seconds(301))));
}

TEST(LoginLimiterTest, ALockoutIsReportedOnceAWindow) {
  LoginLimiter limiter(SmallLimits());
  const Clock::time_point now = Clock::now();
  bool first = true;
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(Refused(limiter.Begin("dana", "192.0.2.1", now, &first)));
    EXPECT_FALSE(first);
  }
  ASSERT_TRUE(Refused(limiter.Begin("dana", "192.0.2.1", now, &first)));
  EXPECT_TRUE(first);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Refused(limiter.Begin("dana", "192.0.2.1", now, &first)));
    EXPECT_FALSE(first);
  }
  // Once the window has emptied and filled again, the next lockout is new.
  const Clock::time_point later = now + std::chrono::seconds(301);
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(Refused(limiter.Begin("dana", "192.0.2.1", later)));
  ASSERT_TRUE(Refused(limiter.Begin("dana", "192.0.2.1", later, &first)));
  EXPECT_TRUE(first);
}

TEST(LoginLimiterTest, AbandonedAttemptsAreReleasedAndSuccessClearsThePair) {
  LoginLimiter limiter(SmallLimits());
  const Clock::time_point now = Clock::now();
  for (int i = 0; i < 3; ++i) {
    auto a = limiter.Begin("dana", "192.0.2.1", now);
    ASSERT_FALSE(Refused(a));
    limiter.Abandoned(std::get<LoginLimiter::Attempt>(a));
  }
  EXPECT_EQ(limiter.entries(), 0u);
  for (int i = 0; i < 2; ++i) EXPECT_FALSE(Refused(limiter.Begin("dana", "192.0.2.1", now)));
  auto ok = limiter.Begin("dana", "192.0.2.1", now);
  ASSERT_FALSE(Refused(ok));
  limiter.Succeeded(std::get<LoginLimiter::Attempt>(ok), now);
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(Refused(limiter.Begin("dana", "192.0.2.1", now)));
  EXPECT_TRUE(Refused(limiter.Begin("dana", "192.0.2.1", now)));
}

TEST(LoginLimiterTest, AddressAndNameLimitsSpareKnownPairs) {
  LoginLimiter limiter(SmallLimits());
  const Clock::time_point now = Clock::now();
  // rita works from 192.0.2.1.
  auto rita = limiter.Begin("rita", "192.0.2.1", now);
  ASSERT_FALSE(Refused(rita));
  limiter.Succeeded(std::get<LoginLimiter::Attempt>(rita), now);
  // Someone at the same address sprays five names.
  for (const char* n : {"a", "b", "c", "d", "e"}) {
    EXPECT_FALSE(Refused(limiter.Begin(n, "192.0.2.1", now)));
  }
  EXPECT_TRUE(Refused(limiter.Begin("vera", "192.0.2.1", now)));   // the address is spent
  EXPECT_FALSE(Refused(limiter.Begin("rita", "192.0.2.1", now)));  // but rita is known there
  // Five addresses guess dana's password: a new address is refused, her
  // usual one is not.
  auto dana = limiter.Begin("dana", "198.51.100.1", now);
  ASSERT_FALSE(Refused(dana));
  limiter.Succeeded(std::get<LoginLimiter::Attempt>(dana), now);
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(Refused(limiter.Begin("dana", "203.0.113." + std::to_string(i), now)));
  }
  EXPECT_TRUE(Refused(limiter.Begin("dana", "203.0.113.99", now)));
  EXPECT_FALSE(Refused(limiter.Begin("dana", "198.51.100.1", now)));
}

TEST(LoginLimiterTest, KeysCostTheSameWhateverTheNameLength) {
  LoginLimiter limiter(SmallLimits());
  const std::string huge(1 << 20, 'n');
  ASSERT_FALSE(Refused(limiter.Begin(huge, "192.0.2.1", Clock::now())));
  EXPECT_EQ(limiter.entries(), 3u);
  EXPECT_LT(limiter.bytes(), 1024u);
}

TEST(LoginLimiterTest, TablesAreBounded) {
  LoginLimits limits = SmallLimits();
  limits.per_address = 1000000;
  limits.per_name = 1000000;
  LoginLimiter limiter(limits);
  const Clock::time_point now = Clock::now();
  for (int i = 0; i < 1000; ++i) {
    ASSERT_FALSE(
        Refused(limiter.Begin("name-" + std::to_string(i),
                              "10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256),
                              now + std::chrono::milliseconds(i))));
  }
  EXPECT_LE(limiter.entries(), 3 * limits.max_entries);
  // The most recent keys are the ones kept.
  for (int i = 0; i < 2; ++i) {
    EXPECT_FALSE(Refused(limiter.Begin("name-999", "10.0.3.231", now + std::chrono::seconds(1))));
  }
  EXPECT_TRUE(Refused(limiter.Begin("name-999", "10.0.3.231", now + std::chrono::seconds(1))));
}

TEST(CheckSlotsTest, ABusySlotTimesOut) {
  CheckSlots slots(1, std::chrono::milliseconds(20));
  ASSERT_TRUE(slots.Acquire());
  EXPECT_FALSE(slots.Acquire());
  slots.Release();
  EXPECT_TRUE(slots.Acquire());
  slots.Release();
}

}  // namespace
}  // namespace mara::api
