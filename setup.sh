#!/usr/bin/env bash
# Sets up a Debian 12 machine (as root) for Seamless: the Debian packages the app and its tests
# use, then the npm dependencies. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")"

# ansible, ansible-lint: the tests run the playbook `seamless export ansible` writes.
packages=(chromium openssh-server openssh-client sudo qemu-system-x86 qemu-utils debootstrap e2fsprogs poppler-utils ansible ansible-lint)
if [ -f test/lab/PACKAGES ]; then
  while read -r p; do [ -n "$p" ] && [ "${p#\#}" = "$p" ] && packages+=("$p"); done < test/lab/PACKAGES
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing Debian packages: ${missing[*]}; run this as root (or install them with apt-get)." >&2
    exit 1
  fi
  echo "setup: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q "${missing[@]}"
fi

# Electron's binary comes from outside the npm registry; it is optional (npm start falls back
# to the browser mode), so never let its download hang or fail the install.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies"
  npm ci --no-audit --no-fund
fi
