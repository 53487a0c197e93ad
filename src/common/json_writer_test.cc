#include "common/json_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace mara {
namespace {

using Json = nlohmann::ordered_json;

// Writes `j` through the writer, member by member.
void Emit(JsonWriter& w, const Json& j) {
  if (j.is_object()) {
    w.BeginObject();
    for (const auto& [key, value] : j.items()) {
      w.Key(key);
      Emit(w, value);
    }
    w.EndObject();
  } else if (j.is_array()) {
    w.BeginArray();
    for (const Json& value : j) Emit(w, value);
    w.EndArray();
  } else if (j.is_string()) {
    w.String(j.get<std::string>());
  } else if (j.is_boolean()) {
    w.Bool(j.get<bool>());
  } else if (j.is_null()) {
    w.Null();
  } else {
    w.Int(j.get<int64_t>());
  }
}

TEST(JsonWriterTest, LaysOutExactlyAsDump) {
  const Json doc = Json::parse(R"({
    "cycle": 2025, "negative": -17, "big": 9223372036854775807,
    "empty_object": {}, "empty_array": [], "nested": {"a": [1, [], {}, [2, {"b": null}]]},
    "flags": [true, false, null],
    "escapes": "quote \" backslash \\ slash / newline \n tab \t cr \r bs \b ff \f bell \u0007 del \u007f",
    "unicode": "Forces armées – Ñ 中文 🙂",
    "": "empty key"
  })");
  for (int indent : {-1, 0, 2, 4}) {
    SCOPED_TRACE(indent);
    std::string out;
    JsonWriter w(&out, indent);
    Emit(w, doc);
    EXPECT_EQ(out, doc.dump(indent));
  }
}

TEST(JsonWriterTest, TopLevelScalarsAndFields) {
  std::string out;
  JsonWriter(&out).String("x");
  EXPECT_EQ(out, "\"x\"");
  out.clear();
  JsonWriter w(&out);
  w.BeginObject()
      .Field("n", 3)
      .Field("s", "t")
      .Field("b", true)
      .Field("l", int64_t{-1})
      .EndObject();
  EXPECT_EQ(out, "{\n  \"n\": 3,\n  \"s\": \"t\",\n  \"b\": true,\n  \"l\": -1\n}");
}

}  // namespace
}  // namespace mara
