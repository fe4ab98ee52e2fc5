#include "nn/mlp.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <functional>

#include "nn/kernels.h"
#include "util/fast_exp.h"
#include "util/parallel.h"

namespace bnn {

int64_t MlpShape::numParams() const {
  int64_t n = 0;
  for (int l = 0; l < numLayers(); ++l) n += int64_t{sizes[l]} * sizes[l + 1] + sizes[l + 1];
  return n;
}

int64_t MlpShape::weightOffset(int layer) const {
  int64_t n = 0;
  for (int l = 0; l < layer; ++l) n += int64_t{sizes[l]} * sizes[l + 1] + sizes[l + 1];
  return n;
}

int64_t MlpShape::biasOffset(int layer) const {
  return weightOffset(layer) + int64_t{sizes[layer]} * sizes[layer + 1];
}

// ---------------------------------------------------------------------------------------------

Mlp::Mlp(MlpShape shape) : m_shape(std::move(shape)) { assert(m_shape.numLayers() >= 1); }

namespace {

using kernels::kColBlock;

// Fixed partitions: column blocks of a layer and tiles of rows. They depend only on the sizes,
// never on the number of threads, and every sum inside a block or tile runs in a fixed order.
int64_t columnBlocks(int width) { return (width + kColBlock - 1) / kColBlock; }
constexpr int64_t kRowTile = 64;
int64_t rowTiles(int64_t n) { return (n + kRowTile - 1) / kRowTile; }

void forBlocks(bool parallel, int64_t count, const std::function<void(int64_t)>& body) {
  if (parallel)
    parallelBlocks(count, body);
  else
    for (int64_t b = 0; b < count; ++b) body(b);
}

void ensure(RowMatrixXf& m, int64_t rows, int cols) {
  if (m.rows() != rows || m.cols() != cols) m.resize(rows, cols);
}

// A hidden layer's rows (activations or deltas) start at the first 64-byte boundary of their
// matrix's storage (which has one row more for that): with paddedStride every 64-column block then
// sits on whole cache lines. (Eigen aligns this build's allocations to 16 bytes.)
void ensureHidden(RowMatrixXf& m, int64_t rows, int ld) { ensure(m, rows + 1, ld); }
float* hiddenRows(RowMatrixXf& m) {
  const auto misalign = reinterpret_cast<uintptr_t>(m.data()) % 64;
  return m.data() + (misalign == 0 ? 0 : (64 - misalign) / sizeof(float));
}

// Row stride of a hidden layer's activations and deltas (width w): a multiple of 16 floats, so
// every 64-column block starts on a cache line, and an odd number of cache lines, so the rows
// of a tile spread over all the sets of L1. Only columns below w are ever read or written. (With
// 500 floats three rows in four straddle cache lines; with 512 every row maps to the same two L1
// sets. The first-layer forward kernel, bound by its loads and stores of these rows, takes
// 1.1-1.2x as long either way as with 528.)
int paddedStride(int w) {
  int s = (w + 15) / 16 * 16;
  if ((s / 16) % 2 == 0) s += 16;
  return s;
}

// W (in x k, row-major) transposed into wT (k x in).
void transposeInto(std::vector<float>& wT, const float* W, int in, int k) {
  wT.resize(static_cast<size_t>(in) * k);
  for (int j = 0; j < in; ++j)
    for (int c = 0; c < k; ++c) wT[static_cast<size_t>(c) * in + j] = W[int64_t{j} * k + c];
}

// In place: logits -> log-softmax, row by row (rows x k): r - (m + log Σ exp(r - m)).
void logSoftmaxRows(float* z, int64_t rows, int k) {
  constexpr int kMaxClasses = 64;
  float e[kMaxClasses];
  for (int64_t i = 0; i < rows; ++i) {
    float* r = z + i * k;
    float m = r[0];
    for (int c = 1; c < k; ++c) m = std::max(m, r[c]);
    float s = 0.0f;
    if (k <= kMaxClasses) {
      for (int c = 0; c < k; ++c) e[c] = r[c] - m;
      expTile(e, e, k);
      for (int c = 0; c < k; ++c) s += e[c];
    } else {
      for (int c = 0; c < k; ++c) s += expNonPositive(r[c] - m);
    }
    const float lse = m + std::log(s);
    for (int c = 0; c < k; ++c) r[c] -= lse;
  }
}

}  // namespace

void Mlp::forward(const float* theta, const SparseBatch& x, MlpWorkspace& ws, bool parallel,
                  bool outputLayer) const {
  const int L = m_shape.numLayers();
  const int64_t n = x.rows;
  const kernels::NnKernels& K = kernels::nnKernels();
  ws.z.resize(static_cast<size_t>(L));
  ws.a.resize(static_cast<size_t>(L));
  ws.dz.resize(static_cast<size_t>(L));

  // Layer 0: Z1 (n x h1) = X W1 + b1 with X sparse (n x 784), by tiles of images x 64 columns,
  // column group by column group (kernels::groupForward). When it is a hidden layer the result
  // is stored as A1 = ReLU(Z1) (Z1 > 0 exactly where A1 > 0, all back-propagation needs).
  {
    const int in = m_shape.sizes[0], h = m_shape.sizes[1];
    const bool hidden = L > 1;
    RowMatrixXf& dst = hidden ? ws.a[0] : ws.z[0];
    const int ld = hidden ? paddedStride(h) : h;  // the output layer's logits stay dense
    if (hidden)
      ensureHidden(dst, n, ld);
    else
      ensure(dst, n, ld);
    const float* W = theta + m_shape.weightOffset(0);
    const float* b = theta + m_shape.biasOffset(0);
    float* Z = hidden ? hiddenRows(dst) : dst.data();
    const int groups = x.numGroups(), tiles = x.numTiles();
    forBlocks(parallel, columnBlocks(h), [&](int64_t blk) {
      const int c0 = static_cast<int>(blk) * kColBlock, width = std::min(h, c0 + kColBlock) - c0;
      for (int t = 0; t < tiles; ++t) {
        const int64_t i0 = int64_t{t} * SparseBatch::kTile, i1 = std::min(n, i0 + SparseBatch::kTile);
        K.biasRows(Z, ld, i0, i1, b, c0, width);
        for (int g = 0; g < groups; ++g) {
          const int64_t e0 = x.tileStart(g, t), e1 = x.tileStart(g, t + 1);
          if (e0 == e1) continue;
          const int p0 = g * SparseBatch::kGroup;
          K.groupForward(x.groupRow.data() + e0, x.groupValues.data() + e0 * SparseBatch::kGroup, e1 - e0,
                         W + int64_t{p0} * h, h, std::min(SparseBatch::kGroup, in - p0), Z, ld, c0, width);
        }
        if (hidden) K.reluRows(Z, ld, i0, i1, c0, width);
      }
    });
  }

  // Hidden layers after the first: A_l = ReLU(A_{l-1} W_l + b_l) by tiles of rows x column blocks
  // (kernels::denseBlock, every element one chain over the inputs in order).
  for (int l = 1; l + 1 < L; ++l) {
    const int in = m_shape.sizes[l], out = m_shape.sizes[l + 1];
    const int ldIn = paddedStride(in), ldOut = paddedStride(out);
    ensureHidden(ws.a[l], n, ldOut);
    const float* W = theta + m_shape.weightOffset(l);
    const float* b = theta + m_shape.biasOffset(l);
    const float* A = hiddenRows(ws.a[l - 1]);
    float* Z = hiddenRows(ws.a[l]);
    const int64_t blocks = columnBlocks(out);
    forBlocks(parallel, rowTiles(n) * blocks, [&](int64_t q) {
      const int64_t r0 = (q / blocks) * kRowTile, r1 = std::min(n, r0 + kRowTile);
      const int c0 = static_cast<int>(q % blocks) * kColBlock;
      K.denseBlock(A, ldIn, 1, r0, r1, in, W, out, b, nullptr, 0, kernels::kDenseRelu, Z, ldOut, c0,
                   std::min(out, c0 + kColBlock) - c0);
    });
  }

  // Output layer after a hidden layer: logits by row tiles (kernels::outputLogits).
  if (L >= 2) {
    const int l = L - 1, in = m_shape.sizes[l], k = m_shape.sizes[l + 1];
    transposeInto(ws.wT, theta + m_shape.weightOffset(l), in, k);
    ensure(ws.z[l], n, k);
    if (outputLayer) {
      forBlocks(parallel, rowTiles(n), [&](int64_t t) { outputTile(theta, t, n, ws); });
    }
  }
}

void Mlp::outputTile(const float* theta, int64_t t, int64_t n, MlpWorkspace& ws) const {
  const int l = m_shape.numLayers() - 1, in = m_shape.sizes[l], k = m_shape.sizes[l + 1];
  const int64_t r0 = t * kRowTile, r1 = std::min(n, r0 + kRowTile);
  kernels::nnKernels().outputLogits(hiddenRows(ws.a[static_cast<size_t>(l - 1)]), paddedStride(in), r0, r1,
                                    in, ws.wT.data(), theta + m_shape.biasOffset(l), k,
                                    ws.z[static_cast<size_t>(l)].data());
}

void Mlp::logProbabilities(const float* theta, const SparseBatch& x, float* out, MlpWorkspace& ws,
                           bool parallel) const {
  forward(theta, x, ws, parallel);
  const int k = numClasses();
  const RowMatrixXf& logits = ws.z[static_cast<size_t>(m_shape.numLayers() - 1)];
  std::copy(logits.data(), logits.data() + x.rows * k, out);
  logSoftmaxRows(out, x.rows, k);
}

double Mlp::logLikelihoodGradient(const float* theta, const SparseBatch& x, const uint8_t* labels,
                                  float* gsum, MlpWorkspace& ws, bool parallel) const {
  // The output layer's logits are computed tile by tile below, in the same parallel region.
  forward(theta, x, ws, parallel, false);
  const int L = m_shape.numLayers();
  const int64_t n = x.rows;
  const int k = numClasses();
  const kernels::NnKernels& K = kernels::nnKernels();

  // By row tiles: logits Z_L (after a hidden layer); log p = log_softmax(Z_L); dZ_L = d/dZ_L Σ_i log p(y_i) =
  // onehot(y) - softmax(Z_L); after a hidden layer also its dZ = (dZ_L W_L^T) ⊙ [A > 0] (kernels::reluDelta).
  RowMatrixXf& zL = ws.z[static_cast<size_t>(L - 1)];
  RowMatrixXf& dL = ws.dz[static_cast<size_t>(L - 1)];
  ensure(dL, n, k);
  if (L >= 2) ensureHidden(ws.dz[static_cast<size_t>(L - 2)], n, paddedStride(m_shape.sizes[L - 1]));
  const int64_t tiles = rowTiles(n);
  ws.tileLogLik.assign(static_cast<size_t>(tiles), 0.0);
  forBlocks(parallel, tiles, [&](int64_t t) {
    const int64_t r0 = t * kRowTile, r1 = std::min(n, r0 + kRowTile);
    if (L >= 2) outputTile(theta, t, n, ws);
    logSoftmaxRows(zL.data() + r0 * k, r1 - r0, k);
    double ll = 0.0;
    for (int64_t i = r0; i < r1; ++i) {
      const float* lp = zL.data() + i * k;
      float* d = dL.data() + i * k;
      ll += lp[labels[i]];
      expTile(lp, d, k);
      for (int c = 0; c < k; ++c) d[c] = -d[c];
      d[labels[i]] += 1.0f;
    }
    ws.tileLogLik[static_cast<size_t>(t)] = ll;
    if (L >= 2) {
      const int in = m_shape.sizes[L - 1];
      K.reluDelta(dL.data(), k, ws.wT.data(), hiddenRows(ws.a[static_cast<size_t>(L - 2)]), paddedStride(in),
                  in, r0, r1, hiddenRows(ws.dz[static_cast<size_t>(L - 2)]));
    }
  });
  double loglik = 0.0;
  for (double v : ws.tileLogLik) loglik += v;

  // Hidden layers after the first, top down: gW_l = A_{l-1}^T dZ_l (sums over the rows in order),
  // gb_l = Σ_rows dZ_l, dZ_{l-1} = (dZ_l W_l^T) ⊙ [A_{l-1} > 0]. Each element is computed whole
  // by one block of a fixed partition (kernels::denseBlock), so no partial sums are combined.
  for (int l = L - 2; l >= 1; --l) {
    const int in = m_shape.sizes[l], out = m_shape.sizes[l + 1];
    const int ldIn = paddedStride(in), ldOut = paddedStride(out);
    float* gW = gsum + m_shape.weightOffset(l);
    float* gb = gsum + m_shape.biasOffset(l);
    const float* A = hiddenRows(ws.a[static_cast<size_t>(l - 1)]);
    const float* dZ = hiddenRows(ws.dz[static_cast<size_t>(l)]);
    ensureHidden(ws.dz[static_cast<size_t>(l - 1)], n, ldIn);
    float* dA = hiddenRows(ws.dz[static_cast<size_t>(l - 1)]);
    transposeInto(ws.hiddenWT, theta + m_shape.weightOffset(l), in, out);  // out x in
    const float* WT = ws.hiddenWT.data();
    const int64_t outBlocks = columnBlocks(out), gradTiles = rowTiles(in) * outBlocks;
    const int64_t inBlocks = columnBlocks(in), deltaTiles = rowTiles(n) * inBlocks;
    forBlocks(parallel, gradTiles + outBlocks + deltaTiles, [&](int64_t q) {
      if (q < gradTiles) {  // rows j of gW: column j of A, over the batch rows
        const int64_t j0 = (q / outBlocks) * kRowTile, j1 = std::min<int64_t>(in, j0 + kRowTile);
        const int c0 = static_cast<int>(q % outBlocks) * kColBlock;
        K.denseBlock(A, 1, ldIn, j0, j1, static_cast<int>(n), dZ, ldOut, nullptr, nullptr, 0,
                     kernels::kDenseNone, gW, out, c0, std::min(out, c0 + kColBlock) - c0);
      } else if (q < gradTiles + outBlocks) {
        const int c0 = static_cast<int>(q - gradTiles) * kColBlock;
        K.columnSums(dZ, ldOut, n, c0, std::min(out, c0 + kColBlock), gb);
      } else {
        const int64_t d = q - gradTiles - outBlocks;
        const int64_t r0 = (d / inBlocks) * kRowTile, r1 = std::min(n, r0 + kRowTile);
        const int c0 = static_cast<int>(d % inBlocks) * kColBlock;
        K.denseBlock(dZ, ldOut, 1, r0, r1, out, WT, in, nullptr, A, ldIn, kernels::kDenseMask, dA, ldIn, c0,
                     std::min(in, c0 + kColBlock) - c0);
      }
    });
  }

  // By column blocks: the first layer's weight gradient over column groups (kernels::
  // groupGradient: one dZ1 row serves four weight rows) with gb1 = Σ_i dZ1[i, :], and the output
  // layer's weight gradient for the same block of its inputs.
  const int in0 = m_shape.sizes[0], h = m_shape.sizes[1];
  const int ldh = L >= 2 ? paddedStride(h) : h;
  const int64_t firstBlocks = columnBlocks(h);
  const int inL = m_shape.sizes[L - 1];
  const int64_t outBlocks = L >= 2 ? columnBlocks(inL) : 0;
  forBlocks(parallel, std::max(firstBlocks, outBlocks), [&](int64_t blk) {
    if (blk < firstBlocks) {
      float* gW = gsum + m_shape.weightOffset(0);
      float* gb = gsum + m_shape.biasOffset(0);
      const float* dZ = L >= 2 ? hiddenRows(ws.dz[0]) : ws.dz[0].data();
      const int c0 = static_cast<int>(blk) * kColBlock, c1 = std::min(h, c0 + kColBlock);
      for (int g = 0; g < x.numGroups(); ++g) {
        const int64_t e0 = x.groupPtr[g], e1 = x.groupPtr[g + 1];
        const int p0 = g * SparseBatch::kGroup;
        K.groupGradient(x.groupRow.data() + e0, x.groupValues.data() + e0 * SparseBatch::kGroup, e1 - e0, dZ,
                        ldh, gW + int64_t{p0} * h, h, std::min(SparseBatch::kGroup, in0 - p0), c0, c1 - c0);
      }
      K.columnSums(dZ, ldh, n, c0, c1, gb);
    }
    if (blk < outBlocks) {
      const int j0 = static_cast<int>(blk) * kColBlock, j1 = std::min(inL, j0 + kColBlock);
      K.outputWeightGradient(hiddenRows(ws.a[static_cast<size_t>(L - 2)]), paddedStride(inL), n, dL.data(), k,
                             j0, j1, gsum + m_shape.weightOffset(L - 1));
    }
  });
  if (L >= 2) {
    float* gb = gsum + m_shape.biasOffset(L - 1);
    std::fill(gb, gb + k, 0.0f);
    for (int64_t i = 0; i < n; ++i)
      for (int c = 0; c < k; ++c) gb[c] += dL(i, c);
  }
  return loglik;
}

}  // namespace bnn
