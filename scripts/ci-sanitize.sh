#!/usr/bin/env bash
# Sanitizer and fuzzing stage of CI (after ./scripts/test.sh):
#  1. builds the core, bnn-cli, the core tests and the fuzz targets with clang 14 under
#     AddressSanitizer + UndefinedBehaviorSanitizer (every finding fatal) in its own build folder,
#  2. runs the core tests and the replay of every fuzz corpus and regression input there,
#  3. runs each libFuzzer target for a fixed number of inputs, starting from its seed corpus.
# Any sanitizer report, failing test or fuzzing finding fails the script; a finding's input is
# left in the artifacts folder, to be kept under tests/fuzz/regressions/<target>/ once fixed.
#
# Environment: BNN_SANITIZE_BUILD_DIR (default build-sanitize), BNN_FUZZ_RUNS_SCALE (multiplies
# the number of inputs per target, default 1), BNN_FUZZ_ONLY (run only the fuzzing of this target).
# Idempotent like setup.sh: installs only what is missing, rebuilds only what changed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

packages=(clang-14 libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "ci-sanitize: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

build="${BNN_SANITIZE_BUILD_DIR:-$root/build-sanitize}"
# fuzzer-no-link: coverage instrumentation for the fuzz targets; the tests link without libFuzzer.
# -ffp-contract=off: no fused multiply-adds the source does not ask for, as GCC in ISO C++ mode
# (clang would fuse a * b + c and change results in the last bit).
flags="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=all -fno-omit-frame-pointer"
flags+=" -ffp-contract=off"
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 "${launcher[@]}" \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
  -DBNN_BUILD_UI=OFF -DBNN_FUZZ=ON >/dev/null
echo "ci-sanitize: building in $build (clang 14, ASan + UBSan)"
cmake --build "$build"

export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

if [ -z "${BNN_FUZZ_ONLY:-}" ]; then
  echo "ci-sanitize: core tests and fuzz replays under ASan + UBSan"
  ctest --test-dir "$build" -R '^(core|cli|fuzz)\.' --output-on-failure -j2
fi

# Inputs per target: a few minutes of fuzzing in all on two cores.
declare -A runs=(
  [idx_loader]=200000
  [npy]=300000
  [run_folder]=30000
  [options]=200000
)
scale="${BNN_FUZZ_RUNS_SCALE:-1}"
work="$build/fuzzing"
status=0
for src in "$root"/tests/fuzz/fuzz_*.cpp; do
  name="$(basename "$src" .cpp)"
  name="${name#fuzz_}"
  [ -n "${BNN_FUZZ_ONLY:-}" ] && [ "$BNN_FUZZ_ONLY" != "$name" ] && continue
  n=$(( ${runs[$name]:-100000} * scale ))
  rm -rf "$work/$name"
  mkdir -p "$work/$name/corpus" "$work/$name/artifacts"
  regressions=()
  [ -d "$root/tests/fuzz/regressions/$name" ] && regressions=("$root/tests/fuzz/regressions/$name")
  start=$SECONDS
  if "$build/tests/fuzz/fuzz_$name" -runs="$n" -timeout=20 -rss_limit_mb=2560 -max_len=8192 \
      -print_final_stats=1 -artifact_prefix="$work/$name/artifacts/" \
      "$work/$name/corpus" "$root/tests/fuzz/corpus/$name" "${regressions[@]}" \
      >"$work/$name/log" 2>&1; then
    execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$name/log" | grep -o '[0-9]*$' || true)"
    echo "ci-sanitize: fuzz_$name: ${execs:-?} inputs in $((SECONDS - start)) s, no finding"
  else
    status=1
    echo "ci-sanitize: fuzz_$name FAILED after $((SECONDS - start)) s; its report:" >&2
    grep -v '^#[0-9]' "$work/$name/log" | tail -n 60 >&2
    echo "ci-sanitize: failing input(s): $(ls "$work/$name/artifacts")" \
      "(in $work/$name/artifacts; keep a fixed one under tests/fuzz/regressions/$name/)" >&2
  fi
done
exit $status
