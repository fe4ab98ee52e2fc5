#include "analysis/ood.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "analysis/calibration.h"
#include "analysis/uncertainty.h"
#include "run/predictive.h"
#include "util/special_values.h"

namespace bnn {

namespace {

template <class T>
std::vector<double> negMaxImpl(std::span<const T> probs, int k) {
  if (k <= 0) return {};
  std::vector<double> s(probs.size() / size_t(k));
  topClass(probs, k, s, {});
  for (double& v : s) v = -v;
  return s;
}

template <class T>
std::vector<double> entropyImpl(std::span<const T> probs, int k) {
  if (k <= 0) return {};
  const size_t n = probs.size() / size_t(k);
  std::vector<double> h(n);
  for (size_t i = 0; i < n; ++i) {
    const T* p = probs.data() + i * size_t(k);
    double e = 0;
    for (int c = 0; c < k; ++c) {
      const double v = double(p[c]);
      if (v > 0) e -= v * std::log(v);
    }
    h[i] = e;
  }
  return h;
}

bool hasNaN(std::span<const double> v) {
  return std::any_of(v.begin(), v.end(), [](double x) { return std::isnan(x); });
}

std::vector<double> sortedAscending(std::span<const double> v) {
  std::vector<double> s(v.begin(), v.end());
  std::sort(s.begin(), s.end());
  return s;
}

// Number of values >= t in an ascending list.
int64_t countAtLeast(const std::vector<double>& ascending, double t) {
  return int64_t(ascending.end() - std::lower_bound(ascending.begin(), ascending.end(), t));
}

// Walks the distinct values of both ascending lists from the highest down; calls
// f(value, inCount, outCount) for each value with the numbers of equal in and out scores.
template <class F>
void forEachLevelDescending(const std::vector<double>& in, const std::vector<double>& out, F&& f) {
  int64_t i = int64_t(in.size()) - 1, j = int64_t(out.size()) - 1;
  while (i >= 0 || j >= 0) {
    double v;
    if (i < 0)
      v = out[size_t(j)];
    else if (j < 0)
      v = in[size_t(i)];
    else
      v = std::max(in[size_t(i)], out[size_t(j)]);
    int64_t a = 0, b = 0;
    while (i >= 0 && in[size_t(i)] == v) --i, ++a;
    while (j >= 0 && out[size_t(j)] == v) --j, ++b;
    f(v, a, b);
  }
}

// Mann-Whitney on sorted lists: Σ over out scores of (#in below + ½ #in equal), doubled to stay
// in integers.
double aurocSorted(const std::vector<double>& in, const std::vector<double>& out) {
  if (in.empty() || out.empty()) return kNaN;
  uint64_t twiceU = 0;
  uint64_t inBelow = uint64_t(in.size());  // walking down: in scores strictly below the level
  forEachLevelDescending(in, out, [&](double, int64_t a, int64_t b) {
    inBelow -= uint64_t(a);
    twiceU += uint64_t(b) * (2 * inBelow + uint64_t(a));
  });
  return double(twiceU) / (2.0 * double(in.size()) * double(out.size()));
}

double averagePrecisionSorted(const std::vector<double>& in, const std::vector<double>& out) {
  if (out.empty()) return kNaN;
  double ap = 0;
  int64_t tp = 0, fp = 0;
  const double m = double(out.size());
  forEachLevelDescending(in, out, [&](double, int64_t a, int64_t b) {
    tp += b;
    fp += a;
    if (b > 0) ap += (double(b) / m) * (double(tp) / double(tp + fp));
  });
  return ap;
}

}  // namespace

const char* enumName(OodScoreKind kind) {
  switch (kind) {
    case OodScoreKind::NegMaxProb:
      return "neg-max-prob";
    case OodScoreKind::Entropy:
      return "entropy";
    case OodScoreKind::MutualInformation:
      return "mutual-information";
    case OodScoreKind::NegMaxProbLastSample:
      return "neg-max-prob-last-sample";
  }
  return "?";
}

std::vector<double> negMaxProbScores(std::span<const float> probs, int numClasses) {
  return negMaxImpl(probs, numClasses);
}
std::vector<double> negMaxProbScores(std::span<const double> probs, int numClasses) {
  return negMaxImpl(probs, numClasses);
}
std::vector<double> entropyScores(std::span<const float> probs, int numClasses) {
  return entropyImpl(probs, numClasses);
}
std::vector<double> entropyScores(std::span<const double> probs, int numClasses) {
  return entropyImpl(probs, numClasses);
}

std::vector<double> mutualInformationScores(std::span<const float> meanProbs, int numClasses,
                                            std::span<const double> sumPLogP, int64_t sampleCount) {
  std::vector<double> h = entropyImpl(meanProbs, numClasses);
  if (h.size() != sumPLogP.size() || sampleCount <= 0) return {};
  for (size_t i = 0; i < h.size(); ++i) {
    const double expected = std::max(0.0, -sumPLogP[i] / double(sampleCount));  // E_s H[p_s]
    const double mi = h[i] - expected;
    h[i] = mi > 1e-12 ? mi : 0.0;  // rounding noise counts as 0, as in the explorer
  }
  return h;
}

const std::vector<double>& OodScoreSet::scores(OodScoreKind kind) const {
  switch (kind) {
    case OodScoreKind::Entropy:
      return entropy;
    case OodScoreKind::MutualInformation:
      return mutualInformation;
    case OodScoreKind::NegMaxProbLastSample:
      return negMaxProbLastSample;
    case OodScoreKind::NegMaxProb:
      break;
  }
  return negMaxProb;
}

OodScoreSet oodScoreSet(const PredictiveAccumulator& predictive, std::span<const float> lastSampleProbs) {
  OodScoreSet s;
  const int k = predictive.numClasses();
  const std::vector<float> mean = predictive.meanProbabilities();
  s.negMaxProb = negMaxProbScores(std::span<const float>(mean), k);
  s.entropy = entropyScores(std::span<const float>(mean), k);
  s.mutualInformation = mutualInformationScores(mean, k, predictive.sumPLogP(), predictive.sampleCount());
  if (!lastSampleProbs.empty()) s.negMaxProbLastSample = negMaxProbScores(lastSampleProbs, k);
  return s;
}

OodScoreSet oodScoreSet(const UncertaintyAnalysis& a, std::span<const float> lastSampleProbs) {
  OodScoreSet s;
  s.negMaxProb.resize(a.maxProb.size());
  std::transform(a.maxProb.begin(), a.maxProb.end(), s.negMaxProb.begin(), [](double v) { return -v; });
  s.entropy = a.entropy;
  s.mutualInformation = a.mutualInformation;
  if (!lastSampleProbs.empty()) s.negMaxProbLastSample = negMaxProbScores(lastSampleProbs, a.numClasses);
  return s;
}

OodMetrics oodMetrics(std::span<const double> inScores, std::span<const double> outScores, double tprTarget) {
  OodMetrics r;
  r.numIn = int64_t(inScores.size());
  r.numOut = int64_t(outScores.size());
  r.tprTarget = tprTarget;
  if (hasNaN(inScores) || hasNaN(outScores)) return r;
  const std::vector<double> in = sortedAscending(inScores), out = sortedAscending(outScores);
  r.auroc = aurocSorted(in, out);
  r.aupr = averagePrecisionSorted(in, out);
  if (out.empty() || !(tprTarget > 0 && tprTarget <= 1)) return r;
  // τ: the required-th largest OOD score, required = ceil(target * m) (at least 1).
  const int64_t m = int64_t(out.size());
  const int64_t required = std::clamp(int64_t(std::ceil(tprTarget * double(m))), int64_t(1), m);
  r.threshold = out[size_t(m - required)];
  r.tprAchieved = double(countAtLeast(out, r.threshold)) / double(m);
  if (!in.empty()) r.fprAtTpr = double(countAtLeast(in, r.threshold)) / double(in.size());
  return r;
}

double auroc(std::span<const double> inScores, std::span<const double> outScores) {
  if (hasNaN(inScores) || hasNaN(outScores)) return kNaN;
  return aurocSorted(sortedAscending(inScores), sortedAscending(outScores));
}

double averagePrecision(std::span<const double> inScores, std::span<const double> outScores) {
  if (hasNaN(inScores) || hasNaN(outScores)) return kNaN;
  return averagePrecisionSorted(sortedAscending(inScores), sortedAscending(outScores));
}

RocCurve rocCurve(std::span<const double> inScores, std::span<const double> outScores, int maxPoints) {
  RocCurve c;
  if (inScores.empty() || outScores.empty() || hasNaN(inScores) || hasNaN(outScores)) return c;
  const std::vector<double> in = sortedAscending(inScores), out = sortedAscending(outScores);
  const double n = double(in.size()), m = double(out.size());
  const double step = 2.0 / double(std::max(maxPoints, 2));
  c.fpr.push_back(0);
  c.tpr.push_back(0);
  c.threshold.push_back(std::numeric_limits<double>::infinity());
  int64_t fp = 0, tp = 0;
  double lastKept = 0;  // fpr + tpr of the last kept point
  forEachLevelDescending(in, out, [&](double v, int64_t a, int64_t b) {
    fp += a;
    tp += b;
    const double f = double(fp) / n, t = double(tp) / m;
    const bool last = fp == int64_t(in.size()) && tp == int64_t(out.size());  // (1, 1): always kept
    if (f + t - lastKept >= step || last) {
      c.fpr.push_back(f);
      c.tpr.push_back(t);
      c.threshold.push_back(v);
      lastKept = f + t;
    }
  });
  return c;
}

ScoreHistogram scoreHistograms(std::span<const double> inScores, std::span<const double> outScores,
                               int numBins) {
  ScoreHistogram h;
  numBins = std::max(numBins, 1);
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (auto list : {inScores, outScores})
    for (double v : list)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (!(lo <= hi)) lo = 0, hi = 1;  // no finite score
  if (lo == hi) lo -= 0.5, hi += 0.5;
  h.edges.resize(size_t(numBins) + 1);
  for (int b = 0; b <= numBins; ++b) h.edges[size_t(b)] = lo + (hi - lo) * double(b) / double(numBins);
  h.edges.back() = hi;
  auto fill = [&](std::span<const double> list, std::vector<int64_t>& counts, std::vector<double>& share) {
    counts.assign(size_t(numBins), 0);
    share.assign(size_t(numBins), 0.0);
    for (double v : list) {
      if (std::isnan(v)) continue;
      int b = v <= lo ? 0 : v >= hi ? numBins - 1 : int((v - lo) / (hi - lo) * double(numBins));
      b = std::clamp(b, 0, numBins - 1);
      // Settle against the reported edges: bin b is [e_b, e_b+1).
      while (b > 0 && v < h.edges[size_t(b)]) --b;
      while (b + 1 < numBins && v >= h.edges[size_t(b + 1)]) ++b;
      ++counts[size_t(b)];
    }
    if (!list.empty())
      for (int b = 0; b < numBins; ++b) share[size_t(b)] = double(counts[size_t(b)]) / double(list.size());
  };
  fill(inScores, h.inCounts, h.inShare);
  fill(outScores, h.outCounts, h.outShare);
  return h;
}

std::vector<int32_t> mostConfidentOod(std::span<const double> outScores, int64_t count) {
  std::vector<int32_t> idx(outScores.size());
  std::iota(idx.begin(), idx.end(), 0);
  // NaN scores go last.
  auto less = [&](int32_t x, int32_t y) {
    const double a = outScores[size_t(x)], b = outScores[size_t(y)];
    const bool na = std::isnan(a), nb = std::isnan(b);
    if (na != nb) return nb;
    if (!na && a != b) return a < b;
    return x < y;
  };
  const size_t k = size_t(std::clamp<int64_t>(count, 0, int64_t(idx.size())));
  std::partial_sort(idx.begin(), idx.begin() + std::ptrdiff_t(k), idx.end(), less);
  idx.resize(k);
  return idx;
}

std::vector<OodTableRow> oodTable(const OodScoreSet& in, const OodScoreSet& out, double tprTarget) {
  std::vector<OodTableRow> rows;
  for (OodScoreKind kind : kOodScoreKinds) {
    const auto& a = in.scores(kind);
    const auto& b = out.scores(kind);
    if (a.empty() || b.empty()) continue;
    rows.push_back({kind, oodMetrics(a, b, tprTarget)});
  }
  return rows;
}

}  // namespace bnn
