// The data-driven case suite: every tests/cases/*.json is one test. A case
// holds a mara-bundle/1 document, optional policy overrides and the
// expected status (and optionally other fields) of named parties per cycle.
// Shared records live in tests/cases/fixtures/NAME.json; a case's
// "fixtures" names them, and the bundle it runs is each fixture's records
// followed by its own (its own record replaces a fixture's of the same id).
// Each case runs twice: in memory (the bundle decoded with the JSON codec)
// and through a real SQLite store in a temporary directory (imported with
// the import service, assessed with the assessment service); both must
// meet the expectations and give the same assessment.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "domain/json_codec.h"
#include "policy/assessment_output.h"
#include "policy/engine.h"
#include "policy/policy.h"
#include "service/assess.h"
#include "service/core.h"
#include "service/import.h"
#include "storage/store.h"

namespace mara {
namespace {

namespace fs = std::filesystem;

fs::path CasesDir() { return fs::path(MARA_SOURCE_DIR) / "tests" / "cases"; }

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(CasesDir())) {
    if (entry.path().extension() == ".json") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

template <typename T>
Status DecodeCollection(const Json& bundle, const char* key, std::vector<T>* out) {
  if (!bundle.contains(key)) return Status::Ok();
  const Json& array = bundle.at(key);
  if (!array.is_array()) return Status::InvalidArgument(std::string("/") + key + ": not an array");
  for (size_t i = 0; i < array.size(); ++i) {
    T value;
    Status s = FromJson(array[i], &value);
    if (!s.ok()) return PrefixPointer(s, "/bundle/" + std::string(key) + "/" + std::to_string(i));
    out->push_back(std::move(value));
  }
  return Status::Ok();
}

Status DecodeBundle(const Json& j, Bundle* b) {
  MARA_RETURN_IF_ERROR(DecodeCollection(j, "situations", &b->situations));
  MARA_RETURN_IF_ERROR(DecodeCollection(j, "parties", &b->parties));
  MARA_RETURN_IF_ERROR(DecodeCollection(j, "sources", &b->sources));
  MARA_RETURN_IF_ERROR(DecodeCollection(j, "incidents", &b->incidents));
  MARA_RETURN_IF_ERROR(DecodeCollection(j, "findings", &b->findings));
  MARA_RETURN_IF_ERROR(DecodeCollection(j, "commitments", &b->commitments));
  MARA_RETURN_IF_ERROR(DecodeCollection(j, "decisions", &b->decisions));
  MARA_RETURN_IF_ERROR(DecodeCollection(j, "designations", &b->designations));
  MARA_RETURN_IF_ERROR(DecodeCollection(j, "statements", &b->statements));
  MARA_RETURN_IF_ERROR(DecodeCollection(j, "engagements", &b->engagements));
  MARA_RETURN_IF_ERROR(DecodeCollection(j, "petitions", &b->petitions));
  return Status::Ok();
}

// The case's bundle with its fixtures' records in front.
Result<Json> BundleWithFixtures(const Json& c) {
  Json bundle = c.at("bundle");
  if (!c.contains("fixtures")) return bundle;
  if (!c["fixtures"].is_array()) return Status::InvalidArgument("/fixtures: not an array");
  for (const Json& name : c["fixtures"]) {
    if (!name.is_string()) return Status::InvalidArgument("/fixtures: not a name");
    const fs::path path = CasesDir() / "fixtures" / (name.get<std::string>() + ".json");
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::NotFound(path.string() + ": no such fixture");
    std::stringstream text;
    text << in.rdbuf();
    Json fixture = Json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    if (!fixture.is_object()) return Status::InvalidArgument(path.string() + ": not a JSON object");
    for (const auto& [key, records] : fixture.items()) {
      if (key == "description") continue;
      if (!records.is_array()) return Status::InvalidArgument(path.string() + ": /" + key);
      Json own = bundle.contains(key) ? bundle[key] : Json::array();
      std::set<std::string> own_ids;
      for (const Json& r : own) {
        if (r.contains("id") && r["id"].is_string()) own_ids.insert(r["id"].get<std::string>());
      }
      Json merged = Json::array();
      for (const Json& r : records) {
        const bool replaced = r.contains("id") && r["id"].is_string() &&
                              own_ids.count(r["id"].get<std::string>()) > 0;
        if (!replaced) merged.push_back(r);
      }
      for (const Json& r : own) merged.push_back(r);
      bundle[key] = std::move(merged);
    }
  }
  return bundle;
}

Status PolicyOf(const Json& c, Policy* policy) {
  MARA_ASSIGN_OR_RETURN(*policy, DefaultPolicy());
  if (!c.contains("policy")) return Status::Ok();
  for (const auto& [key, value] : c.at("policy").items()) {
    ParamValue v;
    if (value.is_boolean()) {
      v = value.get<bool>();
    } else if (value.is_number_integer()) {
      v = value.get<int64_t>();
    } else if (value.is_string()) {
      v = value.get<std::string>();
    } else {
      return Status::InvalidArgument("/policy/" + key + ": expected a boolean, integer or string");
    }
    MARA_RETURN_IF_ERROR(SetParam(policy, key, v));
  }
  return Status::Ok();
}

// Checks one expectation against an assessment of its cycle; a party absent
// from the assessment has status none and nothing else.
void CheckExpectation(const Json& e, const Assessment& a, const std::string& where) {
  std::string party = e.at("party").get<std::string>();
  SCOPED_TRACE(where + ": party " + party + ", cycle " + std::to_string(a.cycle));
  PartyAssessment none;
  const PartyAssessment* p = a.Find(party);
  if (p == nullptr) p = &none;
  EXPECT_EQ(ToString(p->status), e.at("status").get<std::string>());
  if (e.contains("recommended_status")) {
    EXPECT_EQ(ToString(p->recommended_status), e["recommended_status"].get<std::string>());
  }
  if (e.contains("previous_status")) {
    EXPECT_EQ(ToString(p->previous_status), e["previous_status"].get<std::string>());
  }
  if (e.contains("persistent")) {
    EXPECT_EQ(p->persistent, e["persistent"].get<bool>());
  }
  if (e.contains("decided")) {
    EXPECT_EQ(p->decided, e["decided"].get<bool>());
  }
  if (e.contains("override")) {
    EXPECT_EQ(p->override, e["override"].get<bool>());
  }
  if (e.contains("consecutive_listed_cycles")) {
    EXPECT_EQ(p->consecutive_listed_cycles, e["consecutive_listed_cycles"].get<int>());
  }
  // {"rule": true | false | null}: the first criterion of that rule is met,
  // not met, or absent from the statement.
  if (e.contains("criteria_met")) {
    for (const auto& item : e["criteria_met"].items()) {
      const std::string rule = item.key();
      const Json& met = item.value();
      auto it = std::find_if(p->criteria.begin(), p->criteria.end(),
                             [&rule](const Criterion& c) { return c.rule == rule; });
      if (met.is_null()) {
        EXPECT_TRUE(it == p->criteria.end()) << rule << " is shown";
      } else {
        ASSERT_TRUE(it != p->criteria.end()) << rule << " is not shown";
        EXPECT_EQ(it->met, met.get<bool>()) << rule;
      }
    }
  }
}

class CaseSuite : public ::testing::TestWithParam<std::string> {};

TEST_P(CaseSuite, Expectations) {
  fs::path path = CasesDir() / (GetParam() + ".json");
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  Json c = Json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(c.is_discarded()) << path << ": not JSON";
  ASSERT_TRUE(c.contains("description") && c.contains("bundle") && c.contains("expect")) << path;
  ASSERT_FALSE(c["expect"].empty()) << path;

  Result<Json> full = BundleWithFixtures(c);
  ASSERT_TRUE(full.ok()) << path << ": " << full.status().ToString();
  c["bundle"] = *full;
  Bundle bundle;
  Status decoded = DecodeBundle(c["bundle"], &bundle);
  ASSERT_TRUE(decoded.ok()) << path << decoded.ToString();
  Policy policy;
  Status policy_status = PolicyOf(c, &policy);
  ASSERT_TRUE(policy_status.ok()) << path << ": " << policy_status.ToString();

  std::set<int> cycles;
  for (const Json& e : c["expect"]) cycles.insert(e.at("cycle").get<int>());

  // In memory.
  std::map<int, Assessment> memory;
  for (int cycle : cycles) memory.emplace(cycle, AssessBundle(bundle, policy, cycle));
  for (const Json& e : c["expect"]) {
    CheckExpectation(e, memory.at(e["cycle"].get<int>()), "in memory");
  }

  // Through a real SQLite store.
  fs::path dir = fs::temp_directory_path() /
                 ("mara_case_" + GetParam() + "_" +
                  std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string bundle_path = (dir / "bundle.json").string();
  {
    std::ofstream out(bundle_path, std::ios::binary);
    out << c["bundle"].dump();
  }
  {
    Result<std::unique_ptr<Store>> store = OpenStore((dir / "mara.db").string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ImportOptions options;
    options.format = "bundle";
    Result<ImportReport> imported = ImportFile(**store, bundle_path, options);
    ASSERT_TRUE(imported.ok()) << imported.status().ToString();
    for (int cycle : cycles) {
      Result<Assessment> stored = AssessCycle(**store, policy, cycle);
      ASSERT_TRUE(stored.ok()) << stored.status().ToString();
      EXPECT_EQ(stored->data_digest.size(), 64u);
      Assessment from_store = *stored;
      from_store.data_digest.clear();
      EXPECT_EQ(AssessmentToJson(from_store).dump(), AssessmentToJson(memory.at(cycle)).dump())
          << "store and memory disagree for cycle " << cycle;
    }
    for (const Json& e : c["expect"]) {
      Result<Assessment> stored = AssessCycle(**store, policy, e["cycle"].get<int>());
      ASSERT_TRUE(stored.ok());
      CheckExpectation(e, *stored, "sqlite store");
    }
  }
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Cases, CaseSuite, ::testing::ValuesIn(CaseNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

TEST(CaseSuiteInventory, AtLeastFortyCases) { EXPECT_GE(CaseNames().size(), 40u); }

}  // namespace
}  // namespace mara
