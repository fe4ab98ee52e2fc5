#pragma once
// The Sweep view's background work: the short runs of a step-size sweep one after the other
// (run/step_size_sweep.h does the runs and picks the best point), each finished point handed to
// the view as soon as it is done, so the charts grow while the sweep runs and a cancelled sweep
// keeps what it finished.
// runSweepJob runs on the background runner (its chains on a worker pool of their own);
// SweepJobShared is shared with the GUI thread under its mutex.

#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "common/job_progress.h"
#include "run/step_size_sweep.h"

struct SweepJobShared {
  std::mutex mutex;
  std::vector<std::pair<int, bnn::SweepPoint>> finished;  // (grid index, point), not yet taken
  int current = -1;                                       // grid index of the run going on
  int total = 0;
  bnn::Phase phase = bnn::Phase::Warmup;
  int64_t step = 0;        // of the running chain, in its phase
  int64_t phaseSteps = 0;  // of that phase
};

/// Runs `configs` on `data`. progress->cancel (Cancel pressed, the view closing) and the runner's
/// `cancelled` check stop the run going on within one step; the points finished stay. Progress:
/// done / total count grid points, stage is the grid index running.
bnn::StepSizeSweep runSweepJob(const std::vector<bnn::RunConfig>& configs,
                               const std::shared_ptr<const bnn::Dataset>& data,
                               const std::shared_ptr<JobProgress>& progress,
                               const std::shared_ptr<SweepJobShared>& shared,
                               const std::function<bool()>& cancelled);
