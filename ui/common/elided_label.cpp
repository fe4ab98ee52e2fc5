#include "common/elided_label.h"

#include <QFontMetrics>
#include <QPainter>

ElidedLabel::ElidedLabel(const QString& text, QWidget* parent) : QFrame(parent) {
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
  setText(text);
}

void ElidedLabel::setText(const QString& text) {
  if (text == m_text) return;
  m_text = text;
  updateToolTip();
  update();
}

void ElidedLabel::setToolTipSuffix(const QString& suffix) {
  m_tipSuffix = suffix;
  updateToolTip();
}

void ElidedLabel::setElideMode(Qt::TextElideMode mode) {
  m_mode = mode;
  update();
}

void ElidedLabel::setAlignment(Qt::Alignment alignment) {
  m_alignment = alignment;
  update();
}

void ElidedLabel::setMinimumChars(int chars) {
  m_minimumChars = chars;
  updateGeometry();
}

void ElidedLabel::updateToolTip() {
  QString tip = m_text;
  if (!m_tipSuffix.isEmpty()) tip += (tip.isEmpty() ? QString() : QStringLiteral("\n\n")) + m_tipSuffix;
  setToolTip(tip);
}

bool ElidedLabel::isElided() const {
  return fontMetrics().horizontalAdvance(m_text) > contentsRect().width();
}

QSize ElidedLabel::sizeHint() const {
  const QFontMetrics fm = fontMetrics();
  const QMargins m = contentsMargins();
  return {fm.averageCharWidth() * m_minimumChars + m.left() + m.right(), fm.height() + m.top() + m.bottom()};
}

QSize ElidedLabel::minimumSizeHint() const {
  const QFontMetrics fm = fontMetrics();
  const QMargins m = contentsMargins();
  return {fm.averageCharWidth() * 3 + m.left() + m.right(), fm.height() + m.top() + m.bottom()};
}

void ElidedLabel::paintEvent(QPaintEvent* event) {
  QFrame::paintEvent(event);
  QPainter p(this);
  const QRect r = contentsRect();
  p.setPen(palette().color(isEnabled() ? QPalette::Active : QPalette::Disabled, foregroundRole()));
  p.drawText(r, int(m_alignment), fontMetrics().elidedText(m_text, m_mode, r.width()));
}
