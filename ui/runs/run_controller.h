#pragma once
// RunController: the only bridge between the GUI thread and running chains. It submits chains to
// a bnn::WorkerPool (oneTBB), gives each a ChainBuffer as observer, and drains the buffers on a
// timer (10 Hz by default) into signals: progress, new curve points, predictive snapshots (about
// once a second) and, when a job has finished, the final RunResult. The destructor stops every
// chain and waits for it, so destroying the controller mid-run is safe.
// Threading: GUI thread only (create, call and destroy it there).

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <memory>
#include <vector>

#include "data/dataset.h"
#include "run/run_engine.h"

class ChainBuffer;

Q_DECLARE_METATYPE(bnn::ChainProgress)
Q_DECLARE_METATYPE(bnn::CurvePoint)
Q_DECLARE_METATYPE(bnn::RunConfig)
Q_DECLARE_METATYPE(std::shared_ptr<const bnn::RunResult>)

class RunController : public QObject {
  Q_OBJECT
 public:
  /// `threads` workers for the pool (0 = all cores).
  explicit RunController(int threads = 0, QObject* parent = nullptr);
  ~RunController() override;

  /// Starts a chain and returns its id ("run-1", "run-2", ...). Returns immediately.
  QString startRun(const bnn::RunConfig& config, std::shared_ptr<const bnn::Dataset> data);
  /// Asks a chain to stop; it finishes within one step with status Cancelled (runFinished follows).
  void stopRun(const QString& id);
  void stopAll();
  /// Stops every chain, blocks until all have finished and delivers their results (runFinished)
  /// before it returns (used when the window closes).
  void stopAllAndWait();

  bool isRunning(const QString& id) const;
  int runningCount() const;
  QStringList runningIds() const;
  int poolThreads() const;

  void setDrainInterval(int ms);     // default 100 ms
  void setSnapshotInterval(int ms);  // default 1000 ms; 0 disables snapshots

 Q_SIGNALS:
  void runStarted(const QString& id, const bnn::RunConfig& config);
  void progressUpdated(const QString& id, const bnn::ChainProgress& progress);
  void curvePointsAdded(const QString& id, const QList<bnn::CurvePoint>& points);
  void snapshotReady(const QString& id, std::shared_ptr<const bnn::RunResult> snapshot);
  void runFinished(const QString& id, std::shared_ptr<const bnn::RunResult> result);
  /// Once per drain tick, after the signals above: views refresh once here.
  void drained();

 private:
  struct Chain;
  void drainAll();

  std::unique_ptr<bnn::WorkerPool> m_pool;
  std::vector<std::unique_ptr<Chain>> m_chains;
  QTimer m_timer;
  int m_nextId = 1;
  int m_snapshotInterval = 1000;
  qint64 m_lastSnapshotRequest = 0;
};
