#include "data/dataset_identity.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "data/idx_loader.h"

namespace bnn {

namespace {

namespace fs = std::filesystem;

// True when every (stem, md5) pair matches `known` and there is at least one pair.
template <class Known>
bool allMatch(const std::vector<std::pair<std::string, std::string>>& md5ByStem, Known known) {
  if (md5ByStem.empty()) return false;
  for (const auto& [stem, md5] : md5ByStem)
    if (md5.empty() || md5 != known(stem)) return false;
  return true;
}

std::vector<std::string> numbered(int n) {
  std::vector<std::string> v;
  for (int i = 0; i < n; ++i) v.push_back(std::to_string(i));
  return v;
}

}  // namespace

const char* enumName(DatasetCheck check) {
  switch (check) {
    case DatasetCheck::Verified:
      return "verified";
    case DatasetCheck::Differs:
      return "differs";
    case DatasetCheck::ClassFile:
      return "class-file";
    case DatasetCheck::Unknown:
      return "unknown";
  }
  return "unknown";
}

std::optional<DatasetCheck> datasetCheckFromString(const std::string& text) {
  for (DatasetCheck c :
       {DatasetCheck::Verified, DatasetCheck::Differs, DatasetCheck::ClassFile, DatasetCheck::Unknown})
    if (text == enumName(c)) return c;
  return std::nullopt;
}

const char* datasetCheckText(DatasetCheck check) {
  switch (check) {
    case DatasetCheck::Verified:
      return "checksums verified";
    case DatasetCheck::Differs:
      return "files differ from the published ones";
    case DatasetCheck::ClassFile:
      return "classes named in classes.txt";
    case DatasetCheck::Unknown:
      return "unrecognised files";
  }
  return "unrecognised files";
}

std::string datasetLabel(const std::string& name, DatasetCheck check) {
  return name + " (" + datasetCheckText(check) + ")";
}

const std::vector<std::string>& mnistClassNames() {
  static const std::vector<std::string> names = numbered(10);
  return names;
}

const std::vector<std::string>& fashionMnistClassNames() {
  static const std::vector<std::string> names{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                              "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return names;
}

const char* fashionMnistMd5(const std::string& stem) {
  // The decompressed files of Zalando's release (the Debian package's .gz files recompress them:
  // their own MD5 differs from the published .gz sums, their content does not).
  if (stem == "train-images") return "f4a8712d7a061bf5bd6d2ca38dc4d50a";
  if (stem == "train-labels") return "9018921c3c673c538a1fc5bad174d6f9";
  if (stem == "t10k-images") return "8181f5470baa50b63fa0f6fddb340f0a";
  if (stem == "t10k-labels") return "15d484375f8d13e6eb1aabb0c3f46965";
  return "";
}

std::string classNoun(const std::vector<std::string>& classNames) {
  return classNames == mnistClassNames() ? "digit" : "class";
}

std::vector<std::string> defaultClassNames(const std::string& datasetName, int numClasses) {
  if (numClasses == 10 && datasetName == "Fashion-MNIST") return fashionMnistClassNames();
  return numbered(numClasses);
}

Result<std::vector<std::string>> readClassNames(const std::string& path, int numClasses) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return makeError(ErrorCode::Unreadable, path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  std::vector<std::string> names;
  size_t pos = 0;
  int line = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string row = text.substr(pos, end - pos);
    const int64_t offset = static_cast<int64_t>(pos);
    pos = end + 1;
    ++line;
    if (!row.empty() && row.back() == '\r') row.pop_back();
    const size_t b = row.find_first_not_of(" \t");
    if (b == std::string::npos || row[b] == '#') continue;
    row = row.substr(b, row.find_last_not_of(" \t") - b + 1);
    for (unsigned char ch : row)
      if (ch < 0x20 || ch == 0x7f)
        return makeError(ErrorCode::BadFormat, path, offset, "a printable class name", "a control character",
                         "line " + std::to_string(line));
    if (row.size() > 60)
      return makeError(ErrorCode::BadFormat, path, offset, "a class name of at most 60 characters",
                       std::to_string(row.size()) + " characters", "line " + std::to_string(line));
    names.push_back(row);
  }
  if (static_cast<int>(names.size()) != numClasses)
    return makeError(ErrorCode::BadFormat, path, -1,
                     std::to_string(numClasses) + " class names, one per line", std::to_string(names.size()));
  return names;
}

Result<DatasetIdentity> identifyDataset(const std::string& directory,
                                        const std::vector<std::pair<std::string, std::string>>& md5ByStem,
                                        int numClasses) {
  DatasetIdentity id;
  if (numClasses == 10 && allMatch(md5ByStem, [](const std::string& s) { return canonicalMnistMd5(s); })) {
    id = {"MNIST", DatasetCheck::Verified, mnistClassNames()};
    return id;
  }
  if (numClasses == 10 && allMatch(md5ByStem, [](const std::string& s) { return fashionMnistMd5(s); })) {
    id = {"Fashion-MNIST", DatasetCheck::Verified, fashionMnistClassNames()};
    return id;
  }
  const std::string name = datasetName(directory, false);
  const fs::path classFile = fs::path(directory) / kClassNamesFile;
  std::error_code ec;
  if (fs::exists(classFile, ec)) {
    Result<std::vector<std::string>> names = readClassNames(classFile.string(), numClasses);
    if (!names) return names.error();
    id = {name, DatasetCheck::ClassFile, std::move(*names)};
    return id;
  }
  if (name == "Fashion-MNIST") {
    id = {name, DatasetCheck::Differs, defaultClassNames(name, numClasses)};
    return id;
  }
  id = {name, DatasetCheck::Unknown, numbered(numClasses)};
  return id;
}

}  // namespace bnn
