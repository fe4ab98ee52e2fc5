#include "run/predictive_validation.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace bnn {

namespace {

std::string number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string cell(int64_t i, int k) { return "image " + std::to_string(i) + ", class " + std::to_string(k); }
std::string row(int64_t i) { return "image " + std::to_string(i); }

Error bad(const std::string& source, std::string where, std::string expected, std::string found) {
  return makeError(ErrorCode::BadValue, source, -1, std::move(expected), std::move(found), std::move(where));
}

}  // namespace

Status validatePredictiveArrays(const PredictiveArrays& a, const PredictiveSources& src) {
  const int64_t n = a.images;
  const int k = a.classes;
  const int64_t s = a.samples;
  if (n < 0 || k < 0 || s < 0)
    return bad(
        src.logSum, "array sizes", "non-negative sizes",
        std::to_string(n) + " images, " + std::to_string(k) + " classes, " + std::to_string(s) + " samples");
  const double tol = kPredictiveTolerance;
  const double logS = s > 0 ? std::log(static_cast<double>(s)) : 0.0;
  const double logK = k > 1 ? std::log(static_cast<double>(k)) : 0.0;
  const std::string sText = std::to_string(s) + " sample" + (s == 1 ? "" : "s");

  if (a.labels && k > 0) {
    for (int64_t i = 0; i < n; ++i)
      if (a.labels[i] >= k)
        return makeError(ErrorCode::LabelOutOfRange, src.labels, -1, "0.." + std::to_string(k - 1),
                         std::to_string(a.labels[i]), row(i));
  }

  if (a.votes) {
    for (int64_t i = 0; i < n; ++i) {
      uint64_t total = 0;
      for (int c = 0; c < k; ++c) total += a.votes[i * k + c];
      if (total != static_cast<uint64_t>(s))
        return bad(src.votes, row(i), "votes summing to the sample count " + std::to_string(s),
                   std::to_string(total));
    }
  }

  if (a.sumPLogP) {
    // Per sample Σ_k p log p lies in [-log K, 0].
    const double lo = -static_cast<double>(s) * logK * (1 + tol) - tol;
    const double hi = static_cast<double>(s) * 1e-6;
    for (int64_t i = 0; i < n; ++i) {
      const double v = a.sumPLogP[i];
      if (s == 0 && v != 0.0) return bad(src.sumPLogP, row(i), "0 (no samples)", number(v));
      if (!std::isfinite(v) || v > hi)
        return bad(src.sumPLogP, row(i), "a finite value <= 0 (sum of p log p over " + sText + ")",
                   number(v));
      if (v < lo)
        return bad(src.sumPLogP, row(i), "at least " + number(-static_cast<double>(s) * logK) + " (-S log K)",
                   number(v));
    }
  }

  if (a.logSum) {
    for (int64_t i = 0; i < n; ++i) {
      const double* r = a.logSum + i * k;
      if (s == 0) {
        for (int c = 0; c < k; ++c)
          if (!(std::isinf(r[c]) && r[c] < 0))
            return bad(src.logSum, cell(i, c), "-inf (no samples)", number(r[c]));
        continue;
      }
      double total = 0;  // Σ_k Σ_s p_s(k) / S
      for (int c = 0; c < k; ++c) {
        if (!std::isfinite(r[c]))
          return bad(src.logSum, cell(i, c), "a finite log sum of " + sText, number(r[c]));
        if (r[c] > logS + tol)
          return bad(src.logSum, cell(i, c),
                     "at most log S = " + number(logS) + " (S = " + std::to_string(s) + ")", number(r[c]));
        total += std::exp(r[c] - logS);
      }
      if (k > 0 && std::fabs(total - 1.0) > tol)
        return bad(src.logSum, row(i),
                   "class probabilities summing to 1 (exp(log_sum) summing to S = " + std::to_string(s) + ")",
                   "a sum of " + number(total));
    }
  }

  if (a.mean) {
    for (int64_t i = 0; i < n; ++i) {
      for (int c = 0; c < k; ++c) {
        const double v = a.mean[i * k + c];
        if (s == 0) {
          if (!std::isnan(v)) return bad(src.mean, cell(i, c), "nan (no samples)", number(v));
          continue;
        }
        if (!std::isfinite(v) || v < 0 || v > 1 + tol)
          return bad(src.mean, cell(i, c), "a probability in [0, 1]", number(v));
        if (a.logSum) {
          const double fromLogSum = std::exp(a.logSum[i * k + c] - logS);
          if (std::fabs(v - fromLogSum) > 1e-6 + 1e-5 * fromLogSum)
            return bad(src.mean, cell(i, c), "exp(log_sum) / S = " + number(fromLogSum), number(v));
        }
      }
    }
  }
  return okStatus();
}

}  // namespace bnn
