#!/usr/bin/env bash
# Installs what is missing (Debian packages), fetches and verifies MNIST, and builds.
# Idempotent: a second run installs nothing, downloads nothing and rebuilds only what changed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

packages=(g++ cmake ninja-build pkg-config qt6-base-dev qt6-charts-dev qt6-svg-dev
          libgl-dev libtbb-dev libeigen3-dev zlib1g-dev nlohmann-json3-dev
          xvfb xauth xdotool imagemagick dataset-fashion-mnist)
command -v npm >/dev/null 2>&1 || packages+=(npm)
. "$root/scripts/lib/debian_packages.sh"
installMissingPackages setup "${packages[@]}"

"$root/scripts/fetch-mnist.sh" "$root/data/mnist"

build="${BNN_BUILD_DIR:-$root/build}"
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build"
