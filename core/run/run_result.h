#pragma once
// What a run produces: curves, outcome, the predictive accumulator over the test set, timings.
// Value types; copy freely between threads.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "run/predictive.h"
#include "run/run_config.h"

namespace bnn {

enum class Phase { Warmup, Sampling };
const char* enumName(Phase);

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

enum class RunStatus { Running, Completed, Cancelled, Diverged, Failed };
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
  RunTimings timings;
  // The test split the predictive refers to (labels always; images so views work on loaded runs).
  std::string datasetName;
  std::string datasetDirectory;
  int imageRows = 28, imageCols = 28;
  std::vector<uint8_t> testLabels;
  std::vector<uint8_t> testImages;  // numImages * rows * cols bytes, may be empty

  double ensembleAccuracy() const;  // from the predictive (NaN if no sample)
};

/// Share of images whose max p̄ exceeds `threshold` (strictly, as the example: "> 0.95").
double certainShare(const PredictiveAccumulator& p, double threshold);

}  // namespace bnn
