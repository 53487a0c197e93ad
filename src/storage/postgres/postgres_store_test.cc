// Tests specific to the PostgreSQL backend (the shared behaviour is in
// storage/store_test.cc, run against both backends): schema migrations in
// step with SQLite's, refusals on open, queued writers, the COPY path and
// its fallback, damaged rows, broken references, the pool and the URLs.
#include "storage/postgres/postgres_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "storage/postgres/migrations.h"
#include "storage/postgres/pg.h"
#include "storage/postgres/test_server.h"
#include "storage/sqlite/migrations.h"

namespace mara {
namespace {

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = std::string("pg-specific/") +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    auto url = pg::testing::ScratchDatabaseUrl(key_);
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    url_ = *url;
  }
  void TearDown() override {
    Status s = pg::testing::DropScratchDatabase(key_);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }

  std::unique_ptr<Store> MustOpen(StoreOptions options = {}) {
    auto s = OpenPostgresStore(url_, options);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  // Runs SQL behind the store's back.
  void Raw(const std::string& sql) {
    auto conn = pg::Conn::Open(url_);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    Status s = (*conn)->Exec(sql);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  std::string key_;
  std::string url_;
};

Incident SimpleIncident(std::string id) {
  Incident v;
  v.id = std::move(id);
  v.situation = "SIT-A";
  v.date = Date::FromYmd(2025, 1, 10);
  v.location.name = "Town";
  v.violations = {Violation::kRape};
  return v;
}

TEST_F(PostgresStoreTest, MigrationsAreThoseOfSqliteVersionForVersion) {
  ASSERT_EQ(postgres::LatestSchemaVersion(), sqlite::kLatestSchemaVersion);
  ASSERT_EQ(postgres::Migrations().size(), sqlite::Migrations().size());
  for (size_t i = 0; i < postgres::Migrations().size(); ++i) {
    EXPECT_EQ(postgres::Migrations()[i].version, sqlite::Migrations()[i].version);
    EXPECT_EQ(postgres::Migrations()[i].description, sqlite::Migrations()[i].description);
  }
  auto store = MustOpen();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Backend(), "postgresql");
  EXPECT_EQ(store->SchemaVersion(), sqlite::kLatestSchemaVersion);
}

TEST_F(PostgresStoreTest, AStoreOfVersion10GainsThePreferredLanguage) {
  {
    auto store = MustOpen();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Begin().ok());
    ASSERT_TRUE(
        store->PutUser({"zoe", "", {"viewer"}, {}, false, "2025-01-01T00:00:00Z", "ru"}).ok());
    ASSERT_TRUE(store->Commit().ok());
  }
  // Back to version 10: no language column, no record of migration 11.
  Raw("ALTER TABLE users DROP COLUMN language");
  Raw("DELETE FROM schema_version WHERE version = 11");
  auto store = MustOpen();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion(), 11);
  auto zoe = store->GetUser("zoe");
  ASSERT_TRUE(zoe.ok() && zoe->has_value()) << zoe.status().ToString();
  EXPECT_EQ((*zoe)->roles, (std::vector<std::string>{"viewer"}));
  EXPECT_EQ((*zoe)->language, "");
}

TEST_F(PostgresStoreTest, OpenRefusesWhatIsNotACurrentMaraStore) {
  auto absent = OpenPostgresStore(url_, StoreOptions{.create_if_missing = false});
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.status().code(), StatusCode::kNotFound);
  EXPECT_NE(absent.status().message().find("mara init"), std::string::npos);

  Raw("CREATE TABLE customers(id int)");
  auto other = OpenPostgresStore(url_, {});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), StatusCode::kInvalidArgument);
  Raw("DROP TABLE customers");

  ASSERT_NE(MustOpen(), nullptr);
  Raw("INSERT INTO schema_version VALUES (999, 'future', 'x')");
  auto newer = OpenPostgresStore(url_, {});
  ASSERT_FALSE(newer.ok());
  EXPECT_EQ(newer.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(newer.status().message().find("schema version 999"), std::string::npos);
}

TEST_F(PostgresStoreTest, UnreachableServerIsAnIOErrorWithoutThePassword) {
  auto s = OpenPostgresStore("postgresql://someone:s3cret@/nowhere?host=/nonexistent-dir", {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kIOError);
  EXPECT_EQ(s.status().message().find("s3cret"), std::string::npos) << s.status().message();
  EXPECT_EQ(pg::RedactUrl("postgresql://u:pw@h/db"), "'postgresql://u@h/db'");
  EXPECT_EQ(pg::RedactUrl("host=h password=pw dbname=d"), "'host=h password=*** dbname=d'");
}

TEST_F(PostgresStoreTest, TwoWritersQueueInsteadOfFailing) {
  auto first = MustOpen();
  auto second = MustOpen();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_TRUE(first->Begin().ok());
  ASSERT_TRUE(first->PutIncident(SimpleIncident("I-1"), 0).ok());
  std::atomic<bool> began{false};
  Status second_begin;
  std::thread waiter([&] {
    second_begin = second->Begin();
    began = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(began.load());  // waiting for the first writer
  ASSERT_TRUE(first->Commit().ok());
  waiter.join();
  ASSERT_TRUE(second_begin.ok()) << second_begin.ToString();
  EXPECT_TRUE(*second->HasIncident("I-1"));
  EXPECT_EQ(*second->PutIncident(SimpleIncident("I-1"), 0), PutOutcome::kUpdated);
  ASSERT_TRUE(second->Commit().ok());
  EXPECT_EQ(*first->DataVersion(), 2);
}

TEST_F(PostgresStoreTest, AWriterHeldTooLongIsReportedAsLocked) {
  auto first = MustOpen();
  auto second = MustOpen();
  ASSERT_TRUE(first->Begin().ok());
  const auto start = std::chrono::steady_clock::now();
  Status s = second->Begin();
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_NE(s.message().find("locked by another writer"), std::string::npos) << s.ToString();
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  EXPECT_FALSE(second->InTransaction());
  first->Rollback();
  ASSERT_TRUE(second->Begin().ok());
  second->Rollback();
}

// Ascending ids stream through COPY; an id at or below the largest stored
// one takes the exact path. Both must give SQLite's outcomes and keep
// awkward text (tabs, backslashes, new lines) byte for byte.
TEST_F(PostgresStoreTest, CopyPathAndExactPathGiveTheSameOutcomes) {
  auto store = MustOpen();
  ASSERT_TRUE(store->Begin().ok());
  auto import_id = store->StartImport({0, "f.csv", "incidents-csv", "d", "t", 0, 0, "ana"});
  ASSERT_TRUE(import_id.ok());
  Incident awkward = SimpleIncident("I-2");
  awkward.narrative = "tab\there, back\\slash \\N, new\nline\r\nend";
  awkward.location.admin1 = "\\N";
  awkward.location.lat = 0.1 + 0.2;
  EXPECT_EQ(*store->PutIncident(SimpleIncident("I-1"), *import_id), PutOutcome::kInserted);
  EXPECT_EQ(*store->PutIncident(awkward, *import_id), PutOutcome::kInserted);
  EXPECT_EQ(*store->PutIncident(SimpleIncident("I-0"), *import_id), PutOutcome::kInserted);
  EXPECT_EQ(*store->PutIncident(SimpleIncident("I-2"), *import_id), PutOutcome::kDuplicateInImport);
  EXPECT_EQ(*store->PutIncident(SimpleIncident("I-3"), *import_id), PutOutcome::kInserted);
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_EQ(store->Counts()->Of(Collection::kIncidents), 4);
  auto got = store->GetIncident("I-2");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->narrative, awkward.narrative);
  EXPECT_EQ((*got)->location.admin1, awkward.location.admin1);
  EXPECT_EQ((*got)->location.lat, awkward.location.lat);
  auto provenance = store->GetIncidentProvenance("I-3");
  ASSERT_TRUE(provenance.ok() && provenance->has_value());
  EXPECT_EQ((*provenance)->created_by, "ana");
  EXPECT_EQ((*provenance)->last_edited_by, "ana");
}

// Names that an array literal must quote reach fact_names through the
// batched coding of the COPY path intact, and the facts scan gives them back.
TEST_F(PostgresStoreTest, AwkwardNamesSurviveTheBatchedNameCoding) {
  auto store = MustOpen();
  const std::vector<std::string> locations = {
      "Quote \" inside", "back\\slash", "comma, and {braces}", "NULL", "",
      " spaced ",        "tab\there",   "Ünïcode – ✓"};
  ASSERT_TRUE(store->Begin().ok());
  auto import_id = store->StartImport({0, "f.csv", "incidents-csv", "d", "t", 0, 0, "ana"});
  ASSERT_TRUE(import_id.ok());
  for (size_t i = 0; i < locations.size(); ++i) {
    Incident v = SimpleIncident("I-" + std::to_string(10 + i));
    v.location.name = locations[i];
    v.perpetrators = {{"P-\"" + std::to_string(i % 3), Standard::kReasonableGrounds}};
    ASSERT_EQ(*store->PutIncident(v, *import_id), PutOutcome::kInserted);
  }
  ASSERT_TRUE(store->Commit().ok());
  std::vector<std::string> got, parties;
  ASSERT_TRUE(store
                  ->ScanIncidentFacts([&](const IncidentFacts& f) {
                    got.emplace_back(f.location_name);
                    for (const FactAttribution& a : f.perpetrators) parties.emplace_back(a.party);
                    return Status::Ok();
                  })
                  .ok());
  std::vector<std::string> expected = locations;
  std::sort(expected.begin(), expected.end());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, expected);
  std::sort(parties.begin(), parties.end());
  parties.erase(std::unique(parties.begin(), parties.end()), parties.end());
  EXPECT_EQ(parties, (std::vector<std::string>{"P-\"0", "P-\"1", "P-\"2"}));
  auto check = store->IntegrityCheck();
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->find("facts projection"), std::string::npos) << *check;
}

TEST_F(PostgresStoreTest, AFailedCopyFailsTheCommitAndKeepsNothing) {
  auto store = MustOpen();
  ASSERT_TRUE(store->Begin().ok());
  Incident bad = SimpleIncident("I-1");
  // The narrative is not in the facts projection, which would refuse the
  // bytes at once: only the COPY stream carries them.
  bad.narrative = "\xff\xfe not UTF-8";
  ASSERT_TRUE(store->PutIncident(bad, 0).ok());  // buffered in the COPY stream
  Status commit = store->Commit();
  EXPECT_FALSE(commit.ok());
  EXPECT_FALSE(store->InTransaction());
  EXPECT_EQ(store->Counts()->Of(Collection::kIncidents), 0);
  EXPECT_EQ(*store->DataVersion(), 0);
}

TEST_F(PostgresStoreTest, DamagedStoredRecordsAreCorruption) {
  {
    auto store = MustOpen();
    ASSERT_TRUE(store->Begin().ok());
    ASSERT_TRUE(store->Put(Situation{"SIT-A", "A", true}).ok());
    ASSERT_TRUE(store->PutIncident(SimpleIncident("I-1"), 0).ok());
    ASSERT_TRUE(store->Commit().ok());
  }
  Raw("UPDATE situations SET doc = '{\"id\": ' WHERE id = 'SIT-A'");
  Raw("UPDATE incidents SET perpetrators = 'P-1:beyond_doubt' WHERE id = 'I-1'");
  auto store = MustOpen();
  auto registry = store->LoadRegistry();
  EXPECT_EQ(registry.status().code(), StatusCode::kCorruption);
  EXPECT_NE(registry.status().message().find("SIT-A"), std::string::npos);
  auto incident = store->GetIncident("I-1");
  EXPECT_EQ(incident.status().code(), StatusCode::kCorruption);
  EXPECT_NE(incident.status().message().find("beyond_doubt"), std::string::npos);
  EXPECT_EQ(store->ScanIncidents([](const Incident&) { return Status::Ok(); }).code(),
            StatusCode::kCorruption);
  // The assessment reads the facts projection, which the damage did not
  // reach; the integrity check compares the two and names the row.
  EXPECT_TRUE(store->ScanIncidentFacts([](const IncidentFacts&) { return Status::Ok(); }).ok());
  auto check = store->IntegrityCheck();
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_NE(check->find("beyond_doubt"), std::string::npos) << *check;
  // The failed scan left the connection usable.
  EXPECT_TRUE(store->Counts().ok());
}

TEST_F(PostgresStoreTest, BrokenReferencesAreRefusedAtCommitAndFoundByTheCheck) {
  auto store = MustOpen();
  ASSERT_TRUE(store->Begin().ok());
  Party p;
  p.id = "P-1";
  p.name = "P";
  p.situation = "SIT-NOWHERE";
  ASSERT_TRUE(store->Put(p).ok());  // deferred
  Status commit = store->Commit();
  EXPECT_EQ(commit.code(), StatusCode::kConflict);
  EXPECT_NE(commit.message().find("SIT-NOWHERE"), std::string::npos) << commit.message();
  EXPECT_FALSE(store->InTransaction());
  EXPECT_EQ(store->Counts()->Of(Collection::kParties), 0);
  EXPECT_EQ(*store->IntegrityCheck(), "ok");

  // Rows that slipped past the constraints (as with triggers disabled).
  Raw("SET session_replication_role = replica; INSERT INTO parties(id, situation, parent, doc) "
      "VALUES ('P-1', 'SIT-X', NULL, '{}')");
  auto check = store->IntegrityCheck();
  ASSERT_TRUE(check.ok());
  EXPECT_NE(check->find("parties 'P-1': situation 'SIT-X' does not exist in situations"),
            std::string::npos)
      << *check;
}

TEST_F(PostgresStoreTest, ThePoolReusesIdleConnectionsButNeverAnOpenTransaction) {
  auto pool = pg::Pool::For(url_);
  int first_pid = 0;
  {
    auto lease = pool->Acquire();
    ASSERT_TRUE(lease.ok());
    first_pid = PQbackendPID((*lease)->handle());
  }
  {
    auto lease = pool->Acquire();
    ASSERT_TRUE(lease.ok());
    EXPECT_EQ(PQbackendPID((*lease)->handle()), first_pid);
    ASSERT_TRUE((*lease)->Exec("BEGIN").ok());  // given back mid-transaction: closed
  }
  auto lease = pool->Acquire();
  ASSERT_TRUE(lease.ok());
  EXPECT_NE(PQbackendPID((*lease)->handle()), first_pid);
  EXPECT_FALSE((*lease)->InTransactionBlock());
}

TEST_F(PostgresStoreTest, ParametersNeverBecomeSql) {
  auto store = MustOpen();
  ASSERT_TRUE(store->Begin().ok());
  const std::string hostile = "x'); DROP TABLE incidents; --";
  ASSERT_TRUE(store->Put(Situation{"SIT-A", hostile, true}).ok());
  Incident v = SimpleIncident("I-1");
  v.location.name = hostile;
  ASSERT_TRUE(store->PutIncident(v, 0).ok());
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_EQ((*store->GetIncident("I-1"))->location.name, hostile);
  EXPECT_EQ(store->LoadRegistry()->situations[0].name, hostile);
  ASSERT_TRUE(store->PutMeta(hostile, hostile).ok());
  EXPECT_EQ(*store->GetMeta(hostile), std::optional<std::string>(hostile));
  EXPECT_EQ(store->PutMeta("k", std::string("a\0b", 3)).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mara
