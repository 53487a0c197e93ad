#!/usr/bin/env bash
# Hostile-client benchmark of `mara serve`: how fast a probe is answered,
# and how much memory the server holds, while slow readers and trickling
# clients stay connected.
#
#   MARA_BUILD_DIR=build bench/api/hostile_bench.sh
#   SLOW=200 TRICKLE=300 DURATION=30 FILE_MB=10 bench/api/hostile_bench.sh
#
# Builds nothing: it runs ${MARA_BUILD_DIR:-build}/mara. It creates an empty
# store under WORK and a browser-application folder holding index.html and
# a FILE_MB MiB asset, starts `mara serve --ui` on a free loopback port, and
# runs a Python client (one event loop) that keeps connected
#   - SLOW slow readers: each asks for the asset and reads it READ_BYTES
#     bytes every READ_EVERY seconds, with a small receive buffer, and asks
#     again when it has all of it;
#   - TRICKLE trickling clients: each sends a request head one byte every
#     TRICKLE_EVERY seconds, and reconnects when the server cuts it (the
#     request deadline, twice --read-timeout);
# while a probe opens a fresh connection every PROBE_EVERY seconds and
# times GET /api/v1/session without a cookie (a 401 answered by a handler:
# the server has no separate health route; the answer goes through the
# same handler pool as every API request). It prints the probe latency
# p50/p99/max, how many probes failed, how many trickling clients were cut,
# how many slow readers finished, and the server's VmHWM and VmRSS
# (/proc/PID/status). Targets: probe p99 <= 50 ms, RSS < 300 MB. WORK is
# removed at the end unless KEEP=1.
set -euo pipefail

MARA="${MARA:-${MARA_BUILD_DIR:-build}/mara}"
SLOW="${SLOW:-200}"
TRICKLE="${TRICKLE:-300}"
DURATION="${DURATION:-30}"
FILE_MB="${FILE_MB:-10}"
READ_BYTES="${READ_BYTES:-64}"
READ_EVERY="${READ_EVERY:-0.2}"
TRICKLE_EVERY="${TRICKLE_EVERY:-1}"
PROBE_EVERY="${PROBE_EVERY:-0.05}"
THREADS="${THREADS:-4}"
WORK="${WORK:-/tmp/mara-hostile-bench}"

[[ -x "$MARA" ]] || { echo "no mara binary at $MARA (set MARA_BUILD_DIR)" >&2; exit 1; }
MARA="$(cd "$(dirname "$MARA")" && pwd)/$(basename "$MARA")"

mara_pid=""
cleanup() {
  set +e
  if [[ -n "$mara_pid" ]]; then
    kill "$mara_pid" 2>/dev/null
    wait "$mara_pid" 2>/dev/null
  fi
  if [[ "${KEEP:-0}" != 1 ]]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT
rm -rf "$WORK"
mkdir -p "$WORK/ui/assets"
cd "$WORK"
export MARA_DB="$WORK/mara.db"
"$MARA" init >/dev/null
echo '<!doctype html><title>bench</title>' >"$WORK/ui/index.html"
head -c "$((FILE_MB * 1048576))" /dev/urandom >"$WORK/ui/assets/big.bin"

# The client needs more descriptors than the default 1024 at full scale.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$MARA" serve --bind 127.0.0.1 --port "$port" --threads "$THREADS" --ui "$WORK/ui" \
  2>"$WORK/serve.log" &
mara_pid=$!
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/openapi.json" && break
  kill -0 "$mara_pid" 2>/dev/null || break
  sleep 0.1
done
curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/openapi.json" ||
  { echo "mara serve did not start:" >&2; cat "$WORK/serve.log" >&2; exit 1; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(uname -r)"
echo "mara: $MARA; serve --threads $THREADS; asset $FILE_MB MiB"
echo "clients: $SLOW slow readers ($READ_BYTES bytes every $READ_EVERY s)," \
  "$TRICKLE trickling ($TRICKLE_EVERY s a byte); probe every $PROBE_EVERY s for $DURATION s"
echo "server RSS before: $(awk '/VmRSS/ {printf "%.1f MB", $2 / 1024}' /proc/$mara_pid/status)"

python3 - "$port" "$SLOW" "$TRICKLE" "$DURATION" "$READ_BYTES" "$READ_EVERY" \
  "$TRICKLE_EVERY" "$PROBE_EVERY" "$mara_pid" <<'PY'
import selectors, socket, sys, threading, time

(port, slow_n, trickle_n, duration, read_bytes, read_every, trickle_every, probe_every,
 pid) = (int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]),
         int(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7]), float(sys.argv[8]),
         sys.argv[9])
ADDR = ("127.0.0.1", port)
ASSET = b"GET /assets/big.bin HTTP/1.1\r\nHost: bench\r\n\r\n"
TRICKLE_HEAD = b"GET /api/v1/session HTTP/1.1\r\nHost: bench\r\nX-Slow: " + b"a" * 4096

def connect(rcvbuf=None):
    s = socket.socket()
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.connect(ADDR)
    s.setblocking(False)
    return s

stats = {"cut": 0, "slow_done": 0, "slow_lost": 0}
slow = []
for _ in range(slow_n):
    s = connect(4096)
    s.send(ASSET)
    slow.append([s, 0])
trickle = []
for _ in range(trickle_n):
    trickle.append([connect(), 0])

stop = threading.Event()

def clients():
    next_read = next_trickle = time.monotonic()
    while not stop.is_set():
        now = time.monotonic()
        if now >= next_read:
            next_read = now + read_every
            for entry in slow:
                try:
                    data = entry[0].recv(read_bytes)
                    if not data:
                        raise ConnectionError
                    entry[1] += len(data)
                except BlockingIOError:
                    pass
                except OSError:
                    stats["slow_lost"] += 1
                    entry[0].close()
                    entry[0] = connect(4096)
                    entry[0].send(ASSET)
                    entry[1] = 0
        if now >= next_trickle:
            next_trickle = now + trickle_every
            for entry in trickle:
                try:
                    sent = entry[0].send(TRICKLE_HEAD[entry[1] % len(TRICKLE_HEAD):][:1])
                    entry[1] += sent
                    entry[0].recv(4096)  # the server answered (a refusal): it cut us
                    raise ConnectionError
                except BlockingIOError:
                    pass
                except OSError:
                    stats["cut"] += 1
                    entry[0].close()
                    entry[0] = connect()
                    entry[1] = 0
        time.sleep(0.01)

worker = threading.Thread(target=clients, daemon=True)
worker.start()
time.sleep(1.0)  # every client connected and the readers' buffers full

def probe():
    t0 = time.monotonic()
    s = socket.create_connection(ADDR, timeout=10)
    s.sendall(b"GET /api/v1/session HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    if not data.startswith(b"HTTP/1.1 401"):
        raise RuntimeError(data[:80])
    return (time.monotonic() - t0) * 1000.0

latencies, failed = [], 0
end = time.monotonic() + duration
while time.monotonic() < end:
    try:
        latencies.append(probe())
    except Exception:
        failed += 1
    time.sleep(probe_every)
stop.set()
worker.join()

status = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status") if ":" in line)
kb = lambda key: int(status[key].split()[0]) / 1024.0
latencies.sort()
pct = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else float("nan")
print(f"probe latency: p50 {pct(0.50):.1f} ms, p99 {pct(0.99):.1f} ms, "
      f"max {latencies[-1] if latencies else float('nan'):.1f} ms ({len(latencies)} probes, {failed} failed)")
print(f"trickling clients cut by the server: {stats['cut']}; slow readers reconnected: "
      f"{stats['slow_lost']}; bytes read by slow readers: {sum(e[1] for e in slow)}")
print(f"server memory: VmHWM {kb('VmHWM'):.1f} MB, VmRSS {kb('VmRSS'):.1f} MB")
PY
