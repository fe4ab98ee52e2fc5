#pragma once
// IDX file reading (raw or gzip-compressed) with layered validation:
// exists -> regular file -> readable -> non-empty -> header -> magic -> item type -> dimensions
// -> payload size -> (pair) counts -> label range. Every failure is an Error naming the path,
// the byte offset where relevant and "expected X, found Y". Never allocates more than the file
// can justify. Functions are thread-safe (no shared state).

#include <string>
#include <vector>

#include "data/dataset.h"
#include "util/error.h"

namespace bnn {

/// Decoded content of one IDX file of unsigned bytes.
struct IdxArray {
  std::vector<uint32_t> dims;  // e.g. {60000, 28, 28} for images, {60000} for labels
  std::vector<uint8_t> data;   // product(dims) bytes
};

/// Reads a file fully; transparently gunzips when the content starts with the gzip magic
/// (whatever the file name). Errors: NotFound, IsDirectory, Unreadable, Empty, CorruptGzip.
Result<std::vector<uint8_t>> readFileBytes(const std::string& path);

/// Parses one IDX file (unsigned byte items) of `expectedRank` dimensions (3 images, 1 labels).
Result<IdxArray> readIdx(const std::string& path, int expectedRank);

/// Loads an image file and its label file and validates them together
/// (28x28 images, equal counts, labels 0..numClasses-1).
Result<ImageSet> loadImageSet(const std::string& imagesPath, const std::string& labelsPath,
                              int numClasses = 10);

/// File names looked for in a dataset folder, in order of preference, for one of the four files
/// ("train-images", "train-labels", "t10k-images", "t10k-labels"): the raw IDX name, the same
/// with ".gz", and the dotted variant ("train-images.idx3-ubyte").
std::vector<std::string> candidateFileNames(const std::string& stem);

/// Loads a folder holding the four MNIST-style files (raw or .gz).
/// Errors: NotFound / IsDirectory for the folder itself, MissingFile naming the file looked for,
/// or any error of loadImageSet. Computes canonicalMnist from the MD5 of the (decompressed) bytes.
Result<Dataset> loadDataset(const std::string& directory);

/// MD5 of a byte buffer as 32 lowercase hex digits.
std::string md5Hex(const uint8_t* data, size_t size);

/// Canonical MD5 sums of the four raw MNIST files, keyed by stem ("train-images", ...).
const char* canonicalMnistMd5(const std::string& stem);

}  // namespace bnn
