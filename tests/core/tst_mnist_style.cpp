// MNIST-style preprocessing of drawings, step by step on hand-made images with known answers,
// end to end on a centred square, an off-centre stroke, a tall thin stroke, an empty canvas and
// a dark-on-light drawing, and as a near fixed point on real MNIST digits when present.
#include <QtTest>

#include <cmath>
#include <vector>

#include "data/idx_loader.h"
#include "data/mnist_style.h"

using namespace bnn;

namespace {

GreyImage canvas(int rows, int cols, float background = 0.0f) {
  GreyImage g;
  g.rows = rows;
  g.cols = cols;
  g.pixels.assign(size_t(rows) * size_t(cols), background);
  return g;
}

void fill(GreyImage& g, int top, int left, int bottom, int right, float v) {
  for (int r = top; r < bottom; ++r)
    for (int c = left; c < right; ++c) g.at(r, c) = v;
}

bool near(double a, double b, double tol = 1e-6) { return std::abs(a - b) <= tol; }

// Bounding box of the non-zero pixels of the result.
InkBox resultBox(const MnistStyleInput& m) { return inkBoundingBox(m.image, 0.0f); }

}  // namespace

class TestMnistStyle : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void boundingBox();
  void areaResizeAverages();
  void areaResizeFractionalCoverage();
  void areaResizeUpscales();
  void centreOfMassByHand();
  void placeInFrameClips();
  void backgroundDetection();
  void centredSquare();
  void offCentreStroke();
  void tallThinStrokeKeepsAspectRatio();
  void emptyCanvasHasNothingToClassify();
  void lightBackgroundIsInverted();
  void greyLevelsAreAntiAliased();
  void realMnistDigitsAreNearlyFixedPoints();
};

void TestMnistStyle::boundingBox() {
  GreyImage g = canvas(10, 12);
  g.at(2, 3) = 0.5f;
  g.at(7, 9) = 0.06f;
  g.at(5, 1) = 0.04f;  // below the threshold 0.05
  const InkBox b = inkBoundingBox(g, 0.05f);
  QCOMPARE(b.top, 2);
  QCOMPARE(b.left, 3);
  QCOMPARE(b.bottom, 8);
  QCOMPARE(b.right, 10);
  QCOMPARE(b.height(), 6);
  QCOMPARE(b.width(), 7);
  QVERIFY(inkBoundingBox(canvas(5, 5), 0.0f).empty());
  const GreyImage c = cropGrey(g, b);
  QCOMPARE(c.rows, 6);
  QCOMPARE(c.at(0, 0), 0.5f);
  QCOMPARE(c.at(5, 6), 0.06f);
}

void TestMnistStyle::areaResizeAverages() {
  // 4 x 4 -> 2 x 2: each output is the mean of a 2 x 2 block.
  GreyImage g = canvas(4, 4);
  const float v[16] = {1, 0, 0, 0, 0, 1, 0, 0, .5f, .5f, .2f, .2f, .5f, .5f, .2f, .6f};
  for (int p = 0; p < 16; ++p) g.pixels[size_t(p)] = v[p];
  const GreyImage s = areaResize(g, 2, 2);
  QVERIFY(near(s.at(0, 0), 0.5));
  QVERIFY(near(s.at(0, 1), 0.0));
  QVERIFY(near(s.at(1, 0), 0.5));
  QVERIFY(near(s.at(1, 1), 0.3));
}

void TestMnistStyle::areaResizeFractionalCoverage() {
  // 3 x 3 -> 2 x 2: each output covers 1.5 x 1.5 input pixels; along an axis output 0 takes
  // input 0 whole and half of input 1 (weights 2/3, 1/3), output 1 half of 1 and all of 2.
  // Only the centre pixel lit (value 1): every output gets (1/3)(1/3) = 1/9.
  GreyImage g = canvas(3, 3);
  g.at(1, 1) = 1.0f;
  const GreyImage s = areaResize(g, 2, 2);
  for (int r = 0; r < 2; ++r)
    for (int c = 0; c < 2; ++c) QVERIFY(near(s.at(r, c), 1.0 / 9));
  // Only the corner (0, 0) lit: output (0, 0) = (2/3)(2/3) = 4/9, the others 0.
  GreyImage h = canvas(3, 3);
  h.at(0, 0) = 1.0f;
  const GreyImage t = areaResize(h, 2, 2);
  QVERIFY(near(t.at(0, 0), 4.0 / 9));
  QVERIFY(near(t.at(1, 1), 0.0));
  // Mass is preserved up to the area ratio: mean value is unchanged.
  double mean = 0;
  for (float x : t.pixels) mean += x;
  QVERIFY(near(mean / 4, 1.0 / 9));
}

void TestMnistStyle::areaResizeUpscales() {
  // 1 x 2 -> 1 x 3: outputs cover [0, 2/3), [2/3, 4/3), [4/3, 2): in0, (in0 + in1) / 2, in1.
  GreyImage g = canvas(1, 2);
  g.at(0, 0) = 0.9f;
  g.at(0, 1) = 0.3f;
  const GreyImage s = areaResize(g, 1, 3);
  QVERIFY(near(s.at(0, 0), 0.9));
  QVERIFY(near(s.at(0, 1), 0.6));
  QVERIFY(near(s.at(0, 2), 0.3));
  const GreyImage one = areaResize(canvas(1, 1, 0.7f), 3, 3);
  for (float x : one.pixels) QVERIFY(near(x, 0.7));
}

void TestMnistStyle::centreOfMassByHand() {
  GreyImage g = canvas(5, 5);
  g.at(1, 1) = 1.0f;
  g.at(3, 4) = 0.5f;
  // rows (1 * 1 + 0.5 * 3) / 1.5 = 5/3; columns (1 + 0.5 * 4) / 1.5 = 2.
  const CentreOfMass m = centreOfMass(g);
  QVERIFY(near(m.row, 5.0 / 3, 1e-12));
  QVERIFY(near(m.col, 2.0, 1e-12));
  QVERIFY(near(m.mass, 1.5));
  QVERIFY(std::isnan(centreOfMass(canvas(3, 3)).row));
}

void TestMnistStyle::placeInFrameClips() {
  GreyImage g = canvas(3, 3, 1.0f);
  const GreyImage f = placeInFrame(g, 5, 5, -1, 3);
  // Rows -1..1 and columns 3..5: rows 0-1, columns 3-4 remain.
  double sum = 0;
  for (float x : f.pixels) sum += x;
  QCOMPARE(sum, 4.0);
  QCOMPARE(f.at(0, 3), 1.0f);
  QCOMPARE(f.at(1, 4), 1.0f);
  QCOMPARE(f.at(2, 3), 0.0f);
}

void TestMnistStyle::backgroundDetection() {
  QVERIFY(hasLightBackground(canvas(10, 10, 1.0f)));
  QVERIFY(!hasLightBackground(canvas(10, 10, 0.0f)));
  GreyImage g = canvas(10, 10, 0.9f);
  fill(g, 2, 2, 8, 8, 0.0f);  // black blob inside a light border
  QVERIFY(hasLightBackground(g));
  QCOMPARE(invertedGrey(g).at(5, 5), 1.0f);
}

void TestMnistStyle::centredSquare() {
  // A 40 x 40 white square in the middle of a 100 x 100 black canvas: crop 40 x 40 -> 20 x 20
  // of ones; centre of mass (9.5, 9.5); top-left round(14 - 9.5) = 5 (half up); rows and
  // columns 5..24 lit; final centre of mass (14.5, 14.5).
  GreyImage g = canvas(100, 100);
  fill(g, 30, 30, 70, 70, 1.0f);
  const MnistStyleInput m = toMnistStyle(g);
  QVERIFY(!m.empty);
  QVERIFY(!m.inverted);
  QCOMPARE(m.box.top, 30);
  QCOMPARE(m.box.height(), 40);
  QCOMPARE(m.scaledRows, 20);
  QCOMPARE(m.scaledCols, 20);
  QVERIFY(near(m.scaledCentre.row, 9.5, 1e-12));
  QCOMPARE(m.top, 5);
  QCOMPARE(m.left, 5);
  const InkBox b = resultBox(m);
  QCOMPARE(b.top, 5);
  QCOMPARE(b.bottom, 25);
  QCOMPARE(b.left, 5);
  QCOMPARE(b.right, 25);
  QVERIFY(near(m.centre.row, 14.5, 1e-9));
  QVERIFY(near(m.centre.col, 14.5, 1e-9));
  QCOMPARE(m.image.rows, 28);
  QCOMPARE(m.bytes.size(), size_t(784));
  QCOMPARE(int(m.bytes[size_t(5 * 28 + 5)]), 255);
  QCOMPARE(m.clippedShare, 0.0);
}

void TestMnistStyle::offCentreStroke() {
  // A horizontal bar in the top-left corner of a 200 x 200 canvas: rows 10-19, columns 20-99
  // (10 x 80). Scaled: 20 wide, round(20 * 10 / 80) = round(2.5) = 3 tall, all ones. Centre of
  // mass (1, 9.5) -> top round(13) = 13, left round(4.5) = 5: rows 13-15, columns 5-24.
  GreyImage g = canvas(200, 200);
  fill(g, 10, 20, 20, 100, 1.0f);
  const MnistStyleInput m = toMnistStyle(g);
  QVERIFY(!m.empty);
  QCOMPARE(m.scaledRows, 3);
  QCOMPARE(m.scaledCols, 20);
  QCOMPARE(m.top, 13);
  QCOMPARE(m.left, 5);
  const InkBox b = resultBox(m);
  QCOMPARE(b.top, 13);
  QCOMPARE(b.bottom, 16);
  QCOMPARE(b.left, 5);
  QCOMPARE(b.right, 25);
  QVERIFY(near(m.centre.row, 14.0, 1e-9));
  QVERIFY(near(m.centre.col, 14.5, 1e-9));
  // Where the stroke was drawn does not matter: the same bar elsewhere gives the same input.
  GreyImage h = canvas(200, 200);
  fill(h, 150, 110, 160, 190, 1.0f);
  QCOMPARE(toMnistStyle(h).bytes, m.bytes);
}

void TestMnistStyle::tallThinStrokeKeepsAspectRatio() {
  // 100 tall, 10 wide -> 20 x 2 (not stretched to 20 x 20).
  GreyImage g = canvas(300, 300);
  fill(g, 50, 140, 150, 150, 1.0f);
  const MnistStyleInput m = toMnistStyle(g);
  QCOMPARE(m.scaledRows, 20);
  QCOMPARE(m.scaledCols, 2);
  const InkBox b = resultBox(m);
  QCOMPARE(b.height(), 20);
  QCOMPARE(b.width(), 2);
  QVERIFY(std::abs(m.centre.row - 14) <= 0.5);
  QVERIFY(std::abs(m.centre.col - 14) <= 0.5);
  // Very thin: a 1-pixel-wide line 200 long keeps at least one column.
  GreyImage line = canvas(300, 300);
  fill(line, 10, 100, 210, 101, 1.0f);
  const MnistStyleInput l = toMnistStyle(line);
  QCOMPARE(l.scaledCols, 1);
  QCOMPARE(l.scaledRows, 20);
}

void TestMnistStyle::emptyCanvasHasNothingToClassify() {
  // A blank white canvas (the drawing widget before any stroke), a black one, and faint noise
  // below the ink threshold: nothing to classify, no exception, an all-zero 28 x 28 image.
  for (float background : {1.0f, 0.0f}) {
    const MnistStyleInput m = toMnistStyle(canvas(280, 280, background));
    QVERIFY(m.empty);
    QCOMPARE(m.image.pixels.size(), size_t(784));
    QCOMPARE(m.bytes, std::vector<uint8_t>(784, 0));
  }
  GreyImage faint = canvas(50, 50);
  faint.at(10, 10) = 0.03f;
  QVERIFY(toMnistStyle(faint).empty);
  QVERIFY(toMnistStyle(GreyImage{}).empty);
  GreyImage broken;  // size fields that do not match the pixels
  broken.rows = 10;
  broken.cols = 10;
  QVERIFY(toMnistStyle(broken).empty);
}

void TestMnistStyle::lightBackgroundIsInverted() {
  // Black ink on white paper gives exactly what white ink on black gives.
  GreyImage dark = canvas(120, 90);
  fill(dark, 20, 30, 100, 45, 1.0f);
  fill(dark, 20, 30, 30, 80, 0.8f);  // a "7"
  GreyImage light = invertedGrey(dark);
  const MnistStyleInput a = toMnistStyle(dark), b = toMnistStyle(light);
  QVERIFY(!a.inverted);
  QVERIFY(b.inverted);
  QCOMPARE(b.bytes, a.bytes);
  // Forcing the background overrides detection.
  MnistStyleOptions dark0;
  dark0.background = Background::Dark;
  QVERIFY(toMnistStyle(light, dark0).empty == false);
  QVERIFY(!toMnistStyle(light, dark0).inverted);
  // Bytes in: a white 8-bit canvas with a black stroke.
  std::vector<uint8_t> bytes(64 * 64, 255);
  for (int r = 10; r < 50; ++r) bytes[size_t(r * 64 + 30)] = 0;
  const MnistStyleInput c = toMnistStyle(bytes.data(), 64, 64);
  QVERIFY(c.inverted);
  QCOMPARE(c.scaledRows, 20);
  QCOMPARE(c.scaledCols, 1);
}

void TestMnistStyle::greyLevelsAreAntiAliased() {
  // A 30 x 30 one-pixel checkerboard shrinks to 20 x 20 grey levels strictly between 0 and 1.
  GreyImage g = canvas(30, 30);
  for (int r = 0; r < 30; ++r)
    for (int c = 0; c < 30; ++c) g.at(r, c) = float((r + c) % 2);
  g.at(0, 0) = 1.0f;  // the box must span the whole board
  const MnistStyleInput m = toMnistStyle(g);
  int grey = 0;
  for (float x : m.image.pixels) grey += x > 0.2f && x < 0.8f;
  QVERIFY(grey > 300);
}

void TestMnistStyle::realMnistDigitsAreNearlyFixedPoints() {
  // MNIST digits were made this way, so re-processing one changes it little: centre of mass
  // within half a pixel of (14, 14) and a longer side of 20 (19 to 21 after thresholding), and
  // the pixels stay close (mean absolute difference under 1% of the range; 0.06% measured).
  const QByteArray dir = qgetenv("BNN_DATA_DIR");
  if (dir.isEmpty()) QSKIP("BNN_DATA_DIR not set");
  auto images = readIdx((dir + "/t10k-images-idx3-ubyte").toStdString(), 3);
  if (!images.ok()) QSKIP("MNIST test images not available");
  const int count = 300;
  double meanAbs = 0;
  for (int i = 0; i < count; ++i) {
    const uint8_t* img = images->data.data() + size_t(i) * 784;
    const MnistStyleInput m = toMnistStyle(img, 28, 28);
    QVERIFY(!m.empty);
    QVERIFY(!m.inverted);
    QVERIFY(std::abs(m.centre.row - 14) <= 0.5 + 1e-9);
    QVERIFY(std::abs(m.centre.col - 14) <= 0.5 + 1e-9);
    QVERIFY(std::max(m.scaledRows, m.scaledCols) == 20);
    double d = 0;
    for (int p = 0; p < 784; ++p) d += std::abs(int(m.bytes[size_t(p)]) - int(img[p])) / 255.0;
    meanAbs += d / 784;
  }
  meanAbs /= count;
  qInfo("mean |re-processed - original| per pixel: %.4f of the range", meanAbs);
  QVERIFY(meanAbs < 0.01);
}

QTEST_GUILESS_MAIN(TestMnistStyle)
#include "tst_mnist_style.moc"
