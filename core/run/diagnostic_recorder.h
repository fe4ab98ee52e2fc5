#pragma once
// Records a chain's per-sample diagnostic scalars (run/sample_diagnostics.h) at its kept
// samples: begin() at the state's test pass launch (the minibatch potential, configurational
// temperature, fixed parameters and logits, from θ itself and one gradient on a minibatch of the
// recorder's own random stream), finish() once the test pass has settled (the test
// log-likelihood from its log-probabilities), which appends the row. Recording never changes
// the chain: θ is only read, and the minibatches come from their own stream.
// Cost per row: one minibatch gradient, one pass over θ, 16 small forward passes.
// Used by one thread at a time (the chain's driver thread).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "nn/mlp.h"
#include "run/run_config.h"
#include "run/sample_diagnostics.h"
#include "util/error.h"

namespace bnn {

class MlpTarget;

class DiagnosticRecorder {
 public:
  static constexpr int kImages = 16;
  /// The sampling steps to record at: the kept samples' steps, or those of 100 kept samples
  /// when the run keeps none.
  static std::vector<int64_t> recordedSteps(const RunConfig& c);

  DiagnosticRecorder(const RunConfig& c, const Mlp& mlp, const Dataset& d);
  ~DiagnosticRecorder();
  DiagnosticRecorder(const DiagnosticRecorder&) = delete;
  DiagnosticRecorder& operator=(const DiagnosticRecorder&) = delete;

  /// True when sampling step `step` is recorded; then measures θ (the state after the step).
  bool begin(int64_t step, const float* theta);
  /// Completes the row begun at `step` with the test pass's log-probabilities (test images x
  /// classes) and appends it. Ignored when no row of that step is pending.
  void finish(int64_t step, const std::vector<float>& logProbs);

  const SampleDiagnostics& diagnostics() const { return m_diag; }

  /// The rows so far and where the recorder's minibatch stream stands, between two steps (no
  /// row pending): a chain continued from a checkpoint (run/checkpoint.h) restores it and
  /// records exactly the rows of the uninterrupted chain. Value type.
  struct State {
    SampleDiagnostics rows;
    uint64_t batchDraws = 0;  // minibatches drawn (with replacement)
  };
  State state() const;
  /// Restores a state(); an error naming `source` when its columns are not this recorder's.
  Status restore(const State& s, const std::string& source);
  SampleDiagnostics take() { return std::move(m_diag); }

 private:
  const Mlp& m_mlp;
  const Dataset& m_d;
  int64_t m_chain;
  std::vector<int64_t> m_steps;
  size_t m_next = 0;
  std::unique_ptr<MlpTarget> m_target;
  std::vector<float> m_gsum;
  std::vector<int64_t> m_images;      // the fixed test images
  std::vector<int64_t> m_paramIndex;  // the fixed parameters
  std::vector<double> m_row;
  int64_t m_pendingStep = -1;
  SampleDiagnostics m_diag;
};

}  // namespace bnn
