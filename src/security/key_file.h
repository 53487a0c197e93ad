// Keys: the data-encryption key(s) for fields at rest, the Ed25519 signing
// key for audit checkpoints and reports, and the key file that holds them.
//
// Two independent keys, so that a leaked signing key cannot decrypt and a
// leaked data key cannot forge the audit trail:
// - DataKey: 32 random bytes for XChaCha20-Poly1305 (field_cipher.h).
// - SigningKey: an Ed25519 key pair derived from a 32-byte random seed.
// Each key has a public id: 16 lowercase hex digits, the first 8 bytes of a
// domain-separated BLAKE2b-256 of the data key or of the signing public key.
// Ids are safe to print, store beside ciphertexts and put in messages.
//
// Key file format, version `mara-keys/1` (also in docs/keys.md). UTF-8 text,
// LF line ends; blank lines and lines starting with '#' are ignored:
//
//   mara-keys/1
//   data-key <id> <base64 of the 32-byte key>
//   signing-key <id> <base64 of the 32-byte Ed25519 seed>
//
// The first line is exactly `mara-keys/1`. There are zero or more
// `data-key` lines (the first is the current key, used to encrypt; later ones
// are retired keys kept only so that data not yet re-encrypted by an
// interrupted rotation stays readable) and at most one `signing-key` line.
// Base64 is RFC 4648 standard alphabet with padding. The id on each line must
// match the key (a mismatch is corruption).
//
// The environment variable MARA_KEY may supply the data key instead: exactly
// 64 lowercase hex digits, or standard base64 with padding (44 characters),
// of the 32 key bytes. It then becomes the current data key; data keys in
// the file stay available as retired keys. The signing key always comes from
// the file.
//
// File handling: ReadKeyFile refuses a symbolic link and any file with a
// group or other permission bit (it must be 0600 or stricter), checked on the
// opened descriptor so the check and the read concern the same file.
// WriteKeyFile writes a temporary file in the same directory with mode 0600,
// fsyncs it, then links it into place (refusing to replace an existing file
// unless asked) or renames it over the old one, and fsyncs the directory; a
// crash leaves either the old file or the new one, never a mix.
//
// Errors: kNotFound (no key file, no data key), kPermissionDenied (symlink,
// loose mode, not a regular file), kConflict (file exists and overwrite not
// requested), kCorruption (a key file that does not parse or whose ids do not
// match), kInvalidArgument (a malformed MARA_KEY), kIOError (the file
// system). Messages name the file, line and field, never key bytes.
//
// Thread-safety: key objects are immutable after construction and may be
// shared for reading across threads; file functions are not synchronised
// against other writers of the same path.
#ifndef MARA_SECURITY_KEY_FILE_H_
#define MARA_SECURITY_KEY_FILE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "security/random.h"
#include "security/secret.h"

namespace mara::security {

inline constexpr size_t kDataKeyBytes = 32;
inline constexpr size_t kSigningSeedBytes = 32;
inline constexpr size_t kPublicKeyBytes = 32;
inline constexpr size_t kSignatureBytes = 64;
inline constexpr std::string_view kKeyFileFormat = "mara-keys/1";
inline constexpr std::string_view kKeyEnvVar = "MARA_KEY";

class DataKey {
 public:
  static DataKey Generate(Random& random);
  // kInvalidArgument unless `key` has kDataKeyBytes bytes.
  static Result<DataKey> FromBytes(SecretBytes key);

  const std::string& id() const { return id_; }
  const SecretBytes& bytes() const { return key_; }
  DataKey Clone() const { return DataKey(id_, key_.Clone()); }

 private:
  DataKey(std::string id, SecretBytes key) : id_(std::move(id)), key_(std::move(key)) {}
  std::string id_;
  SecretBytes key_;
};

// The verifying half of a signing key; plain data, freely copied.
struct PublicKey {
  std::string id;
  std::array<uint8_t, kPublicKeyBytes> bytes{};

  static PublicKey FromBytes(std::span<const uint8_t, kPublicKeyBytes> bytes);
  // "ed25519:<base64>", the form printed for users and stored beside reports.
  std::string ToText() const;
  // kInvalidArgument when `text` is not in the ToText form.
  static Result<PublicKey> FromText(std::string_view text);
  // True when `signature` is a valid Ed25519 signature of `message`.
  bool Verify(std::span<const uint8_t> message, std::span<const uint8_t> signature) const;
};

class SigningKey {
 public:
  static SigningKey Generate(Random& random);
  // kInvalidArgument unless `seed` has kSigningSeedBytes bytes.
  static Result<SigningKey> FromSeed(SecretBytes seed);

  const std::string& id() const { return public_key_.id; }
  const PublicKey& public_key() const { return public_key_; }
  // For the key file writer only.
  const SecretBytes& seed() const { return seed_; }
  std::array<uint8_t, kSignatureBytes> Sign(std::span<const uint8_t> message) const;
  SigningKey Clone() const;

 private:
  SigningKey(SecretBytes seed, SecretBytes secret_key, PublicKey public_key)
      : seed_(std::move(seed)), secret_key_(std::move(secret_key)), public_key_(public_key) {}
  SecretBytes seed_;
  SecretBytes secret_key_;  // libsodium's 64-byte expanded form
  PublicKey public_key_;
};

// The contents of a key file (or of a file plus MARA_KEY).
struct KeyMaterial {
  std::vector<DataKey> data_keys;  // [0] is current; the rest are retired
  std::optional<SigningKey> signing_key;

  const DataKey* current_data_key() const { return data_keys.empty() ? nullptr : &data_keys[0]; }
  const DataKey* FindDataKey(std::string_view id) const;
  KeyMaterial Clone() const;
};

// Fresh keys: one data key (unless `with_data_key` is false, for installations
// that supply it through MARA_KEY) and one signing key.
KeyMaterial GenerateKeyMaterial(Random& random, bool with_data_key = true);

// Makes a new current data key and keeps the old ones as retired, so a
// rotation can re-encrypt at leisure and then DropRetiredDataKeys().
const DataKey& RotateDataKey(KeyMaterial& keys, Random& random);
void DropRetiredDataKeys(KeyMaterial& keys);

// The key file text. The result holds key material: callers should keep it
// short-lived (WriteKeyFile wipes its own copy).
std::string SerializeKeyMaterial(const KeyMaterial& keys);
// `origin` names the text in messages (usually the path).
Result<KeyMaterial> ParseKeyMaterial(std::string_view text, std::string_view origin);

Status WriteKeyFile(const std::string& path, const KeyMaterial& keys, bool overwrite);
Result<KeyMaterial> ReadKeyFile(const std::string& path);

// Generates keys and writes them to a new file at `path` (kConflict if it
// exists). This is what `mara init` does.
Result<KeyMaterial> CreateKeyFile(const std::string& path, Random& random,
                                  bool with_data_key = true);

// Decodes a MARA_KEY value (hex or base64, see above).
Result<DataKey> DataKeyFromEnvironmentValue(std::string_view value);

struct KeySource {
  std::string path;                      // the key file
  std::optional<std::string> env_value;  // the value of MARA_KEY, if set
};
// Reads the key file and applies MARA_KEY; kNotFound when no data key or no
// signing key results.
Result<KeyMaterial> LoadKeys(const KeySource& source);
// A KeySource for `path` with MARA_KEY read from the process environment.
KeySource KeySourceFromEnvironment(std::string path);

}  // namespace mara::security

#endif  // MARA_SECURITY_KEY_FILE_H_
