#!/usr/bin/env bash
# The whole test suite: installs the packages, builds everything, checks the
# formatting of every C++ file under src/, tests/ and bench/ against
# .clang-format, runs every test with ctest, the browser tests of the UI in
# Chromium, each fuzz target for a bounded time, and the whole ctest suite
# again under ASan + UBSan. Exits non-zero on the first failure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/install-deps.sh
bash scripts/build.sh

echo "==> clang-format check"
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files --cached --others --exclude-standard -- \
    'src/*.h' 'src/*.cc' 'tests/*.h' 'tests/*.cc' 'bench/*.h' 'bench/*.cc' | sort -u)
else
  mapfile -t files < <(find src tests bench -type f \( -name '*.h' -o -name '*.cc' \) | sort)
fi
checked=0
unformatted=()
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  checked=$((checked + 1))
  clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || unformatted+=("$f")
done
if [ ${#unformatted[@]} -gt 0 ]; then
  echo "not formatted as .clang-format says (fix with clang-format -i):" >&2
  printf '  %s\n' "${unformatted[@]}" >&2
  exit 1
fi
echo "$checked files formatted as .clang-format says"

echo "==> PostgreSQL cluster for the tests (scripts/pg-cluster.sh)"
# The conformance suite runs every storage test against PostgreSQL too; a
# cluster that cannot start fails the run. It is stopped on every exit.
pg_env="$(bash "$root/scripts/pg-cluster.sh" start)"
eval "$pg_env"
trap 'bash "$root/scripts/pg-cluster.sh" stop "$MARA_PG_CLUSTER"' EXIT

echo "==> ctest"
(cd "${MARA_BUILD_DIR:-$root/build}" && ctest --output-on-failure -j2)

echo "==> browser application in Chromium (scripts/ui-test.sh)"
bash "$root/scripts/ui-test.sh"

echo "==> fuzzing, 10 s a target (scripts/fuzz.sh)"
bash "$root/scripts/fuzz.sh" 10

echo "==> the whole suite under ASan + UBSan (scripts/sanitize.sh)"
bash "$root/scripts/sanitize.sh"
