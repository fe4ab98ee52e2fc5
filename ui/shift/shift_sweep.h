#pragma once
// The Shift view's background work: a run's kept samples evaluated on the transformed test set
// one level at a time (analysis/shift_study.h does the numbers), each finished level handed to
// the view as soon as it is done, so the charts grow while the sweep runs and a cancelled sweep
// keeps what it finished.
// runShiftSweep runs on the background runner; ShiftSweepShared is shared with the GUI thread
// under its mutex.

#include <QString>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "analysis/shift_study.h"
#include "common/job_progress.h"

namespace bnn {
struct RunResult;
}

struct ShiftSweepShared {
  std::mutex mutex;
  std::vector<bnn::ShiftLevel> finished;  // levels done and not yet taken by the view
  int64_t sampleCount = 0;
  int64_t numImages = 0;
};

struct ShiftSweepOutput {
  QString error;       // "" when every level was evaluated
  double seconds = 0;  // the whole sweep
};

/// Evaluates every level of `levels` in order; progress counts sample passes (stage = levels
/// done). `cancelled` (the runner's check) is polled after every sample, as is progress->cancel.
ShiftSweepOutput runShiftSweep(const std::shared_ptr<const bnn::RunResult>& run,
                               const std::vector<bnn::TransformSpec>& levels, uint64_t seed,
                               const std::shared_ptr<JobProgress>& progress,
                               const std::shared_ptr<ShiftSweepShared>& shared,
                               const std::function<bool()>& cancelled);
