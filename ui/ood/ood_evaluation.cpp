#include "ood/ood_evaluation.h"

#include <algorithm>
#include <chrono>

#include "run/posterior_evaluation.h"
#include "run/run_result.h"

const OodEvaluation::PerScore* OodEvaluation::score(bnn::OodScoreKind kind) const {
  for (const PerScore& p : perScore)
    if (p.kind == kind) return &p;
  return nullptr;
}

OodJobOutput evaluateOod(std::shared_ptr<const bnn::RunResult> run, const bnn::OodSetSpec& spec,
                         const QString& setKey, std::shared_ptr<const OodInScores> in,
                         const std::shared_ptr<JobProgress>& progress,
                         const std::function<bool()>& cancelled) {
  const auto t0 = std::chrono::steady_clock::now();
  OodJobOutput o;
  progress->started = true;
  if (!run || !run->samples) {
    o.error = run ? QString::fromStdString(bnn::whySamplesUnavailable(*run)) : QStringLiteral("no result");
    return o;
  }
  std::string name;
  std::vector<std::string> classNames;
  const bnn::Result<std::shared_ptr<const bnn::ImageSet>> images =
      bnn::oodImages(*run, spec, &name, &classNames);
  if (!images) {
    o.error = QString::fromStdString(images.error().message());
    return o;
  }
  const int64_t s = run->samples->count();
  const bool needIn = !in || in->run != run;
  progress->total = s * (needIn ? 2 : 1) + 1;
  int64_t base = 0;
  // The core polls the flag between samples; the runner's own check (a newer request, shutdown)
  // is bridged into it after every sample.
  auto tick = [&](int64_t done, int64_t) {
    progress->done = base + done;
    if (cancelled && cancelled()) progress->cancel = true;
  };
  if (needIn) {
    progress->stage = 0;
    auto fresh = std::make_shared<OodInScores>();
    fresh->run = run;
    bnn::Result<bnn::OodScoreSet> scores =
        bnn::posteriorScores(*run, *run->test, &progress->cancel, &fresh->samples, tick);
    if (!scores) {
      o.error = QString::fromStdString(scores.error().message());
      return o;
    }
    fresh->scores = std::move(*scores);
    in = fresh;
    o.in = std::move(fresh);
    base = s;
  }
  progress->stage = 1;
  bnn::Result<bnn::OodScoreSet> out = bnn::posteriorScores(*run, **images, &progress->cancel, nullptr, tick);
  if (!out) {
    o.error = QString::fromStdString(out.error().message());
    return o;
  }
  auto e = std::make_shared<OodEvaluation>();
  e->setKey = setKey;
  e->study = bnn::makeOodStudy(in->scores, std::move(*out), in->samples, name, *images);
  e->outClassNames = std::move(classNames);
  std::vector<int32_t> wanted;
  for (const bnn::OodTableRow& row : e->study.table) {
    OodEvaluation::PerScore p;
    p.kind = row.kind;
    const std::vector<double>& a = e->study.in.scores(row.kind);
    const std::vector<double>& b = e->study.out.scores(row.kind);
    p.roc = bnn::rocCurve(a, b);
    p.histogram = bnn::scoreHistograms(a, b);
    p.surest = bnn::mostConfidentOod(b, kOodGallerySize);
    wanted.insert(wanted.end(), p.surest.begin(), p.surest.end());
    e->perScore.push_back(std::move(p));
  }
  // The ensemble's answer for the gallery images: one more pass of the samples over those few.
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  if (!wanted.empty()) {
    const bnn::ImageSet& all = **images;
    bnn::ImageSet few;
    few.rows = all.rows;
    few.cols = all.cols;
    few.count = int64_t(wanted.size());
    for (int32_t i : wanted) {
      few.pixels.insert(few.pixels.end(), all.image(i), all.image(i) + all.pixelsPerImage());
      few.labels.push_back(all.labels[size_t(i)]);
    }
    bnn::EvaluationControl control;
    control.cancel = &progress->cancel;
    bnn::Result<bnn::PosteriorEvaluation> g = bnn::evaluatePosterior(*run->samples, few, control);
    if (!g) {
      o.error = QString::fromStdString(g.error().message());
      return o;
    }
    const std::vector<float> mean = g->predictive.meanProbabilities();
    const int k = g->predictive.numClasses();
    const std::vector<uint32_t>& votes = g->predictive.votes();
    for (size_t j = 0; j < wanted.size(); ++j) {
      const float* row = mean.data() + j * size_t(k);
      const int best = int(std::max_element(row, row + k) - row);
      OodGalleryImage img;
      img.predicted = best;
      img.maxMean = row[best];
      img.voteShare = double(votes[j * size_t(k) + size_t(best)]) /
                      double(std::max<int64_t>(1, g->predictive.sampleCount()));
      e->gallery.insert(wanted[j], img);
    }
  }
  progress->done = progress->total.load();
  e->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  e->study.seconds = e->seconds;
  o.evaluation = std::move(e);
  return o;
}
