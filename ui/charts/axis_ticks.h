#pragma once
// The one tick-spacing routine of the charts: ticks at multiples of 1, 2, 2.5 or 5 x 10^k
// chosen for about `target` intervals, labels with exactly the decimals the step needs
// ("0.95", not "0.950000"; counts never get fractional ticks).
// Threading: GUI thread only (QValueAxis); niceStep and tickDecimals are pure.

#include <QString>

QT_BEGIN_NAMESPACE
class QValueAxis;
QT_END_NAMESPACE

/// Smallest of 1, 2, 2.5, 5 x 10^k that is at least span / target (at least 1 when `integer`).
double niceStep(double span, int target, bool integer = false);
/// Decimals needed to print multiples of `step` exactly (0.25 -> 2, 5 -> 0).
int tickDecimals(double step);

struct TickOptions {
  int target = 5;        // about this many intervals
  bool integer = false;  // counts: whole-number ticks only
  /// true: the range is widened to multiples of the step and the ticks are fixed (first and last
  /// tick at the ends). false: the range is kept as given and the ticks sit at multiples of the
  /// step inside it (a schedule's 0..2340 keeps its end).
  bool roundRange = true;
  QString suffix;  // appended to every label, e.g. " s"
};

/// Sets the axis range [lo, hi] and its ticks and label format. Returns the step.
double applyNiceTicks(QValueAxis* axis, double lo, double hi, const TickOptions& options = {});
