#pragma once
// The MLP's inner loops, one table of them per instruction-set level (util/cpu_features.h):
// kernels_avx512.cpp, kernels_avx2.cpp and kernels_baseline.cpp each fill one, compiled with their
// own flags. Callers take the active table once per pass (nnKernels()) and call through it.
//
// Every sum runs in a fixed order, so results do not depend on how rows or columns are split
// among threads, and the avx512 and avx2 tables give identical bits: lane-parallel sums keep the
// same per-element order of fused multiply-adds, and the one horizontal sum (outputLogits) emulates
// the 16-lane tree with two 8-lane halves. The baseline table agrees to float rounding.
//
// This header is included by the level translation units: it must stay free of inline code.
#include <cstdint>

namespace bnn {
enum class KernelLevel : int;
}

namespace bnn::kernels {

/// Columns of the first layer per block (4 AVX-512 registers; a fixed partition of the work).
constexpr int kColBlock = 64;

/// Epilogues of NnKernels::denseBlock.
constexpr int kDenseNone = 0, kDenseRelu = 1, kDenseMask = 2;

struct NnKernels {
  // ---- first layer over column groups (see nn/sparse_batch.h) ------------------------------

  /// Forward: for each listed image e, out[rows[e], c0 .. c0+width) += Σ_j vals[4e + j] *
  /// W[j, c0 .. c0+width) (j < wRows, in pixel order, one fused multiply-add each).
  void (*groupForward)(const uint32_t* rows, const float* vals, int64_t n, const float* W, int64_t ldw,
                       int wRows, float* out, int64_t ldo, int c0, int width);

  /// Starts a forward tile: Z[i, c0 .. c0+width) = b[c0 .. c0+width) for rows [i0, i1), width <= kColBlock.
  void (*biasRows)(float* Z, int64_t ldz, int64_t i0, int64_t i1, const float* b, int c0, int width);
  /// Ends a forward tile of a hidden layer: Z = max(Z, 0) on the same block.
  void (*reluRows)(float* Z, int64_t ldz, int64_t i0, int64_t i1, int c0, int width);

  /// Weight gradient: out[j, c0 .. c0+width) = Σ_e vals[4e + j] * M[rows[e], c0 .. c0+width) for
  /// j < outRows, the entries in order.
  void (*groupGradient)(const uint32_t* rows, const float* vals, int64_t n, const float* M, int64_t ldm,
                        float* out, int64_t ldo, int outRows, int c0, int width);

  /// Bias gradient: out[c] = Σ_{i < rows} M[i, c] for c in [c0, c1), rows in order.
  void (*columnSums)(const float* M, int64_t ldm, int64_t rows, int c0, int c1, float* out);

  // ---- output layer (in inputs -> k classes; WT is its weight matrix transposed, k x in) -----

  /// Z[i, c] = b[c] + Σ_j A[i, j] WT[c, j] for rows [r0, r1) (A row stride lda, Z row stride k).
  /// The sum over j runs in 16 lanes (j mod 16), then the lanes are added in a fixed tree.
  void (*outputLogits)(const float* A, int64_t lda, int64_t r0, int64_t r1, int in, const float* WT,
                       const float* b, int k, float* Z);

  /// Back-propagation into a ReLU layer: dA[i, j] = [A[i, j] > 0] Σ_c dZ[i, c] WT[c, j] for rows
  /// [r0, r1) (A and dA row stride lda, dZ row stride k).
  void (*reluDelta)(const float* dZ, int k, const float* WT, const float* A, int64_t lda, int in, int64_t r0,
                    int64_t r1, float* dA);

  /// Output weight gradient for inputs [j0, j1): gW[j, c] = Σ_{i < rows} A[i, j] dZ[i, c], rows in
  /// order (gW is in x k, row-major).
  void (*outputWeightGradient)(const float* A, int64_t lda, int64_t rows, const float* dZ, int k, int j0,
                               int j1, float* gW);

  // ---- dense layers (hidden to hidden: forward, weight gradient, back-propagation) ----------

  /// One block of a dense product: for rows r in [r0, r1) and columns c in [c0, c0 + width),
  /// width <= kColBlock,
  ///   C[r * ldc + c] = init(c) + Σ_{k < depth} L[r * lrs + k * lks] * B[k * ldb + c],
  /// init(c) = bias[c] (0 when bias is null), one fused multiply-add per k in increasing k (the
  /// baseline level: a product, then an addition). Then `epilogue`: kDenseNone, kDenseRelu
  /// (C = max(C, 0)) or kDenseMask (C = M[r * ldm + c] > 0 ? C : 0, the ReLU derivative).
  /// The left operand's strides give both L (lrs = row length, lks = 1) and its transpose
  /// (lrs = 1, lks = row length): forward Z = A W + b, weight gradient A^T dZ, delta dZ W^T.
  void (*denseBlock)(const float* L, int64_t lrs, int64_t lks, int64_t r0, int64_t r1, int depth,
                     const float* B, int64_t ldb, const float* bias, const float* M, int64_t ldm,
                     int epilogue, float* C, int64_t ldc, int c0, int width);

  // ---- minibatch gather (nn/sparse_batch.cpp) ----------------------------------------------

  /// Lists the non-zero four-pixel words of images [0, count) (each `groups` words, row-major in
  /// `words`), image by image: for word g of image i, entry e = next[g]++ gets groupRow[e] = i and
  /// groupValues[4e .. 4e+3] = the four bytes / 255.
  void (*listGroups)(const uint32_t* words, int64_t count, int groups, int64_t* next, uint32_t* groupRow,
                     float* groupValues);
};

/// The table of `level` (which must be supported by this CPU).
const NnKernels& nnKernels(KernelLevel level);
/// The table of the active level.
const NnKernels& nnKernels();

extern const NnKernels kNnKernelsAvx512;
extern const NnKernels kNnKernelsAvx2;
extern const NnKernels kNnKernelsBaseline;

}  // namespace bnn::kernels
