#pragma once
// The house style of the charts: a chart view with animations off, antialiasing, small
// margins, a bottom legend that shows the full name in a tooltip when it has to shorten it, and
// line series with a given pen. Threading: GUI thread only.

#include <QColor>
#include <QString>
#include <Qt>

QT_BEGIN_NAMESPACE
class QChartView;
class QLineSeries;
class QWidget;
QT_END_NAMESPACE

QChartView* makeChartView(const QString& title, QWidget* parent = nullptr);
QLineSeries* makeLineSeries(const QColor& color, Qt::PenStyle style = Qt::SolidLine, qreal width = 2);
