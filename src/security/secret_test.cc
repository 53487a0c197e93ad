#include "security/secret.h"

#include <gtest/gtest.h>

#include "security/clock.h"
#include "security/encoding.h"
#include "security/random.h"

namespace mara::security {
namespace {

TEST(SecretBytesTest, CopyCloneAndConstantTimeEquals) {
  const uint8_t raw[] = {1, 2, 3, 4};
  SecretBytes a = SecretBytes::CopyOf(raw);
  ASSERT_EQ(a.size(), 4u);
  SecretBytes b = a.Clone();
  EXPECT_TRUE(a.Equals(b));
  b.data()[3] = 9;
  EXPECT_FALSE(a.Equals(b));
  EXPECT_FALSE(a.Equals(SecretBytes(3)));
}

TEST(SecretBytesTest, MovingLeavesTheSourceEmpty) {
  SecretBytes a(32);
  a.data()[0] = 7;
  SecretBytes b = std::move(a);
  EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move): the contract under test
  EXPECT_EQ(a.data(), nullptr);
  EXPECT_EQ(b.data()[0], 7);
  SecretBytes c(8);
  c = std::move(b);
  EXPECT_EQ(c.size(), 32u);
  EXPECT_EQ(c.data()[0], 7);
}

TEST(EncodingTest, Base64AndHexRoundTripAndAreStrict) {
  const std::vector<uint8_t> bytes = {0x00, 0xff, 0x10, 0x80, 0x7f};
  EXPECT_EQ(ToHex(bytes), "00ff10807f");
  EXPECT_EQ(ToBase64(bytes), "AP8QgH8=");
  EXPECT_EQ(*FromBase64("AP8QgH8=", "x"), bytes);
  EXPECT_EQ(*FromHex("00ff10807f", "x"), bytes);
  EXPECT_FALSE(FromHex("00FF10807F", "x").ok());
  EXPECT_FALSE(FromHex("abc", "x").ok());
  EXPECT_FALSE(FromBase64("AP8QgH8", "x").ok());    // no padding
  EXPECT_FALSE(FromBase64("AP8Q gH8=", "x").ok());  // white space
  EXPECT_FALSE(FromBase64("AP8QgH8=x", "x").ok());  // trailing garbage
  auto bad = FromBase64("!!!!", "data-key");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("data-key"), std::string::npos);
  EXPECT_EQ(bad.status().message().find("!!!!"), std::string::npos);
}

TEST(EncodingTest, SecretDecodersCheckTheSizeWithoutEchoingTheValue) {
  auto ok = SecretFromHex(std::string(64, 'a'), 32, "k");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->data()[0], 0xaa);
  auto short_key = SecretFromBase64("AP8QgH8=", 32, "k");
  EXPECT_EQ(short_key.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(short_key.status().message().find("AP8QgH8"), std::string::npos);
}

TEST(ClockTest, FixedClockStepsAndFormatsUtc) {
  FixedClock clock(1'700'000'000'250, 10);
  EXPECT_EQ(clock.NowMillis(), 1'700'000'000'250);
  EXPECT_EQ(clock.NowMillis(), 1'700'000'000'260);
  EXPECT_EQ(FormatMillisUtc(1'700'000'000'250), "2023-11-14T22:13:20.250Z");
  EXPECT_EQ(FormatMillisUtc(0), "1970-01-01T00:00:00.000Z");
  EXPECT_GT(SystemClock().NowMillis(), 1'700'000'000'000);
}

TEST(RandomTest, SeededRandomIsRepeatableAndAdvances) {
  SeededRandom a(42), b(42), c(43);
  std::array<uint8_t, 24> x{}, y{}, z{}, x2{};
  a.Fill(x);
  b.Fill(y);
  c.Fill(z);
  a.Fill(x2);
  EXPECT_EQ(x, y);
  EXPECT_NE(x, z);
  EXPECT_NE(x, x2);
  std::array<uint8_t, 24> s1{}, s2{};
  DefaultRandom().Fill(s1);
  DefaultRandom().Fill(s2);
  EXPECT_NE(s1, s2);
}

}  // namespace
}  // namespace mara::security
