// bnn-cli report RUN_DIR [--threshold t] [--out DIR]: the uncertainty summary of a saved run and
// its tables as CSV, computed by core/analysis (the same code as the desktop explorer).
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>

#include "analysis/uncertainty.h"
#include "commands.h"
#include "run/result_io.h"
#include "run/run_result.h"
#include "util/option_parser.h"
#include "util/text_file.h"

namespace {

void reportUsage(FILE* out) {
  std::fputs(
      "usage: bnn-cli report RUN_DIR [--threshold t] [--out DIR]\n"
      "\n"
      "Prints the uncertainty summary of a saved run and writes into DIR (default RUN_DIR/report):\n"
      "  per_digit.csv          uncertain test images (max p̄ < t) per true digit and their share\n"
      "  threshold_curve.csv    accuracy on retained (max p̄ >= t) and % dropped, t in linspace(0.1, 1, 90)\n"
      "  risk_coverage.csv      error rate among the most confident images vs coverage\n"
      "  uncertain_ranked.csv   every test image, least confident (lowest max p̄) first\n"
      "\n"
      "  --threshold t   certainty threshold in [0, 1] (default 0.95)\n"
      "  --out DIR       output folder (created if missing)\n",
      out);
}

bool writeText(const std::filesystem::path& path, const std::string& text, std::string& why) {
  const bnn::Status st = bnn::writeTextFile(path.string(), text);
  if (!st) why = st.error().message();
  return st.ok();
}

}  // namespace

namespace bnn::cli {

int report(int argc, char** argv) {
  bnn::OptionParser parser;
  parser.value("threshold").value("out").positional(1);
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
  const std::string outDir = p.last("out").value_or("");
  double threshold = 0.95;
  if (const std::optional<std::string> t = p.last("threshold")) {
    const auto r = std::from_chars(t->data(), t->data() + t->size(), threshold);
    if (t->empty() || r.ec != std::errc() || r.ptr != t->data() + t->size() || !std::isfinite(threshold) ||
        threshold < 0 || threshold > 1) {
      std::fprintf(stderr, "bnn-cli report: --threshold: expected a number from 0 to 1, found %s\n",
                   bnn::quotedText(t->substr(0, 40)).c_str());
      return 2;
    }
  }

  auto loaded = readRunResult(runDir);
  if (!loaded.ok()) {
    std::fprintf(stderr, "bnn-cli report: %s\n", loaded.error().message().c_str());
    return 1;
  }
  const RunResult& run = loaded.value();
  auto analysis = analyzeUncertainty(run);
  if (!analysis.ok()) {
    std::fprintf(stderr, "bnn-cli report: %s: %s\n", runDir.c_str(), analysis.error().message().c_str());
    return 1;
  }
  const UncertaintyAnalysis& a = analysis.value();

  const auto summary = summarizeUncertainty(a, threshold, run.lastPointwiseAccuracy);
  const auto curve = thresholdCurve(a, defaultThresholds());
  const auto drop99 = smallestDropReaching(curve, 0.99);
  const auto rc = riskCoverage(a);
  const auto perClass = perClassUncertainty(a, threshold);

  const std::filesystem::path out =
      outDir.empty() ? std::filesystem::path(runDir) / "report" : std::filesystem::path(outDir);
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) {
    std::fprintf(stderr, "bnn-cli report: %s: cannot create folder: %s\n", out.string().c_str(),
                 ec.message().c_str());
    return 1;
  }
  std::string why;
  if (!writeText(out / "per_digit.csv", perClassCsv(perClass, threshold), why) ||
      !writeText(out / "threshold_curve.csv", thresholdCurveCsv(curve), why) ||
      !writeText(out / "risk_coverage.csv", riskCoverageCsv(rc), why) ||
      !writeText(out / "uncertain_ranked.csv",
                 rankedImagesCsv(a, rankedImages(a, UncertaintyOrder::MaxProbAscending)), why)) {
    std::fprintf(stderr, "bnn-cli report: %s\n", why.c_str());
    return 1;
  }

  std::printf("run                         %s\n", runDir.c_str());
  if (!run.config.name.empty()) std::printf("name                        %s\n", run.config.name.c_str());
  std::printf("data                        %s\n", run.datasetLabel().c_str());
  std::fputs(summaryText(summary, drop99, rc.aurc).c_str(), stdout);
  std::printf("uncertain per true %-8s", run.classNoun().c_str());
  for (size_t c = 0; c < perClass.uncertain.size(); ++c)
    std::printf(" %s:%lld", run.className(static_cast<int>(c)).c_str(),
                static_cast<long long>(perClass.uncertain[c]));
  std::printf("\ntables written to           %s\n", out.string().c_str());
  return 0;
}

}  // namespace bnn::cli
