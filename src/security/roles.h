// Principals, roles and the permission rules (docs/security.md §1) as one pure function.
//
// Roles:
//   viewer          the public edition only.
//   monitor         creates and edits incidents, and adds and views their
//                   evidence, in the situations assigned to them; reads the
//                   confidential record there (they wrote it).
//   analyst         reads everything in the assigned situations, runs
//                   assessments, imports and exports there, adds evidence,
//                   keeps the registry (parties, sources, designations,
//                   engagements, commitments, statements) there.
//   reviewer        verifies incidents and commitments' measures (never one
//                   they created or last edited: the four-eyes rule); reads
//                   confidential records and evidence.
//   decision_maker  records decisions (with a rationale), petition
//                   outcomes and rulings on communications; runs assessments
//                   and reads confidential records to do so.
//   admin           users, keys, imports and exports, assessments, the audit
//                   log, store copies and backups, the registry; reads everything. Not a
//                   super-user: an admin neither verifies, decides nor edits incidents without also
//                   holding the role that does.
// Monitor and analyst are situation-scoped: they act only where Scope names a
// situation assigned to them. An operation over all situations (an empty
// Scope::situation) is refused to a principal whose only applicable roles are
// situation-scoped; the service layer then asks once per situation. A
// principal with several roles may do what any of them allows. A disabled
// principal may do nothing.
//
// Authorize returns Ok, kPermissionDenied with the reason (disabled; no role
// allows it, naming the roles that would; not assigned to the situation;
// four eyes), or kInvalidArgument for a decision without a rationale. Pure and
// thread-safe.
#ifndef MARA_SECURITY_ROLES_H_
#define MARA_SECURITY_ROLES_H_

#include <array>
#include <set>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mara::security {

enum class Role { kViewer, kMonitor, kAnalyst, kReviewer, kDecisionMaker, kAdmin };

inline constexpr std::array<Role, 6> kAllRoles = {Role::kViewer,        Role::kMonitor,
                                                  Role::kAnalyst,       Role::kReviewer,
                                                  Role::kDecisionMaker, Role::kAdmin};

std::string_view ToString(Role role);
// kInvalidArgument naming the allowed values.
Result<Role> ParseRole(std::string_view text);
bool IsSituationScoped(Role role);

enum class Operation {
  kReadPublic,        // the public edition of reports and data
  kReadConfidential,  // narratives, confidential sources, full reports
  kCreateIncident,
  kEditIncident,
  kVerifyIncident,
  kRunAssessment,
  kRecordDecision,
  kDecidePetition,
  kImport,
  kExport,
  kManageUsers,
  kManageKeys,
  kReadAuditLog,
  kAddEvidence,
  kViewEvidence,
  kReviewNames,    // decide the name-review queue (it rewrites the party registry)
  kTransferStore,  // copy or back up a whole store
  kEditRegistry,   // create and change parties, sources, designations, engagements,
                   // commitments and statements in Mara (service/registry.h)
  kVerifyMeasure,  // confirm a commitment's measure as verified implemented (four eyes)
  // A communication from outside (a listing or delisting request, information)
  // entered by any principal: partner organisations hold a viewer account.
  kSubmitCommunication,
  kRuleCommunication,  // put a communication under review and rule on it
};

inline constexpr std::array<Operation, 21> kAllOperations = {
    Operation::kReadPublic,     Operation::kReadConfidential,    Operation::kCreateIncident,
    Operation::kEditIncident,   Operation::kVerifyIncident,      Operation::kRunAssessment,
    Operation::kRecordDecision, Operation::kDecidePetition,      Operation::kImport,
    Operation::kExport,         Operation::kManageUsers,         Operation::kManageKeys,
    Operation::kReadAuditLog,   Operation::kAddEvidence,         Operation::kViewEvidence,
    Operation::kReviewNames,    Operation::kTransferStore,       Operation::kEditRegistry,
    Operation::kVerifyMeasure,  Operation::kSubmitCommunication, Operation::kRuleCommunication,
};

std::string_view ToString(Operation op);  // "verify_incident", ...

struct Principal {
  std::string name;
  std::set<Role> roles;
  std::set<std::string> situations;  // for monitor and analyst
  bool disabled = false;
  // The preferred language ("ar", "en", ...; "" when none): it words what
  // the principal reads and has no bearing on what it may do.
  std::string language;
};

// What the operation touches; fields an operation does not need stay empty.
struct Scope {
  std::string situation;       // empty: every situation / not situation-bound
  std::string target;          // record id, for messages ("incident I-7")
  std::string created_by;      // kVerifyIncident, kVerifyMeasure: who created the record
  std::string last_edited_by;  // kVerifyIncident, kVerifyMeasure: who last edited it
  std::string rationale;       // kRecordDecision: the decision's rationale
};

Status Authorize(const Principal& principal, Operation op, const Scope& scope = {});

// A principal's name must be an id (domain IsValidId) and its situations
// ids too: kInvalidArgument otherwise. A principal without roles is valid (it
// may do nothing until roles are assigned).
Status ValidatePrincipal(const Principal& principal);

}  // namespace mara::security

#endif  // MARA_SECURITY_ROLES_H_
