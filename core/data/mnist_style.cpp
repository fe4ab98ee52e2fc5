#include "data/mnist_style.h"

#include <algorithm>
#include <cmath>

namespace bnn {

namespace {

struct Tap {
  int index;
  double weight;
};

// For each of `out` cells along one axis of `in` cells: the input cells it covers and their
// covered fractions, divided by the cell's width so the weights sum to 1.
std::vector<std::vector<Tap>> areaWeights(int in, int out) {
  std::vector<std::vector<Tap>> taps(size_t(std::max(out, 0)));
  const double step = double(in) / double(out);
  for (int i = 0; i < out; ++i) {
    const double a = double(i) * step;
    const double b = i + 1 == out ? double(in) : double(i + 1) * step;
    const int first = std::clamp(int(std::floor(a)), 0, in - 1);
    const int last = std::clamp(int(std::ceil(b)) - 1, first, in - 1);
    for (int k = first; k <= last; ++k) {
      const double overlap = std::min(b, double(k + 1)) - std::max(a, double(k));
      if (overlap > 0) taps[size_t(i)].push_back({k, overlap / (b - a)});
    }
  }
  return taps;
}

}  // namespace

GreyImage greyFromBytes(const uint8_t* bytes, int rows, int cols) {
  GreyImage g;
  g.rows = std::max(rows, 0);
  g.cols = std::max(cols, 0);
  g.pixels.resize(size_t(g.rows) * size_t(g.cols));
  for (size_t p = 0; p < g.pixels.size(); ++p) g.pixels[p] = float(bytes[p]) / 255.0f;
  return g;
}

GreyImage greyFromFloats(const float* values, int rows, int cols) {
  GreyImage g;
  g.rows = std::max(rows, 0);
  g.cols = std::max(cols, 0);
  g.pixels.resize(size_t(g.rows) * size_t(g.cols));
  for (size_t p = 0; p < g.pixels.size(); ++p) {
    const float v = values[p];
    g.pixels[p] = v > 0 ? std::min(v, 1.0f) : 0.0f;  // NaN -> 0
  }
  return g;
}

bool hasLightBackground(const GreyImage& g) {
  if (g.rows == 0 || g.cols == 0) return false;
  double sum = 0;
  int64_t count = 0;
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.cols; ++c)
      if (r == 0 || c == 0 || r == g.rows - 1 || c == g.cols - 1) {
        sum += g.at(r, c);
        ++count;
      }
  return sum / double(count) > 0.5;
}

GreyImage invertedGrey(const GreyImage& g) {
  GreyImage out = g;
  for (float& v : out.pixels) v = 1.0f - v;
  return out;
}

InkBox inkBoundingBox(const GreyImage& g, float threshold) {
  InkBox b{g.rows, g.cols, 0, 0};
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.cols; ++c)
      if (g.at(r, c) > threshold) {
        b.top = std::min(b.top, r);
        b.left = std::min(b.left, c);
        b.bottom = std::max(b.bottom, r + 1);
        b.right = std::max(b.right, c + 1);
      }
  if (b.empty()) return InkBox{};
  return b;
}

GreyImage cropGrey(const GreyImage& g, const InkBox& box) {
  GreyImage out;
  if (box.empty()) return out;
  out.rows = box.height();
  out.cols = box.width();
  out.pixels.resize(size_t(out.rows) * size_t(out.cols));
  for (int r = 0; r < out.rows; ++r)
    for (int c = 0; c < out.cols; ++c) out.at(r, c) = g.at(box.top + r, box.left + c);
  return out;
}

GreyImage areaResize(const GreyImage& g, int outRows, int outCols) {
  GreyImage out;
  if (g.rows <= 0 || g.cols <= 0 || outRows <= 0 || outCols <= 0) return out;
  const auto rowTaps = areaWeights(g.rows, outRows);
  const auto colTaps = areaWeights(g.cols, outCols);
  // Rows first (outRows x g.cols), then columns.
  std::vector<double> tmp(size_t(outRows) * size_t(g.cols), 0.0);
  for (int i = 0; i < outRows; ++i)
    for (const Tap& t : rowTaps[size_t(i)])
      for (int c = 0; c < g.cols; ++c)
        tmp[size_t(i) * size_t(g.cols) + size_t(c)] += t.weight * g.at(t.index, c);
  out.rows = outRows;
  out.cols = outCols;
  out.pixels.resize(size_t(outRows) * size_t(outCols));
  for (int i = 0; i < outRows; ++i)
    for (int j = 0; j < outCols; ++j) {
      double v = 0;
      for (const Tap& t : colTaps[size_t(j)])
        v += t.weight * tmp[size_t(i) * size_t(g.cols) + size_t(t.index)];
      out.at(i, j) = float(std::clamp(v, 0.0, 1.0));
    }
  return out;
}

CentreOfMass centreOfMass(const GreyImage& g) {
  CentreOfMass m;
  double sr = 0, sc = 0, mass = 0;
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.cols; ++c) {
      const double v = g.at(r, c);
      mass += v;
      sr += v * r;
      sc += v * c;
    }
  m.mass = mass;
  if (mass > 0) {
    m.row = sr / mass;
    m.col = sc / mass;
  }
  return m;
}

GreyImage placeInFrame(const GreyImage& g, int frameRows, int frameCols, int top, int left) {
  GreyImage out;
  out.rows = std::max(frameRows, 0);
  out.cols = std::max(frameCols, 0);
  out.pixels.assign(size_t(out.rows) * size_t(out.cols), 0.0f);
  for (int r = 0; r < g.rows; ++r) {
    const int y = top + r;
    if (y < 0 || y >= out.rows) continue;
    for (int c = 0; c < g.cols; ++c) {
      const int x = left + c;
      if (x >= 0 && x < out.cols) out.at(y, x) = g.at(r, c);
    }
  }
  return out;
}

MnistStyleInput toMnistStyle(const GreyImage& drawing, const MnistStyleOptions& o) {
  MnistStyleInput r;
  const int frame = std::max(o.frameSize, 1);
  r.image.rows = frame;
  r.image.cols = frame;
  r.image.pixels.assign(size_t(frame) * size_t(frame), 0.0f);
  r.bytes.assign(size_t(frame) * size_t(frame), 0);
  if (drawing.rows <= 0 || drawing.cols <= 0 ||
      drawing.pixels.size() != size_t(drawing.rows) * size_t(drawing.cols))
    return r;

  // 1-2: background and ink.
  r.inverted =
      o.background == Background::Light || (o.background == Background::Auto && hasLightBackground(drawing));
  GreyImage ink = r.inverted ? invertedGrey(drawing) : drawing;
  for (float& v : ink.pixels)
    if (!(v > o.inkThreshold)) v = 0.0f;
  // 3: crop.
  r.box = inkBoundingBox(ink, o.inkThreshold);
  if (r.box.empty()) return r;  // nothing to classify
  const GreyImage crop = cropGrey(ink, r.box);
  // 4: longer side to boxSize, aspect ratio kept.
  const int box = std::max(o.boxSize, 1);
  const int h = crop.rows, w = crop.cols;
  if (h >= w) {
    r.scaledRows = box;
    r.scaledCols = std::max(1, int(std::floor(double(box) * w / h + 0.5)));
  } else {
    r.scaledCols = box;
    r.scaledRows = std::max(1, int(std::floor(double(box) * h / w + 0.5)));
  }
  const GreyImage scaled = areaResize(crop, r.scaledRows, r.scaledCols);
  // 5-6: centre of mass to (centre, centre).
  r.scaledCentre = centreOfMass(scaled);
  if (!(r.scaledCentre.mass > 0)) return r;
  r.top = int(std::floor(o.centre - r.scaledCentre.row + 0.5));
  r.left = int(std::floor(o.centre - r.scaledCentre.col + 0.5));
  r.image = placeInFrame(scaled, frame, frame, r.top, r.left);
  r.centre = centreOfMass(r.image);
  r.clippedShare = std::max(0.0, 1.0 - r.centre.mass / r.scaledCentre.mass);
  if (r.clippedShare < 1e-12) r.clippedShare = 0;
  for (size_t p = 0; p < r.bytes.size(); ++p)
    r.bytes[p] = uint8_t(std::floor(double(r.image.pixels[p]) * 255.0 + 0.5));
  r.empty = false;
  return r;
}

MnistStyleInput toMnistStyle(const uint8_t* bytes, int rows, int cols, const MnistStyleOptions& o) {
  return toMnistStyle(greyFromBytes(bytes, rows, cols), o);
}

}  // namespace bnn
