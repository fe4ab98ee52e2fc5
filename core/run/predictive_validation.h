#pragma once
// Checks the arrays of a stored posterior predictive (a saved run, or anything else that
// hands such arrays over: evaluation or merging of runs) for values that cannot occur, before
// anything is computed from them. Pure functions; thread-safe.
//
// With S samples, N images and K classes, every accumulated sample adds, per image, one vote,
// probabilities p_s(k) in [0, 1] that sum to 1, and Σ_k p_s log p_s in [-log K, 0]. Hence:
//   votes        each row sums to exactly S
//   sum_plogp    finite, in [-S log K, 0]                                  (0 when S = 0)
//   log_sum      log Σ_s p_s(k): finite, at most log S, Σ_k exp(.) = S     (-inf when S = 0)
//   predictive   p̄ = exp(log_sum) / S, in [0, 1]                          (NaN when S = 0)
//   labels       0 .. K-1
// Sums and bounds involving the network's float32 probabilities are checked with a relative
// tolerance of 1e-3 (float rounding of large logits), far below any real inconsistency.

#include <cstdint>
#include <string>

#include "util/error.h"

namespace bnn {

/// Views of the arrays to check (row-major; null pointers for arrays not present).
struct PredictiveArrays {
  int64_t images = 0;                // N
  int classes = 0;                   // K
  int64_t samples = 0;               // S
  const double* logSum = nullptr;    // N x K
  const double* sumPLogP = nullptr;  // N
  const uint32_t* votes = nullptr;   // N x K
  const float* mean = nullptr;       // N x K, p̄
  const uint8_t* labels = nullptr;   // N
};

/// Names of the arrays' files (or other sources) used in errors.
struct PredictiveSources {
  std::string logSum = "log_sum.npy";
  std::string sumPLogP = "sum_plogp.npy";
  std::string votes = "votes.npy";
  std::string mean = "predictive.npy";
  std::string labels = "test_labels.npy";
};

/// Relative tolerance of the checks on sums of probabilities (see above).
inline constexpr double kPredictiveTolerance = 1e-3;

/// okStatus, or the first impossible value: BadValue (LabelOutOfRange for labels) naming the
/// source, the image (row) and class, the value found and what was expected.
Status validatePredictiveArrays(const PredictiveArrays& a, const PredictiveSources& sources = {});

}  // namespace bnn
