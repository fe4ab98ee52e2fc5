#include "samplers/step_schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace bnn {

StepSchedule::StepSchedule(const RunConfig& c)
    : StepSchedule(c.schedule, c.stepSize, c.scheduleB, c.scheduleGamma, c.cycles, c.exploration,
                   c.samplingSteps) {}

StepSchedule::StepSchedule(ScheduleKind kind, double h, double b, double gamma, int64_t cycles, double beta,
                           int64_t totalSteps)
    : m_kind(kind), m_h(h), m_b(b), m_gamma(gamma), m_beta(beta) {
  const int64_t k = std::max<int64_t>(1, totalSteps);
  const int64_t m = std::max<int64_t>(1, cycles);
  m_cycleLength = kind == ScheduleKind::Cyclical ? (k + m - 1) / m : k;
}

StepControl StepSchedule::at(int64_t t) const {
  switch (m_kind) {
    case ScheduleKind::Constant:
      break;
    case ScheduleKind::Polynomial:
      return StepControl{m_h * std::pow(m_b / (m_b + static_cast<double>(t)), m_gamma), false};
    case ScheduleKind::Cyclical: {
      const double r = static_cast<double>(t % m_cycleLength) / static_cast<double>(m_cycleLength);
      return StepControl{m_h / 2 * (std::cos(std::numbers::pi * r) + 1), r < m_beta};
    }
  }
  return StepControl{m_h, false};
}

}  // namespace bnn
