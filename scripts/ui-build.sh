#!/usr/bin/env bash
# Builds the browser application into ui/dist: installs the npm packages of
# ui/package-lock.json (`npm ci`) when node_modules is missing or older than
# the lock file, then `npm run build`. The standard build runs it (CMake,
# before compiling ui/dist into `mara`); scripts/ui-test.sh too. Needs node
# (>= 18, e.g. Debian 12's nodejs) and npm.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/ui"
for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "ui-build: $tool is missing" >&2; exit 1; }
done
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 18 ]; then
  echo "ui-build: Node.js $(node --version) is too old; Vite 6 and playwright-core need 18 or later" >&2
  exit 1
fi

# npm writes node_modules/.package-lock.json on every install: older than
# the lock file means the packages are not the ones it names.
stamp=node_modules/.package-lock.json
if [ ! -d node_modules ] || [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "==> npm ci (ui/, the versions of package-lock.json)"
  npm ci --no-audit --no-fund
fi

echo "==> npm run build (ui/dist)"
npm run build
