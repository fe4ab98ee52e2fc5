// bnn-cli run: a preset or fully specified configuration, one progress bar per chain, then the
// example's summary. --compare runs example-sgld and example-sghmc at once.
#include <unistd.h>

#include <stdlib.h>  // mkdtemp

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "commands.h"
#include "data/idx_loader.h"
#include "run/checkpoint.h"
#include "run/chain_pool.h"
#include "run/result_io.h"
#include "run/run_engine.h"
#include "util/option_parser.h"

namespace bnn::cli {

namespace {

// SIGINT / SIGTERM: the first one asks every chain to stop (each stops within one step); the
// results of interrupted runs are not saved, so --out DIR is written complete or not at all. A
// second signal at least a second later, while the chains are still stopping, quits at once
// (nothing has been written then; tools such as `timeout` deliver one interruption twice within
// milliseconds, which counts as one). While result folders are being written (atomically, in well
// under a second) signals are only recorded, and the exit code says so. A signal ignored when the
// program started (a background job of a non-interactive shell, nohup) stays ignored.
volatile std::sig_atomic_t g_signal = 0;          // the first signal received, 0 if none
volatile std::sig_atomic_t g_writingResults = 0;  // set while the result folders are written

extern "C" void onSignal(int sig) {
  // Only this handler touches `first`; SIGINT and SIGTERM block each other while it runs.
  static timespec first{};
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  if (g_signal == 0) {
    g_signal = sig;
    first = now;
    return;
  }
  const double since = double(now.tv_sec - first.tv_sec) + 1e-9 * double(now.tv_nsec - first.tv_nsec);
  if (g_writingResults || since < 1.0) return;
  static const char kMsg[] = "\nbnn-cli run: interrupted again, quitting without saving\n";
  const ssize_t ignored = ::write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
  (void)ignored;
  std::_Exit(128 + g_signal);
}

void installSignalHandlers() {
  struct sigaction sa {};
  sa.sa_handler = onSignal;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGINT);
  sigaddset(&sa.sa_mask, SIGTERM);
  sa.sa_flags = SA_RESTART;
  for (int sig : {SIGINT, SIGTERM}) {
    struct sigaction old {};
    if (sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    sigaction(sig, &sa, nullptr);
  }
}

void printRunUsage(FILE* out) {
  std::fputs(
      "usage: bnn-cli run [--preset NAME | --compare] [--data DIR] [--threads N] [--out DIR]\n"
      "                   [--no-progress] [--PARAM VALUE ...]\n"
      "       bnn-cli run --resume DIR [--data DIR] [--threads N] [--checkpoint-every S] [--no-progress]\n"
      "\n",
      out);
  std::string presets;
  for (const std::string& p : presetNames()) presets += (presets.empty() ? "" : ", ") + p;
  std::string pair;
  for (const std::string& p : comparisonPresetNames()) pair += (pair.empty() ? "" : " and ") + p;
  std::fprintf(out, "  --preset NAME   %s (default example-sgld)\n", presets.c_str());
  std::fprintf(out, "  --compare       run %s at once (the overrides apply to both)\n", pair.c_str());
  std::fputs(
      "  --data DIR      folder with the four MNIST-style IDX files, raw or .gz (default data/mnist)\n"
      "  --threads N     worker threads (default: all cores); results do not depend on it\n"
      "  --out DIR       write the result folder there (config.json, summary.json, curve.csv, *.npy);\n"
      "                  with --compare one subfolder per preset. Written atomically once the runs\n"
      "                  have ended. While they go, each folder holds its chain's checkpoint\n"
      "                  (every --checkpoint-every seconds and on Ctrl-C); an interrupted run\n"
      "                  (Ctrl-C, a crash, a power cut) saves no results but can continue\n"
      "  --resume DIR    continue the interrupted run(s) of --out DIR from their checkpoints, with\n"
      "                  the configuration they started with; the results are bit-identical to\n"
      "                  runs never interrupted (--data when the data moved). The chains of\n"
      "                  --chains K in one process write no checkpoints; a --chain-index i\n"
      "                  process does, like any run\n"
      "  --no-progress   no progress bars\n"
      "\n"
      "run parameters, --KEY VALUE or --KEY=VALUE (the value of example-sgld in brackets):\n",
      out);
  const RunConfig example = *presetConfig("example-sgld");
  for (const ParamSpec& s : runParamSpecs()) {
    std::string what = s.label;
    if (!s.unit.empty()) what += " (" + s.unit + ")";
    std::fprintf(out, "  --%-27s %s: %s [%s]\n", s.key.c_str(), what.c_str(), s.accepts.c_str(),
                 getParam(example, s.key).c_str());
  }
  std::fputs(
      "\nexit status: 0 every run completed, 1 a run diverged or failed, ended with a warning (a quiet\n"
      "failure: potential exploded or test accuracy at chance) or could not be saved,\n"
      "2 wrong options (one line on stderr says why), 130 interrupted (nothing saved)\n",
      out);
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

// A private working folder for kept samples, removed with everything in it when it goes.
class SampleFolder {
 public:
  explicit SampleFolder(const std::string& out) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path base;
    if (!out.empty()) {
      fs::path dest(out);
      if (dest.filename().empty()) dest = dest.parent_path();
      std::string name = ".";  // appended, not "." + name (GCC 12's false -Wrestrict)
      name += dest.filename().string();
      name += ".samples-XXXXXX";
      base = fs::absolute(dest, ec).parent_path() / name;
      fs::create_directories(base.parent_path(), ec);
    } else {
      base = fs::temp_directory_path(ec) / "bnn-samples-XXXXXX";
    }
    std::string tmpl = base.string();
    if (mkdtemp(tmpl.data())) m_path = tmpl;  // else: the chains use the temporary folder
  }
  ~SampleFolder() {
    std::error_code ignore;
    if (!m_path.empty()) std::filesystem::remove_all(m_path, ignore);
  }
  SampleFolder(const SampleFolder&) = delete;
  SampleFolder& operator=(const SampleFolder&) = delete;
  const std::string& path() const { return m_path; }

 private:
  std::string m_path;
};

struct Options {
  std::vector<RunConfig> configs;
  std::vector<std::string> presetKeys;  // preset each config started from
  bool pooled = false;                  // --chains K: configs are the K chains of one run
  std::string data = "data/mnist";
  bool dataGiven = false;
  std::string out;
  int threads = 0;
  bool progress = true;
  // --resume DIR: the run folders continued and their checkpoints (one per chain), and the
  // overrides allowed with it (checkpoint-every).
  std::string resume;
  ParamOverrides resumeOverrides;
  std::vector<std::string> folders;  // per chain: where its checkpoints and result go ("" none)
  std::vector<std::shared_ptr<const ChainCheckpoint>> resumes;
};

// Returns an error message, or "" on success.
std::string parse(int argc, char** argv, Options& o, bool& help) {
  OptionParser parser;
  parser.flag("compare").flag("no-progress").value("preset").value("data").value("out").value("threads");
  parser.value("resume");
  parser.values([](const std::string& key) { return findParamSpec(key) != nullptr; });
  const OptionParser::Parsed p = parser.parse(argc, argv);
  if (p.help) {
    help = true;
    return "";
  }
  if (!p.ok()) return p.error + " (see bnn-cli run --help)";
  const bool compare = p.has("compare");
  o.progress = !p.has("no-progress");
  ParamOverrides overrides;
  for (const auto& [name, value] : p.options) {
    if (name == "data") {
      if (value.empty()) return "--data needs a folder";
      o.data = value;
      o.dataGiven = true;
    } else if (name == "resume") {
      if (value.empty()) return "--resume needs the folder of an interrupted run";
      o.resume = value;
    } else if (name == "out") {
      if (value.empty()) return "--out needs a folder";
      o.out = value;
    } else if (name == "threads") {
      int t = 0;
      const auto r = std::from_chars(value.data(), value.data() + value.size(), t);
      if (value.empty() || r.ec != std::errc() || r.ptr != value.data() + value.size() || t < 1 || t > 256)
        return "--threads: expected a whole number from 1 to 256, found " + quotedText(value.substr(0, 40));
    } else if (findParamSpec(name)) {
      overrides.emplace_back(name, value);
    }
  }
  if (auto t = p.last("threads")) o.threads = std::stoi(*t);
  const std::optional<std::string> preset = p.last("preset");
  if (!o.resume.empty()) {
    // A run continues as it was configured; only where its data are and how often it writes
    // checkpoints may change.
    if (compare || preset || !o.out.empty())
      return "--resume continues a run as it was started: --preset, --compare and --out do not apply "
             "(its results go to the folder it continues)";
    for (const auto& [key, value] : overrides) {
      if (key != "checkpoint-every")
        return "--resume continues a run with the configuration it started with: --" + key +
               " cannot change (only --checkpoint-every can)";
      o.resumeOverrides.emplace_back(key, value);
    }
    return "";
  }
  if (compare && preset) {
    std::string pair;
    for (const std::string& n : comparisonPresetNames()) pair += (pair.empty() ? "" : " and ") + n;
    return "--compare and --preset contradict each other: --compare runs " + pair;
  }
  const std::vector<std::string> names =
      compare ? comparisonPresetNames() : std::vector<std::string>{preset.value_or("example-sgld")};
  CheckedConfigs checked = configsFromOptions(names, overrides);
  if (!checked) return checked.error;
  o.configs = std::move(checked.configs);
  o.presetKeys = names;
  // --chains K (without --chain-index): the K chains run together and are pooled.
  if (chainConfigs(o.configs.front()).size() > 1) {
    if (o.configs.size() > 1)
      return "--chains runs the chains of one configuration; give --preset instead of --compare";
    o.configs = chainConfigs(o.configs.front());
    o.presetKeys.assign(o.configs.size(), names.front());
    o.pooled = true;
    // Checkpoints are per chain process: K chains in one process write none (README "Many
    // chains"), so asking for them is refused rather than ignored.
    for (const auto& [key, value] : overrides)
      if (key == "checkpoint-every" && o.configs.front().checkpointEverySeconds > 0)
        return "--checkpoint-every: the chains of --chains K in one process write no checkpoints and "
               "cannot be resumed; run each chain as its own process (--chains K --chain-index i "
               "--out DIR_i, then bnn-cli merge) to checkpoint and resume it";
  }
  return "";
}

// Progress label of a chain: its name, and its index when it is one of K.
std::string chainLabel(const RunConfig& c) {
  return c.chains > 1 && c.chainIndex >= 0 ? c.name + " #" + std::to_string(c.chainIndex) : c.name;
}

void printSummary(const RunResult& r) {
  const double ens = r.ensembleAccuracy();
  const double last = r.lastPointwiseAccuracy;
  std::printf("\n%s (%s, seed %llu)%s\n", r.config.name.c_str(), r.outcome.message.c_str(),
              static_cast<unsigned long long>(r.config.seed),
              r.outcome.status == RunStatus::Completed || r.outcome.status == RunStatus::Warning
                  ? ""
                  : ": partial results");
  if (r.predictive.sampleCount() > 0) {
    std::printf("  ensemble accuracy (posterior predictive, %lld samples)  %.4f\n",
                static_cast<long long>(r.predictive.sampleCount()), ens);
    if (std::isfinite(last)) {  // a pooled result has no last sample
      std::printf("  last-sample pointwise accuracy                        %.4f\n", last);
      std::printf("  difference (ensemble - last sample)                   %+.4f\n", ens - last);
    }
    std::printf("  certain share (max predictive probability > 0.95)     %.1f%%\n",
                100.0 * certainShare(r.predictive, 0.95));
    std::printf("  test NLL of the ensemble                              %.4f nats\n",
                r.predictive.negLogLikelihood(r.testLabels().data()));
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

// Writes the results. One run: its folder at o.out. Several (--compare): one subfolder per preset;
// when o.out does not exist yet they are written into a temporary sibling that is renamed into
// place, so the folder appears complete or not at all; an existing o.out gets each subfolder
// replaced atomically on its own.
Status saveResults(const std::vector<RunResult>& results, const Options& o) {
  namespace fs = std::filesystem;
  if (!o.resume.empty()) {  // continued runs: each into the folder it continued
    for (size_t i = 0; i < results.size(); ++i)
      if (Status st = writeRunResult(results[i], o.folders[i]); !st) return st;
    return okStatus();
  }
  if (results.size() == 1) return writeRunResult(results.front(), o.out);
  fs::path dest(o.out);
  if (dest.filename().empty()) dest = dest.parent_path();
  std::error_code ec;
  if (fs::exists(fs::symlink_status(dest, ec))) {
    for (size_t i = 0; i < results.size(); ++i)
      if (Status st = writeRunResult(results[i], (dest / o.presetKeys[i]).string()); !st) return st;
    return okStatus();
  }
  std::string tmpl = dest.string() + ".tmp-XXXXXX";
  if (!mkdtemp(tmpl.data()))
    return makeError(ErrorCode::Io, dest.string(), -1, {}, {},
                     "cannot create a folder beside it: " + std::string(std::strerror(errno)));
  const fs::path stage(tmpl);
  auto discard = [&] {
    std::error_code ignore;
    fs::remove_all(stage, ignore);
  };
  for (size_t i = 0; i < results.size(); ++i) {
    if (Status st = writeRunResult(results[i], (stage / o.presetKeys[i]).string()); !st) {
      discard();
      return st;
    }
  }
  fs::rename(stage, dest, ec);
  if (ec) {
    discard();
    return makeError(ErrorCode::Io, dest.string(), -1, {}, {},
                     "cannot move the new folder into place: " + ec.message());
  }
  return okStatus();
}

// --resume DIR: the run folders to continue (DIR itself when it holds a checkpoint, else its
// subfolders that do, as --compare writes them), their checkpoints and configurations.
// Returns an error message, or "" on success.
std::string prepareResume(Options& o) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(o.resume, ec)) return o.resume + ": no such folder";
  if (hasCheckpoint(o.resume)) {
    o.folders.push_back(o.resume);
  } else {
    std::vector<std::string> subs;
    for (const auto& e : fs::directory_iterator(o.resume, ec))
      if (e.is_directory() && hasCheckpoint(e.path().string())) subs.push_back(e.path().string());
    std::sort(subs.begin(), subs.end());
    o.folders = subs;
  }
  if (o.folders.empty())
    return o.resume + ": nothing to continue (no " + kCheckpointFile +
           " there or in its subfolders; a run writes one into its --out folder, the chains of "
           "--chains K in one process write none)";
  for (const std::string& f : o.folders) {
    Result<ChainCheckpoint> ck = readCheckpoint(f);
    if (!ck) return "cannot continue: " + ck.error().message();
    RunConfig c = ck->config;
    for (const auto& [key, value] : o.resumeOverrides)
      if (std::optional<std::string> why = setParam(c, key, value)) return *why;
    o.configs.push_back(c);
    o.presetKeys.push_back(fs::path(f).filename().string());
    o.resumes.push_back(std::make_shared<const ChainCheckpoint>(std::move(*ck)));
  }
  if (!o.dataGiven) o.data = o.resumes.front()->data.directory;
  return "";
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
  if (!o.resume.empty()) {
    if (const std::string why = prepareResume(o); !why.empty()) {
      std::fprintf(stderr, "bnn-cli run: %s\n", why.c_str());
      return 1;
    }
  } else if (!o.out.empty() && !o.pooled) {
    // Each chain's folder receives its checkpoints while it runs, then its result: refuse a
    // folder that is neither empty nor a run before anything is written into it.
    for (size_t i = 0; i < o.configs.size(); ++i) {
      o.folders.push_back(o.configs.size() > 1 ? o.out + "/" + o.presetKeys[i] : o.out);
      if (Status st = checkRunDestination(o.folders.back()); !st) {
        std::fprintf(stderr, "bnn-cli run: --out: %s\n", st.error().message().c_str());
        return 2;
      }
    }
  }
  installSignalHandlers();
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
  for (size_t i = 0; i < o.resumes.size(); ++i) {
    const std::string path = o.folders[i] + "/" + kCheckpointFile;
    if (Status st = checkResumable(*o.resumes[i], o.configs[i], *data, path); !st) {
      std::fprintf(stderr, "bnn-cli run: cannot continue: %s\n", st.error().message().c_str());
      if (!o.dataGiven) std::fputs("  point --data at the folder of the data the run started on\n", stderr);
      return 1;
    }
  }
  for (const RunConfig& c : o.configs) {
    if (c.batchSize > data->train.count) {
      std::fprintf(stderr, "bnn-cli run: %s: %d exceeds the %lld training images\n",
                   findParamSpec("batch-size")->label.c_str(), c.batchSize,
                   static_cast<long long>(data->train.count));
      return 2;
    }
  }
  if (g_signal != 0) {
    std::fputs("bnn-cli run: interrupted while loading the data; nothing saved\n", stderr);
    return 128 + g_signal;
  }
  // From here on a signal stops the chains (the loop below); the line is flushed so that a
  // program driving bnn-cli knows the runs are starting.
  std::printf("data: %s, %lld training and %lld test images (%s)\n", data->name.c_str(),
              static_cast<long long>(data->train.count), static_cast<long long>(data->test.count),
              data->directory.c_str());
  std::fflush(stdout);

  std::vector<std::unique_ptr<ProgressSink>> sinks;
  std::vector<ChainObserver*> observers;
  for (size_t i = 0; i < o.configs.size(); ++i) {
    sinks.push_back(std::make_unique<ProgressSink>());
    observers.push_back(sinks.back().get());
  }
  std::vector<ChainCheckpointing> checkpointing(o.configs.size());
  for (size_t i = 0; i < o.configs.size(); ++i) {
    if (i < o.folders.size()) checkpointing[i].directory = o.folders[i];
    if (i < o.resumes.size()) {
      checkpointing[i].resume = o.resumes[i];
      const ChainCheckpoint& c = *o.resumes[i];
      std::printf(
          "continuing %s from %s at %s step %lld of %lld\n", o.configs[i].name.c_str(), o.folders[i].c_str(),
          c.phase == Phase::Warmup ? "warm-up" : "sampling", static_cast<long long>(c.step),
          static_cast<long long>(c.phase == Phase::Warmup ? c.config.warmupSteps : c.config.samplingSteps));
    }
  }
  std::fflush(stdout);
  // Kept posterior samples stream into files of a working folder while the chains run: beside
  // --out (so that saving links them into the result folders instead of copying), else in the
  // temporary folder. The folder goes when the program ends; saved results keep their links.
  const SampleFolder samples(o.out);
  WorkerPool pool(o.threads, ChainStorage{samples.path()});
  const std::vector<std::shared_ptr<ChainJob>> jobs = pool.submitGroup(o.configs, data, observers, checkpointing);
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
                   progressLine(chainLabel(o.configs[i]), p, jobs[i]->isFinished()).c_str());
    }
    drawn = true;
  };
  bool stopping = false;
  while (!allDone()) {
    if (g_signal != 0 && !stopping) {
      pool.stopAll();
      stopping = true;
      if (tty && drawn) std::fputs("\n", stderr);
      drawn = false;
      std::fputs("bnn-cli run: interrupted, stopping the chains (again to quit at once)\n", stderr);
    }
    draw(false);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  draw(true);

  std::vector<RunResult> results;
  for (auto& j : jobs) results.push_back(j->takeResult());
  int exitCode = 0;
  std::optional<RunResult> pooled;
  if (o.pooled && g_signal == 0) {
    std::vector<const RunResult*> ptrs;
    std::vector<std::string> labels;
    for (const RunResult& r : results) {
      ptrs.push_back(&r);
      labels.push_back("chain " + std::to_string(r.config.chainIndex));
    }
    Result<RunResult> p = poolChains(ptrs, labels);
    if (!p) {
      std::fprintf(stderr, "bnn-cli run: cannot pool the chains: %s\n", p.error().message().c_str());
      exitCode = 1;
    } else {
      pooled = std::move(p).value();
    }
  }
  for (const RunResult& r : results) {
    if (o.pooled)
      std::printf("\nchain %lld of %lld:", static_cast<long long>(r.config.chainIndex),
                  static_cast<long long>(r.config.chains));
    printSummary(r);
    if (r.outcome.status != RunStatus::Completed && r.outcome.status != RunStatus::Cancelled) exitCode = 1;
  }
  if (pooled) {
    std::printf("\npooled over %lld chains:", static_cast<long long>(results.size()));
    printSummary(*pooled);
    std::vector<const RunResult*> ptrs;
    for (const RunResult& r : results) ptrs.push_back(&r);
    std::printf("  per-sample test accuracy across chains: %s\n",
                convergenceLine(accuracyConvergence(ptrs)).c_str());
    std::fputs(convergenceText(scalarConvergence(pooled->diagnostics)).c_str(), stdout);
  }
  if (!o.pooled && results.size() == 2 && results[0].predictive.sampleCount() > 0 &&
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

  const bool interrupted = g_signal != 0;
  const std::string dest = o.resume.empty() ? o.out : o.resume;
  bool resumable = false;
  for (const std::string& f : o.folders) resumable = resumable || hasCheckpoint(f);
  if (!dest.empty() && interrupted && resumable) {
    std::printf("\ninterrupted: no results saved; %s holds the checkpoints to continue from:\n"
                "  bnn-cli run --resume %s\n",
                dest.c_str(), dest.c_str());
  } else if (!dest.empty() && interrupted) {
    std::printf("\ninterrupted: nothing saved to %s%s\n", dest.c_str(),
                o.pooled ? " (the chains of --chains K in one process write no checkpoints: run each as its own "
                           "process with --chain-index i to be able to resume it)"
                         : "");
  } else if (!dest.empty()) {
    g_writingResults = 1;
    const Status st =
        pooled ? writePooledRun(*pooled, results, o.out)
        : o.pooled
            ? Status(makeError(ErrorCode::BadValue, o.out, -1, {}, {}, "the chains could not be pooled"))
            : saveResults(results, o);
    g_writingResults = 0;
    if (!st) {
      std::fprintf(stderr, "bnn-cli run: could not save the results: %s\n", st.error().message().c_str());
      exitCode = std::max(exitCode, 1);
    } else {
      std::printf("\nsaved to %s\n", dest.c_str());
    }
  }
  std::fflush(stdout);
  return g_signal != 0 ? 128 + g_signal : exitCode;
}

}  // namespace bnn::cli
