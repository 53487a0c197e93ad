#include "security/roles.h"

#include <gtest/gtest.h>

#include <map>

namespace mara::security {
namespace {

// The role matrix of docs/security.md §1. Columns: viewer, monitor, analyst, reviewer,
// decision_maker, admin. Y: allowed; S: allowed only in an assigned
// situation; N: refused.
// clang-format off
const std::map<Operation, std::string> kExpected = {
    //                                 viewer, monitor, analyst, reviewer, decision_maker, admin
    {Operation::kReadPublic,          "YYYYYY"},
    {Operation::kReadConfidential,    "NSSYYY"},
    {Operation::kCreateIncident,      "NSNNNN"},
    {Operation::kEditIncident,        "NSNNNN"},
    {Operation::kVerifyIncident,      "NNNYNN"},
    {Operation::kRunAssessment,       "NNSNYY"},
    {Operation::kRecordDecision,      "NNNNYN"},
    {Operation::kDecidePetition,      "NNNNYN"},
    {Operation::kImport,              "NNSNNY"},
    {Operation::kExport,              "NNSNNY"},
    {Operation::kManageUsers,         "NNNNNY"},
    {Operation::kManageKeys,          "NNNNNY"},
    {Operation::kReadAuditLog,        "NNNNNY"},
    {Operation::kAddEvidence,         "NSSNNY"},
    {Operation::kViewEvidence,        "NSSYYY"},
    {Operation::kReviewNames,         "NNSNNY"},
    {Operation::kTransferStore,       "NNNNNY"},
    {Operation::kEditRegistry,        "NNSNNY"},
    {Operation::kVerifyMeasure,       "NNNYNN"},
    {Operation::kSubmitCommunication, "YYYYYY"},
    {Operation::kRuleCommunication,   "NNNNYN"},
};
// clang-format on

Principal Make(std::string name, std::set<Role> roles, std::set<std::string> situations = {}) {
  return {std::move(name), std::move(roles), std::move(situations), false};
}

// A scope in which only the role rules matter (no four-eyes conflict, a
// rationale present).
Scope In(std::string situation) {
  Scope s;
  s.situation = std::move(situation);
  s.target = "I-1";
  s.created_by = "field-monitor";
  s.last_edited_by = "field-monitor";
  s.rationale = "Pattern established in two locations.";
  return s;
}

TEST(RolesTest, MatrixCoversEveryOperation) {
  EXPECT_EQ(kExpected.size(), kAllOperations.size());
  for (Operation op : kAllOperations) EXPECT_EQ(kExpected.count(op), 1u) << ToString(op);
}

TEST(RolesTest, RoleMatrixEveryOperationTimesEveryRole) {
  for (Operation op : kAllOperations) {
    const std::string& row = kExpected.at(op);
    for (size_t r = 0; r < kAllRoles.size(); ++r) {
      const Role role = kAllRoles[r];
      const Principal p = Make("someone", {role}, {"SIT-A"});
      const char want = row[r];
      const std::string cell = std::string(ToString(op)) + " x " + std::string(ToString(role));
      Status assigned = Authorize(p, op, In("SIT-A"));
      Status other = Authorize(p, op, In("SIT-B"));
      Status global = Authorize(p, op, In(""));
      EXPECT_EQ(assigned.ok(), want != 'N') << cell << ": " << assigned.ToString();
      EXPECT_EQ(other.ok(), want == 'Y') << cell << " (unassigned): " << other.ToString();
      EXPECT_EQ(global.ok(), want == 'Y') << cell << " (all situations): " << global.ToString();
      for (const Status& s : {assigned, other, global}) {
        if (!s.ok()) {
          EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << cell;
        }
      }
      if (want == 'S') {
        EXPECT_NE(other.message().find("not assigned to situation 'SIT-B'"), std::string::npos)
            << other.message();
        EXPECT_NE(global.message().find("only within assigned situations"), std::string::npos)
            << global.message();
      }
      if (want == 'N') {
        EXPECT_NE(assigned.message().find("that needs one of"), std::string::npos)
            << assigned.message();
      }
      EXPECT_TRUE(IsSituationScoped(role) || want != 'S') << cell;
    }
  }
}

TEST(RolesTest, DisabledPrincipalsAreRefusedEverything) {
  Principal p = Make("former",
                     {Role::kAdmin, Role::kReviewer, Role::kDecisionMaker, Role::kMonitor,
                      Role::kAnalyst, Role::kViewer},
                     {"SIT-A"});
  p.disabled = true;
  for (Operation op : kAllOperations) {
    Status s = Authorize(p, op, In("SIT-A"));
    EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << ToString(op);
    EXPECT_NE(s.message().find("disabled"), std::string::npos);
  }
}

TEST(RolesTest, FourEyesRefusesTheCreatorAndTheLastEditor) {
  const Principal reviewer = Make("rev-1", {Role::kReviewer});
  Scope scope = In("SIT-A");

  scope.created_by = "rev-1";
  Status created = Authorize(reviewer, Operation::kVerifyIncident, scope);
  EXPECT_EQ(created.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(created.message().find("four-eyes"), std::string::npos);
  EXPECT_NE(created.message().find("created 'I-1'"), std::string::npos) << created.message();

  scope.created_by = "mon-1";
  scope.last_edited_by = "rev-1";
  Status edited = Authorize(reviewer, Operation::kVerifyIncident, scope);
  EXPECT_EQ(edited.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(edited.message().find("last edited 'I-1'"), std::string::npos) << edited.message();

  scope.last_edited_by = "mon-2";
  EXPECT_TRUE(Authorize(reviewer, Operation::kVerifyIncident, scope).ok());

  // Holding the monitor role too does not let one verify one's own incident.
  const Principal both = Make("mon-1", {Role::kMonitor, Role::kReviewer}, {"SIT-A"});
  scope.created_by = "mon-1";
  EXPECT_TRUE(Authorize(both, Operation::kCreateIncident, scope).ok());
  EXPECT_EQ(Authorize(both, Operation::kVerifyIncident, scope).code(),
            StatusCode::kPermissionDenied);
}

TEST(RolesTest, FourEyesAppliesToMeasuresToo) {
  const Principal reviewer = Make("rev-1", {Role::kReviewer});
  Scope scope;
  scope.target = "commitment C-1 measure M-1";
  scope.created_by = "analyst-1";
  scope.last_edited_by = "rev-1";
  Status edited = Authorize(reviewer, Operation::kVerifyMeasure, scope);
  EXPECT_EQ(edited.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(edited.message().find("last edited 'commitment C-1 measure M-1'"), std::string::npos)
      << edited.message();
  scope.last_edited_by = "analyst-1";
  EXPECT_TRUE(Authorize(reviewer, Operation::kVerifyMeasure, scope).ok());
  // An analyst keeps the registry but does not verify measures.
  const Principal analyst = Make("analyst-1", {Role::kAnalyst}, {"SIT-A"});
  EXPECT_TRUE(Authorize(analyst, Operation::kEditRegistry, In("SIT-A")).ok());
  EXPECT_EQ(Authorize(analyst, Operation::kVerifyMeasure, In("SIT-A")).code(),
            StatusCode::kPermissionDenied);
}

TEST(RolesTest, ADecisionNeedsARationale) {
  const Principal dm = Make("dm-1", {Role::kDecisionMaker});
  Scope scope = In("");
  for (const std::string& blank : {std::string(), std::string("  \n\t ")}) {
    scope.rationale = blank;
    Status s = Authorize(dm, Operation::kRecordDecision, scope);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find("rationale"), std::string::npos);
  }
  scope.rationale = "Credible reports from two independent sources.";
  EXPECT_TRUE(Authorize(dm, Operation::kRecordDecision, scope).ok());
  // Role comes before rationale: an admin is refused as unauthorised.
  scope.rationale.clear();
  EXPECT_EQ(Authorize(Make("root", {Role::kAdmin}), Operation::kRecordDecision, scope).code(),
            StatusCode::kPermissionDenied);
}

TEST(RolesTest, RolesCombineAndRefusalsNameTheNeededRoles) {
  const Principal p = Make("a-1", {Role::kAnalyst, Role::kViewer}, {"SIT-A"});
  EXPECT_TRUE(Authorize(p, Operation::kReadPublic, In("SIT-B")).ok());
  EXPECT_TRUE(Authorize(p, Operation::kRunAssessment, In("SIT-A")).ok());
  Status s = Authorize(p, Operation::kManageUsers, In(""));
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("principal 'a-1' (roles: viewer, analyst)"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("that needs one of: admin"), std::string::npos) << s.message();
  const Principal nobody = Make("new-user", {});
  EXPECT_EQ(Authorize(nobody, Operation::kReadPublic).code(), StatusCode::kPermissionDenied);
}

TEST(RolesTest, RolesParseAndPrint) {
  for (Role r : kAllRoles) {
    auto parsed = ParseRole(ToString(r));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, r);
  }
  auto bad = ParseRole("superuser");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("decision_maker"), std::string::npos);
  EXPECT_EQ(ToString(Operation::kVerifyIncident), "verify_incident");
}

TEST(RolesTest, PrincipalNamesAndSituationsAreIds) {
  EXPECT_TRUE(ValidatePrincipal(Make("operator", {Role::kAdmin})).ok());
  EXPECT_EQ(ValidatePrincipal(Make("../root", {Role::kAdmin})).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidatePrincipal(Make("", {Role::kAdmin})).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidatePrincipal(Make("m", {Role::kMonitor}, {"SIT A"})).code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mara::security
