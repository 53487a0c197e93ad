// End-to-end tests of docs/security.md through the `mara` binary: init creates the
// key file and the operator, `--as` selects the principal, the role and
// four-eyes refusals reach the exit status, `audit verify` catches a
// tampered database, `evidence` and `verify-report` work on real files.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/real_data_test_support.h"

extern char** environ;

namespace mara {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

struct MaraRun {
  int code = -1;
  std::string out;
  std::string err;
};

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class SecurityCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mara_security_cli_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "office.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  MaraRun Mara(std::vector<std::string> args) {
    std::vector<std::string> all = {MARA_BINARY, "--db", db_};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& s : all) argv.push_back(s.data());
    argv.push_back(nullptr);
    const fs::path out = dir_ / "out.txt", err = dir_ / "err.txt";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid = 0;
    MaraRun r;
    if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) return r;
    posix_spawn_file_actions_destroy(&actions);
    int status = 0;
    waitpid(pid, &status, 0);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    r.out = Slurp(out);
    r.err = Slurp(err);
    return r;
  }

  void Write(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
  }

  fs::path dir_;
  std::string db_;
};

constexpr const char* kBundle = R"({"format": "mara-bundle/1",
  "situations": [{"id": "SIT-A", "name": "A", "on_council_agenda": true}],
  "parties": [{"id": "P-1", "name": "Army", "kind": "state", "situation": "SIT-A"}],
  "sources": [{"id": "S-1", "kind": "ngo", "title": "t", "publisher": "p", "date": "2025-01-01",
               "reliability": "B", "credibility": "2", "confidential": false}],
  "incidents": [{"id": "I-1", "situation": "SIT-A", "date": "2025-01-10",
    "location": {"name": "X"}, "violations": ["rape"], "victims": {"women": 1},
    "context": "home", "nexus": ["perpetrator_affiliation"], "status": "reported",
    "perpetrators": [{"party": "P-1", "standard": "reasonable_grounds"}], "sources": ["S-1"],
    "narrative": "Nobody should ever read this sentence in the file"}]})";

TEST_F(SecurityCliTest, PrincipalsFourEyesAndTheAuditLog) {
  MaraRun r = Mara({"init"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("acting as operator"));
  EXPECT_EQ(fs::status(db_ + ".keys").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  Write(dir_ / "b.json", kBundle);
  ASSERT_EQ(Mara({"import", (dir_ / "b.json").string()}).code, 0);
  ASSERT_EQ(Mara({"user", "add", "reviewer1", "--role", "reviewer"}).code, 0);
  ASSERT_EQ(Mara({"user", "add", "monitor1", "--role", "monitor", "--situation", "SIT-A"}).code, 0);
  r = Mara({"user", "list"});
  EXPECT_THAT(r.out, HasSubstr("monitor1"));
  // A monitor may not manage principals; a reviewer may verify.
  r = Mara({"--as", "monitor1", "user", "add", "x", "--role", "admin"});
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.err, HasSubstr("manage_users"));
  ASSERT_EQ(Mara({"--as", "monitor1", "incident", "consent", "I-1", "internal_use"}).code, 0);
  ASSERT_EQ(Mara({"--as", "reviewer1", "incident", "verify", "I-1", "--on", "2025-03-01"}).code, 0);
  r = Mara({"--as", "nobody", "stats"});
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.err, HasSubstr("no principal"));
  r = Mara({"audit", "verify"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Audit log intact"));
  EXPECT_EQ(Slurp(db_).find("Nobody should ever read"), std::string::npos);
  // The monitor's refusal is in the chain; the listing is for admins.
  r = Mara({"audit", "list", "--action", "refused", "--principal", "monitor1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("monitor1  refused  manage_users"));
  r = Mara({"--as", "monitor1", "audit", "list"});
  EXPECT_EQ(r.code, 5) << r.err;
  r = Mara({"audit", "list", "--action", "incident.", "--record", "I-1", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"incident.verify\""));
  EXPECT_THAT(r.out, HasSubstr("\"field\": \"status\""));

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE audit_records SET principal = 'reviewer1' WHERE seq = 2",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  r = Mara({"audit", "verify"});
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.err, HasSubstr("audit log record 2"));
}

// The signed head kept outside the store catches a truncation that leaves a
// valid older log; verify trusts only pinned or given keys, and writes
// nothing; files Mara creates are 0600 unless --umask says otherwise.
TEST_F(SecurityCliTest, AnchoredHeadsPinnedKeysAndPrivateFiles) {
  ASSERT_EQ(Mara({"init"}).code, 0);
  Write(dir_ / "b.json", kBundle);
  ASSERT_EQ(Mara({"import", (dir_ / "b.json").string()}).code, 0);
  const std::string early = (dir_ / "early-head.json").string();
  MaraRun r = Mara({"audit", "head", "--out", early});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(Slurp(early), HasSubstr("\"format\": \"mara-audit-head/1\""));
  ASSERT_EQ(Mara({"user", "add", "reviewer1", "--role", "reviewer"}).code, 0);
  const std::string later = (dir_ / "later-head.json").string();
  ASSERT_EQ(Mara({"audit", "head", "--out", later}).code, 0);
  // A JSON report carries the head in its metadata and serves as an anchor.
  const std::string report = (dir_ / "report.json").string();
  r = Mara({"report", "--cycle", "2025", "--format", "json", "--out", report});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(Slurp(report), HasSubstr("\"audit_head\": {"));
  r = Mara({"audit", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"public_key\": \"ed25519:"));
  const size_t at = r.out.find("\"public_key\": \"") + 15;
  const std::string public_key = r.out.substr(at, r.out.find('"', at) - at);

  // Verification writes nothing: the database file is unchanged.
  const std::string before = Slurp(db_);
  for (const std::string& head : {early, later, report}) {
    r = Mara({"audit", "verify", "--head", head});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("anchored head found"));
  }
  EXPECT_EQ(Slurp(db_), before);

  // Cut the log back to the earlier head, deleting the later checkpoints.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_.c_str(), &db), SQLITE_OK);
  const std::string early_text = Slurp(early);
  const size_t seq_at = early_text.find("\"seq\": ") + 7;
  const std::string keep = std::to_string(std::stoull(early_text.substr(seq_at)));
  const std::string cut = "DELETE FROM audit_records WHERE seq > " + keep +
                          "; DELETE FROM audit_checkpoints WHERE seq > " + keep +
                          "; DELETE FROM audit_state WHERE seq > " + keep +
                          "; UPDATE audit_head SET seq = " + keep +
                          ", hash = (SELECT hash FROM audit_records WHERE seq = " + keep + ");";
  ASSERT_EQ(sqlite3_exec(db, cut.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  // The shorter chain is a valid older chain, but the principal its cut
  // record added is still in the store: the state check names it.
  r = Mara({"audit", "verify"});
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.err, HasSubstr("users 'reviewer1': inserted outside the chain"));
  for (const std::string& head : {later, report}) {
    r = Mara({"audit", "verify", "--head", head});
    EXPECT_NE(r.code, 0);
    EXPECT_THAT(r.err, HasSubstr("anchored head"));
    EXPECT_THAT(r.err, HasSubstr("truncated"));
  }
  r = Mara({"audit", "verify", "--head", (dir_ / "b.json").string()});
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.err, HasSubstr("/format"));

  // Another key given explicitly is refused; the real one is accepted (the
  // chain's signatures hold, and what fails is the cut's leftover state).
  r = Mara(
      {"audit", "verify", "--public-key", "ed25519:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="});
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.err, HasSubstr("not trusted"));
  r = Mara({"audit", "verify", "--public-key", public_key});
  EXPECT_THAT(r.err, Not(HasSubstr("not trusted")));
  EXPECT_THAT(r.err, HasSubstr("users 'reviewer1': inserted outside the chain"));

  // Private files by default; the user may ask otherwise.
  const auto mode = [](const std::string& path) {
    return fs::status(path).permissions() & fs::perms::all;
  };
  const fs::perms owner_rw = fs::perms::owner_read | fs::perms::owner_write;
  EXPECT_EQ(mode(db_), owner_rw);
  EXPECT_EQ(mode(later), owner_rw);
  const std::string exported = (dir_ / "export.json").string();
  ASSERT_EQ(Mara({"export", "--out", exported}).code, 0);
  EXPECT_EQ(mode(exported), owner_rw);
  const std::string shared = (dir_ / "shared.json").string();
  ASSERT_EQ(Mara({"--umask", "022", "export", "--out", shared}).code, 0);
  EXPECT_EQ(mode(shared), owner_rw | fs::perms::group_read | fs::perms::others_read);
  r = Mara({"--umask", "9x", "stats"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--umask"));
}

// A name-review decision keeps the decider's note: shown in full on one
// line, kept encrypted in the store file.
TEST_F(SecurityCliTest, ANameReviewDecisionCarriesASealedNote) {
  ASSERT_EQ(Mara({"init"}).code, 0);
  std::string bundle = kBundle;
  bundle.pop_back();  // the closing brace
  bundle += R"(, "name_reviews": [{"origin": "acled", "query": "Army Unit Nine",
    "provisional_party": "P-1", "reason": "no candidate above the threshold",
    "status": "pending", "candidates": []}]})";
  Write(dir_ / "b.json", bundle);
  MaraRun r = Mara({"import", (dir_ / "b.json").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  r = Mara({"names", "review", "--note", "lonely note"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("--note goes with"));
  r = Mara({"names", "review", "--create", "1", "--note",
            "Field team confirmed\nthe unit's own command\x1b[2J"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = Mara({"names", "review", "--all"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("note: Field team confirmed the unit's own command\xEF\xBF\xBD[2J"));
  for (const std::string file : {db_, db_ + "-wal"}) {
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(bytes.find("Field team confirmed"), std::string::npos) << file;
  }
}

// A dissolution recorded by hand moves a listing through the policy's
// dissolution rule, shows in the statement of case, and needs the right to
// decide.
TEST_F(SecurityCliTest, ADissolvedPartyLeavesTheAnnexAfterCleanCycles) {
  ASSERT_EQ(Mara({"init"}).code, 0);
  std::string incidents;
  for (int i = 1; i <= 3; ++i) {
    if (i > 1) incidents += ",";
    incidents += R"({"id": "I-)" + std::to_string(i) + R"(", "situation": "SIT-A",
      "date": "2023-03-0)" +
                 std::to_string(i) + R"(", "location": {"name": "Town )" + std::to_string(i) +
                 R"("}, "violations": ["rape"], "victims": {"women": 1},
      "context": "attack", "nexus": ["perpetrator_affiliation"], "status": "verified",
      "perpetrators": [{"party": "P-1", "standard": "reasonable_grounds"}], "sources": ["S-1"]})";
  }
  Write(dir_ / "d.json", R"({"format": "mara-bundle/1",
    "situations": [{"id": "SIT-A", "name": "A", "on_council_agenda": true}],
    "parties": [{"id": "P-1", "name": "Army", "kind": "non_state", "situation": "SIT-A"}],
    "sources": [{"id": "S-1", "kind": "ngo", "title": "t", "publisher": "p",
                 "date": "2023-01-01", "reliability": "B", "credibility": "2",
                 "confidential": false}],
    "incidents": [)" + incidents +
                             "]}");
  MaraRun r = Mara({"import", (dir_ / "d.json").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  r = Mara({"case", "--party", "P-1", "--cycle", "2025"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Status listed"));

  ASSERT_EQ(Mara({"user", "add", "reviewer1", "--role", "reviewer"}).code, 0);
  r = Mara({"--as", "reviewer1", "party", "dissolve", "--party", "P-1", "--source", "x"});
  EXPECT_EQ(r.code, 5) << r.err;
  r = Mara({"party", "dissolve", "--party", "P-1"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("--source"));
  r = Mara({"party", "dissolve", "--party", "P-1", "--source", "x", "--date", "2999-01-01"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("/dissolved/date"));
  r = Mara({"party", "dissolve", "--party", "P-404", "--source", "x"});
  EXPECT_EQ(r.code, 3) << r.err;

  r = Mara({"party", "dissolve", "--party", "P-1", "--source",
            "UCDP actor list 23.1: joined another group", "--date", "2023-12-01"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("dissolved on 2023-12-01"));
  r = Mara({"case", "--party", "P-1", "--cycle", "2025"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Status none"));
  EXPECT_THAT(r.out, HasSubstr("Dissolved on 2023-12-01 (source: UCDP actor list 23.1"));
  EXPECT_THAT(r.out, HasSubstr("is recorded as dissolved and has had enough clean cycles"));
  EXPECT_THAT(r.out, HasSubstr("[x] The party is recorded as dissolved; 2 clean cycles"));

  r = Mara({"party", "dissolve", "--party", "P-1", "--clear"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = Mara({"case", "--party", "P-1", "--cycle", "2025"});
  EXPECT_THAT(r.out, HasSubstr("Status listed"));
}

// `mara compare` against a reference list: names resolved within the
// country, precision and recall, and each disagreement explained.
TEST_F(SecurityCliTest, CompareWithAReferenceListExplainsEachDisagreement) {
  ASSERT_EQ(Mara({"init"}).code, 0);
  auto incidents = [](const std::string& party, int n) {
    std::string out;
    for (int i = 1; i <= n; ++i) {
      out += R"(,{"id": "I-)" + party + "-" + std::to_string(i) + R"(", "situation": ")" +
             (party == "TAT" ? "SIT-MM" : "SIT-SD") + R"(", "date": "2025-03-0)" +
             std::to_string(i) + R"(", "location": {"name": "Town )" + std::to_string(i) +
             R"("}, "violations": ["rape"], "victims": {"women": 1}, "context": "attack",
             "nexus": ["perpetrator_affiliation"], "status": "verified",
             "perpetrators": [{"party": "P-)" +
             party + R"(", "standard": "reasonable_grounds"}], "sources": ["S-1"]})";
    }
    return out;
  };
  std::string all = incidents("TAT", 3) + incidents("RSF", 2) + incidents("JUN", 3);
  all.erase(0, 1);
  Write(dir_ / "c.json", R"JSON({"format": "mara-bundle/1",
    "situations": [{"id": "SIT-MM", "name": "Myanmar (Burma)", "on_council_agenda": true},
                   {"id": "SIT-SD", "name": "Sudan", "on_council_agenda": true}],
    "parties": [
      {"id": "P-TAT", "name": "Myanmar Armed Forces", "aliases": ["Tatmadaw"], "kind": "state",
       "situation": "SIT-MM"},
      {"id": "P-RSF", "name": "Rapid Support Forces", "kind": "non_state", "situation": "SIT-SD"},
      {"id": "P-SAF", "name": "Sudanese Armed Forces", "kind": "state", "situation": "SIT-SD"},
      {"id": "P-JUN", "name": "Janjaweed Unit", "kind": "non_state", "situation": "SIT-SD"}],
    "sources": [{"id": "S-1", "kind": "ngo", "title": "t", "publisher": "p",
                 "date": "2025-01-01", "reliability": "B", "credibility": "2",
                 "confidential": false}],
    "findings": [{"party": "P-SAF", "cycle": 2025, "source": "S-1", "level": 3,
                  "forms": ["rape"]}],
    "incidents": [)JSON" + all +
                             "]}");
  MaraRun r = Mara({"import", (dir_ / "c.json").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  Write(dir_ / "ref.csv",
        "\xEF\xBB\xBF"
        "Cycle,Situation,Party,Status,UCDP_ID\r\n"
        "2025,Myanmar,Tatmadaw,listed,NA\r\n"
        "2025,Sudan,Rapid Support Forces,listed,\r\n"
        "2025,Sudan,Sudanese Armed Forces,listed,\r\n"
        "2025,Sudan,Unknown Brigade of the East,on_notice,\r\n"
        "2024,Sudan,Rapid Support Forces,listed,\r\n");
  r = Mara({"compare", "--reference", (dir_ / "ref.csv").string(), "--cycle", "2025"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("1 row(s) of other cycles"));
  EXPECT_THAT(r.out, HasSubstr("precision 50.0%  recall 33.3%"));
  EXPECT_THAT(r.out, HasSubstr("Rapid Support Forces (P-RSF) in Sudan: reference listed, Mara "
                               "none: below a threshold: pattern.min_incidents 2 < 3"));
  EXPECT_THAT(r.out, HasSubstr("(P-SAF) in Sudan: reference listed, Mara on_notice: one source "
                               "only"));
  EXPECT_THAT(r.out, HasSubstr("Unknown Brigade of the East in Sudan: reference on_notice, Mara "
                               "none: not in the data"));
  EXPECT_THAT(r.out, HasSubstr("Janjaweed Unit (P-JUN) in SIT-SD: reference none, Mara listed: "
                               "pattern met"));
  EXPECT_THAT(r.out, Not(HasSubstr("P-TAT")));  // agreed

  r = Mara({"compare", "--reference", (dir_ / "ref.csv").string(), "--cycle", "2025", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["listed"]["reference"], 3);
  EXPECT_EQ(j["listed"]["mara"], 2);
  EXPECT_EQ(j["listed"]["agreed"], 1);
  EXPECT_DOUBLE_EQ(j["listed"]["precision"].get<double>(), 0.5);
  EXPECT_EQ(j["on_notice"]["mara"], 1);
  EXPECT_EQ(j["unresolved"], 1);
  EXPECT_EQ(j["disagreements"].size(), 4u);

  r = Mara({"report", "--cycle", "2025", "--format", "md", "--out", "-", "--reference",
            (dir_ / "ref.csv").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("10. Comparison with a reference list"));
  EXPECT_THAT(r.out, HasSubstr("one source only"));
  r = Mara({"report", "--cycle", "2025", "--format", "json", "--out", "-"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("\"comparison\"")));

  Write(dir_ / "bad.csv", "cycle,situation,party,status\n2025,Sudan,RSF,banned\n");
  r = Mara({"compare", "--reference", (dir_ / "bad.csv").string(), "--cycle", "2025"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("line 2"));
  EXPECT_THAT(r.err, HasSubstr("'status'"));
  Write(dir_ / "cols.csv", "cycle,party\n2025,RSF\n");
  r = Mara({"compare", "--reference", (dir_ / "cols.csv").string(), "--cycle", "2025"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("'situation'"));
  EXPECT_THAT(r.err, HasSubstr("'status'"));
}

// The comparison on the real SVAC and UCDP data: a dissolved group the
// reference still lists is explained as dissolved, and a group SVAC places
// in a neighbouring country is still found.
TEST_F(SecurityCliTest, CompareOnTheRealSvacData) {
  MARA_REAL_DATA(svac, "svac_3.2_complete.csv");
  MARA_REAL_DATA(actors, "ucdp_actor_list_v23_1.csv");
  ASSERT_EQ(Mara({"init"}).code, 0);
  MaraRun r = Mara({"import", svac, "--format", "svac"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = Mara({"import", actors, "--format", "ucdp-actors"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = Mara({"party", "dissolve", "--party", "UCDP-532", "--date", "2002-01-18", "--source",
            "the end of Sierra Leone's war declared after disarmament"});
  ASSERT_EQ(r.code, 0) << r.err;
  Write(dir_ / "ref.csv",
        "cycle,situation,party,status,ucdp_id\n"
        "2021,Sierra Leone,RUF,listed,\n"
        "2021,Democratic Republic of the Congo,FDLR,listed,\n");
  r = Mara({"compare", "--reference", (dir_ / "ref.csv").string(), "--cycle", "2021"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("RUF (UCDP-532) in Sierra Leone: reference listed, Mara none: "
                               "dissolved: dissolved on 2002-01-18"));
  r = Mara({"compare", "--reference", (dir_ / "ref.csv").string(), "--cycle", "2021", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["unresolved"], 0);
  EXPECT_EQ(j["listed"]["reference"], 2);
  EXPECT_EQ(j["listed"]["agreed"], 1);  // FDLR, coded under Rwanda by SVAC
}

// `mara names resolve`: a state force resolves to its government through
// the country, never to a look-alike non-state party; reading the resolver
// needs the right to review names.
TEST_F(SecurityCliTest, NamesResolveReadsStateForcesThroughTheCountry) {
  ASSERT_EQ(Mara({"init"}).code, 0);
  Write(dir_ / "n.json", R"JSON({"format": "mara-bundle/1",
    "situations": [{"id": "SIT-SDN", "name": "Sudan", "on_council_agenda": true},
                   {"id": "SIT-SOM", "name": "Somalia", "on_council_agenda": true}],
    "parties": [
      {"id": "P-GOS", "name": "Government of Sudan", "kind": "state", "situation": "SIT-SDN"},
      {"id": "P-PAF", "name": "People's Armed Forces", "kind": "non_state",
       "situation": "SIT-SDN"},
      {"id": "P-GSO", "name": "Government of Somalia", "kind": "state", "situation": "SIT-SOM"},
      {"id": "P-SNF", "name": "Somali National Front", "kind": "non_state",
       "situation": "SIT-SOM"}]})JSON");
  MaraRun r = Mara({"import", (dir_ / "n.json").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  r = Mara({"names", "resolve", "Sudanese Armed Forces", "--situation", "SIT-SDN", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["decision"], "accept");
  ASSERT_FALSE(j["candidates"].empty());
  EXPECT_EQ(j["candidates"][0]["party"], "P-GOS");
  r = Mara({"names", "resolve", "Somali National Army", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["decision"], "accept");
  EXPECT_EQ(j["candidates"][0]["party"], "P-GSO");
  r = Mara({"names", "resolve", "Somali National Army"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("P-GSO"));
  EXPECT_THAT(r.out, HasSubstr("state force of Somalia"));
  ASSERT_EQ(Mara({"user", "add", "viewer1", "--role", "viewer"}).code, 0);
  r = Mara({"--as", "viewer1", "names", "resolve", "Somali National Army"});
  EXPECT_EQ(r.code, 5) << r.err;
}

// `mara simulate`: every cycle's list, with the rules starting at a chosen
// cycle and the agenda per cycle taken from a file.
TEST_F(SecurityCliTest, SimulateRunsScenariosOfFirstCycleAndAgenda) {
  ASSERT_EQ(Mara({"init"}).code, 0);
  std::string incidents;
  for (int i = 1; i <= 3; ++i) {
    if (i > 1) incidents += ",";
    incidents += R"({"id": "I-)" + std::to_string(i) + R"(", "situation": "SIT-A",
      "date": "2015-03-0)" +
                 std::to_string(i) + R"(", "location": {"name": "Town )" + std::to_string(i) +
                 R"("}, "violations": ["rape"], "victims": {"women": 1},
      "context": "attack", "nexus": ["perpetrator_affiliation"], "status": "verified",
      "perpetrators": [{"party": "P-1", "standard": "reasonable_grounds"}], "sources": ["S-1"]})";
  }
  Write(dir_ / "s.json", R"JSON({"format": "mara-bundle/1",
    "situations": [{"id": "SIT-A", "name": "Mali", "on_council_agenda": true},
                   {"id": "SIT-B", "name": "Chad", "on_council_agenda": true}],
    "parties": [{"id": "P-1", "name": "Army", "kind": "non_state", "situation": "SIT-A"}],
    "sources": [{"id": "S-1", "kind": "ngo", "title": "t", "publisher": "p",
                 "date": "2015-01-01", "reliability": "B", "credibility": "2",
                 "confidential": false}],
    "incidents": [)JSON" + incidents +
                             "]}");
  MaraRun r = Mara({"import", (dir_ / "s.json").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  auto listed = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"simulate", "--from", "2014", "--to", "2016", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    MaraRun run = Mara(args);
    EXPECT_EQ(run.code, 0) << run.err;
    std::vector<size_t> out;
    if (run.code != 0) return out;
    const nlohmann::json doc = nlohmann::json::parse(run.out);
    for (const auto& c : doc["cycles"]) out.push_back(c["listed"].size());
    return out;
  };
  EXPECT_EQ(listed({}), (std::vector<size_t>{0, 1, 1}));
  EXPECT_EQ(listed({"--first-cycle", "2016"}), (std::vector<size_t>{0, 0, 0}));
  Write(dir_ / "agenda.csv", "cycle,situation\n2015,Chad\n2014,SIT-A\n");
  EXPECT_EQ(listed({"--agenda-by-cycle", (dir_ / "agenda.csv").string()}),
            (std::vector<size_t>{0, 0, 0}));
  Write(dir_ / "agenda2.csv", "Cycle,Situation\r\n2015,mali\r\n");
  EXPECT_EQ(listed({"--agenda-by-cycle", (dir_ / "agenda2.csv").string()}),
            (std::vector<size_t>{0, 1, 1}));
  r = Mara({"simulate", "--from", "2014", "--to", "2016"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("2015        1"));

  Write(dir_ / "bad.csv", "cycle,situation\n2015,Atlantis\n");
  r = Mara({"simulate", "--from", "2014", "--to", "2016", "--agenda-by-cycle",
            (dir_ / "bad.csv").string()});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("line 2"));
  EXPECT_THAT(r.err, HasSubstr("'Atlantis'"));
  r = Mara({"simulate", "--from", "2016", "--to", "2014"});
  EXPECT_EQ(r.code, 2) << r.err;
}

// The side doors: name reviews, store copies and backups act as --as, and
// a petition ruling needs a reason.
TEST_F(SecurityCliTest, NamesReviewStoreCopyBackupAndRulingsAreChecked) {
  ASSERT_EQ(Mara({"init"}).code, 0);
  Write(dir_ / "b.json", kBundle);
  ASSERT_EQ(Mara({"import", (dir_ / "b.json").string()}).code, 0);
  ASSERT_EQ(Mara({"user", "add", "reviewer1", "--role", "reviewer"}).code, 0);
  MaraRun r = Mara({"--as", "reviewer1", "names", "review"});
  EXPECT_EQ(r.code, 5) << r.err;
  EXPECT_THAT(r.err, HasSubstr("review_names"));
  r = Mara({"--as", "reviewer1", "names", "review", "--reject", "1"});
  EXPECT_EQ(r.code, 5) << r.err;
  r = Mara({"names", "review", "--reject", "1", "--by", "someone"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("--as someone"));
  r = Mara({"names", "review", "--reject", "1"});
  EXPECT_EQ(r.code, 3) << r.err;  // allowed, but there is no entry 1

  const std::string copy = (dir_ / "copy.db").string();
  r = Mara({"--as", "reviewer1", "store", "copy", "--from", db_, "--to", copy});
  EXPECT_EQ(r.code, 5) << r.err;
  EXPECT_FALSE(fs::exists(copy)) << "a refused copy creates nothing";
  r = Mara({"--as", "reviewer1", "backup", "--out", (dir_ / "b.bak").string()});
  EXPECT_EQ(r.code, 5) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "b.bak"));
  r = Mara({"--key-file", db_ + ".keys", "store", "copy", "--from", db_, "--to", copy});
  ASSERT_EQ(r.code, 0) << r.err;
  r = Mara({"backup", "--out", (dir_ / "b.bak").string()});
  ASSERT_EQ(r.code, 0) << r.err;

  ASSERT_EQ(Mara({"petition", "file", "--party", "P-1", "--grounds", "Reforms", "--cycle", "2025",
                  "--filed", "2026-01-05"})
                .code,
            0);
  r = Mara(
      {"petition", "decide", "--party", "P-1", "--filed", "2026-01-05", "--outcome", "granted"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("--reason"));
  r = Mara({"petition", "decide", "--party", "P-1", "--filed", "2026-01-05", "--outcome",
            "rejected", "--reason", "No new facts"});
  EXPECT_EQ(r.code, 0) << r.err;
  r = Mara({"audit", "verify"});
  ASSERT_EQ(r.code, 0) << r.err;
}

TEST_F(SecurityCliTest, EvidenceAndSignedReports) {
  ASSERT_EQ(Mara({"init"}).code, 0);
  Write(dir_ / "b.json", kBundle);
  ASSERT_EQ(Mara({"import", (dir_ / "b.json").string()}).code, 0);
  Write(dir_ / "..\\..\\scan.PDF", "scanned page");
  MaraRun r = Mara(
      {"evidence", "add", (dir_ / "..\\..\\scan.PDF").string(), "--source", "S-1", "--id", "EV-1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("application/pdf"));
  r = Mara({"evidence", "verify"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = Mara({"evidence", "custody", "EV-1"});
  EXPECT_THAT(r.out, HasSubstr("evidence.add"));
  ASSERT_EQ(Mara({"evidence", "export", "EV-1", "--out", (dir_ / "copy").string()}).code, 0);
  EXPECT_EQ(Slurp(dir_ / "copy"), "scanned page");
  ASSERT_EQ(Mara({"key", "rotate"}).code, 0);
  EXPECT_EQ(Mara({"evidence", "verify"}).code, 0);

  // verify-report over a file signed by hand with the service's format is
  // covered in the service tests; here a forged signature file fails.
  Write(dir_ / "r.md", "report");
  Write(dir_ / "r.md.sig", "mara-signature/1\nkey-id: 0000000000000000\n");
  r = Mara({"verify-report", (dir_ / "r.md").string()});
  EXPECT_NE(r.code, 0);
}

// A statement of case on its own, as HTML and PDF, signed like the reports;
// the public edition carries no confidential mark and no narrative.
TEST_F(SecurityCliTest, StatementsOfCaseComeSignedAsHtmlAndPdf) {
  ASSERT_EQ(Mara({"init"}).code, 0);
  ASSERT_EQ(Mara({"import", std::string(MARA_SOURCE_DIR) + "/examples/demo.json"}).code, 0);
  const fs::path html = dir_ / "case.html";
  MaraRun r = Mara(
      {"case", "--party", "P-VAF", "--cycle", "2025", "--format", "html", "--out", html.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("Signed: "));
  const std::string confidential = Slurp(html);
  EXPECT_THAT(confidential, HasSubstr("<h1>Statement of case: "));
  EXPECT_THAT(confidential, HasSubstr("CONFIDENTIAL EDITION"));
  EXPECT_THAT(confidential, HasSubstr("P-VAF"));
  r = Mara({"verify-report", html.string()});
  EXPECT_EQ(r.code, 0) << r.err;

  r = Mara({"case", "--party", "P-VAF", "--cycle", "2025", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json full = nlohmann::json::parse(r.out);
  std::string narrative;
  for (const auto& i : full["incidents"]) {
    if (i.contains("narrative") && i["narrative"].is_string()) narrative = i["narrative"];
  }
  ASSERT_FALSE(narrative.empty());
  EXPECT_THAT(confidential, HasSubstr(narrative.substr(0, 20)));

  const fs::path public_html = dir_ / "case-public.html";
  r = Mara({"case", "--party", "P-VAF", "--cycle", "2025", "--edition", "public", "--format",
            "html", "--out", public_html.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string published = Slurp(public_html);
  EXPECT_THAT(published, Not(HasSubstr("CONFIDENTIAL EDITION")));
  EXPECT_THAT(published, Not(HasSubstr(narrative.substr(0, 20))));
  EXPECT_EQ(Mara({"verify-report", public_html.string()}).code, 0);
  // A changed byte breaks the signature.
  Write(public_html, published + " ");
  EXPECT_NE(Mara({"verify-report", public_html.string()}).code, 0);

  const fs::path pdf = dir_ / "case.pdf";
  r = Mara({"case", "--party", "P-VAF", "--cycle", "2025", "--edition", "public", "--format", "pdf",
            "--out", pdf.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Slurp(pdf).rfind("%PDF-", 0), 0u);
  EXPECT_EQ(Mara({"verify-report", pdf.string()}).code, 0);

  r = Mara({"case", "--party", "P-VAF", "--cycle", "2025", "--format", "pdf"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("--out"));
  r = Mara({"case", "--party", "P-VAF", "--cycle", "2025", "--json", "--format", "html"});
  EXPECT_EQ(r.code, 2) << r.err;
}

TEST_F(SecurityCliTest, PublishingACycleTakesTwoDecisionMakersAndFreezesTheFiles) {
  ASSERT_EQ(Mara({"init"}).code, 0);
  ASSERT_EQ(Mara({"import", std::string(MARA_SOURCE_DIR) + "/examples/demo.json"}).code, 0);
  ASSERT_EQ(Mara({"user", "add", "dm1", "--role", "decision_maker"}).code, 0);
  ASSERT_EQ(Mara({"user", "add", "rev1", "--role", "reviewer"}).code, 0);

  MaraRun r = Mara({"--as", "rev1", "publish", "request", "2025", "--rationale", "x"});
  EXPECT_EQ(r.code, 5) << r.err;  // not a decision maker
  r = Mara({"--as", "dm1", "publish", "request", "2999", "--rationale", "Too early"});
  EXPECT_EQ(r.code, 2) << r.err;
  r = Mara({"publish", "signoff", "2025"});
  EXPECT_EQ(r.code, 3) << r.err;  // nothing to sign off
  r = Mara({"--as", "dm1", "publish", "request", "2025", "--rationale", "The 2025 annex"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Requested publication 2025-1"));
  r = Mara({"--as", "dm1", "publish", "signoff", "2025"});
  EXPECT_EQ(r.code, 5) << r.err;  // four eyes
  EXPECT_THAT(r.err, HasSubstr("four eyes"));
  r = Mara({"publish", "signoff", "2025"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Published 2025-1"));

  const fs::path folder = db_ + ".publications/2025-1";
  for (const char* ext : {"html", "md", "json", "csv", "ftm"}) {
    const fs::path file = folder / (std::string("report-2025-public.") + ext);
    EXPECT_TRUE(fs::exists(file)) << file;
    MaraRun v = Mara({"verify-report", file.string()});
    EXPECT_EQ(v.code, 0) << file << ": " << v.err;
  }
  const std::string html = Slurp(folder / "report-2025-public.html");

  r = Mara({"publish", "list", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  nlohmann::json list = nlohmann::json::parse(r.out);
  ASSERT_EQ(list["publications"].size(), 1u);
  const nlohmann::json first = list["publications"][0];
  EXPECT_EQ(first["state"], "published");
  EXPECT_EQ(first["requested_by"], "dm1");
  EXPECT_EQ(first["signed_off_by"], "operator");
  EXPECT_EQ(first["files"].size(), 10u);

  // A later decision changes the data, not the publication; publishing
  // again makes number 2.
  ASSERT_EQ(Mara({"decide", "--party", "P-VAF", "--cycle", "2025", "--status", "listed",
                  "--rationale", "Reviewed"})
                .code,
            0);
  EXPECT_EQ(Slurp(folder / "report-2025-public.html"), html);
  ASSERT_EQ(Mara({"publish", "request", "2025", "--rationale", "After the decision"}).code, 0);
  r = Mara({"--as", "dm1", "publish", "signoff", "2025"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Published 2025-2"));
  r = Mara({"publish", "list", "--json"});
  list = nlohmann::json::parse(r.out);
  ASSERT_EQ(list["publications"].size(), 2u);
  EXPECT_EQ(list["publications"][0], first);
  EXPECT_NE(list["publications"][1]["data_digest"], first["data_digest"]);
  r = Mara({"publish", "list"});
  EXPECT_THAT(r.out, HasSubstr("2025-1  published"));
  EXPECT_THAT(r.out, HasSubstr("2025-2  published"));

  r = Mara({"audit", "verify"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
}

}  // namespace
}  // namespace mara
