// bnn-cli sweep --preset NAME --step-size LO:HI:xF [--warmup N --samples S ...] [--out DIR]:
// short runs of one preset over a geometric grid of step sizes, one after the other on every
// core; prints and writes (sweep.csv) the ensemble accuracy, test NLL, last-sample accuracy,
// outcome (completed, warning: a quiet failure, diverged) and wall time per step size, and marks
// the best grid point: the highest ensemble accuracy among the completed runs (lower NLL on ties).
// The grid, the runs and the best-point rule are run/step_size_sweep.h's (shared with the app).
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_support.h"
#include "commands.h"
#include "data/idx_loader.h"
#include "run/run_engine.h"
#include "run/step_size_sweep.h"
#include "util/format.h"
#include "util/option_parser.h"

namespace bnn::cli {

namespace {

void sweepUsage(FILE* out) {
  std::fputs(
      "usage: bnn-cli sweep [--preset NAME] --step-size LO:HI:xF [--data DIR] [--threads N] [--out DIR]\n"
      "                     [--PARAM VALUE ...]\n"
      "\n"
      "Runs the preset (default example-sgld) once per step size h = LO, LO F, LO F^2, ... up to HI\n"
      "(at most 40 points; a single value is a grid of one), with the other parameters as given\n"
      "(e.g. --warmup 500 --samples 200 for short runs; kept samples are off), one run after the\n"
      "other on every core. Prints per step size the ensemble accuracy, the ensemble's test NLL,\n"
      "the last-sample accuracy, the outcome (completed; warning: potential exploded or accuracy at\n"
      "chance; diverged: non-finite values) and the wall time, and marks the best point: the highest\n"
      "ensemble accuracy among completed runs, the lower NLL on ties.\n"
      "\n"
      "  --out DIR   writes DIR/sweep.csv (default sweep-<preset>)\n"
      "\n"
      "exit status: 0 swept (even when some runs failed), 1 the data could not be read or the CSV not\n"
      "written, 2 wrong options\n",
      out);
}

}  // namespace

int sweep(int argc, char** argv) {
  OptionParser parser;
  parser.value("preset").value("data").value("out").value("threads");
  parser.values([](const std::string& key) { return findParamSpec(key) != nullptr; });
  const OptionParser::Parsed p = parser.parse(argc, argv);
  if (p.help) {
    sweepUsage(stdout);
    return 0;
  }
  if (!p.ok()) {
    std::fprintf(stderr, "bnn-cli sweep: %s (see bnn-cli sweep --help)\n", p.error.c_str());
    return kExitBadOptions;
  }
  const std::string preset = p.last("preset").value_or("example-sgld");
  const std::string data = p.last("data").value_or("data/mnist");
  const std::string out = p.last("out").value_or("sweep-" + preset);
  int64_t threads = 0;
  if (p.has("threads") && !integerOption("sweep", p, "threads", 1, 256, threads)) return kExitBadOptions;
  const std::optional<std::string> spec = p.last("step-size");
  if (!spec) {
    std::fputs("bnn-cli sweep: --step-size LO:HI:xF is required (see bnn-cli sweep --help)\n", stderr);
    return kExitBadOptions;
  }
  const Result<std::vector<double>> grid = parseStepSizeGrid(*spec, "--step-size");
  if (!grid) {
    std::fprintf(stderr, "bnn-cli sweep: %s\n", grid.error().message().c_str());
    return kExitBadOptions;
  }
  ParamOverrides overrides;
  for (const auto& [name, value] : p.options)
    if (findParamSpec(name)) overrides.emplace_back(name, value);
  const CheckedConfigs configs = stepSizeSweepConfigs(preset, overrides, *grid);
  if (!configs) {
    std::fprintf(stderr, "bnn-cli sweep: %s\n", configs.error.c_str());
    return kExitBadOptions;
  }

  auto loaded = loadDataset(data);
  if (!loaded) {
    std::fprintf(stderr, "bnn-cli sweep: %s\n", loaded.error().message().c_str());
    return kExitBadFiles;
  }
  const auto dataset = std::make_shared<const Dataset>(std::move(loaded).value());

  SweepControl control;
  control.threads = static_cast<int>(threads);
  control.runStarted = [&](int i, int total) {
    std::fprintf(stderr, "[%d/%d] %s, h = %s ...\n", i + 1, total, configs.configs[size_t(i)].name.c_str(),
                 formatNumber((*grid)[size_t(i)]).c_str());
  };
  const StepSizeSweep sweep = runStepSizeSweep(configs.configs, dataset, control);
  const std::vector<SweepPoint>& points = sweep.points;
  const int best = sweep.best;

  std::printf("%s: %zu step sizes, %s\n", configs.configs.front().name.c_str(), points.size(), spec->c_str());
  std::printf("  %-10s %-10s %9s %9s %9s %9s\n", "h", "outcome", "ensemble", "NLL", "last", "seconds");
  for (size_t i = 0; i < points.size(); ++i) {
    const SweepPoint& q = points[i];
    std::printf("  %-10s %-10s %9s %9s %9s %9.1f%s\n", formatNumber(q.stepSize).c_str(), enumName(q.status),
                fixedText(q.ensembleAccuracy, 4).c_str(), fixedText(q.nll, 4).c_str(),
                fixedText(q.lastSampleAccuracy, 4).c_str(), q.seconds, int(i) == best ? "  <- best" : "");
  }
  for (const SweepPoint& q : points)
    if (q.status != RunStatus::Completed)
      std::printf("  h = %s: %s\n", formatNumber(q.stepSize).c_str(), q.message.c_str());
  if (best < 0) std::printf("no step size completed without a warning\n");
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (!writeFiles("sweep", out, {{"sweep.csv", sweepCsv(points, best)}})) return kExitBadFiles;
  std::printf("written to %s/sweep.csv\n", out.c_str());
  return 0;
}

}  // namespace bnn::cli
