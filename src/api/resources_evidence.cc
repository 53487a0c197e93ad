// Evidence over HTTP (docs/api.md): upload (multipart), listing, download
// and the custody log. The bytes pass through a private temporary file
// (0600 in a 0700 directory in the store's temporary folder, removed
// afterwards) because the service layer reads and writes evidence by path;
// the uploaded name never becomes one. An upload's file part is a view into
// the transport's mapped spool file, written out from it block by block.
#include <fstream>
#include <iterator>
#include <utility>

#include "api/problem.h"
#include "api/resources_internal.h"
#include "common/temp_dir.h"
#include "common/text.h"
#include "domain/json_codec.h"
#include "service/evidence.h"

namespace mara::api::internal {
namespace {

using security::Operation;

Response PostEvidence(Request& req, Session& session) {
  const FormPart* file = req.Part("file");
  if (file == nullptr || file->filename.empty()) {
    return Problem(400, "invalid_argument",
                   "file: required (a multipart/form-data part named file with a filename)",
                   "file");
  }
  const FormPart* incident = req.Part("incident");
  if (incident == nullptr || incident->content.empty()) {
    return Problem(400, "invalid_argument", "incident: required (the incident's id)", "incident");
  }
  if (!IsValidId(incident->content)) {
    return Problem(400, "invalid_argument",
                   "incident: not a valid id: " + QuoteForMessage(incident->content), "incident");
  }
  EvidenceIntake intake;
  intake.incident = incident->content;
  if (const FormPart* description = req.Part("description"); description != nullptr) {
    if (!IsValidUtf8(description->content) || description->content.size() > 4096) {
      return Problem(400, "invalid_argument",
                     "description: expected UTF-8 text of at most 4096 bytes", "description");
    }
    if (!description->content.empty()) intake.description = description->content;
  }
  // A file captured offline: the hash and instant taken at capture.
  for (const char* name : {"captured_sha256", "captured_at"}) {
    const FormPart* part = req.Part(name);
    if (part == nullptr || part->content.empty()) continue;
    if (!IsValidUtf8(part->content) || part->content.size() > 64) {
      return Problem(400, "invalid_argument",
                     std::string(name) + ": expected at most 64 characters of UTF-8 text", name);
    }
    (std::string_view(name) == "captured_at" ? intake.captured_at : intake.captured_sha256) =
        part->content;
  }
  Result<ScopedTempDir> dir = req.temp_dir.empty()
                                  ? ScopedTempDir::Create("mara-upload")
                                  : ScopedTempDir::CreateIn(req.temp_dir, "upload");
  if (!dir.ok()) return ProblemFor(dir.status());
  const std::string path = dir->path() + "/upload" + SafeExtension(file->filename);
  Status written = WritePrivateFile(path, file->content);
  if (!written.ok()) return ProblemFor(written);
  Result<EvidenceItem> added = AddEvidence(session, path, intake);
  if (!added.ok()) {
    const Status& s = added.status();
    std::string field = s.code() == StatusCode::kNotFound ? "incident" : "";
    for (std::string_view name : {"captured_sha256", "captured_at"}) {
      if (s.message().starts_with(std::string(name) + ":")) field = name;
    }
    return ProblemFor(s, field);
  }
  Json body = ToJson(*added);
  body["blake2b"] = Blake2bHex(file->content);
  body["received_at"] = NowIso(session.clock());
  body["received_by"] = session.name();
  Response r = JsonResponse(body, 201);
  r.headers.emplace_back("Location", "/api/v1/evidence/" + added->id + "/content");
  r.headers.emplace_back("ETag", EtagOf(r.body));
  return r;
}

Response ListEvidence(Request& req, Session& session) {
  Result<std::vector<EvidenceItem>> listed = ListEvidenceItems(session, req.Query("incident"));
  if (!listed.ok()) return ProblemFor(listed.status());
  Json items = Json::array();
  for (const EvidenceItem& item : *listed) items.push_back(ToJson(item));
  return JsonResponse({{"items", std::move(items)}});
}

Response EvidenceContent(Request& req, Session& session) {
  const std::string& id = req.params.at("id");
  Result<std::vector<EvidenceItem>> listed = ListEvidenceItems(session, std::nullopt);
  if (!listed.ok()) return ProblemFor(listed.status());
  const EvidenceItem* item = nullptr;
  for (const EvidenceItem& e : *listed) {
    if (e.id == id) item = &e;
  }
  if (item == nullptr) return Problem(404, "not_found", "no evidence " + QuoteForMessage(id), "id");
  Result<ScopedTempDir> dir = ScopedTempDir::Create("mara-upload");
  if (!dir.ok()) return ProblemFor(dir.status());
  const std::string path = dir->path() + "/content";
  // ExportEvidence authorises, checks the hash and writes the custody record.
  Status exported = ExportEvidence(session, id, path);
  if (!exported.ok()) return ProblemFor(exported, "id");
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    return Problem(500, "io_error", "cannot read the exported evidence back");
  }
  Response r;
  r.content_type = item->media_type.empty() ? "application/octet-stream" : item->media_type;
  r.body = std::move(bytes);
  // The id is an IsValidId string, safe inside the quotes.
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + id + "\"");
  r.headers.emplace_back("X-Mara-SHA256", item->sha256);
  return r;
}

Response EvidenceCustody(Request& req, Session& session) {
  const std::string& id = req.params.at("id");
  Result<std::vector<security::AuditRecord>> log = CustodyLog(session, id);
  if (!log.ok()) return ProblemFor(log.status(), "id");
  Json items = Json::array();
  for (const security::AuditRecord& r : *log) items.push_back(AuditRecordJson(r));
  return JsonResponse({{"items", std::move(items)}});
}

Response VerifyEvidenceRoute(Request& req, Session& session) {
  const std::string& id = req.params.at("id");
  Result<EvidenceItemCheck> check = VerifyEvidenceItem(session, id);
  if (!check.ok()) return ProblemFor(check.status(), "id");
  Json body = {{"id", check->id},
               {"sha256", check->sha256},
               {"intact", check->intact},
               {"verified_by", check->verified_by},
               {"verified_at", check->verified_at}};
  if (!check->problem.empty()) body["problem"] = check->problem;
  return JsonResponse(body);
}

}  // namespace

std::vector<SessionRoute> EvidenceRoutes() {
  std::vector<SessionRoute> routes;
  routes.push_back(
      {{.method = "POST",
        .pattern = "/api/v1/evidence",
        .summary = "Upload evidence for an incident (multipart: file, incident, description, "
                   "captured_sha256, captured_at)",
        .multipart = true,
        .success_status = 201,
        .request_schema = "EvidenceUpload",
        .response_schema = "Evidence"},
       PostEvidence});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/evidence",
                     .summary = "Evidence items the caller may view",
                     .query = {{"incident", "only evidence of this incident"}},
                     .response_schema = "EvidenceList"},
                    ListEvidence});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/evidence/{id}/content",
                     .summary = "Download an evidence file (logged to its custody)",
                     .audited_read = true,
                     .produces = "*/*"},
                    EvidenceContent});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/evidence/{id}/custody",
                     .summary = "The chain of custody of an evidence item",
                     .response_schema = "CustodyLog"},
                    EvidenceCustody});
  routes.push_back({{.method = "POST",
                     .pattern = "/api/v1/evidence/{id}/verification",
                     .summary = "Check that the stored file still matches its SHA-256 (a "
                                "reviewer who did not receive it: four eyes); logged to custody",
                     .response_schema = "EvidenceCheck"},
                    VerifyEvidenceRoute});
  return routes;
}

}  // namespace mara::api::internal
