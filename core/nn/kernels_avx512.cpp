// The MLP's inner loops for the avx512 level (x86-64-v4). Compiled with the AVX-512 flags: this
// file includes no header with inline code of its own (nn/kernels.h has none), keeps its helpers
// in bnn::avx512, and is only entered through kNnKernelsAvx512 once the CPU has been checked.
#include <immintrin.h>

#include <cstdint>

#include "nn/kernels.h"

// GCC 12 reports a false '__Y is used uninitialized' inside its shuffle intrinsics.
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace bnn::avx512 {
namespace {

using kernels::kColBlock;

// Lanes [0, rem) of a 16-float vector.
inline __mmask16 lanes(int rem) {
  return rem >= 16 ? __mmask16(0xFFFF) : rem <= 0 ? __mmask16(0) : __mmask16((1u << rem) - 1u);
}

// Loads and stores of a vector that is full (kFull) or under a mask: masked memory operations
// cost more on some CPUs (13% of a test pass here), so full vectors do without.
template <bool kFull>
inline __m512 load(__mmask16 m, const float* p) {
  if constexpr (kFull)
    return _mm512_loadu_ps(p);
  else
    return _mm512_maskz_loadu_ps(m, p);
}
template <bool kFull>
inline void store(float* p, __mmask16 m, __m512 v) {
  if constexpr (kFull)
    _mm512_storeu_ps(p, v);
  else
    _mm512_mask_storeu_ps(p, m, v);
}

// Calls f.template operator()<kFull>() with kFull = (width == kColBlock).
template <class F>
inline void byWidth(int width, const F& f) {
  if (width == kColBlock)
    f.template operator()<true>();
  else
    f.template operator()<false>();
}

// ---------------------------------------------------------------------------------------------
// First layer. Vectors beyond `width` have an empty mask: their loads return zero and their
// stores are skipped.

// Weight-gradient rows of one column group: out[j, c0 .. c0+width) = Σ_e vals[4e + j] *
// M[rows[e], c0 .. c0+width) for j < outRows (up to 4), width <= kColBlock. Sixteen named
// accumulators in registers (GCC spills an array of __m512 on every iteration); each M row
// segment is loaded once for all four outputs.
template <bool kFull>
void groupGradientT(const uint32_t* rows, const float* vals, int64_t n, const float* M, int64_t ldm,
                    float* out, int64_t ldo, int outRows, int c0, int width) {
  auto maskFor = [width](int v) { return kFull ? __mmask16(0xFFFF) : lanes(width - 16 * v); };
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
    a00 = _mm512_fmadd_ps(v0, d0, a00);
    a01 = _mm512_fmadd_ps(v0, d1, a01);
    a02 = _mm512_fmadd_ps(v0, d2, a02);
    a03 = _mm512_fmadd_ps(v0, d3, a03);
    a10 = _mm512_fmadd_ps(v1, d0, a10);
    a11 = _mm512_fmadd_ps(v1, d1, a11);
    a12 = _mm512_fmadd_ps(v1, d2, a12);
    a13 = _mm512_fmadd_ps(v1, d3, a13);
    a20 = _mm512_fmadd_ps(v2, d0, a20);
    a21 = _mm512_fmadd_ps(v2, d1, a21);
    a22 = _mm512_fmadd_ps(v2, d2, a22);
    a23 = _mm512_fmadd_ps(v2, d3, a23);
    a30 = _mm512_fmadd_ps(v3, d0, a30);
    a31 = _mm512_fmadd_ps(v3, d1, a31);
    a32 = _mm512_fmadd_ps(v3, d2, a32);
    a33 = _mm512_fmadd_ps(v3, d3, a33);
  }
  auto store = [&](int j, __m512 x0, __m512 x1, __m512 x2, __m512 x3) {
    if (j >= outRows) return;
    float* o = out + j * ldo + c0;
    _mm512_mask_storeu_ps(o, k0, x0);
    _mm512_mask_storeu_ps(o + 16, k1, x1);
    _mm512_mask_storeu_ps(o + 32, k2, x2);
    _mm512_mask_storeu_ps(o + 48, k3, x3);
  };
  store(0, a00, a01, a02, a03);
  store(1, a10, a11, a12, a13);
  store(2, a20, a21, a22, a23);
  store(3, a30, a31, a32, a33);
}

// Forward product of one tile of images through one column group: for each listed image i,
// out[i, c0 .. c0+width) += Σ_j vals[4e + j] * W[p0 + j, c0 .. c0+width), the four terms in pixel
// order (one fused multiply-add each, as one pixel at a time would do). The four weight-row
// segments stay in registers while the images of the tile stream by; the output rows of a tile
// stay in L1.
template <bool kFull>
void groupForwardT(const uint32_t* rows, const float* vals, int64_t n, const float* W, int64_t ldw, int wRows,
                   float* out, int64_t ldo, int c0, int width) {
  auto maskFor = [width](int v) { return kFull ? __mmask16(0xFFFF) : lanes(width - 16 * v); };
  const __mmask16 k0 = maskFor(0), k1 = maskFor(1), k2 = maskFor(2), k3 = maskFor(3);
  auto row = [&](int j, int v) {
    return j < wRows ? _mm512_maskz_loadu_ps(maskFor(v), W + j * ldw + c0 + 16 * v) : _mm512_setzero_ps();
  };
  const __m512 w00 = row(0, 0), w01 = row(0, 1), w02 = row(0, 2), w03 = row(0, 3);
  const __m512 w10 = row(1, 0), w11 = row(1, 1), w12 = row(1, 2), w13 = row(1, 3);
  const __m512 w20 = row(2, 0), w21 = row(2, 1), w22 = row(2, 2), w23 = row(2, 3);
  const __m512 w30 = row(3, 0), w31 = row(3, 1), w32 = row(3, 2), w33 = row(3, 3);
  // The next group's four weight-row segments (the caller's next call) are fetched into L1 while
  // this group's images stream by: their loads above stalled for about a tenth of the kernel's
  // time. A prefetch never faults, and the address is formed without pointer arithmetic.
  for (int j = 4; j < 8; ++j) {
    const uintptr_t a = reinterpret_cast<uintptr_t>(W) + sizeof(float) * static_cast<uintptr_t>(j * ldw + c0);
    for (int v = 0; v < 4; ++v) _mm_prefetch(reinterpret_cast<const char*>(a + 64 * v), _MM_HINT_T0);
  }
  auto one = [&](int64_t e) {
    float* o = out + static_cast<int64_t>(rows[e]) * ldo + c0;
    const float* v = vals + 4 * e;
    __m512 o0 = load<kFull>(k0, o), o1 = load<kFull>(k1, o + 16);
    __m512 o2 = load<kFull>(k2, o + 32), o3 = load<kFull>(k3, o + 48);
    const __m512 v0 = _mm512_set1_ps(v[0]), v1 = _mm512_set1_ps(v[1]);
    const __m512 v2 = _mm512_set1_ps(v[2]), v3 = _mm512_set1_ps(v[3]);
    o0 = _mm512_fmadd_ps(v0, w00, o0);
    o1 = _mm512_fmadd_ps(v0, w01, o1);
    o2 = _mm512_fmadd_ps(v0, w02, o2);
    o3 = _mm512_fmadd_ps(v0, w03, o3);
    o0 = _mm512_fmadd_ps(v1, w10, o0);
    o1 = _mm512_fmadd_ps(v1, w11, o1);
    o2 = _mm512_fmadd_ps(v1, w12, o2);
    o3 = _mm512_fmadd_ps(v1, w13, o3);
    o0 = _mm512_fmadd_ps(v2, w20, o0);
    o1 = _mm512_fmadd_ps(v2, w21, o1);
    o2 = _mm512_fmadd_ps(v2, w22, o2);
    o3 = _mm512_fmadd_ps(v2, w23, o3);
    o0 = _mm512_fmadd_ps(v3, w30, o0);
    o1 = _mm512_fmadd_ps(v3, w31, o1);
    o2 = _mm512_fmadd_ps(v3, w32, o2);
    o3 = _mm512_fmadd_ps(v3, w33, o3);
    store<kFull>(o, k0, o0);
    store<kFull>(o + 16, k1, o1);
    store<kFull>(o + 32, k2, o2);
    store<kFull>(o + 48, k3, o3);
  };
  int64_t e = 0;
  for (; e + 2 <= n; e += 2) {
    one(e);
    one(e + 1);
  }
  if (e < n) one(e);
}

void groupGradient(const uint32_t* rows, const float* vals, int64_t n, const float* M, int64_t ldm,
                   float* out, int64_t ldo, int outRows, int c0, int width) {
  if (width == kColBlock)
    groupGradientT<true>(rows, vals, n, M, ldm, out, ldo, outRows, c0, width);
  else
    groupGradientT<false>(rows, vals, n, M, ldm, out, ldo, outRows, c0, width);
}

void groupForward(const uint32_t* rows, const float* vals, int64_t n, const float* W, int64_t ldw, int wRows,
                  float* out, int64_t ldo, int c0, int width) {
  if (width == kColBlock)
    groupForwardT<true>(rows, vals, n, W, ldw, wRows, out, ldo, c0, width);
  else
    groupForwardT<false>(rows, vals, n, W, ldw, wRows, out, ldo, c0, width);
}

void biasRows(float* Z, int64_t ldz, int64_t i0, int64_t i1, const float* b, int c0, int width) {
  byWidth(width, [&]<bool kFull>() {
    const __mmask16 k0 = lanes(width), k1 = lanes(width - 16), k2 = lanes(width - 32), k3 = lanes(width - 48);
    const __m512 b0 = load<kFull>(k0, b + c0), b1 = load<kFull>(k1, b + c0 + 16);
    const __m512 b2 = load<kFull>(k2, b + c0 + 32), b3 = load<kFull>(k3, b + c0 + 48);
    for (int64_t i = i0; i < i1; ++i) {
      float* z = Z + i * ldz + c0;
      store<kFull>(z, k0, b0);
      store<kFull>(z + 16, k1, b1);
      store<kFull>(z + 32, k2, b2);
      store<kFull>(z + 48, k3, b3);
    }
  });
}

void reluRows(float* Z, int64_t ldz, int64_t i0, int64_t i1, int c0, int width) {
  byWidth(width, [&]<bool kFull>() {
    const __mmask16 k0 = lanes(width), k1 = lanes(width - 16), k2 = lanes(width - 32), k3 = lanes(width - 48);
    const __m512 zero = _mm512_setzero_ps();
    for (int64_t i = i0; i < i1; ++i) {
      float* z = Z + i * ldz + c0;
      store<kFull>(z, k0, _mm512_max_ps(load<kFull>(k0, z), zero));
      store<kFull>(z + 16, k1, _mm512_max_ps(load<kFull>(k1, z + 16), zero));
      store<kFull>(z + 32, k2, _mm512_max_ps(load<kFull>(k2, z + 32), zero));
      store<kFull>(z + 48, k3, _mm512_max_ps(load<kFull>(k3, z + 48), zero));
    }
  });
}

// Sixty-four columns at a time, rows in order from zero.
void columnSums(const float* M, int64_t ldm, int64_t rows, int c0, int c1, float* out) {
  for (int c = c0; c < c1; c += kColBlock) {
    const int w = c1 - c < kColBlock ? c1 - c : kColBlock;
    byWidth(w, [&]<bool kFull>() {
      const __mmask16 k0 = lanes(w), k1 = lanes(w - 16), k2 = lanes(w - 32), k3 = lanes(w - 48);
      __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
      for (int64_t i = 0; i < rows; ++i) {
        const float* r = M + i * ldm + c;
        s0 = _mm512_add_ps(s0, load<kFull>(k0, r));
        s1 = _mm512_add_ps(s1, load<kFull>(k1, r + 16));
        s2 = _mm512_add_ps(s2, load<kFull>(k2, r + 32));
        s3 = _mm512_add_ps(s3, load<kFull>(k3, r + 48));
      }
      store<kFull>(out + c, k0, s0);
      store<kFull>(out + c + 16, k1, s1);
      store<kFull>(out + c + 32, k2, s2);
      store<kFull>(out + c + 48, k3, s3);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Output layer. Classes are taken in chunks of at most 8 (accumulators in registers; the chunk
// size is a template argument so GCC keeps the array of vectors in registers).

// The horizontal sums of four vectors at once, each by the tree of _mm512_reduce_add_ps (GCC's:
// upper + lower 256 bits, upper + lower 128, lanes {2,3} + {0,1}, then lane 0 + lane 1; the avx2
// level repeats it): results in lanes 0, 4, 8 and 12 of the returned vector (a, b, c, d).
inline __m512 sum16x4(__m512 a, __m512 b, __m512 c, __m512 d) {
  // t3 = upper + lower 256 bits: [a.t3 | b.t3], [c.t3 | d.t3].
  const __m512 ab = _mm512_add_ps(_mm512_shuffle_f32x4(a, b, _MM_SHUFFLE(3, 2, 3, 2)),
                                  _mm512_shuffle_f32x4(a, b, _MM_SHUFFLE(1, 0, 1, 0)));
  const __m512 cd = _mm512_add_ps(_mm512_shuffle_f32x4(c, d, _MM_SHUFFLE(3, 2, 3, 2)),
                                  _mm512_shuffle_f32x4(c, d, _MM_SHUFFLE(1, 0, 1, 0)));
  // t6 = upper + lower 128 bits of each t3: [a.t6, b.t6, c.t6, d.t6].
  const __m512 t6 = _mm512_add_ps(_mm512_shuffle_f32x4(ab, cd, _MM_SHUFFLE(3, 1, 3, 1)),
                                  _mm512_shuffle_f32x4(ab, cd, _MM_SHUFFLE(2, 0, 2, 0)));
  // t8 = t6 + t6 with lanes {2,3,0,1}; then lane 0 + lane 1 of each 128 bits.
  const __m512 t8 = _mm512_add_ps(t6, _mm512_permute_ps(t6, _MM_SHUFFLE(1, 0, 3, 2)));
  return _mm512_add_ps(t8, _mm512_permute_ps(t8, _MM_SHUFFLE(1, 1, 1, 1)));
}

// Logits of R rows x KC classes: R KC accumulators of 16 lanes, each weight vector loaded once for
// the R rows; then the horizontal sums four at a time (sum16x4).
template <int R, int KC>
void logitsBlock(const float* A, int64_t lda, int64_t i, int in, const float* WT, const float* b, int k,
                 int c0, float* Z) {
  __m512 acc[R * KC];
#pragma GCC unroll 32
  for (int q = 0; q < R * KC; ++q) acc[q] = _mm512_setzero_ps();
  auto step = [&]<bool kFull>(int j, __mmask16 m) {
    __m512 x[R];
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r) x[r] = load<kFull>(m, A + (i + r) * lda + j);
#pragma GCC unroll 8
    for (int c = 0; c < KC; ++c) {
      const __m512 w = load<kFull>(m, WT + int64_t{c0 + c} * in + j);
#pragma GCC unroll 4
      for (int r = 0; r < R; ++r) acc[r * KC + c] = _mm512_fmadd_ps(x[r], w, acc[r * KC + c]);
    }
  };
  int j = 0;
  for (; j + 16 <= in; j += 16) step.template operator()<true>(j, 0xFFFF);
  if (j < in) step.template operator()<false>(j, lanes(in - j));
  alignas(64) float sums[((R * KC + 3) / 4) * 16];
#pragma GCC unroll 8
  for (int q = 0; q < R * KC; q += 4) {
    const __m512 z = _mm512_setzero_ps();
    _mm512_store_ps(sums + 4 * q, sum16x4(acc[q], q + 1 < R * KC ? acc[q + 1] : z,
                                          q + 2 < R * KC ? acc[q + 2] : z, q + 3 < R * KC ? acc[q + 3] : z));
  }
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < KC; ++c) Z[(i + r) * k + c0 + c] = b[c0 + c] + sums[4 * (r * KC + c)];
}

template <int KC>
void logitsChunk(const float* A, int64_t lda, int64_t r0, int64_t r1, int in, const float* WT, const float* b,
                 int k, int c0, float* Z) {
  constexpr int R = KC <= 6 ? 4 : 3;  // at most 24 accumulators in the 32 registers
  int64_t i = r0;
  for (; i + R <= r1; i += R) logitsBlock<R, KC>(A, lda, i, in, WT, b, k, c0, Z);
  for (; i < r1; ++i) logitsBlock<1, KC>(A, lda, i, in, WT, b, k, c0, Z);
}

template <int KC>
void weightGradientChunk(const float* A, int64_t lda, int64_t rows, const float* dZ, int k, int c0, int j0,
                         int j1, float* gW) {
  for (int j = j0; j < j1; j += 16) {
    const __mmask16 m = lanes(j1 - j);
    __m512 acc[KC];
#pragma GCC unroll 8
    for (int c = 0; c < KC; ++c) acc[c] = _mm512_setzero_ps();
    for (int64_t i = 0; i < rows; ++i) {
      const __m512 x = _mm512_maskz_loadu_ps(m, A + i * lda + j);
      const float* d = dZ + i * k + c0;
#pragma GCC unroll 8
      for (int c = 0; c < KC; ++c) acc[c] = _mm512_fmadd_ps(x, _mm512_set1_ps(d[c]), acc[c]);
    }
    alignas(64) float t[KC][16];
#pragma GCC unroll 8
    for (int c = 0; c < KC; ++c) _mm512_store_ps(t[c], acc[c]);
    const int live = j1 - j < 16 ? j1 - j : 16;
    for (int l = 0; l < live; ++l)
      for (int c = 0; c < KC; ++c) gW[int64_t{j + l} * k + c0 + c] = t[c][l];
  }
}

// Calls f.template operator()<KC>(c0) for chunks of near-equal size (k = 10: 5 + 5).
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

// R rows at a time: each weight vector is loaded once for the R rows; the sum over classes runs
// in class order for every element.
template <int R>
void reluDeltaRows(const float* dZ, int k, const float* WT, const float* A, int64_t lda, int in, int64_t i,
                   float* dA) {
  const __m512 zero = _mm512_setzero_ps();
  auto step = [&]<bool kFull>(int j, __mmask16 m) {
    __m512 acc[R];
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r) acc[r] = zero;
    for (int c = 0; c < k; ++c) {
      const __m512 w = load<kFull>(m, WT + int64_t{c} * in + j);
#pragma GCC unroll 4
      for (int r = 0; r < R; ++r) acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(dZ[(i + r) * k + c]), w, acc[r]);
    }
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r) {
      const __mmask16 active =
          _mm512_mask_cmp_ps_mask(m, load<kFull>(m, A + (i + r) * lda + j), zero, _CMP_GT_OQ);
      store<kFull>(dA + (i + r) * lda + j, m, _mm512_maskz_mov_ps(active, acc[r]));
    }
  };
  int j = 0;
  for (; j + 16 <= in; j += 16) step.template operator()<true>(j, 0xFFFF);
  if (j < in) step.template operator()<false>(j, lanes(in - j));
}

void reluDelta(const float* dZ, int k, const float* WT, const float* A, int64_t lda, int in, int64_t r0,
               int64_t r1, float* dA) {
  int64_t i = r0;
  for (; i + 4 <= r1; i += 4) reluDeltaRows<4>(dZ, k, WT, A, lda, in, i, dA);
  for (; i < r1; ++i) reluDeltaRows<1>(dZ, k, WT, A, lda, in, i, dA);
}

// ---------------------------------------------------------------------------------------------
// Dense layers: C = init + L B by blocks of R rows x NV vectors of 16 columns (accumulators in
// registers, the row values broadcast, each B vector loaded once for the R rows). The depth is
// taken kDenseKc values at a time so the B rows of a block stay in L1; between two such steps the
// sums wait in C (a float stored and loaded unchanged), so every element is one chain of fused
// multiply-adds over k in increasing order, whatever the blocking.

constexpr int kDenseKc = 64;

template <int R, int NV, bool kMasked>
inline void denseTile(const float* L, int64_t lrs, int64_t lks, int64_t r, int k0, int k1, const float* B,
                      int64_t ldb, const float* bias, const float* M, int64_t ldm, int epilogue, float* C,
                      int64_t ldc, int c0, int width, bool first, bool last) {
  __mmask16 m[NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) m[v] = kMasked && v == NV - 1 ? lanes(width - 16 * v) : __mmask16(0xFFFF);
  auto ld = [&](int v, const float* p) {
    return kMasked && v == NV - 1 ? _mm512_maskz_loadu_ps(m[v], p) : _mm512_loadu_ps(p);
  };
  auto st = [&](int v, float* p, __m512 x) {
    if (kMasked && v == NV - 1)
      _mm512_mask_storeu_ps(p, m[v], x);
    else
      _mm512_storeu_ps(p, x);
  };
  __m512 acc[R][NV];
#pragma GCC unroll 8
  for (int i = 0; i < R; ++i)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v)
      acc[i][v] = !first ? ld(v, C + (r + i) * ldc + c0 + 16 * v)
                  : bias ? ld(v, bias + c0 + 16 * v)
                         : _mm512_setzero_ps();
  const float* l = L + r * lrs + int64_t{k0} * lks;
  const float* b = B + int64_t{k0} * ldb + c0;
  for (int k = k0; k < k1; ++k, l += lks, b += ldb) {
    __m512 bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) bv[v] = ld(v, b + 16 * v);
#pragma GCC unroll 8
    for (int i = 0; i < R; ++i) {
      const __m512 a = _mm512_set1_ps(l[i * lrs]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_fmadd_ps(a, bv[v], acc[i][v]);
    }
  }
  const __m512 zero = _mm512_setzero_ps();
#pragma GCC unroll 8
  for (int i = 0; i < R; ++i)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      __m512 x = acc[i][v];
      if (last && epilogue == kernels::kDenseRelu) x = _mm512_max_ps(x, zero);
      if (last && epilogue == kernels::kDenseMask)
        x = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(ld(v, M + (r + i) * ldm + c0 + 16 * v), zero, _CMP_GT_OQ),
                                x);
      st(v, C + (r + i) * ldc + c0 + 16 * v, x);
    }
}

// Rows [r0, r1) of one column block, kR at a time, then the remaining rows together.
template <int NV, bool kMasked>
void denseColumns(const float* L, int64_t lrs, int64_t lks, int64_t r0, int64_t r1, int k0, int k1,
                  const float* B, int64_t ldb, const float* bias, const float* M, int64_t ldm, int epilogue,
                  float* C, int64_t ldc, int c0, int width, bool first, bool last) {
  constexpr int kR = 6;  // 24 accumulators, 4 B vectors and the broadcast in the 32 registers
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
  const int nv = (width + 15) / 16;
  const bool masked = width % 16 != 0;
  for (int k0 = 0; k0 < depth || k0 == 0; k0 += kDenseKc) {
    const int k1 = depth - k0 < kDenseKc ? depth : k0 + kDenseKc;
    const bool first = k0 == 0, last = k1 == depth;
    auto run = [&]<int NV, bool kM>() {
      denseColumns<NV, kM>(L, lrs, lks, r0, r1, k0, k1, B, ldb, bias, M, ldm, epilogue, C, ldc, c0, width,
                           first, last);
    };
    switch (nv * 2 + (masked ? 1 : 0)) {
      case 2:
        run.template operator()<1, false>();
        break;
      case 3:
        run.template operator()<1, true>();
        break;
      case 4:
        run.template operator()<2, false>();
        break;
      case 5:
        run.template operator()<2, true>();
        break;
      case 6:
        run.template operator()<3, false>();
        break;
      case 7:
        run.template operator()<3, true>();
        break;
      case 8:
        run.template operator()<4, false>();
        break;
      default:
        run.template operator()<4, true>();
        break;
    }
    if (depth == 0) break;
  }
}

// ---------------------------------------------------------------------------------------------
// Minibatch gather: 16 words at a time, visiting the non-zero ones only.

void listGroups(const uint32_t* words, int64_t count, int groups, int64_t* next, uint32_t* groupRow,
                float* groupValues) {
  const __m128 scale = _mm_set1_ps(1.0f / 255.0f);
  for (int64_t i = 0; i < count; ++i) {
    const uint32_t* w = words + i * groups;
    for (int g = 0; g < groups; g += 16) {
      const __mmask16 live = lanes(groups - g);
      const __m512i v = _mm512_maskz_loadu_epi32(live, w + g);
      unsigned nz = _mm512_test_epi32_mask(v, v);
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
}  // namespace bnn::avx512

namespace bnn::kernels {
const NnKernels kNnKernelsAvx512 = {
    avx512::groupForward, avx512::biasRows,     avx512::reluRows,  avx512::groupGradient,
    avx512::columnSums,   avx512::outputLogits, avx512::reluDelta, avx512::outputWeightGradient,
    avx512::denseBlock,   avx512::listGroups,
};
}  // namespace bnn::kernels
