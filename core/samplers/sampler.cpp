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

namespace {
template <class V>
const V* findEntry(const std::vector<std::pair<std::string, V>>& entries, const std::string& key) {
  for (const auto& [k, v] : entries)
    if (k == key) return &v;
  return nullptr;
}
}  // namespace

const uint64_t* SamplerState::counter(const std::string& key) const { return findEntry(counters, key); }
const double* SamplerState::scalar(const std::string& key) const { return findEntry(scalars, key); }
const std::vector<float>* SamplerState::array(const std::string& key) const { return findEntry(arrays, key); }

namespace detail {

Status checkSamplerState(const SamplerState& state, const std::string& source, const char* name,
                         std::initializer_list<const char*> counters,
                         std::initializer_list<const char*> arrays, int64_t dim) {
  if (state.sampler != name)
    return makeError(ErrorCode::BadFormat, source, -1, std::string("the state of ") + name,
                     "the state of " + quotedText(state.sampler), "sampler state");
  for (const char* c : counters)
    if (!state.counter(c))
      return makeError(ErrorCode::BadFormat, source, -1, std::string("counter '") + c + "'", "none",
                       std::string(name) + " state");
  for (const char* a : arrays) {
    const std::vector<float>* v = state.array(a);
    if (!v || static_cast<int64_t>(v->size()) != dim)
      return makeError(ErrorCode::BadFormat, source, -1,
                       std::string("array '") + a + "' of " + std::to_string(dim) + " values",
                       v ? std::to_string(v->size()) + " values" : "none", std::string(name) + " state");
  }
  return okStatus();
}

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
