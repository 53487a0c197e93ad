// libFuzzer target: the HXL mapping file loader and hashtag matching
// (ingest/hxl.h). The input is a mapping file; its own lines double as
// hashtags to match against every pattern it yields.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "ingest/hxl.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string path = mara::fuzz::ScratchFile("mapping.txt", text);
  auto mapping = mara::LoadHxlMapping(path);
  if (!mapping.ok()) {
    FUZZ_CHECK(mapping.status().message().find(path) != std::string::npos,
               "mapping errors name the file");
    return 0;
  }
  size_t start = 0;
  int lines = 0;
  while (start <= text.size() && lines++ < 64) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view tag = text.substr(start, end - start);
    for (const auto& [field, values] : *mapping) {
      for (const std::string& pattern : values) {
        if (pattern.empty() || pattern[0] != '#') continue;
        if (mara::HxlMatches(pattern, tag)) {
          FUZZ_CHECK(!tag.empty(), "an empty tag matches nothing");
        }
        FUZZ_CHECK(mara::HxlMatches(pattern, pattern), "a pattern matches itself");
      }
    }
    start = end + 1;
  }
  return 0;
}
