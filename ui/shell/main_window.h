#pragma once
// MainWindow: the shell of the desktop application. Left docks: the run form (RunPanel) and the
// run list (RunListPane). Centre: the data strip (DatasetPanel), one progress row per chain
// (ChainProgressPanel) and the analysis views (ViewHost: one tab per registered view; the shell
// knows them only through the AnalysisView interface). It wires the parts together: the
// RunController (the only bridge to running chains) feeds the run list; the run list feeds the
// views; data, saved runs and analyses load on the one background JobRunner. Menus, the status
// bar and window settings live here; closing asks about unsaved runs and running chains
// (UnsavedRunsGuard, which also keeps recovery copies of finished runs in the RecoveryStore) and
// then stops and joins the chains. Command-line automation lives in AppAutomation.
// Threading: GUI thread only.

#include <QMainWindow>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "data/dataset.h"
#include "run/run_config.h"

namespace bnn {
struct ChainCheckpoint;
}

QT_BEGIN_NAMESPACE
class QAction;
class QLabel;
class QMenu;
QT_END_NAMESPACE

class AnalysisView;
class ChainProgressPanel;
class DatasetLoader;
class DatasetPanel;
class EvaluationController;
class JobRunner;
class LatencyMonitor;
class MnistFetcher;
class RecoveryStore;
class RunController;
class RunFiles;
class RunListModel;
class RunListPane;
class RunPanel;
class UnsavedRunsGuard;
class ViewHost;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Data
  /// Loads a data folder in the background; datasetLoaded / datasetFailed follow.
  void loadData(const QString& directory);
  /// Loads the folder from the settings, else the application's MNIST copy (or says how to get it).
  void loadDefaultData();
  /// Uses a dataset already in memory (tests, synthetic data).
  void setDataset(std::shared_ptr<const bnn::Dataset> data);
  std::shared_ptr<const bnn::Dataset> dataset() const;

  // Runs
  /// Starts a chain on the loaded data; returns its id, or an empty string without data.
  QString startRun(const bnn::RunConfig& config);
  /// Continues the interrupted run of `directory` from its checkpoint (File → Resume run…).
  QString resumeRun(const QString& directory, std::shared_ptr<const bnn::ChainCheckpoint> checkpoint);
  /// Starts the comparison's presets (bnn::comparisonPresetNames) with `overrides` applied, at
  /// once; nothing when the overrides are refused.
  QStringList startComparison(const bnn::ParamOverrides& overrides = {});
  void stopRun(const QString& id);
  void stopAll();

  // Views
  /// Shows the view registered as `key` ("warmup", "uncertainty", ...); false if unknown.
  bool showView(const QString& key);
  AnalysisView* view(const QString& key) const;

  /// Offers the finished, unsaved runs of a session that ended without closing (crash, kill):
  /// Restore / Discard / Later. The application calls it once at start-up.
  void offerRecovery();

  /// Ask before closing with unsaved runs or running chains (default true; off: discard, stop).
  void setConfirmOnClose(bool on) { m_confirmOnClose = on; }
  /// Keep the window layout, data folder and form in the settings (default true; automation off).
  void setRememberSettings(bool on) { m_rememberSettings = on; }
  QString diagnosticsReport() const;

  JobRunner* jobs() const { return m_jobs; }
  RunController* controller() const { return m_controller; }
  RunListModel* runModel() const { return m_model; }
  RunFiles* runFiles() const { return m_files; }
  RunPanel* runPanel() const { return m_runPanel; }
  RunListPane* runList() const { return m_runList; }
  ChainProgressPanel* progressPanel() const { return m_progress; }
  DatasetPanel* datasetPanel() const { return m_datasetPanel; }
  DatasetLoader* dataLoader() const { return m_loader; }
  ViewHost* views() const { return m_views; }
  LatencyMonitor* latencyMonitor() const { return m_latency; }
  RecoveryStore* recovery() const { return m_recovery; }
  UnsavedRunsGuard* unsavedRunsGuard() const { return m_guard; }
  EvaluationController* evaluations() const { return m_evaluations; }

 Q_SIGNALS:
  void datasetLoaded();
  void datasetFailed(const QString& error);
  /// Emitted when the last running chain has finished.
  void allRunsFinished();

 protected:
  void closeEvent(QCloseEvent* event) override;
  void showEvent(QShowEvent* event) override;

 private:
  void buildUi();
  void buildMenus();
  QString addLiveRun(const QString& id, const bnn::RunConfig& config, const bnn::Dataset& data);  // list, progress row
  void connectParts();
  void updateStatus();
  void updateActions();
  void onRunFinished(const QString& id);
  void noteRunningChainsData();
  /// When every chain of the K-chain group of `finishedId` has finished: pools them (in the
  /// background) into the group's row (RunListModel::addPooledRun).
  void poolChainGroup(const QString& finishedId);
  void chooseDataFolder();
  void fetchMnist();
  void showDiagnostics();
  void onCurrentViewChanged(AnalysisView* view);
  void fillExportMenu();
  void saveSettings();
  void restoreSettings();

  JobRunner* m_jobs = nullptr;
  RunController* m_controller = nullptr;
  RunListModel* m_model = nullptr;
  RunFiles* m_files = nullptr;
  DatasetLoader* m_loader = nullptr;
  MnistFetcher* m_fetcher = nullptr;
  LatencyMonitor* m_latency = nullptr;
  RecoveryStore* m_recovery = nullptr;
  UnsavedRunsGuard* m_guard = nullptr;
  EvaluationController* m_evaluations = nullptr;
  RunPanel* m_runPanel = nullptr;
  RunListPane* m_runList = nullptr;
  ChainProgressPanel* m_progress = nullptr;
  DatasetPanel* m_datasetPanel = nullptr;
  ViewHost* m_views = nullptr;
  QLabel* m_statusRuns = nullptr;
  QLabel* m_statusLatency = nullptr;
  QTimer m_statusTimer;
  QMenu* m_viewMenu = nullptr;
  QMenu* m_exportMenu = nullptr;
  QAction* m_viewActionsAnchor = nullptr;  // the current view's actions go before it
  QList<QAction*> m_currentViewActions;

  struct ChainGroup {
    bnn::RunConfig config;  // as asked for: Chains K, chain index -1
    QStringList chainIds;   // its K runs, in chain order
  };
  QList<ChainGroup> m_chainGroups;  // K-chain runs started here and not pooled yet
  bool m_confirmOnClose = true;
  bool m_rememberSettings = true;
  bool m_warmedUp = false;
};
