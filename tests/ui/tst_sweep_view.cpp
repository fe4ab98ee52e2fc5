// The Sweep view on a small synthetic set, through its own API: a tiny grid's numbers equal the
// core's sweep of the same configurations, a diverging step size is shown as diverged (table,
// outcome chart, best line) and never as best, Cancel keeps the points finished, the CSV export
// is bnn-cli sweep's sweep.csv, "Use this step size" sends the best (or the selected) point to the
// run form, and a wrong form or missing data is refused with the reason.
#include <QChart>
#include <QChartView>
#include <QProgressBar>
#include <QPushButton>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QTableWidget>
#include <QtTest>
#include <memory>

#include "common/job_runner.h"
#include "data/synthetic.h"
#include "lab/sweep_view.h"
#include "run/step_size_sweep.h"
#include "ui_test_support.h"
#include "util/format.h"

using namespace ui_test;

Q_DECLARE_METATYPE(bnn::RunConfig)

namespace {

constexpr int kPatientMs = 120000;

std::shared_ptr<const bnn::Dataset> smallData() {
  static const auto d = std::make_shared<const bnn::Dataset>(bnn::makeSyntheticDataset(400, 60, 11));
  return d;
}

QScatterSeries* markers(const QChartView* v, const QString& name) {
  for (QAbstractSeries* s : v->chart()->series())
    if (auto* m = qobject_cast<QScatterSeries*>(s); m && m->name() == name) return m;
  return nullptr;
}

// The CSV without its wall-time column (the only column that differs between two sweeps).
QStringList withoutSeconds(const std::string& csv) {
  QStringList out;
  for (const QString& line : QString::fromStdString(csv).split('\n', Qt::SkipEmptyParts)) {
    QStringList cells = line.split(',');
    cells.removeAt(5);
    out << cells.join(',');
  }
  return out;
}

}  // namespace

class TestSweepView : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void init() {
    m_jobs = std::make_unique<JobRunner>();
    m_view = std::make_unique<SweepView>(ViewContext{nullptr, m_jobs.get(), [] { return smallData(); }});
    m_view->resize(1024, 700);
    m_view->setPreset("example-sgld");
    m_view->setMoreParameters("--hidden 16 --batch-size 32 --eval-every 10");
    m_view->setSteps(20, 10);
    m_view->setSeed(3);
  }
  void cleanup() {
    m_view.reset();
    m_jobs.reset();
  }

  void numbersEqualTheCoresAndDivergedIsShown() {
    // 1e-4 learns; 50 blows up to non-finite values at once.
    m_view->setGrid("1e-4", "50", "5e5");
    const bnn::CheckedConfigs c = m_view->configs();
    QVERIFY2(c, c.error.c_str());
    QCOMPARE(int(c.configs.size()), 2);
    QVERIFY2(m_view->commandLine().startsWith(
                 "bnn-cli sweep --preset example-sgld --step-size 1e-04:50:x5e+05 --hidden 16"),
             qPrintable(m_view->commandLine()));
    QSignalSpy finished(m_view.get(), &SweepView::sweepFinished);
    QVERIFY(m_view->runSweep());
    QVERIFY(m_view->isSweeping());
    QVERIFY(!m_view->runButton()->isEnabled());
    QVERIFY(finished.wait(kPatientMs));
    QVERIFY(!m_view->isSweeping());

    const bnn::StepSizeSweep core = bnn::runStepSizeSweep(c.configs, smallData());
    const std::vector<bnn::SweepPoint>& got = m_view->points();
    QCOMPARE(got.size(), core.points.size());
    for (size_t i = 0; i < got.size(); ++i) {
      QCOMPARE(got[i].stepSize, core.points[i].stepSize);
      QCOMPARE(got[i].status, core.points[i].status);
      QCOMPARE(QString::number(got[i].ensembleAccuracy, 'g', 17),
               QString::number(core.points[i].ensembleAccuracy, 'g', 17));
      QCOMPARE(QString::number(got[i].nll, 'g', 17), QString::number(core.points[i].nll, 'g', 17));
      QCOMPARE(QString::number(got[i].lastSampleAccuracy, 'g', 17),
               QString::number(core.points[i].lastSampleAccuracy, 'g', 17));
    }
    QCOMPARE(m_view->best(), core.best);
    QCOMPARE(m_view->best(), 0);
    QCOMPARE(got[1].status, bnn::RunStatus::Diverged);

    // Table: a row per point, the outcome in words, the best marked.
    QCOMPARE(m_view->table()->rowCount(), 2);
    QCOMPARE(m_view->table()->item(0, 0)->text(), QString("1e-04"));
    QCOMPARE(m_view->table()->item(0, 1)->text(), QString("completed"));
    QCOMPARE(m_view->table()->item(0, 6)->text(), QString("best"));
    QCOMPARE(m_view->table()->item(1, 1)->text(), QString("diverged"));
    QCOMPARE(m_view->table()->item(1, 2)->text(), QString("n/a"));
    QVERIFY(m_view->table()->item(1, 7)->text().contains("diverged"));
    // Charts: the diverged point only in the outcome strip, on its own row, never ringed as best.
    QScatterSeries* diverged = markers(m_view->outcomeChart(), "diverged");
    QVERIFY(diverged);
    QCOMPARE(diverged->count(), 1);
    QCOMPARE(diverged->at(0).x(), 50.0);
    QScatterSeries* completed = markers(m_view->outcomeChart(), "completed");
    QVERIFY(completed);
    QCOMPARE(completed->count(), 1);
    QVERIFY(completed->at(0).y() > diverged->at(0).y());
    QCOMPARE(markers(m_view->outcomeChart(), "best")->count(), 1);
    QCOMPARE(markers(m_view->outcomeChart(), "best")->at(0).x(), 1e-4);
    QScatterSeries* accuracy = markers(m_view->accuracyChart(), "completed");
    QVERIFY(accuracy);
    QCOMPARE(accuracy->count(), 1);
    QCOMPARE(accuracy->at(0).y(), got[0].ensembleAccuracy);
    QCOMPARE(markers(m_view->accuracyChart(), "best")->count(), 1);
    QCOMPARE(markers(m_view->nllChart(), "completed")->at(0).y(), got[0].nll);
    QVERIFY2(m_view->bestText().startsWith("Best: h = 1e-04, ensemble accuracy ") &&
                 m_view->bestText().contains("1 diverged"),
             qPrintable(m_view->bestText()));
    QVERIFY2(m_view->statusText().startsWith("Swept 2 step sizes"), qPrintable(m_view->statusText()));

    // CSV: bnn-cli sweep's columns and rows; the same as the core's but for the wall times.
    const QList<ChartExport> ex = m_view->exports();
    QVERIFY(!ex.isEmpty() && ex[0].hasCsv() && ex[0].hasImage());
    QCOMPARE(ex[0].csv(), bnn::sweepCsv(got, m_view->best()));
    QCOMPARE(withoutSeconds(ex[0].csv()), withoutSeconds(bnn::sweepCsv(core.points, core.best)));
  }

  void useThisStepSizeFillsTheRunForm() {
    qRegisterMetaType<bnn::RunConfig>();
    m_view->setGrid("1e-4", "4e-4", "2");
    m_view->setSampler("sghmc");
    QVERIFY(!m_view->useButton()->isEnabled());
    QSignalSpy finished(m_view.get(), &SweepView::sweepFinished);
    QVERIFY(m_view->runSweep());
    QVERIFY(finished.wait(kPatientMs));
    QCOMPARE(int(m_view->points().size()), 3);
    QVERIFY(m_view->best() >= 0);
    QVERIFY(m_view->useButton()->isEnabled());

    QSignalSpy form(m_view.get(), &AnalysisView::runFormRequested);
    m_view->useButton()->click();
    QCOMPARE(form.count(), 1);
    const auto best = form.takeFirst().at(0).value<bnn::RunConfig>();
    const bnn::RunConfig preset = *bnn::presetConfig("example-sgld");
    QCOMPARE(best.stepSize, m_view->points()[size_t(m_view->best())].stepSize);
    QCOMPARE(best.sampler, bnn::SamplerKind::Sghmc);
    QCOMPARE(best.hidden, std::vector<int>{16});
    QCOMPARE(best.seed, uint64_t(3));
    QCOMPARE(best.warmupSteps, preset.warmupSteps);  // a full run, not the sweep's short one
    QCOMPARE(best.samplingSteps, preset.samplingSteps);

    // A selected row wins over the best point.
    const int other = m_view->best() == 0 ? 2 : 0;
    m_view->table()->selectRow(other);
    QCOMPARE(m_view->chosenPoint(), other);
    QVERIFY(m_view->useButton()->text().contains(
        QString::fromStdString(bnn::formatNumber(m_view->points()[size_t(other)].stepSize))));
    QVERIFY(m_view->useStepSize());
    QCOMPARE(form.takeFirst().at(0).value<bnn::RunConfig>().stepSize,
             m_view->points()[size_t(other)].stepSize);
  }

  void cancelKeepsFinishedPoints() {
    // Runs long enough (about a second each here) that Cancel lands while the second one runs.
    m_view->setSteps(20000, 10);
    m_view->setGrid("1e-4", "4e-4", "2");
    QSignalSpy finished(m_view.get(), &SweepView::sweepFinished);
    connect(m_view.get(), &SweepView::pointInstalled, m_view.get(), [this](int index) {
      if (index == 0) m_view->cancelButton()->click();
    });
    QVERIFY(m_view->runSweep());
    QTRY_VERIFY_WITH_TIMEOUT(m_view->statusText().startsWith("Run 1 of 3"), kPatientMs);
    QVERIFY(m_view->progressBar()->isVisible() || !m_view->isVisible());
    QVERIFY(finished.wait(kPatientMs));
    const std::vector<bnn::SweepPoint> kept = m_view->points();
    QVERIFY2(kept.size() >= 1 && kept.size() < 3, qPrintable(QString::number(kept.size())));
    QVERIFY2(m_view->statusText().startsWith("Cancelled after"), qPrintable(m_view->statusText()));
    QCOMPARE(m_view->table()->rowCount(), int(kept.size()));
    // The points kept are the core's.
    bnn::CheckedConfigs c = m_view->configs();
    c.configs.resize(kept.size());
    const bnn::StepSizeSweep core = bnn::runStepSizeSweep(c.configs, smallData());
    for (size_t i = 0; i < kept.size(); ++i)
      QCOMPARE(QString::number(kept[i].ensembleAccuracy, 'g', 17),
               QString::number(core.points[i].ensembleAccuracy, 'g', 17));
    QVERIFY(m_view->runButton()->isEnabled());
  }

  void wrongFormAndMissingDataAreRefused() {
    m_view->setGrid("1e-4", "1e-6", "2");
    QVERIFY(!m_view->configs());
    QVERIFY(!m_view->runButton()->isEnabled());
    QVERIFY(!m_view->runSweep());
    QVERIFY2(m_view->statusText().contains("Step sizes"), qPrintable(m_view->statusText()));
    m_view->setGrid("1e-4", "1e-3", "2");
    QVERIFY(m_view->configs());
    m_view->setMoreParameters("--no-such 3");
    QVERIFY(!m_view->configs());
    QVERIFY(QString::fromStdString(m_view->configs().error).contains("--no-such"));
    m_view->setMoreParameters("--hidden 16 --batch-size");
    QVERIFY(QString::fromStdString(m_view->configs().error).contains("needs a value"));
    m_view->setMoreParameters("--batch-size 0");
    QVERIFY(!m_view->configs());
    m_view->setMoreParameters("--chains 2");
    QVERIFY(QString::fromStdString(m_view->configs().error).contains("one chain"));

    SweepView noData(ViewContext{nullptr, m_jobs.get()});
    QVERIFY(noData.configs());
    QVERIFY(!noData.runSweep());
    QVERIFY2(noData.statusText().startsWith("No data loaded"), qPrintable(noData.statusText()));
    QVERIFY(noData.points().empty());
    QVERIFY(!noData.useButton()->isEnabled());
  }

 private:
  std::unique_ptr<JobRunner> m_jobs;
  std::unique_ptr<SweepView> m_view;
};

QTEST_MAIN(TestSweepView)
#include "tst_sweep_view.moc"
