#!/usr/bin/env bash
# Two builds of mara against each other on PostgreSQL, with psql's \copy in
# the same rounds (the steps of postgres_bench.sh): a throwaway durable
# cluster; per round and binary a fresh database, the registry (not timed),
# `mara import FILE.csv`, then (ASSESS=1, the default) two `mara assess`
# whose outputs must be byte-identical between the binaries.
# Usage: bench/postgres/import_ab.sh BASE_MARA NEW_MARA [INCIDENTS]
set -euo pipefail
base=$1 new=$2 n=${3:-1000000} runs=${RUNS:-3}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work=${WORK:-/tmp/mara-postgres-ab-$n}
mkdir -p "$work"
pg_env="$(PG_DURABLE=1 bash "$root/scripts/pg-cluster.sh" start)"
eval "$pg_env"
trap 'bash "$root/scripts/pg-cluster.sh" stop "$MARA_PG_CLUSTER"' EXIT
socket="$MARA_PG_CLUSTER/socket"
psql_admin=(psql -X -q -v ON_ERROR_STOP=1 -h "$socket" -U mara -d mara_test)
pg_url="postgresql:///mara_bench?host=$socket&user=mara"
csv=$work/gen.csv reg=$work/gen.registry.json
last_cycle=$(( $(date +%Y) - 2 ))
[[ -f $csv ]] || "$new" generate --incidents "$n" --parties 2000 --cycles 10 --first-cycle $((last_cycle - 9)) --out "$csv" >/dev/null
[[ -f $work/keys.db.keys ]] || "$new" --db "$work/keys.db" init >/dev/null
export MARA_KEY_FILE="$work/keys.db.keys"
columns=$(head -n 1 "$csv" | tr -d '\r' | awk -F, '{ for (i = 1; i <= NF; i++) printf "%s\"%s\" text", (i > 1 ? ", " : ""), $i }')
t() { local out=$1; shift; /usr/bin/time -f "%e %M" -o "$out.time" "$@" >"$out.out" 2>"$out.err" || { cat "$out.err" >&2; exit 1; }; cat "$out.time"; }
echo "n=$n runs=$runs start $(uptime)"
for ((r=1;r<=runs;r++)); do
  for which in base new; do
    bin=$base; [[ $which == new ]] && bin=$new
    "${psql_admin[@]}" -c "DROP DATABASE IF EXISTS mara_bench" -c "CREATE DATABASE mara_bench"
    "$bin" --db "$pg_url" import "$reg" >/dev/null
    echo "$which import $(t "$work/$which" "$bin" --db "$pg_url" import "$csv") rows $(psql -X -At -h "$socket" -U mara -d mara_bench -c 'SELECT count(*) FROM incidents')"
    if [[ ${ASSESS:-1} == 1 ]]; then
      echo "$which assess $(t "$work/$which-a" "$bin" --db "$pg_url" assess --cycle "$last_cycle" --json)"
      echo "$which assess2 $(t "$work/$which-a2" "$bin" --db "$pg_url" assess --cycle "$last_cycle" --json)"
    fi
  done
  if [[ ${ASSESS:-1} == 1 ]] && ! cmp -s "$work/base-a2.out" "$work/new-a2.out"; then echo "ASSESSMENTS DIFFER" >&2; exit 1; fi
  "${psql_admin[@]}" -c "DROP TABLE IF EXISTS bare" -c "CREATE TABLE bare ($columns)"
  echo "copy $(t "$work/copy" "${psql_admin[@]}" -c "\\copy bare FROM '$csv' WITH (FORMAT csv, HEADER true)")"
  echo "  load: $(cut -d' ' -f1-3 /proc/loadavg)"
done
echo "end $(uptime)"
if [[ "${KEEP:-0}" != 1 ]]; then rm -rf "$work"; fi
