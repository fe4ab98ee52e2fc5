#include "util/random_stream.h"

#include <cassert>
#include <cmath>
#include <cstring>

#include "util/philox.h"

#if defined(__AVX512F__)
#include <immintrin.h>
// GCC 12 reports a false '__Y is used uninitialized' inside the shift intrinsics of mulHiLo.
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

namespace bnn {

namespace {

// Box-Muller with polynomial log / sin / cos: 16 lanes at a time with AVX-512, the same
// arithmetic in scalar form elsewhere. Accuracy: relative error below 2e-7
// for log, absolute below 2e-7 for sin/cos, far below the 24-bit resolution of the uniforms.
constexpr int kBatch = 64;  // normals per batch (16 Philox blocks)

inline float fastLog(float x) {  // x > 0, finite
  uint32_t bits;
  std::memcpy(&bits, &x, 4);
  int e = static_cast<int>(bits >> 23) - 127;
  uint32_t mb = (bits & 0x007FFFFFu) | 0x3F800000u;  // mantissa in [1, 2)
  float m;
  std::memcpy(&m, &mb, 4);
  // Centre the mantissa on 1: m in [sqrt(1/2), sqrt(2)).
  const bool big = m > 1.41421356f;
  m = big ? m * 0.5f : m;
  e = big ? e + 1 : e;
  const float f = m - 1.0f;
  // Cephes logf polynomial: log(1+f) = f - f²/2 + f³ P(f).
  float p = 7.0376836292e-2f;
  p = p * f - 1.1514610310e-1f;
  p = p * f + 1.1676998740e-1f;
  p = p * f - 1.2420140846e-1f;
  p = p * f + 1.4249322787e-1f;
  p = p * f - 1.6668057665e-1f;
  p = p * f + 2.0000714765e-1f;
  p = p * f - 2.4999993993e-1f;
  p = p * f + 3.3333331174e-1f;
  const float f2 = f * f;
  const float r = f + f2 * (f * p - 0.5f);
  return r + static_cast<float>(e) * 0.693147180559945f;
}

// sin and cos of 2π t for t in (0, 1].
inline void sinCos2Pi(float t, float& s, float& c) {
  // Quadrant q = round(4t); remainder r = t - q/4 in [-1/8, 1/8]; x = 2π r in [-π/4, π/4].
  const float q = std::floor(4.0f * t + 0.5f);
  const float x = 6.28318530717958647692f * (t - 0.25f * q);
  const float x2 = x * x;
  // Minimax-style Taylor polynomials on [-π/4, π/4].
  const float sx =
      x * (1.0f + x2 * (-1.6666667163e-1f +
                        x2 * (8.3333337680e-3f + x2 * (-1.9841270114e-4f + x2 * 2.7557314297e-6f))));
  const float cx =
      1.0f + x2 * (-0.5f + x2 * (4.1666667908e-2f +
                                 x2 * (-1.3888889225e-3f + x2 * (2.4801587642e-5f - x2 * 2.7557314297e-7f))));
  const int qi = static_cast<int>(q) & 3;
  // Rotate by q quarter turns: (sin, cos)(x + qπ/2).
  const float s1 = (qi & 1) ? cx : sx;
  const float c1 = (qi & 1) ? sx : cx;
  s = (qi & 2) ? -s1 : s1;
  c = ((qi + 1) & 2) ? -c1 : c1;
}

// One batch of 64 normals. Batch g uses Philox blocks 16g .. 16g+15 (counter = block index,
// draw); normal j of the batch comes from block 16g + (j % 16): j / 16 = 0, 1 are the cosine and
// sine of the Box-Muller pair made of words 0 and 1; j / 16 = 2, 3 those of words 2 and 3.
[[maybe_unused]] void batchScalar(uint64_t g, uint64_t draw, uint64_t key, float* out) {
  for (int b = 0; b < 16; ++b) {
    const uint64_t idx = 16 * g + static_cast<uint64_t>(b);
    const auto w = Philox4x32::generate({static_cast<uint32_t>(idx), static_cast<uint32_t>(idx >> 32),
                                         static_cast<uint32_t>(draw), static_cast<uint32_t>(draw >> 32)},
                                        static_cast<uint32_t>(key), static_cast<uint32_t>(key >> 32));
    for (int pair = 0; pair < 2; ++pair) {
      const float r = std::sqrt(-2.0f * fastLog(uniformOpen0(w[2 * pair])));
      float sn, cs;
      sinCos2Pi(uniformOpen0(w[2 * pair + 1]), sn, cs);
      out[32 * pair + b] = r * cs;
      out[32 * pair + 16 + b] = r * sn;
    }
  }
}

#if defined(__AVX512F__)
// 32-bit high and low halves of a * m for 16 lanes.
inline void mulHiLo(__m512i a, __m512i m, __m512i& hi, __m512i& lo) {
  lo = _mm512_mullo_epi32(a, m);
  const __m512i even = _mm512_mul_epu32(a, m);
  const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), m);
  hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd);
}

inline __m512 uniformOpen0V(__m512i bits) {
  const __m512i v = _mm512_add_epi32(_mm512_srli_epi32(bits, 8), _mm512_set1_epi32(1));
  return _mm512_mul_ps(_mm512_cvtepi32_ps(v), _mm512_set1_ps(1.0f / 16777216.0f));
}

inline __m512 logV(__m512 x) {
  // x = m 2^e with m in [1, 2); centre m on 1 as in fastLog.
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

inline void sinCos2PiV(__m512 t, __m512& s, __m512& c) {
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
// (one batch alone is bound by the latency of its ten Philox rounds and polynomials).
template <int B>
void batchAvx512(uint64_t g, uint64_t draw, uint64_t key, float* out) {
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
    float* o = out + kBatch * q;
    for (int pair = 0; pair < 2; ++pair) {
      const __m512 r =
          _mm512_sqrt_ps(_mm512_mul_ps(_mm512_set1_ps(-2.0f), logV(uniformOpen0V(words[2 * pair]))));
      __m512 sn, cs;
      sinCos2PiV(uniformOpen0V(words[2 * pair + 1]), sn, cs);
      _mm512_storeu_ps(o + 32 * pair, _mm512_mul_ps(r, cs));
      _mm512_storeu_ps(o + 32 * pair + 16, _mm512_mul_ps(r, sn));
    }
  }
}
#endif

inline void batch64(uint64_t g, uint64_t draw, uint64_t key, float* out) {
#if defined(__AVX512F__)
  batchAvx512<1>(g, draw, key, out);
#else
  batchScalar(g, draw, key, out);
#endif
}

}  // namespace

void RandomStream::bits(uint64_t draw, uint64_t index, uint32_t out[4]) const {
  const auto b = Philox4x32::generate({static_cast<uint32_t>(index), static_cast<uint32_t>(index >> 32),
                                       static_cast<uint32_t>(draw), static_cast<uint32_t>(draw >> 32)},
                                      static_cast<uint32_t>(m_key), static_cast<uint32_t>(m_key >> 32));
  out[0] = b[0];
  out[1] = b[1];
  out[2] = b[2];
  out[3] = b[3];
}

void RandomStream::normals(uint64_t draw, int64_t offset, int64_t n, float* out) const {
  assert(offset % kBatch == 0);
  float vals[kBatch];
  int64_t i = 0;
#if defined(__AVX512F__)
  for (; n - i >= 4 * kBatch; i += 4 * kBatch)
    batchAvx512<4>(static_cast<uint64_t>(offset + i) / kBatch, draw, m_key, out + i);
#endif
  for (; i < n; i += kBatch) {
    const uint64_t g = static_cast<uint64_t>(offset + i) / kBatch;
    if (n - i >= kBatch) {
      batch64(g, draw, m_key, out + i);
    } else {
      batch64(g, draw, m_key, vals);
      std::memcpy(out + i, vals, static_cast<size_t>(n - i) * sizeof(float));
    }
  }
}

void RandomStream::uniformInts(uint64_t draw, int64_t offset, int64_t n, uint32_t bound,
                               uint32_t* out) const {
  uint32_t b[4];
  for (int64_t i = 0; i < n; ++i) {
    const uint64_t pos = static_cast<uint64_t>(offset + i);
    if (i == 0 || pos % 4 == 0) bits(draw, pos / 4, b);
    // Lemire's multiply-shift; bias below 2^-32 * bound, negligible for bound <= 60000.
    out[i] = static_cast<uint32_t>((uint64_t{b[pos % 4]} * bound) >> 32);
  }
}

}  // namespace bnn
