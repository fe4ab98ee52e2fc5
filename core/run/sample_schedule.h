#pragma once
// Which posterior samples a run keeps (RunConfig::keepSamples, `--keep-samples K`).
//
// The predictive accumulates M = floor(S / thinning) samples: the states after sampling steps
// thinning - 1, 2 thinning - 1, ... (0-based); with the cyclical schedule only those of them
// outside exploration (M counts those). Of these the run keeps K' = min(K, M), spread
// evenly with the last one always included: ordinals (1-based)
//     j_i = floor(i * M / K'),  i = 1 .. K',
// strictly increasing because M / K' >= 1. With the example (S = 1,000, thinning 1, K = 100) that
// is every 10th sample: sampling steps 9, 19, ..., 999. K >= M keeps every sample; K = 0 none.
// Kept samples are therefore always members of the run's own ensemble. Pure functions;
// thread-safe.

#include <cstdint>
#include <vector>

#include "run/run_config.h"

namespace bnn {

/// M: samples the predictive accumulates in a complete run, floor(samplingSteps / thinning)
/// (cyclical schedule: the thinned steps outside exploration).
int64_t ensembleSampleCount(const RunConfig& c);

/// The kept ordinals j_1 < ... < j_K' (1-based) among `ensembleSamples` samples.
std::vector<int64_t> keptSampleOrdinals(int64_t ensembleSamples, int64_t keep);

/// 0-based sampling steps (CurvePoint::step) after which the kept samples are taken:
/// j_i * thinning - 1 (cyclical schedule: the j_i-th thinned step outside exploration).
std::vector<int64_t> keptSamplingSteps(const RunConfig& c);

}  // namespace bnn
