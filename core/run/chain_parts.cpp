#include "run/chain_parts.h"

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/task_group.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <mutex>

#include "data/transforms.h"
#include "util/parallel.h"
#include "util/philox.h"
#include "util/stopwatch.h"

namespace bnn {

namespace {
using Clock = std::chrono::steady_clock;
// Standard normal for (draw, index) from the first two words of one Philox block.
float normalAt(const RandomStream& s, uint64_t draw, uint64_t index) {
  uint32_t b[4];
  s.bits(draw, index, b);
  const float u1 = uniformOpen0(b[0]), u2 = uniformOpen0(b[1]);
  return std::sqrt(-2.0f * std::log(u1)) * std::cos(6.28318530717958647692f * u2);
}
constexpr int64_t kTestChunk = 500;  // images per test-set chunk (fixed partition)
}  // namespace

MlpShape mlpShapeFor(const RunConfig& c, const Dataset& d) {
  MlpShape s;
  s.sizes.push_back(d.train.pixelsPerImage());
  for (int h : c.hidden) s.sizes.push_back(h);
  s.sizes.push_back(d.numClasses);
  return s;
}

std::vector<float> initialParameters(const MlpShape& shape, InitKind kind, double priorSigma,
                                     RandomStream stream) {
  std::vector<float> theta(static_cast<size_t>(shape.numParams()), 0.0f);
  if (kind == InitKind::Prior) {
    stream.normals(0, 0, shape.numParams(), theta.data());
    for (float& t : theta) t *= static_cast<float>(priorSigma);
    return theta;
  }
  // Truncated LeCun normal (flax default): z ~ N(0,1) restricted to |z| <= 2 (rejection, the
  // attempt number is the draw), scaled by sqrt(1/fan_in) / 0.87962566 so the std is sqrt(1/fan_in).
  for (int l = 0; l < shape.numLayers(); ++l) {
    const int64_t off = shape.weightOffset(l);
    const int64_t count = int64_t{shape.sizes[l]} * shape.sizes[l + 1];
    const float scale = static_cast<float>(std::sqrt(1.0 / shape.sizes[l]) / 0.87962566103423978);
    for (int64_t j = 0; j < count; ++j) {
      const uint64_t index = static_cast<uint64_t>(off + j);
      float z = normalAt(stream, 0, index);
      for (uint64_t attempt = 1; std::fabs(z) > 2.0f; ++attempt) z = normalAt(stream, attempt, index);
      theta[static_cast<size_t>(off + j)] = scale * z;
    }
  }
  return theta;
}

// ---------------------------------------------------------------------------------------------

MlpTarget::MlpTarget(const Mlp& mlp, const ImageSet& train, int batchSize, BatchMode mode, double priorSigma,
                     int augmentShift, RandomStream batchStream)
    : m_mlp(mlp),
      m_train(train),
      m_batchSize(batchSize),
      m_mode(mode),
      m_priorPrecision(1.0 / (priorSigma * priorSigma)),
      m_stream(batchStream),
      m_indices(static_cast<size_t>(batchSize)),
      m_labels(static_cast<size_t>(batchSize)),
      m_shift(augmentShift) {
  if (m_shift > 0) {
    m_shifted.count = batchSize;
    m_shifted.rows = train.rows;
    m_shifted.cols = train.cols;
    m_shifted.pixels.resize(static_cast<size_t>(batchSize) * static_cast<size_t>(train.pixelsPerImage()));
    m_shiftDraw.resize(2 * static_cast<size_t>(batchSize));
    m_identity.resize(static_cast<size_t>(batchSize));
    for (int i = 0; i < batchSize; ++i) m_identity[static_cast<size_t>(i)] = static_cast<uint32_t>(i);
  }
}

void MlpTarget::nextMinibatch() {
  const auto N = static_cast<uint32_t>(m_train.count);
  // Shifts use draws of their own, one per minibatch: above 2^61 the with-replacement draw number,
  // above 2^60 the epoch's first image number (epochs x N + position) in epoch mode.
  uint64_t shiftDraw = 0;
  if (m_mode == BatchMode::WithReplacement) {
    shiftDraw = (uint64_t{1} << 61) + m_draw;
    m_stream.uniformInts(m_draw++, 0, m_batchSize, N, m_indices.data());
  } else {
    if (m_permutation.empty() || m_epochPos + m_batchSize > static_cast<int64_t>(N)) shuffleNextEpoch();
    shiftDraw = (uint64_t{1} << 60) + (m_epoch - 1) * N + static_cast<uint64_t>(m_epochPos);
    std::copy_n(m_permutation.begin() + m_epochPos, m_batchSize, m_indices.begin());
    m_epochPos += m_batchSize;
  }
  if (m_shift > 0) {
    shiftImages(shiftDraw);
    m_batch.gather(m_shifted, m_identity.data(), m_batchSize);
  } else {
    m_batch.gather(m_train, m_indices.data(), m_batchSize);
  }
  for (int i = 0; i < m_batchSize; ++i)
    m_labels[static_cast<size_t>(i)] = m_train.labels[m_indices[static_cast<size_t>(i)]];
}

void MlpTarget::shiftImages(uint64_t draw) {
  m_stream.uniformInts(draw, 0, 2 * int64_t{m_batchSize}, static_cast<uint32_t>(2 * m_shift + 1),
                       m_shiftDraw.data());
  const int px = m_train.pixelsPerImage();
  for (int i = 0; i < m_batchSize; ++i) {
    const auto k = static_cast<size_t>(i);
    shiftImage(m_train.image(m_indices[k]), m_train.rows, m_train.cols,
               static_cast<int>(m_shiftDraw[2 * k]) - m_shift,
               static_cast<int>(m_shiftDraw[2 * k + 1]) - m_shift,
               m_shifted.pixels.data() + k * static_cast<size_t>(px));
  }
}

void MlpTarget::shuffleNextEpoch() {
  // New epoch: Fisher-Yates shuffle driven by the batch stream (draw = high bit + epoch).
  const auto N = static_cast<uint32_t>(m_train.count);
  m_permutation.resize(N);
  for (uint32_t i = 0; i < N; ++i) m_permutation[i] = i;
  const uint64_t draw = (uint64_t{1} << 62) + m_epoch++;
  for (uint32_t i = N - 1; i > 0; --i) {
    uint32_t b[4];
    m_stream.bits(draw, i, b);
    const auto j = static_cast<uint32_t>((uint64_t{b[0]} * (i + 1)) >> 32);
    std::swap(m_permutation[i], m_permutation[j]);
  }
  m_epochPos = 0;
}

void MlpTarget::seek(const Position& p) {
  m_draw = p.draw;
  m_gradEvals = p.gradEvals;
  m_gradSeconds = p.gradSeconds;
  m_permutation.clear();
  m_epoch = 0;
  m_epochPos = 0;
  if (p.epoch > 0) {
    m_epoch = p.epoch - 1;
    shuffleNextEpoch();  // the permutation of epoch p.epoch - 1; m_epoch becomes p.epoch
    m_epochPos = p.epochPos;
  }
}

void MlpTarget::dataGradient(const float* theta, float* gsum) {
  const auto t0 = Clock::now();
  m_lastLogLik = m_mlp.logLikelihoodGradient(theta, m_batch, m_labels.data(), gsum, m_ws, true);
  m_gradSeconds += secondsSince(t0);
  ++m_gradEvals;
}

// ---------------------------------------------------------------------------------------------

namespace {
// Converted test sets in use, by the identity of their pixels (the buffer is not freed or reused
// while a holder of its conversion is alive, since the holders' ImageSet must outlive them).
struct TestSetKey {
  const uint8_t* pixels;
  size_t bytes;
  int64_t count;
  int rows, cols;
  auto operator<=>(const TestSetKey&) const = default;
};
std::mutex g_testSetsMutex;
std::map<TestSetKey, std::weak_ptr<const SparseTestSet>> g_testSets;
}  // namespace

std::shared_ptr<const SparseTestSet> SparseTestSet::of(const ImageSet& set) {
  const TestSetKey key{set.pixels.data(), set.pixels.size(), set.count, set.rows, set.cols};
  std::lock_guard<std::mutex> lock(g_testSetsMutex);
  std::erase_if(g_testSets, [](const auto& kv) { return kv.second.expired(); });
  if (auto it = g_testSets.find(key); it != g_testSets.end())
    if (auto shared = it->second.lock()) return shared;
  auto built = std::make_shared<SparseTestSet>();
  for (int64_t s = 0; s < set.count; s += kTestChunk) {
    built->chunkStart.push_back(s);
    built->chunks.emplace_back();
    built->chunks.back().gatherRange(set, s, std::min(kTestChunk, set.count - s));
  }
  built->chunkStart.push_back(set.count);
  g_testSets[key] = built;
  return built;
}

struct TestEvaluator::Scratch {
  tbb::enumerable_thread_specific<MlpWorkspace> workspaces;
  // Pipelined evaluation: its copy of θ, its task and its outcome.
  std::vector<float> theta;
  tbb::task_group group;
  std::atomic<bool> done{false};
  double accuracy = 0;
};

TestEvaluator::TestEvaluator(const Mlp& mlp, const ImageSet& test)
    : m_mlp(mlp), m_test(test), m_set(SparseTestSet::of(test)), m_scratch(std::make_unique<Scratch>()) {
  m_logProbs.resize(static_cast<size_t>(test.count * mlp.numClasses()));
  m_correct.resize(m_set->chunks.size());
  m_chunkBad.resize(m_set->chunks.size());
}

TestEvaluator::~TestEvaluator() {
  if (!m_pending) return;
  try {
    m_scratch->group.wait();
  } catch (...) {  // the owner is already unwinding from an error of its own
  }
}

void TestEvaluator::start(const float* theta, PredictiveAccumulator* accumulate) {
  if (m_pending) finish();
  Scratch& s = *m_scratch;
  s.theta.assign(theta, theta + m_mlp.numParams());
  s.done.store(false, std::memory_order_relaxed);
  m_pending = true;
  const auto t0 = Clock::now();
  s.group.run([this, accumulate, t0] {
    Scratch& sc = *m_scratch;
    sc.accuracy = evaluate(sc.theta.data(), accumulate);
    m_lastSeconds = secondsSince(t0);
    sc.done.store(true, std::memory_order_release);
  });
}

bool TestEvaluator::ready() const { return m_pending && m_scratch->done.load(std::memory_order_acquire); }

double TestEvaluator::finish() {
  if (!m_pending) return m_scratch->accuracy;
  m_pending = false;
  m_scratch->group.wait();  // rethrows what the evaluation threw
  return m_scratch->accuracy;
}

double TestEvaluator::evaluate(const float* theta, PredictiveAccumulator* accumulate) {
  const int k = m_mlp.numClasses();
  parallelBlocks(static_cast<int64_t>(m_set->chunks.size()), [&](int64_t c) {
    const int64_t r0 = m_set->chunkStart[c], r1 = m_set->chunkStart[c + 1];
    float* out = m_logProbs.data() + r0 * k;
    m_mlp.logProbabilities(theta, m_set->chunks[c], out, m_scratch->workspaces.local(), false);
    int64_t correct = 0;
    uint8_t bad = 0;
    for (int64_t i = r0; i < r1; ++i) {
      const float* r = out + (i - r0) * k;
      int best = 0;
      for (int j = 0; j < k; ++j) {
        bad |= !std::isfinite(r[j]);
        if (r[j] > r[best]) best = j;
      }
      correct += best == m_test.labels[static_cast<size_t>(i)];
    }
    m_correct[c] = correct;
    m_chunkBad[c] = bad;
  });
  m_nonFinite = std::any_of(m_chunkBad.begin(), m_chunkBad.end(), [](uint8_t b) { return b != 0; });
  // A sample enters the predictive only when all of it is finite.
  if (accumulate && !m_nonFinite) {
    parallelBlocks(static_cast<int64_t>(m_set->chunks.size()), [&](int64_t c) {
      const int64_t r0 = m_set->chunkStart[c], r1 = m_set->chunkStart[c + 1];
      accumulate->addRows(m_logProbs.data() + r0 * k, r0, r1);
    });
    accumulate->countSample();
  }
  int64_t correct = 0;
  for (int64_t c : m_correct) correct += c;
  return m_test.count ? static_cast<double>(correct) / static_cast<double>(m_test.count) : 0.0;
}

}  // namespace bnn
