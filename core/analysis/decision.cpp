#include "analysis/decision.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "util/format.h"
#include "util/special_values.h"
#include "util/text_file.h"

namespace bnn {

namespace {

Error badProfile(std::string detail, int64_t offset = -1, std::string expected = {}, std::string found = {}) {
  return makeError(ErrorCode::BadFormat, {}, offset, std::move(expected), std::move(found),
                   std::move(detail));
}

// "row 3, column 5 (decision 2, true class 4)": 1-based like a spreadsheet, with the meaning.
std::string cellName(int a, int k) {
  return "row " + std::to_string(a + 1) + ", column " + std::to_string(k + 1) + " (decision " +
         std::to_string(a) + ", true class " + std::to_string(k) + ")";
}

// A field as it may appear in a message: at most 32 bytes, control and non-ASCII bytes as '?'.
std::string printable(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < 32; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    out += (c >= 0x20 && c < 0x7F) ? char(c) : '?';
  }
  if (s.size() > 32) out += "...";
  return quotedText(out);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::vector<double> riskBaselines(const CostMatrix& costs) {
  const int k = costs.numClasses;
  std::vector<double> base(size_t(std::max(k, 0)), 0.0);
  if (costs.cost.size() != size_t(k) * size_t(k)) return base;
  for (int a = 0; a < k; ++a) {
    int bestCount = 0;
    for (int j = 0; j < k; ++j) {
      if (j == a) continue;
      const double v = costs(a, j);
      int count = 0;
      for (int l = 0; l < k; ++l) count += l != a && costs(a, l) == v;
      if (count > bestCount || (count == bestCount && v < base[size_t(a)]))
        bestCount = count, base[size_t(a)] = v;
    }
  }
  return base;
}

namespace {

template <class T>
Result<RiskProfile> profileImpl(std::span<const T> probs, std::span<const uint8_t> labels,
                                const CostMatrix& costs) {
  if (Status s = validateCostMatrix(costs); !s.ok()) return s.error();
  const int k = costs.numClasses;
  if (probs.size() % size_t(k) != 0)
    return badProfile("probability matrix is not a whole number of rows", -1,
                      "a multiple of " + std::to_string(k) + " values", std::to_string(probs.size()));
  const int64_t n = int64_t(probs.size() / size_t(k));
  if (n > int64_t(std::numeric_limits<int32_t>::max())) return badProfile("too many images");
  const bool hasLabels = !labels.empty();
  if (hasLabels && int64_t(labels.size()) != n)
    return badProfile("label count differs from the image count", -1, std::to_string(n) + " labels",
                      std::to_string(labels.size()));

  RiskProfile r;
  r.numClasses = k;
  r.numImages = n;
  r.hasLabels = hasLabels;
  r.costs = costs;
  r.bestAction.resize(size_t(n));
  r.minRisk.resize(size_t(n));
  if (hasLabels) {
    r.labels.assign(labels.begin(), labels.end());
    r.bestActionCost.resize(size_t(n));
  }
  // R(a|x) = b_a + Σ_k (C[a, k] - b_a) p̄_k with b_a the most common off-diagonal cost of row a:
  // Σ_k C[a, k] p̄_k rewritten with Σ_k p̄_k = 1, so a row that sums to 1 only up to rounding (a
  // float p̄ of 1.0 beside classes holding 1e-9) gets the risk its probabilities mean; under 0-1
  // loss the risk is exactly 1 - p̄_a.
  const std::vector<double> base = riskBaselines(costs);
  std::vector<double> shifted(costs.cost.size());
  for (int a = 0; a < k; ++a)
    for (int j = 0; j < k; ++j) shifted[size_t(a) * size_t(k) + size_t(j)] = costs(a, j) - base[size_t(a)];
  const double* c = shifted.data();
  for (int64_t i = 0; i < n; ++i) {
    const T* p = probs.data() + size_t(i) * size_t(k);
    for (int j = 0; j < k; ++j)
      if (!(double(p[j]) >= 0))
        return badProfile("probability of class " + std::to_string(j) + " is not a probability", i,
                          "a value >= 0", std::isnan(double(p[j])) ? "NaN" : formatNumber(double(p[j])));
    int best = 0;
    double bestRisk = std::numeric_limits<double>::infinity();
    for (int a = 0; a < k; ++a) {
      const double* row = c + size_t(a) * size_t(k);
      double risk = 0;
      for (int j = 0; j < k; ++j) risk += row[j] * double(p[j]);
      risk += base[size_t(a)];
      if (risk < bestRisk) bestRisk = risk, best = a;  // strict: the lowest a wins ties
    }
    r.bestAction[size_t(i)] = uint8_t(best);
    r.minRisk[size_t(i)] = bestRisk;
    if (hasLabels) {
      const int y = labels[size_t(i)];
      if (y >= k)
        return badProfile("label out of range", i, "0.." + std::to_string(k - 1), std::to_string(y));
      r.bestActionCost[size_t(i)] = costs(best, y);
    }
  }

  r.byRiskAscending.resize(size_t(n));
  std::iota(r.byRiskAscending.begin(), r.byRiskAscending.end(), 0);
  std::sort(r.byRiskAscending.begin(), r.byRiskAscending.end(), [&](int32_t x, int32_t y) {
    const double a = r.minRisk[size_t(x)], b = r.minRisk[size_t(y)];
    return a != b ? a < b : x < y;
  });
  r.sortedRisk.resize(size_t(n));
  r.riskPrefix.assign(size_t(n) + 1, 0.0);
  if (hasLabels) {
    r.costPrefix.assign(size_t(n) + 1, 0.0);
    r.correctPrefix.assign(size_t(n) + 1, 0);
  }
  for (int64_t j = 0; j < n; ++j) {
    const size_t i = size_t(r.byRiskAscending[size_t(j)]);
    r.sortedRisk[size_t(j)] = r.minRisk[i];
    r.riskPrefix[size_t(j) + 1] = r.riskPrefix[size_t(j)] + r.minRisk[i];
    if (hasLabels) {
      r.costPrefix[size_t(j) + 1] = r.costPrefix[size_t(j)] + r.bestActionCost[i];
      r.correctPrefix[size_t(j) + 1] = r.correctPrefix[size_t(j)] + (r.bestAction[i] == r.labels[i] ? 1 : 0);
    }
  }
  return r;
}

}  // namespace

const char* enumName(CostPreset preset) {
  switch (preset) {
    case CostPreset::ZeroOne:
      return "zero-one";
    case CostPreset::Confuse4And9:
      return "confuse-4-9";
    case CostPreset::Miss7:
      return "miss-7";
  }
  return "?";
}

std::optional<CostPreset> costPresetFromName(std::string_view name) {
  for (CostPreset preset : kCostPresets)
    if (name == enumName(preset)) return preset;
  return std::nullopt;
}

const char* presetLabel(CostPreset preset) {
  switch (preset) {
    case CostPreset::ZeroOne:
      return "0-1 loss";
    case CostPreset::Confuse4And9:
      return "Confusing 4 and 9 costs 10";
    case CostPreset::Miss7:
      return "Missing a 7 costs 5";
  }
  return "?";
}

CostMatrix zeroOneCosts(int numClasses) {
  CostMatrix m;
  m.numClasses = std::max(numClasses, 0);
  m.cost.assign(size_t(m.numClasses) * size_t(m.numClasses), 1.0);
  for (int a = 0; a < m.numClasses; ++a) m.at(a, a) = 0.0;
  return m;
}

CostMatrix costPreset(CostPreset preset, int numClasses) {
  CostMatrix m = zeroOneCosts(numClasses);
  if (numClasses < 10) return m;
  if (preset == CostPreset::Confuse4And9) {
    m.at(4, 9) = 10.0;
    m.at(9, 4) = 10.0;
  } else if (preset == CostPreset::Miss7) {
    for (int a = 0; a < numClasses; ++a)
      if (a != 7) m.at(a, 7) = 5.0;
  }
  return m;
}

Status validateCostMatrix(const CostMatrix& m) {
  if (m.numClasses < 1 || m.numClasses > 256)
    return makeError(ErrorCode::InvalidConfig, {}, -1, "1..256 classes", std::to_string(m.numClasses),
                     "cost matrix size");
  if (m.cost.size() != size_t(m.numClasses) * size_t(m.numClasses))
    return makeError(ErrorCode::InvalidConfig, {}, -1,
                     std::to_string(m.numClasses) + " x " + std::to_string(m.numClasses) + " entries",
                     std::to_string(m.cost.size()), "cost matrix size");
  for (int a = 0; a < m.numClasses; ++a)
    for (int k = 0; k < m.numClasses; ++k) {
      const double v = m(a, k);
      if (!std::isfinite(v) || v < 0)
        return makeError(ErrorCode::InvalidConfig, {}, -1, "a finite cost >= 0",
                         std::isnan(v) ? "NaN" : formatNumber(v), "cost matrix " + cellName(a, k));
    }
  return okStatus();
}

Result<CostMatrix> parseCostMatrixCsv(std::string_view text, int numClasses, const std::string& path) {
  auto fail = [&](int64_t offset, std::string detail, std::string expected, std::string found) -> Error {
    return makeError(ErrorCode::BadFormat, path, offset, std::move(expected), std::move(found),
                     std::move(detail));
  };
  if (numClasses < 1 || numClasses > 256)
    return fail(-1, "cost matrix size", "1..256 classes", std::to_string(numClasses));
  if (text.size() > kMaxCostCsvBytes)
    return fail(-1, "too large for a cost matrix", "at most " + std::to_string(kMaxCostCsvBytes) + " bytes",
                std::to_string(text.size()) + " bytes");
  const int k = numClasses;
  const std::string shape = std::to_string(k) + " rows of " + std::to_string(k) + " comma-separated costs";
  CostMatrix m;
  m.numClasses = k;
  m.cost.reserve(size_t(k) * size_t(k));

  size_t pos = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;  // UTF-8 byte-order mark
  int row = 0;
  while (pos < text.size()) {
    const size_t lineStart = pos;
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    pos = end + 1;
    const std::string_view line = trim(text.substr(lineStart, end - lineStart));
    if (line.empty() || line.front() == '#') continue;
    if (row == k)
      return fail(int64_t(lineStart), "more rows than the matrix has", shape,
                  "another row " + printable(line) + " after row " + std::to_string(k));
    // Fields of this row, searched inside the line only (linear in the input).
    const std::string_view lineRaw = text.substr(lineStart, end - lineStart);
    size_t fieldStart = 0;
    int col = 0;
    for (;;) {
      const size_t comma = lineRaw.find(',', fieldStart);
      const bool lastField = comma == std::string_view::npos;
      const std::string_view raw =
          lineRaw.substr(fieldStart, (lastField ? lineRaw.size() : comma) - fieldStart);
      const size_t leading = std::min(raw.find_first_not_of(" \t"), raw.size());
      const int64_t offset = int64_t(lineStart + fieldStart + leading);
      std::string_view field = trim(raw);
      if (field.size() >= 2 && field.front() == '"' && field.back() == '"')
        field = trim(field.substr(1, field.size() - 2));
      if (col == k)
        return fail(offset,
                    "row " + std::to_string(row + 1) + " (decision " + std::to_string(row) + ") is too long",
                    std::to_string(k) + " values",
                    "a value " + printable(field) + " in column " + std::to_string(k + 1));
      if (field.empty()) return fail(offset, cellName(row, col), "a number", "an empty field");
      std::string_view digits = field;
      if (digits.size() > 1 && digits.front() == '+' && digits[1] != '-') digits.remove_prefix(1);
      double v = 0;
      const auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), v);
      if (parsed.ec == std::errc::result_out_of_range)
        return fail(offset, cellName(row, col), "a finite cost >= 0", printable(field) + " (out of range)");
      if (parsed.ec != std::errc() || parsed.ptr != digits.data() + digits.size())
        return fail(offset, cellName(row, col), "a number", printable(field));
      if (std::isnan(v)) return fail(offset, cellName(row, col), "a finite cost >= 0", "NaN");
      if (std::isinf(v)) return fail(offset, cellName(row, col), "a finite cost >= 0", printable(field));
      if (v < 0) return fail(offset, cellName(row, col), "a cost >= 0", printable(field) + " (negative)");
      m.cost.push_back(v == 0 ? 0.0 : v);  // -0 reads as 0
      ++col;
      if (lastField) break;
      fieldStart = comma + 1;
    }
    if (col < k)
      return fail(int64_t(lineStart),
                  "row " + std::to_string(row + 1) + " (decision " + std::to_string(row) + ") is too short",
                  std::to_string(k) + " values", std::to_string(col) + " values");
    ++row;
  }
  if (row == 0) return fail(-1, "no cost rows", shape, "none");
  if (row < k) return fail(int64_t(text.size()), "too few rows", shape, std::to_string(row) + " rows");
  return m;
}

Result<CostMatrix> readCostMatrixCsv(const std::string& path, int numClasses) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return makeError(ErrorCode::NotFound, path);
  if (fs::is_directory(st)) return makeError(ErrorCode::IsDirectory, path);
  const uintmax_t size = fs::file_size(path, ec);
  if (ec) return makeError(ErrorCode::Unreadable, path, -1, {}, {}, ec.message());
  if (size == 0) return makeError(ErrorCode::Empty, path);
  if (size > kMaxCostCsvBytes)
    return makeError(ErrorCode::BadFormat, path, -1, "at most " + std::to_string(kMaxCostCsvBytes) + " bytes",
                     std::to_string(size) + " bytes", "too large for a cost matrix");
  std::ifstream in(path, std::ios::binary);
  if (!in) return makeError(ErrorCode::Unreadable, path);
  std::string text(size_t(size), '\0');
  in.read(text.data(), std::streamsize(size));
  text.resize(size_t(in.gcount()));  // the file may have shrunk meanwhile
  if (in.bad()) return makeError(ErrorCode::Unreadable, path);
  return parseCostMatrixCsv(text, numClasses, path);
}

std::string costMatrixCsv(const CostMatrix& m) {
  std::string s = "# C[a,k]: cost of deciding a (row a+1) when the true class is k (column k+1)\n";
  for (int a = 0; a < m.numClasses; ++a) {
    for (int k = 0; k < m.numClasses; ++k) {
      if (k > 0) s += ',';
      s += formatNumber(m(a, k));
    }
    s += '\n';
  }
  return s;
}

Status writeCostMatrixCsv(const std::string& path, const CostMatrix& costs) {
  if (Status s = validateCostMatrix(costs); !s.ok()) {
    Error e = s.error();
    e.path = path;
    return e;
  }
  return writeTextFile(path, costMatrixCsv(costs));
}

Result<RiskProfile> riskProfile(std::span<const float> probs, std::span<const uint8_t> labels,
                                const CostMatrix& costs) {
  return profileImpl(probs, labels, costs);
}

Result<RiskProfile> riskProfile(std::span<const double> probs, std::span<const uint8_t> labels,
                                const CostMatrix& costs) {
  return profileImpl(probs, labels, costs);
}

DecisionSummary decisionSummary(const RiskProfile& p, double c) {
  DecisionSummary s;
  s.rejectCost = c;
  s.numImages = p.numImages;
  if (!(c >= 0) || p.numImages == 0) return s;
  // Decided: R(a*|x) <= c.
  const int64_t decided =
      int64_t(std::upper_bound(p.sortedRisk.begin(), p.sortedRisk.end(), c) - p.sortedRisk.begin());
  const int64_t deferred = p.numImages - decided;
  const double n = double(p.numImages);
  const double deferCost = deferred > 0 ? c * double(deferred) : 0.0;  // c = +inf never defers
  s.decided = decided;
  s.deferred = deferred;
  s.deferralRate = double(deferred) / n;
  s.expectedCostPerImage = (p.riskPrefix[size_t(decided)] + deferCost) / n;
  if (p.hasLabels) {
    s.realisedCostPerImage = (p.costPrefix[size_t(decided)] + deferCost) / n;
    if (decided > 0) s.accuracyOnDecided = double(p.correctPrefix[size_t(decided)]) / double(decided);
  }
  return s;
}

std::vector<DecisionSummary> rejectSweep(const RiskProfile& profile, std::span<const double> rejectCosts) {
  std::vector<DecisionSummary> out;
  out.reserve(rejectCosts.size());
  for (double c : rejectCosts) out.push_back(decisionSummary(profile, c));
  return out;
}

Decisions decide(const RiskProfile& p, double c) {
  Decisions d;
  d.summary = decisionSummary(p, c);
  if (!(c >= 0)) return d;
  const size_t n = size_t(p.numImages);
  d.decision.resize(n);
  d.expectedCost.resize(n);
  if (p.hasLabels) d.realisedCost.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const bool defer = p.minRisk[i] > c;
    d.decision[i] = defer ? int8_t(kDeferred) : int8_t(p.bestAction[i]);
    d.expectedCost[i] = defer ? c : p.minRisk[i];
    if (p.hasLabels) d.realisedCost[i] = defer ? c : p.bestActionCost[i];
  }
  return d;
}

std::vector<int32_t> deferredImages(const RiskProfile& p, double c) {
  if (!(c >= 0)) return {};
  const auto first = std::upper_bound(p.sortedRisk.begin(), p.sortedRisk.end(), c);
  const size_t from = size_t(first - p.sortedRisk.begin());
  // Highest risk first, ties by ascending index: walk the tail backwards group by group.
  std::vector<int32_t> out;
  out.reserve(p.byRiskAscending.size() - from);
  size_t end = p.byRiskAscending.size();
  while (end > from) {
    size_t start = end - 1;
    while (start > from && p.sortedRisk[start - 1] == p.sortedRisk[end - 1]) --start;
    out.insert(out.end(), p.byRiskAscending.begin() + std::ptrdiff_t(start),
               p.byRiskAscending.begin() + std::ptrdiff_t(end));
    end = start;
  }
  return out;
}

double DecisionConfusion::totalCost() const { return std::accumulate(cost.begin(), cost.end(), 0.0); }

DecisionConfusion decisionConfusion(const RiskProfile& p, double c) {
  DecisionConfusion m;
  if (!p.hasLabels || !(c >= 0)) return m;
  const int k = p.numClasses;
  m.numClasses = k;
  const size_t cols = size_t(k) + 1;
  m.counts.assign(size_t(k) * cols, 0);
  m.cost.assign(size_t(k) * cols, 0.0);
  for (size_t i = 0; i < size_t(p.numImages); ++i) {
    const int y = p.labels[i];
    const bool defer = p.minRisk[i] > c;
    const size_t col = defer ? size_t(k) : size_t(p.bestAction[i]);
    ++m.counts[size_t(y) * cols + col];
  }
  for (int y = 0; y < k; ++y)
    for (size_t col = 0; col < cols; ++col) {
      const int64_t count = m.counts[size_t(y) * cols + col];
      if (count == 0) continue;
      const double unit = col == size_t(k) ? c : p.costs(int(col), y);
      m.cost[size_t(y) * cols + col] = double(count) * unit;
    }
  return m;
}

}  // namespace bnn
