#pragma once
// Cells of the fixed-width text tables the analysis commands print (calibration, OOD, shift):
// a number with a fixed count of decimals ("n/a" for NaN), and a cell padded to its column's
// width. Thread-safe (no state).

#include <cmath>
#include <cstdio>
#include <string>

namespace bnn {

/// `v` with `decimals` digits after the point; "n/a" for NaN.
inline std::string fixed(double v, int decimals) {
  if (std::isnan(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

/// `s` with spaces appended up to `width` characters (longer text is kept whole).
inline std::string padded(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

}  // namespace bnn
