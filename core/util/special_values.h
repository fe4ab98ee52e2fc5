#pragma once
// Named floating-point special values shared by the analysis and result code. Thread-safe
// (constants only).

#include <limits>

namespace bnn {

/// The value of a statistic that is not defined (too few draws, an empty set, a missing field).
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace bnn
