#pragma once
// RunAnalysis: everything the uncertainty explorer shows about one run that does not depend on
// the threshold, computed once per result on the background runner: the per-image measures and
// orderings (bnn::UncertaintyAnalysis), the threshold curves on the example's grid, the smallest
// drop reaching 99% accuracy and the risk-coverage curve. Immutable once built; views share it
// as std::shared_ptr<const RunAnalysis>. analyseRun is pure and thread-safe.

#include <QString>
#include <memory>

#include "analysis/uncertainty.h"
#include "run/run_result.h"

struct RunAnalysis {
  std::shared_ptr<const bnn::RunResult> run;                 // the result analysed
  std::shared_ptr<const bnn::UncertaintyAnalysis> analysis;  // null when there is nothing to analyse
  QString problem;                                           // why analysis is null
  bnn::ThresholdCurve curve;
  bnn::DropToReach drop99;
  bnn::RiskCoverageCurve riskCoverage;

  bool ok() const { return analysis != nullptr; }
};

/// Analyses `run` (tens of milliseconds for the MNIST test set: call it off the GUI thread).
std::shared_ptr<const RunAnalysis> analyseRun(std::shared_ptr<const bnn::RunResult> run);
