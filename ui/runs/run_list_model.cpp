#include "runs/run_list_model.h"

#include <algorithm>

#include <QRegularExpression>
#include <cmath>

#include "common/dataset_text.h"
#include "common/display_path.h"
#include "runs/run_colors.h"

namespace {

QString samplerText(const bnn::RunConfig& c) {
  QString s;
  switch (c.sampler) {
    case bnn::SamplerKind::Sgld:
      s = QStringLiteral("SGLD");
      break;
    case bnn::SamplerKind::Sghmc:
      s = QStringLiteral("SGHMC (%1)").arg(c.sghmcForm == bnn::SghmcForm::Chen ? "Chen" : "Ma");
      if (c.samplingPhaseUsesSgld) s += QStringLiteral(", SGLD sampling");
      break;
    case bnn::SamplerKind::Psgld:
      s = QStringLiteral("pSGLD");
      break;
    case bnn::SamplerKind::Sgnht:
      s = QStringLiteral("SGNHT");
      break;
  }
  if (c.schedule != bnn::ScheduleKind::Constant) s += QStringLiteral(", %1").arg(bnn::enumName(c.schedule));
  if (c.chains > 1)  // a K-chain group: the pooled row, or one of its chains
    s += c.chainIndex < 0 ? QStringLiteral(", %1 chains pooled").arg(c.chains)
                          : QStringLiteral(", chain %1 of %2").arg(c.chainIndex).arg(c.chains);
  return s;
}

QString statusText(const RunRecord& r) {
  if (r.evaluation && r.status == bnn::RunStatus::Completed) return QStringLiteral("Evaluated");
  if (r.recovered && r.status == bnn::RunStatus::Completed) return QStringLiteral("Recovered");
  if (r.loaded && r.status == bnn::RunStatus::Completed) return QStringLiteral("Loaded");
  switch (r.status) {
    case bnn::RunStatus::Running:
      if (r.hasProgress)
        return QStringLiteral("%1 %2/%3")
            .arg(r.progress.phase == bnn::Phase::Warmup ? "Warm-up" : "Sampling")
            .arg(r.progress.step)
            .arg(r.progress.phaseSteps);
      return QStringLiteral("Starting");
    case bnn::RunStatus::Completed:
      return QStringLiteral("Completed");
    case bnn::RunStatus::Cancelled:
      return QStringLiteral("Cancelled");
    case bnn::RunStatus::Diverged:
      return QStringLiteral("Diverged");
    case bnn::RunStatus::Failed:
      return QStringLiteral("Failed");
    case bnn::RunStatus::Warning:
      return QStringLiteral("Warning");
  }
  return {};
}

}  // namespace

double RunRecord::ensembleAccuracy() const {
  if (result && result->predictive.sampleCount() > 0) return result->ensembleAccuracy();
  for (auto it = curve.rbegin(); it != curve.rend(); ++it)
    if (it->phase == bnn::Phase::Sampling && !std::isnan(it->ensembleAccuracy)) return it->ensembleAccuracy;
  return std::nan("");
}

qint64 RunRecord::samples() const {
  if (result) return result->predictive.sampleCount();
  for (auto it = curve.rbegin(); it != curve.rend(); ++it)
    if (it->phase == bnn::Phase::Sampling) return it->samples;
  return 0;
}

RunListModel::RunListModel(QObject* parent) : QAbstractTableModel(parent) {}

bool RunListModel::isValidRow(const QModelIndex& index) const {
  return index.isValid() && index.model() == this && !index.parent().isValid() && index.row() >= 0 &&
         index.row() < rowCount() && index.column() >= 0 && index.column() < ColumnCount;
}

int RunListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_records.size());
}

int RunListModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant RunListModel::data(const QModelIndex& index, int role) const {
  if (!isValidRow(index)) return {};
  const RunRecord& r = recordAt(index.row());
  if (role == IdRole) return r.id;
  switch (index.column()) {
    case NameColumn:
      // The chains of a K-chain run are indented under the group's pooled row.
      if (role == Qt::DisplayRole && !r.groupId.isEmpty()) return QStringLiteral("    \u21b3 ") + r.name;
      if (role == Qt::DisplayRole || role == Qt::EditRole) return r.name;
      if (role == Qt::CheckStateRole) return r.shown ? Qt::Checked : Qt::Unchecked;
      if (role == Qt::DecorationRole) return r.color;
      if (role == Qt::ToolTipRole)
        return QStringLiteral("%1\n%2\nChecked: shown in the charts. Double-click to rename.")
            .arg(r.name, r.dataset.isEmpty() ? QStringLiteral("Dataset not recorded") : r.dataset);
      break;
    case DatasetColumn:
      if (role == Qt::DisplayRole) return r.dataset.isEmpty() ? QStringLiteral("–") : r.dataset;
      if (role == Qt::ToolTipRole) {
        QString t = r.datasetTip.isEmpty() ? QStringLiteral("Dataset not recorded") : r.datasetTip;
        if (r.evaluation && r.result && r.result->evaluation.isEvaluation()) {
          const bnn::EvaluationInfo& e = r.result->evaluation;
          t += QStringLiteral("\nKept samples of %1, %2 split")
                   .arg(QString::fromStdString(e.sourceName), QString::fromStdString(e.split));
          if (!e.transform.empty())
            t += QStringLiteral(", transform %1").arg(QString::fromStdString(e.transform));
        }
        return t;
      }
      break;
    case SamplerColumn:
      if (role == Qt::DisplayRole) return samplerText(r.config);
      if (role == Qt::ToolTipRole)
        return QStringLiteral("step size h = %1, batch %2, seed %3")
            .arg(r.config.stepSize)
            .arg(r.config.batchSize)
            .arg(r.config.seed);
      break;
    case StatusColumn:
      if (role == Qt::DisplayRole) return statusText(r);
      if (role == Qt::ToolTipRole && !r.message.isEmpty()) return r.message;
      // A chain that failed, loudly or quietly, is not shown like a success.
      if (role == Qt::ForegroundRole && r.status == bnn::RunStatus::Warning) return QColor(0xb2, 0x5e, 0x00);
      if (role == Qt::ForegroundRole &&
          (r.status == bnn::RunStatus::Diverged || r.status == bnn::RunStatus::Failed))
        return QColor(0xc6, 0x28, 0x28);
      break;
    case SamplesColumn:
      if (role == Qt::DisplayRole) return r.samples();
      if (role == Qt::TextAlignmentRole) return int(Qt::AlignRight | Qt::AlignVCenter);
      break;
    case AccuracyColumn:
      if (role == Qt::DisplayRole) {
        const double a = r.ensembleAccuracy();
        return std::isnan(a) ? QString() : QString::number(a, 'f', 4);
      }
      if (role == Qt::ToolTipRole) return QStringLiteral("Running-average (ensemble) test accuracy");
      if (role == Qt::TextAlignmentRole) return int(Qt::AlignRight | Qt::AlignVCenter);
      break;
    case SourceColumn:
      if (role == Qt::DisplayRole)
        return r.path.isEmpty() ? QStringLiteral("not saved") : displayPath(r.path);
      if (role == Qt::ToolTipRole)
        return r.path.isEmpty() && r.recovered
                   ? QStringLiteral(
                         "Restored from the recovery folder after the application ended without "
                         "closing; save it to keep it")
                   : r.path;
      break;
    default:
      break;
  }
  return {};
}

bool RunListModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (!isValidRow(index) || index.column() != NameColumn) return false;
  const QString id = recordAt(index.row()).id;
  if (role == Qt::EditRole) return rename(id, value.toString());
  if (role == Qt::CheckStateRole) {
    setShown(id, value.toInt() == Qt::Checked);
    return true;
  }
  return false;
}

Qt::ItemFlags RunListModel::flags(const QModelIndex& index) const {
  if (!isValidRow(index)) return Qt::NoItemFlags;
  Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
  if (index.column() == NameColumn) f |= Qt::ItemIsEditable | Qt::ItemIsUserCheckable;
  return f;
}

QVariant RunListModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case NameColumn:
      return QStringLiteral("Run");
    case SamplerColumn:
      return QStringLiteral("Sampler");
    case DatasetColumn:
      return QStringLiteral("Data");
    case StatusColumn:
      return QStringLiteral("Status");
    case SamplesColumn:
      return QStringLiteral("Samples");
    case AccuracyColumn:
      return QStringLiteral("Ensemble acc.");
    case SourceColumn:
      return QStringLiteral("Folder");
    default:
      return {};
  }
}

QColor RunListModel::nextColor() { return runColor(m_colorIndex++); }

QString RunListModel::uniqueName(const QString& base) const {
  QString b = base.trimmed().isEmpty() ? QStringLiteral("Run") : base.trimmed();
  auto used = [&](const QString& n) {
    for (const RunRecord& r : m_records)
      if (r.name == n) return true;
    return false;
  };
  if (!used(b)) return b;
  static const QRegularExpression kNumbered(QStringLiteral("^(.*\\S) \\((\\d+)\\)$"));
  int first = 2;
  if (const auto m = kNumbered.match(b); m.hasMatch()) {
    b = m.captured(1);
    first = std::max(2, m.captured(2).toInt() + 1);
  }
  for (int i = first;; ++i) {
    const QString n = QStringLiteral("%1 (%2)").arg(b).arg(i);
    if (!used(n)) return n;
  }
}

RunRecord RunListModel::finishedRecord(const QString& id, const QString& name,
                                       std::shared_ptr<const bnn::RunResult> result) {
  RunRecord r;
  r.id = id;
  r.name = uniqueName(name);
  r.color = nextColor();
  r.config = result->config;
  r.status = result->outcome.status;
  r.message = QString::fromStdString(result->outcome.message);
  r.dataset = datasetShortLabel(*result);
  r.datasetTip = datasetToolTip(*result);
  r.result = std::move(result);
  return r;
}

QString RunListModel::insertRecord(RunRecord r, int row) {
  beginInsertRows({}, row, row);
  m_records.insert(m_records.begin() + row, std::move(r));
  endInsertRows();
  ++m_chartVersion;
  return m_records[static_cast<size_t>(row)].id;
}

void RunListModel::addLiveRun(const QString& id, const QString& name, const bnn::RunConfig& config,
                              const bnn::Dataset* data) {
  RunRecord r;
  r.id = id;
  if (data) {
    r.dataset = datasetShortLabel(*data);
    r.datasetTip = datasetToolTip(*data);
  }
  r.name = uniqueName(name);
  r.color = nextColor();
  r.config = config;
  r.live = true;
  Q_EMIT runUpdated(insertRecord(std::move(r), rowCount()));
}

QString RunListModel::addLoadedRun(const QString& name, std::shared_ptr<const bnn::RunResult> result,
                                   const QString& path) {
  RunRecord r = finishedRecord(QStringLiteral("loaded-%1").arg(++m_loadedCount), name, std::move(result));
  r.loaded = true;
  r.curve = r.result->curve;
  r.curveVersion = 1;
  r.evaluation = r.result->evaluation.isEvaluation();
  r.path = path;
  const QString id = insertRecord(std::move(r), rowCount());
  Q_EMIT runUpdated(id);
  return id;
}

QString RunListModel::addPooledRun(const QString& name, std::shared_ptr<const bnn::RunResult> result,
                                   const QStringList& chainIds, const QString& path) {
  RunRecord r = finishedRecord(QStringLiteral("pooled-%1").arg(++m_loadedCount), name, std::move(result));
  r.loaded = !path.isEmpty();
  r.path = path;
  // Above its first chain; the chains are shown indented under it.
  int first = rowCount();
  for (const QString& c : chainIds)
    if (const int row = rowOf(c); row >= 0) first = std::min(first, row);
  const QString id = insertRecord(std::move(r), first);
  for (const QString& c : chainIds)
    if (RunRecord* chain = find(c)) {
      chain->groupId = id;
      rowChanged(rowOf(c));
    }
  Q_EMIT runUpdated(id);
  return id;
}

QString RunListModel::addRecoveredRun(const QString& name, std::shared_ptr<const bnn::RunResult> result) {
  const QString id = addLoadedRun(name, std::move(result), QString());
  m_records.back().recovered = true;
  rowChanged(rowCount() - 1);
  return id;
}

QString RunListModel::addEvaluation(const QString& name, std::shared_ptr<const bnn::RunResult> result,
                                    const QString& sourceId) {
  RunRecord r = finishedRecord(QStringLiteral("eval-%1").arg(++m_evaluationCount), name, std::move(result));
  r.evaluation = true;
  r.sourceId = sourceId;
  const QString id = insertRecord(std::move(r), rowCount());
  Q_EMIT runUpdated(id);
  return id;
}

QStringList RunListModel::unsavedRuns() const {
  QStringList out;
  for (const RunRecord& r : m_records)
    if (r.unsaved()) out << r.id;
  return out;
}

void RunListModel::removeRun(const QString& id) {
  const int row = rowOf(id);
  if (row < 0) return;
  Q_EMIT runAboutToBeRemoved(id);
  beginRemoveRows({}, row, row);
  m_records.erase(m_records.begin() + row);
  endRemoveRows();
  ++m_chartVersion;
}

RunRecord* RunListModel::find(const QString& id) {
  const int row = rowOf(id);
  return row < 0 ? nullptr : &m_records[static_cast<size_t>(row)];
}

int RunListModel::rowOf(const QString& id) const {
  for (size_t i = 0; i < m_records.size(); ++i)
    if (m_records[i].id == id) return static_cast<int>(i);
  return -1;
}

const RunRecord* RunListModel::record(const QString& id) const {
  const int row = rowOf(id);
  return row < 0 ? nullptr : &m_records[static_cast<size_t>(row)];
}

QString RunListModel::idAt(int row) const {
  return row >= 0 && row < rowCount() ? m_records[static_cast<size_t>(row)].id : QString();
}

QStringList RunListModel::ids() const {
  QStringList out;
  for (const RunRecord& r : m_records) out << r.id;
  return out;
}

void RunListModel::rowChanged(int row, int firstColumn, int lastColumn) {
  Q_EMIT dataChanged(index(row, firstColumn), index(row, lastColumn));
}

void RunListModel::appendCurve(const QString& id, const QList<bnn::CurvePoint>& points) {
  RunRecord* r = find(id);
  if (!r || points.isEmpty()) return;
  r->curve.insert(r->curve.end(), points.begin(), points.end());
  ++r->curveVersion;
  ++m_chartVersion;
  rowChanged(rowOf(id), SamplesColumn, AccuracyColumn);
}

void RunListModel::setProgress(const QString& id, const bnn::ChainProgress& progress) {
  RunRecord* r = find(id);
  if (!r) return;
  const bool first = !r->hasProgress;
  r->progress = progress;
  r->hasProgress = true;
  rowChanged(rowOf(id), StatusColumn, StatusColumn);
  if (first) Q_EMIT runUpdated(id);
}

void RunListModel::setSnapshot(const QString& id, std::shared_ptr<const bnn::RunResult> snapshot) {
  RunRecord* r = find(id);
  if (!r) return;
  r->snapshot = std::move(snapshot);
  Q_EMIT runUpdated(id);
}

void RunListModel::setResult(const QString& id, std::shared_ptr<const bnn::RunResult> result) {
  RunRecord* r = find(id);
  if (!r || !result) return;
  r->live = false;
  r->status = result->outcome.status;
  r->message = QString::fromStdString(result->outcome.message);
  // The final curve is authoritative (it holds every point even if a drain was missed).
  if (result->curve.size() >= r->curve.size()) {
    r->curve = result->curve;
    ++r->curveVersion;
    ++m_chartVersion;
  }
  r->result = std::move(result);
  r->snapshot.reset();
  rowChanged(rowOf(id));
  Q_EMIT runUpdated(id);
}

void RunListModel::setPath(const QString& id, const QString& path) {
  RunRecord* r = find(id);
  if (!r) return;
  r->path = path;
  rowChanged(rowOf(id), SourceColumn, SourceColumn);
}

bool RunListModel::rename(const QString& id, const QString& name) {
  RunRecord* r = find(id);
  const QString n = name.trimmed();
  if (!r || n.isEmpty()) return false;
  if (r->name == n) return true;
  r->name = n;
  ++m_chartVersion;
  rowChanged(rowOf(id), NameColumn, NameColumn);
  Q_EMIT runRenamed(id, n);
  Q_EMIT runUpdated(id);
  return true;
}

void RunListModel::setShown(const QString& id, bool shown) {
  RunRecord* r = find(id);
  if (!r || r->shown == shown) return;
  r->shown = shown;
  ++m_chartVersion;
  const int row = rowOf(id);
  Q_EMIT dataChanged(index(row, NameColumn), index(row, NameColumn), {Qt::CheckStateRole});
  Q_EMIT shownChanged(id, shown);
}
