// Changes to single incidents made in Mara (as opposed to imported): the
// four-eyes verification and the survivor's consent (docs/security.md §2, §4).
//
// Contract:
// - VerifyIncident sets status `verified` and verified_on. It needs
//   security::Operation::kVerifyIncident (a reviewer) and a principal who
//   neither created nor last edited the incident (the four-eyes rule;
//   kPermissionDenied naming the rule). kNotFound for an unknown incident,
//   kConflict when it is already verified, kInvalidArgument for a
//   verified_on after the session clock's today.
// - SetIncidentConsent records a new consent scope (withdrawal included):
//   kEditIncident in the incident's situation; the principal becomes its last
//   editor. A withdrawn incident leaves every output and the assessment; its
//   audit trail stays.
// - SaveIncident creates an incident or replaces one, as a monitor does in
//   Mara: kCreateIncident in its situation for a new id, kEditIncident in
//   the stored and the new situation for an existing one. The record must
//   pass the domain rules (kInvalidArgument naming the field), carry no date
//   after the session clock's today ("incident \"I-1\" date: 2030-01-05 is
//   after today (2026-12-03)"; domain/validate.h CheckNotAfter) and refer only
//   to stored situations, parties and sources. A new incident records the
//   principal as its creator and last editor, an edit as its last editor, so
//   neither can verify it. Returns whether it was inserted or updated.
// Each change and its audit record (before and after digests) commit in one
// transaction. A Session is used from one thread.
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

#include "common/date.h"
#include "common/status.h"
#include "domain/enums.h"
#include "service/session.h"

namespace mara {

// The version of an incident for If-Match: RecordDigest of the record.
std::string IncidentVersion(const Incident& incident);

Status VerifyIncident(Session& session, const std::string& id, Date verified_on,
                      std::string_view if_version = {});
Status SetIncidentConsent(Session& session, const std::string& id, Consent consent,
                          std::string_view if_version = {});
Result<PutOutcome> SaveIncident(Session& session, const Incident& incident,
                                std::string_view if_version = {});
// Records the consent scope of a survivor or witness testimony source
// (IsTestimony; kInvalidArgument for other kinds, kNotFound for an unknown
// id). Testimony is not tied to one situation, so it needs kEditIncident in
// every situation (AuthorizeEverywhere). Withdrawn: the source's content
// leaves every output (Disclosable), its id and audit trail stay.
Status SetTestimonyConsent(Session& session, const std::string& source_id, Consent consent);

}  // namespace mara

#endif  // MARA_SERVICE_INCIDENTS_H_
