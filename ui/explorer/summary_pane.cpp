#include "explorer/summary_pane.h"

#include <QHeaderView>
#include <QScrollBar>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "explorer/explorer_state.h"
#include "explorer/explorer_text.h"

using explorer_text::fixed;
using explorer_text::percent;

namespace {

struct Header {
  const char* title;
  const char* tip;
};

const Header kHeaders[SummaryPane::ColumnCount] = {
    {"Run", "The run; its colour is the same in every view"},
    {"S", "Posterior samples in the predictive average"},
    {"Ensemble acc.", "Accuracy of argmax p̄ (the posterior predictive) on the test set"},
    {"Last sample", "Accuracy of the final θ alone (the one trained network)"},
    {"Difference", "Ensemble minus last-sample accuracy, in percentage points"},
    {"Test NLL", "−(1/N) Σ log p̄(true label), nats per image"},
    {"Certain at t", "Images with max p̄ ≥ t (retained): share and count"},
    {"Acc. on certain", "Accuracy on the certain images; n/a when none is certain"},
    {"Uncertain", "Images with max p̄ < t"},
    {"Misclassified", "argmax p̄ differs from the true label"},
    {"Conf. wrong", "Misclassified although certain: wrong with max p̄ ≥ t"},
    {"Mean MI", "Mean mutual information H[p̄] − E_s H[p_s] over the test set, nats (epistemic)"},
    {"Drop for 99%",
     "Smallest % of test images dropped (over the grid t = linspace(0.1, 1, 90)) for "
     "which the accuracy on the rest reaches 99%"},
};

}  // namespace

SummaryPane::SummaryPane(const ExplorerState* state, QWidget* parent) : QWidget(parent), m_state(state) {
  auto* v = new QVBoxLayout(this);
  v->setContentsMargins(0, 0, 0, 0);
  m_table = new QTableWidget(0, ColumnCount, this);
  for (int c = 0; c < ColumnCount; ++c) {
    auto* item = new QTableWidgetItem(QString::fromUtf8(kHeaders[c].title));
    item->setToolTip(QString::fromUtf8(kHeaders[c].tip));
    m_table->setHorizontalHeaderItem(c, item);
  }
  m_table->verticalHeader()->hide();
  m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_table->setSelectionMode(QAbstractItemView::NoSelection);
  m_table->setFocusPolicy(Qt::NoFocus);
  m_table->setWordWrap(false);
  m_table->setToolTip(explorer_text::definitions());
  m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  m_table->horizontalHeader()->setSectionResizeMode(RunColumn, QHeaderView::Interactive);
  m_table->horizontalHeader()->setStretchLastSection(false);
  m_table->setColumnWidth(RunColumn, 150);
  m_table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  m_table->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
  // Room for the header, two rows and a horizontal scroll bar, whatever the content.
  const int rowH = m_table->verticalHeader()->defaultSectionSize();
  const int height = m_table->horizontalHeader()->sizeHint().height() + 2 * rowH +
                     m_table->horizontalScrollBar()->sizeHint().height() + 2 * m_table->frameWidth();
  m_table->setFixedHeight(height);
  v->addWidget(m_table);
  connect(state, &ExplorerState::shownChanged, this, &SummaryPane::refresh);
  connect(state, &ExplorerState::thresholdChanged, this, &SummaryPane::refresh);
  refresh();
}

void SummaryPane::refresh() {
  QList<const ExplorerRun*> rows;
  if (const ExplorerRun* p = m_state->primary()) rows << p;
  if (const ExplorerRun* c = m_state->comparison()) rows << c;
  m_table->setRowCount(int(rows.size()));
  for (int r = 0; r < rows.size(); ++r) fillRow(r, *rows[r]);
  m_table->horizontalHeaderItem(CertainColumn)
      ->setText(QStringLiteral("Certain at t = %1").arg(m_state->threshold(), 0, 'f', 3));
}

void SummaryPane::fillRow(int row, const ExplorerRun& run) {
  auto set = [&](int column, const QString& text, const QString& tip = {}) {
    QTableWidgetItem* item = m_table->item(row, column);
    if (!item) {
      item = new QTableWidgetItem;
      m_table->setItem(row, column, item);
    }
    item->setText(text);
    item->setToolTip(tip.isEmpty() ? text : tip);
    item->setTextAlignment(column == RunColumn ? Qt::AlignLeft | Qt::AlignVCenter
                                               : Qt::AlignRight | Qt::AlignVCenter);
  };
  set(RunColumn, run.name + (run.running ? QStringLiteral(" (running)") : QString()));
  m_table->item(row, RunColumn)->setForeground(run.color.darker(115));
  QFont bold = m_table->font();
  bold.setBold(true);
  m_table->item(row, RunColumn)->setFont(bold);
  if (!run.hasSamples()) {
    for (int c = SamplesColumn; c < ColumnCount; ++c) set(c, QString());
    set(SamplesColumn, run.problem(), run.problem());
    return;
  }
  const RunAnalysis& ra = *run.analysis;
  const double t = m_state->threshold();
  const auto s = bnn::summarizeUncertainty(*ra.analysis, t, ra.run->lastPointwiseAccuracy);
  set(SamplesColumn, QString::number(s.sampleCount));
  set(EnsembleColumn, percent(s.ensembleAccuracy));
  set(LastSampleColumn, percent(s.lastSampleAccuracy));
  set(DifferenceColumn, std::isnan(s.accuracyGain) ? QStringLiteral("n/a")
                                                   : QStringLiteral("%1%2 points")
                                                         .arg(s.accuracyGain >= 0 ? "+" : "")
                                                         .arg(100.0 * s.accuracyGain, 0, 'f', 2));
  set(NllColumn, fixed(s.negLogLikelihood, 4));
  set(CertainColumn,
      QStringLiteral("%1 (%2 of %3)").arg(percent(s.retainedShare, 1)).arg(s.retained).arg(s.numImages));
  set(CertainAccuracyColumn, percent(s.retainedAccuracy));
  set(UncertainColumn, QString::number(s.uncertain));
  set(MisclassifiedColumn, QString::number(s.misclassified));
  set(ConfidentlyWrongColumn, QString::number(s.confidentlyWrong));
  set(MutualInformationColumn, fixed(s.meanMutualInformation, 4));
  set(Drop99Column, ra.drop99.found ? QStringLiteral("%1% (t = %2)")
                                          .arg(ra.drop99.percentDropped, 0, 'f', 2)
                                          .arg(ra.drop99.threshold, 0, 'f', 3)
                                    : QStringLiteral("not reached"));
}

int SummaryPane::rowCount() const { return m_table->rowCount(); }

QString SummaryPane::cellText(int row, Column column) const {
  const QTableWidgetItem* item = m_table->item(row, column);
  return item ? item->text() : QString();
}

QString SummaryPane::text() const {
  QStringList lines;
  for (int r = 0; r < rowCount(); ++r) {
    QStringList cells;
    for (int c = 0; c < ColumnCount; ++c)
      cells << m_table->horizontalHeaderItem(c)->text() + QStringLiteral(": ") + cellText(r, Column(c));
    lines << cells.join(QStringLiteral(" · "));
  }
  return lines.join(QLatin1Char('\n'));
}
