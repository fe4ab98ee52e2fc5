#pragma once
// Step size of each sampling step (README "Step-size schedules"). Warm-up always runs at the
// constant step size h; the schedule starts with the sampling phase, t = 0 at its first step,
// and starts from h, so runs that differ only in their schedule share their warm-up bit for bit.
//
//   constant:    h_t = h
//   polynomial:  h_t = a (b + t)^(-γ) with a = h b^γ, computed as h (b / (b + t))^γ
//                (Welling and Teh 2011; γ in (0.5, 1])
//   cyclical:    K sampling steps in cycles of c = ⌈K/M⌉ steps (Zhang et al. 2020): with
//                r = (t mod c) / c (their r(t) with t counted from 1), h_t = (h / 2)(cos(π r) + 1);
//                a step with r < β explores: no noise, no sample kept
//
// Value type; const methods are thread-safe.

#include <cstdint>

#include "run/run_config.h"
#include "samplers/sampler.h"

namespace bnn {

class StepSchedule {
 public:
  /// The schedule of `c` over its c.samplingSteps sampling steps.
  explicit StepSchedule(const RunConfig& c);
  StepSchedule(ScheduleKind kind, double h, double b, double gamma, int64_t cycles, double beta,
               int64_t totalSteps);

  /// Step size and mode of sampling step t (0-based).
  StepControl at(int64_t t) const;
  /// Warm-up steps: the constant h, never exploring.
  StepControl warmup() const { return StepControl{m_h, false}; }
  /// Cyclical: the cycle length ⌈K/M⌉ (K for the other schedules) and the cycle of step t.
  int64_t cycleLength() const { return m_cycleLength; }
  int64_t cycleOf(int64_t t) const { return t / m_cycleLength; }
  /// True when sampling step t may keep a sample (not an exploration step).
  bool collects(int64_t t) const { return !at(t).explore; }

 private:
  ScheduleKind m_kind;
  double m_h, m_b, m_gamma, m_beta;
  int64_t m_cycleLength;
};

}  // namespace bnn
