#pragma once
// Everything that determines a run's results. Two runs with equal RunConfig on the same data
// give bit-identical results, whatever the number of threads.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bnn {

enum class SamplerKind { Sgld, Sghmc };
enum class SghmcForm { Chen, Ma };           // see README "Samplers"
enum class InitKind { LecunNormal, Prior };  // truncated LeCun normal + zero biases, or N(0, sigma^2)
enum class BatchMode { WithReplacement, Epochs };

struct RunConfig {
  std::string name;  // shown in lists and legends
  SamplerKind sampler = SamplerKind::Sgld;
  SghmcForm sghmcForm = SghmcForm::Chen;
  double stepSize = 4.5e-5;  // h
  int batchSize = 512;       // n
  BatchMode batchMode = BatchMode::WithReplacement;
  int leapfrogSteps = 10;               // L (SGHMC)
  double alpha = 0.01;                  // friction (SGHMC)
  double beta = 0.0;                    // gradient-noise estimate (SGHMC)
  double temperature = 1.0;             // T
  bool freshBatchPerInnerStep = false;  // SGHMC: new minibatch for each of the L inner steps (Chen)
  bool samplingPhaseUsesSgld = false;   // reproduces the published notebook: SGLD after SGHMC warm-up
  int64_t warmupSteps = 2340;           // W
  int64_t evalEvery = 100;              // K: test accuracy of the current state every K warm-up steps
  int64_t samplingSteps = 1000;         // S
  int64_t thinning = 1;                 // evaluate / accumulate every k-th sampling step
  std::vector<int> hidden{500};         // hidden layer sizes
  double priorSigma = 1.0;              // N(0, sigma^2) prior on every weight and bias
  InitKind init = InitKind::LecunNormal;
  uint64_t seed = 0;
};

const char* enumName(SamplerKind);
const char* enumName(SghmcForm);
const char* enumName(InitKind);
const char* enumName(BatchMode);
std::optional<SamplerKind> samplerKindFromString(const std::string&);
std::optional<SghmcForm> sghmcFormFromString(const std::string&);
std::optional<InitKind> initKindFromString(const std::string&);
std::optional<BatchMode> batchModeFromString(const std::string&);

/// Gradient evaluations one sampler step costs (1 for SGLD, L for SGHMC).
int64_t gradientsPerStep(const RunConfig& c, bool samplingPhase);

/// Presets: "example-sgld", "example-sghmc", "example-sghmc-as-published".
std::vector<std::string> presetNames();
std::optional<RunConfig> presetConfig(const std::string& name);
/// Human title of a preset ("Example SGLD").
std::string presetTitle(const std::string& name);

/// Description of one user-settable run parameter. Used by the command line (--key value),
/// the desktop form (one field per spec) and validation.
struct ParamSpec {
  std::string key;      // command-line name without dashes, e.g. "step-size"
  std::string label;    // form label, e.g. "Step size h"
  std::string tooltip;  // what it does and the example's value
  enum class Type { Int, Real, Bool, Choice, IntList, Text } type = Type::Real;
  double min = 0, max = 0;           // inclusive range for Int/Real (and each IntList entry)
  std::vector<std::string> choices;  // for Choice
};

const std::vector<ParamSpec>& runParamSpecs();
const ParamSpec* findParamSpec(const std::string& key);

/// Sets one parameter from text. Returns an error reason ("step-size: expected a number in
/// (0, 1], found 'abc'") or nullopt on success. The config is unchanged on error.
std::optional<std::string> setParam(RunConfig& c, const std::string& key, const std::string& value);
/// Current value of a parameter as text (round-trips through setParam).
std::string getParam(const RunConfig& c, const std::string& key);

/// Whole-config check (ranges and contradictions). nullopt when valid.
std::optional<std::string> validate(const RunConfig& c);

}  // namespace bnn
