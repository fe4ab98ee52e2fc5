#include "util/random_stream.h"

#include <cassert>
#include <cmath>

#include "util/philox.h"

namespace bnn {

namespace {

// Box-Muller with float arithmetic: (u1, u2) in (0,1] -> two independent N(0,1).
// Computed in a fixed-size batch so the compiler can vectorise the transcendental parts.
constexpr int kBatch = 64;  // normals per batch (16 Philox blocks)

inline void boxMuller(const uint32_t* bits, float* out, int pairs) {
  for (int j = 0; j < pairs; ++j) {
    const float u1 = uniformOpen0(bits[2 * j]);
    const float u2 = uniformOpen0(bits[2 * j + 1]);
    const float r = std::sqrt(-2.0f * std::log(u1));
    const float a = 6.28318530717958647692f * u2;
    out[2 * j] = r * std::cos(a);
    out[2 * j + 1] = r * std::sin(a);
  }
}

}  // namespace

void RandomStream::bits(uint64_t draw, uint64_t index, uint32_t out[4]) const {
  const auto b = Philox4x32::generate(
      {static_cast<uint32_t>(index), static_cast<uint32_t>(index >> 32), static_cast<uint32_t>(draw),
       static_cast<uint32_t>(draw >> 32)},
      static_cast<uint32_t>(m_key), static_cast<uint32_t>(m_key >> 32));
  out[0] = b[0]; out[1] = b[1]; out[2] = b[2]; out[3] = b[3];
}

void RandomStream::normals(uint64_t draw, int64_t offset, int64_t n, float* out) const {
  assert(offset % 4 == 0);
  uint32_t bitsBuf[kBatch];
  float vals[kBatch];
  int64_t i = 0;
  while (i < n) {
    const int64_t take = std::min<int64_t>(kBatch, n - i);
    const int blocks = static_cast<int>((take + 3) / 4);
    const uint64_t firstBlock = static_cast<uint64_t>(offset + i) / 4;
    for (int b = 0; b < blocks; ++b) bits(draw, firstBlock + b, bitsBuf + 4 * b);
    boxMuller(bitsBuf, vals, blocks * 2);
    for (int64_t j = 0; j < take; ++j) out[i + j] = vals[j];
    i += take;
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
