#!/usr/bin/env bash
# Two builds of mara against each other and sqlite3's .import, in the same
# rounds: for each of RUNS rounds, each binary imports the registry into a
# fresh store (not timed) and then the CSV (timed, with its peak RSS), and
# sqlite3 .import --csv loads the same file into a bare table.
# Usage: bench/import_ab.sh BASE_MARA NEW_MARA INCIDENTS
# Prints one line per import: which, wall seconds, peak RSS KB, rows stored.
set -euo pipefail
base=$1 new=$2 n=$3 runs=${RUNS:-3}
work=${WORK:-/tmp/mara-import-ab-$n}
mkdir -p "$work"
csv=$work/gen.csv
[[ -f $csv ]] || "$new" generate --incidents "$n" --out "$csv" >/dev/null
reg=$work/gen.registry.json
t() { local out=$1; shift; /usr/bin/time -f "%e %M" -o "$out.time" "$@" >/dev/null 2>"$out.err" || { cat "$out.err" >&2; exit 1; }; cat "$out.time"; }
echo "n=$n runs=$runs start $(uptime)"
for ((r=1;r<=runs;r++)); do
  for which in base new; do
    bin=$base; [[ $which == new ]] && bin=$new
    rm -f "$work"/b.db*
    "$bin" --db "$work/b.db" import "$reg" >/dev/null
    echo "$which $(t "$work/$which" "$bin" --db "$work/b.db" import "$csv") $(sqlite3 "$work/b.db" 'select count(*) from incidents')"
  done
  rm -f "$work"/bare.db*
  echo "sqlite3 $(t "$work/sq" sqlite3 "$work/bare.db" ".import --csv $csv t")"
  echo "  load: $(cut -d' ' -f1-3 /proc/loadavg)"
done
echo "end $(uptime)"
if [[ "${KEEP:-0}" != 1 ]]; then rm -rf "$work"; fi
