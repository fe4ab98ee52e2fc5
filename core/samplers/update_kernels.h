#pragma once
// The samplers' fused update passes over one block of parameters, one table per instruction-set
// level (util/cpu_features.h): update_kernels_avx512.cpp, _avx2.cpp and _baseline.cpp each fill
// one, compiled with their own flags.
//
// With ĝ = scale g - prec θ, each is one pass over restrict-qualified arrays (they never overlap);
// the vector levels fuse the products exactly as written below (fma(a, b, c) = a b + c rounded
// once), so avx512 and avx2 give identical bits; baseline rounds every product and sum.
// The passes return non-zero when a value they wrote is NaN or ±Inf.
//
// This header is included by the level translation units: it must stay free of inline code.
#include <cstdint>

namespace bnn {
enum class KernelLevel : int;
}

namespace bnn::update {

struct UpdateKernels {
  /// SGLD: ĝ = fma(scale, g, -(prec θ)); θ = θ + fma(h, ĝ, sigma ξ).
  uint32_t (*sgld)(float* theta, const float* g, const float* xi, int64_t n, float scale, float prec, float h,
                   float sigma);
  /// SGHMC, Chen form: p = fma(sigma, ξ, fma(decay, p, h ĝ)); then θ = θ + p when `moveNext`.
  uint32_t (*chen)(float* theta, float* p, const float* g, const float* xi, int64_t n, float scale,
                   float prec, float h, float decay, float sigma, bool moveNext);
  /// SGHMC, Ma form (ĝ at the old θ): θ = fma(h, p, θ); p = fma(sigma, ξ, fma(decay, p, h ĝ)).
  uint32_t (*ma)(float* theta, float* p, const float* g, const float* xi, int64_t n, float scale, float prec,
                 float h, float decay, float sigma);
  /// Fresh momentum from normals already in p: p = scale p; then θ = θ + p when `move`.
  void (*resample)(float* theta, float* p, int64_t n, float scale, bool move);
  /// pSGLD (RMSprop preconditioner, ḡ = invn g the mean minibatch gradient, c = 1 - a):
  /// V = fma(a, V, c (ḡ ḡ)); G = 1 / (λ + sqrt V); θ = θ + fma(h G, ĝ, (sigma sqrt G) ξ).
  uint32_t (*psgld)(float* theta, float* v, const float* g, const float* xi, int64_t n, float scale,
                    float prec, float invn, float a, float c, float lambda, float h, float sigma);
  /// SGNHT inner step (decay = 1 - ζ h): p = fma(sigma, ξ, fma(decay, p, h ĝ)); θ = fma(h, p, θ).
  /// *psq = Σ p² over the block (the new p): element j accumulates into lane j % 16 with
  /// fma(p, p, lane) (baseline: lane + p p), then the lanes are added in the tree of
  /// _mm512_reduce_add_ps. `n` counts from a multiple of 16.
  uint32_t (*sgnht)(float* theta, float* p, const float* g, const float* xi, int64_t n, float scale,
                    float prec, float h, float decay, float sigma, float* psq);
};

/// The table of `level` (which must be supported by this CPU).
const UpdateKernels& updateKernels(KernelLevel level);
/// The table of the active level.
const UpdateKernels& updateKernels();

extern const UpdateKernels kUpdateKernelsAvx512;
extern const UpdateKernels kUpdateKernelsAvx2;
extern const UpdateKernels kUpdateKernelsBaseline;

}  // namespace bnn::update
