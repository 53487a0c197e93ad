#!/usr/bin/env bash
# Assessment benchmark (issue "Assessment engine", benchmark section).
#
# Generates INCIDENTS incidents (default 1,000,000) over 2,000 parties and 10
# cycles, imports them into a fresh store, then, RUNS times, times
# `mara assess --cycle <last> --json` from the store on disk (loading
# included) and, in the same run, the reference query
# bench/reference_listing_evidence.sql (per-party, per-cycle listing evidence
# for all cycles) run by the sqlite3 shell on the same database. Reports the
# medians, the ratio (target: mara at least 2x faster) and peak RSS. The
# first `mara assess` after an import is run before the timed runs and shown
# on its own (mara_first_s): it reads the data digest the import kept
# current, where stores before schema version 8 recomputed it from every
# record (docs/formats.md §4).
#
# Usage: bench/assess_bench.sh [INCIDENTS]
# Environment: MARA (binary), RUNS (default 5), WORK (default
# /tmp/mara-assess-bench; removed at the end unless KEEP=1).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lib.sh"

mara=$(find_mara)
runs=${RUNS:-5}
work=${WORK:-/tmp/mara-assess-bench}
n=${1:-1000000}
parties=2000
cycles=10
# The last cycle is two years back, so no generated follow-up date (a
# verification, a decision, a petition) falls after today: those are refused.
first_cycle=$(( $(date +%Y) - cycles - 1 ))
last=$((first_cycle + cycles - 1))
ensure_gnu_time
mkdir -p "$work"
rm -f "$work"/assess.db*

machine_summary
echo "mara: $mara; $n incidents, $parties parties, cycles $first_cycle-$last; runs: $runs"
"$mara" generate --incidents "$n" --parties "$parties" --cycles "$cycles" \
  --first-cycle "$first_cycle" --out "$work/set.csv" >/dev/null
"$mara" --db "$work/assess.db" import "$work/set.registry.json" >/dev/null
"$mara" --db "$work/assess.db" import "$work/set.csv" >/dev/null
"$mara" --db "$work/assess.db" import "$work/set.statements.json" >/dev/null
rm -f "$work/set.csv" "$work/set.registry.json" "$work/set.statements.json"
echo "store: $(du -h "$work/assess.db" | cut -f1)"

# The first assessment after an import is timed on its own: it is the one
# that would pay for a data digest not kept current by the import.
read -r first_wall _ < <(measure "$work/mara" "$mara" --db "$work/assess.db" assess --cycle "$last" --json)
mara_walls=() mara_rss=() sql_walls=() sql_rss=()
for ((r = 1; r <= runs; r++)); do
  read -r w m < <(measure "$work/mara" "$mara" --db "$work/assess.db" assess --cycle "$last" --json)
  mara_walls+=("$w") mara_rss+=("$m")
  read -r w m < <(measure "$work/sql" sqlite3 -readonly -cmd ".read $here/reference_listing_evidence.sql" \
    "$work/assess.db" ".exit")
  sql_walls+=("$w") sql_rss+=("$m")
done
counts=$(sqlite3 :memory: "SELECT group_concat(n || ' ' || s, ', ') FROM (SELECT
  json_extract(value, '$.status') AS s, count(*) AS n
  FROM json_each(readfile('$work/mara.out'), '$.parties') GROUP BY s)")
echo "mara, cycle $last: $counts; reference query: $(wc -l <"$work/sql.out") (party, cycle) rows"
mw=$(median "${mara_walls[@]}")
sw=$(median "${sql_walls[@]}")
mr=$(median "${mara_rss[@]}")
sr=$(median "${sql_rss[@]}")
printf '%-10s %9s %14s %12s %13s %9s %11s\n' incidents mara_s mara_first_s reference_s speedup \
  mara_MB reference_MB
awk -v n="$n" -v mw="$mw" -v f="$first_wall" -v sw="$sw" -v mr="$mr" -v sr="$sr" \
  'BEGIN { printf "%-10d %9.3f %14.3f %12.3f %12.2fx %9.1f %11.1f\n", n, mw, f, sw, sw / mw, mr / 1024, sr / 1024 }'
echo "  runs: mara ${mara_walls[*]} s; reference ${sql_walls[*]} s"
if [[ "${KEEP:-0}" != 1 ]]; then rm -rf "$work"; fi
