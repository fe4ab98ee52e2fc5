#pragma once
// Tables of the cost-sensitive decisions (analysis/decision.h) as `bnn-cli decide` writes them and
// the desktop Decisions view exports them: the same text from both. Also the grid of reject costs
// a sweep is drawn on. CSV: header line, '\n' line ends, numbers in shortest round-trip form,
// "nan" where undefined. Pure functions; safe to call from any thread.

#include <span>
#include <string>
#include <vector>

#include "analysis/decision.h"

namespace bnn {

/// Reject costs for a sweep shared by several profiles: `points` values from 0 to a round
/// number (1, 2 or 5 times a power of ten) at or above the largest R(a*|x) of any profile, past
/// which nothing is deferred (under 0-1 loss R(a*|x) <= 1 - 1/K, so the grid ends at 1 or
/// below); 0 to 1 when no image is at risk. At least 2 points.
std::vector<double> rejectCostGrid(std::span<const RiskProfile* const> profiles, int points = 101);

/// A named series of summaries ("ensemble", "last_sample", or a run's name).
struct NamedSummaries {
  std::string source;
  std::vector<DecisionSummary> summaries;
};

/// source,reject_cost,images,decided,deferred,deferral_rate,accuracy_on_decided,
/// expected_cost_per_image,realised_cost_per_image: one row per summary.
std::string decisionSummariesCsv(std::span<const NamedSummaries> series);

/// true_class,decision,count,cost: one row per cell (decision 0..K-1, then "deferred").
std::string decisionConfusionCsv(const DecisionConfusion& confusion);

/// index,true,decision,min_risk,expected_cost,realised_cost: one row per image ("deferred" as
/// the decision of a deferred image; true and realised_cost are "nan" without labels).
std::string perImageDecisionsCsv(const RiskProfile& profile, const Decisions& decisions);

/// The confusion matrix as aligned text: one line per true class with its counts per decision
/// and deferred, then its cost; a header naming the columns.
std::string decisionConfusionText(const DecisionConfusion& confusion);

}  // namespace bnn
