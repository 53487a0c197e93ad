#include "security/key_file.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/temp_dir.h"
#include "security/encoding.h"

namespace mara::security {
namespace {

namespace fs = std::filesystem;

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tmp = ScopedTempDir::Create("mara-keys");
    ASSERT_TRUE(tmp.ok()) << tmp.status().message();
    tmp_ = std::move(tmp).value();
    dir_ = tmp_.path();
    path_ = (dir_ / "mara.keys").string();
  }

  std::string ReadText(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  void WriteText(const std::string& p, const std::string& text, mode_t mode = 0600) {
    std::ofstream(p, std::ios::binary) << text;
    ASSERT_EQ(::chmod(p.c_str(), mode), 0);
  }

  ScopedTempDir tmp_;
  fs::path dir_;
  std::string path_;
  SeededRandom random_{7};
};

TEST_F(KeyFileTest, CreateWritesMode0600AndReadsBack) {
  auto created = CreateKeyFile(path_, random_);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);

  auto read = ReadKeyFile(path_);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->data_keys.size(), 1u);
  EXPECT_EQ(read->data_keys[0].id(), created->data_keys[0].id());
  EXPECT_TRUE(read->data_keys[0].bytes().Equals(created->data_keys[0].bytes()));
  ASSERT_TRUE(read->signing_key.has_value());
  EXPECT_EQ(read->signing_key->public_key().bytes, created->signing_key->public_key().bytes);
  EXPECT_EQ(read->signing_key->id().size(), 16u);
  EXPECT_NE(read->signing_key->id(), read->data_keys[0].id());

  const std::string text = ReadText(path_);
  EXPECT_TRUE(text.starts_with("mara-keys/1\n"));
  // No temporary file is left behind.
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST_F(KeyFileTest, CreateRefusesToReplaceExistingKeys) {
  ASSERT_TRUE(CreateKeyFile(path_, random_).ok());
  const std::string before = ReadText(path_);
  auto again = CreateKeyFile(path_, random_);
  EXPECT_EQ(again.status().code(), StatusCode::kConflict);
  EXPECT_EQ(ReadText(path_), before);
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST_F(KeyFileTest, RefusesFilesReadableByGroupOrOthers) {
  ASSERT_TRUE(CreateKeyFile(path_, random_).ok());
  for (mode_t mode : {0640, 0604, 0660, 0644, 0620}) {
    ASSERT_EQ(::chmod(path_.c_str(), mode), 0);
    auto read = ReadKeyFile(path_);
    EXPECT_EQ(read.status().code(), StatusCode::kPermissionDenied) << std::oct << mode;
    EXPECT_NE(read.status().message().find("chmod 600"), std::string::npos);
  }
  ASSERT_EQ(::chmod(path_.c_str(), 0400), 0);
  EXPECT_TRUE(ReadKeyFile(path_).ok());
}

TEST_F(KeyFileTest, RefusesASymlinkEvenToAGoodFile) {
  ASSERT_TRUE(CreateKeyFile(path_, random_).ok());
  const std::string link = (dir_ / "link.keys").string();
  ASSERT_EQ(::symlink(path_.c_str(), link.c_str()), 0);
  auto read = ReadKeyFile(link);
  EXPECT_EQ(read.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(read.status().message().find("symbolic link"), std::string::npos);
}

TEST_F(KeyFileTest, RefusesADirectoryAndReportsAMissingFile) {
  EXPECT_EQ(ReadKeyFile(path_).status().code(), StatusCode::kNotFound);
  const std::string sub = (dir_ / "sub").string();
  ASSERT_EQ(::mkdir(sub.c_str(), 0700), 0);
  EXPECT_EQ(ReadKeyFile(sub).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(
      WriteKeyFile((dir_ / "no/such/dir/k").string(), GenerateKeyMaterial(random_), false).code(),
      StatusCode::kIOError);
}

TEST_F(KeyFileTest, CorruptFilesAreCorruptionAndNeverEchoKeyBytes) {
  KeyMaterial keys = GenerateKeyMaterial(random_);
  const std::string good = SerializeKeyMaterial(keys);
  const std::string key_b64 = ToBase64(keys.data_keys[0].bytes().span());
  ASSERT_NE(good.find(key_b64), std::string::npos);

  struct Case {
    std::string text;
    std::string expect;  // part of the message
  };
  std::string wrong_id = good;
  wrong_id.replace(wrong_id.find("data-key ") + 9, 4, "0000");
  std::string short_key = good;
  short_key.replace(short_key.find(key_b64), key_b64.size(), key_b64.substr(4));
  const Case cases[] = {
      {"mara-keys/2\n", "line 1"},
      {"", "empty"},
      {good + "colour-key abc AAAA\n", "unknown entry"},
      {wrong_id, "id does not match"},
      {short_key, "line 4: data-key"},
      {good + "data-key x\n", "expected '<kind> <id> <base64 key>'"},
      {good + good.substr(good.find("signing-key")), "second signing-key"},
      {good + good.substr(good.find("data-key"),
                          good.find('\n', good.find("data-key")) - good.find("data-key") + 1),
       "appears twice"},
  };
  for (const Case& c : cases) {
    WriteText(path_, c.text);
    auto read = ReadKeyFile(path_);
    EXPECT_EQ(read.status().code(), StatusCode::kCorruption) << c.expect;
    EXPECT_NE(read.status().message().find(c.expect), std::string::npos) << read.status().message();
    EXPECT_NE(read.status().message().find(path_), std::string::npos);
    EXPECT_EQ(read.status().message().find(key_b64.substr(0, 12)), std::string::npos);
  }
}

TEST_F(KeyFileTest, CommentsAndBlankLinesAreIgnored) {
  KeyMaterial keys = GenerateKeyMaterial(random_);
  std::string text = SerializeKeyMaterial(keys);
  text.insert(text.find('\n') + 1, "\n# a note\n\n");
  auto parsed = ParseKeyMaterial(text, "test");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->data_keys[0].id(), keys.data_keys[0].id());
}

TEST_F(KeyFileTest, RotationKeepsRetiredKeysUntilDropped) {
  auto created = CreateKeyFile(path_, random_);
  ASSERT_TRUE(created.ok());
  KeyMaterial keys = std::move(created).value();
  const std::string old_id = keys.data_keys[0].id();
  const std::string new_id = RotateDataKey(keys, random_).id();
  EXPECT_NE(old_id, new_id);
  ASSERT_TRUE(WriteKeyFile(path_, keys, /*overwrite=*/true).ok());
  auto read = ReadKeyFile(path_);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->data_keys.size(), 2u);
  EXPECT_EQ(read->current_data_key()->id(), new_id);
  EXPECT_NE(read->FindDataKey(old_id), nullptr);

  DropRetiredDataKeys(keys);
  ASSERT_TRUE(WriteKeyFile(path_, keys, true).ok());
  read = ReadKeyFile(path_);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->data_keys.size(), 1u);
  EXPECT_EQ(read->FindDataKey(old_id), nullptr);
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(KeyFileTest, EnvironmentKeyAcceptsHexOrBase64) {
  DataKey key = DataKey::Generate(random_);
  const std::string hex = ToHex(key.bytes().span());
  const std::string b64 = ToBase64(key.bytes().span());
  ASSERT_EQ(b64.size(), 44u);
  auto from_hex = DataKeyFromEnvironmentValue(hex);
  auto from_b64 = DataKeyFromEnvironmentValue(b64);
  ASSERT_TRUE(from_hex.ok()) << from_hex.status().ToString();
  ASSERT_TRUE(from_b64.ok()) << from_b64.status().ToString();
  EXPECT_EQ(from_hex->id(), key.id());
  EXPECT_EQ(from_b64->id(), key.id());

  for (const std::string& bad :
       {hex.substr(2), std::string(64, 'G'), b64.substr(0, 43) + "!", std::string("secret")}) {
    auto r = DataKeyFromEnvironmentValue(bad);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(r.status().message().find("MARA_KEY"), std::string::npos);
    EXPECT_EQ(r.status().message().find(bad), std::string::npos);
  }
}

TEST_F(KeyFileTest, LoadKeysPutsTheEnvironmentKeyFirst) {
  auto created = CreateKeyFile(path_, random_);
  ASSERT_TRUE(created.ok());
  DataKey env_key = DataKey::Generate(random_);
  auto loaded = LoadKeys({path_, ToHex(env_key.bytes().span())});
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_EQ(loaded->data_keys.size(), 2u);
  EXPECT_EQ(loaded->current_data_key()->id(), env_key.id());
  EXPECT_NE(loaded->FindDataKey(created->data_keys[0].id()), nullptr);

  // Without MARA_KEY, a file holding only the signing key yields no data key.
  const std::string signing_only = (dir_ / "signing.keys").string();
  ASSERT_TRUE(CreateKeyFile(signing_only, random_, /*with_data_key=*/false).ok());
  EXPECT_EQ(LoadKeys({signing_only, std::nullopt}).status().code(), StatusCode::kNotFound);
  auto with_env = LoadKeys({signing_only, ToBase64(env_key.bytes().span())});
  ASSERT_TRUE(with_env.ok());
  EXPECT_EQ(with_env->data_keys.size(), 1u);
}

TEST_F(KeyFileTest, KeySourceFromEnvironmentReadsMaraKey) {
  ::unsetenv("MARA_KEY");
  EXPECT_FALSE(KeySourceFromEnvironment(path_).env_value.has_value());
  ::setenv("MARA_KEY", "abc", 1);
  auto source = KeySourceFromEnvironment(path_);
  ::unsetenv("MARA_KEY");
  ASSERT_TRUE(source.env_value.has_value());
  EXPECT_EQ(*source.env_value, "abc");
  EXPECT_EQ(source.path, path_);
}

TEST(PublicKeyTest, TextFormRoundTripsAndSignaturesVerify) {
  SeededRandom random(3);
  SigningKey key = SigningKey::Generate(random);
  const std::string text = key.public_key().ToText();
  EXPECT_TRUE(text.starts_with("ed25519:"));
  auto parsed = PublicKey::FromText(text);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->id, key.id());
  const auto sig = key.Sign(AsBytes("message"));
  EXPECT_TRUE(parsed->Verify(AsBytes("message"), sig));
  EXPECT_FALSE(parsed->Verify(AsBytes("massage"), sig));
  EXPECT_FALSE(PublicKey::FromText("rsa:AAAA").ok());
  EXPECT_FALSE(PublicKey::FromText("ed25519:AP8QgH8=").ok());
}

TEST(DataKeyTest, FromBytesChecksTheSize) {
  EXPECT_EQ(DataKey::FromBytes(SecretBytes(16)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(DataKey::FromBytes(SecretBytes(32)).ok());
}

}  // namespace
}  // namespace mara::security
