// The disclosure suite (tests/disclosure/README.md): every output of Mara —
// each GET route of a real `mara serve`, each report format and edition,
// `case`, `export`, `stats`, `assess`, histories and custody from the real
// `mara` binary — asked as each audience of tests/disclosure/cases/, over a
// record set with a canary string in every confidential field. On SQLite,
// and on PostgreSQL when the test command started a server.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/temp_dir.h"
#include "serve_harness.h"
#include "storage/postgres/test_server.h"

namespace mara {
namespace {

namespace fs = std::filesystem;
using testing::HttpAnswer;
using testing::Login;
using testing::MaraRun;
using testing::ServeProcess;

const fs::path kSuite = fs::path(MARA_SOURCE_DIR) / "tests" / "disclosure";
constexpr const char* kPassword = "disclosure-pass-1";

std::vector<std::string> Words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// The lines of a suite file without comments and blank lines.
std::vector<std::vector<std::string>> Lines(const fs::path& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::vector<std::vector<std::string>> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> words = Words(line);
    if (!words.empty()) out.push_back(std::move(words));
  }
  return out;
}

struct Case {
  std::string file;
  std::string principal;
  std::string role;
  std::vector<std::string> situations;
  std::set<std::string> absent;
  std::set<std::string> present;
};

void ReadRules(const fs::path& path, Case* c) {
  for (const auto& words : Lines(path)) {
    const std::string& kind = words[0];
    if (kind == "principal") {
      ASSERT_GE(words.size(), 3u) << path << ": principal NAME ROLE [SITUATION...]";
      c->principal = words[1];
      c->role = words[2];
      c->situations.assign(words.begin() + 3, words.end());
    } else if (kind == "absent" || kind == "present") {
      for (size_t i = 1; i < words.size(); ++i) {
        (kind == "absent" ? c->absent : c->present).insert(words[i]);
      }
    } else {
      ADD_FAILURE() << path << ": unknown line kind " << kind;
    }
  }
}

std::vector<Case> Cases() {
  std::vector<Case> out;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kSuite / "cases")) {
    if (entry.path().extension() == ".case") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    Case c;
    c.file = f.filename().string();
    ReadRules(kSuite / "common.case", &c);
    ReadRules(f, &c);
    EXPECT_FALSE(c.principal.empty()) << f << " names no principal";
    out.push_back(std::move(c));
  }
  return out;
}

struct Output {
  bool api = false;
  std::string pattern;             // api: the router's pattern
  std::vector<std::string> words;  // api: {path}; cli: the arguments
  std::string Name() const {
    std::string n = api ? "GET" : "mara";
    for (const std::string& w : words) n += " " + w;
    return n;
  }
};

std::vector<Output> Outputs() {
  std::vector<Output> out;
  for (auto& words : Lines(kSuite / "outputs.txt")) {
    Output o;
    o.api = words[0] == "api";
    EXPECT_TRUE(o.api || words[0] == "cli") << "outputs.txt: unknown kind " << words[0];
    if (o.api) {
      EXPECT_EQ(words.size(), 3u) << "outputs.txt: api PATTERN PATH";
      o.pattern = words[1];
      o.words = {words[2]};
    } else {
      o.words.assign(words.begin() + 1, words.end());
    }
    out.push_back(std::move(o));
  }
  return out;
}

// One store with the fixture, its principals, evidence and withdrawals.
class DisclosureSuite {
 public:
  // `db` is a SQLite path inside `dir` or a postgresql:// URL.
  DisclosureSuite(fs::path dir, std::string db) : dir_(std::move(dir)), db_(std::move(db)) {
    global_ = {"--key-file", (dir_ / "mara.keys").string(), "--evidence-dir",
               (dir_ / "evidence").string()};
  }

  MaraRun Run(const std::string& principal, std::vector<std::string> args,
              const std::string& input = "") {
    std::vector<std::string> all = global_;
    all.push_back("--as");
    all.push_back(principal);
    all.insert(all.end(), args.begin(), args.end());
    return testing::RunMaraIn(dir_, db_, all, input);
  }

  // "" or what failed.
  std::string Prepare(const std::vector<Case>& cases) {
    std::vector<std::vector<std::string>> steps = {
        {"init"},
        {"import", (kSuite / "fixture.json").string()},
    };
    for (const auto& step : steps) {
      MaraRun r = Run("operator", step);
      if (r.code != 0) return step[0] + ": " + r.err;
    }
    for (const Case& c : cases) {
      if (c.principal == "operator") continue;
      std::vector<std::string> add = {"user", "add", c.principal, "--role", c.role};
      for (const std::string& s : c.situations) {
        add.push_back("--situation");
        add.push_back(s);
      }
      add.push_back("--password-stdin");
      MaraRun r = Run("operator", add, std::string(kPassword) + "\n");
      if (r.code != 0) return "user add " + c.principal + ": " + r.err;
    }
    MaraRun r = Run("operator", {"user", "passwd", "operator"}, std::string(kPassword) + "\n");
    if (r.code != 0) return "passwd: " + r.err;
    for (const auto& [id, incident, description] :
         {std::tuple{"EV-A", "I-A1", "CANARY-EVIDENCE-A photograph"},
          std::tuple{"EV-WD", "I-WD", "CANARY-WD-EVIDENCE photograph"}}) {
      const fs::path file = dir_ / (std::string(id) + ".txt");
      std::ofstream(file) << "evidence bytes of " << id;
      r = Run("operator", {"evidence", "add", file.string(), "--incident", incident, "--id", id,
                           "--description", description});
      if (r.code != 0) return std::string("evidence add ") + id + ": " + r.err;
    }
    // The monitor of SIT-A records the survivor's withdrawal.
    r = Run("operator", {"user", "add", "withdrawer", "--role", "monitor", "--situation", "SIT-A"});
    if (r.code != 0) return "user add withdrawer: " + r.err;
    r = Run("withdrawer", {"incident", "consent", "I-WD", "withdrawn"});
    if (r.code != 0) return "incident consent: " + r.err;
    // Registry records changed in Mara, so their histories hold the
    // canaries as values before and after.
    const std::vector<std::vector<std::string>> changes = {
        {"registry", "update", "engagement", "--party", "P-A", "--date", "2025-02-11", "--kind",
         "refused", "--note", "CANARY-ENGAGEMENT-NOTE (revised)"},
        {"registry", "update", "statement", "--id", "ST-1", "--text",
         "CANARY-STATEMENT-TEXT (revised)"},
        {"registry", "update", "source", "--id", "S-CONF", "--url",
         "https://canary-conf.example/doc2"},
        {"registry", "update", "party", "--id", "P-A", "--alias", "Front of A"},
        {"registry", "add", "commitment", "--id", "C-A", "--party", "P-A", "--kind", "unilateral",
         "--measure", "M-1:Orders prohibiting sexual violence"},
        {"registry", "add", "designation", "--party", "P-A", "--authority", "Regional Union",
         "--program", "List", "--kind", "sanctions", "--listed-on", "2025-01-01", "--source",
         "S-CONF"},
    };
    for (const auto& change : changes) {
      r = Run("operator", change);
      if (r.code != 0) return change[1] + " " + change[2] + ": " + r.err;
    }
    if (!server_.StartIn(dir_, db_, 2, global_, {})) return "serve: " + server_.log();
    return "";
  }

  // Every GET pattern of the running router (from its OpenAPI document).
  std::set<std::string> GetRoutes() {
    HttpAnswer a = testing::Http(server_.port(), "GET", "/api/v1/openapi.json");
    std::set<std::string> out;
    if (a.status != 200) {
      ADD_FAILURE() << "openapi.json: " << a.status;
      return out;
    }
    nlohmann::json doc = nlohmann::json::parse(a.body);
    for (const auto& [pattern, methods] : doc["paths"].items()) {
      if (methods.contains("get")) out.insert(pattern);
    }
    return out;
  }

  // Runs every output as the case's principal and checks its canaries.
  void Check(const Case& c, const std::vector<Output>& outputs) {
    Login login = testing::LogIn(server_.port(), c.principal, kPassword);
    ASSERT_TRUE(login.ok()) << c.file << ": cannot log in as " << c.principal;
    std::set<std::string> seen;
    int answered = 0;
    for (const Output& o : outputs) {
      std::string body;
      if (o.api) {
        HttpAnswer a = testing::Http(server_.port(), "GET", o.words[0], "", login.Headers());
        ASSERT_NE(a.status, 0) << o.Name();
        ASSERT_LT(a.status, 500) << o.Name() << ": " << a.body;
        if (a.status >= 400) continue;
        body = a.body;
      } else {
        MaraRun r = Run(c.principal, o.words);
        if (r.code != 0) continue;
        body = r.out;
      }
      ++answered;
      for (const std::string& canary : c.absent) {
        EXPECT_EQ(body.find(canary), std::string::npos)
            << c.file << ": " << c.principal << " sees " << canary << " in " << o.Name();
      }
      for (const std::string& canary : c.present) {
        if (body.find(canary) != std::string::npos) seen.insert(canary);
      }
    }
    EXPECT_GT(answered, 0) << c.file;
    for (const std::string& canary : c.present) {
      EXPECT_TRUE(seen.count(canary) > 0)
          << c.file << ": " << c.principal << " sees " << canary << " in no output";
    }
  }

 private:
  fs::path dir_;
  std::string db_;
  std::vector<std::string> global_;
  ServeProcess server_;
};

void RunSuite(const fs::path& dir, const std::string& db) {
  const std::vector<Case> cases = Cases();
  const std::vector<Output> outputs = Outputs();
  ASSERT_FALSE(cases.empty());
  DisclosureSuite suite(dir, db);
  const std::string failed = suite.Prepare(cases);
  ASSERT_EQ(failed, "");
  // A new GET route cannot ship without its rows.
  std::set<std::string> listed;
  for (const Output& o : outputs) {
    if (o.api) listed.insert(o.pattern);
  }
  for (const std::string& pattern : suite.GetRoutes()) {
    EXPECT_TRUE(listed.count(pattern) > 0)
        << "GET " << pattern << " has no line in tests/disclosure/outputs.txt";
  }
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    suite.Check(c, outputs);
  }
}

TEST(DisclosureSuiteTest, EveryOutputAsEveryAudienceOnSqlite) {
  auto dir = ScopedTempDir::Create("mara-disclosure");
  ASSERT_TRUE(dir.ok());
  RunSuite(dir->path(), (fs::path(dir->path()) / "mara.db").string());
}

TEST(DisclosureSuiteTest, EveryOutputAsEveryAudienceOnPostgres) {
  Result<std::string> url = pg::testing::ScratchDatabaseUrl("disclosure-suite");
  if (!url.ok()) GTEST_SKIP() << url.status().ToString();
  auto dir = ScopedTempDir::Create("mara-disclosure-pg");
  ASSERT_TRUE(dir.ok());
  RunSuite(dir->path(), *url);
  (void)pg::testing::DropScratchDatabase("disclosure-suite");
}

}  // namespace
}  // namespace mara
