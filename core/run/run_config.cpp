#include "run/run_config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace bnn {

// ---------------------------------------------------------------------------------------------
// Enums

const char* enumName(SamplerKind k) {
  switch (k) {
    case SamplerKind::Sgld:
      return "sgld";
    case SamplerKind::Sghmc:
      return "sghmc";
  }
  return "sgld";
}

const char* enumName(SghmcForm f) {
  switch (f) {
    case SghmcForm::Chen:
      return "chen";
    case SghmcForm::Ma:
      return "ma";
  }
  return "chen";
}

const char* enumName(InitKind k) {
  switch (k) {
    case InitKind::LecunNormal:
      return "lecun-normal";
    case InitKind::Prior:
      return "prior";
  }
  return "lecun-normal";
}

const char* enumName(BatchMode m) {
  switch (m) {
    case BatchMode::WithReplacement:
      return "with-replacement";
    case BatchMode::Epochs:
      return "epochs";
  }
  return "with-replacement";
}

std::optional<SamplerKind> samplerKindFromString(const std::string& s) {
  for (SamplerKind k : {SamplerKind::Sgld, SamplerKind::Sghmc})
    if (s == enumName(k)) return k;
  return std::nullopt;
}

std::optional<SghmcForm> sghmcFormFromString(const std::string& s) {
  for (SghmcForm f : {SghmcForm::Chen, SghmcForm::Ma})
    if (s == enumName(f)) return f;
  return std::nullopt;
}

std::optional<InitKind> initKindFromString(const std::string& s) {
  for (InitKind k : {InitKind::LecunNormal, InitKind::Prior})
    if (s == enumName(k)) return k;
  return std::nullopt;
}

std::optional<BatchMode> batchModeFromString(const std::string& s) {
  for (BatchMode m : {BatchMode::WithReplacement, BatchMode::Epochs})
    if (s == enumName(m)) return m;
  return std::nullopt;
}

int64_t gradientsPerStep(const RunConfig& c, bool samplingPhase) {
  if (c.sampler == SamplerKind::Sgld) return 1;
  if (samplingPhase && c.samplingPhaseUsesSgld) return 1;
  return c.leapfrogSteps;
}

// ---------------------------------------------------------------------------------------------
// Presets

namespace {

RunConfig exampleBase() {
  RunConfig c;
  c.sampler = SamplerKind::Sgld;
  c.sghmcForm = SghmcForm::Chen;
  c.stepSize = 4.5e-5;
  c.batchSize = 512;
  c.batchMode = BatchMode::WithReplacement;
  c.leapfrogSteps = 10;
  c.alpha = 0.01;
  c.beta = 0.0;
  c.temperature = 1.0;
  c.freshBatchPerInnerStep = false;
  c.samplingPhaseUsesSgld = false;
  c.warmupSteps = 2340;  // (60000 // 512) * 20
  c.evalEvery = 100;
  c.samplingSteps = 1000;
  c.thinning = 1;
  c.hidden = {500};
  c.priorSigma = 1.0;
  c.init = InitKind::LecunNormal;
  c.seed = 0;
  return c;
}

struct PresetEntry {
  const char* name;
  const char* title;
};

constexpr std::array<PresetEntry, 3> kPresets{{
    {"example-sgld", "Example SGLD"},
    {"example-sghmc", "Example SGHMC"},
    {"example-sghmc-as-published", "Example SGHMC as published"},
}};

}  // namespace

std::vector<std::string> presetNames() {
  std::vector<std::string> names;
  for (const PresetEntry& p : kPresets) names.emplace_back(p.name);
  return names;
}

std::string presetTitle(const std::string& name) {
  for (const PresetEntry& p : kPresets)
    if (name == p.name) return p.title;
  return {};
}

std::optional<RunConfig> presetConfig(const std::string& name) {
  RunConfig c = exampleBase();
  if (name == "example-sgld") {
    // Defaults of exampleBase() are the SGLD example.
  } else if (name == "example-sghmc") {
    c.sampler = SamplerKind::Sghmc;
    c.sghmcForm = SghmcForm::Chen;
    c.stepSize = 4.5e-6;
    c.leapfrogSteps = 10;
    c.alpha = 0.01;
    c.beta = 0.0;
    c.freshBatchPerInnerStep = false;
    c.samplingPhaseUsesSgld = false;
  } else if (name == "example-sghmc-as-published") {
    c.sampler = SamplerKind::Sghmc;
    c.sghmcForm = SghmcForm::Ma;
    c.stepSize = 4.5e-6;
    c.leapfrogSteps = 10;
    c.alpha = 0.01;
    c.beta = 0.0;
    c.freshBatchPerInnerStep = false;
    c.samplingPhaseUsesSgld = true;
  } else {
    return std::nullopt;
  }
  c.name = presetTitle(name);
  return c;
}

// ---------------------------------------------------------------------------------------------
// Parameter specs

namespace {

constexpr double kTiny = std::numeric_limits<double>::denorm_min();  // (0, x] as inclusive range
constexpr int kMaxHiddenLayers = 8;
constexpr size_t kMaxNameLength = 200;

ParamSpec spec(std::string key, std::string label, std::string tooltip, ParamSpec::Type type, double min = 0,
               double max = 0, std::vector<std::string> choices = {}) {
  ParamSpec s;
  s.key = std::move(key);
  s.label = std::move(label);
  s.tooltip = std::move(tooltip);
  s.type = type;
  s.min = min;
  s.max = max;
  s.choices = std::move(choices);
  return s;
}

std::vector<ParamSpec> makeSpecs() {
  using T = ParamSpec::Type;
  std::vector<ParamSpec> v;
  v.push_back(spec("name", "Name",
                   "Name of the run, shown in lists and chart legends. Example: "
                   "\"Example SGLD\".",
                   T::Text));
  v.push_back(spec("sampler", "Sampler",
                   "Sampling algorithm: sgld (stochastic gradient Langevin dynamics) or sghmc "
                   "(stochastic gradient Hamiltonian Monte Carlo, L gradient evaluations per "
                   "step). Example: both are run.",
                   T::Choice, 0, 0, {"sgld", "sghmc"}));
  v.push_back(spec("sghmc-form", "SGHMC form",
                   "Parametrisation of SGHMC. chen: Chen et al. 2014, momentum ~ N(0, h I), "
                   "noise variance 2h(alpha - beta), the form the example's h = 4.5e-6 was tuned "
                   "for. ma: Ma et al. 2015 scaling as in current BlackJAX, momentum ~ N(0, I), "
                   "friction alpha*h; with h = 4.5e-6 it barely moves. Example as published: ma.",
                   T::Choice, 0, 0, {"chen", "ma"}));
  v.push_back(spec("step-size", "Step size h",
                   "Step size h of the update. Example: 4.5e-5 (SGLD), 4.5e-6 (SGHMC). Too large a "
                   "value makes the chain diverge; the run then stops and says at which step.",
                   T::Real, kTiny, 100.0));
  v.push_back(spec("batch-size", "Batch size n",
                   "Training examples per minibatch gradient; the likelihood term is scaled by "
                   "N/n. Example: 512.",
                   T::Int, 1, 60000));
  v.push_back(spec("batch-mode", "Batch drawing",
                   "How minibatches are drawn: with-replacement (n indices drawn uniformly, a new "
                   "batch every step) or epochs (shuffled passes without replacement). Example: "
                   "with-replacement.",
                   T::Choice, 0, 0, {"with-replacement", "epochs"}));
  v.push_back(spec("leapfrog-steps", "Inner steps L",
                   "SGHMC: inner (leapfrog) steps per sampler step; each costs one gradient "
                   "evaluation. Example: 10.",
                   T::Int, 1, 1000));
  v.push_back(spec("alpha", "Friction alpha",
                   "SGHMC: friction (momentum decay) per inner step. Example: 0.01.", T::Real, 0.0, 1.0));
  v.push_back(spec("beta", "Noise estimate beta",
                   "SGHMC: estimate of the minibatch gradient noise, subtracted from the injected "
                   "noise; must not exceed alpha in the Chen form. Example: 0.",
                   T::Real, 0.0, 1.0));
  v.push_back(spec("temperature", "Temperature T",
                   "Posterior temperature T: scales the injected noise (T = 1 samples the true "
                   "posterior, T < 1 a cold posterior). Example: 1.",
                   T::Real, kTiny, 1000.0));
  v.push_back(spec("fresh-batch-per-inner-step", "New batch per inner step",
                   "SGHMC: draw a new minibatch for each of the L inner steps (Chen's algorithm) "
                   "instead of reusing one for all of them (BlackJAX). Example: false.",
                   T::Bool));
  v.push_back(spec("sampling-phase-sgld", "Sample with SGLD",
                   "SGHMC only: run the sampling phase with SGLD at the same step size after the "
                   "SGHMC warm-up. Reproduces the published example, whose SGHMC sampling loop "
                   "calls the SGLD step. Example as published: true.",
                   T::Bool));
  v.push_back(spec("warmup", "Warm-up steps W",
                   "Sampler steps before samples are collected (burn-in). Example: 2340 "
                   "((60000 // 512) x 20).",
                   T::Int, 0, 1e7));
  v.push_back(spec("eval-every", "Evaluate every K",
                   "During warm-up, test accuracy of the current state every K steps. Example: "
                   "100.",
                   T::Int, 1, 1e7));
  v.push_back(spec("samples", "Sampling steps S",
                   "Sampler steps after warm-up; every thinning-th state joins the ensemble. "
                   "Example: 1000.",
                   T::Int, 0, 1e7));
  v.push_back(spec("thinning", "Thinning k",
                   "Keep every k-th sampling step as a posterior sample (evaluated on the test "
                   "set and added to the predictive). Example: 1.",
                   T::Int, 1, 1e7));
  v.push_back(spec("hidden", "Hidden layers",
                   "Hidden layer widths, comma separated (1 to 8 layers of 1 to 4096 units, "
                   "ReLU). Example: 500 (784-500-10).",
                   T::IntList, 1, 4096));
  v.push_back(spec("prior-sigma", "Prior sigma",
                   "Standard deviation sigma of the N(0, sigma^2) prior on every weight and bias. "
                   "Example: 1.",
                   T::Real, kTiny, 1000.0));
  v.push_back(spec("init", "Initial state",
                   "Initial parameters: lecun-normal (truncated normal with std sqrt(1/fan_in), "
                   "zero biases, the framework default) or prior (a draw from the prior). "
                   "Example: lecun-normal.",
                   T::Choice, 0, 0, {"lecun-normal", "prior"}));
  v.push_back(spec("seed", "Seed",
                   "Random seed (0 to 18446744073709551615) for initialisation, minibatches and "
                   "noise; equal seeds give bit-identical runs. Example: 0.",
                   T::Text));
  return v;
}

// Lower bound excluded (the spec's min is then the smallest positive double).
bool lowerOpen(const ParamSpec& s) { return s.type == ParamSpec::Type::Real && s.min == kTiny; }

std::string formatDouble(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string formatBound(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    const int64_t i = static_cast<int64_t>(v);
    if (i >= 1000000 && i % 1000000 == 0) {
      int e = 0;
      int64_t m = i;
      while (m % 10 == 0) {
        m /= 10;
        ++e;
      }
      return (m == 1 ? std::string() : std::to_string(m)) + (m == 1 ? "10^" : "e") + std::to_string(e);
    }
    return std::to_string(i);
  }
  return formatDouble(v);
}

std::string rangeText(const ParamSpec& s) {
  if (s.type == ParamSpec::Type::Real) {
    std::string r = lowerOpen(s) ? "(0" : "[";
    if (!lowerOpen(s)) r += formatBound(s.min);
    r += ", ";
    r += formatBound(s.max);
    r += "]";
    return r;
  }
  return formatBound(s.min) + ".." + formatBound(s.max);
}

std::string refuse(const ParamSpec& s, const std::string& expected, const std::string& value) {
  return s.key + ": expected " + expected + ", found '" + value + "'";
}

std::optional<double> parseReal(const std::string& t) {
  if (t.empty()) return std::nullopt;
  double v = 0;
  const char* b = t.data();
  const char* e = b + t.size();
  const auto r = std::from_chars(b, e, v, std::chars_format::general);
  if (r.ec != std::errc() || r.ptr != e || !std::isfinite(v)) return std::nullopt;
  return v;
}

template <class I>
std::optional<I> parseInteger(const std::string& t) {
  if (t.empty()) return std::nullopt;
  I v = 0;
  const char* b = t.data();
  const char* e = b + t.size();
  const auto r = std::from_chars(b, e, v, 10);
  if (r.ec != std::errc() || r.ptr != e) return std::nullopt;
  return v;
}

std::optional<bool> parseBool(const std::string& t) {
  std::string s = t;
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  if (s == "true" || s == "1" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "0" || s == "no" || s == "off") return false;
  return std::nullopt;
}

std::string trimSpaces(const std::string& s) {
  const size_t b = s.find_first_not_of(' ');
  if (b == std::string::npos) return {};
  const size_t e = s.find_last_not_of(' ');
  return s.substr(b, e - b + 1);
}

std::string joinChoices(const std::vector<std::string>& c) {
  std::string s;
  for (size_t i = 0; i < c.size(); ++i) {
    if (i > 0) s += i + 1 == c.size() ? " or " : ", ";
    s += c[i];
  }
  return s;
}

std::optional<std::string> checkReal(const ParamSpec& s, const std::string& value, double& out) {
  const std::string expected = "a number in " + rangeText(s);
  const std::optional<double> v = parseReal(value);
  if (!v || *v < s.min || *v > s.max || (lowerOpen(s) && *v <= 0)) return refuse(s, expected, value);
  out = *v;
  return std::nullopt;
}

template <class I>
std::optional<std::string> checkInt(const ParamSpec& s, const std::string& value, I& out) {
  const std::string expected = "an integer in " + rangeText(s);
  const std::optional<int64_t> v = parseInteger<int64_t>(value);
  if (!v || static_cast<double>(*v) < s.min || static_cast<double>(*v) > s.max)
    return refuse(s, expected, value);
  out = static_cast<I>(*v);
  return std::nullopt;
}

std::optional<std::string> checkBool(const ParamSpec& s, const std::string& value, bool& out) {
  const std::optional<bool> v = parseBool(value);
  if (!v) return refuse(s, "true or false (also 1/0, yes/no, on/off)", value);
  out = *v;
  return std::nullopt;
}

std::optional<std::string> checkChoice(const ParamSpec& s, const std::string& value) {
  if (std::find(s.choices.begin(), s.choices.end(), value) == s.choices.end())
    return refuse(s, "one of " + joinChoices(s.choices), value);
  return std::nullopt;
}

std::optional<std::string> checkHidden(const ParamSpec& s, const std::string& value, std::vector<int>& out) {
  const std::string expected =
      "1 to " + std::to_string(kMaxHiddenLayers) + " comma-separated integers in " + rangeText(s);
  std::vector<int> layers;
  size_t start = 0;
  for (;;) {
    const size_t comma = value.find(',', start);
    const std::string part =
        trimSpaces(value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    const std::optional<int64_t> v = parseInteger<int64_t>(part);
    if (!v || static_cast<double>(*v) < s.min || static_cast<double>(*v) > s.max)
      return refuse(s, expected, value);
    layers.push_back(static_cast<int>(*v));
    if (layers.size() > static_cast<size_t>(kMaxHiddenLayers)) return refuse(s, expected, value);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  out = std::move(layers);
  return std::nullopt;
}

}  // namespace

const std::vector<ParamSpec>& runParamSpecs() {
  static const std::vector<ParamSpec> specs = makeSpecs();
  return specs;
}

const ParamSpec* findParamSpec(const std::string& key) {
  for (const ParamSpec& s : runParamSpecs())
    if (s.key == key) return &s;
  return nullptr;
}

std::optional<std::string> setParam(RunConfig& c, const std::string& key, const std::string& value) {
  const ParamSpec* s = findParamSpec(key);
  if (!s) return key + ": unknown parameter";
  RunConfig n = c;  // the copy is committed only on success
  std::optional<std::string> err;
  if (key == "name") {
    if (value.size() > kMaxNameLength ||
        std::any_of(value.begin(), value.end(), [](unsigned char ch) { return ch < 0x20 || ch == 0x7f; }))
      err = refuse(*s, "one line of at most " + std::to_string(kMaxNameLength) + " characters", value);
    else
      n.name = value;
  } else if (key == "sampler") {
    if (!(err = checkChoice(*s, value))) n.sampler = *samplerKindFromString(value);
  } else if (key == "sghmc-form") {
    if (!(err = checkChoice(*s, value))) n.sghmcForm = *sghmcFormFromString(value);
  } else if (key == "step-size") {
    err = checkReal(*s, value, n.stepSize);
  } else if (key == "batch-size") {
    err = checkInt(*s, value, n.batchSize);
  } else if (key == "batch-mode") {
    if (!(err = checkChoice(*s, value))) n.batchMode = *batchModeFromString(value);
  } else if (key == "leapfrog-steps") {
    err = checkInt(*s, value, n.leapfrogSteps);
  } else if (key == "alpha") {
    err = checkReal(*s, value, n.alpha);
  } else if (key == "beta") {
    err = checkReal(*s, value, n.beta);
  } else if (key == "temperature") {
    err = checkReal(*s, value, n.temperature);
  } else if (key == "fresh-batch-per-inner-step") {
    err = checkBool(*s, value, n.freshBatchPerInnerStep);
  } else if (key == "sampling-phase-sgld") {
    err = checkBool(*s, value, n.samplingPhaseUsesSgld);
  } else if (key == "warmup") {
    err = checkInt(*s, value, n.warmupSteps);
  } else if (key == "eval-every") {
    err = checkInt(*s, value, n.evalEvery);
  } else if (key == "samples") {
    err = checkInt(*s, value, n.samplingSteps);
  } else if (key == "thinning") {
    err = checkInt(*s, value, n.thinning);
  } else if (key == "hidden") {
    err = checkHidden(*s, value, n.hidden);
  } else if (key == "prior-sigma") {
    err = checkReal(*s, value, n.priorSigma);
  } else if (key == "init") {
    if (!(err = checkChoice(*s, value))) n.init = *initKindFromString(value);
  } else if (key == "seed") {
    const std::optional<uint64_t> v = parseInteger<uint64_t>(value);
    if (!v)
      err = refuse(*s, "an integer in 0..18446744073709551615", value);
    else
      n.seed = *v;
  } else {
    err = key + ": unknown parameter";
  }
  if (err) return err;
  c = std::move(n);
  return std::nullopt;
}

std::string getParam(const RunConfig& c, const std::string& key) {
  if (key == "name") return c.name;
  if (key == "sampler") return enumName(c.sampler);
  if (key == "sghmc-form") return enumName(c.sghmcForm);
  if (key == "step-size") return formatDouble(c.stepSize);
  if (key == "batch-size") return std::to_string(c.batchSize);
  if (key == "batch-mode") return enumName(c.batchMode);
  if (key == "leapfrog-steps") return std::to_string(c.leapfrogSteps);
  if (key == "alpha") return formatDouble(c.alpha);
  if (key == "beta") return formatDouble(c.beta);
  if (key == "temperature") return formatDouble(c.temperature);
  if (key == "fresh-batch-per-inner-step") return c.freshBatchPerInnerStep ? "true" : "false";
  if (key == "sampling-phase-sgld") return c.samplingPhaseUsesSgld ? "true" : "false";
  if (key == "warmup") return std::to_string(c.warmupSteps);
  if (key == "eval-every") return std::to_string(c.evalEvery);
  if (key == "samples") return std::to_string(c.samplingSteps);
  if (key == "thinning") return std::to_string(c.thinning);
  if (key == "hidden") {
    std::string s;
    for (size_t i = 0; i < c.hidden.size(); ++i) {
      if (i > 0) s += ",";
      s += std::to_string(c.hidden[i]);
    }
    return s;
  }
  if (key == "prior-sigma") return formatDouble(c.priorSigma);
  if (key == "init") return enumName(c.init);
  if (key == "seed") return std::to_string(c.seed);
  return {};
}

std::optional<std::string> validate(const RunConfig& c) {
  // Ranges: every field must survive its own text form. Enum values outside the known set
  // print as the first choice, so check those directly.
  if (c.sampler != SamplerKind::Sgld && c.sampler != SamplerKind::Sghmc) return "sampler: unknown sampler";
  if (c.sghmcForm != SghmcForm::Chen && c.sghmcForm != SghmcForm::Ma) return "sghmc-form: unknown SGHMC form";
  if (c.batchMode != BatchMode::WithReplacement && c.batchMode != BatchMode::Epochs)
    return "batch-mode: unknown batch mode";
  if (c.init != InitKind::LecunNormal && c.init != InitKind::Prior) return "init: unknown initialisation";
  if (c.hidden.empty() || c.hidden.size() > static_cast<size_t>(kMaxHiddenLayers))
    return "hidden: expected 1 to " + std::to_string(kMaxHiddenLayers) + " hidden layers, found " +
           std::to_string(c.hidden.size());
  for (const ParamSpec& s : runParamSpecs()) {
    RunConfig probe = c;
    if (auto err = setParam(probe, s.key, getParam(c, s.key))) return err;
  }

  // Contradictions.
  const bool sghmc = c.sampler == SamplerKind::Sghmc;
  if (sghmc && c.sghmcForm == SghmcForm::Chen && c.beta > c.alpha)
    return "beta: must not exceed alpha in the Chen form (noise variance 2h(alpha - beta) would be "
           "negative), found alpha = " +
           formatDouble(c.alpha) + ", beta = " + formatDouble(c.beta);
  if (sghmc && c.sghmcForm == SghmcForm::Ma && c.stepSize * c.temperature * c.beta > 2.0 * c.alpha)
    return "beta: h*T*beta must not exceed 2*alpha in the Ma form (noise variance "
           "hT(2 alpha - hT beta) would be negative), found h*T*beta = " +
           formatDouble(c.stepSize * c.temperature * c.beta) + ", 2*alpha = " + formatDouble(2.0 * c.alpha);
  if (c.thinning > std::max<int64_t>(1, c.samplingSteps))
    return "thinning: must not exceed the number of sampling steps (" + std::to_string(c.samplingSteps) +
           "), found " + std::to_string(c.thinning);
  if (c.samplingPhaseUsesSgld && !sghmc)
    return "sampling-phase-sgld: applies only to the sghmc sampler, found sampler " +
           std::string(enumName(c.sampler));
  if (c.freshBatchPerInnerStep && !sghmc)
    return "fresh-batch-per-inner-step: applies only to the sghmc sampler, found sampler " +
           std::string(enumName(c.sampler));
  return std::nullopt;
}

}  // namespace bnn
