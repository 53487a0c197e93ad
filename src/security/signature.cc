#include "security/signature.h"

#include <set>

#include "common/text.h"
#include "security/encoding.h"

namespace mara::security {
namespace {

constexpr std::string_view kSignatureField = "signature: ";

bool IsReserved(std::string_view key) {
  return key == "key-id" || key == "content-blake2b-256" || key == "content-bytes" ||
         key == "signature";
}

bool ValidKey(std::string_view key) {
  if (key.empty() || key.size() > 64) return false;
  for (size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) return false;
  }
  return true;
}

bool ValidValue(std::string_view value) {
  if (value.size() > 1024 || !IsValidUtf8(value)) return false;
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

// Splits "name: value"; false when the line has no ": ".
bool SplitField(std::string_view line, std::string_view* name, std::string_view* value) {
  size_t sep = line.find(": ");
  if (sep == std::string_view::npos) return false;
  *name = line.substr(0, sep);
  *value = line.substr(sep + 2);
  return true;
}

Status Bad(size_t line_no, std::string_view what) {
  return Status::Corruption("signature line " + std::to_string(line_no) + ": " + std::string(what));
}

}  // namespace

Result<std::string> SignDetached(std::string_view bytes, const SignatureMetadata& metadata,
                                 const SigningKey& key) {
  for (const auto& [name, value] : metadata) {
    if (!ValidKey(name) || IsReserved(name)) {
      return Status::InvalidArgument("signature metadata key " + QuoteForMessage(name) +
                                     " is reserved or not of [a-z0-9._-]");
    }
    if (!ValidValue(value)) {
      return Status::InvalidArgument("signature metadata " + name +
                                     ": the value must be one line of UTF-8 up to 1024 bytes");
    }
  }
  std::string text(kSignatureFormat);
  text += "\nkey-id: " + key.id();
  text += "\ncontent-blake2b-256: " + Blake2bHex(bytes);
  text += "\ncontent-bytes: " + std::to_string(bytes.size());
  for (const auto& [name, value] : metadata) text += "\n" + name + ": " + value;
  text += '\n';
  const auto sig = key.Sign(AsBytes(text));
  text += kSignatureField;
  text += ToBase64(sig);
  text += '\n';
  return text;
}

Result<SignatureInfo> VerifyDetached(std::string_view bytes, std::string_view signature_text,
                                     const PublicKey& key) {
  const size_t sig_at = signature_text.rfind(std::string("\n") + std::string(kSignatureField));
  if (!signature_text.starts_with(std::string(kSignatureFormat) + "\n") ||
      sig_at == std::string_view::npos) {
    return Status::Corruption("not a " + std::string(kSignatureFormat) + " signature file");
  }
  const std::string_view signed_part = signature_text.substr(0, sig_at + 1);
  std::string_view sig_line = signature_text.substr(sig_at + 1 + kSignatureField.size());
  if (sig_line.ends_with('\n')) sig_line.remove_suffix(1);
  if (sig_line.find('\n') != std::string_view::npos) {
    return Status::Corruption("signature file has text after the signature line");
  }

  SignatureInfo info;
  std::string content_bytes;
  std::string_view rest = signed_part.substr(kSignatureFormat.size() + 1);
  size_t line_no = 1;
  std::set<std::string> seen;
  while (!rest.empty()) {
    ++line_no;
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = rest.substr(nl + 1);  // signed_part ends with '\n', so nl is found
    std::string_view name, value;
    if (!SplitField(line, &name, &value)) return Bad(line_no, "expected 'name: value'");
    if (!seen.insert(std::string(name)).second) {
      return Bad(line_no, "field " + QuoteForMessage(name) + " appears twice");
    }
    if (name == "key-id") {
      info.key_id = value;
    } else if (name == "content-blake2b-256") {
      info.content_digest = value;
    } else if (name == "content-bytes") {
      content_bytes = value;
    } else if (ValidKey(name) && !IsReserved(name) && ValidValue(value)) {
      info.metadata.emplace(name, value);
    } else {
      return Bad(line_no, "malformed metadata field " + QuoteForMessage(name));
    }
  }
  if (info.key_id.empty() || info.content_digest.empty() || content_bytes.empty()) {
    return Status::Corruption("signature file lacks key-id, content-blake2b-256 or content-bytes");
  }
  if (info.key_id != key.id) {
    return Status::Corruption("signed with key " + QuoteForMessage(info.key_id) +
                              ", not with the trusted key " + key.id);
  }
  auto sig = FromBase64(sig_line, "signature");
  if (!sig.ok() || !key.Verify(AsBytes(signed_part), *sig)) {
    return Status::Corruption("the signature does not verify: the signature file was altered");
  }
  // Only now is the header trusted; compare it with the file.
  if (content_bytes != std::to_string(bytes.size()) || info.content_digest != Blake2bHex(bytes)) {
    return Status::Corruption(
        "the file does not match its signature: it was changed after signing");
  }
  return info;
}

}  // namespace mara::security
