#include "run/sample_schedule.h"

#include <algorithm>

namespace bnn {

int64_t ensembleSampleCount(const RunConfig& c) { return c.samplingSteps / std::max<int64_t>(1, c.thinning); }

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
  std::vector<int64_t> steps = keptSampleOrdinals(ensembleSampleCount(c), c.keepSamples);
  for (int64_t& s : steps) s = s * thinning - 1;
  return steps;
}

}  // namespace bnn
