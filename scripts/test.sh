#!/usr/bin/env bash
# Sets everything up, builds, and runs the whole test suite (core and offscreen UI tests).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
build="${BNN_BUILD_DIR:-$root/build}"
ctest --test-dir "$build" --output-on-failure -j2 "$@"
