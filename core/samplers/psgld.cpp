// pSGLD (Li et al. 2016): SGLD preconditioned by RMSprop statistics of the minibatch gradient.
// With ḡ = (1/n) Σ_{i∈B} ∇log p(y_i | x_i, θ) the mean minibatch gradient of the log-likelihood
// and ĝ the gradient estimate of the log posterior (sampler.h):
//   V ← a V + (1 - a) ḡ ⊙ ḡ          (V₀ = 0, updated before it is used, as in the paper)
//   G = 1 ⊘ (λ + sqrt(V))
//   θ' = θ + h G ⊙ ĝ + sqrt(2 h T G) ⊙ ξ
// The correction term Γ(θ) (the divergence of G) is omitted, as in the paper's experiments: G
// changes slowly (a close to 1), and the bias this leaves is below what the minibatch noise adds.
// Paper defaults: a = 0.99, λ = 1e-5. State: V (one float per parameter).
#include <cmath>
#include <string>
#include <vector>

#include "samplers/sampler.h"
#include "samplers/update_kernels.h"

namespace bnn {

namespace {

class Psgld final : public Sampler {
 public:
  Psgld(const SamplerSettings& s, int64_t dim, RandomStream noise)
      : Sampler(s.stepSize),
        m_s(s),
        m_noise(noise),
        m_gsum(static_cast<size_t>(dim)),
        m_v(static_cast<size_t>(dim), 0.0f) {}

  const char* name() const override { return "pSGLD"; }
  int gradientsPerStep() const override { return 1; }

  // State: the noise draws used and V (the gradient buffer is scratch).
  SamplerState saveState() const override { return {name(), {{"draw", m_draw}}, {}, {{"v", m_v}}}; }
  Status restoreState(const SamplerState& s, const std::string& source) override {
    const int64_t dim = static_cast<int64_t>(m_v.size());
    if (Status st = detail::checkSamplerState(s, source, name(), {"draw"}, {"v"}, dim); !st) return st;
    const std::vector<float>& v = *s.array("v");
    for (size_t i = 0; i < v.size(); ++i)
      if (!(v[i] >= 0.0f) || !std::isfinite(v[i]))  // a running mean of squares
        return makeError(ErrorCode::BadValue, source, -1, "V[" + std::to_string(i) + "] finite and >= 0",
                         std::to_string(v[i]), "pSGLD state");
    m_draw = *s.counter("draw");
    m_v = v;
    return okStatus();
  }

  bool step(float* theta, GradientTarget& target, const StepControl& ctl) override {
    const int64_t dim = static_cast<int64_t>(m_gsum.size());
    target.nextMinibatch();
    target.dataGradient(theta, m_gsum.data());
    const float h = static_cast<float>(ctl.stepSize);
    const float prec = static_cast<float>(target.priorPrecision());
    const float scale = static_cast<float>(target.dataScale());
    const float invn = static_cast<float>(1.0 / static_cast<double>(target.batchSize()));
    const float a = static_cast<float>(m_s.psgldDecay);
    const float c = static_cast<float>(1.0 - m_s.psgldDecay);
    const float lambda = static_cast<float>(m_s.psgldLambda);
    const float sigma =
        ctl.explore ? 0.0f : static_cast<float>(std::sqrt(2.0 * m_s.temperature * ctl.stepSize));
    const uint64_t draw = m_draw++;
    const float* g = m_gsum.data();
    float* v = m_v.data();
    const update::UpdateKernels& K = update::updateKernels();
    return detail::forEachUpdateBlock(dim, [&](int64_t b, int64_t e, int64_t) {
      float xi[detail::kUpdateBlock];
      detail::fillNoise(m_noise, draw, b, e - b, !ctl.explore, xi);
      return K.psgld(theta + b, v + b, g + b, xi, e - b, scale, prec, invn, a, c, lambda, h, sigma) == 0;
    });
  }

 private:
  SamplerSettings m_s;
  RandomStream m_noise;
  uint64_t m_draw = 0;
  std::vector<float> m_gsum;
  std::vector<float> m_v;  // V, the running mean of ḡ ⊙ ḡ
};

}  // namespace

std::unique_ptr<Sampler> makePsgld(const SamplerSettings& s, int64_t dim, RandomStream noise) {
  return std::make_unique<Psgld>(s, dim, noise);
}

}  // namespace bnn
