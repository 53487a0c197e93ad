#!/usr/bin/env bash
# The Debian package, tried as an administrator would use it: builds
# mara_<version>_amd64.deb from the release tree (build/, with cpack),
# installs it with dpkg, runs the main job (main_job of scripts/quickstart.sh)
# with the installed /usr/bin/mara on /usr/share/mara/examples/demo.json in a
# temporary directory, checks that the man page renders and lists every
# command of `mara --help`, and that systemd-analyze accepts the unit when it
# is installed (the service is never started), then purges the package, and
# the system user mara when the package created it, leaving the machine as it
# was. Needs root; refuses to run when dpkg knows a mara package already.
# Any failure fails the script, after the clean-up.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MARA_BUILD_DIR:-$root/build}"
start=$(date +%s)
# shellcheck source=quickstart.sh
source "$root/scripts/quickstart.sh"

if [ "$(id -u)" -ne 0 ]; then
  echo "package-test: installing a package needs root" >&2
  exit 1
fi
state="$(dpkg-query -W -f='${db:Status-Status}' mara 2>/dev/null || true)"
if [ -n "$state" ] && [ "$state" != not-installed ]; then
  echo "package-test: dpkg knows a mara package already; remove it first (dpkg --purge mara)" >&2
  exit 1
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/mara-package-test.XXXXXX")"
installed=no
user_existed=no
getent passwd mara >/dev/null && user_existed=yes

# Removes what this script installed; a failed removal fails the run.
cleanup() {
  local status=$? failed=0
  if [ "$status" -ne 0 ] && [ -f "$tmp/main-job.log" ]; then
    echo "--- the main job's output" >&2
    cat "$tmp/main-job.log" >&2
  fi
  if [ "$installed" = yes ]; then
    # --purge, not -r alone: a removed package with maintainer scripts stays
    # known to dpkg (config-files) until it is purged.
    echo "==> dpkg --purge mara"
    dpkg --purge mara || failed=1
  fi
  if [ "$user_existed" = no ] && getent passwd mara >/dev/null; then
    userdel mara || failed=1
  fi
  if [ "$user_existed" = no ] && getent group mara >/dev/null; then
    groupdel mara || failed=1
  fi
  rm -rf "$tmp"
  if [ "$status" -eq 0 ] && [ "$failed" -ne 0 ]; then
    echo "package-test: the clean-up failed" >&2
    status=1
  fi
  if [ "$status" -ne 0 ]; then echo "package-test: FAILED" >&2; fi
  exit "$status"
}
trap cleanup EXIT

fail() {
  echo "package-test: $*" >&2
  exit 1
}

echo "==> cpack -G DEB in $build"
bash "$root/scripts/build.sh" mara
rm -f "$build"/mara_*.deb
(cd "$build" && cpack -G DEB) >"$tmp/cpack.log" 2>&1 || {
  cat "$tmp/cpack.log" >&2
  fail "cpack failed"
}
debs=("$build"/mara_*_amd64.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "cpack wrote no mara_<version>_amd64.deb"
deb="${debs[0]}"
echo "$(basename "$deb"): $(du -h "$deb" | cut -f1), Depends: $(dpkg-deb -f "$deb" Depends)"
dpkg-deb -c "$deb" | awk '{print $6}' >"$tmp/contents.txt"
for f in ./usr/bin/mara ./usr/share/man/man1/mara.1.gz ./usr/lib/systemd/system/mara.service \
  ./usr/share/mara/policies/default.toml ./usr/share/mara/examples/demo.json \
  ./usr/share/doc/mara/copyright ./usr/share/doc/mara/README.md; do
  grep -qx "$f" "$tmp/contents.txt" || fail "the package has no $f"
done

echo "==> dpkg -i $(basename "$deb")"
installed=yes
if ! dpkg -i "$deb"; then
  echo "==> apt-get install -f -y (the package's dependencies)"
  DEBIAN_FRONTEND=noninteractive apt-get install -f -y -q
fi
[ "$(dpkg-query -W -f='${db:Status-Status}' mara)" = installed ] || fail "mara is not installed"
getent passwd mara >/dev/null || fail "the postinst created no user mara"

echo "==> the main job with /usr/bin/mara in $tmp"
/usr/bin/mara --version
# A plain subshell, so that errexit stops it at the first failing step.
(
  mkdir -p "$tmp/job"
  cd "$tmp"
  # The store's signing key is pinned here, not in root's home.
  export MARA_TRUSTED_KEYS="$tmp/trusted-keys"
  main_job /usr/bin/mara "$tmp/job/mara.db" /usr/share/mara/examples/demo.json "$tmp/job"
) >"$tmp/main-job.log" 2>&1
grep -c '^==> ' "$tmp/main-job.log" | xargs printf '%s steps passed\n'

echo "==> man mara"
MANWIDTH=100 man mara >"$tmp/man.txt" 2>"$tmp/man.err" || {
  cat "$tmp/man.err" >&2
  fail "man mara failed"
}
grep -q '^COMMANDS' "$tmp/man.txt" || fail "the man page has no COMMANDS section"
mapfile -t commands < <(/usr/bin/mara --help | sed -n '/^Subcommands:/,$s/^  \([a-z-]*\) .*/\1/p')
[ ${#commands[@]} -gt 0 ] || fail "mara --help lists no commands"
for c in "${commands[@]}"; do
  grep -q "^       $c\b" "$tmp/man.txt" || fail "the man page does not list the command $c"
done
echo "the man page lists all ${#commands[@]} commands of mara --help"

if command -v systemd-analyze >/dev/null 2>&1; then
  echo "==> systemd-analyze verify mara.service"
  systemd-analyze verify /usr/lib/systemd/system/mara.service
else
  echo "==> systemd-analyze is not installed: the unit is not verified"
fi
grep -qx 'ExecStart=/usr/bin/mara serve --bind 127.0.0.1 --port 8080' \
  /usr/lib/systemd/system/mara.service || fail "the unit does not run /usr/bin/mara serve"

echo "package-test: passed in $(($(date +%s) - start)) s (the package is purged next)"
