#pragma once
// Checkpoints of a chain: everything the chain loop needs to continue exactly where it stopped
// (θ, each sampler's state, the minibatch stream's position, the predictive accumulator's exact
// sums, the curve, the chain-health checks, the diagnostic rows, timings; the step-size
// schedule is a function of the step number), so that a resumed chain gives bit-identical results to one that
// never stopped. The chain loop writes one into its folder every `checkpoint-every` seconds and
// when it is stopped (run_engine.h, ChainCheckpointing); `bnn-cli run --resume DIR` reads it.
//
// The kept posterior samples stream into <folder>/checkpoint-samples.npy beside it; a checkpoint
// records how many of its rows it covers.
//
// File <folder>/checkpoint.bnnckpt: a tagged binary container (named, typed little-endian
// arrays) ending in a CRC-32; see checkpoint.cpp. Reading checks the checksum, every entry's
// bounds and type, the configuration (as setParam does), sizes against the network and the
// data, and the values (finite θ, a possible predictive, a possible curve); every failure is
// an Error naming the file and the entry. Free functions without shared state; thread-safe.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "run/chain_health.h"
#include "run/chain_parts.h"
#include "run/diagnostic_recorder.h"
#include "run/predictive.h"
#include "run/run_config.h"
#include "run/run_result.h"
#include "samplers/sampler.h"
#include "util/error.h"

namespace bnn {

/// File name of a checkpoint inside a run's folder.
inline constexpr const char* kCheckpointFile = "checkpoint.bnnckpt";
/// File name of the kept samples a checkpoint refers to, beside it (.npy, float32 [K, P]).
inline constexpr const char* kCheckpointSamplesFile = "checkpoint-samples.npy";

/// Identity of the data a chain runs on: a checkpoint resumes only on the same data.
struct DataIdentity {
  std::string name;
  std::string directory;  // absolute
  int64_t trainCount = 0;
  int64_t testCount = 0;
  int pixels = 0;  // per image
  int numClasses = 0;
  uint64_t fingerprint = 0;  // 64-bit hash of every pixel and label, train and test
};

DataIdentity dataIdentity(const Dataset& d);

/// The state of a chain between two steps.
struct ChainCheckpoint {
  RunConfig config;
  DataIdentity data;
  Phase phase = Phase::Warmup;
  int64_t step = 0;        // the next step of `phase` to take (0-based)
  int64_t globalStep = 0;  // steps taken so far, both phases
  std::vector<float> theta;
  SamplerState warmupSampler;
  SamplerState samplingSampler;  // empty `sampler` when one sampler runs both phases
  MlpTarget::Position batches;
  PredictiveAccumulator::State predictive;
  std::vector<CurvePoint> curve;
  double lastPointwiseAccuracy = std::numeric_limits<double>::quiet_NaN();
  RunTimings timings;            // so far; totalSeconds is the chain's wall time until now
  double warmupDoneSeconds = 0;  // when the warm-up ended (checkpoints in the sampling phase)
  double lastErrorPercent = std::numeric_limits<double>::quiet_NaN();  // for progress reports
  bool lastEvaluated = false;  // the last sampling step taken was evaluated
  /// Kept posterior samples (RunConfig::keepSamples) written so far: the first `keptSamples`
  /// rows of <folder>/checkpoint-samples.npy (kCheckpointSamplesFile) belong to this state.
  int64_t keptSamples = 0;
  /// Log-probabilities of the last evaluated state (test images x classes; empty before the
  /// first evaluation): they become RunResult::lastProbs.
  std::vector<float> lastLogProbs;
  /// What the chain-health checks have seen (run/chain_health.h).
  ChainHealth::State health;
  /// The per-sample diagnostic rows recorded so far and the recorder's minibatch stream
  /// (run/diagnostic_recorder.h).
  DiagnosticRecorder::State diagnostics;
};

/// The bytes of a checkpoint file.
std::vector<uint8_t> serializeCheckpoint(const ChainCheckpoint& c);

/// Parses and checks the bytes of a checkpoint file; `path` only names it in errors.
Result<ChainCheckpoint> parseCheckpoint(const uint8_t* data, size_t size, const std::string& path);

/// Writes <directory>/checkpoint.bnnckpt atomically: a temporary file in the same folder is
/// written, flushed to disk and renamed over the previous checkpoint, so that after a crash at
/// any moment the folder holds the old or the new checkpoint, whole. Creates the folder.
Status writeCheckpoint(const ChainCheckpoint& c, const std::string& directory);

/// Reads the checkpoint of a run folder (or the checkpoint file itself when `path` is a file).
Result<ChainCheckpoint> readCheckpoint(const std::string& path);

/// True when `directory` holds a checkpoint file (one that starts like one).
bool hasCheckpoint(const std::string& directory);

/// okStatus when `c` can continue on `d` with configuration `config` (equal in every parameter
/// but checkpoint-every); else InvalidConfig or ChecksumMismatch ("other data") naming `path`
/// and what differs.
Status checkResumable(const ChainCheckpoint& c, const RunConfig& config, const Dataset& d,
                      const std::string& path);

}  // namespace bnn
