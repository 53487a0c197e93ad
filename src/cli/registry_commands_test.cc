// `mara registry` through the binary: each kind added from flags or a
// file, an update changing only what it names, a rename, the four-eyes
// verification of a measure, refusals naming the flag with their exit
// codes, --if-version, the history, and --help.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "cli/cli_test_support.h"

namespace mara {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

using RegistryRun = cli_test::CliRun;

class RegistryCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mara_registry_cli_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "office.db").string();
    ASSERT_EQ(Mara({"init"}).code, 0);
    std::ofstream(dir_ / "b.json") << R"({"format": "mara-bundle/1",
      "situations": [{"id": "SIT-A", "name": "A", "on_council_agenda": true},
                     {"id": "SIT-B", "name": "B", "on_council_agenda": false}],
      "incidents": [{"id": "I-1", "situation": "SIT-A", "date": "2025-01-10",
        "location": {"name": "X"}, "violations": ["rape"], "victims": {"women": 1},
        "context": "home", "nexus": ["perpetrator_affiliation"], "status": "reported",
        "perpetrators": [], "sources": []}]})";
    ASSERT_EQ(Mara({"import", (dir_ / "b.json").string()}).code, 0);
    ASSERT_EQ(Mara({"user", "add", "ana", "--role", "analyst", "--situation", "SIT-A"}).code, 0);
    ASSERT_EQ(Mara({"user", "add", "rita", "--role", "reviewer"}).code, 0);
    ASSERT_EQ(Mara({"user", "add", "vera", "--role", "viewer"}).code, 0);
  }
  void TearDown() override { fs::remove_all(dir_); }

  RegistryRun Mara(std::vector<std::string> args) { return cli_test::RunMara(db_, args, dir_); }

  RegistryRun As(const std::string& who, std::vector<std::string> args) {
    args.insert(args.begin(), {"--as", who, "registry"});
    return Mara(std::move(args));
  }

  nlohmann::json Exported() {
    RegistryRun r = Mara({"export"});
    EXPECT_EQ(r.code, 0) << r.err;
    return nlohmann::json::parse(r.out, nullptr, false);
  }

  // The version a write printed: "(version <hex>)".
  static std::string VersionIn(const std::string& out) {
    std::smatch m;
    if (std::regex_search(out, m, std::regex("version ([0-9a-f]{64})"))) return m[1];
    return "";
  }

  fs::path dir_;
  std::string db_;
};

TEST_F(RegistryCliTest, EveryKindFromFlagsAndFiles) {
  RegistryRun r = As("ana", {"add", "party", "--id", "P-7", "--name", "Northern Front", "--kind",
                             "non_state", "--situation", "SIT-A"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Created party P-7 as ana"));
  ASSERT_EQ(As("ana", {"add", "party", "--id", "P-7-B", "--name", "Second Brigade", "--kind",
                       "non_state", "--situation", "SIT-A", "--parent", "P-7"})
                .code,
            0);
  ASSERT_EQ(As("ana", {"add", "party", "--id", "P-8", "--name", "Renewal", "--kind", "non_state",
                       "--situation", "SIT-A", "--splinter-of", "P-7"})
                .code,
            0);
  r = As("ana", {"rename", "P-7", "--name", "Northern Liberation Front", "--from", "2025-06-01"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = As("ana",
         {"add", "source", "--id", "S-1", "--kind", "ngo", "--title", "Field report", "--publisher",
          "NGO", "--reliability", "C", "--credibility", "3", "--confidential", "false"});
  // A source is not tied to a situation: an analyst of one may not add it.
  EXPECT_EQ(r.code, 5) << r.err;
  r = Mara({"registry", "add", "source", "--id", "S-1", "--kind", "ngo", "--title", "Field report",
            "--publisher", "NGO", "--reliability", "C", "--credibility", "3"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--confidential (/confidential): missing required field"));
  r = Mara({"registry", "add", "source", "--id", "S-1", "--kind", "ngo", "--title", "Field report",
            "--publisher", "NGO", "--reliability", "C", "--credibility", "3", "--confidential",
            "false"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(As("ana", {"add", "designation", "--party", "P-7", "--authority", "UN Security Council",
                       "--program", "1267", "--kind", "sanctions", "--listed-on", "2024-05-01",
                       "--source", "S-1"})
                .code,
            0);
  ASSERT_EQ(As("ana", {"add", "engagement", "--party", "P-7", "--date", "2025-08-02", "--kind",
                       "contact", "--note", "Met the liaison"})
                .code,
            0);
  r = As("ana", {"add", "commitment", "--id", "C-7", "--party", "P-7", "--kind", "action_plan",
                 "--signed", "2025-03-01", "--measure", "M-1:Issue command orders", "--measure-due",
                 "M-1:2025-09-01"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::ofstream(dir_ / "st.json") << R"({"id": "ST-9", "by": "Ministry of Defence",
      "date": "2025-08-10", "kind": "dispute", "incidents": ["I-1"],
      "text": "The ministry disputes the account."})";
  r = As("ana", {"add", "statement", "--file", (dir_ / "st.json").string()});
  ASSERT_EQ(r.code, 0) << r.err;

  // An update changes only what it names.
  r = Mara({"registry", "update", "source", "--id", "S-1", "--reliability", "B"});
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json bundle = Exported();
  ASSERT_TRUE(bundle.is_object());
  EXPECT_EQ(bundle["sources"][0]["reliability"], "B");
  EXPECT_EQ(bundle["sources"][0]["title"], "Field report");
  EXPECT_EQ(bundle["parties"][0]["name"], "Northern Liberation Front");
  EXPECT_EQ(bundle["parties"][0]["names_over_time"][0]["name"], "Northern Front");
  EXPECT_EQ(bundle["parties"][1]["parent"], "P-7");
  EXPECT_EQ(bundle["parties"][2]["splinter_of"], "P-7");
  EXPECT_EQ(bundle["commitments"][0]["measures"][0]["due"], "2025-09-01");
  EXPECT_EQ(bundle["statements"][0]["incidents"][0], "I-1");
  EXPECT_EQ(bundle["engagements"][0]["note"], "Met the liaison");
  EXPECT_EQ(bundle["designations"][0]["source"], "S-1");

  r = As("ana", {"history", "party", "P-7"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("created by ana"));
  EXPECT_THAT(r.out, HasSubstr("renamed by ana"));
  r = As("ana", {"history", "engagement", "P-7/2025-08-02/contact", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Met the liaison"));
  EXPECT_EQ(Mara({"audit", "verify"}).code, 0);
}

TEST_F(RegistryCliTest, RefusalsNameTheFlagAndExitByKind) {
  RegistryRun r = As("ana", {"add", "party", "--id", "P-1", "--name", "Unit", "--kind", "non_state",
                             "--situation", "SIT-A", "--parent", "P-404"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--parent (/parent): unknown party 'P-404'"));
  r = As("ana", {"add", "party", "--id", "P-1", "--name", "Front", "--kind", "rebels",
                 "--situation", "SIT-A"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--kind"));
  r = As("ana", {"add", "party", "--id", "P-1", "--note", "x"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--note: not a member of a party"));
  r = As("vera", {"add", "party", "--id", "P-1", "--name", "Front", "--kind", "non_state",
                  "--situation", "SIT-A"});
  EXPECT_EQ(r.code, 5) << r.err;
  r = As("ana", {"update", "party", "--id", "P-404", "--name", "Nobody"});
  EXPECT_EQ(r.code, 3) << r.err;

  r = As("ana", {"add", "party", "--id", "P-1", "--name", "Front", "--kind", "non_state",
                 "--situation", "SIT-A"});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string version = VersionIn(r.out);
  ASSERT_FALSE(version.empty()) << r.out;
  EXPECT_EQ(As("ana", {"add", "party", "--id", "P-1", "--name", "Again", "--kind", "non_state",
                       "--situation", "SIT-A"})
                .code,
            4);
  ASSERT_EQ(
      As("ana", {"update", "party", "--id", "P-1", "--alias", "NF", "--if-version", version}).code,
      0);
  r = As("ana", {"update", "party", "--id", "P-1", "--alias", "F", "--if-version", version});
  EXPECT_EQ(r.code, 4);
  EXPECT_THAT(r.err, HasSubstr("nothing written"));
  EXPECT_EQ(Exported()["parties"][0]["aliases"][0], "NF");
}

TEST_F(RegistryCliTest, AMeasureIsVerifiedByAnotherPerson) {
  ASSERT_EQ(As("ana", {"add", "party", "--id", "P-1", "--name", "Front", "--kind", "non_state",
                       "--situation", "SIT-A"})
                .code,
            0);
  RegistryRun r =
      As("ana", {"add", "commitment", "--id", "C-1", "--party", "P-1", "--kind", "unilateral",
                 "--measure", "M-1:Orders", "--measure-status", "M-1:verified_implemented"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("/measures/0/status"));
  ASSERT_EQ(As("ana", {"add", "commitment", "--id", "C-1", "--party", "P-1", "--kind", "unilateral",
                       "--measure", "M-1:Orders"})
                .code,
            0);
  r = As("ana", {"verify-measure", "C-1", "M-1"});
  EXPECT_EQ(r.code, 5);
  r = As("rita", {"verify-measure", "C-1", "M-1", "--on", "2025-10-01"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Verified measure M-1 of commitment C-1 by rita"));
  EXPECT_EQ(Exported()["commitments"][0]["measures"][0]["status"], "verified_implemented");
}

// A communication's material read back by a confidential reader into a new
// file (never over an existing one), refused to the outsider who sent it;
// one evidence item checked under four eyes; histories printed alike.
TEST_F(RegistryCliTest, MaterialAndEvidenceAreReadAndCheckedFromTheCommandLine) {
  std::ofstream(dir_ / "m.txt") << "the material";
  RegistryRun sent = Mara({"--as", "vera", "communication", "submit", "--kind", "information",
                           "--submitter-kind", "ngo", "--submitter", "Delta Watch", "--text",
                           "camps", "--attach", (dir_ / "m.txt").string()});
  ASSERT_EQ(sent.code, 0) << sent.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(sent.out, m, std::regex("communication (COM-[0-9]+-[0-9]+)")));
  const std::string id = m[1];
  const std::string got = (dir_ / "got.bin").string();
  RegistryRun read = Mara({"--as", "rita", "communication", "attachment", id, "1", "--out", got});
  ASSERT_EQ(read.code, 0) << read.err;
  EXPECT_EQ(cli_test::ReadFileBytes(got), "the material");
  RegistryRun again = Mara({"--as", "rita", "communication", "attachment", id, "1", "--out", got});
  EXPECT_NE(again.code, 0);
  EXPECT_THAT(again.err, HasSubstr("exists"));
  EXPECT_EQ(cli_test::ReadFileBytes(got), "the material");
  RegistryRun past = Mara({"--as", "rita", "communication", "attachment", id, "2", "--out",
                           (dir_ / "two.bin").string()});
  EXPECT_NE(past.code, 0);
  EXPECT_THAT(past.err, HasSubstr("no number 2"));
  RegistryRun outsider = Mara({"--as", "vera", "communication", "attachment", id, "1", "--out",
                               (dir_ / "vera.bin").string()});
  EXPECT_NE(outsider.code, 0);
  EXPECT_FALSE(fs::exists(dir_ / "vera.bin"));

  RegistryRun added = Mara({"evidence", "add", (dir_ / "m.txt").string(), "--incident", "I-1"});
  ASSERT_EQ(added.code, 0) << added.err;
  ASSERT_TRUE(std::regex_search(added.out, m, std::regex("(EV-[0-9a-f]+)")));
  const std::string ev = m[1];
  RegistryRun own = Mara({"evidence", "verify", ev});
  EXPECT_NE(own.code, 0);
  RegistryRun checked = Mara({"--as", "rita", "evidence", "verify", ev});
  ASSERT_EQ(checked.code, 0) << checked.err;
  EXPECT_THAT(checked.out, HasSubstr("intact"));
  EXPECT_THAT(checked.out, HasSubstr("checked by rita"));

  RegistryRun history = Mara({"incident", "history", "I-1"});
  ASSERT_EQ(history.code, 0) << history.err;
  EXPECT_THAT(history.out, HasSubstr("History of incident I-1"));
}

TEST_F(RegistryCliTest, PartyNamesInOtherLanguages) {
  RegistryRun r = As("ana", {"add", "party", "--id", "P-7", "--name", "Northern Front", "--kind",
                             "non_state", "--situation", "SIT-A", "--name-in", "ar=الجبهة الشمالية",
                             "--name-in", "fr=Front du Nord"});
  ASSERT_EQ(r.code, 0) << r.err;
  nlohmann::json party = Exported()["parties"][0];
  EXPECT_EQ(party["name"], "Northern Front");
  EXPECT_EQ(party["names"], (nlohmann::json{{"ar", "الجبهة الشمالية"}, {"fr", "Front du Nord"}}));

  // An update changes only the languages it names; an empty NAME removes one.
  r = As("ana",
         {"update", "party", "--id", "P-7", "--name-in", "fr=", "--name-in", "ru=Северный фронт"});
  ASSERT_EQ(r.code, 0) << r.err;
  party = Exported()["parties"][0];
  EXPECT_EQ(party["names"], (nlohmann::json{{"ar", "الجبهة الشمالية"}, {"ru", "Северный фронт"}}));
  r = As("ana", {"update", "party", "--id", "P-7", "--name-in", "ar=", "--name-in", "ru="});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(Exported()["parties"][0].contains("names"));

  // Refusals name the flag and the member, and write nothing.
  const nlohmann::json before = Exported();
  r = As("ana", {"update", "party", "--id", "P-7", "--name-in", "de=Nordfront"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--name-in (/names): unknown language 'de' (expected one of: ar, "
                               "en, es, fr, ru, zh)"));
  r = As("ana", {"update", "party", "--id", "P-7", "--name-in", "fr= Front"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--name-in (/names/fr): must not begin or end with spaces"));
  r = As("ana", {"update", "party", "--id", "P-7", "--name-in", "fr=Front\tdu Nord"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--name-in (/names/fr): must not contain control characters"));
  r = As("ana", {"update", "party", "--id", "P-7", "--name-in", "Front du Nord"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--name-in: expected LANG=NAME"));
  r = Mara({"registry", "add", "source", "--id", "S-1", "--kind", "ngo", "--title", "T",
            "--publisher", "P", "--reliability", "C", "--credibility", "3", "--confidential",
            "false", "--name-in", "fr=Rapport"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--name-in: only parties carry names by language"));
  EXPECT_EQ(Exported(), before);
}

TEST_F(RegistryCliTest, HelpDescribesTheCommands) {
  RegistryRun r = Mara({"registry", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("verify-measure"));
  EXPECT_THAT(r.out, HasSubstr("rename"));
  r = Mara({"registry", "add", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("--splinter-of"));
  EXPECT_THAT(r.out, HasSubstr("--measure-status"));
}

}  // namespace
}  // namespace mara
