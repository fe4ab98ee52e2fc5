#pragma once
// Writing and reading a run's results as a folder a Python user opens without our code:
//   config.json      the RunConfig (every field), dataset name/path, outcome, timings
//   summary.json     ensemble / last-sample accuracy, difference, certain share, NLL
//   curve.csv        phase,step,grad_evals,wall_seconds,pointwise_accuracy,ensemble_accuracy,samples
//   predictive.npy   float32 [N,10]  p̄ (mean predictive probabilities)
//   log_sum.npy      float64 [N,10]  log sum_s p_s
//   sum_plogp.npy    float64 [N]     sum_s sum_k p_s log p_s
//   votes.npy        uint32  [N,10]  argmax votes across samples
//   test_labels.npy  uint8   [N]
//   test_images.npy  uint8   [N,28,28] (when the run carries images)
// Saving is atomic: everything is written into a temporary sibling folder which is then renamed
// over the destination (the old folder stays intact until the rename). A run that stopped early
// (cancelled, failed) keeps the checkpoint its folder holds (run/checkpoint.h), so that
// `bnn-cli run --resume` can continue it. Thread-safe (no state).

#include <string>

#include "run/run_result.h"
#include "util/error.h"

namespace bnn {

Status writeRunResult(const RunResult& result, const std::string& directory);
/// okStatus when writeRunResult may write into `directory`: absent, empty, a saved run or the
/// checkpoint folder of a run (run/checkpoint.h); checked before a run starts.
Status checkRunDestination(const std::string& directory);
/// Reads a results folder. A pooled K-chain folder's kept samples are its chains' files
/// (chain-<i>/samples.npy, listed in config.json), pooled in chain-index order.
Result<RunResult> readRunResult(const std::string& directory);

/// Subfolder of a K-chain result folder holding chain i: "chain-<i>".
std::string chainFolderName(int64_t chainIndex);

}  // namespace bnn
