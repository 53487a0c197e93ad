#include "policy/policy.h"

#include <toml++/toml.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "common/text.h"

namespace mara {
namespace {

constexpr int64_t kManyCycles = 1000;
constexpr int64_t kManyRecords = 1000000;
constexpr int64_t kCenturyDays = 36600;

// The table docs/policy.md documents; its order is the canonical order.
const std::array<ParamSpec, 18> kParams = {{
    {"attribution.roll_up_to_parent", ParamType::kBool, 0, 0, &Policy::roll_up_to_parent},
    {"attribution.require_nexus", ParamType::kBool, 0, 0, &Policy::require_nexus},
    {"listing.min_standard", ParamType::kStandard, 0, 0, nullptr, nullptr,
     &Policy::listing_min_standard, true},
    {"listing.min_cycles", ParamType::kInt, 1, kManyCycles, nullptr, &Policy::listing_min_cycles,
     nullptr, true},
    {"notice.min_standard", ParamType::kStandard, 0, 0, nullptr, nullptr,
     &Policy::notice_min_standard, true},
    {"notice.min_cycles", ParamType::kInt, 1, kManyCycles, nullptr, &Policy::notice_min_cycles,
     nullptr, true},
    {"pattern.min_incidents", ParamType::kInt, 1, kManyRecords, nullptr,
     &Policy::pattern_min_incidents, nullptr, true},
    {"pattern.min_locations", ParamType::kInt, 1, kManyRecords, nullptr,
     &Policy::pattern_min_locations, nullptr, true},
    {"pattern.min_span_days", ParamType::kInt, 0, kCenturyDays, nullptr,
     &Policy::pattern_min_span_days, nullptr, true},
    {"findings.list_min_sources", ParamType::kInt, 1, kManyRecords, nullptr,
     &Policy::findings_list_min_sources, nullptr, true},
    {"findings.list_level", ParamType::kInt, 1, 3, nullptr, &Policy::findings_list_level, nullptr,
     true},
    {"findings.notice_min_sources", ParamType::kInt, 1, kManyRecords, nullptr,
     &Policy::findings_notice_min_sources, nullptr, true},
    {"findings.notice_level", ParamType::kInt, 1, 3, nullptr, &Policy::findings_notice_level,
     nullptr, true},
    {"delisting.clean_cycles", ParamType::kInt, 1, kManyCycles, nullptr,
     &Policy::delisting_clean_cycles, nullptr, true},
    {"delisting.requires_commitments", ParamType::kBool, 0, 0,
     &Policy::delisting_requires_commitments},
    {"delisting.dissolved_clean_cycles", ParamType::kInt, 0, kManyCycles, nullptr,
     &Policy::delisting_dissolved_clean_cycles},
    {"persistent.cycles", ParamType::kInt, 1, kManyCycles, nullptr, &Policy::persistent_cycles,
     nullptr, true},
    // Not a rule threshold: it only governs what a public edition shows.
    {"publication.min_cell", ParamType::kInt, 1, kManyRecords, nullptr,
     &Policy::publication_min_cell},
}};

std::string_view TypeName(const ParamValue& v) {
  switch (v.index()) {
    case 0:
      return "a boolean";
    case 1:
      return "an integer";
    default:
      return "a string";
  }
}

std::string_view ExpectedName(ParamType t) {
  switch (t) {
    case ParamType::kBool:
      return "a boolean (true or false)";
    case ParamType::kInt:
      return "an integer";
    case ParamType::kStandard:
      return "a standard name (a string)";
  }
  return "";
}

// Type and range check shared by files and overrides; the caller adds where.
Status CheckedSet(Policy* policy, const ParamSpec& spec, const ParamValue& value) {
  switch (spec.type) {
    case ParamType::kBool:
      if (!std::holds_alternative<bool>(value)) {
        return Status::InvalidArgument("expected a boolean (true or false), got " +
                                       std::string(TypeName(value)));
      }
      policy->*spec.bool_field = std::get<bool>(value);
      return Status::Ok();
    case ParamType::kInt: {
      if (!std::holds_alternative<int64_t>(value)) {
        return Status::InvalidArgument("expected an integer, got " + std::string(TypeName(value)));
      }
      int64_t v = std::get<int64_t>(value);
      if (v < spec.min || v > spec.max) {
        return Status::InvalidArgument("value " + std::to_string(v) + " is out of range (" +
                                       std::to_string(spec.min) + ".." + std::to_string(spec.max) +
                                       ")");
      }
      policy->*spec.int_field = static_cast<int>(v);
      return Status::Ok();
    }
    case ParamType::kStandard: {
      if (!std::holds_alternative<std::string>(value)) {
        return Status::InvalidArgument("expected a standard name, got " +
                                       std::string(TypeName(value)));
      }
      const std::string& s = std::get<std::string>(value);
      std::optional<Standard> st = ParseEnum<Standard>(s);
      if (!st) {
        return Status::InvalidArgument("unknown standard " + QuoteForMessage(s) + " (expected " +
                                       AllowedValues<Standard>() + ")");
      }
      policy->*spec.standard_field = *st;
      return Status::Ok();
    }
  }
  return Status::InvalidArgument("unknown parameter type");
}

std::string Where(std::string_view file, const toml::source_region& src) {
  return std::string(file) + ":" + std::to_string(src.begin.line);
}

std::optional<ParamValue> ValueOf(const toml::node& node) {
  if (auto b = node.as_boolean()) return ParamValue(b->get());
  if (auto i = node.as_integer()) return ParamValue(i->get());
  if (auto s = node.as_string()) return ParamValue(s->get());
  return std::nullopt;
}

std::string_view NodeTypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    default:
      return "a date or time";
  }
}

Status ParseTable(const toml::table& root, std::string_view file, Policy* policy) {
  for (const auto& [k, node] : root) {
    std::string key(k.str());
    if (key == "name" || key == "version") {
      const auto* s = node.as_string();
      if (s == nullptr || s->get().empty() || !IsValidUtf8(s->get())) {
        return Status::InvalidArgument(Where(file, node.source()) + ": key '" + key +
                                       "': expected a non-empty string, got " +
                                       std::string(NodeTypeName(node)));
      }
      (key == "name" ? policy->name : policy->version) = s->get();
      continue;
    }
    const toml::table* section = node.as_table();
    if (section == nullptr) {
      return Status::InvalidArgument(Where(file, node.source()) + ": key " + QuoteForMessage(key) +
                                     ": unknown key (expected name, version or a section such "
                                     "as [pattern])");
    }
    for (const auto& [sk, value] : *section) {
      std::string full = key + "." + std::string(sk.str());
      const ParamSpec* spec = FindParam(full);
      std::string where = Where(file, value.source());
      if (spec == nullptr) {
        return Status::InvalidArgument(where + ": key " + QuoteForMessage(full) +
                                       ": unknown key (see docs/policy.md for the parameters)");
      }
      std::optional<ParamValue> v = ValueOf(value);
      if (!v) {
        return Status::InvalidArgument(where + ": key '" + full + "': expected " +
                                       std::string(ExpectedName(spec->type)) + ", got " +
                                       std::string(NodeTypeName(value)));
      }
      Status s = CheckedSet(policy, *spec, *v);
      if (!s.ok()) return Status::InvalidArgument(where + ": key '" + full + "': " + s.message());
    }
  }
  return Status::Ok();
}

}  // namespace

std::span<const ParamSpec> PolicyParams() { return kParams; }

const ParamSpec* FindParam(std::string_view key) {
  for (const ParamSpec& p : kParams) {
    if (p.key == key) return &p;
  }
  return nullptr;
}

Status SetParam(Policy* policy, std::string_view key, const ParamValue& value) {
  const ParamSpec* spec = FindParam(key);
  if (spec == nullptr) {
    return Status::InvalidArgument("policy key " + QuoteForMessage(key) + ": unknown key");
  }
  Status s = CheckedSet(policy, *spec, value);
  if (!s.ok())
    return Status::InvalidArgument("policy key '" + std::string(key) + "': " + s.message());
  return Status::Ok();
}

ParamValue GetParam(const Policy& policy, const ParamSpec& spec) {
  switch (spec.type) {
    case ParamType::kBool:
      return policy.*spec.bool_field;
    case ParamType::kInt:
      return static_cast<int64_t>(policy.*spec.int_field);
    case ParamType::kStandard:
      return std::string(ToString(policy.*spec.standard_field));
  }
  return false;
}

std::string ParamValueToString(const ParamValue& value) {
  switch (value.index()) {
    case 0:
      return std::get<bool>(value) ? "true" : "false";
    case 1:
      return std::to_string(std::get<int64_t>(value));
    default:
      return std::get<std::string>(value);
  }
}

Result<Policy> ParsePolicy(std::string_view text, std::string_view file_name) {
  Policy policy;
  try {
    toml::table root = toml::parse(text, file_name);
    MARA_RETURN_IF_ERROR(ParseTable(root, file_name, &policy));
  } catch (const toml::parse_error& e) {
    std::string what(e.description());
    for (char& c : what) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    return Status::InvalidArgument(std::string(file_name) + ":" +
                                   std::to_string(e.source().begin.line) + ": " + what);
  }
  return policy;
}

Result<Policy> LoadPolicyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    if (err == ENOENT) return Status::NotFound(path + ": no such policy file");
    return Status::IOError(path + ": cannot open policy file: " + std::strerror(err));
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Status::IOError(path + ": cannot read policy file");
  std::string text = buf.str();
  size_t bad = 0;
  if (!IsValidUtf8(text, &bad)) {
    return Status::InvalidArgument(path + ": invalid UTF-8 at byte " + std::to_string(bad));
  }
  return ParsePolicy(text, path);
}

Result<Policy> DefaultPolicy() {
  return ParsePolicy(DefaultPolicyText(), "<built-in policies/default.toml>");
}

std::string CanonicalPolicyText(const Policy& policy) {
  std::string out = "mara-policy/1\n";
  out += "name=" + nlohmann::json(policy.name).dump() + "\n";
  out += "version=" + nlohmann::json(policy.version).dump() + "\n";
  for (const ParamSpec& p : kParams) {
    out += std::string(p.key) + "=" + ParamValueToString(GetParam(policy, p)) + "\n";
  }
  return out;
}

std::string PolicyDigest(const Policy& policy) { return Blake2bHex(CanonicalPolicyText(policy)); }

}  // namespace mara
