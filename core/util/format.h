#pragma once
// The one number formatter: the shortest decimal text that reads back as exactly the same value
// (std::to_chars), for CSV files, parameter values and messages. 0.1 -> "0.1", 4.5e-5 ->
// "4.5e-05", 1e21 -> "1e+21", 3.0 -> "3"; NaN -> "nan", infinities "inf" and "-inf" (what
// NumPy, pandas and std::from_chars read back). Thread-safe (no state).

#include <string>

namespace bnn {

/// Shortest round-trip text of a double.
std::string formatNumber(double v);
/// Shortest round-trip text of a float (float32 data: "0.1", not "0.100000001490116").
std::string formatNumber(float v);
/// Appends formatNumber(v) to `out` without a temporary string (for large CSV files).
void appendNumber(std::string& out, double v);

}  // namespace bnn
