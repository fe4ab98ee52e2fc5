#include "util/random_stream.h"

#include <cassert>
#include <cstring>

#include "util/philox.h"
#include "util/vector_math.h"

namespace bnn {

void RandomStream::bits(uint64_t draw, uint64_t index, uint32_t out[4]) const {
  const auto b = Philox4x32::generate({static_cast<uint32_t>(index), static_cast<uint32_t>(index >> 32),
                                       static_cast<uint32_t>(draw), static_cast<uint32_t>(draw >> 32)},
                                      static_cast<uint32_t>(m_key), static_cast<uint32_t>(m_key >> 32));
  out[0] = b[0];
  out[1] = b[1];
  out[2] = b[2];
  out[3] = b[3];
}

// Whole batches of 64 straight into `out`; a last partial batch through a buffer. The generator
// of the active kernel level does the work (util/vector_math.h describes the batches).
void RandomStream::normals(uint64_t draw, int64_t offset, int64_t n, float* out) const {
  constexpr int64_t kBatch = vmath::kNormalBatch;
  assert(offset % kBatch == 0);
  const vmath::VectorMathKernels& K = vmath::vectorMath();
  const uint64_t first = static_cast<uint64_t>(offset / kBatch);
  const int64_t whole = n / kBatch;
  if (whole > 0) K.normalBatches(first, whole, draw, m_key, out);
  if (const int64_t rest = n - whole * kBatch; rest > 0) {
    float vals[kBatch];
    K.normalBatches(first + static_cast<uint64_t>(whole), 1, draw, m_key, vals);
    std::memcpy(out + whole * kBatch, vals, static_cast<size_t>(rest) * sizeof(float));
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
