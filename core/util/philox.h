#pragma once
// Counter-based random numbers (Philox4x32-10, Salmon et al. 2011). Every value is a pure
// function of (key, counter): any thread can fill any part of a stream, so results do not
// depend on how work is split between threads. Header-only, no state, thread-safe.

#include <array>
#include <cstdint>

namespace bnn {

struct Philox4x32 {
  using Block = std::array<uint32_t, 4>;

  static inline Block generate(Block ctr, uint32_t k0, uint32_t k1) {
    for (int r = 0; r < 10; ++r) {
      const uint64_t p0 = uint64_t{0xD2511F53u} * ctr[0];
      const uint64_t p1 = uint64_t{0xCD9E8D57u} * ctr[2];
      const uint32_t hi0 = static_cast<uint32_t>(p0 >> 32), lo0 = static_cast<uint32_t>(p0);
      const uint32_t hi1 = static_cast<uint32_t>(p1 >> 32), lo1 = static_cast<uint32_t>(p1);
      ctr = {hi1 ^ ctr[1] ^ k0, lo1, hi0 ^ ctr[3] ^ k1, lo0};
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    return ctr;
  }
};

/// Derives a 64-bit stream key from (run seed, stream id): SplitMix64 finaliser of both.
inline uint64_t streamKey(uint64_t seed, uint64_t stream) {
  uint64_t z = seed * 0x9E3779B97F4A7C15ull + stream * 0xD1B54A32D192ED03ull + 0x632BE59BD9B4E019ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// Uniform float in (0, 1] from 32 random bits (24-bit resolution, never 0).
inline float uniformOpen0(uint32_t bits) {
  return static_cast<float>((bits >> 8) + 1) * (1.0f / 16777216.0f);
}

}  // namespace bnn
