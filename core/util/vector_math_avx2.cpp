// Vector maths for the avx2 level (x86-64-v3: AVX2 + FMA): the normal generator, exp and the
// peak loop, 8 lanes at a time. Compiled with the AVX2 flags: no header with inline code of its
// own, helpers in bnn::avx2, entered only through kVectorMathAvx2.
//
// Same bits as the avx512 level, operation by operation: AVX-512's getexp / getmant become exact
// integer operations on the float bits (the inputs are positive normal floats), roundscale becomes
// round, scalef (p 2^n) a product with the exact power of two, and mask operations blends.
#include <immintrin.h>

#include <cstdint>

#include "util/vector_math.h"

namespace bnn::avx2 {
namespace {

inline __m256 set1(float x) { return _mm256_set1_ps(x); }

// ---- normals: Philox4x32-10 and Box-Muller -------------------------------------------------

// 32-bit high and low halves of a * m for 8 lanes (m the same in every lane), from two
// 32 x 32 -> 64-bit products (even and odd lanes).
inline void mulHiLo(__m256i a, __m256i m, __m256i& hi, __m256i& lo) {
  const __m256i even = _mm256_mul_epu32(a, m);
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
  hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
  lo = _mm256_mullo_epi32(a, m);
}

inline __m256 uniformOpen0(__m256i bits) {
  const __m256i v = _mm256_add_epi32(_mm256_srli_epi32(bits, 8), _mm256_set1_epi32(1));
  return _mm256_mul_ps(_mm256_cvtepi32_ps(v), set1(1.0f / 16777216.0f));
}

// log x for x in (0, 1] (normal floats): exponent and mantissa from the bits.
inline __m256 logV(__m256 x) {
  const __m256i bits = _mm256_castps_si256(x);
  __m256 e = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(127)));
  __m256 m = _mm256_castsi256_ps(
      _mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x007FFFFF)), _mm256_set1_epi32(0x3F800000)));
  const __m256 big = _mm256_cmp_ps(m, set1(1.41421356f), _CMP_GT_OQ);
  m = _mm256_blendv_ps(m, _mm256_mul_ps(m, set1(0.5f)), big);
  e = _mm256_blendv_ps(e, _mm256_add_ps(e, set1(1.0f)), big);
  const __m256 f = _mm256_sub_ps(m, set1(1.0f));
  __m256 p = set1(7.0376836292e-2f);
  p = _mm256_fmadd_ps(p, f, set1(-1.1514610310e-1f));
  p = _mm256_fmadd_ps(p, f, set1(1.1676998740e-1f));
  p = _mm256_fmadd_ps(p, f, set1(-1.2420140846e-1f));
  p = _mm256_fmadd_ps(p, f, set1(1.4249322787e-1f));
  p = _mm256_fmadd_ps(p, f, set1(-1.6668057665e-1f));
  p = _mm256_fmadd_ps(p, f, set1(2.0000714765e-1f));
  p = _mm256_fmadd_ps(p, f, set1(-2.4999993993e-1f));
  p = _mm256_fmadd_ps(p, f, set1(3.3333331174e-1f));
  const __m256 f2 = _mm256_mul_ps(f, f);
  const __m256 r = _mm256_fmadd_ps(f2, _mm256_fmsub_ps(f, p, set1(0.5f)), f);
  return _mm256_fmadd_ps(e, set1(0.693147180559945f), r);
}

inline void sinCos2Pi(__m256 t, __m256& s, __m256& c) {
  const __m256 q =
      _mm256_round_ps(_mm256_mul_ps(t, set1(4.0f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m256 x = _mm256_mul_ps(set1(6.28318530717958647692f), _mm256_fnmadd_ps(q, set1(0.25f), t));
  const __m256 x2 = _mm256_mul_ps(x, x);
  __m256 ps = set1(2.7557314297e-6f);
  ps = _mm256_fmadd_ps(ps, x2, set1(-1.9841270114e-4f));
  ps = _mm256_fmadd_ps(ps, x2, set1(8.3333337680e-3f));
  ps = _mm256_fmadd_ps(ps, x2, set1(-1.6666667163e-1f));
  ps = _mm256_fmadd_ps(ps, x2, set1(1.0f));
  const __m256 sx = _mm256_mul_ps(ps, x);
  __m256 pc = set1(-2.7557314297e-7f);
  pc = _mm256_fmadd_ps(pc, x2, set1(2.4801587642e-5f));
  pc = _mm256_fmadd_ps(pc, x2, set1(-1.3888889225e-3f));
  pc = _mm256_fmadd_ps(pc, x2, set1(4.1666667908e-2f));
  pc = _mm256_fmadd_ps(pc, x2, set1(-0.5f));
  const __m256 cx = _mm256_fmadd_ps(pc, x2, set1(1.0f));
  const __m256i qi = _mm256_and_si256(_mm256_cvtps_epi32(q), _mm256_set1_epi32(3));
  const __m256i one = _mm256_set1_epi32(1), two = _mm256_set1_epi32(2);
  const __m256 odd = _mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_and_si256(qi, one), one));
  const __m256 negS = _mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_and_si256(qi, two), two));
  const __m256 negC =
      _mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_and_si256(_mm256_add_epi32(qi, one), two), two));
  const __m256 s1 = _mm256_blendv_ps(sx, cx, odd);
  const __m256 c1 = _mm256_blendv_ps(cx, sx, odd);
  const __m256 zero = _mm256_setzero_ps();
  s = _mm256_blendv_ps(s1, _mm256_sub_ps(zero, s1), negS);
  c = _mm256_blendv_ps(c1, _mm256_sub_ps(zero, c1), negC);
}

// U half-batches at once (half h of batch g: Philox blocks 16g + 8h .. 16g + 8h + 7, one per
// lane), so independent dependency chains overlap; out receives U / 2 whole batches.
template <int U>
void halves(uint64_t g, uint64_t draw, uint64_t key, float* out) {
  const __m256i lane = _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0);
  __m256i c0[U], c1[U], c2[U], c3[U];
#pragma GCC unroll 4
  for (int u = 0; u < U; ++u) {
    const uint64_t first = 16 * (g + u / 2) + 8 * (u % 2);  // a multiple of 8: no carry into word 1
    c0[u] = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(static_cast<uint32_t>(first))), lane);
    c1[u] = _mm256_set1_epi32(static_cast<int>(static_cast<uint32_t>(first >> 32)));
    c2[u] = _mm256_set1_epi32(static_cast<int>(static_cast<uint32_t>(draw)));
    c3[u] = _mm256_set1_epi32(static_cast<int>(static_cast<uint32_t>(draw >> 32)));
  }
  uint32_t k0 = static_cast<uint32_t>(key), k1 = static_cast<uint32_t>(key >> 32);
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(0xD2511F53u));
  const __m256i m1 = _mm256_set1_epi32(static_cast<int>(0xCD9E8D57u));
  for (int r = 0; r < 10; ++r) {
    const __m256i key0 = _mm256_set1_epi32(static_cast<int>(k0)),
                  key1 = _mm256_set1_epi32(static_cast<int>(k1));
#pragma GCC unroll 4
    for (int u = 0; u < U; ++u) {
      __m256i hi0, lo0, hi1, lo1;
      mulHiLo(c0[u], m0, hi0, lo0);
      mulHiLo(c2[u], m1, hi1, lo1);
      c0[u] = _mm256_xor_si256(_mm256_xor_si256(hi1, c1[u]), key0);
      c2[u] = _mm256_xor_si256(_mm256_xor_si256(hi0, c3[u]), key1);
      c1[u] = lo1;
      c3[u] = lo0;
    }
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
#pragma GCC unroll 4
  for (int u = 0; u < U; ++u) {
    const __m256i words[4] = {c0[u], c1[u], c2[u], c3[u]};
    float* o = out + vmath::kNormalBatch * (u / 2) + 8 * (u % 2);
    for (int pair = 0; pair < 2; ++pair) {
      const __m256 r = _mm256_sqrt_ps(_mm256_mul_ps(set1(-2.0f), logV(uniformOpen0(words[2 * pair]))));
      __m256 sn, cs;
      sinCos2Pi(uniformOpen0(words[2 * pair + 1]), sn, cs);
      _mm256_storeu_ps(o + 32 * pair, _mm256_mul_ps(r, cs));
      _mm256_storeu_ps(o + 32 * pair + 16, _mm256_mul_ps(r, sn));
    }
  }
}

void normalBatches(uint64_t first, int64_t count, uint64_t draw, uint64_t key, float* out) {
  int64_t b = 0;
  for (; count - b >= 2; b += 2) halves<4>(first + static_cast<uint64_t>(b), draw, key, out + b * 64);
  for (; b < count; ++b) halves<2>(first + static_cast<uint64_t>(b), draw, key, out + b * 64);
}

// ---- exp of non-positive floats ------------------------------------------------------------

inline __m256 expNonPositive(__m256 raw) {
  const __m256 inRange = _mm256_cmp_ps(raw, set1(-87.0f), _CMP_GE_OQ);
  const __m256 v = _mm256_max_ps(raw, set1(-87.0f));
  const __m256 nn = _mm256_round_ps(_mm256_mul_ps(v, set1(1.44269504088896341f)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m256 r = _mm256_fmadd_ps(nn, set1(2.12194440e-4f), _mm256_fnmadd_ps(nn, set1(0.693359375f), v));
  __m256 p = set1(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, set1(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, set1(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, set1(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, set1(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, set1(5.0000001201e-1f));
  p = _mm256_fmadd_ps(_mm256_mul_ps(p, r), r, _mm256_add_ps(r, set1(1.0f)));
  // 2^n for n in [-126, 0] is a normal float: exponent field n + 127.
  const __m256 pow2 = _mm256_castsi256_ps(
      _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(nn), _mm256_set1_epi32(127)), 23));
  return _mm256_and_ps(inRange, _mm256_mul_ps(p, pow2));
}

void expTile(const float* x, float* out, int64_t n) {
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) _mm256_storeu_ps(out + j, expNonPositive(_mm256_loadu_ps(x + j)));
  if (j < n) {
    const __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n - j)),
                                         _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0));
    _mm256_maskstore_ps(out + j, m, expNonPositive(_mm256_maskload_ps(x + j, m)));
  }
}

// ---- peak ----------------------------------------------------------------------------------

double fmaPeak(int64_t iters) {
  __m256 a0 = set1(1.00f), a1 = set1(1.01f), a2 = set1(1.02f), a3 = set1(1.03f);
  __m256 a4 = set1(1.04f), a5 = set1(1.05f), a6 = set1(1.06f), a7 = set1(1.07f);
  __m256 a8 = set1(1.08f), a9 = set1(1.09f), a10 = set1(1.10f), a11 = set1(1.11f);
  const __m256 m = set1(0.999999f), c = set1(1e-7f);
  for (int64_t i = 0; i < iters; ++i) {
    a0 = _mm256_fmadd_ps(a0, m, c);
    a1 = _mm256_fmadd_ps(a1, m, c);
    a2 = _mm256_fmadd_ps(a2, m, c);
    a3 = _mm256_fmadd_ps(a3, m, c);
    a4 = _mm256_fmadd_ps(a4, m, c);
    a5 = _mm256_fmadd_ps(a5, m, c);
    a6 = _mm256_fmadd_ps(a6, m, c);
    a7 = _mm256_fmadd_ps(a7, m, c);
    a8 = _mm256_fmadd_ps(a8, m, c);
    a9 = _mm256_fmadd_ps(a9, m, c);
    a10 = _mm256_fmadd_ps(a10, m, c);
    a11 = _mm256_fmadd_ps(a11, m, c);
  }
  __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)),
                           _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
  s = _mm256_add_ps(s, _mm256_add_ps(_mm256_add_ps(a8, a9), _mm256_add_ps(a10, a11)));
  volatile float sink = _mm256_cvtss_f32(s);
  (void)sink;
  return 12.0 * 8 * 2 * static_cast<double>(iters);
}

}  // namespace
}  // namespace bnn::avx2

namespace bnn::vmath {
const VectorMathKernels kVectorMathAvx2 = {avx2::normalBatches, avx2::expTile, avx2::fmaPeak};
}  // namespace bnn::vmath
