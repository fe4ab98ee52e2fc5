#pragma once
// Optional bfloat16 first layer for test-set evaluation only (gradients and the chain always stay
// float32, so the samples are identical whichever precision the read-out uses).
//
// Pixels are paired (2q, 2q+1) and both values kept as integers 0..255, which bfloat16 holds
// exactly; W1 / 255 is rounded to bfloat16 (relative error at most 2^-9) with the two rows of a
// pair interleaved, so one AVX512-BF16 dot-product instruction (vdpbf16ps) handles two pixels and
// accumulates in float32. A pair is listed when either pixel is non-zero: on MNIST 88 pairs per
// image against 151 non-zero pixels, and half the bytes per weight, so the first layer streams
// about 0.29 of the float32 kernel's bytes.
#include <cstdint>
#include <vector>

#include "data/dataset.h"

namespace bnn {

/// True when this CPU executes AVX512-BF16 (checked at run time; the kernel is compiled for it
/// whatever the build's -march).
bool cpuHasBf16();

/// Images as lists of non-zero pixel pairs: pair q covers pixels 2q and 2q+1; value = the two
/// pixels as bfloat16 (low half: pixel 2q).
struct PairedImages {
  int64_t rows = 0;
  int pairsPerImage = 0;
  std::vector<int64_t> rowPtr;
  std::vector<uint16_t> pairIdx;
  std::vector<uint32_t> pairVal;

  void gatherRange(const ImageSet& set, int64_t first, int64_t count);
};

/// bfloat16(W1 / 255) with the rows of each pixel pair interleaved:
/// w[(q * stride + c) * 2 + j] = bf16(W1[2q + j, c] / 255), zero beyond the input or width.
/// The stride (in pairs of values) is the width rounded up to the column block plus one cache
/// line: a power-of-two stride would map every row to the same few L1 sets.
struct PackedFirstLayer {
  int inputs = 0, width = 0, stride = 0;
  std::vector<uint16_t> w;

  /// Packs W1 (inputs x width, row-major float32). Runs in parallel blocks.
  void pack(const float* W1, int inputs, int width);
};

/// out[i, c] = bias[c] + Σ_pairs ... for every image (row-major rows x width; ReLU when `relu`).
/// Requires cpuHasBf16().
void bf16FirstLayer(const PackedFirstLayer& w, const PairedImages& x, const float* bias, float* out,
                    bool relu);

/// Round to nearest even, as the hardware conversion does (finite inputs).
uint16_t toBf16(float f);
float fromBf16(uint16_t b);

}  // namespace bnn
