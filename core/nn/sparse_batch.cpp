#include "nn/sparse_batch.h"

#if defined(__AVX512F__)
#include <immintrin.h>
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
}  // namespace

void SparseBatch::gather(const ImageSet& set, const uint32_t* indices, int64_t count) {
  fillRows(*this, set, count, [&](int64_t i) { return set.image(indices[i]); });
}

void SparseBatch::gatherRange(const ImageSet& set, int64_t first, int64_t count) {
  fillRows(*this, set, count, [&](int64_t i) { return set.image(first + i); });
  // Keep only what is used (the test set's chunks live for the whole run).
  colIdx.resize(static_cast<size_t>(rowPtr[count]));
  values.resize(static_cast<size_t>(rowPtr[count]));
  colIdx.shrink_to_fit();
  values.shrink_to_fit();
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
