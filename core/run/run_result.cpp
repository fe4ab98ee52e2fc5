#include "run/run_result.h"

#include <algorithm>

namespace bnn {

const char* enumName(Phase p) { return p == Phase::Warmup ? "warmup" : "sampling"; }

const char* enumName(RunStatus s) {
  switch (s) {
    case RunStatus::Running:
      return "running";
    case RunStatus::Completed:
      return "completed";
    case RunStatus::Cancelled:
      return "cancelled";
    case RunStatus::Diverged:
      return "diverged";
    case RunStatus::Failed:
      return "failed";
    case RunStatus::Warning:
      return "warning";
  }
  return "unknown";
}

namespace {
const std::vector<uint8_t> kNoBytes;
}  // namespace

const std::vector<uint8_t>& RunResult::testLabels() const { return test ? test->labels : kNoBytes; }

const std::vector<uint8_t>& RunResult::testImages() const { return test ? test->pixels : kNoBytes; }

double RunResult::ensembleAccuracy() const {
  const std::vector<uint8_t>& labels = testLabels();
  if (labels.empty() || labels.size() != static_cast<size_t>(predictive.numImages()))
    return std::numeric_limits<double>::quiet_NaN();
  return predictive.accuracy(labels.data());
}

std::shared_ptr<const ImageSet> sharedTestSplit(const std::shared_ptr<const Dataset>& data) {
  if (!data) return nullptr;
  return std::shared_ptr<const ImageSet>(data, &data->test);
}

double certainShare(const PredictiveAccumulator& p, double threshold) {
  if (p.sampleCount() == 0 || p.numImages() == 0) return std::numeric_limits<double>::quiet_NaN();
  const std::vector<float> probs = p.meanProbabilities();
  const int k = p.numClasses();
  int64_t certain = 0;
  for (int64_t i = 0; i < p.numImages(); ++i) {
    const float* r = probs.data() + i * k;
    certain += *std::max_element(r, r + k) > threshold;
  }
  return static_cast<double>(certain) / static_cast<double>(p.numImages());
}

}  // namespace bnn
