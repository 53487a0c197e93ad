#!/usr/bin/env bash
# Annual report benchmark (issue "The annual report", tests and figures).
#
# Generates INCIDENTS incidents (default 1,000,000) over 2,000 parties and 10
# cycles (ending two years back), imports them with their registry and statements into a
# fresh store, runs one report untimed so that the data digest is cached (as
# it is after any earlier command), then RUNS times times
# `mara report --cycle LAST --format F --edition E --out FILE` from the store
# on disk, for the public HTML (the target: <= 3 s), the confidential HTML
# and the public JSON. Prints the medians, peak RSS and output sizes.
#
# Usage: bench/report/report_bench.sh [INCIDENTS]
# Environment: MARA (binary), RUNS (default 5), WORK (default
# /tmp/mara-report-bench; removed at the end unless KEEP=1), BASELINE (another
# `mara` binary, e.g. one built from an earlier commit: its runs alternate
# with MARA's on the same store, and the ratio MARA/BASELINE is printed).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/lib.sh"

mara=$(find_mara)
runs=${RUNS:-5}
work=${WORK:-/tmp/mara-report-bench}
n=${1:-1000000}
ensure_gnu_time
mkdir -p "$work"

machine_summary
last_cycle=$(( $(date +%Y) - 2 ))  # dates after today are refused
echo "mara: $mara; $n incidents, 2000 parties, cycles $((last_cycle - 9))-$last_cycle; runs: $runs"
if [[ ! -f "$work/report.db" ]]; then
  "$mara" generate --incidents "$n" --parties 2000 --cycles 10 --first-cycle $((last_cycle - 9)) \
    --out "$work/set.csv" >/dev/null
  "$mara" --db "$work/report.db" init >/dev/null
  "$mara" --db "$work/report.db" import "$work/set.registry.json" >/dev/null
  "$mara" --db "$work/report.db" import "$work/set.csv" >/dev/null
  "$mara" --db "$work/report.db" import "$work/set.statements.json" >/dev/null
  rm -f "$work/set.csv" "$work/set.registry.json" "$work/set.statements.json"
fi
echo "store: $(du -h "$work/report.db" | cut -f1)"
"$mara" --db "$work/report.db" report --cycle "$last_cycle" --format json --out "$work/warmup.json" 2>/dev/null

baseline=${BASELINE:-}
if [[ -n "$baseline" ]]; then
  "$baseline" --db "$work/report.db" report --cycle "$last_cycle" --format json \
    --out "$work/warmup.json" 2>/dev/null
  echo "baseline: $baseline"
fi
printf '%-28s %9s %9s %12s\n' report median_s peak_MB output_MB
for spec in html:public html:confidential json:public; do
  format=${spec%%:*}
  edition=${spec##*:}
  walls=() rss=() base_walls=() base_rss=()
  for ((r = 1; r <= runs; r++)); do
    read -r w m < <(measure "$work/run" "$mara" --db "$work/report.db" report --cycle "$last_cycle" \
      --format "$format" --edition "$edition" --out "$work/report.$format")
    walls+=("$w") rss+=("$m")
    if [[ -n "$baseline" ]]; then
      read -r w m < <(measure "$work/run" "$baseline" --db "$work/report.db" report \
        --cycle "$last_cycle" --format "$format" --edition "$edition" --out "$work/base.$format")
      base_walls+=("$w") base_rss+=("$m")
    fi
  done
  size=$(stat -c %s "$work/report.$format")
  awk -v name="$format $edition" -v w="$(median "${walls[@]}")" -v m="$(median "${rss[@]}")" \
    -v s="$size" 'BEGIN { printf "%-28s %9.3f %9.1f %12.1f\n", name, w, m / 1024, s / 1048576 }'
  echo "  runs: ${walls[*]} s"
  if [[ -n "$baseline" ]]; then
    awk -v w="$(median "${base_walls[@]}")" -v m="$(median "${base_rss[@]}")" \
      -v mine="$(median "${walls[@]}")" \
      'BEGIN { printf "  baseline %9.3f s %9.1f MB   ratio mara/baseline %.2f\n", w, m / 1024, mine / w }'
    echo "  baseline runs: ${base_walls[*]} s"
  fi
done
if [[ "${KEEP:-0}" != 1 ]]; then rm -rf "$work"; fi
