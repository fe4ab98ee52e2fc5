#include "util/option_parser.h"

#include <algorithm>

namespace bnn {

OptionParser& OptionParser::flag(std::string name) {
  m_flags.push_back(std::move(name));
  return *this;
}

OptionParser& OptionParser::value(std::string name) {
  m_values.push_back(std::move(name));
  return *this;
}

OptionParser& OptionParser::values(std::function<bool(const std::string&)> known) {
  m_known = std::move(known);
  return *this;
}

OptionParser& OptionParser::positional(size_t count) {
  m_positional = count;
  return *this;
}

bool OptionParser::takesValue(const std::string& name) const {
  return std::find(m_values.begin(), m_values.end(), name) != m_values.end() || (m_known && m_known(name));
}

bool OptionParser::Parsed::has(const std::string& name) const {
  return std::any_of(options.begin(), options.end(), [&](const auto& o) { return o.first == name; });
}

std::optional<std::string> OptionParser::Parsed::last(const std::string& name) const {
  for (auto it = options.rbegin(); it != options.rend(); ++it)
    if (it->first == name) return it->second;
  return std::nullopt;
}

OptionParser::Parsed OptionParser::parse(int argc, const char* const* argv) const {
  std::vector<std::string> args;
  for (int i = 0; i < argc; ++i) args.emplace_back(argv[i] ? argv[i] : "");
  return parse(args);
}

OptionParser::Parsed OptionParser::parse(const std::vector<std::string>& args) const {
  Parsed p;
  auto fail = [&](std::string why) {
    p.error = std::move(why);
    return p;
  };
  // Quoted for messages, cut to one short line whatever was typed.
  auto shown = [](const std::string& s) {
    std::string t = s.substr(0, 60);
    for (char& ch : t)
      if (static_cast<unsigned char>(ch) < 0x20) ch = ' ';
    return "'" + t + (s.size() > 60 ? "...'" : "'");
  };
  bool optionsEnded = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool looksLikeOption = !optionsEnded && a.size() >= 2 && a[0] == '-';
    if (!looksLikeOption) {
      if (p.arguments.size() >= m_positional)
        return fail(m_positional == 0 ? "unexpected argument " + shown(a)
                                      : "too many arguments: " + shown(a) + " (expected at most " +
                                            std::to_string(m_positional) + ")");
      p.arguments.push_back(a);
      continue;
    }
    if (a == "--") {
      optionsEnded = true;
      continue;
    }
    if (a == "-h" || a == "--help") {
      p.help = true;
      continue;
    }
    if (a[1] != '-') return fail("unknown option " + shown(a));
    std::string name = a.substr(2);
    std::optional<std::string> inlineValue;
    if (const size_t eq = name.find('='); eq != std::string::npos) {
      inlineValue = name.substr(eq + 1);
      name.resize(eq);
    }
    if (std::find(m_flags.begin(), m_flags.end(), name) != m_flags.end()) {
      if (inlineValue) return fail("--" + name + " takes no value");
      p.options.emplace_back(name, std::string());
      continue;
    }
    if (name.empty() || !takesValue(name)) return fail("unknown option " + shown("--" + name));
    if (inlineValue) {
      p.options.emplace_back(name, *inlineValue);
      continue;
    }
    if (i + 1 >= args.size()) return fail("--" + name + " needs a value");
    p.options.emplace_back(name, args[++i]);
  }
  return p;
}

}  // namespace bnn
