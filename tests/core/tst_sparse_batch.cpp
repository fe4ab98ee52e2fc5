// The sparse batch layout the first layer runs on: column groups of four pixels, their image
// lists in order, the pixel values, and the tile boundaries, checked against the image bytes.
#include <QtTest>

#include <cstring>
#include <vector>

#include "nn/sparse_batch.h"
#include "util/random_stream.h"

using namespace bnn;

namespace {

// count images of rows x cols bytes, about `density` of them non-zero (values 1..255).
ImageSet randomImages(int64_t count, int rows, int cols, double density, uint64_t seed) {
  ImageSet s;
  s.count = count;
  s.rows = rows;
  s.cols = cols;
  s.pixels.resize(static_cast<size_t>(count * rows * cols));
  s.labels.assign(static_cast<size_t>(count), 0);
  RandomStream rs(seed);
  for (size_t k = 0; k < s.pixels.size(); ++k) {
    uint32_t b[4];
    rs.bits(0, k, b);
    const double u = b[0] / 4294967296.0;
    s.pixels[k] = u < density ? static_cast<uint8_t>(1 + b[1] % 255) : uint8_t{0};
  }
  return s;
}

// Every property of the layout for images[idx[0..n)].
void checkLayout(const SparseBatch& x, const ImageSet& set, const std::vector<uint32_t>& idx) {
  const int pixels = set.pixelsPerImage();
  const int G = SparseBatch::kGroup;
  QCOMPARE(x.rows, static_cast<int64_t>(idx.size()));
  QCOMPARE(x.cols, pixels);
  QCOMPARE(x.numGroups(), (pixels + G - 1) / G);
  int64_t expectedEntries = 0;
  for (int g = 0; g < x.numGroups(); ++g) {
    std::vector<int64_t> want;  // images with a non-zero pixel in the group
    for (size_t i = 0; i < idx.size(); ++i) {
      const uint8_t* px = set.image(idx[i]);
      bool any = false;
      for (int j = 0; j < G && g * G + j < pixels; ++j) any |= px[g * G + j] != 0;
      if (any) want.push_back(static_cast<int64_t>(i));
    }
    expectedEntries += static_cast<int64_t>(want.size());
    const int64_t e0 = x.groupPtr[g], e1 = x.groupPtr[g + 1];
    QCOMPARE(e1 - e0, static_cast<int64_t>(want.size()));
    for (int64_t e = e0; e < e1; ++e) {
      const int64_t i = x.groupRow[e];
      QCOMPARE(i, want[static_cast<size_t>(e - e0)]);  // increasing image order
      const uint8_t* px = set.image(idx[static_cast<size_t>(i)]);
      for (int j = 0; j < G; ++j) {
        const float v = g * G + j < pixels ? static_cast<float>(px[g * G + j]) * (1.0f / 255.0f) : 0.0f;
        QCOMPARE(x.groupValues[e * G + j], v);  // exactly the float value pixel * (1/255)
      }
    }
    // Tile t covers images [64 t, 64 t + 64): its entries are exactly those rows.
    for (int t = 0; t < x.numTiles(); ++t) {
      const int64_t s0 = x.tileStart(g, t), s1 = x.tileStart(g, t + 1);
      QVERIFY(e0 <= s0 && s0 <= s1 && s1 <= e1);
      for (int64_t e = s0; e < s1; ++e)
        QCOMPARE(static_cast<int64_t>(x.groupRow[e]) / SparseBatch::kTile, int64_t{t});
    }
    QCOMPARE(x.tileStart(g, 0), e0);
    QCOMPARE(x.tileStart(g, x.numTiles()), e1);
  }
  QCOMPARE(x.numEntries(), expectedEntries);
}

}  // namespace

class TestSparseBatch : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void layoutMatchesTheImages_data() {
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("cols");
    QTest::addColumn<int>("count");
    QTest::addColumn<double>("density");
    QTest::newRow("28x28, one partial tile") << 28 << 28 << 10 << 0.2;
    QTest::newRow("28x28, three tiles, last partial") << 28 << 28 << 150 << 0.2;
    QTest::newRow("5x5 (last group of one pixel), 130 images") << 5 << 5 << 130 << 0.3;
    QTest::newRow("3x7 (21 pixels), dense, exactly two tiles") << 3 << 7 << 128 << 0.9;
    QTest::newRow("all zero images") << 28 << 28 << 70 << 0.0;
  }
  void layoutMatchesTheImages() {
    QFETCH(int, rows);
    QFETCH(int, cols);
    QFETCH(int, count);
    QFETCH(double, density);
    const ImageSet set = randomImages(300, rows, cols, density, 7);
    // A gathered minibatch (scattered, repeated indices) and a range.
    std::vector<uint32_t> idx;
    for (int i = 0; i < count; ++i) idx.push_back(static_cast<uint32_t>((i * 37 + 11) % 300));
    idx[static_cast<size_t>(count / 2)] = idx[0];
    SparseBatch x;
    x.gather(set, idx.data(), count);
    checkLayout(x, set, idx);
    if (QTest::currentTestFailed()) return;
    SparseBatch r;
    r.gatherRange(set, 17, count);
    std::vector<uint32_t> range;
    for (int i = 0; i < count; ++i) range.push_back(static_cast<uint32_t>(17 + i));
    checkLayout(r, set, range);
  }

  void reusedBufferKeepsOnlyTheNewBatch() {
    const ImageSet set = randomImages(400, 28, 28, 0.25, 3);
    std::vector<uint32_t> big(300), small(40);
    for (uint32_t i = 0; i < 300; ++i) big[i] = (i * 7) % 400;
    for (uint32_t i = 0; i < 40; ++i) small[i] = 399 - i;
    SparseBatch x;
    x.gather(set, big.data(), 300);
    const size_t capacity = x.groupRow.size();
    x.gather(set, small.data(), 40);
    QCOMPARE(x.groupRow.size(), capacity);  // no shrink, no reallocation
    checkLayout(x, set, small);
  }
};

QTEST_GUILESS_MAIN(TestSparseBatch)
#include "tst_sparse_batch.moc"
