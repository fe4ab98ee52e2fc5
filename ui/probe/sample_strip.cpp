#include "probe/sample_strip.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>

SampleStrip::SampleStrip(QWidget* parent) : QWidget(parent) {
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  setMouseTracking(true);
}

QColor SampleStrip::classColor(int k) {
  // ColorBrewer "Paired"-like ten distinct hues, readable with black text.
  static const QColor colors[10] = {QColor(166, 206, 227), QColor(31, 120, 180),  QColor(178, 223, 138),
                                    QColor(51, 160, 44),   QColor(251, 154, 153), QColor(227, 26, 28),
                                    QColor(253, 191, 111), QColor(255, 127, 0),   QColor(202, 178, 214),
                                    QColor(106, 61, 154)};
  return colors[((k % 10) + 10) % 10];
}

void SampleStrip::setSamples(const std::vector<uint8_t>& predicted, const std::vector<float>& probability,
                             const std::vector<int64_t>& steps, const QStringList& classNames) {
  m_predicted = predicted;
  m_probability = probability;
  m_steps = steps;
  m_names = classNames;
  update();
}

void SampleStrip::clearSamples() {
  m_predicted.clear();
  update();
}

int SampleStrip::sampleAt(int x) const {
  const int n = int(m_predicted.size());
  if (n == 0 || width() <= 0) return -1;
  return std::clamp(int(double(x) * n / width()), 0, n - 1);
}

void SampleStrip::paintEvent(QPaintEvent*) {
  QPainter p(this);
  const int n = int(m_predicted.size());
  if (n == 0) return;
  const double w = double(width()) / n;
  const QFontMetrics fm(font());
  const bool labels =
      w >= fm.horizontalAdvance(QStringLiteral("0")) + 2 &&
      std::all_of(m_names.begin(), m_names.end(), [](const QString& s) { return s.size() == 1; });
  for (int s = 0; s < n; ++s) {
    const QRectF cell(s * w, 0, w, height());
    p.fillRect(cell, classColor(m_predicted[size_t(s)]));
    if (labels) {
      p.setPen(Qt::black);
      p.drawText(cell, Qt::AlignCenter, m_names.value(m_predicted[size_t(s)]));
    }
  }
}

bool SampleStrip::event(QEvent* e) {
  if (e->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(e);
    const int s = sampleAt(help->pos().x());
    if (s < 0) {
      QToolTip::hideText();
      return true;
    }
    const int k = m_predicted[size_t(s)];
    QString text = QStringLiteral("Kept sample %1 of %2").arg(s + 1).arg(m_predicted.size());
    if (size_t(s) < m_steps.size()) text += QStringLiteral(" (sampling step %1)").arg(m_steps[size_t(s)] + 1);
    text += QStringLiteral("\npredicts %1").arg(m_names.value(k, QString::number(k)));
    if (size_t(s) < m_probability.size())
      text += QStringLiteral(" with p = %1").arg(double(m_probability[size_t(s)]), 0, 'f', 3);
    QToolTip::showText(help->globalPos(), text, this);
    return true;
  }
  return QWidget::event(e);
}
