#include "ingest/names/evaluation.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/real_data_test_support.h"
#include "ingest/names/name_fold.h"

namespace mara::names {
namespace {

namespace fs = std::filesystem;

class TempCsv {
 public:
  explicit TempCsv(const std::string& contents) {
    path_ = fs::temp_directory_path() / ("mara_names_eval_" + std::to_string(::getpid()) + "_" +
                                         std::to_string(counter_++) + ".csv");
    std::ofstream(path_, std::ios::binary) << contents;
  }
  ~TempCsv() { fs::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

constexpr char kHeader[] =
    "ActorId,NameData,NameOrig,NameOrigFull,NameOrigFullEng,NameChange,NewName,"
    "NewNameFullMotherTongue,NewNameFullEng,Org\r\n";

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(LoadUcdpActorsTest, ReadsSpellingsAndSplitsRenames) {
  TempCsv csv(std::string(kHeader) +
              "10,Alpha Front,Alpha Front,Front Alpha,n/a,0,,,,1\r\n"
              "11,BRF,BRF,\"Beta Revolutionary Front, North\",Beta Revolutionary Front,1,"
              "\"BRF, BRN\",,\"Beta Front, Beta North\",3\r\n");
  auto actors = LoadUcdpActors(csv.path());
  ASSERT_TRUE(actors.ok()) << actors.status().ToString();
  ASSERT_EQ(actors->size(), 2u);
  const UcdpActor& a = (*actors)[0];
  EXPECT_EQ(a.id, "10");
  EXPECT_EQ(a.name_data, "Alpha Front");
  EXPECT_EQ(a.line, 2u);
  // Repeats and "n/a" are not spellings.
  EXPECT_EQ(a.alternatives, (std::vector<std::string>{"Alpha Front", "Front Alpha"}));
  const UcdpActor& b = (*actors)[1];
  EXPECT_TRUE(Contains(b.alternatives, "Beta Revolutionary Front, North"));  // whole cell
  EXPECT_TRUE(Contains(b.alternatives, "BRN"));                              // split rename
  EXPECT_TRUE(Contains(b.alternatives, "Beta North"));
}

TEST(LoadUcdpActorsTest, ErrorsNameFileLineAndField) {
  TempCsv missing("ActorId,NameData\r\n1,A\r\n");
  auto r = LoadUcdpActors(missing.path());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("missing column 'NameOrig'"), std::string::npos);
  EXPECT_EQ(r.status().message().rfind(missing.path(), 0), 0u);

  TempCsv short_row(std::string(kHeader) + "1,A,A,A,A,0,,,,1\r\n2,B,B\r\n");
  r = LoadUcdpActors(short_row.path());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("line 3: 3 fields, the header has 10"), std::string::npos);

  TempCsv empty_name(std::string(kHeader) + "1,,A,A,A,0,,,,1\r\n");
  r = LoadUcdpActors(empty_name.path());
  EXPECT_NE(r.status().message().find("line 2: field NameData is empty"), std::string::npos);

  TempCsv repeated(std::string(kHeader) + "1,A,A,A,A,0,,,,1\r\n1,B,B,B,B,0,,,,1\r\n");
  r = LoadUcdpActors(repeated.path());
  EXPECT_NE(r.status().message().find("ActorId '1' repeats"), std::string::npos);

  TempCsv unterminated(std::string(kHeader) + "1,\"A,A,A,A,0,,,,1\r\n");
  EXPECT_EQ(LoadUcdpActors(unterminated.path()).status().code(), StatusCode::kInvalidArgument);

  EXPECT_EQ(LoadUcdpActors("/nonexistent/ucdp.csv").status().code(), StatusCode::kNotFound);
}

TEST(MakeVariantTest, KindsBehaveAsDocumented) {
  uint64_t rng = 7;
  std::string out;
  EXPECT_FALSE(MakeVariant("ADF", QueryKind::kTypo, rng, &out));  // too short for a typo
  ASSERT_TRUE(MakeVariant("Allied Democratic Forces", QueryKind::kTypo, rng, &out));
  EXPECT_NE(out, "Allied Democratic Forces");
  const int length_change = static_cast<int>(out.size()) - 24;
  EXPECT_LE(std::abs(length_change), 2);

  ASSERT_TRUE(MakeVariant("Islamic State", QueryKind::kArticle, rng, &out));
  EXPECT_EQ(out, "The Islamic State");
  ASSERT_TRUE(MakeVariant("Army of al-Mahdi", QueryKind::kArticle, rng, &out));
  EXPECT_TRUE(out == "Army al-Mahdi" || out == "Army of Mahdi") << out;

  EXPECT_FALSE(MakeVariant("Renamo", QueryKind::kAbbreviation, rng, &out));
  ASSERT_TRUE(MakeVariant("Allied Democratic Forces", QueryKind::kAbbreviation, rng, &out));
  EXPECT_TRUE(out == "ADF" || out == "Allied Dem. Forces") << out;

  EXPECT_FALSE(MakeVariant("PLA", QueryKind::kTransliteration, rng, &out));
  ASSERT_TRUE(MakeVariant("Jaish al-Mahdi", QueryKind::kTransliteration, rng, &out));
  EXPECT_NE(FoldNameText(out), FoldNameText("Jaish al-Mahdi"));
  EXPECT_FALSE(MakeVariant("Jaish", QueryKind::kUcdpAlternative, rng, &out));
}

TEST(EvaluationSetTest, DeterministicAndLabelled) {
  std::vector<UcdpActor> actors = {
      {"1", "Allied Democratic Forces", {"ADF", "Allied Democratic Forces"}, 2},
      {"2", "Lord's Resistance Army", {"LRA"}, 3},
      {"3", "PLA", {"People's Liberation Army"}, 4},
      {"4", "PLA", {"Palestine Liberation Army"}, 5},
  };
  EvaluationSet a = BuildEvaluationSet(actors, 42);
  EvaluationSet b = BuildEvaluationSet(actors, 42);
  ASSERT_EQ(a.queries.size(), b.queries.size());
  for (size_t i = 0; i < a.queries.size(); ++i) {
    EXPECT_EQ(a.queries[i].text, b.queries[i].text);
    EXPECT_EQ(a.queries[i].actor_id, b.queries[i].actor_id);
  }
  ASSERT_EQ(a.registry.size(), 4u);
  EXPECT_TRUE(a.registry[0].aliases.empty());  // the registry holds NameData only
  size_t ucdp = 0;
  for (const auto& q : a.queries) {
    EXPECT_NE(FoldNameText(q.text), FoldNameText(actors[std::stoul(q.actor_id) - 1].name_data));
    EXPECT_EQ(q.shared_name, q.actor_id == "3" || q.actor_id == "4") << q.text;
    if (q.kind == QueryKind::kUcdpAlternative) ++ucdp;
  }
  EXPECT_EQ(ucdp, 4u);  // "Allied Democratic Forces" folds to its own NameData

  auto resolver = NameResolver::Build(a.registry);
  ASSERT_TRUE(resolver.ok());
  EvaluationReport report = Evaluate(*resolver, a.queries);
  EXPECT_EQ(report.ucdp.queries + report.generated.queries + report.shared_name.queries,
            a.queries.size());
  const auto shared = static_cast<size_t>(std::count_if(
      a.queries.begin(), a.queries.end(), [](const LabelledQuery& q) { return q.shared_name; }));
  EXPECT_EQ(report.shared_name.queries, shared);
  EXPECT_EQ(shared, 4u);  // two UCDP spellings and "The PLA" twice
  EXPECT_NE(report.ToMarkdown().find("| UCDP alternative names | 2 |"), std::string::npos);
}

// The one test that reads the shared data: the real UCDP actor list, the
// evaluation set built from it, and the accuracy the resolver must keep.
TEST(EvaluationSetTest, RealUcdpActorList) {
  MARA_REAL_DATA(actor_list, "ucdp_actor_list_v23_1.csv");
  auto actors = LoadUcdpActors(actor_list);
  ASSERT_TRUE(actors.ok()) << actors.status().ToString();
  ASSERT_EQ(actors->size(), 1777u);
  auto find = [&](const std::string& id) -> const UcdpActor* {
    for (const auto& a : *actors) {
      if (a.id == id) return &a;
    }
    return nullptr;
  };
  const UcdpActor* renamo = find("498");
  ASSERT_NE(renamo, nullptr);
  EXPECT_EQ(renamo->name_data, "Renamo");
  EXPECT_TRUE(Contains(renamo->alternatives, "Mozambican National Resistance"));
  const UcdpActor* macedonia = find("47");
  ASSERT_NE(macedonia, nullptr);
  EXPECT_EQ(macedonia->name_data, "Government of North Macedonia");
  EXPECT_TRUE(Contains(macedonia->alternatives, "Government of Macedonia, FYR"));

  EvaluationSet set = BuildEvaluationSet(*actors, 20230601);
  EXPECT_EQ(set.registry.size(), 1777u);
  auto resolver = NameResolver::Build(set.registry);
  ASSERT_TRUE(resolver.ok()) << resolver.status().ToString();
  EvaluationReport report = Evaluate(*resolver, set.queries);
  EXPECT_GT(report.generated.queries, 4000u);
  EXPECT_GT(report.ucdp.queries, 1000u);
  EXPECT_GE(report.generated.Top1Accuracy(), 0.95);
  EXPECT_GE(report.generated.AcceptPrecision(), 0.98);
  EXPECT_GE(report.ucdp.AcceptPrecision(), 0.5);
}

}  // namespace
}  // namespace mara::names
