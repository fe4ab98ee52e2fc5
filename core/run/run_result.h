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
  RunTimings timings;
  // The dataset the run used and its test split, the images the predictive refers to. The split
  // is shared and read-only: a run's result, its live snapshots and every view hold the same
  // ImageSet (copying a RunResult copies the pointer, never the 10,000 images). A result made by
  // the run engine points into the Dataset it ran on (see sharedTestSplit); a result read from a
  // folder owns its own. Labels are always there in a usable result; pixels may be empty (a saved
  // run without images). Null only in a default-constructed result.
  std::string datasetName;
  std::string datasetDirectory;
  std::shared_ptr<const ImageSet> test;

  /// Test labels (empty without a test split).
  const std::vector<uint8_t>& testLabels() const;
  /// Test images, testCount() * imageRows() * imageCols() bytes, or empty.
  const std::vector<uint8_t>& testImages() const;
  int64_t testCount() const { return static_cast<int64_t>(testLabels().size()); }
  int imageRows() const { return test ? test->rows : 0; }
  int imageCols() const { return test ? test->cols : 0; }

  double ensembleAccuracy() const;  // from the predictive (NaN if no sample)
};

/// The test split of a shared dataset as a handle of its own: it points into `data` (no copy)
/// and keeps the whole dataset alive as long as any result or snapshot holds it. Null for null.
std::shared_ptr<const ImageSet> sharedTestSplit(const std::shared_ptr<const Dataset>& data);

/// Share of images whose max p̄ exceeds `threshold` (strictly, as the example: "> 0.95").
double certainShare(const PredictiveAccumulator& p, double threshold);

}  // namespace bnn
