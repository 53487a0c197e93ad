// Communications from outside over HTTP (docs/api.md): submission
// (multipart, with attachments), the list for confidential readers and the
// ruling. The private follow link (GET /api/v1/follow/{token}) needs no
// login and is served by the server itself (server.cc). Attachments pass
// through private temporary files as evidence uploads do; their uploaded
// names never become paths and are not kept.
#include <utility>

#include "api/problem.h"
#include "api/resources_internal.h"
#include "common/temp_dir.h"
#include "common/text.h"
#include "domain/disclosure.h"
#include "service/communications.h"

namespace mara::api::internal {
namespace {

constexpr size_t kMaxAttachments = 10;
constexpr size_t kMaxFieldBytes = 64 * 1024;

// The problem for a service error: one that names a body member ("reason:
// ...", service/communications.h) names it as the pointer "/reason", in the
// field and at the start of the detail, as the other routes do.
Response ServiceProblem(const Status& s, std::string_view fallback = "") {
  const std::string& m = s.message();
  const size_t colon = m.find(':');
  bool named = colon != std::string::npos && colon > 0 && colon <= 32;
  for (size_t i = 0; named && i < colon; ++i) named = (m[i] >= 'a' && m[i] <= 'z') || m[i] == '_';
  if (!named) return ProblemFor(s, fallback);
  return ProblemFor(Status(s.code(), "/" + m), "/" + m.substr(0, colon));
}

// A text part of the form; "" when absent.
Result<std::string> TextPart(const Request& req, std::string_view name) {
  const FormPart* part = req.Part(std::string(name));
  if (part == nullptr) return std::string();
  if (!IsValidUtf8(part->content) || part->content.size() > kMaxFieldBytes) {
    return Status::InvalidArgument("/" + std::string(name) +
                                   ": expected UTF-8 text of at most 65536 bytes");
  }
  return std::string(part->content);
}

template <typename E>
Result<E> EnumPart(const Request& req, std::string_view name) {
  MARA_ASSIGN_OR_RETURN(std::string text, TextPart(req, name));
  std::optional<E> value = ParseEnum<E>(text);
  if (!value) {
    return Status::InvalidArgument("/" + std::string(name) + ": expected " + AllowedValues<E>() +
                                   ", got " + QuoteForMessage(text));
  }
  return *value;
}

Response PostCommunication(Request& req, Session& session) {
  CommunicationSubmission sub;
  Result<CommunicationKind> kind = EnumPart<CommunicationKind>(req, "kind");
  if (!kind.ok()) return Refused(kind.status());
  sub.kind = *kind;
  Result<SubmitterKind> submitter_kind = EnumPart<SubmitterKind>(req, "submitter_kind");
  if (!submitter_kind.ok()) return Refused(submitter_kind.status());
  sub.submitter_kind = *submitter_kind;
  for (std::string_view name : {"party", "submitter", "text"}) {
    Result<std::string> value = TextPart(req, name);
    if (!value.ok()) return Refused(value.status());
    if (name == "party" && !value->empty()) sub.party = *value;
    if (name == "submitter") sub.submitter = *value;
    if (name == "text") sub.text = *value;
  }
  std::vector<const FormPart*> files;
  for (const FormPart& part : req.parts) {
    if (part.name != "attachment") continue;
    if (part.filename.empty()) {
      return Problem(400, "invalid_argument", "attachment: each attachment must be a file",
                     "attachment");
    }
    files.push_back(&part);
  }
  if (files.size() > kMaxAttachments) {
    return Problem(400, "invalid_argument",
                   "attachment: at most " + std::to_string(kMaxAttachments) + " files",
                   "attachment");
  }
  std::optional<ScopedTempDir> dir;
  if (!files.empty()) {
    Result<ScopedTempDir> made = req.temp_dir.empty()
                                     ? ScopedTempDir::Create("mara-upload")
                                     : ScopedTempDir::CreateIn(req.temp_dir, "upload");
    if (!made.ok()) return ProblemFor(made.status());
    dir.emplace(std::move(*made));
    for (size_t i = 0; i < files.size(); ++i) {
      const std::string path =
          dir->path() + "/attachment" + std::to_string(i) + SafeExtension(files[i]->filename);
      Status written = WritePrivateFile(path, files[i]->content);
      if (!written.ok()) return ProblemFor(written);
      sub.attachment_paths.push_back(path);
    }
  }
  Result<SubmittedCommunication> submitted = SubmitCommunication(session, sub);
  if (!submitted.ok()) {
    return ServiceProblem(submitted.status());
  }
  const Communication& c = submitted->communication;
  // The submitter learns what its private link will show, the token once,
  // and nothing more of the record.
  Json body = CommunicationFollowJson(c);
  body["attachments"] = c.attachments.size();
  body["follow_token"] = submitted->follow_token;
  body["follow_path"] = "/api/v1/follow/" + submitted->follow_token;
  Response r = JsonResponse(body, 201);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response ListCommunicationsRoute(Request& req, Session& session) {
  Result<std::vector<Communication>> listed = ListCommunications(session, req.Query("party"));
  if (!listed.ok()) return ProblemFor(listed.status());
  Json items = Json::array();
  for (const Communication& c : *listed) {
    items.push_back(CommunicationJson(c, Edition::kConfidential));
  }
  return JsonResponse({{"items", std::move(items)}});
}

Response PostCommunicationRuling(Request& req, Session& session) {
  Result<Json> body = ParseBody(req);
  if (!body.ok()) return ProblemFor(body.status(), "body");
  CommunicationRuling ruling;
  ruling.id = req.params.at("id");
  Result<std::string> status = StringMember(*body, "status", true);
  if (!status.ok()) return ProblemFor(status.status(), "/status");
  std::optional<CommunicationStatus> parsed = ParseEnum<CommunicationStatus>(*status);
  if (!parsed) {
    return Problem(400, "invalid_argument",
                   "/status: expected under_review, accepted, declined or noted, got " +
                       QuoteForMessage(*status),
                   "/status");
  }
  ruling.status = *parsed;
  Result<std::string> reason = StringMember(*body, "reason", false);
  if (!reason.ok()) return ProblemFor(reason.status(), "/reason");
  ruling.reason = *reason;
  Result<Communication> ruled = RuleCommunication(session, ruling);
  if (!ruled.ok()) {
    const Status& s = ruled.status();
    return s.code() == StatusCode::kNotFound ? ProblemFor(s, "id") : ServiceProblem(s);
  }
  return JsonResponse(CommunicationJson(*ruled, Edition::kConfidential));
}

// The bytes of one attachment, as sent (confidential readers; each read is
// recorded in the audit log).
Response CommunicationAttachmentRoute(Request& req, Session& session) {
  const std::string& text = req.params.at("number");
  size_t number = 0;
  const bool digits = !text.empty() && text.size() <= 4 &&
                      text.find_first_not_of("0123456789") == std::string::npos;
  if (digits) number = static_cast<size_t>(std::stoul(text));
  if (number == 0) {
    return Problem(400, "invalid_argument",
                   "number: expected an attachment number from 1, got " + QuoteForMessage(text),
                   "number");
  }
  Result<CommunicationAttachmentContent> read =
      ReadCommunicationAttachment(session, req.params.at("id"), number);
  if (!read.ok()) return ProblemFor(read.status(), "id");
  Response r;
  r.content_type = read->attachment.media_type.empty() ? "application/octet-stream"
                                                       : read->attachment.media_type;
  r.body = std::move(read->bytes);
  // The reference is an IsValidId string, safe inside the quotes; the
  // sender's name for the file was never kept.
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + req.params.at("id") +
                                                    "-" + std::to_string(number) + "\"");
  r.headers.emplace_back("X-Mara-SHA256", read->attachment.sha256);
  return r;
}

}  // namespace

std::vector<SessionRoute> CommunicationRoutes() {
  std::vector<SessionRoute> routes;
  routes.push_back(
      {{.method = "GET",
        .pattern = "/api/v1/communications",
        .summary = "Communications from outside with submitter, text and attachment references "
                   "(confidential readers)",
        .query = {{"party", "only those about this party"}},
        .response_schema = "CommunicationList"},
       ListCommunicationsRoute});
  routes.push_back(
      {{.method = "POST",
        .pattern = "/api/v1/communications",
        .summary = "Submit a communication (multipart: kind, party?, submitter_kind, submitter, "
                   "text, attachment files); answers the private follow token once",
        .multipart = true,
        .success_status = 201,
        .request_schema = "CommunicationUpload",
        .response_schema = "CommunicationReceipt"},
       PostCommunication});
  routes.push_back({{.method = "POST",
                     .pattern = "/api/v1/communications/{id}/ruling",
                     .summary = "Put under review or rule {status: under_review|accepted|"
                                "declined|noted, reason} (decision makers)",
                     .has_body = true,
                     .request_schema = "CommunicationRulingInput",
                     .response_schema = "Communication"},
                    PostCommunicationRuling});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/communications/{id}/attachments/{number}",
                     .summary = "Download a communication's attachment, numbered from 1 in the "
                                "order sent (confidential readers; recorded in the audit log)",
                     .audited_read = true,
                     .produces = "*/*"},
                    CommunicationAttachmentRoute});
  return routes;
}

}  // namespace mara::api::internal
