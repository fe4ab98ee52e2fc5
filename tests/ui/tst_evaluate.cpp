// "Evaluate on…" and the datasets shown everywhere, in the main window on synthetic data: a run
// with kept samples is evaluated on a dataset folder and on a transform of its test set, on the
// controller's worker with progress and cancel; the result is a run-list entry named after what
// was evaluated that the explorer, Calibration and Decisions views open like a run; runs without
// samples (or still sampling) have the action disabled with the reason in its tooltip; a folder
// that cannot be read fails with its name. Every run shows its dataset in the run list, the
// progress row and the chart legends, and changing the data folder while chains run says that
// they keep the data they started with.
#include <QAction>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtCharts/QChart>
#include <QtCharts/QLegend>
#include <QtCharts/QLineSeries>
#include <QtTest>

#include "calibration/calibration_view.h"
#include "charts/accuracy_chart.h"
#include "common/job_runner.h"
#include "common/test_helpers.h"
#include "data/transforms.h"
#include "data_source/dataset_panel.h"
#include "decisions/decisions_view.h"
#include "evaluate/evaluate_dialog.h"
#include "evaluate/evaluation_controller.h"
#include "explorer/explorer_state.h"
#include "explorer/uncertainty_view.h"
#include "run/posterior_samples.h"
#include "runs/chain_progress_panel.h"
#include "runs/run_controller.h"
#include "runs/run_list_model.h"
#include "runs/run_list_pane.h"
#include "shell/main_window.h"
#include "ui_test_support.h"
#include "views/view_host.h"

using namespace ui_test;

namespace {

bnn::RunConfig keeping(int keep, const char* name = "Example SGLD") {
  bnn::RunConfig c = tinyConfig();
  c.keepSamples = keep;
  c.name = name;
  return c;
}

// Starts a run and waits until it has finished; returns its id.
QString finishedRun(MainWindow& w, const bnn::RunConfig& c) {
  QSignalSpy done(&w, &MainWindow::allRunsFinished);
  const QString id = w.startRun(c);
  if (id.isEmpty()) return id;
  if (!QTest::qWaitFor([&] { return done.count() > 0; }, 120000)) return {};
  return id;
}

QString datasetCell(const MainWindow& w, const QString& id) {
  const int row = w.runModel()->rowOf(id);
  return w.runModel()->index(row, RunListModel::DatasetColumn).data().toString();
}

QStringList legendNames(AccuracyChart* chart) {
  QStringList out;
  for (QAbstractSeries* s : chart->chart()->series()) out << s->name();
  return out;
}

}  // namespace

class TestEvaluate : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("BNN Explorer Tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_evaluate"));
    QVERIFY(m_tmp.isValid());
    m_other = m_tmp.filePath("other-set");
    QVERIFY(bnn::test::writeIdxDataset(m_other, bnn::makeSyntheticDataset(100, 40, 99)));
  }
  void init() { QSettings().clear(); }

  void actionSaysWhyItIsUnavailable() {
    MainWindow w;
    w.setConfirmOnClose(false);
    w.setDataset(syntheticData());
    w.show();
    QAction* a = w.evaluations()->action();
    QVERIFY(!a->isEnabled());
    QVERIFY2(a->toolTip().contains("Select a finished run"), qPrintable(a->toolTip()));
    // Still sampling: disabled, and says so.
    const QString live = w.startRun(keeping(5));
    w.runList()->selectRun(live);
    QVERIFY(!a->isEnabled());
    QVERIFY2(a->toolTip().contains("still sampling"), qPrintable(a->toolTip()));
    QSignalSpy done(&w, &MainWindow::allRunsFinished);
    QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 120000);
    QTRY_VERIFY(a->isEnabled());
    QVERIFY2(a->toolTip().contains("5 kept samples"), qPrintable(a->toolTip()));
    // A run that kept no samples: disabled with the core's reason.
    const QString none = finishedRun(w, keeping(0, "No samples"));
    QVERIFY(!none.isEmpty());
    w.runList()->selectRun(none);
    QVERIFY(!a->isEnabled());
    const QString why =
        QString::fromStdString(bnn::whySamplesUnavailable(*w.runModel()->record(none)->result));
    QVERIFY(!why.isEmpty());
    QVERIFY2(a->toolTip().contains(why), qPrintable(a->toolTip()));
    QString refused;
    QVERIFY(w.evaluations()->evaluate(none, {}, &refused).isEmpty());
    QVERIFY(refused.contains(why));
  }

  void folderEvaluationIsARunEveryViewOpens() {
    MainWindow w;
    w.setConfirmOnClose(false);
    w.setDataset(syntheticData());
    w.show();
    const QString source = finishedRun(w, keeping(6));
    QVERIFY(!source.isEmpty());
    EvaluationController* ev = w.evaluations();
    QSignalSpy progressed(ev, &EvaluationController::progressed);
    QSignalSpy finished(ev, &EvaluationController::finished);
    EvaluationRequest req;
    req.folder = m_other;
    const QString job = ev->evaluate(source, req);
    QVERIFY(!job.isEmpty());
    QCOMPARE(w.progressPanel()->chainCount(), 2);  // the chain's row and the evaluation's
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QCOMPARE(progressed.count(), 6);  // one per kept sample
    QCOMPARE(progressed.last().at(1).toLongLong(), 6);
    const QString id = finished.first().at(1).toString();
    const RunRecord* r = w.runModel()->record(id);
    QVERIFY(r && r->result && r->evaluation);
    QCOMPARE(r->name, QStringLiteral("Example SGLD on other-set test"));
    QCOMPARE(r->sourceId, source);
    QCOMPARE(r->result->testCount(), int64_t(40));
    QCOMPARE(r->result->predictive.sampleCount(), int64_t(6));
    QCOMPARE(r->result->evaluation.sourceName, std::string("Example SGLD"));
    QCOMPARE(r->result->evaluation.split, std::string("test"));
    QCOMPARE(datasetCell(w, id), QStringLiteral("other-set (unrecognised IDX set)"));
    QCOMPARE(w.runModel()->index(w.runModel()->rowOf(id), RunListModel::StatusColumn).data().toString(),
             QStringLiteral("Evaluated"));
    QVERIFY(w.progressPanel()->progressText(job).startsWith(QStringLiteral("Completed")));
    QVERIFY(r->unsaved());  // saved like a run, asked about on close
    // The views open it like a run: it is selected in each.
    QCOMPARE(w.runList()->selectedRunId(), id);
    w.showView(QStringLiteral("uncertainty"));
    auto* explorer = qobject_cast<UncertaintyView*>(w.view(QStringLiteral("uncertainty")));
    QTRY_VERIFY_WITH_TIMEOUT(explorer->state()->run(id) && explorer->state()->run(id)->analysis, 30000);
    QCOMPARE(explorer->state()->primaryId(), id);
    QVERIFY(explorer->state()->run(source));  // beside the run's own
    w.showView(QStringLiteral("calibration"));
    auto* calibration = qobject_cast<CalibrationView*>(w.view(QStringLiteral("calibration")));
    QVERIFY(w.jobs()->waitForIdle());
    QTRY_VERIFY_WITH_TIMEOUT(calibration->calibration(id) != nullptr, 30000);
    w.showView(QStringLiteral("decisions"));
    auto* decisions = qobject_cast<DecisionsView*>(w.view(QStringLiteral("decisions")));
    QVERIFY(w.jobs()->waitForIdle());
    QCOMPARE(decisions->state()->primaryId(), id);
    QTRY_VERIFY_WITH_TIMEOUT(decisions->outcome(0) && decisions->outcome(0)->profile, 30000);
    // An evaluation has no samples of its own: it cannot be evaluated again, and says why.
    QVERIFY(!ev->action()->isEnabled());
    QVERIFY2(ev->action()->toolTip().contains("is an evaluation"), qPrintable(ev->action()->toolTip()));
  }

  void transformOfTheTestSet() {
    MainWindow w;
    w.setConfirmOnClose(false);
    w.setDataset(syntheticData());
    const QString source = finishedRun(w, keeping(4));
    QVERIFY(!source.isEmpty());
    EvaluationController* ev = w.evaluations();
    QSignalSpy finished(ev, &EvaluationController::finished);
    // The dialog's choice is the request.
    EvaluateDialog dialog(QStringLiteral("Example SGLD"), QStringLiteral("Synthetic"), true, QString());
    QVERIFY(!dialog.evaluateButton()->isEnabled());  // no folder yet
    dialog.transformChoice()->setChecked(true);
    QVERIFY(dialog.evaluateButton()->isEnabled());
    dialog.transformBox()->setCurrentIndex(0);  // rotate
    dialog.firstParameter()->setValue(90);
    EvaluationRequest req = dialog.request();
    QCOMPARE(req.source, EvaluationRequest::Source::Transform);
    QCOMPARE(req.transform.kind, bnn::TransformKind::Rotate);
    QCOMPARE(req.transform.degrees, 90.0);
    QVERIFY(!ev->evaluate(source, req).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    const RunRecord* r = w.runModel()->record(finished.first().at(1).toString());
    QVERIFY(r && r->result);
    QCOMPARE(r->name, QStringLiteral("Example SGLD on Synthetic test, rotated 90°"));
    QCOMPARE(r->result->evaluation.transform, std::string("rotate=90"));
    // The images evaluated are the run's test images rotated.
    const bnn::ImageSet want = bnn::rotated(syntheticData()->test, 90);
    QVERIFY(r->result->testImages() == want.pixels);
    QVERIFY(r->result->testLabels() == want.labels);
    // Noise keeps its seed in the record; the dialog maps σ and seed.
    dialog.transformBox()->setCurrentIndex(2);
    QCOMPARE(dialog.firstParameter()->value(), 0.3);
    req = dialog.request();
    QCOMPARE(req.transform.kind, bnn::TransformKind::GaussianNoise);
    QCOMPARE(req.transform.sigma, 0.3);
    QVERIFY(!ev->evaluate(source, req).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
    const RunRecord* n = w.runModel()->record(finished.last().at(1).toString());
    QCOMPARE(n->name, QStringLiteral("Example SGLD on Synthetic test, noise σ = 0.3"));
    QCOMPARE(n->result->evaluation.transform, std::string("noise=0.3 seed 0"));
  }

  void cancelAndFailure() {
    MainWindow w;
    w.setConfirmOnClose(false);
    w.setDataset(syntheticData());
    const QString source = finishedRun(w, keeping(4));
    QVERIFY(!source.isEmpty());
    EvaluationController* ev = w.evaluations();
    QSignalSpy cancelled(ev, &EvaluationController::cancelled);
    QSignalSpy finished(ev, &EvaluationController::finished);
    QSignalSpy failed(ev, &EvaluationController::failed);
    const int rows = w.runModel()->rowCount();
    EvaluationRequest req;
    req.folder = m_other;
    const QString job = ev->evaluate(source, req);
    // Cancel from the progress row's button.
    Q_EMIT w.progressPanel()->stopRequested(job);
    QCOMPARE(cancelled.count(), 1);
    QCOMPARE(ev->activeCount(), 0);
    QVERIFY(w.progressPanel()->progressText(job).startsWith(QStringLiteral("Cancelled")));
    QVERIFY(ev->waitForIdle());
    QCoreApplication::processEvents();
    QCOMPARE(finished.count(), 0);
    QCOMPARE(w.runModel()->rowCount(), rows);
    // A folder that cannot be read: failed, naming it; nothing added.
    req.folder = m_tmp.filePath("no-such-folder");
    const QString bad = ev->evaluate(source, req);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 60000);
    QVERIFY2(failed.first().at(1).toString().contains("no-such-folder"),
             qPrintable(failed.first().at(1).toString()));
    QVERIFY(w.progressPanel()->progressText(bad).startsWith(QStringLiteral("Failed")));
    QCOMPARE(w.runModel()->rowCount(), rows);
  }

  void datasetsAreShownEverywhere() {
    MainWindow w;
    w.setConfirmOnClose(false);
    auto fashion = std::make_shared<bnn::Dataset>(*syntheticData());
    fashion->name = "Fashion-MNIST";
    fashion->check = bnn::DatasetCheck::Verified;
    w.setDataset(syntheticData());
    w.show();
    const QString a = finishedRun(w, keeping(0));
    w.setDataset(fashion);
    const QString b = finishedRun(w, keeping(0));
    QVERIFY(!a.isEmpty() && !b.isEmpty());
    QCOMPARE(datasetCell(w, a), QStringLiteral("Synthetic (unrecognised IDX set)"));
    QCOMPARE(datasetCell(w, b), QStringLiteral("Fashion-MNIST (verified)"));
    const QString tip = w.runModel()
                            ->index(w.runModel()->rowOf(b), RunListModel::DatasetColumn)
                            .data(Qt::ToolTipRole)
                            .toString();
    QVERIFY2(tip.contains("checksums verified"), qPrintable(tip));
    QVERIFY(w.runModel()
                ->index(w.runModel()->rowOf(b), RunListModel::NameColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .contains("Fashion-MNIST (verified)"));
    // Progress rows and the comparison chart's legend tell the two "Example SGLD" runs apart.
    QVERIFY2(w.progressPanel()->nameText(a).endsWith(" · Synthetic (unrecognised IDX set)"),
             qPrintable(w.progressPanel()->nameText(a)));
    QVERIFY(w.progressPanel()->nameText(b).endsWith(" · Fashion-MNIST (verified)"));
    w.showView(QStringLiteral("comparison"));
    auto* comparison = qobject_cast<AccuracyChart*>(w.view(QStringLiteral("comparison")));
    comparison->refresh(true);
    const QStringList legends = legendNames(comparison);
    QVERIFY2(legends.contains(QStringLiteral("Example SGLD · Synthetic (unrecognised IDX set)")),
             qPrintable(legends.join('|')));
    QVERIFY2(legends.contains(QStringLiteral("Example SGLD (2) · Fashion-MNIST (verified)")),
             qPrintable(legends.join('|')));
    QVERIFY(w.datasetPanel()->text().contains("Fashion-MNIST (verified)"));

    // Changing the data while a chain runs says what happens to it.
    QVERIFY(w.datasetPanel()->runningNote().isEmpty());
    const QString live = w.startRun(endlessConfig());
    QTRY_VERIFY_WITH_TIMEOUT(w.runModel()->record(live)->hasProgress, 30000);
    w.setDataset(syntheticData());
    const QString note = w.datasetPanel()->runningNote();
    QVERIFY2(note.contains("1 running chain keeps the data it started with (Fashion-MNIST (verified))"),
             qPrintable(note));
    QVERIFY2(note.contains("runs started from now on use Synthetic (unrecognised IDX set)"),
             qPrintable(note));
    w.stopAll();
    QSignalSpy done(&w, &MainWindow::allRunsFinished);
    QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0 || w.controller()->runningCount() == 0, 30000);
    QTRY_VERIFY(w.datasetPanel()->runningNote().isEmpty());
  }

 private:
  QTemporaryDir m_tmp;
  QString m_other;
};

QTEST_MAIN(TestEvaluate)
#include "tst_evaluate.moc"
