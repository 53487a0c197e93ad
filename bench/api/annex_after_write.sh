#!/usr/bin/env bash
# The annex after a write: how long GET /api/v1/annex/CYCLE takes for 16
# readers at once right after one incident is saved through the server, on a
# store of INCIDENTS incidents (default 1,000,000; 2,000 parties, 10 cycles).
#
#   MARA_BUILD_DIR=build bench/api/annex_after_write.sh   # INCIDENTS=1000000 WRITES=30 READERS=16
#
# Builds nothing: it runs ${MARA_BUILD_DIR:-build}/mara. It generates a data
# set (`mara generate`), imports it into a fresh SQLite store under WORK, adds
# a monitor and READERS viewers with passwords, starts `mara serve` and logs
# them in. Then, WRITES times: the monitor saves a new incident of the
# assessed cycle (POST /api/v1/incidents, the server's own write, which its
# kept assessment follows change by change), and the READERS viewers request
# the annex at once; every request's latency is kept. The baseline, in the
# same run, is the same round after a write the server did not make (the
# CLI's `incident save`, another process): the server then reads the store
# again, which is what every write cost before the assessment was kept.
# Prints p50, p99 and max of each (medians over rounds) and their ratio.
# Target: p99 <= 50 ms after the server's own write. WORK is removed at the
# end unless KEEP=1.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MARA="${MARA:-${MARA_BUILD_DIR:-build}/mara}"
INCIDENTS="${INCIDENTS:-1000000}"
PARTIES="${PARTIES:-2000}"
CYCLES="${CYCLES:-10}"
CYCLE="${CYCLE:-$(($(date +%Y) - 2))}"
WRITES="${WRITES:-30}"
BASELINE_WRITES="${BASELINE_WRITES:-5}"
READERS="${READERS:-16}"
THREADS="${THREADS:-4}"
WORK="${WORK:-/tmp/mara-annex-write-bench}"

[[ -x "$MARA" ]] || { echo "no mara binary at $MARA (set MARA_BUILD_DIR)" >&2; exit 1; }
MARA="$(cd "$(dirname "$MARA")" && pwd)/$(basename "$MARA")"
command -v jq >/dev/null || { echo "needs jq" >&2; exit 1; }

serve_pid=""
cleanup() {
  set +e
  [[ -n "$serve_pid" ]] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  [[ "${KEEP:-0}" == 1 ]] || rm -rf "$WORK"
}
trap cleanup EXIT
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK"
export MARA_DB="$WORK/mara.db"

echo "==> $INCIDENTS incidents, $PARTIES parties, $CYCLES cycles ending in $CYCLE"
"$MARA" generate --incidents "$INCIDENTS" --parties "$PARTIES" --cycles "$CYCLES" \
  --first-cycle $((CYCLE - CYCLES + 1)) --out "$WORK/set.csv" >/dev/null
"$MARA" init >/dev/null
"$MARA" import "$WORK/set.registry.json" >/dev/null
"$MARA" import "$WORK/set.csv" >/dev/null
"$MARA" import "$WORK/set.statements.json" >/dev/null

situation_args=()
for s in $(jq -r '.situations[].id' "$WORK/set.registry.json"); do
  situation_args+=(--situation "$s")
done
password="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$password" | "$MARA" user add bench-monitor --role monitor "${situation_args[@]}" \
  --password-stdin >/dev/null
for ((i = 1; i <= READERS; i++)); do
  printf '%s\n' "$password" | "$MARA" user add "bench-reader-$i" --role viewer \
    "${situation_args[@]}" --password-stdin >/dev/null
done

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$MARA" serve --bind 127.0.0.1 --port "$port" --threads "$THREADS" --no-access-log \
  2>"$WORK/serve.log" &
serve_pid=$!
for _ in $(seq 1 300); do
  curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break
  sleep 0.1
done

jq -c '{party: .parties[0].id, situation: .parties[0].situation, source: .sources[0].id}' \
  "$WORK/set.registry.json" >"$WORK/pick.json"

python3 - "$port" "$password" "$READERS" "$WRITES" "$BASELINE_WRITES" "$CYCLE" "$MARA" \
  "$WORK" <<'PY'
import http.client, json, statistics, subprocess, sys, threading, time

port, password, readers, writes, baseline_writes, cycle, mara, work = sys.argv[1:]
readers, writes, baseline_writes, cycle = int(readers), int(writes), int(baseline_writes), int(cycle)
pick = json.load(open(f"{work}/pick.json"))

def connect():
    # A connection per request: the server closes one idle for 5 s.
    return http.client.HTTPConnection("127.0.0.1", int(port), timeout=600)

def login(name):
    c = connect()
    c.request("POST", "/api/v1/session", json.dumps({"name": name, "password": password}),
              {"Content-Type": "application/json"})
    r = c.getresponse()
    body = r.read()
    assert r.status == 201, (name, r.status, body)
    cookie = r.getheader("Set-Cookie").split(";")[0]
    c.close()
    return cookie, json.loads(body)["csrf_token"]

monitor = login("bench-monitor")
conns = [login(f"bench-reader-{i + 1}") for i in range(readers)]

def incident(n):
    return {"id": f"I-BENCH-{n}", "situation": pick["situation"], "date": f"{cycle}-06-{1 + n % 28:02d}",
            "location": {"name": f"Bench place {n % 7}"}, "violations": ["rape"],
            "victims": {"women": 1}, "context": "attack", "nexus": ["perpetrator_affiliation"],
            "status": "under_verification",
            "perpetrators": [{"party": pick["party"], "standard": "reasonable_grounds"}],
            "sources": [pick["source"]], "consent": "aggregate_reporting"}

def server_write(n):
    cookie, csrf = monitor
    c = connect()
    c.request("POST", "/api/v1/incidents", json.dumps(incident(n)),
              {"Content-Type": "application/json", "Cookie": cookie, "X-CSRF-Token": csrf})
    r = c.getresponse()
    body = r.read()
    assert r.status == 201, (r.status, body)
    c.close()

def outside_write(n):
    path = f"{work}/incident-{n}.json"
    json.dump(incident(n), open(path, "w"))
    subprocess.run([mara, "--as", "bench-monitor", "incident", "save", path], check=True,
                   stdout=subprocess.DEVNULL)

def round_of_readers():
    latencies = [0.0] * readers
    barrier = threading.Barrier(readers)
    def read(i):
        cookie, _ = conns[i]
        c = connect()
        c.connect()
        barrier.wait()
        t = time.perf_counter()
        c.request("GET", f"/api/v1/annex/{cycle}", headers={"Cookie": cookie})
        r = c.getresponse()
        r.read()
        latencies[i] = time.perf_counter() - t
        c.close()
        assert r.status == 200, r.status
    threads = [threading.Thread(target=read, args=(i,)) for i in range(readers)]
    for t in threads: t.start()
    for t in threads: t.join()
    return latencies

def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]

t = time.perf_counter()
first = round_of_readers()
print(f"first annex after the server started (reads the store): {max(first) * 1000:.0f} ms")
for _ in range(3): round_of_readers()  # warm

def run(write, count, start):
    all_lat, p99s = [], []
    for k in range(count):
        write(start + k)
        lat = round_of_readers()
        all_lat += lat
        time.sleep(0.2)
    return all_lat

own = run(server_write, writes, 0)
outside = run(outside_write, baseline_writes, 100000)
def line(name, lat):
    return (f"{name:<34} n={len(lat):4d}  p50 {pct(lat, 50) * 1000:8.1f} ms  "
            f"p99 {pct(lat, 99) * 1000:8.1f} ms  max {max(lat) * 1000:8.1f} ms")
print(line("after the server's own write", own))
print(line("after another process's write", outside))
print(f"ratio of p99 (own / another process's): {pct(own, 99) / pct(outside, 99):.4f}")
print(f"target: p99 <= 50 ms after the server's own write: "
      f"{'met' if pct(own, 99) <= 0.050 else 'missed'}")
PY
curl -s "http://127.0.0.1:$port/healthz" >/dev/null
