#pragma once
// Stochastic-gradient MCMC samplers. A sampler moves θ one step using a GradientTarget (which
// supplies minibatch gradients) and its own deterministic noise stream. Each sampler is one file
// implementing Sampler plus a factory, registered in makeSampler.
//
// Equations (h step size, T temperature, ĝ = ∇log p(θ) + (N/n) Σ_{i∈B} ∇log p(y_i|x_i,θ)):
//   SGLD:        θ' = θ + h ĝ + sqrt(2 T h) ξ
//   SGHMC Chen:  p ~ N(0, h T I); L times: θ += p; p = (1-α) p + h ĝ(θ) + sqrt(2 h T (α-β)) ξ
//   SGHMC Ma:    p ~ N(0, I);     L times: θ_old = θ; θ += h p;
//                                 p = (1-α h) p + h ĝ(θ_old) + sqrt(h T (2α - h T β)) ξ
//   pSGLD:       ḡ = (1/n) Σ_{i∈B} ∇log p(y_i|x_i,θ); V = a V + (1-a) ḡ⊙ḡ (V₀ = 0);
//                G = 1 ⊘ (λ + sqrt V); θ' = θ + h G⊙ĝ + sqrt(2 h T G)⊙ξ   (Γ omitted)
//   SGNHT:       p₀ ~ N(0, T I), ζ₀ = A; L times: p = p - ζ p h + h ĝ(θ) + sqrt(2 A h) ξ;
//                θ += h p; ζ += h (pᵀp / d - T)
// (T = 1 gives exactly the reference equations.)
//
// The step size of each step comes from the run's schedule (samplers/step_schedule.h) through
// StepControl; an exploration step of a cyclical schedule is the sampler at temperature 0: its
// noise is multiplied by 0 (SGHMC's momentum starts from 0, SGNHT's thermostat aims at 0).
// The noise draw numbers advance as if it had been drawn, so step t's noise never depends on
// the schedule.
//
// A Sampler is used by one thread at a time; its inner loops run in parallel blocks on the
// calling thread's TBB arena with results independent of the thread count.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "run/run_config.h"
#include "util/error.h"
#include "util/random_stream.h"

namespace bnn {

/// Supplies the data term of the gradient on the current minibatch.
class GradientTarget {
 public:
  virtual ~GradientTarget() = default;
  virtual int64_t dim() const = 0;
  /// Chooses the next minibatch.
  virtual void nextMinibatch() = 0;
  /// gsum = Σ_{i∈B} ∇θ log p(y_i | x_i, θ) on the current minibatch (unscaled).
  virtual void dataGradient(const float* theta, float* gsum) = 0;
  /// N / n: the factor in front of the minibatch sum.
  virtual double dataScale() const = 0;
  /// n, the minibatch size (pSGLD's ḡ is the mean gradient (1/n) gsum).
  virtual int64_t batchSize() const = 0;
  /// 1 / σ² of the N(0, σ²) prior (∇ log p(θ) = -θ / σ²); 0 for a flat prior.
  virtual double priorPrecision() const = 0;
};

/// What a sampler's next step depends on besides θ and the target, for checkpoints: the noise
/// draws used so far and any state it carries (momentum, preconditioner, thermostat ...), as
/// named entries so that every sampler stores its own. Value type; copy between threads freely.
struct SamplerState {
  std::string sampler;                                             // name() of the sampler
  std::vector<std::pair<std::string, uint64_t>> counters;          // e.g. "draw"
  std::vector<std::pair<std::string, double>> scalars;             // e.g. a thermostat
  std::vector<std::pair<std::string, std::vector<float>>> arrays;  // e.g. "momentum"

  const uint64_t* counter(const std::string& key) const;
  const double* scalar(const std::string& key) const;
  const std::vector<float>* array(const std::string& key) const;
};

/// What the schedule asks of one step.
struct StepControl {
  double stepSize = 0;   // h_t
  bool explore = false;  // exploration step of a cyclical schedule: no noise (temperature 0)
};

class Sampler {
 public:
  explicit Sampler(double stepSize) : m_stepSize(stepSize) {}
  virtual ~Sampler() = default;
  virtual const char* name() const = 0;
  virtual int gradientsPerStep() const = 0;
  /// One step (draws its own minibatch(es) from the target) with the step size and mode of
  /// `control`. Returns false when θ or the sampler's state is no longer finite (divergence);
  /// θ is then left as computed.
  virtual bool step(float* theta, GradientTarget& target, const StepControl& control) = 0;
  /// One sampling step at the settings' constant step size.
  bool step(float* theta, GradientTarget& target) {
    return step(theta, target, StepControl{m_stepSize, false});
  }

  /// Everything the next step depends on besides θ and the target. A sampler made with the same
  /// settings and dimension that restores it continues with bit-identical steps.
  virtual SamplerState saveState() const = 0;
  /// Restores a saveState() result; an error (BadFormat, naming `source` and the entry) when it
  /// comes from another sampler, lacks an entry or has an array of the wrong size. The sampler
  /// is unchanged on error.
  virtual Status restoreState(const SamplerState& state, const std::string& source) = 0;

 private:
  double m_stepSize;
};

struct SamplerSettings {
  SamplerKind kind = SamplerKind::Sgld;
  SghmcForm form = SghmcForm::Chen;
  double stepSize = 1e-4;
  double temperature = 1.0;
  int leapfrogSteps = 10;
  double alpha = 0.01;
  double beta = 0.0;
  bool freshBatchPerInnerStep = false;
  double psgldDecay = 0.99;      // a (pSGLD)
  double psgldLambda = 1e-5;     // λ (pSGLD)
  double sgnhtDiffusion = 0.01;  // A (SGNHT)
};

/// `noise` is the sampler's own stream (its draw numbers start at 0).
std::unique_ptr<Sampler> makeSampler(const SamplerSettings& s, int64_t dim, RandomStream noise);

std::unique_ptr<Sampler> makeSgld(const SamplerSettings& s, int64_t dim, RandomStream noise);
std::unique_ptr<Sampler> makeSghmc(const SamplerSettings& s, int64_t dim, RandomStream noise);
std::unique_ptr<Sampler> makePsgld(const SamplerSettings& s, int64_t dim, RandomStream noise);
std::unique_ptr<Sampler> makeSgnht(const SamplerSettings& s, int64_t dim, RandomStream noise);

namespace detail {
/// Fixed partition of a parameter vector into blocks for fused updates.
constexpr int64_t kUpdateBlock = 8192;
inline int64_t updateBlocks(int64_t dim) { return (dim + kUpdateBlock - 1) / kUpdateBlock; }
/// Runs body(begin, end, blockIndex) over the fixed blocks in parallel; returns false when any
/// call returned false.
bool forEachUpdateBlock(int64_t dim, const std::function<bool(int64_t, int64_t, int64_t)>& body);
/// xi[0 .. n) = the normals of indices [offset, offset + n) of `draw`, or zeros when !noise.
void fillNoise(const RandomStream& stream, uint64_t draw, int64_t offset, int64_t n, bool noise, float* xi);
/// Checks for restoreState(): the state comes from sampler `name`, and every counter and array
/// listed is there (arrays of `dim` floats). Error names `source` and the entry.
Status checkSamplerState(const SamplerState& state, const std::string& source, const char* name,
                         std::initializer_list<const char*> counters,
                         std::initializer_list<const char*> arrays, int64_t dim);
}  // namespace detail

}  // namespace bnn
