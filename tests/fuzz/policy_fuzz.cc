// libFuzzer target: the TOML policy loader (policy/policy.h). No input may
// crash it or let a toml++ exception escape, and the digest of a policy
// that parses must not depend on comments (the header's promise).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "policy/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto policy = mara::ParsePolicy(text, "fuzz.toml");
  if (!policy.ok()) {
    FUZZ_CHECK(policy.status().message().find("fuzz.toml") != std::string::npos,
               "errors name the file");
    return 0;
  }
  const std::string commented = std::string(text) + "\n# a comment changes nothing\n";
  auto again = mara::ParsePolicy(commented, "commented.toml");
  FUZZ_CHECK(again.ok(), "a comment after a valid policy keeps it valid");
  FUZZ_CHECK(mara::PolicyDigest(*again) == mara::PolicyDigest(*policy),
             "comments do not change the digest");
  FUZZ_CHECK(mara::CanonicalPolicyText(*again) == mara::CanonicalPolicyText(*policy),
             "comments do not change the canonical text");
  return 0;
}
