// Random-shift augmentation of the training minibatches (RunConfig::augmentShift, MlpTarget):
// each image of a batch is its training image moved by whole pixels, the shifts are uniform on
// -s..s per axis and independent of the batch's indices, the indices are those of the unshifted
// run, a stream position repeats its shifts, and a run with shifts is the same whatever the thread
// count.
#include <QtTest>

#include <cmath>
#include <cstring>
#include <vector>

#include <oneapi/tbb/task_arena.h>

#include "common/test_helpers.h"
#include "data/transforms.h"
#include "nn/mlp.h"
#include "nn/sparse_batch.h"
#include "run/chain_parts.h"
#include "run/run_engine.h"
#include "util/random_stream.h"

using namespace bnn;

namespace {

constexpr int kBatch = 50;

MlpTarget target(const Mlp& mlp, const Dataset& d, BatchMode mode, int shift, uint64_t seed = 3) {
  return MlpTarget(mlp, d.train, kBatch, mode, 1.0, shift, RandomStream(seed));
}

std::vector<float> someParameters(const Mlp& mlp) {
  std::vector<float> theta(static_cast<size_t>(mlp.numParams()));
  RandomStream(9).normals(0, 0, mlp.numParams(), theta.data());
  for (float& t : theta) t *= 0.05f;
  return theta;
}

}  // namespace

class TestAugmentation : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void batchHoldsShiftedTrainingImages_data() {
    QTest::addColumn<bool>("epochs");
    QTest::newRow("with replacement") << false;
    QTest::newRow("epochs") << true;
  }
  void batchHoldsShiftedTrainingImages() {
    // The gradient on the target's minibatch is bit for bit the gradient on the training images
    // at the reported indices, each moved by its reported shift with shiftImage.
    QFETCH(bool, epochs);
    const Dataset& d = *test::syntheticData();
    const Mlp mlp(MlpShape{{d.train.pixelsPerImage(), 32, d.numClasses}});
    const std::vector<float> theta = someParameters(mlp);
    MlpTarget t = target(mlp, d, epochs ? BatchMode::Epochs : BatchMode::WithReplacement, 2);
    std::vector<float> g(theta.size()), want(theta.size());
    MlpWorkspace ws;
    int moved = 0;
    for (int b = 0; b < 45; ++b) {  // 45 x 50 images: past the end of the first epoch of 2,000
      t.nextMinibatch();
      t.dataGradient(theta.data(), g.data());
      ImageSet shifted;
      shifted.count = kBatch;
      shifted.pixels.resize(size_t(kBatch) * 784);
      std::vector<uint8_t> labels(kBatch);
      std::vector<uint32_t> order(kBatch);
      for (int i = 0; i < kBatch; ++i) {
        const uint32_t k = t.batchIndices()[size_t(i)];
        const int dx = t.batchShiftX(i), dy = t.batchShiftY(i);
        QVERIFY(std::abs(dx) <= 2 && std::abs(dy) <= 2);
        moved += dx != 0 || dy != 0;
        shiftImage(d.train.image(k), 28, 28, dx, dy, shifted.pixels.data() + size_t(i) * 784);
        labels[size_t(i)] = d.train.labels[k];
        order[size_t(i)] = uint32_t(i);
      }
      SparseBatch x;
      x.gather(shifted, order.data(), kBatch);
      const double ll = mlp.logLikelihoodGradient(theta.data(), x, labels.data(), want.data(), ws);
      QCOMPARE(t.lastLogLikelihood(), ll);
      QVERIFY(std::memcmp(g.data(), want.data(), g.size() * sizeof(float)) == 0);
    }
    QVERIFY(moved > 45 * kBatch * 3 / 4);  // 24 of the 25 shifts move the image
  }

  void shiftsAreUniformAndIndicesUnchanged_data() { batchHoldsShiftedTrainingImages_data(); }
  void shiftsAreUniformAndIndicesUnchanged() {
    // Each of the 2s + 1 values on each axis comes up 1 / (2s + 1) of the time (5 standard errors);
    // dx and dy are not the same draw; the images chosen are those of the run without shifts.
    QFETCH(bool, epochs);
    const BatchMode mode = epochs ? BatchMode::Epochs : BatchMode::WithReplacement;
    const Dataset& d = *test::syntheticData();
    const Mlp mlp(MlpShape{{d.train.pixelsPerImage(), 8, d.numClasses}});
    constexpr int s = 3, kBatches = 400;
    MlpTarget shifted = target(mlp, d, mode, s), plain = target(mlp, d, mode, 0);
    std::vector<int> countX(2 * s + 1, 0), countY(2 * s + 1, 0);
    int same = 0;
    for (int b = 0; b < kBatches; ++b) {
      shifted.nextMinibatch();
      plain.nextMinibatch();
      QCOMPARE(shifted.batchIndices(), plain.batchIndices());
      for (int i = 0; i < kBatch; ++i) {
        QCOMPARE(plain.batchShiftX(i), 0);
        ++countX[size_t(shifted.batchShiftX(i) + s)];
        ++countY[size_t(shifted.batchShiftY(i) + s)];
        same += shifted.batchShiftX(i) == shifted.batchShiftY(i);
      }
    }
    const double n = double(kBatches) * kBatch, p = 1.0 / (2 * s + 1), se = std::sqrt(n * p * (1 - p));
    for (int v = 0; v <= 2 * s; ++v) {
      QVERIFY(test::withinStandardErrors("dx count", countX[size_t(v)], n * p, se));
      QVERIFY(test::withinStandardErrors("dy count", countY[size_t(v)], n * p, se));
    }
    QVERIFY(test::withinStandardErrors("dx == dy", same, n * p, se));
  }

  void positionRepeatsShifts_data() { batchHoldsShiftedTrainingImages_data(); }
  void positionRepeatsShifts() {
    // A target continued from position() (a checkpoint) draws the same images and shifts.
    QFETCH(bool, epochs);
    const BatchMode mode = epochs ? BatchMode::Epochs : BatchMode::WithReplacement;
    const Dataset& d = *test::syntheticData();
    const Mlp mlp(MlpShape{{d.train.pixelsPerImage(), 8, d.numClasses}});
    MlpTarget a = target(mlp, d, mode, 1);
    for (int b = 0; b < 37; ++b) a.nextMinibatch();  // mid-epoch
    MlpTarget b = target(mlp, d, mode, 1);
    b.seek(a.position());
    for (int k = 0; k < 10; ++k) {
      a.nextMinibatch();
      b.nextMinibatch();
      QCOMPARE(b.batchIndices(), a.batchIndices());
      for (int i = 0; i < kBatch; ++i) {
        QCOMPARE(b.batchShiftX(i), a.batchShiftX(i));
        QCOMPARE(b.batchShiftY(i), a.batchShiftY(i));
      }
    }
  }

  void runIsTheSameOnAnyThreadCount() {
    RunConfig c = test::tinyConfig();
    c.augmentShift = 2;
    c.hidden = {300};  // several column blocks
    std::vector<RunResult> results;
    for (int threads : {1, 2, 4}) {
      oneapi::tbb::task_arena arena(threads);
      results.push_back(arena.execute([&] { return runChain(c, *test::syntheticData(), nullptr, nullptr); }));
    }
    QVERIFY(test::bitEqual(results[0], results[1]));
    QVERIFY(test::bitEqual(results[0], results[2]));
    c.augmentShift = 0;
    const RunResult plain = runChain(c, *test::syntheticData(), nullptr, nullptr);
    QVERIFY(!test::bitEqual(results[0], plain));  // the shifts reach the run
  }
};

QTEST_GUILESS_MAIN(TestAugmentation)
#include "tst_augmentation.moc"
