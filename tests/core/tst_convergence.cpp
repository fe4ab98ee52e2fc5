// Convergence diagnostics on synthetic chains with known answers: AR(1) chains (integrated
// autocorrelation time (1 + φ)/(1 - φ)), iid chains, chains with shifted means or different
// scales, a trending chain; the building blocks against direct definitions; and a small fixed
// array against values from an independent transcription of ArviZ's algorithm.
#include <QtTest>

#include <cmath>
#include <numeric>
#include <vector>

#include "analysis/convergence.h"
#include "util/random_stream.h"

using namespace bnn;

namespace {

uint64_t streamSeed(uint64_t replicate) { return 0x5eed0000ull + replicate; }

// M chains of n draws of a stationary AR(1) x_t = φ x_{t-1} + ε_t (ε ~ N(0, 1)), plus `shift[c]`
// and times `scale[c]` per chain. Replicate r uses its own draws of the stream.
std::vector<double> ar1Chains(int m, int n, double phi, uint64_t replicate,
                              const std::vector<double>& shift = {}, const std::vector<double>& scale = {}) {
  const RandomStream rs(streamSeed(replicate));
  std::vector<double> out(size_t(m) * size_t(n));
  std::vector<float> eps(size_t(n) + 1);
  for (int c = 0; c < m; ++c) {
    rs.normals(uint64_t(c), 0, n + 1, eps.data());
    double x = eps[0] / std::sqrt(1 - phi * phi);  // stationary start
    for (int t = 0; t < n; ++t) {
      if (t > 0) x = phi * x + eps[size_t(t)];
      const double s = scale.empty() ? 1.0 : scale[size_t(c)];
      out[size_t(c) * size_t(n) + size_t(t)] = (shift.empty() ? 0.0 : shift[size_t(c)]) + s * x;
    }
  }
  return out;
}

struct MeanSe {
  double mean = 0;
  double se = 0;
};
MeanSe meanSe(const std::vector<double>& v) {
  MeanSe r;
  r.mean = std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
  double ss = 0;
  for (double x : v) ss += (x - r.mean) * (x - r.mean);
  r.se = std::sqrt(ss / double(v.size() - 1) / double(v.size()));
  return r;
}

}  // namespace

class TestConvergence : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void fftAutocovarianceEqualsDirectSum_data();
  void fftAutocovarianceEqualsDirectSum();
  void averageRanksAndQuantiles();
  void normalQuantileToDoublePrecision();
  void splitDropsTheMiddleDraw();
  void ar1EssMatchesIntegratedAutocorrelationTime_data();
  void ar1EssMatchesIntegratedAutocorrelationTime();
  void ar1AutocorrelationFunction();
  void iidChainsConverge();
  void shiftedMeansAreDetected();
  void differentScalesNeedTheFoldedRhat();
  void trendInOneChainIsDetected();
  void matchesArvizTranscriptionOnFixedArray();
  void degenerateInput();
};

void TestConvergence::fftAutocovarianceEqualsDirectSum_data() {
  QTest::addColumn<int>("n");
  for (int n : {1, 2, 3, 7, 64, 100, 1000}) QTest::newRow(qPrintable(QString("n=%1").arg(n))) << n;
}

void TestConvergence::fftAutocovarianceEqualsDirectSum() {
  QFETCH(int, n);
  const std::vector<double> x = ar1Chains(1, n, 0.7, 3);
  const std::vector<double> acov = autocovariance(x);
  QCOMPARE(int(acov.size()), n);
  const double mu = std::accumulate(x.begin(), x.end(), 0.0) / n;
  for (int t = 0; t < n; ++t) {
    double s = 0;
    for (int i = 0; i + t < n; ++i) s += (x[size_t(i)] - mu) * (x[size_t(i + t)] - mu);
    s /= n;
    QVERIFY2(std::abs(acov[size_t(t)] - s) < 1e-12 * (1 + std::abs(acov[0])), qPrintable(QString::number(t)));
  }
  const std::vector<double> rho = autocorrelation(x, 5);
  QCOMPARE(rho.size(), size_t(std::min(n, 6)));
  if (n > 1 && acov[0] > 0) QCOMPARE(rho[0], 1.0);
}

void TestConvergence::averageRanksAndQuantiles() {
  const std::vector<double> v{3, 1, 3, 2, 3};
  QCOMPARE(averageRanks(v), (std::vector<double>{4, 1, 4, 2, 4}));
  // Blom: z = Φ⁻¹((r - 3/8) / (S + 1/4)); symmetric ranks give symmetric scores.
  const std::vector<double> z = rankNormalise(std::vector<double>{10, 20, 30});
  QVERIFY(std::abs(z[0] + z[2]) < 1e-15);
  QVERIFY(std::abs(z[1]) < 1e-15);
  QVERIFY(std::abs(z[0] - normalQuantile(0.625 / 3.25)) < 1e-15);
  // numpy.quantile([1, 2, 3, 4], .3) = 1.9; median of an even list is the mean of the middle two.
  QVERIFY(std::abs(quantileType7(std::vector<double>{4, 1, 3, 2}, 0.3) - 1.9) < 1e-15);
  QCOMPARE(quantileType7(std::vector<double>{4, 1, 3, 2}, 0.5), 2.5);
  QCOMPARE(quantileType7(std::vector<double>{4, 1, 3, 2}, 1.0), 4.0);
  QCOMPARE(quantileType7(std::vector<double>{4, 1, 3, 2}, 0.0), 1.0);
}

void TestConvergence::normalQuantileToDoublePrecision() {
  // Reference: Python's statistics.NormalDist().inv_cdf (Wichura's AS241).
  const double p[] = {1e-10, 0.001, 0.02, 0.025, 0.3, 0.5, 0.7, 0.975, 0.999999};
  const double z[] = {-6.3613409024040557, -3.0902323061678132,  -2.0537489106318225,
                      -1.9599639845400538, -0.52440051270804067, 0,
                      0.52440051270804067, 1.9599639845400536,   4.7534243088170891};
  for (int i = 0; i < 9; ++i)
    QVERIFY2(std::abs(normalQuantile(p[i]) - z[i]) <= 4e-15 * std::max(1.0, std::abs(z[i])),
             qPrintable(QString("p=%1: %2").arg(p[i]).arg(normalQuantile(p[i]), 0, 'g', 17)));
  QVERIFY(std::isinf(normalQuantile(0)) && normalQuantile(0) < 0);
  QVERIFY(std::isinf(normalQuantile(1)) && normalQuantile(1) > 0);
  QVERIFY(std::isnan(normalQuantile(1.5)));
}

void TestConvergence::splitDropsTheMiddleDraw() {
  // Two chains of 5: halves {0,1} {10,11} then {3,4} {13,14}; draws 2 and 12 dropped.
  const std::vector<double> d{0, 1, 2, 3, 4, 10, 11, 12, 13, 14};
  QCOMPARE(splitChains(d, 2), (std::vector<double>{0, 1, 10, 11, 3, 4, 13, 14}));
}

void TestConvergence::ar1EssMatchesIntegratedAutocorrelationTime_data() {
  QTest::addColumn<double>("phi");
  QTest::newRow("phi 0 (iid)") << 0.0;
  QTest::newRow("phi 0.5 (tau 3)") << 0.5;
  QTest::newRow("phi 0.9 (tau 19)") << 0.9;
  QTest::newRow("phi -0.3 (tau 0.54, antithetic)") << -0.3;
}

void TestConvergence::ar1EssMatchesIntegratedAutocorrelationTime() {
  // 4 chains x 4000 draws of AR(1): ESS ≈ M n (1 - φ)/(1 + φ). The estimator's spread is
  // measured over 40 independent replicates, and the mean of ESS τ / (M n) must be 1 within
  // 4 standard errors of that mean, plus 2% for the estimator's finite-sample bias (Geyer's
  // truncated sum keeps positive noise: about -1% for iid draws and +3% at φ = 0.9 here).
  QFETCH(double, phi);
  const int m = 4, n = 4000, replicates = 40;
  const double tau = (1 + phi) / (1 - phi);
  std::vector<double> ratioMean, ratioBulk;
  for (int r = 0; r < replicates; ++r) {
    const std::vector<double> d = ar1Chains(m, n, phi, uint64_t(100 + r));
    ratioMean.push_back(essMean(d, m) * tau / double(m * n));
    ratioBulk.push_back(essBulk(d, m) * tau / double(m * n));
  }
  for (const auto* ratios : {&ratioMean, &ratioBulk}) {
    const MeanSe s = meanSe(*ratios);
    qInfo("phi %.2f: ESS tau / (M n) = %.4f +- %.4f (%s)", phi, s.mean, s.se,
          ratios == &ratioMean ? "mean ESS" : "bulk ESS");
    QVERIFY2(std::abs(s.mean - 1) < 4 * s.se + 0.02, qPrintable(QString::number(s.mean)));
  }
}

void TestConvergence::ar1AutocorrelationFunction() {
  // One long chain: ρ̂_t ≈ φ^t. Bartlett's standard error of ρ̂_t for AR(1) is about
  // sqrt((1 + φ²)/(1 - φ²) / n) at small lags; allow 5 of them.
  const double phi = 0.8;
  const int n = 200000;
  const std::vector<double> x = ar1Chains(1, n, phi, 7);
  const std::vector<double> rho = autocorrelation(x, 10);
  const double se = std::sqrt((1 + phi * phi) / (1 - phi * phi) / n);
  for (int t = 0; t <= 10; ++t)
    QVERIFY2(std::abs(rho[size_t(t)] - std::pow(phi, t)) < 5 * se, qPrintable(QString::number(t)));
}

void TestConvergence::iidChainsConverge() {
  // iid N(0, 1): R̂ - 1 is of order 1/n, far below the 0.01 rule. Tail ESS is the smaller of
  // the ESS of two indicators; each is ≈ M n on average (the minimum of two noisy estimates is
  // biased low, so the components are checked, and the tail ESS must be their minimum).
  const int m = 4, n = 1000;
  std::vector<double> low, high;
  for (int r = 0; r < 40; ++r) {
    const std::vector<double> d = ar1Chains(m, n, 0.0, uint64_t(500 + r));
    const ConvergenceDiagnostics c = convergenceDiagnostics(d, m);
    QVERIFY2(c.rhat < 1.01, qPrintable(QString::number(c.rhat)));
    QVERIFY(c.rhatBulk >= 0.99 && c.rhatTail >= 0.99);
    QCOMPARE(c.numChains, m);
    QCOMPARE(c.numDraws, int64_t(n));
    double component[2];
    for (int k = 0; k < 2; ++k) {
      const double q = quantileType7(d, k == 0 ? 0.05 : 0.95);
      std::vector<double> indicator(d.size());
      for (size_t i = 0; i < d.size(); ++i) indicator[i] = d[i] <= q ? 1.0 : 0.0;
      component[k] = classicEss(splitChains(indicator, m), 2 * m);
    }
    QCOMPARE(c.essTail, std::min(component[0], component[1]));
    low.push_back(component[0] / double(m * n));
    high.push_back(component[1] / double(m * n));
  }
  for (const auto* v : {&low, &high}) {
    const MeanSe s = meanSe(*v);
    qInfo("iid: ESS of a 5%% / 95%% quantile indicator / (M n) = %.4f +- %.4f", s.mean, s.se);
    QVERIFY(std::abs(s.mean - 1) < 4 * s.se + 0.02);
  }
}

void TestConvergence::shiftedMeansAreDetected() {
  // Four iid N(0, 1) chains of 1000, the last shifted by 1 sd. On the 8 half-chains the means
  // spread with variance about (2 (3/4)² + 6 (1/4)²)/7 = 0.21 (in sd units), so B/W ≈ 500 x 0.21
  // / 1.2 and R̂ ≈ sqrt(1 + 0.21 x 500 / (1.2 x 500)) ≈ 1.08 on the rank scale.
  const int m = 4, n = 1000;
  const std::vector<double> d = ar1Chains(m, n, 0.0, 9, {0, 0, 0, 1});
  const ConvergenceDiagnostics c = convergenceDiagnostics(d, m);
  qInfo("shifted: rhat %.4f (bulk %.4f, tail %.4f)", c.rhat, c.rhatBulk, c.rhatTail);
  QVERIFY(c.rhatBulk > 1.05);
  QVERIFY(c.rhat >= c.rhatBulk);
  // Far apart (5 sd): R̂ far above 1.
  const std::vector<double> far = ar1Chains(m, n, 0.0, 9, {0, 0, 0, 5});
  QVERIFY(rhat(far, m) > 1.3);
}

void TestConvergence::differentScalesNeedTheFoldedRhat() {
  // Same mean, one chain with 3 times the sd: the bulk R̂ sees nothing, the folded (tail) one does.
  const int m = 4, n = 1000;
  const std::vector<double> d = ar1Chains(m, n, 0.0, 11, {}, {1, 1, 1, 3});
  const double bulk = rhatBulk(d, m), tail = rhatTail(d, m);
  qInfo("scales: bulk %.4f, tail %.4f", bulk, tail);
  QVERIFY(bulk < 1.01);
  QVERIFY(tail > 1.05);
  QCOMPARE(rhat(d, m), tail);
}

void TestConvergence::trendInOneChainIsDetected() {
  // A single chain drifting from 0 to 4 sd: its two halves disagree (split R̂), and its ESS is
  // much less than n.
  const int n = 2000;
  std::vector<double> d = ar1Chains(1, n, 0.0, 13);
  for (int t = 0; t < n; ++t) d[size_t(t)] += 4.0 * t / n;
  QVERIFY(rhat(d, 1) > 1.2);
  QVERIFY(essBulk(d, 1) < 0.2 * n);
}

void TestConvergence::matchesArvizTranscriptionOnFixedArray() {
  // 3 chains x 21 draws (odd: the middle draw of each chain is dropped by the split), one
  // decimal (many ties, including at the 5% quantile -0.7), chain 3 shifted. Reference values
  // from an independent transcription of arviz.stats.diagnostics (_rhat_rank, _ess_bulk,
  // _ess_tail, _ess_mean) in plain Python with direct-sum autocovariances and
  // statistics.NormalDist.inv_cdf.
  const std::vector<double> d{0.3,  -0.2, 0.2,  -0.7, -0.4, -0.2, 0.1,  -0.2, -0.6, -0.6, 0.3,  -0.5, -0.7,
                              -0.1, 0.5,  1.3,  1.4,  0.7,  0.5,  0.6,  -0.2, 0.4,  0.7,  1.4,  0.5,  0.2,
                              0.5,  0.8,  -0.2, -1.1, -0.1, -1.0, -0.4, -0.7, -0.3, -0.2, -0.3, -0.8, -0.2,
                              0.3,  -0.2, 0.8,  1.1,  0.8,  1.3,  0.4,  0.9,  1.0,  1.4,  2.1,  1.4,  1.9,
                              1.8,  0.5,  0.5,  -0.1, 0.5,  0.4,  -0.1, 1.0,  0.1,  -0.4, -0.4};
  QCOMPARE(d.size(), size_t(63));
  const ConvergenceDiagnostics c = convergenceDiagnostics(d, 3);
  auto same = [](double a, double b) { return std::abs(a - b) <= 1e-12 * std::abs(b); };
  QVERIFY2(same(c.rhatBulk, 1.3075438466137603), qPrintable(QString::number(c.rhatBulk, 'g', 17)));
  QVERIFY2(same(c.rhatTail, 1.0833612652239126), qPrintable(QString::number(c.rhatTail, 'g', 17)));
  QVERIFY2(same(c.rhat, 1.3075438466137603), qPrintable(QString::number(c.rhat, 'g', 17)));
  QVERIFY2(same(c.essBulk, 11.151994032026892), qPrintable(QString::number(c.essBulk, 'g', 17)));
  QVERIFY2(same(c.essTail, 28.421052631578984), qPrintable(QString::number(c.essTail, 'g', 17)));
  QVERIFY2(same(c.essMean, 10.189740509600533), qPrintable(QString::number(c.essMean, 'g', 17)));
}

void TestConvergence::degenerateInput() {
  // Constant draws: ESS is the number of draws (ArviZ), R̂ undefined.
  const std::vector<double> constant(40, 2.5);
  QCOMPARE(essBulk(constant, 2), 40.0);
  QCOMPARE(essMean(constant, 2), 40.0);
  QVERIFY(std::isnan(rhat(constant, 2)));
  // Too few draws, NaN, infinite, a size that is not a whole number of chains.
  QVERIFY(std::isnan(rhat(std::vector<double>{1, 2, 3, 4, 5, 6}, 2)));
  std::vector<double> bad = ar1Chains(2, 50, 0.2, 1);
  bad[7] = std::nan("");
  QVERIFY(std::isnan(convergenceDiagnostics(bad, 2).essBulk));
  bad[7] = std::numeric_limits<double>::infinity();
  QVERIFY(std::isnan(rhat(bad, 2)));
  QVERIFY(std::isnan(essTail(ar1Chains(1, 51, 0.2, 1), 2)));
  QVERIFY(std::isnan(rhat(std::vector<double>{}, 0)));
}

QTEST_GUILESS_MAIN(TestConvergence)
#include "tst_convergence.moc"
