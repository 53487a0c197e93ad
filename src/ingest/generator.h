// Synthetic data sets for demonstrations, tests and benchmarks
// (`mara generate`).
//
// Contract:
// - Generate() writes a fictional but realistically shaped data set: a
//   `.json` path receives one mara-bundle/1 document holding everything; a
//   `.csv` path receives the incidents CSV (docs/formats.md) and, beside it,
//   `<stem>.registry.json`, a bundle with every other collection except
//   statements, to be imported before the CSV, and `<stem>.statements.json`,
//   a bundle of the statements (they cite incidents), to be imported after
//   it. CompanionPaths() names both.
// - Deterministic: the same options give the same bytes on every machine and
//   library version (the generator uses its own PRNG and integer arithmetic,
//   never std::random distributions).
// - Streaming: incidents are produced one at a time from (seed, index), so
//   memory does not grow with `incidents` (10 million work); the registry is
//   bounded by the number of parties (at most 5,000) and a capped source pool.
// - Incident ids are zero-padded ("I-00000001") so id order is generation
//   order.
// - Files are written under a temporary name and renamed into place when
//   complete, so a failed run leaves no partial output under `out_path`.
// - Failures: kInvalidArgument for out-of-range options or an out_path that
//   ends neither in .json nor in .csv; kIOError when a file cannot be written.
// - `progress` (may be empty) is called from the calling thread with the
//   number of incidents written so far, at most every 65,536 incidents and
//   once at the end.
// Thread-safe: no shared state; concurrent calls must use different paths.
#ifndef MARA_INGEST_GENERATOR_H_
#define MARA_INGEST_GENERATOR_H_

#include <cstdint>
#include <functional>
#include <string>

#include "common/status.h"

namespace mara {

struct GeneratorOptions {
  int64_t incidents = 1000;  // 0..100,000,000
  int parties = 0;           // 0 = chosen from incidents (about incidents/500, 6..5,000)
  int cycles = 5;            // 1..50
  int first_cycle = 2016;    // 1900..9000
  uint64_t seed = 1;
};

// The number of parties Generate() uses for `options` (resolves parties = 0).
int EffectivePartyCount(const GeneratorOptions& options);

// The companion bundles of a `.csv` output path.
struct CsvCompanions {
  std::string registry;    // import first
  std::string statements;  // import after the CSV
};
CsvCompanions CompanionPaths(const std::string& csv_path);

Status Generate(const GeneratorOptions& options, const std::string& out_path,
                const std::function<void(int64_t done, int64_t total)>& progress);

}  // namespace mara

#endif  // MARA_INGEST_GENERATOR_H_
