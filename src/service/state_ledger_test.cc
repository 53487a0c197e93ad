// The state ledger on its own: digests and keys, a store from before state
// coverage ledgered once by a baseline, and no write committed without its
// audit record.
#include "service/state_ledger.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "common/temp_dir.h"
#include "security/random.h"
#include "service/audit.h"
#include "service/core.h"
#include "service/session.h"

namespace mara {
namespace {

class StateLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = ScopedTempDir::Create("mara-state-ledger");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    dir_ = std::move(*dir);
    security::SeededRandom random(7);
    keys_ = std::make_shared<const security::KeyMaterial>(security::GenerateKeyMaterial(random));
    StoreOptions options;
    options.keys = keys_;
    auto store = OpenStore(dir_.path() + "/mara.db", options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  std::unique_ptr<Session> Attach() {
    auto session = Session::Attach(*store_, "", keys_, dir_.path() + "/evidence", &clock_);
    EXPECT_TRUE(session.ok()) << session.status().ToString();
    return session.ok() ? std::move(*session) : nullptr;
  }

  security::AuditVerification Verify() {
    auto session = Attach();
    AuditVerifyOptions options;
    options.public_keys = {keys_->signing_key->public_key()};
    auto v = VerifyAudit(*session, options);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : security::AuditVerification{};
  }

  uint64_t Head() { return store_->GetAuditHead()->seq; }

  ScopedTempDir dir_;
  std::shared_ptr<const security::KeyMaterial> keys_;
  security::FixedClock clock_{1767225600000, 1000};
  std::unique_ptr<Store> store_;
};

TEST(StateDigestTest, KeysAndDigestsFollowTheRecord) {
  Decision d;
  d.party = "P-1";
  d.cycle = 2025;
  EXPECT_EQ(StateKey(d), "P-1/2025");
  const std::string before = StateDigest(d);
  d.status = PartyStatus::kListed;
  EXPECT_NE(StateDigest(d), before);
  EXPECT_EQ(StateDigest(d).size(), 64u);
  StateDigester empty;
  EXPECT_EQ(empty.Finish(), EmptyStateDigest());
  StateDigester one;
  one.Add("decisions", "P-1/2025", StateDigest(d));
  EXPECT_NE(one.Finish(), EmptyStateDigest());
  // Entries are length-prefixed: moving a byte between fields changes it.
  StateDigester a, b;
  a.Add("ab", "c", "");
  b.Add("a", "bc", "");
  EXPECT_NE(a.Finish(), b.Finish());
}

TEST_F(StateLedgerTest, AStoreFromBeforeStateCoverageIsLedgeredOnceByABaseline) {
  // An older store: a principal, a situation and an audit record without a
  // state digest, as the version before the ledger wrote them.
  ASSERT_TRUE(store_->Begin().ok());
  UserRecord op{"operator", "", {"admin"}, {}, false, "2025-01-01T00:00:00Z"};
  ASSERT_TRUE(store_->PutUser(op).ok());
  ASSERT_TRUE(store_->Put(Situation{"SIT-A", "Country A", true}).ok());
  {
    StoreAuditSink sink(*store_);
    security::AuditLog log(sink, clock_, *keys_->signing_key);
    ASSERT_TRUE(log.Append({"operator", "user.add", "users", "operator", "", ""}).ok());
  }
  ASSERT_TRUE(store_->Commit().ok());
  ASSERT_EQ(Head(), 1u);

  ASSERT_NE(Attach(), nullptr);
  ASSERT_EQ(Head(), 2u);  // the baseline
  bool baseline = false;
  ASSERT_TRUE(store_
                  ->ScanAuditRecords([&](const security::AuditRecord& r) {
                    if (r.seq == 2) baseline = r.action == kStateBaselineAction;
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_TRUE(baseline);
  security::AuditVerification v = Verify();
  ASSERT_TRUE(v.ok()) << v.problem->what;
  EXPECT_TRUE(v.state_covered);
  EXPECT_EQ(v.state_records, 2u);

  // Opened again, even with the coverage hint deleted: no second baseline.
  ASSERT_NE(Attach(), nullptr);
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->PutMeta(kStateCoverageMeta, "").ok());
  ASSERT_TRUE(store_->Commit().ok());
  ASSERT_NE(Attach(), nullptr);
  EXPECT_EQ(Head(), 2u);

  // A record written behind the session's back after the baseline is named.
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->Put(Situation{"SIT-B", "Country B", true}).ok());
  ASSERT_TRUE(store_->Commit().ok());
  v = Verify();
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.problem->what.find("situations 'SIT-B': inserted outside the chain"),
            std::string::npos)
      << v.problem->what;
}

TEST_F(StateLedgerTest, NoWriteCommitsWithoutItsAuditRecord) {
  auto session = Attach();
  ASSERT_NE(session, nullptr);
  const uint64_t head = Head();
  Store& store = session->store();
  {
    Transaction tx(&store);
    ASSERT_TRUE(tx.Begin().ok());
    ASSERT_TRUE(store.Put(Situation{"SIT-A", "Country A", true}).ok());
    Status committed = tx.Commit();
    EXPECT_EQ(committed.code(), StatusCode::kCorruption);
    EXPECT_NE(committed.message().find("without an audit record"), std::string::npos);
  }
  auto registry = store.LoadRegistry();
  ASSERT_TRUE(registry.ok());
  EXPECT_TRUE(registry->situations.empty());
  // With its record, in the same transaction, it commits and verifies.
  {
    Transaction tx(&store);
    ASSERT_TRUE(tx.Begin().ok());
    ASSERT_TRUE(store.Put(Situation{"SIT-A", "Country A", true}).ok());
    ASSERT_TRUE(session->Audit({"", "situation.add", "situations", "SIT-A", "", ""}).ok());
    ASSERT_TRUE(tx.Commit().ok());
  }
  EXPECT_EQ(Head(), head + 1);
  session.reset();
  security::AuditVerification v = Verify();
  ASSERT_TRUE(v.ok()) << v.problem->what;
  EXPECT_TRUE(v.state_covered);
}

}  // namespace
}  // namespace mara
