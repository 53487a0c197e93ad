#include "service/evidence.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "common/text.h"
#include "domain/disclosure.h"
#include "domain/validate.h"
#include "security/encoding.h"
#include "security/random.h"
#include "security/secret.h"
#include "service/core.h"
#include "service/visibility.h"

namespace mara {
namespace {

namespace fs = std::filesystem;
using security::Operation;

constexpr size_t kChunk = 64 * 1024;
constexpr std::string_view kMagic = "mara-evidence/1\n";
constexpr size_t kKeyIdBytes = 16;
constexpr size_t kHeaderBytes = crypto_secretstream_xchacha20poly1305_HEADERBYTES;
constexpr size_t kABytes = crypto_secretstream_xchacha20poly1305_ABYTES;

// Closes a descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int Release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

EvidenceFileOps& FileOps() {
  static EvidenceFileOps ops{&::write, &::fsync};
  return ops;
}

Status Errno(const std::string& what) {
  return Status::IOError(what + ": " + std::strerror(errno));
}

// Reads up to `size` bytes, retrying short reads, so that a chunk is only
// short at the end of the file.
Result<size_t> ReadFull(int fd, uint8_t* out, size_t size, const std::string& what) {
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(fd, out + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno(what);
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return done;
}

Status WriteFull(int fd, const uint8_t* data, size_t size, const std::string& what) {
  size_t done = 0;
  while (done < size) {
    const ssize_t n = FileOps().write(fd, data + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno(what);
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

std::string AssociatedData(std::string_view key_id) {
  return std::string(kMagic) + std::string(key_id);
}

std::string TempName(const std::string& dir) {
  std::array<uint8_t, 8> r{};
  security::DefaultRandom().Fill(r);
  return (fs::path(dir) / (".intake-" + security::ToHex(r))).string();
}

Status EnsureDir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return Status::IOError("evidence directory " + QuoteForMessage(dir) + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  return Status::Ok();
}

// A media type from the outside name's extension, from a fixed list; the
// name itself is never kept.
std::string GuessMediaType(const std::string& path) {
  static const std::map<std::string, std::string> kTypes = {
      {".pdf", "application/pdf"}, {".jpg", "image/jpeg"},     {".jpeg", "image/jpeg"},
      {".png", "image/png"},       {".txt", "text/plain"},     {".mp3", "audio/mpeg"},
      {".wav", "audio/wav"},       {".mp4", "video/mp4"},      {".json", "application/json"},
      {".csv", "text/csv"},        {".zip", "application/zip"}};
  std::string ext = fs::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = kTypes.find(ext);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

std::string StoredPath(const Session& session, const std::string& sha256) {
  return (fs::path(session.evidence_dir()) / sha256).string();
}

// The ids of withdrawn incidents and testimony sources: their evidence is
// in no listing and cannot be exported (domain/disclosure.h).
Result<std::set<std::string>> WithdrawnSubjects(Session& session, const Bundle& registry) {
  MARA_ASSIGN_OR_RETURN(std::set<std::string> withdrawn, WithdrawnIncidentIds(session));
  for (const Source& source : registry.sources) {
    if (source.consent && IsWithdrawn(*source.consent)) withdrawn.insert(source.id);
  }
  return withdrawn;
}

Result<EvidenceItem> FindItem(Session& session, const std::string& id) {
  MARA_ASSIGN_OR_RETURN(Bundle registry, session.store().LoadRegistry());
  MARA_ASSIGN_OR_RETURN(std::set<std::string> withdrawn, WithdrawnSubjects(session, registry));
  for (EvidenceItem& e : registry.evidence) {
    if (e.id == id && !OfWithdrawn(e, withdrawn)) return std::move(e);
  }
  return Status::NotFound("no evidence item " + QuoteForMessage(id));
}

// `require`: the operation stops on a refusal, which is recorded
// (Session::Require); otherwise the check only answers.
Status AuthorizeView(Session& session, const EvidenceItem& item, bool require = false) {
  if (item.incident) {
    MARA_ASSIGN_OR_RETURN(std::optional<Incident> incident,
                          session.store().GetIncident(*item.incident));
    if (incident) {
      security::Scope scope;
      scope.situation = incident->situation;
      scope.target = "evidence " + item.id;
      return require ? session.Require(Operation::kViewEvidence, scope)
                     : session.Authorize(Operation::kViewEvidence, scope);
    }
  }
  return require ? session.RequireEverywhere(Operation::kViewEvidence)
                 : session.AuthorizeEverywhere(Operation::kViewEvidence);
}

}  // namespace

// ---------------------------------------------------------------- codec

Result<SealedEvidence> EncryptEvidenceStream(int in_fd, const std::string& out_path,
                                             const security::DataKey& key) {
  security::EnsureSodium();
  Fd out(::open(out_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (out.get() < 0) return Errno(out_path);
  const std::string ad = AssociatedData(key.id());
  crypto_secretstream_xchacha20poly1305_state state;
  uint8_t header[kHeaderBytes];
  crypto_secretstream_xchacha20poly1305_init_push(&state, header, key.bytes().data());
  MARA_RETURN_IF_ERROR(WriteFull(out.get(), reinterpret_cast<const uint8_t*>(kMagic.data()),
                                 kMagic.size(), out_path));
  MARA_RETURN_IF_ERROR(WriteFull(out.get(), reinterpret_cast<const uint8_t*>(key.id().data()),
                                 key.id().size(), out_path));
  MARA_RETURN_IF_ERROR(WriteFull(out.get(), header, sizeof header, out_path));

  crypto_hash_sha256_state sha;
  crypto_hash_sha256_init(&sha);
  auto current = std::make_unique<uint8_t[]>(kChunk);
  auto next = std::make_unique<uint8_t[]>(kChunk);
  auto sealed = std::make_unique<uint8_t[]>(kChunk + kABytes);
  SealedEvidence result;
  MARA_ASSIGN_OR_RETURN(size_t current_size, ReadFull(in_fd, current.get(), kChunk, "evidence"));
  while (true) {
    size_t next_size = 0;
    if (current_size == kChunk) {
      MARA_ASSIGN_OR_RETURN(next_size, ReadFull(in_fd, next.get(), kChunk, "evidence"));
    }
    const bool last = next_size == 0;
    crypto_hash_sha256_update(&sha, current.get(), current_size);
    result.size += static_cast<int64_t>(current_size);
    unsigned long long sealed_size = 0;
    crypto_secretstream_xchacha20poly1305_push(
        &state, sealed.get(), &sealed_size, current.get(), current_size,
        reinterpret_cast<const uint8_t*>(ad.data()), ad.size(),
        last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
    MARA_RETURN_IF_ERROR(WriteFull(out.get(), sealed.get(), sealed_size, out_path));
    if (last) break;
    std::swap(current, next);
    current_size = next_size;
  }
  uint8_t digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&sha, digest);
  result.sha256 = security::ToHex(digest);
  if (FileOps().fsync(out.get()) != 0) return Errno(out_path);
  return result;
}

Status DecryptEvidenceFile(const std::string& path, const security::KeyMaterial& keys,
                           const std::function<Status(std::string_view)>& sink) {
  security::EnsureSodium();
  Fd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (in.get() < 0) {
    if (errno == ENOENT)
      return Status::NotFound("stored evidence file " + QuoteForMessage(path) + " is missing");
    return Errno(path);
  }
  auto corrupt = [&](std::string_view why) {
    return Status::Corruption("stored evidence file " + QuoteForMessage(path) + ": " +
                              std::string(why));
  };
  uint8_t head[kMagic.size() + kKeyIdBytes + kHeaderBytes];
  MARA_ASSIGN_OR_RETURN(size_t got, ReadFull(in.get(), head, sizeof head, path));
  if (got != sizeof head ||
      std::string_view(reinterpret_cast<char*>(head), kMagic.size()) != kMagic) {
    return corrupt("not a mara-evidence/1 file");
  }
  const std::string key_id(reinterpret_cast<char*>(head) + kMagic.size(), kKeyIdBytes);
  const security::DataKey* key = keys.FindDataKey(key_id);
  if (key == nullptr) {
    return Status::NotFound("stored evidence file " + QuoteForMessage(path) +
                            " is encrypted with data key " + key_id + ", which is not loaded");
  }
  crypto_secretstream_xchacha20poly1305_state state;
  if (crypto_secretstream_xchacha20poly1305_init_pull(&state, head + kMagic.size() + kKeyIdBytes,
                                                      key->bytes().data()) != 0) {
    return corrupt("bad stream header");
  }
  const std::string ad = AssociatedData(key_id);
  auto sealed = std::make_unique<uint8_t[]>(kChunk + kABytes);
  auto plain = std::make_unique<uint8_t[]>(kChunk);
  while (true) {
    MARA_ASSIGN_OR_RETURN(size_t n, ReadFull(in.get(), sealed.get(), kChunk + kABytes, path));
    if (n < kABytes) return corrupt("truncated (no final chunk)");
    unsigned long long plain_size = 0;
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(
            &state, plain.get(), &plain_size, &tag, sealed.get(), n,
            reinterpret_cast<const uint8_t*>(ad.data()), ad.size()) != 0) {
      return corrupt("a chunk fails authentication (altered or wrong key)");
    }
    MARA_RETURN_IF_ERROR(
        sink(std::string_view(reinterpret_cast<const char*>(plain.get()), plain_size)));
    if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
      uint8_t extra;
      MARA_ASSIGN_OR_RETURN(size_t more, ReadFull(in.get(), &extra, 1, path));
      if (more != 0) return corrupt("bytes after the final chunk");
      return Status::Ok();
    }
    if (n < kChunk + kABytes) return corrupt("truncated (no final chunk)");
  }
}

Status ResealEvidenceFile(const std::string& path, const security::KeyMaterial& keys) {
  const security::DataKey* current = keys.current_data_key();
  if (current == nullptr) return Status::NotFound("no data key to re-encrypt evidence with");
  {
    Fd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (in.get() < 0) return Errno(path);
    char head[kMagic.size() + kKeyIdBytes];
    MARA_ASSIGN_OR_RETURN(size_t got,
                          ReadFull(in.get(), reinterpret_cast<uint8_t*>(head), sizeof head, path));
    if (got == sizeof head &&
        std::string_view(head + kMagic.size(), kKeyIdBytes) == current->id()) {
      return Status::Ok();
    }
  }
  // Chunk by chunk from the old stream into a new one, so the plain content
  // never touches the disk and memory stays constant.
  const std::string temp = TempName(fs::path(path).parent_path().string());
  Fd out(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (out.get() < 0) return Errno(temp);
  const std::string ad = AssociatedData(current->id());
  crypto_secretstream_xchacha20poly1305_state state;
  uint8_t header[kHeaderBytes];
  crypto_secretstream_xchacha20poly1305_init_push(&state, header, current->bytes().data());
  auto sealed = std::make_unique<uint8_t[]>(kChunk + kABytes);
  crypto_hash_sha256_state sha;
  crypto_hash_sha256_init(&sha);
  bool wrote_final = false;
  Status s =
      WriteFull(out.get(), reinterpret_cast<const uint8_t*>(kMagic.data()), kMagic.size(), temp);
  if (s.ok()) {
    s = WriteFull(out.get(), reinterpret_cast<const uint8_t*>(current->id().data()),
                  current->id().size(), temp);
  }
  if (s.ok()) s = WriteFull(out.get(), header, sizeof header, temp);
  // DecryptEvidenceFile hands over chunks of kChunk bytes except the last,
  // so the chunk boundaries, and hence the final tag, carry over.
  std::string pending;
  bool have_pending = false;
  auto push = [&](std::string_view bytes, bool last) -> Status {
    unsigned long long n = 0;
    crypto_secretstream_xchacha20poly1305_push(
        &state, sealed.get(), &n, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
        reinterpret_cast<const uint8_t*>(ad.data()), ad.size(),
        last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
    wrote_final = last;
    return WriteFull(out.get(), sealed.get(), n, temp);
  };
  if (s.ok()) {
    s = DecryptEvidenceFile(path, keys, [&](std::string_view bytes) -> Status {
      crypto_hash_sha256_update(&sha, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
      if (have_pending) MARA_RETURN_IF_ERROR(push(pending, false));
      pending.assign(bytes);
      have_pending = true;
      return Status::Ok();
    });
  }
  if (s.ok()) s = push(pending, true);
  uint8_t digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&sha, digest);
  if (s.ok() && security::ToHex(digest) != fs::path(path).filename().string()) {
    s = Status::Corruption("stored evidence file " + QuoteForMessage(path) +
                           " does not hash to its name; not re-encrypted");
  }
  if (s.ok() && (!wrote_final || FileOps().fsync(out.get()) != 0)) s = Errno(temp);
  if (s.ok() && ::rename(temp.c_str(), path.c_str()) != 0) s = Errno(path);
  if (!s.ok()) ::unlink(temp.c_str());
  return s;
}

// ---------------------------------------------------------------- service

Result<EvidenceItem> AddEvidence(Session& session, const std::string& path,
                                 const EvidenceIntake& intake) {
  Store& store = session.store();
  if (!intake.source && !intake.incident) {
    return Status::InvalidArgument("evidence needs --source or --incident");
  }
  if (intake.incident) {
    MARA_ASSIGN_OR_RETURN(std::optional<Incident> incident,
                          FindVisibleIncident(session, *intake.incident));
    if (!incident) return Status::NotFound("no incident " + QuoteForMessage(*intake.incident));
    security::Scope scope;
    scope.situation = incident->situation;
    MARA_RETURN_IF_ERROR(session.Require(Operation::kAddEvidence, scope));
  } else {
    MARA_RETURN_IF_ERROR(session.RequireEverywhere(Operation::kAddEvidence));
  }
  MARA_ASSIGN_OR_RETURN(Bundle registry, store.LoadRegistry());
  if (intake.source) {
    bool found = false;
    for (const Source& s : registry.sources) found = found || s.id == *intake.source;
    if (!found) return Status::NotFound("no source " + QuoteForMessage(*intake.source));
  }
  if (intake.id && !IsValidId(*intake.id)) {
    return Status::InvalidArgument("evidence id " + QuoteForMessage(*intake.id) + " is not valid");
  }
  std::string added;
  MARA_ASSIGN_OR_RETURN(Attachment file, StoreEvidenceFile(session, path, &added));
  EvidenceItem item;
  item.id = intake.id.value_or("EV-" + file.sha256.substr(0, 16));
  item.sha256 = file.sha256;
  item.size = file.size;
  item.media_type = file.media_type;
  item.source = intake.source;
  item.incident = intake.incident;
  item.description = intake.description;
  item.captured_at = intake.captured_at;
  if (intake.captured_sha256 && *intake.captured_sha256 != item.sha256) {
    if (!added.empty()) ::unlink(added.c_str());
    return Status::InvalidArgument("captured_sha256: the file received has SHA-256 " + item.sha256 +
                                   ", not the " + QuoteForMessage(*intake.captured_sha256) +
                                   " taken at capture: it changed since");
  }
  std::optional<FieldError> refused = CheckRecord(item);
  if (!refused) refused = CheckNotAfter(item, Today(session.clock()));
  if (refused) {
    if (!added.empty()) ::unlink(added.c_str());
    return Status::InvalidArgument(refused->field.substr(1) + ": " + refused->message);
  }
  for (const EvidenceItem& e : registry.evidence) {
    if (e.id == item.id && e.sha256 != item.sha256) {
      if (!added.empty()) ::unlink(added.c_str());
      return Status::Conflict("evidence item " + QuoteForMessage(item.id) +
                              " exists with other content");
    }
  }
  // A file without its record would be custody nobody logged: when the
  // store refuses the record, the file this intake added goes too.
  Status s = [&]() -> Status {
    Transaction tx(&store);
    MARA_RETURN_IF_ERROR(tx.Begin());
    MARA_RETURN_IF_ERROR(store.Put(item));
    // A file captured offline starts its custody at capture: the intake's
    // before digest is the SHA-256 taken then (equal to the after digest,
    // the bytes received).
    MARA_RETURN_IF_ERROR(session.Audit({"", "evidence.add", "evidence", item.id,
                                        intake.captured_sha256.value_or(""), item.sha256}));
    return tx.Commit();
  }();
  if (!s.ok()) {
    if (!added.empty()) ::unlink(added.c_str());
    return s;
  }
  return item;
}

Result<Attachment> StoreEvidenceFile(Session& session, const std::string& path,
                                     std::string* added) {
  added->clear();
  const security::DataKey* key = session.keys().current_data_key();
  if (key == nullptr) return Status::NotFound("no data key to encrypt evidence with");
  Fd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) {
    if (errno == ENOENT) return Status::NotFound(QuoteForMessage(path) + ": no such file");
    return Errno(QuoteForMessage(path));
  }
  struct stat st {};
  if (::fstat(in.get(), &st) != 0) return Errno(QuoteForMessage(path));
  if (!S_ISREG(st.st_mode)) {
    return Status::InvalidArgument(QuoteForMessage(path) + " is not a regular file");
  }
  MARA_RETURN_IF_ERROR(EnsureDir(session.evidence_dir()));
  const std::string temp = TempName(session.evidence_dir());
  Result<SealedEvidence> sealed = EncryptEvidenceStream(in.get(), temp, *key);
  if (!sealed.ok()) {
    ::unlink(temp.c_str());
    return sealed.status();
  }
  Attachment file;
  file.sha256 = sealed->sha256;
  file.size = sealed->size;
  file.media_type = GuessMediaType(path);
  const std::string stored = StoredPath(session, file.sha256);
  std::error_code ec;
  if (fs::exists(stored, ec)) {
    ::unlink(temp.c_str());  // the same content is stored already
  } else if (::rename(temp.c_str(), stored.c_str()) != 0) {
    Status s = Errno(stored);
    ::unlink(temp.c_str());
    return s;
  } else {
    *added = stored;
  }
  return file;
}

EvidenceFileOps SetEvidenceFileOpsForTesting(EvidenceFileOps ops) {
  EvidenceFileOps previous = FileOps();
  FileOps() = ops;
  return previous;
}

Result<std::string> LoadEvidenceFile(Session& session, const Attachment& file) {
  std::string bytes;
  crypto_hash_sha256_state sha;
  crypto_hash_sha256_init(&sha);
  MARA_RETURN_IF_ERROR(DecryptEvidenceFile(
      StoredPath(session, file.sha256), session.keys(), [&](std::string_view chunk) {
        crypto_hash_sha256_update(&sha, reinterpret_cast<const uint8_t*>(chunk.data()),
                                  chunk.size());
        bytes.append(chunk);
        return Status::Ok();
      }));
  uint8_t digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&sha, digest);
  if (security::ToHex(digest) != file.sha256 || static_cast<int64_t>(bytes.size()) != file.size) {
    return Status::Corruption("stored file " + file.sha256 + " no longer matches its SHA-256");
  }
  return bytes;
}

Status ExportEvidence(Session& session, const std::string& id, const std::string& out_path) {
  MARA_ASSIGN_OR_RETURN(EvidenceItem item, FindItem(session, id));
  MARA_RETURN_IF_ERROR(AuthorizeView(session, item, true));
  Fd out(::open(out_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (out.get() < 0) {
    if (errno == EEXIST) return Status::Conflict(QuoteForMessage(out_path) + " exists");
    return Errno(QuoteForMessage(out_path));
  }
  crypto_hash_sha256_state sha;
  crypto_hash_sha256_init(&sha);
  Status s = DecryptEvidenceFile(
      StoredPath(session, item.sha256), session.keys(), [&](std::string_view bytes) {
        crypto_hash_sha256_update(&sha, reinterpret_cast<const uint8_t*>(bytes.data()),
                                  bytes.size());
        return WriteFull(out.get(), reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                         out_path);
      });
  uint8_t digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&sha, digest);
  if (s.ok() && security::ToHex(digest) != item.sha256) {
    s = Status::Corruption("evidence item " + QuoteForMessage(id) +
                           ": stored content no longer matches its SHA-256");
  }
  if (!s.ok()) {
    ::close(out.Release());
    ::unlink(out_path.c_str());
    return s;
  }
  return session.Audit({"", "evidence.export", "evidence", id, item.sha256, item.sha256});
}

Result<EvidenceVerification> VerifyEvidence(Session& session) {
  MARA_RETURN_IF_ERROR(session.RequireEverywhere(Operation::kViewEvidence));
  MARA_ASSIGN_OR_RETURN(Bundle registry, session.store().LoadRegistry());
  EvidenceVerification result;
  for (const EvidenceItem& item : registry.evidence) {
    ++result.checked;
    crypto_hash_sha256_state sha;
    crypto_hash_sha256_init(&sha);
    int64_t size = 0;
    Status s = DecryptEvidenceFile(
        StoredPath(session, item.sha256), session.keys(), [&](std::string_view bytes) {
          crypto_hash_sha256_update(&sha, reinterpret_cast<const uint8_t*>(bytes.data()),
                                    bytes.size());
          size += static_cast<int64_t>(bytes.size());
          return Status::Ok();
        });
    if (!s.ok()) {
      result.problems.push_back(
          {item.id, item.sha256,
           s.code() == StatusCode::kNotFound ? "missing: " + s.message() : s.message()});
      continue;
    }
    uint8_t digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&sha, digest);
    const std::string actual = security::ToHex(digest);
    if (actual != item.sha256 || size != item.size) {
      result.problems.push_back(
          {item.id, item.sha256,
           "hash mismatch: content hashes to " + actual + " (" + std::to_string(size) + " bytes)"});
    }
  }
  MARA_RETURN_IF_ERROR(session.Audit({"", "evidence.verify", "evidence", "", "", ""}));
  return result;
}

Result<EvidenceItemCheck> VerifyEvidenceItem(Session& session, const std::string& id) {
  MARA_ASSIGN_OR_RETURN(EvidenceItem item, FindItem(session, id));
  MARA_RETURN_IF_ERROR(AuthorizeView(session, item, true));
  security::Scope scope;
  scope.target = "evidence " + item.id;
  if (item.incident) {
    MARA_ASSIGN_OR_RETURN(std::optional<Incident> incident,
                          session.store().GetIncident(*item.incident));
    if (incident) scope.situation = incident->situation;
  }
  // Who received the item: the principals of its intake records.
  bool received = false;
  MARA_RETURN_IF_ERROR(session.store().ScanAuditRecords([&](const security::AuditRecord& r) {
    if (r.collection == "evidence" && r.target_id == id && r.action == "evidence.add" &&
        r.principal == session.name()) {
      received = true;
    }
    return Status::Ok();
  }));
  if (received) scope.created_by = session.name();
  // Roles, situation and four eyes (a reviewer's grant is not situation-bound).
  MARA_RETURN_IF_ERROR(session.Require(Operation::kVerifyIncident, scope));
  crypto_hash_sha256_state sha;
  crypto_hash_sha256_init(&sha);
  int64_t size = 0;
  Status s = DecryptEvidenceFile(
      StoredPath(session, item.sha256), session.keys(), [&](std::string_view bytes) {
        crypto_hash_sha256_update(&sha, reinterpret_cast<const uint8_t*>(bytes.data()),
                                  bytes.size());
        size += static_cast<int64_t>(bytes.size());
        return Status::Ok();
      });
  EvidenceItemCheck check;
  check.id = item.id;
  check.sha256 = item.sha256;
  check.verified_by = session.name();
  check.verified_at = NowIso(session.clock());
  if (!s.ok()) {
    if (s.code() != StatusCode::kNotFound && s.code() != StatusCode::kCorruption) return s;
    check.problem = s.code() == StatusCode::kNotFound ? "the stored file is missing"
                                                      : "the stored file fails authentication";
  } else {
    uint8_t digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&sha, digest);
    if (security::ToHex(digest) != item.sha256 || size != item.size) {
      check.problem = "the stored content no longer matches the SHA-256 recorded at intake";
    }
  }
  check.intact = check.problem.empty();
  MARA_RETURN_IF_ERROR(session.Audit(
      {"", "evidence.verify", "evidence", item.id, item.sha256, check.intact ? item.sha256 : ""}));
  return check;
}

Result<std::vector<EvidenceItem>> ListEvidenceItems(Session& session,
                                                    const std::optional<std::string>& incident) {
  MARA_RETURN_IF_ERROR(session.RequireSomewhere(Operation::kViewEvidence));
  MARA_ASSIGN_OR_RETURN(Bundle registry, session.store().LoadRegistry());
  MARA_ASSIGN_OR_RETURN(std::set<std::string> withdrawn, WithdrawnSubjects(session, registry));
  std::vector<EvidenceItem> out;
  for (EvidenceItem& item : registry.evidence) {
    if (incident && item.incident != *incident) continue;
    if (OfWithdrawn(item, withdrawn)) continue;
    if (!AuthorizeView(session, item).ok()) continue;
    out.push_back(std::move(item));
  }
  return out;
}

Result<std::vector<security::AuditRecord>> CustodyLog(Session& session, const std::string& id) {
  MARA_ASSIGN_OR_RETURN(EvidenceItem item, FindItem(session, id));
  MARA_RETURN_IF_ERROR(AuthorizeView(session, item, true));
  std::vector<security::AuditRecord> out;
  MARA_RETURN_IF_ERROR(session.store().ScanAuditRecords([&](const security::AuditRecord& r) {
    if (r.collection == "evidence" && r.target_id == id) out.push_back(r);
    return Status::Ok();
  }));
  MARA_RETURN_IF_ERROR(session.Audit({"", "evidence.custody", "evidence", id, "", ""}));
  return out;
}

}  // namespace mara
