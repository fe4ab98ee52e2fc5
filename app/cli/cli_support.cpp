#include "cli_support.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <system_error>

#include "run/result_io.h"
#include "util/format.h"
#include "util/text_file.h"

namespace bnn::cli {

std::optional<double> parseFinite(const std::string& text) {
  double v = 0;
  const char* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, v);
  if (text.empty() || r.ec != std::errc() || r.ptr != end || !std::isfinite(v)) return std::nullopt;
  return v;
}

bool numberOption(const char* cmd, const OptionParser::Parsed& p, const std::string& name, double lo,
                  double hi, double& value) {
  const std::optional<std::string> text = p.last(name);
  if (!text) return true;
  const std::optional<double> v = parseFinite(*text);
  if (!v || *v < lo || *v > hi) {
    std::fprintf(stderr, "bnn-cli %s: --%s: expected a number from %s to %s, found %s\n", cmd, name.c_str(),
                 formatNumber(lo).c_str(), formatNumber(hi).c_str(), quotedText(text->substr(0, 40)).c_str());
    return false;
  }
  value = *v;
  return true;
}

bool integerOption(const char* cmd, const OptionParser::Parsed& p, const std::string& name, int64_t lo,
                   int64_t hi, int64_t& value) {
  const std::optional<std::string> text = p.last(name);
  if (!text) return true;
  const std::optional<double> v = parseFinite(*text);  // accepts 1e3
  if (!v || *v < double(lo) || *v > double(hi) || *v != std::floor(*v)) {
    std::fprintf(stderr, "bnn-cli %s: --%s: expected a whole number from %lld to %lld, found %s\n", cmd,
                 name.c_str(), static_cast<long long>(lo), static_cast<long long>(hi),
                 quotedText(text->substr(0, 40)).c_str());
    return false;
  }
  value = int64_t(*v);
  return true;
}

std::optional<RunResult> loadRun(const char* cmd, const std::string& dir) {
  Result<RunResult> loaded = readRunResult(dir);
  if (!loaded.ok()) {
    std::fprintf(stderr, "bnn-cli %s: %s\n", cmd, loaded.error().message().c_str());
    return std::nullopt;
  }
  return std::move(loaded.value());
}

std::optional<std::filesystem::path> outputFolder(const char* cmd, const OptionParser::Parsed& p,
                                                  const std::string& runDir, const char* defaultName) {
  const std::optional<std::string> outDir = p.last("out");
  const std::filesystem::path out = outDir && !outDir->empty() ? std::filesystem::path(*outDir)
                                                               : std::filesystem::path(runDir) / defaultName;
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) {
    std::fprintf(stderr, "bnn-cli %s: %s: cannot create folder: %s\n", cmd, out.string().c_str(),
                 ec.message().c_str());
    return std::nullopt;
  }
  return out;
}

bool writeFiles(const char* cmd, const std::filesystem::path& folder,
                const std::vector<std::pair<std::string, std::string>>& files) {
  for (const auto& [name, text] : files) {
    const Status st = writeTextFile((folder / name).string(), text);
    if (!st) {
      std::fprintf(stderr, "bnn-cli %s: %s\n", cmd, st.error().message().c_str());
      return false;
    }
  }
  return true;
}

std::string fixedText(double v, int decimals) {
  if (std::isnan(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string padRight(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

}  // namespace bnn::cli
