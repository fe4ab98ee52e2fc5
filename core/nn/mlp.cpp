#include "nn/mlp.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#if defined(__AVX512F__)
#include <immintrin.h>
// GCC 12 reports a false 'may be used uninitialized' inside the masked-load intrinsics.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

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
// Sparse row x dense kernel. Columns are processed in blocks of up to 128 floats (8 AVX-512
// registers) that stay in registers while the sparse entries stream by.

namespace {

constexpr int kColBlock = 128;

#if defined(__AVX512F__)
template <int NV, class Index>
inline void kernelBlock(const Index* idx, const float* val, int64_t nnz, const float* M, int64_t ldm,
                        const float* bias, float* out, int c0, __mmask16 lastMask) {
  __m512 acc[NV];
  for (int j = 0; j < NV; ++j) {
    const __mmask16 m = (j == NV - 1) ? lastMask : __mmask16(0xFFFF);
    acc[j] = bias ? _mm512_maskz_loadu_ps(m, bias + c0 + 16 * j) : _mm512_setzero_ps();
  }
  for (int64_t e = 0; e < nnz; ++e) {
    const __m512 v = _mm512_set1_ps(val[e]);
    const float* row = M + static_cast<int64_t>(idx[e]) * ldm + c0;
    for (int j = 0; j < NV; ++j) {
      const __mmask16 m = (j == NV - 1) ? lastMask : __mmask16(0xFFFF);
      acc[j] = _mm512_fmadd_ps(v, _mm512_maskz_loadu_ps(m, row + 16 * j), acc[j]);
    }
  }
  for (int j = 0; j < NV; ++j) {
    const __mmask16 m = (j == NV - 1) ? lastMask : __mmask16(0xFFFF);
    _mm512_mask_storeu_ps(out + c0 + 16 * j, m, acc[j]);
  }
}
#endif

}  // namespace

template <class Index>
void sparseRowTimesDense(const Index* idx, const float* val, int64_t nnz, const float* M,
                         int64_t ldm, const float* bias, float* out, int c0, int c1) {
  for (int b = c0; b < c1; b += kColBlock) {
    const int width = std::min(kColBlock, c1 - b);
#if defined(__AVX512F__)
    const int nv = (width + 15) / 16;
    const int rem = width - 16 * (nv - 1);
    const __mmask16 lastMask = static_cast<__mmask16>((1u << rem) - 1u);
    switch (nv) {
      case 1: kernelBlock<1>(idx, val, nnz, M, ldm, bias, out, b, lastMask); break;
      case 2: kernelBlock<2>(idx, val, nnz, M, ldm, bias, out, b, lastMask); break;
      case 3: kernelBlock<3>(idx, val, nnz, M, ldm, bias, out, b, lastMask); break;
      case 4: kernelBlock<4>(idx, val, nnz, M, ldm, bias, out, b, lastMask); break;
      case 5: kernelBlock<5>(idx, val, nnz, M, ldm, bias, out, b, lastMask); break;
      case 6: kernelBlock<6>(idx, val, nnz, M, ldm, bias, out, b, lastMask); break;
      case 7: kernelBlock<7>(idx, val, nnz, M, ldm, bias, out, b, lastMask); break;
      default: kernelBlock<8>(idx, val, nnz, M, ldm, bias, out, b, lastMask); break;
    }
#else
    float acc[kColBlock];
    for (int j = 0; j < width; ++j) acc[j] = bias ? bias[b + j] : 0.0f;
    for (int64_t e = 0; e < nnz; ++e) {
      const float v = val[e];
      const float* row = M + static_cast<int64_t>(idx[e]) * ldm + b;
      for (int j = 0; j < width; ++j) acc[j] += v * row[j];
    }
    for (int j = 0; j < width; ++j) out[b + j] = acc[j];
#endif
  }
}

template void sparseRowTimesDense<uint16_t>(const uint16_t*, const float*, int64_t, const float*,
                                            int64_t, const float*, float*, int, int);
template void sparseRowTimesDense<uint32_t>(const uint32_t*, const float*, int64_t, const float*,
                                            int64_t, const float*, float*, int, int);

// ---------------------------------------------------------------------------------------------

Mlp::Mlp(MlpShape shape) : m_shape(std::move(shape)) { assert(m_shape.numLayers() >= 1); }

namespace {

using RowMap = Eigen::Map<const RowMatrixXf>;
using VecMap = Eigen::Map<const Eigen::RowVectorXf>;

// Fixed column blocks of the first layer: the partition depends only on the width.
int firstLayerBlocks(int width) { return (width + kColBlock - 1) / kColBlock; }

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

  // Layer 0: Z1 (n x h1) = X W1 + b1 with X sparse (n x 784).
  {
    const int h = m_shape.sizes[1];
    ensure(ws.z[0], n, h);
    const float* W = theta + m_shape.weightOffset(0);
    const float* b = theta + m_shape.biasOffset(0);
    float* Z = ws.z[0].data();
    auto block = [&](int64_t blk) {
      const int c0 = static_cast<int>(blk) * kColBlock, c1 = std::min(h, c0 + kColBlock);
      for (int64_t i = 0; i < n; ++i) {
        const int64_t e0 = x.rowPtr[i], e1 = x.rowPtr[i + 1];
        sparseRowTimesDense(x.colIdx.data() + e0, x.values.data() + e0, e1 - e0, W, h, b, Z + i * h, c0, c1);
      }
    };
    if (parallel) parallelBlocks(firstLayerBlocks(h), block);
    else for (int64_t blk = 0; blk < firstLayerBlocks(h); ++blk) block(blk);
  }
  // Hidden activations and dense layers: A_l = ReLU(Z_l); Z_{l+1} = A_l W_{l+1} + b_{l+1}.
  for (int l = 1; l < L; ++l) {
    const int in = m_shape.sizes[l], out = m_shape.sizes[l + 1];
    ensure(ws.a[l - 1], n, in);
    ws.a[l - 1] = ws.z[l - 1].cwiseMax(0.0f);
    ensure(ws.z[l], n, out);
    RowMap W(theta + m_shape.weightOffset(l), in, out);
    VecMap b(theta + m_shape.biasOffset(l), out);
    ws.z[l].noalias() = ws.a[l - 1] * W;
    ws.z[l].rowwise() += b;
  }
}

namespace {
// In place: logits -> log-softmax, row by row (rows x k).
void logSoftmaxRows(float* z, int64_t rows, int k) {
  for (int64_t i = 0; i < rows; ++i) {
    float* r = z + i * k;
    float m = r[0];
    for (int c = 1; c < k; ++c) m = std::max(m, r[c]);
    float s = 0.0f;
    for (int c = 0; c < k; ++c) s += std::exp(r[c] - m);
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
    ws.dz[l - 1] = (ws.z[l - 1].array() > 0.0f).select(ws.dz[l - 1], 0.0f);
  }

  // First layer with sparse input: gW1[k, :] = Σ_{i: x_ik != 0} x_ik dZ1[i, :]; gb1 = Σ_i dZ1[i, :].
  {
    const int in = m_shape.sizes[0], h = m_shape.sizes[1];
    float* gW = gsum + m_shape.weightOffset(0);
    float* gb = gsum + m_shape.biasOffset(0);
    const float* dZ = ws.dz[0].data();
    auto block = [&](int64_t blk) {
      const int c0 = static_cast<int>(blk) * kColBlock, c1 = std::min(h, c0 + kColBlock);
      for (int p = 0; p < in; ++p) {
        const int64_t e0 = x.colPtr[p], e1 = x.colPtr[p + 1];
        sparseRowTimesDense(x.rowIdx.data() + e0, x.colValues.data() + e0, e1 - e0, dZ, h, nullptr,
                            gW + int64_t{p} * h, c0, c1);
      }
      for (int c = c0; c < c1; ++c) {
        float s = 0.0f;
        for (int64_t i = 0; i < n; ++i) s += dZ[i * h + c];
        gb[c] = s;
      }
    };
    if (parallel) parallelBlocks(firstLayerBlocks(h), block);
    else for (int64_t blk = 0; blk < firstLayerBlocks(h); ++blk) block(blk);
  }
  return loglik;
}

}  // namespace bnn
