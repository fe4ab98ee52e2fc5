#include "run/step_size_sweep.h"

#include <charconv>
#include <chrono>
#include <cmath>

#include "run/run_engine.h"
#include "util/format.h"

namespace bnn {

namespace {

bool parseReal(std::string_view t, double& v) {
  const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  return !t.empty() && r.ec == std::errc() && r.ptr == t.data() + t.size() && std::isfinite(v);
}

Error gridError(const std::string& option, std::string expected, std::string_view found) {
  return makeError(ErrorCode::InvalidConfig, option, -1, std::move(expected),
                   quotedText(std::string(found.substr(0, 60))));
}

/// Reports a running chain's progress to the sweep's callback.
class ProgressRelay : public ChainObserver {
 public:
  explicit ProgressRelay(const std::function<void(const ChainProgress&)>& f) : m_f(f) {}
  void progressed(const ChainProgress& p) override {
    if (m_f) m_f(p);
  }

 private:
  const std::function<void(const ChainProgress&)>& m_f;
};

Result<std::vector<double>> geometricGrid(double lo, double hi, double factor, const std::string& option,
                                          std::string_view text) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || !std::isfinite(factor) || lo <= 0 || hi < lo || factor <= 1)
    return gridError(option, "0 < LO <= HI and a factor above 1", text);
  std::vector<double> grid;
  for (int k = 0; k <= kMaxSweepPoints; ++k) {
    const double h = lo * std::pow(factor, k);
    if (h > hi * (1 + 1e-9)) break;
    grid.push_back(h);
  }
  if (static_cast<int>(grid.size()) > kMaxSweepPoints)
    return gridError(
        option, "at most " + std::to_string(kMaxSweepPoints) + " grid points (use a larger factor)", text);
  return grid;
}

}  // namespace

Result<std::vector<double>> stepSizeGrid(double lo, double hi, double factor, const std::string& option) {
  return geometricGrid(lo, hi, factor, option, stepSizeGridText(lo, hi, factor));
}

Result<std::vector<double>> parseStepSizeGrid(std::string_view spec, const std::string& option) {
  const std::string expected = "LO:HI:xF (e.g. 1e-6:1e-4:x2) or one step size";
  const size_t a = spec.find(':');
  if (a == std::string_view::npos) {
    double h = 0;
    if (!parseReal(spec, h) || h <= 0) return gridError(option, expected, spec);
    return std::vector<double>{h};
  }
  const size_t b = spec.find(':', a + 1);
  if (b == std::string_view::npos || spec.substr(b + 1, 1) != "x") return gridError(option, expected, spec);
  double lo = 0, hi = 0, f = 0;
  if (!parseReal(spec.substr(0, a), lo) || !parseReal(spec.substr(a + 1, b - a - 1), hi) ||
      !parseReal(spec.substr(b + 2), f))
    return gridError(option, expected, spec);
  return geometricGrid(lo, hi, f, option, spec);
}

std::string stepSizeGridText(double lo, double hi, double factor) {
  return formatNumber(lo) + ':' + formatNumber(hi) + ":x" + formatNumber(factor);
}

CheckedConfigs stepSizeSweepConfigs(const std::string& preset, const ParamOverrides& overrides,
                                    const std::vector<double>& grid) {
  CheckedConfigs out;
  ParamOverrides base;
  for (const auto& kv : overrides)
    if (kv.first != "step-size") base.push_back(kv);
  base.emplace_back("keep-samples", "0");
  for (double h : grid) {
    ParamOverrides o = base;
    o.emplace_back("step-size", formatNumber(h));
    CheckedConfig c = configFromOptions(preset, o);
    if (!c) {
      out.configs.clear();
      out.error = c.error;
      return out;
    }
    if (c.config->chains > 1) {
      out.configs.clear();
      out.error = "one chain per grid point (leave --chains at 1)";
      return out;
    }
    out.configs.push_back(std::move(*c.config));
  }
  return out;
}

SweepPoint sweepPoint(const RunResult& run, double stepSize, double seconds) {
  SweepPoint p;
  p.stepSize = stepSize;
  p.seconds = seconds;
  p.status = run.outcome.status;
  p.message = run.outcome.message;
  if (run.predictive.sampleCount() > 0) {
    p.ensembleAccuracy = run.ensembleAccuracy();
    p.nll = run.predictive.negLogLikelihood(run.testLabels().data());
  }
  p.lastSampleAccuracy = run.lastPointwiseAccuracy;
  return p;
}

int bestSweepPoint(const std::vector<SweepPoint>& points) {
  int best = -1;
  for (size_t i = 0; i < points.size(); ++i) {
    const SweepPoint& q = points[i];
    if (q.status != RunStatus::Completed || !std::isfinite(q.ensembleAccuracy)) continue;
    const SweepPoint* b = best < 0 ? nullptr : &points[size_t(best)];
    if (!b || q.ensembleAccuracy > b->ensembleAccuracy ||
        (q.ensembleAccuracy == b->ensembleAccuracy && q.nll < b->nll))
      best = int(i);
  }
  return best;
}

StepSizeSweep runStepSizeSweep(const std::vector<RunConfig>& configs, std::shared_ptr<const Dataset> data,
                               const SweepControl& control) {
  const auto start = std::chrono::steady_clock::now();
  StepSizeSweep out;
  ProgressRelay relay(control.chainProgress);
  const int total = static_cast<int>(configs.size());
  for (int i = 0; i < total; ++i) {
    if (control.cancel && control.cancel->load()) {
      out.cancelled = true;
      break;
    }
    if (control.runStarted) control.runStarted(i, total);
    const auto t0 = std::chrono::steady_clock::now();
    const RunResult r =
        runChains({configs[size_t(i)]}, data, control.threads, {&relay}, control.cancel).front();
    if (r.outcome.status == RunStatus::Cancelled || (control.cancel && control.cancel->load())) {
      out.cancelled = true;
      break;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out.points.push_back(sweepPoint(r, configs[size_t(i)].stepSize, seconds));
    if (control.pointFinished) control.pointFinished(i, out.points.back());
  }
  out.best = bestSweepPoint(out.points);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

std::string sweepCsv(const std::vector<SweepPoint>& points, int best) {
  std::string csv = "step_size,status,ensemble_accuracy,nll,last_sample_accuracy,wall_seconds,best,message\n";
  for (size_t i = 0; i < points.size(); ++i) {
    const SweepPoint& q = points[i];
    std::string msg = q.message;
    for (char& ch : msg)
      if (ch == '"') ch = '\'';
    csv += formatNumber(q.stepSize) + ',' + enumName(q.status) + ',' + formatNumber(q.ensembleAccuracy) +
           ',' + formatNumber(q.nll) + ',' + formatNumber(q.lastSampleAccuracy) + ',' +
           formatNumber(q.seconds) + ',' + (int(i) == best ? "1" : "0") + ",\"" + msg + "\"\n";
  }
  return csv;
}

}  // namespace bnn
