#!/usr/bin/env bash
# The cost curve: what each of the office's everyday operations costs as the
# store grows, on SQLite.
#
# For each size (default 100000 1000000 10000000 incidents over 2,000
# parties and 10 cycles, `mara generate`), in a fresh store under WORK:
#   import_s        `mara import` of the incidents CSV (the registry first,
#                   untimed), with its peak RSS
#   first_assess_s  the first `mara assess --cycle C --json` after the import
#   assess_s        `mara assess` again, median of RUNS
#   report_s        `mara report --cycle C --format json` (public edition)
#   annex_write_s   with `mara serve` running: one incident saved through the
#                   server (POST /api/v1/incidents, a monitor), then the time
#                   of the first GET /api/v1/annex/C that follows (an
#                   analyst), median of WRITES writes; the server's kept
#                   assessment follows its own writes
#   annex_cli_write_s the same after `mara incident save` (another process):
#                   the server reads the store again; annex_warm_s is an
#                   unchanged annex (cached), for comparison
# and, in the same run, the sqlite3 shell's `.import --csv` of the same CSV
# (sqlite_import_s) as the import's baseline. Prints a table and writes
# cost_curve.csv beside this script's output (OUT, default
# bench/cost_curve.csv); `bench/cost_curve_chart.py CSV > SVG` draws it.
#
# Usage: bench/cost_curve.sh [SIZES...]
# Environment: MARA (binary), RUNS (default 3), WRITES (default 5), WORK
# (default /tmp/mara-cost-curve; removed at the end unless KEEP=1), OUT.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lib.sh"

mara=$(find_mara)
mara="$(cd "$(dirname "$mara")" && pwd)/$(basename "$mara")"
runs=${RUNS:-3}
writes=${WRITES:-5}
work=${WORK:-/tmp/mara-cost-curve}
out_csv=${OUT:-$here/cost_curve.csv}
sizes=("$@")
((${#sizes[@]})) || sizes=(100000 1000000 10000000)
parties=2000
cycles=10
first_cycle=$(($(date +%Y) - cycles - 1))
last=$((first_cycle + cycles - 1))
ensure_gnu_time
command -v jq >/dev/null || { echo "cost_curve.sh needs jq (apt-get install jq)" >&2; exit 1; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
serve_pid=""
cleanup() {
  set +e
  if [[ -n "$serve_pid" ]]; then
    kill "$serve_pid" 2>/dev/null
    wait "$serve_pid" 2>/dev/null
  fi
  if [[ "${KEEP:-0}" != 1 ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT

machine_summary
echo "mara: $mara; parties $parties, cycles $first_cycle-$last; runs $runs, writes $writes"
echo "incidents,import_s,import_rss_mb,sqlite_import_s,first_assess_s,assess_s,assess_rss_mb,report_s,annex_warm_s,annex_write_s,annex_cli_write_s,db_mb" >"$out_csv"
printf '%-10s %9s %8s %9s %9s %9s %8s %9s %9s %9s %9s %8s\n' incidents import_s imp_MB sqlite_s \
  first_s assess_s ass_MB report_s annex_s annex_w_s annex_c_s db_MB

for n in "${sizes[@]}"; do
  rm -rf "$work"
  mkdir -p "$work"
  db="$work/mara.db"
  "$mara" generate --incidents "$n" --parties "$parties" --cycles "$cycles" \
    --first-cycle "$first_cycle" --out "$work/set.csv" >/dev/null
  "$mara" --db "$db" import "$work/set.registry.json" >/dev/null
  read -r import_s import_kb < <(measure "$work/import" "$mara" --db "$db" import "$work/set.csv")
  "$mara" --db "$db" import "$work/set.statements.json" >/dev/null
  read -r sqlite_s _ < <(measure "$work/sqlite" sqlite3 "$work/bare.db" ".import --csv $work/set.csv incidents")
  rm -f "$work/bare.db"

  read -r first_s _ < <(measure "$work/first" "$mara" --db "$db" assess --cycle "$last" --json)
  walls=() rss=()
  for ((r = 1; r <= runs; r++)); do
    read -r w m < <(measure "$work/assess" "$mara" --db "$db" assess --cycle "$last" --json)
    walls+=("$w") rss+=("$m")
  done
  assess_s=$(median "${walls[@]}")
  assess_kb=$(median "${rss[@]}")
  read -r report_s _ < <(measure "$work/report" "$mara" --db "$db" report --cycle "$last" \
    --format json --out "$work/report.json")

  # A monitor and an analyst in every situation.
  situation_args=()
  for s in $(jq -r '.situations[].id' "$work/set.registry.json"); do
    situation_args+=(--situation "$s")
  done
  password="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  printf '%s\n' "$password" | "$mara" --db "$db" user add bench-monitor --role monitor \
    "${situation_args[@]}" --password-stdin >/dev/null
  printf '%s\n' "$password" | "$mara" --db "$db" user add bench-analyst --role analyst \
    "${situation_args[@]}" --password-stdin >/dev/null
  party=$(jq -r '.parties[0].id' "$work/set.registry.json")
  situation=$(jq -r '.parties[0].situation' "$work/set.registry.json")
  source_id=$(jq -r '.sources[0].id' "$work/set.registry.json")

  port=$(free_port)
  "$mara" --db "$db" serve --bind 127.0.0.1 --port "$port" 2>"$work/serve.log" &
  serve_pid=$!
  base="http://127.0.0.1:$port"
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "$base/api/v1/openapi.json" && break
    sleep 0.1
  done
  curl -s -D "$work/login.headers" -o /dev/null -H 'Content-Type: application/json' \
    --data "{\"name\": \"bench-analyst\", \"password\": \"$password\"}" "$base/api/v1/session"
  cookie=$(awk -F'[ ;]' 'tolower($1) == "set-cookie:" {print $2; exit}' "$work/login.headers")
  [[ -n "$cookie" ]] || { echo "login failed" >&2; cat "$work/serve.log" >&2; exit 1; }
  monitor_login=$(curl -s -D "$work/monitor.headers" -H 'Content-Type: application/json' \
    --data "{\"name\": \"bench-monitor\", \"password\": \"$password\"}" "$base/api/v1/session")
  monitor_cookie=$(awk -F'[ ;]' 'tolower($1) == "set-cookie:" {print $2; exit}' "$work/monitor.headers")
  monitor_csrf=$(jq -r .csrf_token <<<"$monitor_login")
  annex() {
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Cookie: $cookie" \
      "$base/api/v1/annex/$last"
  }
  annex >/dev/null  # fills the cache
  warm=()
  for ((k = 1; k <= writes; k++)); do
    read -r code t < <(annex)
    [[ "$code" == 200 ]] || { echo "annex answered $code" >&2; exit 1; }
    warm+=("$t")
  done
  incident_json() {  # $1: a number that makes the id and the place
    cat <<EOF
{"id": "I-COST-$1", "situation": "$situation", "date": "$last-06-0$(($1 % 9 + 1))",
 "location": {"name": "Cost curve $1"}, "violations": ["rape"], "victims": {"women": 1},
 "context": "attack", "nexus": ["perpetrator_affiliation"], "status": "under_verification",
 "perpetrators": [{"party": "$party", "standard": "credible_information"}],
 "sources": ["$source_id"], "consent": "aggregate_reporting"}
EOF
  }
  after=()
  for ((k = 1; k <= writes; k++)); do
    code=$(incident_json "$k" | curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $monitor_cookie" \
      -H "X-CSRF-Token: $monitor_csrf" -H 'Content-Type: application/json' --data-binary @- \
      "$base/api/v1/incidents")
    [[ "$code" == 201 ]] || { echo "saving an incident answered $code" >&2; exit 1; }
    read -r code t < <(annex)
    [[ "$code" == 200 ]] || { echo "annex answered $code after a write" >&2; exit 1; }
    after+=("$t")
  done
  after_cli=()
  for ((k = writes + 1; k <= 2 * writes; k++)); do
    incident_json "$k" >"$work/incident.json"
    "$mara" --db "$db" --as bench-monitor incident save "$work/incident.json" >/dev/null
    read -r code t < <(annex)
    [[ "$code" == 200 ]] || { echo "annex answered $code after a write" >&2; exit 1; }
    after_cli+=("$t")
  done
  kill "$serve_pid"
  wait "$serve_pid" 2>/dev/null || true
  serve_pid=""
  warm_s=$(median "${warm[@]}")
  write_s=$(median "${after[@]}")
  cli_write_s=$(median "${after_cli[@]}")
  db_mb=$(du -m "$db" | cut -f1)
  printf '%-10d %9.2f %8.1f %9.2f %9.3f %9.3f %8.1f %9.3f %9.4f %9.3f %9.3f %8d\n' "$n" "$import_s" \
    "$(awk -v k="$import_kb" 'BEGIN {print k / 1024}')" "$sqlite_s" "$first_s" "$assess_s" \
    "$(awk -v k="$assess_kb" 'BEGIN {print k / 1024}')" "$report_s" "$warm_s" "$write_s" \
    "$cli_write_s" "$db_mb"
  echo "  annex after each server write: ${after[*]} s; after each CLI write: ${after_cli[*]} s;" \
    "assess runs: ${walls[*]} s"
  awk -v n="$n" -v i="$import_s" -v ik="$import_kb" -v s="$sqlite_s" -v f="$first_s" \
    -v a="$assess_s" -v ak="$assess_kb" -v r="$report_s" -v w="$warm_s" -v aw="$write_s" \
    -v ac="$cli_write_s" -v d="$db_mb" \
    'BEGIN { printf "%d,%s,%.1f,%s,%s,%s,%.1f,%s,%s,%s,%s,%d\n", n, i, ik / 1024, s, f, a, ak / 1024, r, w, aw, ac, d }' \
    >>"$out_csv"
done
echo "written: $out_csv"
