#pragma once
// Deterministic random streams for a chain. A RandomStream is identified by a 64-bit key; the
// d-th "draw" of a vector of normals is a pure function of (key, d, index), so a vector can be
// filled in parallel blocks with identical results for any thread count.
// Value type; const methods are thread-safe.

#include <cstdint>

namespace bnn {

class RandomStream {
 public:
  RandomStream() = default;
  explicit RandomStream(uint64_t key) : m_key(key) {}
  uint64_t key() const { return m_key; }

  /// Standard normals z[i] for global indices [offset, offset + n) of draw `draw`.
  /// `offset` must be a multiple of 64. Box-Muller on Philox output (util/vector_math.h), computed
  /// by the active kernel level.
  void normals(uint64_t draw, int64_t offset, int64_t n, float* out) const;

  /// Uniform integers in [0, bound) for positions [offset, offset + n) of draw `draw`.
  void uniformInts(uint64_t draw, int64_t offset, int64_t n, uint32_t bound, uint32_t* out) const;

  /// Four uniform 32-bit words for (draw, index).
  void bits(uint64_t draw, uint64_t index, uint32_t out[4]) const;

 private:
  uint64_t m_key = 0;
};

}  // namespace bnn
