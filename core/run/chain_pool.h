#pragma once
// Pooling the K chains of one run (README "Many chains"): the pooled posterior predictive is the
// mixture over all chains' samples. One function serves `bnn-cli run --chains K` (in memory) and
// `bnn-cli merge` (results read back from their folders): it combines the chains in chain-index
// order and only from what a result folder saves of a predictive (sample count, log Σ_s p_s,
// Σ_s Σ_k p_s log p_s, votes), so both give bit-identical pooled arrays. Thread-safe (no state).

#include <string>
#include <vector>

#include "analysis/convergence.h"
#include "run/result_io.h"
#include "run/run_result.h"
#include "util/error.h"

namespace bnn {

/// The pooled result of `chains` (any order; `labels[i]` names chain i in errors, e.g. its
/// folder). Each must have the same `chains` = K = chains.size(), a distinct chain index in
/// 0..K-1, otherwise the same configuration (names may differ: the pooled result takes chain 0's), the same test labels and a predictive over them.
/// The pooled result has chain index -1, the sum of the predictives, the first chain's test set,
/// every chain's kept samples pooled in chain-index order (PosteriorSamples::pool; none, with
/// samplesError saying why, when a chain kept none), no curve (each chain keeps its own), NaN
/// last-sample accuracy and no last-sample probabilities (there is no one last network), status completed
/// only when every chain completed (else the first other chain's status and message, prefixed "chain i: "),
/// the largest wall time and summed work.
Result<RunResult> poolChains(const std::vector<const RunResult*>& chains,
                             const std::vector<std::string>& labels);

/// R̂ and ESS across chains (analysis/convergence.h, ArviZ's conventions) of the pointwise test
/// accuracy of each kept sample, read from each chain's curve (chains cut to the shortest).
/// numChains = 0 when there are fewer than 2 chains or fewer than 4 samples in one of them.
ConvergenceDiagnostics accuracyConvergence(const std::vector<const RunResult*>& chains);
/// One line for people: "R-hat 1.004 (bulk 1.002, tail 1.004), ESS bulk 812, tail 640 of 4 x 250
/// draws", or why there is none.
std::string convergenceLine(const ConvergenceDiagnostics& d);

/// The configurations a run of `c` consists of: K copies with chain index 0..K-1 when c asks for
/// all of its K > 1 chains (chain index -1), else c alone.
std::vector<RunConfig> chainConfigs(const RunConfig& c);

/// Writes a K-chain folder: `pooled` at `directory` (writeRunResult: replaced atomically), then
/// each chain in directory/chain-<i>.
Status writePooledRun(const RunResult& pooled, const std::vector<RunResult>& chains,
                      const std::string& directory);

}  // namespace bnn
