#pragma once
// Evaluating a run's kept posterior samples (run/posterior_samples.h) on any images after the
// run: the one code path behind `bnn-cli eval`, "Evaluate on…" in the app, out-of-distribution
// and shift analyses, and the drawing canvas (run/posterior_probe.h).
//
//   Result<RunResult> run = readRunResult("out/sgld");              // or a RunResult just finished
//   if (!run->samples) ...                                          // the run kept no samples
//   Result<Dataset> fashion = loadDataset("/usr/share/datasets/fashion-mnist");
//   Result<PosteriorEvaluation> e = evaluatePosterior(*run->samples, fashion->test);
//   e->predictive   // the accumulator a run fills: p̄, log Σ_s p_s, Σ_s Σ_k p_s log p_s, votes
//   e->lastProbs    // N x K probabilities of the last kept sample: one network, the baseline
//   RunResult r = evaluationResult(*run, std::move(*e), images, info);  // to save or to show
//
// Determinism: the samples are added in their order; each sample runs on the images in fixed
// chunks of 500, in parallel, with the kernels of the run's own test passes (TestEvaluator). With
// every sample kept (thinning 1, K = S) the accumulators on the run's test set therefore equal the
// run's own bit for bit, whatever the number of threads. Runs on the calling thread's TBB arena.
//
// Cost: one test pass per sample (10-12 ms for 10,000 MNIST images on two cores), so 100 samples
// on 10,000 images take about a second. The samples' file pages are read once, in order.
//
// Thread-safety: pure functions of their arguments; may run on any thread.

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <vector>

#include "data/dataset.h"
#include "run/posterior_samples.h"
#include "run/predictive.h"
#include "run/run_result.h"
#include "util/error.h"

namespace bnn {

struct PosteriorEvaluation {
  PredictiveAccumulator predictive;  // every kept sample on every image
  std::vector<float> lastProbs;      // images x classes: the last kept sample's p(k | x)
  double lastAccuracy = std::numeric_limits<double>::quiet_NaN();  // argmax of lastProbs vs labels
  double seconds = 0;                                              // wall time of the evaluation
};

struct EvaluationControl {
  const std::atomic<bool>* cancel = nullptr;  // polled before each sample: Cancelled error
  /// Called on the calling thread after each sample (done of total).
  std::function<void(int64_t done, int64_t total)> progress;
};

/// Every kept sample on every image of `images` (whose size must be the network's input and
/// whose labels must be classes of the network). Errors: no samples, BadDimensions, a label out of
/// range, a non-finite parameter or probability (BadValue naming the sample), Cancelled.
Result<PosteriorEvaluation> evaluatePosterior(const PosteriorSamples& samples, const ImageSet& images,
                                              const EvaluationControl& control = {});

/// exp of normalised log-probabilities (how lastProbs is made, by runs and evaluations alike).
std::vector<float> probabilitiesFromLogs(const std::vector<float>& logProbs);

/// A result folder's worth of an evaluation: `source`'s configuration, the evaluation's
/// predictive and last-sample probabilities over `images` (labels and pixels), the dataset
/// `datasetName` / `datasetDirectory`, `info` saying what was evaluated, an empty curve and no
/// samples of its own. Named "<source name> on <dataset> <split>[ <transform>]". The outcome is
/// Completed; timings count one test pass per sample.
RunResult evaluationResult(const RunResult& source, PosteriorEvaluation evaluation,
                           std::shared_ptr<const ImageSet> images, const Dataset& dataset,
                           const EvaluationInfo& info);

}  // namespace bnn
