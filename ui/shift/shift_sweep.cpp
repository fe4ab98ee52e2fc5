#include "shift/shift_sweep.h"

#include <chrono>

#include "run/posterior_samples.h"
#include "run/run_result.h"

ShiftSweepOutput runShiftSweep(const std::shared_ptr<const bnn::RunResult>& run,
                               const std::vector<bnn::TransformSpec>& levels, uint64_t seed,
                               const std::shared_ptr<JobProgress>& progress,
                               const std::shared_ptr<ShiftSweepShared>& shared,
                               const std::function<bool()>& cancelled) {
  const auto t0 = std::chrono::steady_clock::now();
  ShiftSweepOutput out;
  progress->started = true;
  if (!run || !run->samples) {
    out.error = run ? QString::fromStdString(bnn::whySamplesUnavailable(*run)) : QStringLiteral("no result");
    return out;
  }
  const int64_t s = run->samples->count();
  progress->total = s * int64_t(levels.size());
  for (size_t i = 0; i < levels.size(); ++i) {
    bnn::ShiftControl control;
    control.cancel = &progress->cancel;
    control.seed = seed;
    control.sampleProgress = [&](int64_t done, int64_t) {
      progress->done = int64_t(i) * s + done;
      if (cancelled && cancelled()) progress->cancel = true;
    };
    bnn::Result<bnn::ShiftStudy> r = bnn::shiftStudy(*run, {levels[i]}, control);
    if (!r) {
      out.error = QString::fromStdString(r.error().message());
      break;
    }
    {
      const std::lock_guard<std::mutex> lock(shared->mutex);
      shared->sampleCount = r->sampleCount;
      shared->numImages = r->numImages;
      shared->finished.insert(shared->finished.end(), r->levels.begin(), r->levels.end());
    }
    progress->stage = int(i + 1);
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}
