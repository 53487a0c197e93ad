// The read paths of the service layer (assess, case, stats, export, the data
// digest) on a store that can only be read: a SQLite file opened read-only
// and a PostgreSQL session with default_transaction_read_only = on (what a
// hot standby gives), after a change on the primary left the digest cache
// stale. They must answer as the primary does and write nothing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "common/text.h"
#include "policy/policy.h"
#include "service/authorized.h"
#include "service/backend_test_support.h"
#include "service/core.h"
#include "service/digest.h"
#include "storage/postgres/test_server.h"

namespace mara {
namespace {

namespace fs = std::filesystem;

class ReadOnlyTest : public testing::BackendTest {
 protected:
  ReadOnlyTest() : BackendTest("read_only") {}

  using BackendTest::Open;
  std::unique_ptr<Session> Open(const SessionOptions& o) {
    auto s = Session::Open(o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  // What a read could have written: the audit head and the digest's
  // stored accumulator.
  std::string Written() {
    auto store = OpenStore(db_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (!store.ok()) return "";
    auto head = (*store)->GetAuditHead();
    auto cache = (*store)->GetMeta(kDataDigestStateKey);
    EXPECT_TRUE(head.ok() && cache.ok());
    return std::to_string(head->seq) + " " + head->hash + " " + cache->value_or("none");
  }

  // The primary: the demo data and a decision, then its stored digest made
  // unreadable, as a store written around the service layer has it, so a
  // reader must recompute it. Returns the current digest.
  std::string PreparePrimary() {
    auto primary = Open(Options(/*create=*/true));
    if (primary == nullptr) return "";
    auto imported = ImportFile(*primary, std::string(MARA_SOURCE_DIR) + "/examples/demo.json", {});
    EXPECT_TRUE(imported.ok()) << imported.status().ToString();
    EXPECT_TRUE(DataDigest(primary->store()).ok());
    Decision d{
        "P-VAF", 2024, PartyStatus::kListed, "", Date::FromYmd(2025, 4, 1), "Pattern established"};
    Status decided = RecordDecision(*primary, d);
    EXPECT_TRUE(decided.ok()) << decided.ToString();
    const std::string digest = RecomputeDigest(primary->store()).value().Hex();
    EXPECT_EQ(DataDigest(primary->store()).value(), digest);
    EXPECT_TRUE(primary->store().PutMeta(kDataDigestStateKey, "unreadable").ok());
    EXPECT_TRUE(primary->Finish().ok());
    return digest;
  }

  // Every read path on `reader`, which must see `digest` and write nothing.
  void ExpectReadsWork(Session& reader, const std::string& digest) {
    const std::string before = Written();
    ASSERT_TRUE(reader.store().ReadOnly().value());
    const Policy policy = DefaultPolicy().value();
    auto assessed = AssessCycle(reader, policy, 2025);
    ASSERT_TRUE(assessed.ok()) << assessed.status().ToString();
    EXPECT_EQ(assessed->data_digest, digest);
    auto statement = BuildStatementOfCase(reader, policy, "P-VAF", 2025, false);
    ASSERT_TRUE(statement.ok()) << statement.status().ToString();
    EXPECT_TRUE(ComputeStats(reader).ok());
    const fs::path file = dir_ / "export.json";
    {
      std::ofstream exported(file, std::ios::binary);
      Status s = ExportStore(reader, "bundle", exported);
      ASSERT_TRUE(s.ok()) << s.ToString();
    }
    EXPECT_EQ(BundleDataDigest(file.string()).value(), digest);
    EXPECT_TRUE(reader.Finish().ok());
    EXPECT_EQ(Written(), before) << "a read wrote to the store";

    // Changes fail, and say why when it is the audit record that cannot go in.
    Decision d{"P-VAF", 2025, PartyStatus::kNone, "", Date::FromYmd(2025, 4, 1), "why"};
    EXPECT_FALSE(RecordDecision(reader, d).ok());
    Status audited = reader.Audit({"", "evidence.verify", "", "", "", ""});
    EXPECT_EQ(audited.code(), StatusCode::kIOError);
    EXPECT_NE(audited.message().find("the store is read-only"), std::string::npos)
        << audited.message();
    EXPECT_EQ(Written(), before);
  }
};

TEST_P(ReadOnlyTest, ReadsWorkOnAReadOnlyOpenAndWriteNothing) {
  const std::string digest = PreparePrimary();
  ASSERT_FALSE(digest.empty());
  SessionOptions o = Options();
  o.read_only = true;
  auto reader = Open(o);
  ASSERT_NE(reader, nullptr);
  ExpectReadsWork(*reader, digest);
}

TEST_P(ReadOnlyTest, CurrentCacheIsUsedAndAWritableStoreStillCaches) {
  const std::string digest = PreparePrimary();
  {
    auto writer = Open(Options());
    ASSERT_NE(writer, nullptr);
    EXPECT_FALSE(writer->store().ReadOnly().value());
    EXPECT_EQ(DataDigest(writer->store()).value(), digest);
  }
  const std::string cached = Written();
  {
    auto store = OpenStore(db_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto state = DecodeDigestState((*store)->GetMeta(kDataDigestStateKey).value().value_or(""));
    ASSERT_TRUE(state.has_value()) << cached;
    EXPECT_EQ(state->accumulator.Hex(), digest);
  }
  SessionOptions o = Options();
  o.read_only = true;
  auto reader = Open(o);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(DataDigest(reader->store()).value(), digest);
  EXPECT_EQ(Written(), cached);
}

TEST(ReadOnlyPostgresTest, SessionOptionOfTheConnectionAsOnAStandby) {
  // The read-only setting given by the server side of the connection, as a
  // standby or `ALTER DATABASE ... SET default_transaction_read_only` does,
  // not by StoreOptions.
  const std::string key = "read_only/connection_option";
  auto url = pg::testing::ScratchDatabaseUrl(key);
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  const fs::path dir =
      fs::temp_directory_path() / ("mara_read_only_option_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  SessionOptions o;
  o.db = *url;
  o.key_file = (dir / "mara.keys").string();
  o.evidence_dir = (dir / "evidence").string();
  o.create = true;
  std::string digest;
  {
    auto primary = Session::Open(o);
    ASSERT_TRUE(primary.ok()) << primary.status().ToString();
    ASSERT_TRUE(
        ImportFile(**primary, std::string(MARA_SOURCE_DIR) + "/examples/demo.json", {}).ok());
    digest = DataDigest((*primary)->store()).value();
    Decision d{"P-VAF", 2024, PartyStatus::kListed, "", Date::FromYmd(2025, 4, 1), "Pattern"};
    ASSERT_TRUE(RecordDecision(**primary, d).ok());
    digest = DataDigest((*primary)->store()).value();
    Decision e{"P-VAF", 2023, PartyStatus::kNone, "", Date::FromYmd(2024, 4, 1), "Nothing"};
    ASSERT_TRUE(RecordDecision(**primary, e).ok());
    digest = RecomputeDigest((*primary)->store()).value().Hex();
    // Unreadable, so the standby must recompute it.
    ASSERT_TRUE((*primary)->store().PutMeta(kDataDigestStateKey, "unreadable").ok());
  }
  o.create = false;
  o.db = *url + (url->find('?') == std::string::npos ? "?" : "&") +
         "options=-c%20default_transaction_read_only%3Don";
  auto reader = Session::Open(o);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ASSERT_TRUE((*reader)->store().ReadOnly().value());
  auto assessed = AssessCycle(**reader, DefaultPolicy().value(), 2025);
  ASSERT_TRUE(assessed.ok()) << assessed.status().ToString();
  EXPECT_EQ(assessed->data_digest, digest);
  std::ostringstream exported;
  Status s = ExportStore(**reader, "bundle", exported);
  EXPECT_TRUE(s.ok()) << s.ToString();
  reader->reset();
  EXPECT_TRUE(pg::testing::DropScratchDatabase(key).ok());
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Backends, ReadOnlyTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mara
