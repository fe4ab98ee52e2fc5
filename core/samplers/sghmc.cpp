// SGHMC in two parametrisations (see sampler.h):
//  Chen et al. 2014 form:  p ~ N(0, hT); L times: θ += p; p = (1-α)p + h ĝ(θ) + sqrt(2hT(α-β)) ξ
//  Ma et al. 2015 scaling: p ~ N(0, 1);  L times: θ_old = θ; θ += h p;
//                          p = (1-αh)p + h ĝ(θ_old) + sqrt(hT(2α - hTβ)) ξ
// The minibatch is drawn once per step (BlackJAX) or for every inner step (Chen's algorithm).
#include <cmath>
#include <vector>

#include "samplers/sampler.h"

namespace bnn {

namespace {

// Inner-step updates of one block (restrict: the arrays never overlap, so the loops vectorise).
// Return non-zero when a value became NaN or Inf.
template <bool kMoveNext>
uint32_t chenUpdate(float* __restrict theta, float* __restrict p, const float* __restrict g,
                    const float* __restrict xi, int64_t n, float scale, float prec, float h, float decay,
                    float sigma) {
  uint32_t bad = 0;
  for (int64_t j = 0; j < n; ++j) {
    const float ghat = scale * g[j] - prec * theta[j];
    p[j] = decay * p[j] + h * ghat + sigma * xi[j];
    if constexpr (kMoveNext) theta[j] += p[j];
    bad |= detail::nonFinite(p[j]) | detail::nonFinite(theta[j]);
  }
  return bad;
}

// p *= scale (fresh momentum); θ += p when the first position move is fused in.
void resampleScale(float* __restrict theta, float* __restrict p, int64_t n, float scale, bool move) {
  for (int64_t j = 0; j < n; ++j) p[j] *= scale;
  if (move)
    for (int64_t j = 0; j < n; ++j) theta[j] += p[j];
}

uint32_t maUpdate(float* __restrict theta, float* __restrict p, const float* __restrict g,
                  const float* __restrict xi, int64_t n, float scale, float prec, float h, float decay,
                  float sigma) {
  uint32_t bad = 0;
  for (int64_t j = 0; j < n; ++j) {
    const float ghat = scale * g[j] - prec * theta[j];
    theta[j] += h * p[j];
    p[j] = decay * p[j] + h * ghat + sigma * xi[j];
    bad |= detail::nonFinite(p[j]) | detail::nonFinite(theta[j]);
  }
  return bad;
}

class Sghmc final : public Sampler {
 public:
  Sghmc(const SamplerSettings& s, int64_t dim, RandomStream noise)
      : m_s(s), m_noise(noise), m_draw(0), m_gsum(static_cast<size_t>(dim)), m_p(static_cast<size_t>(dim)) {}

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

  bool step(float* theta, GradientTarget& target) override {
    const int64_t dim = static_cast<int64_t>(m_p.size());
    const double h = m_s.stepSize, T = m_s.temperature, a = m_s.alpha, be = m_s.beta;
    const bool chen = m_s.form == SghmcForm::Chen;
    float* p = m_p.data();
    const float* g = m_gsum.data();

    // Momentum resampled at the start of every step; in the Chen form the first position move
    // θ += p is fused into the same pass.
    const float pScale = static_cast<float>(chen ? std::sqrt(h * T) : 1.0);
    const uint64_t resampleDraw = m_draw++;
    detail::forEachUpdateBlock(dim, [&](int64_t b, int64_t e, int64_t) {
      m_noise.normals(resampleDraw, b, e - b, p + b);
      resampleScale(theta + b, p + b, e - b, pScale, chen);
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
          float xi[detail::kUpdateBlock];
          m_noise.normals(draw, b, e - b, xi);
          const uint32_t bad =
              moveNext ? chenUpdate<true>(theta + b, p + b, g + b, xi, e - b, scale, prec, hf, decay, sigma)
                       : chenUpdate<false>(theta + b, p + b, g + b, xi, e - b, scale, prec, hf, decay, sigma);
          return bad == 0;
        });
      } else {
        // Gradient at the old position; then θ += h p and p updated with that gradient.
        target.dataGradient(theta, m_gsum.data());
        ok = detail::forEachUpdateBlock(dim, [&](int64_t b, int64_t e, int64_t) {
          float xi[detail::kUpdateBlock];
          m_noise.normals(draw, b, e - b, xi);
          return maUpdate(theta + b, p + b, g + b, xi, e - b, scale, prec, hf, decay, sigma) == 0;
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
