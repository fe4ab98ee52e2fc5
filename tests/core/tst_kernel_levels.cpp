// Every hot kernel at every instruction-set level this CPU supports. The avx512 and avx2 levels
// must give identical bits (the same fused multiply-adds in the same order per element); every
// level, baseline included, must agree with a double-precision reference to float rounding; the
// kernels without products (bias, ReLU, column sums, gather, exp) give identical bits at all
// levels. Then the MLP's gradient and test pass, and a short fixed-seed chain, across levels.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>
#include <vector>

#include "common/test_helpers.h"
#include "data/synthetic.h"
#include "nn/kernels.h"
#include "nn/mlp.h"
#include "run/chain_parts.h"
#include "run/run_engine.h"
#include "samplers/update_kernels.h"
#include "util/cpu_features.h"
#include "util/fast_exp.h"
#include "util/philox.h"
#include "util/vector_math.h"

using namespace bnn;

namespace {

std::vector<KernelLevel> supportedLevels() {
  std::vector<KernelLevel> v;
  for (KernelLevel l : kAllKernelLevels)
    if (kernelLevelSupported(l)) v.push_back(l);
  return v;
}

bool isVector(KernelLevel l) { return l != KernelLevel::Baseline; }

// Makes a level active for a scope, then restores the one active before.
class LevelScope {
 public:
  explicit LevelScope(KernelLevel l) : m_saved(activeKernelLevel()) { QVERIFY(forceKernelLevel(l).ok()); }
  ~LevelScope() { (void)forceKernelLevel(m_saved); }

 private:
  KernelLevel m_saved;
};

// Level-independent test data: uniforms in [lo, hi) from Philox bits.
std::vector<float> uniforms(uint64_t seed, int64_t n, float lo, float hi) {
  std::vector<float> v(static_cast<size_t>(n));
  const RandomStream s(seed);
  for (int64_t i = 0; i < n; ++i) {
    uint32_t b[4];
    s.bits(0, static_cast<uint64_t>(i), b);
    v[static_cast<size_t>(i)] = lo + (hi - lo) * static_cast<float>(b[0] >> 8) * (1.0f / 16777216.0f);
  }
  return v;
}

bool sameBits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// |got - ref| <= tol * scale element-wise (scale: the sum of the absolute terms of each result).
QString closeTo(const std::vector<float>& got, const std::vector<double>& ref,
                const std::vector<double>& scale, double tol) {
  for (size_t i = 0; i < ref.size(); ++i)
    if (!(std::fabs(got[i] - ref[i]) <= tol * scale[i] + 1e-30))
      return QString("element %1: %2, reference %3 (scale %4)").arg(i).arg(got[i]).arg(ref[i]).arg(scale[i]);
  return {};
}

// Float rounding of sums of a few hundred terms, relative to the sum of their magnitudes.
constexpr double kSumTol = 1e-5;
// Baseline against the vector levels, the same sums with and without fused multiply-adds: each
// of the up to 401 terms is rounded once more. Measured worst case 7.6e-8 of the terms'
// magnitudes (a few ulps); 1e-6 leaves room for other data.
constexpr double kDenseLevelTol = 1e-6;

// Results of one kernel at every supported level: vector levels identical to each other, every
// level close to the reference.
void checkLevels(const std::vector<std::vector<float>>& results, const std::vector<KernelLevel>& levels,
                 const std::vector<double>& ref, const std::vector<double>& scale, double tol,
                 bool allExact) {
  const std::vector<float>* firstVector = nullptr;
  for (size_t i = 0; i < levels.size(); ++i) {
    const QString bad = closeTo(results[i], ref, scale, tol);
    QVERIFY2(bad.isEmpty(), qPrintable(QString(kernelLevelName(levels[i])) + ": " + bad));
    if (allExact) QVERIFY2(sameBits(results[i], results[0]), kernelLevelName(levels[i]));
    if (!isVector(levels[i])) continue;
    if (!firstVector)
      firstVector = &results[i];
    else
      QVERIFY2(sameBits(results[i], *firstVector),
               qPrintable(QString("%1 differs from the other vector level").arg(kernelLevelName(levels[i]))));
  }
}

// Distinct increasing rows out of [0, limit), about `density` of them.
std::vector<uint32_t> someRows(uint64_t seed, uint32_t limit, float density) {
  const std::vector<float> u = uniforms(seed, limit, 0.0f, 1.0f);
  std::vector<uint32_t> rows;
  for (uint32_t i = 0; i < limit; ++i)
    if (u[i] < density) rows.push_back(i);
  return rows;
}

// The shared tiny run, shorter, with a hidden width that is not a multiple of the column block.
RunConfig tinyRun(SamplerKind kind) {
  RunConfig c = test::tinyConfig(kind);
  c.warmupSteps = 20;
  c.samplingSteps = 6;
  c.hidden = {150};
  return c;
}

}  // namespace

class TestKernelLevels : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    qInfo("%s", kernelLevelReport().c_str());
    QVERIFY(kernelLevelSupported(KernelLevel::Baseline));
    QVERIFY(kernelLevelSupported(detectedKernelLevel()));
    QVERIFY(kernelLevelSupported(activeKernelLevel()));
  }

  void namesAndChoice() {
    for (KernelLevel l : kAllKernelLevels) {
      QCOMPARE(parseKernelLevel(kernelLevelName(l)), std::optional<KernelLevel>(l));
      QVERIFY(std::strlen(kernelLevelTitle(l)) > 0);
    }
    QCOMPARE(parseKernelLevel("AVX2"), std::optional<KernelLevel>(KernelLevel::Avx2));
    QVERIFY(!parseKernelLevel("sse9").has_value());
    QVERIFY(!parseKernelLevel("").has_value());

    // A level above the best one is refused, naming the value, what is allowed and why.
    const Result<KernelLevel> high = resolveKernelLevel("avx512", "BNN_KERNEL_LEVEL", KernelLevel::Avx2);
    QVERIFY(!high.ok());
    const std::string msg = high.error().message();
    QVERIFY2(msg.find("BNN_KERNEL_LEVEL") != std::string::npos, msg.c_str());
    QVERIFY2(msg.find("'avx512'") != std::string::npos, msg.c_str());
    QVERIFY2(msg.find("avx2 or baseline") != std::string::npos, msg.c_str());
    QVERIFY2(msg.find("AVX2 + FMA") != std::string::npos, msg.c_str());
    QVERIFY(!resolveKernelLevel("avx2", "--kernel-level", KernelLevel::Baseline).ok());
    QCOMPARE(*resolveKernelLevel("baseline", "x", KernelLevel::Baseline), KernelLevel::Baseline);
    QCOMPARE(*resolveKernelLevel("Avx2", "x", KernelLevel::Avx512), KernelLevel::Avx2);
    const Result<KernelLevel> unknown = resolveKernelLevel("sse9", "--kernel-level", KernelLevel::Avx512);
    QVERIFY(!unknown.ok());
    QVERIFY(unknown.error().message().find("expected avx512, avx2 or baseline") != std::string::npos);

    // Forcing: an unknown name or a level the CPU lacks leaves the active level as it was.
    const KernelLevel before = activeKernelLevel();
    QVERIFY(!forceKernelLevel("sse9", "--kernel-level").ok());
    QCOMPARE(activeKernelLevel(), before);
    if (detectedKernelLevel() != KernelLevel::Avx512) {
      QVERIFY(!forceKernelLevel(KernelLevel::Avx512).ok());
      QCOMPARE(activeKernelLevel(), before);
    }
    {
      LevelScope scope(KernelLevel::Baseline);
      QCOMPARE(activeKernelLevel(), KernelLevel::Baseline);
      QVERIFY(kernelLevelReport().find(kernelLevelTitle(KernelLevel::Baseline)) != std::string::npos);
    }
    QCOMPARE(activeKernelLevel(), before);
    // BNN_KERNEL_LEVEL (set by CTest for the per-level passes) is honoured when the CPU has it.
    const QByteArray env = qgetenv("BNN_KERNEL_LEVEL");
    if (!env.isEmpty()) {
      const auto wanted = parseKernelLevel(env.toStdString());
      QVERIFY(wanted.has_value());
      if (kernelLevelSupported(*wanted)) QCOMPARE(before, *wanted);
    }
  }

  // ---- first layer -------------------------------------------------------------------------

  void firstLayer_data() {
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("wRows");
    QTest::newRow("full block, four pixels") << 64 << 4;
    QTest::newRow("last block of 500 (52), three pixels") << 52 << 3;
    QTest::newRow("13 columns, two pixels") << 13 << 2;
    QTest::newRow("one column, one pixel") << 1 << 1;
    QTest::newRow("24 columns, four pixels") << 24 << 4;
  }
  void firstLayer() {
    QFETCH(int, width);
    QFETCH(int, wRows);
    const auto levels = supportedLevels();
    const int c0 = 70, ld = 150;  // a block inside wider matrices
    const std::vector<uint32_t> rows = someRows(1, 400, 0.4f);
    const int64_t n = static_cast<int64_t>(rows.size());
    std::vector<float> vals = uniforms(2, 4 * n, 0.0f, 1.0f);
    for (int64_t e = 0; e < n; ++e)
      for (int j = wRows; j < 4; ++j) vals[static_cast<size_t>(4 * e + j)] = 0.0f;  // missing pixels
    const std::vector<float> W = uniforms(3, 4 * ld, -1.0f, 1.0f);
    const std::vector<float> outInit = uniforms(4, 400 * ld, -2.0f, 2.0f);
    const std::vector<float> M = uniforms(5, 400 * ld, -1.0f, 1.0f);

    // Forward: out[rows[e], c] += Σ_j vals[4e + j] W[j, c].
    std::vector<double> ref(outInit.begin(), outInit.end()), scale(ref.size(), 0.0);
    for (size_t i = 0; i < ref.size(); ++i) scale[i] = std::fabs(ref[i]);
    for (int64_t e = 0; e < n; ++e)
      for (int c = c0; c < c0 + width; ++c)
        for (int j = 0; j < wRows; ++j) {
          const double t = double(vals[4 * e + j]) * W[j * ld + c];
          ref[rows[e] * ld + c] += t;
          scale[rows[e] * ld + c] += std::fabs(t);
        }
    std::vector<std::vector<float>> fwd;
    for (KernelLevel l : levels) {
      std::vector<float> out = outInit;
      kernels::nnKernels(l).groupForward(rows.data(), vals.data(), n, W.data(), ld, wRows, out.data(), ld, c0,
                                         width);
      fwd.push_back(out);
    }
    checkLevels(fwd, levels, ref, scale, kSumTol, false);

    // Weight gradient: out[j, c] = Σ_e vals[4e + j] M[rows[e], c] (other columns untouched).
    std::vector<double> gref(4 * ld, -7.0), gscale(4 * ld, 0.0);
    for (int j = 0; j < wRows; ++j)
      for (int c = c0; c < c0 + width; ++c) {
        double s = 0, a = 0;
        for (int64_t e = 0; e < n; ++e) {
          const double t = double(vals[4 * e + j]) * M[rows[e] * ld + c];
          s += t;
          a += std::fabs(t);
        }
        gref[j * ld + c] = s;
        gscale[j * ld + c] = a;
      }
    std::vector<std::vector<float>> grad;
    for (KernelLevel l : levels) {
      std::vector<float> out(4 * ld, -7.0f);
      kernels::nnKernels(l).groupGradient(rows.data(), vals.data(), n, M.data(), ld, out.data(), ld, wRows,
                                          c0, width);
      grad.push_back(out);
    }
    checkLevels(grad, levels, gref, gscale, kSumTol, false);

    // Bias, ReLU and column sums: no products, identical bits at every level.
    std::vector<std::vector<float>> bias, relu, sums;
    for (KernelLevel l : levels) {
      const kernels::NnKernels& K = kernels::nnKernels(l);
      std::vector<float> z = outInit;
      K.biasRows(z.data(), ld, 3, 77, W.data(), c0, width);
      bias.push_back(z);
      z = outInit;
      K.reluRows(z.data(), ld, 3, 77, c0, width);
      relu.push_back(z);
      std::vector<float> s(ld, -3.0f);
      K.columnSums(M.data(), ld, 333, c0, c0 + width, s.data());
      sums.push_back(s);
    }
    std::vector<double> bref(outInit.begin(), outInit.end()), rref = bref, sref(ld, -3.0),
                                                              zero(bref.size(), 0.0);
    for (int i = 3; i < 77; ++i)
      for (int c = c0; c < c0 + width; ++c) {
        bref[i * ld + c] = W[c];
        rref[i * ld + c] = std::max(0.0, rref[i * ld + c]);
      }
    std::vector<double> sscale(ld, 0.0);
    for (int c = c0; c < c0 + width; ++c) {
      double s = 0, a = 0;
      for (int i = 0; i < 333; ++i) {
        s += M[i * ld + c];
        a += std::fabs(M[i * ld + c]);
      }
      sref[c] = s;
      sscale[c] = a;
    }
    checkLevels(bias, levels, bref, zero, 0.0, true);
    checkLevels(relu, levels, rref, zero, 0.0, true);
    checkLevels(sums, levels, sref, sscale, kSumTol, true);
  }

  // The minibatch gather lists the same entries with the same values at every level.
  void gatherIsIdenticalAtEveryLevel() {
    const Dataset d = makeSyntheticDataset(300, 10, 8);
    std::vector<uint32_t> idx;
    for (uint32_t i = 0; i < 257; ++i) idx.push_back((i * 37 + 11) % 300);
    std::vector<SparseBatch> batches;
    for (KernelLevel l : supportedLevels()) {
      LevelScope scope(l);
      batches.emplace_back();
      batches.back().gather(d.train, idx.data(), static_cast<int64_t>(idx.size()));
    }
    const SparseBatch& a = batches.front();
    QVERIFY(a.numEntries() > 1000);
    for (const SparseBatch& b : batches) {
      QCOMPARE(b.groupPtr, a.groupPtr);
      QCOMPARE(b.groupTileStart, a.groupTileStart);
      QVERIFY(std::equal(a.groupRow.begin(), a.groupRow.begin() + a.numEntries(), b.groupRow.begin()));
      QVERIFY(std::memcmp(a.groupValues.data(), b.groupValues.data(), a.numEntries() * 4 * sizeof(float)) ==
              0);
    }
    // Spot check against the pixels: entry values are byte / 255.
    for (int g = 0; g < a.numGroups(); g += 17)
      for (int64_t e = a.groupPtr[g]; e < a.groupPtr[g + 1]; ++e)
        for (int j = 0; j < 4; ++j)
          QCOMPARE(a.groupValues[4 * e + j], d.train.image(idx[a.groupRow[e]])[4 * g + j] * (1.0f / 255.0f));
  }

  // ---- output layer ------------------------------------------------------------------------

  void outputLayer_data() {
    QTest::addColumn<int>("in");
    QTest::addColumn<int>("k");
    QTest::newRow("500 -> 10") << 500 << 10;
    QTest::newRow("37 -> 3") << 37 << 3;
    QTest::newRow("16 -> 12") << 16 << 12;
    QTest::newRow("8 -> 1") << 8 << 1;
    QTest::newRow("3 -> 17") << 3 << 17;
  }
  void outputLayer() {
    QFETCH(int, in);
    QFETCH(int, k);
    const auto levels = supportedLevels();
    const int rows = 70;
    std::vector<float> A = uniforms(11, rows * in, -1.0f, 1.0f);  // negatives: ReLU masks
    const std::vector<float> WT = uniforms(12, k * in, -1.0f, 1.0f);
    const std::vector<float> b = uniforms(13, k, -1.0f, 1.0f);
    const std::vector<float> dZ = uniforms(14, rows * k, -1.0f, 1.0f);

    std::vector<double> zref(rows * k), zscale(rows * k);
    for (int i = 0; i < rows; ++i)
      for (int c = 0; c < k; ++c) {
        double s = b[c], a = std::fabs(b[c]);
        for (int j = 0; j < in; ++j) {
          s += double(A[i * in + j]) * WT[c * in + j];
          a += std::fabs(double(A[i * in + j]) * WT[c * in + j]);
        }
        zref[i * k + c] = s;
        zscale[i * k + c] = a;
      }
    std::vector<double> dref(rows * in), dscale(rows * in);
    for (int i = 0; i < rows; ++i)
      for (int j = 0; j < in; ++j) {
        double s = 0, a = 0;
        for (int c = 0; c < k; ++c) {
          s += double(dZ[i * k + c]) * WT[c * in + j];
          a += std::fabs(double(dZ[i * k + c]) * WT[c * in + j]);
        }
        dref[i * in + j] = A[i * in + j] > 0 ? s : 0.0;
        dscale[i * in + j] = a;
      }
    const int j0 = in > 20 ? 5 : 0, j1 = in;
    std::vector<double> wref(in * k, -5.0), wscale(in * k, 0.0);
    for (int j = j0; j < j1; ++j)
      for (int c = 0; c < k; ++c) {
        double s = 0, a = 0;
        for (int i = 0; i < rows; ++i) {
          s += double(A[i * in + j]) * dZ[i * k + c];
          a += std::fabs(double(A[i * in + j]) * dZ[i * k + c]);
        }
        wref[j * k + c] = s;
        wscale[j * k + c] = a;
      }

    std::vector<std::vector<float>> logits, delta, wgrad;
    for (KernelLevel l : levels) {
      const kernels::NnKernels& K = kernels::nnKernels(l);
      std::vector<float> z(rows * k, 0.0f);
      K.outputLogits(A.data(), in, 0, rows, in, WT.data(), b.data(), k, z.data());
      logits.push_back(z);
      std::vector<float> da(rows * in, 9.0f);
      K.reluDelta(dZ.data(), k, WT.data(), A.data(), in, in, 0, rows, da.data());
      delta.push_back(da);
      std::vector<float> gw(in * k, -5.0f);
      K.outputWeightGradient(A.data(), in, rows, dZ.data(), k, j0, j1, gw.data());
      wgrad.push_back(gw);
    }
    checkLevels(logits, levels, zref, zscale, kSumTol, false);
    checkLevels(delta, levels, dref, dscale, kSumTol, false);
    checkLevels(wgrad, levels, wref, wscale, kSumTol, false);
  }

  // ---- dense layers --------------------------------------------------------------------------

  // One block of C = init + L B with each epilogue, the left operand as stored and transposed,
  // inside wider matrices (elements outside the block untouched). Vector levels: the same bits.
  // Baseline (a product then an addition per term) against the vector levels: within
  // kDenseLevelTol of the terms' magnitudes, measured worst case printed.
  void denseBlock_data() {
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("depth");
    QTest::addColumn<int>("width");
    QTest::addColumn<bool>("transposed");
    QTest::addColumn<int>("epilogue");
    QTest::addColumn<bool>("bias");
    QTest::newRow("forward 64 rows, 400 inputs, full block, bias, ReLU")
        << 64 << 400 << 64 << false << kernels::kDenseRelu << true;
    QTest::newRow("forward 13 rows, 70 inputs, 16 columns")
        << 13 << 70 << 16 << false << kernels::kDenseRelu << true;
    QTest::newRow("forward 7 rows, 129 inputs (three depth steps), 40 columns")
        << 7 << 129 << 40 << false << kernels::kDenseNone << true;
    QTest::newRow("weight gradient: transposed, 37 rows, 150 batch rows, 52 columns")
        << 37 << 150 << 52 << true << kernels::kDenseNone << false;
    QTest::newRow("weight gradient: transposed, 64 rows, 280 batch rows, 64 columns")
        << 64 << 280 << 64 << true << kernels::kDenseNone << false;
    QTest::newRow("delta: ReLU mask, 64 rows, 130 outputs, 9 columns")
        << 64 << 130 << 9 << false << kernels::kDenseMask << false;
    QTest::newRow("delta: ReLU mask, 11 rows, 64 outputs, 24 columns")
        << 11 << 64 << 24 << false << kernels::kDenseMask << false;
    QTest::newRow("one row, one input, one column") << 1 << 1 << 1 << false << kernels::kDenseRelu << true;
    QTest::newRow("no inputs: the bias alone") << 5 << 0 << 33 << false << kernels::kDenseNone << true;
  }
  void denseBlock() {
    QFETCH(int, rows);
    QFETCH(int, depth);
    QFETCH(int, width);
    QFETCH(bool, transposed);
    QFETCH(int, epilogue);
    QFETCH(bool, bias);
    const auto levels = supportedLevels();
    const int ld = 300, r0 = 5, r1 = r0 + rows, c0 = 70, ldc = 150;  // a block inside wider matrices
    const int64_t lrs = transposed ? 1 : ld, lks = transposed ? ld : 1;
    const std::vector<float> L = uniforms(41, 300 * ld, -1.0f, 1.0f);
    const std::vector<float> B = uniforms(42, 400 * ldc, -1.0f, 1.0f);
    const std::vector<float> b = uniforms(43, ldc, -1.0f, 1.0f);
    const std::vector<float> M = uniforms(44, 100 * ldc, -1.0f, 1.0f);
    const std::vector<float> init = uniforms(45, 100 * ldc, -2.0f, 2.0f);
    std::vector<double> ref(init.begin(), init.end()), scale(ref.size(), 0.0);
    for (int r = r0; r < r1; ++r)
      for (int c = c0; c < c0 + width; ++c) {
        double sum = bias ? b[c] : 0.0, mag = std::fabs(sum);
        for (int k = 0; k < depth; ++k) {
          const double t = double(L[r * lrs + k * lks]) * B[k * ldc + c];
          sum += t;
          mag += std::fabs(t);
        }
        if (epilogue == kernels::kDenseRelu) sum = std::max(sum, 0.0);
        if (epilogue == kernels::kDenseMask && !(M[r * ldc + c] > 0)) sum = 0.0;
        ref[r * ldc + c] = sum;
        scale[r * ldc + c] = mag;
      }
    std::vector<std::vector<float>> out;
    for (KernelLevel l : levels) {
      std::vector<float> C = init;
      kernels::nnKernels(l).denseBlock(L.data(), lrs, lks, r0, r1, depth, B.data(), ldc,
                                       bias ? b.data() : nullptr, M.data(), ldc, epilogue, C.data(), ldc, c0,
                                       width);
      out.push_back(C);
    }
    checkLevels(out, levels, ref, scale, kSumTol, false);
    for (size_t i = 0; i < levels.size(); ++i) {
      if (isVector(levels[i]) || !isVector(levels[0])) continue;
      double worst = 0;
      for (size_t j = 0; j < ref.size(); ++j)
        if (scale[j] > 0) worst = std::max(worst, std::fabs(double(out[i][j]) - out[0][j]) / scale[j]);
      qInfo("baseline against %s: largest difference %.3g of the terms' magnitudes",
            kernelLevelName(levels[0]), worst);
      QVERIFY2(worst <= kDenseLevelTol, qPrintable(QString::number(worst)));
    }
  }

  // ---- vector maths ------------------------------------------------------------------------

  // Normals against Box-Muller in double on the same Philox words; vector levels identical.
  void normals() {
    const auto levels = supportedLevels();
    const uint64_t key = streamKey(3, 4);
    for (uint64_t first : {uint64_t{0}, uint64_t{5}, uint64_t{1} << 27}) {
      const int64_t count = 7;  // 4 + 1 + 1 + 1 on the avx512 level's grouping
      std::vector<double> ref(64 * count), scale(ref.size(), 1.0);
      for (int64_t q = 0; q < count; ++q)
        for (int b = 0; b < 16; ++b) {
          const uint64_t idx = 16 * (first + q) + b;
          const auto w =
              Philox4x32::generate({static_cast<uint32_t>(idx), static_cast<uint32_t>(idx >> 32), 9, 0},
                                   static_cast<uint32_t>(key), static_cast<uint32_t>(key >> 32));
          for (int pair = 0; pair < 2; ++pair) {
            const double r = std::sqrt(-2.0 * std::log(double(uniformOpen0(w[2 * pair]))));
            const double t = 2 * std::numbers::pi * double(uniformOpen0(w[2 * pair + 1]));
            ref[64 * q + 32 * pair + b] = r * std::cos(t);
            ref[64 * q + 32 * pair + 16 + b] = r * std::sin(t);
          }
        }
      for (size_t i = 0; i < ref.size(); ++i) scale[i] = std::max(1.0, std::fabs(ref[i]));
      std::vector<std::vector<float>> out;
      for (KernelLevel l : levels) {
        std::vector<float> z(64 * count);
        vmath::vectorMath(l).normalBatches(first, count, 9, key, z.data());
        out.push_back(z);
      }
      checkLevels(out, levels, ref, scale, 2e-6, false);
    }
    // RandomStream: any offset and length gives the same values as whole batches.
    std::vector<float> whole(64 * 5), part(100);
    const RandomStream s(key);
    s.normals(2, 64, 64 * 5, whole.data());
    s.normals(2, 128, 100, part.data());
    QVERIFY(std::memcmp(part.data(), whole.data() + 64, sizeof(float) * 100) == 0);
  }

  // exp: identical bits at every level (the scalar form uses the C library's fma), relative error
  // below 3e-7 against libm, 0 below -87, every length (vector tails).
  void expTile() {
    std::vector<float> x;
    for (int i = 0; i <= 2000; ++i) x.push_back(-95.0f * static_cast<float>(i) / 2000.0f);
    for (float v : {-0.0f, -87.0f, -86.99999f, -87.00001f, -1e-30f, -std::numeric_limits<float>::infinity()})
      x.push_back(v);
    x.push_back(std::numeric_limits<float>::quiet_NaN());
    const auto levels = supportedLevels();
    std::vector<std::vector<float>> out;
    for (KernelLevel l : levels) {
      std::vector<float> y(x.size(), 5.0f);
      for (size_t n = 1; n <= 40; ++n)
        vmath::vectorMath(l).expTile(x.data(), y.data(), static_cast<int64_t>(n));
      vmath::vectorMath(l).expTile(x.data(), y.data(), static_cast<int64_t>(x.size()));
      out.push_back(y);
    }
    for (size_t i = 0; i < x.size(); ++i) {
      const double want = x[i] >= -87.0f ? std::exp(double(x[i])) : 0.0;
      const float scalar = expNonPositive(x[i]);
      QVERIFY2(std::fabs(out[0][i] - want) <= 3e-7 * want,
               qPrintable(QString("exp(%1) = %2, want %3").arg(x[i]).arg(out[0][i]).arg(want)));
      QVERIFY(std::memcmp(&out[0][i], &scalar, sizeof(float)) == 0);
    }
    for (const auto& y : out) QVERIFY(sameBits(y, out[0]));
    // In place, odd lengths.
    for (KernelLevel l : levels) {
      std::vector<float> y(x.begin(), x.begin() + 37);
      vmath::vectorMath(l).expTile(y.data(), y.data(), 37);
      QVERIFY(std::memcmp(y.data(), out[0].data(), 37 * sizeof(float)) == 0);
    }
  }

  void peakLoopsRun() {
    for (KernelLevel l : supportedLevels()) QVERIFY(vmath::vectorMath(l).fmaPeak(1000) > 0);
  }

  // ---- sampler updates ---------------------------------------------------------------------

  void updates() {
    const auto levels = supportedLevels();
    const int64_t n = 1000 + 7;  // vector tails
    const std::vector<float> theta0 = uniforms(21, n, -1.0f, 1.0f), p0 = uniforms(22, n, -0.01f, 0.01f);
    const std::vector<float> g = uniforms(23, n, -50.0f, 50.0f), xi = uniforms(24, n, -3.0f, 3.0f);
    const float scale = 117.1875f, prec = 1.0f, h = 4.5e-5f, decay = 0.99f, sigma = 0.0095f;
    auto ghat = [&](size_t j, double th) { return double(scale) * g[j] - double(prec) * th; };
    const std::vector<double> one(n, 1.0);
    auto bound = [&](size_t j, double th, double p) {  // magnitudes of the terms of each result
      return std::fabs(th) + std::fabs(p) + h * (scale * std::fabs(g[j]) + std::fabs(th)) +
             sigma * std::fabs(xi[j]);
    };
    std::vector<double> sgldRef(n), chenP(n), chenT(n), maP(n), maT(n), resP(n), resT(n), sc(n);
    for (int64_t jj = 0; jj < n; ++jj) {
      const size_t j = static_cast<size_t>(jj);
      sgldRef[j] = theta0[j] + h * ghat(j, theta0[j]) + double(sigma) * xi[j];
      chenP[j] = double(decay) * p0[j] + h * ghat(j, theta0[j]) + double(sigma) * xi[j];
      chenT[j] = theta0[j] + chenP[j];
      maT[j] = theta0[j] + double(h) * p0[j];
      maP[j] = chenP[j];
      resP[j] = double(p0[j]) * 3.5;
      resT[j] = theta0[j] + resP[j];
      sc[j] = bound(j, theta0[j], p0[j]);
    }
    const double tol = 4 * std::numeric_limits<float>::epsilon();
    std::vector<std::vector<float>> sT, cT, cP, cP2, mT, mP, rT, rP;
    for (KernelLevel l : levels) {
      const update::UpdateKernels& K = update::updateKernels(l);
      std::vector<float> t = theta0, p = p0;
      QCOMPARE(K.sgld(t.data(), g.data(), xi.data(), n, scale, prec, h, sigma), 0u);
      sT.push_back(t);
      t = theta0;
      QCOMPARE(K.chen(t.data(), p.data(), g.data(), xi.data(), n, scale, prec, h, decay, sigma, true), 0u);
      cT.push_back(t);
      cP.push_back(p);
      t = theta0;
      p = p0;
      QCOMPARE(K.chen(t.data(), p.data(), g.data(), xi.data(), n, scale, prec, h, decay, sigma, false), 0u);
      QVERIFY(sameBits(t, theta0));
      cP2.push_back(p);
      t = theta0;
      p = p0;
      QCOMPARE(K.ma(t.data(), p.data(), g.data(), xi.data(), n, scale, prec, h, decay, sigma), 0u);
      mT.push_back(t);
      mP.push_back(p);
      t = theta0;
      p = p0;
      K.resample(t.data(), p.data(), n, 3.5f, true);
      rT.push_back(t);
      rP.push_back(p);
    }
    checkLevels(sT, levels, sgldRef, sc, tol, false);
    checkLevels(cT, levels, chenT, sc, tol, false);
    checkLevels(cP, levels, chenP, sc, tol, false);
    checkLevels(cP2, levels, chenP, sc, tol, false);
    checkLevels(mT, levels, maT, sc, tol, false);
    checkLevels(mP, levels, maP, sc, tol, false);
    checkLevels(rT, levels, resT, sc, tol, true);
    checkLevels(rP, levels, resP, sc, tol, true);

    // pSGLD and SGNHT passes.
    {
      const std::vector<float> v0 = uniforms(25, n, 0.0f, 4.0f);
      const float invn = 1.0f / 512, a = 0.99f, c = 1.0f - 0.99f, lambda = 1e-5f;
      std::vector<double> psV(n), psT(n), psS(n), psVS(n), snP(n), snT(n), snS(n);
      double psqRef = 0, psqScale = 0;
      for (int64_t jj = 0; jj < n; ++jj) {
        const size_t j = static_cast<size_t>(jj);
        const double gb = double(g[j]) * invn;
        psV[j] = double(a) * v0[j] + double(c) * gb * gb;
        psVS[j] = psV[j];
        const double G = 1 / (double(lambda) + std::sqrt(psV[j]));
        psT[j] = theta0[j] + h * G * ghat(j, theta0[j]) + double(sigma) * std::sqrt(G) * xi[j];
        psS[j] = std::fabs(theta0[j]) + h * G * (scale * std::fabs(g[j]) + std::fabs(theta0[j])) +
                 sigma * std::sqrt(G) * std::fabs(xi[j]) + 1e-3 * std::fabs(psV[j]);
        snP[j] = chenP[j];
        snT[j] = theta0[j] + double(h) * snP[j];
        snS[j] = sc[j];
        psqRef += snP[j] * snP[j];
        psqScale += snP[j] * snP[j];
      }
      std::vector<std::vector<float>> pT, pV, sT2, sP2, sq;
      for (KernelLevel l : levels) {
        const update::UpdateKernels& K = update::updateKernels(l);
        std::vector<float> t = theta0, v = v0, p = p0;
        QCOMPARE(
            K.psgld(t.data(), v.data(), g.data(), xi.data(), n, scale, prec, invn, a, c, lambda, h, sigma),
            0u);
        pT.push_back(t);
        pV.push_back(v);
        t = theta0;
        float psq = -1;
        QCOMPARE(K.sgnht(t.data(), p.data(), g.data(), xi.data(), n, scale, prec, h, decay, sigma, &psq), 0u);
        sT2.push_back(t);
        sP2.push_back(p);
        sq.push_back({psq});
      }
      // sqrt and division are correctly rounded: a few more ulps than a fused product.
      checkLevels(pT, levels, psT, psS, 16 * tol, false);
      checkLevels(pV, levels, psV, psVS, tol, false);
      checkLevels(sT2, levels, snT, snS, tol, false);
      checkLevels(sP2, levels, snP, snS, tol, false);
      checkLevels(sq, levels, {psqRef}, {psqScale}, 1e-5, false);

      // Non-finite results are reported, in a full vector and in the tail.
      for (KernelLevel l : levels) {
        const update::UpdateKernels& K = update::updateKernels(l);
        for (int64_t at : {int64_t{3}, n - 2}) {
          std::vector<float> gb = g, t = theta0, v = v0, p = p0;
          gb[static_cast<size_t>(at)] = std::numeric_limits<float>::infinity();
          QVERIFY(K.psgld(t.data(), v.data(), gb.data(), xi.data(), n, scale, prec, invn, a, c, lambda, h,
                          sigma) != 0);
          t = theta0;
          float psq = 0;
          QVERIFY(K.sgnht(t.data(), p.data(), gb.data(), xi.data(), n, scale, prec, h, decay, sigma, &psq) !=
                  0);
        }
      }
    }

    // NaN or Inf anywhere (a full vector or the tail) is reported at every level.
    for (KernelLevel l : levels) {
      const update::UpdateKernels& K = update::updateKernels(l);
      for (int64_t at : {int64_t{3}, n - 2}) {
        for (float badValue :
             {std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN()}) {
          std::vector<float> gb = g, t = theta0, p = p0;
          gb[static_cast<size_t>(at)] = badValue;
          QVERIFY(K.sgld(t.data(), gb.data(), xi.data(), n, scale, prec, h, sigma) != 0);
          t = theta0;
          QVERIFY(K.chen(t.data(), p.data(), gb.data(), xi.data(), n, scale, prec, h, decay, sigma, true) !=
                  0);
          t = theta0;
          p = p0;
          QVERIFY(K.ma(t.data(), p.data(), gb.data(), xi.data(), n, scale, prec, h, decay, sigma) != 0);
        }
      }
    }
  }

  // ---- the network and a chain -------------------------------------------------------------

  // Gradient and test pass of a network: identical bits at the vector levels, within float
  // rounding at baseline. Two or more hidden layers run the dense kernels between them.
  void mlpAcrossLevels_data() {
    QTest::addColumn<QVector<int>>("hidden");
    QTest::newRow("784-150-10") << QVector<int>{150};
    QTest::newRow("784-400-400-10") << QVector<int>{400, 400};
    QTest::newRow("784-130-70-90-10") << QVector<int>{130, 70, 90};
  }
  void mlpAcrossLevels() {
    QFETCH(QVector<int>, hidden);
    const Dataset d = makeSyntheticDataset(300, 200, 6);
    MlpShape shape{{784}};
    for (int h : hidden) shape.sizes.push_back(h);
    shape.sizes.push_back(10);
    const Mlp mlp(shape);
    const std::vector<float> theta = initialParameters(shape, InitKind::LecunNormal, 1.0, RandomStream(31));
    std::vector<uint32_t> idx;
    for (uint32_t i = 0; i < 160; ++i) idx.push_back((i * 7 + 3) % 300);
    std::vector<uint8_t> labels;
    for (uint32_t i : idx) labels.push_back(d.train.labels[i]);
    const auto levels = supportedLevels();
    std::vector<std::vector<float>> grads, logProbs;
    std::vector<double> lls;
    for (KernelLevel l : levels) {
      LevelScope scope(l);
      SparseBatch x;
      x.gather(d.train, idx.data(), static_cast<int64_t>(idx.size()));
      std::vector<float> g(theta.size());
      MlpWorkspace ws;
      lls.push_back(mlp.logLikelihoodGradient(theta.data(), x, labels.data(), g.data(), ws));
      grads.push_back(g);
      TestEvaluator eval(mlp, d.test);
      eval.evaluate(theta.data(), nullptr);
      logProbs.push_back(eval.logProbs());
    }
    float gmax = 0;
    for (float v : grads[0]) gmax = std::max(gmax, std::fabs(v));
    for (size_t i = 0; i < levels.size(); ++i) {
      if (isVector(levels[i]) && isVector(levels[0])) {
        QVERIFY2(sameBits(grads[i], grads[0]), kernelLevelName(levels[i]));
        QVERIFY(sameBits(logProbs[i], logProbs[0]));
        QCOMPARE(lls[i], lls[0]);
      }
      QVERIFY(std::fabs(lls[i] - lls[0]) <= 1e-5 * std::fabs(lls[0]));
      for (size_t j = 0; j < grads[i].size(); ++j)
        QVERIFY2(std::fabs(grads[i][j] - grads[0][j]) <= 1e-5 * gmax,
                 qPrintable(QString("%1: parameter %2: %3 vs %4")
                                .arg(kernelLevelName(levels[i]))
                                .arg(j)
                                .arg(grads[i][j])
                                .arg(grads[0][j])));
      for (size_t j = 0; j < logProbs[i].size(); ++j)
        QVERIFY(std::fabs(logProbs[i][j] - logProbs[0][j]) <=
                1e-4 * std::max(1.0f, std::fabs(logProbs[0][j])));
    }
  }

  // A short chain with a fixed seed: the same bits at avx512 and avx2; at baseline the same
  // schedule with predictive probabilities close to the vector levels' (rounding differences
  // grow along a chain, slowly over a few steps).
  void shortRunAcrossLevels_data() {
    QTest::addColumn<QVector<int>>("hidden");
    QTest::newRow("784-150-10") << QVector<int>{150};
    QTest::newRow("784-400-400-10") << QVector<int>{400, 400};
  }
  void shortRunAcrossLevels() {
    QFETCH(QVector<int>, hidden);
    const auto data = makeSyntheticDataset(1000, 300, 7);
    for (SamplerKind kind : {SamplerKind::Sgld, SamplerKind::Sghmc, SamplerKind::Psgld, SamplerKind::Sgnht}) {
      RunConfig c = tinyRun(kind);
      c.hidden.assign(hidden.begin(), hidden.end());
      if (kind == SamplerKind::Psgld) c.stepSize = 3e-6;  // G = 1/λ where pixels are always 0
      if (kind == SamplerKind::Sgnht) c.stepSize = 1e-2;
      if (hidden.size() > 1) c.stepSize *= 0.1;  // the deeper network diverges at the steps above
      std::vector<RunResult> results;
      for (KernelLevel l : supportedLevels()) {
        LevelScope scope(l);
        results.push_back(runChain(c, data, nullptr, nullptr));
        QVERIFY2(results.back().outcome.status == RunStatus::Completed,
                 qPrintable(QString("%1 at %2: %3")
                                .arg(enumName(kind), kernelLevelName(l))
                                .arg(enumName(results.back().outcome.status))));
      }
      const auto levels = supportedLevels();
      const std::vector<float> p0 = results[0].predictive.meanProbabilities();
      for (size_t i = 1; i < results.size(); ++i) {
        const RunResult& r = results[i];
        QCOMPARE(r.curve.size(), results[0].curve.size());
        const std::vector<float> p = r.predictive.meanProbabilities();
        if (isVector(levels[i])) {
          QVERIFY(sameBits(p, p0));
          QVERIFY(sameBits(r.lastProbs, results[0].lastProbs));
          QVERIFY(r.predictive.logSum() == results[0].predictive.logSum());
          QVERIFY(r.predictive.sumPLogP() == results[0].predictive.sumPLogP());
          QVERIFY(r.predictive.votes() == results[0].predictive.votes());
          for (size_t k = 0; k < r.curve.size(); ++k)
            QCOMPARE(r.curve[k].pointwiseAccuracy, results[0].curve[k].pointwiseAccuracy);
        } else {
          float worst = 0;
          for (size_t j = 0; j < p.size(); ++j) worst = std::max(worst, std::fabs(p[j] - p0[j]));
          QVERIFY2(
              worst < 1e-3,
              qPrintable(QString("%1: baseline predictive differs by %2").arg(enumName(kind)).arg(worst)));
        }
      }
    }
  }
};

QTEST_GUILESS_MAIN(TestKernelLevels)
#include "tst_kernel_levels.moc"
