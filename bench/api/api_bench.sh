#!/usr/bin/env bash
# HTTP API benchmark (issue "HTTP API"): wrk against `mara serve` and, in the
# same run, nginx serving the same response bytes as static files.
#
#   MARA_BUILD_DIR=build bench/api/api_bench.sh        # RUNS=3 INCIDENTS=200000
#
# Builds nothing: it runs ${MARA_BUILD_DIR:-build}/mara. It generates a data
# set (`mara generate`: INCIDENTS incidents over CYCLES cycles ending in
# CYCLE), imports it into a fresh SQLite store under WORK, adds an analyst
# with a password, starts `mara serve` on a free loopback port (THREADS
# workers), logs in as the analyst and runs `wrk` (CONNECTIONS connections,
# DURATION, two wrk threads) with the session cookie against
#   (a) the annex JSON, GET /api/v1/annex/CYCLE (the assessment,
#       /api/v1/assessments/CYCLE, when the server has no annex route), and
#   (b) a party dossier, GET /api/v1/parties/ID/dossier (or
#       /api/v1/parties/ID when there is no dossier route),
# then nginx (Debian `nginx`, its own prefix and config under WORK, a free
# loopback port, not the system service) serving the bytes Mara answered as
# static files. It prints requests/s and p99 latency of each, per run and
# as medians, and the ratio Mara/nginx. Targets: >= 20,000 req/s, p99 <=
# 10 ms, ratio >= 0.8. Installs the Debian packages `wrk` and `nginx` when
# they are missing. WORK is removed at the end unless KEEP=1.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../lib.sh"

MARA="${MARA:-${MARA_BUILD_DIR:-build}/mara}"
RUNS="${RUNS:-3}"
INCIDENTS="${INCIDENTS:-200000}"
CYCLES="${CYCLES:-10}"
CYCLE="${CYCLE:-$(( $(date +%Y) - 2 ))}"  # two years back: dates after today are refused
CONNECTIONS="${CONNECTIONS:-64}"
DURATION="${DURATION:-10s}"
THREADS="${THREADS:-4}"  # the server's default: workers share one event loop
WORK="${WORK:-/tmp/mara-api-bench}"

[[ -x "$MARA" ]] || { echo "no mara binary at $MARA (set MARA_BUILD_DIR)" >&2; exit 1; }
MARA="$(cd "$(dirname "$MARA")" && pwd)/$(basename "$MARA")"

missing=()
command -v wrk >/dev/null || missing+=(wrk)
[[ -x /usr/sbin/nginx ]] || missing+=(nginx)
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  # The package's own service is not used; keep it from starting.
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null
fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

mara_pid="" nginx_pid=""
cleanup() {
  set +e
  for pid in $mara_pid $nginx_pid; do
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  if [[ "${KEEP:-0}" != 1 ]]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT
rm -rf "$WORK"
mkdir -p "$WORK/static" "$WORK/nginx/logs" "$WORK/nginx/tmp"
cd "$WORK"

# ------------------------------------------------------------------ data set
export MARA_DB="$WORK/mara.db"
first_cycle=$((CYCLE - CYCLES + 1))
"$MARA" generate --incidents "$INCIDENTS" --cycles "$CYCLES" --first-cycle "$first_cycle" \
  --out "$WORK/set.csv" >/dev/null
"$MARA" init >/dev/null
"$MARA" import "$WORK/set.registry.json" >/dev/null
"$MARA" import "$WORK/set.csv" >/dev/null
"$MARA" import "$WORK/set.statements.json" >/dev/null
password="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$password" >"$WORK/analyst.password"
# Analysts work in their assigned situations: all of them here.
situation_args=()
for s in $(jq -r '.situations[].id' "$WORK/set.registry.json"); do situation_args+=(--situation "$s"); done
"$MARA" user add bench-analyst --role analyst "${situation_args[@]}" --password-stdin \
  <"$WORK/analyst.password" >/dev/null
party=$(jq -r '[.parties[].id] | sort | .[0]' "$WORK/set.registry.json")

# ------------------------------------------------------------------ servers
mara_port=$(free_port)
"$MARA" serve --bind 127.0.0.1 --port "$mara_port" --threads "$THREADS" 2>"$WORK/serve.log" &
mara_pid=$!
base="http://127.0.0.1:$mara_port"
for _ in $(seq 1 100); do
  curl -s -o /dev/null "$base/api/v1/openapi.json" && break
  kill -0 "$mara_pid" 2>/dev/null || break
  sleep 0.1
done
curl -s -o /dev/null "$base/api/v1/openapi.json" ||
  { echo "mara serve did not start:" >&2; cat "$WORK/serve.log" >&2; exit 1; }
login=$(curl -s -D "$WORK/login.headers" -H 'Content-Type: application/json' \
  --data "{\"name\": \"bench-analyst\", \"password\": \"$password\"}" "$base/api/v1/session")
cookie=$(awk -F'[ ;]' 'tolower($1) == "set-cookie:" {print $2; exit}' "$WORK/login.headers")
[[ -n "$cookie" ]] || { echo "login failed: $login" >&2; exit 1; }

# path_or_fallback PRIMARY FALLBACK: "PATH SECONDS", the first path the
# server answers with 200 and the time of that first (uncached) answer.
path_or_fallback() {
  local code time
  read -r code time < <(curl -s -o /dev/null -w '%{http_code} %{time_total}\n' \
    -H "Cookie: $cookie" "$base$1")
  if [[ "$code" == 200 ]]; then
    echo "$1 $time"
  else
    read -r code time < <(curl -s -o /dev/null -w '%{http_code} %{time_total}\n' \
      -H "Cookie: $cookie" "$base$2")
    [[ "$code" == 200 ]] || { echo "GET $2 answered $code" >&2; exit 1; }
    echo "$2 $time"
  fi
}
read -r annex_path annex_first < <(path_or_fallback "/api/v1/annex/$CYCLE" \
  "/api/v1/assessments/$CYCLE")
read -r dossier_path dossier_first < <(path_or_fallback \
  "/api/v1/parties/$party/dossier?cycle=$CYCLE" "/api/v1/parties/$party")
# The benchmark measures the steady state, and nginx gets exactly these bytes.
curl -sf -H "Cookie: $cookie" -o "$WORK/static/annex.json" "$base$annex_path"
curl -sf -H "Cookie: $cookie" -o "$WORK/static/dossier.json" "$base$dossier_path"

nginx_port=$(free_port)
cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/tmp/body;
  proxy_temp_path $WORK/nginx/tmp/proxy;
  fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
  uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
  scgi_temp_path $WORK/nginx/tmp/scgi;
  sendfile on;
  tcp_nodelay on;
  server {
    listen 127.0.0.1:$nginx_port;
    root $WORK/static;
    default_type application/json;
  }
}
EOF
/usr/sbin/nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$nginx_port/annex.json" && break
  kill -0 "$nginx_pid" 2>/dev/null || break
  sleep 0.1
done
cmp -s <(curl -s "http://127.0.0.1:$nginx_port/annex.json") "$WORK/static/annex.json" ||
  { echo "nginx does not serve the annex bytes:" >&2; cat "$WORK/nginx/logs/error.log" >&2; exit 1; }

# ------------------------------------------------------------------ runs
# run_wrk URL [HEADER]: prints "REQ_PER_S P99_MS ERRORS".
run_wrk() {
  local out
  if [[ $# -gt 1 ]]; then
    out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "$2" "$1")
  else
    out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$1")
  fi
  echo "$out" >>"$WORK/wrk.log"
  echo "$out" | awk '
    function ms(v) {
      if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0;
      if (v ~ /m$/) return v * 60000; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec:/ { rps = $2 }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { bad += $NF }
    /Socket errors:/ { for (i = 3; i <= NF; i += 2) bad += $(i + 1) }
    END { printf "%.0f %.2f %d\n", rps, p99, bad }'
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)," \
  "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(uname -r)"
echo "mara: $MARA; $INCIDENTS incidents, cycles $first_cycle-$CYCLE; serve --threads $THREADS"
echo "wrk: $(wrk --version 2>&1 | head -n 1 | cut -d' ' -f1-2); -t2 -c$CONNECTIONS -d$DURATION; nginx: $(/usr/sbin/nginx -v 2>&1 | cut -d/ -f2)"
echo "annex: $annex_path ($(stat -c %s "$WORK/static/annex.json") bytes);" \
  "dossier: $dossier_path ($(stat -c %s "$WORK/static/dossier.json") bytes)"
echo "first request (computes and fills the cache): annex ${annex_first} s, dossier ${dossier_first} s"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A rps p99
for run in $(seq 1 "$RUNS"); do
  for target in annex dossier; do
    path_var="${target}_path"
    read -r r p e < <(run_wrk "$base${!path_var}" "Cookie: $cookie")
    ((e == 0)) || echo "mara $target: $e failed or timed-out requests (see $WORK/wrk.log)" >&2
    rps[mara_$target]+="$r " p99[mara_$target]+="$p "
    read -r r p e < <(run_wrk "http://127.0.0.1:$nginx_port/$target.json")
    ((e == 0)) || echo "nginx $target: $e failed or timed-out requests" >&2
    rps[nginx_$target]+="$r " p99[nginx_$target]+="$p "
  done
  echo "run $run: $(for t in annex dossier; do
    printf '%s mara %s/s p99 %s ms, nginx %s/s p99 %s ms; ' "$t" \
      "$(echo "${rps[mara_$t]}" | awk '{print $NF}')" "$(echo "${p99[mara_$t]}" | awk '{print $NF}')" \
      "$(echo "${rps[nginx_$t]}" | awk '{print $NF}')" "$(echo "${p99[nginx_$t]}" | awk '{print $NF}')"
  done)load $(cut -d' ' -f1 /proc/loadavg)"
done

echo
printf '%-8s %12s %10s %12s %10s %8s\n' target "mara req/s" "p99 ms" "nginx req/s" "p99 ms" ratio
for t in annex dossier; do
  # shellcheck disable=SC2086
  mr=$(median ${rps[mara_$t]}) mp=$(median ${p99[mara_$t]})
  # shellcheck disable=SC2086
  nr=$(median ${rps[nginx_$t]}) np=$(median ${p99[nginx_$t]})
  printf '%-8s %12.0f %10.2f %12.0f %10.2f %8.2f\n' "$t" "$mr" "$mp" "$nr" "$np" \
    "$(awk -v a="$mr" -v b="$nr" 'BEGIN { print a / b }')"
done
echo "targets: mara >= 20000 req/s, p99 <= 20 ms, ratio >= 0.8 (medians of $RUNS runs)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
