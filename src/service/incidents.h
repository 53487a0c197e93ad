// Changes to single incidents made in Mara (as opposed to imported): the
// four-eyes verification, the survivor's consent and the incident's history
// (docs/security.md).
//
// Contract:
// - An incident the principal cannot see (service/visibility.h: withdrawn,
//   internal_use for a public reader, or outside its situations) is
//   answered exactly as one that does not exist: kNotFound "no incident".
// - VerifyIncident sets status `verified` and verified_on: the only way an
//   incident becomes verified. It needs kVerifyIncident (a reviewer) and a
//   principal who neither created nor last edited the incident (the
//   four-eyes rule; kPermissionDenied naming the rule). kConflict when it is
//   already verified; kInvalidArgument for a verification date before the
//   incident's or after the session clock's today.
// - ReturnIncident sends an unverified incident back to its author with a
//   comment (status `reported`): same permission and four eyes as
//   verifying; the comment is required.
// - SetIncidentConsent records a new consent scope of a visible incident
//   (withdrawal included): kEditIncident in its situation; the principal
//   becomes its last editor. A withdrawn incident leaves every output and
//   the assessment; its audit trail and history stay.
// - RestoreIncidentConsent is the only way back from `withdrawn`: an
//   explicit operation with a reason (kInvalidArgument without one), by an
//   editor of the incident's situation (kNotFound for anyone else), audited
//   as `incident.consent.restore`.
// - SaveIncident creates an incident or replaces one, as a monitor does in
//   Mara: kCreateIncident in its situation for a new id, kEditIncident in
//   the stored and the new situation for an existing one. The record must
//   pass the domain rules (kInvalidArgument naming the field), carry no date
//   after the session clock's today ("incident \"I-1\" date: 2030-01-05 is
//   after today (2026-12-03)"; domain/validate.h CheckNotAfter) and refer only
//   to stored situations, parties and sources. It never verifies: status
//   `verified` or a verified_on not already stored is kInvalidArgument. An
//   edit that changes a verified incident's substance (anything but status,
//   verified_on, narrative and consent) returns it to under_verification;
//   an edit that keeps the substance keeps the verification and its date.
//   An edit cannot change the consent (kInvalidArgument). An id taken by an
//   incident the principal cannot see is kConflict "already in use" for a
//   create and kNotFound for a replacement (`if_version` given). A new
//   incident records the principal as its creator and last editor, an edit
//   as its last editor, so neither can verify it. Returns whether it was
//   inserted or updated.
// - SaveNewIncident creates an incident whose id Mara chooses, as
//   SaveIncident creates one (the same permission, rules and audit), and
//   returns the id: "I-YYYY-NNNNNN", YYYY the year of the incident's date
//   and NNNNNN the next number of that year's counter, skipping ids already
//   in use (imports keep the ids they bring). The id is chosen inside the
//   write, so concurrent creations never share one, and a refused record
//   takes no number. `proposed.id` must be empty (kInvalidArgument
//   otherwise).
// - ListRestrictedConsent: the incidents whose consent keeps them out of
//   reports (`internal_use`) or out of everything (`withdrawn`), in the
//   situations where the principal may edit incidents (kEditIncident
//   somewhere; kPermissionDenied otherwise, recorded). Only those editors
//   learn that a withdrawn incident exists, as RestoreIncidentConsent says;
//   an entry carries the incident's id, situation, date and consent, and
//   its last consent change (who, when, a restoration's reason) from
//   the history, never anything the tombstone hides. Oldest first by date,
//   then id.
// - IncidentHistory: every change made in Mara (created, edited, verified,
//   returned, consent changed or restored), oldest first, each with who,
//   when, the status after it, the comment and field-level before/after
//   values (never the narrative's text). Readers of the public edition get
//   the actions, times and changed fields only. Changes by import are in
//   the import log, not here.
// Each change, its history entry and its audit record (before and after
// digests) commit in one transaction. A Session is used from one thread.
// Optimistic concurrency (an HTTP If-Match): each operation takes an
// optional `if_version`, the IncidentVersion of the incident as the caller
// read it. When it is not empty it is compared with the stored incident
// inside the write transaction, after the store has serialised writers
// (storage/store.h), so of several callers holding the same version, over
// any number of connections, processes or machines, exactly one writes and
// the others get kConflict (naming the current version) and change nothing.
// SaveIncident with an `if_version` for an incident that does not exist is
// kConflict too.
#ifndef MARA_SERVICE_INCIDENTS_H_
#define MARA_SERVICE_INCIDENTS_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/date.h"
#include "common/status.h"
#include "domain/enums.h"
#include "domain/json_codec.h"
#include "service/session.h"

namespace mara {

// The version of an incident for If-Match: RecordDigest of the record.
std::string IncidentVersion(const Incident& incident);

Status VerifyIncident(Session& session, const std::string& id, Date verified_on,
                      std::string_view if_version = {});
Status ReturnIncident(Session& session, const std::string& id, std::string_view comment,
                      std::string_view if_version = {});
Status SetIncidentConsent(Session& session, const std::string& id, Consent consent,
                          std::string_view if_version = {});
Status RestoreIncidentConsent(Session& session, const std::string& id, Consent consent,
                              std::string_view reason);
Result<Json> IncidentHistory(Session& session, const std::string& id);

struct RestrictedConsent {
  std::string id;
  std::string situation;
  Date date;
  Consent consent = Consent::kInternalUse;
  // The last consent change recorded in Mara ("" when none: imported so).
  std::string changed_at;
  std::string changed_by;
  std::string change;  // "consent withdrawn", "consent changed", "consent restored"
  std::string reason;  // a restoration's reason; "" otherwise
};
Result<std::vector<RestrictedConsent>> ListRestrictedConsent(Session& session);
// The review history of incident `id` for the audit view (service/audit.h
// ListAuditRecords), whoever may see the incident: each entry's changes
// carry their before/after values only when the principal reads the
// incident's confidential edition (EditionFor), the field names alone
// otherwise and for an incident it cannot see (withdrawn, or hidden from
// it). nullopt when none is kept. No permission of its own: the caller
// has authorised the audit read.
Result<std::optional<Json>> IncidentHistoryForAudit(Session& session, const std::string& id);
Result<PutOutcome> SaveIncident(Session& session, const Incident& incident,
                                std::string_view if_version = {});
Result<std::string> SaveNewIncident(Session& session, const Incident& proposed);
// Records the consent scope of a survivor or witness testimony source
// (IsTestimony; kInvalidArgument for other kinds, kNotFound for an unknown
// id). Testimony is not tied to one situation, so it needs kEditIncident in
// every situation (AuthorizeEverywhere). Withdrawn: the source's content
// leaves every output (Disclosable), its id and audit trail stay.
// A withdrawn testimony is brought back only by RestoreTestimonyConsent
// (kConflict here): an explicit operation with a reason (kInvalidArgument
// without one), audited as `source.consent.restore`, the reason kept beside
// the source.
Status SetTestimonyConsent(Session& session, const std::string& source_id, Consent consent);
Status RestoreTestimonyConsent(Session& session, const std::string& source_id, Consent consent,
                               std::string_view reason);

}  // namespace mara

#endif  // MARA_SERVICE_INCIDENTS_H_
