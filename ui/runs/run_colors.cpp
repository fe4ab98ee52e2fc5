#include "runs/run_colors.h"

#include <cmath>

QColor runColor(int index) {
  static const char* kTab10[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  if (index >= 0 && index < 10) return QColor(QLatin1String(kTab10[index]));
  const int n = std::max(0, index - 10);
  // Golden-angle hues starting between tab10's blue and orange; lightness alternates in three
  // steps so that hues that come round again differ in lightness.
  const double hue = std::fmod(200.0 + 137.50776405 * n, 360.0);
  static const double kValue[] = {0.62, 0.82, 0.48};
  static const double kSaturation[] = {0.75, 0.55, 0.85};
  return QColor::fromHsvF(float(hue / 360.0), float(kSaturation[n % 3]), float(kValue[n % 3]));
}
