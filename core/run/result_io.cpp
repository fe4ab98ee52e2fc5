#include "run/result_io.h"

#include <stdlib.h>  // mkdtemp

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <system_error>
#include <tuple>

#include "analysis/run_calibration.h"
#include "data/dataset_identity.h"
#include "run/checkpoint.h"
#include "run/posterior_samples.h"
#include "run/predictive_validation.h"
#include "util/format.h"
#include "util/npy.h"
#include "util/special_values.h"
#include "util/text_file.h"

namespace bnn {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kFormat = "bnn-explorer-run";
constexpr int kVersion = 1;
constexpr const char* kSamplesFile = "samples.npy";
constexpr const char* kLastProbsFile = "last_probs.npy";
constexpr const char* kDiagnosticsFile = "diagnostics.csv";
constexpr const char* kCurveHeader =
    "phase,step,grad_evals,wall_seconds,pointwise_accuracy,ensemble_accuracy,samples";

constexpr double kInf = std::numeric_limits<double>::infinity();

// The run parameters every config.json has had since format version 1. Frozen: parameters added
// later to the table in run_config.cpp are optional when reading (older folders lack them).
bool isVersion1Parameter(const std::string& key) {
  static constexpr const char* kKeys[] = {"name",
                                          "sampler",
                                          "sghmc-form",
                                          "step-size",
                                          "batch-size",
                                          "batch-mode",
                                          "leapfrog-steps",
                                          "alpha",
                                          "beta",
                                          "temperature",
                                          "fresh-batch-per-inner-step",
                                          "sampling-phase-sgld",
                                          "warmup",
                                          "eval-every",
                                          "samples",
                                          "thinning",
                                          "hidden",
                                          "prior-sigma",
                                          "init",
                                          "seed"};
  for (const char* k : kKeys)
    if (key == k) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

// Errors of a results folder mostly have a detail text and no byte offset.
Error fileError(ErrorCode code, const std::string& path, std::string detail, std::string expected = {},
                std::string found = {}, int64_t offset = -1) {
  return makeError(code, path, offset, std::move(expected), std::move(found), std::move(detail));
}

std::optional<Phase> phaseFromString(const std::string& s) {
  for (Phase p : {Phase::Warmup, Phase::Sampling})
    if (s == enumName(p)) return p;
  return std::nullopt;
}

std::optional<RunStatus> runStatusFromString(const std::string& s) {
  for (RunStatus st : {RunStatus::Running, RunStatus::Completed, RunStatus::Cancelled, RunStatus::Diverged,
                       RunStatus::Failed, RunStatus::Warning})
    if (s == enumName(st)) return st;
  return std::nullopt;
}

// NaN and infinities are not JSON numbers: written as null, read back as NaN.
json jsonNumber(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

std::string shapeText(std::initializer_list<int64_t> s) { return npyShapeText(std::vector<int64_t>(s)); }

std::string joinPath(const fs::path& dir, const char* file) { return (dir / file).string(); }

Result<std::string> readText(const std::string& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return fileError(ErrorCode::MissingFile, path, {});
  if (fs::is_directory(st)) return fileError(ErrorCode::IsDirectory, path, {});
  std::ifstream in(path, std::ios::binary);
  if (!in) return fileError(ErrorCode::Unreadable, path, {});
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return fileError(ErrorCode::Unreadable, path, {});
  return ss.str();
}

Result<json> readJsonObject(const std::string& path) {
  Result<std::string> text = readText(path);
  if (!text) return text.error();
  if (text->empty()) return fileError(ErrorCode::Empty, path, {});
  json j;
  try {
    j = json::parse(*text);
  } catch (const json::parse_error& e) {
    return fileError(ErrorCode::BadFormat, path, "invalid JSON", {}, {},
                     e.byte > 0 ? static_cast<int64_t>(e.byte) - 1 : 0);
  } catch (const json::exception&) {
    return fileError(ErrorCode::BadFormat, path, "invalid JSON");
  }
  if (!j.is_object()) return fileError(ErrorCode::BadFormat, path, {}, "a JSON object", j.type_name());
  return j;
}

// Typed access to JSON members with errors naming the file and the key.
class JsonReader {
 public:
  explicit JsonReader(std::string path) : m_path(std::move(path)) {}
  const std::optional<Error>& error() const { return m_error; }

  const json* member(const json& obj, const std::string& key, const std::string& where = {}) {
    if (m_error) return nullptr;
    const auto it = obj.find(key);
    if (it == obj.end()) {
      fail("missing key '" + where + key + "'");
      return nullptr;
    }
    return &*it;
  }
  const json* object(const json& obj, const std::string& key) {
    const json* v = member(obj, key);
    if (v && !v->is_object()) return wrongType(key, "an object", *v);
    return v;
  }
  std::string string(const json& obj, const std::string& key, const std::string& where = {}) {
    const json* v = member(obj, key, where);
    if (!v) return {};
    if (!v->is_string()) {
      wrongType(where + key, "a string", *v);
      return {};
    }
    return v->get<std::string>();
  }
  // A number, or null for NaN.
  double number(const json& obj, const std::string& key, const std::string& where = {}) {
    const json* v = member(obj, key, where);
    if (!v) return kNaN;
    if (v->is_null()) return kNaN;
    if (!v->is_number()) {
      wrongType(where + key, "a number or null", *v);
      return kNaN;
    }
    return v->get<double>();
  }
  int64_t integer(const json& obj, const std::string& key, const std::string& where = {},
                  int64_t min = std::numeric_limits<int64_t>::min()) {
    const json* v = member(obj, key, where);
    if (!v) return 0;
    if (!v->is_number_integer() ||
        (v->is_number_unsigned() &&
         v->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))) {
      wrongType(where + key, "an integer", *v);
      return 0;
    }
    const int64_t x = v->get<int64_t>();
    if (x < min) {
      fail("key '" + where + key + "'", "an integer >= " + std::to_string(min), std::to_string(x));
      return 0;
    }
    return x;
  }
  void fail(std::string detail, std::string expected = {}, std::string found = {}) {
    if (!m_error)
      m_error =
          fileError(ErrorCode::BadFormat, m_path, std::move(detail), std::move(expected), std::move(found));
  }

 private:
  const json* wrongType(const std::string& key, const std::string& expected, const json& v) {
    fail("key '" + key + "'", expected, v.dump().substr(0, 60));
    return nullptr;
  }

  std::string m_path;
  std::optional<Error> m_error;
};

// RunConfig field as JSON (natural JSON types where they exist).
json configValue(const RunConfig& c, const ParamSpec& s) {
  using T = ParamSpec::Type;
  const std::string text = getParam(c, s.key);
  switch (s.type) {
    case T::Real: {
      double v = 0;
      std::from_chars(text.data(), text.data() + text.size(), v);
      return jsonNumber(v);
    }
    case T::Int: {  // signed or unsigned 64-bit (the seed), written exactly
      const char* b = text.data();
      const char* e = b + text.size();
      if (!text.empty() && text[0] == '-') {
        int64_t v = 0;
        std::from_chars(b, e, v);
        return json(v);
      }
      uint64_t v = 0;
      std::from_chars(b, e, v);
      return json(v);
    }
    case T::Bool:
      return json(text == "true");
    case T::IntList:
      return json(c.hidden);
    case T::Choice:
    case T::Text:
      return json(text);
  }
  return json(text);
}

// Text form of a JSON config value for setParam; nullopt when the JSON type is wrong.
std::optional<std::string> configText(const json& v, const ParamSpec& s) {
  using T = ParamSpec::Type;
  switch (s.type) {
    case T::Real:
      if (v.is_null()) return std::string("nan");
      if (!v.is_number()) return std::nullopt;
      return formatNumber(v.get<double>());
    case T::Int:
      if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
      if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
      return std::nullopt;
    case T::Bool:
      if (!v.is_boolean()) return std::nullopt;
      return std::string(v.get<bool>() ? "true" : "false");
    case T::IntList: {
      if (!v.is_array()) return std::nullopt;
      std::string s;
      for (size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_number_integer()) return std::nullopt;
        if (i > 0) s += ",";
        s += v[i].is_number_unsigned() ? std::to_string(v[i].get<uint64_t>())
                                       : std::to_string(v[i].get<int64_t>());
      }
      return s;
    }
    case T::Choice:
    case T::Text:
      if (!v.is_string()) return std::nullopt;
      return v.get<std::string>();
  }
  return std::nullopt;
}

bool predictiveIsEmpty(const PredictiveAccumulator& p) {
  return p.numImages() == 0 && p.numClasses() == 0 && p.sampleCount() == 0;
}

// ---------------------------------------------------------------------------------------------
// Writing

// config.json's description of samples.npy: enough to rebuild the network from the file alone.
json keptSamplesJson(const PosteriorSamples& s) {
  const MlpShape& shape = s.shape();
  json layers = json::array();
  for (int l = 0; l < shape.numLayers(); ++l)
    layers.push_back({
        {"weight_offset", shape.weightOffset(l)},
        {"weight_shape", {shape.sizes[static_cast<size_t>(l)], shape.sizes[static_cast<size_t>(l) + 1]}},
        {"bias_offset", shape.biasOffset(l)},
        {"bias_shape", {shape.sizes[static_cast<size_t>(l) + 1]}},
        {"activation", l + 1 < shape.numLayers() ? "relu" : "log_softmax"},
    });
  json j = {
      {"file", kSamplesFile},       {"count", s.count()}, {"parameters", s.numParams()},
      {"layer_sizes", shape.sizes}, {"layers", layers},   {"sampling_steps", s.steps()},
  };
  if (s.isPooled()) {  // a K-chain folder: the chains' own files, no copy
    json files = json::array(), counts = json::array();
    for (size_t i = 0; i < s.parts().size(); ++i) {
      files.push_back(chainFolderName(static_cast<int64_t>(i)) + "/" + kSamplesFile);
      counts.push_back(s.parts()[i]->count());
    }
    j.erase("file");
    j["chain_files"] = files;
    j["chain_counts"] = counts;
  }
  return j;
}

std::string configJson(const RunResult& r) {
  json j = json::object();
  j["format"] = kFormat;
  j["version"] = kVersion;
  for (const ParamSpec& s : runParamSpecs()) j[s.key] = configValue(r.config, s);
  j["dataset"] = {
      {"name", r.datasetName},       {"directory", r.datasetDirectory}, {"test_images", r.testCount()},
      {"image_rows", r.imageRows()}, {"image_cols", r.imageCols()},     {"check", enumName(r.datasetCheck)},
      {"class_names", r.classNames},
  };
  j["outcome"] = {
      {"status", enumName(r.outcome.status)},
      {"message", r.outcome.message},
      {"step", r.outcome.step},
  };
  j["timings"] = {
      {"total_seconds", jsonNumber(r.timings.totalSeconds)},
      {"gradient_seconds", jsonNumber(r.timings.gradientSeconds)},
      {"update_seconds", jsonNumber(r.timings.updateSeconds)},
      {"eval_seconds", jsonNumber(r.timings.evalSeconds)},
      {"grad_evals", r.timings.gradEvals},
      {"test_passes", r.timings.testPasses},
      {"threads", r.timings.threads},
  };
  j["last_pointwise_accuracy"] = jsonNumber(r.lastPointwiseAccuracy);
  j["sample_count"] = r.predictive.sampleCount();
  j["num_classes"] = r.predictive.numClasses();
  if (r.samples) j["kept_samples"] = keptSamplesJson(*r.samples);
  if (r.evaluation.isEvaluation())
    j["evaluation"] = {
        {"source_name", r.evaluation.sourceName},
        {"source_directory", r.evaluation.sourceDirectory},
        {"split", r.evaluation.split},
        {"transform", r.evaluation.transform},
    };
  return j.dump(2) + "\n";
}

// Calibration of the ensemble and of the last sample (15 equal-width bins): the measures, or
// null and the reason.
json calibrationJson(const RunResult& r) {
  const RunCalibration c = runCalibration(r);
  json j = {{"bins", c.options.numBins}, {"scheme", enumName(c.options.scheme)}};
  for (PredictiveSource src : kPredictiveSources) {
    const CalibrationEntry& e = c.entry(src);
    if (!e.report) {
      j[enumName(src)] = nullptr;
      j[std::string(enumName(src)) + "_unavailable"] = e.unavailable;
      continue;
    }
    const CalibrationReport& m = *e.report;
    j[enumName(src)] = {{"accuracy", jsonNumber(m.accuracy)},
                        {"mean_confidence", jsonNumber(m.meanConfidence)},
                        {"ece", jsonNumber(m.ece)},
                        {"mce", jsonNumber(m.mce)},
                        {"nll", jsonNumber(m.negLogLikelihood)},
                        {"brier", jsonNumber(m.brier)}};
  }
  return j;
}

std::string summaryJson(const RunResult& r) {
  const PredictiveAccumulator& p = r.predictive;
  const bool usable = p.sampleCount() > 0 && p.numImages() > 0 && p.numImages() == r.testCount();
  const double ensemble = usable ? p.accuracy(r.testLabels().data()) : kNaN;
  const double last = r.lastPointwiseAccuracy;
  const double certain = usable ? certainShare(p, 0.95) : kNaN;
  const double nll = usable ? p.negLogLikelihood(r.testLabels().data()) : kNaN;
  json j = {
      {"ensemble_accuracy", jsonNumber(ensemble)},
      {"last_sample_accuracy", jsonNumber(last)},
      {"difference", jsonNumber(ensemble - last)},
      {"certain_share_095", jsonNumber(certain)},
      {"nll", jsonNumber(nll)},
      {"samples", p.sampleCount()},
      {"status", enumName(r.outcome.status)},
  };
  j["calibration"] = calibrationJson(r);
  // R̂ and ESS of the per-sample diagnostics across the result's chains (one chain: its halves).
  if (!r.diagnostics.empty()) {
    json conv = json::object();
    for (const ScalarConvergence& sc : scalarConvergence(r.diagnostics))
      conv[sc.name] = {
          {"mean", jsonNumber(sc.mean)},
          {"sd", jsonNumber(sc.sd)},
          {"rhat", jsonNumber(sc.d.rhat)},
          {"rhat_bulk", jsonNumber(sc.d.rhatBulk)},
          {"rhat_tail", jsonNumber(sc.d.rhatTail)},
          {"ess_bulk", jsonNumber(sc.d.essBulk)},
          {"ess_tail", jsonNumber(sc.d.essTail)},
          {"chains", sc.d.numChains},
          {"draws_per_chain", sc.d.numDraws},
      };
    j["convergence"] = conv;
  }
  return j.dump(2) + "\n";
}

std::string curveCsv(const std::vector<CurvePoint>& curve) {
  std::string s = kCurveHeader;
  s += '\n';
  for (const CurvePoint& c : curve) {
    s += enumName(c.phase);
    s += ',' + std::to_string(c.step);
    s += ',' + std::to_string(c.gradEvals);
    s += ',';
    appendNumber(s, c.wallSeconds);
    s += ',';
    appendNumber(s, c.pointwiseAccuracy);
    s += ',';
    appendNumber(s, c.ensembleAccuracy);
    s += ',' + std::to_string(c.samples);
    s += '\n';
  }
  return s;
}

Status writeContents(const RunResult& r, const fs::path& dir) {
  const int64_t n = r.testCount();
  const PredictiveAccumulator& p = r.predictive;
  const int64_t rows = p.numImages();
  const int64_t cols = p.numClasses();

  if (Status s = writeTextFile(joinPath(dir, "config.json"), configJson(r), FileSync::InFolder); !s) return s;
  if (Status s = writeTextFile(joinPath(dir, "summary.json"), summaryJson(r), FileSync::InFolder); !s)
    return s;
  if (Status s = writeTextFile(joinPath(dir, "curve.csv"), curveCsv(r.curve), FileSync::InFolder); !s)
    return s;
  if (!r.diagnostics.names.empty())
    if (Status s =
            writeTextFile(joinPath(dir, kDiagnosticsFile), diagnosticsCsv(r.diagnostics), FileSync::InFolder);
        !s)
      return s;

  std::vector<float> mean = p.meanProbabilities();
  if (static_cast<int64_t>(mean.size()) != rows * cols)  // no sample yet: p̄ undefined
    mean.assign(static_cast<size_t>(rows * cols), std::numeric_limits<float>::quiet_NaN());
  if (Status s = writeNpy(joinPath(dir, "predictive.npy"), {rows, cols}, mean); !s) return s;
  if (Status s = writeNpy(joinPath(dir, "log_sum.npy"), {rows, cols}, p.logSum()); !s) return s;
  if (Status s = writeNpy(joinPath(dir, "sum_plogp.npy"), {rows}, p.sumPLogP()); !s) return s;
  if (Status s = writeNpy(joinPath(dir, "votes.npy"), {rows, cols}, p.votes()); !s) return s;
  if (Status s = writeNpy(joinPath(dir, "test_labels.npy"), {n}, r.testLabels()); !s) return s;
  if (!r.testImages().empty()) {
    if (Status s =
            writeNpy(joinPath(dir, "test_images.npy"), {n, r.imageRows(), r.imageCols()}, r.testImages());
        !s)
      return s;
  }
  if (!r.lastProbs.empty())
    if (Status s = writeNpy(joinPath(dir, kLastProbsFile), {n, cols}, r.lastProbs); !s) return s;
  if (r.samples && !r.samples->isPooled())
    if (Status s = r.samples->linkOrCopyTo(joinPath(dir, kSamplesFile)); !s) return s;
  return okStatus();
}

// An existing folder may be replaced only when it is empty or holds a saved run (or the
// checkpoint of a run that was never saved).
bool isReplaceable(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_empty(dir, ec) && !ec) return true;
  if (hasCheckpoint(dir.string())) return true;
  // A chain's checkpoint folder before its first checkpoint: only the kept samples so far.
  bool onlyCheckpointFiles = true;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    onlyCheckpointFiles = onlyCheckpointFiles && (name.rfind(kCheckpointSamplesFile, 0) == 0 ||
                                                  name.rfind(std::string(".") + kCheckpointFile, 0) == 0);
  }
  if (!ec && onlyCheckpointFiles) return true;
  Result<json> j = readJsonObject(joinPath(dir, "config.json"));
  if (!j) return false;
  const auto it = j->find("format");
  return it != j->end() && it->is_string() && it->get<std::string>() == kFormat;
}

std::string errnoText(int err) { return std::strerror(err); }

// Creates a unique empty sibling folder "<base><suffix>XXXXXX".
Result<fs::path> makeUniqueDir(const fs::path& base, const char* suffix) {
  std::string tmpl = base.string() + suffix + "XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data()))
    return fileError(ErrorCode::Io, base.string(), "cannot create folder " + tmpl + ": " + errnoText(errno));
  return fs::path(buf.data());
}

// ---------------------------------------------------------------------------------------------
// Reading

Result<std::vector<CurvePoint>> parseCurve(const std::string& path, const std::string& text) {
  std::vector<CurvePoint> curve;
  size_t pos = 0;
  int line = 0;
  bool sawHeader = false;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string row = text.substr(pos, end - pos);
    if (!row.empty() && row.back() == '\r') row.pop_back();
    const int64_t offset = static_cast<int64_t>(pos);
    ++line;
    pos = end + 1;
    const std::string where = "line " + std::to_string(line);
    if (!sawHeader) {
      if (row != kCurveHeader)
        return fileError(ErrorCode::BadFormat, path, where, std::string("header '") + kCurveHeader + "'",
                         quotedText(row.substr(0, 100)), offset);
      sawHeader = true;
      continue;
    }
    if (row.empty()) {
      if (pos >= text.size()) break;  // trailing newline
      return fileError(ErrorCode::BadFormat, path, where, "7 comma-separated fields", "an empty line",
                       offset);
    }
    std::vector<std::string> f;
    size_t start = 0;
    for (;;) {
      const size_t comma = row.find(',', start);
      f.push_back(row.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (f.size() != 7)
      return fileError(ErrorCode::BadFormat, path, where, "7 comma-separated fields",
                       std::to_string(f.size()) + " fields", offset);
    auto bad = [&](const char* column, const std::string& v, const char* expected) {
      return fileError(ErrorCode::BadFormat, path, where + ", column " + column, expected,
                       quotedText(v.substr(0, 40)), offset);
    };
    auto toInt = [](const std::string& v, int64_t& out) {
      const auto r = std::from_chars(v.data(), v.data() + v.size(), out);
      return !v.empty() && r.ec == std::errc() && r.ptr == v.data() + v.size();
    };
    auto toReal = [](const std::string& v, double& out) {
      if (v == "nan" || v == "NaN" || v.empty()) {
        out = kNaN;
        return true;
      }
      const auto r = std::from_chars(v.data(), v.data() + v.size(), out);
      return r.ec == std::errc() && r.ptr == v.data() + v.size();
    };
    CurvePoint c;
    const std::optional<Phase> phase = phaseFromString(f[0]);
    if (!phase) return bad("phase", f[0], "a phase name");
    c.phase = *phase;
    if (!toInt(f[1], c.step)) return bad("step", f[1], "an integer");
    if (!toInt(f[2], c.gradEvals)) return bad("grad_evals", f[2], "an integer");
    if (!toReal(f[3], c.wallSeconds)) return bad("wall_seconds", f[3], "a number");
    if (!toReal(f[4], c.pointwiseAccuracy)) return bad("pointwise_accuracy", f[4], "a number or nan");
    if (!toReal(f[5], c.ensembleAccuracy)) return bad("ensemble_accuracy", f[5], "a number or nan");
    if (!toInt(f[6], c.samples)) return bad("samples", f[6], "an integer");
    curve.push_back(c);
  }
  if (!sawHeader)
    return fileError(ErrorCode::Empty, path, {}, std::string("header '") + kCurveHeader + "'",
                     "an empty file");
  return curve;
}

Result<NpyArray> readArray(const fs::path& dir, const char* file, NpyType type, int rank) {
  const std::string path = joinPath(dir, file);
  Result<NpyArray> a = readNpy(path, type, rank);
  if (!a && a.error().code == ErrorCode::NotFound) return fileError(ErrorCode::MissingFile, path, {});
  return a;
}

Error shapeMismatch(const fs::path& dir, const char* file, const std::string& expected,
                    const std::vector<int64_t>& found, const std::string& why) {
  return fileError(ErrorCode::BadDimensions, joinPath(dir, file), why, "shape " + expected,
                   "shape " + npyShapeText(found));
}

Error valueError(const std::string& path, const std::string& where, std::string expected, std::string found) {
  return fileError(ErrorCode::BadValue, path, where, std::move(expected), std::move(found));
}

// A number read back must be NaN (when `nanAllowed`: "not measured") or within [lo, hi].
std::optional<Error> checkValue(const std::string& path, const std::string& where, double v, double lo,
                                double hi, bool nanAllowed = true) {
  if (std::isnan(v) ? nanAllowed : (std::isfinite(v) && v >= lo && v <= hi)) return std::nullopt;
  std::string range =
      "a number in [" + formatNumber(lo) + ", " + (std::isinf(hi) ? "inf)" : formatNumber(hi) + "]");
  if (nanAllowed) range += " or null";
  return valueError(path, where, range, std::isinf(v) ? (v > 0 ? "inf" : "-inf") : formatNumber(v));
}

struct KeptSamplesEntry {
  std::vector<int> layerSizes;
  std::vector<int64_t> steps;
  std::vector<int64_t> chainCounts;  // a pooled K-chain folder: samples per chain (chain-<i>/samples.npy)
};

// config.json's "kept_samples", checked against the configuration and the arrays.
Result<KeptSamplesEntry> parseKeptSamples(const std::string& path, const json& ks, const RunConfig& config,
                                          int64_t inputs, int64_t classes) {
  JsonReader jr(path);
  if (!ks.is_object())
    return fileError(ErrorCode::BadFormat, path, "key 'kept_samples'", "an object", ks.dump().substr(0, 60));
  const std::string where = "kept_samples.";
  const bool pooled = ks.contains("chain_files");
  const std::string file = pooled ? std::string(kSamplesFile) : jr.string(ks, "file", where);
  const int64_t count = jr.integer(ks, "count", where, 0);
  const int64_t params = jr.integer(ks, "parameters", where, 1);
  const json* sizes = jr.member(ks, "layer_sizes", where);
  const json* steps = jr.member(ks, "sampling_steps", where);
  const json* chainFiles = pooled ? jr.member(ks, "chain_files", where) : nullptr;
  const json* chainCounts = pooled ? jr.member(ks, "chain_counts", where) : nullptr;
  if (jr.error()) return *jr.error();
  if (file != kSamplesFile)
    return valueError(path, "key 'kept_samples.file'", quotedText(kSamplesFile),
                      quotedText(file.substr(0, 60)));
  KeptSamplesEntry e;
  if (pooled) {
    // Only the K chain folders of this run, in order: chain-<i>/samples.npy.
    const int64_t k = config.chainIndex < 0 ? config.chains : 0;
    if (k < 2 || !chainFiles->is_array() || static_cast<int64_t>(chainFiles->size()) != k ||
        !chainCounts->is_array() || chainCounts->size() != chainFiles->size())
      return valueError(path, "key 'kept_samples.chain_files'",
                        "one file and count per chain of a pooled run of K >= 2 chains",
                        chainFiles->dump().substr(0, 60));
    int64_t total = 0;
    for (int64_t i = 0; i < k; ++i) {
      const json& f = (*chainFiles)[static_cast<size_t>(i)];
      const std::string want = chainFolderName(i) + "/" + kSamplesFile;
      if (!f.is_string() || f.get<std::string>() != want)
        return valueError(path, "key 'kept_samples.chain_files', entry " + std::to_string(i),
                          quotedText(want), f.dump().substr(0, 60));
      const json& n = (*chainCounts)[static_cast<size_t>(i)];
      const int64_t ni = n.is_number_integer() ? n.get<int64_t>() : -1;
      if (ni < 1 || ni > config.samplingSteps)
        return valueError(path, "key 'kept_samples.chain_counts', entry " + std::to_string(i),
                          "a sample count from 1 to " + std::to_string(config.samplingSteps),
                          n.dump().substr(0, 30));
      e.chainCounts.push_back(ni);
      total += ni;
    }
    if (total != count)
      return valueError(path, "key 'kept_samples.chain_counts'",
                        "counts adding up to " + std::to_string(count), std::to_string(total));
  }
  std::vector<int> expectedSizes{static_cast<int>(inputs)};
  for (int h : config.hidden) expectedSizes.push_back(h);
  expectedSizes.push_back(static_cast<int>(classes));
  if (!sizes->is_array() || sizes->size() != expectedSizes.size())
    return valueError(path, "key 'kept_samples.layer_sizes'", "the network's layer sizes",
                      sizes->dump().substr(0, 60));
  for (size_t i = 0; i < sizes->size(); ++i) {
    if (!(*sizes)[i].is_number_integer() || (*sizes)[i].get<int64_t>() != expectedSizes[i])
      return valueError(path, "key 'kept_samples.layer_sizes'",
                        "input, hidden (as configured) and output sizes", sizes->dump().substr(0, 60));
    e.layerSizes.push_back(expectedSizes[i]);
  }
  if (params != MlpShape{e.layerSizes}.numParams())
    return valueError(path, "key 'kept_samples.parameters'",
                      std::to_string(MlpShape{e.layerSizes}.numParams()) + " for these layer sizes",
                      std::to_string(params));
  if (!steps->is_array() || static_cast<int64_t>(steps->size()) != count)
    return valueError(
        path, "key 'kept_samples.sampling_steps'", std::to_string(count) + " steps (count)",
        steps->is_array() ? std::to_string(steps->size()) + " steps" : steps->dump().substr(0, 60));
  for (size_t i = 0; i < steps->size(); ++i) {
    const json& v = (*steps)[i];
    const int64_t step = v.is_number_integer() ? v.get<int64_t>() : -1;
    // Pooled: the steps restart at each chain's first sample.
    bool chainStart = i == 0;
    for (int64_t c = 0, start = 0; c < static_cast<int64_t>(e.chainCounts.size()); ++c) {
      chainStart = chainStart || start == static_cast<int64_t>(i);
      start += e.chainCounts[static_cast<size_t>(c)];
    }
    if (step < 0 || step >= config.samplingSteps || (!chainStart && step <= e.steps.back()))
      return valueError(path, "key 'kept_samples.sampling_steps', entry " + std::to_string(i),
                        "increasing sampling steps below " + std::to_string(config.samplingSteps),
                        v.dump().substr(0, 30));
    e.steps.push_back(step);
  }
  return e;
}

// The kept samples of a pooled K-chain folder: each chain folder's samples.npy, pooled.
Result<std::shared_ptr<const PosteriorSamples>> openPooledSamples(const std::string& dir,
                                                                  const KeptSamplesEntry& e) {
  std::vector<std::shared_ptr<const PosteriorSamples>> parts;
  size_t first = 0;
  for (size_t i = 0; i < e.chainCounts.size(); ++i) {
    const size_t n = static_cast<size_t>(e.chainCounts[i]);
    std::vector<int64_t> steps(e.steps.begin() + static_cast<std::ptrdiff_t>(first),
                               e.steps.begin() + static_cast<std::ptrdiff_t>(first + n));
    first += n;
    Result<std::shared_ptr<const PosteriorSamples>> part = PosteriorSamples::open(
        (fs::path(dir) / chainFolderName(static_cast<int64_t>(i)) / kSamplesFile).string(),
        MlpShape{e.layerSizes}, std::move(steps), PosteriorSamples::Ownership::Borrowed);
    if (!part) return part.error();
    parts.push_back(std::move(*part));
  }
  return PosteriorSamples::pool(std::move(parts), dir);
}

}  // namespace

std::string chainFolderName(int64_t chainIndex) { return "chain-" + std::to_string(chainIndex); }

// ---------------------------------------------------------------------------------------------

Status writeRunResult(const RunResult& r, const std::string& directory) {
  if (directory.empty()) return fileError(ErrorCode::Io, directory, "no destination folder given");
  fs::path dest(directory);
  if (dest.filename().empty()) dest = dest.parent_path();  // trailing separator
  if (dest.empty() || dest.filename() == "." || dest.filename() == "..")
    return fileError(ErrorCode::Io, directory, "not a usable folder name");

  // The data must be consistent before anything is written.
  const int64_t n = r.testCount();
  const PredictiveAccumulator& p = r.predictive;
  if (!predictiveIsEmpty(p) && p.numImages() != n)
    return fileError(ErrorCode::BadDimensions, directory,
                     "the predictive and the test labels cover different images",
                     std::to_string(n) + " images", std::to_string(p.numImages()));
  const std::vector<uint8_t>& images = r.testImages();
  if (!images.empty() && (r.imageRows() <= 0 || r.imageCols() <= 0 ||
                          static_cast<int64_t>(images.size()) != n * r.imageRows() * r.imageCols()))
    return fileError(ErrorCode::BadDimensions, directory, "test images",
                     shapeText({n, r.imageRows(), r.imageCols()}) + " bytes",
                     std::to_string(images.size()) + " bytes");

  if (!r.lastProbs.empty() && static_cast<int64_t>(r.lastProbs.size()) != n * p.numClasses())
    return fileError(ErrorCode::BadDimensions, directory, "last-sample probabilities",
                     shapeText({n, p.numClasses()}) + " values",
                     std::to_string(r.lastProbs.size()) + " values");

  std::error_code ec;
  const fs::file_status st = fs::symlink_status(dest, ec);
  const bool exists = !ec && fs::exists(st);
  if (exists) {
    if (!fs::is_directory(st))
      return fileError(ErrorCode::NotADirectory, dest.string(), "exists and is not a folder");
    if (!isReplaceable(dest))
      return fileError(ErrorCode::Io, dest.string(),
                       "exists and is neither empty nor a saved run; not replaced");
  }

  Result<fs::path> tmp = makeUniqueDir(dest, ".tmp-");
  if (!tmp) return tmp.error();
  auto discardTemp = [&] {
    std::error_code ignore;
    fs::remove_all(*tmp, ignore);
  };

  if (Status s = writeContents(r, *tmp); !s) {
    discardTemp();
    return s;
  }
  // A run that stopped before its end keeps its checkpoint, so that it can still continue.
  if (exists && r.outcome.status != RunStatus::Completed && r.outcome.status != RunStatus::Diverged &&
      hasCheckpoint(dest.string())) {
    const Result<ChainCheckpoint> ck = readCheckpoint(dest.string());
    bool same = ck.ok();
    for (const ParamSpec& s : runParamSpecs())
      same =
          same && (s.key == "checkpoint-every" || getParam(ck->config, s.key) == getParam(r.config, s.key));
    if (same) {
      fs::copy_file(dest / kCheckpointFile, *tmp / kCheckpointFile, ec);
      // The kept samples it refers to: a second name for the same file where possible.
      if (!ec && ck->keptSamples > 0) {
        fs::create_hard_link(dest / kCheckpointSamplesFile, *tmp / kCheckpointSamplesFile, ec);
        if (ec) {
          ec.clear();
          fs::copy_file(dest / kCheckpointSamplesFile, *tmp / kCheckpointSamplesFile, ec);
        }
      }
      if (ec) {
        discardTemp();
        return fileError(ErrorCode::Io, dest.string(), "cannot keep the run's checkpoint: " + ec.message());
      }
    }
  }

  std::optional<fs::path> old;
  if (exists) {
    Result<fs::path> aside = makeUniqueDir(dest, ".old-");
    if (!aside) {
      discardTemp();
      return aside.error();
    }
    old = *aside;
    fs::rename(dest, *old, ec);  // replaces the empty placeholder
    if (ec) {
      std::error_code ignore;
      fs::remove(*old, ignore);
      discardTemp();
      return fileError(ErrorCode::Io, dest.string(), "cannot move the old folder aside: " + ec.message());
    }
  }
  fs::rename(*tmp, dest, ec);
  if (ec) {
    const std::string why = ec.message();
    if (old) {
      std::error_code ignore;
      fs::rename(*old, dest, ignore);
    }
    discardTemp();
    return fileError(ErrorCode::Io, dest.string(), "cannot move the new folder into place: " + why);
  }
  if (old) {
    std::error_code ignore;
    fs::remove_all(*old, ignore);  // the new result is in place; a leftover is harmless
  }
  return okStatus();
}

Status checkRunDestination(const std::string& directory) {
  const fs::path dest(directory);
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(dest, ec);
  if (ec || !fs::exists(st)) return okStatus();
  if (!fs::is_directory(st))
    return fileError(ErrorCode::NotADirectory, directory, "exists and is not a folder");
  if (!isReplaceable(dest))
    return fileError(ErrorCode::Io, directory, "exists and is neither empty nor a saved run; not replaced");
  return okStatus();
}

Result<RunResult> readRunResult(const std::string& directory) {
  const fs::path dir(directory);
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);
  if (ec || !fs::exists(st)) return fileError(ErrorCode::NotFound, directory, {});
  if (!fs::is_directory(st)) return fileError(ErrorCode::NotADirectory, directory, {});

  RunResult r;

  // config.json
  const std::string configPath = joinPath(dir, "config.json");
  Result<json> cj = readJsonObject(configPath);
  if (!cj) return cj.error();
  const json& c = *cj;
  JsonReader jr(configPath);
  if (jr.string(c, "format") != kFormat && !jr.error())
    return fileError(ErrorCode::BadFormat, configPath, {}, std::string("format \"") + kFormat + "\"",
                     "\"" + c["format"].get<std::string>() + "\"");
  if (jr.error()) return *jr.error();
  const int64_t version = jr.integer(c, "version");
  if (jr.error()) return *jr.error();
  if (version != kVersion)
    return fileError(ErrorCode::BadFormat, configPath, {}, "version " + std::to_string(kVersion),
                     "version " + std::to_string(version));

  for (const ParamSpec& s : runParamSpecs()) {
    // A parameter added after a run was saved is absent from its config.json and keeps its default
    // (RunConfig{}; a new parameter's default must reproduce the behaviour from before it existed).
    // The parameters of the first format version are required.
    if (!c.contains(s.key) && !isVersion1Parameter(s.key)) continue;
    const json* v = jr.member(c, s.key);
    if (!v) return *jr.error();
    const std::optional<std::string> text = configText(*v, s);
    if (!text)
      return fileError(ErrorCode::BadFormat, configPath, "key '" + s.key + "'",
                       "a value of the parameter's type", v->dump().substr(0, 60));
    if (std::optional<std::string> why = setParam(r.config, s.key, *text))
      return fileError(ErrorCode::InvalidConfig, configPath, *why);
  }
  // Each value may be fine on its own and the whole still impossible (SGLD with an SGLD sampling
  // phase, beta above alpha): a run never had such a configuration.
  if (std::optional<std::string> why = validate(r.config))
    return fileError(ErrorCode::InvalidConfig, configPath, *why);

  const json* dataset = jr.object(c, "dataset");
  const json* outcome = jr.object(c, "outcome");
  const json* timings = jr.object(c, "timings");
  if (jr.error()) return *jr.error();
  r.datasetName = jr.string(*dataset, "name", "dataset.");
  r.datasetDirectory = jr.string(*dataset, "directory", "dataset.");
  // Recorded since datasets know what they are; older folders: inferred from the name (only
  // checksum-verified MNIST was named "MNIST").
  r.datasetCheck = r.datasetName == "MNIST" ? DatasetCheck::Verified : DatasetCheck::Unknown;
  if (const auto ck = dataset->find("check"); ck != dataset->end()) {
    const std::optional<DatasetCheck> check =
        ck->is_string() ? datasetCheckFromString(ck->get<std::string>()) : std::nullopt;
    if (!check)
      return fileError(ErrorCode::BadFormat, configPath, "key 'dataset.check'",
                       "verified, differs, class-file or unknown", ck->dump().substr(0, 60));
    r.datasetCheck = *check;
  }
  if (const auto cn = dataset->find("class_names"); cn != dataset->end()) {
    if (!cn->is_array())
      return fileError(ErrorCode::BadFormat, configPath, "key 'dataset.class_names'", "an array of names",
                       cn->dump().substr(0, 60));
    for (const json& name : *cn) {
      if (!name.is_string() || name.get<std::string>().size() > 60)
        return fileError(ErrorCode::BadFormat, configPath, "key 'dataset.class_names'",
                         "names of at most 60 characters", name.dump().substr(0, 60));
      r.classNames.push_back(name.get<std::string>());
    }
  }
  const int64_t declaredImages = jr.integer(*dataset, "test_images", "dataset.", 0);
  const int64_t rowsPx = jr.integer(*dataset, "image_rows", "dataset.", 0);
  const int64_t colsPx = jr.integer(*dataset, "image_cols", "dataset.", 0);
  if (!jr.error() && (rowsPx > 65536 || colsPx > 65536))
    jr.fail("key 'dataset.image_rows' / 'dataset.image_cols'", "at most 65536",
            std::to_string(rowsPx) + " x " + std::to_string(colsPx));
  auto test = std::make_shared<ImageSet>();
  test->rows = static_cast<int>(rowsPx);
  test->cols = static_cast<int>(colsPx);

  const std::string statusText = jr.string(*outcome, "status", "outcome.");
  r.outcome.message = jr.string(*outcome, "message", "outcome.");
  r.outcome.step = jr.integer(*outcome, "step", "outcome.");
  if (jr.error()) return *jr.error();
  const std::optional<RunStatus> status = runStatusFromString(statusText);
  if (!status)
    return fileError(ErrorCode::BadFormat, configPath, "key 'outcome.status'", "a run status",
                     quotedText(statusText));
  r.outcome.status = *status;

  r.timings.totalSeconds = jr.number(*timings, "total_seconds", "timings.");
  r.timings.gradientSeconds = jr.number(*timings, "gradient_seconds", "timings.");
  r.timings.updateSeconds = jr.number(*timings, "update_seconds", "timings.");
  r.timings.evalSeconds = jr.number(*timings, "eval_seconds", "timings.");
  r.timings.gradEvals = jr.integer(*timings, "grad_evals", "timings.");
  r.timings.testPasses = jr.integer(*timings, "test_passes", "timings.");
  const int64_t threads = jr.integer(*timings, "threads", "timings.", 0);
  if (!jr.error() && threads > std::numeric_limits<int>::max())
    jr.fail("key 'timings.threads'", "a thread count", std::to_string(threads));
  r.timings.threads = static_cast<int>(threads);
  r.lastPointwiseAccuracy = jr.number(c, "last_pointwise_accuracy");
  const int64_t sampleCount = jr.integer(c, "sample_count", {}, 0);
  const int64_t numClasses = jr.integer(c, "num_classes", {}, 0);
  if (jr.error()) return *jr.error();
  if (r.classNames.empty())
    r.classNames = defaultClassNames(r.datasetName, static_cast<int>(std::min<int64_t>(numClasses, 256)));
  if (static_cast<int64_t>(r.classNames.size()) != numClasses && numClasses > 0)
    return valueError(configPath, "key 'dataset.class_names'",
                      std::to_string(numClasses) + " names (num_classes)",
                      std::to_string(r.classNames.size()) + " names");
  // Values that cannot occur.
  if (numClasses > 256)
    return valueError(configPath, "key 'num_classes'", "at most 256 classes (labels are bytes)",
                      std::to_string(numClasses));
  // A pooled K-chain result (chain index -1) holds the samples of all K chains.
  const int64_t pooledChains = r.config.chainIndex < 0 ? std::max<int64_t>(1, r.config.chains) : 1;
  const int64_t maxSamples =
      pooledChains * (r.config.samplingSteps / std::max<int64_t>(1, r.config.thinning));
  if (sampleCount > maxSamples)
    return valueError(configPath, "key 'sample_count'",
                      std::string(pooledChains > 1 ? "at most chains x samples / thinning = "
                                                   : "at most samples / thinning = ") +
                          std::to_string(maxSamples),
                      std::to_string(sampleCount));
  if (auto e = checkValue(configPath, "key 'last_pointwise_accuracy'", r.lastPointwiseAccuracy, 0, 1))
    return *e;
  for (const auto& [key, v] :
       {std::pair<const char*, double>{"timings.total_seconds", r.timings.totalSeconds},
        {"timings.gradient_seconds", r.timings.gradientSeconds},
        {"timings.update_seconds", r.timings.updateSeconds},
        {"timings.eval_seconds", r.timings.evalSeconds}})
    if (auto e = checkValue(configPath, std::string("key '") + key + "'", v, 0, kInf)) return *e;
  if (r.timings.gradEvals < 0 || r.timings.testPasses < 0)
    return valueError(configPath, "key 'timings.grad_evals' / 'timings.test_passes'", "counts >= 0",
                      std::to_string(r.timings.gradEvals) + " / " + std::to_string(r.timings.testPasses));

  // summary.json (derived values; checked, not restored)
  const std::string summaryPath = joinPath(dir, "summary.json");
  Result<json> sj = readJsonObject(summaryPath);
  if (!sj) return sj.error();
  {
    JsonReader sr(summaryPath);
    const double ensemble = sr.number(*sj, "ensemble_accuracy");
    const double last = sr.number(*sj, "last_sample_accuracy");
    const double difference = sr.number(*sj, "difference");
    const double certain = sr.number(*sj, "certain_share_095");
    const double nll = sr.number(*sj, "nll");
    const int64_t samples = sr.integer(*sj, "samples");
    const std::string st2 = sr.string(*sj, "status");
    if (sr.error()) return *sr.error();
    for (const auto& [key, v, lo, hi] :
         {std::tuple<const char*, double, double, double>{"ensemble_accuracy", ensemble, 0, 1},
          {"last_sample_accuracy", last, 0, 1},
          {"difference", difference, -1, 1},
          {"certain_share_095", certain, 0, 1},
          {"nll", nll, 0, kInf}})
      if (auto e = checkValue(summaryPath, std::string("key '") + key + "'", v, lo, hi)) return *e;
    if (samples != sampleCount)
      return fileError(ErrorCode::BadFormat, summaryPath, "key 'samples' disagrees with config.json",
                       std::to_string(sampleCount), std::to_string(samples));
    if (st2 != statusText)
      return fileError(ErrorCode::BadFormat, summaryPath, "key 'status' disagrees with config.json",
                       quotedText(statusText), quotedText(st2));
  }

  // curve.csv
  const std::string curvePath = joinPath(dir, "curve.csv");
  Result<std::string> curveText = readText(curvePath);
  if (!curveText) return curveText.error();
  Result<std::vector<CurvePoint>> curve = parseCurve(curvePath, *curveText);
  if (!curve) return curve.error();
  for (size_t i = 0; i < curve->size(); ++i) {
    const CurvePoint& p = (*curve)[i];
    const std::string row = "row " + std::to_string(i + 1) + ", ";  // data rows, after the header
    if (p.step < 0 || p.gradEvals < 0 || p.samples < 0 || p.samples > sampleCount)
      return valueError(
          curvePath, row + "step / grad_evals / samples",
          "non-negative counts, samples at most " + std::to_string(sampleCount),
          std::to_string(p.step) + " / " + std::to_string(p.gradEvals) + " / " + std::to_string(p.samples));
    if (auto e = checkValue(curvePath, row + "wall_seconds", p.wallSeconds, 0, kInf, false)) return *e;
    if (auto e = checkValue(curvePath, row + "pointwise_accuracy", p.pointwiseAccuracy, 0, 1)) return *e;
    if (auto e = checkValue(curvePath, row + "ensemble_accuracy", p.ensembleAccuracy, 0, 1)) return *e;
  }
  r.curve = std::move(*curve);

  // Arrays.
  Result<NpyArray> labels = readArray(dir, "test_labels.npy", NpyType::UInt8, 1);
  if (!labels) return labels.error();
  const int64_t n = labels->shape[0];
  if (n != declaredImages)
    return shapeMismatch(dir, "test_labels.npy", shapeText({declaredImages}), labels->shape,
                         "config.json declares " + std::to_string(declaredImages) + " test images");

  Result<NpyArray> logSum = readArray(dir, "log_sum.npy", NpyType::Float64, 2);
  if (!logSum) return logSum.error();
  const int64_t rows = logSum->shape[0];
  const int64_t cols = logSum->shape[1];
  const bool emptyPredictive = rows == 0 && cols == 0 && sampleCount == 0;
  if (!emptyPredictive && (rows != n || cols != numClasses))
    return shapeMismatch(dir, "log_sum.npy", shapeText({n, numClasses}), logSum->shape,
                         "rows must match test_labels.npy, columns num_classes in config.json");

  Result<NpyArray> sumPLogP = readArray(dir, "sum_plogp.npy", NpyType::Float64, 1);
  if (!sumPLogP) return sumPLogP.error();
  if (sumPLogP->shape[0] != rows)
    return shapeMismatch(dir, "sum_plogp.npy", shapeText({rows}), sumPLogP->shape, "must match log_sum.npy");

  Result<NpyArray> votes = readArray(dir, "votes.npy", NpyType::UInt32, 2);
  if (!votes) return votes.error();
  if (votes->shape != logSum->shape)
    return shapeMismatch(dir, "votes.npy", npyShapeText(logSum->shape), votes->shape,
                         "must match log_sum.npy");

  Result<NpyArray> mean = readArray(dir, "predictive.npy", NpyType::Float32, 2);
  if (!mean) return mean.error();
  if (mean->shape != logSum->shape)
    return shapeMismatch(dir, "predictive.npy", npyShapeText(logSum->shape), mean->shape,
                         "must match log_sum.npy");

  // Values: nothing impossible (non-finite, out of range, inconsistent with the sample count).
  std::vector<uint32_t> voteValues = votes->values<uint32_t>();
  std::vector<double> logSumValues = logSum->values<double>();
  std::vector<double> sumPLogPValues = sumPLogP->values<double>();
  test->count = n;
  test->labels = std::move(labels->data);
  test->labelsPath = joinPath(dir, "test_labels.npy");
  {
    const std::vector<float> meanValues = mean->values<float>();
    PredictiveArrays arrays;
    arrays.images = rows;
    arrays.classes = static_cast<int>(cols);
    arrays.samples = sampleCount;
    arrays.logSum = logSumValues.data();
    arrays.sumPLogP = sumPLogPValues.data();
    arrays.votes = voteValues.data();
    arrays.mean = meanValues.data();
    arrays.labels = emptyPredictive ? nullptr : test->labels.data();
    PredictiveSources sources;
    sources.logSum = joinPath(dir, "log_sum.npy");
    sources.sumPLogP = joinPath(dir, "sum_plogp.npy");
    sources.votes = joinPath(dir, "votes.npy");
    sources.mean = joinPath(dir, "predictive.npy");
    sources.labels = test->labelsPath;
    if (Status st = validatePredictiveArrays(arrays, sources); !st) return st.error();
  }

  const std::string imagesPath = joinPath(dir, "test_images.npy");
  if (fs::exists(imagesPath, ec)) {
    Result<NpyArray> images = readNpy(imagesPath, NpyType::UInt8, 3);
    if (!images) return images.error();
    if (images->shape != std::vector<int64_t>{n, rowsPx, colsPx})
      return shapeMismatch(dir, "test_images.npy", shapeText({n, rowsPx, colsPx}), images->shape,
                           "must match test_labels.npy and the image size in config.json");
    test->pixels = std::move(images->data);
    test->imagesPath = imagesPath;
  }
  r.test = std::move(test);

  // diagnostics.csv: absent in evaluations and folders saved before it was kept.
  const std::string diagPath = joinPath(dir, kDiagnosticsFile);
  if (fs::exists(diagPath, ec)) {
    Result<std::string> text = readText(diagPath);
    if (!text) return text.error();
    Result<SampleDiagnostics> d = parseDiagnosticsCsv(diagPath, *text);
    if (!d) return d.error();
    r.diagnostics = std::move(*d);
  }

  // last_probs.npy: absent in folders saved before it was kept.
  const std::string lastPath = joinPath(dir, kLastProbsFile);
  if (fs::exists(lastPath, ec)) {
    Result<NpyArray> lp = readNpy(lastPath, NpyType::Float32, 2);
    if (!lp) return lp.error();
    if (lp->shape != std::vector<int64_t>{n, numClasses})
      return shapeMismatch(dir, kLastProbsFile, shapeText({n, numClasses}), lp->shape,
                           "one row per test image and one column per class");
    std::vector<float> v = lp->values<float>();
    for (int64_t i = 0; i < n; ++i) {
      double sum = 0;
      for (int64_t k = 0; k < numClasses; ++k) {
        const float x = v[static_cast<size_t>(i * numClasses + k)];
        const std::string cell = "image " + std::to_string(i) + ", class " + std::to_string(k);
        if (auto e = checkValue(lastPath, cell, x, 0, 1, false)) return *e;
        sum += x;
      }
      if (numClasses > 0 && std::fabs(sum - 1.0) > kPredictiveTolerance)
        return valueError(lastPath, "image " + std::to_string(i), "probabilities summing to 1",
                          "a sum of " + formatNumber(sum));
    }
    r.lastProbs = std::move(v);
  }

  // What this result evaluated (bnn-cli eval), when it is an evaluation.
  if (const auto ev = c.find("evaluation"); ev != c.end()) {
    if (!ev->is_object())
      return fileError(ErrorCode::BadFormat, configPath, "key 'evaluation'", "an object",
                       ev->dump().substr(0, 60));
    r.evaluation.sourceName = jr.string(*ev, "source_name", "evaluation.");
    r.evaluation.sourceDirectory = jr.string(*ev, "source_directory", "evaluation.");
    r.evaluation.split = jr.string(*ev, "split", "evaluation.");
    r.evaluation.transform = jr.string(*ev, "transform", "evaluation.");
    if (jr.error()) return *jr.error();
  }

  // The kept posterior samples. A folder whose config.json describes them impossibly is refused;
  // one whose samples.npy is missing or damaged opens without samples and says why.
  if (const auto ks = c.find("kept_samples"); ks != c.end()) {
    Result<KeptSamplesEntry> entry = parseKeptSamples(configPath, *ks, r.config, rowsPx * colsPx, numClasses);
    if (!entry) return entry.error();
    Result<std::shared_ptr<const PosteriorSamples>> samples =
        entry->chainCounts.empty()
            ? PosteriorSamples::open(joinPath(dir, kSamplesFile), MlpShape{entry->layerSizes},
                                     std::move(entry->steps), PosteriorSamples::Ownership::Borrowed)
            : openPooledSamples(dir, *entry);
    if (samples)
      r.samples = std::move(*samples);
    else
      r.samplesError = samples.error().message();
  }

  if (!emptyPredictive) {
    try {
      r.predictive.restore(rows, static_cast<int>(cols), sampleCount, std::move(logSumValues),
                           std::move(sumPLogPValues), std::move(voteValues));
    } catch (const std::exception& e) {
      return fileError(ErrorCode::BadFormat, joinPath(dir, "log_sum.npy"),
                       std::string("cannot restore the predictive: ") + e.what());
    }
  }
  return r;
}

}  // namespace bnn
