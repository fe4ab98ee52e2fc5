#pragma once
// PerDigitPane: uncertain test images (max p̄ < t) per true digit, as counts or as a share of
// the digit's test images, one bar set per shown run in the run's colour. Values are printed on
// the bars (upright for one run, turned for two so that neighbours never overlap). Clicking a
// bar asks the gallery to show that digit.
// Threading: GUI thread only.

#include <QWidget>

#include "charts/chart_export.h"

QT_BEGIN_NAMESPACE
class QBarCategoryAxis;
class QBarSeries;
class QBarSet;
class QChartView;
class QComboBox;
class QValueAxis;
QT_END_NAMESPACE

class ExplorerState;

class PerDigitPane : public QWidget {
  Q_OBJECT
 public:
  explicit PerDigitPane(const ExplorerState* state, QWidget* parent = nullptr);

  void setShowShare(bool share);  // false: counts
  bool showsShare() const;
  QBarSeries* series() const { return m_series; }
  QChartView* chartView() const { return m_chart; }
  QValueAxis* axisY() const { return m_axisY; }
  ChartExport exportInfo() const;

 Q_SIGNALS:
  void digitClicked(int digit);

 private:
  void refresh();

  const ExplorerState* m_state;
  QComboBox* m_mode = nullptr;
  QChartView* m_chart = nullptr;
  QBarSeries* m_series = nullptr;
  QValueAxis* m_axisY = nullptr;
  QBarCategoryAxis* m_axisX = nullptr;  // the primary run's class names
};
