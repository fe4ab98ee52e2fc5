#!/usr/bin/env bash
# Builds the Debian package bnn-explorer_<version>_<arch>.deb from a portable Release build
# (no -march=native: the package runs on any x86-64 machine) in its own folder, and prints its
# path. Install it with: sudo apt-get install ./bnn-explorer_*.deb
# Idempotent: installs only what is missing, rebuilds only what changed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# The build's own dependencies, then dpkg-shlibdeps (dpkg-dev) and file for CPack.
packages=(g++ cmake ninja-build pkg-config qt6-base-dev qt6-charts-dev qt6-svg-dev libgl-dev libtbb-dev
          libeigen3-dev zlib1g-dev nlohmann-json3-dev dpkg-dev file)
. "$root/scripts/lib/debian_packages.sh"
installMissingPackages package "${packages[@]}"

launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
build="${BNN_PACKAGE_BUILD_DIR:-$root/build-package}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" -DBNN_NATIVE=OFF -DBNN_BUILD_TESTS=OFF \
  -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
cmake --build "$build"
(cd "$build" && cpack -G DEB >/dev/null)
deb="$(ls -t "$build"/bnn-explorer_*.deb | head -n1)"
echo "package: $deb"
dpkg-deb --field "$deb" Package Version Architecture Depends Recommends Suggests
