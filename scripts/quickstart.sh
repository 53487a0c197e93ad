#!/usr/bin/env bash
# Quick start on a fresh Debian 12 machine: installs the packages, builds
# Mara (the browser application included), then runs the main job on the
# fictional demo data in a fresh database (demo/mara.db, recreated on every
# run), and ends by saying how to open the browser application on it.
#
# Sourced (`source scripts/quickstart.sh`), it only defines main_job, which
# scripts/package-test.sh runs with the installed mara.

step() { printf '\n==> %s\n' "$*"; }

# The main job: what a listing office does with a season's data. Each step
# is an ordinary `mara` command, so this function doubles as a worked example.
#   main_job MARA DB DATA OUT_DIR
# runs the mara at MARA on the database DB (which must not exist yet),
# importing the bundle DATA, and writes the report into OUT_DIR.
main_job() {
  local mara="$1" db="$2" data="$3" out="$4"

  step "mara init"
  "$mara" --db "$db" init

  step "mara import $data"
  "$mara" --db "$db" import "$data"

  step "mara stats"
  "$mara" --db "$db" stats

  step "mara assess --cycle 2025 (the annex)"
  "$mara" --db "$db" assess --cycle 2025

  step "mara case --party P-TDF --cycle 2025 (a statement of case)"
  "$mara" --db "$db" case --party P-TDF --cycle 2025

  step "mara report --cycle 2025 --format html (the public edition, signed)"
  "$mara" --db "$db" report --cycle 2025 --format html --out "$out/report-2025.html"
  "$mara" --db "$db" verify-report "$out/report-2025.html"

  step "mara audit verify (every change above is in the signed chain)"
  "$mara" --db "$db" audit verify
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  return 0
fi

set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/install-deps.sh
bash scripts/build.sh mara

build="${MARA_BUILD_DIR:-$root/build}"
mara="$build/mara"
demo_dir="$root/demo"
db="$demo_dir/mara.db"

rm -rf "$demo_dir"
mkdir -p "$demo_dir"
main_job "$mara" "$db" examples/demo.json "$demo_dir"
printf '\nDone. The demo database is %s; try: %s --db %s stats --json\n' "$db" "$mara" "$db"

# The build compiles ui/dist into mara when node (>= 18) and npm are there
# (CMakeLists.txt, cmake/embed_ui.cmake).
if grep -q '"/index.html"' "$build/generated/ui_assets.cc" 2>/dev/null; then
  cat <<EOF

The browser application is built into mara. To open it on the demo data:
  1. Give the administrator that 'mara init' created, operator, a password
     (type it, then Enter):
       $mara --db $db user passwd operator
  2. Start the server (Ctrl-C stops it):
       $mara --db $db serve
  3. Open http://127.0.0.1:8080/ in a browser and log in as operator.
Other people get their own names and roles, e.g.
  $mara --db $db user add rita --role reviewer --password-stdin
(docs/ui.md, docs/security.md).
EOF
else
  cat <<EOF

This mara was built without the browser application: the build needs Node.js
18 or later and npm (found: node $(node --version 2>/dev/null || echo none), npm $(npm --version 2>/dev/null || echo none)).
Install them, run 'bash scripts/build.sh mara' again, then
'$mara --db $db serve' and open http://127.0.0.1:8080/ (docs/ui.md).
The API under /api/v1 works without it.
EOF
fi
