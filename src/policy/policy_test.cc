#include "policy/policy.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mara {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(PolicyTest, BuiltInDefaultIsTheFileAndEqualsTheCompiledDefaults) {
  std::string file = ReadFile(std::string(MARA_SOURCE_DIR) + "/policies/default.toml");
  ASSERT_FALSE(file.empty());
  EXPECT_EQ(DefaultPolicyText(), file);
  Result<Policy> p = DefaultPolicy();
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(CanonicalPolicyText(*p), CanonicalPolicyText(Policy{}));
  EXPECT_EQ(p->name, "default");
}

TEST(PolicyTest, EveryParameterIsInTheDefaultFile) {
  for (const ParamSpec& spec : PolicyParams()) {
    std::string key(spec.key);
    std::string leaf = key.substr(key.find('.') + 1);
    std::string section = "[" + key.substr(0, key.find('.')) + "]";
    EXPECT_NE(DefaultPolicyText().find(section), std::string_view::npos) << key;
    EXPECT_NE(DefaultPolicyText().find("\n" + leaf + " = "), std::string_view::npos) << key;
  }
}

TEST(PolicyTest, PartialFileKeepsDefaultsForTheRest) {
  Result<Policy> p = ParsePolicy(
      "name = \"strict\"\nversion = \"2\"\n[pattern]\nmin_incidents = 5\n", "strict.toml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->name, "strict");
  EXPECT_EQ(p->version, "2");
  EXPECT_EQ(p->pattern_min_incidents, 5);
  EXPECT_EQ(p->pattern_min_locations, 2);
  EXPECT_EQ(p->listing_min_standard, Standard::kReasonableGrounds);
  Result<Policy> dotted =
      ParsePolicy("listing.min_standard = \"clear_and_convincing\"\n", "d.toml");
  ASSERT_TRUE(dotted.ok()) << dotted.status().ToString();
  EXPECT_EQ(dotted->listing_min_standard, Standard::kClearAndConvincing);
}

struct BadCase {
  const char* text;
  const char* expected;  // substring of the message
};

TEST(PolicyTest, ErrorsGiveFileLineAndKey) {
  const BadCase cases[] = {
      {"name = \"x\"\n\n[pattern]\nmin_incidentz = 3\n",
       "p.toml:4: key 'pattern.min_incidentz': unknown key"},
      {"[pattern]\nmin_incidents = \"three\"\n",
       "p.toml:2: key 'pattern.min_incidents': expected an integer, got a string"},
      {"[pattern]\nmin_incidents = 0\n",
       "p.toml:2: key 'pattern.min_incidents': value 0 is out of range (1..1000000)"},
      {"[findings]\n\nlist_level = 4\n",
       "p.toml:3: key 'findings.list_level': value 4 is out of range (1..3)"},
      {"[listing]\nmin_standard = \"beyond_doubt\"\n",
       "p.toml:2: key 'listing.min_standard': unknown standard 'beyond_doubt'"},
      {"[attribution]\nrequire_nexus = 1\n",
       "p.toml:2: key 'attribution.require_nexus': expected a boolean (true or false), got an "
       "integer"},
      {"[pattern]\nmin_span_days = 30.5\n",
       "p.toml:2: key 'pattern.min_span_days': expected an integer, got a floating-point number"},
      {"colour = \"red\"\n", "p.toml:1: key 'colour': unknown key"},
      {"[delisting]\nclean_cycles = [1]\n",
       "p.toml:2: key 'delisting.clean_cycles': expected an integer, got an array"},
      {"name = 3\n", "p.toml:1: key 'name': expected a non-empty string"},
      {"[pattern\nmin_incidents = 3\n", "p.toml:1: "},
      {"[pattern]\nmin_incidents = 3\nmin_incidents = 4\n", "p.toml:3: "},
  };
  for (const BadCase& c : cases) {
    Result<Policy> p = ParsePolicy(c.text, "p.toml");
    ASSERT_FALSE(p.ok()) << c.text;
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(p.status().message().find(c.expected), std::string::npos)
        << "got: " << p.status().message() << "\nwanted: " << c.expected;
    EXPECT_EQ(p.status().message().find('\n'), std::string::npos);
  }
}

TEST(PolicyTest, DigestIgnoresCommentsAndLayoutButNotValues) {
  Result<Policy> a = ParsePolicy("[pattern]\nmin_incidents = 3\n", "a.toml");
  Result<Policy> b = ParsePolicy("# a comment\npattern.min_incidents=3 # again\n", "b.toml");
  Result<Policy> c = ParsePolicy("[pattern]\nmin_incidents = 4\n", "c.toml");
  Result<Policy> d = ParsePolicy("version = \"9.9\"\n", "d.toml");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok() && d.ok());
  EXPECT_EQ(PolicyDigest(*a), PolicyDigest(*b));
  EXPECT_EQ(PolicyDigest(*a), PolicyDigest(Policy{}));
  EXPECT_NE(PolicyDigest(*a), PolicyDigest(*c));
  EXPECT_NE(PolicyDigest(*a), PolicyDigest(*d));
  EXPECT_EQ(PolicyDigest(*a).size(), 64u);
}

TEST(PolicyTest, OverridesCheckTypeAndRange) {
  Policy p;
  EXPECT_TRUE(SetParam(&p, "pattern.min_incidents", int64_t{2}).ok());
  EXPECT_EQ(p.pattern_min_incidents, 2);
  EXPECT_TRUE(SetParam(&p, "attribution.roll_up_to_parent", false).ok());
  EXPECT_FALSE(p.roll_up_to_parent);
  EXPECT_TRUE(SetParam(&p, "notice.min_standard", std::string("reasonable_grounds")).ok());
  EXPECT_EQ(p.notice_min_standard, Standard::kReasonableGrounds);
  Status unknown = SetParam(&p, "pattern.nope", int64_t{1});
  EXPECT_EQ(unknown.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.message().find("'pattern.nope'"), std::string::npos);
  EXPECT_FALSE(SetParam(&p, "pattern.min_incidents", std::string("3")).ok());
  EXPECT_FALSE(SetParam(&p, "delisting.clean_cycles", int64_t{0}).ok());
  EXPECT_EQ(p.delisting_clean_cycles, 1);
}

TEST(PolicyTest, LoadFileReportsMissingAndReadsRealFiles) {
  Result<Policy> missing = LoadPolicyFile("/nonexistent/dir/policy.toml");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "mara_policy_test";
  std::filesystem::create_directories(dir);
  std::string path = (dir / "p.toml").string();
  {
    std::ofstream out(path);
    out << "name = \"file\"\n[persistent]\ncycles = 3\n[publication]\nmin_cell = true\n";
  }
  Result<Policy> bad = LoadPolicyFile(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(path + ":5: key 'publication.min_cell'"), std::string::npos)
      << bad.status().message();
  {
    std::ofstream out(path);
    out << "name = \"file\"\n[persistent]\ncycles = 3\n";
  }
  Result<Policy> good = LoadPolicyFile(path);
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->persistent_cycles, 3);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mara
