// The run engine on small synthetic data: learning, determinism across thread counts,
// cancellation, divergence, several chains at once.
#include <QtTest>

#include <oneapi/tbb/task_arena.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>

#include "common/test_helpers.h"
#include "run/chain_parts.h"
#include "run/run_engine.h"

using namespace bnn;

namespace {

std::shared_ptr<const Dataset> data() { return test::syntheticData(); }
RunConfig tiny(SamplerKind kind) { return test::tinyConfig(kind); }
using test::bitEqual;

class CountingObserver : public ChainObserver {
 public:
  void progressed(const ChainProgress&) override { ++progress; }
  void curvePointRecorded(const CurvePoint&) override { ++points; }
  void predictiveUpdated(const PredictiveAccumulator& p) override { lastCount = p.sampleCount(); }
  std::atomic<int> progress{0}, points{0};
  std::atomic<int64_t> lastCount{0};
};

}  // namespace

class TestRunEngine : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void chainLearnsAndRecordsCurves_data() {
    QTest::addColumn<int>("kind");
    QTest::newRow("SGLD") << int(SamplerKind::Sgld);
    QTest::newRow("SGHMC") << int(SamplerKind::Sghmc);
  }
  void chainLearnsAndRecordsCurves() {
    QFETCH(int, kind);
    const RunConfig c = tiny(static_cast<SamplerKind>(kind));
    CountingObserver obs;
    const RunResult r = runChain(c, *data(), &obs, nullptr);
    QCOMPARE(r.outcome.status, RunStatus::Completed);
    // Warm-up points at steps 0, 10, ..., 50, then one point per sampling step.
    int warm = 0, samp = 0;
    for (const auto& p : r.curve) (p.phase == Phase::Warmup ? warm : samp)++;
    QCOMPARE(warm, 6);
    QCOMPARE(samp, 30);
    QCOMPARE(r.curve.front().step, int64_t{0});
    QCOMPARE(r.curve.back().samples, int64_t{30});
    QCOMPARE(r.predictive.sampleCount(), int64_t{30});
    QCOMPARE(obs.points.load(), 36);
    QCOMPARE(obs.lastCount.load(), int64_t{30});
    QVERIFY(obs.progress.load() >= 3);
    const int64_t gps = c.sampler == SamplerKind::Sgld ? 1 : c.leapfrogSteps;
    QCOMPARE(r.timings.gradEvals, (c.warmupSteps + c.samplingSteps) * gps);
    QCOMPARE(r.curve.back().gradEvals, r.timings.gradEvals);
    QVERIFY2(r.ensembleAccuracy() > 0.8, qPrintable(QString::number(r.ensembleAccuracy())));
    QVERIFY(r.curve.back().wallSeconds >= r.curve.front().wallSeconds);
    QCOMPARE(r.testLabels().size(), size_t{500});
  }

  void sameSeedSameBitsWhateverTheThreadCount() {
    for (SamplerKind kind : {SamplerKind::Sgld, SamplerKind::Sghmc}) {
      RunConfig c = tiny(kind);
      c.samplingSteps = 8;
      c.warmupSteps = 20;
      c.hidden = {300};  // several column blocks
      std::vector<RunResult> results;
      for (int threads : {1, 2, 4}) {
        tbb::task_arena arena(threads);
        results.push_back(arena.execute([&] { return runChain(c, *data(), nullptr, nullptr); }));
      }
      QVERIFY(bitEqual(results[0], results[1]));
      QVERIFY(bitEqual(results[0], results[2]));
      // A different seed gives a different chain.
      c.seed = 6;
      const RunResult other = runChain(c, *data(), nullptr, nullptr);
      QVERIFY(!bitEqual(results[0], other));
    }
  }

  // A pipelined test pass (start, the caller busy meanwhile, finish) gives the results of a
  // direct one, also when θ makes the log-probabilities non-finite.
  void pipelinedTestPassEqualsDirect() {
    const Dataset& d = *data();
    const MlpShape shape{{784, 70, 10}};
    const Mlp mlp(shape);
    std::vector<float> theta = initialParameters(shape, InitKind::LecunNormal, 1.0, RandomStream(3));
    tbb::task_arena arena(2);
    arena.execute([&] {
      for (bool overflow : {false, true}) {
        if (overflow)
          theta[static_cast<size_t>(shape.biasOffset(1))] = std::numeric_limits<float>::infinity();
        TestEvaluator direct(mlp, d.test), piped(mlp, d.test);
        PredictiveAccumulator a(d.test.count, 10), b(d.test.count, 10);
        const double accA = direct.evaluate(theta.data(), &a);
        piped.start(theta.data(), &b);
        QVERIFY(piped.pending());
        std::vector<float> busy(theta);  // the caller goes on meanwhile, even changing its θ
        for (float& v : theta) v *= 0.5f;
        const double accB = piped.finish();
        theta = busy;
        QVERIFY(!piped.pending());
        QCOMPARE(accB, accA);
        QCOMPARE(piped.lastHadNonFinite(), overflow);
        QCOMPARE(direct.lastHadNonFinite(), overflow);
        QVERIFY(std::memcmp(piped.logProbs().data(), direct.logProbs().data(),
                            direct.logProbs().size() * sizeof(float)) == 0);
        QCOMPARE(b.sampleCount(), overflow ? int64_t{0} : int64_t{1});
        QVERIFY(a.logSum() == b.logSum() && a.votes() == b.votes() && a.sumPLogP() == b.sumPLogP());
      }
    });
  }

  // Minibatches are the batch stream's: with replacement, draw k is uniformInts(k); in epoch mode
  // every epoch uses each image once, across epoch boundaries; gradients match on one and two
  // threads.
  void minibatchesFollowTheStream_data() {
    QTest::addColumn<bool>("epochs");
    QTest::newRow("with replacement") << false;
    QTest::newRow("epochs") << true;
  }
  void minibatchesFollowTheStream() {
    QFETCH(bool, epochs);
    const Dataset& d = *data();
    const Mlp mlp(MlpShape{{784, 16, 10}});
    const std::vector<float> theta =
        initialParameters(mlp.shape(), InitKind::LecunNormal, 1.0, RandomStream(5));
    constexpr int kBatch = 50;  // 40 minibatches per epoch of 2,000
    const int64_t n = d.train.count, perEpoch = n / kBatch;
    std::vector<std::vector<float>> grads[2];
    for (int threads : {1, 2}) {
      tbb::task_arena arena(threads);
      arena.execute([&] {
        MlpTarget t(mlp, d.train, kBatch, epochs ? BatchMode::Epochs : BatchMode::WithReplacement, 1.0, 0,
                    RandomStream(8));
        std::vector<int> seen(static_cast<size_t>(n), 0);
        for (int64_t b = 0; b < 3 * perEpoch; ++b) {
          t.nextMinibatch();
          if (epochs) {
            for (uint32_t i : t.batchIndices()) ++seen[i];
            if ((b + 1) % perEpoch == 0)  // an epoch ended: each image once per epoch so far
              for (int c : seen) QCOMPARE(c, static_cast<int>((b + 1) / perEpoch));
          } else {
            std::vector<uint32_t> want(kBatch);
            RandomStream(8).uniformInts(static_cast<uint64_t>(b), 0, kBatch, static_cast<uint32_t>(n), want.data());
            QCOMPARE(t.batchIndices(), want);
          }
          if (b % 7 == 0) {
            std::vector<float> g(theta.size(), 0.0f);
            t.dataGradient(theta.data(), g.data());
            grads[threads - 1].push_back(std::move(g));
          }
        }
      });
    }
    QVERIFY(grads[0] == grads[1]);
  }

  void thinningAndEpochBatches() {
    RunConfig c = tiny(SamplerKind::Sgld);
    c.thinning = 4;
    c.samplingSteps = 10;
    c.batchMode = BatchMode::Epochs;
    const RunResult r = runChain(c, *data(), nullptr, nullptr);
    // Ran to its end (the tiny chain may carry a chain-health warning; health has tests of its own).
    QVERIFY2(r.outcome.status == RunStatus::Completed || r.outcome.status == RunStatus::Warning,
             r.outcome.message.c_str());
    QCOMPARE(r.predictive.sampleCount(), int64_t{2});  // after sampling steps 4 and 8
    QVERIFY(!std::isnan(r.lastPointwiseAccuracy));     // step 10 evaluated for the last sample
  }

  void cancelStopsWithinAStep() {
    RunConfig c = tiny(SamplerKind::Sgld);
    c.warmupSteps = 1000000;
    std::atomic<bool> cancel{false};
    class CancelAfter : public ChainObserver {
     public:
      explicit CancelAfter(std::atomic<bool>& f) : flag(f) {}
      void curvePointRecorded(const CurvePoint& p) override {
        if (p.step >= 20) flag = true;
      }
      std::atomic<bool>& flag;
    } obs(cancel);
    const RunResult r = runChain(c, *data(), &obs, &cancel);
    QCOMPARE(r.outcome.status, RunStatus::Cancelled);
    // Test passes overlap the following steps: the point of step 20 is recorded when its pass
    // has finished, at the latest when the pass of step 30 starts; the chain stops at the next step.
    QVERIFY2(r.outcome.step <= 32, qPrintable(QString::number(r.outcome.step)));
    // Cancelled before the start: nothing runs.
    std::atomic<bool> early{true};
    const RunResult r2 = runChain(c, *data(), nullptr, &early);
    QCOMPARE(r2.outcome.status, RunStatus::Cancelled);
    QCOMPARE(r2.timings.gradEvals, int64_t{0});
  }

  void divergenceStopsOnlyThatChain() {
    RunConfig bad = tiny(SamplerKind::Sgld);
    bad.stepSize = 20;  // prior drift alone multiplies θ by (1 - h) = -19 per step
    bad.name = "bad";
    RunConfig good = tiny(SamplerKind::Sgld);
    const auto results = runChains({bad, good}, data(), 2);
    QCOMPARE(results.size(), size_t{2});
    QCOMPARE(results[0].outcome.status, RunStatus::Diverged);
    QVERIFY2(results[0].outcome.message.find("step size h = 20") != std::string::npos,
             results[0].outcome.message.c_str());
    QVERIFY(results[0].outcome.message.find("diverged at") != std::string::npos);
    QCOMPARE(results[1].outcome.status, RunStatus::Completed);
    // The good chain's results equal a solo run's.
    QVERIFY(bitEqual(results[1], runChain(good, *data(), nullptr, nullptr)));
  }

  void poolRunsChainsConcurrentlyAndStops() {
    // The observers outlive the pool, whose destructor stops and joins the chains that use them.
    CountingObserver obsA, obsB;
    WorkerPool pool(2);
    RunConfig c = tiny(SamplerKind::Sgld);
    c.warmupSteps = 1000000;
    auto a = pool.submit(c, data(), &obsA);
    auto b = pool.submit(c, data(), &obsB);
    // Both chains are computing at the same time: each has recorded evaluations while the other
    // is still far from its end.
    QTRY_VERIFY_WITH_TIMEOUT(obsA.points.load() >= 3 && obsB.points.load() >= 3, test::kPatientMs);
    QCOMPARE(pool.trackedJobs(), size_t{2});
    a->requestStop();
    a->wait();
    QCOMPARE(a->result().outcome.status, RunStatus::Cancelled);
    QVERIFY(!b->isFinished());
    QCOMPARE(pool.trackedJobs(), size_t{1});  // the finished one is forgotten
    // The pool's destructor stops and joins the rest.
  }

  // Once its result is handed over, nothing of a chain stays behind: the pool forgets the job, the
  // job lets go of the data, and the result's test split is the dataset's own (not a copy).
  void poolForgetsHandedOverChains() {
    auto d = std::make_shared<const Dataset>(makeSyntheticDataset(300, 40, 3));
    const std::weak_ptr<const Dataset> watch = d;
    RunConfig c = tiny(SamplerKind::Sgld);
    c.warmupSteps = 5;
    c.samplingSteps = 3;
    WorkerPool pool(1);
    std::shared_ptr<ChainJob> job = pool.submit(c, d, nullptr);
    const ImageSet* split = &d->test;
    d.reset();
    job->wait();
    RunResult r = job->takeResult();
    QCOMPARE(r.outcome.status, RunStatus::Completed);
    QCOMPARE(r.predictive.sampleCount(), int64_t{3});
    QCOMPARE(r.test.get(), split);  // shared, not copied
    QCOMPARE(r.testCount(), int64_t{40});
    // Handed over: the job keeps nothing; a second take is empty.
    const RunResult again = job->takeResult();
    QVERIFY(!again.test);
    QCOMPARE(again.predictive.numImages(), int64_t{0});
    const std::weak_ptr<ChainJob> jobWatch = job;
    job.reset();
    QCOMPARE(pool.trackedJobs(), size_t{0});
    QVERIFY(jobWatch.expired());
    // Only the result holds the data now; dropping it frees the dataset.
    QVERIFY(!watch.expired());
    r = RunResult{};
    QVERIFY(watch.expired());
  }

  // A run on data held by reference gets its own copy of the test split, equal to the data's.
  void resultOwnsCopyWithoutSharedData() {
    const Dataset d = makeSyntheticDataset(300, 40, 3);
    RunConfig c = tiny(SamplerKind::Sgld);
    c.warmupSteps = 2;
    c.samplingSteps = 2;
    const RunResult r = runChain(c, d, nullptr, nullptr);
    QVERIFY(r.test && r.test.get() != &d.test);
    QCOMPARE(r.testLabels(), d.test.labels);
    QCOMPARE(r.testImages(), d.test.pixels);
    QCOMPARE(r.datasetName, d.name);
  }

  void invalidConfigFailsWithReason() {
    RunConfig c = tiny(SamplerKind::Sgld);
    c.stepSize = -1;
    const RunResult r = runChain(c, *data(), nullptr, nullptr);
    QCOMPARE(r.outcome.status, RunStatus::Failed);
    QVERIFY2(r.outcome.message.find("Step size h") != std::string::npos, r.outcome.message.c_str());
  }
};

QTEST_GUILESS_MAIN(TestRunEngine)
#include "tst_run_engine.moc"
