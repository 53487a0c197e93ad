#!/usr/bin/env bash
# PostgreSQL beside SQLite in the same run (issue "PostgreSQL backend"):
#   1. `mara generate` writes 1M incidents (2,000 parties, 10 cycles) and
#      their registry;
#   2. for each backend, a fresh store gets the registry (not timed), then
#      `mara import FILE.csv` and `mara assess --cycle LAST --json` (LAST two years back) (first
#      run, which computes and caches the data digest, and a second run) are
#      timed;
#   3. the baseline: psql's `\copy` of the same CSV into a bare table of
#      text columns, no index, no validation;
#   4. the second baseline, "shaped": psql storing what a Mara store keeps of
#      each incident and nothing of Mara's own work: in one transaction,
#      `\copy` into a table keyed by the incident id (as the incidents
#      table) and one row per incident in a table shaped as the state ledger
#      (audit_state); no validation, sealing, hashing or facts projection.
# The server is a throwaway cluster from scripts/pg-cluster.sh with
# durability on (PG_DURABLE=1: fsync, full-page writes), on a Unix socket.
# Prints medians of RUNS runs (default 3) and the ratios mara import / \copy
# (target <= 1.5) and mara import / shaped.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$root/bench/lib.sh"

mara=$(find_mara)
runs=${RUNS:-3}
n=${INCIDENTS:-1000000}
work=${WORK:-/tmp/mara-postgres-bench}
ensure_gnu_time
mkdir -p "$work"

pg_env="$(PG_DURABLE=1 bash "$root/scripts/pg-cluster.sh" start)"
eval "$pg_env"
trap 'bash "$root/scripts/pg-cluster.sh" stop "$MARA_PG_CLUSTER"' EXIT
socket="$MARA_PG_CLUSTER/socket"
psql_admin=(psql -X -q -v ON_ERROR_STOP=1 -h "$socket" -U mara -d mara_test)
pg_url="postgresql:///mara_bench?host=$socket&user=mara"

machine_summary
echo "postgresql: $(psql -X -At -h "$socket" -U mara -d mara_test -c 'SHOW server_version')"
echo "mara: $mara; $n incidents; runs: $runs"

csv="$work/gen.csv"
registry="$work/gen.registry.json"
# The last cycle is two years back (dates after today are refused).
last_cycle=$(( $(date +%Y) - 2 ))
"$mara" generate --incidents "$n" --parties 2000 --cycles 10 --first-cycle $((last_cycle - 9)) \
  --out "$csv" >/dev/null
# A key file for both stores, so neither run pays for creating one.
"$mara" --db "$work/keys.db" init >/dev/null
export MARA_KEY_FILE="$work/keys.db.keys"

columns=$(head -n 1 "$csv" | tr -d '\r' | awk -F, '{ for (i = 1; i <= NF; i++) printf "%s\"%s\" text", (i > 1 ? ", " : ""), $i }')
# The ledger's ord is the row number, which the generated ids carry (I-%08d).
keyed=${columns/'"id" text'/'"id" text COLLATE "C" PRIMARY KEY'}
cat >"$work/shaped.sql" <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS shaped;
DROP TABLE IF EXISTS shaped_state;
CREATE TABLE shaped ($keyed);
CREATE TABLE shaped_state(seq BIGINT NOT NULL, ord BIGINT NOT NULL, collection TEXT NOT NULL,
  id TEXT NOT NULL, digest TEXT NOT NULL, PRIMARY KEY (seq, ord));
SQL
cat >"$work/shaped-import.sql" <<SQL
BEGIN;
\\copy shaped FROM '$csv' WITH (FORMAT csv, HEADER true)
INSERT INTO shaped_state SELECT 1, substr(id, 3)::bigint, 'incidents', id,
  repeat('f', 64) FROM shaped;
COMMIT;
SQL

declare -a s_imp s_a1 s_a2 p_imp p_a1 p_a2 copy_w shaped_w
for ((r = 1; r <= runs; r++)); do
  rm -f "$work"/bench.db*
  "$mara" --db "$work/bench.db" import "$registry" >/dev/null
  read -r w _ < <(measure "$work/s-import" "$mara" --db "$work/bench.db" import "$csv")
  s_imp+=("$w")
  read -r w _ < <(measure "$work/s-a1" "$mara" --db "$work/bench.db" assess --cycle "$last_cycle" --json)
  s_a1+=("$w")
  read -r w _ < <(measure "$work/s-a2" "$mara" --db "$work/bench.db" assess --cycle "$last_cycle" --json)
  s_a2+=("$w")

  "${psql_admin[@]}" -c "DROP DATABASE IF EXISTS mara_bench" -c "CREATE DATABASE mara_bench"
  "$mara" --db "$pg_url" import "$registry" >/dev/null
  read -r w _ < <(measure "$work/p-import" "$mara" --db "$pg_url" import "$csv")
  p_imp+=("$w")
  read -r w _ < <(measure "$work/p-a1" "$mara" --db "$pg_url" assess --cycle "$last_cycle" --json)
  p_a1+=("$w")
  read -r w _ < <(measure "$work/p-a2" "$mara" --db "$pg_url" assess --cycle "$last_cycle" --json)
  p_a2+=("$w")
  if ! cmp -s "$work/s-a2.out" "$work/p-a2.out"; then
    echo "the assessments differ between SQLite and PostgreSQL" >&2
    exit 1
  fi

  "${psql_admin[@]}" -c "DROP TABLE IF EXISTS bare" -c "CREATE TABLE bare ($columns)"
  read -r w _ < <(measure "$work/copy" "${psql_admin[@]}" -c "\\copy bare FROM '$csv' WITH (FORMAT csv, HEADER true)")
  copy_w+=("$w")
  "${psql_admin[@]}" -f "$work/shaped.sql"
  read -r w _ < <(measure "$work/shaped" "${psql_admin[@]}" -f "$work/shaped-import.sql")
  shaped_w+=("$w")
  rows=$(psql -X -At -h "$socket" -U mara -d mara_test -c 'SELECT count(*) FROM bare')
  stored=$(psql -X -At -h "$socket" -U mara -d mara_bench -c 'SELECT count(*) FROM incidents')
  shaped=$(psql -X -At -h "$socket" -U mara -d mara_test -c 'SELECT count(*) FROM shaped_state')
  if [[ "$rows" != "$n" || "$stored" != "$n" || "$shaped" != "$n" ]]; then
    echo "row counts differ: \\copy $rows, mara $stored, shaped $shaped, expected $n" >&2
    exit 1
  fi
  echo "  run $r: sqlite import ${s_imp[-1]} s, postgresql import ${p_imp[-1]} s," \
    "\\copy ${copy_w[-1]} s, shaped ${shaped_w[-1]} s"
done

printf '%-12s %9s %14s %14s\n' backend import_s assess_first_s assess_s
printf '%-12s %9.2f %14.2f %14.2f\n' sqlite "$(median "${s_imp[@]}")" "$(median "${s_a1[@]}")" \
  "$(median "${s_a2[@]}")"
printf '%-12s %9.2f %14.2f %14.2f\n' postgresql "$(median "${p_imp[@]}")" \
  "$(median "${p_a1[@]}")" "$(median "${p_a2[@]}")"
cw=$(median "${copy_w[@]}")
hw=$(median "${shaped_w[@]}")
pw=$(median "${p_imp[@]}")
awk -v c="$cw" -v h="$hw" -v p="$pw" 'BEGIN {
  printf "psql \\copy into a bare table: %.2f s; mara import on PostgreSQL / \\copy = %.2f (target <= 1.5)\n", c, p / c
  printf "shaped (keyed table and ledger rows): %.2f s; mara / shaped = %.2f; shaped / \\copy = %.2f\n", h, p / h, h / c }'
if [[ "${KEEP:-0}" != 1 ]]; then rm -rf "$work"; fi
