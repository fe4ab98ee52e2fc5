// Uncertainty measures on small hand-made predictives with known answers.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "analysis/uncertainty.h"
#include "run/predictive.h"

using namespace bnn;

namespace {

// A predictive with S = 1 whose p̄ rows are given directly (so the mutual information is 0).
PredictiveAccumulator singleSample(const std::vector<std::vector<double>>& rows) {
  const int64_t n = int64_t(rows.size());
  const int k = int(rows.front().size());
  std::vector<double> logSum, sumPLogP;
  std::vector<uint32_t> votes;
  for (const auto& r : rows) {
    double plogp = 0;
    int best = 0;
    for (int c = 0; c < k; ++c) {
      logSum.push_back(std::log(r[size_t(c)]));
      if (r[size_t(c)] > 0) plogp += r[size_t(c)] * std::log(r[size_t(c)]);
      if (r[size_t(c)] > r[size_t(best)]) best = c;
    }
    sumPLogP.push_back(plogp);
    for (int c = 0; c < k; ++c) votes.push_back(c == best ? 1u : 0u);
  }
  PredictiveAccumulator p;
  p.restore(n, k, 1, std::move(logSum), std::move(sumPLogP), std::move(votes));
  return p;
}

UncertaintyAnalysis analyze(const PredictiveAccumulator& p, const std::vector<uint8_t>& labels) {
  auto r = analyzeUncertainty(p, labels);
  if (!r.ok()) qFatal("analysis failed: %s", r.error().message().c_str());
  return std::move(r).value();
}

// Six images over three classes, S = 1:
//   i  p̄                  true  pred  max p̄
//   0  [0.50 0.30 0.20]    0     0     0.50  right
//   1  [0.20 0.70 0.10]    2     1     0.70  wrong
//   2  [0.96 0.02 0.02]    0     0     0.96  right
//   3  [0.01 0.98 0.01]    1     1     0.98  right
//   4  [0.97 0.02 0.01]    2     0     0.97  wrong (confidently at t = 0.95)
//   5  [0.40 0.20 0.40]    2     0     0.40  wrong (tie resolved to the lowest class)
UncertaintyAnalysis sixImages() {
  return analyze(singleSample({{0.5, 0.3, 0.2},
                               {0.2, 0.7, 0.1},
                               {0.96, 0.02, 0.02},
                               {0.01, 0.98, 0.01},
                               {0.97, 0.02, 0.01},
                               {0.4, 0.2, 0.4}}),
                 {0, 2, 0, 1, 2, 2});
}

std::vector<int32_t> ints(std::initializer_list<int32_t> v) { return v; }

}  // namespace

class TestUncertainty : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void entropySplitOfDisagreeingSamples();
  void entropySplitFromAddedLogProbs();
  void agreeingSamplesHaveNoMutualInformation();
  void perImageMeasures();
  void summaryAtThreshold();
  void nothingRetainedGivesNaNAccuracy();
  void retainedAndUncertainPartition_data();
  void retainedAndUncertainPartition();
  void perClassCounts();
  void thresholdCurvePoints();
  void defaultThresholdGrid();
  void smallestDropToReach99();
  void riskCoverageWithoutTies();
  void riskCoverageTiesEnterTogether();
  void rankingTiesByIndex();
  void filters();
  void csvTables();
  void badInput();
};

void TestUncertainty::entropySplitOfDisagreeingSamples() {
  // Two samples [1, 0] and [0, 1]: p̄ = [.5, .5], H = ln 2, E H = 0, MI = ln 2.
  PredictiveAccumulator p;
  p.restore(1, 2, 2, {std::log(1.0), std::log(1.0)}, {0.0}, {1u, 1u});
  const auto a = analyze(p, {0});
  QCOMPARE(a.probability(0, 0), 0.5);
  QCOMPARE(a.probability(0, 1), 0.5);
  QVERIFY(std::abs(a.entropy[0] - std::log(2.0)) < 1e-12);
  QCOMPARE(a.expectedEntropy[0], 0.0);
  QVERIFY(std::abs(a.mutualInformation[0] - std::log(2.0)) < 1e-12);
  QCOMPARE(a.vote(0, 0), 0.5);
  QCOMPARE(a.vote(0, 1), 0.5);
  QCOMPARE(int(a.predicted[0]), 0);  // tie: lowest class
}

void TestUncertainty::entropySplitFromAddedLogProbs() {
  // Samples [0.9, 0.1] and [0.1, 0.9] through add(): p̄ = [.5, .5],
  // E H = -(0.9 ln 0.9 + 0.1 ln 0.1), MI = ln 2 - E H.
  PredictiveAccumulator p(1, 2);
  const float s1[2] = {std::log(0.9f), std::log(0.1f)};
  const float s2[2] = {std::log(0.1f), std::log(0.9f)};
  p.add(s1);
  p.add(s2);
  const auto a = analyze(p, {1});
  const double eh = -(0.9 * std::log(0.9) + 0.1 * std::log(0.1));
  QVERIFY(std::abs(a.probability(0, 0) - 0.5) < 1e-6);
  QVERIFY(std::abs(a.entropy[0] - std::log(2.0)) < 1e-6);
  QVERIFY(std::abs(a.expectedEntropy[0] - eh) < 1e-5);
  QVERIFY(std::abs(a.mutualInformation[0] - (std::log(2.0) - eh)) < 1e-5);
  QCOMPARE(a.vote(0, 0), 0.5);
  QCOMPARE(a.vote(0, 1), 0.5);
  QCOMPARE(a.sampleCount, int64_t(2));
}

void TestUncertainty::agreeingSamplesHaveNoMutualInformation() {
  // Three identical samples [0.7, 0.2, 0.1]: H[p̄] = E H, MI = 0 exactly (clamped, never < 0).
  PredictiveAccumulator p(1, 3);
  const float s[3] = {std::log(0.7f), std::log(0.2f), std::log(0.1f)};
  for (int i = 0; i < 3; ++i) p.add(s);
  const auto a = analyze(p, {0});
  QVERIFY(std::abs(a.entropy[0] - a.expectedEntropy[0]) < 1e-6);
  QVERIFY(a.mutualInformation[0] >= 0.0);
  QVERIFY(a.mutualInformation[0] < 1e-6);
  QCOMPARE(a.vote(0, 0), 1.0);
}

void TestUncertainty::perImageMeasures() {
  const auto a = sixImages();
  QCOMPARE(a.numImages, int64_t(6));
  QCOMPARE(a.numClasses, 3);
  const std::vector<int> predicted{0, 1, 0, 1, 0, 0};
  const std::vector<double> maxProb{0.5, 0.7, 0.96, 0.98, 0.97, 0.4};
  for (int i = 0; i < 6; ++i) {
    QCOMPARE(int(a.predicted[size_t(i)]), predicted[size_t(i)]);
    QVERIFY(std::abs(a.maxProb[size_t(i)] - maxProb[size_t(i)]) < 1e-12);
  }
  const double h0 = -(0.5 * std::log(0.5) + 0.3 * std::log(0.3) + 0.2 * std::log(0.2));
  QVERIFY(std::abs(a.entropy[0] - h0) < 1e-12);
  QVERIFY(a.mutualInformation[0] < 1e-12);  // S = 1
  QCOMPARE(a.ensembleAccuracy, 0.5);
  // NLL = -1/6 Σ log p̄(y_i)
  const double nll =
      -(std::log(0.5) + std::log(0.1) + std::log(0.96) + std::log(0.98) + std::log(0.01) + std::log(0.4)) /
      6.0;
  QVERIFY(std::abs(a.negLogLikelihood - nll) < 1e-12);
}

void TestUncertainty::summaryAtThreshold() {
  const auto a = sixImages();
  const auto s = summarizeUncertainty(a, 0.95, 0.4);
  QCOMPARE(s.retained, int64_t(3));  // images 2, 3, 4
  QCOMPARE(s.uncertain, int64_t(3));
  QCOMPARE(s.retainedShare, 0.5);
  QVERIFY(std::abs(s.retainedAccuracy - 2.0 / 3.0) < 1e-12);
  QCOMPARE(s.misclassified, int64_t(3));
  QCOMPARE(s.confidentlyWrong, int64_t(1));  // image 4
  QCOMPARE(s.ensembleAccuracy, 0.5);
  QCOMPARE(s.lastSampleAccuracy, 0.4);
  QVERIFY(std::abs(s.accuracyGain - 0.1) < 1e-12);
  // Boundary: max p̄ == t is retained.
  QCOMPARE(retainedCount(a, 0.5), int64_t(5));
  QCOMPARE(retainedCount(a, std::nextafter(0.5, 1.0)), int64_t(4));
  // Unknown last-sample accuracy leaves the difference undefined.
  QVERIFY(std::isnan(summarizeUncertainty(a, 0.95, std::nan("")).accuracyGain));
}

void TestUncertainty::nothingRetainedGivesNaNAccuracy() {
  const auto a = sixImages();
  QVERIFY(std::isnan(retainedAccuracy(a, 0.99)));
  const auto s = summarizeUncertainty(a, 0.99, 0.5);
  QCOMPARE(s.retained, int64_t(0));
  QCOMPARE(s.uncertain, int64_t(6));
  QVERIFY(std::isnan(s.retainedAccuracy));
  QCOMPARE(s.confidentlyWrong, int64_t(0));
}

void TestUncertainty::retainedAndUncertainPartition_data() {
  QTest::addColumn<double>("t");
  for (double t : {0.0, 0.1, 0.4, 0.45, 0.5, 0.7, 0.96, 0.97, 0.98, 0.99, 1.0})
    QTest::newRow(QByteArray::number(t).constData()) << t;
}

void TestUncertainty::retainedAndUncertainPartition() {
  QFETCH(double, t);
  const auto a = sixImages();
  const auto s = summarizeUncertainty(a, t, 0.5);
  QCOMPARE(s.retained + s.uncertain, a.numImages);
  const auto pc = perClassUncertainty(a, t);
  int64_t uncertain = 0, total = 0;
  for (int c = 0; c < 3; ++c) {
    uncertain += pc.uncertain[size_t(c)];
    total += pc.total[size_t(c)];
  }
  QCOMPARE(uncertain, s.uncertain);
  QCOMPARE(total, a.numImages);
  // Brute force against the definition.
  int64_t retained = 0, wrongRetained = 0;
  for (int64_t i = 0; i < a.numImages; ++i)
    if (a.maxProb[size_t(i)] >= t) {
      ++retained;
      if (!a.correct(i)) ++wrongRetained;
    }
  QCOMPARE(s.retained, retained);
  QCOMPARE(s.confidentlyWrong, wrongRetained);
  GalleryFilter f;
  f.onlyConfidentlyWrong = true;
  f.threshold = t;
  QCOMPARE(int64_t(rankedImages(a, UncertaintyOrder::MaxProbAscending, f).size()), wrongRetained);
}

void TestUncertainty::perClassCounts() {
  const auto pc = perClassUncertainty(sixImages(), 0.95);
  QCOMPARE(pc.total, (std::vector<int64_t>{2, 1, 3}));
  QCOMPARE(pc.uncertain, (std::vector<int64_t>{1, 0, 2}));
  QCOMPARE(pc.share[0], 0.5);
  QCOMPARE(pc.share[1], 0.0);
  QVERIFY(std::abs(pc.share[2] - 2.0 / 3.0) < 1e-12);
  // A class without test images has an undefined share.
  const auto b = analyze(singleSample({{0.6, 0.3, 0.1}}), {0});
  const auto pb = perClassUncertainty(b, 0.95);
  QCOMPARE(pb.uncertain[0], int64_t(1));
  QVERIFY(std::isnan(pb.share[1]));
}

void TestUncertainty::thresholdCurvePoints() {
  const auto c = thresholdCurve(sixImages(), {0.1, 0.5, 0.97, 0.99});
  QCOMPARE(c.retained, (std::vector<int64_t>{6, 5, 2, 0}));
  QCOMPARE(c.accuracy[0], 0.5);
  QCOMPARE(c.accuracy[1], 0.6);
  QCOMPARE(c.accuracy[2], 0.5);
  QVERIFY(std::isnan(c.accuracy[3]));
  QCOMPARE(c.percentDropped[0], 0.0);
  QCOMPARE(c.percentDropped[1], 100.0 / 6.0);  // one rounding of the exact ratio
  QCOMPARE(c.percentDropped[2], 400.0 / 6.0);
  QCOMPARE(c.percentDropped[3], 100.0);
}

void TestUncertainty::defaultThresholdGrid() {
  const auto t = defaultThresholds();
  QCOMPARE(int(t.size()), 90);
  QCOMPARE(t.front(), 0.1);
  QCOMPARE(t.back(), 1.0);
  QVERIFY(std::abs(t[1] - (0.1 + 0.9 / 89.0)) < 1e-15);
  QVERIFY(linspace(0, 1, 0).empty());
}

void TestUncertainty::smallestDropToReach99() {
  const auto a = sixImages();
  // Only t = 0.98 keeps just correct images (image 3): 5 of 6 dropped.
  const auto d = smallestDropReaching(thresholdCurve(a, {0.1, 0.5, 0.97, 0.98, 0.99}), 0.99);
  QVERIFY(d.found);
  QVERIFY(std::abs(d.percentDropped - 500.0 / 6.0) < 1e-9);
  QCOMPARE(d.threshold, 0.98);
  QCOMPARE(d.accuracy, 1.0);
  // Never reached: reported as not found with NaN values.
  const auto none = smallestDropReaching(thresholdCurve(a, {0.1, 0.5, 0.97, 0.99}), 0.99);
  QVERIFY(!none.found);
  QVERIFY(std::isnan(none.percentDropped));
}

void TestUncertainty::riskCoverageWithoutTies() {
  // Descending max p̄: 3 (right) 4 (wrong) 2 (right) 1 (wrong) 0 (right) 5 (wrong).
  const auto r = riskCoverage(sixImages());
  QCOMPARE(int(r.coverage.size()), 6);
  const std::vector<double> risk{0.0, 0.5, 1.0 / 3.0, 0.5, 0.4, 0.5};
  for (int k = 0; k < 6; ++k) {
    QVERIFY(std::abs(r.coverage[size_t(k)] - (k + 1) / 6.0) < 1e-12);
    QVERIFY(std::abs(r.risk[size_t(k)] - risk[size_t(k)]) < 1e-12);
  }
  // Mean of the selective risks.
  const double aurc = (0.0 + 0.5 + 1.0 / 3.0 + 0.5 + 0.4 + 0.5) / 6.0;
  QVERIFY(std::abs(r.aurc - aurc) < 1e-12);
}

void TestUncertainty::riskCoverageTiesEnterTogether() {
  // max p̄: 0.9 (right), 0.6 (right), 0.6 (wrong). The tie enters as one group whichever
  // index is the wrong one: points (1/3, 0) and (1, 1/3); AURC = 1/3 * 0 + 2/3 * 1/3 = 2/9.
  for (int wrongIndex : {1, 2}) {
    std::vector<uint8_t> labels{0, 0, 0};
    labels[size_t(wrongIndex)] = 1;
    const auto a = analyze(singleSample({{0.9, 0.1}, {0.6, 0.4}, {0.6, 0.4}}), labels);
    const auto r = riskCoverage(a);
    QCOMPARE(int(r.coverage.size()), 2);
    QVERIFY(std::abs(r.coverage[0] - 1.0 / 3.0) < 1e-12);
    QCOMPARE(r.risk[0], 0.0);
    QCOMPARE(r.coverage[1], 1.0);
    QVERIFY(std::abs(r.risk[1] - 1.0 / 3.0) < 1e-12);
    QVERIFY(std::abs(r.aurc - 2.0 / 9.0) < 1e-12);
    QVERIFY(std::abs(r.threshold[1] - 0.6) < 1e-12);
  }
}

void TestUncertainty::rankingTiesByIndex() {
  // Images 1 and 3 share max p̄ 0.6 and entropy; 0 and 2 share 0.8.
  const auto a =
      analyze(singleSample({{0.8, 0.2}, {0.6, 0.4}, {0.2, 0.8}, {0.4, 0.6}, {0.99, 0.01}}), {0, 0, 1, 1, 0});
  QCOMPARE(rankedImages(a, UncertaintyOrder::MaxProbAscending), ints({1, 3, 0, 2, 4}));
  QCOMPARE(a.byMaxProbDescending, ints({4, 0, 2, 1, 3}));
  QCOMPARE(rankedImages(a, UncertaintyOrder::EntropyDescending), ints({1, 3, 0, 2, 4}));
  // S = 1: all MI are 0, so the order is the index order.
  QCOMPARE(rankedImages(a, UncertaintyOrder::MutualInformationDescending), ints({0, 1, 2, 3, 4}));
}

void TestUncertainty::filters() {
  const auto a = sixImages();
  const auto order = UncertaintyOrder::MaxProbAscending;  // 5 0 1 2 4 3
  QCOMPARE(rankedImages(a, order), ints({5, 0, 1, 2, 4, 3}));
  GalleryFilter f;
  f.trueClass = 2;
  QCOMPARE(rankedImages(a, order, f), ints({5, 1, 4}));
  f = {};
  f.predictedClass = 0;
  QCOMPARE(rankedImages(a, order, f), ints({5, 0, 2, 4}));
  f = {};
  f.onlyMisclassified = true;
  QCOMPARE(rankedImages(a, order, f), ints({5, 1, 4}));
  f.onlyConfidentlyWrong = true;
  f.threshold = 0.95;
  QCOMPARE(rankedImages(a, order, f), ints({4}));
  f.threshold = 0.6;
  QCOMPARE(rankedImages(a, order, f), ints({1, 4}));
  f = {};
  f.trueClass = 2;
  f.predictedClass = 1;
  QCOMPARE(rankedImages(a, order, f), ints({1}));
  f.trueClass = 1;
  QCOMPARE(rankedImages(a, UncertaintyOrder::EntropyDescending, f), ints({3}));
}

void TestUncertainty::csvTables() {
  const auto a = sixImages();
  const std::string ranked = rankedImagesCsv(a, rankedImages(a, UncertaintyOrder::MaxProbAscending));
  QVERIFY(ranked.rfind("index,true,predicted,max_prob,entropy,mutual_information,"
                       "vote_share_of_predicted\n5,2,0,0.4,",
                       0) == 0);
  QCOMPARE(std::count(ranked.begin(), ranked.end(), '\n'), 7L);
  const std::string curve = thresholdCurveCsv(thresholdCurve(a, {0.5, 0.99}));
  QCOMPARE(curve, std::string("threshold,retained,accuracy_on_retained,percent_dropped\n"
                              "0.5,5,0.6,16.666666666666668\n"
                              "0.99,0,nan,100\n"));
  const std::string perClass = perClassCsv(perClassUncertainty(a, 0.95), 0.95);
  QVERIFY(perClass.find("\n2,3,2,0.6666666666666666,0.95\n") != std::string::npos);
  const std::string rc = riskCoverageCsv(riskCoverage(a));
  QVERIFY(rc.rfind("coverage,risk,max_prob_threshold\n", 0) == 0);
  QCOMPARE(std::count(rc.begin(), rc.end(), '\n'), 7L);
}

void TestUncertainty::badInput() {
  PredictiveAccumulator empty(4, 10);
  auto r = analyzeUncertainty(empty, {0, 1, 2, 3});
  QVERIFY(!r.ok());
  QCOMPARE(r.error().code, ErrorCode::BadFormat);
  QVERIFY(QString::fromStdString(r.error().message()).contains("sampled"));

  const auto p = singleSample({{0.6, 0.4}, {0.3, 0.7}});
  auto mismatch = analyzeUncertainty(p, {0});
  QVERIFY(!mismatch.ok());
  QVERIFY(QString::fromStdString(mismatch.error().message()).contains("label count"));
  auto range = analyzeUncertainty(p, {0, 7});
  QVERIFY(!range.ok());
  QCOMPARE(range.error().offset, int64_t(1));
}

QTEST_GUILESS_MAIN(TestUncertainty)
#include "tst_uncertainty.moc"
