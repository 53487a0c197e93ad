// libFuzzer target: the bundle parser and the JSON codec (ingest/bundle.h,
// domain/json_codec.h). Whatever decodes must write back canonically and
// decode again to the same bytes.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "ingest/bundle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto document = mara::ParseBundleText(text, "fuzz.json");
  if (!document.ok()) return 0;
  auto decoded = mara::DecodeBundle(*document, /*keep_going=*/true);
  if (!decoded.ok()) return 0;
  // Without keep_going the first reject, if any, is the error.
  auto strict = mara::DecodeBundle(*document, /*keep_going=*/false);
  FUZZ_CHECK(strict.ok() == decoded->rejects.empty(), "strict decoding fails iff a record is bad");

  std::ostringstream first;
  FUZZ_CHECK(mara::WriteBundle(decoded->bundle, first).ok(), "a decoded bundle writes");
  auto reparsed = mara::ParseBundleText(first.str(), "written.json");
  FUZZ_CHECK(reparsed.ok(), "a written bundle parses");
  auto redecoded = mara::DecodeBundle(*reparsed, /*keep_going=*/false);
  FUZZ_CHECK(redecoded.ok(), "a written bundle decodes");
  std::ostringstream second;
  FUZZ_CHECK(mara::WriteBundle(redecoded->bundle, second).ok(), "a decoded bundle writes");
  FUZZ_CHECK(first.str() == second.str(), "writing is canonical");
  return 0;
}
