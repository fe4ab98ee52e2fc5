#pragma once
// A batch of images as sparse rows (MNIST is ~81% zeros): CSR by image for forward products and
// groups of four pixel columns for the first layer's weight gradient. Values are pixel/255. Buffers are reused
// between batches (no allocation once grown). Not thread-safe; one owner.

#include <cstdint>
#include <vector>

#include "data/dataset.h"

namespace bnn {

struct SparseBatch {
  int64_t rows = 0;      // images
  int cols = 0;          // pixels per image (784)
  // CSR: image i has entries rowPtr[i] .. rowPtr[i+1]-1
  std::vector<int64_t> rowPtr;
  std::vector<uint16_t> colIdx;
  std::vector<float> values;
  // Column groups (filled by gather, not by gatherRange): pixels 4g..4g+3 form group g; the
  // images with any of them non-zero are groupRow[groupPtr[g] .. groupPtr[g+1]-1] in increasing order, each with
  // the four pixel values (zeros included) at groupValues[4 e .. 4 e + 3]. One row of dZ1 then
  // serves four rows of the weight gradient.
  static constexpr int kGroup = 4;
  std::vector<int64_t> groupPtr;
  std::vector<uint32_t> groupRow;
  std::vector<float> groupValues;
  // Images come in tiles of kTile; group g's entries for tile t are
  // tileStart(g, t) .. tileStart(g, t + 1) - 1.
  static constexpr int kTile = 64;
  std::vector<int64_t> groupTileStart;  // groups x (tiles + 1)
  std::vector<int64_t> groupNext;   // scratch
  std::vector<uint32_t> groupWords;  // scratch: the images as words of four pixels

  int64_t nonZeros() const { return rowPtr.empty() ? 0 : rowPtr[rows]; }
  bool hasGroups() const { return !groupTileStart.empty(); }
  int numGroups() const { return static_cast<int>(groupPtr.size()) - 1; }
  int numTiles() const { return static_cast<int>((rows + kTile - 1) / kTile); }
  int64_t tileStart(int g, int t) const { return groupTileStart[static_cast<size_t>(g) * (numTiles() + 1) + t]; }
  // colIdx / values may be longer than nonZeros() (capacity kept between batches).

  /// Fills the CSR part and the column groups from images[indices[0..count)] of `set`.
  void gather(const ImageSet& set, const uint32_t* indices, int64_t count);
  /// Fills the CSR part (only) from images [first, first + count) of `set`.
  void gatherRange(const ImageSet& set, int64_t first, int64_t count);
};

}  // namespace bnn
