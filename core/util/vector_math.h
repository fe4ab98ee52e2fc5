#pragma once
// Vector maths of the hot paths, one table per instruction-set level (util/cpu_features.h):
// vector_math_avx512.cpp, vector_math_avx2.cpp and vector_math_baseline.cpp each fill one,
// compiled with their own flags. Used through RandomStream::normals, expTile (util/fast_exp.h)
// and the benchmark's peak measurement.
//
// The avx512 and avx2 levels give identical bits (the same operations lane by lane); the baseline
// level computes the same formulas without fused multiply-adds (normals agree to float rounding;
// expTile gives the same bits, through the C library's fma).
//
// This header is included by the level translation units: it must stay free of inline code.
#include <cstdint>

namespace bnn {
enum class KernelLevel : int;
}

namespace bnn::vmath {

/// Normals per batch: batch g of a draw holds the normals of global indices 64g .. 64g+63.
constexpr int kNormalBatch = 64;

struct VectorMathKernels {
  /// Standard normals of batches [first, first + count) of draw `draw` of the stream `key`
  /// (64 per batch, into out[0 .. 64 count)). Batch g uses Philox4x32-10 blocks 16g .. 16g+15
  /// (counter = block index, draw; key = the stream key); normal j of the batch comes from block
  /// 16g + (j % 16): j / 16 = 0, 1 are the cosine and sine of the Box-Muller pair made of words 0
  /// and 1, j / 16 = 2, 3 those of words 2 and 3. Log, sine and cosine are polynomials
  /// (relative error of log below 2e-7, absolute of sin/cos below 2e-7).
  void (*normalBatches)(uint64_t first, int64_t count, uint64_t draw, uint64_t key, float* out);

  /// out[j] = exp(x[j]) for x[j] <= 0 (util/fast_exp.h); x and out may be the same array.
  void (*expTile)(const float* x, float* out, int64_t n);

  /// Runs `iters` rounds of independent multiply-add chains in registers, the widest this level
  /// has; returns the floating-point operations executed (for the benchmark's peak).
  double (*fmaPeak)(int64_t iters);
};

/// The table of `level` (which must be supported by this CPU).
const VectorMathKernels& vectorMath(KernelLevel level);
/// The table of the active level.
const VectorMathKernels& vectorMath();

extern const VectorMathKernels kVectorMathAvx512;
extern const VectorMathKernels kVectorMathAvx2;
extern const VectorMathKernels kVectorMathBaseline;

}  // namespace bnn::vmath
