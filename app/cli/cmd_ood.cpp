// bnn-cli ood RUN_DIR --ood DIR|noise|permuted|inverted [--ood ...] [--seed N] [--out DIR]: how
// well a saved run's kept posterior samples tell the test set from images it never saw, by
// core/analysis/ood_study.h (the same code as the desktop OOD view).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/ood_study.h"
#include "cli_support.h"
#include "commands.h"
#include "run/run_result.h"
#include "util/format.h"

namespace {

void oodUsage(FILE* out) {
  std::fputs(
      "usage: bnn-cli ood RUN_DIR --ood DIR|noise|permuted|inverted [--ood ...] [--seed N] [--out DIR]\n"
      "\n"
      "Evaluates the run's kept posterior samples on its test set (in-distribution) and on each\n"
      "out-of-distribution set, and prints per score (max p̄, entropy H[p̄], mutual information,\n"
      "max p of the last sample; OOD is the positive class) the AUROC (ties count one half), the\n"
      "AUPR (average precision) and the FPR at 95% TPR. Writes into DIR (default RUN_DIR/ood):\n"
      "  ood.csv                  one row per OOD set and score\n"
      "  ood.json                 the same, with the number of samples and the time taken\n"
      "  scores_<set>.csv         the scores of every image of the set (and of the test set:\n"
      "                           scores_in.csv)\n"
      "\n"
      "  --ood SET   a dataset folder (its test split, e.g. a Fashion-MNIST folder), or a set made\n"
      "              from the test set: noise (uniform noise images), permuted (each image's pixels\n"
      "              randomly permuted), inverted (1 - x). Repeat for several sets.\n"
      "  --seed N    seed of the noise and permutation sets (default 0)\n"
      "  --out DIR   output folder (created if missing)\n",
      out);
}

std::string scoresCsv(const bnn::OodScoreSet& s) {
  std::string out = "index,neg_max_prob,entropy,mutual_information,neg_max_prob_last_sample\n";
  for (size_t i = 0; i < s.negMaxProb.size(); ++i) {
    out += std::to_string(i);
    for (const std::vector<double>* v :
         {&s.negMaxProb, &s.entropy, &s.mutualInformation, &s.negMaxProbLastSample}) {
      out += ',';
      out += i < v->size() ? bnn::formatNumber((*v)[i]) : std::string("nan");
    }
    out += '\n';
  }
  return out;
}

std::string fileStem(const bnn::OodSetSpec& spec, const std::string& name) {
  std::string s = spec.kind == bnn::OodSetKind::Folder ? name : bnn::enumName(spec.kind);
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
  return s;
}

}  // namespace

namespace bnn::cli {

int ood(int argc, char** argv) {
  OptionParser parser;
  parser.value("ood").value("seed").value("out").positional(1);
  const OptionParser::Parsed p = parser.parse(argc, argv);
  if (p.help) {
    oodUsage(stdout);
    return 0;
  }
  if (!p.ok()) {
    std::fprintf(stderr, "bnn-cli ood: %s (see bnn-cli ood --help)\n", p.error.c_str());
    return kExitBadOptions;
  }
  if (p.arguments.empty()) {
    std::fputs("bnn-cli ood: missing RUN_DIR (see bnn-cli ood --help)\n", stderr);
    return kExitBadOptions;
  }
  int64_t seed = 0;
  if (!integerOption("ood", p, "seed", 0, int64_t(1) << 62, seed)) return kExitBadOptions;
  std::vector<OodSetSpec> sets;
  for (const auto& [name, value] : p.options) {
    if (name != "ood") continue;
    Result<OodSetSpec> s = parseOodSet(value, uint64_t(seed));
    if (!s) {
      std::fprintf(stderr,
                   "bnn-cli ood: --ood: expected noise, permuted, inverted or a dataset folder, found '%s'\n",
                   value.c_str());
      return kExitBadOptions;
    }
    sets.push_back(*s);
  }
  if (sets.empty()) {
    std::fputs("bnn-cli ood: missing --ood DIR|noise|permuted|inverted\n", stderr);
    return kExitBadOptions;
  }
  const std::string runDir = p.arguments.front();
  const std::optional<RunResult> loaded = loadRun("ood", runDir);
  if (!loaded) return kExitBadFiles;
  const RunResult& run = *loaded;
  if (!run.samples) {
    std::fprintf(stderr, "bnn-cli ood: %s: %s\n", runDir.c_str(), whySamplesUnavailable(run).c_str());
    return kExitBadFiles;
  }
  // Every set is checked before anything is evaluated.
  std::vector<std::pair<std::string, std::shared_ptr<const ImageSet>>> images;
  for (const OodSetSpec& s : sets) {
    std::string name;
    Result<std::shared_ptr<const ImageSet>> im = oodImages(run, s, &name);
    if (!im) {
      std::fprintf(stderr, "bnn-cli ood: %s\n", im.error().message().c_str());
      return kExitBadFiles;
    }
    images.emplace_back(name, *im);
  }

  const auto t0 = std::chrono::steady_clock::now();
  int64_t samples = 0;
  Result<OodScoreSet> in = posteriorScores(run, *run.test, nullptr, &samples);
  if (!in) {
    std::fprintf(stderr, "bnn-cli ood: %s: %s\n", runDir.c_str(), in.error().message().c_str());
    return kExitBadFiles;
  }
  const double inSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::vector<std::pair<std::string, std::string>> files = {{"scores_in.csv", scoresCsv(*in)}};
  std::string csv;
  nlohmann::json sets_json = nlohmann::json::array();
  std::printf("run      %s\n", runDir.c_str());
  std::printf("in       test set, %lld images, %lld kept samples (%.1f s)\n\n", (long long)run.test->count,
              (long long)samples, inSeconds);
  for (size_t i = 0; i < sets.size(); ++i) {
    const auto t1 = std::chrono::steady_clock::now();
    Result<OodScoreSet> out = posteriorScores(run, *images[i].second);
    if (!out) {
      std::fprintf(stderr, "bnn-cli ood: %s: %s\n", images[i].first.c_str(), out.error().message().c_str());
      return kExitBadFiles;
    }
    OodStudy study = makeOodStudy(*in, std::move(*out), samples, images[i].first, images[i].second);
    study.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    const std::string table = oodTableCsv(study);
    csv += i == 0 ? table : table.substr(table.find('\n') + 1);
    files.emplace_back("scores_" + fileStem(sets[i], images[i].first) + ".csv", scoresCsv(study.out));
    nlohmann::json rows = nlohmann::json::array();
    for (const OodTableRow& r : study.table)
      rows.push_back({{"score", enumName(r.kind)},
                      {"auroc", r.metrics.auroc},
                      {"aupr", r.metrics.aupr},
                      {"fpr_at_95_tpr", r.metrics.fprAtTpr}});
    sets_json.push_back({{"ood_set", study.outName},
                         {"images", images[i].second->count},
                         {"seconds", study.seconds},
                         {"scores", rows}});
    std::printf("%s", oodTableText(study).c_str());
    std::printf("  time %.1f s (evaluation of the set and the metrics)\n\n", study.seconds);
  }
  files.emplace_back("ood.csv", csv);
  nlohmann::json j = {{"run", runDir},
                      {"samples", samples},
                      {"in_images", run.test->count},
                      {"in_seconds", inSeconds},
                      {"sets", sets_json}};
  files.emplace_back("ood.json", j.dump(2) + "\n");
  const std::optional<std::filesystem::path> outDir = outputFolder("ood", p, runDir, "ood");
  if (!outDir) return kExitBadFiles;
  if (!writeFiles("ood", *outDir, files)) return kExitBadFiles;
  std::printf("written to %s\n", outDir->string().c_str());
  return 0;
}

}  // namespace bnn::cli
