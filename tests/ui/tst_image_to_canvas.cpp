// Test images go from the Uncertainty view to the Draw-and-probe canvas ("Edit in canvas": the
// detail pane's button and the gallery's context menu), the probed run follows the image's run
// when it kept samples, two runs answer on the same image exactly as the core's probe, and kept
// samples in the cache folder go with their run; what dead sessions left is removed at start.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "common/job_runner.h"
#include "evaluate/evaluation_controller.h"
#include "explorer/detail_pane.h"
#include "explorer/explorer_state.h"
#include "explorer/gallery_pane.h"
#include "explorer/uncertainty_view.h"
#include "probe/drawing_canvas.h"
#include "probe/probe_result_pane.h"
#include "probe/probe_view.h"
#include "run/posterior_probe.h"
#include "run/posterior_samples.h"
#include "runs/run_list_model.h"
#include "runs/sample_cache.h"
#include "shell/main_window.h"
#include "ui_test_support.h"
#include "views/run_pair_picker.h"
#include "views/view_host.h"

using namespace ui_test;

namespace {

QString finishedRun(MainWindow& w, const char* preset, const char* name) {
  bnn::RunConfig c = tinyConfig(preset);
  c.keepSamples = 8;
  c.name = name;
  QSignalSpy done(&w, &MainWindow::allRunsFinished);
  const QString id = w.startRun(c);
  if (id.isEmpty() || !QTest::qWaitFor([&] { return done.count() > 0; }, 120000)) return {};
  return id;
}

bool sameProbe(const bnn::ImageProbe& a, const bnn::ImageProbe& b) {
  return a.samples == b.samples && a.mean == b.mean && a.predicted == b.predicted &&
         a.mutualInformation == b.mutualInformation;
}

}  // namespace

class TestImageToCanvas : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("BNN Explorer Tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_image_to_canvas"));
  }
  void init() { QSettings().clear(); }

  void explorerImageGoesToTheCanvas() {
    MainWindow w;
    w.setConfirmOnClose(false);
    w.setDataset(syntheticData());
    w.resize(1400, 900);
    w.show();
    const QString a = finishedRun(w, "example-sgld", "SGLD");
    const QString b = finishedRun(w, "example-sghmc", "SGHMC");
    QVERIFY(!a.isEmpty() && !b.isEmpty());
    w.showView(QStringLiteral("uncertainty"));
    auto* explorer = qobject_cast<UncertaintyView*>(w.view(QStringLiteral("uncertainty")));
    auto* probe = qobject_cast<ProbeView*>(w.view(QStringLiteral("probe")));
    w.views()->selectRun(b);
    QTRY_VERIFY_WITH_TIMEOUT(explorer->state()->primary() && explorer->state()->primary()->analysis, 30000);
    QCOMPARE(explorer->state()->primaryId(), b);
    explorer->state()->setSelectedImage(3);
    QTRY_COMPARE(explorer->detail()->image(), 3);
    QPushButton* edit = explorer->detail()->editButton();
    QVERIFY(edit->isEnabled());
    edit->click();
    // The canvas view is shown, with test image 3, probing the run the image came from.
    QCOMPARE(w.views()->currentKey(), QStringLiteral("probe"));
    QVERIFY2(probe->sourceText().startsWith(QStringLiteral("Editing test image #3 of Synthetic")),
             qPrintable(probe->sourceText()));
    QCOMPARE(probe->runPicker()->primary(), b);
    QCOMPARE(probe->inputBytes().size(), size_t(784));
    QVERIFY(w.jobs()->waitForIdle());
    QTRY_VERIFY(probe->primaryPane()->hasProbe());
    const auto* rb = w.runModel()->record(b);
    auto want = bnn::probeImage(*rb->result->samples, probe->inputBytes().data(), 28, 28);
    QVERIFY(want && sameProbe(probe->primaryPane()->probe(), *want));

    // The gallery's context menu does the same (its action emits this signal).
    w.showView(QStringLiteral("uncertainty"));
    Q_EMIT explorer->gallery()->editInCanvasRequested(5);
    QCOMPARE(w.views()->currentKey(), QStringLiteral("probe"));
    QVERIFY(probe->sourceText().startsWith(QStringLiteral("Editing test image #5")));

    // Compare two runs on the same image: each pane is the core's probe of that input.
    Q_EMIT probe->runPicker()->comparisonChosen(a);
    QVERIFY(w.jobs()->waitForIdle());
    QTRY_VERIFY(probe->primaryPane()->hasProbe() && probe->comparisonPane()->hasProbe());
    const auto* ra = w.runModel()->record(a);
    auto wantB = bnn::probeImage(*rb->result->samples, probe->inputBytes().data(), 28, 28);
    auto wantA = bnn::probeImage(*ra->result->samples, probe->inputBytes().data(), 28, 28);
    QVERIFY(sameProbe(probe->primaryPane()->probe(), *wantB));
    QVERIFY(sameProbe(probe->comparisonPane()->probe(), *wantA));

    // An image of an evaluation (which has no samples of its own) is probed by the run chosen.
    EvaluationRequest req;
    req.source = EvaluationRequest::Source::Transform;
    req.transform.kind = bnn::TransformKind::Invert;
    QSignalSpy finished(w.evaluations(), &EvaluationController::finished);
    QVERIFY(!w.evaluations()->evaluate(a, req).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    const QString ev = finished.first().at(1).toString();
    w.views()->selectRun(b);  // the finished evaluation was selected everywhere
    QVERIFY(w.views()->editImage(ev, 2));
    QCOMPARE(probe->runPicker()->primary(), b);
    QVERIFY2(probe->sourceText().contains(QStringLiteral(", from SGLD on Synthetic test, inverted")),
             qPrintable(probe->sourceText()));
  }

  void samplesGoWithTheirRun() {
    MainWindow w;
    w.setConfirmOnClose(false);
    w.setDataset(syntheticData());
    const QString a = finishedRun(w, "example-sgld", "SGLD");
    QVERIFY(!a.isEmpty());
    const QString path = QString::fromStdString(w.runModel()->record(a)->result->samples->path());
    QVERIFY(QFileInfo::exists(path));
    // In this session's folder of the cache.
    QCOMPARE(QFileInfo(path).absolutePath(),
             QFileInfo(sample_cache::sessionFolder(sample_cache::root())).absoluteFilePath());
    w.showView(QStringLiteral("probe"));  // a view holding the result
    w.runModel()->removeRun(a);
    QVERIFY(w.jobs()->waitForIdle());
    QTRY_VERIFY(!QFileInfo::exists(path));
  }

  void deadSessionsAreCleanedUp() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString root = tmp.path();
    auto write = [](const QString& file, int bytes) {
      QFile f(file);
      return f.open(QIODevice::WriteOnly) && f.write(QByteArray(bytes, 'x')) == bytes;
    };
    const qint64 pid = QCoreApplication::applicationPid();
    const quint64 start = sample_cache::processStartTicks(pid);
    QVERIFY(start > 0);
    const QString mine = sample_cache::sessionFolder(root);
    QCOMPARE(QFileInfo(mine).fileName(), sample_cache::sessionName(pid, start));
    QVERIFY(write(mine + "/samples-live.npy", 10));
    // A session whose pid now belongs to another process (another start time), and one whose
    // process is gone: both dead.
    const QString reused = root + "/" + sample_cache::sessionName(pid, start + 1);
    const QString gone = root + "/" + sample_cache::sessionName(999999999, 5);
    QVERIFY(QDir().mkpath(reused) && QDir().mkpath(gone));
    QVERIFY(write(reused + "/samples-a.npy", 100) && write(gone + "/samples-b.npy", 50));
    QVERIFY(QDir().mkpath(root + "/not-a-session"));
    // Loose files of earlier versions: only those untouched for a day go.
    QVERIFY(write(root + "/samples-old.npy", 7) && write(root + "/samples-new.npy", 3));
    QFile old(root + "/samples-old.npy");
    QVERIFY(old.open(QIODevice::ReadWrite));
    QVERIFY(old.setFileTime(QDateTime::currentDateTimeUtc().addDays(-2), QFileDevice::FileModificationTime));
    old.close();

    const sample_cache::Cleanup c = sample_cache::removeStale(root);
    QCOMPARE(c.folders, 2);
    QCOMPARE(c.files, 3);
    QCOMPARE(c.bytes, qint64(157));
    QVERIFY(QFileInfo::exists(mine + "/samples-live.npy"));
    QVERIFY(!QFileInfo::exists(reused) && !QFileInfo::exists(gone));
    QVERIFY(QFileInfo::exists(root + "/not-a-session"));
    QVERIFY(!QFileInfo::exists(root + "/samples-old.npy"));
    QVERIFY(QFileInfo::exists(root + "/samples-new.npy"));
  }
};

QTEST_MAIN(TestImageToCanvas)
#include "tst_image_to_canvas.moc"
