#!/usr/bin/env bash
# Generator speed: rows/s of `mara generate` alone for both forms, through the
# mara_generate_bench driver (built with the project: ninja -C BUILD_DIR
# mara_generate_bench). Usage: bench/generate_bench.sh [INCIDENTS]
# Environment: BENCH (driver path), RUNS (default 3), WORK.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
mara=$(find_mara)
driver=${BENCH:-$(dirname "$mara")/bench/mara_generate_bench}
runs=${RUNS:-3}
work=${WORK:-/tmp/mara-generate-bench}
n=${1:-1000000}
ensure_gnu_time
mkdir -p "$work"
machine_summary
for ((r = 1; r <= runs; r++)); do
  read -r w m < <(measure "$work/gen" "$driver" "$n" "$work")
  cat "$work/gen.out"
  echo "  peak RSS $((m / 1024)) MB"
done
rm -rf "$work"
