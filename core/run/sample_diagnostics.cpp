#include "run/sample_diagnostics.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>

#include "util/format.h"

namespace bnn {

std::vector<int64_t> SampleDiagnostics::chains() const {
  std::set<int64_t> s(chain.begin(), chain.end());
  return {s.begin(), s.end()};
}

std::vector<double> SampleDiagnostics::trace(size_t scalar, int64_t c) const {
  std::vector<double> out;
  const size_t width = names.size();
  for (size_t r = 0; r < chain.size(); ++r)
    if (chain[r] == c) out.push_back(values[r * width + scalar]);
  return out;
}

void SampleDiagnostics::append(int64_t chainIndex, int64_t samplingStep,
                               const std::vector<double>& rowValues) {
  chain.push_back(chainIndex);
  step.push_back(samplingStep);
  values.insert(values.end(), rowValues.begin(), rowValues.end());
}

Result<SampleDiagnostics> poolDiagnostics(const std::vector<const SampleDiagnostics*>& parts,
                                          const std::vector<std::string>& labels) {
  SampleDiagnostics out;
  bool haveNames = false;
  for (size_t i = 0; i < parts.size(); ++i) {
    const SampleDiagnostics& p = *parts[i];
    if (p.empty()) continue;
    if (!haveNames) {
      out.names = p.names;
      haveNames = true;
    } else if (p.names != out.names) {
      return makeError(ErrorCode::BadValue, i < labels.size() ? labels[i] : std::string(), -1,
                       "the diagnostic scalars of the other chains", "other columns",
                       "cannot pool its diagnostics");
    }
    out.chain.insert(out.chain.end(), p.chain.begin(), p.chain.end());
    out.step.insert(out.step.end(), p.step.begin(), p.step.end());
    out.values.insert(out.values.end(), p.values.begin(), p.values.end());
  }
  return out;
}

std::vector<ScalarConvergence> scalarConvergence(const SampleDiagnostics& diag) {
  std::vector<ScalarConvergence> out;
  const std::vector<int64_t> chains = diag.chains();
  for (size_t k = 0; k < diag.names.size(); ++k) {
    std::vector<std::vector<double>> traces;
    size_t shortest = std::numeric_limits<size_t>::max();
    for (int64_t c : chains) {
      traces.push_back(diag.trace(k, c));
      shortest = std::min(shortest, traces.back().size());
    }
    ScalarConvergence sc;
    sc.name = diag.names[k];
    if (traces.empty()) shortest = 0;
    std::vector<double> draws;
    for (const auto& t : traces)
      draws.insert(draws.end(), t.begin(), t.begin() + static_cast<std::ptrdiff_t>(shortest));
    if (!draws.empty()) {
      double s = 0;
      for (double v : draws) s += v;
      sc.mean = s / static_cast<double>(draws.size());
      double ss = 0;
      for (double v : draws) ss += (v - sc.mean) * (v - sc.mean);
      sc.sd = draws.size() > 1 ? std::sqrt(ss / static_cast<double>(draws.size() - 1)) : 0.0;
    } else {
      sc.mean = sc.sd = std::numeric_limits<double>::quiet_NaN();
    }
    if (shortest >= 4) sc.d = convergenceDiagnostics(draws, static_cast<int>(traces.size()));
    out.push_back(std::move(sc));
  }
  return out;
}

std::string convergenceCsv(const std::vector<ScalarConvergence>& table) {
  std::string s = "scalar,mean,sd,rhat,rhat_bulk,rhat_tail,ess_bulk,ess_tail,chains,draws_per_chain\n";
  for (const ScalarConvergence& c : table) {
    s += c.name;
    for (double v : {c.mean, c.sd, c.d.rhat, c.d.rhatBulk, c.d.rhatTail, c.d.essBulk, c.d.essTail}) {
      s += ',';
      appendNumber(s, v);
    }
    s += ',' + std::to_string(c.d.numChains) + ',' + std::to_string(c.d.numDraws) + '\n';
  }
  return s;
}

std::string convergenceText(const std::vector<ScalarConvergence>& table) {
  if (table.empty()) return "convergence: no per-sample diagnostics\n";
  const ConvergenceDiagnostics* any = nullptr;
  for (const auto& c : table)
    if (c.d.numChains > 0) any = &c.d;
  if (!any) return "convergence: fewer than 4 recorded samples per chain\n";
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "convergence over %d chain%s x %lld draws (split R-hat, rank-normalised; ESS bulk / tail)\n",
                any->numChains, any->numChains == 1 ? "" : "s", static_cast<long long>(any->numDraws));
  std::string s = buf;
  std::snprintf(buf, sizeof buf, "  %-20s %12s %11s %7s %7s %7s %8s %8s\n", "scalar", "mean", "sd", "R-hat",
                "bulk", "tail", "ESS bulk", "ESS tail");
  s += buf;
  int above = 0, lowEss = 0;
  for (const ScalarConvergence& c : table) {
    std::snprintf(buf, sizeof buf, "  %-20s %12.5g %11.4g %7.3f %7.3f %7.3f %8.0f %8.0f%s\n", c.name.c_str(),
                  c.mean, c.sd, c.d.rhat, c.d.rhatBulk, c.d.rhatTail, c.d.essBulk, c.d.essTail,
                  c.d.rhat >= 1.01 ? "  R-hat >= 1.01" : "");
    s += buf;
    if (c.d.rhat >= 1.01) ++above;
    if (c.d.essBulk < 100 * std::max(1, c.d.numChains) / 4.0) ++lowEss;  // Vehtari et al.: 100 per 4 chains
  }
  std::snprintf(buf, sizeof buf,
                "  %d of %zu scalars have R-hat >= 1.01 (chains disagree: not yet mixed); %d have a bulk ESS "
                "below %d\n",
                above, table.size(), lowEss, 25 * std::max(1, any->numChains));
  s += buf;
  return s;
}

std::string diagnosticsCsv(const SampleDiagnostics& diag) {
  std::string s = "chain,step";
  for (const std::string& n : diag.names) s += ',' + n;
  s += '\n';
  const size_t width = diag.names.size();
  for (size_t r = 0; r < diag.step.size(); ++r) {
    s += std::to_string(diag.chain[r]);
    s += ',';
    s += std::to_string(diag.step[r]);
    for (size_t k = 0; k < width; ++k) {
      s += ',';
      appendNumber(s, diag.values[r * width + k]);
    }
    s += '\n';
  }
  return s;
}

namespace {

std::vector<std::string> splitCommas(const std::string& row) {
  std::vector<std::string> f;
  size_t b = 0;
  while (true) {
    const size_t e = row.find(',', b);
    f.push_back(row.substr(b, e == std::string::npos ? std::string::npos : e - b));
    if (e == std::string::npos) break;
    b = e + 1;
  }
  return f;
}

bool parseDouble(const std::string& t, double& v) {
  if (t == "nan") {
    v = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (t == "inf" || t == "-inf") {
    v = t[0] == '-' ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return true;
  }
  const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  return r.ec == std::errc() && r.ptr == t.data() + t.size() && !t.empty();
}

bool parseInt(const std::string& t, int64_t& v) {
  const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  return r.ec == std::errc() && r.ptr == t.data() + t.size() && !t.empty();
}

bool validName(const std::string& n) {
  if (n.empty() || n.size() > 64) return false;
  for (char ch : n)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_')) return false;
  return true;
}

}  // namespace

Result<SampleDiagnostics> parseDiagnosticsCsv(const std::string& path, const std::string& text) {
  SampleDiagnostics d;
  size_t pos = 0;
  int line = 0;
  bool header = false;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string row = text.substr(pos, end - pos);
    if (!row.empty() && row.back() == '\r') row.pop_back();
    const int64_t offset = static_cast<int64_t>(pos);
    pos = end + 1;
    ++line;
    const std::string where = "line " + std::to_string(line);
    if (row.empty()) continue;
    const std::vector<std::string> f = splitCommas(row);
    if (!header) {
      if (f.size() < 2 || f[0] != "chain" || f[1] != "step")
        return makeError(ErrorCode::BadFormat, path, offset, "a header 'chain,step,<scalars>'",
                         quotedText(row.substr(0, 80)), where);
      for (size_t k = 2; k < f.size(); ++k) {
        if (!validName(f[k]))
          return makeError(ErrorCode::BadFormat, path, offset, "scalar names of letters, digits and '_'",
                           quotedText(f[k].substr(0, 40)), where);
        d.names.push_back(f[k]);
      }
      header = true;
      continue;
    }
    if (f.size() != d.names.size() + 2)
      return makeError(ErrorCode::BadFormat, path, offset, std::to_string(d.names.size() + 2) + " fields",
                       std::to_string(f.size()) + " fields", where);
    int64_t c = 0, s = 0;
    if (!parseInt(f[0], c) || c < 0 || !parseInt(f[1], s) || s < 0)
      return makeError(ErrorCode::BadFormat, path, offset, "chain and step as integers >= 0",
                       quotedText(f[0] + "," + f[1]), where);
    std::vector<double> v(d.names.size());
    for (size_t k = 0; k < v.size(); ++k)
      if (!parseDouble(f[k + 2], v[k]))
        return makeError(ErrorCode::BadFormat, path, offset, "a number in column '" + d.names[k] + "'",
                         quotedText(f[k + 2].substr(0, 40)), where);
    d.append(c, s, v);
  }
  if (!header)
    return makeError(ErrorCode::BadFormat, path, 0, "a header 'chain,step,<scalars>'", "an empty file");
  return d;
}

}  // namespace bnn
