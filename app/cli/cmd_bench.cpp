// bnn-cli bench: time per gradient evaluation, per test-set pass, per sampler step and per full
// example schedule, with achieved GFLOP/s (dense-equivalent and executed) against the measured peak.
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "commands.h"
#include "data/idx_loader.h"
#include "data/synthetic.h"
#include "nn/kernels.h"
#include "nn/sparse_batch.h"
#include "run/chain_parts.h"
#include "run/run_engine.h"
#include "util/cpu_features.h"
#include "util/parallel.h"
#include "util/philox.h"
#include "util/vector_math.h"

namespace bnn::cli {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Median of `reps` timings of f() after one warm-up call.
template <class F>
double medianSeconds(int reps, F&& f) {
  f();
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    const auto t0 = Clock::now();
    f();
    t.push_back(since(t0));
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

// Peak float32 multiply-add throughput of one thread at the active kernel level: independent
// chains in registers (util/vector_math.h). Returns GFLOP/s; `flops` receives the work per call.
constexpr int64_t kPeakIters = 50000000;
double peakGflopsOneThread(double* flops = nullptr) {
  const auto t0 = Clock::now();
  const double f = vmath::vectorMath().fmaPeak(kPeakIters);
  const double s = since(t0);
  if (flops) *flops = f;
  return f / s / 1e9;
}

// Values in [-1, 1) from Philox bits (the dense-layer timings' operands).
std::vector<float> uniformsForBench(uint64_t seed, int64_t n) {
  std::vector<float> v(static_cast<size_t>(n));
  const RandomStream s(seed);
  for (int64_t i = 0; i < n; ++i) {
    uint32_t b[4];
    s.bits(0, static_cast<uint64_t>(i), b);
    v[static_cast<size_t>(i)] = -1.0f + 2.0f * static_cast<float>(b[0] >> 8) * (1.0f / 16777216.0f);
  }
  return v;
}

void usage(FILE* out) {
  std::fputs(
      "usage: bnn-cli bench [--data DIR] [--threads N] [--reps R] [--full] [--kernel-level L]\n"
      "                     [--hidden LIST]\n"
      "  Times the hot paths on MNIST (or synthetic MNIST-shaped data when --data has none):\n"
      "  one gradient evaluation (n = 512), one test-set pass, one SGLD and one SGHMC step, and the\n"
      "  full example schedules (extrapolated from the components; --full also runs them).\n"
      "  --kernel-level avx512|avx2|baseline runs the kernels of that instruction-set level (one this\n"
      "  CPU supports; the default is the best it has, or BNN_KERNEL_LEVEL).\n"
      "  --hidden 400,400 times that network (hidden layer sizes, as for bnn-cli run) instead of the\n"
      "  example's 784-500-10; the full schedules are extrapolated for it as well.\n",
      out);
}

}  // namespace

int bench(int argc, char** argv) {
  std::string dataDir = "data/mnist";
  int threads = 0, reps = 20;
  bool full = false;
  std::string hidden;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      usage(stdout);
      return 0;
    }
    if (a == "--full") {
      full = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "bnn-cli bench: %s: missing value\n", a.c_str());
      return 2;
    }
    const std::string v = argv[++i];
    char* end = nullptr;
    if (a == "--data")
      dataDir = v;
    else if (a == "--hidden") {
      RunConfig probe = *presetConfig("example-sgld");
      if (const auto err = setParam(probe, "hidden", v)) {
        std::fprintf(stderr, "bnn-cli bench: --hidden: %s\n", err->c_str());
        return 2;
      }
      hidden = v;
    } else if (a == "--kernel-level") {
      if (const Status st = forceKernelLevel(v, "--kernel-level"); !st) {
        std::fprintf(stderr, "bnn-cli bench: %s\n", st.error().message().c_str());
        return 2;
      }
    } else if (a == "--threads" || a == "--reps") {
      const long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end || n < 1 || n > 10000) {
        std::fprintf(stderr, "bnn-cli bench: %s: expected a positive integer, found '%s'\n", a.c_str(),
                     v.c_str());
        return 2;
      }
      (a == "--threads" ? threads : reps) = static_cast<int>(n);
    } else {
      std::fprintf(stderr, "bnn-cli bench: unknown option '%s'\n", a.c_str());
      return 2;
    }
  }
  auto loaded = loadDataset(dataDir);
  Dataset data;
  if (loaded)
    data = std::move(loaded).value();
  else {
    std::printf("note: %s; using synthetic MNIST-shaped data (timings only)\n",
                loaded.error().message().c_str());
    data = makeSyntheticDataset(60000, 10000, 1);
  }
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (threads == 0) threads = hw;
  tbb::task_arena arena(threads);
  return arena.execute([&] {
    double peakFlops = 0;
    const double peak1 = peakGflopsOneThread(&peakFlops);
    // All threads at once: the cores may share FMA units (SMT), so the sum is measured, not assumed.
    // `threads` copies run together; their total flops over the wall time of the region.
    const auto tp = Clock::now();
    parallelBlocks(threads, [](int64_t) { peakGflopsOneThread(); });
    const double wall = since(tp);
    const double peak = threads * peakFlops / wall / 1e9;
    std::printf("%s\n", kernelLevelReport().c_str());
    // Useful work of the first layer: non-zero pixels only. Executed work: the kernels run over
    // the column groups a SparseBatch lists (nn/sparse_batch.h), zeros within them included.
    int64_t nnzTrain = 0, groupsTrain = 0, listedTrain = 0;
    for (uint8_t p : data.train.pixels) nnzTrain += p != 0;
    SparseBatch probe;
    for (int64_t s = 0; s < data.train.count; s += 10000) {
      probe.gatherRange(data.train, s, std::min<int64_t>(10000, data.train.count - s));
      listedTrain += probe.numEntries();
      groupsTrain += probe.rows * probe.numGroups();
    }
    const double density = static_cast<double>(nnzTrain) / static_cast<double>(data.train.pixels.size());
    const double groupDensity = static_cast<double>(listedTrain) / static_cast<double>(groupsTrain);
    std::printf(
        "machine: %d threads; measured float32 multiply-add peak %.1f GFLOP/s on one thread, %.1f GFLOP/s on "
        "%d "
        "together\n",
        threads, peak1, peak, threads);
    std::printf(
        "data: %s, %.1f%% non-zero pixels, %.1f%% of 4-pixel groups listed: the first layer executes\n"
        "      %.2fx the useful (non-zero pixel) flops; GFLOP/s below: dense-equivalent, then executed\n\n",
        data.name.c_str(), 100 * density, 100 * groupDensity, groupDensity / density);

    RunConfig c = *presetConfig("example-sgld");
    if (!hidden.empty()) (void)setParam(c, "hidden", hidden);  // checked while parsing
    const MlpShape shape = mlpShapeFor(c, data);
    const Mlp mlp(shape);
    std::vector<float> theta = initialParameters(shape, InitKind::LecunNormal, 1.0, RandomStream(1));
    MlpTarget target(mlp, data.train, 512, BatchMode::WithReplacement, 1.0, 0, RandomStream(2));
    std::vector<float> g(theta.size());
    // Dense-equivalent FLOPs per input row: the first layer 2·784·h1 forward and as much for dW1;
    // every later layer (hidden or output) 2·in·out forward and twice that backward (dW and dA).
    // A test pass is the forward part for 10,000 images. Executed: the first layer over the
    // listed column groups (groupDensity of the pixels).
    std::string shapeText;
    for (size_t l = 0; l < shape.sizes.size(); ++l)
      shapeText += (l ? "-" : "") + std::to_string(shape.sizes[l]);
    const double n = 512, first = double(shape.sizes[0]) * shape.sizes[1];
    double later = 0;
    for (int l = 1; l < shape.numLayers(); ++l) later += double(shape.sizes[l]) * shape.sizes[l + 1];
    const double gradDense = 2 * n * first * 2 + 2 * n * later * 3;
    const double gradExecuted = 2 * n * first * 2 * groupDensity + 2 * n * later * 3;
    const double testN = static_cast<double>(data.test.count);
    const double testDense = 2 * testN * (first + later);
    const double testExecuted = 2 * testN * (first * groupDensity + later);
    std::printf("network: %s (%lld parameters)\n", shapeText.c_str(),
                static_cast<long long>(shape.numParams()));

    target.nextMinibatch();
    const double tBatch = medianSeconds(reps, [&] { target.nextMinibatch(); });
    const double tGrad = medianSeconds(reps, [&] { target.dataGradient(theta.data(), g.data()); });
    TestEvaluator eval(mlp, data.test);
    const double tTest = medianSeconds(std::max(3, reps / 4), [&] { eval.evaluate(theta.data(), nullptr); });
    PredictiveAccumulator acc(data.test.count, 10);
    const double tTestAcc = medianSeconds(std::max(3, reps / 4), [&] { eval.evaluate(theta.data(), &acc); });
    std::vector<float> noise(theta.size());
    RandomStream rs(3);
    uint64_t draw = 0;
    const double tNoise = medianSeconds(reps, [&] {
      parallelBlocks(static_cast<int64_t>((theta.size() + 8191) / 8192), [&](int64_t b) {
        const int64_t s = b * 8192, e = std::min<int64_t>(theta.size(), s + 8192);
        rs.normals(draw, s, e - s, noise.data() + s);
      });
      ++draw;
    });
    SamplerSettings sgld;
    sgld.stepSize = 4.5e-5;
    auto sgldSampler = makeSampler(sgld, shape.numParams(), RandomStream(4));
    std::vector<float> th = theta;
    const double tSgldStep = medianSeconds(reps, [&] { sgldSampler->step(th.data(), target); });
    SamplerSettings sghmc;
    sghmc.kind = SamplerKind::Sghmc;
    sghmc.stepSize = 4.5e-6;
    auto sghmcSampler = makeSampler(sghmc, shape.numParams(), RandomStream(5));
    th = theta;
    const double tSghmcStep =
        medianSeconds(std::max(3, reps / 4), [&] { sghmcSampler->step(th.data(), target); });

    auto row = [&](const char* what, double s, double dense, double executed) {
      if (dense > 0)
        std::printf(
            "  %-34s %9.3f ms   %7.1f GFLOP/s dense-equivalent (%5.1f%% of peak), %6.1f GFLOP/s executed "
            "(%4.1f%%)\n",
            what, 1e3 * s, dense / s / 1e9, 100 * dense / s / 1e9 / peak, executed / s / 1e9,
            100 * executed / s / 1e9 / peak);
      else
        std::printf("  %-34s %9.3f ms\n", what, 1e3 * s);
    };
    std::printf("components (median of %d):\n", reps);
    row("minibatch gather (n = 512)", tBatch, 0, 0);
    row("gradient evaluation (n = 512)", tGrad, gradDense, gradExecuted);
    row("test-set pass (10,000 images)", tTest, testDense, testExecuted);
    row("test-set pass + predictive update", tTestAcc, testDense, testExecuted);
    const std::string noiseLabel = "noise: " + std::to_string(theta.size()) + " normals";
    std::printf("  %-34s %9.3f ms   (%.1f M normals/s)\n", noiseLabel.c_str(), 1e3 * tNoise,
                theta.size() / tNoise / 1e6);
    row("SGLD step (batch+gradient+update)", tSgldStep, gradDense, gradExecuted);
    row("SGHMC step (L = 10)", tSghmcStep, 10 * gradDense, 10 * gradExecuted);

    // The dense kernels of the first hidden-to-hidden layer alone, on one thread over the same
    // tiles the network uses (64 rows x 64 columns): forward A W + b with ReLU, weight gradient
    // A^T dZ, delta dZ W^T masked by [A > 0]; 2 n in out flops each.
    if (shape.numLayers() >= 3) {
      const int din = shape.sizes[1], dout = shape.sizes[2];
      const int64_t rows = 512;
      const std::vector<float> A = uniformsForBench(6, rows * din),
                               W = uniformsForBench(7, int64_t{din} * dout);
      const std::vector<float> dZ = uniformsForBench(8, rows * dout),
                               WT = uniformsForBench(9, int64_t{dout} * din);
      const std::vector<float> bias = uniformsForBench(10, dout);
      std::vector<float> Z(static_cast<size_t>(rows * dout)), gW(static_cast<size_t>(din) * dout),
          dA(static_cast<size_t>(rows * din));
      const kernels::NnKernels& K = kernels::nnKernels();
      constexpr int64_t kTile = 64;
      auto tiles = [&](int64_t r, int c, const auto& f) {
        for (int64_t r0 = 0; r0 < r; r0 += kTile)
          for (int c0 = 0; c0 < c; c0 += kernels::kColBlock)
            f(r0, std::min(r, r0 + kTile), c0, std::min(c, c0 + kernels::kColBlock) - c0);
      };
      const double tFwd = medianSeconds(reps, [&] {
        tiles(rows, dout, [&](int64_t r0, int64_t r1, int c0, int w) {
          K.denseBlock(A.data(), din, 1, r0, r1, din, W.data(), dout, bias.data(), nullptr, 0,
                       kernels::kDenseRelu, Z.data(), dout, c0, w);
        });
      });
      const double tGw = medianSeconds(reps, [&] {
        tiles(din, dout, [&](int64_t r0, int64_t r1, int c0, int w) {
          K.denseBlock(A.data(), 1, din, r0, r1, static_cast<int>(rows), dZ.data(), dout, nullptr, nullptr, 0,
                       kernels::kDenseNone, gW.data(), dout, c0, w);
        });
      });
      const double tDa = medianSeconds(reps, [&] {
        tiles(rows, din, [&](int64_t r0, int64_t r1, int c0, int w) {
          K.denseBlock(dZ.data(), dout, 1, r0, r1, dout, WT.data(), din, nullptr, A.data(), din,
                       kernels::kDenseMask, dA.data(), din, c0, w);
        });
      });
      const double f = 2.0 * rows * din * dout;
      std::printf("dense layer %d -> %d, n = 512, one thread (%.1f GFLOP/s peak of one thread):\n", din, dout,
                  peak1);
      for (auto [what, t] :
           {std::pair{"forward A W + b, ReLU", tFwd}, std::pair{"weight gradient A^T dZ", tGw},
            std::pair{"delta dZ W^T, ReLU mask", tDa}})
        std::printf("  %-34s %9.3f ms   %7.1f GFLOP/s (%5.1f%% of one thread's peak)\n", what, 1e3 * t,
                    f / t / 1e9, 100 * f / t / 1e9 / peak1);
    }

    // Full schedules: W warm-up steps with a test pass every K, then S sampling steps each with
    // a test pass and predictive update.
    const double W = 2340, K = 100, S = 1000;
    const double warmEvals = std::ceil(W / K);
    const double sgldFull = (W + S) * tSgldStep + warmEvals * tTest + S * tTestAcc;
    const double sghmcFull = (W + S) * tSghmcStep + warmEvals * tTest + S * tTestAcc;
    const double sgldDense = (W + S) * gradDense + (warmEvals + S) * testDense;
    const double sghmcDense = (W + S) * 10 * gradDense + (warmEvals + S) * testDense;
    std::printf("\nfull example schedules for %s (extrapolated from the components above):\n",
                shapeText.c_str());
    std::printf("  %-34s %9.1f s    %7.1f GFLOP/s dense-equivalent (%.1f TFLOP dense)\n", "example-sgld",
                sgldFull, sgldDense / sgldFull / 1e9, sgldDense / 1e12);
    std::printf("  %-34s %9.1f s    %7.1f GFLOP/s dense-equivalent (%.1f TFLOP dense)\n", "example-sghmc",
                sghmcFull, sghmcDense / sghmcFull / 1e9, sghmcDense / 1e12);
    std::printf("  dense arithmetic alone at the measured peak: %.1f s and %.1f s\n", sgldDense / peak / 1e9,
                sghmcDense / peak / 1e9);

    if (full) {
      std::printf("\nfull example schedules (measured, --full):\n");
      auto shared = std::make_shared<const Dataset>(data);
      for (const char* preset : {"example-sgld", "example-sghmc"}) {
        RunConfig pc = *presetConfig(preset);
        if (!hidden.empty()) (void)setParam(pc, "hidden", hidden);
        const auto t0 = Clock::now();
        const RunResult r = runChain(pc, *shared, nullptr, nullptr);
        std::printf("  %-34s %9.1f s    ensemble %.4f, last sample %.4f (seed %llu)\n", preset, since(t0),
                    r.ensembleAccuracy(), r.lastPointwiseAccuracy, static_cast<unsigned long long>(pc.seed));
      }
    }
    return 0;
  });
}

}  // namespace bnn::cli
