# Helpers shared by the benchmark scripts (sourced, not run).

# The `mara` binary: $MARA, else the first build directory that has one.
find_mara() {
  if [[ -n "${MARA:-}" ]]; then
    echo "$MARA"
    return
  fi
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  for dir in "$root"/build-gen "$root"/build "$root"/build-*; do
    if [[ -x "$dir/mara" ]]; then
      echo "$dir/mara"
      return
    fi
  done
  echo "no mara binary found; build it (ninja -C BUILD_DIR mara) or set MARA" >&2
  exit 1
}

# GNU time reports the peak RSS; install the Debian package when it is missing.
ensure_gnu_time() {
  if [[ -x /usr/bin/time ]]; then return; fi
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  $sudo apt-get install -y time >/dev/null
}

# measure OUT_PREFIX CMD...: runs CMD under `/usr/bin/time -v`, with stdout
# to OUT_PREFIX.out and stderr to OUT_PREFIX.err. Prints "WALL_SECONDS
# PEAK_RSS_KB". The wall time comes from bash's microsecond clock (GNU time
# rounds to 10 ms). Exits if CMD fails.
measure() {
  local prefix="$1"
  shift
  local start end
  start=$EPOCHREALTIME
  if ! /usr/bin/time -v -o "$prefix.time" "$@" >"$prefix.out" 2>"$prefix.err"; then
    echo "failed: $*" >&2
    cat "$prefix.err" "$prefix.time" >&2
    exit 1
  fi
  end=$EPOCHREALTIME
  local rss
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$prefix.time")
  awk -v s="$start" -v e="$end" -v r="$rss" 'BEGIN { printf "%.3f %d\n", e - s, r }'
}

# median N1 N2 ...: the median (the mean of the middle two for an even count).
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) { print v[(NR + 1) / 2] } else { printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }
  }'
}

machine_summary() {
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)," \
    "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "sqlite3 shell: $(sqlite3 --version | cut -d' ' -f1)"
}
