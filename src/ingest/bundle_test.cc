#include "ingest/bundle.h"

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>

namespace mara {
namespace {

std::string ParseError(std::string_view text) {
  auto r = ParseBundleText(text, "b.json");
  return r.ok() ? "" : r.status().message();
}

TEST(BundleTest, StructuralErrors) {
  EXPECT_EQ(ParseError(""), "b.json: empty file, expected a mara-bundle/1 JSON document");
  EXPECT_EQ(ParseError(" \n"), "b.json: empty file, expected a mara-bundle/1 JSON document");
  EXPECT_EQ(ParseError("{\"format\":\"mara-bundle/1\",\"situations\":[{\"id\":\"S\","),
            "b.json: byte 50: unexpected end of input; expected string literal");
  EXPECT_EQ(ParseError("{\"format\":\"mara-bundle/1\",\"situations\":[{\"id\":\"S"),
            "b.json: byte 48: invalid string: missing closing quote; last read: '\"S'");
  EXPECT_EQ(ParseError("{\"format\": \"mara-bundle/1\", \"x\": \"\xC3\x28\"}"),
            "b.json: byte 35: invalid UTF-8");
  EXPECT_EQ(ParseError("[1]"), "b.json: expected a JSON object at the top level, got an array");
  EXPECT_EQ(ParseError("{\"format\":\"mara-bundle/2\"}"),
            "b.json: /format: unsupported format 'mara-bundle/2' (expected 'mara-bundle/1')");
  EXPECT_EQ(ParseError("{\"situations\":[]}").substr(0, 24), "b.json: /format: missing");
  EXPECT_EQ(ParseError("{\"format\":\"mara-bundle/1\",\"people\":[]}").substr(0, 48),
            "b.json: /'people': unknown top-level field (expe");
}

TEST(BundleTest, DeepNestingFailsFastWithoutRecursion) {
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(ParseError(deep), "b.json: byte 65: nesting deeper than 64 levels");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  // Brackets inside strings do not count.
  std::string in_string =
      "{\"format\":\"mara-bundle/1\",\"situations\":[{\"id\":\"A\",\"name\":\"" +
      std::string(100, '[') + "\\\"" + "\",\"on_council_agenda\":true}]}";
  EXPECT_EQ(ParseError(in_string), "");
}

TEST(BundleTest, DecodeStopsOrCollects) {
  auto doc = ParseBundleText(R"({"format":"mara-bundle/1",
    "situations":[{"id":"A","name":"A","on_council_agenda":true},
                  {"id":"B","name":"B","on_council_agenda":"yes"}],
    "incidents": null, "findings": {}})",
                             "b.json");
  ASSERT_TRUE(doc.ok());
  auto strict = DecodeBundle(*doc, false);
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.status().message(),
            "/situations/1/on_council_agenda: expected true or false, got a string");
  auto doc2 = ParseBundleText(R"({"format":"mara-bundle/1",
    "situations":[{"id":"A","name":"A","on_council_agenda":true},
                  {"id":"B","name":"B","on_council_agenda":"yes"},
                  {"id":"C","name":"C","on_council_agenda":false}]})",
                              "b.json");
  auto loose = DecodeBundle(*doc2, true);
  ASSERT_TRUE(loose.ok());
  EXPECT_EQ(loose->bundle.situations.size(), 2u);
  EXPECT_EQ(loose->origin[0], (std::vector<size_t>{0, 2}));
  ASSERT_EQ(loose->rejects.size(), 1u);
  EXPECT_EQ(loose->rejects[0].pointer, "/situations/1");
  // A collection of the wrong type fails the document even when collecting.
  EXPECT_EQ(DecodeBundle(*doc, true).status().message(),
            "/findings: expected an array, got an object");
}

TEST(BundleTest, WrongCollectionType) {
  auto doc = ParseBundleText(R"({"format":"mara-bundle/1","findings":{}})", "b.json");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(DecodeBundle(*doc, true).status().message(),
            "/findings: expected an array, got an object");
}

TEST(BundleTest, CanonicalLayoutAndRoundTrip) {
  Bundle b;
  b.situations.push_back({"SIT-A", "A", true});
  b.situations.push_back({"SIT-B", "B", false});
  std::ostringstream out;
  ASSERT_TRUE(WriteBundle(b, out).ok());
  const std::string text = out.str();
  EXPECT_TRUE(text.starts_with(
      "{\"format\":\"mara-bundle/1\",\n\"situations\":[\n"
      "{\"id\":\"SIT-A\",\"name\":\"A\",\"on_council_agenda\":true},\n"
      "{\"id\":\"SIT-B\",\"name\":\"B\",\"on_council_agenda\":false}\n],\n\"parties\":[],\n"));
  EXPECT_TRUE(text.ends_with(",\n\"petitions\":[]\n}\n"));
  auto doc = ParseBundleText(text, "x");
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  auto decoded = DecodeBundle(*doc, false);
  ASSERT_TRUE(decoded.ok());
  std::ostringstream again;
  ASSERT_TRUE(WriteBundle(decoded->bundle, again).ok());
  EXPECT_EQ(again.str(), text);
}

}  // namespace
}  // namespace mara
