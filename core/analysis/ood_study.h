#pragma once
// Out-of-distribution study of a run: its kept posterior samples evaluated on the in-distribution
// test set and on an out-of-distribution set (a dataset folder's test split, e.g. Fashion-MNIST,
// or a synthetic set made from the test set: uniform noise images, pixel-permuted or inverted
// digits), the four scores of analysis/ood.h for both, and the table of AUROC, AUPR and FPR at
// 95% TPR per score. The one computation behind `bnn-cli ood` and the desktop OOD view.
//
// Both sets are evaluated with the same kept samples (run/posterior_evaluation.h), so in and out
// scores come from one posterior; the last-sample score uses the last kept sample.
// Cost: two evaluations (one test pass per sample per set) and one sort per score; 100 samples
// on 10,000 + 10,000 images take about two seconds on two cores.
// Pure functions of their arguments; safe on any thread.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/ood.h"
#include "data/dataset.h"
#include "util/error.h"

namespace bnn {

struct RunResult;

enum class OodSetKind { Folder, UniformNoise, Permuted, Inverted };
const char* enumName(OodSetKind kind);  // "folder", "noise", "permuted", "inverted"

struct OodSetSpec {
  OodSetKind kind = OodSetKind::UniformNoise;
  std::string directory;  // Folder: the dataset folder (its test split is used)
  uint64_t seed = 0;      // UniformNoise, Permuted
};

/// "noise" (or "uniform-noise"), "permuted" (or "permute"), "inverted" (or "invert"), or a
/// folder path. An empty text is refused (InvalidConfig).
Result<OodSetSpec> parseOodSet(std::string_view text, uint64_t seed = 0);
/// "uniform noise", "pixel-permuted", "inverted", or the folder's dataset name when known.
std::string oodSetLabel(const OodSetSpec& spec);

/// The out-of-distribution images: the synthetic ones made from `run`'s test split, or the test
/// split of the folder (errors name the folder or file). The label used in tables in `name`;
/// the folder's class names in `classNames` (empty for the synthetic sets, whose labels are the
/// classes of the test images they were made from).
Result<std::shared_ptr<const ImageSet>> oodImages(const RunResult& run, const OodSetSpec& spec,
                                                  std::string* name = nullptr,
                                                  std::vector<std::string>* classNames = nullptr);

struct OodStudy {
  std::string outName;      // what the OOD set is ("Fashion-MNIST", "uniform noise", ...)
  int64_t sampleCount = 0;  // kept samples evaluated
  OodScoreSet in, out;      // scores per image (out: of `outImages`, in its order)
  std::vector<OodTableRow> table;
  std::shared_ptr<const ImageSet> outImages;
  double seconds = 0;  // both evaluations and the metrics
};

/// The four scores of `images` under `run`'s kept samples (one evaluation); `samples` receives
/// the number of samples evaluated, `progress` is called after each sample (done of total, on
/// the calling thread). Errors as oodStudy.
Result<OodScoreSet> posteriorScores(const RunResult& run, const ImageSet& images,
                                    const std::atomic<bool>* cancel = nullptr, int64_t* samples = nullptr,
                                    const std::function<void(int64_t done, int64_t total)>& progress = {});
/// The study from scores already evaluated (the in-distribution scores are shared by every OOD set).
OodStudy makeOodStudy(OodScoreSet in, OodScoreSet out, int64_t sampleCount, std::string outName,
                      std::shared_ptr<const ImageSet> outImages);

/// Evaluates `run`'s kept samples on its test split and on `outImages`. Errors: the run kept no
/// samples (the reason of whySamplesUnavailable), no test split, sizes that do not fit the
/// network, Cancelled (when `cancel` turns true between samples).
Result<OodStudy> oodStudy(const RunResult& run, std::shared_ptr<const ImageSet> outImages,
                          std::string outName, const std::atomic<bool>* cancel = nullptr);

/// ood_set,score,in_images,out_images,auroc,aupr,fpr_at_95_tpr,threshold,tpr_achieved
std::string oodTableCsv(const OodStudy& study);
/// The table as aligned text for a terminal.
std::string oodTableText(const OodStudy& study);
/// Human name of a score ("max p̄ (ensemble)", "entropy H[p̄]", ...).
const char* oodScoreLabel(OodScoreKind kind);

}  // namespace bnn
