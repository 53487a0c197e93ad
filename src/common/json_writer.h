// JsonWriter: streams JSON text, laid out exactly as nlohmann::json's
// dump(indent) lays out the same document (members in the order written,
// ", " never, ": " after keys, one member or element per line, "{}" and "[]"
// for empty containers, the same string escapes), so large outputs need no
// document tree in memory and still match the tree-built output byte for
// byte.
//
// Contract: the caller writes a well-formed sequence (a Key before each
// object member, balanced Begin/End); a misuse is a programming error, not
// user input, and is not diagnosed. Strings must be valid UTF-8 (the domain
// validates every text field on the way in). Appends to a caller-owned
// string; not thread-safe.
#ifndef MARA_COMMON_JSON_WRITER_H_
#define MARA_COMMON_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace mara {

class JsonWriter {
 public:
  // indent < 0 writes the compact form of dump() without an argument.
  explicit JsonWriter(std::string* out, int indent = 2) : out_(*out), indent_(indent) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);

  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();

  // Key then value, for the common case.
  JsonWriter& Field(std::string_view key, std::string_view value) { return Key(key).String(value); }
  JsonWriter& Field(std::string_view key, const char* value) { return Key(key).String(value); }
  JsonWriter& Field(std::string_view key, bool value) { return Key(key).Bool(value); }
  template <typename T>
  requires(std::is_integral_v<T> &&
           !std::is_same_v<T, bool>) JsonWriter& Field(std::string_view key, T value) {
    return Key(key).Int(static_cast<int64_t>(value));
  }

 private:
  struct Level {
    bool object;
    int count;
  };
  void BeforeValue();
  void Begin(char open, bool object);
  void End(char close);
  void NewLine(size_t depth);
  void Quote(std::string_view value);

  std::string& out_;
  int indent_;
  std::vector<Level> stack_;
  bool after_key_ = false;
};

}  // namespace mara

#endif  // MARA_COMMON_JSON_WRITER_H_
