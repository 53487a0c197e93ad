#!/usr/bin/env bash
# Quick start on a fresh Debian 12 machine: installs the packages, builds
# Mara, then runs the main job on the fictional demo data in a fresh
# database (demo/mara.db, recreated on every run).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/install-deps.sh
bash scripts/build.sh mara

mara="${MARA_BUILD_DIR:-$root/build}/mara"
demo_dir="$root/demo"
db="$demo_dir/mara.db"

step() { printf '\n==> %s\n' "$*"; }

# The main job: what a listing office does with a season's data. Each step
# is an ordinary `mara` command, so this function doubles as a worked example.
main_job() {
  step "mara init"
  "$mara" --db "$db" init

  step "mara import examples/demo.json"
  "$mara" --db "$db" import examples/demo.json

  step "mara stats"
  "$mara" --db "$db" stats

  step "mara assess --cycle 2025 (the annex)"
  "$mara" --db "$db" assess --cycle 2025

  step "mara case --party P-TDF --cycle 2025 (a statement of case)"
  "$mara" --db "$db" case --party P-TDF --cycle 2025

  step "mara report --cycle 2025 --format html (the public edition, signed)"
  "$mara" --db "$db" report --cycle 2025 --format html --out "$demo_dir/report-2025.html"
  "$mara" --db "$db" verify-report "$demo_dir/report-2025.html"

  step "mara audit verify (every change above is in the signed chain)"
  "$mara" --db "$db" audit verify
}

rm -rf "$demo_dir"
mkdir -p "$demo_dir"
main_job
printf '\nDone. The demo database is %s; try: %s --db %s stats --json\n' "$db" "$mara" "$db"
