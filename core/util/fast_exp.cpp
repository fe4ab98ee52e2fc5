#include "util/fast_exp.h"

#include <algorithm>
#include <cmath>

#include "util/vector_math.h"

namespace bnn {

// exp(x) for x <= 0 in float: 2^n * P(r) with r = x - n ln 2 (Cephes polynomial), relative
// error below 2e-7, 0 below -87. Written with explicit fused multiply-adds in the same order
// as the vector versions (util/vector_math_*.cpp), so all give identical bits.
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

// By the active kernel level (util/vector_math.h): the same polynomial, 16 or 8 lanes at a time.
void expTile(const float* x, float* out, int64_t n) { vmath::vectorMath().expTile(x, out, n); }

}  // namespace bnn
