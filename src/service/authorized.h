// The authorised entry points of the service layer: the operations of
// import.h, export.h, assess.h, decisions.h, case.h and stats.h taken on
// behalf of a Session's principal (docs/security.md). The CLI and the HTTP
// API call these; the Store& functions they wrap are the unchecked core.
//
// Contract: each function first authorises (kPermissionDenied with the
// reason, or kInvalidArgument for a decision without a rationale) and then
// behaves as the function it wraps. Changes are audited: an import as one
// record `import` (target the import id, after digest the file digest,
// appended inside the import's transaction), a decision as
// `decision.record`, a petition as `petition.file` / `petition.decide`.
// Whole-store operations use Session::AuthorizeEverywhere. The recorded
// decider of a decision or a petition ruling is always the principal.
// "Today" is the session clock's date (Today(session.clock())): imports,
// decisions and petitions refuse dates after it (decisions.h, import.h).
#ifndef MARA_SERVICE_AUTHORIZED_H_
#define MARA_SERVICE_AUTHORIZED_H_

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "common/status.h"
#include "domain/disclosure.h"
#include "policy/engine.h"
#include "policy/policy.h"
#include "service/case.h"
#include "service/decisions.h"
#include "service/export.h"
#include "service/import.h"
#include "service/live_assessment.h"
#include "service/name_review.h"
#include "service/session.h"
#include "service/stats.h"

namespace mara {

// kImport everywhere; the import log and audit name the principal.
Result<ImportReport> ImportFile(Session& session, const std::string& path, ImportOptions options);
// kExport and kReadConfidential everywhere (an export holds narratives and
// confidential sources); withdrawn incidents are never exported. Audited
// as `export` with Session::AuditRead: unrecorded on a read-only store.
Status ExportStore(Session& session, std::string_view format, std::ostream& out);
// kRunAssessment everywhere; a situation-scoped principal (an analyst
// assigned to situations) gets the parties of its situations only, with
// consistency findings and sensitivity changes cut to them. A cycle after
// the session clock's year is kInvalidArgument (CheckCycle).
// With the session's LiveAssessments (Session::live) the assessment comes
// from them, kept current by each write, else from the store.
Result<Assessment> AssessCycle(Session& session, const Policy& policy, int cycle);
// kReadPublic in at least one situation, as the public edition of the
// report: the assessment of `cycle` (its parties: no consistency audit, no
// sensitivity runs) and the annex's forms (LiveView,
// service/live_assessment.h), from the session's LiveAssessments when it
// has them, else read from the store. A cycle after the session clock's
// year is kInvalidArgument.
Result<std::shared_ptr<const LiveView>> AnnexView(Session& session, const Policy& policy,
                                                  int cycle);
// kReadConfidential (confidential edition) or kReadPublic (public edition),
// everywhere or, for a situation-scoped principal, in the party's situation
// (another situation's party is kNotFound, as if it did not exist); a cycle
// after the session clock's year is kInvalidArgument.
// The explanation (policy/explain.h) is worded in `lang`.
Result<StatementOfCase> BuildStatementOfCase(Session& session, const Policy& policy,
                                             std::string_view party_id, int cycle,
                                             bool public_edition,
                                             i18n::Language lang = i18n::Language::kEn);
// The edition of a party's statement of case a caller gets when it names
// none: confidential when it may read the party's situation's confidential
// record, else public. A requested edition is returned as is (the build
// authorises it).
Result<Edition> CaseEditionFor(Session& session, std::string_view party_id,
                               std::optional<Edition> requested);
// kReadPublic: counts only, withdrawn incidents left out.
Result<Stats> ComputeStats(Session& session);
// kReadPublic everywhere: the store's data digest (service/digest.h), as
// reports and assessments publish it.
Result<std::string> DataDigest(Session& session);
// kRecordDecision with the decision's rationale; decided_by = principal.
Status RecordDecision(Session& session, Decision decision);
// Records that a party is dissolved (`dissolution` given: its source is
// required, a date is optional and not after today) or clears the record
// (nullopt). It moves the listing (policy rule 2's dissolution path), so it
// needs kRecordDecision in the party's situation, the source serving as the
// rationale; audited as party.dissolve or party.dissolve.clear. kNotFound
// for an unknown party; returns the party as stored.
Result<Party> RecordDissolution(Session& session, const std::string& party_id,
                                std::optional<Dissolution> dissolution);
// Filing a petition records what a party asked: kRecordDecision or
// kDecidePetition (decision makers) or kImport (admins entering mail).
Result<Petition> FilePetition(Session& session, const PetitionFiling& filing);
// kDecidePetition; decided_by = principal.
Result<PetitionRulingResult> DecidePetition(Session& session, const Policy& policy,
                                            PetitionRuling ruling);

// The name-review queue (name_review.h) for `mara names review` and the
// HTTP API: kReviewNames everywhere (analysts of every situation and
// admins, who curate the party registry through imports; a decision
// rewrites it). A decision's decider is the principal; it is audited as
// `names.review` (target the entry id, after digest of the stored entry)
// in the decision's transaction.
Result<std::vector<NameReview>> ListNameReviews(Session& session, bool all);
Result<ReviewOutcome> DecideNameReview(Session& session, ReviewDecision decision);
// Resolves one name against the stored registry (read-only; kReviewNames
// everywhere, not audited since nothing changes). `situation` is a
// situation id or name, or a country, or "" for none.
Result<NameResolution> ResolveName(Session& session, const std::string& name,
                                   const std::string& situation);

}  // namespace mara

#endif  // MARA_SERVICE_AUTHORIZED_H_
