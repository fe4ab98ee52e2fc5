// The uncertainty explorer on a hand-made 50-image run: gallery order and filters, per-digit
// bars, summary text, threshold curves, risk-coverage, detail panel, comparison, exports.
#include <QtTest>

#include <QAbstractItemModelTester>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineSeries>
#include <QListView>
#include <QScatterSeries>
#include <QSlider>
#include <QTabWidget>
#include <QTemporaryDir>
#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>

#include "gallery_delegate.h"
#include "run/run_result.h"
#include "uncertainty_explorer.h"
#include "uncertainty_export.h"
#include "uncertainty_gallery_model.h"

namespace {

constexpr int kImages = 50;

// Image i: true digit i % 10; max p̄ = 0.505 + 0.01 i on the predicted class, the rest spread
// evenly. Images with i % 7 == 0 are predicted as (true + 1) % 10 (wrong). S = 2 samples that
// agree on the argmax; the mutual information of image i is miOf(i) (a permutation of levels).
double maxProbOf(int i) { return 0.505 + 0.01 * i; }
bool wrongOf(int i) { return i % 7 == 0; }
int predictedOf(int i) { return wrongOf(i) ? (i % 10 + 1) % 10 : i % 10; }
double miOf(int i) { return 0.001 * ((i * 17) % 50); }

std::shared_ptr<bnn::RunResult> makeRun(bool withImages = true, double shift = 0.0) {
  auto run = std::make_shared<bnn::RunResult>();
  auto test = std::make_shared<bnn::ImageSet>();
  const int k = 10, s = 2;
  std::vector<double> logSum, sumPLogP;
  std::vector<uint32_t> votes;
  for (int i = 0; i < kImages; ++i) {
    const double m = std::min(0.999, maxProbOf(i) + shift);
    const double rest = (1.0 - m) / 9.0;
    double h = 0;
    for (int c = 0; c < k; ++c) {
      const double p = c == predictedOf(i) ? m : rest;
      logSum.push_back(std::log(s * p));  // log Σ_s p_s with both samples' mean p̄
      h -= p * std::log(p);
      votes.push_back(c == predictedOf(i) ? uint32_t(s) : 0u);
    }
    sumPLogP.push_back(-s * (h - miOf(i)));  // E_s H[p_s] = H[p̄] - MI
    test->labels.push_back(uint8_t(i % 10));
  }
  test->count = kImages;
  run->predictive.restore(kImages, k, s, std::move(logSum), std::move(sumPLogP), std::move(votes));
  if (withImages) {
    test->pixels.resize(size_t(kImages) * 28 * 28);
    for (int i = 0; i < kImages; ++i)
      for (int p = 0; p < 28 * 28; ++p)
        test->pixels[size_t(i) * 784 + size_t(p)] = uint8_t((p % 28 > 8 && p % 28 < 20) ? 5 * i : 0);
  }
  run->test = std::move(test);
  run->lastPointwiseAccuracy = 0.8;
  run->outcome.status = bnn::RunStatus::Completed;
  return run;
}

std::vector<int> galleryRows(UncertaintyGalleryModel* m) {
  std::vector<int> rows;
  for (int r = 0; r < m->rowCount(); ++r)
    rows.push_back(m->index(r).data(UncertaintyGalleryModel::ImageIndexRole).toInt());
  return rows;
}

std::vector<int> expected(std::initializer_list<int> v) { return v; }

}  // namespace

class TestUncertaintyExplorer : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void init();
  void cleanup();
  void galleryOrderAndCount();
  void galleryFilters();
  void galleryOrderings();
  void summaryAtDefaultAndChangedThreshold();
  void sliderAndSpinStayInSync();
  void perDigitBars();
  void clickingABarFiltersTheGallery();
  void thresholdCurves();
  void riskCoverageLegendAndOperatingPoint();
  void detailPanel();
  void comparisonRun();
  void runWithoutSamples();
  void runWithoutImages();
  void snapshotKeepsSelection();
  void exports();

 private:
  std::unique_ptr<UncertaintyExplorer> m_w;
  UncertaintyGalleryModel* model() {
    return qobject_cast<UncertaintyGalleryModel*>(
        m_w->findChild<QListView*>(QStringLiteral("gallery"))->model());
  }
  QLabel* label(const char* name) { return m_w->findChild<QLabel*>(QString::fromLatin1(name)); }
  QChart* chart(const char* name) { return m_w->findChild<QChartView*>(QString::fromLatin1(name))->chart(); }
  void setThreshold(double t) {
    m_w->findChild<QDoubleSpinBox*>(QStringLiteral("thresholdSpin"))->setValue(t);
  }
};

void TestUncertaintyExplorer::init() {
  m_w = std::make_unique<UncertaintyExplorer>();
  m_w->resize(1400, 900);
  m_w->setRun(QStringLiteral("a"), QStringLiteral("Run A"), makeRun());
  m_w->show();
}

void TestUncertaintyExplorer::cleanup() { m_w.reset(); }

void TestUncertaintyExplorer::galleryOrderAndCount() {
  QAbstractItemModelTester tester(model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
  std::vector<int> all(kImages);
  std::iota(all.begin(), all.end(), 0);
  QCOMPARE(galleryRows(model()), all);  // max p̄ increases with the index
  QCOMPARE(label("galleryCount")->text(), QStringLiteral("50 of 50 images"));
  // The least certain image is selected and detailed from the start.
  QCOMPARE(m_w->findChild<QListView*>(QStringLiteral("gallery"))->currentIndex().row(), 0);
  QVERIFY(label("detailTitle")->text().startsWith(QStringLiteral("Test image #0:")));
  const QModelIndex first = model()->index(0);
  QCOMPARE(first.data(UncertaintyGalleryModel::TrueClassRole).toInt(), 0);
  QCOMPARE(first.data(UncertaintyGalleryModel::PredictedClassRole).toInt(), 1);
  QCOMPARE(first.data(UncertaintyGalleryModel::CorrectRole).toBool(), false);
  QVERIFY(std::abs(first.data(UncertaintyGalleryModel::MaxProbRole).toDouble() - 0.505) < 1e-12);
  QCOMPARE(first.data(UncertaintyGalleryModel::ProbabilitiesRole).value<QList<double>>().size(), 10);
  QCOMPARE(first.data(UncertaintyGalleryModel::DigitImageRole).value<QImage>().size(), QSize(28, 28));
}

void TestUncertaintyExplorer::galleryFilters() {
  QAbstractItemModelTester tester(model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
  auto* trueFilter = m_w->findChild<QComboBox*>(QStringLiteral("trueDigitFilter"));
  auto* predFilter = m_w->findChild<QComboBox*>(QStringLiteral("predictedDigitFilter"));
  auto* wrong = m_w->findChild<QCheckBox*>(QStringLiteral("onlyMisclassified"));
  auto* confident = m_w->findChild<QCheckBox*>(QStringLiteral("confidentlyWrong"));

  trueFilter->setCurrentIndex(3 + 1);
  QCOMPARE(galleryRows(model()), expected({3, 13, 23, 33, 43}));
  QCOMPARE(label("galleryCount")->text(), QStringLiteral("5 of 50 images"));
  trueFilter->setCurrentIndex(0);
  predFilter->setCurrentIndex(3 + 1);  // true 3 (all right) and image 42 (true 2, predicted 3)
  QCOMPARE(galleryRows(model()), expected({3, 13, 23, 33, 42, 43}));
  predFilter->setCurrentIndex(0);
  wrong->setChecked(true);
  QCOMPARE(galleryRows(model()), expected({0, 7, 14, 21, 28, 35, 42, 49}));
  wrong->setChecked(false);
  confident->setChecked(true);  // wrong with max p̄ >= 0.95: only image 49 (0.995)
  QCOMPARE(galleryRows(model()), expected({49}));
  setThreshold(0.7);  // max p̄ >= 0.7 from image 20 on
  QTRY_COMPARE(galleryRows(model()), expected({21, 28, 35, 42, 49}));
  trueFilter->setCurrentIndex(8 + 1);
  QCOMPARE(galleryRows(model()), expected({28}));
}

void TestUncertaintyExplorer::galleryOrderings() {
  QAbstractItemModelTester tester(model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
  auto* order = m_w->findChild<QComboBox*>(QStringLiteral("galleryOrder"));
  order->setCurrentIndex(1);  // entropy, highest first: entropy falls as max p̄ rises
  std::vector<int> all(kImages);
  std::iota(all.begin(), all.end(), 0);
  QCOMPARE(galleryRows(model()), all);
  order->setCurrentIndex(2);  // mutual information, highest first
  std::vector<int> byMi = all;
  std::stable_sort(byMi.begin(), byMi.end(), [](int a, int b) { return miOf(a) > miOf(b); });
  QCOMPARE(galleryRows(model()), byMi);
  QVERIFY(std::abs(model()->index(0).data(UncertaintyGalleryModel::MutualInformationRole).toDouble() -
                   0.049) < 1e-9);
}

void TestUncertaintyExplorer::summaryAtDefaultAndChangedThreshold() {
  QLabel* s = label("summaryLabel");
  QVERIFY(s->text().contains(QStringLiteral("Run A")));
  QVERIFY(s->text().contains(QStringLiteral("ensemble accuracy <b>84.00%</b>")));
  QVERIFY(s->text().contains(QStringLiteral("last sample 80.00%")));
  QVERIFY(s->text().contains(QStringLiteral("difference +4.00 points")));
  QVERIFY(s->text().contains(QStringLiteral("certain at t = 0.950: <b>10.0%</b> (5 of 50)")));
  QVERIFY(s->text().contains(QStringLiteral("accuracy on them 80.00%")));
  QVERIFY(s->text().contains(QStringLiteral("uncertain 45")));
  QVERIFY(s->text().contains(QStringLiteral("confidently wrong 1")));
  setThreshold(0.8);  // max p̄ >= 0.8 from image 30 on: 20 images, 3 of them wrong (35, 42, 49)
  QTRY_VERIFY(s->text().contains(QStringLiteral("certain at t = 0.800: <b>40.0%</b> (20 of 50)")));
  QVERIFY(s->text().contains(QStringLiteral("accuracy on them 85.00%")));
  QVERIFY(s->text().contains(QStringLiteral("confidently wrong 3")));
  setThreshold(1.0);  // nothing retained: accuracy undefined, shown as n/a
  QTRY_VERIFY(s->text().contains(QStringLiteral("(0 of 50), accuracy on them n/a")));
}

void TestUncertaintyExplorer::sliderAndSpinStayInSync() {
  auto* slider = m_w->findChild<QSlider*>(QStringLiteral("thresholdSlider"));
  auto* spin = m_w->findChild<QDoubleSpinBox*>(QStringLiteral("thresholdSpin"));
  QCOMPARE(slider->value(), 950);
  QCOMPARE(spin->value(), 0.95);
  // Several moves in a row: only the last one is applied.
  for (int v : {900, 700, 600, 500}) slider->setValue(v);
  QCOMPARE(spin->value(), 0.5);
  QTRY_VERIFY(label("summaryLabel")->text().contains(QStringLiteral("(50 of 50)")));
  spin->setValue(0.9);
  QCOMPARE(slider->value(), 900);
}

void TestUncertaintyExplorer::perDigitBars() {
  auto* series = qobject_cast<QBarSeries*>(chart("perDigitChart")->series().at(0));
  QCOMPARE(series->count(), 1);
  QBarSet* set = series->barSets().at(0);
  // Uncertain (max p̄ < 0.95) are images 0..44: five per digit 0-4, four per digit 5-9.
  for (int d = 0; d < 10; ++d) QCOMPARE(set->at(d), d < 5 ? 5.0 : 4.0);
  m_w->findChild<QComboBox*>(QStringLiteral("perDigitMode"))->setCurrentIndex(1);
  set = series->barSets().at(0);
  for (int d = 0; d < 10; ++d) QCOMPARE(set->at(d), d < 5 ? 100.0 : 80.0);
  setThreshold(0.5);  // everything certain
  QTRY_COMPARE(series->barSets().at(0)->sum(), 0.0);
}

void TestUncertaintyExplorer::clickingABarFiltersTheGallery() {
  auto* series = qobject_cast<QBarSeries*>(chart("perDigitChart")->series().at(0));
  Q_EMIT series->clicked(6, series->barSets().at(0));
  QCOMPARE(m_w->findChild<QComboBox*>(QStringLiteral("trueDigitFilter"))->currentText(), QStringLiteral("6"));
  QCOMPARE(galleryRows(model()), expected({6, 16, 26, 36, 46}));
}

void TestUncertaintyExplorer::thresholdCurves() {
  const auto accSeries = chart("accuracyChart")->series();
  auto* acc = qobject_cast<QLineSeries*>(accSeries.at(0));
  auto* marker = qobject_cast<QLineSeries*>(accSeries.at(2));
  // 90 thresholds; at t = 1.0 nothing is retained (max p̄ <= 0.995), so the curve stops at 89.
  QCOMPARE(acc->count(), 89);
  QCOMPARE(acc->at(0).x(), 0.1);
  QCOMPARE(acc->at(0).y(), 0.84);
  QVERIFY(std::abs(acc->at(88).x() - (0.1 + 88 * 0.9 / 89)) < 1e-12);
  QCOMPARE(acc->at(88).y(), 0.0);  // only image 49 (wrong) is retained at t = 0.98989...
  QCOMPARE(marker->count(), 2);
  QCOMPARE(marker->at(0).x(), 0.95);
  QCOMPARE(marker->name(), QStringLiteral("t = 0.950"));
  auto* dropped = qobject_cast<QLineSeries*>(chart("droppedChart")->series().at(0));
  QCOMPARE(dropped->count(), 90);
  QCOMPARE(dropped->at(0).y(), 0.0);
  QCOMPARE(dropped->at(89).y(), 100.0);
  // Image 49 is wrong and the most confident: no threshold reaches 99%.
  QVERIFY(label("drop99Label")->text().contains(QStringLiteral("no threshold reaches 99% accuracy")));
  setThreshold(0.6);
  QTRY_COMPARE(marker->at(0).x(), 0.6);
  QCOMPARE(qobject_cast<QLineSeries*>(chart("droppedChart")->series().at(2))->at(1).x(), 0.6);
}

void TestUncertaintyExplorer::riskCoverageLegendAndOperatingPoint() {
  const auto series = chart("riskCoverageChart")->series();
  auto* curve = qobject_cast<QLineSeries*>(series.at(0));
  QCOMPARE(curve->count(), kImages);           // no ties
  QCOMPARE(curve->at(0), QPointF(0.02, 1.0));  // the most confident image (49) is wrong
  QVERIFY(curve->name().startsWith(QStringLiteral("Run A (AURC ")));
  auto* points = qobject_cast<QScatterSeries*>(series.at(2));
  QCOMPARE(points->count(), 1);
  QCOMPARE(points->at(0).x(), 0.1);  // 5 of 50 retained at t = 0.95
  QVERIFY(std::abs(points->at(0).y() - 0.2) < 1e-12);
}

void TestUncertaintyExplorer::detailPanel() {
  auto* view = m_w->findChild<QListView*>(QStringLiteral("gallery"));
  view->setCurrentIndex(model()->index(7));  // image 7: true 7, predicted 8
  QCOMPARE(label("detailTitle")->text(), QStringLiteral("Test image #7: true 7, predicted 8 (wrong)"));
  const QString measures = label("detailMeasures")->text();
  QVERIFY(measures.contains(QStringLiteral("max p̄ = 0.5750")));
  QVERIFY(measures.contains(QStringLiteral("vote share of 8 = 1.000")));
  QVERIFY(measures.contains(QStringLiteral("mutual information = 0.0190 nats")));
  auto* bars = qobject_cast<QBarSeries*>(chart("detailChart")->series().at(0));
  QBarSet* mean = bars->barSets().at(0);
  QBarSet* votes = bars->barSets().at(1);
  QCOMPARE(mean->label(), QStringLiteral("p̄"));
  QCOMPARE(votes->label(), QStringLiteral("vote share"));
  QVERIFY(std::abs(mean->at(8) - 0.575) < 1e-12);
  QVERIFY(std::abs(mean->at(7) - 0.425 / 9) < 1e-12);
  QCOMPARE(votes->at(8), 1.0);
  QCOMPARE(votes->at(7), 0.0);
  auto* digit = m_w->findChild<QWidget*>(QStringLiteral("detailDigit"));
  QVERIFY(digit);
}

void TestUncertaintyExplorer::comparisonRun() {
  m_w->setRun(QStringLiteral("b"), QStringLiteral("Run B"), makeRun(true, 0.2));
  auto* compare = m_w->findChild<QComboBox*>(QStringLiteral("compareRunCombo"));
  QCOMPARE(compare->count(), 2);  // (none), Run B
  compare->setCurrentIndex(1);
  Q_EMIT compare->activated(1);
  QVERIFY(label("summaryLabel")->text().contains(QStringLiteral("Run B")));
  auto* series = qobject_cast<QBarSeries*>(chart("perDigitChart")->series().at(0));
  QCOMPARE(series->count(), 2);
  QCOMPARE(series->barSets().at(1)->label(), QStringLiteral("Run B"));
  // Run B is 0.2 more confident: max p̄ >= 0.95 from image 25 on, so 25 uncertain.
  QCOMPARE(series->barSets().at(1)->sum(), 25.0);
  auto* accB = qobject_cast<QLineSeries*>(chart("accuracyChart")->series().at(1));
  QVERIFY(accB->isVisible());
  QCOMPARE(accB->name(), QStringLiteral("Run B"));
  QCOMPARE(qobject_cast<QScatterSeries*>(chart("riskCoverageChart")->series().at(2))->count(), 2);
  // Switching: the comparison becomes the shown run.
  m_w->showRun(QStringLiteral("b"));
  QCOMPARE(m_w->findChild<QComboBox*>(QStringLiteral("primaryRunCombo"))->currentText(),
           QStringLiteral("Run B"));
  m_w->renameRun(QStringLiteral("b"), QStringLiteral("Run B2"));
  QVERIFY(label("summaryLabel")->text().contains(QStringLiteral("Run B2")));
  m_w->removeRun(QStringLiteral("b"));
  QCOMPARE(m_w->findChild<QComboBox*>(QStringLiteral("primaryRunCombo"))->currentText(),
           QStringLiteral("Run A"));
  QCOMPARE(model()->rowCount(), kImages);
}

void TestUncertaintyExplorer::runWithoutSamples() {
  auto empty = std::make_shared<bnn::RunResult>();
  empty->predictive.reset(kImages, 10);
  auto labels = std::make_shared<bnn::ImageSet>();
  labels->count = kImages;
  labels->labels.assign(kImages, 0);
  empty->test = std::move(labels);
  m_w->setRun(QStringLiteral("e"), QStringLiteral("Fresh"), empty);
  m_w->showRun(QStringLiteral("e"));
  QVERIFY(label("summaryLabel")->text().contains(QStringLiteral("nothing has been sampled yet")));
  QCOMPARE(model()->rowCount(), 0);
  QCOMPARE(label("galleryCount")->text(), QStringLiteral("no images"));
  QCOMPARE(qobject_cast<QLineSeries*>(chart("accuracyChart")->series().at(0))->count(), 0);
  QCOMPARE(qobject_cast<QBarSeries*>(chart("perDigitChart")->series().at(0))->count(), 0);
}

void TestUncertaintyExplorer::runWithoutImages() {
  m_w->setRun(QStringLiteral("a"), QStringLiteral("Run A"), makeRun(false));
  QVERIFY(!model()->hasImages());
  QVERIFY(model()->index(0).data(UncertaintyGalleryModel::DigitImageRole).value<QImage>().isNull());
  QCOMPARE(model()->rowCount(), kImages);
  const QImage shot = m_w->grab().toImage();  // text-only tiles paint without images
  QVERIFY(!shot.isNull());
}

void TestUncertaintyExplorer::snapshotKeepsSelection() {
  auto* view = m_w->findChild<QListView*>(QStringLiteral("gallery"));
  view->setCurrentIndex(model()->index(12));
  m_w->setRun(QStringLiteral("a"), QStringLiteral("Run A"), makeRun());  // a newer snapshot
  QCOMPARE(view->currentIndex().row(), 12);
  QVERIFY(label("detailTitle")->text().startsWith(QStringLiteral("Test image #12:")));
}

void TestUncertaintyExplorer::exports() {
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  m_w->findChild<QTabWidget*>(QStringLiteral("chartTabs"))->setCurrentIndex(1);  // as a user would
  QVERIFY(QTest::qWaitForWindowExposed(m_w.get()));
  QCoreApplication::processEvents();
  QList<QChartView*> charts{m_w->findChild<QChartView*>(QStringLiteral("accuracyChart")),
                            m_w->findChild<QChartView*>(QStringLiteral("droppedChart"))};
  QString error;
  const QString svg = dir.filePath(QStringLiteral("curves.svg"));
  QVERIFY2(uncertainty_export::saveChartsSvg(charts, svg, QStringLiteral("curves"), &error),
           qPrintable(error));
  QFile f(svg);
  QVERIFY(f.open(QIODevice::ReadOnly));
  const QByteArray text = f.readAll();
  QVERIFY(text.contains("<svg"));
  QVERIFY(text.contains("Accuracy on retained"));  // vector text, not a bitmap
  const QString png = dir.filePath(QStringLiteral("curves.png"));
  QVERIFY(uncertainty_export::saveChartsPng(charts, png, &error));
  QImage img(png);
  QCOMPARE(img.width(), charts[0]->width() + charts[1]->width());
  QVERIFY(!uncertainty_export::saveChartsPng(charts, dir.filePath(QStringLiteral("no/such/x.png")), &error));
  QVERIFY(uncertainty_export::saveText(dir.filePath(QStringLiteral("t.csv")), "a,b\n1,2\n", &error));
  QList<GalleryTile> tiles;
  for (int r = 0; r < 15; ++r) tiles.append(GalleryDelegate::tileFromIndex(model()->index(r)));
  const QImage grid = uncertainty_export::galleryGrid(tiles, 5, m_w->palette());
  QCOMPARE(grid.size(),
           QSize(5 * GalleryDelegate::tileSize().width(), 3 * GalleryDelegate::tileSize().height()));
  QCOMPARE(tiles[0].imageIndex, 0);
  QCOMPARE(tiles[0].digit.size(), QSize(28, 28));
}

QTEST_MAIN(TestUncertaintyExplorer)
#include "tst_uncertainty_explorer.moc"
