#pragma once
// ChainBuffer: the ChainObserver of one running chain. Its callbacks run on a worker thread and
// only append to buffers under a short mutex; the GUI thread takes what has accumulated with
// drain() about ten times a second (no signal per step). A snapshot of the posterior predictive
// (a whole RunResult, built on the worker thread so the GUI thread copies nothing) is made only
// when the GUI thread asked for one with requestSnapshot().
// Threading: observer callbacks on one worker thread at a time; drain() / requestSnapshot() from
// any thread (in practice the GUI thread).

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "data/dataset.h"
#include "run/run_engine.h"

class ChainBuffer final : public bnn::ChainObserver {
 public:
  ChainBuffer(bnn::RunConfig config, std::shared_ptr<const bnn::Dataset> data);

  void progressed(const bnn::ChainProgress& progress) override;
  void curvePointRecorded(const bnn::CurvePoint& point) override;
  void predictiveUpdated(const bnn::PredictiveAccumulator& predictive) override;

  /// Everything that arrived since the last drain.
  struct Drained {
    std::optional<bnn::ChainProgress> progress;      // latest only
    std::vector<bnn::CurvePoint> points;             // in order
    std::shared_ptr<const bnn::RunResult> snapshot;  // latest requested snapshot, may be null
  };
  Drained drain();

  /// Asks for one snapshot at the next accumulated sample.
  void requestSnapshot() { m_snapshotRequested.store(true, std::memory_order_relaxed); }

 private:
  const bnn::RunConfig m_config;
  const std::shared_ptr<const bnn::Dataset> m_data;
  std::atomic<bool> m_snapshotRequested{false};
  std::vector<bnn::CurvePoint> m_curve;  // worker-side copy of the whole curve (for snapshots)

  std::mutex m_mutex;  // guards the members below
  std::optional<bnn::ChainProgress> m_progress;
  std::vector<bnn::CurvePoint> m_points;
  std::shared_ptr<const bnn::RunResult> m_snapshot;
};
