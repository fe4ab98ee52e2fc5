#pragma once
// Small pieces shared by the analysis commands of bnn-cli (report, decide, ood, shift): strict
// number options with one-line refusals, opening a saved run, the output folder, writing files
// whole. Each prints its own message to stderr (prefixed "bnn-cli COMMAND: ") and says by its
// return value whether to go on. Used on the main thread only.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "run/run_result.h"
#include "util/option_parser.h"

namespace bnn::cli {

/// Exit codes of the analysis commands: bad options, bad or unwritable files.
inline constexpr int kExitBadOptions = 2;
inline constexpr int kExitBadFiles = 1;

/// A whole string as a finite double (std::from_chars: no spaces, no trailing text).
std::optional<double> parseFinite(const std::string& text);

/// The value of --NAME as a number in [lo, hi] into `value` (left as is when the option is
/// absent). On a bad value prints "bnn-cli CMD: --NAME: expected a number from lo to hi, found
/// 'x'" and returns false.
bool numberOption(const char* cmd, const OptionParser::Parsed& p, const std::string& name, double lo,
                  double hi, double& value);
/// The same for a whole number.
bool integerOption(const char* cmd, const OptionParser::Parsed& p, const std::string& name, int64_t lo,
                   int64_t hi, int64_t& value);

/// Reads a saved run; on failure prints the reader's message (naming the file) and returns nullopt.
std::optional<RunResult> loadRun(const char* cmd, const std::string& dir);

/// The output folder: --out, or RUN_DIR/defaultName; created if missing. nullopt (message
/// printed) when it cannot be created.
std::optional<std::filesystem::path> outputFolder(const char* cmd, const OptionParser::Parsed& p,
                                                  const std::string& runDir, const char* defaultName);

/// Writes each (file name, text) into `folder`, each file whole or not at all; stops at the first
/// failure with its message printed.
bool writeFiles(const char* cmd, const std::filesystem::path& folder,
                const std::vector<std::pair<std::string, std::string>>& files);

/// Fixed-point text of a number ("n/a" for NaN) and left-justified padding, for printed tables.
std::string fixedText(double v, int decimals);
std::string padRight(std::string s, size_t width);

}  // namespace bnn::cli
