#include "service/communications.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <span>

#include "common/text.h"
#include "domain/disclosure.h"
#include "domain/validate.h"
#include "security/encoding.h"
#include "security/random.h"
#include "service/core.h"

namespace mara {
namespace {

using security::Operation;

constexpr size_t kTokenBytes = 32;

std::string NewToken() {
  std::array<uint8_t, kTokenBytes> buffer{};
  security::DefaultRandom().Fill(std::span<uint8_t>(buffer.data(), buffer.size()));
  return security::ToHex(std::span<const uint8_t>(buffer.data(), buffer.size()));
}

bool IsBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// "COM-<year>-" followed by one more than the highest number of that year.
std::string NextReference(const std::vector<Communication>& stored, int year) {
  char prefix[16];
  std::snprintf(prefix, sizeof prefix, "COM-%04d-", year);
  int highest = 0;
  for (const Communication& c : stored) {
    if (c.id.rfind(prefix, 0) != 0) continue;
    highest = std::max(highest, std::atoi(c.id.c_str() + 9));
  }
  char id[32];
  std::snprintf(id, sizeof id, "%s%04d", prefix, highest + 1);
  return id;
}

Status Invalid(const std::optional<FieldError>& e) {
  // Fields are named without the JSON pointer's slash: "reason", not "/reason".
  std::string field = e->field.empty() ? e->field : e->field.substr(1);
  return Status::InvalidArgument(field + ": " + e->message);
}

void RemoveAll(const std::vector<std::string>& paths) {
  for (const std::string& p : paths) ::unlink(p.c_str());
}

}  // namespace

std::string FollowDigest(std::string_view token) { return Blake2bHex(token); }

Result<SubmittedCommunication> SubmitCommunication(Session& session,
                                                   const CommunicationSubmission& submission) {
  MARA_RETURN_IF_ERROR(session.Require(Operation::kSubmitCommunication));
  if (submission.kind != CommunicationKind::kInformation && !submission.party) {
    return Status::InvalidArgument(
        "party: a listing or delisting request must name the party it concerns");
  }
  if (IsBlank(submission.submitter)) {
    return Status::InvalidArgument("submitter: the organisation's name is required");
  }
  if (IsBlank(submission.text)) return Status::InvalidArgument("text: must not be empty");
  Store& store = session.store();
  if (submission.party) {
    if (!IsValidId(*submission.party)) {
      return Status::InvalidArgument("party: invalid id " + QuoteForMessage(*submission.party));
    }
    MARA_ASSIGN_OR_RETURN(Bundle registry, store.LoadRegistry());
    const bool known = std::any_of(registry.parties.begin(), registry.parties.end(),
                                   [&](const Party& p) { return p.id == *submission.party; });
    if (!known) {
      return Status::NotFound("party: no such party " + QuoteForMessage(*submission.party));
    }
  }

  SubmittedCommunication out;
  Communication& c = out.communication;
  c.kind = submission.kind;
  c.party = submission.party;
  c.submitter_kind = submission.submitter_kind;
  c.submitter = submission.submitter;
  c.submitted_by = session.name();
  c.received = Today(session.clock());
  c.text = submission.text;
  c.status = CommunicationStatus::kReceived;
  out.follow_token = NewToken();
  c.follow_digest = FollowDigest(out.follow_token);

  std::vector<std::string> added;
  for (const std::string& path : submission.attachment_paths) {
    std::string added_path;
    Result<Attachment> file = StoreEvidenceFile(session, path, &added_path);
    if (!file.ok()) {
      RemoveAll(added);
      return file.status().WithPrefix("attachments");
    }
    if (!added_path.empty()) added.push_back(added_path);
    c.attachments.push_back(std::move(*file));
  }

  Status s = [&]() -> Status {
    Transaction tx(&store);
    MARA_RETURN_IF_ERROR(tx.Begin());
    MARA_ASSIGN_OR_RETURN(std::vector<Communication> stored, store.ListCommunications());
    c.id = NextReference(stored, c.received.year());
    if (std::optional<FieldError> e = CheckRecord(c)) return Invalid(e);
    MARA_RETURN_IF_ERROR(store.PutCommunication(c));
    MARA_RETURN_IF_ERROR(session.Audit(
        {"", "communication.submit", "communications", c.id, "", Blake2bHex(ToJson(c).dump())}));
    return tx.Commit();
  }();
  if (!s.ok()) {
    RemoveAll(added);
    return s;
  }
  return out;
}

Result<Communication> RuleCommunication(Session& session, const CommunicationRuling& ruling) {
  security::Scope scope;
  scope.target = "communication " + ruling.id;
  MARA_RETURN_IF_ERROR(session.Require(Operation::kRuleCommunication, scope));
  if (ruling.status == CommunicationStatus::kReceived) {
    return Status::InvalidArgument(
        "status: expected under_review, accepted, declined or noted, got received");
  }
  const bool final_ruling = IsRuled(ruling.status);
  if (final_ruling && IsBlank(ruling.reason)) {
    return Status::InvalidArgument("reason: a ruling needs its reasons");
  }
  Store& store = session.store();
  Communication c;
  std::string before;
  MARA_RETURN_IF_ERROR([&]() -> Status {
    Transaction tx(&store);
    MARA_RETURN_IF_ERROR(tx.Begin());
    MARA_ASSIGN_OR_RETURN(std::optional<Communication> found, store.GetCommunication(ruling.id));
    if (!found) return Status::NotFound("no communication " + QuoteForMessage(ruling.id));
    c = std::move(*found);
    before = Blake2bHex(ToJson(c).dump());
    if (IsRuled(c.status)) {
      return Status::Conflict(
          "communication " + c.id + " was ruled " + std::string(ToString(c.status)) + " on " +
          (c.ruled ? c.ruled->ToString() : std::string("?")) + "; a ruling is final");
    }
    const Date today = Today(session.clock());
    if (!final_ruling) {
      if (c.status == CommunicationStatus::kUnderReview) {
        return Status::Conflict("communication " + c.id + " is already under review");
      }
      c.status = CommunicationStatus::kUnderReview;
      c.review_started = today;
    } else {
      c.status = ruling.status;
      if (!c.review_started) c.review_started = today;
      c.ruled = today;
      c.ruled_by = session.name();
      c.reason = ruling.reason;
    }
    if (std::optional<FieldError> e = CheckRecord(c)) return Invalid(e);
    MARA_RETURN_IF_ERROR(store.PutCommunication(c));
    MARA_RETURN_IF_ERROR(
        session.Audit({"", final_ruling ? "communication.rule" : "communication.review",
                       "communications", c.id, before, Blake2bHex(ToJson(c).dump())}));
    return tx.Commit();
  }());
  return c;
}

Result<std::vector<Communication>> ListCommunications(Session& session,
                                                      const std::optional<std::string>& party) {
  MARA_RETURN_IF_ERROR(session.Require(Operation::kReadConfidential));
  MARA_ASSIGN_OR_RETURN(std::vector<Communication> all, session.store().ListCommunications());
  if (!party) return all;
  std::vector<Communication> out;
  for (Communication& c : all) {
    if (c.party == *party) out.push_back(std::move(c));
  }
  return out;
}

Result<CommunicationAttachmentContent> ReadCommunicationAttachment(Session& session,
                                                                   const std::string& id,
                                                                   size_t number) {
  MARA_RETURN_IF_ERROR(session.Require(Operation::kReadConfidential));
  MARA_ASSIGN_OR_RETURN(std::optional<Communication> found, session.store().GetCommunication(id));
  if (!found) return Status::NotFound("no communication " + QuoteForMessage(id));
  if (number == 0 || number > found->attachments.size()) {
    return Status::NotFound("communication " + found->id + " has " +
                            std::to_string(found->attachments.size()) + " attachment" +
                            (found->attachments.size() == 1 ? "" : "s") + "; no number " +
                            std::to_string(number));
  }
  CommunicationAttachmentContent out;
  out.attachment = found->attachments[number - 1];
  MARA_ASSIGN_OR_RETURN(out.bytes, LoadEvidenceFile(session, out.attachment));
  MARA_RETURN_IF_ERROR(session.AuditRead({"", "communication.attachment.read", "communications",
                                          found->id + "#" + std::to_string(number),
                                          out.attachment.sha256, out.attachment.sha256}));
  return out;
}

Result<Json> FollowCommunication(Session& session, std::string_view token) {
  const Status unknown = Status::NotFound("no communication answers this link");
  if (token.size() != 2 * kTokenBytes || !security::IsLowerHex(token)) return unknown;
  MARA_ASSIGN_OR_RETURN(std::optional<Communication> found,
                        session.store().FindCommunicationByFollowDigest(FollowDigest(token)));
  if (!found) return unknown;
  return CommunicationFollowJson(*found);
}

}  // namespace mara
