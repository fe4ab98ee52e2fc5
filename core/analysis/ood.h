#pragma once
// Out-of-distribution detection: per-image scores and how well they separate an
// in-distribution set (the MNIST test set) from an out-of-distribution one.
//
// Conventions (stated in the README):
//   OOD is the positive class; a higher score means "more likely OOD". Scores:
//     -max p̄, H[p̄] = -Σ_k p̄_k log p̄_k, MI = H[p̄] - (-(Σ_s Σ_k p_s log p_s) / S) (values below
//     1e-12 nats set to 0, as in analysis/uncertainty.h), and -max p_last (one network).
//   AUROC = P(out > in) + ½ P(out = in): the Mann-Whitney statistic with average ranks for ties,
//     counted exactly in integers. 1 = perfect separation, 0.5 = chance.
//   AUPR (OOD positive) = average precision Σ_n (R_n - R_{n-1}) P_n over the distinct score values
//     taken as thresholds from high to low (images with equal scores enter together), as
//     sklearn's average_precision_score.
//   FPR at 95% TPR: τ = the largest score with at least 95% of the OOD scores >= τ (the
//     ceil(0.95 m)-th largest OOD score); FPR = share of in-distribution scores >= τ.
//   A NaN anywhere in a score list makes every metric of that pair NaN (nothing is sorted); an
//   empty set makes the metrics that need it NaN.
// Cost: one sort of each list, O((n + m) log(n + m)); 10,000 + 10,000 scores take about 1 ms.
// Pure functions on immutable inputs; safe to call from any thread.

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace bnn {

class PredictiveAccumulator;
struct UncertaintyAnalysis;

enum class OodScoreKind { NegMaxProb, Entropy, MutualInformation, NegMaxProbLastSample };
const char* enumName(OodScoreKind kind);
/// The four kinds in table order.
inline constexpr OodScoreKind kOodScoreKinds[] = {OodScoreKind::NegMaxProb, OodScoreKind::Entropy,
                                                  OodScoreKind::MutualInformation,
                                                  OodScoreKind::NegMaxProbLastSample};

// Scores per image of an N x K row-major probability matrix (float as meanProbabilities gives,
// or double).
std::vector<double> negMaxProbScores(std::span<const float> probs, int numClasses);
std::vector<double> negMaxProbScores(std::span<const double> probs, int numClasses);
std::vector<double> entropyScores(std::span<const float> probs, int numClasses);
std::vector<double> entropyScores(std::span<const double> probs, int numClasses);
/// MI from p̄ and the accumulator's Σ_s Σ_k p_s log p_s per image (sumPLogP, size N) over S samples.
std::vector<double> mutualInformationScores(std::span<const float> meanProbs, int numClasses,
                                            std::span<const double> sumPLogP, int64_t sampleCount);

/// All four scores of one image set. negMaxProbLastSample is empty when no last-sample
/// probabilities were given.
struct OodScoreSet {
  std::vector<double> negMaxProb;
  std::vector<double> entropy;
  std::vector<double> mutualInformation;
  std::vector<double> negMaxProbLastSample;
  const std::vector<double>& scores(OodScoreKind kind) const;
};
/// From an evaluated predictive (p̄, Σ p log p, S) and, optionally, the last sample's N x K
/// probabilities.
OodScoreSet oodScoreSet(const PredictiveAccumulator& predictive, std::span<const float> lastSampleProbs = {});
/// From the explorer's analysis (its max p̄, entropy and MI, computed from the log-sums).
OodScoreSet oodScoreSet(const UncertaintyAnalysis& analysis, std::span<const float> lastSampleProbs = {});

struct OodMetrics {
  int64_t numIn = 0;
  int64_t numOut = 0;
  double auroc = std::numeric_limits<double>::quiet_NaN();
  double aupr = std::numeric_limits<double>::quiet_NaN();  // average precision, OOD positive
  double tprTarget = 0.95;
  double fprAtTpr = std::numeric_limits<double>::quiet_NaN();
  double threshold = std::numeric_limits<double>::quiet_NaN();    // τ
  double tprAchieved = std::numeric_limits<double>::quiet_NaN();  // share of OOD scores >= τ (>= target)
};

/// All three metrics from one sort of each list.
OodMetrics oodMetrics(std::span<const double> inScores, std::span<const double> outScores,
                      double tprTarget = 0.95);
double auroc(std::span<const double> inScores, std::span<const double> outScores);
double averagePrecision(std::span<const double> inScores, std::span<const double> outScores);

/// ROC curve from (0, 0) to (1, 1): one point per distinct threshold (high to low), each after
/// every score >= the threshold is flagged. With more than maxPoints points it keeps the first,
/// the last and each point where fpr + tpr has grown by at least 2 / maxPoints since the last
/// kept one (the plotted staircase stays within 2 / maxPoints of the exact curve).
struct RocCurve {
  std::vector<double> fpr;
  std::vector<double> tpr;
  std::vector<double> threshold;  // +inf for the first point
};
RocCurve rocCurve(std::span<const double> inScores, std::span<const double> outScores, int maxPoints = 512);

/// Histograms of both lists on shared equal-width bins spanning the finite scores of both
/// (bins [e_b, e_b+1), the last one closed; infinite scores go to the end bins; NaN is skipped).
struct ScoreHistogram {
  std::vector<double> edges;  // numBins + 1
  std::vector<int64_t> inCounts;
  std::vector<int64_t> outCounts;
  std::vector<double> inShare;   // inCounts / number of in scores (0 when empty)
  std::vector<double> outShare;  // outCounts / number of out scores
};
ScoreHistogram scoreHistograms(std::span<const double> inScores, std::span<const double> outScores,
                               int numBins = 40);

/// The `count` OOD images the model is surest about (lowest OOD score first, ties by index):
/// "sure about what it never saw". O(m log count).
std::vector<int32_t> mostConfidentOod(std::span<const double> outScores, int64_t count);

/// One row per score kind present in both sets (the last-sample row only when both have it).
struct OodTableRow {
  OodScoreKind kind = OodScoreKind::NegMaxProb;
  OodMetrics metrics;
};
std::vector<OodTableRow> oodTable(const OodScoreSet& in, const OodScoreSet& out, double tprTarget = 0.95);

}  // namespace bnn
