#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ with clang (ASan + UBSan +
# libFuzzer, -DMARA_FUZZ=ON, in build-fuzz/) and runs each for a bounded
# time (docs/reliability.md, "Fuzzing"; tests/fuzz/README.md for longer
# runs). Exits non-zero when a target crashes, leaks, times out, runs out of
# memory or fails a property check, or when a saved regression input
# (tests/fuzz/regressions/<target>/) fails again.
#
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# SECONDS_PER_TARGET defaults to 20. Each run starts from the checked-in
# seeds (tests/fuzz/corpus/<target>/), plus, for the CSV reader, the first
# kilobytes of the CSV files in $MARA_DATA_DIR (default ../shared/data beside the repository)
# when that directory exists; nothing is written into the source tree. New
# inputs go to a scratch corpus under the build directory, findings to
# build-fuzz/findings/<target>/. MARA_FUZZ_BUILD_DIR selects another build
# directory, MARA_JOBS the number of parallel build jobs, MARA_FUZZ_CXXFLAGS
# the optimisation and debug flags (default -O1 -g1).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MARA_FUZZ_BUILD_DIR:-$root/build-fuzz}"
jobs="${MARA_JOBS:-$(nproc)}"
data="${MARA_DATA_DIR:-$root/../shared/data}"
seconds="${1:-20}"
shift || true
start=$(date +%s)

all_targets=()
for src in "$root"/tests/fuzz/*_fuzz.cc; do
  all_targets+=("$(basename "$src" .cc)")
done
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

# Longest input per target: long enough for every construct the format has,
# short enough that each execution stays fast.
max_len_for() {
  case "$1" in
    name_fold_fuzz) echo 512 ;;
    http_router_fuzz) echo 1024 ;;
    hxl_mapping_fuzz) echo 2048 ;;
    bundle_fuzz) echo 16384 ;;
    *) echo 4096 ;;
  esac
}

echo "==> configure and build the fuzz targets ($build)"
cxx="$(command -v clang++ || command -v clang++-14 || true)"
[ -n "$cxx" ] || { echo "fuzz: clang++ not found (Debian: clang libclang-rt-14-dev)" >&2; exit 1; }
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="${MARA_FUZZ_CXXFLAGS:--O1 -g1}" \
  -DMARA_FUZZ=ON -DMARA_BUILD_TESTS=OFF -DMARA_BUILD_BENCH=OFF >/dev/null
ninja -C "$build" -j "$jobs" "${targets[@]}"
echo "fuzz: build took $(($(date +%s) - start)) s"

# Reports end the process; leaks fail the run too.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

failed=()
for target in "${targets[@]}"; do
  bin="$build/tests/fuzz/$target"
  findings="$build/findings/$target"
  corpus="$build/corpus/$target"
  mkdir -p "$findings" "$corpus"
  seeds="$root/tests/fuzz/corpus/$target"
  regressions="$root/tests/fuzz/regressions/$target"

  if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
    echo "==> $target: replaying $(ls "$regressions" | wc -l) regression inputs"
    if ! "$bin" -runs=1 "$regressions"/* >"$findings/regressions.log" 2>&1; then
      tail -n 40 "$findings/regressions.log" >&2
      failed+=("$target (regression)")
      continue
    fi
  fi

  if [ "$target" = csv_reader_fuzz ] && [ -d "$data" ]; then
    # The first byte is the reader's buffer geometry (see the target).
    for f in "$data"/*.csv; do
      [ -f "$f" ] || continue
      { printf '\x05'; head -c 3000 "$f"; } >"$corpus/data-$(basename "$f")"
    done
  fi

  echo "==> $target: fuzzing for $seconds s"
  log="$findings/run.log"
  status=0
  "$bin" "$corpus" "$seeds" -max_total_time="$seconds" -max_len="$(max_len_for "$target")" \
    -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=20 -print_final_stats=1 \
    -artifact_prefix="$findings/" >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
  echo "fuzz: $target: ${execs:-?} executions, ${rate:-?}/s, coverage ${cov:-?} edges, exit $status"
  if [ "$status" -ne 0 ]; then
    grep -E 'ERROR|runtime error|fuzz property|Test unit written|SUMMARY' "$log" | head -n 20 >&2 || true
    tail -n 30 "$log" >&2
    failed+=("$target")
  fi
done

echo "fuzz: all took $(($(date +%s) - start)) s"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (inputs in $build/findings/)" >&2
  exit 1
fi
echo "fuzz: no target crashed"
