#include "analysis/shift_study.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "analysis/calibration.h"
#include "analysis/ood.h"
#include "analysis/table_text.h"
#include "run/posterior_evaluation.h"
#include "run/run_result.h"
#include "util/format.h"
#include "util/stopwatch.h"

namespace bnn {

namespace {

std::optional<double> number(std::string_view t) {
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  if (t.empty()) return std::nullopt;
  if (t.front() == '+') t.remove_prefix(1);
  double v = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || end != t.data() + t.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

Error rangeError(const std::string& option, std::string_view text, const std::string& why) {
  return makeError(ErrorCode::InvalidConfig, "", -1, "FROM:TO:STEP or one number",
                   quotedText(std::string(text)), option + ": " + why);
}

double mean(const std::vector<double>& v) {
  return v.empty() ? std::numeric_limits<double>::quiet_NaN()
                   : std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
}

template <class T>
ShiftMeasures measuresOf(std::span<const T> probs, int numClasses, std::span<const uint8_t> labels) {
  ShiftMeasures m;
  const Result<CalibrationReport> c = calibrationReport(probs, numClasses, labels);
  if (c) {
    m.accuracy = c->accuracy;
    m.nll = c->negLogLikelihood;
    m.ece = c->ece;
    m.brier = c->brier;
  }
  m.meanEntropy = mean(entropyScores(probs, numClasses));
  return m;
}

}  // namespace

Result<std::vector<double>> parseLevelRange(std::string_view text, const std::string& option) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i)
    if (i == text.size() || text[i] == ':') {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  if (parts.size() == 1) {
    const auto v = number(parts[0]);
    if (!v) return rangeError(option, text, "not a number");
    return std::vector<double>{*v};
  }
  if (parts.size() != 3) return rangeError(option, text, "expected three parts separated by ':'");
  const auto from = number(parts[0]), to = number(parts[1]), step = number(parts[2]);
  if (!from || !to || !step) return rangeError(option, text, "every part must be a finite number");
  if (*step <= 0) return rangeError(option, text, "STEP must be > 0");
  if (*from > *to) return rangeError(option, text, "FROM must be <= TO");
  const double n = std::floor((*to - *from) / *step + 1e-9);
  if (n + 1 > 1000) return rangeError(option, text, "more than 1000 levels");
  std::vector<double> levels;
  for (int64_t i = 0; i <= int64_t(n); ++i) levels.push_back(*from + double(i) * *step);
  return levels;
}

std::vector<TransformSpec> rotationLevels(const std::vector<double>& degrees) {
  std::vector<TransformSpec> out;
  for (double d : degrees) out.push_back({TransformKind::Rotate, d, 0, 0, 0});
  return out;
}

std::vector<TransformSpec> translationLevels(const std::vector<double>& pixels) {
  std::vector<TransformSpec> out;
  for (double p : pixels) out.push_back({TransformKind::Translate, 0, p, 0, 0});
  return out;
}

std::vector<TransformSpec> noiseLevels(const std::vector<double>& sigmas) {
  std::vector<TransformSpec> out;
  for (double s : sigmas) out.push_back({TransformKind::GaussianNoise, 0, 0, 0, s});
  return out;
}

Result<ShiftStudy> shiftStudy(const RunResult& run, const std::vector<TransformSpec>& levels,
                              const ShiftControl& control) {
  const auto t0 = std::chrono::steady_clock::now();
  if (!run.samples) return makeError(ErrorCode::InvalidConfig, "", -1, "", "", whySamplesUnavailable(run));
  if (!run.test || run.test->count <= 0)
    return makeError(ErrorCode::InvalidConfig, "", -1, "", "", "the run has no test images");
  ShiftStudy study;
  study.numImages = run.test->count;
  EvaluationControl ec;
  ec.cancel = control.cancel;
  ec.progress = control.sampleProgress;
  const int k = run.samples->numClasses();
  for (size_t i = 0; i < levels.size(); ++i) {
    const auto tl = std::chrono::steady_clock::now();
    const TransformSpec& spec = levels[i];
    ShiftLevel level;
    level.spec = spec;
    level.transform = enumName(spec.kind);
    level.level = spec.kind == TransformKind::Rotate      ? spec.degrees
                  : spec.kind == TransformKind::Translate ? spec.dx
                                                          : spec.sigma;
    const ImageSet images = applyTransform(*run.test, spec, control.seed);
    Result<PosteriorEvaluation> e = evaluatePosterior(*run.samples, images, ec);
    if (!e) return e.error();
    study.sampleCount = e->predictive.sampleCount();
    const std::vector<float> mean = e->predictive.meanProbabilities();
    level.ensemble = measuresOf(std::span<const float>(mean), k, images.labels);
    level.ensemble.meanMutualInformation =
        bnn::mean(mutualInformationScores(mean, k, e->predictive.sumPLogP(), e->predictive.sampleCount()));
    if (!e->lastProbs.empty())
      level.lastSample = measuresOf(std::span<const float>(e->lastProbs), k, images.labels);
    level.seconds = secondsSince(tl);
    study.levels.push_back(std::move(level));
    if (control.progress) control.progress(int(i + 1), int(levels.size()));
  }
  study.seconds = secondsSince(t0);
  return study;
}

std::string shiftTableCsv(const ShiftStudy& study) {
  std::string s = "transform,level,source,accuracy,nll,ece,brier,mean_entropy,mean_mi,seconds\n";
  for (const ShiftLevel& l : study.levels)
    for (PredictiveSource src : kPredictiveSources) {
      const ShiftMeasures& m = src == PredictiveSource::Ensemble ? l.ensemble : l.lastSample;
      s += l.transform + ',' + formatNumber(l.level) + ',' + enumName(src);
      for (double v :
           {m.accuracy, m.nll, m.ece, m.brier, m.meanEntropy, m.meanMutualInformation, l.seconds}) {
        s += ',';
        s += formatNumber(v);
      }
      s += '\n';
    }
  return s;
}

std::string shiftTableText(const ShiftStudy& study) {
  std::string s = std::to_string(study.sampleCount) + " kept samples on " + std::to_string(study.numImages) +
                  " test images per level; ensemble | last sample\n";
  s += padded("  level", 22) + padded("accuracy", 17) + padded("NLL", 17) + padded("ECE", 17) +
       padded("Brier", 17) + padded("entropy", 17) + "MI\n";
  for (const ShiftLevel& l : study.levels) {
    std::string name = "  " + l.transform + " " + formatNumber(l.level);
    s += padded(name, 22);
    auto pair = [](double a, double b, int d) { return padded(fixed(a, d) + " | " + fixed(b, d), 17); };
    s += pair(l.ensemble.accuracy, l.lastSample.accuracy, 4) + pair(l.ensemble.nll, l.lastSample.nll, 3) +
         pair(l.ensemble.ece, l.lastSample.ece, 4) + pair(l.ensemble.brier, l.lastSample.brier, 4) +
         pair(l.ensemble.meanEntropy, l.lastSample.meanEntropy, 3) +
         fixed(l.ensemble.meanMutualInformation, 4) + "\n";
  }
  s += "  time " + fixed(study.seconds, 1) + " s\n";
  return s;
}

}  // namespace bnn
