// Bayes decisions with a reject option on constructed p̄ with hand-computed risks, the 0-1 loss
// equivalence with the explorer's threshold curve (ties included), the sweep against per-image
// decisions, and the cost-matrix CSV reader on good, bad and random bytes.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "analysis/decision.h"
#include "analysis/uncertainty.h"
#include "util/random_stream.h"

using namespace bnn;

namespace {

RiskProfile profile(const std::vector<double>& p, const std::vector<uint8_t>& y, const CostMatrix& c) {
  auto r = riskProfile(std::span<const double>(p), std::span<const uint8_t>(y), c);
  if (!r.ok()) qFatal("profile failed: %s", r.error().message().c_str());
  return std::move(r).value();
}

bool near(double a, double b, double tol = 1e-12) { return std::abs(a - b) <= tol; }

// The explorer's analysis filled directly from p̄ rows (S = 1), with the orderings that
// thresholdCurve reads: the same fields analyzeUncertainty builds, without the log round trip.
UncertaintyAnalysis analysisFromRows(const std::vector<double>& p, int k, const std::vector<uint8_t>& y) {
  UncertaintyAnalysis a;
  const int64_t n = int64_t(y.size());
  a.numImages = n;
  a.numClasses = k;
  a.sampleCount = 1;
  a.meanProbs = p;
  a.labels = y;
  a.predicted.resize(size_t(n));
  a.maxProb.resize(size_t(n));
  for (int64_t i = 0; i < n; ++i) {
    int best = 0;
    for (int c = 1; c < k; ++c)
      if (p[size_t(i * k + c)] > p[size_t(i * k + best)]) best = c;
    a.predicted[size_t(i)] = uint8_t(best);
    a.maxProb[size_t(i)] = p[size_t(i * k + best)];
  }
  a.byMaxProbDescending.resize(size_t(n));
  std::iota(a.byMaxProbDescending.begin(), a.byMaxProbDescending.end(), 0);
  std::sort(a.byMaxProbDescending.begin(), a.byMaxProbDescending.end(), [&](int32_t x, int32_t z) {
    const double u = a.maxProb[size_t(x)], v = a.maxProb[size_t(z)];
    return u != v ? u > v : x < z;
  });
  a.correctPrefix.assign(size_t(n) + 1, 0);
  for (int64_t j = 0; j < n; ++j)
    a.correctPrefix[size_t(j) + 1] =
        a.correctPrefix[size_t(j)] + (a.correct(a.byMaxProbDescending[size_t(j)]) ? 1 : 0);
  return a;
}

uint32_t word(const RandomStream& rs, uint64_t i, int w = 0) {
  uint32_t b[4];
  rs.bits(7, i, b);
  return b[w];
}

const std::string kValid =
    "# a comment\n"
    "0,1,1\n"
    "2, 0 ,1\n"
    "1,1,0\n";

}  // namespace

class TestDecision : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void handComputedDecisions();
  void argminTiesGoToLowestDecision();
  void roundedRowsUseTheirMeaning();
  void presets();
  void presetDecisions();
  void zeroOneReproducesThresholdCurve_data();
  void zeroOneReproducesThresholdCurve();
  void sweepMatchesPerImageDecisions();
  void withoutLabels();
  void deferredGalleryOrder();
  void csvRoundTrip();
  void csvAccepts();
  void csvRefuses_data();
  void csvRefuses();
  void csvFiles();
  void csvRandomBytesNeverCrash();
  void badProfiles();
};

void TestDecision::handComputedDecisions() {
  // C = [[0 1 4] [2 0 1] [1 1 0]] (row = decision a, column = truth k).
  CostMatrix c{3, {0, 1, 4, 2, 0, 1, 1, 1, 0}};
  //  x  p̄               R(0)  R(1)  R(2)   a*  R*   y  C[a*, y]
  //  0  [.6  .3  .1]     .7    1.3   .9     0   .7   0  0
  //  1  [.2  .3  .5]     2.3   .9    .5     2   .5   1  1
  //  2  [.5  .5  0 ]     .5    1     1      0   .5   0  0
  //  3  [.25 .25 .5]     2.25  1     .5     2   .5   2  0
  const std::vector<double> p{.6, .3, .1, .2, .3, .5, .5, .5, 0, .25, .25, .5};
  const auto prof = profile(p, {0, 1, 0, 2}, c);
  QCOMPARE(prof.bestAction, (std::vector<uint8_t>{0, 2, 0, 2}));
  QVERIFY(near(prof.minRisk[0], .7));
  QCOMPARE(prof.minRisk[1], .5);
  QCOMPARE(prof.minRisk[2], .5);
  QCOMPARE(prof.minRisk[3], .5);
  QCOMPARE(prof.bestActionCost, (std::vector<double>{0, 1, 0, 0}));

  // c = .6: image 0 deferred (.7 > .6); the others decided.
  const auto d = decide(prof, .6);
  QCOMPARE(d.decision, (std::vector<int8_t>{kDeferred, 2, 0, 2}));
  QCOMPARE(d.summary.deferred, int64_t(1));
  QCOMPARE(d.summary.deferralRate, .25);
  QVERIFY(near(d.summary.realisedCostPerImage, (.6 + 1) / 4));
  QVERIFY(near(d.summary.expectedCostPerImage, (.6 + .5 + .5 + .5) / 4));
  QVERIFY(near(d.summary.accuracyOnDecided, 2.0 / 3));
  QCOMPARE(d.realisedCost, (std::vector<double>{.6, 1, 0, 0}));
  QCOMPARE(d.expectedCost[0], .6);

  // c = .5 equals R* of images 1-3: they are decided (defer only when R* > c).
  const auto tie = decisionSummary(prof, .5);
  QCOMPARE(tie.deferred, int64_t(1));
  QVERIFY(near(tie.realisedCostPerImage, (.5 + 1) / 4));
  // c = .4: everything deferred; accuracy on decided undefined.
  const auto all = decisionSummary(prof, .4);
  QCOMPARE(all.deferred, int64_t(4));
  QVERIFY(near(all.realisedCostPerImage, .4));
  QVERIFY(near(all.expectedCostPerImage, .4));
  QVERIFY(std::isnan(all.accuracyOnDecided));
  // c = +inf: nothing deferred, no inf * 0.
  const auto never = decisionSummary(prof, std::numeric_limits<double>::infinity());
  QCOMPARE(never.deferred, int64_t(0));
  QVERIFY(near(never.realisedCostPerImage, .25));
  // NaN or negative c: undefined.
  QVERIFY(std::isnan(decisionSummary(prof, std::nan("")).deferralRate));
  QVERIFY(std::isnan(decisionSummary(prof, -1).realisedCostPerImage));

  // Confusion at c = .6: truth 0 -> {decided 0: 1, deferred: 1}; truth 1 -> decided 2 (cost 1);
  // truth 2 -> decided 2 (cost 0).
  const auto m = decisionConfusion(prof, .6);
  QCOMPARE(m.count(0, 0), int64_t(1));
  QCOMPARE(m.count(0, 3), int64_t(1));
  QCOMPARE(m.count(1, 2), int64_t(1));
  QCOMPARE(m.count(2, 2), int64_t(1));
  QCOMPARE(std::accumulate(m.counts.begin(), m.counts.end(), int64_t(0)), int64_t(4));
  QCOMPARE(m.cellCost(0, 3), .6);
  QCOMPARE(m.cellCost(1, 2), 1.0);
  QVERIFY(near(m.totalCost(), 4 * d.summary.realisedCostPerImage));
}

void TestDecision::argminTiesGoToLowestDecision() {
  // 0-1 loss, p̄ = [.4 .4 .2]: R(0) = R(1) = .6 -> a* = 0. p̄ = [.2 .4 .4] -> a* = 1.
  const auto prof = profile({.4, .4, .2, .2, .4, .4}, {1, 2}, zeroOneCosts(3));
  QCOMPARE(prof.bestAction, (std::vector<uint8_t>{0, 1}));
  QVERIFY(near(prof.minRisk[0], .6));
}

void TestDecision::roundedRowsUseTheirMeaning() {
  // The accumulator's float p̄ of a confident image: exactly 1.0 for the top class, 1e-9 and 2e-9
  // beside it (the row sums to more than 1). Its 0-1 risk is 1 - 1 = 0, so at c = 0 it is decided,
  // as the explorer retains it at t = 1 (max p̄ >= 1); summing the other classes would defer it.
  const std::vector<float> p{1.0f, 1e-9f, 2e-9f, 0.5f, 0.25f, 0.25f};
  auto prof = riskProfile(std::span<const float>(p), std::vector<uint8_t>{0, 0}, zeroOneCosts(3));
  QVERIFY(prof.ok());
  QCOMPARE(prof->minRisk[0], 0.0);
  QCOMPARE(prof->minRisk[1], 0.5);
  QCOMPARE(decide(*prof, 0.0).decision[0], int8_t(0));
  QCOMPARE(decisionSummary(*prof, 0.0).deferred, int64_t(1));
  // Baselines: the most common off-diagonal cost of each row (smallest on ties).
  QCOMPARE(riskBaselines(zeroOneCosts(4)), std::vector<double>(4, 1.0));
  QCOMPARE(riskBaselines(costPreset(CostPreset::Miss7)), std::vector<double>(10, 1.0));
  QCOMPARE(riskBaselines(CostMatrix{3, {0, 1, 4, 2, 0, 1, 3, 3, 0}}), (std::vector<double>{1, 1, 3}));
  QCOMPARE(riskBaselines(CostMatrix{1, {0}}), std::vector<double>(1, 0.0));
  // With a row that sums to 1 the rewritten risk is Σ_k C[a, k] p̄_k.
  const CostMatrix c{3, {0, 1, 4, 2, 0, 1, 3, 3, 0}};
  const std::vector<double> q{0.125, 0.375, 0.5};
  const auto r = profile(q, {}, c);
  // R(0) = .375 + 2 = 2.375, R(1) = .25 + .5 = .75, R(2) = 3 (.125 + .375) = 1.5 -> a* = 1.
  QCOMPARE(int(r.bestAction[0]), 1);
  QCOMPARE(r.minRisk[0], 0.75);
}

void TestDecision::presets() {
  const auto z = costPreset(CostPreset::ZeroOne);
  const auto c49 = costPreset(CostPreset::Confuse4And9);
  const auto m7 = costPreset(CostPreset::Miss7);
  for (int a = 0; a < 10; ++a)
    for (int k = 0; k < 10; ++k) {
      const double off = a == k ? 0.0 : 1.0;
      QCOMPARE(z(a, k), off);
      QCOMPARE(c49(a, k), (a == 4 && k == 9) || (a == 9 && k == 4) ? 10.0 : off);
      QCOMPARE(m7(a, k), k == 7 && a != 7 ? 5.0 : off);
    }
  QCOMPARE(QString(enumName(CostPreset::Confuse4And9)), QString("confuse-4-9"));
  QCOMPARE(QString(presetLabel(CostPreset::Miss7)), QString("Missing a 7 costs 5"));
  QVERIFY(validateCostMatrix(m7).ok());
  for (CostPreset preset : kCostPresets) QCOMPARE(costPresetFromName(enumName(preset)), preset);
  QVERIFY(!costPresetFromName("Miss-7"));
  QVERIFY(!costPresetFromName(""));
  QVERIFY(!costPresetFromName("zero-one "));
}

void TestDecision::presetDecisions() {
  std::vector<double> p(20, 0.0);
  // Image 0: p̄4 = .6, p̄9 = .4. Confuse-4-9: R(4) = 10 * .4 = 4, R(9) = 6, any other a: 1 -> a* = 0
  // (the lowest of the cost-1 decisions), R* = 1. Under 0-1: a* = 4, R* = .4.
  p[4] = .6;
  p[9] = .4;
  // Image 1: p̄1 = .8, p̄7 = .2. Miss-7: R(1) = 5 * .2 = 1, R(7) = .8, others 1.8 -> a* = 7, R* = .8.
  p[11] = .8;
  p[17] = .2;
  const std::vector<uint8_t> y{9, 1};
  const auto c49 = profile(p, y, costPreset(CostPreset::Confuse4And9));
  QCOMPARE(int(c49.bestAction[0]), 0);
  QVERIFY(near(c49.minRisk[0], 1.0));
  QCOMPARE(c49.bestActionCost[0], 1.0);  // deciding 0 for a 9
  const auto z = profile(p, y, zeroOneCosts());
  QCOMPARE(int(z.bestAction[0]), 4);
  QVERIFY(near(z.minRisk[0], .4));
  const auto m7 = profile(p, y, costPreset(CostPreset::Miss7));
  QCOMPARE(int(m7.bestAction[1]), 7);
  QVERIFY(near(m7.minRisk[1], .8));
  QCOMPARE(m7.bestActionCost[1], 1.0);  // deciding 7 for a 1
  // Reject cost .5: confuse-4-9 defers image 0 (R* = 1 > .5), 0-1 decides it (.4 <= .5).
  QCOMPARE(decide(c49, .5).decision[0], int8_t(kDeferred));
  QCOMPARE(decide(z, .5).decision[0], int8_t(4));
}

void TestDecision::zeroOneReproducesThresholdCurve_data() {
  QTest::addColumn<bool>("dyadic");
  QTest::newRow("dyadic rows with exact ties at grid thresholds") << true;
  QTest::newRow("softmax rows (float p̄ as the run gives)") << false;
}

void TestDecision::zeroOneReproducesThresholdCurve() {
  // With 0-1 loss an image is deferred at c exactly when it is uncertain (max p̄ < t) at
  // t = 1 - c, so decided == retained at every point of the explorer's grid linspace(0.1, 1, 90).
  QFETCH(bool, dyadic);
  const int k = 10;
  const RandomStream rs(5);
  std::vector<double> p;
  std::vector<uint8_t> y;
  const std::vector<double> grid = defaultThresholds();
  const int64_t randomRows = 3000;
  for (int64_t i = 0; i < randomRows; ++i) {
    std::vector<double> row(static_cast<size_t>(k));
    if (dyadic) {
      // Multiples of 1/1024 summing to exactly 1; a peaked class so confidences cover (0.1, 1].
      std::vector<int> units(static_cast<size_t>(k));
      int total = 0;
      const int peak = int(word(rs, uint64_t(i), 1) % 1025);
      units[size_t(word(rs, uint64_t(i), 2) % k)] += peak;
      total += peak;
      for (int c = 0; c < k && total < 1024; ++c) {
        const int add = std::min(1024 - total, int(word(rs, uint64_t(i) * 16 + uint64_t(c), 3) % 200));
        units[size_t(c)] += add;
        total += add;
      }
      units[size_t(k - 1)] += 1024 - total;
      for (int c = 0; c < k; ++c) row[size_t(c)] = units[size_t(c)] / 1024.0;
    } else {
      std::vector<float> z(64);
      rs.normals(uint64_t(100 + i), 0, 64, z.data());
      const double spread = 0.5 + 6.0 * (word(rs, uint64_t(i)) % 1000) / 1000.0;
      double sum = 0;
      for (int c = 0; c < k; ++c) sum += row[size_t(c)] = std::exp(spread * z[size_t(c)]);
      for (int c = 0; c < k; ++c) row[size_t(c)] = double(float(row[size_t(c)] / sum));
    }
    p.insert(p.end(), row.begin(), row.end());
    y.push_back(uint8_t(word(rs, uint64_t(i), 3) % 3 == 0 ? word(rs, uint64_t(i), 0) % k : 0));
  }
  if (dyadic) {
    // Exact ties: max p̄ = t on grid points t >= 0.5, the rest summing to exactly 1 - t, so
    // R(a*) = 1 - t = c. Decided (R* <= c) and retained (max p̄ >= t) must agree.
    for (size_t g = 0; g < grid.size(); g += 3) {
      const double t = grid[g];
      if (t < 0.5) continue;
      const double u = 1.0 - t;
      std::vector<double> row(size_t(k), 0.0);
      row[3] = t;
      row[5] = u / 2;
      row[8] = u / 2;
      p.insert(p.end(), row.begin(), row.end());
      y.push_back(uint8_t(g % 2 == 0 ? 3 : 5));
    }
  }
  // Labels: mostly the predicted class (so accuracies are not trivial).
  const int64_t n = int64_t(y.size());
  for (int64_t i = 0; i < randomRows; ++i) {
    if (y[size_t(i)] != 0) continue;
    int best = 0;
    for (int c = 1; c < k; ++c)
      if (p[size_t(i * k + c)] > p[size_t(i * k + best)]) best = c;
    y[size_t(i)] = uint8_t(best);
  }

  const auto analysis = analysisFromRows(p, k, y);
  const ThresholdCurve curve = thresholdCurve(analysis, grid);
  const auto prof = profile(p, y, zeroOneCosts(k));
  int tiesSeen = 0;
  for (size_t g = 0; g < grid.size(); ++g) {
    const double c = 1.0 - grid[g];
    const auto s = decisionSummary(prof, c);
    QCOMPARE(s.decided, curve.retained[g]);
    QCOMPARE(s.deferred, n - curve.retained[g]);
    if (std::isnan(curve.accuracy[g]))
      QVERIFY(std::isnan(s.accuracyOnDecided));
    else
      QCOMPARE(s.accuracyOnDecided, curve.accuracy[g]);
    QVERIFY(near(100.0 * s.deferralRate, curve.percentDropped[g], 1e-9));
    for (int64_t i = 0; i < n; ++i)
      if (analysis.maxProb[size_t(i)] == grid[g]) ++tiesSeen;
  }
  if (dyadic) QVERIFY(tiesSeen >= 10);  // the tie rows really sit on grid points
}

void TestDecision::sweepMatchesPerImageDecisions() {
  // Random p̄ under an asymmetric matrix: the O(log N) summaries agree with per-image decisions.
  const int k = 10;
  const RandomStream rs(9);
  std::vector<double> p;
  std::vector<uint8_t> y;
  for (int i = 0; i < 500; ++i) {
    std::vector<float> z(64);
    rs.normals(uint64_t(i), 0, 64, z.data());
    double sum = 0;
    std::vector<double> row(static_cast<size_t>(k));
    for (int c = 0; c < k; ++c) sum += row[size_t(c)] = std::exp(3 * z[size_t(c)]);
    for (double& v : row) v /= sum;
    p.insert(p.end(), row.begin(), row.end());
    y.push_back(uint8_t(word(rs, uint64_t(i)) % k));
  }
  const auto prof = profile(p, y, costPreset(CostPreset::Miss7));
  const std::vector<double> costs = linspace(0, 2, 41);
  const auto sweep = rejectSweep(prof, costs);
  QCOMPARE(sweep.size(), costs.size());
  for (size_t g = 0; g < costs.size(); ++g) {
    const double c = costs[g];
    int64_t deferred = 0, decided = 0, right = 0;
    double realised = 0, expected = 0;
    for (int i = 0; i < 500; ++i) {
      // Brute force: every risk from scratch.
      double best = 1e300;
      int a = 0;
      for (int d = 0; d < k; ++d) {
        double r = 0;
        for (int t = 0; t < k; ++t) r += prof.costs(d, t) * p[size_t(i * k + t)];
        if (r < best) best = r, a = d;
      }
      if (best > c) {
        ++deferred;
        realised += c;
        expected += c;
      } else {
        ++decided;
        realised += prof.costs(a, y[size_t(i)]);
        expected += best;
        right += a == y[size_t(i)];
      }
    }
    QCOMPARE(sweep[g].deferred, deferred);
    QVERIFY(near(sweep[g].realisedCostPerImage, realised / 500, 1e-12));
    QVERIFY(near(sweep[g].expectedCostPerImage, expected / 500, 1e-12));
    if (decided > 0) QVERIFY(near(sweep[g].accuracyOnDecided, double(right) / decided));
    const auto d = decide(prof, c);
    QCOMPARE(int64_t(std::count(d.decision.begin(), d.decision.end(), int8_t(kDeferred))), deferred);
    QVERIFY(near(std::accumulate(d.realisedCost.begin(), d.realisedCost.end(), 0.0), realised, 1e-9));
    QVERIFY(near(decisionConfusion(prof, c).totalCost(), realised, 1e-9));
  }
  // More reject cost never defers more.
  for (size_t g = 1; g < sweep.size(); ++g) QVERIFY(sweep[g].deferred <= sweep[g - 1].deferred);
}

void TestDecision::withoutLabels() {
  // A drawn image has no label: decisions and expected cost, no realised cost.
  const std::vector<float> p{0.1f, 0.7f, 0.2f};
  auto prof = riskProfile(std::span<const float>(p), {}, zeroOneCosts(3));
  QVERIFY(prof.ok());
  QVERIFY(!prof->hasLabels);
  const auto d = decide(*prof, 0.5);
  QCOMPARE(d.decision[0], int8_t(1));
  QVERIFY(d.realisedCost.empty());
  QVERIFY(std::isnan(d.summary.realisedCostPerImage));
  QVERIFY(near(d.summary.expectedCostPerImage, 1 - double(0.7f), 1e-7));
  QVERIFY(decisionConfusion(*prof, 0.5).counts.empty());
}

void TestDecision::deferredGalleryOrder() {
  // 0-1 risks: .5, .2, .6, .5, .1 -> at c = .3 deferred: 2 (.6), then 0 and 3 (.5, by index).
  const auto prof = profile({.5, .25, .25, .8, .1, .1, .3, .3, .4, .5, .25, .25, .9, .05, .05},
                            {0, 0, 0, 0, 0}, zeroOneCosts(3));
  QCOMPARE(deferredImages(prof, .3), (std::vector<int32_t>{2, 0, 3}));
  QVERIFY(deferredImages(prof, .7).empty());
  QCOMPARE(deferredImages(prof, 0).size(), size_t(5));
}

void TestDecision::csvRoundTrip() {
  for (CostPreset preset : kCostPresets) {
    const CostMatrix m = costPreset(preset);
    const std::string text = costMatrixCsv(m);
    auto back = parseCostMatrixCsv(text, 10);
    QVERIFY2(back.ok(), back.ok() ? "" : back.error().message().c_str());
    QVERIFY(*back == m);
  }
  // Awkward values survive exactly.
  CostMatrix m = zeroOneCosts(2);
  m.at(0, 1) = 0.1;
  m.at(1, 0) = 1e-300;
  m.at(1, 1) = 123456789.125;
  auto back = parseCostMatrixCsv(costMatrixCsv(m), 2);
  QVERIFY(back.ok());
  QVERIFY(*back == m);
}

void TestDecision::csvAccepts() {
  auto r = parseCostMatrixCsv(kValid, 3);
  QVERIFY(r.ok());
  QCOMPARE(r->cost, (std::vector<double>{0, 1, 1, 2, 0, 1, 1, 1, 0}));
  // Byte-order mark, CR LF, quotes, blank lines, '+' signs, exponents, -0.
  const std::string variants = "\xEF\xBB\xBF# costs\r\n\r\n\"0\",+1,1e0\r\n2,-0,1.0\r\n\n 1 ,\t1, 0 \r\n";
  auto v = parseCostMatrixCsv(variants, 3);
  QVERIFY2(v.ok(), v.ok() ? "" : v.error().message().c_str());
  QCOMPARE(v->cost, (std::vector<double>{0, 1, 1, 2, 0, 1, 1, 1, 0}));
  QVERIFY(!std::signbit(v->cost[4]));
  // No trailing newline.
  QVERIFY(parseCostMatrixCsv("0,1\n1,0", 2).ok());
}

void TestDecision::csvRefuses_data() {
  QTest::addColumn<QString>("text");
  QTest::addColumn<QString>("mentions");  // part of the message that must appear
  QTest::newRow("empty") << ""
                         << "no cost rows";
  QTest::newRow("only comments") << "# nothing\n\n"
                                 << "no cost rows";
  QTest::newRow("too few rows") << "0,1,1\n1,0,1\n"
                                << "found 2 rows";
  QTest::newRow("too many rows") << "0,1,1\n1,0,1\n1,1,0\n1,1,1\n"
                                 << "after row 3";
  QTest::newRow("short row") << "0,1,1\n1,0\n1,1,0\n"
                             << "row 2 (decision 1) is too short";
  QTest::newRow("long row") << "0,1,1\n1,0,1,5\n1,1,0\n"
                            << "column 4";
  QTest::newRow("not a number") << "0,1,1\n1,x,1\n1,1,0\n"
                                << "row 2, column 2 (decision 1, true class 1)";
  QTest::newRow("trailing junk") << "0,1,1\n1,0,1\n1,1,0abc\n"
                                 << "'0abc'";
  QTest::newRow("negative") << "0,1,1\n1,0,-2\n1,1,0\n"
                            << "row 2, column 3 (decision 1, true class 2)";
  QTest::newRow("NaN") << "0,1,1\n1,0,1\n1,nan,0\n"
                       << "found NaN";
  QTest::newRow("infinite") << "0,1,inf\n1,0,1\n1,1,0\n"
                            << "row 1, column 3";
  QTest::newRow("overflow") << "0,1,1e999\n1,0,1\n1,1,0\n"
                            << "out of range";
  QTest::newRow("empty field") << "0,,1\n1,0,1\n1,1,0\n"
                               << "an empty field";
  QTest::newRow("semicolons") << "0;1;1\n1;0;1\n1;1;0\n"
                              << "'0;1;1'";
  QTest::newRow("hex") << "0,0x1,1\n1,0,1\n1,1,0\n"
                       << "'0x1'";
  QTest::newRow("binary") << QString::fromLatin1("0,1,\x01\x02\n1,0,1\n1,1,0\n")
                          << "'?"
                             "?'";
}

void TestDecision::csvRefuses() {
  QFETCH(QString, text);
  QFETCH(QString, mentions);
  const std::string bytes = text.toStdString();
  auto r = parseCostMatrixCsv(bytes, 3, "costs.csv");
  QVERIFY(!r.ok());
  const QString message = QString::fromStdString(r.error().message());
  QVERIFY2(message.contains(mentions), qPrintable(message));
  QVERIFY(message.startsWith("costs.csv: "));
  QCOMPARE(r.error().code, ErrorCode::BadFormat);
}

void TestDecision::csvFiles() {
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  const std::string base = dir.path().toStdString();
  QCOMPARE(readCostMatrixCsv(base + "/missing.csv", 3).error().code, ErrorCode::NotFound);
  QCOMPARE(readCostMatrixCsv(base, 3).error().code, ErrorCode::IsDirectory);
  auto write = [&](const std::string& name, const std::string& content) {
    QFile f(QString::fromStdString(base + "/" + name));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content.data(), qint64(content.size()));
  };
  write("empty.csv", "");
  QCOMPARE(readCostMatrixCsv(base + "/empty.csv", 3).error().code, ErrorCode::Empty);
  write("big.csv", std::string(kMaxCostCsvBytes + 1, '1'));
  auto big = readCostMatrixCsv(base + "/big.csv", 3);
  QVERIFY(!big.ok());
  QVERIFY(QString::fromStdString(big.error().message()).contains("too large"));
  write("good.csv", kValid);
  auto good = readCostMatrixCsv(base + "/good.csv", 3);
  QVERIFY(good.ok());
  QCOMPARE(good->numClasses, 3);
  // Written by the library, read back; an invalid matrix is not written.
  QVERIFY(writeCostMatrixCsv(base + "/preset.csv", costPreset(CostPreset::Miss7)).ok());
  auto preset = readCostMatrixCsv(base + "/preset.csv", 10);
  QVERIFY(preset.ok());
  QVERIFY(*preset == costPreset(CostPreset::Miss7));
  CostMatrix invalid = zeroOneCosts(3);
  invalid.at(2, 0) = -1;
  auto refused = writeCostMatrixCsv(base + "/invalid.csv", invalid);
  QVERIFY(!refused.ok());
  QCOMPARE(refused.error().path, base + "/invalid.csv");
  QVERIFY(!QFile::exists(QString::fromStdString(base + "/invalid.csv")));
  write("bad.csv", "0,1,1\n1,0,1\n1,1,-1\n");
  auto bad = readCostMatrixCsv(base + "/bad.csv", 3);
  QVERIFY(!bad.ok());
  QCOMPARE(bad.error().path, base + "/bad.csv");
  QCOMPARE(bad.error().offset, int64_t(16));  // the '-1' field
}

void TestDecision::csvRandomBytesNeverCrash() {
  // Random bytes and random one-byte mutations of a valid file: always a value or an Error.
  const RandomStream rs(77);
  int accepted = 0;
  for (uint64_t trial = 0; trial < 20000; ++trial) {
    std::string s;
    if (trial % 2 == 0) {
      const uint32_t len = word(rs, trial) % 64;
      const char alphabet[] = "0123456789,.\n\r-+e#\" \tnaif";
      for (uint32_t j = 0; j < len; ++j) {
        const uint32_t w = word(rs, trial * 64 + j, 1);
        s += (w & 1) ? char(w >> 8) : alphabet[(w >> 8) % (sizeof alphabet - 1)];
      }
    } else {
      s = kValid;
      const uint32_t w = word(rs, trial, 2);
      s[size_t(w % s.size())] = char(w >> 16);
      if (w & 0x100) s.insert(size_t((w >> 9) % s.size()), 1, ',');
    }
    auto r = parseCostMatrixCsv(s, 3);
    if (r.ok()) {
      ++accepted;
      QVERIFY(validateCostMatrix(*r).ok());
    } else {
      QVERIFY(!r.error().message().empty());
    }
  }
  QVERIFY(accepted > 0);
}

void TestDecision::badProfiles() {
  const std::vector<double> p{.5, .5, .2, .8};
  auto call = [&](const std::vector<double>& probs, const std::vector<uint8_t>& y, const CostMatrix& c) {
    return riskProfile(std::span<const double>(probs), std::span<const uint8_t>(y), c);
  };
  QVERIFY(call(p, {0, 1}, zeroOneCosts(2)).ok());
  QVERIFY(!call(p, {0}, zeroOneCosts(2)).ok());            // label count
  QVERIFY(!call(p, {0, 2}, zeroOneCosts(2)).ok());         // label range
  QVERIFY(!call({.5, .5, .2}, {}, zeroOneCosts(2)).ok());  // ragged
  QVERIFY(!call({.5, std::nan(""), .2, .8}, {}, zeroOneCosts(2)).ok());
  CostMatrix negative = zeroOneCosts(2);
  negative.at(1, 0) = -1;
  auto e = call(p, {}, negative);
  QVERIFY(!e.ok());
  QVERIFY(QString::fromStdString(e.error().message()).contains("row 2, column 1 (decision 1, true class 0)"));
  CostMatrix wrongSize{2, {0, 1, 1}};
  QVERIFY(!validateCostMatrix(wrongSize).ok());
  CostMatrix nan = zeroOneCosts(2);
  nan.at(0, 1) = std::nan("");
  QVERIFY(!validateCostMatrix(nan).ok());
}

QTEST_GUILESS_MAIN(TestDecision)
#include "tst_decision.moc"
