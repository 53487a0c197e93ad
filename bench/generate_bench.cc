// Measures `Generate` alone: rows per second and the output size, for the
// CSV and the bundle forms. Usage: mara_generate_bench INCIDENTS DIR
// [SEED]. Prints one line per form:
//   form=csv incidents=1000000 seconds=1.23 rows_per_s=813008 bytes=...
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "ingest/generator.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s INCIDENTS DIR [SEED]\n", argv[0]);
    return 2;
  }
  mara::GeneratorOptions options;
  options.incidents = std::strtoll(argv[1], nullptr, 10);
  options.seed = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1;
  const std::filesystem::path dir(argv[2]);
  for (const char* form : {"csv", "json"}) {
    const std::string out = (dir / (std::string("generated.") + form)).string();
    const auto start = std::chrono::steady_clock::now();
    mara::Status s = mara::Generate(options, out, nullptr);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 1;
    }
    std::printf("form=%s incidents=%lld seconds=%.3f rows_per_s=%.0f bytes=%llu\n", form,
                static_cast<long long>(options.incidents), seconds,
                static_cast<double>(options.incidents) / seconds,
                static_cast<unsigned long long>(std::filesystem::file_size(out)));
    std::filesystem::remove(out);
  }
  return 0;
}
