#include "security/password.h"

#include <sodium.h>

#include "security/secret.h"

namespace mara::security {
namespace {

constexpr std::string_view kArgon2idPrefix = "$argon2id$";

bool WellFormedHash(std::string_view stored_hash) {
  return stored_hash.starts_with(kArgon2idPrefix) && stored_hash.size() < crypto_pwhash_STRBYTES &&
         stored_hash.find('\0') == std::string_view::npos;
}

}  // namespace

PasswordLimits PasswordLimits::Interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordLimits PasswordLimits::ForTests() {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

Result<std::string> HashPassword(std::string_view password, const PasswordLimits& limits) {
  EnsureSodium();
  if (password.empty()) return Status::InvalidArgument("the password is empty");
  if (password.size() > kMaxPasswordBytes) {
    return Status::InvalidArgument("the password is longer than " +
                                   std::to_string(kMaxPasswordBytes) + " bytes");
  }
  if (limits.ops < crypto_pwhash_OPSLIMIT_MIN || limits.memory < crypto_pwhash_MEMLIMIT_MIN) {
    return Status::InvalidArgument("password hashing limits are below libsodium's minimum");
  }
  char out[crypto_pwhash_STRBYTES] = {};
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), limits.ops, limits.memory,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::IOError("password hashing ran out of memory (" +
                           std::to_string(limits.memory / (1024 * 1024)) + " MiB requested)");
  }
  return std::string(out);
}

Status VerifyPassword(std::string_view stored_hash, std::string_view password) {
  EnsureSodium();
  if (!WellFormedHash(stored_hash)) {
    return Status::Corruption("the stored password hash is not an Argon2id hash");
  }
  const std::string hash(stored_hash);  // crypto_pwhash_str_verify needs a NUL
  if (password.size() > kMaxPasswordBytes ||
      crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) != 0) {
    return Status::PermissionDenied("wrong password");
  }
  return Status::Ok();
}

bool NeedsRehash(std::string_view stored_hash, const PasswordLimits& limits) {
  EnsureSodium();
  if (!WellFormedHash(stored_hash)) return true;
  const std::string hash(stored_hash);
  return crypto_pwhash_str_needs_rehash(hash.c_str(), limits.ops, limits.memory) != 0;
}

}  // namespace mara::security
