// bnn-cli merge DIR... --out DIR: pools the chains of one run written by separate processes
// (bnn-cli run --chains K --chain-index i) into the folder `bnn-cli run --chains K` writes: the
// pooled arrays in the files of a one-chain run and each chain's folder inside it. Pooling is
// run/chain_pool.h, the function the run command uses, so the pooled arrays are bit-identical.
#include <cstdio>
#include <string>
#include <vector>

#include "commands.h"
#include "run/chain_pool.h"
#include "run/result_io.h"
#include "util/option_parser.h"

namespace bnn::cli {

namespace {

void mergeUsage(FILE* out) {
  std::fputs(
      "usage: bnn-cli merge DIR... --out DIR\n"
      "\n"
      "Pools the K chains of one run, each written by `bnn-cli run --chains K --chain-index i --out DIR`\n"
      "(in any order; every chain 0..K-1 exactly once, otherwise the same configuration and test set).\n"
      "Writes the folder `bnn-cli run --chains K --out DIR` writes: the pooled predictive (the mixture\n"
      "over all chains' samples) in the files of a one-chain run, and chain-<i>/ with each chain's own\n"
      "results. The pooled arrays are bit-identical to those of the one-process run.\n"
      "\n"
      "  --out DIR   output folder (replaced when it exists; the chain folders may be inside it)\n"
      "\n"
      "exit status: 0 merged, 1 a folder could not be read or the chains do not belong together,\n"
      "2 wrong options\n",
      out);
}

}  // namespace

int merge(int argc, char** argv) {
  OptionParser parser;
  parser.value("out").positional(4096);
  const OptionParser::Parsed p = parser.parse(argc, argv);
  if (p.help) {
    mergeUsage(stdout);
    return 0;
  }
  if (!p.ok()) {
    std::fprintf(stderr, "bnn-cli merge: %s (see bnn-cli merge --help)\n", p.error.c_str());
    return 2;
  }
  const std::optional<std::string> out = p.last("out");
  if (!out || out->empty()) {
    std::fputs("bnn-cli merge: --out DIR is required (see bnn-cli merge --help)\n", stderr);
    return 2;
  }
  if (p.arguments.empty()) {
    std::fputs("bnn-cli merge: missing the chain folders DIR... (see bnn-cli merge --help)\n", stderr);
    return 2;
  }
  // Everything is read before anything is written: the output may replace the folder that holds
  // the inputs.
  std::vector<RunResult> chains;
  for (const std::string& dir : p.arguments) {
    Result<RunResult> r = readRunResult(dir);
    if (!r) {
      std::fprintf(stderr, "bnn-cli merge: %s\n", r.error().message().c_str());
      return 1;
    }
    chains.push_back(std::move(r).value());
  }
  std::vector<const RunResult*> ptrs;
  for (const RunResult& r : chains) ptrs.push_back(&r);
  Result<RunResult> pooled = poolChains(ptrs, p.arguments);
  if (!pooled) {
    std::fprintf(stderr, "bnn-cli merge: %s\n", pooled.error().message().c_str());
    return 1;
  }
  if (Status st = writePooledRun(*pooled, chains, *out); !st) {
    std::fprintf(stderr, "bnn-cli merge: could not save the results: %s\n", st.error().message().c_str());
    return 1;
  }
  std::printf(
      "%lld chains, %lld samples pooled: ensemble accuracy %.4f, test NLL %.4f nats (%s)\nsaved to %s\n",
      static_cast<long long>(chains.size()), static_cast<long long>(pooled->predictive.sampleCount()),
      pooled->ensembleAccuracy(), pooled->predictive.negLogLikelihood(pooled->testLabels().data()),
      pooled->outcome.message.c_str(), out->c_str());
  std::printf("per-sample test accuracy across chains: %s\n",
              convergenceLine(accuracyConvergence(ptrs)).c_str());
  std::fputs(convergenceText(scalarConvergence(pooled->diagnostics)).c_str(), stdout);
  return pooled->outcome.status == RunStatus::Completed ? 0 : 1;
}

}  // namespace bnn::cli
