// Which records a principal can see, for the operations that read or write
// one record by id. The rules of what each audience may see of a record are
// the disclosure module's (domain/disclosure.h); this header applies them to
// a Session's principal.
//
// Contract:
// - EditionFor is the audience of the principal for a situation:
//   kConfidential when it holds kReadConfidential there, else kPublic.
// - CanSeeIncident: the principal may read the situation (kReadPublic) and
//   the incident's consent enters its edition (never when withdrawn).
// - FindVisibleIncident reads one incident; nullopt when there is none or
//   the principal cannot see it, so that a caller answers both cases with
//   the same "no incident" (a write to a record the caller cannot see
//   answers exactly as if it did not exist).
// - WithdrawnIncidentIds: the ids of every incident whose consent is
//   withdrawn (one scan of the assessment projection).
// - ScanVisibleIncidents calls `visit` with every incident the principal
//   can see (CanSeeIncident) and its edition for it, in id order; a visit's
//   error stops the scan and is returned.
// - ReadRegistry is the checked read of the registry (situations, parties,
//   sources, statements, decisions, ...; no incidents): kReadPublic in at
//   least one situation, else kPermissionDenied. It returns the records as
//   stored; every output shows each through its disclosure.h view for the
//   reader's edition (EditionFor).
// - IncidentProvenanceOf: who created and who last edited `incident` (as
//   read by a scan), when the principal can see it (CanSeeIncident); nullopt
//   when it cannot or nothing is recorded. The incident is not read again.
// Store failures are returned unchanged.
#ifndef MARA_SERVICE_VISIBILITY_H_
#define MARA_SERVICE_VISIBILITY_H_

#include <functional>
#include <optional>
#include <set>
#include <string>

#include "common/status.h"
#include "domain/disclosure.h"
#include "domain/model.h"
#include "service/session.h"

namespace mara {

Edition EditionFor(const Session& session, const std::string& situation);
bool CanSeeIncident(const Session& session, const Incident& incident);
Result<std::optional<Incident>> FindVisibleIncident(Session& session, const std::string& id);
Result<std::set<std::string>> WithdrawnIncidentIds(Session& session);
Status ScanVisibleIncidents(Session& session,
                            const std::function<Status(const Incident&, Edition)>& visit);
Result<Bundle> ReadRegistry(Session& session);
Result<std::optional<IncidentProvenance>> IncidentProvenanceOf(Session& session,
                                                               const Incident& incident);

}  // namespace mara

#endif  // MARA_SERVICE_VISIBILITY_H_
