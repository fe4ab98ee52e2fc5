#pragma once
// In-memory image classification data (MNIST layout). Pixels are kept as bytes (47 MB for the
// MNIST training set instead of 188 MB as floats) and converted where they are consumed.
// Immutable after loading; safe to share between threads.

#include <cstdint>
#include <string>
#include <vector>

#include "util/error.h"

namespace bnn {

/// One split: `count` images of rows x cols bytes (row-major, one image after another)
/// and `count` labels in 0..numClasses-1.
struct ImageSet {
  int64_t count = 0;
  int rows = 28;
  int cols = 28;
  std::vector<uint8_t> pixels;  // count * rows * cols
  std::vector<uint8_t> labels;  // count
  std::string imagesPath;       // file the images came from ("" for synthetic data)
  std::string labelsPath;

  int pixelsPerImage() const { return rows * cols; }
  const uint8_t* image(int64_t i) const { return pixels.data() + i * pixelsPerImage(); }
};

/// How a dataset's name and class names were established (data/dataset_identity.h).
enum class DatasetCheck {
  Verified,   // every file read has the published checksum of the named dataset
  Differs,    // named after a known dataset by its folder, but the files differ from the published ones
  ClassFile,  // the folder's classes.txt names the classes
  Unknown,    // unrecognised files: the folder's name and numbered classes
};

/// Train and test split of one dataset folder.
struct Dataset {
  std::string name;       // "MNIST", "Fashion-MNIST" or the folder name
  std::string directory;  // folder the files were read from
  int numClasses = 10;
  ImageSet train;
  ImageSet test;
  bool canonicalMnist = false;  // all four files match the MNIST MD5 sums
  DatasetCheck check = DatasetCheck::Unknown;
  std::vector<std::string> classNames;  // numClasses names ("0".."9" for MNIST)
};

}  // namespace bnn
