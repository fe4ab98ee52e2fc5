#include "nn/sparse_batch.h"

namespace bnn {

namespace {
constexpr float kInv255 = 1.0f / 255.0f;

void appendImage(SparseBatch& b, const uint8_t* px, int n) {
  for (int k = 0; k < n; ++k) {
    if (px[k]) {
      b.colIdx.push_back(static_cast<uint16_t>(k));
      b.values.push_back(static_cast<float>(px[k]) * kInv255);
    }
  }
}
}  // namespace

void SparseBatch::gather(const ImageSet& set, const uint32_t* indices, int64_t count) {
  rows = count;
  cols = set.pixelsPerImage();
  rowPtr.resize(static_cast<size_t>(count) + 1);
  colIdx.clear();
  values.clear();
  rowPtr[0] = 0;
  for (int64_t i = 0; i < count; ++i) {
    appendImage(*this, set.image(indices[i]), cols);
    rowPtr[i + 1] = static_cast<int64_t>(colIdx.size());
  }
}

void SparseBatch::gatherRange(const ImageSet& set, int64_t first, int64_t count) {
  rows = count;
  cols = set.pixelsPerImage();
  rowPtr.resize(static_cast<size_t>(count) + 1);
  colIdx.clear();
  values.clear();
  rowPtr[0] = 0;
  for (int64_t i = 0; i < count; ++i) {
    appendImage(*this, set.image(first + i), cols);
    rowPtr[i + 1] = static_cast<int64_t>(colIdx.size());
  }
}

void SparseBatch::buildColumns() {
  colPtr.assign(static_cast<size_t>(cols) + 1, 0);
  const int64_t nnz = nonZeros();
  for (int64_t e = 0; e < nnz; ++e) ++colPtr[colIdx[e] + 1];
  for (int k = 0; k < cols; ++k) colPtr[k + 1] += colPtr[k];
  rowIdx.resize(static_cast<size_t>(nnz));
  colValues.resize(static_cast<size_t>(nnz));
  colNext.assign(colPtr.begin(), colPtr.end() - 1);
  auto& next = colNext;
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t e = rowPtr[i]; e < rowPtr[i + 1]; ++e) {
      const int64_t dst = next[colIdx[e]]++;
      rowIdx[dst] = static_cast<uint32_t>(i);
      colValues[dst] = values[e];
    }
  }
}

}  // namespace bnn
