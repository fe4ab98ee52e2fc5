#!/usr/bin/env bash
# Sanitizer and fuzzing stage of CI (after ./scripts/test.sh):
#  1. build-sanitize: the core, bnn-cli and their tests built with AddressSanitizer and
#     UndefinedBehaviorSanitizer (GCC, the compiler of the release build, so floating-point
#     results are the same), every finding fatal; runs the core and command-line tests and the
#     replay of every fuzz seed and regression input there;
#  2. build-fuzz: the libFuzzer targets (tests/fuzz) built with clang 14 under ASan + UBSan;
#     runs each for a fixed number of inputs, starting from its seed corpus.
# Any sanitizer report, failing test or fuzzing finding fails the script; a finding's input is
# left in build-fuzz/fuzzing/<target>/artifacts, to be kept under tests/fuzz/regressions/<target>/
# once fixed (the normal test suite replays those).
#
# Environment: BNN_SANITIZE_BUILD_DIR, BNN_FUZZ_BUILD_DIR (defaults build-sanitize, build-fuzz),
# BNN_FUZZ_RUNS_SCALE (multiplies the inputs per target, default 1; 0 skips fuzzing),
# BNN_FUZZ_ONLY=TARGET (only the fuzzing, of that target).
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
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

# 1. Tests under ASan + UBSan.
if [ -z "${BNN_FUZZ_ONLY:-}" ]; then
  build="${BNN_SANITIZE_BUILD_DIR:-$root/build-sanitize}"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug "${launcher[@]}" \
    -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
    -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DBNN_BUILD_UI=OFF >/dev/null
  echo "ci-sanitize: building $build (GCC, ASan + UBSan)"
  cmake --build "$build"
  echo "ci-sanitize: core and command-line tests, fuzz replays under ASan + UBSan"
  ctest --test-dir "$build" -R '^(core|cli|fuzz)\.' --output-on-failure -j2
fi

# 2. Fuzzing. Inputs per target: a few minutes in all on two cores.
scale="${BNN_FUZZ_RUNS_SCALE:-1}"
[ "$scale" = 0 ] && exit 0
fuzz="${BNN_FUZZ_BUILD_DIR:-$root/build-fuzz}"
# fuzzer-no-link: coverage instrumentation everywhere; libFuzzer's main only in the targets.
# -ffp-contract=off: no fused multiply-adds the source does not ask for (as GCC in ISO mode).
cmake -S "$root" -B "$fuzz" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 "${launcher[@]}" \
  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=all -fno-omit-frame-pointer -ffp-contract=off" \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DBNN_BUILD_UI=OFF -DBNN_FUZZ=ON >/dev/null
targets=()
for src in "$root"/tests/fuzz/fuzz_*.cpp; do targets+=("$(basename "$src" .cpp)"); done
echo "ci-sanitize: building ${#targets[@]} fuzz targets in $fuzz (clang 14, libFuzzer, ASan + UBSan)"
cmake --build "$fuzz" --target "${targets[@]}"

declare -A runs=(
  [idx_loader]=200000
  [npy]=300000
  [run_folder]=30000
  [options]=200000
  [cost_matrix]=200000
  [checkpoint]=50000
)
work="$fuzz/fuzzing"
status=0
for target in "${targets[@]}"; do
  name="${target#fuzz_}"
  [ -n "${BNN_FUZZ_ONLY:-}" ] && [ "$BNN_FUZZ_ONLY" != "$name" ] && continue
  n=$((${runs[$name]:-100000} * scale))
  rm -rf "${work:?}/$name"
  mkdir -p "$work/$name/corpus" "$work/$name/artifacts"
  regressions=()
  [ -d "$root/tests/fuzz/regressions/$name" ] && regressions=("$root/tests/fuzz/regressions/$name")
  start=$SECONDS
  if "$fuzz/tests/fuzz/$target" -runs="$n" -timeout=20 -rss_limit_mb=2560 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$work/$name/artifacts/" \
    "$work/$name/corpus" "$root/tests/fuzz/corpus/$name" "${regressions[@]}" >"$work/$name/log" 2>&1; then
    execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$name/log" | grep -o '[0-9]*$' || true)"
    echo "ci-sanitize: $target: ${execs:-?} inputs in $((SECONDS - start)) s, no finding"
  else
    status=1
    echo "ci-sanitize: $target FAILED after $((SECONDS - start)) s; its report:" >&2
    grep -v '^#[0-9]' "$work/$name/log" | tail -n 60 >&2
    echo "ci-sanitize: failing input(s) in $work/$name/artifacts:" \
      "$(ls "$work/$name/artifacts")" "(keep a fixed one under tests/fuzz/regressions/$name/)" >&2
  fi
done
exit $status
