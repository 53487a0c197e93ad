// End-to-end tests of the `mara` binary: every bad input of the core issue
// through `mara import`, and the happy paths of init, import, export,
// generate and stats, on real SQLite files in temporary directories.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace mara {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

// Runs the mara binary with `args`, stdin from /dev/null and stdout/stderr
// captured through files in `dir` (pipes could fill up and deadlock).
RunResult RunMara(const fs::path& dir, const std::vector<std::string>& args) {
  fs::path out_path = dir / "stdout.txt";
  fs::path err_path = dir / "stderr.txt";
  std::vector<std::string> argv_strings = {MARA_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  pid_t pid = 0;
  RunResult result;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    result.err = "posix_spawn failed: " + std::to_string(rc);
    return result;
  }
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  result.exit_code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  return result;
}

std::string Describe(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\nstdout: " + r.out.substr(0, 2000) +
         "\nstderr: " + r.err.substr(0, 2000);
}

constexpr char kRegistry[] = R"({
  "format": "mara-bundle/1",
  "situations": [{"id": "SIT-A", "name": "Country A", "on_council_agenda": true},
                 {"id": "SIT-B", "name": "Country B", "on_council_agenda": false}],
  "parties": [{"id": "P-1", "name": "Army of A", "aliases": ["AA"], "kind": "state",
               "situation": "SIT-A"},
              {"id": "P-2", "name": "Movement of B", "aliases": [], "kind": "non_state",
               "situation": "SIT-B"}],
  "sources": [{"id": "S-1", "kind": "ngo", "title": "Field report", "publisher": "Watch",
               "date": "2025-02-01", "reliability": "B", "credibility": "2",
               "confidential": false},
              {"id": "S-2", "kind": "un_monitoring", "title": "Monitoring note",
               "publisher": "Field office", "date": "2025-03-01", "reliability": "A",
               "credibility": "1", "confidential": true}]
}
)";

constexpr char kHeader[] =
    "id,situation,date,date_precision,location,admin1,lat,lon,violations,women,girls,men,boys,"
    "unknown,context,nexus,status,verified_on,perpetrators,sources,narrative,consent";

// The fields of one valid CSV incident, by column name, so a case can break
// exactly one of them.
struct Row {
  std::vector<std::pair<std::string, std::string>> cells = {
      {"id", "I-1"},
      {"situation", "SIT-A"},
      {"date", "2025-01-10"},
      {"date_precision", "day"},
      {"location", "Town X"},
      {"admin1", "North"},
      {"lat", "1.5"},
      {"lon", "30.2"},
      {"violations", "rape;sexual_slavery"},
      {"women", "2"},
      {"girls", "1"},
      {"men", "0"},
      {"boys", "0"},
      {"unknown", "0"},
      {"context", "detention"},
      {"nexus", "perpetrator_affiliation"},
      {"status", "verified"},
      {"verified_on", "2025-03-01"},
      {"perpetrators", "P-1:reasonable_grounds"},
      {"sources", "S-1"},
      {"narrative", ""},
      {"consent", "aggregate_reporting"},
  };
  explicit Row(std::string id) { cells[0].second = std::move(id); }
  Row& Set(const std::string& column, std::string value) {
    for (auto& [name, cell] : cells) {
      if (name == column) cell = std::move(value);
    }
    return *this;
  }
  std::string Line() const {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) line += ',';
      line += cells[i].second;
    }
    return line;
  }
};

std::string Csv(const std::vector<std::string>& lines, const std::string& eol = "\n") {
  std::string out = std::string(kHeader) + eol;
  for (const std::string& l : lines) out += l + eol;
  return out;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("MARA_DB");
    dir_ = fs::temp_directory_path() /
           ("mara_cli_e2e_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "mara.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  RunResult Mara(std::vector<std::string> args) { return RunMara(dir_, args); }
  RunResult MaraDb(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db_});
    return RunMara(dir_, args);
  }
  std::string Path(const std::string& name) { return (dir_ / name).string(); }

  // A store holding the registry and two incidents, and its export.
  void Seed() {
    WriteFile(Path("registry.json"), kRegistry);
    WriteFile(Path("base.csv"),
              Csv({Row("I-1").Line(), Row("I-2")
                                          .Set("date", "2024-06-02")
                                          .Set("location", "Town Y")
                                          .Set("perpetrators", "P-2:credible_information")
                                          .Set("situation", "SIT-B")
                                          .Set("status", "under_verification")
                                          .Line()}));
    RunResult r = MaraDb({"init"});
    ASSERT_EQ(r.exit_code, 0) << Describe(r);
    r = MaraDb({"import", Path("registry.json")});
    ASSERT_EQ(r.exit_code, 0) << Describe(r);
    r = MaraDb({"import", Path("base.csv"), "--format", "incidents-csv"});
    ASSERT_EQ(r.exit_code, 0) << Describe(r);
    baseline_ = Export();
    ASSERT_THAT(baseline_, HasSubstr("\"I-2\""));
  }

  std::string Export(const std::string& format = "bundle") {
    RunResult r = MaraDb({"export", "--format", format});
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    return r.out;
  }

  // Imports `bytes` as `name`; expects a refusal on exactly one stderr line
  // naming the file, the record (`record_regex`) and the field
  // (`field_regex`), and the store unchanged.
  void ExpectRejected(const std::string& name, const std::string& bytes,
                      const std::string& record_regex, const std::string& field_regex,
                      const std::string& format = "") {
    WriteFile(Path(name), bytes);
    std::vector<std::string> args = {"import", Path(name)};
    if (!format.empty()) args.insert(args.end(), {"--format", format});
    RunResult r = MaraDb(args);
    EXPECT_NE(r.exit_code, 0) << Describe(r);
    ExpectOneLineNaming(r, name, record_regex, field_regex);
    EXPECT_EQ(Export(), baseline_) << "the store changed after a refused import of " << name;
    EXPECT_FALSE(fs::exists(Path(name) + ".rejects.csv"));
  }

  static void ExpectOneLineNaming(const RunResult& r, const std::string& name,
                                  const std::string& record_regex, const std::string& field_regex) {
    ASSERT_FALSE(r.err.empty()) << Describe(r);
    EXPECT_EQ(r.err.back(), '\n') << Describe(r);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << Describe(r);
    EXPECT_LT(r.err.size(), 1000u) << "an error line must stay readable";
    EXPECT_THAT(r.err, HasSubstr(name)) << "the file";
    EXPECT_TRUE(std::regex_search(r.err, std::regex(record_regex)))
        << "the record /" << record_regex << "/ in: " << r.err;
    EXPECT_TRUE(std::regex_search(r.err, std::regex(field_regex)))
        << "the field /" << field_regex << "/ in: " << r.err;
  }

  // "line 3", "bad.csv:3:" or "bad.csv:3 " all name line 3.
  static std::string LineRe(int line) {
    return "(line " + std::to_string(line) + "\\b|:" + std::to_string(line) + "\\b)";
  }

  fs::path dir_;
  std::string db_;
  std::string baseline_;
};

// ---- Bad input: the incidents CSV -------------------------------------------

TEST_F(CliTest, DigestOfTheStoreAndOfItsExportAgree) {
  Seed();
  RunResult store = MaraDb({"digest"});
  ASSERT_EQ(store.exit_code, 0) << Describe(store);
  ASSERT_TRUE(std::regex_match(store.out, std::regex("[0-9a-f]{64}\n"))) << store.out;
  WriteFile(Path("export.json"), baseline_);
  RunResult file = Mara({"digest", "--bundle", Path("export.json")});
  ASSERT_EQ(file.exit_code, 0) << Describe(file);
  EXPECT_EQ(file.out, store.out);
  // The assessment cites the same digest.
  RunResult assessed = MaraDb({"assess", "--cycle", "2024", "--json"});
  ASSERT_EQ(assessed.exit_code, 0) << Describe(assessed);
  EXPECT_THAT(assessed.out, HasSubstr(store.out.substr(0, 64)));
  // A change moves it; the export of the changed store follows.
  WriteFile(Path("more.csv"), Csv({Row("I-3").Set("date", "2024-07-01").Line()}));
  ASSERT_EQ(MaraDb({"import", Path("more.csv"), "--format", "incidents-csv"}).exit_code, 0);
  RunResult changed = MaraDb({"digest"});
  EXPECT_NE(changed.out, store.out);
  WriteFile(Path("export2.json"), Export());
  EXPECT_EQ(Mara({"digest", "--bundle", Path("export2.json")}).out, changed.out);
  // A file that is not a bundle is named with the record at fault.
  WriteFile(Path("bad.json"), R"({"format": "mara-bundle/1", "parties": [{"id": 1}]})");
  RunResult bad = Mara({"digest", "--bundle", Path("bad.json")});
  EXPECT_NE(bad.exit_code, 0);
  ExpectOneLineNaming(bad, "bad.json", "/parties/0", "id");
}

TEST_F(CliTest, WrongColumnCount) {
  Seed();
  std::string short_row = Row("I-3").Line();
  short_row = short_row.substr(0, short_row.rfind(','));  // 21 fields instead of 22
  ExpectRejected("columns.csv", Csv({Row("I-3").Line(), short_row}), LineRe(3), "(column|field)s?",
                 "incidents-csv");
}

TEST_F(CliTest, InvalidUtf8) {
  Seed();
  ExpectRejected("utf8.csv", Csv({Row("I-3").Set("location", "Town \xff\xfe").Line()}), LineRe(2),
                 "location", "incidents-csv");
}

TEST_F(CliTest, ByteOrderMarkKeepsLineNumbers) {
  Seed();
  ExpectRejected(
      "bom.csv",
      "\xEF\xBB\xBF" + Csv({Row("I-3").Line(), Row("I-4").Set("date", "2025-13-01").Line()}),
      LineRe(3), "date", "incidents-csv");
}

TEST_F(CliTest, CrlfKeepsLineNumbers) {
  Seed();
  ExpectRejected("crlf.csv",
                 Csv({Row("I-3").Line(), Row("I-4").Set("status", "confirmed").Line()}, "\r\n"),
                 LineRe(3), "status", "incidents-csv");
}

TEST_F(CliTest, QuotedNewlinesKeepLineNumbers) {
  Seed();
  // The narrative spans lines 2-4, so the bad record starts on line 5.
  ExpectRejected("quoted.csv",
                 Csv({Row("I-3").Set("narrative", "\"one\ntwo, \"\"three\"\"\nfour\"").Line(),
                      Row("I-4").Set("consent", "everyone").Line()}),
                 LineRe(5), "consent", "incidents-csv");
}

TEST_F(CliTest, FiftyMegabyteField) {
  Seed();
  std::string huge(50u << 20, 'a');
  ExpectRejected("huge.csv", Csv({Row("I-3").Set("narrative", huge).Line()}), LineRe(2),
                 "narrative", "incidents-csv");
}

TEST_F(CliTest, UnterminatedQuoteAtEndOfFile) {
  Seed();
  // The narrative of line 3 opens a quote that swallows the rest of the file.
  std::string csv =
      Csv({Row("I-3").Line()}) + Row("I-4").Set("narrative", "\"never closed\nstill going").Line();
  ExpectRejected("unterminated.csv", csv, LineRe(3), "(quote|narrative)", "incidents-csv");
}

TEST_F(CliTest, UnknownEnumValue) {
  Seed();
  ExpectRejected("enum.csv", Csv({Row("I-3").Set("violations", "rape;looting").Line()}), LineRe(2),
                 "violations", "incidents-csv");
}

TEST_F(CliTest, ImpossibleDate) {
  Seed();
  ExpectRejected("date.csv", Csv({Row("I-3").Set("date", "2025-02-30").Line()}), LineRe(2), "date",
                 "incidents-csv");
}

// Dates after today (the machine's clock; 2999 stays ahead of it) are refused
// everywhere a date comes in, and cycles after the current year are neither
// assessed, reported nor decided.
TEST_F(CliTest, DatesAndCyclesAfterTodayAreRefused) {
  Seed();
  ExpectRejected("future.csv", Csv({Row("I-3").Set("date", "2999-01-05").Line()}), LineRe(2),
                 "'date': 2999-01-05 is after today \\([0-9]{4}-[0-9]{2}-[0-9]{2}\\)",
                 "incidents-csv");
  ExpectRejected("future.json",
                 R"({"format": "mara-bundle/1", "engagements": [{"party": "P-1",
                    "date": "2999-02-01", "kind": "contact"}]})",
                 "/engagements/0", "/date: 2999-02-01 is after today");
  RunResult r = MaraDb({"assess", "--cycle", "2999"});
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("cycle 2999 is after the current year"));
  r = MaraDb({"report", "--cycle", "2999", "--format", "md", "--out", "-"});
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("cycle 2999 is after the current year"));
  r = MaraDb({"case", "--party", "P-1", "--cycle", "2999"});
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  r = MaraDb({"decide", "--party", "P-1", "--cycle", "2025", "--status", "listed", "--rationale",
              "Pattern", "--date", "2999-01-01"});
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("--date: 2999-01-01 is after today"));
  r = MaraDb({"petition", "file", "--party", "P-1", "--grounds", "g", "--filed", "2999-01-01"});
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("--filed: 2999-01-01 is after today"));
  EXPECT_EQ(Export(), baseline_);
}

TEST_F(CliTest, CommunicationsAreSubmittedFollowedRuledAndListed) {
  Seed();
  WriteFile(dir_ / "list.txt", "names of the witnesses");
  RunResult r = MaraDb({"communication", "submit", "--kind", "listing_request", "--submitter-kind",
                        "ngo", "--submitter", "Delta Watch", "--text", "Abductions"});
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("party: a listing or delisting request must name the party"));
  r = MaraDb({"communication", "submit", "--kind", "rumour", "--submitter-kind", "ngo",
              "--submitter", "Delta Watch", "--text", "Abductions"});
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("--kind: unknown value 'rumour'"));
  r = MaraDb({"communication", "submit", "--kind", "listing_request", "--party", "P-1",
              "--submitter-kind", "survivors_organisation", "--submitter", "Delta Watch", "--text",
              "Abductions near the camps", "--attach", Path("list.txt")});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("communication (COM-[0-9]{4}-0001)")))
      << r.out;
  const std::string id = m[1];
  EXPECT_THAT(r.out, HasSubstr("(1 attachment)"));
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("shown once[^:]*: ([0-9a-f]{64})"))) << r.out;
  const std::string token = m[1];

  r = MaraDb({"communication", "status", token});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("\"status\": \"received\""));
  EXPECT_THAT(r.out, Not(HasSubstr("Abductions")));
  EXPECT_THAT(r.out, Not(HasSubstr("Delta Watch")));
  r = MaraDb({"communication", "status", std::string(64, 'a')});
  EXPECT_EQ(r.exit_code, 3) << Describe(r);

  r = MaraDb({"communication", "rule", id, "--status", "declined"});
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("--reason: a ruling needs its reasons"));
  r = MaraDb({"communication", "rule", id, "--status", "declined", "--reason", "Out of scope."});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr(id + ": declined"));
  r = MaraDb({"communication", "rule", id, "--status", "accepted", "--reason", "Changed."});
  EXPECT_EQ(r.exit_code, 4) << Describe(r);

  r = MaraDb({"communication", "status", token});
  EXPECT_THAT(r.out, HasSubstr("\"reason\": \"Out of scope.\""));
  r = MaraDb({"communication", "list"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("Delta Watch (survivors_organisation)"));
  EXPECT_THAT(r.out, HasSubstr("declined"));
  EXPECT_THAT(Export(), HasSubstr("\"communications\":["));

  r = MaraDb({"petition", "file", "--party", "P-1", "--grounds", "Disbanded."});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  r = MaraDb({"petition", "list", "--party", "P-1"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("P-1  filed "));
  EXPECT_THAT(r.out, HasSubstr("pending"));
}

TEST_F(CliTest, NegativeCount) {
  Seed();
  ExpectRejected("negative.csv", Csv({Row("I-3").Set("girls", "-2").Line()}), LineRe(2), "girls",
                 "incidents-csv");
}

TEST_F(CliTest, DuplicateIdWithinFile) {
  Seed();
  ExpectRejected("duplicate.csv", Csv({Row("I-7").Line(), Row("I-7").Line()}), LineRe(3), "id",
                 "incidents-csv");
}

TEST_F(CliTest, UnknownParty) {
  Seed();
  ExpectRejected("party.csv",
                 Csv({Row("I-3").Set("perpetrators", "P-404:reasonable_grounds").Line()}),
                 LineRe(2), "perpetrators", "incidents-csv");
}

TEST_F(CliTest, UnknownSituation) {
  Seed();
  ExpectRejected("situation.csv", Csv({Row("I-3").Set("situation", "SIT-Z").Line()}), LineRe(2),
                 "situation", "incidents-csv");
}

TEST_F(CliTest, UnknownSource) {
  Seed();
  ExpectRejected("source.csv", Csv({Row("I-3").Set("sources", "S-1;S-404").Line()}), LineRe(2),
                 "sources", "incidents-csv");
}

TEST_F(CliTest, EmptyCsvFile) {
  Seed();
  ExpectRejected("empty.csv", "", "(empty|line 1\\b|:1\\b)", "(empty|header)", "incidents-csv");
}

// ---- Bad input: bundles ------------------------------------------------------

TEST_F(CliTest, TruncatedJson) {
  Seed();
  std::string text = kRegistry;
  ExpectRejected("truncated.json", text.substr(0, text.size() / 2),
                 "(line \\d+|byte \\d+|offset \\d+|:\\d+)", "(end of|truncated|unexpected)");
}

TEST_F(CliTest, WrongJsonTypes) {
  Seed();
  std::string bundle = R"({"format": "mara-bundle/1", "situations": [
    {"id": "SIT-C", "name": "Country C", "on_council_agenda": true},
    {"id": "SIT-D", "name": "Country D", "on_council_agenda": "yes"}]})";
  ExpectRejected("types.json", bundle, "/situations/1", "on_council_agenda");
}

TEST_F(CliTest, WrongJsonTypeDeepInARecord) {
  Seed();
  std::string bundle = R"({"format": "mara-bundle/1", "incidents": [{"id": "I-3",
    "situation": "SIT-A", "date": "2025-01-10", "date_precision": "day",
    "location": {"name": "Town X"}, "violations": ["rape"], "victims": {"women": "two"},
    "context": "attack", "nexus": ["victim_profile"], "status": "verified",
    "perpetrators": [{"party": "P-1", "standard": "reasonable_grounds"}], "sources": ["S-1"]}]})";
  ExpectRejected("victims.json", bundle, "/incidents/0", "victims/women");
}

TEST_F(CliTest, UnknownReferenceInBundle) {
  Seed();
  std::string bundle = R"({"format": "mara-bundle/1", "parties": [
    {"id": "P-9", "name": "Unit 9", "aliases": [], "kind": "state", "situation": "SIT-A",
     "parent": "P-404"}]})";
  ExpectRejected("parent.json", bundle, "/parties/0", "parent");
}

TEST_F(CliTest, JsonNested100000Deep) {
  Seed();
  std::string deep = R"({"format": "mara-bundle/1", "incidents": )";
  deep += std::string(100000, '[') + std::string(100000, ']') + "}";
  ExpectRejected("deep.json", deep, "(line \\d+|byte \\d+|offset \\d+|:\\d+|/incidents)",
                 "(depth|deep|nest|incidents)");
}

TEST_F(CliTest, EmptyJsonFile) {
  Seed();
  ExpectRejected("empty.json", "", "(empty|line 1\\b|byte 0\\b|:1\\b)", "(empty|document)");
}

TEST_F(CliTest, MissingFile) {
  Seed();
  RunResult r = MaraDb({"import", Path("absent.json")});
  EXPECT_NE(r.exit_code, 0);
  ExpectOneLineNaming(r, "absent.json", "absent\\.json", "(no such|not found|does not exist)");
  EXPECT_EQ(Export(), baseline_);
}

// ---- Happy paths ------------------------------------------------------------

TEST_F(CliTest, HelpOnEveryCommand) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{{"--help"},
                                                                             {"init", "--help"},
                                                                             {"import", "--help"},
                                                                             {"export", "--help"},
                                                                             {"generate", "--help"},
                                                                             {"stats", "--help"}}) {
    RunResult r = Mara(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << ": " << Describe(r);
    EXPECT_THAT(r.out, HasSubstr("Usage")) << args[0];
    if (args.size() == 2) {
      EXPECT_THAT(r.out, HasSubstr("mara " + args[0])) << args[0];
    }
  }
  EXPECT_FALSE(fs::exists(db_)) << "--help must not create a database";
}

TEST_F(CliTest, InitCreatesTheStoreAndSaysWhere) {
  RunResult r = MaraDb({"init"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_TRUE(fs::exists(db_));
  EXPECT_THAT(r.out, HasSubstr(db_));
  r = MaraDb({"init"});
  EXPECT_EQ(r.exit_code, 0) << "init is idempotent: " << Describe(r);
  EXPECT_THAT(Export(), HasSubstr("mara-bundle/1"));
}

TEST_F(CliTest, ReadingCommandsDoNotCreateAMistypedDatabase) {
  for (std::vector<std::string> args :
       std::vector<std::vector<std::string>>{{"stats"}, {"stats", "--json"}, {"export"}}) {
    RunResult r = MaraDb(args);
    EXPECT_NE(r.exit_code, 0) << args[0];
    ExpectOneLineNaming(r, "mara.db", "mara\\.db", "(no such|not found|does not exist)");
    EXPECT_FALSE(fs::exists(db_)) << args[0];
  }
}

TEST_F(CliTest, ImportSummaryAndIdempotentReimport) {
  Seed();
  RunResult r = MaraDb({"import", Path("base.csv"), "--format", "incidents-csv"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("incidents"));
  EXPECT_THAT(r.out, HasSubstr("updated"));
  EXPECT_EQ(Export(), baseline_) << "re-importing the same records changes nothing";
  WriteFile(Path("more.csv"), Csv({Row("I-3").Line()}));
  r = MaraDb({"import", Path("more.csv"), "--format", "incidents-csv"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("inserted"));
  r = MaraDb({"stats", "--json"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  auto stats = nlohmann::json::parse(r.out);
  EXPECT_EQ(stats["incidents"]["total"], 3);
  EXPECT_EQ(stats["collections"]["parties"], 2);
}

TEST_F(CliTest, BomCrlfAndQuotedNewlinesImport) {
  Seed();
  std::string csv =
      "\xEF\xBB\xBF" +
      Csv({Row("I-5").Set("narrative", "\"first line\r\nsecond, \"\"quoted\"\" line\"").Line()},
          "\r\n");
  WriteFile(Path("features.csv"), csv);
  RunResult r = MaraDb({"import", Path("features.csv"), "--format", "incidents-csv"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  auto bundle = nlohmann::json::parse(Export());
  bool found = false;
  for (const auto& incident : bundle["incidents"]) {
    if (incident["id"] == "I-5") {
      found = true;
      std::string narrative = incident["narrative"];
      EXPECT_THAT(narrative, HasSubstr("first line"));
      EXPECT_THAT(narrative, HasSubstr("second, \"quoted\" line"));
      EXPECT_THAT(narrative, HasSubstr("\n"));
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(CliTest, ExportImportExportIsByteIdentical) {
  Seed();
  std::string csv_export = Export("incidents-csv");
  ASSERT_THAT(csv_export, HasSubstr("I-2"));
  WriteFile(Path("export.json"), baseline_);
  WriteFile(Path("export.csv"), csv_export);

  std::string fresh = Path("fresh.db");
  RunResult r = Mara({"--db", fresh, "import", Path("export.json")});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  r = Mara({"--db", fresh, "export"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(r.out, baseline_);

  // The CSV carries incidents only: the registry comes first.
  std::string fresh_csv = Path("fresh_csv.db");
  ASSERT_EQ(Mara({"--db", fresh_csv, "import", Path("registry.json")}).exit_code, 0);
  r = Mara({"--db", fresh_csv, "import", Path("export.csv"), "--format", "incidents-csv"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  r = Mara({"--db", fresh_csv, "export", "--format", "incidents-csv"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(r.out, csv_export);

  // --out writes the same bytes to a file and nothing to stdout.
  r = MaraDb({"export", "--out", Path("out.json")});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(ReadFile(Path("out.json")), baseline_);
}

TEST_F(CliTest, SkipInvalidWritesRejectsFile) {
  Seed();
  WriteFile(Path("mixed.csv"),
            Csv({Row("I-3").Line(), Row("I-4").Set("date", "2025-02-30").Line(), Row("I-5").Line(),
                 Row("I-6").Set("perpetrators", "P-404:reasonable_grounds").Line()}));
  RunResult r = MaraDb({"import", Path("mixed.csv"), "--format", "incidents-csv"});
  EXPECT_NE(r.exit_code, 0) << "atomic by default: " << Describe(r);
  EXPECT_EQ(Export(), baseline_);

  r = MaraDb({"import", Path("mixed.csv"), "--format", "incidents-csv", "--skip-invalid"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  fs::path rejects = Path("mixed.csv") + ".rejects.csv";
  ASSERT_TRUE(fs::exists(rejects));
  EXPECT_THAT(r.out, HasSubstr("mixed.csv.rejects.csv"));
  EXPECT_THAT(r.out, HasSubstr("rejected"));
  std::string text = ReadFile(rejects);
  EXPECT_THAT(text, HasSubstr("I-4"));
  EXPECT_THAT(text, HasSubstr("date"));
  EXPECT_THAT(text, HasSubstr("I-6"));
  EXPECT_THAT(text, HasSubstr("perpetrators"));
  EXPECT_THAT(text, Not(HasSubstr("I-5,")));
  auto stats = nlohmann::json::parse(MaraDb({"stats", "--json"}).out);
  EXPECT_EQ(stats["incidents"]["total"], 4);
}

TEST_F(CliTest, StatsTextAndJson) {
  Seed();
  RunResult r = MaraDb({"stats"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("Incidents per cycle"));
  EXPECT_THAT(r.out, HasSubstr("SIT-B (Country B)"));
  r = MaraDb({"stats", "--json"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  auto stats = nlohmann::json::parse(r.out);
  EXPECT_EQ(stats["incidents"]["by_cycle"]["2024"], 1);
  EXPECT_EQ(stats["incidents"]["by_cycle"]["2025"], 1);
  EXPECT_EQ(stats["incidents"]["by_status"]["under_verification"], 1);
  EXPECT_EQ(stats["incidents"]["by_violation"]["sexual_slavery"], 2);
  EXPECT_EQ(stats["incidents"]["by_situation"]["SIT-A"], 1);
  EXPECT_EQ(stats["collections"]["sources"], 2);
}

TEST_F(CliTest, GenerateIsDeterministicAndImports) {
  for (const char* name : {"a.json", "b.json"}) {
    RunResult r = Mara({"generate", "--incidents", "40", "--parties", "8", "--cycles", "3",
                        "--seed", "7", "--first-cycle", "2022", "--out", Path(name)});
    ASSERT_EQ(r.exit_code, 0) << Describe(r);
  }
  EXPECT_EQ(ReadFile(Path("a.json")), ReadFile(Path("b.json")));
  RunResult r = MaraDb({"import", Path("a.json")});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  auto stats = nlohmann::json::parse(MaraDb({"stats", "--json"}).out);
  EXPECT_EQ(stats["incidents"]["total"], 40);
  EXPECT_EQ(stats["collections"]["parties"], 8);
  for (const auto& [cycle, count] : stats["incidents"]["by_cycle"].items()) {
    EXPECT_GE(std::stoi(cycle), 2022);
    EXPECT_LE(std::stoi(cycle), 2024);
  }

  r = Mara({"generate", "--incidents", "30", "--seed", "7", "--out", Path("g.csv")});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_TRUE(fs::exists(Path("g.registry.json")));
  std::string db2 = Path("csv.db");
  ASSERT_EQ(Mara({"--db", db2, "import", Path("g.registry.json")}).exit_code, 0);
  r = Mara({"--db", db2, "import", Path("g.csv"), "--format", "incidents-csv"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  r = Mara({"--db", db2, "import", Path("g.statements.json")});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  r = Mara({"--db", db2, "stats", "--json"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(nlohmann::json::parse(r.out)["incidents"]["total"], 30);

  r = Mara({"generate", "--incidents", "5", "--out", Path("g.txt")});
  EXPECT_NE(r.exit_code, 0);
  // Long paths are shortened in messages, so the option names the record.
  ExpectOneLineNaming(r, "--out", "g\\.", "\\.json.*\\.csv");
}

// `--read-only` opens the store as a replica would be: every read works,
// after a change left the digest cache stale, and the file stays as it was.
TEST_F(CliTest, ReadOnlyOpenServesReadsAndWritesNothing) {
  Seed();
  RunResult r = MaraDb({"decide", "--party", "P-1", "--cycle", "2025", "--status", "listed",
                        "--rationale", "Pattern", "--date", "2026-01-10"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const std::string before = ReadFile(db_);
  for (const std::vector<std::string>& command : std::vector<std::vector<std::string>>{
           {"assess", "--cycle", "2025", "--json"},
           {"case", "--party", "P-1", "--cycle", "2025"},
           {"stats"},
           {"export", "--format", "bundle"},
           {"report", "--cycle", "2025", "--format", "md", "--out", Path("r.md")}}) {
    std::vector<std::string> args = {"--read-only"};
    args.insert(args.end(), command.begin(), command.end());
    r = MaraDb(args);
    EXPECT_EQ(r.exit_code, 0) << command[0] << ": " << Describe(r);
  }
  r = MaraDb({"--read-only", "decide", "--party", "P-1", "--cycle", "2024", "--status", "none",
              "--rationale", "r"});
  EXPECT_NE(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(ReadFile(db_), before) << "a read-only open changed the database file";
}

TEST_F(CliTest, UsageErrorsExitNonZero) {
  RunResult r = Mara({"import"});
  EXPECT_NE(r.exit_code, 0);
  r = Mara({"export", "--format", "xml"});
  EXPECT_NE(r.exit_code, 0);
  r = Mara({"generate", "--out", Path("x.json")});
  EXPECT_NE(r.exit_code, 0) << "--incidents is required";
}

}  // namespace
}  // namespace mara
