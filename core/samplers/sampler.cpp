#include "samplers/sampler.h"

#include <algorithm>
#include <atomic>

#include "util/parallel.h"

namespace bnn {

std::unique_ptr<Sampler> makeSampler(const SamplerSettings& s, int64_t dim, RandomStream noise) {
  switch (s.kind) {
    case SamplerKind::Sgld:
      return makeSgld(s, dim, noise);
    case SamplerKind::Sghmc:
      return makeSghmc(s, dim, noise);
    case SamplerKind::Psgld:
      return makePsgld(s, dim, noise);
    case SamplerKind::Sgnht:
      return makeSgnht(s, dim, noise);
  }
  return nullptr;
}

namespace detail {
bool forEachUpdateBlock(int64_t dim, const std::function<bool(int64_t, int64_t, int64_t)>& body) {
  std::atomic<bool> ok{true};
  parallelBlocks(updateBlocks(dim), [&](int64_t b) {
    const int64_t begin = b * kUpdateBlock, end = std::min(dim, begin + kUpdateBlock);
    if (!body(begin, end, b)) ok.store(false, std::memory_order_relaxed);
  });
  return ok.load();
}

void fillNoise(const RandomStream& stream, uint64_t draw, int64_t offset, int64_t n, bool noise, float* xi) {
  if (noise)
    stream.normals(draw, offset, n, xi);
  else
    std::fill_n(xi, n, 0.0f);
}
}  // namespace detail

}  // namespace bnn
