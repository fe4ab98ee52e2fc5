#include "run/chain_health.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace bnn {

namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string where(Phase phase, int64_t step) {
  return std::string(phase == Phase::Warmup ? "warm-up" : "sampling") + " step " + std::to_string(step);
}

}  // namespace

double ChainHealth::chanceAccuracy(const std::vector<uint8_t>& labels, int numClasses) {
  if (labels.empty() || numClasses <= 0) return 0;
  std::vector<int64_t> count(static_cast<size_t>(std::max(numClasses, 256)), 0);
  for (uint8_t y : labels) ++count[y];
  return static_cast<double>(*std::max_element(count.begin(), count.end())) /
         static_cast<double>(labels.size());
}

double ChainHealth::suggestedStepSize(double h, bool larger) {
  const double v = larger ? h * 10 : h / 10;
  if (!(v > 0) || !std::isfinite(v)) return v;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2g", v);
  return std::strtod(buf, nullptr);
}

bool ChainHealth::canJudgeChance(double chance, int64_t images) {
  if (images <= 0) return false;
  return 0.1 * (1.0 - chance) >= 3.0 * std::sqrt(chance * (1.0 - chance) / static_cast<double>(images));
}

void ChainHealth::potential(Phase phase, int64_t step, double u) {
  if (!m_s.haveU0) {
    m_s.haveU0 = true;
    m_s.u0 = u;
    return;
  }
  if (!m_s.exploded && std::isfinite(m_s.u0) && u > kExplosionFactor * (m_s.u0 + m_equipartition)) {
    m_s.exploded = true;
    m_s.explodedPhase = phase;
    m_s.explodedStep = step;
    m_s.explodedU = u;
  }
}

void ChainHealth::evaluated(Phase phase, int64_t step, double accuracy) {
  const bool above = accuracy > chanceThreshold(m_chance);
  if (above) {
    m_s.aboveSeen = true;
    m_s.lastAbovePhase = phase;
    m_s.lastAboveStep = step;
  }
  if (phase == Phase::Sampling) {
    ++m_s.samplingEvals;
    m_s.samplingAbove += above;
    m_s.lastSamplingAccuracy = accuracy;
  }
}

std::string ChainHealth::divergedSuggestion(double h) {
  return "; suggested step size h = " + fmt("%g", suggestedStepSize(h, false)) + " or smaller";
}

std::optional<std::string> ChainHealth::warning(double ensemble, double movedRatio) const {
  std::vector<std::string> parts;
  bool larger = false;
  if (m_s.exploded)
    parts.push_back("the potential exploded at " + where(m_s.explodedPhase, m_s.explodedStep) +
                    ": U = " + fmt("%.3g", m_s.explodedU) + ", more than " + fmt("%g", kExplosionFactor) +
                    " times its value at the first step plus d T / 2 (" + fmt("%.3g", m_s.u0) + " + " +
                    fmt("%.3g", m_equipartition) + ")");
  const double limit = chanceThreshold(m_chance);
  const bool ensembleAtChance = !std::isnan(ensemble) && ensemble <= limit;
  if (canJudgeChance(m_chance, m_testImages) && m_s.samplingEvals > 0 && m_s.samplingAbove == 0 &&
      (std::isnan(ensemble) || ensembleAtChance)) {
    std::string s = "test accuracy at chance level after warm-up: ";
    if (!std::isnan(ensemble)) s += "ensemble " + fmt("%.4f", ensemble) + ", ";
    s += "last sample " + fmt("%.4f", m_s.lastSamplingAccuracy) +
         " (always answering the most common class scores " + fmt("%.4f", m_chance) + "; at most " +
         fmt("%.4f", limit) + " counts as chance), ";
    s += m_s.aboveSeen ? "at every evaluation after " + where(m_s.lastAbovePhase, m_s.lastAboveStep)
                       : std::string("at every evaluation of the run");
    parts.push_back(s);
    larger = !m_s.exploded && movedRatio < kStillRatio;
    if (larger) parts.back() += "; the parameters barely moved from their initialisation";
  }
  if (parts.empty()) return std::nullopt;
  std::string msg = "warning: " + parts[0];
  for (size_t i = 1; i < parts.size(); ++i) msg += "; " + parts[i];
  msg += " with step size h = " + fmt("%g", m_h) +
         "; suggested step size h = " + fmt("%g", suggestedStepSize(m_h, larger));
  return msg;
}

}  // namespace bnn
