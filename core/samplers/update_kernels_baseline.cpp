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

}  // namespace
}  // namespace bnn::baseline

namespace bnn::update {
const UpdateKernels kUpdateKernelsBaseline = {baseline::sgld, baseline::chen, baseline::ma,
                                              baseline::resample};
}  // namespace bnn::update
