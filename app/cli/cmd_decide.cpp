// bnn-cli decide RUN_DIR --costs FILE.csv|PRESET --reject c [--out DIR]: Bayes decisions with a
// reject option for a saved run, the ensemble p̄ beside the last sample, computed by
// core/analysis/decision.h (the same code as the desktop Decisions view).
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/decision.h"
#include "analysis/decision_tables.h"
#include "analysis/run_calibration.h"
#include "analysis/uncertainty.h"
#include "cli_support.h"
#include "commands.h"
#include "run/run_result.h"
#include "util/format.h"

namespace {

void decideUsage(FILE* out) {
  std::fputs(
      "usage: bnn-cli decide RUN_DIR --costs FILE.csv|PRESET --reject c [--out DIR]\n"
      "\n"
      "Decides every test image of a saved run by Bayes' rule with a reject option: decide\n"
      "a* = argmin_a sum_k C[a,k] p_k (the lowest a on ties) and defer to a person when that risk\n"
      "exceeds c. For the ensemble (p = p̄) and the last sample (p = its probabilities). Prints the\n"
      "deferral rate, the accuracy on decided images, the expected cost (from p) and the realised\n"
      "cost (from the labels) per image, and the decision confusion matrix; writes into DIR\n"
      "(default RUN_DIR/decisions):\n"
      "  decisions.json               the costs, c and both summaries\n"
      "  costs.csv                    the cost matrix used\n"
      "  confusion_<source>.csv       count and cost per (true class, decision or deferred)\n"
      "  per_image_<source>.csv       decision, minimum risk, expected and realised cost per image\n"
      "  reject_sweep.csv             the same summaries as c sweeps from 0 until nothing is deferred\n"
      "  (<source>: ensemble, last_sample)\n"
      "\n"
      "  --costs FILE.csv  10 lines of 10 comma-separated costs >= 0, line a = decision a, column k =\n"
      "                    true class k ('#' lines are comments); or a preset: zero-one (0-1 loss),\n"
      "                    confuse-4-9 (confusing 4 and 9 costs 10), miss-7 (missing a 7 costs 5)\n"
      "  --reject c        cost of deferring an image, a number >= 0\n"
      "  --out DIR         output folder (created if missing)\n",
      out);
}

using nlohmann::json;

json jsonNumber(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json summaryJson(const bnn::DecisionSummary& s) {
  return {{"images", s.numImages},
          {"decided", s.decided},
          {"deferred", s.deferred},
          {"deferral_rate", jsonNumber(s.deferralRate)},
          {"accuracy_on_decided", jsonNumber(s.accuracyOnDecided)},
          {"expected_cost_per_image", jsonNumber(s.expectedCostPerImage)},
          {"realised_cost_per_image", jsonNumber(s.realisedCostPerImage)}};
}

}  // namespace

namespace bnn::cli {

int decide(int argc, char** argv) {
  OptionParser parser;
  parser.value("costs").value("reject").value("out").positional(1);
  const OptionParser::Parsed p = parser.parse(argc, argv);
  if (p.help) {
    decideUsage(stdout);
    return 0;
  }
  if (!p.ok()) {
    std::fprintf(stderr, "bnn-cli decide: %s (see bnn-cli decide --help)\n", p.error.c_str());
    return kExitBadOptions;
  }
  if (p.arguments.empty()) {
    std::fputs("bnn-cli decide: missing RUN_DIR (see bnn-cli decide --help)\n", stderr);
    return kExitBadOptions;
  }
  const std::optional<std::string> costsArg = p.last("costs");
  if (!costsArg || costsArg->empty()) {
    std::fputs("bnn-cli decide: missing --costs FILE.csv or a preset (zero-one, confuse-4-9, miss-7)\n",
               stderr);
    return kExitBadOptions;
  }
  if (!p.has("reject")) {
    std::fputs("bnn-cli decide: missing --reject c (the cost of deferring an image, >= 0)\n", stderr);
    return kExitBadOptions;
  }
  double rejectCost = 0;
  if (!numberOption("decide", p, "reject", 0, 1e12, rejectCost)) return kExitBadOptions;
  const std::string runDir = p.arguments.front();

  const std::optional<RunResult> loaded = loadRun("decide", runDir);
  if (!loaded) return kExitBadFiles;
  const RunResult& run = *loaded;
  const int k = run.predictive.numClasses() > 0 ? run.predictive.numClasses() : 10;

  // A preset name wins over a file of that name (write ./miss-7 for the file).
  CostMatrix costs;
  std::string costsText;
  if (const std::optional<CostPreset> preset = costPresetFromName(*costsArg)) {
    costs = costPreset(*preset, k);
    costsText = std::string(presetLabel(*preset)) + " (preset " + enumName(*preset) + ")";
  } else {
    Result<CostMatrix> read = readCostMatrixCsv(*costsArg, k);
    if (!read.ok()) {
      std::fprintf(stderr, "bnn-cli decide: %s\n", read.error().message().c_str());
      return kExitBadFiles;
    }
    costs = std::move(read.value());
    costsText = *costsArg;
  }

  const Result<UncertaintyAnalysis> analysis = analyzeUncertainty(run);
  if (!analysis.ok()) {
    std::fprintf(stderr, "bnn-cli decide: %s: %s\n", runDir.c_str(),
                 run.predictive.sampleCount() <= 0 ? "nothing has been sampled yet"
                                                   : analysis.error().message().c_str());
    return kExitBadFiles;
  }

  struct Source {
    PredictiveSource source;
    std::optional<RiskProfile> profile;
    std::string unavailable;
  };
  std::vector<Source> sources;
  {
    Source ens{PredictiveSource::Ensemble, {}, {}};
    Result<RiskProfile> r =
        riskProfile(std::span<const double>(analysis->meanProbs), run.testLabels(), costs);
    if (r.ok())
      ens.profile = std::move(r.value());
    else
      ens.unavailable = r.error().message();
    sources.push_back(std::move(ens));
    Source last{PredictiveSource::LastSample, {}, noLastSampleReason(run)};
    if (const std::span<const float> lastProbs = lastSampleProbabilities(run); !lastProbs.empty()) {
      Result<RiskProfile> lr = riskProfile(lastProbs, run.testLabels(), costs);
      if (lr.ok())
        last.profile = std::move(lr.value());
      else
        last.unavailable = lr.error().message();
    }
    sources.push_back(std::move(last));
  }
  if (!sources.front().profile) {
    std::fprintf(stderr, "bnn-cli decide: %s: %s\n", runDir.c_str(), sources.front().unavailable.c_str());
    return kExitBadFiles;
  }

  std::vector<const RiskProfile*> profiles;
  for (const Source& s : sources)
    if (s.profile) profiles.push_back(&*s.profile);
  const std::vector<double> grid = rejectCostGrid(profiles);

  json summary = {{"run", runDir},
                  {"costs", costsText},
                  {"cost_matrix", costs.cost},
                  {"num_classes", k},
                  {"reject_cost", rejectCost}};
  std::vector<std::pair<std::string, std::string>> files = {{"costs.csv", costMatrixCsv(costs)}};
  std::vector<NamedSummaries> sweeps;
  std::vector<DecisionSummary> atC;
  for (const Source& s : sources) {
    const std::string name = enumName(s.source);
    if (!s.profile) {
      summary[name] = nullptr;
      summary[name + "_unavailable"] = s.unavailable;
      atC.push_back(DecisionSummary{});
      continue;
    }
    const Decisions d = decide(*s.profile, rejectCost);
    atC.push_back(d.summary);
    summary[name] = summaryJson(d.summary);
    files.emplace_back("confusion_" + name + ".csv",
                       decisionConfusionCsv(decisionConfusion(*s.profile, rejectCost)));
    files.emplace_back("per_image_" + name + ".csv", perImageDecisionsCsv(*s.profile, d));
    sweeps.push_back({name, rejectSweep(*s.profile, grid)});
  }
  files.emplace_back("reject_sweep.csv", decisionSummariesCsv(sweeps));
  files.emplace(files.begin(), "decisions.json", summary.dump(2) + "\n");

  const std::optional<std::filesystem::path> out = outputFolder("decide", p, runDir, "decisions");
  if (!out) return kExitBadFiles;
  if (!writeFiles("decide", *out, files)) return kExitBadFiles;

  std::printf("run                         %s\n", runDir.c_str());
  if (!run.config.name.empty()) std::printf("name                        %s\n", run.config.name.c_str());
  std::printf("costs                       %s\n", costsText.c_str());
  std::printf("reject cost c               %s\n\n", formatNumber(rejectCost).c_str());
  std::printf("%s%s%s\n", padRight("", 28).c_str(), padRight("ensemble", 14).c_str(), "last sample");
  auto row = [&](const char* label, auto value) {
    std::string line = "  " + padRight(label, 26);
    for (size_t i = 0; i < sources.size(); ++i)
      line += padRight(sources[i].profile ? value(atC[i]) : std::string("n/a"), 14);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::printf("%s\n", line.c_str());
  };
  row("decided", [](const DecisionSummary& s) { return std::to_string(s.decided); });
  row("deferred", [](const DecisionSummary& s) { return std::to_string(s.deferred); });
  row("deferral rate", [](const DecisionSummary& s) { return fixedText(s.deferralRate, 4); });
  row("accuracy on decided", [](const DecisionSummary& s) { return fixedText(s.accuracyOnDecided, 4); });
  row("expected cost / image", [](const DecisionSummary& s) { return fixedText(s.expectedCostPerImage, 4); });
  row("realised cost / image", [](const DecisionSummary& s) { return fixedText(s.realisedCostPerImage, 4); });
  for (const Source& s : sources)
    if (!s.profile) std::printf("  %s unavailable: %s\n", sourceLabel(s.source), s.unavailable.c_str());
  for (const Source& s : sources) {
    if (!s.profile) continue;
    std::printf("\ndecision confusion matrix, %s (rows: true class; columns: decision, deferred, cost)\n",
                sourceLabel(s.source));
    std::fputs(decisionConfusionText(decisionConfusion(*s.profile, rejectCost)).c_str(), stdout);
  }
  std::printf("\ntables written to           %s\n", out->string().c_str());
  return 0;
}

}  // namespace bnn::cli
