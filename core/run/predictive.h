#pragma once
// Streaming posterior predictive over a fixed set of test images (no weights stored).
// For each image i and class k: sum_s p_s(k | x_i) (double; each p_s from its log-probability),
// the exact sample count S, sum_s sum_k p_s log p_s per image (for the entropy split) and the
// vote count of each class (argmax of each sample). p̄ = sum / S, and logSum(i,k) =
// log sum_s p_s(k | x_i) is derived on demand (probabilities below 1e-38 in every sample fall back
// to the largest log-probability seen, a bound within log S of the exact value).
// One chain owns an accumulator and adds to it; copy it to hand it to another thread. Const
// methods may be called from several threads at once.

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace bnn {

class PredictiveAccumulator {
 public:
  PredictiveAccumulator() = default;
  PredictiveAccumulator(int64_t numImages, int numClasses) { reset(numImages, numClasses); }
  PredictiveAccumulator(const PredictiveAccumulator& o);
  PredictiveAccumulator& operator=(const PredictiveAccumulator& o);
  PredictiveAccumulator(PredictiveAccumulator&& o) noexcept;
  PredictiveAccumulator& operator=(PredictiveAccumulator&& o) noexcept;
  void reset(int64_t numImages, int numClasses);

  /// Adds one posterior sample: logProbs is numImages x numClasses, row-major (one row per
  /// image), normalised log-probabilities of that sample.
  void add(const float* logProbs);
  /// The two halves of add(), for filling disjoint row ranges in parallel: addRows for rows
  /// [rowBegin, rowEnd) (logProbs points at row rowBegin), then countSample() once.
  void addRows(const float* logProbs, int64_t rowBegin, int64_t rowEnd);
  void countSample() { ++m_count; }

  int64_t numImages() const { return m_numImages; }
  int numClasses() const { return m_numClasses; }
  int64_t sampleCount() const { return m_count; }

  /// p̄(k | x_i) for all images, row-major numImages x numClasses. Empty when no sample yet.
  std::vector<float> meanProbabilities() const;
  /// Ensemble accuracy: argmax p̄ against labels (NaN when no sample).
  double accuracy(const uint8_t* labels) const;
  /// Mean negative log predictive likelihood -1/N sum_i log p̄(y_i | x_i) in nats.
  double negLogLikelihood(const uint8_t* labels) const;

  /// log sum_s p_s, numImages x numClasses (computed when first asked for after an add).
  const std::vector<double>& logSum() const;
  const std::vector<double>& sumPLogP() const { return m_sumPLogP; }  // numImages
  const std::vector<uint32_t>& votes() const { return m_votes; }      // numImages x numClasses

  /// Restores a saved state (used when reading results back). Sizes must match.
  void restore(int64_t numImages, int numClasses, int64_t count, std::vector<double> logSum,
               std::vector<double> sumPLogP, std::vector<uint32_t> votes);

  /// The exact internal sums (for checkpoints: restore() from log sums is not bit-exact).
  struct State {
    int64_t numImages = 0;
    int numClasses = 0;
    int64_t count = 0;
    std::vector<double> probSum;   // numImages x numClasses
    std::vector<float> maxLog;     // numImages x numClasses
    std::vector<double> sumPLogP;  // numImages
    std::vector<uint32_t> votes;   // numImages x numClasses
  };
  State state() const;
  /// Continues from state(); false (and unchanged) when the sizes do not fit together.
  bool setState(State s);

 private:
  template <class O>
  void assignFrom(O&& o);

  int64_t m_numImages = 0;
  int m_numClasses = 0;
  int64_t m_count = 0;
  std::vector<double> m_probSum;  // sum_s p_s
  std::vector<float> m_maxLog;    // max_s log p_s (fallback when every p_s underflows)
  std::vector<double> m_sumPLogP;
  std::vector<uint32_t> m_votes;
  // log sum_s p_s, derived lazily; guarded by m_cacheMutex.
  mutable std::vector<double> m_logSum;
  mutable bool m_logSumValid = false;
  mutable std::mutex m_cacheMutex;
};

}  // namespace bnn
