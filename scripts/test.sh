#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run). Installs the packages, then:
#
#   build         the plain tree (g++, build/): the release binary with the
#                 browser application built by npm and compiled in, and every
#                 test, with the format check running beside it;
#   build-asan    the sanitized tree (clang, ASan + UBSan + fuzzer coverage,
#                 build-asan/): every test again and the libFuzzer targets;
#   package       the Debian package from the plain tree (cpack), installed
#                 with dpkg, the main job run with the installed mara, its man
#                 page and systemd unit checked, then removed again
#                 (scripts/package-test.sh; needs root);
#   ctest         every test of the plain tree, with a throwaway PostgreSQL
#                 cluster (scripts/pg-cluster.sh);
#   ui+fuzz       the browser tests in Chromium (scripts/ui-test.sh) beside
#                 each fuzz target for a bounded time (scripts/fuzz.sh);
#   ctest-asan    every test of the sanitized tree (scripts/sanitize.sh).
#
# Exits non-zero on the first failure; either way it ends by printing each
# stage's wall time. Tests that read the real data sets (SVAC, UCDP) find
# them in $MARA_DATA_DIR, where a missing file fails them (.ci/run sets it),
# or else in ../shared/data beside the repository, and skip with a note when
# the file is not there.
#
# MARA_TEST_JOBS is how many tests ctest runs at once (default twice the
# cores: many tests wait on servers and child processes); MARA_FUZZ_SECONDS
# the fuzzing time per target (default 10).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export MARA_TEST_JOBS="${MARA_TEST_JOBS:-$(($(nproc) * 2))}"
fuzz_seconds="${MARA_FUZZ_SECONDS:-10}"
plain_build="${MARA_BUILD_DIR:-$root/build}"
logs="$(mktemp -d "${TMPDIR:-/tmp}/mara-test-logs.XXXXXX")"

run_start=$(date +%s)
stage_names=()
stage_times=()
current_stage=""
pg_cluster=""

# Prints the stage times (and the stage that failed) on every exit, and
# stops the PostgreSQL cluster.
finish() {
  local status=$?
  if [ -n "$pg_cluster" ]; then bash "$root/scripts/pg-cluster.sh" stop "$pg_cluster" || true; fi
  jobs -p | xargs -r kill 2>/dev/null || true
  echo
  echo "==> stage times (wall clock, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
  local i
  for i in "${!stage_names[@]}"; do
    printf '  %-21s %5d s\n' "${stage_names[$i]}" "${stage_times[$i]}"
  done
  printf '  %-21s %5d s\n' total $(($(date +%s) - run_start))
  # One line for the counts: ctest's summaries of both trees and the node
  # test runner's of the browser tests (fuzz targets are not counted).
  local passed=0 failed=0 skipped=0 n
  for f in "$logs"/*.out; do
    [ -f "$f" ] || continue
    while read -r n; do
      failed=$((failed + ${n%% *}))
      passed=$((passed + ${n##* } - ${n%% *}))
    done < <(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\1 \2/p' "$f")
    # ctest counts a skipped test in its total; a disabled one it leaves out.
    n=$(grep -c '\*\*\*Skipped' "$f" || true)
    passed=$((passed - n))
    skipped=$((skipped + n + $(grep -c 'Not Run (Disabled)' "$f" || true)))
    passed=$((passed + $(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$f" | tail -n 1 | grep . || echo 0)))
    failed=$((failed + $(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$f" | tail -n 1 | grep . || echo 0)))
  done
  echo "tests: $passed passed, $failed failed, $skipped skipped"
  if [ "$status" -ne 0 ]; then
    echo "test: FAILED in stage ${current_stage:-?} (exit $status)" >&2
  fi
  rm -rf "$logs"
  exit "$status"
}
trap finish EXIT

# stage NAME COMMAND...: runs COMMAND in the foreground and records its time;
# its output also goes to $logs/NAME.out, where the closing counts are read.
stage() {
  local name="$1" start
  shift
  current_stage="$name"
  echo "==> $name"
  start=$(date +%s)
  "$@" 2>&1 | tee "$logs/$name.out"
  stage_names+=("$name")
  stage_times+=($(($(date +%s) - start)))
}

# A job beside the foreground stages: `start_job NAME COMMAND...` runs it
# with its output in a log; `join_job NAME` waits for it, prints the log and
# fails the run when the job failed. Its time is from its start to its own
# end, not to the join.
declare -A job_pid=() job_start=()
start_job() {
  local name="$1"
  shift
  job_start[$name]=$(date +%s)
  (
    status=0
    "$@" || status=$?
    date +%s >"$logs/$name.end"
    exit "$status"
  ) >"$logs/$name.out" 2>&1 &
  job_pid[$name]=$!
}
join_job() {
  local name="$1" status=0
  current_stage="$name"
  wait "${job_pid[$name]}" || status=$?
  echo "==> $name"
  cat "$logs/$name.out"
  stage_names+=("$name (beside)")
  stage_times+=($(($(cat "$logs/$name.end" 2>/dev/null || date +%s) - ${job_start[$name]})))
  return "$status"
}

format_check() {
  local files=() unformatted=() f checked=0
  if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t files < <(git -C "$root" ls-files --cached --others --exclude-standard -- \
      'src/*.h' 'src/*.cc' 'tests/*.h' 'tests/*.cc' 'bench/*.h' 'bench/*.cc' | sort -u)
  else
    mapfile -t files < <(find src tests bench -type f \( -name '*.h' -o -name '*.cc' \) | sort)
  fi
  for f in "${files[@]}"; do
    [ -f "$f" ] || continue
    checked=$((checked + 1))
    clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || unformatted+=("$f")
  done
  if [ ${#unformatted[@]} -gt 0 ]; then
    echo "not formatted as .clang-format says (fix with clang-format -i):" >&2
    printf '  %s\n' "${unformatted[@]}" >&2
    return 1
  fi
  echo "$checked files formatted as .clang-format says"
}

plain_ctest() {
  (cd "$plain_build" && ctest --output-on-failure -j "$MARA_TEST_JOBS")
}

stage install-deps bash scripts/install-deps.sh

start_job format-check format_check
stage build bash scripts/build.sh
stage build-asan bash scripts/sanitize.sh build
join_job format-check
stage package bash scripts/package-test.sh

current_stage=postgresql
echo "==> PostgreSQL cluster for the tests (scripts/pg-cluster.sh)"
# The conformance suite runs every storage test against PostgreSQL too; a
# cluster that cannot start fails the run.
pg_env="$(bash "$root/scripts/pg-cluster.sh" start)"
eval "$pg_env"
pg_cluster="$MARA_PG_CLUSTER"

stage ctest plain_ctest

# The browser tests wait on Chromium most of the time; a fuzz target keeps
# one core busy. Together they take about as long as the longer of the two.
start_job fuzz bash scripts/fuzz.sh "$fuzz_seconds"
stage ui-test bash scripts/ui-test.sh --no-prepare
join_job fuzz

stage ctest-asan bash scripts/sanitize.sh test
