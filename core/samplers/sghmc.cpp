// SGHMC in two parametrisations (see sampler.h):
//  Chen et al. 2014 form:  p ~ N(0, hT); L times: θ += p; p = (1-α)p + h ĝ(θ) + sqrt(2hT(α-β)) ξ
//  Ma et al. 2015 scaling: p ~ N(0, 1);  L times: θ_old = θ; θ += h p;
//                          p = (1-αh)p + h ĝ(θ_old) + sqrt(hT(2α - hTβ)) ξ
// The minibatch is drawn once per step (BlackJAX) or for every inner step (Chen's algorithm).
#include <cmath>
#include <vector>

#include "samplers/noise_chunks.h"
#include "samplers/sampler.h"
#include "samplers/update_kernels.h"

namespace bnn {

namespace {

class Sghmc final : public Sampler {
 public:
  Sghmc(const SamplerSettings& s, int64_t dim, RandomStream noise)
      : Sampler(s.stepSize),
        m_s(s),
        m_noise(noise),
        m_draw(0),
        m_gsum(static_cast<size_t>(dim)),
        m_p(static_cast<size_t>(dim)) {}

  const char* name() const override { return "SGHMC"; }
  int gradientsPerStep() const override { return m_s.leapfrogSteps; }

  // State: the noise draws used and the momentum (resampled at the start of every step, so
  // only kept for completeness; the gradient buffer is scratch).
  SamplerState saveState() const override { return {name(), {{"draw", m_draw}}, {}, {{"momentum", m_p}}}; }
  Status restoreState(const SamplerState& s, const std::string& source) override {
    const int64_t dim = static_cast<int64_t>(m_p.size());
    if (Status st = detail::checkSamplerState(s, source, name(), {"draw"}, {"momentum"}, dim); !st) return st;
    m_draw = *s.counter("draw");
    m_p = *s.array("momentum");
    return okStatus();
  }

  bool step(float* theta, GradientTarget& target, const StepControl& ctl) override {
    const int64_t dim = static_cast<int64_t>(m_p.size());
    const double h = ctl.stepSize, a = m_s.alpha, be = m_s.beta;
    const double T = ctl.explore ? 0.0 : m_s.temperature;  // exploration: no noise
    const bool chen = m_s.form == SghmcForm::Chen;
    float* p = m_p.data();
    const float* g = m_gsum.data();
    const update::UpdateKernels& K = update::updateKernels();

    // Momentum resampled at the start of every step (from 0 in an exploration step); in the Chen
    // form the first position move θ += p is fused into the same pass.
    const float pScale = static_cast<float>(chen ? std::sqrt(h * T) : ctl.explore ? 0.0 : 1.0);
    const uint64_t resampleDraw = m_draw++;
    detail::forEachUpdateBlock(dim, [&](int64_t b, int64_t e, int64_t) {
      detail::fillNoise(m_noise, resampleDraw, b, e - b, !ctl.explore, p + b);
      K.resample(theta + b, p + b, e - b, pScale, chen);
      return true;
    });

    const float hf = static_cast<float>(h);
    const float decay = static_cast<float>(chen ? 1.0 - a : 1.0 - a * h);
    const float sigma = static_cast<float>(chen ? std::sqrt(2.0 * h * T * (a - be))
                                                : std::sqrt(h * T * (2.0 * a - h * T * be)));
    const float prec = static_cast<float>(target.priorPrecision());
    const float scale = static_cast<float>(target.dataScale());

    target.nextMinibatch();
    for (int l = 0; l < m_s.leapfrogSteps; ++l) {
      if (l > 0 && m_s.freshBatchPerInnerStep) target.nextMinibatch();
      const uint64_t draw = m_draw++;
      bool ok = true;
      if (chen) {
        // θ has already moved by p; the gradient there drives p, and the next inner step's
        // θ += p is fused into the same pass.
        const bool moveNext = l + 1 < m_s.leapfrogSteps;
        target.dataGradient(theta, m_gsum.data());
        ok = detail::forEachUpdateBlock(dim, [&](int64_t b, int64_t e, int64_t) {
          return detail::withNoise(m_noise, draw, b, e, [&](int64_t o, int64_t n, const float* xi) {
            return K.chen(theta + o, p + o, g + o, xi, n, scale, prec, hf, decay, sigma, moveNext);
          });
        });
      } else {
        // Gradient at the old position; then θ += h p and p updated with that gradient.
        target.dataGradient(theta, m_gsum.data());
        ok = detail::forEachUpdateBlock(dim, [&](int64_t b, int64_t e, int64_t) {
          return detail::withNoise(m_noise, draw, b, e, [&](int64_t o, int64_t n, const float* xi) {
            return K.ma(theta + o, p + o, g + o, xi, n, scale, prec, hf, decay, sigma);
          });
        });
      }
      if (!ok) return false;
    }
    return true;
  }

 private:
  SamplerSettings m_s;
  RandomStream m_noise;
  uint64_t m_draw;
  std::vector<float> m_gsum;
  std::vector<float> m_p;
};

}  // namespace

std::unique_ptr<Sampler> makeSghmc(const SamplerSettings& s, int64_t dim, RandomStream noise) {
  return std::make_unique<Sghmc>(s, dim, noise);
}

}  // namespace bnn
