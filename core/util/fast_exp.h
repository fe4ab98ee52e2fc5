#pragma once
// exp of non-positive floats (log-probabilities and shifted logits) by a polynomial:
// 2^n * P(r), relative error below 2e-7, exactly 0 below -87. The scalar form and the vector
// forms of every kernel level give identical bits. Pure functions; thread-safe.

#include <cstdint>

namespace bnn {

float expNonPositive(float x);
/// out[j] = expNonPositive(x[j]) for j < n; x and out may be the same array.
void expTile(const float* x, float* out, int64_t n);

}  // namespace bnn
