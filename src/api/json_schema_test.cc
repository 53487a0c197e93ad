// The JSON Schema subset of api/json_schema.h on values and schemas in
// memory, and the API's own schemas (api/schemas.h) checked to use only
// that subset.
#include "api/json_schema.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "api/schemas.h"

namespace mara::api {
namespace {

using OJson = nlohmann::ordered_json;

const OJson& Components() {
  static const OJson kComponents = OJson::parse(R"({
    "Attribution": {
      "type": "object",
      "required": ["party", "standard"],
      "properties": {
        "party": {"type": "string", "minLength": 1},
        "standard": {"type": "string", "enum": ["credible_information", "reasonable_grounds"]}
      },
      "additionalProperties": false
    },
    "Record": {
      "type": "object",
      "required": ["id", "cycle"],
      "properties": {
        "id": {"type": "string", "pattern": "^[A-Z]-[0-9]+$"},
        "cycle": {"type": "integer", "minimum": 1000, "maximum": 9999},
        "count": {"type": "integer", "minimum": 0},
        "share": {"type": "number", "maximum": 1},
        "day": {"type": "string", "format": "date"},
        "note": {"type": "string", "maxLength": 3},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
        "flag": {"type": "boolean"},
        "parent": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Attribution"}]},
        "label": {"type": ["string", "null"]},
        "perpetrators": {"type": "array", "items": {"$ref": "#/components/schemas/Attribution"}}
      },
      "additionalProperties": false
    }
  })");
  return kComponents;
}

// The violation of `text` (JSON) against the Record schema.
std::optional<SchemaViolation> RecordViolation(const std::string& text) {
  return Validate(OJson::parse(text), Components()["Record"], Components());
}

TEST(JsonSchemaValidator, AcceptsAValidRecord) {
  EXPECT_FALSE(RecordViolation(R"({"id": "I-12", "cycle": 2025})"));
  EXPECT_FALSE(RecordViolation(R"({
    "id": "I-1", "cycle": 1000, "count": 0, "share": 0.5, "day": "2024-02-29", "note": "été",
    "tags": ["a", "b"], "flag": false, "parent": null, "label": null,
    "perpetrators": [{"party": "P-1", "standard": "reasonable_grounds"}]})"));
  // An integer written as 2025.0 is an integer, as JSON Schema has it.
  EXPECT_FALSE(RecordViolation(R"({"id": "I-1", "cycle": 2025.0})"));
}

TEST(JsonSchemaValidator, NamesAMissingMemberByPointerAndInWords) {
  auto v = RecordViolation(R"({"id": "I-1"})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->pointer, "/cycle");
  EXPECT_EQ(v->field, "cycle");
  EXPECT_EQ(v->Detail(), "field 'cycle': missing required field");
}

TEST(JsonSchemaValidator, SaysWhatTypeItExpectedAndWhatItGot) {
  auto v = RecordViolation(R"({"id": "I-1", "cycle": "2025"})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->Detail(), "field 'cycle': expected an integer, got a string");
  v = RecordViolation(R"({"id": "I-1", "cycle": 2025, "flag": 1})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->Detail(), "field 'flag': expected true or false, got an integer");
  v = RecordViolation(R"({"id": "I-1", "cycle": 2025, "label": 3})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->Detail(), "field 'label': expected a string or null, got an integer");
  v = Validate(OJson::parse("[1]"), Components()["Record"], Components());
  ASSERT_TRUE(v);
  EXPECT_EQ(v->pointer, "");
  EXPECT_EQ(v->Detail(), "body: expected an object, got a list");
}

TEST(JsonSchemaValidator, StatesRangesInWords) {
  auto v = RecordViolation(R"({"id": "I-1", "cycle": 12})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->message, "expected an integer from 1000 to 9999, got 12");
  v = RecordViolation(R"({"id": "I-1", "cycle": 2025, "count": -1})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->message, "expected a non-negative integer, got -1");
  // A member that may also be null is still an integer in words.
  OJson nullable = OJson::parse(R"({"type": ["integer", "null"], "minimum": 0})");
  v = Validate(OJson(-2), nullable, Components());
  ASSERT_TRUE(v);
  EXPECT_EQ(v->message, "expected a non-negative integer, got -2");
  v = RecordViolation(R"({"id": "I-1", "cycle": 2025, "share": 1.5})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->message, "expected a number of at most 1, got 1.5");
}

TEST(JsonSchemaValidator, ChecksTextLengthInCharactersPatternsAndDays) {
  // Three characters in five bytes fit a maxLength of 3; four do not.
  EXPECT_FALSE(RecordViolation(R"({"id": "I-1", "cycle": 2025, "note": "été"})"));
  auto v = RecordViolation(R"({"id": "I-1", "cycle": 2025, "note": "étés"})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->message, "longer than 3 characters");
  v = RecordViolation(R"({"id": "i-1", "cycle": 2025})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->pointer, "/id");
  EXPECT_NE(v->message.find("got 'i-1'"), std::string::npos) << v->message;
  v = RecordViolation(R"({"id": "I-1", "cycle": 2025, "day": "2025-02-30"})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->message, "expected a date string YYYY-MM-DD, got '2025-02-30'");
  v = RecordViolation(R"({"id": "I-1", "cycle": 2025, "day": "2025-2-3"})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->pointer, "/day");
}

TEST(JsonSchemaValidator, RefusesUnknownMembersAndValuesOutsideAnEnum) {
  auto v = RecordViolation(R"({"id": "I-1", "cycle": 2025, "colour": "red"})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->pointer, "/colour");
  EXPECT_NE(v->message.find("unknown field"), std::string::npos) << v->message;
  v = RecordViolation(
      R"({"id": "I-1", "cycle": 2025, "perpetrators": [{"party": "P", "standard": "credible_information"}, {"party": "P", "standard": "rumour"}]})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->pointer, "/perpetrators/1/standard");
  EXPECT_EQ(v->Detail(),
            "field 'perpetrator 2, standard': expected one of credible_information or "
            "reasonable_grounds, got 'rumour'");
}

TEST(JsonSchemaValidator, ChecksListsAndTheirItems) {
  auto v = RecordViolation(R"({"id": "I-1", "cycle": 2025, "tags": ["a", 2]})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->pointer, "/tags/1");
  EXPECT_EQ(v->field, "tag 2");
  v = RecordViolation(R"({"id": "I-1", "cycle": 2025, "tags": ["a", "b", "c"]})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->message, "expected at most 2 items");
}

TEST(JsonSchemaValidator, OneOfReportsTheAlternativeTheValueCouldBe) {
  // Not null, so the object alternative's own violation is the message.
  auto v = RecordViolation(R"({"id": "I-1", "cycle": 2025, "parent": {"party": ""}})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->pointer, "/parent/standard");
  EXPECT_EQ(v->message, "missing required field");
  v = RecordViolation(
      R"({"id": "I-1", "cycle": 2025, "parent": {"party": "", "standard": "reasonable_grounds"}})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->pointer, "/parent/party");
  EXPECT_EQ(v->message, "must not be empty");
  v = RecordViolation(R"({"id": "I-1", "cycle": 2025, "parent": 7})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->message, "matches none of the allowed forms");
}

TEST(JsonSchemaValidator, AnUnknownReferenceIsAViolationNotACrash) {
  OJson schema = {{"$ref", "#/components/schemas/Nothing"}};
  auto v = Validate(OJson::object(), schema, Components());
  ASSERT_TRUE(v);
  EXPECT_NE(v->message.find("Nothing"), std::string::npos);
}

TEST(JsonSchemaValidator, DeepNestingIsRefusedWithoutRecursingForever) {
  OJson components = {
      {"Tree", {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/Tree"}}}}}};
  OJson value = OJson::array();
  for (int i = 0; i < 200; ++i) value = OJson::array({value});
  auto v = Validate(value, components["Tree"], components);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->message, "nested too deeply");
}

TEST(JsonSchemaValidator, PlainFieldNamesReadAsWords) {
  EXPECT_EQ(PlainFieldName(""), "body");
  EXPECT_EQ(PlainFieldName("/verified_on"), "verified on");
  EXPECT_EQ(PlainFieldName("/victims/women"), "victims, women");
  EXPECT_EQ(PlainFieldName("/perpetrators/0/party"), "perpetrator 1, party");
  EXPECT_EQ(PlainFieldName("/0"), "item 1");
  EXPECT_EQ(PlainFieldName("/a~1b"), "a/b");
}

TEST(JsonSchemaValidator, UnsupportedKeywordsAreFound) {
  EXPECT_FALSE(UnsupportedKeyword(Components()["Record"], Components()));
  EXPECT_EQ(UnsupportedKeyword(OJson::parse(R"({"type": "object", "allOf": []})"), Components()),
            ": allOf");
  EXPECT_EQ(UnsupportedKeyword(
                OJson::parse(R"({"properties": {"a": {"items": {"exclusiveMinimum": 1}}}})"),
                Components()),
            "/properties/a/items: exclusiveMinimum");
  EXPECT_EQ(
      UnsupportedKeyword(OJson::parse(R"({"$ref": "#/components/schemas/None"})"), Components()),
      R"(: $ref "#/components/schemas/None")");
  EXPECT_EQ(UnsupportedKeyword(OJson::parse(R"({"format": "email"})"), Components()),
            R"(: format "email")");
}

// Every schema the API declares uses only what the validator implements,
// so none of its keywords is silently skipped when a body is checked.
TEST(ApiSchemas, UseOnlyTheValidatorsKeywords) {
  const OJson& all = ComponentSchemas();
  ASSERT_GE(all.size(), 40u);
  for (const auto& [name, schema] : all.items()) {
    std::optional<std::string> bad = UnsupportedKeyword(schema, all);
    EXPECT_FALSE(bad) << name << bad.value_or("");
  }
  EXPECT_TRUE(HasSchema("Problem"));
  EXPECT_TRUE(HasSchema("DecisionInput"));
  EXPECT_FALSE(HasSchema("Nothing"));
  EXPECT_EQ(SchemaRef("Incident")["$ref"], "#/components/schemas/Incident");
}

// Enumerations come from the domain's spellings.
TEST(ApiSchemas, TakeEnumerationsFromTheDomain) {
  const OJson& all = ComponentSchemas();
  const OJson& status = all["DecisionInput"]["properties"]["status"];
  EXPECT_EQ(status["enum"], OJson::array({"none", "on_notice", "listed"}));
  EXPECT_FALSE(Validate(OJson::parse(R"({"party": "P", "cycle": 2025, "status": "listed",
                                        "rationale": "r"})"),
                        all["DecisionInput"], all));
  auto v = Validate(OJson::parse(R"({"party": "P", "cycle": 2025, "status": "famous",
                                     "rationale": "r"})"),
                    all["DecisionInput"], all);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->Detail(), "field 'status': expected one of none, on_notice or listed, got 'famous'");
}

// An incident's optional members may be null, as the record's decoder
// reads them; required ones may not.
TEST(ApiSchemas, IncidentInputFollowsTheRecordDecoder) {
  const OJson& all = ComponentSchemas();
  OJson incident = OJson::parse(R"({
    "id": "I-1", "situation": "SIT-VAL", "date": "2025-08-01", "location": {"name": "K", "lat": null},
    "violations": ["rape"], "context": "attack", "status": "reported", "narrative": null,
    "victims": {"women": 2, "men": null}})");
  EXPECT_FALSE(Validate(incident, all["IncidentInput"], all));
  // A new incident may come without its id: Mara gives it one.
  incident.erase("id");
  EXPECT_FALSE(Validate(incident, all["IncidentInput"], all));
  incident["id"] = 7;
  auto v = Validate(incident, all["IncidentInput"], all);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->pointer, "/id");
  incident.erase("id");
  EXPECT_FALSE(Validate(incident, all["IncidentReplacement"], all));
  incident["situation"] = nullptr;
  v = Validate(incident, all["IncidentReplacement"], all);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->pointer, "/situation");
}

}  // namespace
}  // namespace mara::api
