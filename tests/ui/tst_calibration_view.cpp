// The Calibration view on hand-made runs, through its own API: the numbers equal the core's
// runCalibration, the reliability curve has one point per non-empty bin, equal-mass bins on
// request, the compared run overlaid, reasons for what is unavailable, exports.
#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QTableWidget>
#include <QtTest>
#include <memory>

#include "analysis/run_calibration.h"
#include "analysis/uncertainty.h"
#include "calibration/calibration_view.h"
#include "common/job_runner.h"
#include "explorer/explorer_state.h"
#include "explorer/explorer_text.h"
#include "ui_test_support.h"

using namespace ui_test;

namespace {

bnn::RunCalibration expectedCalibration(const bnn::RunResult& run, const bnn::CalibrationOptions& o) {
  const bnn::Result<bnn::UncertaintyAnalysis> a = bnn::analyzeUncertainty(run);
  return bnn::runCalibration(&a.value(), run.testLabels(), bnn::lastSampleProbabilities(run), o);
}

QList<QLineSeries*> curves(const QChartView* view) {
  QList<QLineSeries*> out;
  for (QAbstractSeries* s : view->chart()->series())
    if (auto* l = qobject_cast<QLineSeries*>(s); l && !l->name().startsWith(QStringLiteral("perfect")))
      out << l;
  return out;
}

}  // namespace

class TestCalibrationView : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void init() { makeView(m_jobs, m_view); }
  void cleanup() { releaseView(m_jobs, m_view); }

  void numbersEqualTheCore() {
    auto run = handMadeRun();
    m_view->updateRun(viewRun("a", "SGLD", run));
    QVERIFY(m_jobs->waitForIdle());
    const auto c = m_view->calibration("a");
    QVERIFY(c);
    const bnn::RunCalibration want = expectedCalibration(*run, {});
    QVERIFY(c->ensemble.report);
    QCOMPARE(c->ensemble.report->ece, want.ensemble.report->ece);
    QCOMPARE(c->ensemble.report->brier, want.ensemble.report->brier);
    QCOMPARE(c->ensemble.report->negLogLikelihood, want.ensemble.report->negLogLikelihood);
    QTableWidget* t = m_view->table();
    QCOMPARE(t->columnCount(), 2);  // ensemble and last sample
    QCOMPARE(t->verticalHeaderItem(2)->text(), QStringLiteral("ECE"));
    QCOMPARE(t->item(2, 0)->text(), explorer_text::fixed(want.ensemble.report->ece, 4));
    QCOMPARE(t->item(5, 0)->text(), explorer_text::fixed(want.ensemble.report->brier, 4));
    QCOMPARE(t->item(0, 0)->text(), explorer_text::percent(want.ensemble.report->accuracy));
    if (bnn::lastSampleProbabilities(*run).empty()) {
      QCOMPARE(t->item(2, 1)->text(), QStringLiteral("—"));
      QVERIFY(!c->lastSample.report);
      QVERIFY2(m_view->notes().contains(QStringLiteral("last-sample probabilities")),
               qPrintable(m_view->notes()));
    } else {
      QCOMPARE(t->item(2, 1)->text(), explorer_text::fixed(want.lastSample.report->ece, 4));
    }
    // One point per non-empty bin, at (mean confidence, accuracy).
    const QList<QLineSeries*> lines = curves(m_view->reliabilityChart());
    QVERIFY(!lines.isEmpty());
    QCOMPARE(lines[0]->count(), want.ensemble.report->nonEmptyBins);
    int p = 0;
    for (const bnn::ReliabilityBin& b : want.ensemble.report->bins) {
      if (b.count == 0) continue;
      QCOMPARE(lines[0]->at(p).x(), b.confidence);
      QCOMPARE(lines[0]->at(p).y(), b.accuracy);
      ++p;
    }
  }

  void equalMassBinsOnRequest() {
    auto run = handMadeRun();
    m_view->updateRun(viewRun("a", "SGLD", run));
    QVERIFY(m_jobs->waitForIdle());
    bnn::CalibrationOptions o;
    o.numBins = 5;
    o.scheme = bnn::BinScheme::EqualMass;
    m_view->setOptions(o);
    QVERIFY(m_jobs->waitForIdle());
    const auto c = m_view->calibration("a");
    QCOMPARE(c->options.scheme, bnn::BinScheme::EqualMass);
    QCOMPARE(int(c->ensemble.report->bins.size()), 5);
    const bnn::RunCalibration want = expectedCalibration(*run, o);
    QCOMPARE(c->ensemble.report->ece, want.ensemble.report->ece);
    for (const bnn::ReliabilityBin& b : c->ensemble.report->bins) QCOMPARE(b.count, int64_t(10));  // 50 / 5
  }

  void comparedRunOverlaid() {
    m_view->updateRun(viewRun("a", "SGLD", handMadeRun()));
    m_view->updateRun(viewRun("b", "SGHMC", handMadeRun(true, 0.05), QColor("#d62728")));
    m_view->state()->setComparison("b");
    QVERIFY(m_jobs->waitForIdle());
    QVERIFY(m_view->calibration("b"));
    QCOMPARE(m_view->table()->columnCount(), 4);
    QVERIFY(m_view->table()->horizontalHeaderItem(2)->text().startsWith(QStringLiteral("SGHMC")));
    m_view->setSourceShown(bnn::PredictiveSource::LastSample, false);
    QCOMPARE(m_view->table()->columnCount(), 2);
    QCOMPARE(curves(m_view->reliabilityChart()).size(), 2);
    m_view->removeRun("b");
    QVERIFY(!m_view->calibration("b"));
    QCOMPARE(m_view->table()->columnCount(), 1);
  }

  void nothingSampledSaysSo() {
    auto run = std::make_shared<bnn::RunResult>();
    run->test = handMadeRun()->test;
    m_view->updateRun(viewRun("a", "Fresh", run));
    QVERIFY(m_jobs->waitForIdle());
    QVERIFY2(m_view->notes().contains(QStringLiteral("nothing has been sampled yet")),
             qPrintable(m_view->notes()));
    QVERIFY(curves(m_view->reliabilityChart()).isEmpty());
  }

  void exportsTheBins() {
    m_view->updateRun(viewRun("a", "SGLD", handMadeRun()));
    QVERIFY(m_jobs->waitForIdle());
    const QList<ChartExport> e = m_view->exports();
    QCOMPARE(e.size(), 2);
    QVERIFY(e[0].hasImage() && e[0].hasCsv());
    const std::string csv = e[0].csv();
    QVERIFY(QString::fromStdString(csv).startsWith(QStringLiteral("run,source,scheme,bin,")));
    QVERIFY(csv.find("\nSGLD,ensemble,") != std::string::npos);
    QVERIFY(QString::fromStdString(e[1].csv()).startsWith(QStringLiteral("run,measure,")));
  }

 private:
  std::unique_ptr<JobRunner> m_jobs;
  std::unique_ptr<CalibrationView> m_view;
};

QTEST_MAIN(TestCalibrationView)
#include "tst_calibration_view.moc"
