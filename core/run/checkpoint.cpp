#include "run/checkpoint.h"

#include <fcntl.h>
#include <stdlib.h>  // mkstemp
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string_view>
#include <system_error>
#include <type_traits>

#include "nn/mlp.h"
#include "run/predictive_validation.h"

namespace bnn {

// File layout (all integers little-endian):
//   "BNNCKPT\n"  u32 version (1)  u32 entry count
//   entries:     u16 key length, key (ASCII), u8 type, u64 element count, elements
//   trailer:     u32 CRC-32 (zlib) of every byte before it
// Types: 1 int64, 2 uint64, 3 float64, 4 float32, 5 uint32, 6 uint8, 7 text (UTF-8 bytes).
// Scalars are arrays of one element. Keys are listed in serializeCheckpoint.

namespace {

namespace fs = std::filesystem;

constexpr char kMagic[8] = {'B', 'N', 'N', 'C', 'K', 'P', 'T', '\n'};
constexpr uint32_t kVersion = 1;
constexpr uint64_t kMaxEntries = 4096;

enum class Type : uint8_t { I64 = 1, U64 = 2, F64 = 3, F32 = 4, U32 = 5, U8 = 6, Text = 7 };

int itemSize(Type t) {
  switch (t) {
    case Type::I64:
    case Type::U64:
    case Type::F64:
      return 8;
    case Type::F32:
    case Type::U32:
      return 4;
    case Type::U8:
    case Type::Text:
      return 1;
  }
  return 0;
}

const char* typeName(Type t) {
  switch (t) {
    case Type::I64:
      return "int64";
    case Type::U64:
      return "uint64";
    case Type::F64:
      return "float64";
    case Type::F32:
      return "float32";
    case Type::U32:
      return "uint32";
    case Type::U8:
      return "uint8";
    case Type::Text:
      return "text";
  }
  return "unknown";
}

template <class T>
constexpr Type typeOf() {
  if constexpr (std::is_same_v<T, int64_t>) return Type::I64;
  if constexpr (std::is_same_v<T, uint64_t>) return Type::U64;
  if constexpr (std::is_same_v<T, double>) return Type::F64;
  if constexpr (std::is_same_v<T, float>) return Type::F32;
  if constexpr (std::is_same_v<T, uint32_t>) return Type::U32;
  if constexpr (std::is_same_v<T, uint8_t>) return Type::U8;
}

// ---------------------------------------------------------------------------------------------
// Writing

class Writer {
 public:
  Writer() {
    m_out.insert(m_out.end(), kMagic, kMagic + 8);
    put32(kVersion);
    put32(0);
  }

  template <class T>
  void array(const std::string& key, const T* v, size_t n) {
    head(key, typeOf<T>(), n);
    putBytes(v, n * sizeof(T));
  }
  template <class T>
  void array(const std::string& key, const std::vector<T>& v) {
    array(key, v.data(), v.size());
  }
  template <class T>
  void scalar(const std::string& key, T v) {
    array(key, &v, 1);
  }
  void text(const std::string& key, const std::string& s) {
    head(key, Type::Text, s.size());
    putBytes(s.data(), s.size());
  }

  std::vector<uint8_t> finish() {
    for (int i = 0; i < 4; ++i) m_out[12 + i] = uint8_t(m_entries >> (8 * i));
    const uLong crc = crc32(crc32(0L, Z_NULL, 0), m_out.data(), uInt(m_out.size()));
    put32(uint32_t(crc));
    return std::move(m_out);
  }

 private:
  void put32(uint32_t v) {
    for (int i = 0; i < 4; ++i) m_out.push_back(uint8_t(v >> (8 * i)));
  }
  void put64(uint64_t v) {
    for (int i = 0; i < 8; ++i) m_out.push_back(uint8_t(v >> (8 * i)));
  }
  void head(const std::string& key, Type t, uint64_t n) {
    m_out.push_back(uint8_t(key.size()));
    m_out.push_back(uint8_t(key.size() >> 8));
    m_out.insert(m_out.end(), key.begin(), key.end());
    m_out.push_back(uint8_t(t));
    put64(n);
    ++m_entries;
  }
  void putBytes(const void* p, size_t n) {
    static_assert(std::endian::native == std::endian::little, "checkpoints are written little-endian");
    const auto* b = static_cast<const uint8_t*>(p);
    m_out.insert(m_out.end(), b, b + n);
  }

  std::vector<uint8_t> m_out;
  uint32_t m_entries = 0;
};

void writeSampler(Writer& w, const std::string& prefix, const SamplerState& s) {
  w.text(prefix + "name", s.sampler);
  for (const auto& [k, v] : s.counters) w.scalar(prefix + "counter." + k, v);
  for (const auto& [k, v] : s.scalars) w.scalar(prefix + "scalar." + k, v);
  for (const auto& [k, v] : s.arrays) w.array(prefix + "array." + k, v);
}

// ---------------------------------------------------------------------------------------------
// Reading

struct Entry {
  Type type;
  uint64_t count;
  const uint8_t* data;
  int64_t offset;  // of the entry's key length in the file
};

// Typed access to the entries with errors naming the file and the key.
class Reader {
 public:
  Reader(std::map<std::string, Entry> entries, std::string path)
      : m_entries(std::move(entries)), m_path(std::move(path)) {}
  const std::optional<Error>& error() const { return m_error; }
  const std::map<std::string, Entry>& entries() const { return m_entries; }

  template <class T>
  std::vector<T> array(const std::string& key, std::optional<uint64_t> count = std::nullopt) {
    const Entry* e = find(key, typeOf<T>());
    if (!e) return {};
    if (count && e->count != *count) {
      fail(key, std::to_string(*count) + " values", std::to_string(e->count) + " values", e->offset);
      return {};
    }
    std::vector<T> v(size_t(e->count));
    if (!v.empty()) std::memcpy(v.data(), e->data, v.size() * sizeof(T));
    return v;
  }
  template <class T>
  T scalar(const std::string& key) {
    std::vector<T> v = array<T>(key, 1);
    return v.empty() ? T{} : v[0];
  }
  std::string text(const std::string& key) {
    const Entry* e = find(key, Type::Text);
    return e ? std::string(reinterpret_cast<const char*>(e->data), size_t(e->count)) : std::string();
  }
  // An integer scalar within [lo, hi].
  int64_t integer(const std::string& key, int64_t lo, int64_t hi) {
    const int64_t v = scalar<int64_t>(key);
    if (!m_error && (v < lo || v > hi))
      fail(key, "a value in " + std::to_string(lo) + ".." + std::to_string(hi), std::to_string(v), -1,
           ErrorCode::BadValue);
    return m_error ? 0 : v;
  }
  // A float64 scalar that is finite and >= 0 (or NaN when `nanAllowed`).
  double nonNegative(const std::string& key, bool nanAllowed = false) {
    const double v = scalar<double>(key);
    if (!m_error && !(std::isnan(v) ? nanAllowed : (std::isfinite(v) && v >= 0)))
      fail(key, nanAllowed ? "a number >= 0 or nan" : "a finite number >= 0", formatNumber(v), -1,
           ErrorCode::BadValue);
    return v;
  }
  bool has(const std::string& key) const { return m_entries.count(key) != 0; }

  void fail(const std::string& key, std::string expected, std::string found, int64_t offset = -1,
            ErrorCode code = ErrorCode::BadFormat) {
    if (!m_error)
      m_error = makeError(code, m_path, offset, std::move(expected), std::move(found), "entry '" + key + "'");
  }
  static std::string formatNumber(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
  }

 private:
  const Entry* find(const std::string& key, Type t) {
    if (m_error) return nullptr;
    const auto it = m_entries.find(key);
    if (it == m_entries.end()) {
      fail(key, std::string("an entry of ") + typeName(t), "none");
      return nullptr;
    }
    if (it->second.type != t) {
      fail(key, typeName(t), typeName(it->second.type), it->second.offset);
      return nullptr;
    }
    return &it->second;
  }

  std::map<std::string, Entry> m_entries;
  std::string m_path;
  std::optional<Error> m_error;
};

Result<std::map<std::string, Entry>> parseEntries(const uint8_t* b, size_t size, const std::string& path) {
  auto error = [&](ErrorCode code, int64_t offset, std::string expected, std::string found,
                   std::string detail) {
    return makeError(code, path, offset, std::move(expected), std::move(found), std::move(detail));
  };
  if (size == 0) return makeError(ErrorCode::Empty, path);
  if (size < 8 || std::memcmp(b, kMagic, 8) != 0)
    return error(ErrorCode::BadMagic, 0, "a checkpoint (\"BNNCKPT\")",
                 quotedText(std::string(reinterpret_cast<const char*>(b), std::min<size_t>(size, 7))),
                 "not a checkpoint file");
  if (size < 20)
    return error(ErrorCode::TruncatedHeader, int64_t(size), "at least 20 bytes",
                 std::to_string(size) + " bytes", {});
  auto le = [&](size_t at, int bytes) {
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | b[at + size_t(i)];
    return v;
  };
  const uint64_t version = le(8, 4);
  if (version != kVersion)
    return error(ErrorCode::BadFormat, 8, "version " + std::to_string(kVersion),
                 "version " + std::to_string(version), {});
  const size_t body = size - 4;
  const uint32_t stored = uint32_t(le(body, 4));
  const uint32_t actual = uint32_t(crc32(crc32(0L, Z_NULL, 0), b, uInt(body)));
  if (stored != actual) {
    char e[16], f[16];
    std::snprintf(e, sizeof e, "%08x", stored);
    std::snprintf(f, sizeof f, "%08x", actual);
    return error(ErrorCode::ChecksumMismatch, int64_t(body), std::string("CRC-32 ") + e,
                 std::string("CRC-32 ") + f + " of the content", "truncated or damaged");
  }
  const uint64_t count = le(12, 4);
  if (count > kMaxEntries)
    return error(ErrorCode::BadFormat, 12, "at most " + std::to_string(kMaxEntries) + " entries",
                 std::to_string(count), {});
  std::map<std::string, Entry> entries;
  size_t at = 16;
  for (uint64_t i = 0; i < count; ++i) {
    const int64_t start = int64_t(at);
    if (body - at < 2)
      return error(ErrorCode::TruncatedHeader, start, "an entry header", "end of data",
                   "entry " + std::to_string(i));
    const size_t keyLen = size_t(le(at, 2));
    at += 2;
    if (body - at < keyLen + 9)
      return error(ErrorCode::TruncatedHeader, start, "an entry header", "end of data",
                   "entry " + std::to_string(i));
    std::string key(reinterpret_cast<const char*>(b + at), keyLen);
    at += keyLen;
    const uint8_t t = b[at];
    at += 1;
    const uint64_t n = le(at, 8);
    at += 8;
    if (t < 1 || t > 7)
      return error(ErrorCode::BadFormat, start, "a type 1..7", std::to_string(t),
                   "entry " + quotedText(key.substr(0, 60)));
    const Type type = Type(t);
    const uint64_t avail = body - at;
    if (n > avail / uint64_t(itemSize(type)))
      return error(ErrorCode::PayloadTooShort, start, std::to_string(n) + " " + typeName(type) + " values",
                   std::to_string(avail) + " bytes left", "entry " + quotedText(key.substr(0, 60)));
    if (entries.count(key))
      return error(ErrorCode::BadFormat, start, "each key once", "a second " + quotedText(key.substr(0, 60)),
                   {});
    entries.emplace(std::move(key), Entry{type, n, b + at, start});
    at += size_t(n) * size_t(itemSize(type));
  }
  if (at != body)
    return error(ErrorCode::PayloadTooLong, int64_t(at), "the checksum after the last entry",
                 std::to_string(body - at) + " more bytes", {});
  return entries;
}

SamplerState readSampler(Reader& r, const std::string& prefix) {
  SamplerState s;
  s.sampler = r.text(prefix + "name");
  for (const auto& [key, e] : r.entries()) {
    if (key.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string rest = key.substr(prefix.size());
    if (rest == "name") continue;
    auto after = [&](const char* kind) {
      const std::string k = std::string(kind) + ".";
      return rest.compare(0, k.size(), k) == 0 ? std::optional<std::string>(rest.substr(k.size()))
                                               : std::nullopt;
    };
    if (auto c = after("counter")) {
      s.counters.emplace_back(*c, r.scalar<uint64_t>(key));
    } else if (auto v = after("scalar")) {
      const double x = r.scalar<double>(key);
      if (!std::isfinite(x)) r.fail(key, "a finite number", Reader::formatNumber(x), -1, ErrorCode::BadValue);
      s.scalars.emplace_back(*v, x);
    } else if (auto a = after("array")) {
      std::vector<float> values = r.array<float>(key);
      for (size_t j = 0; j < values.size(); ++j)
        if (!std::isfinite(values[j])) {
          r.fail(key, "finite values", Reader::formatNumber(values[j]) + " at index " + std::to_string(j), -1,
                 ErrorCode::BadValue);
          break;
        }
      s.arrays.emplace_back(*a, std::move(values));
    } else {
      r.fail(key, "a counter, scalar or array of the sampler", quotedText(rest.substr(0, 60)));
    }
  }
  return s;
}

// 64-bit hash of a byte range, eight bytes at a time (not cryptographic: tells data apart).
uint64_t hashBytes(uint64_t h, const uint8_t* p, size_t n) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = (std::rotl(h ^ w, 29) * kMul) ^ (h >> 31);
  }
  uint64_t tail = n;
  for (; i < n; ++i) tail = (tail << 8) | p[i];
  h = (std::rotl(h ^ tail, 29) * kMul) ^ (h >> 31);
  return h ^ (h >> 33);
}

}  // namespace

DataIdentity dataIdentity(const Dataset& d) {
  DataIdentity id;
  id.name = d.name;
  std::error_code ec;
  const fs::path absolute = fs::absolute(d.directory, ec);  // so that a resume finds it from anywhere
  id.directory = ec || d.directory.empty() ? d.directory : absolute.lexically_normal().string();
  id.trainCount = d.train.count;
  id.testCount = d.test.count;
  id.pixels = d.train.pixelsPerImage();
  id.numClasses = d.numClasses;
  uint64_t h = 0x6A09E667F3BCC908ull;
  for (const ImageSet* s : {&d.train, &d.test}) {
    h = hashBytes(h, s->pixels.data(), s->pixels.size());
    h = hashBytes(h, s->labels.data(), s->labels.size());
  }
  id.fingerprint = h;
  return id;
}

std::vector<uint8_t> serializeCheckpoint(const ChainCheckpoint& c) {
  Writer w;
  for (const ParamSpec& s : runParamSpecs()) w.text("config." + s.key, getParam(c.config, s.key));
  w.text("data.name", c.data.name);
  w.text("data.directory", c.data.directory);
  w.scalar<int64_t>("data.train_count", c.data.trainCount);
  w.scalar<int64_t>("data.test_count", c.data.testCount);
  w.scalar<int64_t>("data.pixels", c.data.pixels);
  w.scalar<int64_t>("data.classes", c.data.numClasses);
  w.scalar<uint64_t>("data.fingerprint", c.data.fingerprint);

  w.scalar<int64_t>("phase", c.phase == Phase::Warmup ? 0 : 1);
  w.scalar<int64_t>("step", c.step);
  w.scalar<int64_t>("global_step", c.globalStep);
  w.array("theta", c.theta);
  writeSampler(w, "sampler.warmup.", c.warmupSampler);
  if (!c.samplingSampler.sampler.empty()) writeSampler(w, "sampler.sampling.", c.samplingSampler);
  w.scalar<uint64_t>("batches.draw", c.batches.draw);
  w.scalar<uint64_t>("batches.epoch", c.batches.epoch);
  w.scalar<int64_t>("batches.epoch_pos", c.batches.epochPos);

  const PredictiveAccumulator::State& p = c.predictive;
  w.scalar<int64_t>("predictive.images", p.numImages);
  w.scalar<int64_t>("predictive.classes", p.numClasses);
  w.scalar<int64_t>("predictive.count", p.count);
  w.array("predictive.prob_sum", p.probSum);
  w.array("predictive.max_log", p.maxLog);
  w.array("predictive.sum_plogp", p.sumPLogP);
  w.array("predictive.votes", p.votes);

  std::vector<uint8_t> phase;
  std::vector<int64_t> step, gradEvals, samples;
  std::vector<double> wall, pointwise, ensemble;
  for (const CurvePoint& q : c.curve) {
    phase.push_back(q.phase == Phase::Warmup ? 0 : 1);
    step.push_back(q.step);
    gradEvals.push_back(q.gradEvals);
    wall.push_back(q.wallSeconds);
    pointwise.push_back(q.pointwiseAccuracy);
    ensemble.push_back(q.ensembleAccuracy);
    samples.push_back(q.samples);
  }
  w.array("curve.phase", phase);
  w.array("curve.step", step);
  w.array("curve.grad_evals", gradEvals);
  w.array("curve.wall_seconds", wall);
  w.array("curve.pointwise_accuracy", pointwise);
  w.array("curve.ensemble_accuracy", ensemble);
  w.array("curve.samples", samples);

  w.scalar<double>("last_pointwise_accuracy", c.lastPointwiseAccuracy);
  w.scalar<double>("timings.total_seconds", c.timings.totalSeconds);
  w.scalar<double>("timings.gradient_seconds", c.batches.gradSeconds);
  w.scalar<double>("timings.update_seconds", c.timings.updateSeconds);
  w.scalar<double>("timings.eval_seconds", c.timings.evalSeconds);
  w.scalar<int64_t>("timings.grad_evals", c.batches.gradEvals);
  w.scalar<int64_t>("timings.test_passes", c.timings.testPasses);
  w.scalar<double>("warmup_done_seconds", c.warmupDoneSeconds);
  w.scalar<double>("last_error_percent", c.lastErrorPercent);
  w.scalar<uint8_t>("last_evaluated", c.lastEvaluated ? 1 : 0);
  w.scalar<int64_t>("samples.kept", c.keptSamples);
  w.array("last_log_probs", c.lastLogProbs);

  const ChainHealth::State& h = c.health;
  w.array<uint8_t>("health.flags", {uint8_t(h.haveU0), uint8_t(h.exploded), uint8_t(h.aboveSeen)});
  w.array<double>("health.values", {h.u0, h.explodedU, h.lastSamplingAccuracy});
  w.array<int64_t>("health.counts", {h.explodedPhase == Phase::Warmup ? 0 : 1, h.explodedStep,
                                     h.lastAbovePhase == Phase::Warmup ? 0 : 1, h.lastAboveStep,
                                     h.samplingEvals, h.samplingAbove});

  const SampleDiagnostics& d = c.diagnostics.rows;
  std::string names;
  for (const std::string& n : d.names) names += (names.empty() ? "" : "\n") + n;
  w.text("diagnostics.names", names);
  w.array("diagnostics.chain", d.chain);
  w.array("diagnostics.step", d.step);
  w.array("diagnostics.values", d.values);
  w.scalar<uint64_t>("diagnostics.batch_draws", c.diagnostics.batchDraws);
  return w.finish();
}

Result<ChainCheckpoint> parseCheckpoint(const uint8_t* data, size_t size, const std::string& path) {
  Result<std::map<std::string, Entry>> entries = parseEntries(data, size, path);
  if (!entries) return entries.error();
  Reader r(std::move(*entries), path);
  ChainCheckpoint c;
  constexpr int64_t kMaxCount = int64_t(1) << 40;

  // Configuration, as typed: every value through setParam, then the whole through validate.
  for (const ParamSpec& s : runParamSpecs()) {
    const std::string key = "config." + s.key;
    if (!r.has(key) && s.key == "checkpoint-every") continue;  // not a result parameter
    const std::string value = r.text(key);
    if (r.error()) return *r.error();
    if (std::optional<std::string> why = setParam(c.config, s.key, value))
      return makeError(ErrorCode::InvalidConfig, path, -1, {}, {}, "entry '" + key + "': " + *why);
  }
  if (std::optional<std::string> why = validate(c.config))
    return makeError(ErrorCode::InvalidConfig, path, -1, {}, {}, *why);

  c.data.name = r.text("data.name");
  c.data.directory = r.text("data.directory");
  c.data.trainCount = r.integer("data.train_count", 1, std::numeric_limits<uint32_t>::max());
  c.data.testCount = r.integer("data.test_count", 1, std::numeric_limits<uint32_t>::max());
  c.data.pixels = int(r.integer("data.pixels", 1, 1 << 20));
  c.data.numClasses = int(r.integer("data.classes", 1, 256));
  c.data.fingerprint = r.scalar<uint64_t>("data.fingerprint");
  if (r.error()) return *r.error();

  c.phase = r.integer("phase", 0, 1) == 0 ? Phase::Warmup : Phase::Sampling;
  const int64_t phaseSteps = c.phase == Phase::Warmup ? c.config.warmupSteps : c.config.samplingSteps;
  c.step = r.integer("step", 0, std::max<int64_t>(0, phaseSteps - 1));
  if (!r.error() && phaseSteps == 0)
    r.fail("step", "a phase with steps", "0 steps in the phase", -1, ErrorCode::BadValue);
  c.globalStep = r.integer("global_step", 0, kMaxCount);
  if (r.error()) return *r.error();

  MlpShape shape;
  shape.sizes.push_back(c.data.pixels);
  for (int h : c.config.hidden) shape.sizes.push_back(h);
  shape.sizes.push_back(c.data.numClasses);
  const int64_t dim = shape.numParams();
  c.theta = r.array<float>("theta", uint64_t(dim));
  if (r.error()) return *r.error();
  for (size_t j = 0; j < c.theta.size(); ++j)
    if (!std::isfinite(c.theta[j]))
      return makeError(ErrorCode::BadValue, path, -1, "finite parameters", Reader::formatNumber(c.theta[j]),
                       "entry 'theta', index " + std::to_string(j));

  c.warmupSampler = readSampler(r, "sampler.warmup.");
  const bool separateSampling = c.config.samplingPhaseUsesSgld;
  if (separateSampling) c.samplingSampler = readSampler(r, "sampler.sampling.");
  if (!separateSampling && r.has("sampler.sampling.name"))
    r.fail("sampler.sampling.name", "no sampling-phase sampler (one sampler runs both phases)", "one");
  for (const SamplerState* s : {&c.warmupSampler, &c.samplingSampler})
    for (const auto& [key, v] : s->arrays)
      if (int64_t(v.size()) != dim)
        r.fail("sampler state array " + key, std::to_string(dim) + " values",
               std::to_string(v.size()) + " values");
  c.batches.draw = r.scalar<uint64_t>("batches.draw");
  c.batches.epoch = r.scalar<uint64_t>("batches.epoch");
  c.batches.epochPos = r.integer("batches.epoch_pos", 0, c.data.trainCount);
  if (r.error()) return *r.error();

  // Predictive: the exact sums, checked as a saved run's arrays are.
  PredictiveAccumulator::State& p = c.predictive;
  p.numImages = r.integer("predictive.images", c.data.testCount, c.data.testCount);
  p.numClasses = int(r.integer("predictive.classes", c.data.numClasses, c.data.numClasses));
  p.count = r.integer("predictive.count", 0, c.config.samplingSteps / c.config.thinning);
  const uint64_t cells = uint64_t(p.numImages) * uint64_t(p.numClasses);
  p.probSum = r.array<double>("predictive.prob_sum", cells);
  p.maxLog = r.array<float>("predictive.max_log", cells);
  p.sumPLogP = r.array<double>("predictive.sum_plogp", uint64_t(p.numImages));
  p.votes = r.array<uint32_t>("predictive.votes", cells);
  if (r.error()) return *r.error();
  for (size_t j = 0; j < cells; ++j) {
    if (!(std::isfinite(p.probSum[j]) && p.probSum[j] >= 0) || std::isnan(p.maxLog[j]) || p.maxLog[j] > 0)
      return makeError(ErrorCode::BadValue, path, -1, "a probability sum >= 0 and a log-probability <= 0",
                       Reader::formatNumber(p.probSum[j]) + " and " + Reader::formatNumber(p.maxLog[j]),
                       "entries 'predictive.prob_sum' / 'predictive.max_log', image " +
                           std::to_string(j / size_t(p.numClasses)) + ", class " +
                           std::to_string(j % size_t(p.numClasses)));
  }
  {
    PredictiveAccumulator acc;
    if (!acc.setState(p))
      return makeError(ErrorCode::BadFormat, path, -1, {}, {}, "inconsistent predictive sizes");
    PredictiveArrays a;
    a.images = p.numImages;
    a.classes = p.numClasses;
    a.samples = p.count;
    a.logSum = acc.logSum().data();
    a.sumPLogP = p.sumPLogP.data();
    a.votes = p.votes.data();
    PredictiveSources src;
    src.logSum = src.sumPLogP = src.votes = path;
    if (Status st = validatePredictiveArrays(a, src); !st) return st.error();
  }

  // Curve.
  const std::vector<uint8_t> phase = r.array<uint8_t>("curve.phase");
  const uint64_t points = phase.size();
  const std::vector<int64_t> step = r.array<int64_t>("curve.step", points);
  const std::vector<int64_t> gradEvals = r.array<int64_t>("curve.grad_evals", points);
  const std::vector<double> wall = r.array<double>("curve.wall_seconds", points);
  const std::vector<double> pointwise = r.array<double>("curve.pointwise_accuracy", points);
  const std::vector<double> ensemble = r.array<double>("curve.ensemble_accuracy", points);
  const std::vector<int64_t> samples = r.array<int64_t>("curve.samples", points);
  if (r.error()) return *r.error();
  auto fraction = [](double v) { return std::isnan(v) || (v >= 0 && v <= 1); };
  for (size_t i = 0; i < points; ++i) {
    if (phase[i] > 1 || step[i] < 0 || gradEvals[i] < 0 || samples[i] < 0 || samples[i] > p.count ||
        !std::isfinite(wall[i]) || wall[i] < 0 || !fraction(pointwise[i]) || !fraction(ensemble[i]))
      return makeError(ErrorCode::BadValue, path, -1, "a possible curve point",
                       "phase " + std::to_string(phase[i]) + ", step " + std::to_string(step[i]) +
                           ", samples " + std::to_string(samples[i]) + ", seconds " +
                           Reader::formatNumber(wall[i]) + ", accuracies " +
                           Reader::formatNumber(pointwise[i]) + " / " + Reader::formatNumber(ensemble[i]),
                       "curve point " + std::to_string(i));
    c.curve.push_back({phase[i] == 0 ? Phase::Warmup : Phase::Sampling, step[i], gradEvals[i], wall[i],
                       pointwise[i], ensemble[i], samples[i]});
  }

  c.lastPointwiseAccuracy = r.scalar<double>("last_pointwise_accuracy");
  if (!r.error() && !fraction(c.lastPointwiseAccuracy))
    r.fail("last_pointwise_accuracy", "an accuracy in [0, 1] or nan",
           Reader::formatNumber(c.lastPointwiseAccuracy), -1, ErrorCode::BadValue);
  c.timings.totalSeconds = r.nonNegative("timings.total_seconds");
  c.batches.gradSeconds = r.nonNegative("timings.gradient_seconds");
  c.timings.gradientSeconds = c.batches.gradSeconds;
  c.timings.updateSeconds = r.nonNegative("timings.update_seconds");
  c.timings.evalSeconds = r.nonNegative("timings.eval_seconds");
  c.batches.gradEvals = r.integer("timings.grad_evals", 0, kMaxCount);
  c.timings.gradEvals = c.batches.gradEvals;
  c.timings.testPasses = r.integer("timings.test_passes", 0, kMaxCount);
  c.warmupDoneSeconds = r.nonNegative("warmup_done_seconds");
  c.lastErrorPercent = r.scalar<double>("last_error_percent");
  c.lastEvaluated = r.scalar<uint8_t>("last_evaluated") != 0;
  if (r.error()) return *r.error();

  // Kept samples so far (at most one per thinned sampling step) and the last state's
  // log-probabilities (absent before the first evaluation); absent entries: none.
  if (r.has("samples.kept"))
    c.keptSamples = r.integer("samples.kept", 0, std::min(c.config.keepSamples, p.count));
  if (r.has("last_log_probs")) {
    c.lastLogProbs = r.array<float>("last_log_probs");
    if (!r.error() && !c.lastLogProbs.empty() && c.lastLogProbs.size() != cells)
      r.fail("last_log_probs", std::to_string(cells) + " values (test images x classes)",
             std::to_string(c.lastLogProbs.size()) + " values");
  }
  if (r.error()) return *r.error();
  for (size_t j = 0; j < c.lastLogProbs.size(); ++j)
    if (std::isnan(c.lastLogProbs[j]) || c.lastLogProbs[j] > 0)
      return makeError(ErrorCode::BadValue, path, -1, "a log-probability <= 0",
                       Reader::formatNumber(c.lastLogProbs[j]),
                       "entry 'last_log_probs', image " + std::to_string(j / size_t(p.numClasses)) +
                           ", class " + std::to_string(j % size_t(p.numClasses)));

  // Chain health: flags 0 or 1, phases 0 or 1, steps and counts >= 0.
  const std::vector<uint8_t> flags = r.array<uint8_t>("health.flags", 3);
  const std::vector<double> hv = r.array<double>("health.values", 3);
  const std::vector<int64_t> hc = r.array<int64_t>("health.counts", 6);
  if (r.error()) return *r.error();
  for (size_t i = 0; i < flags.size(); ++i)
    if (flags[i] > 1)
      return makeError(ErrorCode::BadValue, path, -1, "0 or 1", std::to_string(flags[i]),
                       "entry 'health.flags', index " + std::to_string(i));
  for (size_t i = 0; i < hc.size(); ++i)
    if (hc[i] < 0 || ((i == 0 || i == 2) && hc[i] > 1) || hc[i] > kMaxCount)
      return makeError(ErrorCode::BadValue, path, -1, i == 0 || i == 2 ? "a phase 0 or 1" : "a count >= 0",
                       std::to_string(hc[i]), "entry 'health.counts', index " + std::to_string(i));
  if (hc[5] > hc[4] || !(std::isnan(hv[2]) || (hv[2] >= 0 && hv[2] <= 1)))
    return makeError(ErrorCode::BadValue, path, -1, "sampling evaluations above chance <= evaluations",
                     std::to_string(hc[5]) + " of " + std::to_string(hc[4]), "entries 'health.counts'");
  c.health = {flags[0] != 0,
              flags[1] != 0,
              flags[2] != 0,
              hv[0],
              hv[1],
              hv[2],
              hc[0] == 0 ? Phase::Warmup : Phase::Sampling,
              hc[2] == 0 ? Phase::Warmup : Phase::Sampling,
              hc[1],
              hc[3],
              hc[4],
              hc[5]};

  // Diagnostic rows: one per recorded sampling step so far, in step order, of this chain.
  SampleDiagnostics& d = c.diagnostics.rows;
  {
    const std::string names = r.text("diagnostics.names");
    size_t at = 0;
    while (!names.empty() && at <= names.size()) {
      const size_t end = std::min(names.find('\n', at), names.size());
      d.names.push_back(names.substr(at, end - at));
      at = end + 1;
    }
  }
  d.chain = r.array<int64_t>("diagnostics.chain");
  d.step = r.array<int64_t>("diagnostics.step", d.chain.size());
  d.values = r.array<double>("diagnostics.values", uint64_t(d.chain.size()) * d.names.size());
  c.diagnostics.batchDraws = r.scalar<uint64_t>("diagnostics.batch_draws");
  if (r.error()) return *r.error();
  if (!d.chain.empty() && d.names.empty())
    return makeError(ErrorCode::BadValue, path, -1, "column names for the rows", "none",
                     "entry 'diagnostics.names'");
  for (size_t i = 0; i < d.step.size(); ++i)
    if (d.chain[i] != std::max<int64_t>(0, c.config.chainIndex) || d.step[i] < 0 ||
        (c.phase == Phase::Warmup ? true : d.step[i] >= c.step) || (i > 0 && d.step[i] <= d.step[i - 1]) ||
        d.chain.size() > c.diagnostics.batchDraws)
      return makeError(ErrorCode::BadValue, path, -1,
                       "rows of this chain at increasing sampling steps taken, one minibatch each",
                       "chain " + std::to_string(d.chain[i]) + ", step " + std::to_string(d.step[i]),
                       "entry 'diagnostics.step', row " + std::to_string(i));
  return c;
}

Status writeCheckpoint(const ChainCheckpoint& c, const std::string& directory) {
  const std::vector<uint8_t> bytes = serializeCheckpoint(c);
  const fs::path dir(directory);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return makeError(ErrorCode::Io, directory, -1, {}, {}, "cannot create the folder: " + ec.message());
  const fs::path dest = dir / kCheckpointFile;
  std::string tmpl = (dir / (std::string(".") + kCheckpointFile + ".XXXXXX")).string();
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0)
    return makeError(ErrorCode::Io, dest.string(), -1, {}, {},
                     std::string("cannot create a temporary file: ") + std::strerror(errno));
  ::fchmod(fd, 0644);  // as the run's other files, not mkstemp's 0600
  size_t done = 0;
  bool ok = true;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    done += size_t(n);
  }
  const int writeErrno = errno;
  ok = ok && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok) {
    ::unlink(tmpl.c_str());
    return makeError(ErrorCode::Io, dest.string(), -1, {}, {},
                     std::string("write failed: ") + std::strerror(writeErrno));
  }
  if (::rename(tmpl.c_str(), dest.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmpl.c_str());
    return makeError(ErrorCode::Io, dest.string(), -1, {}, {},
                     std::string("cannot rename into place: ") + std::strerror(err));
  }
  // The rename itself reaches the disk with the folder's entry.
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  // Temporary files of writes that were interrupted (the process killed mid-write) go.
  const std::string prefix = std::string(".") + kCheckpointFile + ".";
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    std::error_code ignore;
    if (name.compare(0, prefix.size(), prefix) == 0) fs::remove(e.path(), ignore);
  }
  return okStatus();
}

Result<ChainCheckpoint> readCheckpoint(const std::string& path) {
  std::error_code ec;
  fs::path file(path);
  if (fs::is_directory(file, ec)) file /= kCheckpointFile;
  const fs::file_status st = fs::status(file, ec);
  if (st.type() == fs::file_type::not_found) return makeError(ErrorCode::NotFound, file.string());
  if (ec || st.type() != fs::file_type::regular)
    return makeError(ErrorCode::Unreadable, file.string(), -1, "a regular file",
                     ec ? ec.message() : "another kind of file");
  std::ifstream in(file, std::ios::binary);
  if (!in) return makeError(ErrorCode::Unreadable, file.string());
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return makeError(ErrorCode::Unreadable, file.string());
  return parseCheckpoint(bytes.data(), bytes.size(), file.string());
}

bool hasCheckpoint(const std::string& directory) {
  std::ifstream in(fs::path(directory) / kCheckpointFile, std::ios::binary);
  char magic[8] = {};
  return in.read(magic, 8) && std::memcmp(magic, kMagic, 8) == 0;
}

Status checkResumable(const ChainCheckpoint& c, const RunConfig& config, const Dataset& d,
                      const std::string& path) {
  for (const ParamSpec& s : runParamSpecs()) {
    if (s.key == "checkpoint-every") continue;
    const std::string want = getParam(c.config, s.key), got = getParam(config, s.key);
    if (want != got)
      return makeError(ErrorCode::InvalidConfig, path, -1, s.key + " " + quotedText(want), quotedText(got),
                       "the run continues with the checkpoint's configuration");
  }
  const DataIdentity id = dataIdentity(d);
  if (id.trainCount != c.data.trainCount || id.testCount != c.data.testCount || id.pixels != c.data.pixels ||
      id.numClasses != c.data.numClasses || id.fingerprint != c.data.fingerprint) {
    char want[24], got[24];
    std::snprintf(want, sizeof want, "%016llx", static_cast<unsigned long long>(c.data.fingerprint));
    std::snprintf(got, sizeof got, "%016llx", static_cast<unsigned long long>(id.fingerprint));
    return makeError(ErrorCode::ChecksumMismatch, path, -1,
                     "the data the run started on (" + c.data.name + ": " +
                         std::to_string(c.data.trainCount) + " training, " +
                         std::to_string(c.data.testCount) + " test images, fingerprint " + want + ")",
                     d.name + ": " + std::to_string(id.trainCount) + " training, " +
                         std::to_string(id.testCount) + " test images, fingerprint " + got,
                     "other data");
  }
  return okStatus();
}

}  // namespace bnn
