#!/usr/bin/env bash
# Browser tests of the UI (ui/tests): installs the npm packages of the
# lock file when node_modules is missing or older than the lock file, builds
# ui/dist, then runs the tests against the `mara` binary of
# ${MARA_BUILD_DIR:-build} in Debian's Chromium (/usr/bin/chromium; CHROMIUM
# overrides). Each run makes its own store and server on loopback.
# `--screenshots` rewrites docs/screenshots/*.png (otherwise they go to a
# temporary directory). `--prepare` only installs and builds; `--no-prepare`
# only runs the tests. Needs node (>= 20), npm and chromium.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/ui"
# --prepare installs the packages and builds ui/dist only (no binary needed);
# --no-prepare runs the tests on the ui/dist already built.
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
if [ "$tests" = 1 ] && [ ! -x "$build_dir/mara" ]; then
  echo "ui-test: no mara binary at $build_dir/mara (build it first, e.g. bash scripts/build.sh)" >&2
  exit 1
fi
for tool in node npm "${CHROMIUM:-/usr/bin/chromium}"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "ui-test: $tool is missing" >&2; exit 1; }
done

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  echo "ui-test: Node.js $(node --version) is too old; Vite 7 and playwright-core need 20 or later" >&2
  exit 1
fi

stamp=node_modules/.package-lock.json
if [ "$prepare" = 1 ]; then
if [ ! -d node_modules ] || [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  # The versions of package-lock.json, without rewriting it. Not `npm ci`:
  # npm 11 leaves the other platforms' optional packages (rollup's native
  # builds) out of the lock file it writes, and `npm ci` then refuses that
  # same lock file as out of step with package.json.
  echo "==> npm install from package-lock.json (ui/)"
  npm install --no-save --no-audit --no-fund
fi

echo "==> npm run build (ui/dist)"
npm run build
fi
[ "$tests" = 1 ] || exit 0
[ -f dist/index.html ] || { echo "ui-test: ui/dist is not built; run: bash scripts/ui-test.sh --prepare" >&2; exit 1; }

echo "==> browser tests (ui/tests) against $build_dir/mara"
export MARA_BIN="$build_dir/mara"
node --test --test-concurrency=1 --test-timeout=180000 tests/
