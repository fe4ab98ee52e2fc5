#include "util/fast_exp.h"

#include <algorithm>
#include <cmath>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace bnn {

// exp(x) for x <= 0 in float: 2^n * P(r) with r = x - n ln 2 (Cephes polynomial), relative
// error below 2e-7, 0 below -87. Written with explicit fused multiply-adds in the same order
// as the AVX-512 version below, so both give identical bits.
float expNonPositive(float x) {
  if (!(x >= -87.0f)) return 0.0f;  // underflow (and NaN-safe): contributes nothing
  const float n = std::nearbyint(x * 1.44269504088896341f);
  const float r = std::fma(n, 2.12194440e-4f, std::fma(-n, 0.693359375f, x));
  float p = 1.9875691500e-4f;
  p = std::fma(p, r, 1.3981999507e-3f);
  p = std::fma(p, r, 8.3334519073e-3f);
  p = std::fma(p, r, 4.1665795894e-2f);
  p = std::fma(p, r, 1.6666665459e-1f);
  p = std::fma(p, r, 5.0000001201e-1f);
  p = std::fma(p * r, r, r + 1.0f);
  return std::ldexp(p, static_cast<int>(n));
}

// out[j] = exp(x[j]) for x <= 0, sixteen at a time with AVX-512 (same polynomial).
void expTile(const float* x, float* out, int64_t n) {
  int64_t j = 0;
#if defined(__AVX512F__)
  for (; j + 16 <= n; j += 16) {
    const __m512 raw = _mm512_loadu_ps(x + j);
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
    _mm512_storeu_ps(out + j, _mm512_maskz_mov_ps(inRange, _mm512_scalef_ps(p, nn)));  // p * 2^n
  }
#endif
  for (; j < n; ++j) out[j] = expNonPositive(x[j]);
}

}  // namespace bnn
