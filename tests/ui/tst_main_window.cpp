// MainWindow end to end on synthetic data: live charts, comparison, run list, save and open on
// the background runner, views fed with results, settings, closing mid-run, data loading, and
// that removing runs frees them. Settings go to a test location.
#include <QAbstractItemModelTester>
#include <QLabel>
#include <QScrollArea>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtCharts/QAbstractAxis>
#include <QtCharts/QCategoryAxis>
#include <QtCharts/QChart>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <QtTest>
#include <memory>

#include "charts/accuracy_chart.h"
#include "common/job_runner.h"
#include "data_source/dataset_loader.h"
#include "data_source/dataset_panel.h"
#include "explorer/explorer_state.h"
#include "explorer/uncertainty_view.h"
#include "run/checkpoint.h"
#include "runs/chain_progress_panel.h"
#include "runs/run_controller.h"
#include "runs/run_files.h"
#include "runs/run_list_model.h"
#include "runs/run_list_pane.h"
#include "runs/run_panel.h"
#include "shell/app_automation.h"
#include "shell/app_options.h"
#include "shell/main_window.h"
#include "ui_test_support.h"
#include "views/run_pair_picker.h"
#include "views/view_host.h"
#include "views/view_registry.h"

using namespace ui_test;

namespace {

AccuracyChart* chart(const MainWindow& w, const char* key) {
  return qobject_cast<AccuracyChart*>(w.view(QString::fromLatin1(key)));
}

UncertaintyView* explorer(const MainWindow& w) {
  return qobject_cast<UncertaintyView*>(w.view(QStringLiteral("uncertainty")));
}

}  // namespace

class TestMainWindow : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase();
  void init();
  void everyRegisteredViewIsATab();
  void runFillsLiveCharts();
  void compareStartsBothPresetsWithTheFormSchedule();
  void stopSelectedCancels();
  void runListModelIsConsistent();
  void renameAndHideReachCharts();
  void saveAndReopenRunInTheBackground();
  void uncertaintyViewGetsSnapshotsOnlyWhenShown();
  void removingRunsFreesTheirResults();
  void exportsChartFiles();
  void bandZoomIsOneStateForButtonAndMenu();
  void comparisonAxes();
  void formAndLayoutPersist();
  void everyViewFitsAt1024x700();
  void closeMidRunAsksThenStops();
  void closeMidRunCanBeRefused();
  void missingDataSaysHowToGetIt();
  void aNewerDataFolderSupersedesTheLoadInProgress();
  void automationRunsAndTakesScreenshot();
  void aViewFillsTheRunForm();
  void comparedPairIsShownInTheViews();
  void resumeSaysWhereTheRunContinues();
  void warmupChartSaysWhenRunsHaveNone();
};

void TestMainWindow::initTestCase() {
  QStandardPaths::setTestModeEnabled(true);
  QCoreApplication::setOrganizationName(QStringLiteral("BNN Explorer Tests"));
  QCoreApplication::setApplicationName(QStringLiteral("tst_main_window"));
}

void TestMainWindow::init() { QSettings().clear(); }

void TestMainWindow::everyRegisteredViewIsATab() {
  MainWindow w;
  const QStringList keys = viewKeys();
  QCOMPARE(keys, (QStringList{"warmup", "sampling", "comparison", "uncertainty", "probe", "calibration",
                              "decisions", "ood", "shift", "diagnostics", "sweep"}));
  QCOMPARE(w.views()->count(), keys.size());
  for (const QString& key : keys) {
    QVERIFY(w.showView(key));
    QCOMPARE(w.views()->currentKey(), key);
    QVERIFY(w.view(key)->isVisibleTo(&w));
  }
  QVERIFY(!w.showView(QStringLiteral("no-such-view")));
}

void TestMainWindow::runFillsLiveCharts() {
  MainWindow w;
  w.setConfirmOnClose(false);
  w.setDataset(syntheticData());
  w.show();
  w.runPanel()->setConfig(tinyConfig());
  QSignalSpy done(&w, &MainWindow::allRunsFinished);
  w.runPanel()->runButton()->click();
  QCOMPARE(w.controller()->runningCount(), 1);
  QCOMPARE(w.runModel()->rowCount(), 1);
  const QString id = w.runModel()->idAt(0);
  QCOMPARE(w.progressPanel()->chainCount(), 1);
  // The warm-up chart (the tab shown) fills while the chain runs.
  QTRY_VERIFY_WITH_TIMEOUT(chart(w, "warmup")->pointCount(id) > 0, 30000);
  QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 60000);
  QVERIFY(chart(w, "warmup")->pointCount(id) >= 4);  // warm-up 40, evaluated every 10 steps
  w.showView(QStringLiteral("sampling"));
  QTRY_COMPARE(chart(w, "sampling")->pointCount(id), 20);
  w.showView(QStringLiteral("comparison"));
  QTRY_COMPARE(chart(w, "comparison")->pointCount(id), 20);
  const RunRecord* r = w.runModel()->record(id);
  QVERIFY(r && r->result);
  QCOMPARE(r->status, bnn::RunStatus::Completed);
  QVERIFY(w.progressPanel()->progressText(id).startsWith(QStringLiteral("Completed")));
  QCOMPARE(w.progressPanel()->progressValue(id), 1000);
  // The warm-up axis carries the example's ticks.
  auto* y = qobject_cast<QCategoryAxis*>(chart(w, "warmup")->axisY());
  QVERIFY(y);
  QCOMPARE(y->categoriesLabels(), QStringList({"0.1", "0.3", "0.5", "0.7", "0.9", "0.95", "1.0"}));
  QVERIFY(!chart(w, "warmup")->axisX()->titleText().isEmpty());
  QVERIFY(!y->titleText().isEmpty());
}

void TestMainWindow::compareStartsBothPresetsWithTheFormSchedule() {
  MainWindow w;
  w.setConfirmOnClose(false);
  w.setDataset(syntheticData());
  w.show();
  QSignalSpy done(&w, &MainWindow::allRunsFinished);
  // The form's schedule and seed reach both presets; the rest is the presets'.
  RunPanel* panel = w.runPanel();
  panel->setConfig(tinyConfig());
  panel->setFieldText(QStringLiteral("seed"), QStringLiteral("5"));
  panel->setFieldText(QStringLiteral("hidden"), QStringLiteral("16"));
  QVERIFY(panel->compareNote().contains(QStringLiteral("W = 40")));
  QVERIFY(panel->compareNote().contains(QStringLiteral("S = 20")));
  QVERIFY(panel->compareNote().contains(QStringLiteral("seed = 5")));
  auto o = panel->compareOverrides();
  o.emplace_back("hidden", "32");  // keeps the test fast; the form's 16 is not a schedule field
  o.emplace_back("batch-size", "64");
  const QStringList ids = w.startComparison(o);
  QCOMPARE(ids.size(), 2);
  QCOMPARE(w.controller()->runningCount(), 2);
  const RunRecord& sgld = w.runModel()->recordAt(0);
  const RunRecord& sghmc = w.runModel()->recordAt(1);
  QCOMPARE(sgld.config.sampler, bnn::SamplerKind::Sgld);
  QCOMPARE(sghmc.config.sampler, bnn::SamplerKind::Sghmc);
  QCOMPARE(sgld.name, QStringLiteral("Example SGLD"));
  QCOMPARE(sghmc.name, QStringLiteral("Example SGHMC"));
  QCOMPARE(sghmc.config.warmupSteps, int64_t(40));
  QCOMPARE(sghmc.config.samplingSteps, int64_t(20));
  QCOMPARE(sghmc.config.seed, uint64_t(5));
  QCOMPARE(sghmc.config.stepSize, bnn::presetConfig("example-sghmc")->stepSize);
  // Another run can start while these run; its name is made unique.
  const QString third = w.startRun(tinyConfig());
  QVERIFY(!third.isEmpty());
  QCOMPARE(w.controller()->runningCount(), 3);
  QCOMPARE(w.runModel()->record(third)->name, QStringLiteral("Example SGLD (2)"));
  QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 180000);
  for (int row = 0; row < 3; ++row) QCOMPARE(w.runModel()->recordAt(row).status, bnn::RunStatus::Completed);
  w.showView(QStringLiteral("comparison"));
  QTRY_COMPARE(chart(w, "comparison")->seriesCount(), 3);
  // Three runs, three colours, the same in the list and on the charts.
  QSet<QRgb> colours;
  for (int row = 0; row < 3; ++row) colours.insert(w.runModel()->recordAt(row).color.rgb());
  QCOMPARE(colours.size(), 3);
}

void TestMainWindow::stopSelectedCancels() {
  MainWindow w;
  w.setConfirmOnClose(false);
  w.setDataset(syntheticData());
  w.show();
  const QString a = w.startRun(endlessConfig());
  const QString b = w.startRun(endlessConfig());
  QTRY_VERIFY_WITH_TIMEOUT(w.runModel()->record(a)->hasProgress, 30000);
  w.runList()->selectRun(a);
  QVERIFY(w.runList()->stopSelectedAction()->isEnabled());
  QVERIFY(!w.runList()->removeAction()->isEnabled());  // a running chain cannot be removed
  w.runList()->stopSelectedAction()->trigger();
  QTRY_COMPARE_WITH_TIMEOUT(w.runModel()->record(a)->status, bnn::RunStatus::Cancelled, 30000);
  QVERIFY(w.controller()->isRunning(b));
  w.runList()->stopAllAction()->trigger();
  QTRY_COMPARE_WITH_TIMEOUT(w.runModel()->record(b)->status, bnn::RunStatus::Cancelled, 30000);
  QCOMPARE(w.controller()->runningCount(), 0);
  QVERIFY(w.runList()->removeAction()->isEnabled());
}

void TestMainWindow::runListModelIsConsistent() {
  MainWindow w;
  w.setConfirmOnClose(false);
  w.setDataset(syntheticData());
  QAbstractItemModelTester tester(w.runModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
  QSignalSpy done(&w, &MainWindow::allRunsFinished);
  w.startComparison(tinyOverrides());
  RunListModel* m = w.runModel();
  const QModelIndex name = m->index(0, RunListModel::NameColumn);
  QVERIFY(m->flags(name) & Qt::ItemIsEditable);
  QVERIFY(m->flags(name) & Qt::ItemIsUserCheckable);
  QVERIFY(!(m->flags(m->index(0, RunListModel::StatusColumn)) & Qt::ItemIsEditable));
  QCOMPARE(m->data(name, Qt::CheckStateRole).toInt(), int(Qt::Checked));
  QVERIFY(m->setData(name, QStringLiteral("First chain")));
  QVERIFY(!m->setData(name, QStringLiteral("   ")));  // empty names are refused
  QCOMPARE(m->data(name).toString(), QStringLiteral("First chain"));
  QVERIFY(m->setData(name, Qt::Unchecked, Qt::CheckStateRole));
  QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 180000);
  QVERIFY(!m->data(m->index(0, RunListModel::AccuracyColumn)).toString().isEmpty());
  m->removeRun(m->idAt(0));
  QCOMPARE(m->rowCount(), 1);
}

void TestMainWindow::renameAndHideReachCharts() {
  MainWindow w;
  w.setConfirmOnClose(false);
  w.setDataset(syntheticData());
  w.show();
  QSignalSpy done(&w, &MainWindow::allRunsFinished);
  const QStringList ids = w.startComparison(tinyOverrides());
  QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 180000);
  AccuracyChart* warm = chart(w, "warmup");
  QTRY_COMPARE(warm->seriesCount(), 2);
  w.runModel()->rename(ids[0], QStringLiteral("Renamed SGLD"));
  // The legend names the run and its data.
  QTRY_COMPARE(warm->chart()->series().first()->name(),
               QStringLiteral("Renamed SGLD · Synthetic (unrecognised IDX set)"));
  QVERIFY(w.progressPanel()->progressText(ids[0]).size() > 0);
  w.runModel()->setShown(ids[1], false);
  QTRY_COMPARE(warm->seriesCount(), 1);
  QCOMPARE(warm->pointCount(ids[1]), -1);
  w.runModel()->setShown(ids[1], true);
  QTRY_COMPARE(warm->seriesCount(), 2);
}

void TestMainWindow::saveAndReopenRunInTheBackground() {
  MainWindow w;
  w.setConfirmOnClose(false);
  w.setDataset(syntheticData());
  w.show();
  QSignalSpy done(&w, &MainWindow::allRunsFinished);
  const QString id = w.startRun(tinyConfig());
  QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 60000);
  w.runModel()->rename(id, QStringLiteral("Saved run (2)"));
  QCOMPARE(RunFiles::suggestedFolderName(w.runModel()->record(id)->name), QStringLiteral("saved-run-2"));
  QTemporaryDir dir;
  const QString path = dir.path() + QStringLiteral("/saved-run");
  QSignalSpy saved(w.runFiles(), &RunFiles::saved);
  QString error;
  QVERIFY2(w.runFiles()->save(id, path, &error), qPrintable(error));
  QCOMPARE(saved.count(), 0);  // written in the background, reported when done
  QVERIFY(saved.wait(30000));
  QCOMPARE(w.runModel()->record(id)->path, path);

  // A run without a final result cannot be saved; the reason says so.
  QVERIFY(!w.runFiles()->save(QStringLiteral("no-such-run"), path + "2", &error));
  QVERIFY(!error.isEmpty());

  // Reopen in a fresh window: same curve, same name (numbered from its base), all views work.
  MainWindow w2;
  w2.show();
  w2.showView(QStringLiteral("uncertainty"));
  QSignalSpy opened(w2.runFiles(), &RunFiles::opened);
  w2.runFiles()->open(path);
  QVERIFY(opened.wait(30000));
  const QString loaded = opened.first().at(0).toString();
  const RunRecord* a = w.runModel()->record(id);
  const RunRecord* b = w2.runModel()->record(loaded);
  QCOMPARE(b->name, QStringLiteral("Saved run (2)"));
  QVERIFY(b->loaded && b->result);
  QCOMPARE(b->curve.size(), a->curve.size());
  for (size_t i = 0; i < a->curve.size(); ++i) {
    QCOMPARE(b->curve[i].phase, a->curve[i].phase);
    QCOMPARE(b->curve[i].step, a->curve[i].step);
    QCOMPARE(b->curve[i].pointwiseAccuracy, a->curve[i].pointwiseAccuracy);
  }
  QCOMPARE(b->result->predictive.sampleCount(), a->result->predictive.sampleCount());
  // The explorer (shown) analyses the opened run.
  QTRY_VERIFY(explorer(w2)->state()->primary() && explorer(w2)->state()->primary()->hasSamples());
  w2.showView(QStringLiteral("sampling"));
  QTRY_COMPARE(chart(w2, "sampling")->pointCount(loaded), 20);
  // Opening the same folder again names the copy "Saved run (3)", not "Saved run (2) (2)".
  w2.runFiles()->open(path);
  QVERIFY(opened.wait(30000));
  QCOMPARE(w2.runModel()->record(opened.last().at(0).toString())->name, QStringLiteral("Saved run (3)"));

  // A folder that is not a run gives an error naming the path.
  QSignalSpy failed(w2.runFiles(), &RunFiles::openFailed);
  w2.runFiles()->open(dir.path() + QStringLiteral("/nothing-here"));
  QVERIFY(failed.wait(30000));
  QVERIFY2(failed.first().at(1).toString().contains(QStringLiteral("nothing-here")),
           qPrintable(failed.first().at(1).toString()));
}

void TestMainWindow::uncertaintyViewGetsSnapshotsOnlyWhenShown() {
  MainWindow w;
  w.setConfirmOnClose(false);
  w.setDataset(syntheticData());
  w.show();
  w.controller()->setSnapshotInterval(100);
  UncertaintyView* ex = explorer(w);
  QSignalSpy installed(ex, &UncertaintyView::analysisInstalled);
  // Hidden view: nothing is handed over (nor analysed) while the run goes on.
  bnn::RunConfig c = tinyConfig();
  c.samplingSteps = 300;
  QSignalSpy done(&w, &MainWindow::allRunsFinished);
  w.startRun(c);
  QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 120000);
  QCOMPARE(ex->state()->runs().size(), size_t(0));
  QCOMPARE(installed.count(), 0);
  // Showing it hands over the finished run, analysed in the background.
  w.showView(QStringLiteral("uncertainty"));
  QCOMPARE(ex->state()->runs().size(), size_t(1));
  QVERIFY(installed.wait(30000));
  // While it is shown, snapshots of a running chain arrive and are analysed, then its result.
  c.samplingSteps = 1000000;
  c.seed = 9;
  const QString second = w.startRun(c);
  ex->selectRun(second);
  QTRY_VERIFY_WITH_TIMEOUT(installed.count() >= 3, 60000);
  QVERIFY(w.controller()->isRunning(second));
  QVERIFY(ex->state()->primary()->running);
  w.stopRun(second);
  QTRY_VERIFY_WITH_TIMEOUT(done.count() > 1, 30000);
  QTRY_VERIFY(!ex->state()->primary()->running);
}

void TestMainWindow::removingRunsFreesTheirResults() {
  MainWindow w;
  w.setConfirmOnClose(false);
  w.setDataset(syntheticData());
  w.show();
  w.showView(QStringLiteral("uncertainty"));  // the explorer holds results and analyses too
  QSignalSpy done(&w, &MainWindow::allRunsFinished);
  std::vector<std::weak_ptr<const bnn::RunResult>> results;
  for (int i = 0; i < 3; ++i) {
    bnn::RunConfig c = tinyConfig();
    c.seed = uint64_t(i);
    w.startRun(c);
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), i + 1, 60000);
    results.push_back(w.runModel()->recordAt(i).result);
  }
  QVERIFY(w.jobs()->waitForIdle());
  for (const auto& r : results) QVERIFY(!r.expired());
  while (w.runModel()->rowCount() > 0) {
    w.runList()->selectRun(w.runModel()->idAt(0));
    w.runList()->removeAction()->trigger();
  }
  QVERIFY(w.jobs()->waitForIdle());
  // Nothing (model, views, background jobs, the worker pool) holds a removed run's result.
  for (const auto& r : results) QVERIFY(r.expired());
  QCOMPARE(explorer(w)->state()->runs().size(), size_t(0));
  QCOMPARE(w.progressPanel()->chainCount(), 0);
}

void TestMainWindow::exportsChartFiles() {
  MainWindow w;
  w.setConfirmOnClose(false);
  w.setDataset(syntheticData());
  w.show();
  QSignalSpy done(&w, &MainWindow::allRunsFinished);
  w.startComparison(tinyOverrides());
  QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 180000);
  QTemporaryDir dir;
  for (const char* key : {"warmup", "sampling", "comparison"}) {
    const QList<ChartExport> exports = w.view(QString::fromLatin1(key))->exports();
    QCOMPARE(exports.size(), 1);
    const ChartExport& e = exports.first();
    const QString base = dir.path() + QLatin1Char('/') + QLatin1String(key);
    QString error;
    for (ExportFormat f : {ExportFormat::Png, ExportFormat::Svg, ExportFormat::Csv})
      QVERIFY2(chart_export::save(e, f, base + QLatin1Char('.') + chart_export::suffix(f), &error),
               qPrintable(error));
    QVERIFY(QImage(base + ".png").width() > 100);
    QFile svg(base + ".svg");
    QVERIFY(svg.open(QIODevice::ReadOnly));
    QVERIFY(svg.readAll().contains("<svg"));
    QFile csv(base + ".csv");
    QVERIFY(csv.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList lines = QString::fromUtf8(csv.readAll()).split('\n', Qt::SkipEmptyParts);
    QVERIFY(lines.first().startsWith(QStringLiteral("run,series,")));
    QVERIFY(lines.size() > 2);
    QVERIFY(lines.at(1).startsWith(QStringLiteral("Example SGLD,")));
    // Numbers in shortest round-trip form: an accuracy of k/500 has at most 4 decimals.
    QVERIFY2(lines.at(1).section(',', 3).size() <= 6, qPrintable(lines.at(1)));
  }
  // The sampling CSV has both the running average and the current-sample line.
  QFile csv(dir.path() + QStringLiteral("/sampling.csv"));
  QVERIFY(csv.open(QIODevice::ReadOnly));
  const QByteArray all = csv.readAll();
  QVERIFY(all.contains(",running_average,"));
  QVERIFY(all.contains(",current_sample,"));
}

void TestMainWindow::bandZoomIsOneStateForButtonAndMenu() {
  MainWindow w;
  w.setConfirmOnClose(false);
  w.setDataset(syntheticData());
  w.show();
  QSignalSpy done(&w, &MainWindow::allRunsFinished);
  w.startRun(tinyConfig());
  QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 60000);
  w.showView(QStringLiteral("warmup"));
  AccuracyChart* warm = chart(w, "warmup");
  // The View menu holds the current chart's own actions (the tool bar's buttons use them too).
  QAction* band = warm->bandZoomAction();
  QVERIFY(w.view(QStringLiteral("warmup"))->viewActions().contains(band));
  QCOMPARE(band->shortcut(), QKeySequence(QStringLiteral("Ctrl+B")));
  band->trigger();
  QVERIFY(warm->bandZoom());
  auto* y = qobject_cast<QCategoryAxis*>(warm->axisY());
  QCOMPARE(y->min(), 0.9);
  QCOMPARE(y->max(), 1.0);
  // A rubber-band zoom replaces the band: the action unchecks itself.
  warm->chart()->zoomIn(QRectF(warm->chart()->plotArea().center(), QSizeF(50, 50)));
  QVERIFY(!warm->bandZoom());
  QVERIFY(!band->isChecked());
  warm->resetZoom();
  QCOMPARE(y->min(), 0.0);
  QCOMPARE(y->max(), 1.0);
  // Another view: its actions replace the chart's in the menu; the shortcut moves with them.
  w.showView(QStringLiteral("sampling"));
  QCOMPARE(band->shortcut(), QKeySequence());
  QCOMPARE(chart(w, "sampling")->bandZoomAction()->shortcut(), QKeySequence(QStringLiteral("Ctrl+B")));
}

void TestMainWindow::comparisonAxes() {
  MainWindow w;
  w.setConfirmOnClose(false);
  w.setDataset(syntheticData());
  w.show();
  QSignalSpy done(&w, &MainWindow::allRunsFinished);
  const QStringList ids = w.startComparison(tinyOverrides());
  QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 180000);
  w.showView(QStringLiteral("comparison"));
  AccuracyChart* cmp = chart(w, "comparison");
  QTRY_COMPARE(cmp->seriesCount(), 2);
  auto maxX = [&](const QString& id) {
    for (QAbstractSeries* s : cmp->chart()->series())
      if (s->name() ==
          w.runModel()->record(id)->name + QStringLiteral(" · ") + w.runModel()->record(id)->dataset) {
        double m = 0;
        for (const QPointF& p : static_cast<QLineSeries*>(s)->points()) m = std::max(m, p.x());
        return m;
      }
    return -1.0;
  };
  QCOMPARE(maxX(ids[0]), 19.0);  // sampling steps
  cmp->setXAxis(AccuracyChart::XAxis::GradEvals);
  QTRY_VERIFY(maxX(ids[1]) > 3 * maxX(ids[0]));  // SGHMC: L gradients per step
  QVERIFY(cmp->axisX()->titleText().contains(QStringLiteral("Gradient")));
  cmp->setXAxis(AccuracyChart::XAxis::Seconds);
  QTRY_VERIFY(maxX(ids[0]) > 0);
  QVERIFY(cmp->axisX()->titleText().contains(QStringLiteral("seconds")));
  QVERIFY(qobject_cast<QValueAxis*>(cmp->axisX())->labelFormat().endsWith(QStringLiteral(" s")));
  cmp->setMetric(AccuracyChart::Metric::Pointwise);
  cmp->setXAxis(AccuracyChart::XAxis::Steps);
  QTRY_VERIFY(cmp->pointCount(ids[0]) > 20);  // warm-up points too
}

void TestMainWindow::formAndLayoutPersist() {
  {
    MainWindow w;
    w.setDataset(syntheticData());
    w.runPanel()->applyPreset(QStringLiteral("example-sghmc"));
    w.runPanel()->setFieldText(QStringLiteral("seed"), QStringLiteral("42"));
    w.runPanel()->setFieldText(QStringLiteral("warmup"), QStringLiteral("123"));
    w.showView(QStringLiteral("comparison"));
    w.show();
    QVERIFY(w.close());
  }
  MainWindow w2;
  QCOMPARE(w2.runPanel()->presetName(), QStringLiteral("example-sghmc"));
  QCOMPARE(w2.runPanel()->fieldText(QStringLiteral("seed")), QStringLiteral("42"));
  QCOMPARE(w2.runPanel()->config().warmupSteps, int64_t(123));
  QVERIFY(w2.runPanel()->presetNote().contains(QStringLiteral("changed")));
  QCOMPARE(w2.views()->currentKey(), QStringLiteral("comparison"));
  QVERIFY(QSettings().contains(QStringLiteral("window/geometry")));
  QVERIFY(QSettings().contains(QStringLiteral("window/state")));
  // The settings live under the test organisation, not the user's "BNN Explorer".
  QCOMPARE(QSettings().organizationName(), QStringLiteral("BNN Explorer Tests"));
}

void TestMainWindow::everyViewFitsAt1024x700() {
  // At 1024x700, with the docks at their default width, no view needs a horizontal scroll bar.
  const QStringList knownTooWide;  // none: every view fits
  MainWindow w;
  w.setConfirmOnClose(false);
  w.setDataset(syntheticData());
  w.resize(1024, 700);
  w.show();
  QStringList tooWide;
  for (const ViewRegistration& reg : registeredViews()) {
    w.showView(reg.key);
    QWidget* v = w.view(reg.key);
    QTRY_VERIFY(v->isVisible());
    for (QScrollArea* area : v->findChildren<QScrollArea*>()) {
      if (!area->widget() || !area->widget()->isVisible() || !area->widgetResizable()) continue;
      const int need = area->widget()->minimumSizeHint().width(), have = area->viewport()->width();
      if (need > have && !tooWide.contains(reg.key)) {
        tooWide << reg.key;
        qInfo("%s needs %d px, has %d", qPrintable(reg.key), need, have);
      }
    }
  }
  QCOMPARE(tooWide, knownTooWide);
}

void TestMainWindow::closeMidRunAsksThenStops() {
  MainWindow w;
  w.setDataset(syntheticData());
  w.show();
  w.startRun(endlessConfig());
  w.startRun(endlessConfig());
  QTRY_VERIFY_WITH_TIMEOUT(w.runModel()->recordAt(0).hasProgress, 30000);
  bool asked = false;
  answerNextMessageBox(QMessageBox::Yes, &asked);
  QVERIFY(w.close());
  QVERIFY(asked);
  QCOMPARE(w.controller()->runningCount(), 0);  // stopped and joined before the window closed
  QVERIFY(!w.isVisible());
}

void TestMainWindow::closeMidRunCanBeRefused() {
  MainWindow w;
  w.setDataset(syntheticData());
  w.show();
  const QString id = w.startRun(endlessConfig());
  bool asked = false;
  answerNextMessageBox(QMessageBox::No, &asked);
  QVERIFY(!w.close());
  QVERIFY(asked);
  QVERIFY(w.isVisible());
  QVERIFY(w.controller()->isRunning(id));
  // With confirmation off (automation), closing does not ask and stops the chain.
  w.setConfirmOnClose(false);
  QVERIFY(w.close());
  QCOMPARE(w.controller()->runningCount(), 0);
}

void TestMainWindow::missingDataSaysHowToGetIt() {
  MainWindow w;
  QSignalSpy failed(&w, &MainWindow::datasetFailed);
  QTemporaryDir dir;
  w.loadData(dir.path() + QStringLiteral("/no-mnist-here"));
  QVERIFY(failed.wait(10000));
  QVERIFY(!w.dataset());
  QVERIFY(w.datasetPanel()->text().contains(QStringLiteral("Fetch MNIST")));
  QVERIFY(w.datasetPanel()->text().contains(QStringLiteral("no-mnist-here")));
  QVERIFY(!w.runPanel()->runButton()->isEnabled());
  QVERIFY(!w.runPanel()->compareButton()->isEnabled());
  QVERIFY(w.startRun(tinyConfig()).isEmpty());
  // A real MNIST folder, when present, loads in the background.
  const QString mnist = qEnvironmentVariable("BNN_DATA_DIR");
  if (!mnist.isEmpty() && QFileInfo::exists(mnist)) {
    QSignalSpy loaded(&w, &MainWindow::datasetLoaded);
    w.loadData(mnist);
    QVERIFY(loaded.wait(60000));
    QCOMPARE(w.dataset()->test.count, int64_t(10000));
    QVERIFY(w.runPanel()->runButton()->isEnabled());
    QVERIFY(w.datasetPanel()->text().contains(QStringLiteral("60,000")));
  }
}

void TestMainWindow::aNewerDataFolderSupersedesTheLoadInProgress() {
  const QString mnist = qEnvironmentVariable("BNN_DATA_DIR");
  if (mnist.isEmpty() || !QFileInfo::exists(mnist)) QSKIP("BNN_DATA_DIR not set");
  MainWindow w;
  QSignalSpy loaded(&w, &MainWindow::datasetLoaded);
  QSignalSpy failed(&w, &MainWindow::datasetFailed);
  QTemporaryDir dir;
  // Two requests in a row: the call returns at once, only the newest one is installed.
  w.loadData(mnist);
  QVERIFY(w.dataLoader()->isLoading());
  w.loadData(dir.path() + QStringLiteral("/no-mnist-here"));
  QVERIFY(failed.wait(60000));
  QVERIFY(w.jobs()->waitForIdle(60000));
  QCOMPARE(loaded.count(), 0);  // the older load finished, and was dropped
  QVERIFY(!w.dataset());
  w.loadData(mnist);
  QVERIFY(loaded.wait(60000));
  QCOMPARE(w.dataLoader()->directory(), QDir::cleanPath(QFileInfo(mnist).absoluteFilePath()));
}

void TestMainWindow::automationRunsAndTakesScreenshot() {
  const QString mnist = qEnvironmentVariable("BNN_DATA_DIR");
  if (mnist.isEmpty() || !QFileInfo::exists(mnist)) QSKIP("BNN_DATA_DIR not set");
  QTemporaryDir dir;
  const QString shot = dir.path() + QStringLiteral("/shot.png");
  const AppOptionsOutcome parsed = parseAppOptions(
      {"bnn-explorer", "--data", mnist,       "--run",       "--hidden",     "32",  "--warmup", "40",
       "--eval-every", "10",     "--samples", "20",          "--batch-size", "64",  "--seed",   "3",
       "--screenshot", shot,     "--view",    "uncertainty", "--step-size",  "1e-5"},  // learns in 40 steps
      true);
  QVERIFY2(parsed.options, qPrintable(parsed.error));
  MainWindow w;
  AppAutomation automation(&w, *parsed.options);
  QSignalSpy finished(&automation, &AppAutomation::finished);
  automation.start();
  w.show();
  QVERIFY(finished.wait(120000));
  QCOMPARE(finished.first().at(0).toInt(), 0);
  QCOMPARE(w.runModel()->rowCount(), 1);
  const RunRecord& r = w.runModel()->recordAt(0);
  QCOMPARE(r.status, bnn::RunStatus::Completed);
  QCOMPARE(r.config.seed, uint64_t(3));
  QCOMPARE(r.config.hidden, std::vector<int>{32});
  QCOMPARE(r.result->testLabels().size(), size_t(10000));
  QCOMPARE(w.views()->currentKey(), QStringLiteral("uncertainty"));
  QVERIFY(QImage(shot).width() > 400);
  // A command-line session does not overwrite the user's last configuration.
  QVERIFY(!QSettings().contains(QStringLiteral("runForm/seed")));
  w.setConfirmOnClose(false);
}

// The Sweep view's "Use this step size": the form takes the preset and the configuration sent.
void TestMainWindow::aViewFillsTheRunForm() {
  MainWindow w;
  AnalysisView* sweep = w.views()->view("sweep");
  QVERIFY(sweep);
  const bnn::CheckedConfig c =
      bnn::configFromOptions("example-sghmc", {{"step-size", "2e-06"}, {"seed", "4"}});
  QVERIFY(c);
  Q_EMIT sweep->runFormRequested(*c.config);
  QCOMPARE(w.runPanel()->presetName(), QString("example-sghmc"));
  QCOMPARE(w.runPanel()->config(), *c.config);
  QCOMPARE(w.runPanel()->fieldText("step-size"), QString("2e-06"));
}

// Compare SGLD vs SGHMC selects the pair in every view with "Compare with": the first run shown,
// the second compared, although the views learn of the runs only later (when shown).
void TestMainWindow::comparedPairIsShownInTheViews() {
  MainWindow w;
  w.setConfirmOnClose(false);
  w.setDataset(syntheticData());
  w.show();
  QSignalSpy done(&w, &MainWindow::allRunsFinished);
  w.runPanel()->setConfig(tinyConfig());
  auto o = w.runPanel()->compareOverrides();
  o.emplace_back("hidden", "32");  // keeps the test fast
  o.emplace_back("batch-size", "64");
  o.emplace_back("keep-samples", "5");
  const QStringList ids = w.startComparison(o);
  QCOMPARE(ids.size(), 2);
  w.views()->selectPair(ids[0], ids[1]);  // what the Compare button does with the pair it started
  QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 180000);
  for (const char* key : {"uncertainty", "probe", "calibration", "decisions", "ood", "shift"}) {
    QVERIFY(w.showView(QString::fromLatin1(key)));
    QVERIFY(w.jobs()->waitForIdle());
    auto* picker = w.views()->view(QString::fromLatin1(key))->findChild<RunPairPicker*>();
    QVERIFY2(picker, key);
    QTRY_COMPARE(picker->primary(), ids[0]);
    QTRY_COMPARE(picker->comparison(), ids[1]);
  }
}

// File -> Resume run...: after the checkpoint is read, the status bar says which run continues
// and where (it said "Reading the checkpoint in ..." before), and the run finishes.
void TestMainWindow::resumeSaysWhereTheRunContinues() {
  bnn::RunConfig cfg = tinyConfig();
  cfg.name = "resumed";
  cfg.checkpointEverySeconds = 1e6;  // one checkpoint, where the chain is stopped
  QTemporaryDir tmp;
  const QString dir = tmp.filePath(QStringLiteral("run"));
  const bnn::RunResult first = ui_test::runStoppedInSampling(cfg, syntheticData(), dir, 12);
  QCOMPARE(first.outcome.status, bnn::RunStatus::Cancelled);
  const bnn::Result<bnn::ChainCheckpoint> ck = bnn::readCheckpoint(dir.toStdString());
  QVERIFY2(ck.ok(), ck.ok() ? "" : ck.error().message().c_str());
  QCOMPARE(ck->phase, bnn::Phase::Sampling);

  MainWindow w;
  w.setConfirmOnClose(false);
  w.setDataset(syntheticData());
  w.show();
  QSignalSpy done(&w, &MainWindow::allRunsFinished);
  const QString id = w.resumeRun(dir, std::make_shared<const bnn::ChainCheckpoint>(*ck));
  QVERIFY(!id.isEmpty());
  QCOMPARE(
      w.statusBar()->currentMessage(),
      QStringLiteral("Resumed resumed at sampling step %1 of %2").arg(ck->step + 1).arg(cfg.samplingSteps));
  QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 60000);
  QCOMPARE(w.runModel()->record(id)->status, bnn::RunStatus::Completed);
}

// A run without warm-up (W = 0, as the tuned presets) draws nothing on the Warm-up chart, which
// says so and where its accuracy is instead.
void TestMainWindow::warmupChartSaysWhenRunsHaveNone() {
  MainWindow w;
  w.setConfirmOnClose(false);
  w.setDataset(syntheticData());
  w.show();
  w.showView(QStringLiteral("warmup"));
  QVERIFY(chart(w, "warmup")->noteText().isEmpty());
  bnn::RunConfig c = tinyConfig();
  c.warmupSteps = 0;
  w.runPanel()->setConfig(c);
  QSignalSpy done(&w, &MainWindow::allRunsFinished);
  w.runPanel()->runButton()->click();
  QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 60000);
  QTRY_COMPARE(chart(w, "warmup")->noteText(),
               QStringLiteral("The runs shown have no warm-up (W = 0): see Sampling"));
  QVERIFY(chart(w, "warmup")->findChild<QLabel*>(QStringLiteral("noWarmupNote"))->isVisible());
  w.runPanel()->setConfig(tinyConfig());
  w.runPanel()->runButton()->click();
  QTRY_VERIFY_WITH_TIMEOUT(done.count() > 1, 60000);
  QTRY_COMPARE(chart(w, "warmup")->noteText(),
               QStringLiteral("1 of the 2 runs shown have no warm-up (W = 0): see Sampling"));
}

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
