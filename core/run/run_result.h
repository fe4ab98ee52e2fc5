#pragma once
// What a run produces: curves, outcome, the predictive accumulator over the test set, timings.
// Value types; copy freely between threads (a copy shares the read-only test split, see below).

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "run/predictive.h"
#include "run/run_config.h"
#include "run/sample_diagnostics.h"

namespace bnn {

class PosteriorSamples;

enum class Phase { Warmup, Sampling };
const char* enumName(Phase);

/// What a result made by evaluating a run's kept samples on other images afterwards (`bnn-cli
/// eval`, "Evaluate on…" in the app) was computed from. Empty for a run's own result.
struct EvaluationInfo {
  std::string sourceName;       // the evaluated run's name
  std::string sourceDirectory;  // its folder ("" for a run that was not saved)
  std::string split;            // "test" or "train" of the dataset folder
  std::string transform;        // transformSpecText of the transform applied, "" for none
  bool isEvaluation() const { return !sourceName.empty(); }
  bool operator==(const EvaluationInfo&) const = default;
};

/// One recorded evaluation of the test set.
struct CurvePoint {
  Phase phase = Phase::Warmup;
  int64_t step = 0;        // 0-based step index within the phase (the step just taken)
  int64_t gradEvals = 0;   // gradient evaluations since the start of the run
  double wallSeconds = 0;  // since the start of the run
  double pointwiseAccuracy = std::numeric_limits<double>::quiet_NaN();  // current θ alone
  double ensembleAccuracy = std::numeric_limits<double>::quiet_NaN();   // sampling only
  int64_t samples = 0;  // samples in the ensemble (sampling only)
};

// Warning: ran to its end but failed quietly (run/chain_health.h); the message says how.
enum class RunStatus { Running, Completed, Cancelled, Diverged, Failed, Warning };
const char* enumName(RunStatus);

struct RunOutcome {
  RunStatus status = RunStatus::Running;
  std::string message;  // e.g. "diverged at warm-up step 12 with step size h = 0.1"
  int64_t step = -1;    // step where it stopped (global, warm-up then sampling)
};

struct RunTimings {
  double totalSeconds = 0;
  double gradientSeconds = 0;  // minibatch gradients
  double updateSeconds = 0;    // sampler updates incl. noise
  double evalSeconds = 0;      // test-set passes
  int64_t gradEvals = 0;
  int64_t testPasses = 0;
  int threads = 0;  // worker threads available to the run
};

struct RunResult {
  RunConfig config;
  RunOutcome outcome;
  std::vector<CurvePoint> curve;     // warm-up points then sampling points
  PredictiveAccumulator predictive;  // over the test set
  double lastPointwiseAccuracy = std::numeric_limits<double>::quiet_NaN();
  // Class probabilities of the same state lastPointwiseAccuracy measures (for a completed run the
  // final sample: "one trained network" beside the ensemble), test images x classes, row-major.
  // Empty when there is none (nothing evaluated, or a folder saved before it was kept).
  std::vector<float> lastProbs;
  // The kept posterior samples (RunConfig::keepSamples), mapped from their file; null when the
  // run kept none (or was saved before samples were kept). Shared by every copy of the result.
  std::shared_ptr<const PosteriorSamples> samples;
  std::string samplesError;  // why `samples` is null although the folder should hold them
  // Per-sample diagnostic scalars (run/sample_diagnostics.h): this chain's rows, or every
  // chain's in a pooled result. Empty for evaluations and folders saved without them.
  SampleDiagnostics diagnostics;
  EvaluationInfo evaluation;  // set for results of evaluating another run's samples
  RunTimings timings;
  // The dataset the run used and its test split, the images the predictive refers to. The split
  // is shared and read-only: a run's result, its live snapshots and every view hold the same
  // ImageSet (copying a RunResult copies the pointer, never the 10,000 images). A result made by
  // the run engine points into the Dataset it ran on (see sharedTestSplit); a result read from a
  // folder owns its own. Labels are always there in a usable result; pixels may be empty (a saved
  // run without images). Null only in a default-constructed result.
  std::string datasetName;
  std::string datasetDirectory;
  DatasetCheck datasetCheck = DatasetCheck::Unknown;  // how the dataset was recognised
  std::vector<std::string> classNames;                // one per class; may be empty in hand-made results
  std::shared_ptr<const ImageSet> test;

  /// Test labels (empty without a test split).
  const std::vector<uint8_t>& testLabels() const;
  /// Test images, testCount() * imageRows() * imageCols() bytes, or empty.
  const std::vector<uint8_t>& testImages() const;
  int64_t testCount() const { return static_cast<int64_t>(testLabels().size()); }
  int imageRows() const { return test ? test->rows : 0; }
  int imageCols() const { return test ? test->cols : 0; }

  double ensembleAccuracy() const;  // from the predictive (NaN if no sample)
  /// Name of class k: classNames[k], or the number k when the names are unknown.
  std::string className(int k) const;
  /// "digit" for MNIST-like results (classes 0-9), "class" otherwise (dataset_identity.h).
  std::string classNoun() const;
  /// "MNIST (checksums verified)".
  std::string datasetLabel() const;
};

/// The test split of a shared dataset as a handle of its own: it points into `data` (no copy)
/// and keeps the whole dataset alive as long as any result or snapshot holds it. Null for null.
std::shared_ptr<const ImageSet> sharedTestSplit(const std::shared_ptr<const Dataset>& data);

/// Why a result has no kept samples to evaluate, in one sentence for the views that need them;
/// "" when it has them.
std::string whySamplesUnavailable(const RunResult& r);

/// Share of images whose max p̄ exceeds `threshold` (strictly, as the example: "> 0.95").
double certainShare(const PredictiveAccumulator& p, double threshold);

}  // namespace bnn
