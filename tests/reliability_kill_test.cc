// SIGKILL of `mara serve` under write load (docs/reliability.md), on loopback:
// two clients record decisions and issue API tokens as fast as the server
// answers, keeping every write that got a 2xx; the server is killed with
// SIGKILL at a point that changes from round to round; then, with the
// server down, PRAGMA integrity_check must say "ok" and `mara audit verify`
// must pass, and after a restart in place every acknowledged decision must
// be listed with its exact rationale, every acknowledged token must log in,
// and no decision may appear that no client sent. MARA_KILL_ROUNDS sets the
// number of rounds (default 50).
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/temp_dir.h"
#include "serve_harness.h"

namespace mara {
namespace {

using namespace ::mara::testing;  // NOLINT: the harness is this test's vocabulary

const char* kParties[] = {"P-KB",  "P-NLF", "P-QNG", "P-QRM", "P-RNF",
                          "P-TDF", "P-ULA", "P-VAF", "P-VPS"};

std::string IntegrityCheck(const fs::path& db) {
  sqlite3* raw = nullptr;
  std::string result = "cannot open";
  if (sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(raw, "PRAGMA integrity_check", -1, &stmt, nullptr) == SQLITE_OK) {
      result.clear();
      while (sqlite3_step(stmt) == SQLITE_ROW) {
        result += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      }
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(raw);
  return result;
}

int CountOf(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (size_t p = haystack.find(needle); p != std::string::npos;
       p = haystack.find(needle, p + needle.size())) {
    ++n;
  }
  return n;
}

struct Acked {
  std::vector<std::string> decisions;  // rationale markers
  std::vector<std::string> tokens;
  int sent = 0;
};

TEST(ReliabilityKillTest, AcknowledgedWritesSurviveSigkill) {
  const char* env = std::getenv("MARA_KILL_ROUNDS");
  const int rounds = env != nullptr ? std::atoi(env) : 50;
  auto tmp = ScopedTempDir::Create("mara-kill");
  ASSERT_TRUE(tmp.ok());
  const fs::path db = fs::path(tmp->path()) / "office.db";
  ASSERT_EQ(MakeDemoStore(db), "");

  std::atomic<int> next_write{0};
  std::set<std::string> all_acked_decisions;
  std::vector<std::string> all_acked_tokens, last_round_tokens;
  int total_sent = 0, total_acked = 0, killed_mid_load = 0;
  for (int round = 0; round < rounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    ServeProcess server;
    ASSERT_TRUE(server.Start(db, 4)) << server.log();
    const int port = server.port();
    Login op = LogIn(port, "operator", "operator-pass-1");
    ASSERT_TRUE(op.ok());

    // What earlier rounds acknowledged is all there after the restart.
    const HttpAnswer list = Http(port, "GET", "/api/v1/decisions", "", {op.cookie});
    ASSERT_EQ(list.status, 200) << list.body;
    for (const std::string& marker : all_acked_decisions) {
      ASSERT_NE(list.body.find("\"" + marker + "\""), std::string::npos) << marker << " lost";
    }
    // Nothing appears that no client sent: every marker in the store was
    // sent (written before the kill or acknowledged), none twice.
    const int listed = CountOf(list.body, "\"kill-w-");
    ASSERT_GE(listed, static_cast<int>(all_acked_decisions.size()));
    ASSERT_LE(listed, total_sent);
    for (const std::string& token : last_round_tokens) {
      const HttpAnswer who =
          Http(port, "GET", "/api/v1/session", "", {"Authorization: Bearer " + token});
      ASSERT_EQ(who.status, 200) << "acknowledged token lost: " << who.body;
    }

    Acked acked;
    std::mutex mu;
    std::atomic<bool> down{false};
    auto writer = [&](int client) {
      while (!down) {
        const int w = next_write++;
        {
          std::lock_guard<std::mutex> lock(mu);
          ++acked.sent;
        }
        if (w % 5 == 4) {
          const HttpAnswer a = Http(port, "POST", "/api/v1/tokens", "{\"days\": 1}", op.Headers());
          if (a.status == 201) {
            const std::string token = JsonString(a.body, "token");
            if (token.empty()) {
              ADD_FAILURE() << "client " << client << ": 201 without a token: " << a.body;
              down = true;
              continue;
            }
            std::lock_guard<std::mutex> lock(mu);
            acked.tokens.push_back(token);
          } else if (a.status == 0) {
            down = true;
          } else {
            ADD_FAILURE() << "client " << client << ": token answer " << a.status << " " << a.body;
            down = true;
          }
          continue;
        }
        const std::string marker = "kill-w-" + std::to_string(w);
        const std::string body = "{\"party\": \"" + std::string(kParties[w % 9]) +
                                 "\", \"cycle\": " + std::to_string(1000 + w / 9) +
                                 ", \"status\": \"" + (w % 2 ? "listed" : "on_notice") +
                                 "\", \"rationale\": \"" + marker + "\", \"date\": \"2026-01-02\"}";
        const HttpAnswer a = Http(port, "POST", "/api/v1/decisions", body, op.Headers());
        if (a.status == 201) {
          std::lock_guard<std::mutex> lock(mu);
          acked.decisions.push_back(marker);
        } else if (a.status == 0) {
          down = true;  // the kill
        } else {
          ADD_FAILURE() << "client " << client << ": decision answer " << a.status << " " << a.body;
          down = true;
        }
      }
    };
    std::vector<std::thread> clients;
    for (int c = 0; c < 2; ++c) clients.emplace_back(writer, c);
    // A kill point that moves through the write cycle: 30 to 400 ms of load.
    std::this_thread::sleep_for(std::chrono::milliseconds(30 + (round * 53) % 371));
    if (server.Running()) ++killed_mid_load;
    server.Kill(SIGKILL);
    for (std::thread& t : clients) t.join();
    if (HasFailure()) return;

    all_acked_decisions.insert(acked.decisions.begin(), acked.decisions.end());
    all_acked_tokens.insert(all_acked_tokens.end(), acked.tokens.begin(), acked.tokens.end());
    last_round_tokens = acked.tokens;
    total_sent = next_write;
    total_acked += static_cast<int>(acked.decisions.size() + acked.tokens.size());

    // With the server down: the database is whole and the chain verifies.
    ASSERT_EQ(IntegrityCheck(db), "ok");
    const MaraRun verify = RunMara(db, {"audit", "verify"});
    ASSERT_EQ(verify.code, 0) << verify.out << verify.err;
  }
  // A last restart checks the last round's writes.
  ServeProcess server;
  ASSERT_TRUE(server.Start(db, 4)) << server.log();
  Login op = LogIn(server.port(), "operator", "operator-pass-1");
  ASSERT_TRUE(op.ok());
  const HttpAnswer list = Http(server.port(), "GET", "/api/v1/decisions", "", {op.cookie});
  ASSERT_EQ(list.status, 200);
  int lost = 0;
  for (const std::string& marker : all_acked_decisions) {
    if (list.body.find("\"" + marker + "\"") == std::string::npos) ++lost;
  }
  for (const std::string& token : all_acked_tokens) {
    if (Http(server.port(), "GET", "/api/v1/session", "", {"Authorization: Bearer " + token})
            .status != 200) {
      ++lost;
    }
  }
  EXPECT_EQ(lost, 0);
  EXPECT_GE(total_acked, rounds);
  std::printf(
      "[reliability] kill rounds: %d (%d killed under load), writes sent: %d, acknowledged: %d "
      "(%zu decisions, %zu tokens), acknowledged writes lost: %d\n",
      rounds, killed_mid_load, total_sent, total_acked, all_acked_decisions.size(),
      all_acked_tokens.size(), lost);
}

}  // namespace
}  // namespace mara
