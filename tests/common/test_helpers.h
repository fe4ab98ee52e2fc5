#pragma once
// Shared pieces of the core and command-line tests: synthetic data, tiny run configurations,
// Monte Carlo tolerances, bit-level comparison of results and IDX files for bnn-cli. Header
// only, Qt Test based; include it from any tests/*/tst_*.cpp.
//
// House rules it supports: tests run on small synthetic data (real MNIST only in tests that skip
// without BNN_DATA_DIR); tolerances come from standard errors, never from guesses; no fixed
// sleeps (wait for an observable event, e.g. with QTRY_VERIFY_WITH_TIMEOUT and a generous bound,
// since the machine may be busy); no timing thresholds.

#include <QtTest>

#include <QDir>
#include <QFile>
#include <QString>
#include <QStringList>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/synthetic.h"
#include "run/run_config.h"
#include "run/run_result.h"

namespace bnn::test {

/// Generous bound for waiting on something that happens "soon" on a busy shared machine.
constexpr int kPatientMs = 120000;

/// The shared synthetic dataset of the engine tests: 2,000 training and 500 test images, learnable
/// by a small MLP in a few dozen steps. Built once per test program.
inline std::shared_ptr<const Dataset> syntheticData() {
  static const auto d = std::make_shared<const Dataset>(makeSyntheticDataset(2000, 500, 7));
  return d;
}

/// A run that takes milliseconds on syntheticData(): 60 warm-up steps (evaluated every 10), 30
/// sampling steps, one hidden layer of 160 units, a step size that learns without diverging.
inline RunConfig tinyConfig(SamplerKind kind = SamplerKind::Sgld) {
  RunConfig c;
  c.name = "tiny";
  c.sampler = kind;
  c.stepSize = kind == SamplerKind::Sgld ? 2e-3 : 2e-4;
  c.batchSize = 64;
  c.leapfrogSteps = 3;
  c.warmupSteps = 60;
  c.evalEvery = 10;
  c.samplingSteps = 30;
  c.hidden = {160};
  c.seed = 5;
  return c;
}

/// A valid configuration that differs from RunConfig{} in every field (for round trips).
inline RunConfig unusualConfig() {
  RunConfig c;
  c.name = "Deep SGHMC, cold";
  c.sampler = SamplerKind::Sghmc;
  c.sghmcForm = SghmcForm::Ma;
  c.stepSize = 1.2345678901234567e-7;
  c.batchSize = 60000;
  c.batchMode = BatchMode::Epochs;
  c.augmentShift = 3;
  c.leapfrogSteps = 1000;
  c.alpha = 0.3333333333333333;
  c.beta = 0.1;
  c.temperature = 0.015625;
  c.freshBatchPerInnerStep = true;
  c.samplingPhaseUsesSgld = true;
  c.warmupSteps = 10000000;
  c.evalEvery = 7;
  c.samplingSteps = 9999999;
  c.thinning = 3333333;  // 3 samples
  c.keepSamples = 7;     // all 3 of them
  c.hidden = {400, 400, 1, 4096};
  c.priorSigma = 1e-300;
  c.init = InitKind::Prior;
  c.seed = 18446744073709551615ull;
  c.schedule = ScheduleKind::Cyclical;  // 3 cycles of 3,333,333 steps
  c.scheduleB = 12.5;
  c.scheduleGamma = 0.75;
  c.cycles = 3;
  c.exploration = 0.5;
  c.psgldDecay = 0.9;
  c.psgldLambda = 1e-8;
  c.sgnhtDiffusion = 2.5;
  c.chains = 3;  // chain 2 of 3
  c.chainIndex = 2;
  c.checkpointEverySeconds = 0.25;
  return c;
}

/// |got - want| within `sigmas` standard errors plus a bias allowance (for discretisation
/// effects known to be present). The message says by how much it missed.
inline bool withinStandardErrors(const char* what, double got, double want, double se, double sigmas = 5.0,
                                 double bias = 0.0) {
  const double tol = sigmas * se + bias;
  const bool ok = std::fabs(got - want) <= tol;
  if (!ok)
    qWarning("%s: got %.6g, want %.6g (%g SE = %.3g, bias allowance %.3g)", what, got, want, sigmas,
             sigmas * se, bias);
  return ok;
}

/// Same curves (bit for bit) and the same predictive accumulator: two runs are the same run.
inline bool bitEqual(const RunResult& a, const RunResult& b) {
  if (a.curve.size() != b.curve.size()) return false;
  for (size_t i = 0; i < a.curve.size(); ++i) {
    const CurvePoint &p = a.curve[i], &q = b.curve[i];
    if (p.phase != q.phase || p.step != q.step || p.gradEvals != q.gradEvals || p.samples != q.samples)
      return false;
    if (std::memcmp(&p.pointwiseAccuracy, &q.pointwiseAccuracy, sizeof(double)) != 0) return false;
    if (std::memcmp(&p.ensembleAccuracy, &q.ensembleAccuracy, sizeof(double)) != 0) return false;
  }
  return a.predictive.sampleCount() == b.predictive.sampleCount() &&
         a.predictive.logSum() == b.predictive.logSum() && a.predictive.votes() == b.predictive.votes() &&
         a.predictive.sumPLogP() == b.predictive.sumPLogP();
}

/// Writes one split as the two raw IDX files MNIST uses (big-endian headers).
inline bool writeIdxSplit(const QString& dir, const QString& imagesName, const QString& labelsName,
                          const ImageSet& s) {
  auto be32 = [](QByteArray& b, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) b.append(char((v >> shift) & 0xff));
  };
  QByteArray images, labels;
  be32(images, 0x00000803);
  be32(images, uint32_t(s.count));
  be32(images, uint32_t(s.rows));
  be32(images, uint32_t(s.cols));
  images.append(reinterpret_cast<const char*>(s.pixels.data()), qsizetype(s.pixels.size()));
  be32(labels, 0x00000801);
  be32(labels, uint32_t(s.count));
  labels.append(reinterpret_cast<const char*>(s.labels.data()), qsizetype(s.labels.size()));
  QFile fi(dir + "/" + imagesName), fl(dir + "/" + labelsName);
  return fi.open(QIODevice::WriteOnly) && fi.write(images) == images.size() &&
         fl.open(QIODevice::WriteOnly) && fl.write(labels) == labels.size();
}

/// Whole contents of a file (empty when unreadable).
inline QByteArray fileBytes(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// The small run the command-line tests evaluate (eval, ood, shift): trained on smallRunData()
/// written as a folder, 16 hidden units, 20 warm-up and 12 sampling steps, `keepSamples` of them
/// kept (every one by default, so evaluations reproduce the run's own arrays), seed 3.
inline Dataset smallRunData() { return makeSyntheticDataset(400, 60, 11); }
inline QStringList smallRunArguments(const QString& dataDir, const QString& outDir, int keepSamples = 12,
                                     int warmup = 20, int samples = 12) {
  return {"run",
          "--data",
          dataDir,
          "--no-progress",
          "--hidden",
          "16",
          "--batch-size",
          "32",
          "--warmup",
          QString::number(warmup),
          "--eval-every",
          "10",
          "--samples",
          QString::number(samples),
          "--keep-samples",
          QString::number(keepSamples),
          "--seed",
          "3",
          "--out",
          outDir};
}

/// Writes `d` as an MNIST-style folder (the four raw IDX files) that bnn-cli --data reads.
inline bool writeIdxDataset(const QString& dir, const Dataset& d) {
  return QDir().mkpath(dir) &&
         writeIdxSplit(dir, "train-images-idx3-ubyte", "train-labels-idx1-ubyte", d.train) &&
         writeIdxSplit(dir, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", d.test);
}

}  // namespace bnn::test
