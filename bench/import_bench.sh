#!/usr/bin/env bash
# Import benchmark (issue "Mara core", benchmark section).
#
# For each size: generate an incidents CSV with `mara generate`, then, RUNS
# times, import its registry into a fresh store (not timed) and time
# `mara import` of the CSV; in the same run time the sqlite3 shell's
# `.import --csv` of the same CSV into one bare table of a fresh database.
# The second baseline, "shaped", is the same shell storing what a Mara store
# keeps of each incident, and nothing of Mara's own work: a fresh database
# set up as Mara sets its own (64 KiB pages, WAL, synchronous NORMAL, a
# 32 MB page cache), the CSV's columns in a table keyed by the incident id
# (WITHOUT ROWID, as the incidents table), and in the same transaction one
# row per incident in a table shaped as the state ledger (audit_state). It
# does no validation, sealing, hashing or facts projection, so it is a floor
# for an import that keeps the incidents keyed and the ledger per incident.
# Reports medians: wall time, incidents/s, the ratios mara/sqlite3 (target
# <= 1.2) and mara/shaped, and peak RSS (target <= 300 MB, and the largest
# size within 10% of the smallest).
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
printf '%-9s %7s %8s %10s %8s %8s %11s %11s %13s %11s %13s\n' incidents gen_s mara_s \
  mara_inc/s sqlite_s shaped_s mara/sqlite mara/shaped shaped/sqlite mara_rss_MB sqlite_rss_MB
declare -A rss_of
for n in "${sizes[@]}"; do
  csv="$work/gen-$n.csv"
  read -r gen_s gen_rss < <(measure "$work/gen" "$mara" generate --incidents "$n" --out "$csv")
  registry="$work/gen-$n.registry.json"
  mara_walls=() mara_rss=() sqlite_walls=() sqlite_rss=() shaped_walls=()
  # The shaped baseline's schema: the CSV's columns, the id as the key. The
  # ledger's ord is the row number, which the generated ids carry (I-%08d).
  columns=$(head -n 1 "$csv" | tr -d '\r' | awk -F, '{ for (i = 1; i <= NF; i++)
    printf "%s\"%s\" TEXT%s", (i > 1 ? ", " : ""), $i, ($i == "id" ? " PRIMARY KEY NOT NULL" : "") }')
  cat >"$work/shaped-schema.sql" <<SQL
PRAGMA page_size = 65536;
PRAGMA journal_mode = WAL;
CREATE TABLE incidents($columns) WITHOUT ROWID;
CREATE TABLE audit_state(seq INTEGER NOT NULL, ord INTEGER NOT NULL, collection TEXT NOT NULL,
  id TEXT NOT NULL, digest TEXT NOT NULL, PRIMARY KEY (seq, ord)) WITHOUT ROWID;
SQL
  cat >"$work/shaped-import.sql" <<SQL
PRAGMA synchronous = NORMAL;
PRAGMA cache_size = -32768;
BEGIN;
.import --csv --skip 1 $csv incidents
INSERT INTO audit_state SELECT 1, CAST(substr(id, 3) AS INTEGER), 'incidents', id,
  '$(printf '%064d' 0 | tr 0 f)' FROM incidents;
COMMIT;
SQL
  for ((r = 1; r <= runs; r++)); do
    rm -f "$work"/bench.db* "$work"/bare.db* "$work"/shaped.db*
    "$mara" --db "$work/bench.db" import "$registry" >/dev/null
    read -r w m < <(measure "$work/mara" "$mara" --db "$work/bench.db" import "$csv")
    mara_walls+=("$w") mara_rss+=("$m")
    read -r w m < <(measure "$work/sqlite" sqlite3 "$work/bare.db" ".import --csv $csv t")
    sqlite_walls+=("$w") sqlite_rss+=("$m")
    sqlite3 "$work/shaped.db" <"$work/shaped-schema.sql" >/dev/null
    read -r w m < <(measure "$work/shaped" sqlite3 "$work/shaped.db" <"$work/shaped-import.sql")
    shaped_walls+=("$w")
    rows=$(sqlite3 "$work/bare.db" 'SELECT count(*) FROM t')
    stored=$(sqlite3 "$work/bench.db" 'SELECT count(*) FROM incidents')
    shaped=$(sqlite3 "$work/shaped.db" 'SELECT count(*) FROM audit_state')
    if [[ "$rows" != "$n" || "$stored" != "$n" || "$shaped" != "$n" ]]; then
      echo "row counts differ: sqlite3 $rows, mara $stored, shaped $shaped, expected $n" >&2
      exit 1
    fi
  done
  mw=$(median "${mara_walls[@]}")
  sw=$(median "${sqlite_walls[@]}")
  hw=$(median "${shaped_walls[@]}")
  mr=$(median "${mara_rss[@]}")
  sr=$(median "${sqlite_rss[@]}")
  rss_of[$n]=$mr
  awk -v n="$n" -v g="$gen_s" -v mw="$mw" -v sw="$sw" -v hw="$hw" -v mr="$mr" -v sr="$sr" \
    'BEGIN { printf "%-9d %7.2f %8.2f %10.0f %8.2f %8.2f %11.2f %11.2f %13.2f %11.1f %13.1f\n",
             n, g, mw, n / mw, sw, hw, mw / sw, mw / hw, hw / sw, mr / 1024, sr / 1024 }'
  echo "  runs: mara ${mara_walls[*]} s; sqlite3 ${sqlite_walls[*]} s; shaped ${shaped_walls[*]} s" \
    "(generator: $(awk -v n="$n" -v g="$gen_s" 'BEGIN { printf "%.0f", n / g }') rows/s)"
  rm -f "$csv" "$registry" "$work/gen-$n.statements.json"
done
if [[ ${#sizes[@]} -ge 2 ]]; then
  first=${sizes[0]} last=${sizes[-1]}
  awk -v a="${rss_of[$first]}" -v b="${rss_of[$last]}" -v fa="$first" -v fb="$last" \
    'BEGIN { printf "peak RSS at %d is %+.1f%% of that at %d\n", fb, (b / a - 1) * 100, fa }'
fi
if [[ "${KEEP:-0}" != 1 ]]; then rm -rf "$work"; fi
