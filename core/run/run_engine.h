#pragma once
// Runs chains on a oneTBB worker pool. Qt-free; TBB stays inside the .cpp files.
//
// Threading: a ChainObserver's methods are called on worker threads, one chain at a time per
// chain (never concurrently for the same chain, possibly concurrently for different chains).
// WorkerPool and ChainJob methods may be called from any thread.

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

/// Runs one chain to completion on the calling thread (its inner loops use the current TBB arena).
/// `cancel` is polled before every step and inside long test passes. Never throws.
RunResult runChain(const RunConfig& config, const Dataset& data, ChainObserver* observer,
                   const std::atomic<bool>* cancel);

/// A chain submitted to a WorkerPool.
class ChainJob {
 public:
  virtual ~ChainJob() = default;
  virtual void requestStop() = 0;  // returns at once; the chain stops within one step
  virtual bool isFinished() const = 0;
  virtual void wait() = 0;               // blocks until finished
  virtual RunResult result() const = 0;  // valid once finished
  virtual const RunConfig& config() const = 0;
};

/// A oneTBB task arena of `threads` workers (0 = all cores) running chains concurrently.
/// The destructor requests every job to stop and waits for all of them.
class WorkerPool {
 public:
  explicit WorkerPool(int threads = 0);
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

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

/// Convenience: runs several chains at once on a pool of `threads` and waits.
std::vector<RunResult> runChains(const std::vector<RunConfig>& configs, std::shared_ptr<const Dataset> data,
                                 int threads, const std::vector<ChainObserver*>& observers = {},
                                 const std::atomic<bool>* cancel = nullptr);

}  // namespace bnn
