#include "security/field_cipher.h"

#include <gtest/gtest.h>

#include "security/encoding.h"

namespace mara::security {
namespace {

constexpr FieldContext kNarrative{"incidents", "I-1", "narrative"};
const std::string kSentence = "She was taken from the market at Town X by three soldiers.";

class FieldCipherTest : public ::testing::Test {
 protected:
  SeededRandom key_random_{11};
  KeyMaterial keys_ = GenerateKeyMaterial(key_random_);
  SeededRandom nonce_random_{12};
  FieldCipher cipher_{keys_, nonce_random_};
};

TEST_F(FieldCipherTest, RoundTripsTextAndBytes) {
  const std::string binary("a\0b\xff\xfe", 5);
  for (const std::string& plain : {kSentence, std::string(), std::string("Ville-Évêque ☂"), binary,
                                   std::string(100000, 'x')}) {
    auto enc = cipher_.Encrypt(plain, kNarrative);
    ASSERT_TRUE(enc.ok()) << enc.status().ToString();
    auto dec = cipher_.Decrypt(*enc, kNarrative);
    ASSERT_TRUE(dec.ok()) << dec.status().ToString();
    EXPECT_EQ(*dec, plain);
  }
}

TEST_F(FieldCipherTest, OutputIsVersionedNamesTheKeyAndHidesThePlaintext) {
  auto enc = cipher_.Encrypt(kSentence, kNarrative);
  ASSERT_TRUE(enc.ok());
  const std::string prefix = "mara-enc1:" + keys_.current_data_key()->id() + ":";
  EXPECT_TRUE(enc->starts_with(prefix)) << *enc;
  EXPECT_TRUE(IsEncryptedField(*enc));
  EXPECT_EQ(FieldKeyId(*enc), keys_.current_data_key()->id());
  EXPECT_EQ(enc->find("market"), std::string::npos);
  // 24-byte nonce + plaintext + 16-byte tag.
  auto blob = FromBase64(enc->substr(prefix.size()), "blob");
  ASSERT_TRUE(blob.ok());
  EXPECT_EQ(blob->size(), 24 + kSentence.size() + 16);
  EXPECT_FALSE(IsEncryptedField(kSentence));
  EXPECT_EQ(FieldKeyId(kSentence), "");
}

TEST_F(FieldCipherTest, NoncesComeFromTheInjectedRandom) {
  SeededRandom r1(99), r2(99);
  FieldCipher a(keys_, r1), b(keys_, r2);
  auto e1 = a.Encrypt(kSentence, kNarrative);
  auto e2 = b.Encrypt(kSentence, kNarrative);
  ASSERT_TRUE(e1.ok() && e2.ok());
  EXPECT_EQ(*e1, *e2);  // same seed, same nonce: repeatable tests
  auto e3 = a.Encrypt(kSentence, kNarrative);
  ASSERT_TRUE(e3.ok());
  EXPECT_NE(*e1, *e3);  // a fresh nonce every call
}

TEST_F(FieldCipherTest, ACiphertextMovedElsewhereFailsToDecrypt) {
  auto enc = cipher_.Encrypt(kSentence, kNarrative);
  ASSERT_TRUE(enc.ok());
  const FieldContext elsewhere[] = {
      {"incidents", "I-2", "narrative"},
      {"incidents", "I-1", "location_note"},
      {"testimonies", "I-1", "narrative"},
      {"incidents", "I-", "1narrative"},  // length prefixes stop boundary shifts
  };
  for (const FieldContext& where : elsewhere) {
    auto dec = cipher_.Decrypt(*enc, where);
    EXPECT_EQ(dec.status().code(), StatusCode::kCorruption) << where.record_id << where.column;
    EXPECT_NE(
        dec.status().message().find(std::string(where.table) + "." + std::string(where.column)),
        std::string::npos);
    EXPECT_NE(dec.status().message().find("moved"), std::string::npos);
    EXPECT_EQ(dec.status().message().find("market"), std::string::npos);
  }
}

TEST_F(FieldCipherTest, EveryFlippedByteIsDetected) {
  auto enc = cipher_.Encrypt("short text", kNarrative);
  ASSERT_TRUE(enc.ok());
  const size_t payload = std::string_view(*enc).rfind(':') + 1;
  auto blob = FromBase64(enc->substr(payload), "blob");
  ASSERT_TRUE(blob.ok());
  for (size_t i = 0; i < blob->size(); ++i) {
    std::vector<uint8_t> bad = *blob;
    bad[i] ^= 0x01;
    const std::string tampered = enc->substr(0, payload) + ToBase64(bad);
    EXPECT_EQ(cipher_.Decrypt(tampered, kNarrative).status().code(), StatusCode::kCorruption)
        << "byte " << i;
  }
}

TEST_F(FieldCipherTest, MalformedFieldsAreCorruption) {
  auto enc = cipher_.Encrypt(kSentence, kNarrative);
  ASSERT_TRUE(enc.ok());
  const std::string id = keys_.current_data_key()->id();
  for (const std::string& bad :
       {kSentence, std::string("mara-enc1:nokeyid"), "mara-enc1:" + id + ":not base64!",
        "mara-enc1:" + id + ":AAAA", enc->substr(0, enc->size() - 8)}) {
    EXPECT_EQ(cipher_.Decrypt(bad, kNarrative).status().code(), StatusCode::kCorruption) << bad;
  }
}

TEST_F(FieldCipherTest, UnknownKeyIsNotFoundAndARelabelledKeyIdFails) {
  auto enc = cipher_.Encrypt(kSentence, kNarrative);
  ASSERT_TRUE(enc.ok());
  const std::string id = keys_.current_data_key()->id();
  std::string unknown = *enc;
  unknown.replace(10, id.size(), "0123456789abcdef");
  auto dec = cipher_.Decrypt(unknown, kNarrative);
  EXPECT_EQ(dec.status().code(), StatusCode::kNotFound);
  EXPECT_NE(dec.status().message().find("0123456789abcdef"), std::string::npos);

  // Relabel the ciphertext with another loaded key's id: the associated
  // data binds the id, so it fails even before the wrong key is tried.
  KeyMaterial two = keys_.Clone();
  const std::string other = RotateDataKey(two, key_random_).id();
  FieldCipher both(two, nonce_random_);
  std::string relabelled = *enc;
  relabelled.replace(10, id.size(), other);
  EXPECT_EQ(both.Decrypt(relabelled, kNarrative).status().code(), StatusCode::kCorruption);
}

TEST_F(FieldCipherTest, RotationReencryptsFromTheOldKeyToTheNew) {
  auto old_enc = cipher_.Encrypt(kSentence, kNarrative);
  ASSERT_TRUE(old_enc.ok());
  const std::string old_id = keys_.current_data_key()->id();

  KeyMaterial rotated = keys_.Clone();
  const std::string new_id = RotateDataKey(rotated, key_random_).id();
  FieldCipher during(rotated, nonce_random_);
  // During a rotation, not-yet-converted fields still decrypt (retired key).
  auto still = during.Decrypt(*old_enc, kNarrative);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(*still, kSentence);

  auto new_enc = cipher_.Reencrypt(*old_enc, kNarrative, during);
  ASSERT_TRUE(new_enc.ok()) << new_enc.status().ToString();
  EXPECT_EQ(FieldKeyId(*new_enc), new_id);

  DropRetiredDataKeys(rotated);
  FieldCipher after(rotated, nonce_random_);
  auto dec = after.Decrypt(*new_enc, kNarrative);
  ASSERT_TRUE(dec.ok());
  EXPECT_EQ(*dec, kSentence);
  EXPECT_EQ(after.Decrypt(*old_enc, kNarrative).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(cipher_.Decrypt(*new_enc, kNarrative).status().code(), StatusCode::kNotFound);
  // Reencrypt refuses a field that does not decrypt, and binds the context.
  EXPECT_EQ(cipher_.Reencrypt(*old_enc, {"incidents", "I-9", "narrative"}, after).status().code(),
            StatusCode::kCorruption);
  EXPECT_NE(old_id, new_id);
}

TEST_F(FieldCipherTest, EncryptNeedsAKeyAndAPlace) {
  EXPECT_EQ(cipher_.Encrypt("x", {"", "I-1", "narrative"}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(cipher_.Encrypt("x", {"incidents", "I-1", ""}).status().code(),
            StatusCode::kInvalidArgument);
  KeyMaterial no_data_key = GenerateKeyMaterial(key_random_, /*with_data_key=*/false);
  FieldCipher none(no_data_key, nonce_random_);
  EXPECT_EQ(none.Encrypt("x", kNarrative).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace mara::security
