#!/usr/bin/env bash
# Sets everything up, then opens the desktop application on MNIST. Without a display it says so
# and runs the headless example instead (SGLD vs SGHMC, the example's full schedule).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
build="${BNN_BUILD_DIR:-$root/build}"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec "$build/app/bnn-explorer" --data "$root/data/mnist" "$@"
fi
echo "No display found (DISPLAY is not set): running the headless example instead."
echo "  bnn-cli run --compare --data data/mnist --out out/compare"
exec "$build/app/bnn-cli" run --compare --data "$root/data/mnist" --out "$root/out/compare" "$@"
