#pragma once
// Dataset shift study of a run: its kept posterior samples evaluated on transformed copies of its
// test split (rotation by 0..180 degrees as Ovadia et al. 2019, translation, Gaussian noise), and
// per level the accuracy, NLL, ECE (15 equal-width bins), Brier, mean predictive entropy and mean
// mutual information of the ensemble, and the same (without MI) of the last kept sample. The one
// computation behind `bnn-cli shift` and the desktop Shift view.
// Cost: one evaluation per level (one test pass per sample); 13 rotations with 100 samples on the
// 10,000 MNIST test images take about 13 test passes x 100 samples.
// Pure functions of their arguments; safe on any thread.

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/run_calibration.h"
#include "data/transforms.h"
#include "util/error.h"

namespace bnn {

struct RunResult;

/// "FROM:TO:STEP" (TO included when on the grid; STEP > 0, FROM <= TO, at most 1000 levels), or a
/// single number. Refused with InvalidConfig naming `option` and what was wrong.
Result<std::vector<double>> parseLevelRange(std::string_view text, const std::string& option);

/// The transforms of a sweep: rotate=DEG per level, translate=DX,0 (pixels right) per level,
/// noise=SIGMA per level (0 <= SIGMA <= 1). A level-0 transform is the identity.
std::vector<TransformSpec> rotationLevels(const std::vector<double>& degrees);
std::vector<TransformSpec> translationLevels(const std::vector<double>& pixels);
std::vector<TransformSpec> noiseLevels(const std::vector<double>& sigmas);

struct ShiftMeasures {
  double accuracy = std::numeric_limits<double>::quiet_NaN();
  double nll = std::numeric_limits<double>::quiet_NaN();
  double ece = std::numeric_limits<double>::quiet_NaN();
  double brier = std::numeric_limits<double>::quiet_NaN();
  double meanEntropy = std::numeric_limits<double>::quiet_NaN();
  double meanMutualInformation = std::numeric_limits<double>::quiet_NaN();  // ensemble only
};

struct ShiftLevel {
  TransformSpec spec;
  std::string transform;  // "rotate", "translate", "noise"
  double level = 0;       // degrees, pixels or sigma
  ShiftMeasures ensemble;
  ShiftMeasures lastSample;
  double seconds = 0;  // transform + evaluation + measures
};

struct ShiftStudy {
  int64_t sampleCount = 0;
  int64_t numImages = 0;
  std::vector<ShiftLevel> levels;
  double seconds = 0;
};

struct ShiftControl {
  const std::atomic<bool>* cancel = nullptr;
  uint64_t seed = 0;  // Gaussian noise
  /// After each level (done of total), on the calling thread.
  std::function<void(int done, int total)> progress;
  /// After each sample of the level being evaluated (done of total), on the calling thread.
  std::function<void(int64_t done, int64_t total)> sampleProgress;
};

/// Evaluates `run`'s kept samples on every transformed copy of its test split. Errors: no kept
/// samples, no test split, Cancelled.
Result<ShiftStudy> shiftStudy(const RunResult& run, const std::vector<TransformSpec>& levels,
                              const ShiftControl& control = {});

/// transform,level,source,accuracy,nll,ece,brier,mean_entropy,mean_mi,seconds (one row per level
/// and source; mean_mi is nan for the last sample).
std::string shiftTableCsv(const ShiftStudy& study);
/// Aligned text: one line per level, ensemble and last sample side by side.
std::string shiftTableText(const ShiftStudy& study);

}  // namespace bnn
