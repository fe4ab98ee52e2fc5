// bnn-cli shift RUN_DIR --rotate 0:180:15 [--translate ...] [--noise ...] [--seed N] [--out DIR]:
// a saved run's kept posterior samples on shifted copies of its test set, per level accuracy,
// NLL, ECE, Brier, mean entropy and mutual information, ensemble beside last sample, by
// core/analysis/shift_study.h (the same code as the desktop Shift view).
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "analysis/shift_study.h"
#include "cli_support.h"
#include "commands.h"
#include "run/run_result.h"

namespace {

void shiftUsage(FILE* out) {
  std::fputs(
      "usage: bnn-cli shift RUN_DIR [--rotate A:B:STEP] [--translate A:B:STEP] [--noise A:B:STEP]\n"
      "                     [--seed N] [--out DIR]\n"
      "\n"
      "Evaluates the run's kept posterior samples on shifted copies of its test set and prints per\n"
      "level the accuracy, NLL, ECE (15 equal-width bins), Brier score, mean predictive entropy and\n"
      "mean mutual information, for the ensemble and the last sample. Writes into DIR (default\n"
      "RUN_DIR/shift) shift.csv (one row per level and source). Without a sweep option: --rotate\n"
      "0:180:15 (rotated MNIST, Ovadia et al. 2019).\n"
      "\n"
      "  --rotate A:B:STEP     rotation in degrees about the image centre, counter-clockwise\n"
      "  --translate A:B:STEP  shift to the right in pixels (bilinear, zero outside)\n"
      "  --noise A:B:STEP      Gaussian noise of standard deviation SIGMA (pixel range 0..1), 0..1\n"
      "  --seed N              seed of the noise (default 0)\n"
      "  --out DIR             output folder (created if missing)\n"
      "A single number instead of A:B:STEP gives one level.\n",
      out);
}

}  // namespace

namespace bnn::cli {

int shift(int argc, char** argv) {
  OptionParser parser;
  parser.value("rotate").value("translate").value("noise").value("seed").value("out").positional(1);
  const OptionParser::Parsed p = parser.parse(argc, argv);
  if (p.help) {
    shiftUsage(stdout);
    return 0;
  }
  if (!p.ok()) {
    std::fprintf(stderr, "bnn-cli shift: %s (see bnn-cli shift --help)\n", p.error.c_str());
    return kExitBadOptions;
  }
  if (p.arguments.empty()) {
    std::fputs("bnn-cli shift: missing RUN_DIR (see bnn-cli shift --help)\n", stderr);
    return kExitBadOptions;
  }
  int64_t seed = 0;
  if (!integerOption("shift", p, "seed", 0, int64_t(1) << 62, seed)) return kExitBadOptions;
  std::vector<TransformSpec> levels;
  for (const char* name : {"rotate", "translate", "noise"}) {
    const std::optional<std::string> v = p.last(name);
    if (!v) continue;
    Result<std::vector<double>> r = parseLevelRange(*v, std::string("--") + name);
    if (!r) {
      std::fprintf(stderr, "bnn-cli shift: %s\n", r.error().message().c_str());
      return kExitBadOptions;
    }
    if (std::string(name) == "noise")
      for (double s : *r)
        if (s < 0 || s > 1) {
          std::fprintf(stderr, "bnn-cli shift: --noise: every level must be from 0 to 1, found %g\n", s);
          return kExitBadOptions;
        }
    const std::vector<TransformSpec> add = std::string(name) == "rotate"      ? rotationLevels(*r)
                                           : std::string(name) == "translate" ? translationLevels(*r)
                                                                              : noiseLevels(*r);
    levels.insert(levels.end(), add.begin(), add.end());
  }
  if (levels.empty()) levels = rotationLevels(*parseLevelRange("0:180:15", "--rotate"));

  const std::string runDir = p.arguments.front();
  const std::optional<RunResult> loaded = loadRun("shift", runDir);
  if (!loaded) return kExitBadFiles;
  const RunResult& run = *loaded;
  if (!run.samples) {
    std::fprintf(stderr, "bnn-cli shift: %s: %s\n", runDir.c_str(), whySamplesUnavailable(run).c_str());
    return kExitBadFiles;
  }
  ShiftControl control;
  control.seed = uint64_t(seed);
  const Result<ShiftStudy> study = shiftStudy(run, levels, control);
  if (!study) {
    std::fprintf(stderr, "bnn-cli shift: %s: %s\n", runDir.c_str(), study.error().message().c_str());
    return kExitBadFiles;
  }
  std::printf("run      %s\n", runDir.c_str());
  std::printf("%s", shiftTableText(*study).c_str());
  const std::optional<std::filesystem::path> out = outputFolder("shift", p, runDir, "shift");
  if (!out) return kExitBadFiles;
  if (!writeFiles("shift", *out, {{"shift.csv", shiftTableCsv(*study)}})) return kExitBadFiles;
  std::printf("written to %s\n", out->string().c_str());
  return 0;
}

}  // namespace bnn::cli
