// The streaming posterior predictive: exact sample count, log-sum-exp average, entropy and votes.
#include <QtTest>

#include <cmath>
#include <vector>

#include "run/predictive.h"

using namespace bnn;

class TestPredictive : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void identicalSamplesGiveThatSample() {
    // Three images, four classes.
    const std::vector<double> p{0.7, 0.1, 0.1, 0.1, 0.25, 0.25, 0.25, 0.25, 0.01, 0.02, 0.03, 0.94};
    std::vector<float> lp;
    for (double v : p) lp.push_back(static_cast<float>(std::log(v)));
    PredictiveAccumulator acc(3, 4);
    for (int s = 0; s < 1000; ++s) acc.add(lp.data());
    QCOMPARE(acc.sampleCount(), int64_t{1000});
    const std::vector<float> mean = acc.meanProbabilities();
    for (size_t j = 0; j < p.size(); ++j) QVERIFY(std::fabs(mean[j] - p[j]) < 1e-6);
  }

  void twoSamplesGiveTheirAverage() {
    const std::vector<double> a{0.9, 0.1, 0.2, 0.8}, b{0.5, 0.5, 0.6, 0.4};
    std::vector<float> la, lb;
    for (double v : a) la.push_back(static_cast<float>(std::log(v)));
    for (double v : b) lb.push_back(static_cast<float>(std::log(v)));
    PredictiveAccumulator acc(2, 2);
    acc.add(la.data());
    acc.add(lb.data());
    const std::vector<float> mean = acc.meanProbabilities();
    for (int j = 0; j < 4; ++j) QVERIFY(std::fabs(mean[j] - (a[j] + b[j]) / 2) < 1e-6);
    // Votes: image 0 -> class 0 twice; image 1 -> class 1 then class 0.
    QCOMPARE(acc.votes(), (std::vector<uint32_t>{2, 0, 1, 1}));
    // Σ_s Σ_k p log p per image.
    const double e0 = 0.9 * std::log(0.9) + 0.1 * std::log(0.1) + 2 * 0.5 * std::log(0.5);
    QVERIFY(std::fabs(acc.sumPLogP()[0] - e0) < 1e-6);
    const uint8_t labels[2] = {0, 1};
    // p̄ = [0.7, 0.3], [0.4, 0.6]: both argmax correct.
    QCOMPARE(acc.accuracy(labels), 1.0);
    QVERIFY(std::fabs(acc.negLogLikelihood(labels) - (-(std::log(0.7) + std::log(0.6)) / 2)) < 1e-6);
  }

  void matchesExactAveragesOnManySamples() {
    // 300 images x 10 classes x 50 samples of varied log-probabilities against a double reference.
    const int n = 300, k = 10, S = 50;
    std::vector<double> ref(n * k, 0.0);
    PredictiveAccumulator acc(n, k);
    std::vector<float> lp(n * k);
    for (int s = 0; s < S; ++s) {
      for (int i = 0; i < n; ++i) {
        double z[10], m = -1e300, t = 0;
        for (int c = 0; c < k; ++c) {
          z[c] = std::sin(0.37 * (s + 1) * (c + 1) + i) * (1 + i % 30);
          m = std::max(m, z[c]);
        }
        for (int c = 0; c < k; ++c) t += std::exp(z[c] - m);
        for (int c = 0; c < k; ++c) {
          lp[i * k + c] = static_cast<float>(z[c] - m - std::log(t));
          ref[i * k + c] += std::exp(static_cast<double>(lp[i * k + c])) / S;
        }
      }
      acc.add(lp.data());
    }
    const std::vector<float> mean = acc.meanProbabilities();
    const std::vector<double>& ls = acc.logSum();
    for (int j = 0; j < n * k; ++j) {
      QVERIFY2(std::fabs(mean[j] - ref[j]) <= 1e-6 * ref[j] + 1e-12, qPrintable(QString("cell %1").arg(j)));
      if (ref[j] > 1e-30) QVERIFY(std::fabs(ls[j] - std::log(ref[j] * S)) < 1e-5);
    }
  }

  void underflowingProbabilitiesKeepAFiniteLogSum() {
    // Class 0 has probability e^-1000 in every sample: below float and double range as p, but
    // the log-sum stays finite (the largest log-probability, within log S of the exact value).
    const std::vector<float> lp{-1000.0f, 0.0f};
    PredictiveAccumulator acc(1, 2);
    acc.add(lp.data());
    acc.add(lp.data());
    const uint8_t label0 = 0, label1 = 1;
    QVERIFY(std::isfinite(acc.logSum()[0]));
    QVERIFY(acc.logSum()[0] >= -1000.0 && acc.logSum()[0] <= -1000.0 + std::log(2.0) + 1e-9);
    QVERIFY(std::isfinite(acc.negLogLikelihood(&label0)));
    QCOMPARE(acc.accuracy(&label1), 1.0);
    QCOMPARE(acc.meanProbabilities()[1], 1.0f);
  }

  void restoredStateReadsBackExactly() {
    const std::vector<double> logSum{std::log(0.3), std::log(1.7), -750.0, 0.0};
    PredictiveAccumulator acc;
    acc.restore(2, 2, 2, logSum, {-0.5, -0.1}, {1, 1, 0, 2});
    QCOMPARE(acc.logSum(), logSum);
    QCOMPARE(acc.sampleCount(), int64_t{2});
    QVERIFY(std::fabs(acc.meanProbabilities()[1] - 0.85f) < 1e-6);
    const uint8_t labels[2] = {1, 1};
    QCOMPARE(acc.accuracy(labels), 1.0);
  }

  void emptyAccumulatorHasNoPrediction() {
    PredictiveAccumulator acc(5, 10);
    QVERIFY(acc.meanProbabilities().empty());
    const uint8_t labels[5] = {};
    QVERIFY(std::isnan(acc.accuracy(labels)));
  }

  void rowsAddedInPiecesEqualOneAdd() {
    std::vector<float> lp(6 * 3);
    for (size_t j = 0; j < lp.size(); ++j) lp[j] = -static_cast<float>(j % 7) * 0.3f - 0.1f;
    PredictiveAccumulator whole(6, 3), pieces(6, 3);
    whole.add(lp.data());
    pieces.addRows(lp.data() + 3 * 3, 3, 6);
    pieces.addRows(lp.data(), 0, 3);
    pieces.countSample();
    QCOMPARE(whole.logSum(), pieces.logSum());
    QCOMPARE(whole.votes(), pieces.votes());
    QCOMPARE(whole.sumPLogP(), pieces.sumPLogP());
  }
};

QTEST_GUILESS_MAIN(TestPredictive)
#include "tst_predictive.moc"
