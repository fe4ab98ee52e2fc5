#include "run/run_config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <functional>
#include <limits>
#include <system_error>
#include <type_traits>

#include "util/error.h"
#include "util/format.h"

namespace bnn {

// ---------------------------------------------------------------------------------------------
// Enums

const char* enumName(SamplerKind k) {
  switch (k) {
    case SamplerKind::Sgld:
      return "sgld";
    case SamplerKind::Sghmc:
      return "sghmc";
    case SamplerKind::Psgld:
      return "psgld";
    case SamplerKind::Sgnht:
      return "sgnht";
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

const char* enumName(ScheduleKind k) {
  switch (k) {
    case ScheduleKind::Constant:
      return "constant";
    case ScheduleKind::Polynomial:
      return "polynomial";
    case ScheduleKind::Cyclical:
      return "cyclical";
  }
  return "constant";
}

std::optional<SamplerKind> samplerKindFromString(const std::string& s) {
  for (SamplerKind k : {SamplerKind::Sgld, SamplerKind::Sghmc, SamplerKind::Psgld, SamplerKind::Sgnht})
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

std::optional<ScheduleKind> scheduleKindFromString(const std::string& s) {
  for (ScheduleKind k : {ScheduleKind::Constant, ScheduleKind::Polynomial, ScheduleKind::Cyclical})
    if (s == enumName(k)) return k;
  return std::nullopt;
}

std::optional<BatchMode> batchModeFromString(const std::string& s) {
  for (BatchMode m : {BatchMode::WithReplacement, BatchMode::Epochs})
    if (s == enumName(m)) return m;
  return std::nullopt;
}

int64_t gradientsPerStep(const RunConfig& c, bool samplingPhase) {
  if (c.sampler == SamplerKind::Sgld || c.sampler == SamplerKind::Psgld) return 1;
  if (samplingPhase && c.samplingPhaseUsesSgld) return 1;
  return c.leapfrogSteps;
}
// ---------------------------------------------------------------------------------------------
// Presets. RunConfig's defaults are the example's settings (SGLD, n = 512 with replacement,
// W = 2340 = (60000 // 512) x 20, K = 100, S = 1000, 784-500-10, N(0, 1) prior, LeCun init).

namespace {

struct PresetEntry {
  const char* name;
  const char* title;
};

constexpr std::array<PresetEntry, 5> kPresets{{
    {"example-sgld", "Example SGLD"},
    {"example-sghmc", "Example SGHMC"},
    {"example-sghmc-as-published", "Example SGHMC as published"},
    {"tuned-csgld", "Tuned cyclical SGLD, 4 chains"},
    {"tuned-csgld-shift", "Tuned cyclical SGLD, shifted"},
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
  RunConfig c;          // the SGLD example
  c.keepSamples = 100;  // every 10th of the 1,000 samples, the last included
  if (name == "example-sgld") {
  } else if (name == "example-sghmc") {
    c.sampler = SamplerKind::Sghmc;
    c.sghmcForm = SghmcForm::Chen;
    c.stepSize = 4.5e-6;
  } else if (name == "example-sghmc-as-published") {
    c.sampler = SamplerKind::Sghmc;
    c.sghmcForm = SghmcForm::Ma;
    c.stepSize = 4.5e-6;
    c.samplingPhaseUsesSgld = true;
  } else if (name == "tuned-csgld" || name == "tuned-csgld-shift") {
    // Found with bnn-cli sweep and short runs (README "Tuned presets"): 784-1000-10, N(0, 1) prior,
    // T = 1; four chains, each one cosine cycle of 100 epochs from the LeCun start without warm-up:
    // 80% exploration, then 2,340 sampling steps of which every 20th joins the predictive.
    // tuned-csgld pools 0.9831 / 0.9837 (seeds 0 / 1), about 380 s of CPU time on two cores.
    c.stepSize = 2.5e-5;
    c.schedule = ScheduleKind::Cyclical;
    c.cycles = 1;
    c.exploration = 0.8;
    c.warmupSteps = 0;
    c.samplingSteps = 11700;
    c.thinning = 20;
    c.hidden = {1000};
    c.chains = 4;
    c.keepSamples = 10;  // per chain: 4 x 10 x 795,010 floats, 127 MB
    if (name == "tuned-csgld-shift") {
      // The same with every training image of every minibatch moved by -1, 0 or 1 pixels per axis
      // (a likelihood over shifted copies of the training set; README "Tuned presets"), at half the
      // step size (bnn-cli sweep: 1.25e-5 and 2.5e-5 equal, 5e-5 unstable).
      c.augmentShift = 1;
      c.stepSize = 1.25e-5;
    }
  } else {
    return std::nullopt;
  }
  c.name = presetTitle(name);
  return c;
}

const std::vector<std::string>& comparisonPresetNames() {
  static const std::vector<std::string> names{"example-sgld", "example-sghmc"};
  return names;
}

// ---------------------------------------------------------------------------------------------
// The parameter table

namespace {

constexpr int kMaxHiddenLayers = 8;
constexpr size_t kMaxNameLength = 200;
constexpr double kExactIntegerLimit = 9007199254740992.0;  // 2^53: every integer below is a double

// One row: the public description plus how the field is read and written.
struct ParamDef {
  ParamSpec spec;
  std::function<std::string(const RunConfig&)> get;
  // Parses and stores the value; returns false when the text is refused.
  std::function<bool(RunConfig&, const std::string&)> set;
};

// Readable bound: 60000, 1e7 (10000000), 0.5, 100.
std::string boundText(double v) {
  if (v == std::floor(v) && std::fabs(v) >= 1e5 && std::fabs(v) < 1e18) {
    int e = 0;
    double m = std::fabs(v);
    while (m >= 10 && std::fmod(m, 10.0) == 0) {
      m /= 10;
      ++e;
    }
    if (m < 10) return formatNumber(v < 0 ? -m : m) + "e" + std::to_string(e);
  }
  return formatNumber(v);
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

// An integer written as digits ("-12", "18446744073709551615") or, when exact, in exponent or
// decimal form ("1e3", "2.5e3", "100.0"). Values beyond 2^53 only as digits.
template <class I>
std::optional<I> parseInteger(const std::string& t) {
  if (t.empty()) return std::nullopt;
  const char* b = t.data();
  const char* e = b + t.size();
  I v = 0;
  if (const auto r = std::from_chars(b, e, v, 10); r.ec == std::errc() && r.ptr == e) return v;
  const std::optional<double> d = parseReal(t);
  if (!d || *d != std::floor(*d) || std::fabs(*d) > kExactIntegerLimit) return std::nullopt;
  if (*d < static_cast<double>(std::numeric_limits<I>::min()) ||
      *d > static_cast<double>(std::numeric_limits<I>::max()))
    return std::nullopt;
  return static_cast<I>(*d);
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

ParamSpec makeSpec(const char* key, const char* label, const char* unit, ParamSpec::Type type,
                   const char* tooltip) {
  ParamSpec s;
  s.key = key;
  s.label = label;
  s.unit = unit;
  s.type = type;
  s.tooltip = tooltip;
  return s;
}

// --- Row builders, one per kind of field ---

ParamDef realRow(double RunConfig::*m, const char* key, const char* label, double min, bool minExclusive,
                 double max, const char* tooltip) {
  ParamDef d{makeSpec(key, label, "", ParamSpec::Type::Real, tooltip), nullptr, nullptr};
  d.spec.min = min;
  d.spec.max = max;
  d.spec.minExclusive = minExclusive;
  d.spec.accepts = minExclusive ? "a number above " + boundText(min) + ", at most " + boundText(max)
                                : "a number from " + boundText(min) + " to " + boundText(max);
  d.get = [m](const RunConfig& c) { return formatNumber(c.*m); };
  d.set = [m, min, max, minExclusive](RunConfig& c, const std::string& t) {
    const std::optional<double> v = parseReal(t);
    if (!v || *v > max || *v < min || (minExclusive && *v <= min)) return false;
    c.*m = *v;
    return true;
  };
  return d;
}

template <class I>
ParamDef intRow(I RunConfig::*m, const char* key, const char* label, const char* unit, I min, I max,
                const char* tooltip) {
  ParamDef d{makeSpec(key, label, unit, ParamSpec::Type::Int, tooltip), nullptr, nullptr};
  d.spec.min = static_cast<double>(min);
  d.spec.max = static_cast<double>(max);
  d.spec.accepts =
      "a whole number from " + std::to_string(min) + " to " +
      (static_cast<double>(max) < 1e18 ? boundText(static_cast<double>(max)) : std::to_string(max));
  d.get = [m](const RunConfig& c) { return std::to_string(c.*m); };
  d.set = [m, min, max](RunConfig& c, const std::string& t) {
    using Wide = std::conditional_t<std::is_signed_v<I>, int64_t, uint64_t>;
    const std::optional<Wide> v = parseInteger<Wide>(t);
    if (!v || *v < static_cast<Wide>(min) || *v > static_cast<Wide>(max)) return false;
    c.*m = static_cast<I>(*v);
    return true;
  };
  return d;
}

ParamDef boolRow(bool RunConfig::*m, const char* key, const char* label, const char* tooltip) {
  ParamDef d{makeSpec(key, label, "", ParamSpec::Type::Bool, tooltip), nullptr, nullptr};
  d.spec.accepts = "true or false (also 1/0, yes/no, on/off)";
  d.get = [m](const RunConfig& c) { return std::string(c.*m ? "true" : "false"); };
  d.set = [m](RunConfig& c, const std::string& t) {
    const std::optional<bool> v = parseBool(t);
    if (!v) return false;
    c.*m = *v;
    return true;
  };
  return d;
}

template <class E>
ParamDef choiceRow(E RunConfig::*m, std::initializer_list<E> values, const char* key, const char* label,
                   const char* tooltip) {
  ParamDef d{makeSpec(key, label, "", ParamSpec::Type::Choice, tooltip), nullptr, nullptr};
  for (E v : values) d.spec.choices.emplace_back(enumName(v));
  d.spec.accepts = "one of " + joinChoices(d.spec.choices);
  std::vector<E> all(values);
  d.get = [m, all](const RunConfig& c) {
    for (E v : all)
      if (c.*m == v) return std::string(enumName(v));
    return "(value " + std::to_string(static_cast<int>(c.*m)) + ")";  // refused by validate()
  };
  d.set = [m, all](RunConfig& c, const std::string& t) {
    for (E v : all)
      if (t == enumName(v)) {
        c.*m = v;
        return true;
      }
    return false;
  };
  return d;
}

ParamDef nameRow(std::string RunConfig::*m, const char* key, const char* label, const char* tooltip) {
  ParamDef d{makeSpec(key, label, "", ParamSpec::Type::Text, tooltip), nullptr, nullptr};
  d.spec.accepts = "one line of at most " + std::to_string(kMaxNameLength) + " characters";
  d.get = [m](const RunConfig& c) { return c.*m; };
  d.set = [m](RunConfig& c, const std::string& t) {
    if (t.size() > kMaxNameLength ||
        std::any_of(t.begin(), t.end(), [](unsigned char ch) { return ch < 0x20 || ch == 0x7f; }))
      return false;
    c.*m = t;
    return true;
  };
  return d;
}

ParamDef layersRow(std::vector<int> RunConfig::*m, const char* key, const char* label, const char* unit,
                   int min, int max, const char* tooltip) {
  ParamDef d{makeSpec(key, label, unit, ParamSpec::Type::IntList, tooltip), nullptr, nullptr};
  d.spec.min = min;
  d.spec.max = max;
  d.spec.accepts = "1 to " + std::to_string(kMaxHiddenLayers) + " comma-separated whole numbers from " +
                   std::to_string(min) + " to " + std::to_string(max);
  d.get = [m](const RunConfig& c) {
    std::string s;
    for (size_t i = 0; i < (c.*m).size(); ++i) {
      if (i > 0) s += ",";
      s += std::to_string((c.*m)[i]);
    }
    return s;
  };
  d.set = [m, min, max](RunConfig& c, const std::string& t) {
    std::vector<int> layers;
    size_t start = 0;
    for (;;) {
      const size_t comma = t.find(',', start);
      const std::string part =
          trimSpaces(t.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      const std::optional<int64_t> v = parseInteger<int64_t>(part);
      if (!v || *v < min || *v > max) return false;
      layers.push_back(static_cast<int>(*v));
      if (layers.size() > static_cast<size_t>(kMaxHiddenLayers)) return false;
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    c.*m = std::move(layers);
    return true;
  };
  return d;
}

// The table: one row per RunConfig field, in the order of the run form and of --help.
std::vector<ParamDef> makeTable() {
  using C = RunConfig;
  return {
      nameRow(&C::name, "name", "Name",
              "Name of the run, shown in lists and chart legends. Example: \"Example SGLD\"."),
      choiceRow(
          &C::sampler, {SamplerKind::Sgld, SamplerKind::Sghmc, SamplerKind::Psgld, SamplerKind::Sgnht},
          "sampler", "Sampler",
          "Sampling algorithm: sgld (stochastic gradient Langevin dynamics), sghmc (stochastic gradient "
          "Hamiltonian Monte Carlo, L gradient evaluations per step), psgld (SGLD with an RMSprop "
          "preconditioner, Li et al. 2016) or sgnht (stochastic gradient Nose-Hoover thermostat, Ding "
          "et al. 2014, L gradient evaluations per step). Example: sgld and sghmc."),
      choiceRow(&C::sghmcForm, {SghmcForm::Chen, SghmcForm::Ma}, "sghmc-form", "SGHMC form",
                "Parametrisation of SGHMC. chen: Chen et al. 2014, momentum ~ N(0, h I), noise variance "
                "2h(alpha - beta), the form the example's h = 4.5e-6 was tuned for. ma: Ma et al. 2015 "
                "scaling as in current BlackJAX, momentum ~ N(0, I), friction alpha*h; with h = 4.5e-6 it "
                "barely moves. Example as published: ma."),
      realRow(&C::stepSize, "step-size", "Step size h", 0, true, 100,
              "Step size h of the update. Example: 4.5e-5 (SGLD), 4.5e-6 (SGHMC). Too large a value makes "
              "the chain diverge; the run then stops and says at which step."),
      choiceRow(
          &C::schedule, {ScheduleKind::Constant, ScheduleKind::Polynomial, ScheduleKind::Cyclical},
          "schedule", "Step-size schedule",
          "Step size over the sampling phase (warm-up always runs at h): constant; polynomial, h_t = a (b "
          "+ t)^-gamma with a = h b^gamma (Welling and Teh 2011); cyclical, M cosine cycles from h to 0 "
          "whose first beta share explores without noise or samples (Zhang et al. 2020). Example: "
          "constant."),
      realRow(&C::scheduleB, "schedule-b", "Decay offset b", 0, true, 1e9,
              "Polynomial schedule: b in h_t = h (b / (b + t))^gamma, t the sampling step from 0; the step "
              "size halves after about (2^(1/gamma) - 1) b steps. Example: not used (constant schedule); "
              "suggested 1000."),
      realRow(&C::scheduleGamma, "schedule-gamma", "Decay exponent gamma", 0.5, true, 1,
              "Polynomial schedule: exponent gamma in (0.5, 1] (Welling and Teh 2011 use 0.55). Example: not "
              "used (constant schedule); suggested 0.55."),
      intRow<int64_t>(
          &C::cycles, "cycles", "Cycles M", "cycles", 1, 1000000,
          "Cyclical schedule: number of cosine cycles over the sampling steps (each ceil(S/M) "
          "steps, the last possibly shorter). Example: not used (constant schedule); suggested 4."),
      realRow(&C::exploration, "exploration", "Exploration share beta", 0, false, 0.999,
              "Cyclical schedule: share of each cycle at its start (large steps) run without noise and "
              "without collecting samples; samples are collected in the rest. Example: not used (constant "
              "schedule); suggested 0.8."),
      intRow(&C::batchSize, "batch-size", "Batch size n", "images", 1, 60000,
             "Training examples per minibatch gradient; the likelihood term is scaled by N/n. Example: 512."),
      choiceRow(&C::batchMode, {BatchMode::WithReplacement, BatchMode::Epochs}, "batch-mode", "Batch drawing",
                "How minibatches are drawn: with-replacement (n indices drawn uniformly, a new batch every "
                "step) or epochs (shuffled passes without replacement). Example: with-replacement."),
      intRow(&C::augmentShift, "augment-shift", "Random shift s", "pixels", 0, 8,
             "Data augmentation: every training image of every minibatch is moved by a random whole number "
             "of pixels, drawn uniformly from -s..s for each axis (pixels moved past the edge are dropped, "
             "uncovered ones are 0). The sampled distribution is then the posterior under a likelihood over "
             "shifted copies of the training images, not the posterior given the training images alone. "
             "Test images are never shifted. Example: 0."),
      intRow(&C::leapfrogSteps, "leapfrog-steps", "Inner steps L", "gradients per step", 1, 1000,
             "SGHMC and SGNHT: inner (leapfrog) steps per sampler step; each costs one gradient evaluation. "
             "Example: 10."),
      realRow(&C::alpha, "alpha", "Friction alpha", 0, false, 1,
              "SGHMC: friction (momentum decay) per inner step. Example: 0.01."),
      realRow(&C::beta, "beta", "Noise estimate beta", 0, false, 1,
              "SGHMC: estimate of the minibatch gradient noise, subtracted from the injected noise; must "
              "not exceed alpha in the Chen form. Example: 0."),
      realRow(&C::temperature, "temperature", "Temperature T", 0, true, 1000,
              "Posterior temperature T: scales the injected noise (T = 1 samples the true posterior, "
              "T < 1 a cold posterior). Example: 1."),
      boolRow(
          &C::freshBatchPerInnerStep, "fresh-batch-per-inner-step", "New batch per inner step",
          "SGHMC and SGNHT: draw a new minibatch for each of the L inner steps (Chen's algorithm) instead "
          "of reusing one for all of them (BlackJAX). Example: false."),
      realRow(
          &C::psgldDecay, "psgld-decay", "RMSprop decay a", 0, false, 0.999999,
          "pSGLD: decay a of the running mean V of the squared mean minibatch gradient. Example: not used "
          "(SGLD); paper default 0.99."),
      realRow(
          &C::psgldLambda, "psgld-lambda", "Damping lambda", 0, true, 1,
          "pSGLD: lambda in the preconditioner G = 1 / (lambda + sqrt(V)). Example: not used (SGLD); paper "
          "default 1e-5."),
      realRow(&C::sgnhtDiffusion, "sgnht-diffusion", "Diffusion A", 0, true, 1000,
              "SGNHT: injected noise sqrt(2 A h) and the thermostat's starting value (it settles near A / "
              "T). Example: not used (SGLD); suggested 0.01."),
      boolRow(&C::samplingPhaseUsesSgld, "sampling-phase-sgld", "Sample with SGLD",
              "SGHMC only: run the sampling phase with SGLD at the same step size after the SGHMC warm-up. "
              "Reproduces the published example, whose SGHMC sampling loop calls the SGLD step. Example "
              "as published: true."),
      intRow<int64_t>(&C::warmupSteps, "warmup", "Warm-up steps W", "steps", 0, 10000000,
                      "Sampler steps before samples are collected (burn-in). Example: 2340 ((60000 // 512) "
                      "x 20)."),
      intRow<int64_t>(&C::evalEvery, "eval-every", "Evaluate every K", "steps", 1, 10000000,
                      "During warm-up and the cyclical schedule's exploration, test accuracy of the current "
                      "state every K steps. Example: 100."),
      intRow<int64_t>(&C::samplingSteps, "samples", "Sampling steps S", "steps", 0, 10000000,
                      "Sampler steps after warm-up; every thinning-th state joins the ensemble. Example: "
                      "1000."),
      intRow<int64_t>(&C::thinning, "thinning", "Thinning k", "steps", 1, 10000000,
                      "Keep every k-th sampling step as a posterior sample (evaluated on the test set and "
                      "added to the predictive). Example: 1."),
      intRow<int64_t>(&C::keepSamples, "keep-samples", "Kept samples K", "samples", 0, 10000000,
                      "Posterior samples kept with the run (samples.npy, 1.6 MB each for 784-500-10), spread "
                      "evenly over the ensemble's samples with the last one included, to evaluate other "
                      "images afterwards and to probe drawings. 0 keeps none; more than the ensemble holds "
                      "keeps them all. Example presets: 100 (every 10th of 1,000)."),
      layersRow(&C::hidden, "hidden", "Hidden layers", "units", 1, 4096,
                "Hidden layer widths, comma separated (1 to 8 layers of 1 to 4096 units, ReLU). Example: "
                "500 (784-500-10)."),
      realRow(&C::priorSigma, "prior-sigma", "Prior sigma", 0, true, 1000,
              "Standard deviation sigma of the N(0, sigma^2) prior on every weight and bias. Example: 1."),
      choiceRow(&C::init, {InitKind::LecunNormal, InitKind::Prior}, "init", "Initial state",
                "Initial parameters: lecun-normal (truncated normal with std sqrt(1/fan_in), zero biases, "
                "the framework default) or prior (a draw from the prior). Example: lecun-normal."),
      intRow<uint64_t>(&C::seed, "seed", "Seed", "", 0, std::numeric_limits<uint64_t>::max(),
                       "Random seed (0 to 18446744073709551615) for initialisation, minibatches and noise; "
                       "equal seeds give bit-identical runs. Example: 0."),
      realRow(&C::checkpointEverySeconds, "checkpoint-every", "Checkpoint every (s)", 0, false, 1e6,
              "Seconds between checkpoints of a running chain in its output folder, from which an "
              "interrupted run continues with identical results (bnn-cli run --resume); 0 writes none. "
              "Does not change results. Default: 30. Example: none (the notebook writes no checkpoints)."),
      intRow<int64_t>(&C::chains, "chains", "Chains K", "chains", 1, 64,
                      "Independent chains of this configuration, each from random streams of its own derived "
                      "from the seed (chain 0 is the one-chain run), run concurrently; the predictive is "
                      "pooled over all chains' samples and each chain's own results are kept. Example: 1."),
      intRow<int64_t>(&C::chainIndex, "chain-index", "Chain index i", "", -1, 63,
                      "Run chain i (0 to K - 1) of the K alone, as one process of a cluster or GNU parallel "
                      "job whose folders bnn-cli merge pools; -1 runs all K chains. Example: -1."),
  };
}

const std::vector<ParamDef>& table() {
  static const std::vector<ParamDef> t = makeTable();
  return t;
}

const ParamDef* findDef(const std::string& key) {
  for (const ParamDef& d : table())
    if (d.spec.key == key) return &d;
  return nullptr;
}

// "Label: expected <accepts>, found '<value>'", the value cut to one short line.
std::string refusal(const ParamSpec& s, const std::string& value) {
  std::string shown = value.substr(0, 80);
  for (char& ch : shown)
    if (static_cast<unsigned char>(ch) < 0x20) ch = ' ';
  if (value.size() > 80) shown += "...";
  return s.label + ": expected " + s.accepts + ", found " + quotedText(shown);
}

std::string label(const char* key) {
  const ParamDef* d = findDef(key);
  return d ? d->spec.label : std::string(key);
}

}  // namespace

const std::vector<ParamSpec>& runParamSpecs() {
  static const std::vector<ParamSpec> specs = [] {
    std::vector<ParamSpec> v;
    for (const ParamDef& d : table()) v.push_back(d.spec);
    return v;
  }();
  return specs;
}

const ParamSpec* findParamSpec(const std::string& key) {
  for (const ParamSpec& s : runParamSpecs())
    if (s.key == key) return &s;
  return nullptr;
}

std::optional<std::string> setParam(RunConfig& c, const std::string& key, const std::string& value) {
  const ParamDef* d = findDef(key);
  if (!d) return "unknown parameter " + quotedText(key.substr(0, 80));
  RunConfig n = c;  // committed only on success
  if (!d->set(n, value)) return refusal(d->spec, value);
  c = std::move(n);
  return std::nullopt;
}

std::string getParam(const RunConfig& c, const std::string& key) {
  const ParamDef* d = findDef(key);
  return d ? d->get(c) : std::string();
}

bool parameterApplies(const RunConfig& c, const std::string& key) {
  const bool sghmc = c.sampler == SamplerKind::Sghmc, sgnht = c.sampler == SamplerKind::Sgnht;
  if (key == "sghmc-form" || key == "alpha" || key == "beta" || key == "sampling-phase-sgld") return sghmc;
  if (key == "leapfrog-steps" || key == "fresh-batch-per-inner-step") return sghmc || sgnht;
  if (key == "psgld-decay" || key == "psgld-lambda") return c.sampler == SamplerKind::Psgld;
  if (key == "sgnht-diffusion") return sgnht;
  if (key == "schedule-b" || key == "schedule-gamma") return c.schedule == ScheduleKind::Polynomial;
  if (key == "cycles" || key == "exploration") return c.schedule == ScheduleKind::Cyclical;
  if (key == "chain-index") return c.chains > 1;
  return true;
}

std::optional<std::string> validate(const RunConfig& c) {
  // Ranges: every field must survive its own text form (fields set directly are checked too).
  for (const ParamDef& d : table()) {
    RunConfig probe = c;
    const std::string text = d.get(c);
    if (!d.set(probe, text)) return refusal(d.spec, text);
  }

  // Contradictions.
  const bool sghmc = c.sampler == SamplerKind::Sghmc;
  if (sghmc && c.sghmcForm == SghmcForm::Chen && c.beta > c.alpha)
    return label("beta") + ": must not exceed " + label("alpha") +
           " in the Chen form (the noise variance 2h(alpha - beta) would be negative), found alpha = " +
           formatNumber(c.alpha) + ", beta = " + formatNumber(c.beta);
  if (sghmc && c.sghmcForm == SghmcForm::Ma && c.stepSize * c.temperature * c.beta > 2.0 * c.alpha)
    return label("beta") +
           ": h*T*beta must not exceed 2*alpha in the Ma form (the noise variance hT(2 alpha - hT beta) "
           "would be negative), found h*T*beta = " +
           formatNumber(c.stepSize * c.temperature * c.beta) + ", 2*alpha = " + formatNumber(2.0 * c.alpha);
  if (c.thinning > std::max<int64_t>(1, c.samplingSteps))
    return label("thinning") + ": must not exceed " + label("samples") + " (" +
           std::to_string(c.samplingSteps) + "), found " + std::to_string(c.thinning);
  if (c.samplingPhaseUsesSgld && !sghmc)
    return label("sampling-phase-sgld") + ": applies only to the sghmc sampler, found sampler " +
           std::string(enumName(c.sampler));
  if (c.freshBatchPerInnerStep && !sghmc && c.sampler != SamplerKind::Sgnht)
    return label("fresh-batch-per-inner-step") +
           ": applies only to the sghmc and sgnht samplers, found sampler " +
           std::string(enumName(c.sampler));
  if (c.chainIndex >= c.chains)
    return label("chain-index") + ": must be below " + label("chains") + " (" + std::to_string(c.chains) +
           "), found " + std::to_string(c.chainIndex);
  if (c.schedule == ScheduleKind::Cyclical && c.samplingSteps > 0) {
    if (c.cycles > c.samplingSteps)
      return label("cycles") + ": must not exceed " + label("samples") + " (" +
             std::to_string(c.samplingSteps) + "), found " + std::to_string(c.cycles);
    // Cycles of ceil(S/M) steps (Zhang et al.'s r(t)); they make M cycles only when ceil(S/len) = M.
    const int64_t len = (c.samplingSteps + c.cycles - 1) / c.cycles;
    const int64_t made = (c.samplingSteps + len - 1) / len;
    if (made != c.cycles)
      return label("cycles") + ": " + std::to_string(c.samplingSteps) + " sampling steps in cycles of ceil(" +
             std::to_string(c.samplingSteps) + " / " + std::to_string(c.cycles) +
             ") = " + std::to_string(len) + " steps make " + std::to_string(made) + " cycles, not " +
             std::to_string(c.cycles);
    // Every cycle needs a sampling step: step k of a cycle samples when k / len >= beta; the last
    // cycle is the shortest.
    const int64_t last = c.samplingSteps - (made - 1) * len;
    if (static_cast<double>(last - 1) / static_cast<double>(len) < c.exploration)
      return label("exploration") + ": leaves a cycle without a sampling step (cycles of " +
             std::to_string(len) + " steps" +
             (last != len ? ", the last of " + std::to_string(last) : std::string()) + "), found " +
             formatNumber(c.exploration);
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Options

CheckedConfig configFromOptions(const std::string& presetName, const ParamOverrides& overrides) {
  CheckedConfig out;
  std::optional<RunConfig> c = presetConfig(presetName);
  if (!c) {
    out.error = "unknown preset " + quotedText(presetName.substr(0, 80)) + " (one of " +
                joinChoices(presetNames()) + ")";
    return out;
  }
  for (const auto& [key, value] : overrides) {
    if (std::optional<std::string> err = setParam(*c, key, value)) {
      out.error = std::move(*err);
      return out;
    }
  }
  if (std::optional<std::string> err = validate(*c)) {
    out.error = std::move(*err);
    return out;
  }
  out.config = std::move(c);
  return out;
}

CheckedConfigs configsFromOptions(const std::vector<std::string>& names, const ParamOverrides& overrides) {
  CheckedConfigs out;
  for (const std::string& name : names) {
    CheckedConfig one = configFromOptions(name, overrides);
    if (!one) {
      out.configs.clear();
      const std::string title = presetTitle(name);
      out.error = names.size() > 1 && !title.empty() ? title + ": " + one.error : one.error;
      return out;
    }
    out.configs.push_back(std::move(*one.config));
  }
  return out;
}

}  // namespace bnn
