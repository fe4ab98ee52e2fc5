#include "run/predictive.h"

#include "util/fast_exp.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

namespace bnn {

// Copy or move every field (O is const& or &&: std::forward moves the vectors only from an rvalue).
template <class O>
void PredictiveAccumulator::assignFrom(O&& o) {
  std::scoped_lock lock(m_cacheMutex, o.m_cacheMutex);
  m_numImages = o.m_numImages;
  m_numClasses = o.m_numClasses;
  m_count = o.m_count;
  m_probSum = std::forward<O>(o).m_probSum;
  m_maxLog = std::forward<O>(o).m_maxLog;
  m_sumPLogP = std::forward<O>(o).m_sumPLogP;
  m_votes = std::forward<O>(o).m_votes;
  m_logSum = std::forward<O>(o).m_logSum;
  m_logSumValid = o.m_logSumValid;
}

PredictiveAccumulator::PredictiveAccumulator(const PredictiveAccumulator& o) { assignFrom(o); }

PredictiveAccumulator& PredictiveAccumulator::operator=(const PredictiveAccumulator& o) {
  if (this != &o) assignFrom(o);
  return *this;
}

PredictiveAccumulator::PredictiveAccumulator(PredictiveAccumulator&& o) noexcept { assignFrom(std::move(o)); }

PredictiveAccumulator& PredictiveAccumulator::operator=(PredictiveAccumulator&& o) noexcept {
  if (this != &o) assignFrom(std::move(o));
  return *this;
}

void PredictiveAccumulator::reset(int64_t numImages, int numClasses) {
  m_numImages = numImages;
  m_numClasses = numClasses;
  m_count = 0;
  const auto cells = static_cast<size_t>(numImages * numClasses);
  m_probSum.assign(cells, 0.0);
  m_maxLog.assign(cells, -std::numeric_limits<float>::infinity());
  m_sumPLogP.assign(static_cast<size_t>(numImages), 0.0);
  m_votes.assign(cells, 0u);
  std::lock_guard<std::mutex> lock(m_cacheMutex);
  m_logSum.clear();
  m_logSumValid = false;
}

void PredictiveAccumulator::add(const float* logProbs) {
  addRows(logProbs, 0, m_numImages);
  countSample();
}

void PredictiveAccumulator::addRows(const float* logProbs, int64_t rowBegin, int64_t rowEnd) {
  const int k = m_numClasses;
  {
    std::lock_guard<std::mutex> lock(m_cacheMutex);
    m_logSumValid = false;
  }
  // Tiles of whole rows: the element-wise part (p = exp(log p), sums, maxima) vectorises;
  // then per image Σ_k p log p and this sample's vote.
  constexpr int64_t kTileCells = 1024;
  const int64_t rowsPerTile = std::max<int64_t>(1, kTileCells / k);
  float p[kTileCells];
  std::vector<float> large;  // only for more than 1024 classes
  float* pp = p;
  if (k > kTileCells) {
    large.resize(static_cast<size_t>(k));
    pp = large.data();
  }
  for (int64_t r0 = rowBegin; r0 < rowEnd; r0 += rowsPerTile) {
    const int64_t r1 = std::min(rowEnd, r0 + rowsPerTile);
    const int64_t n = (r1 - r0) * k;
    const float* lp = logProbs + (r0 - rowBegin) * k;
    double* sum = m_probSum.data() + r0 * k;
    float* mx = m_maxLog.data() + r0 * k;
    expTile(lp, pp, n);
    for (int64_t j = 0; j < n; ++j) sum[j] += static_cast<double>(pp[j]);
    for (int64_t j = 0; j < n; ++j) mx[j] = std::max(mx[j], lp[j]);
    for (int64_t i = r0; i < r1; ++i) {
      const float* l = lp + (i - r0) * k;
      const float* pi = pp + (i - r0) * k;
      double plogp = 0.0;
      int best = 0;
      for (int c = 0; c < k; ++c) {
        if (pi[c] > 0.0f) plogp += static_cast<double>(pi[c]) * l[c];
        if (l[c] > l[best]) best = c;
      }
      m_sumPLogP[static_cast<size_t>(i)] += plogp;
      ++m_votes[static_cast<size_t>(i * k + best)];
    }
  }
}

const std::vector<double>& PredictiveAccumulator::logSum() const {
  std::lock_guard<std::mutex> lock(m_cacheMutex);
  if (!m_logSumValid) {
    m_logSum.resize(m_probSum.size());
    for (size_t j = 0; j < m_probSum.size(); ++j)
      m_logSum[j] = m_probSum[j] > 0.0 ? std::log(m_probSum[j]) : static_cast<double>(m_maxLog[j]);
    m_logSumValid = true;
  }
  return m_logSum;
}

std::vector<float> PredictiveAccumulator::meanProbabilities() const {
  std::vector<float> out;
  if (m_count == 0) return out;
  out.resize(m_probSum.size());
  const double inv = 1.0 / static_cast<double>(m_count);
  for (size_t j = 0; j < m_probSum.size(); ++j) out[j] = static_cast<float>(m_probSum[j] * inv);
  return out;
}

double PredictiveAccumulator::accuracy(const uint8_t* labels) const {
  if (m_count == 0 || m_numImages == 0) return std::numeric_limits<double>::quiet_NaN();
  int64_t correct = 0;
  for (int64_t i = 0; i < m_numImages; ++i) {
    const double* r = m_probSum.data() + i * m_numClasses;
    int best = static_cast<int>(std::max_element(r, r + m_numClasses) - r);
    if (r[best] == 0.0) {  // every class underflowed: compare the largest log-probabilities
      const float* m = m_maxLog.data() + i * m_numClasses;
      best = static_cast<int>(std::max_element(m, m + m_numClasses) - m);
    }
    correct += best == labels[i];
  }
  return static_cast<double>(correct) / static_cast<double>(m_numImages);
}

double PredictiveAccumulator::negLogLikelihood(const uint8_t* labels) const {
  if (m_count == 0 || m_numImages == 0) return std::numeric_limits<double>::quiet_NaN();
  const std::vector<double>& ls = logSum();
  const double logS = std::log(static_cast<double>(m_count));
  double s = 0.0;
  for (int64_t i = 0; i < m_numImages; ++i) s -= ls[static_cast<size_t>(i * m_numClasses + labels[i])] - logS;
  return s / static_cast<double>(m_numImages);
}

void PredictiveAccumulator::restore(int64_t numImages, int numClasses, int64_t count,
                                    std::vector<double> logSum, std::vector<double> sumPLogP,
                                    std::vector<uint32_t> votes) {
  assert(logSum.size() == static_cast<size_t>(numImages * numClasses));
  assert(sumPLogP.size() == static_cast<size_t>(numImages));
  assert(votes.size() == static_cast<size_t>(numImages * numClasses));
  m_numImages = numImages;
  m_numClasses = numClasses;
  m_count = count;
  m_probSum.resize(logSum.size());
  m_maxLog.resize(logSum.size());
  for (size_t j = 0; j < logSum.size(); ++j) {
    m_probSum[j] = std::exp(logSum[j]);
    m_maxLog[j] = static_cast<float>(logSum[j]);
  }
  m_sumPLogP = std::move(sumPLogP);
  m_votes = std::move(votes);
  std::lock_guard<std::mutex> lock(m_cacheMutex);
  m_logSum = std::move(logSum);  // kept exactly as read until the next add
  m_logSumValid = true;
}

PredictiveAccumulator::State PredictiveAccumulator::state() const {
  return {m_numImages, m_numClasses, m_count, m_probSum, m_maxLog, m_sumPLogP, m_votes};
}

bool PredictiveAccumulator::setState(State s) {
  if (s.numImages < 0 || s.numClasses < 0 || s.count < 0) return false;
  const auto cells = static_cast<uint64_t>(s.numImages) * static_cast<uint64_t>(s.numClasses);
  if (s.probSum.size() != cells || s.maxLog.size() != cells || s.votes.size() != cells ||
      s.sumPLogP.size() != static_cast<uint64_t>(s.numImages))
    return false;
  m_numImages = s.numImages;
  m_numClasses = s.numClasses;
  m_count = s.count;
  m_probSum = std::move(s.probSum);
  m_maxLog = std::move(s.maxLog);
  m_sumPLogP = std::move(s.sumPLogP);
  m_votes = std::move(s.votes);
  std::lock_guard<std::mutex> lock(m_cacheMutex);
  m_logSum.clear();
  m_logSumValid = false;
  return true;
}

}  // namespace bnn
