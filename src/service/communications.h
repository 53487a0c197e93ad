// Communications from outside (docs/design.md): an NGO, a coalition or a
// survivors' organisation asks for a party's listing or delisting, or sends
// information, with its material. Each gets a reference (COM-<year>-NNNN),
// a status (received, under_review, then accepted, declined or noted) and a
// ruling with its reasons by a decision maker. The submitter follows it
// with a private link: a random token shown once at submission, of which
// only the BLAKE2b-256 digest is stored.
//
// Who may submit: every authenticated principal (kSubmitCommunication);
// partner organisations hold a viewer account, which reads only the public
// edition and can never list communications. Nothing a submitter sends is
// shown to any other outsider: listing needs kReadConfidential everywhere,
// the statement of case's public edition shows only the reference, kind,
// dates and status (domain/disclosure.h), and the private link shows its
// own communication's reference, dates, status and reasons, nothing else.
//
// Contract:
// - SubmitCommunication (kSubmitCommunication): the kind, a party for
//   listing and delisting requests (kInvalidArgument "party: ..." when
//   missing, kNotFound for an unknown party), the submitter's name and the
//   text (kInvalidArgument naming "submitter" or "text" when empty).
//   Each attachment path is read once and stored like evidence
//   (service/evidence.h: encrypted with the data key, content-addressed by
//   SHA-256 in the evidence directory, its outside name never kept); a
//   store without a data key refuses attachments (kNotFound). The reference
//   is the next number of the year of `today`; the record, its audit record
//   (`communication.submit`) and its state are written in one transaction;
//   on failure the files this submission added are removed. Returns the
//   communication and the token (64 lowercase hex digits), which is not
//   stored and cannot be shown again.
// - RuleCommunication (kRuleCommunication): `status` under_review starts
//   the review (kConflict when it is already under review); accepted,
//   declined or noted rule on it, with a non-empty reason (kInvalidArgument
//   naming "reason"), recording the date and the principal. A ruled
//   communication cannot be ruled again (kConflict); received is not a
//   ruling (kInvalidArgument naming "status"); kNotFound for an unknown id.
//   Audited as `communication.review` or `communication.rule`.
// - ReadCommunicationAttachment (kReadConfidential everywhere, as the
//   list): attachment `number` (from 1, in the order sent) of
//   communication `id`, decrypted from the evidence directory and checked
//   against its SHA-256 and size (kCorruption when they differ, kNotFound
//   when the stored file is gone). kNotFound for an unknown id, for 0 and
//   for a number past the last. Each read is audited as
//   `communication.attachment.read` (target "<id>#<number>", the
//   attachment's SHA-256), so who read what a survivors' organisation sent
//   stays on record.
// - ListCommunications (kReadConfidential, not situation-scoped): every
//   communication in id order, or those of one party, whole.
// - FollowCommunication: no permission, the token is the credential. The
//   disclosure module's follower view (CommunicationFollowJson) of the
//   communication whose follow digest is the token's, or kNotFound with
//   the same message for a malformed and for an unknown token. Not
//   audited: a read that shows the follower only what it was given.
// A Session is used from one thread.
#ifndef MARA_SERVICE_COMMUNICATIONS_H_
#define MARA_SERVICE_COMMUNICATIONS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/json_codec.h"
#include "domain/model.h"
#include "service/session.h"

namespace mara {

struct CommunicationSubmission {
  CommunicationKind kind = CommunicationKind::kInformation;
  std::optional<std::string> party;
  SubmitterKind submitter_kind = SubmitterKind::kNgo;
  std::string submitter;
  std::string text;
  std::vector<std::string> attachment_paths;  // files to store with it
};

struct SubmittedCommunication {
  Communication communication;
  std::string follow_token;  // shown once; only its digest is stored
};

Result<SubmittedCommunication> SubmitCommunication(Session& session,
                                                   const CommunicationSubmission& submission);

struct CommunicationRuling {
  std::string id;
  CommunicationStatus status = CommunicationStatus::kNoted;
  std::string reason;
};

Result<Communication> RuleCommunication(Session& session, const CommunicationRuling& ruling);

Result<std::vector<Communication>> ListCommunications(Session& session,
                                                      const std::optional<std::string>& party);

struct CommunicationAttachmentContent {
  Attachment attachment;
  std::string bytes;
};

Result<CommunicationAttachmentContent> ReadCommunicationAttachment(Session& session,
                                                                   const std::string& id,
                                                                   size_t number);

Result<Json> FollowCommunication(Session& session, std::string_view token);

// The follow digest of a token: lowercase hex BLAKE2b-256.
std::string FollowDigest(std::string_view token);

}  // namespace mara

#endif  // MARA_SERVICE_COMMUNICATIONS_H_
