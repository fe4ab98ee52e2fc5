#include "charts/axis_ticks.h"

#include <QValueAxis>
#include <algorithm>
#include <cmath>

double niceStep(double span, int target, bool integer) {
  const double raw = std::max(span, 1e-12) / std::max(1, target);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * mag;
  for (double m : {1.0, 2.0, 2.5, 5.0})
    if (m * mag >= raw * (1 - 1e-9)) {
      step = m * mag;
      break;
    }
  if (integer) {
    if (step < 1) step = 1;
    if (std::abs(step - 2.5) < 1e-9) step = 2;  // 2.5 is no step for counts
  }
  return step;
}

int tickDecimals(double step) {
  for (int d = 0; d < 10; ++d) {
    const double scaled = step * std::pow(10.0, d);
    if (std::abs(scaled - std::round(scaled)) < 1e-6 * std::max(1.0, scaled)) return d;
  }
  return 10;
}

double applyNiceTicks(QValueAxis* axis, double lo, double hi, const TickOptions& o) {
  if (!(hi > lo)) hi = lo + 1;
  const double step = niceStep(hi - lo, o.target, o.integer);
  const int decimals = tickDecimals(step);
  axis->setLabelFormat(QStringLiteral("%.%1f%2").arg(decimals).arg(o.suffix));
  if (o.roundRange) {
    // Fixed ticks from the first to the last multiple of the step.
    const double first = std::floor(lo / step + 1e-9) * step;
    const double last = std::ceil(hi / step - 1e-9) * step;
    axis->setTickType(QValueAxis::TicksFixed);
    axis->setRange(first, last);
    axis->setTickCount(int(std::lround((last - first) / step)) + 1);
  } else {
    // Dynamic ticks anchored at 0. Switch to fixed ticks while the range changes: an old small
    // interval over a new wide range would lay out one item per tick for a moment.
    axis->setTickType(QValueAxis::TicksFixed);
    axis->setTickCount(2);
    // A hair above hi so that a tick exactly at hi survives rounding.
    axis->setRange(lo, hi + step * 1e-6);
    axis->setTickAnchor(0);
    axis->setTickInterval(step);
    axis->setTickType(QValueAxis::TicksDynamic);
  }
  return step;
}
