#pragma once
// Dataset shift and synthetic out-of-distribution images made from byte images (MNIST layout,
// 0 = background), and the text form of a transform ("rotate=30") used on the command line.
//
// Geometry (row r down, column c right, pixel centres at integer coordinates):
//   rotation by θ degrees about the centre ((rows-1)/2, (cols-1)/2) = (13.5, 13.5), counter-
//   clockwise on screen for θ > 0, bilinear, 0 outside: the output pixel (r, c) samples the input at
//     r' = cos θ (r - 13.5) + sin θ (c - 13.5) + 13.5,  c' = -sin θ (r - 13.5) + cos θ (c - 13.5) + 13.5,
//   which is scipy.ndimage.rotate(img, θ, reshape=False, order=1) (mode 'constant', cval 0): a
//   sample whose coordinate lies outside [0, rows-1] x [0, cols-1] is 0, one inside is the bilinear
//   blend of its four neighbours, and the result is rounded half up (floor(v + 0.5)) like scipy's
//   uint8 output. cos and sin are exact for multiples of 90°, so 90° is the exact pixel rotation
//   out(r, c) = in(c, 27 - r) (np.rot90: transpose, then flip upside down).
//   translation by (dx, dy): content moves dx pixels right and dy pixels down; out(r, c) samples
//   in(r - dy, c - dx) with the same bilinear rule (scipy.ndimage.shift(img, (dy, dx), order=1)).
// Pixel values (x in [0, 1] = byte / 255):
//   Gaussian noise σ: x' = clip(x + σ z, 0, 1), z ~ N(0, 1), stored as round(255 x') (half up),
//   computed in grey levels: byte' = floor(clip(byte + 255 σ z, 0, 255) + 0.5).
//   inversion: 255 - byte (x' = 1 - x). Uniform noise images: every byte uniform on 0..255.
//   Pixel permutation: each image's pixels shuffled by its own permutation (Fisher-Yates).
// Randomness comes from RandomStream keyed by (seed, stream id below); image i uses draw i, so an
// image's noise or permutation depends only on (seed, i), never on threads or on other images.
// Labels are carried over from the source (meaningless for the OOD sets); file paths are cleared.
// Whole-set functions run over fixed blocks of images in parallel; pure and thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

#include "data/dataset.h"
#include "util/error.h"

namespace bnn {

class RandomStream;

/// Stream ids of the transforms (distinct from the chain's streams).
enum TransformStream : uint64_t {
  kGaussianNoiseStream = 101,
  kUniformImageStream = 102,
  kPermutationStream = 103,
};

// One image of rows x cols bytes into `out` (same size, must not alias `in`).
void rotateImage(const uint8_t* in, int rows, int cols, double degrees, uint8_t* out);
void translateImage(const uint8_t* in, int rows, int cols, double dx, double dy, uint8_t* out);
/// Whole-pixel translation: out(r, c) = in(r - dy, c - dx), 0 where that lies outside the image
/// (equal to translateImage for integer dx, dy, without its interpolation).
void shiftImage(const uint8_t* in, int rows, int cols, int dx, int dy, uint8_t* out);
void invertImage(const uint8_t* in, int pixels, uint8_t* out);
/// Adds N(0, σ²) noise (σ in pixel-range units) with the normals of `draw` of `stream`.
/// `scratch` holds at least `pixels` floats.
void addGaussianNoise(const uint8_t* in, int pixels, double sigma, const RandomStream& stream, uint64_t draw,
                      float* scratch, uint8_t* out);
/// A uniformly random permutation of 0..pixels-1 from `draw` of `stream` into `perm`.
void randomPermutation(const RandomStream& stream, uint64_t draw, int pixels, int32_t* perm);

// Whole image sets.
ImageSet rotated(const ImageSet& images, double degrees);
ImageSet translated(const ImageSet& images, double dx, double dy);
ImageSet inverted(const ImageSet& images);
ImageSet withGaussianNoise(const ImageSet& images, double sigma, uint64_t seed);
/// As many uniform-noise images as `like` has (same size and labels).
ImageSet uniformNoiseImages(const ImageSet& like, uint64_t seed);
ImageSet pixelPermuted(const ImageSet& images, uint64_t seed);

enum class TransformKind { Rotate, Translate, GaussianNoise, Invert, Permute, UniformNoise };
const char* enumName(
    TransformKind kind);  // "rotate", "translate", "noise", "invert", "permute", "uniform-noise"

struct TransformSpec {
  TransformKind kind = TransformKind::Rotate;
  double degrees = 0;  // Rotate
  double dx = 0;       // Translate
  double dy = 0;
  double sigma = 0;  // GaussianNoise, in [0, 1]
  bool operator==(const TransformSpec&) const = default;
};

/// Parses "rotate=DEG", "translate=DX,DY", "noise=SIGMA" (0 <= SIGMA <= 1), "invert",
/// "permute" or "uniform-noise" ("inverted", "permuted", "uniform" also accepted); spaces around
/// the parts are ignored. Refused with InvalidConfig naming what was wrong and listing the forms.
Result<TransformSpec> parseTransformSpec(std::string_view text);
/// Canonical text of a spec ("rotate=30", "translate=2,-1"); parseTransformSpec reads it back.
std::string transformSpecText(const TransformSpec& spec);
/// Applies a spec to every image; `seed` keys the random transforms (ignored by the others).
ImageSet applyTransform(const ImageSet& images, const TransformSpec& spec, uint64_t seed = 0);

}  // namespace bnn
