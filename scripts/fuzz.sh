#!/usr/bin/env bash
# Runs each libFuzzer target of tests/fuzz/ for a bounded time
# (docs/reliability.md, "Fuzzing"; tests/fuzz/README.md for longer runs).
# The targets are built in the sanitized tree (scripts/sanitize.sh: clang,
# ASan + UBSan + libFuzzer, build-asan/), whose libraries the sanitized test
# suite uses too; this script builds what is missing. Exits non-zero when a
# target crashes, leaks, times out, runs out of memory or fails a property
# check, or when a saved regression input (tests/fuzz/regressions/<target>/)
# fails again.
#
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# SECONDS_PER_TARGET defaults to 20. Each run starts from the checked-in
# seeds (tests/fuzz/corpus/<target>/), plus, for the CSV reader, the first
# kilobytes of the CSV files in $MARA_DATA_DIR (default ../shared/data beside
# the repository) when that directory exists; nothing is written into the
# source tree. New inputs go to a scratch corpus under the build directory,
# findings to <build>/findings/<target>/. MARA_ASAN_BUILD_DIR selects another
# build directory, MARA_JOBS the number of parallel build jobs, and
# MARA_FUZZ_PARALLEL how many targets run at once (default 1; each target
# still runs for SECONDS_PER_TARGET).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MARA_ASAN_BUILD_DIR:-$root/build-asan}"
export MARA_ASAN_BUILD_DIR="$build"
data="${MARA_DATA_DIR:-$root/../shared/data}"
parallel="${MARA_FUZZ_PARALLEL:-1}"
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

bash "$root/scripts/sanitize.sh" build "${targets[@]}"

# Reports end the process; leaks fail the run too.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

# One target: replays its regression inputs, then fuzzes it. Its output
# goes to <findings>/report.txt; the exit status says whether it failed.
fuzz_one() {
  local target="$1"
  local bin="$build/tests/fuzz/$target"
  local findings="$build/findings/$target"
  local corpus="$build/corpus/$target"
  local seeds="$root/tests/fuzz/corpus/$target"
  local regressions="$root/tests/fuzz/regressions/$target"
  local report="$findings/report.txt"
  mkdir -p "$findings" "$corpus"
  : >"$report"

  if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
    echo "==> $target: replaying $(ls "$regressions" | wc -l) regression inputs" >>"$report"
    if ! "$bin" -runs=1 "$regressions"/* >"$findings/regressions.log" 2>&1; then
      tail -n 40 "$findings/regressions.log" >>"$report"
      echo "fuzz: $target: a regression input fails again" >>"$report"
      return 1
    fi
  fi

  if [ "$target" = csv_reader_fuzz ] && [ -d "$data" ]; then
    # The first byte is the reader's buffer geometry (see the target).
    for f in "$data"/*.csv; do
      [ -f "$f" ] || continue
      { printf '\x05'; head -c 3000 "$f"; } >"$corpus/data-$(basename "$f")"
    done
  fi

  echo "==> $target: fuzzing for $seconds s" >>"$report"
  local log="$findings/run.log" status=0 execs rate cov
  "$bin" "$corpus" "$seeds" -max_total_time="$seconds" -max_len="$(max_len_for "$target")" \
    -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=20 -print_final_stats=1 \
    -artifact_prefix="$findings/" >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
  echo "fuzz: $target: ${execs:-?} executions, ${rate:-?}/s, coverage ${cov:-?} edges, exit $status" >>"$report"
  if [ "$status" -ne 0 ]; then
    grep -E 'ERROR|runtime error|fuzz property|Test unit written|SUMMARY' "$log" | head -n 20 >>"$report" || true
    tail -n 30 "$log" >>"$report"
    return 1
  fi
}

failed=()
pending=("${targets[@]}")
declare -A running=()
# Starts targets until `parallel` run at once, and reports each as it ends.
while [ ${#pending[@]} -gt 0 ] || [ ${#running[@]} -gt 0 ]; do
  while [ ${#pending[@]} -gt 0 ] && [ ${#running[@]} -lt "$parallel" ]; do
    target="${pending[0]}"
    pending=("${pending[@]:1}")
    fuzz_one "$target" &
    running[$!]="$target"
  done
  status=0
  wait -n -p done_pid "${!running[@]}" || status=$?
  target="${running[$done_pid]}"
  unset "running[$done_pid]"
  cat "$build/findings/$target/report.txt"
  [ "$status" -eq 0 ] || failed+=("$target")
done

echo "fuzz: all took $(($(date +%s) - start)) s"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (inputs in $build/findings/)" >&2
  exit 1
fi
echo "fuzz: no target crashed"
