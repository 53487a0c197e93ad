// Durability: a `mara import` killed with SIGKILL part way leaves the store
// exactly as it was before the import, with a clean integrity check, and the
// same import then runs to completion.
//
// The data set is sized so that the import takes a few seconds on a small
// machine; MARA_DURABILITY_INCIDENTS overrides the size (e.g. for a slower
// machine, where the test reports that the import ended before the kill).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "storage/store.h"

extern char** environ;

namespace mara {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Starts the mara binary with `args`; stdout and stderr go to files in
// `dir`. Returns the child's pid, or -1.
pid_t Spawn(const fs::path& dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv_strings = {MARA_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::string out = (dir / "stdout.txt").string();
  std::string err = (dir / "stderr.txt").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

RunResult RunMara(const fs::path& dir, const std::vector<std::string>& args) {
  RunResult result;
  pid_t pid = Spawn(dir, args);
  if (pid < 0) return result;
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  result.exit_code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  result.out = ReadFile(dir / "stdout.txt");
  result.err = ReadFile(dir / "stderr.txt");
  return result;
}

std::string Describe(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\nstdout: " + r.out + "\nstderr: " + r.err;
}

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};

// PRAGMA integrity_check through the SQLite C API, independent of mara.
std::string IntegrityCheck(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
  std::unique_ptr<sqlite3, SqliteCloser> db(raw);
  if (rc != SQLITE_OK) return std::string("open failed: ") + sqlite3_errstr(rc);
  std::string result;
  auto collect = [](void* out, int columns, char** values, char**) {
    auto* text = static_cast<std::string*>(out);
    for (int i = 0; i < columns; ++i) {
      if (!text->empty()) *text += "\n";
      *text += values[i] ? values[i] : "NULL";
    }
    return 0;
  };
  char* error = nullptr;
  rc = sqlite3_exec(db.get(), "PRAGMA integrity_check", collect, &result, &error);
  if (rc != SQLITE_OK) {
    result = std::string("integrity_check failed: ") + (error ? error : sqlite3_errstr(rc));
    sqlite3_free(error);
  }
  return result;
}

uintmax_t SizeOr0(const fs::path& path) {
  std::error_code ec;
  uintmax_t size = fs::file_size(path, ec);
  return ec ? 0 : size;
}

int64_t IncidentCount(const fs::path& dir, const std::string& db) {
  RunResult r = RunMara(dir, {"--db", db, "stats", "--json"});
  if (r.exit_code != 0) return -1;
  // Stored records, withdrawn ones included: the incident totals of stats
  // leave out incidents whose consent was withdrawn (docs/security.md).
  return nlohmann::json::parse(r.out)["collections"]["incidents"].get<int64_t>();
}

TEST(DurabilityTest, KilledImportLeavesStoreUnchangedAndRerunCompletes) {
  int64_t incidents = 300000;
  if (const char* env = std::getenv("MARA_DURABILITY_INCIDENTS")) incidents = std::atoll(env);
  constexpr int64_t kPreloaded = 2000;
  // Kill once the import has written this much to the WAL (it first reads
  // the file for its digest, so an early kill would test little), or after
  // this long if the store kept its pages in memory until commit.
  constexpr uintmax_t kWalBytes = 8u << 20;
  constexpr auto kKillAfter = std::chrono::seconds(5);

  fs::path dir = fs::temp_directory_path() / ("mara_durability_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string db = (dir / "mara.db").string();
  std::string csv = (dir / "big.csv").string();

  RunResult r = RunMara(dir, {"generate", "--incidents", std::to_string(incidents), "--seed", "11",
                              "--cycles", "6", "--out", csv});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  ASSERT_TRUE(fs::exists(dir / "big.registry.json"));

  // The store before the import: the registry and the first incidents of the
  // same file, which the big import rewrites.
  {
    std::ifstream in(csv, std::ios::binary);
    std::ofstream out(dir / "head.csv", std::ios::binary);
    std::string line;
    for (int64_t i = 0; i <= kPreloaded && std::getline(in, line); ++i) out << line << '\n';
  }
  r = RunMara(dir, {"--db", db, "init"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  r = RunMara(dir, {"--db", db, "import", (dir / "big.registry.json").string()});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  r = RunMara(dir,
              {"--db", db, "import", (dir / "head.csv").string(), "--format", "incidents-csv"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  r = RunMara(dir, {"--db", db, "export", "--out", (dir / "before.json").string()});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  std::string before = ReadFile(dir / "before.json");
  ASSERT_GT(before.size(), 1000u);
  ASSERT_EQ(IncidentCount(dir, db), kPreloaded);

  pid_t pid = Spawn(dir, {"--db", db, "import", csv, "--format", "incidents-csv"});
  ASSERT_GT(pid, 0);
  fs::path wal = db + "-wal";
  auto start = Clock::now();
  uintmax_t wal_at_kill = 0;
  int wstatus = 0;
  bool ended_early = false;
  while (true) {
    if (waitpid(pid, &wstatus, WNOHANG) == pid) {
      ended_early = true;
      break;
    }
    wal_at_kill = SizeOr0(wal);
    if (wal_at_kill >= kWalBytes || Clock::now() - start >= kKillAfter) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!ended_early) {
    kill(pid, SIGKILL);
    waitpid(pid, &wstatus, 0);
  }
  auto killed_after = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  ASSERT_FALSE(ended_early) << "the import of " << incidents << " incidents ended after "
                            << killed_after.count()
                            << " ms, before it could be killed; raise MARA_DURABILITY_INCIDENTS";
  ASSERT_TRUE(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL);
  RecordProperty("killed_after_ms", static_cast<int>(killed_after.count()));
  RecordProperty("wal_bytes_at_kill", static_cast<int>(wal_at_kill));

  EXPECT_EQ(IntegrityCheck(db), "ok");
  r = RunMara(dir, {"--db", db, "export", "--out", (dir / "after_kill.json").string()});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_TRUE(ReadFile(dir / "after_kill.json") == before)
      << "the store changed after an import was killed (" << killed_after.count() << " ms, WAL "
      << wal_at_kill << " bytes)";
  EXPECT_EQ(IncidentCount(dir, db), kPreloaded);

  r = RunMara(dir, {"--db", db, "import", csv, "--format", "incidents-csv"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(IncidentCount(dir, db), incidents);
  EXPECT_EQ(IntegrityCheck(db), "ok");
  fs::remove_all(dir);
}

// `mara serve` holds connections open while it opens more for other
// requests, and people run the CLI on the same store meanwhile. POSIX locks
// belong to the process, so any open and close of the database file outside
// SQLite would drop the locks of the process's open connections; the next
// CLI process to close would then take the store for unused, delete its
// write-ahead log, and every open connection would fail with "disk I/O
// error".
TEST(DurabilityTest, AnotherProcessClosingLeavesTheLogOfAnOpenStoreAlone) {
  fs::path dir = fs::temp_directory_path() / ("mara_locks_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string db = (dir / "mara.db").string();
  RunResult r = RunMara(dir, {"--db", db, "init"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  r = RunMara(dir, {"--db", db, "import", std::string(MARA_SOURCE_DIR) + "/examples/demo.json"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);

  Result<std::unique_ptr<Store>> first = OpenStore(db);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE((*first)->PutMeta("lock_test", "1").ok());
  ASSERT_TRUE((*first)->Counts().ok());
  // A second connection of the same process, as the server opens per request.
  Result<std::unique_ptr<Store>> second = OpenStore(db);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_TRUE((*second)->Counts().ok());

  r = RunMara(dir, {"--db", db, "stats"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_TRUE(fs::exists(db + "-wal")) << "another process removed the log of an open store";
  EXPECT_TRUE(fs::exists(db + "-shm")) << "another process removed the index of an open store";

  Status put = (*first)->PutMeta("lock_test", "2");
  EXPECT_TRUE(put.ok()) << put.ToString();
  Result<std::optional<std::string>> seen = (*second)->GetMeta("lock_test");
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  EXPECT_EQ(seen->value_or(""), "2");
  first->reset();
  second->reset();
  EXPECT_EQ(IntegrityCheck(db), "ok");
  r = RunMara(dir, {"--db", db, "stats"});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace mara
