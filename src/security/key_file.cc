#include "security/key_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>

#include "common/text.h"
#include "security/encoding.h"

namespace mara::security {
namespace {

constexpr std::string_view kPublicKeyPrefix = "ed25519:";

// First 8 bytes of BLAKE2b-256(tag || bytes), as hex.
std::string KeyId(std::string_view tag, std::span<const uint8_t> bytes) {
  EnsureSodium();
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, 32);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(tag.data()), tag.size());
  crypto_generichash_update(&state, bytes.data(), bytes.size());
  std::array<uint8_t, 32> digest{};
  crypto_generichash_final(&state, digest.data(), digest.size());
  return ToHex(std::span<const uint8_t>(digest).first(8));
}

std::string Errno(int err) { return std::strerror(err); }

// A std::string that wipes its bytes when it goes away; used for text that
// holds key material (the serialised or read key file).
struct WipedString {
  std::string text;
  ~WipedString() {
    if (!text.empty()) sodium_memzero(text.data(), text.size());
  }
};

// Closes a descriptor on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("writing key file " + path + ": " + Errno(errno));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status FsyncDirectory(const std::string& dir) {
  Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd < 0) return Status::IOError("opening directory " + dir + ": " + Errno(errno));
  if (::fsync(d.fd) != 0) return Status::IOError("syncing directory " + dir + ": " + Errno(errno));
  return Status::Ok();
}

}  // namespace

DataKey DataKey::Generate(Random& random) {
  SecretBytes key(kDataKeyBytes);
  random.Fill(key.mutable_span());
  std::string id = KeyId("mara-data-key/1", key.span());
  return DataKey(std::move(id), std::move(key));
}

Result<DataKey> DataKey::FromBytes(SecretBytes key) {
  if (key.size() != kDataKeyBytes) {
    return Status::InvalidArgument("a data key must have " + std::to_string(kDataKeyBytes) +
                                   " bytes, got " + std::to_string(key.size()));
  }
  std::string id = KeyId("mara-data-key/1", key.span());
  return DataKey(std::move(id), std::move(key));
}

PublicKey PublicKey::FromBytes(std::span<const uint8_t, kPublicKeyBytes> bytes) {
  PublicKey key;
  std::copy(bytes.begin(), bytes.end(), key.bytes.begin());
  key.id = KeyId("mara-signing-key/1", bytes);
  return key;
}

std::string PublicKey::ToText() const { return std::string(kPublicKeyPrefix) + ToBase64(bytes); }

Result<PublicKey> PublicKey::FromText(std::string_view text) {
  if (!text.starts_with(kPublicKeyPrefix)) {
    return Status::InvalidArgument("public key must start with 'ed25519:'");
  }
  MARA_ASSIGN_OR_RETURN(auto raw, FromBase64(text.substr(kPublicKeyPrefix.size()), "public key"));
  if (raw.size() != kPublicKeyBytes) {
    return Status::InvalidArgument("public key must have 32 bytes, got " +
                                   std::to_string(raw.size()));
  }
  return FromBytes(std::span<const uint8_t, kPublicKeyBytes>(raw.data(), kPublicKeyBytes));
}

bool PublicKey::Verify(std::span<const uint8_t> message, std::span<const uint8_t> signature) const {
  EnsureSodium();
  if (signature.size() != kSignatureBytes) return false;
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     bytes.data()) == 0;
}

SigningKey SigningKey::Generate(Random& random) {
  SecretBytes seed(kSigningSeedBytes);
  random.Fill(seed.mutable_span());
  auto key = FromSeed(std::move(seed));
  return std::move(key).value();  // the size is right by construction
}

Result<SigningKey> SigningKey::FromSeed(SecretBytes seed) {
  EnsureSodium();
  if (seed.size() != kSigningSeedBytes) {
    return Status::InvalidArgument("a signing key seed must have " +
                                   std::to_string(kSigningSeedBytes) + " bytes, got " +
                                   std::to_string(seed.size()));
  }
  SecretBytes secret(crypto_sign_SECRETKEYBYTES);
  std::array<uint8_t, kPublicKeyBytes> pk{};
  crypto_sign_seed_keypair(pk.data(), secret.data(), seed.data());
  return SigningKey(std::move(seed), std::move(secret), PublicKey::FromBytes(pk));
}

std::array<uint8_t, kSignatureBytes> SigningKey::Sign(std::span<const uint8_t> message) const {
  std::array<uint8_t, kSignatureBytes> sig{};
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), secret_key_.data());
  return sig;
}

SigningKey SigningKey::Clone() const {
  return SigningKey(seed_.Clone(), secret_key_.Clone(), public_key_);
}

const DataKey* KeyMaterial::FindDataKey(std::string_view id) const {
  for (const DataKey& key : data_keys) {
    if (key.id() == id) return &key;
  }
  return nullptr;
}

KeyMaterial KeyMaterial::Clone() const {
  KeyMaterial out;
  for (const DataKey& key : data_keys) out.data_keys.push_back(key.Clone());
  if (signing_key) out.signing_key = signing_key->Clone();
  return out;
}

KeyMaterial GenerateKeyMaterial(Random& random, bool with_data_key) {
  KeyMaterial keys;
  if (with_data_key) keys.data_keys.push_back(DataKey::Generate(random));
  keys.signing_key = SigningKey::Generate(random);
  return keys;
}

const DataKey& RotateDataKey(KeyMaterial& keys, Random& random) {
  keys.data_keys.insert(keys.data_keys.begin(), DataKey::Generate(random));
  return keys.data_keys.front();
}

void DropRetiredDataKeys(KeyMaterial& keys) {
  if (keys.data_keys.size() > 1)
    keys.data_keys.erase(keys.data_keys.begin() + 1, keys.data_keys.end());
}

std::string SerializeKeyMaterial(const KeyMaterial& keys) {
  std::string out;
  out.reserve(160 + 80 * (keys.data_keys.size() + 1));  // one allocation: no stray copies
  out += kKeyFileFormat;
  out += "\n# Mara keys. Keep this file secret (mode 0600) and backed up: without the\n";
  out += "# data key the encrypted fields cannot be read. Format: docs/keys.md\n";
  for (const DataKey& key : keys.data_keys) {
    out += "data-key ";
    out += key.id();
    out += ' ';
    WipedString encoded{ToBase64(key.bytes().span())};
    out += encoded.text;
    out += '\n';
  }
  if (keys.signing_key) {
    out += "signing-key ";
    out += keys.signing_key->id();
    out += ' ';
    WipedString encoded{ToBase64(keys.signing_key->seed().span())};
    out += encoded.text;
    out += '\n';
  }
  return out;
}

Result<KeyMaterial> ParseKeyMaterial(std::string_view text, std::string_view origin) {
  const std::string where = "key file " + std::string(origin);
  KeyMaterial keys;
  std::set<std::string> seen_ids;
  size_t line_no = 0;
  bool have_format = false;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    const std::string at = where + " line " + std::to_string(line_no) + ": ";
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!have_format) {
      if (line != kKeyFileFormat) {
        return Status::Corruption(at + "expected the format line 'mara-keys/1'");
      }
      have_format = true;
      continue;
    }
    if (line.empty() || line.front() == '#') continue;
    size_t sp1 = line.find(' ');
    size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
      return Status::Corruption(at + "expected '<kind> <id> <base64 key>'");
    }
    std::string_view kind = line.substr(0, sp1);
    std::string id(line.substr(sp1 + 1, sp2 - sp1 - 1));
    std::string_view encoded = line.substr(sp2 + 1);
    if (kind == "data-key") {
      auto bytes = SecretFromBase64(encoded, kDataKeyBytes, "data-key");
      if (!bytes.ok()) return Status::Corruption(at + bytes.status().message());
      auto key = DataKey::FromBytes(std::move(bytes).value());
      if (!key.ok()) return Status::Corruption(at + key.status().message());
      if (key->id() != id) return Status::Corruption(at + "data-key id does not match its key");
      if (!seen_ids.insert(id).second) {
        return Status::Corruption(at + "data-key " + id + " appears twice");
      }
      keys.data_keys.push_back(std::move(key).value());
    } else if (kind == "signing-key") {
      if (keys.signing_key) return Status::Corruption(at + "a second signing-key line");
      auto seed = SecretFromBase64(encoded, kSigningSeedBytes, "signing-key");
      if (!seed.ok()) return Status::Corruption(at + seed.status().message());
      auto key = SigningKey::FromSeed(std::move(seed).value());
      if (!key.ok()) return Status::Corruption(at + key.status().message());
      if (key->id() != id) {
        return Status::Corruption(at + "signing-key id does not match its key");
      }
      keys.signing_key = std::move(key).value();
    } else {
      return Status::Corruption(at + "unknown entry " + QuoteForMessage(kind) +
                                " (expected data-key or signing-key)");
    }
  }
  if (!have_format) return Status::Corruption(where + " is empty");
  return keys;
}

Status WriteKeyFile(const std::string& path, const KeyMaterial& keys, bool overwrite) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const std::string dir =
      target.has_parent_path() ? target.parent_path().string() : std::string(".");
  std::string tmpl = path + ".tmp.XXXXXX";
  WipedString text{SerializeKeyMaterial(keys)};
  Fd fd{::mkstemp(tmpl.data())};
  if (fd.fd < 0)
    return Status::IOError("creating a temporary key file beside " + path + ": " + Errno(errno));
  const std::string tmp = tmpl;
  auto fail = [&tmp](Status s) {
    ::unlink(tmp.c_str());
    return s;
  };
  if (::fchmod(fd.fd, 0600) != 0) {
    return fail(Status::IOError("setting mode 0600 on " + tmp + ": " + Errno(errno)));
  }
  if (Status s = WriteAll(fd.fd, text.text, tmp); !s.ok()) return fail(s);
  if (::fsync(fd.fd) != 0) return fail(Status::IOError("syncing " + tmp + ": " + Errno(errno)));
  if (::close(fd.fd) != 0) {
    fd.fd = -1;
    return fail(Status::IOError("closing " + tmp + ": " + Errno(errno)));
  }
  fd.fd = -1;
  if (overwrite) {
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      return fail(Status::IOError("renaming " + tmp + " to " + path + ": " + Errno(errno)));
    }
  } else {
    // link() fails atomically when the target exists, which rename() would
    // silently replace: init must never clobber the keys of existing data.
    if (::link(tmp.c_str(), path.c_str()) != 0) {
      int err = errno;
      if (err == EEXIST) {
        return fail(Status::Conflict("key file " + path +
                                     " already exists; refusing to replace existing keys"));
      }
      return fail(Status::IOError("creating key file " + path + ": " + Errno(err)));
    }
    ::unlink(tmp.c_str());
  }
  return FsyncDirectory(dir);
}

Result<KeyMaterial> ReadKeyFile(const std::string& path) {
  Fd fd{::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY)};
  if (fd.fd < 0) {
    int err = errno;
    if (err == ENOENT) return Status::NotFound("key file " + path + " does not exist");
    if (err == ELOOP) {
      return Status::PermissionDenied("key file " + path +
                                      " is a symbolic link; refusing it (use the real path)");
    }
    if (err == EACCES) {
      return Status::PermissionDenied("key file " + path + ": " + Errno(err));
    }
    return Status::IOError("opening key file " + path + ": " + Errno(err));
  }
  struct stat st {};
  if (::fstat(fd.fd, &st) != 0) {
    return Status::IOError("checking key file " + path + ": " + Errno(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return Status::PermissionDenied("key file " + path + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::PermissionDenied("key file " + path +
                                    " is accessible by group or others (mode " + mode +
                                    "); run: chmod 600 " + path);
  }
  if (st.st_size > (1 << 20)) {
    return Status::Corruption("key file " + path + " is larger than 1 MiB");
  }
  WipedString text;
  text.text.resize(static_cast<size_t>(st.st_size) + 1);
  size_t got = 0;
  while (true) {
    ssize_t n = ::read(fd.fd, text.text.data() + got, text.text.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("reading key file " + path + ": " + Errno(errno));
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
    if (got == text.text.size()) {
      return Status::Corruption("key file " + path + " changed while being read");
    }
  }
  return ParseKeyMaterial(std::string_view(text.text).substr(0, got), path);
}

Result<KeyMaterial> CreateKeyFile(const std::string& path, Random& random, bool with_data_key) {
  KeyMaterial keys = GenerateKeyMaterial(random, with_data_key);
  MARA_RETURN_IF_ERROR(WriteKeyFile(path, keys, /*overwrite=*/false));
  return keys;
}

Result<DataKey> DataKeyFromEnvironmentValue(std::string_view value) {
  const std::string what = std::string(kKeyEnvVar);
  Result<SecretBytes> bytes = Status::InvalidArgument("");
  if (value.size() == kDataKeyBytes * 2) {
    bytes = SecretFromHex(value, kDataKeyBytes, what);
  } else if (value.size() == 44) {
    bytes = SecretFromBase64(value, kDataKeyBytes, what);
  } else {
    return Status::InvalidArgument(what + " must hold the 32-byte data key as 64 lowercase hex " +
                                   "digits or 44 characters of base64; it has " +
                                   std::to_string(value.size()) + " characters");
  }
  if (!bytes.ok()) return bytes.status();
  return DataKey::FromBytes(std::move(bytes).value());
}

Result<KeyMaterial> LoadKeys(const KeySource& source) {
  MARA_ASSIGN_OR_RETURN(KeyMaterial keys, ReadKeyFile(source.path));
  if (source.env_value) {
    MARA_ASSIGN_OR_RETURN(DataKey env_key, DataKeyFromEnvironmentValue(*source.env_value));
    std::vector<DataKey> data_keys;
    for (DataKey& key : keys.data_keys) {
      if (key.id() != env_key.id()) data_keys.push_back(std::move(key));
    }
    data_keys.insert(data_keys.begin(), std::move(env_key));
    keys.data_keys = std::move(data_keys);
  }
  if (keys.data_keys.empty()) {
    return Status::NotFound("no data key: key file " + source.path + " holds none and " +
                            std::string(kKeyEnvVar) + " is not set");
  }
  if (!keys.signing_key) {
    return Status::NotFound("key file " + source.path + " holds no signing-key");
  }
  return keys;
}

KeySource KeySourceFromEnvironment(std::string path) {
  KeySource source{std::move(path), std::nullopt};
  const std::string name(kKeyEnvVar);
  if (const char* value = std::getenv(name.c_str()); value != nullptr) source.env_value = value;
  return source;
}

}  // namespace mara::security
