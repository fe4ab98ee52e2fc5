#include "run/posterior_evaluation.h"

#include <chrono>
#include <cmath>
#include <string>

#include "run/chain_parts.h"
#include "util/format.h"

namespace bnn {

namespace {

Error evalError(ErrorCode code, std::string path, std::string detail, std::string expected = {},
                std::string found = {}) {
  return makeError(code, std::move(path), -1, std::move(expected), std::move(found), std::move(detail));
}

}  // namespace

std::vector<float> probabilitiesFromLogs(const std::vector<float>& logProbs) {
  std::vector<float> p(logProbs.size());
  for (size_t j = 0; j < logProbs.size(); ++j) p[j] = std::exp(logProbs[j]);
  return p;
}

Result<PosteriorEvaluation> evaluatePosterior(const PosteriorSamples& samples, const ImageSet& images,
                                              const EvaluationControl& control) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::string where = images.imagesPath.empty() ? std::string("images") : images.imagesPath;
  if (samples.count() == 0)
    return evalError(ErrorCode::BadValue, samples.path(), "no posterior samples to evaluate");
  if (images.pixelsPerImage() != samples.inputSize())
    return evalError(ErrorCode::BadDimensions, where, "image size against the network's input",
                     std::to_string(samples.inputSize()) + " pixels per image",
                     std::to_string(images.rows) + " x " + std::to_string(images.cols));
  if (static_cast<int64_t>(images.labels.size()) != images.count ||
      static_cast<int64_t>(images.pixels.size()) != images.count * images.pixelsPerImage())
    return evalError(ErrorCode::BadDimensions, where,
                     "pixels and labels of " + std::to_string(images.count) + " images");
  const int classes = samples.numClasses();
  for (int64_t i = 0; i < images.count; ++i)
    if (images.labels[static_cast<size_t>(i)] >= classes)
      return evalError(ErrorCode::LabelOutOfRange,
                       images.labelsPath.empty() ? std::string("labels") : images.labelsPath,
                       "label of image " + std::to_string(i), "0.." + std::to_string(classes - 1),
                       std::to_string(images.labels[static_cast<size_t>(i)]));
  if (Status st = samples.verifyValues(); !st) return st.error();

  const Mlp mlp(samples.shape());
  TestEvaluator evaluator(mlp, images);
  PosteriorEvaluation out;
  out.predictive.reset(images.count, classes);
  const int64_t total = samples.count();
  for (int64_t k = 0; k < total; ++k) {
    if (control.cancel && control.cancel->load(std::memory_order_relaxed))
      return evalError(ErrorCode::Cancelled, samples.path(),
                       "after " + std::to_string(k) + " of " + std::to_string(total) + " samples");
    const int64_t before = out.predictive.sampleCount();
    out.lastAccuracy = evaluator.evaluate(samples.sample(k), &out.predictive);
    if (evaluator.lastHadNonFinite() || out.predictive.sampleCount() != before + 1)
      return evalError(ErrorCode::BadValue, samples.path(),
                       "sample " + std::to_string(k) + " gives non-finite probabilities",
                       "finite log-probabilities", "NaN or infinity");
    if (control.progress) control.progress(k + 1, total);
  }
  out.lastProbs = probabilitiesFromLogs(evaluator.logProbs());
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

RunResult evaluationResult(const RunResult& source, PosteriorEvaluation evaluation,
                           std::shared_ptr<const ImageSet> images, const Dataset& dataset,
                           const EvaluationInfo& info) {
  RunResult r;
  r.config = source.config;
  std::string name = source.config.name + " on " + dataset.name;
  if (!info.split.empty() && info.split != "test") name += " " + info.split;
  if (!info.transform.empty()) name += " " + info.transform;
  r.config.name = name.substr(0, 200);  // the parameter table's limit on names
  r.datasetName = dataset.name;
  r.datasetDirectory = dataset.directory;
  r.datasetCheck = dataset.check;
  r.classNames = dataset.classNames;
  r.test = std::move(images);
  r.evaluation = info;
  const int64_t k = evaluation.predictive.sampleCount();
  r.outcome = {RunStatus::Completed,
               "evaluated " + std::to_string(k) + " kept sample" + (k == 1 ? "" : "s") + " on " +
                   std::to_string(r.testCount()) + " images",
               -1};
  r.predictive = std::move(evaluation.predictive);
  r.lastProbs = std::move(evaluation.lastProbs);
  r.lastPointwiseAccuracy = evaluation.lastAccuracy;
  r.timings.totalSeconds = evaluation.seconds;
  r.timings.evalSeconds = evaluation.seconds;
  r.timings.testPasses = k;
  r.timings.threads = source.timings.threads;
  return r;
}

}  // namespace bnn
