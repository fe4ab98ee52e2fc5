#pragma once
// Runs chains: runChain (one chain on the calling thread) and WorkerPool (chains on driver
// threads of their own, each computing in its own oneTBB task arena). Qt-free; TBB stays inside
// the .cpp files.
//
// Threading: a ChainObserver's methods are called on the chain's driver thread (never
// concurrently for the same chain, possibly concurrently for different chains). WorkerPool and
// ChainJob methods may be called from any thread except a chain's own observer callbacks.
//
// Lifetime: a finished job keeps its result until it is handed over with takeResult(); the pool
// drops its reference to finished jobs the next time one of its methods is called (never from a
// driver thread, so a job is never destroyed on its own thread). A caller that takes the result
// and drops its job handle therefore leaves nothing of the chain behind but the result it took.

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "run/run_config.h"
#include "run/run_result.h"

namespace bnn {

/// Live state of a chain, reported about ten times a second and at each phase change.
struct ChainProgress {
  Phase phase = Phase::Warmup;
  int64_t step = 0;        // steps done in this phase
  int64_t phaseSteps = 0;  // steps this phase has in total
  int64_t gradEvals = 0;
  double wallSeconds = 0;
  double stepsPerSecond = 0;
  double etaSeconds = 0;                                                  // whole run, both phases
  double currentErrorPercent = std::numeric_limits<double>::quiet_NaN();  // last eval: 100 (1 - acc)
};

class ChainObserver {
 public:
  virtual ~ChainObserver() = default;
  virtual void progressed(const ChainProgress&) {}
  virtual void curvePointRecorded(const CurvePoint&) {}
  /// After every accumulated sample. The reference is valid only during the call; copy what
  /// you need (it is cheap to skip: called at most once per sampling step).
  virtual void predictiveUpdated(const PredictiveAccumulator&) {}
};

/// Where a chain keeps files while it runs. Not part of the configuration: it never changes results.
struct ChainStorage {
  /// Folder for the run's kept posterior samples (RunConfig::keepSamples): the chain streams them
  /// into a new file "samples-XXXXXX.npy" there as it takes them, and the result maps that file
  /// (RunResult::samples) and removes it when its last copy goes; saving the run links or copies
  /// it into the run's folder. Empty: the system's temporary folder ($TMPDIR or /tmp).
  std::string sampleDirectory;
};

/// Runs one chain to completion on the calling thread (its inner loops use the current TBB arena).
/// `cancel` is polled before every step: a step in progress, with its test pass, completes first,
/// so a cancel takes effect within one step (an SGHMC step with a test pass: tens of ms on MNIST).
/// The result's test split points into `data` (see sharedTestSplit). Never throws.
/// A sampling step whose state is kept (sample_schedule.h) is appended to the samples file right
/// after it joined the predictive; a failure to write it ends the keeping, not the run (the
/// outcome's message says so).
RunResult runChain(const RunConfig& config, std::shared_ptr<const Dataset> data, ChainObserver* observer,
                   const std::atomic<bool>* cancel, const ChainStorage& storage = {});
/// The same for data held by reference: the result gets its own copy of the test split.
RunResult runChain(const RunConfig& config, const Dataset& data, ChainObserver* observer,
                   const std::atomic<bool>* cancel, const ChainStorage& storage = {});

/// A chain submitted to a WorkerPool. Methods may be called from any thread (see the top).
class ChainJob {
 public:
  virtual ~ChainJob() = default;
  virtual void requestStop() = 0;  // returns at once; the chain stops within one step
  virtual bool isFinished() const = 0;
  virtual void wait() = 0;  // blocks until finished
  /// A copy of the result; valid once finished (empty after takeResult()).
  virtual RunResult result() const = 0;
  /// Hands the result over: moves it out, so the job no longer holds the predictive or the data.
  /// Valid once finished; later calls return an empty RunResult.
  virtual RunResult takeResult() = 0;
  virtual const RunConfig& config() const = 0;
};

/// Runs chains concurrently on `threads` cores (0 = all): each chain computes on a driver thread
/// of its own in its own task arena, and the number of oneTBB workers follows the number of
/// running chains so that the cores are shared without oversubscription. Forgets finished jobs
/// (see "Lifetime" at the top). The destructor requests every job to stop and waits for all.
class WorkerPool {
 public:
  /// `storage`: where the pool's chains keep their samples (see ChainStorage).
  explicit WorkerPool(int threads = 0, ChainStorage storage = {});
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  int threads() const;
  /// Starts a chain; returns immediately. `observer` must outlive the job (may be null).
  std::shared_ptr<ChainJob> submit(const RunConfig& config, std::shared_ptr<const Dataset> data,
                                   ChainObserver* observer);
  /// Starts several chains together (e.g. SGLD vs SGHMC); they share the pool's threads, and a
  /// chain that is left alone gets all of them. observers[i] may be null or missing.
  std::vector<std::shared_ptr<ChainJob>> submitGroup(const std::vector<RunConfig>& configs,
                                                     std::shared_ptr<const Dataset> data,
                                                     const std::vector<ChainObserver*>& observers);
  void stopAll();
  void waitAll();
  /// Jobs the pool still refers to: those running, after dropping the finished ones.
  size_t trackedJobs();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

/// Convenience: runs several chains at once on a pool of `threads` and waits.
std::vector<RunResult> runChains(const std::vector<RunConfig>& configs, std::shared_ptr<const Dataset> data,
                                 int threads, const std::vector<ChainObserver*>& observers = {},
                                 const std::atomic<bool>* cancel = nullptr);

}  // namespace bnn
