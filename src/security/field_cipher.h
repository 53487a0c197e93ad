// Encryption of sensitive fields at rest (narratives, testimony, confidential
// source details, evidence contents) with XChaCha20-Poly1305 (IETF).
//
// Encoded form, version 1 (docs/keys.md):
//
//   mara-enc1:<key id>:<base64 of nonce(24) || ciphertext || tag(16)>
//
// The associated data binds the ciphertext to where it belongs: the version,
// the key id, the table, the record id and the column, each length-prefixed
// (big-endian u32) after the ASCII tag "mara-enc1". A ciphertext copied into
// another record, another column or another table therefore fails to
// decrypt, as does one whose key id label was altered.
//
// Nonces are 24 random bytes from the injected Random (tests fix it with
// SeededRandom); XChaCha20's 192-bit nonces make random nonces safe for any
// realistic number of fields under one key.
//
// Errors: Encrypt returns kInvalidArgument for an empty table or column.
// Decrypt returns kCorruption for text that is not a version-1 field, bad
// base64, a short ciphertext or failed authentication (tampering, a moved
// ciphertext, a wrong key with a colliding id), and kNotFound when the key id
// names a data key that is not loaded. Messages name the table, column and
// record and the key id, never plaintext or key bytes.
//
// Ownership and threads: a FieldCipher borrows the KeyMaterial and the
// Random, which must outlive it. Encrypt draws from the Random and is as
// thread-safe as that Random (SystemRandom is); Decrypt is thread-safe.
#ifndef MARA_SECURITY_FIELD_CIPHER_H_
#define MARA_SECURITY_FIELD_CIPHER_H_

#include <string>
#include <string_view>

#include "common/status.h"
#include "security/key_file.h"
#include "security/random.h"

namespace mara::security {

inline constexpr std::string_view kFieldPrefix = "mara-enc1:";

// Where a field lives: the binding carried in the associated data.
struct FieldContext {
  std::string_view table;
  std::string_view record_id;
  std::string_view column;
};

class FieldCipher {
 public:
  FieldCipher(const KeyMaterial& keys, Random& random) : keys_(keys), random_(random) {}

  // Encrypts under the current data key (kNotFound when there is none).
  Result<std::string> Encrypt(std::string_view plaintext, const FieldContext& where) const;
  // Decrypts with whichever loaded data key the field names.
  Result<std::string> Decrypt(std::string_view encoded, const FieldContext& where) const;

  // Decrypts with this cipher's keys and encrypts under `to`'s current key;
  // the building block of `mara key rotate`.
  Result<std::string> Reencrypt(std::string_view encoded, const FieldContext& where,
                                const FieldCipher& to) const;

 private:
  const KeyMaterial& keys_;
  Random& random_;
};

// True when `text` has the version-1 prefix (it may still fail to decrypt).
bool IsEncryptedField(std::string_view text);
// The key id of an encoded field, or "" when `text` is not one; lets a
// rotation skip fields already under the new key.
std::string_view FieldKeyId(std::string_view text);

}  // namespace mara::security

#endif  // MARA_SECURITY_FIELD_CIPHER_H_
