#pragma once
// Turning a drawn or loaded grey image into an MNIST-style 28 x 28 input, the way the dataset was
// made: the digit's bounding box scaled to fit 20 x 20 keeping its aspect ratio, anti-aliased to
// grey levels, and placed in the 28 x 28 frame by its centre of mass.
//
// Steps (each a function below, each tested):
//   1. background: light-on-dark is kept; dark-on-light is inverted (x -> 1 - x). Auto-detection
//      calls a background light when the mean of the image's border pixels exceeds 0.5.
//   2. ink: pixels above `inkThreshold` (default 0.05; the rest is set to 0, which removes faint
//      paper texture or JPEG noise). No ink at all: "nothing to classify" (empty result, no throw).
//   3. crop to the ink's bounding box.
//   4. scale so the longer side is 20 (the shorter one round(20 * short / long), at least 1) with
//      area averaging: each output pixel is the mean of the input over the rectangle it covers,
//      partial pixels weighted by the covered area (this anti-aliases when shrinking).
//   5. centre of mass (intensity-weighted mean of the pixel indices, rows down, columns right).
//   6. place in 28 x 28 with the top-left at (round(14 - com_row), round(14 - com_col)) (half up),
//      so the centre of mass lands within half a pixel of (14, 14), as in MNIST (whose test images
//      have centres of mass between 13.5 and 14.5). Ink falling outside the frame is cut off and
//      reported.
// Values stay in [0, 1] throughout; the result also holds the bytes round(255 x).
// Pure functions on values; safe to call from any thread.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace bnn {

/// Row-major grey image, values in [0, 1].
struct GreyImage {
  int rows = 0;
  int cols = 0;
  std::vector<float> pixels;
  float at(int r, int c) const { return pixels[size_t(r) * size_t(cols) + size_t(c)]; }
  float& at(int r, int c) { return pixels[size_t(r) * size_t(cols) + size_t(c)]; }
};

/// Bytes / 255.
GreyImage greyFromBytes(const uint8_t* bytes, int rows, int cols);
/// Floats clamped to [0, 1] (NaN counts as 0).
GreyImage greyFromFloats(const float* values, int rows, int cols);

/// Mean of the border pixels (first and last row and column) > 0.5.
bool hasLightBackground(const GreyImage& image);
GreyImage invertedGrey(const GreyImage& image);

/// Rows [top, bottom) x columns [left, right) holding every pixel above the threshold.
struct InkBox {
  int top = 0;
  int left = 0;
  int bottom = 0;  // exclusive
  int right = 0;   // exclusive
  int height() const { return bottom - top; }
  int width() const { return right - left; }
  bool empty() const { return bottom <= top || right <= left; }
};
InkBox inkBoundingBox(const GreyImage& image, float threshold);
GreyImage cropGrey(const GreyImage& image, const InkBox& box);

/// Area-averaging resize to outRows x outCols (both >= 1).
GreyImage areaResize(const GreyImage& image, int outRows, int outCols);

struct CentreOfMass {
  double row = std::numeric_limits<double>::quiet_NaN();
  double col = std::numeric_limits<double>::quiet_NaN();
  double mass = 0;  // Σ values; the centre is NaN when 0
};
CentreOfMass centreOfMass(const GreyImage& image);

/// `image` pasted into a frameRows x frameCols frame of zeros with its top-left pixel at
/// (top, left) (may be negative or past the frame: what falls outside is cut off).
GreyImage placeInFrame(const GreyImage& image, int frameRows, int frameCols, int top, int left);

enum class Background { Auto, Dark, Light };

struct MnistStyleOptions {
  Background background = Background::Auto;
  float inkThreshold = 0.05f;
  int boxSize = 20;      // longer side after scaling
  int frameSize = 28;    // output is frameSize x frameSize
  double centre = 14.0;  // where the centre of mass goes (row and column)
};

struct MnistStyleInput {
  bool empty = true;      // no ink: nothing to classify; the fields below are then defaults
  bool inverted = false;  // the background was light and the image was inverted
  InkBox box;             // ink bounding box in the input image
  int scaledRows = 0;
  int scaledCols = 0;
  CentreOfMass scaledCentre;  // centre of mass of the scaled crop
  int top = 0;                // where the scaled crop's top-left pixel went in the frame
  int left = 0;
  CentreOfMass centre;         // centre of mass in the final frame
  double clippedShare = 0;     // share of the scaled ink mass cut off by the frame (normally 0)
  GreyImage image;             // frameSize x frameSize, values in [0, 1] (all zero when empty)
  std::vector<uint8_t> bytes;  // round(255 x), the form the network's input pipeline reads
};

MnistStyleInput toMnistStyle(const GreyImage& drawing, const MnistStyleOptions& options = {});
MnistStyleInput toMnistStyle(const uint8_t* bytes, int rows, int cols, const MnistStyleOptions& options = {});

}  // namespace bnn
