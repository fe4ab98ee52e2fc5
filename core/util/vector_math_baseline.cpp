// Vector maths for the baseline level (x86-64, SSE2): the normal generator four lanes at a time
// and exp in scalar form, the formulas of the vector levels. Without fused multiply-adds the
// normals round differently (they agree to float rounding); exp uses the C library's fma and
// gives the same bits as the vector levels.
#include <emmintrin.h>

#include <cstdint>

#include "util/fast_exp.h"
#include "util/vector_math.h"

namespace bnn::baseline {
namespace {

// Four lanes with SSE2 (which every x86-64 CPU has): the vector levels' formulas with every
// product and sum rounded on its own (SSE2 has no fused multiply-add).
inline __m128 set1(float x) { return _mm_set1_ps(x); }
inline __m128 mulAdd(__m128 a, __m128 b, __m128 c) { return _mm_add_ps(_mm_mul_ps(a, b), c); }
inline __m128 select(__m128 mask, __m128 yes, __m128 no) {
  return _mm_or_ps(_mm_and_ps(mask, yes), _mm_andnot_ps(mask, no));
}

// 32-bit high and low halves of a * m for 4 lanes (m the same in every lane).
inline void mulHiLo(__m128i a, __m128i m, __m128i& hi, __m128i& lo) {
  const __m128i even = _mm_mul_epu32(a, m);
  const __m128i odd = _mm_mul_epu32(_mm_srli_epi64(a, 32), m);
  const __m128i high = _mm_set_epi32(-1, 0, -1, 0);
  hi = _mm_or_si128(_mm_srli_epi64(even, 32), _mm_and_si128(odd, high));
  lo = _mm_or_si128(_mm_andnot_si128(high, even), _mm_slli_epi64(odd, 32));
}

inline __m128 uniformOpen0(__m128i bits) {
  const __m128i v = _mm_add_epi32(_mm_srli_epi32(bits, 8), _mm_set1_epi32(1));
  return _mm_mul_ps(_mm_cvtepi32_ps(v), set1(1.0f / 16777216.0f));
}

// log x for x in (0, 1] (normal floats): x = m 2^e, m centred on 1, Cephes polynomial.
inline __m128 logV(__m128 x) {
  const __m128i bits = _mm_castps_si128(x);
  __m128 e = _mm_cvtepi32_ps(_mm_sub_epi32(_mm_srli_epi32(bits, 23), _mm_set1_epi32(127)));
  __m128 m = _mm_castsi128_ps(
      _mm_or_si128(_mm_and_si128(bits, _mm_set1_epi32(0x007FFFFF)), _mm_set1_epi32(0x3F800000)));
  const __m128 big = _mm_cmpgt_ps(m, set1(1.41421356f));
  m = select(big, _mm_mul_ps(m, set1(0.5f)), m);
  e = select(big, _mm_add_ps(e, set1(1.0f)), e);
  const __m128 f = _mm_sub_ps(m, set1(1.0f));
  __m128 p = set1(7.0376836292e-2f);
  p = mulAdd(p, f, set1(-1.1514610310e-1f));
  p = mulAdd(p, f, set1(1.1676998740e-1f));
  p = mulAdd(p, f, set1(-1.2420140846e-1f));
  p = mulAdd(p, f, set1(1.4249322787e-1f));
  p = mulAdd(p, f, set1(-1.6668057665e-1f));
  p = mulAdd(p, f, set1(2.0000714765e-1f));
  p = mulAdd(p, f, set1(-2.4999993993e-1f));
  p = mulAdd(p, f, set1(3.3333331174e-1f));
  const __m128 f2 = _mm_mul_ps(f, f);
  const __m128 r = _mm_add_ps(f, _mm_mul_ps(f2, _mm_sub_ps(_mm_mul_ps(f, p), set1(0.5f))));
  return _mm_add_ps(r, _mm_mul_ps(e, set1(0.693147180559945f)));
}

// sin and cos of 2π t for t in (0, 1]: quadrant q = round(4t) (to nearest even, as the
// conversion to integers rounds), Taylor polynomials on [-π/4, π/4], rotation by q quarter turns.
inline void sinCos2Pi(__m128 t, __m128& s, __m128& c) {
  const __m128i qn = _mm_cvtps_epi32(_mm_mul_ps(t, set1(4.0f)));
  const __m128 q = _mm_cvtepi32_ps(qn);
  const __m128 x = _mm_mul_ps(set1(6.28318530717958647692f), _mm_sub_ps(t, _mm_mul_ps(set1(0.25f), q)));
  const __m128 x2 = _mm_mul_ps(x, x);
  __m128 ps = set1(2.7557314297e-6f);
  ps = mulAdd(ps, x2, set1(-1.9841270114e-4f));
  ps = mulAdd(ps, x2, set1(8.3333337680e-3f));
  ps = mulAdd(ps, x2, set1(-1.6666667163e-1f));
  ps = mulAdd(ps, x2, set1(1.0f));
  const __m128 sx = _mm_mul_ps(ps, x);
  __m128 pc = set1(-2.7557314297e-7f);
  pc = mulAdd(pc, x2, set1(2.4801587642e-5f));
  pc = mulAdd(pc, x2, set1(-1.3888889225e-3f));
  pc = mulAdd(pc, x2, set1(4.1666667908e-2f));
  pc = mulAdd(pc, x2, set1(-0.5f));
  const __m128 cx = mulAdd(pc, x2, set1(1.0f));
  const __m128i qi = _mm_and_si128(qn, _mm_set1_epi32(3));
  const __m128i one = _mm_set1_epi32(1), two = _mm_set1_epi32(2);
  const __m128 odd = _mm_castsi128_ps(_mm_cmpeq_epi32(_mm_and_si128(qi, one), one));
  const __m128 negS = _mm_castsi128_ps(_mm_cmpeq_epi32(_mm_and_si128(qi, two), two));
  const __m128 negC = _mm_castsi128_ps(_mm_cmpeq_epi32(_mm_and_si128(_mm_add_epi32(qi, one), two), two));
  const __m128 s1 = select(odd, cx, sx);
  const __m128 c1 = select(odd, sx, cx);
  const __m128 sign = set1(-0.0f);
  s = _mm_xor_ps(s1, _mm_and_ps(negS, sign));
  c = _mm_xor_ps(c1, _mm_and_ps(negC, sign));
}

// One batch of 64 normals as four quarters (quarter h: Philox blocks 16g + 4h .. 16g + 4h + 3,
// one per lane), computed together so their dependency chains overlap.
void batch(uint64_t g, uint64_t draw, uint64_t key, float* out) {
  constexpr int U = 4;
  const __m128i lane = _mm_set_epi32(3, 2, 1, 0);
  __m128i c0[U], c1[U], c2[U], c3[U];
  for (int u = 0; u < U; ++u) {
    const uint64_t first = 16 * g + 4 * static_cast<uint64_t>(u);  // a multiple of 4: no carry into word 1
    c0[u] = _mm_add_epi32(_mm_set1_epi32(static_cast<int>(static_cast<uint32_t>(first))), lane);
    c1[u] = _mm_set1_epi32(static_cast<int>(static_cast<uint32_t>(first >> 32)));
    c2[u] = _mm_set1_epi32(static_cast<int>(static_cast<uint32_t>(draw)));
    c3[u] = _mm_set1_epi32(static_cast<int>(static_cast<uint32_t>(draw >> 32)));
  }
  uint32_t k0 = static_cast<uint32_t>(key), k1 = static_cast<uint32_t>(key >> 32);
  const __m128i m0 = _mm_set1_epi32(static_cast<int>(0xD2511F53u));
  const __m128i m1 = _mm_set1_epi32(static_cast<int>(0xCD9E8D57u));
  for (int r = 0; r < 10; ++r) {
    const __m128i key0 = _mm_set1_epi32(static_cast<int>(k0)), key1 = _mm_set1_epi32(static_cast<int>(k1));
    for (int u = 0; u < U; ++u) {
      __m128i hi0, lo0, hi1, lo1;
      mulHiLo(c0[u], m0, hi0, lo0);
      mulHiLo(c2[u], m1, hi1, lo1);
      c0[u] = _mm_xor_si128(_mm_xor_si128(hi1, c1[u]), key0);
      c2[u] = _mm_xor_si128(_mm_xor_si128(hi0, c3[u]), key1);
      c1[u] = lo1;
      c3[u] = lo0;
    }
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  for (int u = 0; u < U; ++u) {
    const __m128i words[4] = {c0[u], c1[u], c2[u], c3[u]};
    float* o = out + 4 * u;
    for (int pair = 0; pair < 2; ++pair) {
      const __m128 r = _mm_sqrt_ps(_mm_mul_ps(set1(-2.0f), logV(uniformOpen0(words[2 * pair]))));
      __m128 sn, cs;
      sinCos2Pi(uniformOpen0(words[2 * pair + 1]), sn, cs);
      _mm_storeu_ps(o + 32 * pair, _mm_mul_ps(r, cs));
      _mm_storeu_ps(o + 32 * pair + 16, _mm_mul_ps(r, sn));
    }
  }
}

void normalBatches(uint64_t first, int64_t count, uint64_t draw, uint64_t key, float* out) {
  for (int64_t q = 0; q < count; ++q)
    batch(first + static_cast<uint64_t>(q), draw, key, out + q * vmath::kNormalBatch);
}

void expTile(const float* x, float* out, int64_t n) {
  for (int64_t j = 0; j < n; ++j) out[j] = expNonPositive(x[j]);
}

// Independent multiply-add chains that the compiler vectorises with SSE2 (no fused form).
double fmaPeak(int64_t iters) {
  constexpr int kChains = 48;
  float a[kChains];
  for (int j = 0; j < kChains; ++j) a[j] = 1.0f + 0.001f * j;
  const float m = 0.999999f, c = 1e-7f;
  for (int64_t i = 0; i < iters; ++i)
    for (int j = 0; j < kChains; ++j) a[j] = a[j] * m + c;
  float s = 0;
  for (float v : a) s += v;
  volatile float sink = s;
  (void)sink;
  return 2.0 * kChains * static_cast<double>(iters);
}

}  // namespace
}  // namespace bnn::baseline

namespace bnn::vmath {
const VectorMathKernels kVectorMathBaseline = {baseline::normalBatches, baseline::expTile, baseline::fmaPeak};
}  // namespace bnn::vmath
