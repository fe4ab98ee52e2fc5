// SGLD (Welling & Teh 2011 in BlackJAX's parametrisation): θ' = θ + h ĝ(θ) + sqrt(2 T h) ξ.
#include <cmath>
#include <vector>

#include "samplers/noise_chunks.h"
#include "samplers/sampler.h"
#include "samplers/update_kernels.h"

namespace bnn {

namespace {

class Sgld final : public Sampler {
 public:
  Sgld(const SamplerSettings& s, int64_t dim, RandomStream noise)
      : Sampler(s.stepSize),
        m_T(s.temperature),
        m_noise(noise),
        m_draw(0),
        m_gsum(static_cast<size_t>(dim)) {}

  const char* name() const override { return "SGLD"; }
  int gradientsPerStep() const override { return 1; }

  // State: the noise draws used (the gradient buffer is scratch, rewritten every step).
  SamplerState saveState() const override { return {name(), {{"draw", m_draw}}, {}, {}}; }
  Status restoreState(const SamplerState& s, const std::string& source) override {
    if (Status st = detail::checkSamplerState(s, source, name(), {"draw"}, {}, 0); !st) return st;
    m_draw = *s.counter("draw");
    return okStatus();
  }

  bool step(float* theta, GradientTarget& target, const StepControl& ctl) override {
    const int64_t dim = static_cast<int64_t>(m_gsum.size());
    target.nextMinibatch();
    target.dataGradient(theta, m_gsum.data());
    const float h = static_cast<float>(ctl.stepSize);
    const float prec = static_cast<float>(target.priorPrecision());
    const float scale = static_cast<float>(target.dataScale());
    const float sigma = ctl.explore ? 0.0f : static_cast<float>(std::sqrt(2.0 * m_T * ctl.stepSize));
    const uint64_t draw = m_draw++;
    const float* g = m_gsum.data();
    const update::UpdateKernels& K = update::updateKernels();
    // Fused: noise, gradient estimate and update in one pass over each block.
    return detail::forEachUpdateBlock(dim, [&](int64_t b, int64_t e, int64_t) {
      return detail::withNoise(m_noise, draw, b, e, [&](int64_t o, int64_t n, const float* xi) {
        return K.sgld(theta + o, g + o, xi, n, scale, prec, h, sigma);
      });
    });
  }

 private:
  double m_T;
  RandomStream m_noise;
  uint64_t m_draw;
  std::vector<float> m_gsum;
};

}  // namespace

std::unique_ptr<Sampler> makeSgld(const SamplerSettings& s, int64_t dim, RandomStream noise) {
  return std::make_unique<Sgld>(s, dim, noise);
}

}  // namespace bnn
