#include "ingest/generator.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "domain/json_codec.h"
#include "domain/model.h"
#include "domain/validate.h"
#include "ingest/csv_reader.h"
#include "ingest/incidents_csv.h"

namespace mara {
namespace {

namespace fs = std::filesystem;

class GeneratorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mara_generator_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  fs::path dir_;
};

GeneratorOptions Small(int64_t incidents, uint64_t seed = 1) {
  GeneratorOptions o;
  o.incidents = incidents;
  o.seed = seed;
  return o;
}

Status GenerateQuietly(const GeneratorOptions& o, const std::string& path) {
  return Generate(o, path, nullptr);
}

// Decodes every record of a bundle document with the codec; fails the test
// on the first record the codec refuses.
template <typename T>
void DecodeAll(const Json& doc, const char* name, std::vector<T>* out) {
  if (!doc.contains(name)) return;
  const Json& list = doc.at(name);
  for (size_t i = 0; i < list.size(); ++i) {
    T v;
    Status s = FromJson(list[i], &v);
    ASSERT_TRUE(s.ok()) << name << "/" << i << ": " << s.ToString();
    auto err = CheckRecord(v);
    ASSERT_FALSE(err.has_value()) << name << "/" << i << err->field << ": " << err->message;
    out->push_back(std::move(v));
  }
}

Bundle DecodeBundle(const Json& doc) {
  Bundle b;
  DecodeAll(doc, "situations", &b.situations);
  DecodeAll(doc, "parties", &b.parties);
  DecodeAll(doc, "sources", &b.sources);
  DecodeAll(doc, "incidents", &b.incidents);
  DecodeAll(doc, "findings", &b.findings);
  DecodeAll(doc, "commitments", &b.commitments);
  DecodeAll(doc, "decisions", &b.decisions);
  DecodeAll(doc, "designations", &b.designations);
  DecodeAll(doc, "statements", &b.statements);
  DecodeAll(doc, "engagements", &b.engagements);
  DecodeAll(doc, "petitions", &b.petitions);
  return b;
}

TEST_F(GeneratorTest, SameSeedSameBytesDifferentSeedDifferentBytes) {
  ASSERT_TRUE(GenerateQuietly(Small(2000, 7), Path("a.json")).ok());
  ASSERT_TRUE(GenerateQuietly(Small(2000, 7), Path("b.json")).ok());
  ASSERT_TRUE(GenerateQuietly(Small(2000, 8), Path("c.json")).ok());
  const std::string a = Read(Path("a.json"));
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, Read(Path("b.json")));
  EXPECT_NE(a, Read(Path("c.json")));
}

TEST_F(GeneratorTest, CsvFormIsDeterministicToo) {
  ASSERT_TRUE(GenerateQuietly(Small(1500, 3), Path("a.csv")).ok());
  ASSERT_TRUE(GenerateQuietly(Small(1500, 3), Path("b.csv")).ok());
  ASSERT_TRUE(GenerateQuietly(Small(1500, 4), Path("c.csv")).ok());
  EXPECT_EQ(Read(Path("a.csv")), Read(Path("b.csv")));
  EXPECT_EQ(Read(Path("a.registry.json")), Read(Path("b.registry.json")));
  EXPECT_EQ(Read(Path("a.statements.json")), Read(Path("b.statements.json")));
  EXPECT_NE(Read(Path("a.csv")), Read(Path("c.csv")));
  EXPECT_EQ(CompanionPaths(Path("a.csv")).registry, Path("a.registry.json"));
  EXPECT_EQ(CompanionPaths(Path("a.csv")).statements, Path("a.statements.json"));
}

TEST_F(GeneratorTest, BundleHasTheRequestedCountsAndValidates) {
  GeneratorOptions o = Small(3000, 11);
  o.cycles = 4;
  o.first_cycle = 2020;
  ASSERT_TRUE(GenerateQuietly(o, Path("g.json")).ok());
  const Json doc = Json::parse(Read(Path("g.json")));
  EXPECT_EQ(doc.at("format"), "mara-bundle/1");
  const Bundle b = DecodeBundle(doc);
  ASSERT_FALSE(::testing::Test::HasFailure());
  EXPECT_EQ(b.incidents.size(), 3000u);
  EXPECT_EQ(static_cast<int>(b.parties.size()), EffectivePartyCount(o));
  EXPECT_EQ(b.incidents.front().id, "I-00000001");
  EXPECT_EQ(b.incidents.back().id, "I-00003000");
  for (size_t i = 1; i < b.incidents.size(); ++i) {
    ASSERT_LT(b.incidents[i - 1].id, b.incidents[i].id);
  }
  for (const Incident& inc : b.incidents) {
    ASSERT_GE(inc.cycle(), 2020);
    ASSERT_LE(inc.cycle(), 2023);
  }
  EmptyLookup nothing_stored;
  auto errors = ValidateBundle(b, nothing_stored, /*stop_at_first=*/false);
  ASSERT_TRUE(errors.ok()) << errors.status().ToString();
  for (const ValidationError& e : *errors) ADD_FAILURE() << e.ToStatus().ToString();
}

TEST_F(GeneratorTest, HandWrittenIncidentsAreTheCodecsCanonicalForm) {
  ASSERT_TRUE(GenerateQuietly(Small(2500, 5), Path("g.json")).ok());
  const std::string text = Read(Path("g.json"));
  // One record per line: the incident lines are exactly ToJson(...).dump().
  std::istringstream lines(text);
  std::string line;
  int checked = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("{\"id\":\"I-", 0) != 0) continue;
    if (line.back() == ',') line.pop_back();
    Incident inc;
    Status s = FromJson(Json::parse(line), &inc);
    ASSERT_TRUE(s.ok()) << s.ToString() << " in " << line;
    ASSERT_EQ(ToJson(inc).dump(), line);
    ++checked;
  }
  EXPECT_EQ(checked, 2500);
}

TEST_F(GeneratorTest, HandWrittenCsvRowsAreTheCanonicalRows) {
  ASSERT_TRUE(GenerateQuietly(Small(2500, 5), Path("g.csv")).ok());
  ASSERT_TRUE(GenerateQuietly(Small(2500, 5), Path("g.json")).ok());
  const Json doc = Json::parse(Read(Path("g.json")));
  auto reader = CsvReader::Open(Path("g.csv"));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto header = (*reader)->Next();
  ASSERT_TRUE(header.ok() && *header);
  auto layout = IncidentCsvLayout::FromHeader((*reader)->fields());
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  std::string expected = IncidentCsvHeader();
  size_t rows = 0;
  Incident inc;
  while (true) {
    auto more = (*reader)->Next();
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    Status s = layout->Decode((*reader)->fields(), &inc);
    ASSERT_TRUE(s.ok()) << "line " << (*reader)->line() << ": " << s.ToString();
    AppendIncidentRow(inc, &expected);
    // The CSV and the bundle describe the same incidents.
    ASSERT_LT(rows, doc.at("incidents").size());
    ASSERT_EQ(ToJson(inc).dump(), doc.at("incidents")[rows].dump());
    ++rows;
  }
  EXPECT_EQ(rows, 2500u);
  EXPECT_EQ(Read(Path("g.csv")), expected);
}

TEST_F(GeneratorTest, ShapeCoversEveryVocabulary) {
  ASSERT_TRUE(GenerateQuietly(Small(6000, 2), Path("g.json")).ok());
  const Bundle b = DecodeBundle(Json::parse(Read(Path("g.json"))));
  ASSERT_FALSE(::testing::Test::HasFailure());

  std::set<IncidentStatus> statuses;
  std::set<Standard> standards;
  std::set<Context> contexts;
  std::set<Consent> consents;
  std::set<DatePrecision> precisions;
  std::set<Violation> violations;
  std::set<std::string> locations;
  int without_nexus = 0, two_perpetrators = 0, with_narrative = 0;
  int64_t women_girls = 0, men_boys = 0;
  for (const Incident& inc : b.incidents) {
    statuses.insert(inc.status);
    contexts.insert(inc.context);
    consents.insert(inc.consent);
    precisions.insert(inc.date_precision);
    violations.insert(inc.violations.begin(), inc.violations.end());
    locations.insert(inc.situation + "/" + inc.location.name);
    for (const Attribution& a : inc.perpetrators) standards.insert(a.standard);
    without_nexus += inc.nexus.empty();
    two_perpetrators += inc.perpetrators.size() == 2;
    with_narrative += inc.narrative.has_value();
    women_girls += inc.victims.women + inc.victims.girls;
    men_boys += inc.victims.men + inc.victims.boys;
    ASSERT_GE(inc.perpetrators.size(), 1u);
    ASSERT_LE(inc.perpetrators.size(), 2u);
    ASSERT_LE(inc.nexus.size(), 3u);
    ASSERT_EQ(inc.status == IncidentStatus::kVerified, inc.verified_on.has_value());
  }
  EXPECT_EQ(statuses.size(), EnumCount<IncidentStatus>());
  EXPECT_EQ(standards.size(), EnumCount<Standard>());
  EXPECT_EQ(contexts.size(), EnumCount<Context>());
  EXPECT_EQ(consents.size(), EnumCount<Consent>());
  EXPECT_EQ(precisions.size(), EnumCount<DatePrecision>());
  EXPECT_EQ(violations.size(), EnumCount<Violation>());
  EXPECT_GT(locations.size(), 20u);
  EXPECT_GT(without_nexus, 0);
  EXPECT_GT(two_perpetrators, 0);
  EXPECT_GT(with_narrative, 0);
  EXPECT_GT(women_girls, 4 * men_boys);

  std::map<IncidentStatus, int> by_status;
  for (const Incident& inc : b.incidents) ++by_status[inc.status];
  EXPECT_GT(by_status[IncidentStatus::kVerified], static_cast<int>(b.incidents.size() / 2));

  bool on = false, off = false;
  for (const Situation& s : b.situations) (s.on_council_agenda ? on : off) = true;
  EXPECT_TRUE(on && off);
  std::map<std::string, PartyKind> kind_of;
  for (const Party& p : b.parties) kind_of[p.id] = p.kind;
  bool state_unit = false, non_state_unit = false, splinter = false, renamed = false;
  for (const Party& p : b.parties) {
    if (p.parent) (kind_of[*p.parent] == PartyKind::kState ? state_unit : non_state_unit) = true;
    splinter |= p.splinter_of.has_value();
    renamed |= !p.names_over_time.empty();
  }
  EXPECT_TRUE(state_unit);
  EXPECT_TRUE(non_state_unit);
  EXPECT_TRUE(splinter);
  EXPECT_TRUE(renamed);

  std::set<SourceKind> source_kinds;
  bool confidential = false;
  for (const Source& s : b.sources) {
    source_kinds.insert(s.kind);
    confidential |= s.confidential;
  }
  EXPECT_EQ(source_kinds.size(), EnumCount<SourceKind>());
  EXPECT_TRUE(confidential);

  std::set<MeasureStatus> measure_statuses;
  for (const Commitment& c : b.commitments) {
    for (const Measure& m : c.measures) measure_statuses.insert(m.status);
  }
  EXPECT_EQ(measure_statuses.size(), EnumCount<MeasureStatus>());
  EXPECT_FALSE(b.findings.empty());
  EXPECT_FALSE(b.decisions.empty());
  EXPECT_FALSE(b.designations.empty());
  EXPECT_FALSE(b.statements.empty());
  EXPECT_FALSE(b.engagements.empty());
  EXPECT_FALSE(b.petitions.empty());
}

TEST_F(GeneratorTest, StatementsFollowTheIncidentsTheyCite) {
  ASSERT_TRUE(GenerateQuietly(Small(8000, 9), Path("g.json")).ok());
  const Bundle b = DecodeBundle(Json::parse(Read(Path("g.json"))));
  ASSERT_FALSE(::testing::Test::HasFailure());
  std::map<std::string, Date> date_of;
  for (const Incident& inc : b.incidents) date_of[inc.id] = inc.date;
  ASSERT_FALSE(b.statements.empty());
  for (const Statement& s : b.statements) {
    ASSERT_FALSE(s.incidents.empty());
    for (const std::string& id : s.incidents) {
      ASSERT_TRUE(date_of.count(id)) << id;
      EXPECT_GT(s.date, date_of[id]) << s.id;
    }
  }
}

TEST_F(GeneratorTest, CsvHasOneRowPerIncidentAndCompanionBundles) {
  GeneratorOptions o = Small(1200, 6);
  o.parties = 20;
  ASSERT_TRUE(GenerateQuietly(o, Path("x.csv")).ok());
  const std::string csv = Read(Path("x.csv"));
  EXPECT_EQ(
      csv.rfind("id,situation,date,date_precision,location,admin1,lat,lon,violations,women,girls,"
                "men,boys,unknown,context,nexus,status,verified_on,perpetrators,sources,narrative,"
                "consent\n",
                0),
      0u);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1201);
  EXPECT_NE(csv.find("\nI-00000001,SIT-"), std::string::npos);

  const Json registry = Json::parse(Read(Path("x.registry.json")));
  EXPECT_FALSE(registry.contains("incidents"));
  EXPECT_FALSE(registry.contains("statements"));
  Bundle rb = DecodeBundle(registry);
  ASSERT_FALSE(::testing::Test::HasFailure());
  EXPECT_EQ(rb.parties.size(), 20u);
  EmptyLookup nothing_stored;
  auto errors = ValidateBundle(rb, nothing_stored, /*stop_at_first=*/true);
  ASSERT_TRUE(errors.ok());
  EXPECT_TRUE(errors->empty()) << (*errors)[0].ToStatus().ToString();

  const Json statements = Json::parse(Read(Path("x.statements.json")));
  EXPECT_EQ(statements.at("statements").size(), 3u);

  // The JSON form with the same options holds the same registry.
  ASSERT_TRUE(GenerateQuietly(o, Path("x.json")).ok());
  Json whole = Json::parse(Read(Path("x.json")));
  EXPECT_EQ(whole.at("parties"), registry.at("parties"));
  EXPECT_EQ(whole.at("sources"), registry.at("sources"));
  EXPECT_EQ(whole.at("statements"), statements.at("statements"));
}

TEST_F(GeneratorTest, ExplicitPartyCountAndZeroIncidents) {
  GeneratorOptions o = Small(0);
  o.parties = 40;
  ASSERT_TRUE(GenerateQuietly(o, Path("z.json")).ok());
  const Bundle b = DecodeBundle(Json::parse(Read(Path("z.json"))));
  ASSERT_FALSE(::testing::Test::HasFailure());
  EXPECT_TRUE(b.incidents.empty());
  EXPECT_TRUE(b.statements.empty());
  EXPECT_EQ(b.parties.size(), 40u);
  EXPECT_EQ(EffectivePartyCount(Small(1000000)), 2000);
  EXPECT_EQ(EffectivePartyCount(Small(10)), 6);
  EXPECT_EQ(EffectivePartyCount(Small(100000000)), 5000);
}

TEST_F(GeneratorTest, ProgressReachesTheTotal) {
  std::vector<std::pair<int64_t, int64_t>> calls;
  ASSERT_TRUE(Generate(Small(140000), Path("p.csv"), [&](int64_t done, int64_t total) {
                calls.emplace_back(done, total);
              }).ok());
  ASSERT_GE(calls.size(), 3u);
  for (size_t i = 1; i < calls.size(); ++i) EXPECT_GE(calls[i].first, calls[i - 1].first);
  EXPECT_EQ(calls.back(), std::make_pair(int64_t{140000}, int64_t{140000}));
}

TEST_F(GeneratorTest, RejectsBadOptionsAndPaths) {
  GeneratorOptions o = Small(10);
  o.cycles = 0;
  EXPECT_EQ(GenerateQuietly(o, Path("a.json")).code(), StatusCode::kInvalidArgument);
  o = Small(-1);
  EXPECT_EQ(GenerateQuietly(o, Path("a.json")).code(), StatusCode::kInvalidArgument);
  o = Small(10);
  o.parties = 3;
  EXPECT_EQ(GenerateQuietly(o, Path("a.json")).code(), StatusCode::kInvalidArgument);
  const Status bad_ext = GenerateQuietly(Small(10), Path("a.txt"));
  EXPECT_EQ(bad_ext.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_ext.message().find(".json"), std::string::npos);
  const Status no_dir = GenerateQuietly(Small(10), Path("missing/dir/a.json"));
  EXPECT_EQ(no_dir.code(), StatusCode::kIOError);
  EXPECT_TRUE(fs::is_empty(dir_));
}

}  // namespace
}  // namespace mara
