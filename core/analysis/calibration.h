#pragma once
// Calibration of class probabilities against labels: reliability bins, ECE, MCE, NLL and Brier
// score. The same functions serve the posterior predictive p̄ (the ensemble) and one network's
// probabilities (the last sample), from float (PredictiveAccumulator::meanProbabilities) or
// double (UncertaintyAnalysis::meanProbs) N x K row-major matrices.
//
// Conventions (Guo et al. 2017; stated in the README):
//   confidence c_i = max_k p_ik, prediction = argmax_k p_ik (lowest k on ties)
//   equal-width bins: bin b of B holds c in (b/B, (b+1)/B]; bin 0 also holds c = 0. A confidence
//     exactly on an edge goes to the lower bin (edges computed as double(b) / B).
//   equal-mass bins: the confidences sorted ascending are cut into B runs of floor/ceil(N/B)
//     images, except that equal confidences are never split (a cut inside a run of ties moves to
//     the end of the run), so every bin is an interval of confidence; with many ties fewer than
//     B bins are non-empty.
//   ECE = Σ_b (n_b / N) |acc_b - conf_b| over non-empty bins; MCE = max over non-empty bins.
//   NLL = -(1/N) Σ_i log p_i,y_i; a probability of exactly 0 (underflow) counts as the smallest
//     positive normal number of the input type, so the NLL stays finite (87.3 nats for float).
//   Brier = (1/N) Σ_i Σ_k (p_ik - 1[k = y_i])², in [0, 2].
// Cost: one O(N K) pass; equal-mass bins add one O(N log N) sort of the confidences.
// Pure functions on immutable inputs; safe to call from any thread.

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "util/error.h"

namespace bnn {

enum class BinScheme { EqualWidth, EqualMass };
const char* enumName(BinScheme scheme);

struct ReliabilityBin {
  // Confidence interval of the bin: (lower, upper], the first bin [0, upper]. Equal-width: the
  // bin edges. Equal-mass: the largest confidence of the bins below and the largest of this bin
  // (lower == upper for an empty bin).
  double lower = 0;
  double upper = 0;
  int64_t count = 0;
  int64_t correct = 0;
  double accuracy = std::numeric_limits<double>::quiet_NaN();    // correct / count; NaN when empty
  double confidence = std::numeric_limits<double>::quiet_NaN();  // mean confidence; NaN when empty
  double gap() const { return accuracy - confidence; }           // > 0: under-confident
};

struct CalibrationOptions {
  int numBins = 15;
  BinScheme scheme = BinScheme::EqualWidth;
};

struct CalibrationReport {
  BinScheme scheme = BinScheme::EqualWidth;
  int64_t numImages = 0;
  int numClasses = 0;
  std::vector<ReliabilityBin> bins;  // numBins entries, ascending confidence
  int nonEmptyBins = 0;
  double accuracy = std::numeric_limits<double>::quiet_NaN();        // argmax against labels
  double meanConfidence = std::numeric_limits<double>::quiet_NaN();  // mean max_k p_ik
  double ece = std::numeric_limits<double>::quiet_NaN();
  double mce = std::numeric_limits<double>::quiet_NaN();
  double negLogLikelihood = std::numeric_limits<double>::quiet_NaN();  // nats per image
  double brier = std::numeric_limits<double>::quiet_NaN();
};

/// Calibration of an N x K row-major probability matrix (N = labels.size(), K = numClasses)
/// against labels. Errors (BadFormat) for N = 0, a size mismatch, a label >= K, a NaN or a
/// negative probability (reported with the image index in `offset`), or numBins < 1.
Result<CalibrationReport> calibrationReport(std::span<const float> probs, int numClasses,
                                            std::span<const uint8_t> labels,
                                            const CalibrationOptions& options = {});
Result<CalibrationReport> calibrationReport(std::span<const double> probs, int numClasses,
                                            std::span<const uint8_t> labels,
                                            const CalibrationOptions& options = {});

/// Index of the equal-width bin (of numBins on [0, 1]) that holds confidence c: the b with
/// c in (b/B, (b+1)/B], 0 for c <= 0, B - 1 for c >= 1. O(1).
int equalWidthBin(double confidence, int numBins);

/// Per image: confidence max_k p_ik into `confidence` and argmax (lowest k on ties) into
/// `predicted` (both of size N; either may be empty to skip it). Shared with the OOD scores.
void topClass(std::span<const float> probs, int numClasses, std::span<double> confidence,
              std::span<uint8_t> predicted);
void topClass(std::span<const double> probs, int numClasses, std::span<double> confidence,
              std::span<uint8_t> predicted);

}  // namespace bnn
