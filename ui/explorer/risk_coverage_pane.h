#pragma once
// RiskCoveragePane: the risk-coverage curve of the shown run (solid) and the compared run
// (dashed) in the runs' colours, each named with its AURC, and the operating point of each at
// the current threshold t as a dot.
// Threading: GUI thread only.

#include <QWidget>

#include "charts/chart_export.h"

QT_BEGIN_NAMESPACE
class QChartView;
class QLineSeries;
class QScatterSeries;
class QValueAxis;
QT_END_NAMESPACE

class ExplorerState;

class RiskCoveragePane : public QWidget {
  Q_OBJECT
 public:
  explicit RiskCoveragePane(const ExplorerState* state, QWidget* parent = nullptr);

  QLineSeries* curve(int run) const { return m_curve[run]; }  // 0 shown, 1 compared
  QScatterSeries* operatingPoints() const { return m_points; }
  QChartView* chartView() const { return m_chart; }
  ChartExport exportInfo() const;

 private:
  void refreshCurves();
  void refreshPoints();

  const ExplorerState* m_state;
  QChartView* m_chart = nullptr;
  QLineSeries* m_curve[2] = {nullptr, nullptr};
  QScatterSeries* m_points = nullptr;
  QValueAxis* m_axisY = nullptr;
};
