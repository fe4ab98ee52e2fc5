#pragma once
// A batch of images in the sparse form the first layer consumes (MNIST is ~81% zeros).
//
// Pixels are taken four at a time: pixels 4g .. 4g+3 form column group g. For each group the
// batch lists the images with any of its four pixels non-zero, in increasing order, each with
// the four values pixel/255 (zeros included; 28% of the groups of an MNIST image are listed
// against 19% of its pixels). Both first-layer products run over these lists:
//  - forward, Z1 = X W1 + b1: the four rows of W1 of a group stay in registers while the images
//    of a tile (kTile images) stream by, their output rows staying in L1;
//  - weight gradient, gW1 = X^T dZ1: one row of dZ1 serves four rows of gW1.
// The listed zeros add exact zeros, and every sum runs in pixel order (forward) or image order
// (gradient), so results equal a pixel-by-pixel sparse product bit for bit.
//
// Buffers are reused between batches (no allocation once grown). Not thread-safe; one owner.
#include <cstdint>
#include <vector>

#include "data/dataset.h"

namespace bnn {

struct SparseBatch {
  static constexpr int kGroup = 4;  // pixels per column group
  static constexpr int kTile = 64;  // images per tile of the forward product

  int64_t rows = 0;  // images
  int cols = 0;      // pixels per image (784)
  // Group g lists entries groupPtr[g] .. groupPtr[g+1]-1: image groupRow[e] with values
  // groupValues[4e .. 4e+3]. Capacity is kept between batches (the vectors may be longer).
  std::vector<int64_t> groupPtr;
  std::vector<uint32_t> groupRow;
  std::vector<float> groupValues;
  // Entries of group g for the images of tile t: tileStart(g, t) .. tileStart(g, t + 1) - 1.
  std::vector<int64_t> groupTileStart;  // groups x (tiles + 1)

  int numGroups() const { return (cols + kGroup - 1) / kGroup; }
  int numTiles() const { return static_cast<int>((rows + kTile - 1) / kTile); }
  int64_t numEntries() const { return groupPtr.empty() ? 0 : groupPtr.back(); }
  int64_t tileStart(int g, int t) const {
    return groupTileStart[static_cast<size_t>(g) * static_cast<size_t>(numTiles() + 1) +
                          static_cast<size_t>(t)];
  }

  /// Fills the batch from images[indices[0..count)] of `set`.
  void gather(const ImageSet& set, const uint32_t* indices, int64_t count);
  /// Fills the batch from images [first, first + count) of `set` and trims the buffers (for
  /// batches kept for a whole run, such as the test set's chunks).
  void gatherRange(const ImageSet& set, int64_t first, int64_t count);

 private:
  template <class ImageAt>
  void fill(int cols, int64_t count, ImageAt imageAt);
  std::vector<uint32_t> m_words;  // scratch: the images as words of four pixels
  std::vector<int64_t> m_next;    // scratch
};

}  // namespace bnn
