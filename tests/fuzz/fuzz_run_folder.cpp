// Fuzz target: the text files of a saved run folder. The input holds config.json, summary.json
// and curve.csv one after another, separated by a line "--8<--"; they are written into a folder
// beside valid arrays of a small run and read back with readRunResult (every check of the
// reader, the arrays' validation included). Properties beyond "no crash": an accepted run has a
// valid configuration and round-trips through writeRunResult and readRunResult.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "run/result_io.h"

namespace {

namespace fs = std::filesystem;

constexpr int kImages = 3;
constexpr int kClasses = 10;

// A small completed run: 3 test images, 2 samples.
bnn::RunResult tinyRun() {
  bnn::RunResult r;
  r.config = *bnn::presetConfig("example-sgld");
  r.config.samplingSteps = 2;
  r.outcome = {bnn::RunStatus::Completed, "completed", 4};
  r.datasetName = "synthetic";
  r.datasetDirectory = "data/synthetic";
  auto test = std::make_shared<bnn::ImageSet>();
  test->count = kImages;
  test->rows = 2;
  test->cols = 2;
  for (int i = 0; i < kImages; ++i) test->labels.push_back(uint8_t(i));
  test->pixels.assign(kImages * 4, 7);
  r.test = test;
  r.predictive.reset(kImages, kClasses);
  std::vector<float> lp(kImages * kClasses, -2.302585093f);  // uniform: log(1/10)
  r.predictive.add(lp.data());
  r.predictive.add(lp.data());
  r.curve.push_back({bnn::Phase::Warmup, 0, 1, 0.1, 0.5});
  r.curve.push_back({bnn::Phase::Sampling, 1, 4, 0.2, 0.5, 0.5, 2});
  r.lastPointwiseAccuracy = 0.5;
  r.timings = bnn::RunTimings{0.3, 0.1, 0.1, 0.1, 4, 2, 1};
  return r;
}

struct Folder {
  fs::path root;
  fs::path run;
  fs::path copy;
  Folder() {
    const fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    root = base / ("bnn-fuzz-run-folder-" + std::to_string(::getpid()));
    run = root / "run";
    copy = root / "copy";
    fs::remove_all(root);
    fs::create_directories(root);
    if (!bnn::writeRunResult(tinyRun(), run.string()).ok()) std::abort();
  }
  ~Folder() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
};

void writeFile(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(text.data(), std::streamsize(text.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Folder folder;
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::string sep = "\n--8<--\n";
  std::string parts[3];
  size_t at = 0;
  for (int i = 0; i < 3; ++i) {
    const size_t next = i < 2 ? input.find(sep, at) : std::string::npos;
    parts[i] =
        input.substr(std::min(at, input.size()), next == std::string::npos ? std::string::npos : next - at);
    at = next == std::string::npos ? input.size() : next + sep.size();
  }
  writeFile(folder.run / "config.json", parts[0]);
  writeFile(folder.run / "summary.json", parts[1]);
  writeFile(folder.run / "curve.csv", parts[2]);

  bnn::Result<bnn::RunResult> r = bnn::readRunResult(folder.run.string());
  if (!r) {
    if (r.error().message().empty()) std::abort();
    return 0;
  }
  if (bnn::validate(r->config)) std::abort();
  if (!bnn::writeRunResult(*r, folder.copy.string()).ok()) std::abort();
  if (!bnn::readRunResult(folder.copy.string()).ok()) std::abort();
  return 0;
}
