// ProbeView ("Draw & probe"): a drawing becomes the network's 28 x 28 input, the chosen run's kept
// samples are probed on it with the same numbers as the core's probe, an empty canvas and runs
// without samples say why there is nothing to show, edits are undoable, test images can be edited
// and two runs are compared on the same drawing.
#include <QComboBox>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QtTest>

#include "common/job_runner.h"
#include "data/mnist_style.h"
#include "probe/drawing_canvas.h"
#include "probe/probe_result_pane.h"
#include "probe/probe_view.h"
#include "run/posterior_probe.h"
#include "run/posterior_samples.h"
#include "run/run_engine.h"
#include "ui_test_support.h"
#include "views/run_pair_picker.h"

using namespace ui_test;

namespace {

std::shared_ptr<const bnn::RunResult> runWithSamples(const char* preset, int keep) {
  bnn::RunConfig c = tinyConfig(preset);
  c.keepSamples = keep;
  auto r = std::make_shared<bnn::RunResult>(bnn::runChain(c, syntheticData(), nullptr, nullptr));
  return r;
}

QList<QPointF> sevenStroke() { return {{80, 70}, {200, 70}, {190, 110}, {160, 170}, {140, 230}}; }

}  // namespace

class TestProbeView : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void emptyCanvasHasNothingToClassify() {
    ProbeView view(ViewContext{nullptr, nullptr});
    view.updateRun(viewRun("a", "A", runWithSamples("example-sgld", 10)));
    QVERIFY(view.inputBytes().empty());
    QVERIFY(!view.primaryPane()->hasProbe());
    QVERIFY(view.primaryPane()->messageText().contains("Nothing to classify"));
  }

  void drawingIsProbedLikeTheCore() {
    auto run = runWithSamples("example-sgld", 10);
    QVERIFY(run->samples);
    QCOMPARE(run->samples->count(), int64_t(10));
    ProbeView view(ViewContext{nullptr, nullptr});
    view.updateRun(viewRun("a", "A", run));
    view.canvas()->drawStroke(sevenStroke());
    QCOMPARE(view.inputBytes().size(), size_t(784));
    // The input is the core's MNIST-style preprocessing of the canvas.
    const QImage& ink = view.canvas()->inkImage();
    std::vector<uint8_t> bytes;
    for (int y = 0; y < ink.height(); ++y)
      bytes.insert(bytes.end(), ink.constScanLine(y), ink.constScanLine(y) + ink.width());
    bnn::MnistStyleOptions o;
    o.background = bnn::Background::Dark;
    QVERIFY(bnn::toMnistStyle(bytes.data(), ink.height(), ink.width(), o).bytes == view.inputBytes());
    // The pane shows exactly the core's probe of that input.
    QVERIFY(view.primaryPane()->hasProbe());
    auto expected = bnn::probeImage(*run->samples, view.inputBytes().data(), 28, 28);
    QVERIFY(expected);
    const bnn::ImageProbe& shown = view.primaryPane()->probe();
    QCOMPARE(shown.samples, int64_t(10));
    QVERIFY(shown.mean == expected->mean);
    QVERIFY(shown.predicted == expected->predicted);
    QCOMPARE(shown.mutualInformation, expected->mutualInformation);
    QVERIFY(view.primaryPane()->summaryText().contains("mutual information"));
    // Undo goes back to the empty canvas.
    view.canvas()->undo();
    QVERIFY(view.canvas()->isEmpty());
    QVERIFY(view.inputBytes().empty());
    QVERIFY(!view.canvas()->canUndo());
  }

  void runsWithoutSamplesSayWhy() {
    ProbeView view(ViewContext{nullptr, nullptr});
    view.updateRun(viewRun("a", "A", runWithSamples("example-sgld", 0)));
    view.canvas()->drawStroke(sevenStroke());
    QVERIFY(!view.primaryPane()->hasProbe());
    QVERIFY2(view.primaryPane()->messageText().contains("kept no posterior samples"),
             qPrintable(view.primaryPane()->messageText()));
    QVERIFY(view.runPicker()->primaryBox()->currentText().contains("no kept samples"));
    // A hand-made (opened, old) result without samples.
    ProbeView old(ViewContext{nullptr, nullptr});
    old.updateRun(viewRun("b", "B", handMadeRun()));
    old.canvas()->drawStroke(sevenStroke());
    QVERIFY(!old.primaryPane()->hasProbe());
    QVERIFY(!old.primaryPane()->messageText().isEmpty());
  }

  void editsFollowTheMeasures() {
    auto run = runWithSamples("example-sgld", 5);
    ProbeView view(ViewContext{nullptr, nullptr});
    view.updateRun(viewRun("a", "A", run));
    QVERIFY(view.editTestImage(3));
    QVERIFY(!view.canvas()->isEmpty());
    QVERIFY(view.primaryPane()->hasProbe());
    const std::vector<uint8_t> before = view.inputBytes();
    view.canvas()->thicken();
    QVERIFY(view.inputBytes() != before);
    view.canvas()->rotate(30);
    view.canvas()->shift(2, 0);
    QVERIFY(view.primaryPane()->hasProbe());
    view.canvas()->undo();
    view.canvas()->undo();
    view.canvas()->undo();
    QVERIFY(view.inputBytes() == before);
    QVERIFY(!view.editTestImage(1000000));  // no such image
  }

  void twoRunsOnTheSameDrawing() {
    JobRunner jobs;
    ProbeView view(ViewContext{nullptr, &jobs});
    view.updateRun(viewRun("a", "SGLD", runWithSamples("example-sgld", 10)));
    view.updateRun(viewRun("b", "SGHMC", runWithSamples("example-sghmc", 10)));
    view.runPicker()->comparisonBox()->setCurrentIndex(view.runPicker()->comparisonBox()->findData("b"));
    Q_EMIT view.runPicker()->comparisonChosen("b");
    view.canvas()->drawStroke(sevenStroke());
    QVERIFY(jobs.waitForIdle());
    QVERIFY(view.primaryPane()->hasProbe());
    QVERIFY(view.comparisonPane()->hasProbe());
    QVERIFY(view.primaryPane()->probe().mean != view.comparisonPane()->probe().mean);
    const auto ex = view.exports();
    QCOMPARE(ex.size(), 1);
    QVERIFY(ex[0].hasCsv());
    const QString csv = QString::fromStdString(ex[0].csv());
    QCOMPARE(csv.count('\n'), 1 + 2 * 10);
    QVERIFY(csv.startsWith("run,class,class_name,mean_probability,vote_share\n"));
    view.removeRun("b");
    QVERIFY(view.comparisonPane()->isHidden());
  }

  // Two answers do not fit beside the drawing in a narrow view (the 1024 x 700 window leaves
  // about 730 px): they go below it, so nothing needs a horizontal scroll bar; a wide view keeps
  // one row, and so does a medium one with one answer.
  void narrowViewPutsTheAnswersBelow() {
    JobRunner jobs;
    ProbeView view(ViewContext{nullptr, &jobs});
    view.updateRun(viewRun("a", "SGLD", runWithSamples("example-sgld", 10)));
    view.updateRun(viewRun("b", "SGHMC", runWithSamples("example-sghmc", 10)));
    view.resize(1000, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(!view.answersBelow());
    view.resize(730, 600);
    view.selectPair("a", "b");
    QVERIFY(jobs.waitForIdle());
    QTRY_VERIFY(view.answersBelow());
    auto* scroll = view.findChild<QScrollArea*>();
    QVERIFY(scroll);
    QTRY_COMPARE(scroll->horizontalScrollBar()->maximum(), 0);
    QVERIFY(view.primaryPane()->mapTo(&view, QPoint(0, 0)).y() >
            view.canvas()->mapTo(&view, QPoint(0, view.canvas()->height())).y());
    view.resize(1500, 900);
    QTRY_VERIFY(!view.answersBelow());
    QTRY_COMPARE(scroll->horizontalScrollBar()->maximum(), 0);
    view.resize(730, 600);
    QTRY_VERIFY(view.answersBelow());
    Q_EMIT view.runPicker()->comparisonChosen(QString());
    QVERIFY(view.comparisonPane()->isHidden());
    view.resize(1000, 600);
    QTRY_VERIFY(!view.answersBelow());
    QTRY_COMPARE(scroll->horizontalScrollBar()->maximum(), 0);
  }
};

QTEST_MAIN(TestProbeView)
#include "tst_probe_view.moc"
