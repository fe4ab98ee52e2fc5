// bnn-cli eval RUN_DIR --data DIR [--split test|train] [--transform SPEC] [--seed N] [--out DIR]:
// the posterior predictive of a saved run's kept samples on another dataset folder, or on a
// transformed copy of one, written as an ordinary run folder (the same arrays and summary), so
// that `bnn-cli report` and the desktop explorer read it unchanged.
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include "commands.h"
#include "data/dataset_identity.h"
#include "data/idx_loader.h"
#include "data/transforms.h"
#include "run/posterior_evaluation.h"
#include "run/result_io.h"
#include "run/run_result.h"
#include "util/option_parser.h"

namespace bnn::cli {

namespace {

void evalUsage(FILE* out) {
  std::fputs(
      "usage: bnn-cli eval RUN_DIR --data DIR [--split test|train] [--transform SPEC] [--seed N]\n"
      "                    [--out DIR] [--no-progress]\n"
      "\n"
      "Evaluates the posterior samples a saved run kept (samples.npy, --keep-samples) on the images\n"
      "of a dataset folder and prints the ensemble's summary; with --out, writes it as a run folder\n"
      "(config.json, summary.json, predictive.npy, log_sum.npy, sum_plogp.npy, votes.npy,\n"
      "last_probs.npy, test_labels.npy, test_images.npy) that bnn-cli report and the app open.\n"
      "\n"
      "  --data DIR         folder with MNIST-style IDX files, raw or .gz (MNIST, Fashion-MNIST, ...)\n"
      "  --split S          test (default) or train: which of the folder's two splits to evaluate\n"
      "  --transform SPEC   transform the images first: rotate=DEG, translate=DX,DY, noise=SIGMA,\n"
      "                     invert, permute, uniform-noise\n"
      "  --seed N           seed of the random transforms (noise, permute, uniform-noise; default 0)\n"
      "  --out DIR          write the evaluation as a run folder (atomically)\n"
      "  --no-progress      no progress bar\n"
      "\n"
      "exit status: 0 evaluated, 1 unusable files (the run, its samples or the data), 2 wrong options\n",
      out);
}

}  // namespace

int eval(int argc, char** argv) {
  OptionParser parser;
  parser.value("data").value("split").value("transform").value("seed").value("out").flag("no-progress");
  parser.positional(1);
  const OptionParser::Parsed p = parser.parse(argc, argv);
  if (p.help) {
    evalUsage(stdout);
    return 0;
  }
  auto optionError = [](const std::string& why) {
    std::fprintf(stderr, "bnn-cli eval: %s (see bnn-cli eval --help)\n", why.c_str());
    return 2;
  };
  if (!p.ok()) return optionError(p.error);
  if (p.arguments.empty()) return optionError("missing RUN_DIR");
  const std::string runDir = p.arguments.front();
  const std::optional<std::string> dataDir = p.last("data");
  if (!dataDir || dataDir->empty()) return optionError("--data DIR is required");
  const std::string split = p.last("split").value_or("test");
  if (split != "test" && split != "train")
    return optionError("--split: expected test or train, found " + quotedText(split.substr(0, 40)));
  uint64_t seed = 0;
  if (const auto s = p.last("seed")) {
    const auto r = std::from_chars(s->data(), s->data() + s->size(), seed);
    if (s->empty() || r.ec != std::errc() || r.ptr != s->data() + s->size())
      return optionError("--seed: expected a whole number from 0 to 18446744073709551615, found " +
                         quotedText(s->substr(0, 40)));
  }
  std::optional<TransformSpec> transform;
  if (const auto t = p.last("transform")) {
    Result<TransformSpec> spec = parseTransformSpec(*t);
    if (!spec) return optionError("--transform: " + spec.error().message());
    transform = *spec;
  }
  const std::string out = p.last("out").value_or("");
  const bool progress = !p.has("no-progress");

  Result<RunResult> run = readRunResult(runDir);
  if (!run) {
    std::fprintf(stderr, "bnn-cli eval: %s\n", run.error().message().c_str());
    return 1;
  }
  if (!run->samples) {
    std::fprintf(stderr, "bnn-cli eval: %s: %s\n", runDir.c_str(), whySamplesUnavailable(*run).c_str());
    return 1;
  }
  Result<Dataset> data =
      loadDataset(*dataDir, split == "test" ? DatasetSplits::TestOnly : DatasetSplits::TrainOnly);
  if (!data) {
    std::fprintf(stderr, "bnn-cli eval: cannot use the data: %s\n", data.error().message().c_str());
    return 1;
  }
  const ImageSet& chosen = split == "test" ? data->test : data->train;
  std::shared_ptr<const ImageSet> images;
  EvaluationInfo info;
  info.sourceName = run->config.name;
  info.sourceDirectory = runDir;
  info.split = split;
  if (transform) {
    images = std::make_shared<const ImageSet>(applyTransform(chosen, *transform, seed));
    info.transform = transformSpecText(*transform);
    const bool random = transform->kind == TransformKind::GaussianNoise ||
                        transform->kind == TransformKind::Permute ||
                        transform->kind == TransformKind::UniformNoise;
    if (random) info.transform += " seed " + std::to_string(seed);
  } else {
    images = std::make_shared<const ImageSet>(chosen);
  }

  const bool tty = progress && isatty(fileno(stderr));
  EvaluationControl control;
  if (tty)
    control.progress = [](int64_t done, int64_t total) {
      std::fprintf(stderr, "\r\x1b[2Kevaluating sample %lld of %lld", static_cast<long long>(done),
                   static_cast<long long>(total));
      if (done == total) std::fputs("\r\x1b[2K", stderr);
    };
  Result<PosteriorEvaluation> e = evaluatePosterior(*run->samples, *images, control);
  if (!e) {
    std::fprintf(stderr, "bnn-cli eval: %s\n", e.error().message().c_str());
    return 1;
  }
  const double seconds = e->seconds;
  const RunResult r = evaluationResult(*run, std::move(*e), images, *data, info);

  const int64_t k = r.predictive.sampleCount();
  std::printf("run        %s (%s, %lld kept samples)\n", runDir.c_str(), run->config.name.c_str(),
              static_cast<long long>(run->samples->count()));
  std::printf("data       %s, %s split%s%s: %lld images (%s)\n",
              datasetLabel(data->name, data->check).c_str(), split.c_str(),
              info.transform.empty() ? "" : ", ", info.transform.c_str(),
              static_cast<long long>(r.testCount()), dataDir->c_str());
  if (run->classNames != r.classNames)
    std::printf(
        "note       the run was trained on %s; its class names are not this dataset's, so\n"
        "           accuracies compare different things (useful for out-of-distribution data)\n",
        run->datasetLabel().c_str());
  std::printf("ensemble accuracy (%lld samples)                  %.4f\n", static_cast<long long>(k),
              r.ensembleAccuracy());
  std::printf("last-sample accuracy                              %.4f\n", r.lastPointwiseAccuracy);
  std::printf("difference (ensemble - last sample)               %+.4f\n",
              r.ensembleAccuracy() - r.lastPointwiseAccuracy);
  std::printf("certain share (max predictive probability > 0.95) %.1f%%\n",
              100.0 * certainShare(r.predictive, 0.95));
  std::printf("NLL of the ensemble                               %.4f nats\n",
              r.predictive.negLogLikelihood(r.testLabels().data()));
  std::printf("time       %.2f s (%.1f ms per sample)\n", seconds, 1000.0 * seconds / static_cast<double>(k));
  if (!out.empty()) {
    if (Status st = writeRunResult(r, out); !st) {
      std::fprintf(stderr, "bnn-cli eval: could not save: %s\n", st.error().message().c_str());
      return 1;
    }
    std::printf("saved to   %s\n", out.c_str());
  }
  return 0;
}

}  // namespace bnn::cli
