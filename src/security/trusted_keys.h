// The pinned audit keys: public signing keys an operator trusts, kept in a
// file outside the store, so that `mara audit verify` does not trust
// whichever key the store's own key file holds (someone who can rewrite the
// database can usually rewrite the key file beside it too).
//
// File format `mara-trusted-keys/1`: UTF-8 text, one key per line, the key
// in PublicKey::ToText form ("ed25519:<base64>") followed by an optional
// comment after a space; blank lines and lines starting with '#' are
// ignored. Where the file is: TrustedKeysPath().
//
// Contract:
// - TrustedKeysPath(): $MARA_TRUSTED_KEYS, else
//   $XDG_CONFIG_HOME/mara/trusted-keys, else $HOME/.config/mara/trusted-keys;
//   "" when none of these variables is set.
// - ReadTrustedKeys(): the keys of the file (an empty list when the file does
//   not exist); kCorruption naming the line for a key that does not parse;
//   kPermissionDenied for a symbolic link or a file that others may write;
//   kIOError when the file cannot be read.
// - TrustKey(): appends the key (with `comment`, made one line) unless the
//   file already lists it, creating the folder (0700) and the file (0600);
//   one write(2) with O_APPEND per line, so concurrent writers do not
//   interleave. kIOError when the file cannot be written.
// Thread-safety: stateless; concurrent TrustKey calls on one file are safe.
#ifndef MARA_SECURITY_TRUSTED_KEYS_H_
#define MARA_SECURITY_TRUSTED_KEYS_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "security/key_file.h"

namespace mara::security {

inline constexpr std::string_view kTrustedKeysEnvVar = "MARA_TRUSTED_KEYS";

std::string TrustedKeysPath();
Result<std::vector<PublicKey>> ReadTrustedKeys(const std::string& path);
Status TrustKey(const std::string& path, const PublicKey& key, std::string_view comment);

}  // namespace mara::security

#endif  // MARA_SECURITY_TRUSTED_KEYS_H_
