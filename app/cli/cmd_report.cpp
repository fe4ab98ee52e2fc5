// bnn-cli report RUN_DIR [--threshold t] [--bins B] [--equal-mass] [--out DIR]: the uncertainty
// summary and calibration of a saved run and its tables as CSV, computed by core/analysis (the
// same code as the desktop views).
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include "analysis/run_calibration.h"
#include "analysis/uncertainty.h"
#include "cli_support.h"
#include "commands.h"
#include "run/run_result.h"

namespace {

void reportUsage(FILE* out) {
  std::fputs(
      "usage: bnn-cli report RUN_DIR [--threshold t] [--bins B] [--equal-mass] [--out DIR]\n"
      "\n"
      "Prints the uncertainty summary and the calibration (ensemble and last sample) of a saved run\n"
      "and writes into DIR (default RUN_DIR/report):\n"
      "  per_digit.csv          uncertain test images (max p̄ < t) per true digit and their share\n"
      "  threshold_curve.csv    accuracy on retained (max p̄ >= t) and % dropped, t in linspace(0.1, 1, 90)\n"
      "  risk_coverage.csv      error rate among the most confident images vs coverage\n"
      "  uncertain_ranked.csv   every test image, least confident (lowest max p̄) first\n"
      "  calibration.csv        reliability bins of max p̄: count, accuracy, mean confidence, gap\n"
      "  calibration_table.csv  accuracy, mean confidence, ECE, MCE, NLL, Brier: ensemble, last sample\n"
      "  convergence.csv        R-hat and ESS of the per-sample diagnostics across the run's chains\n"
      "                         (split, rank-normalised, ArviZ's conventions; runs that recorded them)\n"
      "\n"
      "  --threshold t   certainty threshold in [0, 1] (default 0.95)\n"
      "  --bins B        reliability bins, 1 to 1000 (default 15, as Guo et al. 2017)\n"
      "  --equal-mass    bins of equal image counts instead of equal width\n"
      "  --out DIR       output folder (created if missing)\n",
      out);
}

}  // namespace

namespace bnn::cli {

int report(int argc, char** argv) {
  bnn::OptionParser parser;
  parser.value("threshold").value("bins").flag("equal-mass").value("out").positional(1);
  const bnn::OptionParser::Parsed p = parser.parse(argc, argv);
  if (p.help) {
    reportUsage(stdout);
    return 0;
  }
  if (!p.ok()) {
    std::fprintf(stderr, "bnn-cli report: %s (see bnn-cli report --help)\n", p.error.c_str());
    return 2;
  }
  if (p.arguments.empty()) {
    std::fputs("bnn-cli report: missing RUN_DIR (see bnn-cli report --help)\n", stderr);
    return 2;
  }
  const std::string runDir = p.arguments.front();
  double threshold = 0.95;
  int64_t bins = 15;
  if (!numberOption("report", p, "threshold", 0, 1, threshold) ||
      !integerOption("report", p, "bins", 1, 1000, bins))
    return kExitBadOptions;
  CalibrationOptions calibrationOptions;
  calibrationOptions.numBins = int(bins);
  calibrationOptions.scheme = p.has("equal-mass") ? BinScheme::EqualMass : BinScheme::EqualWidth;

  const std::optional<RunResult> loaded = loadRun("report", runDir);
  if (!loaded) return kExitBadFiles;
  const RunResult& run = *loaded;
  auto analysis = analyzeUncertainty(run);
  if (!analysis.ok()) {
    std::fprintf(stderr, "bnn-cli report: %s: %s\n", runDir.c_str(), analysis.error().message().c_str());
    return kExitBadFiles;
  }
  const UncertaintyAnalysis& a = analysis.value();

  const auto summary = summarizeUncertainty(a, threshold, run.lastPointwiseAccuracy);
  const auto curve = thresholdCurve(a, defaultThresholds());
  const auto drop99 = smallestDropReaching(curve, 0.99);
  const auto rc = riskCoverage(a);
  const auto perClass = perClassUncertainty(a, threshold);
  const RunCalibration calibration = runCalibration(&a, run.testLabels(), lastSampleProbabilities(run),
                                                    calibrationOptions, noLastSampleReason(run));

  const std::optional<std::filesystem::path> out = outputFolder("report", p, runDir, "report");
  if (!out) return kExitBadFiles;
  if (!writeFiles(
          "report", *out,
          {{"per_digit.csv", perClassCsv(perClass, threshold)},
           {"threshold_curve.csv", thresholdCurveCsv(curve)},
           {"risk_coverage.csv", riskCoverageCsv(rc)},
           {"uncertain_ranked.csv", rankedImagesCsv(a, rankedImages(a, UncertaintyOrder::MaxProbAscending))},
           {"calibration.csv", calibrationBinsCsv(calibration)},
           {"calibration_table.csv", calibrationTableCsv(calibration)}}))
    return kExitBadFiles;
  const std::vector<ScalarConvergence> convergence = scalarConvergence(run.diagnostics);
  if (!run.diagnostics.empty() &&
      !writeFiles("report", *out, {{"convergence.csv", convergenceCsv(convergence)}}))
    return kExitBadFiles;

  std::printf("run                         %s\n", runDir.c_str());
  if (!run.config.name.empty()) std::printf("name                        %s\n", run.config.name.c_str());
  std::printf("data                        %s\n", run.datasetLabel().c_str());
  std::fputs(summaryText(summary, drop99, rc.aurc).c_str(), stdout);
  std::printf("uncertain per true %-8s", run.classNoun().c_str());
  for (size_t c = 0; c < perClass.uncertain.size(); ++c)
    std::printf(" %s:%lld", run.className(static_cast<int>(c)).c_str(),
                static_cast<long long>(perClass.uncertain[c]));
  std::printf("\n%s", calibrationTableText(calibration).c_str());
  if (!run.diagnostics.empty()) std::fputs(convergenceText(convergence).c_str(), stdout);
  std::printf("tables written to           %s\n", out->string().c_str());
  return 0;
}

}  // namespace bnn::cli
