#include "charts/chart_style.h"

#include <QChart>
#include <QChartView>
#include <QLegend>
#include <QLineSeries>
#include <QPen>

QChartView* makeChartView(const QString& title, QWidget* parent) {
  auto* chart = new QChart;
  chart->setTitle(title);
  chart->setAnimationOptions(QChart::NoAnimation);
  chart->legend()->setAlignment(Qt::AlignBottom);
  chart->legend()->setShowToolTips(true);
  chart->setMargins(QMargins(4, 4, 4, 4));
  auto* view = new QChartView(chart, parent);
  view->setRenderHint(QPainter::Antialiasing);
  view->setMinimumSize(240, 180);
  return view;
}

QLineSeries* makeLineSeries(const QColor& color, Qt::PenStyle style, qreal width) {
  auto* s = new QLineSeries;
  QPen pen(color);
  pen.setWidthF(width);
  pen.setStyle(style);
  s->setPen(pen);
  return s;
}
