// JobRunner: the background worker's "latest request wins" rules, removed runs, the stream mode
// that lets a running job finish, and that results install on the GUI thread only.
#include <QSignalSpy>
#include <QThread>
#include <QtTest>
#include <atomic>
#include <memory>

#include "common/job_runner.h"

namespace {

// A job that waits until `release` is set (or it is cancelled), then returns `value`.
auto gatedJob(std::shared_ptr<std::atomic<bool>> started, std::shared_ptr<std::atomic<bool>> release,
              int value) {
  return [started, release, value](const JobRunner::CancelCheck& cancelled) {
    started->store(true);
    while (!release->load() && !cancelled()) QThread::msleep(1);
    return value;
  };
}

}  // namespace

class TestJobRunner : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void installsOnTheGuiThread();
  void newerRequestSupersedesQueuedAndRunning();
  void streamModeLetsTheRunningJobFinish();
  void forgottenRunsNeverInstall();
  void destroyedContextDropsTheResult();
  void channelsAreIndependent();
};

void TestJobRunner::installsOnTheGuiThread() {
  JobRunner jobs;
  QObject context;
  QThread* worker = nullptr;
  QThread* installer = nullptr;
  int result = 0;
  jobs.submit(
      &context, "a", {},
      [&worker](const JobRunner::CancelCheck&) {
        worker = QThread::currentThread();
        return 42;
      },
      [&](int r) {
        installer = QThread::currentThread();
        result = r;
      });
  QVERIFY(jobs.isBusy("a"));
  QVERIFY(jobs.waitForIdle());
  QCOMPARE(result, 42);
  QVERIFY(worker && worker != QThread::currentThread());
  QCOMPARE(installer, QThread::currentThread());
  QVERIFY(!jobs.isBusy("a"));
  QCOMPARE(jobs.pendingCount(), 0);
}

void TestJobRunner::newerRequestSupersedesQueuedAndRunning() {
  JobRunner jobs;
  QObject context;
  auto started = std::make_shared<std::atomic<bool>>(false);
  auto release = std::make_shared<std::atomic<bool>>(false);
  QList<int> installed;
  auto install = [&installed](int r) { installed << r; };
  jobs.submit(&context, "view", {}, gatedJob(started, release, 1), install);
  QTRY_VERIFY(started->load());  // job 1 runs
  // Job 2 queues behind it; job 3 supersedes both: 1 is cancelled while running, 2 never runs.
  bool secondRan = false;
  jobs.submit(
      &context, "view", {},
      [&secondRan](const JobRunner::CancelCheck&) {
        secondRan = true;
        return 2;
      },
      install);
  jobs.submit(
      &context, "view", {}, [](const JobRunner::CancelCheck&) { return 3; }, install);
  QVERIFY(jobs.waitForIdle());
  QCOMPARE(installed, QList<int>{3});
  QVERIFY(!secondRan);
}

void TestJobRunner::streamModeLetsTheRunningJobFinish() {
  JobRunner jobs;
  QObject context;
  auto started = std::make_shared<std::atomic<bool>>(false);
  auto release = std::make_shared<std::atomic<bool>>(false);
  QList<int> installed;
  auto install = [&installed](int r) { installed << r; };
  const auto mode = JobRunner::Supersede::QueuedOnly;
  jobs.submit(&context, "stream", {}, gatedJob(started, release, 1), install, mode);
  QTRY_VERIFY(started->load());
  jobs.submit(
      &context, "stream", {}, [](const JobRunner::CancelCheck&) { return 2; }, install, mode);
  jobs.submit(
      &context, "stream", {}, [](const JobRunner::CancelCheck&) { return 3; }, install, mode);
  release->store(true);
  QVERIFY(jobs.waitForIdle());
  // The running one shows, the newest follows; the one that waited in between never runs.
  QCOMPARE(installed, (QList<int>{1, 3}));
}

void TestJobRunner::forgottenRunsNeverInstall() {
  JobRunner jobs;
  QObject context;
  auto started = std::make_shared<std::atomic<bool>>(false);
  auto release = std::make_shared<std::atomic<bool>>(false);
  auto input = std::make_shared<int>(7);  // stands for a run's shared result
  std::weak_ptr<int> watch = input;
  QList<int> installed;
  jobs.submit(&context, "explorer/run-1", {"run-1"}, gatedJob(started, release, 1),
              [&](int r) { installed << r; });
  QTRY_VERIFY(started->load());
  jobs.submit(
      &context, "explorer/run-2", {"run-2"},
      [input = std::move(input)](const JobRunner::CancelCheck&) { return *input; },
      [&](int r) { installed << r; });
  QVERIFY(!watch.expired());  // queued: the job holds its input
  jobs.forgetRun("run-2");
  QVERIFY(watch.expired());  // dropped from the queue at once
  jobs.forgetRun("run-1");   // the running one is cancelled and its result dropped
  QVERIFY(jobs.waitForIdle());
  QVERIFY(installed.isEmpty());
}

void TestJobRunner::destroyedContextDropsTheResult() {
  JobRunner jobs;
  auto context = std::make_unique<QObject>();
  auto started = std::make_shared<std::atomic<bool>>(false);
  auto release = std::make_shared<std::atomic<bool>>(false);
  bool installed = false;
  jobs.submit(context.get(), "x", {}, gatedJob(started, release, 1), [&installed](int) { installed = true; });
  QTRY_VERIFY(started->load());
  context.reset();
  release->store(true);
  QVERIFY(jobs.waitForIdle());
  QVERIFY(!installed);
}

void TestJobRunner::channelsAreIndependent() {
  JobRunner jobs;
  QObject context;
  QSignalSpy settled(&jobs, &JobRunner::jobSettled);
  QList<QString> installed;
  for (const QString& c : {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")})
    jobs.submit(
        &context, c, {}, [c](const JobRunner::CancelCheck&) { return c; },
        [&installed](QString r) { installed << r; });
  QVERIFY(jobs.waitForIdle());
  QCOMPARE(installed, (QList<QString>{"a", "b", "c"}));  // one worker: in order
  QCOMPARE(settled.count(), 3);
}

QTEST_MAIN(TestJobRunner)
#include "tst_job_runner.moc"
