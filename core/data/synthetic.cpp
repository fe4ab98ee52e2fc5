#include "data/synthetic.h"

#include <algorithm>
#include <cmath>

#include <string>

namespace bnn {

namespace {

// SplitMix64: small, exact, portable.
uint64_t splitmix(uint64_t& s) {
  uint64_t z = (s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void fillSplit(ImageSet& set, int64_t count, uint64_t seed) {
  set.count = count;
  set.rows = 28;
  set.cols = 28;
  set.pixels.assign(static_cast<size_t>(count) * 784, 0);
  set.labels.resize(static_cast<size_t>(count));
  uint64_t s = seed;
  for (int64_t i = 0; i < count; ++i) {
    const int k = static_cast<int>(i % 10);
    set.labels[static_cast<size_t>(i)] = static_cast<uint8_t>(k);
    uint8_t* img = set.pixels.data() + i * 784;
    // Class pattern: a bar whose angle and offset depend on k, jittered per image.
    const double angle = k * 3.14159265358979 / 10.0;
    const double jitter = static_cast<double>(splitmix(s) % 1000) / 1000.0 - 0.5;
    const double cx = 14 + 2 * jitter, cy = 14 - 2 * jitter;
    for (int t = -11; t <= 11; ++t) {
      for (int w = -1; w <= 1; ++w) {
        const int x = static_cast<int>(std::lround(cx + t * std::cos(angle) - w * std::sin(angle)));
        const int y = static_cast<int>(std::lround(cy + t * std::sin(angle) + w * std::cos(angle)));
        if (x >= 0 && x < 28 && y >= 0 && y < 28) img[y * 28 + x] = 255;
      }
    }
    // A class-specific dot and sparse noise.
    img[(2 + k * 2) * 28 + 3] = 200;
    for (int j = 0; j < 40; ++j) {
      const uint64_t r = splitmix(s);
      img[r % 784] = static_cast<uint8_t>(std::max<int>(img[r % 784], static_cast<int>((r >> 32) % 256)));
    }
  }
}

}  // namespace

Dataset makeSyntheticDataset(int64_t trainCount, int64_t testCount, uint64_t seed) {
  Dataset d;
  d.name = "Synthetic";
  for (int k = 0; k < d.numClasses; ++k) d.classNames.push_back(std::to_string(k));
  d.directory = "";
  d.numClasses = 10;
  fillSplit(d.train, trainCount, seed * 2 + 1);
  fillSplit(d.test, testCount, seed * 2 + 2);
  return d;
}

}  // namespace bnn
