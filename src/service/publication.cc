#include "service/publication.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "common/text.h"
#include "service/assess.h"
#include "service/core.h"
#include "service/signing.h"

namespace mara {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using security::Operation;

std::string MetaKey(int cycle, int number) {
  char n[16];
  std::snprintf(n, sizeof n, "%04d", number);
  return std::string(kPublicationMetaPrefix) + std::to_string(cycle) + "/" + n;
}

std::string Target(int cycle, int number) {
  return std::to_string(cycle) + "/" + std::to_string(number);
}

std::string DirectoryName(int cycle, int number) {
  return std::to_string(cycle) + "-" + std::to_string(number);
}

Result<Publication> FromJson(std::string_view key, std::string_view text) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    return Status::Corruption("meta " + QuoteForMessage(key) + ": not a publication record");
  }
  try {
    Publication p;
    p.cycle = j.at("cycle").get<int>();
    p.number = j.at("number").get<int>();
    p.state = j.at("state").get<std::string>();
    p.rationale = j.at("rationale").get<std::string>();
    p.requested_by = j.at("requested_by").get<std::string>();
    p.requested_at = j.at("requested_at").get<std::string>();
    p.signed_off_by = j.at("signed_off_by").get<std::string>();
    p.signed_off_at = j.at("signed_off_at").get<std::string>();
    p.policy_name = j.at("policy").at("name").get<std::string>();
    p.policy_version = j.at("policy").at("version").get<std::string>();
    p.policy_digest = j.at("policy").at("digest").get<std::string>();
    p.requested_data_digest = j.at("requested_data_digest").get<std::string>();
    p.data_digest = j.at("data_digest").get<std::string>();
    p.audit_seq = j.at("audit_head").at("seq").get<uint64_t>();
    p.audit_hash = j.at("audit_head").at("hash").get<std::string>();
    p.directory = j.at("directory").get<std::string>();
    for (const Json& f : j.at("files")) {
      p.files.push_back({f.at("name").get<std::string>(), f.at("format").get<std::string>(),
                         f.at("bytes").get<uint64_t>(), f.at("sha256").get<std::string>()});
    }
    if (MetaKey(p.cycle, p.number) != key) {
      return Status::Corruption("meta " + QuoteForMessage(key) + ": names another publication");
    }
    return p;
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption("meta " + QuoteForMessage(key) + ": " + e.what());
  }
}

// Every stored record of the cycle (every cycle when nullopt), by cycle and
// number.
Result<std::vector<Publication>> Stored(Session& session, std::optional<int> cycle) {
  std::string prefix(kPublicationMetaPrefix);
  if (cycle) prefix += std::to_string(*cycle) + "/";
  MARA_ASSIGN_OR_RETURN(auto entries, session.store().ListMeta(prefix));
  std::vector<Publication> out;
  for (const auto& [key, value] : entries) {
    MARA_ASSIGN_OR_RETURN(Publication p, FromJson(key, value));
    out.push_back(std::move(p));
  }
  std::sort(out.begin(), out.end(), [](const Publication& a, const Publication& b) {
    return std::pair(a.cycle, a.number) < std::pair(b.cycle, b.number);
  });
  return out;
}

std::optional<Publication> Pending(const std::vector<Publication>& of_cycle) {
  for (const Publication& p : of_cycle) {
    if (p.state == "requested") return p;
  }
  return std::nullopt;
}

// Whether the principal sees pending requests, statements and names.
bool SeesEverything(Session& session) {
  return session.Authorize(Operation::kRecordDecision).ok() ||
         session.AuthorizeEverywhere(Operation::kReadConfidential).ok();
}

Publication PublicView(Publication p) {
  p.rationale.clear();
  p.requested_by.clear();
  p.signed_off_by.clear();
  return p;
}

Status WriteFile(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.flush();
  if (!out) return Status::IOError(QuoteForMessage(path.string()) + ": write failed");
  return Status::Ok();
}

bool PlainName(std::string_view name) {
  if (name.empty() || name == "." || name == ".." || name.front() == '.') return false;
  return name.find('/') == std::string_view::npos && name.find('\\') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

}  // namespace

Json PublicationToJson(const Publication& p) {
  Json files = Json::array();
  for (const PublishedFile& f : p.files) {
    files.push_back(
        {{"name", f.name}, {"format", f.format}, {"bytes", f.bytes}, {"sha256", f.sha256}});
  }
  return Json{
      {"cycle", p.cycle},
      {"number", p.number},
      {"state", p.state},
      {"rationale", p.rationale},
      {"requested_by", p.requested_by},
      {"requested_at", p.requested_at},
      {"signed_off_by", p.signed_off_by},
      {"signed_off_at", p.signed_off_at},
      {"policy",
       {{"name", p.policy_name}, {"version", p.policy_version}, {"digest", p.policy_digest}}},
      {"requested_data_digest", p.requested_data_digest},
      {"data_digest", p.data_digest},
      {"audit_head", {{"seq", p.audit_seq}, {"hash", p.audit_hash}}},
      {"directory", p.directory},
      {"files", std::move(files)}};
}

namespace {

std::string PublicationsDirFor(const std::string& db, const std::string& evidence_dir) {
  if (!db.empty() && db.find("://") == std::string::npos) return db + ".publications";
  std::string base = evidence_dir.empty() ? "./mara.evidence" : evidence_dir;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  return base + ".publications";
}

}  // namespace

std::string PublicationsDir(const Session& session) {
  return PublicationsDirFor(session.db(), session.evidence_dir());
}

std::string PublicationsDir(const SessionOptions& options) {
  return PublicationsDirFor(options.db, ResolveEvidenceDir(options));
}

Result<Publication> RequestPublication(Session& session, const Policy& policy, int cycle,
                                       const std::string& rationale) {
  security::Scope scope;
  scope.rationale = rationale;
  scope.target = "publication of cycle " + std::to_string(cycle);
  MARA_RETURN_IF_ERROR(session.Authorize(Operation::kRecordDecision, scope));
  MARA_RETURN_IF_ERROR(CheckCycle(cycle, Today(session.clock()).year()));
  Publication p;
  MARA_RETURN_IF_ERROR([&]() -> Status {
    Transaction tx(&session.store());
    MARA_RETURN_IF_ERROR(tx.Begin());
    MARA_ASSIGN_OR_RETURN(std::vector<Publication> of_cycle, Stored(session, cycle));
    if (std::optional<Publication> pending = Pending(of_cycle)) {
      return Status::Conflict("cycle " + std::to_string(cycle) + ": publication " +
                              std::to_string(pending->number) + " was requested by " +
                              pending->requested_by + " and awaits sign-off");
    }
    p.cycle = cycle;
    p.number = of_cycle.empty() ? 1 : of_cycle.back().number + 1;
    p.state = "requested";
    p.rationale = std::string(TrimBlanks(rationale));
    p.requested_by = session.name();
    p.requested_at = NowIso(session.clock());
    p.policy_name = policy.name;
    p.policy_version = policy.version;
    p.policy_digest = PolicyDigest(policy);
    MARA_ASSIGN_OR_RETURN(p.requested_data_digest, DataDigest(session.store()));
    const std::string text = PublicationToJson(p).dump();
    MARA_RETURN_IF_ERROR(session.store().PutMeta(MetaKey(cycle, p.number), text));
    MARA_RETURN_IF_ERROR(session.Audit({"", "publication.request", "publications",
                                        Target(cycle, p.number), "", Blake2bHex(text)}));
    return tx.Commit();
  }());
  return p;
}

Result<Publication> SignOffPublication(Session& session, const Policy& policy, int cycle,
                                       const PublicationRenderer& render) {
  MARA_RETURN_IF_ERROR(session.Authorize(Operation::kRecordDecision, {.rationale = "sign-off"}));
  MARA_RETURN_IF_ERROR(CheckCycle(cycle, Today(session.clock()).year()));
  auto pending_request = [&]() -> Result<Publication> {
    MARA_ASSIGN_OR_RETURN(std::vector<Publication> of_cycle, Stored(session, cycle));
    std::optional<Publication> pending = Pending(of_cycle);
    if (!pending) {
      return Status::NotFound("cycle " + std::to_string(cycle) +
                              ": no publication request awaits sign-off");
    }
    if (pending->requested_by == session.name()) {
      return Status::PermissionDenied("four eyes: " + session.name() + " requested publication " +
                                      DirectoryName(cycle, pending->number) +
                                      " and may not sign it off; another decision maker must");
    }
    if (pending->policy_digest != PolicyDigest(policy)) {
      return Status::Conflict("publication " + DirectoryName(cycle, pending->number) +
                              " was requested under policy " + pending->policy_name + " " +
                              pending->policy_version + " (" + pending->policy_digest +
                              "); sign it off under the same policy");
    }
    return *pending;
  };
  MARA_ASSIGN_OR_RETURN(Publication request, pending_request());
  MARA_ASSIGN_OR_RETURN(RenderedSet set, render(session, policy, cycle));
  if (set.files.empty()) return Status::InvalidArgument("the publication has no files");

  // The files and their signatures go to a private staging folder first, so
  // a publication's folder exists whole or not at all.
  const fs::path root = PublicationsDir(session);
  const std::string directory = DirectoryName(cycle, request.number);
  const fs::path staging = root / ("." + directory + ".partial");
  const fs::path final_dir = root / directory;
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) {
    return Status::IOError("cannot create the publications folder " +
                           QuoteForMessage(root.string()) + ": " + ec.message());
  }
  fs::remove_all(staging, ec);
  fs::create_directory(staging, ec);
  if (ec) {
    return Status::IOError("cannot create " + QuoteForMessage(staging.string()) + ": " +
                           ec.message());
  }
  auto discard = [&] {
    std::error_code ignored;
    fs::remove_all(staging, ignored);
  };
  std::vector<PublishedFile> files;
  for (const RenderedFile& f : set.files) {
    if (!PlainName(f.name)) {
      discard();
      return Status::InvalidArgument("publication file " + QuoteForMessage(f.name) +
                                     ": not a plain file name");
    }
    ReportProvenance provenance;
    provenance.data_digest = set.data_digest;
    provenance.policy_digest = PolicyDigest(policy);
    provenance.policy_name = policy.name;
    provenance.cycle = cycle;
    provenance.edition = "public";
    provenance.format = f.format;
    Result<std::string> signature = SignReportBytes(session, f.bytes, provenance);
    Status written = signature.ok() ? WriteFile(staging / f.name, f.bytes) : signature.status();
    if (written.ok()) written = WriteFile(staging / (f.name + ".sig"), *signature);
    if (!written.ok()) {
      discard();
      return written;
    }
    files.push_back({f.name, f.format, f.bytes.size(), Sha256Hex(f.bytes)});
    files.push_back({f.name + ".sig", "signature", signature->size(), Sha256Hex(*signature)});
  }

  Publication p;
  bool renamed = false;
  Status stored = [&]() -> Status {
    Transaction tx(&session.store());
    MARA_RETURN_IF_ERROR(tx.Begin());
    // Checked again inside the transaction: another sign-off may have
    // taken the request meanwhile.
    MARA_ASSIGN_OR_RETURN(Publication current, pending_request());
    if (current.number != request.number) {
      return Status::Conflict("cycle " + std::to_string(cycle) +
                              ": the publication request changed; sign off again");
    }
    MARA_ASSIGN_OR_RETURN(std::string digest, DataDigest(session.store()));
    if (digest != set.data_digest) {
      return Status::Conflict("cycle " + std::to_string(cycle) +
                              ": the data changed while the annex was being written; sign off "
                              "again");
    }
    MARA_ASSIGN_OR_RETURN(security::AuditHead head, session.store().GetAuditHead());
    p = current;
    p.state = "published";
    p.signed_off_by = session.name();
    p.signed_off_at = NowIso(session.clock());
    p.data_digest = set.data_digest;
    p.audit_seq = head.seq;
    p.audit_hash = head.hash;
    p.directory = directory;
    p.files = files;
    const std::string before = PublicationToJson(current).dump();
    const std::string text = PublicationToJson(p).dump();
    MARA_RETURN_IF_ERROR(session.store().PutMeta(MetaKey(cycle, p.number), text));
    MARA_RETURN_IF_ERROR(
        session.Audit({"", "publication.signoff", "publications", Target(cycle, p.number),
                       Blake2bHex(before), Blake2bHex(text)}));
    // Nothing at the final path is a publication while the record says
    // "requested": a folder left by a failed earlier sign-off goes.
    std::error_code rename_ec;
    fs::remove_all(final_dir, rename_ec);
    fs::rename(staging, final_dir, rename_ec);
    if (rename_ec) {
      return Status::IOError("cannot move the publication into " +
                             QuoteForMessage(final_dir.string()) + ": " + rename_ec.message());
    }
    renamed = true;
    return tx.Commit();
  }();
  if (!stored.ok()) {
    std::error_code ignored;
    if (renamed) fs::remove_all(final_dir, ignored);
    discard();
    return stored;
  }
  return p;
}

Result<std::vector<Publication>> ListPublications(Session& session, std::optional<int> cycle) {
  MARA_RETURN_IF_ERROR(session.AuthorizeSomewhere(Operation::kReadPublic));
  MARA_ASSIGN_OR_RETURN(std::vector<Publication> all, Stored(session, cycle));
  if (SeesEverything(session)) return all;
  std::vector<Publication> out;
  for (Publication& p : all) {
    if (p.state == "published") out.push_back(PublicView(std::move(p)));
  }
  return out;
}

Result<std::optional<Publication>> LatestPublication(Session& session, int cycle) {
  MARA_ASSIGN_OR_RETURN(std::vector<Publication> all, ListPublications(session, cycle));
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (it->state == "published") return std::optional<Publication>(std::move(*it));
  }
  return std::optional<Publication>();
}

Result<bool> PublicationIsCurrent(Session& session, const Publication& publication) {
  MARA_RETURN_IF_ERROR(session.RequireSomewhere(Operation::kReadPublic));
  MARA_ASSIGN_OR_RETURN(std::string digest, DataDigest(session.store()));
  return digest == publication.data_digest;
}

Result<std::string> ReadPublishedFile(Session& session, int cycle, int number,
                                      std::string_view name) {
  MARA_RETURN_IF_ERROR(session.AuthorizeSomewhere(Operation::kReadPublic));
  MARA_ASSIGN_OR_RETURN(std::optional<std::string> text,
                        session.store().GetMeta(MetaKey(cycle, number)));
  const std::string what = "publication " + DirectoryName(cycle, number);
  if (!text) return Status::NotFound(what + ": no such publication");
  MARA_ASSIGN_OR_RETURN(Publication p, FromJson(MetaKey(cycle, number), *text));
  if (p.state != "published") return Status::NotFound(what + ": not published");
  auto file = std::find_if(p.files.begin(), p.files.end(),
                           [&](const PublishedFile& f) { return f.name == name; });
  if (file == p.files.end() || !PlainName(name) || !PlainName(p.directory)) {
    return Status::NotFound(what + ": no file " + QuoteForMessage(name));
  }
  const fs::path path = fs::path(PublicationsDir(session)) / p.directory / file->name;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(what + ": file " + QuoteForMessage(name) + " is missing");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return Status::IOError(what + ": file " + QuoteForMessage(name) + ": read failed");
  std::string out = std::move(bytes).str();
  if (Sha256Hex(out) != file->sha256) {
    return Status::Corruption(what + ": file " + QuoteForMessage(name) +
                              " is not the file published (SHA-256 differs)");
  }
  return out;
}

}  // namespace mara
