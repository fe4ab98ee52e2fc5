#pragma once
// Uncertainty measures of a posterior predictive over a labelled test set: the one code path
// behind the desktop explorer and `bnn-cli report`.
//
// Per image i (p̄ = mean predictive probabilities, S = number of posterior samples):
//   max p̄          confidence, max_k p̄_ik; predicted class = argmax_k p̄_ik (lowest k on ties)
//   entropy         H[p̄] = -Σ_k p̄ log p̄ (nats), total predictive uncertainty
//   expected entr.  E_s H[p_s] = -(Σ_s Σ_k p_s log p_s) / S, aleatoric part
//   mutual inf.     H[p̄] - E_s H[p_s] (epistemic part; values below 1e-12 nats, including
//                   negatives from rounding, are set to 0)
//   vote share      votes_ik / S, how often sample s had k as its argmax
// At a threshold t: retained = max p̄ >= t, uncertain = max p̄ < t (the two partition the test
// set); accuracy on retained is NaN when nothing is retained.
// Risk-coverage: images sorted by max p̄ descending; images with equal max p̄ enter together, so
// every point is reachable by a threshold. AURC = Σ_j (c_j - c_{j-1}) r_j over those points
// (right-endpoint rule); without ties it equals the usual mean of the N selective risks.
//
// All functions are pure; an UncertaintyAnalysis is an immutable value, safe to share between
// threads once built.

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "run/predictive.h"
#include "util/error.h"

namespace bnn {

struct RunResult;

/// Per-image measures plus the orderings that make threshold queries cheap (one sort per run).
struct UncertaintyAnalysis {
  int64_t numImages = 0;
  int numClasses = 0;
  int64_t sampleCount = 0;
  std::vector<double> meanProbs;          // numImages x numClasses, row-major p̄
  std::vector<double> voteShare;          // numImages x numClasses, votes / S
  std::vector<uint8_t> labels;            // numImages
  std::vector<uint8_t> predicted;         // numImages, argmax p̄
  std::vector<double> maxProb;            // numImages
  std::vector<double> entropy;            // numImages, H[p̄] in nats
  std::vector<double> expectedEntropy;    // numImages, E_s H[p_s] in nats
  std::vector<double> mutualInformation;  // numImages, H[p̄] - E_s H[p_s] >= 0
  double ensembleAccuracy = std::numeric_limits<double>::quiet_NaN();
  double negLogLikelihood = std::numeric_limits<double>::quiet_NaN();  // -1/N Σ log p̄(y_i)

  // Orderings (image indices). Ties are broken by ascending image index.
  std::vector<int32_t> byMaxProbAscending;
  std::vector<int32_t> byEntropyDescending;
  std::vector<int32_t> byMutualInformationDescending;
  // byMaxProbAscending reversed, with the number of correct predictions among the first k
  // (k = 0..N): retained counts and accuracy at any t in O(log N).
  std::vector<int32_t> byMaxProbDescending;
  std::vector<int64_t> correctPrefix;  // size numImages + 1

  bool correct(int64_t i) const { return predicted[size_t(i)] == labels[size_t(i)]; }
  double probability(int64_t i, int k) const { return meanProbs[size_t(i) * numClasses + k]; }
  double vote(int64_t i, int k) const { return voteShare[size_t(i) * numClasses + k]; }
};

/// Builds the analysis from a predictive accumulator and the true labels. Errors (BadFormat)
/// when there is no sample, the label count differs from the image count, or a label is out of
/// range. p̄ is computed in double from the accumulator's log-sums.
Result<UncertaintyAnalysis> analyzeUncertainty(const PredictiveAccumulator& predictive,
                                               const std::vector<uint8_t>& labels);
/// Same for a run's predictive and test labels.
Result<UncertaintyAnalysis> analyzeUncertainty(const RunResult& run);

/// Number of images with max p̄ >= t (retained). O(log N).
int64_t retainedCount(const UncertaintyAnalysis& a, double threshold);
/// Accuracy of argmax p̄ on retained images; NaN when nothing is retained. O(log N).
double retainedAccuracy(const UncertaintyAnalysis& a, double threshold);

struct UncertaintySummary {
  int64_t numImages = 0;
  int64_t sampleCount = 0;
  double threshold = 0;
  double ensembleAccuracy = std::numeric_limits<double>::quiet_NaN();
  double lastSampleAccuracy = std::numeric_limits<double>::quiet_NaN();  // NaN when unknown
  double accuracyGain = std::numeric_limits<double>::quiet_NaN();        // ensemble - last sample
  double negLogLikelihood = std::numeric_limits<double>::quiet_NaN();
  int64_t retained = 0;      // max p̄ >= t ("certain")
  int64_t uncertain = 0;     // max p̄ <  t
  double retainedShare = 0;  // retained / N
  double retainedAccuracy = std::numeric_limits<double>::quiet_NaN();
  int64_t misclassified = 0;
  int64_t confidentlyWrong = 0;      // wrong with max p̄ >= t
  double meanEntropy = 0;            // mean H[p̄] over the test set
  double meanExpectedEntropy = 0;    // mean E_s H[p_s]
  double meanMutualInformation = 0;  // mean MI
};

UncertaintySummary summarizeUncertainty(const UncertaintyAnalysis& a, double threshold,
                                        double lastSampleAccuracy);

/// Uncertain images (max p̄ < t) per true class, and their share of that class's test images
/// (NaN for a class with no test image).
struct PerClassUncertainty {
  std::vector<int64_t> total;      // test images per true class
  std::vector<int64_t> uncertain;  // of which max p̄ < t
  std::vector<double> share;       // uncertain / total
};
PerClassUncertainty perClassUncertainty(const UncertaintyAnalysis& a, double threshold);

/// linspace(first, last, count) as numpy computes it (last included).
std::vector<double> linspace(double first, double last, int count);
/// The example's grid: linspace(0.1, 1.0, 90).
std::vector<double> defaultThresholds();

struct ThresholdCurve {
  std::vector<double> thresholds;
  std::vector<int64_t> retained;
  std::vector<double> accuracy;        // on retained; NaN when nothing is retained
  std::vector<double> percentDropped;  // 100 * (1 - retained / N)
};
ThresholdCurve thresholdCurve(const UncertaintyAnalysis& a, const std::vector<double>& thresholds);

/// Point of a threshold curve with the smallest % dropped whose accuracy reaches `target`.
struct DropToReach {
  bool found = false;
  double percentDropped = std::numeric_limits<double>::quiet_NaN();
  double threshold = std::numeric_limits<double>::quiet_NaN();
  double accuracy = std::numeric_limits<double>::quiet_NaN();
};
DropToReach smallestDropReaching(const ThresholdCurve& curve, double targetAccuracy);

struct RiskCoverageCurve {
  std::vector<double> coverage;   // k / N at the end of each group of equal max p̄, increasing
  std::vector<double> risk;       // error rate among those k images
  std::vector<double> threshold;  // the max p̄ of the group (retain max p̄ >= it)
  double aurc = std::numeric_limits<double>::quiet_NaN();
};
RiskCoverageCurve riskCoverage(const UncertaintyAnalysis& a);

enum class UncertaintyOrder { MaxProbAscending, EntropyDescending, MutualInformationDescending };
const char* enumName(UncertaintyOrder);

struct GalleryFilter {
  int trueClass = -1;       // -1: any
  int predictedClass = -1;  // -1: any
  bool onlyMisclassified = false;
  bool onlyConfidentlyWrong = false;  // wrong and max p̄ >= threshold
  double threshold = 0.95;
};
/// Image indices in the given order that pass the filter. O(N).
std::vector<int32_t> rankedImages(const UncertaintyAnalysis& a, UncertaintyOrder order,
                                  const GalleryFilter& filter = {});

// CSV tables (header line + rows, '\n' line ends, numbers with full precision, NaN as "nan").
// The desktop explorer exports the same text.
std::string perClassCsv(const PerClassUncertainty& perClass, double threshold);
std::string thresholdCurveCsv(const ThresholdCurve& curve);
std::string riskCoverageCsv(const RiskCoverageCurve& curve);
/// index,true,predicted,max_prob,entropy,mutual_information,vote_share_of_predicted
std::string rankedImagesCsv(const UncertaintyAnalysis& a, const std::vector<int32_t>& images);
/// Multi-line human summary (what `bnn-cli report` prints).
std::string summaryText(const UncertaintySummary& s, const DropToReach& drop99, double aurc);

}  // namespace bnn
