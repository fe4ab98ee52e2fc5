#pragma once
// OodEvaluation: everything the OOD view shows of one run on one out-of-distribution set, made
// on the background runner from the core's study (analysis/ood_study.h): the metrics table, and
// per score the ROC curve, the in/out score histograms and the out-of-distribution images the
// run is surest about, with the ensemble's prediction for each of them.
// The in-distribution scores are evaluated once per run result and shared by every OOD set.
// Immutable once made; evaluateOod may run on any thread.

#include <QHash>
#include <QString>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "analysis/ood_study.h"
#include "common/job_progress.h"

namespace bnn {
struct RunResult;
}

/// The run's kept samples on its own test set (the in-distribution side).
struct OodInScores {
  std::shared_ptr<const bnn::RunResult> run;  // the result they were evaluated for
  bnn::OodScoreSet scores;
  int64_t samples = 0;
};

struct OodGalleryImage {
  int predicted = -1;    // argmax of p̄ (the run's class)
  double maxMean = 0;    // max p̄
  double voteShare = 0;  // share of samples whose argmax is `predicted`
};

struct OodEvaluation {
  QString setKey;  // which set (OodView's key: "noise", "folder:/path", ...)
  bnn::OodStudy study;
  std::vector<std::string> outClassNames;  // the folder's class names; empty for synthetic sets
  struct PerScore {
    bnn::OodScoreKind kind = bnn::OodScoreKind::NegMaxProb;
    bnn::RocCurve roc;
    bnn::ScoreHistogram histogram;
    std::vector<int32_t> surest;  // OOD image indices, surest first (lowest score)
  };
  std::vector<PerScore> perScore;           // the kinds present in both sets, in table order
  QHash<int32_t, OodGalleryImage> gallery;  // every index listed in some `surest`
  double seconds = 0;

  const PerScore* score(bnn::OodScoreKind kind) const;
};

struct OodJobOutput {
  QString error;                          // why nothing could be evaluated ("" when fine)
  std::shared_ptr<const OodInScores> in;  // set when the job evaluated the test set
  std::shared_ptr<const OodEvaluation> evaluation;
};

/// Images in each score's gallery.
inline constexpr int kOodGallerySize = 24;

/// Evaluates `run`'s kept samples on the set `spec` (and on its test set unless `in` already
/// holds those scores for this result). Progress counts sample passes; `cancelled` (the
/// runner's check) is polled after every sample, as is `progress->cancel`.
OodJobOutput evaluateOod(std::shared_ptr<const bnn::RunResult> run, const bnn::OodSetSpec& spec,
                         const QString& setKey, std::shared_ptr<const OodInScores> in,
                         const std::shared_ptr<JobProgress>& progress,
                         const std::function<bool()>& cancelled);
