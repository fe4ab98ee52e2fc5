// The uncertainty explorer on a hand-made 50-image run, driven through its panes' own API:
// gallery order and filters, summary, per-digit bars, threshold curves, risk-coverage, detail,
// comparison, the held order under the pointer, the bounded threshold, exports.
#include <QAbstractItemModelTester>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineSeries>
#include <QListView>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QSlider>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QValueAxis>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>

#include "charts/chart_export.h"
#include "common/job_runner.h"
#include "explorer/detail_pane.h"
#include "explorer/explorer_state.h"
#include "explorer/gallery_delegate.h"
#include "explorer/gallery_pane.h"
#include "explorer/per_digit_pane.h"
#include "explorer/risk_coverage_pane.h"
#include "explorer/summary_pane.h"
#include "explorer/threshold_control.h"
#include "explorer/threshold_pane.h"
#include "explorer/uncertainty_gallery_model.h"
#include "explorer/uncertainty_view.h"
#include "ui_test_support.h"
#include "views/run_pair_picker.h"

using namespace ui_test;

namespace {

std::vector<int> galleryRows(const UncertaintyGalleryModel* m) {
  std::vector<int> rows;
  for (int r = 0; r < m->rowCount(); ++r)
    rows.push_back(m->index(r).data(UncertaintyGalleryModel::ImageIndexRole).toInt());
  return rows;
}

std::vector<int> expected(std::initializer_list<int> v) { return v; }

}  // namespace

class TestUncertaintyView : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void init();
  void cleanup();
  void analysesRunInTheBackground();
  void galleryOrderAndCount();
  void galleryFilters();
  void galleryOrderings();
  void detailFollowsTheFilter();
  void summaryAtDefaultAndChangedThreshold();
  void thresholdIsBoundedAndInStep();
  void perDigitBars();
  void clickingABarFiltersTheGallery();
  void thresholdCurves();
  void riskCoverageLegendAndOperatingPoint();
  void detailPane();
  void comparisonRunUsesRunColoursAndTurnsLabels();
  void runChoiceSurvivesUpdates();
  void runWithoutSamples();
  void runWithoutImages();
  void newerResultKeepsSelection();
  void automaticSelectionFollowsTheFirstTile();
  void orderIsHeldUnderThePointer();
  void compactLayoutMovesTheDetail();
  void exports();

 private:
  void feed(const ViewRun& run) {
    m_view->updateRun(run);
    QVERIFY(m_jobs->waitForIdle());
  }
  void setThreshold(double t) { m_view->thresholdControl()->spinBox()->setValue(t); }
  UncertaintyGalleryModel* model() const { return m_view->gallery()->model(); }

  std::unique_ptr<JobRunner> m_jobs;
  std::unique_ptr<UncertaintyView> m_view;
};

void TestUncertaintyView::init() {
  m_jobs = std::make_unique<JobRunner>();
  m_view = std::make_unique<UncertaintyView>(ViewContext{nullptr, m_jobs.get()});
  m_view->resize(1400, 900);
  m_view->show();
  feed(viewRun("a", "Run A", handMadeRun()));
}

void TestUncertaintyView::cleanup() {
  m_view.reset();
  m_jobs.reset();
}

void TestUncertaintyView::analysesRunInTheBackground() {
  QSignalSpy installed(m_view.get(), &UncertaintyView::analysisInstalled);
  m_view->updateRun(viewRun("a", "Run A", handMadeRun(true, 0.01)));
  // Not analysed on the spot: the panes still show the previous analysis.
  QCOMPARE(installed.count(), 0);
  QVERIFY(!m_view->state()->primary()->upToDate());
  QVERIFY(installed.wait());
  QVERIFY(m_view->state()->primary()->upToDate());
  // A run that is listed but not shown is not analysed at all.
  m_view->updateRun(viewRun("b", "Run B", handMadeRun()));
  QVERIFY(m_jobs->waitForIdle());
  QCOMPARE(installed.count(), 1);
  QVERIFY(!m_view->state()->run("b")->analysis);
}

void TestUncertaintyView::galleryOrderAndCount() {
  QAbstractItemModelTester tester(model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
  std::vector<int> all(kImages);
  std::iota(all.begin(), all.end(), 0);
  QCOMPARE(galleryRows(model()), all);  // max p̄ increases with the index
  QCOMPARE(m_view->gallery()->countText(), QStringLiteral("50 of 50 images"));
  // The least certain image is selected and detailed from the start.
  QCOMPARE(m_view->gallery()->listView()->currentIndex().row(), 0);
  QCOMPARE(m_view->state()->selectedImage(), 0);
  QVERIFY(m_view->detail()->title().startsWith(QStringLiteral("Test image #0:")));
  const QModelIndex first = model()->index(0);
  QCOMPARE(first.data(UncertaintyGalleryModel::TrueClassRole).toInt(), 0);
  QCOMPARE(first.data(UncertaintyGalleryModel::PredictedClassRole).toInt(), 1);
  QCOMPARE(first.data(UncertaintyGalleryModel::CorrectRole).toBool(), false);
  QVERIFY(std::abs(first.data(UncertaintyGalleryModel::MaxProbRole).toDouble() - 0.505) < 1e-12);
  QCOMPARE(first.data(UncertaintyGalleryModel::DigitImageRole).value<QImage>().size(), QSize(28, 28));
}

void TestUncertaintyView::galleryFilters() {
  GalleryPane* g = m_view->gallery();
  QAbstractItemModelTester tester(model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
  g->setTrueDigit(3);
  QCOMPARE(galleryRows(model()), expected({3, 13, 23, 33, 43}));
  QCOMPARE(g->countText(), QStringLiteral("5 of 50 images"));
  g->setTrueDigit(-1);
  g->setPredictedDigit(3);  // true 3 (all right) and image 42 (true 2, predicted 3)
  QCOMPARE(galleryRows(model()), expected({3, 13, 23, 33, 42, 43}));
  g->setPredictedDigit(-1);
  g->setOnlyMisclassified(true);
  QCOMPARE(galleryRows(model()), expected({0, 7, 14, 21, 28, 35, 42, 49}));
  g->setOnlyMisclassified(false);
  g->setOnlyConfidentlyWrong(true);  // wrong with max p̄ >= 0.95: only image 49 (0.995)
  QCOMPARE(galleryRows(model()), expected({49}));
  setThreshold(0.7);  // max p̄ >= 0.7 from image 20 on
  QCOMPARE(galleryRows(model()), expected({21, 28, 35, 42, 49}));
  g->setTrueDigit(8);
  QCOMPARE(galleryRows(model()), expected({28}));
}

void TestUncertaintyView::galleryOrderings() {
  m_view->gallery()->setOrder(bnn::UncertaintyOrder::EntropyDescending);  // falls as max p̄ rises
  std::vector<int> all(kImages);
  std::iota(all.begin(), all.end(), 0);
  QCOMPARE(galleryRows(model()), all);
  m_view->gallery()->setOrder(bnn::UncertaintyOrder::MutualInformationDescending);
  std::vector<int> byMi = all;
  std::stable_sort(byMi.begin(), byMi.end(), [](int a, int b) { return miOf(a) > miOf(b); });
  QCOMPARE(galleryRows(model()), byMi);
}

void TestUncertaintyView::detailFollowsTheFilter() {
  GalleryPane* g = m_view->gallery();
  g->listView()->setCurrentIndex(model()->index(12));
  QCOMPARE(m_view->state()->selectedImage(), 12);
  g->setTrueDigit(2);  // 12 passes: it stays selected
  QCOMPARE(m_view->state()->selectedImage(), 12);
  QVERIFY(m_view->detail()->title().startsWith(QStringLiteral("Test image #12:")));
  g->setTrueDigit(5);  // 12 is filtered out: the first remaining tile is shown instead
  QCOMPARE(m_view->state()->selectedImage(), 5);
  QCOMPARE(g->listView()->currentIndex().row(), 0);
  QVERIFY(m_view->detail()->title().startsWith(QStringLiteral("Test image #5:")));
  g->setTrueDigit(-1);
  g->setOnlyConfidentlyWrong(true);
  setThreshold(1.0);  // nothing passes: no image is detailed
  QCOMPARE(model()->rowCount(), 0);
  QCOMPARE(m_view->detail()->image(), -1);
  QVERIFY(m_view->detail()->title().isEmpty());
}

void TestUncertaintyView::summaryAtDefaultAndChangedThreshold() {
  SummaryPane* s = m_view->summary();
  QCOMPARE(s->rowCount(), 1);
  QCOMPARE(s->cellText(0, SummaryPane::RunColumn), QStringLiteral("Run A"));
  QCOMPARE(s->cellText(0, SummaryPane::EnsembleColumn), QStringLiteral("84.00%"));
  QCOMPARE(s->cellText(0, SummaryPane::LastSampleColumn), QStringLiteral("80.00%"));
  QCOMPARE(s->cellText(0, SummaryPane::DifferenceColumn), QStringLiteral("+4.00 points"));
  QCOMPARE(s->cellText(0, SummaryPane::CertainColumn), QStringLiteral("10.0% (5 of 50)"));
  QCOMPARE(s->cellText(0, SummaryPane::CertainAccuracyColumn), QStringLiteral("80.00%"));
  QCOMPARE(s->cellText(0, SummaryPane::UncertainColumn), QStringLiteral("45"));
  QCOMPARE(s->cellText(0, SummaryPane::ConfidentlyWrongColumn), QStringLiteral("1"));
  QCOMPARE(s->cellText(0, SummaryPane::Drop99Column), QStringLiteral("not reached"));
  setThreshold(0.8);  // max p̄ >= 0.8 from image 30 on: 20 images, 3 of them wrong (35, 42, 49)
  QCOMPARE(s->cellText(0, SummaryPane::CertainColumn), QStringLiteral("40.0% (20 of 50)"));
  QCOMPARE(s->cellText(0, SummaryPane::CertainAccuracyColumn), QStringLiteral("85.00%"));
  QCOMPARE(s->cellText(0, SummaryPane::ConfidentlyWrongColumn), QStringLiteral("3"));
  setThreshold(1.0);  // nothing retained: accuracy undefined, shown as n/a
  QCOMPARE(s->cellText(0, SummaryPane::CertainColumn), QStringLiteral("0.0% (0 of 50)"));
  QCOMPARE(s->cellText(0, SummaryPane::CertainAccuracyColumn), QStringLiteral("n/a"));
}

void TestUncertaintyView::thresholdIsBoundedAndInStep() {
  QSlider* slider = m_view->thresholdControl()->slider();
  QDoubleSpinBox* spin = m_view->thresholdControl()->spinBox();
  QCOMPARE(slider->value(), 950);
  QCOMPARE(spin->value(), 0.95);
  // The grid's range: nothing below 0.1 (everything would be certain).
  QCOMPARE(slider->minimum(), 100);
  QCOMPARE(spin->minimum(), 0.1);
  spin->setValue(0.0);
  QCOMPARE(spin->value(), 0.1);
  QCOMPARE(m_view->state()->threshold(), 0.1);
  m_view->state()->setThreshold(0.05);
  QCOMPARE(m_view->state()->threshold(), 0.1);
  // Several slider moves in a row: only the last one is applied, after a short pause.
  QSignalSpy changed(m_view->state(), &ExplorerState::thresholdChanged);
  for (int v : {900, 700, 600, 500}) slider->setValue(v);
  QCOMPARE(spin->value(), 0.5);
  QTRY_COMPARE(changed.count(), 1);
  QCOMPARE(m_view->state()->threshold(), 0.5);
  QCOMPARE(m_view->summary()->cellText(0, SummaryPane::CertainColumn), QStringLiteral("100.0% (50 of 50)"));
  spin->setValue(0.9);
  QCOMPARE(slider->value(), 900);
}

void TestUncertaintyView::perDigitBars() {
  QBarSeries* series = m_view->perDigit()->series();
  QCOMPARE(series->count(), 1);
  QBarSet* set = series->barSets().at(0);
  // Uncertain (max p̄ < 0.95) are images 0..44: five per digit 0-4, four per digit 5-9.
  for (int d = 0; d < 10; ++d) QCOMPARE(set->at(d), d < 5 ? 5.0 : 4.0);
  QCOMPARE(set->color(), QColor("#1f77b4"));  // the run's colour
  // Counts get whole-number ticks.
  QValueAxis* y = m_view->perDigit()->axisY();
  QCOMPARE(y->labelFormat(), QStringLiteral("%.0f"));
  m_view->perDigit()->setShowShare(true);
  set = series->barSets().at(0);
  for (int d = 0; d < 10; ++d) QCOMPARE(set->at(d), d < 5 ? 100.0 : 80.0);
  setThreshold(0.5);  // everything certain
  QCOMPARE(series->barSets().at(0)->sum(), 0.0);
}

void TestUncertaintyView::clickingABarFiltersTheGallery() {
  QBarSeries* series = m_view->perDigit()->series();
  Q_EMIT series->clicked(6, series->barSets().at(0));
  QCOMPARE(galleryRows(model()), expected({6, 16, 26, 36, 46}));
}

void TestUncertaintyView::thresholdCurves() {
  ThresholdPane* p = m_view->thresholdCurves();
  QLineSeries* acc = p->accuracySeries(0);
  // 90 thresholds; at t = 1.0 nothing is retained (max p̄ <= 0.995), so the curve stops at 89.
  QCOMPARE(acc->count(), 89);
  QCOMPARE(acc->at(0).x(), 0.1);
  QCOMPARE(acc->at(0).y(), 0.84);
  QVERIFY(std::abs(acc->at(88).x() - (0.1 + 88 * 0.9 / 89)) < 1e-12);
  QCOMPARE(acc->at(88).y(), 0.0);  // only image 49 (wrong) is retained at t = 0.98989...
  QCOMPARE(acc->name(), QStringLiteral("Run A"));
  QCOMPARE(acc->pen().color(), QColor("#1f77b4"));
  QCOMPARE(p->accuracyMarker()->count(), 2);
  QCOMPARE(p->accuracyMarker()->at(0).x(), 0.95);
  QVERIFY(p->accuracyChart()->chart()->title().contains(QStringLiteral("t = 0.950")));
  // The t axis: ten fixed ticks 0.1 ... 1.0 with one decimal.
  QCOMPARE(p->thresholdAxis()->tickType(), QValueAxis::TicksFixed);
  QCOMPARE(p->thresholdAxis()->tickCount(), 10);
  QCOMPARE(p->thresholdAxis()->labelFormat(), QStringLiteral("%.1f"));
  QLineSeries* dropped = p->droppedSeries(0);
  QCOMPARE(dropped->count(), 90);
  QCOMPARE(dropped->at(0).y(), 0.0);
  QCOMPARE(dropped->at(89).y(), 100.0);
  // Image 49 is wrong and the most confident: no threshold reaches 99%.
  QVERIFY(p->drop99Text().contains(QStringLiteral("Run A: no threshold reaches 99%")));
  setThreshold(0.6);
  QCOMPARE(p->accuracyMarker()->at(0).x(), 0.6);
  QCOMPARE(p->droppedMarker()->at(1).x(), 0.6);
}

void TestUncertaintyView::riskCoverageLegendAndOperatingPoint() {
  QLineSeries* curve = m_view->riskCoverage()->curve(0);
  QCOMPARE(curve->count(), kImages);           // no ties
  QCOMPARE(curve->at(0), QPointF(0.02, 1.0));  // the most confident image (49) is wrong
  QVERIFY(curve->name().startsWith(QStringLiteral("Run A (AURC ")));
  QScatterSeries* points = m_view->riskCoverage()->operatingPoints();
  QCOMPARE(points->count(), 1);
  QCOMPARE(points->at(0).x(), 0.1);  // 5 of 50 retained at t = 0.95
  QVERIFY(std::abs(points->at(0).y() - 0.2) < 1e-12);
}

void TestUncertaintyView::detailPane() {
  m_view->gallery()->listView()->setCurrentIndex(model()->index(7));  // image 7: true 7, predicted 8
  DetailPane* d = m_view->detail();
  QCOMPARE(d->title(), QStringLiteral("Test image #7: true 7, predicted 8 (wrong)"));
  QVERIFY(d->measures().contains(QStringLiteral("max p̄ = 0.5750")));
  QVERIFY(d->measures().contains(QStringLiteral("vote share of 8 = 1.000")));
  QVERIFY(d->measures().contains(QStringLiteral("mutual information = 0.0190 nats")));
  QCOMPARE(d->meanSet()->label(), QStringLiteral("p̄"));
  QCOMPARE(d->voteSet()->label(), QStringLiteral("vote share"));
  QVERIFY(std::abs(d->meanSet()->at(8) - 0.575) < 1e-12);
  QVERIFY(std::abs(d->meanSet()->at(7) - 0.425 / 9) < 1e-12);
  QCOMPARE(d->voteSet()->at(8), 1.0);
  QCOMPARE(d->voteSet()->at(7), 0.0);
}

void TestUncertaintyView::comparisonRunUsesRunColoursAndTurnsLabels() {
  feed(viewRun("b", "Run B", handMadeRun(true, 0.2), QColor("#ff7f0e")));
  RunPairPicker* picker = m_view->runPicker();
  QCOMPARE(picker->comparisonBox()->count(), 2);  // (none), Run B
  m_view->state()->setComparison("b");
  QVERIFY(m_jobs->waitForIdle());
  QCOMPARE(picker->comparison(), QStringLiteral("b"));
  QCOMPARE(m_view->summary()->rowCount(), 2);
  QCOMPARE(m_view->summary()->cellText(1, SummaryPane::RunColumn), QStringLiteral("Run B"));
  QBarSeries* series = m_view->perDigit()->series();
  QCOMPARE(series->count(), 2);
  QCOMPARE(series->barSets().at(1)->label(), QStringLiteral("Run B"));
  QCOMPARE(series->barSets().at(1)->color(), QColor("#ff7f0e"));
  // Run B is 0.2 more confident: max p̄ >= 0.95 from image 25 on, so 25 uncertain.
  QCOMPARE(series->barSets().at(1)->sum(), 25.0);
  QCOMPARE(series->labelsAngle(), -90.0);  // two bars per digit: labels stand along the bars
  QLineSeries* accB = m_view->thresholdCurves()->accuracySeries(1);
  QVERIFY(accB->isVisible());
  QCOMPARE(accB->name(), QStringLiteral("Run B"));
  QCOMPARE(accB->pen().style(), Qt::DashLine);
  QCOMPARE(accB->pen().color(), QColor("#ff7f0e"));
  QCOMPARE(m_view->riskCoverage()->operatingPoints()->count(), 2);
  // Swapping: the comparison becomes the shown run.
  m_view->state()->swap();
  QVERIFY(m_jobs->waitForIdle());
  QCOMPARE(picker->primary(), QStringLiteral("b"));
  QCOMPARE(m_view->state()->comparisonId(), QStringLiteral("a"));
  m_view->updateRun(viewRun("b", "Run B2", handMadeRun(true, 0.2), QColor("#ff7f0e")));
  QVERIFY(m_jobs->waitForIdle());
  QCOMPARE(m_view->summary()->cellText(0, SummaryPane::RunColumn), QStringLiteral("Run B2"));
  m_view->removeRun("b");
  QCOMPARE(picker->primary(), QStringLiteral("a"));
  QCOMPARE(model()->rowCount(), kImages);
  QCOMPARE(series->count(), 1);
  QCOMPARE(series->labelsAngle(), 0.0);
}

void TestUncertaintyView::runChoiceSurvivesUpdates() {
  feed(viewRun("b", "Run B", handMadeRun(true, 0.1), QColor("#ff7f0e"), true));
  QCOMPARE(m_view->state()->primaryId(), QStringLiteral("a"));  // a new run does not take over
  m_view->state()->setPrimary("b");
  QVERIFY(m_jobs->waitForIdle());
  // Newer results of both runs, renames, and a third run: the choice stays.
  feed(viewRun("a", "Run A", handMadeRun(true, 0.05)));
  feed(viewRun("b", "Run B", handMadeRun(true, 0.15), QColor("#ff7f0e"), true));
  feed(viewRun("c", "Run C", handMadeRun()));
  feed(viewRun("a", "Run A renamed", handMadeRun(true, 0.05)));
  QCOMPARE(m_view->state()->primaryId(), QStringLiteral("b"));
  QCOMPARE(m_view->runPicker()->primary(), QStringLiteral("b"));
  QCOMPARE(m_view->runPicker()->primaryBox()->count(), 3);
  QCOMPARE(m_view->runPicker()->primaryBox()->itemText(0), QStringLiteral("Run A renamed"));
  // Picking a run in the run list does change it.
  m_view->selectRun("c");
  QCOMPARE(m_view->state()->primaryId(), QStringLiteral("c"));
  // So does a run picked before it reached the view.
  m_view->selectRun("d");
  feed(viewRun("d", "Run D", handMadeRun()));
  QCOMPARE(m_view->state()->primaryId(), QStringLiteral("d"));
}

void TestUncertaintyView::runWithoutSamples() {
  auto empty = std::make_shared<bnn::RunResult>();
  empty->predictive.reset(kImages, 10);
  auto labels = std::make_shared<bnn::ImageSet>();
  labels->count = kImages;
  labels->labels.assign(kImages, 0);
  empty->test = std::move(labels);
  feed(viewRun("e", "Fresh", empty));
  QVERIFY(m_view->runPicker()->primaryBox()->itemText(1).contains(QStringLiteral("nothing sampled yet")));
  m_view->selectRun("e");
  QVERIFY(m_jobs->waitForIdle());
  QCOMPARE(m_view->summary()->cellText(0, SummaryPane::SamplesColumn),
           QStringLiteral("nothing has been sampled yet"));
  QCOMPARE(model()->rowCount(), 0);
  QCOMPARE(m_view->gallery()->countText(), QStringLiteral("no images"));
  QCOMPARE(m_view->thresholdCurves()->accuracySeries(0)->count(), 0);
  QCOMPARE(m_view->perDigit()->series()->count(), 0);
  QCOMPARE(m_view->detail()->image(), -1);
}

void TestUncertaintyView::runWithoutImages() {
  feed(viewRun("a", "Run A", handMadeRun(false)));
  QVERIFY(!model()->hasImages());
  QVERIFY(model()->index(0).data(UncertaintyGalleryModel::DigitImageRole).value<QImage>().isNull());
  QCOMPARE(model()->rowCount(), kImages);
  const QImage shot = m_view->grab().toImage();  // text-only tiles paint without images
  QVERIFY(!shot.isNull());
}

void TestUncertaintyView::newerResultKeepsSelection() {
  m_view->gallery()->listView()->setCurrentIndex(model()->index(12));
  feed(viewRun("a", "Run A", handMadeRun()));  // a newer snapshot
  QCOMPARE(m_view->gallery()->listView()->currentIndex().row(), 12);
  QVERIFY(m_view->detail()->title().startsWith(QStringLiteral("Test image #12:")));
}

void TestUncertaintyView::automaticSelectionFollowsTheFirstTile() {
  QCOMPARE(m_view->state()->selectedImage(), 0);  // chosen by the view, not by the user
  // A newer result in which image 49 is the least certain (the order reversed).
  auto reversed = handMadeRun();
  {
    auto flipped = handMadeRun(true, 0.0);
    std::vector<double> logSum(size_t(kImages) * 10), sumPLogP(kImages);
    std::vector<uint32_t> votes(size_t(kImages) * 10);
    for (int i = 0; i < kImages; ++i) {
      const int from = kImages - 1 - i;
      for (int c = 0; c < 10; ++c) {
        logSum[size_t(i) * 10 + c] = flipped->predictive.logSum()[size_t(from) * 10 + c];
        votes[size_t(i) * 10 + c] = flipped->predictive.votes()[size_t(from) * 10 + c];
      }
      sumPLogP[size_t(i)] = flipped->predictive.sumPLogP()[size_t(from)];
    }
    reversed->predictive.restore(kImages, 10, 2, std::move(logSum), std::move(sumPLogP), std::move(votes));
  }
  feed(viewRun("a", "Run A", reversed));
  QCOMPARE(m_view->gallery()->listView()->currentIndex().row(), 0);
  QCOMPARE(m_view->state()->selectedImage(), 49);
  QVERIFY(m_view->detail()->title().startsWith(QStringLiteral("Test image #49:")));
  QVERIFY(m_view->gallery()->listView()->selectionModel()->isSelected(model()->index(0)));
}

void TestUncertaintyView::orderIsHeldUnderThePointer() {
  GalleryPane* g = m_view->gallery();
  const auto before = model()->sharedAnalysis();
  g->setPointerOver(true);
  // A newer result whose order differs (everything shifted): held while the pointer is over it.
  feed(viewRun("a", "Run A", handMadeRun(true, 0.3), QColor("#1f77b4"), true));
  QVERIFY(g->isHoldingUpdate());
  QCOMPARE(model()->sharedAnalysis(), before);
  QVERIFY(g->countText().contains(QStringLiteral("waits for the pointer")));
  // The rest of the explorer shows the newer numbers already.
  QCOMPARE(m_view->summary()->cellText(0, SummaryPane::UncertainColumn), QStringLiteral("15"));
  g->setPointerOver(false);  // leaving applies it
  QVERIFY(!g->isHoldingUpdate());
  QVERIFY(model()->sharedAnalysis() != before);
  // The Update button applies it too.
  g->setPointerOver(true);
  feed(viewRun("a", "Run A", handMadeRun(true, 0.2), QColor("#1f77b4"), true));
  QVERIFY(g->isHoldingUpdate());
  g->applyHeldUpdate();
  QVERIFY(!g->isHoldingUpdate());
  // Another run is the user's own choice: shown at once even under the pointer.
  feed(viewRun("b", "Run B", handMadeRun()));
  m_view->state()->setPrimary("b");
  QVERIFY(m_jobs->waitForIdle());
  QVERIFY(!g->isHoldingUpdate());
  QCOMPARE(model()->sharedAnalysis(), m_view->state()->primary()->analysis->analysis);
}

void TestUncertaintyView::compactLayoutMovesTheDetail() {
  m_view->resize(1000, 560);
  QVERIFY(m_view->isCompact());
  QCOMPARE(m_view->chartTabs()->indexOf(m_view->detail()), 0);
  QCOMPARE(m_view->exports().first().baseName, QStringLiteral("per_digit"));
  m_view->chartTabs()->setCurrentWidget(m_view->perDigit());  // the detail tab is hidden now
  m_view->resize(1400, 900);
  QVERIFY(!m_view->isCompact());
  QCOMPARE(m_view->chartTabs()->indexOf(m_view->detail()), -1);
  QCOMPARE(m_view->chartTabs()->count(), 3);
  QVERIFY(m_view->detail()->isVisible());
}

void TestUncertaintyView::exports() {
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  m_view->chartTabs()->setCurrentWidget(m_view->thresholdCurves());  // as a user would
  QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
  const ChartExport e = m_view->exports().first();
  QCOMPARE(e.baseName, QStringLiteral("threshold_curve"));
  QCOMPARE(e.charts.size(), 2);
  QString error;
  const QString svg = dir.filePath(QStringLiteral("curves.svg"));
  QVERIFY2(chart_export::save(e, ExportFormat::Svg, svg, &error), qPrintable(error));
  QFile f(svg);
  QVERIFY(f.open(QIODevice::ReadOnly));
  const QByteArray text = f.readAll();
  QVERIFY(text.contains("<svg"));
  QVERIFY(text.contains("Accuracy on retained"));  // vector text, not a bitmap
  const QString png = dir.filePath(QStringLiteral("curves.png"));
  QVERIFY2(chart_export::save(e, ExportFormat::Png, png, &error), qPrintable(error));
  QCOMPARE(QImage(png).width(), e.charts[0]->width() + e.charts[1]->width());
  QVERIFY(!chart_export::save(e, ExportFormat::Png, dir.filePath(QStringLiteral("no/such/x.png")), &error));
  QVERIFY(error.contains(QStringLiteral("no/such/x.png")));
  // CSV: one table with a run column, the shown and the compared run.
  feed(viewRun("b", "Run, B", handMadeRun(true, 0.2), QColor("#ff7f0e")));
  m_view->state()->setComparison("b");
  QVERIFY(m_jobs->waitForIdle());
  const QString csv = dir.filePath(QStringLiteral("curves.csv"));
  QVERIFY(chart_export::save(m_view->exports().first(), ExportFormat::Csv, csv, &error));
  QFile c(csv);
  QVERIFY(c.open(QIODevice::ReadOnly | QIODevice::Text));
  const QStringList lines = QString::fromUtf8(c.readAll()).split('\n', Qt::SkipEmptyParts);
  QVERIFY(lines[0].startsWith(QStringLiteral("run,threshold")));
  QCOMPARE(lines.size(), 1 + 90 + 90);
  QVERIFY(lines[1].startsWith(QStringLiteral("Run A,")));
  QVERIFY(lines[91].startsWith(QStringLiteral("\"Run, B\",")));
  // Tiles: the first 15, all that pass the filter, or the selected ones, as a 5-column grid.
  GalleryPane* g = m_view->gallery();
  QCOMPARE(g->tilesFor(GalleryPane::TileSet::First15).size(), 15);
  QCOMPARE(g->tilesFor(GalleryPane::TileSet::All).size(), kImages);
  QCOMPARE(g->tilesFor(GalleryPane::TileSet::Selected).size(), 1);
  const QString tiles = dir.filePath(QStringLiteral("tiles.png"));
  QVERIFY2(g->exportTiles(GalleryPane::TileSet::All, tiles, &error), qPrintable(error));
  const QSize tile = GalleryDelegate::tileSize();
  QCOMPARE(QImage(tiles).size(), QSize(5 * tile.width(), 10 * tile.height()));
}

QTEST_MAIN(TestUncertaintyView)
#include "tst_uncertainty_view.moc"
