#pragma once
// ThresholdPane: the example's two threshold curves for the shown run (solid) and the compared
// run (dashed), in the runs' colours, over t = linspace(0.1, 1, 90): accuracy on the retained
// images (max p̄ ≥ t; the curve stops where nothing is retained) and the % of test images
// dropped. A dotted line marks the current t (named in the chart titles, not in the legend, so
// the legends hold only the runs). Below, the smallest drop reaching 99% accuracy per run.
// Threading: GUI thread only.

#include <QWidget>

#include "charts/chart_export.h"

QT_BEGIN_NAMESPACE
class QChartView;
class QLineSeries;
class QValueAxis;
QT_END_NAMESPACE

class ElidedLabel;
class ExplorerState;

class ThresholdPane : public QWidget {
  Q_OBJECT
 public:
  explicit ThresholdPane(const ExplorerState* state, QWidget* parent = nullptr);

  /// run 0: the shown run, 1: the compared one.
  QLineSeries* accuracySeries(int run) const { return m_accuracy[run]; }
  QLineSeries* droppedSeries(int run) const { return m_dropped[run]; }
  QLineSeries* accuracyMarker() const { return m_accuracyMarker; }
  QLineSeries* droppedMarker() const { return m_droppedMarker; }
  QChartView* accuracyChart() const { return m_accuracyChart; }
  QChartView* droppedChart() const { return m_droppedChart; }
  QValueAxis* thresholdAxis() const { return m_axisT; }
  QString drop99Text() const;
  ChartExport exportInfo() const;

 private:
  void refreshCurves();
  void refreshMarkers();

  const ExplorerState* m_state;
  QChartView* m_accuracyChart = nullptr;
  QChartView* m_droppedChart = nullptr;
  QLineSeries* m_accuracy[2] = {nullptr, nullptr};
  QLineSeries* m_dropped[2] = {nullptr, nullptr};
  QLineSeries* m_accuracyMarker = nullptr;
  QLineSeries* m_droppedMarker = nullptr;
  QValueAxis* m_axisT = nullptr;  // the accuracy chart's x axis
  QValueAxis* m_accuracyY = nullptr;
  ElidedLabel* m_drop99 = nullptr;
};
