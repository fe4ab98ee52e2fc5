// Kept posterior samples: the thinning schedule, the samples file (written as a chain takes the
// samples, read back by mapping, NumPy's format), runs that keep them, saving and reopening them,
// and evaluating them afterwards, which with every sample kept reproduces the run's own
// accumulators bit for bit.
#include <QtTest>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <oneapi/tbb/task_arena.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>

#include "analysis/uncertainty.h"
#include "common/test_helpers.h"
#include "run/posterior_evaluation.h"
#include "run/posterior_probe.h"
#include "run/posterior_samples.h"
#include "run/result_io.h"
#include "run/run_engine.h"
#include "run/sample_file_writer.h"
#include "run/sample_schedule.h"
#include "util/npy.h"

using namespace bnn;

namespace {

std::string str(const QString& s) { return s.toStdString(); }

int filesIn(const QString& dir) { return int(QDir(dir).entryList(QDir::Files | QDir::Hidden).size()); }

// Same accumulators, bit for bit (the log sums are derived from the probability sums).
bool sameAccumulators(const PredictiveAccumulator& a, const PredictiveAccumulator& b) {
  return a.sampleCount() == b.sampleCount() && a.numImages() == b.numImages() && a.logSum() == b.logSum() &&
         a.votes() == b.votes() && a.sumPLogP() == b.sumPLogP() &&
         a.meanProbabilities() == b.meanProbabilities();
}

bool sameFloats(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

RunConfig keeping(int64_t keep, int64_t thinning = 1) {
  RunConfig c = test::tinyConfig();
  c.thinning = thinning;
  c.keepSamples = keep;
  return c;
}

// A samples file of `count` samples of `params` values v(k, j) = k + j / 1000.
std::string writeSamples(const QString& dir, int64_t count, int64_t params) {
  const std::string path = str(dir + "/samples.npy");
  auto w = SampleFileWriter::create(path, params);
  if (!w) return {};
  std::vector<float> theta(static_cast<size_t>(params));
  for (int64_t k = 0; k < count; ++k) {
    for (int64_t j = 0; j < params; ++j) theta[size_t(j)] = float(k) + float(j) / 1000.0f;
    if (!(*w)->append(theta.data())) return {};
  }
  return (*w)->finish() ? path : std::string();
}

std::vector<int64_t> iota(int64_t n) {
  std::vector<int64_t> v;
  for (int64_t i = 0; i < n; ++i) v.push_back(i);
  return v;
}

}  // namespace

class TestPosteriorSamples : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void thinningSchedule_data() {
    QTest::addColumn<qint64>("ensemble");
    QTest::addColumn<qint64>("keep");
    QTest::addColumn<QList<qint64>>("ordinals");
    QTest::newRow("none kept") << qint64(1000) << qint64(0) << QList<qint64>{};
    QTest::newRow("all kept") << qint64(4) << qint64(4) << QList<qint64>{1, 2, 3, 4};
    QTest::newRow("more asked than taken") << qint64(3) << qint64(10) << QList<qint64>{1, 2, 3};
    QTest::newRow("uneven: 3 of 7") << qint64(7) << qint64(3) << QList<qint64>{2, 4, 7};
    QTest::newRow("one of many: the last") << qint64(1000) << qint64(1) << QList<qint64>{1000};
    QTest::newRow("no ensemble") << qint64(0) << qint64(5) << QList<qint64>{};
  }
  void thinningSchedule() {
    QFETCH(qint64, ensemble);
    QFETCH(qint64, keep);
    QFETCH(QList<qint64>, ordinals);
    const std::vector<int64_t> got = keptSampleOrdinals(ensemble, keep);
    QCOMPARE(QList<qint64>(got.begin(), got.end()), ordinals);
  }

  // The example: every 10th of 1,000 samples, the last included; gaps never differ by more than
  // one for any K, and the last sample is always kept.
  void thinningScheduleOfTheExample() {
    const RunConfig c = *presetConfig("example-sgld");
    QCOMPARE(ensembleSampleCount(c), int64_t(1000));
    const std::vector<int64_t> steps = keptSamplingSteps(c);
    QCOMPARE(steps.size(), size_t(100));
    for (size_t i = 0; i < steps.size(); ++i) QCOMPARE(steps[i], int64_t(10 * i + 9));
    for (int64_t m : {1, 7, 100, 999, 1000})
      for (int64_t k = 1; k <= m; k += (k < 20 ? 1 : 37)) {
        const std::vector<int64_t> o = keptSampleOrdinals(m, k);
        QCOMPARE(int64_t(o.size()), k);
        QCOMPARE(o.back(), m);
        int64_t lo = m, hi = 0;
        for (size_t i = 0; i < o.size(); ++i) {
          const int64_t gap = o[i] - (i ? o[i - 1] : 0);
          lo = std::min(lo, gap);
          hi = std::max(hi, gap);
        }
        QVERIFY2(lo >= 1 && hi - lo <= 1, qPrintable(QString("M %1 K %2").arg(m).arg(k)));
      }
    // With thinning the kept samples are members of the ensemble: steps j * thinning - 1.
    RunConfig t = c;
    t.samplingSteps = 10;
    t.thinning = 3;  // ensemble: steps 2, 5, 8
    t.keepSamples = 2;
    QCOMPARE(keptSamplingSteps(t), (std::vector<int64_t>{2, 8}));
    // Cyclical: only the thinned steps outside exploration join the ensemble. Four cycles of 10
    // steps exploring steps 0-4 of each, thinning 2: steps 5, 7, 9, 15, ..., 39 (12 samples).
    t.samplingSteps = 40;
    t.thinning = 2;
    t.schedule = ScheduleKind::Cyclical;
    t.cycles = 4;
    t.exploration = 0.45;
    t.keepSamples = 4;
    QCOMPARE(ensembleSampleCount(t), int64_t(12));
    QCOMPARE(keptSamplingSteps(t), (std::vector<int64_t>{9, 19, 29, 39}));
    t.keepSamples = 100;
    QCOMPARE(keptSamplingSteps(t), (std::vector<int64_t>{5, 7, 9, 15, 17, 19, 25, 27, 29, 35, 37, 39}));
    t.exploration = 0;  // a cyclical schedule that never explores keeps every thinned step
    QCOMPARE(ensembleSampleCount(t), int64_t(20));
  }

  void sampleFileRoundTrip() {
    QTemporaryDir tmp;
    const int64_t params = 1234;
    const std::string path = writeSamples(tmp.path(), 3, params);
    QVERIFY(!path.empty());
    // What NumPy reads: float32 [3, 1234], C order, data at a multiple of 64 bytes.
    const Result<NpyArray> a = readNpy(path, NpyType::Float32, 2);
    QVERIFY2(a.ok(), a.ok() ? "" : a.error().message().c_str());
    QCOMPARE(a->shape, (std::vector<int64_t>{3, params}));
    const std::vector<float> v = a->values<float>();
    QCOMPARE(v[size_t(2 * params + 5)], 2.005f);
    const Result<NpyHeaderInfo> h = readNpyHeader(path);
    QVERIFY(h.ok());
    QCOMPARE(h->dataOffset % 64, int64_t(0));
    // Mapped back with the network shape it belongs to (74-16-2: 1,234 parameters).
    const MlpShape shape{{74, 16, 2}};
    QCOMPARE(shape.numParams(), params);
    const auto s = PosteriorSamples::open(path, shape, {4, 9, 19}, PosteriorSamples::Ownership::Borrowed);
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message().c_str());
    QCOMPARE((*s)->count(), int64_t(3));
    QCOMPARE((*s)->steps(), (std::vector<int64_t>{4, 9, 19}));
    QVERIFY(std::memcmp((*s)->sample(0), v.data(), v.size() * sizeof(float)) == 0);
    QVERIFY((*s)->verifyValues().ok());
    // A copy or link elsewhere holds the same bytes.
    const std::string copy = str(tmp.filePath("copy.npy"));
    QVERIFY((*s)->linkOrCopyTo(copy).ok());
    const Result<NpyArray> b = readNpy(copy, NpyType::Float32, 2);
    QVERIFY(b.ok() && b->data == a->data);
  }

  // Every sample appended so far is readable while the file is being written.
  void sampleFileIsValidWhileWritten() {
    QTemporaryDir tmp;
    const std::string path = str(tmp.filePath("s.npy"));
    auto w = SampleFileWriter::create(path, 8);
    QVERIFY(w.ok());
    Result<NpyArray> empty = readNpy(path, NpyType::Float32, 2);
    QVERIFY(empty.ok());
    QCOMPARE(empty->shape, (std::vector<int64_t>{0, 8}));
    const float theta[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    QVERIFY((*w)->append(theta));
    Result<NpyArray> one = readNpy(path, NpyType::Float32, 2);
    QVERIFY(one.ok());
    QCOMPARE(one->shape, (std::vector<int64_t>{1, 8}));
    QVERIFY((*w)->finish().ok());
    QVERIFY(!(*w)->append(theta).ok());  // closed
  }

  void sampleFileRefusals_data() {
    QTest::addColumn<int>("what");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("says");
    QTest::newRow("more samples than steps") << 0 << int(ErrorCode::BadDimensions) << "shape (2, 1234)";
    QTest::newRow("wrong network") << 1 << int(ErrorCode::BadDimensions) << "shape (3, 1235)";
    QTest::newRow("truncated") << 2 << int(ErrorCode::PayloadTooShort) << "bytes";
    QTest::newRow("missing") << 3 << int(ErrorCode::MissingFile) << "samples.npy";
    QTest::newRow("not float32") << 4 << int(ErrorCode::BadItemType) << "'<f4'";
    QTest::newRow("steps not increasing") << 5 << int(ErrorCode::BadValue) << "sample 1";
  }
  void sampleFileRefusals() {
    QFETCH(int, what);
    QFETCH(int, code);
    QFETCH(QString, says);
    QTemporaryDir tmp;
    std::string path = writeSamples(tmp.path(), 3, 1234);
    MlpShape shape{{74, 16, 2}};
    std::vector<int64_t> steps{0, 1, 2};
    if (what == 0) steps = {0, 1};
    if (what == 1) shape = MlpShape{{1234, 1}};  // 1,235 parameters
    if (what == 2)
      QFile::resize(QString::fromStdString(path), QFileInfo(QString::fromStdString(path)).size() - 4);
    if (what == 3) QFile::remove(QString::fromStdString(path));
    if (what == 4) {
      std::vector<double> d(3 * 1234, 0.5);
      QVERIFY(writeNpy(path, {3, 1234}, d).ok());
    }
    if (what == 5) steps = {0, 0, 1};
    const auto s = PosteriorSamples::open(path, shape, steps, PosteriorSamples::Ownership::Borrowed);
    QVERIFY(!s.ok());
    const QString msg = QString::fromStdString(s.error().message());
    QVERIFY2(int(s.error().code) == code, qPrintable(msg));
    QVERIFY2(msg.contains(says), qPrintable(msg));
    QVERIFY2(msg.contains("samples.npy"), qPrintable(msg));
  }

  void nonFiniteSampleIsNamed() {
    QTemporaryDir tmp;
    const std::string path = str(tmp.filePath("samples.npy"));
    auto w = SampleFileWriter::create(path, 5);
    QVERIFY(w.ok());
    const float good[5] = {0, 1, 2, 3, 4};
    const float bad[5] = {0, 1, std::numeric_limits<float>::quiet_NaN(), 3, 4};
    QVERIFY((*w)->append(good) && (*w)->append(bad) && (*w)->finish());
    const auto s =
        PosteriorSamples::open(path, MlpShape{{2, 1, 1}}, {3, 7}, PosteriorSamples::Ownership::Borrowed);
    QVERIFY(s.ok());
    const Status st = (*s)->verifyValues();
    QVERIFY(!st.ok());
    QCOMPARE(st.error().code, ErrorCode::BadValue);
    const QString msg = QString::fromStdString(st.error().message());
    QVERIFY2(msg.contains("sample 1, parameter 2") && msg.contains("nan"), qPrintable(msg));
  }

  // A run keeps the scheduled samples in a file of its storage folder; the file goes with the
  // last copy of the result.
  void runKeepsScheduledSamples() {
    QTemporaryDir cache;
    ChainStorage storage{str(cache.path())};
    RunConfig c = keeping(4, 3);  // 30 steps, thinning 3: ensemble of 10; keep ordinals 2, 5, 7, 10
    {
      const RunResult r = runChain(c, *test::syntheticData(), nullptr, nullptr, storage);
      QCOMPARE(r.outcome.status, RunStatus::Completed);
      QVERIFY(r.samples);
      QCOMPARE(r.samples->count(), int64_t(4));
      QCOMPARE(r.samples->steps(), (std::vector<int64_t>{5, 14, 20, 29}));
      QCOMPARE(r.samples->steps(), keptSamplingSteps(c));
      QCOMPARE(r.samples->shape().sizes, (std::vector<int>{784, 160, 10}));
      QCOMPARE(r.samples->ownership(), PosteriorSamples::Ownership::RemoveWhenDone);
      QVERIFY(QString::fromStdString(r.samples->path()).startsWith(cache.path()));
      QCOMPARE(filesIn(cache.path()), 1);
      const RunResult copy = r;  // shares the file
      QCOMPARE(copy.samples.get(), r.samples.get());
      QCOMPARE(r.lastProbs.size(), size_t(500 * 10));
    }
    QCOMPARE(filesIn(cache.path()), 0);  // removed with the run
    // The cyclical schedule keeps its samples from the sampling parts of its cycles: 40 steps in
    // 4 cycles exploring steps 0-4 of each, thinning 2, keep 4 of the 12 ensemble samples.
    {
      RunConfig y = keeping(4, 2);
      y.samplingSteps = 40;
      y.schedule = ScheduleKind::Cyclical;
      y.cycles = 4;
      y.exploration = 0.45;
      const RunResult r = runChain(y, *test::syntheticData(), nullptr, nullptr, storage);
      QVERIFY2(r.outcome.status == RunStatus::Completed || r.outcome.status == RunStatus::Warning,
               r.outcome.message.c_str());
      QCOMPARE(r.predictive.sampleCount(), int64_t(12));
      QVERIFY(r.samples);
      QCOMPARE(r.samples->steps(), (std::vector<int64_t>{9, 19, 29, 39}));
    }
    QCOMPARE(filesIn(cache.path()), 0);
    // K = 0 keeps nothing and leaves nothing behind.
    const RunResult none = runChain(keeping(0), *test::syntheticData(), nullptr, nullptr, storage);
    QVERIFY(!none.samples);
    QVERIFY(!whySamplesUnavailable(none).empty());
    QCOMPARE(filesIn(cache.path()), 0);
  }

  // Cancelled during warm-up: no sample, no file; cancelled while sampling: the samples so far.
  void cancelledRunKeepsWhatItTook() {
    QTemporaryDir cache;
    ChainStorage storage{str(cache.path())};
    std::atomic<bool> cancel{true};
    const RunResult early = runChain(keeping(30), *test::syntheticData(), nullptr, &cancel, storage);
    QCOMPARE(early.outcome.status, RunStatus::Cancelled);
    QVERIFY(!early.samples);
    QCOMPARE(filesIn(cache.path()), 0);

    struct StopAfter : ChainObserver {
      std::atomic<bool>* cancel;
      void predictiveUpdated(const PredictiveAccumulator& p) override {
        if (p.sampleCount() == 7) cancel->store(true);
      }
    } stopper;
    std::atomic<bool> later{false};
    stopper.cancel = &later;
    const RunResult partial = runChain(keeping(30), *test::syntheticData(), &stopper, &later, storage);
    QCOMPARE(partial.outcome.status, RunStatus::Cancelled);
    QVERIFY(partial.samples);
    // Every sample of the predictive, no more (the test pass in flight when the cancel came
    // completes and joins both).
    QVERIFY(partial.samples->count() >= 7);
    QCOMPARE(partial.samples->count(), partial.predictive.sampleCount());
    QCOMPARE(partial.samples->steps(), iota(partial.samples->count()));
  }

  // The consistency of kept samples and the run: with every sample kept (thinning 1, K = S),
  // evaluating them on the run's test set gives the run's accumulators and last-sample
  // probabilities bit for bit, with any number of threads.
  void evaluationReproducesTheRun() {
    const RunConfig c = keeping(30);
    const RunResult r = runChain(c, *test::syntheticData(), nullptr, nullptr);
    QVERIFY(r.samples);
    QCOMPARE(r.samples->count(), r.predictive.sampleCount());
    for (int threads : {1, 2, 4}) {
      tbb::task_arena arena(threads);
      const Result<PosteriorEvaluation> e =
          arena.execute([&] { return evaluatePosterior(*r.samples, test::syntheticData()->test); });
      QVERIFY2(e.ok(), e.ok() ? "" : e.error().message().c_str());
      QVERIFY(sameAccumulators(e->predictive, r.predictive));
      QVERIFY(sameFloats(e->lastProbs, r.lastProbs));
      QCOMPARE(e->lastAccuracy, r.lastPointwiseAccuracy);
    }
    // Fewer samples kept: a different, smaller ensemble of the same run.
    const RunResult few = runChain(keeping(5), *test::syntheticData(), nullptr, nullptr);
    const Result<PosteriorEvaluation> e = evaluatePosterior(*few.samples, test::syntheticData()->test);
    QVERIFY(e.ok());
    QCOMPARE(e->predictive.sampleCount(), int64_t(5));
    QVERIFY(sameFloats(e->lastProbs, few.lastProbs));         // the last sample is always kept
    QVERIFY(sameAccumulators(few.predictive, r.predictive));  // keeping changes nothing else
  }

  // Saved and reopened: samples.npy and last_probs.npy in the folder, the layout in config.json,
  // the same values back, and the same evaluation again.
  void savedRunKeepsItsSamples() {
    QTemporaryDir tmp;
    const QString dir = tmp.filePath("run");
    const RunResult r =
        runChain(keeping(6), *test::syntheticData(), nullptr, nullptr, {str(tmp.filePath("cache"))});
    QVERIFY(r.samples);
    QVERIFY(writeRunResult(r, str(dir)).ok());
    QVERIFY(QFile::exists(dir + "/samples.npy"));
    QVERIFY(QFile::exists(dir + "/last_probs.npy"));
    QFile f(dir + "/config.json");
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject ks = QJsonDocument::fromJson(f.readAll()).object()["kept_samples"].toObject();
    QCOMPARE(ks["file"].toString(), QString("samples.npy"));
    QCOMPARE(ks["count"].toInt(), 6);
    QCOMPARE(ks["parameters"].toInteger(), qint64(r.samples->numParams()));
    QCOMPARE(ks["layer_sizes"].toArray(), (QJsonArray{784, 160, 10}));
    QCOMPARE(ks["sampling_steps"].toArray(), (QJsonArray{4, 9, 14, 19, 24, 29}));
    const QJsonArray layers = ks["layers"].toArray();
    QCOMPARE(layers.size(), 2);
    QCOMPARE(layers[1].toObject()["weight_offset"].toInteger(), qint64(784 * 160 + 160));
    QCOMPARE(layers[1].toObject()["activation"].toString(), QString("log_softmax"));

    const Result<RunResult> back = readRunResult(str(dir));
    QVERIFY2(back.ok(), back.ok() ? "" : back.error().message().c_str());
    QVERIFY(back->samples);
    QCOMPARE(back->samples->ownership(), PosteriorSamples::Ownership::Borrowed);
    QCOMPARE(back->samples->steps(), r.samples->steps());
    QVERIFY(std::memcmp(back->samples->sample(0), r.samples->sample(0),
                        size_t(r.samples->count() * r.samples->numParams()) * sizeof(float)) == 0);
    QVERIFY(sameFloats(back->lastProbs, r.lastProbs));
    const auto e1 = evaluatePosterior(*r.samples, test::syntheticData()->test);
    const auto e2 = evaluatePosterior(*back->samples, *back->test);
    QVERIFY(e1.ok() && e2.ok());
    QVERIFY(sameAccumulators(e1->predictive, e2->predictive));
    // Saved again over itself (its samples are the folder's own file): still whole.
    QVERIFY(writeRunResult(*back, str(dir)).ok());
    const Result<RunResult> again = readRunResult(str(dir));
    QVERIFY(again.ok() && again->samples && again->samples->count() == 6);
  }

  // Folders without samples open; a damaged samples file does not stop the run from opening,
  // and says why the samples are unavailable.
  void foldersWithoutUsableSamplesOpen() {
    QTemporaryDir tmp;
    const QString dir = tmp.filePath("run");
    RunResult r =
        runChain(keeping(3), *test::syntheticData(), nullptr, nullptr, {str(tmp.filePath("cache"))});
    QVERIFY(writeRunResult(r, str(dir)).ok());
    QFile::resize(dir + "/samples.npy", 100);
    Result<RunResult> back = readRunResult(str(dir));
    QVERIFY2(back.ok(), back.ok() ? "" : back.error().message().c_str());
    QVERIFY(!back->samples);
    QVERIFY2(QString::fromStdString(whySamplesUnavailable(*back)).contains("samples.npy"),
             whySamplesUnavailable(*back).c_str());
    QFile::remove(dir + "/samples.npy");
    QFile::remove(dir + "/last_probs.npy");
    back = readRunResult(str(dir));
    QVERIFY(back.ok() && !back->samples && back->lastProbs.empty());

    r.samples.reset();
    r.lastProbs.clear();
    QVERIFY(writeRunResult(r, str(dir)).ok());
    back = readRunResult(str(dir));
    QVERIFY(back.ok() && !back->samples);
    QVERIFY(!QFile::exists(dir + "/samples.npy"));
  }

  void impossibleLastProbsAreRefused() {
    QTemporaryDir tmp;
    const QString dir = tmp.filePath("run");
    const RunResult r = runChain(keeping(0), *test::syntheticData(), nullptr, nullptr);
    QVERIFY(writeRunResult(r, str(dir)).ok());
    std::vector<float> p = r.lastProbs;
    p[13] += 0.5f;  // image 1's row no longer sums to 1
    QVERIFY(writeNpy(str(dir + "/last_probs.npy"), {500, 10}, p).ok());
    const Result<RunResult> back = readRunResult(str(dir));
    QVERIFY(!back.ok());
    const QString msg = QString::fromStdString(back.error().message());
    QVERIFY2(msg.contains("last_probs.npy") && msg.contains("image 1"), qPrintable(msg));
  }

  // One image probed gets exactly what the evaluation of the whole set gives it: the same
  // probabilities per sample, hence the same p̄, votes, entropy and mutual information.
  void probeAgreesWithTheEvaluation() {
    const RunResult r = runChain(keeping(9), *test::syntheticData(), nullptr, nullptr);
    QVERIFY(r.samples);
    const ImageSet& images = test::syntheticData()->test;
    const Result<PosteriorEvaluation> e = evaluatePosterior(*r.samples, images);
    QVERIFY(e.ok());
    const Result<UncertaintyAnalysis> a = analyzeUncertainty(e->predictive, images.labels);
    QVERIFY(a.ok());
    for (int64_t i : {0, 7, 499}) {
      const Result<ImageProbe> p = probeImage(*r.samples, images.image(i), images.rows, images.cols);
      QVERIFY2(p.ok(), p.ok() ? "" : p.error().message().c_str());
      QCOMPARE(p->samples, int64_t(9));
      QCOMPARE(p->probs.size(), size_t(9 * 10));
      for (int k = 0; k < 10; ++k) {
        QCOMPARE(p->mean[size_t(k)], a->probability(i, k));
        QCOMPARE(p->voteShare[size_t(k)], a->vote(i, k));
      }
      QCOMPARE(p->predictedClass, int(a->predicted[size_t(i)]));
      QCOMPARE(p->entropy, a->entropy[size_t(i)]);
      QCOMPARE(p->mutualInformation, a->mutualInformation[size_t(i)]);
      // The last sample's probabilities are the run's last_probs row.
      for (int k = 0; k < 10; ++k) QCOMPARE(p->probs[size_t(8 * 10 + k)], r.lastProbs[size_t(i * 10 + k)]);
      int votes = 0;
      for (uint8_t c : p->predicted) votes += c == p->predictedClass;
      QCOMPARE(double(votes) / 9.0, p->voteShare[size_t(p->predictedClass)]);
    }
    // The same with any number of threads.
    tbb::task_arena one(1);
    const auto p1 = one.execute([&] { return probeImage(*r.samples, images.image(3), 28, 28); });
    const auto p2 = probeImage(*r.samples, images.image(3), 28, 28);
    QVERIFY(p1.ok() && p2.ok() && sameFloats(p1->probs, p2->probs));
    QCOMPARE(probeImage(*r.samples, images.image(3), 14, 14).error().code, ErrorCode::BadDimensions);
  }

  void evaluationRefusals() {
    const RunResult r = runChain(keeping(2), *test::syntheticData(), nullptr, nullptr);
    QVERIFY(r.samples);
    ImageSet small = test::syntheticData()->test;
    small.rows = 14;
    small.cols = 14;
    small.pixels.resize(size_t(small.count) * 196);
    Result<PosteriorEvaluation> e = evaluatePosterior(*r.samples, small);
    QVERIFY(!e.ok());
    QCOMPARE(e.error().code, ErrorCode::BadDimensions);
    ImageSet bad = test::syntheticData()->test;
    bad.labels[3] = 12;
    e = evaluatePosterior(*r.samples, bad);
    QVERIFY(!e.ok());
    QCOMPARE(e.error().code, ErrorCode::LabelOutOfRange);
    std::atomic<bool> cancel{true};
    e = evaluatePosterior(*r.samples, test::syntheticData()->test, {&cancel, nullptr});
    QVERIFY(!e.ok());
    QCOMPARE(e.error().code, ErrorCode::Cancelled);
    int calls = 0;
    e = evaluatePosterior(*r.samples, test::syntheticData()->test,
                          {nullptr, [&](int64_t done, int64_t total) { calls += done <= total; }});
    QVERIFY(e.ok());
    QCOMPARE(calls, 2);
  }
};

QTEST_GUILESS_MAIN(TestPosteriorSamples)
#include "tst_posterior_samples.moc"
