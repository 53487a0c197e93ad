#include "security/roles.h"

#include <string>

#include "common/text.h"
#include "domain/model.h"

namespace mara::security {
namespace {

enum class Grant { kNo, kYes, kAssigned };

constexpr Grant N = Grant::kNo;
constexpr Grant Y = Grant::kYes;
constexpr Grant S = Grant::kAssigned;

// Rows follow Operation, columns follow Role (viewer, monitor, analyst,
// reviewer, decision_maker, admin). S: only in an assigned situation.
constexpr Grant kRules[kAllOperations.size()][kAllRoles.size()] = {
    /* read_public       */ {Y, Y, Y, Y, Y, Y},
    /* read_confidential */ {N, S, S, Y, Y, Y},
    /* create_incident   */ {N, S, N, N, N, N},
    /* edit_incident     */ {N, S, N, N, N, N},
    /* verify_incident   */ {N, N, N, Y, N, N},
    /* run_assessment    */ {N, N, S, N, Y, Y},
    /* record_decision   */ {N, N, N, N, Y, N},
    /* decide_petition   */ {N, N, N, N, Y, N},
    /* import            */ {N, N, S, N, N, Y},
    /* export            */ {N, N, S, N, N, Y},
    /* manage_users      */ {N, N, N, N, N, Y},
    /* manage_keys       */ {N, N, N, N, N, Y},
    /* read_audit_log    */ {N, N, N, N, N, Y},
    /* add_evidence      */ {N, S, S, N, N, Y},
    /* view_evidence     */ {N, S, S, Y, Y, Y},
    /* review_names      */ {N, N, S, N, N, Y},
    /* transfer_store    */ {N, N, N, N, N, Y},
    /* edit_registry     */ {N, N, S, N, N, Y},
    /* verify_measure    */ {N, N, N, Y, N, N},
    /* submit_communication */ {Y, Y, Y, Y, Y, Y},
    /* rule_communication   */ {N, N, N, N, Y, N},
};

Grant GrantFor(Operation op, Role role) {
  return kRules[static_cast<size_t>(op)][static_cast<size_t>(role)];
}

std::string Who(const Principal& p) { return "principal " + QuoteForMessage(p.name); }

std::string RoleList(const std::set<Role>& roles) {
  if (roles.empty()) return "none";
  std::string out;
  for (Role r : roles) {
    if (!out.empty()) out += ", ";
    out += ToString(r);
  }
  return out;
}

bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return true;
}

}  // namespace

std::string_view ToString(Role role) {
  switch (role) {
    case Role::kViewer:
      return "viewer";
    case Role::kMonitor:
      return "monitor";
    case Role::kAnalyst:
      return "analyst";
    case Role::kReviewer:
      return "reviewer";
    case Role::kDecisionMaker:
      return "decision_maker";
    case Role::kAdmin:
      return "admin";
  }
  return "unknown";
}

Result<Role> ParseRole(std::string_view text) {
  for (Role r : kAllRoles) {
    if (ToString(r) == text) return r;
  }
  std::string allowed;
  for (Role r : kAllRoles) {
    if (!allowed.empty()) allowed += ", ";
    allowed += ToString(r);
  }
  return Status::InvalidArgument("unknown role " + QuoteForMessage(text) + " (expected one of " +
                                 allowed + ")");
}

bool IsSituationScoped(Role role) { return role == Role::kMonitor || role == Role::kAnalyst; }

std::string_view ToString(Operation op) {
  switch (op) {
    case Operation::kReadPublic:
      return "read_public";
    case Operation::kReadConfidential:
      return "read_confidential";
    case Operation::kCreateIncident:
      return "create_incident";
    case Operation::kEditIncident:
      return "edit_incident";
    case Operation::kVerifyIncident:
      return "verify_incident";
    case Operation::kRunAssessment:
      return "run_assessment";
    case Operation::kRecordDecision:
      return "record_decision";
    case Operation::kDecidePetition:
      return "decide_petition";
    case Operation::kImport:
      return "import";
    case Operation::kExport:
      return "export";
    case Operation::kManageUsers:
      return "manage_users";
    case Operation::kManageKeys:
      return "manage_keys";
    case Operation::kReadAuditLog:
      return "read_audit_log";
    case Operation::kAddEvidence:
      return "add_evidence";
    case Operation::kViewEvidence:
      return "view_evidence";
    case Operation::kReviewNames:
      return "review_names";
    case Operation::kSubmitCommunication:
      return "submit_communication";
    case Operation::kRuleCommunication:
      return "rule_communication";
    case Operation::kTransferStore:
      return "transfer_store";
    case Operation::kEditRegistry:
      return "edit_registry";
    case Operation::kVerifyMeasure:
      return "verify_measure";
  }
  return "unknown";
}

Status Authorize(const Principal& principal, Operation op, const Scope& scope) {
  const std::string what(ToString(op));
  if (principal.disabled) {
    return Status::PermissionDenied(Who(principal) + " is disabled and may not " + what);
  }
  bool granted = false;
  bool scoped_only = false;  // some role would allow it in an assigned situation
  for (Role role : principal.roles) {
    const Grant g = GrantFor(op, role);
    if (g == Grant::kYes) {
      granted = true;
      break;
    }
    if (g == Grant::kAssigned) {
      if (!scope.situation.empty() && principal.situations.count(scope.situation) > 0) {
        granted = true;
        break;
      }
      scoped_only = true;
    }
  }
  if (!granted) {
    if (scoped_only) {
      if (scope.situation.empty()) {
        return Status::PermissionDenied(
            Who(principal) + " may " + what +
            " only within assigned situations, and this spans every situation");
      }
      return Status::PermissionDenied(Who(principal) + " is not assigned to situation " +
                                      QuoteForMessage(scope.situation) + " and may not " + what +
                                      " there");
    }
    std::set<Role> would;
    for (Role role : kAllRoles) {
      if (GrantFor(op, role) != Grant::kNo) would.insert(role);
    }
    return Status::PermissionDenied(Who(principal) + " (roles: " + RoleList(principal.roles) +
                                    ") may not " + what +
                                    "; that needs one of: " + RoleList(would));
  }
  if (op == Operation::kVerifyIncident || op == Operation::kVerifyMeasure) {
    const std::string target = scope.target.empty() ? "the record" : scope.target;
    if (!scope.created_by.empty() && scope.created_by == principal.name) {
      return Status::PermissionDenied("four-eyes rule: " + Who(principal) + " created " +
                                      QuoteForMessage(target) +
                                      " and may not verify it; another reviewer must");
    }
    if (!scope.last_edited_by.empty() && scope.last_edited_by == principal.name) {
      return Status::PermissionDenied("four-eyes rule: " + Who(principal) + " last edited " +
                                      QuoteForMessage(target) +
                                      " and may not verify it; another reviewer must");
    }
  }
  if (op == Operation::kRecordDecision && IsBlank(scope.rationale)) {
    return Status::InvalidArgument("a decision needs a rationale: say why the status was chosen");
  }
  return Status::Ok();
}

Status ValidatePrincipal(const Principal& principal) {
  if (!IsValidId(principal.name)) {
    return Status::InvalidArgument("principal name " + QuoteForMessage(principal.name) +
                                   " is not a valid name (letters, digits, '.', '_', '-'; up to "
                                   "64 characters, starting with a letter or digit)");
  }
  for (const std::string& situation : principal.situations) {
    if (!IsValidId(situation)) {
      return Status::InvalidArgument("principal " + QuoteForMessage(principal.name) +
                                     ": situation " + QuoteForMessage(situation) +
                                     " is not a valid id");
    }
  }
  return Status::Ok();
}

}  // namespace mara::security
