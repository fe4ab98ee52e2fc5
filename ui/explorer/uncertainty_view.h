#pragma once
// UncertaintyView: the uncertainty explorer, an analysis view fed with the runs' newest results
// (finished, opened, or snapshots of running chains). One ExplorerState feeds its panes: the
// run picker and threshold, the summary table, the gallery of test images, the detail of the
// selected image, and the per-digit bars, threshold curves and risk-coverage curve. Each shown
// run is analysed on the background runner (a newer snapshot replaces one still waiting; the
// GUI thread only installs finished analyses); runs that are listed but not shown cost nothing.
// Threading: GUI thread only.

#include "views/analysis_view.h"

QT_BEGIN_NAMESPACE
class QSplitter;
class QTabWidget;
QT_END_NAMESPACE

class DetailPane;
class ExplorerState;
class GalleryPane;
class PerDigitPane;
class RiskCoveragePane;
class RunPairPicker;
class SummaryPane;
class ThresholdControl;
class ThresholdPane;

class UncertaintyView : public AnalysisView {
  Q_OBJECT
 public:
  explicit UncertaintyView(const ViewContext& context, QWidget* parent = nullptr);
  ~UncertaintyView() override;

  Feeds feeds() const override { return Results; }
  void updateRun(const ViewRun& run) override;
  void removeRun(const QString& id) override;
  void selectRun(const QString& id) override;
  void selectPair(const QString& id, const QString& comparison) override;
  /// The chart tab shown first, then the other two.
  QList<ChartExport> exports() const override;

  ExplorerState* state() const { return m_state; }
  RunPairPicker* runPicker() const { return m_picker; }
  ThresholdControl* thresholdControl() const { return m_threshold; }
  SummaryPane* summary() const { return m_summary; }
  GalleryPane* gallery() const { return m_gallery; }
  DetailPane* detail() const { return m_detail; }
  PerDigitPane* perDigit() const { return m_perDigit; }
  ThresholdPane* thresholdCurves() const { return m_curves; }
  RiskCoveragePane* riskCoverage() const { return m_risk; }
  QTabWidget* chartTabs() const { return m_tabs; }
  /// Analyses installed so far (each a finished background job).
  int analysesInstalled() const { return m_installed; }
  /// The selected image is a tab beside the charts (short windows) rather than above them.
  bool isCompact() const { return m_compact; }
  void setCompact(bool compact);

 Q_SIGNALS:
  void analysisInstalled(const QString& runId);

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void requestAnalysis(const QString& id);
  void refreshPicker();
  void showSelectedImage();

  ExplorerState* m_state = nullptr;
  RunPairPicker* m_picker = nullptr;
  ThresholdControl* m_threshold = nullptr;
  SummaryPane* m_summary = nullptr;
  GalleryPane* m_gallery = nullptr;
  DetailPane* m_detail = nullptr;
  QTabWidget* m_tabs = nullptr;
  PerDigitPane* m_perDigit = nullptr;
  ThresholdPane* m_curves = nullptr;
  RiskCoveragePane* m_risk = nullptr;
  QSplitter* m_right = nullptr;
  int m_installed = 0;
  bool m_compact = false;
};
