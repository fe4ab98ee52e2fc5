#pragma once
// AccuracyChart: one live accuracy chart (QtCharts) over the runs of a RunListModel that are
// checked as shown. Three kinds:
//  - Warmup: pointwise test accuracy against warm-up steps, y axis 0-1 with the example's ticks
//    0.1 0.3 0.5 0.7 0.9 0.95 1.0 (a QCategoryAxis, as QValueAxis spaces ticks evenly);
//  - Sampling: running-average (ensemble) accuracy per run, thick, with the pointwise accuracy of
//    the current sample as a thin companion line in the same colour;
//  - Comparison: all shown runs overlaid, x axis sampling steps / gradient evaluations / wall-clock
//    seconds, y the ensemble or the pointwise accuracy.
// refresh() is called on the 10 Hz drain tick; it replaces (QXYSeries::replace) only the series
// whose curve changed. Animations are off. A toggle zooms into the 0.9-1.0 band; rubber-band zoom
// (drag) and "Reset zoom" work on every kind. Exports the chart as PNG or SVG and its data as CSV.
// Threading: GUI thread only.

#include <QMap>
#include <QPointer>
#include <QWidget>

#include "run_list_model.h"

QT_BEGIN_NAMESPACE
class QAbstractAxis;
class QCategoryAxis;
class QChart;
class QChartView;
class QCheckBox;
class QComboBox;
class QLineSeries;
class QValueAxis;
QT_END_NAMESPACE

class AccuracyChart : public QWidget {
  Q_OBJECT
 public:
  enum class Kind { Warmup, Sampling, Comparison };
  enum class XAxis { Steps, GradEvals, Seconds };
  enum class Metric { Ensemble, Pointwise };

  explicit AccuracyChart(Kind kind, QWidget* parent = nullptr);
  ~AccuracyChart() override;

  Kind kind() const { return m_kind; }
  QString title() const;
  /// The runs drawn: those of `model` checked as shown.
  void setModel(const RunListModel* model) { m_model = model; }
  /// Brings the series up to date with the model's shown runs. Cheap when nothing changed.
  /// Charts that are not visible skip the work until they are shown (see showEvent) unless
  /// `evenIfHidden` (exports and tests).
  void refresh(bool evenIfHidden = false);

  void setBandZoom(bool on);  // y axis 0.9-1.0
  bool bandZoom() const { return m_bandZoom; }
  void resetZoom();           // undo rubber-band zoom and the band toggle
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

  bool exportPng(const QString& path, QString* error = nullptr);
  bool exportSvg(const QString& path, QString* error = nullptr);
  bool exportCsv(const QString& path, QString* error = nullptr);

 public Q_SLOTS:
  void exportWithDialog(const QString& format);  // "png", "svg" or "csv"

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  struct RunSeries {
    QLineSeries* main = nullptr;
    QLineSeries* companion = nullptr;  // Sampling: pointwise of the current sample
    quint64 version = 0;
    QString name;
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
  const RunListModel* m_model = nullptr;
  double m_appliedXMax = -1, m_appliedLo = -1, m_appliedHi = -1;
  double m_xMaxHint = 1;  // from the shown runs' schedules

  QChart* m_chart = nullptr;
  QChartView* m_view = nullptr;
  QValueAxis* m_axisX = nullptr;
  QCategoryAxis* m_axisYCategory = nullptr;  // Warmup
  QValueAxis* m_axisYValue = nullptr;        // Sampling, Comparison
  QCheckBox* m_bandBox = nullptr;
  QComboBox* m_xAxisBox = nullptr;
  QComboBox* m_metricBox = nullptr;
  QMap<QString, RunSeries> m_series;  // by run id
  QStringList m_order;                // run ids in model order
};
