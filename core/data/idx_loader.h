#pragma once
// IDX file reading (raw or gzip-compressed) with layered validation:
// exists -> regular file -> readable -> non-empty -> header -> magic -> item type -> dimensions
// -> payload size -> (pair) counts -> label range. Every failure is an Error naming the path,
// the byte offset where relevant and "expected X, found Y". Never allocates more than the file
// can justify. Functions are thread-safe (no shared state).

#include <cstdint>
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

/// What was read from one IDX file, for reports such as `bnn-cli data check`.
struct IdxFileInfo {
  std::string path;
  bool gzipped = false;    // the content was gzip-compressed
  uint64_t fileBytes = 0;  // size on disk
  uint64_t dataBytes = 0;  // size after decompression
  std::string md5;         // MD5 of the decompressed content (empty when not computed)
};

/// Reads a file fully. Content that starts with the gzip magic (whatever the file name) is
/// decompressed, but only as far as the IDX header inside it promises (plus one byte to notice
/// more): a gzip bomb is refused after at most that much output (decodeIdxFile).
/// Errors: NotFound, IsDirectory, Unreadable, Empty, CorruptGzip, and for gzip content the
/// header errors of parseIdx and PayloadTooLong.
Result<std::vector<uint8_t>> readFileBytes(const std::string& path);

/// readFileBytes that also reports whether the file was gzip-compressed and its size on disk
/// (either pointer may be null).
Result<std::vector<uint8_t>> readFileBytes(const std::string& path, bool* gzipped, uint64_t* fileBytes);

/// The header of an IDX file of unsigned bytes.
struct IdxHeader {
  std::vector<uint32_t> dims;
  uint64_t headerBytes = 0;   // 4 + 4 * rank
  uint64_t payloadBytes = 0;  // product of dims (meaningless when `overflow`)
  bool overflow = false;      // the product of dims does not fit in 64 bits
};

/// Checks the header at the start of `bytes` (the header alone, or the whole file): size,
/// magic, item type, rank (`expectedRank` <= 0 accepts any). Errors as parseIdx.
Result<IdxHeader> parseIdxHeader(const uint8_t* bytes, size_t size, const std::string& path,
                                 int expectedRank);

/// The IDX content of a file's bytes: raw bytes as they are; gzip data decompressed in two
/// steps: the header first (checked by parseIdxHeader), then at most the payload it declares plus
/// one byte. More output than that is refused (PayloadTooLong) without decompressing further;
/// a header declaring more than kMaxGunzipBytes is bounded by that. `gzipped` (may be null) tells
/// whether the bytes were gzip data. `path` only names the source in errors.
Result<std::vector<uint8_t>> decodeIdxFile(std::vector<uint8_t> fileBytes, const std::string& path,
                                           int expectedRank, bool* gzipped = nullptr);

/// Parses IDX content already in memory (consumed); `path` only names it in errors.
/// `expectedRank` <= 0 accepts any rank.
Result<IdxArray> parseIdx(std::vector<uint8_t> bytes, const std::string& path, int expectedRank);

/// Parses one IDX file (unsigned byte items) of `expectedRank` dimensions (3 images, 1 labels).
Result<IdxArray> readIdx(const std::string& path, int expectedRank);

/// Loads an image file and its label file and validates them together
/// (28x28 images, equal counts, labels 0..numClasses-1).
Result<ImageSet> loadImageSet(const std::string& imagesPath, const std::string& labelsPath,
                              int numClasses = 10);

/// loadImageSet that also describes both files, MD5 included (either pointer may be null;
/// MD5 is computed only for a non-null one). The infos are filled as far as reading got.
Result<ImageSet> loadImageSet(const std::string& imagesPath, const std::string& labelsPath, int numClasses,
                              IdxFileInfo* imagesInfo, IdxFileInfo* labelsInfo);

/// File names looked for in a dataset folder, in order of preference, for one of the four files
/// ("train-images", "train-labels", "t10k-images", "t10k-labels"): the raw IDX name, the same
/// with ".gz", and the dotted variant ("train-images.idx3-ubyte").
std::vector<std::string> candidateFileNames(const std::string& stem);

/// Path of the first candidate for `stem` that exists in `directory`, else MissingFile naming
/// the names looked for.
Result<std::string> findDatasetFile(const std::string& directory, const std::string& stem);

/// Checks that `directory` exists and is a folder (NotFound, NotADirectory, Unreadable).
Status checkDatasetDirectory(const std::string& directory);

/// "MNIST" when canonical, "Fashion-MNIST" when the folder path contains "fashion"
/// (case-insensitive), else the folder's base name.
std::string datasetName(const std::string& directory, bool canonicalMnist);

/// Which splits loadDataset reads (an evaluation needs only one).
enum class DatasetSplits { Both, TrainOnly, TestOnly };

/// Loads a folder holding the four MNIST-style files (raw or .gz), or the two of one split (the
/// other split is then empty). Errors: NotFound / NotADirectory for the folder itself,
/// MissingFile naming the file looked for, any error of loadImageSet, or an unusable classes.txt.
/// Computes canonicalMnist (every file read matches the MNIST MD5 sums) and the dataset's name,
/// check and class names (data/dataset_identity.h) from the MD5 of the (decompressed) bytes.
Result<Dataset> loadDataset(const std::string& directory, DatasetSplits splits = DatasetSplits::Both);

/// MD5 of a byte buffer as 32 lowercase hex digits.
std::string md5Hex(const uint8_t* data, size_t size);

/// Canonical MD5 sums of the four raw MNIST files, keyed by stem ("train-images", ...);
/// "" for any other stem.
const char* canonicalMnistMd5(const std::string& stem);

}  // namespace bnn
