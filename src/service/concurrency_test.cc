// Optimistic concurrency through the service layer: sixteen
// clients, each with its own Session and so its own store connection (what
// several app machines in front of one database do), update the same
// incidents holding the same version. Runs against a real SQLite file and a
// real PostgreSQL server (MARA_TEST_PG_URL, see storage/postgres/test_server.h).
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/temp_dir.h"
#include "service/audit.h"
#include "service/authorized.h"
#include "service/core.h"
#include "service/import.h"
#include "service/incidents.h"
#include "service/session.h"
#include "service/users.h"
#include "storage/postgres/test_server.h"

namespace mara {
namespace {

namespace fs = std::filesystem;

constexpr int kClients = 16;

std::string IncidentJson(const std::string& id) {
  return R"({"id": ")" + id + R"(", "situation": "SIT-A", "date": "2025-01-10",
      "location": {"name": "Town"}, "violations": ["rape"], "victims": {"women": 2},
      "context": "detention", "nexus": ["perpetrator_affiliation"],
      "status": "under_verification",
      "perpetrators": [{"party": "P-1", "standard": "reasonable_grounds"}], "sources": ["S-1"]})";
}

std::string BundleJson() {
  return R"({"format": "mara-bundle/1",
    "situations": [{"id": "SIT-A", "name": "Country A", "on_council_agenda": true}],
    "parties": [{"id": "P-1", "name": "Army of A", "kind": "state", "situation": "SIT-A"}],
    "sources": [{"id": "S-1", "kind": "un_monitoring", "title": "Report", "publisher": "UN",
                 "date": "2025-02-01", "reliability": "B", "credibility": "2",
                 "confidential": false}],
    "incidents": [)" +
         IncidentJson("I-EDIT") + "," + IncidentJson("I-VERIFY") + "]}";
}

std::string Client(const std::string& role, int k) { return role + "-" + std::to_string(k); }

class ConcurrencyTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto dir = ScopedTempDir::Create("mara-concurrency");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    dir_ = std::move(dir).value();
    if (GetParam() == "postgresql") {
      key_ = std::string("concurrency/") +
             ::testing::UnitTest::GetInstance()->current_test_info()->name();
      auto url = pg::testing::ScratchDatabaseUrl(key_);
      ASSERT_TRUE(url.ok()) << url.status().ToString();
      db_ = *url;
    } else {
      db_ = Path("mara.db");
    }
    const std::string bundle = Path("bundle.json");
    std::ofstream(bundle) << BundleJson();
    auto admin = Open("", /*create=*/true);
    ASSERT_TRUE(admin.ok()) << admin.status().ToString();
    auto imported = ImportFile(**admin, bundle, {});
    ASSERT_TRUE(imported.ok()) << imported.status().ToString();
    for (int k = 0; k < kClients; ++k) {
      for (const char* role : {"monitor", "reviewer"}) {
        NewUser u;
        u.name = Client(role, k);
        u.roles = {role};
        u.situations = {"SIT-A"};
        ASSERT_TRUE(AddUser(**admin, u).ok());
      }
    }
    ASSERT_TRUE((*admin)->Finish().ok());
  }

  void TearDown() override {
    if (!key_.empty()) {
      Status dropped = pg::testing::DropScratchDatabase(key_);
      EXPECT_TRUE(dropped.ok()) << dropped.ToString();
    }
  }

  std::string Path(const std::string& name) const {
    return (fs::path(dir_.path()) / name).string();
  }

  Result<std::unique_ptr<Session>> Open(const std::string& principal, bool create = false) {
    SessionOptions o;
    o.db = db_;
    o.key_file = Path("mara.keys");
    o.evidence_dir = Path("evidence");
    o.principal = principal;
    o.create = create;
    return Session::Open(o);
  }

  std::unique_ptr<Session> As(const std::string& principal) {
    auto s = Open(principal);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  // Every audit record about `id` with the given action, in chain order.
  std::vector<security::AuditRecord> AuditOf(const std::string& id, const std::string& action) {
    std::vector<security::AuditRecord> out;
    Status s = As("")->store().ScanAuditRecords([&](const security::AuditRecord& r) {
      if (r.target_id == id && r.action == action) out.push_back(r);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  ScopedTempDir dir_;
  std::string db_;
  std::string key_;  // the scratch database, PostgreSQL only
};

// Round after round, all sixteen monitors read the incident, then each saves
// its own change with the version it read. Per round exactly one wins; the
// others get kConflict and write nothing. The final record is the last
// winner's, and the audit trail is exactly the sequence of winners, each
// edit starting from the record the previous one left.
TEST_P(ConcurrencyTest, SixteenEditorsOneWinnerPerVersionAndNoLostUpdate) {
  constexpr int kRounds = 4;
  std::vector<std::unique_ptr<Session>> sessions;
  for (int k = 0; k < kClients; ++k) {
    sessions.push_back(As(Client("monitor", k)));
    ASSERT_NE(sessions.back(), nullptr);
  }
  const int64_t data_version_before = *As("")->store().DataVersion();
  std::barrier sync(kClients);
  std::vector<std::atomic<int>> wins(kRounds), conflicts(kRounds);
  std::vector<std::string> winner(kRounds);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int k = 0; k < kClients; ++k) {
    threads.emplace_back([&, k] {
      Session& session = *sessions[k];
      for (int round = 0; round < kRounds; ++round) {
        auto read = session.store().GetIncident("I-EDIT");
        if (!read.ok() || !read->has_value()) {
          ++failures;
          ADD_FAILURE() << read.status().ToString();
        }
        sync.arrive_and_wait();  // everybody holds the same version
        if (read.ok() && read->has_value()) {
          Incident change = **read;
          const std::string version = IncidentVersion(change);
          change.location.name = Client("monitor", k) + " round " + std::to_string(round);
          auto saved = SaveIncident(session, change, version);
          if (saved.ok()) {
            winner[round] = change.location.name;
            ++wins[round];
          } else if (saved.status().code() == StatusCode::kConflict) {
            ++conflicts[round];
          } else {
            ++failures;
            ADD_FAILURE() << saved.status().ToString();
          }
        }
        sync.arrive_and_wait();  // the round is over before anybody reads again
      }
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_EQ(failures.load(), 0);
  for (int round = 0; round < kRounds; ++round) {
    EXPECT_EQ(wins[round].load(), 1) << "round " << round;
    EXPECT_EQ(conflicts[round].load(), kClients - 1) << "round " << round;
  }
  sessions.clear();

  auto final_state = As("")->store().GetIncident("I-EDIT");
  ASSERT_TRUE(final_state.ok() && final_state->has_value());
  EXPECT_EQ((*final_state)->location.name, winner[kRounds - 1]);
  // Only the winners wrote: one data change per round.
  EXPECT_EQ(*As("")->store().DataVersion(), data_version_before + kRounds);
  const std::vector<security::AuditRecord> edits = AuditOf("I-EDIT", "incident.edit");
  ASSERT_EQ(edits.size(), static_cast<size_t>(kRounds));
  for (int round = 0; round < kRounds; ++round) {
    EXPECT_EQ(winner[round].rfind(edits[round].principal + " round ", 0), 0u)
        << edits[round].principal << " / " << winner[round];
    if (round > 0) {
      EXPECT_EQ(edits[round].before_digest, edits[round - 1].after_digest);
    }
  }
  EXPECT_EQ(edits.back().after_digest, IncidentVersion(**final_state));
  // A save with a version that is no longer current is refused and changes nothing.
  Incident stale = **final_state;
  stale.location.name = "late";
  EXPECT_EQ(
      SaveIncident(*As(Client("monitor", 0)), stale, edits.front().before_digest).status().code(),
      StatusCode::kConflict);
  EXPECT_EQ((*As("")->store().GetIncident("I-EDIT"))->location.name, winner[kRounds - 1]);

  auto verified = VerifyAudit(*As(""));
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_TRUE(verified->ok()) << verified->ToStatus().ToString();
}

// Sixteen reviewers verify the same incident at once with the version they
// read: one verification is recorded, the others are refused.
TEST_P(ConcurrencyTest, SixteenReviewersVerifyOnce) {
  std::vector<std::unique_ptr<Session>> sessions;
  for (int k = 0; k < kClients; ++k) {
    sessions.push_back(As(Client("reviewer", k)));
    ASSERT_NE(sessions.back(), nullptr);
  }
  auto read = As("")->store().GetIncident("I-VERIFY");
  ASSERT_TRUE(read.ok() && read->has_value());
  const std::string version = IncidentVersion(**read);
  std::barrier sync(kClients);
  std::atomic<int> wins{0}, conflicts{0}, failures{0};
  std::atomic<int> winner{-1};
  std::vector<std::thread> threads;
  for (int k = 0; k < kClients; ++k) {
    threads.emplace_back([&, k] {
      sync.arrive_and_wait();
      Status s = VerifyIncident(*sessions[k], "I-VERIFY", Date::FromYmd(2025, 3, k + 1), version);
      if (s.ok()) {
        ++wins;
        winner = k;
      } else if (s.code() == StatusCode::kConflict) {
        ++conflicts;
      } else {
        ++failures;
        ADD_FAILURE() << s.ToString();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  sessions.clear();
  ASSERT_EQ(failures.load(), 0);
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(conflicts.load(), kClients - 1);
  ASSERT_GE(winner.load(), 0);
  auto after = As("")->store().GetIncident("I-VERIFY");
  ASSERT_TRUE(after.ok() && after->has_value());
  EXPECT_EQ((*after)->status, IncidentStatus::kVerified);
  EXPECT_EQ((*after)->verified_on, Date::FromYmd(2025, 3, winner.load() + 1));
  const std::vector<security::AuditRecord> verifications = AuditOf("I-VERIFY", "incident.verify");
  ASSERT_EQ(verifications.size(), 1u);
  EXPECT_EQ(verifications[0].principal, Client("reviewer", winner.load()));
  EXPECT_EQ(verifications[0].before_digest, version);
  auto verified = VerifyAudit(*As(""));
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_TRUE(verified->ok()) << verified->ToStatus().ToString();
}

// Sixteen monitors recording new incidents at once without ids get sixteen
// distinct ids, the numbers of the year in a row; an id an import already
// holds is skipped, and a refused record takes no number.
TEST_P(ConcurrencyTest, SixteenNewIncidentsGetDistinctGeneratedIds) {
  {
    auto admin = As("");
    ASSERT_NE(admin, nullptr);
    const std::string bundle = Path("taken.json");
    std::ofstream(bundle) << R"({"format": "mara-bundle/1", "incidents": [)" +
                                 IncidentJson("I-2025-000002") + "]}";
    auto imported = ImportFile(*admin, bundle, {});
    ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  }
  Incident proposed;
  ASSERT_TRUE(FromJson(Json::parse(IncidentJson("I-X")), &proposed).ok());
  proposed.id.clear();
  {
    // Refused: not a monitor, or a record the rules refuse, or an id given.
    auto reviewer = As(Client("reviewer", 0));
    EXPECT_EQ(SaveNewIncident(*reviewer, proposed).status().code(), StatusCode::kPermissionDenied);
    Incident bad = proposed;
    bad.location.name.clear();
    auto monitor = As(Client("monitor", 0));
    Result<std::string> refused = SaveNewIncident(*monitor, bad);
    EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(refused.status().message().find("new incident /location/name"), std::string::npos)
        << refused.status().ToString();
    Incident named = proposed;
    named.id = "I-MINE";
    EXPECT_EQ(SaveNewIncident(*monitor, named).status().code(), StatusCode::kInvalidArgument);
  }
  std::vector<std::unique_ptr<Session>> sessions;
  for (int k = 0; k < kClients; ++k) {
    sessions.push_back(As(Client("monitor", k)));
    ASSERT_NE(sessions.back(), nullptr);
  }
  std::barrier sync(kClients);
  std::vector<std::string> ids(kClients);
  std::vector<std::thread> threads;
  for (int k = 0; k < kClients; ++k) {
    threads.emplace_back([&, k] {
      sync.arrive_and_wait();
      Result<std::string> id = SaveNewIncident(*sessions[k], proposed);
      if (id.ok()) {
        ids[k] = *id;
      } else {
        ADD_FAILURE() << id.status().ToString();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  sessions.clear();
  std::set<std::string> distinct(ids.begin(), ids.end());
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kClients));
  // 1, then 3 onwards: 2 was imported.
  std::set<std::string> expected = {"I-2025-000001"};
  for (int n = 3; n < 3 + kClients - 1; ++n) {
    expected.insert("I-2025-" + std::string(6 - std::to_string(n).size(), '0') + std::to_string(n));
  }
  EXPECT_EQ(distinct, expected);
  for (const std::string& id : ids) {
    EXPECT_EQ(AuditOf(id, "incident.create").size(), 1u) << id;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ConcurrencyTest, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace mara
