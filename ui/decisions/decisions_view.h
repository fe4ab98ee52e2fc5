#pragma once
// DecisionsView: cost-sensitive decisions with a reject option. The user sets what each kind of
// mistake costs (CostEditor) and the cost c of deferring an image to a person; the view shows,
// for two sides (A and B: a run's ensemble against its last sample, or two runs), the Bayes
// decisions a* = argmin_a Σ_k C[a, k] p_k with Chow's rule (defer when the smallest risk
// exceeds c): deferral rate, accuracy on the decided images, expected against realised cost per
// image, the decision confusion matrix (true class by decision and "deferred", counts or cost
// per cell), realised cost and deferral rate as c sweeps, and the deferred images, closest
// calls first. Everything that grows with the test set runs on the background runner: one risk
// profile per side and cost matrix, then O(N) per reject cost.
// Threading: GUI thread only.

#include <QMap>
#include <memory>
#include <vector>

#include "analysis/decision.h"
#include "analysis/run_calibration.h"
#include "views/analysis_view.h"

QT_BEGIN_NAMESPACE
class QChartView;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineSeries;
class QListWidget;
class QSplitter;
class QTabWidget;
class QTableWidget;
class QValueAxis;
QT_END_NAMESPACE

class CostEditor;
class ExplorerState;
class RunPairPicker;
struct RunAnalysis;

/// The decisions of one side at one reject cost, with the profile and sweep they came from.
struct DecisionOutcome {
  std::shared_ptr<const RunAnalysis> analysis;  // the run analysed (null: none)
  bnn::PredictiveSource source = bnn::PredictiveSource::Ensemble;
  bnn::CostMatrix costs;
  std::shared_ptr<const bnn::RiskProfile> profile;  // null when unavailable
  QString unavailable;                              // why profile is null
  double rejectCost = 0;
  bnn::DecisionSummary summary;
  bnn::DecisionConfusion confusion;
  std::vector<int32_t> deferred;                                   // closest calls first
  std::shared_ptr<const std::vector<bnn::DecisionSummary>> sweep;  // over the profile's grid
};

class DecisionsView : public AnalysisView {
  Q_OBJECT
 public:
  static constexpr int kSides = 2;
  static constexpr int kMaxGallery = 400;  // deferred images shown per side

  explicit DecisionsView(const ViewContext& context, QWidget* parent = nullptr);
  ~DecisionsView() override;

  Feeds feeds() const override { return Results; }
  void updateRun(const ViewRun& run) override;
  void removeRun(const QString& id) override;
  void selectRun(const QString& id) override;
  void selectPair(const QString& id, const QString& comparison) override;
  /// The sweep charts, then the confusion matrices and the per-image decisions (CSV only).
  QList<ChartExport> exports() const override;

  void setRejectCost(double c);
  double rejectCost() const;
  /// Side 0 shows the shown run, side 1 the compared run (or the shown one without a comparison).
  void setSource(int side, bnn::PredictiveSource source);

  ExplorerState* state() const { return m_state; }
  RunPairPicker* runPicker() const { return m_picker; }
  CostEditor* costEditor() const { return m_costs; }
  QTableWidget* summaryTable() const { return m_summary; }
  QTableWidget* confusionTable(int side) const { return m_confusion[side]; }
  QListWidget* gallery(int side) const { return m_gallery[side]; }
  QChartView* costChart() const { return m_costChart; }
  QChartView* deferralChart() const { return m_deferralChart; }
  QLineSeries* costSeries(int side) const { return m_costSeries[side]; }
  /// The outcome installed for a side (null until computed).
  std::shared_ptr<const DecisionOutcome> outcome(int side) const { return m_outcome[side]; }

 Q_SIGNALS:
  void outcomeInstalled(int side);

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void requestAnalysis(const QString& id);
  void requestDecisions();
  void refreshPicker();
  void refreshSides();
  void refreshConfusion();
  void refreshSweep();
  void refreshMarkers();
  const struct ExplorerRun* sideRun(int side) const;
  QString sideName(int side) const;

  ExplorerState* m_state = nullptr;
  RunPairPicker* m_picker = nullptr;
  QComboBox* m_source[kSides] = {nullptr, nullptr};
  QDoubleSpinBox* m_reject = nullptr;
  CostEditor* m_costs = nullptr;
  QTableWidget* m_summary = nullptr;
  QLabel* m_notes = nullptr;
  QTabWidget* m_tabs = nullptr;
  QComboBox* m_cellMode = nullptr;
  QWidget* m_confusionBox[kSides] = {nullptr, nullptr};
  QSplitter* m_split = nullptr;  // cost editor | summary and tabs (stacked when narrow)
  QWidget* m_right = nullptr;
  QWidget* m_galleryBox[kSides] = {nullptr, nullptr};
  QLabel* m_confusionTitle[kSides] = {nullptr, nullptr};
  QTableWidget* m_confusion[kSides] = {nullptr, nullptr};
  QLabel* m_galleryTitle[kSides] = {nullptr, nullptr};
  QListWidget* m_gallery[kSides] = {nullptr, nullptr};
  QChartView* m_costChart = nullptr;
  QChartView* m_deferralChart = nullptr;
  QValueAxis* m_costX = nullptr;
  QValueAxis* m_costY = nullptr;
  QValueAxis* m_deferX = nullptr;
  QValueAxis* m_deferY = nullptr;
  QLineSeries* m_costSeries[kSides] = {nullptr, nullptr};
  QLineSeries* m_deferSeries[kSides] = {nullptr, nullptr};
  QLineSeries* m_costMarker = nullptr;
  QLineSeries* m_deferMarker = nullptr;
  std::shared_ptr<const DecisionOutcome> m_outcome[kSides];
  double m_rejectCost = 0.2;
};
