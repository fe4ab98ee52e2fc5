// The samplers' update passes for the baseline level: plain loops (GCC vectorises them with
// SSE2). Without fused multiply-adds every product and sum is rounded on its own.
#include <cstdint>

#include "samplers/update_kernels.h"

namespace bnn::baseline {
namespace {

// 1 when x is NaN or ±Inf (bit test; vectorises, unlike a float comparison reduction).
inline uint32_t nonFinite(float x) {
  uint32_t u;
  __builtin_memcpy(&u, &x, sizeof u);
  return (u & 0x7F800000u) == 0x7F800000u;
}

uint32_t sgld(float* __restrict theta, const float* __restrict g, const float* __restrict xi, int64_t n,
              float scale, float prec, float h, float sigma) {
  uint32_t bad = 0;
  for (int64_t j = 0; j < n; ++j) {
    const float ghat = scale * g[j] - prec * theta[j];
    theta[j] += h * ghat + sigma * xi[j];
    bad |= nonFinite(theta[j]);
  }
  return bad;
}

template <bool kMoveNext>
uint32_t chenPass(float* __restrict theta, float* __restrict p, const float* __restrict g,
                  const float* __restrict xi, int64_t n, float scale, float prec, float h, float decay,
                  float sigma) {
  uint32_t bad = 0;
  for (int64_t j = 0; j < n; ++j) {
    const float ghat = scale * g[j] - prec * theta[j];
    p[j] = decay * p[j] + h * ghat + sigma * xi[j];
    if constexpr (kMoveNext) theta[j] += p[j];
    bad |= nonFinite(p[j]) | nonFinite(theta[j]);
  }
  return bad;
}

uint32_t chen(float* theta, float* p, const float* g, const float* xi, int64_t n, float scale, float prec,
              float h, float decay, float sigma, bool moveNext) {
  return moveNext ? chenPass<true>(theta, p, g, xi, n, scale, prec, h, decay, sigma)
                  : chenPass<false>(theta, p, g, xi, n, scale, prec, h, decay, sigma);
}

uint32_t ma(float* __restrict theta, float* __restrict p, const float* __restrict g,
            const float* __restrict xi, int64_t n, float scale, float prec, float h, float decay,
            float sigma) {
  uint32_t bad = 0;
  for (int64_t j = 0; j < n; ++j) {
    const float ghat = scale * g[j] - prec * theta[j];
    theta[j] += h * p[j];
    p[j] = decay * p[j] + h * ghat + sigma * xi[j];
    bad |= nonFinite(p[j]) | nonFinite(theta[j]);
  }
  return bad;
}

void resample(float* __restrict theta, float* __restrict p, int64_t n, float scale, bool move) {
  for (int64_t j = 0; j < n; ++j) p[j] *= scale;
  if (move)
    for (int64_t j = 0; j < n; ++j) theta[j] += p[j];
}

uint32_t psgld(float* __restrict theta, float* __restrict v, const float* __restrict g,
               const float* __restrict xi, int64_t n, float scale, float prec, float invn, float a, float c,
               float lambda, float h, float sigma) {
  uint32_t bad = 0;
  for (int64_t j = 0; j < n; ++j) {
    const float gb = g[j] * invn;
    v[j] = a * v[j] + c * (gb * gb);
    const float G = 1.0f / (lambda + __builtin_sqrtf(v[j]));
    const float ghat = scale * g[j] - prec * theta[j];
    theta[j] += (h * G) * ghat + (sigma * __builtin_sqrtf(G)) * xi[j];
    bad |= nonFinite(theta[j]) | nonFinite(v[j]);
  }
  return bad;
}

uint32_t sgnht(float* __restrict theta, float* __restrict p, const float* __restrict g,
               const float* __restrict xi, int64_t n, float scale, float prec, float h, float decay,
               float sigma, float* psq) {
  float lane[16] = {};
  uint32_t bad = 0;
  for (int64_t j = 0; j < n; ++j) {
    const float ghat = scale * g[j] - prec * theta[j];
    p[j] = decay * p[j] + h * ghat + sigma * xi[j];
    theta[j] += h * p[j];
    lane[j % 16] += p[j] * p[j];
    bad |= nonFinite(p[j]) | nonFinite(theta[j]);
  }
  // The tree of _mm512_reduce_add_ps: upper + lower half, twice, then pairs.
  float t8[8], t4[4];
  for (int i = 0; i < 8; ++i) t8[i] = lane[i + 8] + lane[i];
  for (int i = 0; i < 4; ++i) t4[i] = t8[i + 4] + t8[i];
  *psq = (t4[2] + t4[0]) + (t4[3] + t4[1]);
  return bad;
}

}  // namespace
}  // namespace bnn::baseline

namespace bnn::update {
const UpdateKernels kUpdateKernelsBaseline = {baseline::sgld,     baseline::chen,  baseline::ma,
                                              baseline::resample, baseline::psgld, baseline::sgnht};
}  // namespace bnn::update
