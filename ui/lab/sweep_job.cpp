#include "lab/sweep_job.h"

#include "run/run_engine.h"

bnn::StepSizeSweep runSweepJob(const std::vector<bnn::RunConfig>& configs,
                               const std::shared_ptr<const bnn::Dataset>& data,
                               const std::shared_ptr<JobProgress>& progress,
                               const std::shared_ptr<SweepJobShared>& shared,
                               const std::function<bool()>& cancelled) {
  progress->started = true;
  progress->total = int64_t(configs.size());
  bnn::SweepControl control;
  control.cancel = &progress->cancel;
  control.runStarted = [&](int index, int total) {
    progress->stage = index;
    const std::lock_guard<std::mutex> lock(shared->mutex);
    shared->current = index;
    shared->total = total;
    shared->phase = bnn::Phase::Warmup;
    shared->step = 0;
    shared->phaseSteps = configs[size_t(index)].warmupSteps;
  };
  control.pointFinished = [&](int index, const bnn::SweepPoint& point) {
    progress->done = int64_t(index) + 1;
    const std::lock_guard<std::mutex> lock(shared->mutex);
    shared->finished.emplace_back(index, point);
  };
  control.chainProgress = [&](const bnn::ChainProgress& p) {
    if (cancelled && cancelled()) progress->cancel = true;
    const std::lock_guard<std::mutex> lock(shared->mutex);
    shared->phase = p.phase;
    shared->step = p.step;
    shared->phaseSteps = p.phaseSteps;
  };
  return bnn::runStepSizeSweep(configs, data, control);
}
