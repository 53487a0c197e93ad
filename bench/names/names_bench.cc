// Name-resolution benchmark and evaluation (docs/name-resolution.md).
//
// Builds the UCDP evaluation set (a registry of every actor's NameData;
// queries from UCDP's other spellings and generated variants), prints
// precision and recall of auto-accept and of the review band, then times
// `--lookups` single-threaded Resolve() calls cycling through the queries.
//
//   mara_names_bench [--actors PATH] [--lookups N] [--seed S] [--accept X]
//                    [--review X] [--candidates K] [--no-situation]
//
// Queries are resolved with their actor's first UCDP location as the
// situation unless --no-situation.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

#include "ingest/names/evaluation.h"
#include "ingest/names/resolver.h"

namespace {

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "unknown CPU";
}

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

int Usage() {
  std::fprintf(stderr,
               "usage: mara_names_bench [--actors PATH] [--lookups N] [--seed S] [--accept X] "
               "[--review X] [--candidates K] [--no-situation]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string actors_path = MARA_SOURCE_DIR "/../shared/data/ucdp_actor_list_v23_1.csv";
  long long lookups = 100000;
  unsigned long long seed = 20230601;
  mara::names::ResolverOptions options;
  bool with_situation = true;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--no-situation") {
      with_situation = false;
      continue;
    }
    if (i + 1 >= argc) return Usage();
    if (arg == "--actors") {
      actors_path = argv[++i];
    } else if (arg == "--lookups") {
      lookups = std::atoll(argv[++i]);
    } else if (arg == "--seed") {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--accept") {
      options.accept_threshold = std::atof(argv[++i]);
    } else if (arg == "--review") {
      options.review_threshold = std::atof(argv[++i]);
    } else if (arg == "--candidates") {
      options.trigram_candidates = static_cast<size_t>(std::atoll(argv[++i]));
    } else {
      return Usage();
    }
  }
  if (lookups <= 0) return Usage();

  auto actors = mara::names::LoadUcdpActors(actors_path);
  if (!actors.ok()) {
    std::fprintf(stderr, "mara_names_bench: %s\n", actors.status().ToString().c_str());
    return mara::ExitCodeFor(actors.status());
  }
  const mara::names::EvaluationSet set = mara::names::BuildEvaluationSet(*actors, seed);

  const auto build_start = std::chrono::steady_clock::now();
  auto resolver = mara::names::NameResolver::Build(set.registry, options);
  const auto build_end = std::chrono::steady_clock::now();
  if (!resolver.ok()) {
    std::fprintf(stderr, "mara_names_bench: %s\n", resolver.status().ToString().c_str());
    return mara::ExitCodeFor(resolver.status());
  }
  const mara::names::ResolverOptions& opts = resolver->options();
  std::printf("machine: %s\n", CpuModel().c_str());
  std::printf("registry: %zu actors, %zu names; %zu queries; seed %llu\n", resolver->party_count(),
              resolver->name_count(), set.queries.size(), seed);
  std::printf("thresholds: accept >= %.2f, review >= %.2f, ambiguity margin %.2f\n",
              opts.accept_threshold, opts.review_threshold, opts.ambiguity_margin);
  std::printf("index build: %.1f ms\n\n",
              std::chrono::duration<double, std::milli>(build_end - build_start).count());

  const mara::names::EvaluationReport report =
      mara::names::Evaluate(*resolver, set.queries, with_situation);
  std::printf("%s\n", report.ToMarkdown().c_str());

  size_t decisions[3] = {0, 0, 0};
  const double cpu_start = ThreadCpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  for (long long i = 0; i < lookups; ++i) {
    const auto& q = set.queries[static_cast<size_t>(i) % set.queries.size()];
    const mara::names::Resolution r = resolver->Resolve(q.text);
    ++decisions[static_cast<int>(r.decision)];
  }
  const auto end = std::chrono::steady_clock::now();
  const double cpu_seconds = ThreadCpuSeconds() - cpu_start;
  const double seconds = std::chrono::duration<double>(end - start).count();
  // Wall time counts whatever else the machine runs; the thread's CPU time
  // is the cost of the lookups alone.
  std::printf(
      "lookups: %lld on one thread: wall %.3f s = %.0f lookups/s; CPU %.3f s = %.0f "
      "lookups/s (%.2f us each)\n",
      lookups, seconds, static_cast<double>(lookups) / seconds, cpu_seconds,
      static_cast<double>(lookups) / cpu_seconds, 1e6 * cpu_seconds / static_cast<double>(lookups));
  std::printf("decisions: accept %zu, review %zu, new %zu\n", decisions[0], decisions[1],
              decisions[2]);
  std::printf(
      "top-1 on generated variants: %.1f%% (target >= 95%%); on UCDP alternatives: %.1f%%\n",
      100 * report.generated.Top1Accuracy(), 100 * report.ucdp.Top1Accuracy());
  return 0;
}
