#pragma once
// ExplorerState: the one state object the uncertainty explorer's panes are fed from: the runs
// it knows (name, colour, newest result, the analysis of that result once the background runner
// has made it), which run is shown and which one it is compared with, the threshold t and the
// selected test image. Panes read it and listen to its signals; they change it only through its
// setters. The user's choice of runs is never overridden by updates: a new result of a run
// changes only that run's analysis.
// Threading: GUI thread only.

#include <QColor>
#include <QObject>
#include <QString>
#include <memory>
#include <vector>

#include "explorer/run_analysis.h"
#include "views/analysis_view.h"

class RunPairPicker;

struct ExplorerRun {
  QString id;
  QString name;
  QColor color;
  bool running = false;
  std::shared_ptr<const bnn::RunResult> result;  // newest received
  std::shared_ptr<const RunAnalysis> analysis;   // of `result` or of an older one (null: none yet)

  /// The analysis is of the newest result.
  bool upToDate() const { return analysis && analysis->run == result; }
  bool hasSamples() const { return analysis && analysis->ok(); }
  /// "nothing has been sampled yet", "analysing…" or a reason from the analysis; "" when fine.
  QString problem() const;
};

class ExplorerState : public QObject {
  Q_OBJECT
 public:
  static constexpr double kMinThreshold = 0.1;  // the threshold grid's range: linspace(0.1, 1, 90)
  static constexpr double kMaxThreshold = 1.0;

  explicit ExplorerState(QObject* parent = nullptr);

  // Runs
  void setRun(const ViewRun& run);  // adds or updates
  void removeRun(const QString& id);
  const std::vector<ExplorerRun>& runs() const { return m_runs; }
  const ExplorerRun* run(const QString& id) const;
  /// Installs the analysis of one of the run's results (ignored for unknown runs and for results
  /// older than the one analysed already).
  void setAnalysis(const QString& id, std::shared_ptr<const RunAnalysis> analysis);

  // Which runs are shown
  const QString& primaryId() const { return m_primary; }
  const QString& comparisonId() const { return m_comparison; }
  const ExplorerRun* primary() const { return run(m_primary); }
  const ExplorerRun* comparison() const;
  /// Shows `id` (an id not known yet is remembered and shown when it arrives).
  void setPrimary(const QString& id);
  /// Compares with `id`; empty or equal to the shown run: no comparison.
  void setComparison(const QString& id);
  /// `primary` compared with `comparison`, each as soon as it is here.
  void setPair(const QString& primary, const QString& comparison);
  void swap();
  /// Lists the runs in `picker` (a run with nothing sampled yet says so) with the shown and the
  /// compared run selected.
  void showIn(RunPairPicker& picker) const;

  double threshold() const { return m_threshold; }
  /// Clamped to [kMinThreshold, kMaxThreshold].
  void setThreshold(double t);

  int selectedImage() const { return m_selected; }
  void setSelectedImage(int image);

 Q_SIGNALS:
  void runsChanged();                      // a run was added or removed, renamed, recoloured, or got samples
  void shownChanged();                     // the shown or compared run changed, or one of their analyses
  void analysisWanted(const QString& id);  // a shown run's newest result has no analysis yet
  void thresholdChanged(double t);
  void selectedImageChanged(int image);

 private:
  ExplorerRun* find(const QString& id);
  void requestAnalyses();
  /// Shows the wanted comparison once it and the wanted primary are here; true when it did.
  bool applyWantedComparison();

  std::vector<ExplorerRun> m_runs;
  QString m_primary, m_comparison;
  QString m_wantedPrimary;     // chosen before the run arrived
  QString m_wantedComparison;  // the same for the comparison (setPair)
  double m_threshold = 0.95;
  int m_selected = -1;
};
