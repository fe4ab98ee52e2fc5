#include "runs/chain_buffer.h"

#include <utility>

ChainBuffer::ChainBuffer(bnn::RunConfig config, std::shared_ptr<const bnn::Dataset> data)
    : m_config(std::move(config)), m_data(std::move(data)) {}

void ChainBuffer::progressed(const bnn::ChainProgress& progress) {
  std::lock_guard lock(m_mutex);
  m_progress = progress;
}

void ChainBuffer::curvePointRecorded(const bnn::CurvePoint& point) {
  m_curve.push_back(point);  // worker-only
  std::lock_guard lock(m_mutex);
  m_points.push_back(point);
}

void ChainBuffer::predictiveUpdated(const bnn::PredictiveAccumulator& predictive) {
  if (!m_snapshotRequested.exchange(false, std::memory_order_relaxed)) return;
  // Built here, on the worker thread: the copy of the predictive costs the chain a fraction of a
  // millisecond once a second instead of stalling the GUI thread (the test split is shared).
  auto snap = std::make_shared<bnn::RunResult>();
  snap->config = m_config;
  snap->outcome.status = bnn::RunStatus::Running;
  snap->curve = m_curve;
  snap->predictive = predictive;
  for (auto it = m_curve.rbegin(); it != m_curve.rend(); ++it) {
    if (it->phase == bnn::Phase::Sampling) {
      snap->lastPointwiseAccuracy = it->pointwiseAccuracy;
      break;
    }
  }
  if (m_data) {
    snap->datasetName = m_data->name;
    snap->datasetDirectory = m_data->directory;
    snap->test = bnn::sharedTestSplit(m_data);  // shared, not copied
  }
  std::lock_guard lock(m_mutex);
  m_snapshot = std::move(snap);
}

ChainBuffer::Drained ChainBuffer::drain() {
  Drained d;
  std::lock_guard lock(m_mutex);
  d.progress = std::exchange(m_progress, std::nullopt);
  d.points.swap(m_points);
  d.snapshot = std::exchange(m_snapshot, nullptr);
  return d;
}
