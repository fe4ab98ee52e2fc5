#pragma once
// SweepView ("Sweep"): which step size should I use? Short runs of a preset (optionally with
// another sampler and further parameters) over a geometric grid of step sizes h = LO, LO F, ...
// up to HI, all with the same seed, one after the other on every core; per step size the
// ensemble accuracy, the ensemble's test NLL and the outcome (completed; warning: a quiet failure
// such as an exploding potential or accuracy at chance; diverged: non-finite values) against
// log h, the best point (the highest ensemble accuracy among completed runs, the lower NLL on
// ties) marked and named, the numbers in a table, the CSV of `bnn-cli sweep` (sweep.csv), and
// "Use this step size", which fills the run form with the best or the selected point.
// run/step_size_sweep.h does the runs and picks the best point (the same code as the CLI); the
// sweep runs on the background runner (lab/sweep_job.h) with progress "run k of K", and Cancel
// keeps the points finished.
// Threading: GUI thread only.

#include <QString>
#include <memory>
#include <vector>

#include "run/step_size_sweep.h"
#include "views/analysis_view.h"

QT_BEGIN_NAMESPACE
class QChartView;
class QComboBox;
class QLabel;
class QLineEdit;
class QLogValueAxis;
class QProgressBar;
class QPushButton;
class QScatterSeries;
class QLineSeries;
class QSpinBox;
class QTableWidget;
class QTimer;
class QValueAxis;
QT_END_NAMESPACE

struct JobProgress;
struct SweepJobShared;

class SweepView : public AnalysisView {
  Q_OBJECT
 public:
  explicit SweepView(const ViewContext& context, QWidget* parent = nullptr);
  ~SweepView() override;

  Feeds feeds() const override { return {}; }
  /// The three charts side by side (CSV: sweep.csv), then the table's CSV alone.
  QList<ChartExport> exports() const override;

  // The form (as a user types it).
  void setPreset(const QString& name);
  /// "" keeps the preset's sampler; else one of the sampler choices ("sgld", "sghmc", ...).
  void setSampler(const QString& sampler);
  void setGrid(const QString& lo, const QString& hi, const QString& factor);
  void setSteps(int warmup, int samples);
  void setSeed(int seed);
  /// Further parameters as on the command line: "--hidden 100 --batch-size 50".
  void setMoreParameters(const QString& text);

  /// The configurations the next sweep runs (one per grid point); the error says what is wrong.
  bnn::CheckedConfigs configs() const;
  /// `bnn-cli sweep ...` with the same preset, grid and parameters.
  QString commandLine() const;

  /// Starts a sweep over the grid (replacing the points shown); false with the reason in the
  /// status when the form is wrong, no data is loaded or a sweep is running.
  bool runSweep();
  /// Stops the sweep; the points finished stay.
  void cancel();
  bool isSweeping() const { return bool(m_progress); }

  /// The points shown (finished runs in grid order) and the best among them (-1: none).
  const std::vector<bnn::SweepPoint>& points() const { return m_points; }
  int best() const { return m_best; }
  /// The point "Use this step size" takes: the table's selected row, else the best (-1: none).
  int chosenPoint() const;
  /// The run-form configuration of point `index`: the sweep's preset, sampler, seed and further
  /// parameters with its step size (warm-up and sampling steps the preset's, for a full run).
  bnn::CheckedConfig formConfig(int index) const;
  /// Sends chosenPoint()'s configuration to the run form (runFormRequested); false when none.
  bool useStepSize();

  QString statusText() const;
  QString bestText() const;
  QTableWidget* table() const { return m_table; }
  QChartView* accuracyChart() const { return m_accuracyChart; }
  QChartView* nllChart() const { return m_nllChart; }
  QChartView* outcomeChart() const { return m_outcomeChart; }
  QPushButton* runButton() const { return m_run; }
  QPushButton* cancelButton() const { return m_cancelButton; }
  QPushButton* useButton() const { return m_use; }
  QProgressBar* progressBar() const { return m_bar; }

 Q_SIGNALS:
  /// A grid point's run finished and was installed (index into points()).
  void pointInstalled(int index);
  /// The sweep ended: every point done, or cancelled.
  void sweepFinished();

 private:
  struct Request {
    QString preset;
    bnn::ParamOverrides formOverrides;  // sampler, further parameters, seed (no warm-up, samples)
    std::vector<double> grid;
    int64_t warmup = 0, samples = 0;
    QString data;  // the dataset's short label
  };
  bnn::ParamOverrides overrides(bool forSweep, QString* error) const;
  void validate();
  void collect();
  void tick();
  void install(bnn::StepSizeSweep sweep);
  void refresh();
  void refreshCharts();
  void refreshTable();
  void updateButtons();

  QComboBox* m_preset = nullptr;
  QComboBox* m_sampler = nullptr;
  QLineEdit* m_lo = nullptr;
  QLineEdit* m_hi = nullptr;
  QLineEdit* m_factor = nullptr;
  QSpinBox* m_warmup = nullptr;
  QSpinBox* m_samples = nullptr;
  QSpinBox* m_seed = nullptr;
  QLineEdit* m_more = nullptr;
  QLabel* m_gridNote = nullptr;
  QLabel* m_command = nullptr;
  QPushButton* m_run = nullptr;
  QPushButton* m_cancelButton = nullptr;
  QProgressBar* m_bar = nullptr;
  QLabel* m_status = nullptr;
  QLabel* m_bestLabel = nullptr;
  QPushButton* m_use = nullptr;
  QChartView* m_accuracyChart = nullptr;
  QChartView* m_nllChart = nullptr;
  QChartView* m_outcomeChart = nullptr;
  QLogValueAxis* m_x[3] = {};
  QValueAxis* m_accuracyY = nullptr;
  QValueAxis* m_nllY = nullptr;
  QTableWidget* m_table = nullptr;
  QTimer* m_timer = nullptr;

  Request m_request;                      // what the points shown were swept with
  std::vector<bnn::SweepPoint> m_points;  // finished, in grid order
  int m_best = -1;
  std::shared_ptr<JobProgress> m_progress;  // the sweep going on (null: none)
  std::shared_ptr<SweepJobShared> m_shared;
  qint64 m_startedMs = 0;
  QString m_message;  // the last sweep's end ("Cancelled: ...", "Swept 5 step sizes in 62 s")
};
