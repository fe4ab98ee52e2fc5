#pragma once
// Step-size sweep: short runs of one configuration over a geometric grid of step sizes, one after
// the other on every core, each summarised by its ensemble accuracy, the ensemble's test NLL, the
// last sample's accuracy, its outcome (completed; warning: a quiet failure such as an exploding
// potential or accuracy at chance; diverged: non-finite values) and its wall time; the best grid
// point is the highest ensemble accuracy among the completed runs, the lower NLL on ties. The one
// computation behind `bnn-cli sweep` and the desktop Sweep view.
// Every grid point runs the same configuration (the same seed) but for its step size, and a run's
// numbers do not depend on the thread count (fixed partitions), so a sweep is reproducible.
// Pure functions of their arguments; safe on any thread (runStepSizeSweep blocks the calling
// thread while its chains run on a worker pool of their own).

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "data/dataset.h"
#include "run/run_config.h"
#include "run/run_result.h"
#include "util/error.h"

namespace bnn {

struct ChainProgress;

/// At most this many grid points.
constexpr int kMaxSweepPoints = 40;

/// The grid LO, LO F, LO F^2, ... up to HI (with a relative slack of 1e-9, so 1e-6 x2 reaches
/// 1.024e-4 only when HI allows it). Refused (InvalidConfig, naming `option`): LO <= 0, HI < LO,
/// F <= 1, a value that is not finite, more than kMaxSweepPoints points.
Result<std::vector<double>> stepSizeGrid(double lo, double hi, double factor, const std::string& option);
/// "LO:HI:xF" (e.g. "1e-6:1e-4:x2") or a single step size (a grid of one), as stepSizeGrid.
Result<std::vector<double>> parseStepSizeGrid(std::string_view spec, const std::string& option);
/// The text parseStepSizeGrid reads for (lo, hi, factor): "1e-05:0.00016:x2".
std::string stepSizeGridText(double lo, double hi, double factor);

/// One configuration per grid point: the preset, then the overrides in order (any "step-size"
/// among them is ignored), kept samples off, then the point's step size; validated. Refused: an
/// unknown preset, a parameter the configuration refuses, more than one chain.
CheckedConfigs stepSizeSweepConfigs(const std::string& preset, const ParamOverrides& overrides,
                                    const std::vector<double>& grid);

struct SweepPoint {
  double stepSize = 0;
  RunStatus status = RunStatus::Failed;
  std::string message;  // the run's outcome message ("" for a plain completion)
  double ensembleAccuracy = std::numeric_limits<double>::quiet_NaN();  // NaN: no sample taken
  double nll = std::numeric_limits<double>::quiet_NaN();               // the ensemble's test NLL
  double lastSampleAccuracy = std::numeric_limits<double>::quiet_NaN();
  double seconds = 0;  // wall time of the run
};

/// The point a finished run makes (ensemble numbers only when it took samples).
SweepPoint sweepPoint(const RunResult& run, double stepSize, double seconds);

/// The best point: the highest ensemble accuracy among the completed points with a finite one,
/// the lower NLL on ties, the first of equal ones; -1 when none completed.
int bestSweepPoint(const std::vector<SweepPoint>& points);

struct StepSizeSweep {
  std::vector<SweepPoint> points;  // the finished runs, in grid order
  int best = -1;                   // bestSweepPoint(points)
  bool cancelled = false;          // stopped before the last grid point finished
  double seconds = 0;
};

struct SweepControl {
  const std::atomic<bool>* cancel = nullptr;  // polled between steps; the run in progress is dropped
  int threads = 0;                            // cores per run, 0 = all
  /// Before grid point `index` (0-based) of `total` starts, on the calling thread.
  std::function<void(int index, int total)> runStarted;
  /// After grid point `index` finished, on the calling thread.
  std::function<void(int index, const SweepPoint& point)> pointFinished;
  /// The running chain's progress, about ten times a second, on the chain's driver thread.
  std::function<void(const ChainProgress& progress)> chainProgress;
};

/// Runs configs[i] for every grid point in order (each a single chain on `data`). A cancel keeps
/// the points finished before it.
StepSizeSweep runStepSizeSweep(const std::vector<RunConfig>& configs, std::shared_ptr<const Dataset> data,
                               const SweepControl& control = {});

/// sweep.csv: step_size,status,ensemble_accuracy,nll,last_sample_accuracy,wall_seconds,best,message
/// (numbers as formatNumber, the message quoted with its double quotes turned into single ones).
std::string sweepCsv(const std::vector<SweepPoint>& points, int best);

}  // namespace bnn
