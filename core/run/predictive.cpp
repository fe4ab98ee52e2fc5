#include "run/predictive.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace bnn {

void PredictiveAccumulator::reset(int64_t numImages, int numClasses) {
  m_numImages = numImages;
  m_numClasses = numClasses;
  m_count = 0;
  const auto cells = static_cast<size_t>(numImages * numClasses);
  m_logSum.assign(cells, -std::numeric_limits<double>::infinity());
  m_sumPLogP.assign(static_cast<size_t>(numImages), 0.0);
  m_votes.assign(cells, 0u);
}

void PredictiveAccumulator::add(const float* logProbs) {
  addRows(logProbs, 0, m_numImages);
  countSample();
}

void PredictiveAccumulator::addRows(const float* logProbs, int64_t rowBegin, int64_t rowEnd) {
  const int k = m_numClasses;
  for (int64_t i = rowBegin; i < rowEnd; ++i) {
    const float* lp = logProbs + (i - rowBegin) * k;
    double* acc = m_logSum.data() + i * k;
    double plogp = 0.0;
    int best = 0;
    for (int c = 0; c < k; ++c) {
      const double l = lp[c];
      // log(exp(acc) + exp(l)), stable.
      const double a = acc[c];
      if (a == -std::numeric_limits<double>::infinity()) {
        acc[c] = l;
      } else {
        const double m = std::max(a, l);
        acc[c] = m + std::log1p(std::exp(-std::fabs(a - l)));
      }
      const double p = std::exp(l);
      if (p > 0.0) plogp += p * l;
      if (lp[c] > lp[best]) best = c;
    }
    m_sumPLogP[static_cast<size_t>(i)] += plogp;
    ++m_votes[static_cast<size_t>(i * k + best)];
  }
}

std::vector<float> PredictiveAccumulator::meanProbabilities() const {
  std::vector<float> out;
  if (m_count == 0) return out;
  out.resize(m_logSum.size());
  const double logS = std::log(static_cast<double>(m_count));
  for (size_t j = 0; j < m_logSum.size(); ++j) out[j] = static_cast<float>(std::exp(m_logSum[j] - logS));
  return out;
}

double PredictiveAccumulator::accuracy(const uint8_t* labels) const {
  if (m_count == 0 || m_numImages == 0) return std::numeric_limits<double>::quiet_NaN();
  int64_t correct = 0;
  for (int64_t i = 0; i < m_numImages; ++i) {
    const double* r = m_logSum.data() + i * m_numClasses;
    const int best = static_cast<int>(std::max_element(r, r + m_numClasses) - r);
    correct += best == labels[i];
  }
  return static_cast<double>(correct) / static_cast<double>(m_numImages);
}

double PredictiveAccumulator::negLogLikelihood(const uint8_t* labels) const {
  if (m_count == 0 || m_numImages == 0) return std::numeric_limits<double>::quiet_NaN();
  const double logS = std::log(static_cast<double>(m_count));
  double s = 0.0;
  for (int64_t i = 0; i < m_numImages; ++i) s -= m_logSum[static_cast<size_t>(i * m_numClasses + labels[i])] - logS;
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
  m_logSum = std::move(logSum);
  m_sumPLogP = std::move(sumPLogP);
  m_votes = std::move(votes);
}

}  // namespace bnn
