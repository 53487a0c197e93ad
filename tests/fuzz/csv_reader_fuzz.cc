// libFuzzer target: the streaming CSV reader (ingest/csv_reader.h) over
// arbitrary bytes, with small chunk and record limits so that records
// straddle chunk boundaries and hit the record limit.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.h"
#include "ingest/csv_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the buffer geometry; the rest is the file.
  const uint8_t geometry = data[0];
  std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string path = mara::fuzz::ScratchFile("input.csv", bytes);
  mara::CsvReader::Options options;
  options.chunk_bytes = size_t{1} + (geometry & 0x0f);
  options.max_record_bytes = (geometry & 0x10) ? 64 : (size_t{1} << 20);
  auto reader = mara::CsvReader::Open(path, options);
  FUZZ_CHECK(reader.ok(), "a written file opens");
  if (geometry & 0x20) (*reader)->SetFieldNames({"a", "b", "c"});
  uint64_t last_line = 0;
  for (int records = 0; records < 100000; ++records) {
    auto next = (*reader)->Next();
    if (!next.ok()) {
      if (!(*reader)->recoverable()) break;
      continue;
    }
    if (!*next) break;
    size_t total = 0;
    for (std::string_view field : (*reader)->fields()) total += field.size();
    FUZZ_CHECK(total <= bytes.size(), "fields are made of the input's bytes");
    FUZZ_CHECK((*reader)->line() >= last_line && (*reader)->line() >= 1, "lines never go back");
    FUZZ_CHECK((*reader)->bytes_consumed() <= bytes.size(), "never past the end");
    last_line = (*reader)->line();
  }
  return 0;
}
