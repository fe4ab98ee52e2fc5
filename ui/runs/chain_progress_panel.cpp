#include "runs/chain_progress_panel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>
#include <cmath>

#include "common/elided_label.h"

namespace {

QString durationText(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return QStringLiteral("–");
  const qint64 s = qint64(std::llround(seconds));
  if (s >= 3600)
    return QStringLiteral("%1:%2:%3")
        .arg(s / 3600)
        .arg(s / 60 % 60, 2, 10, QLatin1Char('0'))
        .arg(s % 60, 2, 10, QLatin1Char('0'));
  return QStringLiteral("%1:%2").arg(s / 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0'));
}

constexpr int kVisibleRows = 2;

}  // namespace

ChainProgressPanel::ChainProgressPanel(QWidget* parent) : QWidget(parent) {
  auto* outer = new QHBoxLayout(this);
  outer->setContentsMargins(4, 2, 4, 2);
  outer->setSpacing(6);
  auto* rowsHost = new QWidget;
  auto* hostLayout = new QVBoxLayout(rowsHost);
  hostLayout->setContentsMargins(0, 0, 0, 0);
  hostLayout->setSpacing(2);
  m_empty = new QLabel(
      QStringLiteral("No chain running. Choose a preset and press Run, or Compare SGLD vs SGHMC."), rowsHost);
  m_empty->setEnabled(false);
  hostLayout->addWidget(m_empty);
  m_rowsLayout = new QVBoxLayout;
  m_rowsLayout->setSpacing(2);
  hostLayout->addLayout(m_rowsLayout);
  hostLayout->addStretch(1);
  m_scroll = new QScrollArea(this);
  m_scroll->setWidget(rowsHost);
  m_scroll->setWidgetResizable(true);
  m_scroll->setFrameShape(QFrame::NoFrame);
  m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  // Room for two rows whatever happens; a third and more scroll.
  QPushButton probe(QStringLiteral("Stop"));
  const int rowHeight = std::max(probe.sizeHint().height(), QProgressBar().sizeHint().height());
  m_scroll->setFixedHeight(kVisibleRows * rowHeight + (kVisibleRows - 1) * 2 + 2);
  outer->addWidget(m_scroll, 1);
  m_clear = new QPushButton(QStringLiteral("Clear finished"), this);
  m_clear->setToolTip(
      QStringLiteral("Remove the progress rows of finished chains (the runs stay in the run list)"));
  connect(m_clear, &QPushButton::clicked, this, &ChainProgressPanel::clearFinished);
  outer->addWidget(m_clear, 0, Qt::AlignTop);
  setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
  updateVisibility();
}

ChainProgressPanel::Row& ChainProgressPanel::addRow(const QString& id, const QString& name,
                                                    const QColor& color, const QString& dataset) {
  Row row;
  row.dataset = dataset;
  row.widget = new QWidget;
  auto* h = new QHBoxLayout(row.widget);
  h->setContentsMargins(0, 0, 0, 0);
  auto* swatch = new QLabel(row.widget);
  swatch->setFixedSize(12, 12);
  swatch->setStyleSheet(QStringLiteral("background:%1; border-radius:2px;").arg(color.name()));
  h->addWidget(swatch);
  row.name = new ElidedLabel(dataset.isEmpty() ? name : name + QStringLiteral(" · ") + dataset, row.widget);
  row.name->setMinimumChars(14);
  row.name->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
  h->addWidget(row.name, 2);
  row.bar = new QProgressBar(row.widget);
  row.bar->setRange(0, 1000);
  row.bar->setValue(0);
  row.bar->setFormat(QStringLiteral("starting"));
  row.bar->setMinimumWidth(140);
  h->addWidget(row.bar, 3);
  row.detail = new ElidedLabel(QString(), row.widget);
  row.detail->setMinimumChars(24);
  h->addWidget(row.detail, 5);
  row.stop = new QPushButton(QStringLiteral("Stop"), row.widget);
  row.stop->setToolTip(QStringLiteral("Cancel this chain (it stops within one step)"));
  QSizePolicy keep = row.stop->sizePolicy();
  keep.setRetainSizeWhenHidden(true);  // the row keeps its layout when the chain finishes
  row.stop->setSizePolicy(keep);
  connect(row.stop, &QPushButton::clicked, this, [this, id] { Q_EMIT stopRequested(id); });
  h->addWidget(row.stop);
  m_rowsLayout->addWidget(row.widget);
  auto it = m_rows.insert(id, row);
  updateVisibility();
  m_scroll->ensureWidgetVisible(row.widget);
  return *it;
}

void ChainProgressPanel::addChain(const QString& id, const QString& name, const QColor& color,
                                  const bnn::RunConfig& config, const QString& dataset,
                                  const QString& datasetTip) {
  Row& row = addRow(id, name, color, dataset);
  row.config = config;
  if (!datasetTip.isEmpty())
    row.name->setToolTipSuffix(
        QStringLiteral("%1\nThe chain keeps this data until it ends.").arg(datasetTip));
}

void ChainProgressPanel::addEvaluation(const QString& id, const QString& name, const QString& dataset) {
  Row& row = addRow(id, name, palette().color(QPalette::Mid), QString());
  row.name->setToolTipSuffix(QStringLiteral("Evaluating the kept samples on %1").arg(dataset));
  row.bar->setFormat(QStringLiteral("reading data"));
  row.stop->setText(QStringLiteral("Cancel"));
  row.stop->setToolTip(QStringLiteral("Cancel this evaluation (it stops within one sample)"));
}

void ChainProgressPanel::setEvaluationProgress(const QString& id, qint64 done, qint64 total) {
  auto it = m_rows.find(id);
  if (it == m_rows.end() || it->finished || total <= 0) return;
  it->bar->setValue(int(1000 * done / total));
  it->bar->setFormat(QStringLiteral("evaluating %1/%2").arg(done).arg(total));
  it->detail->setText(QStringLiteral("sample %1 of %2 kept samples").arg(done).arg(total));
}

void ChainProgressPanel::setEvaluationFinished(const QString& id, const QString& status,
                                               const QString& detail) {
  auto it = m_rows.find(id);
  if (it == m_rows.end()) return;
  it->finished = true;
  it->stop->setEnabled(false);
  it->stop->hide();
  if (status == QLatin1String("Completed")) it->bar->setValue(1000);
  it->bar->setFormat(status);
  it->detail->setText(detail);
  updateVisibility();
}

void ChainProgressPanel::setProgress(const QString& id, const bnn::ChainProgress& p) {
  auto it = m_rows.find(id);
  if (it == m_rows.end() || it->finished) return;
  const bool warm = p.phase == bnn::Phase::Warmup;
  const double total = double(it->config.warmupSteps + it->config.samplingSteps);
  const double done = (warm ? 0.0 : double(it->config.warmupSteps)) + double(p.step);
  it->bar->setValue(total > 0 ? int(1000 * done / total) : 0);
  it->bar->setFormat(QStringLiteral("%1 %2/%3")
                         .arg(warm ? QStringLiteral("warm-up") : QStringLiteral("sampling"))
                         .arg(p.step)
                         .arg(p.phaseSteps));
  QString detail = QStringLiteral("%1 steps/s · %2 left")
                       .arg(p.stepsPerSecond, 0, 'f', p.stepsPerSecond < 10 ? 2 : 1)
                       .arg(durationText(p.etaSeconds));
  if (!std::isnan(p.currentErrorPercent))
    detail += QStringLiteral(" · %1 %2%")
                  .arg(warm ? QStringLiteral("error") : QStringLiteral("avg error"))
                  .arg(p.currentErrorPercent, 0, 'f', 1);
  it->detail->setText(detail);
}

void ChainProgressPanel::setFinished(const QString& id, const bnn::RunResult& r) {
  auto it = m_rows.find(id);
  if (it == m_rows.end()) return;
  it->finished = true;
  it->stop->setEnabled(false);
  it->stop->hide();
  QString status = QString::fromLatin1(bnn::enumName(r.outcome.status));
  status = status.left(1).toUpper() + status.mid(1);
  if (r.outcome.status == bnn::RunStatus::Completed || r.outcome.status == bnn::RunStatus::Warning)
    it->bar->setValue(1000);
  it->bar->setFormat(status);
  // A warning (a quiet failure) or a divergence is not coloured like a success.
  if (r.outcome.status == bnn::RunStatus::Warning)
    it->bar->setStyleSheet(QStringLiteral("QProgressBar::chunk { background: #e69500; }"));
  else if (r.outcome.status == bnn::RunStatus::Diverged || r.outcome.status == bnn::RunStatus::Failed)
    it->bar->setStyleSheet(QStringLiteral("QProgressBar::chunk { background: #c62828; }"));
  // Accuracy first: it is what an elided line must still show.
  QString detail;
  const double acc = r.ensembleAccuracy();
  if (!std::isnan(acc))
    detail = QStringLiteral("ensemble %1 · last sample %2 · ")
                 .arg(acc, 0, 'f', 4)
                 .arg(r.lastPointwiseAccuracy, 0, 'f', 4);
  detail += QStringLiteral("%1 in %2").arg(status.toLower(), durationText(r.timings.totalSeconds));
  if (!r.outcome.message.empty() && r.outcome.status != bnn::RunStatus::Completed)
    detail += QStringLiteral(" · ") + QString::fromStdString(r.outcome.message);
  it->detail->setText(detail);
  updateVisibility();
}

void ChainProgressPanel::renameChain(const QString& id, const QString& name) {
  auto it = m_rows.find(id);
  if (it != m_rows.end())
    it->name->setText(it->dataset.isEmpty() ? name : name + QStringLiteral(" · ") + it->dataset);
}

QString ChainProgressPanel::nameText(const QString& id) const {
  auto it = m_rows.find(id);
  return it == m_rows.end() ? QString() : it->name->text();
}

void ChainProgressPanel::removeChain(const QString& id) {
  auto it = m_rows.find(id);
  if (it == m_rows.end()) return;
  delete it->widget;
  m_rows.erase(it);
  updateVisibility();
}

void ChainProgressPanel::clearFinished() {
  for (auto it = m_rows.begin(); it != m_rows.end();) {
    if (it->finished) {
      delete it->widget;
      it = m_rows.erase(it);
    } else {
      ++it;
    }
  }
  updateVisibility();
}

void ChainProgressPanel::updateVisibility() {
  bool anyFinished = false;
  for (const Row& r : m_rows) anyFinished |= r.finished;
  m_empty->setVisible(m_rows.isEmpty());
  m_clear->setEnabled(anyFinished);  // always there: the layout does not jump
}

QString ChainProgressPanel::progressText(const QString& id) const {
  auto it = m_rows.find(id);
  return it == m_rows.end() ? QString() : it->bar->format() + QStringLiteral(" | ") + it->detail->text();
}

int ChainProgressPanel::progressValue(const QString& id) const {
  auto it = m_rows.find(id);
  return it == m_rows.end() ? -1 : it->bar->value();
}
