#include "nn/bf16_layer.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define BNN_HAVE_BF16_KERNEL 1
// GCC 12 reports a false 'may be used uninitialized' inside the masked-load intrinsics.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "util/parallel.h"

namespace bnn {

uint16_t toBf16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  if ((u & 0x7FFFFFFFu) > 0x7F800000u) return 0x7FC0;  // NaN stays NaN
  u += 0x7FFFu + ((u >> 16) & 1u);
  return static_cast<uint16_t>(u >> 16);
}

float fromBf16(uint16_t b) {
  const uint32_t u = uint32_t{b} << 16;
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

bool cpuHasBf16() {
#if defined(BNN_HAVE_BF16_KERNEL)
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512bf16");
  }();
  return has;
#else
  return false;
#endif
}

void PairedImages::gatherRange(const ImageSet& set, int64_t first, int64_t count) {
  const int n = set.pixelsPerImage();
  rows = count;
  pairsPerImage = (n + 1) / 2;
  rowPtr.assign(1, 0);
  pairIdx.clear();
  pairVal.clear();
  for (int64_t i = 0; i < count; ++i) {
    const uint8_t* px = set.image(first + i);
    for (int q = 0; q < pairsPerImage; ++q) {
      const uint8_t p0 = px[2 * q];
      const uint8_t p1 = 2 * q + 1 < n ? px[2 * q + 1] : uint8_t{0};
      if ((p0 | p1) == 0) continue;
      pairIdx.push_back(static_cast<uint16_t>(q));
      pairVal.push_back(uint32_t{toBf16(p0)} | (uint32_t{toBf16(p1)} << 16));
    }
    rowPtr.push_back(static_cast<int64_t>(pairIdx.size()));
  }
  pairIdx.shrink_to_fit();
  pairVal.shrink_to_fit();
}

namespace {

constexpr int kColBlock = 128;  // 8 registers of 16 float32 accumulators
constexpr int kPackRows = 16;   // pairs per parallel packing block

// Rounded bf16 bits of x / 255 in the low (odd = false) or high half of a 32-bit word.
inline uint32_t packedHalf(float x, bool high) {
  const uint32_t b = toBf16(x * (1.0f / 255.0f));
  return high ? b << 16 : b;
}

}  // namespace

void PackedFirstLayer::pack(const float* W1, int in, int h) {
  inputs = in;
  width = h;
  stride = (h + kColBlock - 1) / kColBlock * kColBlock + 16;
  const int pairs = (in + 1) / 2;
  const size_t need = static_cast<size_t>(pairs) * stride * 2;
  if (w.size() != need) w.assign(need, 0);
  auto* out = reinterpret_cast<uint32_t*>(w.data());  // one word per (pair, column)
  parallelBlocks((pairs + kPackRows - 1) / kPackRows, [&](int64_t blk) {
    const int q0 = static_cast<int>(blk) * kPackRows, q1 = std::min(pairs, q0 + kPackRows);
    for (int q = q0; q < q1; ++q) {
      const float* r0 = W1 + int64_t{2 * q} * h;
      const float* r1 = 2 * q + 1 < in ? r0 + h : nullptr;
      uint32_t* o = out + int64_t{q} * stride;
      for (int c = 0; c < h; ++c) o[c] = packedHalf(r0[c], false) | (r1 ? packedHalf(r1[c], true) : 0u);
      for (int c = h; c < stride; ++c) o[c] = 0;
    }
  });
}

#if defined(BNN_HAVE_BF16_KERNEL)
namespace {

__attribute__((target("avx512f,avx512bw,avx512bf16"))) void bf16Block(
    const uint16_t* idx, const uint32_t* val, int64_t n, const uint16_t* W, int64_t pw, const float* bias,
    float* out, int c0, int width, bool relu) {
  auto maskFor = [width](int j) -> __mmask16 {
    const int rem = width - 16 * j;
    return rem >= 16 ? __mmask16(0xFFFF) : rem <= 0 ? __mmask16(0) : __mmask16((1u << rem) - 1u);
  };
  const __mmask16 k0 = maskFor(0), k1 = maskFor(1), k2 = maskFor(2), k3 = maskFor(3);
  const __mmask16 k4 = maskFor(4), k5 = maskFor(5), k6 = maskFor(6), k7 = maskFor(7);
  const float* bb = bias + c0;
  __m512 a0 = _mm512_maskz_loadu_ps(k0, bb), a1 = _mm512_maskz_loadu_ps(k1, bb + 16);
  __m512 a2 = _mm512_maskz_loadu_ps(k2, bb + 32), a3 = _mm512_maskz_loadu_ps(k3, bb + 48);
  __m512 a4 = _mm512_maskz_loadu_ps(k4, bb + 64), a5 = _mm512_maskz_loadu_ps(k5, bb + 80);
  __m512 a6 = _mm512_maskz_loadu_ps(k6, bb + 96), a7 = _mm512_maskz_loadu_ps(k7, bb + 112);
  // Padded columns hold zero weights, so all eight vectors are loaded in full.
  for (int64_t e = 0; e < n; ++e) {
    const __m512bh v = (__m512bh)_mm512_set1_epi32(static_cast<int>(val[e]));
    const uint16_t* r = W + (static_cast<int64_t>(idx[e]) * pw + c0) * 2;
    a0 = _mm512_dpbf16_ps(a0, v, (__m512bh)_mm512_loadu_si512(r));
    a1 = _mm512_dpbf16_ps(a1, v, (__m512bh)_mm512_loadu_si512(r + 32));
    a2 = _mm512_dpbf16_ps(a2, v, (__m512bh)_mm512_loadu_si512(r + 64));
    a3 = _mm512_dpbf16_ps(a3, v, (__m512bh)_mm512_loadu_si512(r + 96));
    a4 = _mm512_dpbf16_ps(a4, v, (__m512bh)_mm512_loadu_si512(r + 128));
    a5 = _mm512_dpbf16_ps(a5, v, (__m512bh)_mm512_loadu_si512(r + 160));
    a6 = _mm512_dpbf16_ps(a6, v, (__m512bh)_mm512_loadu_si512(r + 192));
    a7 = _mm512_dpbf16_ps(a7, v, (__m512bh)_mm512_loadu_si512(r + 224));
  }
  if (relu) {
    const __m512 z = _mm512_setzero_ps();
    a0 = _mm512_max_ps(a0, z); a1 = _mm512_max_ps(a1, z); a2 = _mm512_max_ps(a2, z); a3 = _mm512_max_ps(a3, z);
    a4 = _mm512_max_ps(a4, z); a5 = _mm512_max_ps(a5, z); a6 = _mm512_max_ps(a6, z); a7 = _mm512_max_ps(a7, z);
  }
  float* o = out + c0;
  _mm512_mask_storeu_ps(o, k0, a0); _mm512_mask_storeu_ps(o + 16, k1, a1);
  _mm512_mask_storeu_ps(o + 32, k2, a2); _mm512_mask_storeu_ps(o + 48, k3, a3);
  _mm512_mask_storeu_ps(o + 64, k4, a4); _mm512_mask_storeu_ps(o + 80, k5, a5);
  _mm512_mask_storeu_ps(o + 96, k6, a6); _mm512_mask_storeu_ps(o + 112, k7, a7);
}

}  // namespace
#endif

void bf16FirstLayer(const PackedFirstLayer& w, const PairedImages& x, const float* bias, float* out,
                    bool relu) {
#if defined(BNN_HAVE_BF16_KERNEL)
  if (!cpuHasBf16()) throw std::runtime_error("bfloat16 test pass requested on a CPU without AVX512-BF16");
  const int h = w.width;
  // Column blocks outside, images inside: one block of packed weights (pairs x 128 x 4 bytes,
  // 200 KB for MNIST) stays in L2 while every image streams by.
  for (int c0 = 0; c0 < h; c0 += kColBlock) {
    const int width = std::min(kColBlock, h - c0);
    for (int64_t i = 0; i < x.rows; ++i) {
      const int64_t e0 = x.rowPtr[i], e1 = x.rowPtr[i + 1];
      bf16Block(x.pairIdx.data() + e0, x.pairVal.data() + e0, e1 - e0, w.w.data(), w.stride, bias,
                out + i * h, c0, width, relu);
    }
  }
#else
  (void)w; (void)x; (void)bias; (void)out; (void)relu;
  throw std::runtime_error("bfloat16 test pass is not available in this build");
#endif
}

}  // namespace bnn
