#pragma once
// JobRunner: the one background worker of the desktop application. Anything that may take more
// than a few milliseconds (uncertainty analysis, saving and opening runs, loading and verifying
// a data folder) runs here, one job at a time, so the GUI thread only installs finished,
// immutable results. A single thread: the chains already use every core through oneTBB, and a
// second pool (QtConcurrent's) would oversubscribe them.
//
// Latest request wins (after KDAB hotspot's JobTracker): every job belongs to a channel
// ("explorer/run-3", "data", ...). A newer job on the same channel supersedes the older one: a
// queued one never runs, a running one sees isCancelled() turn true, and neither installs its
// result. For a stream of inputs that must keep showing progress (snapshots of a running chain
// arriving faster than they are analysed) Supersede::QueuedOnly lets the running job finish
// and install, and replaces only the one waiting: never starved, never more than one behind. A job also names
// the runs it concerns; forgetRun(id) drops every job of a removed run the same way (its queued input, e.g. a
// shared result, is released at once).
//
//   jobs->submit(this, "explorer/" + id, {id},
//                [run](const JobRunner::CancelCheck& cancelled) { return analyse(*run, cancelled); },
//                [this](Analysis a) { install(std::move(a)); });
//
// `work` runs on the worker thread and must not touch widgets; its result must be movable.
// `install` runs on the GUI thread, in `context`'s thread, only if the job is still the newest
// of its channel, was not forgotten and `context` still exists.
// Threading: create, submit, cancel and destroy on the GUI thread.

#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <type_traits>
#include <unordered_map>

QT_BEGIN_NAMESPACE
class QThread;
QT_END_NAMESPACE

class JobRunner : public QObject {
  Q_OBJECT
 public:
  /// True once the job's result would be dropped; long jobs poll it and return early.
  using CancelCheck = std::function<bool()>;

  enum class Supersede { Running, QueuedOnly };

  explicit JobRunner(QObject* parent = nullptr);
  /// Cancels every job and waits for the one running (a job cannot be interrupted mid-way).
  ~JobRunner() override;

  template <class Work, class Install>
  void submit(QObject* context, const QString& channel, const QStringList& runIds, Work work, Install install,
              Supersede supersede = Supersede::Running);

  /// Supersedes the newest job of `channel` without a replacement.
  void cancel(const QString& channel);
  /// Drops every job that concerns `runId`.
  void forgetRun(const QString& runId);
  /// A job of `channel` was submitted and has neither installed nor been dropped.
  bool isBusy(const QString& channel) const;
  /// Jobs submitted and not yet installed or dropped.
  int pendingCount() const { return int(m_live.size()); }
  /// Processes events until nothing is pending (tests and shutdown); false on timeout.
  bool waitForIdle(int timeoutMs = 30000);

 Q_SIGNALS:
  /// After a job's install ran (or was dropped): pendingCount() may have changed.
  void jobSettled(const QString& channel);

 private:
  struct Job {
    quint64 id = 0;
    QString channel;
    QStringList runs;
    std::shared_ptr<std::atomic<bool>> cancelled;
    std::function<void(const CancelCheck&)> run;  // computes, then posts the install
  };
  void enqueue(Job job, Supersede supersede);
  void settle(quint64 id, const QString& channel);
  void workerLoop();

  QThread* m_thread = nullptr;
  quint64 m_nextId = 1;
  // GUI thread: jobs submitted and not settled, by id (channel, runs, cancel flag).
  struct Live {
    QString channel;
    QStringList runs;
    std::shared_ptr<std::atomic<bool>> cancelled;
  };
  std::unordered_map<quint64, Live> m_live;
  std::unordered_map<QString, quint64> m_newest;  // channel -> newest job id

  std::mutex m_mutex;  // guards m_queue and m_stop
  std::condition_variable m_wake;
  std::deque<Job> m_queue;
  bool m_stop = false;
};

/// Submits to `jobs`; without a runner (a view built alone, in tests or tools) does the work and
/// installs its result here and now.
template <class Work, class Install>
void submitOrRun(JobRunner* jobs, QObject* context, const QString& channel, const QStringList& runIds,
                 Work work, Install install, JobRunner::Supersede supersede = JobRunner::Supersede::Running) {
  if (jobs)
    jobs->submit(context, channel, runIds, std::move(work), std::move(install), supersede);
  else
    install(work([] { return false; }));
}

template <class Work, class Install>
void JobRunner::submit(QObject* context, const QString& channel, const QStringList& runIds, Work work,
                       Install install, Supersede supersede) {
  using Result = std::decay_t<std::invoke_result_t<Work&, const CancelCheck&>>;
  Job job;
  job.id = m_nextId++;
  job.channel = channel;
  job.runs = runIds;
  job.cancelled = std::make_shared<std::atomic<bool>>(false);
  QPointer<QObject> target(context);
  job.run = [this, work = std::move(work), install = std::move(install), target, id = job.id, channel,
             flag = job.cancelled](const CancelCheck& cancelled) mutable {
    auto result = std::make_shared<Result>(work(cancelled));
    // Posted to the runner, which outlives its worker thread; the checks run on the GUI thread,
    // where cancel flags are set, so a job superseded before this runs never installs.
    QMetaObject::invokeMethod(
        this,
        [this, install = std::move(install), target, id, channel, flag, result]() mutable {
          if (!flag->load() && target) install(std::move(*result));
          settle(id, channel);
        },
        Qt::QueuedConnection);
  };
  enqueue(std::move(job), supersede);
}
