#include "explorer/run_analysis.h"

std::shared_ptr<const RunAnalysis> analyseRun(std::shared_ptr<const bnn::RunResult> run) {
  auto out = std::make_shared<RunAnalysis>();
  out->run = std::move(run);
  if (!out->run) {
    out->problem = QStringLiteral("no result");
    return out;
  }
  if (out->run->predictive.sampleCount() <= 0) {
    out->problem = QStringLiteral("nothing has been sampled yet");
    return out;
  }
  auto r = bnn::analyzeUncertainty(*out->run);
  if (!r.ok()) {
    out->problem = QString::fromStdString(r.error().message());
    return out;
  }
  auto a = std::make_shared<const bnn::UncertaintyAnalysis>(std::move(r).value());
  out->curve = bnn::thresholdCurve(*a, bnn::defaultThresholds());
  out->drop99 = bnn::smallestDropReaching(out->curve, 0.99);
  out->riskCoverage = bnn::riskCoverage(*a);
  out->analysis = std::move(a);
  return out;
}
