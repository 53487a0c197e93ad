// The office's audit view through the service layer, on a SQLite file:
// refusals and failed logins recorded in the chain (outside the refused
// operation's transaction, the chain still verifying), the filters of
// ListAuditRecords, and the before/after values of incident changes as the
// reader may see them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/temp_dir.h"
#include "service/audit.h"
#include "service/authorized.h"
#include "service/incidents.h"
#include "service/session.h"
#include "service/users.h"

namespace mara {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kNarrative = "The ferryman counted eleven lanterns by the mill";

std::string IncidentJson(const std::string& id, const std::string& place,
                         const std::string& narrative) {
  std::string j = R"({"id": ")" + id + R"(", "situation": "SIT-A", "date": "2025-01-10",
      "location": {"name": ")" +
                  place + R"("}, "violations": ["rape"], "victims": {"women": 2},
      "context": "detention", "nexus": ["perpetrator_affiliation"], "status": "reported",
      "perpetrators": [{"party": "P-1", "standard": "reasonable_grounds"}], "sources": ["S-1"])";
  if (!narrative.empty()) j += R"(, "narrative": ")" + narrative + "\"";
  return j + "}";
}

Incident ParseIncident(const std::string& text) {
  Incident incident;
  Status parsed = FromJson(Json::parse(text), &incident);
  EXPECT_TRUE(parsed.ok()) << parsed.ToString();
  return incident;
}

class AuditViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = ScopedTempDir::Create("mara-audit-view");
    ASSERT_TRUE(dir.ok());
    dir_ = std::move(dir).value();
    db_ = (fs::path(dir_.path()) / "mara.db").string();
    const std::string bundle = (fs::path(dir_.path()) / "bundle.json").string();
    std::ofstream(bundle) << R"({"format": "mara-bundle/1",
      "situations": [{"id": "SIT-A", "name": "Country A", "on_council_agenda": true}],
      "parties": [{"id": "P-1", "name": "Army of A", "kind": "state", "situation": "SIT-A"}],
      "sources": [{"id": "S-1", "kind": "un_monitoring", "title": "Report", "publisher": "UN",
                   "date": "2025-02-01", "reliability": "B", "credibility": "2",
                   "confidential": false}],
      "incidents": [)" + IncidentJson("I-1", "Town One", "")
                          << "]}";
    auto admin = Open("", /*create=*/true);
    ASSERT_TRUE(admin.ok()) << admin.status().ToString();
    ASSERT_TRUE(ImportFile(**admin, bundle, {}).ok());
    for (const auto& [name, role] : std::vector<std::pair<std::string, std::string>>{
             {"mon", "monitor"}, {"vera", "viewer"}, {"rev", "reviewer"}}) {
      NewUser u;
      u.name = name;
      u.roles = {role};
      if (role == "monitor") u.situations = {"SIT-A"};
      ASSERT_TRUE(AddUser(**admin, u).ok());
    }
    ASSERT_TRUE((*admin)->Finish().ok());
  }

  Result<std::unique_ptr<Session>> Open(const std::string& principal, bool create = false,
                                        bool read_only = false) {
    SessionOptions o;
    o.db = db_;
    o.principal = principal;
    o.create = create;
    o.read_only = read_only;
    return Session::Open(o);
  }

  std::unique_ptr<Session> As(const std::string& principal) {
    auto s = Open(principal);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  AuditPage List(AuditQuery query) {
    auto admin = As("");
    Result<AuditPage> page = ListAuditRecords(*admin, query);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? *page : AuditPage{};
  }

  uint64_t Head() {
    auto admin = As("");
    Result<uint64_t> seq = AuditHeadSeq(*admin);
    return seq.ok() ? *seq : 0;
  }

  void ExpectChainVerifies() {
    auto admin = As("");
    AuditVerifyOptions options;
    options.public_keys = {admin->keys().signing_key->public_key()};
    Result<security::AuditVerification> v = VerifyAudit(*admin, options);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_TRUE(v->ok()) << (v->problem ? v->problem->what : "");
    EXPECT_TRUE(v->state_findings.empty());
  }

  ScopedTempDir dir_;
  std::string db_;
};

TEST_F(AuditViewTest, ARefusedWriteLeavesARefusalRecordAndTheChainVerifies) {
  const uint64_t before = Head();
  {
    auto vera = As("vera");
    // Refused inside the save's transaction, which rolls back.
    Result<PutOutcome> saved =
        SaveIncident(*vera, ParseIncident(IncidentJson("I-9", "Town Nine", "")));
    ASSERT_FALSE(saved.ok());
    EXPECT_EQ(saved.status().code(), StatusCode::kPermissionDenied);
    EXPECT_NE(saved.status().message().find("create_incident"), std::string::npos);
    ASSERT_TRUE(vera->Finish().ok());
  }
  AuditQuery q;
  q.action = "refused";
  AuditPage page = List(q);
  ASSERT_EQ(page.items.size(), 1u);
  const security::AuditRecord& r = page.items[0].record;
  EXPECT_EQ(r.principal, "vera");
  EXPECT_EQ(r.collection, "create_incident");
  EXPECT_EQ(r.target_id, "incident I-9");
  EXPECT_TRUE(r.before_digest.empty());
  EXPECT_TRUE(r.after_digest.empty());
  EXPECT_FALSE(page.items[0].changes);
  EXPECT_EQ(Head(), before + 1);  // the refusal alone: the save wrote nothing
  ExpectChainVerifies();
}

TEST_F(AuditViewTest, ANonAdminIsRefusedTheLogAndTheRefusalIsRecorded) {
  {
    auto mon = As("mon");
    Result<AuditPage> page = ListAuditRecords(*mon, {});
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.status().code(), StatusCode::kPermissionDenied);
    // At most one refusal per session.
    EXPECT_EQ(ListAuditRecords(*mon, {}).status().code(), StatusCode::kPermissionDenied);
  }
  AuditQuery q;
  q.action = "refused";
  q.principal = "mon";
  AuditPage page = List(q);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].record.collection, "read_audit_log");
  ExpectChainVerifies();
}

TEST_F(AuditViewTest, ARefusalOnAReadOnlyStoreIsNotRecordedAndStaysARefusal) {
  const uint64_t before = Head();
  {
    auto vera = Open("vera", false, /*read_only=*/true);
    ASSERT_TRUE(vera.ok()) << vera.status().ToString();
    Result<AuditPage> page = ListAuditRecords(**vera, {});
    EXPECT_EQ(page.status().code(), StatusCode::kPermissionDenied);
    EXPECT_TRUE((*vera)->Finish().ok());
  }
  EXPECT_EQ(Head(), before);
}

TEST_F(AuditViewTest, FailedLoginsKeepTheNameOnlyWhenItNamesAPrincipal) {
  {
    auto any = As("");
    ASSERT_TRUE(RecordFailedLogin(*any, "hunter2-typo", kLoginWrongPassword).ok());
    ASSERT_TRUE(RecordFailedLogin(*any, "mon", kLoginWrongPassword).ok());
    ASSERT_TRUE(RecordFailedLogin(*any, "vera", kLoginLockedOut).ok());
    EXPECT_EQ(RecordFailedLogin(*any, "mon", "bad luck").code(), StatusCode::kInvalidArgument);
  }
  AuditQuery q;
  q.action = std::string(kLoginFailedAction);
  AuditPage page = List(q);
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[0].record.principal, kUnknownPrincipal);
  EXPECT_EQ(page.items[0].record.target_id, kLoginUnknownName);
  EXPECT_EQ(page.items[1].record.principal, "mon");
  EXPECT_EQ(page.items[1].record.target_id, kLoginWrongPassword);
  EXPECT_EQ(page.items[2].record.principal, "vera");
  EXPECT_EQ(page.items[2].record.target_id, kLoginLockedOut);
  for (const AuditItem& item : List({}).items) {
    for (const std::string* field : {&item.record.principal, &item.record.action,
                                     &item.record.collection, &item.record.target_id}) {
      EXPECT_EQ(field->find("hunter2"), std::string::npos) << item.record.seq;
    }
  }
  ExpectChainVerifies();
}

TEST_F(AuditViewTest, FiltersCombineAndPage) {
  {
    auto mon = As("mon");
    ASSERT_TRUE(SaveIncident(*mon, ParseIncident(IncidentJson("I-9", "Town Nine", ""))).ok());
    ASSERT_TRUE(SaveIncident(*mon, ParseIncident(IncidentJson("I-9", "Town Ten", ""))).ok());
    ASSERT_TRUE(SaveIncident(*mon, ParseIncident(IncidentJson("I-19", "Town X", ""))).ok());
  }
  {
    auto vera = As("vera");
    EXPECT_FALSE(SaveIncident(*vera, ParseIncident(IncidentJson("I-9", "Town", ""))).ok());
  }
  AuditQuery q;
  q.action = "incident.";
  EXPECT_EQ(List(q).items.size(), 3u);
  q.action = "incident.*";
  EXPECT_EQ(List(q).items.size(), 3u);
  q.action = "incident.edit";
  EXPECT_EQ(List(q).items.size(), 1u);
  q.action = "incident";  // exact: no such action
  EXPECT_EQ(List(q).items.size(), 0u);

  q = {};
  q.record = "I-9";
  EXPECT_EQ(List(q).items.size(), 3u);  // two changes and the refusal
  q.principal = "mon";
  EXPECT_EQ(List(q).items.size(), 2u);
  q.action = "incident.create";
  EXPECT_EQ(List(q).items.size(), 1u);

  auto admin = As("");
  const Date today = Today(admin->clock());
  q = {};
  q.principal = "mon";
  q.from = today;
  q.to = today;
  EXPECT_EQ(List(q).items.size(), 3u);
  q.to = Date::FromDays(today.DaysSinceEpoch() - 1);
  q.from = Date::FromDays(today.DaysSinceEpoch() - 3);
  EXPECT_EQ(List(q).items.size(), 0u);
  q.from = Date::FromDays(today.DaysSinceEpoch() + 1);
  q.to = std::nullopt;
  EXPECT_EQ(List(q).items.size(), 0u);
  q.to = today;
  EXPECT_EQ(ListAuditRecords(*admin, q).status().code(), StatusCode::kInvalidArgument);

  q = {};
  q.principal = "mon";
  q.limit = 2;
  AuditPage first = List(q);
  ASSERT_EQ(first.items.size(), 2u);
  ASSERT_TRUE(first.next_after_seq);
  EXPECT_EQ(*first.next_after_seq, first.items[1].record.seq);
  q.after_seq = *first.next_after_seq;
  AuditPage second = List(q);
  ASSERT_EQ(second.items.size(), 1u);
  EXPECT_FALSE(second.next_after_seq);

  q = {};
  q.limit = 0;
  EXPECT_EQ(ListAuditRecords(*admin, q).status().code(), StatusCode::kInvalidArgument);
  q.limit = kMaxAuditPage + 1;
  EXPECT_EQ(ListAuditRecords(*admin, q).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(AuditViewTest, ChangesShowBeforeAndAfterAsTheReaderMaySeeThem) {
  {
    auto mon = As("mon");
    ASSERT_TRUE(SaveIncident(*mon, ParseIncident(IncidentJson("I-9", "Town Nine", ""))).ok());
    ASSERT_TRUE(
        SaveIncident(*mon, ParseIncident(IncidentJson("I-9", "Town Ten", std::string(kNarrative))))
            .ok());
  }
  AuditQuery q;
  q.action = "incident.edit";
  AuditPage page = List(q);
  ASSERT_EQ(page.items.size(), 1u);
  ASSERT_TRUE(page.items[0].changes);
  const Json& changes = *page.items[0].changes;
  bool location = false, narrative = false;
  for (const Json& c : changes) {
    if (c["field"] == "location") {
      location = true;
      EXPECT_EQ(c["before"]["name"], "Town Nine");
      EXPECT_EQ(c["after"]["name"], "Town Ten");
    }
    if (c["field"] == "narrative") {
      narrative = true;
      EXPECT_FALSE(c.contains("before"));
      EXPECT_FALSE(c.contains("after"));
    }
  }
  EXPECT_TRUE(location);
  EXPECT_TRUE(narrative);
  EXPECT_EQ(changes.dump().find(kNarrative), std::string::npos);

  // A record kept as digests only has no changes.
  q.action = "user.add";
  for (const AuditItem& item : List(q).items) EXPECT_FALSE(item.changes);

  // Withdrawn, the incident is hidden from every reader: field names only.
  {
    auto mon = As("mon");
    ASSERT_TRUE(SetIncidentConsent(*mon, "I-9", Consent::kWithdrawn).ok());
  }
  q.action = "incident.edit";
  page = List(q);
  ASSERT_EQ(page.items.size(), 1u);
  ASSERT_TRUE(page.items[0].changes);
  for (const Json& c : *page.items[0].changes) {
    EXPECT_TRUE(c.contains("field"));
    EXPECT_FALSE(c.contains("before")) << c.dump();
    EXPECT_FALSE(c.contains("after")) << c.dump();
  }
}

}  // namespace
}  // namespace mara
