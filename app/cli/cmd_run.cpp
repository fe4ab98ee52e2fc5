// bnn-cli run: a preset or fully specified configuration, one progress bar per chain, then the
// example's summary. --compare runs example-sgld and example-sghmc at once.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "commands.h"
#include "data/idx_loader.h"
#include "run/result_io.h"
#include "run/run_engine.h"

namespace bnn::cli {

namespace {

std::atomic<bool> g_interrupted{false};
void onSigint(int) { g_interrupted.store(true); }

void printRunUsage(FILE* out) {
  std::fputs(
      "usage: bnn-cli run [--preset NAME | --compare] [--data DIR] [--threads N] [--out DIR]\n"
      "                   [--no-progress] [--PARAM VALUE ...]\n"
      "\n"
      "  --preset NAME   example-sgld (default), example-sghmc, example-sghmc-as-published\n"
      "  --compare       run example-sgld and example-sghmc at once (overrides apply to both)\n"
      "  --data DIR      folder with the four MNIST-style IDX files, raw or .gz (default data/mnist)\n"
      "  --threads N     worker threads (default: all cores); results do not depend on it\n"
      "  --out DIR       write the result folder(s) there (config.json, summary.json, curve.csv, *.npy)\n"
      "  --no-progress   no progress bars\n"
      "\n"
      "parameters (--PARAM VALUE):\n",
      out);
  for (const ParamSpec& s : runParamSpecs())
    std::fprintf(out, "  --%-28s %s\n", s.key.c_str(), s.label.c_str());
  std::fputs("\naliases: --warmup, --samples, --eval-every, --step-size, --seed are parameters too.\n", out);
}

std::string formatDuration(double s) {
  if (!std::isfinite(s) || s < 0) return "--:--";
  const int t = static_cast<int>(s + 0.5);
  char buf[32];
  if (t >= 3600)
    std::snprintf(buf, sizeof buf, "%d:%02d:%02d", t / 3600, (t / 60) % 60, t % 60);
  else
    std::snprintf(buf, sizeof buf, "%d:%02d", t / 60, t % 60);
  return buf;
}

/// Latest progress of one chain; written by the worker, read by the printing thread.
class ProgressSink final : public ChainObserver {
 public:
  void progressed(const ChainProgress& p) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_latest = p;
    m_has = true;
  }
  bool latest(ChainProgress& out) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    out = m_latest;
    return m_has;
  }

 private:
  mutable std::mutex m_mutex;
  ChainProgress m_latest;
  bool m_has = false;
};

std::string progressLine(const std::string& name, const ChainProgress& p, bool finished) {
  const double frac = p.phaseSteps > 0 ? static_cast<double>(p.step) / p.phaseSteps : 1.0;
  const int width = 24;
  const int filled = static_cast<int>(frac * width + 1e-9);
  std::string bar(static_cast<size_t>(filled), '#');
  bar += std::string(static_cast<size_t>(width - filled), '.');
  char buf[256];
  const char* phase = p.phase == Phase::Warmup ? "warm-up " : "sampling";
  std::string err = std::isfinite(p.currentErrorPercent)
                        ? (p.phase == Phase::Warmup ? "error " : "avg error ") +
                              [&] {
                                char e[32];
                                std::snprintf(e, sizeof e, "%.1f%%", p.currentErrorPercent);
                                return std::string(e);
                              }()
                        : std::string("error --");
  std::snprintf(buf, sizeof buf, "%-22.22s %s %6lld/%-6lld [%s] %7.1f it/s  %s %s  | %s", name.c_str(), phase,
                static_cast<long long>(p.step), static_cast<long long>(p.phaseSteps), bar.c_str(),
                p.stepsPerSecond, finished ? "took" : "ETA ",
                formatDuration(finished ? p.wallSeconds : p.etaSeconds).c_str(), err.c_str());
  return buf;
}

struct Options {
  std::vector<RunConfig> configs;
  std::vector<std::string> presetKeys;  // preset each config started from
  std::string data = "data/mnist";
  std::string out;
  int threads = 0;
  bool progress = true;
};

// Returns an error message, or "" on success.
std::string parse(int argc, char** argv, Options& o, bool& help) {
  std::string preset = "example-sgld";
  bool compare = false, presetGiven = false;
  std::vector<std::pair<std::string, std::string>> overrides;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](std::string& v) -> bool {
      if (i + 1 >= argc) return false;
      v = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--help" || a == "-h") {
      help = true;
      return "";
    }
    if (a == "--compare") {
      compare = true;
      continue;
    }
    if (a == "--no-progress") {
      o.progress = false;
      continue;
    }
    if (a.rfind("--", 0) != 0) return "unexpected argument '" + a + "'";
    if (!value(v)) return a + ": missing value";
    if (a == "--preset") {
      preset = v;
      presetGiven = true;
    } else if (a == "--data")
      o.data = v;
    else if (a == "--out")
      o.out = v;
    else if (a == "--threads") {
      char* end = nullptr;
      const long t = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end || t < 1 || t > 256)
        return "--threads: expected an integer in 1..256, found '" + v + "'";
      o.threads = static_cast<int>(t);
    } else if (findParamSpec(a.substr(2)))
      overrides.emplace_back(a.substr(2), v);
    else
      return "unknown option '" + a + "' (see bnn-cli run --help)";
  }
  if (compare && presetGiven)
    return "--compare and --preset contradict each other: --compare runs example-sgld and example-sghmc";
  std::vector<std::string> names =
      compare ? std::vector<std::string>{"example-sgld", "example-sghmc"} : std::vector<std::string>{preset};
  for (const std::string& n : names) {
    auto c = presetConfig(n);
    if (!c) {
      std::string all;
      for (const auto& p : presetNames()) all += (all.empty() ? "" : ", ") + p;
      return "--preset: unknown preset '" + n + "' (one of " + all + ")";
    }
    for (const auto& [k, val] : overrides) {
      if (auto err = setParam(*c, k, val)) return "--" + *err;
    }
    if (auto err = validate(*c)) return n + ": " + *err;
    o.configs.push_back(*c);
    o.presetKeys.push_back(n);
  }
  return "";
}

void printSummary(const RunResult& r) {
  const double ens = r.ensembleAccuracy();
  const double last = r.lastPointwiseAccuracy;
  std::printf("\n%s (%s, seed %llu)%s\n", r.config.name.c_str(), r.outcome.message.c_str(),
              static_cast<unsigned long long>(r.config.seed),
              r.outcome.status == RunStatus::Completed ? "" : ": partial results");
  if (r.predictive.sampleCount() > 0) {
    std::printf("  ensemble accuracy (posterior predictive, %lld samples)  %.4f\n",
                static_cast<long long>(r.predictive.sampleCount()), ens);
    std::printf("  last-sample pointwise accuracy                        %.4f\n", last);
    std::printf("  difference (ensemble - last sample)                   %+.4f\n", ens - last);
    std::printf("  certain share (max predictive probability > 0.95)     %.1f%%\n",
                100.0 * certainShare(r.predictive, 0.95));
    std::printf("  test NLL of the ensemble                              %.4f nats\n",
                r.predictive.negLogLikelihood(r.testLabels.data()));
  } else if (std::isfinite(last)) {
    std::printf("  pointwise accuracy of the last state                  %.4f (no posterior samples)\n",
                last);
  }
  const auto& t = r.timings;
  std::printf(
      "  wall time %.1f s: gradients %.1f s (%lld), updates %.1f s, test passes %.1f s (%lld), %d threads\n",
      t.totalSeconds, t.gradientSeconds, static_cast<long long>(t.gradEvals), t.updateSeconds, t.evalSeconds,
      static_cast<long long>(t.testPasses), t.threads);
}

}  // namespace

int run(int argc, char** argv) {
  Options o;
  bool help = false;
  const std::string err = parse(argc, argv, o, help);
  if (help) {
    printRunUsage(stdout);
    return 0;
  }
  if (!err.empty()) {
    std::fprintf(stderr, "bnn-cli run: %s\n", err.c_str());
    return 2;
  }
  auto loaded = loadDataset(o.data);
  if (!loaded) {
    std::fprintf(stderr, "bnn-cli run: cannot use the data: %s\n", loaded.error().message().c_str());
    if (loaded.error().code == ErrorCode::NotFound || loaded.error().code == ErrorCode::MissingFile)
      std::fprintf(
          stderr,
          "  fetch MNIST with scripts/fetch-mnist.sh, or point --data at a folder with the four IDX files\n");
    return 1;
  }
  auto data = std::make_shared<const Dataset>(std::move(loaded).value());
  for (const RunConfig& c : o.configs) {
    if (c.batchSize > data->train.count) {
      std::fprintf(stderr, "bnn-cli run: batch-size %d exceeds the %lld training images\n", c.batchSize,
                   static_cast<long long>(data->train.count));
      return 2;
    }
  }
  std::printf("data: %s, %lld training and %lld test images (%s)\n", data->name.c_str(),
              static_cast<long long>(data->train.count), static_cast<long long>(data->test.count),
              data->directory.c_str());

  std::signal(SIGINT, onSigint);
  std::signal(SIGTERM, onSigint);
  std::vector<std::unique_ptr<ProgressSink>> sinks;
  std::vector<std::shared_ptr<ChainJob>> jobs;
  WorkerPool pool(o.threads);
  std::vector<ChainObserver*> observers;
  for (size_t i = 0; i < o.configs.size(); ++i) {
    sinks.push_back(std::make_unique<ProgressSink>());
    observers.push_back(sinks.back().get());
  }
  jobs = pool.submitGroup(o.configs, data, observers);
  const bool tty = isatty(fileno(stderr));
  auto allDone = [&] {
    for (auto& j : jobs)
      if (!j->isFinished()) return false;
    return true;
  };
  bool drawn = false;
  auto lastPlain = std::chrono::steady_clock::now();
  auto draw = [&](bool final) {
    if (!o.progress) return;
    const auto now = std::chrono::steady_clock::now();
    if (!tty && !final && now - lastPlain < std::chrono::seconds(10)) return;
    lastPlain = now;
    if (tty && drawn) std::fprintf(stderr, "\x1b[%zuA", jobs.size());
    for (size_t i = 0; i < jobs.size(); ++i) {
      ChainProgress p;
      sinks[i]->latest(p);
      std::fprintf(stderr, "%s%s\n", tty ? "\r\x1b[2K" : "",
                   progressLine(o.configs[i].name, p, jobs[i]->isFinished()).c_str());
    }
    drawn = true;
  };
  while (!allDone()) {
    if (g_interrupted.load()) pool.stopAll();
    draw(false);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  draw(true);

  int exitCode = 0;
  std::vector<RunResult> results;
  for (auto& j : jobs) results.push_back(j->result());
  for (size_t i = 0; i < results.size(); ++i) {
    const RunResult& r = results[i];
    printSummary(r);
    if (r.outcome.status == RunStatus::Cancelled)
      exitCode = std::max(exitCode, 130);
    else if (r.outcome.status != RunStatus::Completed)
      exitCode = std::max(exitCode, 1);
    if (!o.out.empty()) {
      std::string dir = o.out;
      if (results.size() > 1) {
        std::error_code ec;
        std::filesystem::create_directories(o.out, ec);
        dir += "/" + o.presetKeys[i];
      }
      if (auto st = writeRunResult(r, dir); !st) {
        std::fprintf(stderr, "bnn-cli run: could not save the result: %s\n", st.error().message().c_str());
        exitCode = std::max(exitCode, 1);
      } else {
        std::printf("  saved to %s\n", dir.c_str());
      }
    }
  }
  if (results.size() == 2 && results[0].predictive.sampleCount() > 0 &&
      results[1].predictive.sampleCount() > 0) {
    const auto& a = results[0];
    const auto& b = results[1];
    std::printf(
        "\ncomparison: ensemble accuracy %s %.4f vs %s %.4f; gradient evaluations %lld vs %lld; wall %.1f s "
        "vs %.1f s\n",
        a.config.name.c_str(), a.ensembleAccuracy(), b.config.name.c_str(), b.ensembleAccuracy(),
        static_cast<long long>(a.timings.gradEvals), static_cast<long long>(b.timings.gradEvals),
        a.timings.totalSeconds, b.timings.totalSeconds);
  }
  return exitCode;
}

}  // namespace bnn::cli
