#!/usr/bin/env bash
# Configures (Ninja, RelWithDebInfo) into build/ and builds everything.
# Extra arguments go to ninja, e.g. `bash scripts/build.sh mara`.
# MARA_BUILD_DIR selects another build directory (the other scripts honour
# it too); MARA_JOBS the number of parallel jobs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MARA_BUILD_DIR:-$root/build}"
jobs="${MARA_JOBS:-$(nproc)}"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$build" -j "$jobs" "$@"
