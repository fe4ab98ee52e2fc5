#pragma once
// Everything that determines a run's results. Two runs with equal RunConfig on the same data
// give bit-identical results, whatever the number of threads. Every field is a run parameter of
// the table in run_config.cpp (key, label, unit, bounds, tooltip). Value types and pure
// functions: thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bnn {

enum class SamplerKind { Sgld, Sghmc, Psgld, Sgnht };
enum class SghmcForm { Chen, Ma };           // see README "Samplers"
enum class InitKind { LecunNormal, Prior };  // truncated LeCun normal + zero biases, or N(0, sigma^2)
enum class BatchMode { WithReplacement, Epochs };
enum class ScheduleKind { Constant, Polynomial, Cyclical };  // step size over the sampling phase

struct RunConfig {
  std::string name;  // shown in lists and legends
  SamplerKind sampler = SamplerKind::Sgld;
  SghmcForm sghmcForm = SghmcForm::Chen;
  double stepSize = 4.5e-5;  // h (a schedule's starting value)
  ScheduleKind schedule = ScheduleKind::Constant;
  double scheduleB = 1000;      // b of h_t = a (b + t)^-gamma, a = h b^gamma (polynomial)
  double scheduleGamma = 0.55;  // gamma (polynomial)
  int64_t cycles = 4;           // M (cyclical)
  double exploration = 0.8;     // beta: share of each cycle without noise or samples (cyclical)
  int batchSize = 512;          // n
  BatchMode batchMode = BatchMode::WithReplacement;
  int augmentShift = 0;    // s: each training image of a minibatch moved by up to s pixels per axis (0: none)
  int leapfrogSteps = 10;  // L (SGHMC)
  double alpha = 0.01;     // friction (SGHMC)
  double beta = 0.0;       // gradient-noise estimate (SGHMC)
  double temperature = 1.0;             // T
  bool freshBatchPerInnerStep = false;  // SGHMC, SGNHT: new minibatch for each of the L inner steps
  double psgldDecay = 0.99;             // a: RMSprop decay of V (pSGLD)
  double psgldLambda = 1e-5;            // lambda: damping of the preconditioner (pSGLD)
  double sgnhtDiffusion = 0.01;         // A: injected diffusion, initial thermostat (SGNHT)
  bool samplingPhaseUsesSgld = false;   // reproduces the published notebook: SGLD after SGHMC warm-up
  int64_t chains = 1;            // K: chains of the run, each from streams of its own (README "Many chains")
  int64_t chainIndex = -1;       // i in 0..K-1: this run is chain i alone; -1: all K chains (or pooled)
  int64_t warmupSteps = 2340;    // W
  int64_t evalEvery = 100;       // K: test accuracy of the current state every K warm-up steps
  int64_t samplingSteps = 1000;  // S
  int64_t thinning = 1;          // evaluate / accumulate every k-th sampling step
  int64_t keepSamples = 0;       // posterior samples kept with the run (run/sample_schedule.h);
                                 // 0 as before the parameter existed, 100 in the presets
  std::vector<int> hidden{500};  // hidden layer sizes
  double priorSigma = 1.0;       // N(0, sigma^2) prior on every weight and bias
  InitKind init = InitKind::LecunNormal;
  uint64_t seed = 0;
  double checkpointEverySeconds = 30;  // chain checkpoints (run/checkpoint.h); 0: none. No effect on results

  bool operator==(const RunConfig&) const = default;
};

const char* enumName(SamplerKind);
const char* enumName(SghmcForm);
const char* enumName(InitKind);
const char* enumName(BatchMode);
const char* enumName(ScheduleKind);
std::optional<SamplerKind> samplerKindFromString(const std::string&);
std::optional<SghmcForm> sghmcFormFromString(const std::string&);
std::optional<InitKind> initKindFromString(const std::string&);
std::optional<BatchMode> batchModeFromString(const std::string&);
std::optional<ScheduleKind> scheduleKindFromString(const std::string&);

/// Gradient evaluations one sampler step costs (1 for SGLD and pSGLD, L for SGHMC and SGNHT).
int64_t gradientsPerStep(const RunConfig& c, bool samplingPhase);

/// Presets: "example-sgld", "example-sghmc", "example-sghmc-as-published", "tuned-csgld",
/// "tuned-csgld-shift".
std::vector<std::string> presetNames();
std::optional<RunConfig> presetConfig(const std::string& name);
/// Human title of a preset ("Example SGLD").
std::string presetTitle(const std::string& name);
/// The SGLD-vs-SGHMC comparison both programs run with one command (bnn-cli run --compare, the
/// desktop's Compare button and --compare): {"example-sgld", "example-sghmc"}.
const std::vector<std::string>& comparisonPresetNames();

/// Description of one user-settable run parameter: one row of the parameter table in
/// run_config.cpp, which drives parsing (setParam), text (getParam), validation, config.json
/// (result_io), the desktop run form and `--help`. Adding a parameter is one row there.
struct ParamSpec {
  std::string key;      // command-line name without dashes, e.g. "step-size"
  std::string label;    // form label, e.g. "Step size h"; validation messages start with it
  std::string unit;     // e.g. "steps", "images"; empty for plain numbers and choices
  std::string tooltip;  // what it does and the example's value
  enum class Type { Int, Real, Bool, Choice, IntList, Text } type = Type::Real;
  double min = 0, max = 0;           // inclusive range for Int/Real (and each IntList entry)
  bool minExclusive = false;         // Real: the lower bound itself is refused ("above 0")
  std::vector<std::string> choices;  // for Choice
  std::string accepts;               // what is accepted, readable: "a number above 0, at most 100"
};

/// The parameter table in display order (the order of the run form and of --help).
const std::vector<ParamSpec>& runParamSpecs();
const ParamSpec* findParamSpec(const std::string& key);

/// Sets one parameter from text. Returns an error reason in one line naming the parameter by its
/// label ("Step size h: expected a number above 0, at most 100, found 'abc'") or nullopt on
/// success. The config is unchanged on error. Integers may be written in exponent form when the
/// value is an exact integer ("1e3"). Safe on any input.
std::optional<std::string> setParam(RunConfig& c, const std::string& key, const std::string& value);
/// Current value of a parameter as text (round-trips through setParam); "" for an unknown key.
std::string getParam(const RunConfig& c, const std::string& key);

/// False for a parameter `c` ignores (SGHMC's friction under SGLD, the cyclical schedule's cycles
/// under a constant schedule, ...): the run form greys it out. True for unknown keys.
bool parameterApplies(const RunConfig& c, const std::string& key);

/// Whole-config check (ranges and contradictions). nullopt when valid, else one line that names
/// the parameters by their labels.
std::optional<std::string> validate(const RunConfig& c);

/// Parameter overrides as given on a command line: (key, value) pairs applied in order.
using ParamOverrides = std::vector<std::pair<std::string, std::string>>;

/// A configuration, or the one-line reason why there is none.
struct CheckedConfig {
  std::optional<RunConfig> config;
  std::string error;
  explicit operator bool() const { return config.has_value(); }
};

/// The one option path of both programs: the preset, then the overrides (setParam, in order),
/// then validate(). Used by `bnn-cli run` and by bnn-explorer's command line and form.
CheckedConfig configFromOptions(const std::string& presetName, const ParamOverrides& overrides);

/// The same for several presets at once (e.g. comparisonPresetNames()): every config in order,
/// or the first error, prefixed with the preset's title when more than one preset is involved
/// ("Example SGHMC: Noise estimate beta: ...").
struct CheckedConfigs {
  std::vector<RunConfig> configs;
  std::string error;
  explicit operator bool() const { return error.empty(); }
};
CheckedConfigs configsFromOptions(const std::vector<std::string>& presetNames,
                                  const ParamOverrides& overrides);

}  // namespace bnn
