// The MLP's inner loops for the baseline level: plain loops for any x86-64 CPU (compiled for
// x86-64 without extensions; GCC vectorises them with SSE2). Without fused multiply-adds the sums
// round differently from the avx512 and avx2 levels; they run in the same order otherwise.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "nn/kernels.h"

namespace bnn::baseline {
namespace {

using kernels::kColBlock;

// Eight columns at a time: their 4 x 8 sums stay in eight SSE registers while the entries stream
// by (an array of the block's 4 x 64 sums lived in memory: 64 loads and 64 stores per entry, and
// the kernel took 46% of a gradient). Each sum still adds v[j] * r[c] over the entries in order.
void groupGradient(const uint32_t* rows, const float* vals, int64_t n, const float* M, int64_t ldm,
                   float* out, int64_t ldo, int outRows, int c0, int width) {
  int c = 0;
  for (; c + 8 <= width; c += 8) {
    __m128 a00 = _mm_setzero_ps(), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00,
           a31 = a00;
    for (int64_t e = 0; e < n; ++e) {
      const float* v = vals + 4 * e;
      const float* r = M + static_cast<int64_t>(rows[e]) * ldm + c0 + c;
      const __m128 d0 = _mm_loadu_ps(r), d1 = _mm_loadu_ps(r + 4);
      const __m128 v0 = _mm_set1_ps(v[0]), v1 = _mm_set1_ps(v[1]), v2 = _mm_set1_ps(v[2]),
                   v3 = _mm_set1_ps(v[3]);
      a00 = _mm_add_ps(a00, _mm_mul_ps(v0, d0));
      a01 = _mm_add_ps(a01, _mm_mul_ps(v0, d1));
      a10 = _mm_add_ps(a10, _mm_mul_ps(v1, d0));
      a11 = _mm_add_ps(a11, _mm_mul_ps(v1, d1));
      a20 = _mm_add_ps(a20, _mm_mul_ps(v2, d0));
      a21 = _mm_add_ps(a21, _mm_mul_ps(v2, d1));
      a30 = _mm_add_ps(a30, _mm_mul_ps(v3, d0));
      a31 = _mm_add_ps(a31, _mm_mul_ps(v3, d1));
    }
    const __m128 sums[4][2] = {{a00, a01}, {a10, a11}, {a20, a21}, {a30, a31}};
    for (int j = 0; j < outRows; ++j) {
      _mm_storeu_ps(out + j * ldo + c0 + c, sums[j][0]);
      _mm_storeu_ps(out + j * ldo + c0 + c + 4, sums[j][1]);
    }
  }
  if (c < width) {  // the last 1-7 columns
    float acc[4][8] = {};
    for (int64_t e = 0; e < n; ++e) {
      const float* v = vals + 4 * e;
      const float* r = M + static_cast<int64_t>(rows[e]) * ldm + c0;
      for (int k = c; k < width; ++k) {
        acc[0][k - c] += v[0] * r[k];
        acc[1][k - c] += v[1] * r[k];
        acc[2][k - c] += v[2] * r[k];
        acc[3][k - c] += v[3] * r[k];
      }
    }
    for (int j = 0; j < outRows; ++j) std::copy_n(acc[j], width - c, out + j * ldo + c0 + c);
  }
}

void groupForward(const uint32_t* rows, const float* vals, int64_t n, const float* W, int64_t ldw, int wRows,
                  float* out, int64_t ldo, int c0, int width) {
  // Rows beyond wRows have zero values (the group's missing pixels), so they read row 0.
  const float* w0 = W + c0;
  const float* w1 = (wRows > 1 ? W + ldw : W) + c0;
  const float* w2 = (wRows > 2 ? W + 2 * ldw : W) + c0;
  const float* w3 = (wRows > 3 ? W + 3 * ldw : W) + c0;
  for (int64_t e = 0; e < n; ++e) {
    float* __restrict o = out + static_cast<int64_t>(rows[e]) * ldo + c0;
    const float* v = vals + 4 * e;
    for (int c = 0; c < width; ++c)
      o[c] = (((o[c] + v[0] * w0[c]) + v[1] * w1[c]) + v[2] * w2[c]) + v[3] * w3[c];
  }
}

void biasRows(float* Z, int64_t ldz, int64_t i0, int64_t i1, const float* b, int c0, int width) {
  for (int64_t i = i0; i < i1; ++i) std::memcpy(Z + i * ldz + c0, b + c0, sizeof(float) * width);
}

void reluRows(float* Z, int64_t ldz, int64_t i0, int64_t i1, int c0, int width) {
  for (int64_t i = i0; i < i1; ++i)
    for (int c = 0; c < width; ++c) Z[i * ldz + c0 + c] = std::max(Z[i * ldz + c0 + c], 0.0f);
}

void columnSums(const float* M, int64_t ldm, int64_t rows, int c0, int c1, float* out) {
  std::fill(out + c0, out + c1, 0.0f);
  for (int64_t i = 0; i < rows; ++i) {
    const float* r = M + i * ldm;
    for (int c = c0; c < c1; ++c) out[c] += r[c];
  }
}

void outputLogits(const float* A, int64_t lda, int64_t r0, int64_t r1, int in, const float* WT,
                  const float* b, int k, float* Z) {
  for (int64_t i = r0; i < r1; ++i) {
    const float* a = A + i * lda;
    for (int c = 0; c < k; ++c) {
      const float* w = WT + int64_t{c} * in;
      float s = 0.0f;
      for (int j = 0; j < in; ++j) s += a[j] * w[j];
      Z[i * k + c] = b[c] + s;
    }
  }
}

void outputWeightGradient(const float* A, int64_t lda, int64_t rows, const float* dZ, int k, int j0, int j1,
                          float* gW) {
  for (int j = j0; j < j1; ++j) std::fill(gW + int64_t{j} * k, gW + int64_t{j} * k + k, 0.0f);
  for (int64_t i = 0; i < rows; ++i) {
    const float* a = A + i * lda;
    const float* d = dZ + i * k;
    for (int j = j0; j < j1; ++j)
      for (int c = 0; c < k; ++c) gW[int64_t{j} * k + c] += a[j] * d[c];
  }
}

void reluDelta(const float* dZ, int k, const float* WT, const float* A, int64_t lda, int in, int64_t r0,
               int64_t r1, float* dA) {
  for (int64_t i = r0; i < r1; ++i) {
    const float* d = dZ + i * k;
    for (int j = 0; j < in; ++j) {
      float s = 0.0f;
      for (int c = 0; c < k; ++c) s += d[c] * WT[int64_t{c} * in + j];
      dA[i * lda + j] = A[i * lda + j] > 0.0f ? s : 0.0f;
    }
  }
}

// Dense layers: 4 rows x 8 columns in eight SSE registers, every element a chain over k in
// increasing order (a product, then an addition: no fused multiply-add at this level); the last
// 1-7 columns of a block one row and one column at a time, in the same order.
void denseBlock(const float* L, int64_t lrs, int64_t lks, int64_t r0, int64_t r1, int depth, const float* B,
                int64_t ldb, const float* bias, const float* M, int64_t ldm, int epilogue, float* C,
                int64_t ldc, int c0, int width) {
  auto finish = [&](int64_t r, int c, float x) {
    if (epilogue == kernels::kDenseRelu) x = std::max(x, 0.0f);
    if (epilogue == kernels::kDenseMask) x = M[r * ldm + c] > 0.0f ? x : 0.0f;
    C[r * ldc + c] = x;
  };
  int c = c0;
  for (; c + 8 <= c0 + width; c += 8) {
    const __m128 i0 = bias ? _mm_loadu_ps(bias + c) : _mm_setzero_ps();
    const __m128 i1 = bias ? _mm_loadu_ps(bias + c + 4) : _mm_setzero_ps();
    int64_t r = r0;
    for (; r + 4 <= r1; r += 4) {
      __m128 a00 = i0, a01 = i1, a10 = i0, a11 = i1, a20 = i0, a21 = i1, a30 = i0, a31 = i1;
      const float* l = L + r * lrs;
      const float* b = B + c;
      for (int k = 0; k < depth; ++k, l += lks, b += ldb) {
        const __m128 b0 = _mm_loadu_ps(b), b1 = _mm_loadu_ps(b + 4);
        const __m128 x0 = _mm_set1_ps(l[0]), x1 = _mm_set1_ps(l[lrs]), x2 = _mm_set1_ps(l[2 * lrs]),
                     x3 = _mm_set1_ps(l[3 * lrs]);
        a00 = _mm_add_ps(a00, _mm_mul_ps(x0, b0));
        a01 = _mm_add_ps(a01, _mm_mul_ps(x0, b1));
        a10 = _mm_add_ps(a10, _mm_mul_ps(x1, b0));
        a11 = _mm_add_ps(a11, _mm_mul_ps(x1, b1));
        a20 = _mm_add_ps(a20, _mm_mul_ps(x2, b0));
        a21 = _mm_add_ps(a21, _mm_mul_ps(x2, b1));
        a30 = _mm_add_ps(a30, _mm_mul_ps(x3, b0));
        a31 = _mm_add_ps(a31, _mm_mul_ps(x3, b1));
      }
      const __m128 sums[4][2] = {{a00, a01}, {a10, a11}, {a20, a21}, {a30, a31}};
      for (int i = 0; i < 4; ++i) {
        float t[8];
        _mm_storeu_ps(t, sums[i][0]);
        _mm_storeu_ps(t + 4, sums[i][1]);
        for (int q = 0; q < 8; ++q) finish(r + i, c + q, t[q]);
      }
    }
    for (; r < r1; ++r) {
      __m128 a0 = i0, a1 = i1;
      const float* l = L + r * lrs;
      const float* b = B + c;
      for (int k = 0; k < depth; ++k, l += lks, b += ldb) {
        const __m128 x = _mm_set1_ps(*l);
        a0 = _mm_add_ps(a0, _mm_mul_ps(x, _mm_loadu_ps(b)));
        a1 = _mm_add_ps(a1, _mm_mul_ps(x, _mm_loadu_ps(b + 4)));
      }
      float t[8];
      _mm_storeu_ps(t, a0);
      _mm_storeu_ps(t + 4, a1);
      for (int q = 0; q < 8; ++q) finish(r, c + q, t[q]);
    }
  }
  for (; c < c0 + width; ++c)
    for (int64_t r = r0; r < r1; ++r) {
      float s = bias ? bias[c] : 0.0f;
      for (int k = 0; k < depth; ++k) s += L[r * lrs + int64_t{k} * lks] * B[int64_t{k} * ldb + c];
      finish(r, c, s);
    }
}

void listGroups(const uint32_t* words, int64_t count, int groups, int64_t* next, uint32_t* groupRow,
                float* groupValues) {
  constexpr float kInv255 = 1.0f / 255.0f;
  for (int64_t i = 0; i < count; ++i) {
    const uint32_t* w = words + i * groups;
    for (int g = 0; g < groups; ++g) {
      if (w[g] == 0) continue;
      const int64_t dst = next[g]++;
      groupRow[dst] = static_cast<uint32_t>(i);
      uint8_t px[4];
      std::memcpy(px, &w[g], 4);
      for (int j = 0; j < 4; ++j) groupValues[dst * 4 + j] = static_cast<float>(px[j]) * kInv255;
    }
  }
}

}  // namespace
}  // namespace bnn::baseline

namespace bnn::kernels {
const NnKernels kNnKernelsBaseline = {
    baseline::groupForward, baseline::biasRows,     baseline::reluRows,  baseline::groupGradient,
    baseline::columnSums,   baseline::outputLogits, baseline::reluDelta, baseline::outputWeightGradient,
    baseline::denseBlock,   baseline::listGroups,
};
}  // namespace bnn::kernels
