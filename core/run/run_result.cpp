#include "run/run_result.h"

#include <algorithm>

#include "data/dataset_identity.h"

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

std::string RunResult::className(int k) const {
  if (k >= 0 && static_cast<size_t>(k) < classNames.size()) return classNames[static_cast<size_t>(k)];
  return std::to_string(k);
}

std::string RunResult::classNoun() const {
  if (classNames.empty()) return datasetName == "Fashion-MNIST" ? "class" : "digit";
  return bnn::classNoun(classNames);
}

std::string RunResult::datasetLabel() const { return bnn::datasetLabel(datasetName, datasetCheck); }

std::string whySamplesUnavailable(const RunResult& r) {
  if (r.samples) return {};
  if (!r.samplesError.empty()) return "Its posterior samples cannot be used: " + r.samplesError;
  if (r.evaluation.isEvaluation())
    return "This is an evaluation of " + r.evaluation.sourceName +
           "; the posterior samples stay with that run.";
  if (r.outcome.status == RunStatus::Running)
    return "The run is still sampling; its samples come when it ends.";
  if (r.config.keepSamples == 0) return "The run kept no posterior samples (Kept samples K = 0).";
  if (r.predictive.sampleCount() == 0) return "The run ended before it took a posterior sample.";
  return "The run's folder holds no posterior samples (saved before runs kept them, or without them).";
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
