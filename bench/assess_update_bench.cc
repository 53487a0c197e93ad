// Measures what a kept assessment costs per write: the rules' Finish() over
// a generated data set, and a changed incident's Remove + Add + Finish.
// Usage: mara_assess_update_bench INCIDENTS DIR [PARTIES] [ROUNDS]
// Prints the time to add every incident (add_s) and, in milliseconds, the
// median of ROUNDS (default 9) of: a whole Finish() of a fresh assessor
// (finish_ms), one changed incident's Remove + Add + Finish() (update_ms)
// and the same with the parties only, as the annex reads them
// (update_parties_ms):
//   incidents=... parties=... add_s=... finish_ms=... update_ms=... update_parties_ms=...
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "domain/facts.h"
#include "ingest/bundle.h"
#include "ingest/generator.h"
#include "policy/engine.h"
#include "policy/policy.h"

namespace {

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double Since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s INCIDENTS DIR [PARTIES] [ROUNDS]\n", argv[0]);
    return 2;
  }
  mara::GeneratorOptions options;
  options.incidents = std::strtoll(argv[1], nullptr, 10);
  options.parties = argc > 3 ? std::atoi(argv[3]) : 2000;
  options.cycles = 10;
  options.first_cycle = 2015;
  const int rounds = argc > 4 ? std::atoi(argv[4]) : 9;
  const std::string out = (std::filesystem::path(argv[2]) / "assess_update.json").string();
  mara::Status s = mara::Generate(options, out, nullptr);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  std::string bytes;
  auto doc = mara::ReadBundleFile(out, &bytes);
  std::filesystem::remove(out);
  if (!doc.ok()) {
    std::fprintf(stderr, "%s\n", doc.status().ToString().c_str());
    return 1;
  }
  auto decoded = mara::DecodeBundle(*doc, false);
  if (!decoded.ok()) {
    std::fprintf(stderr, "%s\n", decoded.status().ToString().c_str());
    return 1;
  }
  bytes.clear();
  mara::Bundle& b = decoded->bundle;
  const mara::Policy policy = mara::DefaultPolicy().value();
  const int cycle = options.first_cycle + options.cycles - 1;
  auto t = std::chrono::steady_clock::now();
  mara::Assessor live(b, policy, cycle, {}, mara::Assessor::Removals::kAllowed);
  for (const mara::Incident& inc : b.incidents) live.Add(mara::FactsOf(inc));
  const double add_s = Since(t);
  std::vector<double> finish, update, update_parties;
  for (int r = 0; r < rounds; ++r) {
    mara::Assessor fresh(b, policy, cycle);
    for (const mara::Incident& inc : b.incidents) fresh.Add(mara::FactsOf(inc));
    t = std::chrono::steady_clock::now();
    mara::Assessment a = fresh.Finish("d");
    finish.push_back(Since(t) * 1000);
  }
  (void)live.Finish("d");
  for (int r = 0; r < 2 * rounds; ++r) {
    mara::Incident& inc = b.incidents[(static_cast<size_t>(r) * 7919) % b.incidents.size()];
    const bool parties_only = r % 2 == 1;
    t = std::chrono::steady_clock::now();
    (void)live.Remove(mara::FactsOf(inc));
    inc.date = mara::Date::FromYmd(cycle, 1 + r % 12, 1 + r % 28);
    live.Add(mara::FactsOf(inc));
    mara::Assessment a = live.Finish(
        "d", parties_only ? mara::Assessor::Audits::kPartiesOnly : mara::Assessor::Audits::kAll);
    (parties_only ? update_parties : update).push_back(Since(t) * 1000);
  }
  std::printf(
      "incidents=%lld parties=%d add_s=%.3f finish_ms=%.1f update_ms=%.1f "
      "update_parties_ms=%.1f\n",
      static_cast<long long>(options.incidents), options.parties, add_s, Median(finish),
      Median(update), Median(update_parties));
  return 0;
}
