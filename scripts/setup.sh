#!/usr/bin/env bash
# Installs every Debian package dfq needs. Idempotent; run as root on Debian 12.
set -euo pipefail

packages=(
  # Build toolchain.
  cmake ninja-build ccache git python3
  # LLVM / MLIR 22 (from bookworm-security), clang-22 and lld-22.
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools clang-22 lld-22
  clang-format-22
  # Unit tests.
  libgtest-dev libgmock-dev
)

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi

export DEBIAN_FRONTEND=noninteractive
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
