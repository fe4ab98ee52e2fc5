// Calibration measures on hand-built inputs with hand-computed answers, and on random inputs
// against a naive re-computation (every bin scanned over every image).
#include <QtTest>

#include <cmath>
#include <vector>

#include "analysis/calibration.h"
#include "util/random_stream.h"

using namespace bnn;

namespace {

CalibrationReport report(const std::vector<double>& p, int k, const std::vector<uint8_t>& y,
                         CalibrationOptions o = {}) {
  auto r = calibrationReport(std::span<const double>(p), k, std::span<const uint8_t>(y), o);
  if (!r.ok()) qFatal("calibration failed: %s", r.error().message().c_str());
  return std::move(r).value();
}

bool near(double a, double b, double tol = 1e-12) { return std::abs(a - b) <= tol; }

// Rows of two classes [c, 1 - c] or [1 - c, c] so that the confidence is c for the given class.
std::vector<double> twoClassRows(const std::vector<double>& conf, const std::vector<int>& predicted) {
  std::vector<double> p;
  for (size_t i = 0; i < conf.size(); ++i) {
    const double c = conf[i];
    if (predicted[i] == 0) {
      p.push_back(c);
      p.push_back(1 - c);
    } else {
      p.push_back(1 - c);
      p.push_back(c);
    }
  }
  return p;
}

// Random probability rows (softmax of spread-out logits) and labels that agree with the argmax
// about 80% of the time.
void randomProblem(int64_t n, int k, uint64_t seed, std::vector<float>& p, std::vector<uint8_t>& y) {
  RandomStream rs(seed);
  std::vector<float> z(size_t(((n * k + 63) / 64) * 64));
  rs.normals(0, 0, int64_t(z.size()), z.data());
  p.assign(size_t(n * k), 0.0f);
  y.assign(size_t(n), 0);
  for (int64_t i = 0; i < n; ++i) {
    double sum = 0;
    std::vector<double> e(static_cast<size_t>(k));
    const double spread = 1.0 + 4.0 * double(i % 5);  // a range of confidences
    for (int c = 0; c < k; ++c) sum += e[size_t(c)] = std::exp(spread * z[size_t(i * k + c)]);
    int best = 0;
    for (int c = 0; c < k; ++c) {
      p[size_t(i * k + c)] = float(e[size_t(c)] / sum);
      if (p[size_t(i * k + c)] > p[size_t(i * k + best)]) best = c;
    }
    uint32_t b[4];
    rs.bits(1, uint64_t(i), b);
    y[size_t(i)] = uint8_t(b[0] % 5 == 0 ? b[1] % uint32_t(k) : uint32_t(best));
  }
}

}  // namespace

class TestCalibration : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void eceAndMceOnHandBuiltBins();
  void equalWidthBinEdges_data();
  void equalWidthBinEdges();
  void confidenceOnAnEdgeGoesToTheLowerBin();
  void brierBounds();
  void nllWithUnderflow();
  void equalMassBins();
  void equalMassKeepsTiesTogether();
  void equalMassAllTied();
  void randomAgainstNaiveComputation_data();
  void randomAgainstNaiveComputation();
  void floatAndDoubleAgree();
  void topClassTiesToLowestClass();
  void badInput();
};

void TestCalibration::eceAndMceOnHandBuiltBins() {
  //  i  p             y  pred  conf  bin (of 15)
  //  0  [.95 .05]     0  0     .95   14  right
  //  1  [.97 .03]     1  0     .97   14  wrong
  //  2  [.02 .98]     1  1     .98   14  right
  //  3  [.60 .40]     0  0     .60    8  right (on the edge 9/15: lower bin)
  //  4  [.40 .60]     0  1     .60    8  wrong
  //  5  [.55 .45]     1  0     .55    8  wrong
  //  6  [.50 .50]     1  0     .50    7  wrong (tie: lowest class)
  //  7  [.30 .70]     1  1     .70   10  right
  // bin 7: n 1, acc 0, conf .5, gap .5; bin 8: n 3, acc 1/3, conf 1.75/3, gap .25;
  // bin 10: n 1, acc 1, conf .7, gap .3; bin 14: n 3, acc 2/3, conf 2.9/3, gap .3.
  // ECE = (.5 + 3 * .25 + .3 + 3 * .3) / 8 = 2.45 / 8; MCE = .5.
  const std::vector<double> p{.95, .05, .97, .03, .02, .98, .60, .40, .40, .60, .55, .45, .50, .50, .30, .70};
  const std::vector<uint8_t> y{0, 1, 1, 0, 0, 1, 1, 1};
  const auto r = report(p, 2, y);
  QCOMPARE(r.bins.size(), size_t(15));
  QCOMPARE(r.nonEmptyBins, 4);
  for (int b = 0; b < 15; ++b) {
    const int64_t expected = b == 7 ? 1 : b == 8 ? 3 : b == 10 ? 1 : b == 14 ? 3 : 0;
    QCOMPARE(r.bins[size_t(b)].count, expected);
    QVERIFY(near(r.bins[size_t(b)].lower, b / 15.0));
    QVERIFY(near(r.bins[size_t(b)].upper, (b + 1) / 15.0));
    if (expected == 0) QVERIFY(std::isnan(r.bins[size_t(b)].accuracy));
  }
  QVERIFY(near(r.bins[8].accuracy, 1.0 / 3));
  QVERIFY(near(r.bins[8].confidence, 1.75 / 3));
  QVERIFY(near(r.bins[14].accuracy, 2.0 / 3));
  QVERIFY(near(r.bins[14].confidence, 2.9 / 3));
  QVERIFY(near(r.bins[10].gap(), 0.3));
  QVERIFY(near(r.ece, 2.45 / 8));
  QVERIFY(near(r.mce, 0.5));
  QCOMPARE(r.accuracy, 0.5);
  QVERIFY(near(r.meanConfidence, (.95 + .97 + .98 + .6 + .6 + .55 + .5 + .7) / 8));
  const double nll = -(std::log(.95) + std::log(.03) + std::log(.98) + std::log(.6) + std::log(.4) +
                       std::log(.45) + std::log(.5) + std::log(.7)) /
                     8;
  QVERIFY(near(r.negLogLikelihood, nll));
  // Two classes: Σ_k (p_k - y_k)^2 = 2 (1 - p_y)^2.
  const double brier =
      2 * (.05 * .05 + .97 * .97 + .02 * .02 + .4 * .4 + .6 * .6 + .55 * .55 + .5 * .5 + .3 * .3) / 8;
  QVERIFY(near(r.brier, brier));
}

void TestCalibration::equalWidthBinEdges_data() {
  QTest::addColumn<double>("confidence");
  QTest::addColumn<int>("bin");
  QTest::newRow("zero") << 0.0 << 0;
  QTest::newRow("tiny") << 1e-300 << 0;
  QTest::newRow("edge 1/15") << 1.0 / 15 << 0;
  QTest::newRow("above 1/15") << std::nextafter(1.0 / 15, 1.0) << 1;
  QTest::newRow("edge 1/3 = 5/15") << 5.0 / 15 << 4;
  QTest::newRow("just above 1/3") << std::nextafter(5.0 / 15, 1.0) << 5;
  QTest::newRow("edge 2/3 = 10/15") << 10.0 / 15 << 9;
  QTest::newRow("0.5") << 0.5 << 7;
  QTest::newRow("edge 14/15") << 14.0 / 15 << 13;
  QTest::newRow("just below 1") << std::nextafter(1.0, 0.0) << 14;
  QTest::newRow("one") << 1.0 << 14;
  QTest::newRow("above one (rounding)") << 1.0000001 << 14;
}

void TestCalibration::equalWidthBinEdges() {
  QFETCH(double, confidence);
  QFETCH(int, bin);
  QCOMPARE(equalWidthBin(confidence, 15), bin);
  // Agrees with the definition bin b = (b/15, (b+1)/15] for every b.
  if (confidence > 0 && confidence <= 1) {
    QVERIFY(confidence > bin / 15.0);
    QVERIFY(confidence <= (bin + 1) / 15.0);
  }
}

void TestCalibration::confidenceOnAnEdgeGoesToTheLowerBin() {
  // Confidences exactly 1/3 and 2/3 (three classes) and 1.0: bins 4, 9 and 14.
  const std::vector<double> p{1.0 / 3, 1.0 / 3, 1.0 / 3, 2.0 / 3, 1.0 / 6, 1.0 / 6, 0, 1, 0};
  const auto r = report(p, 3, {0, 1, 1});
  QCOMPARE(r.bins[4].count, int64_t(1));
  QCOMPARE(r.bins[9].count, int64_t(1));
  QCOMPARE(r.bins[14].count, int64_t(1));
  QCOMPARE(r.nonEmptyBins, 3);
  // bin 4: conf 1/3, predicted 0 = label: acc 1; bin 9: predicted 0, label 1: acc 0; bin 14 right.
  QCOMPARE(r.bins[4].accuracy, 1.0);
  QCOMPARE(r.bins[9].accuracy, 0.0);
  QVERIFY(near(r.ece, ((1 - 1.0 / 3) + 2.0 / 3 + 0) / 3));
}

void TestCalibration::brierBounds() {
  // Perfect one-hot predictions: Brier 0, NLL 0, ECE 0.
  {
    const auto r = report({1, 0, 0, 0, 1, 0, 0, 0, 1}, 3, {0, 1, 2});
    QCOMPARE(r.brier, 0.0);
    QCOMPARE(r.negLogLikelihood, 0.0);
    QCOMPARE(r.ece, 0.0);
    QCOMPARE(r.accuracy, 1.0);
  }
  // Confidently wrong one-hot predictions: Brier 2 (the maximum), ECE = MCE = 1.
  {
    const auto r = report({0, 1, 0, 0, 0, 1, 1, 0, 0}, 3, {0, 1, 2});
    QCOMPARE(r.brier, 2.0);
    QCOMPARE(r.ece, 1.0);
    QCOMPARE(r.mce, 1.0);
    QCOMPARE(r.accuracy, 0.0);
  }
  // Uniform predictions over K classes: Brier (1 - 1/K)^2 + (K - 1)/K^2 = 1 - 1/K.
  {
    const int k = 4;
    const auto r = report(std::vector<double>(size_t(2 * k), 1.0 / k), k, {0, 3});
    QVERIFY(near(r.brier, 1 - 1.0 / k));
    QVERIFY(near(r.negLogLikelihood, std::log(double(k))));
  }
}

void TestCalibration::nllWithUnderflow() {
  // A float probability of exactly 0 on the true class counts as FLT_MIN: -log(FLT_MIN) nats.
  const std::vector<float> p{1.0f, 0.0f, 0.5f, 0.5f};
  const std::vector<uint8_t> y{1, 0};
  auto r = calibrationReport(std::span<const float>(p), 2, std::span<const uint8_t>(y));
  QVERIFY(r.ok());
  const double expected = (-std::log(double(std::numeric_limits<float>::min())) - std::log(0.5)) / 2;
  QVERIFY(near(r->negLogLikelihood, expected));
  QVERIFY(std::isfinite(r->negLogLikelihood));
}

void TestCalibration::equalMassBins() {
  // Ten distinct confidences .55 .. 1.0, five equal-mass bins of two. Correct: pattern below.
  const std::vector<double> conf{.55, .60, .65, .70, .75, .80, .85, .90, .95, 1.0};
  const std::vector<int> correct{0, 1, 1, 1, 0, 0, 1, 1, 1, 1};
  // Shuffle the input order to check the sort: images in reverse.
  std::vector<double> c2(conf.rbegin(), conf.rend());
  std::vector<int> ok2(correct.rbegin(), correct.rend());
  const auto p = twoClassRows(c2, std::vector<int>(10, 0));
  std::vector<uint8_t> y;
  for (int v : ok2) y.push_back(v ? 0 : 1);
  const auto r = report(p, 2, y, {5, BinScheme::EqualMass});
  QCOMPARE(r.bins.size(), size_t(5));
  QCOMPARE(r.nonEmptyBins, 5);
  // Bins {.55,.60} acc .5 conf .575 | {.65,.70} 1, .675 | {.75,.80} 0, .775 | {.85,.90} 1, .875 |
  // {.95,1} 1, .975. ECE = (2/10)(.075 + .325 + .775 + .125 + .025) = .265; MCE = .775.
  const double acc[5]{.5, 1, 0, 1, 1}, cf[5]{.575, .675, .775, .875, .975};
  for (int b = 0; b < 5; ++b) {
    QCOMPARE(r.bins[size_t(b)].count, int64_t(2));
    QVERIFY(near(r.bins[size_t(b)].accuracy, acc[b]));
    QVERIFY(near(r.bins[size_t(b)].confidence, cf[b]));
    QVERIFY(near(r.bins[size_t(b)].upper, conf[size_t(2 * b + 1)]));
    QVERIFY(near(r.bins[size_t(b)].lower, b == 0 ? 0.0 : conf[size_t(2 * b - 1)]));
  }
  QVERIFY(near(r.ece, .265));
  QVERIFY(near(r.mce, .775));
  // Uneven split: 10 images in 3 bins -> cuts at floor(10/3) = 3 and floor(20/3) = 6: 3, 3, 4.
  const auto r3 = report(p, 2, y, {3, BinScheme::EqualMass});
  QCOMPARE(r3.bins[0].count, int64_t(3));
  QCOMPARE(r3.bins[1].count, int64_t(3));
  QCOMPARE(r3.bins[2].count, int64_t(4));
}

void TestCalibration::equalMassKeepsTiesTogether() {
  // Confidences .6 .6 .6 .7 .8 .9 in 3 bins: the cut at 2 falls inside the run of .6 and moves
  // to its end, so the bins hold 3, 1 and 2 images: [0, .6], (.6, .7], (.7, .9].
  const auto p = twoClassRows({.9, .6, .7, .6, .8, .6}, std::vector<int>(6, 1));
  const auto r = report(p, 2, {1, 1, 0, 0, 1, 1}, {3, BinScheme::EqualMass});
  QCOMPARE(r.bins[0].count, int64_t(3));
  QCOMPARE(r.bins[1].count, int64_t(1));
  QCOMPARE(r.bins[2].count, int64_t(2));
  QVERIFY(near(r.bins[0].upper, .6));
  QVERIFY(near(r.bins[1].lower, .6));
  QVERIFY(near(r.bins[1].upper, .7));
  QVERIFY(near(r.bins[2].upper, .9));
  // Correct (predicted 1): images 0, 1, 4, 5 -> bin 0 {1, 3, 5}: 2 of 3; bin 1 {2}: 0; bin 2 {0, 4}: 2.
  QVERIFY(near(r.bins[0].accuracy, 2.0 / 3));
  QCOMPARE(r.bins[1].accuracy, 0.0);
  QCOMPARE(r.bins[2].accuracy, 1.0);
  QVERIFY(near(r.ece, (3 * std::abs(2.0 / 3 - .6) + 1 * .7 + 2 * (1 - .85)) / 6));
}

void TestCalibration::equalMassAllTied() {
  const auto p = twoClassRows({.6, .6, .6, .6}, std::vector<int>(4, 0));
  const auto r = report(p, 2, {0, 0, 0, 1}, {3, BinScheme::EqualMass});
  QCOMPARE(r.nonEmptyBins, 1);
  QCOMPARE(r.bins[0].count, int64_t(4));
  QCOMPARE(r.bins[1].count, int64_t(0));
  QCOMPARE(r.bins[2].count, int64_t(0));
  QCOMPARE(r.bins[2].lower, r.bins[2].upper);
  QVERIFY(near(r.ece, .15));
}

void TestCalibration::randomAgainstNaiveComputation_data() {
  QTest::addColumn<int>("numBins");
  QTest::addColumn<int>("scheme");
  QTest::newRow("15 equal-width") << 15 << int(BinScheme::EqualWidth);
  QTest::newRow("10 equal-width") << 10 << int(BinScheme::EqualWidth);
  QTest::newRow("1 bin") << 1 << int(BinScheme::EqualWidth);
  QTest::newRow("20 equal-mass") << 20 << int(BinScheme::EqualMass);
  QTest::newRow("7 equal-mass") << 7 << int(BinScheme::EqualMass);
}

void TestCalibration::randomAgainstNaiveComputation() {
  QFETCH(int, numBins);
  QFETCH(int, scheme);
  const int64_t n = 2003;
  const int k = 10;
  std::vector<float> p;
  std::vector<uint8_t> y;
  randomProblem(n, k, 42, p, y);
  auto rr = calibrationReport(std::span<const float>(p), k, std::span<const uint8_t>(y),
                              {numBins, BinScheme(scheme)});
  QVERIFY(rr.ok());
  const auto& r = *rr;

  // Naive: confidences and correctness image by image, then every bin scans every image using
  // the interval the report gives (equal-width: edges b/B; equal-mass: (lower, upper]).
  std::vector<double> conf(static_cast<size_t>(n));
  std::vector<int> ok(static_cast<size_t>(n));
  double brier = 0, nll = 0;
  for (int64_t i = 0; i < n; ++i) {
    int best = 0;
    for (int c = 0; c < k; ++c) {
      if (p[size_t(i * k + c)] > p[size_t(i * k + best)]) best = c;
      const double d = p[size_t(i * k + c)] - (c == y[size_t(i)] ? 1.0 : 0.0);
      brier += d * d;
    }
    conf[size_t(i)] = p[size_t(i * k + best)];
    ok[size_t(i)] = best == y[size_t(i)];
    nll -= std::log(
        std::max(double(p[size_t(i * k + y[size_t(i)])]), double(std::numeric_limits<float>::min())));
  }
  double ece = 0, mce = 0;
  int64_t total = 0;
  for (int b = 0; b < numBins; ++b) {
    const double lo = scheme == int(BinScheme::EqualWidth) ? double(b) / numBins : r.bins[size_t(b)].lower;
    const double hi =
        scheme == int(BinScheme::EqualWidth) ? double(b + 1) / numBins : r.bins[size_t(b)].upper;
    int64_t count = 0, right = 0;
    double sum = 0;
    for (int64_t i = 0; i < n; ++i) {
      const double c = conf[size_t(i)];
      const bool in = (c > lo || (b == 0 && c >= 0)) && (c <= hi || b == numBins - 1);
      if (!in) continue;
      ++count;
      right += ok[size_t(i)];
      sum += c;
    }
    QCOMPARE(r.bins[size_t(b)].count, count);
    total += count;
    if (count == 0) continue;
    const double gap = std::abs(double(right) / count - sum / count);
    ece += double(count) / n * gap;
    mce = std::max(mce, gap);
  }
  QCOMPARE(total, n);
  QVERIFY(near(r.ece, ece, 1e-12));
  QVERIFY(near(r.mce, mce, 1e-12));
  QVERIFY(near(r.brier, brier / n, 1e-12));
  QVERIFY(near(r.negLogLikelihood, nll / n, 1e-12));
  if (scheme == int(BinScheme::EqualMass)) {
    // The definition, from the sorted confidences: cuts at floor(b N / B), each moved to the end
    // of the run of equal confidences it falls in.
    std::vector<double> sorted = conf;
    std::sort(sorted.begin(), sorted.end());
    int64_t start = 0;
    for (int b = 0; b < numBins; ++b) {
      int64_t end = b + 1 == numBins ? n : std::max(start, int64_t(b + 1) * n / numBins);
      while (end > 0 && end < n && sorted[size_t(end)] == sorted[size_t(end - 1)]) ++end;
      QCOMPARE(r.bins[size_t(b)].count, end - start);
      start = end;
    }
  }
}

void TestCalibration::floatAndDoubleAgree() {
  std::vector<float> p;
  std::vector<uint8_t> y;
  randomProblem(500, 10, 7, p, y);
  const std::vector<double> pd(p.begin(), p.end());
  const auto a = calibrationReport(std::span<const float>(p), 10, std::span<const uint8_t>(y));
  const auto b = calibrationReport(std::span<const double>(pd), 10, std::span<const uint8_t>(y));
  QVERIFY(a.ok() && b.ok());
  QCOMPARE(a->ece, b->ece);
  QCOMPARE(a->brier, b->brier);
  QCOMPARE(a->negLogLikelihood, b->negLogLikelihood);
}

void TestCalibration::topClassTiesToLowestClass() {
  const std::vector<float> p{0.2f, 0.4f, 0.4f, 0.5f, 0.5f, 0.0f};
  std::vector<double> conf(2);
  std::vector<uint8_t> pred(2);
  topClass(std::span<const float>(p), 3, conf, pred);
  QCOMPARE(int(pred[0]), 1);
  QCOMPARE(int(pred[1]), 0);
  QCOMPARE(conf[0], double(0.4f));
}

void TestCalibration::badInput() {
  const std::vector<double> p{0.5, 0.5, 0.2, 0.8};
  auto call = [&](const std::vector<double>& probs, int k, const std::vector<uint8_t>& y,
                  CalibrationOptions o = {}) {
    return calibrationReport(std::span<const double>(probs), k, std::span<const uint8_t>(y), o);
  };
  QVERIFY(!call(p, 2, {}).ok());           // no images
  QVERIFY(!call(p, 2, {0}).ok());          // size mismatch
  QVERIFY(!call(p, 0, {0, 1}).ok());       // no classes
  QVERIFY(!call(p, 2, {0, 2}).ok());       // label out of range
  QVERIFY(!call(p, 2, {0, 1}, {0}).ok());  // no bins
  auto nan = call({0.5, std::nan(""), 0.2, 0.8}, 2, {0, 1});
  QVERIFY(!nan.ok());
  QCOMPARE(nan.error().offset, int64_t(0));
  QVERIFY(QString::fromStdString(nan.error().message()).contains("NaN"));
  auto neg = call({0.5, 0.5, -0.2, 1.2}, 2, {0, 1});
  QVERIFY(!neg.ok());
  QCOMPARE(neg.error().offset, int64_t(1));
  QVERIFY(call(p, 2, {0, 1}).ok());
}

QTEST_GUILESS_MAIN(TestCalibration)
#include "tst_calibration.moc"
