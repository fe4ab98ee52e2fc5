// The step-size sweep of run/step_size_sweep.h: the grid as typed (LO:HI:xF, one value, refusals),
// the best-point rule (highest ensemble accuracy among completed points, lower NLL on ties, none
// when every point failed), one configuration per point differing only in the step size, a
// diverging point reported as diverged, the same numbers as a run of the point alone and whatever
// the thread count, and a cancel that keeps the points finished.
#include <QtTest>

#include <atomic>
#include <cmath>
#include <cstring>

#include "common/test_helpers.h"
#include "data/synthetic.h"
#include "run/run_engine.h"
#include "run/step_size_sweep.h"

using namespace bnn;

namespace {

std::shared_ptr<const Dataset> smallData() {
  static const auto d = std::make_shared<const Dataset>(test::smallRunData());
  return d;
}

// Short runs of example-sgld on the small synthetic set (as tests/cli/tst_sweep.cpp).
const ParamOverrides kShort = {{"hidden", "16"},     {"batch-size", "32"}, {"warmup", "20"},
                               {"eval-every", "10"}, {"samples", "10"},    {"seed", "3"}};

bool sameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

SweepPoint point(double h, RunStatus s, double acc, double nll) {
  SweepPoint p;
  p.stepSize = h;
  p.status = s;
  p.ensembleAccuracy = acc;
  p.nll = nll;
  return p;
}

}  // namespace

class TestStepSizeSweep : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void gridIsParsed_data() {
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QList<double>>("want");
    QTest::newRow("doubling") << "1e-5:1.6e-4:x2" << QList<double>{1e-5, 2e-5, 4e-5, 8e-5, 16e-5};
    QTest::newRow("hi-off-grid") << "1e-6:1e-5:x2" << QList<double>{1e-6, 2e-6, 4e-6, 8e-6};
    QTest::newRow("lo-equals-hi") << "3e-4:3e-4:x10" << QList<double>{3e-4};
    QTest::newRow("one-value") << "2.5e-4" << QList<double>{2.5e-4};
    QTest::newRow("decades") << "1e-6:1e-2:x10" << QList<double>{1e-6, 1e-5, 1e-4, 1e-3, 1e-2};
  }
  void gridIsParsed() {
    QFETCH(QString, spec);
    QFETCH(QList<double>, want);
    const Result<std::vector<double>> g = parseStepSizeGrid(spec.toStdString(), "--step-size");
    QVERIFY2(g.ok(), g ? "" : g.error().message().c_str());
    QCOMPARE(int(g->size()), int(want.size()));
    for (int i = 0; i < want.size(); ++i)
      QVERIFY2(std::abs((*g)[size_t(i)] - want[i]) <= 1e-12 * want[i], qPrintable(spec));
  }

  void badGridsAreRefused_data() {
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("says");
    QTest::newRow("reversed") << "1e-4:1e-6:x2"
                              << "0 < LO <= HI";
    QTest::newRow("factor-one") << "1e-6:1e-4:x1"
                                << "factor above 1";
    QTest::newRow("no-factor") << "1e-6:1e-4"
                               << "LO:HI:xF";
    QTest::newRow("no-x") << "1e-6:1e-4:2"
                          << "LO:HI:xF";
    QTest::newRow("text") << "abc"
                          << "LO:HI:xF";
    QTest::newRow("zero") << "0"
                          << "LO:HI:xF";
    QTest::newRow("negative-lo") << "-1e-6:1e-4:x2"
                                 << "0 < LO";
    QTest::newRow("nan") << "nan:1e-4:x2"
                         << "LO:HI:xF";
    QTest::newRow("too-many") << "1e-9:1:x1.1"
                              << "at most 40 grid points";
    QTest::newRow("empty") << ""
                           << "LO:HI:xF";
  }
  void badGridsAreRefused() {
    QFETCH(QString, spec);
    QFETCH(QString, says);
    const Result<std::vector<double>> g = parseStepSizeGrid(spec.toStdString(), "--step-size");
    QVERIFY(!g.ok());
    const QString m = QString::fromStdString(g.error().message());
    QVERIFY2(m.startsWith("--step-size: ") && m.contains(says), qPrintable(m));
    QVERIFY(!stepSizeGrid(1e-4, 1e-6, 2, "Grid").ok());
    QVERIFY(!stepSizeGrid(1e-6, 1e-4, 1, "Grid").ok());
    QVERIFY(!stepSizeGrid(1e-6, std::nan(""), 2, "Grid").ok());
    QCOMPARE(QString::fromStdString(stepSizeGridText(1e-5, 1.6e-4, 2)), QString("1e-05:0.00016:x2"));
    QVERIFY(parseStepSizeGrid(stepSizeGridText(1e-5, 1.6e-4, 2), "g").ok());
  }

  void bestPointRule_data() {
    QTest::addColumn<QList<int>>("statuses");  // RunStatus per point
    QTest::addColumn<QList<double>>("accuracies");
    QTest::addColumn<QList<double>>("nlls");
    QTest::addColumn<int>("best");
    const int C = int(RunStatus::Completed), W = int(RunStatus::Warning), D = int(RunStatus::Diverged);
    const double nan = std::nan("");
    QTest::newRow("highest-accuracy")
        << QList<int>{C, C, C} << QList<double>{0.9, 0.95, 0.93} << QList<double>{0.3, 0.2, 0.1} << 1;
    QTest::newRow("tie-lower-nll") << QList<int>{C, C, C} << QList<double>{0.95, 0.95, 0.9}
                                   << QList<double>{0.3, 0.2, 0.1} << 1;
    QTest::newRow("tie-first-of-equal")
        << QList<int>{C, C} << QList<double>{0.95, 0.95} << QList<double>{0.2, 0.2} << 0;
    QTest::newRow("warning-not-best")
        << QList<int>{C, W, D} << QList<double>{0.5, 0.99, nan} << QList<double>{1.0, 0.05, nan} << 0;
    QTest::newRow("all-failed") << QList<int>{W, D, D} << QList<double>{0.11, nan, nan}
                                << QList<double>{2.3, nan, nan} << -1;
    QTest::newRow("no-sample") << QList<int>{C, C} << QList<double>{nan, 0.2} << QList<double>{nan, 2.0} << 1;
    QTest::newRow("empty") << QList<int>{} << QList<double>{} << QList<double>{} << -1;
  }
  void bestPointRule() {
    QFETCH(QList<int>, statuses);
    QFETCH(QList<double>, accuracies);
    QFETCH(QList<double>, nlls);
    QFETCH(int, best);
    std::vector<SweepPoint> points;
    for (int i = 0; i < statuses.size(); ++i)
      points.push_back(point(1e-5 * (i + 1), RunStatus(statuses[i]), accuracies[i], nlls[i]));
    QCOMPARE(bestSweepPoint(points), best);
  }

  void configsDifferOnlyInStepSize() {
    const std::vector<double> grid{1e-5, 2e-5};
    ParamOverrides o = kShort;
    o.emplace_back("step-size", "7");  // the grid's step sizes win
    o.emplace_back("keep-samples", "5");
    const CheckedConfigs c = stepSizeSweepConfigs("example-sgld", o, grid);
    QVERIFY2(c, c.error.c_str());
    QCOMPARE(int(c.configs.size()), 2);
    for (size_t i = 0; i < grid.size(); ++i) {
      QCOMPARE(c.configs[i].stepSize, grid[i]);
      QCOMPARE(c.configs[i].keepSamples, int64_t(0));
      QCOMPARE(c.configs[i].seed, uint64_t(3));
      RunConfig same = c.configs[i];
      same.stepSize = c.configs[0].stepSize;
      QVERIFY(same == c.configs[0]);
    }
    QVERIFY(!stepSizeSweepConfigs("no-such-preset", kShort, grid));
    ParamOverrides chains = kShort;
    chains.emplace_back("chains", "2");
    const CheckedConfigs k = stepSizeSweepConfigs("example-sgld", chains, grid);
    QVERIFY(!k);
    QVERIFY2(QString::fromStdString(k.error).contains("one chain"), k.error.c_str());
    ParamOverrides bad = kShort;
    bad.emplace_back("warmup", "-3");
    QVERIFY(!stepSizeSweepConfigs("example-sgld", bad, grid));
  }

  void sweepRunsDivergesAndIsReproducible() {
    // 1e-4 learns; 50 blows up to non-finite values at once.
    const CheckedConfigs c = stepSizeSweepConfigs("example-sgld", kShort, {1e-4, 50});
    QVERIFY2(c, c.error.c_str());
    std::vector<int> started, finished;
    std::atomic<int> progressCalls{0};
    SweepControl control;
    control.threads = 1;
    control.runStarted = [&](int i, int total) {
      QCOMPARE(total, 2);
      started.push_back(i);
    };
    control.pointFinished = [&](int i, const SweepPoint&) { finished.push_back(i); };
    control.chainProgress = [&](const ChainProgress&) { ++progressCalls; };
    const StepSizeSweep one = runStepSizeSweep(c.configs, smallData(), control);
    QCOMPARE(started, (std::vector<int>{0, 1}));
    QCOMPARE(finished, (std::vector<int>{0, 1}));
    QVERIFY(progressCalls > 0);
    QVERIFY(!one.cancelled);
    QCOMPARE(int(one.points.size()), 2);
    QCOMPARE(one.points[0].status, RunStatus::Completed);
    QVERIFY(one.points[0].ensembleAccuracy > 0.3);
    QVERIFY(std::isfinite(one.points[0].nll));
    QCOMPARE(one.points[1].status, RunStatus::Diverged);
    QVERIFY2(QString::fromStdString(one.points[1].message).contains("diverged"),
             one.points[1].message.c_str());
    QCOMPARE(one.points[1].stepSize, 50.0);
    QCOMPARE(one.best, 0);

    // The point's numbers are those of the run alone; two threads give the same bits.
    const RunResult alone = runChain(c.configs[0], smallData(), nullptr, nullptr);
    const SweepPoint p = sweepPoint(alone, 1e-4, 0);
    QCOMPARE(one.points[0].ensembleAccuracy, p.ensembleAccuracy);
    QCOMPARE(one.points[0].nll, p.nll);
    QCOMPARE(one.points[0].lastSampleAccuracy, p.lastSampleAccuracy);
    SweepControl two;
    two.threads = 2;
    const StepSizeSweep other = runStepSizeSweep(c.configs, smallData(), two);
    QCOMPARE(int(other.points.size()), 2);
    for (size_t i = 0; i < 2; ++i) {
      QCOMPARE(other.points[i].status, one.points[i].status);
      QVERIFY(sameBits(other.points[i].ensembleAccuracy, one.points[i].ensembleAccuracy));
      QVERIFY(sameBits(other.points[i].nll, one.points[i].nll));
      QVERIFY(sameBits(other.points[i].lastSampleAccuracy, one.points[i].lastSampleAccuracy));
    }

    const QStringList csv =
        QString::fromStdString(sweepCsv(one.points, one.best)).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(csv.size(), 3);
    QCOMPARE(
        csv[0],
        QString("step_size,status,ensemble_accuracy,nll,last_sample_accuracy,wall_seconds,best,message"));
    QVERIFY2(csv[1].startsWith("1e-04,completed,") && csv[1].contains(",1,\""), qPrintable(csv[1]));
    QVERIFY2(csv[2].startsWith("50,diverged,nan,nan,") && csv[2].contains(",0,\""), qPrintable(csv[2]));
  }

  void cancelKeepsFinishedPoints() {
    const CheckedConfigs c = stepSizeSweepConfigs("example-sgld", kShort, {1e-4, 2e-4, 4e-4});
    QVERIFY2(c, c.error.c_str());
    std::atomic<bool> cancel{false};
    SweepControl control;
    control.cancel = &cancel;
    // Cancelled while the second point runs: the first stays, the second is dropped.
    control.chainProgress = [&](const ChainProgress&) {};
    control.runStarted = [&](int i, int) {
      if (i == 1) cancel = true;
    };
    const StepSizeSweep s = runStepSizeSweep(c.configs, smallData(), control);
    QVERIFY(s.cancelled);
    QCOMPARE(int(s.points.size()), 1);
    QCOMPARE(s.points[0].stepSize, 1e-4);
    QCOMPARE(s.points[0].status, RunStatus::Completed);
    QCOMPARE(s.best, 0);

    // Cancelled before anything ran: nothing.
    const StepSizeSweep none = runStepSizeSweep(c.configs, smallData(), control);
    QVERIFY(none.cancelled);
    QVERIFY(none.points.empty());
    QCOMPARE(none.best, -1);
  }
};

QTEST_GUILESS_MAIN(TestStepSizeSweep)
#include "tst_step_size_sweep.moc"
