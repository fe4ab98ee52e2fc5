#include "probe/probe_bars.h"

#include <QPainter>
#include <algorithm>

ProbeBars::ProbeBars(QWidget* parent) : QWidget(parent) {
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  setToolTip(
      QStringLiteral("Bars: posterior predictive p̄ per class. Thin grey bars: share of the kept "
                     "samples whose most probable class it is (vote share)"));
}

void ProbeBars::setValues(const QStringList& classNames, const std::vector<double>& mean,
                          const std::vector<double>& voteShare, int predicted) {
  m_names = classNames;
  m_mean = mean;
  m_votes = voteShare;
  m_predicted = predicted;
  update();
}

void ProbeBars::setColor(const QColor& color) {
  m_color = color;
  update();
}

void ProbeBars::clearValues() {
  m_mean.clear();
  m_votes.clear();
  m_predicted = -1;
  update();
}

void ProbeBars::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing, false);
  const int n = int(m_mean.size());
  if (n == 0) return;
  const QFontMetrics fm(font());
  int labelWidth = 0;
  for (int k = 0; k < n; ++k) labelWidth = std::max(labelWidth, fm.horizontalAdvance(m_names.value(k)));
  labelWidth += 8;
  const int valueWidth = fm.horizontalAdvance(QStringLiteral("0.000")) + 8;
  const double rowH = double(height() - 4) / n;
  const int barLeft = labelWidth;
  const int barWidth = std::max(10, width() - barLeft - valueWidth);
  const QColor text = palette().color(QPalette::WindowText);
  for (int k = 0; k < n; ++k) {
    const double top = 2 + k * rowH;
    const QRectF labelRect(0, top, labelWidth - 6, rowH);
    QFont f = font();
    f.setBold(k == m_predicted);
    p.setFont(f);
    p.setPen(text);
    p.drawText(labelRect, Qt::AlignRight | Qt::AlignVCenter, m_names.value(k));
    // Track, p̄ bar, vote bar.
    const double barH = std::max(3.0, rowH * 0.55);
    const double voteH = std::max(2.0, rowH * 0.18);
    const QRectF track(barLeft, top + (rowH - barH - voteH - 1) / 2, barWidth, barH);
    p.fillRect(track, palette().color(QPalette::AlternateBase));
    p.fillRect(QRectF(track.left(), track.top(), barWidth * std::clamp(m_mean[size_t(k)], 0.0, 1.0), barH),
               m_color);
    const double vote = k < int(m_votes.size()) ? m_votes[size_t(k)] : 0.0;
    p.fillRect(QRectF(track.left(), track.bottom() + 1, barWidth * std::clamp(vote, 0.0, 1.0), voteH),
               QColor(128, 128, 128));
    p.drawText(QRectF(barLeft + barWidth + 4, top, valueWidth, rowH), Qt::AlignLeft | Qt::AlignVCenter,
               QString::number(m_mean[size_t(k)], 'f', 3));
  }
}
