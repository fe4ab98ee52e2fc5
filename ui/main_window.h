#pragma once
// MainWindow: the desktop application. Left: the run form (RunPanel) and the run list
// (RunListModel in a tree view: show/hide, rename, stop, save, open, remove). Centre: the data
// strip (DatasetPanel), one progress row per chain (ChainProgressPanel) and the tabs Warm-up,
// Sampling, Comparison (AccuracyChart) and Uncertainty (UncertaintyExplorer). The RunController
// is the only bridge to running chains; its 10 Hz drain tick refreshes the charts. Data loads on
// a helper thread. Window layout, data folder and the last run configuration persist in QSettings.
// Closing while chains run asks first (unless confirmation is off), then stops and joins them.
// Threading: GUI thread only.

#include <QElapsedTimer>
#include <QHash>
#include <QMainWindow>
#include <QPointer>
#include <QTimer>
#include <memory>

#include "app_options.h"
#include "data/dataset.h"
#include "run/run_engine.h"

QT_BEGIN_NAMESPACE
class QLabel;
class QTabWidget;
class QThread;
class QTreeView;
class QAction;
QT_END_NAMESPACE

class AccuracyChart;
class ChainProgressPanel;
class DatasetPanel;
class LatencyMonitor;
class MnistFetcher;
class RunController;
class RunListModel;
class RunPanel;
class UncertaintyExplorer;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  /// Loads a data folder on a helper thread; datasetLoaded / datasetFailed follow.
  void loadData(const QString& directory);
  /// Loads the folder from the settings, else the application's MNIST copy (or shows how to get it).
  void loadDefaultData();
  std::shared_ptr<const bnn::Dataset> dataset() const { return m_data; }
  /// Uses a dataset already in memory (tests, synthetic data).
  void setDataset(std::shared_ptr<const bnn::Dataset> data);

  /// Starts a chain on the loaded data; returns its id, or an empty string without data.
  QString startRun(const bnn::RunConfig& config);
  /// Starts the two example presets (with `overrides` applied) at once.
  QStringList startComparison(const std::vector<std::pair<std::string, std::string>>& overrides = {});
  void stopRun(const QString& id);
  void stopAll();

  /// Saves a finished or loaded run as a results folder. False with a reason on failure.
  bool saveRun(const QString& id, const QString& directory, QString* error = nullptr);
  /// Opens a saved results folder as a new run; returns its id or an empty string (+ reason).
  QString openRun(const QString& directory, QString* error = nullptr);

  /// Applies the command line: data folder, preset and overrides, --run / --compare, screenshot,
  /// quit when done. Call once after construction, before show().
  void applyOptions(const AppOptions& options);
  /// Ask before closing while chains run (default true).
  void setConfirmOnClose(bool on) { m_confirmOnClose = on; }
  /// Shows a tab: "warmup", "sampling", "comparison" or "uncertainty".
  void showView(const QString& name);

  RunController* controller() const { return m_controller; }
  RunListModel* runModel() const { return m_model; }
  RunPanel* runPanel() const { return m_runPanel; }
  ChainProgressPanel* progressPanel() const { return m_progress; }
  DatasetPanel* datasetPanel() const { return m_datasetPanel; }
  AccuracyChart* warmupChart() const { return m_warmupChart; }
  AccuracyChart* samplingChart() const { return m_samplingChart; }
  AccuracyChart* comparisonChart() const { return m_comparisonChart; }
  LatencyMonitor* latencyMonitor() const { return m_latency; }
  QTreeView* runView() const { return m_runView; }
  QString diagnosticsReport() const;
  /// How many results (snapshots of running chains, finished or opened runs) the uncertainty
  /// explorer has received.
  int uncertaintyUpdates() const { return m_uncertaintyUpdates; }

 Q_SIGNALS:
  void datasetLoaded();
  void datasetFailed(const QString& error);
  /// Emitted when the last running chain has finished.
  void allRunsFinished();

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void buildUi();
  void buildMenus();
  void connectController();
  void refreshCharts();
  void updateStatus();
  void updateActions();
  void onDataLoaded(quint64 generation, std::shared_ptr<bnn::Result<bnn::Dataset>> result,
                    const QString& directory);
  void onRunFinished(const QString& id, std::shared_ptr<const bnn::RunResult> result);
  void onAutomationDone();
  void chooseDataFolder();
  void fetchMnist();
  void saveSelectedRun();
  void openRunWithDialog();
  void removeSelectedRun();
  void showDiagnostics();
  QString selectedRunId() const;
  AccuracyChart* currentChart() const;
  void saveSettings();
  void restoreSettings();
  void feedUncertainty(const QString& id, std::shared_ptr<const bnn::RunResult> result);

  RunController* m_controller = nullptr;
  RunListModel* m_model = nullptr;
  RunPanel* m_runPanel = nullptr;
  ChainProgressPanel* m_progress = nullptr;
  DatasetPanel* m_datasetPanel = nullptr;
  AccuracyChart* m_warmupChart = nullptr;
  AccuracyChart* m_samplingChart = nullptr;
  AccuracyChart* m_comparisonChart = nullptr;
  UncertaintyExplorer* m_uncertainty = nullptr;
  QTabWidget* m_tabs = nullptr;
  QTreeView* m_runView = nullptr;
  LatencyMonitor* m_latency = nullptr;
  MnistFetcher* m_fetcher = nullptr;
  QLabel* m_statusRuns = nullptr;
  QLabel* m_statusLatency = nullptr;
  QTimer m_statusTimer;

  QAction* m_stopSelectedAction = nullptr;
  QAction* m_stopAllAction = nullptr;
  QAction* m_saveAction = nullptr;
  QAction* m_removeAction = nullptr;
  QAction* m_bandZoomAction = nullptr;

  QHash<QString, std::weak_ptr<const bnn::RunResult>>
      m_fedToUncertainty;  // run id -> result last given to the explorer

  std::shared_ptr<const bnn::Dataset> m_data;
  QString m_dataDirectory;
  QThread* m_loadThread = nullptr;
  quint64 m_loadGeneration = 0;

  bool m_confirmOnClose = true;
  bool m_closing = false;
  bool m_chartRefreshPending = false;
  int m_uncertaintyUpdates = 0;
  QElapsedTimer m_uncertaintyClock;
  qint64 m_nextSnapshotFeedMs = 0;
  // Automation (command line)
  AppOptions m_options;
  bool m_automation = false;
  bool m_automationStarted = false;
  int m_exitCode = 0;
};
