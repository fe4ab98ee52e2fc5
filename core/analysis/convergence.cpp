#include "analysis/convergence.h"
#include "util/special_values.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace bnn {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Draws usable for the diagnostics: at least 4 per chain, all finite.
bool validDraws(std::span<const double> draws, int numChains) {
  if (numChains < 1 || draws.size() % size_t(numChains) != 0 || draws.size() / size_t(numChains) < 4)
    return false;
  return std::all_of(draws.begin(), draws.end(), [](double v) { return std::isfinite(v); });
}

double mean(std::span<const double> v) { return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size()); }

double varianceDdof1(std::span<const double> v) {
  const double m = mean(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return s / double(v.size() - 1);
}

double median(std::span<const double> values) { return quantileType7(values, 0.5); }

// Tail ESS part: ESS of the split indicator 1[x <= quantile_p(all draws)].
double quantileIndicatorEss(std::span<const double> draws, int numChains, double p) {
  const double q = quantileType7(draws, p);
  std::vector<double> indicator(draws.size());
  for (size_t i = 0; i < draws.size(); ++i) indicator[i] = draws[i] <= q ? 1.0 : 0.0;
  const std::vector<double> split = splitChains(indicator, numChains);
  return classicEss(split, 2 * numChains);
}

}  // namespace

void fftRadix2(std::vector<std::complex<double>>& a, bool inverse) {
  const size_t n = a.size();
  if (n < 2) return;
  // Twiddles e^{-2πik/n}, k < n/2, computed directly (no accumulated rounding) and kept per
  // thread for the last size used: every chain of a diagnostic has the same length.
  thread_local std::vector<std::complex<double>> twiddles;
  if (twiddles.size() != n / 2) {
    twiddles.resize(n / 2);
    for (size_t k = 0; k < n / 2; ++k) twiddles[k] = std::polar(1.0, -2 * kPi * double(k) / double(n));
  }
  for (size_t i = 1, j = 0; i < n; ++i) {  // bit-reversal permutation
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (size_t len = 2; len <= n; len <<= 1) {
    const size_t half = len / 2, stride = n / len;
    for (size_t i = 0; i < n; i += len)
      for (size_t k = 0; k < half; ++k) {
        const std::complex<double> t = twiddles[k * stride];
        const std::complex<double> w = inverse ? std::conj(t) : t;
        const std::complex<double> u = a[i + k];
        const std::complex<double> x = a[i + k + half];
        // v = x * w written out (std::complex's operator* guards against NaN with a slow path).
        const std::complex<double> v(x.real() * w.real() - x.imag() * w.imag(),
                                     x.real() * w.imag() + x.imag() * w.real());
        a[i + k] = u + v;
        a[i + k + half] = u - v;
      }
  }
}

namespace {

// Biased autocovariances of every chain (row-major, n draws each), two chains per complex FFT:
// z = x_a + i x_b gives X_a(k) = (Z(k) + conj Z(m-k)) / 2 and X_b(k) = (Z(k) - conj Z(m-k)) / 2i;
// the power spectra are real and even, so one inverse transform of P_a + i P_b returns both.
std::vector<std::vector<double>> autocovariances(std::span<const double> draws, size_t chains) {
  std::vector<std::vector<double>> out(chains);
  if (chains == 0) return out;
  const size_t n = draws.size() / chains;
  if (n == 0) return out;
  size_t m = 1;
  while (m < 2 * n) m <<= 1;
  std::vector<std::complex<double>> z(m), p(m);
  for (size_t c = 0; c < chains; c += 2) {
    const bool pair = c + 1 < chains;
    const std::span<const double> xa = draws.subspan(c * n, n);
    const double ma = mean(xa);
    double mb = 0;
    if (pair) mb = mean(draws.subspan((c + 1) * n, n));
    std::fill(z.begin(), z.end(), std::complex<double>(0.0, 0.0));
    for (size_t i = 0; i < n; ++i) z[i] = {xa[i] - ma, pair ? draws[(c + 1) * n + i] - mb : 0.0};
    fftRadix2(z, false);
    for (size_t k = 0; k < m; ++k) {
      const std::complex<double> zk = z[k], zr = std::conj(z[(m - k) % m]);
      const std::complex<double> fa = (zk + zr) * 0.5;
      const std::complex<double> fb = (zk - zr) * std::complex<double>(0.0, -0.5);
      p[k] = {std::norm(fa), std::norm(fb)};
    }
    fftRadix2(p, true);
    const double scale = 1.0 / (double(m) * double(n));
    out[c].resize(n);
    for (size_t t = 0; t < n; ++t) out[c][t] = p[t].real() * scale;
    if (pair) {
      out[c + 1].resize(n);
      for (size_t t = 0; t < n; ++t) out[c + 1][t] = p[t].imag() * scale;
    }
  }
  return out;
}

}  // namespace

std::vector<double> autocovariance(std::span<const double> chain) {
  if (chain.empty()) return {};
  return std::move(autocovariances(chain, 1)[0]);
}

std::vector<double> autocorrelation(std::span<const double> chain, int64_t maxLag) {
  std::vector<double> acov = autocovariance(chain);
  if (acov.empty()) return acov;
  const size_t lags = size_t(std::clamp<int64_t>(maxLag, 0, int64_t(acov.size()) - 1)) + 1;
  acov.resize(lags);
  const double v0 = acov[0];
  for (double& v : acov) v = v0 > 0 ? v / v0 : kNaN;
  return acov;
}

double quantileType7(std::span<const double> values, double p) {
  if (values.empty() || !(p >= 0 && p <= 1)) return kNaN;
  std::vector<double> s(values.begin(), values.end());
  const double h = double(s.size() - 1) * p;
  const size_t lo = size_t(std::floor(h));
  const size_t hi = std::min(lo + 1, s.size() - 1);
  std::nth_element(s.begin(), s.begin() + std::ptrdiff_t(lo), s.end());
  const double a = s[lo];
  double b = a;
  if (hi != lo) b = *std::min_element(s.begin() + std::ptrdiff_t(lo) + 1, s.end());
  return a + (h - double(lo)) * (b - a);
}

double normalQuantile(double p) {
  if (std::isnan(p) || p < 0 || p > 1) return kNaN;
  if (p == 0) return -std::numeric_limits<double>::infinity();
  if (p == 1) return std::numeric_limits<double>::infinity();
  // Acklam's rational approximation (relative error < 1.2e-9) ...
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                             1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  const double low = 0.02425;
  double x;
  if (p < low) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - low) {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const double q = std::sqrt(-2 * std::log1p(-p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // ... refined by one Halley step on Φ(x) - p, with Φ from erfc (full double precision). In the
  // upper half Φ(x) - p is computed as (1 - p) - Φ(-x): 1 - p is exact there and nothing cancels.
  const double e =
      p <= 0.5 ? 0.5 * std::erfc(-x / std::sqrt(2.0)) - p : (1.0 - p) - 0.5 * std::erfc(x / std::sqrt(2.0));
  const double u = e * std::sqrt(2 * kPi) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

std::vector<double> averageRanks(std::span<const double> values) {
  const size_t n = values.size();
  std::vector<std::pair<double, size_t>> sorted(n);  // (value, index): sorts without indirection
  for (size_t i = 0; i < n; ++i) sorted[i] = {values[i], i};
  std::sort(sorted.begin(), sorted.end());
  std::vector<double> ranks(n);
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && sorted[j].first == sorted[i].first) ++j;
    const double r = double(i + 1 + j) / 2.0;  // mean of the 1-based positions i+1 .. j
    for (size_t k = i; k < j; ++k) ranks[sorted[k].second] = r;
    i = j;
  }
  return ranks;
}

std::vector<double> rankNormalise(std::span<const double> values) {
  std::vector<double> z = averageRanks(values);
  const double s = double(values.size());
  for (double& r : z) r = normalQuantile((r - 0.375) / (s + 0.25));
  return z;
}

std::vector<double> splitChains(std::span<const double> draws, int numChains) {
  if (numChains < 1 || draws.size() % size_t(numChains) != 0) return {};
  const size_t n = draws.size() / size_t(numChains), half = n / 2;
  std::vector<double> out;
  out.reserve(2 * half * size_t(numChains));
  for (size_t c = 0; c < size_t(numChains); ++c) {  // first halves, then last halves (ArviZ's order)
    const double* chain = draws.data() + c * n;
    out.insert(out.end(), chain, chain + half);
  }
  for (size_t c = 0; c < size_t(numChains); ++c) {
    const double* chain = draws.data() + c * n;
    out.insert(out.end(), chain + (n - half), chain + n);
  }
  return out;
}

double classicRhat(std::span<const double> draws, int numChains) {
  if (numChains < 2 || draws.size() % size_t(numChains) != 0) return kNaN;
  const size_t n = draws.size() / size_t(numChains);
  if (n < 2) return kNaN;
  std::vector<double> means(static_cast<size_t>(numChains)), vars(static_cast<size_t>(numChains));
  for (size_t c = 0; c < size_t(numChains); ++c) {
    const std::span<const double> chain = draws.subspan(c * n, n);
    means[c] = mean(chain);
    vars[c] = varianceDdof1(chain);
  }
  const double between = double(n) * varianceDdof1(means);
  const double within = mean(vars);
  if (!(within > 0)) return kNaN;
  return std::sqrt((between / within + double(n) - 1) / double(n));
}

double classicEss(std::span<const double> draws, int numChains) {
  if (numChains < 1 || draws.size() % size_t(numChains) != 0) return kNaN;
  const size_t m = size_t(numChains), n = draws.size() / m;
  if (n < 2) return kNaN;
  if (!std::all_of(draws.begin(), draws.end(), [](double v) { return std::isfinite(v); })) return kNaN;
  const auto [lo, hi] = std::minmax_element(draws.begin(), draws.end());
  const double total = double(m * n);
  if (*hi - *lo < 1e-15) return total;  // numpy's float resolution, as ArviZ

  const std::vector<std::vector<double>> acov = autocovariances(draws, m);
  std::vector<double> chainMeans(m);
  for (size_t c = 0; c < m; ++c) chainMeans[c] = mean(draws.subspan(c * n, n));
  auto meanAcov = [&](size_t t) {
    double s = 0;
    for (size_t c = 0; c < m; ++c) s += acov[c][t];
    return s / double(m);
  };
  const double nd = double(n);
  const double meanVar = meanAcov(0) * nd / (nd - 1.0);
  double varPlus = meanVar * (nd - 1.0) / nd;
  if (m > 1) varPlus += varianceDdof1(chainMeans);

  std::vector<double> rho(n, 0.0);
  double rhoEven = 1.0;
  rho[0] = rhoEven;
  double rhoOdd = 1.0 - (meanVar - meanAcov(1)) / varPlus;
  rho[1] = rhoOdd;
  // Geyer's initial positive sequence.
  size_t t = 1;
  while (t + 3 < n && (rhoEven + rhoOdd) > 0.0) {
    rhoEven = 1.0 - (meanVar - meanAcov(t + 1)) / varPlus;
    rhoOdd = 1.0 - (meanVar - meanAcov(t + 2)) / varPlus;
    if (rhoEven + rhoOdd >= 0) {
      rho[t + 1] = rhoEven;
      rho[t + 2] = rhoOdd;
    }
    t += 2;
  }
  const int64_t maxT = int64_t(t) - 2;
  if (rhoEven > 0) rho[size_t(maxT + 1)] = rhoEven;
  // Geyer's initial monotone sequence.
  for (int64_t k = 1; k <= maxT - 2; k += 2) {
    const size_t u = size_t(k);
    if (rho[u + 1] + rho[u + 2] > rho[u - 1] + rho[u]) {
      rho[u + 1] = (rho[u - 1] + rho[u]) / 2.0;
      rho[u + 2] = rho[u + 1];
    }
  }
  double tau = -1.0;
  for (int64_t k = 0; k <= maxT; ++k) tau += 2.0 * rho[size_t(k)];
  if (maxT + 1 < int64_t(n)) tau += rho[size_t(maxT + 1)];
  tau = std::max(tau, 1.0 / std::log10(total));
  for (double r : rho)
    if (std::isnan(r)) return kNaN;
  return total / tau;
}

double rhatBulk(std::span<const double> draws, int numChains) {
  if (!validDraws(draws, numChains)) return kNaN;
  const std::vector<double> split = splitChains(draws, numChains);
  return classicRhat(rankNormalise(split), 2 * numChains);
}

double rhatTail(std::span<const double> draws, int numChains) {
  if (!validDraws(draws, numChains)) return kNaN;
  std::vector<double> split = splitChains(draws, numChains);
  const double med = median(split);
  for (double& v : split) v = std::abs(v - med);
  return classicRhat(rankNormalise(split), 2 * numChains);
}

double rhat(std::span<const double> draws, int numChains) {
  const double bulk = rhatBulk(draws, numChains), tail = rhatTail(draws, numChains);
  if (std::isnan(bulk) || std::isnan(tail)) return kNaN;
  return std::max(bulk, tail);
}

double essBulk(std::span<const double> draws, int numChains) {
  if (!validDraws(draws, numChains)) return kNaN;
  return classicEss(rankNormalise(splitChains(draws, numChains)), 2 * numChains);
}

double essTail(std::span<const double> draws, int numChains) {
  if (!validDraws(draws, numChains)) return kNaN;
  return std::min(quantileIndicatorEss(draws, numChains, 0.05), quantileIndicatorEss(draws, numChains, 0.95));
}

double essMean(std::span<const double> draws, int numChains) {
  if (!validDraws(draws, numChains)) return kNaN;
  return classicEss(splitChains(draws, numChains), 2 * numChains);
}

ConvergenceDiagnostics convergenceDiagnostics(std::span<const double> draws, int numChains) {
  ConvergenceDiagnostics d;
  d.numChains = numChains;
  d.numDraws = numChains > 0 ? int64_t(draws.size() / size_t(numChains)) : 0;
  if (!validDraws(draws, numChains)) return d;
  d.rhatBulk = rhatBulk(draws, numChains);
  d.rhatTail = rhatTail(draws, numChains);
  d.rhat = std::isnan(d.rhatBulk) || std::isnan(d.rhatTail) ? kNaN : std::max(d.rhatBulk, d.rhatTail);
  d.essBulk = essBulk(draws, numChains);
  d.essTail = essTail(draws, numChains);
  d.essMean = essMean(draws, numChains);
  return d;
}

}  // namespace bnn
