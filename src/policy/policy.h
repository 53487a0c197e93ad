// Policy: the versioned parameters of the assessment rules, loaded from a
// TOML policy file (docs/policy.md is the specification).
//
// Contract:
// - A Policy is a plain value; a default-constructed Policy holds the
//   documented defaults, which are also exactly what policies/default.toml
//   says (DefaultPolicy() parses the copy of that file embedded in the
//   binary at build time).
// - ParsePolicy/LoadPolicyFile accept a file that sets any subset of the
//   parameters; the rest keep their defaults. Unknown keys, wrong types,
//   out-of-range numbers and unknown standard names are kInvalidArgument
//   with "FILE:LINE: key 'section.key': why"; a missing file is kNotFound,
//   an unreadable one kIOError.
// - PolicyDigest() depends only on the effective values (plus name and
//   version), never on comments, order or formatting of the file.
// Pure and thread-safe except for LoadPolicyFile, which reads one file.
#ifndef MARA_POLICY_POLICY_H_
#define MARA_POLICY_POLICY_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "common/status.h"
#include "domain/enums.h"

namespace mara {

struct Policy {
  std::string name = "default";
  std::string version = "1.1";
  bool roll_up_to_parent = true;
  bool require_nexus = true;
  Standard listing_min_standard = Standard::kReasonableGrounds;
  int listing_min_cycles = 1;
  Standard notice_min_standard = Standard::kCredibleInformation;
  int notice_min_cycles = 1;
  int pattern_min_incidents = 3;
  int pattern_min_locations = 2;
  int pattern_min_span_days = 30;
  int findings_list_min_sources = 2;
  int findings_list_level = 2;
  int findings_notice_min_sources = 1;
  int findings_notice_level = 2;
  int delisting_clean_cycles = 1;
  bool delisting_requires_commitments = true;
  int delisting_dissolved_clean_cycles = 2;
  int persistent_cycles = 5;
  int publication_min_cell = 3;
};

enum class ParamType { kBool, kInt, kStandard };

// One tunable parameter: its dotted key as written in policy files and case
// overrides, its type and valid range (ints only), and where it lives.
struct ParamSpec {
  std::string_view key;
  ParamType type;
  int64_t min = 0;
  int64_t max = 0;
  bool Policy::*bool_field = nullptr;
  int Policy::*int_field = nullptr;
  Standard Policy::*standard_field = nullptr;
  // Sensitivity analysis moves this parameter by one step either way.
  bool is_threshold = false;
};

// Every parameter, in the canonical order of docs/policy.md.
std::span<const ParamSpec> PolicyParams();
const ParamSpec* FindParam(std::string_view key);

using ParamValue = std::variant<bool, int64_t, std::string>;

// Sets one parameter by key ("pattern.min_incidents"), checking type and
// range; the message names the key but no file position.
Status SetParam(Policy* policy, std::string_view key, const ParamValue& value);
ParamValue GetParam(const Policy& policy, const ParamSpec& spec);
std::string ParamValueToString(const ParamValue& value);

// Parses policy text; `file_name` is used in error messages.
Result<Policy> ParsePolicy(std::string_view text, std::string_view file_name);
Result<Policy> LoadPolicyFile(const std::string& path);

// policies/default.toml as embedded at build time, and its parse.
std::string_view DefaultPolicyText();
Result<Policy> DefaultPolicy();

// "mara-policy/1" canonical serialisation of the effective values, and its
// BLAKE2b-256 hex digest.
std::string CanonicalPolicyText(const Policy& policy);
std::string PolicyDigest(const Policy& policy);

}  // namespace mara

#endif  // MARA_POLICY_POLICY_H_
