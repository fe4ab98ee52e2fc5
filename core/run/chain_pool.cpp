#include "run/chain_pool.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>

#include "run/posterior_samples.h"

namespace bnn {

ConvergenceDiagnostics accuracyConvergence(const std::vector<const RunResult*>& chains) {
  std::vector<std::vector<double>> traces;
  size_t shortest = std::numeric_limits<size_t>::max();
  for (const RunResult* r : chains) {
    traces.emplace_back();
    for (const CurvePoint& p : r->curve)
      // One draw per kept sample: a point of an exploring state has no ensemble value.
      if (p.phase == Phase::Sampling && !std::isnan(p.ensembleAccuracy))
        traces.back().push_back(p.pointwiseAccuracy);
    shortest = std::min(shortest, traces.back().size());
  }
  if (traces.size() < 2 || shortest < 4) return {};
  std::vector<double> draws;
  for (const auto& t : traces)
    draws.insert(draws.end(), t.begin(), t.begin() + static_cast<std::ptrdiff_t>(shortest));
  return convergenceDiagnostics(draws, static_cast<int>(traces.size()));
}

std::string convergenceLine(const ConvergenceDiagnostics& d) {
  if (d.numChains < 2) return "no diagnostics (fewer than 2 chains or fewer than 4 samples each)";
  char buf[200];
  std::snprintf(
      buf, sizeof buf, "R-hat %.3f (bulk %.3f, tail %.3f), ESS bulk %.0f, tail %.0f of %d x %lld draws",
      d.rhat, d.rhatBulk, d.rhatTail, d.essBulk, d.essTail, d.numChains, static_cast<long long>(d.numDraws));
  return buf;
}

std::vector<RunConfig> chainConfigs(const RunConfig& c) {
  if (c.chains <= 1 || c.chainIndex >= 0) return {c};
  std::vector<RunConfig> out;
  for (int64_t i = 0; i < c.chains; ++i) {
    out.push_back(c);
    out.back().chainIndex = i;
  }
  return out;
}

Status writePooledRun(const RunResult& pooled, const std::vector<RunResult>& chains,
                      const std::string& directory) {
  if (Status st = writeRunResult(pooled, directory); !st) return st;
  for (const RunResult& r : chains)
    if (Status st = writeRunResult(
            r, (std::filesystem::path(directory) / chainFolderName(r.config.chainIndex)).string());
        !st)
      return st;
  return okStatus();
}

Result<RunResult> poolChains(const std::vector<const RunResult*>& chains,
                             const std::vector<std::string>& labels) {
  auto label = [&](size_t i) { return i < labels.size() ? labels[i] : "chain " + std::to_string(i); };
  auto bad = [&](size_t i, std::string expected, std::string found) {
    return makeError(ErrorCode::BadValue, label(i), -1, std::move(expected), std::move(found),
                     "cannot pool it with the other chains");
  };
  const int64_t k = static_cast<int64_t>(chains.size());
  if (k == 0) return makeError(ErrorCode::BadValue, "", -1, "at least one chain", "none");
  // Chain-index order, whatever order they came in.
  std::vector<size_t> order(chains.size(), chains.size());
  for (size_t i = 0; i < chains.size(); ++i) {
    const RunConfig& c = chains[i]->config;
    if (c.chains != k)
      return bad(i, "a run of " + std::to_string(k) + " chains (as many as given)",
                 "a run of " + std::to_string(c.chains));
    if (c.chainIndex < 0 || c.chainIndex >= k)
      return bad(i, "one chain of a run (chain index 0 to " + std::to_string(k - 1) + ")",
                 "chain index " + std::to_string(c.chainIndex));
    size_t& slot = order[static_cast<size_t>(c.chainIndex)];
    if (slot != chains.size())
      return bad(i, "a chain index of its own",
                 "chain index " + std::to_string(c.chainIndex) + " also in " + label(slot));
    slot = i;
  }
  const RunResult& first = *chains[order[0]];
  const int64_t n = first.predictive.numImages();
  const int classes = first.predictive.numClasses();
  if (n == 0 || first.testLabels().size() != static_cast<size_t>(n))
    return bad(order[0], "a predictive over its test set", "none");
  for (size_t idx : order) {
    const RunResult& r = *chains[idx];
    for (const ParamSpec& s : runParamSpecs()) {
      if (s.key == "chain-index" || s.key == "name") continue;  // the name is only a label
      const std::string a = getParam(r.config, s.key), b = getParam(first.config, s.key);
      if (a != b) return bad(idx, s.label + " " + b + " as in " + label(order[0]), a);
    }
    if (r.predictive.numImages() != n || r.predictive.numClasses() != classes ||
        r.testLabels() != first.testLabels())
      return bad(idx, "the test set of " + label(order[0]), "another test set");
  }

  // Sums in chain-index order: counts, votes and Σ p log p add; log Σ p is a log-sum-exp.
  int64_t count = 0;
  std::vector<double> logSum(static_cast<size_t>(n * classes));
  std::vector<double> sumPLogP(static_cast<size_t>(n), 0.0);
  std::vector<uint32_t> votes(static_cast<size_t>(n * classes), 0);
  std::vector<const std::vector<double>*> ls;
  for (size_t idx : order) {
    const PredictiveAccumulator& p = chains[idx]->predictive;
    count += p.sampleCount();
    if (p.sampleCount() == 0) continue;
    ls.push_back(&p.logSum());
    for (size_t j = 0; j < sumPLogP.size(); ++j) sumPLogP[j] += p.sumPLogP()[j];
    for (size_t j = 0; j < votes.size(); ++j) votes[j] += p.votes()[j];
  }
  for (size_t j = 0; j < logSum.size(); ++j) {
    double m = -std::numeric_limits<double>::infinity();
    for (const auto* v : ls) m = std::max(m, (*v)[j]);
    if (!std::isfinite(m)) {
      logSum[j] = m;
      continue;
    }
    double s = 0;
    for (const auto* v : ls) s += std::exp((*v)[j] - m);
    logSum[j] = m + std::log(s);
  }

  RunResult pooled;
  pooled.config = first.config;
  pooled.config.chainIndex = -1;
  pooled.datasetName = first.datasetName;
  pooled.datasetDirectory = first.datasetDirectory;
  pooled.datasetCheck = first.datasetCheck;
  pooled.classNames = first.classNames;
  pooled.test = first.test;
  pooled.predictive.restore(n, classes, count, std::move(logSum), std::move(sumPLogP), std::move(votes));
  pooled.outcome = {RunStatus::Completed, "completed: " + std::to_string(k) + " chains pooled", 0};
  for (size_t idx : order) {
    const RunResult& r = *chains[idx];
    pooled.outcome.step = std::max(pooled.outcome.step, r.outcome.step);
    pooled.timings.totalSeconds = std::max(pooled.timings.totalSeconds, r.timings.totalSeconds);
    pooled.timings.gradientSeconds += r.timings.gradientSeconds;
    pooled.timings.updateSeconds += r.timings.updateSeconds;
    pooled.timings.evalSeconds += r.timings.evalSeconds;
    pooled.timings.gradEvals += r.timings.gradEvals;
    pooled.timings.testPasses += r.timings.testPasses;
    pooled.timings.threads = std::max(pooled.timings.threads, r.timings.threads);
  }
  {
    std::vector<const SampleDiagnostics*> diags;
    std::vector<std::string> diagLabels;
    for (size_t idx : order) {
      diags.push_back(&chains[idx]->diagnostics);
      diagLabels.push_back(label(idx));
    }
    Result<SampleDiagnostics> d = poolDiagnostics(diags, diagLabels);
    if (!d) return d.error();
    pooled.diagnostics = std::move(*d);
  }
  // The kept samples: every chain's, read through the chains' own files (no copy); none when a
  // chain kept none.
  std::vector<std::shared_ptr<const PosteriorSamples>> parts;
  for (size_t idx : order) {
    const RunResult& r = *chains[idx];
    if (!r.samples || r.samples->count() == 0) {
      if (first.config.keepSamples > 0)
        pooled.samplesError = "Chain " + std::to_string(r.config.chainIndex) + " kept no posterior samples" +
                              (r.samplesError.empty() ? std::string(".") : ": " + r.samplesError);
      parts.clear();
      break;
    }
    parts.push_back(r.samples);
  }
  if (!parts.empty()) {
    Result<std::shared_ptr<const PosteriorSamples>> s =
        PosteriorSamples::pool(std::move(parts), label(order[0]));
    if (s)
      pooled.samples = std::move(*s);
    else
      pooled.samplesError = s.error().message();
  }
  for (size_t idx : order) {
    const RunResult& r = *chains[idx];
    if (r.outcome.status != RunStatus::Completed) {
      const int64_t step = pooled.outcome.step;
      pooled.outcome = {r.outcome.status,
                        "chain " + std::to_string(r.config.chainIndex) + ": " + r.outcome.message, step};
      break;
    }
  }
  return pooled;
}

}  // namespace bnn
