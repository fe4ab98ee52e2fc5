// The MLP's forward pass and minibatch gradient against a double-precision reference and
// central finite differences.
#include <QtTest>

#include <oneapi/tbb/task_arena.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "data/synthetic.h"
#include "nn/mlp.h"
#include "run/chain_parts.h"

using namespace bnn;

namespace {

// Naive double-precision Σ_i log p(y_i | x_i, θ) for the parameter layout of MlpShape.
double referenceLogLik(const MlpShape& s, const std::vector<double>& theta, const ImageSet& set,
                       const std::vector<uint32_t>& idx) {
  double total = 0;
  for (uint32_t i : idx) {
    std::vector<double> a(s.sizes[0]);
    for (int p = 0; p < s.sizes[0]; ++p) a[p] = set.image(i)[p] / 255.0;
    for (int l = 0; l < s.numLayers(); ++l) {
      const int in = s.sizes[l], out = s.sizes[l + 1];
      std::vector<double> z(out);
      for (int o = 0; o < out; ++o) {
        double v = theta[s.biasOffset(l) + o];
        for (int k = 0; k < in; ++k) v += a[k] * theta[s.weightOffset(l) + int64_t{k} * out + o];
        z[o] = (l + 1 < s.numLayers()) ? std::max(0.0, v) : v;
      }
      a = z;
    }
    double m = a[0];
    for (double v : a) m = std::max(m, v);
    double se = 0;
    for (double v : a) se += std::exp(v - m);
    total += a[set.labels[i]] - m - std::log(se);
  }
  return total;
}

}  // namespace

class TestMlpGradient : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void gradientMatchesFiniteDifferences_data() {
    QTest::addColumn<QVector<int>>("hidden");
    QTest::newRow("one hidden layer of 37") << QVector<int>{37};
    QTest::newRow("one hidden layer of 150 (two column blocks)") << QVector<int>{150};
    QTest::newRow("two hidden layers 20-9") << QVector<int>{20, 9};
  }
  void gradientMatchesFiniteDifferences() {
    QFETCH(QVector<int>, hidden);
    const Dataset d = makeSyntheticDataset(64, 10, 3);
    MlpShape shape;
    shape.sizes.push_back(784);
    for (int h : hidden) shape.sizes.push_back(h);
    shape.sizes.push_back(10);
    const Mlp mlp(shape);
    std::vector<float> theta = initialParameters(shape, InitKind::LecunNormal, 1.0, RandomStream(11));
    // Non-zero biases so their gradients are exercised away from the kink.
    RandomStream rs(12);
    std::vector<float> noise(static_cast<size_t>(shape.numParams()));
    rs.normals(0, 0, shape.numParams(), noise.data());
    for (size_t j = 0; j < theta.size(); ++j) theta[j] += 0.05f * noise[j];

    std::vector<uint32_t> idx{0, 5, 17, 23, 31, 40, 41, 63};
    SparseBatch x;
    x.gather(d.train, idx.data(), static_cast<int64_t>(idx.size()));
    std::vector<uint8_t> labels;
    for (uint32_t i : idx) labels.push_back(d.train.labels[i]);

    std::vector<float> g(theta.size());
    MlpWorkspace ws;
    const double ll = mlp.logLikelihoodGradient(theta.data(), x, labels.data(), g.data(), ws);
    std::vector<double> td(theta.begin(), theta.end());
    const double llRef = referenceLogLik(shape, td, d.train, idx);
    QVERIFY2(std::fabs(ll - llRef) < 1e-4 * std::max(1.0, std::fabs(llRef)),
             qPrintable(QString("loglik %1 vs reference %2").arg(ll).arg(llRef)));

    // Central differences in double on a spread of coordinates (every layer, weights and biases).
    const double eps = 1e-5;
    int checked = 0;
    for (int64_t j = 0; j < shape.numParams(); j += 1 + shape.numParams() / 400) {
      std::vector<double> tp = td, tm = td;
      tp[j] += eps;
      tm[j] -= eps;
      const double fd =
          (referenceLogLik(shape, tp, d.train, idx) - referenceLogLik(shape, tm, d.train, idx)) / (2 * eps);
      const double tol = 2e-3 * std::max(1.0, std::fabs(fd));
      QVERIFY2(std::fabs(fd - g[j]) < tol,
               qPrintable(QString("param %1: analytic %2, finite difference %3").arg(j).arg(g[j]).arg(fd)));
      ++checked;
    }
    for (int l = 0; l < shape.numLayers(); ++l) {
      for (int64_t j : {shape.biasOffset(l), shape.biasOffset(l) + shape.sizes[l + 1] - 1}) {
        std::vector<double> tp = td, tm = td;
        tp[j] += eps;
        tm[j] -= eps;
        const double fd =
            (referenceLogLik(shape, tp, d.train, idx) - referenceLogLik(shape, tm, d.train, idx)) / (2 * eps);
        QVERIFY2(std::fabs(fd - g[j]) < 2e-3 * std::max(1.0, std::fabs(fd)),
                 qPrintable(QString("bias %1: analytic %2, finite difference %3").arg(j).arg(g[j]).arg(fd)));
        ++checked;
      }
    }
    QVERIFY(checked > 300);
  }

  // Odd sizes for the tiled kernels: 25 inputs (last column group of one pixel), 150 images
  // (three tiles, the last partial), hidden width 70 (a full and a partial column block).
  void gradientOnSeveralTilesAndOddSizes() {
    ImageSet set;
    set.count = 200;
    set.rows = set.cols = 5;
    RandomStream px(21);
    for (int64_t k = 0; k < set.count * 25; ++k) {
      uint32_t b[4];
      px.bits(0, static_cast<uint64_t>(k), b);
      set.pixels.push_back(b[0] % 3 == 0 ? static_cast<uint8_t>(b[1] % 256) : uint8_t{0});
    }
    for (int64_t i = 0; i < set.count; ++i) set.labels.push_back(static_cast<uint8_t>(i % 10));
    MlpShape shape{{25, 70, 10}};
    const Mlp mlp(shape);
    const std::vector<float> theta = initialParameters(shape, InitKind::Prior, 0.3, RandomStream(22));
    std::vector<uint32_t> idx;
    for (uint32_t i = 0; i < 150; ++i) idx.push_back((i * 13 + 5) % 200);
    SparseBatch x;
    x.gather(set, idx.data(), static_cast<int64_t>(idx.size()));
    std::vector<uint8_t> labels;
    for (uint32_t i : idx) labels.push_back(set.labels[i]);
    std::vector<float> g(theta.size());
    MlpWorkspace ws;
    const double ll = mlp.logLikelihoodGradient(theta.data(), x, labels.data(), g.data(), ws);
    const std::vector<double> td(theta.begin(), theta.end());
    const double llRef = referenceLogLik(shape, td, set, idx);
    QVERIFY2(std::fabs(ll - llRef) < 1e-4 * std::max(1.0, std::fabs(llRef)),
             qPrintable(QString("loglik %1 vs reference %2").arg(ll).arg(llRef)));
    const double eps = 1e-5;
    int checked = 0;
    for (int64_t j = 0; j < shape.numParams(); j += 7) {
      std::vector<double> tp = td, tm = td;
      tp[j] += eps;
      tm[j] -= eps;
      const double fd =
          (referenceLogLik(shape, tp, set, idx) - referenceLogLik(shape, tm, set, idx)) / (2 * eps);
      QVERIFY2(std::fabs(fd - g[j]) < 2e-3 * std::max(1.0, std::fabs(fd)),
               qPrintable(QString("param %1: analytic %2, finite difference %3").arg(j).arg(g[j]).arg(fd)));
      ++checked;
    }
    QVERIFY(checked > 300);
  }

  // Several hidden layers of odd widths (full and partial column blocks and row tiles): the
  // gradient and the log-probabilities have the same bits on one thread, on 1, 2 or 3 workers
  // of the pool, whatever order the blocks run in.
  void deepNetworkSameBitsWhateverTheThreadCount() {
    const Dataset d = makeSyntheticDataset(300, 150, 8);
    MlpShape shape{{784, 130, 200, 70, 10}};
    const Mlp mlp(shape);
    const std::vector<float> theta = initialParameters(shape, InitKind::LecunNormal, 1.0, RandomStream(9));
    std::vector<uint32_t> idx;
    for (uint32_t i = 0; i < 150; ++i) idx.push_back((i * 11 + 2) % 300);
    std::vector<uint8_t> labels;
    for (uint32_t i : idx) labels.push_back(d.train.labels[i]);
    SparseBatch x, t;
    x.gather(d.train, idx.data(), static_cast<int64_t>(idx.size()));
    t.gatherRange(d.test, 0, d.test.count);
    auto evaluate = [&](bool parallel, std::vector<float>& g, std::vector<float>& lp) {
      MlpWorkspace ws;
      g.assign(theta.size(), -1.0f);
      lp.assign(static_cast<size_t>(d.test.count * 10), -1.0f);
      const double ll = mlp.logLikelihoodGradient(theta.data(), x, labels.data(), g.data(), ws, parallel);
      mlp.logProbabilities(theta.data(), t, lp.data(), ws, parallel);
      return ll;
    };
    std::vector<float> g0, lp0;
    const double ll0 = evaluate(false, g0, lp0);
    for (int threads : {1, 2, 3}) {
      tbb::task_arena arena(threads);
      std::vector<float> g, lp;
      const double ll = arena.execute([&] { return evaluate(true, g, lp); });
      QCOMPARE(ll, ll0);
      QVERIFY2(std::memcmp(g.data(), g0.data(), g.size() * sizeof(float)) == 0,
               qPrintable(QString::number(threads)));
      QVERIFY(std::memcmp(lp.data(), lp0.data(), lp.size() * sizeof(float)) == 0);
    }
    // And the gradient is right: the three dense layers against central differences (a sample).
    const std::vector<double> td(theta.begin(), theta.end());
    std::vector<uint32_t> few(idx.begin(), idx.begin() + 20);
    std::vector<uint8_t> fewLabels(labels.begin(), labels.begin() + 20);
    SparseBatch xf;
    xf.gather(d.train, few.data(), static_cast<int64_t>(few.size()));
    std::vector<float> gf(theta.size());
    MlpWorkspace ws;
    mlp.logLikelihoodGradient(theta.data(), xf, fewLabels.data(), gf.data(), ws);
    const double eps = 1e-5;
    int checked = 0;
    for (int l = 1; l <= 3; ++l)
      for (int64_t j = shape.weightOffset(l); j < shape.biasOffset(l) + shape.sizes[l + 1]; j += 61) {
        std::vector<double> tp = td, tm = td;
        tp[j] += eps;
        tm[j] -= eps;
        const double fd =
            (referenceLogLik(shape, tp, d.train, few) - referenceLogLik(shape, tm, d.train, few)) / (2 * eps);
        QVERIFY2(
            std::fabs(fd - gf[j]) < 2e-3 * std::max(1.0, std::fabs(fd)),
            qPrintable(QString("param %1: analytic %2, finite difference %3").arg(j).arg(gf[j]).arg(fd)));
        ++checked;
      }
    QVERIFY(checked > 100);
  }

  void logProbabilitiesAreNormalisedAndMatchReference() {
    const Dataset d = makeSyntheticDataset(10, 150, 4);  // three tiles of test images
    MlpShape shape{{784, 130, 10}};
    const Mlp mlp(shape);
    const std::vector<float> theta = initialParameters(shape, InitKind::Prior, 0.1, RandomStream(5));
    SparseBatch x;
    x.gatherRange(d.test, 0, d.test.count);
    std::vector<float> lp(static_cast<size_t>(d.test.count * 10));
    MlpWorkspace ws;
    mlp.logProbabilities(theta.data(), x, lp.data(), ws);
    std::vector<double> td(theta.begin(), theta.end());
    for (int64_t i = 0; i < d.test.count; ++i) {
      double s = 0;
      for (int c = 0; c < 10; ++c) s += std::exp(lp[i * 10 + c]);
      QVERIFY(std::fabs(s - 1.0) < 1e-5);
      const double ref = referenceLogLik(shape, td, d.test, {static_cast<uint32_t>(i)});
      QVERIFY(std::fabs(lp[i * 10 + d.test.labels[i]] - ref) < 1e-4 * std::max(1.0, std::fabs(ref)));
    }
  }

  void initialisationHasTheDocumentedScale() {
    MlpShape shape{{784, 500, 10}};
    const std::vector<float> theta = initialParameters(shape, InitKind::LecunNormal, 1.0, RandomStream(9));
    double s2 = 0, maxAbs = 0;
    const int64_t n = 784 * 500;
    for (int64_t j = 0; j < n; ++j) {
      s2 += double(theta[j]) * theta[j];
      maxAbs = std::max(maxAbs, std::fabs(double(theta[j])));
    }
    const double sd = std::sqrt(s2 / n), want = std::sqrt(1.0 / 784);
    QVERIFY2(std::fabs(sd - want) < 0.01 * want, qPrintable(QString("std %1, want %2").arg(sd).arg(want)));
    QVERIFY(maxAbs <= 2.0 * want / 0.87962566103423978 + 1e-6);  // truncated at 2 standard units
    for (int64_t j = shape.biasOffset(0); j < shape.biasOffset(0) + 500; ++j) QCOMPARE(theta[j], 0.0f);
    const std::vector<float> prior = initialParameters(shape, InitKind::Prior, 1.0, RandomStream(9));
    double p2 = 0;
    for (float v : prior) p2 += double(v) * v;
    QVERIFY(std::fabs(std::sqrt(p2 / prior.size()) - 1.0) < 0.01);
  }
};

QTEST_GUILESS_MAIN(TestMlpGradient)
#include "tst_mlp_gradient.moc"
