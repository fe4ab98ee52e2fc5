#include "run/run_engine.h"

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <functional>
#include <limits>
#include <thread>
#include <utility>

#include "run/chain_health.h"
#include "run/chain_parts.h"
#include "run/checkpoint.h"
#include "run/diagnostic_recorder.h"
#include "run/posterior_evaluation.h"
#include "run/posterior_samples.h"
#include "run/sample_file_writer.h"
#include "run/sample_schedule.h"
#include "samplers/step_schedule.h"
#include "util/philox.h"

#include <stdlib.h>  // mkstemps
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace bnn {

namespace {

using Clock = std::chrono::steady_clock;

std::string formatStep(double h) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", h);
  return buf;
}

SamplerSettings samplerSettings(const RunConfig& c, bool samplingPhase) {
  SamplerSettings s;
  s.kind = (samplingPhase && c.samplingPhaseUsesSgld) ? SamplerKind::Sgld : c.sampler;
  s.form = c.sghmcForm;
  s.stepSize = c.stepSize;
  s.temperature = c.temperature;
  s.leapfrogSteps = c.leapfrogSteps;
  s.alpha = c.alpha;
  s.beta = c.beta;
  s.freshBatchPerInnerStep = c.freshBatchPerInnerStep;
  s.psgldDecay = c.psgldDecay;
  s.psgldLambda = c.psgldLambda;
  s.sgnhtDiffusion = c.sgnhtDiffusion;
  return s;
}

// A new, empty file "samples-XXXXXX.npy" in `directory` (created if missing; empty: the system's
// temporary folder).
Result<std::string> newSamplesFile(const std::string& directory) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path dir = directory.empty() ? fs::temp_directory_path(ec) : fs::path(directory);
  if (ec) dir = "/tmp";
  fs::create_directories(dir, ec);
  std::string name = (dir / "samples-XXXXXX.npy").string();
  const int fd = mkstemps(name.data(), 4);
  if (fd < 0)
    return makeError(ErrorCode::Io, dir.string(), -1, {}, {},
                     std::string("cannot create a file for the posterior samples: ") + std::strerror(errno));
  ::fchmod(fd, 0644);  // as the run folder's other files (mkstemps makes it private)
  ::close(fd);
  return name;
}

// Streams the kept samples of a chain (sample_schedule.h) into a file and maps it at the end.
class SampleKeeper {
 public:
  // With a checkpoint folder the samples go to <folder>/checkpoint-samples.npy, which the
  // folder keeps (checkpoints refer to it); `resumeCount` of them are already there when a
  // chain continues from a checkpoint. Otherwise to a new file in storage.sampleDirectory,
  // removed with the result's last copy.
  SampleKeeper(const RunConfig& c, const MlpShape& shape, const ChainStorage& storage,
               const std::string& checkpointDirectory, int64_t resumeCount)
      : m_shape(shape), m_steps(keptSamplingSteps(c)) {
    if (m_steps.empty()) return;
    if (!checkpointDirectory.empty()) {
      m_ownership = PosteriorSamples::Ownership::Borrowed;
      std::error_code ec;
      std::filesystem::create_directories(checkpointDirectory, ec);
      const std::string path = (std::filesystem::path(checkpointDirectory) / kCheckpointSamplesFile).string();
      Result<std::unique_ptr<SampleFileWriter>> w =
          resumeCount > 0 ? SampleFileWriter::continueFrom(path, shape.numParams(), resumeCount)
                          : (::unlink(path.c_str()),  // a new file: a saved run's samples.npy may link the old one
                             SampleFileWriter::create(path, shape.numParams()));
      if (!w) {
        m_error = w.error().message();
        return;
      }
      m_writer = std::move(*w);
      m_next = static_cast<size_t>(std::min<int64_t>(resumeCount, static_cast<int64_t>(m_steps.size())));
      return;
    }
    Result<std::string> path = newSamplesFile(storage.sampleDirectory);
    if (!path) {
      m_error = path.error().message();
      return;
    }
    Result<std::unique_ptr<SampleFileWriter>> w = SampleFileWriter::create(*path, shape.numParams());
    if (!w) {
      ::unlink(path->c_str());
      m_error = w.error().message();
      return;
    }
    m_writer = std::move(*w);
  }
  ~SampleKeeper() {
    // Not handed over (an exception): a working file goes; a checkpoint's stays with its folder.
    if (m_writer && m_ownership == PosteriorSamples::Ownership::RemoveWhenDone) ::unlink(m_writer->path().c_str());
  }
  // Samples written so far, flushed to the disk: a checkpoint written next may refer to them.
  int64_t sync() {
    if (!m_writer) return 0;
    if (Status st = m_writer->sync(); !st) m_error = st.error().message();
    return m_writer->count();
  }
  // Called with the state after sampling step `step` when its evaluation starts: a scheduled
  // one is copied and waits for commit(step), which comes once its evaluation has shown it
  // finite and it joined the predictive (test passes run while the chain moves on).
  void stage(int64_t step, const float* theta) {
    if (!m_writer || m_next >= m_steps.size() || m_steps[m_next] != step) return;
    m_staged.assign(theta, theta + m_shape.numParams());
    m_stagedStep = step;
  }
  void commit(int64_t step) {
    if (!m_writer || m_stagedStep != step) return;
    m_stagedStep = -1;
    if (Status st = m_writer->append(m_staged.data()); !st) {
      m_error = st.error().message();
      discard();
      return;
    }
    ++m_next;
  }
  // The kept samples, or null (none kept, or keeping failed: see error()).
  std::shared_ptr<const PosteriorSamples> finish() {
    if (!m_writer) return nullptr;
    const std::string path = m_writer->path();
    const int64_t count = m_writer->count();
    Status st = m_writer->finish();
    m_writer.reset();
    const bool removable = m_ownership == PosteriorSamples::Ownership::RemoveWhenDone;
    if (!st || count == 0) {
      if (!st) m_error = st.error().message();
      if (removable) ::unlink(path.c_str());
      return nullptr;
    }
    std::vector<int64_t> steps(m_steps.begin(), m_steps.begin() + count);
    auto opened = PosteriorSamples::open(path, m_shape, std::move(steps), m_ownership);
    if (!opened) {
      m_error = opened.error().message();
      if (removable) ::unlink(path.c_str());
      return nullptr;
    }
    return *opened;
  }
  const std::string& error() const { return m_error; }

 private:
  void discard() {
    if (m_ownership == PosteriorSamples::Ownership::RemoveWhenDone) ::unlink(m_writer->path().c_str());
    m_writer.reset();
  }
  MlpShape m_shape;
  PosteriorSamples::Ownership m_ownership = PosteriorSamples::Ownership::RemoveWhenDone;
  std::vector<int64_t> m_steps;
  size_t m_next = 0;
  std::vector<float> m_staged;  // the state whose evaluation is in progress, if scheduled
  int64_t m_stagedStep = -1;
  std::unique_ptr<SampleFileWriter> m_writer;
  std::string m_error;
};

class ChainLoop {
 public:
  // `test` is the shared handle of d.test the result will carry.
  ChainLoop(const RunConfig& c, const Dataset& d, std::shared_ptr<const ImageSet> test, ChainObserver* obs,
            const std::atomic<bool>* cancel, const ChainStorage& storage, const ChainCheckpointing& checkpointing)
      : m_c(c),
        m_d(d),
        m_test(std::move(test)),
        m_obs(obs),
        m_cancel(cancel),
        m_storage(storage),
        m_ck(checkpointing) {}

  RunResult run() {
    RunResult r;
    r.config = m_c;
    r.datasetName = m_d.name;
    r.datasetDirectory = m_d.directory;
    r.datasetCheck = m_d.check;
    r.classNames = m_d.classNames;
    r.test = m_test;
    r.timings.threads = tbb::this_task_arena::max_concurrency();
    m_start = Clock::now();
    if (m_ck.resume)  // wall time continues from the checkpoint's
      m_start -= std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(m_ck.resume->timings.totalSeconds));
    try {
      loop(r);
      if (m_recorder) r.diagnostics = m_recorder->take();
      if (m_keeper) {
        r.samples = m_keeper->finish();
        if (!m_keeper->error().empty())
          r.outcome.message += "; posterior samples not kept: " + m_keeper->error();
      }
      if (!m_lastLogProbs.empty()) r.lastProbs = probabilitiesFromLogs(m_lastLogProbs);
    } catch (const std::exception& e) {
      r.outcome = {RunStatus::Failed, std::string("run failed: ") + e.what(), m_globalStep};
    } catch (...) {
      r.outcome = {RunStatus::Failed, "run failed: unknown error", m_globalStep};
    }
    m_keeper.reset();
    m_recorder.reset();
    r.timings.totalSeconds = seconds();
    if (!m_checkpointError.empty()) r.outcome.message += "; checkpoint not written: " + m_checkpointError;
    report();
    return r;
  }

 private:
  double seconds() const { return std::chrono::duration<double>(Clock::now() - m_start).count(); }
  bool cancelled() const { return m_cancel && m_cancel->load(std::memory_order_relaxed); }

  void loop(RunResult& r) {
    if (auto why = validate(m_c)) {
      r.outcome = {RunStatus::Failed, "invalid configuration: " + *why, -1};
      return;
    }
    if (m_d.train.count < m_c.batchSize && m_c.batchMode == BatchMode::Epochs) {
      r.outcome = {RunStatus::Failed, "batch size exceeds the training set", -1};
      return;
    }
    const MlpShape shape = mlpShapeFor(m_c, m_d);
    const Mlp mlp(shape);
    std::vector<float> theta =
        initialParameters(shape, m_c.init, m_c.priorSigma,
                          RandomStream(streamKey(m_c.seed, chainStream(kInitStream, m_c.chainIndex))));
    MlpTarget target(mlp, m_d.train, m_c.batchSize, m_c.batchMode, m_c.priorSigma, m_c.augmentShift,
                     RandomStream(streamKey(m_c.seed, chainStream(kBatchStream, m_c.chainIndex))));
    TestEvaluator eval(mlp, m_d.test);
    r.predictive.reset(m_d.test.count, m_d.numClasses);
    m_recorder = std::make_unique<DiagnosticRecorder>(m_c, mlp, m_d);
    // The state lastPointwiseAccuracy measures: its log-probabilities become RunResult::lastProbs.
    auto recordLast = [&](double acc) {
      r.lastPointwiseAccuracy = acc;
      m_lastLogProbs.assign(eval.logProbs().begin(), eval.logProbs().end());
    };

    std::unique_ptr<Sampler> warm =
        makeSampler(samplerSettings(m_c, false), shape.numParams(),
                    RandomStream(streamKey(m_c.seed, chainStream(kNoiseStream, m_c.chainIndex))));
    std::unique_ptr<Sampler> samp;
    if (m_c.samplingPhaseUsesSgld)
      samp =
          makeSampler(samplerSettings(m_c, true), shape.numParams(),
                      RandomStream(streamKey(m_c.seed, chainStream(kSamplingNoiseStream, m_c.chainIndex))));
    Sampler* sampler = warm.get();

    m_warmSteps = m_c.warmupSteps;
    m_sampSteps = m_c.samplingSteps;
    m_gradsPerWarm = gradientsPerStep(m_c, false);
    m_gradsPerSamp = gradientsPerStep(m_c, true);
    m_phase = Phase::Warmup;

    // Quiet failures (run/chain_health.h): the potential after the first step and at every test
    // pass, the accuracy of every pass, how far θ moved from θ₀.
    ChainHealth health(m_c.stepSize, ChainHealth::chanceAccuracy(m_d.test.labels, m_d.numClasses),
                       shape.numParams(), m_c.temperature, m_d.test.count);
    const std::vector<float> theta0 = theta;

    // Checkpoints: continue from one (run/checkpoint.h), and write them as configured.
    int64_t warmFrom = 0, sampFrom = 0;
    bool lastEvaluated = false;
    if (m_ck.resume) {
      if (Status st = restore(*m_ck.resume, theta, target, *warm, samp.get(), health, r); !st) {
        r.outcome = {RunStatus::Failed, "cannot resume: " + st.error().message(), -1};
        return;
      }
      warmFrom = m_phase == Phase::Warmup ? m_step : m_warmSteps;
      sampFrom = m_phase == Phase::Sampling ? m_step : 0;
      lastEvaluated = m_ck.resume->lastEvaluated;
    }
    const bool checkpoints = !m_ck.directory.empty() && m_c.checkpointEverySeconds > 0;
    const DataIdentity identity = checkpoints ? dataIdentity(m_d) : DataIdentity{};
    // Kept samples: beside the checkpoints when there are any (a resumed chain continues the
    // file its checkpoint refers to), else in the storage folder.
    const int64_t keptBefore = m_ck.resume ? m_ck.resume->keptSamples : 0;
    m_keeper = std::make_unique<SampleKeeper>(m_c, shape, m_storage,
                                              checkpoints || m_ck.resume ? m_ck.directory : std::string(),
                                              keptBefore);
    if (keptBefore > 0 && !m_keeper->error().empty()) {
      r.outcome = {RunStatus::Failed, "cannot resume: " + m_keeper->error(), -1};
      return;
    }
    m_lastCheckpoint = Clock::now();
    report();

    const StepSchedule schedule(m_c);
    auto diverged = [&](Phase phase, int64_t s) {
      const double h = phase == Phase::Warmup ? m_c.stepSize : schedule.at(s).stepSize;
      r.outcome = {RunStatus::Diverged,
                   std::string("diverged at ") + (phase == Phase::Warmup ? "warm-up" : "sampling") +
                       " step " + std::to_string(s) + " with step size h = " + formatStep(h) +
                       " (non-finite values)" + ChainHealth::divergedSuggestion(m_c.stepSize),
                   m_globalStep};
    };
    const double dataScale = target.dataScale(), priorPrecision = target.priorPrecision();
    auto notePotential = [&](Phase phase, int64_t s) {
      double sq = 0;
      for (float v : theta) sq += static_cast<double>(v) * v;
      health.potential(phase, s, -dataScale * target.lastLogLikelihood() + 0.5 * priorPrecision * sq);
    };
    auto stepOnce = [&](Sampler* smp, const StepControl& control) {
      const auto t0 = Clock::now();
      const double g0 = target.gradientSeconds();
      const bool ok = smp->step(theta.data(), target, control);
      const double total = std::chrono::duration<double>(Clock::now() - t0).count();
      r.timings.updateSeconds += total - (target.gradientSeconds() - g0);
      r.timings.gradientSeconds = target.gradientSeconds();
      r.timings.gradEvals = m_gradEvals = target.gradientEvaluations();
      ++m_globalStep;
      return ok;
    };

    // Test passes are pipelined: the evaluation of a state runs on a copy of θ while the chain
    // takes its next steps (TestEvaluator::start), and is recorded, in order, when it has
    // finished or before the next one starts (settle). Its results are the same as if the chain
    // had waited. When it finds θ non-finite, the run ends as it would have at that state: the
    // steps taken meanwhile are dropped.
    struct Pending {
      bool active = false;
      bool explore = false;  // a sampling-phase state the schedule explores at: no sample
      Phase phase = Phase::Warmup;
      int64_t step = 0, gradEvals = 0, globalStep = 0;
    } pending;
    auto settle = [&]() -> bool {
      if (!pending.active) return true;
      pending.active = false;
      const double acc = eval.finish();
      r.timings.evalSeconds += eval.lastSeconds();
      ++r.timings.testPasses;
      m_secondsPerEval = r.timings.evalSeconds / static_cast<double>(r.timings.testPasses);
      if (eval.lastHadNonFinite()) {
        m_globalStep = pending.globalStep;
        r.timings.gradEvals = m_gradEvals = pending.gradEvals;
        diverged(pending.phase, pending.step);
        return false;
      }
      recordLast(acc);
      health.evaluated(pending.phase, pending.step, acc);
      if (pending.phase == Phase::Warmup) {
        CurvePoint p{Phase::Warmup, pending.step, pending.gradEvals, seconds(), acc};
        r.curve.push_back(p);
        m_lastError = 100.0 * (1.0 - acc);
        if (m_obs) m_obs->curvePointRecorded(p);
      } else if (pending.explore) {
        // Where the chain is while it explores: its pointwise accuracy, no new ensemble value.
        CurvePoint p{Phase::Sampling,
                     pending.step,
                     pending.gradEvals,
                     seconds(),
                     acc,
                     std::numeric_limits<double>::quiet_NaN(),
                     r.predictive.sampleCount()};
        r.curve.push_back(p);
        if (m_obs) m_obs->curvePointRecorded(p);
      } else {
        CurvePoint p{Phase::Sampling,
                     pending.step,
                     pending.gradEvals,
                     seconds(),
                     acc,
                     r.predictive.accuracy(m_d.test.labels.data()),
                     r.predictive.sampleCount()};
        r.curve.push_back(p);
        m_keeper->commit(pending.step);
        m_recorder->finish(pending.step, eval.logProbs());
        m_lastError = 100.0 * (1.0 - p.ensembleAccuracy);
        if (m_obs) {
          m_obs->curvePointRecorded(p);
          m_obs->predictiveUpdated(r.predictive);
        }
      }
      return true;
    };
    // Starts evaluating the current state (after settling the previous evaluation).
    // An exploring state (`explore`) is evaluated like a warm-up state: pointwise only.
    auto launch = [&](Phase phase, int64_t s, bool explore = false) -> bool {
      if (!settle()) return false;
      pending = {true, explore, phase, s, m_gradEvals, m_globalStep};
      notePotential(phase, s);
      const bool sample = phase == Phase::Sampling && !explore;
      if (sample) {
        m_keeper->stage(s, theta.data());
        m_recorder->begin(s, theta.data());
      }
      eval.start(theta.data(), sample ? &r.predictive : nullptr);
      return true;
    };

    // At the top of a step: when the interval has passed, or `now` (the chain is stopping). The
    // evaluation in flight is settled first, so the checkpoint holds every evaluation before it;
    // false when that evaluation ended the run (divergence).
    auto checkpoint = [&](Phase phase, int64_t s, bool now) -> bool {
      if (!checkpoints) return true;
      if (!now &&
          std::chrono::duration<double>(Clock::now() - m_lastCheckpoint).count() < m_c.checkpointEverySeconds)
        return true;
      if (!settle()) return false;
      save(phase, s, theta, target, *warm, samp.get(), health, r, lastEvaluated, identity);
      m_lastCheckpoint = Clock::now();
      return true;
    };

    // Warm-up: W steps, pointwise test accuracy every K steps (after step 0, K, 2K, ...).
    for (int64_t s = warmFrom; s < m_warmSteps; ++s) {
      if (!checkpoint(Phase::Warmup, s, false)) return;
      if (cancelled()) {
        if (!checkpoint(Phase::Warmup, s, true) || !settle()) return;
        r.outcome = {RunStatus::Cancelled, "cancelled at warm-up step " + std::to_string(s), m_globalStep};
        return;
      }
      if (!stepOnce(sampler, schedule.warmup())) {
        if (settle()) diverged(Phase::Warmup, s);
        return;
      }
      m_step = s + 1;
      if (m_globalStep == 1) notePotential(Phase::Warmup, s);
      if (eval.ready() && !settle()) return;
      if (s % m_c.evalEvery == 0 && !launch(Phase::Warmup, s)) return;
      maybeReport();
    }
    if (m_phase == Phase::Warmup) m_warmDone = seconds();  // (a resumed sampling phase keeps its own)

    // Sampling: S steps at the schedule's step sizes; every `thinning`-th state is added to the
    // predictive unless the schedule explores at that step. While it explores, the pointwise
    // accuracy is taken every K steps as in the warm-up (a curve point with no ensemble value), so
    // the chain is seen to move; the predictive and the kept samples do not depend on it.
    if (samp) sampler = samp.get();
    m_phase = Phase::Sampling;
    m_step = sampFrom;
    report();
    for (int64_t s = sampFrom; s < m_sampSteps; ++s) {
      if (!checkpoint(Phase::Sampling, s, false)) return;
      if (cancelled()) {
        if (!checkpoint(Phase::Sampling, s, true) || !settle()) return;
        r.outcome = {RunStatus::Cancelled, "cancelled at sampling step " + std::to_string(s), m_globalStep};
        return;
      }
      const StepControl control = schedule.at(s);
      if (!stepOnce(sampler, control)) {
        if (settle()) diverged(Phase::Sampling, s);
        return;
      }
      m_step = s + 1;
      if (m_globalStep == 1) notePotential(Phase::Sampling, s);
      lastEvaluated = false;
      if (eval.ready() && !settle()) return;
      if ((s + 1) % m_c.thinning == 0 && !control.explore) {
        if (!launch(Phase::Sampling, s)) return;
        lastEvaluated = true;
      } else if (control.explore && s % m_c.evalEvery == 0) {
        if (!launch(Phase::Sampling, s, true)) return;
      }
      maybeReport();
    }
    if (!settle()) return;
    if (!lastEvaluated) {
      const auto t0 = Clock::now();
      const double acc = eval.evaluate(theta.data(), nullptr);
      r.timings.evalSeconds += std::chrono::duration<double>(Clock::now() - t0).count();
      ++r.timings.testPasses;
      if (!eval.lastHadNonFinite()) recordLast(acc);
    }
    double moved = 0, norm0 = 0;
    for (size_t j = 0; j < theta.size(); ++j) {
      const double d = static_cast<double>(theta[j]) - theta0[j];
      moved += d * d;
      norm0 += static_cast<double>(theta0[j]) * theta0[j];
    }
    const double ensemble = r.predictive.sampleCount() > 0 ? r.predictive.accuracy(m_d.test.labels.data())
                                                           : std::numeric_limits<double>::quiet_NaN();
    if (auto w = health.warning(ensemble, norm0 > 0 ? std::sqrt(moved / norm0) : 1.0))
      r.outcome = {RunStatus::Warning, *w, m_globalStep};
    else
      r.outcome = {RunStatus::Completed, "completed", m_globalStep};
  }

  // --- Checkpoints (run/checkpoint.h): the chain's state between two steps, written and restored.

  void save(Phase phase, int64_t step, const std::vector<float>& theta, const MlpTarget& target,
            const Sampler& warm, const Sampler* samp, const ChainHealth& health, const RunResult& r,
            bool lastEvaluated, const DataIdentity& identity) {
    ChainCheckpoint c;
    c.config = m_c;
    c.data = identity;
    c.phase = phase;
    c.step = step;
    c.globalStep = m_globalStep;
    c.theta = theta;
    c.warmupSampler = warm.saveState();
    if (samp) c.samplingSampler = samp->saveState();
    c.batches = target.position();
    c.predictive = r.predictive.state();
    c.curve = r.curve;
    c.lastPointwiseAccuracy = r.lastPointwiseAccuracy;
    c.timings = r.timings;
    c.timings.totalSeconds = seconds();
    c.warmupDoneSeconds = m_warmDone;
    c.lastErrorPercent = m_lastError;
    c.lastEvaluated = lastEvaluated;
    c.keptSamples = m_keeper ? m_keeper->sync() : 0;
    c.lastLogProbs = m_lastLogProbs;
    c.health = health.state();
    if (m_recorder) c.diagnostics = m_recorder->state();
    if (Status st = writeCheckpoint(c, m_ck.directory); !st && m_checkpointError.empty())
      m_checkpointError = st.error().message();
  }

  Status restore(const ChainCheckpoint& c, std::vector<float>& theta, MlpTarget& target, Sampler& warm,
                 Sampler* samp, ChainHealth& health, RunResult& r) {
    const std::string source =
        m_ck.directory.empty() ? std::string(kCheckpointFile) : m_ck.directory + "/" + kCheckpointFile;
    if (Status st = checkResumable(c, m_c, m_d, source); !st) return st;
    if (c.theta.size() != theta.size())
      return makeError(ErrorCode::BadDimensions, source, -1, std::to_string(theta.size()) + " parameters",
                       std::to_string(c.theta.size()));
    if (Status st = warm.restoreState(c.warmupSampler, source); !st) return st;
    if (samp) {
      if (Status st = samp->restoreState(c.samplingSampler, source); !st) return st;
    }
    if (c.predictive.numImages != m_d.test.count || !r.predictive.setState(c.predictive))
      return makeError(ErrorCode::BadDimensions, source, -1, "a predictive over the test set",
                       "another size");
    if (m_recorder) {
      if (Status st = m_recorder->restore(c.diagnostics, source); !st) return st;
    }
    health.restore(c.health);
    theta = c.theta;
    target.seek(c.batches);
    r.curve = c.curve;
    r.lastPointwiseAccuracy = c.lastPointwiseAccuracy;
    m_lastLogProbs = c.lastLogProbs;
    r.timings.gradientSeconds = c.batches.gradSeconds;
    r.timings.updateSeconds = c.timings.updateSeconds;
    r.timings.evalSeconds = c.timings.evalSeconds;
    r.timings.gradEvals = c.batches.gradEvals;
    r.timings.testPasses = c.timings.testPasses;
    m_globalStep = c.globalStep;
    m_gradEvals = c.batches.gradEvals;
    m_warmDone = c.warmupDoneSeconds;
    m_lastError = c.lastErrorPercent;
    m_secondsPerEval = c.timings.testPasses > 0 ? c.timings.evalSeconds / double(c.timings.testPasses) : 0.0;
    m_phase = c.phase;
    m_step = c.step;
    if (m_obs) {  // observers see the whole run, the part before the checkpoint included
      for (const CurvePoint& p : r.curve) m_obs->curvePointRecorded(p);
      if (r.predictive.sampleCount() > 0) m_obs->predictiveUpdated(r.predictive);
    }
    return okStatus();
  }

  void maybeReport() {
    if (std::chrono::duration<double>(Clock::now() - m_lastReport).count() >= 0.1) report();
  }

  void report() {
    m_lastReport = Clock::now();
    if (!m_obs) return;
    ChainProgress p;
    p.phase = m_phase;
    p.step = m_step;
    p.phaseSteps = m_phase == Phase::Warmup ? m_warmSteps : m_sampSteps;
    p.gradEvals = m_gradEvals;
    p.wallSeconds = seconds();
    p.currentErrorPercent = m_lastError;
    // Rates: steps per second within the current phase; the remaining sampling steps are
    // estimated from the warm-up cost per gradient plus the measured cost of a test pass (ten
    // gradients' worth until the first pass has been timed).
    const double phaseStart = m_phase == Phase::Warmup ? 0.0 : m_warmDone;
    const double phaseElapsed = p.wallSeconds - phaseStart;
    p.stepsPerSecond = phaseElapsed > 0 && m_step > 0 ? m_step / phaseElapsed : 0.0;
    if (p.stepsPerSecond > 0) {
      const double perStep = 1.0 / p.stepsPerSecond;
      if (m_phase == Phase::Warmup) {
        const double perGrad = perStep / std::max<int64_t>(1, m_gradsPerWarm);
        p.etaSeconds = (m_warmSteps - m_step) * perStep + m_sampSteps * perGrad * m_gradsPerSamp +
                       (m_sampSteps / std::max<int64_t>(1, m_c.thinning)) *
                           (m_secondsPerEval > 0 ? m_secondsPerEval : perGrad * 10.0);
      } else {
        p.etaSeconds = (m_sampSteps - m_step) * perStep;
      }
    }
    m_obs->progressed(p);
  }

  const RunConfig& m_c;
  const Dataset& m_d;
  std::shared_ptr<const ImageSet> m_test;
  ChainObserver* m_obs;
  const std::atomic<bool>* m_cancel;
  const ChainStorage& m_storage;
  std::unique_ptr<SampleKeeper> m_keeper;
  std::unique_ptr<DiagnosticRecorder> m_recorder;
  std::vector<float> m_lastLogProbs;
  ChainCheckpointing m_ck;
  Clock::time_point m_lastCheckpoint;
  std::string m_checkpointError;  // the first failure to write a checkpoint
  Clock::time_point m_start, m_lastReport;
  Phase m_phase = Phase::Warmup;
  int64_t m_step = 0, m_globalStep = 0, m_gradEvals = 0;
  int64_t m_warmSteps = 0, m_sampSteps = 0, m_gradsPerWarm = 1, m_gradsPerSamp = 1;
  double m_warmDone = 0;
  double m_secondsPerEval = 0;  // mean wall time of one test-set pass so far
  double m_lastError = std::numeric_limits<double>::quiet_NaN();
};

}  // namespace

RunResult runChain(const RunConfig& config, std::shared_ptr<const Dataset> data, ChainObserver* observer,
                   const std::atomic<bool>* cancel, const ChainStorage& storage,
                   const ChainCheckpointing& checkpointing) {
  if (!data) {
    RunResult r;
    r.config = config;
    r.outcome = {RunStatus::Failed, "run failed: no data", -1};
    return r;
  }
  return ChainLoop(config, *data, sharedTestSplit(data), observer, cancel, storage, checkpointing).run();
}

RunResult runChain(const RunConfig& config, const Dataset& data, ChainObserver* observer,
                   const std::atomic<bool>* cancel, const ChainStorage& storage,
                   const ChainCheckpointing& checkpointing) {
  return ChainLoop(config, data, std::make_shared<const ImageSet>(data.test), observer, cancel, storage,
                   checkpointing)
      .run();
}

// ---------------------------------------------------------------------------------------------

namespace {

class JobImpl final : public ChainJob {
 public:
  // `finished` runs on the driver thread once the chain has stopped, before wait() returns.
  JobImpl(RunConfig c, std::shared_ptr<const Dataset> d, ChainObserver* obs, int concurrency,
          ChainStorage storage, ChainCheckpointing checkpointing, std::function<void()> finished)
      : m_config(std::move(c)),
        m_data(std::move(d)),
        m_obs(obs),
        m_storage(std::move(storage)),
        m_checkpointing(std::move(checkpointing)) {
    // A driver thread per chain executing in its own arena: a chain never waits behind another.
    m_thread = std::thread([this, concurrency, finished = std::move(finished)] {
      tbb::task_arena arena(std::max(1, concurrency));
      RunResult r = arena.execute(
          [&] { return runChain(m_config, m_data, m_obs, &m_stop, m_storage, m_checkpointing); });
      m_data.reset();  // the result holds the test split; the job needs the data no longer
      m_checkpointing.resume.reset();
      if (finished) finished();
      {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_result = std::move(r);
        m_finished = true;
      }
      m_cv.notify_all();
    });
  }
  ~JobImpl() override {
    requestStop();
    if (m_thread.joinable()) m_thread.join();
  }
  void requestStop() override { m_stop.store(true); }
  bool isFinished() const override {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_finished;
  }
  void wait() override {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_cv.wait(lock, [this] { return m_finished; });
  }
  RunResult result() const override {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_result;
  }
  RunResult takeResult() override {
    std::lock_guard<std::mutex> lock(m_mutex);
    return std::exchange(m_result, RunResult{});
  }
  const RunConfig& config() const override { return m_config; }

 private:
  RunConfig m_config;
  std::shared_ptr<const Dataset> m_data;  // driver thread only after construction
  ChainObserver* m_obs;
  ChainStorage m_storage;
  ChainCheckpointing m_checkpointing;  // driver thread only after construction
  std::atomic<bool> m_stop{false};     // cleared before the driver starts
  mutable std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_finished = false;
  RunResult m_result;
  std::thread m_thread;
};

}  // namespace

struct WorkerPool::Impl {
  int threads = 1;
  ChainStorage storage;
  int running = 0;  // chains whose driver thread computes
  std::unique_ptr<tbb::global_control> limit;
  std::mutex mutex;
  std::vector<std::shared_ptr<ChainJob>> jobs;  // running, or finished and not yet forgotten

  // Drops finished jobs. Caller holds `mutex`; never called on a driver thread, so a job whose
  // last reference this was is destroyed (and its finished thread joined) on the caller's thread.
  void forgetFinished() {
    std::erase_if(jobs, [](const std::shared_ptr<ChainJob>& j) { return j->isFinished(); });
  }

  // Each running chain computes on its own driver thread; the TBB workers fill the cores left:
  // threads - running of them (the limit counts one thread more than the workers). Two chains on
  // two cores then run one per core with no worker between them (a third thread would
  // oversubscribe the cores), and a chain left alone gets a worker back. Caller holds `mutex`.
  void updateLimit() {
    const int workers = std::max(0, threads - running);
    limit.reset();
    limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                  static_cast<size_t>(workers + 1));
  }
};

WorkerPool::WorkerPool(int threads, ChainStorage storage) : m_impl(std::make_unique<Impl>()) {
  m_impl->storage = std::move(storage);
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  m_impl->threads = threads > 0 ? threads : hw;
  m_impl->updateLimit();
}

WorkerPool::~WorkerPool() {
  stopAll();
  waitAll();
}

int WorkerPool::threads() const { return m_impl->threads; }

std::shared_ptr<ChainJob> WorkerPool::submit(const RunConfig& config, std::shared_ptr<const Dataset> data,
                                             ChainObserver* observer, const ChainCheckpointing& checkpointing) {
  return submitGroup({config}, std::move(data), {observer}, {checkpointing}).front();
}

std::vector<std::shared_ptr<ChainJob>> WorkerPool::submitGroup(
    const std::vector<RunConfig>& configs, std::shared_ptr<const Dataset> data,
    const std::vector<ChainObserver*>& observers, const std::vector<ChainCheckpointing>& checkpointing) {
  std::lock_guard<std::mutex> lock(m_impl->mutex);
  // Every chain's arena may use all threads; how many TBB workers exist follows the number of
  // running chains (Impl::updateLimit): one chain alone gets every core, and when one of two
  // finishes the other takes the freed core (a fixed split would leave it idle).
  m_impl->forgetFinished();
  std::vector<std::shared_ptr<ChainJob>> jobs;
  m_impl->running += static_cast<int>(configs.size());
  m_impl->updateLimit();
  Impl* impl = m_impl.get();
  for (size_t i = 0; i < configs.size(); ++i) {
    auto job = std::make_shared<JobImpl>(configs[i], data, i < observers.size() ? observers[i] : nullptr,
                                         m_impl->threads, m_impl->storage,
                                         i < checkpointing.size() ? checkpointing[i] : ChainCheckpointing{},
                                         [impl] {
                                           std::lock_guard<std::mutex> lock(impl->mutex);
                                           --impl->running;
                                           impl->updateLimit();
                                         });
    m_impl->jobs.push_back(job);
    jobs.push_back(job);
  }
  return jobs;
}

void WorkerPool::stopAll() {
  std::lock_guard<std::mutex> lock(m_impl->mutex);
  m_impl->forgetFinished();
  for (auto& j : m_impl->jobs) j->requestStop();
}

void WorkerPool::waitAll() {
  std::vector<std::shared_ptr<ChainJob>> jobs;
  {
    std::lock_guard<std::mutex> lock(m_impl->mutex);
    jobs = m_impl->jobs;
  }
  for (auto& j : jobs) j->wait();
  std::lock_guard<std::mutex> lock(m_impl->mutex);
  m_impl->forgetFinished();
}

size_t WorkerPool::trackedJobs() {
  std::lock_guard<std::mutex> lock(m_impl->mutex);
  m_impl->forgetFinished();
  return m_impl->jobs.size();
}

std::vector<RunResult> runChains(const std::vector<RunConfig>& configs, std::shared_ptr<const Dataset> data,
                                 int threads, const std::vector<ChainObserver*>& observers,
                                 const std::atomic<bool>* cancel) {
  WorkerPool pool(threads);
  std::vector<std::shared_ptr<ChainJob>> jobs = pool.submitGroup(configs, data, observers);
  std::vector<RunResult> results;
  for (auto& j : jobs) {
    while (!j->isFinished()) {
      if (cancel && cancel->load()) pool.stopAll();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    results.push_back(j->takeResult());
  }
  return results;
}

}  // namespace bnn
