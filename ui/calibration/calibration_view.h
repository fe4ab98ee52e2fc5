#pragma once
// CalibrationView: does the confidence match the accuracy? The reliability diagram of max p̄
// (per-bin accuracy against mean confidence, the diagonal, the gap of the shown run shaded),
// the bin counts as a histogram below it, and the numbers (accuracy, mean confidence, ECE, MCE,
// NLL, Brier) for the ensemble and the single network at the last sample, for the shown run and
// a compared run overlaid (ensemble solid, last sample dashed, each run in its colour). Bins:
// 15 equal-width (Guo et al. 2017) or equal-mass, any count. Runs are analysed and calibrated
// on the background runner; where a number cannot be had (nothing sampled, no last-sample
// probabilities in an older folder) the table says why.
// Threading: GUI thread only.

#include <QMap>
#include <memory>

#include "analysis/run_calibration.h"
#include "views/analysis_view.h"

QT_BEGIN_NAMESPACE
class QAreaSeries;
class QCheckBox;
class QChartView;
class QComboBox;
class QLabel;
class QLineSeries;
class QLogValueAxis;
class QSpinBox;
class QTableWidget;
class QValueAxis;
QT_END_NAMESPACE

class ExplorerState;
class RunPairPicker;
struct RunAnalysis;

class CalibrationView : public AnalysisView {
  Q_OBJECT
 public:
  explicit CalibrationView(const ViewContext& context, QWidget* parent = nullptr);
  ~CalibrationView() override;

  Feeds feeds() const override { return Results; }
  void updateRun(const ViewRun& run) override;
  void removeRun(const QString& id) override;
  void selectRun(const QString& id) override;
  void selectPair(const QString& id, const QString& comparison) override;
  /// The reliability diagram with its histogram (CSV: the bins), then the numbers table.
  QList<ChartExport> exports() const override;

  /// Bins used for the next calibration (recomputes the shown runs).
  void setOptions(const bnn::CalibrationOptions& options);
  bnn::CalibrationOptions options() const { return m_options; }
  void setSourceShown(bnn::PredictiveSource source, bool shown);

  ExplorerState* state() const { return m_state; }
  RunPairPicker* runPicker() const { return m_picker; }
  QTableWidget* table() const { return m_table; }
  QChartView* reliabilityChart() const { return m_reliability; }
  QChartView* histogramChart() const { return m_histogram; }
  /// The calibration installed for a run (null until its job finished).
  std::shared_ptr<const bnn::RunCalibration> calibration(const QString& id) const;
  /// Text under the table: what is unavailable and why.
  QString notes() const;

 Q_SIGNALS:
  void calibrationInstalled(const QString& runId);

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  struct Entry {
    std::shared_ptr<const RunAnalysis> analysis;  // what the calibration was made from
    bnn::CalibrationOptions options;
    std::shared_ptr<const bnn::RunCalibration> calibration;
  };
  void requestAnalysis(const QString& id);
  void requestCalibrations();
  void refreshPicker();
  void refresh();
  bool sourceShown(bnn::PredictiveSource s) const;

  ExplorerState* m_state = nullptr;
  RunPairPicker* m_picker = nullptr;
  QComboBox* m_scheme = nullptr;
  QSpinBox* m_bins = nullptr;
  QCheckBox* m_showEnsemble = nullptr;
  QCheckBox* m_showLast = nullptr;
  QChartView* m_reliability = nullptr;
  QChartView* m_histogram = nullptr;
  QValueAxis* m_relX = nullptr;
  QValueAxis* m_relY = nullptr;
  QValueAxis* m_histX = nullptr;
  QLogValueAxis* m_histY = nullptr;
  QTableWidget* m_table = nullptr;
  QLabel* m_notes = nullptr;
  QWidget* m_right = nullptr;
  bnn::CalibrationOptions m_options;
  QMap<QString, Entry> m_entries;
};
