#pragma once
// AccuracyChart: one live accuracy chart (QtCharts) over the runs of the run list that are
// checked as shown; an analysis view fed with the runs' curves. Three kinds:
//  - Warmup: pointwise test accuracy against warm-up steps, y axis 0-1 with the example's ticks
//    0.1 0.3 0.5 0.7 0.9 0.95 1.0 (a QCategoryAxis, as QValueAxis spaces ticks evenly);
//  - Sampling: running-average (ensemble) accuracy per run, thick, with the pointwise accuracy of
//    the current sample as a thin companion line in the same colour;
//  - Comparison: all shown runs overlaid, x axis sampling steps / gradient evaluations / wall-clock
//    seconds, y the ensemble or the pointwise accuracy.
// refreshCurves() runs on the 10 Hz tick; it replaces (QXYSeries::replace) only the series whose
// curve changed. Animations are off. "Zoom into 0.9 – 1.0" and "Reset zoom" are actions shared
// by the chart's tool bar and the View menu (one state); a rubber-band zoom (drag) replaces the
// band. Exports the chart as PNG or SVG and its data as CSV through chart_export.
// Threading: GUI thread only.

#include <QMap>
#include <QStringList>

#include "runs/run_list_model.h"
#include "views/analysis_view.h"

QT_BEGIN_NAMESPACE
class QAbstractAxis;
class QCategoryAxis;
class QChart;
class QChartView;
class QComboBox;
class QLineSeries;
class QValueAxis;
QT_END_NAMESPACE

class QLabel;

class AccuracyChart : public AnalysisView {
  Q_OBJECT
 public:
  enum class Kind { Warmup, Sampling, Comparison };
  enum class XAxis { Steps, GradEvals, Seconds };
  enum class Metric { Ensemble, Pointwise };

  AccuracyChart(Kind kind, const ViewContext& context, QWidget* parent = nullptr);
  ~AccuracyChart() override;

  Feeds feeds() const override { return Curves; }
  void refreshCurves() override { refresh(); }
  QList<ChartExport> exports() const override;
  QList<QAction*> viewActions() const override;

  Kind kind() const { return m_kind; }
  QString title() const;
  /// Brings the series up to date with the model's shown runs. Cheap when nothing changed.
  /// Charts that are not visible skip the work until they are shown (see showEvent) unless
  /// `evenIfHidden` (exports and tests).
  void refresh(bool evenIfHidden = false);

  void setBandZoom(bool on);  // y axis 0.9-1.0
  bool bandZoom() const { return m_bandZoom; }
  void resetZoom();           // undo rubber-band zoom and the band
  void setXAxis(XAxis axis);  // Comparison only
  XAxis xAxis() const { return m_xAxis; }
  void setMetric(Metric metric);  // Comparison only
  Metric metric() const { return m_metric; }

  /// Number of points of the main series of a run (-1 when the run has no series).
  int pointCount(const QString& runId) const;
  int seriesCount() const;  // runs drawn
  QChart* chart() const { return m_chart; }
  QChartView* chartView() const { return m_view; }
  QAbstractAxis* axisX() const;
  QAbstractAxis* axisY() const;
  QAction* bandZoomAction() const { return m_bandAction; }
  /// Warm-up chart: the note above it when shown runs have no warm-up ("" otherwise).
  QString noteText() const;
  /// The data drawn, as CSV (run, series, x, y), numbers in shortest round-trip form.
  std::string csvText() const;

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  struct RunSeries {
    QLineSeries* main = nullptr;
    QLineSeries* companion = nullptr;  // Sampling: pointwise of the current sample
    quint64 version = 0;
    QString name;
    QString legend;  // name · dataset
    QColor color;
  };
  void buildToolbar();
  void buildAxes();
  void rebuildYTicks(double lo, double hi);
  void fillSeries(const RunRecord& r, RunSeries& s) const;
  void applyRanges();
  void updateAxisTitles();
  void invalidateAll();
  RunSeries createSeries(const RunRecord& r);
  void removeSeries(RunSeries& s);

  const Kind m_kind;
  XAxis m_xAxis = XAxis::Steps;
  Metric m_metric = Metric::Ensemble;
  bool m_bandZoom = false;
  bool m_userZoomed = false;
  bool m_settingRanges = false;
  quint64 m_seenModelVersion = 0;
  double m_appliedXMax = -1, m_appliedLo = -1, m_appliedHi = -1;
  double m_xMaxHint = 1;  // from the shown runs' schedules

  QChart* m_chart = nullptr;
  QChartView* m_view = nullptr;
  QLabel* m_note = nullptr;  // Warm-up: runs without a warm-up phase
  QValueAxis* m_axisX = nullptr;
  QCategoryAxis* m_axisYCategory = nullptr;  // Warmup
  QValueAxis* m_axisYValue = nullptr;        // Sampling, Comparison
  QAction* m_bandAction = nullptr;
  QAction* m_resetAction = nullptr;
  QComboBox* m_xAxisBox = nullptr;
  QComboBox* m_metricBox = nullptr;
  QMap<QString, RunSeries> m_series;  // by run id
  QStringList m_order;                // run ids in model order
};
