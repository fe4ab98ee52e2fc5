#include "run/sample_schedule.h"

#include <algorithm>

#include "samplers/step_schedule.h"

namespace bnn {

namespace {

// The sampling steps whose states join the predictive: every thinning-th step that the schedule
// does not explore at (the cyclical schedule's exploration steps keep no sample).
std::vector<int64_t> ensembleSteps(const RunConfig& c) {
  const int64_t thinning = std::max<int64_t>(1, c.thinning);
  std::vector<int64_t> steps;
  const bool exploring = c.schedule == ScheduleKind::Cyclical && c.exploration > 0;
  const StepSchedule schedule(c);
  for (int64_t s = thinning - 1; s < c.samplingSteps; s += thinning)
    if (!exploring || schedule.collects(s)) steps.push_back(s);
  return steps;
}

}  // namespace

int64_t ensembleSampleCount(const RunConfig& c) {
  if (c.schedule != ScheduleKind::Cyclical || c.exploration <= 0)
    return c.samplingSteps / std::max<int64_t>(1, c.thinning);
  return static_cast<int64_t>(ensembleSteps(c).size());
}

std::vector<int64_t> keptSampleOrdinals(int64_t ensembleSamples, int64_t keep) {
  std::vector<int64_t> out;
  const int64_t k = std::min(std::max<int64_t>(0, keep), std::max<int64_t>(0, ensembleSamples));
  out.reserve(static_cast<size_t>(k));
  // i * M fits in 64 bits: both are at most 10^7 (the parameter table's bounds).
  for (int64_t i = 1; i <= k; ++i) out.push_back(i * ensembleSamples / k);
  return out;
}

std::vector<int64_t> keptSamplingSteps(const RunConfig& c) {
  const int64_t thinning = std::max<int64_t>(1, c.thinning);
  if (c.schedule != ScheduleKind::Cyclical || c.exploration <= 0) {
    std::vector<int64_t> steps = keptSampleOrdinals(ensembleSampleCount(c), c.keepSamples);
    for (int64_t& s : steps) s = s * thinning - 1;
    return steps;
  }
  const std::vector<int64_t> ensemble = ensembleSteps(c);
  std::vector<int64_t> steps = keptSampleOrdinals(static_cast<int64_t>(ensemble.size()), c.keepSamples);
  for (int64_t& s : steps) s = ensemble[static_cast<size_t>(s - 1)];
  return steps;
}

}  // namespace bnn
