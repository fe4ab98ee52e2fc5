// Vector maths for the avx512 level (x86-64-v4): the normal generator, exp and the peak loop,
// 16 lanes at a time. Compiled with the AVX-512 flags: no header with inline code of its own,
// helpers in bnn::avx512, entered only through kVectorMathAvx512.
#include <immintrin.h>

#include <cstdint>

#include "util/vector_math.h"

// GCC 12 reports a false '__Y is used uninitialized' inside the shift intrinsics of mulHiLo.
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace bnn::avx512 {
namespace {

// ---- normals: Philox4x32-10 and Box-Muller -------------------------------------------------

// 32-bit high and low halves of a * m for 16 lanes.
inline void mulHiLo(__m512i a, __m512i m, __m512i& hi, __m512i& lo) {
  lo = _mm512_mullo_epi32(a, m);
  const __m512i even = _mm512_mul_epu32(a, m);
  const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), m);
  hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd);
}

// Uniform in (0, 1] from the top 24 bits.
inline __m512 uniformOpen0(__m512i bits) {
  const __m512i v = _mm512_add_epi32(_mm512_srli_epi32(bits, 8), _mm512_set1_epi32(1));
  return _mm512_mul_ps(_mm512_cvtepi32_ps(v), _mm512_set1_ps(1.0f / 16777216.0f));
}

// log x for x in (0, 1]: x = m 2^e with m in [1, 2), centred on 1 (m > sqrt 2: m/2, e + 1);
// log(1 + f) = f - f²/2 + f³ P(f) (Cephes logf polynomial).
inline __m512 logV(__m512 x) {
  __m512 e = _mm512_getexp_ps(x);
  __m512 m = _mm512_getmant_ps(x, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_src);
  const __mmask16 big = _mm512_cmp_ps_mask(m, _mm512_set1_ps(1.41421356f), _CMP_GT_OQ);
  m = _mm512_mask_mul_ps(m, big, m, _mm512_set1_ps(0.5f));
  e = _mm512_mask_add_ps(e, big, e, _mm512_set1_ps(1.0f));
  const __m512 f = _mm512_sub_ps(m, _mm512_set1_ps(1.0f));
  __m512 p = _mm512_set1_ps(7.0376836292e-2f);
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(-1.1514610310e-1f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(1.1676998740e-1f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(-1.2420140846e-1f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(1.4249322787e-1f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(-1.6668057665e-1f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(2.0000714765e-1f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(-2.4999993993e-1f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(3.3333331174e-1f));
  const __m512 f2 = _mm512_mul_ps(f, f);
  const __m512 r = _mm512_fmadd_ps(f2, _mm512_fmsub_ps(f, p, _mm512_set1_ps(0.5f)), f);
  return _mm512_fmadd_ps(e, _mm512_set1_ps(0.693147180559945f), r);
}

// sin and cos of 2π t for t in (0, 1]: quadrant q = round(4t), x = 2π (t - q/4) in [-π/4, π/4],
// Taylor polynomials, then a rotation by q quarter turns.
inline void sinCos2Pi(__m512 t, __m512& s, __m512& c) {
  const __m512 q = _mm512_roundscale_ps(_mm512_mul_ps(t, _mm512_set1_ps(4.0f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m512 x =
      _mm512_mul_ps(_mm512_set1_ps(6.28318530717958647692f), _mm512_fnmadd_ps(q, _mm512_set1_ps(0.25f), t));
  const __m512 x2 = _mm512_mul_ps(x, x);
  __m512 ps = _mm512_set1_ps(2.7557314297e-6f);
  ps = _mm512_fmadd_ps(ps, x2, _mm512_set1_ps(-1.9841270114e-4f));
  ps = _mm512_fmadd_ps(ps, x2, _mm512_set1_ps(8.3333337680e-3f));
  ps = _mm512_fmadd_ps(ps, x2, _mm512_set1_ps(-1.6666667163e-1f));
  ps = _mm512_fmadd_ps(ps, x2, _mm512_set1_ps(1.0f));
  const __m512 sx = _mm512_mul_ps(ps, x);
  __m512 pc = _mm512_set1_ps(-2.7557314297e-7f);
  pc = _mm512_fmadd_ps(pc, x2, _mm512_set1_ps(2.4801587642e-5f));
  pc = _mm512_fmadd_ps(pc, x2, _mm512_set1_ps(-1.3888889225e-3f));
  pc = _mm512_fmadd_ps(pc, x2, _mm512_set1_ps(4.1666667908e-2f));
  pc = _mm512_fmadd_ps(pc, x2, _mm512_set1_ps(-0.5f));
  const __m512 cx = _mm512_fmadd_ps(pc, x2, _mm512_set1_ps(1.0f));
  const __m512i qi = _mm512_and_si512(_mm512_cvtps_epi32(q), _mm512_set1_epi32(3));
  const __mmask16 odd = _mm512_test_epi32_mask(qi, _mm512_set1_epi32(1));
  const __mmask16 negS = _mm512_test_epi32_mask(qi, _mm512_set1_epi32(2));
  const __mmask16 negC =
      _mm512_test_epi32_mask(_mm512_add_epi32(qi, _mm512_set1_epi32(1)), _mm512_set1_epi32(2));
  const __m512 s1 = _mm512_mask_blend_ps(odd, sx, cx);
  const __m512 c1 = _mm512_mask_blend_ps(odd, cx, sx);
  const __m512 zero = _mm512_setzero_ps();
  s = _mm512_mask_sub_ps(s1, negS, zero, s1);
  c = _mm512_mask_sub_ps(c1, negC, zero, c1);
}

// B consecutive batches g .. g+B-1 at once: independent dependency chains that the core overlaps
// (one batch alone is bound by the latency of its ten Philox rounds and polynomials). Lane l of
// batch g holds Philox block 16g + l.
template <int B>
void batches(uint64_t g, uint64_t draw, uint64_t key, float* out) {
  const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  __m512i c0[B], c1[B], c2[B], c3[B];
#pragma GCC unroll 4
  for (int q = 0; q < B; ++q) {
    const uint64_t first = 16 * (g + q);  // a multiple of 16: adding the lane never carries into word 1
    c0[q] = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(static_cast<uint32_t>(first))), lane);
    c1[q] = _mm512_set1_epi32(static_cast<int>(static_cast<uint32_t>(first >> 32)));
    c2[q] = _mm512_set1_epi32(static_cast<int>(static_cast<uint32_t>(draw)));
    c3[q] = _mm512_set1_epi32(static_cast<int>(static_cast<uint32_t>(draw >> 32)));
  }
  uint32_t k0 = static_cast<uint32_t>(key), k1 = static_cast<uint32_t>(key >> 32);
  const __m512i m0 = _mm512_set1_epi32(static_cast<int>(0xD2511F53u));
  const __m512i m1 = _mm512_set1_epi32(static_cast<int>(0xCD9E8D57u));
  for (int r = 0; r < 10; ++r) {
    const __m512i key0 = _mm512_set1_epi32(static_cast<int>(k0)),
                  key1 = _mm512_set1_epi32(static_cast<int>(k1));
#pragma GCC unroll 4
    for (int q = 0; q < B; ++q) {
      __m512i hi0, lo0, hi1, lo1;
      mulHiLo(c0[q], m0, hi0, lo0);
      mulHiLo(c2[q], m1, hi1, lo1);
      c0[q] = _mm512_xor_si512(_mm512_xor_si512(hi1, c1[q]), key0);
      c2[q] = _mm512_xor_si512(_mm512_xor_si512(hi0, c3[q]), key1);
      c1[q] = lo1;
      c3[q] = lo0;
    }
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
#pragma GCC unroll 4
  for (int q = 0; q < B; ++q) {
    const __m512i words[4] = {c0[q], c1[q], c2[q], c3[q]};
    float* o = out + vmath::kNormalBatch * q;
    for (int pair = 0; pair < 2; ++pair) {
      const __m512 r =
          _mm512_sqrt_ps(_mm512_mul_ps(_mm512_set1_ps(-2.0f), logV(uniformOpen0(words[2 * pair]))));
      __m512 sn, cs;
      sinCos2Pi(uniformOpen0(words[2 * pair + 1]), sn, cs);
      _mm512_storeu_ps(o + 32 * pair, _mm512_mul_ps(r, cs));
      _mm512_storeu_ps(o + 32 * pair + 16, _mm512_mul_ps(r, sn));
    }
  }
}

void normalBatches(uint64_t first, int64_t count, uint64_t draw, uint64_t key, float* out) {
  int64_t b = 0;
  for (; count - b >= 4; b += 4) batches<4>(first + static_cast<uint64_t>(b), draw, key, out + b * 64);
  for (; b < count; ++b) batches<1>(first + static_cast<uint64_t>(b), draw, key, out + b * 64);
}

// ---- exp of non-positive floats ------------------------------------------------------------

// exp(x) = 2^n P(r), n = round(x log2 e), r = x - n ln 2 in two parts; 0 below -87.
inline __m512 expNonPositive(__m512 raw) {
  const __mmask16 inRange = _mm512_cmp_ps_mask(raw, _mm512_set1_ps(-87.0f), _CMP_GE_OQ);
  const __m512 v = _mm512_max_ps(raw, _mm512_set1_ps(-87.0f));
  const __m512 nn = _mm512_roundscale_ps(_mm512_mul_ps(v, _mm512_set1_ps(1.44269504088896341f)),
                                         _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m512 r = _mm512_fmadd_ps(nn, _mm512_set1_ps(2.12194440e-4f),
                                   _mm512_fnmadd_ps(nn, _mm512_set1_ps(0.693359375f), v));
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  p = _mm512_fmadd_ps(_mm512_mul_ps(p, r), r, _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
  return _mm512_maskz_mov_ps(inRange, _mm512_scalef_ps(p, nn));  // p * 2^n
}

void expTile(const float* x, float* out, int64_t n) {
  int64_t j = 0;
  for (; j + 16 <= n; j += 16) _mm512_storeu_ps(out + j, expNonPositive(_mm512_loadu_ps(x + j)));
  if (j < n) {
    const __mmask16 m = static_cast<__mmask16>((1u << (n - j)) - 1u);
    _mm512_mask_storeu_ps(out + j, m, expNonPositive(_mm512_maskz_loadu_ps(m, x + j)));
  }
}

// ---- peak ----------------------------------------------------------------------------------

double fmaPeak(int64_t iters) {
  // Distinct starting values: identical chains would be merged by the compiler.
  __m512 a0 = _mm512_set1_ps(1.00f), a1 = _mm512_set1_ps(1.01f), a2 = _mm512_set1_ps(1.02f);
  __m512 a3 = _mm512_set1_ps(1.03f), a4 = _mm512_set1_ps(1.04f), a5 = _mm512_set1_ps(1.05f);
  __m512 a6 = _mm512_set1_ps(1.06f), a7 = _mm512_set1_ps(1.07f), a8 = _mm512_set1_ps(1.08f);
  __m512 a9 = _mm512_set1_ps(1.09f), a10 = _mm512_set1_ps(1.10f), a11 = _mm512_set1_ps(1.11f);
  const __m512 m = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-7f);
  for (int64_t i = 0; i < iters; ++i) {
    a0 = _mm512_fmadd_ps(a0, m, c);
    a1 = _mm512_fmadd_ps(a1, m, c);
    a2 = _mm512_fmadd_ps(a2, m, c);
    a3 = _mm512_fmadd_ps(a3, m, c);
    a4 = _mm512_fmadd_ps(a4, m, c);
    a5 = _mm512_fmadd_ps(a5, m, c);
    a6 = _mm512_fmadd_ps(a6, m, c);
    a7 = _mm512_fmadd_ps(a7, m, c);
    a8 = _mm512_fmadd_ps(a8, m, c);
    a9 = _mm512_fmadd_ps(a9, m, c);
    a10 = _mm512_fmadd_ps(a10, m, c);
    a11 = _mm512_fmadd_ps(a11, m, c);
  }
  __m512 s = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)),
                           _mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7)));
  s = _mm512_add_ps(s, _mm512_add_ps(_mm512_add_ps(a8, a9), _mm512_add_ps(a10, a11)));
  volatile float sink = _mm_cvtss_f32(_mm512_castps512_ps128(s));
  (void)sink;
  return 12.0 * 16 * 2 * static_cast<double>(iters);
}

}  // namespace
}  // namespace bnn::avx512

namespace bnn::vmath {
const VectorMathKernels kVectorMathAvx512 = {avx512::normalBatches, avx512::expTile, avx512::fmaPeak};
}  // namespace bnn::vmath
