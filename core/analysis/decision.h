#pragma once
// Bayes decisions with a reject option: what to decide for each image given the posterior
// predictive p̄ and the costs of each kind of mistake, and when to defer to a person.
//
// Conventions (stated in the README):
//   C[a, k] >= 0 is the cost of deciding a when the truth is k (K x K); c >= 0 the cost of
//   deferring. Risk R(a|x) = Σ_k C[a, k] p̄_k, evaluated as b_a + Σ_k (C[a, k] - b_a) p̄_k with
//   b_a the most common off-diagonal cost of row a (the smallest on ties): the same number when
//   p̄ sums to 1, and the right one when it does only up to rounding (a float p̄ of exactly 1.0
//   beside classes holding 1e-9 has risk 0 under 0-1 loss, not 1e-9 summed).
//   a* = argmin_a R(a|x), the lowest a on ties.
//   Defer when R(a*|x) > c (Chow's rule); at R(a*|x) = c the image is decided.
//   Realised cost = C[a*, y] if decided, c if deferred; expected cost = R(a*|x) if decided,
//   c if deferred (= min(R(a*|x), c)). Both are reported as means per image.
//   With 0-1 loss R(a*|x) = 1 - max p̄ exactly (one subtraction), so an image is deferred
//   exactly when max p̄ < 1 - c: the explorer's "uncertain at threshold t" with t = 1 - c, and
//   decided exactly when it is retained (max p̄ >= t), ties included. Rounding of 1 - max p̄ could
//   separate the two only for max p̄ below 0.5 and within an ulp of t. c >= 1 - 1/K never defers
//   under 0-1 loss.
// The c-independent work (risks, a*, one sort by R(a*|x)) is done once in a RiskProfile; the
// decisions at any c then cost O(N), and a summary at one c (for a slider or a sweep) O(log N).
// Pure functions and immutable values; safe to use from any thread once built.

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace bnn {

/// K x K costs, row-major: cost[a * K + k] = C[a, k].
struct CostMatrix {
  int numClasses = 0;
  std::vector<double> cost;
  double operator()(int decision, int truth) const {
    return cost[size_t(decision) * size_t(numClasses) + size_t(truth)];
  }
  double& at(int decision, int truth) { return cost[size_t(decision) * size_t(numClasses) + size_t(truth)]; }
  bool operator==(const CostMatrix&) const = default;
};

enum class CostPreset {
  ZeroOne,       // every mistake costs 1
  Confuse4And9,  // C[4, 9] = C[9, 4] = 10, every other mistake 1
  Miss7,         // C[a, 7] = 5 for a != 7 (missing a 7), every other mistake 1
};
const char* enumName(CostPreset preset);     // "zero-one", "confuse-4-9", "miss-7"
const char* presetLabel(CostPreset preset);  // "0-1 loss", "Confusing 4 and 9 costs 10", ...
inline constexpr CostPreset kCostPresets[] = {CostPreset::ZeroOne, CostPreset::Confuse4And9,
                                              CostPreset::Miss7};

/// The preset whose enumName is `name` ("zero-one", "confuse-4-9", "miss-7"); nullopt otherwise.
std::optional<CostPreset> costPresetFromName(std::string_view name);

/// The preset for K classes (the 4/9 and 7 presets need K >= 10; for smaller K they are 0-1).
CostMatrix costPreset(CostPreset preset, int numClasses = 10);
/// 0 on the diagonal, 1 elsewhere.
CostMatrix zeroOneCosts(int numClasses = 10);

/// Refuses a matrix of the wrong size or with a negative, NaN or infinite entry, naming its row
/// and column (InvalidConfig).
Status validateCostMatrix(const CostMatrix& costs);

/// CSV text of a K x K matrix: K lines of K comma-separated numbers, line a = decision a,
/// column k = true class k. Lines starting with '#' and blank lines are ignored; fields may be
/// surrounded by spaces or double quotes; a UTF-8 byte-order mark and CR LF line ends are
/// accepted. Refused (BadFormat, with `path`, the byte offset, row and column): more than
/// kMaxCostCsvBytes bytes, a wrong number of rows or of values in a row, a field that is not a
/// number, a NaN, infinite or negative entry. Never allocates more than a K x K matrix beyond
/// the input, whatever the bytes.
inline constexpr size_t kMaxCostCsvBytes = 1 << 20;
Result<CostMatrix> parseCostMatrixCsv(std::string_view text, int numClasses, const std::string& path = {});
/// Reads and parses a file (refusing a missing path, a folder, an empty or oversized file first).
Result<CostMatrix> readCostMatrixCsv(const std::string& path, int numClasses);
/// The CSV text (a '#' comment line, then the rows, numbers in their shortest exact form).
/// parseCostMatrixCsv reads it back to the same matrix.
std::string costMatrixCsv(const CostMatrix& costs);
/// Writes costMatrixCsv atomically (util/text_file.h); refuses an invalid matrix.
Status writeCostMatrixCsv(const std::string& path, const CostMatrix& costs);

/// b_a of every row: its most common off-diagonal cost (the smallest on ties; 0 for K = 1).
std::vector<double> riskBaselines(const CostMatrix& costs);

/// The c-independent part of the decisions for a set of images.
struct RiskProfile {
  int numClasses = 0;
  int64_t numImages = 0;
  bool hasLabels = false;
  CostMatrix costs;                    // the matrix the profile was built with
  std::vector<uint8_t> bestAction;     // a* (even when the image will be deferred)
  std::vector<double> minRisk;         // R(a*|x)
  std::vector<uint8_t> labels;         // copy of the labels (empty without them)
  std::vector<double> bestActionCost;  // C[a*, y] (empty without labels)
  // Images by R(a*|x) ascending (ties by index) and prefix sums over that order (size N + 1),
  // so any reject cost is summarised with one binary search.
  std::vector<int32_t> byRiskAscending;
  std::vector<double> sortedRisk;
  std::vector<double> riskPrefix;
  std::vector<double> costPrefix;      // Σ C[a*, y]; empty without labels
  std::vector<int64_t> correctPrefix;  // number of a* == y; empty without labels
};

/// Builds the profile of an N x K row-major p̄ (float or double) under `costs`. Labels may be
/// empty (a drawn image): realised costs and accuracies are then NaN. Errors (BadFormat /
/// InvalidConfig) for mismatched sizes, labels out of range, NaN or negative probabilities,
/// or an invalid cost matrix. O(N K² + N log N).
Result<RiskProfile> riskProfile(std::span<const float> probs, std::span<const uint8_t> labels,
                                const CostMatrix& costs);
Result<RiskProfile> riskProfile(std::span<const double> probs, std::span<const uint8_t> labels,
                                const CostMatrix& costs);

inline constexpr int kDeferred = -1;

/// Totals at one reject cost c (finite or +inf, >= 0; for a NaN or negative c every rate and
/// cost is NaN). O(log N).
struct DecisionSummary {
  double rejectCost = 0;
  int64_t numImages = 0;
  int64_t decided = 0;
  int64_t deferred = 0;
  double deferralRate = std::numeric_limits<double>::quiet_NaN();
  double expectedCostPerImage = std::numeric_limits<double>::quiet_NaN();
  double realisedCostPerImage = std::numeric_limits<double>::quiet_NaN();  // NaN without labels
  double accuracyOnDecided = std::numeric_limits<double>::quiet_NaN();     // NaN when none decided
};
DecisionSummary decisionSummary(const RiskProfile& profile, double rejectCost);
/// One summary per reject cost (the curve as c sweeps). O(G log N).
std::vector<DecisionSummary> rejectSweep(const RiskProfile& profile, std::span<const double> rejectCosts);

/// Per-image decisions at one reject cost. O(N).
struct Decisions {
  DecisionSummary summary;
  std::vector<int8_t> decision;      // a*, or kDeferred
  std::vector<double> expectedCost;  // R(a*|x) or c
  std::vector<double> realisedCost;  // C[a*, y] or c (empty without labels)
};
Decisions decide(const RiskProfile& profile, double rejectCost);
/// Deferred images, the closest calls first (R(a*|x) descending, ties by index): a gallery.
std::vector<int32_t> deferredImages(const RiskProfile& profile, double rejectCost);

/// Counts and costs by true class (rows, K) and decision (columns: K classes, then "deferred").
struct DecisionConfusion {
  int numClasses = 0;
  std::vector<int64_t> counts;  // K x (K + 1)
  std::vector<double> cost;     // K x (K + 1): count * C[a, k], or count * c in the last column
  int64_t count(int truth, int decisionOrDeferred) const {
    return counts[size_t(truth) * size_t(numClasses + 1) + size_t(decisionOrDeferred)];
  }
  double cellCost(int truth, int decisionOrDeferred) const {
    return cost[size_t(truth) * size_t(numClasses + 1) + size_t(decisionOrDeferred)];
  }
  double totalCost() const;
};
/// Needs labels (empty counts without them). Column K is the deferred column.
DecisionConfusion decisionConfusion(const RiskProfile& profile, double rejectCost);

}  // namespace bnn
