// The samplers' update passes for the avx512 level: 16 floats at a time, the last partial vector
// under a mask. Compiled with the AVX-512 flags: helpers in bnn::avx512, entered only through
// kUpdateKernelsAvx512.
#include <immintrin.h>

#include <cstdint>

#include "samplers/update_kernels.h"

namespace bnn::avx512 {
namespace {

// Lanes [0, n - j) of the vector at j, at most 16.
inline __mmask16 tailMask(int64_t rem) { return rem >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << rem) - 1u); }

// Lanes whose float is NaN or ±Inf (all exponent bits set).
inline __mmask16 nonFinite(__m512 v) {
  const __m512i e = _mm512_set1_epi32(0x7F800000);
  return _mm512_cmpeq_epi32_mask(_mm512_and_si512(_mm512_castps_si512(v), e), e);
}

// Runs body(j, mask) over [0, n) in vectors of 16, the last one masked.
template <class F>
inline void forVectors(int64_t n, const F& body) {
  int64_t j = 0;
  for (; j + 16 <= n; j += 16) body(j, __mmask16(0xFFFF));
  if (j < n) body(j, tailMask(n - j));
}

// The horizontal sum of _mm512_reduce_add_ps (GCC's tree: nn/kernels_avx512.cpp sum16x4), spelt
// out so that the avx2 level can repeat it. (The low half by extraction, the same bits as the cast,
// which GCC 12 reports as reading an uninitialised value once inlined.)
inline float sum16(__m512 v) {
  const __m256 t3 = _mm256_add_ps(_mm512_extractf32x8_ps(v, 1), _mm512_extractf32x8_ps(v, 0));
  const __m128 t6 = _mm_add_ps(_mm256_extractf128_ps(t3, 1), _mm256_castps256_ps128(t3));
  const __m128 t8 = _mm_add_ps(t6, _mm_shuffle_ps(t6, t6, _MM_SHUFFLE(1, 0, 3, 2)));
  return _mm_cvtss_f32(_mm_add_ss(t8, _mm_shuffle_ps(t8, t8, _MM_SHUFFLE(1, 1, 1, 1))));
}

inline __m512 ghat(__m512 g, __m512 theta, __m512 scale, __m512 prec) {
  return _mm512_fmsub_ps(scale, g, _mm512_mul_ps(prec, theta));
}

uint32_t sgld(float* theta, const float* g, const float* xi, int64_t n, float scale, float prec, float h,
              float sigma) {
  const __m512 vs = _mm512_set1_ps(scale), vp = _mm512_set1_ps(prec), vh = _mm512_set1_ps(h),
               vsig = _mm512_set1_ps(sigma);
  __mmask16 bad = 0;
  forVectors(n, [&](int64_t j, __mmask16 m) {
    const __m512 t = _mm512_maskz_loadu_ps(m, theta + j);
    const __m512 gh = ghat(_mm512_maskz_loadu_ps(m, g + j), t, vs, vp);
    const __m512 t1 =
        _mm512_add_ps(t, _mm512_fmadd_ps(vh, gh, _mm512_mul_ps(vsig, _mm512_maskz_loadu_ps(m, xi + j))));
    _mm512_mask_storeu_ps(theta + j, m, t1);
    bad |= nonFinite(t1) & m;
  });
  return bad;
}

template <bool kMoveNext>
uint32_t chenPass(float* theta, float* p, const float* g, const float* xi, int64_t n, float scale, float prec,
                  float h, float decay, float sigma) {
  const __m512 vs = _mm512_set1_ps(scale), vp = _mm512_set1_ps(prec), vh = _mm512_set1_ps(h),
               vd = _mm512_set1_ps(decay), vsig = _mm512_set1_ps(sigma);
  __mmask16 bad = 0;
  forVectors(n, [&](int64_t j, __mmask16 m) {
    const __m512 t = _mm512_maskz_loadu_ps(m, theta + j);
    const __m512 gh = ghat(_mm512_maskz_loadu_ps(m, g + j), t, vs, vp);
    const __m512 p1 =
        _mm512_fmadd_ps(vsig, _mm512_maskz_loadu_ps(m, xi + j),
                        _mm512_fmadd_ps(vd, _mm512_maskz_loadu_ps(m, p + j), _mm512_mul_ps(vh, gh)));
    _mm512_mask_storeu_ps(p + j, m, p1);
    __mmask16 b = nonFinite(p1);
    if constexpr (kMoveNext) {
      const __m512 t1 = _mm512_add_ps(t, p1);
      _mm512_mask_storeu_ps(theta + j, m, t1);
      b |= nonFinite(t1);
    } else {
      b |= nonFinite(t);
    }
    bad |= b & m;
  });
  return bad;
}

uint32_t chen(float* theta, float* p, const float* g, const float* xi, int64_t n, float scale, float prec,
              float h, float decay, float sigma, bool moveNext) {
  return moveNext ? chenPass<true>(theta, p, g, xi, n, scale, prec, h, decay, sigma)
                  : chenPass<false>(theta, p, g, xi, n, scale, prec, h, decay, sigma);
}

uint32_t ma(float* theta, float* p, const float* g, const float* xi, int64_t n, float scale, float prec,
            float h, float decay, float sigma) {
  const __m512 vs = _mm512_set1_ps(scale), vp = _mm512_set1_ps(prec), vh = _mm512_set1_ps(h),
               vd = _mm512_set1_ps(decay), vsig = _mm512_set1_ps(sigma);
  __mmask16 bad = 0;
  forVectors(n, [&](int64_t j, __mmask16 m) {
    const __m512 t = _mm512_maskz_loadu_ps(m, theta + j);
    const __m512 p0 = _mm512_maskz_loadu_ps(m, p + j);
    const __m512 gh = ghat(_mm512_maskz_loadu_ps(m, g + j), t, vs, vp);
    const __m512 t1 = _mm512_fmadd_ps(vh, p0, t);
    const __m512 p1 = _mm512_fmadd_ps(vsig, _mm512_maskz_loadu_ps(m, xi + j),
                                      _mm512_fmadd_ps(vd, p0, _mm512_mul_ps(vh, gh)));
    _mm512_mask_storeu_ps(theta + j, m, t1);
    _mm512_mask_storeu_ps(p + j, m, p1);
    bad |= (nonFinite(p1) | nonFinite(t1)) & m;
  });
  return bad;
}

void resample(float* theta, float* p, int64_t n, float scale, bool move) {
  const __m512 vs = _mm512_set1_ps(scale);
  forVectors(n, [&](int64_t j, __mmask16 m) {
    const __m512 p1 = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, p + j), vs);
    _mm512_mask_storeu_ps(p + j, m, p1);
    if (move) _mm512_mask_storeu_ps(theta + j, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, theta + j), p1));
  });
}

uint32_t psgld(float* theta, float* v, const float* g, const float* xi, int64_t n, float scale, float prec,
               float invn, float a, float c, float lambda, float h, float sigma) {
  const __m512 vs = _mm512_set1_ps(scale), vp = _mm512_set1_ps(prec), vinv = _mm512_set1_ps(invn),
               va = _mm512_set1_ps(a), vc = _mm512_set1_ps(c), vl = _mm512_set1_ps(lambda),
               vh = _mm512_set1_ps(h), vsig = _mm512_set1_ps(sigma), one = _mm512_set1_ps(1.0f);
  __mmask16 bad = 0;
  forVectors(n, [&](int64_t j, __mmask16 m) {
    const __m512 t = _mm512_maskz_loadu_ps(m, theta + j);
    const __m512 gv = _mm512_maskz_loadu_ps(m, g + j);
    const __m512 gb = _mm512_mul_ps(gv, vinv);
    const __m512 v1 =
        _mm512_fmadd_ps(va, _mm512_maskz_loadu_ps(m, v + j), _mm512_mul_ps(vc, _mm512_mul_ps(gb, gb)));
    const __m512 G = _mm512_div_ps(one, _mm512_add_ps(vl, _mm512_sqrt_ps(v1)));
    const __m512 gh = ghat(gv, t, vs, vp);
    const __m512 noise =
        _mm512_mul_ps(_mm512_mul_ps(vsig, _mm512_sqrt_ps(G)), _mm512_maskz_loadu_ps(m, xi + j));
    const __m512 t1 = _mm512_add_ps(t, _mm512_fmadd_ps(_mm512_mul_ps(vh, G), gh, noise));
    _mm512_mask_storeu_ps(v + j, m, v1);
    _mm512_mask_storeu_ps(theta + j, m, t1);
    bad |= (nonFinite(t1) | nonFinite(v1)) & m;
  });
  return bad;
}

uint32_t sgnht(float* theta, float* p, const float* g, const float* xi, int64_t n, float scale, float prec,
               float h, float decay, float sigma, float* psq) {
  const __m512 vs = _mm512_set1_ps(scale), vp = _mm512_set1_ps(prec), vh = _mm512_set1_ps(h),
               vd = _mm512_set1_ps(decay), vsig = _mm512_set1_ps(sigma);
  __m512 acc = _mm512_setzero_ps();
  __mmask16 bad = 0;
  forVectors(n, [&](int64_t j, __mmask16 m) {
    const __m512 t = _mm512_maskz_loadu_ps(m, theta + j);
    const __m512 gh = ghat(_mm512_maskz_loadu_ps(m, g + j), t, vs, vp);
    const __m512 p1 =
        _mm512_fmadd_ps(vsig, _mm512_maskz_loadu_ps(m, xi + j),
                        _mm512_fmadd_ps(vd, _mm512_maskz_loadu_ps(m, p + j), _mm512_mul_ps(vh, gh)));
    const __m512 t1 = _mm512_fmadd_ps(vh, p1, t);
    _mm512_mask_storeu_ps(p + j, m, p1);
    _mm512_mask_storeu_ps(theta + j, m, t1);
    acc = _mm512_fmadd_ps(p1, p1, acc);  // masked lanes hold p1 = 0
    bad |= (nonFinite(p1) | nonFinite(t1)) & m;
  });
  *psq = sum16(acc);
  return bad;
}

}  // namespace
}  // namespace bnn::avx512

namespace bnn::update {
const UpdateKernels kUpdateKernelsAvx512 = {avx512::sgld,     avx512::chen,  avx512::ma,
                                            avx512::resample, avx512::psgld, avx512::sgnht};
}  // namespace bnn::update
