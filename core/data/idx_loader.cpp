#include "data/idx_loader.h"

#include "data/dataset_identity.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "data/gzip.h"
#include "data/gzip_reader.h"
#include "data/md5.h"

namespace bnn {

namespace fs = std::filesystem;

namespace {

constexpr int kImageRows = 28;
constexpr int kImageCols = 28;

std::string hexByte(uint8_t b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", unsigned(b));
  return buf;
}

std::string plural(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

const char* idxTypeName(uint8_t type) {
  switch (type) {
    case 0x08:
      return "unsigned byte";
    case 0x09:
      return "signed byte";
    case 0x0B:
      return "16-bit integer";
    case 0x0C:
      return "32-bit integer";
    case 0x0D:
      return "32-bit float";
    case 0x0E:
      return "64-bit float";
    default:
      return "unknown type";
  }
}

std::string dimsText(const std::vector<uint32_t>& dims) {
  std::string s;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) s += " x ";
    s += std::to_string(dims[i]);
  }
  return s;
}

// The idx3/idx1 file-name part for a stem: images are rank 3, labels rank 1.
const char* idxKind(const std::string& stem) {
  return stem.size() >= 6 && stem.compare(stem.size() - 6, 6, "images") == 0 ? "idx3" : "idx1";
}

// Reads a file and decodes it (decodeIdxFile), reporting gzip and the size on disk.
Result<std::vector<uint8_t>> readBytes(const std::string& path, int expectedRank, bool* gzipped,
                                       uint64_t* fileBytes) {
  if (gzipped) *gzipped = false;
  if (fileBytes) *fileBytes = 0;
  if (path.empty()) return makeError(ErrorCode::NotFound, path, -1, {}, {}, "empty path");

  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (st.type() == fs::file_type::not_found) return makeError(ErrorCode::NotFound, path);
  if (ec) return makeError(ErrorCode::Unreadable, path, -1, {}, {}, ec.message());
  if (st.type() == fs::file_type::directory) return makeError(ErrorCode::IsDirectory, path);
  if (st.type() != fs::file_type::regular)
    return makeError(ErrorCode::Unreadable, path, -1, "a regular file", "a special file");

  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return makeError(ErrorCode::Unreadable, path, -1, {}, {}, std::strerror(errno));
  const uint64_t size = fs::file_size(path, ec);
  if (ec) {
    std::fclose(f);
    return makeError(ErrorCode::Unreadable, path, -1, {}, {}, ec.message());
  }

  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  size_t got = 0;
  while (got < bytes.size()) {
    const size_t n = std::fread(bytes.data() + got, 1, bytes.size() - got, f);
    if (n == 0) break;
    got += n;
  }
  const bool readFailed = std::ferror(f) != 0;
  const int readErrno = errno;
  std::fclose(f);
  if (readFailed) {
    return makeError(ErrorCode::Unreadable, path, int64_t(got), {}, {},
                     std::string("read error: ") + std::strerror(readErrno));
  }
  bytes.resize(got);  // the file may have shrunk since its size was taken
  if (fileBytes) *fileBytes = got;
  if (bytes.empty()) return makeError(ErrorCode::Empty, path);

  return decodeIdxFile(std::move(bytes), path, expectedRank, gzipped);
}

// Reads one file and parses it as IDX, filling `info` when given.
Result<IdxArray> readIdxWithInfo(const std::string& path, int expectedRank, IdxFileInfo* info) {
  bool gzipped = false;
  uint64_t fileBytes = 0;
  if (info) {
    *info = IdxFileInfo{};
    info->path = path;
  }
  Result<std::vector<uint8_t>> bytes = readBytes(path, expectedRank, &gzipped, &fileBytes);
  if (info) {
    info->gzipped = gzipped;
    info->fileBytes = fileBytes;
  }
  if (!bytes) return bytes.error();
  if (info) {
    info->dataBytes = bytes->size();
    info->md5 = md5Hex(bytes->data(), bytes->size());
  }
  return parseIdx(std::move(bytes).value(), path, expectedRank);
}

}  // namespace

Result<std::vector<uint8_t>> readFileBytes(const std::string& path) {
  return readBytes(path, 0, nullptr, nullptr);
}

Result<std::vector<uint8_t>> readFileBytes(const std::string& path, bool* gzipped, uint64_t* fileBytes) {
  return readBytes(path, 0, gzipped, fileBytes);
}

Result<IdxHeader> parseIdxHeader(const uint8_t* b, size_t size, const std::string& path, int expectedRank) {
  const uint64_t n = size;
  if (n == 0) return makeError(ErrorCode::Empty, path);
  if (n < 4) {
    return makeError(ErrorCode::TruncatedHeader, path, int64_t(n), "a 4-byte IDX magic number",
                     plural(n, "byte", "bytes"));
  }
  if (b[0] != 0 || b[1] != 0) {
    return makeError(ErrorCode::BadMagic, path, b[0] != 0 ? 0 : 1, "00 00",
                     hexByte(b[0]).substr(2) + " " + hexByte(b[1]).substr(2));
  }
  if (b[2] != 0x08) {
    return makeError(ErrorCode::BadItemType, path, 2, "0x08 (unsigned byte)",
                     hexByte(b[2]) + " (" + idxTypeName(b[2]) + ")");
  }
  const int rank = b[3];
  if (expectedRank > 0 && rank != expectedRank) {
    return makeError(ErrorCode::BadDimensions, path, 3,
                     plural(uint64_t(expectedRank), "dimension", "dimensions"),
                     plural(uint64_t(rank), "dimension", "dimensions"));
  }
  IdxHeader h;
  h.headerBytes = 4 + 4 * uint64_t(rank);
  if (n < h.headerBytes) {
    return makeError(ErrorCode::TruncatedHeader, path, int64_t(n),
                     "a " + std::to_string(h.headerBytes) + "-byte header for " +
                         plural(uint64_t(rank), "dimension", "dimensions"),
                     plural(n, "byte", "bytes"));
  }
  h.dims.resize(size_t(rank));
  for (int i = 0; i < rank; ++i) {
    const uint8_t* p = b + 4 + 4 * i;
    h.dims[size_t(i)] =
        (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
  }
  // Size implied by the header, computed without overflow before anything is allocated.
  h.payloadBytes = 1;
  for (uint32_t d : h.dims)
    h.overflow = h.overflow || __builtin_mul_overflow(h.payloadBytes, uint64_t(d), &h.payloadBytes);
  return h;
}

Result<std::vector<uint8_t>> decodeIdxFile(std::vector<uint8_t> fileBytes, const std::string& path,
                                           int expectedRank, bool* gzipped) {
  if (gzipped) *gzipped = false;
  if (!isGzip(fileBytes.data(), fileBytes.size())) return fileBytes;
  if (gzipped) *gzipped = true;

  GzipReader reader(fileBytes.data(), fileBytes.size(), path);
  std::vector<uint8_t> out;
  // Magic, item type and rank, then the dimensions the rank announces.
  Result<size_t> got = reader.read(4, out);
  if (!got) return got.error();
  if (out.size() == 4 && out[0] == 0 && out[1] == 0 && out[2] == 0x08) {
    got = reader.read(4 * size_t(out[3]), out);
    if (!got) return got.error();
  }
  if (out.empty() && reader.atEnd())
    return makeError(ErrorCode::Empty, path, -1, {}, {}, "no data after decompression");
  Result<IdxHeader> header = parseIdxHeader(out.data(), out.size(), path, expectedRank);
  if (!header) return header.error();

  // Now at most what the header declares, and one byte more to notice excess.
  const uint64_t room = kMaxGunzipBytes - header->headerBytes;
  const bool capped = header->overflow || header->payloadBytes > room;
  const uint64_t payload = capped ? room : header->payloadBytes;
  got = reader.read(size_t(payload) + 1, out);
  if (!got) return got.error();
  if (*got > payload) {
    if (capped) {
      return makeError(ErrorCode::CorruptGzip, path, -1,
                       "at most " + std::to_string(kMaxGunzipBytes) + " decompressed bytes", "more",
                       "decompressed data exceed the size limit");
    }
    return makeError(ErrorCode::PayloadTooLong, path, int64_t(header->headerBytes + payload),
                     plural(payload, "payload byte", "payload bytes") + " (" + dimsText(header->dims) + ")",
                     "more (decompression stopped after " + plural(reader.produced(), "byte", "bytes") + ")");
  }
  // Shorter data pass through: parseIdx names the shortfall.
  return out;
}

Result<IdxArray> parseIdx(std::vector<uint8_t> bytes, const std::string& path, int expectedRank) {
  const uint64_t n = bytes.size();
  Result<IdxHeader> header = parseIdxHeader(bytes.data(), bytes.size(), path, expectedRank);
  if (!header) return header.error();
  const uint64_t headerBytes = header->headerBytes;
  const uint64_t declared = header->payloadBytes;
  const bool overflow = header->overflow;
  IdxArray out;
  out.dims = std::move(header->dims);
  const uint64_t actual = n - headerBytes;
  const std::string shape = " (" + dimsText(out.dims) + ")";
  if (overflow) {
    return makeError(ErrorCode::PayloadTooShort, path, int64_t(n), "more than 2^64 payload bytes" + shape,
                     plural(actual, "byte", "bytes"));
  }
  if (declared > actual) {
    return makeError(ErrorCode::PayloadTooShort, path, int64_t(n),
                     plural(declared, "payload byte", "payload bytes") + shape,
                     plural(actual, "byte", "bytes"));
  }
  if (declared < actual) {
    return makeError(ErrorCode::PayloadTooLong, path, int64_t(headerBytes + declared),
                     plural(declared, "payload byte", "payload bytes") + shape,
                     plural(actual, "byte", "bytes"));
  }

  // Drop the header in place: no second copy of the payload.
  bytes.erase(bytes.begin(), bytes.begin() + std::ptrdiff_t(headerBytes));
  out.data = std::move(bytes);
  return out;
}

Result<IdxArray> readIdx(const std::string& path, int expectedRank) {
  return readIdxWithInfo(path, expectedRank, nullptr);
}

Result<ImageSet> loadImageSet(const std::string& imagesPath, const std::string& labelsPath, int numClasses) {
  return loadImageSet(imagesPath, labelsPath, numClasses, nullptr, nullptr);
}

Result<ImageSet> loadImageSet(const std::string& imagesPath, const std::string& labelsPath, int numClasses,
                              IdxFileInfo* imagesInfo, IdxFileInfo* labelsInfo) {
  if (numClasses < 1 || numClasses > 256) {
    return makeError(ErrorCode::InvalidConfig, labelsPath, -1, "1..256 classes", std::to_string(numClasses));
  }
  if (labelsInfo) *labelsInfo = IdxFileInfo{};

  Result<IdxArray> images = readIdxWithInfo(imagesPath, 3, imagesInfo);
  if (!images) return images.error();
  const std::vector<uint32_t>& dims = images->dims;
  if (dims[1] != uint32_t(kImageRows) || dims[2] != uint32_t(kImageCols)) {
    return makeError(ErrorCode::BadDimensions, imagesPath, 8,
                     std::to_string(kImageRows) + " x " + std::to_string(kImageCols) + " pixels per image",
                     std::to_string(dims[1]) + " x " + std::to_string(dims[2]));
  }
  if (dims[0] == 0) return makeError(ErrorCode::BadDimensions, imagesPath, 4, "at least 1 image", "0");

  Result<IdxArray> labels = readIdxWithInfo(labelsPath, 1, labelsInfo);
  if (!labels) return labels.error();
  if (labels->dims[0] != dims[0]) {
    return makeError(ErrorCode::CountMismatch, labelsPath, 4,
                     plural(dims[0], "label", "labels") + " (one per image in " + imagesPath + ")",
                     plural(labels->dims[0], "label", "labels"));
  }
  const std::vector<uint8_t>& l = labels->data;
  const auto bad = std::find_if(l.begin(), l.end(), [&](uint8_t v) { return v >= numClasses; });
  if (bad != l.end()) {
    const int64_t index = bad - l.begin();
    return makeError(ErrorCode::LabelOutOfRange, labelsPath, 8 + index,
                     "0.." + std::to_string(numClasses - 1), std::to_string(*bad),
                     "label of item " + std::to_string(index));
  }

  ImageSet set;
  set.count = int64_t(dims[0]);
  set.rows = kImageRows;
  set.cols = kImageCols;
  set.pixels = std::move(images->data);
  set.labels = std::move(labels->data);
  set.imagesPath = imagesPath;
  set.labelsPath = labelsPath;
  return set;
}

std::vector<std::string> candidateFileNames(const std::string& stem) {
  const std::string kind = idxKind(stem);
  const std::string raw = stem + "-" + kind + "-ubyte";
  const std::string dotted = stem + "." + kind + "-ubyte";
  return {raw, raw + ".gz", dotted, dotted + ".gz"};
}

Status checkDatasetDirectory(const std::string& directory) {
  if (directory.empty()) return makeError(ErrorCode::NotFound, directory, -1, {}, {}, "empty path");
  std::error_code ec;
  const fs::file_status st = fs::status(directory, ec);
  if (st.type() == fs::file_type::not_found) return makeError(ErrorCode::NotFound, directory);
  if (ec) return makeError(ErrorCode::Unreadable, directory, -1, {}, {}, ec.message());
  if (st.type() != fs::file_type::directory) return makeError(ErrorCode::NotADirectory, directory);
  return okStatus();
}

Result<std::string> findDatasetFile(const std::string& directory, const std::string& stem) {
  const std::vector<std::string> names = candidateFileNames(stem);
  for (const std::string& name : names) {
    const fs::path p = fs::path(directory) / name;
    std::error_code ec;
    // Anything present counts (even a folder): the loader then says what is wrong with it.
    if (fs::symlink_status(p, ec).type() != fs::file_type::not_found && !ec) return p.string();
  }
  std::string list;
  for (size_t i = 0; i < names.size(); ++i) list += (i ? ", " : "") + names[i];
  return makeError(ErrorCode::MissingFile, (fs::path(directory) / names[0]).string(), -1, "one of " + list,
                   "none", stem + " not found in " + directory);
}

std::string datasetName(const std::string& directory, bool canonicalMnist) {
  if (canonicalMnist) return "MNIST";
  std::error_code ec;
  fs::path p = fs::absolute(fs::path(directory), ec);
  if (ec) p = fs::path(directory);
  p = p.lexically_normal();
  std::string lower = p.string();
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  if (lower.find("fashion") != std::string::npos) return "Fashion-MNIST";
  std::string base = p.filename().string();
  if (base.empty()) base = p.parent_path().filename().string();
  return base.empty() ? directory : base;
}

Result<Dataset> loadDataset(const std::string& directory, DatasetSplits splits) {
  if (Status s = checkDatasetDirectory(directory); !s) return s.error();
  static const char* const kStems[4] = {"train-images", "train-labels", "t10k-images", "t10k-labels"};
  const bool wantTrain = splits != DatasetSplits::TestOnly;
  const bool wantTest = splits != DatasetSplits::TrainOnly;
  std::string paths[4];
  for (int i = 0; i < 4; ++i) {
    if ((i < 2 && !wantTrain) || (i >= 2 && !wantTest)) continue;
    Result<std::string> found = findDatasetFile(directory, kStems[i]);
    if (!found) return found.error();
    paths[i] = found.value();
  }

  IdxFileInfo infos[4];
  Dataset ds;
  if (wantTrain) {
    Result<ImageSet> train = loadImageSet(paths[0], paths[1], 10, &infos[0], &infos[1]);
    if (!train) return train.error();
    ds.train = std::move(train).value();
  }
  if (wantTest) {
    Result<ImageSet> test = loadImageSet(paths[2], paths[3], 10, &infos[2], &infos[3]);
    if (!test) return test.error();
    ds.test = std::move(test).value();
  }

  std::vector<std::pair<std::string, std::string>> md5ByStem;
  ds.canonicalMnist = true;
  for (int i = 0; i < 4; ++i) {
    if (paths[i].empty()) continue;
    md5ByStem.emplace_back(kStems[i], infos[i].md5);
    ds.canonicalMnist = ds.canonicalMnist && infos[i].md5 == canonicalMnistMd5(kStems[i]);
  }
  ds.numClasses = 10;
  Result<DatasetIdentity> id = identifyDataset(directory, md5ByStem, ds.numClasses);
  if (!id) return id.error();
  ds.name = id->name;
  ds.check = id->check;
  ds.classNames = std::move(id->classNames);
  ds.directory = directory;
  return ds;
}

std::string md5Hex(const uint8_t* data, size_t size) {
  Md5 md5;
  md5.update(data, size);
  return md5.finishHex();
}

const char* canonicalMnistMd5(const std::string& stem) {
  if (stem == "train-images") return "6bbc9ace898e44ae57da46a324031adb";
  if (stem == "train-labels") return "a25bea736e30d166cdddb491f175f624";
  if (stem == "t10k-images") return "2646ac647ad5339dbf082846283269ea";
  if (stem == "t10k-labels") return "27ae3e4e09519cfbb04c329615203637";
  return "";
}

}  // namespace bnn
