#include "analysis/decision_tables.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "util/format.h"

namespace bnn {

std::vector<double> rejectCostGrid(std::span<const RiskProfile* const> profiles, int points) {
  points = std::max(points, 2);
  double top = 0;
  for (const RiskProfile* p : profiles)
    if (p && !p->sortedRisk.empty() && std::isfinite(p->sortedRisk.back()))
      top = std::max(top, p->sortedRisk.back());
  // The smallest of 1, 2, 5 x 10^e at or above the largest risk (1 when nothing is at risk).
  double end = 1;
  if (top > 0) {
    const double decade = std::pow(10.0, std::floor(std::log10(top)));
    end = 10 * decade;
    for (double m : {1.0, 2.0, 5.0})
      if (m * decade >= top) {
        end = m * decade;
        break;
      }
  }
  std::vector<double> grid(static_cast<size_t>(points));
  for (int i = 0; i < points; ++i) grid[size_t(i)] = end * double(i) / double(points - 1);
  grid.back() = end;
  return grid;
}

std::string decisionSummariesCsv(std::span<const NamedSummaries> series) {
  std::string s =
      "source,reject_cost,images,decided,deferred,deferral_rate,accuracy_on_decided,"
      "expected_cost_per_image,realised_cost_per_image\n";
  for (const NamedSummaries& named : series)
    for (const DecisionSummary& d : named.summaries) {
      s += named.source;
      s += ',';
      appendNumber(s, d.rejectCost);
      s += ',' + std::to_string(d.numImages) + ',' + std::to_string(d.decided) + ',' +
           std::to_string(d.deferred) + ',';
      appendNumber(s, d.deferralRate);
      s += ',';
      appendNumber(s, d.accuracyOnDecided);
      s += ',';
      appendNumber(s, d.expectedCostPerImage);
      s += ',';
      appendNumber(s, d.realisedCostPerImage);
      s += '\n';
    }
  return s;
}

std::string decisionConfusionCsv(const DecisionConfusion& m) {
  std::string s = "true_class,decision,count,cost\n";
  for (int y = 0; y < m.numClasses; ++y)
    for (int col = 0; col <= m.numClasses; ++col) {
      s += std::to_string(y) + ',';
      s += col == m.numClasses ? std::string("deferred") : std::to_string(col);
      s += ',' + std::to_string(m.count(y, col)) + ',';
      appendNumber(s, m.cellCost(y, col));
      s += '\n';
    }
  return s;
}

std::string perImageDecisionsCsv(const RiskProfile& p, const Decisions& d) {
  std::string s = "index,true,decision,min_risk,expected_cost,realised_cost\n";
  const size_t n = std::min(d.decision.size(), size_t(p.numImages));
  for (size_t i = 0; i < n; ++i) {
    s += std::to_string(i) + ',';
    s += p.hasLabels ? std::to_string(int(p.labels[i])) : std::string("nan");
    s += ',';
    s += d.decision[i] == kDeferred ? std::string("deferred") : std::to_string(int(d.decision[i]));
    s += ',';
    appendNumber(s, p.minRisk[i]);
    s += ',';
    appendNumber(s, d.expectedCost[i]);
    s += ',';
    appendNumber(s, i < d.realisedCost.size() ? d.realisedCost[i] : std::numeric_limits<double>::quiet_NaN());
    s += '\n';
  }
  return s;
}

std::string decisionConfusionText(const DecisionConfusion& m) {
  const int k = m.numClasses;
  std::string s = "true\\decided";
  char buf[64];
  for (int a = 0; a < k; ++a) {
    std::snprintf(buf, sizeof buf, "%7d", a);
    s += buf;
  }
  s += " deferred       cost\n";
  for (int y = 0; y < k; ++y) {
    std::snprintf(buf, sizeof buf, "%12d", y);
    s += buf;
    double rowCost = 0;
    for (int col = 0; col <= k; ++col) {
      std::snprintf(buf, sizeof buf, col == k ? "%9lld" : "%7lld", static_cast<long long>(m.count(y, col)));
      s += buf;
      rowCost += m.cellCost(y, col);
    }
    std::snprintf(buf, sizeof buf, " %10.2f\n", rowCost);
    s += buf;
  }
  return s;
}

}  // namespace bnn
