#include "nn/mlp.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

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
// First-layer kernels over column groups (see nn/sparse_batch.h). Columns of the layer are taken
// in blocks of 64 floats (4 AVX-512 registers); vectors beyond `width` have an empty mask, so
// their loads return zero and their stores are skipped.

namespace {

constexpr int kColBlock = 64;

// Weight-gradient rows of one column group: out[j, c0 .. c0+width) = Σ_e vals[4e + j] *
// M[rows[e], c0 .. c0+width) for j < outRows (up to 4), width <= kColBlock. Sixteen named
// accumulators in registers (GCC spills an array of __m512 on every iteration); each M row
// segment is loaded once for all four outputs.

inline void groupGradient(const uint32_t* rows, const float* vals, int64_t n, const float* M, int64_t ldm,
                            float* out, int64_t ldo, int outRows, int c0, int width) {
#if defined(__AVX512F__)
  auto maskFor = [width](int j) -> __mmask16 {
    const int rem = width - 16 * j;
    return rem >= 16 ? __mmask16(0xFFFF) : rem <= 0 ? __mmask16(0) : __mmask16((1u << rem) - 1u);
  };
  const __mmask16 k0 = maskFor(0), k1 = maskFor(1), k2 = maskFor(2), k3 = maskFor(3);
  __m512 a00 = _mm512_setzero_ps(), a01 = a00, a02 = a00, a03 = a00;
  __m512 a10 = a00, a11 = a00, a12 = a00, a13 = a00;
  __m512 a20 = a00, a21 = a00, a22 = a00, a23 = a00;
  __m512 a30 = a00, a31 = a00, a32 = a00, a33 = a00;
  for (int64_t e = 0; e < n; ++e) {
    const float* r = M + static_cast<int64_t>(rows[e]) * ldm + c0;
    const __m512 d0 = _mm512_maskz_loadu_ps(k0, r), d1 = _mm512_maskz_loadu_ps(k1, r + 16);
    const __m512 d2 = _mm512_maskz_loadu_ps(k2, r + 32), d3 = _mm512_maskz_loadu_ps(k3, r + 48);
    const float* v = vals + 4 * e;
    const __m512 v0 = _mm512_set1_ps(v[0]), v1 = _mm512_set1_ps(v[1]);
    const __m512 v2 = _mm512_set1_ps(v[2]), v3 = _mm512_set1_ps(v[3]);
    a00 = _mm512_fmadd_ps(v0, d0, a00); a01 = _mm512_fmadd_ps(v0, d1, a01);
    a02 = _mm512_fmadd_ps(v0, d2, a02); a03 = _mm512_fmadd_ps(v0, d3, a03);
    a10 = _mm512_fmadd_ps(v1, d0, a10); a11 = _mm512_fmadd_ps(v1, d1, a11);
    a12 = _mm512_fmadd_ps(v1, d2, a12); a13 = _mm512_fmadd_ps(v1, d3, a13);
    a20 = _mm512_fmadd_ps(v2, d0, a20); a21 = _mm512_fmadd_ps(v2, d1, a21);
    a22 = _mm512_fmadd_ps(v2, d2, a22); a23 = _mm512_fmadd_ps(v2, d3, a23);
    a30 = _mm512_fmadd_ps(v3, d0, a30); a31 = _mm512_fmadd_ps(v3, d1, a31);
    a32 = _mm512_fmadd_ps(v3, d2, a32); a33 = _mm512_fmadd_ps(v3, d3, a33);
  }
  auto store = [&](int j, __m512 x0, __m512 x1, __m512 x2, __m512 x3) {
    if (j >= outRows) return;
    float* o = out + j * ldo + c0;
    _mm512_mask_storeu_ps(o, k0, x0); _mm512_mask_storeu_ps(o + 16, k1, x1);
    _mm512_mask_storeu_ps(o + 32, k2, x2); _mm512_mask_storeu_ps(o + 48, k3, x3);
  };
  store(0, a00, a01, a02, a03);
  store(1, a10, a11, a12, a13);
  store(2, a20, a21, a22, a23);
  store(3, a30, a31, a32, a33);
#else
  float acc[4][kColBlock] = {};
  for (int64_t e = 0; e < n; ++e) {
    const float* v = vals + 4 * e;
    const float* r = M + static_cast<int64_t>(rows[e]) * ldm + c0;
    for (int c = 0; c < width; ++c) {
      acc[0][c] += v[0] * r[c];
      acc[1][c] += v[1] * r[c];
      acc[2][c] += v[2] * r[c];
      acc[3][c] += v[3] * r[c];
    }
  }
  for (int j = 0; j < outRows; ++j) std::copy_n(acc[j], width, out + j * ldo + c0);
#endif
}

// Forward product of one tile of images through one column group: for each listed image i,
// out[i, c0 .. c0+width) += Σ_j vals[4e + j] * W[p0 + j, c0 .. c0+width), the four terms in pixel
// order (one fused multiply-add each, as one pixel at a time would do). The four weight-row
// segments stay in registers while the images of the tile stream by; the output rows of a tile
// stay in L1.
inline void groupForward(const uint32_t* rows, const float* vals, int64_t n, const float* W, int64_t ldw,
                         int wRows, float* out, int64_t ldo, int c0, int width) {
#if defined(__AVX512F__)
  auto maskFor = [width](int j) -> __mmask16 {
    const int rem = width - 16 * j;
    return rem >= 16 ? __mmask16(0xFFFF) : rem <= 0 ? __mmask16(0) : __mmask16((1u << rem) - 1u);
  };
  const __mmask16 k0 = maskFor(0), k1 = maskFor(1), k2 = maskFor(2), k3 = maskFor(3);
  auto row = [&](int j, int v) {
    return j < wRows ? _mm512_maskz_loadu_ps(maskFor(v), W + j * ldw + c0 + 16 * v) : _mm512_setzero_ps();
  };
  const __m512 w00 = row(0, 0), w01 = row(0, 1), w02 = row(0, 2), w03 = row(0, 3);
  const __m512 w10 = row(1, 0), w11 = row(1, 1), w12 = row(1, 2), w13 = row(1, 3);
  const __m512 w20 = row(2, 0), w21 = row(2, 1), w22 = row(2, 2), w23 = row(2, 3);
  const __m512 w30 = row(3, 0), w31 = row(3, 1), w32 = row(3, 2), w33 = row(3, 3);
  for (int64_t e = 0; e < n; ++e) {
    float* o = out + static_cast<int64_t>(rows[e]) * ldo + c0;
    const float* v = vals + 4 * e;
    __m512 o0 = _mm512_maskz_loadu_ps(k0, o), o1 = _mm512_maskz_loadu_ps(k1, o + 16);
    __m512 o2 = _mm512_maskz_loadu_ps(k2, o + 32), o3 = _mm512_maskz_loadu_ps(k3, o + 48);
    const __m512 v0 = _mm512_set1_ps(v[0]), v1 = _mm512_set1_ps(v[1]);
    const __m512 v2 = _mm512_set1_ps(v[2]), v3 = _mm512_set1_ps(v[3]);
    o0 = _mm512_fmadd_ps(v0, w00, o0); o1 = _mm512_fmadd_ps(v0, w01, o1);
    o2 = _mm512_fmadd_ps(v0, w02, o2); o3 = _mm512_fmadd_ps(v0, w03, o3);
    o0 = _mm512_fmadd_ps(v1, w10, o0); o1 = _mm512_fmadd_ps(v1, w11, o1);
    o2 = _mm512_fmadd_ps(v1, w12, o2); o3 = _mm512_fmadd_ps(v1, w13, o3);
    o0 = _mm512_fmadd_ps(v2, w20, o0); o1 = _mm512_fmadd_ps(v2, w21, o1);
    o2 = _mm512_fmadd_ps(v2, w22, o2); o3 = _mm512_fmadd_ps(v2, w23, o3);
    o0 = _mm512_fmadd_ps(v3, w30, o0); o1 = _mm512_fmadd_ps(v3, w31, o1);
    o2 = _mm512_fmadd_ps(v3, w32, o2); o3 = _mm512_fmadd_ps(v3, w33, o3);
    _mm512_mask_storeu_ps(o, k0, o0); _mm512_mask_storeu_ps(o + 16, k1, o1);
    _mm512_mask_storeu_ps(o + 32, k2, o2); _mm512_mask_storeu_ps(o + 48, k3, o3);
  }
#else
  // Rows beyond wRows have zero values (the group's missing pixels), so they read row 0.
  const float* w0 = W;
  const float* w1 = wRows > 1 ? W + ldw : W;
  const float* w2 = wRows > 2 ? W + 2 * ldw : W;
  const float* w3 = wRows > 3 ? W + 3 * ldw : W;
  for (int64_t e = 0; e < n; ++e) {
    float* __restrict o = out + static_cast<int64_t>(rows[e]) * ldo + c0;
    const float* v = vals + 4 * e;
    for (int c = 0; c < width; ++c)
      o[c] = (((o[c] + v[0] * w0[c + c0]) + v[1] * w1[c + c0]) + v[2] * w2[c + c0]) + v[3] * w3[c + c0];
  }
#endif
}

}  // namespace

// ---------------------------------------------------------------------------------------------

Mlp::Mlp(MlpShape shape) : m_shape(std::move(shape)) { assert(m_shape.numLayers() >= 1); }

namespace {

using RowMap = Eigen::Map<const RowMatrixXf>;
using VecMap = Eigen::Map<const Eigen::RowVectorXf>;

// Fixed column blocks of the first layer: the partition depends only on the width.
int64_t firstLayerBlocks(int width) { return (width + kColBlock - 1) / kColBlock; }

void ensure(RowMatrixXf& m, int64_t rows, int cols) {
  if (m.rows() != rows || m.cols() != cols) m.resize(rows, cols);
}

}  // namespace

void Mlp::forward(const float* theta, const SparseBatch& x, MlpWorkspace& ws, bool parallel) const {
  const int L = m_shape.numLayers();
  const int64_t n = x.rows;
  ws.z.resize(static_cast<size_t>(L));
  ws.a.resize(static_cast<size_t>(L));
  ws.dz.resize(static_cast<size_t>(L));

  // Layer 0: Z1 (n x h1) = X W1 + b1 with X sparse (n x 784). When it is a hidden layer, the
  // kernel stores A1 = ReLU(Z1) directly (Z1 > 0 exactly where A1 > 0, all backprop needs).
  {
    const int h = m_shape.sizes[1];
    const bool hidden = L > 1;
    RowMatrixXf& dst = hidden ? ws.a[0] : ws.z[0];
    ensure(dst, n, h);
    const float* W = theta + m_shape.weightOffset(0);
    const float* b = theta + m_shape.biasOffset(0);
    float* Z = dst.data();
    // Tiles of images x 64 columns, column group by column group (see groupForward); ReLU
    // when the tile is done.
    const int in = m_shape.sizes[0];
    const int groups = x.numGroups(), tiles = x.numTiles();
    auto block = [&](int64_t blk) {
      const int c0 = static_cast<int>(blk) * kColBlock, width = std::min(h, c0 + kColBlock) - c0;
      for (int t = 0; t < tiles; ++t) {
        const int64_t i0 = int64_t{t} * SparseBatch::kTile, i1 = std::min(n, i0 + SparseBatch::kTile);
        for (int64_t i = i0; i < i1; ++i) std::copy_n(b + c0, width, Z + i * h + c0);
        for (int g = 0; g < groups; ++g) {
          const int64_t e0 = x.tileStart(g, t), e1 = x.tileStart(g, t + 1);
          if (e0 == e1) continue;
          const int p0 = g * SparseBatch::kGroup;
          groupForward(x.groupRow.data() + e0, x.groupValues.data() + e0 * SparseBatch::kGroup, e1 - e0,
                       W + int64_t{p0} * h, h, std::min(SparseBatch::kGroup, in - p0), Z, h, c0, width);
        }
        if (hidden)
          for (int64_t i = i0; i < i1; ++i)
            for (int c = c0; c < c0 + width; ++c) Z[i * h + c] = std::max(Z[i * h + c], 0.0f);
      }
    };
    if (parallel) parallelBlocks(firstLayerBlocks(h), block);
    else for (int64_t blk = 0; blk < firstLayerBlocks(h); ++blk) block(blk);
  }
  forwardDense(theta, n, ws);
}

void Mlp::forwardDense(const float* theta, int64_t n, MlpWorkspace& ws) const {
  const int L = m_shape.numLayers();
  // Hidden activations and dense layers: A_l = ReLU(Z_l); Z_{l+1} = A_l W_{l+1} + b_{l+1}.
  for (int l = 1; l < L; ++l) {
    const int in = m_shape.sizes[l], out = m_shape.sizes[l + 1];
    if (l > 1) {
      ensure(ws.a[l - 1], n, in);
      ws.a[l - 1] = ws.z[l - 1].cwiseMax(0.0f);
    }
    ensure(ws.z[l], n, out);
    RowMap W(theta + m_shape.weightOffset(l), in, out);
    VecMap b(theta + m_shape.biasOffset(l), out);
    ws.z[l].noalias() = ws.a[l - 1] * W;
    ws.z[l].rowwise() += b;
  }
}

namespace {
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
  forward(theta, x, ws, parallel);
  const int L = m_shape.numLayers();
  const int64_t n = x.rows;
  const int k = numClasses();

  // Output: log p = log_softmax(Z_L); d/dZ_L of Σ_i log p(y_i) = onehot(y) - softmax(Z_L).
  RowMatrixXf& zL = ws.z[static_cast<size_t>(L - 1)];
  logSoftmaxRows(zL.data(), n, k);
  ensure(ws.dz[L - 1], n, k);
  double loglik = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    loglik += zL(i, labels[i]);
    for (int c = 0; c < k; ++c) ws.dz[L - 1](i, c) = -std::exp(zL(i, c));
    ws.dz[L - 1](i, labels[i]) += 1.0f;
  }

  // Dense layers, top down: gW_l = A_{l-1}^T dZ_l, gb_l = Σ_rows dZ_l, dZ_{l-1} = (dZ_l W_l^T) ⊙ [Z_{l-1} > 0].
  for (int l = L - 1; l >= 1; --l) {
    const int in = m_shape.sizes[l], out = m_shape.sizes[l + 1];
    Eigen::Map<RowMatrixXf> gW(gsum + m_shape.weightOffset(l), in, out);
    Eigen::Map<Eigen::RowVectorXf> gb(gsum + m_shape.biasOffset(l), out);
    gW.noalias() = ws.a[l - 1].transpose() * ws.dz[l];
    gb = ws.dz[l].colwise().sum();
    RowMap W(theta + m_shape.weightOffset(l), in, out);
    ensure(ws.dz[l - 1], n, in);
    ws.dz[l - 1].noalias() = ws.dz[l] * W.transpose();
    ws.dz[l - 1] = (ws.a[l - 1].array() > 0.0f).select(ws.dz[l - 1], 0.0f);  // ReLU'(Z) = [A > 0]
  }

  // First layer with sparse input: gW1[p, :] = Σ_{i: x_ip != 0} x_ip dZ1[i, :]; gb1 = Σ_i dZ1[i, :].
  // Four weight rows (a column group of x) at a time, so each dZ1 row is loaded once per group;
  // the images of a group come in increasing order, as they would pixel by pixel, and the zero
  // values in a group add exact zeros: the sums are the same as one pixel at a time.
  {
    const int in = m_shape.sizes[0], h = m_shape.sizes[1];
    float* gW = gsum + m_shape.weightOffset(0);
    float* gb = gsum + m_shape.biasOffset(0);
    const float* dZ = ws.dz[0].data();
    const int groups = x.numGroups();
    auto block = [&](int64_t blk) {
      const int c0 = static_cast<int>(blk) * kColBlock, c1 = std::min(h, c0 + kColBlock);
      for (int g = 0; g < groups; ++g) {
        const int64_t e0 = x.groupPtr[g], e1 = x.groupPtr[g + 1];
        const int p0 = g * SparseBatch::kGroup;
        groupGradient(x.groupRow.data() + e0, x.groupValues.data() + e0 * SparseBatch::kGroup, e1 - e0, dZ,
                        h, gW + int64_t{p0} * h, h, std::min(SparseBatch::kGroup, in - p0), c0, c1 - c0);
      }
      // Row by row so the inner loop is contiguous and vectorises.
      std::fill(gb + c0, gb + c1, 0.0f);
      for (int64_t i = 0; i < n; ++i) {
        const float* row = dZ + i * h;
        for (int c = c0; c < c1; ++c) gb[c] += row[c];
      }
    };
    if (parallel) parallelBlocks(firstLayerBlocks(h), block);
    else for (int64_t blk = 0; blk < firstLayerBlocks(h); ++blk) block(blk);
  }
  return loglik;
}

}  // namespace bnn
