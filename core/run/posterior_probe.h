#pragma once
// What every kept posterior sample says about one image: the drawing canvas and "the same image
// under two runs" are built on it. The image is evaluated the way a test image is (bytes / 255
// into the first layer's sparse form, the same kernels), so a test image probed here gets
// exactly the probabilities the run's evaluation gives it; the measures come from the same code
// as the uncertainty explorer's (analysis/uncertainty.h), so they agree with it to the bit.
//
// Cost: the samples' first-layer rows of the image's ink only, then the small layers: about
// 5-30 µs per sample of 784-500-10, in parallel over fixed blocks of samples (deterministic).
// The first probe of a PosteriorSamples also checks every value once (verifyValues).
// Thread-safety: a pure function; may run on any thread (its parallel loops use the caller's
// TBB arena).

#include <atomic>
#include <cstdint>
#include <limits>
#include <vector>

#include "run/posterior_samples.h"
#include "util/error.h"

namespace bnn {

struct ImageProbe {
  int64_t samples = 0;
  int classes = 0;
  std::vector<float> probs;        // samples x classes: p_s(k | x), row-major
  std::vector<uint8_t> predicted;  // per sample: argmax_k p_s (lowest k on ties)
  std::vector<double> mean;        // p̄_k
  std::vector<double> voteShare;   // share of the samples whose argmax is k
  int predictedClass = 0;          // argmax p̄ (lowest k on ties)
  double maxProb = std::numeric_limits<double>::quiet_NaN();
  double entropy = std::numeric_limits<double>::quiet_NaN();            // H[p̄], nats
  double expectedEntropy = std::numeric_limits<double>::quiet_NaN();    // E_s H[p_s]
  double mutualInformation = std::numeric_limits<double>::quiet_NaN();  // H[p̄] - E_s H[p_s]
  double seconds = 0;                                                   // wall time of the probe
};

/// Every kept sample on one rows x cols image of bytes (0 background .. 255 ink, MNIST layout;
/// rows * cols must be the network's input size). Errors: BadDimensions, a non-finite parameter
/// (BadValue), Cancelled (polled between blocks of samples).
Result<ImageProbe> probeImage(const PosteriorSamples& samples, const uint8_t* pixels, int rows, int cols,
                              const std::atomic<bool>* cancel = nullptr);

}  // namespace bnn
