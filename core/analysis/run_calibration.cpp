#include "analysis/run_calibration.h"

#include <cmath>
#include <cstdio>
#include <limits>

#include "analysis/table_text.h"
#include "analysis/uncertainty.h"
#include "run/run_result.h"
#include "util/format.h"

namespace bnn {

namespace {

CalibrationEntry entryFrom(Result<CalibrationReport> r) {
  CalibrationEntry e;
  if (r.ok())
    e.report = std::move(r.value());
  else
    e.unavailable = r.error().message();
  return e;
}

struct Measure {
  const char* key;
  const char* label;
  double (*get)(const CalibrationReport&);
};

constexpr Measure kMeasures[] = {
    {"accuracy", "accuracy", [](const CalibrationReport& r) { return r.accuracy; }},
    {"mean_confidence", "mean confidence", [](const CalibrationReport& r) { return r.meanConfidence; }},
    {"ece", "ECE", [](const CalibrationReport& r) { return r.ece; }},
    {"mce", "MCE", [](const CalibrationReport& r) { return r.mce; }},
    {"nll", "NLL (nats)", [](const CalibrationReport& r) { return r.negLogLikelihood; }},
    {"brier", "Brier (0-2)", [](const CalibrationReport& r) { return r.brier; }},
};

double valueOf(const CalibrationEntry& e, const Measure& m) {
  return e.report ? m.get(*e.report) : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

const char* enumName(PredictiveSource source) {
  return source == PredictiveSource::Ensemble ? "ensemble" : "last_sample";
}

const char* sourceLabel(PredictiveSource source) {
  return source == PredictiveSource::Ensemble ? "Ensemble" : "Last sample";
}

RunCalibration runCalibration(const UncertaintyAnalysis* analysis, std::span<const uint8_t> labels,
                              std::span<const float> lastSampleProbs, const CalibrationOptions& options,
                              const std::string& unavailableLast) {
  RunCalibration c;
  c.options = options;
  if (analysis)
    c.ensemble = entryFrom(calibrationReport(std::span<const double>(analysis->meanProbs),
                                             analysis->numClasses, labels, options));
  else
    c.ensemble.unavailable = "nothing has been sampled yet";
  if (!lastSampleProbs.empty()) {
    const int k = analysis ? analysis->numClasses : 10;
    c.lastSample = entryFrom(calibrationReport(lastSampleProbs, k, labels, options));
  } else {
    c.lastSample.unavailable = unavailableLast.empty() ? kNoLastSampleProbs : unavailableLast;
  }
  return c;
}

std::span<const float> lastSampleProbabilities(const RunResult& run) {
  const size_t want = size_t(run.predictive.numImages()) * size_t(run.predictive.numClasses());
  return run.lastProbs.size() == want ? std::span<const float>(run.lastProbs) : std::span<const float>();
}

std::string noLastSampleReason(const RunResult& run) {
  if (run.config.chains > 1 && run.config.chainIndex < 0)
    return "the " + std::to_string(run.config.chains) +
           " chains are pooled, and a pool has no one last sample (each chain's folder keeps its own)";
  return kNoLastSampleProbs;
}

RunCalibration runCalibration(const RunResult& run, const CalibrationOptions& options) {
  const Result<UncertaintyAnalysis> a = analyzeUncertainty(run);
  RunCalibration c = runCalibration(a.ok() ? &a.value() : nullptr, run.testLabels(),
                                    lastSampleProbabilities(run), options, noLastSampleReason(run));
  if (!a.ok())
    c.ensemble.unavailable =
        run.predictive.sampleCount() <= 0 ? "nothing has been sampled yet" : a.error().message();
  return c;
}

std::string calibrationBinsCsv(const RunCalibration& c) {
  std::string s = "source,scheme,bin,lower,upper,count,correct,accuracy,confidence,gap\n";
  for (PredictiveSource src : kPredictiveSources) {
    const CalibrationEntry& e = c.entry(src);
    if (!e.report) continue;
    for (size_t b = 0; b < e.report->bins.size(); ++b) {
      const ReliabilityBin& bin = e.report->bins[b];
      s += enumName(src);
      s += ',';
      s += enumName(e.report->scheme);
      s += ',' + std::to_string(b) + ',';
      appendNumber(s, bin.lower);
      s += ',';
      appendNumber(s, bin.upper);
      s += ',' + std::to_string(bin.count) + ',' + std::to_string(bin.correct) + ',';
      appendNumber(s, bin.accuracy);
      s += ',';
      appendNumber(s, bin.confidence);
      s += ',';
      appendNumber(s, bin.gap());
      s += '\n';
    }
  }
  return s;
}

std::string calibrationTableCsv(const RunCalibration& c) {
  std::string s = "measure,ensemble,last_sample\n";
  for (const Measure& m : kMeasures) {
    s += m.key;
    s += ',';
    appendNumber(s, valueOf(c.ensemble, m));
    s += ',';
    appendNumber(s, valueOf(c.lastSample, m));
    s += '\n';
  }
  return s;
}

std::string calibrationTableText(const RunCalibration& c) {
  const std::string bins = std::to_string(c.options.numBins) +
                           (c.options.scheme == BinScheme::EqualWidth ? " equal-width" : " equal-mass") +
                           " bins";
  std::string s = padded("calibration (" + bins + ")", 34) + padded("ensemble", 13) + "last sample\n";
  for (const Measure& m : kMeasures) {
    s += "  " + padded(m.label, 32) + padded(fixed(valueOf(c.ensemble, m), 4), 13) +
         fixed(valueOf(c.lastSample, m), 4) + '\n';
  }
  for (PredictiveSource src : kPredictiveSources)
    if (!c.entry(src).report)
      s += std::string("  ") + sourceLabel(src) + " unavailable: " + c.entry(src).unavailable + '\n';
  return s;
}

}  // namespace bnn
