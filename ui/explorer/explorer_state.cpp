#include "explorer/explorer_state.h"

#include <algorithm>

#include "views/run_pair_picker.h"

QString ExplorerRun::problem() const {
  if (hasSamples()) return {};
  if (analysis && analysis->run == result) return analysis->problem;
  if (result && result->predictive.sampleCount() <= 0) return QStringLiteral("nothing has been sampled yet");
  if (!result) return QStringLiteral("nothing has been sampled yet");
  return QStringLiteral("analysing…");
}

ExplorerState::ExplorerState(QObject* parent) : QObject(parent) {}

ExplorerRun* ExplorerState::find(const QString& id) {
  for (ExplorerRun& r : m_runs)
    if (r.id == id) return &r;
  return nullptr;
}

const ExplorerRun* ExplorerState::run(const QString& id) const {
  if (id.isEmpty()) return nullptr;
  for (const ExplorerRun& r : m_runs)
    if (r.id == id) return &r;
  return nullptr;
}

const ExplorerRun* ExplorerState::comparison() const {
  return m_comparison == m_primary ? nullptr : run(m_comparison);
}

void ExplorerState::setRun(const ViewRun& v) {
  ExplorerRun* r = find(v.id);
  const bool added = !r;
  if (added) {
    m_runs.push_back({});
    r = &m_runs.back();
    r->id = v.id;
  }
  const bool labelChanged = added || r->name != v.name || r->color != v.color || r->running != v.running;
  const bool resultChanged = r->result != v.result;
  r->name = v.name;
  r->color = v.color;
  r->running = v.running;
  r->result = v.result;
  const bool shown = v.id == m_primary || v.id == m_comparison;
  if (m_primary.isEmpty() || v.id == m_wantedPrimary) {
    // The first run, or one the user picked in the run list before it arrived here.
    m_primary = v.id;
    if (v.id == m_wantedPrimary) m_wantedPrimary.clear();  // else still wanted when it arrives
    m_selected = -1;
    if (!applyWantedComparison()) {
      Q_EMIT runsChanged();
      Q_EMIT shownChanged();
      requestAnalyses();
    }
    return;
  }
  if (applyWantedComparison()) return;
  if (labelChanged) Q_EMIT runsChanged();
  if (shown && labelChanged) Q_EMIT shownChanged();
  if (shown && resultChanged) requestAnalyses();
}

bool ExplorerState::applyWantedComparison() {
  if (m_wantedComparison.isEmpty() || !m_wantedPrimary.isEmpty() || !run(m_wantedComparison) ||
      m_wantedComparison == m_primary)
    return false;
  m_comparison = m_wantedComparison;
  m_wantedComparison.clear();
  Q_EMIT runsChanged();
  Q_EMIT shownChanged();
  requestAnalyses();
  return true;
}

void ExplorerState::setPair(const QString& primary, const QString& comparison) {
  m_wantedComparison = comparison == primary ? QString() : comparison;
  setPrimary(primary);
  applyWantedComparison();
}

void ExplorerState::removeRun(const QString& id) {
  auto it = std::find_if(m_runs.begin(), m_runs.end(), [&](const ExplorerRun& r) { return r.id == id; });
  if (it == m_runs.end()) return;
  const bool shown = id == m_primary || id == m_comparison;
  m_runs.erase(it);
  if (id == m_wantedComparison) m_wantedComparison.clear();
  if (id == m_comparison) m_comparison.clear();
  if (id == m_primary) {
    m_primary = m_runs.empty() ? QString() : m_runs.front().id;
    if (m_primary == m_comparison) m_comparison.clear();
    m_selected = -1;
  }
  Q_EMIT runsChanged();
  if (shown) {
    Q_EMIT shownChanged();
    requestAnalyses();
  }
}

void ExplorerState::setAnalysis(const QString& id, std::shared_ptr<const RunAnalysis> analysis) {
  ExplorerRun* r = find(id);
  if (!r || !analysis) return;
  // Keep a newer analysis (results only grow: a final result follows its snapshots).
  if (r->analysis && r->analysis->run == r->result && analysis->run != r->result) return;
  const bool hadSamples = r->hasSamples();
  r->analysis = std::move(analysis);
  if (hadSamples != r->hasSamples()) Q_EMIT runsChanged();
  if (id == m_primary || id == m_comparison) Q_EMIT shownChanged();
}

void ExplorerState::setPrimary(const QString& id) {
  if (!run(id)) {
    m_wantedPrimary = id;
    return;
  }
  m_wantedPrimary.clear();
  if (id == m_primary) return;
  if (id == m_comparison) m_comparison = m_primary;  // picking the compared run swaps the two
  m_primary = id;
  m_selected = -1;
  Q_EMIT runsChanged();
  Q_EMIT shownChanged();
  requestAnalyses();
}

void ExplorerState::setComparison(const QString& id) {
  const QString c = (id == m_primary || !run(id)) ? QString() : id;
  if (c == m_comparison) return;
  m_comparison = c;
  Q_EMIT runsChanged();
  Q_EMIT shownChanged();
  requestAnalyses();
}

void ExplorerState::swap() {
  if (!comparison()) return;
  std::swap(m_primary, m_comparison);
  m_selected = -1;
  Q_EMIT runsChanged();
  Q_EMIT shownChanged();
  requestAnalyses();
}

void ExplorerState::setThreshold(double t) {
  t = std::clamp(t, kMinThreshold, kMaxThreshold);
  if (t == m_threshold) return;
  m_threshold = t;
  Q_EMIT thresholdChanged(t);
}

void ExplorerState::setSelectedImage(int image) {
  if (image == m_selected) return;
  m_selected = image;
  Q_EMIT selectedImageChanged(image);
}

void ExplorerState::requestAnalyses() {
  for (const QString& id : {m_primary, m_comparison}) {
    const ExplorerRun* r = run(id);
    if (r && r->result && !r->upToDate()) Q_EMIT analysisWanted(id);
  }
}

void ExplorerState::showIn(RunPairPicker& picker) const {
  QList<RunPairPicker::Entry> entries;
  for (const ExplorerRun& r : m_runs) {
    QString label = r.name;
    if (!r.result || r.result->predictive.sampleCount() <= 0)
      label += QStringLiteral(" (nothing sampled yet)");
    entries.append({r.id, label, r.color});
  }
  picker.setEntries(entries, m_primary, m_comparison);
}
