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
enum StreamId : uint64_t {
  kInitStream = 1,
  kBatchStream = 2,
  kNoiseStream = 3,
  kSamplingNoiseStream = 4,
  kDiagnosticBatchStream = 5,  // minibatches of the per-sample diagnostics (run/diagnostic_recorder.h)
};

/// Stream id of `stream` for chain `chainIndex` of a many-chain run: chain 0 (and -1, a run of
/// one chain) keeps the run's ids, so it reproduces the one-chain run bit for bit; chain i > 0
/// uses ids 16 i + stream, streams of its own for the same seed.
inline uint64_t chainStream(uint64_t stream, int64_t chainIndex) {
  return chainIndex <= 0 ? stream : stream + 16 * static_cast<uint64_t>(chainIndex);
}

MlpShape mlpShapeFor(const RunConfig& c, const Dataset& d);

/// Initial θ as configured: truncated LeCun normal weights (std sqrt(1/fan_in)) and zero biases,
/// or a draw from the N(0, σ²) prior.
std::vector<float> initialParameters(const MlpShape& shape, InitKind kind, double priorSigma,
                                     RandomStream stream);

/// ĝ's data term for the MLP on minibatches of the training set.
class MlpTarget final : public GradientTarget {
 public:
  /// `augmentShift` s > 0 moves each image of each minibatch by whole pixels drawn uniformly from
  /// -s..s per axis (data/transforms.h shiftImage), from the batch stream.
  MlpTarget(const Mlp& mlp, const ImageSet& train, int batchSize, BatchMode mode, double priorSigma,
            int augmentShift, RandomStream batchStream);
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

  /// The current minibatch: indices into the training set, and each image's shift (dx right, dy
  /// down; 0 when augmentShift is 0).
  const std::vector<uint32_t>& batchIndices() const { return m_indices; }
  int batchShiftX(int i) const {
    return m_shift > 0 ? static_cast<int>(m_shiftDraw[2 * size_t(i)]) - m_shift : 0;
  }
  int batchShiftY(int i) const {
    return m_shift > 0 ? static_cast<int>(m_shiftDraw[2 * size_t(i) + 1]) - m_shift : 0;
  }

  /// Where the minibatch stream stands, for checkpoints (between steps; the current minibatch
  /// is not part of it: every step draws its own first).
  struct Position {
    uint64_t draw = 0;      // with-replacement draws made
    uint64_t epoch = 0;     // epochs started (epoch mode)
    int64_t epochPos = 0;   // images of the current epoch used
    int64_t gradEvals = 0;  // gradient evaluations so far
    double gradSeconds = 0;
  };
  Position position() const { return {m_draw, m_epoch, m_epochPos, m_gradEvals, m_gradSeconds}; }
  /// Continues from a position() (the current epoch's permutation is drawn again).
  void seek(const Position& p);

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
  int m_shift = 0;
  ImageSet m_shifted;                 // the minibatch's shifted images (augmentShift > 0)
  std::vector<uint32_t> m_shiftDraw;  // per image: dx + s, dy + s
  std::vector<uint32_t> m_identity;   // 0 .. n-1
  void shuffleNextEpoch();
  void shiftImages(uint64_t draw);
  MlpWorkspace m_ws;
  double m_gradSeconds = 0;
  int64_t m_gradEvals = 0;
  double m_lastLogLik = 0;
};

/// A test set as column-group batches (nn/sparse_batch.h) of fixed chunks of images, converted
/// once per ImageSet: every evaluator of the same set shares one copy (two chains on MNIST hold
/// 11 MB instead of 22 MB and read the same cache lines). Immutable; thread-safe.
struct SparseTestSet {
  std::vector<SparseBatch> chunks;
  std::vector<int64_t> chunkStart;  // first image of each chunk, then the image count

  /// The shared conversion of `set`, built on first use and kept while any holder is alive.
  /// `set` must outlive the holders and not change.
  static std::shared_ptr<const SparseTestSet> of(const ImageSet& set);
};

/// Evaluates θ on the whole test set in fixed chunks (parallel, deterministic). One thread uses
/// an evaluator at a time; several evaluators (chains) may share the converted test set.
class TestEvaluator {
 public:
  TestEvaluator(const Mlp& mlp, const ImageSet& test);
  ~TestEvaluator();
  /// Log-probabilities of every test image under θ (kept in logProbs()); returns the pointwise
  /// accuracy. When `accumulate` is given, the sample is added to it (in the same pass).
  double evaluate(const float* theta, PredictiveAccumulator* accumulate);

  /// The same evaluation pipelined: start() copies θ and returns at once; the evaluation runs as
  /// a task of the calling thread's TBB arena, which its other threads take up while the caller
  /// goes on (`accumulate` must not be touched meanwhile). finish() waits for it, helping with
  /// its chunks, and returns its accuracy. Results equal evaluate()'s bit for bit whatever the
  /// timing. One evaluation at a time; start, ready and finish on the same thread.
  void start(const float* theta, PredictiveAccumulator* accumulate);
  bool pending() const { return m_pending; }
  /// True when the started evaluation has completed (finish() will not wait).
  bool ready() const;
  double finish();
  /// Seconds of the last evaluation from its start to its completion.
  double lastSeconds() const { return m_lastSeconds; }

  const std::vector<float>& logProbs() const { return m_logProbs; }
  /// True when the last evaluation produced a NaN/Inf log-probability.
  bool lastHadNonFinite() const { return m_nonFinite; }
  int64_t numImages() const { return m_test.count; }

 private:
  struct Scratch;
  const Mlp& m_mlp;
  const ImageSet& m_test;
  std::shared_ptr<const SparseTestSet> m_set;
  std::vector<float> m_logProbs;
  std::vector<int64_t> m_correct;
  std::vector<uint8_t> m_chunkBad;
  std::unique_ptr<Scratch> m_scratch;
  bool m_nonFinite = false;
  bool m_pending = false;
  double m_lastSeconds = 0;
};

}  // namespace bnn
