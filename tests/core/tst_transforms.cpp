// Shift and OOD transforms against hand-computed pixels: exact rotations by multiples of 90°,
// a bright pixel rotated by 45° against its bilinear weights, translations, inversion, seeded
// noise and permutations, and the text form of a transform.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "data/synthetic.h"
#include "data/transforms.h"
#include "util/random_stream.h"

using namespace bnn;

namespace {

constexpr int kSide = 28;
using Image = std::vector<uint8_t>;

// A 28 x 28 image with every pixel different enough to catch any misplacement.
Image patterned() {
  Image img(kSide * kSide);
  for (int r = 0; r < kSide; ++r)
    for (int c = 0; c < kSide; ++c) img[size_t(r * kSide + c)] = uint8_t((r * 31 + c * 7 + r * c) % 256);
  return img;
}

Image rotate(const Image& in, double degrees) {
  Image out(in.size());
  rotateImage(in.data(), kSide, kSide, degrees, out.data());
  return out;
}

Image translate(const Image& in, double dx, double dy) {
  Image out(in.size());
  translateImage(in.data(), kSide, kSide, dx, dy, out.data());
  return out;
}

uint8_t at(const Image& img, int r, int c) { return img[size_t(r * kSide + c)]; }

ImageSet setOf(const std::vector<Image>& images) {
  ImageSet s;
  s.count = int64_t(images.size());
  for (const auto& img : images) s.pixels.insert(s.pixels.end(), img.begin(), img.end());
  s.labels.assign(images.size(), 3);
  return s;
}

}  // namespace

class TestTransforms : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void rotationByZeroIsIdentity_data();
  void rotationByZeroIsIdentity();
  void rotationBy90IsTransposeAndFlip();
  void rotationBy180And270();
  void brightPixelRotatedBy45();
  void rotationKeepsZeroOutside();
  void translationInteger();
  void translationSubPixel();
  void wholePixelShiftMatchesTranslation();
  void inversion();
  void gaussianNoiseIsSeededAndCalibrated();
  void gaussianNoiseClipsAndZeroSigmaIsIdentity();
  void permutationPerImage();
  void uniformNoiseImages();
  void wholeSetMatchesPerImage();
  void specParses_data();
  void specParses();
  void specRefuses_data();
  void specRefuses();
};

void TestTransforms::rotationByZeroIsIdentity_data() {
  QTest::addColumn<double>("degrees");
  QTest::newRow("0") << 0.0;
  QTest::newRow("360") << 360.0;
  QTest::newRow("-720") << -720.0;
}

void TestTransforms::rotationByZeroIsIdentity() {
  QFETCH(double, degrees);
  const Image img = patterned();
  QCOMPARE(rotate(img, degrees), img);
}

void TestTransforms::rotationBy90IsTransposeAndFlip() {
  // Counter-clockwise by 90° = np.rot90 = flip upside down of the transpose: out(r, c) = in(c, 27 - r).
  const Image img = patterned();
  const Image out = rotate(img, 90);
  for (int r = 0; r < kSide; ++r)
    for (int c = 0; c < kSide; ++c) QCOMPARE(at(out, r, c), at(img, c, kSide - 1 - r));
  // Counter-clockwise on screen: a pixel right of the centre moves above it.
  Image dot(kSide * kSide, 0);
  dot[size_t(13 * kSide + 25)] = 255;  // row 13, column 25 (right)
  const Image up = rotate(dot, 90);
  QCOMPARE(at(up, 2, 13), uint8_t(255));  // row 2 (top), column 13
  QCOMPARE(rotate(img, 450), out);
  QCOMPARE(rotate(img, -270), out);
}

void TestTransforms::rotationBy180And270() {
  const Image img = patterned();
  const Image r180 = rotate(img, 180), r270 = rotate(img, 270);
  for (int r = 0; r < kSide; ++r)
    for (int c = 0; c < kSide; ++c) {
      QCOMPARE(at(r180, r, c), at(img, kSide - 1 - r, kSide - 1 - c));
      QCOMPARE(at(r270, r, c), at(img, kSide - 1 - c, r));
    }
  QCOMPARE(rotate(img, -90), r270);
}

void TestTransforms::brightPixelRotatedBy45() {
  // One pixel of 255 at row 14, column 20. Output (r, c) samples the input at
  //   y = cos45 (r - 13.5) + sin45 (c - 13.5) + 13.5,  x = -sin45 (r - 13.5) + cos45 (c - 13.5) + 13.5
  // and gets 255 (1 - |y - 14|)(1 - |x - 20|) when both factors are positive, rounded half up.
  // By hand: the bright point lands at (13.5 - 6/√2, 13.5 + 7/√2) = (9.26, 18.45); the four output
  // pixels around it sample
  //   (9, 18): y 13.5,   x 19.864: w = .5 * .864 = .432 -> 110
  //   (9, 19): y 14.207, x 20.571: w = .793 * .429 = .340 -> 87
  //   (10, 18): y 14.207, x 19.157: w = .793 * .157 = .124 -> 32
  //   (10, 19): y 14.914, x 19.864: w = .086 * .864 = .074 -> 19
  Image dot(kSide * kSide, 0);
  dot[size_t(14 * kSide + 20)] = 255;
  const Image out = rotate(dot, 45);
  QCOMPARE(at(out, 9, 18), uint8_t(110));
  QCOMPARE(at(out, 9, 19), uint8_t(87));
  QCOMPARE(at(out, 10, 18), uint8_t(32));
  QCOMPARE(at(out, 10, 19), uint8_t(19));
  int nonZero = 0;
  for (int r = 0; r < kSide; ++r)
    for (int c = 0; c < kSide; ++c) {
      const double h = std::sqrt(0.5);
      const double y = h * (r - 13.5) + h * (c - 13.5) + 13.5, x = -h * (r - 13.5) + h * (c - 13.5) + 13.5;
      const double w = std::max(0.0, 1 - std::abs(y - 14)) * std::max(0.0, 1 - std::abs(x - 20));
      QCOMPARE(int(at(out, r, c)), int(std::floor(255 * w + 0.5)));
      nonZero += at(out, r, c) != 0;
    }
  QCOMPARE(nonZero, 4);
}

void TestTransforms::rotationKeepsZeroOutside() {
  // A full white image rotated by 45°: the corners sample outside the input and are 0; the
  // centre stays 255; nothing exceeds 255.
  const Image white(kSide * kSide, 255);
  const Image out = rotate(white, 45);
  QCOMPARE(at(out, 0, 0), uint8_t(0));
  QCOMPARE(at(out, 27, 27), uint8_t(0));
  QCOMPARE(at(out, 0, 27), uint8_t(0));
  QCOMPARE(at(out, 14, 14), uint8_t(255));
}

void TestTransforms::translationInteger() {
  // translate=2,-1: content moves 2 right and 1 up: out(r, c) = in(r + 1, c - 2), 0 where that is outside.
  const Image img = patterned();
  const Image out = translate(img, 2, -1);
  for (int r = 0; r < kSide; ++r)
    for (int c = 0; c < kSide; ++c) {
      const int sr = r + 1, sc = c - 2;
      const uint8_t expected = sr < kSide && sc >= 0 ? at(img, sr, sc) : 0;
      QCOMPARE(at(out, r, c), expected);
    }
  QCOMPARE(translate(img, 0, 0), img);
  QCOMPARE(translate(img, 40, 0), Image(kSide * kSide, 0));
}

void TestTransforms::translationSubPixel() {
  // Half a pixel right: a 255 pixel at (10, 10) spreads to columns 10 and 11 with weight 1/2:
  // 127.5 rounded half up = 128. A 100 pixel at (5, 5) becomes 50 and 50.
  Image img(kSide * kSide, 0);
  img[size_t(10 * kSide + 10)] = 255;
  img[size_t(5 * kSide + 5)] = 100;
  const Image out = translate(img, 0.5, 0);
  QCOMPARE(at(out, 10, 10), uint8_t(128));
  QCOMPARE(at(out, 10, 11), uint8_t(128));
  QCOMPARE(at(out, 10, 9), uint8_t(0));
  QCOMPARE(at(out, 5, 5), uint8_t(50));
  QCOMPARE(at(out, 5, 6), uint8_t(50));
  // A quarter pixel down and right: weights (3/4)(3/4), (3/4)(1/4), (1/4)(3/4), (1/4)(1/4) of 255.
  const Image q = translate(img, 0.25, 0.25);
  QCOMPARE(at(q, 10, 10), uint8_t(143));  // 143.44
  QCOMPARE(at(q, 10, 11), uint8_t(48));   // 47.81
  QCOMPARE(at(q, 11, 10), uint8_t(48));
  QCOMPARE(at(q, 11, 11), uint8_t(16));  // 15.94
  // Column 0 samples x = -0.5, outside the image: 0 (scipy's 'constant' mode), even next to ink.
  Image edge(kSide * kSide, 0);
  edge[size_t(3 * kSide + 0)] = 200;
  QCOMPARE(at(translate(edge, 0.5, 0), 3, 0), uint8_t(0));
  QCOMPARE(at(translate(edge, 0.5, 0), 3, 1), uint8_t(100));
}

void TestTransforms::wholePixelShiftMatchesTranslation() {
  // shiftImage (the training minibatch's augmentation) is translateImage for whole pixels, in both
  // directions of both axes, including shifts that move everything out.
  const Image img = patterned();
  Image out(img.size());
  for (int dy = -3; dy <= 3; ++dy)
    for (int dx = -3; dx <= 3; ++dx) {
      shiftImage(img.data(), kSide, kSide, dx, dy, out.data());
      QCOMPARE(out, translate(img, dx, dy));
    }
  shiftImage(img.data(), kSide, kSide, 1, -1, out.data());
  QCOMPARE(at(out, 0, 1), at(img, 1, 0));  // content one right and one up
  QCOMPARE(at(out, 27, 5), uint8_t(0));    // the bottom row has no source
  QCOMPARE(at(out, 5, 0), uint8_t(0));     // nor the left column
  shiftImage(img.data(), kSide, kSide, 0, 30, out.data());
  QCOMPARE(out, Image(kSide * kSide, 0));
  shiftImage(img.data(), kSide, kSide, -28, 0, out.data());
  QCOMPARE(out, Image(kSide * kSide, 0));
}

void TestTransforms::inversion() {
  const Image img = patterned();
  Image out(img.size());
  invertImage(img.data(), int(img.size()), out.data());
  for (size_t p = 0; p < img.size(); ++p) QCOMPARE(int(out[p]), 255 - int(img[p]));
  const ImageSet set = inverted(setOf({img}));
  QCOMPARE(set.pixels, out);
  QCOMPARE(int(inverted(set).pixels[100]), int(img[100]));
}

void TestTransforms::gaussianNoiseIsSeededAndCalibrated() {
  // 200 mid-grey images (128) with σ = 0.1: no clipping within 5σ. The noise in grey levels has
  // sd 25.5 plus the rounding's 1/12: sd² = 25.5² + 1/12. Tolerances are 5 standard errors.
  const int count = 200;
  const ImageSet grey = setOf(std::vector<Image>(count, Image(kSide * kSide, 128)));
  const ImageSet a = withGaussianNoise(grey, 0.1, 7), b = withGaussianNoise(grey, 0.1, 7);
  const ImageSet c = withGaussianNoise(grey, 0.1, 8);
  QCOMPARE(a.pixels, b.pixels);  // same seed, same bytes
  QVERIFY(a.pixels != c.pixels);
  QCOMPARE(a.labels, grey.labels);
  const double n = double(a.pixels.size());
  double sum = 0, sq = 0;
  for (uint8_t v : a.pixels) {
    const double d = double(v) - 128.0;
    sum += d;
    sq += d * d;
  }
  const double mean = sum / n, var = sq / n - mean * mean;
  const double sd = std::sqrt(25.5 * 25.5 + 1.0 / 12);
  QVERIFY2(std::abs(mean) < 5 * sd / std::sqrt(n), qPrintable(QString::number(mean)));
  QVERIFY2(std::abs(std::sqrt(var) - sd) < 5 * sd / std::sqrt(2 * n),
           qPrintable(QString::number(std::sqrt(var))));
  // Image i's noise depends on (seed, i) only: the first image alone gets the same bytes.
  const ImageSet first = withGaussianNoise(setOf({Image(kSide * kSide, 128)}), 0.1, 7);
  QVERIFY(std::equal(first.pixels.begin(), first.pixels.end(), a.pixels.begin()));
  // ...and images differ from each other.
  QVERIFY(!std::equal(a.pixels.begin(), a.pixels.begin() + kSide * kSide, a.pixels.begin() + kSide * kSide));
}

void TestTransforms::gaussianNoiseClipsAndZeroSigmaIsIdentity() {
  const Image img = patterned();
  const ImageSet set = setOf({img, img});
  QCOMPARE(withGaussianNoise(set, 0.0, 1).pixels, set.pixels);
  // σ = 1 on black and white: values stay in 0..255 and both ends are hit (clipping).
  const ImageSet extremes = setOf({Image(kSide * kSide, 0), Image(kSide * kSide, 255)});
  const ImageSet noisy = withGaussianNoise(extremes, 1.0, 3);
  const auto [lo, hi] = std::minmax_element(noisy.pixels.begin(), noisy.pixels.end());
  QCOMPARE(int(*lo), 0);
  QCOMPARE(int(*hi), 255);
  // On black, about half the pixels (z < 0) clip to 0.
  const auto zeros = std::count(noisy.pixels.begin(), noisy.pixels.begin() + kSide * kSide, uint8_t(0));
  QVERIFY(zeros > 300 && zeros < 500);
}

void TestTransforms::permutationPerImage() {
  const Image img = patterned();
  const ImageSet set = setOf({img, img, img});
  const ImageSet p1 = pixelPermuted(set, 5), p2 = pixelPermuted(set, 5), p3 = pixelPermuted(set, 6);
  QCOMPARE(p1.pixels, p2.pixels);
  QVERIFY(p1.pixels != p3.pixels);
  const size_t ppi = size_t(kSide * kSide);
  std::vector<Image> out(3);
  for (size_t i = 0; i < 3; ++i) {
    out[i].assign(p1.pixels.begin() + std::ptrdiff_t(i * ppi),
                  p1.pixels.begin() + std::ptrdiff_t((i + 1) * ppi));
    Image a = out[i], b = img;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    QCOMPARE(a, b);  // the same pixel values, moved
  }
  QVERIFY(out[0] != out[1] && out[1] != out[2]);  // one permutation per image
  // The permutation itself: a bijection, and far from the identity.
  std::vector<int32_t> perm(ppi);
  randomPermutation(RandomStream(1), 0, int(ppi), perm.data());
  std::vector<int32_t> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  for (size_t p = 0; p < ppi; ++p) QCOMPARE(sorted[p], int32_t(p));
  int fixedPoints = 0;
  for (size_t p = 0; p < ppi; ++p) fixedPoints += perm[p] == int32_t(p);
  QVERIFY(fixedPoints < 8);  // expected 1 (Poisson), P(>= 8) < 1e-5
}

void TestTransforms::uniformNoiseImages() {
  const ImageSet like = setOf(std::vector<Image>(50, Image(kSide * kSide, 0)));
  const ImageSet u = bnn::uniformNoiseImages(like, 2);
  QCOMPARE(u.count, like.count);
  QCOMPARE(u.pixels, bnn::uniformNoiseImages(like, 2).pixels);
  // Uniform on 0..255: mean 127.5, sd 73.9; 39,200 values.
  const double n = double(u.pixels.size());
  const double mean = std::accumulate(u.pixels.begin(), u.pixels.end(), 0.0) / n;
  QVERIFY(std::abs(mean - 127.5) < 5 * 73.9 / std::sqrt(n));
  std::vector<int> hist(256, 0);
  for (uint8_t v : u.pixels) ++hist[v];
  QVERIFY(*std::min_element(hist.begin(), hist.end()) > 0);
}

void TestTransforms::wholeSetMatchesPerImage() {
  const Dataset d = makeSyntheticDataset(10, 600, 3);  // 600 images: three blocks of 256
  const ImageSet& set = d.test;
  const ImageSet r = rotated(set, 30), t = translated(set, -1.5, 2);
  Image one(size_t(kSide * kSide));
  for (int64_t i : {int64_t(0), int64_t(255), int64_t(256), int64_t(599)}) {
    rotateImage(set.image(i), kSide, kSide, 30, one.data());
    QVERIFY(std::equal(one.begin(), one.end(), r.image(i)));
    translateImage(set.image(i), kSide, kSide, -1.5, 2, one.data());
    QVERIFY(std::equal(one.begin(), one.end(), t.image(i)));
  }
  QCOMPARE(r.labels, set.labels);
  QVERIFY(r.imagesPath.empty());
  // applyTransform dispatches to the same functions.
  QCOMPARE(applyTransform(set, *parseTransformSpec("rotate=30")).pixels, r.pixels);
  QCOMPARE(applyTransform(set, *parseTransformSpec("noise=0.3"), 9).pixels,
           withGaussianNoise(set, 0.3, 9).pixels);
  QCOMPARE(applyTransform(set, *parseTransformSpec("permute"), 9).pixels, pixelPermuted(set, 9).pixels);
  QCOMPARE(applyTransform(set, *parseTransformSpec("uniform-noise"), 9).pixels,
           bnn::uniformNoiseImages(set, 9).pixels);
  QCOMPARE(applyTransform(set, *parseTransformSpec("invert")).pixels, inverted(set).pixels);
}

void TestTransforms::specParses_data() {
  QTest::addColumn<QString>("text");
  QTest::addColumn<int>("kind");
  QTest::addColumn<double>("a");
  QTest::addColumn<double>("b");
  QTest::addColumn<QString>("canonical");
  QTest::newRow("rotate") << "rotate=30" << int(TransformKind::Rotate) << 30.0 << 0.0 << "rotate=30";
  QTest::newRow("rotate negative fraction")
      << " rotate = -12.5 " << int(TransformKind::Rotate) << -12.5 << 0.0 << "rotate=-12.5";
  QTest::newRow("translate") << "translate=2,-1" << int(TransformKind::Translate) << 2.0 << -1.0
                             << "translate=2,-1";
  QTest::newRow("translate spaced") << "translate= 0.5 , +3" << int(TransformKind::Translate) << 0.5 << 3.0
                                    << "translate=0.5,3";
  QTest::newRow("noise") << "noise=0.2" << int(TransformKind::GaussianNoise) << 0.2 << 0.0 << "noise=0.2";
  QTest::newRow("noise bounds") << "noise=1" << int(TransformKind::GaussianNoise) << 1.0 << 0.0 << "noise=1";
  QTest::newRow("invert") << "invert" << int(TransformKind::Invert) << 0.0 << 0.0 << "invert";
  QTest::newRow("inverted") << "inverted" << int(TransformKind::Invert) << 0.0 << 0.0 << "invert";
  QTest::newRow("permuted") << "permuted" << int(TransformKind::Permute) << 0.0 << 0.0 << "permute";
  QTest::newRow("uniform") << "uniform" << int(TransformKind::UniformNoise) << 0.0 << 0.0 << "uniform-noise";
}

void TestTransforms::specParses() {
  QFETCH(QString, text);
  QFETCH(int, kind);
  QFETCH(double, a);
  QFETCH(double, b);
  QFETCH(QString, canonical);
  auto r = parseTransformSpec(text.toStdString());
  QVERIFY2(r.ok(), r.ok() ? "" : r.error().message().c_str());
  QCOMPARE(int(r->kind), kind);
  if (r->kind == TransformKind::Rotate) QCOMPARE(r->degrees, a);
  if (r->kind == TransformKind::Translate) {
    QCOMPARE(r->dx, a);
    QCOMPARE(r->dy, b);
  }
  if (r->kind == TransformKind::GaussianNoise) QCOMPARE(r->sigma, a);
  QCOMPARE(QString::fromStdString(transformSpecText(*r)), canonical);
  auto back = parseTransformSpec(transformSpecText(*r));
  QVERIFY(back.ok() && *back == *r);
}

void TestTransforms::specRefuses_data() {
  QTest::addColumn<QString>("text");
  QTest::addColumn<QString>("mentions");
  QTest::newRow("empty") << ""
                         << "no transform given";
  QTest::newRow("unknown") << "shear=3"
                           << "unknown transform 'shear'";
  QTest::newRow("rotate without angle") << "rotate"
                                        << "rotate needs an angle";
  QTest::newRow("rotate text") << "rotate=ten"
                               << "'ten' is not a finite number";
  QTest::newRow("rotate inf") << "rotate=inf"
                              << "not a finite number";
  QTest::newRow("rotate junk") << "rotate=30deg"
                               << "'30deg'";
  QTest::newRow("translate one value") << "translate=2"
                                       << "two shifts";
  QTest::newRow("translate bad y") << "translate=2,x"
                                   << "vertical shift 'x'";
  QTest::newRow("translate three") << "translate=1,2,3"
                                   << "vertical shift '2,3'";
  QTest::newRow("noise negative") << "noise=-0.1"
                                  << "between 0 and 1";
  QTest::newRow("noise too big") << "noise=2"
                                 << "between 0 and 1";
  QTest::newRow("noise nan") << "noise=nan"
                             << "not a finite number";
  QTest::newRow("invert with value") << "invert=1"
                                     << "invert takes no value";
}

void TestTransforms::specRefuses() {
  QFETCH(QString, text);
  QFETCH(QString, mentions);
  auto r = parseTransformSpec(text.toStdString());
  QVERIFY(!r.ok());
  QCOMPARE(r.error().code, ErrorCode::InvalidConfig);
  const QString message = QString::fromStdString(r.error().message());
  QVERIFY2(message.contains(mentions), qPrintable(message));
  QVERIFY2(message.contains("rotate=DEG, translate=DX,DY"), qPrintable(message));  // lists the forms
}

QTEST_GUILESS_MAIN(TestTransforms)
#include "tst_transforms.moc"
