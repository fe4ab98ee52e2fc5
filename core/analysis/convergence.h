#pragma once
// Convergence diagnostics of MCMC draws of one scalar across chains, with ArviZ's conventions
// (Vehtari, Gelman, Simpson, Carpenter and Bürkner 2021, "Rank-normalization, folding, and
// localization: an improved R-hat"), so the numbers can be compared with arviz.rhat / arviz.ess.
//
// Input: M chains of n draws, row-major (chain c's draws at [c n, (c + 1) n)).
//   split: each chain becomes its first and last n/2 draws (the middle draw is dropped when n is
//     odd): 2M half-chains.
//   rank normalisation: pooled ranks r over all draws (average ranks for ties), then
//     z = Φ⁻¹((r - 3/8) / (S + 1/4)), S the number of draws (Blom's offsets; ArviZ and the R
//     package posterior compute (r - c) / (S - 2c + 1) with c = 3/8).
//   R̂ (classic, on m chains of n draws): W = mean within-chain variance (ddof 1), B = n × variance
//     of the chain means (ddof 1), R̂ = sqrt((B / W + n - 1) / n).
//   bulk R̂ = R̂ of the rank-normalised split chains; tail R̂ = the same on the folded draws
//     |x - median(x)| (median of the split draws); R̂ = max(bulk, tail). < 1.01 is the usual rule.
//   ESS: autocovariances by FFT (zero-padded to a power of two >= 2n, biased, divided by n),
//     ρ̂_t = 1 - (W - mean_c acov_c(t)) / var⁺ with var⁺ = (n - 1)/n W + B/n; Geyer's initial
//     positive sequence (pairs ρ̂_2k + ρ̂_2k+1 summed while positive) made monotone, τ̂ = -1 + 2 Σ ρ̂
//     (+ the last positive even term), at least 1/log10(M n); ESS = M n / τ̂. Constant input: M n.
//   bulk ESS = ESS of the rank-normalised split chains. tail ESS = min(ESS of 1[x <= q05],
//     ESS of 1[x <= q95]) on split chains, q the type-7 (linear) quantiles of all draws (as ArviZ;
//     the second equals the ESS of 1[x > q95], which is 1[x >= q95] unless draws tie with q95).
//   mean ESS = ESS of the split chains themselves (for the Monte Carlo error of a mean).
// One chain is accepted (its two halves are compared); ArviZ's rhat returns NaN for a single
// chain, the R package posterior computes it as here. Fewer than 4 draws per chain, or any NaN or
// infinite draw, gives NaN throughout.
// Cost: O(M n log(M n)) (one sort per rank normalisation, one FFT per chain). Pure functions;
// safe to call from any thread.

#include <complex>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace bnn {

struct ConvergenceDiagnostics {
  int numChains = 0;
  int64_t numDraws = 0;                                    // per chain
  double rhat = std::numeric_limits<double>::quiet_NaN();  // max(bulk, tail)
  double rhatBulk = std::numeric_limits<double>::quiet_NaN();
  double rhatTail = std::numeric_limits<double>::quiet_NaN();
  double essBulk = std::numeric_limits<double>::quiet_NaN();
  double essTail = std::numeric_limits<double>::quiet_NaN();
  double essMean = std::numeric_limits<double>::quiet_NaN();
};

/// All of the diagnostics of one scalar.
ConvergenceDiagnostics convergenceDiagnostics(std::span<const double> draws, int numChains);

double rhatBulk(std::span<const double> draws, int numChains);
double rhatTail(std::span<const double> draws, int numChains);
double rhat(std::span<const double> draws, int numChains);  // max of the two
double essBulk(std::span<const double> draws, int numChains);
double essTail(std::span<const double> draws, int numChains);
double essMean(std::span<const double> draws, int numChains);

// Building blocks (exposed for plots and tests).

/// Classic R̂ of m chains as given (no split, no ranks).
double classicRhat(std::span<const double> draws, int numChains);
/// ESS of m chains as given (no split, no ranks): Geyer's initial monotone sequence.
double classicEss(std::span<const double> draws, int numChains);
/// The 2M half-chains (first and last n/2 draws of each chain), row-major.
std::vector<double> splitChains(std::span<const double> draws, int numChains);
/// Pooled rank normalisation z = Φ⁻¹((r - 3/8) / (S + 1/4)) of all values (average ranks).
std::vector<double> rankNormalise(std::span<const double> values);
/// Average ranks (1-based) of all values, ties sharing the mean of their positions.
std::vector<double> averageRanks(std::span<const double> values);
/// Biased autocovariance (1/n) Σ_i (x_i - x̄)(x_i+t - x̄) for t = 0..n-1, by FFT.
std::vector<double> autocovariance(std::span<const double> chain);
/// Autocorrelation of one chain for lags 0..maxLag (clamped to n - 1): autocovariance / lag 0.
std::vector<double> autocorrelation(std::span<const double> chain, int64_t maxLag);
/// Quantile of all values with linear interpolation between order statistics (numpy's default,
/// R type 7).
double quantileType7(std::span<const double> values, double p);
/// Standard normal quantile Φ⁻¹(p) to double precision (Acklam's approximation refined by one
/// Halley step on erfc); -inf at 0, +inf at 1, NaN outside [0, 1].
double normalQuantile(double p);

/// In-place radix-2 FFT of n = 2^k values (n = 1 allowed); the inverse omits the 1/n factor.
void fftRadix2(std::vector<std::complex<double>>& values, bool inverse);

}  // namespace bnn
