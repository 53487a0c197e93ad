// Moving stores between backends, backups and their restore, and imports
// running at once, each against real SQLite files and a real PostgreSQL
// server (MARA_TEST_PG_URL, see storage/postgres/test_server.h).
#include "service/store_transfer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/text.h"
#include "ingest/generator.h"
#include "service/core.h"
#include "service/digest.h"
#include "service/import.h"
#include "storage/postgres/test_server.h"

namespace mara {
namespace {

namespace fs = std::filesystem;

template <typename T>
std::vector<T> OrEmpty(Result<std::vector<T>> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : std::vector<T>{};
}

class StoreTransferTest : public ::testing::Test {
 protected:
  void SetUp() override {
    name_ = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir_ = fs::temp_directory_path() /
           ("mara_store_transfer_" + std::to_string(::getpid()) + "_" + name_);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    for (const std::string& key : databases_) {
      Status s = pg::testing::DropScratchDatabase(key);
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
    fs::remove_all(dir_);
  }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  // A new PostgreSQL database for this test, by name.
  std::string PgUrl(const std::string& name) {
    const std::string key = "transfer/" + name_ + "/" + name;
    databases_.push_back(key);
    auto url = pg::testing::ScratchDatabaseUrl(key);
    EXPECT_TRUE(url.ok()) << url.status().ToString();
    return url.ok() ? *url : std::string("postgresql:///missing");
  }

  static std::unique_ptr<Store> Open(const std::string& url) {
    auto store = OpenStore(url);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // A store with something in every part: the demo bundle, principals, a
  // name review, edited incidents, an audit chain with a checkpoint.
  void Populate(Store& store) {
    auto imported = ImportFile(store, std::string(MARA_SOURCE_DIR) + "/examples/demo.json",
                               ImportOptions{.principal = "importer"});
    ASSERT_TRUE(imported.ok()) << imported.status().ToString();
    ASSERT_TRUE(store.Begin().ok());
    ASSERT_TRUE(
        store
            .PutUser(
                {"ana", "$argon2id$v=19$x", {"analyst"}, {"SIT-A"}, false, "2025-01-01T00:00:00Z"})
            .ok());
    ASSERT_TRUE(
        store.PutUser({"bo", "", {"admin", "viewer"}, {}, true, "2025-01-02T00:00:00Z", "ar"})
            .ok());
    NameReview review;
    review.origin = "acled";
    review.query = "Unknown armed men";
    review.provisional_party = "P-X";
    review.candidates = "[]";
    review.reason = "no candidate";
    ASSERT_TRUE(store.PutNameReview(review).ok());
    std::string first_incident;
    ASSERT_TRUE(store
                    .ScanIncidents([&](const Incident& v) {
                      if (first_incident.empty()) first_incident = v.id;
                      return Status::Ok();
                    })
                    .ok());
    ASSERT_TRUE(store.SetIncidentEditor(first_incident, "reviewer").ok());
    ASSERT_TRUE(store.Commit().ok());
    std::string prev = security::AuditGenesisHash();
    for (uint64_t seq = 1; seq <= 5; ++seq) {
      security::AuditRecord r{seq,         1735689600000 + static_cast<int64_t>(seq),
                              "ana",       "import",
                              "incidents", "I-" + std::to_string(seq),
                              "",          "ab",
                              prev,        ""};
      r.hash = Blake2bHex("record " + std::to_string(seq) + prev);
      ASSERT_TRUE(store.AppendAuditRecord(r).ok());
      prev = r.hash;
    }
    ASSERT_TRUE(store.AppendAuditCheckpoint({5, prev, "0123456789abcdef", "c2ln"}).ok());
  }

  // Everything CopyStore promises to carry, as one comparable text.
  static std::string Everything(Store& store) {
    std::string out;
    auto digest = DataDigest(store);
    EXPECT_TRUE(digest.ok()) << digest.status().ToString();
    out += "digest " + (digest.ok() ? *digest : std::string()) + "\n";
    for (const ImportRecord& r : OrEmpty(store.ListImports())) {
      out += "import " + std::to_string(r.id) + " " + r.file + " " + r.principal + " " +
             std::to_string(r.accepted) + "\n";
    }
    for (const UserRecord& u : OrEmpty(store.ListUsers())) {
      out += "user " + u.name + " " + u.password_hash + " " + std::to_string(u.roles.size()) +
             std::to_string(u.situations.size()) + (u.disabled ? " off" : " on") +
             " lang:" + u.language + "\n";
    }
    for (const NameReview& r : OrEmpty(store.ListNameReviews())) {
      out += "review " + std::to_string(r.id) + " " + r.origin + " " + r.query + "\n";
    }
    EXPECT_TRUE(store
                    .ScanIncidents([&](const Incident& v) {
                      auto p = store.GetIncidentProvenance(v.id);
                      if (p.ok() && p->has_value()) {
                        out += "by " + v.id + " " + (*p)->created_by + "/" + (*p)->last_edited_by +
                               "\n";
                      }
                      return Status::Ok();
                    })
                    .ok());
    EXPECT_TRUE(store
                    .ScanAuditRecords([&](const security::AuditRecord& r) {
                      out += "audit " + std::to_string(r.seq) + " " + r.hash + "\n";
                      return Status::Ok();
                    })
                    .ok());
    for (const auto& c : OrEmpty(store.ListAuditCheckpoints())) {
      out += "checkpoint " + std::to_string(c.seq) + " " + c.hash + " " + c.signature + "\n";
    }
    return out;
  }

  std::string name_;
  fs::path dir_;
  std::vector<std::string> databases_;
};

TEST_F(StoreTransferTest, CopyGoesBothWaysAndKeepsEverything) {
  std::unique_ptr<Store> original = Open(Path("original.db"));
  ASSERT_NE(original, nullptr);
  Populate(*original);
  if (HasFatalFailure()) return;
  const std::string expected = Everything(*original);
  ASSERT_NE(expected.find("audit 5"), std::string::npos);
  ASSERT_NE(expected.find("by "), std::string::npos);

  std::unique_ptr<Store> server = Open(PgUrl("copy"));
  ASSERT_NE(server, nullptr);
  auto there = CopyStore(*original, *server);
  ASSERT_TRUE(there.ok()) << there.status().ToString();
  EXPECT_EQ(there->users, 2);
  EXPECT_EQ(there->audit_records, 5);
  EXPECT_EQ(there->audit_checkpoints, 1);
  EXPECT_EQ(Everything(*server), expected);

  std::unique_ptr<Store> back = Open(Path("back.db"));
  ASSERT_NE(back, nullptr);
  auto home = CopyStore(*server, *back);
  ASSERT_TRUE(home.ok()) << home.status().ToString();
  EXPECT_EQ(home->data_digest, there->data_digest);
  EXPECT_EQ(Everything(*back), expected);
  EXPECT_EQ(*back->IntegrityCheck(), "ok");
  EXPECT_EQ(*server->IntegrityCheck(), "ok");
}

TEST_F(StoreTransferTest, CopyRefusesADestinationThatHoldsAnything) {
  std::unique_ptr<Store> from = Open(Path("from.db"));
  std::unique_ptr<Store> to = Open(PgUrl("full"));
  ASSERT_NE(from, nullptr);
  ASSERT_NE(to, nullptr);
  Populate(*from);
  if (HasFatalFailure()) return;
  ASSERT_TRUE(to->Begin().ok());
  ASSERT_TRUE(to->Put(Situation{"SIT-Z", "Z", false}).ok());
  ASSERT_TRUE(to->Commit().ok());
  auto copied = CopyStore(*from, *to);
  ASSERT_FALSE(copied.ok());
  EXPECT_EQ(copied.status().code(), StatusCode::kConflict);
  EXPECT_NE(copied.status().message().find("1 situations"), std::string::npos)
      << copied.status().message();
  EXPECT_EQ(to->Counts()->Of(Collection::kParties), 0);
}

TEST_F(StoreTransferTest, SqliteBackupRestoresToTheSameData) {
  const std::string db = Path("live.db");
  std::unique_ptr<Store> store = Open(db);
  ASSERT_NE(store, nullptr);
  Populate(*store);
  if (HasFatalFailure()) return;
  const std::string expected = Everything(*store);
  auto report = BackupStore(*store, db, Path("backup.db"));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->backend, "sqlite");
  EXPECT_FALSE(fs::exists(Path("backup.db.partial")));

  // The store changes after the backup; the restored copy is the old state.
  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(store->Put(Situation{"SIT-NEW", "New", false}).ok());
  ASSERT_TRUE(store->Commit().ok());
  fs::copy_file(Path("backup.db"), Path("restored.db"));
  std::unique_ptr<Store> restored = Open(Path("restored.db"));
  ASSERT_NE(restored, nullptr);
  EXPECT_EQ(Everything(*restored), expected);
  EXPECT_EQ(*DataDigest(*restored), report->data_digest);

  // A backup never overwrites.
  EXPECT_EQ(BackupStore(*store, db, Path("backup.db")).status().code(), StatusCode::kConflict);
}

TEST_F(StoreTransferTest, PostgresBackupIsAPgDumpThatPgRestoreRestores) {
  const std::string url = PgUrl("live");
  std::unique_ptr<Store> store = Open(url);
  ASSERT_NE(store, nullptr);
  Populate(*store);
  if (HasFatalFailure()) return;
  const std::string expected = Everything(*store);
  auto report = BackupStore(*store, url, Path("backup.dump"));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->backend, "postgresql");

  const std::string target = PgUrl("restored");
  // The documented restore (docs/deployment.md): pg_restore into an empty
  // database.
  const std::string command = "pg_restore --no-owner --exit-on-error -d '" + target + "' '" +
                              Path("backup.dump") + "' 2>'" + Path("restore.log") + "'";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  std::unique_ptr<Store> restored = Open(target);
  ASSERT_NE(restored, nullptr);
  EXPECT_EQ(Everything(*restored), expected);
  EXPECT_EQ(*DataDigest(*restored), report->data_digest);
}

// Two bundles with overlapping ids imported at once, through the service,
// end in the state of importing them one after the other (in the order the
// store committed them), on either backend.
class ConcurrentImportTest : public StoreTransferTest,
                             public ::testing::WithParamInterface<std::string> {};

TEST_P(ConcurrentImportTest, TwoImportsAtOnceEqualOneAfterTheOther) {
  for (uint64_t seed : {1, 2}) {
    GeneratorOptions o;
    o.incidents = 1500;
    o.parties = 25;
    o.cycles = 3;
    o.first_cycle = 2022;
    o.seed = seed;
    ASSERT_TRUE(Generate(o, Path("g" + std::to_string(seed) + ".json"), nullptr).ok());
  }
  const bool pg = GetParam() == "postgresql";
  const std::string url = pg ? PgUrl("concurrent") : Path("concurrent.db");
  ASSERT_NE(Open(url), nullptr);  // created before the race
  Status results[2];
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      auto store = OpenStore(url);
      if (!store.ok()) {
        results[i] = store.status();
        return;
      }
      results[i] = ImportFile(**store, Path("g" + std::to_string(i + 1) + ".json"), {}).status();
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_TRUE(results[0].ok()) << results[0].ToString();
  ASSERT_TRUE(results[1].ok()) << results[1].ToString();

  std::unique_ptr<Store> store = Open(url);
  auto imports = store->ListImports();
  ASSERT_TRUE(imports.ok());
  ASSERT_EQ(imports->size(), 2u);
  std::unique_ptr<Store> sequential = Open(pg ? PgUrl("sequential") : Path("sequential.db"));
  for (const ImportRecord& r : *imports) {
    ASSERT_TRUE(ImportFile(*sequential, r.file, {}).ok());
  }
  EXPECT_EQ(*DataDigest(*store), *DataDigest(*sequential));
  EXPECT_EQ(*store->IntegrityCheck(), "ok");
}

INSTANTIATE_TEST_SUITE_P(Backends, ConcurrentImportTest, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace mara
