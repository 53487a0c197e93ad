// The registry kept in Mara (as opposed to imported): parties (units,
// renames, splinters, dissolution), sources, designations, engagements,
// commitments with their measures, and statements, created and changed one
// record at a time by the CLI (`mara registry`) and the HTTP API.
//
// Contract:
// - CreateX stores a new record, UpdateX replaces a stored one whole (the
//   record's key, domain/validate.h RecordKey, names it: an id, or the
//   natural key of domain/model.h, whose members an update cannot change).
//   Each needs kEditRegistry (security/roles.h: analysts in their
//   situations, admins) where the record lies: a party's situation (for an
//   update, the stored and the new one); the situation of the party of a
//   designation, engagement or commitment; the situations of the incidents
//   a statement names (a statement naming none, and every source, are not
//   tied to one situation: kEditRegistry everywhere, AuthorizeEverywhere).
// - The record must pass the domain rules (CheckRecord), carry no date after
//   the session clock's today (CheckNotAfter) and refer only to stored
//   records (ValidateBundle against the store: situations, parents and
//   splinter_of, sources, parties, incidents; no loop in the parent chain).
//   A statement may name only incidents the principal can see. Every
//   refusal of the record is kInvalidArgument whose message starts with the
//   JSON pointer of the field at fault, relative to the record
//   ("/parent: unknown party 'P-9'", "/measures/0/status: ...").
// - CreateX of a key already stored is kConflict ("/id: ... exists");
//   UpdateX of a key not stored is kNotFound.
// - Optimistic concurrency, as incidents (service/incidents.h): UpdateX and
//   the other changes take an optional `if_version`, the RegistryVersion of
//   the record as the caller read it, compared inside the write transaction;
//   a stale version is kConflict naming the current one, and nothing is
//   written.
// - Parties: a change of `dissolved` moves the listing (policy rule 2's
//   dissolution path) and also needs kRecordDecision in the party's
//   situation, as RecordDissolution (service/authorized.h) does.
//   RenameParty gives a party a new name from a date on: the old name goes
//   to names_over_time (ending the day before) and the id, and with it the
//   party's history, stays. Units name their `parent`, breakaway groups
//   their `splinter_of`.
// - Sources: the consent scope of testimony is changed only by its own
//   operations (incidents.h SetTestimonyConsent, RestoreTestimonyConsent):
//   an update that changes it is kInvalidArgument naming /consent.
// - Four eyes: a commitment's measure counts for delisting only when it is
//   `verified_implemented` (policy rule 2), so that status is evidence. It
//   is set only by VerifyMeasure, which needs kVerifyMeasure (reviewers)
//   and a principal who neither created nor last edited the commitment in
//   Mara (kPermissionDenied naming the four-eyes rule); it sets verified_on
//   (default the clock's today; not before the commitment's signed date nor
//   after today). Create and update refuse a measure made
//   `verified_implemented`, or given a verified_on, that the store does not
//   already hold so (kInvalidArgument naming the measure's /status or
//   /verified_on). An update that changes a verified measure's text or due
//   date returns it to `in_progress` and sets its verification aside (said
//   in the history's comment). Source grades, designations, engagements and
//   statements move no status under the policy; their changes are
//   attributed and kept in the history and the audit chain, without a
//   second person.
// - Each change, its history entry and its audit record (`party.create`,
//   `party.update`, `party.rename`, `source.create`, ...,
//   `commitment.measure.verify`; collection and target the ledger's
//   collection and key, service/state_ledger.h StateKey, with before and
//   after digests) commit in one transaction; the ledger records the
//   record's state digest and the history's.
// - RegistryHistory: every change made in Mara to one record (created,
//   updated, renamed, measure verified), oldest first, each with who, when,
//   the comment and field-level before/after values. kReadPublic somewhere;
//   the record must be visible to the principal (a source hidden from its
//   edition is kNotFound, as one that does not exist). Readers of the public
//   edition (EditionFor the record's situation; for sources and statements
//   every situation) get the actions, times and changed fields only.
//   Imports are in the import log, not here.
// A Session is used from one thread.
#ifndef MARA_SERVICE_REGISTRY_H_
#define MARA_SERVICE_REGISTRY_H_

#include <array>
#include <string>
#include <string_view>

#include "common/date.h"
#include "common/status.h"
#include "domain/json_codec.h"
#include "domain/model.h"
#include "service/session.h"

namespace mara {

enum class RegistryKind { kParty, kSource, kDesignation, kEngagement, kCommitment, kStatement };
inline constexpr std::array<RegistryKind, 6> kRegistryKinds = {
    RegistryKind::kParty,      RegistryKind::kSource,     RegistryKind::kDesignation,
    RegistryKind::kEngagement, RegistryKind::kCommitment, RegistryKind::kStatement};

// "parties", "sources", ...: the bundle's collection name.
std::string_view CollectionName(RegistryKind kind);
// "party", "source", ...
std::string_view SingularName(RegistryKind kind);
// Either name; kInvalidArgument naming the kinds otherwise.
Result<RegistryKind> ParseRegistryKind(std::string_view text);

// The version for If-Match: lowercase hex BLAKE2b-256 of the record's
// canonical JSON (the audit records' digest of it).
std::string RegistryVersion(const Party& v);
std::string RegistryVersion(const Source& v);
std::string RegistryVersion(const Designation& v);
std::string RegistryVersion(const Engagement& v);
std::string RegistryVersion(const Commitment& v);
std::string RegistryVersion(const Statement& v);

// The key the audit chain, the ledger and RegistryHistory name the record
// by: its id, "party/authority/program/listed_on" for a designation,
// "party/date/kind" for an engagement.
std::string RegistryKey(const Designation& v);
std::string RegistryKey(const Engagement& v);

Status CreateParty(Session& session, const Party& party);
Status UpdateParty(Session& session, const Party& party, std::string_view if_version = {});
Result<Party> RenameParty(Session& session, const std::string& id, const std::string& new_name,
                          Date from, std::string_view if_version = {});

Status CreateSource(Session& session, const Source& source);
Status UpdateSource(Session& session, const Source& source, std::string_view if_version = {});

Status CreateDesignation(Session& session, const Designation& designation);
Status UpdateDesignation(Session& session, const Designation& designation,
                         std::string_view if_version = {});

Status CreateEngagement(Session& session, const Engagement& engagement);
Status UpdateEngagement(Session& session, const Engagement& engagement,
                        std::string_view if_version = {});

Status CreateCommitment(Session& session, const Commitment& commitment);
Status UpdateCommitment(Session& session, const Commitment& commitment,
                        std::string_view if_version = {});
// Returns the commitment as stored after the verification.
Result<Commitment> VerifyMeasure(Session& session, const std::string& commitment_id,
                                 const std::string& measure_id, std::optional<Date> verified_on,
                                 std::string_view if_version = {});

Status CreateStatement(Session& session, const Statement& statement);
Status UpdateStatement(Session& session, const Statement& statement,
                       std::string_view if_version = {});

// {"kind": "parties", "key": ..., "history": [...]}.
Result<Json> RegistryHistory(Session& session, RegistryKind kind, const std::string& key);

}  // namespace mara

#endif  // MARA_SERVICE_REGISTRY_H_
