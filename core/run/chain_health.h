#pragma once
// Whether a chain that ran to its end is a normal success (README "When a chain fails"). A chain
// whose numbers turn non-finite stops as diverged (the run engine sees that itself); ChainHealth
// watches for the two quieter failures and turns them into a warning that says at which step,
// what was seen and which step size to try:
//   - the potential explodes: the minibatch potential U(θ) = -(N/n) Σ_B log p(y|x,θ) - log p(θ)
//     exceeds kExplosionFactor (U₀ + d T / 2), U₀ its value at the first step: a chain sampling at
//     temperature T sits near its minimum plus d T / 2 (equipartition over d parameters), which
//     from a small initialisation (U₀ small against d T / 2) is a legitimate rise;
//   - test accuracy at chance after warm-up: every pointwise evaluation of the sampling phase and
//     the ensemble are at most chance + 0.1 (1 - chance), chance being the share of the test set's
//     most common class (what always answering that class scores). Judged only when the test set
//     is large enough to tell: the margin 0.1 (1 - chance) is at least 3 binomial standard errors
//     sqrt(chance (1 - chance) / images) (at chance 0.1: 100 images or more).
// The suggested step size is h / 10, or 10 h when the chain is at chance and θ has barely moved
// from its initialisation (‖θ - θ₀‖ < kStillRatio ‖θ₀‖: the step size is too small to learn).
// Used by one thread at a time.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "run/run_result.h"

namespace bnn {

class ChainHealth {
 public:
  static constexpr double kExplosionFactor = 10.0;
  static constexpr double kStillRatio = 0.1;

  /// `h` the configured step size, `chance` the chance-level accuracy of the test set, `d` the
  /// number of parameters, `T` the temperature.
  ChainHealth(double h, double chance, int64_t d, double T, int64_t testImages = 10000)
      : m_h(h),
        m_chance(chance),
        m_equipartition(0.5 * static_cast<double>(d) * T),
        m_testImages(testImages) {}

  /// Share of the most common label (0 for no labels).
  static double chanceAccuracy(const std::vector<uint8_t>& labels, int numClasses);
  /// True when `images` test images can tell chance from the threshold (see the top).
  static bool canJudgeChance(double chance, int64_t images);
  /// Accuracy at or below which a chain counts as at chance: chance + 0.1 (1 - chance).
  static double chanceThreshold(double chance) { return chance + 0.1 * (1.0 - chance); }
  /// h / 10 rounded to two significant digits (or 10 h when `larger`).
  static double suggestedStepSize(double h, bool larger);

  /// Minibatch potential U after step `step` (0-based) of `phase`; the first call sets the reference.
  void potential(Phase phase, int64_t step, double u);
  /// Pointwise test accuracy after step `step` of `phase`.
  void evaluated(Phase phase, int64_t step, double accuracy);

  /// The warning for a chain that completed, or nullopt for a healthy one. `ensemble` the
  /// ensemble accuracy (NaN without samples), `movedRatio` ‖θ - θ₀‖ / ‖θ₀‖ at the end.
  std::optional<std::string> warning(double ensemble, double movedRatio) const;
  /// Text for a chain that diverged: the suggestion appended to the engine's message.
  static std::string divergedSuggestion(double h);

  double referencePotential() const { return m_s.u0; }

  /// What the checks have seen so far: a chain continued from a checkpoint (run/checkpoint.h)
  /// restores it and warns exactly as the uninterrupted chain would. Value type.
  struct State {
    // The reference potential U₀ (haveU0, u0), the first explosion seen (exploded, explodedU,
    // explodedPhase, explodedStep), and for the chance level the last evaluation above the
    // threshold (aboveSeen, lastAbovePhase, lastAboveStep) and the sampling evaluations
    // (lastSamplingAccuracy, samplingEvals, samplingAbove). The checkpoint reads the members in
    // this order.
    bool haveU0 = false, exploded = false, aboveSeen = false;
    double u0 = 0, explodedU = 0, lastSamplingAccuracy = 0;
    Phase explodedPhase = Phase::Warmup, lastAbovePhase = Phase::Warmup;
    int64_t explodedStep = 0, lastAboveStep = 0, samplingEvals = 0, samplingAbove = 0;
  };
  State state() const { return m_s; }
  void restore(const State& s) { m_s = s; }

 private:
  double m_h, m_chance, m_equipartition;
  int64_t m_testImages;
  State m_s;
};

}  // namespace bnn
