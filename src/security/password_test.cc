#include "security/password.h"

#include <gtest/gtest.h>

namespace mara::security {
namespace {

const PasswordLimits kFast = PasswordLimits::ForTests();

TEST(PasswordTest, HashesWithArgon2idAndVerifies) {
  auto hash = HashPassword("correct horse battery staple", kFast);
  ASSERT_TRUE(hash.ok()) << hash.status().ToString();
  EXPECT_TRUE(hash->starts_with("$argon2id$")) << *hash;
  EXPECT_EQ(hash->find("correct horse"), std::string::npos);
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse battery staple").ok());
  Status wrong = VerifyPassword(*hash, "correct horse battery stapler");
  EXPECT_EQ(wrong.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(wrong.message().find("stapler"), std::string::npos);
  EXPECT_EQ(wrong.message().find(*hash), std::string::npos);
}

TEST(PasswordTest, SaltsMakeEveryHashDifferent) {
  auto a = HashPassword("same", kFast);
  auto b = HashPassword("same", kFast);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(VerifyPassword(*b, "same").ok());
}

TEST(PasswordTest, RefusesEmptyAndOverlongPasswords) {
  EXPECT_EQ(HashPassword("", kFast).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(HashPassword(std::string(kMaxPasswordBytes + 1, 'a'), kFast).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(HashPassword(std::string(kMaxPasswordBytes, 'a'), kFast).ok());
  EXPECT_EQ(HashPassword("x", {0, 0}).status().code(), StatusCode::kInvalidArgument);
}

TEST(PasswordTest, AStoredHashThatIsNotArgon2idIsCorruption) {
  for (const std::string& stored :
       {std::string(""), std::string("plaintext"), std::string("$argon2i$v=19$m=8,t=1,p=1$x$y"),
        std::string("$argon2id$") + std::string(200, 'a')}) {
    EXPECT_EQ(VerifyPassword(stored, "x").code(), StatusCode::kCorruption) << stored;
    EXPECT_TRUE(NeedsRehash(stored, kFast));
  }
}

TEST(PasswordTest, NeedsRehashWhenTheLimitsChange) {
  auto hash = HashPassword("pw", kFast);
  ASSERT_TRUE(hash.ok());
  EXPECT_FALSE(NeedsRehash(*hash, kFast));
  EXPECT_TRUE(NeedsRehash(*hash, PasswordLimits::Interactive()));
  EXPECT_TRUE(NeedsRehash(*hash, {kFast.ops + 1, kFast.memory}));
}

TEST(PasswordTest, InteractiveLimitsAreTheDefault) {
  const PasswordLimits interactive = PasswordLimits::Interactive();
  EXPECT_GE(interactive.memory, 64u * 1024 * 1024);
  auto hash = HashPassword("pw");
  ASSERT_TRUE(hash.ok()) << hash.status().ToString();
  EXPECT_FALSE(NeedsRehash(*hash));
  EXPECT_TRUE(VerifyPassword(*hash, "pw").ok());
}

}  // namespace
}  // namespace mara::security
