#pragma once
// Per-sample diagnostic scalars of a chain (README "Convergence diagnostics"): at every kept
// posterior sample (run/sample_schedule.h; with none kept, at the steps 100 kept samples would
// have) the chain records
//   potential           U(θ) = -(N/n) Σ_B log p(y|x,θ) + ‖θ‖² / (2σ²), on a minibatch of its
//                       own (the prior's constant omitted)
//   minibatch_log_lik   (N/n) Σ_B log p(y|x,θ) on the same minibatch
//   test_log_lik        (1/N_test) Σ_i log p(y_i|x_i,θ) over the whole test set
//   config_temperature  ⟨θ, ∇U(θ)⟩ / d on the same minibatch: near T when the chain samples at
//                       temperature T (equipartition; Wenzel et al. 2020)
//   logit_<i>           the true class's logit of test image i, for 16 fixed images
//                       i = ⌊j N_test / 16⌋, j = 0..15
//   w1_<p>_0, b1_0, wL_0_0, bL_0   fixed parameters: the first layer's weight from the centre
//                       pixel p to hidden unit 0 and that unit's bias, the output layer's weight
//                       from its input 0 to class 0 and class 0's bias
// The minibatch comes from a random stream of its own, so recording never changes the chain.
// A pooled K-chain result holds the rows of all its chains (column `chain`). Value type;
// copy freely between threads. Functions are pure and thread-safe.

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/convergence.h"
#include "util/error.h"

namespace bnn {

struct SampleDiagnostics {
  std::vector<std::string> names;  // the scalars, in column order
  std::vector<int64_t> chain;      // per row: the chain (0 for a run of one chain)
  std::vector<int64_t> step;       // per row: the sampling step (0-based, as CurvePoint::step)
  std::vector<double> values;      // rows x names.size(), row-major

  int64_t rows() const { return static_cast<int64_t>(step.size()); }
  bool empty() const { return step.empty(); }
  /// The distinct chains, ascending.
  std::vector<int64_t> chains() const;
  /// Column `scalar` of chain `c`, in row order.
  std::vector<double> trace(size_t scalar, int64_t c) const;
  /// Appends a row (values.size() == names.size()).
  void append(int64_t chainIndex, int64_t samplingStep, const std::vector<double>& rowValues);
  bool operator==(const SampleDiagnostics&) const = default;
};

/// The rows of several chains' diagnostics in the order given (their names must agree; empty
/// ones are skipped). Error naming `labels[i]` when names differ.
Result<SampleDiagnostics> poolDiagnostics(const std::vector<const SampleDiagnostics*>& parts,
                                          const std::vector<std::string>& labels);

/// R̂ and ESS of one scalar across the chains (analysis/convergence.h: split, rank-normalised,
/// ArviZ's conventions), each chain cut to the shortest.
struct ScalarConvergence {
  std::string name;
  double mean = 0;  // over all draws used
  double sd = 0;
  ConvergenceDiagnostics d;  // numChains 0 when fewer than 4 draws in a chain
};
std::vector<ScalarConvergence> scalarConvergence(const SampleDiagnostics& diag);

/// convergence.csv: scalar, mean, sd, rhat, rhat_bulk, rhat_tail, ess_bulk, ess_tail, chains,
/// draws_per_chain.
std::string convergenceCsv(const std::vector<ScalarConvergence>& table);
/// The same as a table for people, with a closing line on what R̂ >= 1.01 or a small ESS means.
std::string convergenceText(const std::vector<ScalarConvergence>& table);

/// diagnostics.csv: "chain,step,<names...>", numbers in shortest round-trip form.
std::string diagnosticsCsv(const SampleDiagnostics& diag);
/// Parses diagnostics.csv; errors name `path`, the line and what was wrong.
Result<SampleDiagnostics> parseDiagnosticsCsv(const std::string& path, const std::string& text);

}  // namespace bnn
