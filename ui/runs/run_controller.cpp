#include "runs/run_controller.h"

#include <QDateTime>
#include <QDir>
#include <QStandardPaths>
#include <utility>

#include "runs/chain_buffer.h"
#include "runs/sample_cache.h"

struct RunController::Chain {
  QString id;
  bnn::RunConfig config;
  std::shared_ptr<const bnn::Dataset> data;
  std::unique_ptr<ChainBuffer> buffer;  // must outlive the job's callbacks
  std::shared_ptr<bnn::ChainJob> job;
};

namespace {

// Kept posterior samples of runs not saved yet stream into this session's cache folder
// (runs/sample_cache.h); each file goes with the last result holding it (a saved run links or
// copies it into its folder), and what a dead session left is removed at the next start.
bnn::ChainStorage chainStorage() {
  const QString dir = sample_cache::sessionFolder(sample_cache::root());
  if (dir.isEmpty()) return {};  // the system's temporary folder
  return bnn::ChainStorage{QDir::toNativeSeparators(dir).toStdString()};
}

}  // namespace

RunController::RunController(int threads, QObject* parent)
    : QObject(parent), m_pool(std::make_unique<bnn::WorkerPool>(threads, chainStorage())) {
  qRegisterMetaType<bnn::ChainProgress>();
  qRegisterMetaType<bnn::CurvePoint>();
  qRegisterMetaType<bnn::RunConfig>();
  qRegisterMetaType<std::shared_ptr<const bnn::RunResult>>();
  qRegisterMetaType<QList<bnn::CurvePoint>>();
  m_timer.setInterval(100);
  m_timer.setTimerType(Qt::CoarseTimer);
  connect(&m_timer, &QTimer::timeout, this, &RunController::drainAll);
}

RunController::~RunController() {
  // No signals from a destructor: stop, wait and let go.
  stopAll();
  for (auto& c : m_chains) c->job->wait();
  m_chains.clear();
  m_pool.reset();
}

QString RunController::startRun(const bnn::RunConfig& config, std::shared_ptr<const bnn::Dataset> data) {
  return submit(config, std::move(data), {});
}

QString RunController::resumeRun(std::shared_ptr<const bnn::ChainCheckpoint> checkpoint, const QString& folder,
                                 std::shared_ptr<const bnn::Dataset> data) {
  const bnn::RunConfig config = checkpoint->config;
  return submit(config, std::move(data), {QDir::toNativeSeparators(folder).toStdString(), std::move(checkpoint)});
}

QString RunController::submit(const bnn::RunConfig& config, std::shared_ptr<const bnn::Dataset> data,
                              const bnn::ChainCheckpointing& checkpointing) {
  auto chain = std::make_unique<Chain>();
  chain->id = QStringLiteral("run-%1").arg(m_nextId++);
  chain->config = config;
  chain->data = data;
  chain->buffer = std::make_unique<ChainBuffer>(config, data);
  chain->job = m_pool->submit(config, std::move(data), chain->buffer.get(), checkpointing);
  const QString id = chain->id;
  m_chains.push_back(std::move(chain));
  if (!m_timer.isActive()) m_timer.start();
  Q_EMIT runStarted(id, config);
  return id;
}

void RunController::stopRun(const QString& id) {
  for (auto& c : m_chains)
    if (c->id == id) c->job->requestStop();
}

void RunController::stopAll() {
  for (auto& c : m_chains) c->job->requestStop();
}

void RunController::stopAllAndWait() {
  stopAll();
  for (auto& c : m_chains) c->job->wait();
  drainAll();  // hands every result over now: nothing is running afterwards
}

bool RunController::isRunning(const QString& id) const {
  for (const auto& c : m_chains)
    if (c->id == id) return true;
  return false;
}

int RunController::runningCount() const { return static_cast<int>(m_chains.size()); }

QStringList RunController::runningIds() const {
  QStringList ids;
  for (const auto& c : m_chains) ids << c->id;
  return ids;
}

int RunController::poolThreads() const { return m_pool->threads(); }

void RunController::setDrainInterval(int ms) { m_timer.setInterval(ms); }

void RunController::setSnapshotInterval(int ms) { m_snapshotInterval = ms; }

void RunController::drainAll() {
  const qint64 now = QDateTime::currentMSecsSinceEpoch();
  const bool askSnapshot = m_snapshotInterval > 0 && now - m_lastSnapshotRequest >= m_snapshotInterval;
  if (askSnapshot) m_lastSnapshotRequest = now;

  // Collect first, emit afterwards: a slot may start or stop runs, which changes m_chains.
  struct Item {
    QString id;
    ChainBuffer::Drained drained;
    std::unique_ptr<Chain> finished;  // set when the job has finished
  };
  std::vector<Item> items;
  items.reserve(m_chains.size());
  for (auto it = m_chains.begin(); it != m_chains.end();) {
    Chain& c = **it;
    // isFinished is read before draining so that everything the chain reported is drained.
    const bool done = c.job->isFinished();
    Item item{c.id, c.buffer->drain(), nullptr};
    if (done) {
      item.finished = std::move(*it);
      it = m_chains.erase(it);
    } else {
      if (askSnapshot) c.buffer->requestSnapshot();
      ++it;
    }
    items.push_back(std::move(item));
  }
  if (m_chains.empty()) m_timer.stop();

  for (Item& item : items) {
    ChainBuffer::Drained& d = item.drained;
    if (d.progress) Q_EMIT progressUpdated(item.id, *d.progress);
    if (!d.points.empty())
      Q_EMIT curvePointsAdded(item.id, QList<bnn::CurvePoint>(d.points.begin(), d.points.end()));
    if (d.snapshot && !item.finished) Q_EMIT snapshotReady(item.id, std::move(d.snapshot));
    if (item.finished) {
      Chain& c = *item.finished;
      auto result = std::make_shared<bnn::RunResult>(c.job->takeResult());
      if (!result->test && c.data) {
        result->datasetName = c.data->name;
        result->datasetDirectory = c.data->directory;
        result->test = bnn::sharedTestSplit(c.data);
      }
      Q_EMIT runFinished(item.id, std::shared_ptr<const bnn::RunResult>(std::move(result)));
    }
  }
  Q_EMIT drained();
}
