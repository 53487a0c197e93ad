#!/usr/bin/env bash
# Browser tests of the UI (ui/tests) against the `mara` binary of
# ${MARA_BUILD_DIR:-build} in Debian's Chromium (/usr/bin/chromium; CHROMIUM
# overrides): `mara serve` runs with no --ui and no MARA_UI_DIR, so the
# application under test is the copy the build compiled into the binary.
# First it builds `mara` (scripts/build.sh mara), which builds ui/dist with
# scripts/ui-build.sh when a file of ui/ changed and compiles it in. Each run
# makes its own store and server on loopback.
# `--screenshots` rewrites docs/screenshots/*.png (otherwise they go to a
# temporary directory). `--prepare` only builds; `--no-prepare` only runs
# the tests on the binary already built. Needs node (>= 18), npm and chromium.
# The test files run one at a time (ui/tests/run.mjs); MARA_UI_TEST_TIMEOUT
# limits each file, in milliseconds (default 600000).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prepare=1
tests=1
for arg in "$@"; do
  case "$arg" in
    --screenshots) export MARA_UI_SCREENSHOTS="$root/docs/screenshots" ;;
    --prepare) tests=0 ;;
    --no-prepare) prepare=0 ;;
    *) echo "ui-test: unknown argument $arg (--screenshots, --prepare, --no-prepare)" >&2; exit 2 ;;
  esac
done

build_dir="${MARA_BUILD_DIR:-build}"
case "$build_dir" in /*) ;; *) build_dir="$root/$build_dir" ;; esac
for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "ui-test: $tool is missing" >&2; exit 1; }
done

if [ "$prepare" = 1 ]; then
  echo "==> build mara with the browser application ($build_dir)"
  MARA_BUILD_DIR="$build_dir" bash "$root/scripts/build.sh" mara
fi
[ "$tests" = 1 ] || exit 0

if [ ! -x "$build_dir/mara" ]; then
  echo "ui-test: no mara binary at $build_dir/mara (build it first, e.g. bash scripts/build.sh)" >&2
  exit 1
fi
command -v "${CHROMIUM:-/usr/bin/chromium}" >/dev/null 2>&1 || {
  echo "ui-test: ${CHROMIUM:-/usr/bin/chromium} is missing" >&2
  exit 1
}
cd "$root/ui"
# The tests' own packages (playwright-core) come with the UI build's npm ci.
[ -d node_modules/playwright-core ] || bash "$root/scripts/ui-build.sh"

echo "==> browser tests (ui/tests) against $build_dir/mara"
export MARA_BIN="$build_dir/mara"
node tests/run.mjs
