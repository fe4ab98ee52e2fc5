#include "data/transforms.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

#include "util/format.h"
#include "util/parallel.h"
#include "util/philox.h"
#include "util/random_stream.h"

namespace bnn {

namespace {

constexpr int64_t kImagesPerBlock = 256;

// cos and sin of an angle in degrees, exact at multiples of 90° (like scipy.special.cosdg/sindg).
void cosSinDegrees(double degrees, double& c, double& s) {
  double r = std::fmod(degrees, 360.0);
  if (r < 0) r += 360.0;
  if (r == 0) {
    c = 1, s = 0;
  } else if (r == 90) {
    c = 0, s = 1;
  } else if (r == 180) {
    c = -1, s = 0;
  } else if (r == 270) {
    c = 0, s = -1;
  } else {
    const double rad = r * (3.14159265358979323846 / 180.0);
    c = std::cos(rad);
    s = std::sin(rad);
  }
}

// One output pixel of an affine map: scipy.ndimage's order-1 sampling in 'constant' mode
// (cval 0) at input coordinate (y, x). A coordinate outside [0, rows-1] x [0, cols-1] gives 0
// (all weights 0); inside, the four neighbours are blended. At the last row or column the second
// tap has weight 0 (scipy mirrors it inside the image). The map is the same for every image of a
// set, so the taps are computed once and applied to each image.
struct AffineTap {
  int32_t i00 = 0, i01 = 0, i10 = 0, i11 = 0;  // pixel offsets
  double wy0 = 0, wy1 = 0, wx0 = 0, wx1 = 0;   // all 0 for a sample outside the image
};

AffineTap affineTap(int rows, int cols, double y, double x) {
  AffineTap t;
  if (!(y >= 0 && y <= double(rows - 1) && x >= 0 && x <= double(cols - 1))) return t;  // cval 0
  const int y0 = int(std::floor(y)), x0 = int(std::floor(x));
  const int y1 = y0 + 1 < rows ? y0 + 1 : std::max(y0 - 1, 0);
  const int x1 = x0 + 1 < cols ? x0 + 1 : std::max(x0 - 1, 0);
  t.wy1 = y - double(y0);
  t.wx1 = x - double(x0);
  t.wy0 = 1.0 - t.wy1;
  t.wx0 = 1.0 - t.wx1;
  t.i00 = y0 * cols + x0;
  t.i01 = y0 * cols + x1;
  t.i10 = y1 * cols + x0;
  t.i11 = y1 * cols + x1;
  return t;
}

// Taps of out(r, c) = sample(in, m · (r, c) + offset), m row-major 2 x 2, with the coordinates
// evaluated as scipy does: 0 + r m00 + c m01 + offset0.
std::vector<AffineTap> affineTaps(int rows, int cols, const double m[4], const double offset[2]) {
  std::vector<AffineTap> taps(size_t(rows) * size_t(cols));
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      double y = 0.0, x = 0.0;
      y += double(r) * m[0];
      y += double(c) * m[1];
      y += offset[0];
      x += double(r) * m[2];
      x += double(c) * m[3];
      x += offset[1];
      taps[size_t(r) * size_t(cols) + size_t(c)] = affineTap(rows, cols, y, x);
    }
  return taps;
}

// The sum in scipy's order (filter positions (0,0) (0,1) (1,0) (1,1); each value times the row
// weight, then the column weight) and scipy's uint8 store, v > 0 ? v + 0.5 : 0 truncated and
// capped at 255, written without branches (the same bytes).
void applyTaps(const uint8_t* __restrict in, const std::vector<AffineTap>& tapList, uint8_t* __restrict out) {
  const AffineTap* taps = tapList.data();
  const size_t n = tapList.size();
  for (size_t p = 0; p < n; ++p) {
    const AffineTap& a = taps[p];
    double t = 0.0;
    t += double(in[a.i00]) * a.wy0 * a.wx0;
    t += double(in[a.i01]) * a.wy0 * a.wx1;
    t += double(in[a.i10]) * a.wy1 * a.wx0;
    t += double(in[a.i11]) * a.wy1 * a.wx1;
    out[p] = uint8_t(std::min(std::max(t, 0.0) + 0.5, 255.0));
  }
}

std::vector<AffineTap> rotationTaps(int rows, int cols, double degrees) {
  double c, s;
  cosSinDegrees(degrees, c, s);
  const double m[4] = {c, s, -s, c};
  // offset = in_centre - m · out_centre, as scipy computes it.
  const double cy = double(rows - 1) / 2.0, cx = double(cols - 1) / 2.0;
  const double offset[2] = {cy - (c * cy + s * cx), cx - (-s * cy + c * cx)};
  return affineTaps(rows, cols, m, offset);
}

std::vector<AffineTap> translationTaps(int rows, int cols, double dx, double dy) {
  const double m[4] = {1, 0, 0, 1};
  const double offset[2] = {-dy, -dx};
  return affineTaps(rows, cols, m, offset);
}

inline uint8_t roundToByte(double grey) {  // grey level, clipped to [0, 255], rounded half up
  grey = grey > 0.0 ? grey : 0.0;          // max and min instructions, no branches
  grey = grey < 255.0 ? grey : 255.0;
  return uint8_t(int(grey + 0.5));  // grey >= 0: truncation is floor
}

ImageSet emptyLike(const ImageSet& images) {
  ImageSet out;
  out.count = images.count;
  out.rows = images.rows;
  out.cols = images.cols;
  out.labels = images.labels;
  out.pixels.resize(images.pixels.size());
  return out;
}

// Calls f(i, in, out) for every image, in fixed blocks of images (any thread count, same bytes).
template <class F>
ImageSet perImage(const ImageSet& images, F&& f) {
  ImageSet out = emptyLike(images);
  const int64_t n = images.count;
  const int ppi = images.pixelsPerImage();
  if (n <= 0 || ppi <= 0 || int64_t(images.pixels.size()) < n * ppi) {
    out.count = 0;
    out.pixels.clear();
    out.labels.clear();
    return out;
  }
  parallelBlocks((n + kImagesPerBlock - 1) / kImagesPerBlock, [&](int64_t b) {
    const int64_t end = std::min(n, (b + 1) * kImagesPerBlock);
    for (int64_t i = b * kImagesPerBlock; i < end; ++i)
      f(i, images.pixels.data() + i * ppi, out.pixels.data() + i * ppi);
  });
  return out;
}

Error specError(std::string_view text, std::string detail) {
  return makeError(ErrorCode::InvalidConfig, {}, -1,
                   "rotate=DEG, translate=DX,DY, noise=SIGMA (0 to 1), invert, permute or uniform-noise",
                   quotedText(std::string(text)), std::move(detail));
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// A finite number filling the whole (trimmed) text.
bool parseNumber(std::string_view s, double& v) {
  s = trimmed(s);
  if (s.size() > 1 && s.front() == '+' && s[1] != '-') s.remove_prefix(1);
  if (s.empty()) return false;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && std::isfinite(v);
}

std::string shortestNumber(double v) { return formatNumber(v == 0 ? 0.0 : v); }  // "-0" reads as "0"

}  // namespace

void rotateImage(const uint8_t* in, int rows, int cols, double degrees, uint8_t* out) {
  applyTaps(in, rotationTaps(rows, cols, degrees), out);
}

void translateImage(const uint8_t* in, int rows, int cols, double dx, double dy, uint8_t* out) {
  applyTaps(in, translationTaps(rows, cols, dx, dy), out);
}

void shiftImage(const uint8_t* in, int rows, int cols, int dx, int dy, uint8_t* out) {
  std::fill_n(out, size_t(rows) * size_t(cols), uint8_t{0});
  const int c0 = std::max(0, dx), c1 = std::min(cols, cols + dx);  // output columns with a source
  for (int r = std::max(0, dy); r < std::min(rows, rows + dy); ++r)
    if (c1 > c0)
      std::copy(in + size_t(r - dy) * cols + (c0 - dx), in + size_t(r - dy) * cols + (c1 - dx),
                out + size_t(r) * cols + c0);
}

void invertImage(const uint8_t* in, int pixels, uint8_t* out) {
  for (int p = 0; p < pixels; ++p) out[p] = uint8_t(255 - in[p]);
}

void addGaussianNoise(const uint8_t* in, int pixels, double sigma, const RandomStream& stream, uint64_t draw,
                      float* scratch, uint8_t* out) {
  stream.normals(draw, 0, pixels, scratch);
  const double sigmaGrey = 255.0 * sigma;  // x' = clip(x + σ z, 0, 1) in grey levels
  for (int p = 0; p < pixels; ++p) out[p] = roundToByte(double(in[p]) + sigmaGrey * double(scratch[p]));
}

void randomPermutation(const RandomStream& stream, uint64_t draw, int pixels, int32_t* perm) {
  for (int p = 0; p < pixels; ++p) perm[p] = p;
  uint32_t w[4];
  for (int j = pixels - 1; j > 0; --j) {
    if (j == pixels - 1 || j % 4 == 3) stream.bits(draw, uint64_t(j) / 4, w);  // four words per call
    // Lemire's multiply-shift: uniform on 0..j up to a bias below 2^-32 (j + 1).
    const int k = int((uint64_t(w[j % 4]) * uint64_t(j + 1)) >> 32);
    std::swap(perm[j], perm[k]);
  }
}

ImageSet rotated(const ImageSet& images, double degrees) {
  const std::vector<AffineTap> taps = rotationTaps(images.rows, images.cols, degrees);
  return perImage(images, [&](int64_t, const uint8_t* in, uint8_t* out) { applyTaps(in, taps, out); });
}

ImageSet translated(const ImageSet& images, double dx, double dy) {
  const std::vector<AffineTap> taps = translationTaps(images.rows, images.cols, dx, dy);
  return perImage(images, [&](int64_t, const uint8_t* in, uint8_t* out) { applyTaps(in, taps, out); });
}

ImageSet inverted(const ImageSet& images) {
  return perImage(images, [&](int64_t, const uint8_t* in, uint8_t* out) {
    invertImage(in, images.pixelsPerImage(), out);
  });
}

ImageSet withGaussianNoise(const ImageSet& images, double sigma, uint64_t seed) {
  const RandomStream stream(streamKey(seed, kGaussianNoiseStream));
  const int ppi = images.pixelsPerImage();
  return perImage(images, [&](int64_t i, const uint8_t* in, uint8_t* out) {
    thread_local std::vector<float> scratch;
    if (scratch.size() < size_t(ppi)) scratch.resize(size_t(ppi));
    addGaussianNoise(in, ppi, sigma, stream, uint64_t(i), scratch.data(), out);
  });
}

ImageSet uniformNoiseImages(const ImageSet& like, uint64_t seed) {
  const RandomStream stream(streamKey(seed, kUniformImageStream));
  const int ppi = like.pixelsPerImage();
  return perImage(like, [&](int64_t i, const uint8_t*, uint8_t* out) {
    uint32_t w[4];
    for (int p = 0; p < ppi; ++p) {
      if (p % 16 == 0) stream.bits(uint64_t(i), uint64_t(p) / 16, w);  // 16 random bytes per block
      out[p] = uint8_t(w[(p / 4) % 4] >> (8 * (p % 4)));
    }
  });
}

ImageSet pixelPermuted(const ImageSet& images, uint64_t seed) {
  const RandomStream stream(streamKey(seed, kPermutationStream));
  const int ppi = images.pixelsPerImage();
  return perImage(images, [&](int64_t i, const uint8_t* in, uint8_t* out) {
    thread_local std::vector<int32_t> perm;
    if (perm.size() < size_t(ppi)) perm.resize(size_t(ppi));
    randomPermutation(stream, uint64_t(i), ppi, perm.data());
    for (int p = 0; p < ppi; ++p) out[p] = in[perm[size_t(p)]];
  });
}

const char* enumName(TransformKind kind) {
  switch (kind) {
    case TransformKind::Rotate:
      return "rotate";
    case TransformKind::Translate:
      return "translate";
    case TransformKind::GaussianNoise:
      return "noise";
    case TransformKind::Invert:
      return "invert";
    case TransformKind::Permute:
      return "permute";
    case TransformKind::UniformNoise:
      return "uniform-noise";
  }
  return "?";
}

Result<TransformSpec> parseTransformSpec(std::string_view text) {
  const std::string_view t = trimmed(text);
  if (t.empty()) return specError(text, "no transform given");
  if (t.size() > 200) return specError(text.substr(0, 40), "too long for a transform");
  const size_t eq = t.find('=');
  const std::string_view key = trimmed(t.substr(0, eq));
  const std::string_view value =
      eq == std::string_view::npos ? std::string_view{} : trimmed(t.substr(eq + 1));
  TransformSpec spec;
  auto noValue = [&](TransformKind kind) -> Result<TransformSpec> {
    if (eq != std::string_view::npos) return specError(text, std::string(key) + " takes no value");
    spec.kind = kind;
    return spec;
  };
  if (key == "invert" || key == "inverted") return noValue(TransformKind::Invert);
  if (key == "permute" || key == "permuted") return noValue(TransformKind::Permute);
  if (key == "uniform-noise" || key == "uniform") return noValue(TransformKind::UniformNoise);
  if (key == "rotate") {
    if (value.empty()) return specError(text, "rotate needs an angle in degrees, e.g. rotate=30");
    if (!parseNumber(value, spec.degrees))
      return specError(text,
                       "the rotation angle " + quotedText(std::string(value)) + " is not a finite number");
    spec.kind = TransformKind::Rotate;
    return spec;
  }
  if (key == "translate") {
    const size_t comma = value.find(',');
    if (value.empty() || comma == std::string_view::npos)
      return specError(text, "translate needs two shifts in pixels, right and down, e.g. translate=2,-1");
    const std::string_view sx = value.substr(0, comma), sy = value.substr(comma + 1);
    if (!parseNumber(sx, spec.dx))
      return specError(
          text, "the horizontal shift " + quotedText(std::string(trimmed(sx))) + " is not a finite number");
    if (!parseNumber(sy, spec.dy))
      return specError(
          text, "the vertical shift " + quotedText(std::string(trimmed(sy))) + " is not a finite number");
    spec.kind = TransformKind::Translate;
    return spec;
  }
  if (key == "noise") {
    if (value.empty()) return specError(text, "noise needs a standard deviation in [0, 1], e.g. noise=0.2");
    if (!parseNumber(value, spec.sigma))
      return specError(text, "the noise level " + quotedText(std::string(value)) + " is not a finite number");
    if (spec.sigma < 0 || spec.sigma > 1)
      return specError(text, "the noise level must be between 0 and 1 (in units of the pixel range)");
    spec.kind = TransformKind::GaussianNoise;
    return spec;
  }
  return specError(text, "unknown transform " + quotedText(std::string(key)));
}

std::string transformSpecText(const TransformSpec& spec) {
  switch (spec.kind) {
    case TransformKind::Rotate:
      return "rotate=" + shortestNumber(spec.degrees);
    case TransformKind::Translate:
      return "translate=" + shortestNumber(spec.dx) + "," + shortestNumber(spec.dy);
    case TransformKind::GaussianNoise:
      return "noise=" + shortestNumber(spec.sigma);
    case TransformKind::Invert:
    case TransformKind::Permute:
    case TransformKind::UniformNoise:
      break;
  }
  return enumName(spec.kind);
}

ImageSet applyTransform(const ImageSet& images, const TransformSpec& spec, uint64_t seed) {
  switch (spec.kind) {
    case TransformKind::Rotate:
      return rotated(images, spec.degrees);
    case TransformKind::Translate:
      return translated(images, spec.dx, spec.dy);
    case TransformKind::GaussianNoise:
      return withGaussianNoise(images, spec.sigma, seed);
    case TransformKind::Invert:
      return inverted(images);
    case TransformKind::Permute:
      return pixelPermuted(images, seed);
    case TransformKind::UniformNoise:
      return uniformNoiseImages(images, seed);
  }
  return images;
}

}  // namespace bnn
