#!/usr/bin/env bash
# Installs the Debian 12 packages Mara needs to build, test and run.
# Idempotent: when every package is already installed it changes nothing and
# does not touch the network. Needs root (or sudo) only when something is
# missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libsqlite3-dev sqlite3 libpq-dev postgresql postgresql-client
  nlohmann-json3-dev libcli11-dev libtomlplusplus-dev libutf8proc-dev
  libsodium-dev libspdlog-dev libfmt-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev libcpp-httplib-dev libboost1.81-dev
  libicu-dev
  clang-format time ccache
  # The Debian package (cmake/package.cmake, scripts/package-test.sh): help2man
  # writes the man page, cpack needs dpkg-dev (dpkg-shlibdeps) and file, and
  # its test reads the page with man-db.
  help2man dpkg-dev file man-db
  chromium poppler-utils
  # Fonts for the reports' Arabic and Chinese PDFs (Chromium prints with them).
  fonts-noto-core fonts-noto-cjk
  clang libclang-rt-14-dev
)
# The browser application's build and tests need Node.js 18 or later with
# npm (Debian 12's nodejs and npm); install Debian's when the machine has none.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages are installed"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "install-deps: missing packages (${missing[*]}) and not root; run as root" >&2
    exit 1
  fi
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
