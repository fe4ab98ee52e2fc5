// Run configuration: enum names, presets (the example's exact settings), parameter specs,
// strict text parsing with range checks, round trips and whole-config validation.

#include <QtTest>

#include <cmath>
#include <limits>
#include <map>
#include <string>

#include "common/test_helpers.h"
#include "run/run_config.h"
#include "run/sample_schedule.h"

using namespace bnn;
using bnn::test::unusualConfig;

namespace {

std::map<std::string, std::string> allParams(const RunConfig& c) {
  std::map<std::string, std::string> m;
  for (const ParamSpec& s : runParamSpecs()) m[s.key] = getParam(c, s.key);
  return m;
}

// Number of members of an aggregate, counted by brace initialisation (no reflection in C++20).
struct AnyValue {
  template <class T>
  operator T() const;  // NOLINT(google-explicit-constructor): declared only, used unevaluated
};
template <class T, class... A>
constexpr size_t memberCount() {
  if constexpr (requires { T{A{}..., AnyValue{}}; })
    return memberCount<T, A..., AnyValue>();
  else
    return sizeof...(A);
}

}  // namespace

class TestRunConfig : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void enumNames();
  void gradientsPerStepCounts();
  void presetList();
  void tunedPreset();
  void presets_data();
  void presets();
  void specKeys();
  void roundTrip_data();
  void roundTrip();
  void roundTripWholeConfig();
  void accepted_data();
  void accepted();
  void refused_data();
  void refused();
  void refusalMessage();
  void validateConfig_data();
  void validateConfig();
  void validateRanges();
  void configEquality();
  void tableCoversEveryField();
  void optionsPresetOverridesValidate_data();
  void optionsPresetOverridesValidate();
  void optionsForSeveralPresets();
  void anyTextIsSafe();
};

void TestRunConfig::enumNames() {
  QCOMPARE(std::string(enumName(SamplerKind::Sgld)), std::string("sgld"));
  QCOMPARE(std::string(enumName(SamplerKind::Sghmc)), std::string("sghmc"));
  QCOMPARE(std::string(enumName(SghmcForm::Chen)), std::string("chen"));
  QCOMPARE(std::string(enumName(SghmcForm::Ma)), std::string("ma"));
  QCOMPARE(std::string(enumName(InitKind::LecunNormal)), std::string("lecun-normal"));
  QCOMPARE(std::string(enumName(InitKind::Prior)), std::string("prior"));
  QCOMPARE(std::string(enumName(BatchMode::WithReplacement)), std::string("with-replacement"));
  QCOMPARE(std::string(enumName(BatchMode::Epochs)), std::string("epochs"));

  QVERIFY(samplerKindFromString("sghmc") == SamplerKind::Sghmc);
  QVERIFY(sghmcFormFromString("ma") == SghmcForm::Ma);
  QVERIFY(initKindFromString("prior") == InitKind::Prior);
  QVERIFY(batchModeFromString("epochs") == BatchMode::Epochs);
  QVERIFY(!samplerKindFromString("SGLD"));
  QVERIFY(!samplerKindFromString(""));
  QVERIFY(!sghmcFormFromString("chen "));
  QVERIFY(!initKindFromString("lecun"));
  QVERIFY(!batchModeFromString("replacement"));
}

void TestRunConfig::gradientsPerStepCounts() {
  RunConfig c;
  c.sampler = SamplerKind::Sgld;
  c.leapfrogSteps = 10;
  QCOMPARE(gradientsPerStep(c, false), int64_t(1));
  QCOMPARE(gradientsPerStep(c, true), int64_t(1));
  c.sampler = SamplerKind::Sghmc;
  QCOMPARE(gradientsPerStep(c, false), int64_t(10));
  QCOMPARE(gradientsPerStep(c, true), int64_t(10));
  c.samplingPhaseUsesSgld = true;
  QCOMPARE(gradientsPerStep(c, false), int64_t(10));
  QCOMPARE(gradientsPerStep(c, true), int64_t(1));
}

void TestRunConfig::presetList() {
  const std::vector<std::string> names = presetNames();
  QCOMPARE(names.size(), size_t(5));
  QCOMPARE(names[0], std::string("example-sgld"));
  QCOMPARE(names[1], std::string("example-sghmc"));
  QCOMPARE(names[2], std::string("example-sghmc-as-published"));
  QCOMPARE(names[3], std::string("tuned-csgld"));
  QCOMPARE(names[4], std::string("tuned-csgld-shift"));
  QVERIFY(!presetConfig("example"));
  QVERIFY(!presetConfig(""));
  QCOMPARE(presetTitle("nonsense"), std::string());
  for (const std::string& n : names) {
    const std::optional<RunConfig> c = presetConfig(n);
    QVERIFY(c);
    QCOMPARE(c->name, presetTitle(n));
    const std::optional<std::string> why = validate(*c);
    QVERIFY2(!why, why ? why->c_str() : "");
  }
}

void TestRunConfig::tunedPreset() {
  const std::optional<RunConfig> oc = presetConfig("tuned-csgld");
  QVERIFY(oc);
  const RunConfig& c = *oc;
  QCOMPARE(c.name, std::string("Tuned cyclical SGLD, 4 chains"));
  QCOMPARE(c.sampler, SamplerKind::Sgld);
  QCOMPARE(c.stepSize, 2.5e-5);
  QCOMPARE(c.schedule, ScheduleKind::Cyclical);
  QCOMPARE(c.cycles, int64_t(1));
  QCOMPARE(c.exploration, 0.8);
  QCOMPARE(c.warmupSteps, int64_t(0));
  QCOMPARE(c.samplingSteps, int64_t(11700));
  QCOMPARE(c.thinning, int64_t(20));
  QCOMPARE(c.hidden, std::vector<int>{1000});
  QCOMPARE(c.chains, int64_t(4));
  QCOMPARE(c.keepSamples, int64_t(10));
  // The model and the posterior are the example's: N(0, 1) prior, T = 1, n = 512 with replacement.
  QCOMPARE(c.priorSigma, 1.0);
  QCOMPARE(c.temperature, 1.0);
  QCOMPARE(c.batchSize, 512);
  QCOMPARE(c.batchMode, BatchMode::WithReplacement);
  QCOMPARE(c.init, InitKind::LecunNormal);
  QCOMPARE(gradientsPerStep(c, true), int64_t(1));
  const std::optional<std::string> why = validate(c);
  QVERIFY2(!why, why ? why->c_str() : "");
  // Its 117 ensemble samples per chain come from the last 20% of the cycle (steps 9,360 on, every
  // 20th); the 10 kept ones among them, the last step included.
  QCOMPARE(ensembleSampleCount(c), int64_t(117));
  const std::vector<int64_t> kept = keptSamplingSteps(c);
  QCOMPARE(kept.size(), size_t(10));
  QVERIFY(kept.front() >= 9360);
  QCOMPARE(kept.back(), int64_t(11699));
  for (int64_t s : kept) QCOMPARE((s + 1) % 20, int64_t(0));
  QCOMPARE(c.augmentShift, 0);  // the posterior given the training images themselves

  // The shifted preset is the same but for the random shift of the training images and h.
  std::optional<RunConfig> shifted = presetConfig("tuned-csgld-shift");
  QVERIFY(shifted);
  QCOMPARE(shifted->name, std::string("Tuned cyclical SGLD, shifted"));
  QCOMPARE(shifted->augmentShift, 1);
  QCOMPARE(shifted->stepSize, 1.25e-5);
  shifted->augmentShift = 0;
  shifted->stepSize = c.stepSize;
  shifted->name = c.name;
  QCOMPARE(*shifted, c);

  // Overrides apply on top of the preset like on any other.
  std::optional<RunConfig> shorter = presetConfig("tuned-csgld");
  QVERIFY(!setParam(*shorter, "samples", "2925"));
  QCOMPARE(shorter->samplingSteps, int64_t(2925));
  QVERIFY(!validate(*shorter));
}

void TestRunConfig::presets_data() {
  QTest::addColumn<QString>("preset");
  QTest::addColumn<QString>("title");
  QTest::addColumn<int>("sampler");
  QTest::addColumn<int>("form");
  QTest::addColumn<double>("stepSize");
  QTest::addColumn<bool>("samplingSgld");
  QTest::addColumn<qint64>("gradsWarmup");
  QTest::addColumn<qint64>("gradsSampling");

  QTest::newRow("example-sgld") << "example-sgld"
                                << "Example SGLD" << int(SamplerKind::Sgld) << int(SghmcForm::Chen) << 4.5e-5
                                << false << qint64(1) << qint64(1);
  QTest::newRow("example-sghmc") << "example-sghmc"
                                 << "Example SGHMC" << int(SamplerKind::Sghmc) << int(SghmcForm::Chen)
                                 << 4.5e-6 << false << qint64(10) << qint64(10);
  QTest::newRow("example-sghmc-as-published")
      << "example-sghmc-as-published"
      << "Example SGHMC as published" << int(SamplerKind::Sghmc) << int(SghmcForm::Ma) << 4.5e-6 << true
      << qint64(10) << qint64(1);
}

void TestRunConfig::presets() {
  QFETCH(QString, preset);
  QFETCH(QString, title);
  QFETCH(int, sampler);
  QFETCH(int, form);
  QFETCH(double, stepSize);
  QFETCH(bool, samplingSgld);
  QFETCH(qint64, gradsWarmup);
  QFETCH(qint64, gradsSampling);

  const std::optional<RunConfig> oc = presetConfig(preset.toStdString());
  QVERIFY(oc);
  const RunConfig& c = *oc;
  QCOMPARE(presetTitle(preset.toStdString()), title.toStdString());
  QCOMPARE(c.name, title.toStdString());
  QCOMPARE(int(c.sampler), sampler);
  if (c.sampler == SamplerKind::Sghmc) QCOMPARE(int(c.sghmcForm), form);
  QCOMPARE(c.stepSize, stepSize);  // exact
  QCOMPARE(c.samplingPhaseUsesSgld, samplingSgld);
  QCOMPARE(gradientsPerStep(c, false), int64_t(gradsWarmup));
  QCOMPARE(gradientsPerStep(c, true), int64_t(gradsSampling));

  // Shared by all three: the example's schedule, model, prior, minibatching and seed.
  QCOMPARE(c.batchSize, 512);
  QCOMPARE(c.batchMode, BatchMode::WithReplacement);
  QCOMPARE(c.warmupSteps, int64_t(2340));
  QCOMPARE(c.evalEvery, int64_t(100));
  QCOMPARE(c.samplingSteps, int64_t(1000));
  QCOMPARE(c.thinning, int64_t(1));
  QCOMPARE(c.hidden, std::vector<int>{500});
  QCOMPARE(c.priorSigma, 1.0);
  QCOMPARE(c.init, InitKind::LecunNormal);
  QCOMPARE(c.seed, uint64_t(0));
  QCOMPARE(c.temperature, 1.0);
  QCOMPARE(c.freshBatchPerInnerStep, false);
  if (c.sampler == SamplerKind::Sghmc) {
    QCOMPARE(c.leapfrogSteps, 10);
    QCOMPARE(c.alpha, 0.01);
    QCOMPARE(c.beta, 0.0);
  }
  QCOMPARE(getParam(c, "step-size"), std::string(stepSize == 4.5e-5 ? "4.5e-05" : "4.5e-06"));
}

void TestRunConfig::specKeys() {
  const std::vector<std::string> expected{"name",
                                          "sampler",
                                          "sghmc-form",
                                          "step-size",
                                          "schedule",
                                          "schedule-b",
                                          "schedule-gamma",
                                          "cycles",
                                          "exploration",
                                          "batch-size",
                                          "batch-mode",
                                          "augment-shift",
                                          "leapfrog-steps",
                                          "alpha",
                                          "beta",
                                          "temperature",
                                          "fresh-batch-per-inner-step",
                                          "psgld-decay",
                                          "psgld-lambda",
                                          "sgnht-diffusion",
                                          "sampling-phase-sgld",
                                          "warmup",
                                          "eval-every",
                                          "samples",
                                          "thinning",
                                          "keep-samples",
                                          "hidden",
                                          "prior-sigma",
                                          "init",
                                          "seed",
                                          "checkpoint-every",
                                          "chains",
                                          "chain-index"};
  const std::vector<ParamSpec>& specs = runParamSpecs();
  QCOMPARE(specs.size(), expected.size());
  for (size_t i = 0; i < specs.size(); ++i) {
    const ParamSpec& s = specs[i];
    QCOMPARE(s.key, expected[i]);
    QVERIFY2(!s.label.empty(), s.key.c_str());
    QVERIFY2(s.tooltip.find("Example") != std::string::npos, s.key.c_str());
    QVERIFY2(!s.accepts.empty(), s.key.c_str());
    QCOMPARE(findParamSpec(s.key), &s);
    if (s.type == ParamSpec::Type::Choice) QVERIFY2(s.choices.size() >= 2, s.key.c_str());
    if (s.type == ParamSpec::Type::Int || s.type == ParamSpec::Type::Real ||
        s.type == ParamSpec::Type::IntList)
      QVERIFY2(s.min <= s.max && s.max > 0, s.key.c_str());
  }
  QVERIFY(findParamSpec("step") == nullptr);
  QCOMPARE(findParamSpec("step-size")->type, ParamSpec::Type::Real);
  QCOMPARE(findParamSpec("step-size")->min, 0.0);  // (0, 100]
  QVERIFY(findParamSpec("step-size")->minExclusive);
  QVERIFY(!findParamSpec("alpha")->minExclusive);
  QCOMPARE(findParamSpec("step-size")->max, 100.0);
  QCOMPARE(findParamSpec("step-size")->accepts, std::string("a number above 0, at most 100"));
  QCOMPARE(findParamSpec("warmup")->accepts, std::string("a whole number from 0 to 1e7"));
  QCOMPARE(findParamSpec("warmup")->unit, std::string("steps"));
  QCOMPARE(findParamSpec("batch-size")->unit, std::string("images"));
  QCOMPARE(findParamSpec("batch-size")->min, 1.0);
  QCOMPARE(findParamSpec("batch-size")->max, 60000.0);
  QCOMPARE(findParamSpec("leapfrog-steps")->max, 1000.0);
  QCOMPARE(findParamSpec("warmup")->max, 1e7);
  QCOMPARE(findParamSpec("hidden")->type, ParamSpec::Type::IntList);
  QCOMPARE(findParamSpec("hidden")->max, 4096.0);
  QCOMPARE(findParamSpec("sampler")->choices, (std::vector<std::string>{"sgld", "sghmc", "psgld", "sgnht"}));
  QCOMPARE(findParamSpec("init")->choices, (std::vector<std::string>{"lecun-normal", "prior"}));
  QCOMPARE(findParamSpec("fresh-batch-per-inner-step")->type, ParamSpec::Type::Bool);
  QCOMPARE(findParamSpec("step-size")->tooltip,
           std::string("Step size h of the update. Example: 4.5e-5 (SGLD), 4.5e-6 (SGHMC). Too large "
                       "a value makes the chain diverge; the run then stops and says at which step."));
}

void TestRunConfig::roundTrip_data() {
  QTest::addColumn<QString>("key");
  for (const ParamSpec& s : runParamSpecs()) QTest::newRow(s.key.c_str()) << QString::fromStdString(s.key);
}

void TestRunConfig::roundTrip() {
  QFETCH(QString, key);
  const std::string k = key.toStdString();
  for (const RunConfig& source : {unusualConfig(), *presetConfig("example-sghmc"), RunConfig{}}) {
    const std::string text = getParam(source, k);
    RunConfig target = *presetConfig("example-sgld");
    const std::optional<std::string> err = setParam(target, k, text);
    QVERIFY2(!err, err ? err->c_str() : "");
    QCOMPARE(getParam(target, k), text);
  }
}

void TestRunConfig::roundTripWholeConfig() {
  const RunConfig source = unusualConfig();
  RunConfig target;
  for (const ParamSpec& s : runParamSpecs()) QVERIFY(!setParam(target, s.key, getParam(source, s.key)));
  QVERIFY(target == source);
  QVERIFY(!validate(source));
}

void TestRunConfig::accepted_data() {
  QTest::addColumn<QString>("key");
  QTest::addColumn<QString>("value");
  QTest::addColumn<QString>("stored");  // getParam afterwards

  QTest::newRow("step-size 4.5e-5") << "step-size"
                                    << "4.5e-5"
                                    << "4.5e-05";
  QTest::newRow("step-size 1") << "step-size"
                               << "1"
                               << "1";
  QTest::newRow("step-size 0.001") << "step-size"
                                   << "0.001"
                                   << "0.001";
  QTest::newRow("step-size 1e-300") << "step-size"
                                    << "1e-300"
                                    << "1e-300";
  QTest::newRow("alpha 0") << "alpha"
                           << "0"
                           << "0";
  QTest::newRow("alpha 1") << "alpha"
                           << "1"
                           << "1";
  QTest::newRow("temperature 1000") << "temperature"
                                    << "1000"
                                    << "1000";
  QTest::newRow("batch-size 1") << "batch-size"
                                << "1"
                                << "1";
  QTest::newRow("batch-size 60000") << "batch-size"
                                    << "60000"
                                    << "60000";
  QTest::newRow("warmup 0") << "warmup"
                            << "0"
                            << "0";
  QTest::newRow("warmup 10000000") << "warmup"
                                   << "10000000"
                                   << "10000000";
  QTest::newRow("samples 0") << "samples"
                             << "0"
                             << "0";
  QTest::newRow("hidden 500") << "hidden"
                              << "500"
                              << "500";
  QTest::newRow("hidden 400,400") << "hidden"
                                  << "400,400"
                                  << "400,400";
  QTest::newRow("hidden 400, 400") << "hidden"
                                   << "400, 400"
                                   << "400,400";
  QTest::newRow("hidden 8 layers") << "hidden"
                                   << "1,2,3,4,5,6,7,4096"
                                   << "1,2,3,4,5,6,7,4096";
  QTest::newRow("bool yes") << "fresh-batch-per-inner-step"
                            << "yes"
                            << "true";
  QTest::newRow("bool on") << "fresh-batch-per-inner-step"
                           << "on"
                           << "true";
  QTest::newRow("bool 1") << "fresh-batch-per-inner-step"
                          << "1"
                          << "true";
  QTest::newRow("bool TRUE") << "fresh-batch-per-inner-step"
                             << "TRUE"
                             << "true";
  QTest::newRow("bool off") << "sampling-phase-sgld"
                            << "off"
                            << "false";
  QTest::newRow("bool no") << "sampling-phase-sgld"
                           << "no"
                           << "false";
  QTest::newRow("bool 0") << "sampling-phase-sgld"
                          << "0"
                          << "false";
  QTest::newRow("seed 0") << "seed"
                          << "0"
                          << "0";
  QTest::newRow("seed max") << "seed"
                            << "18446744073709551615"
                            << "18446744073709551615";
  QTest::newRow("sampler sghmc") << "sampler"
                                 << "sghmc"
                                 << "sghmc";
  QTest::newRow("sghmc-form ma") << "sghmc-form"
                                 << "ma"
                                 << "ma";
  QTest::newRow("batch-mode epochs") << "batch-mode"
                                     << "epochs"
                                     << "epochs";
  QTest::newRow("init prior") << "init"
                              << "prior"
                              << "prior";
  QTest::newRow("name empty") << "name"
                              << ""
                              << "";
  QTest::newRow("name text") << "name"
                             << "SGLD, h = 1e-4"
                             << "SGLD, h = 1e-4";
  // Integers in exponent or decimal form when the value is an exact integer within bounds.
  QTest::newRow("batch-size 5e2") << "batch-size"
                                  << "5e2"
                                  << "500";
  QTest::newRow("warmup 1e3") << "warmup"
                              << "1e3"
                              << "1000";
  QTest::newRow("warmup 1e7 (the bound)") << "warmup"
                                          << "1e7"
                                          << "10000000";
  QTest::newRow("samples 2.5e3") << "samples"
                                 << "2.5e3"
                                 << "2500";
  QTest::newRow("thinning 4.0") << "thinning"
                                << "4.0"
                                << "4";
  QTest::newRow("seed 1e3") << "seed"
                            << "1e3"
                            << "1000";
  QTest::newRow("hidden 5e2,1e2") << "hidden"
                                  << "5e2,1e2"
                                  << "500,100";
}

void TestRunConfig::accepted() {
  QFETCH(QString, key);
  QFETCH(QString, value);
  QFETCH(QString, stored);
  RunConfig c = *presetConfig("example-sgld");
  const std::optional<std::string> err = setParam(c, key.toStdString(), value.toStdString());
  QVERIFY2(!err, err ? err->c_str() : "");
  QCOMPARE(getParam(c, key.toStdString()), stored.toStdString());
}

void TestRunConfig::refused_data() {
  QTest::addColumn<QString>("key");
  QTest::addColumn<QString>("value");
  QTest::addColumn<QString>("range");  // must appear in the message

  QTest::newRow("step-size abc") << "step-size"
                                 << "abc"
                                 << "a number above 0, at most 100";
  QTest::newRow("step-size empty") << "step-size"
                                   << ""
                                   << "a number above 0, at most 100";
  QTest::newRow("step-size 0") << "step-size"
                               << "0"
                               << "a number above 0, at most 100";
  QTest::newRow("step-size -1") << "step-size"
                                << "-1"
                                << "a number above 0, at most 100";
  QTest::newRow("step-size 150") << "step-size"
                                 << "150"
                                 << "a number above 0, at most 100";
  QTest::newRow("step-size nan") << "step-size"
                                 << "nan"
                                 << "a number above 0, at most 100";
  QTest::newRow("step-size inf") << "step-size"
                                 << "inf"
                                 << "a number above 0, at most 100";
  QTest::newRow("step-size trailing text") << "step-size"
                                           << "4.5e-5x"
                                           << "a number above 0, at most 100";
  QTest::newRow("step-size leading space") << "step-size"
                                           << " 0.1"
                                           << "a number above 0, at most 100";
  QTest::newRow("step-size hex") << "step-size"
                                 << "0x1p-3"
                                 << "a number above 0, at most 100";
  QTest::newRow("alpha 1.01") << "alpha"
                              << "1.01"
                              << "a number from 0 to 1";
  QTest::newRow("beta -0.1") << "beta"
                             << "-0.1"
                             << "a number from 0 to 1";
  QTest::newRow("temperature 0") << "temperature"
                                 << "0"
                                 << "a number above 0, at most 1000";
  QTest::newRow("prior-sigma 1001") << "prior-sigma"
                                    << "1001"
                                    << "a number above 0, at most 1000";
  QTest::newRow("batch-size 1.5") << "batch-size"
                                  << "1.5"
                                  << "a whole number from 1 to 60000";
  QTest::newRow("batch-size 0") << "batch-size"
                                << "0"
                                << "a whole number from 1 to 60000";
  QTest::newRow("batch-size 60001") << "batch-size"
                                    << "60001"
                                    << "a whole number from 1 to 60000";
  QTest::newRow("batch-size 5e-1") << "batch-size"
                                   << "5e-1"
                                   << "a whole number from 1 to 60000";
  QTest::newRow("batch-size 6.00001e4") << "batch-size"
                                        << "6.00001e4"
                                        << "a whole number from 1 to 60000";
  QTest::newRow("warmup 1.1e7") << "warmup"
                                << "1.1e7"
                                << "a whole number from 0 to 1e7";
  QTest::newRow("warmup 1e400") << "warmup"
                                << "1e400"
                                << "a whole number from 0 to 1e7";
  QTest::newRow("batch-size +5") << "batch-size"
                                 << "+5"
                                 << "a whole number from 1 to 60000";
  QTest::newRow("batch-size huge") << "batch-size"
                                   << "99999999999999999999999"
                                   << "a whole number from 1 to 60000";
  QTest::newRow("leapfrog-steps 0") << "leapfrog-steps"
                                    << "0"
                                    << "a whole number from 1 to 1000";
  QTest::newRow("leapfrog-steps 1001") << "leapfrog-steps"
                                       << "1001"
                                       << "a whole number from 1 to 1000";
  QTest::newRow("warmup -1") << "warmup"
                             << "-1"
                             << "a whole number from 0 to 1e7";
  QTest::newRow("warmup 10000001") << "warmup"
                                   << "10000001"
                                   << "a whole number from 0 to 1e7";
  QTest::newRow("eval-every 0") << "eval-every"
                                << "0"
                                << "a whole number from 1 to 1e7";
  QTest::newRow("samples abc") << "samples"
                               << "abc"
                               << "a whole number from 0 to 1e7";
  QTest::newRow("thinning 0") << "thinning"
                              << "0"
                              << "a whole number from 1 to 1e7";
  QTest::newRow("hidden 0") << "hidden"
                            << "0"
                            << "whole numbers from 1 to 4096";
  QTest::newRow("hidden 500,,10") << "hidden"
                                  << "500,,10"
                                  << "whole numbers from 1 to 4096";
  QTest::newRow("hidden empty") << "hidden"
                                << ""
                                << "whole numbers from 1 to 4096";
  QTest::newRow("hidden trailing comma") << "hidden"
                                         << "500,"
                                         << "whole numbers from 1 to 4096";
  QTest::newRow("hidden 4097") << "hidden"
                               << "4097"
                               << "whole numbers from 1 to 4096";
  QTest::newRow("hidden 9 layers") << "hidden"
                                   << "1,2,3,4,5,6,7,8,9"
                                   << "1 to 8";
  QTest::newRow("hidden 1.5") << "hidden"
                              << "1.5"
                              << "whole numbers from 1 to 4096";
  QTest::newRow("seed -1") << "seed"
                           << "-1"
                           << "a whole number from 0 to 18446744073709551615";
  QTest::newRow("seed 2^64") << "seed"
                             << "18446744073709551616"
                             << "a whole number from 0 to 18446744073709551615";
  QTest::newRow("seed 1e19, not exact") << "seed"
                                        << "1e19"
                                        << "a whole number from 0 to 18446744073709551615";
  QTest::newRow("seed -1e3") << "seed"
                             << "-1e3"
                             << "a whole number from 0 to 18446744073709551615";
  QTest::newRow("sampler foo") << "sampler"
                               << "foo"
                               << "sgld, sghmc, psgld or sgnht";
  QTest::newRow("sampler SGLD") << "sampler"
                                << "SGLD"
                                << "sgld, sghmc, psgld or sgnht";
  QTest::newRow("sghmc-form empty") << "sghmc-form"
                                    << ""
                                    << "chen or ma";
  QTest::newRow("init lecun") << "init"
                              << "lecun"
                              << "lecun-normal or prior";
  QTest::newRow("batch-mode random") << "batch-mode"
                                     << "random"
                                     << "with-replacement or epochs";
  QTest::newRow("bool maybe") << "fresh-batch-per-inner-step"
                              << "maybe"
                              << "true or false";
  QTest::newRow("bool empty") << "sampling-phase-sgld"
                              << ""
                              << "true or false";
  QTest::newRow("name newline") << "name"
                                << "two\nlines"
                                << "one line";
}

void TestRunConfig::refused() {
  QFETCH(QString, key);
  QFETCH(QString, value);
  QFETCH(QString, range);
  RunConfig c = unusualConfig();
  const auto before = allParams(c);
  const std::optional<std::string> err = setParam(c, key.toStdString(), value.toStdString());
  QVERIFY(err);
  const QString msg = QString::fromStdString(*err);
  // Named by the label the form shows, not by the command-line key.
  QVERIFY2(msg.startsWith(QString::fromStdString(findParamSpec(key.toStdString())->label) + ": "),
           qPrintable(msg));
  QVERIFY2(msg.contains(range), qPrintable(msg));
  QString shown = value;  // control characters are shown as spaces: the message stays one line
  for (QChar& ch : shown)
    if (ch.unicode() < 0x20) ch = ' ';
  QVERIFY2(msg.contains("found '" + shown + "'"), qPrintable(msg));
  QVERIFY2(!msg.contains('\n'), qPrintable(msg));
  QVERIFY(allParams(c) == before);  // unchanged
}

void TestRunConfig::refusalMessage() {
  RunConfig c;
  QCOMPARE(setParam(c, "step-size", "abc").value_or(""),
           std::string("Step size h: expected a number above 0, at most 100, found 'abc'"));
  QCOMPARE(setParam(c, "step-size", "-1").value_or(""),
           std::string("Step size h: expected a number above 0, at most 100, found '-1'"));
  QCOMPARE(setParam(c, "batch-size", "1.5").value_or(""),
           std::string("Batch size n: expected a whole number from 1 to 60000, found '1.5'"));
  QCOMPARE(setParam(c, "warmup", "-5").value_or(""),
           std::string("Warm-up steps W: expected a whole number from 0 to 1e7, found '-5'"));
  QCOMPARE(setParam(c, "sampler", "foo").value_or(""),
           std::string("Sampler: expected one of sgld, sghmc, psgld or sgnht, found 'foo'"));
  QCOMPARE(
      setParam(c, "hidden", "0").value_or(""),
      std::string("Hidden layers: expected 1 to 8 comma-separated whole numbers from 1 to 4096, found '0'"));
  QCOMPARE(setParam(c, "no-such-key", "1").value_or(""), std::string("unknown parameter 'no-such-key'"));
  QCOMPARE(getParam(c, "no-such-key"), std::string());
  // A long or multi-line value is shown cut to one short line.
  const std::string msg = setParam(c, "step-size", std::string(500, 'x') + "\n").value_or("");
  QVERIFY(msg.size() < 200);
  QVERIFY(msg.find('\n') == std::string::npos);
}

void TestRunConfig::validateConfig_data() {
  QTest::addColumn<QString>("preset");
  QTest::addColumn<QStringList>("settings");  // key=value applied with setParam
  QTest::addColumn<QString>("problem");       // expected message start; empty: valid

  QTest::newRow("example-sgld") << "example-sgld" << QStringList() << "";
  QTest::newRow("example-sghmc") << "example-sghmc" << QStringList() << "";
  QTest::newRow("example-sghmc-as-published") << "example-sghmc-as-published" << QStringList() << "";
  QTest::newRow("chen beta = alpha") << "example-sghmc" << QStringList{"beta=0.01"} << "";
  QTest::newRow("chen beta > alpha") << "example-sghmc" << QStringList{"beta=0.02"}
                                     << "Noise estimate beta: must not exceed Friction alpha";
  QTest::newRow("ma beta small") << "example-sghmc-as-published" << QStringList{"beta=1"} << "";
  QTest::newRow("ma h*T*beta > 2 alpha")
      << "example-sghmc-as-published"
      << QStringList{"step-size=1", "temperature=10", "beta=0.5", "alpha=0.01"} << "Noise estimate beta:";
  QTest::newRow("sgld ignores beta > alpha") << "example-sgld" << QStringList{"beta=0.5"} << "";
  QTest::newRow("thinning > samples") << "example-sgld" << QStringList{"samples=10", "thinning=11"}
                                      << "Thinning k: must not exceed Sampling steps S";
  QTest::newRow("thinning = samples") << "example-sgld" << QStringList{"samples=10", "thinning=10"} << "";
  QTest::newRow("no samples, thinning 1") << "example-sgld" << QStringList{"samples=0"} << "";
  QTest::newRow("no samples, thinning 2")
      << "example-sgld" << QStringList{"samples=0", "thinning=2"} << "Thinning k:";
  QTest::newRow("sampling-phase-sgld with sgld")
      << "example-sgld" << QStringList{"sampling-phase-sgld=true"} << "Sample with SGLD:";
  QTest::newRow("fresh batch with sgld")
      << "example-sgld" << QStringList{"fresh-batch-per-inner-step=true"} << "New batch per inner step:";
  QTest::newRow("fresh batch with sghmc")
      << "example-sghmc" << QStringList{"fresh-batch-per-inner-step=true"} << "";
  QTest::newRow("eval-every beyond warm-up")
      << "example-sgld" << QStringList{"warmup=10", "eval-every=100"} << "";
}

void TestRunConfig::validateConfig() {
  QFETCH(QString, preset);
  QFETCH(QStringList, settings);
  QFETCH(QString, problem);
  RunConfig c = *presetConfig(preset.toStdString());
  for (const QString& s : settings) {
    const qsizetype eq = s.indexOf('=');
    const std::optional<std::string> err = setParam(c, s.left(eq).toStdString(), s.mid(eq + 1).toStdString());
    QVERIFY2(!err, err ? err->c_str() : "");
  }
  const std::optional<std::string> why = validate(c);
  if (problem.isEmpty()) {
    QVERIFY2(!why, why ? why->c_str() : "");
  } else {
    QVERIFY(why);
    QVERIFY2(QString::fromStdString(*why).startsWith(problem), why->c_str());
    QVERIFY(why->find('\n') == std::string::npos);
  }
}

// Fields set directly (not through setParam) are range-checked too.
void TestRunConfig::validateRanges() {
  const RunConfig base = *presetConfig("example-sgld");
  auto problem = [](const RunConfig& c) { return validate(c).value_or(""); };
  RunConfig c = base;
  c.stepSize = 0;
  QVERIFY(QString::fromStdString(problem(c)).startsWith("Step size h:"));
  c = base;
  c.stepSize = std::numeric_limits<double>::quiet_NaN();
  QVERIFY(QString::fromStdString(problem(c)).startsWith("Step size h:"));
  c = base;
  c.hidden = {};
  QVERIFY(QString::fromStdString(problem(c)).startsWith("Hidden layers:"));
  c = base;
  c.hidden = std::vector<int>(9, 10);
  QVERIFY(QString::fromStdString(problem(c)).startsWith("Hidden layers:"));
  c = base;
  c.hidden = {500, 0};
  QVERIFY(QString::fromStdString(problem(c)).startsWith("Hidden layers:"));
  c = base;
  c.batchSize = 0;
  QVERIFY(QString::fromStdString(problem(c)).startsWith("Batch size n:"));
  c = base;
  c.evalEvery = 0;
  QVERIFY(QString::fromStdString(problem(c)).startsWith("Evaluate every K:"));
  c = base;
  c.temperature = -1;
  QVERIFY(QString::fromStdString(problem(c)).startsWith("Temperature T:"));
  c = base;
  c.name = "a\nb";
  QVERIFY(QString::fromStdString(problem(c)).startsWith("Name:"));
}

void TestRunConfig::configEquality() {
  const RunConfig a = unusualConfig();
  QVERIFY(a == unusualConfig());
  QVERIFY(!(a == RunConfig{}));
  // Every single field takes part in the comparison.
  for (const ParamSpec& s : runParamSpecs()) {
    RunConfig b = a;
    QVERIFY(!setParam(b, s.key, getParam(RunConfig{}, s.key)));
    QVERIFY2(!(a == b), s.key.c_str());
  }
}

// Every RunConfig field is one row of the table: a new field without a row fails here.
void TestRunConfig::tableCoversEveryField() {
  QCOMPARE(memberCount<RunConfig>(), runParamSpecs().size());
  // unusualConfig() differs from the defaults in every parameter (the round trips rely on it).
  for (const ParamSpec& s : runParamSpecs())
    QVERIFY2(getParam(unusualConfig(), s.key) != getParam(RunConfig{}, s.key), s.key.c_str());
  // The defaults are the SGLD example, which the parameter tooltips quote, except that
  // RunConfig{} keeps no samples (runs saved before kept samples existed open with 0).
  RunConfig example = *presetConfig("example-sgld");
  QCOMPARE(example.keepSamples, int64_t(100));
  example.name.clear();
  example.keepSamples = 0;
  QVERIFY(example == RunConfig{});
}

void TestRunConfig::optionsPresetOverridesValidate_data() {
  QTest::addColumn<QString>("preset");
  QTest::addColumn<QStringList>("overrides");  // key=value
  QTest::addColumn<QString>("error");          // expected error start; empty: valid

  QTest::newRow("preset alone") << "example-sghmc" << QStringList{} << "";
  QTest::newRow("overrides in order, last wins")
      << "example-sgld" << QStringList{"seed=1", "warmup=300", "seed=2", "samples=1e2"} << "";
  QTest::newRow("unknown preset") << "example" << QStringList{}
                                  << "unknown preset 'example' (one of example-sgld";
  QTest::newRow("unknown parameter") << "example-sgld" << QStringList{"frobnicate=1"}
                                     << "unknown parameter 'frobnicate'";
  QTest::newRow("negative step size")
      << "example-sgld" << QStringList{"step-size=-1"} << "Step size h: expected a number above 0";
  QTest::newRow("contradiction after overrides")
      << "example-sghmc" << QStringList{"beta=0.5"} << "Noise estimate beta: must not exceed";
  QTest::newRow("sgld with an SGHMC-only flag")
      << "example-sgld" << QStringList{"fresh-batch-per-inner-step=yes"} << "New batch per inner step:";
}

void TestRunConfig::optionsPresetOverridesValidate() {
  QFETCH(QString, preset);
  QFETCH(QStringList, overrides);
  QFETCH(QString, error);
  ParamOverrides o;
  for (const QString& kv : overrides) {
    const qsizetype eq = kv.indexOf('=');
    o.emplace_back(kv.left(eq).toStdString(), kv.mid(eq + 1).toStdString());
  }
  const CheckedConfig c = configFromOptions(preset.toStdString(), o);
  if (error.isEmpty()) {
    QVERIFY2(c, c.error.c_str());
    QVERIFY(c.error.empty());
    // The same as applying the overrides by hand.
    RunConfig expected = *presetConfig(preset.toStdString());
    for (const auto& [k, v] : o) QVERIFY(!setParam(expected, k, v));
    QVERIFY(*c.config == expected);
  } else {
    QVERIFY(!c);
    QVERIFY2(QString::fromStdString(c.error).startsWith(error), c.error.c_str());
    QVERIFY(c.error.find('\n') == std::string::npos);
  }
}

void TestRunConfig::optionsForSeveralPresets() {
  QCOMPARE(comparisonPresetNames(), (std::vector<std::string>{"example-sgld", "example-sghmc"}));
  const CheckedConfigs both = configsFromOptions(comparisonPresetNames(), {{"warmup", "300"}, {"seed", "4"}});
  QVERIFY2(both, both.error.c_str());
  QCOMPARE(both.configs.size(), size_t(2));
  QCOMPARE(both.configs[0].sampler, SamplerKind::Sgld);
  QCOMPARE(both.configs[1].sampler, SamplerKind::Sghmc);
  for (const RunConfig& c : both.configs) {
    QCOMPARE(c.warmupSteps, int64_t(300));
    QCOMPARE(c.seed, uint64_t(4));
  }
  // beta = 0.02 is valid for SGLD (unused) but not for SGHMC in the Chen form: the error names
  // the preset that refuses it.
  const CheckedConfigs bad = configsFromOptions(comparisonPresetNames(), {{"beta", "0.02"}});
  QVERIFY(!bad);
  QVERIFY(bad.configs.empty());
  QVERIFY2(QString::fromStdString(bad.error).startsWith("Example SGHMC: Noise estimate beta:"),
           bad.error.c_str());
  // One preset: no prefix.
  const CheckedConfigs one = configsFromOptions({"example-sghmc"}, {{"beta", "0.02"}});
  QVERIFY2(QString::fromStdString(one.error).startsWith("Noise estimate beta:"), one.error.c_str());
}

// Parameter parsing takes any text (the command line and config.json hand it arbitrary bytes).
void TestRunConfig::anyTextIsSafe() {
  const std::vector<std::string> texts{"",
                                       " ",
                                       "-",
                                       "--",
                                       "+",
                                       "e",
                                       "1e",
                                       "1e+",
                                       ".",
                                       "-.e1",
                                       "0x10",
                                       "nan",
                                       "-inf",
                                       "1,",
                                       ",",
                                       ",,,,,",
                                       "1,2,3,4,5,6,7,8,9,10",
                                       "\xff\xfe",
                                       "a\0b",
                                       std::string(100000, '9'),
                                       "1e-400",
                                       "-0",
                                       "4.9e-324",
                                       "1.7976931348623157e308"};
  for (const ParamSpec& s : runParamSpecs()) {
    for (const std::string& t : texts) {
      RunConfig c = unusualConfig();
      const std::optional<std::string> err = setParam(c, s.key, t);
      if (err) {
        QVERIFY(c == unusualConfig());  // unchanged
        QVERIFY(err->size() < 400);
      } else {
        QVERIFY(!setParam(c, s.key, getParam(c, s.key)));  // whatever was accepted reads back
      }
    }
  }
}

QTEST_GUILESS_MAIN(TestRunConfig)
#include "tst_run_config.moc"
