#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and the benchmarks.
#
#   eval "$(bash scripts/pg-cluster.sh start)"   # prints the export lines
#   ... tests read MARA_TEST_PG_URL ...
#   bash scripts/pg-cluster.sh stop "$MARA_PG_CLUSTER"
#
# `start` installs PostgreSQL from Debian when it is missing, creates a
# cluster in a new temporary directory with initdb, starts it with pg_ctl
# listening only on a Unix socket inside that directory (no TCP port, so
# nothing else on the machine can reach it and no port can clash), creates
# the database `mara_test` and prints two export lines:
#   MARA_TEST_PG_URL  the connection URL of that database (user `mara`)
#   MARA_PG_CLUSTER   the cluster directory, for `stop`
# The server refuses to run as root, so under root the cluster belongs to
# the `postgres` system user (created by the Debian package). With
# PG_DURABLE=1 the server keeps fsync and full-page writes on (the
# benchmarks); otherwise they are off, as the data is thrown away anyway.
# `stop DIR` stops the server and removes DIR; it never fails on a cluster
# that is already gone. Any failure of `start` exits non-zero with the
# server log on stderr, so a test run that needs the server fails.
set -euo pipefail

die() {
  echo "pg-cluster: $*" >&2
  exit 1
}

pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

install_postgres() {
  [ -n "$(pg_bin)" ] && return 0
  echo "pg-cluster: installing postgresql from Debian" >&2
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "postgresql is missing and this is not root"
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q >&2
  "${sudo[@]}" apt-get install -y -q --no-install-recommends postgresql postgresql-client >&2
  [ -n "$(pg_bin)" ] || die "postgresql installed but no initdb under /usr/lib/postgresql"
}

start() {
  install_postgres
  local bin dir
  bin="$(pg_bin)"
  dir="$(mktemp -d "${TMPDIR:-/tmp}/mara-pg-XXXXXX")"
  chmod 755 "$dir"
  mkdir "$dir/data" "$dir/socket"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "no 'postgres' system user to run the server as"
    chown postgres: "$dir/data" "$dir/socket"
  fi
  chmod 700 "$dir/data"
  local durable=(-c fsync=off -c full_page_writes=off -c synchronous_commit=off)
  if [ "${PG_DURABLE:-0}" = "1" ]; then
    durable=()
  fi
  as_owner "$bin/initdb" -D "$dir/data" -U mara -A trust -E UTF8 --locale=C.UTF-8 \
    --no-instructions >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    rm -rf "$dir"
    die "initdb failed"
  }
  touch "$dir/server.log"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/server.log"
  if ! as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses='' -k $dir/socket -c max_connections=200 ${durable[*]}" \
    start >/dev/null; then
    cat "$dir/server.log" >&2
    rm -rf "$dir"
    die "the server did not start"
  fi
  if ! "$bin/createdb" -h "$dir/socket" -U mara mara_test 2>"$dir/createdb.log"; then
    cat "$dir/createdb.log" >&2
    stop "$dir"
    die "createdb failed"
  fi
  echo "export MARA_TEST_PG_URL='postgresql:///mara_test?host=$dir/socket&user=mara'"
  echo "export MARA_PG_CLUSTER='$dir'"
}

stop() {
  local dir="${1:-${MARA_PG_CLUSTER:-}}"
  [ -n "$dir" ] || die "usage: pg-cluster.sh stop DIR"
  [ -d "$dir" ] || return 0
  local bin
  bin="$(pg_bin || true)"
  if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) die "usage: pg-cluster.sh start | stop DIR" ;;
esac
