// The MLP's inner loops for the avx2 level (x86-64-v3: AVX2 + FMA, 16 vector registers of 8
// floats). Compiled with the AVX2 flags: this file includes no header with inline code of its own
// (nn/kernels.h has none), keeps its helpers in bnn::avx2, and is only entered through
// kNnKernelsAvx2 once the CPU has been checked.
//
// Same bits as the avx512 level: every output element sees the same fused multiply-adds in the
// same order (only the blocking into registers differs: 8 floats per register instead of 16, and
// 16 registers instead of 32), and the one horizontal sum (logits) runs the 16-lane tree of the
// avx512 level on two 8-lane halves.
#include <immintrin.h>

#include <cstdint>

#include "nn/kernels.h"

namespace bnn::avx2 {
namespace {

// Mask vector with lanes [0, rem) set, for _mm256_maskload_ps / _mm256_maskstore_ps.
inline __m256i lanes(int rem) {
  alignas(32) static constexpr int32_t kTable[24] = {0,  0,  0,  0,  0, 0, 0, 0, -1, -1, -1, -1,
                                                     -1, -1, -1, -1, 0, 0, 0, 0, 0,  0,  0,  0};
  rem = rem < 0 ? 0 : rem > 8 ? 8 : rem;
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kTable + 16 - rem));
}

// Loads and stores of NV consecutive vectors; masked ones (the last, partial vectors of a block)
// read zeros beyond `rem` floats and write nothing there.
template <bool kMasked>
inline __m256 load(const float* p, int rem) {
  if constexpr (kMasked)
    return _mm256_maskload_ps(p, lanes(rem));
  else
    return _mm256_loadu_ps(p);
}
template <bool kMasked>
inline void store(float* p, __m256 v, int rem) {
  if constexpr (kMasked)
    _mm256_maskstore_ps(p, lanes(rem), v);
  else
    _mm256_storeu_ps(p, v);
}

// Splits the columns [0, width) of a block into runs of 24, 16 or 8 floats (3, 2 or 1 registers
// per row) and a masked run for the last 1-7: f.template operator()<NV, kMasked>(offset, rem).
template <class F>
inline void forColumnRuns(int width, const F& f) {
  int cs = 0;
  for (; width - cs >= 24; cs += 24) f.template operator()<3, false>(cs, 24);
  if (width - cs >= 16) {
    f.template operator()<2, false>(cs, 16);
    cs += 16;
  } else if (width - cs >= 8) {
    f.template operator()<1, false>(cs, 8);
    cs += 8;
  }
  if (cs < width) f.template operator()<1, true>(cs, width - cs);
}

// The horizontal sum of the avx512 level's 16-lane vector (lanes 0-7 in lo, 8-15 in hi):
// hi + lo, upper + lower 128 bits, lanes {2,3} + {0,1}, lane 0 + lane 1.
inline float sum16(__m256 lo, __m256 hi) {
  const __m256 t3 = _mm256_add_ps(hi, lo);
  const __m128 t6 = _mm_add_ps(_mm256_extractf128_ps(t3, 1), _mm256_castps256_ps128(t3));
  const __m128 t8 = _mm_add_ps(t6, _mm_shuffle_ps(t6, t6, _MM_SHUFFLE(1, 0, 3, 2)));
  return _mm_cvtss_f32(_mm_add_ss(t8, _mm_shuffle_ps(t8, t8, _MM_SHUFFLE(1, 1, 1, 1))));
}

// ---------------------------------------------------------------------------------------------
// First layer.

// Forward for one run of columns [c, c + 8 NV) of the block: the run's weights of the group's
// four rows stay in registers (4 NV of them) while the images stream by.
template <int NV, bool kMasked>
void forwardRun(const uint32_t* rows, const float* vals, int64_t n, const float* W, int64_t ldw, int wRows,
                float* out, int64_t ldo, int c, int rem) {
  __m256 w[4][NV];
#pragma GCC unroll 4
  for (int j = 0; j < 4; ++j)
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v)
      w[j][v] = j < wRows ? load<kMasked>(W + j * ldw + c + 8 * v, rem - 8 * v) : _mm256_setzero_ps();
  for (int64_t e = 0; e < n; ++e) {
    float* o = out + static_cast<int64_t>(rows[e]) * ldo + c;
    const float* x = vals + 4 * e;
    __m256 acc[NV];
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v) acc[v] = load<kMasked>(o + 8 * v, rem - 8 * v);
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) {
      const __m256 xj = _mm256_broadcast_ss(x + j);
#pragma GCC unroll 3
      for (int v = 0; v < NV; ++v) acc[v] = _mm256_fmadd_ps(xj, w[j][v], acc[v]);
    }
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v) store<kMasked>(o + 8 * v, acc[v], rem - 8 * v);
  }
}

void groupForward(const uint32_t* rows, const float* vals, int64_t n, const float* W, int64_t ldw, int wRows,
                  float* out, int64_t ldo, int c0, int width) {
  forColumnRuns(width, [&]<int NV, bool kMasked>(int cs, int rem) {
    forwardRun<NV, kMasked>(rows, vals, n, W, ldw, wRows, out, ldo, c0 + cs, rem);
  });
}

// Weight gradient for one run of columns and the entries [e0, e1): 4 NV accumulators, starting
// from zero (`fresh`) or from the partial sums of earlier entries in `out`; each M row segment
// is loaded once for the four output rows.
template <int NV, bool kMasked>
void gradientRun(const uint32_t* rows, const float* vals, int64_t e0, int64_t e1, bool fresh, const float* M,
                 int64_t ldm, float* out, int64_t ldo, int outRows, int c, int rem) {
  __m256 acc[4][NV];
#pragma GCC unroll 4
  for (int j = 0; j < 4; ++j)
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v)
      acc[j][v] =
          fresh || j >= outRows ? _mm256_setzero_ps() : load<kMasked>(out + j * ldo + c + 8 * v, rem - 8 * v);
  for (int64_t e = e0; e < e1; ++e) {
    const float* r = M + static_cast<int64_t>(rows[e]) * ldm + c;
    const float* x = vals + 4 * e;
    __m256 d[NV];
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v) d[v] = load<kMasked>(r + 8 * v, rem - 8 * v);
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) {
      const __m256 xj = _mm256_broadcast_ss(x + j);
#pragma GCC unroll 3
      for (int v = 0; v < NV; ++v) acc[j][v] = _mm256_fmadd_ps(xj, d[v], acc[j][v]);
    }
  }
#pragma GCC unroll 4
  for (int j = 0; j < 4; ++j)
    if (j < outRows)
#pragma GCC unroll 3
      for (int v = 0; v < NV; ++v) store<kMasked>(out + j * ldo + c + 8 * v, acc[j][v], rem - 8 * v);
}

// The block's 64 columns need 32 accumulators, twice the registers AVX2 has: the entries are
// taken in chunks whose M rows stay in L1 while each run of columns passes over them, and the
// runs carry their sums from chunk to chunk through `out` (every sum still runs over the
// entries in order).
void groupGradient(const uint32_t* rows, const float* vals, int64_t n, const float* M, int64_t ldm,
                   float* out, int64_t ldo, int outRows, int c0, int width) {
  constexpr int64_t kChunk = 48;
  for (int64_t e0 = 0; e0 < n || e0 == 0; e0 += kChunk) {
    const int64_t e1 = n - e0 < kChunk ? n : e0 + kChunk;
    forColumnRuns(width, [&]<int NV, bool kMasked>(int cs, int rem) {
      gradientRun<NV, kMasked>(rows, vals, e0, e1, e0 == 0, M, ldm, out, ldo, outRows, c0 + cs, rem);
    });
  }
}

void biasRows(float* Z, int64_t ldz, int64_t i0, int64_t i1, const float* b, int c0, int width) {
  for (int64_t i = i0; i < i1; ++i) {
    float* z = Z + i * ldz + c0;
    int c = 0;
    for (; c + 8 <= width; c += 8) _mm256_storeu_ps(z + c, _mm256_loadu_ps(b + c0 + c));
    if (c < width) store<true>(z + c, load<true>(b + c0 + c, width - c), width - c);
  }
}

void reluRows(float* Z, int64_t ldz, int64_t i0, int64_t i1, int c0, int width) {
  const __m256 zero = _mm256_setzero_ps();
  for (int64_t i = i0; i < i1; ++i) {
    float* z = Z + i * ldz + c0;
    int c = 0;
    for (; c + 8 <= width; c += 8) _mm256_storeu_ps(z + c, _mm256_max_ps(_mm256_loadu_ps(z + c), zero));
    if (c < width) store<true>(z + c, _mm256_max_ps(load<true>(z + c, width - c), zero), width - c);
  }
}

template <int NV, bool kMasked>
void columnSumsRun(const float* M, int64_t ldm, int64_t rows, int c, int rem, float* out) {
  __m256 s[NV];
#pragma GCC unroll 3
  for (int v = 0; v < NV; ++v) s[v] = _mm256_setzero_ps();
  for (int64_t i = 0; i < rows; ++i)
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v)
      s[v] = _mm256_add_ps(s[v], load<kMasked>(M + i * ldm + c + 8 * v, rem - 8 * v));
#pragma GCC unroll 3
  for (int v = 0; v < NV; ++v) store<kMasked>(out + c + 8 * v, s[v], rem - 8 * v);
}

void columnSums(const float* M, int64_t ldm, int64_t rows, int c0, int c1, float* out) {
  for (int c = c0; c < c1; c += kernels::kColBlock) {
    const int w = c1 - c < kernels::kColBlock ? c1 - c : kernels::kColBlock;
    forColumnRuns(w, [&]<int NV, bool kMasked>(int cs, int rem) {
      columnSumsRun<NV, kMasked>(M, ldm, rows, c + cs, rem, out);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Output layer: the avx512 level's 16-lane loops on pairs of 8-lane halves.

template <int KC>
void logitsChunk(const float* A, int64_t lda, int64_t r0, int64_t r1, int in, const float* WT, const float* b,
                 int k, int c0, float* Z) {
  for (int64_t i = r0; i < r1; ++i) {
    const float* a = A + i * lda;
    __m256 lo[KC], hi[KC];
#pragma GCC unroll 8
    for (int c = 0; c < KC; ++c) lo[c] = hi[c] = _mm256_setzero_ps();
    int j = 0;
    for (; j + 16 <= in; j += 16) {
      const __m256 xl = _mm256_loadu_ps(a + j), xh = _mm256_loadu_ps(a + j + 8);
#pragma GCC unroll 8
      for (int c = 0; c < KC; ++c) {
        const float* w = WT + int64_t{c0 + c} * in + j;
        lo[c] = _mm256_fmadd_ps(xl, _mm256_loadu_ps(w), lo[c]);
        hi[c] = _mm256_fmadd_ps(xh, _mm256_loadu_ps(w + 8), hi[c]);
      }
    }
    if (j < in) {
      const __m256i ml = lanes(in - j), mh = lanes(in - j - 8);
      const __m256 xl = _mm256_maskload_ps(a + j, ml), xh = _mm256_maskload_ps(a + j + 8, mh);
#pragma GCC unroll 8
      for (int c = 0; c < KC; ++c) {
        const float* w = WT + int64_t{c0 + c} * in + j;
        lo[c] = _mm256_fmadd_ps(xl, _mm256_maskload_ps(w, ml), lo[c]);
        hi[c] = _mm256_fmadd_ps(xh, _mm256_maskload_ps(w + 8, mh), hi[c]);
      }
    }
#pragma GCC unroll 8
    for (int c = 0; c < KC; ++c) Z[i * k + c0 + c] = b[c0 + c] + sum16(lo[c], hi[c]);
  }
}

template <int KC>
void weightGradientChunk(const float* A, int64_t lda, int64_t rows, const float* dZ, int k, int c0, int j0,
                         int j1, float* gW) {
  for (int j = j0; j < j1; j += 16) {
    const __m256i ml = lanes(j1 - j), mh = lanes(j1 - j - 8);
    __m256 lo[KC], hi[KC];
#pragma GCC unroll 8
    for (int c = 0; c < KC; ++c) lo[c] = hi[c] = _mm256_setzero_ps();
    if (j + 16 <= j1) {
      for (int64_t i = 0; i < rows; ++i) {
        const __m256 xl = _mm256_loadu_ps(A + i * lda + j), xh = _mm256_loadu_ps(A + i * lda + j + 8);
        const float* d = dZ + i * k + c0;
#pragma GCC unroll 8
        for (int c = 0; c < KC; ++c) {
          const __m256 dc = _mm256_broadcast_ss(d + c);
          lo[c] = _mm256_fmadd_ps(xl, dc, lo[c]);
          hi[c] = _mm256_fmadd_ps(xh, dc, hi[c]);
        }
      }
    } else {
      for (int64_t i = 0; i < rows; ++i) {
        const __m256 xl = _mm256_maskload_ps(A + i * lda + j, ml);
        const __m256 xh = _mm256_maskload_ps(A + i * lda + j + 8, mh);
        const float* d = dZ + i * k + c0;
#pragma GCC unroll 8
        for (int c = 0; c < KC; ++c) {
          const __m256 dc = _mm256_broadcast_ss(d + c);
          lo[c] = _mm256_fmadd_ps(xl, dc, lo[c]);
          hi[c] = _mm256_fmadd_ps(xh, dc, hi[c]);
        }
      }
    }
    alignas(32) float t[KC][16];
#pragma GCC unroll 8
    for (int c = 0; c < KC; ++c) {
      _mm256_store_ps(t[c], lo[c]);
      _mm256_store_ps(t[c] + 8, hi[c]);
    }
    const int live = j1 - j < 16 ? j1 - j : 16;
    for (int l = 0; l < live; ++l)
      for (int c = 0; c < KC; ++c) gW[int64_t{j + l} * k + c0 + c] = t[c][l];
  }
}

// Calls f.template operator()<KC>(c0) for chunks of near-equal size (k = 10: 5 + 5), as the
// avx512 level does.
template <class F>
void forClassChunks(int k, const F& f) {
  const int chunks = (k + 7) / 8;
  for (int q = 0, c0 = 0; q < chunks; ++q) {
    const int kc = (k - c0) / (chunks - q);
    switch (kc) {
      case 1:
        f.template operator()<1>(c0);
        break;
      case 2:
        f.template operator()<2>(c0);
        break;
      case 3:
        f.template operator()<3>(c0);
        break;
      case 4:
        f.template operator()<4>(c0);
        break;
      case 5:
        f.template operator()<5>(c0);
        break;
      case 6:
        f.template operator()<6>(c0);
        break;
      case 7:
        f.template operator()<7>(c0);
        break;
      default:
        f.template operator()<8>(c0);
        break;
    }
    c0 += kc;
  }
}

void outputLogits(const float* A, int64_t lda, int64_t r0, int64_t r1, int in, const float* WT,
                  const float* b, int k, float* Z) {
  forClassChunks(k, [&]<int KC>(int c0) { logitsChunk<KC>(A, lda, r0, r1, in, WT, b, k, c0, Z); });
}

void outputWeightGradient(const float* A, int64_t lda, int64_t rows, const float* dZ, int k, int j0, int j1,
                          float* gW) {
  forClassChunks(k, [&]<int KC>(int c0) { weightGradientChunk<KC>(A, lda, rows, dZ, k, c0, j0, j1, gW); });
}

void reluDelta(const float* dZ, int k, const float* WT, const float* A, int64_t lda, int in, int64_t r0,
               int64_t r1, float* dA) {
  const __m256 zero = _mm256_setzero_ps();
  for (int64_t i = r0; i < r1; ++i) {
    const float* d = dZ + i * k;
    const float* a = A + i * lda;
    float* da = dA + i * lda;
    int j = 0;
    for (; j + 16 <= in; j += 16) {
      __m256 lo = zero, hi = zero;
      for (int c = 0; c < k; ++c) {
        const __m256 dc = _mm256_broadcast_ss(d + c);
        lo = _mm256_fmadd_ps(dc, _mm256_loadu_ps(WT + int64_t{c} * in + j), lo);
        hi = _mm256_fmadd_ps(dc, _mm256_loadu_ps(WT + int64_t{c} * in + j + 8), hi);
      }
      const __m256 al = _mm256_cmp_ps(_mm256_loadu_ps(a + j), zero, _CMP_GT_OQ);
      const __m256 ah = _mm256_cmp_ps(_mm256_loadu_ps(a + j + 8), zero, _CMP_GT_OQ);
      _mm256_storeu_ps(da + j, _mm256_and_ps(al, lo));
      _mm256_storeu_ps(da + j + 8, _mm256_and_ps(ah, hi));
    }
    for (; j < in; j += 8) {
      const __m256i m = lanes(in - j);
      __m256 acc = zero;
      for (int c = 0; c < k; ++c)
        acc =
            _mm256_fmadd_ps(_mm256_broadcast_ss(d + c), _mm256_maskload_ps(WT + int64_t{c} * in + j, m), acc);
      const __m256 active = _mm256_cmp_ps(_mm256_maskload_ps(a + j, m), zero, _CMP_GT_OQ);
      _mm256_maskstore_ps(da + j, m, _mm256_and_ps(active, acc));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Dense layers: C = init + L B by blocks of R rows x NV vectors of 8 columns (accumulators in
// registers, the row values broadcast, each B vector loaded once for the R rows), runs of 16
// columns across the block. As at the avx512 level the depth is taken kDenseKc values at a time
// and the sums wait in C in between, so every element sees the same chain of fused multiply-adds
// over k in increasing order: the same bits as the avx512 level.

constexpr int kDenseKc = 64;

template <int R, int NV, bool kMasked>
inline void denseTile(const float* L, int64_t lrs, int64_t lks, int64_t r, int k0, int k1, const float* B,
                      int64_t ldb, const float* bias, const float* M, int64_t ldm, int epilogue, float* C,
                      int64_t ldc, int c0, int width, bool first, bool last) {
  const __m256i tail = lanes(width - 8 * (NV - 1));
  auto ld = [&](int v, const float* p) {
    return kMasked && v == NV - 1 ? _mm256_maskload_ps(p, tail) : _mm256_loadu_ps(p);
  };
  auto st = [&](int v, float* p, __m256 x) {
    if (kMasked && v == NV - 1)
      _mm256_maskstore_ps(p, tail, x);
    else
      _mm256_storeu_ps(p, x);
  };
  __m256 acc[R][NV];
#pragma GCC unroll 8
  for (int i = 0; i < R; ++i)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v)
      acc[i][v] = !first ? ld(v, C + (r + i) * ldc + c0 + 8 * v)
                  : bias ? ld(v, bias + c0 + 8 * v)
                         : _mm256_setzero_ps();
  const float* l = L + r * lrs + int64_t{k0} * lks;
  const float* b = B + int64_t{k0} * ldb + c0;
  for (int k = k0; k < k1; ++k, l += lks, b += ldb) {
    __m256 bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) bv[v] = ld(v, b + 8 * v);
#pragma GCC unroll 8
    for (int i = 0; i < R; ++i) {
      const __m256 a = _mm256_broadcast_ss(l + i * lrs);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm256_fmadd_ps(a, bv[v], acc[i][v]);
    }
  }
  const __m256 zero = _mm256_setzero_ps();
#pragma GCC unroll 8
  for (int i = 0; i < R; ++i)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      __m256 x = acc[i][v];
      if (last && epilogue == kernels::kDenseRelu) x = _mm256_max_ps(x, zero);
      if (last && epilogue == kernels::kDenseMask)
        x = _mm256_and_ps(_mm256_cmp_ps(ld(v, M + (r + i) * ldm + c0 + 8 * v), zero, _CMP_GT_OQ), x);
      st(v, C + (r + i) * ldc + c0 + 8 * v, x);
    }
}

// Rows [r0, r1) of one run of columns, kR at a time, then the remaining rows together.
template <int NV, bool kMasked>
void denseColumns(const float* L, int64_t lrs, int64_t lks, int64_t r0, int64_t r1, int k0, int k1,
                  const float* B, int64_t ldb, const float* bias, const float* M, int64_t ldm, int epilogue,
                  float* C, int64_t ldc, int c0, int width, bool first, bool last) {
  constexpr int kR = 6;  // 12 accumulators, 2 B vectors and the broadcast in the 16 registers
  int64_t r = r0;
  for (; r + kR <= r1; r += kR)
    denseTile<kR, NV, kMasked>(L, lrs, lks, r, k0, k1, B, ldb, bias, M, ldm, epilogue, C, ldc, c0, width,
                               first, last);
  auto rest = [&]<int R>() {
    denseTile<R, NV, kMasked>(L, lrs, lks, r, k0, k1, B, ldb, bias, M, ldm, epilogue, C, ldc, c0, width,
                              first, last);
  };
  switch (r1 - r) {
    case 5:
      rest.template operator()<5>();
      break;
    case 4:
      rest.template operator()<4>();
      break;
    case 3:
      rest.template operator()<3>();
      break;
    case 2:
      rest.template operator()<2>();
      break;
    case 1:
      rest.template operator()<1>();
      break;
    default:
      break;
  }
}

void denseBlock(const float* L, int64_t lrs, int64_t lks, int64_t r0, int64_t r1, int depth, const float* B,
                int64_t ldb, const float* bias, const float* M, int64_t ldm, int epilogue, float* C,
                int64_t ldc, int c0, int width) {
  if (width <= 0 || r1 <= r0) return;
  for (int k0 = 0; k0 < depth || k0 == 0; k0 += kDenseKc) {
    const int k1 = depth - k0 < kDenseKc ? depth : k0 + kDenseKc;
    const bool first = k0 == 0, last = k1 == depth;
    for (int cs = 0; cs < width; cs += 16) {
      const int w = width - cs < 16 ? width - cs : 16;
      auto run = [&]<int NV, bool kM>() {
        denseColumns<NV, kM>(L, lrs, lks, r0, r1, k0, k1, B, ldb, bias, M, ldm, epilogue, C, ldc, c0 + cs, w,
                             first, last);
      };
      if (w == 16)
        run.template operator()<2, false>();
      else if (w > 8)
        run.template operator()<2, true>();
      else if (w == 8)
        run.template operator()<1, false>();
      else
        run.template operator()<1, true>();
    }
    if (depth == 0) break;
  }
}

// ---------------------------------------------------------------------------------------------
// Minibatch gather: 8 words at a time, visiting the non-zero ones only.

void listGroups(const uint32_t* words, int64_t count, int groups, int64_t* next, uint32_t* groupRow,
                float* groupValues) {
  const __m128 scale = _mm_set1_ps(1.0f / 255.0f);
  const __m256i zero = _mm256_setzero_si256();
  for (int64_t i = 0; i < count; ++i) {
    const uint32_t* w = words + i * groups;
    for (int g = 0; g < groups; g += 8) {
      const int live = groups - g;
      const __m256i v = live >= 8 ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + g))
                                  : _mm256_maskload_epi32(reinterpret_cast<const int*>(w + g), lanes(live));
      unsigned nz =
          ~static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(v, zero)))) &
          0xFFu;
      while (nz) {
        const int gg = g + __builtin_ctz(nz);
        nz &= nz - 1;
        const int64_t dst = next[gg]++;
        groupRow[dst] = static_cast<uint32_t>(i);
        const __m128i px = _mm_cvtepu8_epi32(_mm_cvtsi32_si128(static_cast<int>(w[gg])));
        _mm_storeu_ps(groupValues + dst * 4, _mm_mul_ps(_mm_cvtepi32_ps(px), scale));
      }
    }
  }
}

}  // namespace
}  // namespace bnn::avx2

namespace bnn::kernels {
const NnKernels kNnKernelsAvx2 = {
    avx2::groupForward, avx2::biasRows,     avx2::reluRows,  avx2::groupGradient,
    avx2::columnSums,   avx2::outputLogits, avx2::reluDelta, avx2::outputWeightGradient,
    avx2::denseBlock,   avx2::listGroups,
};
}  // namespace bnn::kernels
