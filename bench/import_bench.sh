#!/usr/bin/env bash
# Import benchmark (issue "Mara core", benchmark section).
#
# For each size: generate an incidents CSV with `mara generate`, then, RUNS
# times, import its registry into a fresh store (not timed) and time
# `mara import` of the CSV; in the same run time the sqlite3 shell's
# `.import --csv` of the same CSV into one bare table of a fresh database.
# Reports medians: wall time, incidents/s, the ratio mara/sqlite3 (target
# <= 1.5) and peak RSS (target <= 300 MB, and the largest size within 10% of
# the smallest).
#
# Usage: bench/import_bench.sh [SIZES...]   (default: 1000000 5000000)
# Environment: MARA (binary), RUNS (default 3), WORK (default
# /tmp/mara-import-bench; removed at the end unless KEEP=1).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mara=$(find_mara)
runs=${RUNS:-3}
work=${WORK:-/tmp/mara-import-bench}
sizes=("$@")
if [[ ${#sizes[@]} -eq 0 ]]; then sizes=(1000000 5000000); fi
ensure_gnu_time
mkdir -p "$work"

machine_summary
echo "mara: $mara; runs per size: $runs"
printf '%-9s %11s %11s %12s %9s %7s %11s %11s %11s\n' incidents gen_s mara_s mara_inc/s \
  sqlite_s ratio mara_rss_MB sqlite_rss_MB gen_rss_MB
declare -A rss_of
for n in "${sizes[@]}"; do
  csv="$work/gen-$n.csv"
  read -r gen_s gen_rss < <(measure "$work/gen" "$mara" generate --incidents "$n" --out "$csv")
  registry="$work/gen-$n.registry.json"
  mara_walls=() mara_rss=() sqlite_walls=() sqlite_rss=()
  for ((r = 1; r <= runs; r++)); do
    rm -f "$work"/bench.db* "$work"/bare.db*
    "$mara" --db "$work/bench.db" import "$registry" >/dev/null
    read -r w m < <(measure "$work/mara" "$mara" --db "$work/bench.db" import "$csv")
    mara_walls+=("$w") mara_rss+=("$m")
    read -r w m < <(measure "$work/sqlite" sqlite3 "$work/bare.db" ".import --csv $csv t")
    sqlite_walls+=("$w") sqlite_rss+=("$m")
    rows=$(sqlite3 "$work/bare.db" 'SELECT count(*) FROM t')
    stored=$(sqlite3 "$work/bench.db" 'SELECT count(*) FROM incidents')
    if [[ "$rows" != "$n" || "$stored" != "$n" ]]; then
      echo "row counts differ: sqlite3 $rows, mara $stored, expected $n" >&2
      exit 1
    fi
  done
  mw=$(median "${mara_walls[@]}")
  sw=$(median "${sqlite_walls[@]}")
  mr=$(median "${mara_rss[@]}")
  sr=$(median "${sqlite_rss[@]}")
  rss_of[$n]=$mr
  awk -v n="$n" -v g="$gen_s" -v mw="$mw" -v sw="$sw" -v mr="$mr" -v sr="$sr" -v gr="$gen_rss" \
    'BEGIN { printf "%-9d %11.2f %11.2f %12.0f %9.2f %7.2f %11.1f %11.1f %11.1f\n",
             n, g, mw, n / mw, sw, mw / sw, mr / 1024, sr / 1024, gr / 1024 }'
  echo "  runs: mara ${mara_walls[*]} s; sqlite3 ${sqlite_walls[*]} s" \
    "(generator: $(awk -v n="$n" -v g="$gen_s" 'BEGIN { printf "%.0f", n / g }') rows/s)"
  rm -f "$csv" "$registry" "$work/gen-$n.statements.json"
done
if [[ ${#sizes[@]} -ge 2 ]]; then
  first=${sizes[0]} last=${sizes[-1]}
  awk -v a="${rss_of[$first]}" -v b="${rss_of[$last]}" -v fa="$first" -v fb="$last" \
    'BEGIN { printf "peak RSS at %d is %+.1f%% of that at %d\n", fb, (b / a - 1) * 100, fa }'
fi
if [[ "${KEEP:-0}" != 1 ]]; then rm -rf "$work"; fi
