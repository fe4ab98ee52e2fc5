// The MLP's inner loops for the baseline level: plain loops for any x86-64 CPU (compiled for
// x86-64 without extensions; GCC vectorises them with SSE2). Without fused multiply-adds the sums
// round differently from the avx512 and avx2 levels; they run in the same order otherwise.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "nn/kernels.h"

namespace bnn::baseline {
namespace {

using kernels::kColBlock;

void groupGradient(const uint32_t* rows, const float* vals, int64_t n, const float* M, int64_t ldm,
                   float* out, int64_t ldo, int outRows, int c0, int width) {
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
    baseline::listGroups,
};
}  // namespace bnn::kernels
