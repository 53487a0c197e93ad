// Detached Ed25519 signatures of files (signed reports), with metadata that
// says what the file was made from (data digest, policy digest).
//
// Signature file, version `mara-signature/1`: UTF-8 text, LF line ends,
//
//   mara-signature/1
//   key-id: <signing key id>
//   content-blake2b-256: <hex BLAKE2b-256 of the signed file's bytes>
//   content-bytes: <decimal length of the file>
//   <key>: <value>            (caller metadata, keys in byte order)
//   signature: <base64 Ed25519 signature>
//
// The signature covers every byte of the text before the `signature:` line,
// so it binds the key id, the content digest and length, and the metadata.
// Metadata keys are 1 to 64 characters of [a-z0-9._-] starting with a letter
// or digit, not one of the reserved names (key-id, content-blake2b-256,
// content-bytes, signature); values are UTF-8 of at most 1024 bytes without
// control characters.
//
// Errors: SignDetached returns kInvalidArgument for metadata that breaks
// those rules. VerifyDetached returns kCorruption for anything else than a
// well-formed signature by `key` over exactly these bytes: bad format, a key
// id that is not `key`'s (signed with another key), a different content
// digest or length (the file was changed), or a signature that does not
// verify (the signature file was changed). Pure functions, thread-safe.
#ifndef MARA_SECURITY_SIGNATURE_H_
#define MARA_SECURITY_SIGNATURE_H_

#include <map>
#include <string>
#include <string_view>

#include "common/status.h"
#include "security/key_file.h"

namespace mara::security {

inline constexpr std::string_view kSignatureFormat = "mara-signature/1";

using SignatureMetadata = std::map<std::string, std::string>;

struct SignatureInfo {
  std::string key_id;
  std::string content_digest;  // hex BLAKE2b-256 of the verified bytes
  SignatureMetadata metadata;
};

Result<std::string> SignDetached(std::string_view bytes, const SignatureMetadata& metadata,
                                 const SigningKey& key);
Result<SignatureInfo> VerifyDetached(std::string_view bytes, std::string_view signature_text,
                                     const PublicKey& key);

}  // namespace mara::security

#endif  // MARA_SECURITY_SIGNATURE_H_
