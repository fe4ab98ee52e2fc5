#!/usr/bin/env bash
# Checks that a portable binary runs no instruction beyond baseline x86-64 outside the per-level
# kernels: every function using AVX (VEX/EVEX-encoded instructions, ymm/zmm/mask registers) or
# the other x86-64-v3 additions must belong to bnn::avx2 or bnn::avx512, which are entered only
# after the CPU has been checked. Usage: check_kernel_isolation.sh BINARY...
set -euo pipefail
status=0
for bin in "$@"; do
  offenders=$(objdump -d --no-show-raw-insn -C "$bin" | awk '
    /^[0-9a-f]+ <.*>:$/ { fn = substr($0, index($0, "<")); next }
    /\t(v[a-z0-9]+|andn|bextr|blsi|blsmsk|blsr|bzhi|lzcnt|mulx|pdep|pext|rorx|sarx|shlx|shrx|movbe|kmov[bwdq])[ \t]/ ||
    /%[yz]mm[0-9]/ { if (fn !~ /bnn::avx(2|512)::/) print fn }' | sort -u)
  levelled=$(objdump -d --no-show-raw-insn -C "$bin" | grep -c '^[0-9a-f]* <.*bnn::avx\(2\|512\)::' || true)
  if [ -n "$offenders" ]; then
    echo "$bin: functions outside the level kernels use instructions beyond x86-64:"
    echo "$offenders" | head -40
    status=1
  elif [ "$levelled" -eq 0 ]; then
    echo "$bin: no level kernels found (bnn::avx2, bnn::avx512): is this the right binary?"
    status=1
  else
    echo "$bin: only the $levelled functions of the level kernels use AVX; everything else is x86-64"
  fi
done
exit $status
