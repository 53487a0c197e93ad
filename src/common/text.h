// Text utilities: UTF-8 validation, Unicode folding for comparisons, and
// digests.
//
// Contract: all functions are pure and thread-safe. Fold() expects valid
// UTF-8 (check with IsValidUtf8 first; invalid input folds to the bytes
// unchanged). Digests are lowercase hex.
#ifndef MARA_COMMON_TEXT_H_
#define MARA_COMMON_TEXT_H_

#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mara {

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or values
// above U+10FFFF). On false, *bad_offset (if given) is the first bad byte.
bool IsValidUtf8(std::string_view s, size_t* bad_offset = nullptr);

// Case- and accent-folded form for equality tests: NFKC, case fold, marks
// stripped, runs of white space collapsed to one space, trimmed.
// "  Ville-Évêque " and "ville-eveque" fold equal.
std::string Fold(std::string_view s);

// Incremental BLAKE2b-256 (libsodium); the digest of data and policies.
class Digest {
 public:
  Digest();
  void Update(std::string_view bytes);
  std::string HexFinal();  // may be called once

 private:
  crypto_generichash_state state_;
};

std::string Blake2bHex(std::string_view bytes);
std::string Sha256Hex(std::string_view bytes);

// `s` without leading and trailing spaces and tabs (the blanks a CSV cell
// may carry around its value).
inline std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// JSON-free quoting for messages: 'value' cut to 60 bytes with "..." and
// control bytes shown as \xNN, so hostile input cannot garble a terminal.
std::string QuoteForMessage(std::string_view s);

}  // namespace mara

#endif  // MARA_COMMON_TEXT_H_
