#include "security/signature.h"

#include <gtest/gtest.h>

#include "common/text.h"

namespace mara::security {
namespace {

class SignatureTest : public ::testing::Test {
 protected:
  SeededRandom random_{21};
  SigningKey key_ = SigningKey::Generate(random_);
  const std::string report_ = "<html><body>Annex I: parties listed in 2025</body></html>\n";
  const SignatureMetadata meta_ = {{"data-digest", std::string(64, 'd')},
                                   {"policy-digest", std::string(64, 'p')},
                                   {"report", "annex.html"}};
};

TEST_F(SignatureTest, SignsAndVerifiesWithMetadata) {
  auto text = SignDetached(report_, meta_, key_);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_TRUE(text->starts_with("mara-signature/1\nkey-id: " + key_.id() + "\n")) << *text;
  EXPECT_NE(text->find("content-blake2b-256: " + Blake2bHex(report_)), std::string::npos);
  EXPECT_NE(text->find("\ndata-digest: " + std::string(64, 'd') + "\n"), std::string::npos);
  auto info = VerifyDetached(report_, *text, key_.public_key());
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->key_id, key_.id());
  EXPECT_EQ(info->content_digest, Blake2bHex(report_));
  EXPECT_EQ(info->metadata, meta_);
}

TEST_F(SignatureTest, AnEmptyFileAndNoMetadataAreFine) {
  auto text = SignDetached("", {}, key_);
  ASSERT_TRUE(text.ok());
  auto info = VerifyDetached("", *text, key_.public_key());
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_TRUE(info->metadata.empty());
  EXPECT_EQ(VerifyDetached("x", *text, key_.public_key()).status().code(), StatusCode::kCorruption);
}

TEST_F(SignatureTest, AChangedFileFails) {
  auto text = SignDetached(report_, meta_, key_);
  ASSERT_TRUE(text.ok());
  for (size_t i = 0; i < report_.size(); i += 7) {
    std::string changed = report_;
    changed[i] ^= 0x01;
    auto r = VerifyDetached(changed, *text, key_.public_key());
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
    EXPECT_NE(r.status().message().find("changed after signing"), std::string::npos);
  }
  EXPECT_EQ(VerifyDetached(report_ + " ", *text, key_.public_key()).status().code(),
            StatusCode::kCorruption);
}

TEST_F(SignatureTest, AChangedSignatureFileFails) {
  auto text = SignDetached(report_, meta_, key_);
  ASSERT_TRUE(text.ok());
  // Flip every byte of the signature file in turn, except the final newline.
  for (size_t i = 0; i + 1 < text->size(); ++i) {
    std::string changed = *text;
    changed[i] ^= 0x01;
    EXPECT_FALSE(VerifyDetached(report_, changed, key_.public_key()).ok()) << "byte " << i;
  }
  std::string relabelled = *text;
  const size_t at = relabelled.find(std::string(64, 'p'));
  relabelled.replace(at, 64, std::string(64, 'q'));
  auto r = VerifyDetached(report_, relabelled, key_.public_key());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("does not verify"), std::string::npos);
  EXPECT_EQ(
      VerifyDetached(report_, text->substr(0, text->size() / 2), key_.public_key()).status().code(),
      StatusCode::kCorruption);
  EXPECT_EQ(VerifyDetached(report_, *text + "extra: line\n", key_.public_key()).status().code(),
            StatusCode::kCorruption);
  EXPECT_EQ(VerifyDetached(report_, "", key_.public_key()).status().code(),
            StatusCode::kCorruption);
}

TEST_F(SignatureTest, ASignatureByAnotherKeyFails) {
  SigningKey other = SigningKey::Generate(random_);
  auto text = SignDetached(report_, meta_, other);
  ASSERT_TRUE(text.ok());
  auto r = VerifyDetached(report_, *text, key_.public_key());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("not with the trusted key"), std::string::npos);
  // Claiming the trusted key's id does not help.
  std::string claimed = *text;
  claimed.replace(claimed.find(other.id()), other.id().size(), key_.id());
  r = VerifyDetached(report_, claimed, key_.public_key());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("does not verify"), std::string::npos);
}

TEST_F(SignatureTest, MetadataMustBeWellFormed) {
  const SignatureMetadata bad[] = {
      {{"signature", "x"}},
      {{"key-id", "x"}},
      {{"Data", "x"}},
      {{"", "x"}},
      {{"-x", "x"}},
      {{"note", "two\nlines"}},
      {{"note", std::string(1025, 'v')}},
      {{"note", "\xff"}},
  };
  for (const SignatureMetadata& m : bad) {
    EXPECT_EQ(SignDetached(report_, m, key_).status().code(), StatusCode::kInvalidArgument)
        << m.begin()->first;
  }
  EXPECT_TRUE(SignDetached(report_, {{"note", "Ville-Évêque: ok"}}, key_).ok());
}

}  // namespace
}  // namespace mara::security
