#!/usr/bin/env bash
# Historical simulation of the annex over SVAC 3.2 (docs/historical-simulation.md):
# imports the real SVAC file into a fresh store and runs `mara simulate` for 1989-2021 under
# the default policy three ways: as the data stand; with the dissolutions of
# bench/importers/dissolutions.csv recorded (`mara party dissolve`); and with those
# dissolutions and the rules starting in 2010 (`--first-cycle 2010`, the year the listing
# mechanism was created). With AGENDA=FILE (CSV cycle,situation) a fourth run takes the
# situations on the agenda per cycle from FILE. Writes historical-simulation.csv and the
# chart (of the first run) to OUT_DIR.
# Usage: bench/importers/svac_simulation.sh [MARA] [OUT_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
mara="${1:-$root/build/mara}"
out="${2:-$root/docs}"
data="${MARA_DATA_DIR:-$root/../shared/data}/svac_3.2_complete.csv"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
db="$work/svac.db"
"$mara" --db "$db" import "$data" --format svac >&2

run() {  # run NAME [simulate options...]: one JSON per run
  local name="$1"
  shift
  "$mara" --db "$db" simulate --from 1989 --to 2021 --json "$@" > "$work/$name.json"
}
run plain
python3 - "$root/bench/importers/dissolutions.csv" <<'PY' | while IFS=$'\t' read -r party date source; do
import csv, sys
for row in csv.DictReader(open(sys.argv[1], newline="")):
    print("\t".join([row["party"], row["date"], row["source"]]))
PY
  "$mara" --db "$db" party dissolve --party "$party" --date "$date" --source "$source" >&2
done
run dissolved
run from2010 --first-cycle 2010
runs="plain dissolved from2010"
if [[ -n "${AGENDA:-}" ]]; then
  run agenda --first-cycle 2010 --agenda-by-cycle "$AGENDA"
  runs="$runs agenda"
fi

python3 - "$work" $runs > "$work/counts.csv" <<'PY'
import json, sys
work, runs = sys.argv[1], sys.argv[2:]
docs = {r: {c["cycle"]: c for c in json.load(open(f"{work}/{r}.json"))["cycles"]} for r in runs}
names = {"plain": "", "dissolved": "_dissolved", "from2010": "_from_2010", "agenda": "_agenda"}
header = ["year"]
for r in runs:
    header += ["listed" + names[r], "on_notice" + names[r]]
print(",".join(header))
for year in sorted(docs["plain"]):
    row = [str(year)]
    for r in runs:
        c = docs[r][year]
        row += [str(len(c["listed"])), str(len(c["on_notice"]))]
    print(",".join(row))
PY
cp "$work/counts.csv" "$out/historical-simulation.csv"
python3 "$root/bench/importers/simulation_chart.py" "$work/counts.csv" > "$out/historical-simulation.svg"
cat "$work/counts.csv"
