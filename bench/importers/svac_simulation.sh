#!/usr/bin/env bash
# Historical simulation of the annex over SVAC 3.2 (docs/historical-simulation.md):
# imports the real SVAC file into a fresh store, runs `mara assess --json` for each
# cycle 1989-2021 under the default policy, counts listed and on-notice parties, and
# draws the chart. Usage: bench/importers/svac_simulation.sh [MARA] [OUT_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
mara="${1:-$root/build/mara}"
out="${2:-$root/docs}"
data="$root/../shared/data/svac_3.2_complete.csv"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
db="$work/svac.db"
"$mara" --db "$db" import "$data" --format svac >&2
echo "year,listed,on_notice" > "$work/counts.csv"
for year in $(seq 1989 2021); do
  "$mara" --db "$db" assess --cycle "$year" --json |
    python3 -c '
import json, sys
doc = json.load(sys.stdin)
statuses = [p["status"] for p in doc["parties"]]
print("%d,%d,%d" % (doc["cycle"], statuses.count("listed"), statuses.count("on_notice")))
' >> "$work/counts.csv"
done
cp "$work/counts.csv" "$out/historical-simulation.csv"
python3 "$root/bench/importers/simulation_chart.py" "$work/counts.csv" > "$out/historical-simulation.svg"
cat "$work/counts.csv"
