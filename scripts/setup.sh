#!/usr/bin/env bash
# scripts/setup.sh - installs everything tsxen's build, tests and benchmarks need on a Debian machine
# (run as root or with sudo available), then builds. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: the peers tsxen is tested against (see shared/docs/DESIGN.md, "Testing")
#   qemu-user                  qemu-aarch64, the CPU oracle for the differential tests
#   binutils/gcc-aarch64-...   assembler and compiler for CPU tests and the CPU benchmark workload
#   qemu-system-arm            qemu-system-aarch64, the performance reference
#   device-tree-compiler       dtc, to check generated device trees
#   qemu-utils                 qemu-img, to check qcow2 images
#   xenstore-utils             real xenstore clients
#   debian-archive-keyring     to verify the guest images' Release signatures
#   cpio, tmux                 reading initramfs images back; driving consoles as a person would
PKGS=(qemu-user binutils-aarch64-linux-gnu gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
      device-tree-compiler qemu-utils xenstore-utils debian-archive-keyring cpio tmux)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

npm ci --no-audit --no-fund
npm run build
