// Fuzz target: run options as typed on the command line or in the form. The input is lines
// "key=value" (a first line "preset=NAME" picks the starting preset) applied with setParam.
// Properties beyond "no crash": a refused value leaves the configuration unchanged and says
// why; an accepted one reads back with getParam as text that setParam accepts again, giving
// the same text; validate() answers for every configuration reached.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "run/run_config.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

std::string allParams(const bnn::RunConfig& c) {
  std::string s;
  for (const bnn::ParamSpec& p : bnn::runParamSpecs()) s += p.key + "=" + bnn::getParam(c, p.key) + "\n";
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bnn;
  const std::string input(reinterpret_cast<const char*>(data), size);
  RunConfig c = *presetConfig("example-sgld");
  size_t at = 0;
  bool first = true;
  while (at <= input.size()) {
    size_t end = input.find('\n', at);
    if (end == std::string::npos) end = input.size();
    const std::string line = input.substr(at, end - at);
    at = end + 1;
    const size_t eq = line.find('=');
    const std::string key = line.substr(0, eq);
    const std::string value = eq == std::string::npos ? std::string() : line.substr(eq + 1);
    if (first && key == "preset") {
      first = false;
      if (std::optional<RunConfig> p = presetConfig(value)) c = *p;
      continue;
    }
    first = false;
    const std::string before = allParams(c);
    if (std::optional<std::string> why = setParam(c, key, value)) {
      check(!why->empty());
      check(allParams(c) == before);
      continue;
    }
    if (findParamSpec(key) == nullptr) std::abort();
    const std::string text = getParam(c, key);
    RunConfig again = c;
    check(!setParam(again, key, text));
    check(getParam(again, key) == text);
    check(allParams(again) == allParams(c));
  }
  if (std::optional<std::string> why = validate(c)) check(!why->empty());
  return 0;
}
