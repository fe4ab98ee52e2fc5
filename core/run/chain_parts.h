#pragma once
// Building blocks of a chain, exposed for the benchmark command and tests: the MLP minibatch
// gradient target, initialisation, and the test-set evaluator. Each object is used by one
// thread at a time (its inner loops run in parallel blocks on the caller's TBB arena).

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "data/dataset.h"
#include "nn/mlp.h"
#include "run/predictive.h"
#include "run/run_config.h"
#include "samplers/sampler.h"
#include "util/random_stream.h"

namespace bnn {

/// Random stream ids within a run seed.
enum StreamId : uint64_t { kInitStream = 1, kBatchStream = 2, kNoiseStream = 3, kSamplingNoiseStream = 4 };

MlpShape mlpShapeFor(const RunConfig& c, const Dataset& d);

/// Initial θ as configured: truncated LeCun normal weights (std sqrt(1/fan_in)) and zero biases,
/// or a draw from the N(0, σ²) prior.
std::vector<float> initialParameters(const MlpShape& shape, InitKind kind, double priorSigma,
                                     RandomStream stream);

/// ĝ's data term for the MLP on minibatches of the training set.
class MlpTarget final : public GradientTarget {
 public:
  MlpTarget(const Mlp& mlp, const ImageSet& train, int batchSize, BatchMode mode, double priorSigma,
            RandomStream batchStream);
  int64_t dim() const override { return m_mlp.numParams(); }
  void nextMinibatch() override;
  void dataGradient(const float* theta, float* gsum) override;
  double dataScale() const override { return static_cast<double>(m_train.count) / m_batchSize; }
  int64_t batchSize() const override { return m_batchSize; }
  double priorPrecision() const override { return m_priorPrecision; }

  double gradientSeconds() const { return m_gradSeconds; }
  int64_t gradientEvaluations() const { return m_gradEvals; }
  /// Σ_B log p(y | x, θ) of the last gradient evaluation (0 before the first).
  double lastLogLikelihood() const { return m_lastLogLik; }

 private:
  const Mlp& m_mlp;
  const ImageSet& m_train;
  int m_batchSize;
  BatchMode m_mode;
  double m_priorPrecision;
  RandomStream m_stream;
  uint64_t m_draw = 0;
  std::vector<uint32_t> m_indices;
  std::vector<uint32_t> m_permutation;  // epoch mode
  int64_t m_epochPos = 0;
  uint64_t m_epoch = 0;
  std::vector<uint8_t> m_labels;
  SparseBatch m_batch;
  MlpWorkspace m_ws;
  double m_gradSeconds = 0;
  int64_t m_gradEvals = 0;
  double m_lastLogLik = 0;
};

/// Evaluates θ on the whole test set in fixed chunks (parallel, deterministic).
class TestEvaluator {
 public:
  TestEvaluator(const Mlp& mlp, const ImageSet& test);
  ~TestEvaluator();
  /// Log-probabilities of every test image under θ (kept in logProbs()); returns the pointwise
  /// accuracy. When `accumulate` is given, the sample is added to it (in the same pass).
  double evaluate(const float* theta, PredictiveAccumulator* accumulate);
  const std::vector<float>& logProbs() const { return m_logProbs; }
  /// True when the last evaluation produced a NaN/Inf log-probability.
  bool lastHadNonFinite() const { return m_nonFinite; }
  int64_t numImages() const { return m_test.count; }

 private:
  struct Scratch;
  const Mlp& m_mlp;
  const ImageSet& m_test;
  std::vector<SparseBatch> m_chunks;
  std::vector<int64_t> m_chunkStart;
  std::vector<float> m_logProbs;
  std::vector<int64_t> m_correct;
  std::vector<uint8_t> m_chunkBad;
  std::unique_ptr<Scratch> m_scratch;
  bool m_nonFinite = false;
};

}  // namespace bnn
