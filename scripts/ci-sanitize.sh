#!/usr/bin/env bash
# Sanitizer and fuzzing stage of CI (after ./scripts/test.sh), in one build folder
# (build-sanitize) built with clang 14 under AddressSanitizer and UndefinedBehaviorSanitizer,
# every finding fatal. Only what reads outside input is built and run here (the normal suite runs
# everything, unsanitized):
#  1. The core tests of the readers and writers (IDX/gzip, .npy, results folders, checkpoints,
#     configurations and options, diagnostics and cost CSV, text files, canvas input), at the
#     kernel level this CPU runs. Left out: the tests that run chains or numerics on in-memory
#     data for many steps (run engine, samplers, kernel levels, gradients, schedules, chain
#     health, convergence, calibration, decisions, OOD, transforms, uncertainty, predictive, real
#     MNIST): minutes each under ASan, none of them reads outside input. The command-line tests
#     are left out too: each starts bnn-cli dozens of times; what they feed it is parsed by code
#     the fuzz targets cover. The replay_* programs are not built here: libFuzzer runs every seed
#     and regression input first, under the same sanitizers.
#  2. Each fuzz target for a fixed number of inputs from its seed corpus and regression inputs
#     (counts chosen for 15-20 s of CPU per target on the development machine), two at a time.
# Build time: the kernel files (*_avx512/_avx2/_baseline.cpp: hot loops over in-memory arrays)
# are compiled without instrumentation, and bnn_core as a unity build (a few large translation
# units: Eigen and JSON instantiated once per batch). Together these halve the build; should two
# core files ever define the same file-scope name, the unity build fails and the script says so
# and builds file by file instead.
# Any sanitizer report, failing test or fuzzing finding fails the script; a finding's input is
# left in build-sanitize/fuzzing/<target>/artifacts, to be kept under
# tests/fuzz/regressions/<target>/ once fixed (the normal test suite replays those).
#
# Environment: BNN_SANITIZE_BUILD_DIR (default build-sanitize), BNN_FUZZ_RUNS_SCALE (multiplies
# the inputs per target, default 1; 0 skips fuzzing), BNN_FUZZ_ONLY=TARGET (only the fuzzing, of
# that target). Idempotent like setup.sh: installs only what is missing, rebuilds only what
# changed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

. "$root/scripts/lib/debian_packages.sh"
installMissingPackages ci-sanitize clang-14 libclang-rt-14-dev
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

# fuzzer-no-link: coverage instrumentation everywhere (the fuzz targets need it in the library),
# libFuzzer's main only in the fuzz executables; the tests link without it.
# -ffp-contract=off: no fused multiply-adds the source does not ask for (GCC's ISO-mode default),
# so floating-point results are those of the release build.
build="${BNN_SANITIZE_BUILD_DIR:-$root/build-sanitize}"
start=$SECONDS
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_COMPILER=clang++-14 "${launcher[@]}" \
  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=all -fno-omit-frame-pointer -ffp-contract=off" \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" -DBNN_BUILD_UI=OFF -DBNN_FUZZ=ON \
  -DBNN_LEVEL_EXTRA_FLAGS=-fno-sanitize=all -DCMAKE_UNITY_BUILD=ON >/dev/null
# The core tests sanitized here (tests/core/tst_<name>.cpp).
sanitized=(idx_loader dataset_identity result_io checkpoint posterior_samples predictive_validation
  run_config option_parser sample_diagnostics decision_tables text_file format mnist_style)
fuzz=()
for src in "$root"/tests/fuzz/fuzz_*.cpp; do
  fuzz+=("$(basename "$src" .cpp)")
done
targets=("${sanitized[@]/#/tst_}" "${fuzz[@]}")
echo "ci-sanitize: building ${#targets[@]} targets in $build (clang 14, ASan + UBSan, libFuzzer)"
if ! cmake --build "$build" --target "${targets[@]}"; then
  echo "ci-sanitize: the unity build failed (see above; two core files defining the same" \
    "file-scope name is the usual cause): building file by file" >&2
  cmake "$build" -DCMAKE_UNITY_BUILD=OFF >/dev/null
  cmake --build "$build" --target "${targets[@]}"
fi
echo "ci-sanitize: built in $((SECONDS - start)) s"

# 1. Tests under ASan + UBSan, at the kernel level the CPU runs (cpu_features.h's rule: AVX-512
#    needs F, BW, CD, DQ and VL; AVX2 needs AVX2 and FMA).
if [ -z "${BNN_FUZZ_ONLY:-}" ]; then
  flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true) "
  level=baseline
  if [[ $flags == *" avx2 "* && $flags == *" fma "* ]]; then level=avx2; fi
  if [[ $level == avx2 && $flags == *" avx512f "* && $flags == *" avx512bw "* && $flags == *" avx512cd "* &&
        $flags == *" avx512dq "* && $flags == *" avx512vl "* ]]; then level=avx512; fi
  start=$SECONDS
  pattern="$(IFS='|'; echo "${sanitized[*]}")"
  echo "ci-sanitize: ${#sanitized[@]} core tests (kernel level $level) under ASan + UBSan"
  ctest --test-dir "$build" -R "^core\\.$level\\.tst_($pattern)\$" --output-on-failure -j2
  echo "ci-sanitize: tests ran in $((SECONDS - start)) s"
fi

# 2. Fuzzing: each target for a fixed number of inputs, two targets at a time. The counts give
#    15-20 s of CPU per target on the development machine (clang 14 -O1, ASan + UBSan, seed 1;
#    measured with /usr/bin/time, user + system).
scale="${BNN_FUZZ_RUNS_SCALE:-1}"
[ "$scale" = 0 ] && exit 0
declare -A runs=(
  [idx_loader]=110000
  [npy]=600000
  [run_folder]=30000
  [options]=21000
  [cost_matrix]=320000
  [checkpoint]=100000
)
work="$build/fuzzing"
fuzzOne() {  # fuzzOne NAME: runs fuzz_NAME; prints one line; status 1 on a finding
  local name="$1" n t0=$SECONDS execs cpu
  n=$((${runs[$name]:-100000} * scale))
  rm -rf "${work:?}/$name" "$work/$name.failed"
  mkdir -p "$work/$name/corpus" "$work/$name/artifacts"
  local inputs=("$root/tests/fuzz/corpus/$name")
  [ -d "$root/tests/fuzz/regressions/$name" ] && inputs+=("$root/tests/fuzz/regressions/$name")
  # CPU seconds (user + system) of the fuzzer go to $work/$name/cpu: the figure the counts are
  # sized by, independent of what else runs on the machine.
  local TIMEFORMAT="%U %S"
  if { time "$build/tests/fuzz/fuzz_$name" -runs="$n" -seed=1 -timeout=20 -rss_limit_mb=2560 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$work/$name/artifacts/" \
    "$work/$name/corpus" "${inputs[@]}" >"$work/$name/log" 2>&1; } 2>"$work/$name/cpu"; then
    execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$name/log" | grep -o '[0-9]*$' || true)"
    cpu="$(awk '{printf "%.1f", $1 + $2}' "$work/$name/cpu" 2>/dev/null || true)"
    echo "ci-sanitize: fuzz_$name: ${execs:-?} inputs in $((SECONDS - t0)) s (${cpu:-?} s CPU), no finding"
  else
    {
      echo "ci-sanitize: fuzz_$name FAILED after $((SECONDS - t0)) s; its report:"
      grep -v '^#[0-9]' "$work/$name/log" | tail -n 60
      echo "ci-sanitize: failing input(s) in $work/$name/artifacts: $(ls "$work/$name/artifacts")" \
        "(keep a fixed one under tests/fuzz/regressions/$name/)"
    } >&2
    return 1
  fi
}
names=()
for src in "$root"/tests/fuzz/fuzz_*.cpp; do
  name="$(basename "$src" .cpp)"
  name="${name#fuzz_}"
  [ -n "${BNN_FUZZ_ONLY:-}" ] && [ "$BNN_FUZZ_ONLY" != "$name" ] && continue
  names+=("$name")
done
start=$SECONDS
echo "ci-sanitize: fuzzing ${names[*]}"
running=0
for name in "${names[@]}"; do
  if ((running >= 2)); then
    wait -n || true
    running=$((running - 1))
  fi
  { fuzzOne "$name" || touch "$work/$name.failed"; } &
  running=$((running + 1))
done
wait
echo "ci-sanitize: fuzzing took $((SECONDS - start)) s"
status=0
for name in "${names[@]}"; do
  [ -e "$work/$name.failed" ] && status=1
done
exit $status
