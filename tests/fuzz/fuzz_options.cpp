// Fuzz target: run options as bnn-cli run and the desktop form take them. The input is one
// argument per line. They go through the command-line parser as bnn-cli run sets it up
// (OptionParser), and the run parameters it finds through the one option path of both programs
// (configFromOptions: preset, overrides with setParam, validate). Separately, every line
// "key=value" goes through setParam on one configuration, as the form's fields do.
// Properties beyond "no crash": errors are one non-empty line; a configuration the option path
// accepts is valid; a refused setParam leaves the configuration unchanged; an accepted value
// reads back with getParam as text that setParam accepts again, giving the same text.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "run/run_config.h"
#include "util/option_parser.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void checkMessage(const std::string& why) { check(!why.empty() && why.find('\n') == std::string::npos); }

std::string allParams(const bnn::RunConfig& c) {
  std::string s;
  for (const bnn::ParamSpec& p : bnn::runParamSpecs()) s += p.key + "=" + bnn::getParam(c, p.key) + "\n";
  return s;
}

// Every parameter's text reads back to the same configuration.
void checkRoundTrip(const bnn::RunConfig& c) {
  bnn::RunConfig again = *bnn::presetConfig("example-sgld");
  for (const bnn::ParamSpec& p : bnn::runParamSpecs())
    check(!bnn::setParam(again, p.key, bnn::getParam(c, p.key)));
  check(allParams(again) == allParams(c));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bnn;
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> args;
  for (size_t at = 0; at <= input.size();) {
    size_t end = input.find('\n', at);
    if (end == std::string::npos) end = input.size();
    args.push_back(input.substr(at, end - at));
    at = end + 1;
  }

  // The command line of bnn-cli run.
  OptionParser parser;
  parser.flag("compare").flag("no-progress").value("preset").value("data").value("out").value("threads");
  parser.values([](const std::string& name) { return findParamSpec(name) != nullptr; });
  const OptionParser::Parsed p = parser.parse(args);
  if (!p.ok()) {
    checkMessage(p.error);
  } else {
    ParamOverrides overrides;
    for (const auto& [name, value] : p.options)
      if (findParamSpec(name)) overrides.emplace_back(name, value);
    const std::string preset = p.last("preset").value_or("example-sgld");
    const CheckedConfig one = configFromOptions(preset, overrides);
    if (one) {
      check(!validate(*one.config));
      checkRoundTrip(*one.config);
    } else {
      checkMessage(one.error);
    }
    const CheckedConfigs both = configsFromOptions(comparisonPresetNames(), overrides);
    if (both)
      for (const RunConfig& c : both.configs) check(!validate(c));
    else
      checkMessage(both.error);
  }

  // Field by field, as typed into the form.
  RunConfig c = *presetConfig("example-sgld");
  for (const std::string& line : args) {
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    const std::string before = allParams(c);
    if (std::optional<std::string> why = setParam(c, key, value)) {
      checkMessage(*why);
      check(allParams(c) == before);
      continue;
    }
    check(findParamSpec(key) != nullptr);
    const std::string text = getParam(c, key);
    RunConfig again = c;
    check(!setParam(again, key, text));
    check(getParam(again, key) == text);
    check(allParams(again) == allParams(c));
  }
  if (std::optional<std::string> why = validate(c))
    checkMessage(*why);
  else
    checkRoundTrip(c);
  return 0;
}
