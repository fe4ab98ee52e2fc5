#pragma once
// Small learnable MNIST-shaped data for tests and demonstrations: class k draws a bright
// stroke pattern specific to k plus noise, 28x28 bytes, ~20% non-zero pixels like MNIST.
// Deterministic in (trainCount, testCount, seed). Thread-safe.

#include <cstdint>

#include "data/dataset.h"

namespace bnn {

Dataset makeSyntheticDataset(int64_t trainCount, int64_t testCount, uint64_t seed = 1);

}  // namespace bnn
