#pragma once
// Shared pieces of the UI tests: synthetic data, tiny run configurations that finish in a
// second or two on two cores, a hand-made run result with known uncertainty measures, and the
// fixture of the view tests (a ViewRun, a view on its own background runner).
// Header-only; included by the tst_*.cpp files of this folder.

#include <QApplication>
#include <QMessageBox>
#include <QPushButton>
#include <QTimer>
#include <atomic>
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/job_runner.h"
#include "data/synthetic.h"
#include "run/run_config.h"
#include "run/run_engine.h"
#include "run/run_result.h"
#include "views/analysis_view.h"

namespace ui_test {

inline std::shared_ptr<const bnn::Dataset> syntheticData() {
  static auto data = std::make_shared<const bnn::Dataset>(bnn::makeSyntheticDataset(2000, 500));
  return data;
}

/// Overrides that make either example preset tiny (hidden 32, W 40, K 10, S 20, n 64).
inline const std::vector<std::pair<std::string, std::string>>& tinyOverrides() {
  static const std::vector<std::pair<std::string, std::string>> o{
      {"hidden", "32"}, {"warmup", "40"}, {"eval-every", "10"}, {"samples", "20"}, {"batch-size", "64"}};
  return o;
}

inline bnn::RunConfig tinyConfig(const char* preset = "example-sgld") {
  bnn::RunConfig c = *bnn::presetConfig(preset);
  for (const auto& [k, v] : tinyOverrides()) bnn::setParam(c, k, v);
  if (c.sampler == bnn::SamplerKind::Sgld) c.stepSize = 1e-4;
  return c;
}

/// Stops a chain (through `cancel`) once it has recorded a sampling point at `step` or later: with
/// a checkpoint interval longer than the run, the chain leaves one checkpoint where it stopped.
class StopInSampling final : public bnn::ChainObserver {
 public:
  StopInSampling(std::atomic<bool>& cancel, int64_t step) : m_cancel(cancel), m_step(step) {}
  void curvePointRecorded(const bnn::CurvePoint& p) override {
    if (p.phase == bnn::Phase::Sampling && p.step >= m_step) m_cancel = true;
  }

 private:
  std::atomic<bool>& m_cancel;
  int64_t m_step;
};

/// Runs `cfg` on `data` into `dir` and stops it at sampling step `step` (StopInSampling): the
/// folder of an interrupted run, with a checkpoint when cfg's interval is longer than the run.
inline bnn::RunResult runStoppedInSampling(const bnn::RunConfig& cfg,
                                           std::shared_ptr<const bnn::Dataset> data, const QString& dir,
                                           int64_t step) {
  std::atomic<bool> cancel{false};
  StopInSampling stopper(cancel, step);
  return bnn::runChain(cfg, std::move(data), &stopper, &cancel, {}, {dir.toStdString(), nullptr});
}

/// A run that only stops when asked.
inline bnn::RunConfig endlessConfig() {
  bnn::RunConfig c = tinyConfig();
  c.warmupSteps = 1000000;
  return c;
}

// A hand-made result of kImages test images. Image i: true digit i % 10; max p̄ = 0.505 + 0.01 i
// (+ shift) on the predicted class, the rest spread evenly. Images with i % 7 == 0 are predicted
// as (true + 1) % 10 (wrong). S = 2 samples that agree on the argmax; the mutual information of
// image i is miOf(i).
constexpr int kImages = 50;
inline double maxProbOf(int i) { return 0.505 + 0.01 * i; }
inline bool wrongOf(int i) { return i % 7 == 0; }
inline int predictedOf(int i) { return wrongOf(i) ? (i % 10 + 1) % 10 : i % 10; }
inline double miOf(int i) { return 0.001 * ((i * 17) % 50); }

inline std::shared_ptr<bnn::RunResult> handMadeRun(bool withImages = true, double shift = 0.0) {
  auto run = std::make_shared<bnn::RunResult>();
  auto test = std::make_shared<bnn::ImageSet>();
  const int k = 10, s = 2;
  std::vector<double> logSum, sumPLogP;
  std::vector<uint32_t> votes;
  for (int i = 0; i < kImages; ++i) {
    const double m = std::min(0.999, maxProbOf(i) + shift);
    const double rest = (1.0 - m) / 9.0;
    double h = 0;
    for (int c = 0; c < k; ++c) {
      const double p = c == predictedOf(i) ? m : rest;
      logSum.push_back(std::log(s * p));  // log Σ_s p_s with both samples' mean p̄
      h -= p * std::log(p);
      votes.push_back(c == predictedOf(i) ? uint32_t(s) : 0u);
    }
    sumPLogP.push_back(-s * (h - miOf(i)));  // E_s H[p_s] = H[p̄] - MI
    test->labels.push_back(uint8_t(i % 10));
  }
  test->count = kImages;
  run->predictive.restore(kImages, k, s, std::move(logSum), std::move(sumPLogP), std::move(votes));
  if (withImages) {
    test->pixels.resize(size_t(kImages) * 28 * 28);
    for (int i = 0; i < kImages; ++i)
      for (int p = 0; p < 28 * 28; ++p)
        test->pixels[size_t(i) * 784 + size_t(p)] = uint8_t((p % 28 > 8 && p % 28 < 20) ? 5 * i : 0);
  }
  run->test = std::move(test);
  run->lastPointwiseAccuracy = 0.8;
  run->outcome.status = bnn::RunStatus::Completed;
  return run;
}

/// A run as the host hands it to a view.
inline ViewRun viewRun(const QString& id, const QString& name, std::shared_ptr<const bnn::RunResult> result,
                       QColor color = QColor("#1f77b4"), bool running = false) {
  ViewRun v;
  v.id = id;
  v.name = name;
  v.color = color;
  v.running = running;
  v.result = std::move(result);
  return v;
}

/// A view of type V fed by hand (no run list) on a background runner of its own, at 1024 x 700,
/// as the view tests build one in init() (and let go of in cleanup(): view first, then runner).
template <class V>
void makeView(std::unique_ptr<JobRunner>& jobs, std::unique_ptr<V>& view) {
  jobs = std::make_unique<JobRunner>();
  view = std::make_unique<V>(ViewContext{nullptr, jobs.get()});
  view->resize(1024, 700);
}
template <class V>
void releaseView(std::unique_ptr<JobRunner>& jobs, std::unique_ptr<V>& view) {
  view.reset();
  jobs.reset();
}

/// Clicks `button` of the next message box that opens (closing dialogs are modal).
inline void answerNextMessageBox(QMessageBox::StandardButton button, bool* seen) {
  QTimer::singleShot(50, [button, seen] {
    auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
    if (!box) {
      answerNextMessageBox(button, seen);
      return;
    }
    *seen = true;
    box->button(button)->click();
  });
}

}  // namespace ui_test
