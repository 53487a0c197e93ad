#include "api/json_schema.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>
#include <string_view>
#include <vector>

#include "common/date.h"
#include "common/text.h"

namespace mara::api {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kRefPrefix = "#/components/schemas/";

std::string EscapePointer(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string UnescapePointer(std::string_view part) {
  std::string out;
  for (size_t i = 0; i < part.size(); ++i) {
    if (part[i] == '~' && i + 1 < part.size() && (part[i + 1] == '0' || part[i + 1] == '1')) {
      out.push_back(part[i + 1] == '0' ? '~' : '/');
      ++i;
    } else {
      out.push_back(part[i]);
    }
  }
  return out;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The JSON type names a value satisfies ("integer" values are numbers too).
bool HasType(const Json& value, std::string_view type) {
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "string") return value.is_string();
  if (type == "boolean") return value.is_boolean();
  if (type == "null") return value.is_null();
  if (type == "number") return value.is_number();
  if (type == "integer") {
    if (value.is_number_integer()) return true;
    if (!value.is_number_float()) return false;
    const double d = value.get<double>();
    return d == static_cast<double>(static_cast<int64_t>(d));
  }
  return false;
}

std::string TypeInWords(std::string_view type) {
  if (type == "object") return "an object";
  if (type == "array") return "a list";
  if (type == "string") return "a string";
  if (type == "boolean") return "true or false";
  if (type == "null") return "null";
  if (type == "number") return "a number";
  if (type == "integer") return "an integer";
  return std::string(type);
}

std::string ValueKind(const Json& value) {
  if (value.is_object()) return "an object";
  if (value.is_array()) return "a list";
  if (value.is_string()) return "a string";
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_null()) return "null";
  if (value.is_number_integer()) return "an integer";
  return "a number";
}

// The value for a message: strings quoted and cut, others as JSON.
std::string Shown(const Json& value) {
  if (value.is_string()) return QuoteForMessage(value.get<std::string>());
  if (value.is_number() || value.is_boolean() || value.is_null()) return value.dump();
  return ValueKind(value);
}

std::vector<std::string> TypesOf(const Json& schema) {
  std::vector<std::string> out;
  auto it = schema.find("type");
  if (it == schema.end()) return out;
  if (it->is_string()) {
    out.push_back(it->get<std::string>());
  } else if (it->is_array()) {
    for (const Json& t : *it) {
      if (t.is_string()) out.push_back(t.get<std::string>());
    }
  }
  return out;
}

size_t Characters(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string Number(const Json& n) {
  if (n.is_number_float()) {
    const double d = n.get<double>();
    if (d == static_cast<double>(static_cast<int64_t>(d))) {
      return std::to_string(static_cast<int64_t>(d));
    }
  }
  return n.dump();
}

std::string Join(const std::vector<std::string>& items, std::string_view last) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? std::string(last) : std::string(", ");
    out += items[i];
  }
  return out;
}

class Validator {
 public:
  explicit Validator(const Json& components) : components_(components) {}

  std::optional<SchemaViolation> Check(const Json& value, const Json& schema,
                                       const std::string& ptr, int depth) const {
    if (depth > 64) return Fail(ptr, "nested too deeply");
    if (schema.is_boolean()) {
      if (schema.get<bool>()) return std::nullopt;
      return Fail(ptr, "not allowed here");
    }
    if (!schema.is_object()) return std::nullopt;
    if (auto ref = schema.find("$ref"); ref != schema.end()) {
      const Json* target = Resolve(*ref);
      if (target == nullptr) return Fail(ptr, "the schema names an unknown " + ref->dump());
      if (auto v = Check(value, *target, ptr, depth + 1)) return v;
    }
    if (auto one = schema.find("oneOf"); one != schema.end()) {
      if (auto v = OneOf(value, *one, ptr, depth)) return v;
    }
    const std::vector<std::string> types = TypesOf(schema);
    if (!types.empty()) {
      bool ok = false;
      for (const std::string& t : types) ok = ok || HasType(value, t);
      if (!ok) {
        std::vector<std::string> words;
        for (const std::string& t : types) words.push_back(TypeInWords(t));
        return Fail(ptr, "expected " + Join(words, " or ") + ", got " + ValueKind(value));
      }
    }
    if (auto e = schema.find("enum"); e != schema.end() && e->is_array()) {
      bool found = false;
      for (const Json& allowed : *e) found = found || allowed == value;
      if (!found) {
        std::vector<std::string> names;
        for (const Json& allowed : *e) {
          names.push_back(allowed.is_string() ? allowed.get<std::string>() : allowed.dump());
        }
        return Fail(ptr, "expected one of " + Join(names, " or ") + ", got " + Shown(value));
      }
    }
    if (value.is_number()) {
      if (auto v = Range(value, schema, ptr)) return v;
    }
    if (value.is_string()) {
      if (auto v = Text(value.get<std::string>(), schema, ptr)) return v;
    }
    if (value.is_array()) {
      if (auto v = List(value, schema, ptr, depth)) return v;
    }
    if (value.is_object()) {
      if (auto v = Object(value, schema, ptr, depth)) return v;
    }
    return std::nullopt;
  }

 private:
  static SchemaViolation Fail(const std::string& ptr, std::string message) {
    return SchemaViolation{ptr, PlainFieldName(ptr), std::move(message)};
  }

  const Json* Resolve(const Json& ref) const {
    if (!ref.is_string()) return nullptr;
    const std::string text = ref.get<std::string>();
    if (!text.starts_with(kRefPrefix)) return nullptr;
    auto it = components_.find(text.substr(kRefPrefix.size()));
    return it == components_.end() ? nullptr : &*it;
  }

  // The alternatives whose type admits the value: with exactly one, its
  // own violation is the clearest message.
  std::optional<SchemaViolation> OneOf(const Json& value, const Json& alternatives,
                                       const std::string& ptr, int depth) const {
    if (!alternatives.is_array()) return std::nullopt;
    int matched = 0;
    std::vector<const Json*> typed;
    std::optional<SchemaViolation> first;
    for (const Json& alt : alternatives) {
      std::optional<SchemaViolation> v = Check(value, alt, ptr, depth + 1);
      if (!v) {
        ++matched;
        continue;
      }
      const Json* target = &alt;
      if (auto ref = alt.find("$ref"); ref != alt.end()) {
        if (const Json* r = Resolve(*ref)) target = r;
      }
      const std::vector<std::string> types = TypesOf(*target);
      bool admits = types.empty();
      for (const std::string& t : types) admits = admits || HasType(value, t);
      if (admits) {
        typed.push_back(&alt);
        if (!first) first = v;
      }
    }
    if (matched == 1) return std::nullopt;
    if (matched > 1) return Fail(ptr, "matches more than one of the allowed forms");
    if (typed.size() == 1 && first) return first;
    return Fail(ptr, "matches none of the allowed forms");
  }

  static std::optional<SchemaViolation> Range(const Json& value, const Json& schema,
                                              const std::string& ptr) {
    auto lo = schema.find("minimum");
    auto hi = schema.find("maximum");
    const bool has_lo = lo != schema.end() && lo->is_number();
    const bool has_hi = hi != schema.end() && hi->is_number();
    if (!has_lo && !has_hi) return std::nullopt;
    const double d = value.get<double>();
    const bool below = has_lo && d < lo->get<double>();
    const bool above = has_hi && d > hi->get<double>();
    if (!below && !above) return std::nullopt;
    // "an integer" where the schema takes integers and no other number.
    const std::vector<std::string> types = TypesOf(schema);
    auto takes = [&](std::string_view t) {
      return std::find(types.begin(), types.end(), t) != types.end();
    };
    const std::string what = takes("integer") && !takes("number") ? "an integer" : "a number";
    std::string message;
    if (has_lo && has_hi) {
      message = "expected " + what + " from " + Number(*lo) + " to " + Number(*hi);
    } else if (has_lo && lo->get<double>() == 0 && what == "an integer") {
      message = "expected a non-negative integer";
    } else if (has_lo) {
      message = "expected " + what + " of at least " + Number(*lo);
    } else {
      message = "expected " + what + " of at most " + Number(*hi);
    }
    return Fail(ptr, message + ", got " + value.dump());
  }

  static std::optional<SchemaViolation> Text(const std::string& text, const Json& schema,
                                             const std::string& ptr) {
    if (auto min = schema.find("minLength"); min != schema.end() && min->is_number_integer()) {
      if (Characters(text) < min->get<size_t>()) {
        if (min->get<size_t>() == 1) return Fail(ptr, "must not be empty");
        return Fail(ptr, "expected at least " + Number(*min) + " characters");
      }
    }
    if (auto max = schema.find("maxLength"); max != schema.end() && max->is_number_integer()) {
      if (Characters(text) > max->get<size_t>()) {
        return Fail(ptr, "longer than " + Number(*max) + " characters");
      }
    }
    if (auto pattern = schema.find("pattern"); pattern != schema.end() && pattern->is_string()) {
      try {
        const std::regex re(pattern->get<std::string>(), std::regex::ECMAScript);
        if (!std::regex_search(text, re)) {
          return Fail(ptr, "does not have the expected form (" + pattern->get<std::string>() +
                               "), got " + QuoteForMessage(text));
        }
      } catch (const std::regex_error&) {
        return Fail(ptr, "the schema's pattern cannot be used");
      }
    }
    if (auto format = schema.find("format"); format != schema.end() && *format == "date") {
      if (!Date::Parse(text).ok()) {
        return Fail(ptr, "expected a date string YYYY-MM-DD, got " + QuoteForMessage(text));
      }
    }
    return std::nullopt;
  }

  std::optional<SchemaViolation> List(const Json& value, const Json& schema, const std::string& ptr,
                                      int depth) const {
    if (auto min = schema.find("minItems"); min != schema.end() && min->is_number_integer()) {
      if (value.size() < min->get<size_t>()) {
        return Fail(ptr, min->get<size_t>() == 1 ? std::string("must not be empty")
                                                 : "expected at least " + Number(*min) + " items");
      }
    }
    if (auto max = schema.find("maxItems"); max != schema.end() && max->is_number_integer()) {
      if (value.size() > max->get<size_t>()) {
        return Fail(ptr, "expected at most " + Number(*max) + " items");
      }
    }
    auto items = schema.find("items");
    if (items == schema.end()) return std::nullopt;
    for (size_t i = 0; i < value.size(); ++i) {
      if (auto v = Check(value[i], *items, ptr + "/" + std::to_string(i), depth + 1)) return v;
    }
    return std::nullopt;
  }

  std::optional<SchemaViolation> Object(const Json& value, const Json& schema,
                                        const std::string& ptr, int depth) const {
    static const Json kNone = Json::object();
    auto props_it = schema.find("properties");
    const Json& props = props_it != schema.end() && props_it->is_object() ? *props_it : kNone;
    if (auto req = schema.find("required"); req != schema.end() && req->is_array()) {
      for (const Json& name : *req) {
        if (!name.is_string()) continue;
        if (!value.contains(name.get<std::string>())) {
          return Fail(ptr + "/" + EscapePointer(name.get<std::string>()), "missing required field");
        }
      }
    }
    // Declared members in the schema's order, then the others.
    for (const auto& [name, sub] : props.items()) {
      auto member = value.find(name);
      if (member == value.end()) continue;
      if (auto v = Check(*member, sub, ptr + "/" + EscapePointer(name), depth + 1)) return v;
    }
    auto extra = schema.find("additionalProperties");
    if (extra == schema.end()) return std::nullopt;
    for (const auto& [name, member] : value.items()) {
      if (props.contains(name)) continue;
      const std::string member_ptr = ptr + "/" + EscapePointer(name);
      if (extra->is_boolean() && !extra->get<bool>()) {
        std::vector<std::string> names;
        for (const auto& [known, unused] : props.items()) names.push_back(known);
        return Fail(member_ptr, names.empty()
                                    ? std::string("unknown field (none is taken)")
                                    : "unknown field (expected " + Join(names, " or ") + ")");
      }
      if (auto v = Check(member, *extra, member_ptr, depth + 1)) return v;
    }
    return std::nullopt;
  }

  const Json& components_;
};

const std::set<std::string, std::less<>>& Supported() {
  static const std::set<std::string, std::less<>> kSupported = {
      "type",        "required", "properties", "additionalProperties",
      "enum",        "minimum",  "maximum",    "minLength",
      "maxLength",   "pattern",  "format",     "items",
      "minItems",    "maxItems", "oneOf",      "$ref",
      "description", "title",    "examples",   "default"};
  return kSupported;
}

std::optional<std::string> FirstUnsupported(const Json& schema, const Json& components,
                                            const std::string& where) {
  if (schema.is_boolean()) return std::nullopt;
  if (!schema.is_object()) return where + ": not a schema";
  for (const auto& [key, sub] : schema.items()) {
    if (Supported().count(key) == 0) return where + ": " + key;
    if (key == "format" &&
        !(sub == "date" || sub == "date-time" || sub == "binary" || sub == "uri")) {
      return where + ": format " + sub.dump();
    }
    if (key == "$ref") {
      const std::string text = sub.is_string() ? sub.get<std::string>() : "";
      if (!text.starts_with(kRefPrefix) || !components.contains(text.substr(kRefPrefix.size()))) {
        return where + ": $ref " + sub.dump();
      }
    }
    if (key == "properties" && sub.is_object()) {
      for (const auto& [name, member] : sub.items()) {
        if (auto bad = FirstUnsupported(member, components,
                                        where + "/properties/" + EscapePointer(name))) {
          return bad;
        }
      }
    }
    if (key == "items" || key == "additionalProperties") {
      if (auto bad = FirstUnsupported(sub, components, where + "/" + key)) return bad;
    }
    if (key == "oneOf") {
      if (!sub.is_array()) return where + ": oneOf is not a list";
      for (size_t i = 0; i < sub.size(); ++i) {
        if (auto bad =
                FirstUnsupported(sub[i], components, where + "/oneOf/" + std::to_string(i))) {
          return bad;
        }
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::string SchemaViolation::Detail() const {
  if (pointer.empty()) return "body: " + message;
  return "field '" + field + "': " + message;
}

std::string PlainFieldName(const std::string& pointer) {
  if (pointer.empty()) return "body";
  std::vector<std::string> parts;
  size_t start = 1;
  while (start <= pointer.size()) {
    size_t end = pointer.find('/', start);
    if (end == std::string::npos) end = pointer.size();
    parts.push_back(UnescapePointer(std::string_view(pointer).substr(start, end - start)));
    start = end + 1;
  }
  std::vector<std::string> words;
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string part = parts[i];
    for (char& c : part) {
      if (c == '_') c = ' ';
    }
    if (i + 1 < parts.size() && AllDigits(parts[i + 1]) && parts[i + 1].size() < 10) {
      // "perpetrators/0" -> "perpetrator 1": lists count from one for people.
      if (part.size() > 1 && part.back() == 's') part.pop_back();
      words.push_back(part + " " + std::to_string(std::stoull(parts[i + 1]) + 1));
      ++i;
    } else if (AllDigits(parts[i]) && parts[i].size() < 10) {
      words.push_back("item " + std::to_string(std::stoull(parts[i]) + 1));
    } else {
      words.push_back(part);
    }
  }
  return Join(words, ", ");
}

std::optional<SchemaViolation> Validate(const Json& value, const Json& schema,
                                        const Json& components) {
  return Validator(components).Check(value, schema, "", 0);
}

std::optional<std::string> UnsupportedKeyword(const Json& schema, const Json& components) {
  return FirstUnsupported(schema, components, "");
}

}  // namespace mara::api
