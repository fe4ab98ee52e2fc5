// Out-of-distribution metrics against brute-force definitions (every in/out pair for AUROC, every
// threshold for average precision) on small lists full of ties, and known hand-computed values.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "analysis/ood.h"
#include "analysis/uncertainty.h"
#include "run/predictive.h"
#include "util/random_stream.h"

using namespace bnn;

namespace {

using Scores = std::vector<double>;

// P(out > in) + ½ P(out = in) over all pairs.
double bruteAuroc(const Scores& in, const Scores& out) {
  double u = 0;
  for (double o : out)
    for (double i : in) u += o > i ? 1.0 : o == i ? 0.5 : 0.0;
  return u / (double(in.size()) * double(out.size()));
}

// Average precision straight from the definition: thresholds = the distinct scores, high to low;
// at each, P and R of "score >= threshold".
double bruteAp(const Scores& in, const Scores& out) {
  std::set<double, std::greater<>> thresholds(in.begin(), in.end());
  thresholds.insert(out.begin(), out.end());
  double ap = 0, previousRecall = 0;
  for (double t : thresholds) {
    const double tp = double(std::count_if(out.begin(), out.end(), [&](double v) { return v >= t; }));
    const double fp = double(std::count_if(in.begin(), in.end(), [&](double v) { return v >= t; }));
    const double recall = tp / double(out.size());
    ap += (recall - previousRecall) * (tp / (tp + fp));
    previousRecall = recall;
  }
  return ap;
}

// Integer-valued scores in [0, range): many ties.
Scores randomScores(int n, int range, uint64_t seed, int shift) {
  RandomStream rs(seed);
  Scores s(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    uint32_t b[4];
    rs.bits(0, uint64_t(i), b);
    s[size_t(i)] = double(int(b[0] % uint32_t(range)) + shift);
  }
  return s;
}

}  // namespace

class TestOod : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void aurocEqualsPairwiseCount_data();
  void aurocEqualsPairwiseCount();
  void aurocExtremes();
  void knownAverageAndRoc();
  void averagePrecisionEqualsBruteForce_data();
  void averagePrecisionEqualsBruteForce();
  void fprAt95OnKnownList();
  void fprAt95WithTiesAtThreshold();
  void rocCurveShapeAndDownsampling();
  void histogramsShareEdges();
  void mostConfidentOodOrder();
  void nanAndEmptyGiveNaN();
  void scoresFromPredictive();
};

void TestOod::aurocEqualsPairwiseCount_data() {
  QTest::addColumn<int>("n");
  QTest::addColumn<int>("m");
  QTest::addColumn<int>("range");
  QTest::addColumn<int>("shift");
  QTest::newRow("tiny, heavy ties") << 5 << 4 << 3 << 0;
  QTest::newRow("ties, shifted out") << 40 << 30 << 6 << 2;
  QTest::newRow("few ties") << 200 << 150 << 1000 << 100;
  QTest::newRow("all equal") << 10 << 10 << 1 << 0;
  QTest::newRow("one each") << 1 << 1 << 2 << 0;
}

void TestOod::aurocEqualsPairwiseCount() {
  QFETCH(int, n);
  QFETCH(int, m);
  QFETCH(int, range);
  QFETCH(int, shift);
  const Scores in = randomScores(n, range, 11, 0), out = randomScores(m, range, 12, shift);
  const double expected = bruteAuroc(in, out);
  QVERIFY(std::abs(auroc(in, out) - expected) < 1e-15);
  QVERIFY(std::abs(oodMetrics(in, out).auroc - expected) < 1e-15);
}

void TestOod::aurocExtremes() {
  const Scores in{0.1, 0.2, 0.2, 0.3}, out{0.5, 0.5, 0.9};
  QCOMPARE(auroc(in, out), 1.0);  // perfect separation
  QCOMPARE(auroc(out, in), 0.0);  // perfectly reversed
  QCOMPARE(auroc(in, in), 0.5);   // identical lists
  QCOMPARE(averagePrecision(in, out), 1.0);
  const auto m = oodMetrics(in, out);
  QCOMPARE(m.fprAtTpr, 0.0);
}

void TestOod::knownAverageAndRoc() {
  // The example of sklearn's documentation: labels [0, 0, 1, 1], scores [.1, .4, .35, .8]:
  // average precision 0.8333..., ROC AUC 0.75.
  const Scores in{0.1, 0.4}, out{0.35, 0.8};
  QVERIFY(std::abs(averagePrecision(in, out) - 5.0 / 6.0) < 1e-15);
  QCOMPARE(auroc(in, out), 0.75);
  const auto roc = rocCurve(in, out);
  // Thresholds +inf, .8, .4, .35, .1: (0,0) (0,.5) (.5,.5) (.5,1) (1,1).
  QCOMPARE(roc.fpr, (std::vector<double>{0, 0, 0.5, 0.5, 1}));
  QCOMPARE(roc.tpr, (std::vector<double>{0, 0.5, 0.5, 1, 1}));
  QCOMPARE(roc.threshold[1], 0.8);
  QCOMPARE(roc.threshold[4], 0.1);
}

void TestOod::averagePrecisionEqualsBruteForce_data() { aurocEqualsPairwiseCount_data(); }

void TestOod::averagePrecisionEqualsBruteForce() {
  QFETCH(int, n);
  QFETCH(int, m);
  QFETCH(int, range);
  QFETCH(int, shift);
  const Scores in = randomScores(n, range, 21, 0), out = randomScores(m, range, 22, shift);
  const double expected = bruteAp(in, out);
  QVERIFY(std::abs(averagePrecision(in, out) - expected) < 1e-12);
  QVERIFY(std::abs(oodMetrics(in, out).aupr - expected) < 1e-12);
}

void TestOod::fprAt95OnKnownList() {
  // OOD scores 1..20: ceil(0.95 * 20) = 19 must be >= τ, so τ = 2 (the 19th largest), TPR 19/20.
  Scores out;
  for (int v = 1; v <= 20; ++v) out.push_back(v);
  // In-distribution: ten scores, four of them >= 2 (2, 2.5, 7, 30): FPR 0.4.
  const Scores in{-3, 0, 0.5, 1, 1.5, 1.99, 2, 2.5, 7, 30};
  const auto r = oodMetrics(in, out);
  QCOMPARE(r.threshold, 2.0);
  QCOMPARE(r.tprAchieved, 0.95);
  QCOMPARE(r.fprAtTpr, 0.4);
  QCOMPARE(r.numIn, int64_t(10));
  QCOMPARE(r.numOut, int64_t(20));
  // 10 OOD scores 1..10: ceil(9.5) = 10 -> τ = 1 (the smallest), TPR 1.
  const Scores out10{10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  const auto r10 = oodMetrics(in, out10);
  QCOMPARE(r10.threshold, 1.0);
  QCOMPARE(r10.tprAchieved, 1.0);
  QCOMPARE(r10.fprAtTpr, 0.7);  // 1, 1.5, 1.99, 2, 2.5, 7, 30
  // Another target: 50% TPR on 1..20 -> the 10th largest, 11.
  QCOMPARE(oodMetrics(in, out, 0.5).threshold, 11.0);
}

void TestOod::fprAt95WithTiesAtThreshold() {
  // OOD scores 0, 1, 1, 1, 2..17: the 19th largest falls in the run of three 1s.
  Scores out{0, 1, 1, 1};
  for (int v = 2; v <= 17; ++v) out.push_back(v);
  QCOMPARE(out.size(), size_t(20));
  const Scores in{0, 1, 1, 5};
  const auto r = oodMetrics(in, out);
  QCOMPARE(r.threshold, 1.0);  // the largest τ with >= 19 OOD scores >= τ
  QCOMPARE(r.tprAchieved, 0.95);
  QCOMPARE(r.fprAtTpr, 0.75);  // in scores 1, 1, 5
  // With the largest-τ rule, raising τ above 1 would leave only 16 OOD scores.
  Scores tied(20, 4.0);
  const auto t = oodMetrics(in, tied);
  QCOMPARE(t.threshold, 4.0);
  QCOMPARE(t.tprAchieved, 1.0);
  QCOMPARE(t.fprAtTpr, 0.25);
}

void TestOod::rocCurveShapeAndDownsampling() {
  const Scores in = randomScores(5000, 100000, 31, 0), out = randomScores(4000, 100000, 32, 30000);
  const auto full = rocCurve(in, out, 1 << 30);
  const auto small = rocCurve(in, out, 100);
  for (const auto* c : {&full, &small}) {
    QCOMPARE(c->fpr.front(), 0.0);
    QCOMPARE(c->tpr.front(), 0.0);
    QCOMPARE(c->fpr.back(), 1.0);
    QCOMPARE(c->tpr.back(), 1.0);
    for (size_t i = 1; i < c->fpr.size(); ++i) {
      QVERIFY(c->fpr[i] >= c->fpr[i - 1]);
      QVERIFY(c->tpr[i] >= c->tpr[i - 1]);
      QVERIFY(c->threshold[i] < c->threshold[i - 1]);
    }
  }
  QVERIFY(full.fpr.size() > 5000);
  QVERIFY(small.fpr.size() <= 102);
  // The area under the full staircase (trapezoids) is the AUROC.
  double area = 0;
  for (size_t i = 1; i < full.fpr.size(); ++i)
    area += (full.fpr[i] - full.fpr[i - 1]) * (full.tpr[i] + full.tpr[i - 1]) / 2;
  QVERIFY(std::abs(area - auroc(in, out)) < 1e-12);
  // Downsampled trapezoid area stays within the 2 / maxPoints band.
  double areaSmall = 0;
  for (size_t i = 1; i < small.fpr.size(); ++i)
    areaSmall += (small.fpr[i] - small.fpr[i - 1]) * (small.tpr[i] + small.tpr[i - 1]) / 2;
  QVERIFY(std::abs(areaSmall - area) < 0.02);
}

void TestOod::histogramsShareEdges() {
  const Scores in{0, 1, 2, 3}, out{2, 4, 4, std::numeric_limits<double>::infinity()};
  const auto h = scoreHistograms(in, out, 4);
  QCOMPARE(h.edges, (std::vector<double>{0, 1, 2, 3, 4}));
  QCOMPARE(h.inCounts, (std::vector<int64_t>{1, 1, 1, 1}));
  QCOMPARE(h.outCounts, (std::vector<int64_t>{0, 0, 1, 3}));  // 4 and +inf in the closed last bin
  QCOMPARE(h.outShare[3], 0.75);
  const auto same = scoreHistograms(Scores{5, 5}, Scores{5}, 3);
  QCOMPARE(same.inCounts[0] + same.inCounts[1] + same.inCounts[2], int64_t(2));
  QVERIFY(same.edges.front() < 5 && same.edges.back() > 5);
}

void TestOod::mostConfidentOodOrder() {
  // Scores -max p̄: the most confident are the lowest; ties by index.
  const Scores out{-0.5, -0.99, -0.7, -0.99, std::nan(""), -1.0};
  QCOMPARE(mostConfidentOod(out, 3), (std::vector<int32_t>{5, 1, 3}));
  QCOMPARE(mostConfidentOod(out, 100), (std::vector<int32_t>{5, 1, 3, 2, 0, 4}));
  QVERIFY(mostConfidentOod(out, 0).empty());
}

void TestOod::nanAndEmptyGiveNaN() {
  const Scores ok{1, 2}, bad{1, std::nan("")};
  QVERIFY(std::isnan(auroc(ok, bad)));
  QVERIFY(std::isnan(averagePrecision(bad, ok)));
  const auto m = oodMetrics(ok, bad);
  QVERIFY(std::isnan(m.auroc) && std::isnan(m.aupr) && std::isnan(m.fprAtTpr));
  QVERIFY(rocCurve(ok, bad).fpr.empty());
  QVERIFY(std::isnan(auroc(ok, Scores{})));
  const auto e = oodMetrics(Scores{}, ok);
  QVERIFY(std::isnan(e.auroc));
  QCOMPARE(e.aupr, 1.0);  // nothing in-distribution: every flagged image is OOD
  QVERIFY(std::isnan(e.fprAtTpr));
}

void TestOod::scoresFromPredictive() {
  // Two samples over two images, three classes, through the accumulator.
  PredictiveAccumulator p(2, 3);
  const float s1[6] = {std::log(0.8f), std::log(0.1f), std::log(0.1f),
                       std::log(0.2f), std::log(0.3f), std::log(0.5f)};
  const float s2[6] = {std::log(0.1f), std::log(0.8f), std::log(0.1f),
                       std::log(0.2f), std::log(0.3f), std::log(0.5f)};
  p.add(s1);
  p.add(s2);
  const std::vector<float> last{0.1f, 0.8f, 0.1f, 0.2f, 0.3f, 0.5f};
  const auto set = oodScoreSet(p, last);
  // Image 0: p̄ = [.45 .45 .1]; H = -(2 .45 ln .45 + .1 ln .1); E H = -(.8 ln .8 + 2 .1 ln .1).
  const double h0 = -(2 * 0.45 * std::log(0.45) + 0.1 * std::log(0.1));
  const double eh0 = -(0.8 * std::log(0.8) + 2 * 0.1 * std::log(0.1));
  QVERIFY(std::abs(set.negMaxProb[0] + 0.45) < 1e-6);
  QVERIFY(std::abs(set.entropy[0] - h0) < 1e-6);
  QVERIFY(std::abs(set.mutualInformation[0] - (h0 - eh0)) < 1e-5);
  // Image 1: both samples agree, MI = 0 exactly (clamped).
  QCOMPARE(set.mutualInformation[1], 0.0);
  QVERIFY(std::abs(set.negMaxProbLastSample[0] + 0.8) < 1e-7);
  // The same from the explorer's analysis agrees to float precision.
  auto a = analyzeUncertainty(p, {0, 2});
  QVERIFY(a.ok());
  const auto set2 = oodScoreSet(*a);
  for (int i = 0; i < 2; ++i) {
    QVERIFY(std::abs(set.entropy[size_t(i)] - set2.entropy[size_t(i)]) < 1e-6);
    QVERIFY(std::abs(set.mutualInformation[size_t(i)] - set2.mutualInformation[size_t(i)]) < 1e-6);
    QVERIFY(std::abs(set.negMaxProb[size_t(i)] - set2.negMaxProb[size_t(i)]) < 1e-6);
  }
  QVERIFY(set2.negMaxProbLastSample.empty());
  // Table: the last-sample row only when both sets have it.
  QCOMPARE(oodTable(set, set).size(), size_t(4));
  QCOMPARE(oodTable(set, set2).size(), size_t(3));
  QCOMPARE(oodTable(set, set)[2].kind, OodScoreKind::MutualInformation);
}

QTEST_GUILESS_MAIN(TestOod)
#include "tst_ood.moc"
