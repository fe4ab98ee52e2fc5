#include "run/posterior_probe.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

#include "analysis/uncertainty.h"
#include "data/dataset.h"
#include "nn/mlp.h"
#include "nn/sparse_batch.h"
#include "run/predictive.h"
#include "util/parallel.h"

namespace bnn {

namespace {
constexpr int64_t kSamplesPerBlock = 4;  // fixed partition of the samples
}  // namespace

Result<ImageProbe> probeImage(const PosteriorSamples& samples, const uint8_t* pixels, int rows, int cols,
                              const std::atomic<bool>* cancel) {
  const auto t0 = std::chrono::steady_clock::now();
  if (rows * cols != samples.inputSize())
    return makeError(ErrorCode::BadDimensions, "image", -1, std::to_string(samples.inputSize()) + " pixels",
                     std::to_string(rows) + " x " + std::to_string(cols));
  if (samples.count() == 0)
    return makeError(ErrorCode::BadValue, samples.path(), -1, {}, {}, "no posterior samples to evaluate");
  if (Status st = samples.verifyValues(); !st) return st.error();

  ImageSet one;
  one.count = 1;
  one.rows = rows;
  one.cols = cols;
  one.pixels.assign(pixels, pixels + rows * cols);
  one.labels = {0};
  SparseBatch batch;
  batch.gatherRange(one, 0, 1);
  const Mlp mlp(samples.shape());
  const int k = samples.numClasses();
  const int64_t s = samples.count();
  std::vector<float> logProbs(static_cast<size_t>(s * k));
  const int64_t blocks = (s + kSamplesPerBlock - 1) / kSamplesPerBlock;
  std::atomic<bool> stopped{false};
  parallelBlocks(blocks, [&](int64_t b) {
    if (cancel && cancel->load(std::memory_order_relaxed)) {
      stopped = true;
      return;
    }
    MlpWorkspace ws;
    for (int64_t j = b * kSamplesPerBlock; j < std::min(s, (b + 1) * kSamplesPerBlock); ++j)
      mlp.logProbabilities(samples.sample(j), batch, logProbs.data() + j * k, ws, false);
  });
  if (stopped) return makeError(ErrorCode::Cancelled, samples.path(), -1, {}, {}, "probe of an image");

  ImageProbe p;
  p.samples = s;
  p.classes = k;
  p.probs.resize(logProbs.size());
  p.predicted.resize(static_cast<size_t>(s));
  PredictiveAccumulator acc(1, k);
  for (int64_t j = 0; j < s; ++j) {
    const float* lp = logProbs.data() + j * k;
    for (int c = 0; c < k; ++c) {
      if (!std::isfinite(lp[c]))
        return makeError(ErrorCode::BadValue, samples.path(), -1, "finite log-probabilities",
                         "NaN or infinity", "sample " + std::to_string(j) + " on this image");
      p.probs[static_cast<size_t>(j * k + c)] = std::exp(lp[c]);
    }
    p.predicted[static_cast<size_t>(j)] = static_cast<uint8_t>(std::max_element(lp, lp + k) - lp);
    acc.add(lp);
  }
  Result<UncertaintyAnalysis> a = analyzeUncertainty(acc, {0});
  if (!a) return a.error();
  p.mean.assign(a->meanProbs.begin(), a->meanProbs.end());
  p.voteShare.assign(a->voteShare.begin(), a->voteShare.end());
  p.predictedClass = a->predicted[0];
  p.maxProb = a->maxProb[0];
  p.entropy = a->entropy[0];
  p.expectedEntropy = a->expectedEntropy[0];
  p.mutualInformation = a->mutualInformation[0];
  p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return p;
}

}  // namespace bnn
