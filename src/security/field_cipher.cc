#include "security/field_cipher.h"

#include <sodium.h>

#include <cstdint>
#include <vector>

#include "common/text.h"
#include "security/encoding.h"

namespace mara::security {
namespace {

constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;

void AppendField(std::string& out, std::string_view field) {
  const uint32_t n = static_cast<uint32_t>(field.size());
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((n >> shift) & 0xff));
  out.append(field);
}

std::string AssociatedData(std::string_view key_id, const FieldContext& where) {
  std::string ad = "mara-enc1";
  AppendField(ad, key_id);
  AppendField(ad, where.table);
  AppendField(ad, where.record_id);
  AppendField(ad, where.column);
  return ad;
}

std::string Describe(const FieldContext& where) {
  return std::string(where.table) + "." + std::string(where.column) + " of record " +
         std::string(where.record_id);
}

}  // namespace

bool IsEncryptedField(std::string_view text) { return text.starts_with(kFieldPrefix); }

std::string_view FieldKeyId(std::string_view text) {
  if (!IsEncryptedField(text)) return {};
  text.remove_prefix(kFieldPrefix.size());
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return {};
  return text.substr(0, colon);
}

Result<std::string> FieldCipher::Encrypt(std::string_view plaintext,
                                         const FieldContext& where) const {
  EnsureSodium();
  if (where.table.empty() || where.column.empty()) {
    return Status::InvalidArgument("field encryption needs a table and a column");
  }
  const DataKey* key = keys_.current_data_key();
  if (key == nullptr) return Status::NotFound("no data key is loaded; cannot encrypt");
  std::vector<uint8_t> blob(kNonceBytes + plaintext.size() + kTagBytes);
  random_.Fill(std::span<uint8_t>(blob.data(), kNonceBytes));
  const std::string ad = AssociatedData(key->id(), where);
  unsigned long long ct_len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      blob.data() + kNonceBytes, &ct_len, reinterpret_cast<const unsigned char*>(plaintext.data()),
      plaintext.size(), reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr,
      blob.data(), key->bytes().data());
  blob.resize(kNonceBytes + ct_len);
  std::string out(kFieldPrefix);
  out += key->id();
  out += ':';
  out += ToBase64(blob);
  return out;
}

Result<std::string> FieldCipher::Decrypt(std::string_view encoded,
                                         const FieldContext& where) const {
  EnsureSodium();
  if (!IsEncryptedField(encoded)) {
    return Status::Corruption(Describe(where) + " is not an encrypted field (expected prefix " +
                              std::string(kFieldPrefix) + ")");
  }
  std::string_view rest = encoded.substr(kFieldPrefix.size());
  size_t colon = rest.find(':');
  if (colon == std::string_view::npos) {
    return Status::Corruption(Describe(where) + ": encrypted field has no key id");
  }
  const std::string key_id(rest.substr(0, colon));
  const DataKey* key = keys_.FindDataKey(key_id);
  if (key == nullptr) {
    return Status::NotFound(Describe(where) + " is encrypted with data key " +
                            QuoteForMessage(key_id) + ", which is not loaded");
  }
  auto blob = FromBase64(rest.substr(colon + 1), "encrypted field");
  if (!blob.ok()) return Status::Corruption(Describe(where) + ": " + blob.status().message());
  if (blob->size() < kNonceBytes + kTagBytes) {
    return Status::Corruption(Describe(where) + ": encrypted field is too short");
  }
  const std::string ad = AssociatedData(key_id, where);
  std::string plain(blob->size() - kNonceBytes - kTagBytes, '\0');
  unsigned long long plain_len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plain.data()), &plain_len, nullptr,
          blob->data() + kNonceBytes, blob->size() - kNonceBytes,
          reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), blob->data(),
          key->bytes().data()) != 0) {
    return Status::Corruption(Describe(where) +
                              " fails authentication: altered, or moved from another record, "
                              "column or table");
  }
  plain.resize(plain_len);
  return plain;
}

Result<std::string> FieldCipher::Reencrypt(std::string_view encoded, const FieldContext& where,
                                           const FieldCipher& to) const {
  MARA_ASSIGN_OR_RETURN(std::string plain, Decrypt(encoded, where));
  auto out = to.Encrypt(plain, where);
  sodium_memzero(plain.data(), plain.size());
  return out;
}

}  // namespace mara::security
