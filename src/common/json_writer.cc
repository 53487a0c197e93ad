#include "common/json_writer.h"

#include <charconv>

namespace mara {

void JsonWriter::NewLine(size_t depth) {
  if (indent_ < 0) return;
  out_.push_back('\n');
  out_.append(depth * static_cast<size_t>(indent_), ' ');
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (stack_.empty()) return;
  Level& level = stack_.back();
  if (level.count++ > 0) out_.push_back(',');
  NewLine(stack_.size());
}

void JsonWriter::Begin(char open, bool object) {
  BeforeValue();
  out_.push_back(open);
  stack_.push_back({object, 0});
}

void JsonWriter::End(char close) {
  const bool empty = stack_.back().count == 0;
  stack_.pop_back();
  if (!empty) NewLine(stack_.size());
  out_.push_back(close);
}

JsonWriter& JsonWriter::BeginObject() {
  Begin('{', true);
  return *this;
}
JsonWriter& JsonWriter::EndObject() {
  End('}');
  return *this;
}
JsonWriter& JsonWriter::BeginArray() {
  Begin('[', false);
  return *this;
}
JsonWriter& JsonWriter::EndArray() {
  End(']');
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  BeforeValue();
  Quote(key);
  out_.append(indent_ < 0 ? ":" : ": ");
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view value) {
  BeforeValue();
  Quote(value);
  return *this;
}

void JsonWriter::Quote(std::string_view value) {
  out_.push_back('"');
  static constexpr char kHex[] = "0123456789abcdef";
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out_.append(value.substr(run, i - run));
    run = i + 1;
    switch (c) {
      case '"':
        out_.append("\\\"");
        break;
      case '\\':
        out_.append("\\\\");
        break;
      case '\b':
        out_.append("\\b");
        break;
      case '\f':
        out_.append("\\f");
        break;
      case '\n':
        out_.append("\\n");
        break;
      case '\r':
        out_.append("\\r");
        break;
      case '\t':
        out_.append("\\t");
        break;
      default:
        out_.append("\\u00");
        out_.push_back(kHex[c >> 4]);
        out_.push_back(kHex[c & 0x0f]);
    }
  }
  out_.append(value.substr(run));
  out_.push_back('"');
}

JsonWriter& JsonWriter::Int(int64_t value) {
  BeforeValue();
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)ec;  // 24 bytes hold any int64_t
  out_.append(buffer, end);
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  BeforeValue();
  out_.append(value ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::Null() {
  BeforeValue();
  out_.append("null");
  return *this;
}

}  // namespace mara
