// libFuzzer target: Unicode folding (common/text.h Fold) and the names
// resolver's normalisation and comparison (ingest/names/name_fold.h,
// similarity.h). The input is two names separated by the first newline.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/text.h"
#include "fuzz_support.h"
#include "ingest/names/name_fold.h"
#include "ingest/names/similarity.h"

namespace {

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : " ") + p;
  return out;
}

void CheckFolded(std::string_view raw) {
  const bool valid = mara::IsValidUtf8(raw);
  const std::string folded = mara::Fold(raw);
  if (valid) FUZZ_CHECK(mara::IsValidUtf8(folded), "folding valid UTF-8 keeps it valid");
  const mara::names::FoldedName name = mara::names::FoldName(raw);
  FUZZ_CHECK(name.text == Join(name.tokens), "text is the tokens joined");
  FUZZ_CHECK(name.core == Join(name.core_tokens), "core is the core tokens joined");
  FUZZ_CHECK(name.tokens.size() == name.is_stop.size(), "one stop flag per token");
  FUZZ_CHECK(name.core_tokens.size() <= name.tokens.size(), "the core is part of the tokens");
  FUZZ_CHECK(mara::names::FoldNameText(raw) == name.text, "FoldNameText is FoldName().text");
  if (valid) FUZZ_CHECK(mara::IsValidUtf8(name.text), "folded names of valid UTF-8 are valid");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  std::string_view a = input.substr(0, newline);
  std::string_view b = newline == std::string_view::npos ? "" : input.substr(newline + 1);
  CheckFolded(a);
  CheckFolded(b);

  const std::u32string a32 = mara::names::DecodeUtf8(a);
  const std::u32string b32 = mara::names::DecodeUtf8(b);
  const double jw = mara::names::JaroWinkler(a32, b32);
  FUZZ_CHECK(jw >= 0 && jw <= 1, "Jaro-Winkler is in [0, 1]");
  const double fast = mara::names::JaroPattern(a32).JaroWinkler(b32);
  FUZZ_CHECK(std::fabs(fast - jw) < 1e-9, "JaroPattern gives JaroWinkler's result");

  auto weight = [](std::string_view token) { return 1.0 + static_cast<double>(token.size()); };
  mara::names::PreparedName query = mara::names::Prepare(mara::names::FoldName(a), weight);
  mara::names::PreparedName candidate =
      mara::names::Prepare(mara::names::FoldName(b), weight, /*with_patterns=*/false);
  const mara::names::MatchFeatures features = mara::names::CompareNames(query, candidate);
  FUZZ_CHECK(features.score >= 0 && features.score <= 1, "scores are in [0, 1]");
  (void)features.Describe();
  return 0;
}
