// The Decisions view on hand-made runs, through its own API: its numbers equal the core's on the
// same p̄, under 0-1 loss it defers exactly the images the explorer's threshold curve drops at
// t = 1 - c (point for point on the explorer's grid), presets and cost files (refused with row
// and column, the matrix kept), two runs side by side, the confusion table and the gallery.
#include <QChartView>
#include <QComboBox>
#include <QFile>
#include <QLineSeries>
#include <QListWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>

#include "analysis/decision.h"
#include "analysis/run_calibration.h"
#include "analysis/uncertainty.h"
#include "common/job_runner.h"
#include "decisions/cost_editor.h"
#include "decisions/decisions_view.h"
#include "explorer/explorer_state.h"
#include "explorer/run_analysis.h"
#include "ui_test_support.h"

using namespace ui_test;

namespace {

bnn::RiskProfile profileOf(const bnn::RunResult& run, const bnn::CostMatrix& costs) {
  const bnn::Result<bnn::UncertaintyAnalysis> a = bnn::analyzeUncertainty(run);
  return bnn::riskProfile(std::span<const double>(a->meanProbs), run.testLabels(), costs).value();
}

}  // namespace

class TestDecisionsView : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void init() { makeView(m_jobs, m_view); }
  void cleanup() { releaseView(m_jobs, m_view); }

  void numbersEqualTheCore() {
    auto run = handMadeRun();
    m_view->updateRun(viewRun("a", "SGLD", run));
    m_view->costEditor()->applyPreset(bnn::CostPreset::Confuse4And9);
    m_view->setRejectCost(0.3);
    QVERIFY(m_jobs->waitForIdle());
    const auto o = m_view->outcome(0);
    QVERIFY(o && o->profile);
    QCOMPARE(o->costs, bnn::costPreset(bnn::CostPreset::Confuse4And9));
    const bnn::RiskProfile p = profileOf(*run, o->costs);
    const bnn::DecisionSummary want = bnn::decisionSummary(p, 0.3);
    QCOMPARE(o->summary.deferred, want.deferred);
    QCOMPARE(o->summary.realisedCostPerImage, want.realisedCostPerImage);
    QCOMPARE(o->summary.expectedCostPerImage, want.expectedCostPerImage);
    QVERIFY(want.deferred > 0 && want.decided > 0);
    QTableWidget* t = m_view->summaryTable();
    QCOMPARE(t->item(2, 0)->text(), QString::number(want.deferred));
    // Confusion counts add up to the test set; the deferred column holds the deferred images.
    QTableWidget* cm = m_view->confusionTable(0);
    QCOMPARE(cm->columnCount(), 11);
    int64_t total = 0, deferred = 0;
    for (int y = 0; y < 10; ++y)
      for (int a = 0; a <= 10; ++a) {
        total += cm->item(y, a)->text().toLongLong();
        if (a == 10) deferred += cm->item(y, a)->text().toLongLong();
      }
    QCOMPARE(total, int64_t(kImages));
    QCOMPARE(deferred, want.deferred);
    QCOMPARE(m_view->gallery(0)->count(), int(want.deferred));
    // The sweep is drawn: realised cost at c = 0 is the reject cost 0 for everything at risk.
    QVERIFY(m_view->costSeries(0)->count() > 2);
  }

  void zeroOneLossIsTheExplorersThreshold() {
    auto run = handMadeRun();
    m_view->updateRun(viewRun("a", "SGLD", run));
    QVERIFY(m_jobs->waitForIdle());
    QCOMPARE(m_view->costEditor()->costs(), bnn::zeroOneCosts());
    const std::shared_ptr<const RunAnalysis> ra = analyseRun(run);
    const bnn::ThresholdCurve& curve = ra->curve;
    // Through the view at a few points of the explorer's grid ...
    for (size_t k : {size_t(0), size_t(30), size_t(45), size_t(60), size_t(89)}) {
      const double t = curve.thresholds[k];
      m_view->setRejectCost(1.0 - t);
      QVERIFY(m_jobs->waitForIdle());
      const auto o = m_view->outcome(0);
      QCOMPARE(o->summary.decided, curve.retained[k]);
      QCOMPARE(100.0 * o->summary.deferralRate, curve.percentDropped[k]);
    }
    // ... and with the view's profile at every point.
    const auto o = m_view->outcome(0);
    for (size_t k = 0; k < curve.thresholds.size(); ++k) {
      const bnn::DecisionSummary s = bnn::decisionSummary(*o->profile, 1.0 - curve.thresholds[k]);
      QCOMPARE(s.decided, curve.retained[k]);
      if (std::isnan(curve.accuracy[k]))
        QVERIFY(std::isnan(s.accuracyOnDecided));
      else
        QCOMPARE(s.accuracyOnDecided, curve.accuracy[k]);
    }
  }

  void costFilesRefusedWithRowAndColumn() {
    m_view->updateRun(viewRun("a", "SGLD", handMadeRun()));
    QVERIFY(m_jobs->waitForIdle());
    QTemporaryDir tmp;
    const QString bad = tmp.filePath("bad.csv");
    {
      QFile f(bad);
      QVERIFY(f.open(QIODevice::WriteOnly));
      for (int r = 0; r < 10; ++r) f.write(r == 3 ? "0,1,1,1,x,1,1,1,1,1\n" : "0,1,1,1,1,1,1,1,1,1\n");
    }
    const QString why = m_view->costEditor()->loadFile(bad);
    QVERIFY2(why.contains("bad.csv") && why.contains("row") && why.contains("column"), qPrintable(why));
    QCOMPARE(m_view->costEditor()->costs(), bnn::zeroOneCosts());
    // A matrix saved and loaded again is the same; a hand edit makes it custom.
    m_view->costEditor()->applyPreset(bnn::CostPreset::Miss7);
    const QString good = tmp.filePath("miss7.csv");
    QCOMPARE(m_view->costEditor()->saveFile(good), QString());
    m_view->costEditor()->applyPreset(bnn::CostPreset::ZeroOne);
    QCOMPARE(m_view->costEditor()->loadFile(good), QString());
    QCOMPARE(m_view->costEditor()->costs(), bnn::costPreset(bnn::CostPreset::Miss7));
    QCOMPARE(m_view->costEditor()->presetText(), QString::fromUtf8(bnn::presetLabel(bnn::CostPreset::Miss7)));
    QVERIFY(!m_view->costEditor()->setEntry(1, 2, -1));
    QVERIFY(m_view->costEditor()->setEntry(1, 2, 3.5));
    QCOMPARE(m_view->costEditor()->presetText(), QStringLiteral("Custom"));
    QVERIFY(m_jobs->waitForIdle());
    QCOMPARE(m_view->outcome(0)->costs(1, 2), 3.5);
  }

  void twoRunsSideBySide() {
    auto a = handMadeRun();
    auto b = handMadeRun(true, 0.1);
    m_view->updateRun(viewRun("a", "SGLD", a));
    m_view->updateRun(viewRun("b", "SGHMC", b, QColor("#d62728")));
    m_view->state()->setComparison("b");
    m_view->setSource(1, bnn::PredictiveSource::Ensemble);
    m_view->setRejectCost(0.25);
    QVERIFY(m_jobs->waitForIdle());
    const auto oa = m_view->outcome(0), ob = m_view->outcome(1);
    QVERIFY(oa && ob && oa->profile && ob->profile);
    QCOMPARE(ob->analysis->run.get(), b.get());
    QCOMPARE(ob->summary.deferred, bnn::decisionSummary(profileOf(*b, bnn::zeroOneCosts()), 0.25).deferred);
    QVERIFY(oa->summary.deferred > ob->summary.deferred);  // b is more confident everywhere
    QVERIFY(m_view->summaryTable()->horizontalHeaderItem(1)->text().contains(QStringLiteral("SGHMC")));
  }

  void lastSampleWithoutProbabilitiesSaysWhy() {
    auto run = handMadeRun();
    m_view->updateRun(viewRun("a", "SGLD", run));
    m_view->setSource(1, bnn::PredictiveSource::LastSample);
    QVERIFY(m_jobs->waitForIdle());
    const auto o = m_view->outcome(1);
    QVERIFY(o);
    if (bnn::lastSampleProbabilities(*run).empty()) {
      QVERIFY(!o->profile);
      QCOMPARE(o->unavailable, QString::fromUtf8(bnn::kNoLastSampleProbs));
      QCOMPARE(m_view->summaryTable()->item(2, 1)->text(), QStringLiteral("—"));
    } else {
      QVERIFY(o->profile);
    }
  }

  void exportsTheTables() {
    m_view->updateRun(viewRun("a", "SGLD", handMadeRun()));
    QVERIFY(m_jobs->waitForIdle());
    const QList<ChartExport> e = m_view->exports();
    QCOMPARE(e.size(), 4);
    QVERIFY(e[0].hasImage() && e[0].hasCsv());
    QVERIFY(QString::fromStdString(e[0].csv()).startsWith(QStringLiteral("source,reject_cost,")));
    QVERIFY(
        QString::fromStdString(e[1].csv()).startsWith(QStringLiteral("run,true_class,decision,count,cost")));
    QVERIFY(QString::fromStdString(e[2].csv()).startsWith(QStringLiteral("run,index,")));
    const bnn::Result<bnn::CostMatrix> back = bnn::parseCostMatrixCsv(e[3].csv(), 10);
    QVERIFY(back.ok());
    QCOMPARE(*back, bnn::zeroOneCosts());
  }

 private:
  std::unique_ptr<JobRunner> m_jobs;
  std::unique_ptr<DecisionsView> m_view;
};

QTEST_MAIN(TestDecisionsView)
#include "tst_decisions_view.moc"
