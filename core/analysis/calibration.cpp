#include "analysis/calibration.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

namespace bnn {

namespace {

Error calibrationError(std::string detail, int64_t offset = -1, std::string expected = {},
                       std::string found = {}) {
  return makeError(ErrorCode::BadFormat, {}, offset, std::move(expected), std::move(found),
                   std::move(detail));
}

template <class T>
void topClassImpl(std::span<const T> probs, int k, std::span<double> confidence,
                  std::span<uint8_t> predicted) {
  const size_t n = k > 0 ? probs.size() / size_t(k) : 0;
  for (size_t i = 0; i < n; ++i) {
    const T* p = probs.data() + i * size_t(k);
    int best = 0;
    for (int c = 1; c < k; ++c)
      if (p[c] > p[best]) best = c;
    if (i < confidence.size()) confidence[i] = double(p[best]);
    if (i < predicted.size()) predicted[i] = uint8_t(best);
  }
}

// One bin's sums while images are assigned.
struct BinSums {
  int64_t count = 0;
  int64_t correct = 0;
  double confidence = 0;
};

void finishBins(CalibrationReport& r, const std::vector<BinSums>& sums) {
  const double n = double(r.numImages);
  double ece = 0, mce = 0;
  int nonEmpty = 0;
  for (size_t b = 0; b < sums.size(); ++b) {
    ReliabilityBin& bin = r.bins[b];
    bin.count = sums[b].count;
    bin.correct = sums[b].correct;
    if (bin.count == 0) continue;
    ++nonEmpty;
    bin.accuracy = double(bin.correct) / double(bin.count);
    bin.confidence = sums[b].confidence / double(bin.count);
    const double gap = std::abs(bin.accuracy - bin.confidence);
    ece += double(bin.count) / n * gap;
    mce = std::max(mce, gap);
  }
  r.nonEmptyBins = nonEmpty;
  r.ece = ece;
  r.mce = mce;
}

template <class T>
Result<CalibrationReport> reportImpl(std::span<const T> probs, int k, std::span<const uint8_t> labels,
                                     const CalibrationOptions& options) {
  const int64_t n = int64_t(labels.size());
  if (options.numBins < 1)
    return calibrationError("at least one bin is needed", -1, "numBins >= 1",
                            std::to_string(options.numBins));
  if (k < 1 || k > 256) return calibrationError("class count out of range", -1, "1..256", std::to_string(k));
  if (n == 0) return calibrationError("no images to calibrate");
  if (probs.size() != size_t(n) * size_t(k))
    return calibrationError("probability matrix does not match the label count", -1,
                            std::to_string(n) + " x " + std::to_string(k) + " values",
                            std::to_string(probs.size()));

  CalibrationReport r;
  r.scheme = options.scheme;
  r.numImages = n;
  r.numClasses = k;
  const int bins = options.numBins;
  r.bins.resize(size_t(bins));

  // One pass: validation, confidence, correctness, NLL and Brier; equal-width bins directly.
  std::vector<BinSums> sums(static_cast<size_t>(bins));
  std::vector<std::pair<double, uint8_t>> sorted;  // (confidence, correct), equal-mass only
  if (options.scheme == BinScheme::EqualMass) sorted.resize(size_t(n));
  const double floorProb = double(std::numeric_limits<T>::min());
  double nll = 0, brier = 0, confSum = 0;
  int64_t correctTotal = 0;
  for (int64_t i = 0; i < n; ++i) {
    const T* p = probs.data() + size_t(i) * size_t(k);
    const int y = labels[size_t(i)];
    if (y >= k)
      return calibrationError("label out of range", i, "0.." + std::to_string(k - 1), std::to_string(y));
    int best = 0;
    double sq = 0;
    for (int c = 0; c < k; ++c) {
      const double v = double(p[c]);
      if (!(v >= 0))  // NaN or negative
        return calibrationError("probability of class " + std::to_string(c) + " is not a probability", i,
                                "a value >= 0", std::isnan(v) ? "NaN" : std::to_string(v));
      if (p[c] > p[best]) best = c;
      const double d = v - (c == y ? 1.0 : 0.0);
      sq += d * d;
    }
    brier += sq;
    nll -= std::log(std::max(double(p[y]), floorProb));
    const double conf = double(p[best]);
    const bool correct = best == y;
    confSum += conf;
    correctTotal += correct ? 1 : 0;
    if (options.scheme == BinScheme::EqualWidth) {
      BinSums& s = sums[size_t(equalWidthBin(conf, bins))];
      ++s.count;
      s.correct += correct ? 1 : 0;
      s.confidence += conf;
    } else {
      sorted[size_t(i)] = {conf, uint8_t(correct ? 1 : 0)};
    }
  }
  r.accuracy = double(correctTotal) / double(n);
  r.meanConfidence = confSum / double(n);
  r.negLogLikelihood = nll / double(n);
  r.brier = brier / double(n);

  if (options.scheme == BinScheme::EqualWidth) {
    for (int b = 0; b < bins; ++b) {
      r.bins[size_t(b)].lower = double(b) / double(bins);
      r.bins[size_t(b)].upper = double(b + 1) / double(bins);
    }
  } else {
    // Only the confidences matter for the order; ties keep their input order (stable), which
    // does not affect any bin because tied confidences always share a bin.
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    int64_t start = 0;
    double previousUpper = 0;
    for (int b = 0; b < bins; ++b) {
      int64_t end = b + 1 == bins ? n : std::max(start, (int64_t(b + 1) * n) / bins);
      // Do not split a run of equal confidences: move the cut to the end of the run.
      while (end > 0 && end < n && sorted[size_t(end)].first == sorted[size_t(end - 1)].first) ++end;
      BinSums& s = sums[size_t(b)];
      for (int64_t j = start; j < end; ++j) {
        ++s.count;
        s.correct += sorted[size_t(j)].second;
        s.confidence += sorted[size_t(j)].first;
      }
      ReliabilityBin& bin = r.bins[size_t(b)];
      bin.lower = previousUpper;
      bin.upper = end > start ? sorted[size_t(end - 1)].first : previousUpper;
      previousUpper = bin.upper;
      start = end;
    }
  }
  finishBins(r, sums);
  return r;
}

}  // namespace

const char* enumName(BinScheme scheme) {
  switch (scheme) {
    case BinScheme::EqualWidth:
      return "equal-width";
    case BinScheme::EqualMass:
      return "equal-mass";
  }
  return "?";
}

int equalWidthBin(double c, int numBins) {
  if (!(c > 0)) return 0;  // 0, negatives and NaN
  if (c >= 1) return numBins - 1;
  // Estimate, then settle against the edges exactly as they are reported (double(b) / B), so a
  // confidence on an edge always lands in the lower bin.
  int b = int(std::ceil(c * double(numBins))) - 1;
  b = std::clamp(b, 0, numBins - 1);
  while (b > 0 && c <= double(b) / double(numBins)) --b;
  while (b + 1 < numBins && c > double(b + 1) / double(numBins)) ++b;
  return b;
}

Result<CalibrationReport> calibrationReport(std::span<const float> probs, int numClasses,
                                            std::span<const uint8_t> labels,
                                            const CalibrationOptions& options) {
  return reportImpl(probs, numClasses, labels, options);
}

Result<CalibrationReport> calibrationReport(std::span<const double> probs, int numClasses,
                                            std::span<const uint8_t> labels,
                                            const CalibrationOptions& options) {
  return reportImpl(probs, numClasses, labels, options);
}

void topClass(std::span<const float> probs, int numClasses, std::span<double> confidence,
              std::span<uint8_t> predicted) {
  topClassImpl(probs, numClasses, confidence, predicted);
}

void topClass(std::span<const double> probs, int numClasses, std::span<double> confidence,
              std::span<uint8_t> predicted) {
  topClassImpl(probs, numClasses, confidence, predicted);
}

}  // namespace bnn
