#pragma once
// What "Evaluate on…" asks of a run's kept samples: the test or train split of a dataset folder
// (anything the loader accepts: MNIST, Fashion-MNIST, any IDX set of 28 x 28 images, raw or
// .gz), or a transform of the run's own test set (rotation, translation, Gaussian noise,
// inversion). evaluateRequest() does the work with the core's one evaluation path
// (run/posterior_evaluation.h) and names the result so the run list says what it is:
//   "Example SGLD on Fashion-MNIST test", "Example SGLD on MNIST test, rotated 30°".
// Threading: value types; evaluateRequest may run on any thread (it reads files and computes).

#include <QString>
#include <cstdint>
#include <memory>

#include "data/transforms.h"
#include "run/posterior_evaluation.h"
#include "run/run_result.h"
#include "util/error.h"

struct EvaluationRequest {
  enum class Source { Folder, Transform };
  Source source = Source::Folder;
  QString folder;                          // Folder: the dataset folder
  QString split = QStringLiteral("test");  // Folder: "test" or "train"
  bnn::TransformSpec transform;            // Transform: applied to the run's test set
  uint64_t seed = 0;                       // Transform: key of the random transforms (noise)

  /// "Fashion-MNIST test", "MNIST test, rotated 30°": what is evaluated, for names and rows.
  /// `sourceDataset` names the run's own dataset (used for transforms).
  QString describe(const QString& datasetName) const;
};

/// "rotated 30°", "shifted 2, -1 px", "noise σ = 0.3", "inverted" ("" for none).
QString transformPhrase(const bnn::TransformSpec& spec);

/// Evaluates `source`'s kept samples as `request` says; the result is named
/// "<sourceName> on <what>" and records the source (name, folder) and the transform.
/// Errors: no samples, no test images to transform, the folder's loader errors, the
/// evaluation's errors (Cancelled when control.cancel turned true).
bnn::Result<bnn::RunResult> evaluateRequest(const bnn::RunResult& source, const QString& sourceName,
                                            const QString& sourceFolder, const EvaluationRequest& request,
                                            const bnn::EvaluationControl& control = {});
