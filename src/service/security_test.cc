// The protections of docs/security.md through the service layer, on real SQLite files: the role
// matrix (every authorised operation against every role), four eyes, the plaintext search over the
// database, its WAL and the evidence directory, each audit tamper case, consent withdrawal visible
// in no output, evidence edge cases, key rotation and signed reports.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sodium.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/temp_dir.h"
#include "common/text.h"
#include "policy/policy.h"
#include "security/encoding.h"
#include "security/random.h"
#include "security/trusted_keys.h"
#include "service/api_tokens.h"
#include "service/audit.h"
#include "service/authorized.h"
#include "service/core.h"
#include "service/evidence.h"
#include "service/incidents.h"
#include "service/keys.h"
#include "service/session.h"
#include "service/signing.h"
#include "service/state_ledger.h"
#include "service/store_transfer.h"
#include "service/users.h"
#include "storage/postgres/test_server.h"

namespace mara {
namespace {

namespace fs = std::filesystem;
using security::Role;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kNarrative1 = "Quietly the lantern keeper described the orchard";
constexpr std::string_view kNarrative2 = "Seventeen violet kites crossed the harbour wall";
constexpr std::string_view kTestimony = "Testimony of the weaver from the northern ridge";
constexpr std::string_view kEvidenceText = "Unmistakable marigold evidence sentence number nine";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string IncidentJson(const std::string& id, const std::string& narrative,
                         const std::string& day = "10") {
  std::string j = R"({"id": ")" + id + R"(", "situation": "SIT-A", "date": "2025-01-)" + day +
                  R"(", "location": {"name": "Town )" + id +
                  R"("}, "violations": ["rape"], "victims": {"women": 2},
      "context": "detention", "nexus": ["perpetrator_affiliation"], "status": "under_verification",
      "perpetrators": [{"party": "P-1", "standard": "reasonable_grounds"}], "sources": ["S-1"])";
  if (!narrative.empty()) j += R"(, "narrative": ")" + narrative + "\"";
  return j + "}";
}

std::string BundleJson() {
  return R"({"format": "mara-bundle/1",
    "situations": [{"id": "SIT-A", "name": "Country A", "on_council_agenda": true}],
    "parties": [{"id": "P-1", "name": "Army of A", "kind": "state", "situation": "SIT-A"}],
    "sources": [{"id": "S-1", "kind": "un_monitoring", "title": "Report", "publisher": "UN",
                 "date": "2025-02-01", "reliability": "B", "credibility": "2", "confidential": false},
                {"id": "S-T", "kind": "survivor_testimony", "title": ")" +
         std::string(kTestimony) + R"(", "publisher": "Field team", "date": "2025-02-01",
                 "reliability": "C", "credibility": "3", "confidential": false}],
    "incidents": [)" +
         IncidentJson("I-1", std::string(kNarrative1), "10") + "," +
         IncidentJson("I-2", std::string(kNarrative2), "20") + "," + IncidentJson("I-3", "", "25") +
         "," + IncidentJson("I-4", "", "28") + "]}";
}

class SecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = ScopedTempDir::Create("mara-security");
    ASSERT_TRUE(dir.ok());
    dir_ = std::move(dir).value();
    db_ = DatabaseUrl();
    ASSERT_FALSE(db_.empty());
    bundle_ = (fs::path(dir_.path()) / "bundle.json").string();
    WriteFile(bundle_, BundleJson());
    auto admin = Open("", /*create=*/true);
    ASSERT_TRUE(admin.ok()) << admin.status().ToString();
    auto report = ImportFile(**admin, bundle_, {});
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    for (Role role : security::kAllRoles) {
      NewUser u;
      u.name = "as-" + std::string(security::ToString(role));
      u.roles = {std::string(security::ToString(role))};
      if (security::IsSituationScoped(role)) u.situations = {"SIT-A"};
      ASSERT_TRUE(AddUser(**admin, u).ok());
    }
    ASSERT_TRUE((*admin)->Finish().ok());
  }

  // The store the fixture opens: a SQLite file in the temporary folder,
  // unless a subclass names another ("" after a failure it reported).
  virtual std::string DatabaseUrl() { return (fs::path(dir_.path()) / "mara.db").string(); }

  Result<std::unique_ptr<Session>> Open(const std::string& principal, bool create = false) {
    SessionOptions o;
    o.db = db_;
    if (db_.rfind("postgresql://", 0) == 0) {
      o.key_file = (fs::path(dir_.path()) / "mara.keys").string();
      o.evidence_dir = (fs::path(dir_.path()) / "mara.evidence").string();
    }
    o.principal = principal;
    o.create = create;
    return Session::Open(o);
  }

  std::unique_ptr<Session> As(const std::string& principal) {
    auto s = Open(principal);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  void AddPrincipal(const std::string& name, std::vector<std::string> roles) {
    auto admin = As("");
    NewUser u;
    u.name = name;
    u.roles = std::move(roles);
    u.situations = {"SIT-A"};
    ASSERT_TRUE(AddUser(*admin, u).ok());
  }

  // Runs SQL on the database file behind the store's back, as an attacker
  // with write access to the file would.
  void RawExec(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    std::string message = error != nullptr ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message;
  }

  security::AuditVerification Verify() {
    auto admin = As("");
    auto v = VerifyAudit(*admin);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : security::AuditVerification{};
  }

  std::string ExportText(const std::string& format) {
    auto admin = As("");
    std::ostringstream out;
    Status s = ExportStore(*admin, format, out);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out.str();
  }

  ScopedTempDir dir_;
  std::string db_;
  std::string bundle_;
};

// ---------------------------------------------------------------- role matrix

struct MatrixRow {
  std::string operation;
  std::function<Status(Session&, int)> run;  // int: a per-call counter for unique names
  std::set<Role> allowed;
};

TEST_F(SecurityTest, RoleMatrixEveryOperationAgainstEveryRole) {
  const Policy policy = DefaultPolicy().value();
  // The evidence file the add-evidence row stores.
  const std::string file = (fs::path(dir_.path()) / "photo.jpg").string();
  WriteFile(file, "image bytes");
  const std::set<Role> kEveryone(security::kAllRoles.begin(), security::kAllRoles.end());
  const std::vector<MatrixRow> rows = {
      {"import",
       [&](Session& s, int) { return ImportFile(s, bundle_, {}).status(); },
       {Role::kAnalyst, Role::kAdmin}},
      {"export",
       [&](Session& s, int) {
         std::ostringstream out;
         return ExportStore(s, "bundle", out);
       },
       {Role::kAnalyst, Role::kAdmin}},
      {"assess",
       [&](Session& s, int) { return AssessCycle(s, policy, 2025).status(); },
       {Role::kAnalyst, Role::kDecisionMaker, Role::kAdmin}},
      {"case (confidential)",
       [&](Session& s, int) {
         return BuildStatementOfCase(s, policy, "P-1", 2025, false).status();
       },
       {Role::kMonitor, Role::kAnalyst, Role::kReviewer, Role::kDecisionMaker, Role::kAdmin}},
      {"case (public)",
       [&](Session& s, int) { return BuildStatementOfCase(s, policy, "P-1", 2025, true).status(); },
       kEveryone},
      {"stats", [&](Session& s, int) { return ComputeStats(s).status(); }, kEveryone},
      {"record decision",
       [&](Session& s, int) {
         Decision d{"P-1", 2025, PartyStatus::kOnNotice, "", Date::FromYmd(2026, 4, 1), "why"};
         return RecordDecision(s, d);
       },
       {Role::kDecisionMaker}},
      {"file petition",
       [&](Session& s, int i) {
         // 2026-01-01 is day 20454 of the Unix epoch; one filing date per call.
         PetitionFiling f{"P-1", "grounds", true, 2025, Date::FromDays(20454 + i)};
         return FilePetition(s, f).status();
       },
       {Role::kDecisionMaker, Role::kAdmin}},
      {"decide petition",
       [&](Session& s, int) {
         PetitionRuling r;
         r.party = "P-1";
         r.filed = Date::FromYmd(2025, 1, 1);  // none filed: kNotFound once allowed
         r.decided = Date::FromYmd(2025, 2, 1);
         r.reason = "reviewed";
         return DecidePetition(s, policy, r).status();
       },
       {Role::kDecisionMaker}},
      {"verify incident",
       [&](Session& s, int) { return VerifyIncident(s, "I-3", Date::FromYmd(2025, 3, 1)); },
       {Role::kReviewer}},
      {"set consent",
       [&](Session& s, int) { return SetIncidentConsent(s, "I-3", Consent::kAggregateReporting); },
       {Role::kMonitor}},
      {"add evidence",
       [&](Session& s, int) {
         EvidenceIntake in;
         in.incident = "I-1";
         return AddEvidence(s, file, in).status();
       },
       {Role::kMonitor, Role::kAnalyst, Role::kAdmin}},
      {"verify evidence",
       [&](Session& s, int) { return VerifyEvidence(s).status(); },
       {Role::kMonitor, Role::kAnalyst, Role::kReviewer, Role::kDecisionMaker, Role::kAdmin}},
      {"user add",
       [&](Session& s, int i) {
         NewUser u;
         u.name = "new-" + std::to_string(i);
         u.roles = {"viewer"};
         return AddUser(s, u);
       },
       {Role::kAdmin}},
      {"user list", [&](Session& s, int) { return ListUsers(s).status(); }, {Role::kAdmin}},
      {"audit verify", [&](Session& s, int) { return VerifyAudit(s).status(); }, {Role::kAdmin}},
      {"key rotate", [&](Session& s, int) { return RotateDataKey(s).status(); }, {Role::kAdmin}},
      {"names review list",
       [&](Session& s, int) { return ListNameReviews(s, true).status(); },
       {Role::kAnalyst, Role::kAdmin}},
      {"names review decide",
       [&](Session& s, int) {
         ReviewDecision d;
         d.id = 999;  // no such entry: kNotFound once allowed
         d.choice = ReviewChoice::kReject;
         return DecideNameReview(s, d).status();
       },
       {Role::kAnalyst, Role::kAdmin}},
      {"store copy",
       [&](Session& s, int i) -> Status {
         StoreOptions o;
         o.keys = s.shared_keys();
         const std::string to =
             (fs::path(dir_.path()) / ("copy-" + std::to_string(i) + ".db")).string();
         MARA_ASSIGN_OR_RETURN(std::unique_ptr<Store> dest, OpenStore(to, o));
         return CopyStore(s, *dest, to).status();
       },
       {Role::kAdmin}},
      {"backup",
       [&](Session& s, int i) {
         return BackupStore(
                    s, (fs::path(dir_.path()) / ("backup-" + std::to_string(i) + ".db")).string())
             .status();
       },
       {Role::kAdmin}},
  };
  int counter = 0;
  for (const MatrixRow& row : rows) {
    for (Role role : security::kAllRoles) {
      const std::string name = "as-" + std::string(security::ToString(role));
      std::unique_ptr<Session> session = As(name);
      ASSERT_NE(session, nullptr);
      const Status s = row.run(*session, ++counter);
      const bool allowed = row.allowed.count(role) > 0;
      if (allowed) {
        EXPECT_NE(s.code(), StatusCode::kPermissionDenied)
            << row.operation << " as " << name << ": " << s.ToString();
      } else {
        EXPECT_EQ(s.code(), StatusCode::kPermissionDenied)
            << row.operation << " as " << name << " should be refused, got " << s.ToString();
      }
    }
  }
  // A disabled principal may do nothing, not even read the public edition.
  {
    auto admin = As("");
    ASSERT_TRUE(SetUserDisabled(*admin, "as-viewer", true).ok());
  }
  EXPECT_EQ(ComputeStats(*As("as-viewer")).status().code(), StatusCode::kPermissionDenied);
  // An unknown principal cannot even open a session.
  EXPECT_EQ(Open("nobody").status().code(), StatusCode::kPermissionDenied);
  // A monitor of another situation may not touch SIT-A.
  AddPrincipal("elsewhere", {"monitor"});
  {
    auto admin = As("");
    ASSERT_TRUE(AssignUser(*admin, "elsewhere", {}, {"SIT-A"}, /*remove=*/true).ok());
    ASSERT_TRUE(AssignUser(*admin, "elsewhere", {}, {"SIT-B"}, /*remove=*/false).ok());
  }
  Status other = SetIncidentConsent(*As("elsewhere"), "I-3", Consent::kInternalUse);
  EXPECT_EQ(other.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(other.message(), HasSubstr("not assigned to situation"));
}

// ---------------------------------------------------------------- four eyes

TEST_F(SecurityTest, FourEyesVerificationAndDecisionRules) {
  AddPrincipal("rev1", {"reviewer"});
  AddPrincipal("monrev", {"monitor", "reviewer"});
  AddPrincipal("adminrev", {"admin", "reviewer"});
  // The operator imported everything: a reviewer who did not may verify.
  EXPECT_TRUE(VerifyIncident(*As("rev1"), "I-1", Date::FromYmd(2025, 3, 1)).ok());
  EXPECT_EQ(VerifyIncident(*As("rev1"), "I-1", Date::FromYmd(2025, 3, 2)).code(),
            StatusCode::kConflict);
  // Whoever last edited an incident may not verify it.
  ASSERT_TRUE(SetIncidentConsent(*As("monrev"), "I-2", Consent::kInternalUse).ok());
  Status own = VerifyIncident(*As("monrev"), "I-2", Date::FromYmd(2025, 3, 1));
  EXPECT_EQ(own.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(own.message(), HasSubstr("four-eyes"));
  EXPECT_THAT(own.message(), HasSubstr("last edited"));
  EXPECT_TRUE(VerifyIncident(*As("rev1"), "I-2", Date::FromYmd(2025, 3, 1)).ok());
  // Whoever imported (created) an incident may not verify it.
  const std::string more = (fs::path(dir_.path()) / "more.json").string();
  WriteFile(more, R"({"format": "mara-bundle/1", "incidents": [)" + IncidentJson("I-9", "") + "]}");
  ASSERT_TRUE(ImportFile(*As("adminrev"), more, {}).ok());
  Status created = VerifyIncident(*As("adminrev"), "I-9", Date::FromYmd(2025, 3, 1));
  EXPECT_EQ(created.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(created.message(), HasSubstr("created"));
  // Imports keep the status their source gave.
  auto i9 = As("")->store().GetIncident("I-9");
  ASSERT_TRUE(i9.ok() && i9->has_value());
  EXPECT_EQ((*i9)->status, IncidentStatus::kUnderVerification);
  // A decision needs a rationale, and its decider is the principal.
  auto dm = As("as-decision_maker");
  Decision d{"P-1", 2025, PartyStatus::kListed, "somebody else", Date::FromYmd(2026, 4, 1), " "};
  EXPECT_EQ(RecordDecision(*dm, d).code(), StatusCode::kInvalidArgument);
  d.rationale = "Pattern established by verified incidents";
  ASSERT_TRUE(RecordDecision(*dm, d).ok());
  auto registry = dm->store().LoadRegistry();
  ASSERT_TRUE(registry.ok());
  ASSERT_EQ(registry->decisions.size(), 1u);
  EXPECT_EQ(registry->decisions[0].decided_by, "as-decision_maker");
}

// `mara store copy` and `mara backup` act as a principal and leave a record
// naming it: the copy in the source's chain (and so in the copied chain),
// the backup in the source's chain.
TEST_F(SecurityTest, PreferredLanguagesAreOwnOrAnAdminsAuditedAndOnlyTheSix) {
  auto language_actions = [](Store& store) {
    std::vector<std::string> out;
    EXPECT_TRUE(store
                    .ScanAuditRecords([&](const security::AuditRecord& r) {
                      if (r.action == "user.language") {
                        out.push_back(r.principal + " " + r.target_id);
                      }
                      return Status::Ok();
                    })
                    .ok());
    return out;
  };
  auto stored = [](Session& s, const std::string& name) {
    auto user = s.store().GetUser(name);
    EXPECT_TRUE(user.ok() && user->has_value());
    return user.ok() && user->has_value() ? (*user)->language : std::string("?");
  };
  {
    // An admin sets it when adding a principal; only the six codes.
    auto admin = As("as-admin");
    NewUser u;
    u.name = "amal";
    u.roles = {"viewer"};
    u.language = "ar";
    ASSERT_TRUE(AddUser(*admin, u).ok());
    EXPECT_EQ(stored(*admin, "amal"), "ar");
    u.name = "xavier";
    u.language = "de";
    Status refused = AddUser(*admin, u);
    EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(refused.message(), HasSubstr("expected ar, en, es, fr, ru or zh"));
    EXPECT_FALSE(admin->store().GetUser("xavier")->has_value());
    // And changes or clears anyone's.
    ASSERT_TRUE(SetUserLanguage(*admin, "as-viewer", "es").ok());
    EXPECT_EQ(stored(*admin, "as-viewer"), "es");
    ASSERT_TRUE(SetUserLanguage(*admin, "amal", "").ok());
    EXPECT_EQ(stored(*admin, "amal"), "");
    EXPECT_EQ(SetUserLanguage(*admin, "nobody", "fr").code(), StatusCode::kNotFound);
    ASSERT_TRUE(admin->Finish().ok());
  }
  auto viewer = As("as-viewer");
  EXPECT_EQ(viewer->principal().language, "es");
  auto token = IssueApiToken(*viewer, 30);
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  // One's own: any principal, which the session sees at once.
  ASSERT_TRUE(SetUserLanguage(*viewer, "as-viewer", "fr").ok());
  EXPECT_EQ(viewer->principal().language, "fr");
  EXPECT_EQ(stored(*viewer, "as-viewer"), "fr");
  for (const char* bad : {"EN", "fr-CA", "de", " ar", "none"}) {
    Status s = SetUserLanguage(*viewer, "as-viewer", bad);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(s.message(), HasSubstr("language: expected ar, en, es, fr, ru or zh")) << bad;
  }
  EXPECT_EQ(stored(*viewer, "as-viewer"), "fr");
  // Not another's without manage_users.
  Status denied = SetUserLanguage(*viewer, "as-analyst", "ru");
  EXPECT_EQ(denied.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(denied.message(), HasSubstr("manage_users"));
  EXPECT_EQ(stored(*viewer, "as-analyst"), "");
  // The same language again changes and audits nothing.
  ASSERT_TRUE(SetUserLanguage(*viewer, "as-viewer", "fr").ok());
  // A language change revokes no API token.
  auto resolved = ResolveApiToken(*viewer, token->token, token->expires_at - 60);
  ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
  EXPECT_EQ(*resolved, "as-viewer");
  ASSERT_TRUE(viewer->Finish().ok());
  EXPECT_EQ(
      language_actions(As("")->store()),
      (std::vector<std::string>{"as-admin as-viewer", "as-admin amal", "as-viewer as-viewer"}));
  // The chain, with the states of principals with and without a language,
  // verifies.
  EXPECT_TRUE(Verify().ok());
}

TEST_F(SecurityTest, StoreCopyAndBackupAreAdminOperationsRecordedInTheChain) {
  const fs::path dir(dir_.path());
  auto actions = [](Store& store) {
    std::vector<std::string> out;
    EXPECT_TRUE(store
                    .ScanAuditRecords([&](const security::AuditRecord& r) {
                      if (r.action.starts_with("store.")) {
                        out.push_back(r.principal + " " + r.action + " " + r.target_id);
                      }
                      return Status::Ok();
                    })
                    .ok());
    return out;
  };
  {
    auto analyst = As("as-analyst");
    StoreOptions o;
    o.keys = analyst->shared_keys();
    auto dest = OpenStore((dir / "denied.db").string(), o);
    ASSERT_TRUE(dest.ok());
    Status denied = CopyStore(*analyst, **dest, "denied.db").status();
    EXPECT_EQ(denied.code(), StatusCode::kPermissionDenied);
    EXPECT_THAT(denied.message(), HasSubstr("transfer_store"));
    EXPECT_EQ(BackupStore(*analyst, (dir / "denied.bak").string()).status().code(),
              StatusCode::kPermissionDenied);
    EXPECT_FALSE(fs::exists(dir / "denied.bak"));
    EXPECT_TRUE(actions(analyst->store()).empty());
  }
  auto admin = As("as-admin");
  StoreOptions o;
  o.keys = admin->shared_keys();
  auto dest = OpenStore((dir / "copy.db").string(), o);
  ASSERT_TRUE(dest.ok());
  auto copied = CopyStore(*admin, **dest, (dir / "copy.db").string());
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  const std::string copy_record = "as-admin store.copy " + (dir / "copy.db").string();
  EXPECT_EQ(actions(**dest), std::vector<std::string>{copy_record});
  auto backup = BackupStore(*admin, (dir / "mara.bak").string());
  ASSERT_TRUE(backup.ok()) << backup.status().ToString();
  EXPECT_EQ(actions(admin->store()),
            (std::vector<std::string>{copy_record, "as-admin store.backup mara.bak"}));
  ASSERT_TRUE(admin->Finish().ok());
  EXPECT_TRUE(Verify().ok());
}

TEST_F(SecurityTest, MonitorsCreateAndEditIncidentsInTheirSituationsOnly) {
  AddPrincipal("mon1", {"monitor"});
  AddPrincipal("rev1", {"reviewer"});
  auto stored = As("")->store().GetIncident("I-1");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  mara::Incident fresh = **stored;
  fresh.id = "I-NEW";
  fresh.status = IncidentStatus::kReported;
  fresh.verified_on.reset();
  auto created = SaveIncident(*As("mon1"), fresh);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(*created, PutOutcome::kInserted);
  auto provenance = As("")->store().GetIncidentProvenance("I-NEW");
  ASSERT_TRUE(provenance.ok() && provenance->has_value());
  EXPECT_EQ((*provenance)->created_by, "mon1");
  EXPECT_EQ((*provenance)->last_edited_by, "mon1");
  // An edit by the same monitor; the creator may never verify it.
  fresh.location.name = "Another town";
  auto edited = SaveIncident(*As("mon1"), fresh);
  ASSERT_TRUE(edited.ok()) << edited.status().ToString();
  EXPECT_EQ(*edited, PutOutcome::kUpdated);
  EXPECT_TRUE(VerifyIncident(*As("rev1"), "I-NEW", Date::FromYmd(2025, 3, 1)).ok());

  // Outside the monitor's situations, for roles that may not create, with a
  // reference to a missing party, or breaking a field rule: refused, nothing written.
  mara::Incident elsewhere = fresh;
  elsewhere.id = "I-ELSEWHERE";
  elsewhere.situation = "SIT-Z";
  EXPECT_EQ(SaveIncident(*As("mon1"), elsewhere).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(SaveIncident(*As("as-viewer"), fresh).status().code(), StatusCode::kPermissionDenied);
  mara::Incident unknown_party = fresh;
  unknown_party.id = "I-BAD";
  unknown_party.perpetrators = {{"P-NOWHERE", Standard::kReasonableGrounds}};
  Status missing = SaveIncident(*As("mon1"), unknown_party).status();
  EXPECT_EQ(missing.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.message(), HasSubstr("P-NOWHERE"));
  mara::Incident no_violations = fresh;
  no_violations.id = "I-BAD2";
  no_violations.violations.clear();
  Status invalid = SaveIncident(*As("mon1"), no_violations).status();
  EXPECT_EQ(invalid.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(invalid.message(), HasSubstr("violations"));
  for (const char* id : {"I-ELSEWHERE", "I-BAD", "I-BAD2"}) {
    auto absent = As("")->store().GetIncident(id);
    ASSERT_TRUE(absent.ok());
    EXPECT_FALSE(absent->has_value()) << id;
  }
  EXPECT_TRUE(Verify().ok());
}

TEST_F(SecurityTest, TestimonyConsentWithdrawalLeavesNoContentInAnyOutput) {
  AddPrincipal("mon1", {"monitor"});
  auto registry = As("")->store().LoadRegistry();
  ASSERT_TRUE(registry.ok());
  const mara::Source* testimony = nullptr;
  for (const mara::Source& src : registry->sources) {
    if (src.id == "S-T") testimony = &src;
  }
  ASSERT_NE(testimony, nullptr);
  // Arrived without a scope: aggregate_reporting.
  EXPECT_EQ(testimony->consent, Consent::kAggregateReporting);
  const std::string title = testimony->title;
  ASSERT_NE(ExportText("bundle").find(title), std::string::npos);

  EXPECT_EQ(SetTestimonyConsent(*As("mon1"), "S-1", Consent::kWithdrawn).code(),
            StatusCode::kInvalidArgument);  // not a testimony
  EXPECT_EQ(SetTestimonyConsent(*As("as-viewer"), "S-T", Consent::kWithdrawn).code(),
            StatusCode::kPermissionDenied);
  ASSERT_TRUE(SetTestimonyConsent(*As("mon1"), "S-T", Consent::kWithdrawn).ok());
  const std::string exported = ExportText("bundle");
  EXPECT_EQ(exported.find(title), std::string::npos);
  EXPECT_NE(exported.find("withdrawn testimony"), std::string::npos);
  // The stored record keeps its content, sealed, for the audit trail.
  auto stored = As("")->store().LoadRegistry();
  ASSERT_TRUE(stored.ok());
  bool kept = false;
  for (const mara::Source& src : stored->sources) kept |= src.id == "S-T" && src.title == title;
  EXPECT_TRUE(kept);
  EXPECT_TRUE(Verify().ok());
}

// ---------------------------------------------------------------- encryption at rest

// The first column of every row `sql` returns, read behind the store's back.
std::vector<std::string> StoredValues(const std::string& db, const std::string& sql) {
  std::vector<std::string> out;
  if (db.rfind("postgresql://", 0) == 0) {
    auto conn = pg::Conn::Open(db);
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    if (!conn.ok()) return out;
    pg::Params none;
    auto rows = (*conn)->Query(sql, none);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    for (int i = 0; rows.ok() && i < rows->size(); ++i) out.emplace_back(rows->Text(i, 0));
    return out;
  }
  sqlite3* handle = nullptr;
  EXPECT_EQ(sqlite3_open(db.c_str(), &handle), SQLITE_OK);
  sqlite3_exec(
      handle, sql.c_str(),
      [](void* sink, int, char** values, char**) {
        static_cast<std::vector<std::string>*>(sink)->emplace_back(values[0] ? values[0] : "");
        return 0;
      },
      &out, nullptr);
  sqlite3_close(handle);
  return out;
}

size_t CountHits(const fs::path& path, std::string_view needle) {
  const std::string bytes = ReadFile(path);
  size_t hits = 0;
  for (size_t at = bytes.find(needle); at != std::string::npos; at = bytes.find(needle, at + 1)) {
    ++hits;
  }
  return hits;
}

TEST_F(SecurityTest, PlaintextSearchOverDatabaseWalAndEvidenceFindsNothing) {
  auto admin = As("");
  const std::string file = (fs::path(dir_.path()) / "statement.txt").string();
  WriteFile(file, kEvidenceText);
  EvidenceIntake in;
  in.source = "S-T";
  auto item = AddEvidence(*admin, file, in);
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  fs::remove(file);
  // The session stays open, so the WAL still holds the pages just written.
  auto back = admin->store().GetIncident("I-1");
  ASSERT_TRUE(back.ok() && back->has_value());
  EXPECT_EQ((*back)->narrative, std::string(kNarrative1));
  std::vector<fs::path> files = {db_, db_ + "-wal"};
  ASSERT_TRUE(fs::exists(db_ + "-wal"));
  for (const auto& e : fs::recursive_directory_iterator(admin->evidence_dir())) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  ASSERT_GE(files.size(), 3u);
  for (std::string_view needle : {kNarrative1, kNarrative2, kTestimony, kEvidenceText}) {
    // Fragments too: a column split across pages would still show a part.
    for (std::string_view part :
         {needle, needle.substr(0, 16), needle.substr(needle.size() - 16)}) {
      for (const fs::path& f : files) {
        EXPECT_EQ(CountHits(f, part), 0u) << "'" << part << "' found in " << f;
      }
    }
  }
  // The search can find what is there: the non-sensitive source title is.
  EXPECT_GT(CountHits(db_, "Army of A") + CountHits(db_ + "-wal", "Army of A"), 0u);
  // The key file is 0600.
  EXPECT_EQ(fs::status(admin->key_file()).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(SecurityTest, KeyRotationReencryptsEverythingAndDropsTheOldKey) {
  const std::string file = (fs::path(dir_.path()) / "a.txt").string();
  WriteFile(file, kEvidenceText);
  std::string old_id;
  {
    auto admin = As("");
    old_id = admin->keys().current_data_key()->id();
    EvidenceIntake in;
    in.source = "S-1";
    ASSERT_TRUE(AddEvidence(*admin, file, in).ok());
    auto r = RotateDataKey(*admin);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->old_key_id, old_id);
    EXPECT_EQ(r->fields, 4);  // two narratives, the testimony source, the evidence item
    EXPECT_EQ(r->evidence_files, 1);
  }
  const std::string key_text = ReadFile(db_ + ".keys");
  EXPECT_THAT(key_text, Not(HasSubstr(old_id)));
  auto admin = As("");
  EXPECT_NE(admin->keys().current_data_key()->id(), old_id);
  EXPECT_EQ(admin->keys().data_keys.size(), 1u);
  auto back = admin->store().GetIncident("I-2");
  ASSERT_TRUE(back.ok() && back->has_value()) << back.status().ToString();
  EXPECT_EQ((*back)->narrative, std::string(kNarrative2));
  auto v = VerifyEvidence(*admin);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok()) << v->problems[0].what;
  EXPECT_TRUE(VerifyAudit(*admin)->ok());
}

// ---------------------------------------------------------------- audit tamper cases

class AuditTamperTest : public SecurityTest {
 protected:
  void SetUp() override {
    SecurityTest::SetUp();
    // A few more records, the last one sealed by a checkpoint.
    auto admin = As("");
    for (int i = 0; i < 3; ++i) {
      NewUser u;
      u.name = "extra-" + std::to_string(i);
      u.roles = {"viewer"};
      ASSERT_TRUE(AddUser(*admin, u).ok());
    }
    auto clean = VerifyAudit(*admin);
    ASSERT_TRUE(clean.ok() && clean->ok()) << clean->ToStatus().ToString();
    ASSERT_TRUE(admin->Finish().ok());  // seals the last record
    auto head = admin->store().GetAuditHead();
    ASSERT_TRUE(head.ok());
    head_ = head->seq;
    ASSERT_GE(head_, 8u);
  }

  void ExpectDamageAt(uint64_t seq, std::string_view what) {
    security::AuditVerification v = Verify();
    ASSERT_FALSE(v.ok()) << "tampering went unnoticed";
    EXPECT_EQ(v.problem->seq, seq) << v.problem->what;
    EXPECT_THAT(v.problem->what, HasSubstr(std::string(what)));
    EXPECT_EQ(v.ToStatus().code(), StatusCode::kCorruption);
  }

  uint64_t head_ = 0;
};

TEST_F(AuditTamperTest, FlippedByte) {
  RawExec("UPDATE audit_records SET principal = 'operatoR' WHERE seq = 3");
  ExpectDamageAt(3, "altered");
}

TEST_F(AuditTamperTest, DeletedRecord) {
  RawExec("DELETE FROM audit_records WHERE seq = 4");
  ExpectDamageAt(4, "deleted");
}

TEST_F(AuditTamperTest, ReorderedRecords) {
  RawExec(
      "UPDATE audit_records SET seq = -1 WHERE seq = 3; "
      "UPDATE audit_records SET seq = 3 WHERE seq = 4; "
      "UPDATE audit_records SET seq = 4 WHERE seq = -1");
  ExpectDamageAt(3, "prev_hash");
}

TEST_F(AuditTamperTest, TruncatedTailWithTheHeadRewound) {
  // The attacker deletes the last two records and moves the head back, so
  // only the signed checkpoint of the real head tells.
  const std::string last = std::to_string(head_ - 2);
  RawExec("DELETE FROM audit_records WHERE seq > " + last + "; UPDATE audit_head SET seq = " +
          last + ", hash = (SELECT hash FROM audit_records WHERE seq = " + last + ")");
  ExpectDamageAt(head_ - 1, "truncated");
}

TEST_F(AuditTamperTest, TruncatedTail) {
  RawExec("DELETE FROM audit_records WHERE seq = " + std::to_string(head_));
  ExpectDamageAt(head_, "truncated");
}

TEST_F(AuditTamperTest, RecordInsertedOutOfChain) {
  // A well-formed record appended after the head, linked to an older record
  // and with the head moved to it.
  const std::string seq = std::to_string(head_ + 1);
  RawExec(
      "INSERT INTO audit_records SELECT " + seq +
      ", time_ms, 'intruder', 'incident.verify', 'incidents', 'I-1', '', '', prev_hash, hash, '' "
      "FROM audit_records WHERE seq = 2; UPDATE audit_head SET seq = " +
      seq + ", hash = (SELECT hash FROM audit_records WHERE seq = " + seq + ")");
  ExpectDamageAt(head_ + 1, "inserted out of chain");
}

TEST_F(AuditTamperTest, CheckpointSignedWithAnotherKey) {
  security::SeededRandom random(99);
  const security::SigningKey other = security::SigningKey::Generate(random);
  std::string hash;
  {
    auto admin = As("");
    hash = admin->store().GetAuditHead()->hash;
  }
  const security::AuditCheckpoint forged = security::SignCheckpoint(head_, hash, 1, other);
  RawExec("INSERT INTO audit_checkpoints(seq, hash, key_id, signature, every) VALUES (" +
          std::to_string(forged.seq) + ", '" + forged.hash + "', '" + forged.key_id + "', '" +
          forged.signature + "', 1)");
  ExpectDamageAt(head_, "not trusted");
}

TEST_F(AuditTamperTest, VerificationAppendsAndSignsNothing) {
  auto count = [this] {
    auto admin = As("");
    auto head = admin->store().GetAuditHead();
    auto checkpoints = admin->store().ListAuditCheckpoints();
    return std::make_pair(head->seq, checkpoints->size());
  };
  const auto before = count();
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(Verify().ok());
  EXPECT_EQ(count(), before);
}

TEST_F(AuditTamperTest, DeletedCheckpointsFromSomeRecordOn) {
  RawExec("DELETE FROM audit_checkpoints WHERE seq >= 4");
  ExpectDamageAt(4, "not sealed by a signed checkpoint");
}

TEST_F(AuditTamperTest, AllCheckpointsDeleted) {
  RawExec("DELETE FROM audit_checkpoints");
  ExpectDamageAt(1, "not sealed by a signed checkpoint");
}

TEST_F(AuditTamperTest, AKeySwappedInTheKeyFileAndTheChainReSigned) {
  // The attacker writes their own signing key into the key file and re-signs
  // every checkpoint with it: the key file's key is not the pinned one.
  security::SeededRandom random(7);
  const std::string key_file = db_ + ".keys";
  auto keys = security::ReadKeyFile(key_file);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  keys->signing_key = security::SigningKey::Generate(random);
  ASSERT_TRUE(security::WriteKeyFile(key_file, *keys, true).ok());
  std::string sql = "DELETE FROM audit_checkpoints;";
  {
    auto admin = As("");
    ASSERT_TRUE(admin->store()
                    .ScanAuditRecords([&](const security::AuditRecord& r) -> Status {
                      const security::AuditCheckpoint cp =
                          security::SignCheckpoint(r.seq, r.hash, 1, *keys->signing_key);
                      sql +=
                          "INSERT INTO audit_checkpoints(seq, hash, key_id, signature, every) "
                          "VALUES (" +
                          std::to_string(cp.seq) + ", '" + cp.hash + "', '" + cp.key_id + "', '" +
                          cp.signature + "', 1);";
                      return Status::Ok();
                    })
                    .ok());
  }
  RawExec(sql);
  ExpectDamageAt(1, "not trusted");
  // Given the real key explicitly, the same.
  auto admin = As("");
  auto pinned = security::ReadTrustedKeys(security::TrustedKeysPath());
  ASSERT_TRUE(pinned.ok());
  AuditVerifyOptions options;
  options.public_keys = *pinned;
  auto v = VerifyAudit(*admin, options);
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok());
}

TEST_F(AuditTamperTest, TruncationToASignedRecordIsCaughtByTheAnchoredHead) {
  std::string anchor_json;
  {
    auto admin = As("");
    auto head = ReadSignedHead(*admin);
    ASSERT_TRUE(head.ok()) << head.status().ToString();
    EXPECT_EQ(head->checkpoint.seq, head_);
    anchor_json = SignedHeadJson(*head);
  }
  const std::string keep = std::to_string(head_ - 3);
  RawExec("DELETE FROM audit_records WHERE seq > " + keep +
          "; DELETE FROM audit_checkpoints WHERE seq > " + keep +
          "; DELETE FROM audit_state WHERE seq > " + keep + "; UPDATE audit_head SET seq = " +
          keep + ", hash = (SELECT hash FROM audit_records WHERE seq = " + keep + ")");
  // Without the anchor the shorter log is a valid older chain, but the
  // records its cut changes wrote are still there: the state check names
  // them.
  {
    security::AuditVerification cut = Verify();
    EXPECT_FALSE(cut.ok());
    EXPECT_EQ(cut.checkpoints > 0, true);
    ASSERT_FALSE(cut.state_findings.empty());
    EXPECT_THAT(cut.problem->what, HasSubstr("outside the chain"));
  }
  auto anchor = ParseSignedHead(anchor_json, "head.json");
  ASSERT_TRUE(anchor.ok()) << anchor.status().ToString();
  AuditVerifyOptions options;
  options.anchor = anchor->checkpoint;
  auto admin = As("");
  auto v = VerifyAudit(*admin, options);
  ASSERT_TRUE(v.ok());
  ASSERT_FALSE(v->ok());
  EXPECT_EQ(v->problem->seq, head_ - 2);
  EXPECT_THAT(v->problem->what, HasSubstr("anchored head"));
}

TEST_F(AuditTamperTest, AnIntervalRaisedBehindMarasBack) {
  {
    auto admin = As("");
    ASSERT_TRUE(SetCheckpointEvery(*admin, 3).ok());
    for (int i = 0; i < 7; ++i) {
      NewUser u;
      u.name = "more-" + std::to_string(i);
      u.roles = {"viewer"};
      ASSERT_TRUE(AddUser(*admin, u).ok());
    }
    ASSERT_TRUE(admin->Finish().ok());
    EXPECT_EQ(*CheckpointEveryOf(*admin), 3u);
  }
  EXPECT_TRUE(Verify().ok());
  RawExec("UPDATE meta SET value = '1000' WHERE key = 'audit_checkpoint_every'");
  {
    auto admin = As("");
    NewUser u;
    u.name = "after-the-edit";
    u.roles = {"viewer"};
    ASSERT_TRUE(AddUser(*admin, u).ok());
  }
  security::AuditVerification v = Verify();
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.problem->what, HasSubstr("not the interval the audit chain set"));
}

TEST_F(AuditTamperTest, ACheckpointIntervalOutOfRangeIsRefused) {
  auto admin = As("");
  EXPECT_EQ(SetCheckpointEvery(*admin, 0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SetCheckpointEvery(*admin, security::kMaxCheckpointEvery + 1).code(),
            StatusCode::kInvalidArgument);
  auto viewer = As("extra-0");
  EXPECT_EQ(SetCheckpointEvery(*viewer, 5).code(), StatusCode::kPermissionDenied);
}

TEST_F(AuditTamperTest, AStoreWithNothingPinnedIsNotVerifiedAgainstItsOwnKeyFile) {
  const char* saved = std::getenv("MARA_TRUSTED_KEYS");
  const std::string restore = saved != nullptr ? saved : "";
  setenv("MARA_TRUSTED_KEYS", (fs::path(dir_.path()) / "empty-trusted-keys").c_str(), 1);
  auto admin = As("");
  auto v = VerifyAudit(*admin);
  EXPECT_EQ(v.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(v.status().message(), HasSubstr("mara audit pin"));
  auto pinned = PinSigningKey(*admin);
  ASSERT_TRUE(pinned.ok()) << pinned.status().ToString();
  auto again = VerifyAudit(*admin);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->ok());
  if (saved != nullptr) {
    setenv("MARA_TRUSTED_KEYS", restore.c_str(), 1);
  } else {
    unsetenv("MARA_TRUSTED_KEYS");
  }
}

// ---------------------------------------------------------------- consent

TEST_F(SecurityTest, WithdrawnConsentIsVisibleInNoOutputButInTheAuditTrail) {
  const Policy policy = DefaultPolicy().value();
  auto before = AssessCycle(*As(""), policy, 2025);
  ASSERT_TRUE(before.ok());
  ASSERT_THAT(ExportText("bundle"), HasSubstr("\"I-4\""));
  ASSERT_TRUE(SetIncidentConsent(*As("as-monitor"), "I-4", Consent::kWithdrawn).ok());

  // The bundle keeps a content-free tombstone (references resolve); the
  // CSV of incidents leaves it out.
  EXPECT_THAT(ExportText("bundle"), Not(HasSubstr("Town I-4")));
  EXPECT_THAT(ExportText("incidents-csv"), Not(HasSubstr("I-4")));
  auto stats = ComputeStats(*As(""));
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->incidents, 3);
  EXPECT_THAT(StatsToJson(*stats).dump(), Not(HasSubstr("I-4")));
  auto after = AssessCycle(*As(""), policy, 2025);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->parties.size(), 1u);
  const auto& b = before->parties[0].evidence;
  const auto& a = after->parties[0].evidence;
  EXPECT_EQ(a.notice_incidents, b.notice_incidents - 1);
  auto statement = BuildStatementOfCase(*As(""), policy, "P-1", 2025, false);
  ASSERT_TRUE(statement.ok()) << statement.status().ToString();
  EXPECT_THAT(StatementOfCaseToJson(*statement, false).dump(), Not(HasSubstr("I-4")));
  EXPECT_THAT(StatementOfCaseToText(*statement, false), Not(HasSubstr("I-4")));
  // The audit trail keeps the withdrawal.
  bool logged = false;
  ASSERT_TRUE(As("")
                  ->store()
                  .ScanAuditRecords([&](const security::AuditRecord& r) {
                    logged = logged ||
                             (r.target_id == "I-4" && r.action == "incident.consent.withdrawn" &&
                              r.principal == "as-monitor");
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_TRUE(logged);
}

// ---------------------------------------------------------------- evidence

TEST_F(SecurityTest, EvidenceWithAPathTraversalName) {
  const fs::path outside = fs::path(dir_.path()) / "outside";
  fs::create_directories(outside / "a" / "b");
  // A name full of traversal: it is read through the path given and never
  // becomes a path itself.
  const fs::path hostile = outside / "a" / "b" / "..\\..\\..\\evil name;rm -rf.PDF";
  WriteFile(hostile, "hostile content");
  const std::set<fs::path> before = [&] {
    std::set<fs::path> s;
    for (const auto& e : fs::recursive_directory_iterator(dir_.path())) s.insert(e.path());
    return s;
  }();
  auto admin = As("");
  EvidenceIntake in;
  in.source = "S-1";
  auto item =
      AddEvidence(*admin, (outside / "a" / "b" / ".." / "b" / hostile.filename()).string(), in);
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  EXPECT_EQ(item->media_type, "application/pdf");
  EXPECT_EQ(item->sha256, Sha256Hex("hostile content"));
  std::vector<fs::path> created;
  for (const auto& e : fs::recursive_directory_iterator(dir_.path())) {
    if (before.count(e.path()) == 0) created.push_back(e.path());
  }
  // Only the evidence directory and one file named by the hash in it (and
  // the database's own files) are new.
  for (const fs::path& p : created) {
    const std::string name = p.filename().string();
    const bool db_file = name.rfind("mara.db", 0) == 0;
    const bool in_evidence = p.parent_path() == fs::path(admin->evidence_dir());
    EXPECT_TRUE(db_file || (in_evidence && name == item->sha256) ||
                p == fs::path(admin->evidence_dir()))
        << "unexpected " << p;
  }
  EXPECT_THAT(ReadFile(fs::path(admin->evidence_dir()) / item->sha256),
              Not(HasSubstr("hostile content")));
  const std::string out = (fs::path(dir_.path()) / "copy").string();
  ASSERT_TRUE(ExportEvidence(*admin, item->id, out).ok());
  EXPECT_EQ(ReadFile(out), "hostile content");
  EXPECT_EQ(ExportEvidence(*admin, item->id, out).code(), StatusCode::kConflict);
  auto custody = CustodyLog(*admin, item->id);
  ASSERT_TRUE(custody.ok());
  ASSERT_EQ(custody->size(), 2u);
  EXPECT_EQ((*custody)[0].action, "evidence.add");
  EXPECT_EQ((*custody)[1].action, "evidence.export");
  EXPECT_EQ((*custody)[1].principal, "operator");
}

TEST_F(SecurityTest, EvidenceZeroByteFileAndTamperedOrMissingStorage) {
  auto admin = As("");
  const fs::path empty = fs::path(dir_.path()) / "empty.bin";
  WriteFile(empty, "");
  EvidenceIntake in;
  in.incident = "I-1";
  auto item = AddEvidence(*admin, empty.string(), in);
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  EXPECT_EQ(item->size, 0);
  EXPECT_EQ(item->sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const fs::path out = fs::path(dir_.path()) / "empty.out";
  ASSERT_TRUE(ExportEvidence(*admin, item->id, out.string()).ok());
  EXPECT_EQ(fs::file_size(out), 0u);

  const fs::path other = fs::path(dir_.path()) / "other.txt";
  WriteFile(other, kEvidenceText);
  auto second = AddEvidence(*admin, other.string(), in);
  ASSERT_TRUE(second.ok());
  auto v = VerifyEvidence(*admin);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok());
  EXPECT_EQ(v->checked, 2);
  // Flip one byte of the second stored file, delete the first.
  const fs::path stored = fs::path(admin->evidence_dir()) / second->sha256;
  std::string bytes = ReadFile(stored);
  bytes[bytes.size() - 20] ^= 0x01;
  WriteFile(stored, bytes);
  fs::remove(fs::path(admin->evidence_dir()) / item->sha256);
  v = VerifyEvidence(*admin);
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->problems.size(), 2u);
  std::map<std::string, std::string> by_id;
  for (const auto& p : v->problems) by_id[p.id] = p.what;
  EXPECT_THAT(by_id[item->id], HasSubstr("missing"));
  EXPECT_THAT(by_id[second->id], HasSubstr("authentication"));
}

TEST_F(SecurityTest, EvidenceOneGigabyteSparseFile) {
  const fs::path big = fs::path(dir_.path()) / "big.img";
  {
    const int fd = ::open(big.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::ftruncate(fd, int64_t{1} << 30), 0);
    ::close(fd);
  }
  // The expected hash, computed independently over 1 GiB of zeros.
  crypto_hash_sha256_state sha;
  crypto_hash_sha256_init(&sha);
  std::vector<uint8_t> zeros(1 << 20, 0);
  for (int i = 0; i < 1024; ++i) crypto_hash_sha256_update(&sha, zeros.data(), zeros.size());
  uint8_t digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&sha, digest);
  auto admin = As("");
  EvidenceIntake in;
  in.source = "S-1";
  auto item = AddEvidence(*admin, big.string(), in);
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  fs::remove(big);
  EXPECT_EQ(item->size, int64_t{1} << 30);
  EXPECT_EQ(item->sha256, security::ToHex(digest));
  auto v = VerifyEvidence(*admin);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok());
}

// ---------------------------------------------------------------- signed reports

TEST_F(SecurityTest, SignedReportVerifiesAndNamesItsDigests) {
  auto admin = As("");
  const std::string report = (fs::path(dir_.path()) / "annex.md").string();
  WriteFile(report, "# Annex\n\nParty P-1: listed\n");
  ReportProvenance p;
  p.data_digest = std::string(64, 'a');
  p.policy_digest = std::string(64, 'b');
  p.cycle = 2025;
  p.edition = "public";
  p.format = "md";
  auto sig = SignReportFile(*admin, report, p);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  EXPECT_EQ(*sig, report + ".sig");
  const security::PublicKey key = admin->keys().signing_key->public_key();
  auto info = VerifyReportFile(report, "", key);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->metadata.at("data-digest"), p.data_digest);
  EXPECT_EQ(info->metadata.at("policy-digest"), p.policy_digest);
  EXPECT_EQ(info->metadata.at("cycle"), "2025");
  // A changed report, or another key, fails.
  security::SeededRandom random(5);
  EXPECT_EQ(VerifyReportFile(report, "", security::SigningKey::Generate(random).public_key())
                .status()
                .code(),
            StatusCode::kCorruption);
  WriteFile(report, "# Annex\n\nParty P-1: none\n");
  EXPECT_EQ(VerifyReportFile(report, "", key).status().code(), StatusCode::kCorruption);
}

TEST_F(SecurityTest, OpeningWithoutTheKeyFileIsRefused) {
  fs::rename(db_ + ".keys", db_ + ".keys.elsewhere");
  auto s = Open("");
  EXPECT_EQ(s.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(s.status().message(), HasSubstr("key file"));
  SessionOptions o;
  o.db = db_;
  o.key_file = db_ + ".keys.elsewhere";
  auto moved = Session::Open(o);
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  auto back = (*moved)->store().GetIncident("I-1");
  ASSERT_TRUE(back.ok() && back->has_value());
  EXPECT_EQ((*back)->narrative, std::string(kNarrative1));
}

// ---------------------------------------------------------------- four eyes, consent, scope

// The one-door cases (four eyes, consent, dates, scoped analysts, the
// export round trip) run on both backends.
class OneDoorTest : public SecurityTest, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    SecurityTest::SetUp();
    if (HasFatalFailure()) return;
    AddPrincipal("mon1", {"monitor"});
    AddPrincipal("rev1", {"reviewer"});
  }
  void TearDown() override {
    if (GetParam() == "postgresql") {
      Status dropped = pg::testing::DropScratchDatabase(ScratchKey());
      EXPECT_TRUE(dropped.ok()) << dropped.ToString();
    }
  }

  std::string DatabaseUrl() override {
    if (GetParam() != "postgresql") return SecurityTest::DatabaseUrl();
    auto url = pg::testing::ScratchDatabaseUrl(ScratchKey());
    EXPECT_TRUE(url.ok()) << url.status().ToString();
    return url.ok() ? *url : "";
  }

  static std::string ScratchKey() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return std::string("one-door/") + info->name();
  }

  mara::Incident Stored(const std::string& id) {
    auto stored = As("")->store().GetIncident(id);
    EXPECT_TRUE(stored.ok() && stored->has_value()) << id;
    return stored.ok() && stored->has_value() ? **stored : mara::Incident{};
  }

  // Every audit action recorded for `id`.
  std::vector<std::string> AuditActions(const std::string& id) {
    std::vector<std::string> out;
    EXPECT_TRUE(As("")
                    ->store()
                    .ScanAuditRecords([&](const security::AuditRecord& r) {
                      if (r.target_id == id) out.push_back(r.principal + " " + r.action);
                      return Status::Ok();
                    })
                    .ok());
    return out;
  }

  void ImportMore(const std::string& json) {
    const std::string path = (fs::path(dir_.path()) / "more.json").string();
    WriteFile(path, json);
    auto report = ImportFile(*As(""), path, {});
    ASSERT_TRUE(report.ok()) << report.status().ToString();
  }
};

TEST_P(OneDoorTest, OnlyTheVerifyOperationVerifies) {
  mara::Incident fresh = Stored("I-1");
  fresh.id = "I-NEW";
  fresh.status = IncidentStatus::kVerified;
  fresh.verified_on = Date::FromYmd(2025, 3, 1);
  Status verified = SaveIncident(*As("mon1"), fresh).status();
  EXPECT_EQ(verified.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(verified.message(), HasSubstr("status"));
  fresh.status = IncidentStatus::kUnderVerification;
  Status dated = SaveIncident(*As("mon1"), fresh).status();
  EXPECT_EQ(dated.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(dated.message(), HasSubstr("verified_on"));
  fresh.verified_on.reset();
  ASSERT_TRUE(SaveIncident(*As("mon1"), fresh).ok());
  // Three such saves can no longer make listing evidence: nothing was stored verified.
  EXPECT_EQ(Stored("I-NEW").status, IncidentStatus::kUnderVerification);
  // The author cannot verify, a second person can.
  EXPECT_EQ(VerifyIncident(*As("mon1"), "I-NEW", Date::FromYmd(2025, 3, 1)).code(),
            StatusCode::kPermissionDenied);
  ASSERT_TRUE(VerifyIncident(*As("rev1"), "I-NEW", Date::FromYmd(2025, 3, 1)).ok());
  EXPECT_EQ(Stored("I-NEW").verified_on, Date::FromYmd(2025, 3, 1));
}

TEST_P(OneDoorTest, ChangingAVerifiedIncidentsSubstanceReturnsItToVerification) {
  ASSERT_TRUE(VerifyIncident(*As("rev1"), "I-1", Date::FromYmd(2025, 3, 1)).ok());
  // A narrative-only edit keeps the verification and its date.
  mara::Incident edit = Stored("I-1");
  edit.narrative = "A clarified account";
  ASSERT_TRUE(SaveIncident(*As("mon1"), edit).ok());
  EXPECT_EQ(Stored("I-1").status, IncidentStatus::kVerified);
  EXPECT_EQ(Stored("I-1").verified_on, Date::FromYmd(2025, 3, 1));
  // Changing the perpetrator's standard (the substance) sets it aside, even
  // when the edit still says verified.
  edit = Stored("I-1");
  edit.perpetrators[0].standard = Standard::kClearAndConvincing;
  ASSERT_TRUE(SaveIncident(*As("mon1"), edit).ok());
  mara::Incident after = Stored("I-1");
  EXPECT_EQ(after.status, IncidentStatus::kUnderVerification);
  EXPECT_FALSE(after.verified_on.has_value());
  // The history keeps the earlier verification, who did what, and the change.
  auto history = IncidentHistory(*As(""), "I-1");
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  const std::string text = history->dump();
  EXPECT_THAT(text, HasSubstr("\"verified\""));
  EXPECT_THAT(text, HasSubstr("rev1"));
  EXPECT_THAT(text, HasSubstr("set aside"));
  EXPECT_THAT(text, HasSubstr("clear_and_convincing"));
  EXPECT_THAT(text, HasSubstr("perpetrators"));
  EXPECT_THAT(text, Not(HasSubstr("A clarified account")));  // narratives stay sealed
  // A public reader learns what changed, not the values or the people.
  const std::string public_view = IncidentHistory(*As("as-viewer"), "I-1")->dump();
  EXPECT_THAT(public_view, HasSubstr("perpetrators"));
  EXPECT_THAT(public_view, Not(HasSubstr("rev1")));
  EXPECT_THAT(public_view, Not(HasSubstr("clear_and_convincing")));
  // An edit cannot change the consent.
  edit = Stored("I-1");
  edit.consent = Consent::kIdentifiedSharing;
  EXPECT_EQ(SaveIncident(*As("mon1"), edit).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Verify().ok());
}

TEST_P(OneDoorTest, AReviewerReturnsAnIncidentToItsAuthorWithAComment) {
  EXPECT_EQ(ReturnIncident(*As("rev1"), "I-3", " ").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReturnIncident(*As("mon1"), "I-3", "check the date").code(),
            StatusCode::kPermissionDenied);
  ASSERT_TRUE(ReturnIncident(*As("rev1"), "I-3", "check the date against the source").ok());
  EXPECT_EQ(Stored("I-3").status, IncidentStatus::kReported);
  const std::string history = IncidentHistory(*As("mon1"), "I-3")->dump();
  EXPECT_THAT(history, HasSubstr("returned"));
  EXPECT_THAT(history, HasSubstr("check the date against the source"));
  // At rest the history is sealed and ledgered: a direct edit is named.
  const std::vector<std::string> stored =
      StoredValues(db_, "SELECT value FROM meta WHERE key = 'incident.history/I-3'");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].rfind("mara-enc1:", 0), 0u) << stored[0];
  EXPECT_TRUE(Verify().ok());
  EXPECT_THAT(AuditActions("I-3"), ::testing::Contains("rev1 incident.return"));
  EXPECT_EQ(ReturnIncident(*As("rev1"), "I-NONE", "x").code(), StatusCode::kNotFound);
}

TEST_P(OneDoorTest, AWithdrawnIncidentAnswersAsIfItDidNotExist) {
  const mara::Incident original = Stored("I-4");
  ASSERT_TRUE(SetIncidentConsent(*As("mon1"), "I-4", Consent::kWithdrawn).ok());
  mara::Incident overwrite = original;
  overwrite.narrative = "Overwritten narrative";
  overwrite.consent = Consent::kAggregateReporting;
  // With a guessed version (an HTTP If-Match "hidden"), as for a missing id.
  Status guessed = SaveIncident(*As("mon1"), overwrite, "hidden").status();
  EXPECT_EQ(guessed.code(), StatusCode::kNotFound);
  EXPECT_EQ(guessed.message(), "no incident 'I-4'");
  // Without a version, refused as an id in use, saying nothing of it.
  Status taken = SaveIncident(*As("mon1"), overwrite).status();
  EXPECT_EQ(taken.code(), StatusCode::kConflict);
  EXPECT_THAT(taken.message(), Not(HasSubstr("SIT-A")));
  EXPECT_EQ(SetIncidentConsent(*As("mon1"), "I-4", Consent::kAggregateReporting).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(VerifyIncident(*As("rev1"), "I-4", Date::FromYmd(2025, 3, 1)).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(IncidentHistory(*As(""), "I-4").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Stored("I-4").consent, Consent::kWithdrawn);
  EXPECT_FALSE(Stored("I-4").narrative.has_value() &&
               *Stored("I-4").narrative == "Overwritten narrative");
  // Restoring is its own operation, with a reason, by an editor of the situation.
  EXPECT_EQ(RestoreIncidentConsent(*As("mon1"), "I-4", Consent::kAggregateReporting, "").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      RestoreIncidentConsent(*As("as-viewer"), "I-4", Consent::kAggregateReporting, "asked").code(),
      StatusCode::kNotFound);
  ASSERT_TRUE(RestoreIncidentConsent(*As("mon1"), "I-4", Consent::kAggregateReporting,
                                     "The survivor gave consent again on 2025-05-02")
                  .ok());
  EXPECT_EQ(Stored("I-4").consent, Consent::kAggregateReporting);
  EXPECT_THAT(AuditActions("I-4"), ::testing::Contains("mon1 incident.consent.restore"));
  EXPECT_TRUE(Verify().ok());
}

TEST_P(OneDoorTest, AWithdrawnTestimonyComesBackOnlyByItsOwnOperation) {
  ASSERT_TRUE(SetTestimonyConsent(*As("mon1"), "S-T", Consent::kWithdrawn).ok());
  EXPECT_EQ(SetTestimonyConsent(*As("mon1"), "S-T", Consent::kAggregateReporting).code(),
            StatusCode::kConflict);
  EXPECT_EQ(RestoreTestimonyConsent(*As("mon1"), "S-T", Consent::kAggregateReporting, " ").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(RestoreTestimonyConsent(*As("as-viewer"), "S-T", Consent::kAggregateReporting, "asked")
                .code(),
            StatusCode::kPermissionDenied);
  EXPECT_THAT(ExportText("bundle"), Not(HasSubstr(std::string(kTestimony))));
  ASSERT_TRUE(RestoreTestimonyConsent(*As("mon1"), "S-T", Consent::kAggregateReporting,
                                      "The witness gave consent again in writing")
                  .ok());
  EXPECT_THAT(ExportText("bundle"), HasSubstr(std::string(kTestimony)));
  EXPECT_THAT(AuditActions("S-T"), ::testing::Contains("mon1 source.consent.restore"));
  EXPECT_EQ(RestoreTestimonyConsent(*As("mon1"), "S-T", Consent::kInternalUse, "again").code(),
            StatusCode::kConflict);
  EXPECT_TRUE(Verify().ok());
}

TEST_P(OneDoorTest, WithdrawnIncidentsEvidenceIsNeitherListedNorExported) {
  const std::string file = (fs::path(dir_.path()) / "photo.txt").string();
  WriteFile(file, kEvidenceText);
  EvidenceIntake intake;
  intake.incident = "I-4";
  intake.description = "Photograph of the marigold door";
  auto added = AddEvidence(*As(""), file, intake);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  auto listed = ListEvidenceItems(*As(""), std::nullopt);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 1u);
  ASSERT_TRUE(SetIncidentConsent(*As("mon1"), "I-4", Consent::kWithdrawn).ok());
  for (const char* who : {"", "as-reviewer", "mon1"}) {
    listed = ListEvidenceItems(*As(who), std::nullopt);
    ASSERT_TRUE(listed.ok()) << who;
    EXPECT_TRUE(listed->empty()) << who;
    const std::string out = (fs::path(dir_.path()) / ("out-" + std::string(who))).string();
    EXPECT_EQ(ExportEvidence(*As(who), added->id, out).code(), StatusCode::kNotFound) << who;
    EXPECT_FALSE(fs::exists(out));
  }
  EXPECT_THAT(ExportText("bundle"), Not(HasSubstr("marigold door")));
}

// Every stored document of the collections with confidential free text, as
// the database holds it, read behind the store's back.

std::vector<std::string> StoredDocs(const std::string& db, const std::string& table) {
  return StoredValues(db, "SELECT doc FROM " + table);
}

TEST_P(OneDoorTest, ConfidentialFreeTextIsSealedAtRestAndThroughARotation) {
  ImportMore(R"({"format": "mara-bundle/1",
    "engagements": [{"party": "P-1", "date": "2025-02-11", "kind": "refused",
                     "note": "CANARY-ENGAGEMENT-NOTE"}],
    "decisions": [{"party": "P-1", "cycle": 2025, "status": "listed", "decided_by": "panel",
                   "date": "2025-06-01", "rationale": "CANARY-RATIONALE"}],
    "petitions": [{"party": "P-1", "filed": "2025-07-01", "cycle": 2025,
                   "grounds": "CANARY-GROUNDS", "outcome": "rejected", "decided": "2025-08-01",
                   "decided_by": "panel", "reason": "CANARY-PETITION-REASON"}]})");
  const std::string file = (fs::path(dir_.path()) / "scan.txt").string();
  WriteFile(file, "scanned page");
  EvidenceIntake in;
  in.incident = "I-1";
  in.description = "CANARY-EVIDENCE-DESCRIPTION";
  auto added = AddEvidence(*As(""), file, in);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  const std::vector<std::string> canaries = {"CANARY-ENGAGEMENT-NOTE", "CANARY-RATIONALE",
                                             "CANARY-GROUNDS", "CANARY-PETITION-REASON",
                                             "CANARY-EVIDENCE-DESCRIPTION"};
  auto expect_sealed = [&](const std::string& key_id) {
    for (const std::string table : {"evidence", "decisions", "engagements", "petitions"}) {
      const std::vector<std::string> docs = StoredDocs(db_, table);
      EXPECT_FALSE(docs.empty()) << table;
      for (const std::string& doc : docs) {
        EXPECT_TRUE(doc.rfind("mara-enc1:" + key_id + ":", 0) == 0) << table << ": " << doc;
        for (const std::string& canary : canaries) {
          EXPECT_THAT(doc, Not(HasSubstr(canary))) << table;
        }
      }
    }
    // Through the door, the confidential reader still reads every word.
    const std::string exported = ExportText("bundle");
    for (const std::string& canary : canaries) EXPECT_THAT(exported, HasSubstr(canary));
  };
  expect_sealed(As("")->keys().current_data_key()->id());
  auto rotated = RotateDataKey(*As(""));
  ASSERT_TRUE(rotated.ok()) << rotated.status().ToString();
  EXPECT_GE(rotated->fields, 4);
  expect_sealed(rotated->new_key_id);
}

TEST_P(OneDoorTest, UnshownLocationsAndReviewNotesAreSealedAndLocationsStillCount) {
  // I-L1 and I-L3 are for internal use only; I-L2, published in aggregate,
  // is at I-L1's place spelled another way.
  ImportMore(R"({"format": "mara-bundle/1", "incidents": [
    {"id": "I-L1", "situation": "SIT-A", "date": "2025-03-01", "consent": "internal_use",
     "location": {"name": "Hidden Canary Hamlet", "admin1": "CANARY-PROVINCE", "lat": 1.5,
                  "lon": -2.25},
     "violations": ["rape"], "victims": {"women": 1}, "context": "detention",
     "nexus": ["perpetrator_affiliation"], "status": "under_verification",
     "perpetrators": [{"party": "P-1", "standard": "reasonable_grounds"}], "sources": ["S-1"]},
    {"id": "I-L2", "situation": "SIT-A", "date": "2025-03-02",
     "location": {"name": "hidden  canary HAMLET"},
     "violations": ["rape"], "victims": {"women": 1}, "context": "detention",
     "nexus": ["perpetrator_affiliation"], "status": "under_verification",
     "perpetrators": [{"party": "P-1", "standard": "reasonable_grounds"}], "sources": ["S-1"]},
    {"id": "I-L3", "situation": "SIT-A", "date": "2025-03-03", "consent": "internal_use",
     "location": {"name": "Second Canary Well"},
     "violations": ["rape"], "victims": {"women": 1}, "context": "detention",
     "nexus": ["perpetrator_affiliation"], "status": "under_verification",
     "perpetrators": [{"party": "P-1", "standard": "reasonable_grounds"}], "sources": ["S-1"]}
  ]})");
  int64_t review = 0;
  {
    auto admin = As("");
    Transaction tx(&admin->store());
    ASSERT_TRUE(tx.Begin().ok());
    NameReview r;
    r.origin = "acled";
    r.query = "Canary Militia";
    r.provisional_party = "P-1";
    r.candidates = "[]";
    r.reason = "no candidate";
    auto id = admin->store().PutNameReview(r);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    review = *id;
    ASSERT_TRUE(
        admin->Audit({"", "names.review", "name_reviews", std::to_string(review), "", ""}).ok());
    ASSERT_TRUE(tx.Commit().ok());
  }
  ReviewDecision decision;
  decision.id = review;
  decision.choice = ReviewChoice::kCreate;
  decision.note = "CANARY-REVIEW-NOTE: the militia is a unit of P-1";
  auto decided = DecideNameReview(*As(""), decision);
  ASSERT_TRUE(decided.ok()) << decided.status().ToString();

  auto expect_sealed = [&](const std::string& key_id) {
    const std::string prefix = "mara-enc1:" + key_id + ":";
    const std::vector<std::string> locations = StoredValues(
        db_,
        "SELECT location_name FROM incidents WHERE id IN ('I-L1', 'I-L3') AND admin1 IS NULL "
        "AND lat IS NULL AND lon IS NULL");
    ASSERT_EQ(locations.size(), 2u);
    for (const std::string& l : locations) EXPECT_EQ(l.rfind(prefix, 0), 0u) << l;
    const std::vector<std::string> notes =
        StoredValues(db_, "SELECT note FROM name_reviews WHERE id = " + std::to_string(review));
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_EQ(notes[0].rfind(prefix, 0), 0u) << notes[0];
    if (GetParam() == "sqlite") {
      // The facts projection holds tokens, not the names.
      for (const char* canary :
           {"Hidden Canary Hamlet", "CANARY-PROVINCE", "Second Canary Well", "CANARY-REVIEW"}) {
        EXPECT_EQ(CountHits(db_, canary) + CountHits(db_ + "-wal", canary), 0u) << canary;
      }
    }
    // Through the door, everything reads back.
    const Incident l1 = Stored("I-L1");
    EXPECT_EQ(l1.location.name, "Hidden Canary Hamlet");
    EXPECT_EQ(l1.location.admin1, std::optional<std::string>("CANARY-PROVINCE"));
    EXPECT_EQ(l1.location.lat, std::optional<double>(1.5));
    EXPECT_EQ(l1.location.lon, std::optional<double>(-2.25));
    EXPECT_EQ(Stored("I-L3").location.name, "Second Canary Well");
    EXPECT_EQ(Stored("I-L2").location.name, "hidden  canary HAMLET");
    auto reviews = ListNameReviews(*As(""), /*all=*/true);
    ASSERT_TRUE(reviews.ok());
    ASSERT_EQ(reviews->size(), 1u);
    EXPECT_EQ((*reviews)[0].note, decision.note);
    // The assessment still sees one place in I-L1 and I-L2, another in I-L3.
    std::map<std::string, std::string> folded;
    ASSERT_TRUE(As("")
                    ->store()
                    .ScanIncidentFacts([&](const IncidentFacts& f) {
                      folded[std::string(f.id)] = Fold(f.location_name);
                      return Status::Ok();
                    })
                    .ok());
    EXPECT_EQ(folded["I-L1"], folded["I-L2"]);
    EXPECT_NE(folded["I-L1"], folded["I-L3"]);
    EXPECT_NE(folded["I-L1"], folded["I-1"]);
    EXPECT_TRUE(Verify().ok());
  };
  expect_sealed(As("")->keys().current_data_key()->id());
  auto rotated = RotateDataKey(*As(""));
  ASSERT_TRUE(rotated.ok()) << rotated.status().ToString();
  expect_sealed(rotated->new_key_id);
  // The bundle export carries the note for whoever may read the whole store.
  EXPECT_THAT(ExportText("bundle"), HasSubstr("CANARY-REVIEW-NOTE"));
}

TEST_P(OneDoorTest, ThePublicStatementOfCaseCarriesNoConfidentialNote) {
  ImportMore(R"({"format": "mara-bundle/1",
    "engagements": [{"party": "P-1", "date": "2025-02-11", "kind": "refused",
                     "note": "CANARY-ENGAGEMENT-NOTE"}],
    "decisions": [{"party": "P-1", "cycle": 2025, "status": "listed", "decided_by": "CANARY-DECIDER",
                   "date": "2025-06-01", "rationale": "CANARY-RATIONALE"}],
    "petitions": [{"party": "P-1", "filed": "2025-07-01", "cycle": 2025, "grounds": "We dispute it",
                   "outcome": "rejected", "decided": "2025-08-01",
                   "decided_by": "CANARY-PANEL", "reason": "CANARY-PETITION-REASON"}]})");
  const Policy policy = DefaultPolicy().value();
  auto statement = BuildStatementOfCase(*As("as-viewer"), policy, "P-1", 2025, true);
  ASSERT_TRUE(statement.ok()) << statement.status().ToString();
  const std::string json = StatementOfCaseToJson(*statement, true).dump();
  const std::string text = StatementOfCaseToText(*statement, true);
  for (const char* canary : {"CANARY-ENGAGEMENT-NOTE", "CANARY-DECIDER", "CANARY-RATIONALE",
                             "CANARY-PANEL", "CANARY-PETITION-REASON"}) {
    EXPECT_THAT(json, Not(HasSubstr(canary))) << canary;
    EXPECT_THAT(text, Not(HasSubstr(canary))) << canary;
  }
  EXPECT_THAT(json, HasSubstr("We dispute it"));  // the party's own grounds are public
  auto confidential = BuildStatementOfCase(*As("as-reviewer"), policy, "P-1", 2025, false);
  ASSERT_TRUE(confidential.ok());
  const std::string full = StatementOfCaseToJson(*confidential, false).dump();
  for (const char* canary :
       {"CANARY-ENGAGEMENT-NOTE", "CANARY-RATIONALE", "CANARY-PETITION-REASON"}) {
    EXPECT_THAT(full, HasSubstr(canary)) << canary;
  }
  // A withdrawn testimony is named in no edition.
  ASSERT_TRUE(SetTestimonyConsent(*As("mon1"), "S-T", Consent::kWithdrawn).ok());
  ImportMore(R"({"format": "mara-bundle/1", "incidents": [)" +
             std::string(R"({"id": "I-T", "situation": "SIT-A", "date": "2025-01-12",
      "location": {"name": "Town T"}, "violations": ["rape"], "victims": {"women": 4},
      "context": "detention", "nexus": ["perpetrator_affiliation"], "status": "under_verification",
      "perpetrators": [{"party": "P-1", "standard": "reasonable_grounds"}],
      "sources": ["S-1", "S-T"]})") +
             "]}");
  confidential = BuildStatementOfCase(*As("as-reviewer"), policy, "P-1", 2025, false);
  ASSERT_TRUE(confidential.ok());
  EXPECT_THAT(StatementOfCaseToJson(*confidential, false).dump(), Not(HasSubstr("Field team")));
  EXPECT_THAT(StatementOfCaseToText(*confidential, false), Not(HasSubstr("Field team")));
}

TEST_P(OneDoorTest, SituationScopedAnalystsAssessAndReadTheirOwnSituations) {
  ImportMore(R"({"format": "mara-bundle/1",
    "situations": [{"id": "SIT-B", "name": "Country B", "on_council_agenda": true}],
    "parties": [{"id": "P-2", "name": "Militia of B", "kind": "non_state", "situation": "SIT-B"}],
    "incidents": [{"id": "I-B1", "situation": "SIT-B", "date": "2025-02-10",
      "location": {"name": "Town B"}, "violations": ["rape"], "victims": {"women": 3},
      "context": "detention", "nexus": ["perpetrator_affiliation"], "status": "verified",
      "verified_on": "2025-03-01", "narrative": "CANARY-SIT-B",
      "perpetrators": [{"party": "P-2", "standard": "reasonable_grounds"}], "sources": ["S-1"]}]})");
  const Policy policy = DefaultPolicy().value();
  auto assessment = AssessCycle(*As("as-analyst"), policy, 2025);
  ASSERT_TRUE(assessment.ok()) << assessment.status().ToString();
  ASSERT_EQ(assessment->parties.size(), 1u);
  EXPECT_EQ(assessment->parties[0].id, "P-1");
  auto own = BuildStatementOfCase(*As("as-analyst"), policy, "P-1", 2025, false);
  ASSERT_TRUE(own.ok()) << own.status().ToString();
  auto edition = CaseEditionFor(*As("as-analyst"), "P-1", std::nullopt);
  ASSERT_TRUE(edition.ok());
  EXPECT_EQ(*edition, Edition::kConfidential);
  // Another situation's confidential case is answered exactly as a party
  // that does not exist; its public edition is public.
  auto other = BuildStatementOfCase(*As("as-analyst"), policy, "P-2", 2025, false);
  EXPECT_EQ(other.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(other.status().message(), "party 'P-2': no such party");
  auto published = BuildStatementOfCase(*As("as-analyst"), policy, "P-2", 2025, true);
  ASSERT_TRUE(published.ok());
  EXPECT_THAT(StatementOfCaseToJson(*published, true).dump(), Not(HasSubstr("CANARY-SIT-B")));
  auto edition_b = CaseEditionFor(*As("as-analyst"), "P-2", std::nullopt);
  ASSERT_TRUE(edition_b.ok());
  EXPECT_EQ(*edition_b, Edition::kPublic);
  // Unscoped roles still see everything.
  auto all = AssessCycle(*As(""), policy, 2025);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->parties.size(), 2u);
}

TEST_P(OneDoorTest, TheExportOfAStoreWithWithdrawalsIsAFaithfulReimportableCopy) {
  ImportMore(R"({"format": "mara-bundle/1",
    "statements": [{"id": "ST-1", "by": "Government of A", "date": "2025-03-01",
                    "kind": "dispute", "incidents": ["I-4", "I-1"], "text": "We deny it"}],
    "decisions": [{"party": "P-1", "cycle": 2025, "status": "listed", "decided_by": "panel",
                   "date": "2025-06-01", "rationale": "Pattern of verified incidents"}],
    "petitions": [{"party": "P-1", "filed": "2025-07-01", "cycle": 2025, "grounds": "We dispute it"}]})");
  // Evidence on a kept and on a withdrawn incident.
  for (const auto& [incident, description] :
       {std::pair{"I-1", "Scan of the register"}, std::pair{"I-4", "Photograph of the door"}}) {
    const std::string file = (fs::path(dir_.path()) / (std::string(incident) + ".txt")).string();
    WriteFile(file, std::string("bytes of ") + incident);
    EvidenceIntake intake;
    intake.incident = incident;
    intake.description = description;
    ASSERT_TRUE(AddEvidence(*As(""), file, intake).ok());
  }
  ASSERT_TRUE(SetIncidentConsent(*As("mon1"), "I-4", Consent::kWithdrawn).ok());
  ASSERT_TRUE(SetTestimonyConsent(*As("mon1"), "S-T", Consent::kWithdrawn).ok());
  // A name-review history: one decided entry and one still pending.
  {
    auto admin = As("");
    Store& store = admin->store();
    Transaction tx(&store);
    ASSERT_TRUE(tx.Begin().ok());
    NameReview decided;
    decided.origin = "acled";
    decided.query = "Armed Forces of A (2019-)";
    decided.provisional_party = "P-1";
    decided.candidates = R"([{"party":"P-1","name":"Armed Forces of A","score":0.91}])";
    decided.reason = "below the automatic threshold";
    decided.status = "accepted";
    decided.resolved_party = "P-1";
    decided.decided_by = "analyst-a";
    decided.decided_at = "2025-05-02T10:00:00Z";
    ASSERT_TRUE(store.PutNameReview(decided).ok());
    NameReview pending;
    pending.origin = "hxl";
    pending.query = "Unknown armed men";
    pending.provisional_party = "P-1";
    pending.candidates = "[]";
    pending.reason = "no candidate";
    ASSERT_TRUE(store.PutNameReview(pending).ok());
    ASSERT_TRUE(admin->Audit({"", "test.fixture", "", "", "", ""}).ok());
    ASSERT_TRUE(tx.Commit().ok());
  }
  const std::string first = ExportText("bundle");
  EXPECT_THAT(first, HasSubstr("\"name_reviews\":["));
  EXPECT_THAT(first, HasSubstr("Armed Forces of A (2019-)"));
  EXPECT_THAT(first, HasSubstr("Scan of the register"));
  EXPECT_THAT(first, Not(HasSubstr("Photograph of the door")));
  EXPECT_THAT(first, HasSubstr("\"I-4\""));  // the tombstone keeps the statement's reference
  EXPECT_THAT(first, Not(HasSubstr("Town I-4")));
  EXPECT_THAT(first, Not(HasSubstr(std::string(kTestimony))));

  const std::string copy_db = (fs::path(dir_.path()) / "copy.db").string();
  const std::string exported = (fs::path(dir_.path()) / "export.json").string();
  WriteFile(exported, first);
  SessionOptions o;
  o.db = copy_db;
  o.create = true;
  auto copy = Session::Open(o);
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  auto imported = ImportFile(**copy, exported, {});
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  std::ostringstream second;
  ASSERT_TRUE(ExportStore(**copy, "bundle", second).ok());
  EXPECT_EQ(second.str(), first);
  auto reviews = ListNameReviews(**copy, true);
  ASSERT_TRUE(reviews.ok()) << reviews.status().ToString();
  ASSERT_EQ(reviews->size(), 2u);
  EXPECT_EQ((*reviews)[0].decided_by, "analyst-a");
  EXPECT_EQ((*reviews)[1].status, "pending");

  // The same bytes again through a PostgreSQL store.
  auto pg_url = pg::testing::ScratchDatabaseUrl("one-door-round-trip/" + GetParam());
  ASSERT_TRUE(pg_url.ok()) << pg_url.status().ToString();
  SessionOptions pg_options;
  pg_options.db = *pg_url;
  pg_options.key_file = (fs::path(dir_.path()) / "pg.keys").string();
  pg_options.evidence_dir = (fs::path(dir_.path()) / "pg.evidence").string();
  pg_options.create = true;
  {
    auto pg_copy = Session::Open(pg_options);
    ASSERT_TRUE(pg_copy.ok()) << pg_copy.status().ToString();
    auto pg_imported = ImportFile(**pg_copy, exported, {});
    ASSERT_TRUE(pg_imported.ok()) << pg_imported.status().ToString();
    std::ostringstream third;
    ASSERT_TRUE(ExportStore(**pg_copy, "bundle", third).ok());
    EXPECT_EQ(third.str(), first);
  }
  ASSERT_TRUE(pg::testing::DropScratchDatabase("one-door-round-trip/" + GetParam()).ok());
  // The copy assesses as the original does.
  const Policy policy = DefaultPolicy().value();
  auto a = AssessCycle(*As(""), policy, 2025);
  auto b = AssessCycle(**copy, policy, 2025);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->parties.size(), b->parties.size());
  EXPECT_EQ(a->parties[0].status, b->parties[0].status);
  EXPECT_EQ(a->parties[0].evidence.notice_incidents, b->parties[0].evidence.notice_incidents);
}

TEST_P(OneDoorTest, DatesAfterTodayAreRefusedNamingTheField) {
  auto admin = As("");
  const Date today = Today(admin->clock());
  const Date tomorrow = Date::FromDays(today.DaysSinceEpoch() + 1);
  mara::Incident later = Stored("I-1");
  later.id = "I-LATER";
  later.status = IncidentStatus::kReported;
  later.verified_on.reset();
  later.date = tomorrow;
  Status saved = SaveIncident(*As("mon1"), later).status();
  EXPECT_EQ(saved.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(saved.message(), HasSubstr("date: "));
  EXPECT_THAT(saved.message(), HasSubstr("after today"));
  Decision decision;
  decision.party = "P-1";
  decision.cycle = today.year();
  decision.status = PartyStatus::kListed;
  decision.date = tomorrow;
  decision.rationale = "Dated tomorrow";
  Status decided = RecordDecision(*admin, decision);
  EXPECT_EQ(decided.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(decided.message(), HasSubstr("after today"));
  // A cycle after this year is neither assessed nor reported.
  const Policy policy = DefaultPolicy().value();
  EXPECT_EQ(AssessCycle(*admin, policy, today.year() + 1).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(AssessCycle(*admin, policy, today.year()).ok());
  // Nothing was stored.
  EXPECT_FALSE(As("")->store().GetIncident("I-LATER").value().has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, OneDoorTest, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

// The insider's edits of the audit tables, on both backends: run through the
// database's own client, behind the store's back.
class AuditTamperOnBothBackends : public OneDoorTest {
 protected:
  void Raw(const std::string& sql) {
    if (GetParam() != "postgresql") return RawExec(sql);
    auto conn = pg::Conn::Open(db_);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    Status s = (*conn)->Exec(sql);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  uint64_t Head() { return As("")->store().GetAuditHead()->seq; }
};

TEST_P(AuditTamperOnBothBackends, ACleanChainVerifiesAndVerifyingWritesNothing) {
  const uint64_t head = Head();
  const size_t checkpoints = As("")->store().ListAuditCheckpoints()->size();
  security::AuditVerification v = Verify();
  EXPECT_TRUE(v.ok()) << v.problem->what;
  EXPECT_EQ(v.records, head);
  EXPECT_EQ(Head(), head);
  EXPECT_EQ(As("")->store().ListAuditCheckpoints()->size(), checkpoints);
}

TEST_P(AuditTamperOnBothBackends, CheckpointsDeletedFromSomeRecordOnOrAll) {
  const uint64_t from = Head() - 2;
  Raw("DELETE FROM audit_checkpoints WHERE seq >= " + std::to_string(from));
  security::AuditVerification v = Verify();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.problem->seq, from);
  EXPECT_THAT(v.problem->what, HasSubstr("not sealed"));
  Raw("DELETE FROM audit_checkpoints");
  v = Verify();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.problem->seq, 1u);
}

TEST_P(AuditTamperOnBothBackends, AChainCutBackToASignedRecordFailsAgainstTheAnchoredHead) {
  auto signed_head = ReadSignedHead(*As(""));
  ASSERT_TRUE(signed_head.ok()) << signed_head.status().ToString();
  const std::string keep = std::to_string(signed_head->checkpoint.seq - 3);
  Raw("DELETE FROM audit_records WHERE seq > " + keep +
      "; DELETE FROM audit_checkpoints WHERE seq > " + keep +
      "; DELETE FROM audit_state WHERE seq > " + keep + "; UPDATE audit_head SET seq = " + keep +
      ", hash = (SELECT hash FROM audit_records WHERE seq = " + keep + ")");
  // A valid older chain; what its cut records wrote is still in the store.
  security::AuditVerification cut = Verify();
  ASSERT_FALSE(cut.ok());
  EXPECT_THAT(cut.problem->what, HasSubstr("outside the chain"));
  AuditVerifyOptions options;
  options.anchor = signed_head->checkpoint;
  auto v = VerifyAudit(*As(""), options);
  ASSERT_TRUE(v.ok());
  ASSERT_FALSE(v->ok());
  EXPECT_THAT(v->problem->what, HasSubstr("anchored head"));
}

// The chain covers the state: a record edited, inserted or deleted in the
// database, or the ledger edited to match, is named.
TEST_P(AuditTamperOnBothBackends, RecordsChangedBehindTheChainAreNamed) {
  ImportMore(R"({"format": "mara-bundle/1",
    "decisions": [{"party": "P-1", "cycle": 2025, "status": "listed", "decided_by": "panel",
                   "date": "2025-06-01", "rationale": "Pattern of verified incidents"}]})");
  security::AuditVerification v = Verify();
  ASSERT_TRUE(v.ok()) << v.problem->what;
  EXPECT_TRUE(v.state_covered);
  EXPECT_GT(v.state_records, 5u);
  const mara::Incident before = Stored("I-1");
  ASSERT_NE(before.status, IncidentStatus::kVerified);

  // An incident's status edited in place.
  Raw("UPDATE incidents SET status = 'verified', verified_on = '2025-03-01' WHERE id = 'I-1'");
  v = Verify();
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.problem->what, HasSubstr("incidents 'I-1': edited outside the chain"));
  Raw("UPDATE incidents SET status = 'under_verification', verified_on = NULL WHERE id = 'I-1'");
  v = Verify();
  ASSERT_TRUE(v.ok()) << v.problem->what;

  // A decision deleted, and a copy of a party's row inserted (its document
  // still names P-1, so the store now holds two).
  Raw("DELETE FROM decisions WHERE party = 'P-1' AND cycle = 2025");
  v = Verify();
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.problem->what, HasSubstr("decisions 'P-1/2025': deleted outside the chain"));
  Raw("INSERT INTO parties SELECT 'P-INTRUDER', situation, parent, doc FROM parties "
      "WHERE id = 'P-1'");
  v = Verify();
  ASSERT_FALSE(v.ok());
  bool inserted = false;
  for (const std::string& f : v.state_findings) {
    inserted = inserted || (f.starts_with("parties '") &&
                            f.find("inserted outside the chain") != std::string::npos);
  }
  EXPECT_TRUE(inserted) << v.problem->what;
}

// An API token inserted into the store's settings would let its maker act
// as any principal: tokens are ledgered like records.
TEST_P(AuditTamperOnBothBackends, AnApiTokenInsertedBehindTheChainIsNamed) {
  auto issued = IssueApiToken(*As(""), 30);
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  security::AuditVerification v = Verify();
  ASSERT_TRUE(v.ok()) << v.problem->what;
  Raw("INSERT INTO meta(key, value) SELECT 'api_token:0000000000000000', value FROM meta "
      "WHERE key = 'api_token:" +
      issued->id + "'");
  v = Verify();
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.problem->what,
              HasSubstr("meta 'api_token:0000000000000000': inserted outside the chain"));
}

TEST_P(AuditTamperOnBothBackends, AReviewHistoryDeletedBehindTheChainIsNamed) {
  ASSERT_TRUE(ReturnIncident(*As("rev1"), "I-3", "the source says another date").ok());
  security::AuditVerification v = Verify();
  ASSERT_TRUE(v.ok()) << v.problem->what;
  Raw("DELETE FROM meta WHERE key = 'incident.history/I-3'");
  v = Verify();
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.problem->what, HasSubstr("meta 'incident.history/I-3': deleted outside the chain"));
}

TEST_P(AuditTamperOnBothBackends, TheStateLedgerCannotBeEditedToMatch) {
  Raw("UPDATE incidents SET status = 'verified', verified_on = '2025-03-01' WHERE id = 'I-1'");
  // The ledger's entry for I-1 rewritten with the digest of the edited row.
  const std::string digest = StateDigest(Stored("I-1"));
  Raw("UPDATE audit_state SET digest = '" + digest +
      "' WHERE collection = 'incidents' AND id = 'I-1'");
  security::AuditVerification v = Verify();
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.problem->what, HasSubstr("state ledger were altered"));
  // Its entries deleted instead: the record that wrote them says otherwise.
  Raw("DELETE FROM audit_state WHERE collection = 'incidents' AND id = 'I-1'");
  v = Verify();
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.problem->what, HasSubstr("state ledger"));
}

TEST_P(AuditTamperOnBothBackends, AnAlteredRecordAndAForeignCheckpoint) {
  Raw("UPDATE audit_records SET principal = 'someone-else' WHERE seq = 2");
  security::AuditVerification v = Verify();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.problem->seq, 2u);
  Raw("UPDATE audit_records SET principal = 'operator' WHERE seq = 2");
  ASSERT_TRUE(Verify().ok());
  security::SeededRandom random(11);
  const security::SigningKey other = security::SigningKey::Generate(random);
  const uint64_t head = Head();
  const std::string hash = As("")->store().GetAuditHead()->hash;
  const security::AuditCheckpoint forged = security::SignCheckpoint(head, hash, 1, other);
  Raw("DELETE FROM audit_checkpoints WHERE seq = " + std::to_string(head) +
      "; INSERT INTO audit_checkpoints(seq, hash, key_id, signature, every) VALUES (" +
      std::to_string(head) + ", '" + hash + "', '" + forged.key_id + "', '" + forged.signature +
      "', 1)");
  v = Verify();
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.problem->what, HasSubstr("not trusted"));
}

TEST_P(AuditTamperOnBothBackends, TheIntervalIsBoundToTheChain) {
  ASSERT_TRUE(SetCheckpointEvery(*As(""), 4).ok());
  AddPrincipal("v1", {"viewer"});
  AddPrincipal("v2", {"viewer"});
  EXPECT_TRUE(Verify().ok());
  Raw("UPDATE meta SET value = '500' WHERE key = 'audit_checkpoint_every'");
  AddPrincipal("v3", {"viewer"});
  security::AuditVerification v = Verify();
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.problem->what, HasSubstr("not the interval the audit chain set"));
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditTamperOnBothBackends,
                         ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace mara
