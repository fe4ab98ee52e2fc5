#pragma once
// ShiftView ("Shift"): how does the posterior degrade as the inputs drift? A run's kept samples
// are evaluated on rotated copies of its test set (0° to 180° in 15° steps by default, the
// protocol of Ovadia et al. 2019; any range can be typed), and optionally on translated and
// noisy copies. One chart per measure (accuracy, NLL, ECE, Brier, mean entropy, mean mutual
// information) against the level, the ensemble solid and the single network at the last sample
// dashed, the shown run and a compared one overlaid in their colours; the numbers in a table,
// exported as CSV. Sweeps run on the background runner level by level (analysis/shift_study.h
// does the numbers): the charts grow as levels finish, progress is shown per level, Cancel
// keeps the levels done, and levels already evaluated are never evaluated again.
// Threading: GUI thread only.

#include <QHash>
#include <QMap>
#include <limits>
#include <memory>
#include <vector>

#include "analysis/shift_study.h"
#include "shift/shift_sweep.h"
#include "views/analysis_view.h"

QT_BEGIN_NAMESPACE
class QCheckBox;
class QChartView;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTabWidget;
class QTableWidget;
class QTimer;
class QValueAxis;
QT_END_NAMESPACE

class RunPairPicker;
class SampledRuns;

class ShiftView : public AnalysisView {
  Q_OBJECT
 public:
  enum Measure { Accuracy, Nll, Ece, Brier, Entropy, MutualInformation, MeasureCount };
  enum Family { Rotation, Translation, Noise, FamilyCount };

  explicit ShiftView(const ViewContext& context, QWidget* parent = nullptr);
  ~ShiftView() override;

  Feeds feeds() const override { return Results; }
  void updateRun(const ViewRun& run) override;
  void removeRun(const QString& id) override;
  void selectRun(const QString& id) override;
  void selectPair(const QString& id, const QString& comparison) override;
  /// The six charts (CSV: the table), then the table alone.
  QList<ChartExport> exports() const override;

  /// Levels of a family as typed ("0:180:15" or one number) and whether it is swept.
  void setLevels(Family family, const QString& text, bool enabled = true);
  /// The levels the next sweep evaluates (empty with a reason when the text is wrong).
  std::vector<bnn::TransformSpec> levels(QString* why = nullptr) const;
  /// Sweeps the shown runs over the levels they have not been evaluated on.
  void runSweep();
  /// Stops every sweep in progress; the levels finished stay.
  void cancel();
  bool isSweeping() const { return !m_active.isEmpty(); }

  /// The finished levels of a run among levels(), in order.
  std::vector<bnn::ShiftLevel> shownLevels(const QString& id) const;
  /// The measure of a level for the ensemble or the last sample.
  static double measure(const bnn::ShiftLevel& level, Measure m, bool lastSample);

  RunPairPicker* runPicker() const { return m_picker; }
  SampledRuns* runs() const { return m_runs; }
  QChartView* chart(Measure m) const { return m_charts[m]; }
  QTableWidget* table() const { return m_table; }
  QProgressBar* progressBar() const { return m_progress; }
  QPushButton* runButton() const { return m_run; }
  QString statusText() const;
  /// Wall time of the last complete sweep of a run (NaN: none).
  double sweepSeconds(const QString& id) const;

 Q_SIGNALS:
  /// A level of a run's sweep was installed.
  void levelInstalled(const QString& runId);
  /// A run's sweep ended (every level done, or an error); not sent for a cancelled sweep.
  void sweepFinished(const QString& runId);

 private:
  struct Active {
    std::shared_ptr<JobProgress> progress;
    std::shared_ptr<ShiftSweepShared> shared;
    std::vector<bnn::TransformSpec> levels;
    qint64 startedMs = 0;
  };
  struct RunLevels {
    std::shared_ptr<const bnn::RunResult> result;  // what the levels were evaluated for
    QMap<QString, bnn::ShiftLevel> levels;         // by the spec's canonical text
    int64_t sampleCount = 0;
    int64_t numImages = 0;
    double seconds = std::numeric_limits<double>::quiet_NaN();
    QString error;
  };
  void stop(const QString& id);
  void dropRun(const QString& id);
  void collect();
  void tick();
  void refresh();
  void refreshCharts();
  void refreshTable();
  void updateStatus();
  void validateLevels();
  Family chartFamily() const;

  SampledRuns* m_runs = nullptr;
  RunPairPicker* m_picker = nullptr;
  QCheckBox* m_enabled[FamilyCount] = {};
  QLineEdit* m_text[FamilyCount] = {};
  QComboBox* m_family = nullptr;
  QPushButton* m_run = nullptr;
  QPushButton* m_cancel = nullptr;
  QProgressBar* m_progress = nullptr;
  QLabel* m_status = nullptr;
  QLabel* m_legend = nullptr;
  QList<ChartLegendEntry> m_legendEntries;  // the same legend, for exported images
  QTabWidget* m_tabs = nullptr;
  QChartView* m_charts[MeasureCount] = {};
  QValueAxis* m_x[MeasureCount] = {};
  QValueAxis* m_y[MeasureCount] = {};
  QTableWidget* m_table = nullptr;
  QTimer* m_timer = nullptr;

  QHash<QString, RunLevels> m_results;  // run id -> levels evaluated
  QHash<QString, Active> m_active;      // run id -> its sweep in progress
  QString m_lastMessage;
};
