// SGLD and SGHMC (both parametrisations) on a correlated 2-D Gaussian target: the samples'
// mean and covariance match the target within Monte Carlo error. 2000 independent chains share
// one parameter vector, so the standard error comes from between-chain spread, not from guesses.
#include <QtTest>

#include <array>
#include <cmath>
#include <vector>

#include <Eigen/Dense>

#include "common/test_helpers.h"
#include "samplers/sampler.h"

using namespace bnn;

namespace {

constexpr int kChains = 2000;
const std::array<double, 2> kMean{1.0, -2.0};
const std::array<double, 4> kCov{1.0, 0.6, 0.6, 0.5};  // Σ; precision P = Σ^-1
std::array<double, 4> precision() {
  const double det = kCov[0] * kCov[3] - kCov[1] * kCov[2];
  return {kCov[3] / det, -kCov[1] / det, -kCov[2] / det, kCov[0] / det};
}

// ∇ log N(θ; μ, Σ) = -P (θ - μ) for every chain's pair of coordinates.
class GaussianTarget final : public GradientTarget {
 public:
  int64_t dim() const override { return 2 * kChains; }
  void nextMinibatch() override { ++batches; }
  void dataGradient(const float* t, float* g) override {
    const auto P = precision();
    for (int c = 0; c < kChains; ++c) {
      const double d0 = t[2 * c] - kMean[0], d1 = t[2 * c + 1] - kMean[1];
      g[2 * c] = static_cast<float>(-(P[0] * d0 + P[1] * d1));
      g[2 * c + 1] = static_cast<float>(-(P[2] * d0 + P[3] * d1));
    }
  }
  double dataScale() const override { return 1.0; }
  double priorPrecision() const override { return 0.0; }
  int64_t batches = 0;
};

struct Moments {
  std::array<double, 2> mean{};
  std::array<double, 3> cov{};  // xx, xy, yy
  std::array<double, 2> meanSe{};
  std::array<double, 3> covSe{};
};

// Runs `steps` after `burn` and returns per-quantity means across chains with standard errors.
Moments sample(Sampler& s, int burn, int steps) {
  GaussianTarget target;
  std::vector<float> theta(2 * kChains, 0.0f);
  for (int i = 0; i < burn; ++i) s.step(theta.data(), target);
  std::vector<std::array<double, 5>> acc(kChains, std::array<double, 5>{});
  for (int i = 0; i < steps; ++i) {
    if (!s.step(theta.data(), target)) qFatal("non-finite state");
    for (int c = 0; c < kChains; ++c) {
      const double x = theta[2 * c] - kMean[0], y = theta[2 * c + 1] - kMean[1];  // about the known mean
      acc[c][0] += x;
      acc[c][1] += y;
      acc[c][2] += x * x;
      acc[c][3] += x * y;
      acc[c][4] += y * y;
    }
  }
  // Per-chain raw moments (unbiased under stationarity, unlike a per-chain centred covariance,
  // which autocorrelation biases low), then means and standard errors across independent chains.
  std::array<double, 5> m{}, v{};
  for (auto& a : acc)
    for (int k = 0; k < 5; ++k) m[k] += a[k] / steps / kChains;
  for (auto& a : acc)
    for (int k = 0; k < 5; ++k) v[k] += std::pow(a[k] / steps - m[k], 2) / (kChains - 1);
  Moments r;
  for (int k = 0; k < 2; ++k) {
    r.mean[k] = m[k] + kMean[k];
    r.meanSe[k] = std::sqrt(v[k] / kChains);
  }
  r.cov = {m[2] - m[0] * m[0], m[3] - m[0] * m[1], m[4] - m[1] * m[1]};
  // The grand means' own error is second order; the raw moments' errors dominate.
  for (int k = 0; k < 3; ++k) r.covSe[k] = std::sqrt(v[k + 2] / kChains);
  return r;
}

// Exact stationary covariance of θ for the linear SGHMC recursion on this target (centred θ,
// state x = (θ, p)): one inner step is x' = F x + G ξ; p is resampled from N(0, v0 I) at the
// start of every step. Iterating the covariance map to its fixed point gives what the scheme,
// as specified, samples; any deviation of the implementation from the equations shows up.
std::array<double, 3> exactSghmcCovariance(SghmcForm form, double h, double alpha, int L) {
  using M2 = Eigen::Matrix2d;
  using M4 = Eigen::Matrix4d;
  const auto Pa = precision();
  M2 P;
  P << Pa[0], Pa[1], Pa[2], Pa[3];
  const M2 I = M2::Identity();
  M4 F = M4::Zero(), GGt = M4::Zero();
  double v0, s2;
  if (form == SghmcForm::Chen) {
    // θ' = θ + p; p' = (1-α) p - h P θ' + s ξ
    F.block<2, 2>(0, 0) = I;
    F.block<2, 2>(0, 2) = I;
    F.block<2, 2>(2, 0) = -h * P;
    F.block<2, 2>(2, 2) = (1 - alpha) * I - h * P;
    v0 = h;
    s2 = 2 * h * alpha;
  } else {
    // θ' = θ + h p; p' = (1-αh) p - h P θ + s ξ
    F.block<2, 2>(0, 0) = I;
    F.block<2, 2>(0, 2) = h * I;
    F.block<2, 2>(2, 0) = -h * P;
    F.block<2, 2>(2, 2) = (1 - alpha * h) * I;
    v0 = 1.0;
    s2 = 2 * alpha * h;
  }
  GGt.block<2, 2>(2, 2) = s2 * I;
  M2 C = I;
  for (int it = 0; it < 200000; ++it) {
    M4 S = M4::Zero();
    S.block<2, 2>(0, 0) = C;
    S.block<2, 2>(2, 2) = v0 * I;
    for (int l = 0; l < L; ++l) S = F * S * F.transpose() + GGt;
    const M2 next = S.block<2, 2>(0, 0);
    if ((next - C).cwiseAbs().maxCoeff() < 1e-13) {
      C = next;
      break;
    }
    C = next;
  }
  return {C(0, 0), C(0, 1), C(1, 1)};
}

void expectClose(const char* what, double got, double want, double se, double bias) {
  QVERIFY(test::withinStandardErrors(what, got, want, se, 5.0, bias));
}

void checkMoments(const Moments& r, const std::array<double, 3>& wantCov, double covBias) {
  expectClose("mean x", r.mean[0], kMean[0], r.meanSe[0], 0.0);
  expectClose("mean y", r.mean[1], kMean[1], r.meanSe[1], 0.0);
  expectClose("cov xx", r.cov[0], wantCov[0], r.covSe[0], covBias);
  expectClose("cov xy", r.cov[1], wantCov[1], r.covSe[1], covBias);
  expectClose("cov yy", r.cov[2], wantCov[2], r.covSe[2], covBias);
  // The test has power: its standard errors are small against the quantities tested.
  QVERIFY(r.covSe[0] < 0.01 && r.covSe[2] < 0.01);
}

}  // namespace

class TestSamplers : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void sgldMatchesItsExactDiscreteStationaryCovariance() {
    // For θ' = θ - hP(θ-μ) + sqrt(2h)ξ the stationary covariance is exactly (P - h P²/2)^-1,
    // which differs from Σ by O(h): this pins the step equation, not only its limit.
    const double h = 0.02;
    SamplerSettings s;
    s.kind = SamplerKind::Sgld;
    s.stepSize = h;
    auto sampler = makeSampler(s, 2 * kChains, RandomStream(101));
    const Moments r = sample(*sampler, 2000, 4000);
    const auto P = precision();
    // M = P - h/2 P², then invert.
    const double m0 = P[0] - h / 2 * (P[0] * P[0] + P[1] * P[2]);
    const double m1 = P[1] - h / 2 * (P[0] * P[1] + P[1] * P[3]);
    const double m3 = P[3] - h / 2 * (P[2] * P[1] + P[3] * P[3]);
    const double det = m0 * m3 - m1 * m1;
    checkMoments(r, {m3 / det, -m1 / det, m0 / det}, 0.0);
    // And the exact discrete covariance is measurably different from Σ at this h (power check).
    QVERIFY(std::fabs(m0 / det - kCov[0]) > 5 * r.covSe[0] || std::fabs(m3 / det - kCov[3]) > 5 * r.covSe[2]);
  }

  void sgldWithSmallStepRecoversTheTarget() {
    SamplerSettings s;
    s.stepSize = 0.002;
    auto sampler = makeSampler(s, 2 * kChains, RandomStream(102));
    const Moments r = sample(*sampler, 8000, 12000);
    // O(h) discretisation bias: at most h * λmax / 2 relative (λmax(P) ≈ 10).
    checkMoments(r, {kCov[0], kCov[1], kCov[3]}, 0.012);
  }

  void sghmc_data() {
    QTest::addColumn<int>("form");
    QTest::addColumn<double>("h");
    QTest::addColumn<double>("alpha");
    QTest::newRow("Chen form, h = 1e-3, alpha = 0.1") << int(SghmcForm::Chen) << 1e-3 << 0.1;
    QTest::newRow("Ma form, h = 0.03, alpha = 1") << int(SghmcForm::Ma) << 0.03 << 1.0;
  }
  void sghmc() {
    QFETCH(int, form);
    QFETCH(double, h);
    QFETCH(double, alpha);
    SamplerSettings s;
    s.kind = SamplerKind::Sghmc;
    s.form = static_cast<SghmcForm>(form);
    s.stepSize = h;
    s.alpha = alpha;
    s.leapfrogSteps = 5;
    auto sampler = makeSampler(s, 2 * kChains, RandomStream(103));
    const Moments r = sample(*sampler, 1500, 4000);
    const auto exact = exactSghmcCovariance(s.form, h, alpha, s.leapfrogSteps);
    qInfo("exact scheme covariance %g %g %g", exact[0], exact[1], exact[2]);
    checkMoments(r, exact, 0.0);  // the exact covariance of the scheme: no bias allowance
  }

  void sghmcSchemeApproachesTheTargetAsLGrows() {
    // Both forms, as specified, move θ with freshly drawn momentum before the first gradient
    // kick of each step; the scheme's stationary covariance therefore exceeds Σ by roughly 1/L.
    for (SghmcForm form : {SghmcForm::Chen, SghmcForm::Ma}) {
      const double h = form == SghmcForm::Chen ? 1e-3 : 0.03, alpha = form == SghmcForm::Chen ? 0.1 : 1.0;
      double previous = 1e9;
      for (int L : {5, 20, 80}) {
        const auto c = exactSghmcCovariance(form, h, alpha, L);
        const double excess = c[0] / kCov[0] - 1.0;
        qInfo("%s L=%d: cov xx %.4f (excess %.1f%%)", enumName(form), L, c[0], 100 * excess);
        QVERIFY(excess < previous);
        previous = excess;
      }
      QVERIFY2(previous < 0.05, "with L = 80 the scheme is within 5% of the target");
    }
  }

  void sghmcDrawsOneMinibatchPerStepOrOnePerInnerStep() {
    SamplerSettings s;
    s.kind = SamplerKind::Sghmc;
    s.stepSize = 1e-3;
    s.leapfrogSteps = 7;
    GaussianTarget t;
    std::vector<float> theta(2 * kChains, 0.0f);
    auto same = makeSampler(s, 2 * kChains, RandomStream(1));
    same->step(theta.data(), t);
    QCOMPARE(t.batches, int64_t{1});
    s.freshBatchPerInnerStep = true;
    auto fresh = makeSampler(s, 2 * kChains, RandomStream(1));
    fresh->step(theta.data(), t);
    QCOMPARE(t.batches, int64_t{1 + 7});
    QCOMPARE(fresh->gradientsPerStep(), 7);
  }

  void divergenceIsReported() {
    SamplerSettings s;
    s.stepSize = 5.0;  // far beyond stability (h λmax ≈ 50)
    auto sampler = makeSampler(s, 2 * kChains, RandomStream(3));
    GaussianTarget t;
    std::vector<float> theta(2 * kChains, 0.0f);
    bool ok = true;
    int steps = 0;
    while (ok && steps < 1000) {
      ok = sampler->step(theta.data(), t);
      ++steps;
    }
    QVERIFY2(!ok, "a step size of 5 must diverge");
  }

  void noiseFollowsTheDocumentedBoxMullerMapping() {
    // Normal j of batch g (64 per batch) = Box-Muller of Philox block 16g + j % 16, words
    // (0, 1) for j / 16 in {0, 1} (cos, sin) and words (2, 3) for {2, 3}; checked against libm.
    RandomStream s(0xABCDEF);
    const int64_t n = 64 * 40;
    std::vector<float> z(n);
    s.normals(123, 64 * 1000, n, z.data());
    double worst = 0;
    for (int64_t i = 0; i < n; ++i) {
      const uint64_t g = 1000 + static_cast<uint64_t>(i) / 64;
      const int j = static_cast<int>(i % 64);
      uint32_t w[4];
      s.bits(123, 16 * g + j % 16, w);
      const int pair = j / 32, trig = (j / 16) % 2;
      const double u1 = ((w[2 * pair] >> 8) + 1) / 16777216.0, u2 = ((w[2 * pair + 1] >> 8) + 1) / 16777216.0;
      const double r = std::sqrt(-2 * std::log(u1)), a = 2 * M_PI * u2;
      const double want = r * (trig == 0 ? std::cos(a) : std::sin(a));
      worst = std::max(worst, std::fabs(want - z[i]) / std::max(1.0, std::fabs(want)));
    }
    QVERIFY2(worst < 3e-6, qPrintable(QString("largest deviation from libm Box-Muller: %1").arg(worst)));
  }

  void noiseIsStandardNormalAndReproducible() {
    RandomStream s(42);
    std::vector<float> a(100000), b(100000);
    s.normals(7, 0, 100000, a.data());
    // The same draw filled in two pieces gives the same numbers.
    s.normals(7, 0, 40000, b.data());
    s.normals(7, 40000, 60000, b.data() + 40000);  // 40000 is a multiple of 64
    QCOMPARE(a, b);
    double m = 0, v = 0, k4 = 0;
    for (float x : a) m += x;
    m /= a.size();
    for (float x : a) {
      v += (x - m) * (x - m);
      k4 += std::pow(x - m, 4);
    }
    v /= a.size();
    k4 /= a.size();
    QVERIFY(std::fabs(m) < 5 / std::sqrt(1e5));
    QVERIFY(std::fabs(v - 1) < 5 * std::sqrt(2 / 1e5));
    QVERIFY(std::fabs(k4 / (v * v) - 3) < 5 * std::sqrt(24 / 1e5));  // SE of the kurtosis: sqrt(24/n)
    std::vector<float> c(1000);
    s.normals(8, 0, 1000, c.data());
    QVERIFY(!std::equal(c.begin(), c.end(), a.begin()));
  }
};

QTEST_GUILESS_MAIN(TestSamplers)
#include "tst_samplers.moc"
