#include "common/sampled_runs.h"

#include <utility>

#include "views/run_pair_picker.h"

namespace {

bool hasSamples(const ViewRun& r) { return r.result && r.result->samples; }

}  // namespace

SampledRuns::SampledRuns(RunPairPicker* picker, QObject* parent) : QObject(parent), m_picker(picker) {
  connect(m_picker, &RunPairPicker::primaryChosen, this, [this](const QString& id) {
    m_userChose = true;
    if (id == m_comparison) m_comparison.clear();
    m_primary = id;
    refreshPicker();
    Q_EMIT shownChanged();
  });
  connect(m_picker, &RunPairPicker::comparisonChosen, this, &SampledRuns::setComparison);
  connect(m_picker, &RunPairPicker::swapRequested, this, [this] {
    if (m_comparison.isEmpty()) return;
    std::swap(m_primary, m_comparison);
    m_userChose = true;
    refreshPicker();
    Q_EMIT shownChanged();
  });
}

bool SampledRuns::setRun(const ViewRun& run) {
  const bool isNew = !m_runs.contains(run.id);
  const ViewRun old = m_runs.value(run.id);
  const bool samplesChanged =
      isNew || (old.result ? old.result->samples : nullptr) != (run.result ? run.result->samples : nullptr);
  m_runs[run.id] = run;
  if (isNew) m_order << run.id;
  const QString before = m_primary;
  if (m_primary.isEmpty()) {
    m_primary = run.id;
  } else if (!m_userChose && run.id != m_primary && hasSamples(run) && !hasSamples(m_runs[m_primary])) {
    m_primary = run.id;
  }
  if (m_comparison == m_primary) m_comparison.clear();
  refreshPicker();
  if (before != m_primary || run.id == m_primary || run.id == m_comparison) Q_EMIT shownChanged();
  applyWanted();
  return samplesChanged;
}

void SampledRuns::setPair(const QString& primary, const QString& comparison) {
  m_userChose = true;
  m_wantedPrimary = primary;
  m_wantedComparison = comparison == primary ? QString() : comparison;
  applyWanted();
}

void SampledRuns::applyWanted() {
  bool changed = false;
  if (!m_wantedPrimary.isEmpty() && m_runs.contains(m_wantedPrimary)) {
    if (m_primary != m_wantedPrimary) {
      if (m_comparison == m_wantedPrimary) m_comparison.clear();
      m_primary = m_wantedPrimary;
      changed = true;
    }
    m_wantedPrimary.clear();
  }
  if (m_wantedPrimary.isEmpty() && !m_wantedComparison.isEmpty() && m_runs.contains(m_wantedComparison) &&
      m_wantedComparison != m_primary) {
    changed = changed || m_comparison != m_wantedComparison;
    m_comparison = m_wantedComparison;
    m_wantedComparison.clear();
  }
  if (!changed) return;
  refreshPicker();
  Q_EMIT shownChanged();
}

void SampledRuns::removeRun(const QString& id) {
  if (!m_runs.contains(id)) return;
  m_runs.remove(id);
  m_order.removeAll(id);
  if (m_wantedPrimary == id) m_wantedPrimary.clear();
  if (m_wantedComparison == id) m_wantedComparison.clear();
  if (m_primary == id) m_primary = m_comparison, m_comparison.clear();
  if (m_comparison == id) m_comparison.clear();
  if (m_primary.isEmpty() && !m_order.isEmpty()) {
    m_primary = m_order.front();
    for (const QString& o : m_order)
      if (hasSamples(m_runs[o])) {
        m_primary = o;
        break;
      }
  }
  refreshPicker();
  Q_EMIT shownChanged();
}

void SampledRuns::select(const QString& id) {
  if (!m_runs.contains(id) || id == m_primary) return;
  if (id == m_comparison) m_comparison.clear();
  m_primary = id;
  m_userChose = true;
  refreshPicker();
  Q_EMIT shownChanged();
}

void SampledRuns::setComparison(const QString& id) {
  const QString c = (id == m_primary || !m_runs.contains(id)) ? QString() : id;
  if (c == m_comparison) return;
  m_comparison = c;
  refreshPicker();
  Q_EMIT shownChanged();
}

const ViewRun* SampledRuns::run(const QString& id) const {
  const auto it = m_runs.constFind(id);
  return it == m_runs.constEnd() ? nullptr : &*it;
}

QStringList SampledRuns::shownIds() const {
  QStringList ids;
  for (const QString& id : {m_primary, m_comparison})
    if (!id.isEmpty() && m_runs.contains(id)) ids << id;
  return ids;
}

QString SampledRuns::problem(const ViewRun& run) {
  if (!run.result)
    return run.running ? QStringLiteral("The run is still sampling; its samples come when it ends.")
                       : QStringLiteral("Nothing has been sampled yet.");
  if (!run.result->samples) {
    if (run.running) return QStringLiteral("The run is still sampling; its samples come when it ends.");
    return QString::fromStdString(bnn::whySamplesUnavailable(*run.result));
  }
  return {};
}

void SampledRuns::refreshPicker() {
  QList<RunPairPicker::Entry> entries;
  for (const QString& id : m_order) {
    const ViewRun& r = m_runs[id];
    QString label = r.name;
    if (!r.result || (!r.result->samples && r.running))
      label += QStringLiteral(" (still sampling)");
    else if (!r.result->samples)
      label += QStringLiteral(" (no kept samples)");
    entries.append({id, label, r.color});
  }
  m_picker->setEntries(entries, m_primary, m_comparison);
}
