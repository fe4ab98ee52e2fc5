#include "analysis/uncertainty.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <sstream>

#include "run/run_result.h"
#include "util/format.h"
#include "util/special_values.h"

namespace bnn {

namespace {

Error analysisError(std::string detail) {
  return makeError(ErrorCode::BadFormat, {}, -1, {}, {}, std::move(detail));
}

// Shortest text that reads back to the same double; "nan" for NaN.
std::string num(double v) { return formatNumber(v); }

}  // namespace

Result<UncertaintyAnalysis> analyzeUncertainty(const PredictiveAccumulator& predictive,
                                               const std::vector<uint8_t>& labels) {
  const int64_t n = predictive.numImages();
  const int k = predictive.numClasses();
  const int64_t s = predictive.sampleCount();
  if (s <= 0) return analysisError("nothing has been sampled yet");
  if (k <= 0) return analysisError("the predictive has no classes");
  if (int64_t(labels.size()) != n) {
    Error e = analysisError("label count differs from the predictive's image count");
    e.expected = std::to_string(n) + " labels";
    e.found = std::to_string(labels.size());
    return e;
  }
  const auto& logSum = predictive.logSum();
  const auto& sumPLogP = predictive.sumPLogP();
  const auto& votes = predictive.votes();
  if (int64_t(logSum.size()) != n * k || int64_t(sumPLogP.size()) != n || int64_t(votes.size()) != n * k)
    return analysisError("predictive arrays do not match its image and class counts");
  for (int64_t i = 0; i < n; ++i)
    if (labels[size_t(i)] >= k) {
      Error e = analysisError("label out of range");
      e.offset = i;
      e.expected = "0.." + std::to_string(k - 1);
      e.found = std::to_string(labels[size_t(i)]);
      return e;
    }

  UncertaintyAnalysis a;
  a.numImages = n;
  a.numClasses = k;
  a.sampleCount = s;
  a.labels = labels;
  a.meanProbs.resize(size_t(n * k));
  a.voteShare.resize(size_t(n * k));
  a.predicted.resize(size_t(n));
  a.maxProb.resize(size_t(n));
  a.entropy.resize(size_t(n));
  a.expectedEntropy.resize(size_t(n));
  a.mutualInformation.resize(size_t(n));

  const double logS = std::log(double(s));
  int64_t correct = 0;
  double nll = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double* ls = &logSum[size_t(i * k)];
    double* p = &a.meanProbs[size_t(i * k)];
    int best = 0;
    double h = 0;  // H[p̄] = -Σ p̄ log p̄
    for (int c = 0; c < k; ++c) {
      const double logP = ls[c] - logS;      // log p̄ = log Σ_s p_s - log S
      p[c] = std::min(1.0, std::exp(logP));  // rounding can exceed 1 by an ulp or two
      if (p[c] > 0) h -= p[c] * logP;
      if (p[c] > p[best]) best = c;
      a.voteShare[size_t(i * k + c)] = double(votes[size_t(i * k + c)]) / double(s);
    }
    a.predicted[size_t(i)] = uint8_t(best);
    a.maxProb[size_t(i)] = p[best];
    a.entropy[size_t(i)] = h;
    const double eh = std::max(0.0, -sumPLogP[size_t(i)] / double(s));  // E_s H[p_s]
    a.expectedEntropy[size_t(i)] = eh;
    // MI = H[p̄] - E_s H[p_s] >= 0 in exact arithmetic; differences below 1e-12 nats are
    // rounding noise (e.g. S = 1) and count as 0.
    const double mi = h - eh;
    a.mutualInformation[size_t(i)] = mi > 1e-12 ? mi : 0.0;
    if (best == labels[size_t(i)]) ++correct;
    nll -= ls[labels[size_t(i)]] - logS;
  }
  if (n > 0) {
    a.ensembleAccuracy = double(correct) / double(n);
    a.negLogLikelihood = nll / double(n);
  }

  std::vector<int32_t> idx(static_cast<size_t>(n));
  std::iota(idx.begin(), idx.end(), 0);
  auto sortedBy = [&](const std::vector<double>& key, bool ascending) {
    std::vector<int32_t> order = idx;
    std::sort(order.begin(), order.end(), [&](int32_t x, int32_t y) {
      const double kx = key[size_t(x)], ky = key[size_t(y)];
      if (kx != ky) return ascending ? kx < ky : kx > ky;
      return x < y;
    });
    return order;
  };
  a.byMaxProbAscending = sortedBy(a.maxProb, true);
  a.byMaxProbDescending = sortedBy(a.maxProb, false);
  a.byEntropyDescending = sortedBy(a.entropy, false);
  a.byMutualInformationDescending = sortedBy(a.mutualInformation, false);
  a.correctPrefix.assign(size_t(n + 1), 0);
  for (int64_t j = 0; j < n; ++j)
    a.correctPrefix[size_t(j + 1)] =
        a.correctPrefix[size_t(j)] + (a.correct(a.byMaxProbDescending[size_t(j)]) ? 1 : 0);
  return a;
}

Result<UncertaintyAnalysis> analyzeUncertainty(const RunResult& run) {
  return analyzeUncertainty(run.predictive, run.testLabels());
}

int64_t retainedCount(const UncertaintyAnalysis& a, double threshold) {
  const auto& order = a.byMaxProbDescending;
  auto it = std::partition_point(order.begin(), order.end(),
                                 [&](int32_t i) { return a.maxProb[size_t(i)] >= threshold; });
  return int64_t(it - order.begin());
}

double retainedAccuracy(const UncertaintyAnalysis& a, double threshold) {
  const int64_t r = retainedCount(a, threshold);
  if (r == 0) return kNaN;
  return double(a.correctPrefix[size_t(r)]) / double(r);
}

UncertaintySummary summarizeUncertainty(const UncertaintyAnalysis& a, double threshold,
                                        double lastSampleAccuracy) {
  UncertaintySummary s;
  s.numImages = a.numImages;
  s.sampleCount = a.sampleCount;
  s.threshold = threshold;
  s.ensembleAccuracy = a.ensembleAccuracy;
  s.lastSampleAccuracy = lastSampleAccuracy;
  s.accuracyGain = a.ensembleAccuracy - lastSampleAccuracy;  // NaN propagates
  s.negLogLikelihood = a.negLogLikelihood;
  s.retained = retainedCount(a, threshold);
  s.uncertain = a.numImages - s.retained;
  s.retainedShare = a.numImages > 0 ? double(s.retained) / double(a.numImages) : kNaN;
  s.retainedAccuracy = retainedAccuracy(a, threshold);
  s.misclassified = a.numImages - a.correctPrefix.back();
  s.confidentlyWrong = s.retained - a.correctPrefix[size_t(s.retained)];
  if (a.numImages > 0) {
    const double n = double(a.numImages);
    s.meanEntropy = std::accumulate(a.entropy.begin(), a.entropy.end(), 0.0) / n;
    s.meanExpectedEntropy = std::accumulate(a.expectedEntropy.begin(), a.expectedEntropy.end(), 0.0) / n;
    s.meanMutualInformation =
        std::accumulate(a.mutualInformation.begin(), a.mutualInformation.end(), 0.0) / n;
  }
  return s;
}

PerClassUncertainty perClassUncertainty(const UncertaintyAnalysis& a, double threshold) {
  PerClassUncertainty r;
  r.total.assign(size_t(a.numClasses), 0);
  r.uncertain.assign(size_t(a.numClasses), 0);
  r.share.assign(size_t(a.numClasses), kNaN);
  for (int64_t i = 0; i < a.numImages; ++i) {
    const int y = a.labels[size_t(i)];
    ++r.total[size_t(y)];
    if (a.maxProb[size_t(i)] < threshold) ++r.uncertain[size_t(y)];
  }
  for (int c = 0; c < a.numClasses; ++c)
    if (r.total[size_t(c)] > 0)
      r.share[size_t(c)] = double(r.uncertain[size_t(c)]) / double(r.total[size_t(c)]);
  return r;
}

std::vector<double> linspace(double first, double last, int count) {
  std::vector<double> v;
  if (count <= 0) return v;
  if (count == 1) return {first};
  v.resize(size_t(count));
  const double step = (last - first) / double(count - 1);
  for (int i = 0; i < count; ++i) v[size_t(i)] = first + double(i) * step;
  v.back() = last;
  return v;
}

std::vector<double> defaultThresholds() { return linspace(0.1, 1.0, 90); }

ThresholdCurve thresholdCurve(const UncertaintyAnalysis& a, const std::vector<double>& thresholds) {
  ThresholdCurve c;
  c.thresholds = thresholds;
  for (double t : thresholds) {
    const int64_t r = retainedCount(a, t);
    c.retained.push_back(r);
    c.accuracy.push_back(r > 0 ? double(a.correctPrefix[size_t(r)]) / double(r) : kNaN);
    // One rounding of the exact ratio: 0.17, not 100 * (1 - 0.9983) = 0.16999999999999238.
    c.percentDropped.push_back(a.numImages > 0 ? 100.0 * double(a.numImages - r) / double(a.numImages)
                                               : kNaN);
  }
  return c;
}

DropToReach smallestDropReaching(const ThresholdCurve& curve, double targetAccuracy) {
  DropToReach d;
  for (size_t i = 0; i < curve.thresholds.size(); ++i) {
    const double acc = curve.accuracy[i];
    if (std::isnan(acc) || acc < targetAccuracy) continue;
    if (!d.found || curve.percentDropped[i] < d.percentDropped) {
      d.found = true;
      d.percentDropped = curve.percentDropped[i];
      d.threshold = curve.thresholds[i];
      d.accuracy = acc;
    }
  }
  return d;
}

RiskCoverageCurve riskCoverage(const UncertaintyAnalysis& a) {
  RiskCoverageCurve r;
  const int64_t n = a.numImages;
  if (n == 0) return r;
  const auto& order = a.byMaxProbDescending;
  double area = 0, previousCoverage = 0;
  int64_t j = 0;
  while (j < n) {
    // The whole group of equal max p̄ enters at once.
    const double level = a.maxProb[size_t(order[size_t(j)])];
    int64_t end = j + 1;
    while (end < n && a.maxProb[size_t(order[size_t(end)])] == level) ++end;
    const double coverage = double(end) / double(n);
    const double risk = double(end - a.correctPrefix[size_t(end)]) / double(end);
    r.coverage.push_back(coverage);
    r.risk.push_back(risk);
    r.threshold.push_back(level);
    area += (coverage - previousCoverage) * risk;
    previousCoverage = coverage;
    j = end;
  }
  r.aurc = area;
  return r;
}

const char* enumName(UncertaintyOrder o) {
  switch (o) {
    case UncertaintyOrder::MaxProbAscending:
      return "max-prob-ascending";
    case UncertaintyOrder::EntropyDescending:
      return "entropy-descending";
    case UncertaintyOrder::MutualInformationDescending:
      return "mutual-information-descending";
  }
  return "?";
}

std::vector<int32_t> rankedImages(const UncertaintyAnalysis& a, UncertaintyOrder order,
                                  const GalleryFilter& f) {
  const std::vector<int32_t>* source = &a.byMaxProbAscending;
  if (order == UncertaintyOrder::EntropyDescending) source = &a.byEntropyDescending;
  if (order == UncertaintyOrder::MutualInformationDescending) source = &a.byMutualInformationDescending;
  const bool any = f.trueClass < 0 && f.predictedClass < 0 && !f.onlyMisclassified && !f.onlyConfidentlyWrong;
  if (any) return *source;
  std::vector<int32_t> out;
  out.reserve(source->size());
  for (int32_t i : *source) {
    if (f.trueClass >= 0 && a.labels[size_t(i)] != f.trueClass) continue;
    if (f.predictedClass >= 0 && a.predicted[size_t(i)] != f.predictedClass) continue;
    const bool wrong = !a.correct(i);
    if (f.onlyMisclassified && !wrong) continue;
    if (f.onlyConfidentlyWrong && !(wrong && a.maxProb[size_t(i)] >= f.threshold)) continue;
    out.push_back(i);
  }
  return out;
}

std::string perClassCsv(const PerClassUncertainty& p, double threshold) {
  std::ostringstream o;
  o << "digit,test_images,uncertain,uncertain_share,threshold\n";
  for (size_t c = 0; c < p.total.size(); ++c)
    o << c << ',' << p.total[c] << ',' << p.uncertain[c] << ',' << num(p.share[c]) << ',' << num(threshold)
      << '\n';
  return o.str();
}

std::string thresholdCurveCsv(const ThresholdCurve& c) {
  std::ostringstream o;
  o << "threshold,retained,accuracy_on_retained,percent_dropped\n";
  for (size_t i = 0; i < c.thresholds.size(); ++i)
    o << num(c.thresholds[i]) << ',' << c.retained[i] << ',' << num(c.accuracy[i]) << ','
      << num(c.percentDropped[i]) << '\n';
  return o.str();
}

std::string riskCoverageCsv(const RiskCoverageCurve& c) {
  std::ostringstream o;
  o << "coverage,risk,max_prob_threshold\n";
  for (size_t i = 0; i < c.coverage.size(); ++i)
    o << num(c.coverage[i]) << ',' << num(c.risk[i]) << ',' << num(c.threshold[i]) << '\n';
  return o.str();
}

std::string rankedImagesCsv(const UncertaintyAnalysis& a, const std::vector<int32_t>& images) {
  std::ostringstream o;
  o << "index,true,predicted,max_prob,entropy,mutual_information,vote_share_of_predicted\n";
  for (int32_t i : images) {
    const size_t u = size_t(i);
    o << i << ',' << int(a.labels[u]) << ',' << int(a.predicted[u]) << ',' << num(a.maxProb[u]) << ','
      << num(a.entropy[u]) << ',' << num(a.mutualInformation[u]) << ',' << num(a.vote(i, a.predicted[u]))
      << '\n';
  }
  return o.str();
}

std::string summaryText(const UncertaintySummary& s, const DropToReach& drop99, double aurc) {
  auto pct = [](double v) {
    if (std::isnan(v)) return std::string("n/a");
    char b[32];
    std::snprintf(b, sizeof b, "%.2f%%", 100.0 * v);
    return std::string(b);
  };
  auto fix = [](double v, int digits) {
    if (std::isnan(v)) return std::string("n/a");
    char b[32];
    std::snprintf(b, sizeof b, "%.*f", digits, v);
    return std::string(b);
  };
  std::ostringstream o;
  o << "test images                 " << s.numImages << '\n'
    << "posterior samples S         " << s.sampleCount << '\n'
    << "ensemble accuracy           " << pct(s.ensembleAccuracy) << '\n'
    << "last-sample accuracy        " << pct(s.lastSampleAccuracy) << '\n'
    << "ensemble - last sample      "
    << (std::isnan(s.accuracyGain)
            ? std::string("n/a")
            // Appended, not "+" + string: GCC 12 reports a false -Wrestrict on the latter.
            : std::string(s.accuracyGain >= 0 ? "+" : "")
                  .append(fix(100.0 * s.accuracyGain, 2))
                  .append(" points"))
    << '\n'
    << "test NLL (ensemble)         " << fix(s.negLogLikelihood, 4) << " nats/image\n"
    << "threshold t                 " << fix(s.threshold, 3) << '\n'
    << "certain (max p̄ >= t)        " << s.retained << " (" << pct(s.retainedShare) << ")\n"
    << "uncertain (max p̄ < t)       " << s.uncertain << '\n'
    << "accuracy on certain         " << pct(s.retainedAccuracy) << '\n'
    << "misclassified               " << s.misclassified << '\n'
    << "confidently wrong           " << s.confidentlyWrong << '\n'
    << "mean entropy H[p̄]           " << fix(s.meanEntropy, 4) << " nats\n"
    << "mean expected entropy       " << fix(s.meanExpectedEntropy, 4) << " nats (aleatoric)\n"
    << "mean mutual information     " << fix(s.meanMutualInformation, 4) << " nats (epistemic)\n"
    << "99% accuracy reached by     ";
  if (drop99.found)
    o << "dropping " << fix(drop99.percentDropped, 2) << "% (t = " << fix(drop99.threshold, 3) << ")\n";
  else
    o << "none of the thresholds\n";
  o << "risk-coverage area (AURC)   " << fix(aurc, 5) << '\n';
  return o.str();
}

}  // namespace bnn
