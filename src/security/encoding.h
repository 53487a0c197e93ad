// Byte/text encodings used by the security layer's file formats: standard
// base64 (RFC 4648 §4, with padding) and lowercase hex.
//
// Contract: pure functions, thread-safe. Decoders are strict: they refuse
// white space, the URL-safe alphabet, missing padding and (for hex) upper
// case, and return kInvalidArgument naming `what` (a field name, never the
// value, because the value may be key material).
#ifndef MARA_SECURITY_ENCODING_H_
#define MARA_SECURITY_ENCODING_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "security/secret.h"

namespace mara::security {

std::string ToBase64(std::span<const uint8_t> bytes);
std::string ToHex(std::span<const uint8_t> bytes);

// True when every character of `text` is 0-9 or a-f (true for "").
bool IsLowerHex(std::string_view text);

Result<std::vector<uint8_t>> FromBase64(std::string_view text, std::string_view what);
Result<std::vector<uint8_t>> FromHex(std::string_view text, std::string_view what);

// Decoders for key material: the decoded bytes go straight into a locked,
// wiped buffer, and must have exactly `size` bytes.
Result<SecretBytes> SecretFromBase64(std::string_view text, size_t size, std::string_view what);
Result<SecretBytes> SecretFromHex(std::string_view text, size_t size, std::string_view what);

inline std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace mara::security

#endif  // MARA_SECURITY_ENCODING_H_
