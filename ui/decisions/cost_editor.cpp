#include "decisions/cost_editor.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "util/format.h"

namespace {

constexpr int kCustom = -1;

QString numberText(double v) { return QString::fromStdString(bnn::formatNumber(v)); }

}  // namespace

CostEditor::CostEditor(QWidget* parent) : QWidget(parent), m_costs(bnn::zeroOneCosts(10)) {
  auto* v = new QVBoxLayout(this);
  v->setContentsMargins(0, 0, 0, 0);
  v->setSpacing(3);
  auto* top = new QHBoxLayout;
  m_preset = new QComboBox(this);
  for (bnn::CostPreset p : bnn::kCostPresets)
    m_preset->addItem(QString::fromUtf8(bnn::presetLabel(p)), int(p));
  m_preset->addItem(QStringLiteral("Custom"), kCustom);
  m_preset->setToolTip(QStringLiteral("Cost presets: every mistake costs 1 except as named"));
  m_load = new QPushButton(QStringLiteral("Load…"), this);
  m_save = new QPushButton(QStringLiteral("Save…"), this);
  m_load->setToolTip(
      QStringLiteral("Read a cost matrix from CSV: 10 rows (decision) of 10 numbers (true class)"));
  m_save->setToolTip(QStringLiteral("Write the matrix as CSV (bnn-cli decide --costs reads it)"));
  top->addWidget(m_preset, 1);
  top->addWidget(m_load);
  top->addWidget(m_save);
  v->addLayout(top);

  auto* caption = new QLabel(QStringLiteral("C[a, k]: rows decision a, columns true class k"), this);
  caption->setWordWrap(true);
  v->addWidget(caption);
  m_table = new QTableWidget(10, 10, this);
  m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  m_table->horizontalHeader()->setMinimumSectionSize(24);
  m_table->verticalHeader()->setMinimumSectionSize(18);
  m_table->setMinimumSize(250, 220);
  m_table->setToolTip(QStringLiteral("Double-click a cell to change a cost (a number ≥ 0)"));
  v->addWidget(m_table, 1);
  m_message = new QLabel(this);
  m_message->setWordWrap(true);
  m_message->setTextFormat(Qt::PlainText);
  v->addWidget(m_message);

  connect(m_preset, &QComboBox::activated, this, [this](int index) {
    const int p = m_preset->itemData(index).toInt();
    if (p != kCustom) applyPreset(bnn::CostPreset(p));
  });
  connect(m_table, &QTableWidget::cellChanged, this, &CostEditor::cellEdited);
  connect(m_load, &QPushButton::clicked, this, [this] {
    QSettings s;
    const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Load cost matrix"),
                                                      s.value(QStringLiteral("decisions/costDir")).toString(),
                                                      QStringLiteral("CSV files (*.csv);;All files (*)"));
    if (path.isEmpty()) return;
    s.setValue(QStringLiteral("decisions/costDir"), QFileInfo(path).absolutePath());
    loadFile(path);
  });
  connect(m_save, &QPushButton::clicked, this, [this] {
    QSettings s;
    const QString dir = s.value(QStringLiteral("decisions/costDir")).toString();
    const QString path =
        QFileDialog::getSaveFileName(this, QStringLiteral("Save cost matrix"),
                                     dir.isEmpty() ? QStringLiteral("costs.csv") : dir + "/costs.csv",
                                     QStringLiteral("CSV files (*.csv)"));
    if (path.isEmpty()) return;
    s.setValue(QStringLiteral("decisions/costDir"), QFileInfo(path).absolutePath());
    saveFile(path);
  });
  showCosts();
}

void CostEditor::setCosts(const bnn::CostMatrix& costs) {
  if (!bnn::validateCostMatrix(costs).ok() || costs.numClasses != 10) return;
  m_costs = costs;
  showCosts();
  Q_EMIT costsChanged(m_costs);
}

void CostEditor::applyPreset(bnn::CostPreset preset) {
  setCosts(bnn::costPreset(preset, 10));
  m_message->setText(QStringLiteral("Preset: %1").arg(QString::fromUtf8(bnn::presetLabel(preset))));
}

QString CostEditor::presetText() const { return m_preset->currentText(); }

QString CostEditor::loadFile(const QString& path) {
  const bnn::Result<bnn::CostMatrix> c = bnn::readCostMatrixCsv(path.toStdString(), 10);
  if (!c.ok()) {
    const QString why = QString::fromStdString(c.error().message());
    m_message->setText(QStringLiteral("Not loaded: ") + why);
    Q_EMIT statusMessage(QStringLiteral("Cost matrix not loaded: ") + why);
    return why;
  }
  setCosts(*c);
  m_message->setText(QStringLiteral("Loaded %1").arg(QFileInfo(path).fileName()));
  Q_EMIT statusMessage(QStringLiteral("Loaded cost matrix %1").arg(QFileInfo(path).fileName()));
  return {};
}

QString CostEditor::saveFile(const QString& path) const {
  const bnn::Status s = bnn::writeCostMatrixCsv(path.toStdString(), m_costs);
  const QString why = s.ok() ? QString() : QString::fromStdString(s.error().message());
  m_message->setText(s.ok() ? QStringLiteral("Saved %1").arg(QFileInfo(path).fileName())
                            : QStringLiteral("Not saved: ") + why);
  return why;
}

bool CostEditor::setEntry(int decision, int truth, double value) {
  if (decision < 0 || truth < 0 || decision >= 10 || truth >= 10 || !std::isfinite(value) || value < 0) {
    showCosts();
    return false;
  }
  bnn::CostMatrix c = m_costs;
  c.at(decision, truth) = value;
  setCosts(c);
  return true;
}

void CostEditor::cellEdited(int row, int column) {
  if (m_filling) return;
  QTableWidgetItem* item = m_table->item(row, column);
  if (!item) return;
  bool ok = false;
  const double v = item->text().trimmed().toDouble(&ok);
  if (!ok || !std::isfinite(v) || v < 0) {
    m_message->setText(QStringLiteral("Row %1, column %2: \"%3\" is not a number ≥ 0; kept %4")
                           .arg(row)
                           .arg(column)
                           .arg(item->text(), numberText(m_costs(row, column))));
    showCosts();
    return;
  }
  m_message->clear();
  setEntry(row, column, v);
}

void CostEditor::showCosts() {
  m_filling = true;
  double maxCost = 0;
  for (double c : m_costs.cost) maxCost = std::max(maxCost, c);
  for (int a = 0; a < 10; ++a) {
    m_table->setVerticalHeaderItem(a, new QTableWidgetItem(QString::number(a)));
    m_table->setHorizontalHeaderItem(a, new QTableWidgetItem(QString::number(a)));
    for (int k = 0; k < 10; ++k) {
      auto* item = new QTableWidgetItem(numberText(m_costs(a, k)));
      item->setTextAlignment(Qt::AlignCenter);
      const double share = maxCost > 0 ? m_costs(a, k) / maxCost : 0;
      if (a == k)
        item->setBackground(QColor(232, 244, 232));
      else if (share > 0)  // a light tint for the usual cost, deeper for the dearest mistakes
        item->setBackground(
            QColor::fromRgbF(1.0, 1.0 - (0.06 + 0.5 * share * share), 1.0 - (0.08 + 0.6 * share * share)));
      item->setToolTip(QStringLiteral("Cost of deciding %1 when the truth is %2").arg(a).arg(k));
      m_table->setItem(a, k, item);
    }
  }
  m_table->verticalHeaderItem(0)->setToolTip(QStringLiteral("decision a"));
  int match = m_preset->findData(kCustom);
  for (bnn::CostPreset p : bnn::kCostPresets)
    if (bnn::costPreset(p, 10) == m_costs) match = m_preset->findData(int(p));
  m_preset->setCurrentIndex(match);
  m_filling = false;
}
