#include "views/run_pair_picker.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QToolButton>

namespace {

QIcon swatch(const QColor& color) {
  QPixmap pm(12, 12);
  pm.fill(Qt::transparent);
  if (color.isValid()) {
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setBrush(color);
    p.setPen(color.darker(130));
    p.drawRoundedRect(QRectF(0.5, 0.5, 11, 11), 2, 2);
  }
  return QIcon(pm);
}

QComboBox* makeBox(QWidget* parent, const QString& tip) {
  auto* box = new QComboBox(parent);
  box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  box->setMinimumContentsLength(8);  // the box elides; the open list shows whole names
  box->setToolTip(tip);
  return box;
}

}  // namespace

RunPairPicker::RunPairPicker(QWidget* parent) : QWidget(parent) {
  auto* h = new QHBoxLayout(this);
  h->setContentsMargins(0, 0, 0, 0);
  m_primary = makeBox(this, QStringLiteral("The run whose images, gallery and detail are shown"));
  m_comparison =
      makeBox(this, QStringLiteral("An optional second run overlaid on the summary, bars and curves"));
  m_swap = new QToolButton(this);
  m_swap->setText(QStringLiteral("⇄"));
  m_swap->setToolTip(QStringLiteral("Swap the shown run and the comparison run"));
  auto* runLabel = new QLabel(QStringLiteral("&Run:"), this);
  runLabel->setBuddy(m_primary);
  auto* cmpLabel = new QLabel(QStringLiteral("Co&mpare with:"), this);
  cmpLabel->setBuddy(m_comparison);
  h->addWidget(runLabel);
  h->addWidget(m_primary, 1);
  h->addWidget(m_swap);
  h->addWidget(cmpLabel);
  h->addWidget(m_comparison, 1);
  connect(m_primary, &QComboBox::activated, this,
          [this](int i) { Q_EMIT primaryChosen(m_primary->itemData(i).toString()); });
  connect(m_comparison, &QComboBox::activated, this,
          [this](int i) { Q_EMIT comparisonChosen(m_comparison->itemData(i).toString()); });
  connect(m_swap, &QToolButton::clicked, this, &RunPairPicker::swapRequested);
}

void RunPairPicker::fill(QComboBox* box, const QList<Entry>& entries, bool withNone) {
  const int offset = withNone ? 1 : 0;
  bool sameIds = box->count() == entries.size() + offset;
  for (int i = 0; sameIds && i < entries.size(); ++i)
    sameIds = box->itemData(i + offset).toString() == entries[i].id;
  if (sameIds) {  // update in place: an open list stays open
    for (int i = 0; i < entries.size(); ++i) {
      if (box->itemText(i + offset) != entries[i].label) box->setItemText(i + offset, entries[i].label);
      box->setItemIcon(i + offset, swatch(entries[i].color));
      box->setItemData(i + offset, entries[i].label, Qt::ToolTipRole);
    }
    return;
  }
  box->clear();
  if (withNone) box->addItem(QStringLiteral("(none)"), QString());
  for (const Entry& e : entries) {
    box->addItem(swatch(e.color), e.label, e.id);
    box->setItemData(box->count() - 1, e.label, Qt::ToolTipRole);
  }
}

void RunPairPicker::setEntries(const QList<Entry>& entries, const QString& primary,
                               const QString& comparison) {
  const QSignalBlocker b1(m_primary), b2(m_comparison);
  fill(m_primary, entries, false);
  QList<Entry> others;
  for (const Entry& e : entries)
    if (e.id != primary) others << e;
  fill(m_comparison, others, true);
  m_primary->setCurrentIndex(std::max(0, m_primary->findData(primary)));
  m_comparison->setCurrentIndex(std::max(0, m_comparison->findData(comparison)));
  m_swap->setEnabled(!comparison.isEmpty());
}

QString RunPairPicker::primary() const { return m_primary->currentData().toString(); }

QString RunPairPicker::comparison() const { return m_comparison->currentData().toString(); }
