// bnn-cli sweep --preset NAME --step-size LO:HI:xF [--warmup N --samples S ...] [--out DIR]:
// short runs of one preset over a geometric grid of step sizes, one after the other on every
// core; prints and writes (sweep.csv) the ensemble accuracy, test NLL, last-sample accuracy,
// outcome (completed, warning: a quiet failure, diverged) and wall time per step size, and marks
// the best grid point: the highest ensemble accuracy among the completed runs (lower NLL on ties).
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_support.h"
#include "commands.h"
#include "data/idx_loader.h"
#include "run/run_engine.h"
#include "util/format.h"
#include "util/option_parser.h"

namespace bnn::cli {

namespace {

constexpr int kMaxPoints = 40;

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

bool parseReal(const std::string& t, double& v) {
  const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  return !t.empty() && r.ec == std::errc() && r.ptr == t.data() + t.size() && std::isfinite(v);
}

// "LO:HI:xF" or a single value; an error text or "".
std::string parseGrid(const std::string& spec, std::vector<double>& grid) {
  const std::string bad = "--step-size: expected LO:HI:xF (e.g. 1e-6:1e-4:x2) or one step size, found " +
                          quotedText(spec.substr(0, 60));
  const size_t a = spec.find(':');
  if (a == std::string::npos) {
    double h = 0;
    if (!parseReal(spec, h) || h <= 0) return bad;
    grid = {h};
    return "";
  }
  const size_t b = spec.find(':', a + 1);
  if (b == std::string::npos || spec.compare(b + 1, 1, "x") != 0) return bad;
  double lo = 0, hi = 0, f = 0;
  if (!parseReal(spec.substr(0, a), lo) || !parseReal(spec.substr(a + 1, b - a - 1), hi) ||
      !parseReal(spec.substr(b + 2), f))
    return bad;
  if (lo <= 0 || hi < lo || f <= 1)
    return "--step-size: need 0 < LO <= HI and a factor above 1, found " + quotedText(spec.substr(0, 60));
  grid.clear();
  // LO F^k up to HI, with a relative slack so that 1e-6 x2 ... reaches 1.024e-4 only if <= HI.
  for (int k = 0; k <= kMaxPoints; ++k) {
    const double h = lo * std::pow(f, k);
    if (h > hi * (1 + 1e-9)) break;
    grid.push_back(h);
  }
  if (static_cast<int>(grid.size()) > kMaxPoints)
    return "--step-size: more than " + std::to_string(kMaxPoints) + " grid points; use a larger factor";
  return "";
}

struct Point {
  double h = 0;
  RunStatus status = RunStatus::Failed;
  std::string message;
  double ensemble = std::nan(""), nll = std::nan(""), last = std::nan(""), seconds = 0;
};

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
  std::vector<double> grid;
  if (std::string e = parseGrid(*spec, grid); !e.empty()) {
    std::fprintf(stderr, "bnn-cli sweep: %s\n", e.c_str());
    return kExitBadOptions;
  }
  ParamOverrides overrides;
  for (const auto& [name, value] : p.options)
    if (findParamSpec(name) && name != "step-size") overrides.emplace_back(name, value);
  overrides.emplace_back("keep-samples", "0");
  std::vector<RunConfig> configs;
  for (double h : grid) {
    ParamOverrides o = overrides;
    o.emplace_back("step-size", formatNumber(h));
    CheckedConfig c = configFromOptions(preset, o);
    if (!c) {
      std::fprintf(stderr, "bnn-cli sweep: %s\n", c.error.c_str());
      return kExitBadOptions;
    }
    if (c.config->chains > 1) {
      std::fputs("bnn-cli sweep: one chain per grid point (leave --chains at 1)\n", stderr);
      return kExitBadOptions;
    }
    configs.push_back(*c.config);
  }

  auto loaded = loadDataset(data);
  if (!loaded) {
    std::fprintf(stderr, "bnn-cli sweep: %s\n", loaded.error().message().c_str());
    return kExitBadFiles;
  }
  const auto dataset = std::make_shared<const Dataset>(std::move(loaded).value());

  std::vector<Point> points;
  for (size_t i = 0; i < configs.size(); ++i) {
    std::fprintf(stderr, "[%zu/%zu] %s, h = %s ...\n", i + 1, configs.size(), configs[i].name.c_str(),
                 formatNumber(grid[i]).c_str());
    const auto t0 = std::chrono::steady_clock::now();
    const RunResult r = runChains({configs[i]}, dataset, static_cast<int>(threads)).front();
    Point pt;
    pt.h = grid[i];
    pt.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    pt.status = r.outcome.status;
    pt.message = r.outcome.message;
    if (r.predictive.sampleCount() > 0) {
      pt.ensemble = r.ensembleAccuracy();
      pt.nll = r.predictive.negLogLikelihood(r.testLabels().data());
    }
    pt.last = r.lastPointwiseAccuracy;
    points.push_back(pt);
  }
  int best = -1;
  for (size_t i = 0; i < points.size(); ++i) {
    const Point& q = points[i];
    if (q.status != RunStatus::Completed || !std::isfinite(q.ensemble)) continue;
    if (best < 0 || q.ensemble > points[size_t(best)].ensemble ||
        (q.ensemble == points[size_t(best)].ensemble && q.nll < points[size_t(best)].nll))
      best = int(i);
  }

  std::string csv = "step_size,status,ensemble_accuracy,nll,last_sample_accuracy,wall_seconds,best,message\n";
  std::printf("%s: %zu step sizes, %s\n", configs.front().name.c_str(), points.size(), spec->c_str());
  std::printf("  %-10s %-10s %9s %9s %9s %9s\n", "h", "outcome", "ensemble", "NLL", "last", "seconds");
  for (size_t i = 0; i < points.size(); ++i) {
    const Point& q = points[i];
    std::printf("  %-10s %-10s %9s %9s %9s %9.1f%s\n", formatNumber(q.h).c_str(), enumName(q.status),
                fixedText(q.ensemble, 4).c_str(), fixedText(q.nll, 4).c_str(), fixedText(q.last, 4).c_str(),
                q.seconds, int(i) == best ? "  <- best" : "");
    std::string msg = q.message;
    for (char& ch : msg)
      if (ch == '"') ch = '\'';
    csv += formatNumber(q.h) + ',' + enumName(q.status) + ',' + formatNumber(q.ensemble) + ',' +
           formatNumber(q.nll) + ',' + formatNumber(q.last) + ',' + formatNumber(q.seconds) + ',' +
           (int(i) == best ? "1" : "0") + ",\"" + msg + "\"\n";
  }
  for (const Point& q : points)
    if (q.status != RunStatus::Completed)
      std::printf("  h = %s: %s\n", formatNumber(q.h).c_str(), q.message.c_str());
  if (best < 0) std::printf("no step size completed without a warning\n");
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (!writeFiles("sweep", out, {{"sweep.csv", csv}})) return kExitBadFiles;
  std::printf("written to %s/sweep.csv\n", out.c_str());
  return 0;
}

}  // namespace bnn::cli
