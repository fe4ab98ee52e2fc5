#pragma once
// OptionParser: splits command-line arguments into options and positional arguments for the
// subcommands of bnn-cli (the desktop program uses QCommandLineParser). Accepted forms:
// --name VALUE, --name=VALUE, --flag, -h / --help, and "--" after which everything is positional.
// An option that takes a value takes the next argument whatever it looks like, so negative
// numbers reach the value's own check ("--step-size -1" is refused by the step size's range, not
// with "needs a value"). Errors are one line. Safe on any input (the parser is fuzzed).
// Threading: set up on one thread; parse() is const and may then be called from any thread.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bnn {

class OptionParser {
 public:
  /// An option without a value (--compare).
  OptionParser& flag(std::string name);
  /// An option with a value (--data DIR).
  OptionParser& value(std::string name);
  /// Value options recognised by a predicate on the name (the run parameters: findParamSpec).
  OptionParser& values(std::function<bool(const std::string&)> known);
  /// At most `count` positional arguments (default none).
  OptionParser& positional(size_t count);

  struct Parsed {
    std::vector<std::pair<std::string, std::string>> options;  // names without dashes, in order;
                                                               // flags have an empty value
    std::vector<std::string> arguments;                        // positional arguments
    bool help = false;                                         // --help or -h was given
    std::string error;                                         // one line; empty on success

    bool ok() const { return error.empty(); }
    bool has(const std::string& name) const;
    /// Value of the last occurrence of `name`.
    std::optional<std::string> last(const std::string& name) const;
  };
  Parsed parse(const std::vector<std::string>& args) const;
  Parsed parse(int argc, const char* const* argv) const;

 private:
  bool takesValue(const std::string& name) const;

  std::vector<std::string> m_flags;
  std::vector<std::string> m_values;
  std::function<bool(const std::string&)> m_known;
  size_t m_positional = 0;
};

}  // namespace bnn
