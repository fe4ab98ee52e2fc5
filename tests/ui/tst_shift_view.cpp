// The Shift view on small synthetic runs with kept samples, through its own API: every level's
// measures equal the core's shift study, one chart per measure with the ensemble and the last
// sample (mutual information: the ensemble only), a second run overlaid, levels typed wrong are
// refused with the reason, levels already evaluated are kept, a sweep waiting its turn is
// cancelled unrun, CSV export.
#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QtTest>
#include <atomic>
#include <memory>
#include <thread>

#include "analysis/shift_study.h"
#include "charts/chart_export.h"
#include "common/job_runner.h"
#include "common/sampled_runs.h"
#include "run/run_engine.h"
#include "shift/shift_view.h"
#include "ui_test_support.h"

using namespace ui_test;

namespace {

std::shared_ptr<const bnn::RunResult> runWithSamples(const char* preset, int keep) {
  bnn::RunConfig c = tinyConfig(preset);
  c.keepSamples = keep;
  return std::make_shared<bnn::RunResult>(bnn::runChain(c, syntheticData(), nullptr, nullptr));
}

std::shared_ptr<const bnn::RunResult> sgldRun() {
  static auto r = runWithSamples("example-sgld", 10);
  return r;
}

QList<QLineSeries*> lines(const QChartView* v) {
  QList<QLineSeries*> out;
  for (QAbstractSeries* s : v->chart()->series())
    if (auto* l = qobject_cast<QLineSeries*>(s)) out << l;
  return out;
}

}  // namespace

class TestShiftView : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void init() { makeView(m_jobs, m_view); }
  void cleanup() { releaseView(m_jobs, m_view); }

  void defaultIsOvadiasRotations() {
    const std::vector<bnn::TransformSpec> l = m_view->levels();
    QCOMPARE(int(l.size()), 13);
    QCOMPARE(l.front().degrees, 0.0);
    QCOMPARE(l.back().degrees, 180.0);
    QCOMPARE(l[1].degrees, 15.0);
  }

  void measuresEqualTheCore() {
    auto run = sgldRun();
    m_view->updateRun(viewRun("a", "SGLD", run));
    m_view->setLevels(ShiftView::Rotation, QStringLiteral("0:90:45"));
    m_view->setLevels(ShiftView::Noise, QStringLiteral("0.3"), true);
    QVERIFY(m_view->runButton()->isEnabled());
    QSignalSpy finished(m_view.get(), &ShiftView::sweepFinished);
    m_view->runSweep();
    QVERIFY(m_jobs->waitForIdle());
    QCOMPARE(finished.count(), 1);
    const std::vector<bnn::ShiftLevel> got = m_view->shownLevels("a");
    QCOMPARE(int(got.size()), 4);
    std::vector<bnn::TransformSpec> specs = bnn::rotationLevels({0, 45, 90});
    specs.push_back(bnn::noiseLevels({0.3})[0]);
    const bnn::Result<bnn::ShiftStudy> want = bnn::shiftStudy(*run, specs);
    QVERIFY(want);
    for (size_t i = 0; i < got.size(); ++i) {
      QVERIFY(got[i].spec == want->levels[i].spec);
      for (int m = 0; m < ShiftView::MeasureCount; ++m)
        for (bool last : {false, true}) {
          const double a = ShiftView::measure(got[i], ShiftView::Measure(m), last);
          const double b = ShiftView::measure(want->levels[i], ShiftView::Measure(m), last);
          QVERIFY2((std::isnan(a) && std::isnan(b)) || a == b,
                   qPrintable(QStringLiteral("level %1 measure %2").arg(i).arg(m)));
        }
    }
    // Rotation on the x axis: three points per line; MI has no last-sample line.
    const QList<QLineSeries*> acc = lines(m_view->chart(ShiftView::Accuracy));
    QCOMPARE(acc.size(), 2);
    QCOMPARE(acc[0]->count(), 3);
    QCOMPARE(acc[0]->at(1).x(), 45.0);
    QCOMPARE(acc[0]->at(1).y(), want->levels[1].ensemble.accuracy);
    QCOMPARE(acc[1]->at(2).y(), want->levels[2].lastSample.accuracy);
    QCOMPARE(lines(m_view->chart(ShiftView::MutualInformation)).size(), 1);
    QCOMPARE(m_view->table()->rowCount(), 4 * 2);
    QVERIFY(m_view->statusText().contains(QStringLiteral("swept in")));
    QVERIFY(!std::isnan(m_view->sweepSeconds("a")));
    QVERIFY(!m_view->runButton()->isEnabled());
  }

  void levelsDoneAreKept() {
    m_view->updateRun(viewRun("a", "SGLD", sgldRun()));
    m_view->setLevels(ShiftView::Rotation, QStringLiteral("0:90:45"));
    m_view->runSweep();
    QVERIFY(m_jobs->waitForIdle());
    const double before = m_view->shownLevels("a")[1].seconds;
    m_view->setLevels(ShiftView::Rotation, QStringLiteral("0:90:15"));
    QVERIFY(m_view->statusText().contains(QStringLiteral("3 of 7 levels")));
    m_view->runSweep();
    QVERIFY(m_jobs->waitForIdle());
    const std::vector<bnn::ShiftLevel> l = m_view->shownLevels("a");
    QCOMPARE(int(l.size()), 7);
    QCOMPARE(l[3].level, 45.0);
    QCOMPARE(l[3].seconds, before);  // the level evaluated first, not again
  }

  void wrongLevelsAreRefused() {
    m_view->updateRun(viewRun("a", "SGLD", sgldRun()));
    m_view->setLevels(ShiftView::Rotation, QStringLiteral("0:abc"));
    QVERIFY(m_view->levels().empty());
    QVERIFY(!m_view->runButton()->isEnabled());
    QVERIFY2(m_view->statusText().contains(QStringLiteral("Rotation")), qPrintable(m_view->statusText()));
    m_view->setLevels(ShiftView::Rotation, QStringLiteral("0:180:15"), false);
    m_view->setLevels(ShiftView::Noise, QStringLiteral("0:2:1"));
    QVERIFY(m_view->levels().empty());
    QVERIFY2(m_view->statusText().contains(QStringLiteral("from 0 to 1")), qPrintable(m_view->statusText()));
    m_view->setLevels(ShiftView::Noise, QStringLiteral("0:2:1"), false);
    QVERIFY(m_view->statusText().contains(QStringLiteral("at least one")));
  }

  void comparedRunOverlaid() {
    m_view->updateRun(viewRun("a", "SGLD", sgldRun()));
    m_view->updateRun(viewRun("b", "SGHMC", runWithSamples("example-sghmc", 5), QColor("#d62728")));
    m_view->runs()->setComparison("b");
    m_view->setLevels(ShiftView::Rotation, QStringLiteral("0:30:30"));
    m_view->runSweep();
    QVERIFY(m_jobs->waitForIdle());
    QCOMPARE(lines(m_view->chart(ShiftView::Nll)).size(), 4);
    QCOMPARE(lines(m_view->chart(ShiftView::MutualInformation)).size(), 2);
    QVERIFY(lines(m_view->chart(ShiftView::Nll))[2]->name().startsWith(QStringLiteral("SGHMC")));
    QCOMPARE(m_view->table()->rowCount(), 2 * 2 * 2);
    const QString csv = QString::fromStdString(m_view->exports()[1].csv());
    QVERIFY2(csv.startsWith(
                 QStringLiteral("run,transform,level,source,accuracy,nll,ece,brier,mean_entropy,mean_mi,")),
             qPrintable(csv));
    QCOMPARE(csv.count(QLatin1Char('\n')), 1 + 8);
    QVERIFY(csv.contains(QStringLiteral("\nSGHMC,rotate,30,last_sample,")) ||
            csv.contains(QStringLiteral("\nSGHMC,rotate,30,")));

    // The exported image: the 3 x 2 grid of the screen under the legend the charts do not carry
    // (each run's ensemble and last sample in the run's colour).
    const ChartExport charts = m_view->exports()[0];
    QCOMPARE(charts.columns, 3);
    QCOMPARE(charts.legend.size(), 4);
    QCOMPARE(charts.legend[2].text, QStringLiteral("SGHMC ensemble"));
    QCOMPARE(charts.legend[3].style, Qt::DashLine);
    QCOMPARE(charts.legend[3].color, QColor("#d62728"));
    const QImage image = chart_export::render(charts);
    // Each column as wide as its widest chart, each row as high as its highest.
    int colWidth[3] = {}, rowHeight[2] = {};
    for (int i = 0; i < charts.charts.size(); ++i) {
      const QSize s = charts.charts[i]->size().isEmpty() ? QSize(640, 420) : charts.charts[i]->size();
      colWidth[i % 3] = std::max(colWidth[i % 3], s.width());
      rowHeight[i / 3] = std::max(rowHeight[i / 3], s.height());
    }
    const int gridHeight = rowHeight[0] + rowHeight[1];
    QCOMPARE(image.width(), colWidth[0] + colWidth[1] + colWidth[2]);
    QVERIFY2(image.height() > gridHeight, "no room for the legend above the charts");
    // The legend strip holds the runs' colours.
    bool red = false;
    const int strip = image.height() - gridHeight;
    for (int y = 0; y < strip && !red; ++y)
      for (int x = 0; x < image.width() && !red; ++x) red = image.pixelColor(x, y) == QColor("#d62728");
    QVERIFY(red);
    ChartExport noLegend = charts;
    noLegend.legend.clear();
    QCOMPARE(chart_export::render(noLegend).height(), gridHeight);
  }

  void waitingSweepIsCancelledUnrun() {
    std::atomic<bool> release{false};
    m_jobs->submit(
        m_view.get(), "other", {},
        [&release](const JobRunner::CancelCheck&) {
          while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(2));
          return 0;
        },
        [](int) {});
    m_view->updateRun(viewRun("a", "SGLD", sgldRun()));
    m_view->setLevels(ShiftView::Rotation, QStringLiteral("0:90:45"));
    m_view->runSweep();
    QVERIFY(m_view->isSweeping());
    QVERIFY(!m_view->progressBar()->isHidden());
    QVERIFY(m_view->statusText().contains(QStringLiteral("waiting")));
    m_view->cancel();
    QVERIFY(!m_view->isSweeping());
    QVERIFY(m_view->statusText().contains(QStringLiteral("Cancelled")));
    release = true;
    QVERIFY(m_jobs->waitForIdle());
    QVERIFY(m_view->shownLevels("a").empty());
    QVERIFY(m_view->runButton()->isEnabled());
  }

  void withoutSamplesSaysWhy() {
    auto run = runWithSamples("example-sgld", 0);
    m_view->updateRun(viewRun("a", "Plain", run));
    QVERIFY2(m_view->statusText().contains(QString::fromStdString(bnn::whySamplesUnavailable(*run))),
             qPrintable(m_view->statusText()));
    QVERIFY(!m_view->runButton()->isEnabled());
  }

 private:
  std::unique_ptr<JobRunner> m_jobs;
  std::unique_ptr<ShiftView> m_view;
};

QTEST_MAIN(TestShiftView)
#include "tst_shift_view.moc"
