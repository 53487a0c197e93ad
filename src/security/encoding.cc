#include "security/encoding.h"

#include <sodium.h>

#include <string>

namespace mara::security {
namespace {

constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL;

// Decodes into `out` (capacity `cap`); returns the decoded length or -1.
long long DecodeBase64Into(std::string_view text, uint8_t* out, size_t cap) {
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out, cap, text.data(), text.size(), nullptr, &len, &end, kVariant) != 0) {
    return -1;
  }
  if (end != text.data() + text.size()) return -1;
  return static_cast<long long>(len);
}

}  // namespace

bool IsLowerHex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string ToBase64(std::span<const uint8_t> bytes) {
  EnsureSodium();
  std::string out(sodium_base64_encoded_len(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), kVariant);
  out.resize(out.size() - 1);  // the encoder's terminating NUL
  return out;
}

std::string ToHex(std::span<const uint8_t> bytes) {
  EnsureSodium();
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
  out.resize(bytes.size() * 2);
  return out;
}

Result<std::vector<uint8_t>> FromBase64(std::string_view text, std::string_view what) {
  EnsureSodium();
  std::vector<uint8_t> out(text.size() / 4 * 3 + 3);
  long long n = DecodeBase64Into(text, out.data(), out.size());
  if (n < 0) return Status::InvalidArgument(std::string(what) + " is not valid base64");
  out.resize(static_cast<size_t>(n));
  return out;
}

Result<std::vector<uint8_t>> FromHex(std::string_view text, std::string_view what) {
  EnsureSodium();
  if (text.size() % 2 != 0 || !IsLowerHex(text)) {
    return Status::InvalidArgument(std::string(what) + " is not lowercase hex");
  }
  std::vector<uint8_t> out(text.size() / 2);
  size_t len = 0;
  if (sodium_hex2bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, nullptr) !=
      0) {
    return Status::InvalidArgument(std::string(what) + " is not lowercase hex");
  }
  out.resize(len);
  return out;
}

Result<SecretBytes> SecretFromBase64(std::string_view text, size_t size, std::string_view what) {
  EnsureSodium();
  SecretBytes scratch(text.size() / 4 * 3 + 3);
  long long n = DecodeBase64Into(text, scratch.data(), scratch.size());
  if (n < 0) return Status::InvalidArgument(std::string(what) + " is not valid base64");
  if (static_cast<size_t>(n) != size) {
    return Status::InvalidArgument(std::string(what) + " must decode to " + std::to_string(size) +
                                   " bytes, got " + std::to_string(n));
  }
  return SecretBytes::CopyOf(scratch.span().first(size));
}

Result<SecretBytes> SecretFromHex(std::string_view text, size_t size, std::string_view what) {
  EnsureSodium();
  if (text.size() != size * 2 || !IsLowerHex(text)) {
    return Status::InvalidArgument(std::string(what) + " must be " + std::to_string(size * 2) +
                                   " lowercase hex digits");
  }
  SecretBytes out(size);
  size_t len = 0;
  if (sodium_hex2bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, nullptr) !=
          0 ||
      len != size) {
    return Status::InvalidArgument(std::string(what) + " is not lowercase hex");
  }
  return out;
}

}  // namespace mara::security
