// The gallery's list model under QAbstractItemModelTester: source changes, orders, filters,
// empty and image-less runs, roles.
#include <QtTest>

#include <QAbstractItemModelTester>
#include <cmath>
#include <memory>

#include "analysis/uncertainty.h"
#include "explorer/uncertainty_gallery_model.h"
#include "run/run_result.h"

namespace {

// Four images over ten classes, S = 1. max p̄: 0.9 (right), 0.4 (wrong), 0.6 (right), 0.4 (right).
std::shared_ptr<bnn::RunResult> makeRun(bool withImages) {
  auto run = std::make_shared<bnn::RunResult>();
  const double maxP[4] = {0.9, 0.4, 0.6, 0.4};
  const int predicted[4] = {1, 2, 3, 4};
  auto test = std::make_shared<bnn::ImageSet>();
  test->count = 4;
  test->labels = {1, 5, 3, 4};
  std::vector<double> logSum, sumPLogP;
  std::vector<uint32_t> votes;
  for (int i = 0; i < 4; ++i) {
    const double rest = (1.0 - maxP[i]) / 9.0;
    double plogp = 0;
    for (int c = 0; c < 10; ++c) {
      const double p = c == predicted[i] ? maxP[i] : rest;
      logSum.push_back(std::log(p));
      plogp += p * std::log(p);
      votes.push_back(c == predicted[i] ? 1u : 0u);
    }
    sumPLogP.push_back(plogp);
  }
  run->predictive.restore(4, 10, 1, std::move(logSum), std::move(sumPLogP), std::move(votes));
  if (withImages) test->pixels.assign(4 * 28 * 28, 128);
  run->test = std::move(test);
  return run;
}

std::shared_ptr<const bnn::UncertaintyAnalysis> analyse(const bnn::RunResult& run) {
  auto r = bnn::analyzeUncertainty(run);
  if (!r.ok()) qFatal("%s", r.error().message().c_str());
  return std::make_shared<const bnn::UncertaintyAnalysis>(std::move(r).value());
}

}  // namespace

class TestUncertaintyGalleryModel : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void emptyModel();
  void ordersAndFilters();
  void roles();
  void runWithoutImages();
};

void TestUncertaintyGalleryModel::emptyModel() {
  UncertaintyGalleryModel m;
  QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
  QCOMPARE(m.rowCount(), 0);
  QVERIFY(!m.hasImages());
  QCOMPARE(m.imageIndexAt(0), -1);
  auto run = makeRun(true);
  m.setSource(run, analyse(*run));
  QCOMPARE(m.rowCount(), 4);
  m.setSource(nullptr, nullptr);
  QCOMPARE(m.rowCount(), 0);
}

void TestUncertaintyGalleryModel::ordersAndFilters() {
  UncertaintyGalleryModel m;
  QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
  auto run = makeRun(true);
  m.setSource(run, analyse(*run));
  QCOMPARE(m.rows(), (std::vector<int32_t>{1, 3, 2, 0}));  // tie 0.4: lower index first
  m.setOrder(bnn::UncertaintyOrder::EntropyDescending);
  QCOMPARE(m.rows(), (std::vector<int32_t>{1, 3, 2, 0}));
  m.setOrder(bnn::UncertaintyOrder::MutualInformationDescending);  // S = 1: all 0, index order
  QCOMPARE(m.rows(), (std::vector<int32_t>{0, 1, 2, 3}));
  m.setOrder(bnn::UncertaintyOrder::MaxProbAscending);
  bnn::GalleryFilter f;
  f.onlyMisclassified = true;
  m.setFilter(f);
  QCOMPARE(m.rows(), (std::vector<int32_t>{1}));
  QCOMPARE(m.rowOfImage(1), 0);
  QCOMPARE(m.rowOfImage(0), -1);
  f = {};
  f.trueClass = 4;
  m.setFilter(f);
  QCOMPARE(m.rows(), (std::vector<int32_t>{3}));
  f = {};
  f.onlyConfidentlyWrong = true;
  f.threshold = 0.3;
  m.setFilter(f);
  QCOMPARE(m.rows(), (std::vector<int32_t>{1}));
  f.threshold = 0.5;
  m.setFilter(f);
  QCOMPARE(m.rowCount(), 0);
}

void TestUncertaintyGalleryModel::roles() {
  UncertaintyGalleryModel m;
  auto run = makeRun(true);
  m.setSource(run, analyse(*run));
  const QModelIndex first = m.index(0);  // image 1: true 5, predicted 2, max p̄ 0.4
  QCOMPARE(first.data(UncertaintyGalleryModel::ImageIndexRole).toInt(), 1);
  QCOMPARE(first.data(UncertaintyGalleryModel::TrueClassRole).toInt(), 5);
  QCOMPARE(first.data(UncertaintyGalleryModel::PredictedClassRole).toInt(), 2);
  QVERIFY(!first.data(UncertaintyGalleryModel::CorrectRole).toBool());
  QVERIFY(std::abs(first.data(UncertaintyGalleryModel::MaxProbRole).toDouble() - 0.4) < 1e-12);
  const auto probs = first.data(UncertaintyGalleryModel::ProbabilitiesRole).value<QList<double>>();
  QCOMPARE(probs.size(), 10);
  double sum = 0;
  for (double p : probs) sum += p;
  QVERIFY(std::abs(sum - 1.0) < 1e-12);
  const auto votes = first.data(UncertaintyGalleryModel::VoteSharesRole).value<QList<double>>();
  QCOMPARE(votes.at(2), 1.0);
  QVERIFY(first.data(Qt::DisplayRole).toString().contains(QStringLiteral("true 5")));
  QVERIFY(first.data(Qt::ToolTipRole).toString().contains(QStringLiteral("(wrong)")));
  const QImage img = first.data(UncertaintyGalleryModel::DigitImageRole).value<QImage>();
  QCOMPARE(img.size(), QSize(28, 28));
  QCOMPARE(qGray(img.pixel(5, 5)), 128);
  QVERIFY(m.roleNames().contains(UncertaintyGalleryModel::MutualInformationRole));
}

void TestUncertaintyGalleryModel::runWithoutImages() {
  UncertaintyGalleryModel m;
  QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
  auto run = makeRun(false);
  m.setSource(run, analyse(*run));
  QVERIFY(!m.hasImages());
  QCOMPARE(m.rowCount(), 4);
  QVERIFY(m.index(0).data(UncertaintyGalleryModel::DigitImageRole).value<QImage>().isNull());
}

QTEST_MAIN(TestUncertaintyGalleryModel)
#include "tst_uncertainty_gallery_model.moc"
