#include "nn/sparse_batch.h"

#include <algorithm>
#include <cstring>

#if defined(__AVX512F__)
#include <immintrin.h>
// GCC 12 reports a false 'may be used uninitialized' inside the conversion intrinsics.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace bnn {

namespace {
constexpr float kInv255 = 1.0f / 255.0f;

// Appends the non-zero pixels of one image at position `at` of colIdx / values (which have room
// for n more entries); returns the new end.
int64_t appendImage(SparseBatch& b, const uint8_t* px, int n, int64_t at) {
  uint16_t* ci = b.colIdx.data() + at;
  float* v = b.values.data() + at;
  int64_t m = 0;
  int k = 0;
#if defined(__AVX512F__) && defined(__AVX512VBMI2__)
  // 16 pixels at a time: compress the indices and scaled values of the non-zero ones.
  const __m512i lanes = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  const __m512 scale = _mm512_set1_ps(kInv255);
  for (; k + 16 <= n; k += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(px + k));
    const __mmask16 nz = _mm_test_epi8_mask(bytes, bytes);
    if (!nz) continue;
    const __m512i wide = _mm512_cvtepu8_epi32(bytes);
    const __m512i index = _mm512_add_epi32(lanes, _mm512_set1_epi32(k));
    // Compress in registers, then store whole vectors (the buffer has room for n entries past
    // `at`; compress-to-memory is much slower on some CPUs).
    _mm512_storeu_ps(v + m, _mm512_maskz_compress_ps(nz, _mm512_mul_ps(_mm512_cvtepi32_ps(wide), scale)));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(ci + m),
                        _mm256_maskz_compress_epi16(nz, _mm512_cvtepi32_epi16(index)));
    m += __builtin_popcount(nz);
  }
#endif
  for (; k < n; ++k) {
    ci[m] = static_cast<uint16_t>(k);
    v[m] = static_cast<float>(px[k]) * kInv255;
    m += px[k] != 0;  // branch-free compaction: the slot is overwritten unless the pixel is set
  }
  return at + m;
}
}  // namespace

namespace {
// Fills the CSR part from `count` images, image i being imageAt(i).
template <class ImageAt>
void fillRows(SparseBatch& b, const ImageSet& set, int64_t count, ImageAt imageAt) {
  b.rows = count;
  b.cols = set.pixelsPerImage();
  b.rowPtr.resize(static_cast<size_t>(count) + 1);
  // Room for every pixel; buffers only grow, so steady-state batches do not allocate.
  const auto cap = static_cast<size_t>(count) * static_cast<size_t>(b.cols);
  if (b.colIdx.size() < cap) { b.colIdx.resize(cap); b.values.resize(cap); }
  b.rowPtr[0] = 0;
  for (int64_t i = 0; i < count; ++i) {
    // Minibatch images are scattered over the training set: fetch a few ahead.
    if (i + 4 < count) {
      const char* next = reinterpret_cast<const char*>(imageAt(i + 4));
      for (int off = 0; off < b.cols; off += 64) __builtin_prefetch(next + off);
    }
    b.rowPtr[i + 1] = appendImage(b, imageAt(i), b.cols, b.rowPtr[i]);
  }
}

// Column groups from the image bytes: group g of an image is its 4 pixel bytes read as one word.
template <class ImageAt>
void fillGroups(SparseBatch& b, int64_t count, ImageAt imageAt) {
  constexpr int G = SparseBatch::kGroup;
  const int cols = b.cols, groups = (cols + G - 1) / G;
  b.groupPtr.assign(static_cast<size_t>(groups) + 1, 0);
  std::vector<uint32_t>& words = b.groupWords;
  words.assign(static_cast<size_t>(count) * groups, 0);
  for (int64_t i = 0; i < count; ++i) std::memcpy(words.data() + i * groups, imageAt(i), static_cast<size_t>(cols));
  // Pass 1: images per group.
  int64_t* counts = b.groupPtr.data() + 1;
  for (int64_t i = 0; i < count; ++i) {
    const uint32_t* w = words.data() + i * groups;
    for (int g = 0; g < groups; ++g) counts[g] += w[g] != 0;
  }
  for (int g = 0; g < groups; ++g) b.groupPtr[g + 1] += b.groupPtr[g];
  const int64_t entries = b.groupPtr[groups];
  if (b.groupRow.size() < static_cast<size_t>(entries)) {
    b.groupRow.resize(static_cast<size_t>(entries));
    b.groupValues.resize(static_cast<size_t>(entries) * G);
  }
  b.groupNext.assign(b.groupPtr.begin(), b.groupPtr.end() - 1);
  int64_t* next = b.groupNext.data();
  // Pass 2: images in increasing order, so each group lists them in order. Values as in the
  // rows (pixel * (1/255) in float), zeros included.
  for (int64_t i = 0; i < count; ++i) {
    const uint32_t* w = words.data() + i * groups;
    int g = 0;
#if defined(__AVX512F__)
    const __m128 scale = _mm_set1_ps(kInv255);
    for (; g < groups; g += 16) {
      const __mmask16 live = groups - g >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << (groups - g)) - 1u);
      const __m512i v = _mm512_maskz_loadu_epi32(live, w + g);
      unsigned nz = _mm512_test_epi32_mask(v, v);
      while (nz) {
        const int gg = g + __builtin_ctz(nz);
        nz &= nz - 1;
        const int64_t dst = next[gg]++;
        b.groupRow[dst] = static_cast<uint32_t>(i);
        const __m128i px = _mm_cvtepu8_epi32(_mm_cvtsi32_si128(static_cast<int>(w[gg])));
        _mm_storeu_ps(b.groupValues.data() + dst * G, _mm_mul_ps(_mm_cvtepi32_ps(px), scale));
      }
    }
#else
    for (; g < groups; ++g) {
      if (w[g] == 0) continue;
      const int64_t dst = next[g]++;
      b.groupRow[dst] = static_cast<uint32_t>(i);
      uint8_t px[G];
      std::memcpy(px, &w[g], G);
      for (int j = 0; j < G; ++j) b.groupValues[dst * G + j] = static_cast<float>(px[j]) * kInv255;
    }
#endif
  }
  // Tile boundaries within each group's (sorted) image list.
  const int tiles = b.numTiles();
  b.groupTileStart.resize(static_cast<size_t>(groups) * (tiles + 1));
  for (int g = 0; g < groups; ++g) {
    int64_t* ts = b.groupTileStart.data() + static_cast<size_t>(g) * (tiles + 1);
    int64_t e = b.groupPtr[g];
    const int64_t end = b.groupPtr[g + 1];
    for (int t = 0; t <= tiles; ++t) {
      const int64_t first = std::min<int64_t>(count, int64_t{t} * SparseBatch::kTile);
      while (e < end && b.groupRow[e] < first) ++e;
      ts[t] = e;
    }
  }
}
}  // namespace

void SparseBatch::gather(const ImageSet& set, const uint32_t* indices, int64_t count) {
  auto at = [&](int64_t i) { return set.image(indices[i]); };
  fillRows(*this, set, count, at);
  fillGroups(*this, count, at);
}

void SparseBatch::gatherRange(const ImageSet& set, int64_t first, int64_t count) {
  auto at = [&](int64_t i) { return set.image(first + i); };
  fillRows(*this, set, count, at);
  fillGroups(*this, count, at);
  // Keep only what is used (the test set's chunks live for the whole run).
  colIdx.resize(static_cast<size_t>(rowPtr[count]));
  values.resize(static_cast<size_t>(rowPtr[count]));
  colIdx.shrink_to_fit();
  values.shrink_to_fit();
  groupWords = {};
  groupNext = {};
}

}  // namespace bnn
