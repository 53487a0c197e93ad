#include "ingest/violation_keywords.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "ingest/import_test_support.h"

namespace mara {
namespace {

using testing_support::Fixture;

std::string ViolationNames(const std::vector<Violation>& violations) {
  std::string out;
  for (Violation v : violations) {
    if (!out.empty()) out += ",";
    out += ToString(v);
  }
  return out;
}

TEST(ViolationKeywords, BuiltinTableParses) {
  auto table = ViolationKeywords::Builtin();
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_GT((*table)->size(), 50u);
  EXPECT_NE(BuiltinViolationKeywordsText().find("castrat*\tsexual_mutilation"), std::string::npos)
      << "the compiled text is the data file's";
}

// Each line of testdata/violation_keyword_cases.tsv: text, a tab, the
// violations expected.
TEST(ViolationKeywords, Cases) {
  std::ifstream in(Fixture("violation_keyword_cases.tsv"), std::ios::binary);
  ASSERT_TRUE(in.good());
  std::string line;
  int cases = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line.front() == '#') continue;
    const size_t tab = line.rfind('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    auto found = ViolationsFromText(line.substr(0, tab));
    ASSERT_TRUE(found.ok()) << found.status().ToString();
    EXPECT_EQ(ViolationNames(*found), line.substr(tab + 1)) << line.substr(0, tab);
    ++cases;
  }
  EXPECT_GE(cases, 30);
}

TEST(ViolationKeywords, EveryViolationHasAKeyword) {
  auto table = ViolationKeywords::Builtin();
  ASSERT_TRUE(table.ok());
  const std::string text(BuiltinViolationKeywordsText());
  for (size_t i = 0; i < EnumCount<Violation>(); ++i) {
    const std::string name(ToString(static_cast<Violation>(i)));
    EXPECT_NE(text.find("\t" + name + "\n"), std::string::npos) << name;
  }
}

TEST(ViolationKeywords, ParseRulesAndErrors) {
  auto table = ViolationKeywords::Parse(
      "# comment\n\nlike ... that\tRape\r\nsexual slave*\tsexual slavery\n");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->size(), 2u);
  EXPECT_EQ(table->Find("I like it very much that"), std::vector<Violation>{Violation::kRape});
  EXPECT_EQ(table->Find("that like"), std::vector<Violation>{Violation::kOtherComparableGravity});
  EXPECT_EQ(table->Find("Sexual-slaves"), std::vector<Violation>{Violation::kSexualSlavery});

  EXPECT_EQ(ViolationKeywords::Parse("rape\trobbery\n").status().message(),
            "line 1: unknown violation 'robbery' (expected " + AllowedValues<Violation>() + ")");
  EXPECT_EQ(ViolationKeywords::Parse("# x\nrape raped\n").status().message(),
            "line 2: expected phrase<TAB>violation, got 'rape raped'");
  EXPECT_EQ(ViolationKeywords::Parse("...\trape\n").status().message(),
            "line 1: a phrase cannot start with '...'");
  EXPECT_EQ(ViolationKeywords::Parse("rape ...\trape\n").status().message(),
            "line 1: a phrase cannot end with '...'");
  EXPECT_EQ(ViolationKeywords::Parse("--\trape\n").status().message(),
            "line 1: a phrase with no words");
}

}  // namespace
}  // namespace mara
