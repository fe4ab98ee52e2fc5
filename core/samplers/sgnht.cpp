// SGNHT (Ding et al. 2014): stochastic-gradient Nosé-Hoover thermostat. A scalar thermostat ζ
// adapts the friction so that the kinetic energy per parameter stays at T, which absorbs the
// unknown minibatch gradient noise. One sampler step is L inner steps (one gradient each) on the
// same minibatch (or a new one per inner step, as SGHMC), with d parameters, diffusion A:
//   p₀ ~ N(0, T I), ζ₀ = A                              (at the first step)
//   p ← p - ζ p h + h ĝ(θ) + sqrt(2 A h) ξ
//   θ ← θ + h p
//   ζ ← ζ + h (pᵀp / d - T)
// At equilibrium ζ settles near A / T (for T = 1, near A). pᵀp is summed per fixed block and the
// block sums are added in block order (double), so ζ does not depend on the thread count.
// State: p (one float per parameter) and ζ.
#include <cmath>
#include <string>
#include <vector>

#include "samplers/sampler.h"
#include "samplers/update_kernels.h"

namespace bnn {

namespace {

class Sgnht final : public Sampler {
 public:
  Sgnht(const SamplerSettings& s, int64_t dim, RandomStream noise)
      : Sampler(s.stepSize),
        m_s(s),
        m_noise(noise),
        m_gsum(static_cast<size_t>(dim)),
        m_p(static_cast<size_t>(dim)),
        m_blockPsq(static_cast<size_t>(detail::updateBlocks(dim))),
        m_zeta(s.sgnhtDiffusion) {}

  const char* name() const override { return "SGNHT"; }
  int gradientsPerStep() const override { return m_s.leapfrogSteps; }

  // State: the noise draws used, p, ζ and whether p₀ has been drawn (the gradient buffer and
  // the block sums are scratch, rewritten every inner step).
  SamplerState saveState() const override {
    return {name(),
            {{"draw", m_draw}, {"started", m_started ? 1u : 0u}},
            {{"zeta", m_zeta}},
            {{"momentum", m_p}}};
  }
  Status restoreState(const SamplerState& s, const std::string& source) override {
    const int64_t dim = static_cast<int64_t>(m_p.size());
    if (Status st = detail::checkSamplerState(s, source, name(), {"draw", "started"}, {"momentum"}, dim); !st)
      return st;
    const double* zeta = s.scalar("zeta");
    if (!zeta || !std::isfinite(*zeta))
      return makeError(ErrorCode::BadFormat, source, -1, "scalar 'zeta' (finite)",
                       zeta ? std::to_string(*zeta) : "none", "SGNHT state");
    if (*s.counter("started") > 1)
      return makeError(ErrorCode::BadValue, source, -1, "counter 'started' 0 or 1",
                       std::to_string(*s.counter("started")), "SGNHT state");
    m_draw = *s.counter("draw");
    m_started = *s.counter("started") == 1;
    m_zeta = *zeta;
    m_p = *s.array("momentum");
    return okStatus();
  }

  bool step(float* theta, GradientTarget& target, const StepControl& ctl) override {
    const int64_t dim = static_cast<int64_t>(m_p.size());
    float* p = m_p.data();
    if (!m_started) {  // p₀ ~ N(0, T I): initialisation, drawn even when the first step explores
      const uint64_t initDraw = m_draw++;
      const float pScale = static_cast<float>(std::sqrt(m_s.temperature));
      detail::forEachUpdateBlock(dim, [&](int64_t b, int64_t e, int64_t) {
        m_noise.normals(initDraw, b, e - b, p + b);
        for (int64_t j = b; j < e; ++j) p[j] *= pScale;
        return true;
      });
      m_started = true;
    }
    const double h = ctl.stepSize;
    const double T = ctl.explore ? 0.0 : m_s.temperature;  // exploration: no noise, thermostat aims at 0
    const float hf = static_cast<float>(h);
    const float sigma = ctl.explore ? 0.0f : static_cast<float>(std::sqrt(2.0 * m_s.sgnhtDiffusion * h));
    const float prec = static_cast<float>(target.priorPrecision());
    const float scale = static_cast<float>(target.dataScale());
    const float* g = m_gsum.data();
    const update::UpdateKernels& K = update::updateKernels();

    target.nextMinibatch();
    for (int l = 0; l < m_s.leapfrogSteps; ++l) {
      if (l > 0 && m_s.freshBatchPerInnerStep) target.nextMinibatch();
      const uint64_t draw = m_draw++;
      target.dataGradient(theta, m_gsum.data());
      const float decay = static_cast<float>(1.0 - m_zeta * h);
      const bool ok = detail::forEachUpdateBlock(dim, [&](int64_t b, int64_t e, int64_t blk) {
        float xi[detail::kUpdateBlock];
        detail::fillNoise(m_noise, draw, b, e - b, !ctl.explore, xi);
        return K.sgnht(theta + b, p + b, g + b, xi, e - b, scale, prec, hf, decay, sigma,
                       &m_blockPsq[static_cast<size_t>(blk)]) == 0;
      });
      double psq = 0.0;
      for (float s : m_blockPsq) psq += static_cast<double>(s);
      m_zeta += h * (psq / static_cast<double>(dim) - T);
      if (!ok || !std::isfinite(m_zeta)) return false;
    }
    return true;
  }

 private:
  SamplerSettings m_s;
  RandomStream m_noise;
  uint64_t m_draw = 0;
  std::vector<float> m_gsum;
  std::vector<float> m_p;
  std::vector<float> m_blockPsq;  // Σ p² of each update block in the last inner step
  double m_zeta;                  // thermostat ζ
  bool m_started = false;
};

}  // namespace

std::unique_ptr<Sampler> makeSgnht(const SamplerSettings& s, int64_t dim, RandomStream noise) {
  return std::make_unique<Sgnht>(s, dim, noise);
}

}  // namespace bnn
