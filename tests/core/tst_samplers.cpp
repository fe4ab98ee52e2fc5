// SGLD, SGHMC (both parametrisations), pSGLD and SGNHT on a correlated 2-D Gaussian target: the
// samples' mean and covariance match the exact stationary covariance of each discretisation
// within Monte Carlo error. 2000 independent chains share one parameter vector, so the standard
// error comes from between-chain spread, not from guesses. Then one step of each new sampler
// against its equations written out in double precision, and exploration steps without noise.
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
  int64_t batchSize() const override { return 1; }
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
  QVERIFY(r.covSe[0] < 0.01 * wantCov[0] && r.covSe[2] < 0.01 * wantCov[2]);
}

using M2 = Eigen::Matrix2d;
M2 precisionMatrix() {
  const auto Pa = precision();
  M2 P;
  P << Pa[0], Pa[1], Pa[2], Pa[3];
  return P;
}

// Stationary covariance S of x' = F x + e, Cov(e) = Q: vec(S) = (I - F ⊗ F)^-1 vec(Q).
template <int N>
Eigen::Matrix<double, N, N> stationaryCovariance(const Eigen::Matrix<double, N, N>& F,
                                                 const Eigen::Matrix<double, N, N>& Q) {
  constexpr int NN = N * N;
  Eigen::Matrix<double, NN, NN> K = Eigen::Matrix<double, NN, NN>::Identity();
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j)
      for (int k = 0; k < N; ++k)
        for (int l = 0; l < N; ++l) K(i * N + j, k * N + l) -= F(i, k) * F(j, l);  // (F S Fᵀ)_ij
  Eigen::Matrix<double, NN, 1> q;
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j) q(i * N + j) = Q(i, j);
  const Eigen::Matrix<double, NN, 1> v = K.fullPivLu().solve(q);
  Eigen::Matrix<double, N, N> S;
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j) S(i, j) = v(i * N + j);
  return S;
}

// pSGLD on this target with the preconditioner frozen at G (diagonal): θ' = θ - h G P θ +
// sqrt(2 h T G) ξ (centred). With a close to 1, V is the mean of ḡ² over about 1/(1 - a) steps,
// so G settles at 1 / (λ + sqrt(diag(P C P))) (E ḡ² = diag(P C P) for ḡ = -P θ); iterating the
// pair to its fixed point gives the stationary covariance the scheme samples.
std::array<double, 3> exactPsgldCovariance(double h, double T, double lambda) {
  const M2 P = precisionMatrix();
  Eigen::Vector2d G(1 / std::sqrt(P(0, 0)), 1 / std::sqrt(P(1, 1)));
  M2 C = M2::Identity();
  for (int it = 0; it < 200; ++it) {
    const M2 F = M2::Identity() - h * G.asDiagonal() * P;
    const M2 Q = (2 * h * T * G).asDiagonal();
    C = stationaryCovariance<2>(F, Q);
    const M2 pcp = P * C * P;
    const Eigen::Vector2d next(1 / (lambda + std::sqrt(pcp(0, 0))), 1 / (lambda + std::sqrt(pcp(1, 1))));
    if ((next - G).cwiseAbs().maxCoeff() < 1e-14) break;
    G = next;
  }
  return {C(0, 0), C(0, 1), C(1, 1)};
}

// SGNHT on this target with the thermostat at a fixed ζ: per inner step
//   p' = (1 - ζh) p - h P θ + s ξ,  θ' = θ + h p'     (s² = 2 A h)
// a linear recursion in (θ, p). The thermostat holds ζ where the mean kinetic energy per
// coordinate is T (with 4,000 coordinates its fluctuations are tiny); found by bisection.
std::array<double, 3> exactSgnhtCovariance(double h, double A, double T, double* zetaOut) {
  using M4 = Eigen::Matrix4d;
  const M2 P = precisionMatrix();
  const M2 I = M2::Identity();
  const double s2 = 2 * A * h;
  auto stationary = [&](double zeta) {
    M4 F = M4::Zero(), Q = M4::Zero();
    F.block<2, 2>(0, 0) = I - h * h * P;
    F.block<2, 2>(0, 2) = h * (1 - zeta * h) * I;
    F.block<2, 2>(2, 0) = -h * P;
    F.block<2, 2>(2, 2) = (1 - zeta * h) * I;
    Q.block<2, 2>(0, 0) = s2 * h * h * I;
    Q.block<2, 2>(0, 2) = s2 * h * I;
    Q.block<2, 2>(2, 0) = s2 * h * I;
    Q.block<2, 2>(2, 2) = s2 * I;
    return stationaryCovariance<4>(F, Q);
  };
  // Kinetic energy per coordinate falls as ζ grows.
  double lo = 1e-6, hi = 1.0 / h;
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (lo + hi);
    const M4 S = stationary(mid);
    (0.5 * (S(2, 2) + S(3, 3)) > T ? lo : hi) = mid;
  }
  const double zeta = 0.5 * (lo + hi);
  if (zetaOut) *zetaOut = zeta;
  const M4 S = stationary(zeta);
  return {S(0, 0), S(0, 1), S(1, 1)};
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

  void psgld_data() {
    QTest::addColumn<double>("h");
    QTest::addColumn<double>("T");
    QTest::newRow("h = 0.1, T = 1") << 0.1 << 1.0;
    QTest::newRow("h = 0.05, T = 0.5") << 0.05 << 0.5;
  }
  void psgld() {
    QFETCH(double, h);
    QFETCH(double, T);
    SamplerSettings s;
    s.kind = SamplerKind::Psgld;
    s.stepSize = h;
    s.temperature = T;
    s.psgldDecay = 0.9999;  // V averages ~10^4 steps: G nearly constant, the scheme nearly linear
    s.psgldLambda = 1e-5;
    auto sampler = makeSampler(s, 2 * kChains, RandomStream(104));
    const Moments r = sample(*sampler, 60000, 10000);  // V forgets its start (a^60000 = 0.0025)
    const auto exact = exactPsgldCovariance(h, T, s.psgldLambda);
    qInfo("pSGLD exact scheme covariance %g %g %g (target T Sigma %g %g %g)", exact[0], exact[1], exact[2],
          T * kCov[0], T * kCov[1], T * kCov[3]);
    qInfo("pSGLD sampled covariance %g %g %g (standard errors %.2g %.2g %.2g)", r.cov[0], r.cov[1], r.cov[2],
          r.covSe[0], r.covSe[1], r.covSe[2]);
    // Left-over dependence of G on its start and on recent θ (the omitted Γ): a small allowance.
    checkMoments(r, exact, 0.003 * T);
    // Power: the preconditioned discretisation differs measurably from T Σ at these step sizes.
    QVERIFY(std::fabs(exact[2] - T * kCov[3]) > 5 * r.covSe[2]);
  }

  void sgnht_data() {
    QTest::addColumn<double>("h");
    QTest::addColumn<double>("A");
    QTest::addColumn<double>("T");
    QTest::addColumn<int>("L");
    QTest::newRow("h = 0.05, A = 1, T = 1, L = 1") << 0.05 << 1.0 << 1.0 << 1;
    QTest::newRow("h = 0.08, A = 0.5, T = 2, L = 3") << 0.08 << 0.5 << 2.0 << 3;
  }
  void sgnht() {
    QFETCH(double, h);
    QFETCH(double, A);
    QFETCH(double, T);
    QFETCH(int, L);
    SamplerSettings s;
    s.kind = SamplerKind::Sgnht;
    s.stepSize = h;
    s.temperature = T;
    s.sgnhtDiffusion = A;
    s.leapfrogSteps = L;
    auto sampler = makeSampler(s, 2 * kChains, RandomStream(105));
    QCOMPARE(sampler->gradientsPerStep(), L);
    const Moments r = sample(*sampler, 6000 / L, 12000 / L);
    double zeta = 0;
    const auto exact = exactSgnhtCovariance(h, A, T, &zeta);
    qInfo("SGNHT thermostat at equilibrium %g (A / T = %g); exact scheme covariance %g %g %g", zeta, A / T,
          exact[0], exact[1], exact[2]);
    qInfo("SGNHT sampled covariance %g %g %g (standard errors %.2g %.2g %.2g)", r.cov[0], r.cov[1], r.cov[2],
          r.covSe[0], r.covSe[1], r.covSe[2]);
    checkMoments(r, exact, 0.0);
    // Power: at T = 2 a thermostat stuck at its start A would sample T = 1, half the covariance.
    if (T != 1.0) QVERIFY(std::fabs(exact[0] - kCov[0]) > 20 * r.covSe[0]);
  }

  // One step of each new sampler against its equations in double precision, with the noise the
  // sampler's stream defines (draw d of the stream, indices from 0).
  void psgldStepFollowsItsEquations() {
    const int64_t n = 2 * kChains;
    SamplerSettings s;
    s.kind = SamplerKind::Psgld;
    s.stepSize = 0.03;
    s.temperature = 0.7;
    s.psgldDecay = 0.99;
    s.psgldLambda = 1e-3;
    const RandomStream noise(77);
    auto sampler = makeSampler(s, n, noise);
    GaussianTarget t;
    std::vector<float> theta(n);
    for (int64_t i = 0; i < n; ++i) theta[i] = static_cast<float>(std::sin(0.37 * i) * 2);
    std::vector<double> th(theta.begin(), theta.end()), V(n, 0.0);
    std::vector<float> g(n), xi(n);
    for (int step = 0; step < 3; ++step) {
      const bool explore = step == 1;
      t.dataGradient(theta.data(), g.data());
      noise.normals(step, 0, n, xi.data());
      for (int64_t i = 0; i < n; ++i) {
        V[i] = s.psgldDecay * V[i] + (1 - s.psgldDecay) * double(g[i]) * g[i];  // n = 1: ḡ = g
        const double G = 1 / (s.psgldLambda + std::sqrt(V[i]));
        th[i] +=
            s.stepSize * G * g[i] + (explore ? 0.0 : std::sqrt(2 * s.stepSize * s.temperature * G) * xi[i]);
      }
      QVERIFY(sampler->step(theta.data(), t, StepControl{s.stepSize, explore}));
      for (int64_t i = 0; i < n; ++i)
        QVERIFY2(
            std::fabs(theta[i] - th[i]) <= 1e-5 * (1 + std::fabs(th[i])),
            qPrintable(QString("step %1, parameter %2: %3 vs %4").arg(step).arg(i).arg(theta[i]).arg(th[i])));
      std::copy(theta.begin(), theta.end(), th.begin());  // follow the float chain
    }
  }

  void sgnhtStepFollowsItsEquations() {
    const int64_t n = 2 * kChains;
    SamplerSettings s;
    s.kind = SamplerKind::Sgnht;
    s.stepSize = 0.04;
    s.temperature = 1.5;
    s.sgnhtDiffusion = 0.8;
    s.leapfrogSteps = 2;
    const RandomStream noise(78);
    auto sampler = makeSampler(s, n, noise);
    GaussianTarget t;
    std::vector<float> theta(n, 0.5f);
    std::vector<double> th(theta.begin(), theta.end()), p(n);
    std::vector<float> g(n), xi(n);
    noise.normals(0, 0, n, xi.data());  // draw 0: p₀ ~ N(0, T I)
    for (int64_t i = 0; i < n; ++i) p[i] = double(float(xi[i] * float(std::sqrt(s.temperature))));
    double zeta = s.sgnhtDiffusion;
    uint64_t draw = 1;
    for (int step = 0; step < 2; ++step) {
      const bool explore = step == 1;
      const double T = explore ? 0.0 : s.temperature;
      for (int l = 0; l < s.leapfrogSteps; ++l) {
        std::vector<float> tf(th.begin(), th.end());
        t.dataGradient(tf.data(), g.data());
        noise.normals(draw++, 0, n, xi.data());
        double psq = 0;
        for (int64_t i = 0; i < n; ++i) {
          p[i] = p[i] - zeta * p[i] * s.stepSize + s.stepSize * g[i] +
                 (explore ? 0.0 : std::sqrt(2 * s.sgnhtDiffusion * s.stepSize) * xi[i]);
          th[i] += s.stepSize * p[i];
          psq += p[i] * p[i];
        }
        zeta += s.stepSize * (psq / n - T);
      }
      QVERIFY(sampler->step(theta.data(), t, StepControl{s.stepSize, explore}));
      for (int64_t i = 0; i < n; ++i)
        QVERIFY2(
            std::fabs(theta[i] - th[i]) <= 1e-5 * (1 + std::fabs(th[i])),
            qPrintable(QString("step %1, parameter %2: %3 vs %4").arg(step).arg(i).arg(theta[i]).arg(th[i])));
    }
  }

  // An exploration step is the sampler without noise: SGLD becomes gradient ascent on log p.
  void explorationStepsHaveNoNoise() {
    const int64_t n = 2 * kChains;
    for (SamplerKind kind : {SamplerKind::Sgld, SamplerKind::Sghmc, SamplerKind::Psgld, SamplerKind::Sgnht}) {
      SamplerSettings s;
      s.kind = kind;
      s.stepSize = 1e-3;
      s.leapfrogSteps = 2;
      GaussianTarget t;
      // Two samplers with different noise streams take the same exploration steps.
      std::vector<float> a(n, 0.25f), b(n, 0.25f);
      auto sa = makeSampler(s, n, RandomStream(1)), sb = makeSampler(s, n, RandomStream(2));
      if (kind == SamplerKind::Sgnht) {  // its p₀ is a draw: start both from p₀ = 0 instead
        s.temperature = 1e-300;
        sa = makeSampler(s, n, RandomStream(1));
        sb = makeSampler(s, n, RandomStream(2));
      }
      for (int i = 0; i < 3; ++i) {
        QVERIFY(sa->step(a.data(), t, StepControl{1e-3, true}));
        QVERIFY(sb->step(b.data(), t, StepControl{1e-3, true}));
      }
      QVERIFY2(a == b, enumName(kind));
      QVERIFY2(a != std::vector<float>(n, 0.25f), enumName(kind));
      if (kind == SamplerKind::Sgld) {  // θ' = θ + h ĝ: gradient ascent
        std::vector<float> c(n, 0.25f), g(n);
        for (int i = 0; i < 3; ++i) {
          t.dataGradient(c.data(), g.data());
          for (int64_t j = 0; j < n; ++j) c[j] += 1e-3f * g[j];
        }
        for (int64_t j = 0; j < n; ++j) QVERIFY(std::fabs(a[j] - c[j]) <= 1e-6f * (1 + std::fabs(c[j])));
      }
      // A sampling step after them draws noise again: the two samplers part.
      QVERIFY(sa->step(a.data(), t, StepControl{1e-3, false}));
      QVERIFY(sb->step(b.data(), t, StepControl{1e-3, false}));
      QVERIFY2(a != b, enumName(kind));
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
