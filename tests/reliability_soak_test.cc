// Soak (docs/reliability.md): mixed read and write API load on loopback for a
// bounded time (MARA_SOAK_SECONDS, default 30; bench/soak/soak.sh runs 600),
// three clients without pause: lists and filters of incidents, parties,
// stats, single records with their ETag, decisions replaced with If-Match,
// API tokens issued and revoked. Per interval (a sixth of the run) it
// records requests, errors, p50/p99 latency and the server's VmRSS/VmHWM
// from /proc. It fails on any error, on peak RSS growing 10% or more after
// the first interval (the warm-up), or on the p50 of the last interval
// above five times that of the second plus 25 ms (loose, because the test
// command runs other tests beside it; the figures are in the output). MARA_SOAK_OUT names a
// file for the table.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
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

// kB of a /proc/PID/status field ("VmRSS", "VmHWM").
long StatusKb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  }
  return -1;
}

struct Interval {
  std::vector<double> latencies_ms;
  long requests = 0, writes = 0, errors = 0;
  long rss_kb = 0, hwm_kb = 0;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

TEST(ReliabilitySoakTest, MixedLoadKeepsMemoryAndLatencyFlat) {
  const char* env = std::getenv("MARA_SOAK_SECONDS");
  const int seconds = env != nullptr ? std::max(12, std::atoi(env)) : 30;
  constexpr int kIntervals = 6;
  auto tmp = ScopedTempDir::Create("mara-soak");
  ASSERT_TRUE(tmp.ok());
  const fs::path db = fs::path(tmp->path()) / "office.db";
  ASSERT_EQ(MakeDemoStore(db), "");
  ServeProcess server;
  ASSERT_TRUE(server.Start(db, 4)) << server.log();
  const int port = server.port();
  Login op = LogIn(port, "operator", "operator-pass-1");
  ASSERT_TRUE(op.ok());

  std::mutex mu;
  std::vector<Interval> intervals(kIntervals);
  std::atomic<int> current{0};
  std::atomic<bool> stop{false};
  std::vector<std::string> error_samples;
  auto record = [&](double ms, bool ok, bool write, const std::string& what) {
    std::lock_guard<std::mutex> lock(mu);
    Interval& in = intervals[current];
    in.latencies_ms.push_back(ms);
    ++in.requests;
    if (write) ++in.writes;
    if (!ok) {
      ++in.errors;
      if (error_samples.size() < 10) error_samples.push_back(what);
    }
  };
  auto timed = [&](const std::string& method, const std::string& target, const std::string& body,
                   const std::vector<std::string>& headers, bool write) {
    const auto t0 = std::chrono::steady_clock::now();
    HttpAnswer a = Http(port, method, target, body, headers);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    const bool ok = a.status >= 200 && a.status < 300;
    record(ms, ok, write,
           method + " " + target + " -> " + std::to_string(a.status) + " " + a.body.substr(0, 200));
    return a;
  };
  auto client = [&](int c) {
    long i = 0;
    while (!stop) {
      ++i;
      const std::string party = kParties[(i + c) % 9];
      switch (i % 10) {
        case 0:
          timed("GET", "/api/v1/incidents?limit=20&offset=" + std::to_string(i % 40), "",
                {op.cookie}, false);
          break;
        case 1:
          timed("GET", "/api/v1/incidents?q=korv&cycle=2022", "", {op.cookie}, false);
          break;
        case 2:
          timed("GET", "/api/v1/parties?situation=SIT-VAL", "", {op.cookie}, false);
          break;
        case 3:
          timed("GET", "/api/v1/stats", "", {op.cookie}, false);
          break;
        case 4:
          timed("GET", "/api/v1/incidents/I-2022-001", "", {op.cookie}, false);
          break;
        case 5:
          timed("GET", "/api/v1/decisions?party=" + party, "", {op.cookie}, false);
          break;
        case 6:
        case 8: {
          // Replace one of this client's decisions (a fixed set, so the
          // data stays the same size): read its ETag, then write.
          const int cycle = 1100 + c * 100 + static_cast<int>(i % 20);
          const std::string target = "/api/v1/decisions/" + party + "/" + std::to_string(cycle);
          const HttpAnswer cur = Http(port, "GET", target, "", {op.cookie});
          std::vector<std::string> headers = op.Headers();
          if (cur.status == 200) headers.push_back("If-Match: " + cur.header("etag"));
          timed("POST", "/api/v1/decisions",
                "{\"party\": \"" + party + "\", \"cycle\": " + std::to_string(cycle) +
                    ", \"status\": \"" + (i % 4 ? "listed" : "on_notice") +
                    "\", \"rationale\": \"soak " + std::to_string(i) + "\"}",
                headers, true);
          break;
        }
        case 7: {
          if (i % 50 != 7) {
            timed("GET", "/api/v1/findings?party=" + party, "", {op.cookie}, false);
            break;
          }
          const HttpAnswer t = timed("POST", "/api/v1/tokens", "{\"days\": 1}", op.Headers(), true);
          const std::string id = JsonString(t.body, "id");
          if (!id.empty()) timed("DELETE", "/api/v1/tokens/" + id, "", op.Headers(), true);
          break;
        }
        default:
          timed("GET", "/api/v1/session", "", {op.cookie}, false);
      }
    }
  };
  std::vector<std::thread> clients;
  for (int c = 0; c < 3; ++c) clients.emplace_back(client, c);
  const auto interval = std::chrono::milliseconds(seconds * 1000 / kIntervals);
  for (int k = 0; k < kIntervals; ++k) {
    std::this_thread::sleep_for(interval);
    std::lock_guard<std::mutex> lock(mu);
    intervals[k].rss_kb = StatusKb(server.pid(), "VmRSS");
    intervals[k].hwm_kb = StatusKb(server.pid(), "VmHWM");
    if (k + 1 < kIntervals) current = k + 1;
  }
  stop = true;
  for (std::thread& t : clients) t.join();
  ASSERT_TRUE(server.Running()) << server.log();

  std::string table = "interval_end_s,requests,writes,errors,p50_ms,p99_ms,rss_kb,peak_rss_kb\n";
  long errors = 0, requests = 0;
  for (int k = 0; k < kIntervals; ++k) {
    const Interval& in = intervals[k];
    errors += in.errors;
    requests += in.requests;
    char line[200];
    std::snprintf(line, sizeof line, "%d,%ld,%ld,%ld,%.2f,%.2f,%ld,%ld\n",
                  static_cast<int>((k + 1) * interval.count() / 1000), in.requests, in.writes,
                  in.errors, Percentile(in.latencies_ms, 0.5), Percentile(in.latencies_ms, 0.99),
                  in.rss_kb, in.hwm_kb);
    table += line;
  }
  std::printf("[reliability] soak %d s, %ld requests, %ld errors\n%s", seconds, requests, errors,
              table.c_str());
  if (const char* out = std::getenv("MARA_SOAK_OUT")) std::ofstream(out) << table;
  for (const std::string& e : error_samples) ADD_FAILURE() << e;
  EXPECT_EQ(errors, 0);
  const long warm = intervals[0].hwm_kb, peak = intervals[kIntervals - 1].hwm_kb;
  EXPECT_GT(warm, 0);
  EXPECT_LT(static_cast<double>(peak), 1.10 * static_cast<double>(warm))
      << "peak RSS grew from " << warm << " kB to " << peak << " kB";
  const double p50_early = Percentile(intervals[1].latencies_ms, 0.5);
  const double p50_late = Percentile(intervals[kIntervals - 1].latencies_ms, 0.5);
  EXPECT_LT(p50_late, 5 * p50_early + 25) << "p50 went from " << p50_early << " to " << p50_late;
  EXPECT_GT(requests, 100);
}

}  // namespace
}  // namespace mara
