#include "nn/sparse_batch.h"

#include <algorithm>
#include <cstring>

#include "nn/kernels.h"

namespace bnn {

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
  kernels::nnKernels().listGroups(m_words.data(), count, groups, m_next.data(), groupRow.data(),
                                  groupValues.data());

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
