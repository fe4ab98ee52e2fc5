// RunController: the bridge between the GUI thread and the worker pool, on synthetic data.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <cstring>
#include <memory>

#include "common/job_runner.h"
#include "data/synthetic.h"
#include "run/checkpoint.h"
#include "run/posterior_samples.h"
#include "run/result_io.h"
#include "runs/run_controller.h"
#include "runs/run_files.h"
#include "runs/run_list_model.h"
#include "ui_test_support.h"

namespace {

std::shared_ptr<const bnn::Dataset> syntheticData() {
  static auto data = std::make_shared<const bnn::Dataset>(bnn::makeSyntheticDataset(2000, 500));
  return data;
}

bnn::RunConfig tinyConfig(uint64_t seed = 1) {
  bnn::RunConfig c = *bnn::presetConfig("example-sgld");
  c.name = "tiny";
  c.hidden = {32};
  c.warmupSteps = 40;
  c.evalEvery = 10;
  c.samplingSteps = 20;
  c.batchSize = 64;
  c.stepSize = 1e-4;
  c.seed = seed;
  return c;
}

bnn::RunConfig longConfig() {
  bnn::RunConfig c = tinyConfig();
  c.warmupSteps = 1000000;
  return c;
}

using ResultPtr = std::shared_ptr<const bnn::RunResult>;

ResultPtr finishedResult(const QSignalSpy& spy, const QString& id) {
  for (const QList<QVariant>& args : spy)
    if (args.at(0).toString() == id) return args.at(1).value<ResultPtr>();
  return nullptr;
}

}  // namespace

class TestRunController : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void shortRunDeliversCurveAndResult();
  void snapshotsArriveWhileSampling();
  void cancelStopsWithinAMoment();
  void twoChainsRunAtOnce();
  void destructorStopsAndJoins();
  void saveAndReopenKeepsCurves();
  void resumeContinuesACheckpoint();
  void resumeRefuses();
};

void TestRunController::shortRunDeliversCurveAndResult() {
  RunController controller;
  QSignalSpy points(&controller, &RunController::curvePointsAdded);
  QSignalSpy progress(&controller, &RunController::progressUpdated);
  QSignalSpy finished(&controller, &RunController::runFinished);
  const bnn::RunConfig cfg = tinyConfig();
  const QString id = controller.startRun(cfg, syntheticData());
  QVERIFY(!id.isEmpty());
  QVERIFY(controller.isRunning(id));
  QVERIFY(finished.wait(60000));
  QCOMPARE(finished.count(), 1);
  QVERIFY(!controller.isRunning(id));
  QCOMPARE(controller.runningCount(), 0);

  // Everything recorded reached the GUI thread, in order, in batches (not one signal per point).
  std::vector<bnn::CurvePoint> streamed;
  for (const QList<QVariant>& args : points) {
    QCOMPARE(args.at(0).toString(), id);
    const auto batch = args.at(1).value<QList<bnn::CurvePoint>>();
    streamed.insert(streamed.end(), batch.begin(), batch.end());
  }
  const ResultPtr result = finishedResult(finished, id);
  QVERIFY(result);
  QCOMPARE(result->outcome.status, bnn::RunStatus::Completed);
  QCOMPARE(streamed.size(), result->curve.size());
  QVERIFY(points.count() < int(streamed.size()) || streamed.size() <= 2);
  int warm = 0, sampling = 0;
  for (const bnn::CurvePoint& p : streamed) (p.phase == bnn::Phase::Warmup ? warm : sampling)++;
  QVERIFY(warm >= int(cfg.warmupSteps / cfg.evalEvery));
  QCOMPARE(sampling, int(cfg.samplingSteps));
  QVERIFY(progress.count() > 0);
  QCOMPARE(result->predictive.sampleCount(), cfg.samplingSteps);
  // The controller gives the result the test split the views need.
  QCOMPARE(result->testLabels().size(), size_t(500));
}

void TestRunController::snapshotsArriveWhileSampling() {
  RunController controller;
  controller.setSnapshotInterval(50);
  QSignalSpy snaps(&controller, &RunController::snapshotReady);
  QSignalSpy finished(&controller, &RunController::runFinished);
  bnn::RunConfig cfg = tinyConfig(3);
  cfg.samplingSteps = 1000000;
  const QString id = controller.startRun(cfg, syntheticData());
  QTRY_VERIFY_WITH_TIMEOUT(snaps.count() >= 2, 60000);
  controller.stopRun(id);
  QVERIFY(finished.wait(30000));
  QVERIFY(snaps.last().at(1).value<ResultPtr>()->predictive.sampleCount() >
          snaps.first().at(1).value<ResultPtr>()->predictive.sampleCount());
  const ResultPtr snap = snaps.first().at(1).value<ResultPtr>();
  QVERIFY(snap);
  QCOMPARE(snap->outcome.status, bnn::RunStatus::Running);
  QVERIFY(snap->predictive.sampleCount() > 0);
  QVERIFY(snap->predictive.sampleCount() <= cfg.samplingSteps);
  QCOMPARE(snap->testLabels().size(), size_t(500));
  QCOMPARE(snap->testImages().size(), size_t(500 * 28 * 28));
}

void TestRunController::cancelStopsWithinAMoment() {
  RunController controller;
  QSignalSpy progress(&controller, &RunController::progressUpdated);
  QSignalSpy finished(&controller, &RunController::runFinished);
  const QString id = controller.startRun(longConfig(), syntheticData());
  QVERIFY(progress.wait(30000));  // it is really running
  controller.stopRun(id);
  QVERIFY(finished.wait(30000));
  const ResultPtr result = finishedResult(finished, id);
  QVERIFY(result);
  QCOMPARE(result->outcome.status, bnn::RunStatus::Cancelled);
  QCOMPARE(controller.runningCount(), 0);
}

void TestRunController::twoChainsRunAtOnce() {
  RunController controller;
  QSignalSpy finished(&controller, &RunController::runFinished);
  QSignalSpy progress(&controller, &RunController::progressUpdated);
  bnn::RunConfig sgld = tinyConfig(1);
  bnn::RunConfig sghmc = tinyConfig(2);
  sghmc.sampler = bnn::SamplerKind::Sghmc;
  sghmc.stepSize = 1e-5;
  sghmc.leapfrogSteps = 3;
  const QString a = controller.startRun(sgld, syntheticData());
  const QString b = controller.startRun(sghmc, syntheticData());
  QVERIFY(a != b);
  QCOMPARE(controller.runningCount(), 2);
  QCOMPARE(controller.runningIds(), QStringList({a, b}));
  QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 120000);
  QVERIFY(finishedResult(finished, a));
  QVERIFY(finishedResult(finished, b));
  QCOMPARE(finishedResult(finished, a)->outcome.status, bnn::RunStatus::Completed);
  QCOMPARE(finishedResult(finished, b)->outcome.status, bnn::RunStatus::Completed);
  QCOMPARE(finishedResult(finished, b)->config.sampler, bnn::SamplerKind::Sghmc);
  // Both chains reported progress.
  QSet<QString> reported;
  for (const auto& args : progress) reported.insert(args.at(0).toString());
  QVERIFY(reported.contains(a) && reported.contains(b));
}

void TestRunController::destructorStopsAndJoins() {
  std::weak_ptr<const bnn::Dataset> data;
  {
    auto owned = std::make_shared<const bnn::Dataset>(bnn::makeSyntheticDataset(500, 100));
    data = owned;
    auto controller = std::make_unique<RunController>();
    QSignalSpy progress(controller.get(), &RunController::progressUpdated);
    controller->startRun(longConfig(), owned);
    controller->startRun(longConfig(), owned);
    QVERIFY(progress.wait(30000));
  }  // destroyed with two chains running: it returns once they have stopped and let go
  QVERIFY(data.expired());
}

void TestRunController::saveAndReopenKeepsCurves() {
  RunController controller;
  QSignalSpy finished(&controller, &RunController::runFinished);
  const QString id = controller.startRun(tinyConfig(5), syntheticData());
  QVERIFY(finished.wait(60000));
  const ResultPtr result = finishedResult(finished, id);
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  const std::string path = (dir.path() + QStringLiteral("/run")).toStdString();
  const bnn::Status st = bnn::writeRunResult(*result, path);
  QVERIFY2(st.ok(), st.ok() ? "" : st.error().message().c_str());
  const bnn::Result<bnn::RunResult> back = bnn::readRunResult(path);
  QVERIFY2(back.ok(), back.ok() ? "" : back.error().message().c_str());
  QCOMPARE(back->curve.size(), result->curve.size());
  for (size_t i = 0; i < result->curve.size(); ++i) {
    QCOMPARE(back->curve[i].phase, result->curve[i].phase);
    QCOMPARE(back->curve[i].step, result->curve[i].step);
    QCOMPARE(back->curve[i].gradEvals, result->curve[i].gradEvals);
    QCOMPARE(back->curve[i].pointwiseAccuracy, result->curve[i].pointwiseAccuracy);
    if (!std::isnan(result->curve[i].ensembleAccuracy))
      QCOMPARE(back->curve[i].ensembleAccuracy, result->curve[i].ensembleAccuracy);
  }
  QCOMPARE(back->predictive.sampleCount(), result->predictive.sampleCount());
  QCOMPARE(back->ensembleAccuracy(), result->ensembleAccuracy());
}

namespace {

bnn::RunConfig resumableConfig() {
  bnn::RunConfig c = tinyConfig(7);
  c.samplingSteps = 30;
  c.keepSamples = 6;               // every 5th sampling step kept
  c.checkpointEverySeconds = 1e6;  // a checkpoint when the chain is stopped
  return c;
}

}  // namespace

// File → Resume run…: RunFiles reads and checks the checkpoint a stopped chain left in its
// folder, RunController continues it; the result equals the uninterrupted run's bit for bit,
// and the curve before the checkpoint reaches the GUI thread too.
void TestRunController::resumeContinuesACheckpoint() {
  const bnn::RunConfig cfg = resumableConfig();
  const bnn::RunResult whole = bnn::runChain(cfg, syntheticData(), nullptr, nullptr);
  QCOMPARE(whole.outcome.status, bnn::RunStatus::Completed);
  QVERIFY(whole.samples);

  QTemporaryDir tmp;
  const QString dir = tmp.filePath(QStringLiteral("run"));
  const bnn::RunResult first = ui_test::runStoppedInSampling(cfg, syntheticData(), dir, 12);
  QCOMPARE(first.outcome.status, bnn::RunStatus::Cancelled);
  QVERIFY(bnn::hasCheckpoint(dir.toStdString()));

  RunListModel model;
  JobRunner jobs;
  RunFiles files(&model, &jobs);
  QSignalSpy ready(&files, &RunFiles::resumable);
  files.resume(dir, syntheticData());
  QVERIFY(ready.wait(30000));
  const auto checkpoint = ready.first().at(1).value<std::shared_ptr<const bnn::ChainCheckpoint>>();
  QVERIFY(checkpoint);
  QCOMPARE(checkpoint->phase, bnn::Phase::Sampling);

  RunController controller;
  QSignalSpy points(&controller, &RunController::curvePointsAdded);
  QSignalSpy finished(&controller, &RunController::runFinished);
  const QString id = controller.resumeRun(checkpoint, dir, syntheticData());
  QVERIFY(finished.wait(60000));
  const ResultPtr result = finishedResult(finished, id);
  QVERIFY(result);
  QCOMPARE(result->outcome.status, bnn::RunStatus::Completed);
  size_t streamed = 0;
  for (const QList<QVariant>& args : points)
    streamed += size_t(args.at(1).value<QList<bnn::CurvePoint>>().size());
  QCOMPARE(streamed, whole.curve.size());
  QCOMPARE(result->curve.size(), whole.curve.size());
  for (size_t i = 0; i < whole.curve.size(); ++i) {
    QCOMPARE(result->curve[i].step, whole.curve[i].step);
    QVERIFY(std::memcmp(&result->curve[i].pointwiseAccuracy, &whole.curve[i].pointwiseAccuracy,
                        sizeof(double)) == 0);
  }
  QCOMPARE(result->predictive.sampleCount(), whole.predictive.sampleCount());
  QVERIFY(result->predictive.logSum() == whole.predictive.logSum());
  QVERIFY(result->predictive.votes() == whole.predictive.votes());
  QVERIFY(result->lastProbs == whole.lastProbs);
  QVERIFY(result->samples);
  QCOMPARE(result->samples->count(), whole.samples->count());
  QVERIFY(std::memcmp(result->samples->sample(0), whole.samples->sample(0),
                      size_t(whole.samples->count() * whole.samples->numParams()) * sizeof(float)) == 0);
}

void TestRunController::resumeRefuses() {
  QTemporaryDir tmp;
  RunListModel model;
  JobRunner jobs;
  RunFiles files(&model, &jobs);
  QSignalSpy failed(&files, &RunFiles::resumeFailed);
  // A folder without a checkpoint.
  files.resume(tmp.path(), syntheticData());
  QVERIFY(failed.wait(30000));
  QVERIFY2(failed.last().at(1).toString().contains(QStringLiteral("nothing to continue")),
           qPrintable(failed.last().at(1).toString()));
  // A checkpoint made on other data.
  const QString dir = tmp.filePath(QStringLiteral("run"));
  std::atomic<bool> cancel{true};  // stopped before its first step: a checkpoint at step 0
  bnn::runChain(resumableConfig(), syntheticData(), nullptr, &cancel, {}, {dir.toStdString(), nullptr});
  QVERIFY(bnn::hasCheckpoint(dir.toStdString()));
  files.resume(dir, std::make_shared<const bnn::Dataset>(bnn::makeSyntheticDataset(2000, 500, 9)));
  QVERIFY(failed.wait(30000));
  QVERIFY2(failed.last().at(1).toString().contains(QStringLiteral("other data")),
           qPrintable(failed.last().at(1).toString()));
}

QTEST_MAIN(TestRunController)
#include "tst_run_controller.moc"
