#include "common/job_runner.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QThread>
#include <QtGlobal>
#include <algorithm>
#include <exception>

JobRunner::JobRunner(QObject* parent) : QObject(parent) {
  m_thread = QThread::create([this] { workerLoop(); });
  m_thread->setObjectName(QStringLiteral("bnn-jobs"));
  m_thread->start(QThread::LowPriority);
}

JobRunner::~JobRunner() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
    m_queue.clear();
  }
  for (auto& [id, live] : m_live) live.cancelled->store(true);
  m_wake.notify_all();
  m_thread->wait();
  delete m_thread;
}

void JobRunner::enqueue(Job job, Supersede supersede) {
  std::deque<Job> dropped;
  {
    std::lock_guard lock(m_mutex);
    // Supersede the channel's previous job (a running one only with Supersede::Running).
    if (auto it = m_newest.find(job.channel); it != m_newest.end()) {
      const quint64 previous = it->second;
      const bool queued =
          std::any_of(m_queue.begin(), m_queue.end(), [previous](const Job& j) { return j.id == previous; });
      if (auto live = m_live.find(previous); live != m_live.end())
        if (supersede == Supersede::Running || queued) live->second.cancelled->store(true);
    }
    for (auto it = m_queue.begin(); it != m_queue.end();) {
      if (it->cancelled->load()) {
        dropped.push_back(std::move(*it));
        it = m_queue.erase(it);
      } else {
        ++it;
      }
    }
    m_newest[job.channel] = job.id;
    m_live.emplace(job.id, Live{job.channel, job.runs, job.cancelled});
    m_queue.push_back(std::move(job));
  }
  m_wake.notify_one();
  for (const Job& d : dropped) settle(d.id, d.channel);  // their inputs are released here
}

void JobRunner::cancel(const QString& channel) {
  auto it = m_newest.find(channel);
  if (it == m_newest.end()) return;
  if (auto live = m_live.find(it->second); live != m_live.end()) live->second.cancelled->store(true);
}

void JobRunner::forgetRun(const QString& runId) {
  for (auto& [id, live] : m_live)
    if (live.runs.contains(runId)) live.cancelled->store(true);
  // Release the queued inputs now (e.g. the removed run's result), not when the queue drains.
  std::deque<Job> dropped;
  {
    std::lock_guard lock(m_mutex);
    for (auto it = m_queue.begin(); it != m_queue.end();) {
      if (it->cancelled->load()) {
        dropped.push_back(std::move(*it));
        it = m_queue.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const Job& d : dropped) settle(d.id, d.channel);
}

bool JobRunner::isBusy(const QString& channel) const {
  auto it = m_newest.find(channel);
  return it != m_newest.end() && m_live.count(it->second) > 0;
}

void JobRunner::settle(quint64 id, const QString& channel) {
  if (m_live.erase(id) == 0) return;
  if (auto it = m_newest.find(channel); it != m_newest.end() && it->second == id) m_newest.erase(it);
  Q_EMIT jobSettled(channel);
}

bool JobRunner::waitForIdle(int timeoutMs) {
  QDeadlineTimer deadline(timeoutMs);
  while (!m_live.empty()) {
    if (deadline.hasExpired()) return false;
    QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    QThread::msleep(1);
  }
  return true;
}

void JobRunner::workerLoop() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(m_mutex);
      m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
      if (m_stop) return;
      job = std::move(m_queue.front());
      m_queue.pop_front();
    }
    if (job.cancelled->load()) {
      // Superseded while queued but not yet removed: settle on the GUI thread.
      QMetaObject::invokeMethod(
          this, [this, id = job.id, channel = job.channel] { settle(id, channel); }, Qt::QueuedConnection);
      continue;
    }
    const std::shared_ptr<std::atomic<bool>> flag = job.cancelled;
    try {
      job.run([flag] { return flag->load(std::memory_order_relaxed); });
    } catch (const std::exception& e) {
      // Core code reports expected failures as values; this is out of memory or a bug.
      qWarning("background job %s failed: %s", qPrintable(job.channel), e.what());
      QMetaObject::invokeMethod(
          this, [this, id = job.id, channel = job.channel] { settle(id, channel); }, Qt::QueuedConnection);
    } catch (...) {
      qWarning("background job %s failed", qPrintable(job.channel));
      QMetaObject::invokeMethod(
          this, [this, id = job.id, channel = job.channel] { settle(id, channel); }, Qt::QueuedConnection);
    }
  }
}
