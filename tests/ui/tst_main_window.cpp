// MainWindow end to end on synthetic data: form validation, live charts, comparison, run list,
// save / open, exports, settings, closing mid-run. Settings go to a test location.
#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QTreeView>
#include <QtCharts/QAbstractAxis>
#include <QtCharts/QCategoryAxis>
#include <QtCharts/QChart>
#include <QtCharts/QLineSeries>
#include <QtTest>
#include <memory>

#include "accuracy_chart.h"
#include "app_options.h"
#include "chain_progress_panel.h"
#include "data/synthetic.h"
#include "dataset_panel.h"
#include "main_window.h"
#include "run_controller.h"
#include "run_list_model.h"
#include "run_panel.h"

namespace {

std::shared_ptr<const bnn::Dataset> syntheticData() {
  static auto data = std::make_shared<const bnn::Dataset>(bnn::makeSyntheticDataset(2000, 500));
  return data;
}

const std::vector<std::pair<std::string, std::string>> kTiny{
    {"hidden", "32"}, {"warmup", "40"}, {"eval-every", "10"}, {"samples", "20"}, {"batch-size", "64"}};

bnn::RunConfig tinyConfig(const char* preset = "example-sgld") {
  bnn::RunConfig c = *bnn::presetConfig(preset);
  applyOverrides(c, kTiny);
  if (c.sampler == bnn::SamplerKind::Sgld) c.stepSize = 1e-4;
  return c;
}

/// Clicks `button` of the next message box that opens (closing dialogs are modal).
void answerNextMessageBox(QMessageBox::StandardButton button, bool* seen) {
  QTimer::singleShot(50, [button, seen] {
    auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
    if (!box) {
      answerNextMessageBox(button, seen);
      return;
    }
    *seen = true;
    box->button(button)->click();
  });
}

}  // namespace

class TestMainWindow : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase();
  void init();
  void formHasEveryParameterWithTooltip();
  void invalidFieldIsRefusedWithReason();
  void runFillsLiveCharts();
  void compareStartsBothPresets();
  void stopSelectedCancels();
  void runListModelIsConsistent();
  void renameAndHideReachCharts();
  void saveAndReopenRun();
  void uncertaintyTabReceivesSnapshots();
  void exportsChartFiles();
  void bandZoomAndComparisonAxes();
  void formAndLayoutPersist();
  void closeMidRunAsksThenStops();
  void closeMidRunCanBeRefused();
  void missingDataSaysHowToGetIt();
  void appOptionsRefuseBadInput_data();
  void appOptionsRefuseBadInput();
  void appOptionsApplyOverrides();
  void automationRunsAndTakesScreenshot();
};

void TestMainWindow::initTestCase() {
  QStandardPaths::setTestModeEnabled(true);
  QCoreApplication::setOrganizationName(QStringLiteral("BNN Explorer Tests"));
  QCoreApplication::setApplicationName(QStringLiteral("tst_main_window"));
}

void TestMainWindow::init() { QSettings().clear(); }

void TestMainWindow::formHasEveryParameterWithTooltip() {
  MainWindow w;
  for (const bnn::ParamSpec& spec : bnn::runParamSpecs()) {
    QWidget* f = w.runPanel()->field(QString::fromStdString(spec.key));
    QVERIFY2(f, spec.key.c_str());
    QVERIFY2(!f->toolTip().isEmpty(), spec.key.c_str());
    QCOMPARE(w.runPanel()->fieldText(QString::fromStdString(spec.key)),
             QString::fromStdString(bnn::getParam(w.runPanel()->config(), spec.key)));
  }
  QVERIFY(w.runPanel()->applyPreset(QStringLiteral("example-sghmc")));
  QCOMPARE(w.runPanel()->config().sampler, bnn::SamplerKind::Sghmc);
  QCOMPARE(w.runPanel()->fieldText(QStringLiteral("step-size")), QStringLiteral("4.5e-06"));
}

void TestMainWindow::invalidFieldIsRefusedWithReason() {
  MainWindow w;
  w.setDataset(syntheticData());
  w.show();
  RunPanel* panel = w.runPanel();
  QVERIFY(panel->runButton()->isEnabled());
  auto* edit = qobject_cast<QLineEdit*>(panel->field(QStringLiteral("step-size")));
  QVERIFY(edit);
  const double before = panel->config().stepSize;

  edit->selectAll();
  QTest::keyClicks(edit, QStringLiteral("abc"));
  QCOMPARE(edit->text(), QStringLiteral("abc"));
  QVERIFY(!panel->fieldError(QStringLiteral("step-size")).isEmpty());
  QVERIFY(panel->fieldError(QStringLiteral("step-size")).contains(QStringLiteral("abc")));
  auto* reason = panel->findChild<QLabel*>(QStringLiteral("error-step-size"));
  QVERIFY(reason && reason->isVisible());
  QCOMPARE(reason->text(), panel->fieldError(QStringLiteral("step-size")));
  QVERIFY(edit->property("invalid").toBool());
  QVERIFY(!panel->runButton()->isEnabled());
  QCOMPARE(panel->config().stepSize, before);  // the config keeps the last valid value
  QSignalSpy requested(panel, &RunPanel::runRequested);
  panel->runButton()->click();
  QCOMPARE(requested.count(), 0);

  // Out of range is refused as well, with the range in the reason.
  edit->setText(QStringLiteral("-1"));
  QVERIFY(!panel->fieldError(QStringLiteral("step-size")).isEmpty());
  QVERIFY(!panel->runButton()->isEnabled());
  panel->setFieldText(QStringLiteral("samples"), QStringLiteral("0.5"));
  QVERIFY(!panel->fieldError(QStringLiteral("samples")).isEmpty());

  // Valid values clear the marks and enable Run again.
  edit->setText(QStringLiteral("1e-4"));
  panel->setFieldText(QStringLiteral("samples"), QStringLiteral("30"));
  QVERIFY(panel->fieldError(QStringLiteral("step-size")).isEmpty());
  QVERIFY(!reason->isVisible());
  QVERIFY(panel->runButton()->isEnabled());
  QCOMPARE(panel->config().stepSize, 1e-4);
  QCOMPARE(panel->config().samplingSteps, int64_t(30));
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
  // The warm-up chart (visible tab) fills while the chain runs.
  QTRY_VERIFY_WITH_TIMEOUT(w.warmupChart()->pointCount(id) > 0, 30000);
  QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 60000);
  QVERIFY(w.warmupChart()->pointCount(id) >= 4);  // warm-up 40, evaluated every 10 steps
  w.showView(QStringLiteral("sampling"));
  QTRY_COMPARE(w.samplingChart()->pointCount(id), 20);
  w.showView(QStringLiteral("comparison"));
  QTRY_COMPARE(w.comparisonChart()->pointCount(id), 20);
  const RunRecord* r = w.runModel()->record(id);
  QVERIFY(r && r->result);
  QCOMPARE(r->status, bnn::RunStatus::Completed);
  QVERIFY(w.progressPanel()->progressText(id).startsWith(QStringLiteral("Completed")));
  QCOMPARE(w.progressPanel()->progressValue(id), 1000);
  // The warm-up axis carries the example's ticks.
  auto* y = qobject_cast<QCategoryAxis*>(w.warmupChart()->axisY());
  QVERIFY(y);
  QCOMPARE(y->categoriesLabels(), QStringList({"0.1", "0.3", "0.5", "0.7", "0.9", "0.95", "1.0"}));
  QVERIFY(!w.warmupChart()->axisX()->titleText().isEmpty());
  QVERIFY(!y->titleText().isEmpty());
}

void TestMainWindow::compareStartsBothPresets() {
  MainWindow w;
  w.setConfirmOnClose(false);
  w.setDataset(syntheticData());
  w.show();
  QSignalSpy done(&w, &MainWindow::allRunsFinished);
  const QStringList ids = w.startComparison(kTiny);
  QCOMPARE(ids.size(), 2);
  QCOMPARE(w.controller()->runningCount(), 2);
  QCOMPARE(w.runModel()->recordAt(0).config.sampler, bnn::SamplerKind::Sgld);
  QCOMPARE(w.runModel()->recordAt(1).config.sampler, bnn::SamplerKind::Sghmc);
  QCOMPARE(w.runModel()->recordAt(0).name, QStringLiteral("Example SGLD"));
  QCOMPARE(w.runModel()->recordAt(1).name, QStringLiteral("Example SGHMC"));
  // Another run can start while these run.
  const QString third = w.startRun(tinyConfig());
  QVERIFY(!third.isEmpty());
  QCOMPARE(w.controller()->runningCount(), 3);
  QCOMPARE(w.runModel()->record(third)->name, QStringLiteral("Example SGLD (2)"));
  QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 180000);
  for (int row = 0; row < 3; ++row) QCOMPARE(w.runModel()->recordAt(row).status, bnn::RunStatus::Completed);
  w.showView(QStringLiteral("comparison"));
  QTRY_COMPARE(w.comparisonChart()->seriesCount(), 3);
}

void TestMainWindow::stopSelectedCancels() {
  MainWindow w;
  w.setConfirmOnClose(false);
  w.setDataset(syntheticData());
  w.show();
  bnn::RunConfig c = tinyConfig();
  c.warmupSteps = 1000000;
  const QString a = w.startRun(c);
  const QString b = w.startRun(c);
  QTRY_VERIFY_WITH_TIMEOUT(w.runModel()->record(a)->hasProgress, 30000);
  w.runView()->setCurrentIndex(w.runModel()->index(0, 0));
  QSignalSpy finished(w.controller(), &RunController::runFinished);
  QElapsedTimer clock;
  clock.start();
  w.stopRun(a);
  QTRY_COMPARE_WITH_TIMEOUT(w.runModel()->record(a)->status, bnn::RunStatus::Cancelled, 3000);
  QVERIFY(clock.elapsed() < 3000);
  QVERIFY(w.controller()->isRunning(b));
  w.stopAll();
  QTRY_COMPARE_WITH_TIMEOUT(w.runModel()->record(b)->status, bnn::RunStatus::Cancelled, 3000);
  QCOMPARE(w.controller()->runningCount(), 0);
}

void TestMainWindow::runListModelIsConsistent() {
  MainWindow w;
  w.setConfirmOnClose(false);
  w.setDataset(syntheticData());
  QAbstractItemModelTester tester(w.runModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
  QSignalSpy done(&w, &MainWindow::allRunsFinished);
  w.startComparison(kTiny);
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
  const QStringList ids = w.startComparison(kTiny);
  QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 180000);
  QTRY_COMPARE(w.warmupChart()->seriesCount(), 2);
  w.runModel()->rename(ids[0], QStringLiteral("Renamed SGLD"));
  QTRY_VERIFY(w.warmupChart()->chart()->series().first()->name() == QStringLiteral("Renamed SGLD"));
  w.runModel()->setShown(ids[1], false);
  QTRY_COMPARE(w.warmupChart()->seriesCount(), 1);
  QCOMPARE(w.warmupChart()->pointCount(ids[1]), -1);
  w.runModel()->setShown(ids[1], true);
  QTRY_COMPARE(w.warmupChart()->seriesCount(), 2);
}

void TestMainWindow::saveAndReopenRun() {
  MainWindow w;
  w.setConfirmOnClose(false);
  w.setDataset(syntheticData());
  w.show();
  QSignalSpy done(&w, &MainWindow::allRunsFinished);
  const QString id = w.startRun(tinyConfig());
  QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 60000);
  w.runModel()->rename(id, QStringLiteral("Saved run"));
  QTemporaryDir dir;
  const QString path = dir.path() + QStringLiteral("/saved-run");
  QString error;
  QVERIFY2(w.saveRun(id, path, &error), qPrintable(error));
  QCOMPARE(w.runModel()->record(id)->path, path);

  // A running run cannot be saved (nothing final yet); the reason says so.
  QVERIFY(!w.saveRun(QStringLiteral("no-such-run"), path + "2", &error));
  QVERIFY(!error.isEmpty());

  // Reopen in a fresh window: same curve, same name, all views work.
  MainWindow w2;
  w2.show();
  const QString loaded = w2.openRun(path, &error);
  QVERIFY2(!loaded.isEmpty(), qPrintable(error));
  const RunRecord* a = w.runModel()->record(id);
  const RunRecord* b = w2.runModel()->record(loaded);
  QCOMPARE(b->name, QStringLiteral("Saved run"));
  QVERIFY(b->loaded && b->result);
  QCOMPARE(b->curve.size(), a->curve.size());
  for (size_t i = 0; i < a->curve.size(); ++i) {
    QCOMPARE(b->curve[i].phase, a->curve[i].phase);
    QCOMPARE(b->curve[i].step, a->curve[i].step);
    QVERIFY(qAbs(b->curve[i].pointwiseAccuracy - a->curve[i].pointwiseAccuracy) < 1e-9);
  }
  QCOMPARE(b->result->predictive.sampleCount(), a->result->predictive.sampleCount());
  QTRY_COMPARE(w2.warmupChart()->pointCount(loaded), w.warmupChart()->pointCount(id));
  w2.showView(QStringLiteral("sampling"));
  QTRY_COMPARE(w2.samplingChart()->pointCount(loaded), 20);
  w2.showView(QStringLiteral("uncertainty"));  // the explorer receives the loaded run
  w2.showView(QStringLiteral("comparison"));
  QTRY_COMPARE(w2.comparisonChart()->pointCount(loaded), 20);

  // A folder that is not a run gives an error naming the path.
  const QString bogus = dir.path() + QStringLiteral("/nothing-here");
  QVERIFY(w2.openRun(bogus, &error).isEmpty());
  QVERIFY2(error.contains(QStringLiteral("nothing-here")), qPrintable(error));
}

void TestMainWindow::uncertaintyTabReceivesSnapshots() {
  MainWindow w;
  w.setConfirmOnClose(false);
  w.setDataset(syntheticData());
  w.show();
  w.controller()->setSnapshotInterval(100);
  // Hidden tab: nothing is handed over while the run goes on.
  bnn::RunConfig c = tinyConfig();
  c.samplingSteps = 300;
  QSignalSpy done(&w, &MainWindow::allRunsFinished);
  const QString first = w.startRun(c);
  QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 120000);
  QCOMPARE(w.uncertaintyUpdates(), 0);
  // Opening the tab hands over the finished run.
  w.showView(QStringLiteral("uncertainty"));
  QCOMPARE(w.uncertaintyUpdates(), 1);
  // While the tab is shown, snapshots of a running chain arrive, then its final result.
  // (At most about one per second: the explorer's analysis is throttled.)
  c.samplingSteps = 1000000;
  c.seed = 9;
  const QString second = w.startRun(c);
  QTRY_VERIFY_WITH_TIMEOUT(w.uncertaintyUpdates() >= 3, 60000);
  QVERIFY(w.controller()->isRunning(second));
  w.stopRun(second);
  QTRY_VERIFY_WITH_TIMEOUT(done.count() > 1, 10000);
  Q_UNUSED(first);
}

void TestMainWindow::exportsChartFiles() {
  MainWindow w;
  w.setConfirmOnClose(false);
  w.setDataset(syntheticData());
  w.show();
  QSignalSpy done(&w, &MainWindow::allRunsFinished);
  w.startComparison(kTiny);
  QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 180000);
  QTemporaryDir dir;
  for (AccuracyChart* chart : {w.warmupChart(), w.samplingChart(), w.comparisonChart()}) {
    const QString base = dir.path() + QStringLiteral("/chart%1").arg(int(chart->kind()));
    QString error;
    QVERIFY2(chart->exportPng(base + ".png", &error), qPrintable(error));
    QVERIFY2(chart->exportSvg(base + ".svg", &error), qPrintable(error));
    QVERIFY2(chart->exportCsv(base + ".csv", &error), qPrintable(error));
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
  }
  // The sampling CSV has both the running average and the current-sample line.
  QFile csv(dir.path() + QStringLiteral("/chart1.csv"));
  QVERIFY(csv.open(QIODevice::ReadOnly));
  const QByteArray all = csv.readAll();
  QVERIFY(all.contains(",running_average,"));
  QVERIFY(all.contains(",current_sample,"));
}

void TestMainWindow::bandZoomAndComparisonAxes() {
  MainWindow w;
  w.setConfirmOnClose(false);
  w.setDataset(syntheticData());
  w.show();
  QSignalSpy done(&w, &MainWindow::allRunsFinished);
  const QStringList ids = w.startComparison(kTiny);
  QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 180000);
  AccuracyChart* warm = w.warmupChart();
  warm->setBandZoom(true);
  auto* y = qobject_cast<QValueAxis*>(warm->axisY());
  QCOMPARE(y->min(), 0.9);
  QCOMPARE(y->max(), 1.0);
  warm->resetZoom();
  QCOMPARE(y->min(), 0.0);
  QCOMPARE(y->max(), 1.0);

  w.showView(QStringLiteral("comparison"));
  AccuracyChart* cmp = w.comparisonChart();
  QTRY_COMPARE(cmp->seriesCount(), 2);
  auto maxX = [&](const QString& id) {
    for (QAbstractSeries* s : cmp->chart()->series())
      if (s->name() == w.runModel()->record(id)->name) {
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
  QTRY_VERIFY(maxX(ids[0]) > 0 && maxX(ids[0]) < 600);
  QVERIFY(cmp->axisX()->titleText().contains(QStringLiteral("seconds")));
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
    w.show();
    QVERIFY(w.close());
  }
  MainWindow w2;
  QCOMPARE(w2.runPanel()->presetName(), QStringLiteral("example-sghmc"));
  QCOMPARE(w2.runPanel()->fieldText(QStringLiteral("seed")), QStringLiteral("42"));
  QCOMPARE(w2.runPanel()->config().warmupSteps, int64_t(123));
  QVERIFY(QSettings().contains(QStringLiteral("window/geometry")));
  QVERIFY(QSettings().contains(QStringLiteral("window/state")));
  // The settings live under the test organisation, not the user's "BNN Explorer".
  QCOMPARE(QSettings().organizationName(), QStringLiteral("BNN Explorer Tests"));
}

void TestMainWindow::closeMidRunAsksThenStops() {
  auto* w = new MainWindow;
  w->setDataset(syntheticData());
  w->show();
  bnn::RunConfig c = tinyConfig();
  c.warmupSteps = 1000000;
  w->startRun(c);
  w->startRun(c);
  QTRY_VERIFY_WITH_TIMEOUT(w->runModel()->recordAt(0).hasProgress, 30000);
  bool asked = false;
  answerNextMessageBox(QMessageBox::Yes, &asked);
  QElapsedTimer clock;
  clock.start();
  QVERIFY(w->close());
  QVERIFY(asked);
  QCOMPARE(w->controller()->runningCount() == 0 || !w->isVisible(), true);
  delete w;  // joins whatever is left
  QVERIFY2(clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
}

void TestMainWindow::closeMidRunCanBeRefused() {
  MainWindow w;
  w.setDataset(syntheticData());
  w.show();
  bnn::RunConfig c = tinyConfig();
  c.warmupSteps = 1000000;
  const QString id = w.startRun(c);
  bool asked = false;
  answerNextMessageBox(QMessageBox::No, &asked);
  QVERIFY(!w.close());
  QVERIFY(asked);
  QVERIFY(w.isVisible());
  QVERIFY(w.controller()->isRunning(id));
  // With confirmation off (automation), closing does not ask and stops the chain.
  w.setConfirmOnClose(false);
  QVERIFY(w.close());
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
  // A real MNIST folder, when present, loads on the helper thread.
  const QByteArray mnist = qgetenv("BNN_DATA_DIR");
  if (!mnist.isEmpty() && QFileInfo::exists(QString::fromLocal8Bit(mnist))) {
    QSignalSpy loaded(&w, &MainWindow::datasetLoaded);
    w.loadData(QString::fromLocal8Bit(mnist));
    QVERIFY(loaded.wait(30000));
    QCOMPARE(w.dataset()->test.count, int64_t(10000));
    QVERIFY(w.runPanel()->runButton()->isEnabled());
    QVERIFY(w.datasetPanel()->text().contains(QStringLiteral("60,000")));
  }
}

void TestMainWindow::appOptionsRefuseBadInput_data() {
  QTest::addColumn<QStringList>("args");
  QTest::addColumn<QString>("reason");
  QTest::newRow("unknown option") << QStringList{"--frobnicate", "1"} << "unknown option --frobnicate";
  QTest::newRow("unknown preset") << QStringList{"--preset", "nope"} << "unknown preset 'nope'";
  QTest::newRow("nonsense value") << QStringList{"--step-size", "abc"} << "abc";
  QTest::newRow("out of range") << QStringList{"--warmup", "-5"} << "-5";
  QTest::newRow("missing value") << QStringList{"--seed"} << "needs a value";
  QTest::newRow("bare argument") << QStringList{"data"} << "unexpected argument";
  QTest::newRow("run and compare") << QStringList{"--run", "--compare"} << "exclude";
  QTest::newRow("bad view") << QStringList{"--view", "pie"} << "--view";
}

void TestMainWindow::appOptionsRefuseBadInput() {
  QFETCH(QStringList, args);
  QFETCH(QString, reason);
  const auto [options, error] = parseAppOptions(args);
  QVERIFY(!options);
  QVERIFY2(error.contains(reason), qPrintable(error));
  QVERIFY(!error.contains('\n'));
}

void TestMainWindow::appOptionsApplyOverrides() {
  const auto [o, error] =
      parseAppOptions({"--data", "/x", "--preset", "example-sghmc", "--run", "--seed", "7", "--warmup=300",
                       "--samples", "100", "--screenshot", "out.png", "--quit-when-done"});
  QVERIFY2(o, qPrintable(error));
  QCOMPARE(o->dataDir, QStringLiteral("/x"));
  QVERIFY(o->run && o->quitWhenDone);
  const bnn::RunConfig c = o->runConfig();
  QCOMPARE(c.sampler, bnn::SamplerKind::Sghmc);
  QCOMPARE(c.seed, uint64_t(7));
  QCOMPARE(c.warmupSteps, int64_t(300));
  QCOMPARE(c.samplingSteps, int64_t(100));
  const auto [cmp, err2] = parseAppOptions({"--compare", "--warmup", "300"});
  QVERIFY2(cmp, qPrintable(err2));
  const auto both = cmp->compareConfigs();
  QCOMPARE(both.size(), size_t(2));
  QCOMPARE(both[0].sampler, bnn::SamplerKind::Sgld);
  QCOMPARE(both[1].sampler, bnn::SamplerKind::Sghmc);
  QCOMPARE(both[1].warmupSteps, int64_t(300));
}

void TestMainWindow::automationRunsAndTakesScreenshot() {
  const QString mnist = qEnvironmentVariable("BNN_DATA_DIR");
  if (mnist.isEmpty() || !QFileInfo::exists(mnist)) QSKIP("BNN_DATA_DIR not set");
  QTemporaryDir dir;
  const QString shot = dir.path() + QStringLiteral("/shot.png");
  const auto [o, error] =
      parseAppOptions({"--data", mnist, "--run", "--hidden", "32", "--warmup", "40", "--eval-every", "10",
                       "--samples", "20", "--batch-size", "64", "--seed", "3", "--screenshot", shot});
  QVERIFY2(o, qPrintable(error));
  MainWindow w;
  QSignalSpy done(&w, &MainWindow::allRunsFinished);
  w.applyOptions(*o);
  w.show();
  QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 120000);
  QCOMPARE(w.runModel()->rowCount(), 1);
  const RunRecord& r = w.runModel()->recordAt(0);
  QCOMPARE(r.status, bnn::RunStatus::Completed);
  QCOMPARE(r.config.seed, uint64_t(3));
  QCOMPARE(r.config.hidden, std::vector<int>{32});
  QCOMPARE(r.result->testLabels().size(), size_t(10000));
  QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(shot), 10000);
  QVERIFY(QImage(shot).width() > 400);
  // A command-line session does not overwrite the user's last configuration.
  QVERIFY(!QSettings().contains(QStringLiteral("runForm/seed")));
  w.setConfirmOnClose(false);
}

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
