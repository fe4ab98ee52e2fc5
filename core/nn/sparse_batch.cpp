#include "nn/sparse_batch.h"

#include <algorithm>
#include <cstring>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace bnn {

namespace {
constexpr float kInv255 = 1.0f / 255.0f;
}  // namespace

// Group g of an image is its four pixel bytes read as one word: the group is listed when the
// word is non-zero.
template <class ImageAt>
void SparseBatch::fill(int pixels, int64_t count, ImageAt imageAt) {
  constexpr int G = kGroup;
  rows = count;
  cols = pixels;
  const int groups = numGroups();
  m_words.assign(static_cast<size_t>(count) * groups, 0);
  for (int64_t i = 0; i < count; ++i) {
    // Minibatch images are scattered over the training set: fetch a few ahead.
    if (i + 4 < count) {
      const char* next = reinterpret_cast<const char*>(imageAt(i + 4));
      for (int off = 0; off < pixels; off += 64) __builtin_prefetch(next + off);
    }
    std::memcpy(m_words.data() + i * groups, imageAt(i), static_cast<size_t>(pixels));
  }

  // Pass 1: images per group.
  groupPtr.assign(static_cast<size_t>(groups) + 1, 0);
  int64_t* counts = groupPtr.data() + 1;
  for (int64_t i = 0; i < count; ++i) {
    const uint32_t* w = m_words.data() + i * groups;
    for (int g = 0; g < groups; ++g) counts[g] += w[g] != 0;
  }
  for (int g = 0; g < groups; ++g) groupPtr[g + 1] += groupPtr[g];
  const int64_t entries = groupPtr[groups];
  if (groupRow.size() < static_cast<size_t>(entries)) {
    groupRow.resize(static_cast<size_t>(entries));
    groupValues.resize(static_cast<size_t>(entries) * G);
  }

  // Pass 2: images in increasing order, so each group lists them in order.
  m_next.assign(groupPtr.begin(), groupPtr.end() - 1);
  int64_t* next = m_next.data();
  for (int64_t i = 0; i < count; ++i) {
    const uint32_t* w = m_words.data() + i * groups;
    int g = 0;
#if defined(__AVX512F__)
    // 16 groups at a time; visit the non-zero words only.
    const __m128 scale = _mm_set1_ps(kInv255);
    for (; g < groups; g += 16) {
      const __mmask16 live = groups - g >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << (groups - g)) - 1u);
      const __m512i v = _mm512_maskz_loadu_epi32(live, w + g);
      unsigned nz = _mm512_test_epi32_mask(v, v);
      while (nz) {
        const int gg = g + __builtin_ctz(nz);
        nz &= nz - 1;
        const int64_t dst = next[gg]++;
        groupRow[dst] = static_cast<uint32_t>(i);
        const __m128i px = _mm_cvtepu8_epi32(_mm_cvtsi32_si128(static_cast<int>(w[gg])));
        _mm_storeu_ps(groupValues.data() + dst * G, _mm_mul_ps(_mm_cvtepi32_ps(px), scale));
      }
    }
#else
    for (; g < groups; ++g) {
      if (w[g] == 0) continue;
      const int64_t dst = next[g]++;
      groupRow[dst] = static_cast<uint32_t>(i);
      uint8_t px[G];
      std::memcpy(px, &w[g], G);
      for (int j = 0; j < G; ++j) groupValues[dst * G + j] = static_cast<float>(px[j]) * kInv255;
    }
#endif
  }

  // Tile boundaries within each group's list.
  const int tiles = numTiles();
  groupTileStart.resize(static_cast<size_t>(groups) * (tiles + 1));
  for (int g = 0; g < groups; ++g) {
    int64_t* ts = groupTileStart.data() + static_cast<size_t>(g) * (tiles + 1);
    int64_t e = groupPtr[g];
    const int64_t end = groupPtr[g + 1];
    for (int t = 0; t <= tiles; ++t) {
      const int64_t first = std::min<int64_t>(count, int64_t{t} * kTile);
      while (e < end && groupRow[e] < first) ++e;
      ts[t] = e;
    }
  }
}

void SparseBatch::gather(const ImageSet& set, const uint32_t* indices, int64_t count) {
  fill(set.pixelsPerImage(), count, [&](int64_t i) { return set.image(indices[i]); });
}

void SparseBatch::gatherRange(const ImageSet& set, int64_t first, int64_t count) {
  fill(set.pixelsPerImage(), count, [&](int64_t i) { return set.image(first + i); });
  groupRow.resize(static_cast<size_t>(numEntries()));
  groupValues.resize(static_cast<size_t>(numEntries()) * kGroup);
  groupRow.shrink_to_fit();
  groupValues.shrink_to_fit();
  m_words = {};
  m_next = {};
}

}  // namespace bnn
