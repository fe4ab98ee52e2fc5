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
