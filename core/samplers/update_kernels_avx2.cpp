// The samplers' update passes for the avx2 level: 8 floats at a time, the last partial vector
// through masked loads and stores. The same operations lane by lane as the avx512 level. Compiled
// with the AVX2 flags: helpers in bnn::avx2, entered only through kUpdateKernelsAvx2.
#include <immintrin.h>

#include <cstdint>

#include "samplers/update_kernels.h"

namespace bnn::avx2 {
namespace {

// Mask vector of lanes [0, rem), rem clamped to 8.
inline __m256i tailMask(int64_t rem) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(rem > 8 ? 8 : rem)),
                            _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0));
}

// Bit per lane whose float is NaN or ±Inf (all exponent bits set).
inline uint32_t nonFinite(__m256 v) {
  const __m256i e = _mm256_set1_epi32(0x7F800000);
  return static_cast<uint32_t>(_mm256_movemask_ps(
      _mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_and_si256(_mm256_castps_si256(v), e), e))));
}

// Full vectors load and store directly; the last partial one through masks (its lanes beyond n
// read zero, are not written and do not count as non-finite).
struct Full {
  void store(float* p, __m256 v) const { _mm256_storeu_ps(p, v); }
  __m256 load(const float* p) const { return _mm256_loadu_ps(p); }
  uint32_t live() const { return 0xFFu; }
};
struct Tail {
  __m256i m;
  uint32_t bits;
  __m256 load(const float* p) const { return _mm256_maskload_ps(p, m); }
  void store(float* p, __m256 v) const { _mm256_maskstore_ps(p, m, v); }
  uint32_t live() const { return bits; }
};

// Runs body(j, access) over [0, n) in vectors of 8, the last one masked.
template <class F>
inline void forVectors(int64_t n, const F& body) {
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) body(j, Full{});
  if (j < n) body(j, Tail{tailMask(n - j), (1u << (n - j)) - 1u});
}

// The horizontal sum of the avx512 level's 16 lanes (lo = lanes 0-7, hi = 8-15) in the tree of
// _mm512_reduce_add_ps, as nn/kernels_avx2.cpp spells it.
inline float sum16(__m256 lo, __m256 hi) {
  const __m256 t3 = _mm256_add_ps(hi, lo);
  const __m128 t6 = _mm_add_ps(_mm256_extractf128_ps(t3, 1), _mm256_castps256_ps128(t3));
  const __m128 t8 = _mm_add_ps(t6, _mm_shuffle_ps(t6, t6, _MM_SHUFFLE(1, 0, 3, 2)));
  return _mm_cvtss_f32(_mm_add_ss(t8, _mm_shuffle_ps(t8, t8, _MM_SHUFFLE(1, 1, 1, 1))));
}

inline __m256 ghat(__m256 g, __m256 theta, __m256 scale, __m256 prec) {
  return _mm256_fmsub_ps(scale, g, _mm256_mul_ps(prec, theta));
}

uint32_t sgld(float* theta, const float* g, const float* xi, int64_t n, float scale, float prec, float h,
              float sigma) {
  const __m256 vs = _mm256_set1_ps(scale), vp = _mm256_set1_ps(prec), vh = _mm256_set1_ps(h),
               vsig = _mm256_set1_ps(sigma);
  uint32_t bad = 0;
  forVectors(n, [&](int64_t j, const auto& a) {
    const __m256 t = a.load(theta + j);
    const __m256 gh = ghat(a.load(g + j), t, vs, vp);
    const __m256 t1 = _mm256_add_ps(t, _mm256_fmadd_ps(vh, gh, _mm256_mul_ps(vsig, a.load(xi + j))));
    a.store(theta + j, t1);
    bad |= nonFinite(t1) & a.live();
  });
  return bad;
}

template <bool kMoveNext>
uint32_t chenPass(float* theta, float* p, const float* g, const float* xi, int64_t n, float scale, float prec,
                  float h, float decay, float sigma) {
  const __m256 vs = _mm256_set1_ps(scale), vp = _mm256_set1_ps(prec), vh = _mm256_set1_ps(h),
               vd = _mm256_set1_ps(decay), vsig = _mm256_set1_ps(sigma);
  uint32_t bad = 0;
  forVectors(n, [&](int64_t j, const auto& a) {
    const __m256 t = a.load(theta + j);
    const __m256 gh = ghat(a.load(g + j), t, vs, vp);
    const __m256 p1 =
        _mm256_fmadd_ps(vsig, a.load(xi + j), _mm256_fmadd_ps(vd, a.load(p + j), _mm256_mul_ps(vh, gh)));
    a.store(p + j, p1);
    uint32_t b = nonFinite(p1);
    if constexpr (kMoveNext) {
      const __m256 t1 = _mm256_add_ps(t, p1);
      a.store(theta + j, t1);
      b |= nonFinite(t1);
    } else {
      b |= nonFinite(t);
    }
    bad |= b & a.live();
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
  const __m256 vs = _mm256_set1_ps(scale), vp = _mm256_set1_ps(prec), vh = _mm256_set1_ps(h),
               vd = _mm256_set1_ps(decay), vsig = _mm256_set1_ps(sigma);
  uint32_t bad = 0;
  forVectors(n, [&](int64_t j, const auto& a) {
    const __m256 t = a.load(theta + j);
    const __m256 p0 = a.load(p + j);
    const __m256 gh = ghat(a.load(g + j), t, vs, vp);
    const __m256 t1 = _mm256_fmadd_ps(vh, p0, t);
    const __m256 p1 = _mm256_fmadd_ps(vsig, a.load(xi + j), _mm256_fmadd_ps(vd, p0, _mm256_mul_ps(vh, gh)));
    a.store(theta + j, t1);
    a.store(p + j, p1);
    bad |= (nonFinite(p1) | nonFinite(t1)) & a.live();
  });
  return bad;
}

void resample(float* theta, float* p, int64_t n, float scale, bool move) {
  const __m256 vs = _mm256_set1_ps(scale);
  forVectors(n, [&](int64_t j, const auto& a) {
    const __m256 p1 = _mm256_mul_ps(a.load(p + j), vs);
    a.store(p + j, p1);
    if (move) a.store(theta + j, _mm256_add_ps(a.load(theta + j), p1));
  });
}

uint32_t psgld(float* theta, float* v, const float* g, const float* xi, int64_t n, float scale, float prec,
               float invn, float a, float c, float lambda, float h, float sigma) {
  const __m256 vs = _mm256_set1_ps(scale), vp = _mm256_set1_ps(prec), vinv = _mm256_set1_ps(invn),
               va = _mm256_set1_ps(a), vc = _mm256_set1_ps(c), vl = _mm256_set1_ps(lambda),
               vh = _mm256_set1_ps(h), vsig = _mm256_set1_ps(sigma), one = _mm256_set1_ps(1.0f);
  uint32_t bad = 0;
  forVectors(n, [&](int64_t j, const auto& acc) {
    const __m256 t = acc.load(theta + j);
    const __m256 gv = acc.load(g + j);
    const __m256 gb = _mm256_mul_ps(gv, vinv);
    const __m256 v1 = _mm256_fmadd_ps(va, acc.load(v + j), _mm256_mul_ps(vc, _mm256_mul_ps(gb, gb)));
    const __m256 G = _mm256_div_ps(one, _mm256_add_ps(vl, _mm256_sqrt_ps(v1)));
    const __m256 gh = ghat(gv, t, vs, vp);
    const __m256 noise = _mm256_mul_ps(_mm256_mul_ps(vsig, _mm256_sqrt_ps(G)), acc.load(xi + j));
    const __m256 t1 = _mm256_add_ps(t, _mm256_fmadd_ps(_mm256_mul_ps(vh, G), gh, noise));
    acc.store(v + j, v1);
    acc.store(theta + j, t1);
    bad |= (nonFinite(t1) | nonFinite(v1)) & acc.live();
  });
  return bad;
}

uint32_t sgnht(float* theta, float* p, const float* g, const float* xi, int64_t n, float scale, float prec,
               float h, float decay, float sigma, float* psq) {
  const __m256 vs = _mm256_set1_ps(scale), vp = _mm256_set1_ps(prec), vh = _mm256_set1_ps(h),
               vd = _mm256_set1_ps(decay), vsig = _mm256_set1_ps(sigma);
  // Lanes 0-7 and 8-15 of the avx512 level's accumulator: element j goes to lane j % 16.
  __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();
  uint32_t bad = 0;
  forVectors(n, [&](int64_t j, const auto& a) {
    const __m256 t = a.load(theta + j);
    const __m256 gh = ghat(a.load(g + j), t, vs, vp);
    const __m256 p1 =
        _mm256_fmadd_ps(vsig, a.load(xi + j), _mm256_fmadd_ps(vd, a.load(p + j), _mm256_mul_ps(vh, gh)));
    const __m256 t1 = _mm256_fmadd_ps(vh, p1, t);
    a.store(p + j, p1);
    a.store(theta + j, t1);
    if ((j & 8) == 0)
      lo = _mm256_fmadd_ps(p1, p1, lo);  // lanes past n hold p1 = 0
    else
      hi = _mm256_fmadd_ps(p1, p1, hi);
    bad |= (nonFinite(p1) | nonFinite(t1)) & a.live();
  });
  *psq = sum16(lo, hi);
  return bad;
}

}  // namespace
}  // namespace bnn::avx2

namespace bnn::update {
const UpdateKernels kUpdateKernelsAvx2 = {avx2::sgld,     avx2::chen,  avx2::ma,
                                          avx2::resample, avx2::psgld, avx2::sgnht};
}  // namespace bnn::update
