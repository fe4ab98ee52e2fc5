#pragma once
// A batch of images as sparse rows (MNIST is ~81% zeros): CSR by image for forward products and
// CSC by pixel for the first layer's weight gradient. Values are pixel/255. Buffers are reused
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
  // CSC (filled by buildColumns): pixel k has entries colPtr[k] .. colPtr[k+1]-1
  std::vector<int64_t> colPtr;
  std::vector<uint32_t> rowIdx;
  std::vector<float> colValues;
  std::vector<int64_t> colNext;  // scratch for buildColumns

  int64_t nonZeros() const { return rowPtr.empty() ? 0 : rowPtr[rows]; }
  // colIdx / values may be longer than nonZeros() (capacity kept between batches).

  /// Fills the CSR part from images[indices[0..count)] of `set`.
  void gather(const ImageSet& set, const uint32_t* indices, int64_t count);
  /// Fills the CSR part from images [first, first + count) of `set`.
  void gatherRange(const ImageSet& set, int64_t first, int64_t count);
  /// Builds the CSC part from the CSR part.
  void buildColumns();
};

}  // namespace bnn
