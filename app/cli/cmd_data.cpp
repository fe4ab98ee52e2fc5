// bnn-cli data check DIR: validates a folder of MNIST-style IDX files (raw or .gz) and prints,
// per split, the files, the image count and size, the label counts and whether each file is the
// canonical MNIST one. Exit 0 when the data are usable, 1 when not, 2 on a usage error.
#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "commands.h"
#include "data/idx_loader.h"
#include "util/cpu_features.h"
#include "util/option_parser.h"

namespace {

constexpr int kKeyWidth = 14;  // width of the left column

constexpr const char* kUsageLine = "usage: bnn-cli data check DIR   (--help for details)\n";

void dataUsage(FILE* out) {
  std::fputs(
      "usage: bnn-cli data check DIR\n"
      "\n"
      "Validates the four MNIST-style files in DIR, raw or gzip-compressed:\n"
      "  train-images-idx3-ubyte  train-labels-idx1-ubyte  t10k-images-idx3-ubyte  t10k-labels-idx1-ubyte\n"
      "(also with .gz, or dotted as train-images.idx3-ubyte). For the train and test split it prints\n"
      "the files, the number and size of the images, the count of each label, and whether each file\n"
      "is the canonical MNIST one (MD5 of the decompressed bytes; a mismatch is not an error).\n"
      "\n"
      "exit status: 0 data usable, 1 data not usable, 2 usage error\n",
      out);
}

// One line of the report: an indented key in a fixed-width column, then the text.
void line(const std::string& key, const std::string& text) {
  std::printf("  %-*s%s\n", kKeyWidth, key.c_str(), text.c_str());
}

void continuation(const std::string& text) { line("", text); }

std::string describeFile(const bnn::IdxFileInfo& info) {
  if (info.gzipped && info.md5.empty()) {  // decompression failed
    return "gzip, " + std::to_string(info.fileBytes) + " bytes on disk";
  }
  if (info.gzipped) {
    return "gzip, " + std::to_string(info.fileBytes) + " bytes on disk, " + std::to_string(info.dataBytes) +
           " decompressed";
  }
  return std::to_string(info.fileBytes) + " bytes";
}

// Prints one file of a split; returns whether its MD5 is the canonical MNIST one.
bool printFile(const char* key, const char* stem, const bnn::Result<std::string>& path,
               const bnn::IdxFileInfo& info) {
  if (!path.ok()) {
    line(key, "missing");
    return false;
  }
  line(key, path.value());
  if (info.path != path.value() || info.fileBytes == 0) return false;  // not read, or empty
  continuation(describeFile(info));
  if (info.md5.empty()) return false;
  const std::string canonical = bnn::canonicalMnistMd5(stem);
  const bool match = info.md5 == canonical;
  continuation("md5 " + info.md5 +
               (match ? "  match: canonical MNIST" : "  mismatch: not the canonical MNIST file"));
  return match;
}

void printLabelCounts(const bnn::ImageSet& set, int numClasses) {
  std::array<int64_t, 256> counts{};
  for (uint8_t l : set.labels) ++counts[l];
  std::string header = "label ", values = "count ";
  char cell[32];
  for (int c = 0; c < numClasses; ++c) {
    std::snprintf(cell, sizeof cell, "%7d", c);
    header += cell;
    std::snprintf(cell, sizeof cell, "%7lld", static_cast<long long>(counts[size_t(c)]));
    values += cell;
  }
  line("labels", header);
  continuation(values);
}

// Reads and validates one file on its own (when its partner is missing), filling `info`.
bnn::Status checkLoneFile(const std::string& path, int rank, bnn::IdxFileInfo& info) {
  info = bnn::IdxFileInfo{};
  info.path = path;
  bnn::Result<std::vector<uint8_t>> bytes = bnn::readFileBytes(path, &info.gzipped, &info.fileBytes);
  if (!bytes.ok()) return bytes.error();
  info.dataBytes = bytes->size();
  info.md5 = bnn::md5Hex(bytes->data(), bytes->size());
  bnn::Result<bnn::IdxArray> idx = bnn::parseIdx(std::move(bytes).value(), path, rank);
  if (!idx.ok()) return idx.error();
  return bnn::okStatus();
}

struct SplitOutcome {
  bool usable = false;
  int canonicalFiles = 0;
};

SplitOutcome checkSplit(const std::string& dir, const char* title, const char* imagesStem,
                        const char* labelsStem) {
  SplitOutcome outcome;
  std::printf("\n%s\n", title);
  const bnn::Result<std::string> imagesPath = bnn::findDatasetFile(dir, imagesStem);
  const bnn::Result<std::string> labelsPath = bnn::findDatasetFile(dir, labelsStem);
  bnn::IdxFileInfo imagesInfo, labelsInfo;
  std::vector<std::string> errors;
  std::optional<bnn::Result<bnn::ImageSet>> set;
  if (imagesPath.ok() && labelsPath.ok()) {
    set.emplace(bnn::loadImageSet(imagesPath.value(), labelsPath.value(), 10, &imagesInfo, &labelsInfo));
    if (!set->ok()) errors.push_back(set->error().message());
  } else {
    // Check whichever file is there on its own, and report each missing one.
    if (!imagesPath.ok()) {
      errors.push_back(imagesPath.error().message());
    } else if (bnn::Status s = checkLoneFile(imagesPath.value(), 3, imagesInfo); !s.ok()) {
      errors.push_back(s.error().message());
    }
    if (!labelsPath.ok()) {
      errors.push_back(labelsPath.error().message());
    } else if (bnn::Status s = checkLoneFile(labelsPath.value(), 1, labelsInfo); !s.ok()) {
      errors.push_back(s.error().message());
    }
  }
  outcome.canonicalFiles += printFile("images file", imagesStem, imagesPath, imagesInfo);
  outcome.canonicalFiles += printFile("labels file", labelsStem, labelsPath, labelsInfo);
  if (!errors.empty()) {
    for (const std::string& e : errors) line("error", e);
    return outcome;
  }
  const bnn::ImageSet& images = set->value();
  line("images", std::to_string(images.count) + " of " + std::to_string(images.rows) + "x" +
                     std::to_string(images.cols) + " pixels");
  printLabelCounts(images, 10);
  outcome.usable = true;
  return outcome;
}

}  // namespace

namespace bnn::cli {

int dataCheck(int argc, char** argv) {
  OptionParser parser;
  parser.positional(1);
  const OptionParser::Parsed p = parser.parse(argc, argv);
  if (p.help) {
    dataUsage(stdout);
    return 0;
  }
  if (!p.ok() || p.arguments.empty()) {
    std::fprintf(stderr, "bnn-cli data check: %s\n", p.ok() ? "missing DIR" : p.error.c_str());
    std::fputs(kUsageLine, stderr);
    return 2;
  }
  const std::string dir = p.arguments.front();

  std::printf("%-*s%s\n", kKeyWidth + 2, "folder", dir.c_str());
  if (Status s = checkDatasetDirectory(dir); !s.ok()) {
    std::printf("%-*s%s\n", kKeyWidth + 2, "error", s.error().message().c_str());
    std::printf("\n%-*s%s\n", kKeyWidth + 2, "result", "NOT usable");
    std::printf("%-*s%s\n", kKeyWidth + 2, "kernels", kernelLevelDescription().c_str());
    std::fflush(stdout);
    return 1;
  }

  const SplitOutcome train = checkSplit(dir, "train", "train-images", "train-labels");
  const SplitOutcome test = checkSplit(dir, "test", "t10k-images", "t10k-labels");

  std::string result;
  const bool usable = train.usable && test.usable;
  if (usable) {
    const bool canonical = train.canonicalFiles + test.canonicalFiles == 4;
    result = "usable: " + datasetName(dir, canonical) +
             (canonical ? " (all four files match the canonical MNIST MD5 sums)"
                        : " (" + std::to_string(train.canonicalFiles + test.canonicalFiles) +
                              " of 4 files match the canonical MNIST MD5 sums)");
  } else {
    const int failed = int(!train.usable) + int(!test.usable);
    result = "NOT usable: " + std::string(failed == 2     ? "both splits fail"
                                          : !train.usable ? "the train split fails"
                                                          : "the test split fails");
  }
  std::printf("\n%-*s%s\n", kKeyWidth + 2, "result", result.c_str());
  std::printf("%-*s%s\n", kKeyWidth + 2, "kernels", kernelLevelDescription().c_str());
  std::fflush(stdout);
  return usable ? 0 : 1;
}

}  // namespace bnn::cli
