// Password hashing for principals: Argon2id through libsodium's
// crypto_pwhash_str, which produces a self-describing PHC string
// ("$argon2id$v=19$m=...,t=...,p=1$salt$hash") holding its own salt and
// limits, so a stored hash stays verifiable after the defaults change.
//
// Contract:
// - HashPassword refuses an empty password and one longer than
//   kMaxPasswordBytes (kInvalidArgument) and returns kIOError only when the
//   system cannot provide the memory the limits ask for.
// - VerifyPassword returns Ok for the right password, kPermissionDenied for a
//   wrong one (the message never contains the password or the hash) and
//   kCorruption when the stored hash is not an Argon2id string.
// - NeedsRehash is true when the stored hash was made with limits other than
//   `limits` (or is unreadable), so a login can upgrade it transparently.
// - All functions are thread-safe. Hashing is deliberately slow and
//   memory-hungry (64 MiB with the interactive limits); tests use
//   PasswordLimits::ForTests().
#ifndef MARA_SECURITY_PASSWORD_H_
#define MARA_SECURITY_PASSWORD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mara::security {

inline constexpr size_t kMaxPasswordBytes = 4096;

struct PasswordLimits {
  uint64_t ops;   // Argon2id passes
  size_t memory;  // bytes

  // libsodium's interactive limits: the default for people logging in.
  static PasswordLimits Interactive();
  // The smallest limits libsodium accepts; fast, for tests only.
  static PasswordLimits ForTests();
};

Result<std::string> HashPassword(std::string_view password,
                                 const PasswordLimits& limits = PasswordLimits::Interactive());
Status VerifyPassword(std::string_view stored_hash, std::string_view password);
bool NeedsRehash(std::string_view stored_hash,
                 const PasswordLimits& limits = PasswordLimits::Interactive());

}  // namespace mara::security

#endif  // MARA_SECURITY_PASSWORD_H_
