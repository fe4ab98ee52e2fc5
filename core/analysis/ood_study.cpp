#include "analysis/ood_study.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "analysis/table_text.h"
#include "data/idx_loader.h"
#include "data/transforms.h"
#include "run/posterior_evaluation.h"
#include "run/run_result.h"
#include "util/format.h"
#include "util/stopwatch.h"

namespace bnn {

const char* enumName(OodSetKind kind) {
  switch (kind) {
    case OodSetKind::Folder:
      return "folder";
    case OodSetKind::UniformNoise:
      return "noise";
    case OodSetKind::Permuted:
      return "permuted";
    case OodSetKind::Inverted:
      return "inverted";
  }
  return "?";
}

const char* oodScoreLabel(OodScoreKind kind) {
  switch (kind) {
    case OodScoreKind::NegMaxProb:
      return "max p (ensemble)";
    case OodScoreKind::Entropy:
      return "entropy H[p]";
    case OodScoreKind::MutualInformation:
      return "mutual information";
    case OodScoreKind::NegMaxProbLastSample:
      return "max p (last sample)";
  }
  return "?";
}

Result<OodSetSpec> parseOodSet(std::string_view text, uint64_t seed) {
  OodSetSpec s;
  s.seed = seed;
  if (text.empty())
    return makeError(ErrorCode::InvalidConfig, "", -1, "noise, permuted, inverted or a dataset folder", "''",
                     "--ood");
  if (text == "noise" || text == "uniform-noise" || text == "uniform")
    s.kind = OodSetKind::UniformNoise;
  else if (text == "permuted" || text == "permute")
    s.kind = OodSetKind::Permuted;
  else if (text == "inverted" || text == "invert")
    s.kind = OodSetKind::Inverted;
  else {
    s.kind = OodSetKind::Folder;
    s.directory = std::string(text);
  }
  return s;
}

std::string oodSetLabel(const OodSetSpec& spec) {
  switch (spec.kind) {
    case OodSetKind::UniformNoise:
      return "uniform noise";
    case OodSetKind::Permuted:
      return "pixel-permuted";
    case OodSetKind::Inverted:
      return "inverted";
    case OodSetKind::Folder:
      return spec.directory;
  }
  return "?";
}

Result<std::shared_ptr<const ImageSet>> oodImages(const RunResult& run, const OodSetSpec& spec,
                                                  std::string* name, std::vector<std::string>* classNames) {
  if (classNames) classNames->clear();
  if (spec.kind == OodSetKind::Folder) {
    Result<Dataset> d = loadDataset(spec.directory, DatasetSplits::TestOnly);
    if (!d) return d.error();
    if (d->test.count <= 0)
      return makeError(ErrorCode::MissingFile, spec.directory, -1, "a test split", "none");
    if (name) *name = d->name.empty() ? spec.directory : d->name;
    if (classNames) *classNames = d->classNames;
    return std::make_shared<const ImageSet>(std::move(d->test));
  }
  if (!run.test || run.test->count <= 0)
    return makeError(ErrorCode::InvalidConfig, "", -1, "a run with its test images", "none",
                     "the synthetic OOD sets are made from the run's test split");
  if (name) *name = oodSetLabel(spec);
  switch (spec.kind) {
    case OodSetKind::UniformNoise:
      return std::make_shared<const ImageSet>(uniformNoiseImages(*run.test, spec.seed));
    case OodSetKind::Permuted:
      return std::make_shared<const ImageSet>(pixelPermuted(*run.test, spec.seed));
    case OodSetKind::Inverted:
      return std::make_shared<const ImageSet>(inverted(*run.test));
    case OodSetKind::Folder:
      break;
  }
  return makeError(ErrorCode::InvalidConfig, "", -1, "", "", "unknown OOD set");
}

Result<OodScoreSet> posteriorScores(const RunResult& run, const ImageSet& images,
                                    const std::atomic<bool>* cancel, int64_t* samples,
                                    const std::function<void(int64_t, int64_t)>& progress) {
  if (!run.samples) return makeError(ErrorCode::InvalidConfig, "", -1, "", "", whySamplesUnavailable(run));
  if (images.count <= 0) return makeError(ErrorCode::InvalidConfig, "", -1, "", "", "no images to evaluate");
  EvaluationControl control;
  control.cancel = cancel;
  control.progress = progress;
  Result<PosteriorEvaluation> e = evaluatePosterior(*run.samples, images, control);
  if (!e) return e.error();
  if (samples) *samples = e->predictive.sampleCount();
  return oodScoreSet(e->predictive, e->lastProbs);
}

OodStudy makeOodStudy(OodScoreSet in, OodScoreSet out, int64_t sampleCount, std::string outName,
                      std::shared_ptr<const ImageSet> outImages) {
  OodStudy s;
  s.outName = std::move(outName);
  s.sampleCount = sampleCount;
  s.in = std::move(in);
  s.out = std::move(out);
  s.table = oodTable(s.in, s.out);
  s.outImages = std::move(outImages);
  return s;
}

Result<OodStudy> oodStudy(const RunResult& run, std::shared_ptr<const ImageSet> outImages,
                          std::string outName, const std::atomic<bool>* cancel) {
  const auto t0 = std::chrono::steady_clock::now();
  if (!run.test || run.test->count <= 0)
    return makeError(ErrorCode::InvalidConfig, "", -1, "", "", "the run has no test images");
  if (!outImages || outImages->count <= 0)
    return makeError(ErrorCode::InvalidConfig, "", -1, "", "", "the OOD set holds no images");
  int64_t samples = 0;
  Result<OodScoreSet> in = posteriorScores(run, *run.test, cancel, &samples);
  if (!in) return in.error();
  Result<OodScoreSet> out = posteriorScores(run, *outImages, cancel);
  if (!out) return out.error();
  OodStudy s =
      makeOodStudy(std::move(*in), std::move(*out), samples, std::move(outName), std::move(outImages));
  s.seconds = secondsSince(t0);
  return s;
}

std::string oodTableCsv(const OodStudy& study) {
  std::string s = "ood_set,score,in_images,out_images,auroc,aupr,fpr_at_95_tpr,threshold,tpr_achieved\n";
  std::string name = study.outName;
  if (name.find_first_of(",\"\n") != std::string::npos) {
    std::string q = "\"";
    for (char c : name) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    name = q + "\"";
  }
  for (const OodTableRow& r : study.table) {
    const OodMetrics& m = r.metrics;
    s += name + ',' + enumName(r.kind) + ',' + std::to_string(m.numIn) + ',' + std::to_string(m.numOut);
    for (double v : {m.auroc, m.aupr, m.fprAtTpr, m.threshold, m.tprAchieved}) {
      s += ',';
      s += formatNumber(v);
    }
    s += '\n';
  }
  return s;
}

std::string oodTableText(const OodStudy& study) {
  std::string s = "out-of-distribution set: " + study.outName + " (" +
                  std::to_string(study.out.negMaxProb.size()) + " images) against the test set (" +
                  std::to_string(study.in.negMaxProb.size()) + " images), " +
                  std::to_string(study.sampleCount) + " kept samples\n";
  s += padded("  score", 24) + padded("AUROC", 9) + padded("AUPR", 9) + "FPR@95%TPR\n";
  for (const OodTableRow& r : study.table)
    s += padded(std::string("  ") + oodScoreLabel(r.kind), 24) + padded(fixed(r.metrics.auroc, 4), 9) +
         padded(fixed(r.metrics.aupr, 4), 9) + fixed(r.metrics.fprAtTpr, 4) + "\n";
  if (study.out.negMaxProbLastSample.empty())
    s += "  (no last-sample row: the evaluation kept no last-sample probabilities)\n";
  return s;
}

}  // namespace bnn
