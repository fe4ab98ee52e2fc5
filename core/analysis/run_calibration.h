#pragma once
// Calibration of a run, side by side: the ensemble (the posterior predictive p̄, in double from
// the accumulator's log-sums, exactly the p̄ of analysis/uncertainty.h) and the single network
// at the last sample (its test-set probabilities, when the run kept them). The numbers of
// summary.json, `bnn-cli report` and the desktop Calibration view, computed by calibrationReport
// (analysis/calibration.h; conventions there and in the README).
// Pure functions and value types; safe to use from any thread.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analysis/calibration.h"

namespace bnn {

struct RunResult;
struct UncertaintyAnalysis;

/// Which probabilities a measure was computed from.
enum class PredictiveSource { Ensemble, LastSample };
const char* enumName(PredictiveSource source);     // "ensemble", "last_sample"
const char* sourceLabel(PredictiveSource source);  // "Ensemble", "Last sample"
inline constexpr PredictiveSource kPredictiveSources[] = {PredictiveSource::Ensemble,
                                                          PredictiveSource::LastSample};

/// A calibration report, or why there is none ("nothing has been sampled yet", "the run kept no
/// last-sample probabilities", ...).
struct CalibrationEntry {
  std::optional<CalibrationReport> report;
  std::string unavailable;  // empty when report is set
};

struct RunCalibration {
  CalibrationOptions options;
  CalibrationEntry ensemble;
  CalibrationEntry lastSample;
  const CalibrationEntry& entry(PredictiveSource s) const {
    return s == PredictiveSource::Ensemble ? ensemble : lastSample;
  }
};

/// Why a run has no last-sample probabilities, for every place that says so.
inline constexpr const char* kNoLastSampleProbs =
    "the run kept no last-sample probabilities (last_probs.npy; folders saved by earlier versions "
    "lack it)";

/// The last sample's test-set probabilities a run kept (N x K), or empty.
std::span<const float> lastSampleProbabilities(const RunResult& run);
/// Why lastSampleProbabilities(run) is empty: a pooled K-chain run has no one last network (each
/// chain's folder keeps its own); any other run kept none (kNoLastSampleProbs).
std::string noLastSampleReason(const RunResult& run);

/// Calibration of both. `analysis` may be null (nothing sampled: the ensemble entry says so);
/// `lastSampleProbs` is the last sample's N x K probabilities or empty; `unavailableLast` is the
/// reason given when it is empty (defaults to kNoLastSampleProbs). O(N K), plus a sort of the
/// confidences for equal-mass bins.
RunCalibration runCalibration(const UncertaintyAnalysis* analysis, std::span<const uint8_t> labels,
                              std::span<const float> lastSampleProbs, const CalibrationOptions& options = {},
                              const std::string& unavailableLast = {});

/// The same for a run: its ensemble from analyzeUncertainty(run), its last sample from the
/// probabilities it kept. Analyses the run again; a caller holding the analysis uses the form above.
RunCalibration runCalibration(const RunResult& run, const CalibrationOptions& options = {});

/// The reliability bins of both as CSV: source,scheme,bin,lower,upper,count,correct,accuracy,
/// confidence,gap (gap = accuracy - confidence; empty bins have nan accuracy, confidence and
/// gap). A source without a report contributes no rows.
std::string calibrationBinsCsv(const RunCalibration& c);
/// The numbers table (accuracy, mean confidence, ECE, MCE, NLL, Brier; ensemble | last sample)
/// as CSV: measure,ensemble,last_sample ("nan" where unavailable).
std::string calibrationTableCsv(const RunCalibration& c);
/// The same table as aligned text for a terminal, with the reasons for what is unavailable.
std::string calibrationTableText(const RunCalibration& c);

}  // namespace bnn
