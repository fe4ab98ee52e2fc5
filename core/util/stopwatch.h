#pragma once
// Wall-clock seconds elapsed since a steady_clock time point, for the timings runs and studies
// report. Thread-safe (no state).

#include <chrono>

namespace bnn {

/// Seconds from `t0` to now on the steady clock.
inline double secondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace bnn
