#!/usr/bin/env bash
# The documented soak run (docs/reliability.md, "Soak"): mixed read/write
# API load against a real `mara serve` on loopback for SECONDS (default 600),
# through the same test the test command runs for 60 s
# (ReliabilitySoakTest in mara_e2e_tests). Prints the per-interval table
# (requests, errors, p50/p99 latency, RSS and peak RSS of the server) and
# writes it to bench/soak/last-run.csv.
#   bash bench/soak/soak.sh [SECONDS]
# MARA_BUILD_DIR selects the build directory (default: build/).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${MARA_BUILD_DIR:-$root/build}"
seconds="${1:-600}"
if [ ! -x "$build/mara_e2e_tests" ]; then
  echo "soak: $build/mara_e2e_tests is missing; build it first (bash scripts/build.sh)" >&2
  exit 1
fi
MARA_SOAK_SECONDS="$seconds" MARA_SOAK_OUT="$root/bench/soak/last-run.csv" \
  "$build/mara_e2e_tests" --gtest_filter='ReliabilitySoakTest.*'
echo "soak: table written to bench/soak/last-run.csv"
